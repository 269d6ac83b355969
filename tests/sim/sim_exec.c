// SPDX-License-Identifier: MIT
/*
 * Exec queues, EXEC and WAIT_USER_FENCE, after xe_exec_queue.c
 * (xe_exec_queue_create_ioctl and its set_property extensions,
 * get_property, destroy), xe_exec.c (xe_exec_ioctl) and
 * xe_wait_user_fence.c. Jobs run on one worker thread, in order per queue,
 * through the batch interpreter in sim_batch.c. A job that faults or runs
 * past the job timeout bans its queue, as the GuC backend does on a reset;
 * jobs of LR (compute-mode) VMs have no timeout.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "sim_batch.h"

#define MAX_INSTANCE		9	/* xe_hw_engine_types.h XE_HW_ENGINE_MAX_INSTANCE */
#define MAX_JOBS_PER_QUEUE	1000	/* XE_MAX_JOB_COUNT_PER_EXEC_QUEUE */
#define MAX_USER_EXTENSIONS	16
#define PRIORITY_NORMAL		1
#define PRIORITY_HIGH		2
#define TIMESLICE_MIN		1	/* XE_HW_ENGINE_TIMESLICE_MIN */
#define TIMESLICE_MAX		(10 * 1000 * 1000)
#define JOB_TIMEOUT_NS		(5ll * 1000 * 1000 * 1000) /* default job_timeout_ms */

struct sim_job {
	struct sim_list link;		/* in queue->jobs */
	struct sim_exec_queue *q;
	struct sim_fence **deps;
	uint32_t num_deps;
	struct sim_fence *done;
	uint64_t batch[MAX_INSTANCE];	/* one batch per LRC of the queue */
	uint32_t num_batches;
	uint64_t ufence_addr, ufence_value;	/* exec user fence (GPU VA) */
	struct sim_bind_work *bind;		/* a VM_BIND job */
	struct sim_batch_state bs;
	int64_t deadline;
	bool no_timeout;	/* an LR VM's job */
	bool started;
};

static struct sim_list active_queues = { &active_queues, &active_queues };
static pthread_t worker;
static pid_t worker_pid;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct sim_exec_queue *sim_queue_lookup(struct sim_file *f, uint32_t id)
{
	return sim_idr_find(&f->queues, id);
}

/* Extra fields of a queue that only this file uses. */
struct queue_priv {
	struct sim_list active;		/* in active_queues while it has jobs */
	bool on_list;
};

static struct queue_priv *qpriv(struct sim_exec_queue *q)
{
	return (struct queue_priv *)(q + 1);
}

static struct sim_exec_queue *queue_alloc(struct sim_gpu *gpu)
{
	struct sim_exec_queue *q = calloc(1, sizeof(*q) + sizeof(struct queue_priv));

	if (!q)
		return NULL;
	q->refcount = 1;
	q->gpu = gpu;
	sim_list_init(&q->jobs);
	sim_list_init(&qpriv(q)->active);
	q->priority = PRIORITY_NORMAL;
	q->timeslice_us = 1000;	/* xe_hw_engine default timeslice_us */
	return q;
}

void sim_queue_put(struct sim_exec_queue *q)
{
	if (!q || --q->refcount)
		return;
	sim_fence_put(q->last);
	if (q->vm)
		sim_vm_put(q->vm);
	free(q);
}

static void queue_ban(struct sim_exec_queue *q, int error);

/*
 * xe_exec_queue_kill(), on EXEC_QUEUE_DESTROY and when the file closes:
 * guc_exec_queue_kill() marks the queue killed and has its TDR clean up at
 * once, which stops the running job (-ETIME, xe's TDR default) and
 * cancels every other job (-ECANCELED); a killed queue's run_job() never
 * emits a job that was still waiting. Nothing queued runs after the kill.
 */
