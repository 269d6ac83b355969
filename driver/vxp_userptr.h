/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: MAP_USERPTR binds of guest user memory.
 */
#ifndef VXP_USERPTR_H
#define VXP_USERPTR_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct dma_fence;
struct vxp_context;
struct vxp_device;
struct vxp_vm;

/**
 * struct vxp_userptr - user memory bound into a VM with MAP_USERPTR
 * @link: in the VM's list (the VM's lock)
 * @notifier: reports changes to the CPU mapping of the range
 * @lock: protects the notifier's sequence: mmu_interval_set_seq() in the
 *	invalidate callback against the retry check of vxp_userptr_stale()
 * @seq: notifier sequence the pages were pinned at
 * @vxp: the device (a reference), for the resource's release
 * @user_addr: start of the range in the caller's address space
 * @gpu_addr: GPU virtual address it is bound at
 * @range: size in bytes
 * @pat_index: PAT index of the bind
 * @flags: DRM_XE_VM_BIND_FLAG_* of the bind
 * @res_id: guest-memory blob resource holding @pages on the host side
 * @pages: the pinned pages
 * @npages: entries in @pages
 * @charged: @npages are charged to the pinned memory of @notifier's mm
 * @users: the userptr itself until released, and each piece using @pages
 * @backing: for a piece left by a bind that cut into a userptr, the
 *	userptr whose @pages it uses (a @users reference); @pages is NULL
 * @invalid: must be rebound whatever the notifier says (a piece of a
 *	userptr that was stale already)
 * @frozen: kept pinned and never rebound until the VM goes: its memory was
 *	unmapped for good, or there was no memory to split it
 * @fences: GPU work that may still use the pages, waited for on release
 * @num_fences: entries in @fences
 * @release_work: unpins once @fences signalled
 */
struct vxp_userptr {
	struct list_head link;
	struct mmu_interval_notifier notifier;
	spinlock_t lock; /* protects notifier's seq vs. the retry check */
	unsigned long seq;
	struct vxp_device *vxp;
	u64 user_addr;
	u64 gpu_addr;
	u64 range;
	u16 pat_index;
	u32 flags;
	u32 res_id;
	struct page **pages;
	unsigned long npages;
	bool charged;
	struct kref users;
	struct vxp_userptr *backing;
	bool invalid;
	bool frozen;
	struct dma_fence **fences;
	u32 num_fences;
	struct work_struct release_work;
};

int vxp_userptr_create(struct vxp_context *ctx, u64 user_addr, u64 range,
		       u64 gpu_addr, u16 pat_index, u32 flags,
		       struct vxp_userptr **out);
void vxp_userptr_release(struct vxp_userptr *up, struct vxp_vm *vm,
			 struct dma_fence *bind_fence);
bool vxp_userptr_stale(struct vxp_userptr *up);
void vxp_vm_userptrs_unbind(struct vxp_vm *vm, u64 addr, u64 range,
			    struct dma_fence *bind_fence);
void vxp_vm_userptrs_fini(struct vxp_vm *vm);
int vxp_vm_note_exec(struct vxp_vm *vm, u32 queue_id, struct dma_fence *fence);
void vxp_vm_forget_queue(struct vxp_vm *vm, u32 queue_id);

#endif /* VXP_USERPTR_H */
