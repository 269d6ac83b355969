// SPDX-License-Identifier: MIT
/*
 * Execution: EXEC and its syncs (xe_exec.c, xe_sync.c), WAIT_USER_FENCE
 * (xe_wait_user_fence.c), banned queues, and parallel queues.
 */
#include <stdlib.h>

#include "xe_ioctl.h"

/* The fixture a batch runs on: VM, queue, BO mapped and bound. */
KT_CASE(xe_env, exec_env)
{
	KT_ASSERT_NE(f->q, 0);
	KT_ASSERT_TRUE(f->map != NULL);
}

KT_CASE(xe_env, exec_store_dword)
{
	xe_store_batch(f->map, VA_BASE + 0x800, 0xc0ffee);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE));
	KT_ASSERT_EQ(f->map[0x800 / 4], 0xc0ffee);
}

/* B waits for A's binary syncobj, signals b. */
KT_CASE(xe_env, exec_binary_syncobj_chain)
{
	uint32_t a = xe_syncobj(f->fd), b = xe_syncobj(f->fd);
	struct drm_xe_sync s[2] = { xe_sync_signal(a), xe_sync_signal(b) };

	xe_store_batch(f->map + 0x1000 / 4, VA_BASE + 0x900, 0x1111);
	xe_store_batch(f->map + 0x2000 / 4, VA_BASE + 0x904, 0x2222);
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE + 0x1000, s, 1));
	s[0].flags = 0;
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE + 0x2000, s, 2));
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, b, 0));
	KT_ASSERT_EQ(f->map[0x900 / 4], 0x1111);
	KT_ASSERT_EQ(f->map[0x904 / 4], 0x2222);
}

/* Timeline: point 1, then point 2 waiting on point 1. */
KT_CASE(xe_env, exec_timeline_syncobj)
{
	uint32_t tl = xe_syncobj(f->fd);
	struct drm_xe_sync s[2] = {
		{ .type = DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ,
		  .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = tl, .timeline_value = 1 },
		{ .type = DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ,
		  .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = tl, .timeline_value = 2 },
	};

	xe_store_batch(f->map + 0x3000 / 4, VA_BASE + 0xa00, 0x3333);
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE + 0x3000, s, 1));
	s[0].flags = 0;
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE + 0x3000, s, 2));
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, tl, 2));
	KT_ASSERT_EQ(f->map[0xa00 / 4], 0x3333);
}

/* A bind signals a syncobj that the exec waits for. */
KT_CASE(xe_env, bind_syncobj_then_exec)
{
	uint32_t bo2 = xe_bo(f->fd, f->placement, BO_SIZE);
	uint32_t *m2 = xe_bo_map(f->fd, bo2, BO_SIZE);
	uint32_t so = xe_syncobj(f->fd), done = xe_syncobj(f->fd);
	struct drm_xe_sync s[2] = { xe_sync_signal(so), xe_sync_signal(done) };

	KT_ASSERT_OK(xe_bind(f->fd, f->vm, DRM_XE_VM_BIND_OP_MAP, bo2, 0, VA_BASE + BO_SIZE,
			     BO_SIZE, s, 1));
	xe_store_batch(f->map + 0x4000 / 4, VA_BASE + BO_SIZE + 0x10, 0x4444);
	s[0].flags = 0;
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE + 0x4000, s, 2));
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, done, 0));
	KT_ASSERT_EQ(m2[4], 0x4444);
}

/*
 * No batch buffer (Vulkan's queue-idle wait): nothing runs, the out
 * syncobj signals behind the queue's earlier work (xe_exec.c).
 */
KT_CASE(xe_env, exec_no_batch_signals_after_queue_work)
{
	uint32_t idle = xe_syncobj(f->fd);
	struct drm_xe_sync s = xe_sync_signal(idle);
	struct drm_xe_exec x = { .exec_queue_id = f->q, .num_syncs = 1,
				 .syncs = (uintptr_t)&s };

	xe_store_batch(f->map + 0x5000 / 4, VA_BASE + 0xb00, 0x5555);
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE + 0x5000, NULL, 0));
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_EXEC, &x));
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, idle, 0));
	KT_ASSERT_EQ(f->map[0xb00 / 4], 0x5555);
}

KT_CASE(xe_env, exec_batches_over_width_einval)
{
	struct drm_xe_exec x = { .exec_queue_id = f->q, .num_batch_buffer = 2 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_EXEC, &x), EINVAL);
}

