// SPDX-License-Identifier: MIT
/*
 * The host library's own work per ccmd, for tests/bench/host-cost: drives
 * one context through the virglrenderer ABI as QEMU does (the harness of
 * tests/ccmd) and sends N iterations of one operation, each as the guest
 * driver sends it:
 *
 *   exec    EXEC_EXT (no batch) signalling a host fence, with the previous
 *           one's FENCE_PUT in front, then its ring fence
 *   bind    VM_BIND_EXT map, then unmap, each signalling a host fence and
 *           followed by a ring fence
 *   gem     GEM_CREATE_EXT and GEM_CLOSE
 *   query   DEVICE_QUERY of the config
 *   ban     EXEC_QUEUE_GET_PROPERTY(BAN)
 *   stream  N execs of a store-dword batch, as the guest streams them
 *           while the host is behind (the loop of tests/bench/xe_bench.c):
 *           STREAM_BATCH async EXEC_EXTs per submission, each signalling a
 *           host fence, then the batch's ring fence, with up to
 *           STREAM_DEPTH batches in flight and the fence puts of retired
 *           ones riding along; prints "stream EXECS_PER_SECOND", the
 *           host side's ceiling for the guest's exec throughput
 *
 *   ccmd_cost OP N
 *
 * Run under callgrind, collecting only inside the library's entry points;
 * host-cost subtracts what the xe ioctls cost.
 */
#include "../ccmd/harness.h"

static struct tctx a;
static struct tbo bo;
static uint32_t vm, queue;
static uint64_t next_id = 1;

static void put_prev(void)
{
	uint64_t prev = next_id - 1;

	if (prev)
		ccmd_fence_put(&a.s, &prev, 1);
}

static bool one(const char *op)
{
	struct xe_proxy_sync sig = { .type = XE_PROXY_SYNC_HOST_FENCE,
				     .flags = XE_PROXY_SYNC_FLAG_SIGNAL };
	struct xe_proxy_ccmd_exec_ext_req *r;

	if (!strcmp(op, "exec")) {
		put_prev();
		sig.fence_id = next_id++;
		r = ccmd_exec_ext(&a.s, queue, 0, 1, &sig, 1, 0);
		if (!r)
			return false;
		r->flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
		return !submit(&a) && ring_idle(&a, 1);
	}
	if (!strcmp(op, "bind")) {
		struct xe_proxy_vm_bind_op_ext o = {
			.res_id = bo.res, .range = BO_SIZE, .addr = 0x400000,
			.op = DRM_XE_VM_BIND_OP_MAP, .pat_index = CCMD_PAT_WB,
		};

		put_prev();
		sig.fence_id = next_id++;
		ccmd_vm_bind_ext(&a.s, vm, 0, 2, &o, &sig, 1, 0);
		if (submit(&a) || !ring_idle(&a, 2))
			return false;
		o = (struct xe_proxy_vm_bind_op_ext){
			.range = BO_SIZE, .addr = 0x400000,
			.op = DRM_XE_VM_BIND_OP_UNMAP,
		};
		put_prev();
		sig.fence_id = next_id++;
		ccmd_vm_bind_ext(&a.s, vm, 0, 2, &o, &sig, 1, 0);
		return !submit(&a) && ring_idle(&a, 2);
	}
	if (!strcmp(op, "gem")) {
		ccmd_gem_create_ext(&a.s, BO_SIZE, placement_sysmem, 0, 0, 100,
				    DRM_XE_GEM_CPU_CACHING_WB, 0);
		if (submit(&a))
			return false;
		ccmd_gem_close(&a.s, 100);
		return !submit(&a);
	}
	if (!strcmp(op, "query")) {
		ccmd_device_query(&a.s, DRM_XE_DEVICE_QUERY_CONFIG, 0, 0);
		return !submit(&a);
	}
	if (!strcmp(op, "ban")) {
		ccmd_exec_queue_get_property(&a.s, queue,
					     DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN, 0);
		return !submit(&a);
	}
	return false;
}

#define STREAM_BATCH	20	/* execs per SUBMIT_3D in the guest's loop */
#define STREAM_DEPTH	12	/* 256 response slots / STREAM_BATCH */
#define STREAM_VA	0x800000ull

