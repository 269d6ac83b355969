// SPDX-License-Identifier: MIT
/*
 * The LD_PRELOAD surface: libc entry points that touch the simulated device
 * or the fds it hands out. Anything else goes straight to the real libc.
 *
 * XE_SIM_PATHS   colon-separated device paths (default: /dev/dri/card<i> and
 *                /dev/dri/renderD<128 + i> of each device i); the paths need
 *                not exist. A path's card or render number picks its device.
 * XE_SIM_DEVICE  PCI device id to present (default 0x64a0, Lunar Lake), or a
 *                comma-separated list of ids for several devices
 * XE_SIM_DEBUG   1: log every rejected ioctl with its reason, 2: also trace
 * XE_SIM_TRACE   file to append one line per ioctl to (sim_trace.c)
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* x86-64: struct stat64 has the layout of struct stat */
_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "stat64");
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sim.h"

#define DRM_MAJOR	226

/* the libc entry points we replace; everything else stays hidden */
#define SIM_EXPORT __attribute__((visibility("default")))

struct fd_entry {
	enum sim_fd_type type;
	void *obj;
};

static struct fd_entry *fds;
static int num_fds;
#define MAX_PATHS	(2 * SIM_MAX_GPUS)
static char *paths[MAX_PATHS];
static uint32_t path_minor[MAX_PATHS];
static struct sim_gpu *path_gpu[MAX_PATHS];	/* NULL: no such device */
static int num_paths;

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_fcntl)(int, int, ...);
static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_stat)(const char *, struct stat *);
static int (*real_lstat)(const char *, struct stat *);
static int (*real_fstat)(int, struct stat *);
static int (*real_fstatat)(int, const char *, struct stat *, int);
static off_t (*real_lseek)(int, off_t, int);
static int (*real_munmap)(void *, size_t);
static int (*real_poll)(struct pollfd *, nfds_t, int);

#define RESOLVE(sym) (real_##sym = dlsym(RTLD_NEXT, #sym))

static void sim_atfork_prepare(void) { pthread_mutex_lock(&sim.lock); }
static void sim_atfork_parent(void) { pthread_mutex_unlock(&sim.lock); }
/*
 * Every timed wait on sim.cond takes a CLOCK_MONOTONIC deadline; the static
 * initializer's clock is CLOCK_REALTIME, on which such a deadline is long
 * past, so those waits returned at once and the worker never slept.
 */
static void sim_cond_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&sim.cond, &a);
	pthread_condattr_destroy(&a);
}

static void sim_atfork_child(void)
{
	pthread_mutex_init(&sim.lock, NULL);
	sim_cond_init();
}

/*
 * Other libraries' constructors may call open() or stat() before ours runs,
 * so the real functions are looked up on first use too.
 */
static void sim_resolve(void)
{
	RESOLVE(open);
	RESOLVE(openat);
	RESOLVE(close);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(fcntl);
	RESOLVE(ioctl);
	RESOLVE(mmap);
	RESOLVE(stat);
	RESOLVE(lstat);
	RESOLVE(fstat);
	RESOLVE(fstatat);
	RESOLVE(lseek);
	RESOLVE(munmap);
	RESOLVE(poll);
}

#define REAL(fn) (*(real_##fn ? real_##fn : (sim_resolve(), real_##fn)))

static void add_path(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	uint32_t minor = 0;

	if (num_paths == MAX_PATHS)
		return;
	if (sscanf(base, "renderD%u", &minor) == 1 ||
	    sscanf(base, "card%u", &minor) == 1) {
		path_gpu[num_paths] = sim_gpu_of_minor(minor);
	} else {
		/* another name: a primary node of the first device */
		minor = num_paths;
		path_gpu[num_paths] = &sim.gpus[0];
	}
	paths[num_paths] = strdup(path);
	path_minor[num_paths++] = minor;
}

/*
 * Our pid, for the user copies (process_vm_readv/writev on ourselves),
 * kept in a page the kernel zeroes in every child that does not share
 * our memory (MADV_WIPEONFORK): a child never names its parent, however
 * it was made (fork, _Fork, clone). 0 there, or before our constructor
 * made the page: ask the kernel.
 */
static pid_t *self_pid;

