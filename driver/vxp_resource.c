// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: virtio-gpu context and resource commands.
 *
 * The control-queue commands the driver sends on its own behalf rather
 * than as a ccmd: creating and destroying a file's virtio-gpu context,
 * creating, mapping and dropping the HOST3D blob resources behind BOs and
 * the shared-memory page, and attaching a BO's resource to the context of
 * another file that shares it. They go through vxp_vq.c and wait for the
 * device's answer, except RESOURCE_UNREF and CTX_DETACH_RESOURCE, which
 * queue order makes safe not to wait for (but a RESOURCE_UNREF whose
 * caller frees the pages the host reads next: vxp_resource_release()).
 */
#include <linux/sched.h>
#include <linux/sprintf.h>
#include <uapi/linux/virtio_gpu.h>

#include <drm/drm_drv.h>
#include <drm/drm_mm.h>

#include "vxp_context.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_resource.h"
#include "vxp_vq.h"

/**
 * vxp_ctx_create_cmd() - CTX_CREATE of a host context for the DRM capset
 * @ctx: the context, with its ctx_id allocated
 *
 * The host names the context after the calling process in its logs.
 *
 * Return: 0 or a negative errno.
 */
int vxp_ctx_create_cmd(struct vxp_context *ctx)
{
	struct virtio_gpu_ctx_create req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_CTX_CREATE),
		.hdr.ctx_id = cpu_to_le32(ctx->ctx_id),
		.context_init = cpu_to_le32(XE_PROXY_CAPSET_DRM),
	};
	struct virtio_gpu_ctrl_hdr rsp;
	int n;

	n = scnprintf(req.debug_name, sizeof(req.debug_name), "%s[%d]",
		      current->comm, task_pid_nr(current));
	req.nlen = cpu_to_le32(n);
	return vxp_ctrl_cmd(ctx->vxp, &req, sizeof(req), &rsp, sizeof(rsp),
			    VIRTIO_GPU_RESP_OK_NODATA);
}

/**
 * vxp_ctx_destroy_cmd() - CTX_DESTROY: the host releases all the context held
 * @ctx: the context
 */
void vxp_ctx_destroy_cmd(struct vxp_context *ctx)
{
	struct virtio_gpu_ctx_destroy req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_CTX_DESTROY),
		.hdr.ctx_id = cpu_to_le32(ctx->ctx_id),
	};
	struct virtio_gpu_ctrl_hdr rsp;

	vxp_ctrl_cmd(ctx->vxp, &req, sizeof(req), &rsp, sizeof(rsp),
		     VIRTIO_GPU_RESP_OK_NODATA);
}

/**
 * vxp_blob_create() - create a HOST3D blob resource in a context
 * @ctx: the context
 * @res_id: resource id (from vxp->res_ida)
 * @blob_id: 0 for the shmem, or a GEM_CREATE blob_id
 * @size: size in bytes
 *
 * virglrenderer's native-context code (drm_context_get_shmem_blob())
 * takes the shmem blob only with exactly VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE,
 * as Mesa's vdrm creates it; BOs are also SHAREABLE so PRIME can export
 * them.
 *
 * Return: 0 or a negative errno.
 */
int vxp_blob_create(struct vxp_context *ctx, u32 res_id, u64 blob_id, u64 size)
{
	u32 flags = VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE;
	struct virtio_gpu_resource_create_blob req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB),
		.hdr.ctx_id = cpu_to_le32(ctx->ctx_id),
		.resource_id = cpu_to_le32(res_id),
		.blob_mem = cpu_to_le32(VIRTIO_GPU_BLOB_MEM_HOST3D),
		.blob_id = cpu_to_le64(blob_id),
		.size = cpu_to_le64(size),
	};
	struct virtio_gpu_ctrl_hdr rsp;

	if (blob_id)
		flags |= VIRTIO_GPU_BLOB_FLAG_USE_SHAREABLE;
	req.blob_flags = cpu_to_le32(flags);
	return vxp_ctrl_cmd(ctx->vxp, &req, sizeof(req), &rsp, sizeof(rsp),
			    VIRTIO_GPU_RESP_OK_NODATA);
}

/**
 * vxp_blob_unref() - drop a blob resource
 * @vxp: the device
 * @res_id: the resource
 */
void vxp_blob_unref(struct vxp_device *vxp, u32 res_id)
{
	struct virtio_gpu_resource_unref req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_UNREF),
		.resource_id = cpu_to_le32(res_id),
	};

	/* Queue order keeps a reuse of @res_id behind it: no need to wait. */
	vxp_ctrl_cmd_nowait(vxp, &req, sizeof(req));
}

