// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the virtio-gpu control and cursor queues.
 *
 * Commands are copied into one kmalloc'd buffer (DMA-safe, unlike the
 * caller's stack) that also receives the response. The submitter waits on
 * a completion that the queue's interrupt callback signals: it polls that
 * for a round trip's time (vxp_cmd_spin()), then sleeps.
 */
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_gpu.h>

#include "vxp_drv.h"
#include "vxp_vq.h"

/* A healthy host answers control commands in microseconds. */
#define VXP_CMD_TIMEOUT		(10 * HZ)
/* how long a waiter polls for the answer before it sleeps */
#define VXP_CMD_SPIN_US		200

/*
 * The slot of vxp->vq_trips that counts a command type: 0x100..0x10f
 * (2D and general commands) in 0..15, 0x200..0x20f (3D) in 16..31, -1 for
 * any other type.
 */
static int vxp_trip_slot(u32 type)
{
	if ((type & ~0x30fU) || !(type & 0x300) || (type & 0x300) == 0x300)
		return -1;
	return ((type >> 8) - 1) * 16 + (type & 0xf);
}

/**
 * struct vxp_cmd - one control command in flight
 * @done: completed by the queue callback when the device returned it
 * @abandoned: the submitter timed out and left; the callback frees it
 * @written: bytes of response the device wrote
 * @cmd_len: bytes of command at the start of @buf
 * @complete: for fenced commands nobody waits for: called from the queue
 *	callback (interrupt context) with 0 or an errno, then the command is
 *	freed
 * @data: argument of @complete
 * @buf: the command followed by room for the response
 */
struct vxp_cmd {
	struct completion done;
	bool abandoned;
	u32 written;
	size_t cmd_len;
	void (*complete)(void *data, int err);
	void *data;
	u8 buf[];
};

/* Outcome of a command from its response header. */
static int vxp_cmd_status(struct vxp_cmd *cmd, u32 ok_type)
{
	const struct virtio_gpu_ctrl_hdr *rsp = (void *)(cmd->buf + cmd->cmd_len);

	if (cmd->written < sizeof(*rsp))
		return -EPROTO;
	return le32_to_cpu(rsp->type) == ok_type ? 0 : -EIO;
}

static void vxp_ctrlq_done(struct virtqueue *vq)
{
	struct vxp_device *vxp = vq->vdev->priv;
	struct vxp_cmd *cmd;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&vxp->ctrlq_lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((cmd = virtqueue_get_buf(vq, &len))) {
			cmd->written = len;
			if (cmd->complete) {
				cmd->complete(cmd->data,
					      vxp_cmd_status(cmd, VIRTIO_GPU_RESP_OK_NODATA));
				kfree(cmd);
			} else if (cmd->abandoned) {
				kfree(cmd);
			} else {
				complete(&cmd->done);
			}
		}
	} while (!virtqueue_enable_cb(vq));
	spin_unlock_irqrestore(&vxp->ctrlq_lock, flags);

	wake_up(&vxp->ctrlq_space);
}

/* The cursor queue's buffers need no answer: free what the device gave back. */
static void vxp_cursorq_done(struct virtqueue *vq)
{
	struct vxp_device *vxp = vq->vdev->priv;
	unsigned long flags;
	unsigned int len;
	void *buf;

	spin_lock_irqsave(&vxp->cursorq_lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((buf = virtqueue_get_buf(vq, &len)))
			kfree(buf);
	} while (!virtqueue_enable_cb(vq));
	spin_unlock_irqrestore(&vxp->cursorq_lock, flags);
	wake_up(&vxp->cursorq_space);
}

/**
 * vxp_vq_init() - find the control and cursor queues
 * @vxp: the device
 *
 * Return: 0 or a negative errno from the virtio transport.
 */