static void sim_self_init(void)
{
	pid_t *p = REAL(mmap)(NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	if (madvise(p, 4096, MADV_WIPEONFORK)) {
		REAL(munmap)(p, 4096);
		return;
	}
	*p = getpid();
	self_pid = p;
}

pid_t sim_self(void)
{
	pid_t pid = self_pid ? __atomic_load_n(self_pid, __ATOMIC_RELAXED) : 0;

	if (!pid) {
		pid = getpid();
		if (self_pid)
			__atomic_store_n(self_pid, pid, __ATOMIC_RELAXED);
	}
	return pid;
}

__attribute__((constructor)) static void sim_init(void)
{
	const char *env = getenv("XE_SIM_PATHS");
	char *list, *save = NULL, *tok;

	sim_resolve();
	sim_cond_init();
	sim_self_init();
	sim.debug = getenv("XE_SIM_DEBUG") ? atoi(getenv("XE_SIM_DEBUG")) : 0;
	sim_trace_init();
	sim_device_select();
	if (env) {
		list = strdup(env);
		for (tok = strtok_r(list, ":", &save); tok;
		     tok = strtok_r(NULL, ":", &save))
			add_path(tok);
		free(list);
	} else {
		for (uint32_t i = 0; i < sim.num_gpus; i++) {
			char path[32];

			snprintf(path, sizeof(path), "/dev/dri/card%u", i);
			add_path(path);
			snprintf(path, sizeof(path), "/dev/dri/renderD%u", 128 + i);
			add_path(path);
		}
	}
	pthread_atfork(sim_atfork_prepare, sim_atfork_parent, sim_atfork_child);
}

/*
 * XE_SIM_LOG_COUNTS=1: at exit, what the process still holds of the
 * simulated driver, the kernel-side view of a leak in the program under
 * test (QEMU and the host library): open files, dma-bufs, sync files and
 * syncobj fds, and live BOs.
 */
__attribute__((destructor)) static void sim_report_at_exit(void)
{
	const char *env = getenv("XE_SIM_LOG_COUNTS");
	unsigned int n[SIM_FD_DMABUF + 1] = { 0 };

	if (!env || strcmp(env, "1"))
		return;
	pthread_mutex_lock(&sim.lock);
	for (int fd = 0; fd < num_fds; fd++)
		if (fds[fd].type <= SIM_FD_DMABUF)
			n[fds[fd].type]++;
	fprintf(stderr, "xe-sim: counts at exit: files %u, dma-bufs %u, sync files %u, syncobj fds %u, BOs %u\n",
		n[SIM_FD_DEVICE], n[SIM_FD_DMABUF], n[SIM_FD_SYNC_FILE],
		n[SIM_FD_SYNCOBJ], sim.num_bos);
	pthread_mutex_unlock(&sim.lock);
}

static int path_index_exact(const char *path)
{
	for (int i = 0; i < num_paths; i++)
		if (!strcmp(path, paths[i]))
			return i;
	return -1;
}

/*
 * A device path, or a symlink under /dev to one, as udev's
 * /dev/dri/by-path/pci-...-render links (the compute runtime opens those).
 */
static int path_index(const char *path)
{
	char real[PATH_MAX];
	int idx;

	if (!path)
		return -1;
	idx = path_index_exact(path);
	if (idx >= 0 || strncmp(path, "/dev/", 5) || !realpath(path, real))
		return idx;
	return path_index_exact(real);
}

/*
 * Opening /proc/self/fd/N of a device fd opens the device again: a new
 * drm_file on the same minor (IGT's drm_reopen_driver() does this).
 */
static int proc_fd_minor(const char *path, struct sim_gpu **gpu, uint32_t *minor)
{
	struct sim_file *f;
	int fd, n = 0;

	if (!path || (sscanf(path, "/proc/self/fd/%d%n", &fd, &n) != 1 &&
		      sscanf(path, "/dev/fd/%d%n", &fd, &n) != 1) || path[n])
		return -1;
	pthread_mutex_lock(&sim.lock);
	f = sim_fd_lookup(fd, SIM_FD_DEVICE);
	if (f) {
		*gpu = f->gpu;
		*minor = f->minor;
	}
	pthread_mutex_unlock(&sim.lock);
	return f ? 0 : -1;
}

/* ---- the fd table (sim.lock held) ---- */

int sim_fd_install(int fd, enum sim_fd_type type, void *obj)
{
	if (fd < 0)
		return -EBADF;
	if (fd >= num_fds) {
		int n = fd + 64;
		struct fd_entry *t = realloc(fds, n * sizeof(*t));

		if (!t)
			return -ENOMEM;
		memset(t + num_fds, 0, (n - num_fds) * sizeof(*t));
		fds = t;
		num_fds = n;
	}
	fds[fd].type = type;
	fds[fd].obj = obj;
	return 0;
}

void *sim_fd_lookup(int fd, enum sim_fd_type type)
{
	if (fd < 0 || fd >= num_fds || fds[fd].type != type)
		return NULL;
	return fds[fd].obj;
}

void sim_fd_get_obj(enum sim_fd_type type, void *obj)
{
	switch (type) {
	case SIM_FD_DEVICE:
		((struct sim_file *)obj)->refcount++;
		break;
	case SIM_FD_SYNC_FILE:
		sim_sync_file_get(obj);
		break;
	case SIM_FD_SYNCOBJ:
		((struct sim_syncobj *)obj)->refcount++;
		break;
	default:
		break;
	}
}

void sim_fd_release_obj(enum sim_fd_type type, void *obj)
{
	switch (type) {
	case SIM_FD_DEVICE:
		sim_file_put(obj);
		break;
	case SIM_FD_SYNC_FILE:
		sim_sync_file_put(obj);
		break;
	case SIM_FD_SYNCOBJ:
		sim_syncobj_put(obj);
		break;
	default:
		break;
	}
}

static bool fd_is_dmabuf(int fd)
{
	return fd >= 0 && fd < num_fds && fds[fd].type == SIM_FD_DMABUF;
}

static bool fd_is_sim(int fd)
{
	return fd >= 0 && fd < num_fds && fds[fd].type != SIM_FD_NONE;
}

/* Forget @fd, dropping its reference. */
static void fd_forget(int fd)
{
	if (!fd_is_sim(fd))
		return;
	sim_fd_release_obj(fds[fd].type, fds[fd].obj);
	fds[fd].type = SIM_FD_NONE;
	fds[fd].obj = NULL;
}

/* @newfd now refers to what @oldfd does. */
static void fd_clone(int oldfd, int newfd)
{
	if (!fd_is_sim(oldfd) || newfd < 0)
		return;
	if (sim_fd_install(newfd, fds[oldfd].type, fds[oldfd].obj) == 0)
		sim_fd_get_obj(fds[newfd].type, fds[newfd].obj);
}

int sim_real_close(int fd)
{
	return REAL(close)(fd);
}

int sim_new_fd(bool cloexec)
{
	return eventfd(0, EFD_NONBLOCK | (cloexec ? EFD_CLOEXEC : 0));
}

void *sim_real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return REAL(mmap)(addr, len, prot, flags, fd, off);
}

