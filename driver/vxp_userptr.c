// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: MAP_USERPTR binds of guest user memory.
 *
 * The host must never map an address the guest names, so a userptr range
 * travels as pages: the guest pins them (FOLL_LONGTERM), describes them to
 * the host as a guest-memory blob resource (VIRTIO_GPU_BLOB_MEM_GUEST), and
 * the host binds that resource's pieces, which are this guest's RAM as the
 * VMM maps it (XE_PROXY_F_USERPTR in include/xe_proxy_proto.h).
 *
 * The real driver re-validates a userptr after its CPU mapping changed
 * (xe_vm.c, xe_userptr.c: an mmu_interval_notifier marks it, the next exec
 * re-pins and rebinds). Here the notifier bumps the sequence, and the next
 * exec on the VM pins the new pages, binds them over the same GPU range and
 * waits for that bind before the exec goes out. Pages that were replaced,
 * unbound or whose VM went away stay pinned until the GPU work that may
 * still use them has retired: the bind that dropped them and the last exec
 * of every queue of the VM.
 *
 * A bind that cuts into a userptr leaves the pieces outside its range bound
 * to the old pages, as xe splits the VMA. Each piece becomes a userptr of
 * its own that watches its part of the CPU range and is rebound on the
 * next exec once that part changes, as any userptr is. Until then it uses
 * the pages of the userptr it was cut from, which stay pinned (all of
 * them) while a piece still uses them.
 */
#include <linux/capability.h>
#include <linux/dma-fence.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/virtio_config.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>
#include <uapi/drm/xe_drm.h>
#include <uapi/linux/virtio_gpu.h>

#include "vxp_context.h"
#include "vxp_drv.h"
#include "vxp_resource.h"
#include "vxp_userptr.h"
#include "vxp_vm.h"
#include "vxp_vq.h"

#ifndef CONFIG_MMU_NOTIFIER
#error "virtio_xe_proxy needs CONFIG_MMU_NOTIFIER (userptr invalidation)"
#endif

/* Exec fences of destroyed queues live on above the ids queues can have. */
#define VXP_DEAD_QUEUE_KEYS	XA_LIMIT(1U << 24, U32_MAX)

static bool vxp_userptr_invalidate(struct mmu_interval_notifier *mni,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq)
{
	struct vxp_userptr *up = container_of(mni, struct vxp_userptr, notifier);

	/*
	 * Nothing to wait for: the pages stay pinned, so GPU work still using
	 * them touches memory we own. The next exec rebinds the new pages.
	 */
	spin_lock(&up->lock);
	mmu_interval_set_seq(mni, cur_seq);
	spin_unlock(&up->lock);
	return true;
}

static const struct mmu_interval_notifier_ops vxp_userptr_notifier_ops = {
	.invalidate = vxp_userptr_invalidate,
};

/**
 * vxp_userptr_stale() - whether the CPU mapping changed since the pin
 * @up: the userptr
 *
 * Return: true if the next exec must rebind it.
 */
bool vxp_userptr_stale(struct vxp_userptr *up)
{
	bool stale;

	if (up->frozen)
		return false;
	if (up->invalid)
		return true;
	spin_lock(&up->lock);
	stale = mmu_interval_read_retry(&up->notifier, up->seq);
	spin_unlock(&up->lock);
	return stale;
}

/*
 * The most pages one userptr may pin: no more than the guest has, and no
 * more than a page array kvmalloc() takes (it WARNs above INT_MAX bytes).
 */
static unsigned long vxp_userptr_max_pages(void)
{
	return min_t(unsigned long, totalram_pages(),
		     INT_MAX / sizeof(struct page *));
}

/*
 * Charge @npages long-term pinned pages to @mm as other drivers that pin
 * user memory do (ib_umem_get() in drivers/infiniband/core/umem.c): above
 * RLIMIT_MEMLOCK without CAP_IPC_LOCK, -ENOMEM. The charge shows as VmPin.
 */
