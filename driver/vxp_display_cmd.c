// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the virtio-gpu 2D and scanout commands.
 *
 * What the display side (vxp_kms.c, vxp_plane.c, vxp_dumb.c) asks of the
 * host: the heads and their EDIDs, guest-memory 2D resources for dumb
 * buffers, and showing them. These are plain virtio-gpu commands outside
 * any context; QEMU hands them to the real virglrenderer (the host library
 * forwards every resource that is not an xe blob). Commands whose order
 * alone makes them safe are queued without waiting; the flush that ends a
 * plane update waits, so a page-flip event follows the host's update.
 */
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <uapi/linux/virtio_gpu.h>

#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_rect.h>

#include "vxp_display_cmd.h"
#include "vxp_drv.h"
#include "vxp_vq.h"

/**
 * vxp_virtio_format() - the host format of a framebuffer format
 * @drm_format: a DRM_FORMAT_*
 *
 * A DRM format is a little-endian word; a virtio-gpu format
 * (include/uapi/linux/virtio_gpu.h) names the bytes in memory order:
 * DRM_FORMAT_XRGB8888 is B, G, R, X, so VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
 * DRM_FORMAT_ABGR8888 is R, G, B, A, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM.
 *
 * Return: the VIRTIO_GPU_FORMAT_*, 0 for a format the host is never given.
 */
u32 vxp_virtio_format(u32 drm_format)
{
	switch (drm_format) {
	case DRM_FORMAT_XRGB8888:
		return VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
	case DRM_FORMAT_ARGB8888:
		return VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM;
	case DRM_FORMAT_XBGR8888:
		return VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM;
	case DRM_FORMAT_ABGR8888:
		return VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM;
	}
	return 0;
}

/**
 * vxp_cmd_get_display_info() - GET_DISPLAY_INFO: the host's heads
 * @vxp: the device
 * @info: the answer (zeroed where the host wrote less)
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_get_display_info(struct vxp_device *vxp,
			     struct virtio_gpu_resp_display_info *info)
{
	struct virtio_gpu_ctrl_hdr req = {
		.type = cpu_to_le32(VIRTIO_GPU_CMD_GET_DISPLAY_INFO),
	};

	return vxp_ctrl_cmd(vxp, &req, sizeof(req), info, sizeof(*info),
			    VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
}

/**
 * vxp_cmd_get_edid() - GET_EDID of one head (VIRTIO_GPU_F_EDID)
 * @vxp: the device
 * @scanout: the head
 * @edid: the answer; its size is the host's word, check it
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_get_edid(struct vxp_device *vxp, u32 scanout,
		     struct virtio_gpu_resp_edid *edid)
{
	struct virtio_gpu_cmd_get_edid req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_GET_EDID),
		.scanout = cpu_to_le32(scanout),
	};

	return vxp_ctrl_cmd(vxp, &req, sizeof(req), edid, sizeof(*edid),
			    VIRTIO_GPU_RESP_OK_EDID);
}

/**
 * vxp_cmd_resource_create_2d() - RESOURCE_CREATE_2D
 * @vxp: the device
 * @res_id: a free resource id (from vxp->res_ida)
 * @format: a VIRTIO_GPU_FORMAT_*
 * @width: width in pixels
 * @height: height in pixels
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_resource_create_2d(struct vxp_device *vxp, u32 res_id, u32 format,
			       u32 width, u32 height)
{
	struct virtio_gpu_resource_create_2d req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D),
		.resource_id = cpu_to_le32(res_id),
		.format = cpu_to_le32(format),
		.width = cpu_to_le32(width),
		.height = cpu_to_le32(height),
	};
	struct virtio_gpu_ctrl_hdr rsp;

	return vxp_ctrl_cmd(vxp, &req, sizeof(req), &rsp, sizeof(rsp),
			    VIRTIO_GPU_RESP_OK_NODATA);
}

/**
 * vxp_cmd_attach_backing() - RESOURCE_ATTACH_BACKING with guest pages
 * @vxp: the device
 * @res_id: the resource
 * @sgt: the pages, pinned for the resource's life
 *
 * The entries are guest-physical addresses: the device does not sit behind
 * an IOMMU (vxp_dumb.c refuses to create buffers when it does).
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_attach_backing(struct vxp_device *vxp, u32 res_id,
			   struct sg_table *sgt)
{
	struct virtio_gpu_resource_attach_backing *req;
	struct virtio_gpu_mem_entry *ents;
	struct virtio_gpu_ctrl_hdr rsp;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	req = kzalloc(size_add(sizeof(*req),
			       array_size(sgt->orig_nents, sizeof(*ents))),
		      GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
	req->resource_id = cpu_to_le32(res_id);
	req->nr_entries = cpu_to_le32(sgt->orig_nents);
	ents = (void *)(req + 1);
	for_each_sgtable_sg(sgt, sg, i) {
		ents[i].addr = cpu_to_le64(sg_phys(sg));
		ents[i].length = cpu_to_le32(sg->length);
	}
	ret = vxp_ctrl_cmd(vxp, req, sizeof(*req) + sgt->orig_nents * sizeof(*ents),
			   &rsp, sizeof(rsp), VIRTIO_GPU_RESP_OK_NODATA);
	kfree(req);
	return ret;
}

static struct virtio_gpu_rect vxp_rect(const struct drm_rect *r)
{
	return (struct virtio_gpu_rect) {
		.x = cpu_to_le32(r->x1),
		.y = cpu_to_le32(r->y1),
		.width = cpu_to_le32(drm_rect_width(r)),
		.height = cpu_to_le32(drm_rect_height(r)),
	};
}

/* What the host copies for a transfer: 4 bytes a pixel in every format. */
static void vxp_count_copy(struct vxp_device *vxp, const struct drm_rect *rect)
{
	atomic64_add((u64)drm_rect_width(rect) * drm_rect_height(rect) * 4,
		     &vxp->copy_bytes);
}

