/* SPDX-License-Identifier: MIT */
/*
 * The real libvirglrenderer's entry points the shim forwards to, as
 * REAL_FN(return type, name without the virgl_renderer_ prefix, arguments).
 * Included with REAL_FN defined; no include guard on purpose.
 */
REAL_FN(int, init, (void *cookie, int flags, struct virgl_renderer_callbacks *cb))
REAL_FN(void, poll, (void))
REAL_FN(void *, get_cursor_data, (uint32_t res, uint32_t *w, uint32_t *h))
REAL_FN(int, resource_create, (struct virgl_renderer_resource_create_args *a,
			       struct iovec *iov, uint32_t n))
REAL_FN(void, resource_unref, (uint32_t res))
REAL_FN(int, context_create, (uint32_t ctx, uint32_t nlen, const char *name))
REAL_FN(void, context_destroy, (uint32_t ctx))
REAL_FN(int, submit_cmd, (void *buf, int ctx, int ndw))
REAL_FN(int, transfer_read_iov, (uint32_t res, uint32_t ctx, uint32_t level,
				 uint32_t stride, uint32_t layer_stride,
				 struct virgl_box *box, uint64_t offset,
				 struct iovec *iov, int n))
REAL_FN(int, transfer_write_iov, (uint32_t res, uint32_t ctx, int level,
				  uint32_t stride, uint32_t layer_stride,
				  struct virgl_box *box, uint64_t offset,
				  struct iovec *iov, unsigned int n))
REAL_FN(void, get_cap_set, (uint32_t set, uint32_t *max_ver, uint32_t *max_size))
REAL_FN(void, fill_caps, (uint32_t set, uint32_t version, void *caps))
REAL_FN(int, resource_attach_iov, (int res, struct iovec *iov, int n))
REAL_FN(void, resource_detach_iov, (int res, struct iovec **iov, int *n))
REAL_FN(int, create_fence, (int fence_id, uint32_t ctx))
REAL_FN(void, force_ctx_0, (void))
REAL_FN(void, ctx_attach_resource, (int ctx, int res))
REAL_FN(void, ctx_detach_resource, (int ctx, int res))
REAL_FN(int, resource_get_info, (int res, struct virgl_renderer_resource_info *i))
REAL_FN(int, resource_get_info_ext, (int res, struct virgl_renderer_resource_info_ext *i))
REAL_FN(void, cleanup, (void *cookie))
REAL_FN(void, reset, (void))
REAL_FN(int, get_poll_fd, (void))
REAL_FN(int, context_create_with_flags, (uint32_t ctx, uint32_t flags,
					 uint32_t nlen, const char *name))
REAL_FN(int, resource_create_blob, (const struct virgl_renderer_resource_create_blob_args *a))
REAL_FN(int, resource_map, (uint32_t res, void **map, uint64_t *size))
REAL_FN(int, resource_unmap, (uint32_t res))
REAL_FN(int, resource_get_map_info, (uint32_t res, uint32_t *info))
REAL_FN(int, resource_export_blob, (uint32_t res, uint32_t *type, int *fd))
REAL_FN(int, context_create_fence, (uint32_t ctx, uint32_t flags, uint32_t ring,
				    uint64_t fence_id))
REAL_FN(int, resource_map_fixed, (uint32_t res, void *addr))
