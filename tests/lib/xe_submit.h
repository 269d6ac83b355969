/* SPDX-License-Identifier: MIT */
/*
 * Submission helpers shared by the test programs: one VM_BIND op, an EXEC,
 * and a bounded syncobj wait, each returning 0 or -errno (xioctl.h).
 */
#ifndef TESTS_XE_SUBMIT_H
#define TESTS_XE_SUBMIT_H

#include <stdint.h>
#include <time.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xioctl.h"

/* One bind op on @vm; maps use PAT index @pat, unmaps 0 (xe's rule). */
static inline int xe_bind_op(int fd, uint32_t vm, uint32_t op, uint32_t bo,
			     uint64_t offset, uint64_t addr, uint64_t range,
			     uint16_t pat, struct drm_xe_sync *syncs,
			     uint32_t nsyncs)
{
	struct drm_xe_vm_bind b = {
		.vm_id = vm, .num_binds = 1,
		.bind = { .obj = bo, .obj_offset = offset, .range = range,
			  .addr = addr, .op = op,
			  .pat_index = op == DRM_XE_VM_BIND_OP_UNMAP ? 0 : pat },
		.num_syncs = nsyncs, .syncs = (uintptr_t)syncs,
	};

	return xioctl(fd, DRM_IOCTL_XE_VM_BIND, &b);
}

/* EXEC of @nbatch batches at @addr (an array of addresses when > 1). */
static inline int xe_exec_batches(int fd, uint32_t q, uint16_t nbatch,
				  uint64_t addr, struct drm_xe_sync *syncs,
				  uint32_t nsyncs)
{
	struct drm_xe_exec e = {
		.exec_queue_id = q, .num_batch_buffer = nbatch, .address = addr,
		.num_syncs = nsyncs, .syncs = (uintptr_t)syncs,
	};

	return xioctl(fd, DRM_IOCTL_XE_EXEC, &e);
}

/*
 * Waits for point @point (0: a binary syncobj) of @h, also for its fence
 * to be submitted, at most @timeout_s seconds: the bound only ends a
 * broken run, no result depends on it.
 */
static inline int xe_syncobj_wait_for(int fd, uint32_t h, uint64_t point,
				      int timeout_s)
{
	struct drm_syncobj_timeline_wait w = {
		.handles = (uintptr_t)&h, .points = (uintptr_t)&point,
		.count_handles = 1,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
			 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};
	struct timespec now;

	/* an absolute CLOCK_MONOTONIC deadline, as drm_syncobj expects */
	clock_gettime(CLOCK_MONOTONIC, &now);
	w.timeout_nsec = now.tv_sec * 1000000000LL + now.tv_nsec +
			 timeout_s * 1000000000LL;
	return xioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

#endif
