// SPDX-License-Identifier: MIT
/*
 * Guest side of `make display-test`: a small KMS client on the xe card node.
 *
 *   display_kms CARD ACK_FD
 *
 * Lists the connector, CRTC and planes (what modetest shows), then sets the
 * preferred mode with a dumb buffer holding pattern A, updates part of it
 * with DIRTYFB, and page-flips between it and a buffer holding pattern B.
 * Before each picture is checked it prints "# CAPTURE NAME ARGS" and waits
 * for the host's answer on ACK_FD (the guest's /dev/ttyS2): the host takes
 * a capture of QEMU's window and compares it with what NAME says
 * (capture.py). Last, the host resizes QEMU's window: the guest must get a
 * hotplug uevent, the new size as the preferred mode, and a modeset to it
 * must show. Between the two, framebuffers of xe BOs (GEM_CREATE, as
 * GBM allocates them): one written through its CPU mapping, one by the
 * GPU with store-dword batches, both shown pixel for pixel, and 300 page
 * flips between them; then every other primary plane format (ARGB8888,
 * XBGR8888, ABGR8888) in an xe BO and in a dumb buffer, pattern A in
 * that format's bytes, shown pixel for pixel (a swap of red and blue, or
 * an alpha shown, fails); then the cursor plane, set, moved and hidden.
 * KTAP on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include <drm/xe_drm.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "ktap.h"
#include "vxp_debugfs.h"
#include "xe_ccmd.h"	/* CCMD_PAT_WB, the batch encodings */
#include "xe_query.h"
#include "xe_submit.h"

/* Shared with capture.py: the expected pixels, 0xRRGGBB. */
static uint32_t pattern_a(uint32_t x, uint32_t y)
{
	return (x & 0xff) << 16 | (y & 0xff) << 8 | ((x ^ y) & 0xff);
}

static uint32_t pattern_b(uint32_t x, uint32_t y)
{
	return (0xff - (x & 0xff)) << 16 | ((x + y) & 0xff) << 8 | (y * 3 & 0xff);
}

#define DAMAGE_COLOR	0x00ff8000u
#define UNDAMAGED_COLOR	0x000000ffu
#define FLIPS		31
#define XE_FLIPS	300

struct dumb {
	uint32_t handle, pitch, fb;
	uint64_t size;
	uint32_t *map;
};

static int fd, ack_fd;
static uint32_t width, height;

/*
 * Ask the host to capture and check; its answer is one line, "ok" when
 * the capture matched. Returns 0 then.
 */
static int capture(const char *what)
{
	char line[64];
	size_t n = 0;
	char c;

	printf("# CAPTURE %s\n", what);
	fflush(stdout);
	do {
		if (read(ack_fd, &c, 1) != 1)
			return -1;
		if (n < sizeof(line) - 1)
			line[n++] = c;
	} while (c != '\n');
	line[n] = 0;
	return strncmp(line, "ok", 2) ? -1 : 0;
}

/* The primary plane's formats, as IN_FORMATS must list them */
static const struct {
	uint32_t format;
	const char *name;
} formats[] = {
	{ DRM_FORMAT_XRGB8888, "xrgb8888" },
	{ DRM_FORMAT_ARGB8888, "argb8888" },
	{ DRM_FORMAT_XBGR8888, "xbgr8888" },
	{ DRM_FORMAT_ABGR8888, "abgr8888" },
};

#define NUM_FORMATS	(sizeof(formats) / sizeof(formats[0]))

/*
 * The 32-bit word of colour 0xRRGGBB in @format, its X or A byte @a: the
 * BGR formats hold red in the low byte. The primary plane shows no alpha,
 * so any @a must show the colour as it is.
 */
static uint32_t pixel(uint32_t format, uint32_t rgb, uint32_t a)
{
	uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;

	if (format == DRM_FORMAT_XBGR8888 || format == DRM_FORMAT_ABGR8888)
		return a << 24 | b << 16 | g << 8 | r;
	return a << 24 | r << 16 | g << 8 | b;
}

/* An alpha (or X) byte that changes across the picture, 0 and 0xff too */
static uint32_t alpha_at(uint32_t x, uint32_t y)
{
	return (x * 5 + y * 3) & 0xff;
}

