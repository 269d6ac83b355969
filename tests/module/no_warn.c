// SPDX-License-Identifier: MIT
/*
 * Guest test: no ioctl an unprivileged process can make on the xe render
 * node produces a kernel WARNING (with panic_on_warn, a panic).
 *
 * Started as root, it lowers RLIMIT_MEMLOCK, forks, and the child drops to
 * uid/gid 65534 with nothing open before it opens the render node. The
 * child then makes the hostile calls of issue 13 and checks each errno:
 * DEVICE_QUERY of every query id with huge sizes, MAP_USERPTR of ranges of
 * 2^40 and more and above RLIMIT_MEMLOCK (ENOMEM, as drivers that pin
 * memory long-term refuse it; VmPin returns to 0 after an invalidated
 * userptr was repinned and unbound), VM_BIND vectors with huge num_binds,
 * EXEC and VM_BIND with 64 and 65 syncs waiting on unsignalled fences of
 * the same file (with the host fence of the submission itself, more than
 * one command carries) and with huge num_syncs, GEM_CREATE with huge sizes,
 * VM_QUERY_MEM_RANGE_ATTRS and VM_GET_PROPERTY with huge counts and sizes.
 * An exec waiting for its userptr's rebind must not hold up the file's
 * other ioctls, and a queue outlives its destroyed VM. The parent, still
 * root, then reads the kernel log for WARNING and BUG. Prints KTAP.
 *
 *   no_warn /dev/dri/renderDN
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "ktap.h"
#include "xe_query.h"
#include "xe_submit.h"
#include "xioctl.h"

#define NOBODY		65534
#define MEMLOCK_LIMIT	(64 * 1024)
#define BO_SIZE		0x10000
#define VA_BASE		0x1000000ULL
#define VA_UPTR		(VA_BASE + 0x100000)
/* XE_PROXY_MAX_QUERY_SIZE in include/xe_proxy_proto.h */
#define MAX_QUERY_SIZE	0x100000u
/* PAT index 2 is 2-way coherent on Xe2 (xe_pat.c xe2_pat_table[]) */
#define PAT_WB_COHERENT	2
#define PAGE		4096

/* MI commands (drivers/gpu/drm/xe/instructions/xe_mi_commands.h) */
#define MI_BATCH_BUFFER_END	(0x0a << 23)
#define MI_SEMAPHORE_WAIT	((0x1c << 23) | (5 - 2))
#define MI_SEMAPHORE_POLL	(1u << 15)
#define MI_SEMAPHORE_SAD_EQ_SDD	(4u << 12)

/* BO layout: the blocking batch, an empty one, its semaphore, a user fence */
#define OFF_BATCH	0x0
#define OFF_NOP		0x400
#define OFF_SEM		0x800
#define OFF_UFENCE	0x900

static const char *node;
static int fd;

/* A result with the errno it got when that is not the one it wanted. */
static void expect(int got, int want, const char *name)
{
	if (got != want)
		ktap_diag("%s: got %d, want %d", name, got, want);
	ktap_test(got == want, name);
}

static int bo_create(uint64_t size, uint32_t *handle)
{
	struct drm_xe_gem_create c = { .size = size, .placement = xe_sysmem_placement(fd),
				       .cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	int ret = xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c);

	*handle = c.handle;
	return ret;
}

static void *bo_map(uint32_t handle, uint64_t size)
{
	struct drm_xe_gem_mmap_offset mo = { .handle = handle };
	void *p;

	if (xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)mo.offset);
	return p == MAP_FAILED ? NULL : p;
}

static uint32_t syncobj_create(void)
{
	struct drm_syncobj_create c = { 0 };

	return xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : c.handle;
}

static int syncobj_wait(uint32_t h)
{
	return xe_syncobj_wait_for(fd, h, 0, 30);
}

