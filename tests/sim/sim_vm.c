// SPDX-License-Identifier: MIT
/*
 * VMs and VM_BIND, following xe_vm.c (xe_vm_create_ioctl,
 * xe_vm_destroy_ioctl, vm_bind_ioctl_check_args, xe_vm_bind_ioctl,
 * xe_vm_bind_ioctl_validate_bo) and drm_gpuvm's split/merge rules: a MAP
 * replaces whatever overlapped it, an UNMAP may cut a mapping in pieces, and
 * an operation with nothing to do completes as a sync point (-ENODATA
 * internally). The mapping list is updated at ioctl time, as the gpuva tree
 * is; the bind's fence signals once its in-fences have.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define ALL_VM_CREATE_FLAGS (DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE | \
			     DRM_XE_VM_CREATE_FLAG_LR_MODE | \
			     DRM_XE_VM_CREATE_FLAG_FAULT_MODE | \
			     DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT)

#define SUPPORTED_BIND_FLAGS (DRM_XE_VM_BIND_FLAG_READONLY | \
			      DRM_XE_VM_BIND_FLAG_IMMEDIATE | \
			      DRM_XE_VM_BIND_FLAG_NULL | \
			      DRM_XE_VM_BIND_FLAG_DUMPABLE | \
			      DRM_XE_VM_BIND_FLAG_CHECK_PXP | \
			      DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR | \
			      DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET | \
			      DRM_XE_VM_BIND_FLAG_DECOMPRESS)

static struct sim_list all_vms = { &all_vms, &all_vms };

struct sim_vm *sim_vm_lookup(struct sim_file *f, uint32_t id)
{
	struct sim_vm *vm = sim_idr_find(&f->vms, id);

	return vm && !vm->closed ? vm : NULL;
}

static uint64_t vm_size(void)
{
	return 1ull << sim.dev->va_bits;
}

static void vma_release(struct sim_vma *v)
{
	sim_bo_put(v->bo);
	v->bo = NULL;
}

static void vm_clear(struct sim_vma_list *vm)
{
	for (uint32_t i = 0; i < vm->num_vmas; i++)
		vma_release(&vm->vmas[i]);
	vm->num_vmas = 0;
}

void sim_vm_put(struct sim_vm *vm)
{
	if (!vm || --vm->refcount)
		return;
	vm_clear(&vm->gpuva);
	vm_clear(&vm->pt);
	free(vm->gpuva.vmas);
	free(vm->pt.vmas);
	for (uint32_t i = 0; i < vm->num_rfences; i++)
		sim_fence_put(vm->rfences[i].fence);
	free(vm->rfences);
	sim_queue_put(vm->bindq);
	sim_list_del(&vm->link);
	free(vm);
}

void sim_file_release_vms(struct sim_file *f)
{
	for (uint32_t i = 1; i < f->vms.size; i++) {
		struct sim_vm *vm = sim_idr_remove(&f->vms, i);

		if (!vm)
			continue;
		vm->closed = true;
		vm_clear(&vm->gpuva);
		vm_clear(&vm->pt);
		sim_vm_put(vm);
	}
	sim_idr_free(&f->vms);
}

int sim_ioctl_vm_create(struct sim_file *f, void *data)
{
	struct drm_xe_vm_create *a = data;
	struct sim_vm *vm;
	uint32_t id;
	int err;

	if (a->extensions)
		return SIM_ERR(-EINVAL, "extensions");
	/* Xe2 has USM (xe_pci.c XE2_GFX_FEATURES .has_usm = 1) */
	if (a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "reserved");
	if (a->flags & ~ALL_VM_CREATE_FLAGS)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (!(a->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) &&
	    a->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE)
		return SIM_ERR(-EINVAL, "FAULT_MODE needs LR_MODE");
	if (!(a->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
	    a->flags & DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT)
		return SIM_ERR(-EINVAL, "NO_VM_OVERCOMMIT needs FAULT_MODE");
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->refcount = 1;
	vm->flags = a->flags;
	vm->file = f;
	vm->gpu = f->gpu;
	sim_list_add_tail(&vm->link, &all_vms);
	err = sim_idr_alloc(&f->vms, vm, &id);
	if (err) {
		sim_list_del(&vm->link);
		free(vm);
		return err;
	}
	a->vm_id = id;
	return 0;
}

int sim_ioctl_vm_destroy(struct sim_file *f, void *data)
{
	struct drm_xe_vm_destroy *a = data;
	struct sim_vm *vm;

	if (a->pad || a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "pad/reserved");
	vm = sim_idr_find(&f->vms, a->vm_id);
	if (!vm)
		return SIM_ERR(-ENOENT, "no vm %u", a->vm_id);
	/* preempt-fence mode (LR without faults) VMs with live queues */
	if ((vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) &&
	    !(vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
	    vm->num_exec_queues)
		return SIM_ERR(-EBUSY, "vm %u has exec queues", a->vm_id);
	sim_idr_remove(&f->vms, a->vm_id);
	/*
	 * xe_vm_close_and_put() waits, uninterruptibly and without a timeout,
	 * for the VM's work (its BOOKKEEP fences). The simulator waits for the
	 * VM's exec jobs; each ends, or times out, on the worker.
	 */
	while (vm->active_jobs) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&sim.cond, &sim.lock, &ts);
	}
	vm->closed = true;
	vm_clear(&vm->gpuva);
	vm_clear(&vm->pt);
	sim_vm_put(vm);
	return 0;
}

