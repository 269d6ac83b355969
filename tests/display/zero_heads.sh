#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of the zero-heads case of `make display-test`: QEMU offers no
# scanout (max_outputs=0). The card node has no output and no console, and
# the render node works as before (drm_identity: libdrm's view of it and
# a DEVICE_QUERY answered through the host).
. /lib/ktap.sh
ktap_plan 4
modprobe virtio_gpu
card=""
for c in /sys/class/drm/card[0-9]*; do
	case $c in *-*) continue ;; esac
	[ "$(cat "$c/device/vendor" 2>/dev/null)" = 0x8086 ] && card=$(basename "$c")
done
ktap_check xe_card_node [ -n "$card" ]
# connectors show up as cardN-TYPE-M in sysfs
outputs=$(ls -d /sys/class/drm/"$card"-* 2>/dev/null | wc -l)
ktap_diag "$card: $outputs connectors; /proc/fb: $(cat /proc/fb)"
ktap_check no_connectors [ "$outputs" = 0 ]
ktap_check no_fbdev [ -z "$(cat /proc/fb)" ]
node=$(xe_render_node)
ktap_check render_node [ -n "$node" ]
ktap_finish || exit 1
exec /bin/drm_identity "$node"
