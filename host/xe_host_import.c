// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: resources shared between contexts.
 *
 * Every guest DRM file is its own context with its own render-node fd, so
 * a BO one file created has no handle in another's. When the guest shares
 * it with PRIME, its kernel attaches the BO's resource to the importing
 * file's context (VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE), and the import here
 * gives that context a handle of its own: the resource's dma-buf imported
 * into its fd, as virglrenderer's native contexts do. The importer's ccmds
 * then name the BO by res_id like its own BOs, through
 * &xe_host_ctx.resources.
 *
 * An import lives while it is attached or a VM of the importer maps it
 * (the driver keeps the BO while a mapping exists), and counts as one BO
 * of its size against the guest's limits: it keeps the memory alive after
 * the exporter let go of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <drm/drm.h>

#include "xe_host_priv.h"

/* Attach @res_id to an import that is still bound (same BO, same handle). */
static int import_revive(struct xe_host_ctx *ctx, struct xe_object *obj,
			 uint32_t res_id)
{
	int ret;

	/* one BO, one resource: the handle cannot be attached twice */
	if (obj->res_id)
		return -EEXIST;
	ret = xe_map_put(&ctx->resources, res_id, obj);
	if (!ret)
		obj->res_id = res_id;
	return ret;
}

static int import_new(struct xe_host_ctx *ctx, uint32_t res_id,
		      uint32_t handle, uint64_t size)
{
	struct xe_object *obj = calloc(1, sizeof(*obj));
	int ret;

	if (!obj)
		return -ENOMEM;
	obj->handle = handle;
	obj->size = size;
	obj->imported = true;
	obj->ctx = ctx;
	ret = xe_map_put(&ctx->imports, handle, obj);
	if (ret) {
		free(obj);
		return ret;
	}
	ret = xe_map_put(&ctx->resources, res_id, obj);
	if (ret) {
		xe_map_del(&ctx->imports, handle);
		free(obj);
		return ret;
	}
	obj->res_id = res_id;
	return 0;
}

int xe_host_ctx_attach_resource(struct xe_host_ctx *ctx, uint32_t res_id,
				int dmabuf_fd, uint64_t size)
{
	struct drm_prime_handle prime = { .fd = dmabuf_fd };
	struct drm_gem_close close_args = { 0 };
	struct xe_object *obj;
	int ret;

	if (!res_id || dmabuf_fd < 0 || !size)
		return -EINVAL;
	pthread_mutex_lock(&xe_host.lock);
	/* its own BO, or attached already: nothing to do */
	if (xe_ctx_object_by_res(ctx, res_id)) {
		ret = 0;
		goto out;
	}
	ret = xe_limit_charge_bo(size, ctx->ctx_id);
	if (ret)
		goto out;
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime);
	if (ret)
		goto release;
	obj = xe_map_get(&ctx->imports, prime.handle);
	if (obj) {
		/* the driver gave the handle of a live import back: no new BO */
		xe_limit_release_bo(size);
		ret = import_revive(ctx, obj, res_id);
		goto out;
	}
	ret = import_new(ctx, res_id, prime.handle, size);
	if (!ret)
		goto out;
	close_args.handle = prime.handle;
	xe_ioctl(ctx->fd, DRM_IOCTL_GEM_CLOSE, &close_args);
release:
	xe_limit_release_bo(size);
out:
	pthread_mutex_unlock(&xe_host.lock);
	if (ret)
		xe_log_ratelimited("context %u: attaching resource %u failed: %s",
				   ctx->ctx_id, res_id, strerror(-ret));
	return ret;
}

/* Drop the attachment of @obj; the import goes once nothing maps it. */
static void import_detach(struct xe_host_ctx *ctx, struct xe_object *obj)
{
	xe_map_del(&ctx->resources, obj->res_id);
	obj->res_id = 0;
	xe_ctx_object_release(ctx, obj);
}

void xe_host_ctx_detach_resource(struct xe_host_ctx *ctx, uint32_t res_id)
{
	struct xe_object *obj;

	pthread_mutex_lock(&xe_host.lock);
	obj = xe_ctx_object_by_res(ctx, res_id);
	if (obj && obj->imported)
		import_detach(ctx, obj);
	else if (obj)
		/* the creator drops its resource with RESOURCE_UNREF */
		xe_log_ratelimited("context %u: detach of its own resource %u ignored",
				   ctx->ctx_id, res_id);
	pthread_mutex_unlock(&xe_host.lock);
}

void xe_host_resource_detach_all(uint32_t res_id)
{
	struct xe_object *obj;
	struct xe_host_ctx *ctx;

	pthread_mutex_lock(&xe_host.lock);
	for (ctx = xe_host.contexts; ctx; ctx = ctx->next) {
		obj = xe_ctx_object_by_res(ctx, res_id);
		if (obj && obj->imported)
			import_detach(ctx, obj);
	}
	pthread_mutex_unlock(&xe_host.lock);
}
