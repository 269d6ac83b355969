// SPDX-License-Identifier: MIT
/*
 * Showing a BO on a head (XE_PROXY_CCMD_SCANOUT), the renderer layer's
 * part.
 *
 * Zero copy: when a BO's resource is a real dma-buf, QEMU scans it out as
 * it is (SET_SCANOUT_BLOB, which needs the fd from
 * virgl_renderer_resource_get_info() at the resource's creation).
 *
 * Otherwise (the simulated device's BOs are memfds, which QEMU's EGL
 * cannot import) the guest links a 2D resource of the real library to the
 * BO, and each TRANSFER_TO_HOST_2D of it copies the rectangle from a
 * read-only mapping of the BO here instead of from guest memory: one copy,
 * into the resource's texture, which QEMU shows on RESOURCE_FLUSH like a
 * dumb buffer's.
 *
 * A link names both resources by id and holds neither: the unref of
 * either drops it. The BO mapping belongs to the BO's resource (one per
 * BO, however many links), so a guest cannot grow the mappings past its
 * BOs; links are capped too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include "vrend_shim.h"

/* Links at most: a 2D resource per head and buffer is plenty. */
#define SHIM_MAX_SCANOUT_LINKS	1024

/*
 * VIRGL_FORMAT_* of the 2D resources a BO can fill, the virtio-gpu formats
 * of the same numbers (include/uapi/linux/virtio_gpu.h): 4 bytes a pixel,
 * copied as they are, so the resource's format says what they mean.
 */
#define SHIM_FORMAT_B8G8R8A8	1
#define SHIM_FORMAT_B8G8R8X8	2
#define SHIM_FORMAT_R8G8B8A8	67
#define SHIM_FORMAT_R8G8B8X8	134

static bool link_format_ok(uint32_t virgl_format)
{
	return virgl_format == SHIM_FORMAT_B8G8R8A8 ||
	       virgl_format == SHIM_FORMAT_B8G8R8X8 ||
	       virgl_format == SHIM_FORMAT_R8G8B8A8 ||
	       virgl_format == SHIM_FORMAT_R8G8B8X8;
}

/**
 * struct shim_link - a 2D resource filled from a BO
 * @bo_res: the BO's resource
 * @offset: byte offset of the first pixel in it
 * @stride: bytes per line
 * @width: pixels per line, the 2D resource's width
 * @height: lines, its height
 */
struct shim_link {
	uint32_t bo_res;
	uint64_t offset;
	uint32_t stride;
	uint32_t width;
	uint32_t height;
};

/*
 * struct virgl_box is opaque in virglrenderer.h; QEMU passes its own
 * struct virtio_gpu_box, six 32-bit words.
 */
struct shim_box {
	uint32_t x, y, z;
	uint32_t w, h, d;
};

/* res_2d -> struct shim_link */
static struct xe_map links;

/**
 * shim_res_is_dmabuf() - whether a blob's fd is a real dma-buf
 * @r: the resource
 *
 * What QEMU can import for scanout. The simulated device exports memfds.
 *
 * Return: true for a dma-buf.
 */
bool shim_res_is_dmabuf(const struct shim_res *r)
{
	struct statfs st;

	return r->blob.fd >= 0 && r->blob.fd_type == XE_HOST_BLOB_FD_DMABUF &&
	       !fstatfs(r->blob.fd, &st) && st.f_type == DMA_BUF_MAGIC;
}

/* The BO's read-only mapping for links, made on first use. */
static const void *scan_map(struct shim_res *r)
{
	void *p;

	if (r->scan_map)
		return r->scan_map;
	if (r->blob.fd < 0 || r->blob.no_cpu_map)
		return NULL;
	p = mmap(NULL, r->size, PROT_READ, MAP_SHARED, r->blob.fd,
		 (off_t)r->blob.offset);
	if (p == MAP_FAILED) {
		xe_log_ratelimited("resource %u: cannot map it for scanout: %s",
				   r->res_id, strerror(errno));
		return NULL;
	}
	r->scan_map = p;
	return p;
}

