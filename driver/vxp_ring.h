/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: which virtio-gpu ring a submission retires on (vxp_ring.c).
 */
#ifndef VXP_RING_H
#define VXP_RING_H

#include <linux/bits.h>
#include <linux/types.h>

struct vxp_context;
struct xe_proxy_ccmd_req;

/*
 * A ring number with this bit set names no ring yet but a queue (the low
 * bits): vxp_ring_resolve() picks the ring when the submission goes out.
 */
#define VXP_RING_FOR_QUEUE	BIT(31)

/*
 * The base protocol's rule (the reference host's): exec queue N retires on
 * ring N + 1, ring 0 being the host's CPU timeline. Rings go up to 63.
 */
#define VXP_BASE_MAX_QUEUE_ID	62

u32 vxp_ring_of_queue(struct vxp_context *ctx, u32 queue_id);
u32 vxp_ring_resolve(struct vxp_context *ctx, u32 ring);
void vxp_ring_set(struct xe_proxy_ccmd_req *req, u32 ring);
void vxp_ring_signalled(struct vxp_context *ctx, u32 ring, u64 seqno);

#endif /* VXP_RING_H */
