/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: per-device state shared by the files of the module.
 */
#ifndef VXP_DRV_H
#define VXP_DRV_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "xe_proxy_proto.h"

struct virtio_device;
struct virtqueue;

/**
 * struct vxp_device - one bound virtio-gpu device
 * @vdev: the virtio device
 * @ctrlq: the virtio-gpu control queue
 * @ctrlq_lock: serialises adding to and reaping from @ctrlq; taken in the
 *	queue's interrupt callback, so always with interrupts disabled
 * @ctrlq_space: woken when the device returns buffers to @ctrlq
 * @broken: set once a command timed out; no further commands are sent
 * @capset: the host's DRM capset (context type XE), zero-extended when the
 *	host sent less than the full struct
 * @capset_version: capset version the capset was read at
 */
struct vxp_device {
	struct virtio_device *vdev;
	struct virtqueue *ctrlq;
	spinlock_t ctrlq_lock; /* protects ctrlq and broken */
	wait_queue_head_t ctrlq_space;
	bool broken;

	struct xe_proxy_capset_drm capset;
	u32 capset_version;
};

int vxp_vq_init(struct vxp_device *vxp);
void vxp_vq_fini(struct vxp_device *vxp);
int vxp_ctrl_cmd(struct vxp_device *vxp, const void *cmd, size_t cmd_len,
		 void *resp, size_t resp_len, u32 ok_type);

int vxp_capset_probe(struct vxp_device *vxp);

#endif /* VXP_DRV_H */
