/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: observation, answered as an SR-IOV VF answers it (vxp_observation.c).
 */
#ifndef VXP_OBSERVATION_H
#define VXP_OBSERVATION_H

struct drm_device;
struct drm_file;
struct drm_xe_device_query;

int vxp_observation_query(struct drm_device *drm, struct drm_xe_device_query *q);
int vxp_observation_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);

#endif /* VXP_OBSERVATION_H */
