// SPDX-License-Identifier: MIT
/*
 * Guest test: PRIME between virtio_xe_proxy and another driver (vgem).
 *
 * An xe BO exported as a dma-buf is imported by vgem, which attaches to it
 * and, on kernels whose vgem maps imports (6.12), gets the exporter's
 * sg_table: the host-visible window range DMA-mapped for vgem's device.
 * The dma-buf's own mapping and DMA_BUF_IOCTL_SYNC work, closing vgem's
 * handle detaches, and a dma-buf of vgem's cannot come into xe (the host
 * cannot reach guest pages of another driver): EOPNOTSUPP. Prints KTAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <drm/xe_drm.h>
#include <linux/dma-buf.h>

#include "ktap.h"
#include "xe_query.h"
#include "xioctl.h"

#define BO_SIZE	0x10000

/* The card node whose driver is vgem. */
static int open_vgem(void)
{
	char path[32], name[16];

	for (int i = 0; i < 16; i++) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!xioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/dri/renderD128";
	struct drm_xe_gem_create c = { .size = BO_SIZE,
				       .cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_gem_mmap_offset mo = { 0 };
	struct drm_prime_handle exp = { 0 }, imp = { 0 };
	struct drm_mode_create_dumb dumb = { .width = 64, .height = 64, .bpp = 32 };
	struct dma_buf_sync sync;
	struct drm_gem_close gc;
	uint32_t *map = MAP_FAILED, *dmap = MAP_FAILED;
	int fd, vgem, ret;
	bool ok;

	ktap_header(7);
	fd = open(node, O_RDWR | O_CLOEXEC);
	vgem = open_vgem();
	if (fd < 0 || vgem < 0) {
		printf("Bail out! no xe node (%d) or no vgem card (%d)\n", fd, vgem);
		return 1;
	}

	c.placement = xe_sysmem_placement(fd);
	ok = c.placement && !xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c);
	mo.handle = c.handle;
	ok = ok && !xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	if (ok)
		map = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			   (off_t)mo.offset);
	ok = ok && map != MAP_FAILED;
	for (uint32_t i = 0; ok && i < BO_SIZE / 4; i++)
		map[i] = 0xf00d0000 + i;
	exp = (struct drm_prime_handle){ .handle = c.handle,
					 .flags = DRM_CLOEXEC | DRM_RDWR };
	ktap_test(ok && !xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp),
		  "xe_bo_exported");

	imp = (struct drm_prime_handle){ .fd = exp.fd };
	ret = xioctl(vgem, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp);
	if (ret)
		ktap_diag("vgem import: %s", strerror(-ret));
	ktap_test(!ret && imp.handle, "vgem_imports_xe_dmabuf");

	dmap = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, exp.fd, 0);
	sync = (struct dma_buf_sync){ .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
	ok = dmap != MAP_FAILED && !xioctl(exp.fd, DMA_BUF_IOCTL_SYNC, &sync);
	for (uint32_t i = 0; ok && i < BO_SIZE / 4; i++)
		ok = dmap[i] == 0xf00d0000 + i;
	if (ok)
		dmap[7] = 0xbeefcafe;
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	ok = ok && !xioctl(exp.fd, DMA_BUF_IOCTL_SYNC, &sync);
	ktap_test(ok, "dmabuf_mmap_and_sync_see_the_bo");
	ktap_test(map != MAP_FAILED && map[7] == 0xbeefcafe, "bo_sees_writes_through_dmabuf");

	gc = (struct drm_gem_close){ .handle = imp.handle };
	ktap_test(imp.handle && !xioctl(vgem, DRM_IOCTL_GEM_CLOSE, &gc),
		  "vgem_releases_import");

	/* the other way round: a vgem buffer cannot reach the host */
	ok = !xioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb);
	exp = (struct drm_prime_handle){ .handle = dumb.handle, .flags = DRM_CLOEXEC };
	ok = ok && !xioctl(vgem, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp);
	ktap_test(ok, "vgem_bo_exported");
	imp = (struct drm_prime_handle){ .fd = exp.fd };
	ret = xioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp);
	if (ret != -EOPNOTSUPP)
		ktap_diag("xe import of vgem dma-buf: %d", ret);
	ktap_test(ok && ret == -EOPNOTSUPP, "xe_refuses_foreign_dmabuf_eopnotsupp");

	if (dmap != MAP_FAILED)
		munmap(dmap, BO_SIZE);
	if (map != MAP_FAILED)
		munmap(map, BO_SIZE);
	close(vgem);
	close(fd);
	return ktap_finish();
}
