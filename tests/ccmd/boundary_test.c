// SPDX-License-Identifier: MIT
/*
 * The host boundary, case by case: what a hostile guest (or its hostile
 * guest kernel, through QEMU) can do to the library that runs inside QEMU.
 * Each case is one item of docs/security.md and runs in its own process
 * (tests/ccmd/run starts `boundary_test NAME` once per case), so a case that
 * crashes the library fails alone, and each sets its own per-guest limits
 * before virgl_renderer_init().
 *
 *   boundary_test --list      the case names
 *   boundary_test NAME        run one case, KTAP on stdout
 */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <signal.h>
#include <sys/mman.h>

#include "harness.h"

/* The response area starts here; the guest's copy in the page is ignored. */
#define RSP_AREA	sizeof(struct xe_proxy_shmem)

/* A context with a VM, a render queue and a mapped BO bound at BO_VA. */
struct env {
	struct tctx t;
	uint32_t vm, queue;
	struct tbo bo;
};

#define BO_VA		0x100000ULL
#define SPIN_OFF	0x1000	/* batch that spins until SEM_OFF holds 1 */
#define SEM_OFF		0x2000
#define STORE_OFF	0x3000	/* a store-dword batch */
/* how long a fence that must not signal yet is given to (wrongly) signal */
#define EARLY_MS	300

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;	/* ".", ".." and the DIR's own fd */
}

static bool init_renderer(void)
{
	return virgl_renderer_init(NULL, VIRGL_RENDERER_THREAD_SYNC |
				   VIRGL_RENDERER_ASYNC_FENCE_CB |
				   VIRGL_RENDERER_DRM, &callbacks) == 0;
}

static uint32_t vm_create(struct tctx *t, uint32_t *err)
{
	struct xe_proxy_ccmd_vm_create_rsp *r;

	ccmd_vm_create(&t->s, 0, 0);
	if (submit(t))
		return 0;
	r = rsp(t, 0);
	*err = r->ret;
	return r->ret ? 0 : r->vm_id;
}

static uint32_t queue_create(struct tctx *t, uint32_t vm, uint32_t *err)
{
	struct xe_proxy_ccmd_exec_queue_create_rsp *r;

	ccmd_exec_queue_create(&t->s, vm, DRM_XE_ENGINE_CLASS_RENDER, 0, 0);
	if (submit(t))
		return 0;
	r = rsp(t, 0);
	*err = r->ret;
	return r->ret ? 0 : r->exec_queue_id;
}

static uint32_t bind_ext(struct tctx *t, uint32_t vm,
			 const struct xe_proxy_vm_bind_op_ext *op,
			 const struct xe_proxy_sync *syncs, uint32_t nsyncs)
{
	ccmd_vm_bind_ext(&t->s, vm, 0, 6, op, syncs, nsyncs, 0);
	if (submit(t))
		return EPROTO;
	return ((struct xe_proxy_ccmd_status_rsp *)rsp(t, 0))->ret;
}

/* Context @ctx_id with a VM, a render queue and BO @blob_id at BO_VA. */
static bool env_ctx_open(struct env *e, uint32_t ctx_id, uint32_t blob_id)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.range = BO_SIZE, .addr = BO_VA, .op = DRM_XE_VM_BIND_OP_MAP,
		.pat_index = CCMD_PAT_WB,
	};
	uint32_t err = 0;

	if (tctx_open(&e->t, ctx_id))
		return false;
	if (!placement_sysmem)
		placement_sysmem = find_placement_sysmem(&e->t);
	e->vm = vm_create(&e->t, &err);
	e->queue = e->vm ? queue_create(&e->t, e->vm, &err) : 0;
	if (!e->queue || !bo_new(&e->t, &e->bo, blob_id))
		return false;
	memset(e->bo.map, 0, BO_SIZE);
	op.res_id = e->bo.res;
	return bind_ext(&e->t, e->vm, &op, NULL, 0) == 0 && ring_idle(&e->t, 6);
}

static bool env_open(struct env *e)
{
	return init_renderer() && env_ctx_open(e, 1, 1);
}

/* Exec the batch at BO_VA + @off on ring 5, signalling host fence @fence. */
static uint32_t exec_at(struct env *e, uint32_t off, uint64_t fence)
{
	struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_HOST_FENCE,
				   .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
				   .fence_id = fence };

	ccmd_exec_ext(&e->t.s, e->queue, BO_VA + off, 5, &s, fence ? 1 : 0, 0);
	if (submit(&e->t))
		return EPROTO;
	return ((struct xe_proxy_ccmd_exec_rsp *)rsp(&e->t, 0))->ret;
}

/* A batch that waits until the dword at SEM_OFF is 1 (MI_SEMAPHORE_WAIT,
 * polling, "SAD == SDD"; encoding from xe_mi_commands.h). */
static void write_spinner(struct env *e)
{
	uint32_t *b = e->bo.map + SPIN_OFF / 4;
	uint64_t sem = BO_VA + SEM_OFF;

	e->bo.map[SEM_OFF / 4] = 0;
	b[0] = (0x1c << 23) | (4 << 12) | 2;
	b[1] = 1;
	b[2] = (uint32_t)sem;
	b[3] = (uint32_t)(sem >> 32);
	b[4] = TEST_MI_BATCH_BUFFER_END;
}

static void release_spinner(struct env *e)
{
	__atomic_store_n(&e->bo.map[SEM_OFF / 4], 1, __ATOMIC_RELEASE);
}

/* --- 1: the response offset comes from the host, never the page ---------- */

static bool case_shmem_rsp_offset(void)
{
	struct xe_proxy_shmem *sh;
	struct env e;
	uint32_t bad[] = { 0xfffffff0u, 0x80000000u, SHMEM_SIZE - 8, SHMEM_SIZE,
			   SHMEM_SIZE + 4096, 1, 0 };
	unsigned int i;
	bool ok;

	ok = env_open(&e);
	sh = e.t.shmem;
	for (i = 0; ok && i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xe_proxy_ccmd_device_query_rsp *r =
			(void *)((char *)e.t.shmem + RSP_AREA);

		memset(r, 0xa5, 64);
		/* The guest owns the page: it rewrites the header at will. */
		sh->rsp_mem_offset = bad[i];
		ccmd_device_query(&e.t.s, DRM_XE_DEVICE_QUERY_CONFIG, 0, 0);
		ok = submit(&e.t) == 0 && r->ret == 0 && r->size > 0;
		if (!ok)
			ktap_diag("rsp_mem_offset 0x%x: response not at the host's offset %zu",
				  bad[i], RSP_AREA);
	}
	sh->rsp_mem_offset = RSP_AREA;
	return ok && still_works(&e.t);
}

/* --- 2: exec-queue properties that carry pointers are not forwarded ------ */

static uint32_t queue_with_property(struct tctx *t, uint32_t vm, uint32_t prop,
				    uint64_t value)
{
	struct xe_proxy_ccmd_exec_queue_create_ext_req *r;
	struct xe_proxy_engine_class_instance *eci;
	struct xe_proxy_exec_queue_property *p;
	size_t inst = (sizeof(*eci) + 7) & ~(size_t)7;

	r = ccmd_add(&t->s, XE_PROXY_CCMD_EXEC_QUEUE_CREATE_EXT,
		     sizeof(*r) + inst + sizeof(*p), 0);
	r->vm_id = vm;
	r->width = 1;
	r->num_placements = 1;
	r->num_properties = 1;
	eci = (void *)r->payload;
	eci->engine_class = DRM_XE_ENGINE_CLASS_RENDER;
	p = (void *)(r->payload + inst);
	p->property = prop;
	p->value = value;
	if (submit(t))
		return EPROTO;
	return ((struct xe_proxy_ccmd_exec_queue_create_rsp *)rsp(t, 0))->ret;
}

static bool case_queue_property_pointer(void)
{
	struct xe_proxy_ccmd_exec_queue_set_property_req *sp;
	uint32_t ret;
	struct env e;
	bool ok;

	ok = env_open(&e);
	/* HANG_REPLAY_STATE: value is a length, the pointer a QEMU address */
	ret = ok ? queue_with_property(&e.t, e.vm, 3, (uintptr_t)&e) : 0;
	ok = ok && ret == EOPNOTSUPP;
	ktap_diag("create with property 3 (HANG_REPLAY_STATE): %u", ret);
	/* unknown: EINVAL, as xe's exec_queue_user_ext_set_property() */
	ret = ok ? queue_with_property(&e.t, e.vm, 99, 0) : 0;
	ok = ok && ret == EINVAL;
	ret = ok ? queue_with_property(&e.t, e.vm, 0, 0) : 0;	/* priority low */
	ok = ok && ret == 0;
	sp = ccmd_add(&e.t.s, XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY, sizeof(*sp), 0);
	sp->exec_queue_id = e.queue;
	sp->property = 3;
	sp->value = (uintptr_t)&e;
	/* xe_exec_queue_set_property_ioctl() takes MULTI_QUEUE_PRIORITY only */
	ok = ok && submit(&e.t) == 0 &&
	     ((struct xe_proxy_ccmd_status_rsp *)rsp(&e.t, 0))->ret == EINVAL;
	return ok && still_works(&e.t);
}

/* --- 3: a bind's user fence never targets a mapping the guest can drop --- */

/*
 * The bind waits for a spinning exec; meanwhile the guest closes and unrefs
 * the BO that holds the fence word (@destroy_ctx: and destroys the whole
 * context). Then the spinner ends and the driver writes the fence.
 */
static bool ufence_after_drop(bool destroy_ctx)
{
	struct xe_proxy_sync syncs[2] = {
		{ .type = XE_PROXY_SYNC_HOST_FENCE, .fence_id = 77 },
		{ .type = XE_PROXY_SYNC_USER_FENCE, .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
		  .addr = 64, .value = 0xfeed },
	};
	struct xe_proxy_vm_bind_op_ext op = {
		.range = 0x10000, .addr = 0x800000, .flags = DRM_XE_VM_BIND_FLAG_NULL,
		.op = DRM_XE_VM_BIND_OP_MAP,
	};
	unsigned char *heap[64];
	struct tbo fbo;
	struct env e;
	size_t i, bad = 0;
	bool ok;

	ok = env_open(&e) && bo_new(&e.t, &fbo, 2);
	if (!ok)
		return false;
	write_spinner(&e);
	ok = exec_at(&e, SPIN_OFF, 77) == 0;
	syncs[1].res_id = fbo.res;
	ok = ok && bind_ext(&e.t, e.vm, &op, syncs, 2) == 0;
	ktap_diag("bind waits on the spinner with its user fence in BO res %u", fbo.res);
	/* drop every guest reference to the fence BO */
	ccmd_gem_close(&e.t.s, fbo.blob_id);
	ok = ok && submit(&e.t) == 0;
	virgl_renderer_resource_unmap(fbo.res);
	virgl_renderer_resource_unref(fbo.res);
	/* QEMU maps other things where the BO was: fill that space */
	for (i = 0; i < 64; i++) {
		heap[i] = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (heap[i] == MAP_FAILED)
			return false;
		memset(heap[i], 0x5a, BO_SIZE);
	}
	release_spinner(&e);
	if (destroy_ctx) {
		tctx_close(&e.t);
		usleep(300000);
		ok = ok && tctx_open(&e.t, 2) == 0;
	} else {
		ok = ok && ring_idle(&e.t, 6);
		usleep(300000);
	}
	for (i = 0; i < 64 * BO_SIZE; i++)
		bad += heap[i / BO_SIZE][i % BO_SIZE] != 0x5a;
	ktap_diag("bytes of later mappings the fence write changed: %zu", bad);
	return ok && !bad && still_works(&e.t);
}

