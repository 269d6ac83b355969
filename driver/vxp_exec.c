// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: EXEC and VM_BIND.
 *
 * Submissions are asynchronous: the ioctl returns once the host accepted
 * the work and the out-syncs carry a vxp_fence that signals when the host
 * ring is past it (syncs: vxp_sync.c).
 *
 * Argument checks and errnos follow xe_exec.c and xe_vm.c in
 * drivers/gpu/drm/xe.
 */
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <uapi/drm/xe_drm.h>

#include "vxp_ccmd.h"
#include "vxp_drv.h"
#include "vxp_exec.h"
#include "vxp_exec_queue.h"
#include "vxp_fence.h"
#include "vxp_file.h"
#include "vxp_gem.h"
#include "vxp_sync.h"
#include "vxp_userptr.h"
#include "vxp_vm.h"

/* Binds per ioctl: what one command carries (xe: what it can allocate) */
#define VXP_MAX_BINDS		XE_PROXY_MAX_BINDS

static int vxp_exec_status(const void *rsp)
{
	return vxp_rsp_errno(((const struct xe_proxy_ccmd_exec_rsp *)rsp)->ret);
}

static int vxp_status_status(const void *rsp)
{
	return vxp_rsp_errno(((const struct xe_proxy_ccmd_status_rsp *)rsp)->ret);
}

static int vxp_bind_status(const void *rsp)
{
	return vxp_rsp_errno(((const struct xe_proxy_ccmd_vm_bind_rsp *)rsp)->ret);
}

static int vxp_vm_userptrs_revalidate(struct vxp_context *ctx,
				      struct vxp_vm *vm);

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
		.hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_EXEC),
		.hdr.len = cpu_to_le32(sizeof(base)),
		.exec_queue_id = cpu_to_le32(queue_id),
		.num_batch_buffer = cpu_to_le16(1),
		.address = cpu_to_le64(num_batches ? batches[0] : 0),
	};
	struct xe_proxy_ccmd_exec_rsp rsp;
	__le64 *addrs;
	size_t len;
	u32 i, flags = 0;
	int ret;

	if (!(ctx->vxp->features & XE_PROXY_F_EXEC_EXT))
		return vxp_ccmd_send_fenced(ctx, &base.hdr, &rsp, sizeof(rsp),
					    f, vxp_exec_status);

	len = sizeof(*ext) + (s->num_wire + 1) * sizeof(s->wire[0]);
	if (!num_batches)
		flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
	if (num_batches > 1) {
		flags = XE_PROXY_EXEC_FLAG_PARALLEL;
		len += num_batches * sizeof(*addrs);
	}
	ext = kzalloc(len, GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	ext->hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_EXEC_EXT);
	ext->hdr.len = cpu_to_le32(len);
	ext->exec_queue_id = cpu_to_le32(queue_id);
	ext->num_syncs = cpu_to_le32(s->num_wire + 1);
	ext->address = cpu_to_le64(num_batches == 1 ? batches[0] : 0);
	ext->ring_idx = cpu_to_le32(f->ring);
	ext->flags = cpu_to_le32(flags);
	memcpy(ext->payload, s->wire, s->num_wire * sizeof(s->wire[0]));
	((struct xe_proxy_sync *)ext->payload)[s->num_wire] = (struct xe_proxy_sync){
		.type = cpu_to_le32(XE_PROXY_SYNC_HOST_FENCE),
		.flags = cpu_to_le32(XE_PROXY_SYNC_FLAG_SIGNAL),
		.fence_id = cpu_to_le64(f->host_id),
	};
	if (num_batches > 1) {
		addrs = (__le64 *)((struct xe_proxy_sync *)ext->payload + s->num_wire + 1);
		for (i = 0; i < num_batches; i++)
			addrs[i] = cpu_to_le64(batches[i]);
	}
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
	struct vxp_exec_queue *q;
	int ret;

	lockdep_assert_held(&vm->lock);
	mutex_lock(&ctx->ids_lock);
	q = xa_load(&ctx->queues, queue_id);
	ret = q && q->vm == vm ? 0 : -ENOENT;
	mutex_unlock(&ctx->ids_lock);
	return ret;
}

