/* SPDX-License-Identifier: MIT */
/*
 * virtio-xe-proxy host core: the renderer-independent part of the host
 * backend. It owns the xe render node, the per-guest-context state (objects,
 * VMs, exec queues, fences, the shared-memory response page) and decodes the
 * ccmd stream of include/xe_proxy_proto.h.
 *
 * The virglrenderer ABI layer (vrend_shim*.c, the drop-in
 * libvirglrenderer.so.1) is its only caller: it routes DRM/XE contexts here
 * and everything else to the system's real virglrenderer.
 *
 * Threading: every xe_host_* call comes from the renderer thread QEMU uses
 * for virglrenderer, except the fence callback, which the core may invoke
 * from its own fence thread (see xe_host_init()).
 */
#ifndef XE_HOST_H
#define XE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct xe_host_ctx;

/**
 * typedef xe_host_fence_cb - a context fence has signalled
 * @cookie: the cookie given to xe_host_init()
 * @ctx_id: the virtio-gpu context id
 * @ring_idx: the ring the fence was created on
 * @fence_id: the fence id given to xe_host_ctx_fence()
 *
 * Called from the core's fence thread, at most once per fence, in fence
 * order per (ctx_id, ring_idx).
 */
typedef void (*xe_host_fence_cb)(void *cookie, uint32_t ctx_id,
				 uint32_t ring_idx, uint64_t fence_id);

/**
 * xe_host_init() - open the xe render node and start the fence thread
 * @cookie: passed back to @fence_cb
 * @fence_cb: called when a context fence signals
 *
 * The node is $XE_PROXY_DEVICE if set, otherwise the first render node whose
 * DRM driver is "xe".
 *
 * Return: 0, or a negative errno (-ENODEV when there is no xe device).
 */
int xe_host_init(void *cookie, xe_host_fence_cb fence_cb);

/** xe_host_fini() - destroy every context, stop the thread, close the node */
void xe_host_fini(void);

/**
 * xe_host_capset() - the VIRTIO_GPU_CAPSET_DRM payload for context type XE
 * @buf: where to write it, or NULL to only ask for the size
 * @size: size of @buf
 *
 * Return: the capset size in bytes (sizeof(struct xe_proxy_capset_drm)),
 * or 0 when the core is not initialised.
 */
size_t xe_host_capset(void *buf, size_t size);

/**
 * xe_host_ctx_create() - a new guest context
 * @ctx_id: virtio-gpu context id, used for fence callbacks and logs
 * @name: debug name from the guest (may be NULL), not NUL-terminated
 * @name_len: length of @name
 *
 * Return: the context, or NULL (errno set).
 */
struct xe_host_ctx *xe_host_ctx_create(uint32_t ctx_id, const char *name,
				       size_t name_len);

/**
 * xe_host_ctx_destroy() - tear a context down, releasing all it owns
 * @ctx: the context (NULL is a no-op)
 *
 * Fences still pending on it are dropped without a callback.
 */
void xe_host_ctx_destroy(struct xe_host_ctx *ctx);

/**
 * xe_host_ctx_submit() - execute a ccmd stream from the guest
 * @ctx: the context
 * @buf: the stream (hostile: every byte is validated)
 * @len: its length
 *
 * Responses go to the context's shared-memory page.
 *
 * Return: 0, or a negative errno when the stream was malformed. The context
 * stays usable either way.
 */
int xe_host_ctx_submit(struct xe_host_ctx *ctx, const void *buf, size_t len);

/**
 * xe_host_ctx_fence() - create a fence on a ring of a context
 * @ctx: the context
 * @ring_idx: ring index (the guest maps exec queues onto rings)
 * @fence_id: id to report through the fence callback
 * @mergeable: a later fence of the ring may retire this one unreported
 *	(VIRGL_RENDERER_FENCE_FLAG_MERGEABLE, which QEMU always sets)
 *
 * The fence signals once all work submitted on @ring_idx before it has
 * completed.
 *
 * Return: 0, or -EINVAL for a ring index out of range, -ENOMEM.
 */
int xe_host_ctx_fence(struct xe_host_ctx *ctx, uint32_t ring_idx,
		      uint64_t fence_id, bool mergeable);

