// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the virtio-gpu context of an open DRM file.
 *
 * Each file gets its own host context (CTX_CREATE with context_init set to
 * the DRM capset), so the host gives it its own xe file and ids never leak
 * between files. The context's shared-memory blob, which lives in the
 * host-visible region and is mapped here, receives the responses of its
 * ccmds (vxp_ccmd.c).
 */
#include <linux/dma-fence.h>
#include <linux/io.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_drv.h"
#include "vxp_exec_queue.h"
#include "vxp_hostmem.h"
#include "vxp_resource.h"
#include "vxp_userptr.h"
#include "vxp_vm.h"

/* Responses (queries up to ~60 KiB) plus struct xe_proxy_shmem. */
#define VXP_SHMEM_SIZE		SZ_64K

static int vxp_shmem_create(struct vxp_context *ctx)
{
	struct vxp_device *vxp = ctx->vxp;
	u32 map_info;
	int ret;

	ret = ida_alloc_min(&vxp->res_ida, 1, GFP_KERNEL);
	if (ret < 0)
		return ret;
	ctx->shmem_res_id = ret;
	ret = vxp_blob_create(ctx, ctx->shmem_res_id, 0, VXP_SHMEM_SIZE);
	if (ret)
		goto err_id;
	ret = vxp_hostmem_alloc(vxp, &ctx->shmem_hv, VXP_SHMEM_SIZE);
	if (ret)
		goto err_res;
	ret = vxp_blob_map(vxp, ctx->shmem_res_id, &ctx->shmem_hv, &map_info);
	if (ret)
		goto err_hv;
	/*
	 * The host writes responses with the CPU: a cached mapping is right
	 * whatever map_info says for a shmem blob.
	 */
	ctx->shmem = memremap(vxp->hv.addr + ctx->shmem_hv.start,
			      VXP_SHMEM_SIZE, MEMREMAP_WB);
	if (!ctx->shmem) {
		ret = -ENOMEM;
		goto err_map;
	}
	ctx->shmem_size = VXP_SHMEM_SIZE;
	ctx->rsp_mem_offset = le32_to_cpu(READ_ONCE(ctx->shmem->rsp_mem_offset));
	if (ctx->rsp_mem_offset < 8 || ctx->rsp_mem_offset >= VXP_SHMEM_SIZE / 2) {
		drm_err_ratelimited(vxp->drm, "host shmem has a bad response offset %u\n",
				    ctx->rsp_mem_offset);
		ret = -EPROTO;
		goto err_memremap;
	}
	ctx->async_rsp_off = VXP_SHMEM_SIZE - ctx->rsp_mem_offset -
			     VXP_ASYNC_SLOTS * VXP_ASYNC_SLOT_SIZE;
	ctx->async_rsp_off = round_down(ctx->async_rsp_off, 8);
	return 0;

err_memremap:
	memunmap(ctx->shmem);
	ctx->shmem = NULL;
err_map:
	vxp_blob_unmap(vxp, ctx->shmem_res_id);
err_hv:
	vxp_hostmem_free(vxp, &ctx->shmem_hv);
err_res:
	vxp_blob_unref(vxp, ctx->shmem_res_id);
err_id:
	ida_free(&vxp->res_ida, ctx->shmem_res_id);
	ctx->shmem_res_id = 0;
	return ret;
}

/* Free the id tables of a context being destroyed; nothing else uses it. */
static void vxp_context_ids_fini(struct vxp_context *ctx)
{
	struct vxp_exec_queue *q;
	struct vxp_vm *vm;
	unsigned long id;

	xa_for_each(&ctx->queues, id, q) {
		vxp_vm_put(q->vm);
		kfree(q);
	}
	xa_for_each(&ctx->vms, id, vm)
		vxp_vm_put(vm);
	xa_destroy(&ctx->queues);
	xa_destroy(&ctx->vms);
}

/* Destroying the host context releases everything the host holds for it. */
static void vxp_context_release_work(struct work_struct *work)
{
	struct vxp_context *ctx = container_of(work, struct vxp_context,
					       release_work);
	struct vxp_device *vxp = ctx->vxp;
	struct drm_device *drm = vxp->drm;
	int idx;

	memunmap(ctx->shmem);
	/* After unplug the host is gone: only guest state is released. */
	if (drm_dev_enter(drm, &idx)) {
		vxp_blob_unmap(vxp, ctx->shmem_res_id);
		vxp_blob_unref(vxp, ctx->shmem_res_id);
		vxp_ctx_destroy_cmd(ctx);
		drm_dev_exit(idx);
	}
	vxp_hostmem_free(vxp, &ctx->shmem_hv);
	ida_free(&vxp->res_ida, ctx->shmem_res_id);
	ida_free(&vxp->ctx_ida, ctx->ctx_id);
	vxp_context_ids_fini(ctx);
	mutex_destroy(&ctx->ids_lock);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	vxp_device_put(vxp);
	drm_dev_put(drm);
}

/* The last reference may go from a fence callback: defer the teardown. */
static void vxp_context_release(struct kref *ref)
{
	struct vxp_context *ctx = container_of(ref, struct vxp_context, ref);

	queue_work(vxp_wq, &ctx->release_work);
}

/**
 * vxp_context_get() - take a reference to a context
 * @ctx: the context
 *
 * Return: @ctx.
 */
