// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: DRM_IOCTL_XE_EXEC.
 *
 * Submissions are asynchronous: the ioctl returns once the exec is queued
 * (one fenced SUBMIT_3D, vxp_ccmd_send_async(), or a place in the guest's
 * FIFO while it waits for fences of others) and the out-syncs carry a
 * vxp_fence that signals when the host ring is past it (syncs:
 * vxp_sync.c). Before an exec goes out the VM's userptrs whose CPU
 * mapping changed are rebound (vxp_vm.c). On a long-running VM, or with a
 * host without XE_PROXY_F_ASYNC_EXEC, the host's answer is waited for,
 * and the fence of an LR exec only says it was submitted (vxp_vm.c).
 *
 * Argument checks and errnos follow xe_exec.c in drivers/gpu/drm/xe: what
 * xe refuses at once is refused here before anything is sent; what only
 * the host can see fails the fence and bans the queue, as a fault does.
 */
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <uapi/drm/xe_drm.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_exec.h"
#include "vxp_exec_queue.h"
#include "vxp_fence.h"
#include "vxp_sync.h"
#include "vxp_userptr.h"
#include "vxp_vm.h"

static int vxp_exec_status(const void *rsp)
{
	return vxp_rsp_errno(((const struct xe_proxy_ccmd_exec_rsp *)rsp)->ret);
}

/*
 * Whether the exec of @f goes out without waiting for the host: not on an
 * LR VM (no host fence), whose execs the host tracks less.
 */
static bool vxp_exec_async(struct vxp_context *ctx, const struct vxp_fence *f)
{
	return (ctx->vxp->features & XE_PROXY_F_EXEC_EXT) &&
	       (ctx->vxp->features & XE_PROXY_F_ASYNC_EXEC) && f->host_id;
}

/*
 * Build and send the exec of @num_batches batches: none (the out-syncs only
 * follow the queue), one, or one per engine of a parallel queue (extended
 * protocol only for the first and the last). On success @f is published.
 */
static int vxp_exec_send(struct vxp_context *ctx, u32 queue_id,
			 const u64 *batches, u32 num_batches,
			 struct vxp_syncs *s, struct vxp_fence *f)
{
	struct xe_proxy_ccmd_exec_ext_req *ext;
	struct xe_proxy_ccmd_exec_req base = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_EXEC, sizeof(base)),
		.exec_queue_id = cpu_to_le32(queue_id),
		.num_batch_buffer = cpu_to_le16(1),
		.address = cpu_to_le64(num_batches ? batches[0] : 0),
	};
	struct xe_proxy_ccmd_exec_rsp rsp;
	__le64 *addrs;
	size_t len;
	u32 i, num_syncs, flags = 0;
	bool async;
	int ret;

	if (!(ctx->vxp->features & XE_PROXY_F_EXEC_EXT))
		return vxp_ccmd_send_fenced(ctx, &base.hdr, &rsp, sizeof(rsp),
					    f, vxp_exec_status);

	/* The exec's own host fence, unless it is on an LR VM */
	num_syncs = s->num_wire + !!f->host_id;
	len = sizeof(*ext) + num_syncs * sizeof(s->wire[0]);
	if (!num_batches)
		flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
	if (num_batches > 1) {
		flags = XE_PROXY_EXEC_FLAG_PARALLEL;
		len += num_batches * sizeof(*addrs);
	}
	/*
	 * Not waited for, unless on an LR VM (no host fence): everything xe
	 * refuses at once was checked here, and a failure on the host bans
	 * the queue as a fault would.
	 */
	async = vxp_exec_async(ctx, f);
	if (async)
		flags |= XE_PROXY_EXEC_FLAG_ASYNC;
	ext = kzalloc(len, GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	ext->hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_EXEC_EXT, len);
	ext->exec_queue_id = cpu_to_le32(queue_id);
	ext->num_syncs = cpu_to_le32(num_syncs);
	ext->address = cpu_to_le64(num_batches == 1 ? batches[0] : 0);
	ext->flags = cpu_to_le32(flags);
	memcpy(ext->payload, s->wire, s->num_wire * sizeof(s->wire[0]));
	if (f->host_id)
		((struct xe_proxy_sync *)ext->payload)[s->num_wire] = (struct xe_proxy_sync){
			.type = cpu_to_le32(XE_PROXY_SYNC_HOST_FENCE),
			.flags = cpu_to_le32(XE_PROXY_SYNC_FLAG_SIGNAL),
			.fence_id = cpu_to_le64(f->host_id),
		};
	if (num_batches > 1) {
		addrs = (__le64 *)((struct xe_proxy_sync *)ext->payload + num_syncs);
		for (i = 0; i < num_batches; i++)
			addrs[i] = cpu_to_le64(batches[i]);
	}
	if (async)
		ret = vxp_ccmd_send_async(ctx, &ext->hdr, sizeof(rsp),
					  offsetof(struct xe_proxy_ccmd_exec_rsp, ret), f, s);
	else
		ret = vxp_ccmd_send_fenced(ctx, &ext->hdr, &rsp, sizeof(rsp), f,
					   vxp_exec_status);
	kfree(ext);
	return ret;
}

/*
 * Whether @queue_id is still a queue of @vm, with ctx->ids_lock taken here:
 * under @vm->lock an exec that saw it can send before its destruction
 * notes the exec's fence (vxp_exec_queue_destroy_ioctl()).
 */
static int vxp_exec_queue_live(struct vxp_context *ctx, struct vxp_vm *vm,
			       u32 queue_id)
{
	struct vxp_exec_queue q;

	lockdep_assert_held(&vm->lock);
	if (vxp_exec_queue_lookup(ctx, queue_id, &q, NULL) || q.vm != vm)
		return -ENOENT;
	return 0;
}

