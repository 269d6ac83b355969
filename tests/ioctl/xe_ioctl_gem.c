// SPDX-License-Identifier: MIT
/*
 * Buffer objects: GEM_CREATE, GEM_MMAP_OFFSET, GEM_CLOSE (xe_bo.c) and
 * PRIME export and import (xe_dma_buf.c).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xe_ioctl.h"

/* GEM_CREATE with one field of a good request changed is EINVAL. */
#define GEM_CREATE_BAD(case_name, field, value)				\
	KT_CASE(xe_dev, case_name)					\
	{								\
		struct drm_xe_gem_create c = { .size = BO_SIZE,		\
			.placement = f->placement,			\
			.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };	\
									\
		c.field = value;					\
		KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_GEM_CREATE, &c), EINVAL); \
	}

GEM_CREATE_BAD(gem_create_size_zero, size, 0)
GEM_CREATE_BAD(gem_create_size_unaligned, size, 4097)
GEM_CREATE_BAD(gem_create_no_placement, placement, 0)
GEM_CREATE_BAD(gem_create_bad_placement, placement, 0x80000000u)
GEM_CREATE_BAD(gem_create_bad_flags, flags, 0x40000000u)
GEM_CREATE_BAD(gem_create_no_caching, cpu_caching, 0)
GEM_CREATE_BAD(gem_create_bad_caching, cpu_caching, 3)
GEM_CREATE_BAD(gem_create_handle_set, handle, 1)
GEM_CREATE_BAD(gem_create_pad, pad[1], 1)
GEM_CREATE_BAD(gem_create_reserved, reserved[0], 1)

KT_CASE(xe_dev, gem_create)
{
	struct drm_xe_gem_create c = { .size = BO_SIZE, .placement = f->placement,
				       .cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_GEM_CREATE, &c));
	KT_ASSERT_NE(c.handle, 0);
}

KT_CASE(xe_dev, gem_mmap_offset)
{
	struct drm_xe_gem_mmap_offset mo = {
		.handle = xe_bo(f->fd, f->placement, BO_SIZE) };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo));
	KT_ASSERT_NE(mo.offset, 0);
}

KT_CASE(xe_dev, gem_mmap_offset_bad_handle)
{
	struct drm_xe_gem_mmap_offset mo = {
		.handle = xe_bo(f->fd, f->placement, BO_SIZE) + 1000 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), ENOENT);
}

KT_CASE(xe_dev, gem_mmap_offset_reserved)
{
	struct drm_xe_gem_mmap_offset mo = {
		.handle = xe_bo(f->fd, f->placement, BO_SIZE), .reserved = { 0, 1 } };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), EINVAL);
}

KT_CASE(xe_dev, gem_mmap_offset_bad_flags_einval)
{
	struct drm_xe_gem_mmap_offset mo = {
		.handle = xe_bo(f->fd, f->placement, BO_SIZE), .flags = 0x100 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), EINVAL);
}

KT_CASE(xe_dev, bo_write_unmap_remap_read)
{
	uint32_t h = xe_bo(f->fd, f->placement, BO_SIZE);
	uint32_t *p = xe_bo_map(f->fd, h, BO_SIZE);
	uint32_t first, last;

	p[0] = 0xdeadbeef;
	p[BO_SIZE / 4 - 1] = 0x5a5a5a5a;
	munmap(p, BO_SIZE);
	p = xe_bo_map(f->fd, h, BO_SIZE);
	first = p[0];
	last = p[BO_SIZE / 4 - 1];
	munmap(p, BO_SIZE);
	KT_ASSERT_EQ(first, 0xdeadbeef);
	KT_ASSERT_EQ(last, 0x5a5a5a5a);
}

/*
 * A BO private to a VM has no dma-buf (xe_gem_prime_export: EPERM), but
 * its file maps it as any other (xe_bo.c).
 */
KT_CASE(xe_dev, bo_vm_private_write_read)
{
	struct drm_xe_gem_create c = { .size = BO_SIZE, .placement = f->placement,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB, .vm_id = xe_vm(f->fd, 0) };
	uint32_t *p;

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_GEM_CREATE, &c));
	p = xe_bo_map(f->fd, c.handle, BO_SIZE);
	p[0] = 0x600dcafe;
	p[BO_SIZE / 4 - 1] = 0x5a5a5a5a;
	munmap(p, BO_SIZE);
	p = xe_bo_map(f->fd, c.handle, BO_SIZE);
	KT_ASSERT_EQ(p[0], 0x600dcafe);
	KT_ASSERT_EQ(p[BO_SIZE / 4 - 1], 0x5a5a5a5a);
	munmap(p, BO_SIZE);
}

KT_CASE(xe_dev, gem_close)
{
	KT_ASSERT_OK(xe_gem_close(f->fd, xe_bo(f->fd, f->placement, BO_SIZE)));
}

KT_CASE(xe_dev, gem_close_twice)
{
	uint32_t h = xe_bo(f->fd, f->placement, BO_SIZE);

	KT_ASSERT_OK(xe_gem_close(f->fd, h));
	KT_ASSERT_ERR(xe_gem_close(f->fd, h), EINVAL);
}

/* Exports a new BO; the dma-buf fd in *@dmabuf. */
static uint32_t exported_bo(struct xe_dev *f, int *dmabuf)
{
	struct drm_prime_handle exp = { .handle = xe_bo(f->fd, f->placement, BO_SIZE),
					.flags = DRM_CLOEXEC | DRM_RDWR };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp));
	KT_ASSERT_TRUE(exp.fd >= 0);
	*dmabuf = exp.fd;
	return exp.handle;
}

KT_CASE(xe_dev, prime_export)
{
	int dmabuf;

	exported_bo(f, &dmabuf);
	close(dmabuf);
}

KT_CASE(xe_dev, prime_self_import_same_handle)
{
	int dmabuf;
	uint32_t h = exported_bo(f, &dmabuf);
	struct drm_prime_handle imp = { .fd = dmabuf };
	int ret = xioctl(f->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp);

	close(dmabuf);
	KT_ASSERT_OK(ret);
	KT_ASSERT_EQ(imp.handle, h);
}

KT_CASE(xe_dev, prime_dmabuf_mmap_sees_bo)
{
	int dmabuf;
	uint32_t h = exported_bo(f, &dmabuf), i, bad = 0;
	uint32_t *map = xe_bo_map(f->fd, h, BO_SIZE), *dmap;

	for (i = 0; i < BO_SIZE / 4; i++)
		map[i] = 0x5eed0000 + i;
	dmap = mmap(NULL, BO_SIZE, PROT_READ, MAP_SHARED, dmabuf, 0);
	close(dmabuf);
	KT_ASSERT_TRUE(dmap != MAP_FAILED);
	for (i = 0; i < BO_SIZE / 4; i++)
		bad += dmap[i] != 0x5eed0000 + i;
	munmap(dmap, BO_SIZE);
	munmap(map, BO_SIZE);
	KT_ASSERT_EQ(bad, 0);
}

KT_CASE(xe_dev, prime_export_bad_handle)
{
	struct drm_prime_handle exp = {
		.handle = xe_bo(f->fd, f->placement, BO_SIZE) + 100,
		.flags = DRM_CLOEXEC };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp), ENOENT);
}

/* A BO created for one VM stays there (xe_dma_buf.c). */
KT_CASE(xe_dev, prime_export_vm_private_eperm)
{
	struct drm_xe_gem_create c = { .size = BO_SIZE, .placement = f->placement,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB, .vm_id = xe_vm(f->fd, 0) };
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_GEM_CREATE, &c));
	exp.handle = c.handle;
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp), EPERM);
}
