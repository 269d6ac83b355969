// SPDX-License-Identifier: MIT
/*
 * Resources. HOST3D blobs of our contexts (a context's GEM objects, or its
 * shared-memory page for blob_id 0) are backed by an fd from the host core;
 * every other resource belongs to the real libvirglrenderer.
 *
 * Mappings are made from that fd, not through the core's context: a
 * virtio-gpu resource outlives the context that created it, and QEMU may
 * keep it mapped into the guest until the guest unrefs it.
 *
 * The ids of resources the real library created are kept too. Its
 * virgl_renderer_resource_map_fixed() dereferences an unknown resource
 * before checking it, so only known ones are forwarded there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vrend_shim.h"

#define REAL_RES_MARK	((void *)1)

/**
 * shim_res() - one of our resources
 * @res_id: virtio-gpu resource id
 *
 * Return: the resource, or NULL when @res_id is not ours.
 */
struct shim_res *shim_res(uint32_t res_id)
{
	return xe_map_get(&shim.res, res_id);
}

/**
 * shim_real_res() - whether the real library created a resource
 * @res_id: virtio-gpu resource id
 *
 * Return: true when @res_id is one of its resources.
 */
bool shim_real_res(uint32_t res_id)
{
	return xe_map_get(&shim.real_res, res_id) != NULL;
}

/* The real library created @res_id; remember it for map_fixed. */
static void real_res_add(uint32_t res_id)
{
	int ret = xe_map_put(&shim.real_res, res_id, REAL_RES_MARK);

	if (ret && ret != -EEXIST)
		xe_log_ratelimited("resource %u: cannot track it (%s); it will not be mappable",
				   res_id, strerror(-ret));
}

/* A new resource id must be unused by either side. */
static bool res_id_free(uint32_t res_id)
{
	return res_id && !shim_res(res_id) && !shim_real_res(res_id);
}

static void res_free(struct shim_res *r)
{
	/* as virglrenderer's unref detaches a resource from every context */
	if (r->blob.fd_type == XE_HOST_BLOB_FD_DMABUF)
		xe_host_resource_detach_all(r->res_id);
	if (r->ctx)
		xe_host_ctx_resource_unref(r->ctx, r->res_id);
	else
		xe_host_orphan_release(r->res_id);
	if (r->map) {
		munmap(r->map, r->size);
		xe_host_mapping_remove(r->map, r->size);
	}
	/* QEMU has replaced its map_fixed mapping by now */
	if (r->fixed)
		xe_host_mapping_remove(r->fixed, r->size);
	if (r->scan_map)
		munmap(r->scan_map, r->size);
	if (r->blob.fd >= 0)
		close(r->blob.fd);
	free(r);
}

/**
 * shim_res_ctx_gone() - a context of ours is being destroyed
 * @ctx_id: the context
 *
 * Its resources stay (the guest still holds them), with their fds and
 * mappings, but no longer reach into the context.
 */
void shim_res_ctx_gone(uint32_t ctx_id)
{
	uint64_t key;
	size_t i = 0;
	void *val;

	while (xe_map_next(&shim.res, &i, &key, &val)) {
		struct shim_res *r = val;

		if (r->ctx_id == ctx_id)
			r->ctx = NULL;
	}
}

/**
 * shim_res_reset() - forget every resource (renderer reset or cleanup)
 *
 * Ours are released; the real library drops its own in its reset.
 */
void shim_res_reset(void)
{
	uint64_t key;
	size_t i = 0;
	void *val;

	shim_scanout_reset();
	while (xe_map_next(&shim.res, &i, &key, &val))
		res_free(val);
	xe_map_free(&shim.res);
	xe_map_free(&shim.real_res);
}

/* Make @r, backed by the core already, one of ours; frees it on failure. */
static int res_register(struct shim_res *r, struct xe_host_ctx *ctx,
			const struct virgl_renderer_resource_create_blob_args *args)
{
	int ret;

	r->res_id = args->res_handle;
	r->ctx_id = args->ctx_id;
	r->ctx = ctx;
	r->size = args->size;
	ret = xe_map_put(&shim.res, r->res_id, r);
	if (ret)
		res_free(r);
	return ret;
}

/*
 * Guest memory of one of our contexts: the pages of a guest MAP_USERPTR.
 * The core gets a copy of the pieces; QEMU's array is handed back to it on
 * detach_iov, as the real library does.
 */
