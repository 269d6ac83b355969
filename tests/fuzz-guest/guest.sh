#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of tests/fuzz-guest/run: xe_guest_fuzz on the xe render node
# for SECONDS with SEED while failslab and fail_page_alloc fail one
# allocation in FAULT_PCT percent of those made with virtio_xe_proxy on the
# stack (0: none); then the module must unload. tests/vm/run fails the run
# on any kernel report and on what kmemleak finds after the unload.
#
#   guest.sh SECONDS SEED FAULT_PCT THREADS
. /lib/ktap.sh
seconds=${1:-60} seed=${2:-1} pct=${3:-2} threads=${4:-3}
ktap_plan 5
modprobe virtio_gpu
node=$(xe_render_node)
ktap_check "xe_node_bound" test -n "$node"
[ -n "$node" ] || { ktap_finish; exit 1; }

# Fault injection restricted to call chains through the module: its whole
# core (text first) is at [base, base + size) of /proc/modules.
inject() {
	for d in /sys/kernel/debug/failslab /sys/kernel/debug/fail_page_alloc; do
		echo "$1" >"$d/probability"
	done
}
set -- $(awk '$1 == "virtio_xe_proxy" { print $2, $6 }' /proc/modules)
size=$1 base=$2
if [ "$pct" != 0 ] && [ -d /sys/kernel/debug/failslab ] && [ -n "$base" ]; then
	end=$(printf '0x%x' $((base + size)))
	for d in /sys/kernel/debug/failslab /sys/kernel/debug/fail_page_alloc; do
		echo 1 >"$d/interval"
		echo -1 >"$d/times"
		echo 0 >"$d/space"
		echo 0 >"$d/verbose"
		echo N >"$d/task-filter"
		echo N >"$d/ignore-gfp-wait"
		echo 32 >"$d/stacktrace-depth"
		echo "$base" >"$d/require-start"
		echo "$end" >"$d/require-end"
	done
	echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
	echo N >/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem
	ktap_diag "failslab and fail_page_alloc at $pct% in [$base, $end)"
	inject "$pct"
fi
# asked for faults, the run must have them: a kernel without failslab or a
# module missing from /proc/modules would otherwise fuzz without any
if [ "$pct" = 0 ]; then
	ktap_result skip "fault_injection_armed" "FAULT_PCT 0"
else
	ktap_check "fault_injection_armed" \
		[ "$(cat /sys/kernel/debug/failslab/probability 2>/dev/null)" = "$pct" ]
fi
faults=
[ "$pct" != 0 ] && faults=--faults
/bin/xe_guest_fuzz --device "$node" --seconds "$seconds" --seed "$seed" \
	--threads "$threads" $faults >/tmp/fuzz.out 2>&1
rc=$?
inject 0 2>/dev/null
sed 's/^\([^#]\)/# \1/' /tmp/fuzz.out
ktap_check "fuzzer_finished" [ $rc = 0 ]
ktap_check "fuzzer_reported" grep -q '^# fuzz: seed' /tmp/fuzz.out
rmmod virtio_gpu 2>/dev/null
ktap_check "module_unloads" rmmod virtio_xe_proxy
ktap_finish
