#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of the identity test: bind virtio_xe_proxy as users do, then
# ask libdrm what the node is.
. /lib/ktap.sh
modprobe virtio_gpu
for r in /sys/class/drm/renderD*; do
	[ "$(cat "$r/device/vendor" 2>/dev/null)" = 0x8086 ] &&
		exec /bin/drm_identity /dev/dri/$(basename "$r")
done
echo "Bail out! no xe render node"
exit 1
