// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: driver calls that wait for the guest's GPU work,
 * moved off QEMU's thread.
 *
 * VM_DESTROY waits, uninterruptibly and without a timeout, for every job and
 * bind of the VM (xe_vm_close_and_put() in xe_vm.c), and so does closing a
 * context's fd for each VM it still has. A guest can keep a VM busy for as
 * long as it likes (a job waiting on a job waiting on ...), so neither may
 * run on the thread that calls into this library. The reaper thread does
 * them, in order, and gives the guest's charges back when they are done.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xe_host_priv.h"

/**
 * struct xe_reap - one deferred destruction
 * @next: FIFO link
 * @fd: the context's render-node fd
 * @vm_id: the VM to destroy, or 0 to close @fd
 * @ctx_id: for logs
 */
struct xe_reap {
	struct xe_reap *next;
	int fd;
	uint32_t vm_id;
	uint32_t ctx_id;
};

static void reap_one(const struct xe_reap *r)
{
	struct drm_xe_vm_destroy d = { .vm_id = r->vm_id };
	int ret;

	if (!r->vm_id) {
		close(r->fd);
		return;
	}
	ret = xe_ioctl(r->fd, DRM_IOCTL_XE_VM_DESTROY, &d);
	if (ret)
		xe_log("context %u: VM_DESTROY %u: %s", r->ctx_id, r->vm_id,
		       strerror(-ret));
}

/* The reaper thread: called with nothing held. */
void *xe_reaper_thread(void *arg)
{
	struct xe_reap *r;

	(void)arg;
	pthread_mutex_lock(&xe_host.reap_lock);
	for (;;) {
		while (!xe_host.reap_head && !xe_host.reap_stop)
			pthread_cond_wait(&xe_host.reap_cond, &xe_host.reap_lock);
		r = xe_host.reap_head;
		if (!r)
			break;
		xe_host.reap_head = r->next;
		if (!xe_host.reap_head)
			xe_host.reap_tail = NULL;
		xe_host.reap_busy = true;
		pthread_mutex_unlock(&xe_host.reap_lock);

		reap_one(r);
		pthread_mutex_lock(&xe_host.lock);
		xe_limit_release(r->vm_id ? XE_LIMIT_VMS : XE_LIMIT_CONTEXTS, 1);
		if (!r->vm_id)
			xe_host_report_idle();
		pthread_mutex_unlock(&xe_host.lock);
		free(r);

		pthread_mutex_lock(&xe_host.reap_lock);
		xe_host.reap_busy = false;
	}
	pthread_mutex_unlock(&xe_host.reap_lock);
	return NULL;
}

/**
 * xe_reap() - destroy a VM, or close a context's fd, on the reaper thread
 * @fd: the context's fd
 * @vm_id: the VM, or 0 to close @fd (after every VM queued before)
 * @ctx_id: for logs
 *
 * The caller has forgotten the VM (or the context); its XE_LIMIT_VMS (or
 * XE_LIMIT_CONTEXTS) charge is released once the driver is done. Called
 * with xe_host.lock held. Without memory for the request the call is made
 * here, as a last resort.
 */
void xe_reap(int fd, uint32_t vm_id, uint32_t ctx_id)
{
	struct xe_reap *r = calloc(1, sizeof(*r));

	if (!r || !xe_host.reaper_running) {
		struct xe_reap now = { .fd = fd, .vm_id = vm_id, .ctx_id = ctx_id };

		if (!r)
			xe_log("context %u: out of memory: destroying on the caller's thread",
			       ctx_id);
		free(r);
		reap_one(&now);
		xe_limit_release(vm_id ? XE_LIMIT_VMS : XE_LIMIT_CONTEXTS, 1);
		return;
	}
	*r = (struct xe_reap){ .fd = fd, .vm_id = vm_id, .ctx_id = ctx_id };
	pthread_mutex_lock(&xe_host.reap_lock);
	if (xe_host.reap_tail)
		xe_host.reap_tail->next = r;
	else
		xe_host.reap_head = r;
	xe_host.reap_tail = r;
	pthread_cond_signal(&xe_host.reap_cond);
	pthread_mutex_unlock(&xe_host.reap_lock);
}

/**
 * xe_reaper_start() - start the reaper thread
 *
 * Return: 0 or a negative errno.
 */
int xe_reaper_start(void)
{
	int ret;

	xe_host.reap_stop = false;
	ret = -pthread_create(&xe_host.reaper, NULL, xe_reaper_thread, NULL);
	xe_host.reaper_running = !ret;
	return ret;
}

/**
 * xe_reaper_stop() - finish what is queued and stop the thread
 *
 * Called without xe_host.lock (the thread takes it to release charges).
 */
void xe_reaper_stop(void)
{
	if (!xe_host.reaper_running)
		return;
	pthread_mutex_lock(&xe_host.reap_lock);
	xe_host.reap_stop = true;
	pthread_cond_signal(&xe_host.reap_cond);
	pthread_mutex_unlock(&xe_host.reap_lock);
	pthread_join(xe_host.reaper, NULL);
	xe_host.reaper_running = false;
}
