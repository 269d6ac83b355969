/* SPDX-License-Identifier: MIT */
/*
 * The ccmd transport over the stock virtio_gpu driver's ioctls, as the
 * public reference's patched Mesa does: CONTEXT_INIT on the DRM capset, a
 * shared-memory response blob, RESOURCE_CREATE_BLOB for BOs and EXECBUFFER
 * with ring fences. Used by tests/stock/vdrm_store.c and tests/bench.
 */
#ifndef TESTS_VDRM_H
#define TESTS_VDRM_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/virtgpu_drm.h>
#include <drm/xe_drm.h>

#include "xe_ccmd.h"

#define SHMEM_SIZE	(64 * 1024)
#define BO_SIZE		(64 * 1024)
#define NUM_RINGS	64

static int fd = -1;

static void *shmem;
static struct ccmd_stream s;

static inline int ioctl_retry(unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

/* Send the stream; wait for a fence on @ring placed after it. */
static inline int submit_wait(uint32_t ring)
{
	struct drm_virtgpu_execbuffer eb = {
		.flags = VIRTGPU_EXECBUF_FENCE_FD_OUT | VIRTGPU_EXECBUF_RING_IDX,
		.size = (uint32_t)s.len,
		.command = (uintptr_t)s.buf,
		.fence_fd = -1,
		.ring_idx = ring,
	};
	struct pollfd p;
	int ret;

	ret = ioctl_retry(DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb);
	ccmd_reset(&s);
	if (ret)
		return -errno;
	p = (struct pollfd){ .fd = eb.fence_fd, .events = POLLIN };
	ret = poll(&p, 1, 10000);
	close(eb.fence_fd);
	return ret == 1 ? 0 : -ETIMEDOUT;
}

static inline void *rsp(uint32_t off)
{
	return ccmd_rsp(shmem, off);
}

/* A HOST3D blob: shmem for blob_id 0, else a GEM_CREATE'd BO. */
static inline void *blob_map(uint64_t blob_id, uint64_t size, uint32_t *res_handle)
{
	struct drm_virtgpu_resource_create_blob cb = {
		.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
		.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
		.size = size,
		.blob_id = blob_id,
	};
	struct drm_virtgpu_map map = { 0 };
	void *ptr;

	if (ioctl_retry(DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &cb))
		return NULL;
	map.handle = cb.bo_handle;
	if (ioctl_retry(DRM_IOCTL_VIRTGPU_MAP, &map))
		return NULL;
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)map.offset);
	if (ptr == MAP_FAILED)
		return NULL;
	*res_handle = cb.res_handle;
	return ptr;
}

static inline uint32_t query(uint32_t q, void *out, uint32_t max)
{
	struct xe_proxy_ccmd_device_query_rsp *r;
	uint32_t size;

	ccmd_device_query(&s, q, 0, 0);
	if (submit_wait(0))
		return 0;
	r = rsp(0);
	size = r->size;
	if (r->ret || !size || size > max)
		return 0;
	ccmd_device_query(&s, q, size, 0);
	if (submit_wait(0))
		return 0;
	r = rsp(0);
	if (r->ret)
		return 0;
	memcpy(out, r->payload, size);
	return size;
}


/* Send the stream without waiting (the host runs it in order). */
static inline int submit_nowait(uint32_t ring)
{
	struct drm_virtgpu_execbuffer eb = {
		.flags = VIRTGPU_EXECBUF_RING_IDX,
		.size = (uint32_t)s.len,
		.command = (uintptr_t)s.buf,
		.fence_fd = -1,
		.ring_idx = ring,
	};
	int ret = ioctl_retry(DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb);

	ccmd_reset(&s);
	return ret ? -errno : 0;
}

/* CONTEXT_INIT on the DRM capset and map the response page. */
static inline bool vdrm_open(const char *node, uint32_t num_rings)
{
	struct drm_virtgpu_context_set_param params[] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, XE_PROXY_CAPSET_DRM },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, num_rings },
	};
	struct drm_virtgpu_context_init ci = {
		.num_params = 2,
		.ctx_set_params = (uintptr_t)params,
	};
	uint32_t res;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl_retry(DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &ci))
		return false;
	shmem = blob_map(0, SHMEM_SIZE, &res);
	return shmem != NULL;
}

#endif /* TESTS_VDRM_H */
