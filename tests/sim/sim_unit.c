// SPDX-License-Identifier: MIT
/*
 * Unit tests of the simulator's own semantics: each case feeds one bad
 * input and checks the errno the real xe driver gives for it (the file and
 * function each expectation follows are named in the case), plus a few good
 * paths the rest of the suite relies on. Run with LD_PRELOAD=libxe_sim.so.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>
#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include "../lib/ktap.h"

static int fd;

static int xioctl(unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

#define EXPECT(expr, want, name) do { \
		int r_ = (expr); \
		if (!ktap_test(r_ == (want), name)) \
			ktap_diag("%s: got %d (%s), want %d", name, r_, strerror(-r_), want); \
	} while (0)

static uint32_t bo_create(uint64_t size, uint32_t vm)
{
	struct drm_xe_gem_create c = { .size = size, .placement = 1,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB, .vm_id = vm };

	return xioctl(DRM_IOCTL_XE_GEM_CREATE, &c) ? 0 : c.handle;
}

static uint32_t vm_create(uint32_t flags)
{
	struct drm_xe_vm_create v = { .flags = flags };

	return xioctl(DRM_IOCTL_XE_VM_CREATE, &v) ? 0 : v.vm_id;
}

static uint32_t queue_create(uint32_t vm, uint16_t cls)
{
	struct drm_xe_engine_class_instance eci = { .engine_class = cls };
	struct drm_xe_exec_queue_create q = { .width = 1, .num_placements = 1,
		.vm_id = vm, .instances = (uintptr_t)&eci };

	return xioctl(DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &q) ? 0 : q.exec_queue_id;
}

static int bind(uint32_t vm, uint32_t bo, uint64_t addr, uint64_t range,
		uint32_t op, uint16_t pat, struct drm_xe_sync *sync, uint32_t nsync)
{
	struct drm_xe_vm_bind b = { .vm_id = vm, .num_binds = 1,
		.bind = { .obj = bo, .addr = addr, .range = range, .op = op,
			  .pat_index = pat },
		.num_syncs = nsync, .syncs = (uintptr_t)sync };

	return xioctl(DRM_IOCTL_XE_VM_BIND, &b);
}

static int syncobj_wait(uint32_t h, int64_t timeout_ns)
{
	struct drm_syncobj_wait w = { .handles = (uintptr_t)&h, .count_handles = 1,
		.timeout_nsec = timeout_ns };

	return xioctl(DRM_IOCTL_SYNCOBJ_WAIT, &w);
}


#define MI_BATCH_BUFFER_END	(0x0a << 23)
#define MI_STORE_DATA_IMM(n)	((0x20 << 23) | ((n) + 1))	/* n dwords */
#define MI_SEMAPHORE_WAIT_EQ	((0x1c << 23) | (1 << 15) | (4 << 12) | 2)
#define MI_COND_BB_END_CMP	((0x36 << 23) | (1 << 21) | 2)
#define MI_BATCH_BUFFER_START	((0x31 << 23) | 1)
#define XY_FAST_COPY_BLT(len)	((2u << 29) | (0x42 << 22) | ((len) - 2))

/* A mapped BO bound at @addr of @vm, for batches and their data. */
static uint32_t *bo_bound_map(uint32_t vm, uint64_t addr, uint64_t size, uint32_t *handle)
{
	struct drm_xe_gem_mmap_offset mo = { 0 };
	uint32_t *p;

	*handle = bo_create(size, 0);
	mo.handle = *handle;
	if (!*handle || xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, size);
	if (bind(vm, *handle, addr, size, DRM_XE_VM_BIND_OP_MAP, 1, NULL, 0)) {
		munmap(p, size);
		return NULL;
	}
	return p;
}

static uint32_t syncobj_new(void)
{
	struct drm_syncobj_create c = { 0 };

	return xioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : c.handle;
}

/* EXEC of the batch at @addr signalling syncobj @so (0: none). */
static int exec_batch(uint32_t q, uint64_t addr, uint32_t so)
{
	struct drm_xe_sync sync = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
	struct drm_xe_exec ex = { .exec_queue_id = q, .num_batch_buffer = 1,
		.address = addr, .num_syncs = so ? 1 : 0, .syncs = (uintptr_t)&sync };

	return xioctl(DRM_IOCTL_XE_EXEC, &ex);
}

static uint64_t queue_banned(uint32_t q)
{
	struct drm_xe_exec_queue_get_property gp = { .exec_queue_id = q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };

	return xioctl(DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp) ? ~0ull : gp.value;
}

static void test_identity(void)
{
	char name[8] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	struct stat st;

	EXPECT(xioctl(DRM_IOCTL_VERSION, &v), 0, "version");
	ktap_test(!strcmp(name, "xe"), "version name is xe");
	ktap_test(!fstat(fd, &st) && S_ISCHR(st.st_mode) && major(st.st_rdev) == 226,
		  "fstat: DRM character device");
}

/*
 * A child made without fork()'s atfork handlers (_Fork, a raw clone)
 * copies to its own memory: the simulator's user copies name a process,
 * and naming the parent would write there (it did once, with the pid kept
 * across the fork).
 */
extern pid_t _Fork(void);

static void test_copy_in_child(void)
{
	char name[8] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	int status = -1;
	pid_t pid = _Fork();

	if (pid == 0)
		_exit(ioctl(fd, DRM_IOCTL_VERSION, &v) || strcmp(name, "xe"));
	ktap_test(pid > 0 && waitpid(pid, &status, 0) == pid &&
		  WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "_Fork child: its user copy reaches its own memory");
	ktap_test(!name[0], "_Fork child: the parent's memory is untouched");
}

static void test_query(void)
{
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_CONFIG };
	uint64_t buf[16];

	EXPECT(xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q), 0, "query: size probe");
	ktap_test(q.size == sizeof(struct drm_xe_query_config) + 5 * 8, "query: config size");
	q.size -= 8;
	q.data = (uintptr_t)buf;
	/* xe_query.c query_config(): the size must match exactly */
	EXPECT(xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q), -EINVAL, "query: wrong size EINVAL");
	q.size += 8;
	q.data = 8;
	EXPECT(xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q), -EFAULT, "query: bad pointer EFAULT");
	q.query = 99;
	EXPECT(xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q), -EINVAL, "query: unknown type EINVAL");
	q.query = DRM_XE_DEVICE_QUERY_CONFIG;
	q.reserved[0] = 1;
	EXPECT(xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q), -EINVAL, "query: reserved EINVAL");
}

