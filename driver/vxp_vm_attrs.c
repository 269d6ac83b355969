// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: memory attributes of VM ranges and what a VM reports.
 *
 * MADVISE, VM_QUERY_MEM_RANGE_ATTRS and VM_GET_PROPERTY all name a VM and
 * are answered by the host driver, whose mappings and fault list are the
 * truth; the guest checks arguments in the order xe_vm.c and
 * xe_vm_madvise.c do, so a bad call fails here with the same errno.
 */
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_uapi.h"
#include "vxp_vm.h"
#include "vxp_vm_attrs.h"

/**
 * vxp_madvise_ioctl() - DRM_IOCTL_XE_MADVISE
 * @drm: the device
 * @data: struct drm_xe_madvise
 * @file: the caller
 *
 * Forwarded as XE_PROXY_CCMD_MADVISE. Attributes that name something only
 * the guest has (a device fd as preferred location, PURGEABLE_STATE's
 * retained_ptr) cannot go to the host: -EOPNOTSUPP.
 *
 * Return: 0 or a negative errno (-EINVAL for an unknown VM, as
 * xe_vm_madvise.c).
 */
int vxp_madvise_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_xe_madvise *args = data;
	struct xe_proxy_ccmd_madvise_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_MADVISE, sizeof(req)),
		.start = cpu_to_le64(args->start),
		.range = cpu_to_le64(args->range),
		.vm_id = cpu_to_le32(args->vm_id),
		.type = cpu_to_le32(args->type),
	};
	struct xe_proxy_ccmd_status_rsp rsp;
	struct vxp_context *ctx;
	struct {
		u32 arg0, arg1;
		u64 arg2;
	} words;
	s32 loc;
	int ret;

	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (VXP_IOCTL_DBG(drm, !(ctx->vxp->features & XE_PROXY_F_MADVISE)))
		return -EOPNOTSUPP;
	if (VXP_IOCTL_DBG(drm, !xa_load(&ctx->vms, args->vm_id)))
		return -EINVAL;
	/* the host request has no room for them; xe refuses them anyway */
	if (VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]))
		return -EINVAL;
	/* the attribute union: three words whatever the type */
	BUILD_BUG_ON(sizeof(args->atomic) != sizeof(words));
	memcpy(&words, &args->atomic, sizeof(words));
	loc = words.arg0;
	if (VXP_IOCTL_DBG(drm, args->type > DRM_XE_MEM_RANGE_ATTR_PAT ||
			  (args->type == DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC &&
			   loc != DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE &&
			   loc != DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM))) {
		drm_dbg(drm, "MADVISE: attribute %u (location %d) has no host equivalent\n",
			args->type, loc);
		return -EOPNOTSUPP;
	}
	req.arg0 = cpu_to_le32(words.arg0);
	req.arg1 = cpu_to_le32(words.arg1);
	req.arg2 = cpu_to_le64(words.arg2);
	ret = vxp_ccmd_send(ctx, &req.hdr, &rsp, sizeof(rsp));
	if (!ret && rsp.ret)
		ret = vxp_rsp_errno(rsp.ret);
	return ret;
}

/* One round trip of VM_QUERY_ATTRS into @rsp, checked for sanity. */
static int vxp_vm_query_attrs(struct vxp_context *ctx, u32 vm_id, u64 start,
			      u64 range, u32 max,
			      struct xe_proxy_ccmd_vm_query_attrs_rsp *rsp)
{
	struct xe_proxy_ccmd_vm_query_attrs_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_VM_QUERY_ATTRS, sizeof(req)),
		.start = cpu_to_le64(start),
		.range = cpu_to_le64(range),
		.vm_id = cpu_to_le32(vm_id),
		.max_ranges = cpu_to_le32(max),
	};
	u32 count;
	int ret;

	ret = vxp_ccmd_send(ctx, &req.hdr, rsp,
			    struct_size(rsp, ranges, max));
	if (ret)
		return ret;
	if (rsp->ret)
		return vxp_rsp_errno(rsp->ret);
	count = le32_to_cpu(rsp->count);
	if (count > max || count > le32_to_cpu(rsp->num_ranges)) {
		drm_err_ratelimited(ctx->vxp->drm,
				    "VM_QUERY_ATTRS: host sent %u of %u ranges, asked for %u\n",
				    count, le32_to_cpu(rsp->num_ranges), max);
		return -EPROTO;
	}
	return 0;
}

/**
 * vxp_vm_query_mem_range_attrs_ioctl() - DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS
 * @drm: the device
 * @data: struct drm_xe_vm_query_mem_range_attr
 * @file: the caller
 *
 * With @num_mem_ranges 0 the host's count of mappings in the range is
 * returned. Otherwise the attributes are fetched XE_PROXY_MAX_MEM_RANGES
 * at a time, each round starting at the end of the last range received,
 * and copied out; more mappings than @num_mem_ranges is -ENOSPC, as in
 * xe_vm_query_vmas_attrs_ioctl(), and the caller counts again. Nothing
 * here is sized by @num_mem_ranges, but xe allocates an array of that
 * many first, which fails above INT_MAX bytes: -ENOBUFS, as there.
 *
 * Return: 0 or a negative errno.
 */
int vxp_vm_query_mem_range_attrs_ioctl(struct drm_device *drm, void *data,
				       struct drm_file *file)
{
	struct drm_xe_vm_query_mem_range_attr *args = data;
	struct drm_xe_mem_range_attr __user *uattrs =
		u64_to_user_ptr(args->vector_of_mem_attr);
	struct xe_proxy_ccmd_vm_query_attrs_rsp *rsp;
	u64 start = args->start, end = args->start + args->range;
	u32 want = args->num_mem_ranges, got = 0, count, i;
	struct vxp_context *ctx;
	int ret;