static void queue_kill(struct sim_exec_queue *q)
{
	q->destroyed = true;
	sim_engine_group_del(q);
	if (!q->bind && q->vm && q->vm->num_exec_queues)
		q->vm->num_exec_queues--;
	/*
	 * Not bind queues: a bind job here applies its page tables when it
	 * ends, where xe mostly writes them at submission, so cancelling one
	 * would lose binds xe made.
	 */
	if (!q->bind && !sim_list_empty(&q->jobs)) {
		struct sim_job *head = sim_container_of(q->jobs.next,
							struct sim_job, link);

		queue_ban(q, head->started ? -ETIME : -ECANCELED);
	}
}

void sim_file_release_queues(struct sim_file *f)
{
	for (uint32_t i = 1; i < f->queues.size; i++) {
		struct sim_exec_queue *q = sim_idr_remove(&f->queues, i);

		if (q) {
			queue_kill(q);
			sim_queue_put(q);
		}
	}
	sim_idr_free(&f->queues);
}

/* ---- jobs and the worker ---- */

static void job_free(struct sim_job *j)
{
	for (uint32_t i = 0; i < j->num_deps; i++)
		sim_fence_put(j->deps[i]);
	free(j->deps);
	sim_bind_work_free(j->bind);
	if (!j->bind && j->q->vm)
		j->q->vm->active_jobs--;
	sim_fence_put(j->done);
	sim_queue_put(j->q);
	free(j);
}

static void queue_activate(struct sim_exec_queue *q)
{
	if (!qpriv(q)->on_list) {
		sim_list_add_tail(&qpriv(q)->active, &active_queues);
		qpriv(q)->on_list = true;
		q->refcount++;
	}
}

static void queue_ban(struct sim_exec_queue *q, int error)
{
	struct sim_list *pos, *n;

	q->banned = true;
	/* the hung job and every job queued behind it are cancelled */
	sim_list_for_each_safe(pos, n, &q->jobs) {
		struct sim_job *j = sim_container_of(pos, struct sim_job, link);

		sim_list_del(pos);
		sim_fence_signal(j->done, error);
		error = -ECANCELED;
		job_free(j);
	}
}

/* xe_vm_kill(): the VM is banned and its exec queues killed */
void sim_vm_kill(struct sim_vm *vm)
{
	struct sim_file *f = vm->file;

	vm->banned = true;
	for (uint32_t i = 1; f && i < f->queues.size; i++) {
		struct sim_exec_queue *q = f->queues.slot[i];

		if (q && q->vm == vm && !q->bind && !q->banned)
			queue_ban(q, -ECANCELED);
	}
	pthread_cond_broadcast(&sim.cond);
}

/*
 * The device is lost (sim_lost.c): no queued job will run. Each is
 * cancelled (-ECANCELED), bind jobs too: there are no page tables left to
 * keep.
 */
void sim_exec_cancel_gpu(struct sim_gpu *gpu)
{
	struct sim_list *pos, *n;

	sim_list_for_each_safe(pos, n, &active_queues) {
		struct queue_priv *p = sim_container_of(pos, struct queue_priv, active);
		struct sim_exec_queue *q = (struct sim_exec_queue *)p - 1;

		if (q->gpu == gpu && !sim_list_empty(&q->jobs))
			queue_ban(q, -ECANCELED);
	}
	pthread_cond_broadcast(&sim.cond);
}

static void job_complete(struct sim_job *j)
{
	struct sim_vm *vm = j->q->vm;

	if (j->bind)
		sim_bind_work_apply(j->bind);
	/* the ring's post-batch MI_STORE_DATA_IMM of an exec user fence */
	if (j->ufence_addr && vm) {
		void *p = sim_vm_translate(vm, j->ufence_addr, 8, true);

		if (p)
			memcpy(p, &j->ufence_value, 8);
	}
	sim_list_del(&j->link);
	sim_fence_signal(j->done, 0);
	job_free(j);
}

