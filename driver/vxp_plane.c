// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the primary plane of each output.
 *
 * A plane update sends the host what changed and nothing else: the damage
 * of the framebuffer (FB_DAMAGE_CLIPS, or all of it when the framebuffer
 * or the source changed) is merged into one rectangle, copied into the
 * host's resource (TRANSFER_TO_HOST_2D) and flushed to the head
 * (RESOURCE_FLUSH). SET_SCANOUT is only sent when the head shows another
 * resource or another part of it. An xe BO's framebuffer (vxp_fb.c) is
 * either shown as it is (SET_SCANOUT_BLOB, then only flushes) or copied by
 * the host from the BO into its 2D resource, the same commands as a dumb
 * buffer's. Host commands run inside drm_dev_enter(): once the device is
 * unplugged the host is not asked.
 */
#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_plane.h>
#include <drm/drm_rect.h>
#include <uapi/linux/virtio_gpu.h>

#include "vxp_display_cmd.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_dumb.h"
#include "vxp_fb.h"
#include "vxp_kms.h"
#include "vxp_vq.h"

/*
 * What virtio_gpu's host formats hold, 4 bytes a pixel: each framebuffer
 * is shown from a 2D resource (or a blob scanout) of its own format
 * (vxp_virtio_format()), so none is shown with red and blue swapped. The
 * alpha of a primary plane, the lowest, is not shown.
 */
static const u32 vxp_primary_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
};

static const u64 vxp_primary_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID,
};

static int vxp_plane_atomic_check(struct drm_plane *plane,
				  struct vxp_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state;

	if (!new->crtc)
		return 0;
	crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	/* No scaling and no positioning: the head shows the plane as it is. */
	return drm_atomic_helper_check_plane_state(new, crtc_state,
						   DRM_PLANE_NO_SCALING,
						   DRM_PLANE_NO_SCALING,
						   false, true);
}

/*
 * A dumb buffer's framebuffer: @res is the buffer's 2D resource, or the
 * framebuffer's own over the same pages (vxp_dumb_fb_resource()).
 */
static void vxp_plane_show_dumb(struct vxp_device *vxp, struct vxp_output *out,
				struct drm_plane_state *old,
				struct drm_plane_state *new,
				struct vxp_dumb *dumb, u32 res)
{
	struct drm_rect src, damage;
	bool moved;

	src = drm_plane_state_src(new);
	drm_rect_fp_to_int(&src, &src);
	moved = out->scanout_res != res ||
		!old->fb || !drm_rect_equals(&old->src, &new->src);

	if (drm_atomic_helper_damage_merged(old, new, &damage))
		vxp_cmd_transfer_to_host_2d(vxp, res, &damage,
					    (u64)damage.y1 * dumb->pitch +
					    damage.x1 * 4);
	else if (!moved)
		return;
	if (moved) {
		vxp_cmd_set_scanout(vxp, out->index, res, &src);
		out->scanout_res = res;
		damage = src;
	}
	vxp_cmd_resource_flush(vxp, res, &damage);
}

/*
 * An xe BO's framebuffer (vxp_fb.c): the head shows the BO's resource
 * itself, or a 2D resource the host fills from the BO on each transfer
 * (whose offset the host computes from its link, so 0 here).
 */
static void vxp_plane_show_bo(struct vxp_device *vxp, struct vxp_output *out,
			      struct drm_plane_state *old,
			      struct drm_plane_state *new, struct vxp_fb *fb)
{
	struct drm_rect src, damage;
	bool damaged, moved;

	src = drm_plane_state_src(new);
	drm_rect_fp_to_int(&src, &src);
	/* two framebuffers may share a BO at other offsets */
	moved = out->scanout_res != fb->res_id || old->fb != new->fb ||
		!drm_rect_equals(&old->src, &new->src);
	damaged = drm_atomic_helper_damage_merged(old, new, &damage);
	if (!damaged && !moved)
		return;
	if (damaged && fb->res_2d)
		vxp_cmd_transfer_to_host_2d(vxp, fb->res_2d, &damage, 0);
	if (moved) {
		if (fb->res_2d)
			vxp_cmd_set_scanout(vxp, out->index, fb->res_2d, &src);
		else
			vxp_cmd_set_scanout_blob(vxp, out->index, fb->res_id,
						 &fb->base, &src);
		out->scanout_res = fb->res_id;
		/* a moved head shows all of it; a copy needs only the damage */
		if (!fb->res_2d || !damaged)
			damage = src;
	}
	vxp_cmd_resource_flush(vxp, fb->res_id, &damage);
}

static void vxp_plane_atomic_update(struct drm_plane *plane,
				    struct vxp_atomic_state *state)
{
	struct drm_plane_state *old = drm_atomic_get_old_plane_state(state, plane);
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct vxp_output *out = plane_to_output(plane);
	struct vxp_device *vxp = to_vxp(plane->dev);
	struct drm_rect none = {};
	int idx;

	if (!drm_dev_enter(plane->dev, &idx))
		return;
	if (new->fb && new->visible) {
		struct vxp_dumb *dumb = vxp_dumb_from_gem(new->fb->obj[0]);
		struct vxp_fb *fb = vxp_fb_from_drm(new->fb);

		if (fb)
			vxp_plane_show_bo(vxp, out, old, new, fb);
		else if (!WARN_ON_ONCE(!dumb))	/* fb_create takes nothing else */
			vxp_plane_show_dumb(vxp, out, old, new, dumb,
					    vxp_dumb_fb_resource(new->fb, dumb));
	} else if (out->scanout_res) {
		vxp_cmd_set_scanout(vxp, out->index, 0, &none);
		out->scanout_res = 0;
	}
	drm_dev_exit(idx);
}

