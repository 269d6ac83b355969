// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: dumb buffers.
 *
 * MODE_CREATE_DUMB buffers (consoles, boot splash, simple KMS clients, the
 * fbdev emulation) live in guest memory, as shmem GEM objects. Each is a
 * virtio-gpu 2D resource of the same size whose backing is the object's
 * pages, so the host can copy what changed (TRANSFER_TO_HOST_2D) and show
 * it (vxp_plane.c). xe BOs are framebuffers too (vxp_fb.c).
 *
 * The resource is made before any framebuffer names a format: it is
 * B8G8R8X8, which serves XRGB8888 and ARGB8888 alike (the same bytes; a
 * primary plane shows no alpha, and the cursor is handed the bytes as they
 * are). An XBGR8888 or ABGR8888 framebuffer gets a 2D resource of its own
 * in its format over the same pages, so the host never swaps red and blue.
 */
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_gpu.h>

#include <drm/drm_damage_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_mode.h>

#include "vxp_display_cmd.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_dumb.h"
#include "vxp_resource.h"

static void vxp_dumb_free(struct drm_gem_object *obj)
{
	struct vxp_dumb *dumb = container_of(obj, struct vxp_dumb, shmem.base);

	/* the host reads the pages, freed next, until the resource is gone */
	if (dumb->res_id)
		vxp_resource_release(obj->dev, dumb->res_id, true);
	drm_gem_shmem_free(&dumb->shmem);
}

static const struct drm_gem_object_funcs vxp_dumb_funcs = {
	.free = vxp_dumb_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * vxp_dumb_from_gem() - the dumb buffer a GEM object is, if it is one
 * @obj: a GEM object of this driver
 *
 * Return: the dumb buffer, or NULL for an xe BO or an imported object.
 */
struct vxp_dumb *vxp_dumb_from_gem(struct drm_gem_object *obj)
{
	if (obj->funcs != &vxp_dumb_funcs)
		return NULL;
	return container_of(obj, struct vxp_dumb, shmem.base);
}

/**
 * vxp_dumb_lookup() - a dumb buffer by handle
 * @file: the caller
 * @handle: GEM handle
 *
 * Return: the dumb buffer with a reference on its object, or NULL when
 * @handle names none.
 */
struct vxp_dumb *vxp_dumb_lookup(struct drm_file *file, u32 handle)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);
	struct vxp_dumb *dumb = obj ? vxp_dumb_from_gem(obj) : NULL;

	if (obj && !dumb)
		drm_gem_object_put(obj);
	return dumb;
}

/**
 * vxp_dumb_create_object() - &drm_driver.gem_create_object
 * @drm: the DRM device
 * @size: object size
 *
 * Only drm_gem_shmem_create() calls it, for dumb buffers; xe BOs are made
 * by vxp_gem.c on their own.
 *
 * Return: the object, or an ERR_PTR.
 */
struct drm_gem_object *vxp_dumb_create_object(struct drm_device *drm,
					      size_t size)
{
	struct vxp_dumb *dumb = kzalloc_obj(*dumb, GFP_KERNEL);

	if (!dumb)
		return ERR_PTR(-ENOMEM);
	dumb->shmem.base.funcs = &vxp_dumb_funcs;
	/* Scanout reads it through the host's copy: cached is fine. */
	dumb->shmem.map_wc = false;
	return &dumb->shmem.base;
}

/* The 2D resource over the object's pages. */
static int vxp_dumb_create_resource(struct vxp_device *vxp,
				    struct vxp_dumb *dumb)
{
	struct sg_table *sgt;
	int id, ret;

