// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: VMs and exec queues.
 *
 * The host driver allocates the ids; the guest keeps a table of them per
 * host context so it can answer what the wire does not carry back (the base
 * VM_DESTROY and EXEC_QUEUE_DESTROY have no response) with the real
 * driver's errnos: -ENOENT for an unknown id, -EBUSY for a long-running VM
 * that still has exec queues (xe_vm_destroy_ioctl() counts the queues of
 * preempt-fence, i.e. LR, VMs only), and GET_PROPERTY(BAN) from the ban
 * state the host publishes in shmem (xe_exec_queue_get_property_ioctl()).
 * Argument checks follow xe_vm.c and xe_exec_queue.c.
 */
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vxp_ccmd.h"
#include "vxp_drv.h"
#include "vxp_file.h"
#include "vxp_uapi.h"
#include "vxp_userptr.h"
#include "vxp_vm.h"

/* drivers/gpu/drm/xe: XE_HW_ENGINE_MAX_INSTANCE and MAX_USER_EXTENSIONS */
#define VXP_MAX_PLACEMENTS	64
#define VXP_MAX_EXTENSIONS	16

#define VXP_VM_CREATE_FLAGS (DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE |	\
			     DRM_XE_VM_CREATE_FLAG_LR_MODE |		\
			     DRM_XE_VM_CREATE_FLAG_FAULT_MODE |		\
			     VXP_VM_NO_VM_OVERCOMMIT)
#ifdef DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT
#define VXP_QUEUE_FLAGS		DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT
#else
#define VXP_QUEUE_FLAGS		0
#endif
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

/* Read the set_property chain the way __exec_queue_user_extensions() does. */
static int vxp_queue_properties(u64 extensions,
				struct xe_proxy_exec_queue_property *props,
				u32 *count)
{
	struct drm_xe_ext_set_property ext;

	*count = 0;
	while (extensions) {
		if (*count >= VXP_MAX_EXTENSIONS)
			return -E2BIG;
		if (copy_from_user(&ext, u64_to_user_ptr(extensions), sizeof(ext)))
			return -EFAULT;
		if (ext.base.pad ||
		    ext.base.name != DRM_XE_EXEC_QUEUE_EXTENSION_SET_PROPERTY ||
		    ext.pad || ext.reserved[0] || ext.reserved[1])
			return -EINVAL;
		/* exec_queue_set_priority(): -EINVAL above HIGH, -EPERM above
		 * what the caller may ask for. The host decides the former.
		 */
		if (ext.property == DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY &&
		    ext.value <= VXP_QUEUE_PRIORITY_HIGH &&
		    ext.value > vxp_max_queue_priority())
			return -EPERM;
		props[*count].property = cpu_to_le32(ext.property);
		props[*count].value = cpu_to_le64(ext.value);
		(*count)++;
		extensions = ext.base.next_extension;
	}
	return 0;
}

/* Which ring the queue's base-protocol work retires on (the host's rule). */
static u32 vxp_queue_ring(u32 id)
{
	return id < 63 ? id + 1 : 1 + id % 63;
}

/**
 * vxp_exec_queue_create_ioctl() - DRM_IOCTL_XE_EXEC_QUEUE_CREATE
 * @drm: the device
 * @data: struct drm_xe_exec_queue_create
 * @file: the caller
 *
 * Return: 0 or a negative errno.
 */
