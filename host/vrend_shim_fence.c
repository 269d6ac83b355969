// SPDX-License-Identifier: MIT
/*
 * Fences: context fences of our contexts, and ctx 0 fences when there is no
 * real virgl renderer to signal them.
 *
 * The core signals context fences from its own thread. With
 * VIRGL_RENDERER_ASYNC_FENCE_CB, QEMU's fence callbacks are thread-safe (it
 * sets the flag whenever it has an EGL display, and it refuses DRM contexts
 * without it), so that thread calls them directly. Without the flag,
 * completions wait in a queue for virgl_renderer_poll() on QEMU's thread,
 * and an eventfd makes virgl_renderer_get_poll_fd() readable meanwhile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vrend_shim.h"

/* A completion waiting for virgl_renderer_poll(). */
struct shim_fence {
	struct shim_fence *next;
	uint32_t ctx_id;
	uint32_t ring_idx;
	uint64_t fence_id;
	bool ctx0;
};

/*
 * @lock guards everything here: the fence thread reads the callbacks and
 * appends to the queue while QEMU's thread drains it.
 */
static struct {
	pthread_mutex_t lock;
	void *cookie;
	int flags;
	struct virgl_renderer_callbacks *cb;
	struct shim_fence *head;
	struct shim_fence **tail;
	int efd;	/* readable while the queue is not empty; -1 if async */
	int epfd;	/* virgl_renderer_get_poll_fd(), made on first use */
} fq = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.tail = &fq.head,
	.efd = -1,
	.epfd = -1,
};

static void deliver(void *cookie, struct virgl_renderer_callbacks *cb,
		    const struct shim_fence *f)
{
	if (f->ctx0) {
		if (cb->write_fence)
			cb->write_fence(cookie, (uint32_t)f->fence_id);
	} else if (cb->version >= 3 && cb->write_context_fence) {
		cb->write_context_fence(cookie, f->ctx_id, f->ring_idx,
					f->fence_id);
	}
}

/* Take the whole queue; the caller frees it. Called with fq.lock held. */
static struct shim_fence *take_queue(void)
{
	struct shim_fence *list = fq.head;
	uint64_t count;

	/* Reset the eventfd first: a later append sets it again. */
	if (fq.efd >= 0 && read(fq.efd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		xe_log_ratelimited("fence eventfd: %s", strerror(errno));
	fq.head = NULL;
	fq.tail = &fq.head;
	return list;
}

static void free_list(struct shim_fence *f)
{
	struct shim_fence *next;

	for (; f; f = next) {
		next = f->next;
		free(f);
	}
}

/* Report a completion now (async callbacks) or at the next poll. */
static void complete(uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id,
		     bool ctx0)
{
	struct shim_fence tmp = {
		.ctx_id = ctx_id,
		.ring_idx = ring_idx,
		.fence_id = fence_id,
		.ctx0 = ctx0,
	};
	struct virgl_renderer_callbacks *cb;
	struct shim_fence *f;
	uint64_t one = 1;
	void *cookie;

	pthread_mutex_lock(&fq.lock);
	cb = fq.cb;
	cookie = fq.cookie;
	if (!cb) {
		/* Not initialised (or torn down): nobody waits for it. */
		pthread_mutex_unlock(&fq.lock);
		return;
	}
	if (fq.flags & VIRGL_RENDERER_ASYNC_FENCE_CB) {
		pthread_mutex_unlock(&fq.lock);
		deliver(cookie, cb, &tmp);
		return;
	}
	f = malloc(sizeof(*f));
	if (!f) {
		pthread_mutex_unlock(&fq.lock);
		xe_log_ratelimited("out of memory: fence %llu of context %u is lost",
				   (unsigned long long)fence_id, ctx_id);
		return;
	}
	*f = tmp;
	*fq.tail = f;
	fq.tail = &f->next;
	if (fq.efd >= 0 && write(fq.efd, &one, sizeof(one)) < 0)
		xe_log_ratelimited("fence eventfd: %s", strerror(errno));
	pthread_mutex_unlock(&fq.lock);
}

/**
 * shim_fence_cb() - the core's fence callback (xe_host_fence_cb)
 * @cookie: unused, the state is global
 * @ctx_id: context of the fence
 * @ring_idx: its ring
 * @fence_id: its id
 *
 * Runs on the core's fence thread.
 */
void shim_fence_cb(void *cookie, uint32_t ctx_id, uint32_t ring_idx,
		   uint64_t fence_id)
{
	(void)cookie;
	complete(ctx_id, ring_idx, fence_id, false);
}

/**
 * shim_fence_signal_ctx0() - report a ctx 0 fence as signalled
 * @fence_id: the fence
 */
void shim_fence_signal_ctx0(uint32_t fence_id)
{
	complete(0, 0, fence_id, true);
}

/* Deliver queued completions, on the thread calling virgl_renderer_poll(). */
static void drain(void)
{
	struct virgl_renderer_callbacks *cb;
	struct shim_fence *list, *f;
	void *cookie;

	pthread_mutex_lock(&fq.lock);
	list = take_queue();
	cb = fq.cb;
	cookie = fq.cookie;
	pthread_mutex_unlock(&fq.lock);
	for (f = list; f && cb; f = f->next)
		deliver(cookie, cb, f);
	free_list(list);
}

/**
 * shim_fence_setup() - start fence reporting for virgl_renderer_init()
 * @cookie: QEMU's cookie
 * @flags: VIRGL_RENDERER_* init flags
 * @cb: QEMU's callbacks
 *
 * Return: 0 or a negative errno.
 */
int shim_fence_setup(void *cookie, int flags,
		     struct virgl_renderer_callbacks *cb)
{
	int efd = -1;

	if (!(flags & VIRGL_RENDERER_ASYNC_FENCE_CB)) {
		efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efd < 0)
			return -errno;
	}
	pthread_mutex_lock(&fq.lock);
	fq.cookie = cookie;
	fq.flags = flags;
	fq.cb = cb;
	fq.efd = efd;
	pthread_mutex_unlock(&fq.lock);
	return 0;
}

/**
 * shim_fence_teardown() - stop fence reporting, dropping what is queued
 *
 * After this, completions from the core are ignored.
 */
void shim_fence_teardown(void)
{
	struct shim_fence *list;

	pthread_mutex_lock(&fq.lock);
	list = take_queue();
	fq.cb = NULL;
	fq.cookie = NULL;
	fq.flags = 0;
	if (fq.epfd >= 0)
		close(fq.epfd);
	if (fq.efd >= 0)
		close(fq.efd);
	fq.epfd = -1;
	fq.efd = -1;
	pthread_mutex_unlock(&fq.lock);
	free_list(list);
}

/** shim_fence_discard() - drop queued completions (renderer reset) */
void shim_fence_discard(void)
{
	struct shim_fence *list;

	pthread_mutex_lock(&fq.lock);
	list = take_queue();
	pthread_mutex_unlock(&fq.lock);
	free_list(list);
}

SHIM_EXPORT void virgl_renderer_poll(void)
{
	drain();
	if (REAL_OK(virgl_renderer_poll))
		shim.real.virgl_renderer_poll();
}

/*
 * One fd for both sources: an epoll set of our eventfd and the real
 * library's fd, readable when either is. A real library that has no fd
 * wants to be polled on a timer; then so are we, and the answer is -1.
 */
SHIM_EXPORT int virgl_renderer_get_poll_fd(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int real_fd = -1, fd, err;

	if (!shim.inited)
		return -1;
	if (REAL_OK(virgl_renderer_get_poll_fd)) {
		real_fd = shim.real.virgl_renderer_get_poll_fd();
		if (real_fd < 0)
			return -1;
	}
	pthread_mutex_lock(&fq.lock);
	if (fq.efd < 0 || fq.epfd >= 0) {
		/* async: we never queue, so only the real library's fd counts */
		fd = fq.efd < 0 ? real_fd : fq.epfd;
		pthread_mutex_unlock(&fq.lock);
		return fd;
	}
	fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd >= 0 &&
	    (epoll_ctl(fd, EPOLL_CTL_ADD, fq.efd, &ev) ||
	     (real_fd >= 0 && epoll_ctl(fd, EPOLL_CTL_ADD, real_fd, &ev)))) {
		err = errno;
		close(fd);
		errno = err;
		fd = -1;
	}
	if (fd < 0)
		xe_log("cannot make a poll fd (%s): poll on a timer",
		       strerror(errno));
	fq.epfd = fd;
	pthread_mutex_unlock(&fq.lock);
	return fd;
}