/**
 * struct xe_host_blob - what a blob resource is backed by
 * @fd: a dma-buf (XE_HOST_BLOB_FD_DMABUF) or shm (XE_HOST_BLOB_FD_SHM) fd
 *	owned by the caller, or -1
 * @fd_type: XE_HOST_BLOB_FD_*
 * @map_info: VIRGL_RENDERER_MAP_CACHE_* caching of a host mapping
 * @size: size in bytes
 * @offset: where the resource starts in what @fd maps (a slice of a BO)
 * @no_cpu_map: VRAM past a small BAR: a CPU access raises SIGBUS, so the
 *	resource is never mapped for QEMU (xe_host_beyond_bar())
 */
struct xe_host_blob {
	int fd;
	uint32_t fd_type;
	uint32_t map_info;
	uint64_t size;
	uint64_t offset;
	bool no_cpu_map;
};

#define XE_HOST_BLOB_FD_DMABUF	1 /* VIRGL_RENDERER_BLOB_FD_TYPE_DMABUF */
#define XE_HOST_BLOB_FD_SHM	3 /* VIRGL_RENDERER_BLOB_FD_TYPE_SHM */

/**
 * typedef xe_host_scanout_fn - the renderer layer's part of
 *	XE_PROXY_CCMD_SCANOUT
 * @res_id: the BO's resource; the core checked that the sending context
 *	may name it and that the framebuffer lies in the BO
 * @res_2d: 0 to ask, else the 2D resource to fill from the BO
 * @offset: byte offset of the first pixel in the BO
 * @stride: bytes per line, a multiple of 4, at least @width * 4
 * @width: pixels per line
 * @height: lines
 *
 * Return: XE_PROXY_SCANOUT_BLOB or XE_PROXY_SCANOUT_COPY, or a negative
 * errno (-EOPNOTSUPP: the BO cannot be shown this way).
 */
typedef int (*xe_host_scanout_fn)(uint32_t res_id, uint32_t res_2d,
				  uint64_t offset, uint32_t stride,
				  uint32_t width, uint32_t height);

/**
 * xe_host_set_scanout_fn() - who answers XE_PROXY_CCMD_SCANOUT
 * @fn: the renderer layer's function, or NULL (the ccmd then fails with
 *	EOPNOTSUPP)
 *
 * The core owns no display resources: the 2D resources and what QEMU can
 * import are the renderer layer's.
 */
void xe_host_set_scanout_fn(xe_host_scanout_fn fn);

/**
 * xe_host_ctx_create_blob() - back a HOST3D blob resource
 * @ctx: the context
 * @res_id: the virtio-gpu resource id the guest chose
 * @blob_id: 0 for the context's shared-memory response page, otherwise the
 *	blob_id a GEM_CREATE ccmd of this context registered
 * @size: the size the guest asked for
 * @blob_flags: VIRGL_RENDERER_BLOB_FLAG_*
 * @out: filled on success
 *
 * Return: 0, -EINVAL (bad size/flags/blob_id), -ENOENT (unknown blob_id),
 * -EEXIST (res_id in use), -ENOMEM.
 */
int xe_host_ctx_create_blob(struct xe_host_ctx *ctx, uint32_t res_id,
			    uint64_t blob_id, uint64_t size,
			    uint32_t blob_flags, struct xe_host_blob *out);

/**
 * xe_host_ctx_create_guest_blob() - register a guest-memory blob resource
 * @ctx: the context
 * @res_id: the virtio-gpu resource id the guest chose
 * @iov: QEMU's mapping of the guest pages backing it (copied)
 * @num_iov: entries in @iov, at most XE_PROXY_MAX_GUEST_MEM_IOVS
 * @size: the size the guest asked for; must equal the sum of @iov
 *
 * Every piece must be page aligned: the pieces become userptr binds.
 *
 * Return: 0, -EINVAL, -EEXIST (res_id in use) or -ENOMEM.
 */
int xe_host_ctx_create_guest_blob(struct xe_host_ctx *ctx, uint32_t res_id,
				  const struct iovec *iov, uint32_t num_iov,
				  uint64_t size);