KT_CASE(xe_env, exec_unknown_syncobj_enoent)
{
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ, .handle = 9999 };

	KT_ASSERT_ERR(xe_exec(f->fd, f->q, VA_BASE, &s, 1), ENOENT);
}

KT_CASE(xe_env, exec_bad_sync_type_einval)
{
	struct drm_xe_sync s = { .type = 77, .handle = xe_syncobj(f->fd) };

	KT_ASSERT_ERR(xe_exec(f->fd, f->q, VA_BASE, &s, 1), EINVAL);
}

KT_CASE(xe_env, exec_bad_sync_flags_einval)
{
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				 .handle = xe_syncobj(f->fd), .flags = 4 };

	KT_ASSERT_ERR(xe_exec(f->fd, f->q, VA_BASE, &s, 1), EINVAL);
}

KT_CASE(xe_env, exec_unaligned_user_fence_einval)
{
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				 .flags = DRM_XE_SYNC_FLAG_SIGNAL, .addr = 4 };

	KT_ASSERT_ERR(xe_exec(f->fd, f->q, VA_BASE, &s, 1), EINVAL);
}

KT_CASE(xe_env, exec_unknown_queue_enoent)
{
	KT_ASSERT_ERR(xe_exec(f->fd, f->q + 100, VA_BASE, NULL, 0), ENOENT);
}

KT_CASE(xe_env, exec_reserved_einval)
{
	struct drm_xe_exec x = { .exec_queue_id = f->q, .num_batch_buffer = 1,
				 .address = VA_BASE, .reserved = { 1 } };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_EXEC, &x), EINVAL);
}

/* --- user fences ---------------------------------------------------------- */

#define UFENCE_TIMEOUT_NS	10000000000LL

/* A bind user fence: a user pointer the driver writes. */
KT_CASE(xe_env, bind_user_fence_wait)
{
	uint64_t *word = aligned_alloc(8, 64);
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				 .flags = DRM_XE_SYNC_FLAG_SIGNAL,
				 .addr = (uintptr_t)word, .timeline_value = 0x77 };
	struct drm_xe_wait_user_fence w = { .addr = (uintptr_t)word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0x77, .mask = ~0ULL,
		.timeout = UFENCE_TIMEOUT_NS };

	KT_ASSERT_TRUE(word != NULL);
	*word = 0;
	KT_ASSERT_OK(xe_bind(f->fd, f->vm, DRM_XE_VM_BIND_OP_MAP, f->bo, 0,
			     VA_BASE + 4 * BO_SIZE, BO_SIZE, &s, 1));
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w));
	KT_ASSERT_EQ(*word, 0x77);
	free(word);
}

/* An exec user fence: a GPU address in the VM, read through the mapping. */
KT_CASE(xe_env, exec_user_fence_wait)
{
	struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				 .flags = DRM_XE_SYNC_FLAG_SIGNAL,
				 .addr = VA_BASE + 0xc00, .timeline_value = 0x99 };
	struct drm_xe_wait_user_fence w = { .addr = (uintptr_t)(f->map + 0xc00 / 4),
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0x99, .mask = ~0ULL,
		.timeout = UFENCE_TIMEOUT_NS, .exec_queue_id = f->q };

	xe_store_batch(f->map, VA_BASE + 0x800, 1);
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE, &s, 1));
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w));
}

/* A wait for a word that never reaches its value, with no timeout. */
static uint64_t fence_word;

static struct drm_xe_wait_user_fence unmet_wait(void)
{
	return (struct drm_xe_wait_user_fence){ .addr = (uintptr_t)&fence_word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0x1234, .mask = ~0ULL };
}

KT_CASE(xe_env, wait_user_fence_timeout_etime)
{
	struct drm_xe_wait_user_fence w = unmet_wait();

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), ETIME);
}

KT_CASE(xe_env, wait_user_fence_unaligned_einval)
{
	struct drm_xe_wait_user_fence w = unmet_wait();

	w.addr += 4;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), EINVAL);
}

KT_CASE(xe_env, wait_user_fence_bad_op_einval)
{
	struct drm_xe_wait_user_fence w = unmet_wait();

	w.op = 99;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), EINVAL);
}

KT_CASE(xe_env, wait_user_fence_unknown_queue_enoent)
{
	struct drm_xe_wait_user_fence w = unmet_wait();

	w.op = DRM_XE_UFENCE_WAIT_OP_GTE;
	w.value = 0;
	w.exec_queue_id = f->q + 100;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), ENOENT);
}

