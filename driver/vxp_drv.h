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
struct vxp_kms;
struct vxp_pci;
struct workqueue_struct;

/**
 * DOC: locking
 *
 * Every lock of the driver, outermost first. A lock is only taken while
 * holding locks listed above it, never one listed below it; the mutexes
 * are only taken in process context, the spinlocks at the end of the list
 * also in atomic context, as each says.
 *
 * vxp_pci_create_lock (vxp_pci.c, a global mutex)
 *	Protects picking a free PCI domain and creating the root bus of a
 *	device there, between devices probing at once. Taken in probe, with
 *	none of the locks below; deliberately not pci_rescan_remove_lock,
 *	which a rescan or hot-unplug of the virtio device already holds.
 *
 * &vxp_file.lock (mutex, one per open file)
 *	Protects the creation of the file's host context (&vxp_file.ctx) on
 *	its first ioctl. Taken at the start of an ioctl with no other lock
 *	of the driver held, and briefly when the file closes a BO handle
 *	(the DRM core may hold the file's prime lock then); context creation
 *	talks to the host under it (&vxp_device.hv_lock and
 *	&vxp_device.ctrlq_lock nest inside).
 *
 * &vxp_vm.lock (mutex, one per VM)
 *	Protects the VM's closed flag, its userptr list and the exec fences
 *	kept for them, and serialises the VM's binds and execs with that
 *	userptr state, as xe's vm->lock does: held from a bind's submission
 *	to the update of the list, and from the revalidation of the
 *	userptrs to the exec noting its fence. Host round trips, fence
 *	waits, page pinning (the mm's mmap_lock) and allocations happen
 *	under it. One VM's lock at a time; &vxp_context.ids_lock,
 *	&vxp_context.lock, &vxp_userptr.lock and &vxp_device.ctrlq_lock
 *	nest inside it.
 *
 * &vxp_bo.lock (mutex, one per BO)
 *	Protects the contexts of other files the BO's resource is attached
 *	to (a bind, with no VM lock held, or a handle's close). Under it: the
 *	control queue (CTX_ATTACH_RESOURCE). Its mappings in the
 *	host-visible window are &vxp_device.hv_lock's.
 *
 * &vxp_context.ids_lock (mutex, one per file's context)
 *	Protects the context's VM and exec queue tables (inserts, removals
 *	and lookups that use what they find), &vxp_vm.num_queues and
 *	&vxp_exec_queue.banned. Taken under a VM's lock or none; nothing is
 *	taken under it, no host round trip and no wait, only allocation.
 *	Lookups that merely test whether a VM id exists (MADVISE,
 *	VM_QUERY_MEM_RANGE_ATTRS, VM_GET_PROPERTY) rely on xa_load()'s own
 *	RCU protection instead: the host has the final word on the id.
 *
 * &vxp_context.lock (mutex, one per file's context)
 *	Serialises the context's ccmds: protects its sequence number, its
 *	lost flag, the per-ring fence seqnos and the response slot of its
 *	shared memory, from the numbering of a request to the copy of its
 *	response; held across the host round trip. Taken under a VM's lock
 *	or none, never together with &vxp_context.ids_lock. Also protects
 *	the ccmds deferred to the next submission (GEM_CLOSE). Under it:
 *	&vxp_device.ctrlq_lock and &vxp_context.put_lock.
 *
 * &vxp_context.async_slots (one bit lock per response slot)
 *	A submission nobody waits for owns a response slot from before it
 *	is numbered until its ring fence signals: taken with
 *	test_and_set_bit_lock() before &vxp_context.lock, under a VM's lock
 *	or none, sleeping on &vxp_context.async_wq while all are taken;
 *	given back from the control queue's interrupt callback (under
 *	&vxp_device.ctrlq_lock), which never waits for one. The wait cannot
 *	close a cycle: slots come back when the host's rings move, not when
 *	a lock of the driver is released.
 *
 * &vxp_device.query_lock (mutex)
 *	Protects the cached query answers and the ENGINE_CYCLES clock
 *	offsets. Copies to user space happen under it (a fault takes the
 *	mm's mmap_lock inside); no other lock of the driver nests inside.
 *
 * &drm_device.mode_config.mutex (the DRM core's)
 *	Also protects what the host said of each head (&vxp_output.enabled,
 *	its size and EDID, vxp_kms.c): written by the config-change work,
 *	read by connector probing, which holds it. Taken with no lock of the
 *	driver held; the host round trips of the work run before it.
 *	The KMS commit tail (vxp_plane.c) takes no lock of the driver: it
 *	sends its commands under the DRM core's modeset locks, inside
 *	drm_dev_enter(), so unplug waits for it.
 *
 * &vxp_device.hv_lock (mutex)
 *	Protects the host-visible window (vxp_hostmem.c): its allocator
 *	(&vxp_device.hv_mm), the LRU of BO mappings, every struct
 *	vxp_hv_map and each BO's pointers to them (&vxp_bo.hv_whole,
 *	&vxp_bo.hv_chunks). Held across the host round trips that map and
 *	unmap (RESOURCE_CREATE_BLOB, MAP_BLOB, UNMAP_BLOB) and across the
 *	zap of an evicted mapping's user PTEs (unmap_mapping_range():
 *	i_mmap_rwsem and page-table locks nest inside). Taken in a CPU fault
 *	with the faulting mm's mmap_lock held, from dma-buf map and unmap
 *	with the dma-buf's reservation lock held, under &vxp_file.lock
 *	(a context's shared page), and when a BO is freed (possibly under
 *	the mmap_lock of a munmap()); never while dropping a reference to a
 *	BO or a context, and never together with &vxp_bo.lock. Under it:
 *	&vxp_device.ctrlq_lock and allocations. A fault pins the mapping it
 *	inserts PTEs from (&vxp_hv_map.pins) before dropping the lock, so
 *	eviction, which skips pinned mappings and takes a mapping out of its
 *	BO before zapping it, can never zap PTEs a fault is still inserting.
 *
 * &vxp_userptr.lock (spinlock)
 *	Protects the notifier sequence of a userptr: orders
 *	mmu_interval_set_seq() in the invalidate callback, which may run
 *	where it must not sleep, against the retry check of a repin. Taken
 *	under &vxp_vm.lock or none; nothing nests inside.
 *
 * &vxp_device.ctrlq_lock (spinlock, interrupts disabled)
 *	Protects the control virtqueue (adding and reaping buffers) and the
 *	device's broken flag. The queue's interrupt callback holds it while
 *	it completes commands, so a fenced command's completion, and with it
 *	vxp_fence_signal(), runs under it in hard-IRQ context:
 *	&vxp_context.put_lock and &vxp_fence.lock nest inside.
 *
 * &vxp_device.cursorq_lock (spinlock, interrupts disabled)
 *	Protects the cursor virtqueue, taken by the cursor plane's update
 *	and the queue's interrupt callback; nothing nests inside it, and it
 *	never nests with &vxp_device.ctrlq_lock.
 *
 * &vxp_context.put_lock (spinlock, irqsave)
 *	Protects the context's batch of host fence ids to release and, of
 *	each of its fences, &vxp_fence.wire_refs, &vxp_fence.put_pending and
 *	&vxp_fence.put_queued. Taken in hard-IRQ context under
 *	&vxp_device.ctrlq_lock, and in process context under
 *	&vxp_context.lock or none; nothing nests inside.
 *
 * &vxp_fence.lock (spinlock, irqsave)
 *	The lock of the fence's dma_fence: protects what the dma-fence core
 *	keeps in it (flags, callbacks). Taken by that core, also in hard-IRQ
 *	context under &vxp_device.ctrlq_lock; signalling runs the fence's
 *	callbacks under it.
 *
 * Not locks, but part of the picture: every ioctl runs inside
 * drm_dev_enter() (vxp_drm.c), which unplug waits for; reference counts
 * (&vxp_device.ref, &vxp_context.ref, &vxp_vm.ref, the fences') and the
 * atomic counters need no lock; exec queues have no reference count and
 * are only read as copies (vxp_exec_queue_lookup()).
 */

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
 * @cursorq: the virtio-gpu cursor queue (UPDATE_CURSOR, MOVE_CURSOR)
 * @cursorq_lock: serialises adding to and reaping from @cursorq; taken in
 *	its interrupt callback, so always with interrupts disabled
 * @cursorq_space: woken when the device returns buffers to @cursorq
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
 * @hv_lock: protects @hv_mm, @hv_lru, @hv_maps, @hv_evictions
 * @hv_lru: BO mappings in @hv, least recently used first (vxp_hostmem.c)
 * @hv_chunk: the granule a large BO is mapped in
 * @hv_maps: BO mappings made, for debugfs
 * @hv_evictions: BO mappings evicted to make room, for debugfs
 * @ctx_ida: virtio-gpu context ids
 * @res_ida: virtio-gpu resource ids
 * @pci: the virtual PCI bus and function
 * @pdev: the virtual Intel PCI function (parent of the DRM device)
 * @drm: the xe DRM device, or NULL
 * @kms: its display side (vxp_kms.c), set once KMS is set up, or NULL
 * @vq_trips: virtio commands sent, by type (see vxp_trip_slot() in vxp_vq.c)
 * @ccmd_trips: ccmds sent to the host, by enum xe_proxy_ccmd
 * @copy_bytes: bytes of the TRANSFER_TO_HOST_2D rectangles sent, which
 *	the host copies (the driver itself copies no pixels)
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
	struct virtqueue *cursorq;
	spinlock_t cursorq_lock; /* protects cursorq */
	wait_queue_head_t cursorq_space;
	bool broken;

	struct xe_proxy_capset_drm capset;
	u32 capset_version;
	u64 features;
	atomic64_t fence_seq;
	wait_queue_head_t ufence_wq;
	struct kref ref;

	struct virtio_shm_region hv;
	struct drm_mm hv_mm;
	struct mutex hv_lock; /* protects hv_mm, hv_lru, hv_maps, hv_evictions */
	struct list_head hv_lru;
	u64 hv_chunk;
	u64 hv_maps;
	u64 hv_evictions;

	struct ida ctx_ida;
	struct ida res_ida;

	struct vxp_pci *pci;
	struct pci_dev *pdev;
	struct drm_device *drm;
	struct vxp_kms *kms;

	atomic64_t vq_trips[VXP_VQ_TRIP_SLOTS];
	atomic64_t ccmd_trips[VXP_CCMD_SLOTS];
	atomic64_t copy_bytes;

	struct mutex query_lock; /* protects query_cache, query_size, clock_sync */
	void *query_cache[VXP_QUERY_TYPES];
	u32 query_size[VXP_QUERY_TYPES];
	struct vxp_clock_sync clock_sync[VXP_CLOCKS];
};

void vxp_device_put(struct vxp_device *vxp);

/**
 * vxp_to_drm() - the DRM device of a vxp_device or of a drm_device
 * @vxp_or_drm: a struct vxp_device * or a struct drm_device *
 *
 * Evaluates @vxp_or_drm once; for VXP_IOCTL_DBG(), which takes either.
 *
 * Return: the struct drm_device *.
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
