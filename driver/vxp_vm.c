// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: VMs.
 *
 * The host driver allocates the ids; the guest keeps a table of them per
 * host context (ctx->vms) so it can answer what the wire does not carry
 * back (the base VM_DESTROY has no response) with the real driver's
 * errnos: -ENOENT for an unknown id, -EBUSY for a long-running VM that
 * still has exec queues (xe_vm_destroy_ioctl() counts the queues of
 * preempt-fence, i.e. LR, VMs only). Argument checks follow xe_vm.c.
 */
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vxp_ccmd.h"
#include "vxp_drv.h"
#include "vxp_exec_queue.h"
#include "vxp_file.h"
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
		.hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_VM_CREATE),
		.hdr.len = cpu_to_le32(sizeof(req)),
	};
	struct xe_proxy_ccmd_vm_create_rsp rsp;
	struct vxp_context *ctx;
	struct vxp_vm *vm;
	int ret;

	if (args->extensions || args->reserved[0] || args->reserved[1] ||
	    (args->flags & ~VXP_VM_CREATE_FLAGS))
		return -EINVAL;
	/* FAULT_MODE needs LR_MODE; NO_VM_OVERCOMMIT needs FAULT_MODE. */
	if (((args->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
	     !(args->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE)) ||
	    ((args->flags & VXP_VM_NO_VM_OVERCOMMIT) &&
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
	struct xe_proxy_ccmd_vm_destroy_req req = {
		.hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_VM_DESTROY),
		.hdr.len = cpu_to_le32(sizeof(req)),
		.vm_id = cpu_to_le32(args->vm_id),
	};
	struct vxp_context *ctx;
	struct vxp_vm *vm;
	int ret;

	if (args->pad || args->reserved[0] || args->reserved[1])
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&ctx->ids_lock);
	vm = xa_load(&ctx->vms, args->vm_id);
	if (!vm)
		ret = -ENOENT;
	else if (vm->lr && vm->num_queues)
		ret = -EBUSY;
	else
		ret = 0;
	if (!ret)
		xa_erase(&ctx->vms, args->vm_id);
	mutex_unlock(&ctx->ids_lock);
	if (ret)
		return ret;

	mutex_lock(&vm->lock);
	vm->closed = true;
	ret = vxp_ccmd_send(ctx, &req.hdr, NULL, 0);
	vxp_vm_userptrs_fini(vm);
	mutex_unlock(&vm->lock);
	vxp_vm_put(vm);
	return ret;
}

/**
 * vxp_context_ids_fini() - free the id tables of a context
 * @ctx: the context, being destroyed; nothing else uses it
 */
void vxp_context_ids_fini(struct vxp_context *ctx)
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

/**
 * vxp_context_userptrs_fini() - the DRM file of @ctx was closed
 * @ctx: the context
 *
 * Releases its userptrs and the exec fences kept for them: those fences
 * hold @ctx, so they must go before the last reference can. VMs already
 * destroyed released theirs then.
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
