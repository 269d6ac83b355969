/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: virtio-gpu context and resource commands (vxp_resource.c).
 */
#ifndef VXP_RESOURCE_H
#define VXP_RESOURCE_H

#include <linux/types.h>

struct drm_device;
struct drm_mm_node;
struct vxp_context;
struct vxp_device;

int vxp_ctx_create_cmd(struct vxp_context *ctx);
void vxp_ctx_destroy_cmd(struct vxp_context *ctx);
int vxp_blob_create(struct vxp_context *ctx, u32 res_id, u64 blob_id, u64 size);
void vxp_blob_unref(struct vxp_device *vxp, u32 res_id);
void vxp_resource_release(struct drm_device *drm, u32 res_id, bool wait);
int vxp_blob_map(struct vxp_device *vxp, u32 res_id, struct drm_mm_node *node,
		 u32 *map_info);
void vxp_blob_unmap(struct vxp_device *vxp, u32 res_id);
int vxp_ctx_attach_cmd(struct vxp_context *ctx, u32 res_id);
void vxp_ctx_detach_cmd(struct vxp_context *ctx, u32 res_id);

#endif /* VXP_RESOURCE_H */