/* A BO of @vm: VM-private to it, or bound in its GPU VA tree. */
bool sim_vm_has_bo(const struct sim_vm *vm, const struct sim_bo *bo)
{
	if (bo->vm == vm)
		return true;
	for (uint32_t i = 0; i < vm->gpuva.num_vmas; i++)
		if (vm->gpuva.vmas[i].bo == bo && !vm->gpuva.vmas[i].userptr)
			return true;
	return false;
}

/*
 * Evicting a BO of an LR VM in preempt-fence mode waits on the VM's preempt
 * fences: its queues are preempted and its rebind worker
 * (preempt_rebind_work_func) must put the BO back before they run again.
 */
void sim_vm_bo_evicted(const struct sim_bo *bo)
{
	struct sim_list *pos, *n;

	sim_list_for_each_safe(pos, n, &all_vms) {
		struct sim_vm *vm = sim_container_of(pos, struct sim_vm, link);

		if ((vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) &&
		    !(vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
		    !vm->closed && !vm->banned &&
		    sim_vm_has_bo(vm, bo)) {
			vm->rebind = true;
		}
	}
}

/*
 * The rebind worker of a preempted LR VM: it revalidates the VM's BOs
 * without evicting its own; when they do not fit, the worker fails and
 * xe_vm_kill() bans the VM and its queues. xe runs it from a workqueue
 * soon after the eviction; we run it when the VM next executes, which is
 * one of the orders the real driver allows.
 */
void sim_vm_rebind_worker(struct sim_vm *vm)
{
	if (!vm->rebind || vm->closed || vm->banned)
		return;
	if (sim_vm_validate(vm)) {
		SIM_ERR(-ENOSPC, "VM worker error: killing the LR VM");
		sim_vm_kill(vm);
	}
}

/*
 * The userptr MMU notifier (xe_userptr.c vma_userptr_invalidate): before
 * the CPU mapping under a userptr binding changes, wait for the GPU work of
 * that VM to finish, so in-flight jobs never see the pages change. Later
 * execs see the new pages, as after the driver's repin.
 */
void sim_userptr_invalidate(uint64_t start, uint64_t len)
{
	struct sim_list *pos, *n;

restart:
	sim_list_for_each_safe(pos, n, &all_vms) {
		struct sim_vm *vm = sim_container_of(pos, struct sim_vm, link);

		if (!vm->active_jobs)
			continue;
		for (uint32_t i = 0; i < vm->pt.num_vmas; i++) {
			struct sim_vma *v = &vm->pt.vmas[i];
			uint64_t ustart = v->bo_offset, uend = v->bo_offset + (v->end - v->start);

			if (v->userptr && ustart < start + len && uend > start) {
				pthread_cond_wait(&sim.cond, &sim.lock);
				goto restart;
			}
		}
	}
}

/* ---- the mapping list ---- */

static int vmas_reserve(struct sim_vma_list *vm, uint32_t extra)
{
	if (vm->num_vmas + extra <= vm->cap_vmas)
		return 0;
	uint32_t cap = vm->cap_vmas ? vm->cap_vmas * 2 : 16;

	while (cap < vm->num_vmas + extra)
		cap *= 2;
	struct sim_vma *n = realloc(vm->vmas, cap * sizeof(*n));

	if (!n)
		return -ENOMEM;
	vm->vmas = n;
	vm->cap_vmas = cap;
	return 0;
}

/* Whether @v covers any of [start, end). */
static bool vma_overlaps(const struct sim_vma *v, uint64_t start, uint64_t end)
{
	return v->start < end && v->end > start;
}

/* Whether any mapping of @vm covers any of [start, end). */
static bool vmas_any(const struct sim_vma_list *vm, uint64_t start, uint64_t end)
{
	for (uint32_t i = 0; i < vm->num_vmas; i++)
		if (vma_overlaps(&vm->vmas[i], start, end))
			return true;
	return false;
}

/* xe_pt_shift(): the VA bits one entry of a level-@level table covers */
#define PT_SHIFT(level)	(12 + 9 * (level))
#define PT_LEVELS	4	/* 48-bit VA: levels 0 (PTEs) to 3 */

/*
 * Whether the page table of level @level that holds @va exists apart from
 * [start, end): xe keeps a table while a mapping under it remains.
 */
static bool pt_exists(const struct sim_vma_list *vm, uint32_t level, uint64_t va,
		      uint64_t start, uint64_t end)
{
	uint64_t size = 1ull << PT_SHIFT(level + 1);
	uint64_t rs = va & ~(size - 1), re = rs + size;

	for (uint32_t i = 0; i < vm->num_vmas; i++) {
		const struct sim_vma *v = &vm->vmas[i];

		if (vma_overlaps(v, rs, re) && (v->start < start || v->end > end))
			return true;
	}
	return level + 1 >= PT_LEVELS;
}

/*
 * xe_pt_update_ops_rfence_interval(): the interval a bind of [start, end)
 * guards, aligned to the entry size of the highest-level table it writes
 * (the lowest table already there), merged into [*rs, *rl].
 */
static void rfence_interval(const struct sim_vma_list *vm, uint64_t start,
			    uint64_t end, uint64_t *rs, uint64_t *rl)
{
	uint32_t level = 0;
	uint64_t a, l;

	if (start >= end)
		return;
	while (level + 1 < PT_LEVELS &&
	       !(pt_exists(vm, level, start, start, end) &&
		 pt_exists(vm, level, end - 1, start, end)))
		level++;
	a = start & ~((1ull << PT_SHIFT(level)) - 1);
	l = ((end + (1ull << PT_SHIFT(level)) - 1) & ~((1ull << PT_SHIFT(level)) - 1)) - 1;
	if (a < *rs)
		*rs = a;
	if (l > *rl)
		*rl = l;
}

static void bind_rfence_interval(const struct sim_vma_list *vm,
				 const struct drm_xe_vm_bind_op *op,
				 const struct sim_bo *bo, uint64_t *rs, uint64_t *rl)
{
	if (op->op != DRM_XE_VM_BIND_OP_UNMAP_ALL) {
		rfence_interval(vm, op->addr, op->addr + op->range, rs, rl);
		return;
	}
	for (uint32_t i = 0; i < vm->num_vmas; i++)
		if (vm->vmas[i].bo == bo)
			rfence_interval(vm, vm->vmas[i].start, vm->vmas[i].end, rs, rl);
}

/*
 * Remove [start, end) from the list, cutting mappings that straddle an edge.
 * Return: whether anything was mapped there, or -ENOMEM.
 */
static int vmas_cut(struct sim_vma_list *vm, uint64_t start, uint64_t end)
{
	bool found = false;
	uint32_t i = 0;

	if (vmas_reserve(vm, 1))
		return -ENOMEM;
	while (i < vm->num_vmas) {
		struct sim_vma *v = &vm->vmas[i];

		if (!vma_overlaps(v, start, end)) {
			i++;
			continue;
		}
		found = true;
		if (v->start < start && v->end > end) {
			/* split in two around the hole */
			struct sim_vma tail = *v;

			memmove(v + 2, v + 1, (vm->num_vmas - i - 1) * sizeof(*v));
			tail.bo_offset += end - v->start;
			tail.start = end;
			if (tail.bo)
				tail.bo->refcount++;
			v->end = start;
			vm->vmas[i + 1] = tail;
			vm->num_vmas++;
			return true;
		}
		if (v->start < start) {
			v->end = start;
			i++;
		} else if (v->end > end) {
			v->bo_offset += end - v->start;
			v->start = end;
			i++;
		} else {
			vma_release(v);
			memmove(v, v + 1, (vm->num_vmas - i - 1) * sizeof(*v));
			vm->num_vmas--;
		}
	}
	return found;
}

static int vmas_insert(struct sim_vma_list *vm, const struct sim_vma *nv)
{
	uint32_t i = 0;

	if (vmas_reserve(vm, 1))
		return -ENOMEM;
	while (i < vm->num_vmas && vm->vmas[i].start < nv->start)
		i++;
	memmove(&vm->vmas[i + 1], &vm->vmas[i], (vm->num_vmas - i) * sizeof(*nv));
	vm->vmas[i] = *nv;
	vm->num_vmas++;
	return 0;
}

static struct sim_vma *vma_find(struct sim_vma_list *vm, uint64_t va)
{
	uint32_t lo = 0, hi = vm->num_vmas;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		struct sim_vma *v = &vm->vmas[mid];

		if (va < v->start)
			hi = mid;
		else if (va >= v->end)
			lo = mid + 1;
		else
			return v;
	}
	return NULL;
}

