// SPDX-License-Identifier: MIT
/*
 * Small helpers: lists, id tables, logging and user-memory access that fails
 * with EFAULT the way copy_from_user()/copy_to_user() do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sim.h"

void sim_list_init(struct sim_list *l)
{
	l->next = l;
	l->prev = l;
}

void sim_list_add_tail(struct sim_list *n, struct sim_list *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

void sim_list_del(struct sim_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	sim_list_init(n);
}

bool sim_list_empty(const struct sim_list *l)
{
	return l->next == l;
}

/*
 * Ids start at 1 and the lowest free one is reused, like the driver's
 * xa_alloc(..., xa_limit_32b) on an XA_FLAGS_ALLOC1 array and idr_alloc(1, 0)
 * for GEM handles and syncobjs.
 */
int sim_idr_alloc(struct sim_idr *idr, void *p, uint32_t *id)
{
	uint32_t i;

	for (i = 1; i < idr->size; i++) {
		if (!idr->slot[i]) {
			idr->slot[i] = p;
			*id = i;
			return 0;
		}
	}
	if (idr->size >= (1u << 24))
		return -ENOSPC;
	{
		uint32_t nsize = idr->size ? idr->size * 2 : 64;
		void **n = realloc(idr->slot, nsize * sizeof(*n));

		if (!n)
			return -ENOMEM;
		memset(n + idr->size, 0, (nsize - idr->size) * sizeof(*n));
		i = idr->size ? idr->size : 1;
		idr->slot = n;
		idr->size = nsize;
	}
	idr->slot[i] = p;
	*id = i;
	return 0;
}

void *sim_idr_find(const struct sim_idr *idr, uint32_t id)
{
	return id < idr->size ? idr->slot[id] : NULL;
}

void *sim_idr_remove(struct sim_idr *idr, uint32_t id)
{
	void *p = sim_idr_find(idr, id);

	if (p)
		idr->slot[id] = NULL;
	return p;
}

void sim_idr_free(struct sim_idr *idr)
{
	free(idr->slot);
	memset(idr, 0, sizeof(*idr));
}

/*
 * Every rejected ioctl logs why (like XE_IOCTL_DBG) when XE_SIM_DEBUG is set;
 * the errno itself is what callers see.
 */
int sim_log_err(int err, const char *fn, const char *fmt, ...)
{
	va_list ap;

	if (!sim.debug)
		return err;
	fprintf(stderr, "xe-sim: %s: %s: ", fn, strerror(-err));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return err;
}

void sim_debug(const char *fmt, ...)
{
	va_list ap;

	if (sim.debug < 2)
		return;
	fputs("xe-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * process_vm_readv/writev on ourselves check the address the way the kernel's
 * user copies do, so a bad pointer gives EFAULT rather than a crash.
 */
/*
 * On x86 a PROT_WRITE-only mapping is readable too, and the kernel's user
 * copies read it; process_vm_readv() refuses it. Check /proc/self/maps.
 */
static bool mapped_writable(uint64_t addr, size_t len)
{
	char line[512];
	bool ok = false;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;
		char perms[5];

		if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perms) != 3)
			continue;
		if (addr >= lo && addr + len <= hi && perms[1] == 'w') {
			ok = true;
			break;
		}
	}
	fclose(f);
	return ok;
}

int sim_copy_from_user(void *dst, uint64_t uptr, size_t len)
{
	struct iovec local = { dst, len };
	struct iovec remote = { (void *)(uintptr_t)uptr, len };

	if (!len)
		return 0;
	if (!uptr)
		return -EFAULT;
	if (process_vm_readv(sim_self(), &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	if (mapped_writable(uptr, len)) {
		memcpy(dst, (void *)(uintptr_t)uptr, len);
		return 0;
	}
	return SIM_ERR(-EFAULT, "read of %zu bytes at %#llx: %m", len,
			       (unsigned long long)uptr);
}

int sim_copy_to_user(uint64_t uptr, const void *src, size_t len)
{
	struct iovec local = { (void *)src, len };
	struct iovec remote = { (void *)(uintptr_t)uptr, len };

	if (!len)
		return 0;
	if (!uptr)
		return -EFAULT;
	if (process_vm_writev(sim_self(), &local, 1, &remote, 1, 0) != (ssize_t)len)
		return SIM_ERR(-EFAULT, "write of %zu bytes at %#llx: %m", len,
			       (unsigned long long)uptr);
	return 0;
}
