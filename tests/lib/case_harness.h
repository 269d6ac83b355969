/* SPDX-License-Identifier: MIT */
/*
 * A small test-case harness for the C test programs, after the ideas of the
 * kernel's kselftest_harness.h (this is its own code, under MIT):
 *  - every case runs in its own child process: its fixture's setup, its
 *    body, its fixture's teardown; a failed check or a crash ends that case
 *    alone, and no state is carried from one case to the next;
 *  - a failed check prints what it evaluated, what it got and what it
 *    wanted (errnos by name), then ends the case;
 *  - cases are registered at link time, so they can live in several .c
 *    files linked into one program; `prog --list` names them and
 *    `prog NAME|GLOB...` runs only those;
 *  - the output is KTAP: "ok N name", "not ok N name", "ok N name # SKIP why".
 *
 * Adding a case, in any .c file of the program:
 *
 *	#include "case_harness.h"
 *
 *	KT_CASE(xe_dev, gem_close_twice)	// fixture struct xe_dev, as f
 *	{
 *		uint32_t h = xe_bo(f->fd, f->placement, 4096);
 *
 *		KT_ASSERT_OK(xe_gem_close(f->fd, h));
 *		KT_ASSERT_ERR(xe_gem_close(f->fd, h), EINVAL);
 *	}
 *
 * Case names are unique in a program (checked at start-up). Checks may be
 * used in helpers and in setup too: they end the case from wherever they
 * fail, and teardown still runs on what setup got to.
 *
 * Adding a fixture: a struct and two functions taking a pointer to it
 * (setup fills the zeroed struct, teardown releases whatever is non-zero),
 * KT_FIXTURE(name, setup, teardown) in one .c file and
 * KT_FIXTURE_DECLARE(name) in the header the case files include.
 *
 * Adding a file: add it to the program's sources in tests/Makefile. Cases
 * run in the order of their file names, then of their lines.
 */
#ifndef TESTS_CASE_HARNESS_H
#define TESTS_CASE_HARNESS_H

#include <stddef.h>

struct kt_fixture {
	const char *name;
	size_t size;			/* of the struct handed to the case */
	void (*setup)(void *data);
	void (*teardown)(void *data);
};

struct kt_case {
	const char *name;
	const char *file;
	int line;
	const struct kt_fixture *fixture;	/* NULL: the body gets NULL */
	void (*run)(void *data);
};

#define KT_FIXTURE_DECLARE(type) extern const struct kt_fixture kt_fixture_##type

#define KT_FIXTURE(type, setup_fn, teardown_fn)				\
	static void kt_setup_##type(void *d) { setup_fn(d); }		\
	static void kt_teardown_##type(void *d) { teardown_fn(d); }	\
	const struct kt_fixture kt_fixture_##type = {			\
		.name = #type, .size = sizeof(struct type),		\
		.setup = kt_setup_##type, .teardown = kt_teardown_##type, \
	}

/* The linker gathers the kt_cases section of every object into one array. */
#define KT_REGISTER(case_name, fixture_ptr, run_fn)			\
	static const struct kt_case kt_case_##case_name = {		\
		.name = #case_name, .file = __FILE__, .line = __LINE__,	\
		.fixture = fixture_ptr, .run = run_fn,			\
	};								\
	static const struct kt_case *const kt_reg_##case_name		\
	__attribute__((used, section("kt_cases"))) = &kt_case_##case_name

/* A case on a fixture: the body sees `struct type *f`. */
#define KT_CASE(type, case_name)					\
	static void kt_body_##case_name(struct type *f);		\
	static void kt_run_##case_name(void *d) { kt_body_##case_name(d); } \
	KT_REGISTER(case_name, &kt_fixture_##type, kt_run_##case_name); \
	static void kt_body_##case_name(struct type *f)

/* A case without a fixture. */
#define KT_TEST(case_name)						\
	static void kt_body_##case_name(void);				\
	static void kt_run_##case_name(void *d) { (void)d; kt_body_##case_name(); } \
	KT_REGISTER(case_name, NULL, kt_run_##case_name);		\
	static void kt_body_##case_name(void)

/* End the case: failed, or skipped. Never return. */
void kt_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void kt_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void kt_fail_errno(const char *file, int line, const char *expr, long got,
		   long want) __attribute__((noreturn));

/* A '#' diagnostic line (may differ between runs; results may not). */
void kt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "-EINVAL"-style name of a 0-or-negative-errno result. */
const char *kt_errname(long ret);

#define KT_FAIL(...) kt_fail_at(__FILE__, __LINE__, __VA_ARGS__)

/* @expr gives 0 or -errno (xioctl()); it must give -@err. */
#define KT_ASSERT_ERR(expr, err) do {					\
	long kt_got_ = (expr), kt_want_ = -(long)(err);			\
	if (kt_got_ != kt_want_)					\
		kt_fail_errno(__FILE__, __LINE__, #expr, kt_got_, kt_want_); \
} while (0)

#define KT_ASSERT_OK(expr) KT_ASSERT_ERR(expr, 0)

#define KT_ASSERT_TRUE(cond) do {					\
	if (!(cond))							\
		kt_fail_at(__FILE__, __LINE__, "%s: false", #cond);	\
} while (0)

#define KT_ASSERT_EQ(actual, expected) do {				\
	unsigned long long kt_a_ = (actual), kt_e_ = (expected);	\
	if (kt_a_ != kt_e_)						\
		kt_fail_at(__FILE__, __LINE__, "%s: got %#llx, want %#llx (%s)", \
			   #actual, kt_a_, kt_e_, #expected);		\
} while (0)

#define KT_ASSERT_NE(actual, unwanted) do {				\
	unsigned long long kt_a_ = (actual), kt_u_ = (unwanted);	\
	if (kt_a_ == kt_u_)						\
		kt_fail_at(__FILE__, __LINE__, "%s: got %#llx (%s)",	\
			   #actual, kt_a_, #unwanted);			\
} while (0)

/*
 * Runs the registered cases selected by the arguments (none: all) and
 * prints KTAP; returns the exit code. Arguments: --list, --help, and case
 * names or shell globs.
 */
/* The program's own options, for --help (set before kt_main()). */
extern const char *kt_program_options;

int kt_main(int argc, char **argv);

#endif /* TESTS_CASE_HARNESS_H */