static const struct drm_plane_helper_funcs vxp_plane_helper_funcs = {
	.atomic_check = vxp_plane_atomic_check,
	.atomic_update = vxp_plane_atomic_update,
};

static const struct drm_plane_funcs vxp_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.destroy = drm_plane_cleanup,
	.reset = drm_atomic_helper_plane_reset,
	.atomic_duplicate_state = drm_atomic_helper_plane_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_plane_destroy_state,
};

/* The cursor: a 64x64 ARGB8888 dumb buffer, the size QEMU's cursor is. */
#define VXP_CURSOR_SIZE	64

static const u32 vxp_cursor_formats[] = {
	DRM_FORMAT_ARGB8888,
};

static struct vxp_output *cursor_to_output(struct drm_plane *plane)
{
	return container_of(plane, struct vxp_output, cursor);
}

static int vxp_cursor_atomic_check(struct drm_plane *plane,
				   struct vxp_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state;
	int ret;

	if (!new->crtc)
		return 0;
	crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	ret = drm_atomic_helper_check_plane_state(new, crtc_state,
						  DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING,
						  true, true);
	if (ret || !new->fb)
		return ret;
	/* the host copies it from its 2D resource, whole */
	if (VXP_IOCTL_DBG(plane->dev, !vxp_dumb_from_gem(new->fb->obj[0])) ||
	    VXP_IOCTL_DBG(plane->dev, new->fb->width != VXP_CURSOR_SIZE ||
			  new->fb->height != VXP_CURSOR_SIZE))
		return -EINVAL;
	return 0;
}

/*
 * A new image goes to the host's resource first, waited for: the cursor
 * queue is not ordered with the control queue. A move alone is one
 * MOVE_CURSOR.
 */
static void vxp_cursor_atomic_update(struct drm_plane *plane,
				     struct vxp_atomic_state *state)
{
	struct drm_plane_state *old = drm_atomic_get_old_plane_state(state, plane);
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct vxp_output *out = cursor_to_output(plane);
	struct vxp_device *vxp = to_vxp(plane->dev);
	struct virtio_gpu_update_cursor cmd = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_UPDATE_CURSOR),
		.pos.scanout_id = cpu_to_le32(out->index),
	};
	struct drm_rect all = DRM_RECT_INIT(0, 0, VXP_CURSOR_SIZE, VXP_CURSOR_SIZE);
	struct vxp_dumb *dumb = NULL;
	int idx;

	if (!drm_dev_enter(plane->dev, &idx))
		return;
	if (new->fb && new->visible)
		dumb = vxp_dumb_from_gem(new->fb->obj[0]);
	if (dumb) {
		/* negative positions wrap, as virtio_gpu sends them */
		cmd.pos.x = cpu_to_le32(new->crtc_x);
		cmd.pos.y = cpu_to_le32(new->crtc_y);
		if (old->fb == new->fb && old->visible) {
			cmd.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_MOVE_CURSOR);
		} else {
			vxp_cmd_transfer_to_host_2d_sync(vxp, dumb->res_id, &all);
			cmd.resource_id = cpu_to_le32(dumb->res_id);
			cmd.hot_x = cpu_to_le32(new->hotspot_x);
			cmd.hot_y = cpu_to_le32(new->hotspot_y);
		}
	}
	/* with no resource, UPDATE_CURSOR hides the cursor */
	vxp_cursor_cmd(vxp, &cmd);
	drm_dev_exit(idx);
}

static const struct drm_plane_helper_funcs vxp_cursor_helper_funcs = {
	.atomic_check = vxp_cursor_atomic_check,
	.atomic_update = vxp_cursor_atomic_update,
};

/**
 * vxp_cursor_plane_init() - create the cursor plane of an output
 * @vxp: the device
 * @out: the output
 *
 * Freed with the mode config, as the primary plane.
 *
 * Return: 0 or a negative errno.
 */
int vxp_cursor_plane_init(struct vxp_device *vxp, struct vxp_output *out)
{
	int ret;

	ret = drm_universal_plane_init(vxp->drm, &out->cursor, 0,
				       &vxp_plane_funcs, vxp_cursor_formats,
				       ARRAY_SIZE(vxp_cursor_formats),
				       vxp_primary_modifiers,
				       DRM_PLANE_TYPE_CURSOR, NULL);
	if (ret)
		return ret;
	drm_plane_helper_add(&out->cursor, &vxp_cursor_helper_funcs);
	return 0;
}

/**
 * vxp_plane_init() - create the primary plane of an output
 * @vxp: the device
 * @out: the output
 *
 * The plane is freed with the mode config (drm_plane_cleanup()).
 *
 * Return: 0 or a negative errno.
 */
int vxp_plane_init(struct vxp_device *vxp, struct vxp_output *out)
{
	int ret;

	ret = drm_universal_plane_init(vxp->drm, &out->primary, 0,
				       &vxp_plane_funcs, vxp_primary_formats,
				       ARRAY_SIZE(vxp_primary_formats),
				       vxp_primary_modifiers,
				       DRM_PLANE_TYPE_PRIMARY, NULL);
	if (ret)
		return ret;
	drm_plane_helper_add(&out->primary, &vxp_plane_helper_funcs);
	drm_plane_enable_fb_damage_clips(&out->primary);
	return 0;
}
