// SPDX-License-Identifier: MIT
/*
 * Host library integration test: drives libvirglrenderer.so.1 (ours) through
 * the public virglrenderer ABI exactly as QEMU does (init with the DRM flag,
 * capsets, context_create_with_flags, blob resources, map, submit_cmd,
 * context fences), against the simulated xe device preloaded into this
 * process. Covers every ccmd and extension, then a corpus of hostile
 * streams, each followed by a check that the context still works.
 *
 * Output is KTAP. Run it through tests/ccmd/run (builds with ASan/UBSan).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include "harness.h"

#define MEM_LIMIT	(32u << 20)

/* --- the hostile corpus ------------------------------------------------- */

/*
 * Each entry builds one stream into t->s. Expectation: REJECT means
 * submit_cmd fails (malformed stream); otherwise the response at offset 0
 * must carry @err at byte offset @ret_off.
 */
enum { REJECT = -1 };

struct hostile {
	const char *name;
	void (*build)(struct tctx *t, void *arg);
	int ret_off;
	int err;
};

struct hostile_env {
	uint32_t vm, queue, bo_res, other_res, other_queue;
};

static struct hostile_env H;

#define HOSTILE(n) static void n(struct tctx *t, void *arg)

HOSTILE(h_truncated_header)
{
	(void)arg;
	ccmd_device_query(&t->s, 0, 0, 0);
	t->s.len = 8;
}

HOSTILE(h_len_zero)
{
	struct xe_proxy_ccmd_req *h = ccmd_add(&t->s, XE_PROXY_CCMD_NOP, 16, 0);

	(void)arg;
	h->len = 0;
}

HOSTILE(h_len_past_end)
{
	struct xe_proxy_ccmd_req *h = ccmd_add(&t->s, XE_PROXY_CCMD_NOP, 16, 0);

	(void)arg;
	h->len = 4096;
}

HOSTILE(h_len_unaligned)
{
	struct xe_proxy_ccmd_req *h = ccmd_add(&t->s, XE_PROXY_CCMD_NOP, 24, 0);

	(void)arg;
	h->len = 20;
}

HOSTILE(h_unknown_cmd)
{
	(void)arg;
	ccmd_add(&t->s, 999, 16, 0);
}

HOSTILE(h_gap_cmd)
{
	(void)arg;
	ccmd_add(&t->s, 9, 16, 0);
}

HOSTILE(h_query_short)
{
	(void)arg;
	ccmd_add(&t->s, XE_PROXY_CCMD_DEVICE_QUERY, 16, 0);
}

HOSTILE(h_query_huge)
{
	(void)arg;
	ccmd_device_query(&t->s, DRM_XE_DEVICE_QUERY_CONFIG, 1u << 30, 0);
}

HOSTILE(h_query_unknown_type)
{
	(void)arg;
	ccmd_device_query(&t->s, 200, 64, 0);
}

HOSTILE(h_rsp_off_outside)
{
	(void)arg;
	ccmd_device_query(&t->s, DRM_XE_DEVICE_QUERY_CONFIG, 0, SHMEM_SIZE);
}

HOSTILE(h_rsp_off_unaligned)
{
	(void)arg;
	ccmd_device_query(&t->s, DRM_XE_DEVICE_QUERY_CONFIG, 0, 3);
}

HOSTILE(h_rsp_off_overflow)
{
	(void)arg;
	ccmd_device_query(&t->s, DRM_XE_DEVICE_QUERY_CONFIG, 64, 0xfffffff8u);
}

HOSTILE(h_query_fits_not)
{
	(void)arg;
	ccmd_device_query(&t->s, DRM_XE_DEVICE_QUERY_CONFIG, SHMEM_SIZE - 64, 0);
}

HOSTILE(h_gem_size_zero)
{
	(void)arg;
	ccmd_gem_create_ext(&t->s, 0, placement_sysmem, 0, 0, 500, 1, 0);
}

HOSTILE(h_gem_size_huge)
{
	(void)arg;
	ccmd_gem_create_ext(&t->s, 1ULL << 50, placement_sysmem, 0, 0, 501, 1, 0);
}

HOSTILE(h_gem_bad_flags)
{
	(void)arg;
	ccmd_gem_create_ext(&t->s, 4096, placement_sysmem, 0x80000000u, 0, 502, 1, 0);
}

HOSTILE(h_gem_blob_zero)
{
	(void)arg;
	ccmd_gem_create_ext(&t->s, 4096, placement_sysmem, 0, 0, 0, 1, 0);
}

HOSTILE(h_gem_blob_dup)
{
	(void)arg;
	ccmd_gem_create_ext(&t->s, 4096, placement_sysmem, 0, 0, 1, 1, 0);
}

HOSTILE(h_gem_over_quota)
{
	(void)arg;
	ccmd_gem_create_ext(&t->s, MEM_LIMIT, placement_sysmem, 0, 0, 503, 1, 0);
}

HOSTILE(h_gem_bad_caching)
{
	(void)arg;
	ccmd_gem_create_ext(&t->s, 4096, placement_sysmem, 0, 0, 504, 7, 0);
}

HOSTILE(h_vm_bad_flags)
{
	(void)arg;
	ccmd_vm_create(&t->s, 0x100, 0);
}

HOSTILE(h_bind_count_huge)
{
	struct xe_proxy_ccmd_vm_bind_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_VM_BIND, sizeof(*r) + 40, 0);

	(void)arg;
	r->vm_id = H.vm;
	r->num_binds = 0x80000000u;
}

HOSTILE(h_bind_len_mismatch)
{
	struct xe_proxy_ccmd_vm_bind_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_VM_BIND, sizeof(*r) + 40, 0);

	(void)arg;
	r->vm_id = H.vm;
	r->num_binds = 2;
}

HOSTILE(h_bind_userptr)
{
	(void)arg;
	ccmd_vm_bind(&t->s, H.vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, 0,
		     (uintptr_t)&H, 0x200000, 4096, 0);
}

HOSTILE(h_bind_cpu_mirror)
{
	(void)arg;
	ccmd_vm_bind(&t->s, H.vm, DRM_XE_VM_BIND_OP_MAP,
		     DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR, 0, 0, 0x200000, 4096, 0);
}

HOSTILE(h_bind_bad_op)
{
	(void)arg;
	ccmd_vm_bind(&t->s, H.vm, 99, 0, H.bo_res, 0, 0x200000, 4096, 0);
}

HOSTILE(h_bind_bad_flags)
{
	(void)arg;
	ccmd_vm_bind(&t->s, H.vm, DRM_XE_VM_BIND_OP_MAP, 0x10000, H.bo_res, 0,
		     0x200000, 4096, 0);
}

HOSTILE(h_bind_no_such_res)
{
	(void)arg;
	ccmd_vm_bind(&t->s, H.vm, DRM_XE_VM_BIND_OP_MAP, 0, 77777, 0, 0x200000,
		     4096, 0);
}

HOSTILE(h_bind_other_ctx_res)
{
	(void)arg;
	ccmd_vm_bind(&t->s, H.vm, DRM_XE_VM_BIND_OP_MAP, 0, H.other_res, 0,
		     0x200000, 4096, 0);
}

HOSTILE(h_bind_no_such_vm)
{
	(void)arg;
	ccmd_vm_bind(&t->s, 4242, DRM_XE_VM_BIND_OP_MAP, 0, H.bo_res, 0,
		     0x200000, 4096, 0);
}

