// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: DRM_IOCTL_XE_DEVICE_QUERY.
 *
 * Argument checks and the size protocol (size 0 asks for the size, any other
 * size must match exactly) follow drivers/gpu/drm/xe/xe_query.c. Answers
 * that never change are cached per device after the first host round trip.
 * MEM_REGIONS is clamped to the host-visible window, the only memory the
 * guest can map, and ENGINE_CYCLES is moved into the guest's clock.
 */
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_exec_queue.h"
#include "vxp_observation.h"
#include "vxp_query.h"
#include "vxp_uapi.h"

/* Queries whose answer is fixed for the life of the device. */
static bool vxp_query_static(u32 query)
{
	switch (query) {
	case DRM_XE_DEVICE_QUERY_ENGINES:
	case DRM_XE_DEVICE_QUERY_CONFIG:
	case DRM_XE_DEVICE_QUERY_GT_LIST:
	case DRM_XE_DEVICE_QUERY_HWCONFIG:
	case DRM_XE_DEVICE_QUERY_GT_TOPOLOGY:
		return true;
	default:
		return false;
	}
}

/*
 * Ask the host. @in (size bytes, may be NULL) is the query's input, sent
 * only when the host has DEVICE_QUERY_EXT. On success *@out holds @size
 * bytes (kvfree it) or, with @size 0, nothing; *@host_size is the size the
 * host driver reported.
 *
 * @size comes from the caller and is bounded before anything is allocated:
 * the host answers at most XE_PROXY_MAX_QUERY_SIZE bytes, and no answer
 * of xe is that large, so a larger size (or one larger than the response
 * slot) is a size xe could not fill either: -EINVAL, as the size checks of
 * the query functions in xe_query.c return.
 */
static int vxp_query_host(struct vxp_context *ctx, u32 query, u32 size,
			  const void *in, void **out, u32 *host_size)
{
	struct xe_proxy_ccmd_device_query_ext_req *ext = NULL;
	struct xe_proxy_ccmd_device_query_req base = { };
	struct xe_proxy_ccmd_device_query_rsp *rsp;
	struct xe_proxy_ccmd_req *req = &base.hdr;
	size_t rsp_len;
	int ret;

	if (VXP_IOCTL_DBG(ctx->vxp, size > XE_PROXY_MAX_QUERY_SIZE))
		return -EINVAL;
	rsp_len = sizeof(*rsp) + ALIGN(size, 8);
	rsp = kvzalloc(rsp_len, GFP_KERNEL);
	if (!rsp)
		return -ENOMEM;
	if (in && (ctx->vxp->features & XE_PROXY_F_ENGINE_CYCLES)) {
		size_t len = sizeof(*ext) + ALIGN(size, 8);

		ext = kzalloc(len, GFP_KERNEL);
		if (!ext) {
			kvfree(rsp);
			return -ENOMEM;
		}
		ext->hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_DEVICE_QUERY_EXT, len);
		ext->query = cpu_to_le32(query);
		ext->size = cpu_to_le32(size);
		ext->in_size = cpu_to_le32(size);
		memcpy(ext->payload, in, size);
		req = &ext->hdr;
	} else {
		base.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_DEVICE_QUERY, sizeof(base));
		base.query = cpu_to_le32(query);
		base.size = cpu_to_le32(size);
	}

	ret = vxp_ccmd_send(ctx, req, rsp, rsp_len);
	kfree(ext);
	if (VXP_IOCTL_DBG(ctx->vxp, ret == -E2BIG))
		ret = -EINVAL;	/* more than the response slot holds */
	if (!ret && le32_to_cpu(rsp->ret))
		ret = vxp_rsp_errno(rsp->ret);
	if (ret) {
		kvfree(rsp);
		return ret;
	}
	*host_size = le32_to_cpu(rsp->size);
	if (size) {
		*out = kvmalloc(size, GFP_KERNEL);
		if (!*out) {
			kvfree(rsp);
			return -ENOMEM;
		}
		memcpy(*out, rsp->payload, size);
	}
	kvfree(rsp);
	return 0;
}