static bool deps_signalled(struct sim_job *j)
{
	for (uint32_t i = 0; i < j->num_deps; i++)
		if (!j->deps[i]->signalled)
			return false;
	return true;
}

/* Run the head job of @q. Return whether it must be polled again. */
static bool queue_step(struct sim_exec_queue *q, bool *progress, bool *yielded)
{
	struct sim_job *j;
	enum sim_batch_result r = SIM_BATCH_DONE;

	if (sim_list_empty(&q->jobs) || q->suspended)
		return false;
	j = sim_container_of(q->jobs.next, struct sim_job, link);
	if (!deps_signalled(j))
		return false;
	sim_gpu_enter(q->gpu);
	if (!j->started) {
		j->started = true;
		j->deadline = now_ns() + JOB_TIMEOUT_NS;
		sim_batch_init(&j->bs, j->batch, j->num_batches);
		/*
		 * xe_guc_submit.c guc_exec_queue_init(): the scheduler of a
		 * queue on an LR VM has MAX_SCHEDULE_TIMEOUT, so its jobs
		 * run for as long as they run and are never timed out.
		 */
		j->no_timeout = q->vm &&
			(q->vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE);
		sim_debug("job %p on queue %p: start at %#llx", (void *)j, (void *)q,
			  (unsigned long long)j->batch[0]);
	}
	if (j->num_batches)
		r = sim_batch_run(&j->bs, q->vm);
	sim_debug("job %p: result %d ip %#llx after %llu commands", (void *)j, r,
		  (unsigned long long)j->bs.ip, (unsigned long long)j->bs.executed);
	/* xe's TDR: a job still running at its deadline hangs its queue */
	if ((r == SIM_BATCH_BLOCKED || r == SIM_BATCH_YIELD) && !j->no_timeout &&
	    now_ns() > j->deadline) {
		sim_debug("queue %p: job timed out, banning", (void *)q);
		queue_ban(q, -ETIME);
		*progress = true;
		return false;
	}
	switch (r) {
	case SIM_BATCH_DONE:
		job_complete(j);
		*progress = true;
		return false;
	case SIM_BATCH_FAULT:
		sim_debug("queue %p: GPU page fault at %#llx, banning", (void *)q,
			  (unsigned long long)j->bs.fault_addr);
		sim_vm_record_fault(q->vm, j->bs.fault_addr, j->bs.fault_access);
		queue_ban(q, -EIO);
		*progress = true;
		return false;
	case SIM_BATCH_YIELD:
		*yielded = true;
		return true;
	case SIM_BATCH_BLOCKED:
	default:
		return true;
	}
}

static void *worker_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&sim.lock);
	for (;;) {
		struct sim_list *pos, *n;
		bool progress = sim_engine_groups_resume();
		bool poll = false, yielded = false;

		sim_list_for_each_safe(pos, n, &active_queues) {
			struct queue_priv *p = sim_container_of(pos, struct queue_priv, active);
			struct sim_exec_queue *q = (struct sim_exec_queue *)p - 1;

			poll |= queue_step(q, &progress, &yielded);
			if (sim_list_empty(&q->jobs)) {
				sim_list_del(&p->active);
				p->on_list = false;
				sim_queue_put(q);
			}
		}
		/* a long batch's pass lets the CPU side in, progress or not */
		if (progress && !yielded)
			continue;
		if (poll || !sim_list_empty(&active_queues)) {
			/*
			 * A semaphore or a CPU-signalled dependency: poll. A
			 * batch that used its share goes on after a moment
			 * (20 us plus the timer slack, 50 us by default) in
			 * which the CPU side can take the lock.
			 */
			struct timespec ts;
			int64_t t = now_ns() + (yielded ? 20000 : 1000000);

			ts.tv_sec = t / 1000000000;
			ts.tv_nsec = t % 1000000000;
			pthread_cond_timedwait(&sim.cond, &sim.lock, &ts);
		} else {
			pthread_cond_wait(&sim.cond, &sim.lock);
		}
	}
	return NULL;
}

