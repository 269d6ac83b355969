// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: fences.
 *
 * Each host submission (exec, bind) signals a syncobj that is exported as a
 * sync_file: a struct xe_host_job. A ring keeps its unfinished jobs in order,
 * numbered; a guest fence created on a ring remembers the last number, so it
 * means "everything submitted on this ring before me is done", however many
 * exec queues share the ring. A fence costs the same whatever the ring
 * holds, and pending fences count against XE_LIMIT_FENCES. The fence thread poll()s the sync_files and
 * reports fences in order per ring. Nothing here blocks the caller's thread.
 *
 * Long-running VMs take no syncobj signal (xe_sync.c). A bind there is a
 * job made of a slot of the user-fence arena instead (xe_host_ufence.c),
 * which the fence thread watches. An exec there has no job at all: xe
 * gives an LR job no completion fence, and its user fence, if it has one,
 * is a GPU address in the guest's memory. So a guest fence behind such an
 * exec only says that it was submitted after the ring's earlier work.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/sync_file.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xe_host_priv.h"

/* gcc says ASan with __SANITIZE_ADDRESS__, clang with __has_feature() */
#if defined(__SANITIZE_ADDRESS__)
#define XE_HOST_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XE_HOST_ASAN	1
#endif
#endif
#ifdef XE_HOST_ASAN
#include <sanitizer/asan_interface.h>
#endif

/**
 * xe_syncobj_create() - a syncobj for a guest's submission
 * @ctx: the context
 * @handle: set to the handle, 0 on failure
 *
 * Every syncobj the host hands out for a guest is charged to
 * XE_LIMIT_FENCES until xe_syncobj_destroy(): it becomes a job, whose
 * sync_file fd is open while the work runs. One from the context's pool
 * (xe_syncobj_destroy()) saves a SYNCOBJ_CREATE; the site's fault still
 * applies, as it would to the ioctl.
 *
 * Return: 0, the limit's errno, or the ioctl's.
 */
int xe_syncobj_create(struct xe_host_ctx *ctx, uint32_t *handle)
{
	struct drm_syncobj_create c = { 0 };
	int ret;

	*handle = 0;
	ret = xe_limit_charge(XE_LIMIT_FENCES, 1, ctx->ctx_id);
	if (ret)
		return ret;
	if (!ctx->syncobjs_pooled) {
		ret = xe_ioctl(ctx->fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);
	} else {
		ret = xe_fault_armed ? xe_fault_ioctl(DRM_IOCTL_SYNCOBJ_CREATE) : 0;
		if (!ret)
			c.handle = ctx->syncobj_pool[--ctx->syncobjs_pooled];
	}
	if (ret)
		xe_limit_release(XE_LIMIT_FENCES, 1);
	else
		*handle = c.handle;
	return ret;
}

/**
 * xe_syncobj_destroy() - give back a syncobj of xe_syncobj_create()
 * @ctx: its context (may be NULL with @handle 0)
 * @handle: the syncobj, or 0 for none
 *
 * Up to XE_SYNCOBJ_POOL of them stay with the context, uncharged, for its
 * next submissions, whatever fence they hold: the host only ever hands one
 * out as a submission's signal sync, and a signal replaces the fence
 * (xe_sync.c, xe_sync_entry_signal(): drm_syncobj_replace_fence()). So a
 * syncobj is only waited on or exported after its own work replaced it.
 * The context's fd frees those left when it closes.
 */
void xe_syncobj_destroy(struct xe_host_ctx *ctx, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle };

	if (!handle)
		return;
	if (ctx->syncobjs_pooled < XE_SYNCOBJ_POOL)
		ctx->syncobj_pool[ctx->syncobjs_pooled++] = handle;
	else
		xe_ioctl(ctx->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
	xe_limit_release(XE_LIMIT_FENCES, 1);
}

/*
 * Jobs and ring fences kept for reuse (below) are poisoned under ASan
 * while cached: a use after the last put is still reported, as it was
 * when they were freed (a cache hands the memory to the next one instead).
 */
#ifdef XE_HOST_ASAN
#define CACHE_POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define CACHE_UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define CACHE_POISON(p, n)	((void)(p), (void)(n))
#define CACHE_UNPOISON(p, n)	((void)(p), (void)(n))
#endif

