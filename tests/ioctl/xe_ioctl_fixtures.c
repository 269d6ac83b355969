// SPDX-License-Identifier: MIT
/*
 * The xe ioctl suite's fixtures and helpers (see xe_ioctl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "xe_ioctl.h"
#include "xe_query.h"
#include "xe_submit.h"

const char *xe_node = "/dev/dri/renderD128";

int xe_open_node(void)
{
	int fd = open(xe_node, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		KT_FAIL("open %s: %s", xe_node, strerror(errno));
	return fd;
}

static void dev_setup(struct xe_dev *f)
{
	f->fd = xe_open_node();
	f->placement = xe_sysmem_placement(f->fd);
	if (!f->placement)
		KT_FAIL("no system-memory region in the MEM_REGIONS query");
}

static void dev_teardown(struct xe_dev *f)
{
	if (f->fd > 0)
		close(f->fd);
}

KT_FIXTURE(xe_dev, dev_setup, dev_teardown);

void xe_env_open(struct xe_env *f, uint32_t vm_flags)
{
	f->fd = xe_open_node();
	f->placement = xe_sysmem_placement(f->fd);
	if (!f->placement)
		KT_FAIL("no system-memory region in the MEM_REGIONS query");
	f->vm = xe_vm(f->fd, vm_flags);
	f->q = xe_queue(f->fd, f->vm);
	f->bo = xe_bo(f->fd, f->placement, BO_SIZE);
	f->map = xe_bo_map(f->fd, f->bo, BO_SIZE);
	memset(f->map, 0, BO_SIZE);
}

static void env_setup(struct xe_env *f)
{
	xe_env_open(f, 0);
	KT_ASSERT_OK(xe_bind_sync(f->fd, f->vm, DRM_XE_VM_BIND_OP_MAP, f->bo,
				  VA_BASE, BO_SIZE));
}

/* Cases may have released a part already and zeroed its id. */
void xe_env_close(struct xe_env *f)
{
	if (f->map)
		munmap(f->map, BO_SIZE);
	if (f->q)
		xe_queue_destroy(f->fd, f->q);
	if (f->bo)
		xe_gem_close(f->fd, f->bo);
	if (f->vm)
		xe_vm_destroy(f->fd, f->vm);
	if (f->fd > 0)
		close(f->fd);
}

KT_FIXTURE(xe_env, env_setup, xe_env_close);

int xe_query(int fd, uint32_t q, void **out, uint32_t *size)
{
	struct drm_xe_device_query dq = { .query = q };
	int ret = xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq);

	*out = NULL;
	if (ret)
		return ret;
	*out = calloc(1, dq.size ? dq.size : 1);
	if (!*out)
		return -ENOMEM;
	dq.data = (uintptr_t)*out;
	*size = dq.size;
	return xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
}

uint32_t xe_bo(int fd, uint32_t placement, uint64_t size)
{
	struct drm_xe_gem_create c = {
		.size = size, .placement = placement,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB,
	};

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c));
	return c.handle;
}

void *xe_bo_map(int fd, uint32_t handle, uint64_t size)
{
	struct drm_xe_gem_mmap_offset mo = { .handle = handle };
	void *p;

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)mo.offset);
	if (p == MAP_FAILED)
		KT_FAIL("mmap of BO %u: %s", handle, strerror(errno));
	return p;
}

int xe_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return xioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

uint32_t xe_vm(int fd, uint32_t flags)
{
	struct drm_xe_vm_create c = { .flags = flags };

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_XE_VM_CREATE, &c));
	return c.vm_id;
}

int xe_vm_destroy(int fd, uint32_t vm)
{
	struct drm_xe_vm_destroy d = { .vm_id = vm };

	return xioctl(fd, DRM_IOCTL_XE_VM_DESTROY, &d);
}

int xe_queue_create(int fd, uint32_t vm, uint32_t *id)
{
	struct drm_xe_engine_class_instance eci = { .engine_class = RENDER_CLASS };
	struct drm_xe_exec_queue_create c = {
		.width = 1, .num_placements = 1, .vm_id = vm,
		.instances = (uintptr_t)&eci,
	};
	int ret = xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c);

	*id = c.exec_queue_id;
	return ret;
}

uint32_t xe_queue(int fd, uint32_t vm)
{
	uint32_t q;

	KT_ASSERT_OK(xe_queue_create(fd, vm, &q));
	return q;
}

int xe_queue_destroy(int fd, uint32_t q)
{
	struct drm_xe_exec_queue_destroy d = { .exec_queue_id = q };

	return xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d);
}

