// SPDX-License-Identifier: MIT
/*
 * The drop-in libvirglrenderer.so.1: loading the real library, the
 * renderer's lifetime (init, reset, cleanup), capsets and contexts.
 *
 * QEMU asks for capsets when the device is realized, before
 * virgl_renderer_init(), and offers the guest only those it saw then. So the
 * host core starts on the first DRM capset query (or in an init that asks
 * for VIRGL_RENDERER_DRM), not only in init.
 *
 * If the real library fails to initialise (no usable GL, say) while the
 * core serves DRM contexts, init still succeeds: DRM/XE contexts work and
 * everything that needed the real library is refused.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vrend_shim.h"

#ifndef XE_PROXY_REAL_VIRGLRENDERER
#define XE_PROXY_REAL_VIRGLRENDERER "/usr/lib/x86_64-linux-gnu/libvirglrenderer.so.1"
#endif

struct shim_state shim;

/* Same inode: catches symlinks and bind mounts, which a name compare misses. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool is_self(const char *path)
{
	Dl_info self;

	return dladdr((void *)shim_load_real, &self) && self.dli_fname &&
	       same_file(path, self.dli_fname);
}

/**
 * shim_load_real() - dlopen the system's libvirglrenderer (once)
 *
 * The path is $XE_PROXY_REAL_VIRGLRENDERER, else the build-time default;
 * "none" loads nothing.
 * RTLD_DEEPBIND keeps the real library's own calls to virgl_* inside it
 * rather than letting them resolve to this library's exports.
 *
 * Return: true when the real library is loaded.
 */
