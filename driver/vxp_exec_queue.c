// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: exec queues.
 *
 * The host driver allocates the ids; the guest keeps a table of them per
 * host context (ctx->queues) so it can answer what the wire does not carry
 * back (the base EXEC_QUEUE_DESTROY has no response) with the real
 * driver's errnos: -ENOENT for an unknown id, and
 * GET_PROPERTY(BAN) from the ban state the host publishes in shmem
 * (xe_exec_queue_get_property_ioctl()). Argument checks follow
 * xe_exec_queue.c in drivers/gpu/drm/xe.
 */
#include <linux/capability.h>
#include <linux/lockdep.h>
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
#include "vxp_ring.h"
#include "vxp_uapi.h"
#include "vxp_userptr.h"
#include "vxp_vm.h"

/* drivers/gpu/drm/xe: XE_HW_ENGINE_MAX_INSTANCE and MAX_USER_EXTENSIONS */
#define VXP_MAX_PLACEMENTS	64
#define VXP_MAX_EXTENSIONS	16

#ifdef DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT
#define VXP_QUEUE_FLAGS		DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT
#else
#define VXP_QUEUE_FLAGS		0
#endif

/*
 * Exec queue priorities (enum xe_exec_queue_priority in xe_exec_queue_types.h):
 * above NORMAL needs CAP_SYS_NICE in the guest, as on bare metal.
 */
#define VXP_QUEUE_PRIORITY_NORMAL	1
#define VXP_QUEUE_PRIORITY_HIGH		2

/**
 * vxp_exec_queue_max_priority() - the highest priority the caller may ask for
 *
 * As xe_exec_queue_device_get_max_priority(): HIGH with CAP_SYS_NICE,
 * NORMAL without.
 *
 * Return: the priority.
 */
u64 vxp_exec_queue_max_priority(void)
{
	return capable(CAP_SYS_NICE) ? VXP_QUEUE_PRIORITY_HIGH :
				       VXP_QUEUE_PRIORITY_NORMAL;
}

/* Read the set_property chain the way __exec_queue_user_extensions() does. */
static int vxp_exec_queue_properties(struct drm_device *drm, u64 extensions,
				     struct xe_proxy_exec_queue_property *props,
				     u32 *count)
{
	struct drm_xe_ext_set_property ext;

	*count = 0;
	while (extensions) {
		if (VXP_IOCTL_DBG(drm, *count >= VXP_MAX_EXTENSIONS))
			return -E2BIG;
		if (copy_from_user(&ext, u64_to_user_ptr(extensions), sizeof(ext)))
			return -EFAULT;
		/* exec_queue_user_ext_set_property() */
		if (VXP_IOCTL_DBG(drm, ext.base.pad) ||
		    VXP_IOCTL_DBG(drm, ext.base.name !=
				  DRM_XE_EXEC_QUEUE_EXTENSION_SET_PROPERTY) ||
		    VXP_IOCTL_DBG(drm, ext.pad || ext.reserved[0] ||
				  ext.reserved[1]))
			return -EINVAL;
		/* exec_queue_set_priority(): -EINVAL above HIGH, -EPERM above
		 * what the caller may ask for. The host decides the former.
		 */
		if (VXP_IOCTL_DBG(drm, ext.property ==
				  DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY &&
				  ext.value <= VXP_QUEUE_PRIORITY_HIGH &&
				  ext.value > vxp_exec_queue_max_priority()))
			return -EPERM;
		props[*count].property = cpu_to_le32(ext.property);
		props[*count].value = cpu_to_le64(ext.value);
		(*count)++;
		extensions = ext.base.next_extension;
	}
	return 0;
}

/* The queue @id of @ctx, or NULL; valid while ctx->ids_lock is held. */
static struct vxp_exec_queue *__vxp_exec_queue_find(struct vxp_context *ctx,
						    u32 id)
{
	lockdep_assert_held(&ctx->ids_lock);
	return xa_load(&ctx->queues, id);
}

/**
 * vxp_exec_queue_lookup() - find an exec queue of a context by id
 * @ctx: the context
 * @id: the exec_queue_id
 * @q: filled with a copy of the queue as it is now; its @vm names the
 *	queue's VM but holds no reference of its own
 * @vm: if not NULL, set to a reference to the queue's VM, taken under the
 *	lock so the VM cannot go before it is held; vxp_vm_put() it
 *
 * Exec queues have no reference count: EXEC_QUEUE_DESTROY frees one once
 * it has left ctx->queues. A caller therefore gets the queue's state (id,
 * ring, width, ban) as a copy rather than the queue. Takes ctx->ids_lock.
 *
 * Return: 0, or -ENOENT if @ctx has no such queue.
 */