/* Positive errno, as virglrenderer's own virgl_renderer_create_fence(). */
SHIM_EXPORT int virgl_renderer_create_fence(int client_fence_id, uint32_t ctx_id)
{
	if (REAL_OK(virgl_renderer_create_fence) &&
	    !(shim.real.flags & VIRGL_RENDERER_NO_VIRGL))
		return shim.real.virgl_renderer_create_fence(client_fence_id,
							     ctx_id);
	if (!shim.inited)
		return EINVAL;
	/* Without vrend there is no ctx 0 work: the fence has signalled. */
	shim_fence_signal_ctx0((uint32_t)client_fence_id);
	return 0;
}

SHIM_EXPORT int virgl_renderer_context_create_fence(uint32_t ctx_id,
						    uint32_t flags,
						    uint32_t ring_idx,
						    uint64_t fence_id)
{
	struct xe_host_ctx *ctx = shim_ctx(ctx_id);

	if (!ctx) {
		if (!REAL_OK(virgl_renderer_context_create_fence))
			return -EINVAL;
		return shim.real.virgl_renderer_context_create_fence(ctx_id,
								     flags,
								     ring_idx,
								     fence_id);
	}
	/*
	 * MERGEABLE lets a later fence retire this one unreported; the host
	 * reports every fence unless it runs out of memory or fences.
	 */
	return xe_host_ctx_fence(ctx, ring_idx, fence_id,
				 flags & VIRGL_RENDERER_FENCE_FLAG_MERGEABLE);
}

SHIM_EXPORT void virgl_renderer_context_poll(uint32_t ctx_id)
{
	if (shim_ctx(ctx_id))
		drain();
	else if (REAL_OK(virgl_renderer_context_poll))
		shim.real.virgl_renderer_context_poll(ctx_id);
}

/* Our contexts' fences come through virgl_renderer_get_poll_fd(). */
SHIM_EXPORT int virgl_renderer_context_get_poll_fd(uint32_t ctx_id)
{
	if (shim_ctx(ctx_id) || !REAL_OK(virgl_renderer_context_get_poll_fd))
		return -1;
	return shim.real.virgl_renderer_context_get_poll_fd(ctx_id);
}
