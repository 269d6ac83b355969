// SPDX-License-Identifier: MIT
/*
 * ioctl dispatch after drm_ioctl() in drivers/gpu/drm/drm_ioctl.c: the
 * argument is copied in and out by the size encoded in the request, clipped
 * or zero-extended to the driver's struct, and copied back even on error.
 * Core DRM ioctls follow drm_ioctl.c/drm_gem.c/drm_prime.c/drm_syncobj.c;
 * the xe table follows xe_device.c xe_ioctls[].
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct sim_state sim = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.next_mmap_offset = 0x100000000ull,
};

struct sim_file *sim_file_new(struct sim_gpu *gpu, uint32_t minor)
{
	struct sim_file *f = calloc(1, sizeof(*f));

	if (f) {
		f->refcount = 1;
		f->gpu = gpu;
		f->minor = minor;
		f->trace_id = ++sim.num_files;
		f->generation = gpu->generation;
	}
	return f;
}

/* drm_file release: queues, then VMs, then handles and syncobjs. */
void sim_file_put(struct sim_file *f)
{
	if (!f || --f->refcount)
		return;
	sim_file_release_queues(f);
	sim_file_release_vms(f);
	sim_file_release_bos(f);
	sim_file_release_syncobjs(f);
	free(f);
}

static int ioctl_version(struct drm_version *v)
{
	/* xe_device.c driver: name "xe", DRIVER_MAJOR 1, DRIVER_MINOR 1 */
	static const char name[] = "xe", date[] = "", desc[] = "Intel Xe2 Graphics";
	int err = 0;

	v->version_major = 1;
	v->version_minor = 1;
	v->version_patchlevel = 0;
#define COPY_STR(field, str) do { \
		size_t n = strlen(str); \
		if (v->field##_len && v->field) \
			err = err ?: sim_copy_to_user((uintptr_t)v->field, str, \
					  n < v->field##_len ? n : v->field##_len); \
		v->field##_len = n; \
	} while (0)
	COPY_STR(name, name);
	COPY_STR(date, date);
	COPY_STR(desc, desc);
#undef COPY_STR
	return err;
}

static int ioctl_get_cap(struct drm_get_cap *c)
{
	switch (c->capability) {
	case DRM_CAP_DUMB_BUFFER:
	case DRM_CAP_TIMESTAMP_MONOTONIC:
	case DRM_CAP_SYNCOBJ:
	case DRM_CAP_SYNCOBJ_TIMELINE:
		c->value = 1;
		return 0;
	case DRM_CAP_PRIME:
		c->value = DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT;
		return 0;
	}
	return SIM_ERR(-EINVAL, "capability %llu", (unsigned long long)c->capability);
}

struct sim_ioctl_desc {
	unsigned long cmd;
	int (*fn)(struct sim_file *f, void *data);
};

static int gem_close(struct sim_file *f, void *d) { return sim_ioctl_gem_close(f, d); }

static const struct sim_ioctl_desc xe_ioctls[] = {
	{ DRM_IOCTL_XE_DEVICE_QUERY, sim_ioctl_query },
	{ DRM_IOCTL_XE_GEM_CREATE, sim_ioctl_gem_create },
	{ DRM_IOCTL_XE_GEM_MMAP_OFFSET, sim_ioctl_gem_mmap_offset },
	{ DRM_IOCTL_XE_VM_CREATE, sim_ioctl_vm_create },
	{ DRM_IOCTL_XE_VM_DESTROY, sim_ioctl_vm_destroy },
	{ DRM_IOCTL_XE_VM_BIND, sim_ioctl_vm_bind },
	{ DRM_IOCTL_XE_EXEC_QUEUE_CREATE, sim_ioctl_exec_queue_create },
	{ DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, sim_ioctl_exec_queue_destroy },
	{ DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY, sim_ioctl_exec_queue_get_property },
	{ DRM_IOCTL_XE_EXEC, sim_ioctl_exec },
	{ DRM_IOCTL_XE_WAIT_USER_FENCE, sim_ioctl_wait_user_fence },
	{ DRM_IOCTL_XE_OBSERVATION, NULL },
	{ DRM_IOCTL_XE_MADVISE, sim_ioctl_madvise },
	{ DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS, sim_ioctl_vm_query_mem_range_attrs },
	{ DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY, sim_ioctl_exec_queue_set_property },
	{ DRM_IOCTL_XE_VM_GET_PROPERTY, sim_ioctl_vm_get_property },
};

static const struct sim_ioctl_desc *find_desc(unsigned long req)
{
	static const struct sim_ioctl_desc core[] = {
		{ DRM_IOCTL_VERSION, NULL },
		{ DRM_IOCTL_GET_CAP, NULL },
		{ DRM_IOCTL_SET_CLIENT_CAP, NULL },
		{ DRM_IOCTL_GET_MAGIC, NULL },
		{ DRM_IOCTL_AUTH_MAGIC, NULL },
		{ DRM_IOCTL_GEM_CLOSE, gem_close },
		{ DRM_IOCTL_GEM_FLINK, sim_ioctl_gem_flink },
		{ DRM_IOCTL_GEM_OPEN, sim_ioctl_gem_open },
		{ DRM_IOCTL_PRIME_HANDLE_TO_FD, sim_ioctl_prime_to_fd },
		{ DRM_IOCTL_PRIME_FD_TO_HANDLE, sim_ioctl_prime_to_handle },
		{ DRM_IOCTL_SYNCOBJ_CREATE, NULL },
		{ DRM_IOCTL_SYNCOBJ_DESTROY, NULL },
		{ DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, NULL },
		{ DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, NULL },
		{ DRM_IOCTL_SYNCOBJ_WAIT, NULL },
		{ DRM_IOCTL_SYNCOBJ_RESET, NULL },
		{ DRM_IOCTL_SYNCOBJ_SIGNAL, NULL },
		{ DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, NULL },
		{ DRM_IOCTL_SYNCOBJ_QUERY, NULL },
		{ DRM_IOCTL_SYNCOBJ_TRANSFER, NULL },
		{ DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, NULL },
	};
	unsigned int nr = _IOC_NR(req);

	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END) {
		nr -= DRM_COMMAND_BASE;
		return nr < SIM_ARRAY_SIZE(xe_ioctls) ? &xe_ioctls[nr] : NULL;
	}
	for (size_t i = 0; i < SIM_ARRAY_SIZE(core); i++)
		if (_IOC_NR(core[i].cmd) == nr)
			return &core[i];
	return NULL;
}

