// SPDX-License-Identifier: MIT
/*
 * Helper of tests/module/reload_open.sh and pci_remove.sh: keep an xe file open with a BO
 * mapped while the device goes away underneath. Prints "held", waits for a
 * line on stdin, then checks that the file now fails with ENODEV (the
 * device was unplugged), and unmaps and closes. Exit 0 on the expected
 * outcome. "hold_open --query NODE" only checks that a config query works.
 * "hold_open --ufence NODE" prints "waiting" and waits without end for a
 * user fence nobody writes; unplug must end the wait with ENODEV.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

int main(int argc, char **argv)
{
	struct drm_xe_gem_create gc = { .size = 65536, .placement = 1,
					.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_gem_mmap_offset mo = { 0 };
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_CONFIG };
	char line[16];
	uint32_t *map;
	int fd, err;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "--ufence")) {
		static uint64_t word;
		struct drm_xe_wait_user_fence w = {
			.addr = (uintptr_t)&word, .op = DRM_XE_UFENCE_WAIT_OP_EQ,
			.value = 1, .mask = ~0ULL, .timeout = -1,
		};

		fd = argc > 2 ? open(argv[2], O_RDWR | O_CLOEXEC) : -1;
		if (fd < 0)
			return 1;
		printf("waiting\n");
		fflush(stdout);
		err = ioctl(fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w) ? errno : 0;
		printf("wait ended: %s\n", err ? strerror(err) : "fence seen");
		close(fd);
		return err == ENODEV ? 0 : 1;
	}
	if (!strcmp(argv[1], "--query")) {
		fd = argc > 2 ? open(argv[2], O_RDWR | O_CLOEXEC) : -1;
		if (fd < 0 || ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) || !q.size)
			return 1;
		close(fd);
		return 0;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &gc))
		return 3;
	mo.handle = gc.handle;
	if (ioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return 4;
	map = mmap(NULL, gc.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	if (map == MAP_FAILED)
		return 5;
	map[0] = 0x5a5a5a5a;
	printf("held\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 6;
	err = ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) ? errno : 0;
	printf("after unplug: %s\n", err ? strerror(err) : "ioctl still works");
	munmap(map, gc.size);
	close(fd);
	return err == ENODEV ? 0 : 1;
}
