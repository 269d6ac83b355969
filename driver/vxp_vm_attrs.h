/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: memory attributes of VM ranges and what a VM reports (vxp_vm_attrs.c).
 */
#ifndef VXP_VM_ATTRS_H
#define VXP_VM_ATTRS_H

struct drm_device;
struct drm_file;

int vxp_madvise_ioctl(struct drm_device *drm, void *data, struct drm_file *file);
int vxp_vm_query_mem_range_attrs_ioctl(struct drm_device *drm, void *data,
				       struct drm_file *file);
int vxp_vm_get_property_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file);

#endif /* VXP_VM_ATTRS_H */
