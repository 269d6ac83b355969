// SPDX-License-Identifier: MIT
/*
 * virtio-xe-proxy host core: per-guest limits.
 *
 * One QEMU process serves one guest, and this library is loaded once per
 * process, so process-wide counters are per-guest counters. Everything a
 * guest can make the host hold on its behalf is charged here before it is
 * made and released when the host (or the host driver) lets go of it:
 * contexts (each an fd on the render node), BO bytes, BOs (each a dma-buf
 * fd), VMs, exec queues, GPU VA mappings (page tables) and host jobs (each a
 * syncobj and, while pending, a sync_file fd).
 *
 * Each limit has a default and an environment override (docs/security.md
 * lists them). A guest over a limit gets a clean errno for that one request
 * and a rate-limited log line naming the limit; nothing else changes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "xe_host_priv.h"

/**
 * struct xe_limit_desc - one per-guest limit
 * @env: the environment variable that overrides it
 * @what: what is counted, for logs
 * @def: the default
 * @err: the errno a guest gets over the limit
 * @bytes: the value takes K/M/G suffixes
 */
struct xe_limit_desc {
	const char *env;
	const char *what;
	uint64_t def;
	int err;
	bool bytes;
};

static const struct xe_limit_desc limit_descs[XE_LIMIT_COUNT] = {
	[XE_LIMIT_CONTEXTS] = { "XE_PROXY_MAX_CONTEXTS", "contexts", 256, EMFILE, false },
	[XE_LIMIT_MEM] = { "XE_PROXY_MEM_LIMIT", "BO bytes", 8ULL << 30, ENOSPC, true },
	[XE_LIMIT_BOS] = { "XE_PROXY_MAX_BOS", "BOs", 8192, EMFILE, false },
	[XE_LIMIT_VMS] = { "XE_PROXY_MAX_VMS", "VMs", 256, EMFILE, false },
	[XE_LIMIT_QUEUES] = { "XE_PROXY_MAX_EXEC_QUEUES", "exec queues", 8192, EMFILE, false },
	[XE_LIMIT_MAPPINGS] = { "XE_PROXY_MAX_MAPPINGS", "GPU VA mappings", 65536, ENOSPC, false },
	[XE_LIMIT_FENCES] = { "XE_PROXY_MAX_FENCES", "host jobs and fences", 4096, EMFILE, false },
};

/*
 * A limit is decimal, or hexadecimal with 0x; byte limits take a K, M or G
 * suffix. No sign, no space, no octal (strtoull's base 0 would read "0100"
 * as 64), and nothing that overflows: otherwise the default stays, logged.
 */
static uint64_t parse_limit(const struct xe_limit_desc *d)
{
	const char *env = getenv(d->env);
	unsigned long long v;
	unsigned int shift = 0;
	bool hex;
	char *end;

	if (!env || !*env)
		return d->def;
	hex = env[0] == '0' && (env[1] == 'x' || env[1] == 'X');
	if (!(hex ? isxdigit((unsigned char)env[2]) : isdigit((unsigned char)env[0])))
		goto bad;
	errno = 0;
	v = strtoull(env, &end, hex ? 16 : 10);
	if (d->bytes && *end) {
		switch (*end) {
		case 'G': case 'g': shift = 30; break;
		case 'M': case 'm': shift = 20; break;
		case 'K': case 'k': shift = 10; break;
		default: goto bad;
		}
		end++;
	}
	if (errno || *end || !v || v > (~0ULL >> shift))
		goto bad;
	return v << shift;
bad:
	xe_log("ignoring malformed %s=%s (default %llu)", d->env, env,
	       (unsigned long long)d->def);
	return d->def;
}

/**
 * xe_limits_init() - read the limits from the environment
 *
 * Also warns when the fds the limits allow exceed this process's
 * RLIMIT_NOFILE, so an administrator sees it before a guest hits it.
 */
