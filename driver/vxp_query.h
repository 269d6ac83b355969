/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: DRM_IOCTL_XE_DEVICE_QUERY (vxp_query.c).
 */
#ifndef VXP_QUERY_H
#define VXP_QUERY_H

struct drm_device;
struct drm_file;
struct vxp_device;

int vxp_query_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
void vxp_query_cache_free(struct vxp_device *vxp);

#endif /* VXP_QUERY_H */
