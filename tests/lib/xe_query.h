/* SPDX-License-Identifier: MIT */
/*
 * Device queries the test programs share.
 */
#ifndef TESTS_XE_QUERY_H
#define TESTS_XE_QUERY_H

#include <stdint.h>

#include <drm/xe_drm.h>

#include "xioctl.h"

/* Placement bits of the system-memory regions of the device on @fd, 0 if none. */
static inline uint32_t xe_sysmem_placement(int fd)
{
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_MEM_REGIONS };
	struct drm_xe_query_mem_regions *mr;
	uint64_t buf[512];
	uint32_t mask = 0;

	if (xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) || q.size > sizeof(buf))
		return 0;
	q.data = (uintptr_t)buf;
	if (xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q))
		return 0;
	mr = (void *)buf;
	for (uint32_t i = 0; i < mr->num_mem_regions; i++)
		if (mr->mem_regions[i].mem_class == DRM_XE_MEM_REGION_CLASS_SYSMEM)
			mask |= 1u << mr->mem_regions[i].instance;
	return mask;
}

#endif
