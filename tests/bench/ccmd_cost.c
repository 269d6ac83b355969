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

int main(int argc, char **argv)
{
	struct xe_proxy_ccmd_exec_queue_create_rsp *qr;
	struct xe_proxy_ccmd_vm_create_rsp *vr;
	int i, n;

	if (argc != 3 || (n = atoi(argv[2])) < 0) {
		fprintf(stderr, "usage: ccmd_cost exec|bind|gem|query|ban N\n");
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
	for (i = 0; i < n; i++)
		if (!one(argv[1])) {
			fprintf(stderr, "ccmd_cost: %s failed at %d\n", argv[1], i);
			return 1;
		}
	tctx_close(&a);
	virgl_renderer_cleanup(NULL);
	return 0;
}
