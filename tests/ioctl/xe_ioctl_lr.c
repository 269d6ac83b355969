// SPDX-License-Identifier: MIT
/*
 * Long-running VMs (DRM_XE_VM_CREATE_FLAG_LR_MODE), with and without
 * FAULT_MODE. Their work has no dma-fence, so xe_sync.c refuses a syncobj
 * signal on a bind or exec there (EOPNOTSUPP), and completion comes only
 * through user fences: a bind's is a CPU address the driver writes, an
 * exec's a GPU address its job writes. A batch that faults bans its queue,
 * which a wait on the queue reports (xe_wait_user_fence.c: EIO). A userptr
 * on such a VM follows the CPU mapping.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xe_ioctl.h"
#include "xe_query.h"

#define UFENCE_TIMEOUT_NS	10000000000LL	/* bounds a broken run only */
#define LR_USERPTR_VA		(VA_BASE + 0x200000)

/*
 * A long-running VM, a render queue on it and a mapped BO, not yet bound
 * (xe_env's parts), and a word for bind user fences.
 */
struct xe_lr {
	struct xe_env env;
	uint64_t *word;		/* where bind user fences land */
};

/* The same on a fault-mode VM. */
struct xe_lr_fault {
	struct xe_lr lr;
};

static void lr_open(struct xe_lr *f, uint32_t flags)
{
	xe_env_open(&f->env, flags);
	f->word = aligned_alloc(8, 64);
	KT_ASSERT_TRUE(f->word != NULL);
	*f->word = 0;
}

static void lr_close(struct xe_lr *f)
{
	free(f->word);
	xe_env_close(&f->env);
}

static void lr_setup(struct xe_lr *f)
{
	lr_open(f, DRM_XE_VM_CREATE_FLAG_LR_MODE);
}