KT_CASE(xe_env, wait_user_fence_bad_flags_einval)
{
	struct drm_xe_wait_user_fence w = unmet_wait();

	w.op = DRM_XE_UFENCE_WAIT_OP_GTE;
	w.value = 0;
	w.flags = 8;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), EINVAL);
}

KT_CASE(xe_env, wait_user_fence_bad_pointer_efault)
{
	struct drm_xe_wait_user_fence w = unmet_wait();

	w.op = DRM_XE_UFENCE_WAIT_OP_GTE;
	w.value = 0;
	w.addr = 8;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), EFAULT);
}

/* --- bans ----------------------------------------------------------------- */

/* A jump to an unmapped address: the batch faults and the queue is banned. */
KT_CASE(xe_env, faulting_batch_bans_queue)
{
	struct drm_xe_exec_queue_get_property gp = { .exec_queue_id = f->q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };

	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, UNMAPPED_VA));
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
	KT_ASSERT_EQ(gp.value, 1);
}

KT_CASE(xe_env, banned_queue_exec_ecanceled)
{
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, UNMAPPED_VA));
	KT_ASSERT_ERR(xe_exec(f->fd, f->q, VA_BASE, NULL, 0), ECANCELED);
}

/*
 * A user-fence wait tied to a queue that gets banned while it waits ends
 * with EIO, not ETIME (xe_wait_user_fence.c; IGT's xe_waitfence
 * exec_queue-reset-wait). Bounded, so a miss fails.
 */
KT_CASE(xe_env, ufence_wait_on_banned_queue_eio)
{
	uint64_t word = 0;
	struct drm_xe_wait_user_fence w = { .addr = (uintptr_t)&word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0xc0ffee, .mask = ~0ULL,
		.timeout = UFENCE_TIMEOUT_NS, .exec_queue_id = f->q };

	KT_ASSERT_OK(xe_exec(f->fd, f->q, UNMAPPED_VA, NULL, 0));
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), EIO);
}

/* --- parallel queues ------------------------------------------------------ */

/*
 * A parallel queue (width 2): one exec runs one batch per engine, from a
 * user array of addresses (xe_exec.c); other batch counts are EINVAL.
 */
static uint32_t parallel_queue(struct xe_env *f)
{
	struct drm_xe_engine_class_instance eci[2];
	struct drm_xe_exec_queue_create qc = { .width = 2, .num_placements = 1,
		.instances = (uintptr_t)eci, .vm_id = f->vm };

	if (!xe_parallel_pair(f->fd, eci))
		KT_FAIL("no two engines of one class on one GT");
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc));
	KT_ASSERT_NE(qc.exec_queue_id, 0);
	return qc.exec_queue_id;
}

KT_CASE(xe_env, parallel_env)
{
	struct drm_xe_engine_class_instance eci[2];

	KT_ASSERT_TRUE(xe_parallel_pair(f->fd, eci));
}

KT_CASE(xe_env, parallel_queue_create_width_2)
{
	parallel_queue(f);
}

KT_CASE(xe_env, parallel_exec_runs_both_batches)
{
	uint64_t batches[2] = { VA_BASE + 0x7000, VA_BASE + 0x8000 };
	uint32_t so = xe_syncobj(f->fd);
	struct drm_xe_sync s = xe_sync_signal(so);
	struct drm_xe_exec x = { .exec_queue_id = parallel_queue(f),
		.num_batch_buffer = 2, .address = (uintptr_t)batches,
		.num_syncs = 1, .syncs = (uintptr_t)&s };

	xe_store_batch(f->map + 0x7000 / 4, VA_BASE + 0xd00, 0x7777);
	xe_store_batch(f->map + 0x8000 / 4, VA_BASE + 0xd04, 0x8888);
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_EXEC, &x));
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, so, 0));
	KT_ASSERT_EQ(f->map[0xd00 / 4], 0x7777);
	KT_ASSERT_EQ(f->map[0xd04 / 4], 0x8888);
}

KT_CASE(xe_env, parallel_exec_one_batch_einval)
{
	struct drm_xe_exec x = { .exec_queue_id = parallel_queue(f),
		.num_batch_buffer = 1, .address = VA_BASE + 0x7000 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_EXEC, &x), EINVAL);
}

KT_CASE(xe_env, parallel_exec_bad_address_list_efault)
{
	struct drm_xe_exec x = { .exec_queue_id = parallel_queue(f),
		.num_batch_buffer = 2, .address = 8 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_EXEC, &x), EFAULT);
}
