// SPDX-License-Identifier: MIT
/*
 * Stateful libFuzzer target over the whole virglrenderer ABI of the drop-in
 * library, driven as a hostile guest and its QEMU device model would drive
 * it. The host sources (host/xe_host_*.c, host/vrend_shim*.c) are built into
 * the binary with ASan + UBSan and coverage (this file without coverage, so
 * only the library's edges guide the fuzzer); the simulated xe driver
 * (tests/sim, LD_PRELOAD) stands in for the kernel. tests/fuzz/run builds and
 * runs it; `make fuzz-host FUZZ_SECONDS=N` for a long run.
 *
 * An input is a sequence of operations, an opcode byte each followed by its
 * arguments (OP_* below): context create/destroy (ids 1-8, capset DRM);
 * HOST3D blobs of blob_id 0 (the shmem page) and of blob_ids earlier
 * GEM_CREATEs registered; guest-memory blobs whose iovecs are pieces of a
 * fuzzer-owned "guest RAM" mapping; map, unmap, map_fixed into a PROT_NONE
 * window standing for QEMU's host-visible BAR, and QEMU's way of unmapping
 * that; detach_iov, unref, ctx attach/detach (an attached BO resource is
 * then named by that context's ccmds too), get_info(_ext), get_map_info,
 * export_blob; submit_cmd of well-formed streams of every ccmd (ids biased
 * to VMs, queues, blob_ids, host fences and GPU mappings learned from
 * earlier responses in the shmem page) plus raw commands and repeats;
 * guest writes into the shmem page (header included), BOs (batches too)
 * and guest RAM; context fences; poll; reset (and init again); teardown of
 * everything; the rest of the ABI with guest-chosen ids.
 *
 * State lives across inputs: contexts, resources, mappings, VMs, queues and
 * fences stay until an input destroys them (or, every HISTORY_MAX inputs, a
 * forced teardown keeps reproducers bounded). QEMU's ordering rules are
 * kept: it unmaps and detaches a resource before it unrefs it, hands the
 * library real mappings only, and frees the iovec array it gets back from
 * detach_iov (poisoned here until the unref).
 *
 * Oracles, besides ASan and UBSan:
 *  - fds: the fds the library holds stay under the bound the per-guest
 *    limits set below imply (docs/security.md); when every context is
 *    destroyed and every resource unreffed, the count is back to the first
 *    input's at once, but for render nodes the library's reaper closes once
 *    the GPU work of their VMs is over (documented) and the simulator's own
 *    fds, which must be gone two minutes later;
 *  - fences: every context fence is reported once, in creation order per
 *    (context, ring), unless its context was destroyed first; none is
 *    reported that was never created; none stays pending for minutes;
 *  - ioctls (the core's xe_ioctl() is wrapped at link time): MAP_USERPTR
 *    binds reach only guest RAM pieces of a live, attached guest-memory
 *    resource of the same context; a bind user fence address is never in
 *    memory the guest can make the host unmap (BO and blob mappings, the
 *    shmem page) or reach (its RAM, the window); exec-queue properties the
 *    driver gets are value-only ones;
 *  - host munmap()s (host sources are built with -Dmunmap=abi_fuzz_host_munmap)
 *    leave a zero-page quarantine behind; any later access to it (a user
 *    fence written into a BO mapping the host already dropped, a stale
 *    response pointer) makes a page resident, which is checked;
 *  - guest pages of a detached guest-memory resource become PROT_NONE
 *    10 s (ABI_FUZZ_REVOKE_MS) after the detach (unless another resource covers
 *    them): a userptr binding that outlived the detach faults when the GPU
 *    (the simulator) touches them;
 *  - no ABI call blocks QEMU's thread for more than ABI_FUZZ_STALL_MS.
 *
 * Each input is appended to $ABI_FUZZ_HISTORY (tests/fuzz/run sets it) since
 * the last time the state was empty; that file is itself an input ("ABIHIST1"
 * followed by u32-length records) which replays the whole sequence in a
 * fresh process, so a crash that needed earlier inputs still reproduces.
 *
 * Environment:
 *   ABI_FUZZ_TRACE=1        print every operation
 *   ABI_FUZZ_SKIP=a,b       oracles to switch off: fdbound, fdleak, fence,
 *                           userptr, ufence, props, quarantine, revoke,
 *                           stall; and shmemhdr, which keeps the guest off
 *                           the shmem header (to look past a bug there)
 *   ABI_FUZZ_POLL_FENCES=1  init without VIRGL_RENDERER_ASYNC_FENCE_CB
 *   ABI_FUZZ_STALL_MS, ABI_FUZZ_REVOKE_MS, ABI_FUZZ_SUSPECT_MS
 *                           the delays above (4000, 10000, 120000)
 *   ABI_FUZZ_HOLD=N         keep a failing process N s (for a debugger)
 *   ABI_FUZZ_HISTORY=file   where the inputs since the last empty state go
 *   ABI_FUZZ_REPLAY=1       a saved history runs its delayed checks too
 *   ABI_FUZZ_WRITE_SEEDS=d  write the seed inputs into d and exit
 */
/* The host sources are built with -Dmunmap=abi_fuzz_host_munmap; not this one. */
#undef munmap
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

#include "vrend_shim.h"

/* virglrenderer's box (virgl_hw.h); the header only declares it */
struct virgl_box {
	int x, y, z, w, h, d;
};

/* --- limits, sizes ---------------------------------------------------------- */

#define NCTX		8		/* context ids 1..NCTX */
#define NRES		48		/* resource ids 1..NRES */
#define NRINGS		64
#define PAGE		4096u
#define RAM_SIZE	(64u << 20)	/* the guest's RAM */
#define RAM_PAGES	(RAM_SIZE / PAGE)
#define WIN_SIZE	(256u << 20)	/* QEMU's host-visible window */
#define SB_MAX		(64u * 1024)	/* one submit_cmd buffer */
#define HISTORY_MAX	2048		/* inputs before a forced teardown */
#define FENCE_STUCK_NS	(120ull * 1000000000)
#define FD_SLACK	8

/*
 * Small per-guest limits, so that guests reach them often, and the host's
 * opt-in features on, so that they are fuzzed too (unknown variables are
 * ignored; the environment overrides these).
 */
static const struct {
	const char *name, *value;
} limits[] = {
	{ "XE_PROXY_USERPTR", "1" },
	{ "XE_PROXY_FAULT_MODE", "1" },
	{ "XE_PROXY_MEM_LIMIT", "32M" },
	{ "XE_PROXY_MAX_CONTEXTS", "6" },
	{ "XE_PROXY_MAX_VMS", "4" },
	{ "XE_PROXY_MAX_EXEC_QUEUES", "6" },
	{ "XE_PROXY_MAX_FENCES", "32" },
	{ "XE_PROXY_MAX_BOS", "12" },
	{ "XE_PROXY_MAX_MAPPINGS", "8" },
};

/* --- input decoding ----------------------------------------------------------- */

static const uint8_t *in_p;
static size_t in_n;

static uint8_t u8(void)
{
	if (!in_n)
		return 0;
	in_n--;
	return *in_p++;
}

static uint16_t u16(void)
{
	uint16_t v = u8();

	return v | (uint16_t)(u8() << 8);
}

static uint32_t u32(void)
{
	uint32_t v = u16();

	return v | (uint32_t)u16() << 16;
}

static uint64_t u64(void)
{
	uint64_t v = u32();

	return v | (uint64_t)u32() << 32;
}

static void take(void *dst, size_t n)
{
	size_t k = n < in_n ? n : in_n;

	memcpy(dst, in_p, k);
	memset((char *)dst + k, 0, n - k);
	in_p += k;
	in_n -= k;
}

/* --- diagnostics ------------------------------------------------------------- */

static bool trace;
static char skip_list[256];
/*
 * The simulator's job timeout is 5 s, so a host waiting for GPU work blocks
 * about that long; its global lock, held while its worker runs queued jobs,
 * and a loaded 2-core machine can delay a call for a second or two.
 */
static uint64_t stall_ns = 4000ull * 1000000;
/* longer than the simulator's job timeout: work queued before a detach is over */
static uint64_t revoke_delay_ns = 10000ull * 1000000;
static uint64_t n_inputs;

#define T(...) do { if (trace) fprintf(stderr, "abi_fuzz: " __VA_ARGS__); } while (0)

static bool skipped(const char *oracle)
{
	char key[40];

	snprintf(key, sizeof(key), ",%s,", oracle);
	return strstr(skip_list, key) != NULL;
}

__attribute__((noreturn, format(printf, 2, 3)))
static void fail(const char *oracle, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\nabi_fuzz: ORACLE %s FAILED (input %" PRIu64 "): ",
		oracle, n_inputs);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	/* time to attach a debugger to the process as it is */
	if (getenv("ABI_FUZZ_HOLD")) {
		fprintf(stderr, "abi_fuzz: holding pid %d for %s s\n", getpid(),
			getenv("ABI_FUZZ_HOLD"));
		fflush(stderr);
		sleep((unsigned int)atoi(getenv("ABI_FUZZ_HOLD")));
	}
	fflush(stderr);
	abort();
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* Time one ABI call: QEMU's main loop must never wait on the host. */
#define CALL(name, expr) ({						\
		uint64_t t0_ = now_ns(), c0_ = cpu_ns();		\
		__typeof__(expr) r_ = (expr);				\
		stall_check(t0_, c0_, name);				\
		r_; })
#define CALLV(name, expr) do {						\
		uint64_t t0_ = now_ns(), c0_ = cpu_ns();		\
		expr;							\
		stall_check(t0_, c0_, name);				\
	} while (0)

static void stall_check(uint64_t t0, uint64_t c0, const char *name)
{
	uint64_t dt = now_ns() - t0;

	/* the thread's CPU time tells a wait from a busy loop */
	if (dt > stall_ns && !skipped("stall"))
		fail("stall", "%s blocked the caller for %" PRIu64 " ms (%" PRIu64 " ms of it on the CPU)",
		     name, dt / 1000000, (cpu_ns() - c0) / 1000000);
}

/* --- state ------------------------------------------------------------------ */

enum res_kind { RK_SHMEM = 1, RK_BO, RK_GUEST };

struct gres {
	bool live;
	enum res_kind kind;
	uint32_t ctx_id;
	uint32_t ctx_gen;
	uint64_t size;
	uint32_t blob_id;
	void *map;		/* virgl_renderer_resource_map() */
	uint64_t map_size;
	uint8_t *fixed;		/* map_fixed into the window */
	uint64_t fixed_size;
	struct iovec *iov;	/* "QEMU's" array, poisoned once detached */
	struct iovec *pieces;	/* our own copy, for the oracles */
	int niov;
	bool detached;
	uint32_t attached;	/* bit per context slot: CTX_ATTACH_RESOURCE */
};

struct gmap {
	uint64_t addr, range;
	uint32_t res_id;	/* 0: guest memory or NULL binding */
	bool userptr;
};

#define RING(T, N) struct { T v[N]; uint32_t n, next; }
#define RING_ADD(r, x) do {						\
		(r).v[(r).next++ % (sizeof((r).v) / sizeof((r).v[0]))] = (x); \
		if ((r).n < sizeof((r).v) / sizeof((r).v[0]))		\
			(r).n++;					\
	} while (0)

struct gblob {
	uint32_t id;
	uint64_t size;
};

struct gctx {
	bool live;
	uint32_t gen;
	uint32_t seqno;
	uint32_t next_blob;
	uint64_t next_hfence;
	uint64_t batch_va;	/* GPU address of the last batch written */
	RING(uint32_t, 8) vms;
	RING(uint32_t, 16) queues;
	RING(struct gblob, 16) blobs;
	RING(uint64_t, 16) hfences;
	RING(struct gmap, 16) maps;
};

static struct gctx C[NCTX + 1];
static struct gres R[NRES + 1];
static uint32_t ctx_gen_counter;
static uint8_t *ram, *win;
static uint16_t ram_cover[RAM_PAGES];
static uint8_t ram_revoked[RAM_PAGES];
static uint32_t query_size[16];
static int cookie;
static int init_flags;
static struct virgl_renderer_callbacks cbs;

static struct {
	uint64_t ops[32], op_ns[32];
	uint64_t fences_created, fences_delivered, fences_stale, fences_stale_live;
	uint64_t ctx0_fences;
	uint64_t submits, cmds, teardowns, forced_teardowns, resets;
	uint64_t revoked_pages, quarantined, fd_checks, fd_clean_checks;
	uint64_t max_fds;
} st;

/* --- fence oracle -------------------------------------------------------------- */

struct fent {
	uint64_t id;
	uint64_t t;
	bool mergeable;
};

struct fqueue {
	struct fent *e;
	uint32_t head, tail, cap;
};

static pthread_mutex_t fence_mu = PTHREAD_MUTEX_INITIALIZER;
static struct fqueue FQ[NCTX + 1][NRINGS];
static uint64_t dropped[4096];
static uint32_t dropped_next;
static uint64_t fence_counter;

static void fq_push(struct fqueue *q, struct fent f)
{
	if (q->tail == q->cap) {
		if (q->head) {
			memmove(q->e, q->e + q->head, (q->tail - q->head) * sizeof(*q->e));
			q->tail -= q->head;
			q->head = 0;
		} else {
			q->cap = q->cap ? q->cap * 2 : 8;
			q->e = realloc(q->e, q->cap * sizeof(*q->e));
			if (!q->e)
				abort();
		}
	}
	q->e[q->tail++] = f;
}

/* Everything pending on @slot was dropped by a destroy or reset. */
static void fences_drop_ctx(uint32_t slot)
{
	pthread_mutex_lock(&fence_mu);
	for (uint32_t r = 0; r < NRINGS; r++) {
		struct fqueue *q = &FQ[slot][r];

		for (uint32_t i = q->head; i < q->tail; i++)
			dropped[dropped_next++ % 4096] = q->e[i].id;
		q->head = q->tail = 0;
	}
	pthread_mutex_unlock(&fence_mu);
}