static struct drm_xe_sync sync_out(uint32_t so)
{
	return (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
}

static struct drm_xe_sync sync_in(uint32_t so)
{
	return (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ, .handle = so };
}

static int bind(uint32_t vm, uint32_t op, uint32_t bo, uint64_t offset,
		uint64_t addr, uint64_t range, struct drm_xe_sync *syncs,
		uint32_t nsyncs)
{
	return xe_bind_op(fd, vm, op, bo, offset, addr, range, PAT_WB_COHERENT,
			  syncs, nsyncs);
}

static int bind_wait(uint32_t vm, uint32_t op, uint32_t bo, uint64_t offset,
		     uint64_t addr, uint64_t range)
{
	uint32_t so = syncobj_create();
	struct drm_xe_sync s = sync_out(so);
	int ret = bind(vm, op, bo, offset, addr, range, &s, 1);

	return ret ? ret : syncobj_wait(so);
}

static int exec(uint32_t q, uint16_t nbatch, uint64_t addr,
		struct drm_xe_sync *syncs, uint32_t nsyncs)
{
	return xe_exec_batches(fd, q, nbatch, addr, syncs, nsyncs);
}

/* A VM with a BO mapped at VA_BASE and a render queue. */
struct env {
	uint32_t vm, q, bo;
	volatile uint32_t *map;
};

static bool env_open(struct env *e)
{
	struct drm_xe_engine_class_instance eci = {
		.engine_class = DRM_XE_ENGINE_CLASS_RENDER };
	struct drm_xe_exec_queue_create qc = {
		.width = 1, .num_placements = 1, .instances = (uintptr_t)&eci };
	struct drm_xe_vm_create vc = { 0 };

	int ret;

	memset(e, 0, sizeof(*e));
	ret = xioctl(fd, DRM_IOCTL_XE_VM_CREATE, &vc);
	if (!ret) {
		e->vm = qc.vm_id = vc.vm_id;
		ret = xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);
		e->q = qc.exec_queue_id;
	}
	if (!ret)
		ret = bo_create(BO_SIZE, &e->bo);
	if (!ret) {
		e->map = bo_map(e->bo, BO_SIZE);
		ret = e->map ? 0 : -errno;
	}
	if (!ret) {
		memset((void *)e->map, 0, BO_SIZE);
		ret = bind_wait(e->vm, DRM_XE_VM_BIND_OP_MAP, e->bo, 0, VA_BASE, BO_SIZE);
	}
	if (ret)
		ktap_diag("env: vm %u queue %u bo %u map %p: %d", e->vm, e->q, e->bo,
			  (void *)e->map, ret);
	return !ret;
}

/*
 * An exec whose fence stays unsignalled until release() writes its
 * semaphore: a batch that waits for the semaphore to be 1. Returns its
 * out syncobj, or 0.
 */
static uint32_t block(struct env *e)
{
	volatile uint32_t *b = e->map + OFF_BATCH / 4;
	uint32_t so = syncobj_create();
	struct drm_xe_sync s = sync_out(so);

	e->map[OFF_SEM / 4] = 0;
	b[0] = MI_SEMAPHORE_WAIT | MI_SEMAPHORE_POLL | MI_SEMAPHORE_SAD_EQ_SDD;
	b[1] = 1;
	b[2] = (uint32_t)(VA_BASE + OFF_SEM);
	b[3] = (uint32_t)((VA_BASE + OFF_SEM) >> 32);
	b[4] = 0;
	b[5] = MI_BATCH_BUFFER_END;
	__sync_synchronize();
	if (!so || exec(e->q, 1, VA_BASE + OFF_BATCH, &s, 1))
		return 0;
	return so;
}

static unsigned int release_delay = 2;

static void *release_later(void *arg)
{
	volatile uint32_t *sem = arg;

	sleep(release_delay);
	*sem = 1;
	__sync_synchronize();
	return NULL;
}