/*
 * Jobs whose last reference went are kept for the next ones (up to
 * JOB_CACHE, under xe_host.lock, like ring fences): a submission then
 * allocates none. The cache is an array, so a cached job has no field
 * left in use and can be poisoned whole.
 */
#define JOB_CACHE	64
static struct xe_host_job *job_cache[JOB_CACHE];
static unsigned int job_cached;

/* A zeroed job, or NULL (the site's fault injected, or no memory). */
static struct xe_host_job *job_alloc(void)
{
	struct xe_host_job *job;

	if (xe_fault(XE_FAULT_ALLOC_JOB))
		return NULL;
	if (!job_cached)
		return calloc(1, sizeof(*job));
	job = job_cache[--job_cached];
	CACHE_UNPOISON(job, sizeof(*job));
	memset(job, 0, sizeof(*job));
	return job;
}

static void job_free(struct xe_host_job *job)
{
	if (job_cached < JOB_CACHE) {
		CACHE_POISON(job, sizeof(*job));
		job_cache[job_cached++] = job;
	} else {
		free(job);
	}
}

/**
 * xe_host_job_from_syncobj() - track the work a syncobj will signal
 * @ctx: the context
 * @syncobj: a syncobj that has a fence (the out-sync of a submission); the
 *	job takes ownership of it
 *
 * Return: the job with one reference, or NULL with errno set (the syncobj
 * is destroyed then).
 */
struct xe_host_job *xe_host_job_from_syncobj(struct xe_host_ctx *ctx, uint32_t syncobj)
{
	struct drm_syncobj_handle h = {
		.handle = syncobj,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
		.fd = -1,
	};
	struct xe_host_job *job;
	int ret;

	ret = xe_ioctl(ctx->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
	if (ret) {
		xe_syncobj_destroy(ctx, syncobj);
		errno = -ret;
		return NULL;
	}
	job = job_alloc();
	if (!job) {
		close(h.fd);
		xe_syncobj_destroy(ctx, syncobj);
		errno = ENOMEM;
		return NULL;
	}
	job->refs = 1;
	job->fd = h.fd;
	job->ctx = ctx;
	job->syncobj = syncobj;
	return job;
}

/**
 * xe_host_job_signalled() - a job that is already done
 * @ctx: the context
 *
 * For a host fence of a submission the guest did not wait for that
 * failed: work waiting for it runs, as after a job that faulted. It holds
 * no syncobj and no fd, but counts against XE_LIMIT_FENCES like any job
 * until its last reference goes.
 *
 * Return: the job with one reference, or NULL with errno set.
 */
struct xe_host_job *xe_host_job_signalled(struct xe_host_ctx *ctx)
{
	struct xe_host_job *job;
	int ret;

	ret = xe_limit_charge(XE_LIMIT_FENCES, 1, ctx->ctx_id);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	job = job_alloc();
	if (!job) {
		xe_limit_release(XE_LIMIT_FENCES, 1);
		errno = ENOMEM;
		return NULL;
	}
	job->refs = 1;
	job->fd = -1;
	job->charged = true;
	return job;
}

/**
 * xe_host_job_from_ufence() - track a bind that completes through an
 *	arena slot
 * @uf: the slot the bind writes when done; the job takes a reference
 *
 * Return: the job with one reference, or NULL with errno set.
 */
struct xe_host_job *xe_host_job_from_ufence(struct xe_ufence *uf)
{
	struct xe_host_job *job = job_alloc();