void sim_worker_start(void)
{
	if (worker_pid == sim_self())
		return;
	/* after fork() the child has no worker and a stale queue list */
	sim_list_init(&active_queues);
	if (pthread_create(&worker, NULL, worker_main, NULL) == 0) {
		pthread_detach(worker);
		worker_pid = sim_self();
	}
}

void sim_worker_kick(void)
{
	pthread_cond_broadcast(&sim.cond);
}

static struct sim_job *job_new(struct sim_exec_queue *q, struct sim_sync *syncs,
			       uint32_t num_syncs, struct sim_fence *extra)
{
	struct sim_job *j = calloc(1, sizeof(*j));
	uint32_t i, n = 0;

	if (!j)
		return NULL;
	j->deps = calloc(num_syncs + 2, sizeof(*j->deps));
	j->done = sim_fence_create();
	if (!j->deps || !j->done) {
		free(j->deps);
		sim_fence_put(j->done);
		free(j);
		return NULL;
	}
	for (i = 0; i < num_syncs; i++)
		if (syncs[i].fence && !syncs[i].fence->signalled)
			j->deps[n++] = sim_fence_get(syncs[i].fence);
	if (extra && !extra->signalled)
		j->deps[n++] = sim_fence_get(extra);
	if (q->last && !q->last->signalled)
		j->deps[n++] = sim_fence_get(q->last);
	j->num_deps = n;
	q->refcount++;
	j->q = q;
	if (!q->bind && q->vm)
		q->vm->active_jobs++;
	return j;
}

static void job_queue(struct sim_job *j)
{
	struct sim_exec_queue *q = j->q;

	sim_fence_put(q->last);
	q->last = sim_fence_get(j->done);
	sim_worker_start();	/* first, it resets the list after fork() */
	sim_list_add_tail(&j->link, &q->jobs);
	queue_activate(q);
	sim_worker_kick();
}

static int job_add_dep(struct sim_job *j, struct sim_fence *f)
{
	struct sim_fence **deps = realloc(j->deps, (j->num_deps + 1) * sizeof(*deps));

	if (!deps)
		return -ENOMEM;
	j->deps = deps;
	j->deps[j->num_deps++] = sim_fence_get(f);
	return 0;
}

/*
 * xe_pt.c xe_pt_vm_dependencies(): a bind waits for the unfinished binds of
 * any queue whose page-table interval overlaps its own (vm->rftree), so
 * binds that touch one page table are applied in submission order.
 */
static int bind_range_deps(struct sim_vm *vm, struct sim_job *j,
			   const struct sim_bind_work *w)
{
	uint32_t i, n = 0;
	int err = 0;

	/* drops the signalled entries on the way: finish even on error */
	for (i = 0; i < vm->num_rfences; i++) {
		struct sim_range_fence *r = &vm->rfences[i];

		if (r->fence->signalled) {
			sim_fence_put(r->fence);
			continue;
		}
		vm->rfences[n++] = *r;
		if (!err && w->rf_start <= w->rf_last && w->rf_start <= r->end &&
		    r->start <= w->rf_last)
			err = job_add_dep(j, r->fence);
	}
	vm->num_rfences = n;
	return err;
}

static int bind_range_record(struct sim_vm *vm, const struct sim_bind_work *w,
			     struct sim_fence *f)
{
	if (w->rf_start > w->rf_last)
		return 0;
	if (vm->num_rfences == vm->cap_rfences) {
		uint32_t cap = vm->cap_rfences ? 2 * vm->cap_rfences : 8;
		struct sim_range_fence *r = realloc(vm->rfences, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		vm->rfences = r;
		vm->cap_rfences = cap;
	}
	/* end is inclusive here, as xe's last */
	vm->rfences[vm->num_rfences++] = (struct sim_range_fence){
		.start = w->rf_start, .end = w->rf_last, .fence = sim_fence_get(f) };
	return 0;
}

/*
 * A bind's fence: signalled at once when nothing is pending, otherwise
 * after its in-fences and the bind queue's previous binds.
 */
struct sim_fence *sim_bind_submit(struct sim_vm *vm, struct sim_exec_queue *q,
				  struct sim_sync *syncs, uint32_t num_syncs,
				  struct sim_bind_work *work)
{
	struct sim_fence *fence;
	struct sim_job *j;

