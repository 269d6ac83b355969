/* SPDX-License-Identifier: MIT */
/*
 * Test helper: build ccmd streams of include/xe_proxy_proto.h.
 *
 * Used by the host library tests, the hostile corpus, the fuzzer's seeds and
 * the guest user-space program that speaks the protocol over stock
 * virtio_gpu. Little-endian hosts only, like the protocol.
 */
#ifndef TESTS_XE_CCMD_H
#define TESTS_XE_CCMD_H

#include <stdint.h>
#include <string.h>

#include "xe_proxy_proto.h"

#define CCMD_STREAM_MAX	(64 * 1024)

struct ccmd_stream {
	uint64_t buf[CCMD_STREAM_MAX / 8];
	size_t len;
	uint32_t seqno;
};

static inline void ccmd_reset(struct ccmd_stream *s)
{
	s->len = 0;
}

/*
 * Append a zeroed command of @len bytes (rounded up to 8) with its header
 * filled in; the response, if any, goes to @rsp_off. NULL when full.
 */
static inline void *ccmd_add(struct ccmd_stream *s, uint32_t cmd, size_t len,
			     uint32_t rsp_off)
{
	struct xe_proxy_ccmd_req *hdr;

	len = (len + 7) & ~(size_t)7;
	if (len > sizeof(s->buf) - s->len)
		return NULL;
	hdr = (void *)((char *)s->buf + s->len);
	memset(hdr, 0, len);
	hdr->cmd = cmd;
	hdr->len = (uint32_t)len;
	hdr->seqno = ++s->seqno;
	hdr->rsp_off = rsp_off;
	s->len += len;
	return hdr;
}

static inline void ccmd_device_query(struct ccmd_stream *s, uint32_t query,
				     uint32_t size, uint32_t rsp_off)
{
	struct xe_proxy_ccmd_device_query_req *r =
		ccmd_add(s, XE_PROXY_CCMD_DEVICE_QUERY, sizeof(*r), rsp_off);

	if (r) {
		r->query = query;
		r->size = size;
	}
}

static inline void ccmd_gem_create_ext(struct ccmd_stream *s, uint64_t size,
				       uint32_t placement, uint32_t flags,
				       uint32_t vm_id, uint32_t blob_id,
				       uint16_t cpu_caching, uint32_t rsp_off)
{
	struct xe_proxy_ccmd_gem_create_ext_req *r =
		ccmd_add(s, XE_PROXY_CCMD_GEM_CREATE_EXT, sizeof(*r), rsp_off);

	if (r) {
		r->size = size;
		r->placement = placement;
		r->flags = flags;
		r->vm_id = vm_id;
		r->blob_id = blob_id;
		r->cpu_caching = cpu_caching;
	}
}

static inline void ccmd_gem_create(struct ccmd_stream *s, uint64_t size,
				   uint32_t placement, uint32_t blob_id,
				   uint16_t cpu_caching)
{
	struct xe_proxy_ccmd_gem_create_req *r =
		ccmd_add(s, XE_PROXY_CCMD_GEM_CREATE, sizeof(*r), 0);

	if (r) {
		r->size = size;
		r->placement = placement;
		r->blob_id = blob_id;
		r->cpu_caching = cpu_caching;
	}
}

static inline void ccmd_gem_close(struct ccmd_stream *s, uint32_t blob_id)
{
	struct xe_proxy_ccmd_gem_close_req *r =
		ccmd_add(s, XE_PROXY_CCMD_GEM_CLOSE, sizeof(*r), 0);

	if (r)
		r->blob_id = blob_id;
}

static inline void ccmd_vm_create(struct ccmd_stream *s, uint32_t flags,
				  uint32_t rsp_off)
{
	struct xe_proxy_ccmd_vm_create_req *r =
		ccmd_add(s, XE_PROXY_CCMD_VM_CREATE, sizeof(*r), rsp_off);

	if (r)
		r->flags = flags;
}

