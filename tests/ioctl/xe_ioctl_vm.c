// SPDX-License-Identifier: MIT
/*
 * VMs and exec queues: VM_CREATE/DESTROY and EXEC_QUEUE_* (xe_vm.c,
 * xe_exec_queue.c), VM_BIND (xe_vm.c), MADVISE and
 * VM_QUERY_MEM_RANGE_ATTRS (xe_vm_madvise.c), VM_GET_PROPERTY(FAULTS)
 * (xe_pagefault.c) and MAP_USERPTR binds.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xe_ioctl.h"

/* --- VM_CREATE, VM_DESTROY ---------------------------------------------- */

KT_CASE(xe_dev, vm_create_bad_flags)
{
	struct drm_xe_vm_create vc = { .flags = 0x1000 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_CREATE, &vc), EINVAL);
}

KT_CASE(xe_dev, vm_create_fault_without_lr)
{
	struct drm_xe_vm_create vc = { .flags = DRM_XE_VM_CREATE_FLAG_FAULT_MODE };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_CREATE, &vc), EINVAL);
}

KT_CASE(xe_dev, vm_create_extensions)
{
	struct drm_xe_vm_create vc = { .extensions = 1 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_CREATE, &vc), EINVAL);
}

KT_CASE(xe_dev, vm_create_reserved_einval)
{
	struct drm_xe_vm_create vc = { .reserved = { 0, 1 } };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_CREATE, &vc), EINVAL);
}

KT_CASE(xe_dev, vm_create)
{
	struct drm_xe_vm_create vc = { 0 };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_VM_CREATE, &vc));
	KT_ASSERT_NE(vc.vm_id, 0);
}

KT_CASE(xe_dev, vm_destroy_unknown)
{
	KT_ASSERT_ERR(xe_vm_destroy(f->fd, xe_vm(f->fd, 0) + 100), ENOENT);
}

KT_CASE(xe_dev, vm_destroy_pad)
{
	struct drm_xe_vm_destroy vd = { .vm_id = xe_vm(f->fd, 0), .pad = 1 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_DESTROY, &vd), EINVAL);
}

KT_CASE(xe_dev, vm_destroy)
{
	KT_ASSERT_OK(xe_vm_destroy(f->fd, xe_vm(f->fd, 0)));
}

KT_CASE(xe_dev, vm_destroy_twice)
{
	uint32_t vm = xe_vm(f->fd, 0);

	KT_ASSERT_OK(xe_vm_destroy(f->fd, vm));
	KT_ASSERT_ERR(xe_vm_destroy(f->fd, vm), ENOENT);
}

/* --- EXEC_QUEUE_* ----------------------------------------------------------- */

/* EXEC_QUEUE_CREATE with @qc's fields on a good request for a new VM. */
static int queue_create_with(struct xe_dev *f, void (*change)(struct drm_xe_exec_queue_create *qc))
{
	static struct drm_xe_engine_class_instance eci = { .engine_class = RENDER_CLASS };
	struct drm_xe_exec_queue_create qc = { .width = 1, .num_placements = 1,
		.vm_id = xe_vm(f->fd, 0), .instances = (uintptr_t)&eci };

	change(&qc);
	return xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);
}

static void unknown_vm(struct drm_xe_exec_queue_create *qc) { qc->vm_id += 100; }
static void width_zero(struct drm_xe_exec_queue_create *qc) { qc->width = 0; }
static void bad_instances(struct drm_xe_exec_queue_create *qc) { qc->instances = 8; }
static void bad_flags(struct drm_xe_exec_queue_create *qc) { qc->flags = 0x100; }

KT_CASE(xe_dev, queue_create_unknown_vm)
{
	KT_ASSERT_ERR(queue_create_with(f, unknown_vm), ENOENT);
}

KT_CASE(xe_dev, queue_create_width_zero)
{
	KT_ASSERT_ERR(queue_create_with(f, width_zero), EINVAL);
}

