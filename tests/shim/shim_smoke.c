// SPDX-License-Identifier: MIT
/*
 * Smoke test of the drop-in libvirglrenderer.so.1 (build/host), driven the
 * way QEMU 11.1 drives it: capsets before init, init, DRM/XE contexts with a
 * shmem blob and a BO blob, map_fixed into a reserved window, context and
 * ctx 0 fences, reset and re-init, cleanup. Prints KTAP.
 *
 *   shim_smoke -f FLAGS [-x] [-r] [-e] [-s] [-n NAME]
 *	-f  virgl_renderer_init() flags (hex)
 *	-x  expect the xe core (capset 6 of 64 bytes; needs the simulator)
 *	-r  expect the real virglrenderer to initialise
 *	-e  expect virgl_renderer_init() to fail
 *	-s  the real library renders (FLAGS with EGL, surfaceless): link 2D
 *	    resources of each format to a BO for scanout (XE_PROXY_CCMD_SCANOUT)
 *
 * The GL callbacks fail, so a real virglrenderer asked for vrend (no
 * VIRGL_RENDERER_NO_VIRGL) fails its init, as it may under Xvfb.
 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <drm/xe_drm.h>
#include <virgl/virglrenderer.h>

#include "ktap.h"
#include "xe_proxy_proto.h"

#define CTX		1
#define CTX2		3
#define CTX3		5
#define SHMEM_RES	1
#define BO_RES		2
#define BO_BLOB_ID	7
#define BLOB_SIZE	(64 * 1024)
#define FENCE_ID	77
#define CTX0_FENCE	9

static struct {
	int flags;
	bool xe, real, fail, sync, scanout;
} opt;

/* --- callbacks --------------------------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_t main_thread;
static uint64_t ctx_fence_seen;
static uint32_t ctx_fence_ctx, ctx_fence_ring;
static uint32_t ctx0_fence_seen;
static bool off_thread;		/* a callback ran off the polling thread */

static void note_thread(void)
{
	if (!pthread_equal(pthread_self(), main_thread))
		off_thread = true;
}

static void write_fence(void *cookie, uint32_t fence)
{
	(void)cookie;
	pthread_mutex_lock(&lock);
	note_thread();
	if (fence > ctx0_fence_seen)
		ctx0_fence_seen = fence;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void write_context_fence(void *cookie, uint32_t ctx_id,
				uint32_t ring_idx, uint64_t fence_id)
{
	(void)cookie;
	pthread_mutex_lock(&lock);
	note_thread();
	ctx_fence_ctx = ctx_id;
	ctx_fence_ring = ring_idx;
	if (fence_id > ctx_fence_seen)
		ctx_fence_seen = fence_id;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static virgl_renderer_gl_context create_gl_context(void *cookie, int scanout,
						   struct virgl_renderer_gl_ctx_param *p)
{
	(void)cookie;
	(void)scanout;
	(void)p;
	return NULL;
}

static void destroy_gl_context(void *cookie, virgl_renderer_gl_context ctx)
{
	(void)cookie;
	(void)ctx;
}

static int make_current(void *cookie, int scanout, virgl_renderer_gl_context ctx)
{
	(void)cookie;
	(void)scanout;
	(void)ctx;
	return -1;
}

static struct virgl_renderer_callbacks cbs = {
	.version = 3,
	.write_fence = write_fence,
	.create_gl_context = create_gl_context,
	.destroy_gl_context = destroy_gl_context,
	.make_current = make_current,
	.write_context_fence = write_context_fence,
};

static int cookie;

/*
 * Wait up to 10 s for @done. In sync mode, fences arrive only through
 * virgl_renderer_poll(), called when the poll fd is readable (or every
 * 50 ms without one), as QEMU's fence timer would.
 */
static bool wait_for(bool (*done)(void), bool *fd_was_readable)
{
	struct pollfd pfd = { .events = POLLIN };
	struct timespec until;
	bool ok = false;
	int i;

	for (i = 0; i < 200 && !ok; i++) {
		if (opt.sync) {
			pfd.fd = virgl_renderer_get_poll_fd();
			if (pfd.fd < 0)
				usleep(50 * 1000);
			else if (poll(&pfd, 1, 50) == 1 && fd_was_readable)
				*fd_was_readable = true;
			virgl_renderer_poll();
		}
		pthread_mutex_lock(&lock);
		if (!opt.sync && !done()) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 50 * 1000 * 1000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&cond, &lock, &until);
		}
		ok = done();
		pthread_mutex_unlock(&lock);
	}
	return ok;
}

