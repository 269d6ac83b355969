/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the DRM device named "xe" and its open files (vxp_drm.c).
 */
#ifndef VXP_DRM_H
#define VXP_DRM_H

#include <linux/container_of.h>
#include <linux/mutex.h>

#include <drm/drm_device.h>

struct drm_file;
struct vxp_context;
struct vxp_device;

/**
 * struct vxp_drm - the DRM device of a vxp_device
 * @drm: the DRM device, named "xe"
 * @vxp: the device it forwards to (a reference)
 */
struct vxp_drm {
	struct drm_device drm;
	struct vxp_device *vxp;
};

/**
 * to_vxp() - the vxp_device behind a DRM device of this driver
 * @drm: the DRM device
 *
 * Return: the device.
 */
static inline struct vxp_device *to_vxp(struct drm_device *drm)
{
	return container_of(drm, struct vxp_drm, drm)->vxp;
}

/**
 * struct vxp_file - driver_priv of a DRM file
 * @lock: protects @ctx creation
 * @ctx: the host context, created on first use, or NULL
 */
struct vxp_file {
	struct mutex lock; /* protects ctx */
	struct vxp_context *ctx;
};

struct vxp_context *vxp_file_context(struct drm_file *file);
int vxp_file_host_lost(struct drm_file *file);
int vxp_drm_init(struct vxp_device *vxp);
void vxp_drm_fini(struct vxp_device *vxp);

#endif /* VXP_DRM_H */
