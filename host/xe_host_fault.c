// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: fault injection for tests, and the counts
 * that show nothing leaked.
 *
 * XE_PROXY_FAULT=<site>:<nth>[:<errno>][,...] makes the nth call at a site
 * fail once: a host xe ioctl (by request), an mmap, or one of the host's
 * allocations. The list is read from QEMU's environment once, at
 * xe_host_init(); nothing a guest sends can arm or move a fault. When it
 * is unset, each site costs one predictable branch on xe_fault_armed.
 *
 * XE_PROXY_LOG_COUNTS=1 logs what the library still holds (the per-guest
 * counters, orphaned resources, queued destructions) once no context is
 * left and at exit: tests compare these lines with and without faults.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xe_host_priv.h"

bool xe_fault_armed;
static bool log_counts;

static const char *const site_names[XE_FAULT_COUNT] = {
	[XE_FAULT_DEVICE_QUERY] = "device_query",
	[XE_FAULT_GEM_CREATE] = "gem_create",
	[XE_FAULT_MMAP_OFFSET] = "mmap_offset",
	[XE_FAULT_VM_CREATE] = "vm_create",
	[XE_FAULT_VM_DESTROY] = "vm_destroy",
	[XE_FAULT_VM_BIND] = "vm_bind",
	[XE_FAULT_EXEC_QUEUE_CREATE] = "exec_queue_create",
	[XE_FAULT_EXEC_QUEUE_DESTROY] = "exec_queue_destroy",
	[XE_FAULT_EXEC_QUEUE_GET_PROPERTY] = "exec_queue_get_property",
	[XE_FAULT_EXEC] = "exec",
	[XE_FAULT_MADVISE] = "madvise",
	[XE_FAULT_SYNCOBJ_CREATE] = "syncobj_create",
	[XE_FAULT_SYNCOBJ_EXPORT] = "syncobj_export",
	[XE_FAULT_PRIME_EXPORT] = "prime_export",
	[XE_FAULT_PRIME_IMPORT] = "prime_import",
	[XE_FAULT_MMAP] = "mmap",
	[XE_FAULT_ALLOC_CTX] = "alloc_ctx",
	[XE_FAULT_ALLOC_BO] = "alloc_bo",
	[XE_FAULT_ALLOC_VM] = "alloc_vm",
	[XE_FAULT_ALLOC_QUEUE] = "alloc_queue",
	[XE_FAULT_ALLOC_JOB] = "alloc_job",
	[XE_FAULT_ALLOC_MAP] = "alloc_map",
	[XE_FAULT_ALLOC_RING] = "alloc_ring",
	[XE_FAULT_ALLOC_RSP] = "alloc_rsp",
	[XE_FAULT_ALLOC_UFENCE] = "alloc_ufence",
};

/**
 * struct xe_fault_state - the state of one site
 * @calls: calls seen since arming
 * @nth: the call that fails, 0 for none
 * @err: the positive errno it fails with
 */
struct xe_fault_state {
	uint64_t calls;
	uint64_t nth;
	int err;
};

static struct xe_fault_state sites[XE_FAULT_COUNT];

/* The errnos a fault may name; a number works too. */
static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "ENOMEM", ENOMEM }, { "ENOSPC", ENOSPC }, { "EINVAL", EINVAL },
	{ "EIO", EIO }, { "ENODEV", ENODEV }, { "ECANCELED", ECANCELED },
	{ "EAGAIN", EAGAIN }, { "EBUSY", EBUSY }, { "EFAULT", EFAULT },
	{ "EMFILE", EMFILE }, { "ENOENT", ENOENT }, { "EPERM", EPERM },
};

static int parse_errno(const char *s)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(s, errnos[i].name))
			return errnos[i].err;
	v = strtol(s, &end, 10);
	/* a user-space errno: 512 and up are the kernel's own */
	return (*s && !*end && v > 0 && v < 512) ? (int)v : 0;
}

