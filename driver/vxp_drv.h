/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: per-device state shared by the files of the module.
 */
#ifndef VXP_DRV_H
#define VXP_DRV_H

#include <linux/err.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/virtio_config.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_mm.h>

#include "xe_proxy_proto.h"

struct drm_file;
struct pci_dev;
struct virtio_device;
struct virtqueue;
struct vxp_pci;

/* kzalloc_obj() arrived in 7.x; older kernels get the same thing spelled out. */
#ifndef kzalloc_obj
#define kzalloc_obj(obj, gfp) kzalloc(sizeof(obj), gfp)
#endif

/* virtio-gpu rings per context (ring_idx is 0..63) */
#define VXP_RINGS		64
/* host fence releases batched per context */
#define VXP_MAX_PUTS		128

/* Deferred work that must finish before the module goes. */
extern struct workqueue_struct *vxp_wq;

/* Round-trip counters: virtio types 0x100..0x10f and 0x200..0x20f, ccmds. */
#define VXP_VQ_TRIP_SLOTS	32
#define VXP_CCMD_SLOTS		64

static inline int vxp_trip_slot(u32 type)
{
	if ((type & ~0x30fU) || !(type & 0x300) || (type & 0x300) == 0x300)
		return -1;
	return ((type >> 8) - 1) * 16 + (type & 0xf);
}

/* DRM_XE_DEVICE_QUERY_* values the cache has slots for (0..EU_STALL) */
#define VXP_QUERY_TYPES		11

/* CPU clocks ENGINE_CYCLES may sample (xe_query.c __ktime_func_for_clock()) */
#define VXP_CLOCKS		5

/**
 * struct vxp_clock_sync - best known offset from a host clock to the guest's
 * @offset: guest time minus host time, in ns
 * @error: the bound on @offset's error: the round trip that measured it
 * @measured: when it was measured, in guest CLOCK_MONOTONIC ns (0: never)
 */
struct vxp_clock_sync {
	s64 offset;
	u64 error;
	u64 measured;
};

/**
 * struct vxp_device - one bound virtio-gpu device
 * @vdev: the virtio device
 * @ctrlq: the virtio-gpu control queue
 * @ctrlq_lock: serialises adding to and reaping from @ctrlq; taken in the
 *	queue's interrupt callback, so always with interrupts disabled
 * @ctrlq_space: woken when the device returns buffers to @ctrlq
 * @broken: set once a command timed out; no further commands are sent
 * @capset: the host's DRM capset (context type XE), zero-extended when the
 *	host sent less than the full struct
 * @capset_version: capset version the capset was read at
 * @features: XE_PROXY_F_* the host announced
 * @fence_seq: last virtio fence id
 * @ufence_wq: woken whenever work completes, for WAIT_USER_FENCE
 * @ref: held by the virtio binding and by the DRM device; the last put frees
 * @hv: the host-visible shared memory region (BO and shmem mappings)
 * @hv_mm: allocator of offsets in @hv
 * @hv_lock: protects @hv_mm
 * @ctx_ida: virtio-gpu context ids
 * @res_ida: virtio-gpu resource ids
 * @pci: the virtual PCI bus and function
 * @pdev: the virtual Intel PCI function (parent of the DRM device)
 * @drm: the xe DRM device, or NULL
 * @vq_trips: virtio commands sent, by type (see vxp_trip_slot())
 * @ccmd_trips: ccmds sent to the host, by enum xe_proxy_ccmd
 * @query_lock: protects @query_cache, @query_size and @clock_sync
 * @query_cache: host answers to the queries that never change, by type
 * @query_size: their sizes
 * @clock_sync: host-to-guest CPU clock offsets for ENGINE_CYCLES, by clock
 */
struct vxp_device {
	struct virtio_device *vdev;
	struct virtqueue *ctrlq;
	spinlock_t ctrlq_lock; /* protects ctrlq and broken */
	wait_queue_head_t ctrlq_space;
	bool broken;

	struct xe_proxy_capset_drm capset;
	u32 capset_version;
	u64 features;
	atomic64_t fence_seq;
	wait_queue_head_t ufence_wq;
	struct kref ref;

	struct virtio_shm_region hv;
	struct drm_mm hv_mm;
	struct mutex hv_lock; /* protects hv_mm */

	struct ida ctx_ida;
	struct ida res_ida;

	struct vxp_pci *pci;
	struct pci_dev *pdev;
	struct drm_device *drm;

