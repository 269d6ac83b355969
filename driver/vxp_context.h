/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the virtio-gpu context of an open DRM file (vxp_context.c).
 */
#ifndef VXP_CONTEXT_H
#define VXP_CONTEXT_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_mm.h>

#include "xe_proxy_proto.h"

struct vxp_batch;
struct vxp_device;

/* virtio-gpu rings per context (ring_idx is 0..63) */
#define VXP_RINGS		64
/* host fence releases waiting per context, and sent per command */
#define VXP_MAX_PUTS		1024
#define VXP_PUTS_PER_CMD	128
/* response slots of submissions in flight that nobody waits for (vxp_ccmd.c) */
#define VXP_ASYNC_SLOTS		256
#define VXP_ASYNC_SLOT_SIZE	8
/* ccmds waiting to ride with the next submission (vxp_ccmd_defer()) */
#define VXP_DEFERRED_BYTES	4096

/**
 * struct vxp_context - the virtio-gpu context of one open DRM file
 * @vxp: the device
 * @ref: held by the DRM file and by every BO of the context
 * @lock: serialises the context's ccmds: protects @seqno, @sent_seqno,
 *	@batch, @lost, @ring_seqno, @ring_queue, @deferred and the response
 *	slot in @shmem, from the numbering of a request to the copy of its response (see DOC:
 *	locking in vxp_drv.h)
 * @ctx_id: virtio-gpu context id, 0 until created
 * @shmem_res_id: resource id of the shared-memory response blob
 * @shmem_hv: its node in the host-visible region
 * @shmem: its kernel mapping
 * @shmem_size: its size
 * @rsp_mem_offset: where its response area starts, as the host said at
 *	creation (read once: the host could change the page's copy)
 * @seqno: last ccmd sequence number
 * @sent_seqno: the seqno of the last ccmd sent to the host, which it
 *	stores in @shmem once it ran it (vxp_ccmd.c: the host is idle then)
 * @batch: execs coalescing into one submission while the host is busy,
 *	or NULL (under @lock, vxp_ccmd.c)
 * @batch_work: sends @batch if nothing else did within a jiffy, or at
 *	once when someone waits for it
 * @lost: the host context is gone; every call fails with -ENODEV
 * @ids_lock: protects @vms and @queues (lookups, inserts, removals) and
 *	the counters and flags struct vxp_vm and struct vxp_exec_queue say it
 *	does; never held across a host round trip or a wait. Taken under a
 *	VM's lock or none, never together with @lock
 * @vms: vm_id -> struct vxp_vm
 * @queues: exec_queue_id -> struct vxp_exec_queue
 * @fence_context: first of VXP_RINGS dma_fence contexts, one per ring
 * @ring_seqno: last fence seqno per ring (under @lock)
 * @ring_done: highest signalled fence seqno per ring
 * @ring_queue: per ring, 1 + the queue that holds it, 0 for none
 *	(under @lock, vxp_ring.c)
 * @host_fence_seq: last host fence id
 * @put_lock: protects @puts, @num_puts and the host id release state of
 *	the context's fences (struct vxp_fence); taken in interrupt context
 * @puts: host fence ids to release with the next command
 * @num_puts: entries in @puts
 * @put_work: sends @puts on its own once VXP_PUTS_PER_CMD wait (vxp_ccmd.c)
 * @deferred: ccmds to send in front of the next one (under @lock)
 * @deferred_len: bytes in @deferred
 * @async_rsp_off: where the async response slots start, from the response
 *	area's start; the waited-for responses end there
 * @async_slots: the async slots in use (atomic bit operations)
 * @async_wq: woken when an async slot is given back
 * @pending: submissions waiting in the guest for fences the host cannot
 *	wait for, and those queued behind them, in order (under @lock,
 *	vxp_ccmd.c)
 * @pending_wq: woken when @pending drained
 * @pending_work: sends what is ready at the head of @pending (again a
 *	jiffy later when it could not)
 * @release_work: tears the context down outside the last put's context
 */
struct vxp_context {
	struct vxp_device *vxp;
	struct kref ref;
	struct mutex lock; /* protects seqno, lost, ring_seqno, ring_queue, rsp slot */
	u32 ctx_id;
	u32 shmem_res_id;
	struct drm_mm_node shmem_hv;
	struct xe_proxy_shmem *shmem;
	size_t shmem_size;
	u32 rsp_mem_offset;
	u32 seqno;
	u32 sent_seqno;
	struct vxp_batch *batch;
	struct delayed_work batch_work;
	bool lost;
	struct mutex ids_lock; /* protects vms, queues */
	struct xarray vms;
	struct xarray queues;
	u64 fence_context;
	u64 ring_seqno[VXP_RINGS];
	atomic64_t ring_done[VXP_RINGS];
	u32 ring_queue[VXP_RINGS];
	atomic64_t host_fence_seq;
	spinlock_t put_lock; /* protects puts, num_puts, fences' put state */
	__le64 puts[VXP_MAX_PUTS];
	u32 num_puts;
	struct work_struct put_work;
	u8 deferred[VXP_DEFERRED_BYTES] __aligned(8);
	u32 deferred_len;
	u32 async_rsp_off;
	DECLARE_BITMAP(async_slots, VXP_ASYNC_SLOTS);
	wait_queue_head_t async_wq;
	struct list_head pending;
	wait_queue_head_t pending_wq;
	struct delayed_work pending_work;
	struct work_struct release_work;
};

struct vxp_context *vxp_context_create(struct vxp_device *vxp);
struct vxp_context *vxp_context_get(struct vxp_context *ctx);
void vxp_context_put(struct vxp_context *ctx);
int vxp_context_host_lost(struct vxp_context *ctx);
void vxp_context_file_close(struct vxp_context *ctx);
void vxp_context_userptrs_fini(struct vxp_context *ctx);

#endif /* VXP_CONTEXT_H */
