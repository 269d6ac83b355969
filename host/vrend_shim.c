// SPDX-License-Identifier: MIT
/*
 * The drop-in libvirglrenderer.so.1. DRM contexts (capset
 * VIRTIO_GPU_CAPSET_DRM, context type XE) run on the host core in
 * xe_host_*.c; everything else goes to the system's real libvirglrenderer,
 * loaded with RTLD_DEEPBIND so its own calls stay inside it.
 *
 * QEMU 11.1 asks for capsets at device realize, before virgl_renderer_init(),
 * so the xe side initialises lazily on the first DRM capset query. If the
 * real library's init fails (no usable EGL, as under Xvfb here), DRM/XE
 * contexts keep working and virgl calls are refused instead of forwarded.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vrend_shim.h"

#ifndef SHIM_REAL_LIB
#define SHIM_REAL_LIB "/usr/lib/x86_64-linux-gnu/libvirglrenderer.so.1"
#endif
#define VIRTIO_GPU_CAPSET_DRM	6

struct shim_state shim;

/* Fences waiting for virgl_renderer_poll() when QEMU wants no async calls. */
struct shim_fence {
	struct shim_fence *next;
	uint32_t ctx_id, ring_idx;
	uint64_t fence_id;
	bool ctx0;
};

static pthread_mutex_t fence_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shim_fence *fence_head, **fence_tail = &fence_head;
static int fence_efd = -1;
static int poll_fd = -1;

