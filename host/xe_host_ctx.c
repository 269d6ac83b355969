// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: guest contexts, their objects and blob
 * resources, and the ccmd stream entry point.
 *
 * Every context opens its own fd on the render node, so the host driver
 * itself keeps the ids (GEM handles, VMs, exec queues) of different guest
 * contexts apart; the tables here only map guest-visible names (blob_id,
 * res_id) to them and hold what the core must clean up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>
#include <virgl/virglrenderer.h>

#include "xe_host_priv.h"

struct xe_host_ctx *xe_host_ctx_create(uint32_t ctx_id, const char *name,
				       size_t name_len)
{
	struct xe_host_ctx *ctx;
	size_t i;
	int fd, ret;

	pthread_mutex_lock(&xe_host.lock);
	/* not while xe_host_fini() runs: it would outlive the teardown */
	if (!xe_host.initialised || xe_host.stop) {
		pthread_mutex_unlock(&xe_host.lock);
		errno = ENODEV;
		return NULL;
	}
	ret = xe_limit_charge(XE_LIMIT_CONTEXTS, 1, ctx_id);
	if (ret) {
		pthread_mutex_unlock(&xe_host.lock);
		errno = -ret;
		return NULL;
	}
	fd = xe_host_open_node();
	if (fd < 0) {
		xe_limit_release(XE_LIMIT_CONTEXTS, 1);
		pthread_mutex_unlock(&xe_host.lock);
		xe_log("context %u: cannot open %s: %s", ctx_id, xe_host.path,
		       strerror(-fd));
		errno = -fd;
		return NULL;
	}
	ctx = xe_fault_calloc(XE_FAULT_ALLOC_CTX, 1, sizeof(*ctx));
	if (!ctx) {
		close(fd);
		xe_limit_release(XE_LIMIT_CONTEXTS, 1);
		pthread_mutex_unlock(&xe_host.lock);
		errno = ENOMEM;
		return NULL;
	}
	ctx->ctx_id = ctx_id;
	ctx->fd = fd;
	/* A debug name is for logs only: keep printable characters. */
	for (i = 0; name && i < name_len && i < sizeof(ctx->name) - 1; i++)
		ctx->name[i] = (name[i] >= 0x20 && name[i] < 0x7f) ? name[i] : '?';
	ctx->next = xe_host.contexts;
	xe_host.contexts = ctx;
	pthread_mutex_unlock(&xe_host.lock);
	return ctx;
}


/*
 * @charged: the object's BO charge is released here; false when a resource
 * outlives the context and takes the charge over (xe_host_orphan_release()).
 *
 * An object a pending bind user fence still maps (@obj->pins) outlives its
 * context the same way: the fence's page mapping holds the BO, so the
 * object, and its charge unless a resource took it, stays until the last
 * such fence completes (xe_object_unpin()).
 */
static void object_free(struct xe_host_ctx *ctx, struct xe_object *obj,
			bool charged)
{
	struct drm_gem_close close_args = { .handle = obj->handle };

	if (obj->map)
		munmap(obj->map, obj->map_size);
	if (obj->handle)
		xe_ioctl(ctx->fd, DRM_IOCTL_GEM_CLOSE, &close_args);
	obj->map = NULL;
	obj->handle = 0;
	if (obj->pins) {
		obj->ctx = NULL;
		obj->charged = charged;
		return;
	}
	if (charged)
		xe_limit_release_bo(obj->size);
	free(obj);
}

/**
 * xe_ctx_object_release() - free @obj if nothing needs it any more
 * @ctx: its context
 * @obj: the object (may be freed)
 *
 * Neither the guest's handle, a resource (an import's attachment), a slice
 * resource, a VM mapping nor a bind user fence needs it: until then the driver still
 * holds the BO's memory, so the object and its charge stay.
 */
void xe_ctx_object_release(struct xe_host_ctx *ctx, struct xe_object *obj)
{
	if (obj->guest_ref || obj->res_id || obj->bindings || obj->pins ||
	    obj->slices)
		return;
	if (obj->imported)
		xe_map_del(&ctx->imports, obj->handle);
	else
		xe_map_del(&ctx->closed, obj->handle);
	object_free(ctx, obj, true);
}

/**
 * xe_object_unpin() - a bind user fence that mapped @obj is done
 * @obj: the object (may be freed)
 */