static int dumb_create_fmt(struct dumb *d, uint32_t (*fill)(uint32_t, uint32_t),
			   uint32_t format)
{
	struct drm_mode_create_dumb create = { .width = width, .height = height, .bpp = 32 };
	struct drm_mode_map_dumb map = {};
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	void *p;

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		return -errno;
	d->handle = create.handle;
	d->pitch = create.pitch;
	d->size = create.size;
	map.handle = d->handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		return -errno;
	p = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
	if (p == MAP_FAILED)
		return -errno;
	d->map = p;
	for (uint32_t y = 0; y < height; y++)
		for (uint32_t x = 0; x < width; x++)
			d->map[y * (d->pitch / 4) + x] =
				format == DRM_FORMAT_XRGB8888 ? fill(x, y) :
				pixel(format, fill(x, y), alpha_at(x, y));
	handles[0] = d->handle;
	pitches[0] = d->pitch;
	if (drmModeAddFB2(fd, width, height, format, handles, pitches, offsets,
			  &d->fb, 0))
		return -errno;
	return 0;
}

static int dumb_create(struct dumb *d, uint32_t (*fill)(uint32_t, uint32_t))
{
	return dumb_create_fmt(d, fill, DRM_FORMAT_XRGB8888);
}

static void fill_rect(struct dumb *d, uint32_t x0, uint32_t y0, uint32_t w,
		      uint32_t h, uint32_t color)
{
	for (uint32_t y = y0; y < y0 + h; y++)
		for (uint32_t x = x0; x < x0 + w; x++)
			d->map[y * (d->pitch / 4) + x] = color;
}

/* The id of a KMS object's property, 0 when it has none of that name. */
static uint32_t prop_id(uint32_t obj, uint32_t type, const char *name,
			uint64_t *value)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			id = p->prop_id;
			if (value)
				*value = props->prop_values[i];
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static int has_prop(uint32_t obj, uint32_t type, const char *name)
{
	return prop_id(obj, type, name, NULL) != 0;
}

/*
 * IN_FORMATS of a plane lists the formats of formats[] with the linear
 * modifier and nothing else: the formats and modifiers that work.
 */
static int in_formats_linear_only(uint32_t plane)
{
	struct drm_format_modifier_blob *blob;
	struct drm_format_modifier *mods;
	drmModePropertyBlobPtr b;
	uint64_t value = 0;
	uint32_t *plane_formats;
	int ok;

	if (!prop_id(plane, DRM_MODE_OBJECT_PLANE, "IN_FORMATS", &value))
		return 0;
	b = drmModeGetPropertyBlob(fd, value);
	if (!b)
		return 0;
	blob = b->data;
	plane_formats = (uint32_t *)((char *)blob + blob->formats_offset);
	mods = (struct drm_format_modifier *)((char *)blob + blob->modifiers_offset);
	ktap_diag("IN_FORMATS: %u formats, %u modifiers, first 0x%llx",
		  blob->count_formats, blob->count_modifiers,
		  blob->count_modifiers ? (unsigned long long)mods[0].modifier : 0ULL);
	ok = blob->count_formats == NUM_FORMATS && blob->count_modifiers == 1 &&
	     mods[0].modifier == DRM_FORMAT_MOD_LINEAR &&
	     mods[0].formats == (1ull << NUM_FORMATS) - 1;
	/* each listed once, in any order */
	for (uint32_t i = 0; ok && i < NUM_FORMATS; i++) {
		uint32_t seen = 0;

		for (uint32_t j = 0; j < blob->count_formats; j++)
			seen += plane_formats[j] == formats[i].format;
		ok = seen == 1;
	}
	drmModeFreePropertyBlob(b);
	return ok;
}

/*
 * An atomic commit of the framebuffer already shown, with FB_DAMAGE_CLIPS
 * naming one rectangle.
 */
static int commit_damage(uint32_t plane, uint32_t fb,
			 const struct drm_mode_rect *clip)
{
	uint32_t fb_prop = prop_id(plane, DRM_MODE_OBJECT_PLANE, "FB_ID", NULL);
	uint32_t damage_prop = prop_id(plane, DRM_MODE_OBJECT_PLANE,
				       "FB_DAMAGE_CLIPS", NULL);
	drmModeAtomicReqPtr req;
	uint32_t blob;
	int ret;

	if (!fb_prop || !damage_prop ||
	    drmModeCreatePropertyBlob(fd, clip, sizeof(*clip), &blob))
		return -EINVAL;
	req = drmModeAtomicAlloc();
	ret = req && drmModeAtomicAddProperty(req, plane, fb_prop, fb) > 0 &&
	      drmModeAtomicAddProperty(req, plane, damage_prop, blob) > 0 ?
	      drmModeAtomicCommit(fd, req, 0, NULL) : -EINVAL;
	if (ret)
		ret = ret < 0 && ret != -1 ? ret : -errno;
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(fd, blob);
	return ret;
}

static uint32_t flips_seen, flips_out_of_order;