/*
 * Check an exec's batch buffers in xe_exec_ioctl()'s order (their number
 * against the queue's width, then the queue's ban), then against what the
 * host supports, and read their addresses into @batches.
 */
static int vxp_exec_batches(struct vxp_context *ctx,
			    const struct drm_xe_exec *args,
			    const struct vxp_exec_queue *q, u64 *batches)
{
	struct vxp_device *vxp = ctx->vxp;
	u32 n = args->num_batch_buffer;
	u64 need;

	if (VXP_IOCTL_DBG(vxp, n && n != q->width))
		return -EINVAL;
	if (q->banned || vxp_exec_queue_ban_published(ctx, q->id))
		return -ECANCELED;
	/* No batch, or one per engine of a parallel queue: extensions only. */
	if (n != 1) {
		need = XE_PROXY_F_EXEC_EXT |
		       (n ? XE_PROXY_F_EXEC_PARALLEL : XE_PROXY_F_EXEC_NO_BATCH);
		if (VXP_IOCTL_DBG(vxp, (vxp->features & need) != need))
			return -EOPNOTSUPP;
	}
	if (VXP_IOCTL_DBG(vxp, n > XE_PROXY_MAX_PARALLEL))
		return -EINVAL;
	if (n == 1)
		batches[0] = args->address;
	else if (n && copy_from_user(batches, u64_to_user_ptr(args->address),
				     n * sizeof(batches[0])))
		return -EFAULT;
	return 0;
}

/**
 * vxp_exec_ioctl() - DRM_IOCTL_XE_EXEC
 * @drm: the device
 * @data: struct drm_xe_exec
 * @file: the caller
 *
 * A parallel queue (width > 1) takes a user array of width batch addresses;
 * the guest copies it into the command (XE_PROXY_F_EXEC_PARALLEL), since the
 * host never reads a guest pointer. An exec with no batch buffer only
 * signals its out-syncs behind the queue's earlier work (xe_exec.c); it
 * needs XE_PROXY_F_EXEC_NO_BATCH.
 *
 * The ioctl takes the VM's lock from the revalidation of its userptrs to
 * the exec's fence being noted on it, as xe_exec_ioctl() holds vm->lock;
 * the other ioctls of the file do not wait for that.
 *
 * Return: 0 or a negative errno (-ECANCELED on a banned queue).
 */
int vxp_exec_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	u64 batches[XE_PROXY_MAX_PARALLEL];
	struct drm_xe_exec *args = data;
	struct vxp_context *ctx;
	struct vxp_syncs *s = NULL;
	struct vxp_fence *f = NULL;
	struct vxp_exec_queue q;
	struct vxp_vm *vm;
	bool ext;
	int ret;

	/* xe_exec_ioctl() checks num_syncs with the reserved fields */
	if (VXP_IOCTL_DBG(drm, args->extensions) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]) ||
	    VXP_IOCTL_DBG(drm, args->num_syncs > DRM_XE_MAX_SYNCS))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	/* xe_exec.c's order: the queue, its width, then its ban */
	if (VXP_IOCTL_DBG(drm, vxp_exec_queue_lookup(ctx, args->exec_queue_id,
						     &q, &vm)))
		return -ENOENT;
	/* xe_exec_ioctl(): no exec on a bind queue (EXEC_QUEUE_FLAG_VM) */
	if (VXP_IOCTL_DBG(drm, q.bind)) {
		ret = -EINVAL;
		goto out;
	}
	ret = vxp_exec_batches(ctx, args, &q, batches);
	if (ret)
		goto out;

	ext = ctx->vxp->features & XE_PROXY_F_EXEC_EXT;
	s = kzalloc_obj(*s, GFP_KERNEL);
	/* an LR exec signals no host fence: xe_sync.c refuses syncobjs there */
	f = vxp_fence_alloc(ctx, q.ring, ext && !vm->lr_mode);
	if (!s || !f) {
		ret = -ENOMEM;
		goto out;
	}
	ret = vxp_syncs_parse(file, ctx, args->syncs, args->num_syncs,
			      VXP_SYNCS_EXEC | (vm->lr_mode ? VXP_SYNCS_LR : 0), s);
	/* xe_exec_ioctl(): one user fence */
	if (!ret && VXP_IOCTL_DBG(drm, s->num_ufences > 1))
		ret = -EINVAL;
	if (ret)
		goto out;
	/* The base protocol carries no syncs: only plain execs go there. */
	if (VXP_IOCTL_DBG(drm, !ext && s->num_wire)) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	/* Only an exec the host need not answer first can wait for others. */
	if (!vxp_exec_async(ctx, f)) {
		ret = vxp_syncs_wait(s);
		if (ret)
			goto out;
	}

	mutex_lock(&vm->lock);
	ret = vxp_exec_queue_live(ctx, vm, q.id);
	if (!ret)
		ret = vxp_vm_userptrs_revalidate(ctx, vm,
						 vxp_exec_async(ctx, f) ? s : NULL);
	if (!ret)
		ret = vxp_exec_send(ctx, q.id, batches, args->num_batch_buffer,
				    s, f);
	if (ret == -ECANCELED || ret == -EIO) {
		vxp_exec_queue_ban(ctx, q.id);
		ret = -ECANCELED;
	}
	/* Userptr pages it may use stay pinned until it is done. */
	if (!ret && vxp_vm_note_exec(vm, q.id, &f->base))
		dma_fence_wait(&f->base, false);
	mutex_unlock(&vm->lock);
	if (!ret)
		vxp_syncs_signal(s, &f->base);
out:
	vxp_fence_put(f);
	if (s)
		vxp_syncs_fini(s);
	kfree(s);
	vxp_vm_put(vm);
	return ret;
}

