// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: KMS on the xe card node.
 *
 * Each virtio-gpu scanout of the host is an output: a CRTC with its
 * primary plane (vxp_plane.c), a virtual encoder and a virtual connector.
 * The connector is connected while the host shows the head; its modes come
 * from the host's EDID (GET_EDID, when the host offers VIRTIO_GPU_F_EDID),
 * else from the standard modes plus a preferred mode of the size the host
 * reports (GET_DISPLAY_INFO). When the host changes its heads (a resized
 * window, a head turned on) it raises a config-change interrupt; the heads
 * are read again and user space gets a hotplug uevent.
 *
 * Modesetting is atomic, with the legacy ioctls the DRM core builds on it.
 * There is no vblank interrupt: a commit's page-flip event is sent once the
 * host has flushed the new frame. A host without scanouts gets an empty
 * mode config, and the render node works as before.
 */
#include <linux/aperture.h>
#include <linux/pci.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_gpu.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_mode_config.h>
#include <drm/drm_modes.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>
#ifdef VXP_HAS_FBDEV_DRIVER_OPS
#include <drm/clients/drm_client_setup.h>
#else
#include <drm/drm_fbdev_shmem.h>
#endif

#include "vxp_display_cmd.h"
#include "vxp_drv.h"
#include "vxp_dumb.h"
#include "vxp_fb.h"
#include "vxp_gem.h"
#include "vxp_kms.h"

/* Largest mode offered without an EDID, as virtio_gpu does. */
#define VXP_NOEDID_MAX		8192

static struct vxp_output *connector_to_output(struct drm_connector *connector)
{
	return container_of(connector, struct vxp_output, connector);
}

static int vxp_connector_get_modes(struct drm_connector *connector)
{
	struct vxp_output *out = connector_to_output(connector);
	struct drm_display_mode *mode;
	int count = 0;

	drm_edid_connector_update(connector, out->edid);
	if (out->edid)
		count = drm_edid_connector_add_modes(connector);
	if (count)
		return count;

	count = drm_add_modes_noedid(connector, VXP_NOEDID_MAX, VXP_NOEDID_MAX);
	if (out->enabled && out->width && out->height) {
		mode = drm_cvt_mode(connector->dev, out->width, out->height, 60,
				    false, false, false);
		if (mode) {
			mode->type |= DRM_MODE_TYPE_PREFERRED;
			drm_mode_probed_add(connector, mode);
			count++;
		}
	}
	return count;
}

static enum drm_connector_status
vxp_connector_detect(struct drm_connector *connector, bool force)
{
	return connector_to_output(connector)->enabled ?
	       connector_status_connected : connector_status_disconnected;
}

static const struct drm_connector_helper_funcs vxp_connector_helper_funcs = {
	.get_modes = vxp_connector_get_modes,
};

static const struct drm_connector_funcs vxp_connector_funcs = {
	.detect = vxp_connector_detect,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

static const struct drm_encoder_funcs vxp_encoder_funcs = {
	.destroy = drm_encoder_cleanup,
};

static int vxp_crtc_atomic_check(struct drm_crtc *crtc,
				 struct vxp_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state, crtc);

	if (!crtc_state->enable)
		return 0;
	return drm_atomic_helper_check_crtc_primary_plane(crtc_state);
}

/*
 * Runs after the plane update, which waited for the host's flush: the
 * frame is on the head, so the page-flip event can go.
 */
static void vxp_crtc_atomic_flush(struct drm_crtc *crtc,
				  struct vxp_atomic_state *state)
{
	struct drm_pending_vblank_event *event;
	unsigned long flags;

	spin_lock_irqsave(&crtc->dev->event_lock, flags);
	event = crtc->state->event;
	crtc->state->event = NULL;
	if (event)
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irqrestore(&crtc->dev->event_lock, flags);
}

