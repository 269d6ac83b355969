/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the syncs of EXEC and VM_BIND (vxp_sync.c).
 */
#ifndef VXP_SYNC_H
#define VXP_SYNC_H

#include <linux/bits.h>
#include <linux/types.h>

#include "xe_proxy_proto.h"
#include "vxp_fence.h"

struct dma_fence;
struct dma_fence_chain;
struct drm_file;
struct drm_syncobj;
struct vxp_context;

/*
 * A command carries XE_PROXY_MAX_SYNCS syncs: the submission's own host
 * fence, an exec's user fence (xe takes one per submission), and host
 * fence waits in the rest. Further in-syncs are dependencies the guest
 * resolves.
 */
#define VXP_MAX_WIRE_WAITS	(XE_PROXY_MAX_SYNCS - 2)

/**
 * struct vxp_sync_out - a syncobj a submission signals
 * @syncobj: the syncobj (a reference)
 * @chain: preallocated chain node for a timeline point, else NULL
 * @point: the timeline point, 0 for a binary syncobj
 */
struct vxp_sync_out {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/**
 * struct vxp_syncs - the syncs of one submission
 * @wire: host-side syncs (host fence waits, an exec user fence); the
 *	submission's own host fence, if it has one, goes after them
 * @num_wire: entries in @wire
 * @out: syncobjs to signal, one slot per sync of the ioctl
 * @num_out: entries in @out
 * @ufence: a bind user fence, which the guest writes
 * @num_ufences: user fences among the syncs (@ufence or in @wire)
 * @pinned: our fences whose host ids @wire names, kept from release until
 *	the submission is sent
 * @num_pinned: entries in @pinned
 * @deps: in-sync fences the host cannot wait for (other drivers' or
 *	files', ours not sent yet or past @wire's room), held; one slot per
 *	sync of the ioctl
 * @num_deps: entries in @deps
 */
struct vxp_syncs {
	struct xe_proxy_sync wire[XE_PROXY_MAX_SYNCS - 1];
	u32 num_wire;
	struct vxp_sync_out *out;
	u32 num_out;
	struct vxp_ufence ufence;
	u32 num_ufences;
	struct vxp_fence *pinned[VXP_MAX_WIRE_WAITS];
	u32 num_pinned;
	struct dma_fence **deps;
	u32 num_deps;
};

/* What vxp_syncs_parse() reads the syncs of */
#define VXP_SYNCS_EXEC	BIT(0)	/* an exec (else a bind) */
#define VXP_SYNCS_LR	BIT(1)	/* on a long-running VM */

int vxp_syncs_parse(struct drm_file *file, struct vxp_context *ctx, u64 uptr,
		    u32 num, u32 flags, struct vxp_syncs *s);
int vxp_syncs_wait(struct vxp_syncs *s);
bool vxp_syncs_add_host_wait(struct vxp_syncs *s, struct vxp_fence *f);
void vxp_syncs_signal(struct vxp_syncs *s, struct dma_fence *fence);
void vxp_syncs_fini(struct vxp_syncs *s);

#endif /* VXP_SYNC_H */
