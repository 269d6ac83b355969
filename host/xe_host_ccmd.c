// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: decoding and validating ccmds.
 *
 * Every field comes from the guest and is checked before any ioctl: lengths
 * against counts, counts against limits, ops and flags against what the
 * uAPI defines minus what a guest must never get (user pointers into this
 * process: MAP_USERPTR, CPU_ADDR_MIRROR; multi-batch exec address lists;
 * device fds). Handlers return 0 when the command was well formed (its
 * outcome, maybe an errno, is in the response) and -EINVAL when it was not.
 *
 * Semantics follow drivers/gpu/drm/xe (xe_vm.c, xe_exec.c, xe_exec_queue.c,
 * xe_bo.c, xe_query.c) by passing validated arguments to the real driver.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xe_host_priv.h"

#define VM_CREATE_FLAGS (DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE |		\
			 DRM_XE_VM_CREATE_FLAG_LR_MODE |		\
			 DRM_XE_VM_CREATE_FLAG_FAULT_MODE |		\
			 DRM_XE_VM_CREATE_FLAG_NO_VM_OVERCOMMIT)
#define GEM_CREATE_FLAGS (DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING |	\
			  DRM_XE_GEM_CREATE_FLAG_SCANOUT |		\
			  DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM |	\
			  DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION)
/* Every bind flag of the 7.2 uAPI except CPU_ADDR_MIRROR (host memory). */
#define VM_BIND_FLAGS (DRM_XE_VM_BIND_FLAG_READONLY |			\
		       DRM_XE_VM_BIND_FLAG_IMMEDIATE |			\
		       DRM_XE_VM_BIND_FLAG_NULL |			\
		       DRM_XE_VM_BIND_FLAG_DUMPABLE |			\
		       DRM_XE_VM_BIND_FLAG_CHECK_PXP |			\
		       DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET |		\
		       DRM_XE_VM_BIND_FLAG_DECOMPRESS)
#define EXEC_QUEUE_FLAGS DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT

/*
 * Exec-queue properties whose value is a plain number (xe_exec_queue.c,
 * exec_queue_set_property_funcs in 7.2). Any other may carry a pointer the
 * driver would read in this process: HANG_REPLAY_STATE (3) is a user
 * pointer to a context image the driver copies with vmemdup_user(). New
 * properties stay refused until someone reads what they do.
 */
/* DRM_XE_EXEC_QUEUE_SET_HANG_REPLAY_STATE (xe_drm.h, 7.x): a pointer */
#define QUEUE_PROP_HANG_REPLAY_STATE	3

static bool queue_property_allowed(uint32_t property)
{
	switch (property) {
	case 0:	/* DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY */
	case 1:	/* DRM_XE_EXEC_QUEUE_SET_PROPERTY_TIMESLICE */
	case 2:	/* DRM_XE_EXEC_QUEUE_SET_PROPERTY_PXP_TYPE */
	case 4:	/* DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_GROUP: a queue id */
	case 5:	/* DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY */
	case 6:	/* DRM_XE_EXEC_QUEUE_SET_DISABLE_STATE_CACHE_PERF_FIX */
		return true;
	default:
		return false;
	}
}
#define MAX_BO_SIZE (1ULL << 40)

/* A refused guest command: one rate-limited line naming the reason. */
#define bad(ctx, fmt, ...) \
	xe_log_ratelimited("context %u: " fmt, (ctx)->ctx_id, ##__VA_ARGS__)


static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* --- queries ----------------------------------------------------------- */

static int do_query(struct xe_host_ctx *ctx, const struct xe_proxy_ccmd_req *hdr,
		    uint32_t query, uint32_t size, const void *in, uint32_t in_size)
{
	struct xe_proxy_ccmd_device_query_rsp *rsp;
	struct drm_xe_device_query q = { .query = query, .size = size };
	void *buf = NULL;
	int ret;

	if (query > DRM_XE_DEVICE_QUERY_EU_STALL || size > XE_PROXY_MAX_QUERY_SIZE ||
	    in_size > size) {
		bad(ctx, "DEVICE_QUERY %u of %u bytes (input %u) refused", query, size, in_size);
		return -EINVAL;
	}
	rsp = xe_ctx_rsp(ctx, hdr, sizeof(*rsp) + align8(size));
	if (!rsp)
		return -EINVAL;
	/*
	 * The driver reads and writes our own buffer, never the shared page:
	 * the guest could change the input under it.
	 */
	if (size) {
		buf = calloc(1, size);
		if (!buf) {
			rsp->ret = ENOMEM;
			return 0;
		}
		if (in_size)
			memcpy(buf, in, in_size);
		q.data = (uintptr_t)buf;
	}
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (!ret && buf)
		memcpy(rsp->payload, buf, q.size < size ? q.size : size);
	free(buf);
	rsp->ret = (uint32_t)-ret;
	rsp->size = q.size;
	return 0;
}

static int ccmd_device_query(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_device_query_req *req = cmd;

	return do_query(ctx, &req->hdr, req->query, req->size, NULL, 0);
}

static int ccmd_device_query_ext(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_device_query_ext_req *req = cmd;

	if (req->hdr.len != align8(sizeof(*req) + (size_t)req->in_size)) {
		bad(ctx, "DEVICE_QUERY_EXT length %u does not match input %u", req->hdr.len, req->in_size);
		return -EINVAL;
	}
	return do_query(ctx, &req->hdr, req->query, req->size, req->payload,
			req->in_size);
}

/* --- BOs ----------------------------------------------------------------- */

static int gem_create(struct xe_host_ctx *ctx, uint64_t size, uint32_t placement,
		      uint32_t flags, uint32_t vm_id, uint32_t blob_id,
		      uint16_t cpu_caching, uint64_t *out_size)
{
	struct drm_xe_gem_create c = {
		.size = size, .placement = placement, .flags = flags,
		.vm_id = vm_id, .cpu_caching = cpu_caching,
	};
	struct drm_gem_close cl;
	int ret;

	if (!blob_id) {
		bad(ctx, "GEM_CREATE with blob_id 0 (reserved for the shmem)");
		return -EINVAL;
	}
	if (xe_map_get(&ctx->objects, blob_id)) {
		bad(ctx, "GEM_CREATE with duplicate blob_id %u", blob_id);
		return -EEXIST;
	}
	if (!size || (flags & ~GEM_CREATE_FLAGS) ||
	    cpu_caching > DRM_XE_GEM_CPU_CACHING_WC) {
		bad(ctx, "GEM_CREATE size %llu flags 0x%x caching %u refused", (unsigned long long)size, flags, cpu_caching);
		return -EINVAL;
	}
	/* No memory holds it: the real driver's TTM placement fails with -ENOSPC. */
	if (size > MAX_BO_SIZE) {
		bad(ctx, "GEM_CREATE of %llu bytes is larger than any BO the host makes", (unsigned long long)size);
		return -ENOSPC;
	}
	ret = xe_limit_charge_bo(size, ctx->ctx_id);
	if (ret)
		return ret;
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_GEM_CREATE, &c);
	if (ret)
		goto release;
	/* The driver rounds the size up: charge what it allocated. */
	if (c.size > size) {
		ret = xe_limit_charge(XE_LIMIT_MEM, c.size - size, ctx->ctx_id);
		if (ret)
			goto close;
		size = c.size;
	}
	ret = xe_ctx_object_create(ctx, blob_id, c.handle, c.size, cpu_caching);
	if (ret)
		goto close;
	((struct xe_object *)xe_map_get(&ctx->objects, blob_id))->cpu_unreachable =
		xe_host_beyond_bar(placement, flags);
	*out_size = c.size;
	return 0;
close:
	cl = (struct drm_gem_close){ .handle = c.handle };
	xe_ioctl(ctx->fd, DRM_IOCTL_GEM_CLOSE, &cl);
release:
	xe_limit_release_bo(size);
	return ret;
}

static int ccmd_gem_create(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_gem_create_req *req = cmd;
	uint64_t size;
	int ret;

	/* The base command has no response: a failure surfaces when the
	 * guest creates the blob resource. vm_id is not honoured here. */
	ret = gem_create(ctx, req->size, req->placement, req->flags, 0,
			 req->blob_id, req->cpu_caching, &size);
	if (ret)
		bad(ctx, "GEM_CREATE blob_id %u failed: %s", req->blob_id, strerror(-ret));
	return 0;
}

static int ccmd_gem_create_ext(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_gem_create_ext_req *req = cmd;
	struct xe_proxy_ccmd_value_rsp *rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	uint64_t size = 0;

	if (!rsp)
		return -EINVAL;
	rsp->ret = (uint32_t)-gem_create(ctx, req->size, req->placement,
					 req->flags, req->vm_id, req->blob_id,
					 req->cpu_caching, &size);
	rsp->value = size;
	return 0;
}

