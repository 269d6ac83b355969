// SPDX-License-Identifier: MIT
/*
 * Fences, modelled on struct dma_fence (drivers/dma-buf/dma-fence.c): a
 * refcounted one-shot signal with an error and callbacks. All calls are made
 * with sim.lock held; callbacks run under it and must not take it.
 */
#include <stdlib.h>

#include "sim.h"

struct sim_fence *sim_fence_create(void)
{
	struct sim_fence *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->refcount = 1;
	sim_list_init(&f->cbs);
	return f;
}

/* Like dma_fence_get_stub(): an already signalled fence. */
struct sim_fence *sim_fence_signalled(void)
{
	struct sim_fence *f = sim_fence_create();

	if (f)
		f->signalled = true;
	return f;
}

struct sim_fence *sim_fence_get(struct sim_fence *f)
{
	if (f)
		f->refcount++;
	return f;
}

void sim_fence_put(struct sim_fence *f)
{
	if (f && --f->refcount == 0)
		free(f);
}

void sim_fence_signal(struct sim_fence *f, int error)
{
	struct sim_list *pos, *n;

	if (f->signalled)
		return;
	if (error && !f->error)
		f->error = error;
	f->signalled = true;
	sim_fence_get(f);
	sim_list_for_each_safe(pos, n, &f->cbs) {
		struct sim_fence_cb *cb = sim_container_of(pos, struct sim_fence_cb, link);

		sim_list_del(pos);
		cb->func(cb);
	}
	sim_fence_put(f);
	pthread_cond_broadcast(&sim.cond);
}

/* Runs @cb at once when @f has already signalled. */
void sim_fence_add_cb(struct sim_fence *f, struct sim_fence_cb *cb)
{
	if (f->signalled) {
		sim_list_init(&cb->link);
		cb->func(cb);
		return;
	}
	sim_list_add_tail(&cb->link, &f->cbs);
}

void sim_fence_remove_cb(struct sim_fence *f, struct sim_fence_cb *cb)
{
	(void)f;
	sim_list_del(&cb->link);
}

/*
 * A fence that signals once all of @in have, like dma_fence_array with
 * signal_on_any = false. Used for timeline points, whose chain node only
 * completes after every earlier node.
 */
struct sim_fence_all {
	struct sim_fence *out;
	unsigned int pending;
	struct sim_fence_all_entry {
		struct sim_fence_cb cb;
		struct sim_fence *in;
		struct sim_fence_all *all;
	} e[];
};

static void sim_fence_all_cb(struct sim_fence_cb *cb)
{
	struct sim_fence_all_entry *e = sim_container_of(cb, struct sim_fence_all_entry, cb);
	struct sim_fence_all *all = e->all;

	if (e->in->error && !all->out->error)
		all->out->error = e->in->error;
	if (--all->pending)
		return;
	sim_fence_signal(all->out, all->out->error);
	sim_fence_put(all->out);
	for (unsigned int i = 0; all->e[i].all; i++)
		sim_fence_put(all->e[i].in);
	free(all);
}

struct sim_fence *sim_fence_all(struct sim_fence **in, unsigned int n)
{
	struct sim_fence_all *all;
	struct sim_fence *out;
	unsigned int i;

	if (n == 1)
		return sim_fence_get(in[0]);
	out = sim_fence_create();
	if (!out)
		return NULL;
	all = calloc(1, sizeof(*all) + (n + 1) * sizeof(all->e[0]));
	if (!all) {
		sim_fence_put(out);
		return NULL;
	}
	all->out = sim_fence_get(out);
	all->pending = n + 1;	/* + 1 so nothing completes while adding */
	for (i = 0; i < n; i++) {
		all->e[i].in = sim_fence_get(in[i]);
		all->e[i].cb.func = sim_fence_all_cb;
		all->e[i].all = all;
	}
	for (i = 0; i < n; i++)
		sim_fence_add_cb(in[i], &all->e[i].cb);
	/* drop the extra count now that every callback is in place */
	if (--all->pending == 0) {
		sim_fence_signal(out, out->error);
		sim_fence_put(all->out);
		for (i = 0; i < n; i++)
			sim_fence_put(all->e[i].in);
		free(all);
	}
	return out;
}