bool shim_load_real(void)
{
	const char *path = getenv("XE_PROXY_REAL_VIRGLRENDERER");
	void *h;

	if (shim.real.handle)
		return true;
	if (shim.real.load_failed)
		return false;
	shim.real.load_failed = true;
	if (!path || !*path)
		path = XE_PROXY_REAL_VIRGLRENDERER;
	/* "none": DRM/XE contexts only (sanitizer runs: ASan refuses DEEPBIND) */
	if (!strcmp(path, "none")) {
		xe_log("XE_PROXY_REAL_VIRGLRENDERER=none: only DRM/XE contexts are available");
		return false;
	}
	if (is_self(path)) {
		xe_log("%s is this library, not the real virglrenderer; only DRM/XE contexts are available",
		       path);
		return false;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!h) {
		xe_log("cannot load the real virglrenderer: %s", dlerror());
		return false;
	}
	/* A path we could not stat may still lead back to us. */
	if (dlsym(h, "virgl_renderer_init") == (void *)virgl_renderer_init ||
	    !dlsym(h, "virgl_renderer_init")) {
		xe_log("%s is not a usable virglrenderer", path);
		dlclose(h);
		return false;
	}
#define REAL_FN(ret, name, params) \
	shim.real.name = (ret (*) params)dlsym(h, #name);
#include "vrend_shim_real.h"
#undef REAL_FN
	shim.real.handle = h;
	shim.real.load_failed = false;
	return true;
}

/**
 * shim_xe_init() - start the host core (once until the next cleanup)
 *
 * Return: true when DRM contexts are served by the core.
 */
bool shim_xe_init(void)
{
	int ret;

	if (shim.xe_tried)
		return shim.xe_ready;
	shim.xe_tried = true;
	ret = xe_host_init(NULL, shim_fence_cb);
	if (ret) {
		xe_log("no xe device (%s): DRM contexts go to the real virglrenderer",
		       strerror(-ret));
		return false;
	}
	shim.xe_ready = true;
	shim_scanout_init();
	return true;
}

/**
 * shim_ctx() - one of our contexts
 * @ctx_id: virtio-gpu context id
 *
 * Return: the core's context, or NULL when @ctx_id is not ours.
 */
struct xe_host_ctx *shim_ctx(uint32_t ctx_id)
{
	return xe_map_get(&shim.ctxs, ctx_id);
}

static void destroy_contexts(void)
{
	uint64_t key;
	size_t i = 0;
	void *ctx;

	while (xe_map_next(&shim.ctxs, &i, &key, &ctx))
		xe_host_ctx_destroy(ctx);
	xe_map_free(&shim.ctxs);
}

/* DRM contexts are ours: the core is up and @flags ask for them. */
static bool drm_is_ours(int flags)
{
	return shim.xe_ready && (flags & VIRGL_RENDERER_DRM);
}

static void forget_init(void)
{
	shim.cookie = NULL;
	shim.cb = NULL;
	shim.flags = 0;
	shim.inited = false;
}

SHIM_EXPORT int virgl_renderer_init(void *cookie, int flags,
				    struct virgl_renderer_callbacks *cb)
{
	int real_ret = -ENODEV, real_flags = flags, ret;

	if (shim.inited) {
		/* QEMU inits again, with the same arguments, after a reset. */
		if (cookie != shim.cookie || flags != shim.flags || cb != shim.cb)
			return -EBUSY;
		if (shim.real.inited)
			return shim.real.virgl_renderer_init(cookie,
							     shim.real.flags, cb);
		return 0;
	}
	if (!cb || cb->version < 1)
		return -EINVAL;

	/* As virglrenderer: DRM contexts only when the caller asks for them. */
	if (flags & VIRGL_RENDERER_DRM)
		shim_xe_init();
	ret = shim_fence_setup(cookie, flags, cb);
	if (ret)
		return ret;
	shim.cookie = cookie;
	shim.cb = cb;
	shim.flags = flags;
	/*
	 * With the core up, capset DRM is ours: the real library's DRM
	 * backend would only probe for other drivers and, finding none, fail
	 * its whole init.
	 */
	if (drm_is_ours(flags))
		real_flags &= ~VIRGL_RENDERER_DRM;
	if (shim_load_real()) {
		real_ret = shim.real.virgl_renderer_init(cookie, real_flags, cb);
		if (!real_ret) {
			shim.real.inited = true;
			shim.real.flags = real_flags;
		}
	}
	if (real_ret && !drm_is_ours(flags)) {
		shim_fence_teardown();
		forget_init();
		return real_ret;
	}
	if (real_ret && shim.real.handle)
		xe_log("the real virglrenderer did not initialise (%d): only DRM/XE contexts are available",
		       real_ret);
	shim.inited = true;
	return 0;
}

SHIM_EXPORT void virgl_renderer_cleanup(void *cookie)
{
	/* Resources first: they still reach into live contexts. */
	shim_res_reset();
	destroy_contexts();
	/* Joins the fence thread: no callback runs after this. */
	if (shim.xe_ready)
		xe_host_fini();
	shim.xe_ready = false;
	shim.xe_tried = false;
	if (shim.real.inited && shim.real.virgl_renderer_cleanup)
		shim.real.virgl_renderer_cleanup(cookie);
	shim.real.inited = false;
	shim_fence_teardown();
	forget_init();
}

SHIM_EXPORT void virgl_renderer_reset(void)
{
	shim_res_reset();
	destroy_contexts();
	shim_fence_discard();
	if (REAL_OK(virgl_renderer_reset))
		shim.real.virgl_renderer_reset();
}

SHIM_EXPORT void virgl_renderer_force_ctx_0(void)
{
	if (REAL_OK(virgl_renderer_force_ctx_0))
		shim.real.virgl_renderer_force_ctx_0();
}

/* Capsets may be asked for before init (QEMU does, at realize). */
SHIM_EXPORT void virgl_renderer_get_cap_set(uint32_t set, uint32_t *max_ver,
					    uint32_t *max_size)
{
	uint32_t ver = 0, size = 0;

	if (set == SHIM_CAPSET_DRM && shim_xe_init())
		size = xe_host_capset(NULL, 0);
	else if (shim_load_real() && shim.real.virgl_renderer_get_cap_set)
		shim.real.virgl_renderer_get_cap_set(set, &ver, &size);
	if (max_ver)
		*max_ver = ver;
	if (max_size)
		*max_size = size;
}

SHIM_EXPORT void virgl_renderer_fill_caps(uint32_t set, uint32_t version,
					  void *caps)
{
	if (!caps)
		return;
	if (set == SHIM_CAPSET_DRM && shim.xe_ready)
		xe_host_capset(caps, xe_host_capset(NULL, 0));
	else if (shim_load_real() && shim.real.virgl_renderer_fill_caps)
		shim.real.virgl_renderer_fill_caps(set, version, caps);
}

/*
 * Context calls return a positive errno, as virglrenderer's own
 * virgl_renderer_context_create_with_flags() does.
 */
static int create_our_context(uint32_t ctx_id, uint32_t ctx_flags,
			      uint32_t nlen, const char *name)
{
	struct xe_host_ctx *ctx;
	int ret;

	if (!shim.inited || !ctx_id ||
	    (ctx_flags & ~VIRGL_RENDERER_CONTEXT_FLAG_CAPSET_ID_MASK))
		return EINVAL;
	if (shim.cb->version < 3 || !shim.cb->write_context_fence) {
		xe_log_ratelimited("context %u: callbacks version %d cannot signal context fences",
				   ctx_id, shim.cb->version);
		return EINVAL;
	}
	ctx = xe_host_ctx_create(ctx_id, name, nlen);
	if (!ctx) {
		ret = errno ? errno : ENOMEM;
		xe_log_ratelimited("context %u: %s", ctx_id, strerror(ret));
		return ret;
	}
	if (xe_map_put(&shim.ctxs, ctx_id, ctx)) {
		xe_host_ctx_destroy(ctx);
		return ENOMEM;
	}
	return 0;
}

SHIM_EXPORT int virgl_renderer_context_create_with_flags(uint32_t ctx_id,
							 uint32_t ctx_flags,
							 uint32_t nlen,
							 const char *name)
{
	uint32_t capset = ctx_flags & VIRGL_RENDERER_CONTEXT_FLAG_CAPSET_ID_MASK;

	/* As virglrenderer: creating an existing context again is a no-op. */
	if (shim_ctx(ctx_id))
		return ctx_flags == SHIM_CAPSET_DRM ? 0 : EINVAL;
	if (capset == SHIM_CAPSET_DRM && shim.inited && drm_is_ours(shim.flags))
		return create_our_context(ctx_id, ctx_flags, nlen, name);
	if (!REAL_OK(virgl_renderer_context_create_with_flags))
		return EINVAL;
	return shim.real.virgl_renderer_context_create_with_flags(ctx_id,
								  ctx_flags,
								  nlen, name);
}

SHIM_EXPORT int virgl_renderer_context_create(uint32_t handle, uint32_t nlen,
					      const char *name)
{
	/* A context without flags is a virgl one: never ours. */
	if (shim_ctx(handle) || !REAL_OK(virgl_renderer_context_create))
		return EINVAL;
	return shim.real.virgl_renderer_context_create(handle, nlen, name);
}

SHIM_EXPORT void virgl_renderer_context_destroy(uint32_t handle)
{
	struct xe_host_ctx *ctx = xe_map_del(&shim.ctxs, handle);

	if (ctx) {
		shim_res_ctx_gone(handle);
		xe_host_ctx_destroy(ctx);
		return;
	}
	if (REAL_OK(virgl_renderer_context_destroy))
		shim.real.virgl_renderer_context_destroy(handle);
}

/*
 * Argument errors give a positive errno, as virglrenderer's entry point
 * does; the core's stream errors are negative, as its DRM contexts' are.
 */
SHIM_EXPORT int virgl_renderer_submit_cmd(void *buffer, int ctx_id, int ndw)
{
	struct xe_host_ctx *ctx = shim_ctx((uint32_t)ctx_id);

	if (!ctx) {
		if (!REAL_OK(virgl_renderer_submit_cmd))
			return EINVAL;
		return shim.real.virgl_renderer_submit_cmd(buffer, ctx_id, ndw);
	}
	if (ndw < 0 || (!buffer && ndw))
		return EINVAL;
	if ((uintptr_t)buffer & 3)
		return EFAULT;
	return xe_host_ctx_submit(ctx, buffer, (size_t)ndw * sizeof(uint32_t));
}
