// SPDX-License-Identifier: MIT
/*
 * VRAM of discrete parts: where TTM places a BO and what it evicts, after
 * xe_bo.c (__xe_bo_placement_for_flags, add_vram, xe_bo_validate,
 * xe_bo_eviction_valuable), xe_ttm_vram_mgr.c and ttm_bo.c (ttm_bo_validate).
 * A BO's bytes always live in its memfd: only the bookkeeping moves, which
 * is what user space can observe (region usage, CPU-visibility, ENOSPC).
 *
 *  - Placement order is VRAM then system (try_add_vram, try_add_system).
 *    ttm_bo_validate() first tries every place without evicting, then again
 *    evicting: a VRAM|SYSTEM BO under pressure lands in system memory, a
 *    VRAM-only BO evicts others to system memory (XE_PL_TT).
 *  - Small BAR (io_size < VRAM size): a NEEDS_VISIBLE_VRAM BO must lie in
 *    the CPU-visible part; any other BO is allocated top-down, so it is CPU
 *    accessible only if it did not reach beyond the non-visible part.
 *    drm_buddy allocations need not be contiguous, so free space is counted
 *    per part rather than as address ranges.
 *  - xe_bo_eviction_valuable(): no BO bound to the VM being validated is
 *    evicted when that VM does not allow it (LR VMs, arrays of binds, exec).
 *  - A BO is validated when created (unless DEFER_BACKING), bound to a VM
 *    that is not in fault mode, and when an exec revalidates its VM.
 *
 * Configuration: XE_SIM_VRAM_MB (default 1024) sizes VRAM, small enough
 * that out-of-memory tests stay fast; XE_SIM_SMALL_BAR=1 makes only the
 * first 256 MiB CPU-visible (XE_SIM_VISIBLE_VRAM_MB to choose).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim.h"

#define SIM_MIB	(1ull << 20)

static uint64_t env_mib(const char *name, uint64_t def)
{
	const char *v = getenv(name);
	unsigned long long n;
	char *end;

	if (!v || !*v)
		return def;
	n = strtoull(v, &end, 0);
	if (*end || !n || n > (1ull << 24))
		return def;
	return n * SIM_MIB;
}

void sim_vram_init(struct sim_gpu *gpu)
{
	const char *sb = getenv("XE_SIM_SMALL_BAR");

	if (!gpu->info->dgfx)
		return;
	gpu->vram_size = env_mib("XE_SIM_VRAM_MB", 1024 * SIM_MIB);
	gpu->vram_visible_size = gpu->vram_size;
	if (sb && *sb && strcmp(sb, "0"))
		gpu->vram_visible_size = env_mib("XE_SIM_VISIBLE_VRAM_MB", 256 * SIM_MIB);
	if (gpu->vram_visible_size > gpu->vram_size)
		gpu->vram_visible_size = gpu->vram_size;
}

/* xe->info.mem_region_mask: system memory, plus VRAM0 on discrete parts */
uint32_t sim_mem_region_mask(void)
{
	return sim.dev->dgfx ? 0x3 : 0x1;
}

static bool small_bar(const struct sim_gpu *gpu)
{
	return gpu->vram_visible_size < gpu->vram_size;
}

static bool needs_cpu_access(const struct sim_bo *bo)
{
	return bo->flags & DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM;
}

/* Allocate @bo in VRAM if it fits now (xe_ttm_vram_mgr_new). */
static bool vram_alloc(struct sim_bo *bo)
{
	struct sim_gpu *gpu = bo->gpu;
	uint64_t free_vis = gpu->vram_visible_size - gpu->vram_visible_used;
	uint64_t nonvis_used = gpu->vram_used - gpu->vram_visible_used;
	uint64_t free_nonvis = gpu->vram_size - gpu->vram_visible_size - nonvis_used;
	uint64_t vis;

	if (!small_bar(gpu) || needs_cpu_access(bo)) {
		/* lpfn = io_size: all of it in the visible part */
		vis = bo->size;
	} else {
		/* TTM_PL_FLAG_TOPDOWN: the non-visible part first */
		vis = bo->size > free_nonvis ? bo->size - free_nonvis : 0;
	}
	if (vis > free_vis)
		return false;
	gpu->vram_used += bo->size;
	gpu->vram_visible_used += vis;
	bo->vram_visible = vis;
	bo->mem = SIM_MEM_VRAM;
	return true;
}

void sim_bo_release_vram(struct sim_bo *bo)
{
	if (bo->mem != SIM_MEM_VRAM)
		return;
	bo->gpu->vram_used -= bo->size;
	bo->gpu->vram_visible_used -= bo->vram_visible;
	bo->vram_visible = 0;
	bo->mem = SIM_MEM_NONE;
}

/* xe_ttm_resource_visible(): every page of it below io_size */
bool sim_bo_cpu_accessible(const struct sim_bo *bo)
{
	return bo->mem != SIM_MEM_VRAM || bo->vram_visible == bo->size;
}

