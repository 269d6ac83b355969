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

#include "xe_host.h"
#include "xe_proxy_proto.h"

#define XE_HOST_MAX_RINGS	64	/* virtio-gpu ring_idx is 0..63 */
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

/**
 * struct xe_job - one piece of host GPU work the core waits for
 * @refs: references (the ring list, fences, host fence ids, VMs)
 * @fd: sync_file that signals when the work completes, -1 once known done
 * @drm_fd: the context fd owning @syncobj
 * @syncobj: the syncobj the work signals, usable as an in-sync
 * @queue_id: the exec queue that ran it, 0 for binds; its ban state is
 *	checked once the job completes
 */
struct xe_job {
	int refs;
	int fd;
	int drm_fd;
	uint32_t syncobj;
	uint32_t queue_id;
};

struct xe_job *xe_job_from_syncobj(int drm_fd, uint32_t syncobj);
struct xe_host_ctx;
struct xe_queue;
void xe_queue_note_ban(struct xe_host_ctx *ctx, struct xe_queue *q);
int xe_syncobj_create(int drm_fd, uint32_t *handle);
void xe_syncobj_destroy(int drm_fd, uint32_t handle);
struct xe_job *xe_job_get(struct xe_job *job);
void xe_job_put(struct xe_job *job);
bool xe_job_done(struct xe_job *job);

/**
 * struct xe_ring_fence - a guest fence waiting on the work of its ring
 * @next: FIFO link
 * @fence_id: id to report
 * @jobs: the ring's unfinished work when the fence was created
 * @num_jobs: entries in @jobs
 */
struct xe_ring_fence {
	struct xe_ring_fence *next;
	uint64_t fence_id;
	struct xe_job **jobs;
	uint32_t num_jobs;
};

/**
 * struct xe_ring - work and fences of one ring of a context
 * @jobs: unfinished work submitted on the ring
 * @num_jobs: entries used in @jobs
 * @cap_jobs: entries allocated in @jobs
 * @head: oldest pending fence
 * @tail: newest pending fence
 */
struct xe_ring {
	struct xe_job **jobs;
	uint32_t num_jobs;
	uint32_t cap_jobs;
	struct xe_ring_fence *head;
	struct xe_ring_fence *tail;
};

int xe_ring_add_job(struct xe_host_ctx *ctx, struct xe_ring *ring,
		    struct xe_job *job);
void xe_ring_fini(struct xe_ring *ring);

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
 */
struct xe_object {
	uint32_t handle;
	uint64_t size;
	uint32_t blob_id;
	uint32_t res_id;
	bool guest_ref;
	void *map;
	uint64_t map_size;
	uint16_t cpu_caching;
};

/**
 * struct xe_guest_mem - a guest-memory blob resource (BLOB_MEM_GUEST)
 * @res_id: the virtio-gpu resource
 * @size: bytes, the sum of @iov
 * @iov: where QEMU maps the guest's pages in this process, in order (a copy
 *	of the array QEMU passed; the memory is the guest's own RAM)
 * @num_iov: entries in @iov
 *
 * The guest backs MAP_USERPTR binds with these: the host binds the pieces as
 * userptr ranges, so a guest only ever reaches its own memory.
 */
struct xe_guest_mem {
	uint32_t res_id;
	uint64_t size;
	struct iovec *iov;
	uint32_t num_iov;
};

/**
 * struct xe_vm - a VM of a context
 * @id: the host driver's vm_id
 * @last_bind: the last base-protocol (guest-synchronous) bind, which base
 *	execs on the VM must wait for, or NULL
 */
struct xe_vm {
	uint32_t id;
	struct xe_job *last_bind;
};

/**
 * struct xe_queue - an exec queue of a context
 * @id: the host driver's exec_queue_id
 * @vm_id: its VM
 * @ring_idx: ring its base-protocol work retires on
 * @banned: the host driver banned it
 */
struct xe_queue {
	uint32_t id;
	uint32_t vm_id;
	uint32_t ring_idx;
	bool banned;
};

/**
 * struct xe_host_ctx - one guest context
 * @next: list of all contexts
 * @ctx_id: virtio-gpu context id
 * @name: debug name
 * @fd: the context's own xe render node fd
 * @shmem: the shared-memory response blob, or NULL
 * @shmem_size: its size
 * @shmem_res_id: its resource id
 * @objects: blob_id -> struct xe_object
 * @resources: res_id -> struct xe_object
 * @guest_mems: res_id -> struct xe_guest_mem
 * @vms: vm_id -> struct xe_vm
 * @queues: exec_queue_id -> struct xe_queue
 * @host_fences: fence id -> struct xe_job (extension host fences)
 * @mem_used: bytes of BOs the context holds
 * @rings: per-ring work and fences
 */
struct xe_host_ctx {
	struct xe_host_ctx *next;
	uint32_t ctx_id;
	char name[32];
	int fd;
	struct xe_proxy_shmem *shmem;
	size_t shmem_size;
	uint32_t shmem_res_id;
	struct xe_map objects;
	struct xe_map resources;
	struct xe_map guest_mems;
	struct xe_map vms;
	struct xe_map queues;
	struct xe_map host_fences;
	uint64_t mem_used;
	struct xe_ring rings[XE_HOST_MAX_RINGS];
};

struct xe_object *xe_ctx_object_by_res(struct xe_host_ctx *ctx, uint32_t res_id);
struct xe_guest_mem *xe_ctx_guest_mem(struct xe_host_ctx *ctx, uint32_t res_id);
int xe_ctx_object_create(struct xe_host_ctx *ctx, uint32_t blob_id,
			 uint32_t handle, uint64_t size, uint16_t cpu_caching);
void xe_ctx_object_close(struct xe_host_ctx *ctx, uint32_t blob_id);
int xe_ctx_object_map(struct xe_host_ctx *ctx, struct xe_object *obj);
void *xe_ctx_rsp(struct xe_host_ctx *ctx, const struct xe_proxy_ccmd_req *hdr,
		 size_t size);

/* --- ccmds (xe_host_ccmd.c) --- */
int xe_ccmd_dispatch(struct xe_host_ctx *ctx, const struct xe_proxy_ccmd_req *hdr);

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
 * @mem_limit: per-context BO byte quota (XE_PROXY_MEM_LIMIT), 0 = none
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
	uint64_t mem_limit;
};

extern struct xe_host xe_host;

void xe_host_wake(void);
int xe_host_open_node(void);
void *xe_fence_thread(void *arg);

/* --- logging (xe_host_log.c) --- */
void xe_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xe_log_ratelimited(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* drmIoctl-like: restarts on EINTR/EAGAIN, returns 0 or -errno. */
int xe_ioctl(int fd, unsigned long request, void *arg);

#endif /* XE_HOST_PRIV_H */
