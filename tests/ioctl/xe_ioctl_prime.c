// SPDX-License-Identifier: MIT
/*
 * PRIME between two files of the device, as a desktop shares buffers: one
 * file creates a BO and exports it, another imports it, and both bind it
 * in their own VMs and run batches on it (xe_dma_buf.c, drm_prime.c).
 * xe syncs nothing implicitly between the two: every exec here is waited
 * for before the next one, as an application would order them.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xe_ioctl.h"

#define SHARED_VA	0x2000000ULL
#define DATA		0x8000	/* where the batches write, in the shared BO */
#define SEM		0x9000	/* a semaphore dword, in the shared BO */

/* MI_COPY_MEM_MEM with PPGTT addresses (xe_mi_commands.h), then the end. */
static void copy_batch(uint32_t *b, uint64_t dst, uint64_t src)
{
	b[0] = (0x2e << 23) | 3;
	b[1] = (uint32_t)dst;
	b[2] = (uint32_t)(dst >> 32);
	b[3] = (uint32_t)src;
	b[4] = (uint32_t)(src >> 32);
	b[5] = 0x0a << 23;	/* MI_BATCH_BUFFER_END */
}

/* Export @handle of @fd and import it into @to; returns @to's handle. */
static uint32_t share(int fd, uint32_t handle, int to)
{
	struct drm_prime_handle exp = { .handle = handle,
					.flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_prime_handle imp = { 0 };

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp));
	imp.fd = exp.fd;
	KT_ASSERT_OK(xioctl(to, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp));
	close(exp.fd);
	return imp.handle;
}

/* A second file with a VM and a queue: the importer. */
struct importer {
	int fd;
	uint32_t vm, q;
};

static void importer_open(struct importer *b)
{
	b->fd = xe_open_node();
	b->vm = xe_vm(b->fd, 0);
	b->q = xe_queue(b->fd, b->vm);
}

/* Both files bind the BO; each writes it and reads what the other wrote. */
KT_CASE(xe_env, prime_two_files_bind_exec)
{
	struct importer b;
	uint32_t h, *bmap;

	importer_open(&b);
	h = share(f->fd, f->bo, b.fd);
	KT_ASSERT_OK(xe_bind_sync(b.fd, b.vm, DRM_XE_VM_BIND_OP_MAP, h,
				  SHARED_VA, BO_SIZE));
	/* A stores; B copies it and stores its own; A copies B's */
	xe_store_batch(f->map, VA_BASE + DATA, 0x1111);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE));
	copy_batch(f->map + 0x100 / 4, SHARED_VA + DATA + 4, SHARED_VA + DATA);
	KT_ASSERT_OK(xe_exec_wait(b.fd, b.q, SHARED_VA + 0x100));
	xe_store_batch(f->map + 0x200 / 4, SHARED_VA + DATA + 8, 0x2222);
	KT_ASSERT_OK(xe_exec_wait(b.fd, b.q, SHARED_VA + 0x200));
	copy_batch(f->map + 0x300 / 4, VA_BASE + DATA + 12, VA_BASE + DATA + 8);
	KT_ASSERT_OK(xe_exec_wait(f->fd, f->q, VA_BASE + 0x300));
	KT_ASSERT_EQ(f->map[DATA / 4], 0x1111);
	KT_ASSERT_EQ(f->map[DATA / 4 + 1], 0x1111);
	KT_ASSERT_EQ(f->map[DATA / 4 + 2], 0x2222);
	KT_ASSERT_EQ(f->map[DATA / 4 + 3], 0x2222);
	/* the importer's own CPU mapping shows the same pages */
	bmap = xe_bo_map(b.fd, h, BO_SIZE);
	KT_ASSERT_EQ(bmap[DATA / 4 + 3], 0x2222);
	munmap(bmap, BO_SIZE);
	KT_ASSERT_OK(xe_bind_sync(b.fd, b.vm, DRM_XE_VM_BIND_OP_UNMAP, 0,
				  SHARED_VA, BO_SIZE));
	KT_ASSERT_OK(xe_gem_close(b.fd, h));
	close(b.fd);
}

