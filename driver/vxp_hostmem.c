// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the host-visible window, a cache of BO mappings.
 *
 * The device's host-visible shared memory region (vxp->hv, shm id
 * VIRTIO_GPU_SHM_ID_HOST_VISIBLE) is where the host maps blob resources on
 * RESOURCE_MAP_BLOB; the guest picks the offsets from a drm_mm over it.
 * Each context's shared-memory page takes room there for good
 * (vxp_hostmem_alloc()). BOs only borrow it, as i915 borrows its GTT
 * aperture: a CPU fault maps the part of the BO it needs, the mapping
 * stays while the window has room, and when it is full the least recently
 * used idle mappings are evicted: the user PTEs pointing into them are
 * zapped first, then the host unmaps them, and a later access faults them
 * back in, anywhere in the window.
 *
 * A BO of at most one granule (&vxp_device.hv_chunk) is mapped whole,
 * through its own resource. A larger one is mapped a granule at a time,
 * each through a slice resource (XE_PROXY_F_BLOB_SLICE), so a BO larger
 * than the whole window works, at one host round trip per granule rather
 * than per page. A dma-buf importer needs the BO in one piece: it gets the
 * whole-BO mapping, pinned until it unmaps. Without slices from the host
 * every BO is mapped whole, and must fit the window.
 *
 * Everything here is under &vxp_device.hv_lock, held across the host
 * round trips that map and unmap (see DOC: locking in vxp_drv.h): a miss
 * costs a round trip anyway, and one lock keeps eviction, faults and BO
 * destruction simple to reason about.
 */
#include <linux/io.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <uapi/linux/virtio_gpu.h>

#include <drm/drm_drv.h>
#include <drm/drm_mm.h>
#include <drm/drm_vma_manager.h>

#include "vxp_context.h"
#include "vxp_drv.h"
#include "vxp_gem.h"
#include "vxp_hostmem.h"
#include "vxp_resource.h"

/**
 * vxp_hostmem_init() - set up the window's allocator and cache
 * @vxp: the device, with &vxp_device.hv found
 *
 * The granule is an eighth of the window, between 2 MiB and 64 MiB: room
 * for at least eight granules at once, and few host round trips per BO.
 */
void vxp_hostmem_init(struct vxp_device *vxp)
{
	drm_mm_init(&vxp->hv_mm, 0, vxp->hv.len);
	INIT_LIST_HEAD(&vxp->hv_lru);
	vxp->hv_chunk = clamp_t(u64, rounddown_pow_of_two(max_t(u64, vxp->hv.len / 8, 1)),
				SZ_2M, SZ_64M);
}

/* The BO's pointer to @m: its whole mapping, or that of one granule. */
static struct vxp_hv_map **vxp_hv_slot(struct vxp_hv_map *m)
{
	struct vxp_bo *bo = m->bo;

	if (m->whole)
		return &bo->hv_whole;
	return &bo->hv_chunks[div64_u64(m->offset, bo->ctx->vxp->hv_chunk)];
}

/*
 * Unmap @m on the host and free it; hv_lock held, @m unpinned and no
 * longer reachable from user PTEs. Once unplugged the host is gone with
 * everything it held.
 */
static void vxp_hv_map_destroy(struct vxp_device *vxp, struct vxp_hv_map *m)
{
	int idx;

	lockdep_assert_held(&vxp->hv_lock);
	list_del(&m->lru);
	if (drm_dev_enter(m->bo->base.dev, &idx)) {
		vxp_blob_unmap(vxp, m->res_id);
		if (!m->whole)
			vxp_blob_unref(vxp, m->res_id);
		drm_dev_exit(idx);
	}
	if (!m->whole)
		ida_free(&vxp->res_ida, m->res_id);
	if (m->memtype)
		iounmap(m->memtype);
	drm_mm_remove_node(&m->node);
	*vxp_hv_slot(m) = NULL;
	kfree(m);
}

/* Evict an idle mapping: zap every user PTE into it, then unmap it. */
static void vxp_hv_evict(struct vxp_device *vxp, struct vxp_hv_map *m)
{
	struct drm_gem_object *obj = &m->bo->base;

	lockdep_assert_held(&vxp->hv_lock);
	unmap_mapping_range(obj->dev->anon_inode->i_mapping,
			    drm_vma_node_offset_addr(&obj->vma_node) + m->offset,
			    m->size, 1);
	vxp_hv_map_destroy(vxp, m);
	vxp->hv_evictions++;
}

/*
 * Reserve @size bytes of the window in @node; hv_lock held. When no hole
 * is large enough, drm_mm's eviction scan picks, from the least recently
 * used end, idle mappings whose removal leaves one, and those are evicted.
 */
