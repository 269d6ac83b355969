// SPDX-License-Identifier: MIT
/*
 * The renderer layer's scanout links (host/vrend_shim_scanout.c), compiled
 * with stand-ins for the real library and the resource table, so a link
 * and the transfers through it run without GL: what a hostile guest kernel
 * can make of XE_PROXY_CCMD_SCANOUT, TRANSFER_TO_HOST_2D and unrefs.
 *
 * The stand-in of the real library's transfer_write_iov checks that every
 * byte the transfer names lies in the iovec it was handed (what the host
 * reads from the BO's mapping) and records the first one. The core's own
 * checks of SCANOUT are boundary_test.c's scanout_checked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vrend_shim.h"

#include "ktap.h"

/* --- stand-ins for the rest of the library ---------------------------------- */

struct shim_state shim;
struct xe_host xe_host;
static xe_host_scanout_fn scanout_fn;
static unsigned int logged;

void xe_host_set_scanout_fn(xe_host_scanout_fn fn)
{
	scanout_fn = fn;
}

/* the host library's log, counted and shown in the KTAP output */
static void xe_vlog(const char *fmt, va_list ap)
{
	logged++;
	printf("# log: ");
	vprintf(fmt, ap);
	printf("\n");
}

void xe_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xe_vlog(fmt, ap);
	va_end(ap);
}

void xe_log_ratelimited(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xe_vlog(fmt, ap);
	va_end(ap);
}

#define BO_SIZE		65536u
#define NUM_BOS		3
#define RES_BO		10	/* BO resources: 10, 11, 12 */
#define RES_2D		100	/* real 2D resources from here: 64x16 XRGB */
#define W		64
#define H		16
#define STRIDE		256

static struct shim_res bos[NUM_BOS];

struct shim_res *shim_res(uint32_t res_id)
{
	if (res_id >= RES_BO && res_id < RES_BO + NUM_BOS && bos[res_id - RES_BO].size)
		return &bos[res_id - RES_BO];
	return NULL;
}

bool shim_real_res(uint32_t res_id)
{
	return res_id >= RES_2D;
}

static int real_get_info(int res, struct virgl_renderer_resource_info *info)
{
	info->handle = res;
	info->width = res == RES_2D + 1 ? W + 1 : W;	/* 101: another size */
	info->height = H;
	info->virgl_format = res == RES_2D + 2 ? 7 : 2;	/* 7: B5G6R5, not 32-bit */
	return 0;
}

/* what the last transfer that reached the real library did */
static struct {
	unsigned int calls;
	bool in_bounds;
	uint8_t first;
} seen;

static int real_transfer_write_iov(uint32_t handle, uint32_t ctx_id, int level,
				   uint32_t stride, uint32_t layer_stride,
				   struct virgl_box *vbox, uint64_t offset,
				   struct iovec *iov, unsigned int iovec_cnt)
{
	const uint32_t *b = (const uint32_t *)vbox;	/* x, y, z, w, h, d */
	uint64_t end = offset;

	(void)handle;
	(void)layer_stride;
	seen.calls++;
	if (b[3] && b[4])
		end += (uint64_t)(b[4] - 1) * stride + (uint64_t)b[3] * 4;
	seen.in_bounds = iovec_cnt == 1 && !ctx_id && !level && offset <= iov->iov_len &&
			 end <= iov->iov_len;
	seen.first = seen.in_bounds && end > offset ?
		     ((const uint8_t *)iov->iov_base)[offset] : 0;
	return 0;
}

/* --- helpers ------------------------------------------------------------------ */