static bool case_bind_ufence_bo_dropped(void)
{
	return ufence_after_drop(false);
}

static bool case_bind_ufence_ctx_destroyed(void)
{
	return ufence_after_drop(true);
}

/* --- 4: userptr of guest memory never outlives QEMU's iovecs ------------- */

/* Store @value through GPU address @va; true when the exec ran. */
static bool store(struct env *e, uint64_t va, uint32_t value)
{
	test_store_dword_batch(e->bo.map + STORE_OFF / 4, va, value);
	return exec_at(e, STORE_OFF, 0) == 0 && ring_idle(&e->t, 5);
}

static bool guest_blob(struct env *e, uint32_t res, struct iovec *iov, int n,
		       uint64_t size)
{
	struct virgl_renderer_resource_create_blob_args ga = {
		.res_handle = res, .ctx_id = e->t.id,
		.blob_mem = VIRGL_RENDERER_BLOB_MEM_GUEST,
		.size = size, .iovecs = iov, .num_iovs = n,
	};

	return virgl_renderer_resource_create_blob(&ga) == 0;
}

static bool case_userptr_detach_unbinds(void)
{
	uint32_t *page = aligned_alloc(4096, 4096);
	struct iovec iov = { page, 4096 }, *back = NULL;
	struct xe_proxy_vm_bind_op_ext op = {
		.range = 4096, .addr = 0x600000, .op = DRM_XE_VM_BIND_OP_MAP_USERPTR,
		.pat_index = CCMD_PAT_WB,
	};
	uint32_t res = next_res++, ret;
	int nback = 0;
	struct env e;
	bool ok;

	setenv("XE_PROXY_USERPTR", "1", 1);
	ok = env_open(&e) && page;
	memset(page, 0, 4096);
	ok = ok && guest_blob(&e, res, &iov, 1, 4096);
	op.res_id = res;
	ok = ok && bind_ext(&e.t, e.vm, &op, NULL, 0) == 0 && ring_idle(&e.t, 6);
	ok = ok && store(&e, 0x600000, 0x1111) && page[0] == 0x1111;
	ktap_diag("userptr bound and written through: %s", ok ? "yes" : "no");
	/* QEMU takes the iovecs back (and will reuse the memory) */
	virgl_renderer_resource_detach_iov(res, &back, &nback);
	ok = ok && back == &iov && nback == 1;
	page[0] = 0;
	store(&e, 0x600000, 0x2222);
	ktap_diag("after detach the GPU store reached the old page: %s",
		  page[0] == 0x2222 ? "yes" : "no");
	ok = ok && page[0] == 0;
	ret = bind_ext(&e.t, e.vm, &op, NULL, 0);
	ktap_diag("bind after detach: %u", ret);
	ok = ok && ret == ENOENT;
	virgl_renderer_resource_unref(res);
	free(page);
	return ok && still_works(&e.t);
}

/*
 * Guest memory can name the host-visible window. The library never maps a
 * blob over guest memory (the driver's notifier would wait for the guest's
 * GPU work on QEMU's thread), nor takes guest memory where a blob is mapped.
 */
static bool case_userptr_window_map_refused(void)
{
	uint32_t *win = mmap(NULL, 2 * BO_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec iov = { win, 4096 };
	struct iovec over = { (char *)win + BO_SIZE, 4096 };
	struct xe_proxy_vm_bind_op_ext op = {
		.range = 4096, .addr = 0x700000, .op = DRM_XE_VM_BIND_OP_MAP_USERPTR,
		.pat_index = CCMD_PAT_WB,
	};
	uint32_t res = next_res++;
	struct tbo other, third;
	struct env e;
	int ret;
	bool ok;

	setenv("XE_PROXY_USERPTR", "1", 1);
	ok = env_open(&e) && win != MAP_FAILED && bo_new(&e.t, &other, 2) &&
	     bo_new(&e.t, &third, 3);
	ok = ok && guest_blob(&e, res, &iov, 1, 4096);
	op.res_id = res;
	ok = ok && bind_ext(&e.t, e.vm, &op, NULL, 0) == 0 && ring_idle(&e.t, 6);
	ret = virgl_renderer_resource_map_fixed(other.res, win);
	ktap_diag("map_fixed of a blob over bound guest memory: %d", ret);
	ok = ok && ret == -EBUSY;
	/* the other way round: a blob is mapped, then guest memory names it */
	ok = ok && virgl_renderer_resource_map_fixed(third.res, (char *)win + BO_SIZE) == 0;
	ret = guest_blob(&e, next_res++, &over, 1, 4096);
	ktap_diag("guest memory over a mapped blob accepted: %s", ret ? "yes" : "no");
	ok = ok && !ret;
	return ok && still_works(&e.t);
}

/* Guest userptr is an opt-in of the administrator (docs/security.md). */
static bool case_userptr_off_by_default(void)
{
	struct xe_proxy_capset_drm cap = { 0 };
	uint32_t *page = aligned_alloc(4096, 4096);
	struct iovec iov = { page, 4096 };
	struct env e;
	bool ok;

	unsetenv("XE_PROXY_USERPTR");
	ok = env_open(&e) && page;
	virgl_renderer_fill_caps(XE_PROXY_CAPSET_DRM, 0, &cap);
	ktap_diag("features 0x%llx", (unsigned long long)cap.u.xe.features);
	ok = ok && cap.u.xe.features && !(cap.u.xe.features & XE_PROXY_F_USERPTR);
	ok = ok && !guest_blob(&e, next_res++, &iov, 1, 4096);
	free(page);
	return ok && still_works(&e.t);
}

/* Fault-mode VMs are an opt-in too: an exec on one can wait in the driver. */
static bool case_fault_mode_off_by_default(void)
{
	struct xe_proxy_ccmd_vm_create_rsp *r;
	struct env e;
	bool ok;

	ok = env_open(&e);
	ccmd_vm_create(&e.t.s, DRM_XE_VM_CREATE_FLAG_LR_MODE |
		       DRM_XE_VM_CREATE_FLAG_FAULT_MODE, 0);
	ok = ok && submit(&e.t) == 0;
	r = rsp(&e.t, 0);
	ktap_diag("fault-mode VM without XE_PROXY_FAULT_MODE=1: %u", r->ret);
	return ok && r->ret == EOPNOTSUPP && still_works(&e.t);
}

/* --- 5: nothing the guest does blocks QEMU's thread ----------------------- */

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "# a call blocked QEMU's thread\n";

	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(2);
}

/*
 * VM_DESTROY waits in the driver for all of the VM's work, and so does
 * closing a context's fd; with a spinner on the VM the call must still
 * return at once (the simulated job timeout is 5 s: the alarm fires first if
 * anything waits for it). @ctx: destroy the whole context, else the VM.
 */
static bool destroy_does_not_wait(bool ctx)
{
	struct env e;
	bool ok;

	ok = env_open(&e);
	write_spinner(&e);
	ok = ok && exec_at(&e, SPIN_OFF, 0) == 0;
	signal(SIGALRM, on_alarm);
	alarm(3);
	if (ctx) {
		tctx_close(&e.t);
		ok = ok && tctx_open(&e.t, 2) == 0;
	} else {
		ccmd_vm_destroy(&e.t.s, e.vm);
		ok = ok && submit(&e.t) == 0;
	}
	ok = ok && still_works(&e.t);
	alarm(0);
	if (ctx)
		return ok;
	release_spinner(&e);
	return ok && ring_idle(&e.t, 5);
}

static bool case_vm_destroy_does_not_wait(void)
{
	return destroy_does_not_wait(false);
}

static bool case_ctx_destroy_does_not_wait(void)
{
	return destroy_does_not_wait(true);
}

/* MAPs that split ranges fill the limit exactly; unmapping must still work. */
static bool case_unmap_at_mapping_limit(void)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.range = 0x100000, .addr = 0x20000000, .flags = DRM_XE_VM_BIND_FLAG_NULL,
		.op = DRM_XE_VM_BIND_OP_MAP,
	};
	uint32_t i, ret = 0, made = 0;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_MAPPINGS", "32", 1);
	ok = env_open(&e) && bind_ext(&e.t, e.vm, &op, NULL, 0) == 0;
	/* each 4K MAP inside the big range adds two ranges */
	op.range = 0x1000;
	for (i = 0; ok && i < 40 && !ret; i++) {
		op.addr = 0x20000000 + 0x2000ULL * (i + 1);
		ret = bind_ext(&e.t, e.vm, &op, NULL, 0);
		made += !ret;
	}
	ktap_diag("%u splitting MAPs, then %u (limit 32)", made, ret);
	op.op = DRM_XE_VM_BIND_OP_UNMAP;
	op.flags = 0;
	op.addr = 0x20000000 + 0x2000;
	ret = bind_ext(&e.t, e.vm, &op, NULL, 0);
	ktap_diag("UNMAP of one whole range at the limit: %u", ret);
	return ok && made && ret == 0 && ring_idle(&e.t, 6) && still_works(&e.t);
}

/* --- 5b: EAGAIN from the driver goes back, QEMU's thread never spins ------ */

static bool case_full_queue_eagain(void)
{
	uint32_t ret = 0, i;
	struct env e;
	bool ok;

	ok = env_open(&e);
	write_spinner(&e);
	signal(SIGALRM, on_alarm);
	alarm(20);
	/* xe refuses a job past XE_MAX_JOB_COUNT_PER_EXEC_QUEUE (1000) */
	for (i = 0; ok && i < 1100; i++) {
		ret = exec_at(&e, SPIN_OFF, 0);
		if (ret)
			break;
	}
	alarm(0);
	ktap_diag("exec %u of a spinning queue: %u", i, ret);
	ok = ok && ret == EAGAIN && i >= 1000;
	release_spinner(&e);
	return ok && ring_idle(&e.t, 5) && still_works(&e.t);
}

/* --- 6: BO memory stays charged while the driver still holds it ---------- */

static uint32_t gem_create(struct tctx *t, uint64_t size, uint32_t blob_id)
{
	ccmd_gem_create_ext(&t->s, size, placement_sysmem, 0, 0, blob_id,
			    DRM_XE_GEM_CPU_CACHING_WB, 0);
	if (submit(t))
		return EPROTO;
	return ((struct xe_proxy_ccmd_value_rsp *)rsp(t, 0))->ret;
}