/* The exporting file closes before the importer first binds the BO. */
KT_CASE(xe_dev, prime_exporter_closes_first)
{
	uint32_t h, bo, *map;
	struct importer b;
	int a = xe_open_node();

	bo = xe_bo(a, f->placement, BO_SIZE);
	map = xe_bo_map(a, bo, BO_SIZE);
	memset(map, 0, BO_SIZE);
	xe_store_batch(map, SHARED_VA + DATA, 0x3333);
	munmap(map, BO_SIZE);
	b.fd = f->fd;
	h = share(a, bo, b.fd);
	close(a);
	b.vm = xe_vm(b.fd, 0);
	b.q = xe_queue(b.fd, b.vm);
	KT_ASSERT_OK(xe_bind_sync(b.fd, b.vm, DRM_XE_VM_BIND_OP_MAP, h,
				  SHARED_VA, BO_SIZE));
	KT_ASSERT_OK(xe_exec_wait(b.fd, b.q, SHARED_VA));
	map = xe_bo_map(b.fd, h, BO_SIZE);
	KT_ASSERT_EQ(map[DATA / 4], 0x3333);
	munmap(map, BO_SIZE);
	KT_ASSERT_OK(xe_queue_destroy(b.fd, b.q));
	KT_ASSERT_OK(xe_vm_destroy(b.fd, b.vm));
	KT_ASSERT_OK(xe_gem_close(b.fd, h));
}

/*
 * The importer closes its handle while its VM still maps the BO: the
 * mapping keeps working (a VMA holds the BO), and importing it again
 * gives a handle that binds.
 */
KT_CASE(xe_env, prime_import_closed_while_bound)
{
	struct importer b;
	uint32_t h;

	importer_open(&b);
	h = share(f->fd, f->bo, b.fd);
	KT_ASSERT_OK(xe_bind_sync(b.fd, b.vm, DRM_XE_VM_BIND_OP_MAP, h,
				  SHARED_VA, BO_SIZE));
	KT_ASSERT_OK(xe_gem_close(b.fd, h));
	xe_store_batch(f->map, SHARED_VA + DATA, 0x4444);
	KT_ASSERT_OK(xe_exec_wait(b.fd, b.q, SHARED_VA));
	KT_ASSERT_EQ(f->map[DATA / 4], 0x4444);
	h = share(f->fd, f->bo, b.fd);
	KT_ASSERT_OK(xe_bind_sync(b.fd, b.vm, DRM_XE_VM_BIND_OP_MAP, h,
				  SHARED_VA + BO_SIZE, BO_SIZE));
	xe_store_batch(f->map + 0x100 / 4, SHARED_VA + BO_SIZE + DATA + 4, 0x5555);
	KT_ASSERT_OK(xe_exec_wait(b.fd, b.q, SHARED_VA + BO_SIZE + 0x100));
	KT_ASSERT_EQ(f->map[DATA / 4 + 1], 0x5555);
	close(b.fd);
}

/*
 * A batch that polls until the dword at @sem is 1 (MI_SEMAPHORE_WAIT,
 * POLL, SAD == SDD: xe_mi_commands.h), stores @value at @addr and ends.
 */
static void wait_store_batch(uint32_t *b, uint64_t sem, uint64_t addr,
			     uint32_t value)
{
	b[0] = (0x1c << 23) | (1 << 15) | (4 << 12) | 2;
	b[1] = 1;
	b[2] = (uint32_t)sem;
	b[3] = (uint32_t)(sem >> 32);
	xe_store_batch(b + 4, addr, value);
}

/*
 * Sets *@sem to 1 once *@go is set, from a child process: or after 2 s, in
 * case the exec that sets *@go waits for the semaphore's batch itself
 * (the guest waits for another file's fences in the ioctl). Only liveness
 * depends on the delay, not what the case checks.
 */
static pid_t release_later(volatile uint32_t *go, uint32_t *sem)
{
	pid_t pid = fork();
	int i;

	if (pid)
		return pid;
	for (i = 0; i < 200 && !*go; i++)
		usleep(10000);
	__atomic_store_n(sem, 1, __ATOMIC_RELEASE);
	_exit(0);
}

/*
 * The importer's exec waits for the exporter's through a sync_file, as
 * explicit-sync desktops hand fences over: it must see what the exporter's
 * batch wrote, although that batch was still waiting when it was queued.
 */
