// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: buffer objects.
 *
 * A BO is a GEM object of the host context plus a HOST3D blob resource that
 * names it on the virtio side (blob_id == the guest's resource id). CPU
 * access goes through the host-visible region, a cache of BO mappings
 * (vxp_hostmem.c): mmap() only sets the VMA up, and a CPU fault has the
 * part of the BO it touches mapped there (RESOURCE_MAP_BLOB) and inserts
 * those pages, with the caching the host reported; eviction zaps them, and
 * the next access faults them back. A BO shared with PRIME stays in its
 * creator's context; a file that binds it attaches the resource to its own
 * context first (vxp_bo_attach()). Argument checks follow
 * xe_gem_create_ioctl() and xe_gem_mmap_offset_ioctl() in
 * drivers/gpu/drm/xe/xe_bo.c.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <uapi/drm/xe_drm.h>
#include <uapi/linux/virtio_gpu.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_gem.h"
#include "vxp_hostmem.h"
#include "vxp_resource.h"

/* The flags of the uAPI this module is built against. */
#ifdef DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION
#define VXP_GEM_NO_COMPRESSION	DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION
#else
#define VXP_GEM_NO_COMPRESSION	0
#endif
#define VXP_GEM_CREATE_FLAGS (DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING |	\
			      DRM_XE_GEM_CREATE_FLAG_SCANOUT |		\
			      DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM |	\
			      VXP_GEM_NO_COMPRESSION)

static void vxp_bo_free(struct drm_gem_object *obj)
{
	struct vxp_bo *bo = to_vxp_bo(obj);
	struct vxp_device *vxp = bo->ctx->vxp;
	struct xe_proxy_ccmd_gem_close_req close = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_GEM_CLOSE, sizeof(close)),
		.blob_id = cpu_to_le32(bo->res_id),
	};
	struct vxp_context *importer;
	unsigned long idx_ctx;
	int idx;

	/* Its mappings and slices first: the host holds the BO for them. */
	vxp_hostmem_bo_release(bo);
	/* Once unplugged the host is gone with everything it held. */
	if (drm_dev_enter(obj->dev, &idx)) {
		vxp_blob_unref(vxp, bo->res_id);
		/* a BO made with its resource has no blob_id to give back */
		if ((vxp->features & XE_PROXY_F_GEM_CREATE_EXT) && !bo->with_blob)
			vxp_ccmd_defer(bo->ctx, &close.hdr);
		drm_dev_exit(idx);
	}
	ida_free(&vxp->res_ida, bo->res_id);
	/* The unref detached the resource from every context on the host. */
	xa_for_each(&bo->importers, idx_ctx, importer)
		vxp_context_put(importer);
	xa_destroy(&bo->importers);
	drm_gem_object_release(obj);
	mutex_destroy(&bo->lock);
	vxp_context_put(bo->ctx);
	kfree(bo);
}

/**
 * vxp_bo_attach() - let the host context of another file use a BO
 * @bo: the BO
 * @ctx: the context of @file, which has a handle of @bo (PRIME)
 * @file: the DRM file binding @bo
 * @handle: its handle of @bo, as the caller looked it up
 *
 * A BO lives in the host context of the file that created it. The first
 * time another file's context names it, its resource is attached to that
 * context (the host imports it there, with a handle of its own), as
 * virtio-gpu native contexts share BOs. The attachment lasts, and holds
 * @ctx, until that file closes its handle or the BO goes.
 *
 * Return: 0, -ENOENT if @handle was closed meanwhile, or a negative errno.
 */
int vxp_bo_attach(struct vxp_bo *bo, struct vxp_context *ctx,
		  struct drm_file *file, u32 handle)
{
	struct drm_gem_object *obj;
	int ret = 0;

	if (bo->ctx == ctx)
		return 0;
	mutex_lock(&bo->lock);
	if (xa_load(&bo->importers, ctx->ctx_id))
		goto out;
	/*
	 * A GEM_CLOSE racing with the bind may have run vxp_bo_close() already,
	 * with nothing to detach: an attachment made now would outlive the
	 * handle. The handle leaves the file's table before vxp_bo_close()
	 * takes bo->lock, so looking it up again under the lock is exact.
	 */
	obj = drm_gem_object_lookup(file, handle);
	if (obj)
		drm_gem_object_put(obj);	/* the caller holds @bo */
	if (obj != &bo->base) {
		ret = -ENOENT;
		goto out;
	}
	ret = xa_reserve(&bo->importers, ctx->ctx_id, GFP_KERNEL);
	if (ret)
		goto out;
	ret = vxp_ctx_attach_cmd(ctx, bo->res_id);
	if (ret) {
		xa_release(&bo->importers, ctx->ctx_id);
		goto out;
	}
	/* the slot is reserved: this store cannot fail */
	xa_store(&bo->importers, ctx->ctx_id, vxp_context_get(ctx), GFP_KERNEL);
out:
	mutex_unlock(&bo->lock);
	return ret;
}

