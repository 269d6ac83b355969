// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: VMs: VM_CREATE, VM_DESTROY and VM_BIND.
 *
 * The host driver allocates the ids; the guest keeps a table of them per
 * host context (ctx->vms) so it can answer what the wire does not carry
 * back (the base VM_DESTROY has no response) with the real driver's
 * errnos: -ENOENT for an unknown id, -EBUSY for a long-running VM that
 * still has exec queues (xe_vm_destroy_ioctl() counts the queues of
 * preempt-fence, i.e. LR, VMs only).
 *
 * Binds are asynchronous, as execs are (vxp_exec.c): the out-syncs carry a
 * vxp_fence that signals when the host ring is past the bind. A VM's lock
 * orders its binds, the userptr list that follows them (vxp_userptr.c) and
 * the revalidation of that list before an exec.
 *
 * A long-running VM (LR_MODE, fault mode included) takes no syncobj signal
 * (xe_sync.c): its binds and execs carry no host fence, so nothing later
 * waits for them on the host. The host tracks such a bind by a user fence
 * in its own arena instead, so the bind's vxp_fence still signals when the
 * bind is done, and the guest writes the caller's bind user fence then.
 * An LR exec's fence only says it was submitted: xe has no completion for
 * it but its user fence, which the GPU writes into the caller's memory.
 *
 * Argument checks follow xe_vm.c in drivers/gpu/drm/xe.
 */
#include <linux/lockdep.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_exec_queue.h"
#include "vxp_fence.h"
#include "vxp_gem.h"
#include "vxp_sync.h"
#include "vxp_uapi.h"
#include "vxp_userptr.h"
#include "vxp_vm.h"

#define VXP_VM_CREATE_FLAGS (DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE |	\
			     DRM_XE_VM_CREATE_FLAG_LR_MODE |		\
			     DRM_XE_VM_CREATE_FLAG_FAULT_MODE |		\
			     VXP_VM_NO_VM_OVERCOMMIT)
#ifdef DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT
#define VXP_VM_NO_VM_OVERCOMMIT	DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT
#else
#define VXP_VM_NO_VM_OVERCOMMIT	0
#endif

/**
 * vxp_vm_get() - take a reference to a VM
 * @vm: the VM, found in ctx->vms under ctx->ids_lock or held already
 *
 * Return: @vm.
 */
struct vxp_vm *vxp_vm_get(struct vxp_vm *vm)
{
	kref_get(&vm->ref);
	return vm;
}

