// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the ccmd transport of a host context.
 *
 * A ccmd (struct xe_proxy_ccmd_req and its payload, include/xe_proxy_proto.h)
 * travels to the host in a virtio-gpu SUBMIT_3D of the file's context. The
 * host processes a ccmd before it answers the virtio command, so once
 * vxp_ctrl_cmd() returned, the response is in the response slot of the
 * context's shared-memory blob (ctx->shmem, at its rsp_mem_offset). One
 * slot per context: ctx->lock serialises ccmds from the numbering of a
 * request to the copy of its response. Host fence ids queued for release
 * (XE_PROXY_CCMD_FENCE_PUT) ride in front of the next ccmd.
 *
 * The conventions are virglrenderer's (src/drm/drm_context.c) and Mesa's
 * vdrm: the guest writes the slot's size into the response's len, and
 * the host copies back at most that much and stores the bytes it copied
 * there; the host stores a command's seqno in the shmem only when it ran
 * the command. QEMU answers a SUBMIT_3D with success whatever the host
 * made of it, so an unchanged seqno is how a refusal shows.
 *
 * Execs and binds that need not wait for the host (XE_PROXY_F_ASYNC_EXEC)
 * go out in the fenced SUBMIT_3D that retires them, each with a response
 * slot of its own at the end of the response area, read when its ring
 * fence signals (vxp_ccmd_send_async()). Commands nobody waits for that
 * need no ring (GEM_CLOSE) wait for the next submission of the context
 * (vxp_ccmd_defer()).
 *
 * While the host has not run the context's last submission yet, such
 * submissions on one ring coalesce into one SUBMIT_3D (struct vxp_batch):
 * one virtio command, one ring fence, for all of them.
 */
#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <uapi/linux/virtio_gpu.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "vxp_ccmd.h"
#include "vxp_context.h"
#include "vxp_drv.h"
#include "vxp_fence.h"
#include "vxp_resource.h"
#include "vxp_ring.h"
#include "vxp_sync.h"
#include "vxp_vq.h"

/*
 * Host fence ids whose guest fences signalled, released with the next
 * command (XE_PROXY_CCMD_FENCE_PUT) instead of a round trip of their own.
 * Called with ctx->lock held; returns the bytes written at @buf (0 if none).
 */
static size_t vxp_fence_put_cmd(struct vxp_context *ctx, void *buf)
{
	struct xe_proxy_ccmd_fence_put_req *req = buf;
	unsigned long flags;
	size_t len;
	u32 n;

	lockdep_assert_held(&ctx->lock);
	spin_lock_irqsave(&ctx->put_lock, flags);
	n = min(ctx->num_puts, VXP_PUTS_PER_CMD);
	memcpy(req->payload, ctx->puts, n * sizeof(ctx->puts[0]));
	ctx->num_puts -= n;
	memmove(ctx->puts, ctx->puts + n, ctx->num_puts * sizeof(ctx->puts[0]));
	spin_unlock_irqrestore(&ctx->put_lock, flags);
	if (!n)
		return 0;
	len = sizeof(*req) + n * sizeof(ctx->puts[0]);
	req->hdr = VXP_CCMD_HDR(XE_PROXY_CCMD_FENCE_PUT, len);
	req->count = cpu_to_le32(n);
	return len;
}

#define VXP_FENCE_PUT_MAX_LEN \
	(sizeof(struct xe_proxy_ccmd_fence_put_req) + VXP_PUTS_PER_CMD * sizeof(__le64))

/*
 * Coalescing. A submission nobody waits for (vxp_async_send()) goes out at
 * once while the host is idle, that is while it has run the context's last
 * submission (the seqno it stores in the shmem is the last one sent).
 * Otherwise it joins the context's open batch: later ones on the same ring
 * append to it, and it goes out as one SUBMIT_3D with one fence on that
 * ring when the host has caught up (the next submitter sees it), when it
 * is full, before any other submission of the context (every sender
 * flushes it first, under ctx->lock, so the stream keeps its order), as
 * soon as someone waits for one of its fences (vxp_ccmd_batch_kick()), and
 * at the latest a jiffy after it opened (ctx->batch_work), for work that
 * only a user fence in memory shows.
 *
 * Why one ring fence is right for all of them: a ring fence signals once
 * the host finished everything submitted on its ring before it
 * (docs/protocol.md, "Fences"), and every command of the batch is on that
 * ring and before the fence. So each fence of the batch signals no earlier
 * than its own command finished; it may signal later (once the last one
 * finished), as if the host had retired them together. Commands on
 * different rings never share a batch: a ring fence says nothing about
 * other rings. Each command keeps its own response slot, read when the
 * batch's fence signalled, so each fence gets its own errno.
 *
 * A batch holds execs whose ioctls returned: a failure to queue it that
 * may pass (no memory, or whoever flushes was killed while the virtqueue
 * was full) keeps it open for ctx->batch_work to retry, and meanwhile
 * nothing else of the context goes out (its sender fails instead); only a
 * failure that stays (the device gone) fails its fences. So an exec in the
 * batch counts as sent (vxp_fence_sent()): whatever names its host fence
 * goes out behind it.
 *
 * Only execs coalesce. A bind names resources, and their unref, detach and
 * map are virtio commands outside the context's ccmd stream that a bind
 * held back in a batch could see overtake it. An exec names none: its
 * queue, VM and host fences are the context's own (their destruction is a
 * ccmd, which flushes), and userptr pages it may use stay pinned until its
 * fence signals.
 */
