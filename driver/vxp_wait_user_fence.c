// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: DRM_IOCTL_XE_WAIT_USER_FENCE.
 *
 * Answered from guest memory alone: the fence word is in the caller's
 * memory, written by the GPU through the host or by the guest for a bind
 * user fence. Argument checks and errnos follow xe_wait_user_fence.c in
 * drivers/gpu/drm/xe.
 */
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_utils.h>
#include <uapi/drm/xe_drm.h>

#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_exec_queue.h"
#include "vxp_vm.h"
#include "vxp_wait_user_fence.h"

/*
 * How often a wait on a queue of a long-running VM asks the host whether
 * it was banned: the host learns of no such ban by itself.
 */
#define VXP_BAN_ASK_INTERVAL	msecs_to_jiffies(10)

static int vxp_ufence_compare(u64 addr, u64 value, u64 mask, u16 op)
{
	u64 rvalue;

	if (copy_from_user(&rvalue, u64_to_user_ptr(addr), sizeof(rvalue)))
		return -EFAULT;
	rvalue &= mask;
	value &= mask;
	switch (op) {
	case DRM_XE_UFENCE_WAIT_OP_EQ:
		return rvalue == value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_NEQ:
		return rvalue != value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_GT:
		return rvalue > value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_GTE:
		return rvalue >= value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_LT:
		return rvalue < value ? 0 : 1;
	default:
		return rvalue <= value ? 0 : 1;
	}
}

/**
 * vxp_wait_user_fence_ioctl() - DRM_IOCTL_XE_WAIT_USER_FENCE
 * @drm: the device
 * @data: struct drm_xe_wait_user_fence
 * @file: the caller
 *
 * Resolved in the guest: the fence word is in the caller's memory (a BO
 * mapping or plain memory). Waiters wake whenever a fence of this device
 * signals or a bind user fence is written, and on timeout; a short poll
 * interval covers words the GPU wrote without a fence of ours.
 *
 * Return: 0, -ETIME, -EIO (queue banned), -ERESTARTSYS, -EFAULT, -EINVAL,
 * -ENOENT, -ENODEV (the device was unplugged during the wait).
 */
int vxp_wait_user_fence_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_xe_wait_user_fence *args = data;
	struct vxp_device *vxp = to_vxp(drm);
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct vxp_context *ctx;
	ktime_t start = ktime_get();
	unsigned long next_ask = jiffies;
	long timeout, slice;
	bool ask;
	int ret;

	/* xe_wait_user_fence_ioctl()'s checks, in one errno */
	if (VXP_IOCTL_DBG(drm, args->extensions) ||
	    VXP_IOCTL_DBG(drm, args->pad || args->pad2) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]) ||
	    VXP_IOCTL_DBG(drm, args->flags & ~DRM_XE_UFENCE_WAIT_FLAG_ABSTIME) ||
	    VXP_IOCTL_DBG(drm, args->op > DRM_XE_UFENCE_WAIT_OP_LTE) ||
	    VXP_IOCTL_DBG(drm, args->addr & 0x7))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (VXP_IOCTL_DBG(drm, args->exec_queue_id &&
			  vxp_exec_queue_is_banned(ctx, args->exec_queue_id, false) < 0))
		return -ENOENT;

	if (args->timeout < 0) {
		args->timeout = MAX_SCHEDULE_TIMEOUT;
		timeout = MAX_SCHEDULE_TIMEOUT;
	} else if (!args->timeout) {
		timeout = 0;
	} else if (args->flags & DRM_XE_UFENCE_WAIT_FLAG_ABSTIME) {
		timeout = drm_timeout_abs_to_jiffies(args->timeout);
	} else {
		timeout = min_t(u64, nsecs_to_jiffies(args->timeout),
				MAX_SCHEDULE_TIMEOUT - 1);
	}

	add_wait_queue(&vxp->ufence_wq, &wait);
	for (;;) {
		ret = vxp_ufence_compare(args->addr, args->value, args->mask,
					 args->op);
		if (ret <= 0)
			break;
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		/*
		 * The wait runs inside drm_dev_enter(): unplug waits for it,
		 * so it ends as soon as unplug begins.
		 */
		if (drm_dev_is_unplugged(drm)) {
			ret = -ENODEV;
			break;
		}
		/* xe_wait_user_fence.c checks the queue's reset status */
		ask = time_after_eq(jiffies, next_ask);
		if (ask)
			next_ask = jiffies + VXP_BAN_ASK_INTERVAL;
		if (args->exec_queue_id &&
		    vxp_exec_queue_is_banned(ctx, args->exec_queue_id, ask) > 0) {
			ret = -EIO;
			break;
		}
		if (!timeout) {
			ret = -ETIME;
			break;
		}
		slice = min_t(long, timeout, max(msecs_to_jiffies(1), 1UL));
		slice -= wait_woken(&wait, TASK_INTERRUPTIBLE, slice);
		if (timeout != MAX_SCHEDULE_TIMEOUT)
			timeout = max(timeout - slice, 0L);
	}
	remove_wait_queue(&vxp->ufence_wq, &wait);

	if (!(args->flags & DRM_XE_UFENCE_WAIT_FLAG_ABSTIME)) {
		args->timeout -= ktime_to_ns(ktime_sub(ktime_get(), start));
		if (args->timeout < 0)
			args->timeout = 0;
	}
	return ret;
}
