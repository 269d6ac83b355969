// SPDX-License-Identifier: MIT
/*
 * kselftest-style tests of the xe uAPI, printed as KTAP.
 *
 * The same binary runs host-direct against the simulated xe driver and in a
 * guest through virtio_xe_proxy; `make vm-test` diffs the two result lists.
 * Every case checks good and bad input against the errnos of
 * drivers/gpu/drm/xe. Diagnostics (lines starting with '#') may differ
 * between the runs; results may not.
 *
 *   xe_ioctl_test [/dev/dri/renderD128]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "ktap.h"
#include "xioctl.h"

#define BO_SIZE		0x10000
#define VA_BASE		0x1000000ULL

static const char *node = "/dev/dri/renderD128";
static int fd;
static uint32_t placement_sys;
static uint16_t render_class = DRM_XE_ENGINE_CLASS_RENDER;
static uint16_t device_id;

/* ioctl returning 0 or -errno */
#define CHECK(name, expr) ktap_test((expr), name)
/* ioctl expected to fail with a given errno */
#define EXPECT_ERR(name, err, req, arg) do {				\
	int __r = xioctl(fd, req, arg);					\
	if (__r != -(err))						\
		ktap_diag("%s: got %d, want %d", name, __r, -(err));	\
	ktap_test(__r == -(err), name);					\
} while (0)

/* --- helpers ------------------------------------------------------------ */

static int query(uint32_t q, void **out, uint32_t *size)
{
	struct drm_xe_device_query dq = { .query = q };
	int ret = xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq);

	if (ret)
		return ret;
	*out = calloc(1, dq.size);
	if (!*out)
		return -ENOMEM;
	dq.data = (uintptr_t)*out;
	*size = dq.size;
	return xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
}

static uint32_t bo_create(uint64_t size)
{
	struct drm_xe_gem_create c = {
		.size = size, .placement = placement_sys,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB,
	};

	return xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c) ? 0 : c.handle;
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

static void gem_close(uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	xioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static uint32_t vm_create(uint32_t flags)
{
	struct drm_xe_vm_create c = { .flags = flags };

	return xioctl(fd, DRM_IOCTL_XE_VM_CREATE, &c) ? 0 : c.vm_id;
}

static int vm_destroy(uint32_t vm)
{
	struct drm_xe_vm_destroy d = { .vm_id = vm };

	return xioctl(fd, DRM_IOCTL_XE_VM_DESTROY, &d);
}

static uint32_t queue_create(uint32_t vm)
{
	struct drm_xe_engine_class_instance eci = { .engine_class = render_class };
	struct drm_xe_exec_queue_create c = {
		.width = 1, .num_placements = 1, .vm_id = vm,
		.instances = (uintptr_t)&eci,
	};

	return xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c) ? 0 : c.exec_queue_id;
}

static int queue_destroy(uint32_t q)
{
	struct drm_xe_exec_queue_destroy d = { .exec_queue_id = q };

	return xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d);
}

static uint32_t syncobj_create(void)
{
	struct drm_syncobj_create c = { 0 };

	return xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : c.handle;
}