static bool case_mem_charged_while_bound(void)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.range = 2 << 20, .addr = 0x4000000, .op = DRM_XE_VM_BIND_OP_MAP,
		.pat_index = CCMD_PAT_WB,
	};
	uint32_t res = next_res++, ret;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MEM_LIMIT", "4M", 1);
	ok = env_open(&e);	/* shmem 64K + BO 64K */
	ok = ok && gem_create(&e.t, 2 << 20, 10) == 0 &&
	     create_blob(&e.t, res, 10, 2 << 20) == 0;
	op.res_id = res;
	ok = ok && bind_ext(&e.t, e.vm, &op, NULL, 0) == 0 && ring_idle(&e.t, 6);
	/* the guest lets go; the VM still maps the BO */
	ccmd_gem_close(&e.t.s, 10);
	ok = ok && submit(&e.t) == 0;
	virgl_renderer_resource_unref(res);
	ret = gem_create(&e.t, 2 << 20, 11);
	ktap_diag("2M BO while a closed 2M BO is still bound (limit 4M): %u", ret);
	ok = ok && ret == ENOSPC;
	op.op = DRM_XE_VM_BIND_OP_UNMAP;
	op.res_id = 0;
	op.pat_index = 0;
	ok = ok && bind_ext(&e.t, e.vm, &op, NULL, 0) == 0 && ring_idle(&e.t, 6);
	ret = gem_create(&e.t, 2 << 20, 11);
	ktap_diag("after the unbind: %u", ret);
	return ok && ret == 0 && still_works(&e.t);
}

/*
 * A slice resource (XE_PROXY_F_BLOB_SLICE) is one more fd: one BO against
 * XE_PROXY_MAX_BOS, given back on its unref. It holds its BO after the
 * guest closed the BO and dropped the BO's own resource.
 */
static bool case_slices_bounded(void)
{
	uint32_t res = next_res++, s1 = next_res++, s2 = next_res++, *p = NULL;
	uint64_t size = 0;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_BOS", "4", 1);
	ok = env_open(&e);	/* shmem + BO */
	ok = ok && gem_create(&e.t, 2 << 20, 10) == 0 &&
	     create_blob(&e.t, res, 10, 2 << 20) == 0 &&
	     create_blob(&e.t, s1, XE_PROXY_BLOB_SLICE(10, 256), 1 << 20) == 0;
	ok = ok && create_blob(&e.t, s2, XE_PROXY_BLOB_SLICE(10, 0), 1 << 20) != 0;
	ktap_diag("second slice over XE_PROXY_MAX_BOS=4: %s", ok ? "refused" : "not refused");
	ccmd_gem_close(&e.t.s, 10);
	ok = ok && submit(&e.t) == 0;
	virgl_renderer_resource_unref(res);
	ok = ok && !virgl_renderer_resource_map(s1, (void **)&p, &size) && size == 1 << 20;
	if (ok) {
		p[(1 << 20) / 4 - 1] = 0x5a5a5a5a;
		ok = p[(1 << 20) / 4 - 1] == 0x5a5a5a5a &&
		     !virgl_renderer_resource_unmap(s1);
	}
	virgl_renderer_resource_unref(s1);
	/* the BO went with its last slice: room for a BO and a slice again */
	ok = ok && gem_create(&e.t, 2 << 20, 11) == 0 &&
	     create_blob(&e.t, next_res++, 11, 2 << 20) == 0 &&
	     create_blob(&e.t, s2, XE_PROXY_BLOB_SLICE(11, 0), 1 << 20) == 0;
	return ok && still_works(&e.t);
}

/* A pending bind user fence holds its BO: the BO stays charged. */
static bool case_mem_charged_while_ufence_pending(void)
{
	struct xe_proxy_sync syncs[2] = {
		{ .type = XE_PROXY_SYNC_HOST_FENCE, .fence_id = 77 },
		{ .type = XE_PROXY_SYNC_USER_FENCE, .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
		  .addr = 64, .value = 1 },
	};
	struct xe_proxy_vm_bind_op_ext op = {
		.range = 0x10000, .addr = 0x800000, .flags = DRM_XE_VM_BIND_FLAG_NULL,
		.op = DRM_XE_VM_BIND_OP_MAP,
	};
	uint32_t res = next_res++, ret, i;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MEM_LIMIT", "4M", 1);
	ok = env_open(&e);
	ok = ok && gem_create(&e.t, 2 << 20, 10) == 0 &&
	     create_blob(&e.t, res, 10, 2 << 20) == 0;
	write_spinner(&e);
	ok = ok && exec_at(&e, SPIN_OFF, 77) == 0;
	syncs[1].res_id = res;
	ok = ok && bind_ext(&e.t, e.vm, &op, syncs, 2) == 0;
	ccmd_gem_close(&e.t.s, 10);
	ok = ok && submit(&e.t) == 0;
	virgl_renderer_resource_unref(res);
	ret = gem_create(&e.t, 2 << 20, 11);
	ktap_diag("2M while a pending fence holds a closed 2M BO (limit 4M): %u", ret);
	ok = ok && ret == ENOSPC;
	release_spinner(&e);
	ok = ok && ring_idle(&e.t, 6);
	for (i = 0, ret = 1; ok && ret && i < 100; i++) {
		usleep(10000);
		ret = gem_create(&e.t, 2 << 20, 11);
	}
	ktap_diag("after the fence was written: %u", ret);
	return ok && ret == 0 && still_works(&e.t);
}

/* The limit is the guest's, not each context's; orphaned blobs count. */
static bool case_mem_limit_per_guest(void)
{
	uint32_t res = next_res++, ret;
	struct tctx b;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MEM_LIMIT", "4M", 1);
	ok = env_open(&e) && tctx_open(&b, 2) == 0;
	ok = ok && gem_create(&e.t, 3 << 20, 10) == 0;
	ret = gem_create(&b, 2 << 20, 10);
	ktap_diag("second context, 2M after the first took 3M of 4M: %u", ret);
	ok = ok && ret == ENOSPC;
	/* a resource outlives its context, and so does its charge */
	ok = ok && create_blob(&e.t, res, 10, 3 << 20) == 0;
	tctx_close(&e.t);
	ret = gem_create(&b, 2 << 20, 11);
	ktap_diag("after the first context went, its resource still alive: %u", ret);
	ok = ok && ret == ENOSPC;
	virgl_renderer_resource_unref(res);
	ret = gem_create(&b, 2 << 20, 12);
	ktap_diag("after the resource's unref: %u", ret);
	return ok && ret == 0 && still_works(&b);
}

/* --- 7: host fences and their fds are bounded ---------------------------- */

static bool case_fence_fds_bounded(void)
{
	struct xe_proxy_sync s[64];
	uint64_t ids[64], next = 1000;
	int fds0, fds_peak = 0, n;
	uint32_t ret = 0, i, j, sent = 0;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_FENCES", "512", 1);
	ok = env_open(&e);
	fds0 = count_fds();
	write_spinner(&e);
	/* no-batch execs behind a spinner, each signalling 64 host fences */
	ret = exec_at(&e, SPIN_OFF, 0);
	for (i = 0; ok && i < 32 && !ret; i++) {
		struct xe_proxy_ccmd_exec_ext_req *r;

		for (j = 0; j < 64; j++)
			s[j] = (struct xe_proxy_sync){ .type = XE_PROXY_SYNC_HOST_FENCE,
						       .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
						       .fence_id = next + j };
		r = ccmd_exec_ext(&e.t.s, e.queue, 0, 5, s, 64, 0);
		r->flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
		ok = submit(&e.t) == 0;
		ret = ((struct xe_proxy_ccmd_exec_rsp *)rsp(&e.t, 0))->ret;
		if (!ret) {
			sent += 64;
			next += 64;
		}
		n = count_fds();
		fds_peak = n > fds_peak ? n : fds_peak;
	}
	ktap_diag("%u host fences accepted, then %u; fds %d -> peak %d (limit 512)",
		  sent, ret, fds0, fds_peak);
	/* a sync_file is one fd on xe, two on the simulator (its poll pipe) */
	ok = ok && ret == EMFILE && fds_peak - fds0 <= 2 * 512;
	release_spinner(&e);
	ok = ok && ring_idle(&e.t, 5);
	for (next = 1000; next < 1000 + sent; next += 64) {
		for (j = 0; j < 64; j++)
			ids[j] = next + j;
		ccmd_fence_put(&e.t.s, ids, 64);
		ok = ok && submit(&e.t) == 0;
	}
	n = count_fds();
	ktap_diag("after FENCE_PUT of all: %d fds (baseline %d)", n, fds0);
	return ok && n <= fds0 && still_works(&e.t);
}

/*
 * QEMU ignores what virgl_renderer_context_create_fence() returns: a ring
 * fence the host cannot allocate or charge must still signal, after the
 * work before it, or the guest's command never completes. Over the fence
 * limit (and, the same path, without memory: XE_PROXY_FAULT=alloc_ring)
 * the host merges it into the pending fence before it, when that one is
 * mergeable, as QEMU's always are; a fence whose creator did not allow
 * merging is not merged into.
 */
static bool case_ring_fence_over_limit_signals(void)
{
	uint64_t first, last = 0;
	uint32_t i, ret;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_FENCES", "8", 1);
	ok = env_open(&e);
	write_spinner(&e);
	ret = exec_at(&e, SPIN_OFF, 0);
	first = e.t.next_fence + 1;
	for (i = 0; ok && !ret && i < 32; i++) {
		last = ++e.t.next_fence;
		ok = virgl_renderer_context_create_fence(e.t.id,
							 VIRGL_RENDERER_FENCE_FLAG_MERGEABLE,
							 5, last) == 0;
	}
	ktap_diag("spinner exec: %u; fences %llu..%llu on ring 5 taken: %s", ret,
		  (unsigned long long)first, (unsigned long long)last, ok ? "yes" : "no");
	/* one that may not be merged into still merges into a mergeable one... */
	last = ++e.t.next_fence;
	ok = ok && virgl_renderer_context_create_fence(e.t.id, 0, 5, last) == 0;
	/* ...but the next cannot merge into it: refused, not lost silently */
	i = (uint32_t)-virgl_renderer_context_create_fence(e.t.id, 0, 5, last + 1);
	ktap_diag("over the limit behind a non-mergeable fence: %d (want ENOMEM)", (int)i);
	ok = ok && i == ENOMEM;
	/* none signals while the spinner runs (the fence thread had time) */
	ok = ok && !ret && !fence_seen_within(e.t.id, 5, first, EARLY_MS);
	release_spinner(&e);
	ok = ok && fence_wait(e.t.id, 5, last);
	ktap_diag("the last fence signalled after the spinner: %s", ok ? "yes" : "no");
	return ok && still_works(&e.t);
}

/* --- 8: contexts, VMs, queues and mappings are bounded per guest --------- */

static bool case_contexts_bounded(void)
{
	struct tctx t[6];
	int i, fds0, made = 0;
	bool ok;

	setenv("XE_PROXY_MAX_CONTEXTS", "4", 1);
	ok = init_renderer();
	fds0 = count_fds();
	for (i = 0; ok && i < 6; i++)
		if (virgl_renderer_context_create_with_flags(i + 1, XE_PROXY_CAPSET_DRM,
							     4, "test") == 0)
			made++;
	ktap_diag("%d of 6 contexts created (limit 4)", made);
	ok = ok && made == 4;
	/* the fd closes on the reaper thread; the count is released then */
	virgl_renderer_context_destroy(1);
	for (i = 0; i < 100 && tctx_open(&t[0], 7); i++) {
		virgl_renderer_context_destroy(7);
		usleep(10000);
	}
	ok = ok && i < 100 && still_works(&t[0]);
	tctx_close(&t[0]);
	for (i = 1; i < 6; i++)
		virgl_renderer_context_destroy(i + 1);
	for (i = 0; i < 100 && count_fds() != fds0; i++)
		usleep(10000);
	ktap_diag("fds %d after all were destroyed (before %d)", count_fds(), fds0);
	return ok && count_fds() == fds0;
}