#define VXP_BATCH_MAX		32
#define VXP_BATCH_BYTES		4096

/**
 * struct vxp_batch - submissions of one ring going out in one SUBMIT_3D
 * @submit: the SUBMIT_3D being built
 * @len: bytes of ccmds in @submit so far
 * @room: bytes @submit can still take
 * @ring: the ring of every command in it
 * @last_seqno: the seqno of its last command
 * @num: fences in @fences
 * @fences: the fences of its commands in order, each with a reference and
 *	an async response slot
 */
struct vxp_batch {
	struct virtio_gpu_cmd_submit *submit;
	size_t len;
	size_t room;
	u32 ring;
	u32 last_seqno;
	u32 num;
	struct vxp_fence *fences[VXP_BATCH_MAX];
};

static void vxp_async_slot_put(struct vxp_context *ctx, int slot);
static int vxp_async_status(struct vxp_fence *f);

/* Complete (or fail, @err) every fence of @b, in order, then free it. */
static void vxp_batch_complete(void *data, int err)
{
	struct vxp_batch *b = data;
	u32 i;

	for (i = 0; i < b->num; i++) {
		struct vxp_fence *f = b->fences[i];
		int ret = err ? err : vxp_async_status(f);

		vxp_async_slot_put(f->ctx, f->rsp_slot);
		vxp_fence_signal(f, ret);
		dma_fence_put(&f->base);
	}
	kfree(b);
}

/*
 * Whether a failure to queue a command may pass: no memory, or the sender
 * was killed while the virtqueue was full. Anything else (the device gone)
 * stays.
 */
static bool vxp_send_may_pass(int err)
{
	return err == -ENOMEM || err == -ERESTARTSYS || err == -EINTR;
}

/*
 * Send the context's open batch, if any, with its ring fence. ctx->lock is
 * held. Its execs were accepted (their ioctls returned), so a failure that
 * may pass (vxp_send_may_pass(), e.g. a fatal signal of whichever caller
 * flushes) does not fail them: the batch stays open and ctx->batch_work
 * tries again. Its caller then must not send anything itself, which would
 * overtake the batch. Only a failure that stays fails its fences.
 * Returns 0 once sent (or nothing was open), or the errno.
 */
static int vxp_batch_flush(struct vxp_context *ctx)
{
	struct vxp_batch *b = ctx->batch;
	struct virtio_gpu_cmd_submit *submit;
	u32 last, i;
	int ret;

	lockdep_assert_held(&ctx->lock);
	if (!b)
		return 0;
	/*
	 * Once queued, @b belongs to the completion, which may run (and free
	 * it) at once: take what is needed from it first.
	 */
	submit = b->submit;
	last = b->last_seqno;
	for (i = 0; i < b->num; i++)
		WRITE_ONCE(b->fences[i]->batched, false);
	submit->size = cpu_to_le32(b->len);
	ret = vxp_ctrl_cmd_fenced(ctx->vxp, submit, sizeof(*submit) + b->len,
				  b->ring, vxp_batch_complete, b);
	if (ret && vxp_send_may_pass(ret)) {
		for (i = 0; i < b->num; i++)
			WRITE_ONCE(b->fences[i]->batched, true);
		vxp_context_get(ctx);
		if (!queue_delayed_work(vxp_wq, &ctx->batch_work, 1))
			vxp_context_put(ctx);
		return ret;
	}
	ctx->batch = NULL;
	/* the device has a copy, or it failed for good */
	kfree(submit);
	if (ret)
		vxp_batch_complete(b, ret);
	else
		ctx->sent_seqno = last;
	return ret;
}

/* Whether the host has run everything the context sent. */
static bool vxp_host_idle(struct vxp_context *ctx)
{
	lockdep_assert_held(&ctx->lock);
	return le32_to_cpu(READ_ONCE(ctx->shmem->seqno)) == ctx->sent_seqno;
}

static void vxp_batch_work(struct work_struct *work)
{
	struct vxp_context *ctx = container_of(to_delayed_work(work),
					       struct vxp_context, batch_work);

	mutex_lock(&ctx->lock);
	vxp_batch_flush(ctx);
	mutex_unlock(&ctx->lock);
	vxp_context_put(ctx);
}

/**
 * vxp_ccmd_batch_kick() - send the context's batch now: someone waits
 * @ctx: the context
 *
 * For a fence whose exec waits in the batch (vxp_fence.c's
 * enable_signaling); any context, the fence's lock may be held.
 */
void vxp_ccmd_batch_kick(struct vxp_context *ctx)
{
	vxp_context_get(ctx);
	/* already queued: that work holds a reference, and now runs at once */
	if (mod_delayed_work(vxp_wq, &ctx->batch_work, 0))
		vxp_context_put(ctx);
}

/*
 * Many fences signalled between two commands (a burst of execs retiring):
 * their host ids go out in FENCE_PUT-only submissions, so the host's
 * fence limit is not spent on ids nobody waits for. Queued by
 * vxp_fence_signal() with a reference to the context.
 */