/* BO @i: a memfd of BO_SIZE bytes, each byte of page p holding @tag + p */
static void bo_new(int i, uint8_t tag, bool dmabuf)
{
	struct shim_res *r = &bos[i];
	uint8_t page[4096];

	memset(r, 0, sizeof(*r));
	r->res_id = RES_BO + i;
	r->blob.fd = memfd_create("bo", MFD_CLOEXEC);
	r->blob.fd_type = dmabuf ? XE_HOST_BLOB_FD_DMABUF : XE_HOST_BLOB_FD_SHM;
	r->size = BO_SIZE;
	r->blob.size = BO_SIZE;
	r->dmabuf = dmabuf;
	for (unsigned int p = 0; p < BO_SIZE / 4096; p++) {
		memset(page, tag + p, sizeof(page));
		if (write(r->blob.fd, page, sizeof(page)) != sizeof(page))
			r->size = 0;
	}
}

/* as virgl_renderer_resource_unref() does for one of our resources */
static void bo_unref(int i)
{
	struct shim_res *r = &bos[i];

	shim_scanout_res_gone(r->res_id);
	if (r->scan_map)
		munmap(r->scan_map, r->size);
	close(r->blob.fd);
	memset(r, 0, sizeof(*r));
}

static int scan_link(uint32_t bo, uint32_t res_2d, uint64_t offset)
{
	return scanout_fn(bo, res_2d, offset, STRIDE, W, H);
}

/* A TRANSFER_TO_HOST_2D of @res_2d as QEMU forwards it: -1 when not ours */
static int transfer(uint32_t res_2d, uint32_t x, uint32_t y, uint32_t w,
		    uint32_t h, uint32_t z, uint32_t d)
{
	uint32_t box[6] = { x, y, z, w, h, d };
	int ret;

	seen.calls = 0;
	if (!shim_scanout_transfer(res_2d, (struct virgl_box *)box, &ret))
		return -1;
	return ret;
}

/* --- cases -------------------------------------------------------------------- */

static void test_link(void)
{
	ktap_test(scan_link(RES_BO, 0, 0) == -EOPNOTSUPP, "memfd_bo_asks_for_a_copy");
	ktap_test(scan_link(RES_BO, RES_2D, 0) == XE_PROXY_SCANOUT_COPY, "link_made");
	ktap_test(scan_link(RES_BO, RES_2D + 1, 0) == -EINVAL, "link_of_other_size_refused");
	ktap_test(scan_link(RES_BO, RES_2D + 2, 0) == -EINVAL, "link_of_other_format_refused");
	ktap_test(scan_link(RES_BO, RES_BO + 1, 0) == -ENOENT, "link_to_a_bo_resource_refused");
	ktap_test(scan_link(RES_BO, 5, 0) == -ENOENT, "link_to_unknown_resource_refused");
	ktap_test(scan_link(RES_BO + 2, 0, 0) == XE_PROXY_SCANOUT_BLOB &&
		  scan_link(RES_BO + 2, RES_2D + 3, 0) == -EINVAL,
		  "dmabuf_bo_shown_as_blob_never_linked");
	ktap_test(scan_link(RES_BO, RES_2D + 4, BO_SIZE - STRIDE * (H - 1) - W * 4 + 4) ==
		  -EINVAL && transfer(RES_2D + 4, 0, 0, 1, 1, 0, 1) == -1,
		  "link_past_the_bo_refused");
}