/**
 * xe_ccmd_gem_create_blob() - the BO of an XE_PROXY_BLOB_CREATE() blob_id
 * @ctx: the context
 * @res_id: the resource being created, the BO's blob_id meanwhile
 * @blob_id: the encoded GEM_CREATE arguments
 * @size: the resource's size
 * @out_size: the size the driver made
 *
 * Called with xe_host.lock held (xe_host_ctx.c); the caller makes the BO
 * the resource and gives the blob_id up again.
 *
 * Return: 0, or the errno GEM_CREATE_EXT would have answered.
 */
int xe_ccmd_gem_create_blob(struct xe_host_ctx *ctx, uint32_t res_id,
			    uint64_t blob_id, uint64_t size, uint64_t *out_size)
{
	int ret;

	if (!(xe_host.capset.u.xe.features & XE_PROXY_F_GEM_CREATE_BLOB) ||
	    (blob_id & (XE_PROXY_BLOB_SLICE_FLAG | XE_PROXY_BLOB_CREATE_RESERVED))) {
		bad(ctx, "blob_id 0x%llx refused", (unsigned long long)blob_id);
		return -EINVAL;
	}
	xe_ioctl_saw_loss = false;
	ret = gem_create(ctx, size, XE_PROXY_BLOB_CREATE_PLACEMENT(blob_id),
			 XE_PROXY_BLOB_CREATE_FLAGS(blob_id),
			 XE_PROXY_BLOB_CREATE_VM_ID(blob_id), res_id,
			 XE_PROXY_BLOB_CREATE_CACHING(blob_id), out_size);
	if (xe_ioctl_saw_loss)
		xe_ctx_check_lost(ctx);
	return ret;
}

static int ccmd_gem_close(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_gem_close_req *req = cmd;

	xe_ctx_object_close(ctx, req->blob_id);
	return 0;
}

/* --- VMs and binds ----------------------------------------------------- */

static int ccmd_vm_create(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_vm_create_req *req = cmd;
	struct xe_proxy_ccmd_vm_create_rsp *rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	struct drm_xe_vm_create c = { .flags = req->flags };
	struct drm_xe_vm_destroy d;
	struct xe_host_vm *vm;
	int ret;

	if (!rsp)
		return -EINVAL;
	if (req->flags & ~VM_CREATE_FLAGS) {
		bad(ctx, "VM_CREATE flags 0x%x refused", req->flags);
		rsp->ret = EINVAL;
		return 0;
	}
	/*
	 * An exec on a fault-mode VM can make the driver wait for the dma-fence
	 * jobs of its engine group (xe_hw_engine_group.c) on QEMU's thread.
	 */
	if ((req->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE) &&
	    (req->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) && !xe_host.fault_mode) {
		bad(ctx, "VM_CREATE in fault mode refused (XE_PROXY_FAULT_MODE=1 allows it)");
		rsp->ret = EOPNOTSUPP;
		return 0;
	}
	ret = xe_limit_charge(XE_LIMIT_VMS, 1, ctx->ctx_id);
	if (ret) {
		rsp->ret = (uint32_t)-ret;
		return 0;
	}
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_VM_CREATE, &c);
	if (!ret) {
		vm = xe_fault_calloc(XE_FAULT_ALLOC_VM, 1, sizeof(*vm));
		ret = vm ? 0 : -ENOMEM;
		if (vm) {
			vm->id = c.vm_id;
			vm->flags = req->flags;
			ret = xe_map_put(&ctx->vms, c.vm_id, vm);
			if (ret)
				free(vm);
		}
		if (ret) {
			d = (struct drm_xe_vm_destroy){ .vm_id = c.vm_id };
			xe_ioctl(ctx->fd, DRM_IOCTL_XE_VM_DESTROY, &d);
		}
	}
	if (ret)
		xe_limit_release(XE_LIMIT_VMS, 1);
	rsp->ret = (uint32_t)-ret;
	rsp->vm_id = ret ? 0 : c.vm_id;
	return 0;
}

static int ccmd_vm_destroy(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_vm_destroy_req *req = cmd;
	struct xe_host_vm *vm = xe_map_get(&ctx->vms, req->vm_id);
	int ret;

	if (!vm) {
		bad(ctx, "VM_DESTROY of unknown VM %u", req->vm_id);
		return 0;
	}
	ret = xe_host_vm_destroy(ctx, vm, false);
	if (ret)
		bad(ctx, "VM_DESTROY %u: %s", req->vm_id, strerror(-ret));
	return 0;
}

/* Check one guest bind op and turn it into the uAPI's. */
static int bind_op(struct xe_host_ctx *ctx, uint32_t res_id, uint16_t pat_index,
		   uint64_t obj_offset, uint64_t range, uint64_t addr, uint32_t op,
		   uint32_t flags, uint32_t prefetch, struct drm_xe_vm_bind_op *out,
		   struct xe_bind_track *track)
{
	struct xe_object *obj = NULL;

	if (op == DRM_XE_VM_BIND_OP_MAP_USERPTR ||
	    (flags & DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR)) {
		bad(ctx, "bind of host memory refused (op %u flags 0x%x)", op, flags);
		return -EPERM;
	}
	if (op > DRM_XE_VM_BIND_OP_PREFETCH || (flags & ~VM_BIND_FLAGS)) {
		bad(ctx, "bind op %u flags 0x%x refused", op, flags);
		return -EINVAL;
	}
	if (op == DRM_XE_VM_BIND_OP_MAP && !(flags & DRM_XE_VM_BIND_FLAG_NULL)) {
		int ret = xe_ctx_object_by_res_retry(ctx, res_id, &obj);

		if (ret) {
			bad(ctx, "bind of resource %u: %s", res_id, strerror(-ret));
			return ret;
		}
	} else if (op == DRM_XE_VM_BIND_OP_UNMAP_ALL) {
		obj = xe_ctx_object_by_res(ctx, res_id);
		if (!obj) {
			bad(ctx, "UNMAP_ALL of unknown resource %u", res_id);
			return -ENOENT;
		}
	} else if (res_id) {
		bad(ctx, "bind op %u must not name resource %u", op, res_id);
		return -EINVAL;
	}
	*out = (struct drm_xe_vm_bind_op){
		.obj = obj ? obj->handle : 0,
		.pat_index = pat_index,
		.obj_offset = obj_offset,
		.range = range,
		.addr = addr,
		.op = op,
		.flags = flags,
		.prefetch_mem_region_instance = prefetch,
	};
	*track = (struct xe_bind_track){ .obj = obj };
	return 0;
}

/*
 * xe_vm_in_lr_mode(): LR_MODE, with or without FAULT_MODE. Such a VM takes
 * no syncobj signal (xe_sync.c), so its work is tracked differently
 * (xe_host_fence.c). An unknown VM is not one: the driver answers for it.
 */
static bool vm_lr(const struct xe_host_vm *vm)
{
	return vm && (vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE);
}

static int do_bind(struct xe_host_ctx *ctx, uint32_t vm_id, uint32_t queue,
		   struct drm_xe_vm_bind_op *ops, uint32_t n,
		   struct drm_xe_sync *syncs, uint32_t num_syncs)
{
	struct drm_xe_vm_bind b = {
		.vm_id = vm_id, .exec_queue_id = queue, .num_binds = n,
		.num_syncs = num_syncs, .syncs = (uintptr_t)syncs,
	};

	if (n == 1)
		b.bind = ops[0];
	else
		b.vector_of_binds = (uintptr_t)ops;
	return xe_ioctl(ctx->fd, DRM_IOCTL_XE_VM_BIND, &b);
}

/*
 * Base VM_BIND: the guest sees it as synchronous, but the host does not
 * wait. It answers once the driver accepted the bind and makes the VM's
 * later base EXECs wait for it (see ccmd_exec()). A long-running VM has
 * no syncobj to wait on: there the bind is ring 0's job, and the guest
 * waits for ring 0's fence before it execs.
 */