static bool ctx_fence_done(void)
{
	return ctx_fence_seen >= FENCE_ID;
}

static bool ctx0_fence_done(void)
{
	return ctx0_fence_seen >= CTX0_FENCE;
}

/* --- helpers ----------------------------------------------------------- */

static int blob(uint32_t res, uint32_t ctx, uint32_t mem, uint64_t blob_id,
		uint64_t size, const struct iovec *iov, uint32_t niov)
{
	struct virgl_renderer_resource_create_blob_args a = {
		.res_handle = res,
		.ctx_id = ctx,
		.blob_mem = mem,
		.blob_flags = VIRGL_RENDERER_BLOB_FLAG_USE_MAPPABLE |
			      (mem == VIRGL_RENDERER_BLOB_MEM_HOST3D && blob_id ?
			       VIRGL_RENDERER_BLOB_FLAG_USE_SHAREABLE : 0),
		.blob_id = blob_id,
		.size = size,
		.iovecs = iov,
		.num_iovs = niov,
	};

	return virgl_renderer_resource_create_blob(&a);
}

static void *shmem;

static int query_config(uint32_t ctx, uint32_t seqno, uint32_t *size)
{
	struct xe_proxy_ccmd_device_query_req q = {
		.hdr = {
			.cmd = XE_PROXY_CCMD_DEVICE_QUERY,
			.len = sizeof(q),
			.seqno = seqno,
			.rsp_off = 0,
		},
		.query = DRM_XE_DEVICE_QUERY_CONFIG,
		.size = 0,
	};
	struct xe_proxy_ccmd_device_query_rsp *r;
	struct xe_proxy_shmem *sh = shmem;
	int ret;

	ret = virgl_renderer_submit_cmd(&q, (int)ctx, sizeof(q) / 4);
	if (ret)
		return ret;
	if (sh->seqno != seqno)
		return -EPROTO;
	r = (void *)((char *)shmem + sh->rsp_mem_offset);
	*size = r->ret ? 0 : r->size;
	return r->ret;
}

/* --- the scenarios ----------------------------------------------------- */

static void test_library(void)
{
	Dl_info info;

	ktap_test(dladdr((void *)virgl_renderer_init, &info) && info.dli_fname &&
		  strstr(info.dli_fname, "build/host/libvirglrenderer.so.1"),
		  "our_library_is_loaded");
	ktap_diag("virgl_renderer_init from %s", info.dli_fname);
}

static void test_forwarding(void)
{
	static char guest_mem[4096] __attribute__((aligned(4096)));
	struct iovec iov = { guest_mem, sizeof(guest_mem) };
	struct virgl_renderer_resource_info info;
	uint32_t map_info = 0;
	int ret;

	ret = blob(900, 0, VIRGL_RENDERER_BLOB_MEM_GUEST, 0, sizeof(guest_mem),
		   &iov, 1);
	if (!opt.real) {
		ktap_test(ret == -EINVAL, "guest_blob_refused_without_real_library");
		return;
	}
	ktap_test(ret == 0, "guest_blob_forwarded");
	ktap_test(virgl_renderer_resource_get_info(900, &info) == 0 &&
		  info.handle == 900, "guest_blob_info_from_real_library");
	ktap_test(virgl_renderer_resource_get_map_info(900, &map_info) == 0 &&
		  map_info == VIRGL_RENDERER_MAP_CACHE_CACHED,
		  "guest_blob_map_info_from_real_library");
	virgl_renderer_resource_unref(900);
	ktap_test(virgl_renderer_resource_get_info(900, &info) != 0,
		  "guest_blob_unref_forwarded");
	/* The real map_fixed dereferences unknown ids: the shim must not. */
	ktap_test(virgl_renderer_resource_map_fixed(12345, guest_mem) == -EINVAL,
		  "map_fixed_unknown_resource_refused");
}

