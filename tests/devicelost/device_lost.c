// SPDX-License-Identifier: MIT
/*
 * Guest side of tests/devicelost/run: the host's GPU goes away while this
 * program has work pending on it (tests/sim/sim_lost.c; the run script
 * makes the simulated device go when this program says it is ready).
 *
 *   device_lost NODE [unplug|wedged]
 *
 * Sets up a VM, a BO and a queue, submits a batch that waits on a
 * semaphore nobody releases, prints "device-lost: ready" and keeps making
 * GEM_CREATE calls until one fails: the host has lost its device. That
 * errno must be the host kernel's for the way it was lost (ENODEV
 * unplugged, ECANCELED wedged; any error when no way is named). Then the
 * pending fence must signal with an error, every create and bind must
 * fail with that errno (or ENODEV, the guest's own for a context it gave
 * up on), an exec must fail or its fence carry the error, and, once the host says the device is back (it prints nothing: the
 * program retries), a new file must run a store-dword batch. KTAP out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "ktap.h"
#include "xe_ccmd.h"	/* test_store_dword_batch(), CCMD_PAT_WB */
#include "xe_query.h"
#include "xe_submit.h"

#define VA		0x100000ull
#define BO_SIZE		65536ull
#define SEM_OFF		0x800	/* the semaphore: 0, waited for 1 */
#define STORE_OFF	0xc00
/* bounds that only end a broken run */
#define LOSS_TRIES	600	/* 100 ms apart */
#define BACK_TRIES	600

/* MI_SEMAPHORE_WAIT, polling, until *addr == data: 4 dwords */
#define MI_SEMAPHORE_WAIT_EQ	((0x1c << 23) | (1 << 15) | (4 << 12) | 2)

struct setup {
	int fd;
	uint32_t vm, bo, q, sync;
	uint32_t *map;
};