static bool evictable(const struct sim_bo *bo, const struct sim_bo *for_bo,
		      const struct sim_vm *validating,
		      struct sim_bo *const *locked, uint32_t num_locked)
{
	if (bo == for_bo || bo->gpu != for_bo->gpu || bo->mem != SIM_MEM_VRAM)
		return false;
	/* only what frees visible space helps a NEEDS_VISIBLE_VRAM BO */
	if (small_bar(bo->gpu) && needs_cpu_access(for_bo) && !bo->vram_visible)
		return false;
	for (uint32_t i = 0; i < num_locked; i++)
		if (locked[i] == bo)
			return false;
	return !validating || !sim_vm_has_bo(validating, bo);
}

/* ttm_bo_evict_alloc(): evict least recently validated BOs until @bo fits */
static bool vram_evict_alloc(struct sim_bo *bo, struct sim_vm *validating,
			     struct sim_bo *const *locked, uint32_t num_locked)
{
	while (!vram_alloc(bo)) {
		struct sim_bo *victim = NULL;

		for (uint32_t i = 0; i < sim.num_bos; i++) {
			struct sim_bo *c = sim.bos[i];

			if (evictable(c, bo, validating, locked, num_locked) &&
			    (!victim || c->lru < victim->lru))
				victim = c;
		}
		if (!victim)
			return false;
		sim_debug("evict bo of %llu bytes to system memory\n",
			  (unsigned long long)victim->size);
		sim_bo_release_vram(victim);
		victim->mem = SIM_MEM_SYS;
		sim_vm_bo_evicted(victim);
	}
	return true;
}

/*
 * xe_bo_validate(): make @bo resident in one of its placements. @validating
 * is the VM whose BOs must not be evicted (NULL: any), @locked the other BOs
 * of the same operation. Return: 0, or -ENOSPC when nothing fits.
 */
int sim_bo_validate(struct sim_bo *bo, struct sim_vm *validating,
		    struct sim_bo *const *locked, uint32_t num_locked)
{
	bool vram = bo->gpu->info->dgfx && bo->placement & 0x2;
	bool sys = bo->placement & 0x1;

	bo->lru = ++sim.lru_clock;
	/* ttm_resource_compatible(): already where it may be */
	if ((bo->mem == SIM_MEM_VRAM && vram) || (bo->mem == SIM_MEM_SYS && sys))
		return 0;
	if (vram && bo->size <= bo->gpu->vram_size && vram_alloc(bo))
		return 0;
	if (sys && bo->size <= sim.sysmem_size) {
		sim_bo_release_vram(bo);
		bo->mem = SIM_MEM_SYS;
		return 0;
	}
	if (vram && bo->size <= bo->gpu->vram_size &&
	    vram_evict_alloc(bo, validating, locked, num_locked))
		return 0;
	return SIM_ERR(-ENOSPC, "no room for a BO of %llu bytes (placement %#x)",
		       (unsigned long long)bo->size, bo->placement);
}

/*
 * xe_vm_validate_rebind() on exec: BOs of @vm that were evicted from VRAM
 * go back, without evicting each other (the VM is validating).
 */
int sim_vm_validate(struct sim_vm *vm)
{
	if (!vm->gpu->info->dgfx || vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE)
		return 0;
	vm->rebind = false;
	for (uint32_t i = 0; i < vm->gpuva.num_vmas; i++) {
		struct sim_bo *bo = vm->gpuva.vmas[i].bo;
		int err;

		if (!bo || vm->gpuva.vmas[i].userptr)
			continue;
		err = sim_bo_validate(bo, vm, NULL, 0);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The PCI barrier page (xe_device.c xe_pci_barrier_mmap): at most 4 KiB,
 * shared, write-only. The hardware page discards writes and reads back
 * 0xdeadbeef; ours is plain memory filled with that pattern, so a write is
 * read back (IGT's pci-membarrier tests also need debugfs, see
 * igt-exclusions.txt).
 */
void *sim_pci_barrier_mmap(const struct sim_gpu *gpu, void *addr, size_t len,
			   int prot, int flags)
{
	uint32_t *p;

	if (!gpu->info->dgfx || len > SIM_PAGE_SIZE || !(flags & MAP_SHARED) ||
	    prot & (PROT_READ | PROT_EXEC)) {
		SIM_ERR(-EINVAL, "PCI barrier mmap len %zu prot %#x flags %#x",
			len, prot, flags);
		return NULL;
	}
	p = sim_real_mmap(addr, SIM_PAGE_SIZE, PROT_READ | PROT_WRITE,
			  (flags & MAP_FIXED) | MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	for (size_t i = 0; i < SIM_PAGE_SIZE / sizeof(*p); i++)
		p[i] = 0xdeadbeef;
	return p;
}
