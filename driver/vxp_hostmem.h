/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the allocator of the host-visible window (vxp_hostmem.c).
 */
#ifndef VXP_HOSTMEM_H
#define VXP_HOSTMEM_H

#include <linux/types.h>

struct drm_mm_node;
struct vxp_device;

int vxp_hostmem_alloc(struct vxp_device *vxp, struct drm_mm_node *node,
		      u64 size);
void vxp_hostmem_free(struct vxp_device *vxp, struct drm_mm_node *node);

#endif /* VXP_HOSTMEM_H */