static void on_flip(int fd_, unsigned int seq, unsigned int sec, unsigned int usec,
		    void *data)
{
	(void)fd_; (void)seq; (void)sec; (void)usec;
	if ((uintptr_t)data != flips_seen)
		flips_out_of_order++;
	flips_seen++;
}

/* A socket that receives the kernel's uevents, as udev's does. */
static int uevent_socket(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	if (s >= 0 && bind(s, (struct sockaddr *)&addr, sizeof(addr))) {
		close(s);
		s = -1;
	}
	return s;
}

/*
 * Wait for a DRM hotplug uevent ("HOTPLUG=1" of subsystem drm). The wait
 * is bounded only so that a missing event fails the case, not the run.
 */
static int wait_hotplug(int s)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	char buf[4096];

	while (poll(&pfd, 1, 60000) == 1) {
		ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);
		int drm = 0, hotplug = 0;

		if (n <= 0)
			return -1;
		buf[n] = 0;
		/* NUL-separated KEY=VALUE strings after "ACTION@DEVPATH" */
		for (char *p = buf; p < buf + n; p += strlen(p) + 1) {
			drm |= !strcmp(p, "SUBSYSTEM=drm");
			hotplug |= !strcmp(p, "HOTPLUG=1");
		}
		if (drm && hotplug)
			return 0;
	}
	return -1;
}

/* The connector's preferred mode, probed again; 0 when it has none. */
static int preferred_mode(uint32_t connector_id, drmModeModeInfo *out)
{
	drmModeConnectorPtr c = drmModeGetConnector(fd, connector_id);
	int found = 0;

	for (int m = 0; c && m < c->count_modes && !found; m++) {
		if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED) {
			*out = c->modes[m];
			found = 1;
		}
	}
	drmModeFreeConnector(c);
	return found;
}

/*
 * 5. The host resizes QEMU's window to RESIZE_W x RESIZE_H: a hotplug
 * uevent comes, the connector's preferred mode is the new size, and a
 * modeset to it shows a new buffer pixel for pixel.
 */
#define RESIZE_W	1024
#define RESIZE_H	768

static void resize(uint32_t connector_id, uint32_t crtc)
{
	drmModeModeInfo mode = {};
	struct dumb c = {};
	char what[64];
	int s = uevent_socket(), ret = -1, events = 0;

	snprintf(what, sizeof(what), "resize %u %u", RESIZE_W, RESIZE_H);
	if (s < 0 || capture(what)) {
		ktap_diag("no uevent socket (%s) or the host could not resize",
			  strerror(errno));
	} else {
		/* QEMU may tell of other sizes first (its window settling) */
		while (events < 10 && !wait_hotplug(s)) {
			events++;
			if (preferred_mode(connector_id, &mode) &&
			    mode.hdisplay == RESIZE_W && mode.vdisplay == RESIZE_H) {
				ret = 0;
				break;
			}
		}
		ktap_diag("%d hotplug events, preferred mode %ux%u", events,
			  mode.hdisplay, mode.vdisplay);
	}
	if (s >= 0)
		close(s);
	ktap_test(events > 0, "resize_hotplug_uevent");
	ktap_test(!ret, "resize_new_preferred_mode");
	if (!ret) {
		width = mode.hdisplay;
		height = mode.vdisplay;
		ret = dumb_create(&c, pattern_a);
	}
	if (!ret)
		ret = drmModeSetCrtc(fd, crtc, c.fb, 0, 0, &connector_id, 1, &mode) ?
		      -errno : 0;
	snprintf(what, sizeof(what), "pattern_a %u %u", width, height);
	ktap_test(!ret && !capture(what), "resize_modeset");
}

/*
 * A framebuffer taller than its dumb buffer is refused, though the page
 * the buffer was rounded up to could hold the lines (the core only checks
 * the object's size): the host resource has no such lines.
 */
static int taller_fb_refused(void)
{
	struct drm_mode_create_dumb create = { .width = 16, .height = 16, .bpp = 32 };
	struct drm_mode_destroy_dumb destroy = {};
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {}, fb;
	int refused;

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		return 0;
	handles[0] = create.handle;
	pitches[0] = create.pitch;
	if (!drmModeAddFB2(fd, 16, 17, DRM_FORMAT_XRGB8888, handles, pitches,
			   offsets, &fb, 0)) {
		ktap_diag("16x17 framebuffer of a 16x16 dumb buffer (%llu bytes) taken",
			  (unsigned long long)create.size);
		drmModeRmFB(fd, fb);
		refused = 0;
	} else {
		refused = errno == EINVAL;
	}
	if (!drmModeAddFB2(fd, 16, 16, DRM_FORMAT_XRGB8888, handles, pitches,
			   offsets, &fb, 0))
		drmModeRmFB(fd, fb);
	else
		refused = 0;
	destroy.handle = create.handle;
	drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	return refused;
}