void xe_object_unpin(struct xe_object *obj)
{
	obj->pins--;
	if (obj->ctx) {
		xe_ctx_object_release(obj->ctx, obj);
	} else if (!obj->pins) {
		/* a resource outlives us: its orphan entry keeps the charge */
		if (obj->orphan)
			obj->orphan->obj = NULL;
		else if (obj->charged)
			xe_limit_release_bo(obj->size);
		free(obj);
	}
}


/*
 * Resources outlive their context (virtio-gpu resources are global), and so
 * does what backs them: the BO behind a dma-buf, the shmem memfd. Their
 * charge moves here when the context goes, keyed by res_id, until the unref.
 */
static void orphan_add(uint32_t res_id, uint64_t bytes, struct xe_object *pinned)
{
	struct xe_orphan *o = calloc(1, sizeof(*o));

	if (o) {
		o->bytes = bytes;
		if (!xe_map_put(&xe_host.orphans, res_id, o)) {
			/* a pending bind user fence maps the BO too */
			if (pinned) {
				o->obj = pinned;
				pinned->orphan = o;
			}
			return;
		}
		free(o);
	}
	/* Cannot remember it: give the charge back now rather than never. */
	xe_log("resource %u: lost its charge (out of memory)", res_id);
	xe_limit_release_bo(bytes);
}

void xe_host_orphan_release(uint32_t res_id)
{
	struct xe_orphan *o;

	pthread_mutex_lock(&xe_host.lock);
	o = xe_map_del(&xe_host.orphans, res_id);
	if (o && o->obj) {
		/* the fence's mapping still holds the BO: the charge goes there */
		o->obj->charged = true;
		o->obj->orphan = NULL;
	} else if (o) {
		xe_limit_release_bo(o->bytes);
	}
	if (o)
		xe_host_report_idle();
	free(o);
	pthread_mutex_unlock(&xe_host.lock);
}

static void queue_destroy(struct xe_host_ctx *ctx, struct xe_host_queue *q)
{
	struct drm_xe_exec_queue_destroy d = { .exec_queue_id = q->id };

	xe_ioctl(ctx->fd, DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d);
	xe_map_del(&ctx->queues, q->id);
	xe_limit_release_queue(q->width);
	free(q);
}

/**
 * xe_host_vm_destroy() - destroy a VM of @ctx and forget it
 * @ctx: the context
 * @vm: the VM (freed unless refused)
 * @force: destroy the VM's exec queues first
 *
 * The driver's VM_DESTROY waits for all of the VM's work, so it runs on
 * the reaper thread; what it would refuse is refused here: a long-running
 * VM that still has exec queues (xe_vm_destroy_ioctl(), -EBUSY).
 *
 * Return: 0, or -EBUSY without @force.
 */
int xe_host_vm_destroy(struct xe_host_ctx *ctx, struct xe_host_vm *vm, bool force)
{
	uint64_t key;
	size_t i;
	void *val;

	for (i = 0; xe_map_next(&ctx->queues, &i, &key, &val);) {
		if (((struct xe_host_queue *)val)->vm_id != vm->id)
			continue;
		if (force)
			queue_destroy(ctx, val);
		else if ((vm->flags & DRM_XE_VM_CREATE_FLAG_LR_MODE) &&
			 !(vm->flags & DRM_XE_VM_CREATE_FLAG_FAULT_MODE))
			return -EBUSY;
	}
	xe_map_del(&ctx->vms, vm->id);
	xe_host_vm_clear(vm);
	xe_host_job_put(vm->last_bind);
	xe_reap(ctx->fd, vm->id, ctx->ctx_id);
	free(vm);
	return 0;
}

/* The context goes: free the objects of @map, or hand their charge over. */
static void objects_free(struct xe_host_ctx *ctx, struct xe_map *map)
{
	uint64_t key;
	size_t i;
	void *val;

	for (i = 0; xe_map_next(map, &i, &key, &val);) {
		struct xe_object *obj = val;

		if (obj->res_id)
			orphan_add(obj->res_id, obj->size, obj->pins ? obj : NULL);
		else if (obj->slice_charged)
			xe_limit_release(XE_LIMIT_BOS, 1);	/* the handle goes */
		object_free(ctx, obj, !obj->res_id && !obj->slice_charged);
	}
}

