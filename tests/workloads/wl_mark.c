// SPDX-License-Identifier: MIT
/*
 * wl_mark NODE N: a marker in the host-side simulator trace between two
 * applications of a guest run of `make workloads`. All the guest's
 * applications reach the simulator through one QEMU process, so its trace
 * is one file; tests/workloads/trace-split cuts it where this program's
 * drm_file creates its one BO: size 1000 + N pages, system memory,
 * write-combined, on a fresh file (handle 1). Nothing else in the
 * applications creates BOs of that shape as the first BO of a file.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

int main(int argc, char **argv)
{
	struct drm_xe_gem_create c = { .placement = 1,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WC };
	struct drm_gem_close cl = { 0 };
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: wl_mark NODE N\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	c.size = (1000 + strtoull(argv[2], NULL, 0)) * 4096;
	if (ioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c)) {
		perror("DRM_IOCTL_XE_GEM_CREATE");
		return 1;
	}
	cl.handle = c.handle;
	ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
	close(fd);
	return 0;
}
