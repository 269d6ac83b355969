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
 * The second device's counterpart of the xe_env fixture: a file on the
 * other xe node, a VM, a render queue and a zeroed BO bound at VA_BASE.
 * Skips the case when there is no other xe node.
 */
static void other_env(struct xe_env *first, struct xe_env *o)
{
	char path[32];

	o->fd = other_xe_node(path, sizeof(path));
	if (o->fd < 0)
		kt_skip("one xe node in this machine (%s)", xe_node);
	kt_diag("second xe node: %s (%#x; first %#x)", path, devid(o->fd),
		devid(first->fd));
	o->placement = xe_sysmem_placement(o->fd);
	KT_ASSERT_TRUE(o->placement != 0);
	o->vm = xe_vm(o->fd, 0);
	o->q = xe_queue(o->fd, o->vm);
	o->bo = xe_bo(o->fd, o->placement, BO_SIZE);
	o->map = xe_bo_map(o->fd, o->bo, BO_SIZE);
	memset(o->map, 0, BO_SIZE);
	KT_ASSERT_OK(xe_bind_sync(o->fd, o->vm, DRM_XE_VM_BIND_OP_MAP, o->bo,
				  VA_BASE, BO_SIZE));
}

static void other_env_release(struct xe_env *o)
{
	munmap(o->map, BO_SIZE);
	KT_ASSERT_OK(xe_queue_destroy(o->fd, o->q));
	KT_ASSERT_OK(xe_gem_close(o->fd, o->bo));
	KT_ASSERT_OK(xe_vm_destroy(o->fd, o->vm));
	close(o->fd);
}

/*
 * Both nodes enumerate and each runs a store on its own VM and queue; the
 * second device then finds none of the first's objects, though its own
 * file holds objects of the same kinds.
 */
KT_CASE(xe_env, two_xe_nodes_independent)
{
	struct xe_env o = { 0 };

	other_env(f, &o);

	/* each device runs its own batch into its own memory */
	xe_store_batch(f->map, VA_BASE + 0x800, 0xa11ce);
	xe_store_batch(o.map, VA_BASE + 0x800, 0xb0b);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE));
	KT_ASSERT_OK(xe_exec_wait(o.fd, o.q, VA_BASE));
	KT_ASSERT_EQ(f->map[0x800 / 4], 0xa11ce);
	KT_ASSERT_EQ(o.map[0x800 / 4], 0xb0b);

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
		struct drm_xe_gem_mmap_offset mo = { .handle = f->bo != o.bo ? f->bo : bo2 };
		struct drm_xe_exec_queue_get_property gp = {
			.exec_queue_id = f->q != o.q ? f->q : q2,
			.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN,
		};

		KT_ASSERT_ERR(xioctl(o.fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo), ENOENT);
		KT_ASSERT_ERR(xioctl(o.fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp), ENOENT);
		KT_ASSERT_ERR(xe_vm_destroy(o.fd, f->vm != o.vm ? f->vm : vm2), ENOENT);
		/* and they still work on their own device */
		KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo));
		KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp));
		KT_ASSERT_OK(xe_queue_destroy(f->fd, q2));
		KT_ASSERT_OK(xe_vm_destroy(f->fd, vm2));
		KT_ASSERT_OK(xe_gem_close(f->fd, bo2));
	}
	/* the first device's data is untouched by the second's work */
	KT_ASSERT_EQ(f->map[0x800 / 4], 0xa11ce);
	other_env_release(&o);
}

/*
 * PRIME between the devices (render offload): the second device imports
 * the first's BO, binds it and stores into it; the first sees the data.
 * Importing the same dma-buf again into that file gives the same handle
 * (drm_prime's per-file lookup), and the import is not the second
 * device's own BO.
 */
KT_CASE(xe_env, two_xe_nodes_prime)
{
	struct drm_prime_handle exp = { .handle = f->bo, .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_prime_handle imp = { 0 }, again = { 0 };
	struct xe_env o = { 0 };
	const uint64_t va = VA_BASE + 0x100000;

	other_env(f, &o);
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp));
	imp.fd = exp.fd;
	KT_ASSERT_OK(xioctl(o.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp));
	again.fd = exp.fd;
	KT_ASSERT_OK(xioctl(o.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &again));
	KT_ASSERT_EQ(again.handle, imp.handle);
	KT_ASSERT_NE(imp.handle, o.bo);
	close(exp.fd);

	KT_ASSERT_OK(xe_bind_sync(o.fd, o.vm, DRM_XE_VM_BIND_OP_MAP, imp.handle, va,
				  BO_SIZE));
	xe_store_batch(o.map, va + 0x40, 0x5ca1ab1e);
	KT_ASSERT_OK(xe_exec_wait(o.fd, o.q, VA_BASE));
	KT_ASSERT_EQ(f->map[0x40 / 4], 0x5ca1ab1e);
	/* and the first device's own work on it lands where the second reads */
	xe_store_batch(f->map + 0x1000 / 4, VA_BASE + 0x80, 0xfeed);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE + 0x1000));
	{
		uint32_t *m = xe_bo_map(o.fd, imp.handle, BO_SIZE);

		KT_ASSERT_EQ(m[0x80 / 4], 0xfeed);
		munmap(m, BO_SIZE);
	}
	KT_ASSERT_OK(xe_bind_sync(o.fd, o.vm, DRM_XE_VM_BIND_OP_UNMAP, 0, va, BO_SIZE));
	KT_ASSERT_OK(xe_gem_close(o.fd, imp.handle));
	other_env_release(&o);
}