static void syncobj_destroy(uint32_t h)
{
	struct drm_syncobj_destroy d = { .handle = h };

	xioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

static int syncobj_wait(uint32_t h, uint64_t point)
{
	struct drm_syncobj_timeline_wait w = {
		.handles = (uintptr_t)&h, .points = (uintptr_t)&point,
		.count_handles = 1, .timeout_nsec = INT64_MAX,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
			 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	w.timeout_nsec = now.tv_sec * 1000000000LL + now.tv_nsec + 10000000000LL;
	return xioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

/*
 * PAT index 2 is 2-way coherent on Xe2 (xe_pat.c xe2_pat_table[]); index 0
 * is non-coherent, which the driver refuses for WB-cached BOs.
 */
#define PAT_WB_COHERENT	2

static int bind(uint32_t vm, uint32_t op, uint32_t bo, uint64_t offset,
		uint64_t addr, uint64_t range, struct drm_xe_sync *syncs,
		uint32_t nsyncs)
{
	struct drm_xe_vm_bind b = {
		.vm_id = vm, .num_binds = 1,
		.bind = { .obj = bo, .obj_offset = offset, .range = range,
			  .addr = addr, .op = op,
			  .pat_index = op == DRM_XE_VM_BIND_OP_UNMAP ? 0 : PAT_WB_COHERENT },
		.num_syncs = nsyncs, .syncs = (uintptr_t)syncs,
	};

	return xioctl(fd, DRM_IOCTL_XE_VM_BIND, &b);
}

static int bind_sync(uint32_t vm, uint32_t op, uint32_t bo, uint64_t addr,
		     uint64_t range)
{
	uint32_t so = syncobj_create();
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				 .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
	int ret = bind(vm, op, bo, 0, addr, range, &s, 1);

	if (!ret)
		ret = syncobj_wait(so, 0);
	syncobj_destroy(so);
	return ret;
}

static int exec(uint32_t q, uint64_t addr, struct drm_xe_sync *syncs,
		uint32_t nsyncs)
{
	struct drm_xe_exec e = {
		.exec_queue_id = q, .num_batch_buffer = 1, .address = addr,
		.num_syncs = nsyncs, .syncs = (uintptr_t)syncs,
	};

	return xioctl(fd, DRM_IOCTL_XE_EXEC, &e);
}

/* MI commands (drivers/gpu/drm/xe/instructions/xe_mi_commands.h) */
#define MI_BATCH_BUFFER_END	(0x0a << 23)
#define MI_STORE_DATA_IMM	((0x20 << 23) | 2)

static void store_batch(uint32_t *b, uint64_t addr, uint32_t value)
{
	b[0] = MI_STORE_DATA_IMM;
	b[1] = (uint32_t)addr;
	b[2] = (uint32_t)(addr >> 32);
	b[3] = value;
	b[4] = MI_BATCH_BUFFER_END;
}

/* A VM with one mapped BO at VA_BASE and a render queue. */
struct env {
	uint32_t vm, q, bo;
	uint32_t *map;
};

static bool env_open(struct env *e)
{
	memset(e, 0, sizeof(*e));
	e->vm = vm_create(0);
	e->q = e->vm ? queue_create(e->vm) : 0;
	e->bo = bo_create(BO_SIZE);
	e->map = e->bo ? bo_map(e->bo, BO_SIZE) : NULL;
	if (!e->q || !e->map)
		return false;
	memset(e->map, 0, BO_SIZE);
	return bind_sync(e->vm, DRM_XE_VM_BIND_OP_MAP, e->bo, VA_BASE, BO_SIZE) == 0;
}

static void env_close(struct env *e)
{
	if (e->map)
		munmap(e->map, BO_SIZE);
	if (e->q)
		queue_destroy(e->q);
	if (e->bo)
		gem_close(e->bo);
	if (e->vm)
		vm_destroy(e->vm);
}

/* --- tests -------------------------------------------------------------------- */

static void test_version_and_caps(void)
{
	char name[16] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	struct drm_get_cap cap = { .capability = DRM_CAP_SYNCOBJ };

	CHECK("version_name_is_xe", !xioctl(fd, DRM_IOCTL_VERSION, &v) &&
	      !strcmp(name, "xe"));
	CHECK("cap_syncobj", !xioctl(fd, DRM_IOCTL_GET_CAP, &cap) && cap.value == 1);
	cap = (struct drm_get_cap){ .capability = DRM_CAP_SYNCOBJ_TIMELINE };
	CHECK("cap_syncobj_timeline",
	      !xioctl(fd, DRM_IOCTL_GET_CAP, &cap) && cap.value == 1);
}

static void test_queries(void)
{
	static const struct { uint32_t q; const char *name; } required[] = {
		{ DRM_XE_DEVICE_QUERY_ENGINES, "query_engines" },
		{ DRM_XE_DEVICE_QUERY_MEM_REGIONS, "query_mem_regions" },
		{ DRM_XE_DEVICE_QUERY_CONFIG, "query_config" },
		{ DRM_XE_DEVICE_QUERY_GT_LIST, "query_gt_list" },
		{ DRM_XE_DEVICE_QUERY_HWCONFIG, "query_hwconfig" },
		{ DRM_XE_DEVICE_QUERY_GT_TOPOLOGY, "query_gt_topology" },
		{ DRM_XE_DEVICE_QUERY_UC_FW_VERSION, "query_uc_fw_version_size" },
	};
	struct drm_xe_device_query dq = { .query = DRM_XE_DEVICE_QUERY_CONFIG };
	struct drm_xe_query_engine_cycles cycles = {
		.eci = { .engine_class = DRM_XE_ENGINE_CLASS_RENDER },
		.clockid = CLOCK_MONOTONIC,
	};
	struct drm_xe_query_mem_regions *mr;
	struct drm_xe_query_config *cfg;
	uint32_t size, i;
	void *data;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (required[i].q == DRM_XE_DEVICE_QUERY_UC_FW_VERSION) {
			struct drm_xe_device_query s = { .query = required[i].q };

			CHECK(required[i].name,
			      !xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &s) && s.size);
			continue;
		}
		data = NULL;
		CHECK(required[i].name, !query(required[i].q, &data, &size) && size);
		free(data);
	}

	if (!query(DRM_XE_DEVICE_QUERY_CONFIG, (void **)&cfg, &size)) {
		device_id = cfg->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff;
		CHECK("query_config_va_bits", cfg->num_params > DRM_XE_QUERY_CONFIG_VA_BITS &&
		      cfg->info[DRM_XE_QUERY_CONFIG_VA_BITS] >= 39);
		free(cfg);
	} else {
		CHECK("query_config_va_bits", false);
	}
	if (!query(DRM_XE_DEVICE_QUERY_MEM_REGIONS, (void **)&mr, &size)) {
		for (i = 0; i < mr->num_mem_regions; i++)
			if (mr->mem_regions[i].mem_class == DRM_XE_MEM_REGION_CLASS_SYSMEM)
				placement_sys |= 1u << mr->mem_regions[i].instance;
		free(mr);
	}
	CHECK("query_mem_regions_sysmem", placement_sys != 0);

	dq = (struct drm_xe_device_query){ .query = DRM_XE_DEVICE_QUERY_ENGINE_CYCLES,
					   .size = sizeof(cycles),
					   .data = (uintptr_t)&cycles };
	CHECK("query_engine_cycles", !xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq) &&
	      cycles.engine_cycles && cycles.cpu_timestamp && cycles.width);

	dq = (struct drm_xe_device_query){ .query = DRM_XE_DEVICE_QUERY_CONFIG, .size = 8,
					   .data = (uintptr_t)&cycles };
	EXPECT_ERR("query_wrong_size_einval", EINVAL, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
	dq = (struct drm_xe_device_query){ .query = 0xffff };
	EXPECT_ERR("query_unknown_einval", EINVAL, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
	dq = (struct drm_xe_device_query){ .query = DRM_XE_DEVICE_QUERY_CONFIG,
					   .extensions = 1 };
	EXPECT_ERR("query_extensions_einval", EINVAL, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
	dq = (struct drm_xe_device_query){ .query = DRM_XE_DEVICE_QUERY_CONFIG,
					   .reserved = { 1 } };
	EXPECT_ERR("query_reserved_einval", EINVAL, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
	dq = (struct drm_xe_device_query){ .query = DRM_XE_DEVICE_QUERY_CONFIG };
	xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
	dq.data = 8;	/* an unmapped user address */
	EXPECT_ERR("query_bad_pointer_efault", EFAULT, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
}

static void test_gem(void)
{
	struct drm_xe_gem_create c;
	struct drm_xe_gem_mmap_offset mo;
	uint32_t h, *p;
	struct drm_gem_close cl;

#define GEM_BAD(name, field, value) do {				\
		c = (struct drm_xe_gem_create){ .size = BO_SIZE,		\
			.placement = placement_sys,			\
			.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };	\
		c.field = value;					\
		EXPECT_ERR(name, EINVAL, DRM_IOCTL_XE_GEM_CREATE, &c);	\
	} while (0)

	GEM_BAD("gem_create_size_zero", size, 0);
	GEM_BAD("gem_create_size_unaligned", size, 4097);
	GEM_BAD("gem_create_no_placement", placement, 0);
	GEM_BAD("gem_create_bad_placement", placement, 0x80000000u);
	GEM_BAD("gem_create_bad_flags", flags, 0x40000000u);
	GEM_BAD("gem_create_no_caching", cpu_caching, 0);
	GEM_BAD("gem_create_bad_caching", cpu_caching, 3);
	GEM_BAD("gem_create_handle_set", handle, 1);
	GEM_BAD("gem_create_pad", pad[1], 1);
	GEM_BAD("gem_create_reserved", reserved[0], 1);

	h = bo_create(BO_SIZE);
	CHECK("gem_create", h != 0);
	mo = (struct drm_xe_gem_mmap_offset){ .handle = h };
	CHECK("gem_mmap_offset", !xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo) &&
	      mo.offset);
	mo = (struct drm_xe_gem_mmap_offset){ .handle = h + 1000 };
	EXPECT_ERR("gem_mmap_offset_bad_handle", ENOENT,
		   DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	mo = (struct drm_xe_gem_mmap_offset){ .handle = h, .reserved = { 0, 1 } };
	EXPECT_ERR("gem_mmap_offset_reserved", EINVAL,
		   DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);

	p = bo_map(h, BO_SIZE);
	if (p) {
		p[0] = 0xdeadbeef;
		p[BO_SIZE / 4 - 1] = 0x5a5a5a5a;
		munmap(p, BO_SIZE);
		p = bo_map(h, BO_SIZE);
	}
	CHECK("bo_write_unmap_remap_read", p && p[0] == 0xdeadbeef &&
	      p[BO_SIZE / 4 - 1] == 0x5a5a5a5a);
	if (p)
		munmap(p, BO_SIZE);

	cl = (struct drm_gem_close){ .handle = h };
	CHECK("gem_close", !xioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl));
	EXPECT_ERR("gem_close_twice", EINVAL, DRM_IOCTL_GEM_CLOSE, &cl);
}

static void test_vm_and_queues(void)
{
	struct drm_xe_engine_class_instance eci = { .engine_class = render_class };
	struct drm_xe_exec_queue_create qc;
	struct drm_xe_exec_queue_get_property gp;
	struct drm_xe_vm_create vc;
	struct drm_xe_vm_destroy vd;
	uint32_t vm, q, queues[72];
	int i, n;

	vc = (struct drm_xe_vm_create){ .flags = 0x1000 };
	EXPECT_ERR("vm_create_bad_flags", EINVAL, DRM_IOCTL_XE_VM_CREATE, &vc);
	vc = (struct drm_xe_vm_create){ .flags = DRM_XE_VM_CREATE_FLAG_FAULT_MODE };
	EXPECT_ERR("vm_create_fault_without_lr", EINVAL, DRM_IOCTL_XE_VM_CREATE, &vc);
	vc = (struct drm_xe_vm_create){ .extensions = 1 };
	EXPECT_ERR("vm_create_extensions", EINVAL, DRM_IOCTL_XE_VM_CREATE, &vc);
	vm = vm_create(0);
	CHECK("vm_create", vm != 0);
	vd = (struct drm_xe_vm_destroy){ .vm_id = vm + 100 };
	EXPECT_ERR("vm_destroy_unknown", ENOENT, DRM_IOCTL_XE_VM_DESTROY, &vd);
	vd = (struct drm_xe_vm_destroy){ .vm_id = vm, .pad = 1 };
	EXPECT_ERR("vm_destroy_pad", EINVAL, DRM_IOCTL_XE_VM_DESTROY, &vd);

	qc = (struct drm_xe_exec_queue_create){ .width = 1, .num_placements = 1,
		.vm_id = vm + 100, .instances = (uintptr_t)&eci };
	EXPECT_ERR("queue_create_unknown_vm", ENOENT, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);
	qc.vm_id = vm;
	qc.width = 0;
	EXPECT_ERR("queue_create_width_zero", EINVAL, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);
	qc.width = 1;
	qc.instances = 8;
	EXPECT_ERR("queue_create_bad_instances", EFAULT, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);
	qc.instances = (uintptr_t)&eci;
	qc.flags = 0x100;
	EXPECT_ERR("queue_create_bad_flags", EINVAL, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);

	q = queue_create(vm);
	CHECK("queue_create", q != 0);
	gp = (struct drm_xe_exec_queue_get_property){ .exec_queue_id = q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };
	CHECK("queue_get_property_ban_zero",
	      !xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp) && gp.value == 0);
	gp.property = 77;
	EXPECT_ERR("queue_get_property_unknown", EINVAL,
		   DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp);
	gp = (struct drm_xe_exec_queue_get_property){ .exec_queue_id = q + 100 };
	EXPECT_ERR("queue_get_property_unknown_queue", ENOENT,
		   DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp);

	for (n = 0; n < 72; n++) {
		queues[n] = queue_create(vm);
		if (!queues[n])
			break;
	}
	CHECK("queues_72_alive_at_once", n == 72);
	for (i = 0; i < n; i++)
		queue_destroy(queues[i]);

#ifdef DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY
	/*
	 * Of a live queue only MULTI_QUEUE_PRIORITY can change, and only in a
	 * multi-queue group (Xe3p); Lunar Lake has none (xe_exec_queue.c).
	 */
	{
		struct drm_xe_exec_queue_set_property sp = { .exec_queue_id = q,
			.property = DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY,
			.value = 1 };

		EXPECT_ERR("queue_set_property_not_in_group_einval", EINVAL,
			   DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY, &sp);
		sp.property = DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY;
		EXPECT_ERR("queue_set_property_priority_einval", EINVAL,
			   DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY, &sp);
		sp.property = DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY;
		sp.reserved[1] = 1;
		EXPECT_ERR("queue_set_property_reserved_einval", EINVAL,
			   DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY, &sp);
	}
#endif

	CHECK("queue_destroy", queue_destroy(q) == 0);
	CHECK("queue_destroy_twice", queue_destroy(q) == -ENOENT);
	CHECK("vm_destroy", vm_destroy(vm) == 0);
	CHECK("vm_destroy_twice", vm_destroy(vm) == -ENOENT);
}

static void test_bind(void)
{
	uint32_t vm = vm_create(0), bo = bo_create(BO_SIZE);

	CHECK("bind_map", bind_sync(vm, DRM_XE_VM_BIND_OP_MAP, bo, VA_BASE, BO_SIZE) == 0);
	CHECK("bind_overlapping_map", bind_sync(vm, DRM_XE_VM_BIND_OP_MAP, bo,
						VA_BASE + 0x1000, 0x2000) == 0);
	CHECK("bind_unmap", bind_sync(vm, DRM_XE_VM_BIND_OP_UNMAP, 0, VA_BASE,
				      BO_SIZE) == 0);
	CHECK("bind_unmap_unmapped", bind_sync(vm, DRM_XE_VM_BIND_OP_UNMAP, 0,
					       VA_BASE, BO_SIZE) == 0);
	CHECK("bind_rebind", bind_sync(vm, DRM_XE_VM_BIND_OP_MAP, bo, VA_BASE,
				       BO_SIZE) == 0);
	CHECK("bind_unaligned_addr_einval",
	      bind(vm, DRM_XE_VM_BIND_OP_MAP, bo, 0, VA_BASE + 1, BO_SIZE, NULL, 0) == -EINVAL);
	CHECK("bind_zero_range_einval",
	      bind(vm, DRM_XE_VM_BIND_OP_MAP, bo, 0, VA_BASE, 0, NULL, 0) == -EINVAL);
	CHECK("bind_past_bo_einval",
	      bind(vm, DRM_XE_VM_BIND_OP_MAP, bo, 0x1000, VA_BASE, BO_SIZE, NULL, 0) == -EINVAL);
	CHECK("bind_bad_bo_enoent",
	      bind(vm, DRM_XE_VM_BIND_OP_MAP, bo + 100, 0, VA_BASE, BO_SIZE, NULL, 0) == -ENOENT);
	/* xe_vm_bind_ioctl(): an unknown VM is EINVAL, not ENOENT */
	CHECK("bind_bad_vm_einval",
	      bind(vm + 100, DRM_XE_VM_BIND_OP_MAP, bo, 0, VA_BASE, BO_SIZE, NULL, 0) == -EINVAL);
	CHECK("bind_bad_op_einval",
	      bind(vm, 42, bo, 0, VA_BASE, BO_SIZE, NULL, 0) == -EINVAL);

	/* xe_vm_bind_ioctl(): no ops only signals the syncs (ANV's queue idle). */
	{
		uint32_t so = syncobj_create();
		uint64_t ufence = 0;
		struct drm_xe_sync sy = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
					  .flags = DRM_XE_SYNC_FLAG_SIGNAL,
					  .handle = so };
		struct drm_xe_vm_bind b = { .vm_id = vm, .num_syncs = 1,
					    .syncs = (uintptr_t)&sy };

		CHECK("bind_no_ops_signals_syncobj",
		      !xioctl(fd, DRM_IOCTL_XE_VM_BIND, &b) && !syncobj_wait(so, 0));
		sy = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_USER_FENCE,
					   .flags = DRM_XE_SYNC_FLAG_SIGNAL,
					   .addr = (uintptr_t)&ufence, .timeline_value = 1 };
		EXPECT_ERR("bind_no_ops_user_fence_eopnotsupp", EOPNOTSUPP,
			   DRM_IOCTL_XE_VM_BIND, &b);
		syncobj_destroy(so);
	}
	gem_close(bo);
	vm_destroy(vm);
}

