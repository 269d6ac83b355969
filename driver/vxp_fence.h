/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: guest fences of host work.
 */
#ifndef VXP_FENCE_H
#define VXP_FENCE_H

#include <linux/dma-fence.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <asm/barrier.h>

struct mm_struct;
struct vxp_context;

/**
 * struct vxp_ufence - a user fence the guest writes itself
 * @addr: user address in @vxp_fence.mm
 * @value: value to write
 */
struct vxp_ufence {
	u64 addr;
	u64 value;
};

/**
 * struct vxp_fence - signals when the host ring is past a submission
 * @base: the dma_fence
 * @lock: the lock of @base: protects the dma-fence core's state of it
 * @ctx: the host context (a reference)
 * @ring: the virtio-gpu ring (before publication maybe a queue's ring
 *	value, see vxp_ring.c)
 * @host_id: the host fence the submission signals, 0 for none; later
 *	submissions of @ctx wait on it on the host instead of in the guest
 * @mm: address space of @ufences (a grab), or NULL
 * @ufences: bind user fences to write once signalled
 * @num_ufences: entries in @ufences
 * @ufence_work: writes @ufences from process context
 * @published: vxp_fence_init() ran; the dma_fence refcount owns @f
 * @wire_refs: submissions being built that name @host_id (ctx->put_lock)
 * @put_pending: signalled while @wire_refs was held; release on last unpin
 * @put_queued: the release of @host_id is queued (ctx->put_lock)
 * @sent: the submission went to the host, which knows @host_id from
 *	then on (set under ctx->lock with release semantics, see
 *	vxp_fence_sent())
 * @batched: its exec waits in the context's batch (vxp_ccmd.c): a waiter
 *	sends the batch (READ_ONCE()/WRITE_ONCE(), a stale true costs one
 *	early flush)
 * @rsp_slot: the async response slot of the submission (vxp_ccmd.c)
 * @rsp_ret_off: where in it the host's ret is
 */
struct vxp_fence {
	struct dma_fence base;
	spinlock_t lock; /* protects base (the dma_fence lock) */
	struct vxp_context *ctx;
	u32 ring;
	u64 host_id;
	struct mm_struct *mm;
	struct vxp_ufence *ufences;
	u32 num_ufences;
	struct work_struct ufence_work;
	bool published;
	u32 wire_refs;
	bool put_pending;
	bool put_queued;
	bool sent;
	bool batched;
	int rsp_slot;
	u32 rsp_ret_off;
};

/**
 * vxp_fence_sent() - whether @f's submission went to the host
 * @f: a fence of this driver
 *
 * A submission may be published (its fence in syncobjs) and still wait in
 * the guest for fences of others (vxp_ccmd.c): until it went out the
 * host does not know its host fence id.
 *
 * Return: true once sent.
 */
static inline bool vxp_fence_sent(struct vxp_fence *f)
{
	/* pairs with the release where the submission went out (vxp_ccmd.c) */
	return smp_load_acquire(&f->sent);
}

struct vxp_fence *vxp_fence_alloc(struct vxp_context *ctx, u32 ring,
				  bool host_fence);
void vxp_fence_init(struct vxp_fence *f, u64 seqno);
void vxp_fence_signal(struct vxp_fence *f, int err);
void vxp_fence_put(struct vxp_fence *f);
bool vxp_fence_pin_host_id(struct vxp_fence *f);
void vxp_fence_unpin_host_id(struct vxp_fence *f);
struct vxp_fence *vxp_fence_of_ctx(struct dma_fence *fence,
				   struct vxp_context *ctx);

#endif /* VXP_FENCE_H */