static const struct drm_crtc_helper_funcs vxp_crtc_helper_funcs = {
	.atomic_check = vxp_crtc_atomic_check,
	.atomic_flush = vxp_crtc_atomic_flush,
};

static const struct drm_crtc_funcs vxp_crtc_funcs = {
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.destroy = drm_crtc_cleanup,
	.reset = drm_atomic_helper_crtc_reset,
	.atomic_duplicate_state = drm_atomic_helper_crtc_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_crtc_destroy_state,
};

static int vxp_output_init(struct vxp_device *vxp, struct vxp_output *out,
			   u32 index)
{
	struct drm_device *drm = vxp->drm;
	int ret;

	out->index = index;
	ret = vxp_plane_init(vxp, out);
	if (!ret)
		ret = vxp_cursor_plane_init(vxp, out);
	if (ret)
		return ret;
	ret = drm_crtc_init_with_planes(drm, &out->crtc, &out->primary,
					&out->cursor, &vxp_crtc_funcs, NULL);
	if (ret)
		return ret;
	drm_crtc_helper_add(&out->crtc, &vxp_crtc_helper_funcs);

	ret = drm_encoder_init(drm, &out->encoder, &vxp_encoder_funcs,
			       DRM_MODE_ENCODER_VIRTUAL, NULL);
	if (ret)
		return ret;
	out->encoder.possible_crtcs = drm_crtc_mask(&out->crtc);

	ret = drm_connector_init(drm, &out->connector, &vxp_connector_funcs,
				 DRM_MODE_CONNECTOR_VIRTUAL);
	if (ret)
		return ret;
	drm_connector_helper_add(&out->connector, &vxp_connector_helper_funcs);
	/* The host tells us of changes; nothing to poll. */
	out->connector.polled = DRM_CONNECTOR_POLL_HPD;
	return drm_connector_attach_encoder(&out->connector, &out->encoder);
}

/* The host's EDID of a head, or NULL when it has none that is valid. */
static const struct drm_edid *vxp_kms_read_edid(struct vxp_device *vxp,
						u32 index,
						struct virtio_gpu_resp_edid *rsp)
{
	const struct drm_edid *edid;
	u32 size;

	if (vxp_cmd_get_edid(vxp, index, rsp))
		return NULL;
	size = min_t(u32, le32_to_cpu(rsp->size), sizeof(rsp->edid));
	edid = drm_edid_alloc(rsp->edid, size);
	if (edid && !drm_edid_valid(edid)) {
		drm_edid_free(edid);
		edid = NULL;
	}
	return edid;
}

/*
 * Ask the host for its heads and store them in the outputs, under the mode
 * config mutex that connector probing holds; the round trips run outside it.
 */
