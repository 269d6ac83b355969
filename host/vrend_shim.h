/* SPDX-License-Identifier: MIT */
/*
 * The drop-in libvirglrenderer.so.1: state shared by vrend_shim*.c.
 *
 * Routing: DRM contexts (capset VIRTIO_GPU_CAPSET_DRM) and the HOST3D blob
 * resources they create are served by the host core (xe_host_*.c); every
 * other context and resource belongs to the system's real libvirglrenderer.
 *
 * Threading: QEMU calls every virgl_renderer_* entry point from its main
 * loop thread, so the tables below need no lock. The core's fence thread
 * reaches this layer only through the fence code, which has its own lock.
 */
#ifndef VREND_SHIM_H
#define VREND_SHIM_H

#include <stdbool.h>
#include <stdint.h>

/* The vtest/unstable entry points are part of the exported ABI too. */
#define VIRGL_RENDERER_UNSTABLE_APIS
#include <virgl/virglrenderer.h>

#include "xe_host.h"
#include "xe_host_priv.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/* The one capset (and context type) the host core serves. */
#define SHIM_CAPSET_DRM	XE_PROXY_CAPSET_DRM

/**
 * struct shim_real - the system's real libvirglrenderer
 * @handle: dlopen() handle, or NULL
 * @load_failed: loading was tried and failed; not retried
 * @inited: its virgl_renderer_init() succeeded and no cleanup followed
 * @flags: the flags it was initialised with
 *
 * Followed by one pointer per exported function (vrend_shim_real.h), NULL
 * when the library does not have it.
 */
struct shim_real {
	void *handle;
	bool load_failed;
	bool inited;
	int flags;
#define REAL_FN(ret, name, params) ret (*name) params;
#include "vrend_shim_real.h"
#undef REAL_FN
};

/**
 * struct shim_state - the library's process-wide state
 * @real: the real library
 * @xe_tried: xe_host_init() was called (its result is kept until cleanup)
 * @xe_ready: xe_host_init() succeeded: DRM contexts are ours
 * @inited: virgl_renderer_init() returned 0 and no cleanup followed
 * @cookie: QEMU's cookie from virgl_renderer_init()
 * @flags: VIRGL_RENDERER_* flags from virgl_renderer_init()
 * @cb: QEMU's callbacks from virgl_renderer_init()
 * @ctxs: ctx_id -> struct xe_host_ctx, our contexts
 * @res: res_id -> struct shim_res, our resources
 * @real_res: res_id -> (void *)1, resources the real library created
 */
struct shim_state {
	struct shim_real real;
	bool xe_tried;
	bool xe_ready;
	bool inited;
	void *cookie;
	int flags;
	struct virgl_renderer_callbacks *cb;
	struct xe_map ctxs;
	struct xe_map res;
	struct xe_map real_res;
};

extern struct shim_state shim;

/* The real library has @fn and is initialised: the call may be forwarded. */
#define REAL_OK(fn)	(shim.real.inited && shim.real.fn)

/**
 * struct shim_res - a blob resource of one of our contexts: HOST3D, or
 *	guest memory backing userptr binds
 * @res_id: virtio-gpu resource id
 * @ctx_id: the context that created it
 * @ctx: that context, or NULL once it was destroyed (the resource lives on
 *	until the guest unrefs it: virtio-gpu resources are global)
 * @blob: fd, type, caching and size from the core; the fd is ours
 * @size: the size the guest asked for: what is mapped
 * @map: mapping made by virgl_renderer_resource_map(), or NULL
 * @fixed: where virgl_renderer_resource_map_fixed() mapped it, or NULL
 * @priv: virgl_renderer_resource_set_priv() data
 * @iov: guest memory: QEMU's iovec array, handed back on detach_iov
 * @num_iovs: entries in @iov
 * @dmabuf: @blob.fd is a real dma-buf, which QEMU can scan out
 * @scan_map: read-only mapping for 2D resources filled from it, or NULL
 *	(vrend_shim_scanout.c)
 */
struct shim_res {
	uint32_t res_id;
	uint32_t ctx_id;
	struct xe_host_ctx *ctx;
	struct xe_host_blob blob;
	uint64_t size;
	void *map;
	void *fixed;
	void *priv;
	struct iovec *iov;
	int num_iovs;
	bool dmabuf;
	void *scan_map;
};

/* vrend_shim.c */
bool shim_load_real(void);
bool shim_xe_init(void);
struct xe_host_ctx *shim_ctx(uint32_t ctx_id);

/* vrend_shim_res.c */
struct shim_res *shim_res(uint32_t res_id);
void shim_res_ctx_gone(uint32_t ctx_id);
void shim_res_reset(void);
bool shim_real_res(uint32_t res_id);

/* vrend_shim_scanout.c */
bool shim_res_is_dmabuf(const struct shim_res *r);
void shim_scanout_init(void);
void shim_scanout_res_gone(uint32_t res_id);
void shim_scanout_reset(void);
bool shim_scanout_transfer(uint32_t res_2d, struct virgl_box *box, int *ret);

/* vrend_shim_fence.c */
int shim_fence_setup(void *cookie, int flags,
		     struct virgl_renderer_callbacks *cb);
void shim_fence_teardown(void);
void shim_fence_discard(void);
void shim_fence_signal_ctx0(uint32_t fence_id);
void shim_fence_cb(void *cookie, uint32_t ctx_id, uint32_t ring_idx,
		   uint64_t fence_id);

#endif /* VREND_SHIM_H */
