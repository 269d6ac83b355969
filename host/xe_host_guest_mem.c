// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: guest memory behind userptr binds, and the
 * blob mappings this library makes.
 *
 * A guest-memory resource (BLOB_MEM_GUEST) is the list of addresses where
 * QEMU maps the guest pages it names; MAP_USERPTR binds of it become userptr
 * ranges at those addresses (xe_host_ccmd.c). The driver's userptr follows
 * the address, and whenever the CPU mapping under it changes, its MMU
 * notifier waits for the VM's GPU work on the thread that changed it. So:
 *
 * - before QEMU takes the iovecs back (detach, unref), every binding of the
 *   resource is unbound and later binds are refused;
 * - this library never maps or unmaps a blob over guest memory: guest
 *   memory may not lie where a blob is mapped (the guest can name its own
 *   host-visible window), and a blob is not mapped where guest memory lies
 *   (-EBUSY to QEMU, which fails the guest's map request).
 *
 * Both checks use sorted spans with a running maximum of their ends, so a
 * range is tested in O(log n) however the pieces overlap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xe_host_priv.h"

static int span_cmp(const void *a, const void *b)
{
	const struct xe_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void spans_index(struct xe_span *s, uint32_t n)
{
	uint64_t m = 0;
	uint32_t i;

	qsort(s, n, sizeof(*s), span_cmp);
	for (i = 0; i < n; i++) {
		m = s[i].end > m ? s[i].end : m;
		s[i].max_end = m;
	}
}

/* Whether any of the @n indexed spans meets [@start, @end). */
static bool spans_meet(const struct xe_span *s, uint32_t n, uint64_t start,
		       uint64_t end)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {	/* spans starting before @end: [0, lo) */
		uint32_t mid = lo + (hi - lo) / 2;

		if (s[mid].start < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && s[lo - 1].max_end > start;
}

/* Whether guest memory of any context lies in [@start, @end). */
static bool guest_mem_in(uint64_t start, uint64_t end)
{
	struct xe_host_ctx *ctx;
	uint64_t key;
	size_t i;
	void *val;

	for (ctx = xe_host.contexts; ctx; ctx = ctx->next) {
		for (i = 0; xe_map_next(&ctx->guest_mems, &i, &key, &val);) {
			const struct xe_guest_mem *gm = val;

			if (spans_meet(gm->spans, gm->num_iov, start, end))
				return true;
		}
	}
	return false;
}

static uint64_t guest_mem_bytes(uint32_t num_iov)
{
	return (uint64_t)num_iov * (sizeof(struct iovec) + sizeof(struct xe_span));
}

/**
 * xe_guest_mem_free() - free a guest-memory record (no VM may map it)
 * @gm: the record
 */
void xe_guest_mem_free(struct xe_guest_mem *gm)
{
	xe_limit_release_bo(guest_mem_bytes(gm->num_iov));
	free(gm->iov);
	free(gm->spans);
	free(gm);
}

/* Every piece page aligned and the sizes add up. */
static int pieces_check(struct xe_host_ctx *ctx, uint32_t res_id,
			const struct iovec *iov, uint32_t num_iov, uint64_t size)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < num_iov; i++) {
		if (!iov[i].iov_len || (uintptr_t)iov[i].iov_base % page ||
		    iov[i].iov_len % page ||
		    (uintptr_t)iov[i].iov_base + iov[i].iov_len < (uintptr_t)iov[i].iov_base) {
			xe_log_ratelimited("context %u: guest-memory resource %u: piece %u unaligned",
					   ctx->ctx_id, res_id, i);
			return -EINVAL;
		}
		sum += iov[i].iov_len;
	}
	return sum == size ? 0 : -EINVAL;
}

static struct xe_guest_mem *guest_mem_alloc(uint32_t res_id, const struct iovec *iov,
					    uint32_t num_iov, uint64_t size)
{
	struct xe_guest_mem *gm = calloc(1, sizeof(*gm));
	uint32_t i;

	if (!gm)
		return NULL;
	gm->iov = malloc(num_iov * sizeof(*iov));
	gm->spans = malloc(num_iov * sizeof(*gm->spans));
	if (!gm->iov || !gm->spans) {
		free(gm->iov);
		free(gm->spans);
		free(gm);
		return NULL;
	}
	memcpy(gm->iov, iov, num_iov * sizeof(*iov));
	for (i = 0; i < num_iov; i++)
		gm->spans[i] = (struct xe_span){
			.start = (uintptr_t)iov[i].iov_base,
			.end = (uintptr_t)iov[i].iov_base + iov[i].iov_len };
	spans_index(gm->spans, num_iov);
	gm->num_iov = num_iov;
	gm->size = size;
	gm->res_id = res_id;
	return gm;
}

/* Under xe_host.lock: none of @gm lies where a blob is mapped. */
static bool clear_of_mappings(const struct xe_guest_mem *gm)
{
	uint32_t i;

	for (i = 0; i < xe_host.num_mappings; i++)
		if (spans_meet(gm->spans, gm->num_iov, xe_host.mappings[i].start,
			       xe_host.mappings[i].end))
			return false;
	return true;
}

int xe_host_ctx_create_guest_blob(struct xe_host_ctx *ctx, uint32_t res_id,
				  const struct iovec *iov, uint32_t num_iov,
				  uint64_t size)
{
	struct xe_guest_mem *gm;
	int ret;

	if (!res_id || !num_iov || num_iov > XE_PROXY_MAX_GUEST_MEM_IOVS || !iov)
		return -EINVAL;
	if (!(xe_host.capset.u.xe.features & XE_PROXY_F_USERPTR))
		return -EOPNOTSUPP;
	ret = pieces_check(ctx, res_id, iov, num_iov, size);
	if (ret)
		return ret;
	gm = guest_mem_alloc(res_id, iov, num_iov, size);
	if (!gm)
		return -ENOMEM;
	pthread_mutex_lock(&xe_host.lock);
	if (xe_map_get(&ctx->resources, res_id) || xe_map_get(&ctx->guest_mems, res_id) ||
	    xe_map_get(&ctx->slices, res_id) || res_id == ctx->shmem_res_id) {
		ret = -EEXIST;
	} else if (!clear_of_mappings(gm)) {
		xe_log_ratelimited("context %u: guest-memory resource %u lies where a blob is mapped",
				   ctx->ctx_id, res_id);
		ret = -EINVAL;
	} else {
		ret = xe_limit_charge_bo(guest_mem_bytes(num_iov), ctx->ctx_id);
	}
	if (!ret) {
		ret = xe_map_put(&ctx->guest_mems, res_id, gm);
		if (ret)
			xe_limit_release_bo(guest_mem_bytes(num_iov));
	}
	pthread_mutex_unlock(&xe_host.lock);
	if (ret) {
		free(gm->iov);
		free(gm->spans);
		free(gm);
	}
	return ret;
}

void xe_host_ctx_detach_guest_blob(struct xe_host_ctx *ctx, uint32_t res_id)
{
	struct xe_guest_mem *gm;

	pthread_mutex_lock(&xe_host.lock);
	gm = xe_ctx_guest_mem(ctx, res_id);
	if (gm && !gm->detached) {
		xe_host_vm_unbind_guest_mem(ctx, gm);
		gm->detached = true;
	}
	pthread_mutex_unlock(&xe_host.lock);
}

int xe_host_mapping_add(const void *addr, uint64_t size)
{
	uint64_t start = (uintptr_t)addr, end = start + size;
	struct xe_span *m;
	uint32_t i;
	int ret = 0;

	pthread_mutex_lock(&xe_host.lock);
	if (end < start || guest_mem_in(start, end)) {
		xe_log_ratelimited("a blob mapping at %#llx+%llu would replace guest memory bound as userptr: refused",
				   (unsigned long long)start, (unsigned long long)size);
		ret = -EBUSY;
		goto out;
	}
	if (xe_host.num_mappings == xe_host.cap_mappings) {
		uint32_t cap = xe_host.cap_mappings ? xe_host.cap_mappings * 2 : 64;

		m = realloc(xe_host.mappings, cap * sizeof(*m));
		if (!m) {
			ret = -ENOMEM;
			goto out;
		}
		xe_host.mappings = m;
		xe_host.cap_mappings = cap;
	}
	i = xe_host.num_mappings++;
	xe_host.mappings[i] = (struct xe_span){ .start = start, .end = end };
out:
	pthread_mutex_unlock(&xe_host.lock);
	return ret;
}

void xe_host_mapping_remove(const void *addr, uint64_t size)
{
	uint64_t start = (uintptr_t)addr, end = start + size;
	uint32_t i;

	pthread_mutex_lock(&xe_host.lock);
	for (i = 0; i < xe_host.num_mappings; i++) {
		if (xe_host.mappings[i].start != start || xe_host.mappings[i].end != end)
			continue;
		xe_host.mappings[i] = xe_host.mappings[--xe_host.num_mappings];
		break;
	}
	if (!xe_host.num_mappings) {
		free(xe_host.mappings);
		xe_host.mappings = NULL;
		xe_host.cap_mappings = 0;
	}
	pthread_mutex_unlock(&xe_host.lock);
}
