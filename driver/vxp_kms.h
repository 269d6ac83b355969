/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: KMS on the xe card node, one output per virtio-gpu
 * scanout (vxp_kms.c, planes in vxp_plane.c).
 */
#ifndef VXP_KMS_H
#define VXP_KMS_H

#include <linux/container_of.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_encoder.h>
#include <drm/drm_plane.h>

struct drm_edid;
struct vxp_device;

/*
 * The state an atomic commit carries: struct drm_atomic_state became
 * struct drm_atomic_commit in 7.x (Kbuild detects which).
 */
#ifdef VXP_HAS_ATOMIC_COMMIT
#define vxp_atomic_state drm_atomic_commit
#else
#define vxp_atomic_state drm_atomic_state
#endif

/**
 * struct vxp_output - one head of the host: CRTC, primary plane, encoder
 *	and connector
 * @crtc: the CRTC
 * @primary: its primary plane
 * @cursor: its cursor plane, shown through the cursor queue
 * @encoder: a virtual encoder
 * @connector: a virtual connector
 * @index: the virtio-gpu scanout id
 * @enabled: the host shows this head (GET_DISPLAY_INFO)
 * @width: the host's size of the head, the preferred mode
 * @height: see @width
 * @edid: the host's EDID of the head, or NULL
 * @scanout_res: the resource last set to scan out on the head, 0 for none;
 *	only the commit tail touches it
 *
 * @enabled, @width, @height and @edid are written by the config-change
 * work and read by connector probing, both under the mode config mutex.
 */
struct vxp_output {
	struct drm_crtc crtc;
	struct drm_plane primary;
	struct drm_plane cursor;
	struct drm_encoder encoder;
	struct drm_connector connector;
	u32 index;

	bool enabled;
	u32 width;
	u32 height;
	const struct drm_edid *edid;

	u32 scanout_res;
};

/**
 * struct vxp_kms - the display side of a device
 * @vxp: the device
 * @num_outputs: number of heads the host offers (0..16)
 * @outputs: the heads
 * @has_edid: the host answers GET_EDID
 * @config_work: reads the heads again after a config-change interrupt
 */
struct vxp_kms {
	struct vxp_device *vxp;
	u32 num_outputs;
	struct vxp_output *outputs;
	bool has_edid;
	struct work_struct config_work;
};

/**
 * plane_to_output() - the output of a primary plane
 * @plane: the plane
 *
 * Return: the output.
 */
static inline struct vxp_output *plane_to_output(struct drm_plane *plane)
{
	return container_of(plane, struct vxp_output, primary);
}

int vxp_kms_init(struct vxp_device *vxp);
void vxp_kms_fbdev_setup(struct vxp_device *vxp);
void vxp_kms_stop_events(struct vxp_device *vxp);
void vxp_kms_config_changed(struct vxp_device *vxp);
int vxp_plane_init(struct vxp_device *vxp, struct vxp_output *out);
int vxp_cursor_plane_init(struct vxp_device *vxp, struct vxp_output *out);

#endif /* VXP_KMS_H */