static void test_boxes(void)
{
	static const struct {
		uint32_t x, y, w, h, z, d;
		bool ok;
		const char *what;
	} boxes[] = {
		{ 0, 0, W, H, 0, 1, true, "whole" },
		{ W - 1, H - 1, 1, 1, 0, 1, true, "last pixel" },
		{ 3, 5, 7, 2, 0, 1, true, "inside" },
		{ W, 0, 1, 1, 0, 1, false, "x past the width" },
		{ 0, 0, W + 1, 1, 0, 1, false, "wider" },
		{ 1, 0, W, 1, 0, 1, false, "x + w past the width" },
		{ 0xffffffff, 0, 2, 1, 0, 1, false, "x + w wrapping" },
		{ 0, H, 1, 1, 0, 1, false, "y past the height" },
		{ 0, 1, 1, H, 0, 1, false, "y + h past the height" },
		{ 0, 0xffffffff, 1, 2, 0, 1, false, "y + h wrapping" },
		{ 0, 0, 1, 1, 1, 1, false, "z" },
		{ 0, 0, 1, 1, 0, 0, false, "no depth" },
		{ 0, 0, 1, 1, 0, 2, false, "depth 2" },
		{ W, H, 0, 0, 0, 1, true, "empty, at the far corner" },
	};
	unsigned int bad = 0;

	for (size_t i = 0; i < sizeof(boxes) / sizeof(boxes[0]); i++) {
		int ret = transfer(RES_2D, boxes[i].x, boxes[i].y, boxes[i].w,
				   boxes[i].h, boxes[i].z, boxes[i].d);
		bool good = boxes[i].ok ? ret == 0 && seen.calls == 1 && seen.in_bounds :
				ret == EINVAL && seen.calls == 0;

		if (!good) {
			ktap_diag("box %s: ret %d, real calls %u, in bounds %d", boxes[i].what,
				  ret, seen.calls, seen.in_bounds);
			bad++;
		}
	}
	ktap_test(!bad, "transfer_boxes_checked");
	ktap_test(transfer(RES_2D, 0, 1, 1, 1, 0, 1) == 0 && seen.first == 0x10,
		  "transfer_reads_the_linked_bo");
}

static void test_lifetime(void)
{
	ktap_test(scan_link(RES_BO + 1, RES_2D, 4096) == XE_PROXY_SCANOUT_COPY &&
		  transfer(RES_2D, 0, 0, 1, 1, 0, 1) == 0 && seen.first == 0x21,
		  "link_replaced_reads_the_new_bo_at_its_offset");
	bo_unref(1);
	ktap_test(transfer(RES_2D, 0, 0, 1, 1, 0, 1) == -1, "bo_unref_drops_its_links");
	bo_new(1, 0x40, false);
	ktap_test(transfer(RES_2D, 0, 0, 1, 1, 0, 1) == -1,
		  "a_new_bo_with_the_id_is_not_linked");
	ktap_test(scan_link(RES_BO, RES_2D, 0) == XE_PROXY_SCANOUT_COPY, "link_again");
	shim_scanout_res_gone(RES_2D);
	ktap_test(transfer(RES_2D, 0, 0, 1, 1, 0, 1) == -1, "2d_unref_drops_its_link");
}

static void test_cap(void)
{
	uint32_t i;
	int ret = 0;

	for (i = 0; i < 2000 && ret >= 0; i++)
		ret = scan_link(RES_BO, RES_2D + 1000 + i, 0);
	ktap_diag("links made before one was refused: %u, then %d", i - 1, ret);
	ktap_test(ret == -ENOSPC && i - 1 >= 1000, "links_capped");
	shim_scanout_reset();
	ktap_test(transfer(RES_2D + 1000, 0, 0, 1, 1, 0, 1) == -1 &&
		  scan_link(RES_BO, RES_2D, 0) == XE_PROXY_SCANOUT_COPY,
		  "reset_forgets_links_and_links_again");
	shim_scanout_reset();
}

int main(void)
{
	ktap_header(17);
	shim.real.inited = true;
	shim.real.virgl_renderer_resource_get_info = real_get_info;
	shim.real.virgl_renderer_transfer_write_iov = real_transfer_write_iov;
	bo_new(0, 0x10, false);
	bo_new(1, 0x20, false);
	bo_new(2, 0x30, true);
	shim_scanout_init();
	if (!scanout_fn || !bos[0].size || !bos[1].size || !bos[2].size) {
		printf("Bail out! set-up\n");
		return 1;
	}
	test_link();
	test_boxes();
	test_lifetime();
	test_cap();
	for (int i = 0; i < NUM_BOS; i++)
		bo_unref(i);
	ktap_diag("log lines: %u", logged);
	return ktap_finish();
}