/* A file closed a handle: its context no longer needs the BO attached. */
static void vxp_bo_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct vxp_file *vf = file->driver_priv;
	struct vxp_bo *bo = to_vxp_bo(obj);
	struct vxp_context *ctx;
	int idx;

	mutex_lock(&vf->lock);
	ctx = vf->ctx;
	mutex_unlock(&vf->lock);
	if (IS_ERR_OR_NULL(ctx) || ctx == bo->ctx)
		return;
	mutex_lock(&bo->lock);
	ctx = xa_erase(&bo->importers, ctx->ctx_id);
	mutex_unlock(&bo->lock);
	if (!ctx)
		return;
	if (drm_dev_enter(obj->dev, &idx)) {
		vxp_ctx_detach_cmd(ctx, bo->res_id);
		drm_dev_exit(idx);
	}
	vxp_context_put(ctx);
}

/* The protection of a BO's pages with the host's caching. */
static pgprot_t vxp_bo_prot(struct vm_area_struct *vma, u32 map_info)
{
	pgprot_t prot = pgprot_decrypted(vm_get_page_prot(vma->vm_flags));

	if (map_info == VIRTIO_GPU_MAP_CACHE_WC)
		return pgprot_writecombine(prot);
	if (map_info == VIRTIO_GPU_MAP_CACHE_UNCACHED)
		return pgprot_noncached(prot);
	return prot;
}

/* Pages a fault inserts at most: the aligned block around the fault. */
#define VXP_PREFAULT	SZ_2M

/*
 * Map the part of the BO the fault touches into the window and insert its
 * pages, the faulting one first and then the rest of its VXP_PREFAULT
 * block that the mapping and the VMA share. The mapping is pinned while
 * the PTEs go in, so eviction cannot zap it meanwhile.
 */
static vm_fault_t vxp_bo_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct vxp_bo *bo = to_vxp_bo(obj);
	struct vxp_device *vxp = bo->ctx->vxp;
	unsigned long node_start = drm_vma_node_start(&obj->vma_node);
	u64 vma_off = (u64)(vma->vm_pgoff - node_start) << PAGE_SHIFT;
	u64 off = (u64)(vmf->pgoff - node_start) << PAGE_SHIFT;
	u64 start, end, o, pfn0;
	struct vxp_hv_map *m;
	vm_fault_t ret;
	pgprot_t prot;
	int idx;

	if (!drm_dev_enter(obj->dev, &idx))
		return VM_FAULT_SIGBUS;
	m = vxp_hostmem_map(bo, off, false);
	if (IS_ERR(m)) {
		ret = PTR_ERR(m) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
		goto out;
	}
	prot = vxp_bo_prot(vma, m->map_info);
	/* the window page of BO offset o is pfn0 + o / PAGE_SIZE */
	pfn0 = PHYS_PFN(vxp->hv.addr + m->node.start - m->offset);
	ret = vmf_insert_pfn_prot(vma, vmf->address, pfn0 + PHYS_PFN(off), prot);
	start = max3(round_down(off, VXP_PREFAULT), m->offset, vma_off);
	end = min3(round_down(off, VXP_PREFAULT) + VXP_PREFAULT,
		   m->offset + m->size, vma_off + (vma->vm_end - vma->vm_start));
	for (o = start; !(ret & VM_FAULT_ERROR) && o < end; o += PAGE_SIZE) {
		if (o == off)
			continue;
		/* Not an error for the fault if a neighbour fails. */
		if (vmf_insert_pfn_prot(vma, vma->vm_start + (o - vma_off),
					pfn0 + PHYS_PFN(o), prot) & VM_FAULT_ERROR)
			break;
	}
	vxp_hostmem_unpin(vxp, m);
out:
	drm_dev_exit(idx);
	return ret;
}

