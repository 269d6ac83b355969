#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of tests/hostfault/run: the ioctl suite (the cases named in
# the arguments) while the host library fails one call, then the module's
# unload. A case may fail (the host's errno reached it); the suite must
# finish every case within its timeout, and the module must unload.
. /lib/ktap.sh
ktap_plan 3
modprobe virtio_gpu
node=$(xe_render_node)
if [ -z "$node" ]; then
	echo "Bail out! no xe render node (virtio_xe_proxy did not bind)"
	exit 1
fi
# a hang shows as a timed-out case, well inside vm/run's limit
KT_CASE_TIMEOUT=60 /bin/xe_ioctl_test --device "$node" "$@" >/tmp/suite.ktap 2>&1
rc=$?
sed 's/^/# suite: /' /tmp/suite.ktap
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' /tmp/suite.ktap | head -1)
ran=$(grep -c -E '^(not )?ok [0-9]+ ' /tmp/suite.ktap)
failed=$(grep -c '^not ok ' /tmp/suite.ktap)
hung=$(grep -c '# timed out' /tmp/suite.ktap)
ktap_diag "suite exit $rc: $ran of $planned cases ran, $failed failed, $hung timed out"
ktap_check "suite_finished" [ "${planned:-none}" = "$ran" ]
ktap_check "no_case_timed_out" [ "$hung" = 0 ]
ktap_diag "hostmem after the suite: $(cat /sys/kernel/debug/dri/*/hostmem 2>/dev/null | tr '\n' ' ')"
# every file is closed: the module must let go of its device and unload
ok=0
rmmod virtio_xe_proxy && ok=1
ktap_check "module_unloads" [ "$ok" = 1 ]
ktap_finish
