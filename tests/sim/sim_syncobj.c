// SPDX-License-Identifier: MIT
/*
 * DRM syncobjs and sync_files, following drivers/gpu/drm/drm_syncobj.c and
 * drivers/dma-buf/sync_file.c (Linux 7.2): binary and timeline payloads,
 * every SYNCOBJ ioctl, and fd export/import. A sync_file is an eventfd that
 * becomes readable (POLLIN) when its fence signals, as a real one does.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "sim.h"

struct sim_sync_file {
	int refcount;		/* one per fd number that refers to it */
	int efd;		/* the simulator's own dup, written on signal */
	struct sim_fence *fence;
	struct sim_fence_cb cb;
};

struct sim_syncobj *sim_syncobj_new(void)
{
	struct sim_syncobj *s = calloc(1, sizeof(*s));

	if (s)
		s->refcount = 1;
	return s;
}

static void syncobj_clear(struct sim_syncobj *s)
{
	for (uint32_t i = 0; i < s->num_points; i++)
		sim_fence_put(s->points[i].fence);
	s->num_points = 0;
	sim_fence_put(s->fence);
	s->fence = NULL;
}

void sim_syncobj_put(struct sim_syncobj *s)
{
	if (!s || --s->refcount)
		return;
	syncobj_clear(s);
	free(s->points);
	free(s);
}

/*
 * drm_syncobj_replace_fence(): a binary payload replaces any timeline, and
 * wakes WAIT_FOR_SUBMIT/WAIT_AVAILABLE waiters, as the driver's does.
 */
void sim_syncobj_replace(struct sim_syncobj *s, struct sim_fence *f)
{
	syncobj_clear(s);
	s->fence = sim_fence_get(f);
	pthread_cond_broadcast(&sim.cond);
}

/*
 * drm_syncobj_add_point(): append a chain node, and wake waiters for the
 * point. Nodes before the first unsignalled one are collapsed, as
 * dma_fence_chain garbage-collects them.
 */
int sim_syncobj_add_point(struct sim_syncobj *s, uint64_t point,
			  struct sim_fence *f)
{
	uint32_t keep = 0;

	if (!s->num_points && s->fence) {
		/* a binary fence becomes the chain's first link at point 0 */
		if (!s->fence->signalled) {
			if (s->cap_points < 1) {
				struct sim_point *p = realloc(s->points, 8 * sizeof(*p));

				if (!p)
					return -ENOMEM;
				s->points = p;
				s->cap_points = 8;
			}
			s->points[0].value = 0;
			s->points[0].fence = sim_fence_get(s->fence);
			s->num_points = 1;
		}
	}
	while (keep + 1 < s->num_points && s->points[keep].fence->signalled &&
	       s->points[keep + 1].fence->signalled)
		keep++;
	if (keep) {
		for (uint32_t i = 0; i < keep; i++)
			sim_fence_put(s->points[i].fence);
		memmove(s->points, s->points + keep,
			(s->num_points - keep) * sizeof(*s->points));
		s->num_points -= keep;
	}
	if (s->num_points == s->cap_points) {
		uint32_t cap = s->cap_points ? s->cap_points * 2 : 8;
		struct sim_point *p = realloc(s->points, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->points = p;
		s->cap_points = cap;
	}
	s->points[s->num_points].value = point;
	s->points[s->num_points].fence = sim_fence_get(f);
	s->num_points++;
	sim_fence_put(s->fence);
	s->fence = sim_fence_get(f);
	pthread_cond_broadcast(&sim.cond);
	return 0;
}

/*
 * drm_syncobj_fence_get() + dma_fence_chain_find_seqno(): the fence a wait
 * on @point waits for, or NULL when nothing was submitted for it yet (the
 * caller turns that into EINVAL, or waits for submission).
 */
struct sim_fence *sim_syncobj_fence(struct sim_syncobj *s, uint64_t point)
{
	struct sim_fence *deps[64];
	uint32_t i, n = 0, last;