static void vxp_put_work(struct work_struct *work)
{
	struct vxp_context *ctx = container_of(work, struct vxp_context,
					       put_work);
	struct virtio_gpu_cmd_submit *submit;
	size_t len;

	submit = kzalloc(sizeof(*submit) + VXP_FENCE_PUT_MAX_LEN, GFP_KERNEL);
	mutex_lock(&ctx->lock);
	/*
	 * A batch may name ids put here: it goes first. If it could not, they
	 * wait for the next command.
	 */
	while (submit && !vxp_batch_flush(ctx) && !ctx->lost &&
	       (ctx->vxp->features & XE_PROXY_F_FENCE_PUT) &&
	       (len = vxp_fence_put_cmd(ctx, submit + 1))) {
		submit->hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_SUBMIT_3D);
		submit->hdr.ctx_id = cpu_to_le32(ctx->ctx_id);
		submit->size = cpu_to_le32(len);
		if (vxp_ctrl_cmd_nowait(ctx->vxp, submit, sizeof(*submit) + len))
			break;
		/* FENCE_PUT carries seqno 0, which the host stores too */
		ctx->sent_seqno = 0;
	}
	mutex_unlock(&ctx->lock);
	kfree(submit);
	vxp_context_put(ctx);
}

/*
 * Number @req and prepare its response slot at @rsp_off when @rsp_len asks
 * for one: its len the bytes the guest takes, the rest zeroed, or for a
 * submission nobody waits for (@async) all ones, which no host answer is,
 * so a command the host refused still shows. ctx->lock is held.
 */
static void vxp_ccmd_number(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
			    u32 rsp_off, size_t rsp_len, bool async)
{
	lockdep_assert_held(&ctx->lock);
	req->seqno = cpu_to_le32(++ctx->seqno);
	req->rsp_off = cpu_to_le32(rsp_off);
	if (le32_to_cpu(req->cmd) < VXP_CCMD_SLOTS)
		atomic64_inc(&ctx->vxp->ccmd_trips[le32_to_cpu(req->cmd)]);
	if (rsp_len) {
		struct xe_proxy_ccmd_rsp *slot = (void *)((u8 *)ctx->shmem +
							  ctx->rsp_mem_offset + rsp_off);

		memset(slot, async ? 0xff : 0, rsp_len);
		WRITE_ONCE(slot->len, cpu_to_le32(rsp_len));
	}
}

/*
 * Build the SUBMIT_3D for @req, pending fence puts and deferred commands
 * in front, with @room bytes to spare for a batch (vxp_async_send(): it
 * is not sent yet then), numbering @req (vxp_ccmd_number()). The open
 * batch goes out first. ctx->lock is held. Returns the command (kfree()
 * it) and its size, or an ERR_PTR.
 */
static struct virtio_gpu_cmd_submit *
vxp_ccmd_submit(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
		u32 rsp_off, size_t rsp_len, bool async, size_t room,
		size_t *submit_len)
{
	size_t len = le32_to_cpu(req->len), puts;
	struct virtio_gpu_cmd_submit *submit;
	int ret;

	lockdep_assert_held(&ctx->lock);
	if (WARN_ON(len < sizeof(*req) || len % 8))
		return ERR_PTR(-EINVAL);
	/* the stream keeps its order: what the batch holds came first */
	ret = vxp_batch_flush(ctx);
	if (ret)
		return ERR_PTR(ret);
	if (ctx->lost)
		return ERR_PTR(-ENODEV);
	/* the waited-for slot ends where the async slots begin */
	if (!async && rsp_len > ctx->async_rsp_off)
		return ERR_PTR(-E2BIG);
	submit = kzalloc(sizeof(*submit) + VXP_FENCE_PUT_MAX_LEN +
			 ctx->deferred_len + len + room, GFP_KERNEL);
	if (!submit)
		return ERR_PTR(-ENOMEM);

	puts = 0;
	if (ctx->vxp->features & XE_PROXY_F_FENCE_PUT)
		puts = vxp_fence_put_cmd(ctx, submit + 1);
	/* deferred commands ride along too (vxp_ccmd_defer()) */
	memcpy((u8 *)(submit + 1) + puts, ctx->deferred, ctx->deferred_len);
	puts += ctx->deferred_len;
	ctx->deferred_len = 0;
	vxp_ccmd_number(ctx, req, rsp_off, rsp_len, async);
	/* sent right after; a batch notes it once it went (vxp_batch_flush()) */
	if (!async)
		ctx->sent_seqno = ctx->seqno;
	memcpy((u8 *)(submit + 1) + puts, req, len);
	submit->hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_SUBMIT_3D);
	submit->hdr.ctx_id = cpu_to_le32(ctx->ctx_id);
	submit->size = cpu_to_le32(puts + len);
	*submit_len = sizeof(*submit) + puts + len;
	return submit;
}

/*
 * Whether the host ran @req: it stores the seqno only then. ctx->lock is
 * held. Returns 0 or -EPROTO.
 */
static int vxp_ccmd_ran(struct vxp_context *ctx,
			const struct xe_proxy_ccmd_req *req)
{
	u32 seqno = le32_to_cpu(READ_ONCE(ctx->shmem->seqno));

	lockdep_assert_held(&ctx->lock);
	if (seqno == le32_to_cpu(req->seqno))
		return 0;
	drm_err_ratelimited(ctx->vxp->drm, "ccmd %u: the host refused it (seqno %u, expected %u)\n",
			    le32_to_cpu(req->cmd), seqno, le32_to_cpu(req->seqno));
	return -EPROTO;
}

/* Copy the response of @req out of the slot; ctx->lock is held. */
static int vxp_ccmd_response(struct vxp_context *ctx,
			     const struct xe_proxy_ccmd_req *req, void *rsp,
			     size_t rsp_len)
{
	const u8 *src = (u8 *)ctx->shmem + ctx->rsp_mem_offset;
	u32 written;
	int ret;

	lockdep_assert_held(&ctx->lock);
	ret = vxp_ccmd_ran(ctx, req);
	if (ret)
		return ret;
	written = le32_to_cpu(READ_ONCE(((struct xe_proxy_ccmd_rsp *)src)->len));
	if (written < rsp_len) {
		drm_err_ratelimited(ctx->vxp->drm,
				    "ccmd %u: host wrote %u response bytes, expected %zu\n",
				    le32_to_cpu(req->cmd), written, rsp_len);
		return -EPROTO;
	}
	memcpy(rsp, src, rsp_len);
	return 0;
}