void xe_host_ctx_destroy(struct xe_host_ctx *ctx)
{
	struct xe_host_ctx **p;
	uint64_t key;
	size_t i;
	void *val;

	if (!ctx)
		return;
	pthread_mutex_lock(&xe_host.lock);
	for (p = &xe_host.contexts; *p; p = &(*p)->next) {
		if (*p == ctx) {
			*p = ctx->next;
			break;
		}
	}
	for (i = 0; i < XE_HOST_MAX_RINGS; i++)
		xe_ring_fini(&ctx->rings[i]);
	for (i = 0; xe_map_next(&ctx->host_fences, &i, &key, &val);)
		xe_host_job_put(val);
	/*
	 * Queues, then VMs, explicitly: closing the fd would not release them
	 * while a mapping made through it (a bind user fence's page) holds
	 * the file open, and a VM must not keep userptr ranges of guest
	 * memory that QEMU is about to take back.
	 */
	for (i = 0; xe_map_next(&ctx->queues, &i, &key, &val);)
		queue_destroy(ctx, val);
	/* VMs go on the reaper thread: first unbind guest memory, now */
	for (i = 0; xe_map_next(&ctx->guest_mems, &i, &key, &val);)
		xe_host_vm_unbind_guest_mem(ctx, val);
	for (i = 0; xe_map_next(&ctx->vms, &i, &key, &val);)
		xe_host_vm_destroy(ctx, val, true);
	/*
	 * A slice's fd holds its BO: its own charge (one BO) goes with it, and
	 * the BO's bytes go with the BO's last slice when no resource of the
	 * BO's own carries them (the guest dropped that first) and no pending
	 * user fence keeps them with the object.
	 */
	for (i = 0; xe_map_next(&ctx->slices, &i, &key, &val);) {
		struct xe_slice *s = val;
		uint64_t bytes = 0;

		if (!--s->obj->slices && !s->obj->res_id && !s->obj->pins) {
			bytes = s->obj->size;
			s->obj->slice_charged = true;
		}
		orphan_add((uint32_t)key, bytes, NULL);
		free(s);
	}
	objects_free(ctx, &ctx->objects);
	objects_free(ctx, &ctx->closed);
	/* imports hold no resource: each has its own charge */
	for (i = 0; xe_map_next(&ctx->imports, &i, &key, &val);)
		object_free(ctx, val, true);
	xe_map_free(&ctx->imports);
	for (i = 0; xe_map_next(&ctx->refused, &i, &key, &val);)
		free(val);
	xe_map_free(&ctx->refused);
	xe_map_free(&ctx->host_fences);
	free(ctx->cmd_buf);
	xe_map_free(&ctx->vms);
	xe_map_free(&ctx->queues);
	xe_map_free(&ctx->objects);
	xe_map_free(&ctx->closed);
	xe_map_free(&ctx->resources);
	xe_map_free(&ctx->slices);
	for (i = 0; xe_map_next(&ctx->guest_mems, &i, &key, &val);)
		xe_guest_mem_free(val);
	xe_map_free(&ctx->guest_mems);
	if (ctx->shmem) {
		munmap(ctx->shmem, ctx->shmem_size);
		orphan_add(ctx->shmem_res_id, ctx->shmem_size, NULL);
	}
	/* after the VMs' destruction: the reaper keeps the order */
	xe_reap(ctx->fd, 0, ctx->ctx_id);
	pthread_mutex_unlock(&xe_host.lock);
	if (ctx->rsp != (void *)ctx->rsp_small)
		free(ctx->rsp);
	free(ctx);
}

struct xe_object *xe_ctx_object_by_res(struct xe_host_ctx *ctx, uint32_t res_id)
{
	return res_id ? xe_map_get(&ctx->resources, res_id) : NULL;
}

struct xe_guest_mem *xe_ctx_guest_mem(struct xe_host_ctx *ctx, uint32_t res_id)
{
	return res_id ? xe_map_get(&ctx->guest_mems, res_id) : NULL;
}

/**
 * xe_ctx_object_create() - register a new BO under the guest's blob_id
 * @ctx: the context
 * @blob_id: nonzero, unused in @ctx
 * @handle: GEM handle (owned by the object from now on)
 * @size: BO size
 * @cpu_caching: DRM_XE_GEM_CPU_CACHING_*
 *
 * The caller charged XE_LIMIT_MEM (@size) and XE_LIMIT_BOS (1); the object
 * owns the charge from now on.
 *
 * Return: 0, -EEXIST or -ENOMEM. On error the caller still owns @handle
 * and the charge.
 */
int xe_ctx_object_create(struct xe_host_ctx *ctx, uint32_t blob_id,
			 uint32_t handle, uint64_t size, uint16_t cpu_caching)
{
	struct xe_object *obj = xe_fault_calloc(XE_FAULT_ALLOC_BO, 1, sizeof(*obj));
	int ret;

	if (!obj)
		return -ENOMEM;
	obj->handle = handle;
	obj->size = size;
	obj->blob_id = blob_id;
	obj->guest_ref = true;
	obj->cpu_caching = cpu_caching;
	obj->ctx = ctx;
	ret = xe_map_put(&ctx->objects, blob_id, obj);
	if (ret) {
		free(obj);
		return ret;
	}
	return 0;
}


