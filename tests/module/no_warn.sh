#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of the no-WARNING test: bind virtio_xe_proxy as users do, give
# everyone the render node (as a udev rule for the render group would), then
# run the hostile ioctls as nobody. dmesg must stay clean.
. /lib/ktap.sh
modprobe virtio_gpu
node=$(xe_render_node) || { echo "Bail out! no xe render node"; exit 1; }
chmod 0666 "$node"
exec /bin/no_warn "$node"