int vxp_exec_queue_create_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct drm_xe_exec_queue_create *args = data;
	struct xe_proxy_exec_queue_property props[VXP_MAX_EXTENSIONS];
	struct drm_xe_engine_class_instance eci[VXP_MAX_PLACEMENTS];
	struct xe_proxy_ccmd_exec_queue_create_ext_req *req;
	struct xe_proxy_ccmd_exec_queue_create_rsp rsp;
	struct vxp_context *ctx;
	struct vxp_queue *q;
	struct vxp_vm *vm;
	u32 i, n, nprops;
	size_t len;
	int ret;

	if ((args->flags & ~VXP_QUEUE_FLAGS) ||
	    args->reserved[0] || args->reserved[1])
		return -EINVAL;
	n = (u32)args->width * args->num_placements;
	if (!n || n > VXP_MAX_PLACEMENTS)
		return -EINVAL;
	if (copy_from_user(eci, u64_to_user_ptr(args->instances),
			   n * sizeof(eci[0])))
		return -EFAULT;
	ret = vxp_queue_properties(args->extensions, props, &nprops);
	if (ret)
		return ret;
	/* Without the extension the host cannot take properties. */
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (nprops && !(ctx->vxp->features & XE_PROXY_F_EXEC_QUEUE_EXT))
		return -EOPNOTSUPP;

	len = sizeof(*req) + n * sizeof(struct xe_proxy_engine_class_instance) +
	      nprops * sizeof(props[0]);
	req = kzalloc(len, GFP_KERNEL);
	q = kzalloc_obj(*q, GFP_KERNEL);
	if (!req || !q) {
		ret = -ENOMEM;
		goto out;
	}
	/*
	 * The base command has the extended one's layout with num_properties
	 * in its (zero) pad field, so one builder serves both.
	 */
	req->hdr.cmd = cpu_to_le32(nprops ? XE_PROXY_CCMD_EXEC_QUEUE_CREATE_EXT :
				   XE_PROXY_CCMD_EXEC_QUEUE_CREATE);
	req->hdr.len = cpu_to_le32(len);
	req->vm_id = cpu_to_le32(args->vm_id);
	req->flags = cpu_to_le32(args->flags);
	req->width = cpu_to_le16(args->width);
	req->num_placements = cpu_to_le16(args->num_placements);
	req->num_properties = cpu_to_le32(nprops);
	for (i = 0; i < n; i++) {
		struct xe_proxy_engine_class_instance *e =
			(void *)(req->payload + i * sizeof(*e));

		e->engine_class = cpu_to_le16(eci[i].engine_class);
		e->engine_instance = cpu_to_le16(eci[i].engine_instance);
		e->gt_id = cpu_to_le16(eci[i].gt_id);
	}
	memcpy(req->payload + n * sizeof(struct xe_proxy_engine_class_instance),
	       props, nprops * sizeof(props[0]));

	/* Counted from here on: an LR VM is busy for VM_DESTROY meanwhile. */
	mutex_lock(&ctx->ids_lock);
	vm = xa_load(&ctx->vms, args->vm_id);
	if (vm) {
		vxp_vm_get(vm);
		vm->num_queues++;
	}
	mutex_unlock(&ctx->ids_lock);
	if (!vm) {
		ret = -ENOENT;
		goto out;
	}
	ret = vxp_ccmd_send(ctx, &req->hdr, &rsp, sizeof(rsp));
	if (!ret && rsp.ret)
		ret = vxp_rsp_errno(rsp.ret);
	if (!ret) {
		q->id = le32_to_cpu(rsp.exec_queue_id);
		q->vm = vm;
		q->ring = vxp_queue_ring(q->id);
		q->width = args->width;
		args->exec_queue_id = q->id;
	}
	mutex_lock(&ctx->ids_lock);
	if (!ret && xa_insert(&ctx->queues, q->id, q, GFP_KERNEL)) {
		drm_err_ratelimited(drm, "host returned queue id %u twice\n", q->id);
		ret = -EPROTO;
	}
	if (ret)
		vm->num_queues--;
	mutex_unlock(&ctx->ids_lock);
	if (ret)
		vxp_vm_put(vm);
	else
		q = NULL;
out:
	kfree(q);
	kfree(req);
	return ret;
}

/**
 * vxp_exec_queue_destroy_ioctl() - DRM_IOCTL_XE_EXEC_QUEUE_DESTROY
 * @drm: the device
 * @data: struct drm_xe_exec_queue_destroy
 * @file: the caller
 *
 * The queue leaves the table first, so no new exec finds it; an exec
 * already past that has noted its fence on the VM when the VM's lock is
 * free again, and the fence is kept there until it signals.
 *
 * Return: 0, -EINVAL or -ENOENT.
 */
int vxp_exec_queue_destroy_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_xe_exec_queue_destroy *args = data;
	struct xe_proxy_ccmd_exec_queue_destroy_req req = {
		.hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_EXEC_QUEUE_DESTROY),
		.hdr.len = cpu_to_le32(sizeof(req)),
		.exec_queue_id = cpu_to_le32(args->exec_queue_id),
	};
	struct vxp_context *ctx;
	struct vxp_queue *q;
	int ret;

	if (args->pad || args->reserved[0] || args->reserved[1])
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&ctx->ids_lock);
	q = xa_erase(&ctx->queues, args->exec_queue_id);
	mutex_unlock(&ctx->ids_lock);
	if (!q)
		return -ENOENT;

	mutex_lock(&q->vm->lock);
	vxp_vm_forget_queue(q->vm, q->id);
	mutex_unlock(&q->vm->lock);
	ret = vxp_ccmd_send(ctx, &req.hdr, NULL, 0);
	/* Only now may an LR VM go (xe_vm_destroy_ioctl() -EBUSY). */
	mutex_lock(&ctx->ids_lock);
	q->vm->num_queues--;
	mutex_unlock(&ctx->ids_lock);
	vxp_vm_put(q->vm);
	kfree(q);
	return ret;
}

/* The host publishes bans in shmem; read the bit for @id if it has room. */
static bool vxp_queue_banned(struct vxp_context *ctx, u32 id, bool *known)
{
	struct xe_proxy_shmem *sh = ctx->shmem;
	u32 off = le32_to_cpu(READ_ONCE(sh->rsp_mem_offset));

	*known = false;
	if ((ctx->vxp->features & XE_PROXY_F_QUEUE_STATE) &&
	    id < XE_PROXY_BAN_BITMAP_BITS &&
	    off >= offsetofend(struct xe_proxy_shmem, ban_bitmap)) {
		*known = true;
		return le64_to_cpu(READ_ONCE(sh->ban_bitmap[id / 64])) &
		       BIT_ULL(id % 64);
	}
	if (id < 64 && off >= offsetofend(struct xe_proxy_shmem,
					  banned_exec_queue_mask)) {
		*known = true;
		return le64_to_cpu(READ_ONCE(sh->banned_exec_queue_mask)) &
		       BIT_ULL(id);
	}
	return false;
}