/**
 * xe_object_unbind() - a VM range that mapped @obj is gone
 * @obj: the object (may be freed)
 */
void xe_object_unbind(struct xe_object *obj)
{
	obj->bindings--;
	xe_ctx_object_release(obj->ctx, obj);
}

/**
 * xe_ctx_object_close() - the guest closed its GEM handle of @blob_id
 * @ctx: the context
 * @blob_id: the object's blob_id
 */
void xe_ctx_object_close(struct xe_host_ctx *ctx, uint32_t blob_id)
{
	struct xe_object *obj = xe_map_get(&ctx->objects, blob_id);

	if (!obj || !obj->guest_ref) {
		xe_log_ratelimited("context %u: GEM_CLOSE of unknown blob_id %u",
				   ctx->ctx_id, blob_id);
		return;
	}
	/*
	 * The blob_id is the guest's again at once (it may name a new BO with
	 * it); what still holds this BO finds it by pointer, and the context
	 * by its handle, until it goes. It keeps its charge until then, so
	 * closing does not let a guest hold more than its limits.
	 */
	if (xe_map_put(&ctx->closed, obj->handle, obj)) {
		/* no memory: the blob_id stays taken until the context goes */
		xe_log_ratelimited("context %u: GEM_CLOSE of blob_id %u: out of memory",
				   ctx->ctx_id, blob_id);
		return;
	}
	xe_map_del(&ctx->objects, blob_id);
	obj->guest_ref = false;
	xe_ctx_object_release(ctx, obj);
}

/**
 * xe_ctx_object_map() - map a BO into this process (once)
 * @ctx: the context
 * @obj: the object
 *
 * Return: 0 or -errno.
 */
int xe_ctx_object_map(struct xe_host_ctx *ctx, struct xe_object *obj)
{
	struct drm_xe_gem_mmap_offset mo = { .handle = obj->handle };
	void *map;
	int ret;

	if (obj->cpu_unreachable) {
		xe_log_ratelimited("context %u: BO %u lies past the small BAR: no CPU mapping",
				   ctx->ctx_id, obj->blob_id);
		return -EFAULT;
	}
	if (obj->map)
		return 0;
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	if (ret)
		return ret;
	map = xe_mmap(obj->size, ctx->fd, (off_t)mo.offset);
	if (map == MAP_FAILED)
		return -errno;
	obj->map = map;
	obj->map_size = obj->size;
	return 0;
}

/**
 * xe_ctx_rsp() - the response of the command running
 * @ctx: the context
 * @hdr: the command (its rsp_off is guest-chosen)
 * @size: size of the response
 *
 * The handler fills a private buffer, which xe_ctx_rsp_finish() copies to
 * the shared page: the guest cannot change what the handler wrote under
 * it, and a command that fails leaves the page alone, as in
 * virglrenderer's drm_context.
 *
 * Return: the zeroed response with its len set, or NULL (logged) when the
 * context has no shmem, the response would not fit, or memory ran out.
 */
static void xe_ctx_rsp_free(struct xe_host_ctx *ctx)
{
	if (ctx->rsp != (void *)ctx->rsp_small)
		free(ctx->rsp);
	ctx->rsp = NULL;
}

void *xe_ctx_rsp(struct xe_host_ctx *ctx, const struct xe_proxy_ccmd_req *hdr,
		 size_t size)
{
	size_t area, off = hdr->rsp_off;
	struct xe_proxy_ccmd_rsp *rsp;

	/* ctx->rsp_off is ours: the copy in the shared page is the guest's */

	if (!ctx->shmem) {
		xe_log_ratelimited("context %u: ccmd %u needs a response but there is no shmem",
				   ctx->ctx_id, hdr->cmd);
		return NULL;
	}
	area = ctx->shmem_size - ctx->rsp_off;
	if (off % 8 || size > area || off > area - size) {
		xe_log_ratelimited("context %u: ccmd %u response at %zu+%zu is outside the %zu-byte area",
				   ctx->ctx_id, hdr->cmd, off, size, area);
		return NULL;
	}
	/* the usual small response needs no allocation */
	if (xe_fault(XE_FAULT_ALLOC_RSP))
		rsp = NULL;
	else
		rsp = size <= sizeof(ctx->rsp_small) ?
		      memset(ctx->rsp_small, 0, size) : calloc(1, size);
	if (!rsp) {
		xe_log_ratelimited("context %u: no memory for a %zu-byte response",
				   ctx->ctx_id, size);
		return NULL;
	}
	rsp->len = (uint32_t)size;
	xe_ctx_rsp_free(ctx);
	ctx->rsp = rsp;
	ctx->rsp_at = (uint32_t)off;
	return rsp;
}

