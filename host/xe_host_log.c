// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: logging and the ioctl wrapper.
 *
 * Guest-triggered messages are rate limited (a hostile guest must not be able
 * to flood QEMU's stderr): at most XE_LOG_BURST per XE_LOG_INTERVAL seconds,
 * with a count of what was suppressed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>

#include "xe_host_priv.h"

#define XE_LOG_BURST	10
#define XE_LOG_INTERVAL	5

static void xe_vlog(const char *fmt, va_list ap)
{
	fputs("virtio-xe-proxy: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void xe_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xe_vlog(fmt, ap);
	va_end(ap);
}

void xe_log_ratelimited(const char *fmt, ...)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static time_t window;
	static unsigned int printed, suppressed;
	time_t now = time(NULL);
	bool print;
	va_list ap;

	pthread_mutex_lock(&lock);
	if (now - window >= XE_LOG_INTERVAL) {
		if (suppressed)
			xe_log("%u messages suppressed", suppressed);
		window = now;
		printed = 0;
		suppressed = 0;
	}
	print = printed < XE_LOG_BURST;
	if (print)
		printed++;
	else
		suppressed++;
	pthread_mutex_unlock(&lock);

	if (print) {
		va_start(ap, fmt);
		xe_vlog(fmt, ap);
		va_end(ap);
	}
}

/*
 * Unlike drmIoctl(), EAGAIN is not retried: the driver says it when a queue
 * is full (xe_exec.c) or a bind must back off, and retrying would hold
 * QEMU's thread, and every other context behind xe_host.lock, until the
 * guest's work drains. The guest gets EAGAIN and retries itself. EINTR (a
 * signal to QEMU's thread) is retried, a bounded number of times.
 */
#define XE_IOCTL_EINTR_RETRIES	16

__thread bool xe_ioctl_saw_loss __attribute__((tls_model("initial-exec")));

int xe_ioctl(int fd, unsigned long request, void *arg)
{
	int ret, tries = 0;

	if (xe_fault_armed) {
		ret = xe_fault_ioctl(request);
		if (ret)
			return ret;
	}
	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && errno == EINTR && ++tries < XE_IOCTL_EINTR_RETRIES);
	if (ret && (errno == ENODEV || errno == ECANCELED))
		xe_ioctl_saw_loss = true;
	return ret ? -errno : 0;
}