static int ccmd_vm_bind(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_vm_bind_req *req = cmd;
	const struct xe_proxy_ccmd_vm_bind_op *gops = (const void *)req->payload;
	struct xe_proxy_ccmd_vm_bind_rsp *rsp;
	struct drm_xe_vm_bind_op *ops;
	struct xe_bind_track *track;
	struct drm_xe_sync sync = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				    .flags = DRM_XE_SYNC_FLAG_SIGNAL };
	struct xe_ufence *uf = NULL;
	struct xe_host_job *job;
	struct xe_host_vm *vm;
	bool mapped = false;
	uint64_t room;
	uint32_t i;
	int ret;

	if (req->num_binds > XE_PROXY_MAX_BINDS ||
	    req->hdr.len != sizeof(*req) + (size_t)req->num_binds * sizeof(*gops)) {
		bad(ctx, "VM_BIND with %u ops in %u bytes", req->num_binds, req->hdr.len);
		return -EINVAL;
	}
	rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	if (!rsp)
		return -EINVAL;
	vm = xe_map_get(&ctx->vms, req->vm_id);
	if (!vm) {
		rsp->ret = ENOENT;
		return 0;
	}
	if (!req->num_binds)
		return 0;
	for (i = 0, room = 0; i < req->num_binds; i++) {
		room += xe_host_vm_op_room(vm, gops[i].op, gops[i].addr, gops[i].range, mapped);
		mapped |= gops[i].op == DRM_XE_VM_BIND_OP_MAP;
	}
	ret = xe_host_vm_bind_room(ctx, room);
	if (ret) {
		rsp->ret = (uint32_t)-ret;
		return 0;
	}
	ops = calloc(req->num_binds, sizeof(*ops));
	track = calloc(req->num_binds, sizeof(*track));
	if (!ops || !track) {
		free(ops);
		free(track);
		rsp->ret = ENOMEM;
		return 0;
	}
	for (i = 0, ret = 0; i < req->num_binds && !ret; i++)
		ret = bind_op(ctx, gops[i].res_id, gops[i].pat_index,
			      gops[i].obj_offset, gops[i].range, gops[i].addr,
			      gops[i].op, gops[i].flags, 0, &ops[i], &track[i]);
	/* On a long-running VM the bind's completion is an arena slot. */
	if (!ret && vm_lr(vm)) {
		uf = xe_ufence_create(ctx, NULL, 0, 0, &sync.addr, &ret);
		sync.type = DRM_XE_SYNC_TYPE_USER_FENCE;
		sync.timeline_value = XE_UFENCE_WRITTEN;
	} else if (!ret) {
		ret = xe_syncobj_create(ctx, &sync.handle);
	}
	if (!ret) {
		ret = do_bind(ctx, req->vm_id, 0, ops, req->num_binds, &sync, 1);
		if (ret) {
			xe_syncobj_destroy(ctx, sync.handle);
			xe_ufence_abort(uf);
		} else {
			xe_host_vm_apply(ctx, vm, ops, track, req->num_binds);
			job = uf ? xe_host_job_from_ufence(uf) :
			      xe_host_job_from_syncobj(ctx, sync.handle);
			if (!job) {
				ret = -errno;
			} else if (uf) {
				/* No syncobj to wait on: ring 0's fence says it. */
				if (xe_ring_add_job(ctx, &ctx->rings[0], job))
					ret = -ENOMEM;
				xe_host_job_put(job);
			} else {
				xe_host_job_put(vm->last_bind);
				vm->last_bind = job;
			}
			if (uf)
				xe_ufence_arm(uf);
		}
	}
	free(ops);
	free(track);
	rsp->ret = (uint32_t)-ret;
	return 0;
}

/* --- syncs of the extended submissions ----------------------------------- */

/**
 * struct sync_set - the uAPI syncs of one extended submission
 * @syncs: in-syncs and out-syncs for the ioctl
 * @n: entries in @syncs
 * @out_fence_ids: host fence ids to register after the ioctl
 * @out_syncobjs: their syncobjs (the first @n_out entries)
 * @n_out: host fences signalled by the submission
 * @ring_job: syncobj that becomes the ring's job, 0 on a long-running VM
 * @ring_uf: on a long-running VM, the bind user fence that becomes the
 *	ring's job (one of @ufences), or NULL
 * @ufences: bind user fences, armed once the bind is submitted
 * @n_ufences: entries in @ufences
 */
struct sync_set {
	struct drm_xe_sync syncs[XE_PROXY_MAX_SYNCS + 1];
	uint32_t n;
	uint64_t out_fence_ids[XE_PROXY_MAX_SYNCS];
	uint32_t out_syncobjs[XE_PROXY_MAX_SYNCS];
	uint32_t n_out;
	uint32_t ring_job;
	struct xe_ufence *ring_uf;
	struct xe_ufence *ufences[XE_PROXY_MAX_SYNCS + 1];
	uint32_t n_ufences;
};

/*
 * The sync set of the submission being run. Commands run one at a time,
 * under xe_host.lock (xe_host_ctx_submit()), so one serves them all and
 * no submission allocates its ~5 KiB.
 */
static struct sync_set sync_scratch;

static void sync_set_abort(struct xe_host_ctx *ctx, struct sync_set *s)
{
	uint32_t i;

	for (i = 0; i < s->n_out; i++)
		xe_syncobj_destroy(ctx, s->out_syncobjs[i]);
	xe_syncobj_destroy(ctx, s->ring_job);
	for (i = 0; i < s->n_ufences; i++)
		xe_ufence_abort(s->ufences[i]);
	s->n_out = 0;
	s->ring_job = 0;
	s->ring_uf = NULL;
	s->n_ufences = 0;
}

/* What sync_set_build() builds the syncs for */
#define SYNC_SET_BIND	(1U << 0)	/* a bind (else an exec) */
#define SYNC_SET_LR	(1U << 1)	/* on a long-running VM */
#define SYNC_SET_NO_OPS	(1U << 2)	/* a bind of no op: no user fence */

/*
 * The job the ring waits for. On a long-running VM a bind's is a user
 * fence in the host's arena: the guest's own bind user fence when it has
 * one (the driver takes one per bind), else a slot of its own. An exec
 * there, or a bind of no op, has none (xe_host_fence.c).
 */
static int sync_set_ring_job(struct xe_host_ctx *ctx, unsigned int kind,
			     struct sync_set *s)
{
	struct drm_xe_sync *d = &s->syncs[s->n];
	int ret = 0;

	if (!(kind & SYNC_SET_LR)) {
		/* A host fence it signals is its ring's job too (commit). */
		if (s->n_out)
			return 0;
		ret = xe_syncobj_create(ctx, &s->ring_job);
		if (!ret) {
			*d = (struct drm_xe_sync){
				.type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				.flags = DRM_XE_SYNC_FLAG_SIGNAL,
				.handle = s->ring_job };
			s->n++;
		}
		return ret;
	}
	if (!(kind & SYNC_SET_BIND) || (kind & SYNC_SET_NO_OPS))
		return 0;
	if (!s->n_ufences) {
		*d = (struct drm_xe_sync){ 0 };
		s->ufences[0] = xe_ufence_create(ctx, NULL, 0, 0, &d->addr, &ret);
		if (!s->ufences[0])
			return ret;
		s->n_ufences = 1;
		d->type = DRM_XE_SYNC_TYPE_USER_FENCE;
		d->flags = DRM_XE_SYNC_FLAG_SIGNAL;
		d->timeline_value = XE_UFENCE_WRITTEN;
		s->n++;
	}
	s->ring_uf = s->ufences[0];
	return 0;
}