static void vxp_vm_release(struct kref *ref)
{
	struct vxp_vm *vm = container_of(ref, struct vxp_vm, ref);

	/* Nobody else can reach it; the lock is for the lockdep assertions. */
	mutex_lock(&vm->lock);
	vxp_vm_userptrs_fini(vm);
	mutex_unlock(&vm->lock);
	xa_destroy(&vm->exec_fences);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/**
 * vxp_vm_put() - drop a reference to a VM
 * @vm: the VM
 *
 * The last one releases its userptrs (after the GPU work that may use
 * them) and frees it. Sleeps; not with ctx->ids_lock or @vm->lock held.
 */
void vxp_vm_put(struct vxp_vm *vm)
{
	kref_put(&vm->ref, vxp_vm_release);
}

/**
 * vxp_vm_lookup() - find a VM of a context by id
 * @ctx: the context
 * @id: the vm_id
 *
 * Takes ctx->ids_lock.
 *
 * Return: the VM with a reference (vxp_vm_put() it), or NULL.
 */
struct vxp_vm *vxp_vm_lookup(struct vxp_context *ctx, u32 id)
{
	struct vxp_vm *vm;

	mutex_lock(&ctx->ids_lock);
	vm = xa_load(&ctx->vms, id);
	if (vm)
		vxp_vm_get(vm);
	mutex_unlock(&ctx->ids_lock);
	return vm;
}

/**
 * vxp_vm_create_ioctl() - DRM_IOCTL_XE_VM_CREATE
 * @drm: the device
 * @data: struct drm_xe_vm_create
 * @file: the caller
 *
 * Return: 0 or a negative errno.
 */
int vxp_vm_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_xe_vm_create *args = data;
	struct xe_proxy_ccmd_vm_create_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_VM_CREATE, sizeof(req)),
	};
	struct xe_proxy_ccmd_vm_create_rsp rsp;
	struct vxp_context *ctx;
	struct vxp_vm *vm;
	int ret;

	/* xe_vm_create_ioctl()'s checks */
	if (VXP_IOCTL_DBG(drm, args->extensions) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]) ||
	    VXP_IOCTL_DBG(drm, args->flags & ~VXP_VM_CREATE_FLAGS))
		return -EINVAL;
	/* FAULT_MODE needs LR_MODE; NO_VM_OVERCOMMIT needs FAULT_MODE. */
	if (VXP_IOCTL_DBG(drm, (args->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
			  !(args->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE)) ||
	    VXP_IOCTL_DBG(drm, (args->flags & VXP_VM_NO_VM_OVERCOMMIT) &&
			  !(args->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE)))
		return -EINVAL;

	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	vm = kzalloc_obj(*vm, GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	INIT_LIST_HEAD(&vm->userptrs);
	xa_init_flags(&vm->exec_fences, XA_FLAGS_ALLOC);

	req.flags = cpu_to_le32(args->flags);
	ret = vxp_ccmd_send(ctx, &req.hdr, &rsp, sizeof(rsp));
	if (!ret && rsp.ret)
		ret = vxp_rsp_errno(rsp.ret);
	if (ret) {
		vxp_vm_put(vm);
		return ret;
	}
	vm->id = le32_to_cpu(rsp.vm_id);
	/* xe_vm_in_preempt_fence_mode(): LR without fault mode */
	vm->lr = (args->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) &&
		 !(args->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
	/* xe_vm_in_lr_mode() */
	vm->lr_mode = args->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE;
	args->vm_id = vm->id;
	mutex_lock(&ctx->ids_lock);
	ret = xa_insert(&ctx->vms, vm->id, vm, GFP_KERNEL);
	mutex_unlock(&ctx->ids_lock);
	if (ret) {
		drm_err_ratelimited(drm, "host returned VM id %u twice\n", vm->id);
		vxp_vm_put(vm);
		return -EPROTO;
	}
	return 0;
}

/**
 * vxp_vm_destroy_ioctl() - DRM_IOCTL_XE_VM_DESTROY
 * @drm: the device
 * @data: struct drm_xe_vm_destroy
 * @file: the caller
 *
 * The VM leaves the table first, so no new bind or exec finds it; binds
 * and execs already using it finish first (its lock), then the host
 * destroys it and its userptrs are released. Exec queues still on it keep
 * it until they go, as xe's keep theirs.
 *
 * Return: 0, -EINVAL, -ENOENT, -EBUSY (exec queues still use an LR VM).
 */
int vxp_vm_destroy_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_xe_vm_destroy *args = data;
	struct vxp_context *ctx;
	struct vxp_vm *vm;
	int ret;

	/* xe_vm_destroy_ioctl()'s checks */
	if (VXP_IOCTL_DBG(drm, args->pad) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&ctx->ids_lock);
	vm = xa_load(&ctx->vms, args->vm_id);
	if (VXP_IOCTL_DBG(drm, !vm))
		ret = -ENOENT;
	else if (VXP_IOCTL_DBG(drm, vm->lr && vm->num_queues))
		ret = -EBUSY;
	else
		ret = 0;
	if (!ret)
		xa_erase(&ctx->vms, args->vm_id);
	mutex_unlock(&ctx->ids_lock);
	if (ret)
		return ret;

	return vxp_vm_close(ctx, vm);
}

/**
 * vxp_vm_close() - destroy a VM already out of ctx->vms
 * @ctx: its context
 * @vm: the VM, erased from @ctx->vms by the caller, whose reference goes
 *
 * Binds and execs using it finish first (its lock); then the host destroys
 * it and its userptrs are released. Sleeps; not with ctx->ids_lock held.
 *
 * Return: 0 or the errno of sending the destroy.
 */
int vxp_vm_close(struct vxp_context *ctx, struct vxp_vm *vm)
{
	struct xe_proxy_ccmd_vm_destroy_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_VM_DESTROY, sizeof(req)),
		.vm_id = cpu_to_le32(vm->id),
	};
	int ret;

	mutex_lock(&vm->lock);
	vm->closed = true;
	ret = vxp_ccmd_send(ctx, &req.hdr, NULL, 0);
	vxp_vm_userptrs_fini(vm);
	mutex_unlock(&vm->lock);
	vxp_vm_put(vm);
	return ret;
}

