// SPDX-License-Identifier: MIT
/*
 * The dma-buf side of a BO, after drivers/dma-buf/dma-buf.c (Linux 7.2):
 * DMA_BUF_IOCTL_SYNC, DMA_BUF_IOCTL_EXPORT_SYNC_FILE and
 * DMA_BUF_IOCTL_IMPORT_SYNC_FILE, and poll(). The BO's reservation holds
 * the fences imported with IMPORT_SYNC_FILE, as READ or WRITE usage. xe
 * adds its own exec and bind fences with BOOKKEEP usage (xe_exec.c,
 * xe_vm.c), which neither the export nor poll sees, so they are not kept.
 */
#include <poll.h>
#include <stdlib.h>

#include <linux/dma-buf.h>

#include "sim.h"

/* Drop the fences that signalled. */
static void resv_prune(struct sim_bo *bo)
{
	uint32_t i, n = 0;

	for (i = 0; i < bo->num_resv; i++) {
		if (bo->resv[i].fence->signalled)
			sim_fence_put(bo->resv[i].fence);
		else
			bo->resv[n++] = bo->resv[i];
	}
	bo->num_resv = n;
}

void sim_bo_resv_fini(struct sim_bo *bo)
{
	for (uint32_t i = 0; i < bo->num_resv; i++)
		sim_fence_put(bo->resv[i].fence);
	free(bo->resv);
	bo->resv = NULL;
	bo->num_resv = bo->cap_resv = 0;
}

static int resv_add(struct sim_bo *bo, struct sim_fence *f, bool write)
{
	resv_prune(bo);
	if (bo->num_resv == bo->cap_resv) {
		uint32_t cap = bo->cap_resv ? 2 * bo->cap_resv : 4;
		struct sim_resv_fence *r = realloc(bo->resv, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		bo->resv = r;
		bo->cap_resv = cap;
	}
	bo->resv[bo->num_resv].fence = sim_fence_get(f);
	bo->resv[bo->num_resv++].write = write;
	return 0;
}

/*
 * Whether an access waits for no fence: dma_resv_usage_rw(), a write waits
 * for readers and writers, a read for writers only.
 */
static bool resv_idle(struct sim_bo *bo, bool write)
{
	for (uint32_t i = 0; bo && i < bo->num_resv; i++)
		if (!bo->resv[i].fence->signalled && (write || bo->resv[i].write))
			return false;
	return true;
}

static int export_sync_file(struct sim_bo *bo, struct dma_buf_export_sync_file *a)
{
	bool write = a->flags & DMA_BUF_SYNC_WRITE;
	struct sim_fence **in, *f;
	uint32_t n = 0;
	int err;

	if (a->flags & ~DMA_BUF_SYNC_RW || !(a->flags & DMA_BUF_SYNC_RW))
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (bo)
		resv_prune(bo);
	in = calloc(bo && bo->num_resv ? bo->num_resv : 1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	for (uint32_t i = 0; bo && i < bo->num_resv; i++)
		if (write || bo->resv[i].write)
			in[n++] = bo->resv[i].fence;
	/* dma_fence_get_stub() when nothing is to be waited for */
	f = n ? sim_fence_all(in, n) : sim_fence_signalled();
	free(in);
	if (!f)
		return -ENOMEM;
	err = sim_sync_file_export(f, &a->fd);
	sim_fence_put(f);
	return err;
}

static int import_sync_file(struct sim_bo *bo, struct dma_buf_import_sync_file *a)
{
	struct sim_fence *f;
	int err = 0;

	if (a->flags & ~DMA_BUF_SYNC_RW || !(a->flags & DMA_BUF_SYNC_RW))
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	f = sim_sync_file_fence(a->fd);
	if (!f)
		return SIM_ERR(-EINVAL, "fd %d is not a sync_file", a->fd);
	/* a BO whose last handle went has nothing left to synchronise */
	if (bo && !f->signalled)
		err = resv_add(bo, f, a->flags & DMA_BUF_SYNC_WRITE);
	sim_fence_put(f);
	return err;
}

/* dma_buf_ioctl(): each ioctl copies its argument in and out itself */
int sim_dmabuf_ioctl(int fd, unsigned long req, void *arg)
{
	struct sim_bo *bo = sim_bo_by_fd(fd);
	uint64_t uptr = (uintptr_t)arg;
	union {
		struct dma_buf_sync sync;
		struct dma_buf_export_sync_file ex;
		struct dma_buf_import_sync_file im;
	} u;
	int err;

	switch (req) {
	case DMA_BUF_IOCTL_SYNC:
		err = sim_copy_from_user(&u.sync, uptr, sizeof(u.sync));
		if (err)
			return err;
		/* xe_dma_buf_begin_cpu_access(): nothing to migrate here */
		if (u.sync.flags & ~(DMA_BUF_SYNC_RW | DMA_BUF_SYNC_END) ||
		    !(u.sync.flags & DMA_BUF_SYNC_RW))
			return SIM_ERR(-EINVAL, "flags %#llx", (unsigned long long)u.sync.flags);
		return 0;
	case DMA_BUF_IOCTL_EXPORT_SYNC_FILE:
		/* no fd may be left behind when the answer cannot be written */
		err = sim_copy_from_user(&u.ex, uptr, sizeof(u.ex));
		err = err ?: sim_copy_to_user(uptr, &u.ex, sizeof(u.ex));
		err = err ?: export_sync_file(bo, &u.ex);
		return err ?: sim_copy_to_user(uptr, &u.ex, sizeof(u.ex));
	case DMA_BUF_IOCTL_IMPORT_SYNC_FILE:
		err = sim_copy_from_user(&u.im, uptr, sizeof(u.im));
		return err ?: import_sync_file(bo, &u.im);
	}
	return -ENOTTY;
}

/* dma_buf_poll(): EPOLLIN once the writers are done, EPOLLOUT once all are. */
short sim_dmabuf_poll(int fd, short events)
{
	struct sim_bo *bo = sim_bo_by_fd(fd);
	short revents = 0;

	if (events & POLLIN && resv_idle(bo, false))
		revents |= events & (POLLIN | POLLRDNORM);
	if (events & POLLOUT && resv_idle(bo, true))
		revents |= events & (POLLOUT | POLLWRNORM);
	return revents;
}