/*
 * 6. Framebuffers of xe BOs, as GBM allocates them for scanout with iris:
 * linear, SCANOUT, write-combined, 64-byte aligned pitch.
 */
struct xbo {
	uint32_t handle, pitch, fb;
	uint64_t size;
	uint32_t *map;
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int xbo_create(struct xbo *b)
{
	struct drm_xe_gem_create gc = {
		.placement = xe_sysmem_placement(fd),
		.flags = DRM_XE_GEM_CREATE_FLAG_SCANOUT,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WC,
	};
	struct drm_xe_gem_mmap_offset mo = {};
	void *p;

	b->pitch = (width * 4 + 63) & ~63u;
	gc.size = ((uint64_t)b->pitch * height + 4095) & ~4095ull;
	if (xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &gc))
		return -errno;
	b->handle = gc.handle;
	b->size = gc.size;
	mo.handle = gc.handle;
	if (xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return -errno;
	p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	if (p == MAP_FAILED)
		return -errno;
	b->map = p;
	return 0;
}

static int xbo_addfb_fmt(struct xbo *b, uint32_t w, uint32_t h, uint32_t pitch,
			 uint32_t offset, uint32_t format, uint32_t *fb)
{
	uint32_t handles[4] = { b->handle }, pitches[4] = { pitch };
	uint32_t offsets[4] = { offset };
	uint64_t mods[4] = { DRM_FORMAT_MOD_LINEAR };

	return drmModeAddFB2WithModifiers(fd, w, h, format, handles, pitches,
					  offsets, mods, fb,
					  DRM_MODE_FB_MODIFIERS) ? -errno : 0;
}

static int xbo_addfb(struct xbo *b, uint32_t w, uint32_t h, uint32_t pitch,
		     uint32_t offset, uint32_t *fb)
{
	return xbo_addfb_fmt(b, w, h, pitch, offset, DRM_FORMAT_XRGB8888, fb);
}

/* Pattern A written through the BO's CPU mapping. */
static int xbo_cpu_fill(struct xbo *b)
{
	for (uint32_t y = 0; y < height; y++)
		for (uint32_t x = 0; x < width; x++)
			b->map[y * (b->pitch / 4) + x] = pattern_a(x, y);
	return 0;
}

/*
 * Pattern B stored by the GPU: store-dword batches of up to SDI_DWORDS
 * pixels each, one exec, waited for on a syncobj.
 */
#define SDI_DWORDS	128
#define XBO_VA		0x10000000ull
#define BATCH_VA	0x1000000ull

static int xbo_gpu_fill(struct xbo *b)
{
	struct drm_xe_engine_class_instance eci = {
		.engine_class = DRM_XE_ENGINE_CLASS_RENDER,
	};
	struct drm_xe_exec_queue_create qc = {
		.width = 1, .num_placements = 1, .instances = (uintptr_t)&eci,
	};
	struct drm_xe_vm_create vc = {};
	struct drm_syncobj_create sc = {};
	struct xbo batch = {};
	struct drm_xe_sync sync = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				    .flags = DRM_XE_SYNC_FLAG_SIGNAL };
	struct drm_xe_gem_create gc = { .placement = xe_sysmem_placement(fd),
					.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_gem_mmap_offset mo = {};
	uint32_t chunks = (width + SDI_DWORDS - 1) / SDI_DWORDS, *bb, n = 0;
	int ret;

	gc.size = ((uint64_t)height * chunks * (SDI_DWORDS + 3) * 4 + 8 + 4095) & ~4095ull;
	if (xioctl(fd, DRM_IOCTL_XE_VM_CREATE, &vc) ||
	    xioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &gc))
		return -errno;
	batch.handle = gc.handle;
	mo.handle = gc.handle;
	qc.vm_id = vc.vm_id;
	if (xioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo) ||
	    xioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc) ||
	    xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		return -errno;
	bb = mmap(NULL, gc.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	if (bb == MAP_FAILED)
		return -errno;
	for (uint32_t y = 0; y < height; y++) {
		for (uint32_t x0 = 0; x0 < width; x0 += SDI_DWORDS) {
			uint32_t len = width - x0 < SDI_DWORDS ? width - x0 : SDI_DWORDS;
			uint64_t va = XBO_VA + (uint64_t)y * b->pitch + x0 * 4;

			/* header, address, len dwords: length field len + 1 */
			bb[n++] = (TEST_MI_STORE_DATA_IMM & ~0x3ffu) | (len + 1);
			bb[n++] = (uint32_t)va;
			bb[n++] = (uint32_t)(va >> 32);
			for (uint32_t i = 0; i < len; i++)
				bb[n++] = pattern_b(x0 + i, y);
		}
	}
	bb[n++] = TEST_MI_BATCH_BUFFER_END;
	sync.handle = sc.handle;
	ret = xe_bind_op(fd, vc.vm_id, DRM_XE_VM_BIND_OP_MAP, b->handle, 0,
			 XBO_VA, b->size, CCMD_PAT_WB, NULL, 0);
	if (!ret)
		ret = xe_bind_op(fd, vc.vm_id, DRM_XE_VM_BIND_OP_MAP, batch.handle,
				 0, BATCH_VA, gc.size, CCMD_PAT_WB, NULL, 0);
	if (!ret)
		ret = xe_exec_batches(fd, qc.exec_queue_id, 1, BATCH_VA, &sync, 1);
	if (!ret)
		ret = xe_syncobj_wait_for(fd, sc.handle, 0, 120);
	munmap(bb, gc.size);
	return ret;
}