static int vxp_userptr_charge(struct mm_struct *mm, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	u64 pinned = atomic64_add_return(npages, &mm->pinned_vm);

	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

/* Pin the range as it is mapped now; retried if it changes meanwhile. */
static int vxp_userptr_pin(struct vxp_userptr *up)
{
	unsigned int gup = FOLL_LONGTERM;
	long done;
	int tries;

	if (!(up->flags & DRM_XE_VM_BIND_FLAG_READONLY))
		gup |= FOLL_WRITE;
	for (tries = 0; tries < 8; tries++) {
		up->seq = mmu_interval_read_begin(&up->notifier);
		done = pin_user_pages_fast(up->user_addr, up->npages, gup,
					   up->pages);
		if (done < 0)
			return done;
		if (done < up->npages) {
			unpin_user_pages(up->pages, done);
			return -EFAULT;
		}
		if (!vxp_userptr_stale(up))
			return 0;
		unpin_user_pages(up->pages, up->npages);
	}
	return -EAGAIN;
}

/*
 * The pinned pages as guest-memory entries, physically contiguous pages
 * coalesced into one; the first @max are written to @ent (may be NULL).
 * Returns how many entries the pages take.
 */
static unsigned long vxp_userptr_entries(const struct vxp_userptr *up,
					 struct virtio_gpu_mem_entry *ent,
					 unsigned long max)
{
	phys_addr_t end = 0;
	unsigned long i, n = 0;
	u32 len = 0;

	for (i = 0; i < up->npages; i++) {
		phys_addr_t pa = page_to_phys(up->pages[i]);

		if (n && pa == end && len <= U32_MAX - PAGE_SIZE) {
			len += PAGE_SIZE;
		} else {
			n++;
			len = PAGE_SIZE;
			if (ent && n <= max)
				ent[n - 1].addr = cpu_to_le64(pa);
		}
		if (ent && n <= max)
			ent[n - 1].length = cpu_to_le32(len);
		end = pa + PAGE_SIZE;
	}
	return n;
}

/*
 * Describe the pinned pages to the host as a guest-memory blob resource.
 * The entries are counted before the request is allocated: a resource
 * takes at most XE_PROXY_MAX_GUEST_MEM_IOVS of them.
 */
static int vxp_userptr_resource(struct vxp_context *ctx, struct vxp_userptr *up)
{
	struct virtio_gpu_resource_create_blob *req;
	struct virtio_gpu_mem_entry *ent;
	struct virtio_gpu_ctrl_hdr rsp;
	unsigned long n;
	size_t len;
	int ret;

	/* Without the DMA quirk the device sits behind an IOMMU. */
	if (!virtio_has_dma_quirk(ctx->vxp->vdev))
		return -EOPNOTSUPP;
	n = vxp_userptr_entries(up, NULL, 0);
	if (n > XE_PROXY_MAX_GUEST_MEM_IOVS)
		return -E2BIG;
	len = sizeof(*req) + n * sizeof(*ent);
	req = kvzalloc(len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	ent = (void *)(req + 1);
	vxp_userptr_entries(up, ent, n);
	ret = ida_alloc_min(&ctx->vxp->res_ida, 1, GFP_KERNEL);
	if (ret < 0)
		goto out;
	up->res_id = ret;
	req->hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB);
	req->hdr.ctx_id = cpu_to_le32(ctx->ctx_id);
	req->resource_id = cpu_to_le32(up->res_id);
	req->blob_mem = cpu_to_le32(VIRTIO_GPU_BLOB_MEM_GUEST);
	req->size = cpu_to_le64(up->range);
	req->nr_entries = cpu_to_le32(n);
	ret = vxp_ctrl_cmd(ctx->vxp, req, len, &rsp, sizeof(rsp),
			   VIRTIO_GPU_RESP_OK_NODATA);
	if (ret) {
		ida_free(&ctx->vxp->res_ida, up->res_id);
		up->res_id = 0;
	}
out:
	kvfree(req);
	return ret;
}

static void vxp_userptr_free(struct kref *ref)
{
	struct vxp_userptr *up = container_of(ref, struct vxp_userptr, users);

	if (up->res_id) {
		vxp_blob_unref(up->vxp, up->res_id);
		ida_free(&up->vxp->res_ida, up->res_id);
	}
	if (up->pages) {
		unpin_user_pages_dirty_lock(up->pages, up->npages,
					    !(up->flags & DRM_XE_VM_BIND_FLAG_READONLY));
		kvfree(up->pages);
	}
	if (up->charged)
		atomic64_sub(up->npages, &up->notifier.mm->pinned_vm);
	if (up->notifier.mm)
		mmu_interval_notifier_remove(&up->notifier);
	if (up->backing)
		kref_put(&up->backing->users, vxp_userptr_free);
	vxp_device_put(up->vxp);
	kfree(up);
}

/* A userptr of these ranges and bind arguments: no pages, not watching. */
static struct vxp_userptr *vxp_userptr_alloc(struct vxp_device *vxp,
					     u64 user_addr, u64 range,
					     u64 gpu_addr, u16 pat_index,
					     u32 flags)
{
	struct vxp_userptr *up = kzalloc_obj(*up, GFP_KERNEL);

	if (!up)
		return NULL;
	INIT_LIST_HEAD(&up->link);
	spin_lock_init(&up->lock);
	kref_init(&up->users);
	kref_get(&vxp->ref);
	up->vxp = vxp;
	up->user_addr = user_addr;
	up->gpu_addr = gpu_addr;
	up->range = range;
	up->pat_index = pat_index;
	up->flags = flags;
	up->npages = range >> PAGE_SHIFT;
	return up;
}

/**
 * vxp_userptr_create() - pin user memory for a MAP_USERPTR bind
 * @ctx: the caller's context
 * @user_addr: page-aligned start in the caller's address space
 * @range: page-aligned size
 * @gpu_addr: where it is bound
 * @pat_index: PAT index of the bind
 * @flags: DRM_XE_VM_BIND_FLAG_* of the bind
 * @out: the userptr, not yet in a VM
 *
 * Pins the pages, watches the range and creates the guest-memory resource
 * the host binds. The pages are charged to the caller's pinned memory
 * until vxp_userptr_release() has unpinned them: a repin after the CPU
 * mapping changed is a new userptr, charged while the pages it replaces
 * still are, so both count against RLIMIT_MEMLOCK until the old ones go.
 *
 * Return: 0, -ENOMEM (more than the guest has or RLIMIT_MEMLOCK allows, or
 * no memory), -EFAULT (range not in the caller's address space, or not
 * mapped), -E2BIG (too fragmented for one resource), -EOPNOTSUPP (the
 * device is behind an IOMMU), or a transport errno.
 */
int vxp_userptr_create(struct vxp_context *ctx, u64 user_addr, u64 range,
		       u64 gpu_addr, u16 pat_index, u32 flags,
		       struct vxp_userptr **out)
{
	unsigned long npages = range >> PAGE_SHIFT;
	struct vxp_userptr *up;
	int ret;

	if (!current->mm)
		return -EFAULT;
	/*
	 * Checked before anything is allocated for the range: how much can
	 * be pinned before whether it is mapped, as ib_umem_get() does.
	 */
	if (npages > vxp_userptr_max_pages())
		return -ENOMEM;
	if (!access_ok(u64_to_user_ptr(user_addr), range))
		return -EFAULT;
	up = vxp_userptr_alloc(ctx->vxp, user_addr, range, gpu_addr, pat_index,
			       flags);
	if (!up)
		return -ENOMEM;
	ret = mmu_interval_notifier_insert(&up->notifier, current->mm, user_addr,
					   range, &vxp_userptr_notifier_ops);
	if (ret) {
		up->notifier.mm = NULL;
		goto err;
	}
	ret = vxp_userptr_charge(up->notifier.mm, npages);
	if (ret)
		goto err;
	up->charged = true;
	up->pages = kvmalloc_array(npages, sizeof(*up->pages), GFP_KERNEL);
	if (!up->pages) {
		ret = -ENOMEM;
		goto err;
	}
	ret = vxp_userptr_pin(up);
	if (ret)
		goto err_pages;
	ret = vxp_userptr_resource(ctx, up);
	if (ret) {
		unpin_user_pages(up->pages, up->npages);
		goto err_pages;
	}
	*out = up;
	return 0;

err_pages:
	kvfree(up->pages);
	up->pages = NULL;
err:
	kref_put(&up->users, vxp_userptr_free);
	return ret;
}

static void vxp_userptr_release_work(struct work_struct *work)
{
	struct vxp_userptr *up = container_of(work, struct vxp_userptr,
					      release_work);
	u32 i;

	for (i = 0; i < up->num_fences; i++) {
		dma_fence_wait(up->fences[i], false);
		dma_fence_put(up->fences[i]);
	}
	kvfree(up->fences);
	kref_put(&up->users, vxp_userptr_free);
}

/* References to the exec fences of @vm still running; prunes the rest. */
static u32 vxp_vm_busy_fences(struct vxp_vm *vm, struct dma_fence **out, u32 max)
{
	struct dma_fence *f;
	unsigned long key;
	u32 n = 0;

	lockdep_assert_held(&vm->lock);
	xa_for_each(&vm->exec_fences, key, f) {
		if (dma_fence_is_signaled(f)) {
			xa_erase(&vm->exec_fences, key);
			dma_fence_put(f);
			vm->num_exec_fences--;
		} else if (n < max) {
			out[n++] = dma_fence_get(f);
		}
	}
	return n;
}

/**
 * vxp_userptr_release() - unpin once the GPU cannot use the pages any more
 * @up: the userptr, no longer in a VM list
 * @vm: its VM, whose running execs are waited for, or NULL
 * @bind_fence: the bind that unmapped it, or NULL
 *
 * Called with @vm->lock held when @vm is given. The wait and the unpin
 * happen on vxp_wq.
 */
void vxp_userptr_release(struct vxp_userptr *up, struct vxp_vm *vm,
			 struct dma_fence *bind_fence)
{
	u32 max;

	if (vm)
		lockdep_assert_held(&vm->lock);
	max = 1 + (vm ? vm->num_exec_fences : 0);

	/* one per queue the VM ever ran on: only the host bounds them */
	up->fences = kvcalloc(max, sizeof(*up->fences), GFP_KERNEL);
	if (up->fences) {
		if (bind_fence)
			up->fences[up->num_fences++] = dma_fence_get(bind_fence);
		if (vm)
			up->num_fences += vxp_vm_busy_fences(vm, up->fences + up->num_fences,
							     max - up->num_fences);
	} else if (bind_fence) {
		/* No room to defer: wait here rather than unpin too early. */
		dma_fence_wait(bind_fence, false);
	}
	INIT_WORK(&up->release_work, vxp_userptr_release_work);
	queue_work(vxp_wq, &up->release_work);
}

/*
 * The part [start, start + len) of the GPU range of @up, left bound to its
 * pages by a bind that cut into @up, as a userptr of its own: it watches
 * that part of the CPU range, and holds the pages it uses until it is
 * released. Stale at once if @up was. Returns NULL without memory.
 */
static struct vxp_userptr *vxp_userptr_piece(struct vxp_userptr *up, u64 start,
					     u64 len)
{
	struct vxp_userptr *owner = up->backing ?: up;
	u64 off = start - up->gpu_addr;
	struct vxp_userptr *p;
	int ret;

	p = vxp_userptr_alloc(up->vxp, up->user_addr + off, len, start,
			      up->pat_index, up->flags);
	if (!p)
		return NULL;
	/*
	 * The unbind may come from another process after the owner's mm
	 * exited; inserting a notifier needs a live mm (mmget held).
	 */
	if (!mmget_not_zero(up->notifier.mm)) {
		p->notifier.mm = NULL;
		kref_put(&p->users, vxp_userptr_free);
		return NULL;
	}
	ret = mmu_interval_notifier_insert(&p->notifier, up->notifier.mm,
					   p->user_addr, len,
					   &vxp_userptr_notifier_ops);
	mmput(up->notifier.mm);
	if (ret) {
		p->notifier.mm = NULL;
		kref_put(&p->users, vxp_userptr_free);
		return NULL;
	}
	/* Watching first: a change after this is seen by @p, one before by @up. */
	p->seq = mmu_interval_read_begin(&p->notifier);
	p->invalid = up->frozen || vxp_userptr_stale(up);
	kref_get(&owner->users);
	p->backing = owner;
	return p;
}

/*
 * Put the pieces of @up outside [addr, end), which cuts into it, next to
 * it in its VM's list. Returns false without memory: then nothing changed.
 */
static bool vxp_userptr_cut(struct vxp_userptr *up, u64 addr, u64 end)
{
	struct vxp_userptr *head = NULL, *tail = NULL;
	u64 up_end = up->gpu_addr + up->range;

	if (up->gpu_addr < addr) {
		head = vxp_userptr_piece(up, up->gpu_addr, addr - up->gpu_addr);
		if (!head)
			return false;
	}
	if (up_end > end) {
		tail = vxp_userptr_piece(up, end, up_end - end);
		if (!tail) {
			if (head)
				kref_put(&head->users, vxp_userptr_free);
			return false;
		}
	}
	if (head)
		list_add_tail(&head->link, &up->link);
	if (tail)
		list_add_tail(&tail->link, &up->link);
	return true;
}

/**
 * vxp_vm_userptrs_unbind() - a bind replaced or removed [addr, addr + range)
 * @vm: the VM (@vm->lock held)
 * @addr: start of the GPU range
 * @range: its size
 * @bind_fence: the bind's fence
 *
 * Userptrs inside the range are released after @bind_fence and the VM's
 * running execs. One the range cuts into is replaced by its pieces outside
 * the range, which keep its pages until their own CPU range changes; only
 * without memory for them does it stay whole, pinned and never rebound
 * (frozen), until the VM goes.
 */
void vxp_vm_userptrs_unbind(struct vxp_vm *vm, u64 addr, u64 range,
			    struct dma_fence *bind_fence)
{
	struct vxp_userptr *up, *tmp;
	u64 end = addr + range;

	lockdep_assert_held(&vm->lock);
	list_for_each_entry_safe(up, tmp, &vm->userptrs, link) {
		if (up->gpu_addr >= end || up->gpu_addr + up->range <= addr)
			continue;
		if ((up->gpu_addr >= addr && up->gpu_addr + up->range <= end) ||
		    vxp_userptr_cut(up, addr, end)) {
			list_del_init(&up->link);
			vxp_userptr_release(up, vm, bind_fence);
		} else {
			up->frozen = true;
		}
	}
}

/**
 * vxp_vm_userptrs_fini() - the VM is gone or its file closed
 * @vm: the VM (@vm->lock held)
 *
 * Releases every userptr after the VM's running execs, then drops the exec
 * fences (they hold the context).
 */
void vxp_vm_userptrs_fini(struct vxp_vm *vm)
{
	struct vxp_userptr *up, *tmp;
	struct dma_fence *f;
	unsigned long key;

	lockdep_assert_held(&vm->lock);
	list_for_each_entry_safe(up, tmp, &vm->userptrs, link) {
		list_del_init(&up->link);
		vxp_userptr_release(up, vm, NULL);
	}
	xa_for_each(&vm->exec_fences, key, f) {
		xa_erase(&vm->exec_fences, key);
		dma_fence_put(f);
	}
	vm->num_exec_fences = 0;
}

/**
 * vxp_vm_note_exec() - remember the last exec of a queue on a VM with
 *	userptrs, whose pages may be released only after it
 * @vm: the VM (@vm->lock held)
 * @queue_id: the queue
 * @fence: the exec's fence
 *
 * Return: 0 or -ENOMEM.
 */
int vxp_vm_note_exec(struct vxp_vm *vm, u32 queue_id, struct dma_fence *fence)
{
	struct dma_fence *old;

	lockdep_assert_held(&vm->lock);
	if (list_empty(&vm->userptrs))
		return 0;
	old = xa_store(&vm->exec_fences, queue_id, dma_fence_get(fence),
		       GFP_KERNEL);
	if (xa_is_err(old)) {
		dma_fence_put(fence);
		return xa_err(old);
	}
	if (old)
		dma_fence_put(old);
	else
		vm->num_exec_fences++;
	return 0;
}

/**
 * vxp_vm_forget_queue() - a queue of @vm was destroyed
 * @vm: the VM (@vm->lock held)
 * @queue_id: the queue
 *
 * Its last exec may still run: keep the fence under a key no live queue
 * uses, so that a new queue with the same id does not drop it.
 */
void vxp_vm_forget_queue(struct vxp_vm *vm, u32 queue_id)
{
	struct dma_fence *f, *dead;
	unsigned long i;
	u32 key;

	lockdep_assert_held(&vm->lock);
	f = xa_erase(&vm->exec_fences, queue_id);
	if (!f)
		return;
	/* Keep the list of destroyed queues' fences to those still running. */
	xa_for_each_range(&vm->exec_fences, i, dead, VXP_DEAD_QUEUE_KEYS.min,
			  VXP_DEAD_QUEUE_KEYS.max) {
		if (dma_fence_is_signaled(dead)) {
			xa_erase(&vm->exec_fences, i);
			dma_fence_put(dead);
			vm->num_exec_fences--;
		}
	}
	if (dma_fence_is_signaled(f) ||
	    xa_alloc(&vm->exec_fences, &key, f, VXP_DEAD_QUEUE_KEYS, GFP_KERNEL)) {
		/* Signalled, or no memory to keep it: wait for it now. */
		dma_fence_wait(f, false);
		dma_fence_put(f);
		vm->num_exec_fences--;
	}
}