static void test_gem(void)
{
	struct drm_xe_gem_create c = { .size = 4096, .placement = 1,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_gem_mmap_offset mo = { 0 };
	struct drm_gem_close cl = { 0 };
	uint32_t *p;

	/* xe_bo.c xe_gem_create_ioctl() */
	c.size = 4095;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_CREATE, &c), -EINVAL, "gem_create: unaligned size EINVAL");
	c.size = 4096;
	c.placement = 0;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_CREATE, &c), -EINVAL, "gem_create: no placement EINVAL");
	c.placement = 2;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_CREATE, &c), -EINVAL, "gem_create: VRAM on iGPU EINVAL");
	c.placement = 1;
	c.cpu_caching = 0;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_CREATE, &c), -EINVAL, "gem_create: no cpu_caching EINVAL");
	c.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB;
	c.flags = DRM_XE_GEM_CREATE_FLAG_SCANOUT;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_CREATE, &c), -EINVAL, "gem_create: WB scanout EINVAL");
	c.flags = 0;
	c.vm_id = 777;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_CREATE, &c), -ENOENT, "gem_create: unknown vm ENOENT");
	c.vm_id = 0;
	c.size = 1ull << 62;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_CREATE, &c), -ENOSPC, "gem_create: huge ENOSPC");
	c.size = 4096;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_CREATE, &c), 0, "gem_create");
	mo.handle = c.handle;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), 0, "mmap_offset");
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	ktap_test(p != MAP_FAILED && (p[0] = 0x1234, p[0] == 0x1234), "mmap write/read");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	mo.flags = DRM_XE_MMAP_OFFSET_FLAG_PCI_BARRIER;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), -EINVAL, "mmap_offset: PCI barrier on iGPU EINVAL");
	mo.flags = 0;
	mo.handle = 999;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), -ENOENT, "mmap_offset: bad handle ENOENT");
	cl.handle = c.handle;
	EXPECT(xioctl(DRM_IOCTL_GEM_CLOSE, &cl), 0, "gem_close");
	/* drm_gem.c drm_gem_handle_delete() */
	EXPECT(xioctl(DRM_IOCTL_GEM_CLOSE, &cl), -EINVAL, "gem_close: double close EINVAL");
}

static void test_vm_bind(void)
{
	uint32_t vm = vm_create(0), vm2 = vm_create(0), bo = bo_create(8192, 0);
	uint32_t priv = bo_create(4096, vm2);
	struct drm_xe_vm_create vc = { .flags = DRM_XE_VM_CREATE_FLAG_FAULT_MODE };
	struct drm_xe_vm_destroy vd = { .vm_id = 4242 };

	/* xe_vm.c xe_vm_create_ioctl(): FAULT_MODE needs LR_MODE */
	EXPECT(xioctl(DRM_IOCTL_XE_VM_CREATE, &vc), -EINVAL, "vm_create: fault without LR EINVAL");
	EXPECT(xioctl(DRM_IOCTL_XE_VM_DESTROY, &vd), -ENOENT, "vm_destroy: unknown ENOENT");
	/* vm_bind_ioctl_check_args() */
	EXPECT(bind(vm, bo, 0x10000, 4096, DRM_XE_VM_BIND_OP_MAP, 17, NULL, 0), -EINVAL,
	       "bind: reserved PAT 17 EINVAL");
	EXPECT(bind(vm, bo, 0x10800, 4096, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), -EINVAL,
	       "bind: unaligned addr EINVAL");
	EXPECT(bind(vm, bo, 0x10000, 3 * 4096, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), -EINVAL,
	       "bind: range beyond BO EINVAL");
	EXPECT(bind(vm, 999, 0x10000, 4096, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), -ENOENT,
	       "bind: unknown BO ENOENT");
	EXPECT(bind(vm, bo, 0x10000, 4096, DRM_XE_VM_BIND_OP_UNMAP, 0, NULL, 0), -EINVAL,
	       "bind: UNMAP with obj EINVAL");
	EXPECT(bind(4343, bo, 0x10000, 4096, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), -EINVAL,
	       "bind: unknown vm EINVAL");
	EXPECT(bind(vm, bo, 1ull << 48, 4096, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), -EINVAL,
	       "bind: beyond VA bits EINVAL");
	EXPECT(bind(vm, priv, 0x10000, 4096, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), -EINVAL,
	       "bind: other VM's private BO EINVAL");
	/* xe_vm_bind_ioctl_validate_bo(): non-coherent PAT on a WB BO */
	EXPECT(bind(vm, bo, 0x10000, 4096, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), -EINVAL,
	       "bind: coh-none PAT on WB BO EINVAL");
	EXPECT(bind(vm, bo, 0x10000, 8192, DRM_XE_VM_BIND_OP_MAP, 1, NULL, 0), 0, "bind: map");
	EXPECT(bind(vm, 0, 0x11000, 4096, DRM_XE_VM_BIND_OP_UNMAP, 0, NULL, 0), 0,
	       "bind: partial unmap");
	EXPECT(bind(vm, 0, 0x40000, 4096, DRM_XE_VM_BIND_OP_UNMAP, 0, NULL, 0), 0,
	       "bind: unmap of nothing is a sync point");
	EXPECT(bind(vm, bo, 0, 0, DRM_XE_VM_BIND_OP_UNMAP_ALL, 1, NULL, 0), 0, "bind: unmap_all");
}