int vxp_exec_queue_lookup(struct vxp_context *ctx, u32 id,
			  struct vxp_exec_queue *q, struct vxp_vm **vm)
{
	struct vxp_exec_queue *found;

	mutex_lock(&ctx->ids_lock);
	found = __vxp_exec_queue_find(ctx, id);
	if (found) {
		*q = *found;
		if (vm)
			*vm = vxp_vm_get(found->vm);
	}
	mutex_unlock(&ctx->ids_lock);
	return found ? 0 : -ENOENT;
}

/**
 * vxp_exec_queue_ban() - an exec on a queue failed as on a banned queue
 * @ctx: the context
 * @id: the exec_queue_id (nothing happens if it is gone)
 *
 * Later execs get -ECANCELED and GET_PROPERTY(BAN) says 1 without asking
 * the host. Takes ctx->ids_lock.
 */
void vxp_exec_queue_ban(struct vxp_context *ctx, u32 id)
{
	struct vxp_exec_queue *q;

	mutex_lock(&ctx->ids_lock);
	q = __vxp_exec_queue_find(ctx, id);
	if (q)
		q->banned = true;
	mutex_unlock(&ctx->ids_lock);
}

/*
 * A base-protocol host gave queue @id, which has no ring to retire on
 * (vxp_ring.c): drop it again. Returns -EOPNOTSUPP, or the transport's
 * errno.
 */
static int vxp_exec_queue_no_ring(struct vxp_context *ctx, u32 id)
{
	struct xe_proxy_ccmd_exec_queue_destroy_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_EXEC_QUEUE_DESTROY,
				    sizeof(req)),
		.exec_queue_id = cpu_to_le32(id),
	};
	int ret;

	drm_dbg(ctx->vxp->drm, "exec queue %u has no ring on a base-protocol host\n",
		id);
	ret = vxp_ccmd_send(ctx, &req.hdr, NULL, 0);
	return ret ? ret : -EOPNOTSUPP;
}

/*
 * The EXEC_QUEUE_CREATE(_EXT) request for @args with its @n placements
 * and @nprops properties, or NULL. The base command has the extended
 * one's layout with num_properties in its (zero) pad field, so one builder
 * serves both.
 */
