/* SPDX-License-Identifier: MIT */
/*
 * virtio-xe-proxy host core: state shared by the xe_host_*.c files.
 *
 * Locking: one mutex, xe_host.lock, guards every context and the fence
 * queues; the fence thread drops it only while it sleeps in poll().
 * xe_host_* entry points take it; static helpers expect it held.
 */
#ifndef XE_HOST_PRIV_H
#define XE_HOST_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <linux/types.h>

#include "xe_host.h"
#include "xe_proxy_proto.h"

#define XE_HOST_MAX_RINGS	64	/* virtio-gpu ring_idx is 0..63 */
#define XE_HOST_NO_RING		UINT32_MAX
#define XE_HOST_SHMEM_MAX	(16u << 20)

/* --- small u64 -> pointer hash map (xe_host_map.c) --- */
struct xe_map_entry {
	uint64_t key;
	void *val;
};

struct xe_map {
	struct xe_map_entry *slots;
	size_t cap;		/* power of two, or 0 */
	size_t count;
	size_t tombs;
};

void *xe_map_get(const struct xe_map *m, uint64_t key);
int xe_map_put(struct xe_map *m, uint64_t key, void *val);
void *xe_map_del(struct xe_map *m, uint64_t key);
void xe_map_free(struct xe_map *m);
/* Iterate: for (i = 0; xe_map_next(m, &i, &key, &val); ) */
bool xe_map_next(const struct xe_map *m, size_t *i, uint64_t *key, void **val);

/* --- jobs and fences (xe_host_fence.c) --- */

struct xe_ufence;

/**
 * struct xe_host_job - one piece of host GPU work the core waits for
 * @refs: references (the ring list, fences, host fence ids, VMs)
 * @fd: sync_file that signals when the work completes, -1 once known done
 *	or for a job made of @uf
 * @ctx: the context owning @syncobj, which it outlives (its rings, host
 *	fences and VMs put their jobs before it goes); NULL for a job of no
 *	syncobj
 * @syncobj: the syncobj the work signals, usable as an in-sync; 0 for a
 *	job made of @uf
 * @uf: instead of a syncobj, the arena slot a bind on a long-running VM
 *	writes when done (xe refuses syncobj signals there), or NULL
 * @queue_id: the exec queue that ran it, 0 for binds; its ban state is
 *	checked once the job completes
 * @ring_seqno: its place on its ring (xe_ring.seqno when it was added)
 * @charged: a job of no work (xe_host_job_signalled()), charged to
 *	XE_LIMIT_FENCES by itself
 * @error: the error its fence signalled with (the sync_file's status:
 *	-ETIME for a job xe's TDR timed out, -ECANCELED for one behind it,
 *	-EIO after an engine reset), 0 if none or not known yet
 * @rsp_off: for the exec of a submission the guest did not wait for
 *	(XE_PROXY_EXEC_FLAG_ASYNC): where in the response area its ret
 *	lies, rewritten with @error before its guest fence is reported;
 *	0 for none
 */
struct xe_host_job {
	int refs;
	int fd;
	struct xe_host_ctx *ctx;
	uint32_t syncobj;
	struct xe_ufence *uf;
	uint32_t queue_id;
	uint64_t ring_seqno;
	bool charged;
	int error;
	size_t rsp_off;
};

struct xe_host_ctx;
struct xe_host_job *xe_host_job_from_syncobj(struct xe_host_ctx *ctx, uint32_t syncobj);
struct xe_host_job *xe_host_job_from_ufence(struct xe_ufence *uf);
struct xe_host_job *xe_host_job_signalled(struct xe_host_ctx *ctx);
struct xe_host_queue;
void xe_host_queue_note_ban(struct xe_host_ctx *ctx, struct xe_host_queue *q);
int xe_syncobj_create(struct xe_host_ctx *ctx, uint32_t *handle);
void xe_syncobj_destroy(struct xe_host_ctx *ctx, uint32_t handle);
struct xe_host_job *xe_host_job_get(struct xe_host_job *job);
void xe_host_job_put(struct xe_host_job *job);
bool xe_host_job_done(struct xe_host_job *job);

/**
 * struct xe_ring_fence - a guest fence waiting on the work of its ring
 * @next: FIFO link
 * @fence_id: id to report
 * @upto: it signals once every job of the ring up to this seqno is done
 * @spare: it is &xe_ring.spare, neither allocated nor charged
 * @mergeable: its creator lets a later fence of the ring retire it unreported
 */