static inline void ccmd_vm_destroy(struct ccmd_stream *s, uint32_t vm_id)
{
	struct xe_proxy_ccmd_vm_destroy_req *r =
		ccmd_add(s, XE_PROXY_CCMD_VM_DESTROY, sizeof(*r), 0);

	if (r)
		r->vm_id = vm_id;
}

/*
 * PAT index for WB-cached BOs: 2 is 2-way coherent on Xe2 (xe_pat.c
 * xe2_pat_table[]); the driver refuses non-coherent index 0 for them.
 */
#define CCMD_PAT_WB	2

/* Base (guest-synchronous) bind of one op. */
static inline void ccmd_vm_bind(struct ccmd_stream *s, uint32_t vm_id,
				uint32_t op, uint32_t flags, uint32_t res_id,
				uint64_t obj_offset, uint64_t addr,
				uint64_t range, uint32_t rsp_off)
{
	struct xe_proxy_ccmd_vm_bind_req *r;
	struct xe_proxy_ccmd_vm_bind_op *o;

	r = ccmd_add(s, XE_PROXY_CCMD_VM_BIND, sizeof(*r) + sizeof(*o), rsp_off);
	if (!r)
		return;
	r->vm_id = vm_id;
	r->num_binds = 1;
	o = (void *)r->payload;
	o->res_id = res_id;
	o->pat_index = op == DRM_XE_VM_BIND_OP_UNMAP ? 0 : CCMD_PAT_WB;
	o->obj_offset = obj_offset;
	o->addr = addr;
	o->range = range;
	o->op = op;
	o->flags = flags;
}

/* Extended bind of one op with @nsyncs syncs. */
static inline void ccmd_vm_bind_ext(struct ccmd_stream *s, uint32_t vm_id,
				    uint32_t queue, uint32_t ring_idx,
				    const struct xe_proxy_vm_bind_op_ext *op,
				    const struct xe_proxy_sync *syncs,
				    uint32_t nsyncs, uint32_t rsp_off)
{
	struct xe_proxy_ccmd_vm_bind_ext_req *r;

	size_t ops_len = op ? sizeof(*op) : 0;	/* NULL: a sync-only bind */

	r = ccmd_add(s, XE_PROXY_CCMD_VM_BIND_EXT,
		     sizeof(*r) + ops_len + nsyncs * sizeof(*syncs), rsp_off);
	if (!r)
		return;
	r->vm_id = vm_id;
	r->exec_queue_id = queue;
	r->num_binds = op ? 1 : 0;
	r->num_syncs = nsyncs;
	r->ring_idx = ring_idx;
	if (op)
		memcpy(r->payload, op, ops_len);
	if (nsyncs)
		memcpy(r->payload + ops_len, syncs, nsyncs * sizeof(*syncs));
}

static inline void ccmd_exec_queue_create(struct ccmd_stream *s, uint32_t vm_id,
					  uint16_t engine_class,
					  uint16_t engine_instance,
					  uint32_t rsp_off)
{
	struct xe_proxy_ccmd_exec_queue_create_req *r;
	struct xe_proxy_engine_class_instance *e;

	r = ccmd_add(s, XE_PROXY_CCMD_EXEC_QUEUE_CREATE, sizeof(*r) + sizeof(*e),
		     rsp_off);
	if (!r)
		return;
	r->vm_id = vm_id;
	r->width = 1;
	r->num_placements = 1;
	e = (void *)r->payload;
	e->engine_class = engine_class;
	e->engine_instance = engine_instance;
}

static inline void ccmd_exec_queue_destroy(struct ccmd_stream *s, uint32_t id)
{
	struct xe_proxy_ccmd_exec_queue_destroy_req *r =
		ccmd_add(s, XE_PROXY_CCMD_EXEC_QUEUE_DESTROY, sizeof(*r), 0);

	if (r)
		r->exec_queue_id = id;
}

