// SPDX-License-Identifier: MIT
/*
 * Hardware engine groups, after xe_hw_engine_group.c: the engines of a GT
 * (of one device) that share hardware (render and compute; copy; video decode and enhance)
 * run either dma-fence jobs or the jobs of faulting long-running VMs, never
 * both at once. An exec on a dma-fence queue switches its group to
 * dma-fence mode and suspends the group's faulting LR queues; a faulting
 * LR queue made while the group is in that mode starts suspended. The
 * resume worker switches back once every dma-fence queue of the group has
 * finished its last job, and resumes them. LR VMs without faults
 * (preempt-fence mode) are in no group.
 *
 * Simplification: xe suspends only LR queues that are busy and resumes
 * from a worker; here every faulting queue of the group is suspended, and
 * the execution worker resumes the group (sim_engine_groups_resume()).
 */
#include "sim.h"

#define GROUPS_PER_GT	3
#define MAX_GTS		4

enum group_mode { MODE_LR, MODE_DMA_FENCE };	/* xe: EXEC_MODE_LR is 0 */

struct engine_group {
	struct sim_list queues;		/* sim_exec_queue.group_link */
	enum group_mode mode;
	bool resume_pending;
};

/* per device (struct sim_gpu), GT and group */
static struct engine_group groups[SIM_MAX_GPUS][MAX_GTS][GROUPS_PER_GT];

static struct engine_group *group_of(const struct sim_exec_queue *q)
{
	struct engine_group *g;
	int idx;

	switch (q->engine_class) {
	case DRM_XE_ENGINE_CLASS_RENDER:
	case DRM_XE_ENGINE_CLASS_COMPUTE:
		idx = 0;
		break;
	case DRM_XE_ENGINE_CLASS_COPY:
		idx = 1;
		break;
	case DRM_XE_ENGINE_CLASS_VIDEO_DECODE:
	case DRM_XE_ENGINE_CLASS_VIDEO_ENHANCE:
		idx = 2;
		break;
	default:
		return NULL;
	}
	if (!q->file || !q->file->gpu || q->file->gpu->index >= SIM_MAX_GPUS ||
	    q->gt_id >= MAX_GTS)
		return NULL;
	g = &groups[q->file->gpu->index][q->gt_id][idx];
	if (!g->queues.next)
		sim_list_init(&g->queues);
	return g;
}

static bool in_fault_mode(const struct sim_exec_queue *q)
{
	return q->vm && (q->vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
}

static bool in_lr_mode(const struct sim_exec_queue *q)
{
	return q->vm && (q->vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE);
}

void sim_engine_group_add(struct sim_exec_queue *q)
{
	struct engine_group *g = group_of(q);

	/* xe_hw_engine_group_add_exec_queue(): preempt-fence LR VMs stay out */
	if (!g || q->bind || (in_lr_mode(q) && !in_fault_mode(q)))
		return;
	if (in_fault_mode(q) && g->mode == MODE_DMA_FENCE) {
		q->suspended = true;
		g->resume_pending = true;
	}
	sim_list_add_tail(&q->group_link, &g->queues);
	q->in_group = true;
}

void sim_engine_group_del(struct sim_exec_queue *q)
{
	if (q->in_group)
		sim_list_del(&q->group_link);
	q->in_group = false;
	q->suspended = false;
}

void sim_engine_group_exec(struct sim_exec_queue *q)
{
	struct engine_group *g = group_of(q);
	struct sim_list *pos, *n;

	/* xe_exec_ioctl(): only dma-fence execs take the group's mode */
	if (!q->in_group || !g || in_lr_mode(q) || g->mode == MODE_DMA_FENCE)
		return;
	sim_list_for_each_safe(pos, n, &g->queues) {
		struct sim_exec_queue *lr = sim_container_of(pos, struct sim_exec_queue,
							     group_link);

		if (in_fault_mode(lr)) {
			lr->suspended = true;
			g->resume_pending = true;
		}
	}
	g->mode = MODE_DMA_FENCE;
}

/* xe_hw_engine_group_wait_for_dma_fence_jobs(), without waiting. */
static bool dma_fence_jobs_done(struct engine_group *g)
{
	struct sim_list *pos, *n;

	sim_list_for_each_safe(pos, n, &g->queues) {
		struct sim_exec_queue *q = sim_container_of(pos, struct sim_exec_queue,
							    group_link);

		if (!in_lr_mode(q) && q->last && !q->last->signalled)
			return false;
	}
	return true;
}

bool sim_engine_groups_resume(void)
{
	struct engine_group *g = &groups[0][0][0];
	struct engine_group *end = g + SIM_MAX_GPUS * MAX_GTS * GROUPS_PER_GT;
	bool resumed = false;

	for (; g < end; g++) {
		struct sim_list *pos, *n;

		if (!g->resume_pending || !dma_fence_jobs_done(g))
			continue;
		g->mode = MODE_LR;
		g->resume_pending = false;
		sim_list_for_each_safe(pos, n, &g->queues)
			sim_container_of(pos, struct sim_exec_queue,
					 group_link)->suspended = false;
		resumed = true;
	}
	return resumed;
}