	if (!q) {
		if (!vm->bindq) {
			vm->bindq = queue_alloc(vm->gpu);
			if (!vm->bindq)
				return NULL;
			vm->bindq->bind = true;
		}
		q = vm->bindq;
	}
	j = job_new(q, syncs, num_syncs, NULL);
	if (!j) {
		sim_bind_work_free(work);
		return NULL;
	}
	j->bind = work;
	if (bind_range_deps(vm, j, work) ||
	    (j->num_deps && bind_range_record(vm, work, j->done))) {
		sim_fence_signal(j->done, -ENOMEM);	/* for recorded ranges */
		job_free(j);
		return NULL;
	}
	fence = sim_fence_get(j->done);
	sim_syncs_signal(syncs, num_syncs, fence);
	if (!j->num_deps) {
		sim_fence_put(q->last);
		q->last = sim_fence_get(fence);
		sim_bind_work_apply(work);
		sim_fence_signal(j->done, 0);
		job_free(j);
	} else {
		job_queue(j);
	}
	return fence;
}

/* ---- EXEC_QUEUE_CREATE and its extensions ---- */

static int set_property(struct sim_exec_queue *q, uint32_t prop, uint64_t value)
{
	uint32_t max_prio = geteuid() == 0 ? PRIORITY_HIGH : PRIORITY_NORMAL;

	switch (prop) {
	case DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY:
		if (value > PRIORITY_HIGH)
			return SIM_ERR(-EINVAL, "priority %llu", (unsigned long long)value);
		if (value > max_prio)
			return SIM_ERR(-EPERM, "priority %llu needs CAP_SYS_NICE",
				       (unsigned long long)value);
		q->priority = value;
		return 0;
	case DRM_XE_EXEC_QUEUE_SET_PROPERTY_TIMESLICE:
		if (value < TIMESLICE_MIN || value > TIMESLICE_MAX)
			return SIM_ERR(-EINVAL, "timeslice %llu", (unsigned long long)value);
		q->timeslice_us = value;
		return 0;
	case DRM_XE_EXEC_QUEUE_SET_PROPERTY_PXP_TYPE:
		if (value == DRM_XE_PXP_TYPE_NONE)
			return 0;
		if (value != DRM_XE_PXP_TYPE_HWDRM)
			return SIM_ERR(-EINVAL, "pxp type %llu", (unsigned long long)value);
		return SIM_ERR(-ENODEV, "PXP is not simulated");
	default:
		/* multi-queue groups are Xe3p-only; hang replay needs debugfs */
		return SIM_ERR(-EINVAL, "property %u", prop);
	}
}

static int queue_extensions(struct sim_exec_queue *q, uint64_t ext_ptr)
{
	struct drm_xe_ext_set_property ext;
	int n = 0, err;

	while (ext_ptr) {
		if (n++ >= MAX_USER_EXTENSIONS)
			return SIM_ERR(-E2BIG, "too many extensions");
		err = sim_copy_from_user(&ext, ext_ptr, sizeof(ext));
		if (err)
			return err;
		if (ext.base.pad || ext.base.name != DRM_XE_EXEC_QUEUE_EXTENSION_SET_PROPERTY)
			return SIM_ERR(-EINVAL, "extension %u", ext.base.name);
		if (ext.pad || ext.property > 6)
			return SIM_ERR(-EINVAL, "property %u", ext.property);
		err = set_property(q, ext.property, ext.value);
		if (err)
			return err;
		ext_ptr = ext.base.next_extension;
	}
	return 0;
}

int sim_ioctl_exec_queue_create(struct sim_file *f, void *data)
{
	struct drm_xe_exec_queue_create *a = data;
	struct drm_xe_engine_class_instance eci[MAX_INSTANCE];
	struct sim_exec_queue *q;
	struct sim_vm *vm;
	uint32_t len, id, i;
	int err;

	if (a->flags & ~DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT ||
	    a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "flags/reserved");
	len = (uint32_t)a->width * a->num_placements;
	if (!len || len > MAX_INSTANCE)
		return SIM_ERR(-EINVAL, "width %u x placements %u", a->width,
			       a->num_placements);
	err = sim_copy_from_user(eci, a->instances, len * sizeof(eci[0]));
	if (err)
		return err;
	if (!sim_gt_valid(eci[0].gt_id))
		return SIM_ERR(-EINVAL, "gt %u", eci[0].gt_id);
	if (eci[0].engine_class == DRM_XE_ENGINE_CLASS_VM_BIND) {
		if (a->width != 1 || a->num_placements != 1 || eci[0].engine_instance)
			return SIM_ERR(-EINVAL, "bind queue shape");
	} else {
		/* calc_validate_logical_mask(): one class on one GT, real engines */
		for (i = 0; i < len; i++) {
			if (eci[i].engine_class != eci[0].engine_class ||
			    eci[i].gt_id != eci[0].gt_id ||
			    !sim_engine_valid(eci[i].engine_class,
					      eci[i].engine_instance, eci[i].gt_id))
				return SIM_ERR(-EINVAL, "placement %u", i);
		}
		if (a->width > 1 && eci[0].engine_class != DRM_XE_ENGINE_CLASS_VIDEO_DECODE &&
		    eci[0].engine_class != DRM_XE_ENGINE_CLASS_VIDEO_ENHANCE)
			return SIM_ERR(-EOPNOTSUPP, "parallel submission on class %u",
				       eci[0].engine_class);
	}
	vm = sim_vm_lookup(f, a->vm_id);
	if (!vm)
		return SIM_ERR(-ENOENT, "no vm %u", a->vm_id);
	q = queue_alloc(f->gpu);
	if (!q)
		return -ENOMEM;
	q->file = f;
	q->engine_class = eci[0].engine_class;
	q->engine_instance = eci[0].engine_instance;
	q->gt_id = eci[0].gt_id;
	q->width = a->width;
	q->bind = eci[0].engine_class == DRM_XE_ENGINE_CLASS_VM_BIND;
	err = queue_extensions(q, a->extensions);
	if (err) {
		sim_queue_put(q);
		return err;
	}
	q->vm = vm;
	vm->refcount++;
	err = sim_idr_alloc(&f->queues, q, &id);
	if (err) {
		sim_queue_put(q);
		return err;
	}
	if (!q->bind)
		vm->num_exec_queues++;
	sim_engine_group_add(q);
	a->exec_queue_id = id;
	return 0;
}

int sim_ioctl_exec_queue_destroy(struct sim_file *f, void *data)
{
	struct drm_xe_exec_queue_destroy *a = data;
	struct sim_exec_queue *q;

	if (a->pad || a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "pad/reserved");
	q = sim_idr_remove(&f->queues, a->exec_queue_id);
	if (!q)
		return SIM_ERR(-ENOENT, "no exec queue %u", a->exec_queue_id);
	/* its jobs are cancelled; the worker holds its own reference */
	queue_kill(q);
	sim_queue_put(q);
	return 0;
}

int sim_ioctl_exec_queue_get_property(struct sim_file *f, void *data)
{
	struct drm_xe_exec_queue_get_property *a = data;
	struct sim_exec_queue *q;

	if (a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "reserved");
	q = sim_queue_lookup(f, a->exec_queue_id);
	if (!q)
		return SIM_ERR(-ENOENT, "no exec queue %u", a->exec_queue_id);
	if (a->property != DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN)
		return SIM_ERR(-EINVAL, "property %u", a->property);
	a->value = q->banned;
	return 0;
}

int sim_ioctl_exec_queue_set_property(struct sim_file *f, void *data)
{
	struct drm_xe_exec_queue_set_property *a = data;

	if (a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "reserved");
	if (a->property != DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY)
		return SIM_ERR(-EINVAL, "property %u", a->property);
	if (!sim_queue_lookup(f, a->exec_queue_id))
		return SIM_ERR(-ENOENT, "no exec queue %u", a->exec_queue_id);
	/* multi-queue groups exist on Xe3p only */
	return SIM_ERR(-EINVAL, "queue is not in a multi-queue group");
}

/* ---- EXEC ---- */

int sim_ioctl_exec(struct sim_file *f, void *data)
{
	struct drm_xe_exec *a = data;
	struct sim_exec_queue *q;
	struct sim_sync *syncs = NULL;
	struct sim_job *j;
	unsigned int sflags = SIM_SYNC_EXEC;
	uint32_t i, nufence = 0;
	int err;

	if (a->extensions || a->pad[0] || a->pad[1] || a->pad[2] ||
	    a->reserved[0] || a->reserved[1] || a->num_syncs > DRM_XE_MAX_SYNCS)
		return SIM_ERR(-EINVAL, "extensions/pad/reserved/num_syncs");
	q = sim_queue_lookup(f, a->exec_queue_id);
	if (!q)
		return SIM_ERR(-ENOENT, "no exec queue %u", a->exec_queue_id);
	if (q->bind)
		return SIM_ERR(-EINVAL, "exec on a bind queue");
	if (a->num_batch_buffer && a->num_batch_buffer != q->width)
		return SIM_ERR(-EINVAL, "num_batch_buffer %u width %u",
			       a->num_batch_buffer, q->width);
	if (q->banned)
		return SIM_ERR(-ECANCELED, "exec queue %u is banned", a->exec_queue_id);
	{
		uint32_t njobs = 0;
		struct sim_list *pos, *n;

		sim_list_for_each_safe(pos, n, &q->jobs)
			njobs++;
		if (njobs >= MAX_JOBS_PER_QUEUE)
			return -EAGAIN;
	}
	if (q->vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE)
		sflags |= SIM_SYNC_LR;
	err = sim_syncs_parse(f, a->syncs, a->num_syncs, sflags, &syncs);
	if (err)
		return err;
	for (i = 0; i < a->num_syncs; i++)
		nufence += syncs[i].type == DRM_XE_SYNC_TYPE_USER_FENCE;
	if (nufence > 1) {
		err = SIM_ERR(-EINVAL, "more than one user fence");
		goto out;
	}
	sim_vm_rebind_worker(q->vm);
	if (q->vm->closed || q->vm->banned) {
		err = SIM_ERR(-ECANCELED, "vm is closed or banned");
		goto out;
	}
	/* xe_vm_validate_rebind(): evicted BOs return (not for LR VMs) */
	if (a->num_batch_buffer && !(q->vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE)) {
		err = sim_vm_validate(q->vm);
		if (err)
			goto out;
	}
	sim_engine_group_exec(q);
	/* user binds are BOOKKEEP fences: exec does not wait for them */
	j = job_new(q, syncs, a->num_syncs, NULL);
	if (!j) {
		err = -ENOMEM;
		goto out;
	}
	if (a->num_batch_buffer == 1) {
		j->batch[0] = a->address;
		j->num_batches = 1;
	} else if (a->num_batch_buffer > 1) {
		err = sim_copy_from_user(j->batch, a->address,
					 a->num_batch_buffer * sizeof(uint64_t));
		if (err) {
			job_free(j);
			goto out;
		}
		j->num_batches = a->num_batch_buffer;
	}
	for (i = 0; i < a->num_syncs; i++) {
		if (syncs[i].type == DRM_XE_SYNC_TYPE_USER_FENCE) {
			j->ufence_addr = syncs[i].addr;
			j->ufence_value = syncs[i].value;
			syncs[i].addr = 0;	/* written by the job, not the CPU */
		}
	}
	sim_syncs_signal(syncs, a->num_syncs, j->done);
	if (!j->num_deps && !j->num_batches) {
		/* no batch and nothing to wait for: a signalled sync point */
		sim_fence_put(q->last);
		q->last = sim_fence_get(j->done);
		j->ufence_addr = 0;
		sim_fence_signal(j->done, 0);
		job_free(j);
	} else {
		job_queue(j);
	}
out:
	sim_syncs_free(syncs, a->num_syncs);
	return err;
}

/* ---- WAIT_USER_FENCE ---- */

static int ufence_compare(uint64_t addr, uint64_t value, uint64_t mask, uint16_t op)
{
	uint64_t v;

	if (sim_copy_from_user(&v, addr, sizeof(v)))
		return -EFAULT;
	v &= mask;
	value &= mask;
	switch (op) {
	case DRM_XE_UFENCE_WAIT_OP_EQ:
		return v == value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_NEQ:
		return v != value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_GT:
		return v > value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_GTE:
		return v >= value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_LT:
		return v < value ? 0 : 1;
	case DRM_XE_UFENCE_WAIT_OP_LTE:
		return v <= value ? 0 : 1;
	}
	return -EINVAL;
}

int sim_ioctl_wait_user_fence(struct sim_file *f, void *data)
{
	struct drm_xe_wait_user_fence *a = data;
	struct sim_exec_queue *q = NULL;
	int64_t start = now_ns(), deadline;
	int err;

	if (a->extensions || a->pad || a->pad2 || a->reserved[0] || a->reserved[1])
		return SIM_ERR(-EINVAL, "extensions/pad/reserved");
	if (a->flags & ~DRM_XE_UFENCE_WAIT_FLAG_ABSTIME)
		return SIM_ERR(-EINVAL, "flags %#x", a->flags);
	if (a->op > DRM_XE_UFENCE_WAIT_OP_LTE)
		return SIM_ERR(-EINVAL, "op %u", a->op);
	if (a->addr & 0x7)
		return SIM_ERR(-EINVAL, "addr %#llx unaligned", (unsigned long long)a->addr);
	if (a->exec_queue_id) {
		q = sim_queue_lookup(f, a->exec_queue_id);
		if (!q)
			return SIM_ERR(-ENOENT, "no exec queue %u", a->exec_queue_id);
		q->refcount++;
	}
	if (a->timeout < 0) {
		a->timeout = INT64_MAX;	/* MAX_SCHEDULE_TIMEOUT */
		deadline = INT64_MAX;
	}
	else if (a->flags & DRM_XE_UFENCE_WAIT_FLAG_ABSTIME)
		deadline = a->timeout;
	else
		deadline = a->timeout > INT64_MAX - start ? INT64_MAX : start + a->timeout;
	for (;;) {
		err = ufence_compare(a->addr, a->value, a->mask, a->op);
		if (err <= 0)
			break;
		if (q && q->banned) {
			err = -EIO;
			break;
		}
		if (now_ns() >= deadline) {
			err = -ETIME;
			break;
		}
		{
			/* GPU writes do not broadcast; re-check every 100us */
			int64_t t = now_ns() + 100000;
			struct timespec ts;

			if (t > deadline)
				t = deadline;
			ts.tv_sec = t / 1000000000;
			ts.tv_nsec = t % 1000000000;
			pthread_cond_timedwait(&sim.cond, &sim.lock, &ts);
		}
	}
	if (!(a->flags & DRM_XE_UFENCE_WAIT_FLAG_ABSTIME)) {
		a->timeout -= now_ns() - start;
		if (a->timeout < 0)
			a->timeout = 0;
	}
	sim_queue_put(q);
	return err;
}
