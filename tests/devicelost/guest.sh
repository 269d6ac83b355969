#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of tests/devicelost/run: device_lost on the module's render
# node while the host loses its GPU and gets it back, then the module must
# unbind and unload with the dead file closed, and bind again.
#
#   guest.sh [unplug|wedged]    how the host loses it (the errno to expect)
. /lib/ktap.sh
modprobe virtio_gpu
node=$(xe_render_node)
if [ -z "$node" ]; then
	echo "Bail out! no xe render node (virtio_xe_proxy did not bind)"
	exit 1
fi
# its results are ours, then three more; each line goes out as it comes,
# the host script waits for "device-lost: ready" and "seen"
{ /bin/device_lost "$node" ${1:+"$1"} 2>&1; echo $? >/tmp/lost.rc; } | while IFS= read -r l; do
	echo "$l" >>/tmp/lost.ktap
	case $l in
	"KTAP version"* | 1..* | "# totals"*) ;;
	*) echo "$l" ;;
	esac
done
rc=$(cat /tmp/lost.rc)
n=$(grep -c -E '^(not )?ok [0-9]+ ' /tmp/lost.ktap)
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' /tmp/lost.ktap | head -1)
ktap_n=$n
ktap_fail=$(grep -c '^not ok ' /tmp/lost.ktap)
ktap_pass=$((n - ktap_fail))
ktap_diag "device_lost exited $rc with $n of ${planned:-?} results"
# a crash or a kill part way would otherwise just leave results out
ran_to_the_end() { [ "${planned:-none}" = "$n" ] && [ "${rc:-9}" -le 1 ]; }
ktap_check "device_lost_ran_to_the_end" ran_to_the_end
ok=0
rmmod virtio_xe_proxy && ok=1
ktap_check "module_unloads" [ "$ok" = 1 ]
modprobe virtio_xe_proxy
i=0
while ! xe_render_node >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ktap_check "module_binds_again" xe_render_node
ktap_check "config_query_after_rebind" /bin/hold_open --query "$(xe_render_node)"
echo "1..$ktap_n"
ktap_finish
