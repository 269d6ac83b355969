#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest test, 20 rounds over the whole stack: bind virtio_xe_proxy, open its
# render node and map a BO; unloading the module must be refused while the
# file is open; unbinding the device must turn the open file into -ENODEV
# without an oops or a hang; after close the module unloads, and it binds
# the device again when reloaded. The harness fails on any BUG/WARNING.
. /lib/ktap.sh
ROUNDS=20
ktap_plan 5
dev=""
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0010 ] && dev=$(basename "$d")
done
bound=0 refused=0 enodev=0 unloaded=0 rebound=0
modprobe virtio_xe_proxy
i=0
while [ $i -lt $ROUNDS ]; do
	i=$((i + 1))
	node=$(xe_render_node) && bound=$((bound + 1))
	[ -n "$node" ] || break
	mkfifo /tmp/go
	/bin/hold_open "$node" </tmp/go >/tmp/hold.out 2>&1 &
	pid=$!
	exec 3>/tmp/go
	while ! grep -q held /tmp/hold.out 2>/dev/null; do sleep 0.05; done
	rmmod virtio_xe_proxy 2>/dev/null || refused=$((refused + 1))
	echo "$dev" >/sys/bus/virtio/drivers/virtio_xe_proxy/unbind
	echo go >&3
	exec 3>&-
	wait $pid && enodev=$((enodev + 1))
	rm -f /tmp/go
	rmmod virtio_xe_proxy && unloaded=$((unloaded + 1))
	modprobe virtio_xe_proxy
	j=0
	while ! xe_render_node >/dev/null && [ $j -lt 50 ]; do sleep 0.1; j=$((j + 1)); done
	xe_render_node >/dev/null && rebound=$((rebound + 1))
done
ktap_diag "rounds $ROUNDS: bound $bound, unload refused while open $refused, ENODEV after unbind $enodev, unloaded $unloaded, bound again $rebound"
ktap_check "bound_every_round" [ "$bound" = $ROUNDS ]
ktap_check "unload_refused_while_open" [ "$refused" = $ROUNDS ]
ktap_check "open_file_enodev_after_unbind" [ "$enodev" = $ROUNDS ]
ktap_check "unload_after_close" [ "$unloaded" = $ROUNDS ]
ktap_check "binds_again_after_reload" [ "$rebound" = $ROUNDS ]
ktap_finish
