// SPDX-License-Identifier: MIT
/*
 * Guest ioctl fuzzer of virtio_xe_proxy (issue 18): random but mostly valid
 * sequences of every DRM_IOCTL_XE_*, PRIME, syncobj, mmap/munmap, close, dup
 * and fork, from several threads on several files. It knows the objects it
 * created (files, VMs, BOs, queues, syncobjs, dma-bufs, mappings, bindings)
 * and mostly uses them correctly; one call in eight gets a field mutated.
 *
 *   xe_guest_fuzz --device NODE [--seed N] [--seconds N | --ops N]
 *                 [--threads N] [--faults]
 *
 * It prints its seed and each thread's op count; each thread draws from its
 * own generator seeded from it, so --seed with --threads 1 --ops N replays
 * the sequence of calls (with several threads the interleaving differs;
 * values derived from addresses differ with ASLR, and outcomes that depend
 * on timing or injected faults may send a replay another way). Errors from
 * the kernel are expected: the fuzzer counts them, and the run's verdict is
 * the guest kernel's (no KASAN/lockdep/UBSAN report, no WARN, no kmemleak
 * leak, clean unload), which tests/fuzz-guest/guest.sh and tests/vm/run
 * check. The fuzzer itself fails if it cannot open the device, a thread
 * does not finish, or a fork()ed child crashes or exits non-zero (one its
 * 30 s alarm stopped is counted and printed).
 *
 * Memory the kernel, the host or the GPU may write at the fuzzer's word
 * (bind user fences, userptr pages) lies in one 2 MiB block per thread with
 * inaccessible guard space around it, and addresses into it are mutated
 * only within the block (mut_addr()): a mutated user-fence address or
 * userptr range then lands in the block or faults, and never in the
 * fuzzer's heap or stack, so a corrupted heap is a finding, not the
 * fuzzer's own doing.
 *
 * --faults says allocations are being failed on purpose (failslab): the
 * fault of a BO mapping may then find no memory and the kernel sends SIGBUS,
 * as it does for xe (VM_FAULT_OOM / SIGBUS from the fault handler). The
 * fuzzer then counts that as an outcome of the mapping's first touch; without
 * --faults a SIGBUS still kills it, since nothing else should cause one.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xioctl.h"

#define MAX_FILES	3
#define MAX_VMS		4
#define MAX_BOS		12
#define MAX_QUEUES	6
#define MAX_SYNCOBJS	6
#define MAX_DMABUFS	4
#define MAX_BINDS	16
#define UFENCE_WORDS	16
#define QUERY_BUF	(64 << 10)
#define VA_STEP		0x200000ULL
/* the block of memory the fuzzer lets others write, and its reservation */
#define TARGET_BLOCK	(2ULL << 20)
#define TARGET_RESERVE	(4 * TARGET_BLOCK)
#define PAT_WB		2
#define MI_BATCH_BUFFER_END	(0x0a << 23)
#define MI_STORE_DATA_IMM	((0x20 << 23) | 2)

/* one op code per kind of call, for the statistics */
enum op {
	OP_QUERY, OP_GEM_CREATE, OP_GEM_CLOSE, OP_MMAP, OP_MUNMAP, OP_VM_CREATE,
	OP_VM_DESTROY, OP_BIND, OP_BIND_USERPTR, OP_BIND_NULL, OP_UNBIND,
	OP_QUEUE_CREATE, OP_QUEUE_DESTROY, OP_QUEUE_GET, OP_QUEUE_SET, OP_EXEC,
	OP_WAIT_UFENCE, OP_VM_GET, OP_MADVISE, OP_RANGE_ATTRS, OP_OBSERVATION,
	OP_SYNCOBJ_CREATE, OP_SYNCOBJ_DESTROY, OP_SYNCOBJ_WAIT, OP_SYNCOBJ_SIGNAL,
	OP_SYNCOBJ_EXPORT, OP_PRIME_EXPORT, OP_PRIME_IMPORT, OP_DMABUF_CLOSE,
	OP_FILE_OPEN, OP_FILE_CLOSE, OP_DUP, OP_FORK, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"query", "gem_create", "gem_close", "mmap", "munmap", "vm_create",
	"vm_destroy", "bind", "bind_userptr", "bind_null", "unbind",
	"queue_create", "queue_destroy", "queue_get_property",
	"queue_set_property", "exec", "wait_user_fence", "vm_get_property",
	"madvise", "range_attrs", "observation", "syncobj_create",
	"syncobj_destroy", "syncobj_wait", "syncobj_signal", "syncobj_export",
	"prime_export", "prime_import", "dmabuf_close", "file_open",
	"file_close", "dup", "fork",
};

/* relative weights of the ops */
static const unsigned int op_weight[OP_COUNT] = {
	[OP_QUERY] = 4, [OP_GEM_CREATE] = 8, [OP_GEM_CLOSE] = 4, [OP_MMAP] = 5,
	[OP_MUNMAP] = 3, [OP_VM_CREATE] = 3, [OP_VM_DESTROY] = 1, [OP_BIND] = 8,
	[OP_BIND_USERPTR] = 4, [OP_BIND_NULL] = 2, [OP_UNBIND] = 4,
	[OP_QUEUE_CREATE] = 4, [OP_QUEUE_DESTROY] = 1, [OP_QUEUE_GET] = 2,
	[OP_QUEUE_SET] = 1, [OP_EXEC] = 10, [OP_WAIT_UFENCE] = 3, [OP_VM_GET] = 1,
	[OP_MADVISE] = 1, [OP_RANGE_ATTRS] = 1, [OP_OBSERVATION] = 1,
	[OP_SYNCOBJ_CREATE] = 3, [OP_SYNCOBJ_DESTROY] = 2, [OP_SYNCOBJ_WAIT] = 3,
	[OP_SYNCOBJ_SIGNAL] = 2, [OP_SYNCOBJ_EXPORT] = 2, [OP_PRIME_EXPORT] = 3,
	[OP_PRIME_IMPORT] = 3, [OP_DMABUF_CLOSE] = 2, [OP_FILE_OPEN] = 1,
	[OP_FILE_CLOSE] = 1, [OP_DUP] = 2, [OP_FORK] = 1,
};