static uint8_t scratch[SIM_PAGE_SIZE];
static uint8_t scratch_sink[SIM_PAGE_SIZE];

/*
 * The GPU's page walk: a host pointer for va and in *run how many bytes
 * from it are contiguous in host memory (at most @len, up to the end of the
 * mapping or of the scratch page). NULL is a fault. Unmapped reads of a
 * scratch-page VM and NULL bindings see zeroes; writes there are dropped.
 * Adjacent mappings are separate host ranges (two userptrs next to each
 * other in the VA need not be next to each other in the CPU's address
 * space), so a longer access walks them with sim_vm_access().
 */
void *sim_vm_translate_run(struct sim_vm *vm, uint64_t va, uint64_t len,
			   bool write, uint64_t *run)
{
	struct sim_vma *v = vma_find(&vm->pt, va);
	uint64_t in_page = SIM_PAGE_SIZE - (va & (SIM_PAGE_SIZE - 1));

	if (!v && !(vm->flags & DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE))
		return NULL;
	if (v && write && v->readonly)
		return NULL;
	if (!v || (!v->bo && !v->userptr)) {
		/* the scratch page, or a NULL binding */
		*run = len < in_page ? len : in_page;
		return write ? scratch_sink : memset(scratch, 0, sizeof(scratch));
	}
	*run = len < v->end - va ? len : v->end - va;
	if (v->userptr)
		return (void *)(uintptr_t)(v->bo_offset + (va - v->start));
	return (uint8_t *)v->bo->map + v->bo_offset + (va - v->start);
}

/* A pointer for [va, va + len) when that is one host range, else NULL. */
void *sim_vm_translate(struct sim_vm *vm, uint64_t va, uint64_t len, bool write)
{
	uint64_t run;
	void *p = sim_vm_translate_run(vm, va, len, write, &run);

	return p && run == len ? p : NULL;
}