static int sync_set_build(struct xe_host_ctx *ctx, const struct xe_proxy_sync *gs,
			  uint32_t num, unsigned int kind, struct sync_set *s)
{
	bool is_bind = kind & SYNC_SET_BIND;
	struct xe_object *obj;
	struct xe_host_job *job;
	uint32_t i, j;
	int ret;

	/*
	 * The counts only: every array entry below them is written before it
	 * is read, and clearing the ~5 KiB of arrays was half of an exec's cost.
	 */
	s->n = 0;
	s->n_out = 0;
	s->ring_job = 0;
	s->ring_uf = NULL;
	s->n_ufences = 0;
	for (i = 0; i < num; i++) {
		struct drm_xe_sync *d = &s->syncs[s->n];
		bool signal = gs[i].flags & XE_PROXY_SYNC_FLAG_SIGNAL;

		if ((gs[i].flags & ~XE_PROXY_SYNC_FLAG_SIGNAL) || gs[i].pad) {
			bad(ctx, "sync %u has flags 0x%x", i, gs[i].flags);
			ret = -EINVAL;
			goto err;
		}
		switch (gs[i].type) {
		case XE_PROXY_SYNC_HOST_FENCE:
			if (!gs[i].fence_id) {
				ret = -EINVAL;
				goto err;
			}
			if (!signal) {
				job = xe_map_get(&ctx->host_fences, gs[i].fence_id);
				if (!job) {
					bad(ctx, "wait on unknown host fence %llu", (unsigned long long)gs[i].fence_id);
					ret = -ENOENT;
					goto err;
				}
				if (xe_host_job_done(job))
					continue;
				*d = (struct drm_xe_sync){
					.type = DRM_XE_SYNC_TYPE_SYNCOBJ,
					.handle = job->syncobj };
				s->n++;
				break;
			}
			/* A host fence is a syncobj: xe_sync.c's errno. */
			if (kind & SYNC_SET_LR) {
				bad(ctx, "host fence %llu signalled on a long-running VM",
				    (unsigned long long)gs[i].fence_id);
				ret = -EOPNOTSUPP;
				goto err;
			}
			for (j = 0; j < s->n_out; j++)
				if (s->out_fence_ids[j] == gs[i].fence_id)
					break;
			if (j < s->n_out ||
			    xe_map_get(&ctx->host_fences, gs[i].fence_id)) {
				bad(ctx, "host fence %llu signalled twice", (unsigned long long)gs[i].fence_id);
				ret = -EEXIST;
				goto err;
			}
			ret = xe_syncobj_create(ctx, &s->out_syncobjs[s->n_out]);
			if (ret)
				goto err;
			s->out_fence_ids[s->n_out] = gs[i].fence_id;
			*d = (struct drm_xe_sync){
				.type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				.flags = DRM_XE_SYNC_FLAG_SIGNAL,
				.handle = s->out_syncobjs[s->n_out++] };
			s->n++;
			break;
		case XE_PROXY_SYNC_USER_FENCE:
			if (!signal || gs[i].addr % 8) {
				ret = -EINVAL;
				goto err;
			}
			*d = (struct drm_xe_sync){
				.type = DRM_XE_SYNC_TYPE_USER_FENCE,
				.flags = DRM_XE_SYNC_FLAG_SIGNAL,
				.addr = gs[i].addr,
				.timeline_value = gs[i].value };
			if (is_bind) {
				/*
				 * A bind's user fence is a CPU address: the
				 * driver gets a slot of the host's fence
				 * arena, and the host copies the value into
				 * the guest's BO (xe_host_ufence.c). An exec's
				 * is a GPU address (xe_sync.c) and passes.
				 */
				ret = xe_ctx_object_by_res_retry(ctx, gs[i].res_id, &obj);
				if (ret == -ENOENT ||
				    (!ret && (obj->size < 8 || gs[i].addr > obj->size - 8)))
					ret = -EINVAL;
				if (ret) {
					/* a refused attach keeps its own errno */
					bad(ctx, "bind user fence at res %u+%llu refused: %s",
					    gs[i].res_id, (unsigned long long)gs[i].addr,
					    strerror(-ret));
					goto err;
				}
				s->ufences[s->n_ufences] =
					xe_ufence_create(ctx, obj, gs[i].addr, gs[i].value,
							 &d->addr, &ret);
				if (!s->ufences[s->n_ufences])
					goto err;
				s->n_ufences++;
				d->timeline_value = XE_UFENCE_WRITTEN;
			} else if (gs[i].res_id) {
				ret = -EINVAL;
				goto err;
			}
			s->n++;
			break;
		default:
			bad(ctx, "sync type %u refused", gs[i].type);
			ret = -EINVAL;
			goto err;
		}
	}
	ret = sync_set_ring_job(ctx, kind, s);
	if (ret)
		goto err;
	return 0;
err:
	sync_set_abort(ctx, s);
	return ret;
}

/*
 * After a successful submission: register host fences and the ring's job,
 * which is the first host fence's when it signals one (one syncobj and
 * sync_file fewer per submission), else its own syncobj or arena slot.
 * @rsp_off, if not 0, is where the answer's ret of an exec the guest did
 * not wait for lies: the ring job rewrites it with its fence's error.
 */
static int sync_set_commit(struct xe_host_ctx *ctx, struct sync_set *s,
			   uint32_t ring_idx, uint32_t queue_id, size_t rsp_off)
{
	struct xe_host_job *job, *first = NULL;
	uint32_t i;
	int ret = 0;

	for (i = 0; i < s->n_out; i++) {
		job = xe_host_job_from_syncobj(ctx, s->out_syncobjs[i]);
		if (!job || xe_map_put(&ctx->host_fences, s->out_fence_ids[i], job)) {
			xe_host_job_put(job);
			ret = -ENOMEM;
		} else if (!first) {
			first = xe_host_job_get(job);
		}
	}
	if (s->ring_job || s->ring_uf || s->n_out) {
		job = s->ring_job ? xe_host_job_from_syncobj(ctx, s->ring_job) :
		      s->ring_uf ? xe_host_job_from_ufence(s->ring_uf) : first;
		if (job == first)
			first = NULL;
		if (job) {
			job->queue_id = queue_id;
			job->rsp_off = rsp_off;
		}
		if (!job || xe_ring_add_job(ctx, &ctx->rings[ring_idx], job))
			ret = -ENOMEM;
		xe_host_job_put(job);
	}
	xe_host_job_put(first);
	for (i = 0; i < s->n_ufences; i++)
		xe_ufence_arm(s->ufences[i]);
	s->n_out = 0;
	s->ring_job = 0;
	s->ring_uf = NULL;
	s->n_ufences = 0;
	if (ret)
		xe_log("context %u: out of memory tracking a submission; its fences may signal early",
		       ctx->ctx_id);
	return ret;
}

/*
 * A submission the guest did not wait for (XE_PROXY_EXEC_FLAG_ASYNC,
 * XE_PROXY_BIND_FLAG_ASYNC) failed: host fences it would have signalled
 * are registered as signalled, so that work the guest queued behind it
 * does not fail for a missing id, as work behind a job that faulted still
 * runs. The guest releases them with FENCE_PUT as any other; they count
 * against XE_LIMIT_FENCES meanwhile.
 */
static void fail_host_fences(struct xe_host_ctx *ctx, const struct xe_proxy_sync *gs,
			     uint32_t num)
{
	struct xe_host_job *job;
	uint32_t i;

	for (i = 0; i < num; i++) {
		if (gs[i].type != XE_PROXY_SYNC_HOST_FENCE ||
		    !(gs[i].flags & XE_PROXY_SYNC_FLAG_SIGNAL) || !gs[i].fence_id ||
		    xe_map_get(&ctx->host_fences, gs[i].fence_id))
			continue;
		job = xe_host_job_signalled(ctx);
		if (!job || xe_map_put(&ctx->host_fences, gs[i].fence_id, job)) {
			xe_host_job_put(job);
			bad(ctx, "host fence %llu of a failed submission not registered",
			    (unsigned long long)gs[i].fence_id);
		}
	}
}

/* Userptr ops one VM_BIND_EXT may expand into (pieces of guest memory). */
#define MAX_EXPANDED_BINDS	65536

/*
 * MAP_USERPTR of a guest-memory resource (XE_PROXY_F_USERPTR): one userptr
 * op per piece of the resource inside [obj_offset, obj_offset + range), at
 * consecutive GPU addresses. The pieces are the guest's RAM as QEMU maps it
 * here, so the guest reaches nothing but its own memory. With @out NULL it
 * only counts them.
 */
static int userptr_ops(struct xe_host_ctx *ctx, const struct xe_proxy_vm_bind_op_ext *g,
		       struct drm_xe_vm_bind_op *out, struct xe_bind_track *track,
		       uint32_t *count)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct xe_guest_mem *gm = xe_ctx_guest_mem(ctx, g->res_id);
	uint64_t off = g->obj_offset, left = g->range, addr = g->addr, take;
	uint32_t i, n = 0;

	if (!gm) {
		bad(ctx, "MAP_USERPTR of resource %u, not guest memory of this context", g->res_id);
		return -ENOENT;
	}
	/* QEMU has the iovecs back: the addresses may be anything now. */
	if (gm->detached) {
		bad(ctx, "MAP_USERPTR of resource %u after its pages were detached", g->res_id);
		return -ENOENT;
	}
	if (!left || off % page || left % page || off > gm->size || left > gm->size - off ||
	    (g->flags & ~VM_BIND_FLAGS) || (g->flags & DRM_XE_VM_BIND_FLAG_NULL)) {
		bad(ctx, "MAP_USERPTR of %llu bytes at %llu of resource %u (%llu bytes), flags 0x%x",
		    (unsigned long long)left, (unsigned long long)off, g->res_id,
		    (unsigned long long)gm->size, g->flags);
		return -EINVAL;
	}
	for (i = 0; i < gm->num_iov && left; i++) {
		if (off >= gm->iov[i].iov_len) {
			off -= gm->iov[i].iov_len;
			continue;
		}
		take = gm->iov[i].iov_len - off;
		if (take > left)
			take = left;
		if (out) {
			out[n] = (struct drm_xe_vm_bind_op){
				.obj_offset = (uintptr_t)gm->iov[i].iov_base + off,
				.range = take,
				.addr = addr,
				.op = DRM_XE_VM_BIND_OP_MAP_USERPTR,
				.flags = g->flags,
				.pat_index = g->pat_index,
			};
			track[n] = (struct xe_bind_track){ .gm = gm };
		}
		n++;
		addr += take;
		left -= take;
		off = 0;
	}
	*count = n;
	return 0;
}