struct bo {
	uint32_t handle;
	uint64_t size;
	void *map;
};

struct bind {
	uint32_t vm;
	uint64_t addr, range;
};

struct vm {
	uint32_t id;
	uint32_t flags;
};

struct queue {
	uint32_t id;
	uint32_t vm;
};

struct file {
	int fd;			/* -1: slot free */
	bool shared;		/* opened by main, used by every thread */
	struct vm vms[MAX_VMS];
	struct bo bos[MAX_BOS];
	struct queue queues[MAX_QUEUES];
	uint32_t syncobjs[MAX_SYNCOBJS];
	int dmabufs[MAX_DMABUFS];
	struct bind binds[MAX_BINDS];
};

struct fuzzer {
	uint64_t rng;
	unsigned int id;
	struct file files[MAX_FILES];
	uint8_t *target;	/* TARGET_BLOCK bytes, see the top comment */
	uint64_t *ufence;	/* user-fence words, CPU addresses, in target */
	uint8_t *userptr;	/* memory for userptr binds, in target */
	size_t userptr_len;
	uint8_t *query;		/* QUERY_BUF bytes, no malloc after fork */
	uint64_t ops;
};

static const char *device;
static int shared_fd = -1;
static uint32_t engine_class = DRM_XE_ENGINE_CLASS_RENDER;
static uint32_t placement = 1;
static atomic_bool stop;
static atomic_uint_fast64_t n_ioctls, n_ok;
/* distinct paths: each (op, errno) pair seen */
static atomic_uint_fast64_t paths[OP_COUNT][3];
static atomic_uint_fast64_t op_calls[OP_COUNT];

static uint64_t rnd(struct fuzzer *z)
{
	/* splitmix64: small, seedable, good enough */
	uint64_t x = (z->rng += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint32_t below(struct fuzzer *z, uint32_t n)
{
	return n ? rnd(z) % n : 0;
}

static bool chance(struct fuzzer *z, uint32_t one_in)
{
	return below(z, one_in) == 0;
}

/* One call in eight gets a mutated value: junk, zero, a bit flipped. */
static uint64_t mut(struct fuzzer *z, uint64_t v)
{
	if (!chance(z, 8))
		return v;
	switch (below(z, 4)) {
	case 0: return rnd(z);
	case 1: return 0;
	case 2: return v ^ (1ULL << below(z, 64));
	default: return v + below(z, 3) - 1;
	}
}

/*
 * mut() for an address into the target block: junk is a kernel address (a
 * fault), and a flipped bit stays within the 2 MiB-aligned block.
 */
static uint64_t mut_addr(struct fuzzer *z, uint64_t v)
{
	if (!chance(z, 8))
		return v;
	switch (below(z, 4)) {
	case 0: return rnd(z) | (1ULL << 63);
	case 1: return 0;
	case 2: return v ^ (1ULL << below(z, 21));
	default: return v + below(z, 3) - 1;
	}
}

/* errno classes of the path statistics: ok, the errno's bit in two words */
static void count(enum op op, int ret)
{
	unsigned int e = ret < 0 ? (unsigned int)-ret : 0;

	atomic_fetch_add(&op_calls[op], 1);
	if (e >= 3 * 64)
		e = 3 * 64 - 1;
	atomic_fetch_or(&paths[op][e / 64], 1ULL << (e % 64));
}

/* the SIGBUS of a touch of a new mapping, with --faults only */
static __thread sigjmp_buf touch_env;
static __thread volatile sig_atomic_t touching;
static atomic_uint_fast64_t n_sigbus;
/* fork()ed children that crashed or exited non-zero, and those their alarm stopped */
static atomic_uint_fast64_t n_child_failed, n_child_alarm;

static void on_sigbus(int sig)
{
	if (!touching) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	siglongjmp(touch_env, 1);
}

static int do_ioctl(enum op op, int fd, unsigned long req, void *arg)
{
	int ret = xioctl(fd, req, arg);

	atomic_fetch_add(&n_ioctls, 1);
	if (!ret)
		atomic_fetch_add(&n_ok, 1);
	count(op, ret);
	return ret;
}

static struct file *pick_file(struct fuzzer *z)
{
	unsigned int start = below(z, MAX_FILES);

	for (unsigned int i = 0; i < MAX_FILES; i++) {
		struct file *f = &z->files[(start + i) % MAX_FILES];

		if (f->fd >= 0)
			return f;
	}
	return NULL;
}

/* a slot of an array of @n u32 ids: a used one (or any when @want_free) */
#define PICK(z, arr, n, used) ({					\
	int __r = -1;							\
	unsigned int __s = below(z, n);					\
	for (unsigned int __i = 0; __i < (n); __i++) {			\
		unsigned int __k = (__s + __i) % (n);			\
		if (!!(used(arr[__k])) == !!(want_used)) {		\
			__r = __k;					\
			break;						\
		}							\
	}								\
	__r; })