/**
 * xe_ctx_rsp_finish() - publish the response of the command that ran
 * @ctx: the context
 * @ran: the command was well formed (else its response is dropped)
 *
 * Guests following virglrenderer's convention write into the response's
 * len how many bytes they take (Mesa's vdrm_alloc_rsp()), and the
 * reference host copies at most that many and leaves the count in len.
 * Earlier guest modules left len 0, and test clients leave whatever was
 * there, so this host writes the whole response, bounded by the page,
 * unless it enforces the reference's conventions (XE_PROXY_BASE_PROTOCOL=1).
 */
void xe_ctx_rsp_finish(struct xe_host_ctx *ctx, bool ran)
{
	struct xe_proxy_ccmd_rsp *dst;
	uint32_t len, guest_len;

	if (!ctx->rsp)
		return;
	if (ran && ctx->shmem) {
		dst = (void *)((char *)ctx->shmem + ctx->rsp_off + ctx->rsp_at);
		len = ctx->rsp->len;
		/* read once: the guest may change it meanwhile */
		guest_len = __atomic_load_n(&dst->len, __ATOMIC_RELAXED);
		if (xe_host.base_protocol && guest_len < len)
			len = guest_len;
		memcpy(dst, ctx->rsp, len);
		__atomic_store_n(&dst->len, len, __ATOMIC_RELAXED);
	}
	xe_ctx_rsp_free(ctx);
}

/**
 * xe_ctx_check_lost() - publish that the context's GPU is gone, if it is
 * @ctx: the context, after one of its calls failed with ENODEV or ECANCELED
 *
 * An unbound or unplugged device fails every call with ENODEV, a wedged
 * xe device with ECANCELED (xe_drm_ioctl()); a banned queue's exec fails
 * with ECANCELED too, but a device query then still works. Once the query
 * fails as well, the errno goes into the shared memory, where the guest
 * finds it for the calls it answers without the host. The context stays
 * lost: the device's files do not come back, a new context opens anew.
 */
void xe_ctx_check_lost(struct xe_host_ctx *ctx)
{
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_CONFIG };
	int ret;

	if (ctx->lost || !ctx->shmem ||
	    ctx->rsp_off < offsetof(struct xe_proxy_shmem, device_lost) +
			   sizeof(ctx->shmem->device_lost))
		return;
	ret = xe_ioctl(ctx->fd, DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret != -ENODEV && ret != -ECANCELED)
		return;
	ctx->lost = -ret;
	__atomic_store_n(&ctx->shmem->device_lost, (uint32_t)ctx->lost, __ATOMIC_RELEASE);
	xe_log("context %u: the GPU is gone (%s): every later call of the context fails",
	       ctx->ctx_id, strerror(ctx->lost));
}

static int shmem_create(struct xe_host_ctx *ctx, uint32_t res_id,
			uint64_t size, uint32_t blob_flags,
			struct xe_host_blob *out)
{
	long page = sysconf(_SC_PAGESIZE);
	void *map;
	int fd, ret;

	if (ctx->shmem)
		return -EEXIST;
	/* drm_context_get_shmem_blob() takes exactly MAPPABLE */
	if (xe_host.base_protocol &&
	    blob_flags != VIRGL_RENDERER_BLOB_FLAG_USE_MAPPABLE)
		return -EINVAL;
	if (size < sizeof(struct xe_proxy_shmem) + 64 ||
	    size > XE_HOST_SHMEM_MAX || size % (uint64_t)page)
		return -EINVAL;
	ret = xe_limit_charge(XE_LIMIT_MEM, size, ctx->ctx_id);
	if (ret)
		return ret;
	ret = xe_limit_charge(XE_LIMIT_BOS, 1, ctx->ctx_id);
	if (ret)
		goto release_mem;
	fd = memfd_create("xe-proxy-shmem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		ret = -errno;
		goto release;
	}
	if (ftruncate(fd, (off_t)size) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
		ret = -errno;
		goto close_fd;
	}
	map = xe_mmap(size, fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		goto close_fd;
	}
	ctx->shmem = map;
	ctx->shmem_size = size;
	ctx->shmem_res_id = res_id;
	/* the reference's struct xe_shmem ends before the ban bitmap */
	ctx->rsp_off = xe_host.base_protocol ?
		       offsetof(struct xe_proxy_shmem, ban_bitmap) :
		       sizeof(struct xe_proxy_shmem);
	ctx->shmem->rsp_mem_offset = ctx->rsp_off;
	out->fd = fd;
	out->fd_type = XE_HOST_BLOB_FD_SHM;
	out->map_info = VIRGL_RENDERER_MAP_CACHE_CACHED;
	out->size = size;
	return 0;
close_fd:
	close(fd);
release:
	xe_limit_release_bo(size);
	return ret;
release_mem:
	xe_limit_release(XE_LIMIT_MEM, size);
	return ret;
}

