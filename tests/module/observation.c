// SPDX-License-Identifier: MIT
/*
 * Guest test: the function offers no observation, as xe's SR-IOV virtual
 * functions do not (driver/vxp_observation.c says why): OA_UNITS lists no
 * unit, EU_STALL is ENODEV, and every OA or EU stall stream operation is
 * ENODEV once xe_observation_ioctl()'s own argument checks pass (those stay
 * EINVAL). Guest only: the simulator stands for a whole GPU. Prints KTAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <drm/xe_drm.h>

#include "ktap.h"
#include "xioctl.h"

static int fd;

static int observe(uint64_t type, uint64_t op, uint64_t ext)
{
	uint64_t props[8] = { 0 };
	struct drm_xe_observation_param p = { .extensions = ext,
		.observation_type = type, .observation_op = op,
		.param = (uintptr_t)props };

	return xioctl(fd, DRM_IOCTL_XE_OBSERVATION, &p);
}

int main(int argc, char **argv)
{
	struct drm_xe_query_oa_units oa;
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_OA_UNITS };
	int ret;

	ktap_header(10);
	fd = open(argc > 1 ? argv[1] : "/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("Bail out! no xe node\n");
		return 1;
	}
	ktap_test(!xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) && q.size == sizeof(oa),
		  "oa_units_size_is_an_empty_list");
	memset(&oa, 0xa5, sizeof(oa));
	q.data = (uintptr_t)&oa;
	ktap_test(!xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) && oa.num_oa_units == 0 &&
		  oa.pad == 0, "oa_units_none");
	q.size = sizeof(oa) + 8;
	ktap_test(xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) == -EINVAL, "oa_units_wrong_size_einval");
	q = (struct drm_xe_device_query){ .query = DRM_XE_DEVICE_QUERY_EU_STALL };
	ret = xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	ktap_test(ret == -ENODEV, "eu_stall_query_enodev");

	ktap_test(observe(DRM_XE_OBSERVATION_TYPE_OA, DRM_XE_OBSERVATION_OP_STREAM_OPEN, 0) ==
		  -ENODEV, "oa_stream_open_enodev");
	ktap_test(observe(DRM_XE_OBSERVATION_TYPE_OA, DRM_XE_OBSERVATION_OP_ADD_CONFIG, 0) ==
		  -ENODEV && observe(DRM_XE_OBSERVATION_TYPE_OA,
				     DRM_XE_OBSERVATION_OP_REMOVE_CONFIG, 0) == -ENODEV,
		  "oa_configs_enodev");
	ktap_test(observe(DRM_XE_OBSERVATION_TYPE_EU_STALL, DRM_XE_OBSERVATION_OP_STREAM_OPEN,
			  0) == -ENODEV, "eu_stall_stream_open_enodev");
	ktap_test(observe(DRM_XE_OBSERVATION_TYPE_OA, 3, 0) == -EINVAL &&
		  observe(DRM_XE_OBSERVATION_TYPE_EU_STALL, DRM_XE_OBSERVATION_OP_ADD_CONFIG,
			  0) == -EINVAL, "observation_unknown_op_einval");
	ktap_test(observe(7, DRM_XE_OBSERVATION_OP_STREAM_OPEN, 0) == -EINVAL,
		  "observation_unknown_type_einval");
	ktap_test(observe(DRM_XE_OBSERVATION_TYPE_OA, DRM_XE_OBSERVATION_OP_STREAM_OPEN, 8) ==
		  -EINVAL, "observation_extensions_einval");
	close(fd);
	return ktap_finish();
}