static int link_2d(struct shim_res *r, uint32_t res_2d, uint64_t offset,
		   uint32_t stride, uint32_t width, uint32_t height)
{
	struct virgl_renderer_resource_info info;
	struct shim_link *l;
	int ret;

	/* a 2D resource of the real library, as large as the framebuffer */
	if (shim_res(res_2d) || !shim_real_res(res_2d) ||
	    !REAL_OK(virgl_renderer_resource_get_info) ||
	    !REAL_OK(virgl_renderer_transfer_write_iov))
		return -ENOENT;
	memset(&info, 0, sizeof(info));
	if (shim.real.virgl_renderer_resource_get_info((int)res_2d, &info))
		return -ENOENT;
	if (info.width != width || info.height != height ||
	    !link_format_ok(info.virgl_format))
		return -EINVAL;
	if (!scan_map(r))
		return -EOPNOTSUPP;
	l = xe_map_get(&links, res_2d);
	if (!l) {
		if (links.count >= SHIM_MAX_SCANOUT_LINKS)
			return -ENOSPC;
		l = calloc(1, sizeof(*l));
		if (!l)
			return -ENOMEM;
		ret = xe_map_put(&links, res_2d, l);
		if (ret) {
			free(l);
			return ret;
		}
	}
	*l = (struct shim_link){ r->res_id, offset, stride, width, height };
	return XE_PROXY_SCANOUT_COPY;
}

/* xe_host_scanout_fn: the core checked the context and the bounds. */
static int shim_scanout(uint32_t res_id, uint32_t res_2d, uint64_t offset,
			uint32_t stride, uint32_t width, uint32_t height)
{
	struct shim_res *r = shim_res(res_id);
	int ret;

	/* the core's own objects all have a resource here */
	if (!r || r->iov)
		return -ENOENT;
	/* the resource's range of the BO is what QEMU and the link see */
	if (offset > r->size ||
	    (uint64_t)stride * (height - 1) + (uint64_t)width * 4 > r->size - offset)
		return -EINVAL;
	if (!res_2d)
		return r->dmabuf ? XE_PROXY_SCANOUT_BLOB : -EOPNOTSUPP;
	/*
	 * A real dma-buf is shown as it is. Copying from it here would read
	 * a BO that may sit in VRAM, or have to wait for its exporter, on
	 * QEMU's thread at every transfer.
	 */
	if (r->dmabuf) {
		xe_log_ratelimited("resource %u is a dma-buf: scan it out as a blob, not through 2D resource %u",
				   res_id, res_2d);
		return -EINVAL;
	}
	ret = link_2d(r, res_2d, offset, stride, width, height);
	if (ret < 0)
		xe_log_ratelimited("resource %u: linking 2D resource %u for scanout failed: %s",
				   res_id, res_2d, strerror(-ret));
	return ret;
}

/**
 * shim_scanout_init() - answer XE_PROXY_CCMD_SCANOUT from here
 */
void shim_scanout_init(void)
{
	xe_host_set_scanout_fn(shim_scanout);
}

/**
 * shim_scanout_res_gone() - a resource is being unreffed
 * @res_id: the resource, ours or the real library's
 *
 * Drops the link of a 2D resource, or every link to a BO's resource.
 */
void shim_scanout_res_gone(uint32_t res_id)
{
	uint64_t key;
	size_t i = 0;
	void *val;

	free(xe_map_del(&links, res_id));
	if (!shim_res(res_id))
		return;
	while (xe_map_next(&links, &i, &key, &val)) {
		struct shim_link *l = val;

		if (l->bo_res == res_id)
			free(xe_map_del(&links, key));
	}
}

/**
 * shim_scanout_reset() - forget every link (renderer reset or cleanup)
 */
void shim_scanout_reset(void)
{
	uint64_t key;
	size_t i = 0;
	void *val;

	while (xe_map_next(&links, &i, &key, &val))
		free(val);
	xe_map_free(&links);
}

/**
 * shim_scanout_transfer() - TRANSFER_TO_HOST_2D of a linked 2D resource
 * @res_2d: the resource QEMU transfers to
 * @vbox: the rectangle, from the guest
 * @ret: the transfer's result, when it was one of a linked resource
 *
 * Return: true when @res_2d is linked and the transfer was done here.
 */
bool shim_scanout_transfer(uint32_t res_2d, struct virgl_box *vbox, int *ret)
{
	const struct shim_box *box = (const struct shim_box *)vbox;
	struct shim_link *l = xe_map_get(&links, res_2d);
	struct shim_res *r;
	struct iovec iov;
	const char *map;

	if (!l)
		return false;
	r = shim_res(l->bo_res);
	map = r ? scan_map(r) : NULL;
	if (!map || box->z || box->d != 1 || box->x > l->width ||
	    box->w > l->width - box->x || box->y > l->height ||
	    box->h > l->height - box->y) {
		xe_log_ratelimited("transfer to linked resource %u refused", res_2d);
		*ret = EINVAL;
		return true;
	}
	iov.iov_base = (void *)(map + l->offset);
	iov.iov_len = r->size - l->offset;
	*ret = shim.real.virgl_renderer_transfer_write_iov(res_2d, 0, 0, l->stride, 0, vbox,
							  (uint64_t)box->y * l->stride +
							  (uint64_t)box->x * 4,
							  &iov, 1);
	return true;
}
