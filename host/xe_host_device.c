// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: finding the xe render node, the capset and the
 * process-wide lifetime (xe_host_init()/xe_host_fini()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>
#include <xf86drm.h>

#include "xe_host_priv.h"

struct xe_host xe_host = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.reap_lock = PTHREAD_MUTEX_INITIALIZER,
	.reap_cond = PTHREAD_COND_INITIALIZER,
	.wake_fd = -1,
};

static bool node_is_xe(int fd, uint32_t version[3])
{
	char name[16] = "";
	struct drm_version v = {
		.name = name,
		.name_len = sizeof(name) - 1,
	};

	if (xe_ioctl(fd, DRM_IOCTL_VERSION, &v))
		return false;
	version[0] = v.version_major;
	version[1] = v.version_minor;
	version[2] = v.version_patchlevel;
	return v.name_len == 2 && !memcmp(name, "xe", 2);
}

/**
 * xe_host_open_node() - open the render node the core serves
 *
 * Return: a new fd on xe_host.path, or -errno.
 */
int xe_host_open_node(void)
{
	int fd = open(xe_host.path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Pick the node: $XE_PROXY_DEVICE, else the first render node of driver xe. */
static int find_node(uint32_t version[3])
{
	const char *env = getenv("XE_PROXY_DEVICE");
	int minor, fd;

	if (env && *env) {
		if (strlen(env) >= sizeof(xe_host.path))
			return -ENAMETOOLONG;
		fd = open(env, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			xe_log("cannot open XE_PROXY_DEVICE=%s: %s", env,
			       strerror(errno));
			return -errno;
		}
		if (!node_is_xe(fd, version)) {
			xe_log("XE_PROXY_DEVICE=%s is not an xe device", env);
			close(fd);
			return -ENODEV;
		}
		snprintf(xe_host.path, sizeof(xe_host.path), "%s", env);
		return fd;
	}
	/* Render minors are 128..191 (drivers/gpu/drm/drm_drv.c). */
	for (minor = 128; minor < 192; minor++) {
		snprintf(xe_host.path, sizeof(xe_host.path),
			 "/dev/dri/renderD%d", minor);
		fd = open(xe_host.path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (node_is_xe(fd, version))
			return fd;
		close(fd);
	}
	xe_host.path[0] = '\0';
	return -ENODEV;
}

/* An opt-in of docs/security.md: $name=1. */
static bool opted_in(const char *name)
{
	const char *env = getenv(name);

	return env && !strcmp(env, "1");
}

/**
 * userptr_allowed() - may guests bind their own memory as userptr?
 *
 * Only with XE_PROXY_USERPTR=1. Userptr follows QEMU's virtual address: when
 * QEMU changes the mapping under a binding (a balloon discard, say), the
 * driver's MMU notifier waits on QEMU's thread for the VM's GPU work, which
 * the guest controls. Without the opt-in the capset does not announce
 * XE_PROXY_F_USERPTR and guest-memory blobs are refused.
 *
 * Return: true when the administrator opted in.
 */
static bool userptr_allowed(void)
{
	return opted_in("XE_PROXY_USERPTR");
}

/*
 * The VRAM regions whose BAR is smaller than they are (cpu_visible_size <
 * total_size in DRM_XE_DEVICE_QUERY_MEM_REGIONS), as GEM_CREATE placement
 * bits: the region's instance is its bit (xe_query.c query_mem_regions).
 */
static int find_small_bars(int fd)
{
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_MEM_REGIONS };
	struct drm_xe_query_mem_regions *m;
	int ret;

	xe_host.beyond_bar = 0;
	ret = xe_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret)
		return ret;
	if (q.size < sizeof(*m) || q.size > 4096)
		return -EPROTO;
	m = calloc(1, q.size);
	if (!m)
		return -ENOMEM;
	q.data = (uintptr_t)m;
	ret = xe_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	for (uint32_t i = 0; !ret && i < m->num_mem_regions &&
	     sizeof(*m) + (i + 1) * sizeof(m->mem_regions[0]) <= q.size; i++) {
		const struct drm_xe_mem_region *r = &m->mem_regions[i];

		if (r->mem_class == DRM_XE_MEM_REGION_CLASS_VRAM && r->instance < 32 &&
		    r->cpu_visible_size < r->total_size)
			xe_host.beyond_bar |= 1u << r->instance;
	}
	free(m);
	return ret;
}

/**
 * xe_host_beyond_bar() - whether a new BO may lie past a small BAR
 * @placement: its GEM_CREATE placement
 * @flags: its GEM_CREATE flags
 *
 * xe_bo.c add_vram(): with a small BAR, a BO without NEEDS_VISIBLE_VRAM is
 * allocated top-down, past the BAR, where every CPU access raises SIGBUS
 * (xe_ttm_io_mem_reserve). QEMU must not take that signal for a guest, so
 * such a BO is never mapped into the window: the guest's fault then
 * delivers the SIGBUS to the guest process, as xe does. Conservative: a
 * VRAM|system BO that landed in system memory is refused as well.
 *
 * Return: true when the BO must not be CPU-mapped for the guest.
 */
bool xe_host_beyond_bar(uint32_t placement, uint32_t flags)
{
	return !(flags & DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM) &&
	       (placement & xe_host.beyond_bar);
}

/* Device id and revision from the xe config query (xe_query.c packs the
 * revision above the 16-bit device id), PCI location from libdrm. */
static int fill_capset(int fd, const uint32_t version[3])
{
	struct xe_proxy_capset_drm *c = &xe_host.capset;
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_CONFIG };
	struct drm_xe_query_config *config;
	drmDevicePtr dev = NULL;
	int ret;

	ret = xe_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret)
		return ret;
	if (q.size < sizeof(*config) + sizeof(uint64_t) || q.size > 4096)
		return -EPROTO;
	config = calloc(1, q.size);
	if (!config)
		return -ENOMEM;
	q.data = (uintptr_t)config;
	ret = xe_ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret) {
		free(config);
		return ret;
	}

	memset(c, 0, sizeof(*c));
	c->wire_format_version = 1;
	c->version_major = version[0];
	c->version_minor = version[1];
	c->version_patchlevel = version[2];
	c->context_type = XE_PROXY_DRM_CONTEXT_XE;
	c->u.xe.pci_device_id =
		config->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff;
	c->u.xe.pci_revision_id =
		(config->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] >> 16) & 0xff;
	free(config);

	if (!drmGetDevice2(fd, 0, &dev) && dev->bustype == DRM_BUS_PCI) {
		c->u.xe.pci_domain = dev->businfo.pci->domain;
		c->u.xe.pci_bus = dev->businfo.pci->bus;
		c->u.xe.pci_dev = dev->businfo.pci->dev;
		c->u.xe.pci_func = dev->businfo.pci->func;
	}
	if (dev)
		drmFreeDevice(&dev);

	c->u.xe.protocol_version = XE_PROXY_PROTOCOL_VERSION;
	c->u.xe.features = XE_PROXY_F_VM_BIND_EXT | XE_PROXY_F_EXEC_EXT |
			   XE_PROXY_F_EXEC_QUEUE_EXT | XE_PROXY_F_QUEUE_STATE |
			   XE_PROXY_F_GEM_CREATE_EXT | XE_PROXY_F_MADVISE |
			   XE_PROXY_F_ENGINE_CYCLES | XE_PROXY_F_FENCE_PUT |
			   XE_PROXY_F_EXEC_NO_BATCH | XE_PROXY_F_USERPTR |
			   XE_PROXY_F_QUEUE_SET_PROPERTY | XE_PROXY_F_EXEC_PARALLEL |
			   XE_PROXY_F_VM_QUERY_ATTRS | XE_PROXY_F_VM_GET_PROPERTY |
			   XE_PROXY_F_BLOB_SLICE | XE_PROXY_F_ASYNC_EXEC |
			   XE_PROXY_F_SCANOUT | XE_PROXY_F_GEM_CREATE_BLOB;
	/* docs/security.md: an administrator may turn guest userptr off */
	if (!userptr_allowed())
		c->u.xe.features &= ~XE_PROXY_F_USERPTR;
	/* docs/protocol.md: what the reference host announces */
	if (xe_host.base_protocol) {
		c->u.xe.protocol_version = 0;
		c->u.xe.features = 0;
	}
	return 0;
}

