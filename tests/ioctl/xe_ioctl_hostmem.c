// SPDX-License-Identifier: MIT
/*
 * CPU mappings of BOs larger than, and BOs adding up to more than, the
 * guest's host-visible window. Through virtio_xe_proxy the window is a
 * cache of BO mappings (docs/driver.md): these cases fill it, so mappings
 * are evicted and faulted back while the data must stay intact.
 * Host-direct there is no window; the cases run with the sizes of the
 * default one (256 MiB) and must pass the same.
 *
 * The window's size and granule come from the driver's debugfs file
 * `hostmem`, which also counts evictions; a guest run checks that the
 * cases did evict.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xe_ioctl.h"

/* QEMU's hostmem in tests/vm/run, and the granule the driver picks for it */
#define DEFAULT_WINDOW	(256ULL << 20)
#define DEFAULT_GRANULE	(32ULL << 20)
/*
 * One stamp every 64 KiB, or every 4096th of the window when that is more:
 * a few thousand pages touched however large the window (QEMU's hostmem=4G
 * included), and a stamp in every granule and every 2 MiB fault block of
 * the default one.
 */
#define STAMP_MIN_STEP	0x10000ULL

struct hostmem {
	unsigned long long window, granule, evictions, step;
	bool guest;
};

/* The driver's `hostmem` debugfs file, or the default window host-direct. */
static struct hostmem hostmem_info(void)
{
	struct hostmem hm = { .window = DEFAULT_WINDOW, .granule = DEFAULT_GRANULE };
	DIR *d = opendir("/sys/kernel/debug/dri");
	struct dirent *de;
	char path[300], key[32];
	unsigned long long v;
	FILE *f = NULL;

