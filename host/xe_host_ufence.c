// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: user fences of binds, and the completion of
 * binds on long-running VMs.
 *
 * For VM_BIND the uAPI's user fence is a CPU address: the driver writes the
 * value there, from a worker, whenever the bind completes. Inside QEMU that
 * address must never be one the guest can make disappear (a BO mapping it
 * can close or unmap, or memory of a context it can destroy), or the write
 * lands in whatever QEMU maps there next.
 *
 * So the driver only ever gets the address of a slot in the fence arena:
 * anonymous memory this library owns and never unmaps while a slot may still
 * be written. The fence thread sees the slot change and then writes the
 * guest's value into the guest's BO through a mapping of that page it made
 * for this purpose and keeps until the write. Slots are recycled only after
 * the driver has written them; a context that goes away leaves its pending
 * slots to complete on their own. Pending fences count against
 * XE_LIMIT_FENCES.
 *
 * A long-running VM (DRM_XE_VM_CREATE_FLAG_LR_MODE) refuses syncobj
 * signals (xe_sync.c), so a bind on it tells the host it is done through a
 * slot of this arena as well: a fence with no guest BO behind it, which
 * becomes the ring's job (xe_host_job_from_ufence()). A fence is freed
 * once the driver wrote it and nobody holds it any more (@refs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xe_host_priv.h"

#define SLOTS_PER_CHUNK	512

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* include/uapi/asm-generic/mman-common.h */
#endif


#define SLOT_ARMED	0	/* what a slot holds until the driver writes */

/**
 * struct xe_ufence_chunk - a page of fence slots
 * @next: the arena's list
 * @words: the slots, written by the host driver (never unmapped while busy)
 * @busy: which slots are handed out
 */
struct xe_ufence_chunk {
	struct xe_ufence_chunk *next;
	uint64_t *words;
	bool busy[SLOTS_PER_CHUNK];
};

/**
 * struct xe_ufence - one bind user fence
 * @next: xe_host.ufences
 * @chunk: the chunk of its slot
 * @slot: index of the slot in @chunk
 * @obj: the BO, pinned (xe_object.pins) so its charge lasts as long as our
 *	mapping holds it; NULL for a completion-only fence, and once written
 * @page: our mapping of the BO page that holds the guest's fence word
 * @off: offset of the word in @page
 * @value: what the guest asked to be written there
 * @refs: the submission until it is armed, then xe_host.ufences until the
 *	slot is written; and a job made of it (xe_host_job_from_ufence())
 * @written: the driver wrote the slot and the guest's word was copied
 */
struct xe_ufence {
	struct xe_ufence *next;
	struct xe_ufence_chunk *chunk;
	uint32_t slot;
	struct xe_object *obj;
	void *page;
	size_t off;
	uint64_t value;
	int refs;
	bool written;
};

static int slot_get(struct xe_ufence *uf)
{
	struct xe_ufence_chunk *c;
	uint32_t i;
	void *mem;

	for (c = xe_host.ufence_chunks; c; c = c->next)
		for (i = 0; i < SLOTS_PER_CHUNK; i++)
			if (!c->busy[i])
				goto found;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	mem = mmap(NULL, SLOTS_PER_CHUNK * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		free(c);
		return -ENOMEM;
	}
	c->words = mem;
	c->next = xe_host.ufence_chunks;
	xe_host.ufence_chunks = c;
	i = 0;
found:
	c->busy[i] = true;
	__atomic_store_n(&c->words[i], SLOT_ARMED, __ATOMIC_RELAXED);
	uf->chunk = c;
	uf->slot = i;
	return 0;
}

/**
 * xe_ufence_create() - a bind user fence for a word of a guest BO
 * @ctx: the context
 * @obj: the BO holding the fence word, or NULL for a fence that only tells
 *	the host the bind is done
 * @offset: the word's offset in @obj (checked: 8-aligned, inside)
 * @value: the value the guest wants written
 * @addr: set to the slot address the driver gets
 * @err: set to the errno on failure
 *
 * Return: the fence, not yet armed, or NULL with *@err set (-ENOMEM, the
 * limit's errno, -EFAULT for a BO past a small BAR, or the mmap errno).
 */
struct xe_ufence *xe_ufence_create(struct xe_host_ctx *ctx, struct xe_object *obj,
				   uint64_t offset, uint64_t value, __u64 *addr,
				   int *err)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct xe_ufence *uf;
	int ret;

	ret = xe_limit_charge(XE_LIMIT_FENCES, 1, ctx->ctx_id);
	if (ret)
		goto fail;
	uf = xe_fault_calloc(XE_FAULT_ALLOC_UFENCE, 1, sizeof(*uf));
	if (!uf) {
		ret = -ENOMEM;
		goto release;
	}
	uf->refs = 1;
	if (obj && obj->cpu_unreachable) {
		/* past a small BAR: the CPU write would raise SIGBUS in QEMU */
		ret = -EFAULT;
		goto free_uf;
	}
	if (obj) {
		struct drm_xe_gem_mmap_offset mo = { .handle = obj->handle };

		ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
		if (ret)
			goto free_uf;
		/* One page of our own: it holds the BO until the write. */
		uf->page = xe_mmap(page, ctx->fd,
				   (off_t)(mo.offset + (offset & ~(page - 1))));
		if (uf->page == MAP_FAILED) {
			ret = -errno;
			goto free_uf;
		}
	}
	ret = slot_get(uf);
	if (ret) {
		if (obj)
			munmap(uf->page, page);
		goto free_uf;
	}
	uf->off = offset & (page - 1);
	uf->value = value;
	uf->obj = obj;
	if (obj)
		obj->pins++;
	*addr = (uintptr_t)&uf->chunk->words[uf->slot];
	return uf;
free_uf:
	free(uf);
release:
	xe_limit_release(XE_LIMIT_FENCES, 1);
fail:
	*err = ret;
	return NULL;
}