static void test_xe(void)
{
	struct xe_proxy_ccmd_gem_create_req gc = {
		.hdr = {
			.cmd = XE_PROXY_CCMD_GEM_CREATE,
			.len = sizeof(gc),
			.seqno = 20,
		},
		.size = BLOB_SIZE,
		.placement = 1,		/* sysmem */
		.blob_id = BO_BLOB_ID,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB,
	};
	struct xe_proxy_ccmd_req bad = {
		.cmd = XE_PROXY_CCMD_NOP, .len = 12, .seqno = 30,
	};
	struct virgl_renderer_resource_info_ext ext = { 0 };
	struct virgl_renderer_resource_info info;
	uint32_t map_info = 0, fd_type = 0, qsize = 0, words[8] = { 0 };
	char name[] = "shim_smoke";
	uint32_t *fixed, *map;
	uint64_t size = 0;
	bool fd_readable = false, mapped;
	void *p = NULL;
	char *window;
	int fd = -1, ret;

	ret = virgl_renderer_context_create_with_flags(CTX, XE_PROXY_CAPSET_DRM,
						       sizeof(name) - 1, name);
	if (!ktap_test(ret == 0, "xe_context_create"))
		return;
	ktap_test(virgl_renderer_context_create_with_flags(CTX, XE_PROXY_CAPSET_DRM,
							   0, NULL) == 0,
		  "xe_context_create_again_is_noop");
	ktap_test(virgl_renderer_context_create_with_flags(CTX, 2, 0, NULL) == EINVAL,
		  "xe_context_id_with_other_capset_refused");

	ret = blob(SHMEM_RES, CTX, VIRGL_RENDERER_BLOB_MEM_HOST3D, 0, BLOB_SIZE,
		   NULL, 0);
	ktap_test(ret == 0, "shmem_blob");
	ktap_test(blob(SHMEM_RES, CTX, VIRGL_RENDERER_BLOB_MEM_HOST3D, 0,
		       BLOB_SIZE, NULL, 0) == -EINVAL, "duplicate_res_id_refused");
	ktap_test(virgl_renderer_resource_get_info(SHMEM_RES, &info) == 0 &&
		  info.handle == SHMEM_RES && info.fd == -1,
		  "shmem_info_has_no_dmabuf");
	ktap_test(virgl_renderer_resource_get_map_info(SHMEM_RES, &map_info) == 0 &&
		  map_info == VIRGL_RENDERER_MAP_CACHE_CACHED, "shmem_map_info");
	ret = virgl_renderer_resource_map(SHMEM_RES, &shmem, &size);
	if (!ktap_test(ret == 0 && size == BLOB_SIZE &&
		       ((struct xe_proxy_shmem *)shmem)->rsp_mem_offset ==
		       sizeof(struct xe_proxy_shmem), "shmem_map"))
		return;

	ret = query_config(CTX, 5, &qsize);
	ktap_test(ret == 0 && qsize > 0, "ccmd_device_query_through_submit_cmd");
	ktap_diag("config query: ret %d, %u bytes", ret, qsize);
	ktap_test(virgl_renderer_submit_cmd(&bad, CTX, sizeof(bad) / 4) < 0,
		  "malformed_stream_refused");
	ktap_test(query_config(CTX, 6, &qsize) == 0 && qsize > 0,
		  "context_survives_malformed_stream");
	ktap_test(virgl_renderer_submit_cmd((char *)words + 1, CTX, 2) == EFAULT,
		  "misaligned_submit_refused");
	ktap_test(virgl_renderer_submit_cmd(words, CTX, -1) == EINVAL,
		  "negative_length_refused");

	ktap_test(virgl_renderer_submit_cmd(&gc, CTX, sizeof(gc) / 4) == 0 &&
		  blob(BO_RES, CTX, VIRGL_RENDERER_BLOB_MEM_HOST3D, BO_BLOB_ID,
		       BLOB_SIZE, NULL, 0) == 0, "gem_create_and_bo_blob");
	ktap_test(blob(BO_RES + 100, CTX, VIRGL_RENDERER_BLOB_MEM_HOST3D, 99,
		       BLOB_SIZE, NULL, 0) == -ENOENT, "unknown_blob_id_refused");
	/*
	 * QEMU takes get_info's fd for SET_SCANOUT_BLOB: only a real dma-buf
	 * is given, and the simulated device's BOs are memfds (export_blob
	 * below still hands one out).
	 */
	ktap_test(virgl_renderer_resource_get_info_ext(BO_RES, &ext) == 0 &&
		  ext.base.fd == -1 && !ext.has_dmabuf_export,
		  "bo_info_no_dmabuf_for_a_memfd");

	/* QEMU's host-visible window: reserved, blobs mapped into it. */
	window = mmap(NULL, 4 * BLOB_SIZE, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (window == MAP_FAILED) {
		ktap_test(0, "reserve_window");
		return;
	}
	fixed = (uint32_t *)(window + BLOB_SIZE);
	mapped = virgl_renderer_resource_map_fixed(BO_RES, fixed) == 0;
	ktap_test(mapped, "bo_map_fixed");
	ktap_test(virgl_renderer_resource_map_fixed(BO_RES, window + 1) == -EINVAL,
		  "map_fixed_unaligned_refused");
	if (mapped) {
		fixed[0] = 0xc0ffee;
		fixed[BLOB_SIZE / 4 - 1] = 0xfeed;
	}
	ret = virgl_renderer_resource_map(BO_RES, &p, &size);
	map = p;
	ktap_test(mapped && ret == 0 && size == BLOB_SIZE &&
		  map[0] == 0xc0ffee && map[BLOB_SIZE / 4 - 1] == 0xfeed,
		  "bo_map_coherent_with_map_fixed");
	ktap_test(virgl_renderer_resource_unmap(BO_RES) == 0 &&
		  virgl_renderer_resource_unmap(BO_RES) == -EINVAL,
		  "bo_unmap_once");
	/*
	 * QEMU unmaps a fixed mapping by mapping anonymous memory over it; the
	 * guest may map the resource again, elsewhere (its window evicted it).
	 */
	if (mapped) {
		mapped = mmap(fixed, BLOB_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
			      MAP_FIXED | MAP_NORESERVE, -1, 0) == (void *)fixed;
		fixed = (uint32_t *)(window + 2 * BLOB_SIZE);
		mapped = mapped && virgl_renderer_resource_map_fixed(BO_RES, fixed) == 0;
	}
	ktap_test(mapped && fixed[0] == 0xc0ffee, "bo_map_fixed_again_after_unmap");
	ret = virgl_renderer_resource_export_blob(BO_RES, &fd_type, &fd);
	ktap_test(ret == 0 && fd >= 0 &&
		  fd_type == VIRGL_RENDERER_BLOB_FD_TYPE_DMABUF, "bo_export_blob");
	if (fd >= 0)
		close(fd);

	ktap_test(virgl_renderer_context_create_fence(CTX,
						      VIRGL_RENDERER_FENCE_FLAG_MERGEABLE,
						      0, FENCE_ID) == 0 &&
		  wait_for(ctx_fence_done, &fd_readable) &&
		  ctx_fence_ctx == CTX && ctx_fence_ring == 0,
		  "context_fence_signals");
	ktap_test(virgl_renderer_context_create_fence(CTX, 0, 64, FENCE_ID + 1) ==
		  -EINVAL, "context_fence_bad_ring_refused");
	ktap_test(virgl_renderer_create_fence(CTX0_FENCE, 0) == 0 &&
		  wait_for(ctx0_fence_done, &fd_readable), "ctx0_fence_signals");
	if (opt.sync) {
		ktap_test(!off_thread, "sync_fences_delivered_on_polling_thread");
		if (virgl_renderer_get_poll_fd() >= 0)
			ktap_test(fd_readable, "poll_fd_readable_with_pending_fences");
		else
			ktap_skip("poll_fd_readable_with_pending_fences",
				  "no poll fd: timer polling");
	}

	/* The resource outlives its context, and so does QEMU's mapping. */
	virgl_renderer_context_destroy(CTX);
	ktap_test(mapped && fixed[0] == 0xc0ffee,
		  "mapping_survives_context_destroy");
	ktap_test(virgl_renderer_submit_cmd(words, CTX, 2) == EINVAL,
		  "submit_to_destroyed_context_refused");
	ktap_test(virgl_renderer_resource_get_info(BO_RES, &info) == 0,
		  "resource_survives_context_destroy");
	/* as QEMU unmaps a map_fixed blob, then unrefs */
	mmap(fixed, BLOB_SIZE, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	virgl_renderer_resource_unmap(SHMEM_RES);
	virgl_renderer_resource_unref(SHMEM_RES);
	virgl_renderer_resource_unref(BO_RES);
	ktap_test(virgl_renderer_resource_get_info(BO_RES, &info) != 0,
		  "resource_unref");
	munmap(window, 4 * BLOB_SIZE);

	/* QEMU's RS_RESET: reset, then init again with the same arguments. */
	ret = virgl_renderer_context_create_with_flags(CTX2, XE_PROXY_CAPSET_DRM,
						       0, NULL) ||
	      blob(SHMEM_RES, CTX2, VIRGL_RENDERER_BLOB_MEM_HOST3D, 0,
		   BLOB_SIZE, NULL, 0);
	virgl_renderer_reset();
	ktap_test(!ret && virgl_renderer_init(&cookie, opt.flags, &cbs) == 0,
		  "reinit_after_reset");
	ktap_test(virgl_renderer_context_create_fence(CTX2, 0, 0, 1) == -EINVAL &&
		  virgl_renderer_resource_get_info(SHMEM_RES, &info) != 0,
		  "reset_dropped_contexts_and_resources");
	ktap_test(virgl_renderer_context_create_with_flags(CTX2, XE_PROXY_CAPSET_DRM,
							   0, NULL) == 0,
		  "context_after_reset");
}

/* XE_PROXY_CCMD_SCANOUT; its answer's errno, the value in @mode */
static int scanout(uint32_t ctx, uint32_t seqno, uint32_t res, uint32_t res_2d,
		   uint32_t stride, uint32_t w, uint32_t h, uint64_t *mode)
{
	struct xe_proxy_ccmd_scanout_req q = {
		.hdr = {
			.cmd = XE_PROXY_CCMD_SCANOUT,
			.len = sizeof(q),
			.seqno = seqno,
		},
		.res_id = res,
		.res_2d = res_2d,
		.stride = stride,
		.width = w,
		.height = h,
	};
	struct xe_proxy_ccmd_value_rsp *r;
	struct xe_proxy_shmem *sh = shmem;

	if (virgl_renderer_submit_cmd(&q, (int)ctx, sizeof(q) / 4) ||
	    sh->seqno != seqno)
		return EPROTO;
	r = (void *)((char *)shmem + sh->rsp_mem_offset);
	*mode = r->value;
	return (int)r->ret;
}

/* A 2D resource of the real library, as QEMU makes RESOURCE_CREATE_2D's */
static int create_2d(uint32_t res, uint32_t format, uint32_t w, uint32_t h)
{
	struct virgl_renderer_resource_create_args a = {
		.handle = res,
		.target = 2,		/* PIPE_TEXTURE_2D */
		.format = format,
		.bind = 1 << 1,		/* VIRGL_BIND_RENDER_TARGET */
		.width = w,
		.height = h,
		.depth = 1,
		.array_size = 1,
		.flags = 1 << 0,	/* VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP */
	};

	return virgl_renderer_resource_create(&a, NULL, 0);
}

/*
 * The host's copy for scanout (host/vrend_shim_scanout.c): a 2D resource
 * of each virtio-gpu format the guest gives framebuffers (B8G8R8A8 1,
 * B8G8R8X8 2, R8G8B8A8 67, R8G8B8X8 134) links to a BO, and a transfer
 * fills it with the BO's bytes as they are, read back from the real
 * library; formats the guest never gives (R10G10B10A2 8, 4 bytes a pixel
 * too; B5G6R5 7) are refused with EINVAL, and so is a 2D resource of
 * another size.
 */
#define LINK_W		16
#define LINK_H		8
#define LINK_RES	60

static void test_scanout_links(void)
{
	static const uint32_t ok_formats[] = { 1, 2, 67, 134 };
	static const uint32_t bad_formats[] = { 8, 7 };
	struct xe_proxy_ccmd_gem_create_req gc = {
		.hdr = {
			.cmd = XE_PROXY_CCMD_GEM_CREATE,
			.len = sizeof(gc),
			.seqno = 40,
		},
		.size = BLOB_SIZE,
		.placement = 1,		/* sysmem */
		.blob_id = BO_BLOB_ID,
		.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB,
	};
	struct shim_box { uint32_t x, y, z, w, h, d; } box = {
		0, 0, 0, LINK_W, LINK_H, 1
	};
	uint32_t back[LINK_W * LINK_H], seqno = 41, res = LINK_RES, *px;
	struct iovec iov = { back, sizeof(back) };
	uint64_t size = 0, mode = 0;
	void *p = NULL;
	int ret;

	if (!ktap_test(virgl_renderer_context_create_with_flags(CTX3, XE_PROXY_CAPSET_DRM,
								0, NULL) == 0 &&
		       blob(SHMEM_RES, CTX3, VIRGL_RENDERER_BLOB_MEM_HOST3D, 0,
			    BLOB_SIZE, NULL, 0) == 0 &&
		       virgl_renderer_resource_map(SHMEM_RES, &shmem, &size) == 0 &&
		       virgl_renderer_submit_cmd(&gc, CTX3, sizeof(gc) / 4) == 0 &&
		       blob(BO_RES, CTX3, VIRGL_RENDERER_BLOB_MEM_HOST3D, BO_BLOB_ID,
			    BLOB_SIZE, NULL, 0) == 0 &&
		       virgl_renderer_resource_map(BO_RES, &p, &size) == 0,
		       "scanout_bo"))
		return;
	/* bytes that differ in every lane, so a swap of any two shows */
	px = p;
	for (uint32_t i = 0; i < LINK_W * LINK_H; i++)
		px[i] = 0x01020304u * (i + 1) ^ 0x80402010u;

	for (size_t f = 0; f < sizeof(ok_formats) / sizeof(ok_formats[0]); f++) {
		char name[64];
		int xfer;

		res++;
		memset(back, 0, sizeof(back));
		ret = create_2d(res, ok_formats[f], LINK_W, LINK_H);
		if (!ret)
			ret = scanout(CTX3, seqno++, BO_RES, res, LINK_W * 4,
				      LINK_W, LINK_H, &mode);
		/* QEMU's TRANSFER_TO_HOST_2D: no iovec, the guest's offset */
		xfer = ret ? -1 : virgl_renderer_transfer_write_iov(res, 0, 0, 0, 0,
								  (void *)&box,
								  0, NULL, 0);
		if (!xfer)
			xfer = virgl_renderer_transfer_read_iov(res, 0, 0, 0, 0,
								(void *)&box, 0,
								&iov, 1);
		ktap_diag("format %u: create and link %d (mode %llu), transfer and read back %d",
			  ok_formats[f], ret, (unsigned long long)mode, xfer);
		snprintf(name, sizeof(name), "scanout_link_format_%u", ok_formats[f]);
		ktap_test(!ret && mode == XE_PROXY_SCANOUT_COPY && !xfer &&
			  !memcmp(back, px, sizeof(back)), name);
	}
	for (size_t f = 0; f < sizeof(bad_formats) / sizeof(bad_formats[0]); f++) {
		char name[64];

		res++;
		ret = create_2d(res, bad_formats[f], LINK_W, LINK_H);
		if (!ret)
			ret = scanout(CTX3, seqno++, BO_RES, res, LINK_W * 4,
				      LINK_W, LINK_H, &mode);
		ktap_diag("format %u: link %d", bad_formats[f], ret);
		snprintf(name, sizeof(name), "scanout_link_format_%u_refused",
			 bad_formats[f]);
		ktap_test(ret == EINVAL, name);
	}
	res++;
	ret = create_2d(res, ok_formats[0], LINK_W, LINK_H + 1);
	if (!ret)
		ret = scanout(CTX3, seqno++, BO_RES, res, LINK_W * 4, LINK_W,
			      LINK_H, &mode);
	ktap_test(ret == EINVAL, "scanout_link_other_size_refused");
	while (res > LINK_RES)
		virgl_renderer_resource_unref(res--);
	virgl_renderer_resource_unmap(BO_RES);
	virgl_renderer_resource_unref(BO_RES);
	virgl_renderer_resource_unmap(SHMEM_RES);
	virgl_renderer_resource_unref(SHMEM_RES);
	virgl_renderer_context_destroy(CTX3);
}

static int parse(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "f:xres")) != -1) {
		switch (c) {
		case 'f':
			opt.flags = (int)strtol(optarg, NULL, 16);
			break;
		case 'x':
			opt.xe = true;
			break;
		case 'r':
			opt.real = true;
			break;
		case 'e':
			opt.fail = true;
			break;
		case 's':
			opt.scanout = true;
			break;
		default:
			return -1;
		}
	}
	opt.sync = !(opt.flags & VIRGL_RENDERER_ASYNC_FENCE_CB);
	return 0;
}

