// SPDX-License-Identifier: MIT
/*
 * Buffer objects: GEM_CREATE and GEM_MMAP_OFFSET after xe_bo.c
 * (xe_gem_create_ioctl, xe_gem_mmap_offset_ioctl), GEM_CLOSE after drm_gem.c
 * and PRIME after drm_prime.c / xe_dma_buf.c. A BO is a memfd, so its
 * dma-buf is the memfd too: mmap and self-import work on it as on a real one.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

/* drm_vma_manager offsets start above 4 GiB: DRM_FILE_PAGE_OFFSET_START. */
#define SIM_MMAP_OFFSET_START	(0x100000000ull)

static int bo_register(struct sim_bo *bo)
{
	if (sim.num_bos == sim.cap_bos) {
		uint32_t cap = sim.cap_bos ? sim.cap_bos * 2 : 256;
		struct sim_bo **n = realloc(sim.bos, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		sim.bos = n;
		sim.cap_bos = cap;
	}
	sim.bos[sim.num_bos++] = bo;
	return 0;
}

static void bo_unregister(struct sim_bo *bo)
{
	for (uint32_t i = 0; i < sim.num_bos; i++) {
		if (sim.bos[i] == bo) {
			sim.bos[i] = sim.bos[--sim.num_bos];
			return;
		}
	}
}

/* Wrap @memfd (owned on success) in a new BO of @gpu. */
static struct sim_bo *bo_new(struct sim_gpu *gpu, int memfd, uint64_t size)
{
	struct sim_bo *bo = calloc(1, sizeof(*bo));
	dev_t dev;

	if (!bo)
		return NULL;
	bo->refcount = 1;
	bo->gpu = gpu;
	bo->memfd = memfd;
	bo->size = size;
	if (sim_real_fstat_ino(memfd, &bo->ino, &dev))
		goto err;
	bo->map = sim_real_mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
				memfd, 0);
	if (bo->map == MAP_FAILED)
		goto err;
	bo->mmap_offset = sim.next_mmap_offset;
	sim.next_mmap_offset += size;
	if (bo_register(bo)) {
		sim_real_munmap(bo->map, size);
		goto err;
	}
	gpu->mem_used += size;
	return bo;
err:
	free(bo);
	return NULL;
}

void sim_bo_put(struct sim_bo *bo)
{
	if (!bo || --bo->refcount)
		return;
	bo_unregister(bo);
	if (bo->flink_name)
		sim_idr_remove(&bo->gpu->flink_names, bo->flink_name);
	bo->gpu->mem_used -= bo->size;
	sim_bo_release_vram(bo);
	sim_bo_resv_fini(bo);
	sim_real_munmap(bo->map, bo->size);
	sim_real_close(bo->memfd);
	if (bo->vm)
		sim_vm_put(bo->vm);
	sim_bo_put(bo->exporter);
	free(bo);
}

struct sim_bo *sim_bo_lookup(struct sim_file *f, uint32_t handle)
{
	return sim_idr_find(&f->handles, handle);
}

/*
 * The BO of @gpu whose fake mmap range holds [offset, offset + len): each
 * device has its own offset space (drm_device.vma_offset_manager).
 */
struct sim_bo *sim_bo_by_offset(const struct sim_gpu *gpu, uint64_t offset,
			       uint64_t len)
{
	for (uint32_t i = 0; i < sim.num_bos; i++) {
		struct sim_bo *bo = sim.bos[i];

		if (bo->gpu == gpu && offset >= bo->mmap_offset &&
		    offset - bo->mmap_offset < bo->size &&
		    len <= bo->size - (offset - bo->mmap_offset))
			return bo;
	}
	return NULL;
}

void sim_file_release_bos(struct sim_file *f)
{
	for (uint32_t i = 1; i < f->handles.size; i++)
		sim_bo_put(sim_idr_remove(&f->handles, i));
	sim_idr_free(&f->handles);
}

static int handle_for(struct sim_file *f, struct sim_bo *bo, uint32_t *handle)
{
	for (uint32_t i = 1; i < f->handles.size; i++) {
		if (f->handles.slot[i] == bo) {
			*handle = i;
			return 0;
		}
	}
	bo->refcount++;
	if (sim_idr_alloc(&f->handles, bo, handle)) {
		bo->refcount--;
		return -ENOMEM;
	}
	return 0;
}