static int guest_blob_create(struct xe_host_ctx *ctx,
			     const struct virgl_renderer_resource_create_blob_args *args)
{
	struct shim_res *r;
	int ret;

	if (args->blob_id || args->num_iovs <= 0 ||
	    (uint32_t)args->num_iovs > XE_PROXY_MAX_GUEST_MEM_IOVS)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	ret = xe_host_ctx_create_guest_blob(ctx, args->res_handle, args->iovecs,
					    (uint32_t)args->num_iovs, args->size);
	if (ret) {
		xe_log_ratelimited("context %u: guest-memory resource %u (%u pieces, %llu bytes) refused: %s",
				   args->ctx_id, args->res_handle, args->num_iovs,
				   (unsigned long long)args->size, strerror(-ret));
		free(r);
		return ret;
	}
	r->blob.fd = -1;
	/* QEMU's own array (virgl_cmd_resource_create_blob), returned to it */
	r->iov = (struct iovec *)(uintptr_t)args->iovecs;
	r->num_iovs = args->num_iovs;
	return res_register(r, ctx, args);
}

SHIM_EXPORT int
virgl_renderer_resource_create_blob(const struct virgl_renderer_resource_create_blob_args *args)
{
	struct xe_host_ctx *ctx;
	struct shim_res *r;
	int ret;

	if (!args || !res_id_free(args->res_handle))
		return -EINVAL;
	ctx = shim_ctx(args->ctx_id);
	if (ctx && args->blob_mem == VIRGL_RENDERER_BLOB_MEM_GUEST)
		return guest_blob_create(ctx, args);
	/* Other guest-memory blobs need no context: the real library has them. */
	if (!ctx || args->blob_mem != VIRGL_RENDERER_BLOB_MEM_HOST3D) {
		if (!REAL_OK(virgl_renderer_resource_create_blob))
			return -EINVAL;
		ret = shim.real.virgl_renderer_resource_create_blob(args);
		if (!ret)
			real_res_add(args->res_handle);
		return ret;
	}
	if (args->num_iovs)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	ret = xe_host_ctx_create_blob(ctx, args->res_handle, args->blob_id,
				      args->size, args->blob_flags, &r->blob);
	if (ret) {
		free(r);
		return ret;
	}
	r->dmabuf = shim_res_is_dmabuf(r);
	return res_register(r, ctx, args);
}

SHIM_EXPORT int virgl_renderer_resource_create(struct virgl_renderer_resource_create_args *args,
					       struct iovec *iov, uint32_t num_iovs)
{
	int ret;

	if (!args || !REAL_OK(virgl_renderer_resource_create))
		return EINVAL;
	if (!res_id_free(args->handle))
		return -EINVAL;
	ret = shim.real.virgl_renderer_resource_create(args, iov, num_iovs);
	if (!ret)
		real_res_add(args->handle);
	return ret;
}

SHIM_EXPORT int
virgl_renderer_resource_import_eglimage(struct virgl_renderer_resource_create_args *args,
					void *image)
{
	int ret;

	if (!args || !REAL_OK(virgl_renderer_resource_import_eglimage))
		return EINVAL;
	if (!res_id_free(args->handle))
		return -EINVAL;
	ret = shim.real.virgl_renderer_resource_import_eglimage(args, image);
	if (!ret)
		real_res_add(args->handle);
	return ret;
}

SHIM_EXPORT int
virgl_renderer_resource_import_blob(const struct virgl_renderer_resource_import_blob_args *args)
{
	int ret;

	if (!args || !res_id_free(args->res_handle) ||
	    !REAL_OK(virgl_renderer_resource_import_blob))
		return -EINVAL;
	ret = shim.real.virgl_renderer_resource_import_blob(args);
	if (!ret)
		real_res_add(args->res_handle);
	return ret;
}

SHIM_EXPORT void virgl_renderer_resource_unref(uint32_t res_handle)
{
	struct shim_res *r;

	shim_scanout_res_gone(res_handle);
	r = xe_map_del(&shim.res, res_handle);

	if (r) {
		res_free(r);
		return;
	}
	xe_map_del(&shim.real_res, res_handle);
	if (REAL_OK(virgl_renderer_resource_unref))
		shim.real.virgl_renderer_resource_unref(res_handle);
}

