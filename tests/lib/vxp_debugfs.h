/* SPDX-License-Identifier: MIT */
/*
 * The driver's debugfs counters, as the guest test programs read them.
 */
#ifndef TESTS_VXP_DEBUGFS_H
#define TESTS_VXP_DEBUGFS_H

#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/*
 * Bytes the host has been asked to copy for scanout (the "copies" file of
 * the DRM minor behind @fd), or -1 when it cannot be read: another driver,
 * or debugfs not mounted.
 */
static inline long long vxp_host_copy_bytes(int fd)
{
	char path[80];
	long long v = -1;
	struct stat st;
	FILE *f;

	if (fstat(fd, &st))
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/copies",
		 minor(st.st_rdev));
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "host_copy_bytes %lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

#endif