	atomic64_t vq_trips[VXP_VQ_TRIP_SLOTS];
	atomic64_t ccmd_trips[VXP_CCMD_SLOTS];

	struct mutex query_lock; /* protects query_cache, query_size, clock_sync */
	void *query_cache[VXP_QUERY_TYPES];
	u32 query_size[VXP_QUERY_TYPES];
	struct vxp_clock_sync clock_sync[VXP_CLOCKS];
};

/**
 * struct vxp_drm - the DRM device of a vxp_device
 * @drm: the DRM device, named "xe"
 * @vxp: the device it forwards to (a reference)
 */
struct vxp_drm {
	struct drm_device drm;
	struct vxp_device *vxp;
};

static inline struct vxp_device *to_vxp(struct drm_device *drm)
{
	return container_of(drm, struct vxp_drm, drm)->vxp;
}

/**
 * struct vxp_context - the virtio-gpu context of one open DRM file
 * @vxp: the device
 * @ref: held by the DRM file and by every BO of the context
 * @lock: serialises ccmds (one response slot) and context creation
 * @ctx_id: virtio-gpu context id, 0 until created
 * @shmem_res_id: resource id of the shared-memory response blob
 * @shmem_hv: its node in the host-visible region
 * @shmem: its kernel mapping
 * @shmem_size: its size
 * @seqno: last ccmd sequence number
 * @lost: the host context is gone; every call fails with -ENODEV
 * @ids_lock: protects @vms and @queues (lookups, inserts, removals) and
 *	the counters and flags struct vxp_vm and struct vxp_exec_queue say it
 *	does; never held across a host round trip or a wait. Taken after a
 *	VM's lock and before @lock (see vxp_vm.h)
 * @vms: vm_id -> struct vxp_vm
 * @queues: exec_queue_id -> struct vxp_exec_queue
 * @fence_context: first of VXP_RINGS dma_fence contexts, one per ring
 * @ring_seqno: last fence seqno per ring (under @lock)
 * @host_fence_seq: last host fence id
 * @put_lock: protects @puts and @num_puts; taken in interrupt context
 * @puts: host fence ids to release with the next command
 * @num_puts: entries in @puts
 * @release_work: tears the context down outside the last put's context
 */
struct vxp_context {
	struct vxp_device *vxp;
	struct kref ref;
	struct mutex lock; /* protects everything below */
	u32 ctx_id;
	u32 shmem_res_id;
	struct drm_mm_node shmem_hv;
	struct xe_proxy_shmem *shmem;
	size_t shmem_size;
	u32 seqno;
	bool lost;
	struct mutex ids_lock; /* protects vms, queues */
	struct xarray vms;
	struct xarray queues;
	u64 fence_context;
	u64 ring_seqno[VXP_RINGS];
	atomic64_t host_fence_seq;
	spinlock_t put_lock; /* protects puts, num_puts */
	__le64 puts[VXP_MAX_PUTS];
	u32 num_puts;
	struct work_struct release_work;
};

int vxp_vq_init(struct vxp_device *vxp);
void vxp_vq_fini(struct vxp_device *vxp);
int vxp_ctrl_cmd(struct vxp_device *vxp, const void *cmd, size_t cmd_len,
		 void *resp, size_t resp_len, u32 ok_type);

int vxp_ctrl_cmd_nowait(struct vxp_device *vxp, const void *cmd, size_t cmd_len);
int vxp_ctrl_cmd_fenced(struct vxp_device *vxp, void *cmd, size_t cmd_len,
			u32 ring, void (*complete)(void *data, int err),
			void *data);

int vxp_capset_probe(struct vxp_device *vxp);

int vxp_pci_register(void);
void vxp_pci_unregister(void);
int vxp_pci_create(struct vxp_device *vxp);
void vxp_pci_destroy(struct vxp_device *vxp);

int vxp_drm_init(struct vxp_device *vxp);
void vxp_drm_fini(struct vxp_device *vxp);
void vxp_device_put(struct vxp_device *vxp);

struct vxp_context *vxp_context_create(struct vxp_device *vxp);
struct vxp_context *vxp_context_get(struct vxp_context *ctx);
void vxp_context_put(struct vxp_context *ctx);
void vxp_debugfs_init(struct vxp_device *vxp);
struct drm_xe_device_query;
int vxp_observation_query(struct drm_xe_device_query *q);
int vxp_observation_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int vxp_query_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
void vxp_query_cache_free(struct vxp_device *vxp);

#endif /* VXP_DRV_H */