static void lr_fault_setup(struct xe_lr_fault *f)
{
	lr_open(&f->lr, DRM_XE_VM_CREATE_FLAG_LR_MODE |
		DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
}

static void lr_fault_teardown(struct xe_lr_fault *f)
{
	lr_close(&f->lr);
}

KT_FIXTURE(xe_lr, lr_setup, lr_close);
KT_FIXTURE(xe_lr_fault, lr_fault_setup, lr_fault_teardown);

static struct drm_xe_sync ufence(uint64_t addr, uint64_t value)
{
	return (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_USER_FENCE,
				     .flags = DRM_XE_SYNC_FLAG_SIGNAL,
				     .addr = addr, .timeline_value = value };
}

/* WAIT_USER_FENCE for *@word == @value, on queue @q (0: none). */
static int ufence_wait(int fd, uint64_t *word, uint64_t value, uint32_t q)
{
	struct drm_xe_wait_user_fence w = { .addr = (uintptr_t)word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = value, .mask = ~0ULL,
		.timeout = UFENCE_TIMEOUT_NS, .exec_queue_id = q };

	return xioctl(fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
}

/* Bind [@va, @va + @range) to @op's object and wait on its user fence. */
static void lr_bind(struct xe_lr *f, uint32_t op, uint32_t bo, uint64_t offset,
		    uint64_t va, uint64_t range, uint64_t value)
{
	struct drm_xe_sync s = ufence((uintptr_t)f->word, value);

	*f->word = 0;
	KT_ASSERT_OK(xe_bind(f->env.fd, f->env.vm, op, bo, offset, va, range, &s, 1));
	KT_ASSERT_OK(ufence_wait(f->env.fd, f->word, value, 0));
	KT_ASSERT_EQ(*f->word, value);
}

static void lr_map_bo(struct xe_lr *f)
{
	lr_bind(f, DRM_XE_VM_BIND_OP_MAP, f->env.bo, 0, VA_BASE, BO_SIZE, 0x1f);
}

/* Exec the batch at @va with a user fence at VA_BASE + 0xc00; wait for it. */
static int lr_exec_wait(struct xe_lr *f, uint64_t va, uint64_t value)
{
	struct drm_xe_sync s = ufence(VA_BASE + 0xc00, value);
	int ret;

	f->env.map[0xc00 / 4] = 0;
	f->env.map[0xc00 / 4 + 1] = 0;
	ret = xe_exec(f->env.fd, f->env.q, va, &s, 1);
	return ret ? ret : ufence_wait(f->env.fd, (uint64_t *)(f->env.map + 0xc00 / 4),
				       value, f->env.q);
}

static void bind_syncobj_signal_eopnotsupp(struct xe_lr *f)
{
	uint32_t so = xe_syncobj(f->env.fd);
	struct drm_xe_sync s = xe_sync_signal(so);

	KT_ASSERT_ERR(xe_bind(f->env.fd, f->env.vm, DRM_XE_VM_BIND_OP_MAP, f->env.bo, 0,
			      VA_BASE, BO_SIZE, &s, 1), EOPNOTSUPP);
	xe_syncobj_destroy(f->env.fd, so);
}

static void exec_syncobj_signal_eopnotsupp(struct xe_lr *f)
{
	uint32_t so = xe_syncobj(f->env.fd);
	struct drm_xe_sync s = xe_sync_signal(so);

	lr_map_bo(f);
	xe_store_batch(f->env.map, VA_BASE + 0x800, 1);
	KT_ASSERT_ERR(xe_exec(f->env.fd, f->env.q, VA_BASE, &s, 1), EOPNOTSUPP);
	xe_syncobj_destroy(f->env.fd, so);
}

static void exec_user_fence(struct xe_lr *f)
{
	lr_map_bo(f);
	xe_store_batch(f->env.map, VA_BASE + 0x800, 0x4242);
	KT_ASSERT_OK(lr_exec_wait(f, VA_BASE, 0x2f));
	KT_ASSERT_EQ(f->env.map[0x800 / 4], 0x4242);
}

static void unbind_user_fence(struct xe_lr *f)
{
	lr_map_bo(f);
	lr_bind(f, DRM_XE_VM_BIND_OP_UNMAP, 0, 0, VA_BASE, BO_SIZE, 0x3f);
}

/* A batch that stores to an unmapped address faults: its queue is banned. */
static void exec_faulting_batch(struct xe_lr *f)
{
	lr_map_bo(f);
	xe_store_batch(f->env.map, UNMAPPED_VA, 1);
	KT_ASSERT_ERR(lr_exec_wait(f, VA_BASE, 0x4f), EIO);
}

static void faulting_exec_ban_property(struct xe_lr *f)
{
	struct drm_xe_exec_queue_get_property gp = {
		.exec_queue_id = f->env.q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN,
	};

	exec_faulting_batch(f);
	KT_ASSERT_OK(xioctl(f->env.fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
	KT_ASSERT_EQ(gp.value, 1);
}

static void exec_after_ban_ecanceled(struct xe_lr *f)
{
	exec_faulting_batch(f);
	KT_ASSERT_ERR(xe_exec(f->env.fd, f->env.q, VA_BASE, NULL, 0), ECANCELED);
}

/* One case per fixture for each body above. */
#define LR_CASES(body)							\
	KT_CASE(xe_lr, lr_##body) { body(f); }				\
	KT_CASE(xe_lr_fault, lr_fault_##body) { body(&f->lr); }

LR_CASES(bind_syncobj_signal_eopnotsupp)
LR_CASES(exec_syncobj_signal_eopnotsupp)
LR_CASES(exec_user_fence)
LR_CASES(unbind_user_fence)
LR_CASES(exec_faulting_batch)
LR_CASES(faulting_exec_ban_property)
LR_CASES(exec_after_ban_ecanceled)

KT_CASE(xe_lr, lr_bind_user_fence)
{
	lr_map_bo(f);
}

KT_CASE(xe_lr_fault, lr_fault_bind_user_fence)
{
	lr_map_bo(&f->lr);
}

/*
 * A userptr on an LR VM: a batch in user memory stores into it; after the
 * memory is mapped anew, the next exec runs on the new pages.
 */
KT_CASE(xe_lr, lr_userptr_remapped_exec_uses_new_pages)
{
	const uint64_t size = 2 * 4096;
	uint32_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_ASSERT_TRUE(mem != MAP_FAILED);
	lr_map_bo(f);
	xe_store_batch(mem, LR_USERPTR_VA + 0x1000, 0xabcd);
	lr_bind(f, DRM_XE_VM_BIND_OP_MAP_USERPTR, 0, (uintptr_t)mem,
		LR_USERPTR_VA, size, 0x5f);
	KT_ASSERT_OK(lr_exec_wait(f, LR_USERPTR_VA, 0x6f));
	KT_ASSERT_EQ(mem[0x1000 / 4], 0xabcd);

	KT_ASSERT_TRUE(mmap(mem, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == mem);
	xe_store_batch(mem, LR_USERPTR_VA + 0x1004, 0x5678);
	KT_ASSERT_OK(lr_exec_wait(f, LR_USERPTR_VA, 0x7f));
	KT_ASSERT_EQ(mem[0x1004 / 4], 0x5678);
	KT_ASSERT_EQ(mem[0x1000 / 4], 0);
	munmap(mem, size);
}

/*
 * A hang on an LR VM's queue. xe gives an LR job no TDR
 * (xe_guc_submit.c guc_exec_queue_init(): MAX_SCHEDULE_TIMEOUT), so a job
 * stuck in MI_SEMAPHORE_WAIT stays stuck and its queue is not banned;
 * only an engine reset ends it. Released, it stores to an unmapped
 * address: the CAT error makes the GuC reset the engine
 * (xe_guc_exec_queue_reset_handler()), the TDR then bans the queue with
 * -EIO, and the user-fence wait on it returns -EIO
 * (xe_wait_user_fence.c). Another queue of the VM works throughout.
 */
KT_CASE(xe_lr, hang_lr_queue_spins_until_reset_eio)
{
	struct drm_xe_sync s = ufence(VA_BASE + 0xc00, 0x8f);
	uint64_t *word = (uint64_t *)(f->env.map + 0xc00 / 4);
	struct drm_xe_wait_user_fence w = { .addr = (uintptr_t)word,
		.op = DRM_XE_UFENCE_WAIT_OP_EQ, .value = 0x8f, .mask = ~0ULL,
		.timeout = 100000000, .exec_queue_id = f->env.q };
	struct drm_xe_exec_queue_get_property gp = {
		.exec_queue_id = f->env.q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN,
	};
	uint32_t *b = f->env.map, q2 = xe_queue(f->env.fd, f->env.vm);
	struct xe_lr other = *f;

	lr_map_bo(f);
	/* MI_SEMAPHORE_WAIT, POLL, SAD == SDD: until the dword at 0x400 is 1 */
	b[0] = (0x1c << 23) | (1 << 15) | (4 << 12) | 2;
	b[1] = 1;
	b[2] = (uint32_t)(VA_BASE + 0x400);
	b[3] = (uint32_t)((VA_BASE + 0x400) >> 32);
	xe_store_batch(b + 4, UNMAPPED_VA, 1);
	*word = 0;
	KT_ASSERT_OK(xe_exec(f->env.fd, f->env.q, VA_BASE, &s, 1));
	KT_ASSERT_ERR(xioctl(f->env.fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), ETIME);
	KT_ASSERT_OK(xioctl(f->env.fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
	KT_ASSERT_EQ(gp.value, 0);
	other.env.q = q2;
	xe_store_batch(b + 0x100 / 4, VA_BASE + 0x800, 0x9191);
	KT_ASSERT_OK(lr_exec_wait(&other, VA_BASE + 0x100, 0x9f));
	KT_ASSERT_EQ(b[0x800 / 4], 0x9191);

	__atomic_store_n(&b[0x400 / 4], 1, __ATOMIC_RELEASE);
	w.timeout = UFENCE_TIMEOUT_NS;
	KT_ASSERT_ERR(xioctl(f->env.fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w), EIO);
	KT_ASSERT_OK(xioctl(f->env.fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
	KT_ASSERT_EQ(gp.value, 1);
	KT_ASSERT_ERR(xe_exec(f->env.fd, f->env.q, VA_BASE + 0x100, NULL, 0),
		      ECANCELED);
	xe_store_batch(b + 0x100 / 4, VA_BASE + 0x800, 0x9292);
	KT_ASSERT_OK(lr_exec_wait(&other, VA_BASE + 0x100, 0xaf));
	KT_ASSERT_EQ(b[0x800 / 4], 0x9292);
	gp.exec_queue_id = q2;
	KT_ASSERT_OK(xioctl(f->env.fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
	KT_ASSERT_EQ(gp.value, 0);
	KT_ASSERT_OK(xe_queue_destroy(f->env.fd, q2));
}