static bool case_vms_queues_bounded(void)
{
	uint32_t err = 0, i, vms = 0, queues = 0;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_VMS", "8", 1);
	setenv("XE_PROXY_MAX_EXEC_QUEUES", "8", 1);
	ok = env_open(&e);	/* one of each already */
	for (i = 0; ok && i < 10; i++)
		vms += vm_create(&e.t, &err) != 0;
	ok = ok && vms == 7 && err == EMFILE;
	for (i = 0; ok && i < 10; i++)
		queues += queue_create(&e.t, e.vm, &err) != 0;
	ktap_diag("%u more VMs, %u more queues (limits 8), then %u", vms, queues, err);
	return ok && queues == 7 && err == EMFILE && still_works(&e.t);
}

/* Limits are decimal or 0x hexadecimal: "010" is ten, not octal eight. */
static bool case_limit_parsing(void)
{
	uint32_t err = 0, i, vms = 0;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_VMS", "010", 1);
	ok = env_open(&e);	/* one VM already */
	for (i = 0; ok && i < 12; i++)
		vms += vm_create(&e.t, &err) != 0;
	ktap_diag("XE_PROXY_MAX_VMS=010: %u more VMs, then %u", vms, err);
	return ok && vms == 9 && err == EMFILE && still_works(&e.t);
}

static bool case_mappings_bounded(void)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.range = 0x10000, .flags = DRM_XE_VM_BIND_FLAG_NULL,
		.op = DRM_XE_VM_BIND_OP_MAP,
	};
	uint32_t i, ret = 0, made = 0;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_MAPPINGS", "64", 1);
	ok = env_open(&e);	/* one mapping already */
	for (i = 0; ok && i < 100 && !ret; i++) {
		op.addr = 0x10000000 + i * 0x20000ULL;
		ret = bind_ext(&e.t, e.vm, &op, NULL, 0);
		made += !ret;
	}
	ktap_diag("%u NULL mappings, then %u (limit 64)", made, ret);
	ok = ok && ret == ENOSPC && made >= 60 && made < 64;
	/* unmapping gives room back */
	op.op = DRM_XE_VM_BIND_OP_UNMAP;
	op.flags = 0;
	op.addr = 0x10000000;
	op.range = 0x20000ULL * 8;
	ok = ok && bind_ext(&e.t, e.vm, &op, NULL, 0) == 0;
	op.op = DRM_XE_VM_BIND_OP_MAP;
	op.flags = DRM_XE_VM_BIND_FLAG_NULL;
	op.range = 0x10000;
	ok = ok && bind_ext(&e.t, e.vm, &op, NULL, 0) == 0;
	return ok && ring_idle(&e.t, 6) && still_works(&e.t);
}

/* --- PRIME: a BO of one context attached to another ---------------------- */

#define SH_VA		0x400000ULL
#define SH_VA2		0x500000ULL
#define MAP		DRM_XE_VM_BIND_OP_MAP
#define UNMAP		DRM_XE_VM_BIND_OP_UNMAP

/* Map (@res) or unmap (@res 0) BO_SIZE bytes at @va; 0 once done. */
static uint32_t bind_res(struct env *e, uint32_t op_code, uint32_t res,
			 uint64_t va)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.res_id = res, .range = BO_SIZE, .addr = va, .op = op_code,
		.pat_index = CCMD_PAT_WB,
	};
	uint32_t ret = bind_ext(&e->t, e->vm, &op, NULL, 0);

	return ret ? ret : ring_idle(&e->t, 6) ? 0 : ETIMEDOUT;
}

/* Copy the dword at @src to @dst with @e's GPU; true when the exec ran. */
static bool copy(struct env *e, uint64_t dst, uint64_t src)
{
	test_copy_dword_batch(e->bo.map + STORE_OFF / 4, dst, src);
	return exec_at(e, STORE_OFF, 0) == 0 && ring_idle(&e->t, 5);
}

/* Contexts 1 and 2, and BO @sh of context 1 that neither has bound. */
static bool two_envs(struct env *a, struct env *b, struct tbo *sh)
{
	if (!init_renderer() || !env_ctx_open(a, 1, 1) ||
	    !env_ctx_open(b, 2, 1) || !bo_new(&a->t, sh, 10))
		return false;
	memset(sh->map, 0, BO_SIZE);
	return true;
}

/* Both contexts bind the BO; each GPU writes it and reads the other's. */
static bool case_prime_attach_bind_exec(void)
{
	struct env a, b;
	struct tbo sh;
	uint32_t ret;
	bool ok;

	if (!two_envs(&a, &b, &sh))
		return false;
	ret = bind_res(&b, MAP, sh.res, SH_VA);
	ktap_diag("bind before the attach: %u", ret);
	ok = ret == ENOENT;
	virgl_renderer_ctx_attach_resource(2, (int)sh.res);
	ok = ok && bind_res(&b, MAP, sh.res, SH_VA) == 0 &&
	     bind_res(&a, MAP, sh.res, SH_VA) == 0;
	ok = ok && store(&a, SH_VA, 0x1111) && store(&b, SH_VA + 4, 0x2222);
	/* each reads what the other wrote */
	ok = ok && copy(&b, SH_VA + 8, SH_VA) && copy(&a, BO_VA + 0x4000, SH_VA + 4);
	ktap_diag("shared BO 0x%x 0x%x 0x%x, exporter's own BO 0x%x", sh.map[0],
		  sh.map[1], sh.map[2], a.bo.map[0x4000 / 4]);
	ok = ok && sh.map[0] == 0x1111 && sh.map[1] == 0x2222 &&
	     sh.map[2] == 0x1111 && a.bo.map[0x4000 / 4] == 0x2222;
	return ok && still_works(&a.t) && still_works(&b.t);
}

/* What cannot be attached stays unknown to the context; nothing breaks. */
static bool case_prime_attach_hostile(void)
{
	const int junk[] = { 0, -1, 0x7fffffff, 4242 };
	struct xe_proxy_ccmd_value_rsp *r;
	struct env a, b;
	struct tbo sh, priv = { 0 };
	unsigned int i;
	bool ok;

	if (!two_envs(&a, &b, &sh))
		return false;
	/* a VM-private BO: xe never exports it, so it has no dma-buf */
	ccmd_gem_create_ext(&a.t.s, BO_SIZE, placement_sysmem, 0, a.vm, 11,
			    DRM_XE_GEM_CPU_CACHING_WB, 0);
	ok = submit(&a.t) == 0;
	r = rsp(&a.t, 0);
	priv.res = next_res++;
	ok = ok && r->ret == 0 && create_blob(&a.t, priv.res, 11, BO_SIZE) == 0;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		virgl_renderer_ctx_attach_resource(2, junk[i]);
	virgl_renderer_ctx_attach_resource(2, (int)a.t.shmem_res);
	virgl_renderer_ctx_attach_resource(2, (int)priv.res);
	virgl_renderer_ctx_attach_resource(99, (int)sh.res);	/* no context */
	virgl_renderer_ctx_detach_resource(2, (int)sh.res);	/* not attached */
	/* the creator's own resource: attach is a no-op, detach refused */
	virgl_renderer_ctx_attach_resource(1, (int)sh.res);
	virgl_renderer_ctx_detach_resource(1, (int)sh.res);
	ok = ok && bind_res(&b, MAP, priv.res, SH_VA) == ENOENT &&
	     bind_res(&b, MAP, a.t.shmem_res, SH_VA) == ENOENT &&
	     bind_res(&b, MAP, sh.res, SH_VA) == ENOENT &&
	     bind_res(&a, MAP, sh.res, SH_VA) == 0;
	ktap_diag("junk attaches refused; the creator still binds its BO: %d", ok);
	/* attached twice, detached while bound: the mapping keeps working */
	virgl_renderer_ctx_attach_resource(2, (int)sh.res);
	virgl_renderer_ctx_attach_resource(2, (int)sh.res);
	ok = ok && bind_res(&b, MAP, sh.res, SH_VA) == 0;
	virgl_renderer_ctx_detach_resource(2, (int)sh.res);
	ok = ok && bind_res(&b, MAP, sh.res, SH_VA2) == ENOENT &&
	     store(&b, SH_VA, 0x3333);
	/* attached again: the same import comes back */
	virgl_renderer_ctx_attach_resource(2, (int)sh.res);
	ok = ok && bind_res(&b, MAP, sh.res, SH_VA2) == 0 &&
	     store(&b, SH_VA2 + 4, 0x4444);
	ktap_diag("after detach and re-attach: 0x%x 0x%x", sh.map[0], sh.map[1]);
	ok = ok && sh.map[0] == 0x3333 && sh.map[1] == 0x4444;
	return ok && still_works(&a.t) && still_works(&b.t);
}

/* The exporting context goes first, then the resource: the import lives on. */
static bool case_prime_import_outlives_exporter(void)
{
	struct env a, b, c;
	struct tbo sh;
	bool ok;

	if (!two_envs(&a, &b, &sh))
		return false;
	virgl_renderer_ctx_attach_resource(2, (int)sh.res);
	ok = bind_res(&b, MAP, sh.res, SH_VA) == 0;
	ccmd_gem_close(&a.t.s, sh.blob_id);
	ok = ok && submit(&a.t) == 0;
	tctx_close(&a.t);
	ok = ok && store(&b, SH_VA, 0x5555);
	/* a context that attaches it after its creator is gone */
	if (!env_ctx_open(&c, 3, 1))
		return false;
	virgl_renderer_ctx_attach_resource(3, (int)sh.res);
	ok = ok && bind_res(&c, MAP, sh.res, SH_VA) == 0 &&
	     store(&c, SH_VA + 4, 0x6666);
	ktap_diag("creator gone: 0x%x 0x%x", sh.map[0], sh.map[1]);
	ok = ok && sh.map[0] == 0x5555 && sh.map[1] == 0x6666;
	/* the unref detaches it everywhere; mappings keep the BO */
	virgl_renderer_resource_unmap(sh.res);
	virgl_renderer_resource_unref(sh.res);
	ok = ok && bind_res(&b, MAP, sh.res, SH_VA2) == ENOENT &&
	     store(&b, SH_VA, 0x7777) && copy(&c, BO_VA + 0x4000, SH_VA);
	ktap_diag("after the unref, read back through a mapping: 0x%x",
		  c.bo.map[0x4000 / 4]);
	ok = ok && c.bo.map[0x4000 / 4] == 0x7777;
	ok = ok && bind_res(&b, UNMAP, 0, SH_VA) == 0 &&
	     bind_res(&c, UNMAP, 0, SH_VA) == 0;
	return ok && still_works(&b.t) && still_works(&c.t);
}

/*
 * An import counts as a BO of its own; a detach gives it back. A refused
 * attach stays attached: each bind tries the import again and gets the
 * limit's errno, until there is room (no new attach needed).
 */