/* One "<site>:<nth>[:<errno>]" entry; false when malformed. */
static bool parse_one(char *entry)
{
	char *name = entry, *nth, *err, *end;
	unsigned long long n;
	int e = ENOMEM, i;

	nth = strchr(name, ':');
	if (!nth)
		return false;
	*nth++ = '\0';
	err = strchr(nth, ':');
	if (err) {
		*err++ = '\0';
		e = parse_errno(err);
		if (!e)
			return false;
	}
	errno = 0;
	n = strtoull(nth, &end, 10);
	if (errno || *end || !n || *nth < '0' || *nth > '9')
		return false;
	for (i = 0; i < XE_FAULT_COUNT; i++) {
		if (!strcmp(name, site_names[i])) {
			sites[i] = (struct xe_fault_state){ .nth = n, .err = e };
			return true;
		}
	}
	return false;
}

/**
 * xe_fault_init() - read XE_PROXY_FAULT and XE_PROXY_LOG_COUNTS
 *
 * Called by xe_host_init() with xe_host.lock held, after the device was
 * queried: start-up itself is never failed. A malformed list arms nothing.
 */
void xe_fault_init(void)
{
	const char *env = getenv("XE_PROXY_FAULT");
	char *list, *entry, *save = NULL;
	bool ok = true;

	log_counts = getenv("XE_PROXY_LOG_COUNTS") &&
		     !strcmp(getenv("XE_PROXY_LOG_COUNTS"), "1");
	__atomic_store_n(&xe_fault_armed, false, __ATOMIC_RELAXED);
	memset(sites, 0, sizeof(sites));
	if (!env || !*env)
		return;
	list = strdup(env);
	if (!list)
		return;
	for (entry = strtok_r(list, ",", &save); entry && ok;
	     entry = strtok_r(NULL, ",", &save))
		ok = parse_one(entry);
	free(list);
	if (!ok) {
		xe_log("ignoring malformed XE_PROXY_FAULT=%s (<site>:<nth>[:<errno>],...)", env);
		memset(sites, 0, sizeof(sites));
		return;
	}
	xe_log("fault injection armed: XE_PROXY_FAULT=%s", env);
	__atomic_store_n(&xe_fault_armed, true, __ATOMIC_RELEASE);
}

/**
 * xe_fault_hit() - count a call at @site; fail it if it is the chosen one
 * @site: XE_FAULT_*
 *
 * Callable from any thread. Sets errno to the fault's errno when it fires.
 *
 * Return: true when the call must fail.
 */
bool xe_fault_hit(enum xe_fault_site site)
{
	struct xe_fault_state *s = &sites[site];
	uint64_t n;

	if (!s->nth)
		return false;
	n = __atomic_add_fetch(&s->calls, 1, __ATOMIC_RELAXED);
	if (n != s->nth)
		return false;
	xe_log("fault injected: %s, call %llu, %s", site_names[site],
	       (unsigned long long)n, strerror(s->err));
	errno = s->err;
	return true;
}