/*
 * Framebuffers an xe BO does not hold, or cannot be shown as, are
 * refused with EINVAL: past its end (one line too many, an offset too
 * far), a pitch below the width, an unaligned offset, a format no plane
 * has (BGRX8888).
 */
static int xbo_bad_fbs_refused(struct xbo *b)
{
	uint32_t fb, rows = b->size / b->pitch;
	int ret[6];

	ret[0] = xbo_addfb(b, width, rows + 1, b->pitch, 0, &fb);
	ret[1] = xbo_addfb(b, width, height, b->pitch,
			   b->size - (uint64_t)b->pitch * (height - 1), &fb);
	ret[2] = xbo_addfb(b, width, height, width * 2, 0, &fb);
	ret[3] = xbo_addfb(b, width / 2, height / 2, b->pitch, 2, &fb);
	/* a pitch whose end passes 4 GiB: the core's own check, ERANGE */
	ret[4] = xbo_addfb(b, 64, 16, 0xfffff000u, 0x1000, &fb);
	ret[5] = xbo_addfb_fmt(b, width, height, b->pitch, 0,
			       DRM_FORMAT_BGRX8888, &fb);
	ktap_diag("bad xe-BO framebuffers: a line too many %d, offset too far %d, pitch below the width %d, unaligned offset %d, 4 GiB end %d, BGRX8888 %d",
		  ret[0], ret[1], ret[2], ret[3], ret[4], ret[5]);
	return ret[0] == -EINVAL && ret[1] == -EINVAL && ret[2] == -EINVAL &&
	       ret[3] == -EINVAL && ret[4] == -ERANGE && ret[5] == -EINVAL;
}

static void xe_bo_framebuffers(uint32_t connector_id, uint32_t crtc,
			       drmModeModeInfoPtr mode, double dumb_ms)
{
	drmEventContext ev = { .version = 2, .page_flip_handler = on_flip };
	struct xbo a = {}, b = {};
	char what[64];
	double t0, ms;
	int ret;

	ret = xbo_create(&a);
	if (!ret)
		ret = xbo_cpu_fill(&a);
	if (!ret)
		ret = xbo_addfb(&a, width, height, a.pitch, 0, &a.fb);
	if (!ret)
		ret = drmModeSetCrtc(fd, crtc, a.fb, 0, 0, &connector_id, 1, mode) ?
		      -errno : 0;
	if (ret)
		ktap_diag("xe BO written by the CPU: %s", strerror(-ret));
	snprintf(what, sizeof(what), "pattern_a %u %u", width, height);
	ktap_test(!ret && !capture(what), "xe_bo_cpu_written");
	ktap_test(a.handle && xbo_bad_fbs_refused(&a), "xe_bo_bad_framebuffers_refused");

	ret = xbo_create(&b);
	if (!ret)
		ret = xbo_gpu_fill(&b);
	if (!ret)
		ret = xbo_addfb(&b, width, height, b.pitch, 0, &b.fb);
	flips_seen = flips_out_of_order = 0;
	if (!ret)
		ret = drmModePageFlip(fd, crtc, b.fb, DRM_MODE_PAGE_FLIP_EVENT, NULL) ?
		      -errno : 0;
	while (!ret && !flips_seen)
		if (drmHandleEvent(fd, &ev))
			ret = -EIO;
	if (ret)
		ktap_diag("xe BO written by the GPU: %s", strerror(-ret));
	snprintf(what, sizeof(what), "pattern_b %u %u", width, height);
	ktap_test(!ret && !capture(what), "xe_bo_gpu_written");

	/* XE_FLIPS flips, A first; each event in order; the last (odd) shows B */
	flips_seen = flips_out_of_order = 0;
	t0 = now_ms();
	for (uint32_t i = 0; !ret && i < XE_FLIPS; i++) {
		ret = drmModePageFlip(fd, crtc, i % 2 ? b.fb : a.fb,
				      DRM_MODE_PAGE_FLIP_EVENT, (void *)(uintptr_t)i);
		if (ret) {
			ret = -errno;
			break;
		}
		while (flips_seen <= i)
			if (drmHandleEvent(fd, &ev)) {
				ret = -EIO;
				break;
			}
	}
	ms = now_ms() - t0;
	ktap_diag("%u xe-BO flips, %u events, %u out of order (%s)", XE_FLIPS,
		  flips_seen, flips_out_of_order, ret ? strerror(-ret) : "ok");
	/* figures for docs/driver.md; nothing depends on them */
	ktap_diag("full-screen %ux%u flip: xe BO %.2f ms (%.0f flips/s), dumb buffer %.2f ms",
		  width, height, ms / XE_FLIPS, XE_FLIPS * 1e3 / ms, dumb_ms);
	ktap_test(!ret && flips_seen == XE_FLIPS && !flips_out_of_order,
		  "xe_bo_300_flips_in_order");
	snprintf(what, sizeof(what), "pattern_%c %u %u", XE_FLIPS % 2 ? 'a' : 'b',
		 width, height);
	ktap_test(!ret && !capture(what), "xe_bo_capture_last_flip");
}