static void write_context_fence(void *ck, uint32_t ctx_id, uint32_t ring,
				uint64_t id)
{
	struct fqueue *q;
	uint32_t i, j;

	(void)ck;
	pthread_mutex_lock(&fence_mu);
	if (skipped("fence")) {
		st.fences_delivered++;
		pthread_mutex_unlock(&fence_mu);
		return;
	}
	if (ctx_id < 1 || ctx_id > NCTX || ring >= NRINGS)
		fail("fence", "fence %" PRIu64 " reported for context %u ring %u, which never had one",
		     id, ctx_id, ring);
	q = &FQ[ctx_id][ring];
	for (i = q->head; i < q->tail && q->e[i].id != id; i++)
		;
	if (i < q->tail) {
		for (j = q->head; j < i; j++)
			if (!q->e[j].mergeable)
				fail("fence", "context %u ring %u: fence %" PRIu64 " reported before %" PRIu64 ", created earlier",
				     ctx_id, ring, id, q->e[j].id);
		q->head = i + 1;
		st.fences_delivered++;
		pthread_mutex_unlock(&fence_mu);
		return;
	}
	for (i = 0; i < 4096; i++) {
		if (dropped[i] == id) {
			dropped[i] = 0;
			st.fences_stale++;
			/*
			 * QEMU completes every pending fence of (ctx, ring) up
			 * to this id: harmless while a new context's ids are
			 * higher, as the guest's global fence counter makes them.
			 */
			if (q->head < q->tail)
				st.fences_stale_live++;
			pthread_mutex_unlock(&fence_mu);
			return;
		}
	}
	fail("fence", "context %u ring %u: fence %" PRIu64 " reported twice, or never created",
	     ctx_id, ring, id);
}

static void write_fence(void *ck, uint32_t fence)
{
	(void)ck;
	(void)fence;
	__atomic_add_fetch(&st.ctx0_fences, 1, __ATOMIC_RELAXED);
}

static void fences_check_stuck(void)
{
	uint64_t now = now_ns();

	if (skipped("fence"))
		return;
	pthread_mutex_lock(&fence_mu);
	for (uint32_t c = 1; c <= NCTX; c++)
		for (uint32_t r = 0; r < NRINGS; r++) {
			struct fqueue *q = &FQ[c][r];

			if (q->head < q->tail && now - q->e[q->head].t > FENCE_STUCK_NS)
				fail("fence", "context %u ring %u: fence %" PRIu64 " pending for %" PRIu64 " s",
				     c, r, q->e[q->head].id,
				     (now - q->e[q->head].t) / 1000000000);
		}
	pthread_mutex_unlock(&fence_mu);
}

/* --- guest RAM: coverage and revocation -------------------------------------- */

struct revoke {
	uint32_t first, n;
	uint64_t t;
};
static struct revoke revokes[1024];
static uint32_t revoke_head, revoke_tail;

static void pieces_pages(const struct iovec *iov, int n, int delta, bool schedule)
{
	for (int i = 0; i < n; i++) {
		uintptr_t a = (uintptr_t)iov[i].iov_base - (uintptr_t)ram;
		uint32_t first, last;

		if (!iov[i].iov_len)
			continue;
		first = (uint32_t)(a / PAGE);
		last = (uint32_t)((a + iov[i].iov_len - 1) / PAGE);
		for (uint32_t p = first; p <= last && p < RAM_PAGES; p++) {
			ram_cover[p] = (uint16_t)(ram_cover[p] + delta);
			/* a resource over revoked pages: the guest reused them */
			if (delta > 0 && ram_revoked[p]) {
				mprotect(ram + (size_t)p * PAGE, PAGE, PROT_READ | PROT_WRITE);
				ram_revoked[p] = 0;
			}
		}
		if (schedule && revoke_tail - revoke_head < 1024)
			revokes[revoke_tail++ % 1024] = (struct revoke){
				first, last - first + 1, now_ns() };
	}
}

/* Pages of detached resources that nothing covers any more: the guest has
 * them back, so the host's GPU must not touch them now. */
static void revoke_due(bool all)
{
	uint64_t now = now_ns();

	while (revoke_head != revoke_tail) {
		struct revoke *r = &revokes[revoke_head % 1024];

		if (!all && now - r->t < revoke_delay_ns)
			break;
		revoke_head++;
		if (skipped("revoke"))
			continue;
		for (uint32_t p = r->first; p < r->first + r->n && p < RAM_PAGES; p++) {
			if (ram_cover[p] || ram_revoked[p])
				continue;
			if (!mprotect(ram + (size_t)p * PAGE, PAGE, PROT_NONE)) {
				ram_revoked[p] = 1;
				st.revoked_pages++;
			}
		}
	}
}

/* --- host munmap quarantine ------------------------------------------------- */

struct quar {
	uint8_t *addr;
	size_t len;
	void *pc;
	uint64_t input;
};
#define NQUAR 512
static struct quar quar[NQUAR];
static uint32_t quar_head, quar_tail;
static size_t quar_bytes;
static pthread_mutex_t quar_mu = PTHREAD_MUTEX_INITIALIZER;

static void quar_check_one(const struct quar *q)
{
	static unsigned char vec[4096];
	size_t pages = q->len / PAGE;

	for (size_t off = 0; off < pages; off += sizeof(vec)) {
		size_t n = pages - off < sizeof(vec) ? pages - off : sizeof(vec);

		if (mincore(q->addr + off * PAGE, n * PAGE, vec))
			continue;
		for (size_t i = 0; i < n; i++) {
			const uint64_t *w;
			char where[256] = "?";

			if (!(vec[i] & 1))
				continue;
			w = (const uint64_t *)(q->addr + (off + i) * PAGE);
			for (size_t k = 0; k < PAGE / 8; k++) {
				if (!w[k])
					continue;
				__sanitizer_symbolize_pc(q->pc, "%p %F %L", where, sizeof(where));
				fail("quarantine", "%zu bytes at %p were munmap()ed by the host (%s) at input %" PRIu64 "; offset %#zx was written since: 0x%016" PRIx64,
				     q->len, (void *)q->addr, where, q->input,
				     (off + i) * PAGE + k * 8, w[k]);
			}
			__sanitizer_symbolize_pc(q->pc, "%p %F %L", where, sizeof(where));
			fail("quarantine", "%zu bytes at %p were munmap()ed by the host (%s) at input %" PRIu64 "; page %#zx was accessed since",
			     q->len, (void *)q->addr, where, q->input, (off + i) * PAGE);
		}
	}
}

static void quar_release_oldest(void)
{
	struct quar *q = &quar[quar_head++ % NQUAR];

	quar_check_one(q);
	munmap(q->addr, q->len);
	quar_bytes -= q->len;
}

static void quar_check_all(void)
{
	pthread_mutex_lock(&quar_mu);
	for (uint32_t i = quar_head; i != quar_tail; i++)
		quar_check_one(&quar[i % NQUAR]);
	pthread_mutex_unlock(&quar_mu);
}

