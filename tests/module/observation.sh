#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of the observation test: bind virtio_xe_proxy as users do, then
# check that it offers no observation.
. /lib/ktap.sh
modprobe virtio_gpu
node=$(xe_render_node) || { echo "Bail out! no xe render node"; exit 1; }
exec /bin/observation "$node"