	while (d && !f && (de = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%s/hostmem", de->d_name);
		f = fopen(path, "re");
	}
	if (d)
		closedir(d);
	hm.step = STAMP_MIN_STEP;
	if (!f)
		return hm;
	hm.guest = true;
	while (fscanf(f, "%31s %llu", key, &v) == 2) {
		if (!strcmp(key, "window"))
			hm.window = v;
		else if (!strcmp(key, "granule"))
			hm.granule = v;
		else if (!strcmp(key, "evictions"))
			hm.evictions = v;
	}
	fclose(f);
	if (hm.window / 4096 > hm.step)
		hm.step = hm.window / 4096 & ~0xfffULL;
	return hm;
}

static uint64_t stamp(uint32_t bo, uint64_t off, unsigned int round)
{
	return ((uint64_t)round << 56) ^ ((uint64_t)bo << 40) ^ off ^ 0x5eed5eed;
}

/* A stamp every @step bytes, and one in the last page. */
static void stamp_write(volatile uint64_t *p, uint32_t bo, uint64_t size,
			uint64_t step, unsigned int round)
{
	uint64_t off;

	for (off = 0; off < size; off += step)
		p[off / 8] = stamp(bo, off, round);
	p[(size - 8) / 8] = stamp(bo, size - 8, round);
}

/* How many stamps of @round are not where they were written. */
static uint64_t stamp_check(volatile uint64_t *p, uint32_t bo, uint64_t size,
			    uint64_t step, unsigned int round)
{
	uint64_t off, bad = 0;

	for (off = 0; off < size; off += step)
		bad += p[off / 8] != stamp(bo, off, round);
	return bad + (p[(size - 8) / 8] != stamp(bo, size - 8, round));
}

/*
 * A BO one granule and a bit larger than the window: written and read back
 * by the CPU, which has the window evict its own first granules; then a
 * batch the CPU wrote into its last page stores past the window's size.
 */
KT_CASE(xe_dev, hostmem_bo_larger_than_window)
{
	struct hostmem hm = hostmem_info();
	uint64_t size = hm.window + hm.granule + 0x10000;
	uint64_t batch = size - 0x2000, target = hm.window + 0x100;
	uint32_t h = xe_bo(f->fd, f->placement, size);
	volatile uint64_t *p = xe_bo_map(f->fd, h, size);
	uint32_t vm = xe_vm(f->fd, 0), q = xe_queue(f->fd, vm);

	stamp_write(p, h, size, hm.step, 1);
	KT_ASSERT_EQ(stamp_check(p, h, size, hm.step, 1), 0);
	if (hm.guest)
		KT_ASSERT_TRUE(hostmem_info().evictions > hm.evictions);

	KT_ASSERT_OK(xe_bind_sync(f->fd, vm, DRM_XE_VM_BIND_OP_MAP, h, VA_BASE, size));
	xe_store_batch((uint32_t *)((char *)p + batch), VA_BASE + target, 0xc0ffee42);
	KT_ASSERT_OK(xe_exec_wait(f->fd, q, VA_BASE + batch));
	KT_ASSERT_EQ(((volatile uint32_t *)p)[target / 4], 0xc0ffee42);
	/* the GPU wrote one word; every stamp is still there */
	KT_ASSERT_EQ(stamp_check(p, h, size, hm.step, 1), 0);
	munmap((void *)p, size);
}

/*
 * Two BOs of half a window and a page, mapped granule by granule, and 16
 * of a 32nd of a window, mapped whole in the default window (one granule
 * or less): a window and a half in all, under the host's default memory
 * limit even for QEMU's hostmem=4G.
 */
#define PRESSURE_BIG	2
#define PRESSURE_SMALL	16
#define PRESSURE_ROUNDS	3

struct pressure_bo {
	uint32_t handle;
	uint64_t size;
	volatile uint64_t *map;
};

/* Write round after round across every BO of @bos with index % 2 == @half. */
static uint64_t pressure_rounds(struct pressure_bo *bos, int n, int half,
				uint64_t step)
{
	uint64_t bad = 0;
	unsigned int r;
	int i;

	for (r = 0; r < PRESSURE_ROUNDS; r++) {
		for (i = half; i < n; i += 2)
			stamp_write(bos[i].map, bos[i].handle, bos[i].size, step, r);
		for (i = half; i < n; i += 2)
			bad += stamp_check(bos[i].map, bos[i].handle, bos[i].size,
					   step, r);
	}
	return bad;
}

/*
 * BOs adding up to a window and a half, all mapped at once and written in
 * turn by two processes, each evicting the other's mappings: every stamp
 * stays.
 */
KT_CASE(xe_dev, hostmem_eviction_under_pressure)
{
	struct hostmem hm = hostmem_info();
	struct pressure_bo bos[PRESSURE_BIG + PRESSURE_SMALL];
	int n = PRESSURE_BIG + PRESSURE_SMALL, i, status;
	uint64_t bad;
	pid_t child;

	for (i = 0; i < n; i++) {
		bos[i].size = i < PRESSURE_BIG ? hm.window / 2 + 0x1000 :
			      hm.window / 32;
		bos[i].handle = xe_bo(f->fd, f->placement, bos[i].size);
		bos[i].map = xe_bo_map(f->fd, bos[i].handle, bos[i].size);
	}
	child = fork();
	KT_ASSERT_TRUE(child >= 0);
	if (!child)
		_exit(pressure_rounds(bos, n, 1, hm.step) ? 1 : 0);
	bad = pressure_rounds(bos, n, 0, hm.step);
	KT_ASSERT_EQ(waitpid(child, &status, 0), child);
	KT_ASSERT_EQ(bad, 0);
	KT_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* and the parent sees what the child wrote */
	for (i = 1; i < n; i += 2)
		KT_ASSERT_EQ(stamp_check(bos[i].map, bos[i].handle, bos[i].size,
					 hm.step, PRESSURE_ROUNDS - 1), 0);
	if (hm.guest)
		KT_ASSERT_TRUE(hostmem_info().evictions > hm.evictions);
	for (i = 0; i < n; i++)
		munmap((void *)bos[i].map, bos[i].size);
}