static int ccmd_vm_bind_ext(struct xe_host_ctx *ctx, const void *cmd)
{
	const uint32_t bind_flags = (xe_host.capset.u.xe.features & XE_PROXY_F_ASYNC_EXEC) ?
				    XE_PROXY_BIND_FLAG_ASYNC : 0;
	const struct xe_proxy_ccmd_vm_bind_ext_req *req = cmd;
	const struct xe_proxy_vm_bind_op_ext *gops = (const void *)req->payload;
	const struct xe_proxy_sync *gs;
	struct xe_proxy_ccmd_status_rsp *rsp;
	struct drm_xe_vm_bind_op *ops = NULL, ops1[1];
	struct xe_bind_track *track = NULL, track1[1];
	struct sync_set *s = &sync_scratch;
	struct xe_host_vm *vm;
	uint32_t i, n, total;
	bool mapped = false;
	uint64_t room;
	int ret = 0;

	if (req->num_binds > XE_PROXY_MAX_BINDS ||
	    req->num_syncs > XE_PROXY_MAX_SYNCS || (req->flags & ~bind_flags) ||
	    req->ring_idx >= XE_HOST_MAX_RINGS ||
	    req->hdr.len != sizeof(*req) + (size_t)req->num_binds * sizeof(*gops) +
			    (size_t)req->num_syncs * sizeof(*gs)) {
		bad(ctx, "VM_BIND_EXT with %u ops, %u syncs, ring %u in %u bytes", req->num_binds, req->num_syncs, req->ring_idx,
		    req->hdr.len);
		return -EINVAL;
	}
	gs = (const void *)(gops + req->num_binds);
	rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	if (!rsp)
		return -EINVAL;
	vm = xe_map_get(&ctx->vms, req->vm_id);
	/* Userptr ops of guest memory expand into one op per piece. */
	for (i = 0, total = 0, room = 0; i < req->num_binds && !ret; i++) {
		n = 1;
		if (gops[i].op == DRM_XE_VM_BIND_OP_MAP_USERPTR)
			ret = userptr_ops(ctx, &gops[i], NULL, NULL, &n);
		total += n;
		room += (uint64_t)n * xe_host_vm_op_room(vm, gops[i].op, gops[i].addr,
						    gops[i].range, mapped);
		mapped |= gops[i].op == DRM_XE_VM_BIND_OP_MAP ||
			  gops[i].op == DRM_XE_VM_BIND_OP_MAP_USERPTR;
		if (!ret && total > MAX_EXPANDED_BINDS) {
			bad(ctx, "VM_BIND_EXT expands into more than %u ops", MAX_EXPANDED_BINDS);
			ret = -EINVAL;
		}
	}
	if (!ret && !vm)
		ret = -ENOENT;
	if (!ret)
		ret = xe_host_vm_bind_room(ctx, room);
	if (ret) {
		if (req->flags & XE_PROXY_BIND_FLAG_ASYNC)
			fail_host_fences(ctx, gs, req->num_syncs);
		rsp->ret = (uint32_t)-ret;
		return 0;
	}
	/* Zero ops is legal: the driver just signals the syncs in order. */
	if (total <= 1) {
		/* the usual single op needs no allocation; filled below */
		ops = ops1;
		track = track1;
	} else {
		ops = calloc(total, sizeof(*ops));
		track = calloc(total, sizeof(*track));
		if (!ops || !track)
			ret = -ENOMEM;
	}
	for (i = 0, total = 0; i < req->num_binds && !ret; i++) {
		if (gops[i].pad || gops[i].pad2) {
			ret = -EINVAL;
		} else if (gops[i].op == DRM_XE_VM_BIND_OP_MAP_USERPTR) {
			ret = userptr_ops(ctx, &gops[i], &ops[total], &track[total], &n);
			total += n;
		} else {
			ret = bind_op(ctx, gops[i].res_id, gops[i].pat_index,
				      gops[i].obj_offset, gops[i].range,
				      gops[i].addr, gops[i].op, gops[i].flags,
				      gops[i].prefetch_mem_region_instance,
				      &ops[total], &track[total]);
			total++;
		}
	}
	if (!ret)
		ret = sync_set_build(ctx, gs, req->num_syncs,
				     SYNC_SET_BIND | (vm_lr(vm) ? SYNC_SET_LR : 0) |
				     (total ? 0 : SYNC_SET_NO_OPS), s);
	if (!ret) {
		ret = do_bind(ctx, req->vm_id, req->exec_queue_id, ops,
			      total, s->syncs, s->n);
		if (ret) {
			sync_set_abort(ctx, s);
		} else {
			xe_host_vm_apply(ctx, vm, ops, track, total);
			sync_set_commit(ctx, s, req->ring_idx, 0, 0);
		}
	}
	if (ops != ops1) {
		free(ops);
		free(track);
	}
	if (ret && (req->flags & XE_PROXY_BIND_FLAG_ASYNC))
		fail_host_fences(ctx, gs, req->num_syncs);
	rsp->ret = (uint32_t)-ret;
	return 0;
}

/* --- exec queues ---------------------------------------------------------- */

static void queue_clear_ban(struct xe_host_ctx *ctx, uint32_t id);

/*
 * Base protocol: queue N retires on ring N + 1 (the reference's rule), and
 * virtio-gpu has rings up to 63. The reference has no ring for higher ids,
 * and guest modules since then do not keep such queues; older ones expect
 * ids past 62 to share rings 1..63, which this host keeps for them unless
 * it is strict.
 */
static uint32_t queue_ring(uint32_t id)
{
	if (id < XE_HOST_MAX_RINGS - 1)
		return id + 1;
	return xe_host.base_protocol ? XE_HOST_NO_RING :
	       1 + id % (XE_HOST_MAX_RINGS - 1);
}

static int queue_create(struct xe_host_ctx *ctx, const struct xe_proxy_ccmd_req *hdr,
			uint32_t vm_id, uint32_t flags, uint16_t width,
			uint16_t num_placements,
			const struct xe_proxy_engine_class_instance *inst,
			const struct xe_proxy_exec_queue_property *props,
			uint32_t num_props)
{
	struct xe_proxy_ccmd_exec_queue_create_rsp *rsp = xe_ctx_rsp(ctx, hdr, sizeof(*rsp));
	struct drm_xe_ext_set_property ext[XE_PROXY_MAX_PROPERTIES];
	struct drm_xe_engine_class_instance eci[XE_PROXY_MAX_PLACEMENTS];
	struct drm_xe_exec_queue_create c = {
		.width = width, .num_placements = num_placements,
		.vm_id = vm_id, .flags = flags, .instances = (uintptr_t)eci,
	};
	struct drm_xe_exec_queue_destroy d;
	struct xe_host_queue *q;
	uint32_t i, n = (uint32_t)width * num_placements;
	int ret;

	if (!rsp)
		return -EINVAL;
	if (flags & ~EXEC_QUEUE_FLAGS) {
		rsp->ret = EINVAL;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (inst[i].pad) {
			rsp->ret = EINVAL;
			return 0;
		}
		eci[i] = (struct drm_xe_engine_class_instance){
			.engine_class = inst[i].engine_class,
			.engine_instance = inst[i].engine_instance,
			.gt_id = inst[i].gt_id };
	}
	for (i = 0; i < num_props; i++) {
		if (props[i].pad) {
			rsp->ret = EINVAL;
			return 0;
		}
		/* an unknown property is EINVAL, as in xe's check */
		if (!queue_property_allowed(props[i].property)) {
			bad(ctx, "exec queue property %u not forwarded (may carry a pointer)",
			    props[i].property);
			rsp->ret = props[i].property ==
				   QUEUE_PROP_HANG_REPLAY_STATE ?
				   EOPNOTSUPP : EINVAL;
			return 0;
		}
		ext[i] = (struct drm_xe_ext_set_property){
			.base.name = DRM_XE_EXEC_QUEUE_EXTENSION_SET_PROPERTY,
			.base.next_extension = i + 1 < num_props ?
					       (uintptr_t)&ext[i + 1] : 0,
			.property = props[i].property,
			.value = props[i].value };
	}
	if (num_props)
		c.extensions = (uintptr_t)&ext[0];
	ret = xe_limit_charge_queue(width, ctx->ctx_id);
	if (ret) {
		rsp->ret = (uint32_t)-ret;
		return 0;
	}
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c);
	if (!ret) {
		q = xe_fault_calloc(XE_FAULT_ALLOC_QUEUE, 1, sizeof(*q));
		ret = q ? 0 : -ENOMEM;
		if (q) {
			*q = (struct xe_host_queue){ .id = c.exec_queue_id,
						.vm_id = vm_id, .width = width,
						.ring_idx = queue_ring(c.exec_queue_id) };
			ret = xe_map_put(&ctx->queues, q->id, q);
			if (ret)
				free(q);
			else
				queue_clear_ban(ctx, q->id);
		}
		if (ret) {
			d = (struct drm_xe_exec_queue_destroy){
				.exec_queue_id = c.exec_queue_id };
			xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d);
		}
	}
	if (ret)
		xe_limit_release_queue(width);
	rsp->ret = (uint32_t)-ret;
	rsp->exec_queue_id = ret ? 0 : c.exec_queue_id;
	return 0;
}

