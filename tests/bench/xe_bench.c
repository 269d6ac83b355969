// SPDX-License-Identifier: MIT
/*
 * Guest benchmark of the same operations over two transports:
 *
 *   xe_bench xe NODE [N]    the xe uAPI through virtio_xe_proxy
 *   xe_bench vdrm NODE [N]  user-space ccmds over stock virtio_gpu ioctls
 *                           (the reference-style transport of tests/lib/vdrm.h)
 *
 * Latencies: GEM create+close of a 64 KiB BO, one VM_BIND (map, then
 * unmap, each waited for), and an exec of a store-dword batch waited for:
 * "bench MODE OP NS_PER_OP". Throughput: N execs of that batch on one
 * queue, each signalling a fence nobody waits for but the last:
 * "rate MODE exec_throughput EXECS_PER_SECOND". In xe mode also the
 * virtio commands each ioctl costs, from the driver's debugfs round_trips
 * counters: "trips IOCTL PER_CALL [name=count...]", IOCTL being the xe
 * ioctl's name without DRM_IOCTL_XE_. CPU write bandwidth into an mmap of
 * a WB BO and, for comparison, into anonymous memory: "bw MODE
 * mmap_write|anon_write MB_PER_SECOND"; mode "host" measures only that,
 * host-direct on the simulator (LD_PRELOAD, the dynamic build):
 *
 *   xe_bench host NODE      the host's figure for the same BO
 *
 * tests/bench/run compares.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vdrm.h"

#define VA_BO		0x100000ull
#define PAT_WB		2	/* 2-way coherent on Xe2 (xe_pat.c) */

static int iters = 200;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void report(const char *mode, const char *op, uint64_t t0, int n)
{
	printf("bench %s %s %llu\n", mode, op,
	       (unsigned long long)((now_ns() - t0) / (uint64_t)n));
	fflush(stdout);
}

static void rate(const char *mode, const char *op, uint64_t t0, int n)
{
	printf("rate %s %s %.0f\n", mode, op, n * 1e9 / (double)(now_ns() - t0));
	fflush(stdout);
}

/* ---- debugfs round trips of virtio_xe_proxy ---- */

#define MAX_COUNTERS 64
struct counters {
	char name[MAX_COUNTERS][48];
	long long val[MAX_COUNTERS];
	int n;
};

static bool read_trips(struct counters *c)
{
	char path[300], kind[16], name[40];
	struct dirent *de;
	long long v;
	FILE *f = NULL;
	DIR *d = opendir("/sys/kernel/debug/dri");

	c->n = 0;
	while (d && (de = readdir(d)) && !f) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%s/round_trips",
			 de->d_name);
		f = fopen(path, "re");
	}
	if (d)
		closedir(d);
	if (!f)
		return false;
	while (c->n < MAX_COUNTERS && fscanf(f, "%15s %39s %lld", kind, name, &v) == 3) {
		if (strcmp(kind, "virtio"))
			continue;
		snprintf(c->name[c->n], sizeof(c->name[0]), "%s", name);
		c->val[c->n++] = v;
	}
	fclose(f);
	return true;
}

static void report_trips(const char *op, const struct counters *a,
			 const struct counters *b, int n)
{
	long long total = 0;
	int i;

	printf("trips %s", op);
	for (i = 0; i < a->n && i < b->n; i++)
		total += b->val[i] - a->val[i];
	printf(" %.2f", (double)total / n);
	for (i = 0; i < a->n && i < b->n; i++)
		if (b->val[i] != a->val[i])
			printf(" %s=%.2f", b->name[i], (double)(b->val[i] - a->val[i]) / n);
	printf("\n");
	fflush(stdout);
}

/* ---- the xe uAPI ---- */

static int xioctl(unsigned long req, void *arg)
{
	return ioctl_retry(req, arg) ? -errno : 0;
}

static uint32_t xe_syncobj(void)
{
	struct drm_syncobj_create c = { 0 };

	return xioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : c.handle;
}

static int xe_wait(uint32_t h)
{
	struct drm_syncobj_wait w = { .handles = (uintptr_t)&h, .count_handles = 1,
				      .timeout_nsec = INT64_MAX };
	int ret = xioctl(DRM_IOCTL_SYNCOBJ_WAIT, &w);
	struct drm_syncobj_array r = { .handles = (uintptr_t)&h, .count_handles = 1 };

	xioctl(DRM_IOCTL_SYNCOBJ_RESET, &r);
	return ret;
}