int xe_host_init(void *cookie, xe_host_fence_cb fence_cb)
{
	uint32_t version[3];
	int fd, ret;

	pthread_mutex_lock(&xe_host.lock);
	if (xe_host.initialised) {
		pthread_mutex_unlock(&xe_host.lock);
		return 0;
	}
	fd = find_node(version);
	if (fd < 0) {
		pthread_mutex_unlock(&xe_host.lock);
		return fd;
	}
	xe_host.base_protocol = opted_in("XE_PROXY_BASE_PROTOCOL");
	ret = find_small_bars(fd);
	if (!ret)
		ret = fill_capset(fd, version);
	close(fd);
	if (ret) {
		xe_log("%s: cannot query the device: %s", xe_host.path,
		       strerror(-ret));
		goto err;
	}
	xe_limits_init();
	xe_host.fault_mode = opted_in("XE_PROXY_FAULT_MODE");
	xe_host.cookie = cookie;
	xe_host.fence_cb = fence_cb;
	xe_host.stop = false;
	xe_host.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (xe_host.wake_fd < 0) {
		ret = -errno;
		goto err;
	}
	ret = xe_reaper_start();
	if (ret) {
		close(xe_host.wake_fd);
		xe_host.wake_fd = -1;
		goto err;
	}
	ret = -pthread_create(&xe_host.thread, NULL, xe_fence_thread, NULL);
	if (ret) {
		pthread_mutex_unlock(&xe_host.lock);
		xe_reaper_stop();
		pthread_mutex_lock(&xe_host.lock);
		close(xe_host.wake_fd);
		xe_host.wake_fd = -1;
		goto err;
	}
	xe_host.initialised = true;
	xe_fault_init();
	xe_log("serving %s (8086:%04x rev %02x), protocol %u, features 0x%llx%s%s",
	       xe_host.path, xe_host.capset.u.xe.pci_device_id,
	       xe_host.capset.u.xe.pci_revision_id,
	       xe_host.capset.u.xe.protocol_version,
	       (unsigned long long)xe_host.capset.u.xe.features,
	       xe_host.base_protocol ? ", strictly as the reference host" : "",
	       ", per-guest limits in force (docs/security.md)");
	pthread_mutex_unlock(&xe_host.lock);
	return 0;
err:
	pthread_mutex_unlock(&xe_host.lock);
	return ret;
}