/*
 * Never advertise more than the guest can map through the host window: a
 * host without slices maps BOs whole, so none can outgrow the window. With
 * slices the window is a cache (vxp_hostmem.c) and limits nothing.
 */
static void vxp_query_clamp_mem_regions(struct vxp_device *vxp, void *data,
					u32 size)
{
	struct drm_xe_query_mem_regions *mr = data;
	u32 i, n;

	if (size < sizeof(*mr) || (vxp->features & XE_PROXY_F_BLOB_SLICE))
		return;
	n = min_t(u32, mr->num_mem_regions,
		  (size - sizeof(*mr)) / sizeof(mr->mem_regions[0]));
	for (i = 0; i < n; i++) {
		struct drm_xe_mem_region *r = &mr->mem_regions[i];

		r->total_size = min_t(u64, r->total_size, vxp->hv.len);
		r->cpu_visible_size = min_t(u64, r->cpu_visible_size, vxp->hv.len);
		r->used = min(r->used, r->total_size);
		r->cpu_visible_used = min(r->cpu_visible_used, r->cpu_visible_size);
	}
}

/* The guest clock of an ENGINE_CYCLES clockid and its vxp_clock_sync slot. */
static int vxp_clock_ns(s32 clockid, u64 *ns)
{
	switch (clockid) {
	case CLOCK_MONOTONIC:
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_MONOTONIC_RAW:
		*ns = ktime_get_raw_ns();
		return 1;
	case CLOCK_REALTIME:
		*ns = ktime_get_real_ns();
		return 2;
	case CLOCK_BOOTTIME:
		*ns = ktime_get_boottime_ns();
		return 3;
	case CLOCK_TAI:
		*ns = ktime_get_clocktai_ns();
		return 4;
	default:
		return -EINVAL;	/* as __ktime_func_for_clock() in xe_query.c */
	}
}

/*
 * Capabilities the proxy cannot pass on: CPU address mirroring binds host
 * memory, which the host refuses to a guest.
 */
static void vxp_query_fixup_config(void *data, u32 size)
{
#ifdef DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR
	struct drm_xe_query_config *config = data;

	if (size >= struct_size(config, info, DRM_XE_QUERY_CONFIG_FLAGS + 1) &&
	    config->num_params > DRM_XE_QUERY_CONFIG_FLAGS)
		config->info[DRM_XE_QUERY_CONFIG_FLAGS] &=
			~(u64)DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR;
#endif
}

/*
 * The highest exec queue priority depends on the caller, as in
 * xe_exec_queue_device_get_max_priority(); the cached answer has the host's.
 */
static int vxp_query_put_config_priority(void __user *uptr, const void *cached,
					 u32 size)
{
	const struct drm_xe_query_config *config = cached;
	struct drm_xe_query_config __user *user = uptr;
	const u32 i = DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY;
	u64 prio;

	if (size < struct_size(config, info, i + 1) || config->num_params <= i)
		return 0;
	prio = min(config->info[i], vxp_exec_queue_max_priority());
	return put_user(prio, &user->info[i]) ? -EFAULT : 0;
}

/* An offset estimate is replaced by a tighter one, or once it is this old. */
#define VXP_CLOCK_SYNC_MAX_AGE_NS	NSEC_PER_SEC

/*
 * The host sampled cpu_timestamp in its own clock, next to engine_cycles.
 * The guest's clock of the same id, read around the round trip, gives the
 * offset between the two clocks to within that round trip. Converting with
 * the tightest recent offset, instead of each query's own midpoint, keeps
 * the round trip's jitter out of consecutive answers: the CPU and engine
 * deltas between two queries then agree as on bare metal. cpu_delta grows
 * to the offset's error, so it still bounds the answer as the uAPI says.
 */