static void check_copied(long long before, long long bytes, const char *name);

/*
 * 7. The other formats of the primary plane: pattern A in each format's
 * bytes with an alpha byte that changes from pixel to pixel, in an xe BO
 * written through its CPU mapping and in a dumb buffer, each shown and
 * compared with pattern A. Then damage of a dumb buffer in a BGR format,
 * which is shown from a 2D resource of its own over the buffer's pages.
 */
static void other_formats(uint32_t connector_id, uint32_t crtc,
			  drmModeModeInfoPtr mode)
{
	char what[64], name[64];
	int ret;

	snprintf(what, sizeof(what), "pattern_a %u %u", width, height);
	for (uint32_t f = 1; f < NUM_FORMATS; f++) {
		uint32_t format = formats[f].format;
		struct xbo b = {};
		struct dumb d = {};

		ret = xbo_create(&b);
		for (uint32_t y = 0; !ret && y < height; y++)
			for (uint32_t x = 0; x < width; x++)
				b.map[y * (b.pitch / 4) + x] =
					pixel(format, pattern_a(x, y), alpha_at(x, y));
		if (!ret)
			ret = xbo_addfb_fmt(&b, width, height, b.pitch, 0, format,
					    &b.fb);
		if (!ret)
			ret = drmModeSetCrtc(fd, crtc, b.fb, 0, 0, &connector_id,
					     1, mode) ? -errno : 0;
		if (ret)
			ktap_diag("xe BO in %s: %s", formats[f].name, strerror(-ret));
		snprintf(name, sizeof(name), "xe_bo_%s_shown", formats[f].name);
		ktap_test(!ret && !capture(what), name);

		ret = dumb_create_fmt(&d, pattern_a, format);
		if (!ret)
			ret = drmModeSetCrtc(fd, crtc, d.fb, 0, 0, &connector_id,
					     1, mode) ? -errno : 0;
		if (ret)
			ktap_diag("dumb buffer in %s: %s", formats[f].name,
				  strerror(-ret));
		snprintf(name, sizeof(name), "dumb_%s_shown", formats[f].name);
		ktap_test(!ret && !capture(what), name);

		if (format == DRM_FORMAT_XBGR8888) {
			drmModeClip clip = { 200, 100, 200 + 64, 100 + 48 };
			long long copied = vxp_host_copy_bytes(fd);
			char dmg[64];

			for (uint32_t y = 100; !ret && y < 148; y++)
				for (uint32_t x = 200; x < 264; x++)
					d.map[y * (d.pitch / 4) + x] =
						pixel(format, DAMAGE_COLOR, 0);
			ret = ret ? ret : drmModeDirtyFB(fd, d.fb, &clip, 1) ? -errno : 0;
			snprintf(dmg, sizeof(dmg), "damage %u %u 200 100 64 48",
				 width, height);
			ktap_test(!ret && !capture(dmg), "dumb_xbgr8888_damage");
			check_copied(copied, 64 * 48 * 4,
				     "dumb_xbgr8888_copies_damage_only");
		}
	}
}

/*
 * 8. The cursor plane: a 64x64 ARGB8888 dumb buffer set with the legacy
 * cursor ioctls (what X servers and weston without atomic do), moved, then
 * hidden. The host checks what QEMU received (capture.py).
 */