/* Binds per ioctl: what one command carries (xe: what it can allocate) */
#define VXP_MAX_BINDS		XE_PROXY_MAX_BINDS

static int vxp_status_status(const void *rsp)
{
	return vxp_rsp_errno(((const struct xe_proxy_ccmd_status_rsp *)rsp)->ret);
}

static int vxp_bind_status(const void *rsp)
{
	return vxp_rsp_errno(((const struct xe_proxy_ccmd_vm_bind_rsp *)rsp)->ret);
}

/* Check one bind op as vm_bind_ioctl_check_args() does; fill the wire op. */
static int vxp_bind_op(struct drm_file *file, struct vxp_context *ctx,
		       const struct drm_xe_vm_bind_op *op,
		       struct xe_proxy_vm_bind_op_ext *w)
{
	struct vxp_device *vxp = ctx->vxp;
	u64 end;
	struct vxp_bo *bo;
	int ret;

	if (VXP_IOCTL_DBG(vxp, op->extensions) ||
	    VXP_IOCTL_DBG(vxp, op->pad || op->pad2) ||
	    VXP_IOCTL_DBG(vxp, op->reserved[0] || op->reserved[1] ||
			  op->reserved[2]))
		return -EINVAL;
	if (VXP_IOCTL_DBG(vxp, op->op > DRM_XE_VM_BIND_OP_PREFETCH))
		return -EINVAL;
	/* User memory goes to the host as pinned pages, never as an address. */
	if (VXP_IOCTL_DBG(vxp, op->op == DRM_XE_VM_BIND_OP_MAP_USERPTR &&
			  (~vxp->features & (XE_PROXY_F_USERPTR |
					     XE_PROXY_F_VM_BIND_EXT))))
		return -EOPNOTSUPP;
	if (VXP_IOCTL_DBG(vxp, op->op == DRM_XE_VM_BIND_OP_MAP_USERPTR &&
			  (op->obj || !IS_ALIGNED(op->obj_offset, PAGE_SIZE) ||
			   (op->flags & DRM_XE_VM_BIND_FLAG_NULL))))
		return -EINVAL;
	if (VXP_IOCTL_DBG(vxp, !IS_ALIGNED(op->addr, SZ_4K) ||
			  !IS_ALIGNED(op->range, SZ_4K)) ||
	    VXP_IOCTL_DBG(vxp, op->op != DRM_XE_VM_BIND_OP_UNMAP_ALL && !op->range) ||
	    VXP_IOCTL_DBG(vxp, check_add_overflow(op->addr, op->range, &end)))
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
		if (VXP_IOCTL_DBG(vxp, !bo))
			return -ENOENT;
		/* A VM-private BO binds only into its VM, of its own file. */
		if (VXP_IOCTL_DBG(vxp, bo->vm_private && bo->ctx != ctx) ||
		    VXP_IOCTL_DBG(vxp, op->op == DRM_XE_VM_BIND_OP_MAP &&
				  (!IS_ALIGNED(op->obj_offset, SZ_4K) ||
				   op->obj_offset > bo->base.size ||
				   op->range > bo->base.size - op->obj_offset))) {
			drm_gem_object_put(&bo->base);
			return -EINVAL;
		}
		/* A BO shared by another file: the host imports it here first. */
		ret = vxp_bo_attach(bo, ctx, file, op->obj);
		w->res_id = cpu_to_le32(bo->res_id);
		drm_gem_object_put(&bo->base);
		if (ret)
			return ret;
	} else if (VXP_IOCTL_DBG(vxp, op->obj)) {
		return -EINVAL;
	}
	return 0;
}

/*
 * Send a bind; with @async in the fenced submission that retires it,
 * without waiting for the host's answer (vxp_bind_async()).
 */
static int vxp_bind_send(struct vxp_context *ctx, u32 vm_id, u32 queue_id,
			 const struct xe_proxy_vm_bind_op_ext *ops, u32 num_ops,
			 struct vxp_syncs *s, struct vxp_fence *f, bool async)
{
	struct xe_proxy_ccmd_vm_bind_ext_req *ext;
	struct xe_proxy_ccmd_vm_bind_req *base;
	struct xe_proxy_ccmd_vm_bind_rsp brsp;
	struct xe_proxy_ccmd_status_rsp rsp;
	struct xe_proxy_ccmd_vm_bind_op *bop;
	u32 i, num_syncs;
	size_t len;
	int ret;

