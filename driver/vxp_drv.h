/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the device (struct vxp_device), shared by the files of
 * the module, and the module's workqueue (vxp_drv.c).
 */
#ifndef VXP_DRV_H
#define VXP_DRV_H

#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/virtio_config.h>
#include <linux/wait.h>

#include <drm/drm_device.h>
#include <drm/drm_mm.h>
#include <drm/drm_print.h>

#include "xe_proxy_proto.h"

struct pci_dev;
struct virtio_device;
struct virtqueue;
struct vxp_pci;
struct workqueue_struct;

/* kzalloc_obj() arrived in 7.x; older kernels get the same thing spelled out. */
#ifndef kzalloc_obj
#define kzalloc_obj(obj, gfp) kzalloc(sizeof(obj), gfp)
#endif

/* Deferred work that must finish before the module goes. */
extern struct workqueue_struct *vxp_wq;

/* Round-trip counters: virtio types 0x100..0x10f and 0x200..0x20f, ccmds. */
#define VXP_VQ_TRIP_SLOTS	32
#define VXP_CCMD_SLOTS		64

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
 * @vq_trips: virtio commands sent, by type (see vxp_trip_slot() in vxp_vq.c)
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

void vxp_device_put(struct vxp_device *vxp);

/*
 * The DRM device of a struct vxp_device * or of a struct drm_device *,
 * whichever @vxp_or_drm is; evaluates it once.
 */
#define vxp_to_drm(vxp_or_drm) ({					\
	typeof(vxp_or_drm) vxp_p__ = (vxp_or_drm);			\
									\
	_Generic(vxp_p__,						\
		 struct vxp_device * : ((struct vxp_device *)vxp_p__)->drm, \
		 struct drm_device * : (struct drm_device *)vxp_p__);	\
})

/**
 * VXP_IOCTL_DBG() - an ioctl argument check that says when it fails
 * @vxp_or_drm: the struct vxp_device or struct drm_device of the ioctl
 * @cond: the condition under which the caller refuses the call
 *
 * Evaluates @cond once. When it holds, logs the source file, line and the
 * text of @cond with drm_dbg(), which prints only when DRM driver
 * debugging is on (drm.debug=0x2), so user space can tell which of the
 * checks behind an errno refused it, as with xe's XE_IOCTL_DBG(). Used as
 * ``if (VXP_IOCTL_DBG(drm, args->pad)) return -EINVAL;``.
 *
 * Return: @cond as an int, 0 or 1.
 */
#define VXP_IOCTL_DBG(vxp_or_drm, cond) ({				\
	int vxp_cond__ = !!(cond);					\
									\
	if (vxp_cond__)							\
		drm_dbg(vxp_to_drm(vxp_or_drm),				\
			"ioctl argument check failed at %s:%d: %s\n",	\
			kbasename(__FILE__), __LINE__, #cond);		\
	vxp_cond__;							\
})

#endif /* VXP_DRV_H */