static void test_exec(void)
{
	uint32_t vm = vm_create(0), bo = bo_create(4096, 0);
	uint32_t q = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	struct drm_syncobj_create sc = { 0 };
	struct drm_xe_sync sync = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL };
	struct drm_xe_exec ex = { .exec_queue_id = q, .num_batch_buffer = 1,
		.num_syncs = 1, .syncs = (uintptr_t)&sync };
	struct drm_xe_exec_queue_get_property gp = { .exec_queue_id = q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };
	struct drm_xe_gem_mmap_offset mo = { .handle = bo };
	uint32_t *p;

	xioctl(DRM_IOCTL_SYNCOBJ_CREATE, &sc);
	sync.handle = sc.handle;
	xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	if (p == MAP_FAILED) {
		ktap_test(0, "exec: mmap");
		return;
	}
	bind(vm, bo, 0x100000, 4096, DRM_XE_VM_BIND_OP_MAP, 1, NULL, 0);
	/* MI_STORE_DATA_IMM to 0x100100, MI_BATCH_BUFFER_END */
	p[0] = (0x20 << 23) | 2;
	p[1] = 0x100100;
	p[2] = 0;
	p[3] = 0xc0ffee;
	p[4] = 0x0a << 23;
	ex.address = 0x100000;
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), 0, "exec: store dword");
	EXPECT(syncobj_wait(sc.handle, INT64_MAX), 0, "exec: out-fence signals");
	ktap_test(p[0x40] == 0xc0ffee, "exec: dword landed");
	ex.num_batch_buffer = 2;
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), -EINVAL, "exec: width mismatch EINVAL");
	ex.num_batch_buffer = 1;
	ex.exec_queue_id = 555;
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), -ENOENT, "exec: unknown queue ENOENT");
	ex.exec_queue_id = q;
	/* a batch at an unmapped address faults and bans the queue */
	ex.address = 0x900000;
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), 0, "exec: faulting batch accepted");
	syncobj_wait(sc.handle, INT64_MAX);
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp), 0, "get_property: ban");
	ktap_test(gp.value == 1, "get_property: queue banned after fault");
	ex.address = 0x100000;
	/* xe_exec.c: reset_status() -> ECANCELED */
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), -ECANCELED, "exec: banned queue ECANCELED");
	sync.flags = 0;
	sync.handle = 4321;
	ex.exec_queue_id = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), -ENOENT, "exec: unknown syncobj ENOENT");
	sync.handle = sc.handle;
	sync.type = DRM_XE_SYNC_TYPE_USER_FENCE;
	sync.addr = 0x100104;
	sync.flags = DRM_XE_SYNC_FLAG_SIGNAL;
	/* xe_sync.c: user fence address must be 8-byte aligned */
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), -EINVAL, "exec: unaligned ufence EINVAL");
	sync.flags = 0;
	sync.addr = 0x100108;
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), -EOPNOTSUPP, "exec: wait on ufence EOPNOTSUPP");
	munmap(p, 4096);
}

static void test_wait_ufence(void)
{
	uint64_t v = 5;
	struct drm_xe_wait_user_fence w = { .addr = (uintptr_t)&v, .value = 5,
		.mask = ~0ull, .op = DRM_XE_UFENCE_WAIT_OP_EQ, .timeout = 1000 };

	EXPECT(xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w), 0, "wait_ufence: already true");
	w.value = 6;
	w.timeout = 1000000;
	EXPECT(xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w), -ETIME, "wait_ufence: timeout ETIME");
	w.addr += 4;
	EXPECT(xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w), -EINVAL, "wait_ufence: unaligned EINVAL");
	w.addr = 8;
	EXPECT(xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w), -EFAULT, "wait_ufence: bad addr EFAULT");
	w.addr = (uintptr_t)&v;
	w.op = 9;
	EXPECT(xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w), -EINVAL, "wait_ufence: bad op EINVAL");
}

static void test_syncobj(void)
{
	struct drm_syncobj_create c = { .flags = DRM_SYNCOBJ_CREATE_SIGNALED };
	struct drm_syncobj_handle h = { 0 };
	struct drm_syncobj_timeline_array ta = { 0 };
	uint64_t point = 3, out = 0;
	struct pollfd pfd;

	EXPECT(xioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c), 0, "syncobj: create signalled");
	EXPECT(syncobj_wait(c.handle, 0), 0, "syncobj: signalled wait");
	h.handle = c.handle;
	h.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
	EXPECT(xioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h), 0, "syncobj: export sync_file");
	pfd.fd = h.fd;
	pfd.events = POLLIN;
	ktap_test(poll(&pfd, 1, 1000) == 1, "sync_file: pollable once signalled");
	close(h.fd);
	c.flags = 0;
	xioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c);
	/* drm_syncobj.c: waiting on no fence without WAIT_FOR_SUBMIT */
	EXPECT(syncobj_wait(c.handle, 0), -EINVAL, "syncobj: wait without fence EINVAL");
	ta.handles = (uintptr_t)&c.handle;
	ta.points = (uintptr_t)&point;
	ta.count_handles = 1;
	EXPECT(xioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta), 0, "timeline: signal point 3");
	ta.points = (uintptr_t)&out;
	EXPECT(xioctl(DRM_IOCTL_SYNCOBJ_QUERY, &ta), 0, "timeline: query");
	ktap_test(out == 3, "timeline: query returns 3");
	ta.count_handles = 0;
	EXPECT(xioctl(DRM_IOCTL_SYNCOBJ_QUERY, &ta), -EINVAL, "timeline: zero count EINVAL");
	h.handle = 9999;
	h.flags = 0;
	EXPECT(xioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h), -EINVAL, "syncobj: export unknown EINVAL");
}

static void test_prime(void)
{
	uint32_t bo = bo_create(4096, 0), vm = vm_create(0), priv = bo_create(4096, vm);
	struct drm_prime_handle ph = { .handle = bo, .flags = DRM_CLOEXEC };

	EXPECT(xioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph), 0, "prime: export");
	ph.handle = 0;
	EXPECT(xioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph), 0, "prime: import");
	ktap_test(ph.handle == bo, "prime: self-import gives the same handle");
	close(ph.fd);
	/* xe_dma_buf.c xe_gem_prime_export(): VM-private BOs are not shareable */
	ph.handle = priv;
	EXPECT(xioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph), -EPERM, "prime: VM-private EPERM");
}

/*
 * Two userptrs next to each other in the GPU VA but not in the CPU's: an
 * access that crosses from one to the other reaches both (xe walks its page
 * tables per page, so no access depends on host contiguity).
 */