/* Send @req and collect its response; ctx->lock is held. */
static int __vxp_ccmd_send(struct vxp_context *ctx,
			   struct xe_proxy_ccmd_req *req, void *rsp,
			   size_t rsp_len)
{
	struct virtio_gpu_cmd_submit *submit;
	struct virtio_gpu_ctrl_hdr vrsp;
	size_t len;
	int ret;

	lockdep_assert_held(&ctx->lock);
	submit = vxp_ccmd_submit(ctx, req, 0, rsp ? rsp_len : 0, false, 0, &len);
	if (IS_ERR(submit))
		return PTR_ERR(submit);
	ret = vxp_ctrl_cmd(ctx->vxp, submit, len, &vrsp, sizeof(vrsp),
			   VIRTIO_GPU_RESP_OK_NODATA);
	kfree(submit);
	if (ret == -EIO) {
		/* The host refused the submission: its context is gone. */
		ctx->lost = true;
		ret = -ENODEV;
	}
	if (ret)
		return ret;
	if (!rsp)
		return vxp_ccmd_ran(ctx, req);
	return vxp_ccmd_response(ctx, req, rsp, rsp_len);
}

/**
 * vxp_ccmd_send_nowait() - send a ccmd without a response, not waiting
 * @ctx: the context
 * @req: the command
 *
 * For teardown (GEM_CLOSE): later commands of the context run after it.
 *
 * Return: 0 or an errno if it could not be queued.
 */
int vxp_ccmd_send_nowait(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req)
{
	struct virtio_gpu_cmd_submit *submit;
	size_t len;
	int ret;

	mutex_lock(&ctx->lock);
	submit = vxp_ccmd_submit(ctx, req, 0, 0, false, 0, &len);
	ret = IS_ERR(submit) ? PTR_ERR(submit) :
	      vxp_ctrl_cmd_nowait(ctx->vxp, submit, len);
	if (!IS_ERR(submit))
		kfree(submit);
	mutex_unlock(&ctx->lock);
	return ret;
}

/**
 * vxp_ccmd_defer() - send a ccmd without a response with the next one
 * @ctx: the context
 * @req: the command (copied)
 *
 * For teardown whose outcome nobody waits for (GEM_CLOSE): it costs no
 * virtio command of its own but rides in front of the context's next
 * submission, as host fence releases do; every later command of the
 * context runs after it. When the buffer is full it goes out now.
 *
 * Return: 0 or an errno if it could not be queued.
 */
int vxp_ccmd_defer(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req)
{
	size_t len = le32_to_cpu(req->len);

	if (WARN_ON(len < sizeof(*req) || len % 8 || len > VXP_DEFERRED_BYTES))
		return -EINVAL;
	mutex_lock(&ctx->lock);
	if (ctx->deferred_len + len <= VXP_DEFERRED_BYTES) {
		req->seqno = 0;
		req->rsp_off = 0;
		memcpy(ctx->deferred + ctx->deferred_len, req, len);
		ctx->deferred_len += len;
		if (le32_to_cpu(req->cmd) < VXP_CCMD_SLOTS)
			atomic64_inc(&ctx->vxp->ccmd_trips[le32_to_cpu(req->cmd)]);
		mutex_unlock(&ctx->lock);
		return 0;
	}
	mutex_unlock(&ctx->lock);
	return vxp_ccmd_send_nowait(ctx, req);
}

/**
 * vxp_ccmd_send_with_blob() - a ccmd that registers a blob_id, then the blob
 *	resource of it, with one wait for both
 * @ctx: the context
 * @req: the command (GEM_CREATE_EXT)
 * @rsp: its response buffer
 * @rsp_len: its size
 * @res_id: the resource to create
 * @blob_id: the blob_id @req registers
 * @size: the resource size
 * @blob_err: the blob creation's result (fails when the ccmd did)
 *
 * The device runs commands in queue order, so once RESOURCE_CREATE_BLOB has
 * answered, the ccmd queued before it has written its response.
 *
 * Return: 0 with @rsp filled, or a transport errno.
 */
int vxp_ccmd_send_with_blob(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
			    void *rsp, size_t rsp_len, u32 res_id, u64 blob_id,
			    u64 size, int *blob_err)
{
	struct virtio_gpu_cmd_submit *submit;
	size_t len;
	int ret;

	mutex_lock(&ctx->lock);
	submit = vxp_ccmd_submit(ctx, req, 0, rsp_len, false, 0, &len);
	if (IS_ERR(submit)) {
		ret = PTR_ERR(submit);
		goto out;
	}
	ret = vxp_ctrl_cmd_nowait(ctx->vxp, submit, len);
	kfree(submit);
	if (ret)
		goto out;
	*blob_err = vxp_blob_create(ctx, res_id, blob_id, size);
	ret = vxp_ccmd_response(ctx, req, rsp, rsp_len);
out:
	mutex_unlock(&ctx->lock);
	return ret;
}

/*
 * Send the deferred commands now, behind the open batch: for a virtio
 * command outside the ccmd stream that must not overtake them. ctx->lock
 * is held. Returns 0, or an errno with them still deferred.
 */