int main(int argc, char **argv)
{
	struct xe_proxy_capset_drm cap = { 0 };
	uint32_t ver = 0, size = 0;
	int ret;

	if (parse(argc, argv)) {
		fprintf(stderr, "usage: %s -f FLAGS [-x] [-r] [-e] [-s]\n", argv[0]);
		return 2;
	}
	main_thread = pthread_self();
	ktap_header(0);
	ktap_diag("flags 0x%x, expect: xe %d, real %d, init failure %d",
		  opt.flags, opt.xe, opt.real, opt.fail);
	test_library();

	/* QEMU asks at realize, before init. */
	virgl_renderer_get_cap_set(XE_PROXY_CAPSET_DRM, &ver, &size);
	ktap_diag("capset 6 before init: version %u, size %u", ver, size);
	ktap_test(size == (opt.xe ? sizeof(cap) : 0), "capset_drm_size_before_init");
	virgl_renderer_get_cap_set(2, &ver, &size);
	ktap_diag("capset 2 (virgl2) before init, from the real library: version %u, size %u",
		  ver, size);

	ret = virgl_renderer_init(&cookie, opt.flags, &cbs);
	ktap_diag("virgl_renderer_init: %d", ret);
	if (opt.fail) {
		ktap_test(ret != 0, "init_fails_without_any_renderer");
		ktap_test(virgl_renderer_context_create_with_flags(CTX, XE_PROXY_CAPSET_DRM,
								   0, NULL) != 0,
			  "no_context_after_failed_init");
		virgl_renderer_cleanup(&cookie);
		return ktap_finish();
	}
	if (!ktap_test(ret == 0, "init")) {
		puts("Bail out! virgl_renderer_init failed");
		return ktap_finish();
	}
	ktap_test(virgl_renderer_init(&cookie, opt.flags ^ VIRGL_RENDERER_THREAD_SYNC,
				      &cbs) == -EBUSY, "init_with_other_arguments_busy");
	/*
	 * A second virtio-gpu device of the same QEMU would init with its own
	 * cookie: the process-wide ABI cannot tell the devices' contexts and
	 * resources apart, so it is refused rather than given the first's.
	 */
	{
		int second_device;

		ktap_test(virgl_renderer_init(&second_device, opt.flags, &cbs) == -EBUSY,
			  "init_of_a_second_device_busy");
	}

	virgl_renderer_get_cap_set(XE_PROXY_CAPSET_DRM, &ver, &size);
	if (opt.xe) {
		virgl_renderer_fill_caps(XE_PROXY_CAPSET_DRM, ver, &cap);
		ktap_diag("capset 6: %u bytes, context_type %u, 8086:%04x rev %u, protocol %u, features 0x%llx",
			  size, cap.context_type, cap.u.xe.pci_device_id,
			  cap.u.xe.pci_revision_id, cap.u.xe.protocol_version,
			  (unsigned long long)cap.u.xe.features);
		ktap_test(size == sizeof(cap) &&
			  cap.context_type == XE_PROXY_DRM_CONTEXT_XE &&
			  cap.u.xe.pci_device_id &&
			  cap.u.xe.protocol_version == XE_PROXY_PROTOCOL_VERSION,
			  "capset_drm_is_xe");
	} else {
		ktap_test(size == 0, "capset_drm_empty_without_xe");
		ktap_test(virgl_renderer_context_create_with_flags(CTX, XE_PROXY_CAPSET_DRM,
								   0, NULL) != 0,
			  "drm_context_forwarded_and_refused");
	}

	/* a rendering real library answers for guest blobs otherwise */
	if (!opt.scanout)
		test_forwarding();
	if (opt.xe)
		test_xe();
	if (opt.xe && opt.scanout)
		test_scanout_links();

	virgl_renderer_cleanup(&cookie);
	virgl_renderer_get_cap_set(XE_PROXY_CAPSET_DRM, &ver, &size);
	ktap_test(size == (opt.xe ? sizeof(cap) : 0), "capset_drm_after_cleanup");
	virgl_renderer_cleanup(&cookie);
	return ktap_finish();
}