	sgt = drm_gem_shmem_get_pages_sgt(&dumb->shmem);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	id = ida_alloc_min(&vxp->res_ida, 1, GFP_KERNEL);
	if (id < 0)
		return id;
	/* DRM_FORMAT_XRGB8888 in little-endian memory is B, G, R, X. */
	ret = vxp_cmd_resource_create_2d(vxp, id, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
					 dumb->width, dumb->height);
	if (ret) {
		ida_free(&vxp->res_ida, id);
		return ret;
	}
	/* From here on the free callback drops the resource. */
	dumb->res_id = id;
	return vxp_cmd_attach_backing(vxp, id, sgt);
}

/**
 * vxp_dumb_create() - &drm_driver.dumb_create
 * @file: the DRM file
 * @drm: the DRM device
 * @args: the request: 32 bits per pixel, any width and height the core let
 *	through; pitch, size and handle are returned
 *
 * Return: 0 or a negative errno.
 */
int vxp_dumb_create(struct drm_file *file, struct drm_device *drm,
		    struct drm_mode_create_dumb *args)
{
	struct vxp_device *vxp = to_vxp(drm);
	struct drm_gem_shmem_object *shmem;
	struct vxp_dumb *dumb;
	u32 pitch, handle;
	u64 size;
	int ret;

	if (VXP_IOCTL_DBG(drm, args->bpp != 32))
		return -EINVAL;
	if (VXP_IOCTL_DBG(drm, check_mul_overflow(args->width, 4U, &pitch)))
		return -EINVAL;
	size = PAGE_ALIGN((u64)pitch * args->height);
	if (VXP_IOCTL_DBG(drm, !size || size > SZ_1G))
		return -EINVAL;
	/* Backing entries are guest-physical; behind an IOMMU they are not. */
	if (!virtio_has_dma_quirk(vxp->vdev)) {
		drm_dbg(drm, "no dumb buffers: the device uses the DMA API\n");
		return -EOPNOTSUPP;
	}

	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	dumb = container_of(shmem, struct vxp_dumb, shmem);
	dumb->width = args->width;
	dumb->height = args->height;
	dumb->pitch = pitch;

	ret = vxp_dumb_create_resource(vxp, dumb);
	if (!ret)
		ret = drm_gem_handle_create(file, &shmem->base, &handle);
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;
	args->pitch = pitch;
	args->size = size;
	args->handle = handle;
	return 0;
}

/**
 * struct vxp_dumb_fb - a dumb buffer's framebuffer in a format of its own
 * @base: the DRM framebuffer; first, drm_gem_fb_destroy() frees it
 * @res_id: a 2D resource of the framebuffer's format over the dumb
 *	buffer's pages, 0 until created
 */
struct vxp_dumb_fb {
	struct drm_framebuffer base;
	u32 res_id;
};

static void vxp_dumb_fb_destroy(struct drm_framebuffer *base)
{
	struct vxp_dumb_fb *fb = container_of(base, struct vxp_dumb_fb, base);

	/* as vxp_dumb_free(): the host reads the pages until it is gone */
	if (fb->res_id)
		vxp_resource_release(base->dev, fb->res_id, true);
	drm_gem_fb_destroy(base);
}

static const struct drm_framebuffer_funcs vxp_dumb_fb_funcs = {
	.destroy = vxp_dumb_fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
	.dirty = drm_atomic_helper_dirtyfb,
};

/**
 * vxp_dumb_fb_resource() - the 2D resource that shows a dumb framebuffer
 * @fb: a framebuffer of @dumb
 * @dumb: the dumb buffer it holds
 *
 * Return: the framebuffer's own resource, or the dumb buffer's.
 */
u32 vxp_dumb_fb_resource(struct drm_framebuffer *fb, struct vxp_dumb *dumb)
{
	if (fb->funcs == &vxp_dumb_fb_funcs)
		return container_of(fb, struct vxp_dumb_fb, base)->res_id;
	return dumb->res_id;
}