HOSTILE(h_unbind_names_res)
{
	(void)arg;
	ccmd_vm_bind(&t->s, H.vm, DRM_XE_VM_BIND_OP_UNMAP, 0, H.bo_res, 0,
		     0x200000, 4096, 0);
}

static void bind_ext_with(struct tctx *t, uint32_t nsyncs_claimed,
			  uint32_t ring, const struct xe_proxy_sync *sync)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.res_id = H.bo_res, .range = 4096, .addr = 0x300000,
		.op = DRM_XE_VM_BIND_OP_MAP, .pat_index = CCMD_PAT_WB,
	};
	struct xe_proxy_ccmd_vm_bind_ext_req *r;

	ccmd_vm_bind_ext(&t->s, H.vm, 0, ring, &op, sync, sync ? 1 : 0, 0);
	r = (void *)t->s.buf;
	r->num_syncs = nsyncs_claimed;
}

HOSTILE(h_bind_ext_many_syncs)
{
	(void)arg;
	bind_ext_with(t, 1000, 1, NULL);
}

HOSTILE(h_bind_ext_ring_range)
{
	(void)arg;
	bind_ext_with(t, 0, 64, NULL);
}

HOSTILE(h_bind_ext_bad_sync_type)
{
	struct xe_proxy_sync s = { .type = 0x77, .flags = 1, .fence_id = 5 };

	(void)arg;
	bind_ext_with(t, 1, 1, &s);
}

HOSTILE(h_bind_ext_unknown_fence)
{
	struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_HOST_FENCE,
				   .fence_id = 0xdead };

	(void)arg;
	bind_ext_with(t, 1, 1, &s);
}

HOSTILE(h_bind_ext_ufence_outside)
{
	struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_USER_FENCE, .flags = 1,
				   .res_id = H.bo_res, .addr = BO_SIZE, .value = 1 };

	(void)arg;
	bind_ext_with(t, 1, 1, &s);
}

/* Zero ops only orders syncs; xe_vm_bind_ioctl() refuses a user fence then. */
HOSTILE(h_bind_ext_no_ops_user_fence)
{
	struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_USER_FENCE, .flags = 1,
				   .res_id = H.bo_res, .addr = 64, .value = 1 };

	(void)arg;
	ccmd_vm_bind_ext(&t->s, H.vm, 0, 1, NULL, &s, 1, 0);
}

/* MAP_USERPTR over the extension must name guest memory, never a BO. */
HOSTILE(h_bind_ext_userptr_of_bo)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.res_id = H.bo_res, .range = 4096, .addr = 0x700000,
		.op = DRM_XE_VM_BIND_OP_MAP_USERPTR, .pat_index = CCMD_PAT_WB,
	};

	(void)arg;
	ccmd_vm_bind_ext(&t->s, H.vm, 0, 1, &op, NULL, 0, 0);
}

/* ... and never an address: obj_offset is an offset into that memory. */
HOSTILE(h_bind_ext_userptr_address)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.obj_offset = (uintptr_t)&H, .range = 4096, .addr = 0x700000,
		.op = DRM_XE_VM_BIND_OP_MAP_USERPTR, .pat_index = CCMD_PAT_WB,
	};

	(void)arg;
	ccmd_vm_bind_ext(&t->s, H.vm, 0, 1, &op, NULL, 0, 0);
}

HOSTILE(h_queue_no_placements)
{
	struct xe_proxy_ccmd_exec_queue_create_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_EXEC_QUEUE_CREATE, sizeof(*r), 0);

	(void)arg;
	r->vm_id = H.vm;
}

HOSTILE(h_queue_many_placements)
{
	struct xe_proxy_ccmd_exec_queue_create_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_EXEC_QUEUE_CREATE, sizeof(*r) + 8, 0);

	(void)arg;
	r->vm_id = H.vm;
	r->width = 1000;
	r->num_placements = 1000;
}

HOSTILE(h_queue_len_mismatch)
{
	struct xe_proxy_ccmd_exec_queue_create_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_EXEC_QUEUE_CREATE, sizeof(*r) + 8, 0);

	(void)arg;
	r->vm_id = H.vm;
	r->width = 1;
	r->num_placements = 3;
}

HOSTILE(h_queue_bad_flags)
{
	struct xe_proxy_ccmd_exec_queue_create_req *r;

	(void)arg;
	ccmd_exec_queue_create(&t->s, H.vm, render_class, 0, 0);
	r = (void *)t->s.buf;
	r->flags = 0x40;
}

HOSTILE(h_queue_ext_many_props)
{
	struct xe_proxy_ccmd_exec_queue_create_ext_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_EXEC_QUEUE_CREATE_EXT,
			 sizeof(*r) + 8 + 16, 0);

	(void)arg;
	r->vm_id = H.vm;
	r->width = 1;
	r->num_placements = 1;
	r->num_properties = 100;
}

HOSTILE(h_exec_no_such_queue)
{
	(void)arg;
	ccmd_exec(&t->s, 31337, 0x100000, 0);
}

HOSTILE(h_exec_other_ctx_queue)
{
	(void)arg;
	ccmd_exec(&t->s, H.other_queue + 1000, 0x100000, 0);
}

HOSTILE(h_exec_multi_batch)
{
	struct xe_proxy_ccmd_exec_req *r;

	(void)arg;
	ccmd_exec(&t->s, H.queue, 0x100000, 0);
	r = (void *)t->s.buf;
	r->num_batch_buffer = 2;
}

HOSTILE(h_exec_ext_len_mismatch)
{
	struct xe_proxy_ccmd_exec_ext_req *r;

	(void)arg;
	ccmd_exec_ext(&t->s, H.queue, 0x100000, 1, NULL, 0, 0);
	r = (void *)t->s.buf;
	r->num_syncs = 3;
}

HOSTILE(h_exec_ext_fence_twice)
{
	struct xe_proxy_sync s[2] = {
		{ .type = XE_PROXY_SYNC_HOST_FENCE, .flags = 1, .fence_id = 900 },
		{ .type = XE_PROXY_SYNC_HOST_FENCE, .flags = 1, .fence_id = 900 },
	};

	(void)arg;
	ccmd_exec_ext(&t->s, H.queue, 0x100000, 1, s, 2, 0);
}

HOSTILE(h_exec_ext_sync_pad)
{
	struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_HOST_FENCE, .flags = 1,
				   .fence_id = 901, .pad = 1 };

	(void)arg;
	ccmd_exec_ext(&t->s, H.queue, 0x100000, 1, &s, 1, 0);
}

HOSTILE(h_exec_ext_bad_flags)
{
	struct xe_proxy_ccmd_exec_ext_req *r;

	(void)arg;
	r = ccmd_exec_ext(&t->s, H.queue, 0x100000, 1, NULL, 0, 0);
	if (r)
		r->flags = 0x2;
}

/* A parallel exec with the address list cut short or contradicted. */
static void exec_ext_parallel(struct tctx *t, uint32_t flags, uint64_t address,
			      uint32_t num_addrs)
{
	struct xe_proxy_ccmd_exec_ext_req *r;
	uint64_t *addrs;
	uint32_t i;

	r = ccmd_add(&t->s, XE_PROXY_CCMD_EXEC_EXT, sizeof(*r) + num_addrs * 8, 0);
	if (!r)
		return;
	r->exec_queue_id = H.queue;
	r->ring_idx = 1;
	r->flags = flags;
	r->address = address;
	addrs = (uint64_t *)r->payload;
	for (i = 0; i < num_addrs; i++)
		addrs[i] = 0x100000;
}