static int vxp_deferred_send(struct vxp_context *ctx)
{
	struct virtio_gpu_cmd_submit *submit;
	size_t len = ctx->deferred_len;
	int ret;

	lockdep_assert_held(&ctx->lock);
	if (!len)
		return 0;
	ret = vxp_batch_flush(ctx);
	if (ret)
		return ret;
	submit = kzalloc(sizeof(*submit) + len, GFP_KERNEL);
	if (!submit)
		return -ENOMEM;
	memcpy(submit + 1, ctx->deferred, len);
	submit->hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_SUBMIT_3D);
	submit->hdr.ctx_id = cpu_to_le32(ctx->ctx_id);
	submit->size = cpu_to_le32(len);
	ret = vxp_ctrl_cmd_nowait(ctx->vxp, submit, sizeof(*submit) + len);
	kfree(submit);
	if (ret)
		return ret;
	ctx->deferred_len = 0;
	/* deferred commands carry seqno 0, which the host stores too */
	ctx->sent_seqno = 0;
	return 0;
}

/**
 * vxp_blob_create_bo() - create a BO and its blob resource in one command
 * @ctx: the context
 * @res_id: the resource to create
 * @blob_id: XE_PROXY_BLOB_CREATE() of the GEM_CREATE arguments
 * @size: the BO's size
 *
 * XE_PROXY_F_GEM_CREATE_BLOB: one RESOURCE_CREATE_BLOB, waited for. Virtio's
 * answer has no errno; the host writes the GEM_CREATE's outcome into the
 * first response slot, which ctx->lock keeps ours meanwhile. A slot the
 * host left as prepared (all ones) means it refused before reading the
 * arguments: -EINVAL, as a refused base GEM_CREATE.
 *
 * Return: 0 with the resource created, or a negative errno.
 */
int vxp_blob_create_bo(struct vxp_context *ctx, u32 res_id, u64 blob_id,
		       u64 size)
{
	struct xe_proxy_ccmd_value_rsp *slot;
	__le32 status;
	int blob_err;

	mutex_lock(&ctx->lock);
	/*
	 * @res_id may have named a BO of the extended GEM_CREATE whose
	 * GEM_CLOSE (of blob_id @res_id) is deferred: the host must close
	 * that one before it makes this one under the same blob_id.
	 */
	blob_err = ctx->lost ? -ENODEV : vxp_deferred_send(ctx);
	if (blob_err) {
		mutex_unlock(&ctx->lock);
		return blob_err;
	}
	slot = (void *)((u8 *)ctx->shmem + ctx->rsp_mem_offset);
	memset(slot, 0xff, sizeof(*slot));
	WRITE_ONCE(slot->hdr.len, cpu_to_le32(sizeof(*slot)));
	blob_err = vxp_blob_create(ctx, res_id, blob_id, size);
	status = READ_ONCE(slot->ret);
	mutex_unlock(&ctx->lock);

	if (status == cpu_to_le32(U32_MAX)) {
		if (blob_err)
			return blob_err == -EIO ? -EINVAL : blob_err;
		/* a resource, but no answer: not a host of this protocol */
		drm_err_ratelimited(ctx->vxp->drm, "BO resource %u: the host wrote no answer\n",
				    res_id);
		vxp_blob_unref(ctx->vxp, res_id);
		return -EPROTO;
	}
	if (status)
		return vxp_rsp_errno(status);
	/* the host made it, yet the device refused it: make sure it goes */
	if (blob_err)
		vxp_blob_unref(ctx->vxp, res_id);
	return blob_err;
}

/**
 * vxp_ccmd_send() - send one ccmd and collect its response
 * @ctx: the context
 * @req: the command; cmd and len must be set, seqno and rsp_off are filled
 * @rsp: where to copy the response, or NULL for commands without one
 * @rsp_len: bytes of response expected
 *
 * Return: 0, -ENODEV when the host context is lost, -EPROTO when the host
 * refused the command or wrote a short response, or a transport errno.
 */
int vxp_ccmd_send(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
		  void *rsp, size_t rsp_len)
{
	int ret;

	mutex_lock(&ctx->lock);
	ret = __vxp_ccmd_send(ctx, req, rsp, rsp_len);
	mutex_unlock(&ctx->lock);
	return ret;
}

/*
 * Response slots of the submissions nobody waits for: VXP_ASYNC_SLOTS slots
 * of VXP_ASYNC_SLOT_SIZE bytes at the end of the response area, one per
 * submission in flight. A slot is taken before the submission is numbered
 * and given back once its ring fence signalled, when the host has long
 * written it; a full set makes the next submitter wait, which also bounds
 * the jobs a context has in flight on the host (xe refuses a queue's
 * 1000th with EAGAIN).
 */
static int vxp_async_slot_get(struct vxp_context *ctx)
{
	unsigned long i;

	do {
		i = find_first_zero_bit(ctx->async_slots, VXP_ASYNC_SLOTS);
		if (i >= VXP_ASYNC_SLOTS)
			return -ENOSPC;
	} while (test_and_set_bit_lock(i, ctx->async_slots));
	return i;
}

static void vxp_async_slot_put(struct vxp_context *ctx, int slot)
{
	clear_bit_unlock(slot, ctx->async_slots);
	wake_up(&ctx->async_wq);
}