static bool case_prime_import_charged(void)
{
	struct env a, b, c = { 0 };
	uint32_t err = 0, ret;
	struct tbo sh;
	bool ok;

	/* 2 + 2 for the two contexts, 1 for the BO, 1 for c's shmem: 6 */
	setenv("XE_PROXY_MAX_BOS", "7", 1);
	if (!two_envs(&a, &b, &sh) || tctx_open(&c.t, 3))
		return false;
	c.vm = vm_create(&c.t, &err);
	virgl_renderer_ctx_attach_resource(2, (int)sh.res);	/* the 7th */
	virgl_renderer_ctx_attach_resource(3, (int)sh.res);	/* refused */
	ok = c.vm && bind_res(&b, MAP, sh.res, SH_VA) == 0;
	ret = ok ? bind_res(&c, MAP, sh.res, SH_VA) : 0;
	ktap_diag("third context's bind past the BO limit: %u", ret);
	ok = ok && ret == EMFILE;
	/* detached: nothing to retry */
	virgl_renderer_ctx_detach_resource(3, (int)sh.res);
	ret = ok ? bind_res(&c, MAP, sh.res, SH_VA) : 0;
	ktap_diag("after c detached it: %u", ret);
	ok = ok && ret == ENOENT;
	virgl_renderer_ctx_attach_resource(3, (int)sh.res);	/* refused */
	/* still bound in b: the import and its charge stay after the detach */
	virgl_renderer_ctx_detach_resource(2, (int)sh.res);
	ok = ok && bind_res(&c, MAP, sh.res, SH_VA) == EMFILE;
	ok = ok && bind_res(&b, UNMAP, 0, SH_VA) == 0;
	ret = ok ? bind_res(&c, MAP, sh.res, SH_VA) : 0;
	ktap_diag("after b unbound it, without a new attach: %u", ret);
	return ok && ret == 0 && still_works(&c.t);
}

/* Close BO @bo (bound at @va) as the guest does: resource, then handle. */
static bool close_bound(struct env *e, struct tbo *bo)
{
	virgl_renderer_resource_unmap(bo->res);
	virgl_renderer_resource_unref(bo->res);
	ccmd_gem_close(&e->t.s, bo->blob_id);
	return submit(&e->t) == 0;
}

/*
 * The guest may name a new BO with the blob_id of one it closed while a VM
 * still maps it (its ids come back at once). Both BOs live side by side;
 * the closed one keeps its charge until unbound, so reusing ids does not
 * let a guest hold more BOs than its limit.
 */
static bool case_blob_id_reused_while_bound(void)
{
	struct tbo old, cur;
	uint32_t ret;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_BOS", "4", 1);
	ok = env_open(&e) && bo_new(&e.t, &old, 10);	/* shmem + BO + 10 */
	ok = ok && bind_res(&e, MAP, old.res, SH_VA) == 0 &&
	     store(&e, SH_VA, 0x1111) && close_bound(&e, &old);
	ok = ok && bo_new(&e.t, &cur, 10);
	ktap_diag("new BO under the blob_id of a closed, bound one: %s",
		  ok ? "made" : "refused");
	ok = ok && bind_res(&e, MAP, cur.res, SH_VA2) == 0 &&
	     store(&e, SH_VA2, 0x2222) && copy(&e, BO_VA + 0x4000, SH_VA);
	ktap_diag("new BO 0x%x, read back from the closed one 0x%x",
		  ok ? cur.map[0] : 0, e.bo.map[0x4000 / 4]);
	ok = ok && cur.map[0] == 0x2222 && e.bo.map[0x4000 / 4] == 0x1111;
	/* the closed BO still counts: a fifth BO is over the limit */
	ok = ok && close_bound(&e, &cur);
	ret = gem_create(&e.t, BO_SIZE, 10);
	ktap_diag("third BO under blob_id 10, two closed ones bound: %u", ret);
	ok = ok && ret == EMFILE;
	ok = ok && bind_res(&e, UNMAP, 0, SH_VA) == 0;
	ret = gem_create(&e.t, BO_SIZE, 10);
	ktap_diag("after one of them was unbound: %u", ret);
	/* the context goes with the other one still bound (ASan: no leak) */
	return ok && ret == 0 && still_works(&e.t);
}

/* Map @range bytes of resource @res at @va in @e's VM; 0 once done. */
static uint32_t bind_range(struct env *e, uint32_t res, uint64_t range,
			   uint64_t va)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.res_id = res, .range = range, .addr = va, .op = MAP,
		.pat_index = CCMD_PAT_WB,
	};
	uint32_t ret = bind_ext(&e->t, e->vm, &op, NULL, 0);

	return ret ? ret : ring_idle(&e->t, 6) ? 0 : ETIMEDOUT;
}

/*
 * A slice resource shares part of a BO. A context it is attached to must
 * see that part only: not the BO's first pages, and not past the slice.
 */
static bool case_slice_attach_stays_in_slice(void)
{
	uint32_t s1 = next_res++, ret, got;
	struct env a, b;
	struct tbo sh;
	bool ok;

	if (!two_envs(&a, &b, &sh))
		return false;
	sh.map[0] = 0x5ec7e7;			/* not shared */
	sh.map[0x8000 / 4] = 0x51ce;		/* the slice's first dword */
	ok = create_blob(&a.t, s1, XE_PROXY_BLOB_SLICE(sh.blob_id, 8), 0x8000) == 0;
	virgl_renderer_ctx_attach_resource(2, (int)s1);
	/* the whole BO through a 32K slice: refused, or it shows the slice */
	ret = ok ? bind_range(&b, s1, BO_SIZE, SH_VA) : 0;
	got = 0;
	if (ok && !ret && copy(&b, BO_VA + 0x4000, SH_VA))
		got = b.bo.map[0x4000 / 4];
	ktap_diag("64K bind through a 32K slice: %u; first dword it maps 0x%x (slice 0x51ce, not shared 0x5ec7e7)",
		  ret, got);
	ok = ok && (ret || got == 0x51ce);
	return ok && still_works(&b.t);
}

/*
 * An import of a slice holds the whole BO: it must be charged as such,
 * else the exporter's bytes leave the guest's limit while the importer's
 * mapping keeps them allocated.
 */
static bool case_slice_import_charged_whole(void)
{
	uint32_t ret = 0, blob = 20, res, s;
	struct env a, b;
	struct tbo sh;
	uint64_t va = SH_VA;
	int i, refused = 0;
	bool ok;

	setenv("XE_PROXY_MEM_LIMIT", "5M", 1);
	if (!two_envs(&a, &b, &sh))	/* 2 shmems, 3 BOs of 64K */
		return false;
	for (i = 0, ok = true; ok && i < 4; i++, blob++, va += 1 << 20) {
		ret = gem_create(&a.t, 2 << 20, blob);
		ktap_diag("2M BO %d while %d slices of earlier ones are bound: %u",
			  i, i, ret);
		if (ret)
			break;
		res = next_res++;
		s = next_res++;
		ok = create_blob(&a.t, res, blob, 2 << 20) == 0 &&
		     create_blob(&a.t, s, XE_PROXY_BLOB_SLICE(blob, 0), 4096) == 0;
		virgl_renderer_ctx_attach_resource(2, (int)s);
		/* refusing to attach a slice holds nothing: that is fine too */
		if (ok && bind_range(&b, s, 4096, va))
			refused++;
		/* the exporter lets go of everything; b's mapping holds the BO */
		virgl_renderer_resource_unref(s);
		virgl_renderer_resource_unref(res);
		ccmd_gem_close(&a.t.s, blob);
		ok = ok && submit(&a.t) == 0;
	}
	/* 5M holds two 2M BOs: the third must be refused */
	ktap_diag("slice binds refused: %d", refused);
	ok = ok && (refused == i || (ret == ENOSPC && i == 2));
	return ok && still_works(&a.t) && still_works(&b.t);
}

/*
 * A refused attach borrows the resource's dma-buf fd. Once the resource
 * goes, its id (and fd number) may come back for another BO: a bind in
 * the refused context must not import that one without an attach.
 */
static bool case_refused_attach_forgotten_on_unref(void)
{
	struct env a, b;
	struct tbo sh, other;
	uint32_t res, ret;
	bool ok;

	setenv("XE_PROXY_MAX_BOS", "6", 1);	/* 2 + 2 contexts, 1 BO, 1 more */
	if (!two_envs(&a, &b, &sh))
		return false;
	ok = gem_create(&b.t, BO_SIZE, 30) == 0;	/* b's BOs full */
	virgl_renderer_ctx_attach_resource(2, (int)sh.res);	/* refused */
	ret = bind_res(&b, MAP, sh.res, SH_VA);
	ktap_diag("bind after a refused attach: %u", ret);
	ok = ok && ret == EMFILE;
	ccmd_gem_close(&b.t.s, 30);
	ok = ok && submit(&b.t) == 0;
	/* the resource goes; its id names another BO of a's */
	res = sh.res;
	virgl_renderer_resource_unmap(sh.res);
	virgl_renderer_resource_unref(sh.res);
	ccmd_gem_close(&a.t.s, sh.blob_id);
	ok = ok && submit(&a.t) == 0;
	next_res = res;
	ok = ok && bo_new(&a.t, &other, 12) && other.res == res;
	ret = ok ? bind_res(&b, MAP, res, SH_VA) : 0;
	ktap_diag("bind of the reused id, never attached: %u", ret);
	ok = ok && ret == ENOENT;
	return ok && still_works(&a.t) && still_works(&b.t);
}

/*
 * A bind whose user fence lives in a BO whose attach was refused gets the
 * import's errno, as a bind of that BO does, not EINVAL.
 */
static bool case_refused_attach_ufence_errno(void)
{
	struct xe_proxy_vm_bind_op_ext op = {
		.range = 0x10000, .addr = 0x800000, .flags = DRM_XE_VM_BIND_FLAG_NULL,
		.op = DRM_XE_VM_BIND_OP_MAP,
	};
	struct xe_proxy_sync uf = { .type = XE_PROXY_SYNC_USER_FENCE,
				    .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
				    .addr = 64, .value = 0xfeed };
	struct env a, b;
	struct tbo sh;
	uint32_t ret;
	bool ok;

	setenv("XE_PROXY_MAX_BOS", "6", 1);	/* 2 + 2 contexts, 1 BO, 1 more */
	if (!two_envs(&a, &b, &sh))
		return false;
	ok = gem_create(&b.t, BO_SIZE, 30) == 0;	/* b's BOs full */
	virgl_renderer_ctx_attach_resource(2, (int)sh.res);	/* refused */
	uf.res_id = sh.res;
	ret = bind_ext(&b.t, b.vm, &op, &uf, 1);
	ktap_diag("bind with its user fence in the refused BO: %u", ret);
	ok = ok && ret == EMFILE;
	ccmd_gem_close(&b.t.s, 30);
	ok = ok && submit(&b.t) == 0;
	ret = ok ? bind_ext(&b.t, b.vm, &op, &uf, 1) : 0;
	ktap_diag("the same once b has room: %u", ret);
	ok = ok && ret == 0 && ring_idle(&b.t, 6);
	for (int i = 0; ok && i < 500 && sh.map[64 / 4] != 0xfeed; i++)
		usleep(2000);
	ok = ok && sh.map[64 / 4] == 0xfeed;
	return ok && still_works(&a.t) && still_works(&b.t);
}

/* --- the reference host's conventions (docs/protocol.md) ---------------- */