/* Our mapping of the guest's BO is needed only until the word is copied. */
static void ufence_unmap(struct xe_ufence *uf)
{
	if (!uf->obj)
		return;
	munmap(uf->page, (size_t)sysconf(_SC_PAGESIZE));
	xe_object_unpin(uf->obj);
	uf->obj = NULL;
}

/**
 * xe_ufence_get() - one more holder of @uf
 * @uf: the fence
 *
 * Return: @uf.
 */
struct xe_ufence *xe_ufence_get(struct xe_ufence *uf)
{
	uf->refs++;
	return uf;
}

/**
 * xe_ufence_put() - drop a reference to @uf
 * @uf: the fence, or NULL
 *
 * The slot is recycled with the last one: an armed fence is held by
 * xe_host.ufences until the driver wrote its slot, so the driver never
 * writes a slot handed out again.
 */
void xe_ufence_put(struct xe_ufence *uf)
{
	if (!uf || --uf->refs)
		return;
	ufence_unmap(uf);
	uf->chunk->busy[uf->slot] = false;
	xe_limit_release(XE_LIMIT_FENCES, 1);
	free(uf);
}

/**
 * xe_ufence_written() - whether the driver wrote @uf's slot
 * @uf: the fence
 *
 * Return: true once the fence thread saw the write (and copied the guest's
 * value, if there is one).
 */
bool xe_ufence_written(const struct xe_ufence *uf)
{
	return uf->written;
}

/**
 * xe_ufence_arm() - the bind carrying @uf was submitted
 * @uf: the fence; its creator's reference passes to the pending list
 */
void xe_ufence_arm(struct xe_ufence *uf)
{
	uf->next = xe_host.ufences;
	xe_host.ufences = uf;
	xe_host_wake();
}

/**
 * xe_ufence_abort() - the bind carrying @uf failed: the driver never got it
 * @uf: the fence (its creator's reference is dropped), or NULL
 */
void xe_ufence_abort(struct xe_ufence *uf)
{
	xe_ufence_put(uf);
}

