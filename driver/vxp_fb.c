// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: framebuffers of xe BOs.
 *
 * What GBM allocates for scanout with iris: a linear BO from
 * DRM_IOCTL_XE_GEM_CREATE, handed to ADDFB2, in one of the formats of
 * vxp_virtio_format() (XRGB8888, ARGB8888, XBGR8888, ABGR8888: 4 bytes a
 * pixel). The pixels live in the host's BO, so they are shown from there,
 * never through guest memory:
 *
 * - zero copy, when the host can export the BO as a dma-buf that QEMU
 *   imports (a real xe host): SET_SCANOUT_BLOB of the BO's own resource,
 *   naming the format, and RESOURCE_FLUSH of the damage;
 * - one host copy otherwise (the simulated device, whose BOs are no
 *   dma-bufs): a 2D resource of the framebuffer's format that the host
 *   links to the BO, which each TRANSFER_TO_HOST_2D fills from the BO
 *   rather than from guest memory; SET_SCANOUT and RESOURCE_FLUSH then
 *   show it like a dumb buffer's.
 *
 * The host says which at ADDFB2 time (XE_PROXY_CCMD_SCANOUT), so a plane
 * update never has to fall back.
 */
#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/drm_damage_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_display_cmd.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_fb.h"
#include "vxp_gem.h"
#include "vxp_resource.h"

static void vxp_fb_destroy(struct drm_framebuffer *base)
{
	struct vxp_fb *fb = container_of(base, struct vxp_fb, base);

	/* the unref drops the host's link to the BO too */
	if (fb->res_2d)
		vxp_resource_release(base->dev, fb->res_2d, false);
	drm_gem_fb_destroy(base);
}

static const struct drm_framebuffer_funcs vxp_fb_funcs = {
	.destroy = vxp_fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
	.dirty = drm_atomic_helper_dirtyfb,
};

/**
 * vxp_fb_from_drm() - the xe BO framebuffer a framebuffer is, if it is one
 * @fb: a framebuffer of this device
 *
 * Return: the framebuffer, or NULL for a dumb buffer's.
 */
struct vxp_fb *vxp_fb_from_drm(struct drm_framebuffer *fb)
{
	if (fb->funcs != &vxp_fb_funcs)
		return NULL;
	return container_of(fb, struct vxp_fb, base);
}

/* XE_PROXY_CCMD_SCANOUT: XE_PROXY_SCANOUT_* or a negative errno. */
static int vxp_fb_host_scanout(struct vxp_bo *bo,
			       const struct drm_mode_fb_cmd2 *cmd, u32 res_2d)
{
	struct xe_proxy_ccmd_scanout_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_SCANOUT, sizeof(req)),
		.res_id = cpu_to_le32(bo->res_id),
		.res_2d = cpu_to_le32(res_2d),
		.offset = cpu_to_le64(cmd->offsets[0]),
		.stride = cpu_to_le32(cmd->pitches[0]),
		.width = cpu_to_le32(cmd->width),
		.height = cpu_to_le32(cmd->height),
	};
	struct xe_proxy_ccmd_value_rsp rsp;
	u64 mode;
	int ret;

	ret = vxp_ccmd_send(bo->ctx, &req.hdr, &rsp, sizeof(rsp));
	if (ret)
		return ret;
	if (le32_to_cpu(rsp.ret))
		return vxp_rsp_errno(rsp.ret);
	mode = le64_to_cpu(rsp.value);
	/* a host answering a mode it was not asked for is broken */
	if (mode != (res_2d ? XE_PROXY_SCANOUT_COPY : XE_PROXY_SCANOUT_BLOB))
		return -EPROTO;
	return 0;
}

/* The fallback: a 2D resource of the framebuffer's size, filled from @bo. */
static int vxp_fb_link_2d(struct vxp_device *vxp, struct vxp_fb *fb,
			  struct vxp_bo *bo, const struct drm_mode_fb_cmd2 *cmd)
{
	int id, ret;

	id = ida_alloc_min(&vxp->res_ida, 1, GFP_KERNEL);
	if (id < 0)
		return id;
	/* the host copies the BO's bytes as they are: the same format */
	ret = vxp_cmd_resource_create_2d(vxp, id,
					 vxp_virtio_format(cmd->pixel_format),
					 cmd->width, cmd->height);
	if (ret) {
		ida_free(&vxp->res_ida, id);
		return ret;
	}
	/* from here on vxp_fb_destroy() drops it */
	fb->res_2d = id;
	fb->res_id = id;
	return vxp_fb_host_scanout(bo, cmd, id);
}