/* A command the host refuses leaves the seqno; later ones still run. */
static bool case_refused_ccmd_leaves_seqno(void)
{
	struct xe_proxy_ccmd_vm_create_rsp *r;
	struct xe_proxy_shmem *sh;
	uint32_t before;
	struct env e;
	bool ok;

	ok = env_open(&e);
	sh = e.t.shmem;
	before = sh->seqno;
	ok = ok && ccmd_add(&e.t.s, 99, sizeof(struct xe_proxy_ccmd_req), 0);
	ok = ok && submit(&e.t) != 0 && sh->seqno == before;
	ktap_diag("seqno %u after a refused ccmd (before %u)", sh->seqno, before);
	/* this host goes on with the rest of the stream; the strict one not */
	ccmd_add(&e.t.s, 99, sizeof(struct xe_proxy_ccmd_req), 0);
	ccmd_vm_create(&e.t.s, 0, 0);
	r = rsp(&e.t, 0);
	ok = ok && submit(&e.t) != 0 && sh->seqno == e.t.s.seqno &&
	     !r->ret && r->vm_id;
	return ok && still_works(&e.t);
}

static bool base_caps_are_the_references(void)
{
	struct xe_proxy_capset_drm cap = { 0 };
	uint32_t max_ver = 0, max_size = 0;

	virgl_renderer_get_cap_set(XE_PROXY_CAPSET_DRM, &max_ver, &max_size);
	if (max_size < XE_PROXY_CAPSET_MIN_SIZE || max_size > sizeof(cap))
		return false;
	virgl_renderer_fill_caps(XE_PROXY_CAPSET_DRM, max_ver, &cap);
	ktap_diag("strict capset: protocol %u, features 0x%llx",
		  cap.u.xe.protocol_version, (unsigned long long)cap.u.xe.features);
	return cap.context_type == XE_PROXY_DRM_CONTEXT_XE &&
	       !cap.u.xe.protocol_version && !cap.u.xe.features;
}

/*
 * XE_PROXY_BASE_PROTOCOL=1: the capset announces nothing, the shmem blob
 * must be exactly MAPPABLE and has the reference's header, responses are
 * cut to the len the guest left, a refused command drops the rest of the
 * stream, and extension ccmds and NOP are refused.
 */
static bool case_base_protocol_strict(void)
{
	struct virgl_renderer_resource_create_blob_args a = {
		.blob_mem = VIRGL_RENDERER_BLOB_MEM_HOST3D,
		.blob_flags = VIRGL_RENDERER_BLOB_FLAG_USE_MAPPABLE |
			      VIRGL_RENDERER_BLOB_FLAG_USE_SHAREABLE,
		.size = SHMEM_SIZE, .ctx_id = 1,
	};
	struct xe_proxy_ccmd_vm_create_rsp *r;
	struct xe_proxy_shmem *sh;
	char name[] = "strict";
	struct tctx t = { .id = 1 };
	uint32_t seqno, err = 0;
	uint64_t size;
	bool ok;

	setenv("XE_PROXY_BASE_PROTOCOL", "1", 1);
	ok = init_renderer() && base_caps_are_the_references() &&
	     !virgl_renderer_context_create_with_flags(1, XE_PROXY_CAPSET_DRM,
						       sizeof(name) - 1, name);
	a.res_handle = t.shmem_res = next_res++;
	ok = ok && virgl_renderer_resource_create_blob(&a) != 0;
	a.blob_flags = VIRGL_RENDERER_BLOB_FLAG_USE_MAPPABLE;
	ok = ok && !virgl_renderer_resource_create_blob(&a) &&
	     !virgl_renderer_resource_map(t.shmem_res, &t.shmem, &size);
	if (!ok)
		return false;
	sh = t.shmem;
	ktap_diag("rsp_mem_offset %u", sh->rsp_mem_offset);
	ok = sh->rsp_mem_offset == offsetof(struct xe_proxy_shmem, ban_bitmap);

	/* the guest takes 12 bytes: vm_id stays as it was */
	r = rsp(&t, 0);
	memset(r, 0xa5, sizeof(*r));
	r->hdr.len = 12;
	ccmd_vm_create(&t.s, 0, 0);
	ok = ok && !submit(&t) && r->hdr.len == 12 && r->ret == 0 &&
	     r->vm_id == 0xa5a5a5a5u;
	/* the whole response when the guest takes it */
	r->hdr.len = sizeof(*r);
	ccmd_vm_create(&t.s, 0, 0);
	ok = ok && !submit(&t) && r->hdr.len == sizeof(*r) && !r->ret &&
	     r->vm_id && r->vm_id != 0xa5a5a5a5u;

	/* a refused command: the seqno stays, the rest is dropped */
	seqno = sh->seqno;
	ccmd_add(&t.s, XE_PROXY_CCMD_NOP, sizeof(struct xe_proxy_ccmd_req), 0);
	r->hdr.len = sizeof(*r);
	r->vm_id = 0;
	ccmd_vm_create(&t.s, 0, 0);
	ok = ok && submit(&t) != 0 && sh->seqno == seqno && r->vm_id == 0;
	ktap_diag("seqno %u after a refused NOP and a VM_CREATE (before %u)",
		  sh->seqno, seqno);
	/* no extension: GEM_CREATE_EXT is refused too */
	ccmd_gem_create_ext(&t.s, BO_SIZE, placement_sysmem, 0, 0, 7,
			    DRM_XE_GEM_CPU_CACHING_WB, 0);
	ok = ok && submit(&t) != 0 && sh->seqno == seqno;
	/* and the context goes on */
	r->hdr.len = sizeof(*r);
	ok = ok && vm_create(&t, &err) && sh->seqno == t.s.seqno;
	tctx_close(&t);
	return ok;
}

/*
 * A base-protocol guest sends no GEM_CLOSE: as in virglrenderer's drm
 * contexts, its RESOURCE_CREATE_BLOB takes the BO over from the blob_id,
 * so the unref frees the BO and the blob_id names a new BO next time.
 */
static bool case_base_protocol_blob_id_consumed(void)
{
	struct tctx t;
	uint32_t *p = NULL, res = 0;
	uint64_t size = 0;
	bool ok;
	int i;

	setenv("XE_PROXY_BASE_PROTOCOL", "1", 1);
	ok = init_renderer() && tctx_open(&t, 1) == 0;
	placement_sysmem = ok ? find_placement_sysmem(&t) : 0;
	for (i = 0; ok && i < 2; i++) {
		ccmd_gem_create(&t.s, BO_SIZE, placement_sysmem, 7,
				DRM_XE_GEM_CPU_CACHING_WB);
		res = next_res++;
		ok = submit(&t) == 0 && create_blob(&t, res, 7, BO_SIZE) == 0 &&
		     !virgl_renderer_resource_map(res, (void **)&p, &size) &&
		     size >= BO_SIZE;
		ktap_diag("BO %d under blob_id 7: first dword 0x%x", i, ok ? p[0] : 0);
		ok = ok && p[0] == 0;
		if (ok)
			p[0] = 0x1111;
		virgl_renderer_resource_unmap(res);
		virgl_renderer_resource_unref(res);
	}
	return ok && still_works(&t);
}

/* --- QEMU never maps VRAM past a small BAR --------------------------- */

static uint32_t gem_create_in(struct tctx *t, uint64_t size, uint32_t placement,
			      uint32_t flags, uint32_t blob_id)
{
	ccmd_gem_create_ext(&t->s, size, placement, flags, 0, blob_id,
			    DRM_XE_GEM_CPU_CACHING_WC, 0);
	if (submit(t))
		return EPROTO;
	return ((struct xe_proxy_ccmd_value_rsp *)rsp(t, 0))->ret;
}

/*
 * On the simulated discrete part with a small BAR (this case re-runs itself
 * with XE_SIM_DEVICE=0xe20b XE_SIM_SMALL_BAR=1, which the simulator reads
 * at load): a VRAM BO without NEEDS_VISIBLE_VRAM lies past the BAR, and
 * the host refuses to map it for QEMU; a visible one maps and is written.
 */
static bool case_small_bar_not_mapped(void)
{
	const uint32_t vram = 0x2;	/* the simulator's VRAM0 instance */
	uint32_t beyond = next_res++, visible = next_res++;
	uint64_t size = 0;
	uint32_t *p = NULL, ret;
	struct env e;
	bool ok;

	ok = env_open(&e);
	ret = ok ? gem_create_in(&e.t, 2 << 20, vram, 0, 20) : EPROTO;
	ktap_diag("GEM_CREATE in VRAM: %u", ret);
	ok = ok && ret == 0;
	ret = ok ? (uint32_t)create_blob(&e.t, beyond, 20, 2 << 20) : EPROTO;
	ok = ok && ret == 0;
	ret = ok ? (uint32_t)-virgl_renderer_resource_map(beyond, (void **)&p, &size) : 0;
	ktap_diag("blob of it: %s; its map: -%u (want EFAULT %d)", ok ? "made" : "refused",
		  ret, EFAULT);
	ok = ok && ret == EFAULT;
	ok = ok && gem_create_in(&e.t, 2 << 20, vram,
				 DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM, 21) == 0 &&
	     create_blob(&e.t, visible, 21, 2 << 20) == 0 &&
	     virgl_renderer_resource_map(visible, (void **)&p, &size) == 0 && p;
	if (ok) {
		p[0] = 0xb0a2d;
		ok = p[0] == 0xb0a2d;
	}
	return ok && still_works(&e.t);
}

/* XE_PROXY_CCMD_SCANOUT of @res; the answer's errno, its value in @mode. */
static uint32_t scanout(struct tctx *t, uint32_t res, uint32_t res_2d,
			uint64_t offset, uint32_t stride, uint32_t w, uint32_t h,
			uint64_t *mode)
{
	struct xe_proxy_ccmd_scanout_req *r =
		ccmd_add(&t->s, XE_PROXY_CCMD_SCANOUT, sizeof(*r), 0);
	struct xe_proxy_ccmd_value_rsp *v;

	if (!r)
		return EPROTO;
	r->res_id = res;
	r->res_2d = res_2d;
	r->offset = offset;
	r->stride = stride;
	r->width = w;
	r->height = h;
	if (submit(t))
		return EPROTO;
	v = rsp(t, 0);
	*mode = v->value;
	return v->ret;
}

/*
 * Showing a BO: the simulated device's BOs are memfds, no dma-bufs, so
 * QEMU gets no fd to scan out (it would fail to import it) and the guest
 * is told to copy; framebuffers past the BO, bad strides, resources the
 * context cannot name and 2D resources that do not exist are refused.
 */
static bool case_scanout_checked(void)
{
	struct virgl_renderer_resource_info info = { .fd = 1 };
	uint32_t w = 64, h = 16, stride = 256, ret[7];
	struct env e, other;
	uint64_t mode = 0;
	bool ok;

	if (!env_open(&e) || !env_ctx_open(&other, 2, 2))
		return false;
	ret[0] = scanout(&e.t, e.bo.res, 0, 0, stride, w, h, &mode);
	ret[1] = scanout(&e.t, e.bo.res, 0, BO_SIZE - stride * (h - 1), stride, w, h, &mode);
	ret[2] = scanout(&e.t, e.bo.res, 0, 0, w * 4 - 4, w, h, &mode);
	ret[3] = scanout(&e.t, e.bo.res, 0, 0, stride + 2, w, h, &mode);
	ret[4] = scanout(&e.t, other.bo.res, 0, 0, stride, w, h, &mode);
	ret[5] = scanout(&e.t, e.bo.res, next_res + 100, 0, stride, w, h, &mode);
	ret[6] = scanout(&e.t, e.bo.res, 0, 0, 0xfffffffc, 2, 0x80000000u, &mode);
	ktap_diag("ask %u, past the end %u, short stride %u, odd stride %u, other context's %u, no 2D resource %u, wrapping %u",
		  ret[0], ret[1], ret[2], ret[3], ret[4], ret[5], ret[6]);
	ok = ret[0] == EOPNOTSUPP && ret[1] == EINVAL && ret[2] == EINVAL &&
	     ret[3] == EINVAL && ret[4] == ENOENT && ret[5] == ENOENT &&
	     ret[6] == EINVAL;
	ok = ok && virgl_renderer_resource_get_info((int)e.bo.res, &info) == 0 &&
	     info.fd == -1;
	ktap_diag("get_info fd %d (want -1: a memfd is no dma-buf)", info.fd);
	return ok && still_works(&e.t) && still_works(&other.t);
}