KT_CASE(xe_dev, queue_create_bad_instances)
{
	KT_ASSERT_ERR(queue_create_with(f, bad_instances), EFAULT);
}

KT_CASE(xe_dev, queue_create_bad_flags)
{
	KT_ASSERT_ERR(queue_create_with(f, bad_flags), EINVAL);
}

KT_CASE(xe_dev, queue_create)
{
	uint32_t q = 0;

	KT_ASSERT_OK(xe_queue_create(f->fd, xe_vm(f->fd, 0), &q));
	KT_ASSERT_NE(q, 0);
}

KT_CASE(xe_env, queue_get_property_ban_zero)
{
	struct drm_xe_exec_queue_get_property gp = { .exec_queue_id = f->q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
	KT_ASSERT_EQ(gp.value, 0);
}

KT_CASE(xe_env, queue_get_property_unknown)
{
	struct drm_xe_exec_queue_get_property gp = { .exec_queue_id = f->q,
		.property = 77 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp), EINVAL);
}

KT_CASE(xe_env, queue_get_property_unknown_queue)
{
	struct drm_xe_exec_queue_get_property gp = { .exec_queue_id = f->q + 100 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp), ENOENT);
}

KT_CASE(xe_dev, queues_72_alive_at_once)
{
	uint32_t vm = xe_vm(f->fd, 0), q;
	int n;

	/* the file's close releases them */
	for (n = 0; n < 72; n++) {
		KT_ASSERT_OK(xe_queue_create(f->fd, vm, &q));
		KT_ASSERT_NE(q, 0);
	}
}

/*
 * Of a live queue only MULTI_QUEUE_PRIORITY can change, and only in a
 * multi-queue group (Xe3p); Lunar Lake has none (xe_exec_queue.c).
 */
static int queue_set_property(struct xe_env *f, uint32_t property, uint64_t reserved1)
{
	struct drm_xe_exec_queue_set_property sp = { .exec_queue_id = f->q,
		.property = property, .value = 1, .reserved = { 0, reserved1 } };

	return xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY, &sp);
}

KT_CASE(xe_env, queue_set_property_not_in_group_einval)
{
	KT_ASSERT_ERR(queue_set_property(f, DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY,
					 0), EINVAL);
}

KT_CASE(xe_env, queue_set_property_priority_einval)
{
	KT_ASSERT_ERR(queue_set_property(f, DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY, 0),
		      EINVAL);
}

KT_CASE(xe_env, queue_set_property_reserved_einval)
{
	KT_ASSERT_ERR(queue_set_property(f, DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY,
					 1), EINVAL);
}

KT_CASE(xe_env, queue_destroy)
{
	KT_ASSERT_OK(xe_queue_destroy(f->fd, f->q));
	f->q = 0;
}

KT_CASE(xe_env, queue_destroy_twice)
{
	KT_ASSERT_OK(xe_queue_destroy(f->fd, f->q));
	KT_ASSERT_ERR(xe_queue_destroy(f->fd, f->q), ENOENT);
	f->q = 0;
}

KT_CASE(xe_env, queue_destroy_pad_einval)
{
	struct drm_xe_exec_queue_destroy d = { .exec_queue_id = f->q, .pad = 1 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d), EINVAL);
}

/* --- VM_BIND ------------------------------------------------------------ */

/* A VM and a BO of a fresh file, for the bind cases. */
struct vm_bo {
	uint32_t vm, bo;
};

static struct vm_bo vm_bo(struct xe_dev *f)
{
	return (struct vm_bo){ .vm = xe_vm(f->fd, 0),
			       .bo = xe_bo(f->fd, f->placement, BO_SIZE) };
}

KT_CASE(xe_dev, bind_map)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo, VA_BASE, BO_SIZE));
}

KT_CASE(xe_dev, bind_overlapping_map)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo, VA_BASE, BO_SIZE));
	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo,
				  VA_BASE + 0x1000, 0x2000));
}