/*
 * The framebuffer as the host sees it: 4 bytes a pixel in a format it is
 * told of, linear, one plane lying in the BO. The core checked the format
 * against the planes' IN_FORMATS (the cursor's ARGB8888 among them)
 * and the pitch against the width; its size check is 32-bit, so the end is
 * computed again here in 64 bits.
 */
static bool vxp_fb_valid(struct drm_device *drm,
			 const struct drm_mode_fb_cmd2 *cmd, struct vxp_bo *bo)
{
	u64 end;

	if (VXP_IOCTL_DBG(drm, !vxp_virtio_format(cmd->pixel_format)) ||
	    VXP_IOCTL_DBG(drm, (cmd->flags & DRM_MODE_FB_MODIFIERS) &&
			  cmd->modifier[0] != DRM_FORMAT_MOD_LINEAR) ||
	    VXP_IOCTL_DBG(drm, !cmd->width || !cmd->height) ||
	    VXP_IOCTL_DBG(drm, cmd->pitches[0] % 4 || cmd->offsets[0] % 4) ||
	    VXP_IOCTL_DBG(drm, cmd->pitches[0] < (u64)cmd->width * 4))
		return false;
	end = (u64)cmd->pitches[0] * (cmd->height - 1) + (u64)cmd->width * 4 +
	      cmd->offsets[0];
	if (VXP_IOCTL_DBG(drm, end > bo->base.size))
		return false;
	/* A VM-private BO has no resource the host can map for a copy. */
	if (VXP_IOCTL_DBG(drm, bo->vm_private))
		return false;
	return true;
}

/**
 * vxp_fb_create() - ADDFB2 of an xe BO
 * @drm: the device
 * @file: the caller
 * @info: the format's info (unused before 6.17's fb_create had it)
 * @cmd: the request, checked by the core for the format, handles and pitch
 * @bo: the BO of cmd->handles[0], a reference the caller drops
 *
 * Asks the host how to show the BO, and prepares the copy when it cannot
 * show it as it is.
 *
 * Return: the framebuffer, or an ERR_PTR: -EINVAL for a framebuffer the
 * BO does not hold or the host cannot show, -EOPNOTSUPP on a host without
 * XE_PROXY_F_SCANOUT.
 */
struct drm_framebuffer *vxp_fb_create(struct drm_device *drm,
				      struct drm_file *file,
				      const struct drm_format_info *info,
				      const struct drm_mode_fb_cmd2 *cmd,
				      struct vxp_bo *bo)
{
	struct vxp_device *vxp = to_vxp(drm);
	struct vxp_fb *fb;
	int ret;

	if (!vxp_fb_valid(drm, cmd, bo))
		return ERR_PTR(-EINVAL);
	if (!(vxp->features & XE_PROXY_F_SCANOUT)) {
		drm_dbg_kms(drm, "the host cannot show xe BOs\n");
		return ERR_PTR(-EOPNOTSUPP);
	}
	fb = kzalloc_obj(*fb, GFP_KERNEL);
	if (!fb)
		return ERR_PTR(-ENOMEM);
#ifdef VXP_FB_CREATE_HAS_INFO
	ret = drm_gem_fb_init_with_funcs(drm, &fb->base, file, info, cmd,
					 &vxp_fb_funcs);
#else
	ret = drm_gem_fb_init_with_funcs(drm, &fb->base, file, cmd,
					 &vxp_fb_funcs);
#endif
	if (ret) {
		kfree(fb);
		return ERR_PTR(ret);
	}
	/* from here on drm_framebuffer_put() frees it */
	ret = vxp_fb_host_scanout(bo, cmd, 0);
	if (!ret)
		fb->res_id = bo->res_id;
	else if (ret == -EOPNOTSUPP)
		ret = vxp_fb_link_2d(vxp, fb, bo, cmd);
	if (ret) {
		drm_dbg_kms(drm, "the host cannot show BO resource %u: %d\n",
			    bo->res_id, ret);
		drm_framebuffer_put(&fb->base);
		/* what the host refused is the caller's framebuffer */
		return ERR_PTR(ret == -ENOMEM || ret == -ENODEV ? ret : -EINVAL);
	}
	drm_dbg_kms(drm, "framebuffer of BO resource %u: %s\n", bo->res_id,
		    fb->res_2d ? "host copy" : "zero copy");
	return &fb->base;
}
