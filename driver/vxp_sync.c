// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the syncs of EXEC and VM_BIND.
 *
 * An in-sync that is one of this context's own unsignalled fences becomes
 * a host fence dependency, so the guest CPU never waits for its own work;
 * foreign fences (and ours the host cannot name yet) are collected: an
 * exec goes out once they signalled, without the caller waiting
 * (vxp_ccmd_send_async()), anything else waits for them here first. Bind user fences point into
 * the submitter's memory, which only the guest can write, so the guest
 * writes them; exec user fences are GPU addresses and go to the host.
 *
 * Argument checks and errnos follow xe_sync.c in drivers/gpu/drm/xe.
 */
#include <linux/dma-fence-chain.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>
#include <uapi/drm/xe_drm.h>

#include "vxp_context.h"
#include "vxp_drv.h"
#include "vxp_fence.h"
#include "vxp_sync.h"

/**
 * vxp_syncs_fini() - release what vxp_syncs_parse() took
 * @s: the syncs; reusable afterwards
 */
void vxp_syncs_fini(struct vxp_syncs *s)
{
	u32 i;

	for (i = 0; i < s->num_out; i++) {
		dma_fence_chain_free(s->out[i].chain);
		drm_syncobj_put(s->out[i].syncobj);
	}
	s->num_out = 0;
	kvfree(s->out);
	s->out = NULL;
	for (i = 0; i < s->num_deps; i++)
		dma_fence_put(s->deps[i]);
	s->num_deps = 0;
	kvfree(s->deps);
	s->deps = NULL;
	for (i = 0; i < s->num_pinned; i++) {
		vxp_fence_unpin_host_id(s->pinned[i]);
		dma_fence_put(&s->pinned[i]->base);
	}
	s->num_pinned = 0;
}

/*
 * Make the submission depend on @fence: nothing if it signalled, a host
 * wait if it is ours, already sent, and the command has room for one more
 * (VXP_MAX_WIRE_WAITS), else a dependency in @s->deps.
 */
static int vxp_syncs_depend(struct vxp_context *ctx, struct vxp_syncs *s,
			    struct dma_fence *fence)
{
	struct vxp_fence *own;

	if (dma_fence_is_signaled(fence))
		return 0;
	own = vxp_fence_of_ctx(fence, ctx);
	if (own && own->host_id && vxp_fence_sent(own) &&
	    s->num_pinned < VXP_MAX_WIRE_WAITS) {
		/* it signalled meanwhile: done, whatever its error */
		if (!vxp_fence_pin_host_id(own))
			return 0;
		dma_fence_get(fence);
		s->pinned[s->num_pinned++] = own;
		s->wire[s->num_wire++] = (struct xe_proxy_sync){
			.type = cpu_to_le32(XE_PROXY_SYNC_HOST_FENCE),
			.fence_id = cpu_to_le64(own->host_id),
		};
		return 0;
	}
	s->deps[s->num_deps++] = dma_fence_get(fence);
	return 0;
}

/**
 * vxp_syncs_add_host_wait() - make a submission wait on the host for one
 *	of its context's fences
 * @s: the submission's syncs
 * @f: a fence of the same context, whose submission went out
 *
 * For a dependency the driver adds itself (a userptr rebind before an
 * exec): named on the wire and pinned as an in-sync of our own is.
 *
 * Return: true if the submission now waits for @f on the host, or @f has
 * signalled; false when it cannot (no host fence, no room): the caller
 * waits itself.
 */
bool vxp_syncs_add_host_wait(struct vxp_syncs *s, struct vxp_fence *f)
{
	if (dma_fence_is_signaled(&f->base))
		return true;
	if (!f->host_id || !vxp_fence_sent(f) ||
	    s->num_pinned >= VXP_MAX_WIRE_WAITS)
		return false;
	if (!vxp_fence_pin_host_id(f))
		return true;
	dma_fence_get(&f->base);
	s->pinned[s->num_pinned++] = f;
	s->wire[s->num_wire++] = (struct xe_proxy_sync){
		.type = cpu_to_le32(XE_PROXY_SYNC_HOST_FENCE),
		.fence_id = cpu_to_le64(f->host_id),
	};
	return true;
}

/**
 * vxp_syncs_wait() - wait for the in-syncs the host cannot wait for
 * @s: syncs read by vxp_syncs_parse()
 *
 * For submissions that go out at once: the CPU waits for @s->deps, which
 * are dropped once signalled. A dependency that signalled with an error
 * (a job that hung or faulted) is waited for like any other: xe's
 * scheduler runs a job once its dependencies signalled, whatever their
 * error (drm_sched_job_dependency()).
 *
 * Return: 0, or -ERESTARTSYS if interrupted.
 */
int vxp_syncs_wait(struct vxp_syncs *s)
{
	long ret;

	while (s->num_deps) {
		ret = dma_fence_wait(s->deps[s->num_deps - 1], true);
		if (ret < 0)
			return ret;
		dma_fence_put(s->deps[--s->num_deps]);
	}
	return 0;
}