	if (!(ctx->vxp->features & XE_PROXY_F_VM_BIND_EXT)) {
		/* Base binds: default queue, guest-synchronous on the host. */
		if (VXP_IOCTL_DBG(ctx->vxp, queue_id || s->num_wire))
			return -EOPNOTSUPP;
		len = sizeof(*base) + num_ops * sizeof(*bop);
		base = kzalloc(len, GFP_KERNEL);
		if (!base)
			return -ENOMEM;
		base->hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_VM_BIND, len);
		base->vm_id = cpu_to_le32(vm_id);
		base->num_binds = cpu_to_le32(num_ops);
		bop = (void *)base->payload;
		for (i = 0; i < num_ops; i++) {
			if (VXP_IOCTL_DBG(ctx->vxp,
					  ops[i].prefetch_mem_region_instance)) {
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

	/* The bind's own host fence, unless it is on an LR VM */
	num_syncs = s->num_wire + !!f->host_id;
	len = sizeof(*ext) + num_ops * sizeof(*ops) +
	      num_syncs * sizeof(s->wire[0]);
	ext = kvzalloc(len, GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	ext->hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_VM_BIND_EXT, len);
	ext->vm_id = cpu_to_le32(vm_id);
	ext->exec_queue_id = cpu_to_le32(queue_id);
	ext->num_binds = cpu_to_le32(num_ops);
	ext->num_syncs = cpu_to_le32(num_syncs);
	memcpy(ext->payload, ops, num_ops * sizeof(*ops));
	memcpy(ext->payload + num_ops * sizeof(*ops), s->wire,
	       s->num_wire * sizeof(s->wire[0]));
	if (f->host_id)
		((struct xe_proxy_sync *)(ext->payload + num_ops * sizeof(*ops)))[s->num_wire] =
			(struct xe_proxy_sync){
				.type = cpu_to_le32(XE_PROXY_SYNC_HOST_FENCE),
				.flags = cpu_to_le32(XE_PROXY_SYNC_FLAG_SIGNAL),
				.fence_id = cpu_to_le64(f->host_id),
			};
	if (async) {
		ext->flags = cpu_to_le32(XE_PROXY_BIND_FLAG_ASYNC);
		ret = vxp_ccmd_send_async(ctx, &ext->hdr, sizeof(rsp),
					  offsetof(struct xe_proxy_ccmd_status_rsp, ret), f, s);
	} else {
		ret = vxp_ccmd_send_fenced(ctx, &ext->hdr, &rsp, sizeof(rsp), f,
					   vxp_status_status);
	}
	kvfree(ext);
	return ret;
}

/*
 * Bind a freshly pinned userptr over its GPU range on the VM's default bind
 * queue: the exec about to go out must see the new pages. It waits for the
 * bind on the host (@exec_syncs) when it can, else the CPU waits here.
 * Called with @vm->lock held, which keeps other binds of the VM out.
 */
static int vxp_userptr_rebind(struct vxp_context *ctx, struct vxp_vm *vm,
			      struct vxp_userptr *up, struct vxp_syncs *exec_syncs)
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

	lockdep_assert_held(&vm->lock);
	s = kzalloc_obj(*s, GFP_KERNEL);
	/* a host fence the exec can wait for, unless LR takes none */
	f = vxp_fence_alloc(ctx, 0, exec_syncs &&
			    (ctx->vxp->features & XE_PROXY_F_VM_BIND_EXT) &&
			    !vm->lr_mode);
	if (!s || !f) {
		kfree(s);
		vxp_fence_put(f);
		return -ENOMEM;
	}
	ret = vxp_bind_send(ctx, vm->id, 0, &w, 1, s, f, false);
	if (!ret && !(exec_syncs && vxp_syncs_add_host_wait(exec_syncs, f))) {
		dma_fence_wait(&f->base, false);
		ret = f->base.error;
	}
	vxp_fence_put(f);
	kfree(s);
	return ret;
}

/**
 * vxp_vm_userptrs_revalidate() - rebind the userptrs an exec would find stale
 * @ctx: the caller's context
 * @vm: the VM the exec runs on
 * @s: the exec's syncs, which can name the rebinds as host waits, or NULL
 *
 * Before an exec: rebind every userptr of @vm whose CPU mapping changed
 * since it was pinned (xe_vm.c revalidates userptrs in exec the same way).
 * Called with @vm->lock held, which keeps binds of the VM out while the
 * new pages are pinned and bound; not with ctx->ids_lock. Userptrs of
 * another process's memory keep their pages. The exec waits for the
 * rebinds on the host, through @s, where it can; else this waits for them.
 *
 * Return: 0 or the errno of a failed repin or rebind.
 */
int vxp_vm_userptrs_revalidate(struct vxp_context *ctx, struct vxp_vm *vm,
			       struct vxp_syncs *s)
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
			ret = vxp_userptr_rebind(ctx, vm, nu, s);
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

/*
 * Read and check the @args->num_binds ops of a bind into @ops, and pin
 * the user memory of its MAP_USERPTR ops into @ups; what was pinned is
 * in @ups also on failure.
 */
static int vxp_bind_ops_read(struct drm_file *file, struct vxp_context *ctx,
			     const struct drm_xe_vm_bind *args,
			     struct xe_proxy_vm_bind_op_ext *ops,
			     struct vxp_userptr **ups)
{
	struct drm_xe_vm_bind_op op;
	u32 i;
	int ret;