int vxp_vq_init(struct vxp_device *vxp)
{
	struct virtqueue_info info[] = {
		{ "control", vxp_ctrlq_done },
		{ "cursor", vxp_cursorq_done },
	};
	struct virtqueue *vqs[ARRAY_SIZE(info)];
	int ret;

	spin_lock_init(&vxp->ctrlq_lock);
	init_waitqueue_head(&vxp->ctrlq_space);
	spin_lock_init(&vxp->cursorq_lock);
	init_waitqueue_head(&vxp->cursorq_space);

	ret = virtio_find_vqs(vxp->vdev, ARRAY_SIZE(vqs), vqs, info, NULL);
	if (ret)
		return ret;
	vxp->ctrlq = vqs[0];
	vxp->cursorq = vqs[1];
	return 0;
}

/**
 * vxp_cursor_cmd() - queue a cursor command (UPDATE_CURSOR, MOVE_CURSOR)
 * @vxp: the device
 * @cmd: the command, a struct virtio_gpu_update_cursor
 *
 * The cursor queue has no answers; the buffer is freed once the device
 * gives it back. Sleeps while the queue is full.
 *
 * Return: 0, -ENODEV once the device is broken, -ENOMEM, or -EINTR if
 * killed while waiting for room.
 */
int vxp_cursor_cmd(struct vxp_device *vxp,
		   const struct virtio_gpu_update_cursor *cmd)
{
	struct virtio_gpu_update_cursor *buf;
	struct scatterlist sg, *sgs[] = { &sg };
	bool notify = false;
	int ret;

	buf = kmemdup(cmd, sizeof(*cmd), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	sg_init_one(&sg, buf, sizeof(*buf));
	spin_lock_irq(&vxp->cursorq_lock);
	for (;;) {
		if (READ_ONCE(vxp->broken)) {
			ret = -ENODEV;
			break;
		}
		ret = virtqueue_add_sgs(vxp->cursorq, sgs, 1, 0, buf, GFP_ATOMIC);
		if (ret != -ENOSPC)
			break;
		spin_unlock_irq(&vxp->cursorq_lock);
		ret = wait_event_killable(vxp->cursorq_space,
					  vxp->cursorq->num_free >= 1 ||
					  READ_ONCE(vxp->broken));
		spin_lock_irq(&vxp->cursorq_lock);
		if (ret)
			break;
	}
	notify = !ret && virtqueue_kick_prepare(vxp->cursorq);
	spin_unlock_irq(&vxp->cursorq_lock);
	if (ret)
		kfree(buf);
	else if (notify)
		virtqueue_notify(vxp->cursorq);
	return ret;
}

/**
 * vxp_vq_fini() - reset the device and free the queues
 * @vxp: the device
 *
 * Resets the device first so it owns no buffer any more, then frees the
 * commands that were still queued (including abandoned ones).
 */
void vxp_vq_fini(struct vxp_device *vxp)
{
	struct virtio_device *vdev = vxp->vdev;
	struct vxp_cmd *cmd;
	void *buf;

	/* Later commands (files closed after unbind) fail fast. */
	spin_lock_irq(&vxp->ctrlq_lock);
	vxp->broken = true;
	spin_unlock_irq(&vxp->ctrlq_lock);
	wake_up(&vxp->ctrlq_space);
	/* a cursor command past its check has queued by the time we have the lock */
	spin_lock_irq(&vxp->cursorq_lock);
	spin_unlock_irq(&vxp->cursorq_lock);
	wake_up(&vxp->cursorq_space);

	virtio_reset_device(vdev);
	while ((cmd = virtqueue_detach_unused_buf(vxp->ctrlq))) {
		/* Fences of a device that went away fail rather than hang. */
		if (cmd->complete)
			cmd->complete(cmd->data, -ENODEV);
		kfree(cmd);
	}
	while ((buf = virtqueue_detach_unused_buf(vxp->cursorq)))
		kfree(buf);
	vdev->config->del_vqs(vdev);
	vxp->ctrlq = NULL;
	vxp->cursorq = NULL;
}

static int vxp_cmd_queue(struct vxp_device *vxp, struct vxp_cmd *cmd,
			 size_t resp_len)
{
	struct scatterlist out, in, *sgs[] = { &out, &in };
	const struct virtio_gpu_ctrl_hdr *hdr = (void *)cmd->buf;
	int slot = vxp_trip_slot(le32_to_cpu(hdr->type));
	bool notify;
	int ret;

	/* Every command is one exit to the host: count it by type. */
	if (slot >= 0)
		atomic64_inc(&vxp->vq_trips[slot]);

	sg_init_one(&out, cmd->buf, cmd->cmd_len);
	sg_init_one(&in, cmd->buf + cmd->cmd_len, resp_len);

	spin_lock_irq(&vxp->ctrlq_lock);
	for (;;) {
		if (vxp->broken) {
			ret = -ENODEV;
			break;
		}
		ret = virtqueue_add_sgs(vxp->ctrlq, sgs, 1, 1, cmd, GFP_ATOMIC);
		if (ret != -ENOSPC)
			break;
		spin_unlock_irq(&vxp->ctrlq_lock);
		ret = wait_event_killable(vxp->ctrlq_space,
					  vxp->ctrlq->num_free >= 2 ||
					  READ_ONCE(vxp->broken));
		spin_lock_irq(&vxp->ctrlq_lock);
		if (ret)
			break;
	}
	notify = !ret && virtqueue_kick_prepare(vxp->ctrlq);
	spin_unlock_irq(&vxp->ctrlq_lock);

	if (notify)
		virtqueue_notify(vxp->ctrlq);
	return ret;
}

/*
 * Poll briefly for @c's answer, as virtio-net polls its control queue: a
 * host answers within a round trip, and a waiter that slept would add an
 * idle vCPU's wake-up and a reschedule to it (a quarter of a GEM_CREATE
 * under TCG). The interrupt still completes @c; a waiter that must give
 * the CPU up, or is not answered by then, sleeps.
 */
static void vxp_cmd_spin(struct vxp_cmd *c)
{
	ktime_t end = ktime_add_us(ktime_get(), VXP_CMD_SPIN_US);

	while (!completion_done(&c->done) && !need_resched() &&
	       ktime_before(ktime_get(), end))
		cpu_relax();
}

/**
 * vxp_ctrl_cmd() - send one control command and wait for its response
 * @vxp: the device
 * @cmd: the command, starting with a struct virtio_gpu_ctrl_hdr
 * @cmd_len: size of @cmd
 * @resp: where the response goes, starting with a struct virtio_gpu_ctrl_hdr
 * @resp_len: size of @resp; bytes the device did not write are zeroed
 * @ok_type: the VIRTIO_GPU_RESP_OK_* type that means success
 *
 * Sleeps; must not be called from atomic context.
 *
 * Return: 0 on success, -ENODEV once the device is broken, -ETIMEDOUT if
 * the device did not answer (it is then marked broken), -EPROTO on a short
 * response, -EIO on an error response, -ENOMEM, or -EINTR if killed while
 * waiting for queue space.
 */
int vxp_ctrl_cmd(struct vxp_device *vxp, const void *cmd, size_t cmd_len,
		 void *resp, size_t resp_len, u32 ok_type)
{
	const struct virtio_gpu_ctrl_hdr *hdr = resp;
	struct vxp_cmd *c;
	u32 cmd_type, type;
	int ret;

	if (WARN_ON(cmd_len < sizeof(*hdr) || resp_len < sizeof(*hdr)))
		return -EINVAL;
	cmd_type = le32_to_cpu(((const struct virtio_gpu_ctrl_hdr *)cmd)->type);

	c = kzalloc(struct_size(c, buf, size_add(cmd_len, resp_len)),
		    GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	init_completion(&c->done);
	c->cmd_len = cmd_len;
	memcpy(c->buf, cmd, cmd_len);

	ret = vxp_cmd_queue(vxp, c, resp_len);
	if (ret) {
		kfree(c);
		return ret;
	}

	vxp_cmd_spin(c);
	if (!wait_for_completion_timeout(&c->done, VXP_CMD_TIMEOUT)) {
		spin_lock_irq(&vxp->ctrlq_lock);
		if (!completion_done(&c->done)) {
			/* The device still owns the buffer. */
			c->abandoned = true;
			vxp->broken = true;
			spin_unlock_irq(&vxp->ctrlq_lock);
			wake_up(&vxp->ctrlq_space);
			dev_err(&vxp->vdev->dev,
				"control command 0x%x timed out; device marked broken\n",
				cmd_type);
			return -ETIMEDOUT;
		}
		spin_unlock_irq(&vxp->ctrlq_lock);
	}

	memcpy(resp, c->buf + cmd_len, min_t(size_t, c->written, resp_len));
	if (c->written < resp_len)
		memset(resp + c->written, 0, resp_len - c->written);

	type = le32_to_cpu(hdr->type);
	if (c->written < sizeof(*hdr)) {
		dev_err_ratelimited(&vxp->vdev->dev,
				    "short response (%u bytes) to command 0x%x\n",
				    c->written, cmd_type);
		ret = -EPROTO;
	} else if (type != ok_type) {
		dev_err_ratelimited(&vxp->vdev->dev,
				    "command 0x%x failed: response 0x%x\n",
				    cmd_type, type);
		ret = -EIO;
	}
	kfree(c);
	return ret;
}

/*
 * Queue a copy of @cmd with room for a response header; @complete runs from
 * the interrupt once the device answered (or with -ENODEV if it went away).
 */
static int vxp_cmd_queue_async(struct vxp_device *vxp, const void *cmd,
			       size_t cmd_len,
			       void (*complete)(void *data, int err), void *data)
{
	struct vxp_cmd *c;
	int ret;

	c = kzalloc(struct_size(c, buf,
				size_add(cmd_len, sizeof(struct virtio_gpu_ctrl_hdr))),
		    GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->cmd_len = cmd_len;
	c->complete = complete;
	c->data = data;
	memcpy(c->buf, cmd, cmd_len);
	ret = vxp_cmd_queue(vxp, c, sizeof(struct virtio_gpu_ctrl_hdr));
	if (ret)
		kfree(c);
	return ret;
}

static void vxp_cmd_nowait_done(void *data, int err)
{
	struct vxp_device *vxp = data;

	/* -ENODEV: the device went away with it queued; nothing is lost. */
	if (err && err != -ENODEV)
		dev_err_ratelimited(&vxp->vdev->dev,
				    "a command nobody waits for failed: %d\n", err);
}

/**
 * vxp_ctrl_cmd_nowait() - queue a command without waiting for its answer
 * @vxp: the device
 * @cmd: the command (copied)
 * @cmd_len: its size
 *
 * For teardown commands whose outcome changes nothing (resource unref, BO
 * close): the device runs commands in queue order, so later ones still see
 * it done. A failure is logged.
 *
 * Return: 0, or -ENODEV / -ENOMEM / -EINTR if it could not be queued.
 */
int vxp_ctrl_cmd_nowait(struct vxp_device *vxp, const void *cmd, size_t cmd_len)
{
	return vxp_cmd_queue_async(vxp, cmd, cmd_len, vxp_cmd_nowait_done, vxp);
}

/**
 * vxp_ctrl_cmd_fenced() - queue a command that completes when a ring fence
 *	signals on the host
 * @vxp: the device
 * @cmd: the command, starting with a struct virtio_gpu_ctrl_hdr; its
 *	fence fields are filled in here
 * @cmd_len: size of @cmd
 * @ring: the ring of the command's context
 * @complete: called from interrupt context once the host signalled the
 *	fence (0) or the command failed (-EIO, -ENODEV on device removal)
 * @data: argument of @complete
 *
 * Does not wait. @complete is called exactly once if this returns 0, and
 * never otherwise.
 *
 * Return: 0 or a negative errno.
 */
int vxp_ctrl_cmd_fenced(struct vxp_device *vxp, void *cmd, size_t cmd_len,
			u32 ring, void (*complete)(void *data, int err),
			void *data)
{
	struct virtio_gpu_ctrl_hdr *hdr = cmd;

	if (WARN_ON(cmd_len < sizeof(*hdr) || ring >= 64))
		return -EINVAL;
	hdr->flags |= cpu_to_le32(VIRTIO_GPU_FLAG_FENCE |
				  VIRTIO_GPU_FLAG_INFO_RING_IDX);
	hdr->fence_id = cpu_to_le64(atomic64_inc_return(&vxp->fence_seq));
	hdr->ring_idx = ring;

	return vxp_cmd_queue_async(vxp, cmd, cmd_len, complete, data);
}
