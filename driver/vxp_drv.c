// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: guest driver for virtio-gpu devices whose host offers an
 * Intel Xe native context. Devices without one are declined at probe, so the
 * in-tree virtio_gpu driver binds them as usual; the modprobe.d softdep
 * shipped with this module makes sure we are asked first.
 */
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_gpu.h>
#include <uapi/linux/virtio_ids.h>

#include "vxp_capset.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_hostmem.h"
#include "vxp_kms.h"
#include "vxp_pci.h"
#include "vxp_query.h"
#include "vxp_vq.h"

static bool enable = true;
module_param(enable, bool, 0444);
MODULE_PARM_DESC(enable,
		 "Bind virtio-gpu devices that offer an XE native context (default: true; false leaves every device to virtio_gpu)");

static void vxp_device_release(struct kref *ref)
{
	struct vxp_device *vxp = container_of(ref, struct vxp_device, ref);

	vxp_query_cache_free(vxp);
	/* A declined device never set up its host window. */
	if (drm_mm_initialized(&vxp->hv_mm))
		drm_mm_takedown(&vxp->hv_mm);
	mutex_destroy(&vxp->hv_lock);
	mutex_destroy(&vxp->query_lock);
	ida_destroy(&vxp->ctx_ida);
	ida_destroy(&vxp->res_ida);
	kfree(vxp);
}

/**
 * vxp_device_put() - drop a reference to a device
 * @vxp: the device
 */
void vxp_device_put(struct vxp_device *vxp)
{
	kref_put(&vxp->ref, vxp_device_release);
}

static int vxp_probe(struct virtio_device *vdev)
{
	struct vxp_device *vxp;
	int ret;

	if (!enable) {
		dev_info(&vdev->dev, "declining: disabled by module parameter enable=0\n");
		return -ENODEV;
	}
	if (!virtio_has_feature(vdev, VIRTIO_GPU_F_VIRGL) ||
	    !virtio_has_feature(vdev, VIRTIO_GPU_F_CONTEXT_INIT)) {
		dev_info(&vdev->dev, "declining: the device lacks %s; leaving it to virtio_gpu\n",
			 virtio_has_feature(vdev, VIRTIO_GPU_F_VIRGL) ?
			 "context init" : "3D (virgl) support");
		return -ENODEV;
	}

	vxp = kzalloc_obj(*vxp, GFP_KERNEL);
	if (!vxp)
		return -ENOMEM;
	vxp->vdev = vdev;
	kref_init(&vxp->ref);
	ida_init(&vxp->ctx_ida);
	ida_init(&vxp->res_ida);
	mutex_init(&vxp->hv_lock);
	mutex_init(&vxp->query_lock);
	init_waitqueue_head(&vxp->ufence_wq);
	vdev->priv = vxp;

	ret = vxp_vq_init(vxp);
	if (ret) {
		dev_err(&vdev->dev, "cannot set up the control queue: %d\n", ret);
		goto err_free;
	}
	virtio_device_ready(vdev);

	ret = vxp_capset_probe(vxp);
	if (ret)
		goto err_vq;
	if (le32_to_cpu(vxp->capset.u.xe.protocol_version) >= 1)
		vxp->features = le64_to_cpu(vxp->capset.u.xe.features);

	/* BOs and the response page are mapped through the host window. */
	if (!virtio_has_feature(vdev, VIRTIO_GPU_F_RESOURCE_BLOB) ||
	    !virtio_get_shm_region(vdev, &vxp->hv, VIRTIO_GPU_SHM_ID_HOST_VISIBLE) ||
	    !vxp->hv.len) {
		dev_info(&vdev->dev, "declining: the host offers XE but no blob resources or host-visible memory (QEMU: blob=on,hostmem=...)\n");
		ret = -ENODEV;
		goto err_vq;
	}
	if (!request_mem_region(vxp->hv.addr, vxp->hv.len, "virtio-xe-proxy host-visible")) {
		dev_err(&vdev->dev, "host-visible region %pa+%llx is busy\n",
			&vxp->hv.addr, (unsigned long long)vxp->hv.len);
		ret = -EBUSY;
		goto err_vq;
	}
	vxp_hostmem_init(vxp);

	ret = vxp_pci_create(vxp);
	if (ret) {
		dev_err(&vdev->dev, "cannot create the virtual PCI function: %d\n", ret);
		goto err_region;
	}
	ret = vxp_drm_init(vxp);
	if (ret) {
		dev_err(&vdev->dev, "cannot register the DRM device: %d\n", ret);
		goto err_pci;
	}

	dev_info(&vdev->dev, "XE native context: host GPU 8086:%04x rev %02x at %04x:%02x:%02x.%x, drm %u.%u.%u, protocol %u, features 0x%llx\n",
		 le32_to_cpu(vxp->capset.u.xe.pci_device_id),
		 le32_to_cpu(vxp->capset.u.xe.pci_revision_id),
		 le32_to_cpu(vxp->capset.u.xe.pci_domain),
		 le32_to_cpu(vxp->capset.u.xe.pci_bus),
		 le32_to_cpu(vxp->capset.u.xe.pci_dev),
		 le32_to_cpu(vxp->capset.u.xe.pci_func),
		 le32_to_cpu(vxp->capset.version_major),
		 le32_to_cpu(vxp->capset.version_minor),
		 le32_to_cpu(vxp->capset.version_patchlevel),
		 le32_to_cpu(vxp->capset.u.xe.protocol_version),
		 le64_to_cpu(vxp->capset.u.xe.features));
	return 0;

err_pci:
	vxp_pci_destroy(vxp);
err_region:
	release_mem_region(vxp->hv.addr, vxp->hv.len);
err_vq:
	vxp_vq_fini(vxp);
err_free:
	vdev->priv = NULL;
	vxp_device_put(vxp);
	if (ret != -ENODEV && ret != -ENOMEM)
		dev_err(&vdev->dev, "probe failed: %d\n", ret);
	return ret;
}