KT_CASE(xe_env, prime_exec_ordered_by_sync_file)
{
	struct drm_syncobj_handle exp = {
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct drm_syncobj_handle imp = {
		.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE };
	struct drm_xe_sync bs[2], as;
	uint32_t sa = xe_syncobj(f->fd), *go;
	struct importer b;
	int status = -1;
	pid_t child;

	importer_open(&b);
	KT_ASSERT_OK(xe_bind_sync(b.fd, b.vm, DRM_XE_VM_BIND_OP_MAP,
				  share(f->fd, f->bo, b.fd), SHARED_VA, BO_SIZE));
	wait_store_batch(f->map, VA_BASE + SEM, VA_BASE + DATA, 0x6666);
	copy_batch(f->map + 0x100 / 4, SHARED_VA + DATA + 4, SHARED_VA + DATA);
	go = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	KT_ASSERT_TRUE(go != MAP_FAILED);
	child = release_later(go, f->map + SEM / 4);
	KT_ASSERT_TRUE(child > 0);
	as = xe_sync_signal(sa);
	KT_ASSERT_OK(xe_exec(f->fd, f->q, VA_BASE, &as, 1));
	exp.handle = sa;
	KT_ASSERT_OK(xioctl(f->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &exp));
	imp.handle = xe_syncobj(b.fd);
	imp.fd = exp.fd;
	KT_ASSERT_OK(xioctl(b.fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &imp));
	close(exp.fd);
	bs[0] = (struct drm_xe_sync){ .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				      .handle = imp.handle };
	bs[1] = xe_sync_signal(xe_syncobj(b.fd));
	KT_ASSERT_OK(xe_exec(b.fd, b.q, SHARED_VA + 0x100, bs, 2));
	*go = 1;
	KT_ASSERT_OK(xe_syncobj_wait(b.fd, bs[1].handle, 0));
	KT_ASSERT_EQ(waitpid(child, &status, 0), child);
	KT_ASSERT_EQ(f->map[DATA / 4 + 1], 0x6666);
	close(b.fd);
}

/* A sync_file of the fence syncobj @so of @fd will get, in @to's syncobj. */
static uint32_t fence_to(int fd, uint32_t so, int to)
{
	struct drm_syncobj_handle exp = { .handle = so,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct drm_syncobj_handle imp = {
		.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE };

	KT_ASSERT_OK(xioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &exp));
	imp.handle = xe_syncobj(to);
	imp.fd = exp.fd;
	KT_ASSERT_OK(xioctl(to, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &imp));
	close(exp.fd);
	return imp.handle;
}

/*
 * Closing the exporting file kills its exec queues (xe_file_close() ->
 * xe_exec_queue_kill()), although the importer keeps the BO: the spinner
 * stops and the store queued behind it never runs. The importer holds the
 * jobs' fences and the BO, and ends the spinner's wait only after the kill
 * stopped it, so the store can only have run if the kill let it.
 */
KT_CASE(xe_dev, prime_exporter_close_kills_its_queues)
{
	uint32_t bo, h, vm, q, s0, s1, done0, done1, *map;
	struct drm_xe_sync s;
	int a = xe_open_node();

	vm = xe_vm(a, 0);
	q = xe_queue(a, vm);
	bo = xe_bo(a, f->placement, BO_SIZE);
	map = xe_bo_map(a, bo, BO_SIZE);
	memset(map, 0, BO_SIZE);
	wait_store_batch(map, SHARED_VA + SEM, SHARED_VA + DATA, 0x7777);
	xe_store_batch(map + 0x100 / 4, SHARED_VA + DATA + 4, 0x8888);
	munmap(map, BO_SIZE);
	KT_ASSERT_OK(xe_bind_sync(a, vm, DRM_XE_VM_BIND_OP_MAP, bo, SHARED_VA,
				  BO_SIZE));
	s0 = xe_syncobj(a);
	s1 = xe_syncobj(a);
	s = xe_sync_signal(s0);
	KT_ASSERT_OK(xe_exec(a, q, SHARED_VA, &s, 1));
	s = xe_sync_signal(s1);
	KT_ASSERT_OK(xe_exec(a, q, SHARED_VA + 0x100, &s, 1));
	h = share(a, bo, f->fd);
	done0 = fence_to(a, s0, f->fd);
	done1 = fence_to(a, s1, f->fd);
	close(a);
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, done0, 0));
	map = xe_bo_map(f->fd, h, BO_SIZE);
	__atomic_store_n(&map[SEM / 4], 1, __ATOMIC_RELEASE);
	KT_ASSERT_OK(xe_syncobj_wait(f->fd, done1, 0));
	KT_ASSERT_EQ(map[DATA / 4], 0);
	KT_ASSERT_EQ(map[DATA / 4 + 1], 0);
	munmap(map, BO_SIZE);
	KT_ASSERT_OK(xe_gem_close(f->fd, h));
}