/* Start the thread that lets the blocking batch finish in release_delay s. */
static pthread_t release(struct env *e)
{
	pthread_t t;

	pthread_create(&t, NULL, release_later, (void *)(e->map + OFF_SEM / 4));
	return t;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool drop_privileges(void)
{
	char line[128];
	bool capless = false;
	FILE *f;

	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return false;
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			capless = strtoull(line + 7, NULL, 16) == 0;
	if (f)
		fclose(f);
	return capless && getuid() == NOBODY && geteuid() == NOBODY &&
	       getgid() == NOBODY && getegid() == NOBODY;
}

/* The process's pinned memory (VmPin), in kB, or -1. */
static long vm_pin_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPin:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/* Wait up to 20 s for VmPin to reach @kb (unpinning is deferred). */
static bool vm_pin_settles(long kb)
{
	for (int i = 0; i < 200; i++) {
		if (vm_pin_kb() == kb)
			return true;
		usleep(100000);
	}
	ktap_diag("VmPin stays at %ld kB, want %ld kB", vm_pin_kb(), kb);
	return false;
}

static void test_queries(void)
{
	static const uint32_t sizes[] = {
		0xffffffff, 0x80000000, 0x7ffffff8, 0x10000000,
		MAX_QUERY_SIZE + 8, MAX_QUERY_SIZE * 2, 0x20000,
	};
	uint64_t buf[64] = { 0 };
	char name[64];

	for (uint32_t id = 0; id <= DRM_XE_DEVICE_QUERY_EU_STALL + 1; id++) {
		/* xe_query.c: a size that is not the answer's is EINVAL */
		int want = id == DRM_XE_DEVICE_QUERY_EU_STALL ? -ENODEV : -EINVAL;
		int bad = 0, got = 0;

		for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct drm_xe_device_query q = { .query = id, .size = sizes[i],
							 .data = (uintptr_t)buf };

			got = xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
			if (got != want) {
				ktap_diag("query %u size %#x: got %d, want %d", id,
					  sizes[i], got, want);
				bad++;
			}
		}
		snprintf(name, sizeof(name), "query_%u_huge_sizes_%s", id,
			 want == -ENODEV ? "enodev" : "einval");
		ktap_test(!bad, name);
	}
	{
		struct drm_xe_device_query q = { .query = 0xffffffff, .size = 0xffffffff,
						 .data = (uintptr_t)buf };

		expect(xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q), -EINVAL,
		       "query_id_0xffffffff_huge_size_einval");
	}
}

static void test_gem_create(void)
{
	uint32_t h;

	expect(bo_create(1ULL << 40, &h), -ENOSPC, "gem_create_1tib_enospc");
	expect(bo_create(1ULL << 62, &h), -ENOSPC, "gem_create_2pow62_enospc");
	expect(bo_create(~0ULL & ~0xfffULL, &h), -ENOSPC, "gem_create_max_size_enospc");
}

