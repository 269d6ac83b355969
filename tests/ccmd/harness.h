/* SPDX-License-Identifier: MIT */
/*
 * The host library's test harness: a guest context driven through the
 * public virglrenderer ABI exactly as QEMU drives it (context fences, blob
 * resources, maps, submit_cmd), for tests/ccmd/ccmd_test.c and
 * tests/ccmd/boundary_test.c. The library and the simulated xe device are
 * in the same process.
 */
#ifndef TESTS_CCMD_HARNESS_H
#define TESTS_CCMD_HARNESS_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <drm/xe_drm.h>
#include <virgl/virglrenderer.h>

#include "ktap.h"
#include "xe_ccmd.h"

#define SHMEM_SIZE	(64 * 1024)
#define BO_SIZE		(64 * 1024)

/* --- fences ------------------------------------------------------------- */

static pthread_mutex_t fence_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fence_cond = PTHREAD_COND_INITIALIZER;
static uint64_t fence_seen[8][64];	/* [ctx_id][ring] = last fence id */

static inline void write_fence(void *cookie, uint32_t fence)
{
	(void)cookie;
	(void)fence;
}

static inline void write_context_fence(void *cookie, uint32_t ctx_id,
				uint32_t ring_idx, uint64_t fence_id)
{
	(void)cookie;
	if (ctx_id >= 8 || ring_idx >= 64)
		return;
	pthread_mutex_lock(&fence_lock);
	if (fence_id > fence_seen[ctx_id][ring_idx])
		fence_seen[ctx_id][ring_idx] = fence_id;
	pthread_cond_broadcast(&fence_cond);
	pthread_mutex_unlock(&fence_lock);
}

/* Whether ring @ring of context @ctx_id reports fence @id within @ms. */
static inline bool fence_seen_within(uint32_t ctx_id, uint32_t ring, uint64_t id,
				     long ms)
{
	struct timespec until;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&fence_lock);
	while (fence_seen[ctx_id][ring] < id) {
		virgl_renderer_poll();
		if (pthread_cond_timedwait(&fence_cond, &fence_lock, &until) ==
		    ETIMEDOUT)
			break;
	}
	ok = fence_seen[ctx_id][ring] >= id;
	pthread_mutex_unlock(&fence_lock);
	return ok;
}

static inline bool fence_wait(uint32_t ctx_id, uint32_t ring, uint64_t id)
{
	return fence_seen_within(ctx_id, ring, id, 10000);
}

static struct virgl_renderer_callbacks callbacks = {
	.version = 3,
	.write_fence = write_fence,
	.write_context_fence = write_context_fence,
};

/* --- a guest context, as a guest kernel would drive it -------------------- */

struct tctx {
	uint32_t id;
	uint32_t shmem_res;
	void *shmem;
	struct ccmd_stream s;
	uint64_t next_fence;
};

static uint32_t next_res = 1;

static inline int tctx_open(struct tctx *t, uint32_t ctx_id)
{
	struct virgl_renderer_resource_create_blob_args a = {
		.blob_mem = VIRGL_RENDERER_BLOB_MEM_HOST3D,
		.blob_flags = VIRGL_RENDERER_BLOB_FLAG_USE_MAPPABLE,
		.size = SHMEM_SIZE,
	};
	uint64_t size;
	char name[] = "ccmd_test";

	memset(t, 0, sizeof(*t));
	t->id = ctx_id;
	if (virgl_renderer_context_create_with_flags(ctx_id, XE_PROXY_CAPSET_DRM,
						     sizeof(name) - 1, name))
		return -1;
	a.res_handle = t->shmem_res = next_res++;
	a.ctx_id = ctx_id;
	if (virgl_renderer_resource_create_blob(&a))
		return -2;
	if (virgl_renderer_resource_map(t->shmem_res, &t->shmem, &size) ||
	    size < SHMEM_SIZE)
		return -3;
	return 0;
}

static inline void tctx_close(struct tctx *t)
{
	virgl_renderer_resource_unmap(t->shmem_res);
	virgl_renderer_resource_unref(t->shmem_res);
	virgl_renderer_context_destroy(t->id);
}

/* Submit the stream; returns submit_cmd's result. */
static inline int submit(struct tctx *t)
{
	int ret = virgl_renderer_submit_cmd(t->s.buf, (int)t->id,
					    (int)(t->s.len / 4));

	ccmd_reset(&t->s);
	return ret;
}

static inline void *rsp(struct tctx *t, uint32_t off)
{
	return ccmd_rsp(t->shmem, off);
}