	for (i = 0; i < args->num_binds; i++) {
		if (args->num_binds == 1)
			op = args->bind;
		else if (copy_from_user(&op, u64_to_user_ptr(args->vector_of_binds) +
					i * sizeof(op), sizeof(op)))
			return -EFAULT;
		ret = vxp_bind_op(file, ctx, &op, &ops[i]);
		if (ret)
			return ret;
		if (op.op != DRM_XE_VM_BIND_OP_MAP_USERPTR)
			continue;
		ret = vxp_userptr_create(ctx, op.obj_offset, op.range, op.addr,
					 op.pat_index, op.flags, &ups[i]);
		if (ret)
			return ret;
		ops[i].res_id = cpu_to_le32(ups[i]->res_id);
		ops[i].obj_offset = 0;
	}
	return 0;
}

/*
 * The user fence of a bind, checked as xe_vm_bind_ioctl() does after
 * parsing the syncs, goes to @f, which writes it once the bind is done.
 */
static int vxp_bind_ufence(struct drm_device *drm,
			   const struct drm_xe_vm_bind *args,
			   const struct vxp_syncs *s, struct vxp_fence *f)
{
	/* xe_vm_bind_ioctl() disallows a user fence when nothing is bound. */
	if (VXP_IOCTL_DBG(drm, !args->num_binds && s->num_ufences))
		return -EOPNOTSUPP;
	/* xe_vm_bind_ioctl(): one user fence */
	if (VXP_IOCTL_DBG(drm, s->num_ufences > 1))
		return -EINVAL;
	if (!s->num_ufences)
		return 0;
	f->ufences = kmemdup(&s->ufence, sizeof(s->ufence), GFP_KERNEL);
	if (!f->ufences)
		return -ENOMEM;
	f->num_ufences = 1;
	f->mm = current->mm;
	mmgrab(f->mm);
	return 0;
}

/*
 * Binds that need not wait for the host.
 *
 * xe refuses a bind at once for reasons the guest cannot all see: its PAT
 * table and coherency rules, the BO's placement and compression, the VM's
 * size. What decides them is the bind's shape: the op, its flags, its PAT
 * index, whether it is 64 KiB aligned, and for a BO whether it is another
 * file's (an import on the host) and the VM of a VM-private one. So the
 * first bind of a shape waits for the host's answer, and once the host
 * accepted it, like binds of that BO (or, without a BO, of that VM) below
 * the highest end the VM accepted go out without waiting. Only single
 * binds on a VM that takes host fences, with plain flags, on the VM's
 * default queue or one of its bind queues: an array can fail for its size
 * (ENOBUFS), and an LR VM can be banned. A failure on the host then
 * signals the bind's fence with the error.
 */
#define VXP_SHAPE_VALID		BIT_ULL(63)
#define VXP_SHAPE_UNALIGNED	BIT_ULL(41)
#define VXP_SHAPE_FOREIGN	BIT_ULL(40)
#define VXP_SHAPE_ASYNC_FLAGS	(DRM_XE_VM_BIND_FLAG_READONLY |		\
				 DRM_XE_VM_BIND_FLAG_IMMEDIATE |	\
				 DRM_XE_VM_BIND_FLAG_NULL |		\
				 DRM_XE_VM_BIND_FLAG_DUMPABLE)

