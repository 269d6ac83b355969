// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: find the host's XE native-context capset.
 *
 * The device lists its capsets through GET_CAPSET_INFO (one per index up to
 * the config field num_capsets). We want VIRTIO_GPU_CAPSET_DRM whose payload
 * says context_type XE; anything else is left to the in-tree virtio_gpu.
 */
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_gpu.h>

#include "vxp_capset.h"
#include "vxp_drv.h"
#include "vxp_vq.h"

/* More than any real capset; bounds what a broken host can make us allocate. */
#define VXP_CAPSET_MAX_SIZE	4096
/* virtio-gpu config num_capsets is a 32-bit field; QEMU offers a handful. */
#define VXP_MAX_CAPSETS		64

static int vxp_capset_info(struct vxp_device *vxp, u32 index, u32 *id,
			   u32 *max_version, u32 *max_size)
{
	struct virtio_gpu_get_capset_info req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_GET_CAPSET_INFO),
		.capset_index = cpu_to_le32(index),
	};
	struct virtio_gpu_resp_capset_info rsp;
	int ret;

	ret = vxp_ctrl_cmd(vxp, &req, sizeof(req), &rsp, sizeof(rsp),
			   VIRTIO_GPU_RESP_OK_CAPSET_INFO);
	if (ret)
		return ret;
	*id = le32_to_cpu(rsp.capset_id);
	*max_version = le32_to_cpu(rsp.capset_max_version);
	*max_size = le32_to_cpu(rsp.capset_max_size);
	return 0;
}

/* Read capset @id at @version into vxp->capset, zero-extending it. */
static int vxp_capset_read(struct vxp_device *vxp, u32 id, u32 version,
			   u32 size)
{
	struct virtio_gpu_get_capset req = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_GET_CAPSET),
		.capset_id = cpu_to_le32(id),
		.capset_version = cpu_to_le32(version),
	};
	struct virtio_gpu_resp_capset *rsp;
	size_t rsp_len = sizeof(*rsp) + size;
	int ret;

	rsp = kzalloc(rsp_len, GFP_KERNEL);
	if (!rsp)
		return -ENOMEM;
	ret = vxp_ctrl_cmd(vxp, &req, sizeof(req), rsp, rsp_len,
			   VIRTIO_GPU_RESP_OK_CAPSET);
	if (!ret) {
		memset(&vxp->capset, 0, sizeof(vxp->capset));
		memcpy(&vxp->capset, rsp->capset_data,
		       min_t(size_t, size, sizeof(vxp->capset)));
		vxp->capset_version = version;
	}
	kfree(rsp);
	return ret;
}

/**
 * vxp_capset_probe() - look for a DRM capset of context type XE
 * @vxp: the device, with its control queue ready
 *
 * On success vxp->capset holds the host's capset. When the device offers no
 * such capset, logs one line saying what it offers instead.
 *
 * Return: 0 if found, -ENODEV if the device has none, another negative
 * errno if talking to the device failed.
 */
int vxp_capset_probe(struct vxp_device *vxp)
{
	struct device *dev = &vxp->vdev->dev;
	u32 i, num, id, max_version, max_size, ctx_type;
	bool drm_seen = false;
	int ret;

	virtio_cread_le(vxp->vdev, struct virtio_gpu_config, num_capsets, &num);
	if (num > VXP_MAX_CAPSETS) {
		dev_warn(dev, "device reports %u capsets; reading the first %u\n",
			 num, VXP_MAX_CAPSETS);
		num = VXP_MAX_CAPSETS;
	}

	for (i = 0; i < num; i++) {
		ret = vxp_capset_info(vxp, i, &id, &max_version, &max_size);
		if (ret)
			return ret;
		if (id != VIRTIO_GPU_CAPSET_DRM)
			continue;
		drm_seen = true;
		if (max_size < XE_PROXY_CAPSET_MIN_SIZE ||
		    max_size > VXP_CAPSET_MAX_SIZE) {
			dev_warn(dev, "DRM capset has implausible size %u; ignoring it\n",
				 max_size);
			continue;
		}
		ret = vxp_capset_read(vxp, id, max_version, max_size);
		if (ret)
			return ret;
		ctx_type = le32_to_cpu(vxp->capset.context_type);
		if (ctx_type == XE_PROXY_DRM_CONTEXT_XE)
			return 0;
		dev_info(dev, "declining: the DRM capset is for context type %u, not XE (%u); leaving the device to virtio_gpu\n",
			 ctx_type, XE_PROXY_DRM_CONTEXT_XE);
		return -ENODEV;
	}

	dev_info(dev, "declining: %s; leaving the device to virtio_gpu\n",
		 drm_seen ? "the DRM capset is unusable" :
		 num ? "no DRM native-context capset (XE) among the host's capsets" :
		 "the device offers no capsets (no 3D support)");
	return -ENODEV;
}
