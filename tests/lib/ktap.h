/* SPDX-License-Identifier: MIT */
/*
 * Test helper: KTAP v1 output for C test programs (host and guest).
 */
#ifndef TESTS_KTAP_H
#define TESTS_KTAP_H

#include <stdarg.h>
#include <stdio.h>

static unsigned int ktap_num, ktap_pass_count, ktap_fail_count, ktap_skip_count;
static int ktap_plan_late;

/* @planned 0: the plan line comes at the end (TAP allows either place). */
static inline void ktap_header(unsigned int planned)
{
	printf("KTAP version 1\n");
	if (planned)
		printf("1..%u\n", planned);
	else
		ktap_plan_late = 1;
	fflush(stdout);
}

static inline void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* One test case; returns @ok so callers can chain. */
static inline int ktap_test(int ok, const char *name)
{
	ktap_num++;
	if (ok)
		ktap_pass_count++;
	else
		ktap_fail_count++;
	printf("%sok %u %s\n", ok ? "" : "not ", ktap_num, name);
	fflush(stdout);
	return ok;
}

/* A failed test case with the reason on its line ("not ok N name # why"). */
static inline void ktap_fail(const char *name, const char *why)
{
	ktap_num++;
	ktap_fail_count++;
	printf("not ok %u %s # %s\n", ktap_num, name, why);
	fflush(stdout);
}

static inline void ktap_skip(const char *name, const char *why)
{
	ktap_num++;
	ktap_skip_count++;
	printf("ok %u %s # SKIP %s\n", ktap_num, name, why);
	fflush(stdout);
}

/* Prints the totals line; returns the process exit code. */
static inline int ktap_finish(void)
{
	if (ktap_plan_late)
		printf("1..%u\n", ktap_num);
	printf("# totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       ktap_pass_count, ktap_fail_count, ktap_skip_count);
	fflush(stdout);
	return ktap_fail_count ? 1 : 0;
}

#endif /* TESTS_KTAP_H */