/*
 * A new dma-buf fd of @obj into @out, or -1 for a VM-private BO: those have
 * none (xe_gem_prime_export: -EPERM) and are mapped through the context's
 * own fd instead, see xe_host_ctx_map().
 */
static int object_blob_fd(struct xe_host_ctx *ctx, struct xe_object *obj,
			  struct xe_host_blob *out)
{
	struct drm_prime_handle prime = {
		.handle = obj->handle,
		.flags = DRM_CLOEXEC | DRM_RDWR,
	};
	int ret = xe_ioctl(ctx->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime);

	if (ret == -EPERM)
		prime.fd = -1;
	else if (ret)
		return ret;
	out->fd = prime.fd;
	out->fd_type = prime.fd >= 0 ? XE_HOST_BLOB_FD_DMABUF : 0;
	out->map_info = obj->cpu_caching == DRM_XE_GEM_CPU_CACHING_WC ?
			VIRGL_RENDERER_MAP_CACHE_WC :
			VIRGL_RENDERER_MAP_CACHE_CACHED;
	out->no_cpu_map = obj->cpu_unreachable;
	return 0;
}

/*
 * XE_PROXY_F_BLOB_SLICE: a resource for [offset, offset + size) of a BO.
 * It is one more fd on the host, so one more BO against the limit; its
 * bytes are the BO's, charged already.
 */
static int slice_blob_create(struct xe_host_ctx *ctx, uint32_t res_id,
			     uint64_t blob_id, uint64_t size,
			     struct xe_host_blob *out)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t pgoff = (blob_id >> 32) & XE_PROXY_BLOB_SLICE_PGOFF_MAX;
	uint64_t offset = pgoff * XE_PROXY_BLOB_SLICE_UNIT;
	struct xe_object *obj = xe_map_get(&ctx->objects, (uint32_t)blob_id);
	struct xe_slice *s;
	int ret;

	/* a BO made with its resource is named by the resource's id */
	if (!obj) {
		obj = xe_map_get(&ctx->resources, (uint32_t)blob_id);
		if (obj && !obj->in_blob)
			obj = NULL;
	} else if (!obj->guest_ref) {
		obj = NULL;
	}
	if (!obj)
		return -ENOENT;
	if (!size || size % page || offset % page || offset >= obj->size ||
	    size > obj->size - offset)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = xe_limit_charge_bo(0, ctx->ctx_id);
	if (ret)
		goto err_free;
	ret = object_blob_fd(ctx, obj, out);
	if (ret)
		goto err_charge;
	s->obj = obj;
	s->offset = offset;
	s->size = size;
	ret = xe_map_put(&ctx->slices, res_id, s);
	if (ret)
		goto err_fd;
	obj->slices++;
	out->offset = offset;
	out->size = size;
	return 0;
err_fd:
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
err_charge:
	xe_limit_release_bo(0);
err_free:
	free(s);
	return ret;
}

static int bo_blob_create(struct xe_host_ctx *ctx, uint32_t res_id,
			  uint64_t blob_id, uint64_t size,
			  struct xe_host_blob *out)
{
	struct xe_object *obj;
	int ret;