/* --- GEM_CREATE in the blob resource (XE_PROXY_F_GEM_CREATE_BLOB) ------- */

/*
 * RESOURCE_CREATE_BLOB of an XE_PROXY_BLOB_CREATE() blob_id, with the
 * answer slot prepared as the guest does (ones, len kept); returns
 * create_blob()'s result and the slot's ret and value.
 */
static int create_in_blob(struct tctx *t, uint32_t res, uint64_t blob_id,
			  uint64_t size, uint32_t *ret, uint64_t *value)
{
	struct xe_proxy_ccmd_value_rsp *r = rsp(t, 0);
	int err;

	memset(r, 0xff, sizeof(*r));
	r->hdr.len = sizeof(*r);
	err = create_blob(t, res, blob_id, size);
	*ret = r->ret;
	*value = r->value;
	return err;
}

/*
 * One RESOURCE_CREATE_BLOB makes the BO and its resource, and the slot
 * says how it went; hostile fields get EINVAL, a resource id naming a BO
 * of the context EEXIST, the driver's own refusals their errno; the
 * resource's unref frees the BO (a 4M limit outlives 64 rounds of 1M).
 */
static bool case_gem_create_in_blob(void)
{
	const uint64_t wb = XE_PROXY_BLOB_CREATE(0, 0, DRM_XE_GEM_CPU_CACHING_WB, 0);
	uint32_t ret = 0, res, slice, i, *p = NULL;
	uint64_t value = 0, size = 0;
	struct env e;
	int err;
	bool ok;

	setenv("XE_PROXY_MEM_LIMIT", "4M", 1);
	ok = env_open(&e);
	res = next_res++;
	err = ok ? create_in_blob(&e.t, res, wb | ((uint64_t)placement_sysmem << 32),
				  BO_SIZE, &ret, &value) : -1;
	ktap_diag("created in the blob: %d, slot ret %u size %llu", err, ret,
		  (unsigned long long)value);
	ok = ok && !err && !ret && value >= BO_SIZE &&
	     !virgl_renderer_resource_map(res, (void **)&p, &size) && size >= BO_SIZE;
	if (ok) {
		p[0x1000 / 4] = 0xc0ffee;
		ok = p[0x1000 / 4] == 0xc0ffee;
		virgl_renderer_resource_unmap(res);
	}
	/* a slice of it names it by the resource id */
	slice = next_res++;
	err = ok ? create_blob(&e.t, slice, XE_PROXY_BLOB_SLICE(res, 1), 0x1000) : -1;
	ok = ok && !err && !virgl_renderer_resource_map(slice, (void **)&p, &size) &&
	     p[0] == 0xc0ffee;
	ktap_diag("its slice at 4K: %d, reads 0x%x", err, ok ? p[0] : 0);
	virgl_renderer_resource_unmap(slice);
	virgl_renderer_resource_unref(slice);
	virgl_renderer_resource_unref(res);

	/* reserved bits, a slice and a create at once, no placement */
	err = create_in_blob(&e.t, next_res++, wb | (1ULL << 56) |
			     ((uint64_t)placement_sysmem << 32), BO_SIZE, &ret, &value);
	ktap_diag("reserved bit: %d, slot ret %u", err, ret);
	ok = ok && err && ret == EINVAL;
	err = create_in_blob(&e.t, next_res++, wb | XE_PROXY_BLOB_SLICE_FLAG |
			     ((uint64_t)placement_sysmem << 32), BO_SIZE, &ret, &value);
	ktap_diag("slice flag too: %d, slot ret %u", err, ret);
	ok = ok && err && ret == EINVAL;
	err = create_in_blob(&e.t, next_res++, wb, BO_SIZE, &ret, &value);
	ktap_diag("no placement: %d, slot ret %u (the driver's)", err, ret);
	ok = ok && err && ret == EINVAL;
	/* the resource id stands in as the blob_id: a BO holds that one */
	ok = ok && gem_create_in(&e.t, BO_SIZE, placement_sysmem, 0, 40) == 0;
	err = create_in_blob(&e.t, 40, wb | ((uint64_t)placement_sysmem << 32),
			     BO_SIZE, &ret, &value);
	ktap_diag("resource id of a blob_id in use: %d, slot ret %u", err, ret);
	ok = ok && err && ret == EEXIST;
	ccmd_gem_close(&e.t.s, 40);
	ok = ok && submit(&e.t) == 0;

	/* the unref frees BO and charge: 64 x 1M under a 4M limit */
	for (i = 0; ok && i < 64; i++) {
		res = next_res++;
		err = create_in_blob(&e.t, res, wb | ((uint64_t)placement_sysmem << 32),
				     1 << 20, &ret, &value);
		ok = !err && !ret;
		virgl_renderer_resource_unref(res);
	}
	ktap_diag("64 create/unref rounds of 1M under 4M: %u done", i);
	return ok && still_works(&e.t);
}

/* --- coalesced execs: one SUBMIT_3D, one ring fence ---------------------- */

/*
 * What the guest sends while the host is busy: several async EXEC_EXTs on
 * one ring in one submission, each with its own response slot, then one
 * fence on the ring. The fence must wait for all of them (here the
 * second spins), and each slot has its own answer (the third names no
 * queue: ENOENT, its host fence counts as signalled).
 */
static bool case_coalesced_execs_one_fence(void)
{
	struct xe_proxy_sync s[4];
	uint64_t ids[4] = { 501, 502, 503, 504 }, fence;
	uint32_t queues[4], i, ret[4];
	struct xe_proxy_ccmd_exec_ext_req *r;
	struct env e;
	bool ok, early;

	ok = env_open(&e);
	if (!ok)
		return false;
	write_spinner(&e);
	for (i = 0; i < 4; i++) {
		queues[i] = i == 2 ? 0xdead : e.queue;
		s[i] = (struct xe_proxy_sync){ .type = XE_PROXY_SYNC_HOST_FENCE,
					       .flags = XE_PROXY_SYNC_FLAG_SIGNAL,
					       .fence_id = ids[i] };
		memset(rsp(&e.t, 64 + 16 * i), 0xff, 16);
		((struct xe_proxy_ccmd_rsp *)rsp(&e.t, 64 + 16 * i))->len = 16;
		r = ccmd_exec_ext(&e.t.s, queues[i], i == 1 ? BO_VA + SPIN_OFF : 0, 5,
				  &s[i], 1, 64 + 16 * i);
		if (!r)
			return false;
		r->flags = XE_PROXY_EXEC_FLAG_ASYNC |
			   (i == 1 ? 0 : XE_PROXY_EXEC_FLAG_NO_BATCH);
	}
	ok = submit(&e.t) == 0;
	fence = ++e.t.next_fence;
	ok = ok && virgl_renderer_context_create_fence(e.t.id, 0, 5, fence) == 0;
	/* the spinner has not been released: the fence cannot signal */
	early = fence_seen_within(e.t.id, 5, fence, EARLY_MS);
	release_spinner(&e);
	ok = ok && !early && fence_wait(e.t.id, 5, fence);
	for (i = 0; i < 4; i++)
		ret[i] = ((struct xe_proxy_ccmd_exec_rsp *)rsp(&e.t, 64 + 16 * i))->ret;
	ktap_diag("fence before the spinner ended: %s; slots %u %u %u %u",
		  early ? "signalled" : "pending", ret[0], ret[1], ret[2], ret[3]);
	ok = ok && !ret[0] && !ret[1] && ret[2] == ENOENT && !ret[3];
	ccmd_fence_put(&e.t.s, ids, 4);
	return ok && submit(&e.t) == 0 && still_works(&e.t);
}

/* --- a syncobj the host reuses signals for its new work only ----------- */

/*
 * The host keeps the syncobjs of retired jobs for the next submissions
 * (xe_syncobj_destroy()). Retire a few, so that the next exec gets one
 * whose old fence has signalled: its host fence must follow the new work
 * (a spinner), as must an exec that waits for it; neither may be taken
 * as done from the fence the syncobj held before.
 */
static bool case_reused_syncobj_signals_anew(void)
{
	struct xe_proxy_sync s = { .type = XE_PROXY_SYNC_HOST_FENCE };
	uint64_t ids[8], fence;
	struct xe_proxy_ccmd_exec_ext_req *r;
	struct env e;
	uint32_t i, ret[2];
	bool ok, early;

	ok = env_open(&e);
	if (!ok)
		return false;
	write_spinner(&e);
	test_store_dword_batch(e.bo.map + STORE_OFF / 4, BO_VA + SEM_OFF + 8, 1);
	for (i = 0; ok && i < 8; i++) {
		ids[i] = 601 + i;
		s.flags = XE_PROXY_SYNC_FLAG_SIGNAL;
		s.fence_id = ids[i];
		r = ccmd_exec_ext(&e.t.s, e.queue, 0, 5, &s, 1, 0);
		ok = r != NULL;
		if (ok)
			r->flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
		ok = ok && submit(&e.t) == 0 &&
		     !((struct xe_proxy_ccmd_exec_rsp *)rsp(&e.t, 0))->ret;
	}
	/* retired and put: their syncobjs go back to the context */
	ok = ok && ring_idle(&e.t, 5);
	ccmd_fence_put(&e.t.s, ids, 8);
	ok = ok && submit(&e.t) == 0 && ring_idle(&e.t, 5);

	/* the spinner signals 700; a store waits for it (a batch: xe 7.2
	 * refuses in-fences of an exec without one, xe_sync_in_fence_get()) */
	ret[0] = ok ? exec_at(&e, SPIN_OFF, 700) : EPROTO;
	s.flags = 0;
	s.fence_id = 700;
	r = ccmd_exec_ext(&e.t.s, e.queue, BO_VA + STORE_OFF, 5, &s, 1, 0);
	ret[1] = r && !submit(&e.t) ?
		 ((struct xe_proxy_ccmd_exec_rsp *)rsp(&e.t, 0))->ret : EPROTO;
	fence = ++e.t.next_fence;
	ok = ok && !ret[0] && !ret[1] &&
	     virgl_renderer_context_create_fence(e.t.id, 0, 5, fence) == 0;
	/* time for the fence thread to report it, were it taken as done */
	early = fence_seen_within(e.t.id, 5, fence, EARLY_MS);
	release_spinner(&e);
	ok = ok && !early && fence_wait(e.t.id, 5, fence) &&
	     e.bo.map[(SEM_OFF + 8) / 4] == 1;
	ktap_diag("execs %u %u; ring fence before the spinner ended: %s",
		  ret[0], ret[1], early ? "signalled" : "pending");
	ids[0] = 700;
	ccmd_fence_put(&e.t.s, ids, 1);
	return ok && submit(&e.t) == 0 && still_works(&e.t);
}