static int pick_vm(struct fuzzer *z, struct file *f, bool want_used)
{
#define VM_USED(v) ((v).id)
	return PICK(z, f->vms, MAX_VMS, VM_USED);
}

static int pick_bo(struct fuzzer *z, struct file *f, bool want_used)
{
#define BO_USED(b) ((b).handle)
	return PICK(z, f->bos, MAX_BOS, BO_USED);
}

static int pick_queue(struct fuzzer *z, struct file *f, bool want_used)
{
#define Q_USED(q) ((q).id)
	return PICK(z, f->queues, MAX_QUEUES, Q_USED);
}

static int pick_syncobj(struct fuzzer *z, struct file *f, bool want_used)
{
#define ID_USED(h) (h)
	return PICK(z, f->syncobjs, MAX_SYNCOBJS, ID_USED);
}

static int pick_dmabuf(struct fuzzer *z, struct file *f, bool want_used)
{
#define FD_USED(d) ((d) > 0)
	return PICK(z, f->dmabufs, MAX_DMABUFS, FD_USED);
}

static int pick_bind(struct fuzzer *z, struct file *f, bool want_used)
{
#define BIND_USED(b) ((b).range)
	return PICK(z, f->binds, MAX_BINDS, BIND_USED);
}

static uint32_t vm_id_of(struct fuzzer *z, struct file *f)
{
	int v = pick_vm(z, f, true);

	return mut(z, v < 0 ? 0 : f->vms[v].id);
}

static uint32_t vm_flags_of(struct file *f, uint32_t id)
{
	for (int i = 0; i < MAX_VMS; i++)
		if (f->vms[i].id == id)
			return f->vms[i].flags;
	return 0;
}

static uint64_t *ufence_word(struct fuzzer *z)
{
	return &z->ufence[below(z, UFENCE_WORDS)];
}

/* 0..2 syncs for a bind or an exec on @vm */
static uint32_t make_syncs(struct fuzzer *z, struct file *f, uint32_t vm,
			   struct drm_xe_sync *s)
{
	bool lr = vm_flags_of(f, vm) & DRM_XE_VM_CREATE_FLAG_LR_MODE;
	uint32_t n = below(z, 3);

	memset(s, 0, 2 * sizeof(*s));
	for (uint32_t i = 0; i < n; i++) {
		int so = pick_syncobj(z, f, true);

		if (lr || so < 0 || chance(z, 4)) {
			uint64_t *w = ufence_word(z);

			s[i].type = DRM_XE_SYNC_TYPE_USER_FENCE;
			s[i].flags = DRM_XE_SYNC_FLAG_SIGNAL;
			s[i].addr = mut_addr(z, (uintptr_t)w);
			s[i].timeline_value = rnd(z) | 1;
		} else {
			s[i].type = chance(z, 4) ? DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ :
						   DRM_XE_SYNC_TYPE_SYNCOBJ;
			s[i].flags = chance(z, 3) ? 0 : DRM_XE_SYNC_FLAG_SIGNAL;
			s[i].handle = mut(z, f->syncobjs[so]);
			if (s[i].type == DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ)
				s[i].timeline_value = 1 + below(z, 4);
		}
		s[i].type = mut(z, s[i].type);
	}
	return n;
}

static void op_query(struct fuzzer *z, struct file *f)
{
	struct drm_xe_device_query q = { .query = mut(z, below(z, 11)) };

	if (do_ioctl(OP_QUERY, f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) || !q.size)
		return;
	if (q.size > QUERY_BUF)
		q.size = QUERY_BUF;
	q.size = mut(z, q.size);
	q.data = chance(z, 16) ? 0x10 : (uintptr_t)z->query;
	if (q.size <= QUERY_BUF)
		do_ioctl(OP_QUERY, f->fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
}

static void op_gem_create(struct fuzzer *z, struct file *f)
{
	static const uint64_t sizes[] = { 4096, 8192, 65536, 1 << 20, 4 << 20 };
	int b = pick_bo(z, f, false);
	struct drm_xe_gem_create c = {
		.size = mut(z, sizes[below(z, 5)]),
		.placement = mut(z, placement),
		.cpu_caching = mut(z, chance(z, 2) ? DRM_XE_GEM_CPU_CACHING_WB :
					   DRM_XE_GEM_CPU_CACHING_WC),
	};

	if (b < 0)
		return;
	/* a VM-private BO now and then */
	if (chance(z, 4))
		c.vm_id = vm_id_of(z, f);
	if (chance(z, 16))
		c.flags = 1u << below(z, 5);
	if (c.size > (16 << 20))
		c.size = 4096;
	if (!do_ioctl(OP_GEM_CREATE, f->fd, DRM_IOCTL_XE_GEM_CREATE, &c)) {
		f->bos[b].handle = c.handle;
		f->bos[b].size = c.size;
		f->bos[b].map = NULL;
	}
}

static void unmap_bo(struct bo *bo)
{
	if (bo->map) {
		munmap(bo->map, bo->size);
		bo->map = NULL;
	}
}

static void op_gem_close(struct fuzzer *z, struct file *f)
{
	int b = pick_bo(z, f, true);
	struct drm_gem_close c = { .handle = b < 0 ? 0 : f->bos[b].handle };

	c.handle = mut(z, c.handle);
	/* a mapping outlives the handle: keep it sometimes */
	if (b >= 0 && chance(z, 2))
		unmap_bo(&f->bos[b]);
	if (!do_ioctl(OP_GEM_CLOSE, f->fd, DRM_IOCTL_GEM_CLOSE, &c) && b >= 0) {
		unmap_bo(&f->bos[b]);
		f->bos[b].handle = 0;
	}
}

static void op_mmap(struct fuzzer *z, struct file *f)
{
	int b = pick_bo(z, f, true);
	struct drm_xe_gem_mmap_offset o = { 0 };
	struct bo *bo;
	uint32_t *p;

	if (b < 0)
		return;
	bo = &f->bos[b];
	o.handle = mut(z, bo->handle);
	if (do_ioctl(OP_MMAP, f->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &o) || bo->map)
		return;
	p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, o.offset);
	count(OP_MMAP, p == MAP_FAILED ? -errno : 0);
	if (p == MAP_FAILED)
		return;
	bo->map = p;
	if (sigsetjmp(touch_env, 1)) {
		touching = 0;
		atomic_fetch_add(&n_sigbus, 1);
		count(OP_MMAP, -EFAULT);	/* the SIGBUS, as an outcome */
		return;
	}
	touching = 1;
	/* a batch: store a dword to a user-fence-like spot of the BO, end */
	p[0] = MI_STORE_DATA_IMM;
	p[1] = 0;
	p[2] = 0;
	p[3] = 1;
	p[4] = MI_BATCH_BUFFER_END;
	if (chance(z, 4))
		p[below(z, bo->size / 4)] = rnd(z);
	(void)p[below(z, bo->size / 4)];
	touching = 0;
}

