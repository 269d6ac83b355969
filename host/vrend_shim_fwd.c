// SPDX-License-Identifier: MIT
/*
 * The rest of libvirglrenderer's exported API, which QEMU does not use:
 * forwarded to the real library so that any other user of the soname keeps
 * working, and answered conservatively for our contexts and resources.
 */
#include <errno.h>
#include <unistd.h>

#include "vrend_shim.h"

SHIM_EXPORT void virgl_renderer_get_rect(int resource_id, struct iovec *iov,
					 unsigned int num_iovs, uint32_t offset,
					 int x, int y, int width, int height)
{
	if (shim_res((uint32_t)resource_id) || !REAL_OK(virgl_renderer_get_rect))
		return;
	shim.real.virgl_renderer_get_rect(resource_id, iov, num_iovs, offset,
					  x, y, width, height);
}

SHIM_EXPORT int virgl_renderer_get_fd_for_texture(uint32_t tex_id, int *fd)
{
	if (!REAL_OK(virgl_renderer_get_fd_for_texture))
		return -1;
	return shim.real.virgl_renderer_get_fd_for_texture(tex_id, fd);
}

SHIM_EXPORT int virgl_renderer_get_fd_for_texture2(uint32_t tex_id, int *fd,
						   int *stride, int *offset)
{
	if (!REAL_OK(virgl_renderer_get_fd_for_texture2))
		return -1;
	return shim.real.virgl_renderer_get_fd_for_texture2(tex_id, fd, stride,
							    offset);
}

SHIM_EXPORT void virgl_renderer_resource_set_priv(uint32_t res_handle, void *priv)
{
	struct shim_res *r = shim_res(res_handle);

	if (r)
		r->priv = priv;
	else if (REAL_OK(virgl_renderer_resource_set_priv))
		shim.real.virgl_renderer_resource_set_priv(res_handle, priv);
}

SHIM_EXPORT void *virgl_renderer_resource_get_priv(uint32_t res_handle)
{
	struct shim_res *r = shim_res(res_handle);

	if (r)
		return r->priv;
	if (!REAL_OK(virgl_renderer_resource_get_priv))
		return NULL;
	return shim.real.virgl_renderer_resource_get_priv(res_handle);
}

/* Export queries about our resources are not answered: -EINVAL. */
SHIM_EXPORT int virgl_renderer_execute(void *execute_args, uint32_t execute_size)
{
	const struct virgl_renderer_export_query *q = execute_args;

	if (!execute_args || execute_size < sizeof(struct virgl_renderer_hdr) ||
	    !REAL_OK(virgl_renderer_execute))
		return -EINVAL;
	if (q->hdr.stype == VIRGL_RENDERER_STRUCTURE_TYPE_EXPORT_QUERY &&
	    execute_size >= sizeof(*q) && shim_res(q->in_resource_id))
		return -EINVAL;
	return shim.real.virgl_renderer_execute(execute_args, execute_size);
}

SHIM_EXPORT int virgl_renderer_submit_cmd2(void *buffer, int ctx_id, int ndw,
					   uint64_t *in_fence_ids,
					   uint32_t num_in_fences)
{
	if (shim_ctx((uint32_t)ctx_id)) {
		/* Our contexts take no fences by id: there is no fence sharing. */
		if (num_in_fences)
			return -EINVAL;
		return virgl_renderer_submit_cmd(buffer, ctx_id, ndw);
	}
	if (!REAL_OK(virgl_renderer_submit_cmd2))
		return EINVAL;
	return shim.real.virgl_renderer_submit_cmd2(buffer, ctx_id, ndw,
						    in_fence_ids, num_in_fences);
}

/* The fd is the callee's either way, as in virglrenderer. */
SHIM_EXPORT int virgl_renderer_attach_fence(int ctx_id, int fence_fd)
{
	if (shim_ctx((uint32_t)ctx_id)) {
		if (fence_fd >= 0)
			close(fence_fd);
		return -EINVAL;
	}
	if (!REAL_OK(virgl_renderer_attach_fence))
		return EINVAL;
	return shim.real.virgl_renderer_attach_fence(ctx_id, fence_fd);
}

SHIM_EXPORT int virgl_renderer_export_fence(uint64_t client_fence_id, int *fd)
{
	if (!REAL_OK(virgl_renderer_export_fence)) {
		if (fd)
			*fd = -1;
		return -EINVAL;
	}
	return shim.real.virgl_renderer_export_fence(client_fence_id, fd);
}

SHIM_EXPORT int virgl_renderer_export_signalled_fence(void)
{
	if (!REAL_OK(virgl_renderer_export_signalled_fence))
		return -1;
	return shim.real.virgl_renderer_export_signalled_fence();
}

SHIM_EXPORT int virgl_renderer_get_fence_fd(uint64_t fence_id)
{
	if (!REAL_OK(virgl_renderer_get_fence_fd))
		return -1;
	return shim.real.virgl_renderer_get_fence_fd(fence_id);
}

/* Our contexts' render node fds stay inside this library. */
SHIM_EXPORT int virgl_renderer_get_dev_fd(int ctx_id)
{
	if (shim_ctx((uint32_t)ctx_id))
		return -ENODEV;
	if (!REAL_OK(virgl_renderer_get_dev_fd))
		return -EINVAL;
	return shim.real.virgl_renderer_get_dev_fd(ctx_id);
}

/* Logging may be set up before init, so these load the real library. */
SHIM_EXPORT virgl_debug_callback_type virgl_set_debug_callback(virgl_debug_callback_type cb)
{
	if (!shim_load_real() || !shim.real.virgl_set_debug_callback)
		return NULL;
	return shim.real.virgl_set_debug_callback(cb);
}

SHIM_EXPORT void virgl_set_log_callback(virgl_log_callback_type cb,
					void *user_data,
					virgl_free_data_callback_type free_user_data_cb)
{
	if (shim_load_real() && shim.real.virgl_set_log_callback)
		shim.real.virgl_set_log_callback(cb, user_data,
						 free_user_data_cb);
}