	if (blob_id & XE_PROXY_BLOB_SLICE_FLAG)
		return slice_blob_create(ctx, res_id, blob_id, size, out);
	if (blob_id > UINT32_MAX)
		return -EINVAL;
	obj = xe_map_get(&ctx->objects, blob_id);
	if (!obj || !obj->guest_ref)
		return -ENOENT;
	if (obj->res_id)
		return -EEXIST;
	if (!size || size > obj->size)
		return -EINVAL;
	ret = object_blob_fd(ctx, obj, out);
	if (ret)
		return ret;
	ret = xe_map_put(&ctx->resources, res_id, obj);
	if (ret) {
		if (out->fd >= 0)
			close(out->fd);
		out->fd = -1;
		return ret;
	}
	obj->res_id = res_id;
	out->size = obj->size;
	/*
	 * virglrenderer's drm contexts consume the blob_id here: the resource
	 * holds the BO from now on, and a base-protocol guest sends no
	 * GEM_CLOSE (that comes with GEM_CREATE_EXT). Its next BO may reuse
	 * the blob_id, which must not find this one.
	 */
	if (xe_host.base_protocol)
		xe_ctx_object_close(ctx, obj->blob_id);
	return 0;
}

/*
 * XE_PROXY_F_GEM_CREATE_BLOB: create the BO, then its resource, with the
 * resource id as its blob_id meanwhile, which the resource then takes over
 * (as bo_blob_create() does for the base protocol). The outcome goes into
 * the response area's first slot: virtio's answer has no errno.
 */
static int create_blob_create(struct xe_host_ctx *ctx, uint32_t res_id,
			      uint64_t blob_id, uint64_t size,
			      struct xe_host_blob *out)
{
	const struct xe_proxy_ccmd_req hdr = {
		.cmd = XE_PROXY_CCMD_GEM_CREATE_EXT,
	};
	struct xe_proxy_ccmd_value_rsp *rsp;
	uint64_t made = 0;
	int ret;

	ret = xe_ccmd_gem_create_blob(ctx, res_id, blob_id, size, &made);
	if (!ret) {
		ret = bo_blob_create(ctx, res_id, res_id, size, out);
		if (!ret)
			((struct xe_object *)xe_map_get(&ctx->resources, res_id))->in_blob = true;
		/* the resource holds it now, or nothing does: it goes */
		xe_ctx_object_close(ctx, res_id);
	}
	rsp = xe_ctx_rsp(ctx, &hdr, sizeof(*rsp));
	if (rsp) {
		rsp->ret = (uint32_t)-ret;
		rsp->value = ret ? 0 : made;
		xe_ctx_rsp_finish(ctx, true);
	}
	return ret;
}

int xe_host_ctx_create_blob(struct xe_host_ctx *ctx, uint32_t res_id,
			    uint64_t blob_id, uint64_t size,
			    uint32_t blob_flags, struct xe_host_blob *out)
{
	const uint32_t known = VIRGL_RENDERER_BLOB_FLAG_USE_MAPPABLE |
			       VIRGL_RENDERER_BLOB_FLAG_USE_SHAREABLE |
			       VIRGL_RENDERER_BLOB_FLAG_USE_CROSS_DEVICE;
	int ret;

	*out = (struct xe_host_blob){ .fd = -1 };
	if (!res_id || (blob_flags & ~known))
		return -EINVAL;
	pthread_mutex_lock(&xe_host.lock);
	if (xe_map_get(&ctx->resources, res_id) || xe_map_get(&ctx->guest_mems, res_id) ||
	    xe_map_get(&ctx->slices, res_id) || res_id == ctx->shmem_res_id)
		ret = -EEXIST;
	else if (!blob_id)
		ret = shmem_create(ctx, res_id, size, blob_flags, out);
	else if ((blob_id & XE_PROXY_BLOB_CREATE_FLAG) && !xe_host.base_protocol)
		ret = create_blob_create(ctx, res_id, blob_id, size, out);
	else
		ret = bo_blob_create(ctx, res_id, blob_id, size, out);
	pthread_mutex_unlock(&xe_host.lock);
	if (ret)
		xe_log_ratelimited("context %u: blob resource %u (blob_id %llu, %llu bytes) refused: %s",
				   ctx->ctx_id, res_id,
				   (unsigned long long)blob_id,
				   (unsigned long long)size, strerror(-ret));
	return ret;
}

int xe_host_ctx_map(struct xe_host_ctx *ctx, uint32_t res_id, void **ptr,
		    uint64_t *size)
{
	struct xe_object *obj;
	struct xe_slice *s;
	int ret = 0;

	pthread_mutex_lock(&xe_host.lock);
	if (res_id && res_id == ctx->shmem_res_id) {
		*ptr = ctx->shmem;
		*size = ctx->shmem_size;
	} else if ((s = xe_map_get(&ctx->slices, res_id))) {
		ret = xe_ctx_object_map(ctx, s->obj);
		if (!ret) {
			*ptr = (char *)s->obj->map + s->offset;
			*size = s->size;
		}
	} else if ((obj = xe_ctx_object_by_res(ctx, res_id))) {
		ret = xe_ctx_object_map(ctx, obj);
		if (!ret) {
			*ptr = obj->map;
			*size = obj->map_size;
		}
	} else {
		ret = -ENOENT;
	}
	pthread_mutex_unlock(&xe_host.lock);
	return ret;
}