static int xe_bind(uint32_t vm, uint32_t op, uint32_t bo, uint32_t so)
{
	struct drm_xe_sync sync = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
				    .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
	struct drm_xe_vm_bind b = {
		.vm_id = vm, .num_binds = 1,
		.bind = { .obj = bo, .range = BO_SIZE, .addr = VA_BO, .op = op,
			  .pat_index = op == DRM_XE_VM_BIND_OP_MAP ? PAT_WB : 0 },
		.num_syncs = 1, .syncs = (uintptr_t)&sync,
	};
	int ret = xioctl(DRM_IOCTL_XE_VM_BIND, &b);

	return ret ? ret : xe_wait(so);
}

/* GEM_CREATE and GEM_CLOSE, each counted on its own. */
/*
 * BOs held at once to count GEM_CREATE's and GEM_CLOSE's commands: capped,
 * so that a long run stays under the host's per-guest BO limit (8192).
 */
#define TRIPS_GEM_MAX	1024

static int trips_gem(struct drm_xe_gem_create *gc)
{
	int i, n = iters < TRIPS_GEM_MAX ? iters : TRIPS_GEM_MAX;
	uint32_t *handles = calloc(n, sizeof(*handles));
	struct counters c0, c1;

	if (!handles)
		return 1;
	read_trips(&c0);
	for (i = 0; i < n; i++) {
		gc->handle = 0;
		if (xioctl(DRM_IOCTL_XE_GEM_CREATE, gc))
			return 1;
		handles[i] = gc->handle;
	}
	read_trips(&c1);
	report_trips("GEM_CREATE", &c0, &c1, n);
	read_trips(&c0);
	for (i = 0; i < n; i++) {
		struct drm_gem_close cl = { .handle = handles[i] };

		if (xioctl(DRM_IOCTL_GEM_CLOSE, &cl))
			return 1;
	}
	read_trips(&c1);
	report_trips("GEM_CLOSE", &c0, &c1, n);
	free(handles);
	return 0;
}

/* The ioctls the guest answers alone: they must cost no virtio command. */
static int trips_free(struct drm_xe_gem_mmap_offset *mo)
{
	struct drm_xe_query_config cfg[8];
	struct drm_xe_device_query q = { .query = DRM_XE_DEVICE_QUERY_CONFIG };
	uint64_t passed = 1;
	struct drm_xe_wait_user_fence w = {
		.addr = (uintptr_t)&passed, .op = DRM_XE_UFENCE_WAIT_OP_EQ,
		.value = 1, .mask = ~0ull, .timeout = 1000000000,
	};
	struct counters c0, c1;
	int i;

	if (xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q) || q.size > sizeof(cfg))
		return 1;
	q.data = (uintptr_t)cfg;
	/* the first answer is fetched; later ones come from the cache */
	if (xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q))
		return 1;
	read_trips(&c0);
	for (i = 0; i < iters; i++)
		if (xioctl(DRM_IOCTL_XE_DEVICE_QUERY, &q))
			return 1;
	read_trips(&c1);
	report_trips("DEVICE_QUERY", &c0, &c1, iters);

	read_trips(&c0);
	for (i = 0; i < iters; i++)
		if (xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, mo))
			return 1;
	read_trips(&c1);
	report_trips("GEM_MMAP_OFFSET", &c0, &c1, iters);

	read_trips(&c0);
	for (i = 0; i < iters; i++)
		if (xioctl(DRM_IOCTL_XE_WAIT_USER_FENCE, &w))
			return 1;
	read_trips(&c1);
	report_trips("WAIT_USER_FENCE", &c0, &c1, iters);

	read_trips(&c0);
	for (i = 0; i < iters; i++) {
		uint32_t h = xe_syncobj();
		struct drm_syncobj_destroy d = { .handle = h };

		if (!h || xioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d))
			return 1;
	}
	read_trips(&c1);
	report_trips("SYNCOBJ", &c0, &c1, 2 * iters);
	return 0;
}

/* ---- CPU write bandwidth of a WB BO's mmap ---- */

#define BW_SIZE		(8u << 20)	/* within one window granule */
#define BW_ROUNDS	8

/* MB/s of memset() over @p, after a first pass that faults it in. */
static double write_bw(uint8_t *p)
{
	uint64_t t0;
	int r;

	memset(p, 0, BW_SIZE);
	t0 = now_ns();
	for (r = 0; r < BW_ROUNDS; r++) {
		memset(p, r + 1, BW_SIZE);
		__asm__ volatile("" : : "r"(p) : "memory");
	}
	return (double)BW_SIZE * BW_ROUNDS * 1e3 / (double)(now_ns() - t0);
}

