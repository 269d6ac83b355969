// SPDX-License-Identifier: MIT
/*
 * Guest test: libdrm's drmGetDevice2() on virtio_xe_proxy's render node
 * reports a PCI device with Intel's vendor id and the host GPU's device id
 * and revision (the ones DEVICE_QUERY CONFIG reports), as Mesa's and
 * libva's device enumeration see it, and that the PCI function has a bound
 * driver (ours), as real hardware does and IGT's device scan requires.
 * Prints KTAP.
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xf86drm.h>
#include <drm/xe_drm.h>

#include "ktap.h"

int main(int argc, char **argv)
{
	uint64_t cfg[16] = { 0 };
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_CONFIG,
					 .size = sizeof(struct drm_xe_query_config) + 5 * 8,
					 .data = (uintptr_t)cfg };
	drmDevicePtr dev = NULL;
	const char *node = argc > 1 ? argv[1] : "/dev/dri/renderD128";
	char link[PATH_MAX], target[PATH_MAX] = "";
	uint32_t devid, rev;
	ssize_t n;
	int fd;

	ktap_header(6);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q)) {
		printf("Bail out! cannot open or query the xe node\n");
		return 1;
	}
	devid = cfg[1 + DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff;
	rev = (cfg[1 + DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] >> 16) & 0xff;
	/* without the flag libdrm leaves the revision at 0xff on purpose */
	ktap_test(drmGetDevice2(fd, DRM_DEVICE_GET_PCI_REVISION, &dev) == 0 && dev,
		  "drmGetDevice2");
	if (!dev)
		return ktap_finish();
	ktap_diag("bus %d, %04x:%02x:%02x.%u, %04x:%04x rev %02x, nodes %s %s",
		  dev->bustype, dev->businfo.pci->domain, dev->businfo.pci->bus,
		  dev->businfo.pci->dev, dev->businfo.pci->func,
		  dev->deviceinfo.pci->vendor_id, dev->deviceinfo.pci->device_id,
		  dev->deviceinfo.pci->revision_id,
		  dev->available_nodes & (1 << DRM_NODE_PRIMARY) ? dev->nodes[DRM_NODE_PRIMARY] : "-",
		  dev->available_nodes & (1 << DRM_NODE_RENDER) ? dev->nodes[DRM_NODE_RENDER] : "-");
	ktap_test(dev->bustype == DRM_BUS_PCI, "bus_is_pci");
	ktap_test(dev->deviceinfo.pci->vendor_id == 0x8086, "vendor_is_intel");
	ktap_test(dev->deviceinfo.pci->device_id == devid &&
		  dev->deviceinfo.pci->revision_id == rev, "device_and_revision_match_query");
	ktap_test((dev->available_nodes & (1 << DRM_NODE_PRIMARY)) &&
		  (dev->available_nodes & (1 << DRM_NODE_RENDER)), "primary_and_render_nodes");
	drmFreeDevice(&dev);
	close(fd);

	snprintf(link, sizeof(link), "/sys/class/drm/%s/device/driver",
		 strrchr(node, '/') ? strrchr(node, '/') + 1 : node);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0)
		target[n] = 0;
	ktap_diag("PCI function driver: %s", n > 0 ? basename(target) : "(none)");
	ktap_test(n > 0 && !strcmp(basename(target), "virtio_xe_proxy"),
		  "pci_function_bound_to_virtio_xe_proxy");
	return ktap_finish();
}