int sim_ioctl_gem_create(struct sim_file *f, void *data)
{
	struct drm_xe_gem_create *a = data;
	uint32_t valid_flags = DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING |
			       DRM_XE_GEM_CREATE_FLAG_SCANOUT |
			       DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM |
			       DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION;
	const uint32_t region_mask = sim_mem_region_mask();
	const bool vram = a->placement & ~0x1u;
	struct sim_vm *vm = NULL;
	struct sim_bo *bo;
	uint32_t handle;
	int memfd, err;

	if (a->pad[0] || a->pad[1] || a->pad[2] || a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "pad/reserved");
	if ((a->placement & ~region_mask) || !a->placement)
		return SIM_ERR(-EINVAL, "placement %#x", a->placement);
	if (a->flags & ~valid_flags)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (a->handle)
		return SIM_ERR(-EINVAL, "handle must be 0");
	if (!a->size || a->size & (SIM_PAGE_SIZE - 1))
		return SIM_ERR(-EINVAL, "size %#llx", (unsigned long long)a->size);
	if (a->flags & DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION &&
	    sim.dev->graphics_ver < 20)
		return SIM_ERR(-EOPNOTSUPP, "NO_COMPRESSION before Xe2");
	if (a->flags & DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM && !vram)
		return SIM_ERR(-EINVAL, "NEEDS_VISIBLE_VRAM without VRAM");
	if (!a->cpu_caching || a->cpu_caching > DRM_XE_GEM_CPU_CACHING_WC)
		return SIM_ERR(-EINVAL, "cpu_caching %u", a->cpu_caching);
	if (vram && a->cpu_caching != DRM_XE_GEM_CPU_CACHING_WC)
		return SIM_ERR(-EINVAL, "VRAM placement needs WC");
	if (a->flags & DRM_XE_GEM_CREATE_FLAG_SCANOUT &&
	    a->cpu_caching == DRM_XE_GEM_CPU_CACHING_WB)
		return SIM_ERR(-EINVAL, "scanout needs WC");
	if (a->vm_id) {
		vm = sim_vm_lookup(f, a->vm_id);
		if (!vm)
			return SIM_ERR(-ENOENT, "no vm %u", a->vm_id);
	}
	/* TTM cannot place more than a whole manager (ENOSPC). */
	if (!((a->placement & 0x1 && a->size <= sim.sysmem_size) ||
	      (vram && a->size <= f->gpu->vram_size)))
		return SIM_ERR(-ENOSPC, "size %#llx exceeds its regions",
			       (unsigned long long)a->size);

	memfd = memfd_create("xe-sim-bo", MFD_CLOEXEC);
	if (memfd < 0)
		return -errno;
	if (ftruncate(memfd, a->size)) {
		err = -errno;
		sim_real_close(memfd);
		return err;
	}
	bo = bo_new(f->gpu, memfd, a->size);
	if (!bo) {
		sim_real_close(memfd);
		return -ENOMEM;
	}
	bo->placement = a->placement;
	bo->flags = a->flags;
	bo->cpu_caching = a->cpu_caching;
	if (vm) {
		bo->vm = vm;
		bo->vm_id = a->vm_id;
		vm->refcount++;
	}
	/* xe_bo_create_user(): placed now unless the backing is deferred */
	if (!(a->flags & DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING)) {
		err = sim_bo_validate(bo, NULL, NULL, 0);
		if (err) {
			sim_bo_put(bo);
			return err;
		}
	}
	err = sim_idr_alloc(&f->handles, bo, &handle);
	if (err) {
		sim_bo_put(bo);
		return err;
	}
	a->handle = handle;
	return 0;
}

int sim_ioctl_gem_mmap_offset(struct sim_file *f, void *data)
{
	struct drm_xe_gem_mmap_offset *a = data;
	struct sim_bo *bo;

	if (a->extensions || a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "extensions/reserved");
	if (a->flags & ~DRM_XE_MMAP_OFFSET_FLAG_PCI_BARRIER)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (a->flags & DRM_XE_MMAP_OFFSET_FLAG_PCI_BARRIER) {
		if (!sim.dev->dgfx)
			return SIM_ERR(-EINVAL, "PCI barrier on an integrated part");
		if (a->handle)
			return SIM_ERR(-EINVAL, "PCI barrier with a handle");
		a->offset = SIM_PCI_BARRIER_MMAP_OFFSET;
		return 0;
	}
	bo = sim_bo_lookup(f, a->handle);
	if (!bo)
		return SIM_ERR(-ENOENT, "no handle %u", a->handle);
	a->offset = bo->mmap_offset;
	return 0;
}

int sim_ioctl_gem_close(struct sim_file *f, void *data)
{
	struct drm_gem_close *a = data;
	struct sim_bo *bo;

	if (a->pad)
		return SIM_ERR(-EINVAL, "pad");
	bo = sim_idr_remove(&f->handles, a->handle);
	if (!bo)
		return SIM_ERR(-EINVAL, "no handle %u", a->handle);
	sim_bo_put(bo);
	return 0;
}