/**
 * vxp_syncs_parse() - read the drm_xe_sync array of an EXEC or VM_BIND
 * @file: the caller, whose syncobj handles the syncs name
 * @ctx: its host context
 * @uptr: user address of the array
 * @num: entries in it
 * @flags: VXP_SYNCS_EXEC for an exec (its user fence goes to the host)
 *	rather than a bind (the guest writes it); VXP_SYNCS_LR on a
 *	long-running VM, which takes no syncobj signal
 * @s: zeroed syncs to fill; vxp_syncs_fini() them whatever this returns
 *
 * Reads @num syncs as xe_sync_entry_parse() does, up to DRM_XE_MAX_SYNCS
 * as xe_exec_ioctl() and xe_vm_bind_ioctl() take. In-syncs become host
 * fence waits or dependencies (@s->deps, see vxp_syncs_wait()), never
 * waited for here. Only the first user fence is kept:
 * the callers refuse more, as those do after parsing.
 *
 * Return: 0 or a negative errno, as xe_sync_entry_parse()'s.
 */
int vxp_syncs_parse(struct drm_file *file, struct vxp_context *ctx, u64 uptr,
		    u32 num, u32 flags, struct vxp_syncs *s)
{
	struct drm_xe_sync __user *user = u64_to_user_ptr(uptr);
	struct drm_xe_sync in;
	struct dma_fence *fence;
	struct drm_syncobj *so;
	bool signal;
	u32 i;
	int ret;

	if (VXP_IOCTL_DBG(ctx->vxp, num > DRM_XE_MAX_SYNCS))
		return -EINVAL;
	if (num) {
		s->out = kvcalloc(num, sizeof(*s->out), GFP_KERNEL);
		s->deps = kvcalloc(num, sizeof(*s->deps), GFP_KERNEL);
		if (!s->out || !s->deps)
			return -ENOMEM;
	}
	for (i = 0; i < num; i++) {
		if (copy_from_user(&in, &user[i], sizeof(in)))
			return -EFAULT;
		if (VXP_IOCTL_DBG(ctx->vxp, in.flags & ~DRM_XE_SYNC_FLAG_SIGNAL) ||
		    VXP_IOCTL_DBG(ctx->vxp, in.reserved[0] || in.reserved[1]) ||
		    VXP_IOCTL_DBG(ctx->vxp, in.extensions))
			return -EINVAL;
		signal = in.flags & DRM_XE_SYNC_FLAG_SIGNAL;

		switch (in.type) {
		case DRM_XE_SYNC_TYPE_SYNCOBJ:
		case DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ:
			/* LR work has no dma-fence to put in a syncobj. */
			if (VXP_IOCTL_DBG(ctx->vxp, (flags & VXP_SYNCS_LR) && signal))
				return -EOPNOTSUPP;
			if (VXP_IOCTL_DBG(ctx->vxp, upper_32_bits(in.addr)))
				return -EINVAL;
			if (VXP_IOCTL_DBG(ctx->vxp,
					  in.type == DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ &&
					  !in.timeline_value))
				return -EINVAL;
			so = drm_syncobj_find(file, in.handle);
			if (VXP_IOCTL_DBG(ctx->vxp, !so))
				return -ENOENT;
			if (signal) {
				struct vxp_sync_out *o = &s->out[s->num_out++];

				o->syncobj = so;
				if (in.type == DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ) {
					o->point = in.timeline_value;
					o->chain = dma_fence_chain_alloc();
					if (!o->chain)
						return -ENOMEM;
				}
				break;
			}
			fence = drm_syncobj_fence_get(so);
			drm_syncobj_put(so);
			if (VXP_IOCTL_DBG(ctx->vxp, !fence))
				return -EINVAL;
			if (in.type == DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ) {
				ret = dma_fence_chain_find_seqno(&fence,
								 in.timeline_value);
				if (ret) {
					dma_fence_put(fence);
					return ret;
				}
			}
			ret = fence ? vxp_syncs_depend(ctx, s, fence) : 0;
			dma_fence_put(fence);
			if (ret)
				return ret;
			break;
		case DRM_XE_SYNC_TYPE_USER_FENCE:
			if (VXP_IOCTL_DBG(ctx->vxp, !signal))
				return -EOPNOTSUPP;
			if (VXP_IOCTL_DBG(ctx->vxp, in.addr & 0x7))
				return -EINVAL;
			if (s->num_ufences++)
				break;	/* refused below */
			if (!(flags & VXP_SYNCS_EXEC)) {
				s->ufence = (struct vxp_ufence){
					.addr = in.addr,
					.value = in.timeline_value,
				};
			} else {
				s->wire[s->num_wire++] = (struct xe_proxy_sync){
					.type = cpu_to_le32(XE_PROXY_SYNC_USER_FENCE),
					.flags = cpu_to_le32(XE_PROXY_SYNC_FLAG_SIGNAL),
					.addr = cpu_to_le64(in.addr),
					.value = cpu_to_le64(in.timeline_value),
				};
			}
			break;
		default:
			VXP_IOCTL_DBG(ctx->vxp, in.type > DRM_XE_SYNC_TYPE_USER_FENCE);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * vxp_syncs_signal() - hand a submission's fence to every out-sync
 * @s: the parsed syncs
 * @fence: the submission's fence
 */
void vxp_syncs_signal(struct vxp_syncs *s, struct dma_fence *fence)
{
	u32 i;

	for (i = 0; i < s->num_out; i++) {
		struct vxp_sync_out *o = &s->out[i];

		if (o->chain) {
			drm_syncobj_add_point(o->syncobj, o->chain, fence, o->point);
			o->chain = NULL;
		} else {
			drm_syncobj_replace_fence(o->syncobj, fence);
		}
	}
}