int xe_host_ctx_unmap(struct xe_host_ctx *ctx, uint32_t res_id)
{
	struct xe_object *obj = NULL;
	struct xe_slice *s;
	int ret = 0;

	pthread_mutex_lock(&xe_host.lock);
	s = xe_map_get(&ctx->slices, res_id);
	if (res_id && res_id == ctx->shmem_res_id) {
		/* The core keeps writing responses: the mapping stays. */
	} else if (s || (obj = xe_ctx_object_by_res(ctx, res_id))) {
		if (s)
			obj = s->obj;
		if (obj->map)
			munmap(obj->map, obj->map_size);
		obj->map = NULL;
		obj->map_size = 0;
	} else {
		ret = -ENOENT;
	}
	pthread_mutex_unlock(&xe_host.lock);
	return ret;
}

void xe_host_ctx_resource_unref(struct xe_host_ctx *ctx, uint32_t res_id)
{
	struct xe_guest_mem *gm;
	struct xe_object *obj;
	struct xe_slice *s;

	pthread_mutex_lock(&xe_host.lock);
	if (res_id && res_id == ctx->shmem_res_id) {
		munmap(ctx->shmem, ctx->shmem_size);
		xe_limit_release_bo(ctx->shmem_size);
		ctx->shmem = NULL;
		ctx->shmem_size = 0;
		ctx->shmem_res_id = 0;
	} else if ((obj = xe_map_del(&ctx->resources, res_id))) {
		obj->res_id = 0;
		xe_ctx_object_release(ctx, obj);
	} else if ((s = xe_map_del(&ctx->slices, res_id))) {
		xe_limit_release_bo(0);
		s->obj->slices--;
		xe_ctx_object_release(ctx, s->obj);
		free(s);
	} else if ((gm = xe_map_del(&ctx->guest_mems, res_id))) {
		xe_host_vm_unbind_guest_mem(ctx, gm);
		xe_guest_mem_free(gm);
	}
	pthread_mutex_unlock(&xe_host.lock);
}

int xe_host_ctx_submit(struct xe_host_ctx *ctx, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	struct xe_proxy_ccmd_req hdr;
	uint64_t *cmd;
	int ret = 0;

	pthread_mutex_lock(&xe_host.lock);
	while (len) {
		if (len < sizeof(hdr)) {
			xe_log_ratelimited("context %u: %zu trailing bytes after the last ccmd",
					   ctx->ctx_id, len);
			ret = -EINVAL;
			break;
		}
		memcpy(&hdr, p, sizeof(hdr));
		if (hdr.len < sizeof(hdr) || hdr.len > len || hdr.len % 8) {
			xe_log_ratelimited("context %u: ccmd %u has bad length %u (%zu bytes left)",
					   ctx->ctx_id, hdr.cmd, hdr.len, len);
			ret = -EINVAL;
			break;
		}
		/*
		 * An aligned private copy: the guest's bytes are read once.
		 * The buffer is the context's, kept from one command to the
		 * next (no allocation per submission).
		 */
		if (hdr.len > ctx->cmd_cap) {
			cmd = realloc(ctx->cmd_buf, hdr.len);
			if (!cmd) {
				ret = -ENOMEM;
				break;
			}
			ctx->cmd_buf = cmd;
			ctx->cmd_cap = hdr.len;
		}
		cmd = ctx->cmd_buf;
		memcpy(cmd, p, hdr.len);
		/*
		 * As virglrenderer's drm_context: the seqno tells the guest
		 * the command ran, so a refused one leaves it; the reference
		 * also drops the rest of the stream.
		 */
		if (xe_ccmd_dispatch(ctx, (const struct xe_proxy_ccmd_req *)cmd)) {
			xe_ctx_rsp_finish(ctx, false);
			ret = -EINVAL;
			if (xe_host.base_protocol)
				break;
		} else {
			xe_ctx_rsp_finish(ctx, true);
			if (ctx->shmem)
				__atomic_store_n(&ctx->shmem->seqno, hdr.seqno,
						 __ATOMIC_RELEASE);
		}
		p += hdr.len;
		len -= hdr.len;
	}
	pthread_mutex_unlock(&xe_host.lock);
	return ret;
}
