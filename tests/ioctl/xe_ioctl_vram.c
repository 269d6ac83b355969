// SPDX-License-Identifier: MIT
/*
 * VRAM on discrete parts: the region query, GEM_CREATE's placement rules
 * (xe_bo.c xe_gem_create_ioctl), CPU mappings of VRAM BOs, binds and execs
 * on them, and CPU access past a small BAR (xe_ttm_io_mem_reserve: SIGBUS).
 * Every case skips on integrated parts, which have no VRAM region.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xe_ioctl.h"

#define VRAM_WC		DRM_XE_GEM_CPU_CACHING_WC
#define NEEDS_VISIBLE	DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM

/* The first VRAM region, or skip the case. */
static struct drm_xe_mem_region vram_region(int fd)
{
	struct drm_xe_query_mem_regions *m;
	struct drm_xe_mem_region r;
	uint32_t size;
	void *buf;

	KT_ASSERT_OK(xe_query(fd, DRM_XE_DEVICE_QUERY_MEM_REGIONS, &buf, &size));
	m = buf;
	for (uint32_t i = 0; i < m->num_mem_regions; i++) {
		if (m->mem_regions[i].mem_class == DRM_XE_MEM_REGION_CLASS_VRAM) {
			r = m->mem_regions[i];
			free(buf);
			return r;
		}
	}
	free(buf);
	kt_skip("integrated part: no VRAM region");
}

static int vram_create(int fd, uint64_t size, uint32_t placement,
		       uint32_t flags, uint16_t caching, uint32_t *handle)
{
	struct drm_xe_gem_create c = { .size = size, .placement = placement,
		.flags = flags, .cpu_caching = caching };
	int ret = xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c);

	*handle = ret ? 0 : c.handle;
	return ret;
}

/* Whether the first write through a mapping of @handle raises SIGBUS. */
static bool write_raises_sigbus(int fd, uint32_t handle)
{
	struct drm_xe_gem_mmap_offset mo = { .handle = handle };
	int status = 0;
	uint32_t *p;
	pid_t pid;

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)mo.offset);
	if (p == MAP_FAILED)
		KT_FAIL("mmap of BO %u: %s", handle, strerror(errno));
	pid = fork();
	if (pid == 0) {
		*(volatile uint32_t *)p = 0x5ca1ab1e;
		_exit(0);
	}
	KT_ASSERT_TRUE(pid > 0 && waitpid(pid, &status, 0) == pid);
	munmap(p, 4096);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS;
}

/* The region, HAS_VRAM and the GTs' near-memory masks agree. */
KT_CASE(xe_dev, vram_query_region)
{
	struct drm_xe_mem_region r = vram_region(f->fd);
	struct drm_xe_query_config *c;
	struct drm_xe_query_gt_list *g;
	uint32_t size;
	void *buf;

	KT_ASSERT_TRUE(r.total_size > 0);
	KT_ASSERT_TRUE(r.cpu_visible_size > 0 && r.cpu_visible_size <= r.total_size);
	KT_ASSERT_TRUE(r.used <= r.total_size && r.cpu_visible_used <= r.cpu_visible_size);
	KT_ASSERT_OK(xe_query(f->fd, DRM_XE_DEVICE_QUERY_CONFIG, &buf, &size));
	c = buf;
	KT_ASSERT_TRUE(c->info[DRM_XE_QUERY_CONFIG_FLAGS] & DRM_XE_QUERY_CONFIG_FLAG_HAS_VRAM);
	free(buf);
	KT_ASSERT_OK(xe_query(f->fd, DRM_XE_DEVICE_QUERY_GT_LIST, &buf, &size));
	g = buf;
	KT_ASSERT_TRUE(g->num_gt > 0);
	KT_ASSERT_TRUE(g->gt_list[0].near_mem_regions & (1u << r.instance));
	KT_ASSERT_TRUE(g->gt_list[0].far_mem_regions & f->placement);
	free(buf);
}