/* The ioctl site of a request, or XE_FAULT_COUNT for none. */
static enum xe_fault_site ioctl_site(unsigned long request)
{
	switch (request) {
	case DRM_IOCTL_XE_DEVICE_QUERY: return XE_FAULT_DEVICE_QUERY;
	case DRM_IOCTL_XE_GEM_CREATE: return XE_FAULT_GEM_CREATE;
	case DRM_IOCTL_XE_GEM_MMAP_OFFSET: return XE_FAULT_MMAP_OFFSET;
	case DRM_IOCTL_XE_VM_CREATE: return XE_FAULT_VM_CREATE;
	case DRM_IOCTL_XE_VM_DESTROY: return XE_FAULT_VM_DESTROY;
	case DRM_IOCTL_XE_VM_BIND: return XE_FAULT_VM_BIND;
	case DRM_IOCTL_XE_EXEC_QUEUE_CREATE: return XE_FAULT_EXEC_QUEUE_CREATE;
	case DRM_IOCTL_XE_EXEC_QUEUE_DESTROY: return XE_FAULT_EXEC_QUEUE_DESTROY;
	case DRM_IOCTL_XE_EXEC_QUEUE_GET_PROPERTY: return XE_FAULT_EXEC_QUEUE_GET_PROPERTY;
	case DRM_IOCTL_XE_EXEC: return XE_FAULT_EXEC;
	case DRM_IOCTL_XE_MADVISE: return XE_FAULT_MADVISE;
	case DRM_IOCTL_SYNCOBJ_CREATE: return XE_FAULT_SYNCOBJ_CREATE;
	case DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD: return XE_FAULT_SYNCOBJ_EXPORT;
	case DRM_IOCTL_PRIME_HANDLE_TO_FD: return XE_FAULT_PRIME_EXPORT;
	case DRM_IOCTL_PRIME_FD_TO_HANDLE: return XE_FAULT_PRIME_IMPORT;
	default: return XE_FAULT_COUNT;
	}
}

/**
 * xe_fault_ioctl() - whether an ioctl must fail (xe_ioctl())
 * @request: its request number
 *
 * Return: 0, or the negative errno to fail it with.
 */
int xe_fault_ioctl(unsigned long request)
{
	enum xe_fault_site site = ioctl_site(request);

	if (site == XE_FAULT_COUNT || !xe_fault_hit(site))
		return 0;
	return -errno;
}

/**
 * xe_mmap() - mmap(), the "mmap" fault site
 * @len: length
 * @fd: the file
 * @offset: its offset
 *
 * Return: a shared read-write mapping, or MAP_FAILED with errno set.
 */
void *xe_mmap(size_t len, int fd, off_t offset)
{
	if (xe_fault(XE_FAULT_MMAP))
		return MAP_FAILED;
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
}

/* Called with xe_host.lock held. */
static void report(const char *when)
{
	xe_log("counts %s: contexts %llu, BOs %llu (%llu bytes), VMs %llu, exec queues %llu, mappings %llu, fences %llu, orphans %zu",
	       when,
	       (unsigned long long)xe_host.used[XE_LIMIT_CONTEXTS],
	       (unsigned long long)xe_host.used[XE_LIMIT_BOS],
	       (unsigned long long)xe_host.used[XE_LIMIT_MEM],
	       (unsigned long long)xe_host.used[XE_LIMIT_VMS],
	       (unsigned long long)xe_host.used[XE_LIMIT_QUEUES],
	       (unsigned long long)xe_host.used[XE_LIMIT_MAPPINGS],
	       (unsigned long long)xe_host.used[XE_LIMIT_FENCES],
	       xe_host.orphans.count);
}

/**
 * xe_host_report_idle() - log the counts if no context is left
 *
 * With XE_PROXY_LOG_COUNTS=1 only; called with xe_host.lock held whenever
 * something a gone context held is let go of (its fd closed, a resource
 * that outlived it unreferenced).
 */
void xe_host_report_idle(void)
{
	if (log_counts && !xe_host.contexts)
		report("with no context");
}

/*
 * At exit: the reaper may still be closing the last contexts' fds; give it
 * a moment (bounded), then report. Runs before the simulator's own
 * destructor when both are loaded (it was preloaded, so it goes last).
 */
__attribute__((destructor)) static void report_at_exit(void)
{
	struct timespec ms = { .tv_nsec = 1000000 };
	bool queued = true;
	int i;

	if (!log_counts)
		return;
	for (i = 0; i < 2000 && queued; i++) {
		pthread_mutex_lock(&xe_host.reap_lock);
		queued = xe_host.reap_head || xe_host.reap_busy;
		pthread_mutex_unlock(&xe_host.reap_lock);
		if (queued)
			nanosleep(&ms, NULL);
	}
	pthread_mutex_lock(&xe_host.lock);
	report("at exit");
	pthread_mutex_unlock(&xe_host.lock);
}