struct xe_ring_fence {
	struct xe_ring_fence *next;
	uint64_t fence_id;
	uint64_t upto;
	bool spare;
	bool mergeable;
};

/**
 * struct xe_ring - work and fences of one ring of a context
 * @jobs: unfinished work submitted on the ring, oldest first
 * @num_jobs: entries used in @jobs
 * @cap_jobs: entries allocated in @jobs
 * @seqno: seqno of the last job added
 * @head: oldest pending fence
 * @tail: newest pending fence
 * @spare: the fence used when no other can be allocated or charged, so
 *	that a fence the guest asks for is never lost (xe_host_ctx_fence())
 */
struct xe_ring {
	struct xe_host_job **jobs;
	uint32_t num_jobs;
	uint32_t cap_jobs;
	uint64_t seqno;
	struct xe_ring_fence *head;
	struct xe_ring_fence *tail;
	struct xe_ring_fence spare;
};

int xe_ring_add_job(struct xe_host_ctx *ctx, struct xe_ring *ring,
		    struct xe_host_job *job);
void xe_ring_fini(struct xe_ring *ring);
void xe_fence_caches_empty(void);

/* --- objects and contexts (xe_host_ctx.c) --- */

/**
 * struct xe_object - a GEM BO of a context
 * @handle: GEM handle on the context's fd (0 once closed)
 * @size: size in bytes
 * @blob_id: the guest's blob_id
 * @res_id: virtio-gpu resource backed by it, 0 if none yet
 * @guest_ref: the guest still holds its GEM handle (no GEM_CLOSE yet)
 * @map: host mapping, or NULL
 * @map_size: size of @map
 * @cpu_caching: DRM_XE_GEM_CPU_CACHING_*
 * @bindings: ranges of VMs that map it (struct xe_host_vma); the driver keeps
 *	the BO while any exists, so the object (and its charge) stays too
 * @ctx: the context it belongs to, NULL once the context is gone and only
 *	pending bind user fences keep it (@pins)
 * @pins: pending bind user fences whose page mapping holds the BO
 * @charged: with @ctx NULL: the object still holds its BO charge
 * @orphan: with @ctx NULL: the orphan entry of its resource, which holds
 *	the charge while both live
 * @imported: another context's resource, imported into this context's fd
 *	(xe_host_import.c): no blob_id, in &xe_host_ctx.imports while it lives
 *	and in &xe_host_ctx.resources while attached (@res_id)
 * @slices: slice resources of it (struct xe_slice) that hold it
 * @slice_charged: its context went while only slices held it: its bytes
 *	moved to the orphan of its last slice
 * @cpu_unreachable: VRAM past a small BAR, where a CPU access raises
 *	SIGBUS: never mapped for the guest (xe_host_beyond_bar())
 * @in_blob: made with its resource (XE_PROXY_BLOB_CREATE()): it has no
 *	blob_id, and slices name it by its resource id
 */
struct xe_object {
	uint32_t handle;
	uint64_t size;
	uint32_t blob_id;
	uint32_t res_id;
	bool guest_ref;
	bool imported;
	void *map;
	uint64_t map_size;
	uint16_t cpu_caching;
	uint32_t bindings;
	struct xe_host_ctx *ctx;
	uint32_t pins;
	bool charged;
	struct xe_orphan *orphan;
	uint32_t slices;
	bool slice_charged;
	bool cpu_unreachable;
	bool in_blob;
};

/**
 * struct xe_slice - a resource for part of a BO (XE_PROXY_F_BLOB_SLICE)
 * @obj: the BO, held (@obj->slices)
 * @offset: first byte of the BO it covers
 * @size: bytes it covers
 */
struct xe_slice {
	struct xe_object *obj;
	uint64_t offset;
	uint64_t size;
};

/**
 * struct xe_refused_attach - an attach of a resource the host refused
 * @fd: the resource's dma-buf, borrowed from the resource (vrend_shim_res.c)
 * @size: its size
 */
struct xe_refused_attach {
	int fd;
	uint64_t size;
};

/**
 * struct xe_orphan - the charge of a resource that outlived its context
 * @bytes: BO bytes charged (one BO is charged too)
 * @obj: the object, while pending bind user fences still map it
 */
struct xe_orphan {
	uint64_t bytes;
	struct xe_object *obj;
};

/**
 * struct xe_span - an address range, in an array sorted by @start
 * @start: first byte
 * @end: one past the last
 * @max_end: the largest @end of this and every earlier entry (an index:
 *	xe_host_guest_mem.c)
 */
