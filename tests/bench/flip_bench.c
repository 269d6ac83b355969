// SPDX-License-Identifier: MIT
/*
 * Page-flip rate of a card node, for tests/bench/run:
 *
 *   flip_bench MODE CARD KIND [N]
 *
 * Sets the connector's preferred mode with one of two full-screen
 * buffers, then flips between them N times (default 200), each flip
 * waited for by its event: "rate MODE flip_KIND FLIPS_PER_SECOND". KIND
 * is "dumb" (MODE_CREATE_DUMB) or "xe" (DRM_IOCTL_XE_GEM_CREATE, linear,
 * SCANOUT, write-combined, as GBM allocates for scanout). Every flip
 * shows a whole new frame, so each costs a full-screen copy or flush on
 * the host.
 *
 * Also "copy MODE flip_KIND BYTES FRAME": the bytes the host copied per
 * flip for TRANSFER_TO_HOST_2D, counted over the flips, and a frame's. Through this driver from
 * its debugfs "copies"; through virtio_gpu, which counts nothing, from the
 * kprobe event guest.sh puts on virtio_gpu_cmd_transfer_to_host_2d()
 * (bench/xfer, the rectangle's width and height). Neither driver copies
 * pixels in the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <drm/xe_drm.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "vxp_debugfs.h"
#include "xe_query.h"

static int fd;
static unsigned int seen;

static void on_flip(int fd_, unsigned int seq, unsigned int sec,
		    unsigned int usec, void *data)
{
	(void)fd_; (void)seq; (void)sec; (void)usec; (void)data;
	seen++;
}

/* A full-screen XRGB8888 buffer of @kind with a framebuffer; 0 or -errno. */
static int buffer(const char *kind, uint32_t w, uint32_t h, uint32_t *fb)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};

	if (!strcmp(kind, "dumb")) {
		struct drm_mode_create_dumb c = { .width = w, .height = h, .bpp = 32 };

		if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
			return -errno;
		handles[0] = c.handle;
		pitches[0] = c.pitch;
	} else {
		struct drm_xe_gem_create c = {
			.placement = xe_sysmem_placement(fd),
			.flags = DRM_XE_GEM_CREATE_FLAG_SCANOUT,
			.cpu_caching = DRM_XE_GEM_CPU_CACHING_WC,
		};

		pitches[0] = (w * 4 + 63) & ~63u;
		c.size = ((uint64_t)pitches[0] * h + 4095) & ~4095ull;
		if (xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &c))
			return -errno;
		handles[0] = c.handle;
	}
	return drmModeAddFB2(fd, w, h, DRM_FORMAT_XRGB8888, handles, pitches,
			     offsets, fb, 0) ? -errno : 0;
}

/* The bench/xfer kprobe's rectangles so far, in bytes; -1 without it. */
static long long traced_copies(void)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[80], line[512];
	long long sum = 0;
	int enabled = 0;
	FILE *f = NULL;

	for (size_t i = 0; i < 2 && !enabled; i++) {
		snprintf(path, sizeof(path), "%s/events/bench/xfer/enable", roots[i]);
		f = fopen(path, "re");
		if (f && fscanf(f, "%d", &enabled) != 1)
			enabled = 0;
		if (f)
			fclose(f);
		if (enabled) {
			snprintf(path, sizeof(path), "%s/trace", roots[i]);
			f = fopen(path, "re");
		}
	}
	if (!enabled || !f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *w = strstr(line, " xfer: ");
		unsigned int width, height;

		w = w ? strstr(w, "w=") : NULL;
		if (w && sscanf(w, "w=%u h=%u", &width, &height) == 2)
			sum += (long long)width * height * 4;
	}
	fclose(f);
	return sum;
}

static long long host_copies(void)
{
	long long v = vxp_host_copy_bytes(fd);

	return v >= 0 ? v : traced_copies();
}

int main(int argc, char **argv)
{
	drmEventContext ev = { .version = 2, .page_flip_handler = on_flip };
	drmModeModeInfoPtr mode = NULL;
	drmModeConnectorPtr conn = NULL;
	unsigned int n = argc > 4 ? (unsigned int)atoi(argv[4]) : 200;
	struct timespec t0, t1;
	long long copied0, copied1;
	uint32_t fb[2], crtc;
	drmModeResPtr res;
	double s;
	int ret;

	if (argc < 4 || !n) {
		fprintf(stderr, "usage: %s MODE CARD dumb|xe [N]\n", argv[0]);
		return 2;
	}
	fd = open(argv[2], O_RDWR | O_CLOEXEC);
	res = fd < 0 ? NULL : drmModeGetResources(fd);
	for (int i = 0; res && i < res->count_connectors && !mode; i++) {
		drmModeFreeConnector(conn);
		conn = drmModeGetConnector(fd, res->connectors[i]);
		for (int m = 0; conn && conn->connection == DRM_MODE_CONNECTED &&
		     m < conn->count_modes; m++)
			if (conn->modes[m].type & DRM_MODE_TYPE_PREFERRED)
				mode = &conn->modes[m];
	}
	if (!mode || !res->count_crtcs) {
		fprintf(stderr, "flip_bench: no connected output on %s\n", argv[2]);
		return 1;
	}
	crtc = res->crtcs[0];
	ret = buffer(argv[3], mode->hdisplay, mode->vdisplay, &fb[0]);
	if (!ret)
		ret = buffer(argv[3], mode->hdisplay, mode->vdisplay, &fb[1]);
	if (!ret && drmModeSetCrtc(fd, crtc, fb[0], 0, 0, &conn->connector_id, 1, mode))
		ret = -errno;
	copied0 = host_copies();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int i = 0; !ret && i < n; i++) {
		if (drmModePageFlip(fd, crtc, fb[(i + 1) % 2], DRM_MODE_PAGE_FLIP_EVENT, NULL))
			ret = -errno;
		while (!ret && seen <= i)
			if (drmHandleEvent(fd, &ev))
				ret = -EIO;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	copied1 = host_copies();
	if (ret) {
		fprintf(stderr, "flip_bench: %s on %s: %s\n", argv[3], argv[2], strerror(-ret));
		return 1;
	}
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %s %s: %u flips of %ux%u in %.3f s\n", argv[1], argv[3], n,
	       mode->hdisplay, mode->vdisplay, s);
	printf("rate %s flip_%s %.1f\n", argv[1], argv[3], n / s);
	if (copied0 >= 0 && copied1 >= copied0)
		printf("copy %s flip_%s %lld %llu\n", argv[1], argv[3],
		       (copied1 - copied0) / n,
		       (unsigned long long)mode->hdisplay * mode->vdisplay * 4);
	else
		printf("# %s %s: no count of host copies\n", argv[1], argv[3]);
	return 0;
}