static void test_userptr_crossing(void)
{
	uint32_t vm = vm_create(0), q = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	uint32_t so = syncobj_new(), bo, *batch;
	uint8_t *host = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t *a = (uint32_t *)host, *b = (uint32_t *)(host + 2 * 4096);
	struct drm_xe_vm_bind_op ops[2] = {
		{ .op = DRM_XE_VM_BIND_OP_MAP_USERPTR, .userptr = (uintptr_t)a,
		  .addr = 0x200000, .range = 4096, .pat_index = 1 },
		{ .op = DRM_XE_VM_BIND_OP_MAP_USERPTR, .userptr = (uintptr_t)b,
		  .addr = 0x201000, .range = 4096, .pat_index = 1 },
	};
	struct drm_xe_vm_bind vb = { .vm_id = vm, .num_binds = 2,
		.vector_of_binds = (uintptr_t)ops };

	batch = bo_bound_map(vm, 0x100000, 4096, &bo);
	if (host == MAP_FAILED || !batch || !so) {
		ktap_test(0, "userptr crossing: setup");
		return;
	}
	EXPECT(xioctl(DRM_IOCTL_XE_VM_BIND, &vb), 0, "userptr crossing: bind two pieces");
	/* two dwords at 0x200ffc: the last of piece a, the first of piece b */
	batch[0] = MI_STORE_DATA_IMM(2);
	batch[1] = 0x200ffc;
	batch[2] = 0;
	batch[3] = 0x1111;
	batch[4] = 0x2222;
	batch[5] = MI_BATCH_BUFFER_END;
	EXPECT(exec_batch(q, 0x100000, so), 0, "userptr crossing: exec");
	EXPECT(syncobj_wait(so, INT64_MAX), 0, "userptr crossing: done");
	ktap_test(a[1023] == 0x1111 && b[0] == 0x2222,
		  "userptr crossing: both pieces written");
	ktap_test(queue_banned(q) == 0, "userptr crossing: no fault");
	munmap(host, 3 * 4096);
	munmap(batch, 4096);
}

/*
 * drivers/dma-buf/dma-buf.c: EXPORT_SYNC_FILE and IMPORT_SYNC_FILE, and
 * poll(), against the fences imported into a BO's dma-buf.
 */
static void test_dmabuf_sync(void)
{
	uint32_t vm = vm_create(0), q = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	uint32_t so = syncobj_new(), bo, shared = bo_create(4096, 0), *batch;
	struct drm_prime_handle ph = { .handle = shared, .flags = DRM_CLOEXEC };
	struct drm_syncobj_handle sh = { .handle = so,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_READ };
	struct dma_buf_import_sync_file im = { .flags = DMA_BUF_SYNC_WRITE };
	struct dma_buf_sync bs = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
	struct pollfd pfd = { .events = POLLIN };

	batch = bo_bound_map(vm, 0x100000, 4096, &bo);
	if (!batch || !so || xioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph)) {
		ktap_test(0, "dma-buf sync: setup");
		return;
	}
	ktap_test(ioctl(ph.fd, DMA_BUF_IOCTL_SYNC, &bs) == 0, "dma-buf sync: DMA_BUF_IOCTL_SYNC");
	ktap_test(ioctl(ph.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex) == 0,
		  "dma-buf sync: export of an idle dma-buf");
	pfd.fd = ex.fd;
	ktap_test(poll(&pfd, 1, 0) == 1, "dma-buf sync: idle export is signalled");
	close(ex.fd);
	ex.flags = 0;
	ktap_test(ioctl(ph.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex) == -1 && errno == EINVAL,
		  "dma-buf sync: export without READ/WRITE EINVAL");
	ktap_test(ioctl(ph.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, (void *)8) == -1 && errno == EFAULT,
		  "dma-buf sync: bad pointer EFAULT");
	im.fd = ph.fd;
	ktap_test(ioctl(ph.fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &im) == -1 && errno == EINVAL,
		  "dma-buf sync: import of a non-sync_file EINVAL");

	/* a job that waits for the dword at 0x100800 to become 1 */
	batch[0] = MI_SEMAPHORE_WAIT_EQ;
	batch[1] = 1;
	batch[2] = 0x100800;
	batch[3] = 0;
	batch[4] = MI_BATCH_BUFFER_END;
	EXPECT(exec_batch(q, 0x100000, so), 0, "dma-buf sync: blocked job");
	EXPECT(xioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh), 0, "dma-buf sync: job's sync_file");
	im.fd = sh.fd;
	ktap_test(ioctl(ph.fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &im) == 0,
		  "dma-buf sync: import as a write fence");
	ex.flags = DMA_BUF_SYNC_READ;
	ktap_test(ioctl(ph.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex) == 0,
		  "dma-buf sync: export for a read");
	pfd.fd = ex.fd;
	ktap_test(poll(&pfd, 1, 0) == 0, "dma-buf sync: read waits for the writer");
	pfd.fd = ph.fd;
	ktap_test(poll(&pfd, 1, 0) == 0, "dma-buf sync: poll(POLLIN) busy");
	batch[0x200] = 1;	/* release the job */
	EXPECT(syncobj_wait(so, INT64_MAX), 0, "dma-buf sync: job done");
	ktap_test(poll(&pfd, 1, -1) == 1 && pfd.revents == POLLIN,
		  "dma-buf sync: poll(POLLIN) ready once the writer is done");
	pfd.fd = ex.fd;
	ktap_test(poll(&pfd, 1, -1) == 1, "dma-buf sync: exported sync_file signals");
	close(ex.fd);
	close(sh.fd);
	close(ph.fd);
	munmap(batch, 4096);
}

/* XY_FAST_COPY_BLT, linear 32 bpp, with offsets into both surfaces. */
static void test_fast_copy(void)
{
	uint32_t vm = vm_create(0), q = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	uint32_t so = syncobj_new(), bo, *p = bo_bound_map(vm, 0x100000, 16384, &bo);
	uint32_t *src, *dst, x, y, bad = 0;

	if (!p || !so) {
		ktap_test(0, "fast copy: setup");
		return;
	}
	src = p + 0x1000 / 4;	/* 16 x 4 pixels, pitch 64 bytes */
	dst = p + 0x2000 / 4;	/* pitch 128 bytes */
	for (y = 0; y < 4; y++)
		for (x = 0; x < 16; x++)
			src[y * 16 + x] = y << 8 | x;
	p[0] = XY_FAST_COPY_BLT(10);
	p[1] = (3 << 24) | 128;		/* 32 bpp, dst pitch */
	p[2] = 1 << 16 | 2;		/* dst x1 2, y1 1 */
	p[3] = 4 << 16 | 10;		/* dst x2 10, y2 4: 8 x 3 pixels */
	p[4] = 0x102000;
	p[5] = 0;
	p[6] = 1 << 16 | 4;		/* src x1 4, y1 1 */
	p[7] = 64;			/* src pitch */
	p[8] = 0x101000;
	p[9] = 0;
	p[10] = MI_BATCH_BUFFER_END;
	EXPECT(exec_batch(q, 0x100000, so), 0, "fast copy: exec");
	EXPECT(syncobj_wait(so, INT64_MAX), 0, "fast copy: done");
	for (y = 0; y < 6; y++)
		for (x = 0; x < 32; x++) {
			bool inside = y >= 1 && y < 4 && x >= 2 && x < 10;
			uint32_t want = inside ? (y << 8 | (x - 2 + 4)) : 0;

			bad += dst[y * 32 + x] != want;
		}
	ktap_test(bad == 0, "fast copy: the rectangle and nothing else");
	munmap(p, 16384);
}