KT_CASE(xe_dev, bind_unmap)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo, VA_BASE, BO_SIZE));
	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_UNMAP, 0, VA_BASE, BO_SIZE));
}

KT_CASE(xe_dev, bind_unmap_unmapped)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_UNMAP, 0, VA_BASE, BO_SIZE));
}

KT_CASE(xe_dev, bind_rebind)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo, VA_BASE, BO_SIZE));
	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_UNMAP, 0, VA_BASE, BO_SIZE));
	KT_ASSERT_OK(xe_bind_sync(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo, VA_BASE, BO_SIZE));
}

/*
 * A BO closed while bound stays mapped, and new BOs can be made meanwhile
 * (the guest driver hands the closed BO's ids out again at once).
 */
KT_CASE(xe_env, bind_closed_bo_then_new_bo)
{
	const uint64_t va_old = VA_BASE + 0x100000, va_new = VA_BASE + 0x200000;
	uint32_t old = xe_bo(f->fd, f->placement, BO_SIZE), cur;
	uint32_t *p, seen;

	KT_ASSERT_OK(xe_bind_sync(f->fd, f->vm, DRM_XE_VM_BIND_OP_MAP, old,
				  va_old, BO_SIZE));
	KT_ASSERT_OK(xe_gem_close(f->fd, old));
	cur = xe_bo(f->fd, f->placement, BO_SIZE);
	KT_ASSERT_OK(xe_bind_sync(f->fd, f->vm, DRM_XE_VM_BIND_OP_MAP, cur,
				  va_new, BO_SIZE));
	/* the new BO first, then the closed one: two BOs, no aliasing */
	xe_store_batch(f->map, va_new, 0x2222);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE));
	xe_store_batch(f->map, va_old, 0x1111);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE));
	p = xe_bo_map(f->fd, cur, BO_SIZE);
	seen = p[0];
	munmap(p, BO_SIZE);
	KT_ASSERT_EQ(seen, 0x2222);
	KT_ASSERT_OK(xe_bind_sync(f->fd, f->vm, DRM_XE_VM_BIND_OP_UNMAP, 0,
				  va_old, BO_SIZE));
}

KT_CASE(xe_dev, bind_unaligned_addr_einval)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_ERR(xe_bind(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo, 0, VA_BASE + 1,
			      BO_SIZE, NULL, 0), EINVAL);
}

KT_CASE(xe_dev, bind_zero_range_einval)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_ERR(xe_bind(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo, 0, VA_BASE, 0,
			      NULL, 0), EINVAL);
}

KT_CASE(xe_dev, bind_past_bo_einval)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_ERR(xe_bind(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo, 0x1000, VA_BASE,
			      BO_SIZE, NULL, 0), EINVAL);
}

KT_CASE(xe_dev, bind_bad_bo_enoent)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_ERR(xe_bind(f->fd, t.vm, DRM_XE_VM_BIND_OP_MAP, t.bo + 100, 0, VA_BASE,
			      BO_SIZE, NULL, 0), ENOENT);
}

/* xe_vm_bind_ioctl(): an unknown VM is EINVAL, not ENOENT */
KT_CASE(xe_dev, bind_bad_vm_einval)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_ERR(xe_bind(f->fd, t.vm + 100, DRM_XE_VM_BIND_OP_MAP, t.bo, 0, VA_BASE,
			      BO_SIZE, NULL, 0), EINVAL);
}

KT_CASE(xe_dev, bind_bad_op_einval)
{
	struct vm_bo t = vm_bo(f);

	KT_ASSERT_ERR(xe_bind(f->fd, t.vm, 42, t.bo, 0, VA_BASE, BO_SIZE, NULL, 0), EINVAL);
}

/* xe_vm_bind_ioctl(): no ops only signals the syncs (ANV's queue idle). */
KT_CASE(xe_dev, bind_no_ops_signals_syncobj)
{
	uint32_t so = xe_syncobj(f->fd);
	struct drm_xe_sync sy = xe_sync_signal(so);
	struct drm_xe_vm_bind b = { .vm_id = xe_vm(f->fd, 0), .num_syncs = 1,
				    .syncs = (uintptr_t)&sy };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_VM_BIND, &b));
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, so, 0));
}