/* An exec on the queue failed as on a banned queue. */
static void vxp_exec_queue_ban(struct vxp_context *ctx, u32 queue_id)
{
	struct vxp_exec_queue *q;

	mutex_lock(&ctx->ids_lock);
	q = xa_load(&ctx->queues, queue_id);
	if (q)
		q->banned = true;
	mutex_unlock(&ctx->ids_lock);
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
 * The VM's lock is held from the revalidation of its userptrs to the
 * exec's fence being noted on it, as xe_exec_ioctl() holds vm->lock; the
 * other ioctls of the file do not wait for that.
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
	struct vxp_exec_queue *q;
	struct vxp_vm *vm;
	u32 queue_id, ring;
	bool ext;
	int ret;

	/* xe_exec_ioctl() checks num_syncs with the reserved fields */
	if (args->extensions || args->reserved[0] || args->reserved[1] ||
	    args->num_syncs > DRM_XE_MAX_SYNCS)
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&ctx->ids_lock);
	q = xa_load(&ctx->queues, args->exec_queue_id);
	/* xe_exec.c's order: the queue, its width, then its ban */
	if (!q)
		ret = -ENOENT;
	else if (args->num_batch_buffer && args->num_batch_buffer != q->width)
		ret = -EINVAL;
	else
		ret = q->banned ? -ECANCELED : 0;
	if (!ret) {
		queue_id = q->id;
		ring = q->ring;
		vm = vxp_vm_get(q->vm);
	}
	mutex_unlock(&ctx->ids_lock);
	if (ret)
		return ret;
	if ((args->num_batch_buffer > 1 &&
	     (~ctx->vxp->features & (XE_PROXY_F_EXEC_EXT | XE_PROXY_F_EXEC_PARALLEL))) ||
	    (!args->num_batch_buffer &&
	     (~ctx->vxp->features & (XE_PROXY_F_EXEC_EXT | XE_PROXY_F_EXEC_NO_BATCH))))
		ret = -EOPNOTSUPP;
	else if (args->num_batch_buffer > XE_PROXY_MAX_PARALLEL)
		ret = -EINVAL;
	else if (args->num_batch_buffer == 1)
		batches[0] = args->address;
	else if (args->num_batch_buffer &&
		 copy_from_user(batches, u64_to_user_ptr(args->address),
				args->num_batch_buffer * sizeof(batches[0])))
		ret = -EFAULT;
	if (ret)
		goto out;

	ext = ctx->vxp->features & XE_PROXY_F_EXEC_EXT;
	s = kzalloc_obj(*s, GFP_KERNEL);
	f = vxp_fence_alloc(ctx, ring, ext);
	if (!s || !f) {
		ret = -ENOMEM;
		goto out;
	}
	ret = vxp_syncs_parse(file, ctx, args->syncs, args->num_syncs, true, s);
	if (!ret && s->num_ufences > 1)
		ret = -EINVAL;	/* xe_exec_ioctl(): one user fence */
	if (ret)
		goto out;
	/* The base protocol carries no syncs: only plain execs go there. */
	if (!ext && s->num_wire) {
		ret = -EOPNOTSUPP;
		goto out;
	}

	mutex_lock(&vm->lock);
	ret = vxp_exec_queue_live(ctx, vm, queue_id);
	if (!ret)
		ret = vxp_vm_userptrs_revalidate(ctx, vm);
	if (!ret)
		ret = vxp_exec_send(ctx, queue_id, batches, args->num_batch_buffer,
				    s, f);
	if (ret == -ECANCELED || ret == -EIO) {
		vxp_exec_queue_ban(ctx, queue_id);
		ret = -ECANCELED;
	}
	/* Userptr pages it may use stay pinned until it is done. */
	if (!ret && vxp_vm_note_exec(vm, queue_id, &f->base))
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