/* The host's answer in @f's slot, read once its ring fence signalled. */
static int vxp_async_status(struct vxp_fence *f)
{
	struct vxp_context *ctx = f->ctx;
	const u8 *slot = (const u8 *)ctx->shmem + ctx->rsp_mem_offset +
			 ctx->async_rsp_off + f->rsp_slot * VXP_ASYNC_SLOT_SIZE;
	__le32 ret = READ_ONCE(*(const __le32 *)(slot + f->rsp_ret_off));

	if (ret == cpu_to_le32(U32_MAX)) {
		drm_err_ratelimited(ctx->vxp->drm, "a submission of context %u was refused by the host\n",
				    ctx->ctx_id);
		return -EPROTO;
	}
	return vxp_rsp_errno(ret);
}

/*
 * Submissions that wait in the guest for fences the host cannot wait for
 * (another driver's, another file's), as xe's scheduler holds a job until
 * its dependencies signal, while the ioctl returns at once. One FIFO per
 * context, under ctx->lock: once something waits, every later ring
 * submission of the context queues behind it, so rings see their fences
 * in seqno order and a queue, a VM, its binds and execs keep their order.
 * Each entry holds its fence, its response slot, the host ids its wire
 * names (pinned) and its dependencies; a dependency's callback counts
 * down, and ctx->pending_work sends what is ready from the head.
 */
struct vxp_pending_dep {
	struct dma_fence_cb cb;
	struct dma_fence *fence;
	struct vxp_pending *p;
};

struct vxp_pending {
	struct list_head link;
	struct vxp_fence *fence;
	struct xe_proxy_ccmd_req *req;
	size_t rsp_len;
	size_t ret_off;
	int slot;
	struct vxp_fence *pinned[VXP_MAX_WIRE_WAITS];
	u32 num_pinned;
	atomic_t waiting;
	u32 num_deps;
	struct vxp_pending_dep deps[] __counted_by(num_deps);
};

/* One less to wait for; the last makes the context's worker look. */
static void vxp_pending_ready(struct vxp_pending *p)
{
	struct vxp_context *ctx = p->fence->ctx;

	if (!atomic_dec_and_test(&p->waiting))
		return;
	vxp_context_get(ctx);
	if (!queue_delayed_work(vxp_wq, &ctx->pending_work, 0))
		vxp_context_put(ctx);
}

static void vxp_pending_dep_signalled(struct dma_fence *fence,
				      struct dma_fence_cb *cb)
{
	vxp_pending_ready(container_of(cb, struct vxp_pending_dep, cb)->p);
}

/*
 * Take ctx->lock once nothing of the context waits in the FIFO, for a
 * submission that goes out at once. Returns 0, or -ERESTARTSYS with the
 * lock taken all the same (the caller fails its fence under it).
 */
static int vxp_pending_lock_drained(struct vxp_context *ctx)
{
	int ret;

	for (;;) {
		mutex_lock(&ctx->lock);
		if (list_empty(&ctx->pending))
			return 0;
		mutex_unlock(&ctx->lock);
		ret = wait_event_killable(ctx->pending_wq,
					  list_empty_careful(&ctx->pending));
		if (ret) {
			mutex_lock(&ctx->lock);
			return ret;
		}
	}
}

/*
 * The last command of the open batch, of @len bytes, could not go out and
 * its sender fails it: take it back out. What rode in front of it (fence
 * releases, deferred commands, all seqno 0) stays for the retry.
 */
static void vxp_batch_drop_last(struct vxp_context *ctx, size_t len)
{
	struct vxp_batch *b = ctx->batch;
	struct vxp_fence *f = b->fences[--b->num];

	WRITE_ONCE(f->batched, false);
	dma_fence_put(&f->base);
	b->len -= len;
	b->last_seqno = 0;
	if (!b->len) {
		ctx->batch = NULL;
		kfree(b->submit);
		kfree(b);
	}
}

/*
 * Send @req, numbered now, with its response in async slot @slot, in the
 * fenced submission of @fence (already in its ring's timeline): at once
 * while the host is idle, else in the context's batch (vxp_batch_flush()).
 * ctx->lock is held. Returns 0 once it went out or waits in the batch
 * (which goes before any other command of the context), or an errno with
 * nothing sent: the caller gives the slot back and fails the fence, or
 * tries again.
 */
static int vxp_async_send(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
			  size_t rsp_len, size_t ret_off, int slot,
			  struct vxp_fence *fence)
{
	u32 rsp_off = ctx->async_rsp_off + slot * VXP_ASYNC_SLOT_SIZE;
	size_t len = le32_to_cpu(req->len), submit_len;
	struct virtio_gpu_cmd_submit *submit;
	struct vxp_batch *b = ctx->batch;
	bool coalesce = le32_to_cpu(req->cmd) == XE_PROXY_CCMD_EXEC_EXT;
	bool now;
	int ret;

