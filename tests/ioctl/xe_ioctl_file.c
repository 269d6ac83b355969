// SPDX-License-Identifier: MIT
/*
 * What one file, process or user may see or do: ids are per file
 * (xe_device.c's xe_file), and exec-queue priority above NORMAL needs
 * CAP_SYS_NICE (xe_exec_queue.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xe_ioctl.h"

/* Runs @child(@f, @vm, @q) in a forked process; returns its exit status. */
static int in_child(int (*child)(struct xe_dev *f, uint32_t vm, uint32_t q),
		    struct xe_dev *f, uint32_t vm, uint32_t q)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child(f, vm, q));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		KT_FAIL("cannot run the child process");
	if (!WIFEXITED(status))
		KT_FAIL("child: status %#x", status);
	return WEXITSTATUS(status);
}

/*
 * In a child, where a check cannot end the case: 0 if @got is -@want, else
 * a diagnostic and @bit for the exit status.
 */
static int child_expect(const char *what, int got, int want, int bit)
{
	char g[32];

	if (got == -want)
		return 0;
	snprintf(g, sizeof(g), "%s", kt_errname(got));
	kt_diag("child: %s: got %s, want %s", what, g, kt_errname(-want));
	return bit;
}

static int other_file_sees_ids(struct xe_dev *f, uint32_t vm, uint32_t q)
{
	struct drm_xe_exec_queue_get_property gp = { .exec_queue_id = q,
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN };
	int cfd = open(xe_node, O_RDWR | O_CLOEXEC), bad = 0;

	(void)f;
	if (cfd < 0)
		return 1;
	bad |= child_expect("queue get_property", xioctl(cfd,
			    DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &gp), ENOENT, 2);
	bad |= child_expect("vm_destroy", xe_vm_destroy(cfd, vm), ENOENT, 4);
	return bad;
}

/* Another process, another file: none of our ids mean anything there. */
KT_CASE(xe_dev, other_process_cannot_see_ids)
{
	uint32_t vm = xe_vm(f->fd, 0);

	/* 1: open failed, 2: queue id seen, 4: VM id seen */
	KT_ASSERT_EQ(in_child(other_file_sees_ids, f, vm, xe_queue(f->fd, vm)), 0);
}

KT_CASE(xe_dev, ids_still_ours)
{
	uint32_t vm = xe_vm(f->fd, 0), q = xe_queue(f->fd, vm);

	KT_ASSERT_EQ(in_child(other_file_sees_ids, f, vm, q), 0);
	KT_ASSERT_OK(xe_queue_destroy(f->fd, q));
	KT_ASSERT_OK(xe_vm_destroy(f->fd, vm));
}

/*
 * The child drops root on the already open file, as IGT's
 * xe_exec_queue_property does; then the config query says NORMAL is its
 * maximum and HIGH is refused.
 */
static int unprivileged_priorities(struct xe_dev *f, uint32_t vm, uint32_t q)
{
	struct drm_xe_engine_class_instance eci = { .engine_class = RENDER_CLASS };
	struct drm_xe_ext_set_property prio = {
		.base.name = DRM_XE_EXEC_QUEUE_EXTENSION_SET_PROPERTY,
		.property = DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY,
		.value = 2 };
	struct drm_xe_exec_queue_create qc = { .width = 1, .num_placements = 1,
		.vm_id = vm, .instances = (uintptr_t)&eci,
		.extensions = (uintptr_t)&prio };
	struct drm_xe_query_config *cfg;
	uint32_t size;
	int bad = 0;

	(void)q;
	if (setresuid(65534, 65534, 65534))
		return 1;
	bad |= child_expect("config query",
			    xe_query(f->fd, DRM_XE_DEVICE_QUERY_CONFIG, (void **)&cfg, &size),
			    0, 2);
	if (!bad && cfg->info[DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY] != 1) {
		kt_diag("child: max priority %llu, want 1", (unsigned long long)
			cfg->info[DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY]);
		bad |= 2;
	}
	bad |= child_expect("priority HIGH",
			    xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc), EPERM, 4);
	prio.value = 3;
	bad |= child_expect("priority 3",
			    xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc), EINVAL, 8);
	prio.value = 1;
	bad |= child_expect("priority NORMAL",
			    xioctl(f->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc), 0, 16);
	if (!bad && !qc.exec_queue_id)
		bad |= 16;
	return bad;
}

KT_CASE(xe_dev, priority_high_needs_cap_sys_nice)
{
	/* 1: setresuid, 2: max priority, 4: HIGH not EPERM, 8: 3 not EINVAL,
	 * 16: NORMAL refused */
	KT_ASSERT_EQ(in_child(unprivileged_priorities, f, xe_vm(f->fd, 0), 0), 0);
}

/*
 * A file whose BO is still mapped stays open after close(), on xe as here:
 * the mapping holds the file, and the guest file holds a host context. IGT's
 * xe_exec_reset keeps more than 64 such files in one process. All of them
 * must keep working, and so must a file opened after them.
 */
#define MAPPED_FILES	150

static int mapped_file(uint32_t placement, uint32_t **map)
{
	struct drm_xe_gem_create c = {
		.size = 4096, .placement = placement,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB,
	};
	struct drm_xe_gem_mmap_offset mo = { 0 };
	int fd = open(xe_node, O_RDWR | O_CLOEXEC), err;

	*map = MAP_FAILED;
	if (fd < 0)
		return -errno;
	err = xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c);
	mo.handle = c.handle;
	if (!err)
		err = xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	if (!err) {
		*map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			    (off_t)mo.offset);
		if (*map == MAP_FAILED)
			err = -errno;
	}
	close(fd);
	return err;
}

KT_CASE(xe_dev, closed_mapped_files_stay_usable)
{
	uint32_t *maps[MAPPED_FILES];
	int n, i, err = 0, later, changed = 0;

	for (n = 0; n < MAPPED_FILES; n++) {
		err = mapped_file(f->placement, &maps[n]);
		if (err)
			break;
		maps[n][0] = 0x600d0000u | n;
	}
	later = open(xe_node, O_RDWR | O_CLOEXEC);
	if (later >= 0) {
		struct drm_xe_vm_create vc = { 0 };

		err = err ? err : xioctl(later, DRM_IOCTL_XE_VM_CREATE, &vc);
		close(later);
	}
	for (i = 0; i < n; i++) {
		changed += maps[i][0] != (0x600d0000u | i);
		munmap(maps[i], 4096);
	}
	if (n < MAPPED_FILES)
		kt_diag("file %d of %d: %s", n + 1, MAPPED_FILES, kt_errname(err));
	KT_ASSERT_EQ(n, MAPPED_FILES);
	KT_ASSERT_TRUE(later >= 0);
	KT_ASSERT_OK(err);
	KT_ASSERT_EQ(changed, 0);
}
