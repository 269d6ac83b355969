// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: user fences of binds.
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
 */
#include <errno.h>
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
 *	mapping holds it
 * @page: our mapping of the BO page that holds the guest's fence word
 * @off: offset of the word in @page
 * @value: what the guest asked to be written there
 * @armed: the driver got the slot (the bind was submitted)
 */
struct xe_ufence {
	struct xe_ufence *next;
	struct xe_ufence_chunk *chunk;
	uint32_t slot;
	struct xe_object *obj;
	void *page;
	size_t off;
	uint64_t value;
	bool armed;
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
 * @obj: the BO holding the fence word
 * @offset: the word's offset in @obj (checked: 8-aligned, inside)
 * @value: the value the guest wants written
 * @addr: set to the slot address the driver gets
 *
 * Return: the fence, not yet armed, or NULL with *@err set (-ENOMEM, the
 * limit's errno, or the mmap errno).
 */
struct xe_ufence *xe_ufence_create(struct xe_host_ctx *ctx, struct xe_object *obj,
				   uint64_t offset, uint64_t value, __u64 *addr,
				   int *err)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct drm_xe_gem_mmap_offset mo = { .handle = obj->handle };
	struct xe_ufence *uf;
	int ret;

	ret = xe_limit_charge(XE_LIMIT_FENCES, 1, ctx->ctx_id);
	if (ret)
		goto fail;
	uf = calloc(1, sizeof(*uf));
	if (!uf) {
		ret = -ENOMEM;
		goto release;
	}
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	if (ret)
		goto free_uf;
	/* One page of our own: it holds the BO until the write. */
	uf->page = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ctx->fd,
			(off_t)(mo.offset + (offset & ~(page - 1))));
	if (uf->page == MAP_FAILED) {
		ret = -errno;
		goto free_uf;
	}
	ret = slot_get(uf);
	if (ret) {
		munmap(uf->page, page);
		goto free_uf;
	}
	uf->off = offset & (page - 1);
	uf->value = value;
	uf->obj = obj;
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

static void ufence_free(struct xe_ufence *uf)
{
	munmap(uf->page, (size_t)sysconf(_SC_PAGESIZE));
	xe_object_unpin(uf->obj);
	uf->chunk->busy[uf->slot] = false;
	xe_limit_release(XE_LIMIT_FENCES, 1);
	free(uf);
}

/**
 * xe_ufence_arm() - the bind carrying @uf was submitted
 * @uf: the fence
 */
void xe_ufence_arm(struct xe_ufence *uf)
{
	uf->armed = true;
	uf->next = xe_host.ufences;
	xe_host.ufences = uf;
	xe_host_wake();
}

/**
 * xe_ufence_abort() - the bind carrying @uf failed: the driver never got it
 * @uf: the fence
 */
void xe_ufence_abort(struct xe_ufence *uf)
{
	if (uf)
		ufence_free(uf);
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
		/*
		 * A BO the CPU cannot reach (VRAM past a small BAR) would fault
		 * with SIGBUS: fault the page in first, and give up the write
		 * (logged) if that fails.
		 */
		if (madvise(uf->page, (size_t)sysconf(_SC_PAGESIZE), MADV_POPULATE_WRITE))
			xe_log_ratelimited("bind user fence: BO page not writable by the CPU (%s); value dropped",
					   strerror(errno));
		else
			__atomic_store_n((uint64_t *)((char *)uf->page + uf->off),
					 uf->value, __ATOMIC_RELEASE);
		*p = uf->next;
		ufence_free(uf);
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
}
