/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the virtio-gpu control and cursor queues (vxp_vq.c).
 */
#ifndef VXP_VQ_H
#define VXP_VQ_H

#include <linux/types.h>

struct virtio_gpu_update_cursor;
struct vxp_device;

int vxp_vq_init(struct vxp_device *vxp);
void vxp_vq_fini(struct vxp_device *vxp);
int vxp_ctrl_cmd(struct vxp_device *vxp, const void *cmd, size_t cmd_len,
		 void *resp, size_t resp_len, u32 ok_type);
int vxp_ctrl_cmd_nowait(struct vxp_device *vxp, const void *cmd, size_t cmd_len);
int vxp_cursor_cmd(struct vxp_device *vxp,
		   const struct virtio_gpu_update_cursor *cmd);
int vxp_ctrl_cmd_fenced(struct vxp_device *vxp, void *cmd, size_t cmd_len,
			u32 ring, void (*complete)(void *data, int err),
			void *data);

#endif /* VXP_VQ_H */