/*
 * Blobs have no format or texture; what QEMU needs is the dma-buf, for
 * scanout (SET_SCANOUT_BLOB). Only a real one: QEMU's EGL cannot import
 * the shared-memory page or the simulated device's memfds, and with -1
 * it refuses SET_SCANOUT_BLOB rather than showing nothing.
 */
static void fill_info(const struct shim_res *r,
		      struct virgl_renderer_resource_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = r->res_id;
	info->fd = r->dmabuf ? r->blob.fd : -1;
}

SHIM_EXPORT int virgl_renderer_resource_get_info(int res_handle,
						 struct virgl_renderer_resource_info *info)
{
	struct shim_res *r = shim_res((uint32_t)res_handle);

	if (r) {
		if (!info)
			return EINVAL;
		fill_info(r, info);
		return 0;
	}
	if (!REAL_OK(virgl_renderer_resource_get_info))
		return EINVAL;
	return shim.real.virgl_renderer_resource_get_info(res_handle, info);
}

SHIM_EXPORT int virgl_renderer_resource_get_info_ext(int res_handle,
						     struct virgl_renderer_resource_info_ext *info)
{
	struct shim_res *r = shim_res((uint32_t)res_handle);

	if (r) {
		if (!info)
			return EINVAL;
		memset(info, 0, sizeof(*info));
		info->version = VIRGL_RENDERER_RESOURCE_INFO_EXT_VERSION;
		fill_info(r, &info->base);
		info->has_dmabuf_export = info->base.fd >= 0;
		return 0;
	}
	if (!REAL_OK(virgl_renderer_resource_get_info_ext))
		return EINVAL;
	return shim.real.virgl_renderer_resource_get_info_ext(res_handle, info);
}

SHIM_EXPORT int virgl_renderer_resource_map(uint32_t res_handle, void **map,
					    uint64_t *out_size)
{
	struct shim_res *r = shim_res(res_handle);
	void *p;

	if (!r) {
		if (!REAL_OK(virgl_renderer_resource_map))
			return -EINVAL;
		return shim.real.virgl_renderer_resource_map(res_handle, map,
							     out_size);
	}
	if (!map || !out_size || r->map)
		return -EINVAL;
	if (r->blob.no_cpu_map) {
		xe_log_ratelimited("resource %u lies past the small BAR: not mapped", res_handle);
		return -EFAULT;
	}
	if (r->blob.fd >= 0) {
		p = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 r->blob.fd, (off_t)r->blob.offset);
	} else {
		/*
		 * No dma-buf (a VM-private BO): take the core's mapping through
		 * the context fd and keep our own copy of it, which holds the
		 * object and outlives the context like a dma-buf mapping does.
		 */
		void *core;
		uint64_t core_size;
		int ret;

		if (!r->ctx)
			return -EINVAL;
		ret = xe_host_ctx_map(r->ctx, res_handle, &core, &core_size);
		if (ret)
			return ret;
		if (core_size >= r->size) {
			p = mremap(core, 0, r->size, MREMAP_MAYMOVE);
		} else {
			p = MAP_FAILED;
			errno = EINVAL;
		}
		xe_host_ctx_unmap(r->ctx, res_handle);
	}
	if (p == MAP_FAILED)
		return -errno;
	/* QEMU may show it to the guest: guest memory must not lie there */
	if (xe_host_mapping_add(p, r->size)) {
		munmap(p, r->size);
		return -ENOMEM;
	}
	r->map = p;
	*map = p;
	*out_size = r->size;
	return 0;
}

/*
 * Straight into QEMU's host-visible window. The mapping is then QEMU's: it
 * replaces it with anonymous memory to unmap, and never calls
 * virgl_renderer_resource_unmap() for it. Both the address and the size
 * must be page aligned, so no neighbouring page of the window is replaced.
 *
 * QEMU maps a resource at most once at a time (it refuses a second map
 * while the first stands, as virglrenderer itself does not), so a resource
 * mapped before was unmapped since: the guest's window evicted it and
 * faults it back, possibly elsewhere. Its old place is forgotten.
 */
