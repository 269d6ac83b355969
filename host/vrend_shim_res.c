// SPDX-License-Identifier: MIT
/*
 * Blob resources of DRM/XE contexts: created from a context's GEM objects
 * (or its shared-memory page, blob_id 0) by the host core, mapped for QEMU's
 * host-visible region, and released on unref. Resources of other contexts
 * belong to the real libvirglrenderer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vrend_shim.h"

struct shim_res *shim_res(uint32_t res_id)
{
	return xe_map_get(&shim.res, res_id);
}

static void res_free(struct shim_res *r, bool ctx_alive)
{
	if (ctx_alive) {
		if (r->mapped)
			xe_host_ctx_unmap(r->ctx, r->res_id);
		xe_host_ctx_resource_unref(r->ctx, r->res_id);
	}
	if (r->blob.fd >= 0)
		close(r->blob.fd);
	free(r);
}

/* The context is going away: its core state goes with it. */
void shim_res_destroy_ctx(uint32_t ctx_id)
{
	uint64_t key;
	void *val;
	size_t i = 0;

	while (xe_map_next(&shim.res, &i, &key, &val)) {
		struct shim_res *r = val;

		if (r->ctx_id != ctx_id)
			continue;
		xe_map_del(&shim.res, key);
		res_free(r, true);
	}
}

void shim_res_destroy_all(void)
{
	uint64_t key;
	void *val;
	size_t i = 0;

	while (xe_map_next(&shim.res, &i, &key, &val))
		res_free(val, true);
	xe_map_free(&shim.res);
}

SHIM_EXPORT int
virgl_renderer_resource_create_blob(const struct virgl_renderer_resource_create_blob_args *a)
{
	struct xe_host_ctx *ctx = shim_ctx(a->ctx_id);
	struct shim_res *r;
	int err;

	if (!ctx) {
		if (!shim.real.inited || !shim.real.resource_create_blob)
			return -EINVAL;
		return shim.real.resource_create_blob(a);
	}
	if (a->blob_mem != VIRGL_RENDERER_BLOB_MEM_HOST3D) {
		shim_log("context %u: only HOST3D blobs are supported (got %u)",
			 a->ctx_id, a->blob_mem);
		return -EINVAL;
	}
	if (!a->res_handle || shim_res(a->res_handle))
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->res_id = a->res_handle;
	r->ctx_id = a->ctx_id;
	r->ctx = ctx;
	err = xe_host_ctx_create_blob(ctx, a->res_handle, a->blob_id, a->size,
				      a->blob_flags, &r->blob);
	if (err) {
		free(r);
		return err;
	}
	err = xe_map_put(&shim.res, r->res_id, r);
	if (err) {
		res_free(r, true);
		return err;
	}
	return 0;
}

SHIM_EXPORT void virgl_renderer_resource_unref(uint32_t res_handle)
{
	struct shim_res *r = xe_map_del(&shim.res, res_handle);

	if (r) {
		res_free(r, true);
		return;
	}
	if (shim.real.inited && shim.real.resource_unref)
		shim.real.resource_unref(res_handle);
}

/* Blobs have no texture or scanout format; QEMU only needs them to exist. */
static void fill_info(const struct shim_res *r, struct virgl_renderer_resource_info *i)
{
	memset(i, 0, sizeof(*i));
	i->handle = r->res_id;
	i->fd = -1;
	i->drm_fourcc = 0;
}

SHIM_EXPORT int virgl_renderer_resource_get_info(int res_handle,
						 struct virgl_renderer_resource_info *info)
{
	struct shim_res *r = shim_res(res_handle);

	if (r) {
		fill_info(r, info);
		return 0;
	}
	if (!shim.real.inited || !shim.real.resource_get_info)
		return -EINVAL;
	return shim.real.resource_get_info(res_handle, info);
}

SHIM_EXPORT int
virgl_renderer_resource_get_info_ext(int res_handle,
				     struct virgl_renderer_resource_info_ext *info)
{
	struct shim_res *r = shim_res(res_handle);

	if (r) {
		int version = info->version;

		memset(info, 0, sizeof(*info));
		info->version = version;
		fill_info(r, &info->base);
		return 0;
	}
	if (!shim.real.inited || !shim.real.resource_get_info_ext)
		return -EINVAL;
	return shim.real.resource_get_info_ext(res_handle, info);
}

SHIM_EXPORT int virgl_renderer_resource_map(uint32_t res_handle, void **map,
					    uint64_t *out_size)
{
	struct shim_res *r = shim_res(res_handle);
	int err;

	if (!r) {
		if (!shim.real.inited || !shim.real.resource_map)
			return -EINVAL;
		return shim.real.resource_map(res_handle, map, out_size);
	}
	if (r->mapped)
		return -EBUSY;
	err = xe_host_ctx_map(r->ctx, res_handle, map, out_size);
	if (!err)
		r->mapped = true;
	return err;
}

/* Map straight into QEMU's host-visible window: no copy, no extra VMA. */
SHIM_EXPORT int virgl_renderer_resource_map_fixed(uint32_t res_handle, void *addr)
{
	struct shim_res *r = shim_res(res_handle);

	if (!r) {
		if (!shim.real.inited || !shim.real.resource_map_fixed)
			return -EOPNOTSUPP;
		return shim.real.resource_map_fixed(res_handle, addr);
	}
	if (r->blob.fd < 0 || !(r->blob.size))
		return -EOPNOTSUPP;
	if (mmap(addr, r->blob.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 r->blob.fd, 0) == MAP_FAILED)
		return -errno;
	return 0;
}

SHIM_EXPORT int virgl_renderer_resource_unmap(uint32_t res_handle)
{
	struct shim_res *r = shim_res(res_handle);
	int err;

	if (!r) {
		if (!shim.real.inited || !shim.real.resource_unmap)
			return -EINVAL;
		return shim.real.resource_unmap(res_handle);
	}
	if (!r->mapped)
		return -EINVAL;
	err = xe_host_ctx_unmap(r->ctx, res_handle);
	if (!err)
		r->mapped = false;
	return err;
}

SHIM_EXPORT int virgl_renderer_resource_get_map_info(uint32_t res_handle,
						     uint32_t *map_info)
{
	struct shim_res *r = shim_res(res_handle);

	if (r) {
		*map_info = r->blob.map_info;
		return 0;
	}
	if (!shim.real.inited || !shim.real.resource_get_map_info)
		return -EINVAL;
	return shim.real.resource_get_map_info(res_handle, map_info);
}

SHIM_EXPORT int virgl_renderer_resource_export_blob(uint32_t res_id, uint32_t *fd_type,
						    int *fd)
{
	struct shim_res *r = shim_res(res_id);

	if (!r) {
		if (!shim.real.inited || !shim.real.resource_export_blob)
			return -EINVAL;
		return shim.real.resource_export_blob(res_id, fd_type, fd);
	}
	if (r->blob.fd < 0)
		return -EINVAL;
	*fd = fcntl(r->blob.fd, F_DUPFD_CLOEXEC, 0);
	if (*fd < 0)
		return -errno;
	*fd_type = r->blob.fd_type;
	return 0;
}