static void cursor(uint32_t crtc)
{
	struct drm_mode_create_dumb create = { .width = 64, .height = 64, .bpp = 32 };
	struct drm_mode_destroy_dumb destroy = {};
	struct drm_mode_map_dumb map = {};
	uint32_t *px;
	int ret;

	ret = drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) ? -errno : 0;
	map.handle = create.handle;
	if (!ret)
		ret = drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map) ? -errno : 0;
	px = ret ? MAP_FAILED : mmap(NULL, create.size, PROT_READ | PROT_WRITE,
				     MAP_SHARED, fd, map.offset);
	if (px == MAP_FAILED) {
		ret = ret ? ret : -errno;
	} else {
		/* an opaque arrow-ish block with a transparent corner */
		for (uint32_t y = 0; y < 64; y++)
			for (uint32_t x = 0; x < 64; x++)
				px[y * (create.pitch / 4) + x] = x + y < 48 ?
					0xff000000u | pattern_b(x, y) : 0;
		munmap(px, create.size);
	}
	if (!ret)
		ret = drmModeSetCursor(fd, crtc, create.handle, 64, 64) ? -errno : 0;
	if (!ret)
		ret = drmModeMoveCursor(fd, crtc, 100, 80) ? -errno : 0;
	if (ret)
		ktap_diag("cursor: %s", strerror(-ret));
	ktap_test(!ret && !capture("cursor 100 80"), "cursor_shown");
	ret = ret ? ret : drmModeMoveCursor(fd, crtc, 300, 200) ? -errno : 0;
	ktap_test(!ret && !capture("cursor 300 200"), "cursor_moved");
	ret = ret ? ret : drmModeSetCursor(fd, crtc, 0, 0, 0) ? -errno : 0;
	ktap_test(!ret && !capture("cursor_hidden"), "cursor_hidden");
	destroy.handle = create.handle;
	drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
}

/* The host was asked to copy exactly @bytes since @before. */
static void check_copied(long long before, long long bytes, const char *name)
{
	long long after = vxp_host_copy_bytes(fd);

	/* this driver's card: the counter must be there */
	if (before < 0 || after < 0) {
		ktap_diag("no debugfs copies counter on this card");
		ktap_test(false, name);
		return;
	}
	if (after - before != bytes)
		ktap_diag("host copied %lld bytes, the damage is %lld", after - before, bytes);
	ktap_test(after - before == bytes, name);
}

