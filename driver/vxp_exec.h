/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: EXEC and VM_BIND.
 */
#ifndef VXP_EXEC_H
#define VXP_EXEC_H

struct drm_device;
struct drm_file;

int vxp_exec_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vxp_vm_bind_ioctl(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* VXP_EXEC_H */