/* MAP_USERPTR of what no process can pin, and above RLIMIT_MEMLOCK. */
static void test_userptr(struct env *e)
{
	const uint64_t small = 16 * 1024, big = 1024 * 1024;
	uint32_t so = syncobj_create();
	struct drm_xe_sync s = sync_out(so);
	char *mem;
	bool ok;

	/* ranges no process could pin: refused before anything is allocated */
	expect(bind(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, 0x10000, VA_UPTR,
		    1ULL << 40, NULL, 0), -ENOMEM, "userptr_range_2pow40_enomem");
	expect(bind(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, 0x10000, VA_UPTR,
		    1ULL << 47, NULL, 0), -ENOMEM, "userptr_range_2pow47_enomem");
	expect(bind(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, 0x10000, 0,
		    ~0ULL & ~0xfffULL, NULL, 0), -ENOMEM,
	       "userptr_range_max_enomem");
	/* the GPU range wraps: vm_bind_ioctl_check_args() */
	expect(bind(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, 0x10000, VA_UPTR,
		    ~0ULL & ~0xfffULL, NULL, 0), -EINVAL,
	       "userptr_range_max_gpu_overflow_einval");
	/* kernel addresses are never the caller's memory */
	expect(bind(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, 0xffff800000000000ULL,
		    VA_UPTR, 16 * 1024, NULL, 0), -EFAULT,
	       "userptr_kernel_address_efault");

	mem = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ok = mem != MAP_FAILED;
	if (ok)
		memset(mem, 1, big);
	ktap_test(ok && vm_pin_kb() == 0, "userptr_memory_not_pinned_yet");
	if (!ok)
		return;

	/* RLIMIT_MEMLOCK is 64 KiB and we lack CAP_IPC_LOCK */
	expect(bind(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, (uintptr_t)mem, VA_UPTR,
		    big, NULL, 0), -ENOMEM, "userptr_above_memlock_enomem");
	ok = bind_wait(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, (uintptr_t)mem,
		       VA_UPTR, small) == 0;
	ktap_test(ok && vm_pin_kb() == small / 1024, "userptr_within_memlock_pinned");
	expect(bind(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0,
		    (uintptr_t)mem + 2 * small, VA_UPTR + 2 * small, MEMLOCK_LIMIT,
		    NULL, 0), -ENOMEM, "userptr_second_above_memlock_enomem");

	/* new pages at the same address: the exec repins them */
	ok = ok && mmap(mem, small, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == mem;
	ok = ok && exec(e->q, 0, 0, &s, 1) == 0 && syncobj_wait(so) == 0;
	ktap_test(ok && vm_pin_settles(small / 1024), "userptr_repin_keeps_one_pin");
	ok = ok && bind_wait(e->vm, DRM_XE_VM_BIND_OP_UNMAP, 0, 0, VA_UPTR, small) == 0;
	ktap_test(ok && vm_pin_settles(0), "userptr_unbind_unpins");
	munmap(mem, big);
}

static void test_bind_vectors(struct env *e)
{
	static const uint32_t counts[] = { 513, 0x10000, 0x7fffffff, 0xffffffff };
	struct drm_xe_vm_bind_op ops[2] = { 0 };
	char name[64];

	for (unsigned int i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct drm_xe_vm_bind b = { .vm_id = e->vm, .num_binds = counts[i],
					    .vector_of_binds = (uintptr_t)ops };

		snprintf(name, sizeof(name), "vm_bind_num_binds_%#x_einval", counts[i]);
		expect(xioctl(fd, DRM_IOCTL_XE_VM_BIND, &b), -EINVAL, name);
	}
}

static void test_vm_attrs(struct env *e)
{
	/* a page, then a guard page: a driver that believes the count faults */
	struct drm_xe_mem_range_attr *attrs = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
						   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct drm_xe_vm_query_mem_range_attr q = {
		.vm_id = e->vm, .start = 0, .range = 1ULL << 47,
		.num_mem_ranges = 0xffffffff,
		.sizeof_mem_range_attr = sizeof(attrs[0]),
		.vector_of_mem_attr = (uintptr_t)attrs,
	};
	struct drm_xe_vm_get_property gp = { .vm_id = e->vm,
		.property = DRM_XE_VM_GET_PROPERTY_FAULTS, .data = (uintptr_t)attrs };

	if (attrs == MAP_FAILED || mprotect((char *)attrs + PAGE, PAGE, PROT_NONE)) {
		ktap_test(0, "vm_attrs_buffer");
		return;
	}

	/* xe_vm_query_vmas_attrs_ioctl(): its array of that many fails */
	expect(xioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), -ENOBUFS,
	       "vm_query_attrs_0xffffffff_ranges_enobufs");
	q.num_mem_ranges = 0x7fffffff;
	expect(xioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), -ENOBUFS,
	       "vm_query_attrs_0x7fffffff_ranges_enobufs");
	q.num_mem_ranges = 4;
	q.sizeof_mem_range_attr = ~0ULL;	/* xe wants its own size */
	expect(xioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), -EINVAL,
	       "vm_query_attrs_huge_entry_size_einval");
	q = (struct drm_xe_vm_query_mem_range_attr){ .vm_id = e->vm,
		.start = 0, .range = ~0ULL };
	expect(xioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), 0,
	       "vm_query_attrs_count_whole_space");

	/* xe_vm_get_property_helper(): only the fault list's size */
	gp.size = 0xffffffff;
	expect(xioctl(fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp), -EINVAL,
	       "vm_get_property_size_0xffffffff_einval");
	gp.size = 0x80000000;
	expect(xioctl(fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp), -EINVAL,
	       "vm_get_property_size_2gib_einval");
	munmap(attrs, 2 * PAGE);
}

static struct env *exec_env;
static double exec_took;
static int exec_ret;

static void *exec_later(void *arg)
{
	double t0 = now_s();

	(void)arg;
	exec_ret = exec(exec_env->q, 0, 0, NULL, 0);
	exec_took = now_s() - t0;
	return NULL;
}

/*
 * An exec whose userptr must be rebound waits for that bind; meanwhile the
 * other ioctls of the file go on. The VM's bind queue is kept behind a
 * blocked exec, so the rebind takes until the release.
 */
