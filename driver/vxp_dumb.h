/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: dumb buffers, guest memory shown as 2D resources
 * (vxp_dumb.c).
 */
#ifndef VXP_DUMB_H
#define VXP_DUMB_H

#include <linux/types.h>

#include <drm/drm_gem_shmem_helper.h>

struct drm_device;
struct drm_file;
struct drm_format_info;
struct drm_framebuffer;
struct drm_mode_create_dumb;
struct drm_mode_fb_cmd2;

/**
 * struct vxp_dumb - a dumb buffer
 * @shmem: the shmem GEM object holding the pixels
 * @res_id: its virtio-gpu 2D resource, 0 until created
 * @width: width of the resource in pixels
 * @height: height in pixels
 * @pitch: bytes per line: @width * 4, as the host's 2D transfers assume
 */
struct vxp_dumb {
	struct drm_gem_shmem_object shmem;
	u32 res_id;
	u32 width;
	u32 height;
	u32 pitch;
};

struct drm_gem_object *vxp_dumb_create_object(struct drm_device *drm,
					      size_t size);
int vxp_dumb_create(struct drm_file *file, struct drm_device *drm,
		    struct drm_mode_create_dumb *args);
struct vxp_dumb *vxp_dumb_from_gem(struct drm_gem_object *obj);
struct vxp_dumb *vxp_dumb_lookup(struct drm_file *file, u32 handle);
struct drm_framebuffer *vxp_dumb_fb_create(struct drm_device *drm,
					   struct drm_file *file,
					   const struct drm_format_info *info,
					   const struct drm_mode_fb_cmd2 *cmd,
					   struct vxp_dumb *dumb);
u32 vxp_dumb_fb_resource(struct drm_framebuffer *fb, struct vxp_dumb *dumb);

#endif /* VXP_DUMB_H */
