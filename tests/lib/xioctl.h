/* SPDX-License-Identifier: MIT */
/*
 * ioctl() for the tests: retried on EINTR and EAGAIN as libdrm's drmIoctl()
 * does, and the result as 0 or -errno so a check can compare it directly.
 */
#ifndef TESTS_XIOCTL_H
#define TESTS_XIOCTL_H

#include <errno.h>
#include <sys/ioctl.h>

static inline int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

#endif