int sim_real_fstat(int fd, struct stat *st)
{
	return REAL(fstat)(fd, st);
}

int sim_real_munmap(void *addr, size_t len)
{
	return REAL(munmap)(addr, len);
}

int sim_real_fcntl(int fd, int cmd, int arg)
{
	return REAL(fcntl)(fd, cmd, arg);
}

int sim_real_fstat_ino(int fd, ino_t *ino, dev_t *dev)
{
	struct stat st;

	if (REAL(fstat)(fd, &st))
		return -errno;
	*ino = st.st_ino;
	*dev = st.st_dev;
	return 0;
}

/* ---- open ---- */

static int open_device(struct sim_gpu *gpu, uint32_t minor, int flags)
{
	struct sim_file *f;
	int fd, err;

	/* a node whose number names no simulated device: no driver behind it */
	if (!gpu) {
		errno = ENXIO;
		return -1;
	}
	fd = sim_new_fd(flags & O_CLOEXEC);
	if (fd < 0)
		return -1;
	pthread_mutex_lock(&sim.lock);
	err = sim_lost_open(gpu);
	f = err ? NULL : sim_file_new(gpu, minor);
	if (!err)
		err = f ? sim_fd_install(fd, SIM_FD_DEVICE, f) : -ENOMEM;
	pthread_mutex_unlock(&sim.lock);
	if (err) {
		free(f);
		REAL(close)(fd);
		errno = -err;
		return -1;
	}
	sim_debug("open minor %u -> fd %d", minor, fd);
	return fd;
}

