// SPDX-License-Identifier: MIT
/*
 * Fences of exec queues are independent of each other, however many queues
 * a file has: a batch waiting on a semaphore blocks the fixture's queue
 * while every other queue runs a store, one at a time; each of their
 * out-fences must signal while the blocked one's is still pending (out of
 * submission order), which then signals once the CPU releases it.
 *
 * Through the proxy each queue's fences retire on a virtio-gpu ring, and a
 * context has 63 for queues. Queues that share a ring wait for each other:
 * the module used to put queue 64 on queue 1's ring. A base-protocol host
 * has no ring past queue 62 (docs/protocol.md): there the 70-queue case
 * fails with EOPNOTSUPP and is listed in tests/ioctl/base-protocol-gaps.txt.
 */
#include <errno.h>
#include <stdint.h>

#include "xe_ioctl.h"

/* xe_env's BO: the semaphore dword, a result dword per queue, batches */
#define SEM_OFF		0x0
#define RESULT_OFF	0x100
#define BATCH_OFF	0x1000
#define BATCH_SIZE	0x40
#define MAX_QUEUES	70

#define BLOCKED_VALUE	0xb10cced

/* MI_SEMAPHORE_WAIT (xe_mi_commands.h): polling, "memory == data", 4 dwords */
#define MI_SEMAPHORE_WAIT_EQ	((0x1c << 23) | (1 << 15) | (4 << 12) | 2)

/* A batch at @b that waits until the semaphore dword is 1, then stores. */
static void blocked_batch(uint32_t *b)
{
	b[0] = MI_SEMAPHORE_WAIT_EQ;
	b[1] = 1;
	b[2] = (uint32_t)(VA_BASE + SEM_OFF);
	b[3] = (uint32_t)((VA_BASE + SEM_OFF) >> 32);
	xe_store_batch(b + 4, VA_BASE + RESULT_OFF, BLOCKED_VALUE);
}

/* 0 if @h has signalled, -ETIME if not: a poll, no wait. */
static int syncobj_poll(int fd, uint32_t h)
{
	struct drm_syncobj_wait w = { .handles = (uintptr_t)&h,
				      .count_handles = 1 };

	return xioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

/* The fixture's queue and @n - 1 more: ids 1..@n in the case's own file. */
static void queues_independent(struct xe_env *f, unsigned int n)
{
	uint32_t q[MAX_QUEUES], out[MAX_QUEUES];
	struct drm_xe_sync s;
	unsigned int i;

	q[0] = f->q;
	for (i = 1; i < n; i++)
		KT_ASSERT_OK(xe_queue_create(f->fd, f->vm, &q[i]));
	for (i = 0; i < n; i++)
		out[i] = xe_syncobj(f->fd);

	blocked_batch(f->map + BATCH_OFF / 4);
	s = xe_sync_signal(out[0]);
	KT_ASSERT_OK(xe_exec(f->fd, q[0], VA_BASE + BATCH_OFF, &s, 1));
	/* one at a time: queues share rings only past 63 busy ones */
	for (i = 1; i < n; i++) {
		uint32_t off = BATCH_OFF + i * BATCH_SIZE;

		xe_store_batch(f->map + off / 4, VA_BASE + RESULT_OFF + 4 * i,
			       0x1000 + i);
		s = xe_sync_signal(out[i]);
		KT_ASSERT_OK(xe_exec(f->fd, q[i], VA_BASE + off, &s, 1));
		KT_ASSERT_OK(xe_syncobj_wait(f->fd, out[i], 0));
		KT_ASSERT_EQ(f->map[RESULT_OFF / 4 + i], 0x1000 + i);
	}
	/* all of them signalled while the first is blocked */
	KT_ASSERT_ERR(syncobj_poll(f->fd, out[0]), ETIME);
	KT_ASSERT_EQ(f->map[RESULT_OFF / 4], 0);

	__atomic_store_n(&f->map[SEM_OFF / 4], 1, __ATOMIC_SEQ_CST);
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, out[0], 0));
	KT_ASSERT_EQ(f->map[RESULT_OFF / 4], BLOCKED_VALUE);
}

KT_CASE(xe_env, exec_queues_62_fences_independent)
{
	queues_independent(f, 62);
}

KT_CASE(xe_env, exec_queues_70_fences_independent)
{
	queues_independent(f, MAX_QUEUES);
}