	if (!job) {
		errno = ENOMEM;
		return NULL;
	}
	job->refs = 1;
	job->fd = -1;
	job->uf = xe_ufence_get(uf);
	return job;
}

struct xe_host_job *xe_host_job_get(struct xe_host_job *job)
{
	job->refs++;
	return job;
}

/*
 * The fence thread polls job fds without the lock: when another thread
 * closes one, the number may be reused before the poll returns, so wake the
 * fence thread to build its list again.
 */
static void job_close_fd(struct xe_host_job *job)
{
	close(job->fd);
	job->fd = -1;
	if (!pthread_equal(pthread_self(), xe_host.thread))
		xe_host_wake();
}

void xe_host_job_put(struct xe_host_job *job)
{
	if (!job || --job->refs)
		return;
	if (job->fd >= 0)
		job_close_fd(job);
	xe_syncobj_destroy(job->ctx, job->syncobj);
	xe_ufence_put(job->uf);
	if (job->charged)
		xe_limit_release(XE_LIMIT_FENCES, 1);
	job_free(job);
}

/*
 * The error the job's fence signalled with: sync_file_ioctl_fence_info()
 * reports dma_fence_get_status(), negative for a fence xe failed
 * (xe_guc_submit.c guc_exec_queue_timedout_job(): -ETIME for the job that
 * hung, -EIO after an engine reset, -ECANCELED for the jobs behind it).
 */
static void job_read_error(struct xe_host_job *job)
{
	struct sync_file_info info = { 0 };

	if (!ioctl(job->fd, SYNC_IOC_FILE_INFO, &info) && info.status < 0)
		job->error = info.status;
}

bool xe_host_job_done(struct xe_host_job *job)
{
	struct pollfd p = { .fd = job->fd, .events = POLLIN };

	if (job->uf)
		return xe_ufence_written(job->uf);
	if (job->fd < 0)
		return true;
	if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLERR)))
		return false;
	job_read_error(job);
	job_close_fd(job);
	return true;
}

/*
 * A finished exec job: if it hung or faulted, the driver has banned its
 * queue. Ask once, and publish the ban before the guest sees the fence;
 * the fence's error goes into the answer of an exec the guest did not
 * wait for, which the guest reads when that fence signals. Only a job that
 * failed asks: xe bans a queue only with an error on the fence of the job
 * that caused it and of every job behind it (xe_guc_submit.c,
 * guc_exec_queue_timedout_job(): -ETIME, -EIO after a reset; killed and
 * banned queues' jobs -ECANCELED), so a clean job has nothing to publish
 * and costs no GET_PROPERTY.
 */
static void job_check_ban(struct xe_host_ctx *ctx, struct xe_host_job *job)
{
	struct drm_xe_exec_queue_get_property g = {
		.property = DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN,
	};
	struct xe_host_queue *q;

	/*
	 * The async exec's answer slot: the guest reads it with the fence.
	 * Bounded again: the guest may have replaced its shared page since.
	 */
	if (job->rsp_off && job->error && ctx->shmem &&
	    job->rsp_off + sizeof(uint32_t) <= ctx->shmem_size)
		__atomic_store_n((uint32_t *)((char *)ctx->shmem + job->rsp_off),
				 (uint32_t)-job->error, __ATOMIC_RELAXED);
	job->rsp_off = 0;
	if (!job->queue_id || !job->error) {
		job->queue_id = 0;
		return;
	}
	q = xe_map_get(&ctx->queues, job->queue_id);
	job->queue_id = 0;
	if (!q || q->banned)
		return;
	g.exec_queue_id = q->id;
	if (!xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &g) && g.value)
		xe_host_queue_note_ban(ctx, q);
}

/* Forget finished jobs so a ring never grows with history. */
static void ring_prune(struct xe_host_ctx *ctx, struct xe_ring *ring)
{
	uint32_t i, n = 0;

	for (i = 0; i < ring->num_jobs; i++) {
		if (xe_host_job_done(ring->jobs[i])) {
			job_check_ban(ctx, ring->jobs[i]);
			xe_host_job_put(ring->jobs[i]);
			continue;
		}
		ring->jobs[n++] = ring->jobs[i];
	}
	ring->num_jobs = n;
}

int xe_ring_add_job(struct xe_host_ctx *ctx, struct xe_ring *ring,
		    struct xe_host_job *job)
{
	ring_prune(ctx, ring);
	if (ring->num_jobs == ring->cap_jobs) {
		uint32_t cap = ring->cap_jobs ? ring->cap_jobs * 2 : 8;
		struct xe_host_job **jobs = xe_fault(XE_FAULT_ALLOC_RING) ? NULL :
					    realloc(ring->jobs, cap * sizeof(*jobs));

		if (!jobs)
			return -ENOMEM;
		ring->jobs = jobs;
		ring->cap_jobs = cap;
	}
	job->ring_seqno = ++ring->seqno;
	ring->jobs[ring->num_jobs++] = xe_host_job_get(job);
	return 0;
}

/*
 * Signalled ring fences are kept for the next ones (up to
 * RING_FENCE_CACHE, under xe_host.lock): a fence per submission then
 * costs no allocation.
 */
#define RING_FENCE_CACHE	64
static struct xe_ring_fence *ring_fence_cache;
static unsigned int ring_fence_cached;