bool sim_vm_access(struct sim_vm *vm, uint64_t va, void *buf, uint64_t len,
		   bool write, uint64_t *fault_va)
{
	uint8_t *b = buf;

	while (len) {
		uint64_t run;
		void *p = sim_vm_translate_run(vm, va, len, write, &run);

		if (!p) {
			*fault_va = va;
			return false;
		}
		if (write)
			memcpy(p, b, run);
		else
			memcpy(b, p, run);
		va += run;
		b += run;
		len -= run;
	}
	return true;
}

/* ---- VM_BIND ---- */

static int check_op(struct sim_vm *vm, const struct drm_xe_vm_bind_op *op)
{
	bool is_null = op->flags & DRM_XE_VM_BIND_FLAG_NULL;
	bool mirror = op->flags & DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR;
	bool decompress = op->flags & DRM_XE_VM_BIND_FLAG_DECOMPRESS;
	bool fault_mode = vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE;
	uint16_t coh;

	if (mirror && !fault_mode)
		return SIM_ERR(-EINVAL, "CPU_ADDR_MIRROR outside fault mode");
	if (op->pat_index >= sim.dev->pat_entries)
		return SIM_ERR(-EINVAL, "pat_index %u", op->pat_index);
	coh = sim_pat_coh(op->pat_index);
	if (!coh)
		return SIM_ERR(-EINVAL, "pat_index %u is reserved", op->pat_index);
	if (op->op > DRM_XE_VM_BIND_OP_PREFETCH ||
	    op->flags & ~SUPPORTED_BIND_FLAGS ||
	    (op->obj && (is_null || mirror)) ||
	    (op->obj_offset && (is_null || mirror)) ||
	    (op->op != DRM_XE_VM_BIND_OP_MAP && (decompress || is_null || mirror)) ||
	    (!op->obj && op->op == DRM_XE_VM_BIND_OP_MAP && !is_null && !mirror) ||
	    (!op->obj && op->op == DRM_XE_VM_BIND_OP_UNMAP_ALL) ||
	    (op->addr && op->op == DRM_XE_VM_BIND_OP_UNMAP_ALL) ||
	    (op->range && op->op == DRM_XE_VM_BIND_OP_UNMAP_ALL) ||
	    (op->obj && op->op == DRM_XE_VM_BIND_OP_MAP_USERPTR) ||
	    (coh == SIM_COH_NONE && op->op == DRM_XE_VM_BIND_OP_MAP_USERPTR) ||
	    (coh == SIM_COH_NONE && mirror) ||
	    (op->obj && op->op == DRM_XE_VM_BIND_OP_PREFETCH) ||
	    (op->prefetch_mem_region_instance &&
	     op->op != DRM_XE_VM_BIND_OP_PREFETCH) ||
	    (op->prefetch_mem_region_instance !=
	     (uint32_t)DRM_XE_CONSULT_MEM_ADVISE_PREF_LOC &&
	     (op->prefetch_mem_region_instance >= 32 ||
	      !((1u << op->prefetch_mem_region_instance) & 0x1))) ||
	    (op->obj && op->op == DRM_XE_VM_BIND_OP_UNMAP) ||
	    ((op->flags & DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET) &&
	     (!mirror || op->op != DRM_XE_VM_BIND_OP_MAP)))
		return SIM_ERR(-EINVAL, "op %u flags %#x obj %u", op->op,
			       op->flags, op->obj);
	if ((op->obj_offset | op->addr | op->range) & (SIM_PAGE_SIZE - 1) ||
	    (!op->range && op->op != DRM_XE_VM_BIND_OP_UNMAP_ALL))
		return SIM_ERR(-EINVAL, "unaligned or empty range");
	/* flat CCS decompression needs a discrete part */
	if (decompress)
		return SIM_ERR(-EOPNOTSUPP, "DECOMPRESS on an integrated part");
	return 0;
}

static int check_bo(struct sim_vm *vm, struct sim_bo *bo,
		    const struct drm_xe_vm_bind_op *op)
{
	uint16_t coh = sim_pat_coh(op->pat_index);

	if (op->range > bo->size || op->obj_offset > bo->size - op->range)
		return SIM_ERR(-EINVAL, "range beyond the BO");
	if (bo->cpu_caching) {
		if (coh == SIM_COH_NONE && bo->cpu_caching == DRM_XE_GEM_CPU_CACHING_WB)
			return SIM_ERR(-EINVAL, "non-coherent PAT on a WB BO");
	} else if (coh == SIM_COH_NONE) {
		return SIM_ERR(-EINVAL, "non-coherent PAT on an imported BO");
	}
	if (bo->vm && bo->vm != vm)
		return SIM_ERR(-EINVAL, "BO is private to another VM");
	return 0;
}

/* The userptr range is pinned at bind time: unmapped memory is EFAULT. */
static int check_userptr(uint64_t addr, uint64_t range)
{
	uint8_t b;

	if (sim_copy_from_user(&b, addr, 1) ||
	    sim_copy_from_user(&b, addr + range - 1, 1))
		return SIM_ERR(-EFAULT, "userptr %#llx not mapped",
			       (unsigned long long)addr);
	return 0;
}

/* Apply one validated op. Return 1 when it changed something, or -errno. */
static int apply_op(struct sim_vma_list *vm, const struct drm_xe_vm_bind_op *op,
		    struct sim_bo *bo)
{
	struct sim_vma nv = { 0 };
	int ret;