KT_CASE(xe_dev, bind_no_ops_user_fence_eopnotsupp)
{
	uint64_t ufence = 0;
	struct drm_xe_sync sy = { .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				  .flags = DRM_XE_SYNC_FLAG_SIGNAL,
				  .addr = (uintptr_t)&ufence, .timeline_value = 1 };
	struct drm_xe_vm_bind b = { .vm_id = xe_vm(f->fd, 0), .num_syncs = 1,
				    .syncs = (uintptr_t)&sy };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_BIND, &b), EOPNOTSUPP);
}

/* --- MADVISE, VM_QUERY_MEM_RANGE_ATTRS ---------------------------------------- */

/*
 * MADVISE sets attributes on the mappings its range touches, cutting those
 * without a BO at its edges and taking a BO mapping whole, on any VM;
 * VM_QUERY_MEM_RANGE_ATTRS lists each mapping with its attributes.
 */
#define NULL_VA		0x40000000ULL
#define MANY_PAGES	768

/* The env's BO mapping with device atomics, and a NULL mapping whose middle
 * page range has a 1-way PAT: four mappings from VA_BASE on. */
static void attrs_layout(struct xe_env *f)
{
	KT_ASSERT_OK(xe_bind_null(f->fd, f->vm, NULL_VA, 0x10000));
	KT_ASSERT_OK(xe_madvise_one(f->fd, f->vm, VA_BASE, BO_SIZE,
				    DRM_XE_MEM_RANGE_ATTR_ATOMIC, DRM_XE_ATOMIC_DEVICE));
	KT_ASSERT_OK(xe_madvise_one(f->fd, f->vm, NULL_VA + 0x4000, 0x4000,
				    DRM_XE_MEM_RANGE_ATTR_PAT, PAT_1WAY));
}

/* The attributes of the four mappings of attrs_layout(), in *@a. */
static void attrs_of_layout(struct xe_env *f, struct drm_xe_mem_range_attr **a)
{
	uint32_t n;

	attrs_layout(f);
	KT_ASSERT_OK(xe_query_attrs(f->fd, f->vm, VA_BASE, NULL_VA + 0x10000 - VA_BASE, a, &n));
	KT_ASSERT_EQ(n, 4);
}

KT_CASE(xe_dev, vm_attrs_empty_vm)
{
	struct drm_xe_mem_range_attr *a;
	uint32_t n;
	int ret = xe_query_attrs(f->fd, xe_vm(f->fd, 0), 0, 1ULL << 47, &a, &n);

	free(a);
	KT_ASSERT_OK(ret);
	KT_ASSERT_EQ(n, 0);
}

KT_CASE(xe_env, madvise_atomic_plain_vm)
{
	KT_ASSERT_OK(xe_madvise_one(f->fd, f->vm, VA_BASE, BO_SIZE,
				    DRM_XE_MEM_RANGE_ATTR_ATOMIC, DRM_XE_ATOMIC_DEVICE));
}

KT_CASE(xe_env, madvise_pat_inside_null_mapping)
{
	KT_ASSERT_OK(xe_bind_null(f->fd, f->vm, NULL_VA, 0x10000));
	KT_ASSERT_OK(xe_madvise_one(f->fd, f->vm, NULL_VA + 0x4000, 0x4000,
				    DRM_XE_MEM_RANGE_ATTR_PAT, PAT_1WAY));
}

KT_CASE(xe_env, vm_attrs_bo_mapping)
{
	struct drm_xe_mem_range_attr *a;

	attrs_of_layout(f, &a);
	KT_ASSERT_EQ(a[0].start, VA_BASE);
	KT_ASSERT_EQ(a[0].end, VA_BASE + BO_SIZE);
	KT_ASSERT_EQ(a[0].atomic.val, DRM_XE_ATOMIC_DEVICE);
	KT_ASSERT_EQ(a[0].pat_index.val, PAT_WB_COHERENT);
	KT_ASSERT_EQ(a[0].preferred_mem_loc.devmem_fd, DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE);
	free(a);
}