	lockdep_assert_held(&ctx->lock);
	if (b && (!coalesce || b->ring != fence->ring ||
		  b->num == VXP_BATCH_MAX || len > b->room)) {
		/* it stays open if it could not go: ours must not overtake it */
		ret = vxp_batch_flush(ctx);
		if (ret)
			return ret;
	}
	b = ctx->batch;
	/* nothing to gather behind: a batch of one, without room to spare */
	now = !b && (!coalesce || vxp_host_idle(ctx));
	if (b) {
		if (WARN_ON(len < sizeof(*req) || len % 8))
			return -EINVAL;
		if (ctx->lost)
			return -ENODEV;
		vxp_ccmd_number(ctx, req, rsp_off, rsp_len, true);
		memcpy((u8 *)(b->submit + 1) + b->len, req, len);
		b->len += len;
		b->room -= len;
	} else {
		b = kzalloc_obj(*b, GFP_KERNEL);
		if (!b)
			return -ENOMEM;
		submit = vxp_ccmd_submit(ctx, req, rsp_off, rsp_len, true,
					 now ? 0 : VXP_BATCH_BYTES, &submit_len);
		if (IS_ERR(submit)) {
			kfree(b);
			return PTR_ERR(submit);
		}
		b->submit = submit;
		b->len = submit_len - sizeof(*submit);
		b->room = now ? 0 : VXP_BATCH_BYTES;
		b->ring = fence->ring;
		ctx->batch = b;
	}
	b->last_seqno = ctx->seqno;
	fence->rsp_slot = slot;
	fence->rsp_ret_off = ret_off;
	dma_fence_get(&fence->base);
	b->fences[b->num++] = fence;
	if (now || vxp_host_idle(ctx) || b->num == VXP_BATCH_MAX) {
		ret = vxp_batch_flush(ctx);
		/*
		 * Failed for now: an exec waits in the batch for the retry,
		 * which nothing overtakes. A bind may not wait (see
		 * "Coalescing"): it fails, its sender still here.
		 */
		if (ret && vxp_send_may_pass(ret) && !coalesce) {
			vxp_batch_drop_last(ctx, len);
			return ret;
		}
	} else {
		WRITE_ONCE(fence->batched, true);
		/* the backstop; a waiter sends it at once */
		vxp_context_get(ctx);
		if (!queue_delayed_work(vxp_wq, &ctx->batch_work, 1))
			vxp_context_put(ctx);
	}
	/*
	 * Pairs with vxp_fence_sent(): the host knows its id before any
	 * command that names it, which goes out behind the batch or in it.
	 * (A failure that stays failed the fence already.)
	 */
	smp_store_release(&fence->sent, true);
	return 0;
}

static void vxp_pending_free(struct vxp_pending *p)
{
	u32 i;

	for (i = 0; i < p->num_pinned; i++) {
		vxp_fence_unpin_host_id(p->pinned[i]);
		dma_fence_put(&p->pinned[i]->base);
	}
	for (i = 0; i < p->num_deps; i++)
		dma_fence_put(p->deps[i].fence);
	dma_fence_put(&p->fence->base);
	kfree(p->req);
	kfree(p);
}

/* Send what is ready from the head of the FIFO, in order. */
static void vxp_pending_work(struct work_struct *work)
{
	struct vxp_context *ctx = container_of(to_delayed_work(work),
					       struct vxp_context, pending_work);
	struct vxp_pending *p;
	bool drained;
	int ret;

	mutex_lock(&ctx->lock);
	while ((p = list_first_entry_or_null(&ctx->pending, struct vxp_pending,
					     link)) && !atomic_read(&p->waiting)) {
		ret = vxp_async_send(ctx, p->req, p->rsp_len, p->ret_off,
				     p->slot, p->fence);
		/* its ioctl returned long ago: no memory is no reason to fail it */
		if (vxp_send_may_pass(ret)) {
			vxp_context_get(ctx);
			if (!queue_delayed_work(vxp_wq, &ctx->pending_work, 1))
				vxp_context_put(ctx);
			break;
		}
		list_del_init(&p->link);
		if (ret) {
			vxp_async_slot_put(ctx, p->slot);
			vxp_fence_signal(p->fence, ret);
		}
		vxp_pending_free(p);
	}
	drained = list_empty(&ctx->pending);
	mutex_unlock(&ctx->lock);
	if (drained)
		wake_up_all(&ctx->pending_wq);
	vxp_context_put(ctx);
}

/**
 * vxp_ccmd_pending_init() - set up a context's FIFO of waiting submissions
 *	and the release of its host fence ids
 * @ctx: the context being created
 */
void vxp_ccmd_pending_init(struct vxp_context *ctx)
{
	INIT_WORK(&ctx->put_work, vxp_put_work);
	INIT_DELAYED_WORK(&ctx->batch_work, vxp_batch_work);
	INIT_LIST_HEAD(&ctx->pending);
	init_waitqueue_head(&ctx->pending_wq);
	INIT_DELAYED_WORK(&ctx->pending_work, vxp_pending_work);
}

/*
 * Queue @req behind the context's FIFO, to go out once @s's dependencies
 * signalled; takes them and @s's pinned host ids. ctx->lock is held.
 */
static int vxp_pending_add(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
			   size_t rsp_len, size_t ret_off, int slot,
			   struct vxp_fence *fence, struct vxp_syncs *s)
{
	u32 i, num_deps = s ? s->num_deps : 0;
	struct vxp_pending *p;