#define OPEN_MODE(flags, mode) do { \
		if ((flags) & (O_CREAT | O_TMPFILE)) { \
			va_list ap; \
			va_start(ap, flags); \
			mode = va_arg(ap, int); \
			va_end(ap); \
		} \
	} while (0)

SIM_EXPORT int open(const char *path, int flags, ...)
{
	int mode = 0, idx = path_index(path);
	struct sim_gpu *gpu;
	uint32_t minor;

	if (idx >= 0)
		return open_device(path_gpu[idx], path_minor[idx], flags);
	if (!proc_fd_minor(path, &gpu, &minor))
		return open_device(gpu, minor, flags);
	OPEN_MODE(flags, mode);
	return REAL(open)(path, flags, mode);
}
SIM_EXPORT int open64(const char *path, int flags, ...) __attribute__((alias("open")));

SIM_EXPORT int __open_2(const char *path, int flags)
{
	return open(path, flags);
}
SIM_EXPORT int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

SIM_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	int mode = 0, idx = path_index(path);
	struct sim_gpu *gpu;
	uint32_t minor;

	if (idx >= 0)
		return open_device(path_gpu[idx], path_minor[idx], flags);
	if (!proc_fd_minor(path, &gpu, &minor))
		return open_device(gpu, minor, flags);
	OPEN_MODE(flags, mode);
	return REAL(openat)(dirfd, path, flags, mode);
}
SIM_EXPORT int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

SIM_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}
SIM_EXPORT int __openat64_2(int dirfd, const char *path, int flags) __attribute__((alias("__openat_2")));

/* ---- close and dup ---- */

SIM_EXPORT int close(int fd)
{
	if (fd_is_sim(fd)) {
		pthread_mutex_lock(&sim.lock);
		fd_forget(fd);
		pthread_mutex_unlock(&sim.lock);
	}
	return REAL(close)(fd);
}

SIM_EXPORT int dup(int fd)
{
	int n = REAL(dup)(fd);

	if (n >= 0 && fd_is_sim(fd)) {
		pthread_mutex_lock(&sim.lock);
		fd_clone(fd, n);
		pthread_mutex_unlock(&sim.lock);
	}
	return n;
}

static int do_dup3(int oldfd, int newfd, int flags, bool is_dup2)
{
	int n;

	if (oldfd == newfd)
		return is_dup2 ? REAL(dup2)(oldfd, newfd) : REAL(dup3)(oldfd, newfd, flags);
	pthread_mutex_lock(&sim.lock);
	n = is_dup2 ? REAL(dup2)(oldfd, newfd) : REAL(dup3)(oldfd, newfd, flags);
	if (n >= 0) {
		fd_forget(newfd);
		fd_clone(oldfd, newfd);
	}
	pthread_mutex_unlock(&sim.lock);
	return n;
}

SIM_EXPORT int dup2(int oldfd, int newfd)
{
	return do_dup3(oldfd, newfd, 0, true);
}

SIM_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	return do_dup3(oldfd, newfd, flags, false);
}

SIM_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;
	int n;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	n = REAL(fcntl)(fd, cmd, arg);
	if (n >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && fd_is_sim(fd)) {
		pthread_mutex_lock(&sim.lock);
		fd_clone(fd, n);
		pthread_mutex_unlock(&sim.lock);
	}
	return n;
}
SIM_EXPORT int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

/* ---- ioctl and mmap ---- */

SIM_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	struct sim_file *f;
	va_list ap;
	void *arg;
	int err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	pthread_mutex_lock(&sim.lock);
	if (fd_is_dmabuf(fd)) {
		err = sim_dmabuf_ioctl(fd, req, arg);
		sim_trace_dmabuf(req, err);
		pthread_mutex_unlock(&sim.lock);
		if (err) {
			errno = -err;
			return -1;
		}
		return 0;
	}
	if (sim_fd_lookup(fd, SIM_FD_SYNC_FILE)) {
		err = sim_sync_file_ioctl(fd, req, arg);
		pthread_mutex_unlock(&sim.lock);
		if (err) {
			errno = -err;
			return -1;
		}
		return 0;
	}
	f = sim_fd_lookup(fd, SIM_FD_DEVICE);
	if (!f) {
		pthread_mutex_unlock(&sim.lock);
		return REAL(ioctl)(fd, req, arg);
	}
	f->refcount++;
	sim_gpu_enter(f->gpu);
	err = sim_lost_ioctl(f);
	if (err)
		sim_trace_ioctl(f, req, arg, err);
	else
		err = sim_ioctl(f, req, arg);
	sim_file_put(f);
	pthread_mutex_unlock(&sim.lock);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}