KT_CASE(xe_env, vm_attrs_null_mapping_cut_in_three)
{
	struct drm_xe_mem_range_attr *a;

	attrs_of_layout(f, &a);
	KT_ASSERT_EQ(a[1].start, NULL_VA);
	KT_ASSERT_EQ(a[1].end, NULL_VA + 0x4000);
	KT_ASSERT_EQ(a[1].pat_index.val, PAT_WB_COHERENT);
	KT_ASSERT_EQ(a[2].start, NULL_VA + 0x4000);
	KT_ASSERT_EQ(a[2].end, NULL_VA + 0x8000);
	KT_ASSERT_EQ(a[2].pat_index.val, PAT_1WAY);
	KT_ASSERT_EQ(a[2].atomic.val, DRM_XE_ATOMIC_UNDEFINED);
	KT_ASSERT_EQ(a[3].start, NULL_VA + 0x8000);
	KT_ASSERT_EQ(a[3].end, NULL_VA + 0x10000);
	KT_ASSERT_EQ(a[3].pat_index.val, PAT_WB_COHERENT);
	free(a);
}

KT_CASE(xe_env, madvise_takes_bo_mapping_whole)
{
	struct drm_xe_mem_range_attr *a;
	uint32_t n;

	KT_ASSERT_OK(xe_madvise_one(f->fd, f->vm, VA_BASE + 0x1000, 0x1000,
				    DRM_XE_MEM_RANGE_ATTR_ATOMIC, DRM_XE_ATOMIC_CPU));
	KT_ASSERT_OK(xe_query_attrs(f->fd, f->vm, VA_BASE, BO_SIZE, &a, &n));
	KT_ASSERT_EQ(n, 1);
	KT_ASSERT_EQ(a[0].start, VA_BASE);
	KT_ASSERT_EQ(a[0].end, VA_BASE + BO_SIZE);
	KT_ASSERT_EQ(a[0].atomic.val, DRM_XE_ATOMIC_CPU);
	free(a);
}

KT_CASE(xe_env, madvise_global_atomics_on_bo_einval)
{
	KT_ASSERT_ERR(xe_madvise_one(f->fd, f->vm, VA_BASE, BO_SIZE,
				     DRM_XE_MEM_RANGE_ATTR_ATOMIC, DRM_XE_ATOMIC_GLOBAL),
		      EINVAL);
}

KT_CASE(xe_env, madvise_unaligned_einval)
{
	KT_ASSERT_ERR(xe_madvise_one(f->fd, f->vm, VA_BASE + 1, BO_SIZE,
				     DRM_XE_MEM_RANGE_ATTR_ATOMIC, 0), EINVAL);
}

KT_CASE(xe_env, madvise_bad_atomic_einval)
{
	KT_ASSERT_ERR(xe_madvise_one(f->fd, f->vm, VA_BASE, BO_SIZE,
				     DRM_XE_MEM_RANGE_ATTR_ATOMIC, 9), EINVAL);
}

KT_CASE(xe_env, madvise_reserved_pat_einval)
{
	KT_ASSERT_ERR(xe_madvise_one(f->fd, f->vm, VA_BASE, BO_SIZE,
				     DRM_XE_MEM_RANGE_ATTR_PAT, 16), EINVAL);
}

KT_CASE(xe_env, madvise_unknown_vm_einval)
{
	KT_ASSERT_ERR(xe_madvise_one(f->fd, f->vm + 100, VA_BASE, BO_SIZE,
				     DRM_XE_MEM_RANGE_ATTR_ATOMIC, 0), EINVAL);
}