static inline void ccmd_exec_queue_get_property(struct ccmd_stream *s,
						uint32_t id, uint32_t property,
						uint32_t rsp_off)
{
	struct xe_proxy_ccmd_exec_queue_get_property_req *r =
		ccmd_add(s, XE_PROXY_CCMD_EXEC_QUEUE_GET_PROPERTY, sizeof(*r),
			 rsp_off);

	if (r) {
		r->exec_queue_id = id;
		r->property = property;
	}
}

static inline void ccmd_exec(struct ccmd_stream *s, uint32_t queue,
			     uint64_t address, uint32_t rsp_off)
{
	struct xe_proxy_ccmd_exec_req *r =
		ccmd_add(s, XE_PROXY_CCMD_EXEC, sizeof(*r), rsp_off);

	if (r) {
		r->exec_queue_id = queue;
		r->num_batch_buffer = 1;
		r->address = address;
	}
}

/* Returns the request so a test can set its flags, or NULL when full. */
static inline struct xe_proxy_ccmd_exec_ext_req *
ccmd_exec_ext(struct ccmd_stream *s, uint32_t queue, uint64_t address,
	      uint32_t ring_idx, const struct xe_proxy_sync *syncs,
	      uint32_t nsyncs, uint32_t rsp_off)
{
	struct xe_proxy_ccmd_exec_ext_req *r;

	r = ccmd_add(s, XE_PROXY_CCMD_EXEC_EXT,
		     sizeof(*r) + nsyncs * sizeof(*syncs), rsp_off);
	if (!r)
		return NULL;
	r->exec_queue_id = queue;
	r->num_syncs = nsyncs;
	r->address = address;
	r->ring_idx = ring_idx;
	if (nsyncs)
		memcpy(r->payload, syncs, nsyncs * sizeof(*syncs));
	return r;
}

static inline void ccmd_fence_put(struct ccmd_stream *s, const uint64_t *ids,
				  uint32_t count)
{
	struct xe_proxy_ccmd_fence_put_req *r;

	r = ccmd_add(s, XE_PROXY_CCMD_FENCE_PUT, sizeof(*r) + count * 8, 0);
	if (!r)
		return;
	r->count = count;
	memcpy(r->payload, ids, count * 8);
}

/* A response at @rsp_off of a shmem mapping. */
static inline void *ccmd_rsp(void *shmem, uint32_t rsp_off)
{
	struct xe_proxy_shmem *sh = shmem;

	return (char *)shmem + sh->rsp_mem_offset + rsp_off;
}

/* Batch helpers (encodings from drivers/gpu/drm/xe/instructions/
 * xe_mi_commands.h: MI_INSTR(opcode, len) = opcode << 23 | len). */
#define TEST_MI_BATCH_BUFFER_END	(0x0a << 23)
#define TEST_MI_STORE_DATA_IMM		((0x20 << 23) | 2) /* 4 dwords, PPGTT */

/* Write "store @value at @addr; end" at @batch; returns dwords written. */
static inline unsigned int test_store_dword_batch(uint32_t *batch,
						  uint64_t addr, uint32_t value)
{
	batch[0] = TEST_MI_STORE_DATA_IMM;
	batch[1] = (uint32_t)addr;
	batch[2] = (uint32_t)(addr >> 32);
	batch[3] = value;
	batch[4] = TEST_MI_BATCH_BUFFER_END;
	return 5;
}

/* MI_COPY_MEM_MEM, both addresses PPGTT: 5 dwords, one dword copied. */
#define TEST_MI_COPY_MEM_MEM		((0x2e << 23) | 3)

/* Write "copy the dword at @src to @dst; end" at @batch; returns dwords. */
static inline unsigned int test_copy_dword_batch(uint32_t *batch,
						 uint64_t dst, uint64_t src)
{
	batch[0] = TEST_MI_COPY_MEM_MEM;
	batch[1] = (uint32_t)dst;
	batch[2] = (uint32_t)(dst >> 32);
	batch[3] = (uint32_t)src;
	batch[4] = (uint32_t)(src >> 32);
	batch[5] = TEST_MI_BATCH_BUFFER_END;
	return 6;
}

#endif /* TESTS_XE_CCMD_H */
