// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: observation (OA and EU stall sampling), not offered.
 *
 * Observation streams read counters of the whole GPU: what every other
 * guest and the host run on it shows up in them. xe keeps them from SR-IOV
 * virtual functions for that reason (xe_oa_init() and
 * xe_eu_stall_supported_on_platform() skip VFs), and this function, which
 * shares the GPU the same way, answers as a VF does: no OA units in the
 * query, no EU stall query, and -ENODEV for every observation stream after
 * xe_observation_ioctl()'s own argument checks. User space (Mesa's perf
 * queries, IGT's xe_oa) then sees a GPU without observation.
 */
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "vxp_drv.h"
#include "vxp_observation.h"
#include "vxp_uapi.h"

/**
 * vxp_observation_query() - DEVICE_QUERY of OA_UNITS or EU_STALL
 * @drm: the device
 * @q: the query
 *
 * Return: 0 with an OA unit list of none, -ENODEV for EU stall, -EINVAL for
 * a size that is not the list's, or -EFAULT.
 */
int vxp_observation_query(struct drm_device *drm, struct drm_xe_device_query *q)
{
	struct drm_xe_query_oa_units none = { .num_oa_units = 0 };

	if (q->query == DRM_XE_DEVICE_QUERY_EU_STALL)
		return -ENODEV;
	if (!q->size) {
		q->size = sizeof(none);
		return 0;
	}
	if (VXP_IOCTL_DBG(drm, q->size != sizeof(none)))
		return -EINVAL;
	if (copy_to_user(u64_to_user_ptr(q->data), &none, sizeof(none)))
		return -EFAULT;
	return 0;
}

/**
 * vxp_observation_ioctl() - DRM_IOCTL_XE_OBSERVATION
 * @drm: the device
 * @data: struct drm_xe_observation_param
 * @file: the caller
 *
 * Return: -EINVAL for what xe_observation_ioctl() refuses (extensions, an
 * unknown type or operation), else -ENODEV.
 */
int vxp_observation_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct drm_xe_observation_param *arg = data;
	bool bad;

	if (VXP_IOCTL_DBG(drm, arg->extensions))
		return -EINVAL;
	switch (arg->observation_type) {
	case DRM_XE_OBSERVATION_TYPE_OA:	/* xe_oa_ioctl()'s operations */
		bad = VXP_IOCTL_DBG(drm, arg->observation_op >
				    DRM_XE_OBSERVATION_OP_REMOVE_CONFIG);
		break;
	case VXP_OBSERVATION_TYPE_EU_STALL:	/* xe_eu_stall_ioctl()'s */
		bad = VXP_IOCTL_DBG(drm, arg->observation_op !=
				    DRM_XE_OBSERVATION_OP_STREAM_OPEN);
		break;
	default:
		bad = VXP_IOCTL_DBG(drm, arg->observation_type >
				    VXP_OBSERVATION_TYPE_EU_STALL);
		break;
	}
	if (bad)
		return -EINVAL;
	drm_dbg(drm, "observation type %llu: the GPU's counters are not shared with guests\n",
		arg->observation_type);
	return -ENODEV;
}
