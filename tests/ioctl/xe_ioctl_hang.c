// SPDX-License-Identifier: MIT
/*
 * GPU hangs: a batch that never ends on one exec queue. xe's TDR
 * (xe_guc_submit.c guc_exec_queue_timedout_job()) times the job out after
 * the engine class's job_timeout_ms (5000 by default, xe_hw_engine.c), bans
 * the queue, fails the hung job's fence with -ETIME (-EIO when the GuC
 * reported an engine reset) and every job queued behind it with
 * -ECANCELED. Then EXEC on the queue is -ECANCELED (xe_exec.c,
 * reset_status()), WAIT_USER_FENCE on it -EIO (xe_wait_user_fence.c) and
 * EXEC_QUEUE_GET_PROPERTY(BAN) 1 (xe_exec_queue.c). Nothing else is
 * touched: the other queues of the file, its VM and other files carry on.
 * The simulator has the same TDR (tests/sim/sim_exec.c), so each case here
 * waits about five seconds for it; long-running VMs have none (see
 * hang_lr_* in xe_ioctl_lr.c).
 */
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "xe_ioctl.h"
#include "xe_submit.h"

/* bounds a broken run only: the TDR fires after about 5 s */
#define HANG_WAIT_S		30
#define HANG_WAIT_NS		(HANG_WAIT_S * 1000000000LL)
#define STORE_BATCH		0x100	/* offsets in the fixture's BO */
#define STORE_DATA		0x800

/* MI_BATCH_BUFFER_START (xe_mi_commands.h, PPGTT) to itself: never ends. */
static void endless_batch(uint32_t *b, uint64_t va)
{
	b[0] = (0x31 << 23) | (1 << 8) | 1;
	b[1] = (uint32_t)va;
	b[2] = (uint32_t)(va >> 32);
}

/* Start the endless batch at VA_BASE on @q; its out-fence goes to @so. */
static void hang_queue(struct xe_env *f, uint32_t q, uint32_t so)
{
	struct drm_xe_sync s = xe_sync_signal(so);

	endless_batch(f->map, VA_BASE);
	KT_ASSERT_OK(xe_exec(f->fd, q, VA_BASE, &s, 1));
}

/*
 * The status of @so's fence as its sync_file reports it
 * (sync_file_ioctl_fence_info(): 1 signalled, 0 pending, or its error).
 */
static int fence_status(int fd, uint32_t so)
{
	struct drm_syncobj_handle h = { .handle = so,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct sync_file_info info = { 0 };

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h));
	KT_ASSERT_OK(xioctl(h.fd, SYNC_IOC_FILE_INFO, &info));
	close(h.fd);
	return info.status;
}

static uint64_t ban_property(int fd, uint32_t q)
{
	struct drm_xe_exec_queue_get_property gp = { .exec_queue_id = q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
	return gp.value;
}

/* A store through @q lands: the queue and its VM still work. */
static void store_lands(int fd, uint32_t q, uint32_t *map, uint32_t value)
{
	map[STORE_DATA / 4] = 0;
	xe_store_batch(map + STORE_BATCH / 4, VA_BASE + STORE_DATA, value);
	KT_ASSERT_OK(xe_exec_wait(fd, q, VA_BASE + STORE_BATCH));
	KT_ASSERT_EQ(map[STORE_DATA / 4], value);
}

/*
 * The hung job's out-fence signals with -ETIME, the job queued behind it
 * with -ECANCELED, and that job never ran.
 */
KT_CASE(xe_env, hang_fences_etime_then_ecanceled)
{
	uint32_t hung = xe_syncobj(f->fd), behind = xe_syncobj(f->fd);
	struct drm_xe_sync s = xe_sync_signal(behind);

	xe_store_batch(f->map + STORE_BATCH / 4, VA_BASE + STORE_DATA, 0x5151);
	hang_queue(f, f->q, hung);
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE + STORE_BATCH, &s, 1));
	KT_ASSERT_OK(xe_syncobj_wait_for(f->fd, hung, 0, HANG_WAIT_S));
	KT_ASSERT_OK(xe_syncobj_wait_for(f->fd, behind, 0, HANG_WAIT_S));
	KT_ASSERT_EQ(fence_status(f->fd, hung), -ETIME);
	KT_ASSERT_EQ(fence_status(f->fd, behind), -ECANCELED);
	KT_ASSERT_EQ(f->map[STORE_DATA / 4], 0);
	xe_syncobj_destroy(f->fd, hung);
	xe_syncobj_destroy(f->fd, behind);
}