/* --- host fence ids the guest picks to collide in the host's id map ------ */

#define COLLIDE_N	256

/* The guest's choice of host fence id @k: most share a slot (see below). */
static uint64_t collide_id(uint32_t k)
{
	static const uint64_t edge[] = { UINT64_MAX, UINT32_MAX, 1ULL << 63,
					 1ULL << 32, (1ULL << 44) - 1, 1 };

	return k < 6 ? edge[k] : (uint64_t)k << 44;
}

/*
 * One no-batch exec signalling (@signal) or waiting for the ids k of
 * [@from, @to) with k % @step == @rem. Returns its answer.
 */
static uint32_t collide_exec(struct env *e, uint32_t from, uint32_t to,
			     uint32_t step, uint32_t rem, bool signal)
{
	struct xe_proxy_sync s[32];
	struct xe_proxy_ccmd_exec_ext_req *r;
	uint32_t k, n = 0;

	for (k = from; k < to && n < 32; k++) {
		if (k % step != rem)
			continue;
		s[n++] = (struct xe_proxy_sync){
			.type = XE_PROXY_SYNC_HOST_FENCE,
			.flags = signal ? XE_PROXY_SYNC_FLAG_SIGNAL : 0,
			.fence_id = collide_id(k) };
	}
	r = ccmd_exec_ext(&e->t.s, e->queue, 0, 5, s, n, 0);
	if (!r)
		return EPROTO;
	r->flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
	if (submit(&e->t))
		return EPROTO;
	return ((struct xe_proxy_ccmd_exec_rsp *)rsp(&e->t, 0))->ret;
}

static void collide_put(struct env *e, uint32_t step, uint32_t rem)
{
	uint64_t ids[64];
	uint32_t k, n = 0;

	for (k = 0; k < COLLIDE_N; k++) {
		if (k % step != rem)
			continue;
		ids[n++] = collide_id(k);
		if (n == 64) {
			ccmd_fence_put(&e->t.s, ids, n);
			submit(&e->t);
			n = 0;
		}
	}
	if (n) {
		ccmd_fence_put(&e->t.s, ids, n);
		submit(&e->t);
	}
}

/*
 * A guest picks its host fence ids. Ids k << 44 all land in one slot of
 * the host's id map (its multiplicative hash leaves the low 44 bits of
 * the product zero) for tables of up to 4096, with 0's neighbours and
 * the extremes among them: one long probe chain, tombstones in it when
 * every other id is released, reuse of the released ones. Each id must
 * still be found exactly while it is registered (a wait on it works, a
 * second signal is EEXIST), a released one not (ENOENT) and then free
 * for a new signal, and the fence limit (set just above what is used)
 * must get every charge back.
 */
static bool case_host_fence_ids_colliding(void)
{
	uint32_t i, bad = 0;
	struct env e;
	bool ok;

	setenv("XE_PROXY_MAX_FENCES", "300", 1);
	ok = env_open(&e);
	for (i = 0; ok && i < COLLIDE_N; i += 32)
		bad += collide_exec(&e, i, i + 32, 1, 0, true) != 0;
	ktap_diag("%u ids signalled, %u execs refused", COLLIDE_N, bad);
	ok = ok && !bad && ring_idle(&e.t, 5);
	bad = 0;
	for (i = 0; ok && i < COLLIDE_N; i++)
		bad += collide_exec(&e, i, i + 1, 1, 0, true) != EEXIST;
	ktap_diag("signalled again: %u not EEXIST", bad);
	ok = ok && !bad;
	bad = 0;
	/* every other id released: tombstones all along the chain */
	collide_put(&e, 2, 1);
	for (i = 0; ok && i < COLLIDE_N; i++)
		bad += collide_exec(&e, i, i + 1, 1, 0, false) != (i % 2 ? ENOENT : 0);
	ktap_diag("waits after releasing the odd ones: %u wrong", bad);
	ok = ok && !bad;
	bad = 0;
	/* the released ids are free again, the others still taken */
	for (i = 0; ok && i < COLLIDE_N; i += 64)
		bad += collide_exec(&e, i, i + 64, 2, 1, true) != 0;
	for (i = 0; ok && i < COLLIDE_N; i += 2)
		bad += collide_exec(&e, i, i + 1, 1, 0, true) != EEXIST;
	ktap_diag("odd ones signalled anew, even ones still taken: %u wrong", bad);
	ok = ok && !bad && ring_idle(&e.t, 5);
	bad = 0;
	/* all released: the limit is whole again, the ids free */
	collide_put(&e, 1, 0);
	for (i = 0; ok && i < COLLIDE_N; i += 32)
		bad += collide_exec(&e, i, i + 32, 1, 0, true) != 0;
	ktap_diag("after releasing all, signalled again: %u execs refused", bad);
	ok = ok && !bad && ring_idle(&e.t, 5);
	collide_put(&e, 1, 0);
	return ok && still_works(&e.t);
}

/* --- a lost GPU, published in shmem ---------------------------------------- */

/*
 * ENODEV (unplugged) or ECANCELED (wedged) from the device, and a device
 * query failing too, puts the errno into the shared memory's device_lost
 * for the calls the guest answers itself; it stays once the device is
 * back (the context's files are dead), and a new context works.
 */
static bool lost_published(const char *mode, uint32_t want)
{
	char path[64];
	struct xe_proxy_shmem *sh;
	uint32_t before, after, later, size;
	struct env e, fresh;
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "/tmp/vxp-lost-%d", (int)getpid());
	unlink(path);
	setenv("XE_SIM_LOST_FILE", path, 1);
	setenv("XE_SIM_LOST_MODE", mode, 1);
	if (!env_open(&e))
		return false;
	sh = e.t.shmem;
	before = __atomic_load_n(&sh->device_lost, __ATOMIC_ACQUIRE);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	size = query_size(&e.t, DRM_XE_DEVICE_QUERY_CONFIG);
	after = __atomic_load_n(&sh->device_lost, __ATOMIC_ACQUIRE);
	unlink(path);
	ok = query_size(&e.t, DRM_XE_DEVICE_QUERY_ENGINES) == 0;
	later = __atomic_load_n(&sh->device_lost, __ATOMIC_ACQUIRE);
	ktap_diag("%s: device_lost %u before, %u once lost (query size %u), %u after the rebind; old context still fails: %d",
		  mode, before, after, size, later, ok);
	ok = ok && before == 0 && size == 0 && after == want && later == want;
	return ok && env_ctx_open(&fresh, 2, 2) && still_works(&fresh.t) &&
	       __atomic_load_n(&((struct xe_proxy_shmem *)fresh.t.shmem)->device_lost,
			       __ATOMIC_ACQUIRE) == 0;
}

static bool case_device_lost_unplug_published(void)
{
	return lost_published("unplug", ENODEV);
}

static bool case_device_lost_wedged_published(void)
{
	return lost_published("wedged", ECANCELED);
}

/* ------------------------------------------------------------------------- */

static const struct {
	const char *name;
	bool (*fn)(void);
} cases[] = {
	{ "shmem_rsp_offset_is_the_hosts", case_shmem_rsp_offset },
	{ "queue_property_pointer_refused", case_queue_property_pointer },
	{ "bind_ufence_bo_dropped_before_signal", case_bind_ufence_bo_dropped },
	{ "bind_ufence_ctx_destroyed_before_signal", case_bind_ufence_ctx_destroyed },
	{ "userptr_detach_unbinds", case_userptr_detach_unbinds },
	{ "userptr_window_map_refused", case_userptr_window_map_refused },
	{ "userptr_off_by_default", case_userptr_off_by_default },
	{ "fault_mode_off_by_default", case_fault_mode_off_by_default },
	{ "vm_destroy_does_not_wait", case_vm_destroy_does_not_wait },
	{ "ctx_destroy_does_not_wait", case_ctx_destroy_does_not_wait },
	{ "unmap_at_mapping_limit", case_unmap_at_mapping_limit },
	{ "full_queue_eagain_no_stall", case_full_queue_eagain },
	{ "mem_charged_while_bound", case_mem_charged_while_bound },
	{ "blob_id_reused_while_bound", case_blob_id_reused_while_bound },
	{ "base_protocol_blob_id_consumed", case_base_protocol_blob_id_consumed },
	{ "slices_bounded", case_slices_bounded },
	{ "mem_charged_while_ufence_pending", case_mem_charged_while_ufence_pending },
	{ "mem_limit_per_guest", case_mem_limit_per_guest },
	{ "fence_fds_bounded", case_fence_fds_bounded },
	{ "ring_fence_over_limit_signals", case_ring_fence_over_limit_signals },
	{ "contexts_bounded", case_contexts_bounded },
	{ "vms_queues_bounded", case_vms_queues_bounded },
	{ "mappings_bounded", case_mappings_bounded },
	{ "limit_parsing", case_limit_parsing },
	{ "prime_attach_bind_exec", case_prime_attach_bind_exec },
	{ "prime_attach_hostile", case_prime_attach_hostile },
	{ "prime_import_outlives_exporter", case_prime_import_outlives_exporter },
	{ "prime_import_charged", case_prime_import_charged },
	{ "slice_attach_stays_in_slice", case_slice_attach_stays_in_slice },
	{ "slice_import_charged_whole", case_slice_import_charged_whole },
	{ "refused_attach_forgotten_on_unref", case_refused_attach_forgotten_on_unref },
	{ "refused_attach_ufence_errno", case_refused_attach_ufence_errno },
	{ "gem_create_in_blob", case_gem_create_in_blob },
	{ "coalesced_execs_one_fence", case_coalesced_execs_one_fence },
	{ "reused_syncobj_signals_anew", case_reused_syncobj_signals_anew },
	{ "host_fence_ids_colliding", case_host_fence_ids_colliding },
	{ "refused_ccmd_leaves_seqno", case_refused_ccmd_leaves_seqno },
	{ "base_protocol_strict", case_base_protocol_strict },
	{ "small_bar_not_mapped", case_small_bar_not_mapped },
	{ "scanout_checked", case_scanout_checked },
	{ "device_lost_unplug_published", case_device_lost_unplug_published },
	{ "device_lost_wedged_published", case_device_lost_wedged_published },
};

int main(int argc, char **argv)
{
	unsigned int i;
	bool ok;

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			puts(cases[i].name);
		return 0;
	}
	for (i = 0; argc == 2 && i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(argv[1], cases[i].name))
			continue;
		/* the simulator picks its device when it loads: re-run on it */
		if (cases[i].fn == case_small_bar_not_mapped &&
		    (!getenv("XE_SIM_SMALL_BAR") || strcmp(getenv("XE_SIM_SMALL_BAR"), "1") ||
		     !getenv("XE_SIM_DEVICE") || strcmp(getenv("XE_SIM_DEVICE"), "0xe20b"))) {
			setenv("XE_SIM_DEVICE", "0xe20b", 1);
			setenv("XE_SIM_SMALL_BAR", "1", 1);
			execv("/proc/self/exe", argv);
			return 2;
		}
		ktap_header(1);
		ok = cases[i].fn();
		ktap_test(ok, cases[i].name);
		virgl_renderer_cleanup(NULL);
		return ktap_finish();
	}
	fprintf(stderr, "usage: %s --list | CASE\n", argv[0]);
	return 2;
}