/*
 * MI_CONDITIONAL_BATCH_BUFFER_END reads a dword: IGT's xe_spin keeps its
 * `end` at offset 4 mod 8 and xe_spin_end() must stop the spinner.
 */
static void test_cond_end_dword(void)
{
	uint32_t vm = vm_create(0), q = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	uint32_t so = syncobj_new(), bo, *p = bo_bound_map(vm, 0x100000, 4096, &bo);

	if (!p || !so) {
		ktap_test(0, "cond end: setup");
		return;
	}
	p[0x200 / 4] = 0xffffffff;	/* the qword-aligned neighbour */
	p[0x204 / 4] = 0;		/* the compare dword: end */
	p[0] = MI_COND_BB_END_CMP;
	p[1] = 0;
	p[2] = 0x100204;
	p[3] = 0;
	p[4] = MI_STORE_DATA_IMM(1);
	p[5] = 0x100300;
	p[6] = 0;
	p[7] = 0xdead;
	p[8] = MI_BATCH_BUFFER_END;
	EXPECT(exec_batch(q, 0x100000, so), 0, "cond end: exec");
	EXPECT(syncobj_wait(so, INT64_MAX), 0, "cond end: done");
	ktap_test(p[0x300 / 4] == 0, "cond end: 0 at a 4-byte offset ends the batch");
	p[0x200 / 4] = 0;
	p[0x204 / 4] = 5;
	EXPECT(exec_batch(q, 0x100000, so), 0, "cond end: exec again");
	EXPECT(syncobj_wait(so, INT64_MAX), 0, "cond end: done again");
	ktap_test(p[0x300 / 4] == 0xdead, "cond end: 5 > 0 goes on");
	munmap(p, 4096);
}

/*
 * xe_guc_submit.c: a queue of an LR VM has no job timeout. The same
 * endless loop is banned on a normal VM and keeps running on an LR one
 * until memory tells it to stop.
 */
/* SYNC_IOC_FILE_INFO of @so's fence exported as a sync_file. */
static int fence_status(uint32_t so)
{
	struct drm_syncobj_handle h = { .handle = so,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct sync_file_info info = { 0 };
	int ret;

	if (xioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h))
		return 2;
	ret = ioctl(h.fd, SYNC_IOC_FILE_INFO, &info) ? 3 : info.status;
	close(h.fd);
	return ret;
}

static void test_lr_no_timeout(void)
{
	uint32_t vm = vm_create(0), q = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	uint32_t lr = vm_create(DRM_XE_VM_CREATE_FLAG_LR_MODE);
	uint32_t lq = queue_create(lr, DRM_XE_ENGINE_CLASS_COPY);
	uint32_t so = syncobj_new(), bo, lbo, *p, *lp, i;
	uint64_t *ufence;
	struct drm_xe_sync us = { .type = DRM_XE_SYNC_TYPE_USER_FENCE,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL, .addr = 0x100800, .timeline_value = 7 };
	struct drm_xe_exec ex = { .exec_queue_id = lq, .num_batch_buffer = 1,
		.address = 0x100000, .num_syncs = 1, .syncs = (uintptr_t)&us };
	struct drm_xe_wait_user_fence w = { .value = 7, .mask = ~0ull,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .timeout = -1, .exec_queue_id = lq };

	p = bo_bound_map(vm, 0x100000, 4096, &bo);
	lp = bo_bound_map(lr, 0x100000, 4096, &lbo);
	if (!p || !lp || !so || !lq) {
		ktap_test(0, "LR no timeout: setup");
		return;
	}
	/* loop: end once the dword at 0x100400 is 0, else jump back */
	for (i = 0; i < 2; i++) {
		uint32_t *b = i ? lp : p;

		b[0] = MI_COND_BB_END_CMP;
		b[1] = 0;
		b[2] = 0x100400;
		b[3] = 0;
		b[4] = MI_BATCH_BUFFER_START;
		b[5] = 0x100000;
		b[6] = 0;
		b[0x100] = 1;
	}
	ufence = (uint64_t *)(lp + 0x200);
	w.addr = (uintptr_t)ufence;
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), 0, "LR no timeout: LR loop submitted");
	EXPECT(exec_batch(q, 0x100000, so), 0, "LR no timeout: normal loop submitted");
	/* the normal VM's loop ends by running out of time: an error fence */
	syncobj_wait(so, INT64_MAX);
	ktap_test(queue_banned(q) == 1, "LR no timeout: normal VM's endless job banned");
	ktap_test(fence_status(so) == -ETIME,
		  "LR no timeout: the timed-out job's sync_file status is -ETIME");
	ktap_test(queue_banned(lq) == 0 && *ufence == 0,
		  "LR no timeout: LR job still running, not banned");
	lp[0x100] = 0;
	EXPECT(xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w), 0, "LR no timeout: LR job ends");
	ktap_test(*ufence == 7 && queue_banned(lq) == 0, "LR no timeout: completed normally");
	munmap(p, 4096);
	munmap(lp, 4096);
}

/*
 * EXEC_QUEUE_DESTROY kills the queue (xe_exec_queue_kill()): the running
 * spinner stops and the job queued behind it never runs, even when the
 * spinner would end right after.
 */
static void test_destroy_kills_queued(void)
{
	uint32_t vm = vm_create(0), q = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	uint32_t s0 = syncobj_new(), s1 = syncobj_new(), bo, *p;
	struct drm_xe_exec_queue_destroy d = { .exec_queue_id = q };

	p = bo_bound_map(vm, 0x100000, 4096, &bo);
	if (!p || !q || !s0 || !s1) {
		ktap_test(0, "queue kill: setup");
		return;
	}
	/* spin until the dword at 0x100400 is 1; then store at 0x100500 */
	p[0] = MI_SEMAPHORE_WAIT_EQ;
	p[1] = 1;
	p[2] = 0x100400;
	p[3] = 0;
	p[4] = MI_BATCH_BUFFER_END;
	p[0x40] = MI_STORE_DATA_IMM(1);
	p[0x41] = 0x100500;
	p[0x42] = 0;
	p[0x43] = 0x1234;
	p[0x44] = MI_BATCH_BUFFER_END;
	EXPECT(exec_batch(q, 0x100000, s0), 0, "queue kill: spinner submitted");
	EXPECT(exec_batch(q, 0x100100, s1), 0, "queue kill: store queued behind it");
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d), 0, "queue kill: destroyed");
	p[0x100] = 1;	/* would end the spinner */
	EXPECT(syncobj_wait(s1, INT64_MAX), 0, "queue kill: queued job's fence signalled");
	EXPECT(syncobj_wait(s0, INT64_MAX), 0, "queue kill: spinner's fence signalled");
	ktap_test(p[0x140] == 0, "queue kill: the queued job never ran");
	if (p[0x140])
		ktap_diag("queued store wrote 0x%x", p[0x140]);
	munmap(p, 4096);
}