void shim_log(const char *fmt, ...)
{
	va_list ap;

	fputs("virtio-xe-proxy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Never load ourselves as "the real library" through a bad path. */
static bool is_self(const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];
	Dl_info self;

	if (!dladdr((void *)shim_log, &self) || !self.dli_fname)
		return false;
	if (!realpath(path, a) || !realpath(self.dli_fname, b))
		return false;
	return !strcmp(a, b);
}

bool shim_load_real(void)
{
	const char *path = getenv("XE_PROXY_REAL_VIRGLRENDERER");

	if (shim.real.handle)
		return true;
	if (!path || !*path)
		path = SHIM_REAL_LIB;
	/* "none": DRM/XE contexts only (sanitizer runs: ASan refuses DEEPBIND) */
	if (!strcmp(path, "none"))
		return false;
	if (is_self(path)) {
		shim_log("%s is this library, not the real virglrenderer", path);
		return false;
	}
	shim.real.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!shim.real.handle) {
		shim_log("cannot load the real virglrenderer: %s", dlerror());
		return false;
	}
#define REAL_FN(ret, name, args) \
	shim.real.name = (ret (*) args)dlsym(shim.real.handle, "virgl_renderer_" #name);
#include "vrend_shim_real.h"
#undef REAL_FN
	return true;
}

/* ---- fences ---- */

static void deliver(const struct shim_fence *f)
{
	if (!shim.cb)
		return;
	if (f->ctx0)
		shim.cb->write_fence(shim.cookie, (uint32_t)f->fence_id);
	else if (shim.cb->version >= 3 && shim.cb->write_context_fence)
		shim.cb->write_context_fence(shim.cookie, f->ctx_id, f->ring_idx,
					     f->fence_id);
}

/* With VIRGL_RENDERER_ASYNC_FENCE_CB, QEMU takes fences from any thread. */
static void queue_fence(uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id,
			bool ctx0)
{
	struct shim_fence *f, tmp = { NULL, ctx_id, ring_idx, fence_id, ctx0 };
	uint64_t one = 1;

	if (shim.flags & VIRGL_RENDERER_ASYNC_FENCE_CB) {
		deliver(&tmp);
		return;
	}
	f = malloc(sizeof(*f));
	if (!f) {
		shim_log("out of memory queueing fence %llu", (unsigned long long)fence_id);
		return;
	}
	*f = tmp;
	pthread_mutex_lock(&fence_lock);
	*fence_tail = f;
	fence_tail = &f->next;
	pthread_mutex_unlock(&fence_lock);
	if (fence_efd >= 0 && write(fence_efd, &one, sizeof(one)) < 0)
		shim_log("fence eventfd: %m");
}

static void shim_fence_cb(void *cookie, uint32_t ctx_id, uint32_t ring_idx,
			  uint64_t fence_id)
{
	(void)cookie;
	queue_fence(ctx_id, ring_idx, fence_id, false);
}

static void drain_fences(void)
{
	struct shim_fence *f, *next;
	uint64_t v;

	pthread_mutex_lock(&fence_lock);
	f = fence_head;
	fence_head = NULL;
	fence_tail = &fence_head;
	pthread_mutex_unlock(&fence_lock);
	if (fence_efd >= 0 && read(fence_efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		shim_log("fence eventfd: %m");
	for (; f; f = next) {
		next = f->next;
		deliver(f);
		free(f);
	}
}

bool shim_xe_init(void)
{
	int err;

	if (shim.xe_tried)
		return shim.xe_ready;
	shim.xe_tried = true;
	err = xe_host_init(NULL, shim_fence_cb);
	if (err) {
		if (err != -ENODEV)
			shim_log("xe host core failed to start: %s", strerror(-err));
		return false;
	}
	shim.xe_ready = true;
	return true;
}

struct xe_host_ctx *shim_ctx(uint32_t ctx_id)
{
	return xe_map_get(&shim.ctxs, ctx_id);
}

/* ---- init, cleanup, reset, poll ---- */

SHIM_EXPORT int virgl_renderer_init(void *cookie, int flags,
				    struct virgl_renderer_callbacks *cb)
{
	int real_err = -ENODEV, real_flags = flags;

	if (shim.inited)
		return -EBUSY;
	shim.cookie = cookie;
	shim.cb = cb;
	shim.flags = flags;
	shim_xe_init();
	if (!(flags & VIRGL_RENDERER_ASYNC_FENCE_CB) && fence_efd < 0)
		fence_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* DRM contexts are ours when we have an xe device */
	if (shim.xe_ready)
		real_flags &= ~VIRGL_RENDERER_DRM;
	if (shim_load_real() && shim.real.init) {
		real_err = shim.real.init(cookie, real_flags, cb);
		shim.real.inited = real_err == 0;
		if (real_err)
			shim_log("real virglrenderer init failed (%d)%s", real_err,
				 shim.xe_ready ? "; only DRM/XE contexts are available" : "");
	}
	if (!shim.real.inited && !shim.xe_ready)
		return real_err;
	shim.inited = true;
	return 0;
}

static void destroy_our_contexts(void)
{
	uint64_t key;
	void *val;
	size_t i = 0;

	shim_res_destroy_all();
	while (xe_map_next(&shim.ctxs, &i, &key, &val))
		xe_host_ctx_destroy(val);
	xe_map_free(&shim.ctxs);
}

SHIM_EXPORT void virgl_renderer_cleanup(void *cookie)
{
	destroy_our_contexts();
	if (shim.xe_ready)
		xe_host_fini();
	shim.xe_ready = false;
	shim.xe_tried = false;
	if (shim.real.inited && shim.real.cleanup)
		shim.real.cleanup(cookie);
	shim.real.inited = false;
	drain_fences();
	shim.inited = false;
	shim.cb = NULL;
}

SHIM_EXPORT void virgl_renderer_reset(void)
{
	destroy_our_contexts();
	drain_fences();
	if (shim.real.inited && shim.real.reset)
		shim.real.reset();
}

SHIM_EXPORT void virgl_renderer_poll(void)
{
	drain_fences();
	if (shim.real.inited && shim.real.poll)
		shim.real.poll();
}

/*
 * One fd for both sources: an epoll set holding our fence eventfd and the
 * real library's poll fd, readable when either is.
 */
SHIM_EXPORT int virgl_renderer_get_poll_fd(void)
{
	int real_fd = -1;
	struct epoll_event ev = { .events = EPOLLIN };

	if (poll_fd >= 0)
		return poll_fd;
	if (shim.real.inited && shim.real.get_poll_fd)
		real_fd = shim.real.get_poll_fd();
	if (fence_efd < 0)
		return real_fd;
	poll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (poll_fd < 0)
		return real_fd;
	if (epoll_ctl(poll_fd, EPOLL_CTL_ADD, fence_efd, &ev) ||
	    (real_fd >= 0 && epoll_ctl(poll_fd, EPOLL_CTL_ADD, real_fd, &ev))) {
		close(poll_fd);
		poll_fd = -1;
		return real_fd;
	}
	return poll_fd;
}

SHIM_EXPORT void virgl_renderer_force_ctx_0(void)
{
	if (shim.real.inited && shim.real.force_ctx_0)
		shim.real.force_ctx_0();
}

/* ---- capsets ---- */

SHIM_EXPORT void virgl_renderer_get_cap_set(uint32_t set, uint32_t *max_ver,
					    uint32_t *max_size)
{
	*max_ver = 0;
	*max_size = 0;
	if (set == VIRTIO_GPU_CAPSET_DRM && shim_xe_init()) {
		*max_size = xe_host_capset(NULL, 0);
		return;
	}
	if (shim_load_real() && shim.real.get_cap_set)
		shim.real.get_cap_set(set, max_ver, max_size);
}

SHIM_EXPORT void virgl_renderer_fill_caps(uint32_t set, uint32_t version, void *caps)
{
	if (set == VIRTIO_GPU_CAPSET_DRM && shim.xe_ready) {
		xe_host_capset(caps, xe_host_capset(NULL, 0));
		return;
	}
	if (shim_load_real() && shim.real.fill_caps)
		shim.real.fill_caps(set, version, caps);
}

/* ---- contexts ---- */

SHIM_EXPORT int virgl_renderer_context_create_with_flags(uint32_t ctx_id,
							 uint32_t ctx_flags,
							 uint32_t nlen,
							 const char *name)
{
	uint32_t capset = ctx_flags & VIRGL_RENDERER_CONTEXT_FLAG_CAPSET_ID_MASK;
	struct xe_host_ctx *ctx;
	int err;

	if (capset == VIRTIO_GPU_CAPSET_DRM && shim.xe_ready) {
		if (shim_ctx(ctx_id) || !ctx_id)
			return -EINVAL;
		ctx = xe_host_ctx_create(ctx_id, name, nlen);
		if (!ctx) {
			err = -errno;
			shim_log("context %u: %s", ctx_id, strerror(-err));
			return err ? err : -ENOMEM;
		}
		err = xe_map_put(&shim.ctxs, ctx_id, ctx);
		if (err) {
			xe_host_ctx_destroy(ctx);
			return err;
		}
		return 0;
	}
	if (!shim.real.inited || !shim.real.context_create_with_flags)
		return -EINVAL;
	return shim.real.context_create_with_flags(ctx_id, ctx_flags, nlen, name);
}

SHIM_EXPORT int virgl_renderer_context_create(uint32_t ctx_id, uint32_t nlen,
					      const char *name)
{
	if (!shim.real.inited || !shim.real.context_create)
		return -EINVAL;
	return shim.real.context_create(ctx_id, nlen, name);
}

SHIM_EXPORT void virgl_renderer_context_destroy(uint32_t ctx_id)
{
	struct xe_host_ctx *ctx = xe_map_del(&shim.ctxs, ctx_id);

	if (ctx) {
		shim_res_destroy_ctx(ctx_id);
		xe_host_ctx_destroy(ctx);
		return;
	}
	if (shim.real.inited && shim.real.context_destroy)
		shim.real.context_destroy(ctx_id);
}

SHIM_EXPORT int virgl_renderer_submit_cmd(void *buffer, int ctx_id, int ndw)
{
	struct xe_host_ctx *ctx = shim_ctx(ctx_id);

	if (ctx) {
		if (ndw < 0)
			return -EINVAL;
		return xe_host_ctx_submit(ctx, buffer, (size_t)ndw * 4);
	}
	if (!shim.real.inited || !shim.real.submit_cmd)
		return -EINVAL;
	return shim.real.submit_cmd(buffer, ctx_id, ndw);
}

SHIM_EXPORT int virgl_renderer_context_create_fence(uint32_t ctx_id, uint32_t flags,
						    uint32_t ring_idx,
						    uint64_t fence_id)
{
	struct xe_host_ctx *ctx = shim_ctx(ctx_id);

	if (ctx)
		return xe_host_ctx_fence(ctx, ring_idx, fence_id);
	if (!shim.real.inited || !shim.real.context_create_fence)
		return -EINVAL;
	return shim.real.context_create_fence(ctx_id, flags, ring_idx, fence_id);
}

/* ctx 0 fences: the real library's, or signalled at once without it. */
SHIM_EXPORT int virgl_renderer_create_fence(int client_fence_id, uint32_t ctx_id)
{
	if (shim.real.inited && shim.real.create_fence)
		return shim.real.create_fence(client_fence_id, ctx_id);
	queue_fence(0, 0, (uint32_t)client_fence_id, true);
	return 0;
}

SHIM_EXPORT void virgl_renderer_ctx_attach_resource(int ctx_id, int res_handle)
{
	/* our contexts reach only the blobs they created */
	if (shim_ctx(ctx_id) || shim_res(res_handle))
		return;
	if (shim.real.inited && shim.real.ctx_attach_resource)
		shim.real.ctx_attach_resource(ctx_id, res_handle);
}

SHIM_EXPORT void virgl_renderer_ctx_detach_resource(int ctx_id, int res_handle)
{
	if (shim_ctx(ctx_id) || shim_res(res_handle))
		return;
	if (shim.real.inited && shim.real.ctx_detach_resource)
		shim.real.ctx_detach_resource(ctx_id, res_handle);
}

/* ---- virgl-only calls: forwarded, or refused without the real library ---- */

SHIM_EXPORT void *virgl_renderer_get_cursor_data(uint32_t res, uint32_t *w, uint32_t *h)
{
	if (!shim.real.inited || !shim.real.get_cursor_data)
		return NULL;
	return shim.real.get_cursor_data(res, w, h);
}

SHIM_EXPORT int virgl_renderer_resource_create(struct virgl_renderer_resource_create_args *a,
					       struct iovec *iov, uint32_t n)
{
	if (!shim.real.inited || !shim.real.resource_create)
		return -EINVAL;
	return shim.real.resource_create(a, iov, n);
}

SHIM_EXPORT int virgl_renderer_transfer_read_iov(uint32_t res, uint32_t ctx,
						 uint32_t level, uint32_t stride,
						 uint32_t layer_stride,
						 struct virgl_box *box, uint64_t offset,
						 struct iovec *iov, int n)
{
	if (!shim.real.inited || !shim.real.transfer_read_iov || shim_res(res))
		return -EINVAL;
	return shim.real.transfer_read_iov(res, ctx, level, stride, layer_stride,
					   box, offset, iov, n);
}

SHIM_EXPORT int virgl_renderer_transfer_write_iov(uint32_t res, uint32_t ctx, int level,
						  uint32_t stride, uint32_t layer_stride,
						  struct virgl_box *box, uint64_t offset,
						  struct iovec *iov, unsigned int n)
{
	if (!shim.real.inited || !shim.real.transfer_write_iov || shim_res(res))
		return -EINVAL;
	return shim.real.transfer_write_iov(res, ctx, level, stride, layer_stride,
					    box, offset, iov, n);
}

SHIM_EXPORT int virgl_renderer_resource_attach_iov(int res, struct iovec *iov, int n)
{
	if (!shim.real.inited || !shim.real.resource_attach_iov || shim_res(res))
		return -EINVAL;
	return shim.real.resource_attach_iov(res, iov, n);
}

SHIM_EXPORT void virgl_renderer_resource_detach_iov(int res, struct iovec **iov, int *n)
{
	if (iov)
		*iov = NULL;
	if (n)
		*n = 0;
	if (shim.real.inited && shim.real.resource_detach_iov && !shim_res(res))
		shim.real.resource_detach_iov(res, iov, n);
}