	switch (op->op) {
	case DRM_XE_VM_BIND_OP_MAP:
	case DRM_XE_VM_BIND_OP_MAP_USERPTR:
		if (op->flags & DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR)
			return SIM_ERR(-EOPNOTSUPP, "CPU_ADDR_MIRROR is not simulated");
		ret = vmas_cut(vm, op->addr, op->addr + op->range);
		if (ret < 0)
			return ret;
		nv.start = op->addr;
		nv.end = op->addr + op->range;
		nv.pat_index = op->pat_index;
		nv.readonly = op->flags & DRM_XE_VM_BIND_FLAG_READONLY;
		if (op->op == DRM_XE_VM_BIND_OP_MAP_USERPTR) {
			nv.userptr = true;
			nv.bo_offset = op->userptr;
		} else if (bo) {
			nv.bo = bo;
			nv.bo_offset = op->obj_offset;
			bo->refcount++;
		}
		ret = vmas_insert(vm, &nv);
		if (ret && bo)
			bo->refcount--;
		return ret ? ret : 1;
	case DRM_XE_VM_BIND_OP_UNMAP:
		return vmas_cut(vm, op->addr, op->addr + op->range);
	case DRM_XE_VM_BIND_OP_UNMAP_ALL: {
		bool found = false;

		for (uint32_t i = 0; i < vm->num_vmas;) {
			if (vm->vmas[i].bo == bo) {
				vma_release(&vm->vmas[i]);
				memmove(&vm->vmas[i], &vm->vmas[i + 1],
					(vm->num_vmas - i - 1) * sizeof(vm->vmas[0]));
				vm->num_vmas--;
				found = true;
			} else {
				i++;
			}
		}
		return found;
	}
	case DRM_XE_VM_BIND_OP_PREFETCH:
		/* nothing to migrate on a system-memory-only part */
		return vmas_any(vm, op->addr, op->addr + op->range);
	}
	return -EINVAL;
}

/*
 * op_lock_and_prep(): a MAP validates its BO, unless the VM is in fault mode
 * and the bind is not IMMEDIATE. Other BOs bound to the VM may be evicted
 * for it only by a single bind on a VM that allows it
 * (xe_vm_allow_vm_eviction: not LR, or fault mode without
 * NO_VM_OVERCOMMIT); the BOs of the same array stay locked.
 */
static int bind_validate(struct sim_vm *vm, const struct drm_xe_vm_bind_op *ops,
			 struct sim_bo *const *bos, uint32_t num)
{
	bool fault = vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE;
	bool allow = !(vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) ||
		     (fault && !(vm->flags & DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT));
	struct sim_vm *validating = allow && num == 1 ? NULL : vm;

	for (uint32_t i = 0; i < num; i++) {
		int err;

		if (!bos[i] || ops[i].op != DRM_XE_VM_BIND_OP_MAP ||
		    (fault && !(ops[i].flags & DRM_XE_VM_BIND_FLAG_IMMEDIATE)))
			continue;
		err = sim_bo_validate(bos[i], validating, bos, num);
		if (err)
			return err;
	}
	return 0;
}