static int ccmd_exec_queue_create(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_exec_queue_create_req *req = cmd;
	size_t n = (size_t)req->width * req->num_placements;

	if (!n || n > XE_PROXY_MAX_PLACEMENTS || req->pad ||
	    req->hdr.len != sizeof(*req) + n * sizeof(struct xe_proxy_engine_class_instance)) {
		bad(ctx, "EXEC_QUEUE_CREATE %ux%u in %u bytes", req->width, req->num_placements, req->hdr.len);
		return -EINVAL;
	}
	return queue_create(ctx, &req->hdr, req->vm_id, req->flags, req->width,
			    req->num_placements, (const void *)req->payload,
			    NULL, 0);
}

static int ccmd_exec_queue_create_ext(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_exec_queue_create_ext_req *req = cmd;
	size_t n = (size_t)req->width * req->num_placements;
	size_t inst_len = align8(n * sizeof(struct xe_proxy_engine_class_instance));

	if (!n || n > XE_PROXY_MAX_PLACEMENTS ||
	    req->num_properties > XE_PROXY_MAX_PROPERTIES ||
	    req->hdr.len != sizeof(*req) + inst_len + (size_t)req->num_properties *
			    sizeof(struct xe_proxy_exec_queue_property)) {
		bad(ctx, "EXEC_QUEUE_CREATE_EXT %ux%u, %u properties in %u bytes", req->width, req->num_placements,
		    req->num_properties, req->hdr.len);
		return -EINVAL;
	}
	return queue_create(ctx, &req->hdr, req->vm_id, req->flags, req->width,
			    req->num_placements, (const void *)req->payload,
			    (const void *)(req->payload + inst_len),
			    req->num_properties);
}

static int ccmd_exec_queue_destroy(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_exec_queue_destroy_req *req = cmd;
	struct drm_xe_exec_queue_destroy d = { .exec_queue_id = req->exec_queue_id };
	int ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d);
	struct xe_host_queue *q;

	if (ret) {
		bad(ctx, "EXEC_QUEUE_DESTROY %u: %s", req->exec_queue_id, strerror(-ret));
		return 0;
	}
	q = xe_map_del(&ctx->queues, req->exec_queue_id);
	if (q) {
		xe_limit_release_queue(q->width);
		free(q);
	}
	return 0;
}

static int ccmd_exec_queue_get_property(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_exec_queue_get_property_req *req = cmd;
	struct xe_proxy_ccmd_value_rsp *rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	struct drm_xe_exec_queue_get_property g = {
		.exec_queue_id = req->exec_queue_id, .property = req->property };

	struct xe_host_queue *q;
	int ret;

	if (!rsp)
		return -EINVAL;
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, &g);
	/*
	 * A ban seen here is published too: the fence thread sees a ban
	 * when a job retires, and work on a long-running VM never does.
	 */
	q = xe_map_get(&ctx->queues, req->exec_queue_id);
	if (!ret && q && g.property == DRM_XE_EXEC_QUEUE_GET_PROPERTY_BAN && g.value &&
	    !q->banned)
		xe_host_queue_note_ban(ctx, q);
	rsp->ret = (uint32_t)-ret;
	rsp->value = g.value;
	return 0;
}

/* The same whitelist as at creation: a property may carry a pointer. */
static int ccmd_exec_queue_set_property(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_exec_queue_set_property_req *req = cmd;
	struct xe_proxy_ccmd_status_rsp *rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));

	if (!rsp)
		return -EINVAL;
	/* xe refuses every other property here with EINVAL, 3 included */
	if (!queue_property_allowed(req->property)) {
		bad(ctx, "EXEC_QUEUE_SET_PROPERTY %u not forwarded (may carry a pointer)",
		    req->property);
		rsp->ret = EINVAL;
		return 0;
	}
#ifdef DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY
	{
		struct drm_xe_exec_queue_set_property sp = {
			.exec_queue_id = req->exec_queue_id,
			.property = req->property,
			.value = req->value,
		};

		rsp->ret = (uint32_t)-xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY, &sp);
	}
#else
	rsp->ret = EOPNOTSUPP;
#endif
	return 0;
}

/* --- exec ------------------------------------------------------------------ */

/**
 * xe_host_queue_note_ban() - publish a banned exec queue in the shared memory
 * @ctx: the context
 * @q: the queue the driver reports banned
 *
 * The guest answers GET_PROPERTY(BAN) and refuses execs from these bits
 * without a round trip.
 */
void xe_host_queue_note_ban(struct xe_host_ctx *ctx, struct xe_host_queue *q)
{
	uint32_t id = q->id;

	q->banned = true;
	if (!ctx->shmem)
		return;
	if (id < 64)
		__atomic_or_fetch(&ctx->shmem->banned_exec_queue_mask,
				  1ULL << id, __ATOMIC_RELEASE);
	/* past the header the page is the response area */
	if (id < XE_PROXY_BAN_BITMAP_BITS &&
	    ctx->rsp_off >= sizeof(struct xe_proxy_shmem))
		__atomic_or_fetch(&ctx->shmem->ban_bitmap[id / 64],
				  1ULL << (id % 64), __ATOMIC_RELEASE);
}

/*
 * A new queue: the driver reuses ids of destroyed queues, and a ban
 * published for the old one must not stick to it. The strict reference
 * host is left as it is.
 */
static void queue_clear_ban(struct xe_host_ctx *ctx, uint32_t id)
{
	if (!ctx->shmem || xe_host.base_protocol)
		return;
	if (id < 64)
		__atomic_and_fetch(&ctx->shmem->banned_exec_queue_mask,
				   ~(1ULL << id), __ATOMIC_RELEASE);
	if (id < XE_PROXY_BAN_BITMAP_BITS &&
	    ctx->rsp_off >= sizeof(struct xe_proxy_shmem))
		__atomic_and_fetch(&ctx->shmem->ban_bitmap[id / 64],
				   ~(1ULL << (id % 64)), __ATOMIC_RELEASE);
}

/*
 * The driver refuses work on a banned queue with ECANCELED (xe_exec.c).
 * The reference host marks a ban only when an exec fails with EIO.
 */
static void note_ban(struct xe_host_ctx *ctx, struct xe_host_queue *q, int ret)
{
	if (ret == -EIO || (ret == -ECANCELED && !xe_host.base_protocol))
		xe_host_queue_note_ban(ctx, q);
}

static int ccmd_exec(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_exec_req *req = cmd;
	struct xe_proxy_ccmd_exec_rsp *rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	struct drm_xe_sync syncs[2];
	struct drm_xe_exec e = { .exec_queue_id = req->exec_queue_id,
				 .address = req->address, .num_batch_buffer = 1,
				 .syncs = (uintptr_t)syncs };
	struct xe_host_queue *q;
	struct xe_host_vm *vm;
	struct xe_host_job *job;
	uint32_t out = 0;
	int ret;

	if (!rsp)
		return -EINVAL;
	q = xe_map_get(&ctx->queues, req->exec_queue_id);
	if (!q) {
		rsp->ret = ENOENT;
		return 0;
	}
	if (req->num_batch_buffer != 1) {
		bad(ctx, "EXEC with %u batch buffers refused (needs a guest address list)", req->num_batch_buffer);
		rsp->ret = EOPNOTSUPP;
		return 0;
	}
	vm = xe_map_get(&ctx->vms, q->vm_id);
	/* A long-running VM's exec has no job to track (xe_host_fence.c). */
	if (!vm_lr(vm)) {
		ret = xe_syncobj_create(ctx, &out);
		if (ret) {
			rsp->ret = (uint32_t)-ret;
			return 0;
		}
		syncs[e.num_syncs++] = (struct drm_xe_sync){
			.type = DRM_XE_SYNC_TYPE_SYNCOBJ,
			.flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = out };
	}
	if (vm && vm->last_bind && !xe_host_job_done(vm->last_bind))
		syncs[e.num_syncs++] = (struct drm_xe_sync){
			.type = DRM_XE_SYNC_TYPE_SYNCOBJ,
			.handle = vm->last_bind->syncobj };
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC, &e);
	if (ret) {
		xe_syncobj_destroy(ctx, out);
		note_ban(ctx, q, ret);
	} else if (out) {
		job = xe_host_job_from_syncobj(ctx, out);
		/* the reference learns of bans from failing execs only */
		if (job && !xe_host.base_protocol)
			job->queue_id = q->id;
		if (!job || (q->ring_idx != XE_HOST_NO_RING &&
			     xe_ring_add_job(ctx, &ctx->rings[q->ring_idx], job)))
			xe_log("context %u: out of memory tracking an exec", ctx->ctx_id);
		xe_host_job_put(job);
	}
	rsp->ret = (uint32_t)-ret;
	return 0;
}