static void ring_fence_free(struct xe_ring_fence *f)
{
	if (f->spare)
		return;
	if (ring_fence_cached < RING_FENCE_CACHE) {
		f->next = ring_fence_cache;
		ring_fence_cache = f;
		ring_fence_cached++;
		/* its link, the first field, stays readable */
		CACHE_POISON(&f->next + 1, sizeof(*f) - sizeof(f->next));
	} else {
		free(f);
	}
	xe_limit_release(XE_LIMIT_FENCES, 1);
}

static struct xe_ring_fence *ring_fence_alloc(void)
{
	struct xe_ring_fence *f = ring_fence_cache;

	if (!f)
		return calloc(1, sizeof(*f));
	CACHE_UNPOISON(f, sizeof(*f));
	ring_fence_cache = f->next;
	ring_fence_cached--;
	f->next = NULL;
	return f;
}

/*
 * Free the jobs and ring fences kept for reuse, when the library stops
 * (xe_host_fini(), under xe_host.lock): a QEMU that stops its last
 * guest and goes on, or a leak checker at exit, sees nothing left.
 */
void xe_fence_caches_empty(void)
{
	while (job_cached) {
		struct xe_host_job *job = job_cache[--job_cached];

		CACHE_UNPOISON(job, sizeof(*job));
		free(job);
	}
	while (ring_fence_cache) {
		struct xe_ring_fence *f = ring_fence_cache;

		CACHE_UNPOISON(f, sizeof(*f));
		ring_fence_cache = f->next;
		ring_fence_cached--;
		free(f);
	}
}

void xe_ring_fini(struct xe_ring *ring)
{
	uint32_t i;

	while (ring->head) {
		struct xe_ring_fence *f = ring->head;

		ring->head = f->next;
		ring_fence_free(f);
	}
	ring->tail = NULL;
	for (i = 0; i < ring->num_jobs; i++)
		xe_host_job_put(ring->jobs[i]);
	free(ring->jobs);
	memset(ring, 0, sizeof(*ring));
}

int xe_host_ctx_fence(struct xe_host_ctx *ctx, uint32_t ring_idx,
		      uint64_t fence_id, bool mergeable)
{
	struct xe_ring_fence *f;
	struct xe_ring *ring;

	if (ring_idx >= XE_HOST_MAX_RINGS)
		return -EINVAL;
	pthread_mutex_lock(&xe_host.lock);
	f = NULL;
	if (!xe_limit_charge(XE_LIMIT_FENCES, 1, ctx->ctx_id)) {
		f = xe_fault(XE_FAULT_ALLOC_RING) ? NULL : ring_fence_alloc();
		if (!f)
			xe_limit_release(XE_LIMIT_FENCES, 1);
	}
	ring = &ctx->rings[ring_idx];
	/*
	 * QEMU does not look at what this returns: a fence not taken here
	 * would never signal, and its command never complete. The guest's
	 * fences are mergeable (QEMU creates them so: a later id on a ring
	 * completes the earlier ones), so without memory or over the limit
	 * the newest pending fence, if mergeable, takes this id and waits
	 * for this work too; with none pending, the ring's spare is free.
	 */
	if (!f && ring->tail && !ring->tail->mergeable) {
		pthread_mutex_unlock(&xe_host.lock);
		xe_log_ratelimited("context %u: ring %u fence %llu refused (no memory or over the fence limit)",
				   ctx->ctx_id, ring_idx, (unsigned long long)fence_id);
		return -ENOMEM;
	}
	if (!f && ring->tail) {
		ring->tail->mergeable = mergeable;
		ring->tail->fence_id = fence_id;
		ring->tail->upto = ring->seqno;
		pthread_mutex_unlock(&xe_host.lock);
		xe_log_ratelimited("context %u: ring %u fence %llu merged into the one before (no memory or over the fence limit)",
				   ctx->ctx_id, ring_idx, (unsigned long long)fence_id);
		return 0;
	}
	if (!f) {
		f = &ring->spare;
		*f = (struct xe_ring_fence){ .spare = true };
	}
	f->fence_id = fence_id;
	f->mergeable = mergeable;
	f->upto = ring->seqno;
	if (ring->tail)
		ring->tail->next = f;
	else
		ring->head = f;
	ring->tail = f;
	xe_host_wake();
	pthread_mutex_unlock(&xe_host.lock);
	return 0;
}