KT_CASE(xe_env, madvise_reserved_einval)
{
	struct drm_xe_madvise ma = { .vm_id = f->vm, .start = VA_BASE, .range = BO_SIZE,
		.type = DRM_XE_MEM_RANGE_ATTR_ATOMIC, .reserved[1] = 1 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_MADVISE, &ma), EINVAL);
}

/* A query of the attrs_layout() range into room for four entries. */
static struct drm_xe_vm_query_mem_range_attr attrs_query(struct xe_env *f,
							 struct drm_xe_mem_range_attr a[4])
{
	attrs_layout(f);
	return (struct drm_xe_vm_query_mem_range_attr){ .vm_id = f->vm,
		.start = VA_BASE, .range = NULL_VA + 0x10000 - VA_BASE,
		.num_mem_ranges = 4, .sizeof_mem_range_attr = sizeof(a[0]),
		.vector_of_mem_attr = (uintptr_t)a };
}

KT_CASE(xe_env, vm_attrs_too_few_enospc)
{
	struct drm_xe_mem_range_attr a[4];
	struct drm_xe_vm_query_mem_range_attr q = attrs_query(f, a);

	q.num_mem_ranges = 1;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), ENOSPC);
}

KT_CASE(xe_env, vm_attrs_wrong_entry_size_einval)
{
	struct drm_xe_mem_range_attr a[4];
	struct drm_xe_vm_query_mem_range_attr q = attrs_query(f, a);

	q.sizeof_mem_range_attr = 32;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), EINVAL);
}

KT_CASE(xe_env, vm_attrs_null_vector_einval)
{
	struct drm_xe_mem_range_attr a[4];
	struct drm_xe_vm_query_mem_range_attr q = attrs_query(f, a);

	q.vector_of_mem_attr = 0;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), EINVAL);
}

KT_CASE(xe_env, vm_attrs_bad_vector_efault)
{
	struct drm_xe_mem_range_attr a[4];
	struct drm_xe_vm_query_mem_range_attr q = attrs_query(f, a);

	q.vector_of_mem_attr = 8;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), EFAULT);
}

KT_CASE(xe_env, vm_attrs_unknown_vm_einval)
{
	struct drm_xe_vm_query_mem_range_attr q = { .vm_id = f->vm + 100 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q), EINVAL);
}

/* More ranges than one host answer carries. */
KT_CASE(xe_env, vm_attrs_768_ranges_in_order)
{
	const uint64_t base = 2 * NULL_VA;
	struct drm_xe_mem_range_attr *a;
	uint32_t n, i;

	KT_ASSERT_OK(xe_bind_null(f->fd, f->vm, base, MANY_PAGES * 0x1000ULL));
	for (i = 1; i < MANY_PAGES; i += 2)
		KT_ASSERT_OK(xe_madvise_one(f->fd, f->vm, base + i * 0x1000ULL, 0x1000,
					    DRM_XE_MEM_RANGE_ATTR_PAT, PAT_1WAY));
	KT_ASSERT_OK(xe_query_attrs(f->fd, f->vm, base, MANY_PAGES * 0x1000ULL, &a, &n));
	KT_ASSERT_EQ(n, MANY_PAGES);
	for (i = 0; i < MANY_PAGES; i++) {
		KT_ASSERT_EQ(a[i].start, base + i * 0x1000ULL);
		KT_ASSERT_EQ(a[i].end, a[i].start + 0x1000);
		KT_ASSERT_EQ(a[i].pat_index.val, i & 1 ? PAT_1WAY : PAT_WB_COHERENT);
	}
	free(a);
}

/* --- VM_GET_PROPERTY(FAULTS) -------------------------------------------------- */

/*
 * A GPU fault the driver could not resolve is kept on its VM
 * (xe_pagefault.c) and reported at its page, with the access.
 */
static void fault_once(struct xe_env *f)
{
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, UNMAPPED_VA + 0x40));
}

