// SPDX-License-Identifier: MIT
/*
 * The case harness of case_harness.h: the registry, the per-case child
 * process, the failure messages and the KTAP lines.
 */
#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case_harness.h"
#include "ktap.h"

/* Bounds of the kt_cases section; weak so a program without cases links. */
extern const struct kt_case *const __start_kt_cases[] __attribute__((weak));
extern const struct kt_case *const __stop_kt_cases[] __attribute__((weak));

enum kt_status { KT_NONE, KT_PASS, KT_FAIL_, KT_SKIP };

/* Written by the case's child, read by the parent after it exits. */
struct kt_result {
	enum kt_status status;
	char reason[256];
};

static struct kt_result *result;
static sigjmp_buf case_end;
/* The case's own process: a check failing in a process it forked ends that. */
static pid_t case_pid;

/* Seconds a case may run before it is killed; KT_CASE_TIMEOUT overrides. */
#define KT_DEFAULT_TIMEOUT	120

void kt_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static void __attribute__((noreturn)) end_case(enum kt_status status,
					      const char *fmt, va_list ap)
{
	/* the first reason stands: a teardown failing after it adds nothing */
	if (result->status == KT_NONE || result->status == KT_PASS) {
		result->status = status;
		vsnprintf(result->reason, sizeof(result->reason), fmt, ap);
	}
	/* not the case's process: its jump buffer and teardown are not ours */
	if (getpid() != case_pid) {
		fflush(stdout);
		_exit(1);
	}
	siglongjmp(case_end, 1);
}

void kt_fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kt_diag("%s:%d: %s", file, line, msg);
	va_start(ap, fmt);
	end_case(KT_FAIL_, fmt, ap);
}

void kt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_case(KT_SKIP, fmt, ap);
}

const char *kt_errname(long ret)
{
	static char buf[32];
	const char *name;

	if (ret == 0)
		return "0";
	if (ret > 0 || ret < -4095) {
		snprintf(buf, sizeof(buf), "%ld", ret);
		return buf;
	}
	name = strerrorname_np((int)-ret);
	if (name)
		snprintf(buf, sizeof(buf), "-%s", name);
	else
		snprintf(buf, sizeof(buf), "%ld", ret);
	return buf;
}

void kt_fail_errno(const char *file, int line, const char *expr, long got,
		   long want)
{
	char g[32];

	snprintf(g, sizeof(g), "%s", kt_errname(got));
	kt_fail_at(file, line, "%s: got %s, want %s", expr, g, kt_errname(want));
}

/* Runs @fn; false if a check ended it. */
static bool guarded(void (*fn)(void *), void *data)
{
	if (sigsetjmp(case_end, 0))
		return false;
	fn(data);
	return true;
}

/* In the child: setup, body, teardown; teardown also after a failure. */
static void __attribute__((noreturn)) run_child(const struct kt_case *c)
{
	const struct kt_fixture *fx = c->fixture;
	void *data = fx ? calloc(1, fx->size ? fx->size : 1) : NULL;

	if (fx && !data) {
		snprintf(result->reason, sizeof(result->reason), "no memory");
		result->status = KT_FAIL_;
		_exit(0);
	}
	/* a check failing in a forked process has set the result already */
	if ((!fx || guarded(fx->setup, data)) && guarded(c->run, data) &&
	    result->status == KT_NONE)
		result->status = KT_PASS;
	if (fx)
		guarded(fx->teardown, data);
	fflush(stdout);
	_exit(0);
}

static unsigned int case_timeout(void)
{
	const char *env = getenv("KT_CASE_TIMEOUT");
	char *end;
	unsigned long t;

	if (!env || !*env)
		return KT_DEFAULT_TIMEOUT;
	t = strtoul(env, &end, 10);
	return *end || t > 86400 ? KT_DEFAULT_TIMEOUT : (unsigned int)t;
}

/*
 * Waits for the case's process for up to @timeout seconds (0: forever),
 * woken by SIGCHLD, which the caller blocked. False if it timed out.
 */
static bool wait_case(pid_t pid, unsigned int timeout, int *wstatus)
{
	struct timespec now, end, left;
	sigset_t chld;
	pid_t r;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout;
	for (;;) {
		r = waitpid(pid, wstatus, timeout ? WNOHANG : 0);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true;	/* reported by the caller as no result */
		if (!timeout || r < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0)
			return false;
		sigtimedwait(&chld, NULL, &left);
	}
}