static struct xe_proxy_ccmd_exec_queue_create_ext_req *
vxp_exec_queue_create_req(const struct drm_xe_exec_queue_create *args,
			  const struct drm_xe_engine_class_instance *eci, u32 n,
			  const struct xe_proxy_exec_queue_property *props,
			  u32 nprops)
{
	struct xe_proxy_ccmd_exec_queue_create_ext_req *req;
	struct xe_proxy_engine_class_instance *e;
	size_t len;
	u32 i;

	len = sizeof(*req) + n * sizeof(*e) + nprops * sizeof(props[0]);
	req = kzalloc(len, GFP_KERNEL);
	if (!req)
		return NULL;
	req->hdr = VXP_CCMD_HDR(nprops ? XE_PROXY_CCMD_EXEC_QUEUE_CREATE_EXT :
				XE_PROXY_CCMD_EXEC_QUEUE_CREATE, len);
	req->vm_id = cpu_to_le32(args->vm_id);
	req->flags = cpu_to_le32(args->flags);
	req->width = cpu_to_le16(args->width);
	req->num_placements = cpu_to_le16(args->num_placements);
	req->num_properties = cpu_to_le32(nprops);
	e = (void *)req->payload;
	for (i = 0; i < n; i++) {
		e[i].engine_class = cpu_to_le16(eci[i].engine_class);
		e[i].engine_instance = cpu_to_le16(eci[i].engine_instance);
		e[i].gt_id = cpu_to_le16(eci[i].gt_id);
	}
	memcpy(req->payload + n * sizeof(*e), props, nprops * sizeof(props[0]));
	return req;
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
	struct vxp_exec_queue *q;
	struct vxp_vm *vm;
	u32 n, nprops;
	int ret;

	/* xe_exec_queue_create_ioctl()'s checks */
	if (VXP_IOCTL_DBG(drm, args->flags & ~VXP_QUEUE_FLAGS) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]))
		return -EINVAL;
	n = (u32)args->width * args->num_placements;
	if (VXP_IOCTL_DBG(drm, !n || n > VXP_MAX_PLACEMENTS))
		return -EINVAL;
	if (copy_from_user(eci, u64_to_user_ptr(args->instances),
			   n * sizeof(eci[0])))
		return -EFAULT;
	ret = vxp_exec_queue_properties(drm, args->extensions, props, &nprops);
	if (ret)
		return ret;
	/* Without the extension the host cannot take properties. */
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (VXP_IOCTL_DBG(drm, nprops &&
			  !(ctx->vxp->features & XE_PROXY_F_EXEC_QUEUE_EXT)))
		return -EOPNOTSUPP;

	req = vxp_exec_queue_create_req(args, eci, n, props, nprops);
	q = kzalloc_obj(*q, GFP_KERNEL);
	if (!req || !q) {
		ret = -ENOMEM;
		goto out;
	}

	/* Counted from here on: an LR VM is busy for VM_DESTROY meanwhile. */
	mutex_lock(&ctx->ids_lock);
	vm = xa_load(&ctx->vms, args->vm_id);
	if (vm) {
		vxp_vm_get(vm);
		vm->num_queues++;
	}
	mutex_unlock(&ctx->ids_lock);
	if (VXP_IOCTL_DBG(drm, !vm)) {
		ret = -ENOENT;
		goto out;
	}
	ret = vxp_ccmd_send(ctx, &req->hdr, &rsp, sizeof(rsp));
	if (!ret && rsp.ret)
		ret = vxp_rsp_errno(rsp.ret);
	if (!ret && le32_to_cpu(rsp.exec_queue_id) > VXP_BASE_MAX_QUEUE_ID &&
	    !(ctx->vxp->features & XE_PROXY_F_EXEC_EXT))
		ret = vxp_exec_queue_no_ring(ctx, le32_to_cpu(rsp.exec_queue_id));
	if (!ret) {
		q->id = le32_to_cpu(rsp.exec_queue_id);
		q->vm = vm;
		q->ring = vxp_ring_of_queue(ctx, q->id);
		q->width = args->width;
		q->lr = vm->lr_mode;
		q->bind = eci[0].engine_class == DRM_XE_ENGINE_CLASS_VM_BIND;
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
	struct vxp_context *ctx;
	struct vxp_exec_queue *q;

	if (VXP_IOCTL_DBG(drm, args->pad) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&ctx->ids_lock);
	q = xa_erase(&ctx->queues, args->exec_queue_id);
	mutex_unlock(&ctx->ids_lock);
	if (VXP_IOCTL_DBG(drm, !q))
		return -ENOENT;
	return vxp_exec_queue_close(ctx, q);
}

/**
 * vxp_exec_queue_close() - destroy a queue already out of ctx->queues
 * @ctx: its context
 * @q: the queue, erased from @ctx->queues by the caller; freed here
 *
 * The host destroys it (xe kills it: jobs not run yet never run); its VM
 * reference goes after that. Sleeps; not with ctx->ids_lock held.
 *
 * Return: 0 or the errno of sending the destroy.
 */
int vxp_exec_queue_close(struct vxp_context *ctx, struct vxp_exec_queue *q)
{
	struct xe_proxy_ccmd_exec_queue_destroy_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_EXEC_QUEUE_DESTROY,
				    sizeof(req)),
		.exec_queue_id = cpu_to_le32(q->id),
	};
	int ret;

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
static bool vxp_exec_queue_host_banned(struct vxp_context *ctx, u32 id,
				       bool *known)
{
	struct xe_proxy_shmem *sh = ctx->shmem;
	u32 off = ctx->rsp_mem_offset;

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
 * vxp_exec_queue_ban_published() - whether the host published a ban of @id
 * @ctx: the context
 * @id: the exec_queue_id
 *
 * A job that hung or faulted, or an exec that failed on the host after its
 * ioctl returned (XE_PROXY_EXEC_FLAG_ASYNC): no round trip, no lock. Only
 * a host with XE_PROXY_F_ASYNC_EXEC clears the bit when a new queue reuses
 * the id, so only its bits are trusted here.
 *
 * Return: true if the shared memory says @id is banned.
 */
bool vxp_exec_queue_ban_published(struct vxp_context *ctx, u32 id)
{
	bool known;

	return (ctx->vxp->features & XE_PROXY_F_ASYNC_EXEC) &&
	       vxp_exec_queue_host_banned(ctx, id, &known);
}

/*
 * Ask the host driver whether queue @id is banned (one round trip) and
 * remember a ban. Needs XE_PROXY_F_EXEC_QUEUE_EXT.
 */
static int vxp_exec_queue_ask_ban(struct vxp_context *ctx, u32 id, u64 *value)
{
	struct xe_proxy_ccmd_exec_queue_get_property_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_EXEC_QUEUE_GET_PROPERTY,
				    sizeof(req)),
		.exec_queue_id = cpu_to_le32(id),
		.property = cpu_to_le32(DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN),
	};
	struct xe_proxy_ccmd_value_rsp rsp;
	int ret;

	ret = vxp_ccmd_send(ctx, &req.hdr, &rsp, sizeof(rsp));
	if (!ret && rsp.ret)
		ret = vxp_rsp_errno(rsp.ret);
	if (ret)
		return ret;
	*value = le64_to_cpu(rsp.value);
	if (*value)
		vxp_exec_queue_ban(ctx, id);
	return 0;
}