/*
 * /proc/self/mem, opened on first use by the fence thread (under
 * xe_host.lock) and closed by xe_ufence_fini().
 */
static int self_mem_fd = -1;

/*
 * Store @value at @where, in our mapping of a guest BO, without ever taking
 * a fault in QEMU: the page may be one the CPU cannot reach (VRAM past a
 * small BAR) or one the driver cannot make resident, and a plain store
 * would then be SIGBUS. Faulting the page in first makes the store safe and
 * keeps it a single 64-bit write, as xe's own put_user() is.
 *
 * A real xe BO mapping is VM_IO | VM_PFNMAP (ttm_bo_mmap_obj()), which
 * MADV_POPULATE_WRITE refuses with EFAULT (mm/gup.c check_vma_flags()).
 * For those the kernel writes for us through /proc/self/mem: get_user_pages
 * fails on the VMA and __access_remote_vm() uses its vm_ops->access
 * (xe_bo_vm_access()), which reaches system memory and VRAM alike and
 * returns an error rather than a signal.
 */
static bool ufence_store(void *where, uint64_t value)
{
	long page = sysconf(_SC_PAGESIZE);
	void *start = (void *)((uintptr_t)where & ~((uintptr_t)page - 1));

	if (!madvise(start, (size_t)page, MADV_POPULATE_WRITE)) {
		__atomic_store_n((uint64_t *)where, value, __ATOMIC_RELEASE);
		return true;
	}
	if (errno != EFAULT)
		return false;
	if (self_mem_fd < 0)
		self_mem_fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (self_mem_fd < 0)
		return false;
	return pwrite(self_mem_fd, &value, sizeof(value),
		      (off_t)(uintptr_t)where) == (ssize_t)sizeof(value);
}

/* The driver wrote the slot: write the guest's value into its BO. */
static void ufence_copy(struct xe_ufence *uf)
{
	if (!uf->obj)
		return;	/* completion only */
	if (!ufence_store((char *)uf->page + uf->off, uf->value))
		xe_log_ratelimited("bind user fence: BO page not writable by the CPU (%s); value dropped",
				   strerror(errno));
	ufence_unmap(uf);
}

/**
 * xe_ufence_scan() - complete the fences whose slot the driver wrote
 *
 * Called by the fence thread with xe_host.lock held.
 *
 * Return: true while fences are still pending (the caller polls again soon).
 */
bool xe_ufence_scan(void)
{
	struct xe_ufence **p = &xe_host.ufences, *uf;

	while ((uf = *p)) {
		if (__atomic_load_n(&uf->chunk->words[uf->slot], __ATOMIC_ACQUIRE) ==
		    SLOT_ARMED) {
			p = &uf->next;
			continue;
		}
		ufence_copy(uf);
		uf->written = true;
		*p = uf->next;
		xe_ufence_put(uf);
	}
	return xe_host.ufences != NULL;
}

/**
 * xe_ufence_fini() - at teardown: free what the driver can no longer write
 *
 * A chunk with a slot still pending stays mapped (and is leaked): the driver
 * may yet write it.
 */
void xe_ufence_fini(void)
{
	struct xe_ufence_chunk *c, *next;
	uint32_t i;
	bool busy;

	xe_ufence_scan();
	if (xe_host.ufences)
		xe_log("%s: bind user fences still pending at teardown; their slots stay mapped",
		       xe_host.path);
	for (c = xe_host.ufence_chunks, xe_host.ufence_chunks = NULL; c; c = next) {
		next = c->next;
		for (i = 0, busy = false; i < SLOTS_PER_CHUNK; i++)
			busy |= c->busy[i];
		if (busy) {
			c->next = xe_host.ufence_chunks;
			xe_host.ufence_chunks = c;
			continue;
		}
		munmap(c->words, SLOTS_PER_CHUNK * sizeof(uint64_t));
		free(c);
	}
	if (self_mem_fd >= 0)
		close(self_mem_fd);
	self_mem_fd = -1;
}
