/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the host's XE native-context capset (vxp_capset.c).
 */
#ifndef VXP_CAPSET_H
#define VXP_CAPSET_H

struct vxp_device;

int vxp_capset_probe(struct vxp_device *vxp);

#endif /* VXP_CAPSET_H */
