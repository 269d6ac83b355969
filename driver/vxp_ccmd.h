/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the ccmd transport of a host context (vxp_ccmd.c).
 */
#ifndef VXP_CCMD_H
#define VXP_CCMD_H

#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/types.h>

#include "xe_proxy_proto.h"

struct vxp_context;
struct vxp_fence;

int vxp_ccmd_send(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
		  void *rsp, size_t rsp_len);
int vxp_ccmd_send_nowait(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req);
int vxp_ccmd_send_with_blob(struct vxp_context *ctx,
			    struct xe_proxy_ccmd_req *req, void *rsp,
			    size_t rsp_len, u32 res_id, u64 blob_id, u64 size,
			    int *blob_err);
int vxp_ccmd_send_fenced(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
			 void *rsp, size_t rsp_len, struct vxp_fence *fence,
			 int (*status)(const void *rsp));

/**
 * vxp_rsp_errno() - the errno of a host response's ret field
 * @ret: 0 or a positive errno, as the host wrote it
 *
 * Return: 0 or the negative errno, clamped so a hostile host cannot make
 * it look like a pointer.
 */
static inline int vxp_rsp_errno(__le32 ret)
{
	return -(int)min_t(u32, le32_to_cpu(ret), MAX_ERRNO);
}

#endif /* VXP_CCMD_H */