/*
 * Order matters: unplug the DRM device first (waits for ioctls in flight,
 * zaps user mappings), then stop the queues, then remove the PCI function,
 * which frees the DRM device once its last file is closed.
 */
static void vxp_remove(struct virtio_device *vdev)
{
	struct vxp_device *vxp = vdev->priv;

	vxp_drm_fini(vxp);
	vxp_vq_fini(vxp);
	vxp_pci_destroy(vxp);
	release_mem_region(vxp->hv.addr, vxp->hv.len);
	vdev->priv = NULL;
	vxp_device_put(vxp);
}

static const struct virtio_device_id vxp_id_table[] = {
	{ VIRTIO_ID_GPU, VIRTIO_DEV_ANY_ID },
	{ },
};
MODULE_DEVICE_TABLE(virtio, vxp_id_table);

static const unsigned int vxp_features[] = {
	VIRTIO_GPU_F_VIRGL,
	VIRTIO_GPU_F_RESOURCE_BLOB,
	VIRTIO_GPU_F_CONTEXT_INIT,
	VIRTIO_GPU_F_EDID,
};

struct workqueue_struct *vxp_wq;

/* The host changed its displays (vxp_kms.c). */
static void vxp_config_changed(struct virtio_device *vdev)
{
	struct vxp_device *vxp = vdev->priv;

	if (vxp)
		vxp_kms_config_changed(vxp);
}

static struct virtio_driver vxp_virtio_driver = {
	.feature_table = vxp_features,
	.feature_table_size = ARRAY_SIZE(vxp_features),
	.driver.name = KBUILD_MODNAME,
	.id_table = vxp_id_table,
	.probe = vxp_probe,
	.remove = vxp_remove,
	.config_changed = vxp_config_changed,
};

static int __init vxp_init(void)
{
	int ret;

	vxp_wq = alloc_workqueue("virtio_xe_proxy", WQ_UNBOUND, 0);
	if (!vxp_wq)
		return -ENOMEM;
	/* The PCI driver first: probing the virtio device creates a function. */
	ret = vxp_pci_register();
	if (ret)
		goto err_wq;
	ret = register_virtio_driver(&vxp_virtio_driver);
	if (ret)
		goto err_pci;
	return 0;

err_pci:
	vxp_pci_unregister();
err_wq:
	destroy_workqueue(vxp_wq);
	return ret;
}

static void __exit vxp_exit(void)
{
	unregister_virtio_driver(&vxp_virtio_driver);
	vxp_pci_unregister();
	/* Drains context teardowns and user-fence writes still queued. */
	destroy_workqueue(vxp_wq);
}

module_init(vxp_init);
module_exit(vxp_exit);

MODULE_DESCRIPTION("Intel Xe uAPI over virtio-gpu native context (guest)");
MODULE_AUTHOR("virtio-xe-proxy developers");
MODULE_LICENSE("GPL");