struct xe_span {
	uint64_t start;
	uint64_t end;
	uint64_t max_end;
};

/**
 * struct xe_guest_mem - a guest-memory blob resource (BLOB_MEM_GUEST)
 * @res_id: the virtio-gpu resource
 * @size: bytes, the sum of @iov
 * @iov: where QEMU maps the guest's pages in this process, in order (a copy
 *	of the array QEMU passed; the memory is the guest's own RAM)
 * @num_iov: entries in @iov
 * @spans: the pieces of @iov, indexed for overlap tests
 * @detached: QEMU took the iovecs back: no new binds
 *
 * The guest backs MAP_USERPTR binds with these: the host binds the pieces as
 * userptr ranges, so a guest only ever reaches its own memory.
 */
struct xe_guest_mem {
	uint32_t res_id;
	uint64_t size;
	struct iovec *iov;
	uint32_t num_iov;
	struct xe_span *spans;
	bool detached;
};

void xe_guest_mem_free(struct xe_guest_mem *gm);

/**
 * struct xe_host_vma - a range of a VM's GPU VA space that is mapped
 * @start: first address
 * @end: one past the last
 * @obj: the BO it maps, or NULL (userptr, NULL binding)
 * @gm: the guest memory a userptr range maps, or NULL
 */
struct xe_host_vma {
	uint64_t start;
	uint64_t end;
	struct xe_object *obj;
	struct xe_guest_mem *gm;
};

/**
 * struct xe_bind_track - what one bind op maps, for xe_host_vm_apply()
 * @obj: the BO of a MAP or UNMAP_ALL
 * @gm: the guest memory of a MAP_USERPTR piece
 */
struct xe_bind_track {
	struct xe_object *obj;
	struct xe_guest_mem *gm;
};

/**
 * struct xe_host_vm - a VM of a context
 * @id: the host driver's vm_id
 * @last_bind: the last base-protocol (guest-synchronous) bind, which base
 *	execs on the VM must wait for, or NULL
 * @flags: DRM_XE_VM_CREATE_FLAG_* it was created with
 * @vmas: what it maps, sorted, not overlapping (xe_host_vma.c)
 * @num_vmas: entries in @vmas
 * @cap_vmas: entries allocated
 */
struct xe_host_vm {
	uint32_t id;
	uint32_t flags;
	struct xe_host_job *last_bind;
	struct xe_host_vma *vmas;
	uint32_t num_vmas;
	uint32_t cap_vmas;
};

/**
 * struct xe_host_queue - an exec queue of a context
 * @id: the host driver's exec_queue_id
 * @vm_id: its VM
 * @ring_idx: ring its base-protocol work retires on, XE_HOST_NO_RING for none
 * @width: submission width (its charge: xe_limit_charge_queue())
 * @banned: the host driver banned it
 */
struct xe_host_queue {
	uint32_t id;
	uint32_t vm_id;
	uint32_t ring_idx;
	uint16_t width;
	bool banned;
};

/*
 * Syncobjs a context keeps for reuse: about as many as one batch of
 * coalesced submissions retires at once, so an exec or bind in a steady
 * stream costs no SYNCOBJ_CREATE or _DESTROY; few enough that what they
 * hold stays small next to XE_LIMIT_FENCES.
 */
#define XE_SYNCOBJ_POOL	32

/**
 * struct xe_host_ctx - one guest context
 * @next: list of all contexts
 * @ctx_id: virtio-gpu context id
 * @name: debug name
 * @fd: the context's own xe render node fd
 * @shmem: the shared-memory response blob, or NULL
 * @shmem_size: its size
 * @shmem_res_id: its resource id
 * @rsp_off: where the response area starts in @shmem: the host's own copy,
 *	never read back from the shared page (the guest can write it)
 * @rsp: the response of the command running, built here and copied into
 *	the shared page once the command succeeded (xe_ctx_rsp()), or NULL
 * @rsp_at: its offset in the response area
 * @objects: blob_id -> struct xe_object
 * @resources: res_id -> struct xe_object (its own, and imports attached)
 * @imports: GEM handle -> struct xe_object, the imports of other contexts'
 *	resources, attached or still bound
 * @slices: res_id -> struct xe_slice
 * @guest_mems: res_id -> struct xe_guest_mem
 * @vms: vm_id -> struct xe_host_vm
 * @queues: exec_queue_id -> struct xe_host_queue
 * @host_fences: fence id -> struct xe_host_job (extension host fences)
 * @rings: per-ring work and fences
 * @cmd_buf: the private copy of the ccmd being run, kept for the next
 *	(xe_host_ctx_submit()); as large as the largest ccmd the guest sent
 * @cmd_cap: its size
 * @rsp_small: where a response of up to 64 bytes is built (@rsp points
 *	here then), so most commands allocate none
 * @lost: the errno the device now fails every call with (ENODEV, ECANCELED),
 *	published in @shmem; 0 while it works
 * @syncobj_pool: syncobjs of @fd kept for the next submissions
 *	(xe_syncobj_destroy())
 * @syncobjs_pooled: entries in @syncobj_pool
 */
