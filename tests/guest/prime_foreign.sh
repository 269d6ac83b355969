#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of the PRIME test with another driver: bind virtio_xe_proxy as
# users do, load vgem, then share buffers both ways. dmesg must stay clean.
. /lib/ktap.sh
modprobe virtio_gpu
modprobe vgem || { echo "Bail out! no vgem module"; exit 1; }
for r in /sys/class/drm/renderD*; do
	[ "$(cat "$r/device/vendor" 2>/dev/null)" = 0x8086 ] &&
		exec /bin/prime_foreign /dev/dri/$(basename "$r")
done
echo "Bail out! no xe render node"
exit 1
