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
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

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

int main(void)
{
	ktap_header(0);
	fd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	if (!ktap_test(fd >= 0, "open simulated render node"))
		return ktap_finish();
	test_identity();
	test_query();
	test_gem();
	test_vm_bind();
	test_exec();
	test_wait_ufence();
	test_syncobj();
	test_prime();
	close(fd);
	return ktap_finish();
}