struct xe_host_ctx {
	struct xe_host_ctx *next;
	uint32_t ctx_id;
	char name[32];
	int fd;
	struct xe_proxy_shmem *shmem;
	size_t shmem_size;
	uint32_t shmem_res_id;
	uint32_t rsp_off;
	struct xe_proxy_ccmd_rsp *rsp;
	uint32_t rsp_at;
	struct xe_map objects;
	struct xe_map closed;
	struct xe_map resources;
	struct xe_map imports;
	struct xe_map refused;
	struct xe_map slices;
	struct xe_map guest_mems;
	struct xe_map vms;
	struct xe_map queues;
	struct xe_map host_fences;
	struct xe_ring rings[XE_HOST_MAX_RINGS];
	void *cmd_buf;
	size_t cmd_cap;
	uint64_t rsp_small[8];
	int lost;
	uint32_t syncobj_pool[XE_SYNCOBJ_POOL];
	uint32_t syncobjs_pooled;
};

struct xe_object *xe_ctx_object_by_res(struct xe_host_ctx *ctx, uint32_t res_id);
int xe_ctx_object_by_res_retry(struct xe_host_ctx *ctx, uint32_t res_id,
			       struct xe_object **out);
struct xe_guest_mem *xe_ctx_guest_mem(struct xe_host_ctx *ctx, uint32_t res_id);
int xe_ctx_object_create(struct xe_host_ctx *ctx, uint32_t blob_id,
			 uint32_t handle, uint64_t size, uint16_t cpu_caching);
void xe_ctx_object_close(struct xe_host_ctx *ctx, uint32_t blob_id);
int xe_ctx_object_map(struct xe_host_ctx *ctx, struct xe_object *obj);
void xe_object_unbind(struct xe_object *obj);
void xe_ctx_object_release(struct xe_host_ctx *ctx, struct xe_object *obj);
void xe_object_unpin(struct xe_object *obj);
int xe_host_vm_destroy(struct xe_host_ctx *ctx, struct xe_host_vm *vm, bool force);
void *xe_ctx_rsp(struct xe_host_ctx *ctx, const struct xe_proxy_ccmd_req *hdr,
		 size_t size);
void xe_ctx_rsp_finish(struct xe_host_ctx *ctx, bool ran);
void xe_ctx_check_lost(struct xe_host_ctx *ctx);

/* --- ccmds (xe_host_ccmd.c) --- */
int xe_ccmd_dispatch(struct xe_host_ctx *ctx, const struct xe_proxy_ccmd_req *hdr);
int xe_ccmd_gem_create_blob(struct xe_host_ctx *ctx, uint32_t res_id,
			    uint64_t blob_id, uint64_t size, uint64_t *out_size);

/* --- device facts (xe_host_device.c) --- */
bool xe_host_beyond_bar(uint32_t placement, uint32_t flags);

/* --- what VMs map (xe_host_vma.c) --- */
struct drm_xe_vm_bind_op;
uint32_t xe_host_vm_op_room(const struct xe_host_vm *vm, uint32_t op, uint64_t addr,
		       uint64_t range, bool after_map);
int xe_host_vm_bind_room(struct xe_host_ctx *ctx, uint64_t room);
void xe_host_vm_apply(struct xe_host_ctx *ctx, struct xe_host_vm *vm,
		 const struct drm_xe_vm_bind_op *ops,
		 const struct xe_bind_track *track, uint32_t n);
void xe_host_vm_clear(struct xe_host_vm *vm);
void xe_host_vm_unbind_guest_mem(struct xe_host_ctx *ctx, struct xe_guest_mem *gm);