static bool stream(int n)
{
	uint64_t puts[STREAM_BATCH], fences[STREAM_DEPTH] = { 0 }, t0, t1;
	struct xe_proxy_sync sig = { .type = XE_PROXY_SYNC_HOST_FENCE,
				     .flags = XE_PROXY_SYNC_FLAG_SIGNAL };
	struct xe_proxy_ccmd_exec_ext_req *r;
	int b, i, batches = (n + STREAM_BATCH - 1) / STREAM_BATCH;
	struct xe_proxy_vm_bind_op_ext o = {
		.res_id = bo.res, .range = BO_SIZE, .addr = STREAM_VA,
		.op = DRM_XE_VM_BIND_OP_MAP, .pat_index = CCMD_PAT_WB,
	};
	struct timespec ts;
	uint32_t off;

	test_store_dword_batch(bo.map, STREAM_VA + 0x800, 0xc0ffee);
	ccmd_vm_bind_ext(&a.s, vm, 0, 2, &o, NULL, 0, 0);
	if (submit(&a) || !ring_idle(&a, 2))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	for (b = 0; b < batches; b++) {
		uint64_t *f = &fences[b % STREAM_DEPTH];

		/* its slots are free once the batch that used them retired */
		if (*f && !fence_wait(a.id, 1, *f))
			return false;
		if (b >= STREAM_DEPTH) {
			for (i = 0; i < STREAM_BATCH; i++)
				puts[i] = (uint64_t)(b - STREAM_DEPTH) * STREAM_BATCH + i + 1;
			ccmd_fence_put(&a.s, puts, STREAM_BATCH);
		}
		for (i = 0; i < STREAM_BATCH; i++) {
			off = 64 + 16 * ((b % STREAM_DEPTH) * STREAM_BATCH + i);
			sig.fence_id = (uint64_t)b * STREAM_BATCH + i + 1;
			r = ccmd_exec_ext(&a.s, queue, STREAM_VA, 1, &sig, 1, off);
			if (!r)
				return false;
			r->flags = XE_PROXY_EXEC_FLAG_ASYNC;
		}
		if (submit(&a))
			return false;
		*f = ++a.next_fence;
		if (virgl_renderer_context_create_fence(a.id, VIRGL_RENDERER_FENCE_FLAG_MERGEABLE,
							1, *f))
			return false;
	}
	if (!ring_idle(&a, 1))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t1 = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	printf("stream %.0f\n", batches * STREAM_BATCH * 1e9 / (double)(t1 - t0));
	return bo.map[0x800 / 4] == 0xc0ffee;
}

int main(int argc, char **argv)
{
	struct xe_proxy_ccmd_exec_queue_create_rsp *qr;
	struct xe_proxy_ccmd_vm_create_rsp *vr;
	int i, n;

	if (argc != 3 || (n = atoi(argv[2])) < 0) {
		fprintf(stderr, "usage: ccmd_cost exec|bind|gem|query|ban|stream N\n");
		return 2;
	}
	if (virgl_renderer_init(NULL, VIRGL_RENDERER_THREAD_SYNC |
				VIRGL_RENDERER_ASYNC_FENCE_CB |
				VIRGL_RENDERER_DRM, &callbacks) ||
	    tctx_open(&a, 1))
		return 1;
	placement_sysmem = find_placement_sysmem(&a);
	if (!bo_new(&a, &bo, 1))
		return 1;
	ccmd_vm_create(&a.s, 0, 0);
	vr = rsp(&a, 0);
	if (submit(&a) || vr->ret)
		return 1;
	vm = vr->vm_id;
	ccmd_exec_queue_create(&a.s, vm, render_class, 0, 0);
	qr = rsp(&a, 0);
	if (submit(&a) || qr->ret)
		return 1;
	queue = qr->exec_queue_id;
	if (!strcmp(argv[1], "stream")) {
		if (!stream(n)) {
			fprintf(stderr, "ccmd_cost: stream failed\n");
			return 1;
		}
		n = 0;
	}
	for (i = 0; i < n; i++)
		if (!one(argv[1])) {
			fprintf(stderr, "ccmd_cost: %s failed at %d\n", argv[1], i);
			return 1;
		}
	tctx_close(&a);
	virgl_renderer_cleanup(NULL);
	return 0;
}