static int vxp_hv_insert(struct vxp_device *vxp, struct drm_mm_node *node,
			 u64 size)
{
	struct vxp_hv_map *m, *next;
	struct drm_mm_scan scan;
	LIST_HEAD(victims);
	bool found = false;
	int ret;

	lockdep_assert_held(&vxp->hv_lock);
	ret = drm_mm_insert_node_generic(&vxp->hv_mm, node, size, PAGE_SIZE, 0,
					 DRM_MM_INSERT_BEST);
	if (ret != -ENOSPC || size > vxp->hv.len)
		return ret;

	drm_mm_scan_init(&scan, &vxp->hv_mm, size, PAGE_SIZE, 0,
			 DRM_MM_INSERT_BEST);
	list_for_each_entry(m, &vxp->hv_lru, lru) {
		if (m->pins)
			continue;
		list_add(&m->scan_link, &victims);
		if (drm_mm_scan_add_block(&scan, &m->node)) {
			found = true;
			break;
		}
	}
	/* Every block added must be removed, newest first; keep the victims. */
	list_for_each_entry_safe(m, next, &victims, scan_link)
		if (!drm_mm_scan_remove_block(&scan, &m->node))
			list_del(&m->scan_link);
	if (!found)
		return -ENOSPC;
	list_for_each_entry_safe(m, next, &victims, scan_link)
		vxp_hv_evict(vxp, m);
	return drm_mm_insert_node_generic(&vxp->hv_mm, node, size, PAGE_SIZE, 0,
					  DRM_MM_INSERT_BEST);
}

/**
 * vxp_hostmem_alloc() - reserve room in the host-visible window for good
 * @vxp: the device
 * @node: the node to fill
 * @size: bytes, page aligned
 *
 * Idle BO mappings are evicted to make room.
 *
 * Return: 0, or -ENOSPC when the room is pinned or taken for good.
 */
int vxp_hostmem_alloc(struct vxp_device *vxp, struct drm_mm_node *node,
		      u64 size)
{
	int ret;

	mutex_lock(&vxp->hv_lock);
	ret = vxp_hv_insert(vxp, node, size);
	mutex_unlock(&vxp->hv_lock);
	return ret;
}

/**
 * vxp_hostmem_free() - release room taken by vxp_hostmem_alloc()
 * @vxp: the device
 * @node: the node (may be unallocated)
 */
void vxp_hostmem_free(struct vxp_device *vxp, struct drm_mm_node *node)
{
	mutex_lock(&vxp->hv_lock);
	if (drm_mm_node_allocated(node))
		drm_mm_remove_node(node);
	mutex_unlock(&vxp->hv_lock);
}

/*
 * With PAT, vmf_insert_pfn_prot() takes the caching of a page from the
 * memtype reserved for it, not from the prot it is given; an ioremap of
 * the mapping's range reserves the caching the host reported while the
 * mapping lives.
 */
static void __iomem *vxp_hv_memtype(struct vxp_device *vxp,
				    struct vxp_hv_map *m)
{
	phys_addr_t addr = vxp->hv.addr + m->node.start;

	switch (m->map_info) {
	case VIRTIO_GPU_MAP_CACHE_CACHED:
		return ioremap_cache(addr, m->size);
	case VIRTIO_GPU_MAP_CACHE_WC:
		return ioremap_wc(addr, m->size);
	default:
		return ioremap(addr, m->size);
	}
}

