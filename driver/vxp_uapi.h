/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the xe uAPI this driver serves.
 *
 * What the guest can do is decided by the host, not by the guest kernel:
 * an older guest kernel (6.12) still forwards the VM ioctls that later
 * kernels added. Where the kernel's <uapi/drm/xe_drm.h> predates one of
 * them, its numbers and layouts are declared here, as they appear in
 * include/uapi/drm/xe_drm.h of Linux 7.2 (the uAPI only ever grows, so a
 * newer header simply replaces these).
 */
#ifndef VXP_UAPI_H
#define VXP_UAPI_H

#include <uapi/drm/xe_drm.h>

/* DEVICE_QUERY and OBSERVATION type of EU stall sampling (Linux 6.15) */
#ifndef DRM_XE_DEVICE_QUERY_EU_STALL
#define DRM_XE_DEVICE_QUERY_EU_STALL		10
#endif
#define VXP_OBSERVATION_TYPE_EU_STALL		1 /* an enum: no #ifdef */

#ifndef DRM_XE_MADVISE
#define DRM_XE_MADVISE				0x0c
#define DRM_IOCTL_XE_MADVISE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_XE_MADVISE, struct drm_xe_madvise)

#define DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC	0
#define DRM_XE_MEM_RANGE_ATTR_ATOMIC		1
#define DRM_XE_MEM_RANGE_ATTR_PAT		2
#define DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE	0
#define DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM	-1

struct drm_xe_madvise {
	__u64 extensions;
	__u64 start;
	__u64 range;
	__u32 vm_id;
	__u32 type;
	union {
		struct {
			__u32 devmem_fd;
			__u16 migration_policy;
			__u16 region_instance;
			__u64 reserved;
		} preferred_mem_loc;
		struct {
			__u32 val;
			__u32 pad;
			__u64 reserved;
		} atomic;
		struct {
			__u32 val;
			__u32 pad;
			__u64 reserved;
		} pat_index;
	};
	__u64 reserved[2];
};
#endif

#ifndef DRM_XE_VM_QUERY_MEM_RANGE_ATTRS
#define DRM_XE_VM_QUERY_MEM_RANGE_ATTRS		0x0d
#define DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_VM_QUERY_MEM_RANGE_ATTRS, \
		 struct drm_xe_vm_query_mem_range_attr)

struct drm_xe_mem_range_attr {
	__u64 extensions;
	__u64 start;
	__u64 end;
	struct {
		__u32 devmem_fd;
		__u32 migration_policy;
	} preferred_mem_loc;
	struct {
		__u32 val;
		__u32 reserved;
	} atomic;
	struct {
		__u32 val;
		__u32 reserved;
	} pat_index;
	__u64 reserved[2];
};

struct drm_xe_vm_query_mem_range_attr {
	__u64 extensions;
	__u32 vm_id;
	__u32 num_mem_ranges;
	__u64 start;
	__u64 range;
	__u64 sizeof_mem_range_attr;
	__u64 vector_of_mem_attr;
	__u64 reserved[2];
};
#endif

#ifndef DRM_XE_EXEC_QUEUE_SET_PROPERTY
#define DRM_XE_EXEC_QUEUE_SET_PROPERTY		0x0e
#define DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_XE_EXEC_QUEUE_SET_PROPERTY, \
		struct drm_xe_exec_queue_set_property)
#define DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY	5

struct drm_xe_exec_queue_set_property {
	__u64 extensions;
	__u32 exec_queue_id;
	__u32 property;
	__u64 value;
	__u64 reserved[2];
};
#endif

#ifndef DRM_XE_VM_GET_PROPERTY
#define DRM_XE_VM_GET_PROPERTY			0x0f
#define DRM_IOCTL_XE_VM_GET_PROPERTY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_XE_VM_GET_PROPERTY, \
		 struct drm_xe_vm_get_property)
#define DRM_XE_VM_GET_PROPERTY_FAULTS		0

struct drm_xe_vm_get_property {
	__u64 extensions;
	__u32 vm_id;
	__u32 property;
	__u32 size;
	__u32 pad;
	union {
		__u64 data;
		__u64 value;
	};
	__u64 reserved[3];
};
#endif

#endif /* VXP_UAPI_H */