/* ---- poll ---- */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/*
 * poll() over a set that holds a simulated dma-buf: its readiness comes
 * from the BO's reservation (sim_dmabuf_poll), the other fds' from the
 * real poll(). A wait sleeps on sim.cond, which every fence signal
 * broadcasts, in slices short enough to notice the other fds.
 */
static int poll_with_dmabufs(struct pollfd *pfd, nfds_t n, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : mono_ns() + timeout_ms * 1000000ll;
	struct pollfd *real = calloc(n, sizeof(*real));
	int ready;

	if (!real) {
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		struct timespec ts;
		int64_t t;

		for (nfds_t i = 0; i < n; i++) {
			real[i] = pfd[i];
			if (fd_is_dmabuf(pfd[i].fd))
				real[i].fd = -1;	/* poll() skips it */
		}
		ready = REAL(poll)(real, n, 0);
		if (ready < 0)
			break;
		ready = 0;
		pthread_mutex_lock(&sim.lock);
		for (nfds_t i = 0; i < n; i++) {
			pfd[i].revents = fd_is_dmabuf(pfd[i].fd) ?
				sim_dmabuf_poll(pfd[i].fd, pfd[i].events) : real[i].revents;
			ready += pfd[i].revents != 0;
		}
		t = mono_ns();
		if (ready || t >= deadline) {
			pthread_mutex_unlock(&sim.lock);
			break;
		}
		/* sleep at most 10 ms, to notice the other fds */
		t += deadline - t < 10000000 ? deadline - t : 10000000;
		ts.tv_sec = t / 1000000000;
		ts.tv_nsec = t % 1000000000;
		pthread_cond_timedwait(&sim.cond, &sim.lock, &ts);
		pthread_mutex_unlock(&sim.lock);
	}
	free(real);
	return ready;
}

static bool has_dmabuf(const struct pollfd *pfd, nfds_t n)
{
	for (nfds_t i = 0; i < n; i++)
		if (fd_is_dmabuf(pfd[i].fd))
			return true;
	return false;
}

SIM_EXPORT int poll(struct pollfd *pfd, nfds_t n, int timeout_ms)
{
	if (!has_dmabuf(pfd, n))
		return REAL(poll)(pfd, n, timeout_ms);
	return poll_with_dmabufs(pfd, n, timeout_ms);
}

SIM_EXPORT int __poll_chk(struct pollfd *pfd, nfds_t n, int timeout_ms, size_t len)
{
	(void)len;
	return poll(pfd, n, timeout_ms);
}

SIM_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct sim_file *f;
	struct sim_bo *bo = NULL;
	void *p;
	int memfd;

	/*
	 * A dma-buf mmap goes through the same TTM fault as the device's
	 * (xe_gem_prime_mmap): past a small BAR it raises SIGBUS too.
	 */
	if (fd_is_dmabuf(fd)) {
		pthread_mutex_lock(&sim.lock);
		bo = sim_bo_by_fd(fd);
		memfd = bo && !sim_bo_cpu_accessible(bo) ?
			memfd_create("xe-sim-no-bar", MFD_CLOEXEC) : -1;
		pthread_mutex_unlock(&sim.lock);
		if (memfd >= 0) {
			p = REAL(mmap)(addr, len, prot, flags, memfd, 0);
			sim_real_close(memfd);
			return p;
		}
	}
	/* dma-bufs are memfds: only the device fd needs translating */
	if (!fd_is_sim(fd) || fd_is_dmabuf(fd)) {
		if (flags & MAP_FIXED) {
			pthread_mutex_lock(&sim.lock);
			sim_userptr_invalidate((uintptr_t)addr, len);
			pthread_mutex_unlock(&sim.lock);
		}
		return REAL(mmap)(addr, len, prot, flags, fd, off);
	}
	pthread_mutex_lock(&sim.lock);
	f = sim_fd_lookup(fd, SIM_FD_DEVICE);
	if (f && off == SIM_PCI_BARRIER_MMAP_OFFSET) {
		p = sim_pci_barrier_mmap(f->gpu, addr, len, prot, flags);
		pthread_mutex_unlock(&sim.lock);
		if (!p) {
			errno = EINVAL;
			return MAP_FAILED;
		}
		return p;
	}
	if (f)
		bo = sim_bo_by_offset(f->gpu, off, len);
	if (!bo) {
		pthread_mutex_unlock(&sim.lock);
		SIM_ERR(-EINVAL, "no BO at mmap offset %#llx", (unsigned long long)off);
		errno = EINVAL;
		return MAP_FAILED;
	}
	memfd = bo->memfd;
	off -= bo->mmap_offset;
	if (!sim_bo_cpu_accessible(bo)) {
		/*
		 * VRAM beyond the BAR: xe_ttm_io_mem_reserve() fails at fault
		 * time, so every access raises SIGBUS. A mapping of an empty
		 * file does the same. (xe decides per fault, and would let a
		 * later access through once the BO moved; we decide here.)
		 */
		pthread_mutex_unlock(&sim.lock);
		memfd = memfd_create("xe-sim-no-bar", MFD_CLOEXEC);
		if (memfd < 0)
			return MAP_FAILED;
		p = REAL(mmap)(addr, len, prot, flags, memfd, 0);
		sim_real_close(memfd);
		return p;
	}
	/* the mapping keeps the pages; it may outlive the handle, as on xe */
	p = REAL(mmap)(addr, len, prot, flags, memfd, off);
	pthread_mutex_unlock(&sim.lock);
	return p;
}
SIM_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));