int main(int argc, char **argv)
{
	drmEventContext ev = { .version = 2, .page_flip_handler = on_flip };
	drmModeConnectorPtr conn = NULL;
	drmModeModeInfoPtr mode = NULL;
	drmModePlaneResPtr pres;
	drmModeResPtr res;
	struct dumb a = {}, b = {};
	uint32_t crtc, primary = 0;
	double t0, dumb_ms;
	long long copied;
	char what[128];
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s CARD ACK_FD\n", argv[0]);
		return 2;
	}
	ack_fd = atoi(argv[2]);
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	ktap_header(0);
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	/* FB_DAMAGE_CLIPS is an atomic property */
	drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1);

	/* 1. what modetest lists */
	res = drmModeGetResources(fd);
	for (int i = 0; res && i < res->count_connectors && !mode; i++) {
		conn = drmModeGetConnector(fd, res->connectors[i]);
		if (!conn || conn->connection != DRM_MODE_CONNECTED) {
			drmModeFreeConnector(conn);
			conn = NULL;
			continue;
		}
		for (int m = 0; m < conn->count_modes; m++)
			if (conn->modes[m].type & DRM_MODE_TYPE_PREFERRED)
				mode = &conn->modes[m];
		ktap_diag("connector %u type %u: connected, %d modes, preferred %s",
			  conn->connector_id, conn->connector_type,
			  conn->count_modes, mode ? mode->name : "none");
	}
	ktap_test(res && res->count_crtcs >= 1 && res->count_encoders >= 1,
		    "kms_resources");
	if (!res || !mode) {
		ktap_test(0, "connector_preferred_mode");
		printf("Bail out! no connected connector with a preferred mode\n");
		return 1;
	}
	ktap_test(1, "connector_preferred_mode");
	crtc = res->crtcs[0];
	ktap_diag("crtc %u, mode %ux%u@%u", crtc, mode->hdisplay, mode->vdisplay,
		  mode->vrefresh);
	pres = drmModeGetPlaneResources(fd);
	for (uint32_t i = 0; pres && i < pres->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, pres->planes[i]);

		if (!p)
			continue;
		ktap_diag("plane %u: possible crtcs 0x%x, %u formats%s%s",
			  p->plane_id, p->possible_crtcs, p->count_formats,
			  has_prop(p->plane_id, DRM_MODE_OBJECT_PLANE, "IN_FORMATS") ?
			  ", IN_FORMATS" : "",
			  has_prop(p->plane_id, DRM_MODE_OBJECT_PLANE, "FB_DAMAGE_CLIPS") ?
			  ", FB_DAMAGE_CLIPS" : "");
		if ((p->possible_crtcs & 1) && !primary)
			primary = p->plane_id;
		drmModeFreePlane(p);
	}
	ktap_test(primary &&
		    has_prop(primary, DRM_MODE_OBJECT_PLANE, "IN_FORMATS") &&
		    has_prop(primary, DRM_MODE_OBJECT_PLANE, "FB_DAMAGE_CLIPS"),
		    "primary_plane_properties");
	ktap_test(primary && in_formats_linear_only(primary), "in_formats_linear_only");
	ktap_test(taller_fb_refused(), "addfb_taller_than_dumb_refused");

	/* 2. a dumb buffer with pattern A, shown */
	width = mode->hdisplay;
	height = mode->vdisplay;
	ret = dumb_create(&a, pattern_a);
	if (!ret)
		ret = drmModeSetCrtc(fd, crtc, a.fb, 0, 0, &conn->connector_id, 1, mode)
		      ? -errno : 0;
	if (ret)
		ktap_diag("dumb buffer or modeset failed: %s", strerror(-ret));
	ktap_test(!ret, "modeset_dumb");
	snprintf(what, sizeof(what), "pattern_a %u %u", width, height);
	ktap_test(!ret && !capture(what), "capture_pattern_a");

	/*
	 * 3. damage: change a rectangle and a stripe, report only the
	 * rectangle; the host must show the rectangle and the old stripe.
	 */
	{
		drmModeClip clip = { 200, 100, 200 + 64, 100 + 48 };

		fill_rect(&a, 200, 100, 64, 48, DAMAGE_COLOR);
		fill_rect(&a, 0, height - 8, width, 8, UNDAMAGED_COLOR);
		copied = vxp_host_copy_bytes(fd);
		ret = drmModeDirtyFB(fd, a.fb, &clip, 1) ? -errno : 0;
		snprintf(what, sizeof(what), "damage %u %u 200 100 64 48", width, height);
		ktap_test(!ret && !capture(what), "dirtyfb_damage_only");
		check_copied(copied, 64 * 48 * 4, "dirtyfb_copies_damage_only");
	}
	/* the same through an atomic commit's FB_DAMAGE_CLIPS */
	{
		/* FB_DAMAGE_CLIPS holds struct drm_mode_rect, not drmModeClip */
		struct drm_mode_rect clip = { 40, 300, 40 + 96, 300 + 32 };

		fill_rect(&a, 40, 300, 96, 32, DAMAGE_COLOR);
		copied = vxp_host_copy_bytes(fd);
		ret = commit_damage(primary, a.fb, &clip);
		if (ret)
			ktap_diag("atomic commit: %s", strerror(-ret));
		snprintf(what, sizeof(what), "damage %u %u 200 100 64 48 40 300 96 32",
			 width, height);
		ktap_test(!ret && !capture(what), "fb_damage_clips_damage_only");
		check_copied(copied, 96 * 32 * 4, "fb_damage_clips_copies_damage_only");
	}

	/* 4. page flips with events, in order; the last one shows B */
	ret = dumb_create(&b, pattern_b);
	t0 = now_ms();
	for (uint32_t i = 0; !ret && i < FLIPS; i++) {
		ret = drmModePageFlip(fd, crtc, i % 2 ? a.fb : b.fb,
				      DRM_MODE_PAGE_FLIP_EVENT, (void *)(uintptr_t)i);
		if (ret) {
			ret = -errno;
			break;
		}
		while (flips_seen <= i)
			if (drmHandleEvent(fd, &ev)) {
				ret = -EIO;
				break;
			}
	}
	dumb_ms = (now_ms() - t0) / FLIPS;
	ktap_diag("%u flips, %u events, %u out of order (%s)", FLIPS, flips_seen,
		  flips_out_of_order, ret ? strerror(-ret) : "ok");
	ktap_test(!ret && flips_seen == FLIPS && !flips_out_of_order,
		    "page_flip_events_in_order");
	snprintf(what, sizeof(what), "pattern_b %u %u", width, height);
	ktap_test(!ret && !capture(what), "capture_last_flip");

	xe_bo_framebuffers(conn->connector_id, crtc, mode, dumb_ms);
	other_formats(conn->connector_id, crtc, mode);
	cursor(crtc);
	resize(conn->connector_id, crtc);
	return ktap_finish();
}