/**
 * vxp_resource_release() - drop a host resource and give its id back
 * @drm: the device
 * @res_id: the resource
 * @wait: wait for the host's answer, for a caller that frees next the
 *	pages the host reads until it has dropped the resource
 *
 * Once the device is unplugged its reset dropped every resource, and
 * the queue may be going away: only the id is given back then.
 */
void vxp_resource_release(struct drm_device *drm, u32 res_id, bool wait)
{
	struct vxp_device *vxp = to_vxp(drm);
	struct virtio_gpu_resource_unref req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_UNREF),
		.resource_id = cpu_to_le32(res_id),
	};
	struct virtio_gpu_ctrl_hdr rsp;
	int idx;

	if (drm_dev_enter(drm, &idx)) {
		if (wait)
			vxp_ctrl_cmd(vxp, &req, sizeof(req), &rsp, sizeof(rsp),
				     VIRTIO_GPU_RESP_OK_NODATA);
		else
			vxp_blob_unref(vxp, res_id);
		drm_dev_exit(idx);
	}
	ida_free(&vxp->res_ida, res_id);
}

/**
 * vxp_blob_map() - map a blob resource into the host-visible region
 * @vxp: the device
 * @res_id: the resource
 * @node: an allocated node of vxp->hv_mm; its start is the offset
 * @map_info: the host's VIRTIO_GPU_MAP_CACHE_* for the mapping
 *
 * Return: 0 or a negative errno.
 */
int vxp_blob_map(struct vxp_device *vxp, u32 res_id, struct drm_mm_node *node,
		 u32 *map_info)
{
	struct virtio_gpu_resource_map_blob req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB),
		.resource_id = cpu_to_le32(res_id),
		.offset = cpu_to_le64(node->start),
	};
	struct virtio_gpu_resp_map_info rsp;
	int ret;

	ret = vxp_ctrl_cmd(vxp, &req, sizeof(req), &rsp, sizeof(rsp),
			   VIRTIO_GPU_RESP_OK_MAP_INFO);
	if (!ret)
		*map_info = rsp.map_info & VIRTIO_GPU_MAP_CACHE_MASK;
	return ret;
}

/**
 * vxp_blob_unmap() - undo vxp_blob_map()
 * @vxp: the device
 * @res_id: the resource
 */
void vxp_blob_unmap(struct vxp_device *vxp, u32 res_id)
{
	struct virtio_gpu_resource_unmap_blob req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB),
		.resource_id = cpu_to_le32(res_id),
	};
	struct virtio_gpu_ctrl_hdr rsp;

	vxp_ctrl_cmd(vxp, &req, sizeof(req), &rsp, sizeof(rsp),
		     VIRTIO_GPU_RESP_OK_NODATA);
}

/**
 * vxp_ctx_attach_cmd() - CTX_ATTACH_RESOURCE: let a context use a resource
 * @ctx: the context, not the one that created the resource
 * @res_id: a BO's resource
 *
 * The host imports the BO into the context, which can then name @res_id
 * in its ccmds. virtio-gpu gives no error answer for the import itself: a
 * refused one shows when the ccmd naming @res_id fails.
 *
 * Return: 0 or a negative errno.
 */
int vxp_ctx_attach_cmd(struct vxp_context *ctx, u32 res_id)
{
	struct virtio_gpu_ctx_resource req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE),
		.hdr.ctx_id = cpu_to_le32(ctx->ctx_id),
		.resource_id = cpu_to_le32(res_id),
	};
	struct virtio_gpu_ctrl_hdr rsp;

	return vxp_ctrl_cmd(ctx->vxp, &req, sizeof(req), &rsp, sizeof(rsp),
			    VIRTIO_GPU_RESP_OK_NODATA);
}

/**
 * vxp_ctx_detach_cmd() - CTX_DETACH_RESOURCE: undo vxp_ctx_attach_cmd()
 * @ctx: the context
 * @res_id: the resource
 *
 * Not waited for: queue order keeps a later attach behind it.
 */
void vxp_ctx_detach_cmd(struct vxp_context *ctx, u32 res_id)
{
	struct virtio_gpu_ctx_resource req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE),
		.hdr.ctx_id = cpu_to_le32(ctx->ctx_id),
		.resource_id = cpu_to_le32(res_id),
	};

	vxp_ctrl_cmd_nowait(ctx->vxp, &req, sizeof(req));
}