/* ---- stat: the device paths are character devices of major 226 ---- */

static void fake_stat(uint32_t minor, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0666;
	st->st_rdev = makedev(DRM_MAJOR, minor);
	st->st_dev = makedev(0, 6);
	st->st_ino = 0x5e000 + minor;
	st->st_nlink = 1;
	st->st_blksize = 4096;
}

SIM_EXPORT int stat(const char *path, struct stat *st)
{
	int idx = path_index(path);

	if (idx < 0)
		return REAL(stat)(path, st);
	fake_stat(path_minor[idx], st);
	return 0;
}
SIM_EXPORT int stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

SIM_EXPORT int lstat(const char *path, struct stat *st)
{
	int idx = path_index(path);

	if (idx < 0)
		return REAL(lstat)(path, st);
	fake_stat(path_minor[idx], st);
	return 0;
}
SIM_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	return lstat(path, (struct stat *)st);
}

SIM_EXPORT int fstat(int fd, struct stat *st)
{
	struct sim_file *f;

	pthread_mutex_lock(&sim.lock);
	f = sim_fd_lookup(fd, SIM_FD_DEVICE);
	if (f)
		fake_stat(f->minor, st);
	pthread_mutex_unlock(&sim.lock);
	return f ? 0 : REAL(fstat)(fd, st);
}
SIM_EXPORT int fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

SIM_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	int idx = path_index(path);

	if (flags & AT_EMPTY_PATH && path && !*path)
		return fstat(dirfd, st);
	if (idx < 0)
		return REAL(fstatat)(dirfd, path, st, flags);
	fake_stat(path_minor[idx], st);
	return 0;
}
SIM_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return fstatat(dirfd, path, (struct stat *)st, flags);
}

/*
 * dma_buf_llseek(): a dma-buf reports its size at SEEK_END and allows
 * nothing but offset 0 with SEEK_SET or SEEK_END.
 */
SIM_EXPORT off_t lseek(int fd, off_t off, int whence)
{
	struct sim_bo *bo;
	off_t size;

	if (!fd_is_dmabuf(fd))
		return REAL(lseek)(fd, off, whence);
	if (off || (whence != SEEK_SET && whence != SEEK_END)) {
		errno = EINVAL;
		return -1;
	}
	if (whence == SEEK_SET)
		return 0;
	pthread_mutex_lock(&sim.lock);
	bo = sim_bo_by_fd(fd);
	size = bo ? (off_t)bo->size : REAL(lseek)(fd, 0, SEEK_END);
	pthread_mutex_unlock(&sim.lock);
	return size;
}
SIM_EXPORT off_t lseek64(int fd, off_t off, int whence) __attribute__((alias("lseek")));

SIM_EXPORT int munmap(void *addr, size_t len)
{
	pthread_mutex_lock(&sim.lock);
	sim_userptr_invalidate((uintptr_t)addr, len);
	pthread_mutex_unlock(&sim.lock);
	return REAL(munmap)(addr, len);
}
