// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the allocator of the host-visible window.
 *
 * The device's host-visible shared memory region (vxp->hv, shm id
 * VIRTIO_GPU_SHM_ID_HOST_VISIBLE) is where the host maps blob resources on
 * RESOURCE_MAP_BLOB: the BOs the guest mmaps or exports and each context's
 * shared-memory page. The guest picks the offsets; a drm_mm over the
 * region (vxp->hv_mm, under vxp->hv_lock) hands them out.
 */
#include <linux/mm.h>
#include <linux/mutex.h>

#include <drm/drm_mm.h>

#include "vxp_drv.h"
#include "vxp_hostmem.h"

/**
 * vxp_hostmem_alloc() - reserve room in the host-visible region
 * @vxp: the device
 * @node: the node to fill
 * @size: bytes, page aligned
 *
 * Return: 0, or -ENOSPC when the region is full.
 */
int vxp_hostmem_alloc(struct vxp_device *vxp, struct drm_mm_node *node,
		      u64 size)
{
	int ret;

	mutex_lock(&vxp->hv_lock);
	ret = drm_mm_insert_node_generic(&vxp->hv_mm, node, size, PAGE_SIZE, 0,
					 DRM_MM_INSERT_BEST);
	mutex_unlock(&vxp->hv_lock);
	return ret;
}

/**
 * vxp_hostmem_free() - release room taken by vxp_hostmem_alloc()
 * @vxp: the device
 * @node: the node (may be unallocated)
 */
void vxp_hostmem_free(struct vxp_device *vxp, struct drm_mm_node *node)
{
	mutex_lock(&vxp->hv_lock);
	if (drm_mm_node_allocated(node))
		drm_mm_remove_node(node);
	mutex_unlock(&vxp->hv_lock);
}