/* Ask for a fence on @ring after what was submitted; wait for it. */
static inline bool ring_idle(struct tctx *t, uint32_t ring)
{
	uint64_t id = ++t->next_fence;

	/* mergeable, as QEMU asks for every context fence */
	if (virgl_renderer_context_create_fence(t->id, VIRGL_RENDERER_FENCE_FLAG_MERGEABLE,
						ring, id))
		return false;
	return fence_wait(t->id, ring, id);
}

/*
 * Room for a response: a host that follows the reference's conventions
 * (XE_PROXY_BASE_PROTOCOL=1) writes no more than the guest's len says.
 */
#define RSP_ROOM	4096

static inline uint32_t query_size(struct tctx *t, uint32_t query)
{
	struct xe_proxy_ccmd_device_query_rsp *r;

	((struct xe_proxy_ccmd_rsp *)rsp(t, 0))->len = RSP_ROOM;
	ccmd_device_query(&t->s, query, 0, 0);
	if (submit(t))
		return 0;
	r = rsp(t, 0);
	return r->ret ? 0 : r->size;
}

/* Query into @out (size from a first round trip); returns the size. */
static inline uint32_t query(struct tctx *t, uint32_t q, void *out, uint32_t max)
{
	struct xe_proxy_ccmd_device_query_rsp *r;
	uint32_t size = query_size(t, q);

	if (!size || size > max)
		return 0;
	((struct xe_proxy_ccmd_rsp *)rsp(t, 0))->len = RSP_ROOM;
	ccmd_device_query(&t->s, q, size, 0);
	if (submit(t))
		return 0;
	r = rsp(t, 0);
	if (r->ret || r->size != size)
		return 0;
	memcpy(out, r->payload, size);
	return size;
}

/* The context answers a config query: it survived whatever came before. */
static inline bool still_works(struct tctx *t)
{
	uint64_t buf[64];

	return query(t, DRM_XE_DEVICE_QUERY_CONFIG, buf, sizeof(buf)) > 0;
}

static inline int create_blob(struct tctx *t, uint32_t res, uint64_t blob_id,
		       uint64_t size)
{
	struct virgl_renderer_resource_create_blob_args a = {
		.res_handle = res,
		.ctx_id = t->id,
		.blob_mem = VIRGL_RENDERER_BLOB_MEM_HOST3D,
		.blob_flags = VIRGL_RENDERER_BLOB_FLAG_USE_MAPPABLE |
			      VIRGL_RENDERER_BLOB_FLAG_USE_SHAREABLE,
		.blob_id = blob_id,
		.size = size,
	};

	return virgl_renderer_resource_create_blob(&a);
}

/* A BO with a resource and a mapping. */
struct tbo {
	uint32_t blob_id, res;
	uint32_t *map;
};

static uint32_t placement_sysmem;
static uint16_t render_class = DRM_XE_ENGINE_CLASS_RENDER;

static inline bool bo_new(struct tctx *t, struct tbo *bo, uint32_t blob_id)
{
	struct xe_proxy_ccmd_value_rsp *r;
	uint64_t size;
	void *map;

	bo->blob_id = blob_id;
	ccmd_gem_create_ext(&t->s, BO_SIZE, placement_sysmem, 0, 0, blob_id,
			    DRM_XE_GEM_CPU_CACHING_WB, 0);
	if (submit(t))
		return false;
	r = rsp(t, 0);
	if (r->ret || r->value < BO_SIZE)
		return false;
	bo->res = next_res++;
	if (create_blob(t, bo->res, blob_id, BO_SIZE))
		return false;
	if (virgl_renderer_resource_map(bo->res, &map, &size) || size < BO_SIZE)
		return false;
	bo->map = map;
	return true;
}


/* Sysmem placement bits from the MEM_REGIONS query; 0 if it failed. */
static inline uint32_t find_placement_sysmem(struct tctx *t)
{
	uint64_t regions[256];
	uint32_t i, bits = 0;

	if (!query(t, DRM_XE_DEVICE_QUERY_MEM_REGIONS, regions, sizeof(regions)))
		return 0;
	for (i = 0; i < ((struct drm_xe_query_mem_regions *)regions)->num_mem_regions; i++) {
		struct drm_xe_mem_region *r =
			&((struct drm_xe_query_mem_regions *)regions)->mem_regions[i];

		if (r->mem_class == DRM_XE_MEM_REGION_CLASS_SYSMEM)
			bits |= 1u << r->instance;
	}
	return bits;
}

#endif /* TESTS_CCMD_HARNESS_H */
