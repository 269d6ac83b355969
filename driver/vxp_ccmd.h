/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the ccmd transport of a host context (vxp_ccmd.c).
 */
#ifndef VXP_CCMD_H
#define VXP_CCMD_H

#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <asm/byteorder.h>

#include "xe_proxy_proto.h"

struct vxp_context;
struct vxp_fence;
struct vxp_syncs;

/**
 * VXP_CCMD_HDR() - the header of a ccmd request
 * @op: its XE_PROXY_CCMD_* number
 * @size: the request's size in bytes, payload included (a multiple of 8)
 *
 * For the initialiser of a request on the stack,
 * ``.hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_VM_CREATE, sizeof(req))``, or an
 * assignment to the header of an allocated one. seqno and rsp_off stay 0:
 * vxp_ccmd_send() and its variants fill them in.
 */
#define VXP_CCMD_HDR(op, size) ((struct xe_proxy_ccmd_req){	\
	.cmd = cpu_to_le32(op),					\
	.len = cpu_to_le32(size),				\
})

int vxp_ccmd_send(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
		  void *rsp, size_t rsp_len);
int vxp_ccmd_send_nowait(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req);
int vxp_ccmd_defer(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req);
int vxp_ccmd_send_with_blob(struct vxp_context *ctx,
			    struct xe_proxy_ccmd_req *req, void *rsp,
			    size_t rsp_len, u32 res_id, u64 blob_id, u64 size,
			    int *blob_err);
int vxp_blob_create_bo(struct vxp_context *ctx, u32 res_id, u64 blob_id,
		       u64 size);
int vxp_ccmd_send_async(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
			size_t rsp_len, size_t ret_off, struct vxp_fence *fence,
			struct vxp_syncs *s);
void vxp_ccmd_pending_init(struct vxp_context *ctx);
void vxp_ccmd_batch_kick(struct vxp_context *ctx);
int vxp_ccmd_send_fenced(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
			 void *rsp, size_t rsp_len, struct vxp_fence *fence,
			 int (*status)(const void *rsp));

/**
 * vxp_rsp_errno() - the errno of a host response's ret field
 * @ret: 0 or a positive errno, as the host wrote it
 *
 * Errnos from 512 up are the kernel's own (ERESTARTSYS, ENOIOCTLCMD, ...):
 * no host user-space call returns them, and passed on they would restart
 * the guest's system call or reach its user space, so they become EIO, as
 * does anything a hostile host could make look like a pointer.
 *
 * Return: 0 or the negative errno.
 */
static inline int vxp_rsp_errno(__le32 ret)
{
	u32 err = le32_to_cpu(ret);

	return err < 512 ? -(int)err : -EIO;
}

#endif /* VXP_CCMD_H */