/**
 * vxp_queue_is_banned() - whether an exec queue is banned now
 * @ctx: the context
 * @id: the exec_queue_id
 *
 * Banned when an exec on it was refused as banned, or when the host has
 * published the ban in shmem (a batch that faulted or hung, noticed when
 * its job retired). Takes ctx->ids_lock.
 *
 * Return: 1 if banned, 0 if not, -ENOENT if there is no such queue.
 */
int vxp_queue_is_banned(struct vxp_context *ctx, u32 id)
{
	struct vxp_queue *q;
	bool known;
	int ret;

	mutex_lock(&ctx->ids_lock);
	q = xa_load(&ctx->queues, id);
	if (!q)
		ret = -ENOENT;
	else
		ret = q->banned || vxp_queue_banned(ctx, q->id, &known);
	mutex_unlock(&ctx->ids_lock);
	return ret;
}

/**
 * vxp_exec_queue_get_property_ioctl() - DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY
 * @drm: the device
 * @data: struct drm_xe_exec_queue_get_property
 * @file: the caller
 *
 * BAN comes from the host's shmem state when it has it, else one round trip.
 *
 * Return: 0 or a negative errno.
 */
int vxp_exec_queue_get_property_ioctl(struct drm_device *drm, void *data,
				      struct drm_file *file)
{
	struct drm_xe_exec_queue_get_property *args = data;
	struct xe_proxy_ccmd_exec_queue_get_property_req req = {
		.hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_EXEC_QUEUE_GET_PROPERTY),
		.hdr.len = cpu_to_le32(sizeof(req)),
		.exec_queue_id = cpu_to_le32(args->exec_queue_id),
		.property = cpu_to_le32(args->property),
	};
	struct xe_proxy_ccmd_value_rsp rsp;
	struct vxp_context *ctx;
	bool known = false, banned = false;
	struct vxp_queue *q;
	int ret;

	if (args->reserved[0] || args->reserved[1])
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&ctx->ids_lock);
	q = xa_load(&ctx->queues, args->exec_queue_id);
	if (!q) {
		ret = -ENOENT;
	} else if (args->property != DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN) {
		ret = -EINVAL;
	} else {
		banned = vxp_queue_banned(ctx, q->id, &known) || q->banned;
		known |= q->banned;
		ret = 0;
	}
	mutex_unlock(&ctx->ids_lock);
	if (ret)
		return ret;

	if (known || !(ctx->vxp->features & XE_PROXY_F_EXEC_QUEUE_EXT)) {
		args->value = banned;
		return 0;
	}
	ret = vxp_ccmd_send(ctx, &req.hdr, &rsp, sizeof(rsp));
	if (!ret && rsp.ret)
		ret = vxp_rsp_errno(rsp.ret);
	if (!ret)
		args->value = le64_to_cpu(rsp.value);
	return ret;
}

/**
 * vxp_exec_queue_set_property_ioctl() - DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY
 * @drm: the device
 * @data: struct drm_xe_exec_queue_set_property
 * @file: the caller
 *
 * Checked in xe_exec_queue_set_property_ioctl()'s order (reserved, the one
 * property it takes, the queue), then forwarded.
 *
 * Return: 0 or a negative errno.
 */
int vxp_exec_queue_set_property_ioctl(struct drm_device *drm, void *data,
				      struct drm_file *file)
{
	struct drm_xe_exec_queue_set_property *args = data;
	struct xe_proxy_ccmd_exec_queue_set_property_req req = {
		.hdr.cmd = cpu_to_le32(XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY),
		.hdr.len = cpu_to_le32(sizeof(req)),
		.exec_queue_id = cpu_to_le32(args->exec_queue_id),
		.property = cpu_to_le32(args->property),
		.value = cpu_to_le64(args->value),
	};
	struct xe_proxy_ccmd_status_rsp rsp;
	struct vxp_context *ctx;
	int ret;

	if (args->reserved[0] || args->reserved[1] ||
	    args->property != DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY)
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (!(ctx->vxp->features & XE_PROXY_F_QUEUE_SET_PROPERTY))
		return -EOPNOTSUPP;
	mutex_lock(&ctx->ids_lock);
	ret = xa_load(&ctx->queues, args->exec_queue_id) ? 0 : -ENOENT;
	mutex_unlock(&ctx->ids_lock);
	if (ret)
		return ret;
	/* A queue destroyed meanwhile is the host's -ENOENT. */
	ret = vxp_ccmd_send(ctx, &req.hdr, &rsp, sizeof(rsp));
	if (!ret && rsp.ret)
		ret = vxp_rsp_errno(rsp.ret);
	return ret;
}

/**
 * vxp_context_ids_fini() - free the id tables of a context
 * @ctx: the context, being destroyed; nothing else uses it
 */
void vxp_context_ids_fini(struct vxp_context *ctx)
{
	struct vxp_queue *q;
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