/*
 * xe_hw_engine_group.c: a faulting LR job waits while a dma-fence job of
 * the same engine group (render and compute) runs, and runs once it ended.
 */
static void test_engine_group_modes(void)
{
	uint32_t vm = vm_create(0), q = queue_create(vm, DRM_XE_ENGINE_CLASS_RENDER);
	uint32_t lr = vm_create(DRM_XE_VM_CREATE_FLAG_LR_MODE |
				DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
	uint32_t lq = queue_create(lr, DRM_XE_ENGINE_CLASS_RENDER);
	uint32_t so = syncobj_new(), bo, lbo, *p, *lp;
	uint64_t *ufence;
	struct drm_xe_sync us = { .type = DRM_XE_SYNC_TYPE_USER_FENCE,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL, .addr = 0x100800, .timeline_value = 9 };
	struct drm_xe_exec ex = { .exec_queue_id = lq, .num_batch_buffer = 1,
		.address = 0x100000, .num_syncs = 1, .syncs = (uintptr_t)&us };
	struct drm_xe_wait_user_fence w = { .value = 9, .mask = ~0ull,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .exec_queue_id = lq };

	p = bo_bound_map(vm, 0x100000, 4096, &bo);
	lp = bo_bound_map(lr, 0x100000, 4096, &lbo);
	if (!p || !lp || !so || !q || !lq) {
		ktap_test(0, "engine group: setup");
		return;
	}
	/* a dma-fence spinner until 0x100400 is 1; an LR store-dword */
	p[0] = MI_SEMAPHORE_WAIT_EQ;
	p[1] = 1;
	p[2] = 0x100400;
	p[3] = 0;
	p[4] = MI_BATCH_BUFFER_END;
	lp[0] = MI_STORE_DATA_IMM(1);
	lp[1] = 0x100500;
	lp[2] = 0;
	lp[3] = 0x4321;
	lp[4] = MI_BATCH_BUFFER_END;
	ufence = (uint64_t *)(lp + 0x200);
	w.addr = (uintptr_t)ufence;
	EXPECT(exec_batch(q, 0x100000, so), 0, "engine group: dma-fence spinner");
	EXPECT(xioctl(DRM_IOCTL_XE_EXEC, &ex), 0, "engine group: LR job submitted");
	w.timeout = 50 * 1000 * 1000;
	EXPECT(xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w), -ETIME,
	       "engine group: LR job waits for the dma-fence job");
	ktap_test(lp[0x140] == 0, "engine group: LR job has not run");
	p[0x100] = 1;
	EXPECT(syncobj_wait(so, INT64_MAX), 0, "engine group: dma-fence job ends");
	w.timeout = -1;
	EXPECT(xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w), 0, "engine group: then the LR job runs");
	ktap_test(lp[0x140] == 0x4321, "engine group: LR job stored");
	munmap(p, 4096);
	munmap(lp, 4096);
}

/*
 * vm_bind_ioctl_check_args(): the array of binds is one kvmalloc (at most
 * INT_MAX bytes); past that, or when the allocation fails, ENOBUFS. An
 * array of a million and one binds is within the limit and gets checked.
 */
static void test_bind_enobufs(void)
{
	uint32_t vm = vm_create(0);
	size_t n = (1u << 20) + 1, size = n * sizeof(struct drm_xe_vm_bind_op);
	struct drm_xe_vm_bind vb = { .vm_id = vm, .vector_of_binds = 8,
		.num_binds = (uint32_t)(((uint64_t)INT32_MAX + 1) / sizeof(struct drm_xe_vm_bind_op) + 1) };
	void *ops;

	EXPECT(xioctl(DRM_IOCTL_XE_VM_BIND, &vb), -ENOBUFS, "bind array: over INT_MAX bytes ENOBUFS");
	vb.num_binds = 4;
	EXPECT(xioctl(DRM_IOCTL_XE_VM_BIND, &vb), -EFAULT, "bind array: bad pointer EFAULT");
	ops = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ops == MAP_FAILED) {
		ktap_test(0, "bind array: mmap");
		return;
	}
	/* zeroed ops are MAPs of no BO: each is checked, the first fails */
	vb.vector_of_binds = (uintptr_t)ops;
	vb.num_binds = n;
	EXPECT(xioctl(DRM_IOCTL_XE_VM_BIND, &vb), -EINVAL,
	       "bind array: 2^20 + 1 binds accepted for checking");
	munmap(ops, size);
}

/*
 * xe_pt.c xe_pt_vm_dependencies(): a bind on one bind queue waits for a
 * pending bind of another queue when both write the same page table (here
 * a new leaf table for [2M, 4M)), and not when they write different
 * entries of an existing one (the leaf table of [0, 2M)).
 */