static void test_rebind_blocks_nothing(struct env *e)
{
	const uint64_t size = 16 * 1024, va = VA_UPTR + 0x100000;
	struct drm_xe_exec_queue_get_property gp = {
		.exec_queue_id = e->q, .property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };
	struct drm_xe_sync in;
	uint32_t blocker = 0;
	pthread_t t, r;
	double t0, dt;
	char *mem;
	bool ok;
	int ret;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ok = mem != MAP_FAILED;
	if (ok)
		memset(mem, 1, size);
	ok = ok && bind_wait(e->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, (uintptr_t)mem,
			     va, size) == 0;
	if (ok)
		blocker = block(e);
	in = sync_in(blocker);
	/* the VM's bind queue waits for the blocked exec */
	ok = blocker && bind(e->vm, DRM_XE_VM_BIND_OP_MAP, e->bo, 0,
			     VA_BASE + 0x300000, PAGE, &in, 1) == 0;
	/* new pages at the same address: the next exec rebinds them */
	ok = ok && mmap(mem, size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == mem;
	ktap_test(ok, "rebind_env");
	if (!ok)
		return;
	release_delay = 4;
	r = release(e);
	exec_env = e;
	pthread_create(&t, NULL, exec_later, NULL);
	sleep(1);
	t0 = now_s();
	ret = xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp);
	dt = now_s() - t0;
	ktap_diag("a queue property took %.3f s while an exec waited for its userptr's rebind",
		  dt);
	ktap_test(!ret && dt < 2.0, "ioctls_go_on_while_an_exec_waits_for_a_rebind");
	pthread_join(t, NULL);
	pthread_join(r, NULL);
	release_delay = 2;
	ktap_diag("the exec took %.3f s", exec_took);
	expect(exec_ret, 0, "exec_after_userptr_rebind");
	syncobj_wait(blocker);
	expect(bind_wait(e->vm, DRM_XE_VM_BIND_OP_UNMAP, 0, 0, va, size), 0,
	       "rebound_userptr_unbind");
	munmap(mem, size);
}

/*
 * Submissions whose in-syncs are all an unsignalled fence of this file:
 * each would be a host wait, and with the submission's own host fence
 * there are more than one command carries (XE_PROXY_MAX_SYNCS).
 */
static void test_syncs(struct env *e)
{
	struct drm_xe_sync s[66];
	uint32_t blocker, so = syncobj_create();
	pthread_t t;
	int ret;

	blocker = block(e);
	ktap_test(blocker != 0, "syncs_blocking_exec");
	if (!blocker)
		return;
	for (int i = 0; i < 66; i++)
		s[i] = sync_in(blocker);

	/* 64 in-syncs: the most xe's uAPI users ever send in practice */
	t = release(e);
	ret = exec(e->q, 0, 0, s, 64);
	pthread_join(t, NULL);
	expect(ret, 0, "exec_64_in_syncs");
	syncobj_wait(blocker);

	/* 63 in-syncs, a user fence and an out-sync: 65 syncs */
	blocker = block(e);
	for (int i = 0; i < 63; i++)
		s[i] = sync_in(blocker);
	s[63] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				      .flags = DRM_XE_SYNC_FLAG_SIGNAL,
				      .addr = VA_BASE + OFF_UFENCE,
				      .timeline_value = 0x1234 };
	s[64] = sync_out(so);
	e->map[OFF_UFENCE / 4] = 0;
	e->map[OFF_NOP / 4] = MI_BATCH_BUFFER_END;
	t = release(e);
	ret = exec(e->q, 1, VA_BASE + OFF_NOP, s, 65);
	pthread_join(t, NULL);
	expect(ret, 0, "exec_65_syncs_with_user_fence");
	ret = ret ? ret : syncobj_wait(so);
	if (!ret)
		ktap_diag("user fence word %#x", e->map[OFF_UFENCE / 4]);
	ktap_test(!ret && e->map[OFF_UFENCE / 4] == 0x1234, "exec_65_syncs_signal");
	syncobj_wait(blocker);

	/* a bind waiting on 64 of them */
	blocker = block(e);
	for (int i = 0; i < 64; i++)
		s[i] = sync_in(blocker);
	s[64] = sync_out(so);
	t = release(e);
	ret = bind(e->vm, DRM_XE_VM_BIND_OP_MAP, e->bo, 0, VA_BASE + 0x200000, PAGE,
		   s, 65);
	pthread_join(t, NULL);
	expect(ret, 0, "vm_bind_64_in_syncs");
	ktap_test(!ret && syncobj_wait(so) == 0, "vm_bind_64_in_syncs_signal");
	syncobj_wait(blocker);

	/* xe_exec_ioctl(): more than DRM_XE_MAX_SYNCS, or two user fences */
	expect(exec(e->q, 0, 0, s, 0xffffffff), -EINVAL, "exec_num_syncs_0xffffffff_einval");
	expect(exec(e->q, 0, 0, s, DRM_XE_MAX_SYNCS + 1), -EINVAL,
	       "exec_num_syncs_max_plus_one_einval");
	s[0] = s[1] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_USER_FENCE,
					    .flags = DRM_XE_SYNC_FLAG_SIGNAL,
					    .addr = VA_BASE + OFF_UFENCE };
	expect(exec(e->q, 0, 0, s, 2), -EINVAL, "exec_two_user_fences_einval");
	expect(bind(e->vm, DRM_XE_VM_BIND_OP_UNMAP, 0, 0, VA_BASE + 0x200000, PAGE,
		    s, 0xffffffff), -EINVAL, "vm_bind_num_syncs_0xffffffff_einval");
}

