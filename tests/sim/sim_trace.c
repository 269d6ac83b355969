// SPDX-License-Identifier: MIT
/*
 * XE_SIM_TRACE=FILE: one line per xe, core DRM (PRIME, syncobj, GEM) and
 * dma-buf ioctl with its arguments and result, appended to FILE by every
 * process that preloads the simulator. tests/workloads/run diffs the trace
 * of an application run host-direct against the host-side trace of the
 * same application in a guest.
 *
 * Line format (stable; tests/workloads/trace-norm reads it):
 *
 *   PID.FILE NAME key=value ... [-> out=value ...] = RESULT
 *
 * FILE numbers the drm_files a process opened (1, 2, ...; 0 for dma-buf
 * fds). RESULT is 0 or -ERRNO. Values that name per-file objects carry
 * their kind as key so they can be renamed by first appearance: bo= (GEM
 * handle), vm=, q= (exec queue), so= (syncobj). GPU virtual addresses are
 * printed as va=; CPU addresses, fds and timeouts are left out, since
 * they differ between any two runs.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/dma-buf.h>

#include "sim.h"

/* a line grows as needed: a bind of a large userptr from a guest has one op a page */
#define TRACE_MAX_OPS	65536

struct trace_buf {
	char *s;
	size_t len, cap;	/* s == NULL after a failed allocation: line dropped */
};

static int trace_fd = -1;