/**
 * vxp_cmd_transfer_to_host_2d() - TRANSFER_TO_HOST_2D of a rectangle
 * @vxp: the device
 * @res_id: the resource
 * @rect: the rectangle, in the resource's pixels
 * @offset: byte offset of its first pixel in the backing
 *
 * Queued without waiting: the flush that follows is answered after it.
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_transfer_to_host_2d(struct vxp_device *vxp, u32 res_id,
				const struct drm_rect *rect, u64 offset)
{
	struct virtio_gpu_transfer_to_host_2d req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D),
		.r = vxp_rect(rect),
		.offset = cpu_to_le64(offset),
		.resource_id = cpu_to_le32(res_id),
	};
	int ret;

	ret = vxp_ctrl_cmd_nowait(vxp, &req, sizeof(req));
	if (!ret)
		vxp_count_copy(vxp, rect);
	return ret;
}

/**
 * vxp_cmd_transfer_to_host_2d_sync() - TRANSFER_TO_HOST_2D, waited for
 * @vxp: the device
 * @res_id: the resource
 * @rect: the rectangle, from the start of the backing
 *
 * For the cursor, whose UPDATE_CURSOR goes on another queue.
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_transfer_to_host_2d_sync(struct vxp_device *vxp, u32 res_id,
				     const struct drm_rect *rect)
{
	struct virtio_gpu_transfer_to_host_2d req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D),
		.r = vxp_rect(rect),
		.resource_id = cpu_to_le32(res_id),
	};
	struct virtio_gpu_ctrl_hdr rsp;
	int ret;

	ret = vxp_ctrl_cmd(vxp, &req, sizeof(req), &rsp, sizeof(rsp),
			   VIRTIO_GPU_RESP_OK_NODATA);
	if (!ret)
		vxp_count_copy(vxp, rect);
	return ret;
}

/**
 * vxp_cmd_set_scanout() - SET_SCANOUT: show a resource on a head
 * @vxp: the device
 * @scanout: the head
 * @res_id: the resource, 0 to turn the head off
 * @rect: the part of the resource shown (ignored for 0)
 *
 * Queued without waiting, like vxp_cmd_transfer_to_host_2d().
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_set_scanout(struct vxp_device *vxp, u32 scanout, u32 res_id,
			const struct drm_rect *rect)
{
	struct virtio_gpu_set_scanout req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_SET_SCANOUT),
		.r = vxp_rect(rect),
		.scanout_id = cpu_to_le32(scanout),
		.resource_id = cpu_to_le32(res_id),
	};

	return vxp_ctrl_cmd_nowait(vxp, &req, sizeof(req));
}

/**
 * vxp_cmd_set_scanout_blob() - SET_SCANOUT_BLOB: show a blob resource
 * @vxp: the device
 * @scanout: the head
 * @res_id: the blob resource
 * @fb: the framebuffer it holds (one plane, a vxp_virtio_format() format)
 * @rect: the part of the framebuffer shown
 *
 * Queued without waiting, like vxp_cmd_set_scanout().
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_set_scanout_blob(struct vxp_device *vxp, u32 scanout, u32 res_id,
			     const struct drm_framebuffer *fb,
			     const struct drm_rect *rect)
{
	struct virtio_gpu_set_scanout_blob req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_SET_SCANOUT_BLOB),
		.r = vxp_rect(rect),
		.scanout_id = cpu_to_le32(scanout),
		.resource_id = cpu_to_le32(res_id),
		.width = cpu_to_le32(fb->width),
		.height = cpu_to_le32(fb->height),
		.format = cpu_to_le32(vxp_virtio_format(fb->format->format)),
		.strides[0] = cpu_to_le32(fb->pitches[0]),
		.offsets[0] = cpu_to_le32(fb->offsets[0]),
	};

	return vxp_ctrl_cmd_nowait(vxp, &req, sizeof(req));
}

/**
 * vxp_cmd_resource_flush() - RESOURCE_FLUSH: update the heads showing it
 * @vxp: the device
 * @res_id: the resource
 * @rect: what changed, in the resource's pixels
 *
 * Waits for the host's answer.
 *
 * Return: 0 or a negative errno.
 */
int vxp_cmd_resource_flush(struct vxp_device *vxp, u32 res_id,
			   const struct drm_rect *rect)
{
	struct virtio_gpu_resource_flush req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_FLUSH),
		.r = vxp_rect(rect),
		.resource_id = cpu_to_le32(res_id),
	};
	struct virtio_gpu_ctrl_hdr rsp;

	return vxp_ctrl_cmd(vxp, &req, sizeof(req), &rsp, sizeof(rsp),
			    VIRTIO_GPU_RESP_OK_NODATA);
}