static int dispatch(struct sim_file *f, const struct sim_ioctl_desc *d,
		    void *kdata)
{
	unsigned long cmd = d->cmd;

	if (d->fn)
		return d->fn(f, kdata);
	if (cmd == DRM_IOCTL_VERSION)
		return ioctl_version(kdata);
	if (cmd == DRM_IOCTL_GET_CAP)
		return ioctl_get_cap(kdata);
	if (cmd == DRM_IOCTL_SET_CLIENT_CAP) {
		struct drm_set_client_cap *c = kdata;

		/* stereo, universal planes, atomic... need a display node */
		if (f->minor >= 128)
			return SIM_ERR(-EOPNOTSUPP, "client cap %llu on a render node",
				       (unsigned long long)c->capability);
		return c->capability <= DRM_CLIENT_CAP_WRITEBACK_CONNECTORS ? 0 : -EINVAL;
	}
	if (cmd == DRM_IOCTL_GET_MAGIC || cmd == DRM_IOCTL_AUTH_MAGIC)
		return f->minor >= 128 ? -EACCES : 0;
	if (cmd == DRM_IOCTL_XE_OBSERVATION)
		return SIM_ERR(-EACCES, "observation streams are not simulated");
	return sim_ioctl_syncobj(f, cmd, kdata);
}

int sim_ioctl(struct sim_file *f, unsigned long req, void *arg)
{
	const struct sim_ioctl_desc *d = find_desc(req);
	size_t in_size, out_size, drv_size, ksize;
	uint8_t stack[256];
	void *kdata = stack;
	int err, err2;

	if (!d) {
		sim_trace_ioctl(f, req, NULL, -EINVAL);
		return SIM_ERR(-EINVAL, "unknown ioctl %#lx", req);
	}
	if (_IOC_TYPE(req) != DRM_IOCTL_BASE)
		return -ENOTTY;
	drv_size = _IOC_SIZE(d->cmd);
	in_size = out_size = _IOC_SIZE(req);
	if (!(req & d->cmd & IOC_IN))
		in_size = 0;
	if (!(req & d->cmd & IOC_OUT))
		out_size = 0;
	ksize = in_size > out_size ? in_size : out_size;
	if (drv_size > ksize)
		ksize = drv_size;
	if (ksize > sizeof(stack)) {
		kdata = calloc(1, ksize);
		if (!kdata)
			return -ENOMEM;
	}
	memset(kdata, 0, ksize);
	err = sim_copy_from_user(kdata, (uintptr_t)arg, in_size);
	if (err) {
		sim_trace_ioctl(f, d->cmd, NULL, err);
		goto out;
	}
	err = dispatch(f, d, kdata);
	sim_debug("ioctl nr %#x -> %d", (unsigned int)_IOC_NR(req), err);
	err2 = sim_copy_to_user((uintptr_t)arg, kdata, out_size);
	if (err2)
		err = err2;
	sim_trace_ioctl(f, d->cmd, kdata, err);
out:
	if (kdata != stack)
		free(kdata);
	return err;
}