static void test_bind_range_fence(void)
{
	uint32_t vm = vm_create(0), q = queue_create(vm, DRM_XE_ENGINE_CLASS_COPY);
	uint32_t bq[3], so = syncobj_new(), out[3], bo, data = bo_create(65536, 0);
	uint32_t *batch = bo_bound_map(vm, 0x1a0000, 4096, &bo);
	struct drm_xe_sync in = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ, .handle = so };
	struct drm_xe_sync sig = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL };
	struct drm_xe_sync both[2];
	uint32_t i;

	for (i = 0; i < 3; i++) {
		struct drm_xe_exec_queue_create c = { .width = 1, .num_placements = 1,
			.vm_id = vm, .instances = (uintptr_t)&(struct drm_xe_engine_class_instance){
				.engine_class = DRM_XE_ENGINE_CLASS_VM_BIND } };

		bq[i] = xioctl(DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c) ? 0 : c.exec_queue_id;
	}
	for (i = 0; i < 3; i++)
		out[i] = syncobj_new();
	if (!batch || !so || !bq[0] || !bq[1] || !bq[2] || !data) {
		ktap_test(0, "bind range fence: setup");
		return;
	}
	/* a job that waits for the dword at 0x1a0800 to become 1 */
	batch[0] = MI_SEMAPHORE_WAIT_EQ;
	batch[1] = 1;
	batch[2] = 0x1a0800;
	batch[3] = 0;
	batch[4] = MI_BATCH_BUFFER_END;
	EXPECT(exec_batch(q, 0x1a0000, so), 0, "bind range fence: blocked job");
	/* queue 0: a bind into [2M, 4M) behind the blocked job */
	both[0] = in;
	both[1] = sig;
	both[1].handle = out[0];
	{
		struct drm_xe_vm_bind b = { .vm_id = vm, .exec_queue_id = bq[0],
			.num_binds = 1, .num_syncs = 2, .syncs = (uintptr_t)both,
			.bind = { .obj = data, .addr = 0x3a0000, .range = 4096,
				  .op = DRM_XE_VM_BIND_OP_MAP, .pat_index = 1 } };

		EXPECT(xioctl(DRM_IOCTL_XE_VM_BIND, &b), 0, "bind range fence: blocked bind");
		/* queue 1: the same new leaf table, another address */
		sig.handle = out[1];
		b.exec_queue_id = bq[1];
		b.bind.addr = 0x3b0000;
		b.bind.obj_offset = 4096;
		b.num_syncs = 1;
		b.syncs = (uintptr_t)&sig;
		EXPECT(xioctl(DRM_IOCTL_XE_VM_BIND, &b), 0, "bind range fence: conflicting bind");
		/* queue 2: an entry of the existing leaf table of [0, 2M) */
		sig.handle = out[2];
		b.exec_queue_id = bq[2];
		b.bind.addr = 0x1c0000;
		b.bind.obj_offset = 8192;
		EXPECT(xioctl(DRM_IOCTL_XE_VM_BIND, &b), 0, "bind range fence: independent bind");
	}
	EXPECT(syncobj_wait(out[2], INT64_MAX), 0, "bind range fence: independent bind done");
	EXPECT(syncobj_wait(out[1], 0), -ETIME, "bind range fence: conflicting bind waits");
	batch[0x200] = 1;	/* release the job */
	EXPECT(syncobj_wait(out[1], INT64_MAX), 0, "bind range fence: then completes");
	EXPECT(syncobj_wait(out[0], INT64_MAX), 0, "bind range fence: blocked bind done");
	munmap(batch, 4096);
}

/* ---- discrete parts: run with XE_SIM_DEVICE=0xe20b XE_SIM_SMALL_BAR=1
 * XE_SIM_VRAM_MB=64 XE_SIM_VISIBLE_VRAM_MB=16; skipped on integrated ---- */

static int vram_create(uint64_t size, uint32_t placement, uint32_t flags,
		       uint16_t caching, uint32_t *handle)
{
	struct drm_xe_gem_create c = { .size = size, .placement = placement,
		.flags = flags, .cpu_caching = caching };
	int err = xioctl(DRM_IOCTL_XE_GEM_CREATE, &c);

	*handle = err ? 0 : c.handle;
	return err;
}

static int vram_region(struct drm_xe_mem_region *out)
{
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_MEM_REGIONS };
	uint8_t buf[sizeof(struct drm_xe_query_mem_regions) +
		    2 * sizeof(struct drm_xe_mem_region)];
	struct drm_xe_query_mem_regions *m = (void *)buf;

	if (xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q) || q.size > sizeof(buf))
		return -1;
	q.data = (uintptr_t)buf;
	if (xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q))
		return -1;
	for (uint32_t i = 0; i < m->num_mem_regions; i++) {
		if (m->mem_regions[i].mem_class == DRM_XE_MEM_REGION_CLASS_VRAM) {
			*out = m->mem_regions[i];
			return 0;
		}
	}
	return -1;
}

static void gem_close_h(uint32_t handle)
{
	struct drm_gem_close cl = { .handle = handle };

	xioctl(DRM_IOCTL_GEM_CLOSE, &cl);
}

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(sigbus_jmp, sig);
}

/* Whether writing the first word of @p raises SIGBUS. */
static bool write_sigbus(volatile uint32_t *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	bool bus = false;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_jmp, 1))
		bus = true;
	else
		*p = 1;
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