	if (!s->num_points)
		return point ? NULL : sim_fence_get(s->fence);
	if (!point) {
		last = s->num_points - 1;
	} else {
		if (s->points[s->num_points - 1].value < point)
			return NULL;
		for (last = 0; s->points[last].value < point; last++)
			;
	}
	/* a chain link completes only after every earlier link */
	for (i = 0; i <= last; i++) {
		if (s->points[i].fence->signalled && !s->points[i].fence->error)
			continue;
		if (n == SIM_ARRAY_SIZE(deps))
			return sim_fence_all(deps, n);	/* very long chains */
		deps[n++] = s->points[i].fence;
	}
	if (!n)
		return sim_fence_get(s->points[last].fence);
	return sim_fence_all(deps, n);
}

/* DRM_IOCTL_SYNCOBJ_QUERY without LAST_SUBMITTED: last completed point. */
static uint64_t syncobj_completed_point(struct sim_syncobj *s)
{
	uint64_t point = 0;

	for (uint32_t i = 0; i < s->num_points; i++) {
		if (!s->points[i].fence->signalled)
			break;
		point = s->points[i].value;
	}
	return point;
}

struct sim_syncobj *sim_syncobj_lookup(struct sim_file *f, uint32_t handle)
{
	return sim_idr_find(&f->syncobjs, handle);
}

void sim_file_release_syncobjs(struct sim_file *f)
{
	for (uint32_t i = 1; i < f->syncobjs.size; i++)
		sim_syncobj_put(sim_idr_remove(&f->syncobjs, i));
	sim_idr_free(&f->syncobjs);
}

/* ---- sync_file ---- */

static void sync_file_signalled(struct sim_fence_cb *cb)
{
	struct sim_sync_file *sf = sim_container_of(cb, struct sim_sync_file, cb);
	uint64_t one = 1;

	if (write(sf->efd, &one, sizeof(one)) != sizeof(one))
		sim_debug("sync_file eventfd write failed");
}

int sim_sync_file_export(struct sim_fence *fence, int *fd)
{
	struct sim_sync_file *sf = calloc(1, sizeof(*sf));
	int err;

	if (!sf)
		return -ENOMEM;
	*fd = sim_new_fd(true);
	if (*fd < 0) {
		free(sf);
		return -errno;
	}
	sf->efd = sim_real_fcntl(*fd, F_DUPFD_CLOEXEC, 0);
	if (sf->efd < 0) {
		err = -errno;
		sim_real_close(*fd);
		free(sf);
		return err;
	}
	sf->refcount = 1;
	sf->fence = sim_fence_get(fence);
	sf->cb.func = sync_file_signalled;
	err = sim_fd_install(*fd, SIM_FD_SYNC_FILE, sf);
	if (err) {
		sim_sync_file_put(sf);
		sim_real_close(*fd);
		return err;
	}
	sim_fence_add_cb(fence, &sf->cb);
	return 0;
}

struct sim_fence *sim_sync_file_fence(int fd)
{
	struct sim_sync_file *sf = sim_fd_lookup(fd, SIM_FD_SYNC_FILE);

	return sf ? sim_fence_get(sf->fence) : NULL;
}

void sim_sync_file_get(struct sim_sync_file *sf)
{
	sf->refcount++;
}

void sim_sync_file_put(struct sim_sync_file *sf)
{
	if (--sf->refcount)
		return;
	if (!sf->fence->signalled)
		sim_fence_remove_cb(sf->fence, &sf->cb);
	sim_fence_put(sf->fence);
	sim_real_close(sf->efd);
	free(sf);
}

/*
 * SYNC_IOC_FILE_INFO, as sync_file_ioctl_fence_info() in
 * drivers/dma-buf/sync_file.c: the status is dma_fence_get_status() of the
 * one fence a simulator sync_file holds (0 pending, 1 signalled, or the
 * fence's error, e.g. -ETIME for a job xe's TDR timed out); with
 * num_fences 0 only the status and the count are returned.
 */
static int sync_file_info(struct sim_sync_file *sf, struct sync_file_info *info)
{
	struct sync_fence_info fi = { 0 };
	int status = !sf->fence->signalled ? 0 :
		     sf->fence->error ? sf->fence->error : 1;

	if (info->flags || info->pad)
		return SIM_ERR(-EINVAL, "sync_file_info flags/pad");
	if (info->num_fences) {
		snprintf(fi.obj_name, sizeof(fi.obj_name), "sim");
		snprintf(fi.driver_name, sizeof(fi.driver_name), "xe");
		fi.status = status;
		if (sim_copy_to_user(info->sync_fence_info, &fi, sizeof(fi)))
			return -EFAULT;
	}
	info->status = status;
	info->num_fences = 1;
	snprintf(info->name, sizeof(info->name), "xe-sim");
	return 0;
}

/**
 * sim_sync_file_ioctl() - an ioctl on a simulator sync_file fd
 * @fd: the fd, a SIM_FD_SYNC_FILE
 * @req: the request; only SYNC_IOC_FILE_INFO is answered
 * @arg: its argument
 *
 * Return: 0 or a negative errno (-ENOTTY for other requests, as an
 * unknown sync_file ioctl).
 */
int sim_sync_file_ioctl(int fd, unsigned long req, void *arg)
{
	struct sim_sync_file *sf = sim_fd_lookup(fd, SIM_FD_SYNC_FILE);
	struct sync_file_info info;
	int err;

	if (!sf || req != SYNC_IOC_FILE_INFO)
		return -ENOTTY;
	if (sim_copy_from_user(&info, (uintptr_t)arg, sizeof(info)))
		return -EFAULT;
	err = sync_file_info(sf, &info);
	if (!err && sim_copy_to_user((uintptr_t)arg, &info, sizeof(info)))
		err = -EFAULT;
	return err;
}

/* ---- ioctls ---- */

static int lookup_array(struct sim_file *f, uint64_t uptr, uint32_t count,
			struct sim_syncobj ***out)
{
	struct sim_syncobj **objs;
	uint32_t *handles;
	int err;

