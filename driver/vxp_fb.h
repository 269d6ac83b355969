/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: framebuffers of xe BOs (vxp_fb.c).
 */
#ifndef VXP_FB_H
#define VXP_FB_H

#include <linux/types.h>

#include <drm/drm_framebuffer.h>

struct drm_device;
struct drm_file;
struct drm_format_info;
struct drm_mode_fb_cmd2;
struct vxp_bo;

/**
 * struct vxp_fb - a framebuffer of an xe BO (ADDFB2 of a GEM_CREATE handle)
 * @base: the DRM framebuffer; first, drm_gem_fb_destroy() frees it
 * @res_id: the resource the head shows: the BO's own (zero copy,
 *	SET_SCANOUT_BLOB) or @res_2d
 * @res_2d: a 2D resource the host fills from the BO on each
 *	TRANSFER_TO_HOST_2D (XE_PROXY_SCANOUT_COPY), 0 for zero copy
 */
struct vxp_fb {
	struct drm_framebuffer base;
	u32 res_id;
	u32 res_2d;
};

struct vxp_fb *vxp_fb_from_drm(struct drm_framebuffer *fb);
struct drm_framebuffer *vxp_fb_create(struct drm_device *drm,
				      struct drm_file *file,
				      const struct drm_format_info *info,
				      const struct drm_mode_fb_cmd2 *cmd,
				      struct vxp_bo *bo);

#endif /* VXP_FB_H */