/* A shape matches itself, and an aligned bind one accepted unaligned. */
static bool vxp_shape_known(const u64 *shapes, u32 n, u64 shape)
{
	u32 i;
	u64 k;

	for (i = 0; i < n; i++) {
		k = READ_ONCE(shapes[i]);
		if (k == shape || k == (shape | VXP_SHAPE_UNALIGNED))
			return true;
	}
	return false;
}

static void vxp_shape_learn(u64 *shapes, u32 n, u64 shape)
{
	u32 i;

	if (vxp_shape_known(shapes, n, shape))
		return;
	for (i = 0; i < n; i++) {
		if (!READ_ONCE(shapes[i])) {
			WRITE_ONCE(shapes[i], shape);
			return;
		}
	}
	WRITE_ONCE(shapes[lower_32_bits(shape ^ (shape >> 32)) % n], shape);
}

/*
 * The shape of the single bind @op of @args on @vm, 0 when it must wait;
 * *@bop is set to the BO it maps (a reference) if it has one.
 */
static u64 vxp_bind_shape(struct drm_file *file, struct vxp_context *ctx,
			  struct vxp_vm *vm, const struct drm_xe_vm_bind *args,
			  const struct vxp_exec_queue *q, struct vxp_bo **bop)
{
	const struct drm_xe_vm_bind_op *op = &args->bind;
	u64 shape, end;
	struct vxp_bo *bo;

	*bop = NULL;
	if (!(ctx->vxp->features & XE_PROXY_F_ASYNC_EXEC) ||
	    !(ctx->vxp->features & XE_PROXY_F_VM_BIND_EXT) || vm->lr_mode ||
	    args->num_binds != 1 || (q && (!q->bind || q->vm != vm)) ||
	    (op->flags & ~VXP_SHAPE_ASYNC_FLAGS) || op->prefetch_mem_region_instance ||
	    (op->op != DRM_XE_VM_BIND_OP_MAP && op->op != DRM_XE_VM_BIND_OP_UNMAP &&
	     op->op != DRM_XE_VM_BIND_OP_MAP_USERPTR) ||
	    check_add_overflow(op->addr, op->range, &end))
		return 0;
	shape = VXP_SHAPE_VALID | op->op | (u64)op->flags << 8 |
		(u64)op->pat_index << 24;
	if (!IS_ALIGNED(op->addr | op->range | op->obj_offset, SZ_64K))
		shape |= VXP_SHAPE_UNALIGNED;
	if (op->op != DRM_XE_VM_BIND_OP_MAP || (op->flags & DRM_XE_VM_BIND_FLAG_NULL))
		return shape;
	bo = vxp_bo_lookup(file, op->obj);
	if (!bo)
		return 0;
	if (bo->ctx != ctx)
		shape |= VXP_SHAPE_FOREIGN;
	if (bo->vm_private)
		shape |= (u64)(vm->id & 0xfffff) << 42;
	*bop = bo;
	return shape;
}

/*
 * Whether the bind of @shape may go out without waiting; called under
 * @vm->lock, which orders what the VM learns with its binds.
 */
static bool vxp_bind_async(struct vxp_vm *vm, struct vxp_bo *bo, u64 shape,
			   const struct drm_xe_vm_bind_op *op)
{
	lockdep_assert_held(&vm->lock);
	if (!shape || op->addr + op->range > vm->bind_end)
		return false;
	return bo ? vxp_shape_known(bo->bind_shapes, VXP_BIND_SHAPES, shape) :
		    vxp_shape_known(vm->bind_shapes, VXP_VM_BIND_SHAPES, shape);
}

