// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: guest fences of host work.
 *
 * A vxp_fence is signalled from the control queue's interrupt when the host
 * completes the fenced command that follows a submission on a ring. Fence
 * contexts are per (host context, ring), so seqnos grow in submission order.
 * When the submission also signalled a host fence, its id is queued for
 * release with the context's next command: once the guest fence signalled,
 * nobody needs to wait for it on the host any more.
 */
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_drv.h"
#include "vxp_fence.h"
#include "vxp_ring.h"

static const char *vxp_fence_driver_name(struct dma_fence *fence)
{
	return "xe";
}

static const char *vxp_fence_timeline_name(struct dma_fence *fence)
{
	return "virtio-xe-proxy-ring";
}

static void vxp_fence_release(struct dma_fence *fence)
{
	struct vxp_fence *f = container_of(fence, struct vxp_fence, base);

	kfree(f->ufences);
	if (f->mm)
		mmdrop(f->mm);
	vxp_context_put(f->ctx);
	dma_fence_free(fence);
}

/* Someone waits: an exec held back in its context's batch goes out now. */
static bool vxp_fence_enable_signaling(struct dma_fence *fence)
{
	struct vxp_fence *f = container_of(fence, struct vxp_fence, base);

	if (READ_ONCE(f->batched))
		vxp_ccmd_batch_kick(f->ctx);
	return true;
}

static const struct dma_fence_ops vxp_fence_ops = {
	.get_driver_name = vxp_fence_driver_name,
	.get_timeline_name = vxp_fence_timeline_name,
	.enable_signaling = vxp_fence_enable_signaling,
	.release = vxp_fence_release,
};

/* Write the bind's user fences the way xe_sync.c's worker does. */
static void vxp_fence_ufence_work(struct work_struct *work)
{
	struct vxp_fence *f = container_of(work, struct vxp_fence, ufence_work);
	u32 i;

	if (mmget_not_zero(f->mm)) {
		kthread_use_mm(f->mm);
		for (i = 0; i < f->num_ufences; i++)
			if (put_user(f->ufences[i].value,
				     (u64 __user *)u64_to_user_ptr(f->ufences[i].addr)))
				break;
		kthread_unuse_mm(f->mm);
		mmput(f->mm);
	}
	wake_up_all(&f->ctx->vxp->ufence_wq);
	dma_fence_put(&f->base);
}

/**
 * vxp_fence_alloc() - a fence for the next submission on a ring
 * @ctx: the host context
 * @ring: the ring (< VXP_RINGS), or a queue's ring value (vxp_ring.c),
 *	resolved when the submission goes out
 * @host_fence: also name a host fence the submission signals
 *
 * The fence is initialised by vxp_ccmd_send_fenced(), which every
 * allocated fence must go through.
 *
 * Return: the fence or NULL.
 */
struct vxp_fence *vxp_fence_alloc(struct vxp_context *ctx, u32 ring,
				  bool host_fence)
{
	struct vxp_fence *f = kzalloc_obj(*f, GFP_KERNEL);

	if (!f)
		return NULL;
	spin_lock_init(&f->lock);
	f->ctx = vxp_context_get(ctx);
	f->ring = ring;
	if (host_fence)
		f->host_id = atomic64_inc_return(&ctx->host_fence_seq);
	INIT_WORK(&f->ufence_work, vxp_fence_ufence_work);
	return f;
}

/**
 * vxp_fence_init() - publish a fence in its ring's timeline
 * @f: the fence
 * @seqno: its place on the ring
 */
void vxp_fence_init(struct vxp_fence *f, u64 seqno)
{
	dma_fence_init(&f->base, &vxp_fence_ops, &f->lock,
		       f->ctx->fence_context + f->ring, seqno);
	f->published = true;
}

/**
 * vxp_fence_put() - drop the submitter's reference
 * @f: the fence (NULL is a no-op), published or not
 */