/* A framebuffer with a 2D resource of @format over @dumb's pages. */
static struct drm_framebuffer *
vxp_dumb_fb_own_resource(struct drm_device *drm, struct drm_file *file,
			 const struct drm_format_info *info,
			 const struct drm_mode_fb_cmd2 *cmd,
			 struct vxp_dumb *dumb, u32 format)
{
	struct vxp_device *vxp = to_vxp(drm);
	struct vxp_dumb_fb *fb;
	struct sg_table *sgt;
	int id, ret;

	fb = kzalloc_obj(*fb, GFP_KERNEL);
	if (!fb)
		return ERR_PTR(-ENOMEM);
#ifdef VXP_FB_CREATE_HAS_INFO
	ret = drm_gem_fb_init_with_funcs(drm, &fb->base, file, info, cmd,
					 &vxp_dumb_fb_funcs);
#else
	ret = drm_gem_fb_init_with_funcs(drm, &fb->base, file, cmd,
					 &vxp_dumb_fb_funcs);
#endif
	if (ret) {
		kfree(fb);
		return ERR_PTR(ret);
	}
	/* from here on drm_framebuffer_put() frees it */
	sgt = drm_gem_shmem_get_pages_sgt(&dumb->shmem);
	id = ida_alloc_min(&vxp->res_ida, 1, GFP_KERNEL);
	if (IS_ERR(sgt) || id < 0) {
		ret = IS_ERR(sgt) ? PTR_ERR(sgt) : id;
		if (id >= 0)
			ida_free(&vxp->res_ida, id);
		goto fail;
	}
	/* the dumb buffer's size: the transfers' offsets use its pitch */
	ret = vxp_cmd_resource_create_2d(vxp, id, format, dumb->width,
					 dumb->height);
	if (ret) {
		ida_free(&vxp->res_ida, id);
		goto fail;
	}
	fb->res_id = id;
	ret = vxp_cmd_attach_backing(vxp, id, sgt);
	if (!ret)
		return &fb->base;
fail:
	drm_dbg_kms(drm, "no %p4cc resource for dumb buffer resource %u: %d\n",
		    &cmd->pixel_format, dumb->res_id, ret);
	drm_framebuffer_put(&fb->base);
	return ERR_PTR(ret);
}

/**
 * vxp_dumb_fb_create() - ADDFB2 of a dumb buffer
 * @drm: the device
 * @file: the caller
 * @info: the format's info (unused before 6.17's fb_create had it)
 * @cmd: the request, checked by the core for the format, handles and pitch
 * @dumb: the dumb buffer of cmd->handles[0], a reference the caller drops
 *
 * XRGB8888 and ARGB8888 are shown from the dumb buffer's own resource,
 * XBGR8888 and ABGR8888 from one the framebuffer makes.
 *
 * Return: the framebuffer, or an ERR_PTR: -EINVAL for a framebuffer the
 * dumb buffer's resource does not have the lines or the pitch of.
 */
struct drm_framebuffer *vxp_dumb_fb_create(struct drm_device *drm,
					   struct drm_file *file,
					   const struct drm_format_info *info,
					   const struct drm_mode_fb_cmd2 *cmd,
					   struct vxp_dumb *dumb)
{
	u32 format = vxp_virtio_format(cmd->pixel_format);

	/*
	 * The framebuffer must fit the resource: the core checks it against
	 * the object's size, which page alignment can make a few lines
	 * taller.
	 */
	if (VXP_IOCTL_DBG(drm, !format) ||
	    VXP_IOCTL_DBG(drm, cmd->offsets[0] || cmd->pitches[0] != dumb->pitch) ||
	    VXP_IOCTL_DBG(drm, cmd->height > dumb->height))
		return ERR_PTR(-EINVAL);
	if (format == VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM ||
	    format == VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM)
		return vxp_dumb_fb_own_resource(drm, file, info, cmd, dumb,
						format);
#ifdef VXP_FB_CREATE_HAS_INFO
	return drm_gem_fb_create_with_dirty(drm, file, info, cmd);
#else
	return drm_gem_fb_create_with_dirty(drm, file, cmd);
#endif
}