uint32_t xe_syncobj(int fd)
{
	struct drm_syncobj_create c = { 0 };

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c));
	return c.handle;
}

void xe_syncobj_destroy(int fd, uint32_t h)
{
	struct drm_syncobj_destroy d = { .handle = h };

	xioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

int xe_syncobj_wait(int fd, uint32_t h, uint64_t point)
{
	return xe_syncobj_wait_for(fd, h, point, 10);
}

int xe_bind(int fd, uint32_t vm, uint32_t op, uint32_t bo, uint64_t offset,
	    uint64_t addr, uint64_t range, struct drm_xe_sync *syncs,
	    uint32_t nsyncs)
{
	return xe_bind_op(fd, vm, op, bo, offset, addr, range, PAT_WB_COHERENT,
			  syncs, nsyncs);
}

int xe_bind_sync(int fd, uint32_t vm, uint32_t op, uint32_t bo, uint64_t addr,
		 uint64_t range)
{
	uint32_t so = xe_syncobj(fd);
	struct drm_xe_sync s = xe_sync_signal(so);
	int ret = xe_bind(fd, vm, op, bo, 0, addr, range, &s, 1);

	if (!ret)
		ret = xe_syncobj_wait(fd, so, 0);
	xe_syncobj_destroy(fd, so);
	return ret;
}

int xe_bind_null(int fd, uint32_t vm, uint64_t addr, uint64_t range)
{
	uint32_t so = xe_syncobj(fd);
	struct drm_xe_sync s = xe_sync_signal(so);
	struct drm_xe_vm_bind b = {
		.vm_id = vm, .num_binds = 1,
		.bind = { .range = range, .addr = addr, .op = DRM_XE_VM_BIND_OP_MAP,
			  .flags = DRM_XE_VM_BIND_FLAG_NULL, .pat_index = PAT_WB_COHERENT },
		.num_syncs = 1, .syncs = (uintptr_t)&s,
	};
	int ret = xioctl(fd, DRM_IOCTL_XE_VM_BIND, &b);

	if (!ret)
		ret = xe_syncobj_wait(fd, so, 0);
	xe_syncobj_destroy(fd, so);
	return ret;
}

int xe_exec(int fd, uint32_t q, uint64_t addr, struct drm_xe_sync *syncs,
	    uint32_t nsyncs)
{
	return xe_exec_batches(fd, q, 1, addr, syncs, nsyncs);
}

int xe_exec_wait(int fd, uint32_t q, uint64_t addr)
{
	uint32_t so = xe_syncobj(fd);
	struct drm_xe_sync s = xe_sync_signal(so);
	int ret = xe_exec(fd, q, addr, &s, 1);

	if (!ret)
		ret = xe_syncobj_wait(fd, so, 0);
	xe_syncobj_destroy(fd, so);
	return ret;
}

/* MI commands (drivers/gpu/drm/xe/instructions/xe_mi_commands.h) */
#define MI_BATCH_BUFFER_END	(0x0a << 23)
#define MI_STORE_DATA_IMM	((0x20 << 23) | 2)

void xe_store_batch(uint32_t *b, uint64_t addr, uint32_t value)
{
	b[0] = MI_STORE_DATA_IMM;
	b[1] = (uint32_t)addr;
	b[2] = (uint32_t)(addr >> 32);
	b[3] = value;
	b[4] = MI_BATCH_BUFFER_END;
}

int xe_madvise_one(int fd, uint32_t vm, uint64_t start, uint64_t range,
		   uint32_t type, uint32_t val)
{
	struct drm_xe_madvise ma = { .vm_id = vm, .start = start, .range = range,
				     .type = type };

	if (type == DRM_XE_MEM_RANGE_ATTR_PAT)
		ma.pat_index.val = val;
	else
		ma.atomic.val = val;
	return xioctl(fd, DRM_IOCTL_XE_MADVISE, &ma);
}

int xe_query_attrs(int fd, uint32_t vm, uint64_t start, uint64_t range,
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
	if (!*out)
		return -ENOMEM;
	q.vector_of_mem_attr = (uintptr_t)*out;
	ret = xioctl(fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
	*n = q.num_mem_ranges;
	return ret;
}

bool xe_parallel_pair(int fd, struct drm_xe_engine_class_instance eci[2])
{
	struct drm_xe_query_engines *qe;
	uint32_t size, i, j;
	bool found = false;

	if (xe_query(fd, DRM_XE_DEVICE_QUERY_ENGINES, (void **)&qe, &size)) {
		free(qe);
		return false;
	}
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
