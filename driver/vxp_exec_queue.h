/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: exec queues (vxp_exec_queue.c).
 */
#ifndef VXP_EXEC_QUEUE_H
#define VXP_EXEC_QUEUE_H

#include <linux/types.h>

struct drm_device;
struct drm_file;
struct vxp_context;
struct vxp_vm;

/**
 * struct vxp_exec_queue - an exec queue of a host context
 * @id: the host driver's exec_queue_id
 * @vm: its VM (a reference)
 * @ring: the ring its work retires on, or its queue tag (vxp_ring.c)
 * @width: batch buffers per exec (parallel submission when > 1)
 * @lr: on a long-running VM, whose jobs the host never sees retire, so it
 *	publishes no ban of the queue by itself
 * @banned: an exec on it failed the way a banned queue does (ctx->ids_lock)
 * @bind: a bind queue (engine class VM_BIND): no execs, binds of @vm only
 */
struct vxp_exec_queue {
	u32 id;
	struct vxp_vm *vm;
	u32 ring;
	u16 width;
	bool lr;
	bool banned;
	bool bind;
};

int vxp_exec_queue_create_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file);
int vxp_exec_queue_destroy_ioctl(struct drm_device *drm, void *data,
				 struct drm_file *file);
int vxp_exec_queue_get_property_ioctl(struct drm_device *drm, void *data,
				      struct drm_file *file);
int vxp_exec_queue_set_property_ioctl(struct drm_device *drm, void *data,
				      struct drm_file *file);
int vxp_exec_queue_lookup(struct vxp_context *ctx, u32 id,
			  struct vxp_exec_queue *q, struct vxp_vm **vm);
int vxp_exec_queue_close(struct vxp_context *ctx, struct vxp_exec_queue *q);
void vxp_exec_queue_ban(struct vxp_context *ctx, u32 id);
bool vxp_exec_queue_ban_published(struct vxp_context *ctx, u32 id);
int vxp_exec_queue_is_banned(struct vxp_context *ctx, u32 id, bool ask_host);
u64 vxp_exec_queue_max_priority(void);

#endif /* VXP_EXEC_QUEUE_H */