static int run_bw(const char *mode)
{
	struct drm_xe_gem_create gc = { .size = BW_SIZE, .placement = 1,
					.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_gem_mmap_offset mo = { 0 };
	uint8_t *map, *anon;

	if (xioctl(DRM_IOCTL_XE_GEM_CREATE, &gc))
		return 1;
	mo.handle = gc.handle;
	if (xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return 1;
	map = mmap(NULL, BW_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	anon = mmap(NULL, BW_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || anon == MAP_FAILED)
		return 1;
	printf("bw %s mmap_write %.0f\n", mode, write_bw(map));
	printf("bw %s anon_write %.0f\n", mode, write_bw(anon));
	fflush(stdout);
	/* what was written is what the BO holds */
	if (map[0] != BW_ROUNDS || map[BW_SIZE - 1] != BW_ROUNDS)
		return 1;
	munmap(map, BW_SIZE);
	munmap(anon, BW_SIZE);
	return 0;
}

static int run_xe(void)
{
	struct drm_xe_gem_create gc = { .size = BO_SIZE, .placement = 1,
					.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_engine_class_instance eci = { .engine_class = DRM_XE_ENGINE_CLASS_RENDER };
	struct drm_xe_exec_queue_create qc = { .width = 1, .num_placements = 1,
					       .instances = (uintptr_t)&eci };
	struct drm_xe_vm_create vc = { 0 };
	struct drm_xe_gem_mmap_offset mo = { 0 };
	struct drm_gem_close cl = { 0 };
	struct counters c0, c1;
	uint32_t so, bo, *map;
	uint64_t t0;
	int i;

	if (xioctl(DRM_IOCTL_XE_VM_CREATE, &vc) || !(so = xe_syncobj()))
		return 1;
	qc.vm_id = vc.vm_id;
	if (xioctl(DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc))
		return 1;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		gc.handle = 0;
		if (xioctl(DRM_IOCTL_XE_GEM_CREATE, &gc))
			return 1;
		cl.handle = gc.handle;
		if (xioctl(DRM_IOCTL_GEM_CLOSE, &cl))
			return 1;
	}
	report("xe", "gem_create_close", t0, iters);
	if (trips_gem(&gc))
		return 1;

	gc.handle = 0;
	if (xioctl(DRM_IOCTL_XE_GEM_CREATE, &gc))
		return 1;
	bo = gc.handle;
	read_trips(&c0);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		if (xe_bind(vc.vm_id, DRM_XE_VM_BIND_OP_MAP, bo, so) ||
		    xe_bind(vc.vm_id, DRM_XE_VM_BIND_OP_UNMAP, 0, so))
			return 1;
	report("xe", "vm_bind", t0, 2 * iters);
	read_trips(&c1);
	report_trips("VM_BIND", &c0, &c1, 2 * iters);

	mo.handle = bo;
	if (xe_bind(vc.vm_id, DRM_XE_VM_BIND_OP_MAP, bo, so) ||
	    xioctl(DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return 1;
	map = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	if (map == MAP_FAILED)
		return 1;
	test_store_dword_batch(map, VA_BO + 0x800, 0xc0ffee);
	read_trips(&c0);
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		struct drm_xe_sync sync = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
					    .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
		struct drm_xe_exec e = { .exec_queue_id = qc.exec_queue_id,
					 .num_batch_buffer = 1, .address = VA_BO,
					 .num_syncs = 1, .syncs = (uintptr_t)&sync };

		if (xioctl(DRM_IOCTL_XE_EXEC, &e) || xe_wait(so))
			return 1;
	}
	report("xe", "exec_wait", t0, iters);
	read_trips(&c1);
	report_trips("EXEC", &c0, &c1, iters);

	/* throughput: nobody waits but for the last */
	read_trips(&c0);
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		struct drm_xe_sync sync = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
					    .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = so };
		struct drm_xe_exec e = { .exec_queue_id = qc.exec_queue_id,
					 .num_batch_buffer = 1, .address = VA_BO,
					 .num_syncs = 1, .syncs = (uintptr_t)&sync };

		if (xioctl(DRM_IOCTL_XE_EXEC, &e))
			return 1;
	}
	rate("xe", "exec_submit", t0, iters);
	if (xe_wait(so))
		return 1;
	rate("xe", "exec_throughput", t0, iters);
	read_trips(&c1);
	report_trips("EXEC_nowait", &c0, &c1, iters);
	if (trips_free(&mo) || run_bw("xe"))
		return 1;
	return map[0x800 / 4] == 0xc0ffee ? 0 : 1;
}

/* ---- the same over stock virtio_gpu ---- */

/* Send the stream with an out-fence on @ring; its sync_file fd, or -errno. */
static int submit_fence(uint32_t ring)
{
	struct drm_virtgpu_execbuffer eb = {
		.flags = VIRTGPU_EXECBUF_FENCE_FD_OUT | VIRTGPU_EXECBUF_RING_IDX,
		.size = (uint32_t)s.len,
		.command = (uintptr_t)s.buf,
		.fence_fd = -1,
		.ring_idx = ring,
	};
	int ret = ioctl_retry(DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb);

	ccmd_reset(&s);
	return ret ? -errno : eb.fence_fd;
}

static int run_vdrm(void)
{
	struct xe_proxy_ccmd_vm_create_rsp *vr;
	struct xe_proxy_ccmd_exec_queue_create_rsp *qr;
	uint32_t vm, queue, ring, res, *map;
	struct pollfd p;
	uint64_t t0;
	int i, last = -1;

	ccmd_vm_create(&s, 0, 0);
	if (submit_wait(0))
		return 1;
	vr = rsp(0);
	vm = vr->vm_id;
	ccmd_exec_queue_create(&s, vm, DRM_XE_ENGINE_CLASS_RENDER, 0, 0);
	if (submit_wait(0))
		return 1;
	qr = rsp(0);
	queue = qr->exec_queue_id;
	ring = queue < NUM_RINGS - 1 ? queue + 1 : 1 + queue % (NUM_RINGS - 1);

	/* GEM_CREATE ccmd + blob resource, then resource unref + GEM_CLOSE */
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		struct drm_virtgpu_resource_create_blob cb = {
			.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
			.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
			.size = BO_SIZE, .blob_id = 1000 + i,
		};
		struct drm_gem_close cl = { 0 };

		ccmd_gem_create_ext(&s, BO_SIZE, 1, 0, 0, 1000 + i,
				    DRM_XE_GEM_CPU_CACHING_WB, 0);
		if (submit_nowait(0) ||
		    ioctl_retry(DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &cb))
			return 1;
		cl.handle = cb.bo_handle;
		ccmd_gem_close(&s, 1000 + i);
		if (ioctl_retry(DRM_IOCTL_GEM_CLOSE, &cl) || submit_nowait(0))
			return 1;
	}
	report("vdrm", "gem_create_close", t0, iters);

	ccmd_gem_create_ext(&s, BO_SIZE, 1, 0, 0, 1, DRM_XE_GEM_CPU_CACHING_WB, 0);
	if (submit_wait(0) || !(map = blob_map(1, BO_SIZE, &res)))
		return 1;
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		ccmd_vm_bind(&s, vm, DRM_XE_VM_BIND_OP_MAP, 0, res, 0, VA_BO, BO_SIZE, 0);
		if (submit_wait(0))
			return 1;
		ccmd_vm_bind(&s, vm, DRM_XE_VM_BIND_OP_UNMAP, 0, 0, 0, VA_BO, BO_SIZE, 0);
		if (submit_wait(0))
			return 1;
	}
	report("vdrm", "vm_bind", t0, 2 * iters);

	ccmd_vm_bind(&s, vm, DRM_XE_VM_BIND_OP_MAP, 0, res, 0, VA_BO, BO_SIZE, 0);
	if (submit_wait(0))
		return 1;
	test_store_dword_batch(map, VA_BO + 0x800, 0xc0ffee);
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		ccmd_exec(&s, queue, VA_BO, 0);
		if (submit_wait(ring))
			return 1;
	}
	report("vdrm", "exec_wait", t0, iters);

	/* each exec with its out-fence, as a driver's; waited for at the end */
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		ccmd_exec(&s, queue, VA_BO, 0);
		last = submit_fence(ring);
		if (last < 0)
			return 1;
		if (i + 1 < iters)
			close(last);
	}
	rate("vdrm", "exec_submit", t0, iters);
	p = (struct pollfd){ .fd = last, .events = POLLIN };
	if (poll(&p, 1, 10000) != 1)
		return 1;
	close(last);
	rate("vdrm", "exec_throughput", t0, iters);
	return map[0x800 / 4] == 0xc0ffee ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: xe_bench xe|vdrm|host NODE [ITERATIONS]\n");
		return 2;
	}
	if (argc > 3)
		iters = atoi(argv[3]) > 0 ? atoi(argv[3]) : iters;
	if (!strcmp(argv[1], "xe") || !strcmp(argv[1], "host")) {
		fd = open(argv[2], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return 1;
		return strcmp(argv[1], "host") ? run_xe() : run_bw("host");
	}
	if (!vdrm_open(argv[2], NUM_RINGS))
		return 1;
	return run_vdrm();
}