/*
 * A user-fence wait on the hanging queue ends with -EIO when the queue is
 * banned, not at its timeout; then the ban shows in GET_PROPERTY, an exec
 * is -ECANCELED and a new wait -EIO at once.
 */
KT_CASE(xe_env, hang_bans_queue)
{
	uint64_t word = 0;
	struct drm_xe_wait_user_fence w = { .addr = (uintptr_t)&word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 1, .mask = ~0ULL,
		.timeout = HANG_WAIT_NS, .exec_queue_id = f->q };
	uint32_t hung = xe_syncobj(f->fd);

	hang_queue(f, f->q, hung);
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), EIO);
	KT_ASSERT_EQ(ban_property(f->fd, f->q), 1);
	xe_store_batch(f->map + STORE_BATCH / 4, VA_BASE + STORE_DATA, 0x5252);
	KT_ASSERT_ERR(xe_exec(f->fd, f->q, VA_BASE + STORE_BATCH, NULL, 0),
		      ECANCELED);
	w.timeout = HANG_WAIT_NS;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), EIO);
	KT_ASSERT_OK(xe_syncobj_wait_for(f->fd, hung, 0, HANG_WAIT_S));
	KT_ASSERT_EQ(f->map[STORE_DATA / 4], 0);
	xe_syncobj_destroy(f->fd, hung);
}

/* @so's fence, as a new syncobj of the file @to (a sync_file between them) */
static uint32_t fence_to_file(int from, uint32_t so, int to)
{
	struct drm_syncobj_handle exp = { .handle = so,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct drm_syncobj_handle imp = { .handle = xe_syncobj(to),
		.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE };

	KT_ASSERT_OK(xioctl(from, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &exp));
	imp.fd = exp.fd;
	KT_ASSERT_OK(xioctl(to, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &imp));
	close(exp.fd);
	return imp.handle;
}

/*
 * Another queue of the same file and VM, and another file, work while
 * the queue hangs and after it is banned; neither is banned. A bind of
 * the other file that waits for the hung job's fence runs once it
 * signalled, its error notwithstanding: xe's scheduler runs a job once
 * its dependencies signalled (drm_sched_job_dependency()).
 */
KT_CASE(xe_env, hang_other_queues_and_files_carry_on)
{
	uint32_t hung = xe_syncobj(f->fd), q2 = xe_queue(f->fd, f->vm);
	const uint64_t va2 = VA_BASE + 0x100000;
	struct drm_xe_sync bs[2];
	struct xe_env other;

	xe_env_open(&other, 0);
	KT_ASSERT_OK(xe_bind_sync(other.fd, other.vm, DRM_XE_VM_BIND_OP_MAP,
				  other.bo, VA_BASE, BO_SIZE));
	hang_queue(f, f->q, hung);
	store_lands(f->fd, q2, f->map, 0x6161);
	store_lands(other.fd, other.q, other.map, 0x6262);
	bs[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
		.handle = fence_to_file(f->fd, hung, other.fd) };
	bs[1] = xe_sync_signal(xe_syncobj(other.fd));
	KT_ASSERT_OK(xe_bind(other.fd, other.vm, DRM_XE_VM_BIND_OP_MAP, other.bo,
			     0, va2, BO_SIZE, bs, 2));
	KT_ASSERT_OK(xe_syncobj_wait_for(other.fd, bs[1].handle, 0, HANG_WAIT_S));
	other.map[STORE_DATA / 4] = 0;
	xe_store_batch(other.map + STORE_BATCH / 4, va2 + STORE_DATA, 0x6565);
	KT_ASSERT_OK(xe_exec_wait(other.fd, other.q, va2 + STORE_BATCH));
	KT_ASSERT_EQ(other.map[STORE_DATA / 4], 0x6565);
	KT_ASSERT_OK(xe_syncobj_wait_for(f->fd, hung, 0, HANG_WAIT_S));
	KT_ASSERT_EQ(ban_property(f->fd, f->q), 1);
	store_lands(f->fd, q2, f->map, 0x6363);
	store_lands(other.fd, other.q, other.map, 0x6464);
	KT_ASSERT_EQ(ban_property(f->fd, q2), 0);
	KT_ASSERT_EQ(ban_property(other.fd, other.q), 0);
	KT_ASSERT_OK(xe_queue_destroy(f->fd, q2));
	xe_syncobj_destroy(f->fd, hung);
	xe_env_close(&other);
}