/*
 * xe lets a VM without long-running mode go while exec queues still use
 * it: the queues keep it, in the guest too (it used to free it under them).
 */
static void test_vm_destroy_with_queue(void)
{
	struct drm_xe_engine_class_instance eci = {
		.engine_class = DRM_XE_ENGINE_CLASS_RENDER };
	struct drm_xe_exec_queue_create qc = {
		.width = 1, .num_placements = 1, .instances = (uintptr_t)&eci };
	struct drm_xe_vm_create vc = { 0 };
	struct drm_xe_vm_destroy vd = { 0 };
	struct drm_xe_exec_queue_destroy qd = { 0 };
	bool ok;

	ok = !xioctl(fd, DRM_IOCTL_XE_VM_CREATE, &vc);
	qc.vm_id = vd.vm_id = vc.vm_id;
	ok = ok && !xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);
	qd.exec_queue_id = qc.exec_queue_id;
	ok = ok && !xioctl(fd, DRM_IOCTL_XE_VM_DESTROY, &vd);
	ktap_test(ok, "vm_destroy_with_queue");
	if (ok)
		ktap_diag("exec on its queue: %d", exec(qc.exec_queue_id, 0, 0, NULL, 0));
	expect(ok ? xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &qd) : -1, 0,
	       "queue_destroy_after_its_vm");
}

static void unprivileged(void)
{
	struct env e;

	ktap_test(drop_privileges(), "running_as_nobody_without_capabilities");
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ktap_diag("open %s: %s", node, strerror(errno));
		ktap_test(0, "open_render_node_as_nobody");
		return;
	}
	ktap_test(1, "open_render_node_as_nobody");

	test_queries();
	test_gem_create();
	ktap_test(env_open(&e), "env");
	test_userptr(&e);
	test_bind_vectors(&e);
	test_vm_attrs(&e);
	close(fd);

	/*
	 * A file of its own: before the fix the host refused the command,
	 * which ends the file's host context.
	 */
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		ktap_diag("open %s again: %s", node, strerror(errno));
	if (ktap_test(fd >= 0 && env_open(&e), "second_file_env")) {
		test_rebind_blocks_nothing(&e);
		test_syncs(&e);
	}
	close(fd);

	/* Last: before the fix this used freed memory and hung the guest. */
	fd = open(node, O_RDWR | O_CLOEXEC);
	test_vm_destroy_with_queue();
	close(fd);
}

/* Kernel log lines with WARNING or BUG:, read as root from /dev/kmsg. */
static int kernel_log_complaints(void)
{
	char rec[8192];
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int n = 0;
	ssize_t len;

	if (kfd < 0)
		return -1;
	for (;;) {
		len = read(kfd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (len <= 0)
			break;
		rec[len] = '\0';
		if (strstr(rec, "WARNING") || strstr(rec, "BUG:")) {
			ktap_diag("kernel: %s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
			n++;
		}
	}
	close(kfd);
	return n;
}

int main(int argc, char **argv)
{
	struct rlimit memlock = { MEMLOCK_LIMIT, MEMLOCK_LIMIT };
	unsigned int counts[3];
	int pipefd[2], status, n;
	pid_t pid;

	node = argc > 1 ? argv[1] : "/dev/dri/renderD128";
	ktap_header(0);
	if (setrlimit(RLIMIT_MEMLOCK, &memlock) || pipe(pipefd)) {
		printf("Bail out! setrlimit/pipe: %s\n", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		unprivileged();
		counts[0] = ktap_num;
		counts[1] = ktap_pass_count;
		counts[2] = ktap_fail_count;
		if (write(pipefd[1], counts, sizeof(counts)) != sizeof(counts))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	waitpid(pid, &status, 0);
	if (read(pipefd[0], counts, sizeof(counts)) == sizeof(counts)) {
		ktap_num = counts[0];
		ktap_pass_count = counts[1];
		ktap_fail_count = counts[2];
	}
	ktap_test(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "unprivileged_child_exited_cleanly");
	n = kernel_log_complaints();
	ktap_test(n == 0, "no_warning_or_bug_in_kernel_log");
	return ktap_finish();
}