static void vxp_clock_convert(struct vxp_device *vxp, int slot, u64 t0, u64 t1,
			      struct drm_xe_query_engine_cycles *out)
{
	struct vxp_clock_sync *cs = &vxp->clock_sync[slot];
	u64 now = ktime_get_ns();
	s64 offset = (s64)(t0 + (t1 - t0) / 2 - out->cpu_timestamp);

	mutex_lock(&vxp->query_lock);
	if (!cs->measured || t1 - t0 <= cs->error ||
	    now - cs->measured > VXP_CLOCK_SYNC_MAX_AGE_NS) {
		cs->offset = offset;
		cs->error = t1 - t0;
		cs->measured = now;
	}
	out->cpu_timestamp += cs->offset;
	out->cpu_delta = max(out->cpu_delta, cs->error);
	mutex_unlock(&vxp->query_lock);
}

static int vxp_query_engine_cycles(struct vxp_context *ctx, void __user *uptr,
				   u32 size)
{
	struct drm_xe_query_engine_cycles in, *out = NULL;
	u64 t0, t1;
	u32 host_size;
	int slot, ret;

	if (VXP_IOCTL_DBG(ctx->vxp, size != sizeof(in)))
		return -EINVAL;
	/* The base protocol cannot carry the engine and clock to sample. */
	if (VXP_IOCTL_DBG(ctx->vxp,
			  !(ctx->vxp->features & XE_PROXY_F_ENGINE_CYCLES)))
		return -EOPNOTSUPP;
	if (copy_from_user(&in, uptr, sizeof(in)))
		return -EFAULT;
	slot = vxp_clock_ns(in.clockid, &t0);
	if (VXP_IOCTL_DBG(ctx->vxp, slot < 0))
		return slot;
	ret = vxp_query_host(ctx, DRM_XE_DEVICE_QUERY_ENGINE_CYCLES, size, &in,
			     (void **)&out, &host_size);
	vxp_clock_ns(in.clockid, &t1);
	if (ret)
		return ret;
	vxp_clock_convert(ctx->vxp, slot, t0, t1, out);
	ret = copy_to_user(uptr, out, size) ? -EFAULT : 0;
	kvfree(out);
	return ret;
}

/*
 * UC_FW_VERSION reads which firmware to report (and pads that must be zero)
 * from the caller's buffer: the host driver validates and answers that input,
 * so it is neither answered nor cached here.
 */
static int vxp_query_uc_fw_version(struct vxp_context *ctx, void __user *uptr,
				   u32 size)
{
	struct drm_xe_query_uc_fw_version in, *out = NULL;
	u32 host_size;
	int ret;

	if (VXP_IOCTL_DBG(ctx->vxp, size != sizeof(in)))
		return -EINVAL;
	if (copy_from_user(&in, uptr, sizeof(in)))
		return -EFAULT;
	/* The base protocol sends no input: it can only ask for GuC's. */
	if (VXP_IOCTL_DBG(ctx->vxp,
			  !(ctx->vxp->features & XE_PROXY_F_ENGINE_CYCLES) &&
			  (in.uc_type != XE_QUERY_UC_TYPE_GUC_SUBMISSION ||
			   in.pad || in.pad2 || in.reserved)))
		return -EOPNOTSUPP;
	ret = vxp_query_host(ctx, DRM_XE_DEVICE_QUERY_UC_FW_VERSION, size, &in,
			     (void **)&out, &host_size);
	if (ret)
		return ret;
	ret = copy_to_user(uptr, out, size) ? -EFAULT : 0;
	kvfree(out);
	return ret;
}

/**
 * vxp_query_ioctl() - DRM_IOCTL_XE_DEVICE_QUERY
 * @drm: the device
 * @data: struct drm_xe_device_query
 * @file: the caller
 *
 * Return: 0 or a negative errno, as the real driver's.
 */