/*
 * The first job @f waits for that is still running, or NULL: signalled.
 * The bans of the finished ones are published before the fence is.
 */
static struct xe_host_job *fence_pending_job(struct xe_host_ctx *ctx, struct xe_ring *ring,
					const struct xe_ring_fence *f)
{
	uint32_t i;

	for (i = 0; i < ring->num_jobs && ring->jobs[i]->ring_seqno <= f->upto; i++) {
		if (!xe_host_job_done(ring->jobs[i]))
			return ring->jobs[i];
		job_check_ban(ctx, ring->jobs[i]);
	}
	return NULL;
}

struct signalled {
	uint32_t ctx_id, ring_idx;
	uint64_t fence_id;
};

/*
 * One pass over every ring: pop signalled fences into @out and collect the
 * sync_files to sleep on. Called with the lock held.
 */
static int scan_rings(struct signalled **out, size_t *nout, size_t *capout,
		      struct pollfd **pfds, size_t *npfd, size_t *cappfd)
{
	struct xe_host_ctx *ctx;
	struct xe_host_job *job;
	uint32_t r;

	for (ctx = xe_host.contexts; ctx; ctx = ctx->next) {
		for (r = 0; r < XE_HOST_MAX_RINGS; r++) {
			struct xe_ring *ring = &ctx->rings[r];

			ring_prune(ctx, ring);
			while (ring->head && !(job = fence_pending_job(ctx, ring, ring->head))) {
				struct xe_ring_fence *f = ring->head;

				if (*nout == *capout) {
					size_t cap = *capout ? *capout * 2 : 16;
					void *p = realloc(*out, cap * sizeof(**out));

					if (!p)
						return -ENOMEM;
					*out = p;
					*capout = cap;
				}
				(*out)[(*nout)++] = (struct signalled){
					ctx->ctx_id, r, f->fence_id };
				ring->head = f->next;
				if (!ring->head)
					ring->tail = NULL;
				ring_fence_free(f);
			}
			/* A slot job has no fd: xe_ufence_scan() keeps the poll short. */
			if (!ring->head || job->uf)
				continue;
			if (*npfd == *cappfd) {
				size_t cap = *cappfd * 2;
				void *p = realloc(*pfds, cap * sizeof(**pfds));

				if (!p)
					return -ENOMEM;
				*pfds = p;
				*cappfd = cap;
			}
			(*pfds)[(*npfd)++] = (struct pollfd){
				.fd = job->fd, .events = POLLIN };
		}
	}
	return 0;
}

void *xe_fence_thread(void *arg)
{
	struct signalled *done = NULL;
	struct pollfd *pfds = malloc(16 * sizeof(*pfds));
	size_t ndone, capdone = 0, npfd, cappfd = 16, i;
	bool ufences;
	uint64_t drain;

	(void)arg;
	if (!pfds) {
		xe_log("fence thread: out of memory; fences will not signal");
		return NULL;
	}
	pthread_mutex_lock(&xe_host.lock);
	while (!xe_host.stop) {
		ndone = 0;
		npfd = 1;
		pfds[0] = (struct pollfd){ .fd = xe_host.wake_fd, .events = POLLIN };
		/* Slots first: jobs made of them are done once they are seen. */
		ufences = xe_ufence_scan();
		if (scan_rings(&done, &ndone, &capdone, &pfds, &npfd, &cappfd))
			xe_log_ratelimited("fence thread: out of memory, retrying");
		pthread_mutex_unlock(&xe_host.lock);

		/* Outside the lock: the callback may take the client's locks. */
		for (i = 0; i < ndone; i++)
			xe_host.fence_cb(xe_host.cookie, done[i].ctx_id,
					 done[i].ring_idx, done[i].fence_id);
		/* A bind user fence has no fd to wait on: look again soon. */
		if (!ndone && poll(pfds, npfd, ufences ? 1 : 1000) < 0 && errno != EINTR)
			xe_log_ratelimited("fence thread: poll: %s", strerror(errno));

		pthread_mutex_lock(&xe_host.lock);
		if (read(xe_host.wake_fd, &drain, sizeof(drain)) < 0 &&
		    errno != EAGAIN)
			xe_log_ratelimited("fence thread: eventfd: %s",
					   strerror(errno));
	}
	pthread_mutex_unlock(&xe_host.lock);
	free(done);
	free(pfds);
	return NULL;
}