SHIM_EXPORT int virgl_renderer_resource_map_fixed(uint32_t res_handle, void *addr)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct shim_res *r = shim_res(res_handle);
	int ret;

	if (!r) {
		if (!shim_real_res(res_handle) ||
		    !REAL_OK(virgl_renderer_resource_map_fixed))
			return -EINVAL;
		return shim.real.virgl_renderer_resource_map_fixed(res_handle,
								   addr);
	}
	if (r->blob.fd < 0)
		return -EOPNOTSUPP;
	if (r->blob.no_cpu_map) {
		xe_log_ratelimited("resource %u lies past the small BAR: not mapped", res_handle);
		return -EFAULT;
	}
	if (!addr || (uintptr_t)addr % page || r->size % page)
		return -EINVAL;
	if (r->fixed) {
		xe_host_mapping_remove(r->fixed, r->size);
		r->fixed = NULL;
	}
	ret = xe_host_mapping_add(addr, r->size);
	if (ret)
		return ret;
	if (mmap(addr, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 r->blob.fd, (off_t)r->blob.offset) == MAP_FAILED) {
		ret = -errno;
		xe_host_mapping_remove(addr, r->size);
		return ret;
	}
	r->fixed = addr;
	return 0;
}

SHIM_EXPORT int virgl_renderer_resource_unmap(uint32_t res_handle)
{
	struct shim_res *r = shim_res(res_handle);

	if (!r) {
		if (!REAL_OK(virgl_renderer_resource_unmap))
			return -EINVAL;
		return shim.real.virgl_renderer_resource_unmap(res_handle);
	}
	if (!r->map)
		return -EINVAL;
	if (munmap(r->map, r->size))
		return -errno;
	xe_host_mapping_remove(r->map, r->size);
	r->map = NULL;
	return 0;
}

SHIM_EXPORT int virgl_renderer_resource_get_map_info(uint32_t res_handle,
						     uint32_t *map_info)
{
	struct shim_res *r = shim_res(res_handle);

	if (!r) {
		if (!REAL_OK(virgl_renderer_resource_get_map_info))
			return -EINVAL;
		return shim.real.virgl_renderer_resource_get_map_info(res_handle,
								      map_info);
	}
	if (!map_info ||
	    (r->blob.map_info & VIRGL_RENDERER_MAP_CACHE_MASK) ==
	    VIRGL_RENDERER_MAP_CACHE_NONE)
		return -EINVAL;
	*map_info = r->blob.map_info;
	return 0;
}

/* A new fd for the caller to own, as virglrenderer's export does. */
SHIM_EXPORT int virgl_renderer_resource_export_blob(uint32_t res_id,
						    uint32_t *fd_type, int *fd)
{
	struct shim_res *r = shim_res(res_id);
	int dup;

	if (!r) {
		if (!REAL_OK(virgl_renderer_resource_export_blob))
			return -EINVAL;
		return shim.real.virgl_renderer_resource_export_blob(res_id,
								     fd_type,
								     fd);
	}
	if (!fd_type || !fd || r->blob.fd < 0)
		return -EINVAL;
	dup = fcntl(r->blob.fd, F_DUPFD_CLOEXEC, 0);
	if (dup < 0)
		return -errno;
	*fd = dup;
	*fd_type = r->blob.fd_type;
	return 0;
}

/* Our blobs have host storage only: no guest pages to attach or transfer. */
SHIM_EXPORT int virgl_renderer_resource_attach_iov(int res_handle,
						   struct iovec *iov,
						   int num_iovs)
{
	if (shim_res((uint32_t)res_handle) ||
	    !REAL_OK(virgl_renderer_resource_attach_iov))
		return EINVAL;
	return shim.real.virgl_renderer_resource_attach_iov(res_handle, iov,
							    num_iovs);
}

SHIM_EXPORT void virgl_renderer_resource_detach_iov(int res_handle,
						    struct iovec **iov,
						    int *num_iovs)
{
	struct shim_res *r = shim_res((uint32_t)res_handle);

	if (!r && REAL_OK(virgl_renderer_resource_detach_iov)) {
		shim.real.virgl_renderer_resource_detach_iov(res_handle, iov,
							     num_iovs);
		return;
	}
	/* No GPU mapping may follow these addresses once QEMU has them. */
	if (r && r->ctx && r->iov)
		xe_host_ctx_detach_guest_blob(r->ctx, r->res_id);
	/* Guest memory: QEMU frees its mapping with what it gets back. */
	if (iov)
		*iov = r ? r->iov : NULL;
	if (num_iovs)
		*num_iovs = r ? r->num_iovs : 0;
	if (r) {
		r->iov = NULL;
		r->num_iovs = 0;
	}
}

