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
 *
 * An attach has no answer, so a refused import (a limit full, the driver
 * refusing) is remembered (&xe_host_ctx.refused) while the resource stays
 * attached: a later ccmd naming it tries the import again and gets the
 * real errno rather than ENOENT. The record borrows the resource's
 * dma-buf fd, which the resource closes only after detaching itself
 * from every context (xe_host_resource_detach_all()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	struct xe_object *obj = xe_fault_calloc(XE_FAULT_ALLOC_BO, 1, sizeof(*obj));
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

/* Import @dmabuf_fd into @ctx as @res_id; the caller holds xe_host.lock. */
static int import(struct xe_host_ctx *ctx, uint32_t res_id, int dmabuf_fd,
		  uint64_t size)
{
	struct drm_prime_handle prime = { .fd = dmabuf_fd };
	struct drm_gem_close close_args = { 0 };
	struct xe_object *obj;
	int ret;

	off_t whole = lseek(dmabuf_fd, 0, SEEK_END);

	/*
	 * The import is the whole BO, whatever part of it the resource
	 * shares: a slice would let the importer bind the rest, and charge
	 * less than the BO it keeps alive. Only whole BOs are attached.
	 */
	if (whole < 0)
		return -errno;
	if ((uint64_t)whole != size)
		return -EINVAL;
	ret = xe_limit_charge_bo(size, ctx->ctx_id);
	if (ret)
		return ret;
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime);
	if (ret)
		goto release;
	obj = xe_map_get(&ctx->imports, prime.handle);
	if (obj) {
		/* the driver gave the handle of a live import back: no new BO */
		xe_limit_release_bo(size);
		return import_revive(ctx, obj, res_id);
	}
	ret = import_new(ctx, res_id, prime.handle, size);
	if (!ret)
		return 0;
	close_args.handle = prime.handle;
	xe_ioctl(ctx->fd, DRM_IOCTL_GEM_CLOSE, &close_args);
release:
	xe_limit_release_bo(size);
	return ret;
}

/* Remember a refused import of @res_id for a retry; forget it on success. */
static void refused_record(struct xe_host_ctx *ctx, uint32_t res_id,
			   int dmabuf_fd, uint64_t size, int err)
{
	struct xe_refused_attach *r = xe_map_get(&ctx->refused, res_id);

	if (!err || err == -EEXIST) {
		free(xe_map_del(&ctx->refused, res_id));
		return;
	}
	if (r)
		return;
	r = calloc(1, sizeof(*r));
	if (r) {
		r->fd = dmabuf_fd;
		r->size = size;
		if (!xe_map_put(&ctx->refused, res_id, r))
			return;
		free(r);
	}
	/* cannot remember it: its binds get ENOENT, as before any retry */
	xe_log_ratelimited("context %u: resource %u: cannot remember the refused attach",
			   ctx->ctx_id, res_id);
}

int xe_host_ctx_attach_resource(struct xe_host_ctx *ctx, uint32_t res_id,
				int dmabuf_fd, uint64_t size)
{
	int ret = 0;

	if (!res_id || dmabuf_fd < 0 || !size)
		return -EINVAL;
	pthread_mutex_lock(&xe_host.lock);
	/* its own BO, or attached already: nothing to do */
	if (!xe_ctx_object_by_res(ctx, res_id)) {
		ret = import(ctx, res_id, dmabuf_fd, size);
		refused_record(ctx, res_id, dmabuf_fd, size, ret);
	}
	pthread_mutex_unlock(&xe_host.lock);
	if (ret)
		xe_log_ratelimited("context %u: attaching resource %u failed: %s",
				   ctx->ctx_id, res_id, strerror(-ret));
	return ret;
}

/**
 * xe_ctx_object_by_res_retry() - the object @res_id names in @ctx
 * @ctx: the context; the caller holds xe_host.lock
 * @res_id: a resource a ccmd of @ctx names
 * @out: the object
 *
 * Like xe_ctx_object_by_res(), but a resource whose attach to @ctx was
 * refused is imported again now.
 *
 * Return: 0, -ENOENT for a resource @ctx cannot name, or the errno of the
 * import that failed again.
 */
int xe_ctx_object_by_res_retry(struct xe_host_ctx *ctx, uint32_t res_id,
			       struct xe_object **out)
{
	struct xe_refused_attach *r;
	int ret;

	*out = xe_ctx_object_by_res(ctx, res_id);
	if (*out)
		return 0;
	r = res_id ? xe_map_get(&ctx->refused, res_id) : NULL;
	if (!r)
		return -ENOENT;
	ret = import(ctx, res_id, r->fd, r->size);
	refused_record(ctx, res_id, r->fd, r->size, ret);
	if (ret)
		return ret;
	*out = xe_ctx_object_by_res(ctx, res_id);
	return *out ? 0 : -ENOENT;
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
	free(xe_map_del(&ctx->refused, res_id));
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
		/* the dma-buf fd a refused attach borrowed is about to close */
		free(xe_map_del(&ctx->refused, res_id));
		obj = xe_ctx_object_by_res(ctx, res_id);
		if (obj && obj->imported)
			import_detach(ctx, obj);
	}
	pthread_mutex_unlock(&xe_host.lock);
}