/* xe_gem_create_ioctl(): WC only, visible only with VRAM, no room ENOSPC. */
KT_CASE(xe_dev, vram_create_rules)
{
	struct drm_xe_mem_region r = vram_region(f->fd);
	uint32_t vram = 1u << r.instance, h;

	KT_ASSERT_ERR(vram_create(f->fd, 4096, vram, 0, DRM_XE_GEM_CPU_CACHING_WB, &h),
		      EINVAL);
	KT_ASSERT_ERR(vram_create(f->fd, 4096, f->placement, NEEDS_VISIBLE, VRAM_WC, &h),
		      EINVAL);
	KT_ASSERT_ERR(vram_create(f->fd, r.total_size + 4096, vram, 0, VRAM_WC, &h),
		      ENOSPC);
	KT_ASSERT_OK(vram_create(f->fd, 4096, vram | f->placement, NEEDS_VISIBLE,
				 VRAM_WC, &h));
	KT_ASSERT_OK(xe_gem_close(f->fd, h));
}

/* A visible VRAM BO is written and read back by the CPU. */
KT_CASE(xe_dev, vram_mmap_visible)
{
	struct drm_xe_mem_region r = vram_region(f->fd);
	const uint64_t size = 1 << 20;
	volatile uint32_t *p;
	uint32_t h;

	KT_ASSERT_OK(vram_create(f->fd, size, 1u << r.instance, NEEDS_VISIBLE, VRAM_WC, &h));
	p = xe_bo_map(f->fd, h, size);
	for (uint64_t i = 0; i < size / 4; i += 1024)
		p[i] = 0xd00d0000 + (uint32_t)i;
	for (uint64_t i = 0; i < size / 4; i += 1024)
		KT_ASSERT_EQ(p[i], 0xd00d0000 + (uint32_t)i);
	munmap((void *)p, size);
	KT_ASSERT_OK(xe_gem_close(f->fd, h));
}

/* A batch in a VRAM BO stores into it; the CPU sees the word. */
KT_CASE(xe_dev, vram_bind_exec)
{
	struct drm_xe_mem_region r = vram_region(f->fd);
	uint32_t vm = xe_vm(f->fd, 0), q = xe_queue(f->fd, vm), h;
	volatile uint32_t *p;

	KT_ASSERT_OK(vram_create(f->fd, BO_SIZE, 1u << r.instance, NEEDS_VISIBLE,
				 VRAM_WC, &h));
	p = xe_bo_map(f->fd, h, BO_SIZE);
	memset((void *)p, 0, BO_SIZE);
	KT_ASSERT_OK(xe_bind_sync(f->fd, vm, DRM_XE_VM_BIND_OP_MAP, h, VA_BASE, BO_SIZE));
	xe_store_batch((uint32_t *)p, VA_BASE + 0x800, 0xfeedf00d);
	KT_ASSERT_OK(xe_exec_wait(f->fd, q, VA_BASE));
	KT_ASSERT_EQ(p[0x800 / 4], 0xfeedf00d);
	munmap((void *)p, BO_SIZE);
	KT_ASSERT_OK(xe_bind_sync(f->fd, vm, DRM_XE_VM_BIND_OP_UNMAP, 0, VA_BASE, BO_SIZE));
	KT_ASSERT_OK(xe_gem_close(f->fd, h));
}

/*
 * Small BAR: a VRAM BO without NEEDS_VISIBLE_VRAM larger than the
 * non-visible part cannot be all visible; its CPU access raises SIGBUS
 * (through the proxy too: the host never maps it for QEMU).
 */
KT_CASE(xe_dev, vram_beyond_small_bar_sigbus)
{
	struct drm_xe_mem_region r = vram_region(f->fd);
	uint32_t h;

	if (r.cpu_visible_size == r.total_size)
		kt_skip("the whole of VRAM is CPU-visible (no small BAR)");
	KT_ASSERT_OK(vram_create(f->fd, r.total_size - r.cpu_visible_size + 4096,
				 1u << r.instance, 0, VRAM_WC, &h));
	KT_ASSERT_TRUE(write_raises_sigbus(f->fd, h));
	KT_ASSERT_OK(xe_gem_close(f->fd, h));
}