void vxp_fence_put(struct vxp_fence *f)
{
	if (!f)
		return;
	if (f->published) {
		dma_fence_put(&f->base);
		return;
	}
	/* Never reached the ring: nothing else can hold it. */
	kfree(f->ufences);
	if (f->mm)
		mmdrop(f->mm);
	vxp_context_put(f->ctx);
	kfree(f);
}

/*
 * Release the host fence id with the next submission, or with one of its
 * own once a command's worth waits (ctx->put_work). A full list only
 * delays the release to context teardown. Called with ctx->put_lock held.
 */
static void vxp_fence_queue_put(struct vxp_fence *f)
{
	struct vxp_context *ctx = f->ctx;

	lockdep_assert_held(&ctx->put_lock);
	f->put_queued = true;
	if (ctx->num_puts < VXP_MAX_PUTS)
		ctx->puts[ctx->num_puts++] = cpu_to_le64(f->host_id);
	if (ctx->num_puts == VXP_PUTS_PER_CMD) {
		vxp_context_get(ctx);
		if (!queue_work(vxp_wq, &ctx->put_work))
			vxp_context_put(ctx);
	}
}

/**
 * vxp_fence_pin_host_id() - keep @f's host fence id alive for a submission
 * @f: one of our fences, about to be named as a host-side wait
 *
 * The id is released with the first submission after @f signals; a
 * submission that names it must go out before that release.
 *
 * Return: false when the release is already queued (@f has signalled, so
 * nothing needs to wait for it).
 */
bool vxp_fence_pin_host_id(struct vxp_fence *f)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&f->ctx->put_lock, flags);
	ok = !f->put_queued;
	if (ok)
		f->wire_refs++;
	spin_unlock_irqrestore(&f->ctx->put_lock, flags);
	return ok;
}

/**
 * vxp_fence_unpin_host_id() - the submission naming @f's host id went out
 * @f: a fence pinned with vxp_fence_pin_host_id()
 */
void vxp_fence_unpin_host_id(struct vxp_fence *f)
{
	unsigned long flags;

	spin_lock_irqsave(&f->ctx->put_lock, flags);
	if (!--f->wire_refs && f->put_pending) {
		f->put_pending = false;
		vxp_fence_queue_put(f);
	}
	spin_unlock_irqrestore(&f->ctx->put_lock, flags);
}

/**
 * vxp_fence_signal() - the host is done (or failed) with the submission
 * @f: the fence
 * @err: 0, or the errno the fence carries
 *
 * Callable from interrupt context.
 */
void vxp_fence_signal(struct vxp_fence *f, int err)
{
	struct vxp_context *ctx = f->ctx;
	unsigned long flags;

	if (err)
		dma_fence_set_error(&f->base, err);
	if (f->host_id) {
		spin_lock_irqsave(&ctx->put_lock, flags);
		if (f->wire_refs)
			f->put_pending = true;
		else
			vxp_fence_queue_put(f);
		spin_unlock_irqrestore(&ctx->put_lock, flags);
	}
	dma_fence_signal(&f->base);
	vxp_ring_signalled(ctx, f->ring, f->base.seqno);
	wake_up_all(&ctx->vxp->ufence_wq);
	if (f->num_ufences && !err) {
		dma_fence_get(&f->base);
		queue_work(vxp_wq, &f->ufence_work);
	}
}

/**
 * vxp_fence_of_ctx() - @fence as a vxp_fence of @ctx, if it is one
 * @fence: any fence
 * @ctx: the host context
 *
 * Fence contexts are unique system-wide, so a fence whose context is one
 * of @ctx's ring contexts is one of ours.
 *
 * Return: the vxp_fence, or NULL for foreign fences (other drivers, other
 * host contexts), which the host cannot wait for.
 */
struct vxp_fence *vxp_fence_of_ctx(struct dma_fence *fence,
				   struct vxp_context *ctx)
{
	if (fence->context - ctx->fence_context >= VXP_RINGS)
		return NULL;
	return container_of(fence, struct vxp_fence, base);
}