	lockdep_assert_held(&ctx->lock);
	p = kzalloc(struct_size(p, deps, num_deps), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->num_deps = num_deps;
	p->req = kmemdup(req, le32_to_cpu(req->len), GFP_KERNEL);
	if (!p->req) {
		kfree(p);
		return -ENOMEM;
	}
	p->fence = fence;
	dma_fence_get(&fence->base);
	p->rsp_len = rsp_len;
	p->ret_off = ret_off;
	p->slot = slot;
	if (s) {
		memcpy(p->pinned, s->pinned, s->num_pinned * sizeof(s->pinned[0]));
		p->num_pinned = s->num_pinned;
		s->num_pinned = 0;
		s->num_deps = 0;
	}
	/* the submitter's count, dropped once every callback is in place */
	atomic_set(&p->waiting, num_deps + 1);
	list_add_tail(&p->link, &ctx->pending);
	for (i = 0; i < num_deps; i++) {
		p->deps[i].p = p;
		p->deps[i].fence = s->deps[i];
		s->deps[i] = NULL;
		if (dma_fence_add_callback(p->deps[i].fence, &p->deps[i].cb,
					   vxp_pending_dep_signalled))
			atomic_dec(&p->waiting);
	}
	vxp_pending_ready(p);
	return 0;
}

static void vxp_fence_complete(void *data, int err)
{
	struct vxp_fence *f = data;

	vxp_fence_signal(f, err);
	dma_fence_put(&f->base);
}

/**
 * vxp_ccmd_send_fenced() - send a ccmd, then a fence on its ring
 * @ctx: the context
 * @req: the command, as for vxp_ccmd_send()
 * @rsp: its response buffer
 * @rsp_len: its size
 * @fence: an unpublished fence made by vxp_fence_alloc() for @req's ring
 *	(or queue, see vxp_ring.c); its ring is chosen and written into an
 *	extended @req here, the fence initialised in ring order and
 *	signalled once the host ring is past @req
 * @status: called with the ccmd's response status before the fence is
 *	queued; a nonzero return means the command failed and no fence is sent
 *
 * Return: 0, the errno @status returned, or a transport errno. On error the
 * fence is initialised and signalled with the error, so it can be put.
 */
int vxp_ccmd_send_fenced(struct vxp_context *ctx,
			 struct xe_proxy_ccmd_req *req, void *rsp,
			 size_t rsp_len, struct vxp_fence *fence,
			 int (*status)(const void *rsp))
{
	struct virtio_gpu_cmd_submit submit = {
		.hdr.type = cpu_to_le32(VIRTIO_GPU_CMD_SUBMIT_3D),
		.hdr.ctx_id = cpu_to_le32(ctx->ctx_id),
	};
	int ret;

	ret = vxp_pending_lock_drained(ctx);
	fence->ring = vxp_ring_resolve(ctx, fence->ring);
	vxp_ring_set(req, fence->ring);
	vxp_fence_init(fence, ++ctx->ring_seqno[fence->ring]);
	if (!ret)
		ret = __vxp_ccmd_send(ctx, req, rsp, rsp_len);
	if (!ret)
		ret = status(rsp);
	if (!ret) {
		/* pairs with vxp_fence_sent(): the host knows its id now */
		smp_store_release(&fence->sent, true);
		/* An empty submission whose fence retires after @req. */
		dma_fence_get(&fence->base);
		ret = vxp_ctrl_cmd_fenced(ctx->vxp, &submit, sizeof(submit),
					  fence->ring, vxp_fence_complete, fence);
		if (ret)
			dma_fence_put(&fence->base);
	}
	mutex_unlock(&ctx->lock);
	if (ret)
		vxp_fence_signal(fence, ret);
	return ret;
}

/**
 * vxp_ccmd_send_async() - send a ccmd in the fenced submission that retires
 *	it, without waiting for the host
 * @ctx: the context
 * @req: the command, as for vxp_ccmd_send(), extended (it names its ring)
 * @rsp_len: its response's size, at most VXP_ASYNC_SLOT_SIZE
 * @ret_off: where the response has its ret
 * @fence: as for vxp_ccmd_send_fenced(); it signals with the host's
 *	errno if the command failed there
 * @s: the submission's syncs, or NULL: their dependencies the host cannot
 *	wait for, and the host ids they pin, are taken if it must wait
 *
 * One SUBMIT_3D carries @req and @fence: the host runs the command, then
 * queues the fence on its ring. The command gets a response slot of its
 * own, read when @fence signals. The caller has checked whatever the host
 * driver would refuse at once, so an error there is what a hardware fault
 * would be (XE_PROXY_EXEC_FLAG_ASYNC). While @s has dependencies, or
 * earlier submissions of @ctx wait for theirs, @req waits in the guest
 * (the context's FIFO) and goes out once they signalled; @fence is in its
 * ring's timeline already, so the out-syncs can carry it.
 *
 * Return: 0 once sent or queued, or an errno (-ERESTARTSYS if killed
 * waiting for a slot); on error @fence is initialised and signalled with it.
 */
int vxp_ccmd_send_async(struct vxp_context *ctx, struct xe_proxy_ccmd_req *req,
			size_t rsp_len, size_t ret_off, struct vxp_fence *fence,
			struct vxp_syncs *s)
{
	int slot = -1, ret;

	if (WARN_ON(rsp_len > VXP_ASYNC_SLOT_SIZE || ret_off + 4 > rsp_len))
		ret = -EINVAL;
	else
		ret = wait_event_killable(ctx->async_wq,
					  (slot = vxp_async_slot_get(ctx)) >= 0);
	mutex_lock(&ctx->lock);
	fence->ring = vxp_ring_resolve(ctx, fence->ring);
	vxp_ring_set(req, fence->ring);
	vxp_fence_init(fence, ++ctx->ring_seqno[fence->ring]);
	if (!ret && ((s && s->num_deps) || !list_empty(&ctx->pending))) {
		ret = vxp_pending_add(ctx, req, rsp_len, ret_off, slot, fence, s);
		if (!ret) {
			mutex_unlock(&ctx->lock);
			return 0;
		}
	} else if (!ret) {
		ret = vxp_async_send(ctx, req, rsp_len, ret_off, slot, fence);
		if (!ret) {
			mutex_unlock(&ctx->lock);
			return 0;
		}
	}
	mutex_unlock(&ctx->lock);
	if (slot >= 0)
		vxp_async_slot_put(ctx, slot);
	vxp_fence_signal(fence, ret);
	return ret;
}