/* --- bind user fences (xe_host_ufence.c) --- */
#define XE_UFENCE_WRITTEN	1	/* what the driver writes into a slot */
struct xe_ufence_chunk;
struct xe_ufence *xe_ufence_create(struct xe_host_ctx *ctx, struct xe_object *obj,
				   uint64_t offset, uint64_t value, __u64 *addr,
				   int *err);
void xe_ufence_arm(struct xe_ufence *uf);
void xe_ufence_abort(struct xe_ufence *uf);
struct xe_ufence *xe_ufence_get(struct xe_ufence *uf);
void xe_ufence_put(struct xe_ufence *uf);
bool xe_ufence_written(const struct xe_ufence *uf);
bool xe_ufence_scan(void);
void xe_ufence_fini(void);

/* --- per-guest limits (xe_host_limits.c) --- */

/**
 * enum xe_limit - what a guest can make the host hold, each limited
 * @XE_LIMIT_CONTEXTS: contexts (a render-node fd each)
 * @XE_LIMIT_MEM: bytes of BOs, until the driver frees them
 * @XE_LIMIT_BOS: BOs (a dma-buf fd each once a resource exists)
 * @XE_LIMIT_VMS: VMs
 * @XE_LIMIT_QUEUES: exec queues
 * @XE_LIMIT_MAPPINGS: mapped ranges of all VMs (page tables)
 * @XE_LIMIT_FENCES: host syncobjs (each a sync_file fd while pending) and
 *	pending bind user fences
 * @XE_LIMIT_COUNT: number of limits
 */
enum xe_limit {
	XE_LIMIT_CONTEXTS,
	XE_LIMIT_MEM,
	XE_LIMIT_BOS,
	XE_LIMIT_VMS,
	XE_LIMIT_QUEUES,
	XE_LIMIT_MAPPINGS,
	XE_LIMIT_FENCES,
	XE_LIMIT_COUNT
};

void xe_limits_init(void);
int xe_limit_charge(enum xe_limit kind, uint64_t n, uint32_t ctx_id);
void xe_limit_release(enum xe_limit kind, uint64_t n);
int xe_limit_charge_queue(uint16_t width, uint32_t ctx_id);
int xe_limit_charge_bo(uint64_t bytes, uint32_t ctx_id);
void xe_limit_release_bo(uint64_t bytes);
void xe_limit_release_queue(uint16_t width);

/* --- calls that wait for guest work, off QEMU's thread (xe_host_reaper.c) --- */
struct xe_reap;
void xe_reap(int fd, uint32_t vm_id, uint32_t ctx_id);
int xe_reaper_start(void);
void xe_reaper_stop(void);

/* --- process-wide state (xe_host_device.c) --- */

/**
 * struct xe_host - the process-wide host core
 * @lock: guards everything below and every context
 * @initialised: xe_host_init() succeeded
 * @path: the render node
 * @capset: capset served to guests
 * @contexts: all contexts
 * @cookie: fence callback cookie
 * @fence_cb: fence callback
 * @thread: the fence thread
 * @wake_fd: eventfd that wakes the fence thread
 * @stop: the fence thread must exit
 * @fault_mode: guests may create fault-mode VMs (XE_PROXY_FAULT_MODE=1)
 * @base_protocol: behave as the reference host, virglrenderer's
 *	drm_context with the reference xe backend, strictly
 *	(XE_PROXY_BASE_PROTOCOL=1, docs/protocol.md)
 * @beyond_bar: GEM_CREATE placement bits of VRAM regions with a small BAR
 *	(CPU-visible part smaller than the region), see xe_host_beyond_bar()
 * @limit: per-guest limits, enum xe_limit
 * @used: what the guest holds of each
 * @reap_lock: protects @reap_head, @reap_tail and @reap_stop; taken after
 *	@lock when both are held
 * @reap_cond: signals the reaper thread
 * @reap_head: oldest queued destruction (xe_host_reaper.c)
 * @reap_tail: newest
 * @reap_stop: the reaper thread finishes the queue and exits
 * @reaper: the reaper thread
 * @reaper_running: @reaper was started
 * @reap_busy: the reaper is running a destruction it took off the queue
 * @mappings: blob mappings this library made (unsorted; max_end unused)
 * @num_mappings: entries in @mappings
 * @cap_mappings: entries allocated
 * @orphans: res_id -> struct xe_orphan, for resources that outlived
 *	their context (xe_host_orphan_release())
 * @ufences: armed bind user fences
 * @ufence_chunks: the fence arena
 */