int sim_ioctl_vm_bind(struct sim_file *f, void *data)
{
	struct drm_xe_vm_bind *a = data;
	struct drm_xe_vm_bind_op *ops = &a->bind;
	struct sim_exec_queue *q = NULL;
	struct sim_bo **bos = NULL;
	struct sim_sync *syncs = NULL;
	struct sim_bind_work *work;
	struct sim_fence *fence;
	unsigned int sflags = 0;
	struct sim_vm *vm;
	uint32_t i, nufence = 0;
	uint64_t rf_start = ~0ull, rf_last = 0;
	int err;

	vm = sim_vm_lookup(f, a->vm_id);
	if (!vm)
		return SIM_ERR(-EINVAL, "no vm %u", a->vm_id);
	if (a->pad || a->pad2 || a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "pad/reserved");
	if (a->extensions)
		return SIM_ERR(-EINVAL, "extensions");
	if (a->num_syncs > DRM_XE_MAX_SYNCS)
		return SIM_ERR(-EINVAL, "num_syncs %u", a->num_syncs);
	if (a->num_binds > 1) {
		/*
		 * vm_bind_ioctl_check_args(): the array is one kvmalloc, which
		 * refuses more than INT_MAX bytes; any failed allocation of an
		 * array of binds is ENOBUFS.
		 */
		if ((uint64_t)a->num_binds * sizeof(*ops) > INT32_MAX)
			return SIM_ERR(-ENOBUFS, "num_binds %u", a->num_binds);
		ops = calloc(a->num_binds, sizeof(*ops));
		if (!ops)
			return SIM_ERR(-ENOBUFS, "num_binds %u", a->num_binds);
		err = sim_copy_from_user(ops, a->vector_of_binds,
					 (size_t)a->num_binds * sizeof(*ops));
		if (err)
			goto out;
	}
	for (i = 0; i < a->num_binds; i++) {
		err = check_op(vm, &ops[i]);
		if (err)
			goto out;
	}
	if (a->exec_queue_id) {
		q = sim_queue_lookup(f, a->exec_queue_id);
		if (!q) {
			err = SIM_ERR(-ENOENT, "no exec queue %u", a->exec_queue_id);
			goto out;
		}
		if (!q->bind || q->vm != vm) {
			err = SIM_ERR(-EINVAL, "queue %u is not a bind queue of vm %u",
				      a->exec_queue_id, a->vm_id);
			goto out;
		}
	}
	for (i = 0; i < a->num_binds; i++) {
		if (ops[i].range > vm_size() || ops[i].addr > vm_size() - ops[i].range) {
			err = SIM_ERR(-EINVAL, "range beyond the VM");
			goto out;
		}
	}
	bos = calloc(a->num_binds ? a->num_binds : 1, sizeof(*bos));
	if (!bos) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < a->num_binds; i++) {
		if (!ops[i].obj)
			continue;
		bos[i] = sim_bo_lookup(f, ops[i].obj);
		if (!bos[i]) {
			err = SIM_ERR(-ENOENT, "no handle %u", ops[i].obj);
			goto out;
		}
		err = check_bo(vm, bos[i], &ops[i]);
		if (err)
			goto out;
	}
	if (vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE)
		sflags |= SIM_SYNC_LR;
	if (!a->num_binds)
		sflags |= SIM_SYNC_NO_UFENCE;
	err = sim_syncs_parse(f, a->syncs, a->num_syncs, sflags, &syncs);
	if (err)
		goto out;
	for (i = 0; i < a->num_syncs; i++)
		nufence += syncs[i].type == DRM_XE_SYNC_TYPE_USER_FENCE;
	if (nufence > 1) {
		err = SIM_ERR(-EINVAL, "more than one user fence");
		goto out_syncs;
	}
	for (i = 0; i < a->num_binds; i++) {
		if (ops[i].op == DRM_XE_VM_BIND_OP_MAP_USERPTR) {
			err = check_userptr(ops[i].userptr, ops[i].range);
			if (err)
				goto out_syncs;
		}
	}
	if (vm->banned) {
		err = SIM_ERR(-ENOENT, "vm %u is banned", a->vm_id);
		goto out_syncs;
	}
	err = bind_validate(vm, ops, bos, a->num_binds);
	if (err)
		goto out_syncs;
	/* the page-table interval, from the tree before this bind's ops */
	for (i = 0; i < a->num_binds; i++)
		bind_rfence_interval(&vm->gpuva, &ops[i], bos[i], &rf_start, &rf_last);
	/* gpuvm commits each op to its tree as it is parsed */
	for (i = 0; i < a->num_binds; i++) {
		err = apply_op(&vm->gpuva, &ops[i], bos[i]);
		if (err < 0)
			goto out_syncs;
	}
	work = calloc(1, sizeof(*work));
	if (!work) {
		err = -ENOMEM;
		goto out_syncs;
	}
	work->vm = vm;
	vm->refcount++;
	work->num_ops = a->num_binds;
	work->rf_start = rf_start;
	work->rf_last = rf_last;
	work->bos = bos;
	bos = NULL;
	for (i = 0; i < work->num_ops; i++)
		if (work->bos[i])
			work->bos[i]->refcount++;
	if (ops == &a->bind) {
		work->ops = malloc(sizeof(*ops));
		if (work->ops)
			*work->ops = a->bind;
	} else {
		work->ops = ops;
		ops = &a->bind;
	}
	if (!work->ops) {
		sim_bind_work_free(work);
		err = -ENOMEM;
		goto out_syncs;
	}
	fence = sim_bind_submit(vm, q, syncs, a->num_syncs, work);
	err = fence ? 0 : -ENOMEM;
	sim_fence_put(fence);
out_syncs:
	sim_syncs_free(syncs, a->num_syncs);
out:
	free(bos);
	if (ops != &a->bind)
		free(ops);
	return err;
}

/* The bind job ran: make its ops visible to the GPU. */
void sim_bind_work_apply(struct sim_bind_work *w)
{
	for (uint32_t i = 0; i < w->num_ops; i++)
		if (apply_op(&w->vm->pt, &w->ops[i], w->bos[i]) < 0)
			sim_debug("bind op %u: out of memory applying", i);
}

void sim_bind_work_free(struct sim_bind_work *w)
{
	if (!w)
		return;
	for (uint32_t i = 0; i < w->num_ops; i++)
		sim_bo_put(w->bos[i]);
	free(w->bos);
	free(w->ops);
	sim_vm_put(w->vm);
	free(w);
}

/* ---- MADVISE, VM_QUERY_MEM_RANGE_ATTRS, VM_GET_PROPERTY ---- */

/* xe_vm_madvise.c madvise_args_are_sane() */
static int madvise_check_args(const struct drm_xe_madvise *a)
{
	if ((a->start | a->range) & (SIM_PAGE_SIZE - 1) || a->range < SIM_PAGE_SIZE)
		return SIM_ERR(-EINVAL, "unaligned range");
	switch (a->type) {
	case DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC:
		if ((int32_t)a->preferred_mem_loc.devmem_fd < DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM ||
		    ((int32_t)a->preferred_mem_loc.devmem_fd <= DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE &&
		     a->preferred_mem_loc.region_instance) ||
		    a->preferred_mem_loc.migration_policy > DRM_XE_MIGRATE_ONLY_SYSTEM_PAGES ||
		    a->preferred_mem_loc.reserved)
			return SIM_ERR(-EINVAL, "preferred location");
		break;
	case DRM_XE_MEM_RANGE_ATTR_ATOMIC:
		if (a->atomic.val > DRM_XE_ATOMIC_CPU || a->atomic.pad || a->atomic.reserved)
			return SIM_ERR(-EINVAL, "atomic %u", a->atomic.val);
		break;
	case DRM_XE_MEM_RANGE_ATTR_PAT:
		if (!sim_pat_coh(a->pat_index.val) || a->pat_index.pad || a->pat_index.reserved)
			return SIM_ERR(-EINVAL, "pat %u", a->pat_index.val);
		break;
	case DRM_XE_VMA_ATTR_PURGEABLE_STATE:
		if (a->purge_state_val.val > DRM_XE_VMA_PURGEABLE_STATE_DONTNEED ||
		    a->purge_state_val.pad)
			return SIM_ERR(-EINVAL, "purgeable state %u", a->purge_state_val.val);
		break;
	default:
		return SIM_ERR(-EINVAL, "type %u", a->type);
	}
	if (a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "reserved");
	return 0;
}