/* The host accepted a bind of @shape: like ones need not wait. */
static void vxp_bind_learn(struct vxp_vm *vm, struct vxp_bo *bo, u64 shape,
			   const struct drm_xe_vm_bind_op *op)
{
	lockdep_assert_held(&vm->lock);
	if (!shape)
		return;
	vm->bind_end = max(vm->bind_end, op->addr + op->range);
	if (bo)
		vxp_shape_learn(bo->bind_shapes, VXP_BIND_SHAPES, shape);
	else
		vxp_shape_learn(vm->bind_shapes, VXP_VM_BIND_SHAPES, shape);
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
	struct vxp_context *ctx;
	struct vxp_fence *f = NULL;
	struct vxp_syncs *s = NULL;
	struct vxp_exec_queue q;
	struct vxp_bo *bo = NULL;
	struct vxp_vm *vm;
	u32 i, ring = 0, queue_id = 0;
	bool async = false;
	u64 shape = 0;
	int ret;

	/* vm_bind_ioctl_check_args() checks num_syncs first of all counts */
	if (VXP_IOCTL_DBG(drm, args->extensions) ||
	    VXP_IOCTL_DBG(drm, args->pad || args->pad2) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]) ||
	    VXP_IOCTL_DBG(drm, args->num_syncs > DRM_XE_MAX_SYNCS) ||
	    VXP_IOCTL_DBG(drm, args->num_binds > VXP_MAX_BINDS))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	/* xe_vm_bind_ioctl(): an unknown VM is -EINVAL, unlike elsewhere */
	vm = vxp_vm_lookup(ctx, args->vm_id);
	if (VXP_IOCTL_DBG(drm, !vm))
		return -EINVAL;
	if (args->exec_queue_id) {
		if (VXP_IOCTL_DBG(drm, vxp_exec_queue_lookup(ctx, args->exec_queue_id,
							     &q, NULL))) {
			vxp_vm_put(vm);
			return -ENOENT;
		}
		queue_id = q.id;
		ring = q.ring;
	}

	/* num_binds == 0 only orders the syncs behind the queue (xe_vm.c). */
	ops = kvcalloc(max(args->num_binds, 1U), sizeof(*ops), GFP_KERNEL);
	ups = kvcalloc(max(args->num_binds, 1U), sizeof(*ups), GFP_KERNEL);
	s = kzalloc_obj(*s, GFP_KERNEL);
	f = vxp_fence_alloc(ctx, ring, (ctx->vxp->features & XE_PROXY_F_VM_BIND_EXT) &&
			    !vm->lr_mode);
	if (!ops || !ups || !s || !f) {
		ret = -ENOMEM;
		goto out;
	}
	ret = vxp_bind_ops_read(file, ctx, args, ops, ups);
	if (!ret)
		ret = vxp_syncs_parse(file, ctx, args->syncs, args->num_syncs,
				      vm->lr_mode ? VXP_SYNCS_LR : 0, s);
	if (!ret)
		ret = vxp_bind_ufence(drm, args, s, f);
	/* A bind waits for fences of others here, before it is ordered. */
	if (!ret)
		ret = vxp_syncs_wait(s);
	if (ret)
		goto out;
	if (f->host_id)
		shape = vxp_bind_shape(file, ctx, vm, args,
				       args->exec_queue_id ? &q : NULL, &bo);

	mutex_lock(&vm->lock);
	async = vxp_bind_async(vm, bo, shape, &args->bind);
	ret = vm->closed ? -ENOENT :
	      vxp_bind_send(ctx, vm->id, queue_id, ops, args->num_binds, s, f,
			    async);
	if (!ret && !async)
		vxp_bind_learn(vm, bo, shape, &args->bind);
	if (!ret) {
		vxp_syncs_signal(s, &f->base);
		vxp_bind_track_userptrs(vm, ops, ups, args->num_binds, &f->base);
		/*
		 * A base exec waits on the host for the last base bind's
		 * syncobj, which an LR VM has not: the guest waits instead.
		 */
		if (vm->lr_mode && !(ctx->vxp->features & XE_PROXY_F_VM_BIND_EXT))
			dma_fence_wait(&f->base, false);
	}
	mutex_unlock(&vm->lock);
out:
	for (i = 0; ret && ups && i < args->num_binds; i++)
		if (ups[i])
			vxp_userptr_release(ups[i], NULL, NULL);
	kvfree(ups);
	if (bo)
		drm_gem_object_put(&bo->base);
	vxp_fence_put(f);
	if (s)
		vxp_syncs_fini(s);
	kfree(s);
	kvfree(ops);
	vxp_vm_put(vm);
	return ret;
}