	/* xe_vm_query_vmas_attrs_ioctl()'s checks */
	if (VXP_IOCTL_DBG(drm, !want && (args->vector_of_mem_attr ||
					 args->sizeof_mem_range_attr)) ||
	    VXP_IOCTL_DBG(drm, want && (!args->vector_of_mem_attr ||
					args->sizeof_mem_range_attr !=
					sizeof(struct drm_xe_mem_range_attr))))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (VXP_IOCTL_DBG(drm, !(ctx->vxp->features & XE_PROXY_F_VM_QUERY_ATTRS)))
		return -EOPNOTSUPP;
	if (VXP_IOCTL_DBG(drm, !xa_load(&ctx->vms, args->vm_id)))
		return -EINVAL;
	if (VXP_IOCTL_DBG(drm, want > INT_MAX / sizeof(struct drm_xe_mem_range_attr)))
		return -ENOBUFS;
	rsp = kvmalloc(struct_size(rsp, ranges, XE_PROXY_MAX_MEM_RANGES),
		       GFP_KERNEL);
	if (!rsp)
		return -ENOMEM;
	for (;;) {
		/* [start, end) in u64 arithmetic, as the driver sums them */
		ret = vxp_vm_query_attrs(ctx, args->vm_id, start, end - start,
					 min_t(u32, want - got, XE_PROXY_MAX_MEM_RANGES),
					 rsp);
		if (ret)
			break;
		if (!want) {
			args->num_mem_ranges = le32_to_cpu(rsp->num_ranges);
			args->sizeof_mem_range_attr = sizeof(struct drm_xe_mem_range_attr);
			break;
		}
		if (le32_to_cpu(rsp->num_ranges) > want - got) {
			ret = -ENOSPC;
			break;
		}
		count = le32_to_cpu(rsp->count);
		for (i = 0; i < count; i++) {
			const struct xe_proxy_mem_range_attr *r = &rsp->ranges[i];
			struct drm_xe_mem_range_attr a = {
				.start = le64_to_cpu(r->start),
				.end = le64_to_cpu(r->end),
				.preferred_mem_loc.devmem_fd = le32_to_cpu(r->devmem_fd),
				.preferred_mem_loc.migration_policy =
					le32_to_cpu(r->migration_policy),
				.atomic.val = le32_to_cpu(r->atomic),
				.pat_index.val = le32_to_cpu(r->pat_index),
			};

			if (copy_to_user(&uattrs[got + i], &a, sizeof(a))) {
				ret = -EFAULT;
				goto out;
			}
		}
		got += count;
		if (count == le32_to_cpu(rsp->num_ranges))
			break;
		/* the rest starts where this piece ended, which must move on */
		if (!count || le64_to_cpu(rsp->ranges[count - 1].end) <= start) {
			drm_err_ratelimited(drm, "VM_QUERY_ATTRS: host ranges do not advance\n");
			ret = -EPROTO;
			break;
		}
		start = le64_to_cpu(rsp->ranges[count - 1].end);
	}
	if (!ret && want)
		args->num_mem_ranges = got;
out:
	kvfree(rsp);
	return ret;
}

/**
 * vxp_vm_get_property_ioctl() - DRM_IOCTL_XE_VM_GET_PROPERTY
 * @drm: the device
 * @data: struct drm_xe_vm_get_property
 * @file: the caller
 *
 * The property (the VM's fault list) lives in the host driver. A size
 * above XE_PROXY_MAX_VM_PROPERTY_SIZE is more than xe ever records, so it
 * is -EINVAL here as it would be there.
 *
 * Return: 0 or a negative errno (-ENOENT for an unknown VM).
 */
int vxp_vm_get_property_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_xe_vm_get_property *args = data;
	struct xe_proxy_ccmd_vm_get_property_req req = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_VM_GET_PROPERTY, sizeof(req)),
		.vm_id = cpu_to_le32(args->vm_id),
		.property = cpu_to_le32(args->property),
		.size = cpu_to_le32(args->size),
	};
	struct xe_proxy_ccmd_vm_get_property_rsp *rsp;
	struct vxp_context *ctx;
	size_t rsp_len;
	int ret;

	if (VXP_IOCTL_DBG(drm, args->extensions) ||
	    VXP_IOCTL_DBG(drm, args->pad) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1] ||
			  args->reserved[2]))
		return -EINVAL;
	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (VXP_IOCTL_DBG(drm, !(ctx->vxp->features & XE_PROXY_F_VM_GET_PROPERTY)))
		return -EOPNOTSUPP;
	if (VXP_IOCTL_DBG(drm, !xa_load(&ctx->vms, args->vm_id)))
		return -ENOENT;
	if (VXP_IOCTL_DBG(drm, args->size > XE_PROXY_MAX_VM_PROPERTY_SIZE)) {
		drm_dbg(drm, "VM_GET_PROPERTY: %u bytes is more than a VM reports\n",
			args->size);
		return -EINVAL;
	}
	rsp_len = sizeof(*rsp) + ALIGN(args->size, 8);
	rsp = kzalloc(rsp_len, GFP_KERNEL);
	if (!rsp)
		return -ENOMEM;
	ret = vxp_ccmd_send(ctx, &req.hdr, rsp, rsp_len);
	if (!ret && rsp->ret)
		ret = vxp_rsp_errno(rsp->ret);
	if (!ret && !args->size)
		args->size = le32_to_cpu(rsp->size);
	else if (!ret && copy_to_user(u64_to_user_ptr(args->data), rsp->payload,
				      args->size))
		ret = -EFAULT;
	kfree(rsp);
	return ret;
}
