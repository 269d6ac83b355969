/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: buffer objects.
 */
#ifndef VXP_GEM_H
#define VXP_GEM_H

#include <linux/mutex.h>
#include <linux/xarray.h>

#include <drm/drm_gem.h>

struct dma_buf;
struct vxp_context;
struct vxp_hv_map;

/* accepted bind shapes remembered per BO and per VM (vxp_vm.c) */
#define VXP_BIND_SHAPES		4

/**
 * struct vxp_bo - a BO of a host context
 * @base: the GEM object
 * @ctx: the host context holding the BO (a reference)
 * @res_id: its virtio-gpu resource id, also its blob_id on the host
 * @lock: protects @importers
 * @hv_whole: its mapping in the host-visible window as a whole, or NULL
 * @hv_chunks: its mappings there granule by granule (NULL entries where
 *	not mapped), or NULL; both under &vxp_device.hv_lock (vxp_hostmem.c)
 * @vm_private: created for one VM (GEM_CREATE vm_id), never exported
 * @with_blob: created with its resource (XE_PROXY_F_GEM_CREATE_BLOB): it
 *	has no blob_id on the host, and its resource's unref frees it
 * @importers: ctx_id -> struct vxp_context (a reference): the contexts of
 *	other files the resource is attached to (vxp_bo_attach())
 * @bind_shapes: shapes of binds of it the host accepted, so like binds need
 *	not wait for its answer (vxp_vm.c); READ_ONCE()/WRITE_ONCE(), a lost
 *	update only costs a wait
 */
struct vxp_bo {
	struct drm_gem_object base;
	struct vxp_context *ctx;
	u32 res_id;
	struct mutex lock; /* protects importers */
	struct vxp_hv_map *hv_whole;
	struct vxp_hv_map **hv_chunks;
	bool vm_private;
	bool with_blob;
	struct xarray importers;
	u64 bind_shapes[VXP_BIND_SHAPES];
};

/**
 * to_vxp_bo() - the vxp_bo of a GEM object of this driver
 * @obj: the GEM object
 *
 * Return: the BO.
 */
static inline struct vxp_bo *to_vxp_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct vxp_bo, base);
}

int vxp_gem_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vxp_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file);
struct vxp_bo *vxp_bo_lookup(struct drm_file *file, u32 handle);
int vxp_bo_attach(struct vxp_bo *bo, struct vxp_context *ctx,
		  struct drm_file *file, u32 handle);
struct drm_gem_object *vxp_gem_prime_import(struct drm_device *drm,
					    struct dma_buf *dma_buf);

#endif /* VXP_GEM_H */