/*
 * An exec the guest did not wait for (XE_PROXY_EXEC_FLAG_ASYNC) failed: as
 * after a job that faulted, its queue is banned.
 */
static void exec_async_failed(struct xe_host_ctx *ctx, struct xe_host_queue *q,
			      const struct xe_proxy_sync *gs, uint32_t num)
{
	if (q && !q->banned)
		xe_host_queue_note_ban(ctx, q);
	fail_host_fences(ctx, gs, num);
}

static int ccmd_exec_ext(struct xe_host_ctx *ctx, const void *cmd)
{
	const uint32_t exec_flags = XE_PROXY_EXEC_FLAG_NO_BATCH |
				    XE_PROXY_EXEC_FLAG_PARALLEL |
				    ((xe_host.capset.u.xe.features & XE_PROXY_F_ASYNC_EXEC) ?
				     XE_PROXY_EXEC_FLAG_ASYNC : 0);
	const uint32_t batch_flags = XE_PROXY_EXEC_FLAG_NO_BATCH |
				     XE_PROXY_EXEC_FLAG_PARALLEL;
	const struct xe_proxy_ccmd_exec_ext_req *req = cmd;
	const struct xe_proxy_sync *gs = (const void *)req->payload;
	struct xe_proxy_ccmd_exec_rsp *rsp;
	struct drm_xe_exec e = { .exec_queue_id = req->exec_queue_id,
				 .address = req->address, .num_batch_buffer = 1 };
	uint64_t batches[XE_PROXY_MAX_PARALLEL];
	bool async = req->flags & XE_PROXY_EXEC_FLAG_ASYNC;
	struct sync_set *s = &sync_scratch;
	struct xe_host_queue *q;
	size_t extra;
	int ret;

	extra = req->hdr.len - sizeof(*req) - (size_t)req->num_syncs * sizeof(*gs);
	if (req->num_syncs > XE_PROXY_MAX_SYNCS ||
	    (req->flags & ~exec_flags) ||
	    (req->flags & batch_flags) == batch_flags ||
	    req->ring_idx >= XE_HOST_MAX_RINGS ||
	    req->hdr.len < sizeof(*req) + (size_t)req->num_syncs * sizeof(*gs) ||
	    (!(req->flags & XE_PROXY_EXEC_FLAG_PARALLEL) && extra) ||
	    ((req->flags & XE_PROXY_EXEC_FLAG_PARALLEL) &&
	     (extra % sizeof(batches[0]) || extra < 2 * sizeof(batches[0]) ||
	      extra > sizeof(batches) || req->address))) {
		bad(ctx, "EXEC_EXT with %u syncs, flags 0x%x, ring %u in %u bytes", req->num_syncs,
		    req->flags, req->ring_idx, req->hdr.len);
		return -EINVAL;
	}
	if (req->flags & XE_PROXY_EXEC_FLAG_NO_BATCH) {
		e.num_batch_buffer = 0;
		e.address = 0;
	} else if (req->flags & XE_PROXY_EXEC_FLAG_PARALLEL) {
		/* our own copy: the driver reads the address list from here */
		memcpy(batches, gs + req->num_syncs, extra);
		e.num_batch_buffer = (uint16_t)(extra / sizeof(batches[0]));
		e.address = (uintptr_t)batches;
	}
	rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	if (!rsp)
		return -EINVAL;
	q = xe_map_get(&ctx->queues, req->exec_queue_id);
	if (!q) {
		rsp->ret = ENOENT;
		return 0;
	}
	/* A queue banned here (below, or as the driver said) runs nothing. */
	if (q->banned) {
		rsp->ret = ECANCELED;
		if (async)
			exec_async_failed(ctx, q, gs, req->num_syncs);
		return 0;
	}
	ret = sync_set_build(ctx, gs, req->num_syncs,
			     vm_lr(xe_map_get(&ctx->vms, q->vm_id)) ? SYNC_SET_LR : 0, s);
	if (!ret) {
		e.num_syncs = s->n;
		e.syncs = (uintptr_t)s->syncs;
		ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC, &e);
		if (ret) {
			sync_set_abort(ctx, s);
			note_ban(ctx, q, ret);
		} else {
			/* xe_ctx_rsp() checked the answer lies in the area */
			sync_set_commit(ctx, s, req->ring_idx, q->id, async ?
					ctx->rsp_off + req->hdr.rsp_off +
					offsetof(struct xe_proxy_ccmd_exec_rsp, ret) : 0);
		}
	}
	if (ret && async)
		exec_async_failed(ctx, q, gs, req->num_syncs);
	rsp->ret = (uint32_t)-ret;
	return 0;
}

/* --- the rest ------------------------------------------------------------- */

static int ccmd_madvise(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_madvise_req *req = cmd;
	struct xe_proxy_ccmd_status_rsp *rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	struct drm_xe_madvise m = { .start = req->start, .range = req->range,
				    .vm_id = req->vm_id, .type = req->type };

	if (!rsp)
		return -EINVAL;
	_Static_assert(sizeof(m) - offsetof(struct drm_xe_madvise, preferred_mem_loc) >= 16,
		       "madvise attribute union holds the three argument words");
	memcpy((char *)&m + offsetof(struct drm_xe_madvise, preferred_mem_loc),
	       &req->arg0, 16);
	/*
	 * Only attributes whose words are plain values. Newer types carry
	 * pointers (PURGEABLE_STATE's retained_ptr, xe_drm.h in 7.x) that the
	 * driver would write through in this process.
	 */
	if (req->type != DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC &&
	    req->type != DRM_XE_MEM_RANGE_ATTR_ATOMIC &&
	    req->type != DRM_XE_MEM_RANGE_ATTR_PAT) {
		bad(ctx, "MADVISE attribute type %u not forwarded", req->type);
		rsp->ret = EOPNOTSUPP;
		return 0;
	}
	if (req->type == DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC &&
	    (int32_t)m.preferred_mem_loc.devmem_fd != DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE &&
	    (int32_t)m.preferred_mem_loc.devmem_fd != DRM_XE_PREFERRED_LOC_DEFAULT_SYSTEM) {
		bad(ctx, "MADVISE with a device fd refused");
		rsp->ret = EPERM;
		return 0;
	}
	rsp->ret = (uint32_t)-xe_ioctl(ctx->fd, DRM_IOCTL_XE_MADVISE, &m);
	return 0;
}

/*
 * The ranges of [start, start + range): counted first, then fetched into a
 * buffer of that many; mappings appearing between the two make the driver
 * say ENOSPC, so count again (a few times, then report it).
 */
static int ccmd_vm_query_attrs(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_vm_query_attrs_req *req = cmd;
	struct drm_xe_vm_query_mem_range_attr q = { .vm_id = req->vm_id,
		.start = req->start, .range = req->range };
	struct xe_proxy_ccmd_vm_query_attrs_rsp *rsp;
	struct drm_xe_mem_range_attr *attrs = NULL;
	uint32_t i, n, tries;
	int ret;

	if (req->max_ranges > XE_PROXY_MAX_MEM_RANGES) {
		bad(ctx, "VM_QUERY_ATTRS of %u ranges (at most %u)", req->max_ranges,
		    XE_PROXY_MAX_MEM_RANGES);
		return -EINVAL;
	}
	rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp) + req->max_ranges * sizeof(rsp->ranges[0]));
	if (!rsp)
		return -EINVAL;
	for (tries = 0; tries < 4; tries++) {
		q.num_mem_ranges = 0;
		q.sizeof_mem_range_attr = 0;
		q.vector_of_mem_attr = 0;
		ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
		if (ret || !req->max_ranges || !q.num_mem_ranges)
			break;
		free(attrs);
		attrs = calloc(q.num_mem_ranges, sizeof(*attrs));
		if (!attrs) {
			ret = -ENOMEM;
			break;
		}
		q.sizeof_mem_range_attr = sizeof(*attrs);
		q.vector_of_mem_attr = (uintptr_t)attrs;
		ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, &q);
		if (ret != -ENOSPC)
			break;
	}
	rsp->ret = (uint32_t)-ret;
	if (!ret) {
		rsp->num_ranges = q.num_mem_ranges;
		n = 0;
		if (attrs)
			n = q.num_mem_ranges < req->max_ranges ? q.num_mem_ranges : req->max_ranges;
		for (i = 0; i < n; i++) {
			rsp->ranges[i] = (struct xe_proxy_mem_range_attr){
				.start = attrs[i].start, .end = attrs[i].end,
				.devmem_fd = attrs[i].preferred_mem_loc.devmem_fd,
				.migration_policy = attrs[i].preferred_mem_loc.migration_policy,
				.atomic = attrs[i].atomic.val,
				.pat_index = attrs[i].pat_index.val,
			};
		}
		rsp->count = n;
	}
	free(attrs);
	return 0;
}

