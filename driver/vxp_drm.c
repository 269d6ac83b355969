// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the DRM device named "xe" (primary and render node) on
 * the virtual Intel PCI function.
 *
 * Lifetime: struct vxp_device is shared by the virtio binding and the DRM
 * device. Unbinding unplugs the DRM device (no new ioctl enters, mappings are
 * zapped) before the virtio queues go away; files that stay open keep the
 * DRM device and through it the vxp_device, and fail with -ENODEV.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fbdev_shmem.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "vxp_context.h"
#include "vxp_debugfs.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_exec.h"
#include "vxp_dumb.h"
#include "vxp_exec_queue.h"
#include "vxp_gem.h"
#include "vxp_kms.h"
#include "vxp_observation.h"
#include "vxp_query.h"
#include "vxp_uapi.h"
#include "vxp_vm.h"
#include "vxp_vm_attrs.h"
#include "vxp_wait_user_fence.h"

/*
 * The real driver's name and version (drivers/gpu/drm/xe/xe_drv.h): user
 * space matches on the name.
 */
#define VXP_DRIVER_NAME		"xe"
#define VXP_DRIVER_DESC		"Intel Xe2 Graphics (virtio-xe-proxy)"
#define VXP_DRIVER_MAJOR	1
#define VXP_DRIVER_MINOR	1

/**
 * vxp_file_context() - the host context of a file, created on first use
 * @file: the DRM file
 *
 * Return: the context, or an ERR_PTR (-ENODEV once the device is gone, or
 * the errno of a host GPU that was unplugged or wedged since).
 */
struct vxp_context *vxp_file_context(struct drm_file *file)
{
	struct vxp_file *vf = file->driver_priv;
	struct vxp_device *vxp = to_vxp(file->minor->dev);
	struct vxp_context *ctx;
	int ret;

	mutex_lock(&vf->lock);
	if (!vf->ctx) {
		ctx = vxp_context_create(vxp);
		if (IS_ERR(ctx)) {
			mutex_unlock(&vf->lock);
			drm_dbg(vxp->drm, "cannot create a host context: %pe\n", ctx);
			return ctx;
		}
		vf->ctx = ctx;
	}
	ctx = vf->ctx;
	mutex_unlock(&vf->lock);
	ret = vxp_context_host_lost(ctx);
	if (ret) {
		drm_dbg(vxp->drm, "the host GPU is gone: %pe\n", ERR_PTR(ret));
		return ERR_PTR(ret);
	}
	return ctx;
}

/**
 * vxp_file_host_lost() - whether the host GPU of a file's context is gone
 * @file: the DRM file
 *
 * For the calls answered without a context; a file with none yet has lost
 * nothing.
 *
 * Return: 0, or the errno vxp_file_context() would give.
 */
int vxp_file_host_lost(struct drm_file *file)
{
	struct vxp_file *vf = file->driver_priv;
	struct vxp_context *ctx;

	mutex_lock(&vf->lock);
	ctx = vf->ctx;
	mutex_unlock(&vf->lock);
	return IS_ERR_OR_NULL(ctx) ? 0 : vxp_context_host_lost(ctx);
}

static int vxp_open(struct drm_device *drm, struct drm_file *file)
{
	struct vxp_file *vf = kzalloc_obj(*vf, GFP_KERNEL);

	if (!vf)
		return -ENOMEM;
	mutex_init(&vf->lock);
	file->driver_priv = vf;
	return 0;
}

static void vxp_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vxp_file *vf = file->driver_priv;
	int idx;

	/*
	 * BOs exported from this file keep the host context alive, but not
	 * its queues and VMs. After unplug the host is gone with them: only
	 * the userptrs, whose fences hold the context, are released.
	 */
	if (!IS_ERR_OR_NULL(vf->ctx)) {
		if (drm_dev_enter(drm, &idx)) {
			vxp_context_file_close(vf->ctx);
			drm_dev_exit(idx);
		} else {
			vxp_context_userptrs_fini(vf->ctx);
		}
	}
	vxp_context_put(vf->ctx);
	mutex_destroy(&vf->lock);
	kfree(vf);
}

/*
 * The syncobj waits need nothing of the device and may wait for a submission
 * without end: inside drm_dev_enter() (an SRCU read section) they would hold
 * up unplug, and DRM core asserts that they hold no lock.
 */
static bool vxp_ioctl_needs_device(unsigned int cmd)
{
	unsigned int nr = DRM_IOCTL_NR(cmd);

	return nr != DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_WAIT) &&
	       nr != DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT);
}

/*
 * Every other ioctl runs inside drm_dev_enter(), so unplug waits for the
 * ones in flight and refuses new ones with -ENODEV before the queues go away.
 */
static long vxp_ioctl_enter(struct file *filp, unsigned int cmd,
			    unsigned long arg,
			    long (*ioctl)(struct file *filp, unsigned int cmd,
					  unsigned long arg))
{
	struct drm_file *file = filp->private_data;
	long ret;
	int idx;

	if (!vxp_ioctl_needs_device(cmd))
		return ioctl(filp, cmd, arg);
	if (!drm_dev_enter(file->minor->dev, &idx))
		return -ENODEV;
	ret = ioctl(filp, cmd, arg);
	drm_dev_exit(idx);
	return ret;
}

