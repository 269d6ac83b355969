// SPDX-License-Identifier: MIT
/*
 * Guest test: two tenants of one guest share the GPU. The host library's
 * limits are per guest, not per process (host/xe_host_limits.c: one QEMU
 * process serves one guest), so when one process fills the guest's BO
 * memory (XE_PROXY_MEM_LIMIT, set small by tests/check) it gets the
 * limit's clean ENOSPC, and so does any new BO or exec queue (each queue
 * is charged 64 KiB per engine for its context image, docs/security.md)
 * of the other process meanwhile. What the other process already holds
 * keeps working: it binds, creates a VM and execs on its queues. Once the
 * filler exits, the other can allocate again. Guest only: the simulator
 * has no per-guest limit. Prints KTAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/xe_drm.h>

#include "ktap.h"
#include "xe_query.h"
#include "xe_submit.h"
#include "xioctl.h"

#define VA		0x1000000ULL
#define VA2		0x2000000ULL
#define BO_SIZE		0x10000ULL
#define MAX_FILL_BOS	100000

static const char *node;

/* One process's file, VM, render queue and a bound, mapped BO. */
struct tenant {
	int fd;
	uint32_t placement, vm, q, bo;
	uint32_t *map;
};

static int bo_create(int fd, uint32_t placement, uint64_t size, uint32_t *bo)
{
	struct drm_xe_gem_create c = { .size = size, .placement = placement,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	int ret = xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c);

	*bo = c.handle;
	return ret;
}

static int queue_create(int fd, uint32_t vm, uint32_t *q)
{
	struct drm_xe_engine_class_instance eci = {
		.engine_class = DRM_XE_ENGINE_CLASS_RENDER };
	struct drm_xe_exec_queue_create c = { .width = 1, .num_placements = 1,
		.vm_id = vm, .instances = (uintptr_t)&eci };
	int ret = xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c);

	*q = c.exec_queue_id;
	return ret;
}

static int bind_wait(int fd, uint32_t vm, uint32_t bo, uint64_t va)
{
	struct drm_syncobj_create sc = { 0 };
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL };
	int ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);

	s.handle = sc.handle;
	if (!ret)
		ret = xe_bind_op(fd, vm, DRM_XE_VM_BIND_OP_MAP, bo, 0, va, BO_SIZE,
				 2 /* 2-way coherent on Xe2 */, &s, 1);
	if (!ret)
		ret = xe_syncobj_wait_for(fd, sc.handle, 0, 60);
	return ret;
}

/* Store @value at @va + 0x800 from a batch at @va + 0x100; wait for it. */
static int store_wait(struct tenant *t, uint32_t q, uint64_t va, uint32_t *map,
		      uint32_t value)
{
	struct drm_syncobj_create sc = { 0 };
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL };
	uint32_t *b = map + 0x100 / 4;
	int ret;

	map[0x800 / 4] = 0;
	b[0] = (0x20 << 23) | 2;	/* MI_STORE_DATA_IMM, PPGTT */
	b[1] = (uint32_t)(va + 0x800);
	b[2] = (uint32_t)((va + 0x800) >> 32);
	b[3] = value;
	b[4] = 0x0a << 23;		/* MI_BATCH_BUFFER_END */
	ret = xioctl(t->fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
	s.handle = sc.handle;
	if (!ret)
		ret = xe_exec_batches(t->fd, q, 1, va + 0x100, &s, 1);
	if (!ret)
		ret = xe_syncobj_wait_for(t->fd, sc.handle, 0, 60);
	if (!ret && map[0x800 / 4] != value)
		ret = -ENODATA;
	return ret;
}

