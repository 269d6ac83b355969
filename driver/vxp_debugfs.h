/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: debugfs (vxp_debugfs.c).
 */
#ifndef VXP_DEBUGFS_H
#define VXP_DEBUGFS_H

struct vxp_device;

void vxp_debugfs_init(struct vxp_device *vxp);

#endif /* VXP_DEBUGFS_H */