HOSTILE(h_exec_ext_parallel_one_address)
{
	(void)arg;
	exec_ext_parallel(t, XE_PROXY_EXEC_FLAG_PARALLEL, 0, 1);
}

HOSTILE(h_exec_ext_parallel_too_many)
{
	(void)arg;
	exec_ext_parallel(t, XE_PROXY_EXEC_FLAG_PARALLEL, 0, XE_PROXY_MAX_PARALLEL + 1);
}

HOSTILE(h_exec_ext_parallel_and_address)
{
	(void)arg;
	exec_ext_parallel(t, XE_PROXY_EXEC_FLAG_PARALLEL, 0x100000, 2);
}

HOSTILE(h_exec_ext_parallel_no_batch)
{
	(void)arg;
	exec_ext_parallel(t, XE_PROXY_EXEC_FLAG_PARALLEL | XE_PROXY_EXEC_FLAG_NO_BATCH, 0, 2);
}

/* Two batches on a width-1 queue: the driver's EINVAL, nothing else. */
HOSTILE(h_exec_ext_parallel_width_1)
{
	(void)arg;
	exec_ext_parallel(t, XE_PROXY_EXEC_FLAG_PARALLEL, 0, 2);
}

HOSTILE(h_exec_ext_ring_range)
{
	(void)arg;
	ccmd_exec_ext(&t->s, H.queue, 0x100000, 200, NULL, 0, 0);
}

HOSTILE(h_exec_ext_fence_zero)
{
	struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_HOST_FENCE, .flags = 1 };

	(void)arg;
	ccmd_exec_ext(&t->s, H.queue, 0x100000, 1, &s, 1, 0);
}

/* A MADVISE of one page of the hostile VM. */
static struct xe_proxy_ccmd_madvise_req *madvise_page(struct tctx *t, uint32_t type)
{
	struct xe_proxy_ccmd_madvise_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_MADVISE, sizeof(*r), 0);

	r->vm_id = H.vm;
	r->start = 0x100000;
	r->range = 4096;
	r->type = type;
	return r;
}

HOSTILE(h_madvise_devmem_fd)
{
	(void)arg;
	/* a host fd number */
	madvise_page(t, DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC)->arg0 = 5;
}

HOSTILE(h_madvise_pointer_type)
{
	(void)arg;
	/* PURGEABLE_STATE (3): arg2 would be a retained_ptr */
	madvise_page(t, 3)->arg2 = 0x1000;
}

static struct xe_proxy_ccmd_vm_query_attrs_req *query_attrs(struct tctx *t, uint32_t max,
							     uint32_t rsp_off)
{
	struct xe_proxy_ccmd_vm_query_attrs_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_VM_QUERY_ATTRS, sizeof(*r), rsp_off);

	r->vm_id = H.vm;
	r->start = 0;
	r->range = 1ull << 40;
	r->max_ranges = max;
	return r;
}

HOSTILE(h_query_attrs_too_many)
{
	(void)arg;
	query_attrs(t, XE_PROXY_MAX_MEM_RANGES + 1, 0);
}

HOSTILE(h_query_attrs_past_shmem)
{
	(void)arg;
	/* 256 ranges do not fit behind this offset */
	query_attrs(t, XE_PROXY_MAX_MEM_RANGES, SHMEM_SIZE - 4096);
}

HOSTILE(h_query_attrs_other_vm)
{
	(void)arg;
	query_attrs(t, 1, 0)->vm_id = 4242;
}

static struct xe_proxy_ccmd_vm_get_property_req *vm_property(struct tctx *t,
							      uint32_t property,
							      uint32_t size)
{
	struct xe_proxy_ccmd_vm_get_property_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_VM_GET_PROPERTY, sizeof(*r), 0);

	r->vm_id = H.vm;
	r->property = property;
	r->size = size;
	return r;
}

HOSTILE(h_vm_property_huge)
{
	(void)arg;
	vm_property(t, DRM_XE_VM_GET_PROPERTY_FAULTS, XE_PROXY_MAX_VM_PROPERTY_SIZE + 8);
}

HOSTILE(h_vm_property_unknown)
{
	(void)arg;
	/* a property the host does not know might use @data as a pointer */
	vm_property(t, 1, 64);
}

HOSTILE(h_vm_property_more_than_recorded)
{
	(void)arg;
	vm_property(t, DRM_XE_VM_GET_PROPERTY_FAULTS, 50 * sizeof(struct xe_vm_fault));
}

HOSTILE(h_vm_property_pad)
{
	(void)arg;
	vm_property(t, DRM_XE_VM_GET_PROPERTY_FAULTS, 0)->pad = 1;
}

HOSTILE(h_fence_put_huge)
{
	struct xe_proxy_ccmd_fence_put_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_FENCE_PUT, sizeof(*r) + 8, 0);

	(void)arg;
	r->count = 0x10000000;
}

HOSTILE(h_query_ext_input_too_big)
{
	struct xe_proxy_ccmd_device_query_ext_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_DEVICE_QUERY_EXT, sizeof(*r) + 64, 0);

	(void)arg;
	r->query = DRM_XE_DEVICE_QUERY_ENGINE_CYCLES;
	r->size = 8;
	r->in_size = 64;
}

HOSTILE(h_query_ext_len_mismatch)
{
	struct xe_proxy_ccmd_device_query_ext_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_DEVICE_QUERY_EXT, sizeof(*r), 0);

	(void)arg;
	r->query = DRM_XE_DEVICE_QUERY_ENGINE_CYCLES;
	r->size = 64;
	r->in_size = 64;
}

HOSTILE(h_fixed_cmd_too_long)
{
	(void)arg;
	ccmd_add(&t->s, XE_PROXY_CCMD_VM_CREATE, 64, 0);
}

HOSTILE(h_garbage_tail)
{
	(void)arg;
	ccmd_device_query(&t->s, DRM_XE_DEVICE_QUERY_CONFIG, 0, 0);
	memset((char *)t->s.buf + t->s.len, 0xff, 8);
	t->s.len += 4;
}

HOSTILE(h_random_bytes)
{
	unsigned int i, seed = 12345;

	(void)arg;
	for (i = 0; i < 512; i++) {
		seed = seed * 1103515245 + 12345;
		((uint8_t *)t->s.buf)[i] = (uint8_t)(seed >> 16);
	}
	t->s.len = 512;
}

/* Offsets of the ret field in the responses the corpus checks. */
#define RET_STATUS	4	/* status, value, exec */
#define RET_WIDE	8	/* vm_create, vm_bind, queue_create, query */