/**
 * xe_host_ctx_map() - map a blob resource into this process
 * @ctx: the context that created it
 * @res_id: the resource
 * @ptr: the mapping
 * @size: its size
 *
 * The mapping stays valid until xe_host_ctx_unmap() or the resource's unref.
 *
 * Return: 0, -ENOENT, or the mmap errno.
 */
int xe_host_ctx_map(struct xe_host_ctx *ctx, uint32_t res_id, void **ptr,
		    uint64_t *size);

/** xe_host_ctx_unmap() - drop the mapping made by xe_host_ctx_map() */
int xe_host_ctx_unmap(struct xe_host_ctx *ctx, uint32_t res_id);

/**
 * xe_host_ctx_resource_unref() - the guest dropped a blob resource
 * @ctx: the context that created it
 * @res_id: the resource
 *
 * Releases the resource's reference on its GEM object (the object lives on
 * while the guest's GEM handle or a binding still holds it).
 */
void xe_host_ctx_resource_unref(struct xe_host_ctx *ctx, uint32_t res_id);

/**
 * xe_host_ctx_attach_resource() - import another context's BO resource
 * @ctx: the context the guest attached the resource to
 * @res_id: the resource
 * @dmabuf_fd: its dma-buf (the caller keeps it)
 * @size: its size
 *
 * Gives @ctx a handle of its own for the BO behind @res_id, so its binds
 * can name @res_id. A no-op when @ctx created the resource or has it
 * attached already.
 *
 * Return: 0, -EINVAL, the per-guest limits' errno, the driver's import
 * errno or -ENOMEM (each logged).
 */
int xe_host_ctx_attach_resource(struct xe_host_ctx *ctx, uint32_t res_id,
				int dmabuf_fd, uint64_t size);

/**
 * xe_host_ctx_detach_resource() - undo xe_host_ctx_attach_resource()
 * @ctx: the context
 * @res_id: the resource
 *
 * Later ccmds of @ctx cannot name @res_id; VM mappings of it stay until
 * unbound. The creator of a resource cannot detach it (it unrefs it).
 */
void xe_host_ctx_detach_resource(struct xe_host_ctx *ctx, uint32_t res_id);

/**
 * xe_host_resource_detach_all() - a BO resource is being unreffed
 * @res_id: the resource
 *
 * Detaches it from every context that imported it.
 */
void xe_host_resource_detach_all(uint32_t res_id);

/**
 * xe_host_ctx_detach_guest_blob() - QEMU takes back a guest-memory resource
 * @ctx: the context that created it
 * @res_id: the resource
 *
 * Every GPU mapping of its pages is unbound before this returns (userptr
 * bindings follow QEMU's virtual address, which may hold something else
 * once QEMU has the iovecs back), and later binds of it are refused.
 */
void xe_host_ctx_detach_guest_blob(struct xe_host_ctx *ctx, uint32_t res_id);

/**
 * xe_host_orphan_release() - a resource whose context is gone was unreffed
 * @res_id: the resource
 *
 * What backs a resource (a BO, the shmem page) outlives its context until
 * the guest unrefs the resource; its per-guest charge is released here.
 */
void xe_host_orphan_release(uint32_t res_id);

/**
 * xe_host_mapping_add() - the caller is about to map a blob at @addr
 * @addr: where, in this process
 * @size: how many bytes
 *
 * Guest memory can name any guest-physical range, its own host-visible
 * window included, and the driver's MMU notifier would wait for the guest's
 * GPU work if the mapping under a userptr binding changed. So a blob is
 * never mapped where guest memory lies, and guest memory is refused where a
 * blob is mapped. Pair with xe_host_mapping_remove().
 *
 * Return: 0, -EBUSY (guest memory lies there) or -ENOMEM.
 */
int xe_host_mapping_add(const void *addr, uint64_t size);

/**
 * xe_host_mapping_remove() - a blob mapping made after xe_host_mapping_add()
 *	is gone
 * @addr: where
 * @size: how many bytes
 */
void xe_host_mapping_remove(const void *addr, uint64_t size);

#endif /* XE_HOST_H */