/* Check one bind op as vm_bind_ioctl_check_args() does; fill the wire op. */
static int vxp_bind_op(struct drm_file *file, struct vxp_context *ctx,
		       const struct drm_xe_vm_bind_op *op,
		       struct xe_proxy_vm_bind_op_ext *w)
{
	u64 end;
	struct vxp_bo *bo;

	if (op->extensions || op->pad || op->pad2 || op->reserved[0] ||
	    op->reserved[1] || op->reserved[2])
		return -EINVAL;
	if (op->op > DRM_XE_VM_BIND_OP_PREFETCH)
		return -EINVAL;
	/* User memory goes to the host as pinned pages, never as an address. */
	if (op->op == DRM_XE_VM_BIND_OP_MAP_USERPTR &&
	    (~ctx->vxp->features & (XE_PROXY_F_USERPTR | XE_PROXY_F_VM_BIND_EXT)))
		return -EOPNOTSUPP;
	if (op->op == DRM_XE_VM_BIND_OP_MAP_USERPTR &&
	    (op->obj || !IS_ALIGNED(op->obj_offset, PAGE_SIZE) ||
	     (op->flags & DRM_XE_VM_BIND_FLAG_NULL)))
		return -EINVAL;
	if (!IS_ALIGNED(op->addr, SZ_4K) || !IS_ALIGNED(op->range, SZ_4K) ||
	    (op->op != DRM_XE_VM_BIND_OP_UNMAP_ALL && !op->range) ||
	    check_add_overflow(op->addr, op->range, &end))
		return -EINVAL;

	*w = (struct xe_proxy_vm_bind_op_ext){
		.pat_index = cpu_to_le16(op->pat_index),
		.obj_offset = cpu_to_le64(op->obj_offset),
		.range = cpu_to_le64(op->range),
		.addr = cpu_to_le64(op->addr),
		.op = cpu_to_le32(op->op),
		.flags = cpu_to_le32(op->flags),
		.prefetch_mem_region_instance =
			cpu_to_le32(op->prefetch_mem_region_instance),
	};
	if ((op->op == DRM_XE_VM_BIND_OP_MAP &&
	     !(op->flags & DRM_XE_VM_BIND_FLAG_NULL)) ||
	    op->op == DRM_XE_VM_BIND_OP_UNMAP_ALL) {
		bo = vxp_bo_lookup(file, op->obj);
		if (!bo)
			return -ENOENT;
		/* A BO of another host context is not in this one's tables. */
		if (bo->ctx != ctx ||
		    (op->op == DRM_XE_VM_BIND_OP_MAP &&
		     (!IS_ALIGNED(op->obj_offset, SZ_4K) ||
		      op->obj_offset > bo->base.size ||
		      op->range > bo->base.size - op->obj_offset))) {
			drm_gem_object_put(&bo->base);
			return -EINVAL;
		}
		w->res_id = cpu_to_le32(bo->res_id);
		drm_gem_object_put(&bo->base);
	} else if (op->obj) {
		return -EINVAL;
	}
	return 0;
}

static int vxp_bind_send(struct vxp_context *ctx, u32 vm_id, u32 queue_id,
			 const struct xe_proxy_vm_bind_op_ext *ops, u32 num_ops,
			 struct vxp_syncs *s, struct vxp_fence *f)
{
	struct xe_proxy_ccmd_vm_bind_ext_req *ext;
	struct xe_proxy_ccmd_vm_bind_req *base;
	struct xe_proxy_ccmd_vm_bind_rsp brsp;
	struct xe_proxy_ccmd_status_rsp rsp;
	struct xe_proxy_ccmd_vm_bind_op *bop;
	size_t len;
	u32 i;
	int ret;