/* The host sources call this for munmap() (see tests/fuzz/run). */
int abi_fuzz_host_munmap(void *addr, size_t len);
int abi_fuzz_host_munmap(void *addr, size_t len)
{
	size_t l = (len + PAGE - 1) & ~(size_t)(PAGE - 1);
	void *p;

	if (skipped("quarantine") || !len || (uintptr_t)addr % PAGE || l > (64u << 20))
		return munmap(addr, len);
	p = mmap(addr, l, PROT_READ | PROT_WRITE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return munmap(addr, len);
	pthread_mutex_lock(&quar_mu);
	while (quar_tail - quar_head == NQUAR || quar_bytes + l > (512u << 20))
		quar_release_oldest();
	quar[quar_tail++ % NQUAR] = (struct quar){ p, l, __builtin_return_address(0),
						   n_inputs };
	quar_bytes += l;
	st.quarantined++;
	pthread_mutex_unlock(&quar_mu);
	return 0;
}

/* --- ioctl oracle (the core's xe_ioctl(), wrapped at link time) ---------------- */

int __real_xe_ioctl(int fd, unsigned long request, void *arg);
int __wrap_xe_ioctl(int fd, unsigned long request, void *arg);

static uint32_t ctx_of_fd(int fd)
{
	for (uint32_t id = 1; id <= NCTX; id++) {
		struct xe_host_ctx *c = shim_ctx(id);

		if (c && c->fd == fd)
			return id;
	}
	return 0;
}

static bool userptr_ok(uint32_t ctx_id, uint64_t uptr, uint64_t range)
{
	if (uptr < (uintptr_t)ram || range > RAM_SIZE ||
	    uptr - (uintptr_t)ram > RAM_SIZE - range)
		return false;
	for (uint32_t id = 1; id <= NRES; id++) {
		const struct gres *r = &R[id];

		if (!r->live || r->kind != RK_GUEST || r->detached ||
		    r->ctx_id != ctx_id || r->ctx_gen != C[ctx_id].gen || !C[ctx_id].live)
			continue;
		for (int i = 0; i < r->niov; i++) {
			uintptr_t b = (uintptr_t)r->pieces[i].iov_base;

			if (uptr >= b && range <= r->pieces[i].iov_len &&
			    uptr - b <= r->pieces[i].iov_len - range)
				return true;
		}
	}
	return false;
}

/*
 * The driver writes a bind user fence, from a worker, whenever the bind
 * completes: its address must not be memory the guest can make the host
 * unmap (a BO or blob mapping, the shmem page) or reach itself.
 */
static const char *guest_unmappable(uint64_t addr)
{
	static char why[96];
	uint64_t key;
	size_t i = 0;
	void *val;

	if (addr - (uintptr_t)ram < RAM_SIZE)
		return "guest RAM";
	if (addr - (uintptr_t)win < WIN_SIZE)
		return "QEMU's host-visible window";
	while (xe_map_next(&shim.res, &i, &key, &val)) {
		const struct shim_res *r = val;

		if (r->map && addr - (uintptr_t)r->map < r->size) {
			snprintf(why, sizeof(why), "the blob mapping of resource %u", r->res_id);
			return why;
		}
	}
	for (uint32_t id = 1; id <= NCTX; id++) {
		struct xe_host_ctx *c = shim_ctx(id);

		if (!c)
			continue;
		if (c->shmem && addr - (uintptr_t)c->shmem < c->shmem_size) {
			snprintf(why, sizeof(why), "the shmem page of context %u", id);
			return why;
		}
		for (i = 0; xe_map_next(&c->objects, &i, &key, &val);) {
			const struct xe_object *o = val;

			if (o->map && addr - (uintptr_t)o->map < o->map_size) {
				snprintf(why, sizeof(why),
					 "the host's mapping of BO blob_id %u of context %u",
					 o->blob_id, id);
				return why;
			}
		}
	}
	return NULL;
}

static void check_bind(int fd, const struct drm_xe_vm_bind *b)
{
	const struct drm_xe_vm_bind_op *ops =
		b->num_binds == 1 ? &b->bind :
		(const struct drm_xe_vm_bind_op *)(uintptr_t)b->vector_of_binds;
	const struct drm_xe_sync *syncs = (const void *)(uintptr_t)b->syncs;
	uint32_t ctx_id = ctx_of_fd(fd);

	for (uint32_t i = 0; ops && i < b->num_binds && !skipped("userptr"); i++) {
		if (ops[i].op != DRM_XE_VM_BIND_OP_MAP_USERPTR)
			continue;
		if (!userptr_ok(ctx_id, ops[i].userptr, ops[i].range))
			fail("userptr", "context %u: MAP_USERPTR of %#" PRIx64 "+%#" PRIx64 " (guest RAM is %p+%#x) is not inside a live, attached guest-memory resource of the context",
			     ctx_id, (uint64_t)ops[i].userptr, (uint64_t)ops[i].range,
			     (void *)ram, RAM_SIZE);
	}
	for (uint32_t i = 0; syncs && i < b->num_syncs && !skipped("ufence"); i++) {
		if (syncs[i].type != DRM_XE_SYNC_TYPE_USER_FENCE)
			continue;
		const char *why = guest_unmappable(syncs[i].addr);

		if (why)
			fail("ufence", "context %u: the driver got bind user fence address %#" PRIx64 ", inside %s, which the guest can make the host unmap",
			     ctx_id, (uint64_t)syncs[i].addr, why);
	}
}

/* Value-only properties (xe_drm.h); 3 (HANG_REPLAY_STATE) is a pointer. */
static void check_property(const char *what, uint32_t property)
{
	if (skipped("props"))
		return;
	switch (property) {
	case DRM_XE_EXEC_QUEUE_SET_PROPERTY_PRIORITY:
	case DRM_XE_EXEC_QUEUE_SET_PROPERTY_TIMESLICE:
	case DRM_XE_EXEC_QUEUE_SET_PROPERTY_PXP_TYPE:
	case DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_GROUP:
	case DRM_XE_EXEC_QUEUE_SET_PROPERTY_MULTI_QUEUE_PRIORITY:
	case DRM_XE_EXEC_QUEUE_SET_DISABLE_STATE_CACHE_PERF_FIX:
		return;
	default:
		fail("props", "%s: exec-queue property %u reached the driver (%s)", what,
		     property, property == DRM_XE_EXEC_QUEUE_SET_HANG_REPLAY_STATE ?
		     "its value is a user pointer into the host process" :
		     "unknown to this uAPI, it may carry a pointer");
	}
}

int __wrap_xe_ioctl(int fd, unsigned long request, void *arg)
{
	switch (request) {
	case DRM_IOCTL_XE_VM_BIND:
		check_bind(fd, arg);
		break;
	case DRM_IOCTL_XE_EXEC_QUEUE_CREATE: {
		const struct drm_xe_exec_queue_create *c = arg;
		const struct drm_xe_ext_set_property *e =
			(const void *)(uintptr_t)c->extensions;

		for (int n = 0; e && n < 64; n++) {
			check_property("EXEC_QUEUE_CREATE", e->property);
			e = (const void *)(uintptr_t)e->base.next_extension;
		}
		break;
	}
#ifdef DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY
	case DRM_IOCTL_XE_EXEC_QUEUE_SET_PROPERTY:
		check_property("EXEC_QUEUE_SET_PROPERTY",
			       ((const struct drm_xe_exec_queue_set_property *)arg)->property);
		break;
#endif
	default:
		break;
	}
	return __real_xe_ioctl(fd, request, arg);
}

/* --- fd oracle ----------------------------------------------------------------- */

/*
 * What the simulator adds has to be told apart from what the library holds:
 * - a render node the library opened is an eventfd to the kernel, but the
 *   simulator's fstat() calls it a DRM character device;
 * - a simulated BO is a memfd of the simulator's ("xe-sim-bo"), and a dma-buf
 *   of it a dup of that memfd: per inode, one fd is the simulator's;
 * - a sync_file is an eventfd the simulator keeps a dup of until its fence
 *   signals, even after the library closed its own: an eventfd id with two
 *   fds is a sync_file the library holds, one with a single fd is the
 *   simulator's (the library's own eventfds are made at init: baseline).
 */
struct fdcount {
	int other;	/* memfd shmem pages and anything else that is no eventfd */
	int render;	/* render nodes */
	int ev_paired;	/* sync_files the library holds */
	int ev_single;	/* the simulator's sync_file dups, the library's wake fds */
	int simbo;	/* simulated BO memfds and their dma-bufs */
	int simbo_inodes;
};

static struct fdcount fd_base;
static bool fd_base_set;
static int hist_fd = -1;

struct fdkey {
	uint64_t key;	/* eventfd id, memfd inode, or fd number */
	int fd;
};

static int cmp_key(const void *a, const void *b)
{
	uint64_t x = ((const struct fdkey *)a)->key, y = ((const struct fdkey *)b)->key;

	return x < y ? -1 : x > y;
}

static uint64_t eventfd_id(int fd)
{
	char path[64], buf[512];
	const char *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return 0;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strstr(buf, "eventfd-id:");
	return p ? strtoull(p + 11, NULL, 10) + 1 : 0;
}

/* The simulator's DRM device (sim_intercept.c: fake_stat()). */
static bool is_render_node(int fd)
{
	struct stat sb;

	return !fstat(fd, &sb) && S_ISCHR(sb.st_mode) && major(sb.st_rdev) == 226;
}

static struct fdkey evs[65536], bos[65536], nodes[4096];
static int n_evs, n_bos, n_nodes;
static bool is_pin(int fd);

static struct fdcount count_fds(bool print)
{
	struct fdcount c = { 0 };
	char path[64], target[256];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		abort();
	n_evs = n_bos = n_nodes = 0;
	while ((d = readdir(dir))) {
		int fd = atoi(d->d_name);
		struct stat sb;
		ssize_t l;

		if (d->d_name[0] == '.' || fd == dirfd(dir) || is_pin(fd))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		l = readlink(path, target, sizeof(target) - 1);
		if (l < 0)
			continue;
		target[l] = 0;
		/* the simulator reading its maps; the sanitizers' addr2line */
		if (!strncmp(target, "/proc/", 6) || !strncmp(target, "pipe:", 5))
			continue;
		if (strstr(target, "xe-sim-bo")) {
			if (!fstat(fd, &sb) && n_bos < 65536)
				bos[n_bos++] = (struct fdkey){ sb.st_ino, fd };
			c.simbo++;
		} else if (!strcmp(target, "anon_inode:[eventfd]") && is_render_node(fd)) {
			if (n_nodes < 4096)
				nodes[n_nodes++] = (struct fdkey){ eventfd_id(fd), fd };
			c.render++;
			strcpy(target, "render node (simulated)");
		} else if (!strcmp(target, "anon_inode:[eventfd]") && n_evs < 65536) {
			evs[n_evs++] = (struct fdkey){ eventfd_id(fd), fd };
		} else {
			c.other++;
		}
		if (print)
			fprintf(stderr, "  fd %d -> %s\n", fd, target);
	}
	closedir(dir);
	qsort(bos, (size_t)n_bos, sizeof(bos[0]), cmp_key);
	for (int i = 0; i < n_bos; i++)
		c.simbo_inodes += !i || bos[i].key != bos[i - 1].key;
	qsort(evs, (size_t)n_evs, sizeof(evs[0]), cmp_key);
	for (int i = 0, j; i < n_evs; i = j) {
		for (j = i; j < n_evs && evs[j].key == evs[i].key; j++)
			;
		if (j - i > 1)
			c.ev_paired++;
		else
			c.ev_single++;
	}
	return c;
}

static long env_long(const char *name)
{
	const char *v = getenv(name);

	return v ? strtol(v, NULL, 0) : 0;
}

static void print_library_counts(void)
{
#if __has_include("xe_host_limits.c")	/* a library with per-guest limits */
	fprintf(stderr, "abi_fuzz: the library counts %llu contexts, %llu BOs, %llu fences\n",
		(unsigned long long)xe_host.used[XE_LIMIT_CONTEXTS],
		(unsigned long long)xe_host.used[XE_LIMIT_BOS],
		(unsigned long long)xe_host.used[XE_LIMIT_FENCES]);
#endif
}

/* fds the library holds for the guest */
static long lib_fds(const struct fdcount *c)
{
	return (c->other - fd_base.other) + (c->render - fd_base.render) +
	       (c->ev_paired - fd_base.ev_paired) + (c->simbo - c->simbo_inodes);
}

/*
 * docs/security.md: the per-guest limits are process-wide, and the fds they
 * allow are one per context (its render node), one per BO, shmem page or
 * blob (a dma-buf or memfd), one per host fence (a sync_file while pending).
 */
static void check_fd_bound(void)
{
	long bound = env_long("XE_PROXY_MAX_CONTEXTS") + env_long("XE_PROXY_MAX_BOS") +
		     env_long("XE_PROXY_MAX_FENCES") + FD_SLACK;
	struct fdcount c;
	long used;

	if (skipped("fdbound"))
		return;
	st.fd_checks++;
	c = count_fds(false);
	used = lib_fds(&c);
	if ((uint64_t)used > st.max_fds)
		st.max_fds = (uint64_t)used;
	if (used > bound) {
		count_fds(true);
		print_library_counts();
		fail("fdbound", "%ld fds held for the guest (%d render nodes, %d sync_files, %d memfds and others, %d dma-bufs), more than the %ld its limits allow",
		     used, c.render - fd_base.render, c.ev_paired - fd_base.ev_paired,
		     c.other - fd_base.other, c.simbo - c.simbo_inodes, bound);
	}
}

/*
 * Every context is destroyed and every resource unreffed: the library holds
 * no fd any more, but for render nodes its reaper thread closes once the
 * driver is done with their VMs (docs/security.md; the guest's GPU work may
 * keep them a while, charged to XE_PROXY_MAX_CONTEXTS meanwhile). The
 * simulator may keep BO memfds and sync_file dups for its own pending work.
 * Those are looked at again two minutes later, by inode or eventfd id: by
 * then every job has finished or hit the simulator's 5 s job timeout.
 */
static uint64_t suspect_ns = 120000ull * 1000000;	/* ABI_FUZZ_SUSPECT_MS */
static struct {
	struct fdkey k;
	uint64_t t;
	bool bo;
	int pin;	/* our own reference to the same file */
} suspects[128];
static int n_suspects;

/*
 * Eventfd ids and fd numbers are reused once freed, so a suspect is pinned:
 * a dup of ours keeps its file (and id) alive. Raw syscalls: the simulator
 * must not take the dup for a device fd of its own.
 */
static int pin_fd(int fd)
{
	return (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 900);
}

static bool is_pin(int fd)
{
	for (int i = 0; i < n_suspects; i++)
		if (suspects[i].pin == fd)
			return true;
	return false;
}

static void check_fds_clean(void)
{
	struct fdcount c;
	int tries;

	if (skipped("fdleak") || !fd_base_set)
		return;
	st.fd_clean_checks++;
	for (tries = 0; tries < 20; tries++) {
		c = count_fds(false);
		if (c.other == fd_base.other && c.ev_paired == fd_base.ev_paired)
			break;
		usleep(1000);
	}
	if (c.other != fd_base.other || c.ev_paired != fd_base.ev_paired) {
		count_fds(true);
		print_library_counts();
		fail("fdleak", "everything destroyed, but %d sync_files and %d other fds are open where there were %d and %d at the start",
		     c.ev_paired, c.other, fd_base.ev_paired, fd_base.other);
	}
#if __has_include("xe_host_limits.c")
	/*
	 * Render nodes left for the reaper stay charged until it has closed
	 * them; it takes the lock to release the charge, so with the lock
	 * held the count cannot drop below the nodes still open.
	 */
	{
		struct fdcount n;
		uint64_t used;

		pthread_mutex_lock(&xe_host.lock);
		used = xe_host.used[XE_LIMIT_CONTEXTS];
		n = count_fds(false);
		pthread_mutex_unlock(&xe_host.lock);
		if ((uint64_t)(n.render - fd_base.render) > used) {
			count_fds(true);
			fail("fdleak", "everything destroyed: %d render nodes open, but the library counts %llu contexts",
			     n.render - fd_base.render, (unsigned long long)used);
		}
		c = n;
	}
#endif
	if (n_suspects || (c.simbo == fd_base.simbo && c.render == fd_base.render))
		return;
	for (int i = 0; i < n_bos && n_suspects < 128; i++)
		suspects[n_suspects++] = (typeof(suspects[0])){ bos[i], now_ns(), true,
								pin_fd(bos[i].fd) };
	for (int i = 0; i < n_nodes && n_suspects < 128; i++)
		suspects[n_suspects++] = (typeof(suspects[0])){ nodes[i], now_ns(), false,
								pin_fd(nodes[i].fd) };
}

/* A leaked fd stays open, as the same file, for good. */
static void check_suspects(void)
{
	int i, still = 0;

	if (!n_suspects || now_ns() - suspects[0].t < suspect_ns)
		return;
	for (i = 0; i < n_suspects; i++) {
		struct stat a, b;
		int fd = suspects[i].k.fd, pin = suspects[i].pin;
		bool same;

		if (pin < 0)
			continue;
		if (suspects[i].bo)
			same = !fstat(fd, &a) && !fstat(pin, &b) && a.st_ino == b.st_ino &&
			       a.st_dev == b.st_dev;
		else
			same = eventfd_id(fd) && eventfd_id(fd) == eventfd_id(pin);
		if (same) {
			fprintf(stderr, "abi_fuzz: fd %d (%s) open since everything was destroyed\n",
				fd, suspects[i].bo ? "a BO memfd or dma-buf" : "a render node");
			still++;
		}
	}
	if (still && !skipped("fdleak")) {
		count_fds(true);
		print_library_counts();
		fail("fdleak", "%d fds of destroyed contexts are still open %llu s after everything was destroyed (the inputs up to then: %s.suspect)",
		     still, (unsigned long long)(suspect_ns / 1000000000),
		     getenv("ABI_FUZZ_HISTORY") ? getenv("ABI_FUZZ_HISTORY") : "$ABI_FUZZ_HISTORY");
	}
	for (i = 0; i < n_suspects; i++)
		if (suspects[i].pin >= 0)
			syscall(SYS_close, suspects[i].pin);
	n_suspects = 0;
}

/* --- replayable history --------------------------------------------------------- */

static const char hist_magic[8] = { 'A', 'B', 'I', 'H', 'I', 'S', 'T', '1' };
static uint64_t hist_count;

static void full_write(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

static void history_reset(void)
{
	hist_count = 0;
	if (hist_fd < 0)
		return;
	if (ftruncate(hist_fd, 0) || lseek(hist_fd, 0, SEEK_SET))
		return;
	full_write(hist_fd, hist_magic, sizeof(hist_magic));
}

/* The inputs that left fds open to be looked at again: kept beside it. */
static void history_keep_suspect(void)
{
	char path[4096], buf[65536];
	const char *h = getenv("ABI_FUZZ_HISTORY");
	ssize_t n;
	off_t off = 0;
	int fd;

	if (hist_fd < 0 || !h)
		return;
	snprintf(path, sizeof(path), "%s.suspect", h);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	while ((n = pread(hist_fd, buf, sizeof(buf), off)) > 0) {
		full_write(fd, buf, (size_t)n);
		off += n;
	}
	close(fd);
}

static void history_append(const uint8_t *data, size_t size)
{
	uint32_t len = (uint32_t)size;

	hist_count++;
	if (hist_fd < 0)
		return;
	full_write(hist_fd, &len, sizeof(len));
	full_write(hist_fd, data, size);
}

/* --- resources ------------------------------------------------------------------ */

static struct gres *res_live(uint32_t id)
{
	return id >= 1 && id <= NRES && R[id].live ? &R[id] : NULL;
}

static bool ctx_current(uint32_t ctx_id, uint32_t gen)
{
	return ctx_id >= 1 && ctx_id <= NCTX && C[ctx_id].live && C[ctx_id].gen == gen;
}

static uint32_t pick_res_any(void)
{
	uint8_t b = u8();

	if (b < 232)
		return 1 + b % NRES;
	return b < 248 ? 0 : u32();
}

/* @ctx_id (nonzero) may name resource @id: its own, or attached to it. */
static bool res_of_ctx(uint32_t id, uint32_t ctx_id)
{
	if (R[id].ctx_id == ctx_id && ctx_current(ctx_id, R[id].ctx_gen))
		return true;
	return ctx_id <= NCTX && (R[id].attached & (1u << ctx_id));
}

/*
 * A live resource, preferring @kind (0: any) of context @ctx_id (0: any),
 * which includes the resources attached to it.
 */
static uint32_t pick_res(int kind, uint32_t ctx_id)
{
	uint32_t ids[NRES], n = 0;
	uint8_t b = u8();

	for (uint32_t id = 1; id <= NRES; id++)
		if (R[id].live && (!kind || (int)R[id].kind == kind) &&
		    (!ctx_id || res_of_ctx(id, ctx_id)))
			ids[n++] = id;
	if (n && b < 224)
		return ids[b % n];
	return b < 240 ? 1 + b % NRES : pick_res_any();
}

static uint32_t pick_free_res(void)
{
	uint8_t b = u8();
	uint32_t id = 1 + b % NRES;

	if (b >= 244)
		return b == 255 ? 0 : id;	/* maybe in use: refused */
	for (uint32_t k = 0; k < NRES; k++, id = id % NRES + 1)
		if (!R[id].live)
			return id;
	return id;
}

static uint32_t pick_ctx(void)
{
	uint32_t ids[NCTX], n = 0;
	uint8_t b = u8();

	for (uint32_t id = 1; id <= NCTX; id++)
		if (C[id].live)
			ids[n++] = id;
	if (n && b < 216)
		return ids[b % n];
	if (b < 248)
		return 1 + b % NCTX;
	return b == 255 ? u32() : b & 1 ? 0 : NCTX + 1 + (b & 7);
}

static void res_forget(uint32_t id)
{
	struct gres *r = &R[id];

	if (r->kind == RK_GUEST) {
		if (!r->detached)
			pieces_pages(r->pieces, r->niov, -1, true);
		if (r->iov)
			ASAN_UNPOISON_MEMORY_REGION(r->iov, (size_t)r->niov * sizeof(*r->iov));
		free(r->iov);
		free(r->pieces);
	}
	memset(r, 0, sizeof(*r));
}

/* QEMU's fixed mappings are its own: it unmaps by mapping over them. */
static void fixed_unmap(struct gres *r)
{
	if (!r->fixed)
		return;
	if (mmap(r->fixed, r->fixed_size, PROT_NONE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED)
		abort();
	r->fixed = NULL;
	r->fixed_size = 0;
}

/* QEMU's detach: the array comes back to it, and it frees it. */
static void res_detach(uint32_t id)
{
	struct gres *r = res_live(id);
	struct iovec *iov = (void *)1;
	int n = -1;

	CALLV("resource_detach_iov", virgl_renderer_resource_detach_iov((int)id, &iov, &n));
	if (!r) {
		if (iov || n)
			fail("abi", "detach_iov of unknown resource %u gave %p/%d", id, (void *)iov, n);
		return;
	}
	if (r->kind != RK_GUEST || r->detached) {
		if (iov || n)
			fail("abi", "detach_iov of resource %u gave %p/%d, not its iovecs", id,
			     (void *)iov, n);
		return;
	}
	if (iov != r->iov || n != r->niov)
		fail("abi", "detach_iov of resource %u gave %p/%d instead of %p/%d", id,
		     (void *)iov, n, (void *)r->iov, r->niov);
	r->detached = true;
	pieces_pages(r->pieces, r->niov, -1, true);
	/* "freed" by QEMU: any later use by the library is a use after free */
	ASAN_POISON_MEMORY_REGION(r->iov, (size_t)r->niov * sizeof(*r->iov));
}

/* QEMU's RESOURCE_UNREF: unmap the blob, detach, unref. */
static void res_unref(uint32_t id, bool qemu_order)
{
	struct gres *r = res_live(id);

	if (r && qemu_order) {
		if (r->map) {
			CALL("resource_unmap", virgl_renderer_resource_unmap(id));
			r->map = NULL;
		}
		fixed_unmap(r);
	}
	res_detach(id);
	CALLV("resource_unref", virgl_renderer_resource_unref(id));
	if (r) {
		fixed_unmap(r);
		res_forget(id);
	}
}

/* --- contexts ---------------------------------------------------------------------- */

static void ctx_forget(uint32_t id)
{
	for (uint32_t r = 1; r <= NRES; r++)
		R[r].attached &= ~(1u << id);
	fences_drop_ctx(id);
	memset(&C[id], 0, sizeof(C[id]));
}

static bool all_gone(void)
{
	for (uint32_t i = 1; i <= NCTX; i++)
		if (C[i].live)
			return false;
	for (uint32_t i = 1; i <= NRES; i++)
		if (R[i].live)
			return false;
	return true;
}

static void teardown_all(void)
{
	for (uint32_t id = 1; id <= NRES; id++)
		if (R[id].live)
			res_unref(id, true);
	for (uint32_t id = 1; id <= NCTX; id++) {
		if (!C[id].live)
			continue;
		CALLV("context_destroy", virgl_renderer_context_destroy(id));
		ctx_forget(id);
	}
	st.teardowns++;
}

/* --- the ccmd stream builder -------------------------------------------------------- */

struct sb {
	uint8_t *b;
	size_t len;
	uint32_t *seqno;
};

static void *sb_add(struct sb *s, uint32_t cmd, size_t len, uint32_t rsp_off)
{
	struct xe_proxy_ccmd_req *h;

	len = (len + 7) & ~(size_t)7;
	if (len > SB_MAX - s->len)
		return NULL;
	h = (void *)(s->b + s->len);
	memset(h, 0, len);
	h->cmd = cmd;
	h->len = (uint32_t)len;
	h->seqno = ++*s->seqno;
	h->rsp_off = rsp_off;
	s->len += len;
	return h;
}

enum ex_kind { EX_NONE, EX_VM, EX_QUEUE, EX_GEM_EXT, EX_BIND, EX_BIND_EXT, EX_EXEC_EXT, EX_QUERY };

struct expect {
	enum ex_kind kind;
	uint32_t rsp_off;
	uint32_t a;		/* blob id, query */
	uint64_t size;
	struct gmap map;
	uint64_t fences[4];
	uint32_t nfences;
};

static uint32_t pick_vm(struct gctx *c)
{
	uint8_t b = u8();

	if (c->vms.n && b < 208)
		return c->vms.v[b % c->vms.n];
	return b < 248 ? b & 7 : u32();
}

static uint32_t pick_queue(struct gctx *c)
{
	uint8_t b = u8();

	if (c->queues.n && b < 208)
		return c->queues.v[b % c->queues.n];
	return b < 248 ? b & 15 : u32();
}

static uint32_t pick_blob(struct gctx *c, uint64_t *size)
{
	uint8_t b = u8();

	*size = (1 + (b & 15)) * PAGE;
	if (c->blobs.n && b < 216) {
		*size = c->blobs.v[b % c->blobs.n].size;
		return c->blobs.v[b % c->blobs.n].id;
	}
	return b < 248 ? b & 31 : u32();
}

static uint64_t pick_hfence(struct gctx *c)
{
	uint8_t b = u8();

	if (c->hfences.n && b < 200)
		return c->hfences.v[b % c->hfences.n];
	return b < 248 ? (uint64_t)(b & 31) : u64();
}

static uint64_t gpu_slot(void)
{
	uint8_t b = u8();

	return b < 240 ? 0x100000ull * (1 + (b & 63)) : u64() & ~0xfffull;
}

static struct gmap pick_gmap(struct gctx *c)
{
	uint8_t b = u8();

	if (c->maps.n && b < 200)
		return c->maps.v[b % c->maps.n];
	return (struct gmap){ .addr = gpu_slot(), .range = (1 + (b & 15)) * PAGE };
}

static uint64_t pick_exec_addr(struct gctx *c)
{
	uint8_t b = u8();

	if (c->batch_va && b < 128)
		return c->batch_va;
	if (c->maps.n && b < 224)
		return c->maps.v[b % c->maps.n].addr + (u8() & 15) * 0x100;
	return b < 248 ? gpu_slot() : u64();
}

static uint64_t pick_size(void)
{
	uint8_t b = u8();

	if (b < 224)
		return (1 + (b & 15)) * (uint64_t)PAGE;
	if (b < 240)
		return (1 + (b & 15)) * (uint64_t)(1 << 20);
	return u64();
}

static uint16_t pick_pat(void)
{
	uint8_t b = u8();

	return b < 200 ? 2 : b < 232 ? b & 7 : (uint16_t)u16();
}

static uint32_t pick_ring(void)
{
	uint8_t b = u8();

	return b < 240 ? b & 63 : b < 252 ? 64 + (b & 3) : u32();
}

static uint32_t pick_flags(uint32_t sensible)
{
	uint8_t b = u8();

	if (b < 192)
		return 0;
	if (b < 240)
		return sensible & u32();
	return u32();
}

/* One struct xe_proxy_sync; records the fence ids it signals in @e. */
static void build_sync(struct gctx *c, uint32_t ctx_id, struct xe_proxy_sync *s,
		       bool bind, struct expect *e)
{
	uint8_t b = u8();

	memset(s, 0, sizeof(*s));
	switch (b % 4) {
	case 0:	/* signal a new host fence */
		s->type = XE_PROXY_SYNC_HOST_FENCE;
		s->flags = XE_PROXY_SYNC_FLAG_SIGNAL;
		/*
		 * New ids: sequential, or sequential above bit 44, whose
		 * product with the host map's multiplier has its low 44 bits
		 * zero, so they share a slot in tables of up to 4096 and
		 * make long probes, tombstones and rehashes (xe_host_map.c).
		 */
		s->fence_id = b < 208 ? ++c->next_hfence :
			      b < 224 ? ++c->next_hfence << 44 : pick_hfence(c);
		if (e->nfences < 4)
			e->fences[e->nfences++] = s->fence_id;
		break;
	case 1:	/* wait on a known one */
		s->type = XE_PROXY_SYNC_HOST_FENCE;
		s->fence_id = pick_hfence(c);
		break;
	case 2:	/* user fence */
		s->type = XE_PROXY_SYNC_USER_FENCE;
		s->flags = XE_PROXY_SYNC_FLAG_SIGNAL;
		s->value = u64();
		if (bind) {
			s->res_id = pick_res(RK_BO, ctx_id);
			s->addr = (u16() & 0x1ff) * 8;
		} else {
			s->addr = pick_exec_addr(c) + 0x800;
		}
		break;
	default:
		s->type = b < 200 ? u8() : u32();
		s->flags = u8() & 3;
		s->fence_id = u64();
		s->addr = u64();
		s->res_id = u8();
		s->pad = b >= 252;
		break;
	}
	if (b >= 250)
		s->flags |= u32();
}

static void bind_op_fields(struct gctx *c, uint32_t ctx_id, uint32_t *res_id,
			   uint16_t *pat, uint64_t *obj_offset, uint64_t *range,
			   uint64_t *addr, uint32_t *op, uint32_t *flags,
			   struct gmap *rec)
{
	uint8_t b = u8();
	struct gmap m;
	struct gres *r;

	*pat = pick_pat();
	*flags = pick_flags(DRM_XE_VM_BIND_FLAG_READONLY | DRM_XE_VM_BIND_FLAG_IMMEDIATE |
			    DRM_XE_VM_BIND_FLAG_NULL | DRM_XE_VM_BIND_FLAG_DUMPABLE |
			    DRM_XE_VM_BIND_FLAG_CHECK_PXP |
			    DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR |
			    DRM_XE_VM_BIND_FLAG_MADVISE_AUTORESET);
	*rec = (struct gmap){ 0 };
	switch (b % 8) {
	case 0: case 1: case 2:	/* MAP a BO resource */
		*op = DRM_XE_VM_BIND_OP_MAP;
		*res_id = pick_res(RK_BO, ctx_id);
		r = res_live(*res_id);
		*range = r ? (r->size + PAGE - 1) & ~(uint64_t)(PAGE - 1) : pick_size();
		*obj_offset = b < 224 ? 0 : (u8() & 3) * (uint64_t)PAGE;
		*addr = gpu_slot();
		*rec = (struct gmap){ *addr, *range, *res_id, false };
		break;
	case 3:	/* MAP_USERPTR of guest memory (VM_BIND_EXT only) */
		*op = DRM_XE_VM_BIND_OP_MAP_USERPTR;
		*res_id = pick_res(RK_GUEST, ctx_id);
		r = res_live(*res_id);
		*obj_offset = b < 224 ? 0 : (u8() & 7) * (uint64_t)PAGE;
		*range = r ? (r->size & ~(uint64_t)(PAGE - 1)) : pick_size();
		if (b & 0x40 && *range > PAGE)
			*range -= PAGE;
		*addr = gpu_slot();
		*rec = (struct gmap){ *addr, *range, *res_id, true };
		break;
	case 4:	/* UNMAP something known */
		m = pick_gmap(c);
		*op = DRM_XE_VM_BIND_OP_UNMAP;
		*res_id = b < 240 ? 0 : pick_res_any();
		*addr = m.addr;
		*range = m.range;
		*obj_offset = 0;
		break;
	case 5:	/* UNMAP_ALL of a resource, PREFETCH */
		m = pick_gmap(c);
		*op = b & 0x10 ? DRM_XE_VM_BIND_OP_UNMAP_ALL : DRM_XE_VM_BIND_OP_PREFETCH;
		*res_id = *op == DRM_XE_VM_BIND_OP_UNMAP_ALL ? pick_res(RK_BO, ctx_id) : 0;
		*addr = *op == DRM_XE_VM_BIND_OP_UNMAP_ALL ? 0 : m.addr;
		*range = *op == DRM_XE_VM_BIND_OP_UNMAP_ALL ? 0 : m.range;
		*obj_offset = 0;
		break;
	case 6:	/* a NULL (sparse) binding */
		*op = DRM_XE_VM_BIND_OP_MAP;
		*flags |= DRM_XE_VM_BIND_FLAG_NULL;
		*res_id = 0;
		*addr = gpu_slot();
		*range = pick_size();
		*obj_offset = 0;
		break;
	default:
		*op = u8() & 7;
		*res_id = pick_res_any();
		*addr = u64();
		*range = u64();
		*obj_offset = u64();
		break;
	}
}

/* Builds one command into @s; fills @e with what to harvest. */
static void build_cmd(struct sb *s, struct gctx *c, uint32_t ctx_id, uint32_t idx,
		      struct expect *e)
{
	uint8_t sel = u8();
	uint8_t ro = u8();
	uint32_t rsp_off = ro < 224 ? idx * 64 : ro < 240 ? 2048 + (ro & 7) * 512 :
			   ro < 252 ? (uint32_t)u16() : u32();
	uint32_t i, n;

	memset(e, 0, sizeof(*e));
	e->rsp_off = rsp_off;
	switch (sel % 24) {
	case 0: {
		struct xe_proxy_ccmd_device_query_req *r;
		uint32_t q = u8() % 12;

		r = sb_add(s, XE_PROXY_CCMD_DEVICE_QUERY, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->query = q;
		r->size = (u8() & 1) && q < 16 ? query_size[q] : 0;
		if (sel >= 240)
			r->size = u32();
		if (!r->size) {
			e->kind = EX_QUERY;
			e->a = q;
		}
		break;
	}
	case 1: {
		struct xe_proxy_ccmd_gem_create_req *r;
		uint64_t size = pick_size();

		r = sb_add(s, XE_PROXY_CCMD_GEM_CREATE, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->size = size;
		r->placement = sel < 224 ? 1 : u32();
		r->flags = pick_flags(DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING |
				      DRM_XE_GEM_CREATE_FLAG_SCANOUT |
				      DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM);
		r->blob_id = sel < 232 ? ++c->next_blob : pick_blob(c, &size);
		r->cpu_caching = 1 + (u8() & 1);
		/* no response: assume it worked, as the guest does */
		RING_ADD(c->blobs, ((struct gblob){ r->blob_id, r->size }));
		break;
	}
	case 2: case 3: {
		struct xe_proxy_ccmd_gem_create_ext_req *r;
		uint64_t size = pick_size();
		uint8_t b = u8();

		r = sb_add(s, XE_PROXY_CCMD_GEM_CREATE_EXT, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->size = size;
		r->placement = b < 240 ? 1 : u32();
		r->flags = pick_flags(DRM_XE_GEM_CREATE_FLAG_DEFER_BACKING |
				      DRM_XE_GEM_CREATE_FLAG_SCANOUT |
				      DRM_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM |
				      DRM_XE_GEM_CREATE_FLAG_NO_COMPRESSION);
		r->vm_id = b & 3 ? 0 : pick_vm(c);
		r->blob_id = b < 232 ? ++c->next_blob : pick_blob(c, &size);
		r->cpu_caching = b < 240 ? 1 + (b >> 3 & 1) : u16();
		e->kind = EX_GEM_EXT;
		e->a = r->blob_id;
		break;
	}
	case 4: {
		struct xe_proxy_ccmd_vm_create_req *r;

		r = sb_add(s, XE_PROXY_CCMD_VM_CREATE, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->flags = pick_flags(DRM_XE_VM_CREATE_FLAG_SCRATCH_PAGE |
				      DRM_XE_VM_CREATE_FLAG_LR_MODE |
				      DRM_XE_VM_CREATE_FLAG_FAULT_MODE);
		e->kind = EX_VM;
		break;
	}
	case 5: {
		struct xe_proxy_ccmd_vm_destroy_req *r;

		r = sb_add(s, XE_PROXY_CCMD_VM_DESTROY, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->vm_id = pick_vm(c);
		break;
	}
	case 6: case 7: {
		struct xe_proxy_ccmd_vm_bind_req *r;
		struct xe_proxy_ccmd_vm_bind_op *o;
		uint8_t b = u8();

		n = b < 160 ? 1 : b < 240 ? b % 5 : (uint32_t)u16();
		r = sb_add(s, XE_PROXY_CCMD_VM_BIND, sizeof(*r) + (size_t)(n < 64 ? n : 0) * sizeof(*o),
			   rsp_off);
		if (!r)
			return;
		r->vm_id = pick_vm(c);
		r->num_binds = n;
		o = (void *)r->payload;
		for (i = 0; n < 64 && i < n; i++) {
			uint64_t off, range, addr;
			uint32_t res, op, flags;
			uint16_t pat;

			bind_op_fields(c, ctx_id, &res, &pat, &off, &range, &addr, &op,
				       &flags, &e->map);
			o[i] = (struct xe_proxy_ccmd_vm_bind_op){
				.res_id = res, .pat_index = pat, .obj_offset = off,
				.range = range, .addr = addr, .op = op, .flags = flags };
		}
		e->kind = n == 1 ? EX_BIND : EX_NONE;
		break;
	}
	case 8: case 9: {
		struct xe_proxy_ccmd_exec_queue_create_req *r;
		struct xe_proxy_engine_class_instance *ei;
		uint8_t b = u8();
		uint16_t w = b < 224 ? 1 : 1 + (b & 3), np = b < 240 ? 1 : 1 + (b >> 2 & 3);

		r = sb_add(s, XE_PROXY_CCMD_EXEC_QUEUE_CREATE,
			   sizeof(*r) + (size_t)w * np * sizeof(*ei), rsp_off);
		if (!r)
			return;
		r->vm_id = pick_vm(c);
		r->flags = pick_flags(DRM_XE_EXEC_QUEUE_LOW_LATENCY_HINT);
		r->width = w;
		r->num_placements = np;
		ei = (void *)r->payload;
		for (i = 0; i < (uint32_t)w * np; i++) {
			uint8_t k = u8();

			ei[i].engine_class = k < 240 ? (b >> 4) % 6 : k;
			ei[i].engine_instance = k < 200 ? 0 : k & 3;
			ei[i].gt_id = k < 248 ? 0 : 1;
			ei[i].pad = k == 255;
		}
		if (b >= 250)
			r->pad = 1;
		e->kind = EX_QUEUE;
		break;
	}
	case 10: {
		struct xe_proxy_ccmd_exec_queue_destroy_req *r;

		r = sb_add(s, XE_PROXY_CCMD_EXEC_QUEUE_DESTROY, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->exec_queue_id = pick_queue(c);
		break;
	}
	case 11: case 12: {
		struct xe_proxy_ccmd_exec_req *r;

		r = sb_add(s, XE_PROXY_CCMD_EXEC, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->exec_queue_id = pick_queue(c);
		r->num_batch_buffer = sel < 248 ? 1 : u8() & 3;
		r->address = pick_exec_addr(c);
		break;
	}
	case 13: case 14: {
		struct xe_proxy_ccmd_vm_bind_ext_req *r;
		struct xe_proxy_vm_bind_op_ext *o;
		struct xe_proxy_sync *sy;
		uint8_t b = u8();
		uint32_t nb = b & 3, ns = (b >> 2) & 3;

		if (b >= 248) {
			nb = u8() % 8;
			ns = u8() % 8;
		}
		r = sb_add(s, XE_PROXY_CCMD_VM_BIND_EXT,
			   sizeof(*r) + nb * sizeof(*o) + ns * sizeof(*sy), rsp_off);
		if (!r)
			return;
		r->vm_id = pick_vm(c);
		r->exec_queue_id = b & 0x10 ? pick_queue(c) : 0;
		r->num_binds = nb;
		r->num_syncs = ns;
		r->ring_idx = pick_ring();
		o = (void *)r->payload;
		for (i = 0; i < nb; i++) {
			uint64_t off, range, addr;
			uint32_t res, op, flags;
			uint16_t pat;

			bind_op_fields(c, ctx_id, &res, &pat, &off, &range, &addr, &op,
				       &flags, &e->map);
			o[i] = (struct xe_proxy_vm_bind_op_ext){
				.res_id = res, .pat_index = pat, .obj_offset = off,
				.range = range, .addr = addr, .op = op, .flags = flags,
				.prefetch_mem_region_instance = u8() & 1 };
		}
		sy = (void *)(o + nb);
		for (i = 0; i < ns; i++)
			build_sync(c, ctx_id, &sy[i], true, e);
		if (nb != 1)
			e->map = (struct gmap){ 0 };
		e->kind = EX_BIND_EXT;
		break;
	}
	case 15: case 16: {
		struct xe_proxy_ccmd_exec_ext_req *r;
		struct xe_proxy_sync *sy;
		uint8_t b = u8();
		uint32_t ns = b & 3, flags = 0, nba = 0;

		if (b & 0x40)
			flags = XE_PROXY_EXEC_FLAG_NO_BATCH;
		else if ((b & 0x30) == 0x30) {
			flags = XE_PROXY_EXEC_FLAG_PARALLEL;
			nba = 2 + (u8() & 3);
		}
		if (b >= 250)
			flags = u32();
		r = sb_add(s, XE_PROXY_CCMD_EXEC_EXT,
			   sizeof(*r) + ns * sizeof(*sy) + nba * 8, rsp_off);
		if (!r)
			return;
		r->exec_queue_id = pick_queue(c);
		r->num_syncs = ns;
		r->address = flags ? 0 : pick_exec_addr(c);
		r->ring_idx = pick_ring();
		r->flags = flags;
		sy = (void *)r->payload;
		for (i = 0; i < ns; i++)
			build_sync(c, ctx_id, &sy[i], false, e);
		for (i = 0; i < nba; i++)
			((uint64_t *)(sy + ns))[i] = pick_exec_addr(c);
		e->kind = EX_EXEC_EXT;
		break;
	}
	case 17: {
		struct xe_proxy_ccmd_exec_queue_create_ext_req *r;
		struct xe_proxy_engine_class_instance *ei;
		struct xe_proxy_exec_queue_property *p;
		uint8_t b = u8();
		uint32_t np = b & 3;
		size_t il = 8;

		r = sb_add(s, XE_PROXY_CCMD_EXEC_QUEUE_CREATE_EXT,
			   sizeof(*r) + il + np * sizeof(*p), rsp_off);
		if (!r)
			return;
		r->vm_id = pick_vm(c);
		r->width = 1;
		r->num_placements = 1;
		r->num_properties = b < 248 ? np : u32();
		ei = (void *)r->payload;
		ei->engine_class = (b >> 2) % 6;
		p = (void *)(r->payload + il);
		for (i = 0; i < np; i++) {
			uint8_t k = u8();

			p[i].property = k < 240 ? k % 8 : u32();
			p[i].value = k & 0x80 ? u64() : u8() & 3;
			p[i].pad = k == 255;
		}
		e->kind = EX_QUEUE;
		break;
	}
	case 18: {
		struct xe_proxy_ccmd_exec_queue_get_property_req *r;

		r = sb_add(s, XE_PROXY_CCMD_EXEC_QUEUE_GET_PROPERTY, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->exec_queue_id = pick_queue(c);
		r->property = sel < 240 ? 0 : u32();
		break;
	}
	case 19: {
		struct xe_proxy_ccmd_exec_queue_set_property_req *r;
		uint8_t k = u8();

		r = sb_add(s, XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->exec_queue_id = pick_queue(c);
		r->property = k < 240 ? k % 8 : u32();
		r->value = k & 0x80 ? u64() : u8() & 3;
		break;
	}
	case 20: {
		struct xe_proxy_ccmd_madvise_req *r;
		struct gmap m = pick_gmap(c);
		uint8_t k = u8();

		r = sb_add(s, XE_PROXY_CCMD_MADVISE, sizeof(*r), rsp_off);
		if (!r)
			return;
		r->start = m.addr;
		r->range = m.range;
		r->vm_id = pick_vm(c);
		r->type = k < 224 ? k % 4 : u32();
		r->arg0 = k & 0x10 ? u32() : (uint32_t)(int32_t)-(int)(k & 1);
		r->arg1 = u8() & 3;
		r->arg2 = k >= 248 ? u64() : 0;
		break;
	}
	case 21: {
		struct xe_proxy_ccmd_device_query_ext_req *r;
		uint32_t in = u8() & 63;

		r = sb_add(s, XE_PROXY_CCMD_DEVICE_QUERY_EXT, sizeof(*r) + in, rsp_off);
		if (!r)
			return;
		r->query = sel < 200 ? DRM_XE_DEVICE_QUERY_ENGINE_CYCLES : u8() % 12;
		r->size = sel < 200 ? sizeof(struct drm_xe_query_engine_cycles) : u16();
		r->in_size = sel < 248 ? in : u32();
		take(r->payload, in);
		break;
	}
	case 22: {
		/* FENCE_PUT, GEM_CLOSE, VM_QUERY_ATTRS, VM_GET_PROPERTY, NOP */
		uint8_t k = u8();

		switch (k % 5) {
		case 0: {
			struct xe_proxy_ccmd_fence_put_req *r;
			uint32_t cnt = k >> 5;

			r = sb_add(s, XE_PROXY_CCMD_FENCE_PUT, sizeof(*r) + cnt * 8, rsp_off);
			if (!r)
				return;
			r->count = k >= 248 ? u32() : cnt;
			for (i = 0; i < cnt; i++)
				((uint64_t *)r->payload)[i] = pick_hfence(c);
			break;
		}
		case 1: {
			struct xe_proxy_ccmd_gem_close_req *r;
			uint64_t size;

			r = sb_add(s, XE_PROXY_CCMD_GEM_CLOSE, sizeof(*r), rsp_off);
			if (!r)
				return;
			r->blob_id = pick_blob(c, &size);
			break;
		}
		case 2: {
			struct xe_proxy_ccmd_vm_query_attrs_req *r;
			struct gmap m = pick_gmap(c);

			r = sb_add(s, XE_PROXY_CCMD_VM_QUERY_ATTRS, sizeof(*r), rsp_off);
			if (!r)
				return;
			r->start = k & 0x20 ? 0 : m.addr;
			r->range = k & 0x20 ? 1ull << 47 : m.range;
			r->vm_id = pick_vm(c);
			r->max_ranges = k < 240 ? (k >> 5) : u32();
			break;
		}
		case 3: {
			struct xe_proxy_ccmd_vm_get_property_req *r;

			r = sb_add(s, XE_PROXY_CCMD_VM_GET_PROPERTY, sizeof(*r), rsp_off);
			if (!r)
				return;
			r->vm_id = pick_vm(c);
			r->property = k < 240 ? 0 : u32();
			r->size = k & 0x20 ? (k >> 6) * sizeof(struct xe_vm_fault) : 0;
			if (k >= 250)
				r->size = u32();
			break;
		}
		default: {
			uint32_t extra = (k >> 3) * 8;
			uint8_t *r = sb_add(s, XE_PROXY_CCMD_NOP, 16 + extra, rsp_off);

			if (r)
				take(r + 16, extra);
			break;
		}
		}
		break;
	}
	default: {
		/* raw: a header with any command number and length */
		struct xe_proxy_ccmd_req *h;
		uint32_t len = 16 + (u8() & 31) * 8;
		uint8_t *p = sb_add(s, 0, len, rsp_off);

		if (!p)
			return;
		h = (void *)p;
		take(p + 16, len - 16);
		h->cmd = sel < 248 ? u8() % 48 : u32();
		if (sel >= 252)
			h->len = u32();
		break;
	}
	}
}

static void learn_map(struct gctx *c, struct gmap m)
{
	if (m.range)
		RING_ADD(c->maps, m);
}

/* What a guest learns from its responses: VM and queue ids, BOs, fences. */
static void harvest(uint32_t ctx_id, const struct expect *ex, uint32_t n)
{
	struct gctx *c = &C[ctx_id];
	struct gres *sh = NULL;
	uint8_t *base;
	uint32_t rmo;

	for (uint32_t id = 1; id <= NRES; id++)
		if (R[id].live && R[id].kind == RK_SHMEM && R[id].ctx_id == ctx_id &&
		    ctx_current(ctx_id, R[id].ctx_gen) && R[id].map)
			sh = &R[id];
	if (!sh)
		return;
	base = sh->map;
	rmo = ((struct xe_proxy_shmem *)(void *)base)->rsp_mem_offset;
	for (uint32_t i = 0; i < n; i++) {
		const struct expect *e = &ex[i];
		uint64_t off = (uint64_t)rmo + e->rsp_off;
		union {
			struct xe_proxy_ccmd_vm_create_rsp vm;
			struct xe_proxy_ccmd_exec_queue_create_rsp queue;
			struct xe_proxy_ccmd_value_rsp value;
			struct xe_proxy_ccmd_vm_bind_rsp bind;
			struct xe_proxy_ccmd_status_rsp status;
			struct xe_proxy_ccmd_device_query_rsp query;
		} r;

		/* the guest reads the page as it is, whatever it holds */
		if (e->kind == EX_NONE || off + sizeof(r) > sh->map_size)
			continue;
		memcpy(&r, base + off, sizeof(r));
		switch (e->kind) {
		case EX_VM:
			if (!r.vm.ret && r.vm.vm_id)
				RING_ADD(c->vms, r.vm.vm_id);
			break;
		case EX_QUEUE:
			if (!r.queue.ret)
				RING_ADD(c->queues, r.queue.exec_queue_id);
			break;
		case EX_GEM_EXT:
			if (!r.value.ret)
				RING_ADD(c->blobs, ((struct gblob){ e->a, r.value.value }));
			break;
		case EX_BIND:
			if (!r.bind.ret)
				learn_map(c, e->map);
			break;
		case EX_BIND_EXT:
		case EX_EXEC_EXT:
			if (r.status.ret)
				break;
			if (e->kind == EX_BIND_EXT)
				learn_map(c, e->map);
			for (uint32_t k = 0; k < e->nfences; k++)
				RING_ADD(c->hfences, e->fences[k]);
			break;
		case EX_QUERY:
			if (!r.query.ret && r.query.size <= 8192 && e->a < 16)
				query_size[e->a] = r.query.size;
			break;
		default:
			break;
		}
	}
}

/* --- operations -------------------------------------------------------------------- */

enum {
	OP_CTX_CREATE, OP_CTX_DESTROY, OP_BLOB_SHMEM, OP_BLOB_BO, OP_BLOB_GUEST,
	OP_MAP, OP_UNMAP, OP_MAP_FIXED, OP_FIXED_UNMAP, OP_UNREF, OP_DETACH,
	OP_ATTACH, OP_INFO, OP_SUBMIT, OP_SUBMIT2, OP_SHMEM_WRITE, OP_RES_WRITE,
	OP_BATCH_WRITE, OP_RAM_WRITE, OP_FENCE, OP_POLL, OP_RESET, OP_TEARDOWN,
	OP_MISC, OP_WAIT, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"CTX_CREATE", "CTX_DESTROY", "BLOB_SHMEM", "BLOB_BO", "BLOB_GUEST",
	"MAP", "UNMAP", "MAP_FIXED", "FIXED_UNMAP", "UNREF", "DETACH",
	"ATTACH", "INFO", "SUBMIT", "SUBMIT2", "SHMEM_WRITE", "RES_WRITE",
	"BATCH_WRITE", "RAM_WRITE", "FENCE", "POLL", "RESET", "TEARDOWN",
	"MISC", "WAIT",
};

static void op_ctx_create(void)
{
	uint8_t b = u8();
	uint32_t id = b < 248 ? 1 + b % NCTX : 0;
	uint32_t flags = b & 0x80 && u8() >= 224 ? u32() : XE_PROXY_CAPSET_DRM;
	uint32_t nlen = u8() & 63;
	char name[64];
	int ret;

	take(name, nlen);
	ret = CALL("context_create_with_flags",
		   virgl_renderer_context_create_with_flags(id, flags, nlen, nlen ? name : NULL));
	T("CTX_CREATE %u flags %#x -> %d\n", id, flags, ret);
	if (!ret && id && !C[id].live) {
		if ((flags & 0xff) != XE_PROXY_CAPSET_DRM)
			fail("abi", "context %u created with capset %u", id, flags & 0xff);
		C[id] = (struct gctx){ .live = true, .gen = ++ctx_gen_counter };
	}
	if (!ret && !id)
		fail("abi", "context 0 was created");
}

static void op_ctx_destroy(void)
{
	uint32_t id = pick_ctx();

	CALLV("context_destroy", virgl_renderer_context_destroy(id));
	T("CTX_DESTROY %u\n", id);
	if (id >= 1 && id <= NCTX && C[id].live)
		ctx_forget(id);
}

static int create_blob(struct virgl_renderer_resource_create_blob_args *a)
{
	return CALL("resource_create_blob", virgl_renderer_resource_create_blob(a));
}

static uint32_t pick_blob_flags(void)
{
	uint8_t b = u8();

	if (b < 200)
		return VIRGL_RENDERER_BLOB_FLAG_USE_MAPPABLE | VIRGL_RENDERER_BLOB_FLAG_USE_SHAREABLE;
	return b < 248 ? b & 7 : u32();
}

static void res_register(uint32_t id, enum res_kind kind, uint32_t ctx_id, uint64_t size,
			 uint32_t blob_id)
{
	if (id < 1 || id > NRES)
		fail("abi", "resource %u (outside what was asked for) was created", id);
	if (R[id].live)
		fail("abi", "resource %u created twice", id);
	R[id] = (struct gres){ .live = true, .kind = kind, .ctx_id = ctx_id,
			       .ctx_gen = ctx_id <= NCTX ? C[ctx_id].gen : 0,
			       .size = size, .blob_id = blob_id };
}

static void map_res(uint32_t id)
{
	struct gres *r = res_live(id);
	void *p = NULL;
	uint64_t size = 0;
	int ret = CALL("resource_map", virgl_renderer_resource_map(id, &p, &size));

	T("MAP res %u -> %d %p+%#" PRIx64 "\n", id, ret, p, size);
	if (ret)
		return;
	if (!r)
		fail("abi", "resource_map of unknown resource %u succeeded", id);
	if (r->map)
		fail("abi", "resource %u mapped twice", id);
	if (size != r->size)
		fail("abi", "resource %u of %" PRIu64 " bytes mapped with %" PRIu64, id, r->size, size);
	r->map = p;
	r->map_size = size;
	/* QEMU hands the mapping to the guest, who may touch all of it */
	if (size)
		(void)*(volatile uint8_t *)((uint8_t *)p + size - 1);
}

static void op_blob_shmem(void)
{
	static const uint64_t sizes[] = { 4096, 8192, 16384, 65536 };
	struct virgl_renderer_resource_create_blob_args a = { 0 };
	uint8_t b = u8();
	int ret;

	/* one field at a time: the input is read in this order */
	a.res_handle = pick_free_res();
	a.ctx_id = pick_ctx();
	a.blob_mem = b < 248 ? VIRGL_RENDERER_BLOB_MEM_HOST3D : u8() & 7;
	a.blob_flags = pick_blob_flags();
	a.size = b < 224 ? sizes[b & 3] : b < 240 ? (b & 15) * 1024ull : u64();
	ret = create_blob(&a);

	T("BLOB_SHMEM res %u ctx %u size %#" PRIx64 " -> %d\n", a.res_handle, a.ctx_id, a.size, ret);
	if (ret)
		return;
	res_register(a.res_handle, RK_SHMEM, a.ctx_id, a.size, 0);
	if (b & 0x10 || b < 64)
		map_res(a.res_handle);
}

static void op_blob_bo(void)
{
	uint32_t ctx_id = pick_ctx();
	struct gctx *c = ctx_id >= 1 && ctx_id <= NCTX ? &C[ctx_id] : &C[0];
	struct virgl_renderer_resource_create_blob_args a = {
		.ctx_id = ctx_id,
		.blob_mem = VIRGL_RENDERER_BLOB_MEM_HOST3D,
	};
	uint64_t bsize;
	uint8_t b = u8();
	int ret;

	a.res_handle = pick_free_res();
	a.blob_flags = pick_blob_flags();
	a.blob_id = pick_blob(c, &bsize);
	a.size = b < 200 ? bsize : b < 240 ? (b & 15) * (uint64_t)PAGE : u64();
	if (b >= 252)
		a.blob_id = u64();
	/*
	 * XE_PROXY_F_GEM_CREATE_BLOB: the BO made with its resource, with
	 * fields mostly valid (sysmem, WB or WC), or anything in them
	 */
	if (b >= 224 && b < 240) {
		uint8_t f = u8();

		a.blob_id = f < 200 ?
			    XE_PROXY_BLOB_CREATE(1, 0, 1 + (f & 1), 0) :
			    XE_PROXY_BLOB_CREATE_FLAG | (u64() & ~XE_PROXY_BLOB_SLICE_FLAG);
		a.size = (1 + (f & 15)) * (uint64_t)PAGE;
	}
	ret = create_blob(&a);
	T("BLOB_BO res %u ctx %u blob %" PRIu64 " size %#" PRIx64 " -> %d\n", a.res_handle,
	  a.ctx_id, a.blob_id, a.size, ret);
	if (ret)
		return;
	/* blob_id 0 is the shmem page, whichever way the guest asked for it */
	res_register(a.res_handle, a.blob_id ? RK_BO : RK_SHMEM, a.ctx_id, a.size,
		     (uint32_t)a.blob_id);
	if (b & 0x20)
		map_res(a.res_handle);
}

static void op_blob_guest(void)
{
	uint8_t b = u8();
	uint32_t n = b < 200 ? 1 + (b & 3) : b < 248 ? 1 + (b & 31) : u16();
	struct iovec *iov;
	uint64_t sum = 0;
	struct virgl_renderer_resource_create_blob_args a = {
		.blob_mem = b < 250 ? VIRGL_RENDERER_BLOB_MEM_GUEST : VIRGL_RENDERER_BLOB_MEM_HOST3D_GUEST,
	};
	int ret;

	a.res_handle = pick_free_res();
	a.ctx_id = pick_ctx();
	a.blob_flags = pick_blob_flags();

	if (n > 20000)
		n = 20000;
	/* QEMU's array, exactly as long as the entries it mapped */
	iov = malloc((n ? n : 1) * sizeof(*iov));
	if (!iov)
		abort();
	for (uint32_t i = 0; i < n; i++) {
		uint8_t k = in_n ? u8() : (uint8_t)i;
		uint32_t page = in_n ? u16() % RAM_PAGES : i * 17 % RAM_PAGES;
		uint64_t off = (uint64_t)page * PAGE, len = (1 + (k & 7)) * (uint64_t)PAGE;

		if (k >= 240) {	/* the guest may give unaligned entries */
			off += u16() & 0xfff;
			len = u16();
		}
		if (off + len > RAM_SIZE)
			len = RAM_SIZE - off;
		iov[i] = (struct iovec){ ram + off, len };
		sum += len;
	}
	a.iovecs = iov;
	a.num_iovs = n;
	a.size = b & 0x40 && u8() >= 240 ? u64() : sum;
	if (b == 255)
		a.blob_id = u64();
	/* pages under a new resource are the guest's to use again */
	pieces_pages(iov, (int)n, 1, false);
	pieces_pages(iov, (int)n, -1, false);
	ret = create_blob(&a);
	T("BLOB_GUEST res %u ctx %u %u pieces %#" PRIx64 " bytes -> %d\n", a.res_handle,
	  a.ctx_id, n, a.size, ret);
	if (ret) {
		free(iov);	/* QEMU frees its mapping when the call fails */
		return;
	}
	res_register(a.res_handle, RK_GUEST, a.ctx_id, a.size, 0);
	R[a.res_handle].iov = iov;
	R[a.res_handle].niov = (int)n;
	R[a.res_handle].pieces = malloc((n ? n : 1) * sizeof(*iov));
	if (!R[a.res_handle].pieces)
		abort();
	memcpy(R[a.res_handle].pieces, iov, n * sizeof(*iov));
	pieces_pages(iov, (int)n, 1, false);
}

static void op_map(void)
{
	map_res(pick_res(0, 0));
}

static void op_unmap(void)
{
	uint32_t id = pick_res(0, 0);
	struct gres *r = res_live(id);
	int ret = CALL("resource_unmap", virgl_renderer_resource_unmap(id));

	T("UNMAP res %u -> %d\n", id, ret);
	if (!ret && (!r || !r->map))
		fail("abi", "resource_unmap of unmapped resource %u succeeded", id);
	if (!ret)
		r->map = NULL;
}

static void op_map_fixed(void)
{
	uint32_t id = pick_res(0, 0);
	struct gres *r = res_live(id);
	uint8_t b = u8();
	uint64_t off = (uint64_t)(u16() % (WIN_SIZE / PAGE)) * PAGE;
	uint64_t size = r ? r->size : PAGE;
	int ret;

	/* QEMU: the blob must fit in the window at the guest's offset */
	if (b >= 248)
		off += b & 0xfff;
	if (!r || size > WIN_SIZE || off + size > WIN_SIZE)
		return;
	if (r->fixed)
		fixed_unmap(r);
	ret = CALL("resource_map_fixed", virgl_renderer_resource_map_fixed(id, win + off));
	T("MAP_FIXED res %u at +%#" PRIx64 " -> %d\n", id, off, ret);
	if (ret)
		return;
	r->fixed = win + off;
	r->fixed_size = (size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	/* other resources' fixed mappings under it are gone */
	for (uint32_t k = 1; k <= NRES; k++) {
		struct gres *o = &R[k];

		if (k != id && o->fixed && o->fixed < r->fixed + r->fixed_size &&
		    r->fixed < o->fixed + o->fixed_size) {
			o->fixed = NULL;
			o->fixed_size = 0;
		}
	}
	(void)*(volatile uint8_t *)(r->fixed + size - 1);
}

static void op_fixed_unmap(void)
{
	struct gres *r = res_live(pick_res(0, 0));

	if (r)
		fixed_unmap(r);
}

static void op_unref(void)
{
	uint32_t id = pick_res(0, 0);

	T("UNREF res %u\n", id);
	res_unref(id, u8() < 224);
}

static void op_detach(void)
{
	uint32_t id = pick_res(RK_GUEST, 0);

	T("DETACH res %u\n", id);
	res_detach(id);
}

/*
 * Attach (PRIME between two guest files) or detach; the context's later
 * ccmds may then name the resource (pick_res()). Mostly BOs of another
 * live context, else anything.
 */
static void op_attach(void)
{
	uint32_t ctx = pick_ctx(), res = pick_res(u8() < 192 ? RK_BO : 0, 0);
	struct gres *r = res_live(res);
	bool attach = u8() & 1;

	T("%s ctx %u res %u\n", attach ? "ATTACH" : "DETACH_CTX", ctx, res);
	if (attach)
		CALLV("ctx_attach_resource", virgl_renderer_ctx_attach_resource((int)ctx, (int)res));
	else
		CALLV("ctx_detach_resource", virgl_renderer_ctx_detach_resource((int)ctx, (int)res));
	if (!r || r->kind != RK_BO || ctx < 1 || ctx > NCTX || !C[ctx].live)
		return;
	if (attach)
		r->attached |= 1u << ctx;
	else
		r->attached &= ~(1u << ctx);
}

static void op_info(void)
{
	uint32_t id = pick_res(0, 0);
	struct virgl_renderer_resource_info info;
	struct virgl_renderer_resource_info_ext ext;
	uint32_t map_info, fd_type;
	int ret, fd = -1;

	switch (u8() % 4) {
	case 0:
		ret = CALL("resource_get_info", virgl_renderer_resource_get_info((int)id, &info));
		if (!ret && info.fd >= 0 && fcntl(info.fd, F_GETFD) < 0)
			fail("abi", "resource %u: get_info gave fd %d, which is not open", id, info.fd);
		break;
	case 1:
		ret = CALL("resource_get_info_ext",
			   virgl_renderer_resource_get_info_ext((int)id, &ext));
		break;
	case 2:
		ret = CALL("resource_get_map_info",
			   virgl_renderer_resource_get_map_info(id, &map_info));
		break;
	default:
		ret = CALL("resource_export_blob",
			   virgl_renderer_resource_export_blob(id, &fd_type, &fd));
		if (!ret) {
			if (fd < 0 || fcntl(fd, F_GETFD) < 0)
				fail("abi", "resource %u: export_blob gave fd %d", id, fd);
			close(fd);
		}
		break;
	}
	(void)ret;
}

static void op_submit(bool big)
{
	static uint8_t build[SB_MAX];
	struct expect ex[16];
	uint32_t ctx_id = pick_ctx();
	struct gctx *c = ctx_id >= 1 && ctx_id <= NCTX ? &C[ctx_id] : &C[0];
	uint32_t seq = c->seqno;
	struct sb s = { .b = build, .seqno = &seq };
	uint8_t b = u8();
	uint32_t n = 1 + (b & 7), ncmd = 0;
	size_t size;
	uint8_t *buf;
	int ret;

	if (big)
		n = 1 + (b & 15);
	for (uint32_t i = 0; i < n && in_n; i++) {
		size_t before = s.len;
		uint8_t rep = u8();

		build_cmd(&s, c, ctx_id, i, &ex[i]);
		ncmd = i + 1;
		/* the same command again and again: many execs, binds, fences */
		if (rep >= 224 && s.len > before) {
			size_t one = s.len - before;
			uint32_t times = 1 + (rep & 31) * (big ? 8 : 1);

			for (uint32_t k = 0; k < times && s.len + one <= SB_MAX; k++) {
				memcpy(s.b + s.len, s.b + before, one);
				s.len += one;
			}
		}
	}
	c->seqno = seq;
	size = s.len;
	if (b >= 248 && size)
		size -= 1 + (u8() % (size < 16 ? size : 16));
	/* QEMU copies exactly what the guest sent into a buffer of its own */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, build, size);
	ret = CALL("submit_cmd", virgl_renderer_submit_cmd(buf, (int)ctx_id, (int)(size / 4)));
	free(buf);
	T("SUBMIT ctx %u %u cmds %zu bytes -> %d\n", ctx_id, ncmd, size, ret);
	st.submits++;
	st.cmds += ncmd;
	if (ctx_id >= 1 && ctx_id <= NCTX && C[ctx_id].live)
		harvest(ctx_id, ex, ncmd);
}

/* A CPU-visible view of a resource: its map, or its window mapping. */
static uint8_t *res_view(struct gres *r, uint64_t *size)
{
	if (r->map) {
		*size = r->map_size;
		return r->map;
	}
	if (r->fixed) {
		*size = r->fixed_size < r->size ? r->fixed_size : r->size;
		return r->fixed;
	}
	return NULL;
}

static void op_shmem_write(void)
{
	struct gres *r = res_live(pick_res(RK_SHMEM, 0));
	uint8_t b = u8(), buf[64];
	uint64_t size, off;
	uint32_t len = 1 + (u8() & 31);
	uint8_t *v = r ? res_view(r, &size) : NULL;

	if (!v)
		return;
	if (b < 128 && !skipped("shmemhdr"))
		off = b & 15;		/* seqno, rsp_mem_offset, ban mask */
	else if (b < 128)
		off = 16 + (b & 15);
	else if (b < 192)
		off = 16 + (u8() & 63) * 8;	/* ban bitmap */
	else
		off = u16();
	if (off >= size || (off < 16 && skipped("shmemhdr")))
		return;
	if (len > size - off)
		len = (uint32_t)(size - off);
	take(buf, len);
	memcpy(v + off, buf, len);
	T("SHMEM_WRITE +%#" PRIx64 " %u bytes\n", off, len);
}

static void op_res_write(void)
{
	struct gres *r = res_live(pick_res(RK_BO, 0));
	uint8_t buf[64];
	uint64_t size, off = (uint64_t)u16() * 8;
	uint32_t len = 1 + (u8() & 63);
	uint8_t *v = r ? res_view(r, &size) : NULL;

	if (!v || !size)
		return;
	off %= size;
	if (len > size - off)
		len = (uint32_t)(size - off);
	take(buf, len);
	if (r->kind == RK_SHMEM && off < 16 && skipped("shmemhdr"))
		return;
	memcpy(v + off, buf, len);
}

/* A batch at 256-byte granularity, at the GPU address the context bound the
 * resource to (if it did): the exec picker aims there. */
static void op_batch_write(void)
{
	uint32_t id = pick_res(RK_BO, 0);
	struct gres *r = res_live(id);
	uint32_t dw[24] = { 0 }, n = 0;
	uint64_t size, off = (uint64_t)(u8() & 15) * 0x100, va = 0, target;
	uint8_t *v = r ? res_view(r, &size) : NULL;
	struct gctx *c;
	uint8_t k = u8();

	if (!v || off + sizeof(dw) > size ||
	    (r->kind == RK_SHMEM && off < 16 && skipped("shmemhdr")))
		return;
	c = ctx_current(r->ctx_id, r->ctx_gen) ? &C[r->ctx_id] : NULL;
	for (uint32_t i = 0; c && i < c->maps.n; i++)
		if (c->maps.v[i].res_id == id)
			va = c->maps.v[i].addr + off;
	target = c ? pick_exec_addr(c) + 0x800 : u64();
	switch (k % 6) {
	case 0:	/* end */
		dw[n++] = 0x0a << 23;
		break;
	case 1:	/* store a dword, end */
		dw[n++] = (0x20 << 23) | 2;
		dw[n++] = (uint32_t)target;
		dw[n++] = (uint32_t)(target >> 32);
		dw[n++] = u32();
		dw[n++] = 0x0a << 23;
		break;
	case 2:	/* wait for a dword: blocks until written, or hangs */
		dw[n++] = (0x1c << 23) | (1u << 15) | (4u << 12) | 2;
		dw[n++] = u32();
		dw[n++] = (uint32_t)target;
		dw[n++] = (uint32_t)(target >> 32);
		dw[n++] = 0x0a << 23;
		break;
	case 3:	/* jump to itself: runs until the job timeout */
		dw[n++] = (0x31 << 23) | (1u << 8) | 1;
		dw[n++] = (uint32_t)va;
		dw[n++] = (uint32_t)(va >> 32);
		break;
	case 4:	/* store into the last bound range, then end */
		dw[n++] = (0x20 << 23) | 2;
		dw[n++] = (uint32_t)(target - 0x800);
		dw[n++] = (uint32_t)((target - 0x800) >> 32);
		dw[n++] = u32();
		dw[n++] = 0x0a << 23;
		break;
	default:
		n = 1 + (k >> 3) % 24;
		take(dw, n * 4);
		break;
	}
	memcpy(v + off, dw, n * 4);
	if (c && va)
		c->batch_va = va;
	T("BATCH_WRITE res %u +%#" PRIx64 " kind %u va %#" PRIx64 "\n", id, off, k % 6, va);
}

static void op_ram_write(void)
{
	uint32_t page = u16() % RAM_PAGES;
	uint32_t off = u16() & 0xff8, len = 1 + (u8() & 31);
	uint8_t buf[32];

	take(buf, len);
	if (ram_revoked[page] || off + len > PAGE)
		return;
	memcpy(ram + (size_t)page * PAGE + off, buf, len);
}

static void op_fence(void)
{
	uint32_t ctx_id = pick_ctx();
	uint8_t b = u8();
	uint32_t flags = b < 192 ? 0 : b < 248 ? VIRGL_RENDERER_FENCE_FLAG_MERGEABLE : u32();
	uint32_t ring = pick_ring();
	uint64_t id;
	int ret;

	pthread_mutex_lock(&fence_mu);
	id = ++fence_counter;
	/* queued before the call: the fence thread may report it at once */
	if (ctx_id >= 1 && ctx_id <= NCTX && ring < NRINGS && C[ctx_id].live)
		fq_push(&FQ[ctx_id][ring], (struct fent){ id, now_ns(),
			flags & VIRGL_RENDERER_FENCE_FLAG_MERGEABLE });
	pthread_mutex_unlock(&fence_mu);
	ret = CALL("context_create_fence",
		   virgl_renderer_context_create_fence(ctx_id, flags, ring, id));
	T("FENCE ctx %u ring %u id %" PRIu64 " -> %d\n", ctx_id, ring, id, ret);
	pthread_mutex_lock(&fence_mu);
	if (ret && ctx_id >= 1 && ctx_id <= NCTX && ring < NRINGS) {
		struct fqueue *q = &FQ[ctx_id][ring];

		for (uint32_t i = q->head; i < q->tail; i++)
			if (q->e[i].id == id) {
				memmove(&q->e[i], &q->e[i + 1], (q->tail - i - 1) * sizeof(*q->e));
				q->tail--;
				break;
			}
	} else if (!ret) {
		if (ctx_id < 1 || ctx_id > NCTX || ring >= NRINGS || !C[ctx_id].live)
			fail("abi", "fence on context %u ring %u accepted", ctx_id, ring);
		st.fences_created++;
	}
	pthread_mutex_unlock(&fence_mu);
}

static void op_poll(void)
{
	uint8_t b = u8();

	if (b & 1)
		CALLV("poll", virgl_renderer_poll());
	else
		CALLV("context_poll", virgl_renderer_context_poll(pick_ctx()));
}

static void forget_everything(void)
{
	for (uint32_t id = 1; id <= NRES; id++) {
		if (!R[id].live)
			continue;
		R[id].map = NULL;	/* the library unmapped it */
		fixed_unmap(&R[id]);
		res_forget(id);
	}
	for (uint32_t id = 1; id <= NCTX; id++)
		if (C[id].live)
			ctx_forget(id);
}

/* Wiping everything needs one particular byte: a run of 0xff does not. */
#define RESET_BYTE	0xa5
#define TEARDOWN_BYTE	0x5a

static void op_reset(void)
{
	int ret;

	if (u8() != RESET_BYTE)
		return;
	CALLV("reset", virgl_renderer_reset());
	forget_everything();
	/* QEMU inits again, with the same arguments, after a reset */
	ret = CALL("init", virgl_renderer_init(&cookie, init_flags, &cbs));
	if (ret)
		fail("abi", "init after reset failed: %d", ret);
	st.resets++;
	T("RESET\n");
}

static void op_teardown(void)
{
	if (u8() != TEARDOWN_BYTE)
		return;
	T("TEARDOWN\n");
	teardown_all();
}

/* The rest of the ABI, which QEMU may call with guest-chosen ids. */
static void op_misc(void)
{
	uint8_t k = u8();
	uint32_t a = pick_res_any(), b = pick_ctx(), ver = 0, size = 0;
	uint64_t caps[16];
	struct iovec iov = { ram, PAGE };
	struct virgl_box box = { 0, 0, 0, 1, 1, 1 };
	struct virgl_renderer_resource_create_args ca = { .handle = a, .width = 1,
							  .height = 1, .depth = 1,
							  .array_size = 1 };
	struct virgl_renderer_resource_import_blob_args ia = { .res_handle = a,
							       .blob_mem = VIRGL_RENDERER_BLOB_MEM_HOST3D,
							       .fd = -1, .size = PAGE };
	struct virgl_renderer_export_query q = { .hdr = {
			VIRGL_RENDERER_STRUCTURE_TYPE_EXPORT_QUERY, 0, sizeof(q) },
		.in_resource_id = a };
	uint32_t w, h;
	int fd;
	void *priv;

	switch (k % 16) {
	case 0:
		virgl_renderer_get_cap_set(u8() % 8, &ver, &size);
		break;
	case 1:
		virgl_renderer_fill_caps(u8() % 8, u8(), caps);
		break;
	case 2:
		virgl_renderer_context_create(b, 0, NULL);
		break;
	case 3:
		virgl_renderer_resource_create(&ca, &iov, 1);
		break;
	case 4:
		virgl_renderer_transfer_read_iov(a, b, 0, 0, 0, &box, 0, &iov, 1);
		virgl_renderer_transfer_write_iov(a, b, 0, 0, 0, &box, 0, &iov, 1);
		break;
	case 5:
		virgl_renderer_get_cursor_data(a, &w, &h);
		break;
	case 6:
		virgl_renderer_resource_attach_iov((int)a, &iov, 1);
		break;
	case 7:
		virgl_renderer_resource_set_priv(a, &cookie);
		priv = virgl_renderer_resource_get_priv(a);
		if (res_live(a) && priv != &cookie)
			fail("abi", "resource %u: get_priv gave %p after set_priv(%p)", a, priv,
			     (void *)&cookie);
		virgl_renderer_resource_set_priv(a, NULL);
		break;
	case 8:
		virgl_renderer_execute(&q, sizeof(q));
		break;
	case 9:
		virgl_renderer_create_fence((int)u32(), 0);
		break;
	case 10:
		if (virgl_renderer_context_get_poll_fd(b) >= 0)
			fail("abi", "context %u has a poll fd of its own", b);
		break;
	case 11:
		virgl_renderer_get_poll_fd();
		break;
	case 12:
		virgl_renderer_force_ctx_0();
		break;
	case 13:
		virgl_renderer_get_rect((int)a, &iov, 1, 0, 0, 0, 1, 1);
		virgl_renderer_get_fd_for_texture(a, &fd);
		break;
	case 14:
		virgl_renderer_resource_import_blob(&ia);
		virgl_renderer_resource_import_eglimage(&ca, NULL);
		break;
	default: {
		/* capsets again: QEMU asks at realize and after reset */
		uint8_t buf[256];

		virgl_renderer_get_cap_set(XE_PROXY_CAPSET_DRM, &ver, &size);
		if (size != sizeof(struct xe_proxy_capset_drm))
			fail("abi", "capset DRM is %u bytes", size);
		virgl_renderer_fill_caps(XE_PROXY_CAPSET_DRM, ver, buf);
		break;
	}
	}
}

/* Let the GPU (the simulator's worker) and the fence thread get on. */
static void op_wait(void)
{
	uint8_t b = u8();

	if (b >= 224)
		usleep(b < 240 ? 0 : b < 255 ? 100 : 5000);
	virgl_renderer_poll();
}

static void run_ops(void)
{
	while (in_n) {
		uint8_t op = u8() % OP_COUNT;
		uint64_t t0 = now_ns();

		st.ops[op]++;
		switch (op) {
		case OP_CTX_CREATE: op_ctx_create(); break;
		case OP_CTX_DESTROY: op_ctx_destroy(); break;
		case OP_BLOB_SHMEM: op_blob_shmem(); break;
		case OP_BLOB_BO: op_blob_bo(); break;
		case OP_BLOB_GUEST: op_blob_guest(); break;
		case OP_MAP: op_map(); break;
		case OP_UNMAP: op_unmap(); break;
		case OP_MAP_FIXED: op_map_fixed(); break;
		case OP_FIXED_UNMAP: op_fixed_unmap(); break;
		case OP_UNREF: op_unref(); break;
		case OP_DETACH: op_detach(); break;
		case OP_ATTACH: op_attach(); break;
		case OP_INFO: op_info(); break;
		case OP_SUBMIT: op_submit(false); break;
		case OP_SUBMIT2: op_submit(true); break;
		case OP_SHMEM_WRITE: op_shmem_write(); break;
		case OP_RES_WRITE: op_res_write(); break;
		case OP_BATCH_WRITE: op_batch_write(); break;
		case OP_RAM_WRITE: op_ram_write(); break;
		case OP_FENCE: op_fence(); break;
		case OP_POLL: op_poll(); break;
		case OP_RESET: op_reset(); break;
		case OP_TEARDOWN: op_teardown(); break;
		case OP_MISC: op_misc(); break;
		default: op_wait(); break;
		}
		st.op_ns[op] += now_ns() - t0;
	}
}

/* --- one input ------------------------------------------------------------------------ */

static void run_one(const uint8_t *data, size_t size)
{
	n_inputs++;
	history_append(data, size);
	in_p = data;
	in_n = size;
	revoke_due(false);
	run_ops();
	if (hist_count >= HISTORY_MAX) {
		teardown_all();
		st.forced_teardowns++;
	}
	if (all_gone()) {
		bool had = n_suspects;

		check_fds_clean();
		if (n_suspects && !had)
			history_keep_suspect();
		history_reset();
	} else if (n_inputs % 16 == 0) {
		check_fd_bound();
	}
	if (n_inputs % 16 == 0)
		quar_check_all();
	if (n_inputs % 256 == 0)
		fences_check_stuck();
	check_suspects();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fd_base_set) {
		fd_base = count_fds(false);
		fd_base_set = true;
		check_suspects();
		history_reset();
	}
	if (size >= sizeof(hist_magic) && !memcmp(data, hist_magic, sizeof(hist_magic))) {
		/* a saved history: its inputs one after the other */
		size_t off = sizeof(hist_magic);

		while (size - off >= 4) {
			uint32_t len;

			memcpy(&len, data + off, 4);
			off += 4;
			if (len > size - off)
				len = (uint32_t)(size - off);
			run_one(data + off, len);
			off += len;
		}
		/* the periodic checks, whatever the count: the crash may be one */
		if (!all_gone())
			check_fd_bound();
		quar_check_all();
		/* tests/fuzz/run replaying a saved history: the deferred check too */
		while (n_suspects && getenv("ABI_FUZZ_REPLAY")) {
			sleep(1);
			check_suspects();
		}
		return 0;
	}
	run_one(data, size);
	return 0;
}

/* --- seeds ------------------------------------------------------------------------------ */

/*
 * A few inputs that reach the deep states: a context with its shmem mapped,
 * a VM, a BO with a resource that is mapped, bound and holds a batch, a
 * queue that runs it, fences; guest memory bound as userptr; a teardown.
 * The bytes follow the decoders above.
 */
struct seed {
	uint8_t b[4096];
	size_t n;
};

static void e8(struct seed *s, uint8_t v) { s->b[s->n++] = v; }
static void e16(struct seed *s, uint16_t v) { e8(s, (uint8_t)v); e8(s, (uint8_t)(v >> 8)); }

static void seed_ctx(struct seed *s, uint8_t slot)
{
	e8(s, OP_CTX_CREATE); e8(s, slot); e8(s, 4); e8(s, 's'); e8(s, 'e'); e8(s, 'e'); e8(s, 'd');
	/* shmem: size 16K (b=2 -> sizes[2]), mapped (b < 64) */
	e8(s, OP_BLOB_SHMEM); e8(s, 2); e8(s, 200 + slot); e8(s, 0); e8(s, 0);
}

/*
 * SUBMIT: context (the first live one), command count; then per command the
 * repeat byte, the selector, the response-slot byte and its fields.
 */
static void seed_vm_bo(struct seed *s)
{
	e8(s, OP_SUBMIT); e8(s, 0); e8(s, 2);	/* 3 commands */
	/* VM_CREATE, flags 0 */
	e8(s, 0); e8(s, 4); e8(s, 0); e8(s, 0);
	/* GEM_CREATE_EXT: 4 pages, not VM-private, WB, flags 0 */
	e8(s, 0); e8(s, 2); e8(s, 0); e8(s, 3); e8(s, 1); e8(s, 0);
	/* VM_CREATE with SCRATCH_PAGE */
	e8(s, 0); e8(s, 4); e8(s, 0); e8(s, 200); e8(s, 1); e8(s, 0); e8(s, 0); e8(s, 0);
}

static void seed_resource(struct seed *s)
{
	/* BLOB_BO of the context's first blob_id, mapped (b & 0x20) */
	e8(s, OP_BLOB_BO); e8(s, 0); e8(s, 0x21); e8(s, 10); e8(s, 0); e8(s, 0);
}

static void seed_bind_exec(struct seed *s)
{
	e8(s, OP_SUBMIT); e8(s, 0); e8(s, 1);	/* 2 commands */
	/* VM_BIND: 1 op on the first VM: MAP the first BO resource at 1 MiB */
	e8(s, 0); e8(s, 6); e8(s, 0);
	e8(s, 0); e8(s, 0); e8(s, 0); e8(s, 0); e8(s, 0); e8(s, 0); e8(s, 0);
	/* EXEC_QUEUE_CREATE: render engine 0 on the first VM */
	e8(s, 0); e8(s, 8); e8(s, 0); e8(s, 0); e8(s, 0); e8(s, 0); e8(s, 0);
	/* BATCH_WRITE: store a dword into the bound range, end */
	e8(s, OP_BATCH_WRITE); e8(s, 0); e8(s, 0); e8(s, 1); e8(s, 200); e8(s, 0);
	e16(s, 0x1234); e16(s, 0x5678);
	/* EXEC of it, and an EXEC_EXT that signals host fence 1 on ring 5 */
	e8(s, OP_SUBMIT); e8(s, 0); e8(s, 1);
	e8(s, 0); e8(s, 11); e8(s, 0); e8(s, 0); e8(s, 0);
	e8(s, 0); e8(s, 15); e8(s, 0); e8(s, 1); e8(s, 0); e8(s, 0); e8(s, 5); e8(s, 0);
	/* a fence on ring 5, a wait, a poll */
	e8(s, OP_FENCE); e8(s, 0); e8(s, 0); e8(s, 5);
	e8(s, OP_WAIT); e8(s, 230);
	e8(s, OP_POLL); e8(s, 1);
}

static void seed_guest(struct seed *s)
{
	/* two pieces of guest RAM (2 and 4 pages), bound as userptr, detached */
	e8(s, OP_BLOB_GUEST); e8(s, 1); e8(s, 5); e8(s, 0); e8(s, 0);
	e8(s, 1); e16(s, 100); e8(s, 3); e16(s, 300);
	e8(s, OP_SUBMIT); e8(s, 0); e8(s, 0);
	e8(s, 0); e8(s, 13); e8(s, 0);
	e8(s, 1); e8(s, 0); e8(s, 3);		/* 1 op, 0 syncs; vm; ring 3 */
	e8(s, 3); e8(s, 0); e8(s, 0);		/* MAP_USERPTR, pat, flags */
	e8(s, 0); e8(s, 5); e8(s, 0);		/* resource, GPU slot, prefetch */
	e8(s, OP_DETACH); e8(s, 0);
}

/*
 * A second context attaches the first one's BO resource (PRIME between two
 * files), binds it in a VM of its own and runs the batch in it. Slot 1
 * gets the lower context id, so it is the first live context from here.
 */
static void seed_shared(struct seed *s)
{
	seed_ctx(s, 1);
	e8(s, OP_SUBMIT); e8(s, 0); e8(s, 0);	/* VM_CREATE */
	e8(s, 0); e8(s, 4); e8(s, 0); e8(s, 0);
	/* ATTACH: that context, a BO resource (the only one), attach */
	e8(s, OP_ATTACH); e8(s, 0); e8(s, 0); e8(s, 0); e8(s, 1);
	seed_bind_exec(s);
}

static void write_seeds(const char *dir)
{
	static struct seed s;
	char path[512];
	int fd;

	for (int k = 0; k < 7; k++) {
		s.n = 0;
		seed_ctx(&s, (uint8_t)k);
		if (k >= 1)
			seed_vm_bo(&s);
		if (k >= 2)
			seed_resource(&s);
		if (k >= 3)
			seed_bind_exec(&s);
		if (k == 4)
			seed_guest(&s);
		if (k == 6)
			seed_shared(&s);
		if (k == 5) {
			/* the guest moves the response area; a query; teardown */
			e8(&s, OP_SHMEM_WRITE); e8(&s, 0); e8(&s, 4); e8(&s, 3);
			e8(&s, 0); e8(&s, 0x10); e8(&s, 0); e8(&s, 0);
			e8(&s, OP_SUBMIT); e8(&s, 0); e8(&s, 0);
			e8(&s, 0); e8(&s, 0); e8(&s, 0); e8(&s, 2); e8(&s, 0);
			e8(&s, OP_TEARDOWN); e8(&s, TEARDOWN_BYTE);
		}
		snprintf(path, sizeof(path), "%s/seed-%d", dir, k);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			perror(path);
			exit(1);
		}
		full_write(fd, s.b, s.n);
		close(fd);
	}
}

/* --- set-up -------------------------------------------------------------------------------- */

static void print_stats(void)
{
	fprintf(stderr, "abi_fuzz: %" PRIu64 " inputs, %" PRIu64 " submits (%" PRIu64 " commands), fences %" PRIu64 " created / %" PRIu64 " reported / %" PRIu64 " reported after their context went (%" PRIu64 " while a new one of that id waited), %" PRIu64 " teardowns (%" PRIu64 " forced), %" PRIu64 " resets, %" PRIu64 " host munmaps quarantined, %" PRIu64 " guest pages revoked, fd checks %" PRIu64 " (%" PRIu64 " with everything destroyed), at most %" PRIu64 " fds held\n",
		n_inputs, st.submits, st.cmds, st.fences_created, st.fences_delivered,
		st.fences_stale, st.fences_stale_live, st.teardowns, st.forced_teardowns, st.resets,
		st.quarantined, st.revoked_pages, st.fd_checks, st.fd_clean_checks,
		st.max_fds);
	fprintf(stderr, "abi_fuzz: ops (count/ms)");
	for (int i = 0; i < OP_COUNT; i++)
		fprintf(stderr, " %s=%" PRIu64 "/%" PRIu64, op_names[i], st.ops[i],
			st.op_ns[i] / 1000000);
	fprintf(stderr, "\n");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint32_t ver = 0, size = 0;
	const char *v;
	uint8_t caps[64];

	(void)argc;
	(void)argv;
	if ((v = getenv("ABI_FUZZ_WRITE_SEEDS"))) {
		write_seeds(v);
		exit(0);
	}
	/* the real virglrenderer is never loaded: DRM/XE contexts only */
	setenv("XE_PROXY_REAL_VIRGLRENDERER", "none", 1);
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		setenv(limits[i].name, limits[i].value, 0);
	trace = getenv("ABI_FUZZ_TRACE") && *getenv("ABI_FUZZ_TRACE") != '0';
	snprintf(skip_list, sizeof(skip_list), ",%s,",
		 getenv("ABI_FUZZ_SKIP") ? getenv("ABI_FUZZ_SKIP") : "");
	if (getenv("ABI_FUZZ_STALL_MS"))
		stall_ns = (uint64_t)env_long("ABI_FUZZ_STALL_MS") * 1000000;
	if (getenv("ABI_FUZZ_REVOKE_MS"))
		revoke_delay_ns = (uint64_t)env_long("ABI_FUZZ_REVOKE_MS") * 1000000;
	if (getenv("ABI_FUZZ_SUSPECT_MS"))
		suspect_ns = (uint64_t)env_long("ABI_FUZZ_SUSPECT_MS") * 1000000;

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	win = mmap(NULL, WIN_SIZE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED || win == MAP_FAILED) {
		perror("abi_fuzz: mmap");
		exit(1);
	}

	/* as QEMU: capsets at realize, then init */
	virgl_renderer_get_cap_set(XE_PROXY_CAPSET_DRM, &ver, &size);
	if (size != sizeof(struct xe_proxy_capset_drm)) {
		fprintf(stderr, "abi_fuzz: no xe device (preload the simulator)\n");
		exit(1);
	}
	cbs = (struct virgl_renderer_callbacks){
		.version = 3,
		.write_fence = write_fence,
		.write_context_fence = write_context_fence,
	};
	init_flags = VIRGL_RENDERER_DRM | VIRGL_RENDERER_NO_VIRGL;
	if (!getenv("ABI_FUZZ_POLL_FENCES"))
		init_flags |= VIRGL_RENDERER_ASYNC_FENCE_CB;
	if (virgl_renderer_init(&cookie, init_flags, &cbs)) {
		fprintf(stderr, "abi_fuzz: virgl_renderer_init failed\n");
		exit(1);
	}
	virgl_renderer_fill_caps(XE_PROXY_CAPSET_DRM, ver, caps);
	virgl_renderer_get_poll_fd();

	if ((v = getenv("ABI_FUZZ_HISTORY")) && *v) {
		hist_fd = open(v, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (hist_fd < 0)
			perror(v);
	}
	atexit(print_stats);
	return 0;
}
