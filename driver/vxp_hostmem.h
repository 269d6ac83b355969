/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the host-visible window, a cache of BO mappings
 * (vxp_hostmem.c).
 */
#ifndef VXP_HOSTMEM_H
#define VXP_HOSTMEM_H

#include <linux/list.h>
#include <linux/types.h>

#include <drm/drm_mm.h>

struct seq_file;
struct vxp_bo;
struct vxp_device;

/**
 * struct vxp_hv_map - a BO's pages in the host-visible window
 * @node: where in the window (&vxp_device.hv_mm)
 * @lru: on &vxp_device.hv_lru, least recently used first
 * @scan_link: on an eviction scan's list of candidates
 * @bo: the BO; the mapping never outlives it
 * @offset: first byte of the BO mapped
 * @size: bytes mapped
 * @memtype: the ioremap that reserves the range's caching (x86 PAT)
 * @res_id: the resource mapped: the BO's own, or a slice of it
 * @map_info: VIRTIO_GPU_MAP_CACHE_* the host reported
 * @pins: faults and dma-buf importers using it; never evicted while set
 * @whole: maps the BO's own resource, all of it
 *
 * All of it is protected by &vxp_device.hv_lock.
 */
struct vxp_hv_map {
	struct drm_mm_node node;
	struct list_head lru;
	struct list_head scan_link;
	struct vxp_bo *bo;
	u64 offset;
	u64 size;
	void __iomem *memtype;
	u32 res_id;
	u32 map_info;
	unsigned int pins;
	bool whole;
};

void vxp_hostmem_init(struct vxp_device *vxp);
int vxp_hostmem_alloc(struct vxp_device *vxp, struct drm_mm_node *node,
		      u64 size);
void vxp_hostmem_free(struct vxp_device *vxp, struct drm_mm_node *node);
bool vxp_hostmem_mappable(struct vxp_bo *bo);
struct vxp_hv_map *vxp_hostmem_map(struct vxp_bo *bo, u64 offset, bool whole);
void vxp_hostmem_unpin(struct vxp_device *vxp, struct vxp_hv_map *m);
void vxp_hostmem_bo_release(struct vxp_bo *bo);
void vxp_hostmem_show(struct vxp_device *vxp, struct seq_file *m);

#endif /* VXP_HOSTMEM_H */