int sim_ioctl_prime_to_fd(struct sim_file *f, void *data)
{
	struct drm_prime_handle *a = data;
	struct sim_bo *bo;
	int fd;

	if (a->flags & ~(DRM_CLOEXEC | DRM_RDWR))
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	bo = sim_bo_lookup(f, a->handle);
	if (!bo)
		return SIM_ERR(-ENOENT, "no handle %u", a->handle);
	if (bo->vm)
		return SIM_ERR(-EPERM, "VM-private BO cannot be exported");
	/* a new fd on the same file, as every export of one dma-buf is */
	fd = sim_real_fcntl(bo->memfd, a->flags & DRM_CLOEXEC ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
	if (fd < 0)
		return -errno;
	sim_fd_install(fd, SIM_FD_DMABUF, NULL);
	a->fd = fd;
	return 0;
}

/* The BO that exported the dma-buf of inode @ino, or NULL. */
static struct sim_bo *bo_by_ino(ino_t ino)
{
	for (uint32_t i = 0; i < sim.num_bos; i++)
		if (sim.bos[i]->ino == ino && !sim.bos[i]->exporter)
			return sim.bos[i];
	return NULL;
}

/* @f's import of @exporter's dma-buf (drm_prime_lookup_buf_handle), or 0. */
static uint32_t import_handle(struct sim_file *f, struct sim_bo *exporter)
{
	for (uint32_t i = 1; i < f->handles.size; i++) {
		struct sim_bo *bo = f->handles.slot[i];

		if (bo && bo->exporter == exporter)
			return i;
	}
	return 0;
}

/*
 * drm_gem_prime_fd_to_handle() and xe_gem_prime_import(): a dma-buf of a
 * BO of this device gives that BO back; any other dma-buf, one of another
 * xe device included, gets a new BO on this device over the same pages.
 */
int sim_ioctl_prime_to_handle(struct sim_file *f, void *data)
{
	struct drm_prime_handle *a = data;
	struct sim_bo *exporter, *bo;
	struct stat st;
	uint32_t handle;
	int memfd, err;

	if (sim_real_fstat(a->fd, &st))
		return SIM_ERR(-EBADF, "fd %d", a->fd);
	if (!S_ISREG(st.st_mode))
		return SIM_ERR(-EINVAL, "fd %d is not a dma-buf", a->fd);
	exporter = bo_by_ino(st.st_ino);
	if (exporter && exporter->gpu == f->gpu)
		return handle_for(f, exporter, &a->handle);
	if (exporter) {
		a->handle = import_handle(f, exporter);
		if (a->handle)
			return 0;
	}
	/* A dma-buf from elsewhere: wrap it like an imported attachment. */
	if (!st.st_size || st.st_size & (SIM_PAGE_SIZE - 1))
		return SIM_ERR(-EINVAL, "imported size %lld", (long long)st.st_size);
	memfd = sim_real_fcntl(a->fd, F_DUPFD_CLOEXEC, 0);
	if (memfd < 0)
		return -errno;
	bo = bo_new(f->gpu, memfd, st.st_size);
	if (!bo) {
		sim_real_close(memfd);
		return -ENOMEM;
	}
	bo->placement = 1;
	if (exporter) {
		bo->exporter = exporter;
		exporter->refcount++;
	}
	err = sim_idr_alloc(&f->handles, bo, &handle);
	if (err) {
		sim_bo_put(bo);
		return err;
	}
	a->handle = handle;
	return 0;
}

/* drm_gem_flink_ioctl(): one global name per object, on primary nodes. */
int sim_ioctl_gem_flink(struct sim_file *f, void *data)
{
	struct drm_gem_flink *a = data;
	struct sim_bo *bo;
	int err;

	if (f->minor >= 128)
		return SIM_ERR(-EACCES, "GEM_FLINK on a render node");
	bo = sim_bo_lookup(f, a->handle);
	if (!bo)
		return SIM_ERR(-ENOENT, "no handle %u", a->handle);
	if (!bo->flink_name) {
		err = sim_idr_alloc(&f->gpu->flink_names, bo, &bo->flink_name);
		if (err)
			return err;
	}
	a->name = bo->flink_name;
	return 0;
}

/* drm_gem_open_ioctl(): a new handle on a flinked object. */
int sim_ioctl_gem_open(struct sim_file *f, void *data)
{
	struct drm_gem_open *a = data;
	struct sim_bo *bo;
	uint32_t handle;
	int err;

	if (f->minor >= 128)
		return SIM_ERR(-EACCES, "GEM_OPEN on a render node");
	bo = sim_idr_find(&f->gpu->flink_names, a->name);
	if (!bo)
		return SIM_ERR(-ENOENT, "no flink name %u", a->name);
	err = sim_idr_alloc(&f->handles, bo, &handle);
	if (err)
		return err;
	bo->refcount++;
	a->handle = handle;
	a->size = bo->size;
	return 0;
}

/* The BO behind a dma-buf fd (its exporter), or NULL. */
struct sim_bo *sim_bo_by_fd(int fd)
{
	struct stat st;

	if (sim_real_fstat(fd, &st))
		return NULL;
	return bo_by_ino(st.st_ino);
}
