// SPDX-License-Identifier: MIT
/*
 * Cases for tests/harness/run, which checks the harness's verdict on each:
 * a failing check in a forked process, a case that never returns and one
 * that leaves a process behind must all be seen for what they are.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case_harness.h"

KT_TEST(probe_pass)
{
}

/* want: not ok -- the check failed, if in a process the case forked */
KT_TEST(probe_fail_in_forked_child)
{
	pid_t p = fork();

	if (p == 0) {
		KT_ASSERT_EQ(1, 2);
		_exit(0);
	}
	KT_ASSERT_TRUE(p > 0);
	KT_ASSERT_EQ(waitpid(p, NULL, 0), p);
}

/* want: not ok ... # timed out (run with a short KT_CASE_TIMEOUT) */
KT_TEST(probe_hang)
{
	for (;;)
		pause();
}

/* want: ok, and the process it leaves behind killed with its group */
KT_TEST(probe_leaves_a_child)
{
	pid_t p = fork();

	if (p == 0) {
		for (;;)
			pause();
	}
	KT_ASSERT_TRUE(p > 0);
	kt_diag("left behind: %d", (int)p);
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv);
}