static uint32_t *bo_map(int fd, uint32_t bo)
{
	struct drm_xe_gem_mmap_offset mo = { .handle = bo };
	void *p;

	if (xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return NULL;
	p = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	return p == MAP_FAILED ? NULL : p;
}

static int tenant_open(struct tenant *t)
{
	struct drm_xe_vm_create vc = { 0 };

	t->fd = open(node, O_RDWR | O_CLOEXEC);
	if (t->fd < 0)
		return -errno;
	t->placement = xe_sysmem_placement(t->fd);
	if (!t->placement || xioctl(t->fd, DRM_IOCTL_XE_VM_CREATE, &vc))
		return -EINVAL;
	t->vm = vc.vm_id;
	if (queue_create(t->fd, t->vm, &t->q) ||
	    bo_create(t->fd, t->placement, BO_SIZE, &t->bo) ||
	    bind_wait(t->fd, t->vm, t->bo, VA))
		return -EINVAL;
	t->map = bo_map(t->fd, t->bo);
	return t->map ? 0 : -ENOMEM;
}

/*
 * The filler: BOs of 4 MiB, then 64 KiB, then 4 KiB until each size is
 * refused, so the guest's BO memory is full to the page. Reports the
 * errno that ended it and how many it made, then holds them until told.
 */
static void filler(int report, int hold)
{
	static const uint64_t sizes[] = { 4 << 20, 64 << 10, 4 << 10 };
	struct { int err; unsigned int count; } r = { 0, 0 };
	uint32_t placement, bo;
	char c;
	int fd = open(node, O_RDWR | O_CLOEXEC);

	placement = fd < 0 ? 0 : xe_sysmem_placement(fd);
	r.err = placement ? 0 : -ENODEV;
	for (unsigned int i = 0; placement && i < 3; i++) {
		while (r.count < MAX_FILL_BOS &&
		       !(r.err = bo_create(fd, placement, sizes[i], &bo)))
			r.count++;
		if (r.err != -ENOSPC)
			break;
	}
	if (write(report, &r, sizeof(r)) != sizeof(r) || read(hold, &c, 1) < 0)
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct { int err; unsigned int count; } r = { -EPIPE, 0 };
	int to_parent[2], to_child[2], status, ret, tries;
	struct tenant t;
	struct drm_xe_vm_create vc = { 0 };
	uint32_t bo, q2, q3, *map2;
	pid_t pid;

	node = argc > 1 ? argv[1] : "/dev/dri/renderD128";
	ktap_header(10);
	if (tenant_open(&t) || queue_create(t.fd, t.vm, &q2)) {
		printf("Bail out! cannot set up the first tenant on %s\n", node);
		return 1;
	}
	if (pipe(to_parent) || pipe(to_child)) {
		printf("Bail out! pipe\n");
		return 1;
	}
	pid = fork();
	if (!pid) {
		close(t.fd);
		filler(to_parent[1], to_child[0]);
	}
	close(to_parent[1]);
	close(to_child[0]);
	if (read(to_parent[0], &r, sizeof(r)) != sizeof(r))
		r.err = -EPIPE;
	ktap_diag("the filler made %u BOs, then got %d (%s)", r.count, r.err,
		  strerror(-r.err));
	ktap_test(r.err == -ENOSPC && r.count > 0, "filler_gets_enospc_at_the_guest_limit");

	ret = bo_create(t.fd, t.placement, 4096, &bo);
	if (ret)
		ktap_diag("a new BO of the other tenant: %d (%s)", ret, strerror(-ret));
	ktap_test(ret == -ENOSPC, "limit_is_per_guest_other_tenant_new_bo_enospc");
	if (!ret)
		xioctl(t.fd, DRM_IOCTL_GEM_CLOSE, &(struct drm_gem_close){ .handle = bo });
	ktap_test(!store_wait(&t, t.q, VA, t.map, 0x1111),
		  "other_tenant_execs_while_guest_full");
	ktap_test(!bind_wait(t.fd, t.vm, t.bo, VA2) &&
		  !store_wait(&t, t.q, VA2, t.map, 0x2222),
		  "other_tenant_binds_while_guest_full");
	ktap_test(!store_wait(&t, q2, VA, t.map, 0x3333),
		  "other_tenant_second_queue_execs_while_guest_full");
	ret = queue_create(t.fd, t.vm, &q3);
	if (ret)
		ktap_diag("a new queue of the other tenant: %d (%s)", ret, strerror(-ret));
	ktap_test(ret == -ENOSPC, "limit_is_per_guest_other_tenant_new_queue_enospc");
	ret = xioctl(t.fd, DRM_IOCTL_XE_VM_CREATE, &vc);
	ktap_test(!ret && !xioctl(t.fd, DRM_IOCTL_XE_VM_DESTROY,
				  &(struct drm_xe_vm_destroy){ .vm_id = vc.vm_id }),
		  "other_tenant_creates_a_vm_while_guest_full");

	/* the filler exits; its file's BOs go back to the guest's budget */
	if (write(to_child[1], "x", 1) != 1 || waitpid(pid, &status, 0) != pid)
		status = -1;
	ktap_test(status == 0, "filler_exits");
	/* the host frees a closed file's BOs behind it: bounded retry */
	for (tries = 0; tries < 600; tries++) {
		ret = bo_create(t.fd, t.placement, BO_SIZE, &bo);
		if (ret != -ENOSPC)
			break;
		usleep(100000);
	}
	ktap_test(!ret, "other_tenant_allocates_after_filler_exits");
	map2 = ret ? NULL : bo_map(t.fd, bo);
	ktap_test(map2 && !bind_wait(t.fd, t.vm, bo, VA2 + 0x100000) &&
		  !store_wait(&t, q2, VA2 + 0x100000, map2, 0x4444),
		  "other_tenant_uses_its_new_bo");
	return ktap_finish();
}
