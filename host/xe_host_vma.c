// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: what each VM maps, as the host driver sees it.
 *
 * The host keeps its own copy of every VM's GPU VA layout, following the
 * driver's rules for binds (drm_gpuvm: a MAP replaces whatever it overlaps,
 * an UNMAP cuts, UNMAP_ALL drops every mapping of a BO). Two things need it:
 *
 * - Accounting. A BO the guest closed stays allocated while a VM maps it
 *   (the VMA holds a reference), so it stays charged until its last mapping
 *   goes. Mappings cost page tables, so their number is limited too.
 * - Guest memory. A userptr binding follows QEMU's virtual address, not the
 *   guest page: once QEMU takes back the iovecs of a guest-memory resource,
 *   that address may hold something else. Every mapping of such a resource
 *   is unbound before its iovecs go back (xe_host_vm_unbind_guest_mem()).
 *
 * Every VM keeps a sorted array of non-overlapping ranges. Called with
 * xe_host.lock held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xe_host_priv.h"

static void vma_drop(struct xe_host_vma *v)
{
	if (v->obj)
		xe_object_unbind(v->obj);
	xe_limit_release(XE_LIMIT_MAPPINGS, 1);
}

/* Insert @v at index @i; the caller charged XE_LIMIT_MAPPINGS. */
static int vma_insert(struct xe_host_vm *vm, uint32_t i, const struct xe_host_vma *v)
{
	if (vm->num_vmas == vm->cap_vmas) {
		uint32_t cap = vm->cap_vmas ? vm->cap_vmas * 2 : 16;
		struct xe_host_vma *p = realloc(vm->vmas, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		vm->vmas = p;
		vm->cap_vmas = cap;
	}
	memmove(&vm->vmas[i + 1], &vm->vmas[i],
		(vm->num_vmas - i) * sizeof(*v));
	vm->vmas[i] = *v;
	vm->num_vmas++;
	if (v->obj)
		v->obj->bindings++;
	return 0;
}

static void vma_remove(struct xe_host_vm *vm, uint32_t i)
{
	vma_drop(&vm->vmas[i]);
	memmove(&vm->vmas[i], &vm->vmas[i + 1],
		(vm->num_vmas - i - 1) * sizeof(vm->vmas[0]));
	vm->num_vmas--;
}

/* First range that ends after @addr. */
static uint32_t vma_find(const struct xe_host_vm *vm, uint64_t addr)
{
	uint32_t lo = 0, hi = vm->num_vmas;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (vm->vmas[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Remove [start, end) from @vm, splitting a range that sticks out on both
 * sides. Return: the index where [start, end) now begins, or -ENOMEM.
 */
static long vma_cut(struct xe_host_vm *vm, uint64_t start, uint64_t end,
		    uint32_t ctx_id)
{
	uint32_t i = vma_find(vm, start);
	struct xe_host_vma *v, tail;

	if (i < vm->num_vmas && vm->vmas[i].start < start && vm->vmas[i].end > end) {
		v = &vm->vmas[i];
		tail = *v;
		tail.start = end;
		if (xe_limit_charge(XE_LIMIT_MAPPINGS, 1, ctx_id) ||
		    vma_insert(vm, i + 1, &tail))
			return -ENOMEM;
		vm->vmas[i].end = start;
		return i + 1;
	}
	if (i < vm->num_vmas && vm->vmas[i].start < start) {
		vm->vmas[i].end = start;
		i++;
	}
	while (i < vm->num_vmas && vm->vmas[i].end <= end && vm->vmas[i].start < end)
		vma_remove(vm, i);
	if (i < vm->num_vmas && vm->vmas[i].start < end)
		vm->vmas[i].start = end;
	return i;
}

/**
 * xe_host_vm_op_room() - how many ranges one bind op may add at most
 * @vm: the VM, or NULL when unknown
 * @op: DRM_XE_VM_BIND_OP_*
 * @addr: the op's address
 * @range: its size
 * @after_map: an earlier op of the same bind maps something
 *
 * A MAP adds itself and may split a range around it (2). An UNMAP adds a
 * range only when one range sticks out on both sides of it (1); measured
 * against @vm as it is, that holds for any number of UNMAPs, but not after
 * a MAP of the same bind, so then it counts 1. UNMAP_ALL and PREFETCH add
 * none. So a guest at its limit can always unmap whole ranges.
 *
 * Return: 0, 1 or 2.
 */
uint32_t xe_host_vm_op_room(const struct xe_host_vm *vm, uint32_t op, uint64_t addr,
		       uint64_t range, bool after_map)
{
	uint32_t i;

	switch (op) {
	case DRM_XE_VM_BIND_OP_MAP:
	case DRM_XE_VM_BIND_OP_MAP_USERPTR:
		return 2;
	case DRM_XE_VM_BIND_OP_UNMAP:
		if (!vm || after_map || addr + range < addr)
			return 1;
		i = vma_find(vm, addr);
		return i < vm->num_vmas && vm->vmas[i].start < addr &&
		       vm->vmas[i].end > addr + range;
	default:
		return 0;
	}
}

/**
 * xe_host_vm_bind_room() - is there room for a bind on the guest's VMs?
 * @ctx: the context
 * @room: the most ranges it may add (sum of xe_host_vm_op_room())
 *
 * The exact count is charged when the ops are applied.
 *
 * Return: 0 or -ENOSPC (logged).
 */
int xe_host_vm_bind_room(struct xe_host_ctx *ctx, uint64_t room)
{
	int ret = xe_limit_charge(XE_LIMIT_MAPPINGS, room, ctx->ctx_id);

	if (!ret)
		xe_limit_release(XE_LIMIT_MAPPINGS, room);
	return ret;
}

/**
 * xe_host_vm_apply() - record binds the driver accepted
 * @ctx: the context
 * @vm: the VM
 * @ops: the uAPI ops, in order
 * @track: per op, the object or guest memory it maps
 * @n: entries
 *
 * The driver's VA layout changed whether or not this succeeds, so an
 * allocation failure here only loses track of a mapping: it is logged, and
 * the mapping count errs on the low side until the VM goes.
 */
void xe_host_vm_apply(struct xe_host_ctx *ctx, struct xe_host_vm *vm,
		 const struct drm_xe_vm_bind_op *ops,
		 const struct xe_bind_track *track, uint32_t n)
{
	uint32_t i, j;
	long at;

	for (i = 0; i < n; i++) {
		const struct drm_xe_vm_bind_op *op = &ops[i];
		struct xe_host_vma v = { .start = op->addr, .end = op->addr + op->range,
				    .obj = track[i].obj, .gm = track[i].gm };
		bool lost = false;

		switch (op->op) {
		case DRM_XE_VM_BIND_OP_MAP:
		case DRM_XE_VM_BIND_OP_MAP_USERPTR:
		case DRM_XE_VM_BIND_OP_UNMAP:
			if (!op->range || v.end < v.start)
				break;
			at = vma_cut(vm, v.start, v.end, ctx->ctx_id);
			if (at < 0) {
				lost = true;
			} else if (op->op != DRM_XE_VM_BIND_OP_UNMAP) {
				lost = xe_limit_charge(XE_LIMIT_MAPPINGS, 1, ctx->ctx_id);
				if (!lost && vma_insert(vm, (uint32_t)at, &v)) {
					xe_limit_release(XE_LIMIT_MAPPINGS, 1);
					lost = true;
				}
			}
			break;
		case DRM_XE_VM_BIND_OP_UNMAP_ALL:
			for (j = 0; j < vm->num_vmas;) {
				if (vm->vmas[j].obj && vm->vmas[j].obj == track[i].obj)
					vma_remove(vm, j);
				else
					j++;
			}
			break;
		default:
			break;
		}
		if (lost)
			xe_log_ratelimited("context %u: VM %u: lost track of a mapping (out of memory)",
					   ctx->ctx_id, vm->id);
	}
}

/**
 * xe_host_vm_clear() - forget every mapping of @vm (it is being destroyed)
 * @vm: the VM
 */
void xe_host_vm_clear(struct xe_host_vm *vm)
{
	uint32_t i;

	for (i = 0; i < vm->num_vmas; i++)
		vma_drop(&vm->vmas[i]);
	free(vm->vmas);
	vm->vmas = NULL;
	vm->num_vmas = 0;
	vm->cap_vmas = 0;
}

/* Unbind every mapping of @gm in @vm, in one vector bind. */
static int vm_unbind_gm(struct xe_host_ctx *ctx, struct xe_host_vm *vm,
			const struct xe_guest_mem *gm)
{
	struct drm_xe_vm_bind_op *ops;
	struct drm_xe_vm_bind b = { .vm_id = vm->id };
	uint32_t i, n = 0;
	int ret;

	for (i = 0; i < vm->num_vmas; i++)
		n += vm->vmas[i].gm == gm;
	if (!n)
		return 0;
	ops = calloc(n, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	for (i = 0, n = 0; i < vm->num_vmas; i++) {
		if (vm->vmas[i].gm != gm)
			continue;
		ops[n++] = (struct drm_xe_vm_bind_op){
			.addr = vm->vmas[i].start,
			.range = vm->vmas[i].end - vm->vmas[i].start,
			.op = DRM_XE_VM_BIND_OP_UNMAP,
		};
	}
	b.num_binds = n;
	if (n == 1)
		b.bind = ops[0];
	else
		b.vector_of_binds = (uintptr_t)ops;
	/*
	 * The driver takes the ranges out of the VM (and off its userptr
	 * revalidation list) before the ioctl returns; the page-table update
	 * follows asynchronously, and until then the driver's own MMU notifier
	 * keeps the pages from being reused under the GPU.
	 */
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_VM_BIND, &b);
	if (!ret) {
		for (i = 0; i < vm->num_vmas;) {
			if (vm->vmas[i].gm == gm)
				vma_remove(vm, i);
			else
				i++;
		}
	}
	free(ops);
	return ret;
}

/**
 * xe_host_vm_unbind_guest_mem() - no VM of @ctx maps @gm any more
 * @ctx: the context
 * @gm: guest memory whose iovecs QEMU is about to take back
 *
 * When the unbind itself fails, the VM is destroyed instead: a VM the guest
 * loses is better than a GPU mapping of memory that is no longer the
 * guest's. Later requests on it get ENOENT.
 */
void xe_host_vm_unbind_guest_mem(struct xe_host_ctx *ctx, struct xe_guest_mem *gm)
{
	uint64_t key;
	size_t i;
	void *val;
	int ret;

	for (i = 0; xe_map_next(&ctx->vms, &i, &key, &val);) {
		struct xe_host_vm *vm = val;

		ret = vm_unbind_gm(ctx, vm, gm);
		if (!ret)
			continue;
		xe_log("context %u: cannot unbind guest memory %u from VM %u (%s): destroying the VM",
		       ctx->ctx_id, gm->res_id, vm->id, strerror(-ret));
		xe_host_vm_destroy(ctx, vm, true);
	}
}