	if (!(ctx->vxp->features & XE_PROXY_F_VM_BIND_EXT)) {
		/* Base binds: default queue, guest-synchronous on the host. */
		if (queue_id || s->num_wire)
			return -EOPNOTSUPP;
		len = sizeof(*base) + num_ops * sizeof(*bop);
		base = kzalloc(len, GFP_KERNEL);
		if (!base)
			return -ENOMEM;
		base->hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_VM_BIND);
		base->hdr.len = cpu_to_le32(len);
		base->vm_id = cpu_to_le32(vm_id);
		base->num_binds = cpu_to_le32(num_ops);
		bop = (void *)base->payload;
		for (i = 0; i < num_ops; i++) {
			if (ops[i].prefetch_mem_region_instance) {
				kfree(base);
				return -EOPNOTSUPP;
			}
			bop[i] = (struct xe_proxy_ccmd_vm_bind_op){
				.res_id = ops[i].res_id,
				.pat_index = ops[i].pat_index,
				.obj_offset = ops[i].obj_offset,
				.range = ops[i].range,
				.addr = ops[i].addr,
				.op = ops[i].op,
				.flags = ops[i].flags,
			};
		}
		ret = vxp_ccmd_send_fenced(ctx, &base->hdr, &brsp, sizeof(brsp),
					   f, vxp_bind_status);
		kfree(base);
		return ret;
	}

	len = sizeof(*ext) + num_ops * sizeof(*ops) +
	      (s->num_wire + 1) * sizeof(s->wire[0]);
	ext = kvzalloc(len, GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	ext->hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_VM_BIND_EXT);
	ext->hdr.len = cpu_to_le32(len);
	ext->vm_id = cpu_to_le32(vm_id);
	ext->exec_queue_id = cpu_to_le32(queue_id);
	ext->num_binds = cpu_to_le32(num_ops);
	ext->num_syncs = cpu_to_le32(s->num_wire + 1);
	ext->ring_idx = cpu_to_le32(f->ring);
	memcpy(ext->payload, ops, num_ops * sizeof(*ops));
	memcpy(ext->payload + num_ops * sizeof(*ops), s->wire,
	       s->num_wire * sizeof(s->wire[0]));
	((struct xe_proxy_sync *)(ext->payload + num_ops * sizeof(*ops)))[s->num_wire] =
		(struct xe_proxy_sync){
			.type = cpu_to_le32(XE_PROXY_SYNC_HOST_FENCE),
			.flags = cpu_to_le32(XE_PROXY_SYNC_FLAG_SIGNAL),
			.fence_id = cpu_to_le64(f->host_id),
		};
	ret = vxp_ccmd_send_fenced(ctx, &ext->hdr, &rsp, sizeof(rsp), f,
				   vxp_status_status);
	kvfree(ext);
	return ret;
}

/*
 * Bind a freshly pinned userptr over its GPU range on the VM's default bind
 * queue and wait for it: the exec about to go out must see the new pages.
 */
static int vxp_userptr_rebind(struct vxp_context *ctx, struct vxp_vm *vm,
			      struct vxp_userptr *up)
{
	struct xe_proxy_vm_bind_op_ext w = {
		.res_id = cpu_to_le32(up->res_id),
		.pat_index = cpu_to_le16(up->pat_index),
		.range = cpu_to_le64(up->range),
		.addr = cpu_to_le64(up->gpu_addr),
		.op = cpu_to_le32(DRM_XE_VM_BIND_OP_MAP_USERPTR),
		.flags = cpu_to_le32(up->flags),
	};
	struct vxp_syncs *s;
	struct vxp_fence *f;
	int ret;

	s = kzalloc_obj(*s, GFP_KERNEL);
	f = vxp_fence_alloc(ctx, 0, true);
	if (!s || !f) {
		kfree(s);
		vxp_fence_put(f);
		return -ENOMEM;
	}
	ret = vxp_bind_send(ctx, vm->id, 0, &w, 1, s, f);
	if (!ret) {
		dma_fence_wait(&f->base, false);
		ret = f->base.error;
	}
	vxp_fence_put(f);
	kfree(s);
	return ret;
}