static long vxp_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	return vxp_ioctl_enter(filp, cmd, arg, drm_ioctl);
}

#ifdef CONFIG_COMPAT
/* 32-bit callers: xe's structs are the same size, but unplug must hold too */
static long vxp_compat_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	return vxp_ioctl_enter(filp, cmd, arg, drm_compat_ioctl);
}
#else
#define vxp_compat_ioctl NULL
#endif

static const struct drm_ioctl_desc vxp_ioctls[] = {
	DRM_IOCTL_DEF_DRV(XE_DEVICE_QUERY, vxp_query_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_GEM_CREATE, vxp_gem_create_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_GEM_MMAP_OFFSET, vxp_gem_mmap_offset_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_VM_CREATE, vxp_vm_create_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_VM_DESTROY, vxp_vm_destroy_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_EXEC_QUEUE_CREATE, vxp_exec_queue_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_EXEC_QUEUE_DESTROY, vxp_exec_queue_destroy_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_EXEC_QUEUE_GET_PROPERTY,
			  vxp_exec_queue_get_property_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_VM_BIND, vxp_vm_bind_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_EXEC, vxp_exec_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_WAIT_USER_FENCE, vxp_wait_user_fence_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_OBSERVATION, vxp_observation_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_MADVISE, vxp_madvise_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_VM_QUERY_MEM_RANGE_ATTRS,
			  vxp_vm_query_mem_range_attrs_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_EXEC_QUEUE_SET_PROPERTY,
			  vxp_exec_queue_set_property_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(XE_VM_GET_PROPERTY, vxp_vm_get_property_ioctl,
			  DRM_RENDER_ALLOW),
};

static const struct file_operations vxp_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = vxp_ioctl,
	.compat_ioctl = vxp_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = drm_gem_mmap,
	/* mmap offsets are above 4 GiB; drm_open_helper() insists on it */
	.fop_flags = FOP_UNSIGNED_OFFSET,
};

static const struct drm_driver vxp_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC |
			   DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = vxp_open,
	.postclose = vxp_postclose,
	.gem_prime_import = vxp_gem_prime_import,
	.gem_create_object = vxp_dumb_create_object,
	.dumb_create = vxp_dumb_create,
#ifdef VXP_HAS_FBDEV_DRIVER_OPS
	DRM_FBDEV_SHMEM_DRIVER_OPS,
#endif
	.ioctls = vxp_ioctls,
	.num_ioctls = ARRAY_SIZE(vxp_ioctls),
	.fops = &vxp_fops,
	.name = VXP_DRIVER_NAME,
	.desc = VXP_DRIVER_DESC,
	.major = VXP_DRIVER_MAJOR,
	.minor = VXP_DRIVER_MINOR,
};

static void vxp_drm_release(struct drm_device *drm, void *data)
{
	vxp_device_put(data);
}

/**
 * vxp_drm_init() - register the xe DRM device on vxp->pdev
 * @vxp: the device, with its PCI function created
 *
 * Return: 0 or a negative errno.
 */
int vxp_drm_init(struct vxp_device *vxp)
{
	struct vxp_drm *vd;
	int ret;

	/* Managed by the PCI function: freed when it is removed. */
	vd = devm_drm_dev_alloc(&vxp->pdev->dev, &vxp_drm_driver,
				struct vxp_drm, drm);
	if (IS_ERR(vd))
		return PTR_ERR(vd);
	kref_get(&vxp->ref);
	vd->vxp = vxp;
	ret = drmm_add_action_or_reset(&vd->drm, vxp_drm_release, vxp);
	if (ret)
		return ret;
	vxp->drm = &vd->drm;
	ret = vxp_kms_init(vxp);
	if (ret) {
		vxp->drm = NULL;
		return ret;
	}
	vxp_debugfs_init(vxp);

	ret = drm_dev_register(&vd->drm, 0);
	if (ret) {
		vxp->drm = NULL;
		return ret;
	}
	vxp_kms_fbdev_setup(vxp);
	drm_info(&vd->drm, "xe device on %s, host-visible window %llu MiB\n",
		 pci_name(vxp->pdev), (unsigned long long)(vxp->hv.len >> 20));
	return 0;
}

/**
 * vxp_drm_fini() - unplug the DRM device
 * @vxp: the device
 *
 * Waits for ioctls and display commits in flight; later calls on open
 * files fail with -ENODEV. Then turns the outputs off in the DRM state:
 * the host is no longer asked, resetting the device clears its scanouts.
 * The DRM device itself is freed with the PCI function.
 */
void vxp_drm_fini(struct vxp_device *vxp)
{
	if (!vxp->drm)
		return;
	vxp_kms_stop_events(vxp);
	drm_dev_unplug(vxp->drm);
	drm_atomic_helper_shutdown(vxp->drm);
}