/*
 * drm_gpuvm_madvise_ops_create(): mappings without a BO (userptr, NULL)
 * are split at the range's edges; a BO mapping is taken whole. The pieces
 * keep their attributes, as a REMAP copies them.
 */
static int madvise_split(struct sim_vma_list *vm, uint64_t start, uint64_t end)
{
	uint64_t edge[2] = { start, end };

	for (int e = 0; e < 2; e++) {
		struct sim_vma *v = vma_find(vm, edge[e]);
		struct sim_vma tail;

		if (!v || v->bo || v->start == edge[e])
			continue;
		if (vmas_reserve(vm, 1))
			return -ENOMEM;
		v = vma_find(vm, edge[e]);
		tail = *v;
		tail.start = edge[e];
		tail.bo_offset += edge[e] - v->start;
		v->end = edge[e];
		vmas_insert(vm, &tail);
	}
	return 0;
}

/*
 * xe_vm_madvise.c check_pat_args_are_sane() and check_bo_args_are_sane()
 * for an integrated part: every BO is in system memory, where device
 * atomics work (has_device_atomics_on_smem) but global ones need VRAM too.
 */
static int madvise_check_vmas(struct sim_vm *vm, const struct drm_xe_madvise *a,
			      uint64_t start, uint64_t end)
{
	bool coh_none = a->type == DRM_XE_MEM_RANGE_ATTR_PAT &&
			sim_pat_coh(a->pat_index.val) == SIM_COH_NONE;

	for (uint32_t i = 0; i < vm->gpuva.num_vmas; i++) {
		struct sim_vma *v = &vm->gpuva.vmas[i];

		if (!vma_overlaps(v, start, end))
			continue;
		if (coh_none && v->bo && (v->bo->cpu_caching == DRM_XE_GEM_CPU_CACHING_WB ||
					  !v->bo->cpu_caching))
			return SIM_ERR(-EINVAL, "non-coherent PAT over a cached BO");
		if (coh_none && v->userptr)
			return SIM_ERR(-EINVAL, "non-coherent PAT over a userptr");
		if (a->type == DRM_XE_MEM_RANGE_ATTR_ATOMIC && v->bo &&
		    a->atomic.val == DRM_XE_ATOMIC_GLOBAL)
			return SIM_ERR(-EINVAL, "global atomics need VRAM");
	}
	return 0;
}

int sim_ioctl_madvise(struct sim_file *f, void *data)
{
	struct drm_xe_madvise *a = data;
	uint64_t start, end;
	struct sim_vm *vm;
	uint32_t retained;
	int err;

	vm = sim_vm_lookup(f, a->vm_id);
	if (!vm)
		return SIM_ERR(-EINVAL, "no vm %u", a->vm_id);
	err = madvise_check_args(a);
	if (err)
		return err;
	if (a->type == DRM_XE_VMA_ATTR_PURGEABLE_STATE) {
		if (a->purge_state_val.retained_ptr) {
			if (sim_copy_from_user(&retained, a->purge_state_val.retained_ptr,
					       sizeof(retained)))
				return SIM_ERR(-EFAULT, "retained_ptr");
			if (retained)
				return SIM_ERR(-EINVAL, "retained not zeroed");
		}
		return SIM_ERR(-EOPNOTSUPP, "purgeable BOs are not simulated");
	}
	/* the GPU VA without its canonical sign extension */
	start = a->start & (vm_size() - 1);
	end = start + a->range;
	err = madvise_split(&vm->gpuva, start, end);
	if (err)
		return err;
	err = madvise_check_vmas(vm, a, start, end);
	if (err)
		return err;
	for (uint32_t i = 0; i < vm->gpuva.num_vmas; i++) {
		struct sim_vma *v = &vm->gpuva.vmas[i];

		if (!vma_overlaps(v, start, end))
			continue;
		/*
		 * A preferred location changes CPU-address-mirror mappings
		 * only, which are not simulated; a userptr keeps its atomics
		 * unless they become device atomics (madvise_atomic()).
		 */
		if (a->type == DRM_XE_MEM_RANGE_ATTR_ATOMIC &&
		    (!v->userptr || a->atomic.val == DRM_XE_ATOMIC_DEVICE))
			v->atomic_access = a->atomic.val;
		else if (a->type == DRM_XE_MEM_RANGE_ATTR_PAT)
			v->pat_index = (uint16_t)a->pat_index.val;
	}
	return 0;
}