struct vxp_context *vxp_context_get(struct vxp_context *ctx)
{
	kref_get(&ctx->ref);
	return ctx;
}

/**
 * vxp_context_put() - drop a reference; the last one destroys the context
 * @ctx: the context (NULL or an ERR_PTR are no-ops)
 */
void vxp_context_put(struct vxp_context *ctx)
{
	if (!IS_ERR_OR_NULL(ctx))
		kref_put(&ctx->ref, vxp_context_release);
}

/**
 * vxp_context_create() - a host context for a new DRM file
 * @vxp: the device
 *
 * Return: the context or an ERR_PTR.
 */
struct vxp_context *vxp_context_create(struct vxp_device *vxp)
{
	struct vxp_context *ctx;
	int ret;

	ctx = kzalloc_obj(*ctx, GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	ctx->vxp = vxp;
	kref_init(&ctx->ref);
	mutex_init(&ctx->lock);
	mutex_init(&ctx->ids_lock);
	xa_init(&ctx->vms);
	xa_init(&ctx->queues);
	spin_lock_init(&ctx->put_lock);
	init_waitqueue_head(&ctx->async_wq);
	vxp_ccmd_pending_init(ctx);
	INIT_WORK(&ctx->release_work, vxp_context_release_work);
	ctx->fence_context = dma_fence_context_alloc(VXP_RINGS);

	ret = ida_alloc_min(&vxp->ctx_ida, 1, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	ctx->ctx_id = ret;
	ret = vxp_ctx_create_cmd(ctx);
	if (ret)
		goto err_id;
	ret = vxp_shmem_create(ctx);
	if (ret)
		goto err_ctx;
	/*
	 * The last file may close, freeing an unplugged DRM device, before
	 * this context's release work has run: that work needs the device.
	 */
	drm_dev_get(vxp->drm);
	kref_get(&vxp->ref);
	return ctx;

err_ctx:
	vxp_ctx_destroy_cmd(ctx);
err_id:
	ida_free(&vxp->ctx_ida, ctx->ctx_id);
err_free:
	mutex_destroy(&ctx->ids_lock);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	return ERR_PTR(ret);
}

/**
 * vxp_context_file_close() - the DRM file of @ctx was closed
 * @ctx: the context
 *
 * As xe_file_close(): the file's exec queues are killed and its VMs closed
 * on the host now, although BOs it created, shared with other files, keep
 * @ctx (and the host context they live in) alive. Closing the VMs also
 * releases their userptrs and the exec fences kept for them, which hold
 * @ctx: they must go before its last reference can.
 */
void vxp_context_file_close(struct vxp_context *ctx)
{
	struct vxp_exec_queue *q;
	struct vxp_vm *vm;
	unsigned long id;

	/* queues first: an LR VM cannot go while a queue uses it */
	for (;;) {
		id = 0;
		mutex_lock(&ctx->ids_lock);
		q = xa_find(&ctx->queues, &id, ULONG_MAX, XA_PRESENT);
		if (q)
			xa_erase(&ctx->queues, id);
		mutex_unlock(&ctx->ids_lock);
		if (!q)
			break;
		vxp_exec_queue_close(ctx, q);
	}
	for (;;) {
		id = 0;
		mutex_lock(&ctx->ids_lock);
		vm = xa_find(&ctx->vms, &id, ULONG_MAX, XA_PRESENT);
		if (vm)
			xa_erase(&ctx->vms, id);
		mutex_unlock(&ctx->ids_lock);
		if (!vm)
			break;
		vxp_vm_close(ctx, vm);
	}
}

/**
 * vxp_context_userptrs_fini() - the DRM file of @ctx was closed after unplug
 * @ctx: the context
 *
 * What vxp_context_file_close() does when the host is gone: releases its
 * userptrs and the exec fences kept for them, which hold @ctx, so they must
 * go before the last reference can. VMs already destroyed released theirs
 * then.
 */
void vxp_context_userptrs_fini(struct vxp_context *ctx)
{
	unsigned long id = 0;
	struct vxp_vm *vm;

	for (;;) {
		/* a VM's lock nests outside ids_lock: one VM at a time */
		mutex_lock(&ctx->ids_lock);
		vm = xa_find(&ctx->vms, &id, ULONG_MAX, XA_PRESENT);
		if (vm)
			vxp_vm_get(vm);
		mutex_unlock(&ctx->ids_lock);
		if (!vm)
			break;
		mutex_lock(&vm->lock);
		vxp_vm_userptrs_fini(vm);
		mutex_unlock(&vm->lock);
		vxp_vm_put(vm);
		id++;
	}
}

/**
 * vxp_context_host_lost() - whether the host's GPU is gone for @ctx
 * @ctx: the context
 *
 * The host publishes in shmem the errno its device fails every call with
 * once it was unplugged (ENODEV) or wedged (ECANCELED). The calls answered
 * here without the host check it, so that they fail as on xe; any other
 * value from a broken host counts as -EIO.
 *
 * Return: 0 while the GPU works, else the negative errno.
 */
int vxp_context_host_lost(struct vxp_context *ctx)
{
	u32 err;

	if (ctx->rsp_mem_offset < offsetofend(struct xe_proxy_shmem, device_lost))
		return 0;
	err = le32_to_cpu(READ_ONCE(ctx->shmem->device_lost));
	if (!err)
		return 0;
	return err == ENODEV || err == ECANCELED ? -(int)err : -EIO;
}