static int ccmd_vm_get_property(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_vm_get_property_req *req = cmd;
	struct drm_xe_vm_get_property p = { .vm_id = req->vm_id,
		.property = req->property, .size = req->size };
	struct xe_proxy_ccmd_vm_get_property_rsp *rsp;
	void *buf = NULL;
	int ret;

	if (req->size > XE_PROXY_MAX_VM_PROPERTY_SIZE || req->pad) {
		bad(ctx, "VM_GET_PROPERTY of %u bytes (at most %u)", req->size,
		    XE_PROXY_MAX_VM_PROPERTY_SIZE);
		return -EINVAL;
	}
	rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp) + align8(req->size));
	if (!rsp)
		return -EINVAL;
	/* a property we do not know might read or write through @data */
	if (req->property != DRM_XE_VM_GET_PROPERTY_FAULTS) {
		bad(ctx, "VM_GET_PROPERTY %u not forwarded", req->property);
		rsp->ret = EINVAL;
		return 0;
	}
	/* The driver writes our buffer, never the guest-writable page. */
	if (req->size) {
		buf = calloc(1, req->size);
		if (!buf) {
			rsp->ret = ENOMEM;
			return 0;
		}
		p.data = (uintptr_t)buf;
	}
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_VM_GET_PROPERTY, &p);
	if (!ret && buf)
		memcpy(rsp->payload, buf, req->size);
	free(buf);
	rsp->ret = (uint32_t)-ret;
	if (!ret && !req->size)
		rsp->size = p.size;
	return 0;
}

static int ccmd_fence_put(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_fence_put_req *req = cmd;
	const uint64_t *ids = (const void *)req->payload;
	uint32_t i;

	if (req->count > XE_PROXY_MAX_FENCE_PUT || req->pad ||
	    req->hdr.len != sizeof(*req) + (size_t)req->count * sizeof(*ids)) {
		bad(ctx, "FENCE_PUT of %u in %u bytes", req->count,
		    req->hdr.len);
		return -EINVAL;
	}
	for (i = 0; i < req->count; i++)
		xe_host_job_put(xe_map_del(&ctx->host_fences, ids[i]));
	return 0;
}

static xe_host_scanout_fn scanout_fn;

void xe_host_set_scanout_fn(xe_host_scanout_fn fn)
{
	scanout_fn = fn;
}

/*
 * Show a BO on a head: checks that this context may name it and that the
 * framebuffer lies in it; the renderer layer does the rest.
 */
static int ccmd_scanout(struct xe_host_ctx *ctx, const void *cmd)
{
	const struct xe_proxy_ccmd_scanout_req *req = cmd;
	struct xe_proxy_ccmd_value_rsp *rsp = xe_ctx_rsp(ctx, &req->hdr, sizeof(*rsp));
	struct xe_object *obj;
	uint64_t line, end;
	int ret;

	if (!rsp)
		return -EINVAL;
	obj = xe_ctx_object_by_res(ctx, req->res_id);
	if (!obj) {
		bad(ctx, "SCANOUT of unknown resource %u", req->res_id);
		rsp->ret = ENOENT;
		return 0;
	}
	line = (uint64_t)req->width * 4;
	if (req->pad || !req->width || !req->height || req->stride % 4 ||
	    req->stride < line ||
	    __builtin_add_overflow(req->offset,
				   (uint64_t)req->stride * (req->height - 1) + line,
				   &end) ||
	    end > obj->size) {
		bad(ctx, "SCANOUT of resource %u: %ux%u, stride %u, offset %llu in %llu bytes",
		    req->res_id, req->width, req->height, req->stride,
		    (unsigned long long)req->offset, (unsigned long long)obj->size);
		rsp->ret = EINVAL;
		return 0;
	}
	ret = scanout_fn ? scanout_fn(req->res_id, req->res_2d, req->offset,
				      req->stride, req->width, req->height) :
			   -EOPNOTSUPP;
	if (ret < 0)
		rsp->ret = (uint32_t)-ret;
	else
		rsp->value = (uint64_t)ret;
	return 0;
}

static int ccmd_nop(struct xe_host_ctx *ctx, const void *cmd)
{
	(void)ctx;
	(void)cmd;
	return 0;
}

/* Names, request sizes and feature bits: the one table in xe_proxy_proto.h. */
static const struct xe_proxy_ccmd_desc descs[] = {
	XE_PROXY_CCMD_TABLE
};

typedef int (*ccmd_fn)(struct xe_host_ctx *ctx, const void *cmd);

static const ccmd_fn handlers[] = {
	[XE_PROXY_CCMD_NOP] = ccmd_nop,
	[XE_PROXY_CCMD_DEVICE_QUERY] = ccmd_device_query,
	[XE_PROXY_CCMD_GEM_CREATE] = ccmd_gem_create,
	[XE_PROXY_CCMD_VM_CREATE] = ccmd_vm_create,
	[XE_PROXY_CCMD_VM_DESTROY] = ccmd_vm_destroy,
	[XE_PROXY_CCMD_VM_BIND] = ccmd_vm_bind,
	[XE_PROXY_CCMD_EXEC_QUEUE_CREATE] = ccmd_exec_queue_create,
	[XE_PROXY_CCMD_EXEC_QUEUE_DESTROY] = ccmd_exec_queue_destroy,
	[XE_PROXY_CCMD_EXEC] = ccmd_exec,
	[XE_PROXY_CCMD_VM_BIND_EXT] = ccmd_vm_bind_ext,
	[XE_PROXY_CCMD_EXEC_EXT] = ccmd_exec_ext,
	[XE_PROXY_CCMD_EXEC_QUEUE_CREATE_EXT] = ccmd_exec_queue_create_ext,
	[XE_PROXY_CCMD_EXEC_QUEUE_GET_PROPERTY] = ccmd_exec_queue_get_property,
	[XE_PROXY_CCMD_GEM_CREATE_EXT] = ccmd_gem_create_ext,
	[XE_PROXY_CCMD_MADVISE] = ccmd_madvise,
	[XE_PROXY_CCMD_DEVICE_QUERY_EXT] = ccmd_device_query_ext,
	[XE_PROXY_CCMD_FENCE_PUT] = ccmd_fence_put,
	[XE_PROXY_CCMD_GEM_CLOSE] = ccmd_gem_close,
	[XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY] = ccmd_exec_queue_set_property,
	[XE_PROXY_CCMD_VM_QUERY_ATTRS] = ccmd_vm_query_attrs,
	[XE_PROXY_CCMD_VM_GET_PROPERTY] = ccmd_vm_get_property,
	[XE_PROXY_CCMD_SCANOUT] = ccmd_scanout,
};

_Static_assert(sizeof(handlers) / sizeof(handlers[0]) ==
	       sizeof(descs) / sizeof(descs[0]), "a handler for every ccmd");

/* A ccmd's name for logs, "unknown" for a number that is none. */
static const char *ccmd_name(uint32_t cmd)
{
	return cmd < sizeof(descs) / sizeof(descs[0]) && descs[cmd].name ?
	       descs[cmd].name : "unknown";
}

/**
 * xe_ccmd_dispatch() - run one command
 * @ctx: the context
 * @hdr: the command, 8-byte aligned, hdr->len bytes (checked by the caller
 *	against the stream)
 *
 * Return: 0, or -EINVAL when the command was malformed or unknown.
 */
int xe_ccmd_dispatch(struct xe_host_ctx *ctx, const struct xe_proxy_ccmd_req *hdr)
{
	const struct xe_proxy_ccmd_desc *d;
	const char *name = ccmd_name(hdr->cmd);
	int ret;

	/* the reference's xe backend has no NOP */
	if (hdr->cmd >= sizeof(handlers) / sizeof(handlers[0]) || !handlers[hdr->cmd] ||
	    (xe_host.base_protocol && hdr->cmd == XE_PROXY_CCMD_NOP)) {
		bad(ctx, "unknown ccmd %u", hdr->cmd);
		return -EINVAL;
	}
	d = &descs[hdr->cmd];
	if (d->feature && !(xe_host.capset.u.xe.features & d->feature)) {
		bad(ctx, "%s needs a feature this host does not announce", name);
		return -EINVAL;
	}
	if (hdr->len < d->req_size || (!d->var_len && hdr->len != d->req_size)) {
		bad(ctx, "%s with length %u (expected %s%u)", name, hdr->len,
		    d->var_len ? ">= " : "", d->req_size);
		return -EINVAL;
	}
	xe_ioctl_saw_loss = false;
	ret = handlers[hdr->cmd](ctx, hdr);
	if (xe_ioctl_saw_loss)
		xe_ctx_check_lost(ctx);
	return ret;
}