static void op_munmap(struct fuzzer *z, struct file *f)
{
	int b = pick_bo(z, f, true);

	if (b >= 0) {
		count(OP_MUNMAP, 0);
		unmap_bo(&f->bos[b]);
	}
}

static void op_vm_create(struct fuzzer *z, struct file *f)
{
	static const uint32_t flags[] = {
		0, DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE, DRM_XE_VM_CREATE_FLAG_LR_MODE,
		DRM_XE_VM_CREATE_FLAG_LR_MODE | DRM_XE_VM_CREATE_FLAG_FAULT_MODE,
	};
	int v = pick_vm(z, f, false);
	struct drm_xe_vm_create c = { .flags = mut(z, flags[below(z, 4)]) };

	if (v < 0)
		return;
	if (!do_ioctl(OP_VM_CREATE, f->fd, DRM_IOCTL_XE_VM_CREATE, &c)) {
		f->vms[v].id = c.vm_id;
		f->vms[v].flags = c.flags;
	}
}

static void op_vm_destroy(struct fuzzer *z, struct file *f)
{
	int v = pick_vm(z, f, true);
	struct drm_xe_vm_destroy d = { .vm_id = v < 0 ? 0 : f->vms[v].id };

	d.vm_id = mut(z, d.vm_id);
	if (!do_ioctl(OP_VM_DESTROY, f->fd, DRM_IOCTL_XE_VM_DESTROY, &d) && v >= 0) {
		for (int i = 0; i < MAX_BINDS; i++)
			if (f->binds[i].vm == f->vms[v].id)
				f->binds[i].range = 0;
		f->vms[v].id = 0;
	}
}

/* MAP of a BO, userptr or NULL range, or UNMAP of a recorded binding */
static void do_bind(struct fuzzer *z, struct file *f, enum op op)
{
	struct drm_xe_sync s[2];
	struct drm_xe_vm_bind b = { .num_binds = 1 };
	struct drm_xe_vm_bind_op *o = &b.bind;
	int slot = pick_bind(z, f, op == OP_UNBIND);
	int bo = pick_bo(z, f, true);

	if (slot < 0)
		return;
	if (op == OP_UNBIND) {
		b.vm_id = mut(z, f->binds[slot].vm);
		o->op = DRM_XE_VM_BIND_OP_UNMAP;
		o->addr = f->binds[slot].addr;
		o->range = f->binds[slot].range;
		/* a partial unbind now and then */
		if (chance(z, 4) && o->range > 8192)
			o->range = 4096 * (1 + below(z, o->range / 8192));
	} else {
		b.vm_id = vm_id_of(z, f);
		o->op = DRM_XE_VM_BIND_OP_MAP;
		o->addr = VA_STEP * (1 + slot + MAX_BINDS * z->id);
		o->pat_index = mut(z, PAT_WB);
		if (op == OP_BIND) {
			if (bo < 0)
				return;
			o->obj = f->bos[bo].handle;
			o->range = f->bos[bo].size;
		} else if (op == OP_BIND_USERPTR) {
			o->op = DRM_XE_VM_BIND_OP_MAP_USERPTR;
			o->range = 4096 * (1 + below(z, z->userptr_len / 4096));
			o->userptr = (uintptr_t)z->userptr;
		} else {
			o->flags = DRM_XE_VM_BIND_FLAG_NULL;
			o->range = VA_STEP;
		}
		if (chance(z, 4))
			o->flags |= DRM_XE_VM_BIND_FLAG_IMMEDIATE;
		o->flags = mut(z, o->flags);
	}
	o->addr = mut(z, o->addr);
	o->range = mut(z, o->range);
	o->op = mut(z, o->op);
	b.num_syncs = make_syncs(z, f, b.vm_id, s);
	b.syncs = (uintptr_t)s;
	if (do_ioctl(op, f->fd, DRM_IOCTL_XE_VM_BIND, &b))
		return;
	if (op == OP_UNBIND) {
		if (o->range == f->binds[slot].range)
			f->binds[slot].range = 0;
	} else {
		f->binds[slot].vm = b.vm_id;
		f->binds[slot].addr = o->addr;
		f->binds[slot].range = o->range;
	}
}