/*
 * Before an exec: rebind every userptr of @vm whose CPU mapping changed
 * since it was pinned (xe_vm.c revalidates userptrs in exec the same way).
 * Called with @vm->lock held, which keeps binds of the VM out while the
 * new pages are pinned and bound; not with ctx->ids_lock. Userptrs of
 * another process's memory keep their pages.
 */
static int vxp_vm_userptrs_revalidate(struct vxp_context *ctx,
				      struct vxp_vm *vm)
{
	struct vxp_userptr *up, *tmp, *nu;
	int ret;

	lockdep_assert_held(&vm->lock);
	list_for_each_entry_safe(up, tmp, &vm->userptrs, link) {
		if (up->notifier.mm != current->mm || !vxp_userptr_stale(up))
			continue;
		ret = vxp_userptr_create(ctx, up->user_addr, up->range,
					 up->gpu_addr, up->pat_index, up->flags,
					 &nu);
		if (!ret) {
			ret = vxp_userptr_rebind(ctx, vm, nu);
			if (ret)
				vxp_userptr_release(nu, NULL, NULL);
		}
		if (ret == -EFAULT) {
			/*
			 * The memory is gone for good (freed, not replaced):
			 * the GPU keeps the old pages, still pinned, rather
			 * than every later exec of the VM failing.
			 */
			drm_dbg(ctx->vxp->drm, "userptr at 0x%llx: memory unmapped, keeping the old pages\n",
				up->gpu_addr);
			up->frozen = true;
			continue;
		}
		if (ret) {
			drm_dbg(ctx->vxp->drm, "userptr at 0x%llx: rebind failed: %d\n",
				up->gpu_addr, ret);
			return ret;
		}
		list_replace_init(&up->link, &nu->link);
		vxp_userptr_release(up, vm, NULL);
	}
	return 0;
}

/*
 * A bind went out: in op order, userptrs whose GPU range it replaced or
 * removed are released behind it, and its own userptrs join the VM.
 * Called with @vm->lock held since the bind was sent, so that the list
 * follows the binds in the order the host got them.
 */
static void vxp_bind_track_userptrs(struct vxp_vm *vm,
				    const struct xe_proxy_vm_bind_op_ext *ops,
				    struct vxp_userptr **ups, u32 num_ops,
				    struct dma_fence *fence)
{
	u32 i, op;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < num_ops; i++) {
		op = le32_to_cpu(ops[i].op);
		if (op == DRM_XE_VM_BIND_OP_MAP || op == DRM_XE_VM_BIND_OP_UNMAP ||
		    op == DRM_XE_VM_BIND_OP_MAP_USERPTR)
			vxp_vm_userptrs_unbind(vm, le64_to_cpu(ops[i].addr),
					       le64_to_cpu(ops[i].range), fence);
		if (ups[i]) {
			list_add_tail(&ups[i]->link, &vm->userptrs);
			ups[i] = NULL;
		}
	}
}

/**
 * vxp_vm_bind_ioctl() - DRM_IOCTL_XE_VM_BIND
 * @drm: the device
 * @data: struct drm_xe_vm_bind
 * @file: the caller
 *
 * Userptrs are pinned and in-syncs waited for before the VM's lock is
 * taken; under it the bind goes out and the VM's userptr list follows it,
 * as xe_vm_bind_ioctl() holds vm->lock.
 *
 * Return: 0 or a negative errno (-ENOENT if the VM was destroyed
 * meanwhile, as xe_vm_bind_ioctl() says for a closed VM).
 */
