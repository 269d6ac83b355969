/* SPDX-License-Identifier: MIT */
/*
 * The drop-in libvirglrenderer.so.1: state shared by vrend_shim*.c.
 *
 * QEMU calls every virgl_renderer_* entry point from its main loop thread;
 * the host core's fence thread only reaches us through shim_fence_cb(). So
 * the context and resource tables need no lock; the fence queue has one.
 */
#ifndef VREND_SHIM_H
#define VREND_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#include <virglrenderer.h>

#include "xe_host.h"
#include "xe_host_priv.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/* The system's real libvirglrenderer, for everything that is not ours. */
struct shim_real {
	void *handle;
	bool inited;	/* its virgl_renderer_init() succeeded */
#define REAL_FN(ret, name, args) ret (*name) args;
#include "vrend_shim_real.h"
#undef REAL_FN
};

struct shim_state {
	struct shim_real real;
	bool xe_ready;		/* xe_host_init() succeeded */
	bool xe_tried;
	bool inited;		/* virgl_renderer_init() returned 0 */
	int flags;		/* VIRGL_RENDERER_* given to init */
	void *cookie;
	struct virgl_renderer_callbacks *cb;
	struct xe_map ctxs;	/* ctx_id -> struct xe_host_ctx */
	struct xe_map res;	/* res_id -> struct shim_res, ours only */
};

extern struct shim_state shim;

/* A HOST3D blob resource of one of our contexts. */
struct shim_res {
	uint32_t res_id;
	uint32_t ctx_id;
	struct xe_host_ctx *ctx;
	struct xe_host_blob blob;
	bool mapped;
};

void shim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool shim_load_real(void);
bool shim_xe_init(void);
struct xe_host_ctx *shim_ctx(uint32_t ctx_id);
struct shim_res *shim_res(uint32_t res_id);
void shim_res_destroy_ctx(uint32_t ctx_id);
void shim_res_destroy_all(void);

#endif /* VREND_SHIM_H */