static void op_queue_create(struct fuzzer *z, struct file *f)
{
	int q = pick_queue(z, f, false);
	struct drm_xe_engine_class_instance eci = {
		.engine_class = mut(z, engine_class),
	};
	struct drm_xe_exec_queue_create c = {
		.width = mut(z, 1), .num_placements = mut(z, 1),
		.instances = (uintptr_t)&eci,
	};

	if (q < 0)
		return;
	c.vm_id = vm_id_of(z, f);
	if (c.width * c.num_placements > 1)
		return;
	if (!do_ioctl(OP_QUEUE_CREATE, f->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c)) {
		f->queues[q].id = c.exec_queue_id;
		f->queues[q].vm = c.vm_id;
	}
}

static void op_queue_destroy(struct fuzzer *z, struct file *f)
{
	int q = pick_queue(z, f, true);
	struct drm_xe_exec_queue_destroy d = { .exec_queue_id = q < 0 ? 0 : f->queues[q].id };

	d.exec_queue_id = mut(z, d.exec_queue_id);
	if (!do_ioctl(OP_QUEUE_DESTROY, f->fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d) &&
	    q >= 0)
		f->queues[q].id = 0;
}

static void op_queue_property(struct fuzzer *z, struct file *f, bool set)
{
	int q = pick_queue(z, f, true);
	uint32_t id = mut(z, q < 0 ? 0 : f->queues[q].id);

	if (set) {
		/*
		 * MULTI_QUEUE_PRIORITY is the one property xe lets change
		 * (xe_exec_queue_set_property_ioctl()), so the one that gets
		 * past the guest's checks to the host; the others, now and then.
		 */
		struct drm_xe_exec_queue_set_property p = {
			.exec_queue_id = id,
			.property = mut(z, chance(z, 4) ? below(z, 2) :
				    DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY),
			.value = mut(z, below(z, 3)),
		};

		do_ioctl(OP_QUEUE_SET, f->fd, DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY, &p);
	} else {
		struct drm_xe_exec_queue_get_property p = {
			.exec_queue_id = id, .property = mut(z, 0),
		};

		do_ioctl(OP_QUEUE_GET, f->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &p);
	}
}

static void op_exec(struct fuzzer *z, struct file *f)
{
	int q = pick_queue(z, f, true);
	int b = pick_bind(z, f, true);
	struct drm_xe_sync s[2];
	struct drm_xe_exec e = { .num_batch_buffer = 1 };

	if (q < 0)
		return;
	e.exec_queue_id = mut(z, f->queues[q].id);
	/* mostly a bound address of the queue's VM */
	for (int i = 0; i < MAX_BINDS; i++)
		if (f->binds[i].range && f->binds[i].vm == f->queues[q].vm)
			b = i;
	e.address = mut(z, b < 0 ? VA_STEP : f->binds[b].addr);
	e.num_batch_buffer = mut(z, 1);
	e.num_syncs = make_syncs(z, f, f->queues[q].vm, s);
	e.syncs = (uintptr_t)s;
	do_ioctl(OP_EXEC, f->fd, DRM_IOCTL_XE_EXEC, &e);
}

