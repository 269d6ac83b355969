// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: which virtio-gpu ring a submission retires on.
 *
 * A context has 64 rings (ring_idx 0..63) and a fence on a ring signals
 * once everything before it on that ring is done: QEMU completes a ring's
 * fences in order. Two exec queues on one ring therefore wait for each
 * other's work, so a ring must not be shared by queues that are busy at
 * the same time.
 *
 * The base protocol fixes the ring: queue N retires on ring N + 1 (the
 * reference host looks up queue ring_idx - 1), so queues above
 * VXP_BASE_MAX_QUEUE_ID have none and are refused (vxp_exec_queue.c).
 * With the extensions the guest names the ring in each submission, and
 * picks it here when the submission goes out: the ring the queue used
 * last if it still holds it, else an idle ring (every fence on it
 * signalled), which the queue then holds. Only when more than 63 queues
 * have work in flight at once do queues share a ring; their fences then
 * signal in submission order. Ring 0 stays with the VMs' default bind
 * queues.
 */
#include <linux/atomic.h>
#include <linux/lockdep.h>

#include "vxp_context.h"
#include "vxp_drv.h"
#include "vxp_ring.h"

/**
 * vxp_ring_of_queue() - the ring value of a new exec queue
 * @ctx: its context
 * @queue_id: the host's exec_queue_id
 *
 * Return: ring @queue_id + 1 in the base protocol (the caller has refused
 * ids above VXP_BASE_MAX_QUEUE_ID), else @queue_id tagged with
 * VXP_RING_FOR_QUEUE for vxp_ring_resolve(). Ids differing only in bit
 * 31 share a ring; that costs independence, never correctness.
 */
u32 vxp_ring_of_queue(struct vxp_context *ctx, u32 queue_id)
{
	if (!(ctx->vxp->features & XE_PROXY_F_EXEC_EXT))
		return queue_id + 1;
	return VXP_RING_FOR_QUEUE | (queue_id & ~VXP_RING_FOR_QUEUE);
}

static bool vxp_ring_idle(struct vxp_context *ctx, u32 r)
{
	return atomic64_read(&ctx->ring_done[r]) >= (s64)ctx->ring_seqno[r];
}

/**
 * vxp_ring_resolve() - the ring a submission's fence goes on
 * @ctx: the context; its lock is held from here to the fence's
 *	publication, so no other submission takes the ring meanwhile
 * @ring: a ring, or a queue tagged with VXP_RING_FOR_QUEUE
 *
 * Return: the ring, 1..VXP_RINGS - 1 for a tagged queue.
 */
u32 vxp_ring_resolve(struct vxp_context *ctx, u32 ring)
{
	u32 key, r;

	lockdep_assert_held(&ctx->lock);
	if (!(ring & VXP_RING_FOR_QUEUE))
		return ring;
	/* + 1: 0 marks a ring nobody holds */
	key = (ring & ~VXP_RING_FOR_QUEUE) + 1;
	for (r = 1; r < VXP_RINGS; r++)
		if (ctx->ring_queue[r] == key)
			return r;
	for (r = 1; r < VXP_RINGS; r++) {
		if (vxp_ring_idle(ctx, r)) {
			ctx->ring_queue[r] = key;
			return r;
		}
	}
	/* Every ring has work of another queue in flight: share one. */
	return 1 + key % (VXP_RINGS - 1);
}

/**
 * vxp_ring_set() - write the ring into an extended submission
 * @req: an EXEC_EXT or VM_BIND_EXT request (other commands carry no ring)
 * @ring: the ring vxp_ring_resolve() chose
 */
void vxp_ring_set(struct xe_proxy_ccmd_req *req, u32 ring)
{
	switch (le32_to_cpu(req->cmd)) {
	case XE_PROXY_CCMD_EXEC_EXT:
		container_of(req, struct xe_proxy_ccmd_exec_ext_req, hdr)->ring_idx =
			cpu_to_le32(ring);
		break;
	case XE_PROXY_CCMD_VM_BIND_EXT:
		container_of(req, struct xe_proxy_ccmd_vm_bind_ext_req, hdr)->ring_idx =
			cpu_to_le32(ring);
		break;
	}
}

/**
 * vxp_ring_signalled() - a fence of a ring signalled
 * @ctx: the context
 * @ring: the ring
 * @seqno: the fence's place on it
 *
 * Callable from interrupt context.
 */
void vxp_ring_signalled(struct vxp_context *ctx, u32 ring, u64 seqno)
{
	s64 old = atomic64_read(&ctx->ring_done[ring]);

	while (old < (s64)seqno &&
	       !atomic64_try_cmpxchg(&ctx->ring_done[ring], &old, seqno))
		;
}