int vxp_query_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vxp_device *vxp = to_vxp(drm);
	struct drm_xe_device_query *q = data;
	void __user *uptr = u64_to_user_ptr(q->data);
	struct vxp_context *ctx;
	void *answer = NULL;
	u32 idx, host_size;
	int ret;

	if (VXP_IOCTL_DBG(drm, q->extensions) ||
	    VXP_IOCTL_DBG(drm, q->reserved[0] || q->reserved[1]) ||
	    VXP_IOCTL_DBG(drm, q->query >= VXP_QUERY_TYPES))
		return -EINVAL;
	idx = array_index_nospec(q->query, VXP_QUERY_TYPES);
	if (idx == DRM_XE_DEVICE_QUERY_OA_UNITS || idx == DRM_XE_DEVICE_QUERY_EU_STALL)
		return vxp_observation_query(drm, q);

	/* xe fails every call once its device is gone, checks or not */
	ret = vxp_file_host_lost(file);
	if (ret)
		return ret;
	mutex_lock(&vxp->query_lock);
	if (vxp->query_cache[idx]) {
		ret = 0;
		if (!q->size)
			q->size = vxp->query_size[idx];
		else if (VXP_IOCTL_DBG(vxp, q->size != vxp->query_size[idx]))
			ret = -EINVAL;
		else if (copy_to_user(uptr, vxp->query_cache[idx], q->size))
			ret = -EFAULT;
		else if (idx == DRM_XE_DEVICE_QUERY_CONFIG)
			ret = vxp_query_put_config_priority(uptr, vxp->query_cache[idx],
							    q->size);
		mutex_unlock(&vxp->query_lock);
		return ret;
	}
	mutex_unlock(&vxp->query_lock);

	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	if (idx == DRM_XE_DEVICE_QUERY_ENGINE_CYCLES && q->size)
		return vxp_query_engine_cycles(ctx, uptr, q->size);
	if (idx == DRM_XE_DEVICE_QUERY_UC_FW_VERSION && q->size)
		return vxp_query_uc_fw_version(ctx, uptr, q->size);

	if (!vxp_query_static(idx) || !q->size) {
		/* Dynamic answers, or a size probe: one round trip. */
		ret = vxp_query_host(ctx, idx, q->size, NULL, &answer, &host_size);
		if (ret)
			return ret;
		if (!q->size) {
			q->size = host_size;
			return 0;
		}
		if (idx == DRM_XE_DEVICE_QUERY_MEM_REGIONS)
			vxp_query_clamp_mem_regions(vxp, answer, q->size);
		ret = copy_to_user(uptr, answer, q->size) ? -EFAULT : 0;
		kvfree(answer);
		return ret;
	}

	/* A static query with a size: fetch and cache the whole answer. */
	ret = vxp_query_host(ctx, idx, q->size, NULL, &answer, &host_size);
	if (ret)
		return ret;
	if (idx == DRM_XE_DEVICE_QUERY_CONFIG)
		vxp_query_fixup_config(answer, q->size);
	mutex_lock(&vxp->query_lock);
	if (!vxp->query_cache[idx]) {
		vxp->query_cache[idx] = answer;
		vxp->query_size[idx] = q->size;
		answer = NULL;
	}
	mutex_unlock(&vxp->query_lock);
	kvfree(answer);
	if (copy_to_user(uptr, vxp->query_cache[idx], q->size))
		return -EFAULT;
	if (idx == DRM_XE_DEVICE_QUERY_CONFIG)
		return vxp_query_put_config_priority(uptr, vxp->query_cache[idx],
						     q->size);
	return 0;
}

/**
 * vxp_query_cache_free() - drop the cached answers
 * @vxp: the device
 */
void vxp_query_cache_free(struct vxp_device *vxp)
{
	int i;

	for (i = 0; i < VXP_QUERY_TYPES; i++) {
		kvfree(vxp->query_cache[i]);
		vxp->query_cache[i] = NULL;
	}
}