/**
 * vxp_exec_queue_is_banned() - whether an exec queue is banned now
 * @ctx: the context
 * @id: the exec_queue_id
 * @ask_host: for a queue of a long-running VM that is not known to be
 *	banned, ask the host driver (one round trip)
 *
 * Banned when an exec on it was refused as banned, or when the host has
 * published the ban in shmem (a batch that faulted or hung, noticed when
 * its job retired). The host never sees a job of a long-running VM
 * retire, so such a queue's ban is only known by asking. Takes
 * ctx->ids_lock.
 *
 * Return: 1 if banned, 0 if not, -ENOENT if there is no such queue.
 */
int vxp_exec_queue_is_banned(struct vxp_context *ctx, u32 id, bool ask_host)
{
	struct vxp_exec_queue q;
	bool known;
	u64 value;

	if (vxp_exec_queue_lookup(ctx, id, &q, NULL))
		return -ENOENT;
	if (q.banned || vxp_exec_queue_host_banned(ctx, q.id, &known))
		return 1;
	if (!ask_host || !q.lr ||
	    !(ctx->vxp->features & XE_PROXY_F_EXEC_QUEUE_EXT))
		return 0;
	return !vxp_exec_queue_ask_ban(ctx, q.id, &value) && value;
}

/**
 * vxp_exec_queue_get_property_ioctl() - DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY
 * @drm: the device
 * @data: struct drm_xe_exec_queue_get_property
 * @file: the caller
 *
 * BAN comes from the host's shmem state when it has it, else (and for a
 * queue of a long-running VM not known to be banned) one round trip.
 *
 * Return: 0 or a negative errno.
 */
int vxp_exec_queue_get_property_ioctl(struct drm_device *drm, void *data,
				      struct drm_file *file)
{
	struct drm_xe_exec_queue_get_property *args = data;
	struct vxp_context *ctx;
	bool known = false, banned = false;
	struct vxp_exec_queue q;

	if (VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	if (VXP_IOCTL_DBG(drm, vxp_exec_queue_lookup(ctx, args->exec_queue_id,
						     &q, NULL)))
		return -ENOENT;
	if (VXP_IOCTL_DBG(drm, args->property != DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN))
		return -EINVAL;
	banned = vxp_exec_queue_host_banned(ctx, q.id, &known) || q.banned;
	known = banned || (known && !q.lr);

	if (known || !(ctx->vxp->features & XE_PROXY_F_EXEC_QUEUE_EXT)) {
		args->value = banned;
		return 0;
	}
	return vxp_exec_queue_ask_ban(ctx, q.id, &args->value);
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
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY,
				    sizeof(req)),
		.exec_queue_id = cpu_to_le32(args->exec_queue_id),
		.property = cpu_to_le32(args->property),
		.value = cpu_to_le64(args->value),
	};
	struct xe_proxy_ccmd_status_rsp rsp;
	struct vxp_exec_queue q;
	struct vxp_context *ctx;
	int ret;

	if (VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]) ||
	    VXP_IOCTL_DBG(drm, args->property !=
			  DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (VXP_IOCTL_DBG(drm, !(ctx->vxp->features &
				 XE_PROXY_F_QUEUE_SET_PROPERTY)))
		return -EOPNOTSUPP;
	if (VXP_IOCTL_DBG(drm, vxp_exec_queue_lookup(ctx, args->exec_queue_id,
						     &q, NULL)))
		return -ENOENT;
	/* A queue destroyed meanwhile is the host's -ENOENT. */
	ret = vxp_ccmd_send(ctx, &req.hdr, &rsp, sizeof(rsp));
	if (!ret && rsp.ret)
		ret = vxp_rsp_errno(rsp.ret);
	return ret;
}