int vxp_vm_bind_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_xe_vm_bind *args = data;
	struct xe_proxy_vm_bind_op_ext *ops = NULL;
	struct vxp_userptr **ups = NULL;
	struct drm_xe_vm_bind_op op;
	struct vxp_context *ctx;
	struct vxp_fence *f = NULL;
	struct vxp_syncs *s = NULL;
	struct vxp_exec_queue *q;
	struct vxp_vm *vm;
	u32 i, ring = 0, queue_id = 0;
	int ret;

	/* vm_bind_ioctl_check_args() checks num_syncs first of all counts */
	if (args->extensions || args->pad || args->pad2 || args->reserved[0] ||
	    args->reserved[1] || args->num_syncs > DRM_XE_MAX_SYNCS ||
	    args->num_binds > VXP_MAX_BINDS)
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&ctx->ids_lock);
	/* xe_vm_bind_ioctl(): an unknown VM is -EINVAL, unlike elsewhere */
	vm = xa_load(&ctx->vms, args->vm_id);
	ret = vm ? 0 : -EINVAL;
	if (!ret && args->exec_queue_id) {
		q = xa_load(&ctx->queues, args->exec_queue_id);
		if (q) {
			queue_id = q->id;
			ring = q->ring;
		} else {
			ret = -ENOENT;
		}
	}
	if (!ret)
		vxp_vm_get(vm);
	mutex_unlock(&ctx->ids_lock);
	if (ret)
		return ret;

	/* num_binds == 0 only orders the syncs behind the queue (xe_vm.c). */
	ops = kvcalloc(max(args->num_binds, 1U), sizeof(*ops), GFP_KERNEL);
	ups = kvcalloc(max(args->num_binds, 1U), sizeof(*ups), GFP_KERNEL);
	s = kzalloc_obj(*s, GFP_KERNEL);
	f = vxp_fence_alloc(ctx, ring, ctx->vxp->features & XE_PROXY_F_VM_BIND_EXT);
	if (!ops || !ups || !s || !f) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < args->num_binds; i++) {
		if (args->num_binds == 1) {
			op = args->bind;
		} else if (copy_from_user(&op, u64_to_user_ptr(args->vector_of_binds) +
					  i * sizeof(op), sizeof(op))) {
			ret = -EFAULT;
			goto out;
		}
		ret = vxp_bind_op(file, ctx, &op, &ops[i]);
		if (ret)
			goto out;
		if (op.op == DRM_XE_VM_BIND_OP_MAP_USERPTR) {
			ret = vxp_userptr_create(ctx, op.obj_offset, op.range,
						 op.addr, op.pat_index, op.flags,
						 &ups[i]);
			if (ret)
				goto out;
			ops[i].res_id = cpu_to_le32(ups[i]->res_id);
			ops[i].obj_offset = 0;
		}
	}
	ret = vxp_syncs_parse(file, ctx, args->syncs, args->num_syncs, false, s);
	if (ret)
		goto out;
	/* xe_vm_bind_ioctl() disallows a user fence when nothing is bound. */
	if (!args->num_binds && s->num_ufences) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (s->num_ufences > 1) {
		ret = -EINVAL;	/* xe_vm_bind_ioctl(): one user fence */
		goto out;
	}
	if (s->num_ufences) {
		f->ufences = kmemdup(&s->ufence, sizeof(s->ufence), GFP_KERNEL);
		if (!f->ufences) {
			ret = -ENOMEM;
			goto out;
		}
		f->num_ufences = 1;
		f->mm = current->mm;
		mmgrab(f->mm);
	}

	mutex_lock(&vm->lock);
	ret = vm->closed ? -ENOENT :
	      vxp_bind_send(ctx, vm->id, queue_id, ops, args->num_binds, s, f);
	if (!ret) {
		vxp_syncs_signal(s, &f->base);
		vxp_bind_track_userptrs(vm, ops, ups, args->num_binds, &f->base);
	}
	mutex_unlock(&vm->lock);
out:
	for (i = 0; ret && ups && i < args->num_binds; i++)
		if (ups[i])
			vxp_userptr_release(ups[i], NULL, NULL);
	kvfree(ups);
	vxp_fence_put(f);
	if (s)
		vxp_syncs_fini(s);
	kfree(s);
	kvfree(ops);
	vxp_vm_put(vm);
	return ret;
}