static const struct hostile corpus[] = {
	{ "truncated_header", h_truncated_header, REJECT, 0 },
	{ "len_zero", h_len_zero, REJECT, 0 },
	{ "len_past_end", h_len_past_end, REJECT, 0 },
	{ "len_unaligned", h_len_unaligned, REJECT, 0 },
	{ "unknown_cmd", h_unknown_cmd, REJECT, 0 },
	{ "cmd_between_base_and_ext", h_gap_cmd, REJECT, 0 },
	{ "query_short", h_query_short, REJECT, 0 },
	{ "query_huge_size", h_query_huge, REJECT, 0 },
	{ "query_unknown_type", h_query_unknown_type, REJECT, 0 },
	{ "rsp_off_outside_shmem", h_rsp_off_outside, REJECT, 0 },
	{ "rsp_off_unaligned", h_rsp_off_unaligned, REJECT, 0 },
	{ "rsp_off_overflow", h_rsp_off_overflow, REJECT, 0 },
	{ "query_does_not_fit", h_query_fits_not, REJECT, 0 },
	{ "gem_size_zero", h_gem_size_zero, RET_STATUS, EINVAL },
	{ "gem_size_huge", h_gem_size_huge, RET_STATUS, ENOSPC },
	{ "gem_bad_flags", h_gem_bad_flags, RET_STATUS, EINVAL },
	{ "gem_blob_id_zero", h_gem_blob_zero, RET_STATUS, EINVAL },
	{ "gem_blob_id_duplicate", h_gem_blob_dup, RET_STATUS, EEXIST },
	{ "gem_over_memory_limit", h_gem_over_quota, RET_STATUS, ENOSPC },
	{ "gem_bad_cpu_caching", h_gem_bad_caching, RET_STATUS, EINVAL },
	{ "vm_bad_flags", h_vm_bad_flags, RET_WIDE, EINVAL },
	{ "bind_count_huge", h_bind_count_huge, REJECT, 0 },
	{ "bind_len_mismatch", h_bind_len_mismatch, REJECT, 0 },
	{ "bind_userptr", h_bind_userptr, RET_WIDE, EPERM },
	{ "bind_cpu_addr_mirror", h_bind_cpu_mirror, RET_WIDE, EPERM },
	{ "bind_bad_op", h_bind_bad_op, RET_WIDE, EINVAL },
	{ "bind_bad_flags", h_bind_bad_flags, RET_WIDE, EINVAL },
	{ "bind_unknown_resource", h_bind_no_such_res, RET_WIDE, ENOENT },
	{ "bind_other_contexts_resource", h_bind_other_ctx_res, RET_WIDE, ENOENT },
	{ "bind_unknown_vm", h_bind_no_such_vm, RET_WIDE, ENOENT },
	{ "unbind_names_resource", h_unbind_names_res, RET_WIDE, EINVAL },
	{ "bind_ext_too_many_syncs", h_bind_ext_many_syncs, REJECT, 0 },
	{ "bind_ext_ring_out_of_range", h_bind_ext_ring_range, REJECT, 0 },
	{ "bind_ext_bad_sync_type", h_bind_ext_bad_sync_type, RET_STATUS, EINVAL },
	{ "bind_ext_unknown_host_fence", h_bind_ext_unknown_fence, RET_STATUS, ENOENT },
	{ "bind_ext_user_fence_outside_bo", h_bind_ext_ufence_outside, RET_STATUS, EINVAL },
	{ "bind_ext_no_ops_user_fence", h_bind_ext_no_ops_user_fence, RET_STATUS, EOPNOTSUPP },
	{ "bind_ext_userptr_of_a_bo", h_bind_ext_userptr_of_bo, RET_STATUS, ENOENT },
	{ "bind_ext_userptr_of_an_address", h_bind_ext_userptr_address, RET_STATUS, ENOENT },
	{ "queue_no_placements", h_queue_no_placements, REJECT, 0 },
	{ "queue_too_many_placements", h_queue_many_placements, REJECT, 0 },
	{ "queue_len_mismatch", h_queue_len_mismatch, REJECT, 0 },
	{ "queue_bad_flags", h_queue_bad_flags, RET_WIDE, EINVAL },
	{ "queue_ext_too_many_properties", h_queue_ext_many_props, REJECT, 0 },
	{ "exec_unknown_queue", h_exec_no_such_queue, RET_STATUS, ENOENT },
	{ "exec_other_contexts_queue", h_exec_other_ctx_queue, RET_STATUS, ENOENT },
	{ "exec_multi_batch_pointer", h_exec_multi_batch, RET_STATUS, EOPNOTSUPP },
	{ "exec_ext_len_mismatch", h_exec_ext_len_mismatch, REJECT, 0 },
	{ "exec_ext_fence_signalled_twice", h_exec_ext_fence_twice, RET_STATUS, EEXIST },
	{ "exec_ext_sync_pad", h_exec_ext_sync_pad, RET_STATUS, EINVAL },
	{ "exec_ext_bad_flags", h_exec_ext_bad_flags, REJECT, 0 },
	{ "exec_ext_parallel_one_address", h_exec_ext_parallel_one_address, REJECT, 0 },
	{ "exec_ext_parallel_too_many_addresses", h_exec_ext_parallel_too_many, REJECT, 0 },
	{ "exec_ext_parallel_and_address", h_exec_ext_parallel_and_address, REJECT, 0 },
	{ "exec_ext_parallel_and_no_batch", h_exec_ext_parallel_no_batch, REJECT, 0 },
	{ "exec_ext_parallel_on_width_1_queue", h_exec_ext_parallel_width_1, RET_STATUS, EINVAL },
	{ "exec_ext_ring_out_of_range", h_exec_ext_ring_range, REJECT, 0 },
	{ "exec_ext_host_fence_zero", h_exec_ext_fence_zero, RET_STATUS, EINVAL },
	{ "madvise_device_fd", h_madvise_devmem_fd, RET_STATUS, EPERM },
	{ "madvise_pointer_attribute", h_madvise_pointer_type, RET_STATUS, EOPNOTSUPP },
	{ "vm_query_attrs_too_many", h_query_attrs_too_many, REJECT, 0 },
	{ "vm_query_attrs_past_shmem", h_query_attrs_past_shmem, REJECT, 0 },
	{ "vm_query_attrs_other_vm", h_query_attrs_other_vm, RET_STATUS, EINVAL },
	{ "vm_property_huge", h_vm_property_huge, REJECT, 0 },
	{ "vm_property_unknown", h_vm_property_unknown, RET_STATUS, EINVAL },
	{ "vm_property_more_than_recorded", h_vm_property_more_than_recorded, RET_STATUS,
	  EINVAL },
	{ "vm_property_pad", h_vm_property_pad, REJECT, 0 },
	{ "fence_put_huge", h_fence_put_huge, REJECT, 0 },
	{ "query_ext_input_too_big", h_query_ext_input_too_big, REJECT, 0 },
	{ "query_ext_len_mismatch", h_query_ext_len_mismatch, REJECT, 0 },
	{ "fixed_cmd_too_long", h_fixed_cmd_too_long, REJECT, 0 },
	{ "garbage_tail", h_garbage_tail, REJECT, 0 },
	{ "random_bytes", h_random_bytes, REJECT, 0 },
};

#define CORPUS_SIZE (sizeof(corpus) / sizeof(corpus[0]))

static void run_corpus(struct tctx *t)
{
	char name[96];
	unsigned int i;

	for (i = 0; i < CORPUS_SIZE; i++) {
		const struct hostile *h = &corpus[i];
		bool ok;
		int ret;

		memset(rsp(t, 0), 0xa5, 64);
		h->build(t, NULL);
		ret = submit(t);
		if (h->ret_off == REJECT) {
			ok = ret != 0;
		} else {
			uint32_t got;

			memcpy(&got, (char *)rsp(t, 0) + h->ret_off, 4);
			ok = ret == 0 && got == (uint32_t)h->err;
			if (!ok)
				ktap_diag("%s: submit %d, ret %u, want %d", h->name,
					  ret, got, h->err);
		}
		ok = ok && still_works(t);
		snprintf(name, sizeof(name), "hostile_%s", h->name);
		ktap_test(ok, name);
	}
}

/*
 * XE_PROXY_F_BLOB_SLICE: a resource for the BO's second page maps that
 * page; slices outside the BO, misaligned or of an unknown BO are refused.
 */
