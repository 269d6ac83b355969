/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: VMs as the guest tracks them (vxp_vm.c).
 *
 * A VM's lock is the outermost of a context's locks; DOC: locking in
 * vxp_drv.h has them all and their order.
 */
#ifndef VXP_VM_H
#define VXP_VM_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct drm_device;
struct drm_file;
struct vxp_context;
struct vxp_syncs;

#define VXP_VM_BIND_SHAPES	8

/**
 * struct vxp_vm - a VM of a host context
 * @ref: held by the context's VM table until VM_DESTROY, by each exec
 *	queue on the VM, and by ioctls using it outside ctx->ids_lock
 * @lock: serialises the VM's binds and execs with its userptr state, as
 *	xe's vm->lock does: held from a bind's submission to the update of
 *	@userptrs it implies, and from the revalidation of @userptrs to the
 *	exec that depends on it, host round trips and fence waits included
 * @id: the host driver's vm_id
 * @lr: in preempt-fence mode (LR_MODE without FAULT_MODE)
 * @lr_mode: long-running (LR_MODE, with or without FAULT_MODE): its work
 *	takes no syncobj signal, its fences say little (vxp_vm.c)
 * @closed: VM_DESTROY was sent; no more binds (@lock)
 * @num_queues: exec queues created on it and not destroyed (ctx->ids_lock)
 * @userptrs: struct vxp_userptr bound in it (@lock)
 * @exec_fences: last exec fence per queue, kept while @userptrs is not
 *	empty (queue id, or a key above them for destroyed queues) (@lock)
 * @num_exec_fences: entries in @exec_fences (@lock)
 * @bind_shapes: shapes of binds without a BO that the host accepted
 *	(vxp_vm.c) (@lock)
 * @bind_end: the highest end of a bind the host accepted: xe's range
 *	check passes below it (@lock)
 */
struct vxp_vm {
	struct kref ref;
	struct mutex lock; /* protects closed, userptrs, exec_fences */
	u32 id;
	bool lr;
	bool lr_mode;
	bool closed;
	u32 num_queues;
	struct list_head userptrs;
	struct xarray exec_fences;
	u32 num_exec_fences;
	u64 bind_shapes[VXP_VM_BIND_SHAPES];
	u64 bind_end;
};

int vxp_vm_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int vxp_vm_destroy_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vxp_vm_close(struct vxp_context *ctx, struct vxp_vm *vm);
int vxp_vm_bind_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vxp_vm_userptrs_revalidate(struct vxp_context *ctx, struct vxp_vm *vm,
			       struct vxp_syncs *s);
struct vxp_vm *vxp_vm_lookup(struct vxp_context *ctx, u32 id);
struct vxp_vm *vxp_vm_get(struct vxp_vm *vm);
void vxp_vm_put(struct vxp_vm *vm);

#endif /* VXP_VM_H */