/* Runs @c in a child process, its own process group; prints its KTAP line. */
static void run_case(const struct kt_case *c)
{
	unsigned int timeout = case_timeout();
	sigset_t chld, old;
	int wstatus = 0;
	bool done;
	pid_t pid;

	memset(result, 0, sizeof(*result));
	fflush(stdout);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		case_pid = getpid();
		run_child(c);
	}
	if (pid > 0)
		setpgid(pid, pid);	/* either of the two calls wins */
	done = pid > 0 && wait_case(pid, timeout, &wstatus);
	if (pid > 0) {
		/* the case's leftovers (a hung case, processes it forked) go too */
		kill(-pid, SIGKILL);
		if (!done)
			waitpid(pid, &wstatus, 0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		kt_diag("%s: cannot run the case: %s", c->name, strerror(errno));
		ktap_test(0, c->name);
		return;
	}
	if (!done) {
		kt_diag("%s: timed out after %u s (KT_CASE_TIMEOUT)", c->name, timeout);
		ktap_fail(c->name, "timed out");
		return;
	}
	if (WIFSIGNALED(wstatus)) {
		kt_diag("%s: crashed: signal %d (%s)", c->name, WTERMSIG(wstatus),
			strsignal(WTERMSIG(wstatus)));
		ktap_test(0, c->name);
		return;
	}
	switch (result->status) {
	case KT_PASS:
		ktap_test(1, c->name);
		break;
	case KT_SKIP:
		ktap_skip(c->name, result->reason);
		break;
	case KT_FAIL_:
		ktap_test(0, c->name);
		break;
	default:
		kt_diag("%s: exited (status %#x) without a result", c->name, wstatus);
		ktap_test(0, c->name);
	}
}

static int case_order(const void *a, const void *b)
{
	const struct kt_case *x = *(const struct kt_case *const *)a;
	const struct kt_case *y = *(const struct kt_case *const *)b;
	int r = strcmp(x->file, y->file);

	return r ? r : x->line - y->line;
}

static bool selected(const struct kt_case *c, int npat, char **pat)
{
	if (!npat)
		return true;
	for (int i = 0; i < npat; i++)
		if (!fnmatch(pat[i], c->name, 0))
			return true;
	return false;
}

const char *kt_program_options;

static void usage(const char *prog)
{
	printf("usage: %s [--list] [CASE|GLOB...]\n"
	       "  runs the cases whose names match (all without arguments), as KTAP;\n"
	       "  each in its own process group, killed after KT_CASE_TIMEOUT seconds\n"
	       "  (default %d, 0: never)\n",
	       prog, KT_DEFAULT_TIMEOUT);
	if (kt_program_options)
		fputs(kt_program_options, stdout);
}

int kt_main(int argc, char **argv)
{
	size_t n = __start_kt_cases ? (size_t)(__stop_kt_cases - __start_kt_cases) : 0;
	const struct kt_case **cases = calloc(n ? n : 1, sizeof(*cases));
	bool list = false;
	unsigned int planned = 0;
	char **pat = argv + 1;
	int npat = 0;

	if (!cases)
		return 2;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list"))
			list = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(argv[0]), 0;
		else if (argv[i][0] == '-')
			return usage(argv[0]), 2;
		else
			pat[npat++] = argv[i];
	}
	memcpy(cases, __start_kt_cases, n * sizeof(*cases));
	qsort(cases, n, sizeof(*cases), case_order);
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(cases[i]->name, cases[j]->name)) {
				printf("Bail out! case %s defined twice (%s:%d, %s:%d)\n",
				       cases[i]->name, cases[i]->file, cases[i]->line,
				       cases[j]->file, cases[j]->line);
				return 2;
			}
	for (int i = 0; i < npat; i++) {
		bool any = false;

		for (size_t j = 0; j < n && !any; j++)
			any = !fnmatch(pat[i], cases[j]->name, 0);
		if (!any) {
			fprintf(stderr, "%s: no case matches %s (see --list)\n", argv[0], pat[i]);
			return 2;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (selected(cases[i], npat, pat)) {
			if (list)
				printf("%s\n", cases[i]->name);
			planned++;
		}
	if (list)
		return 0;

	result = mmap(NULL, sizeof(*result), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (result == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return 2;
	}
	ktap_header(planned);
	for (size_t i = 0; i < n; i++)
		if (selected(cases[i], npat, pat))
			run_case(cases[i]);
	free(cases);
	return ktap_finish();
}