SHIM_EXPORT int virgl_renderer_transfer_read_iov(uint32_t handle, uint32_t ctx_id,
						 uint32_t level, uint32_t stride,
						 uint32_t layer_stride,
						 struct virgl_box *box,
						 uint64_t offset,
						 struct iovec *iov, int iovec_cnt)
{
	if (shim_res(handle) || shim_ctx(ctx_id) ||
	    !REAL_OK(virgl_renderer_transfer_read_iov))
		return EINVAL;
	return shim.real.virgl_renderer_transfer_read_iov(handle, ctx_id, level,
							  stride, layer_stride,
							  box, offset, iov,
							  iovec_cnt);
}

SHIM_EXPORT int virgl_renderer_transfer_write_iov(uint32_t handle,
						  uint32_t ctx_id, int level,
						  uint32_t stride,
						  uint32_t layer_stride,
						  struct virgl_box *box,
						  uint64_t offset,
						  struct iovec *iovec,
						  unsigned int iovec_cnt)
{
	int ret;

	/* a 2D resource filled from a BO rather than from guest memory */
	if (!iovec && box && REAL_OK(virgl_renderer_transfer_write_iov) &&
	    shim_scanout_transfer(handle, box, &ret))
		return ret;
	if (shim_res(handle) || shim_ctx(ctx_id) ||
	    !REAL_OK(virgl_renderer_transfer_write_iov))
		return EINVAL;
	return shim.real.virgl_renderer_transfer_write_iov(handle, ctx_id,
							   level, stride,
							   layer_stride, box,
							   offset, iovec,
							   iovec_cnt);
}

SHIM_EXPORT void *virgl_renderer_get_cursor_data(uint32_t resource_id,
						 uint32_t *width,
						 uint32_t *height)
{
	if (shim_res(resource_id) || !REAL_OK(virgl_renderer_get_cursor_data))
		return NULL;
	return shim.real.virgl_renderer_get_cursor_data(resource_id, width,
							height);
}

/*
 * A BO of one of our contexts shared with another of ours (PRIME between
 * two guest files): the core imports its dma-buf into the attaching
 * context. Resources without a dma-buf (the shmem page, guest memory,
 * VM-private BOs, which xe never exports) cannot be shared.
 */
static void res_attach(struct xe_host_ctx *ctx, uint32_t ctx_id,
		       const struct shim_res *r)
{
	if (r->ctx == ctx)
		return;
	if (r->blob.fd_type != XE_HOST_BLOB_FD_DMABUF) {
		xe_log_ratelimited("context %u: resource %u has no dma-buf to attach",
				   ctx_id, r->res_id);
		return;
	}
	/* the core logs its refusals; the guest sees them as unknown res_ids */
	xe_host_ctx_attach_resource(ctx, r->res_id, r->blob.fd, r->blob.size);
}

/*
 * The real library's contexts cannot import our blobs, nor ours its
 * resources: attaching across the two is a no-op.
 */
SHIM_EXPORT void virgl_renderer_ctx_attach_resource(int ctx_id, int res_handle)
{
	struct xe_host_ctx *ctx = shim_ctx((uint32_t)ctx_id);
	struct shim_res *r = shim_res((uint32_t)res_handle);

	if (ctx && r) {
		res_attach(ctx, (uint32_t)ctx_id, r);
		return;
	}
	if (ctx) {
		xe_log_ratelimited("context %d: attach of resource %d, not a blob of ours, ignored",
				   ctx_id, res_handle);
		return;
	}
	if (r || !REAL_OK(virgl_renderer_ctx_attach_resource))
		return;
	shim.real.virgl_renderer_ctx_attach_resource(ctx_id, res_handle);
}

SHIM_EXPORT void virgl_renderer_ctx_detach_resource(int ctx_id, int res_handle)
{
	struct xe_host_ctx *ctx = shim_ctx((uint32_t)ctx_id);
	struct shim_res *r = shim_res((uint32_t)res_handle);

	if (ctx && r) {
		xe_host_ctx_detach_resource(ctx, r->res_id);
		return;
	}
	if (ctx || r || !REAL_OK(virgl_renderer_ctx_detach_resource))
		return;
	shim.real.virgl_renderer_ctx_detach_resource(ctx_id, res_handle);
}