static struct drm_xe_vm_get_property faults_property(struct xe_env *f)
{
	return (struct drm_xe_vm_get_property){ .vm_id = f->vm,
		.property = DRM_XE_VM_GET_PROPERTY_FAULTS };
}

KT_CASE(xe_env, vm_faults_none)
{
	struct drm_xe_vm_get_property gp = faults_property(f);

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp));
	KT_ASSERT_EQ(gp.size, 0);
}

KT_CASE(xe_env, vm_faults_more_than_recorded_einval)
{
	struct xe_vm_fault fault;
	struct drm_xe_vm_get_property gp = faults_property(f);

	gp.size = sizeof(fault);
	gp.data = (uintptr_t)&fault;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp), EINVAL);
}

KT_CASE(xe_env, vm_faults_one_after_faulting_batch)
{
	struct drm_xe_vm_get_property gp = faults_property(f);

	fault_once(f);
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp));
	KT_ASSERT_EQ(gp.size, sizeof(struct xe_vm_fault));
}

KT_CASE(xe_env, vm_faults_entry)
{
	struct xe_vm_fault fault[2];
	struct drm_xe_vm_get_property gp = faults_property(f);

	fault_once(f);
	memset(fault, 0xa5, sizeof(fault));
	gp.size = sizeof(fault[0]);
	gp.data = (uintptr_t)fault;
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp));
	kt_diag("fault at %#llx access %u type %u level %u",
		(unsigned long long)fault[0].address, fault[0].access_type,
		fault[0].fault_type, fault[0].fault_level);
	KT_ASSERT_EQ(fault[0].address, UNMAPPED_VA);
	KT_ASSERT_EQ(fault[0].address_precision, 0x1000);
	KT_ASSERT_EQ(fault[0].access_type, FAULT_ACCESS_TYPE_READ);
	KT_ASSERT_EQ(fault[0].fault_type, FAULT_TYPE_NOT_PRESENT);
	KT_ASSERT_EQ(fault[0].fault_level, FAULT_LEVEL_PDP);
	KT_ASSERT_EQ(fault[1].address, 0xa5a5a5a5a5a5a5a5ULL);
}

KT_CASE(xe_env, vm_faults_partial_entry_einval)
{
	struct xe_vm_fault fault;
	struct drm_xe_vm_get_property gp = faults_property(f);

	fault_once(f);
	gp.size = sizeof(fault) - 8;
	gp.data = (uintptr_t)&fault;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp), EINVAL);
}

KT_CASE(xe_env, vm_faults_bad_pointer_efault)
{
	struct drm_xe_vm_get_property gp = faults_property(f);

	fault_once(f);
	gp.size = sizeof(struct xe_vm_fault);
	gp.data = 8;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp), EFAULT);
}

KT_CASE(xe_env, vm_property_unknown_einval)
{
	struct drm_xe_vm_get_property gp = { .vm_id = f->vm, .property = 1 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp), EINVAL);
}

KT_CASE(xe_env, vm_property_pad_einval)
{
	struct drm_xe_vm_get_property gp = { .vm_id = f->vm, .pad = 1 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp), EINVAL);
}

KT_CASE(xe_env, vm_property_unknown_vm_enoent)
{
	struct drm_xe_vm_get_property gp = { .vm_id = f->vm + 100 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &gp), ENOENT);
}

/* --- MAP_USERPTR -------------------------------------------------------------- */

/*
 * A batch in plain process memory stores into that memory; after the
 * memory is unmapped and mapped anew at the same address, the next exec
 * runs on the new pages (xe revalidates userptrs on exec); bad userptr
 * binds are refused as xe_vm.c refuses them.
 */
#define USERPTR_VA	(VA_BASE + 0x200000)
#define USERPTR_SIZE	(2 * 4096)

