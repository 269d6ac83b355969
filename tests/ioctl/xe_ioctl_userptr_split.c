// SPDX-License-Identifier: MIT
/*
 * A userptr that a bind cuts into: xe splits its VMA, and the pieces left
 * outside the bind stay bound to the same memory and follow its CPU
 * mapping afterwards as any userptr does (xe_vm.c, xe_userptr.c).
 *
 * The userptr is three pages at SPLIT_VA: a batch in the first storing
 * into the third. Unbinding the middle page leaves two pieces.
 */
#include <sys/mman.h>

#include "xe_ioctl.h"

#define SPLIT_VA	(VA_BASE + 0x400000)
#define PAGE		4096ULL
#define SPLIT_SIZE	(3 * PAGE)

static int bind_wait(struct xe_env *f, uint32_t op, void *mem, uint64_t va,
		     uint64_t range)
{
	uint32_t so = xe_syncobj(f->fd);
	struct drm_xe_sync s = xe_sync_signal(so);
	int ret = xe_bind(f->fd, f->vm, op, 0, (uintptr_t)mem, va, range, &s, 1);

	if (!ret)
		ret = xe_syncobj_wait(f->fd, so, 0);
	xe_syncobj_destroy(f->fd, so);
	return ret;
}

/* Page @n of @mem as new, zeroed anonymous memory. */
static void remap_page(uint32_t *mem, unsigned int n)
{
	void *p = (char *)mem + n * PAGE;

	KT_ASSERT_TRUE(mmap(p, PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p);
}

/* The userptr bound, its middle page unbound: two pieces remain. */
static uint32_t *split_userptr(struct xe_env *f)
{
	uint32_t *mem = mmap(NULL, SPLIT_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_ASSERT_TRUE(mem != MAP_FAILED);
	xe_store_batch(mem, SPLIT_VA + 2 * PAGE, 0x1111);
	KT_ASSERT_OK(bind_wait(f, DRM_XE_VM_BIND_OP_MAP_USERPTR, mem, SPLIT_VA,
			       SPLIT_SIZE));
	KT_ASSERT_OK(bind_wait(f, DRM_XE_VM_BIND_OP_UNMAP, NULL, SPLIT_VA + PAGE,
			       PAGE));
	return mem;
}

KT_CASE(xe_env, userptr_partial_unbind)
{
	split_userptr(f);
}

/* Untouched, both pieces still run and store on the memory they had. */
KT_CASE(xe_env, userptr_partial_unbind_pieces_still_bound)
{
	uint32_t *mem = split_userptr(f);

	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, SPLIT_VA));
	KT_ASSERT_EQ(mem[2 * PAGE / 4], 0x1111);
}

/*
 * New pages under both pieces: the GPU runs the new batch in the first
 * and stores into the new third page, not the old ones.
 */
KT_CASE(xe_env, userptr_partial_unbind_remapped_uses_new_pages)
{
	uint32_t *mem = split_userptr(f);

	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, SPLIT_VA));
	remap_page(mem, 0);
	remap_page(mem, 2);
	xe_store_batch(mem, SPLIT_VA + 2 * PAGE + 4, 0x2222);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, SPLIT_VA));
	KT_ASSERT_EQ(mem[2 * PAGE / 4 + 1], 0x2222);
	KT_ASSERT_EQ(mem[2 * PAGE / 4], 0);
}

/* Only the piece whose memory changed moves; the other keeps its pages. */
KT_CASE(xe_env, userptr_partial_unbind_one_piece_remapped)
{
	uint32_t *mem = split_userptr(f);

	remap_page(mem, 2);
	xe_store_batch(mem, SPLIT_VA + 2 * PAGE + 8, 0x3333);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, SPLIT_VA));
	KT_ASSERT_EQ(mem[2 * PAGE / 4 + 2], 0x3333);
}

/* A piece cut again: what is left of it still follows its memory. */
KT_CASE(xe_env, userptr_piece_cut_again_remapped_uses_new_pages)
{
	uint32_t *mem = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_ASSERT_TRUE(mem != MAP_FAILED);
	KT_ASSERT_OK(bind_wait(f, DRM_XE_VM_BIND_OP_MAP_USERPTR, mem, SPLIT_VA,
			       4 * PAGE));
	KT_ASSERT_OK(bind_wait(f, DRM_XE_VM_BIND_OP_UNMAP, NULL, SPLIT_VA + PAGE,
			       PAGE));
	KT_ASSERT_OK(bind_wait(f, DRM_XE_VM_BIND_OP_UNMAP, NULL,
			       SPLIT_VA + 3 * PAGE, PAGE));
	remap_page(mem, 0);
	remap_page(mem, 2);
	xe_store_batch(mem, SPLIT_VA + 2 * PAGE + 12, 0x4444);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, SPLIT_VA));
	KT_ASSERT_EQ(mem[2 * PAGE / 4 + 3], 0x4444);
}
