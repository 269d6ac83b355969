// SPDX-License-Identifier: MIT
/*
 * Two xe devices in one machine: each has its own render node, runs its
 * own work, and no object of one is reachable through the other (handles,
 * VM and queue ids are per DRM file of a device, as drm_file is). Skipped
 * when the machine has one xe node.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xe_ioctl.h"
#include "xe_query.h"

/* Whether @fd is a DRM node of the xe driver (DRM_IOCTL_VERSION). */
static bool is_xe(int fd)
{
	char name[8] = "";
	struct drm_version v = { .name_len = sizeof(name) - 1, .name = name };

	return !xioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "xe");
}

/* An open render node of another xe device than @xe_node's, or -1. */
static int other_xe_node(char *path, size_t len)
{
	struct stat ours, st;

	if (stat(xe_node, &ours))
		KT_FAIL("stat %s: %s", xe_node, strerror(errno));
	for (unsigned int minor = 128; minor < 192; minor++) {
		int fd;

		snprintf(path, len, "/dev/dri/renderD%u", minor);
		if (stat(path, &st) || st.st_rdev == ours.st_rdev)
			continue;
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_xe(fd))
			return fd;
		close(fd);
	}
	return -1;
}

/* The device's PCI id (QUERY_CONFIG), so the diagnostics name both. */
static uint32_t devid(int fd)
{
	struct drm_xe_query_config *c;
	uint32_t size, id;

	KT_ASSERT_OK(xe_query(fd, DRM_XE_DEVICE_QUERY_CONFIG, (void **)&c, &size));
	id = c->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff;
	free(c);
	return id;
}

/*
 * Both nodes enumerate and each runs a store on its own VM and queue; the
 * second device then finds none of the first's objects, though its own
 * file holds objects of the same kinds.
 */
KT_CASE(xe_env, two_xe_nodes_independent)
{
	char path[32];
	int fd = other_xe_node(path, sizeof(path));
	uint32_t placement, vm, q, bo;
	uint32_t *map;

	if (fd < 0)
		kt_skip("one xe node in this machine (%s)", xe_node);
	kt_diag("second xe node: %s (%#x; first %#x)", path, devid(fd), devid(f->fd));
	placement = xe_sysmem_placement(fd);
	KT_ASSERT_TRUE(placement != 0);
	vm = xe_vm(fd, 0);
	q = xe_queue(fd, vm);
	bo = xe_bo(fd, placement, BO_SIZE);
	map = xe_bo_map(fd, bo, BO_SIZE);
	memset(map, 0, BO_SIZE);
	KT_ASSERT_OK(xe_bind_sync(fd, vm, DRM_XE_VM_BIND_OP_MAP, bo, VA_BASE, BO_SIZE));

	/* each device runs its own batch into its own memory */
	xe_store_batch(f->map, VA_BASE + 0x800, 0xa11ce);
	xe_store_batch(map, VA_BASE + 0x800, 0xb0b);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE));
	KT_ASSERT_OK(xe_exec_wait(fd, q, VA_BASE));
	KT_ASSERT_EQ(f->map[0x800 / 4], 0xa11ce);
	KT_ASSERT_EQ(map[0x800 / 4], 0xb0b);

	/*
	 * Ids of the first device's objects name nothing in the second
	 * device's file (ENOENT, as any unknown id), though that file holds
	 * one object of each kind: of the first's two of each, one at least
	 * differs from the second's one.
	 */
	{
		uint32_t bo2 = xe_bo(f->fd, f->placement, BO_SIZE);
		uint32_t vm2 = xe_vm(f->fd, 0);
		uint32_t q2 = xe_queue(f->fd, vm2);
		struct drm_xe_gem_mmap_offset mo = { .handle = f->bo != bo ? f->bo : bo2 };
		struct drm_xe_exec_queue_get_property gp = {
			.exec_queue_id = f->q != q ? f->q : q2,
			.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN,
		};

		KT_ASSERT_ERR(xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), ENOENT);
		KT_ASSERT_ERR(xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp), ENOENT);
		KT_ASSERT_ERR(xe_vm_destroy(fd, f->vm != vm ? f->vm : vm2), ENOENT);
		/* and they still work on their own device */
		KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo));
		KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
		KT_ASSERT_OK(xe_queue_destroy(f->fd, q2));
		KT_ASSERT_OK(xe_vm_destroy(f->fd, vm2));
		KT_ASSERT_OK(xe_gem_close(f->fd, bo2));
	}
	/* the first device's data is untouched by the second's work */
	KT_ASSERT_EQ(f->map[0x800 / 4], 0xa11ce);

	munmap(map, BO_SIZE);
	KT_ASSERT_OK(xe_queue_destroy(fd, q));
	KT_ASSERT_OK(xe_gem_close(fd, bo));
	KT_ASSERT_OK(xe_vm_destroy(fd, vm));
	close(fd);
}