static void op_wait_ufence(struct fuzzer *z, struct file *f)
{
	int q = pick_queue(z, f, true);
	struct drm_xe_wait_user_fence w = {
		.addr = mut_addr(z, (uintptr_t)ufence_word(z)),
		.op = mut(z, below(z, 6)),
		.value = rnd(z) & 3,
		.mask = mut(z, ~0ULL),
		.timeout = below(z, 2000000),
	};

	if (chance(z, 2) && q >= 0)
		w.exec_queue_id = f->queues[q].id;
	w.exec_queue_id = mut(z, w.exec_queue_id);
	do_ioctl(OP_WAIT_UFENCE, f->fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
}

static void op_vm_misc(struct fuzzer *z, struct file *f, enum op op)
{
	uint32_t vm = vm_id_of(z, f);

	if (op == OP_VM_GET) {
		struct drm_xe_vm_get_property p = { .vm_id = vm, .property = mut(z, 0) };

		if (!do_ioctl(op, f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &p) && p.size &&
		    p.size <= QUERY_BUF) {
			p.data = (uintptr_t)z->query;
			do_ioctl(op, f->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &p);
		}
	} else if (op == OP_MADVISE) {
		struct drm_xe_madvise m = {
			.vm_id = vm, .start = mut(z, VA_STEP), .range = mut(z, VA_STEP),
			.type = mut(z, below(z, 3)),
		};

		m.pat_index.val = mut(z, PAT_WB);
		do_ioctl(op, f->fd, DRM_IOCTL_XE_MADVISE, &m);
	} else if (op == OP_RANGE_ATTRS) {
		struct drm_xe_vm_query_mem_range_attr a = {
			.vm_id = vm, .start = mut(z, VA_STEP), .range = mut(z, VA_STEP * 4),
		};

		if (!do_ioctl(op, f->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &a) &&
		    (uint64_t)a.num_mem_ranges * a.sizeof_mem_range_attr <= QUERY_BUF) {
			a.vector_of_mem_attr = (uintptr_t)z->query;
			do_ioctl(op, f->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &a);
		}
	} else {
		struct drm_xe_observation_param p = {
			.observation_type = mut(z, 0), .observation_op = mut(z, below(z, 3)),
		};

		do_ioctl(op, f->fd, DRM_IOCTL_XE_OBSERVATION, &p);
	}
}

static void op_syncobj(struct fuzzer *z, struct file *f, enum op op)
{
	int s = pick_syncobj(z, f, op != OP_SYNCOBJ_CREATE);
	uint32_t h = s < 0 ? 0 : mut(z, f->syncobjs[s]);

	if (s < 0)
		return;
	switch (op) {
	case OP_SYNCOBJ_CREATE: {
		struct drm_syncobj_create c = {
			.flags = chance(z, 2) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0,
		};

		if (!do_ioctl(op, f->fd, DRM_IOCTL_SYNCOBJ_CREATE, &c))
			f->syncobjs[s] = c.handle;
		break;
	}
	case OP_SYNCOBJ_DESTROY: {
		struct drm_syncobj_destroy d = { .handle = h };

		if (!do_ioctl(op, f->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d))
			f->syncobjs[s] = 0;
		break;
	}
	case OP_SYNCOBJ_WAIT: {
		struct drm_syncobj_wait w = {
			.handles = (uintptr_t)&h, .count_handles = 1,
			.timeout_nsec = below(z, 20000000),
			.flags = below(z, 4),
		};
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		w.timeout_nsec += now.tv_sec * 1000000000LL + now.tv_nsec;
		do_ioctl(op, f->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
		break;
	}
	case OP_SYNCOBJ_SIGNAL: {
		struct drm_syncobj_array a = { .handles = (uintptr_t)&h, .count_handles = 1 };

		do_ioctl(op, f->fd, chance(z, 2) ? DRM_IOCTL_SYNCOBJ_SIGNAL :
						   DRM_IOCTL_SYNCOBJ_RESET, &a);
		break;
	}
	default: {
		/* to a sync_file or a syncobj fd, and back into another file */
		struct drm_syncobj_handle e = {
			.handle = h, .fd = -1,
			.flags = chance(z, 2) ? DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE : 0,
		};
		struct file *g = pick_file(z);
		int t = g ? pick_syncobj(z, g, true) : -1;

		if (do_ioctl(op, f->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &e))
			break;
		if (g && (!e.flags || t >= 0)) {
			struct drm_syncobj_handle i = { .fd = e.fd };

			if (e.flags) {
				i.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
				i.handle = g->syncobjs[t];
			}
			if (!do_ioctl(op, g->fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &i) &&
			    !e.flags) {
				int u = pick_syncobj(z, g, false);

				if (u >= 0)
					g->syncobjs[u] = i.handle;
			}
		}
		close(e.fd);
	}
	}
}

static void op_prime(struct fuzzer *z, struct file *f, enum op op)
{
	if (op == OP_PRIME_EXPORT) {
		int b = pick_bo(z, f, true), d = pick_dmabuf(z, f, false);
		struct drm_prime_handle p = { .fd = -1 };

		if (b < 0 || d < 0)
			return;
		p.handle = mut(z, f->bos[b].handle);
		p.flags = mut(z, DRM_CLOEXEC | DRM_RDWR);
		if (!do_ioctl(op, f->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p))
			f->dmabufs[d] = p.fd;
	} else if (op == OP_PRIME_IMPORT) {
		int d = pick_dmabuf(z, f, true);
		struct file *g = pick_file(z);
		struct drm_prime_handle p = { 0 };

		if (d < 0 || !g)
			return;
		p.fd = f->dmabufs[d];
		if (!do_ioctl(op, g->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p)) {
			int b = pick_bo(z, g, false);

			/* one handle per BO per file: the same one may come back */
			for (int i = 0; i < MAX_BOS; i++)
				if (g->bos[i].handle == p.handle)
					b = -1;
			if (b >= 0) {
				g->bos[b].handle = p.handle;
				g->bos[b].size = lseek(p.fd, 0, SEEK_END);
				g->bos[b].map = NULL;
				if (g->bos[b].size > (64 << 20) || !g->bos[b].size)
					g->bos[b].size = 4096;
			}
		}
	} else {
		int d = pick_dmabuf(z, f, true);

		if (d >= 0) {
			count(op, close(f->dmabufs[d]) ? -errno : 0);
			f->dmabufs[d] = -1;
		}
	}
}

static void file_init(struct file *f, int fd, bool shared)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->shared = shared;
	for (int i = 0; i < MAX_DMABUFS; i++)
		f->dmabufs[i] = -1;
}

/* Forget a file's objects; closing its fd releases them in the kernel. */
static void file_fini(struct file *f, bool close_fd)
{
	for (int i = 0; i < MAX_BOS; i++)
		unmap_bo(&f->bos[i]);
	for (int i = 0; i < MAX_DMABUFS; i++)
		if (f->dmabufs[i] >= 0)
			close(f->dmabufs[i]);
	if (close_fd && !f->shared)
		close(f->fd);
	file_init(f, -1, false);
}

static void op_file(struct fuzzer *z, enum op op)
{
	for (int i = 0; i < MAX_FILES; i++) {
		struct file *f = &z->files[i];

		if (op == OP_FILE_OPEN && f->fd < 0) {
			int fd = open(device, O_RDWR | O_CLOEXEC);

			count(op, fd < 0 ? -errno : 0);
			if (fd >= 0)
				file_init(f, fd, false);
			return;
		}
		if (op == OP_FILE_CLOSE && f->fd >= 0 && !f->shared && chance(z, 2)) {
			count(op, 0);
			file_fini(f, true);
			return;
		}
	}
}

static void run_ops(struct fuzzer *z, uint64_t n);

/* The next op on a dup of the file, then the dup is closed. */
static void op_dup(struct fuzzer *z)
{
	struct file *f = pick_file(z);
	int fd, saved;

	if (!f)
		return;
	fd = dup(f->fd);
	count(OP_DUP, fd < 0 ? -errno : 0);
	if (fd < 0)
		return;
	saved = f->fd;
	f->fd = fd;
	run_ops(z, 1);
	/* the op may have closed the file, through the dup */
	if (f->fd == fd) {
		f->fd = saved;
		close(fd);
	} else {
		close(saved);
	}
}

/* A child runs a few ops on the inherited files and exits without cleanup. */
static void op_fork(struct fuzzer *z)
{
	pid_t pid = fork(), got;
	int status;

	count(OP_FORK, pid < 0 ? -errno : 0);
	if (pid == 0) {
		uint64_t failed = atomic_load(&n_child_failed);

		alarm(30);
		z->rng ^= 0x5bd1e995;
		run_ops(z, 20 + below(z, 20));
		/* a grandchild that failed fails this child */
		_exit(atomic_load(&n_child_failed) != failed);
	}
	if (pid <= 0)
		return;
	/* a child's crash is the run's failure, not something to drop */
	do
		got = waitpid(pid, &status, 0);
	while (got < 0 && errno == EINTR);
	if (got != pid) {
		atomic_fetch_add(&n_child_failed, 1);
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		atomic_fetch_add(&n_child_alarm, 1);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("# fork child %d ended with status 0x%x\n", (int)pid, status);
		fflush(stdout);
		atomic_fetch_add(&n_child_failed, 1);
	}
}

static enum op pick_op(struct fuzzer *z)
{
	unsigned int total = 0, r;

	for (int i = 0; i < OP_COUNT; i++)
		total += op_weight[i];
	r = below(z, total);
	for (int i = 0; i < OP_COUNT; i++) {
		if (r < op_weight[i])
			return i;
		r -= op_weight[i];
	}
	return OP_QUERY;
}

static void run_ops(struct fuzzer *z, uint64_t n)
{
	for (uint64_t i = 0; i < n && !atomic_load(&stop); i++) {
		enum op op = pick_op(z);
		struct file *f = pick_file(z);

		z->ops++;
		if (!f && op != OP_FILE_OPEN)
			continue;
		switch (op) {
		case OP_QUERY: op_query(z, f); break;
		case OP_GEM_CREATE: op_gem_create(z, f); break;
		case OP_GEM_CLOSE: op_gem_close(z, f); break;
		case OP_MMAP: op_mmap(z, f); break;
		case OP_MUNMAP: op_munmap(z, f); break;
		case OP_VM_CREATE: op_vm_create(z, f); break;
		case OP_VM_DESTROY: op_vm_destroy(z, f); break;
		case OP_BIND: case OP_BIND_USERPTR: case OP_BIND_NULL: case OP_UNBIND:
			do_bind(z, f, op);
			break;
		case OP_QUEUE_CREATE: op_queue_create(z, f); break;
		case OP_QUEUE_DESTROY: op_queue_destroy(z, f); break;
		case OP_QUEUE_GET: op_queue_property(z, f, false); break;
		case OP_QUEUE_SET: op_queue_property(z, f, true); break;
		case OP_EXEC: op_exec(z, f); break;
		case OP_WAIT_UFENCE: op_wait_ufence(z, f); break;
		case OP_VM_GET: case OP_MADVISE: case OP_RANGE_ATTRS: case OP_OBSERVATION:
			op_vm_misc(z, f, op);
			break;
		case OP_SYNCOBJ_CREATE: case OP_SYNCOBJ_DESTROY: case OP_SYNCOBJ_WAIT:
		case OP_SYNCOBJ_SIGNAL: case OP_SYNCOBJ_EXPORT:
			op_syncobj(z, f, op);
			break;
		case OP_PRIME_EXPORT: case OP_PRIME_IMPORT: case OP_DMABUF_CLOSE:
			op_prime(z, f, op);
			break;
		case OP_FILE_OPEN: case OP_FILE_CLOSE: op_file(z, op); break;
		case OP_DUP: op_dup(z); break;
		case OP_FORK: op_fork(z); break;
		default: break;
		}
	}
}

/*
 * A zeroed, 2 MiB-aligned block of TARGET_BLOCK bytes with at least a
 * block of PROT_NONE reservation on either side: a userptr range that
 * runs past it, or an address flipped out of it, faults.
 */
static uint8_t *target_block(void)
{
	uint8_t *r = mmap(NULL, TARGET_RESERVE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t b;

	if (r == MAP_FAILED)
		return NULL;
	b = ((uintptr_t)r + 2 * TARGET_BLOCK - 1) & ~(uintptr_t)(TARGET_BLOCK - 1);
	if (mprotect((void *)b, TARGET_BLOCK, PROT_READ | PROT_WRITE))
		return NULL;
	return (uint8_t *)b;
}

struct thread_arg {
	pthread_t tid;
	uint64_t seed;
	unsigned int id;
	uint64_t max_ops;
	uint64_t ops;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	struct fuzzer *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->id = a->id;
	z->rng = a->seed ^ (0x9e3779b97f4a7c15ULL * (a->id + 1));
	z->userptr_len = 64 << 10;
	z->target = target_block();
	z->query = malloc(QUERY_BUF);
	if (!z->target || !z->query)
		return NULL;
	z->ufence = (uint64_t *)z->target;
	z->userptr = z->target + 4096;
	for (int i = 0; i < MAX_FILES; i++)
		file_init(&z->files[i], -1, false);
	file_init(&z->files[0], shared_fd, true);
	run_ops(z, a->max_ops ? a->max_ops : UINT64_MAX);
	for (int i = 0; i < MAX_FILES; i++)
		if (z->files[i].fd >= 0)
			file_fini(&z->files[i], true);
	a->ops = z->ops;
	/*
	 * The target block stays: a bind or exec still in flight may write
	 * it after the files are closed.
	 */
	free(z->query);
	free(z);
	return NULL;
}

/* the first engine class the device reports, the sysmem placement */
static void probe_device(int fd)
{
	uint8_t *buf = malloc(QUERY_BUF);
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_ENGINES };

	if (!buf)
		return;
	if (!xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) && q.size <= QUERY_BUF) {
		q.data = (uintptr_t)buf;
		if (!xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) &&
		    ((struct drm_xe_query_engines *)buf)->num_engines)
			engine_class = ((struct drm_xe_query_engines *)buf)
					       ->engines[0].instance.engine_class;
	}
	q = (struct drm_xe_device_query){ .query = DRM_XE_DEVICE_QUERY_MEM_REGIONS };
	if (!xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) && q.size <= QUERY_BUF) {
		struct drm_xe_query_mem_regions *mr = (void *)buf;

		q.data = (uintptr_t)buf;
		if (!xioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q))
			for (uint32_t i = 0; i < mr->num_mem_regions; i++)
				if (mr->mem_regions[i].mem_class ==
				    DRM_XE_MEM_REGION_CLASS_SYSMEM) {
					placement = 1u << mr->mem_regions[i].instance;
					break;
				}
	}
	free(buf);
}