static uint32_t *user_memory(void)
{
	uint32_t *mem = mmap(NULL, USERPTR_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_ASSERT_TRUE(mem != MAP_FAILED);
	return mem;
}

static int userptr_bind(struct xe_env *f, uint32_t op, void *mem, uint64_t va)
{
	uint32_t so = xe_syncobj(f->fd);
	struct drm_xe_sync s = xe_sync_signal(so);
	int ret = xe_bind(f->fd, f->vm, op, 0, (uintptr_t)mem, va, USERPTR_SIZE, &s, 1);

	if (!ret)
		ret = xe_syncobj_wait(f->fd, so, 0);
	xe_syncobj_destroy(f->fd, so);
	return ret;
}

/* User memory bound at USERPTR_VA whose first page is a store to +0x1000. */
static uint32_t *bound_user_batch(struct xe_env *f)
{
	uint32_t *mem = user_memory();

	xe_store_batch(mem, USERPTR_VA + 0x1000, 0xabcd);
	KT_ASSERT_OK(userptr_bind(f, DRM_XE_VM_BIND_OP_MAP_USERPTR, mem, USERPTR_VA));
	return mem;
}

KT_CASE(xe_env, userptr_bind)
{
	bound_user_batch(f);
}

KT_CASE(xe_env, userptr_exec_stores_into_user_memory)
{
	uint32_t *mem = bound_user_batch(f);

	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, USERPTR_VA));
	KT_ASSERT_EQ(mem[0x1000 / 4], 0xabcd);
}

KT_CASE(xe_env, userptr_remapped_exec_uses_new_pages)
{
	uint32_t *mem = bound_user_batch(f);

	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, USERPTR_VA));
	/* new pages at the same address: the GPU must follow */
	KT_ASSERT_TRUE(mmap(mem, USERPTR_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == mem);
	xe_store_batch(mem, USERPTR_VA + 0x1004, 0x5678);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, USERPTR_VA));
	KT_ASSERT_EQ(mem[0x1004 / 4], 0x5678);
	KT_ASSERT_EQ(mem[0x1000 / 4], 0);
}

KT_CASE(xe_env, userptr_unbind)
{
	bound_user_batch(f);
	KT_ASSERT_OK(userptr_bind(f, DRM_XE_VM_BIND_OP_UNMAP, NULL, USERPTR_VA));
}

KT_CASE(xe_env, userptr_with_bo_einval)
{
	uint32_t *mem = user_memory();

	KT_ASSERT_ERR(xe_bind(f->fd, f->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, f->bo,
			      (uintptr_t)mem, USERPTR_VA, USERPTR_SIZE, NULL, 0), EINVAL);
}

KT_CASE(xe_env, userptr_unaligned_einval)
{
	uint32_t *mem = user_memory();

	KT_ASSERT_ERR(xe_bind(f->fd, f->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0,
			      (uintptr_t)mem + 8, USERPTR_VA, USERPTR_SIZE, NULL, 0), EINVAL);
}

KT_CASE(xe_env, userptr_unmapped_memory_efault)
{
	uint32_t *mem = user_memory();

	munmap(mem, USERPTR_SIZE);
	KT_ASSERT_ERR(xe_bind(f->fd, f->vm, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0,
			      (uintptr_t)mem, USERPTR_VA, USERPTR_SIZE, NULL, 0), EFAULT);
}

/* Memory freed under a live userptr: other work on the VM still runs. */
KT_CASE(xe_env, userptr_freed_memory_exec_still_runs)
{
	munmap(bound_user_batch(f), USERPTR_SIZE);
	xe_store_batch(f->map + 0x6000 / 4, VA_BASE + 0xc00, 0x6666);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE + 0x6000));
	KT_ASSERT_EQ(f->map[0xc00 / 4], 0x6666);
}

/* Still bound when its VM goes: the VM takes it along. */
KT_CASE(xe_env, userptr_vm_destroy_while_bound)
{
	munmap(bound_user_batch(f), USERPTR_SIZE);
	KT_ASSERT_OK(xe_queue_destroy(f->fd, f->q));
	f->q = 0;
	KT_ASSERT_OK(xe_vm_destroy(f->fd, f->vm));
	f->vm = 0;
}