static void test_exec_and_syncs(void)
{
	struct drm_xe_sync s[2];
	struct env e;
	uint32_t a, b, tl;
	bool ok;

	ok = env_open(&e);
	CHECK("exec_env", ok);
	if (!ok) {
		env_close(&e);
		return;
	}

	/* store dword, out binary syncobj */
	a = syncobj_create();
	store_batch(e.map, VA_BASE + 0x800, 0xc0ffee);
	s[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = a };
	ok = exec(e.q, VA_BASE, s, 1) == 0 && syncobj_wait(a, 0) == 0;
	CHECK("exec_store_dword", ok && e.map[0x800 / 4] == 0xc0ffee);

	/* B waits for A's syncobj, signals b */
	b = syncobj_create();
	store_batch(e.map + 0x1000 / 4, VA_BASE + 0x900, 0x1111);
	store_batch(e.map + 0x2000 / 4, VA_BASE + 0x904, 0x2222);
	s[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = a };
	ok = exec(e.q, VA_BASE + 0x1000, s, 1) == 0;
	s[0].flags = 0;
	s[1] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = b };
	ok = ok && exec(e.q, VA_BASE + 0x2000, s, 2) == 0 && syncobj_wait(b, 0) == 0;
	CHECK("exec_binary_syncobj_chain", ok && e.map[0x900 / 4] == 0x1111 &&
	      e.map[0x904 / 4] == 0x2222);

	/* timeline: point 1 then point 2 waiting on point 1 */
	tl = syncobj_create();
	store_batch(e.map + 0x3000 / 4, VA_BASE + 0xa00, 0x3333);
	s[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = tl,
				     .timeline_value = 1 };
	ok = exec(e.q, VA_BASE + 0x3000, s, 1) == 0;
	s[0].flags = 0;
	s[1] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = tl,
				     .timeline_value = 2 };
	ok = ok && exec(e.q, VA_BASE + 0x3000, s, 2) == 0 && syncobj_wait(tl, 2) == 0;
	CHECK("exec_timeline_syncobj", ok && e.map[0xa00 / 4] == 0x3333);

	/* bind signals a syncobj that the exec waits for */
	{
		uint32_t bo2 = bo_create(BO_SIZE), so = syncobj_create();
		uint32_t *m2 = bo_map(bo2, BO_SIZE);

		s[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
					     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
		ok = m2 && bind(e.vm, DRM_XE_VM_BIND_OP_MAP, bo2, 0, VA_BASE + BO_SIZE,
				BO_SIZE, s, 1) == 0;
		store_batch(e.map + 0x4000 / 4, VA_BASE + BO_SIZE + 0x10, 0x4444);
		s[0].flags = 0;
		s[1] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
					     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = a };
		ok = ok && exec(e.q, VA_BASE + 0x4000, s, 2) == 0 && syncobj_wait(a, 0) == 0;
		CHECK("bind_syncobj_then_exec", ok && m2[4] == 0x4444);
		if (m2)
			munmap(m2, BO_SIZE);
		syncobj_destroy(so);
		gem_close(bo2);
	}

	/*
	 * No batch buffer (Vulkan's queue-idle wait): nothing runs, the out
	 * syncobj signals behind the queue's earlier work (xe_exec.c).
	 */
	{
		struct drm_xe_exec x = { .exec_queue_id = e.q,
					 .num_syncs = 1, .syncs = (uintptr_t)s };
		uint32_t idle = syncobj_create();

		store_batch(e.map + 0x5000 / 4, VA_BASE + 0xb00, 0x5555);
		ok = exec(e.q, VA_BASE + 0x5000, NULL, 0) == 0;
		s[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
					     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = idle };
		ok = ok && !xioctl(fd, DRM_IOCTL_XE_EXEC, &x) && syncobj_wait(idle, 0) == 0;
		CHECK("exec_no_batch_signals_after_queue_work",
		      ok && e.map[0xb00 / 4] == 0x5555);
		x.num_batch_buffer = 2;
		x.num_syncs = 0;
		EXPECT_ERR("exec_batches_over_width_einval", EINVAL, DRM_IOCTL_XE_EXEC, &x);
		syncobj_destroy(idle);
	}

	/* bad syncs */
	s[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ, .handle = 9999 };
	CHECK("exec_unknown_syncobj_enoent", exec(e.q, VA_BASE, s, 1) == -ENOENT);
	s[0] = (struct drm_xe_sync){ .type = 77, .handle = a };
	CHECK("exec_bad_sync_type_einval", exec(e.q, VA_BASE, s, 1) == -EINVAL);
	s[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ, .handle = a,
				     .flags = 4 };
	CHECK("exec_bad_sync_flags_einval", exec(e.q, VA_BASE, s, 1) == -EINVAL);
	s[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL, .addr = 4 };
	CHECK("exec_unaligned_user_fence_einval", exec(e.q, VA_BASE, s, 1) == -EINVAL);
	CHECK("exec_unknown_queue_enoent", exec(e.q + 100, VA_BASE, NULL, 0) == -ENOENT);
	{
		struct drm_xe_exec x = { .exec_queue_id = e.q, .num_batch_buffer = 1,
					 .address = VA_BASE, .reserved = { 1 } };

		EXPECT_ERR("exec_reserved_einval", EINVAL, DRM_IOCTL_XE_EXEC, &x);
	}

	syncobj_destroy(a);
	syncobj_destroy(b);
	syncobj_destroy(tl);
	env_close(&e);
}