void xe_host_fini(void)
{
	pthread_mutex_lock(&xe_host.lock);
	if (!xe_host.initialised) {
		pthread_mutex_unlock(&xe_host.lock);
		return;
	}
	while (xe_host.contexts) {
		struct xe_host_ctx *ctx = xe_host.contexts;

		pthread_mutex_unlock(&xe_host.lock);
		xe_host_ctx_destroy(ctx);
		pthread_mutex_lock(&xe_host.lock);
	}
	xe_host.stop = true;
	xe_host_wake();
	pthread_mutex_unlock(&xe_host.lock);

	pthread_join(xe_host.thread, NULL);
	/* the contexts' last VM destructions and fd closes */
	xe_reaper_stop();

	pthread_mutex_lock(&xe_host.lock);
	xe_ufence_fini();
	xe_fence_caches_empty();
	close(xe_host.wake_fd);
	xe_host.wake_fd = -1;
	xe_host.initialised = false;
	pthread_mutex_unlock(&xe_host.lock);
}

size_t xe_host_capset(void *buf, size_t size)
{
	size_t n = sizeof(xe_host.capset);

	pthread_mutex_lock(&xe_host.lock);
	if (!xe_host.initialised)
		n = 0;
	else if (buf)
		memcpy(buf, &xe_host.capset, size < n ? size : n);
	pthread_mutex_unlock(&xe_host.lock);
	return n;
}

void xe_host_wake(void)
{
	uint64_t one = 1;

	if (xe_host.wake_fd >= 0 &&
	    write(xe_host.wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		xe_log("cannot wake the fence thread: %s", strerror(errno));
}
