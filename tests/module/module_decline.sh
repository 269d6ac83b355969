#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest test: on a virtio-gpu device whose host offers no XE native context
# (stock virglrenderer), virtio_xe_proxy declines; it loads and unloads 20
# times, probing and declining each time without leaking a module reference;
# then modprobe virtio_gpu loads it first through the shipped softdep and
# virtio_gpu binds the device it declined.
#
# virtio_gpu is never unbound here: unbinding it trips an upstream
# virtio_gpu warning ("Memory manager not clean during takedown").
. /lib/ktap.sh
RELOADS=20

gpu_dev() {
	for d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$d/device")" = 0x0010 ] && { basename "$d"; return 0; }
	done
	return 1
}

bound_to() {
	[ "$(basename "$(readlink "/sys/bus/virtio/devices/$dev/driver" 2>/dev/null)")" = "$1" ]
}

declines() {
	dmesg | grep -c "virtio_xe_proxy $dev: declining: $1"
}

unused() {
	[ "$(cat /sys/module/virtio_xe_proxy/refcnt)" = 0 ]
}

ktap_plan 8
dev=$(gpu_dev) || { echo "Bail out! no virtio-gpu device"; exit 1; }
ktap_check "device_unbound_at_start" test ! -e "/sys/bus/virtio/devices/$dev/driver"

# Every load probes the free device and must decline it.
reason="no DRM native-context capset"
before=$(declines "$reason")
i=0
while [ $i -lt $RELOADS ]; do
	modprobe virtio_xe_proxy || break
	unused || break
	bound_to virtio_xe_proxy && break
	rmmod virtio_xe_proxy || break
	[ ! -d /sys/module/virtio_xe_proxy ] || break
	i=$((i + 1))
done
ktap_check "load_unload_${RELOADS}_times_no_reference_left" test "$i" = $RELOADS
ktap_check "each_load_declined" test $(($(declines "$reason") - before)) = $RELOADS
ktap_diag "$(dmesg | grep "virtio_xe_proxy $dev: declining:" | tail -1)"

modprobe virtio_xe_proxy enable=0
ktap_check "enable_0_declines" test "$(declines "disabled by module parameter enable=0")" = 1
rmmod virtio_xe_proxy

# modprobe virtio_gpu pulls us in first through the shipped softdep.
before=$(declines "$reason")
modprobe virtio_gpu
ktap_check "softdep_loads_proxy_first" test -d /sys/module/virtio_xe_proxy
ktap_check "proxy_declined_before_virtio_gpu" test $(($(declines "$reason") - before)) = 1
ktap_check "virtio_gpu_bound" bound_to virtio_gpu
ktap_check "drm_card_present" test -e /dev/dri/card0
ktap_finish