static void test_user_fences(void)
{
	struct drm_xe_wait_user_fence w;
	struct drm_xe_sync s;
	uint64_t *word;
	struct env e;
	bool ok;

	ok = env_open(&e);
	CHECK("ufence_env", ok);
	if (!ok) {
		env_close(&e);
		return;
	}

	/* bind user fence: a user pointer the driver writes */
	word = aligned_alloc(8, 64);
	*word = 0;
	s = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				  .flags = DRM_XE_SYNC_FLAG_SIGNAL,
				  .addr = (uintptr_t)word, .timeline_value = 0x77 };
	ok = bind(e.vm, DRM_XE_VM_BIND_OP_MAP, e.bo, 0, VA_BASE + 4 * BO_SIZE,
		  BO_SIZE, &s, 1) == 0;
	w = (struct drm_xe_wait_user_fence){ .addr = (uintptr_t)word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0x77, .mask = ~0ULL,
		.timeout = 10000000000LL };
	CHECK("bind_user_fence_wait", ok &&
	      !xioctl(fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w) && *word == 0x77);

	/* exec user fence: a GPU address in the VM, read through the mapping */
	store_batch(e.map, VA_BASE + 0x800, 1);
	s = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				  .flags = DRM_XE_SYNC_FLAG_SIGNAL,
				  .addr = VA_BASE + 0xc00, .timeline_value = 0x99 };
	ok = exec(e.q, VA_BASE, &s, 1) == 0;
	w = (struct drm_xe_wait_user_fence){ .addr = (uintptr_t)(e.map + 0xc00 / 4),
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0x99, .mask = ~0ULL,
		.timeout = 10000000000LL, .exec_queue_id = e.q };
	CHECK("exec_user_fence_wait", ok &&
	      !xioctl(fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w));

	w = (struct drm_xe_wait_user_fence){ .addr = (uintptr_t)word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0x1234, .mask = ~0ULL };
	EXPECT_ERR("wait_user_fence_timeout_etime", ETIME,
		   DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
	w.addr = (uintptr_t)word + 4;
	EXPECT_ERR("wait_user_fence_unaligned_einval", EINVAL,
		   DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
	w.addr = (uintptr_t)word;
	w.op = 99;
	EXPECT_ERR("wait_user_fence_bad_op_einval", EINVAL,
		   DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
	w.op = DRM_XE_UFENCE_WAIT_OP_GTE;
	w.value = 0;
	w.exec_queue_id = e.q + 100;
	EXPECT_ERR("wait_user_fence_unknown_queue_enoent", ENOENT,
		   DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
	w.exec_queue_id = 0;
	w.flags = 8;
	EXPECT_ERR("wait_user_fence_bad_flags_einval", EINVAL,
		   DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
	w.flags = 0;
	w.addr = 8;
	EXPECT_ERR("wait_user_fence_bad_pointer_efault", EFAULT,
		   DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
	free(word);
	env_close(&e);
}

static void test_ban(void)
{
	struct drm_xe_wait_user_fence w;
	struct drm_xe_exec_queue_get_property gp;
	uint64_t word = 0;
	uint32_t so = syncobj_create();
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				 .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
	struct env e;
	bool ok;

	ok = env_open(&e);
	/* Jump to an unmapped address: the batch faults and the queue is banned. */
	ok = ok && exec(e.q, 0x7f0000000ULL, &s, 1) == 0;
	syncobj_wait(so, 0);
	gp = (struct drm_xe_exec_queue_get_property){ .exec_queue_id = e.q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };
	CHECK("faulting_batch_bans_queue", ok &&
	      !xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp) && gp.value == 1);
	CHECK("banned_queue_exec_ecanceled", exec(e.q, VA_BASE, NULL, 0) == -ECANCELED);
	syncobj_destroy(so);
	env_close(&e);

	/*
	 * A user-fence wait tied to a queue that gets banned while it waits
	 * ends with EIO, not ETIME (xe_wait_user_fence.c; IGT's
	 * xe_waitfence exec_queue-reset-wait). Bounded, so a miss fails.
	 */
	ok = env_open(&e);
	ok = ok && exec(e.q, 0x7f0000000ULL, NULL, 0) == 0;
	w = (struct drm_xe_wait_user_fence){ .addr = (uintptr_t)&word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0xc0ffee, .mask = ~0ULL,
		.timeout = 10000000000LL, .exec_queue_id = e.q };
	CHECK("ufence_wait_on_banned_queue_eio", ok &&
	      xioctl(fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w) == -EIO);
	env_close(&e);
}

/* A NULL binding (reads zero, writes dropped) of [addr, addr + range). */
static int bind_null(uint32_t vm, uint64_t addr, uint64_t range)
{
	uint32_t so = syncobj_create();
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				 .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
	struct drm_xe_vm_bind b = {
		.vm_id = vm, .num_binds = 1,
		.bind = { .range = range, .addr = addr, .op = DRM_XE_VM_BIND_OP_MAP,
			  .flags = DRM_XE_VM_BIND_FLAG_NULL, .pat_index = PAT_WB_COHERENT },
		.num_syncs = 1, .syncs = (uintptr_t)&s,
	};
	int ret = xioctl(fd, DRM_IOCTL_XE_VM_BIND, &b);

	if (!ret)
		ret = syncobj_wait(so, 0);
	syncobj_destroy(so);
	return ret;
}

static int madvise_one(uint32_t vm, uint64_t start, uint64_t range, uint32_t type,
		       uint32_t val)
{
	struct drm_xe_madvise ma = { .vm_id = vm, .start = start, .range = range,
				     .type = type };

	if (type == DRM_XE_MEM_RANGE_ATTR_PAT)
		ma.pat_index.val = val;
	else
		ma.atomic.val = val;
	return xioctl(fd, DRM_IOCTL_XE_MADVISE, &ma);
}

/* Count, then fetch, the mappings of [start, start + range) (free *out). */
static int query_attrs(uint32_t vm, uint64_t start, uint64_t range,
		       struct drm_xe_mem_range_attr **out, uint32_t *n)
{
	struct drm_xe_vm_query_mem_range_attr q = { .vm_id = vm, .start = start,
						    .range = range };
	int ret;

	*out = NULL;
	*n = 0;
	ret = xioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
	if (ret || !q.num_mem_ranges)
		return ret;
	if (q.sizeof_mem_range_attr != sizeof(**out))
		return -EPROTO;
	*out = calloc(q.num_mem_ranges, sizeof(**out));
	q.vector_of_mem_attr = (uintptr_t)*out;
	ret = xioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
	*n = q.num_mem_ranges;
	return ret;
}

#define NULL_VA		0x40000000ULL
#define PAT_1WAY	4	/* 1-way coherent on Xe2 (xe2_pat_table[]) */
#define MANY_PAGES	768

/*
 * Memory attributes (xe_vm_madvise.c, xe_vm.c): MADVISE sets attributes on
 * the mappings its range touches, cutting those without a BO at its edges
 * and taking a BO mapping whole, on any VM; VM_QUERY_MEM_RANGE_ATTRS lists
 * each mapping with its attributes.
 */
static void test_vm_attrs(void)
{
	uint32_t vm = vm_create(0), bo = bo_create(BO_SIZE), n, i;
	struct drm_xe_vm_query_mem_range_attr q;
	struct drm_xe_mem_range_attr *a;
	struct drm_xe_madvise ma;
	bool ok;

	CHECK("vm_attrs_empty_vm", !query_attrs(vm, 0, 1ULL << 47, &a, &n) && n == 0);
	free(a);
	ok = bind_sync(vm, DRM_XE_VM_BIND_OP_MAP, bo, VA_BASE, BO_SIZE) == 0 &&
	     bind_null(vm, NULL_VA, 0x10000) == 0;
	CHECK("madvise_atomic_plain_vm", ok &&
	      !madvise_one(vm, VA_BASE, BO_SIZE, DRM_XE_MEM_RANGE_ATTR_ATOMIC,
			   DRM_XE_ATOMIC_DEVICE));
	CHECK("madvise_pat_inside_null_mapping",
	      !madvise_one(vm, NULL_VA + 0x4000, 0x4000, DRM_XE_MEM_RANGE_ATTR_PAT, PAT_1WAY));
	ok = !query_attrs(vm, VA_BASE, NULL_VA + 0x10000 - VA_BASE, &a, &n) && n == 4;
	CHECK("vm_attrs_bo_mapping", ok && a[0].start == VA_BASE &&
	      a[0].end == VA_BASE + BO_SIZE && a[0].atomic.val == DRM_XE_ATOMIC_DEVICE &&
	      a[0].pat_index.val == PAT_WB_COHERENT &&
	      a[0].preferred_mem_loc.devmem_fd == DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE);
	CHECK("vm_attrs_null_mapping_cut_in_three", ok &&
	      a[1].start == NULL_VA && a[1].end == NULL_VA + 0x4000 &&
	      a[1].pat_index.val == PAT_WB_COHERENT &&
	      a[2].start == NULL_VA + 0x4000 && a[2].end == NULL_VA + 0x8000 &&
	      a[2].pat_index.val == PAT_1WAY && a[2].atomic.val == DRM_XE_ATOMIC_UNDEFINED &&
	      a[3].start == NULL_VA + 0x8000 && a[3].end == NULL_VA + 0x10000 &&
	      a[3].pat_index.val == PAT_WB_COHERENT);
	free(a);
	ok = !madvise_one(vm, VA_BASE + 0x1000, 0x1000, DRM_XE_MEM_RANGE_ATTR_ATOMIC,
			  DRM_XE_ATOMIC_CPU) &&
	     !query_attrs(vm, VA_BASE, BO_SIZE, &a, &n);
	CHECK("madvise_takes_bo_mapping_whole", ok && n == 1 && a[0].start == VA_BASE &&
	      a[0].end == VA_BASE + BO_SIZE && a[0].atomic.val == DRM_XE_ATOMIC_CPU);
	free(a);
	CHECK("madvise_global_atomics_on_bo_einval",
	      madvise_one(vm, VA_BASE, BO_SIZE, DRM_XE_MEM_RANGE_ATTR_ATOMIC,
			  DRM_XE_ATOMIC_GLOBAL) == -EINVAL);
	CHECK("madvise_unaligned_einval",
	      madvise_one(vm, VA_BASE + 1, BO_SIZE, DRM_XE_MEM_RANGE_ATTR_ATOMIC, 0) == -EINVAL);
	CHECK("madvise_bad_atomic_einval",
	      madvise_one(vm, VA_BASE, BO_SIZE, DRM_XE_MEM_RANGE_ATTR_ATOMIC, 9) == -EINVAL);
	CHECK("madvise_reserved_pat_einval",
	      madvise_one(vm, VA_BASE, BO_SIZE, DRM_XE_MEM_RANGE_ATTR_PAT, 16) == -EINVAL);
	CHECK("madvise_unknown_vm_einval",
	      madvise_one(vm + 100, VA_BASE, BO_SIZE, DRM_XE_MEM_RANGE_ATTR_ATOMIC, 0) == -EINVAL);
	ma = (struct drm_xe_madvise){ .vm_id = vm, .start = VA_BASE, .range = BO_SIZE,
		.type = DRM_XE_MEM_RANGE_ATTR_ATOMIC, .reserved[1] = 1 };
	EXPECT_ERR("madvise_reserved_einval", EINVAL, DRM_IOCTL_XE_MADVISE, &ma);

	a = calloc(4, sizeof(*a));
	q = (struct drm_xe_vm_query_mem_range_attr){ .vm_id = vm, .start = VA_BASE,
		.range = NULL_VA + 0x10000 - VA_BASE, .num_mem_ranges = 1,
		.sizeof_mem_range_attr = sizeof(*a), .vector_of_mem_attr = (uintptr_t)a };
	EXPECT_ERR("vm_attrs_too_few_enospc", ENOSPC, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
	q.num_mem_ranges = 4;
	q.sizeof_mem_range_attr = 32;
	EXPECT_ERR("vm_attrs_wrong_entry_size_einval", EINVAL,
		   DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
	q.sizeof_mem_range_attr = sizeof(*a);
	q.vector_of_mem_attr = 0;
	EXPECT_ERR("vm_attrs_null_vector_einval", EINVAL,
		   DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
	q.vector_of_mem_attr = 8;
	EXPECT_ERR("vm_attrs_bad_vector_efault", EFAULT,
		   DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
	q = (struct drm_xe_vm_query_mem_range_attr){ .vm_id = vm + 100 };
	EXPECT_ERR("vm_attrs_unknown_vm_einval", EINVAL,
		   DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
	free(a);
	a = NULL;	/* query_attrs() sets it again only if it runs */

	/* more ranges than one host answer carries */
	ok = bind_null(vm, 2 * NULL_VA, MANY_PAGES * 0x1000ULL) == 0;
	for (i = 1; ok && i < MANY_PAGES; i += 2)
		ok = !madvise_one(vm, 2 * NULL_VA + i * 0x1000ULL, 0x1000,
				  DRM_XE_MEM_RANGE_ATTR_PAT, PAT_1WAY);
	ok = ok && !query_attrs(vm, 2 * NULL_VA, MANY_PAGES * 0x1000ULL, &a, &n) &&
	     n == MANY_PAGES;
	for (i = 0; ok && i < MANY_PAGES; i++)
		ok = a[i].start == 2 * NULL_VA + i * 0x1000ULL &&
		     a[i].end == a[i].start + 0x1000 &&
		     a[i].pat_index.val == (i & 1 ? PAT_1WAY : PAT_WB_COHERENT);
	CHECK("vm_attrs_768_ranges_in_order", ok);
	free(a);
	gem_close(bo);
	vm_destroy(vm);
}

/*
 * VM_GET_PROPERTY(FAULTS): a GPU fault the driver could not resolve is kept
 * on its VM (xe_pagefault.c) and reported at its page, with the access.
 */
static void test_vm_faults(void)
{
	struct drm_xe_vm_get_property gp;
	struct xe_vm_fault f[2];
	uint32_t so = syncobj_create();
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				 .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
	struct env e;
	bool ok;

	ok = env_open(&e);
	gp = (struct drm_xe_vm_get_property){ .vm_id = e.vm,
		.property = DRM_XE_VM_GET_PROPERTY_FAULTS };
	CHECK("vm_faults_none", ok && !xioctl(fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp) &&
	      gp.size == 0);
	gp.size = sizeof(f[0]);
	gp.data = (uintptr_t)f;
	EXPECT_ERR("vm_faults_more_than_recorded_einval", EINVAL,
		   DRM_IOCTL_XE_VM_GET_PROPERTY, &gp);
	ok = ok && exec(e.q, 0x7f0000040ULL, &s, 1) == 0 && syncobj_wait(so, 0) == 0;
	gp.size = 0;
	ok = ok && !xioctl(fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp);
	CHECK("vm_faults_one_after_faulting_batch", ok && gp.size == sizeof(f[0]));
	memset(f, 0xa5, sizeof(f));
	gp.data = (uintptr_t)f;
	ok = ok && !xioctl(fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp);
	CHECK("vm_faults_entry", ok && f[0].address == 0x7f0000000ULL &&
	      f[0].address_precision == 0x1000 &&
	      f[0].access_type == FAULT_ACCESS_TYPE_READ &&
	      f[0].fault_type == FAULT_TYPE_NOT_PRESENT &&
	      f[0].fault_level == FAULT_LEVEL_PDP && f[1].address == 0xa5a5a5a5a5a5a5a5ULL);
	ktap_diag("fault at %#llx access %u type %u level %u",
		  (unsigned long long)f[0].address, f[0].access_type, f[0].fault_type,
		  f[0].fault_level);
	gp.size = sizeof(f[0]) - 8;
	EXPECT_ERR("vm_faults_partial_entry_einval", EINVAL, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp);
	gp.size = sizeof(f[0]);
	gp.data = 8;
	EXPECT_ERR("vm_faults_bad_pointer_efault", EFAULT, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp);
	gp = (struct drm_xe_vm_get_property){ .vm_id = e.vm, .property = 1 };
	EXPECT_ERR("vm_property_unknown_einval", EINVAL, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp);
	gp = (struct drm_xe_vm_get_property){ .vm_id = e.vm, .pad = 1 };
	EXPECT_ERR("vm_property_pad_einval", EINVAL, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp);
	gp = (struct drm_xe_vm_get_property){ .vm_id = e.vm + 100 };
	EXPECT_ERR("vm_property_unknown_vm_enoent", ENOENT, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp);
	syncobj_destroy(so);
	env_close(&e);
}

/*
 * MAP_USERPTR: a batch in plain process memory stores into that memory;
 * after the memory is unmapped and mapped anew at the same address, the
 * next exec runs on the new pages (xe revalidates userptrs on exec); bad
 * userptr binds are refused as xe_vm.c refuses them.
 */
static void test_userptr(void)
{
	const uint64_t va = VA_BASE + 0x200000, size = 2 * 4096;
	struct drm_xe_sync s;
	uint32_t *mem, so;
	struct env e;
	bool ok;

	ok = env_open(&e);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok = ok && mem != MAP_FAILED;
	CHECK("userptr_env", ok);
	if (!ok) {
		env_close(&e);
		return;
	}
	so = syncobj_create();
	s = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				  .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
	store_batch(mem, va + 0x1000, 0xabcd);
	ok = bind(e.vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, (uintptr_t)mem, va,
		  size, &s, 1) == 0 && syncobj_wait(so, 0) == 0;
	CHECK("userptr_bind", ok);
	ok = ok && exec(e.q, va, &s, 1) == 0 && syncobj_wait(so, 0) == 0;
	CHECK("userptr_exec_stores_into_user_memory", ok && mem[0x1000 / 4] == 0xabcd);

	/* new pages at the same address: the GPU must follow */
	ok = mmap(mem, size, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == mem;
	if (ok) {
		store_batch(mem, va + 0x1004, 0x5678);
		ok = exec(e.q, va, &s, 1) == 0 && syncobj_wait(so, 0) == 0;
	}
	CHECK("userptr_remapped_exec_uses_new_pages", ok && mem[0x1004 / 4] == 0x5678 &&
	      mem[0x1000 / 4] == 0);

	ok = bind(e.vm, DRM_XE_VM_BIND_OP_UNMAP, 0, 0, va, size, &s, 1) == 0 &&
	     syncobj_wait(so, 0) == 0;
	CHECK("userptr_unbind", ok);
	CHECK("userptr_with_bo_einval",
	      bind(e.vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, e.bo, (uintptr_t)mem, va,
		   size, NULL, 0) == -EINVAL);
	CHECK("userptr_unaligned_einval",
	      bind(e.vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, (uintptr_t)mem + 8, va,
		   size, NULL, 0) == -EINVAL);
	/* still bound when its VM goes: the VM takes it along */
	ok = bind(e.vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, (uintptr_t)mem, va,
		  size, &s, 1) == 0 && syncobj_wait(so, 0) == 0;
	munmap(mem, size);
	CHECK("userptr_unmapped_memory_efault",
	      bind(e.vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, (uintptr_t)mem,
		   va + size, size, NULL, 0) == -EFAULT);
	/* memory freed under a live userptr: other work on the VM still runs */
	store_batch(e.map + 0x6000 / 4, VA_BASE + 0xc00, 0x6666);
	CHECK("userptr_freed_memory_exec_still_runs",
	      exec(e.q, VA_BASE + 0x6000, &s, 1) == 0 && syncobj_wait(so, 0) == 0 &&
	      e.map[0xc00 / 4] == 0x6666);
	syncobj_destroy(so);
	queue_destroy(e.q);
	e.q = 0;
	CHECK("userptr_vm_destroy_while_bound", ok && vm_destroy(e.vm) == 0);
	e.vm = 0;
	env_close(&e);
}

/* Two engines of one class on one GT, for a parallel queue; false if none. */
static bool parallel_pair(struct drm_xe_engine_class_instance eci[2])
{
	struct drm_xe_query_engines *qe;
	uint32_t size, i, j;
	bool found = false;

	if (query(DRM_XE_DEVICE_QUERY_ENGINES, (void **)&qe, &size))
		return false;
	for (i = 0; i < qe->num_engines && !found; i++) {
		const struct drm_xe_engine_class_instance *a = &qe->engines[i].instance;

		if (a->engine_class != DRM_XE_ENGINE_CLASS_VIDEO_DECODE)
			continue;
		for (j = i + 1; j < qe->num_engines && !found; j++) {
			const struct drm_xe_engine_class_instance *b = &qe->engines[j].instance;

			if (b->engine_class == a->engine_class && b->gt_id == a->gt_id) {
				eci[0] = *a;
				eci[1] = *b;
				found = true;
			}
		}
	}
	free(qe);
	return found;
}

/*
 * A parallel queue (width 2): one exec runs one batch per engine, from a
 * user array of addresses (xe_exec.c); other batch counts are EINVAL.
 */
static void test_parallel(void)
{
	struct drm_xe_engine_class_instance eci[2];
	struct drm_xe_exec_queue_create qc = { .width = 2, .num_placements = 1,
		.instances = (uintptr_t)eci };
	uint64_t batches[2] = { VA_BASE + 0x7000, VA_BASE + 0x8000 };
	struct drm_xe_exec x = { .num_batch_buffer = 2,
				 .address = (uintptr_t)batches };
	struct drm_xe_sync s;
	struct env e;
	uint32_t so;
	bool ok;

	ok = parallel_pair(eci) && env_open(&e);
	CHECK("parallel_env", ok);
	if (!ok)
		return;
	qc.vm_id = e.vm;
	ok = !xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc) && qc.exec_queue_id;
	CHECK("parallel_queue_create_width_2", ok);
	so = syncobj_create();
	s = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				  .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
	store_batch(e.map + 0x7000 / 4, VA_BASE + 0xd00, 0x7777);
	store_batch(e.map + 0x8000 / 4, VA_BASE + 0xd04, 0x8888);
	x.exec_queue_id = qc.exec_queue_id;
	x.num_syncs = 1;
	x.syncs = (uintptr_t)&s;
	ok = ok && !xioctl(fd, DRM_IOCTL_XE_EXEC, &x) && syncobj_wait(so, 0) == 0;
	CHECK("parallel_exec_runs_both_batches", ok && e.map[0xd00 / 4] == 0x7777 &&
	      e.map[0xd04 / 4] == 0x8888);
	x.num_syncs = 0;
	x.num_batch_buffer = 1;
	x.address = VA_BASE + 0x7000;
	EXPECT_ERR("parallel_exec_one_batch_einval", EINVAL, DRM_IOCTL_XE_EXEC, &x);
	x.num_batch_buffer = 2;
	x.address = 8;
	EXPECT_ERR("parallel_exec_bad_address_list_efault", EFAULT, DRM_IOCTL_XE_EXEC, &x);
	syncobj_destroy(so);
	if (qc.exec_queue_id)
		queue_destroy(qc.exec_queue_id);
	env_close(&e);
}

static void test_prime(void)
{
	struct drm_prime_handle exp, imp;
	uint32_t h = bo_create(BO_SIZE), vm, i;
	uint32_t *map, *dmap;
	struct drm_xe_gem_create c;
	bool ok;

	exp = (struct drm_prime_handle){ .handle = h, .flags = DRM_CLOEXEC | DRM_RDWR };
	CHECK("prime_export", h && !xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp) &&
	      exp.fd >= 0);
	imp = (struct drm_prime_handle){ .fd = exp.fd };
	CHECK("prime_self_import_same_handle",
	      !xioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp) && imp.handle == h);
	map = h ? bo_map(h, BO_SIZE) : NULL;
	if (map)
		for (i = 0; i < BO_SIZE / 4; i++)
			map[i] = 0x5eed0000 + i;
	dmap = mmap(NULL, BO_SIZE, PROT_READ, MAP_SHARED, exp.fd, 0);
	ok = map && dmap != MAP_FAILED;
	for (i = 0; ok && i < BO_SIZE / 4; i++)
		ok = dmap[i] == 0x5eed0000 + i;
	CHECK("prime_dmabuf_mmap_sees_bo", ok);
	if (dmap != MAP_FAILED)
		munmap(dmap, BO_SIZE);
	if (map)
		munmap(map, BO_SIZE);
	close(exp.fd);
	exp = (struct drm_prime_handle){ .handle = h + 100, .flags = DRM_CLOEXEC };
	EXPECT_ERR("prime_export_bad_handle", ENOENT, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp);
	gem_close(h);

	/* a BO created for one VM stays there (xe_dma_buf.c) */
	vm = vm_create(0);
	c = (struct drm_xe_gem_create){ .size = BO_SIZE, .placement = placement_sys,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB, .vm_id = vm };
	ok = vm && !xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c);
	exp = (struct drm_prime_handle){ .handle = c.handle, .flags = DRM_CLOEXEC };
	CHECK("prime_export_vm_private_eperm",
	      ok && xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp) == -EPERM);
	if (ok)
		gem_close(c.handle);
	vm_destroy(vm);
}

/* Another process, another file: none of our ids mean anything there. */
static void test_isolation(void)
{
	uint32_t vm = vm_create(0), q = vm ? queue_create(vm) : 0;
	int status = -1;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		int cfd = open(node, O_RDWR | O_CLOEXEC);
		struct drm_xe_exec_queue_get_property gp = {
			.exec_queue_id = q,
			.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };
		struct drm_xe_vm_destroy vd = { .vm_id = vm };
		int bad = 0;

		if (cfd < 0)
			_exit(2);
		if (xioctl(cfd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp) != -ENOENT)
			bad = 1;
		if (xioctl(cfd, DRM_IOCTL_XE_VM_DESTROY, &vd) != -ENOENT)
			bad = 1;
		_exit(bad);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK("other_process_cannot_see_ids", q && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	CHECK("ids_still_ours", queue_destroy(q) == 0 && vm_destroy(vm) == 0);
}

/*
 * Exec queue priority above NORMAL needs CAP_SYS_NICE, and the config query
 * says so per caller (xe_exec_queue_device_get_max_priority()). The child
 * drops root on the already open file, as IGT's xe_exec_queue_property does.
 */
static void test_priority_privilege(void)
{
	struct drm_xe_query_config *cfg = NULL;
	uint32_t vm = vm_create(0), size;
	int status = -1;
	pid_t pid;

	CHECK("config_max_priority_high_as_root",
	      !query(DRM_XE_DEVICE_QUERY_CONFIG, (void **)&cfg, &size) &&
	      cfg->info[DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY] == 2);
	free(cfg);
	pid = fork();
	if (pid == 0) {
		struct drm_xe_engine_class_instance eci = { .engine_class = render_class };
		struct drm_xe_ext_set_property prio = {
			.base.name = DRM_XE_EXEC_QUEUE_EXTENSION_SET_PROPERTY,
			.property = DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY,
			.value = 2 };
		struct drm_xe_exec_queue_create qc = { .width = 1,
			.num_placements = 1, .vm_id = vm,
			.instances = (uintptr_t)&eci,
			.extensions = (uintptr_t)&prio };
		int bad = 0;

		if (setresuid(65534, 65534, 65534))
			_exit(2);
		cfg = NULL;
		if (query(DRM_XE_DEVICE_QUERY_CONFIG, (void **)&cfg, &size) ||
		    cfg->info[DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY] != 1)
			bad |= 4;
		if (xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc) != -EPERM)
			bad |= 8;
		prio.value = 3;
		if (xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc) != -EINVAL)
			bad |= 16;
		prio.value = 1;
		if (xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc) || !qc.exec_queue_id)
			bad |= 32;
		_exit(bad);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		ktap_diag("unprivileged child: status %#x", status);
	CHECK("priority_high_needs_cap_sys_nice", WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	vm_destroy(vm);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		node = argv[1];
	ktap_header(0);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", node, strerror(errno));
		return 1;
	}
	test_version_and_caps();
	test_queries();
	test_gem();
	test_vm_and_queues();
	test_bind();
	test_exec_and_syncs();
	test_user_fences();
	test_ban();
	test_vm_attrs();
	test_vm_faults();
	test_userptr();
	test_parallel();
	test_prime();
	test_isolation();
	test_priority_privilege();
	ktap_diag("device 8086:%04x", device_id);
	close(fd);
	return ktap_finish();
}