static void blob_slice_tests(struct tctx *t, struct tbo *bo)
{
	uint32_t res = next_res++, *p = NULL;
	uint64_t size = 0;
	bool ok;

	ok = bo->map && !create_blob(t, res, XE_PROXY_BLOB_SLICE(bo->blob_id, 1), 4096) &&
	     !virgl_renderer_resource_map(res, (void **)&p, &size) && size == 4096;
	if (ok) {
		bo->map[1024 + 7] = 0x51ce51ce;
		ok = p[7] == 0x51ce51ce;
		p[8] = 0xfeedf00d;
		ok = ok && bo->map[1024 + 8] == 0xfeedf00d;
		ok = ok && !virgl_renderer_resource_unmap(res);
	}
	virgl_renderer_resource_unref(res);
	ktap_test(ok, "blob_slice_maps_its_range");

	ok = create_blob(t, next_res++, XE_PROXY_BLOB_SLICE(bo->blob_id, BO_SIZE / 4096), 4096) &&
	     create_blob(t, next_res++, XE_PROXY_BLOB_SLICE(bo->blob_id, 1), BO_SIZE) &&
	     create_blob(t, next_res++, XE_PROXY_BLOB_SLICE(bo->blob_id, 0), 100) &&
	     create_blob(t, next_res++, XE_PROXY_BLOB_SLICE(bo->blob_id, 0), 0) &&
	     create_blob(t, next_res++,
			 XE_PROXY_BLOB_SLICE(bo->blob_id, XE_PROXY_BLOB_SLICE_PGOFF_MAX), 4096);
	ktap_test(ok, "blob_slice_outside_bo_refused");
	ok = create_blob(t, next_res++, XE_PROXY_BLOB_SLICE(77, 0), 4096) &&
	     create_blob(t, bo->res, XE_PROXY_BLOB_SLICE(bo->blob_id, 0), 4096);
	ktap_test(ok && still_works(t), "blob_slice_unknown_bo_or_res_reuse_refused");
}

/* --- the tests ------------------------------------------------------------ */