static int vxp_kms_read_heads(struct vxp_kms *kms)
{
	struct vxp_device *vxp = kms->vxp;
	struct drm_device *drm = vxp->drm;
	const struct drm_edid *edids[VIRTIO_GPU_MAX_SCANOUTS] = {};
	struct virtio_gpu_resp_display_info *info;
	struct virtio_gpu_resp_edid *edid_rsp = NULL;
	u32 i;
	int ret;

	info = kzalloc_obj(*info, GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	ret = vxp_cmd_get_display_info(vxp, info);
	if (ret)
		goto out;
	if (kms->has_edid) {
		edid_rsp = kzalloc_obj(*edid_rsp, GFP_KERNEL);
		for (i = 0; edid_rsp && i < kms->num_outputs; i++)
			edids[i] = vxp_kms_read_edid(vxp, i, edid_rsp);
	}

	mutex_lock(&drm->mode_config.mutex);
	for (i = 0; i < kms->num_outputs; i++) {
		struct vxp_output *out = &kms->outputs[i];
		const struct virtio_gpu_display_one *pm = &info->pmodes[i];
		u32 w = le32_to_cpu(pm->r.width), h = le32_to_cpu(pm->r.height);

		out->enabled = le32_to_cpu(pm->enabled);
		/* A size no mode can have is no preferred mode. */
		if (w > drm->mode_config.max_width || h > drm->mode_config.max_height) {
			w = 0;
			h = 0;
		}
		out->width = w;
		out->height = h;
		drm_edid_free(out->edid);
		out->edid = edids[i];
		drm_dbg_kms(drm, "head %u: %s, %ux%u, %s EDID\n", i,
			    out->enabled ? "on" : "off", w, h,
			    out->edid ? "with" : "no");
	}
	mutex_unlock(&drm->mode_config.mutex);
	kfree(edid_rsp);
out:
	kfree(info);
	return ret;
}

/* Acknowledge the pending events; returns what they were. */
static u32 vxp_kms_take_events(struct vxp_device *vxp)
{
	u32 events;

	virtio_cread_le(vxp->vdev, struct virtio_gpu_config, events_read, &events);
	if (events)
		virtio_cwrite_le(vxp->vdev, struct virtio_gpu_config,
				 events_clear, &events);
	return events;
}

static void vxp_kms_config_work(struct work_struct *work)
{
	struct vxp_kms *kms = container_of(work, struct vxp_kms, config_work);
	struct drm_device *drm = kms->vxp->drm;
	int idx, ret;

	/* Cleared first, so a change while we read raises a new interrupt. */
	if (!(vxp_kms_take_events(kms->vxp) & VIRTIO_GPU_EVENT_DISPLAY))
		return;
	if (!drm_dev_enter(drm, &idx))
		return;
	ret = vxp_kms_read_heads(kms);
	drm_dev_exit(idx);
	if (ret) {
		drm_err_ratelimited(drm, "cannot read the host's displays: %d\n", ret);
		return;
	}
	drm_kms_helper_hotplug_event(drm);
}

/**
 * vxp_kms_config_changed() - the device's config-change interrupt
 * @vxp: the device
 *
 * Reads the heads again from a work item; a change before KMS is set up
 * is seen by vxp_kms_init()'s own reading.
 */
void vxp_kms_config_changed(struct vxp_device *vxp)
{
	struct vxp_kms *kms = READ_ONCE(vxp->kms);

	if (kms)
		queue_work(vxp_wq, &kms->config_work);
}

/**
 * vxp_kms_stop_events() - stop handling config changes, before unplug
 * @vxp: the device
 *
 * The virtio core calls no config-change callback during remove; this
 * waits for the work already queued.
 */
void vxp_kms_stop_events(struct vxp_device *vxp)
{
	if (vxp->kms)
		cancel_work_sync(&vxp->kms->config_work);
}

#ifdef VXP_FB_CREATE_HAS_INFO
static struct drm_framebuffer *vxp_kms_fb_create(struct drm_device *drm,
						 struct drm_file *file,
						 const struct drm_format_info *info,
						 const struct drm_mode_fb_cmd2 *cmd)
#else
static struct drm_framebuffer *vxp_kms_fb_create(struct drm_device *drm,
						 struct drm_file *file,
						 const struct drm_mode_fb_cmd2 *cmd)
#endif
{
#ifndef VXP_FB_CREATE_HAS_INFO
	const struct drm_format_info *info = NULL;
#endif
	struct drm_framebuffer *fb;
	struct vxp_dumb *dumb;
	struct vxp_bo *bo;

	/* an xe BO: shown from the host's memory (vxp_fb.c) */
	bo = vxp_bo_lookup(file, cmd->handles[0]);
	if (bo) {
		fb = vxp_fb_create(drm, file, info, cmd, bo);
		drm_gem_object_put(&bo->base);
		return fb;
	}
	dumb = vxp_dumb_lookup(file, cmd->handles[0]);
	if (!dumb)
		return ERR_PTR(-ENOENT);
	fb = vxp_dumb_fb_create(drm, file, info, cmd, dumb);
	drm_gem_object_put(&dumb->shmem.base);
	return fb;
}

static const struct drm_mode_config_funcs vxp_mode_config_funcs = {
	.fb_create = vxp_kms_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

static void vxp_kms_release(struct drm_device *drm, void *data)
{
	struct vxp_kms *kms = data;
	u32 i;

	for (i = 0; i < kms->num_outputs; i++)
		drm_edid_free(kms->outputs[i].edid);
}

/* On virtio-vga the firmware's framebuffer is ours now: take it over. */
static void vxp_kms_remove_firmware_fb(struct vxp_device *vxp)
{
	struct device *parent = vxp->vdev->dev.parent;
	struct pci_dev *pdev;

	if (!parent || !dev_is_pci(parent))
		return;
	pdev = to_pci_dev(parent);
	if ((pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA)
		aperture_remove_conflicting_pci_devices(pdev, KBUILD_MODNAME);
}

/**
 * vxp_kms_init() - the mode config and one output per host scanout
 * @vxp: the device, with vxp->drm allocated but not registered
 *
 * Everything is freed with the DRM device: the outputs are allocated
 * before the mode config is initialised, so its cleanup runs first.
 *
 * Return: 0 or a negative errno.
 */
int vxp_kms_init(struct vxp_device *vxp)
{
	struct drm_device *drm = vxp->drm;
	struct vxp_kms *kms;
	u32 i, n = 0;
	int ret;

	kms = drmm_kzalloc(drm, sizeof(*kms), GFP_KERNEL);
	if (!kms)
		return -ENOMEM;
	kms->vxp = vxp;
	virtio_cread_le(vxp->vdev, struct virtio_gpu_config, num_scanouts, &n);
	kms->num_outputs = min_t(u32, n, VIRTIO_GPU_MAX_SCANOUTS);
	if (kms->num_outputs) {
		kms->outputs = drmm_kcalloc(drm, kms->num_outputs,
					    sizeof(*kms->outputs), GFP_KERNEL);
		if (!kms->outputs)
			return -ENOMEM;
	}
	kms->has_edid = virtio_has_feature(vxp->vdev, VIRTIO_GPU_F_EDID);
	INIT_WORK(&kms->config_work, vxp_kms_config_work);
	ret = drmm_add_action(drm, vxp_kms_release, kms);
	if (ret)
		return ret;

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;
	drm->mode_config.min_width = 16;
	drm->mode_config.min_height = 16;
	drm->mode_config.max_width = 16384;
	drm->mode_config.max_height = 16384;
	drm->mode_config.preferred_depth = 24;
	drm->mode_config.cursor_width = 64;
	drm->mode_config.cursor_height = 64;
	drm->mode_config.funcs = &vxp_mode_config_funcs;

	for (i = 0; i < kms->num_outputs; i++) {
		ret = vxp_output_init(vxp, &kms->outputs[i], i);
		if (ret)
			return ret;
	}
	if (kms->num_outputs) {
		vxp_kms_take_events(vxp);
		ret = vxp_kms_read_heads(kms);
		if (ret)
			drm_warn(drm, "cannot read the host's displays (%d): outputs stay disconnected\n",
				 ret);
		vxp_kms_remove_firmware_fb(vxp);
	}
	drm_mode_config_reset(drm);
	WRITE_ONCE(vxp->kms, kms);
	return 0;
}

/**
 * vxp_kms_fbdev_setup() - the fbdev emulation, for the console
 * @vxp: the device, its DRM device registered
 *
 * Nothing without scanouts. Failures are logged by the DRM core; the
 * device works without a console.
 */
void vxp_kms_fbdev_setup(struct vxp_device *vxp)
{
	if (!vxp->kms->num_outputs)
		return;
#ifdef VXP_HAS_FBDEV_DRIVER_OPS
	drm_client_setup(vxp->drm, NULL);
#else
	drm_fbdev_shmem_setup(vxp->drm, 32);
#endif
}
