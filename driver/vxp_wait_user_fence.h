/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: DRM_IOCTL_XE_WAIT_USER_FENCE (vxp_wait_user_fence.c).
 */
#ifndef VXP_WAIT_USER_FENCE_H
#define VXP_WAIT_USER_FENCE_H

struct drm_device;
struct drm_file;

int vxp_wait_user_fence_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file);

#endif /* VXP_WAIT_USER_FENCE_H */
