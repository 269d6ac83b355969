/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the virtio-gpu 2D and scanout commands (vxp_display_cmd.c).
 */
#ifndef VXP_DISPLAY_CMD_H
#define VXP_DISPLAY_CMD_H

#include <linux/types.h>

struct drm_framebuffer;
struct drm_rect;
struct sg_table;
struct virtio_gpu_resp_display_info;
struct virtio_gpu_resp_edid;
struct vxp_device;

u32 vxp_virtio_format(u32 drm_format);
int vxp_cmd_get_display_info(struct vxp_device *vxp,
			     struct virtio_gpu_resp_display_info *info);
int vxp_cmd_get_edid(struct vxp_device *vxp, u32 scanout,
		     struct virtio_gpu_resp_edid *edid);
int vxp_cmd_resource_create_2d(struct vxp_device *vxp, u32 res_id, u32 format,
			       u32 width, u32 height);
int vxp_cmd_attach_backing(struct vxp_device *vxp, u32 res_id,
			   struct sg_table *sgt);
int vxp_cmd_transfer_to_host_2d(struct vxp_device *vxp, u32 res_id,
				const struct drm_rect *rect, u64 offset);
int vxp_cmd_transfer_to_host_2d_sync(struct vxp_device *vxp, u32 res_id,
				     const struct drm_rect *rect);
int vxp_cmd_set_scanout(struct vxp_device *vxp, u32 scanout, u32 res_id,
			const struct drm_rect *rect);
int vxp_cmd_set_scanout_blob(struct vxp_device *vxp, u32 scanout, u32 res_id,
			     const struct drm_framebuffer *fb,
			     const struct drm_rect *rect);
int vxp_cmd_resource_flush(struct vxp_device *vxp, u32 res_id,
			   const struct drm_rect *rect);

#endif /* VXP_DISPLAY_CMD_H */