	handles = calloc(count, sizeof(*handles));
	objs = calloc(count, sizeof(*objs));
	if (!handles || !objs) {
		free(handles);
		free(objs);
		return -ENOMEM;
	}
	err = sim_copy_from_user(handles, uptr, count * sizeof(*handles));
	for (uint32_t i = 0; !err && i < count; i++) {
		objs[i] = sim_syncobj_lookup(f, handles[i]);
		if (!objs[i])
			err = SIM_ERR(-ENOENT, "no syncobj %u", handles[i]);
	}
	free(handles);
	if (err) {
		free(objs);
		return err;
	}
	*out = objs;
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Wait on sim.cond until @deadline_ns (absolute CLOCK_MONOTONIC). */
static bool cond_wait_until(int64_t deadline_ns)
{
	struct timespec ts;

	if (deadline_ns <= now_ns())
		return false;
	ts.tv_sec = deadline_ns / 1000000000;
	ts.tv_nsec = deadline_ns % 1000000000;
	pthread_cond_timedwait(&sim.cond, &sim.lock, &ts);
	return true;
}

/* drm_syncobj_array_wait_timeout(), returning 0, -ETIME or -EINVAL. */
static int syncobj_wait(struct sim_syncobj **objs, const uint64_t *points,
			uint32_t count, uint32_t flags, int64_t timeout_abs,
			uint32_t *first)
{
	bool submit = flags & (DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
			       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);
	bool all = flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
	bool avail = flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE;
	uint32_t i;

	if (!submit) {
		for (i = 0; i < count; i++) {
			struct sim_fence *fe = sim_syncobj_fence(objs[i], points ? points[i] : 0);

			if (!fe)
				return SIM_ERR(-EINVAL, "syncobj %u has no fence", i);
			sim_fence_put(fe);
		}
	}
	for (;;) {
		uint32_t done = 0;

		for (i = 0; i < count; i++) {
			struct sim_fence *fe = sim_syncobj_fence(objs[i], points ? points[i] : 0);
			bool ok = fe && (avail || fe->signalled);

			sim_fence_put(fe);
			if (!ok)
				continue;
			if (!all) {
				*first = i;
				return 0;
			}
			if (!done)
				*first = i;
			done++;
		}
		if (done == count)
			return 0;
		if (!cond_wait_until(timeout_abs))
			return -ETIME;
	}
}

static int syncobj_wait_ioctl(struct sim_file *f, uint64_t handles,
			      uint64_t upoints, uint32_t count, uint32_t flags,
			      int64_t timeout, uint32_t *first, bool timeline)
{
	uint32_t possible = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
			    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
			    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE;
	struct sim_syncobj **objs;
	uint64_t *points = NULL;
	int err;

	if (timeline)
		possible |= DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE;
	if (flags & ~possible)
		return SIM_ERR(-EINVAL, "flags %#x", flags);
	if (!count)
		return SIM_ERR(-EINVAL, "count_handles 0");
	err = lookup_array(f, handles, count, &objs);
	if (err)
		return err;
	if (timeline && upoints) {
		points = calloc(count, sizeof(*points));
		err = points ? sim_copy_from_user(points, upoints, count * 8) : -ENOMEM;
	}
	if (!err) {
		for (uint32_t i = 0; i < count; i++)
			objs[i]->refcount++;
		err = syncobj_wait(objs, points, count, flags, timeout, first);
		for (uint32_t i = 0; i < count; i++)
			sim_syncobj_put(objs[i]);
	}
	free(points);
	free(objs);
	return err;
}

static int syncobj_transfer(struct sim_file *f, struct drm_syncobj_transfer *a)
{
	struct sim_syncobj *src, *dst;
	struct sim_fence *fe;
	int err;

	if (a->pad)
		return SIM_ERR(-EINVAL, "pad");
	if (a->flags & ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	src = sim_syncobj_lookup(f, a->src_handle);
	dst = sim_syncobj_lookup(f, a->dst_handle);
	if (!src || !dst)
		return SIM_ERR(-ENOENT, "handle");
	fe = sim_syncobj_fence(src, a->src_point);
	if (!fe)
		return SIM_ERR(-EINVAL, "source point %llu not submitted",
			       (unsigned long long)a->src_point);
	if (a->dst_point)
		err = sim_syncobj_add_point(dst, a->dst_point, fe);
	else
		err = (sim_syncobj_replace(dst, fe), 0);
	sim_fence_put(fe);
	return err;
}

static int handle_to_fd(struct sim_file *f, struct drm_syncobj_handle *a)
{
	uint32_t valid = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE |
			 DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_TIMELINE;
	struct sim_syncobj *s;
	int err, fd;

	if (a->pad)
		return SIM_ERR(-EINVAL, "pad");
	if (a->flags & ~valid)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (a->flags & DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_TIMELINE &&
	    !(a->flags & DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE))
		return SIM_ERR(-EINVAL, "timeline export needs sync_file");
	if (!(a->flags & DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_TIMELINE) && a->point)
		return SIM_ERR(-EINVAL, "point without TIMELINE");
	s = sim_syncobj_lookup(f, a->handle);
	if (a->flags & DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE) {
		struct sim_fence *fe;

		if (!s)
			return SIM_ERR(-ENOENT, "no syncobj %u", a->handle);
		fe = sim_syncobj_fence(s, a->point);
		if (!fe)
			return SIM_ERR(-EINVAL, "no fence to export");
		err = sim_sync_file_export(fe, &fd);
		sim_fence_put(fe);
		if (err)
			return err;
		a->fd = fd;
		return 0;
	}
	if (!s)
		return SIM_ERR(-EINVAL, "no syncobj %u", a->handle);
	fd = sim_new_fd(true);
	if (fd < 0)
		return -errno;
	s->refcount++;
	err = sim_fd_install(fd, SIM_FD_SYNCOBJ, s);
	if (err) {
		sim_syncobj_put(s);
		sim_real_close(fd);
		return err;
	}
	a->fd = fd;
	return 0;
}

static int fd_to_handle(struct sim_file *f, struct drm_syncobj_handle *a)
{
	uint32_t valid = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE |
			 DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_TIMELINE;
	struct sim_syncobj *s;
	uint32_t handle;
	int err;

	if (a->pad)
		return SIM_ERR(-EINVAL, "pad");
	if (a->flags & ~valid)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (a->flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_TIMELINE &&
	    !(a->flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE))
		return SIM_ERR(-EINVAL, "timeline import needs sync_file");
	if (!(a->flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_TIMELINE) && a->point)
		return SIM_ERR(-EINVAL, "point without TIMELINE");
	if (a->flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE) {
		struct sim_fence *fe = sim_sync_file_fence(a->fd);

		if (!fe)
			return SIM_ERR(-EINVAL, "fd %d is not a sync_file", a->fd);
		s = sim_syncobj_lookup(f, a->handle);
		if (!s) {
			sim_fence_put(fe);
			return SIM_ERR(-ENOENT, "no syncobj %u", a->handle);
		}
		if (a->point)
			err = sim_syncobj_add_point(s, a->point, fe);
		else
			err = (sim_syncobj_replace(s, fe), 0);
		sim_fence_put(fe);
		return err;
	}
	s = sim_fd_lookup(a->fd, SIM_FD_SYNCOBJ);
	if (!s)
		return SIM_ERR(-EINVAL, "fd %d is not a syncobj", a->fd);
	err = sim_idr_alloc(&f->syncobjs, s, &handle);
	if (err)
		return err;
	s->refcount++;
	a->handle = handle;
	return 0;
}

static int timeline_signal(struct sim_file *f, struct drm_syncobj_timeline_array *a)
{
	struct sim_syncobj **objs;
	uint64_t *points;
	struct sim_fence *stub;
	int err;

	if (a->flags)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (!a->count_handles)
		return SIM_ERR(-EINVAL, "count_handles 0");
	err = lookup_array(f, a->handles, a->count_handles, &objs);
	if (err)
		return err;
	points = calloc(a->count_handles, sizeof(*points));
	err = points ? 0 : -ENOMEM;
	if (!err && a->points)
		err = sim_copy_from_user(points, a->points, a->count_handles * 8);
	stub = err ? NULL : sim_fence_signalled();
	if (!err && !stub)
		err = -ENOMEM;
	for (uint32_t i = 0; !err && i < a->count_handles; i++) {
		if (points[i])
			err = sim_syncobj_add_point(objs[i], points[i], stub);
		else
			sim_syncobj_replace(objs[i], stub);
	}
	sim_fence_put(stub);
	free(points);
	free(objs);
	return err;
}

static int timeline_query(struct sim_file *f, struct drm_syncobj_timeline_array *a)
{
	struct sim_syncobj **objs;
	uint64_t *points;
	int err;

	if (a->flags & ~DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (!a->count_handles)
		return SIM_ERR(-EINVAL, "count_handles 0");
	err = lookup_array(f, a->handles, a->count_handles, &objs);
	if (err)
		return err;
	points = calloc(a->count_handles, sizeof(*points));
	if (!points) {
		free(objs);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < a->count_handles; i++) {
		struct sim_syncobj *s = objs[i];

		if (!s->num_points)
			points[i] = 0;
		else if (a->flags & DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED)
			points[i] = s->points[s->num_points - 1].value;
		else
			points[i] = syncobj_completed_point(s);
	}
	err = sim_copy_to_user(a->points, points, a->count_handles * 8);
	free(points);
	free(objs);
	return err;
}

int sim_ioctl_syncobj(struct sim_file *f, unsigned long req, void *data)
{
	switch (_IOC_NR(req)) {
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_CREATE): {
		struct drm_syncobj_create *a = data;
		struct sim_syncobj *s;
		uint32_t handle;
		int err;

		if (a->flags & ~DRM_SYNCOBJ_CREATE_SIGNALED)
			return SIM_ERR(-EINVAL, "flags %#x", a->flags);
		s = sim_syncobj_new();
		if (!s)
			return -ENOMEM;
		if (a->flags & DRM_SYNCOBJ_CREATE_SIGNALED) {
			s->fence = sim_fence_signalled();
			if (!s->fence) {
				sim_syncobj_put(s);
				return -ENOMEM;
			}
		}
		err = sim_idr_alloc(&f->syncobjs, s, &handle);
		if (err) {
			sim_syncobj_put(s);
			return err;
		}
		a->handle = handle;
		return 0;
	}
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_DESTROY): {
		struct drm_syncobj_destroy *a = data;
		struct sim_syncobj *s;

		if (a->pad)
			return SIM_ERR(-EINVAL, "pad");
		s = sim_idr_remove(&f->syncobjs, a->handle);
		if (!s)
			return SIM_ERR(-EINVAL, "no syncobj %u", a->handle);
		sim_syncobj_put(s);
		return 0;
	}
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD):
		return handle_to_fd(f, data);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE):
		return fd_to_handle(f, data);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_TRANSFER):
		return syncobj_transfer(f, data);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_WAIT): {
		struct drm_syncobj_wait *a = data;

		return syncobj_wait_ioctl(f, a->handles, 0, a->count_handles,
					  a->flags, a->timeout_nsec,
					  &a->first_signaled, false);
	}
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT): {
		struct drm_syncobj_timeline_wait *a = data;

		return syncobj_wait_ioctl(f, a->handles, a->points,
					  a->count_handles, a->flags,
					  a->timeout_nsec, &a->first_signaled,
					  true);
	}
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_RESET):
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_SIGNAL): {
		struct drm_syncobj_array *a = data;
		bool reset = _IOC_NR(req) == _IOC_NR(DRM_IOCTL_SYNCOBJ_RESET);
		struct sim_syncobj **objs;
		struct sim_fence *stub = NULL;
		int err;

		if (a->pad)
			return SIM_ERR(-EINVAL, "pad");
		if (!a->count_handles)
			return SIM_ERR(-EINVAL, "count_handles 0");
		err = lookup_array(f, a->handles, a->count_handles, &objs);
		if (err)
			return err;
		if (!reset && !(stub = sim_fence_signalled())) {
			free(objs);
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < a->count_handles; i++)
			sim_syncobj_replace(objs[i], stub);
		sim_fence_put(stub);
		free(objs);
		return 0;
	}
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL):
		return timeline_signal(f, data);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_QUERY):
		return timeline_query(f, data);
	}
	return SIM_ERR(-EINVAL, "unknown syncobj ioctl %#lx", req);
}