/* xe_vm.c xe_vm_query_vmas_attrs_ioctl() */
int sim_ioctl_vm_query_mem_range_attrs(struct sim_file *f, void *data)
{
	struct drm_xe_vm_query_mem_range_attr *a = data;
	uint64_t end = a->start + a->range;
	struct drm_xe_mem_range_attr *attrs;
	uint32_t n = 0;
	struct sim_vm *vm;
	int err = 0;

	if ((a->num_mem_ranges == 0 && (a->vector_of_mem_attr || a->sizeof_mem_range_attr)) ||
	    (a->num_mem_ranges > 0 && (!a->vector_of_mem_attr ||
				       a->sizeof_mem_range_attr != sizeof(*attrs))))
		return SIM_ERR(-EINVAL, "num_mem_ranges %u with size %llu", a->num_mem_ranges,
			       (unsigned long long)a->sizeof_mem_range_attr);
	vm = sim_vm_lookup(f, a->vm_id);
	if (!vm)
		return SIM_ERR(-EINVAL, "no vm %u", a->vm_id);
	if (!a->num_mem_ranges) {
		for (uint32_t i = 0; i < vm->gpuva.num_vmas; i++)
			n += vma_overlaps(&vm->gpuva.vmas[i], a->start, end);
		a->num_mem_ranges = n;
		a->sizeof_mem_range_attr = sizeof(*attrs);
		return 0;
	}
	attrs = calloc(a->num_mem_ranges, sizeof(*attrs));
	if (!attrs)
		return a->num_mem_ranges > 1 ? -ENOBUFS : -ENOMEM;
	for (uint32_t i = 0; i < vm->gpuva.num_vmas; i++) {
		struct sim_vma *v = &vm->gpuva.vmas[i];

		if (!vma_overlaps(v, a->start, end))
			continue;
		if (n == a->num_mem_ranges) {
			err = SIM_ERR(-ENOSPC, "more than %u ranges", n);
			break;
		}
		/* preferred_mem_loc stays DEFAULT_DEVICE/MIGRATE_ALL_PAGES (0) */
		attrs[n].start = v->start;
		attrs[n].end = v->end;
		attrs[n].atomic.val = v->atomic_access;
		attrs[n].pat_index.val = v->pat_index;
		n++;
	}
	if (!err) {
		a->num_mem_ranges = n;
		if (sim_copy_to_user(a->vector_of_mem_attr, attrs, n * sizeof(*attrs)))
			err = -EFAULT;
	}
	free(attrs);
	return err;
}

/*
 * xe_pagefault.c xe_pagefault_save_to_vm(): a fault the driver could not
 * resolve is kept on its VM, fault mode or not, up to 50. The level is
 * where the walk stopped: the largest page-table level whose entry covers
 * no mapping at all (approximating the driver, which may keep empty
 * tables after an unbind).
 */
void sim_vm_record_fault(struct sim_vm *vm, uint64_t va, uint8_t access)
{
	uint64_t page = va & ~(uint64_t)(SIM_PAGE_SIZE - 1);
	struct sim_vma *v = vma_find(&vm->pt, page);
	struct xe_vm_fault *e;
	uint8_t level = FAULT_LEVEL_PTE;

	if (vm->num_faults >= SIM_MAX_FAULTS_PER_VM)
		return;
	for (uint8_t l = FAULT_LEVEL_PDE; l <= FAULT_LEVEL_PML4; l++) {
		uint64_t size = (uint64_t)SIM_PAGE_SIZE << (9 * l);
		uint64_t base = page & ~(size - 1);

		if (vmas_any(&vm->pt, base, base + size))
			break;
		level = l;
	}
	e = &vm->faults[vm->num_faults++];
	memset(e, 0, sizeof(*e));
	/* xe_device_canonicalize_addr(): sign-extend from bit va_bits - 1 */
	e->address = (uint64_t)((int64_t)(page << (64 - sim.dev->va_bits)) >>
				(64 - sim.dev->va_bits));
	e->address_precision = SIM_PAGE_SIZE;
	e->access_type = access;
	e->fault_type = v && v->readonly && access != FAULT_ACCESS_TYPE_READ ?
			FAULT_TYPE_WRITE_ACCESS : FAULT_TYPE_NOT_PRESENT;
	e->fault_level = level;
}

/* xe_vm.c xe_vm_get_property_ioctl() */
int sim_ioctl_vm_get_property(struct sim_file *f, void *data)
{
	struct drm_xe_vm_get_property *a = data;
	uint32_t size;
	struct sim_vm *vm;

	if (a->reserved[0] || a->reserved[1] || a->reserved[2] || a->extensions || a->pad)
		return SIM_ERR(-EINVAL, "extensions/pad/reserved");
	vm = sim_vm_lookup(f, a->vm_id);
	if (!vm)
		return SIM_ERR(-ENOENT, "no vm %u", a->vm_id);
	if (a->property != DRM_XE_VM_GET_PROPERTY_FAULTS)
		return SIM_ERR(-EINVAL, "property %u", a->property);
	size = vm->num_faults * sizeof(vm->faults[0]);
	if (!a->size) {
		a->size = size;
		return 0;
	}
	if (a->size > size || a->size % sizeof(vm->faults[0]))
		return SIM_ERR(-EINVAL, "size %u of %u", a->size, size);
	if (sim_copy_to_user(a->data, vm->faults, a->size))
		return -EFAULT;
	return 0;
}
