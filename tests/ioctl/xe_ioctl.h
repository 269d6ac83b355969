/* SPDX-License-Identifier: MIT */
/*
 * The fixtures and helpers of the xe ioctl suite (tests/ioctl/xe_ioctl_NAME.c), on the
 * case harness of tests/lib/case_harness.h.
 *
 * Fixtures (each case gets a fresh one, torn down after it):
 *   xe_dev  a file of its own on the render node, and the sysmem placement;
 *   xe_env  that plus a VM, a render exec queue and a zeroed BO_SIZE BO,
 *           CPU-mapped at map and bound at VA_BASE.
 *
 * Helpers named xe_<object>() create something the case needs and end the
 * case with a message when that fails; the others return 0 or -errno for
 * the case to check with KT_ASSERT_ERR()/KT_ASSERT_OK().
 */
#ifndef TESTS_IOCTL_XE_IOCTL_H
#define TESTS_IOCTL_XE_IOCTL_H

#include <stdbool.h>
#include <stdint.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "case_harness.h"
#include "xioctl.h"

#define BO_SIZE		0x10000
#define VA_BASE		0x1000000ULL
/* an address nothing is bound at: a batch there faults */
#define UNMAPPED_VA	0x7f0000000ULL

/*
 * PAT index 2 is 2-way coherent on Xe2 (xe_pat.c xe2_pat_table[]); index 0
 * is non-coherent, which the driver refuses for WB-cached BOs; 4 is 1-way.
 */
#define PAT_WB_COHERENT	2
#define PAT_1WAY	4

#define RENDER_CLASS	DRM_XE_ENGINE_CLASS_RENDER

/* The render node under test (--device). */
extern const char *xe_node;

struct xe_dev {
	int fd;
	uint32_t placement;	/* sysmem placement bits */
};

struct xe_env {
	int fd;
	uint32_t placement;
	uint32_t vm, q, bo;
	uint32_t *map;
};

KT_FIXTURE_DECLARE(xe_dev);
KT_FIXTURE_DECLARE(xe_env);

/* xe_env's parts, for fixtures built on it: all but the bind, on a VM
 * made with @vm_flags; and the teardown (parts a case zeroed are skipped). */
void xe_env_open(struct xe_env *f, uint32_t vm_flags);
void xe_env_close(struct xe_env *f);

/* Opens @xe_node; ends the case if it cannot. */
int xe_open_node(void);

/* Size, then data, of device query @q into a calloc()ed *@out. */
int xe_query(int fd, uint32_t q, void **out, uint32_t *size);

uint32_t xe_bo(int fd, uint32_t placement, uint64_t size);
void *xe_bo_map(int fd, uint32_t handle, uint64_t size);
int xe_gem_close(int fd, uint32_t handle);

uint32_t xe_vm(int fd, uint32_t flags);
int xe_vm_destroy(int fd, uint32_t vm);
uint32_t xe_queue(int fd, uint32_t vm);
int xe_queue_create(int fd, uint32_t vm, uint32_t *id);
int xe_queue_destroy(int fd, uint32_t q);

uint32_t xe_syncobj(int fd);
void xe_syncobj_destroy(int fd, uint32_t h);
/* Waits (bounded, 10 s) for point @point of @h to signal. */
int xe_syncobj_wait(int fd, uint32_t h, uint64_t point);

static inline struct drm_xe_sync xe_sync_signal(uint32_t syncobj)
{
	return (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL,
				     .handle = syncobj };
}

int xe_bind(int fd, uint32_t vm, uint32_t op, uint32_t bo, uint64_t offset,
	    uint64_t addr, uint64_t range, struct drm_xe_sync *syncs,
	    uint32_t nsyncs);
/* One bind op, waited for through a syncobj. */
int xe_bind_sync(int fd, uint32_t vm, uint32_t op, uint32_t bo, uint64_t addr,
		 uint64_t range);
/* A NULL binding (reads zero, writes dropped), waited for. */
int xe_bind_null(int fd, uint32_t vm, uint64_t addr, uint64_t range);

int xe_exec(int fd, uint32_t q, uint64_t addr, struct drm_xe_sync *syncs,
	    uint32_t nsyncs);
/* Exec with a fresh out-syncobj and wait for it. */
int xe_exec_wait(int fd, uint32_t q, uint64_t addr);

/* A batch at @b storing @value at GPU address @addr. */
void xe_store_batch(uint32_t *b, uint64_t addr, uint32_t value);

int xe_madvise_one(int fd, uint32_t vm, uint64_t start, uint64_t range,
		   uint32_t type, uint32_t val);
/* Count, then fetch, the mappings of [start, start + range) (free *out). */
int xe_query_attrs(int fd, uint32_t vm, uint64_t start, uint64_t range,
		   struct drm_xe_mem_range_attr **out, uint32_t *n);

/* Two engines of one class on one GT, for a parallel queue; false if none. */
bool xe_parallel_pair(int fd, struct drm_xe_engine_class_instance eci[2]);

#endif /* TESTS_IOCTL_XE_IOCTL_H */
