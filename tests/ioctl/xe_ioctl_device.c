// SPDX-License-Identifier: MIT
/*
 * The device as a whole: DRM version and caps, and DEVICE_QUERY
 * (xe_query.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xe_ioctl.h"

KT_CASE(xe_dev, version_name_is_xe)
{
	char name[16] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_VERSION, &v));
	KT_ASSERT_TRUE(!strcmp(name, "xe"));
}

static void expect_cap(int fd, uint64_t capability)
{
	struct drm_get_cap cap = { .capability = capability };

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_GET_CAP, &cap));
	KT_ASSERT_EQ(cap.value, 1);
}

KT_CASE(xe_dev, cap_syncobj)
{
	expect_cap(f->fd, DRM_CAP_SYNCOBJ);
}

KT_CASE(xe_dev, cap_syncobj_timeline)
{
	expect_cap(f->fd, DRM_CAP_SYNCOBJ_TIMELINE);
}

/* Query @q answers with a non-empty payload. */
static void expect_query(int fd, uint32_t q)
{
	uint32_t size = 0;
	void *data;
	int ret = xe_query(fd, q, &data, &size);

	free(data);
	KT_ASSERT_OK(ret);
	KT_ASSERT_NE(size, 0);
}

KT_CASE(xe_dev, query_engines)
{
	expect_query(f->fd, DRM_XE_DEVICE_QUERY_ENGINES);
}

KT_CASE(xe_dev, query_mem_regions)
{
	expect_query(f->fd, DRM_XE_DEVICE_QUERY_MEM_REGIONS);
}

KT_CASE(xe_dev, query_config)
{
	expect_query(f->fd, DRM_XE_DEVICE_QUERY_CONFIG);
}

KT_CASE(xe_dev, query_gt_list)
{
	expect_query(f->fd, DRM_XE_DEVICE_QUERY_GT_LIST);
}

KT_CASE(xe_dev, query_hwconfig)
{
	expect_query(f->fd, DRM_XE_DEVICE_QUERY_HWCONFIG);
}

KT_CASE(xe_dev, query_gt_topology)
{
	expect_query(f->fd, DRM_XE_DEVICE_QUERY_GT_TOPOLOGY);
}

/* Only the size: the data needs a uC type in the request. */
KT_CASE(xe_dev, query_uc_fw_version_size)
{
	struct drm_xe_device_query s = { .query = DRM_XE_DEVICE_QUERY_UC_FW_VERSION };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &s));
	KT_ASSERT_NE(s.size, 0);
}

KT_CASE(xe_dev, query_config_va_bits)
{
	struct drm_xe_query_config *cfg;
	uint32_t size;
	int ret = xe_query(f->fd, DRM_XE_DEVICE_QUERY_CONFIG, (void **)&cfg, &size);
	uint64_t num_params = ret ? 0 : cfg->num_params;
	uint64_t va_bits = num_params > DRM_XE_QUERY_CONFIG_VA_BITS ?
			   cfg->info[DRM_XE_QUERY_CONFIG_VA_BITS] : 0;

	if (!ret)
		kt_diag("device 8086:%04llx", (unsigned long long)
			(cfg->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff));
	free(cfg);
	KT_ASSERT_OK(ret);
	KT_ASSERT_TRUE(num_params > DRM_XE_QUERY_CONFIG_VA_BITS);
	KT_ASSERT_TRUE(va_bits >= 39);
}

/* The fixture found it already; this case names the requirement. */
KT_CASE(xe_dev, query_mem_regions_sysmem)
{
	KT_ASSERT_NE(f->placement, 0);
}

KT_CASE(xe_dev, query_engine_cycles)
{
	struct drm_xe_query_engine_cycles cycles = {
		.eci = { .engine_class = DRM_XE_ENGINE_CLASS_RENDER },
		.clockid = CLOCK_MONOTONIC,
	};
	struct drm_xe_device_query dq = { .query = DRM_XE_DEVICE_QUERY_ENGINE_CYCLES,
					  .size = sizeof(cycles),
					  .data = (uintptr_t)&cycles };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq));
	KT_ASSERT_NE(cycles.engine_cycles, 0);
	KT_ASSERT_NE(cycles.cpu_timestamp, 0);
	KT_ASSERT_NE(cycles.width, 0);
}

KT_CASE(xe_dev, query_wrong_size_einval)
{
	uint64_t buf[8];
	struct drm_xe_device_query dq = { .query = DRM_XE_DEVICE_QUERY_CONFIG,
					  .size = 8, .data = (uintptr_t)buf };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq), EINVAL);
}

KT_CASE(xe_dev, query_unknown_einval)
{
	struct drm_xe_device_query dq = { .query = 0xffff };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq), EINVAL);
}

KT_CASE(xe_dev, query_extensions_einval)
{
	struct drm_xe_device_query dq = { .query = DRM_XE_DEVICE_QUERY_CONFIG,
					  .extensions = 1 };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq), EINVAL);
}

KT_CASE(xe_dev, query_reserved_einval)
{
	struct drm_xe_device_query dq = { .query = DRM_XE_DEVICE_QUERY_CONFIG,
					  .reserved = { 1 } };

	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq), EINVAL);
}

KT_CASE(xe_dev, query_bad_pointer_efault)
{
	struct drm_xe_device_query dq = { .query = DRM_XE_DEVICE_QUERY_CONFIG };

	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq));
	dq.data = 8;	/* an unmapped user address */
	KT_ASSERT_ERR(xioctl(f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &dq), EFAULT);
}

/*
 * Exec queue priority above NORMAL needs CAP_SYS_NICE, and the config query
 * says so per caller (xe_exec_queue_device_get_max_priority()).
 */
KT_CASE(xe_dev, config_max_priority_high_as_root)
{
	struct drm_xe_query_config *cfg;
	uint32_t size;
	int ret = xe_query(f->fd, DRM_XE_DEVICE_QUERY_CONFIG, (void **)&cfg, &size);
	uint64_t prio = ret ? 0 : cfg->info[DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY];

	free(cfg);
	KT_ASSERT_OK(ret);
	KT_ASSERT_EQ(prio, 2);
}
