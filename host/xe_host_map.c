// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: a small open-addressing u64 -> pointer map for
 * the per-context id tables. Lookups are O(1) for ids as a guest driver
 * makes them, however many. Guest ids are hostile, though, and the hash is
 * fixed: a guest that picks ids to collide (k << 44 do for every table of
 * up to 4096) gets one probe chain as long as the map, a lookup linear in
 * the entries its per-guest limits allow (8192 BOs: about 7 us, measured
 * at -O2), on QEMU's thread but in its own maps only.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "xe_host_priv.h"

#define TOMB ((void *)&xe_map_tomb)
static const char xe_map_tomb;

static size_t slot_of(uint64_t key, size_t cap)
{
	/*
	 * Fibonacci hashing, its high half folded down: guest ids are small
	 * and sequential, and spread over the table. (A guest that picks
	 * colliding ids can do so against any fixed hash, splitmix64's too;
	 * the probes it lengthens are its own, in maps its limits bound.)
	 */
	key *= 0x9e3779b97f4a7c15ULL;
	return (key ^ (key >> 32)) & (cap - 1);
}

void *xe_map_get(const struct xe_map *m, uint64_t key)
{
	size_t i, n;

	if (!m->cap)
		return NULL;
	for (i = slot_of(key, m->cap), n = 0; n < m->cap;
	     i = (i + 1) & (m->cap - 1), n++) {
		if (!m->slots[i].val)
			return NULL;
		if (m->slots[i].val != TOMB && m->slots[i].key == key)
			return m->slots[i].val;
	}
	return NULL;
}

static int xe_map_grow(struct xe_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16, i;
	struct xe_map old = *m;

	if ((m->count + 1) * 4 < m->cap * 3 && m->count + m->tombs < m->cap / 2)
		return 0;
	if (m->count * 4 < m->cap)	/* mostly tombstones: rehash in place */
		cap = m->cap;
	m->slots = xe_fault_calloc(XE_FAULT_ALLOC_MAP, cap, sizeof(*m->slots));
	if (!m->slots) {
		*m = old;
		return -ENOMEM;
	}
	m->cap = cap;
	m->count = 0;
	m->tombs = 0;
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].val && old.slots[i].val != TOMB)
			xe_map_put(m, old.slots[i].key, old.slots[i].val);
	free(old.slots);
	return 0;
}

int xe_map_put(struct xe_map *m, uint64_t key, void *val)
{
	size_t i, free_slot = SIZE_MAX;

	if (!val)
		return -EEXIST;
	if (xe_map_grow(m))
		return xe_map_get(m, key) ? -EEXIST : -ENOMEM;
	/*
	 * One probe: whether @key is there, and the first free slot on its
	 * way; grown, the map has an empty slot that ends it.
	 */
	for (i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].val == TOMB) {
			if (free_slot == SIZE_MAX)
				free_slot = i;
			continue;
		}
		if (!m->slots[i].val)
			break;
		if (m->slots[i].key == key)
			return -EEXIST;
	}
	if (free_slot == SIZE_MAX)
		free_slot = i;
	else
		m->tombs--;
	m->slots[free_slot].key = key;
	m->slots[free_slot].val = val;
	m->count++;
	return 0;
}

void *xe_map_del(struct xe_map *m, uint64_t key)
{
	size_t i, n;
	void *val;

	if (!m->cap)
		return NULL;
	for (i = slot_of(key, m->cap), n = 0; n < m->cap;
	     i = (i + 1) & (m->cap - 1), n++) {
		if (!m->slots[i].val)
			return NULL;
		if (m->slots[i].val != TOMB && m->slots[i].key == key) {
			val = m->slots[i].val;
			m->count--;
			/*
			 * Before an empty slot no probe needs it, nor the
			 * tombstones before it: ids put and deleted in turn
			 * (host fences) then leave no trail to walk.
			 */
			if (m->slots[(i + 1) & (m->cap - 1)].val) {
				m->slots[i].val = TOMB;
				m->tombs++;
				return val;
			}
			m->slots[i].val = NULL;
			for (i = (i - 1) & (m->cap - 1); m->slots[i].val == TOMB;
			     i = (i - 1) & (m->cap - 1)) {
				m->slots[i].val = NULL;
				m->tombs--;
			}
			return val;
		}
	}
	return NULL;
}

bool xe_map_next(const struct xe_map *m, size_t *i, uint64_t *key, void **val)
{
	for (; *i < m->cap; (*i)++) {
		if (m->slots[*i].val && m->slots[*i].val != TOMB) {
			*key = m->slots[*i].key;
			*val = m->slots[*i].val;
			(*i)++;
			return true;
		}
	}
	return false;
}

void xe_map_free(struct xe_map *m)
{
	free(m->slots);
	*m = (struct xe_map){ 0 };
}