static void usage(void)
{
	fprintf(stderr, "usage: xe_guest_fuzz --device NODE [--seed N] "
		"[--seconds N | --ops N] [--threads N] [--faults]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t seed = 0, max_ops = 0, distinct = 0;
	unsigned int seconds = 60, nthreads = 3;
	struct thread_arg threads[16];
	bool have_seed = false;
	struct timespec t0, t1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--faults")) {
			signal(SIGBUS, on_sigbus);
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--device"))
			device = argv[++i];
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[++i], NULL, 0), have_seed = true;
		else if (!strcmp(argv[i], "--seconds"))
			seconds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--ops"))
			max_ops = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--threads"))
			nthreads = strtoul(argv[++i], NULL, 0);
		else
			usage();
	}
	if (!device || !nthreads || nthreads > 16)
		usage();
	if (!have_seed) {
		clock_gettime(CLOCK_REALTIME, &t0);
		seed = (uint64_t)t0.tv_sec * 1000003 ^ t0.tv_nsec ^ getpid();
	}
	printf("# seed %" PRIu64 " (replay: --seed %" PRIu64 " --threads 1 --ops N)\n",
	       seed, seed);
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * failslab is already on: an injected ENOMEM may refuse this first
	 * open, which is the module behaving, not a finding.
	 */
	for (int tries = 0; tries < 100; tries++) {
		shared_fd = open(device, O_RDWR | O_CLOEXEC);
		if (shared_fd >= 0 || errno != ENOMEM)
			break;
	}
	if (shared_fd < 0) {
		printf("# cannot open %s: %s\n", device, strerror(errno));
		return 1;
	}
	probe_device(shared_fd);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int i = 0; i < nthreads; i++) {
		threads[i] = (struct thread_arg){ .seed = seed, .id = i, .max_ops = max_ops };
		if (pthread_create(&threads[i].tid, NULL, thread_main, &threads[i])) {
			printf("# cannot start thread %u\n", i);
			return 1;
		}
	}
	if (!max_ops) {
		sleep(seconds);
		atomic_store(&stop, true);
	}
	for (unsigned int i = 0; i < nthreads; i++)
		pthread_join(threads[i].tid, NULL);
	close(shared_fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (int op = 0; op < OP_COUNT; op++) {
		unsigned int n = 0;

		for (int w = 0; w < 3; w++)
			n += __builtin_popcountll(atomic_load(&paths[op][w]));
		distinct += n;
		printf("# %-20s %8" PRIu64 " calls, %u outcomes\n", op_names[op],
		       (uint64_t)atomic_load(&op_calls[op]), n);
	}
	printf("# fuzz: seed %" PRIu64 ", %" PRIu64 " ioctls (%" PRIu64
	       " succeeded), %" PRIu64 " distinct op/errno paths, %u threads, %ld s\n",
	       seed, (uint64_t)atomic_load(&n_ioctls), (uint64_t)atomic_load(&n_ok),
	       distinct, nthreads, (long)(t1.tv_sec - t0.tv_sec));
	printf("# SIGBUS on a new mapping's first touch: %" PRIu64 "\n",
	       (uint64_t)atomic_load(&n_sigbus));
	/* what --ops needs to replay each thread's sequence */
	for (unsigned int i = 0; i < nthreads; i++)
		printf("# thread %u: %" PRIu64 " ops\n", i, threads[i].ops);
	printf("# fork children: %" PRIu64 " crashed or failed, %" PRIu64
	       " stopped by their 30 s alarm\n",
	       (uint64_t)atomic_load(&n_child_failed),
	       (uint64_t)atomic_load(&n_child_alarm));
	return atomic_load(&n_child_failed) ? 1 : 0;
}