static int set_up(const char *node, struct setup *s)
{
	struct drm_xe_engine_class_instance eci = {
		.engine_class = DRM_XE_ENGINE_CLASS_RENDER };
	struct drm_xe_gem_create gc = { .size = BO_SIZE,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_exec_queue_create qc = { .width = 1, .num_placements = 1,
		.instances = (uintptr_t)&eci };
	struct drm_xe_vm_create vc = { 0 };
	struct drm_syncobj_create sc = { 0 };
	struct drm_xe_gem_mmap_offset mo = { 0 };
	struct drm_xe_sync sy = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL };
	int ret;

	s->fd = open(node, O_RDWR | O_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	gc.placement = xe_sysmem_placement(s->fd);
	ret = xioctl(s->fd, DRM_IOCTL_XE_VM_CREATE, &vc);
	if (!ret)
		ret = xioctl(s->fd, DRM_IOCTL_XE_GEM_CREATE, &gc);
	if (ret)
		return ret;
	s->vm = vc.vm_id;
	s->bo = gc.handle;
	qc.vm_id = s->vm;
	mo.handle = s->bo;
	ret = xioctl(s->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);
	if (!ret)
		ret = xioctl(s->fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
	if (!ret)
		ret = xioctl(s->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	if (ret)
		return ret;
	s->q = qc.exec_queue_id;
	s->sync = sc.handle;
	s->map = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
		      (off_t)mo.offset);
	if (s->map == MAP_FAILED)
		return -errno;
	sy.handle = s->sync;
	ret = xe_bind_op(s->fd, s->vm, DRM_XE_VM_BIND_OP_MAP, s->bo, 0, VA,
			 BO_SIZE, CCMD_PAT_WB, &sy, 1);
	if (!ret)
		ret = xe_syncobj_wait_for(s->fd, s->sync, 0, 30);
	if (!ret)
		ret = xioctl(s->fd, DRM_IOCTL_SYNCOBJ_RESET,
			     &(struct drm_syncobj_array){
				.handles = (uintptr_t)&s->sync, .count_handles = 1 });
	return ret;
}

/* A store-dword batch on a new file: the device works (again). */
static int store_dword(const char *node)
{
	struct setup s = { .fd = -1 };
	struct drm_xe_sync sy = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL };
	int ret = set_up(node, &s);

	if (!ret) {
		sy.handle = s.sync;
		test_store_dword_batch(s.map, VA + STORE_OFF, 0xc0ffee);
		ret = xe_exec_batches(s.fd, s.q, 1, VA, &sy, 1);
	}
	if (!ret)
		ret = xe_syncobj_wait_for(s.fd, s.sync, 0, 30);
	if (!ret && s.map[STORE_OFF / 4] != 0xc0ffee)
		ret = -EIO;
	if (s.map && s.map != MAP_FAILED)
		munmap(s.map, BO_SIZE);
	if (s.fd >= 0)
		close(s.fd);
	return ret;
}

/*
 * The status of a syncobj's fence: 1 signalled, 0 pending, < 0 its error,
 * from its sync_file. Where sync files have no SYNC_IOC_FILE_INFO (the
 * simulator's, host-direct), a wait of no time tells pending from
 * signalled.
 */
static int fence_status(int fd, uint32_t h)
{
	struct drm_syncobj_handle e = { .handle = h, .fd = -1,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct drm_syncobj_wait w = { .handles = (uintptr_t)&h, .count_handles = 1 };
	struct sync_file_info info = { 0 };
	int ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &e);

	if (ret)
		return ret;
	ret = xioctl(e.fd, SYNC_IOC_FILE_INFO, &info);
	close(e.fd);
	if (ret == -ENOTTY) {
		ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
		return ret == -ETIME ? 0 : ret ? ret : 1;
	}
	return ret ? ret : info.status;
}

static const char *err_name(int ret)
{
	return ret ? strerrorname_np(-ret) : "0";
}

/*
 * What a call on the lost device must fail with: @want, or ENODEV; with
 * @want 0 (the way the device was lost not named) any error.
 */
static bool lost_errno(int ret, int want)
{
	return want ? ret == want || ret == -ENODEV : ret != 0;
}

int main(int argc, char **argv)
{
	const struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	struct drm_xe_gem_create gc = { .size = BO_SIZE,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_vm_create vc = { 0 };
	struct drm_xe_engine_class_instance eci = {
		.engine_class = DRM_XE_ENGINE_CLASS_RENDER };
	struct drm_xe_exec_queue_create qc = { .width = 1, .num_placements = 1,
		.instances = (uintptr_t)&eci };
	struct drm_xe_exec_queue_get_property gp = {
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };
	struct drm_xe_sync sy = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.flags = DRM_XE_SYNC_FLAG_SIGNAL };
	struct drm_xe_device_query dq = { .query = DRM_XE_DEVICE_QUERY_CONFIG };
	struct drm_xe_gem_mmap_offset mo = { 0 };
	struct setup s = { .fd = -1 };
	int ret, lost = 0, want = 0, i, status, r_vm, r_bo, r_q, r_bind, r_exec, r_exec2 = 0, r_prop;
	int r_query, r_mmap;
	uint32_t *b;

	if (argc < 2)
		return 2;
	/* the host kernel's errno: drm_ioctl_kernel() / xe_drm_ioctl() */
	if (argc > 2)
		want = !strcmp(argv[2], "wedged") ? -ECANCELED : -ENODEV;
	ktap_header(7);
	ret = set_up(argv[1], &s);
	if (!ret) {
		/* waits for a semaphore that stays 0 */
		b = s.map;
		s.map[SEM_OFF / 4] = 0;
		b[0] = MI_SEMAPHORE_WAIT_EQ;
		b[1] = 1;
		b[2] = (uint32_t)(VA + SEM_OFF);
		b[3] = (uint32_t)((VA + SEM_OFF) >> 32);
		b[4] = TEST_MI_BATCH_BUFFER_END;
		sy.handle = s.sync;
		ret = xe_exec_batches(s.fd, s.q, 1, VA, &sy, 1);
	}
	status = ret ? ret : fence_status(s.fd, s.sync);
	ktap_diag("set-up: %s, pending fence status %d", err_name(ret), status);
	if (!ktap_test(!ret && status == 0, "work_pending_before_the_loss"))
		return ktap_finish();

	ktap_diag("device-lost: ready");
	gc.placement = xe_sysmem_placement(s.fd);
	for (i = 0; i < LOSS_TRIES && !lost; i++) {
		gc.handle = 0;	/* an output: xe refuses it set */
		ret = xioctl(s.fd, DRM_IOCTL_XE_GEM_CREATE, &gc);
		if (ret)
			lost = ret;
		else
			nanosleep(&tick, NULL);
	}
	ktap_diag("GEM_CREATE after %d tries: %s (want %s)", i, err_name(lost),
		  want ? err_name(want) : "any error");
	ktap_test(lost != 0 && (!want || lost == want),
		  "ioctl_fails_once_the_host_lost_its_gpu");

	/*
	 * the semaphore job never ran: its fence must signal all the same,
	 * with an error, as xe's cancelled jobs' do
	 */
	ret = xe_syncobj_wait_for(s.fd, s.sync, 0, 60);
	status = fence_status(s.fd, s.sync);
	ktap_diag("pending fence: wait %s, status %d (%s)", err_name(ret), status,
		  status < 0 ? err_name(status) : "no error");
	ktap_test(!ret && status < 0, "pending_fence_signals_with_an_error");

	r_vm = xioctl(s.fd, DRM_IOCTL_XE_VM_CREATE, &vc);
	gc.handle = 0;
	r_bo = xioctl(s.fd, DRM_IOCTL_XE_GEM_CREATE, &gc);
	qc.vm_id = s.vm;
	r_q = xioctl(s.fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc);
	r_bind = xe_bind_op(s.fd, s.vm, DRM_XE_VM_BIND_OP_MAP, s.bo, 0, VA + BO_SIZE,
			    BO_SIZE, CCMD_PAT_WB, &sy, 1);
	r_exec = xe_exec_batches(s.fd, s.q, 1, VA, &sy, 1);
	gp.exec_queue_id = s.q;
	r_prop = xioctl(s.fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp);
	ktap_diag("after the loss: VM_CREATE %s, GEM_CREATE %s, EXEC_QUEUE_CREATE %s, VM_BIND %s, EXEC %s, GET_PROPERTY(BAN) %s value %llu",
		  err_name(r_vm), err_name(r_bo), err_name(r_q), err_name(r_bind),
		  err_name(r_exec), err_name(r_prop), (unsigned long long)gp.value);
	ktap_test(lost_errno(r_vm, want) && lost_errno(r_bo, want) &&
		  lost_errno(r_q, want) && lost_errno(r_bind, want),
		  "every_create_and_bind_fails");
	/*
	 * Calls a guest may answer without the host (a cached query, the
	 * ban, a mapping's offset) fail too: xe fails every call of a lost
	 * device.
	 */
	r_query = xioctl(s.fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq);
	mo.handle = s.bo;
	r_mmap = xioctl(s.fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	ktap_diag("after the loss: DEVICE_QUERY(CONFIG) %s, GEM_MMAP_OFFSET %s",
		  err_name(r_query), err_name(r_mmap));
	ktap_test(lost_errno(r_query, want) && lost_errno(r_prop, want) &&
		  lost_errno(r_mmap, want), "calls_answered_without_the_host_fail");
	/*
	 * An exec the guest sends without waiting for the host
	 * (XE_PROXY_F_ASYNC_EXEC) returns 0; the host's errno then comes
	 * with its fence, and its queue is banned (docs/protocol.md).
	 */
	status = 0;
	if (!r_exec) {
		ret = xe_syncobj_wait_for(s.fd, s.sync, 0, 60);
		status = ret ? ret : fence_status(s.fd, s.sync);
		r_exec2 = xe_exec_batches(s.fd, s.q, 1, VA, NULL, 0);
		ktap_diag("the exec was taken: its fence status %d (%s), a second exec %s",
			  status, status < 0 ? err_name(status) : "no error", err_name(r_exec2));
	}
	ktap_test(r_exec == -ECANCELED || r_exec == -ENODEV ||
		  (!r_exec && status < 0 && r_exec2 == -ECANCELED),
		  "exec_fails_or_its_fence_carries_the_error");

	/* the old file stays dead; the host's device comes back */
	munmap(s.map, BO_SIZE);
	close(s.fd);
	ktap_diag("device-lost: seen");
	for (i = 0; i < BACK_TRIES; i++) {
		ret = store_dword(argv[1]);
		if (!ret)
			break;
		nanosleep(&tick, NULL);
	}
	ktap_diag("store-dword on a new file after %d tries: %s", i + 1, err_name(ret));
	ktap_test(!ret, "new_file_works_after_recovery");
	return ktap_finish();
}