static void *bo_map(uint32_t handle, size_t size)
{
	struct drm_xe_gem_mmap_offset mo = { .handle = handle };

	if (xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return MAP_FAILED;
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
}

static void test_vram(void)
{
	const uint32_t vis = DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM;
	const uint16_t wc = DRM_XE_GEM_CPU_CACHING_WC;
	struct drm_xe_gem_mmap_offset mo = { .flags = DRM_XE_MMAP_OFFSET_FLAG_PCI_BARRIER };
	struct drm_xe_mem_region r;
	uint32_t a, b, c, vm, lr;
	void *p;

	if (vram_region(&r)) {
		/* xe_device.c xe_pci_barrier_mmap(): discrete only */
		EXPECT(xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), -EINVAL,
		       "pci barrier: EINVAL on an integrated part");
		ktap_skip("vram", "integrated part: no VRAM region");
		return;
	}
	ktap_test(r.instance == 1 && r.total_size == 64 << 20 &&
		  r.cpu_visible_size == 16 << 20 && r.used == 0,
		  "vram: region 1, 64 MiB, 16 MiB visible, unused");
	/* xe_gem_create_ioctl(): VRAM wants WC; visible wants VRAM */
	EXPECT(vram_create(4096, 0x2, 0, DRM_XE_GEM_CPU_CACHING_WB, &a), -EINVAL,
	       "vram: WB caching EINVAL");
	EXPECT(vram_create(4096, 0x1, vis, wc, &a), -EINVAL,
	       "vram: NEEDS_VISIBLE_VRAM without VRAM EINVAL");
	EXPECT(vram_create(65 << 20, 0x2, 0, wc, &a), -ENOSPC,
	       "vram: larger than VRAM ENOSPC");
	EXPECT(vram_create(17 << 20, 0x2, vis, wc, &a), -ENOSPC,
	       "vram: visible BO larger than the BAR ENOSPC");
	/* add_vram(): small BAR, not visible -> top-down, beyond the BAR */
	EXPECT(vram_create(52 << 20, 0x2, 0, wc, &a), 0, "vram: 52 MiB top-down");
	p = bo_map(a, 4096);
	ktap_test(p != MAP_FAILED && write_sigbus(p),
		  "vram: CPU access beyond the BAR raises SIGBUS");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	{
		/* xe_gem_prime_mmap(): the dma-buf faults through TTM too */
		struct drm_prime_handle ph = { .handle = a, .flags = DRM_CLOEXEC | DRM_RDWR };

		EXPECT(xioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph), 0, "vram: export");
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ph.fd, 0);
		ktap_test(p != MAP_FAILED && write_sigbus(p),
			  "vram: dma-buf access beyond the BAR raises SIGBUS");
		if (p != MAP_FAILED)
			munmap(p, 4096);
		close(ph.fd);
	}
	EXPECT(vram_create(12 << 20, 0x2, vis, wc, &b), 0, "vram: 12 MiB visible");
	p = bo_map(b, 4096);
	ktap_test(p != MAP_FAILED && !write_sigbus(p), "vram: visible BO is CPU accessible");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	ktap_test(!vram_region(&r) && r.used == 64 << 20 && r.cpu_visible_used == 16 << 20,
		  "vram: used and cpu_visible_used count both BOs");
	/* ttm_bo_validate(): VRAM|SYSTEM goes to system before evicting */
	EXPECT(vram_create(8 << 20, 0x3, vis, wc, &c), 0, "vram|sys: created");
	ktap_test(!vram_region(&r) && r.used == 64 << 20, "vram|sys: placed in system memory");
	gem_close_h(c);
	/* a VRAM-only BO evicts the least recently used one */
	EXPECT(vram_create(4 << 20, 0x2, vis, wc, &c), 0, "vram: eviction makes room");
	ktap_test(!vram_region(&r) && r.used == 16 << 20,
		  "vram: the least recently used BO was evicted");
	gem_close_h(c);
	gem_close_h(b);
	/* xe_vm_allow_vm_eviction(): an LR VM's BOs are not evicted for it */
	lr = vm_create(DRM_XE_VM_CREATE_FLAG_LR_MODE);
	vm = vm_create(0);
	EXPECT(vram_create(40 << 20, 0x2, DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING, wc, &b), 0,
	       "vram: deferred 40 MiB");
	EXPECT(vram_create(40 << 20, 0x2, DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING, wc, &c), 0,
	       "vram: deferred 40 MiB again");
	EXPECT(bind(lr, b, 0x10000000, 40 << 20, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), 0,
	       "vram: LR bind places the first");
	EXPECT(bind(lr, c, 0x20000000, 40 << 20, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), -ENOSPC,
	       "vram: LR bind of the second ENOSPC");
	EXPECT(bind(vm, c, 0x20000000, 40 << 20, DRM_XE_VM_BIND_OP_MAP, 0, NULL, 0), 0,
	       "vram: dma-fence VM bind evicts another VM's BO");
	gem_close_h(a);
	gem_close_h(b);
	gem_close_h(c);
	/* xe_gem_mmap_offset_ioctl() / xe_pci_barrier_mmap() */
	mo.handle = 1;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), -EINVAL,
	       "pci barrier: a handle EINVAL");
	mo.handle = 0;
	EXPECT(xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), 0, "pci barrier: offset");
	ktap_test(mmap(NULL, 8192, PROT_WRITE, MAP_SHARED, fd, mo.offset) == MAP_FAILED,
		  "pci barrier: 8 KiB mmap refused");
	ktap_test(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, mo.offset) == MAP_FAILED,
		  "pci barrier: readable mmap refused");
	p = mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, fd, mo.offset);
	ktap_test(p != MAP_FAILED && *(volatile uint32_t *)p == 0xdeadbeef,
		  "pci barrier: write-only page reads 0xdeadbeef");
	if (p != MAP_FAILED)
		munmap(p, 4096);
}

/*
 * XE_SIM_TRACE: a child process (this program again, with the trace set)
 * makes three calls; each is one line with its arguments and result.
 */
static int trace_child(void)
{
	struct drm_gem_close cl = { .handle = 0 };
	uint32_t bo;

	fd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	bo = bo_create(8192, 0);
	cl.handle = bo;
	xioctl(DRM_IOCTL_GEM_CLOSE, &cl);
	xioctl(DRM_IOCTL_GEM_CLOSE, &cl);	/* gone: -EINVAL */
	return bo ? 0 : 1;
}

static void test_trace(const char *self)
{
	char path[] = "/tmp/sim-trace-XXXXXX", buf[1024] = "", line[3][256];
	char cmd[512];
	int tfd = mkstemp(path), n = 0;
	FILE *f;

	if (!ktap_test(tfd >= 0, "trace: temporary file"))
		return;
	close(tfd);
	snprintf(cmd, sizeof(cmd), "XE_SIM_TRACE=%s %s --trace-child", path, self);
	ktap_test(system(cmd) == 0, "trace: child ran");
	f = fopen(path, "r");
	while (f && n < 3 && fgets(buf, sizeof(buf), f)) {
		char *sp = strchr(buf, ' ');	/* after "PID.FILE" */

		snprintf(line[n++], sizeof(line[0]), "%s", sp ? sp + 1 : buf);
	}
	ktap_test(f && !fgets(buf, sizeof(buf), f), "trace: three lines");
	if (f)
		fclose(f);
	unlink(path);
	EXPECT(n, 3, "trace: line count");
	if (n < 3)
		return;
	ktap_test(!strcmp(line[0], "GEM_CREATE size=0x2000 placement=0x1 flags=0 vm=0 caching=1 -> bo=1 = 0\n"),
		  "trace: GEM_CREATE line");
	ktap_test(!strcmp(line[1], "GEM_CLOSE bo=1 = 0\n"), "trace: GEM_CLOSE line");
	ktap_test(!strcmp(line[2], "GEM_CLOSE bo=1 = -22\n"), "trace: failed GEM_CLOSE line");
	for (int i = 0; i < n; i++)
		ktap_diag("trace: %.*s", (int)strcspn(line[i], "\n"), line[i]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--trace-child"))
		return trace_child();
	ktap_header(0);
	fd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	if (!ktap_test(fd >= 0, "open simulated render node"))
		return ktap_finish();
	test_identity();
	test_copy_in_child();
	test_query();
	test_gem();
	test_vm_bind();
	test_exec();
	test_wait_ufence();
	test_syncobj();
	test_prime();
	test_userptr_crossing();
	test_dmabuf_sync();
	test_fast_copy();
	test_cond_end_dword();
	test_lr_no_timeout();
	test_destroy_kills_queued();
	test_engine_group_modes();
	test_bind_enobufs();
	test_bind_range_fence();
	test_trace(argv[0]);
	test_vram();
	close(fd);
	return ktap_finish();
}
