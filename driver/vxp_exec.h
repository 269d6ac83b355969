/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: DRM_IOCTL_XE_EXEC (vxp_exec.c).
 */
#ifndef VXP_EXEC_H
#define VXP_EXEC_H

struct drm_device;
struct drm_file;

int vxp_exec_ioctl(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* VXP_EXEC_H */