int main(void)
{
	struct xe_proxy_capset_drm cap = { 0 };
	struct tctx a, b;
	struct tbo bo, ufence_bo, lr_bo = { 0 };
	uint32_t max_ver = 0, max_size = 0, vm = 0, queue = 0, ring;
	uint64_t cfg[64] = { 0 }, engines[512];
	struct xe_proxy_ccmd_vm_create_rsp *vmr;
	struct xe_proxy_ccmd_exec_queue_create_rsp *qr;
	struct xe_proxy_ccmd_vm_bind_rsp *br;
	struct xe_proxy_ccmd_exec_rsp *er;
	struct xe_proxy_ccmd_value_rsp *vr;
	struct xe_proxy_ccmd_status_rsp *sr;
	bool ok;
	int i;

	setenv("XE_PROXY_MEM_LIMIT", "32M", 1);
	setenv("XE_PROXY_USERPTR", "1", 1);	/* an opt-in: docs/security.md */
	ktap_header(47 + CORPUS_SIZE);

	ok = virgl_renderer_init(NULL, VIRGL_RENDERER_THREAD_SYNC |
				 VIRGL_RENDERER_ASYNC_FENCE_CB |
				 VIRGL_RENDERER_DRM, &callbacks) == 0;
	if (!ktap_test(ok, "init")) {
		puts("Bail out! virgl_renderer_init failed");
		return ktap_finish();
	}

	virgl_renderer_get_cap_set(XE_PROXY_CAPSET_DRM, &max_ver, &max_size);
	if (max_size >= XE_PROXY_CAPSET_MIN_SIZE && max_size <= sizeof(cap))
		virgl_renderer_fill_caps(XE_PROXY_CAPSET_DRM, max_ver, &cap);
	ktap_diag("capset 6: max_size %u, context_type %u, 8086:%04x rev %u, features 0x%llx",
		  max_size, cap.context_type, cap.u.xe.pci_device_id,
		  cap.u.xe.pci_revision_id, (unsigned long long)cap.u.xe.features);
	ktap_test(cap.context_type == XE_PROXY_DRM_CONTEXT_XE &&
		  cap.u.xe.pci_device_id && cap.u.xe.features,
		  "capset_drm_is_xe");

	ok = tctx_open(&a, 1) == 0;
	if (!ktap_test(ok, "context_and_shmem")) {
		puts("Bail out! no context");
		return ktap_finish();
	}
	ktap_test(((struct xe_proxy_shmem *)a.shmem)->rsp_mem_offset ==
		  sizeof(struct xe_proxy_shmem), "shmem_layout");

	ok = query(&a, DRM_XE_DEVICE_QUERY_CONFIG, cfg, sizeof(cfg)) > 0 &&
	     (cfg[1 + DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff) ==
	     cap.u.xe.pci_device_id;
	ktap_test(ok, "query_config_matches_capset");

	placement_sysmem = find_placement_sysmem(&a);
	ktap_test(placement_sysmem, "query_mem_regions_has_sysmem");

	ok = query(&a, DRM_XE_DEVICE_QUERY_ENGINES, engines, sizeof(engines)) > 0;
	ktap_test(ok && ((struct drm_xe_query_engines *)engines)->num_engines,
		  "query_engines");

	ok = bo_new(&a, &bo, 1);
	ktap_test(ok, "gem_create_ext_resource_map");
	if (ok) {
		memset(bo.map, 0, BO_SIZE);
		bo.map[100] = 0x12345678;
		ok = bo.map[100] == 0x12345678;
	}
	ktap_test(ok, "bo_cpu_write_read");
	blob_slice_tests(&a, &bo);

	ccmd_vm_create(&a.s, 0, 0);
	ok = submit(&a) == 0;
	vmr = rsp(&a, 0);
	vm = vmr->vm_id;
	ktap_test(ok && !vmr->ret && vm, "vm_create");

	ccmd_exec_queue_create(&a.s, vm, render_class, 0, 0);
	ok = submit(&a) == 0;
	qr = rsp(&a, 0);
	queue = qr->exec_queue_id;
	ktap_test(ok && !qr->ret && queue, "exec_queue_create");

	ccmd_vm_bind(&a.s, vm, DRM_XE_VM_BIND_OP_MAP, 0, bo.res, 0, 0x100000,
		     BO_SIZE, 0);
	ok = submit(&a) == 0;
	br = rsp(&a, 0);
	ktap_test(ok && !br->ret, "vm_bind_base");

	/* Base exec: store a dword, fence on the queue's ring (id + 1). */
	test_store_dword_batch(bo.map, 0x100000 + 0x800, 0xc0ffee);
	ccmd_exec(&a.s, queue, 0x100000, 0);
	ok = submit(&a) == 0;
	er = rsp(&a, 0);
	ok = ok && !er->ret;
	ring = queue < 63 ? queue + 1 : 1 + queue % 63;
	ok = ok && ring_idle(&a, ring);
	ktap_diag("base exec stored 0x%x", bo.map[0x800 / 4]);
	ktap_test(ok && bo.map[0x800 / 4] == 0xc0ffee, "exec_base_store_dword");

	/* Ext exec chain: B waits on A's host fence; one ring fence covers both. */
	{
		struct xe_proxy_sync sa = { .type = XE_PROXY_SYNC_HOST_FENCE,
					    .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
					    .fence_id = 100 };
		struct xe_proxy_sync sb[2] = {
			{ .type = XE_PROXY_SYNC_HOST_FENCE, .fence_id = 100 },
			{ .type = XE_PROXY_SYNC_HOST_FENCE,
			  .flags = XE_PROXY_SYNC_FLAG_SIGNAL, .fence_id = 101 },
		};

		test_store_dword_batch(bo.map + 0x1000 / 4, 0x100000 + 0x900, 0xaaaa);
		test_store_dword_batch(bo.map + 0x2000 / 4, 0x100000 + 0x904, 0xbbbb);
		ccmd_exec_ext(&a.s, queue, 0x101000, 5, &sa, 1, 0);
		ccmd_exec_ext(&a.s, queue, 0x102000, 5, sb, 2, 64);
		ok = submit(&a) == 0;
		ok = ok && !((struct xe_proxy_ccmd_exec_rsp *)rsp(&a, 0))->ret &&
		     !((struct xe_proxy_ccmd_exec_rsp *)rsp(&a, 64))->ret;
		ok = ok && ring_idle(&a, 5);
		ktap_test(ok && bo.map[0x900 / 4] == 0xaaaa &&
			  bo.map[0x904 / 4] == 0xbbbb, "exec_ext_host_fence_chain");
	}

	/*
	 * An exec without a batch (ANV's queue-idle wait) signals behind the
	 * queue's earlier work: its ring idles only after the store landed.
	 */
	{
		struct xe_proxy_ccmd_exec_ext_req *r;

		bo.map[0x908 / 4] = 0;
		test_store_dword_batch(bo.map + 0x3000 / 4, 0x100000 + 0x908, 0xdddd);
		ccmd_exec_ext(&a.s, queue, 0x103000, 5, NULL, 0, 0);
		r = ccmd_exec_ext(&a.s, queue, 0, 7, NULL, 0, 64);
		if (r)
			r->flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
		ok = submit(&a) == 0;
		ok = ok && !((struct xe_proxy_ccmd_exec_rsp *)rsp(&a, 0))->ret &&
		     !((struct xe_proxy_ccmd_exec_rsp *)rsp(&a, 64))->ret;
		ok = ok && ring_idle(&a, 7) && bo.map[0x908 / 4] == 0xdddd;
		ktap_test(ok, "exec_ext_no_batch_after_queue_work");
	}

	/* Async bind with a user fence written into another BO. */
	ok = bo_new(&a, &ufence_bo, 2);
	if (ok) {
		struct xe_proxy_vm_bind_op_ext op = {
			.res_id = ufence_bo.res, .range = BO_SIZE,
			.addr = 0x400000, .op = DRM_XE_VM_BIND_OP_MAP,
			.pat_index = CCMD_PAT_WB,
		};
		struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_USER_FENCE,
					   .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
					   .res_id = ufence_bo.res, .addr = 64,
					   .value = 0xfeedULL };

		memset(ufence_bo.map, 0, BO_SIZE);
		ccmd_vm_bind_ext(&a.s, vm, 0, 6, &op, &s, 1, 0);
		ok = submit(&a) == 0;
		sr = rsp(&a, 0);
		ok = ok && !sr->ret && ring_idle(&a, 6);
		for (i = 0; ok && i < 500 && ufence_bo.map[16] != 0xfeed; i++)
			usleep(10000);
		ok = ok && ufence_bo.map[16] == 0xfeed;
	}
	ktap_test(ok, "vm_bind_ext_user_fence");

	/* A bind with no ops still signals its host fence, in queue order. */
	{
		struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_HOST_FENCE,
					   .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
					   .fence_id = 102 };

		ccmd_vm_bind_ext(&a.s, vm, 0, 6, NULL, &s, 1, 0);
		ok = submit(&a) == 0;
		sr = rsp(&a, 0);
		ok = ok && !sr->ret && ring_idle(&a, 6);
		ktap_test(ok, "vm_bind_ext_sync_only");
	}

	/*
	 * MAP_USERPTR of guest memory: two separate pages, handed over as QEMU
	 * does for a BLOB_MEM_GUEST resource, bound as one userptr range; a
	 * batch in the BO stores into the second page.
	 */
	{
		uint32_t *p0 = aligned_alloc(4096, 4096), *p1 = aligned_alloc(4096, 4096);
		struct iovec iov[2] = { { p0, 4096 }, { p1, 4096 } };
		struct virgl_renderer_resource_create_blob_args ga = {
			.res_handle = next_res++, .ctx_id = a.id,
			.blob_mem = VIRGL_RENDERER_BLOB_MEM_GUEST,
			.size = 8192, .iovecs = iov, .num_iovs = 2,
		};
		struct xe_proxy_vm_bind_op_ext op = {
			.res_id = ga.res_handle, .range = 8192, .addr = 0x600000,
			.op = DRM_XE_VM_BIND_OP_MAP_USERPTR, .pat_index = CCMD_PAT_WB,
		};
		struct iovec *back = NULL;
		int nback = 0;

		ok = p0 && p1;
		if (ok) {
			memset(p0, 0, 4096);
			memset(p1, 0, 4096);
			ok = virgl_renderer_resource_create_blob(&ga) == 0;
		}
		if (ok) {
			ccmd_vm_bind_ext(&a.s, vm, 0, 6, &op, NULL, 0, 0);
			ok = submit(&a) == 0 &&
			     !((struct xe_proxy_ccmd_status_rsp *)rsp(&a, 0))->ret &&
			     ring_idle(&a, 6);
		}
		test_store_dword_batch(bo.map + 0x4000 / 4, 0x600000 + 4096 + 0x10, 0xfeedbeef);
		ccmd_exec_ext(&a.s, queue, 0x104000, 5, NULL, 0, 0);
		ok = ok && submit(&a) == 0 &&
		     !((struct xe_proxy_ccmd_exec_rsp *)rsp(&a, 0))->ret && ring_idle(&a, 5);
		ktap_test(ok && p1[4] == 0xfeedbeef, "vm_bind_ext_userptr_of_guest_memory");
		op.op = DRM_XE_VM_BIND_OP_UNMAP;
		op.res_id = 0;
		ccmd_vm_bind_ext(&a.s, vm, 0, 6, &op, NULL, 0, 0);
		ok = submit(&a) == 0 && ring_idle(&a, 6);
		virgl_renderer_resource_detach_iov((int)ga.res_handle, &back, &nback);
		ktap_test(ok && back == iov && nback == 2,
			  "guest_memory_detach_iov_hands_back_the_array");
		virgl_renderer_resource_unref(ga.res_handle);
		free(p0);
		free(p1);
	}

	/*
	 * A long-running VM takes no syncobj signal (xe_sync.c): its binds
	 * retire through the host's user-fence arena, on their ring's fence;
	 * a host fence there is refused with xe's errno; an exec runs and
	 * writes its user fence into the guest's BO.
	 */
	{
		struct xe_proxy_vm_bind_op_ext op = {
			.range = BO_SIZE, .addr = 0x800000,
			.op = DRM_XE_VM_BIND_OP_MAP, .pat_index = CCMD_PAT_WB,
		};
		struct xe_proxy_sync hf = { .type = XE_PROXY_SYNC_HOST_FENCE,
					    .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
					    .fence_id = 200 };
		struct xe_proxy_sync uf = { .type = XE_PROXY_SYNC_USER_FENCE,
					    .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
					    .addr = 0x40, .value = 0x51 };
		struct xe_proxy_sync xuf = { .type = XE_PROXY_SYNC_USER_FENCE,
					     .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
					     .addr = 0x800000 + 0xc00, .value = 0x52 };
		uint32_t lr_vm = 0, lr_q = 0;

		ok = bo_new(&a, &lr_bo, 3);
		if (ok) {
			op.res_id = lr_bo.res;
			uf.res_id = lr_bo.res;
			memset(lr_bo.map, 0, BO_SIZE);
			ccmd_vm_create(&a.s, DRM_XE_VM_CREATE_FLAG_LR_MODE, 0);
			ok = submit(&a) == 0 && !vmr->ret;
			lr_vm = vmr->vm_id;
		}
		if (ok) {
			ccmd_exec_queue_create(&a.s, lr_vm, render_class, 0, 0);
			ok = submit(&a) == 0 && !qr->ret;
			lr_q = qr->exec_queue_id;
		}
		if (ok) {
			ccmd_vm_bind_ext(&a.s, lr_vm, 0, 8, &op, &hf, 1, 0);
			ok = submit(&a) == 0 &&
			     ((struct xe_proxy_ccmd_status_rsp *)rsp(&a, 0))->ret == EOPNOTSUPP;
		}
		ktap_test(ok, "lr_vm_bind_ext_host_fence_eopnotsupp");
		if (ok) {
			ccmd_vm_bind_ext(&a.s, lr_vm, 0, 8, &op, NULL, 0, 0);
			ok = submit(&a) == 0 &&
			     !((struct xe_proxy_ccmd_status_rsp *)rsp(&a, 0))->ret &&
			     ring_idle(&a, 8);
		}
		ktap_test(ok, "lr_vm_bind_ext_retires_on_its_ring");
		if (ok) {
			op.op = DRM_XE_VM_BIND_OP_UNMAP;
			op.res_id = 0;
			ccmd_vm_bind_ext(&a.s, lr_vm, 0, 8, &op, &uf, 1, 0);
			ok = submit(&a) == 0 &&
			     !((struct xe_proxy_ccmd_status_rsp *)rsp(&a, 0))->ret &&
			     ring_idle(&a, 8) && lr_bo.map[0x40 / 4] == 0x51;
		}
		ktap_test(ok, "lr_vm_bind_ext_user_fence_written_before_ring_fence");
		if (ok) {
			ccmd_vm_bind(&a.s, lr_vm, DRM_XE_VM_BIND_OP_MAP, 0, lr_bo.res, 0,
				     0x800000, BO_SIZE, 0);
			ok = submit(&a) == 0 && !br->ret && ring_idle(&a, 0);
		}
		ktap_test(ok, "lr_vm_bind_base_retires_on_ring_0");
		if (ok) {
			test_store_dword_batch(lr_bo.map + 0x1000 / 4, 0x800000 + 0x800, 0xabba);
			ccmd_exec_ext(&a.s, lr_q, 0x801000, 9, &hf, 1, 0);
			ok = submit(&a) == 0 &&
			     ((struct xe_proxy_ccmd_exec_rsp *)rsp(&a, 0))->ret == EOPNOTSUPP;
		}
		ktap_test(ok, "lr_exec_ext_host_fence_eopnotsupp");
		if (ok) {
			ccmd_exec_ext(&a.s, lr_q, 0x801000, 9, &xuf, 1, 0);
			ok = submit(&a) == 0 &&
			     !((struct xe_proxy_ccmd_exec_rsp *)rsp(&a, 0))->ret &&
			     ring_idle(&a, 9);
			/* the ring fence says submitted; the user fence says done */
			for (i = 0; ok && i < 500 && lr_bo.map[0xc00 / 4] != 0x52; i++)
				usleep(10000);
			ok = ok && lr_bo.map[0xc00 / 4] == 0x52 &&
			     lr_bo.map[0x800 / 4] == 0xabba;
		}
		ktap_test(ok, "lr_exec_ext_user_fence");
		/*
		 * A faulting batch bans the queue; no job retires to show it,
		 * so GET_PROPERTY(BAN) asks the driver and publishes the ban.
		 */
		if (ok) {
			struct xe_proxy_shmem *sh = a.shmem;

			test_store_dword_batch(lr_bo.map + 0x1000 / 4, 0x7f0000000ULL, 1);
			ccmd_exec_ext(&a.s, lr_q, 0x801000, 9, NULL, 0, 0);
			ok = submit(&a) == 0 &&
			     !((struct xe_proxy_ccmd_exec_rsp *)rsp(&a, 0))->ret;
			for (i = 0, vr = rsp(&a, 0); ok && i < 500; i++) {
				ccmd_exec_queue_get_property(&a.s, lr_q,
							     DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN, 0);
				ok = submit(&a) == 0 && !vr->ret;
				if (vr->value)
					break;
				usleep(10000);
			}
			ok = ok && vr->value == 1 &&
			     (sh->ban_bitmap[lr_q / 64] & (1ULL << (lr_q % 64)));
		}
		ktap_test(ok, "lr_exec_ban_published_by_get_property");
		if (lr_q) {
			ccmd_exec_queue_destroy(&a.s, lr_q);
			ccmd_vm_destroy(&a.s, lr_vm);
			submit(&a);
		}
	}

	/* Forwarded as is: the driver's answer (no multi-queue group here). */
	{
		struct xe_proxy_ccmd_exec_queue_set_property_req *r =
			ccmd_add(&a.s, XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY, sizeof(*r), 0);
		struct xe_proxy_ccmd_exec_queue_set_property_req *r2 =
			ccmd_add(&a.s, XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY, sizeof(*r2), 64);

		if (r && r2) {
			r->exec_queue_id = queue;
			r->property = 5;	/* MULTI_QUEUE_PRIORITY */
			r2->exec_queue_id = queue + 1000;
			r2->property = 5;
		}
		ok = r && r2 && submit(&a) == 0;
		ktap_test(ok && ((struct xe_proxy_ccmd_status_rsp *)rsp(&a, 0))->ret == EINVAL &&
			  ((struct xe_proxy_ccmd_status_rsp *)rsp(&a, 64))->ret == ENOENT,
			  "exec_queue_set_property_forwarded");
	}

	/* The mapping of vm_bind_base, through the attributes query. */
	{
		struct xe_proxy_ccmd_vm_query_attrs_req *r =
			ccmd_add(&a.s, XE_PROXY_CCMD_VM_QUERY_ATTRS, sizeof(*r), 0);
		struct xe_proxy_ccmd_vm_query_attrs_rsp *qa = rsp(&a, 0);

		r->vm_id = vm;
		r->start = 0x100000;
		r->range = BO_SIZE;
		r->max_ranges = 4;
		ok = submit(&a) == 0;
		ktap_test(ok && !qa->ret && qa->num_ranges == 1 && qa->count == 1 &&
			  qa->ranges[0].start == 0x100000 &&
			  qa->ranges[0].end == 0x100000 + BO_SIZE,
			  "vm_query_attrs_forwarded");
	}

	/* No fault on this VM yet: a size of 0, and asking for more is EINVAL. */
	{
		struct xe_proxy_ccmd_vm_get_property_req *r =
			ccmd_add(&a.s, XE_PROXY_CCMD_VM_GET_PROPERTY, sizeof(*r), 0);
		struct xe_proxy_ccmd_vm_get_property_req *r2 =
			ccmd_add(&a.s, XE_PROXY_CCMD_VM_GET_PROPERTY, sizeof(*r2), 64);
		struct xe_proxy_ccmd_vm_get_property_rsp *p = rsp(&a, 0), *p2 = rsp(&a, 64);

		r->vm_id = vm;
		r->property = DRM_XE_VM_GET_PROPERTY_FAULTS;
		r2->vm_id = vm;
		r2->property = DRM_XE_VM_GET_PROPERTY_FAULTS;
		r2->size = sizeof(struct xe_vm_fault);
		ok = submit(&a) == 0;
		ktap_test(ok && !p->ret && p->size == 0 && p2->ret == EINVAL,
			  "vm_get_property_faults_forwarded");
	}

	ccmd_exec_queue_get_property(&a.s, queue, DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN, 0);
	ok = submit(&a) == 0;
	vr = rsp(&a, 0);
	ktap_test(ok && !vr->ret && vr->value == 0, "exec_queue_get_property_ban");

	/*
	 * An exec the guest did not wait for (XE_PROXY_EXEC_FLAG_ASYNC) that
	 * fails on the host bans its queue, as a fault would: the ban is
	 * published, the next exec there is ECANCELED, and the host fence it
	 * would have signalled counts as signalled for work behind it.
	 */
	{
		struct xe_proxy_sync s[2] = {
			{ .type = XE_PROXY_SYNC_HOST_FENCE, .fence_id = 0xbeef },
			{ .type = XE_PROXY_SYNC_HOST_FENCE,
			  .flags = XE_PROXY_SYNC_FLAG_SIGNAL, .fence_id = 777 },
		};
		struct xe_proxy_sync wait777 = { .type = XE_PROXY_SYNC_HOST_FENCE,
						 .fence_id = 777 };
		struct xe_proxy_ccmd_exec_rsp *er = rsp(&a, 0);
		struct xe_proxy_shmem *sh = a.shmem;
		struct xe_proxy_ccmd_exec_ext_req *r;
		uint64_t id777 = 777;
		uint32_t aq = 0;

		ccmd_exec_queue_create(&a.s, vm, render_class, 0, 0);
		ok = submit(&a) == 0 && !qr->ret;
		aq = ok ? qr->exec_queue_id : 0;
		r = ccmd_exec_ext(&a.s, aq, 0, 10, s, 2, 0);
		if (r)
			r->flags = XE_PROXY_EXEC_FLAG_NO_BATCH | XE_PROXY_EXEC_FLAG_ASYNC;
		ok = ok && submit(&a) == 0 && er->ret == ENOENT && aq < 4096 &&
		     (sh->ban_bitmap[aq / 64] & (1ULL << (aq % 64)));
		ktap_test(ok, "exec_async_failure_bans_queue");
		r = ccmd_exec_ext(&a.s, aq, 0, 10, NULL, 0, 0);
		if (r)
			r->flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
		/* a banned queue is no lost GPU */
		ok = ok && submit(&a) == 0 && er->ret == ECANCELED && !sh->device_lost;
		ktap_test(ok, "exec_async_banned_queue_ecanceled");
		r = ccmd_exec_ext(&a.s, queue, 0, 10, &wait777, 1, 0);
		if (r)
			r->flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
		ok = ok && submit(&a) == 0 && !er->ret && ring_idle(&a, 10);
		ktap_test(ok, "exec_async_failed_host_fence_signalled");
		ccmd_fence_put(&a.s, &id777, 1);
		if (aq)
			ccmd_exec_queue_destroy(&a.s, aq);
		ok = submit(&a) == 0 && still_works(&a);
		/* a queue that gets the id again is not banned */
		ccmd_exec_queue_create(&a.s, vm, render_class, 0, 0);
		ok = ok && submit(&a) == 0 && !qr->ret;
		aq = ok ? qr->exec_queue_id : 0;
		ok = ok && aq < 4096 &&
		     !(sh->ban_bitmap[aq / 64] & (1ULL << (aq % 64)));
		ktap_test(ok, "exec_queue_new_id_not_banned");
		if (aq) {
			ccmd_exec_queue_destroy(&a.s, aq);
			submit(&a);
		}
	}

	{
		uint64_t ids[2] = { 100, 101 };

		ccmd_fence_put(&a.s, ids, 2);
		ok = submit(&a) == 0 && still_works(&a);
		ktap_test(ok, "fence_put");
	}

	/* Engine cycles through the extension, with the guest's clock id. */
	{
		struct drm_xe_query_engine_cycles in = {
			.eci = { .engine_class = render_class },
			.clockid = CLOCK_MONOTONIC,
		};
		struct xe_proxy_ccmd_device_query_ext_req *r =
			ccmd_add(&a.s, XE_PROXY_CCMD_DEVICE_QUERY_EXT,
				 sizeof(*r) + sizeof(in), 0);
		struct xe_proxy_ccmd_device_query_rsp *qrsp;

		r->query = DRM_XE_DEVICE_QUERY_ENGINE_CYCLES;
		r->size = sizeof(in);
		r->in_size = sizeof(in);
		memcpy(r->payload, &in, sizeof(in));
		ok = submit(&a) == 0;
		qrsp = rsp(&a, 0);
		ok = ok && !qrsp->ret &&
		     ((struct drm_xe_query_engine_cycles *)qrsp->payload)->cpu_timestamp;
		ktap_test(ok, "device_query_ext_engine_cycles");
	}

	/* A second context: its own ids, none of the first's. */
	ok = tctx_open(&b, 2) == 0;
	ktap_test(ok, "second_context");
	H = (struct hostile_env){ .vm = vm, .queue = queue, .bo_res = bo.res };
	if (ok) {
		struct tbo bbo;

		ok = bo_new(&b, &bbo, 1);	/* same blob_id, other context */
		H.other_res = bbo.res;
		ccmd_exec(&b.s, queue, 0x100000, 0);
		ok = ok && submit(&b) == 0;
		er = rsp(&b, 0);
		ktap_test(ok && er->ret == ENOENT, "isolation_queue_ids_per_context");
		ccmd_vm_bind(&b.s, 1, DRM_XE_VM_BIND_OP_MAP, 0, bo.res, 0, 0x100000,
			     BO_SIZE, 0);
		ok = submit(&b) == 0;
		br = rsp(&b, 0);
		ktap_test(ok && br->ret == ENOENT, "isolation_resources_per_context");
		ktap_test(create_blob(&b, next_res++, 77, 4096) != 0,
			  "blob_for_unknown_blob_id_refused");
		ktap_test(create_blob(&b, bbo.res, 1, 4096) != 0,
			  "blob_res_id_reuse_refused");
	} else {
		ktap_skip("isolation_queue_ids_per_context", "no second context");
		ktap_skip("isolation_resources_per_context", "no second context");
		ktap_skip("blob_for_unknown_blob_id_refused", "no second context");
		ktap_skip("blob_res_id_reuse_refused", "no second context");
	}

	run_corpus(&a);

	/* Teardown in the order a guest would. */
	ccmd_vm_bind(&a.s, vm, DRM_XE_VM_BIND_OP_UNMAP, 0, 0, 0, 0x100000, BO_SIZE, 0);
	ok = submit(&a) == 0 && !((struct xe_proxy_ccmd_vm_bind_rsp *)rsp(&a, 0))->ret;
	ktap_test(ok, "vm_unbind");
	ccmd_exec_queue_destroy(&a.s, queue);
	ccmd_gem_close(&a.s, bo.blob_id);
	ccmd_vm_destroy(&a.s, vm);
	ok = submit(&a) == 0 && still_works(&a);
	ktap_test(ok, "destroy_queue_close_bo_destroy_vm");
	virgl_renderer_resource_unmap(bo.res);
	virgl_renderer_resource_unref(bo.res);
	virgl_renderer_resource_unref(ufence_bo.res);
	if (lr_bo.res)
		virgl_renderer_resource_unref(lr_bo.res);
	ktap_test(still_works(&a), "context_usable_at_the_end");

	tctx_close(&a);
	tctx_close(&b);
	virgl_renderer_cleanup(NULL);
	ktap_test(true, "cleanup");
	return ktap_finish();
}
