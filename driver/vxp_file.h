/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: per-open-file state of the xe DRM device.
 */
#ifndef VXP_FILE_H
#define VXP_FILE_H

#include <linux/mutex.h>

struct drm_file;
struct vxp_context;

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

#endif /* VXP_FILE_H */