/* Map [offset, offset + size) of @bo (all of it when @whole); hv_lock held. */
static struct vxp_hv_map *vxp_hv_map_create(struct vxp_bo *bo, u64 offset,
					    u64 size, bool whole)
{
	struct vxp_device *vxp = bo->ctx->vxp;
	struct vxp_hv_map *m;
	u64 pgoff;
	int ret;

	lockdep_assert_held(&vxp->hv_lock);
	m = kzalloc_obj(*m, GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->bo = bo;
	m->offset = offset;
	m->size = size;
	m->whole = whole;
	ret = vxp_hv_insert(vxp, &m->node, size);
	if (ret)
		goto err_free;
	if (whole) {
		m->res_id = bo->res_id;
	} else {
		ret = ida_alloc_min(&vxp->res_ida, 1, GFP_KERNEL);
		if (ret < 0)
			goto err_node;
		m->res_id = ret;
		pgoff = div64_u64(offset, XE_PROXY_BLOB_SLICE_UNIT);
		ret = -EFBIG;
		if (pgoff > XE_PROXY_BLOB_SLICE_PGOFF_MAX)
			goto err_id;
		ret = vxp_blob_create(bo->ctx, m->res_id,
				      XE_PROXY_BLOB_SLICE(bo->res_id, pgoff), size);
		if (ret)
			goto err_id;
	}
	ret = vxp_blob_map(vxp, m->res_id, &m->node, &m->map_info);
	if (ret)
		goto err_res;
	m->memtype = vxp_hv_memtype(vxp, m);
	if (!m->memtype) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	list_add_tail(&m->lru, &vxp->hv_lru);
	vxp->hv_maps++;
	return m;

err_unmap:
	vxp_blob_unmap(vxp, m->res_id);
err_res:
	if (!whole)
		vxp_blob_unref(vxp, m->res_id);
err_id:
	if (!whole)
		ida_free(&vxp->res_ida, m->res_id);
err_node:
	drm_mm_remove_node(&m->node);
err_free:
	kfree(m);
	drm_dbg(vxp->drm, "cannot map %llu bytes of a BO in the host-visible window: %d\n",
		size, ret);
	return ERR_PTR(ret);
}

/**
 * vxp_hostmem_mappable() - whether the window can ever hold @bo's pages
 * @bo: the BO
 *
 * Return: true when the host maps slices or the BO fits the window.
 */
bool vxp_hostmem_mappable(struct vxp_bo *bo)
{
	struct vxp_device *vxp = bo->ctx->vxp;

	return (vxp->features & XE_PROXY_F_BLOB_SLICE) || bo->base.size <= vxp->hv.len;
}

/**
 * vxp_hostmem_map() - a mapping of @bo in the window, pinned
 * @bo: the BO
 * @offset: a byte of the BO the mapping must cover
 * @whole: the mapping must cover the whole BO (a dma-buf importer's)
 *
 * Maps on a miss, evicting idle mappings as needed, and marks the mapping
 * most recently used. A pinned mapping is never evicted: unpin it with
 * vxp_hostmem_unpin() as soon as the caller is done with it.
 *
 * Return: the mapping, -ENOSPC when the window has no room that is not
 * pinned, or another negative errno.
 */
struct vxp_hv_map *vxp_hostmem_map(struct vxp_bo *bo, u64 offset, bool whole)
{
	struct vxp_device *vxp = bo->ctx->vxp;
	u64 chunk = vxp->hv_chunk, size = bo->base.size;
	struct vxp_hv_map *m, **slot;
	unsigned long n;

	if (size <= chunk || !(vxp->features & XE_PROXY_F_BLOB_SLICE))
		whole = true;
	mutex_lock(&vxp->hv_lock);
	m = bo->hv_whole;
	if (m || whole) {
		slot = &bo->hv_whole;
		offset = 0;
	} else {
		if (!bo->hv_chunks) {
			n = DIV_ROUND_UP_ULL(size, chunk);
			bo->hv_chunks = kcalloc(n, sizeof(*bo->hv_chunks), GFP_KERNEL);
			if (!bo->hv_chunks) {
				m = ERR_PTR(-ENOMEM);
				goto out;
			}
		}
		offset = round_down(offset, chunk);
		slot = &bo->hv_chunks[div64_u64(offset, chunk)];
		size = min(chunk, size - offset);
	}
	m = *slot;
	if (!m) {
		m = vxp_hv_map_create(bo, offset, size, slot == &bo->hv_whole);
		if (IS_ERR(m))
			goto out;
		*slot = m;
	}
	m->pins++;
	list_move_tail(&m->lru, &vxp->hv_lru);
out:
	mutex_unlock(&vxp->hv_lock);
	return m;
}

/**
 * vxp_hostmem_unpin() - drop a pin taken by vxp_hostmem_map()
 * @vxp: the device
 * @m: the mapping
 */
void vxp_hostmem_unpin(struct vxp_device *vxp, struct vxp_hv_map *m)
{
	mutex_lock(&vxp->hv_lock);
	WARN_ON(!m->pins);
	m->pins--;
	mutex_unlock(&vxp->hv_lock);
}

/**
 * vxp_hostmem_bo_release() - drop every mapping of a BO being freed
 * @bo: the BO: no user mapping, importer or fault can reach it any more
 */
void vxp_hostmem_bo_release(struct vxp_bo *bo)
{
	struct vxp_device *vxp = bo->ctx->vxp;
	unsigned long i, n = DIV_ROUND_UP_ULL(bo->base.size, vxp->hv_chunk);

	mutex_lock(&vxp->hv_lock);
	if (bo->hv_whole)
		vxp_hv_map_destroy(vxp, bo->hv_whole);
	for (i = 0; bo->hv_chunks && i < n; i++)
		if (bo->hv_chunks[i])
			vxp_hv_map_destroy(vxp, bo->hv_chunks[i]);
	mutex_unlock(&vxp->hv_lock);
	kfree(bo->hv_chunks);
	bo->hv_chunks = NULL;
}

/**
 * vxp_hostmem_show() - the window's state, for debugfs
 * @vxp: the device
 * @m: the seq_file
 */
void vxp_hostmem_show(struct vxp_device *vxp, struct seq_file *m)
{
	mutex_lock(&vxp->hv_lock);
	seq_printf(m, "window %llu\ngranule %llu\nmaps %llu\nevictions %llu\n",
		   (unsigned long long)vxp->hv.len,
		   (unsigned long long)vxp->hv_chunk,
		   (unsigned long long)vxp->hv_maps,
		   (unsigned long long)vxp->hv_evictions);
	mutex_unlock(&vxp->hv_lock);
}