/*
 * Nothing is mapped yet: the fault handler does it. The fake offset stays
 * in vm_pgoff, so unmap_mapping_range() on the device's address space
 * finds these PTEs when the window evicts them; dma-buf mmaps share that
 * address space (drm_gem_dmabuf_export()) and the offset
 * (drm_gem_prime_mmap()).
 */
static int vxp_bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct vxp_bo *bo = to_vxp_bo(obj);
	u64 first = (u64)(vma->vm_pgoff - drm_vma_node_start(&obj->vma_node)) << PAGE_SHIFT;
	u64 end;

	/* PFN maps cannot be copied on write (as TTM refuses them) */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	if (check_add_overflow(first, (u64)(vma->vm_end - vma->vm_start), &end) ||
	    end > obj->size)
		return -EINVAL;
	if (!vxp_hostmem_mappable(bo)) {
		drm_dbg(obj->dev, "BO of %zu bytes larger than the host-visible window\n",
			obj->size);
		return -ENOSPC;
	}
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_decrypted(vm_get_page_prot(vma->vm_flags));
	return 0;
}

static const struct vm_operations_struct vxp_bo_vm_ops = {
	.fault = vxp_bo_fault,
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

/*
 * PRIME: the guest reaches a BO's pages only through the host-visible
 * window, a PCI BAR of the virtio device, so an importer gets that range
 * DMA-mapped for its own device, one entry without struct pages (as
 * virtio-gpu exports its VRAM blobs). Importers must not touch the pages.
 */
static struct sg_table *vxp_bo_map_dma_buf(struct dma_buf_attachment *attach,
					   enum dma_data_direction dir)
{
	struct drm_gem_object *obj = attach->dmabuf->priv;
	struct vxp_bo *bo = to_vxp_bo(obj);
	struct vxp_device *vxp = bo->ctx->vxp;
	struct vxp_hv_map *m;
	struct sg_table *sgt;
	dma_addr_t addr;
	int ret, idx;

	if (!drm_dev_enter(obj->dev, &idx))
		return ERR_PTR(-ENODEV);
	/* pinned whole until vxp_bo_unmap_dma_buf() */
	m = vxp_hostmem_map(bo, 0, true);
	drm_dev_exit(idx);
	if (IS_ERR(m))
		return ERR_CAST(m);
	sgt = kzalloc_obj(*sgt, GFP_KERNEL);
	if (!sgt) {
		ret = -ENOMEM;
		goto err_unpin;
	}
	ret = sg_alloc_table(sgt, 1, GFP_KERNEL);
	if (ret)
		goto err_free;
	addr = dma_map_resource(attach->dev, vxp->hv.addr + m->node.start,
				obj->size, dir, DMA_ATTR_SKIP_CPU_SYNC);
	ret = dma_mapping_error(attach->dev, addr);
	if (ret)
		goto err_table;
	sg_set_page(sgt->sgl, NULL, obj->size, 0);
	sg_dma_address(sgt->sgl) = addr;
	sg_dma_len(sgt->sgl) = obj->size;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
err_unpin:
	vxp_hostmem_unpin(vxp, m);
	return ERR_PTR(ret);
}

static void vxp_bo_unmap_dma_buf(struct dma_buf_attachment *attach,
				 struct sg_table *sgt,
				 enum dma_data_direction dir)
{
	struct vxp_bo *bo = to_vxp_bo(attach->dmabuf->priv);

	dma_unmap_resource(attach->dev, sg_dma_address(sgt->sgl),
			   sg_dma_len(sgt->sgl), dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
	/* the whole mapping map_dma_buf pinned, there until unpinned */
	vxp_hostmem_unpin(bo->ctx->vxp, bo->hv_whole);
}

/* The importer's mapping stays pinned in the window until it unmaps. */
static const struct dma_buf_ops vxp_dmabuf_ops = {
	.map_dma_buf = vxp_bo_map_dma_buf,
	.unmap_dma_buf = vxp_bo_unmap_dma_buf,
	.release = drm_gem_dmabuf_release,
	.mmap = drm_gem_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

/* A VM-private BO cannot be shared (xe_dma_buf.c xe_gem_prime_export()). */
static struct dma_buf *vxp_bo_export(struct drm_gem_object *obj, int flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);

	if (to_vxp_bo(obj)->vm_private)
		return ERR_PTR(-EPERM);
	exp_info.ops = &vxp_dmabuf_ops;
	exp_info.size = obj->size;
	exp_info.flags = flags;
	exp_info.priv = obj;
	exp_info.resv = obj->resv;
	return drm_gem_dmabuf_export(obj->dev, &exp_info);
}

/**
 * vxp_gem_prime_import() - &drm_driver.gem_prime_import
 * @drm: the device
 * @dma_buf: the buffer to import
 *
 * A buffer this device exported comes back as the same BO. The host cannot
 * reach the pages of anyone else's buffer, so those are refused.
 *
 * Return: the GEM object with a reference, or an ERR_PTR.
 */
struct drm_gem_object *vxp_gem_prime_import(struct drm_device *drm,
					    struct dma_buf *dma_buf)
{
	struct drm_gem_object *obj = dma_buf->priv;

	if (dma_buf->ops == &vxp_dmabuf_ops && obj->dev == drm) {
		drm_gem_object_get(obj);
		return obj;
	}
	drm_dbg(drm, "PRIME import of a foreign dma-buf (%s) refused\n",
		dma_buf->exp_name);
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct drm_gem_object_funcs vxp_bo_funcs = {
	.free = vxp_bo_free,
	.close = vxp_bo_close,
	.mmap = vxp_bo_mmap,
	.export = vxp_bo_export,
	.vm_ops = &vxp_bo_vm_ops,
};

/* Whether @args fit an XE_PROXY_BLOB_CREATE() blob_id. */
static bool vxp_bo_create_in_blob(struct vxp_device *vxp,
				  const struct drm_xe_gem_create *args)
{
	return (vxp->features & XE_PROXY_F_GEM_CREATE_BLOB) &&
	       args->placement <= XE_PROXY_BLOB_CREATE_PLACEMENT_MAX &&
	       args->flags <= XE_PROXY_BLOB_CREATE_FLAGS_MAX &&
	       args->cpu_caching <= XE_PROXY_BLOB_CREATE_CACHING_MAX;
}

/*
 * Create the host BO and its blob resource @res_id. With
 * XE_PROXY_F_GEM_CREATE_BLOB both are one virtio command
 * (vxp_blob_create_bo()); else the extended command and the resource go
 * out together with one wait; the base command has no error answer, so a
 * refusal shows up as the resource's failure. Sets *@with_blob when the
 * BO has no blob_id of its own to close.
 */
static int vxp_bo_host_create(struct vxp_context *ctx,
			      const struct drm_xe_gem_create *args, u32 res_id,
			      bool *with_blob)
{
	struct xe_proxy_ccmd_gem_create_ext_req ext = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_GEM_CREATE_EXT, sizeof(ext)),
		.size = cpu_to_le64(args->size),
		.placement = cpu_to_le32(args->placement),
		.flags = cpu_to_le32(args->flags),
		.vm_id = cpu_to_le32(args->vm_id),
		.blob_id = cpu_to_le32(res_id),
		.cpu_caching = cpu_to_le16(args->cpu_caching),
	};
	struct xe_proxy_ccmd_gem_create_req base = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_GEM_CREATE, sizeof(base)),
		.size = cpu_to_le64(args->size),
		.placement = cpu_to_le32(args->placement),
		.flags = cpu_to_le32(args->flags),
		.blob_id = cpu_to_le32(res_id),
		.cpu_caching = cpu_to_le16(args->cpu_caching),
	};
	struct xe_proxy_ccmd_gem_close_req close = {
		.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_GEM_CLOSE, sizeof(close)),
		.blob_id = cpu_to_le32(res_id),
	};
	struct xe_proxy_ccmd_value_rsp rsp;
	int ret, blob_err = 0;

	*with_blob = vxp_bo_create_in_blob(ctx->vxp, args);
	if (*with_blob)
		return vxp_blob_create_bo(ctx, res_id,
					  XE_PROXY_BLOB_CREATE(args->placement,
							       args->flags,
							       args->cpu_caching,
							       args->vm_id),
					  args->size);
	if (!(ctx->vxp->features & XE_PROXY_F_GEM_CREATE_EXT)) {
		/* The base command cannot make VM-private BOs. */
		if (VXP_IOCTL_DBG(ctx->vxp, args->vm_id))
			return -EOPNOTSUPP;
		ret = vxp_ccmd_send(ctx, &base.hdr, NULL, 0);
		if (!ret)
			ret = vxp_blob_create(ctx, res_id, res_id, args->size);
		/* refused by the host (-EPROTO) or no BO for the blob (-EIO) */
		return ret == -EIO || ret == -EPROTO ? -EINVAL : ret;
	}
	ret = vxp_ccmd_send_with_blob(ctx, &ext.hdr, &rsp, sizeof(rsp), res_id,
				      res_id, args->size, &blob_err);
	if (ret)
		return ret;
	if (le32_to_cpu(rsp.ret))
		return vxp_rsp_errno(rsp.ret);
	if (blob_err)
		/* The BO exists on the host without a resource: drop it. */
		vxp_ccmd_send_nowait(ctx, &close.hdr);
	return blob_err;
}