void xe_limits_init(void)
{
	struct rlimit nofile;
	uint64_t fds;
	int i;

	/* used[] is not reset: fences of a previous init may still be pending */
	for (i = 0; i < XE_LIMIT_COUNT; i++)
		xe_host.limit[i] = parse_limit(&limit_descs[i]);
	fds = xe_host.limit[XE_LIMIT_CONTEXTS] + xe_host.limit[XE_LIMIT_BOS] +
	      xe_host.limit[XE_LIMIT_FENCES];
	if (!getrlimit(RLIMIT_NOFILE, &nofile) && nofile.rlim_cur != RLIM_INFINITY &&
	    fds > nofile.rlim_cur)
		xe_log("the per-guest limits allow %llu fds but RLIMIT_NOFILE is %llu: lower XE_PROXY_MAX_CONTEXTS/XE_PROXY_MAX_BOS/XE_PROXY_MAX_FENCES or raise it",
		       (unsigned long long)fds, (unsigned long long)nofile.rlim_cur);
}

/**
 * xe_limit_charge() - charge @n of @kind to the guest
 * @kind: XE_LIMIT_*
 * @n: how many (bytes for XE_LIMIT_MEM)
 * @ctx_id: the context asking, for the log line
 *
 * Called with xe_host.lock held.
 *
 * Return: 0, or the limit's negative errno (logged, rate limited).
 */
int xe_limit_charge(enum xe_limit kind, uint64_t n, uint32_t ctx_id)
{
	const struct xe_limit_desc *d = &limit_descs[kind];
	uint64_t used = xe_host.used[kind], lim = xe_host.limit[kind];

	if (n > lim || used > lim - n) {
		xe_log_ratelimited("context %u: per-guest limit of %llu %s reached (%s); refused",
				   ctx_id, (unsigned long long)lim, d->what, d->env);
		return -d->err;
	}
	xe_host.used[kind] = used + n;
	return 0;
}

/**
 * xe_limit_release() - give back what xe_limit_charge() took
 * @kind: XE_LIMIT_*
 * @n: how many
 */
void xe_limit_release(enum xe_limit kind, uint64_t n)
{
	if (n > xe_host.used[kind]) {
		xe_log("internal: %s count underflow (%llu - %llu)", limit_descs[kind].what,
		       (unsigned long long)xe_host.used[kind], (unsigned long long)n);
		n = xe_host.used[kind];
	}
	xe_host.used[kind] -= n;
}

/*
 * What one exec queue costs the driver per engine of its width: a context
 * image, a ring and a few pages around them (xe_lrc.c: about 32-48 KiB on
 * Xe2), charged as this much BO memory.
 */
#define XE_QUEUE_LRC_BYTES	(64ULL << 10)

/**
 * xe_limit_charge_queue() - charge an exec queue of @width engines
 * @width: submission width
 * @ctx_id: the context, for the log line
 *
 * Return: 0 or the errno of the limit reached.
 */
int xe_limit_charge_queue(uint16_t width, uint32_t ctx_id)
{
	int ret = xe_limit_charge(XE_LIMIT_QUEUES, 1, ctx_id);

	if (ret)
		return ret;
	ret = xe_limit_charge(XE_LIMIT_MEM, width * XE_QUEUE_LRC_BYTES, ctx_id);
	if (ret)
		xe_limit_release(XE_LIMIT_QUEUES, 1);
	return ret;
}

/**
 * xe_limit_release_queue() - give back xe_limit_charge_queue()'s charge
 * @width: the width it was charged with
 */
void xe_limit_release_queue(uint16_t width)
{
	xe_limit_release(XE_LIMIT_QUEUES, 1);
	xe_limit_release(XE_LIMIT_MEM, width * XE_QUEUE_LRC_BYTES);
}

/**
 * xe_limit_charge_bo() - charge one BO of @bytes (XE_LIMIT_BOS, then MEM)
 * @bytes: its size
 * @ctx_id: the context, for the log line
 *
 * Return: 0 or the errno of the limit reached.
 */
int xe_limit_charge_bo(uint64_t bytes, uint32_t ctx_id)
{
	int ret = xe_limit_charge(XE_LIMIT_BOS, 1, ctx_id);

	if (ret)
		return ret;
	ret = xe_limit_charge(XE_LIMIT_MEM, bytes, ctx_id);
	if (ret)
		xe_limit_release(XE_LIMIT_BOS, 1);
	return ret;
}

/**
 * xe_limit_release_bo() - give back one BO of @bytes
 * @bytes: the size it was charged with
 */
void xe_limit_release_bo(uint64_t bytes)
{
	xe_limit_release(XE_LIMIT_BOS, 1);
	xe_limit_release(XE_LIMIT_MEM, bytes);
}
