// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: arbitrary ccmd streams into the host core, against the
 * simulated xe device preloaded into the process (tests/sim). Built with
 * ASan + UBSan and run by `FUZZ_TARGET=ccmd tests/fuzz/run`: some 100 times
 * the executions per second of abi_fuzz.c, which `make fuzz-host` runs and
 * which covers this and the rest of the ABI.
 *
 * Every context starts with a shmem and one BO with a resource (res 2,
 * blob_id 1), so inputs can reach the bind and exec paths. The context is
 * replaced every so often so state from old inputs does not pile up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <drm/xe_drm.h>

#include "xe_host.h"
#include "xe_ccmd.h"

#define INPUTS_PER_CONTEXT 256

static struct xe_host_ctx *ctx;
static unsigned int inputs;

static void fence_cb(void *cookie, uint32_t ctx_id, uint32_t ring, uint64_t id)
{
	(void)cookie;
	(void)ctx_id;
	(void)ring;
	(void)id;
}

static void new_context(void)
{
	static struct ccmd_stream s;
	struct xe_host_blob blob;

	xe_host_ctx_destroy(ctx);
	ctx = xe_host_ctx_create(1, "fuzz", 4);
	if (!ctx)
		abort();
	if (xe_host_ctx_create_blob(ctx, 1, 0, 65536, 0, &blob))
		abort();
	close(blob.fd);
	ccmd_reset(&s);
	ccmd_gem_create_ext(&s, 65536, 1, 0, 0, 1, DRM_XE_GEM_CPU_CACHING_WB, 0);
	xe_host_ctx_submit(ctx, s.buf, s.len);
	if (!xe_host_ctx_create_blob(ctx, 2, 1, 65536, 0, &blob))
		close(blob.fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (xe_host_init(NULL, fence_cb)) {
		fprintf(stderr, "ccmd_fuzz: no xe device (preload the simulator)\n");
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx || ++inputs % INPUTS_PER_CONTEXT == 0)
		new_context();
	xe_host_ctx_submit(ctx, data, size);
	return 0;
}