/**
 * vxp_gem_create_ioctl() - DRM_IOCTL_XE_GEM_CREATE
 * @drm: the device
 * @data: struct drm_xe_gem_create
 * @file: the caller
 *
 * Return: 0 or a negative errno, as the real driver's.
 */
int vxp_gem_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_xe_gem_create *args = data;
	struct vxp_context *ctx;
	struct vxp_bo *bo;
	bool with_blob;
	u32 handle;
	int ret;

	if (VXP_IOCTL_DBG(drm, args->extensions) ||
	    VXP_IOCTL_DBG(drm, args->pad[0] || args->pad[1] || args->pad[2]) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]) ||
	    VXP_IOCTL_DBG(drm, args->flags & ~VXP_GEM_CREATE_FLAGS) ||
	    VXP_IOCTL_DBG(drm, args->handle) ||
	    VXP_IOCTL_DBG(drm, !args->placement) ||
	    VXP_IOCTL_DBG(drm, !args->size || args->size > SIZE_MAX ||
			  (args->size & ~PAGE_MASK)) ||
	    VXP_IOCTL_DBG(drm, !args->cpu_caching ||
			  args->cpu_caching > DRM_XE_GEM_CPU_CACHING_WC))
		return -EINVAL;

	ctx = vxp_file_context(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	bo = kzalloc_obj(*bo, GFP_KERNEL);
	if (!bo)
		return -ENOMEM;
	mutex_init(&bo->lock);
	xa_init(&bo->importers);
	ret = ida_alloc_min(&ctx->vxp->res_ida, 1, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	bo->res_id = ret;

	ret = vxp_bo_host_create(ctx, args, bo->res_id, &with_blob);
	if (ret)
		goto err_id;
	bo->with_blob = with_blob;

	bo->ctx = vxp_context_get(ctx);
	bo->base.funcs = &vxp_bo_funcs;
	bo->vm_private = args->vm_id;
	drm_gem_private_object_init(drm, &bo->base, args->size);
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (!ret)
		ret = drm_gem_handle_create(file, &bo->base, &handle);
	/* The handle holds the object now; on error this frees it. */
	drm_gem_object_put(&bo->base);
	if (ret)
		return ret;
	args->handle = handle;
	return 0;

err_id:
	ida_free(&ctx->vxp->res_ida, bo->res_id);
err_free:
	mutex_destroy(&bo->lock);
	kfree(bo);
	return ret;
}

/**
 * vxp_gem_mmap_offset_ioctl() - DRM_IOCTL_XE_GEM_MMAP_OFFSET
 * @drm: the device
 * @data: struct drm_xe_gem_mmap_offset
 * @file: the caller
 *
 * The PCI barrier page is a discrete-GPU feature the real driver refuses on
 * integrated parts with -EINVAL, as does this one.
 *
 * Return: 0 or a negative errno.
 */
int vxp_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_xe_gem_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	/* xe fails every call once its device is gone, checks or not */
	ret = vxp_file_host_lost(file);
	if (ret)
		return ret;
	if (VXP_IOCTL_DBG(drm, args->extensions) ||
	    VXP_IOCTL_DBG(drm, args->reserved[0] || args->reserved[1]) ||
	    VXP_IOCTL_DBG(drm, args->flags))
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (VXP_IOCTL_DBG(drm, !obj))
		return -ENOENT;
	args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

/**
 * vxp_bo_lookup() - a BO of this device by handle
 * @file: the caller
 * @handle: GEM handle
 *
 * Return: the BO with a reference, or NULL.
 */
struct vxp_bo *vxp_bo_lookup(struct drm_file *file, u32 handle)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);

	if (obj && obj->funcs != &vxp_bo_funcs) {
		drm_gem_object_put(obj);
		return NULL;
	}
	return obj ? to_vxp_bo(obj) : NULL;
}
