#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of tests/bench/run: the same operations through virtio_xe_proxy
# and then, in the same boot, through stock virtio_gpu with user-space ccmds
# on the same device; page flips on both card nodes.
. /lib/ktap.sh
n=${1:-200}
modprobe virtio_gpu
dev=""
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0010 ] && dev=$(basename "$d")
done
node_of() {
	for r in /sys/class/drm/renderD*; do
		[ "$(cat "$r/device/vendor" 2>/dev/null)" = "$1" ] &&
			{ echo /dev/dri/$(basename "$r"); return 0; }
	done
	return 1
}
xe=$(node_of 0x8086) || { echo "Bail out! virtio_xe_proxy did not bind"; exit 1; }
/bin/xe_bench xe "$xe" "$n" || { echo "Bail out! xe_bench xe failed"; exit 1; }
# the card node of a render node's device: where page flips go
card_of() {
	for c in "/sys/class/drm/$(basename "$1")/device/drm/card"*; do
		echo "/dev/dri/$(basename "$c")"
		return 0
	done
}
# page flips of full-screen buffers: xe BOs and dumb buffers
/bin/flip_bench xe "$(card_of "$xe")" xe "$n" || echo "# flip_bench xe xe failed"
/bin/flip_bench xe "$(card_of "$xe")" dumb "$n" || echo "# flip_bench xe dumb failed"

echo "$dev" >/sys/bus/virtio/drivers/virtio_xe_proxy/unbind
echo "$dev" >/sys/bus/virtio/drivers/virtio_gpu/bind
i=0
while ! vg=$(node_of 0x1af4) && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -n "$vg" ] || { echo "Bail out! virtio_gpu did not bind"; exit 1; }
/bin/xe_bench vdrm "$vg" "$n" || { echo "Bail out! xe_bench vdrm failed"; exit 1; }
# virtio_gpu counts no copies: trace its transfers' rectangles for flip_bench
t=/sys/kernel/tracing
[ -e $t/kprobe_events ] || mount -t tracefs nodev $t 2>/dev/null || t=/sys/kernel/debug/tracing
# shellcheck disable=SC2016 # $argN is the kprobe's, not the shell's
echo 'p:bench/xfer virtio_gpu_cmd_transfer_to_host_2d w=$arg3:u32 h=$arg4:u32' >>$t/kprobe_events &&
	echo 1 >$t/events/bench/xfer/enable || echo "# no kprobe on virtio_gpu's transfers"
/bin/flip_bench vdrm "$(card_of "$vg")" dumb "$n" || echo "# flip_bench vdrm dumb failed"