void sim_trace_init(void)
{
	const char *path = getenv("XE_SIM_TRACE");

	if (path && *path)
		trace_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

static void tb_add(struct trace_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tb_add(struct trace_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->s)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n + 2 > b->cap - b->len) {	/* room for "\n\0" too */
		size_t cap = (b->len + n + 2) * 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			free(b->s);
			b->s = NULL;
			return;
		}
		b->s = s;
		b->cap = cap;
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static bool tb_init(struct trace_buf *b)
{
	b->len = 0;
	b->cap = 256;
	b->s = malloc(b->cap);
	return b->s != NULL;
}

static void tb_syncs(struct trace_buf *b, uint64_t uptr, uint32_t num)
{
	struct drm_xe_sync s;

	for (uint32_t i = 0; i < num && i < DRM_XE_MAX_SYNCS; i++) {
		if (sim_copy_from_user(&s, uptr + i * sizeof(s), sizeof(s)))
			return;
		tb_add(b, " sync%s=", s.flags & DRM_XE_SYNC_FLAG_SIGNAL ? "-out" : "-in");
		switch (s.type) {
		case DRM_XE_SYNC_TYPE_SYNCOBJ:
			tb_add(b, "so:%u", s.handle);
			break;
		case DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ:
			tb_add(b, "so:%u@%llu", s.handle, (unsigned long long)s.timeline_value);
			break;
		case DRM_XE_SYNC_TYPE_USER_FENCE:
			tb_add(b, "ufence:%llu", (unsigned long long)s.timeline_value);
			break;
		default:
			tb_add(b, "type%u", s.type);
		}
	}
}

static void tb_bind_op(struct trace_buf *b, const struct drm_xe_vm_bind_op *op)
{
	tb_add(b, " [op=%u flags=%#x", op->op, op->flags);
	if (op->op == DRM_XE_VM_BIND_OP_MAP || op->op == DRM_XE_VM_BIND_OP_UNMAP_ALL)
		tb_add(b, " bo=%u", op->obj);
	if (op->op == DRM_XE_VM_BIND_OP_MAP)
		tb_add(b, " off=%#llx", (unsigned long long)op->obj_offset);
	if (op->op == DRM_XE_VM_BIND_OP_PREFETCH)
		tb_add(b, " region=%u", op->prefetch_mem_region_instance);
	tb_add(b, " va=%#llx range=%#llx pat=%u]", (unsigned long long)op->addr,
	       (unsigned long long)op->range, op->pat_index);
}

static void trace_vm_bind(struct trace_buf *b, const struct drm_xe_vm_bind *a)
{
	struct drm_xe_vm_bind_op op;

	tb_add(b, "VM_BIND vm=%u q=%u n=%u", a->vm_id, a->exec_queue_id, a->num_binds);
	if (a->num_binds == 1) {
		tb_bind_op(b, &a->bind);
	} else {
		for (uint32_t i = 0; i < a->num_binds && i < TRACE_MAX_OPS; i++) {
			if (sim_copy_from_user(&op, a->vector_of_binds + i * sizeof(op),
					       sizeof(op)))
				break;
			tb_bind_op(b, &op);
		}
	}
	tb_syncs(b, a->syncs, a->num_syncs);
}

static void trace_queue_create(struct trace_buf *b, const struct drm_xe_exec_queue_create *a)
{
	struct drm_xe_engine_class_instance ci;
	uint32_t n = (uint32_t)a->width * a->num_placements;

	tb_add(b, "EXEC_QUEUE_CREATE vm=%u width=%u placements=%u flags=%#x ext=%s",
	       a->vm_id, a->width, a->num_placements, a->flags, a->extensions ? "y" : "n");
	for (uint32_t i = 0; i < n && i < 16; i++) {
		if (sim_copy_from_user(&ci, a->instances + i * sizeof(ci), sizeof(ci)))
			break;
		tb_add(b, " engine=%u:%u:%u", ci.engine_class, ci.engine_instance, ci.gt_id);
	}
	tb_add(b, " -> q=%u", a->exec_queue_id);
}

static void trace_xe(struct trace_buf *b, unsigned long cmd, const void *d)
{
	switch (cmd) {
	case DRM_IOCTL_XE_DEVICE_QUERY: {
		const struct drm_xe_device_query *a = d;

		tb_add(b, "DEVICE_QUERY query=%u size=%u data=%s", a->query, a->size,
		       a->data ? "y" : "n");
		break;
	}
	case DRM_IOCTL_XE_GEM_CREATE: {
		const struct drm_xe_gem_create *a = d;

		tb_add(b, "GEM_CREATE size=%#llx placement=%#x flags=%#x vm=%u caching=%u -> bo=%u",
		       (unsigned long long)a->size, a->placement, a->flags, a->vm_id,
		       a->cpu_caching, a->handle);
		break;
	}
	case DRM_IOCTL_XE_GEM_MMAP_OFFSET: {
		const struct drm_xe_gem_mmap_offset *a = d;

		tb_add(b, "GEM_MMAP_OFFSET bo=%u flags=%#x", a->handle, a->flags);
		break;
	}
	case DRM_IOCTL_XE_VM_CREATE: {
		const struct drm_xe_vm_create *a = d;

		tb_add(b, "VM_CREATE flags=%#x -> vm=%u", a->flags, a->vm_id);
		break;
	}
	case DRM_IOCTL_XE_VM_DESTROY: {
		const struct drm_xe_vm_destroy *a = d;

		tb_add(b, "VM_DESTROY vm=%u", a->vm_id);
		break;
	}
	case DRM_IOCTL_XE_VM_BIND:
		trace_vm_bind(b, d);
		break;
	case DRM_IOCTL_XE_EXEC_QUEUE_CREATE:
		trace_queue_create(b, d);
		break;
	case DRM_IOCTL_XE_EXEC_QUEUE_DESTROY: {
		const struct drm_xe_exec_queue_destroy *a = d;

		tb_add(b, "EXEC_QUEUE_DESTROY q=%u", a->exec_queue_id);
		break;
	}
	case DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY: {
		const struct drm_xe_exec_queue_get_property *a = d;

		tb_add(b, "EXEC_QUEUE_GET_PROPERTY q=%u property=%u -> value=%llu",
		       a->exec_queue_id, a->property, (unsigned long long)a->value);
		break;
	}
	case DRM_IOCTL_XE_EXEC: {
		const struct drm_xe_exec *a = d;

		tb_add(b, "EXEC q=%u batches=%u va=%#llx", a->exec_queue_id,
		       a->num_batch_buffer, (unsigned long long)a->address);
		tb_syncs(b, a->syncs, a->num_syncs);
		break;
	}
	case DRM_IOCTL_XE_WAIT_USER_FENCE: {
		const struct drm_xe_wait_user_fence *a = d;

		tb_add(b, "WAIT_USER_FENCE q=%u op=%u flags=%#x value=%llu mask=%#llx",
		       a->exec_queue_id, a->op, a->flags, (unsigned long long)a->value,
		       (unsigned long long)a->mask);
		break;
	}
	case DRM_IOCTL_XE_MADVISE: {
		const struct drm_xe_madvise *a = d;

		tb_add(b, "MADVISE vm=%u va=%#llx range=%#llx type=%u", a->vm_id,
		       (unsigned long long)a->start, (unsigned long long)a->range, a->type);
		break;
	}
	case DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS: {
		const struct drm_xe_vm_query_mem_range_attr *a = d;

		tb_add(b, "VM_QUERY_MEM_RANGE_ATTRS vm=%u va=%#llx range=%#llx -> n=%u",
		       a->vm_id, (unsigned long long)a->start, (unsigned long long)a->range,
		       a->num_mem_ranges);
		break;
	}
	case DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY: {
		const struct drm_xe_exec_queue_set_property *a = d;

		tb_add(b, "EXEC_QUEUE_SET_PROPERTY q=%u property=%u value=%llu",
		       a->exec_queue_id, a->property, (unsigned long long)a->value);
		break;
	}
	case DRM_IOCTL_XE_VM_GET_PROPERTY: {
		const struct drm_xe_vm_get_property *a = d;

		tb_add(b, "VM_GET_PROPERTY vm=%u property=%u size=%u", a->vm_id,
		       a->property, a->size);
		break;
	}
	case DRM_IOCTL_XE_OBSERVATION:
		tb_add(b, "OBSERVATION");
		break;
	default:
		tb_add(b, "XE_%#x", (unsigned int)_IOC_NR(cmd));
	}
}

static void trace_core(struct trace_buf *b, unsigned long cmd, const void *d)
{
	switch (cmd) {
	case DRM_IOCTL_VERSION:
		tb_add(b, "VERSION");
		break;
	case DRM_IOCTL_GET_CAP: {
		const struct drm_get_cap *a = d;

		tb_add(b, "GET_CAP cap=%llu -> value=%llu", (unsigned long long)a->capability,
		       (unsigned long long)a->value);
		break;
	}
	case DRM_IOCTL_SET_CLIENT_CAP: {
		const struct drm_set_client_cap *a = d;

		tb_add(b, "SET_CLIENT_CAP cap=%llu value=%llu",
		       (unsigned long long)a->capability, (unsigned long long)a->value);
		break;
	}
	case DRM_IOCTL_GET_MAGIC:
		tb_add(b, "GET_MAGIC");
		break;
	case DRM_IOCTL_AUTH_MAGIC:
		tb_add(b, "AUTH_MAGIC");
		break;
	case DRM_IOCTL_GEM_CLOSE: {
		const struct drm_gem_close *a = d;

		tb_add(b, "GEM_CLOSE bo=%u", a->handle);
		break;
	}
	case DRM_IOCTL_GEM_FLINK: {
		const struct drm_gem_flink *a = d;

		tb_add(b, "GEM_FLINK bo=%u", a->handle);
		break;
	}
	case DRM_IOCTL_GEM_OPEN: {
		const struct drm_gem_open *a = d;

		tb_add(b, "GEM_OPEN -> bo=%u size=%#llx", a->handle, (unsigned long long)a->size);
		break;
	}
	case DRM_IOCTL_PRIME_HANDLE_TO_FD: {
		const struct drm_prime_handle *a = d;

		tb_add(b, "PRIME_HANDLE_TO_FD bo=%u flags=%#x", a->handle, a->flags);
		break;
	}
	case DRM_IOCTL_PRIME_FD_TO_HANDLE: {
		const struct drm_prime_handle *a = d;

		tb_add(b, "PRIME_FD_TO_HANDLE -> bo=%u", a->handle);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_CREATE: {
		const struct drm_syncobj_create *a = d;

		tb_add(b, "SYNCOBJ_CREATE flags=%#x -> so=%u", a->flags, a->handle);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_DESTROY: {
		const struct drm_syncobj_destroy *a = d;

		tb_add(b, "SYNCOBJ_DESTROY so=%u", a->handle);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD:
	case DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE: {
		const struct drm_syncobj_handle *a = d;

		tb_add(b, "SYNCOBJ_%s so=%u flags=%#x",
		       cmd == DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD ? "HANDLE_TO_FD" : "FD_TO_HANDLE",
		       a->handle, a->flags);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_WAIT:
	case DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT: {
		const struct drm_syncobj_wait *a = d;

		tb_add(b, "SYNCOBJ_%sWAIT count=%u flags=%#x",
		       cmd == DRM_IOCTL_SYNCOBJ_WAIT ? "" : "TIMELINE_", a->count_handles,
		       a->flags);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_RESET:
	case DRM_IOCTL_SYNCOBJ_SIGNAL: {
		const struct drm_syncobj_array *a = d;

		tb_add(b, "SYNCOBJ_%s count=%u",
		       cmd == DRM_IOCTL_SYNCOBJ_RESET ? "RESET" : "SIGNAL", a->count_handles);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_QUERY:
	case DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL: {
		const struct drm_syncobj_timeline_array *a = d;

		tb_add(b, "SYNCOBJ_%s count=%u flags=%#x",
		       cmd == DRM_IOCTL_SYNCOBJ_QUERY ? "QUERY" : "TIMELINE_SIGNAL",
		       a->count_handles, a->flags);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_TRANSFER: {
		const struct drm_syncobj_transfer *a = d;

		tb_add(b, "SYNCOBJ_TRANSFER so=%u@%llu <- so=%u@%llu flags=%#x",
		       a->dst_handle, (unsigned long long)a->dst_point, a->src_handle,
		       (unsigned long long)a->src_point, a->flags);
		break;
	}
	default:
		tb_add(b, "DRM_%#x", (unsigned int)_IOC_NR(cmd));
	}
}

static void trace_write(struct trace_buf *b, int err)
{
	tb_add(b, " = %d\n", err);
	/* a lost trace line shows up in the diff */
	if (b->s && write(trace_fd, b->s, b->len) < 0)
		b->len = 0;
	free(b->s);
}

/*
 * One ioctl on drm_file @f: @cmd is the driver's request code, @kdata the
 * argument as the driver left it (NULL when it could not be copied in).
 */
void sim_trace_ioctl(struct sim_file *f, unsigned long cmd, const void *kdata, int err)
{
	struct trace_buf b;

	if (trace_fd < 0 || !tb_init(&b))
		return;
	tb_add(&b, "%d.%u ", (int)getpid(), f->trace_id);
	if (!kdata)
		tb_add(&b, "NR_%#x", (unsigned int)_IOC_NR(cmd));
	else if (_IOC_NR(cmd) >= DRM_COMMAND_BASE && _IOC_NR(cmd) < DRM_COMMAND_END)
		trace_xe(&b, cmd, kdata);
	else
		trace_core(&b, cmd, kdata);
	trace_write(&b, err);
}

/* One ioctl on a dma-buf fd (argument as the caller passed it). */
void sim_trace_dmabuf(unsigned long req, int err)
{
	struct trace_buf b;

	if (trace_fd < 0 || !tb_init(&b))
		return;
	tb_add(&b, "%d.0 ", (int)getpid());
	switch (req) {
	case DMA_BUF_IOCTL_SYNC:
		tb_add(&b, "DMA_BUF_SYNC");
		break;
	case DMA_BUF_IOCTL_EXPORT_SYNC_FILE:
		tb_add(&b, "DMA_BUF_EXPORT_SYNC_FILE");
		break;
	case DMA_BUF_IOCTL_IMPORT_SYNC_FILE:
		tb_add(&b, "DMA_BUF_IMPORT_SYNC_FILE");
		break;
	default:
		tb_add(&b, "DMA_BUF_%#x", (unsigned int)_IOC_NR(req));
	}
	trace_write(&b, err);
}