struct xe_host {
	pthread_mutex_t lock;
	bool initialised;
	char path[64];
	struct xe_proxy_capset_drm capset;
	struct xe_host_ctx *contexts;
	void *cookie;
	xe_host_fence_cb fence_cb;
	pthread_t thread;
	int wake_fd;
	bool stop;
	bool fault_mode;
	bool base_protocol;
	uint32_t beyond_bar;
	uint64_t limit[XE_LIMIT_COUNT];
	uint64_t used[XE_LIMIT_COUNT];
	pthread_mutex_t reap_lock;
	pthread_cond_t reap_cond;
	struct xe_reap *reap_head;
	struct xe_reap *reap_tail;
	bool reap_stop;
	pthread_t reaper;
	bool reaper_running;
	bool reap_busy;
	struct xe_span *mappings;
	uint32_t num_mappings;
	uint32_t cap_mappings;
	struct xe_map orphans;
	struct xe_ufence *ufences;
	struct xe_ufence_chunk *ufence_chunks;
};

extern struct xe_host xe_host;

void xe_host_wake(void);
int xe_host_open_node(void);
void *xe_fence_thread(void *arg);

/* --- fault injection for tests (xe_host_fault.c) --- */

/**
 * enum xe_fault_site - where XE_PROXY_FAULT can fail a call
 *
 * The host xe, syncobj and PRIME ioctls (by request), mmap(), and the
 * allocations of the host's own tables. Names in xe_host_fault.c.
 */
enum xe_fault_site {
	XE_FAULT_DEVICE_QUERY,
	XE_FAULT_GEM_CREATE,
	XE_FAULT_MMAP_OFFSET,
	XE_FAULT_VM_CREATE,
	XE_FAULT_VM_DESTROY,
	XE_FAULT_VM_BIND,
	XE_FAULT_EXEC_QUEUE_CREATE,
	XE_FAULT_EXEC_QUEUE_DESTROY,
	XE_FAULT_EXEC_QUEUE_GET_PROPERTY,
	XE_FAULT_EXEC,
	XE_FAULT_MADVISE,
	XE_FAULT_SYNCOBJ_CREATE,
	XE_FAULT_SYNCOBJ_EXPORT,
	XE_FAULT_PRIME_EXPORT,
	XE_FAULT_PRIME_IMPORT,
	XE_FAULT_MMAP,
	XE_FAULT_ALLOC_CTX,
	XE_FAULT_ALLOC_BO,
	XE_FAULT_ALLOC_VM,
	XE_FAULT_ALLOC_QUEUE,
	XE_FAULT_ALLOC_JOB,
	XE_FAULT_ALLOC_MAP,
	XE_FAULT_ALLOC_RING,
	XE_FAULT_ALLOC_RSP,
	XE_FAULT_ALLOC_UFENCE,
	XE_FAULT_COUNT
};

extern bool xe_fault_armed;
void xe_fault_init(void);
bool xe_fault_hit(enum xe_fault_site site);
int xe_fault_ioctl(unsigned long request);
void xe_host_report_idle(void);

/* One predictable branch when XE_PROXY_FAULT is unset. */
static inline bool xe_fault(enum xe_fault_site site)
{
	return __builtin_expect(__atomic_load_n(&xe_fault_armed, __ATOMIC_RELAXED), 0) &&
	       xe_fault_hit(site);
}

/* calloc() that the site's fault fails (errno set, NULL) */
#define xe_fault_calloc(site, n, size) \
	(xe_fault(site) ? NULL : calloc((n), (size)))

#include <sys/types.h>
void *xe_mmap(size_t len, int fd, off_t offset);

/* --- logging (xe_host_log.c) --- */
void xe_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xe_log_ratelimited(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Restarts on EINTR (a few times), never on EAGAIN; returns 0 or -errno. */
int xe_ioctl(int fd, unsigned long request, void *arg);
/*
 * Set by xe_ioctl() when a call failed with ENODEV or ECANCELED, what an
 * unplugged or wedged device answers (and a banned queue's exec):
 * xe_ctx_check_lost() then looks whether the device is gone. Initial-exec:
 * read twice per ccmd, it costs no __tls_get_addr() call that way (the
 * library comes with QEMU, and one byte fits the static TLS glibc keeps
 * for a library that dlopen() loads).
 */
extern __thread bool xe_ioctl_saw_loss __attribute__((tls_model("initial-exec")));

#endif /* XE_HOST_PRIV_H */
