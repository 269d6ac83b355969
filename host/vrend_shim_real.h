/* SPDX-License-Identifier: MIT */
/*
 * Every entry point of the system's libvirglrenderer.so.1 (Debian's 1.3
 * exports exactly these), as REAL_FN(return type, name, parameters) with the
 * name given as the exported symbol's name. Included with REAL_FN defined;
 * no include guard on purpose.
 */
REAL_FN(int, virgl_renderer_init,
	(void *cookie, int flags, struct virgl_renderer_callbacks *cb))
REAL_FN(void, virgl_renderer_poll, (void))
REAL_FN(void, virgl_renderer_cleanup, (void *cookie))
REAL_FN(void, virgl_renderer_reset, (void))
REAL_FN(int, virgl_renderer_get_poll_fd, (void))
REAL_FN(void, virgl_renderer_force_ctx_0, (void))
REAL_FN(void, virgl_renderer_get_cap_set,
	(uint32_t set, uint32_t *max_ver, uint32_t *max_size))
REAL_FN(void, virgl_renderer_fill_caps,
	(uint32_t set, uint32_t version, void *caps))
REAL_FN(int, virgl_renderer_context_create,
	(uint32_t handle, uint32_t nlen, const char *name))
REAL_FN(int, virgl_renderer_context_create_with_flags,
	(uint32_t ctx_id, uint32_t ctx_flags, uint32_t nlen, const char *name))
REAL_FN(void, virgl_renderer_context_destroy, (uint32_t handle))
REAL_FN(int, virgl_renderer_submit_cmd, (void *buffer, int ctx_id, int ndw))
REAL_FN(int, virgl_renderer_submit_cmd2,
	(void *buffer, int ctx_id, int ndw, uint64_t *in_fence_ids,
	 uint32_t num_in_fences))
REAL_FN(int, virgl_renderer_create_fence, (int client_fence_id, uint32_t ctx_id))
REAL_FN(int, virgl_renderer_context_create_fence,
	(uint32_t ctx_id, uint32_t flags, uint32_t ring_idx, uint64_t fence_id))
REAL_FN(void, virgl_renderer_context_poll, (uint32_t ctx_id))
REAL_FN(int, virgl_renderer_context_get_poll_fd, (uint32_t ctx_id))
REAL_FN(void, virgl_renderer_ctx_attach_resource, (int ctx_id, int res_handle))
REAL_FN(void, virgl_renderer_ctx_detach_resource, (int ctx_id, int res_handle))
REAL_FN(int, virgl_renderer_resource_create,
	(struct virgl_renderer_resource_create_args *args, struct iovec *iov,
	 uint32_t num_iovs))
REAL_FN(int, virgl_renderer_resource_import_eglimage,
	(struct virgl_renderer_resource_create_args *args, void *image))
REAL_FN(void, virgl_renderer_resource_unref, (uint32_t res_handle))
REAL_FN(void, virgl_renderer_resource_set_priv, (uint32_t res_handle, void *priv))
REAL_FN(void *, virgl_renderer_resource_get_priv, (uint32_t res_handle))
REAL_FN(int, virgl_renderer_resource_attach_iov,
	(int res_handle, struct iovec *iov, int num_iovs))
REAL_FN(void, virgl_renderer_resource_detach_iov,
	(int res_handle, struct iovec **iov, int *num_iovs))
REAL_FN(int, virgl_renderer_transfer_read_iov,
	(uint32_t handle, uint32_t ctx_id, uint32_t level, uint32_t stride,
	 uint32_t layer_stride, struct virgl_box *box, uint64_t offset,
	 struct iovec *iov, int iovec_cnt))
REAL_FN(int, virgl_renderer_transfer_write_iov,
	(uint32_t handle, uint32_t ctx_id, int level, uint32_t stride,
	 uint32_t layer_stride, struct virgl_box *box, uint64_t offset,
	 struct iovec *iovec, unsigned int iovec_cnt))
REAL_FN(int, virgl_renderer_resource_get_info,
	(int res_handle, struct virgl_renderer_resource_info *info))
REAL_FN(int, virgl_renderer_resource_get_info_ext,
	(int res_handle, struct virgl_renderer_resource_info_ext *info))
REAL_FN(void *, virgl_renderer_get_cursor_data,
	(uint32_t resource_id, uint32_t *width, uint32_t *height))
REAL_FN(void, virgl_renderer_get_rect,
	(int resource_id, struct iovec *iov, unsigned int num_iovs,
	 uint32_t offset, int x, int y, int width, int height))
REAL_FN(int, virgl_renderer_get_fd_for_texture, (uint32_t tex_id, int *fd))
REAL_FN(int, virgl_renderer_get_fd_for_texture2,
	(uint32_t tex_id, int *fd, int *stride, int *offset))
REAL_FN(int, virgl_renderer_execute, (void *execute_args, uint32_t execute_size))
REAL_FN(int, virgl_renderer_resource_create_blob,
	(const struct virgl_renderer_resource_create_blob_args *args))
REAL_FN(int, virgl_renderer_resource_import_blob,
	(const struct virgl_renderer_resource_import_blob_args *args))
REAL_FN(int, virgl_renderer_resource_export_blob,
	(uint32_t res_id, uint32_t *fd_type, int *fd))
REAL_FN(int, virgl_renderer_resource_map,
	(uint32_t res_handle, void **map, uint64_t *out_size))
REAL_FN(int, virgl_renderer_resource_map_fixed, (uint32_t res_handle, void *addr))
REAL_FN(int, virgl_renderer_resource_unmap, (uint32_t res_handle))
REAL_FN(int, virgl_renderer_resource_get_map_info,
	(uint32_t res_handle, uint32_t *map_info))
REAL_FN(int, virgl_renderer_export_fence, (uint64_t client_fence_id, int *fd))
REAL_FN(int, virgl_renderer_export_signalled_fence, (void))
REAL_FN(int, virgl_renderer_attach_fence, (int ctx_id, int fence_fd))
REAL_FN(int, virgl_renderer_get_fence_fd, (uint64_t fence_id))
REAL_FN(int, virgl_renderer_get_dev_fd, (int ctx_id))
REAL_FN(virgl_debug_callback_type, virgl_set_debug_callback,
	(virgl_debug_callback_type cb))
REAL_FN(void, virgl_set_log_callback,
	(virgl_log_callback_type cb, void *user_data,
	 virgl_free_data_callback_type free_user_data_cb))
