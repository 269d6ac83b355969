#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of the PRIME test with another driver: bind virtio_xe_proxy as
# users do, load vgem, then share buffers both ways. dmesg must stay clean.
. /lib/ktap.sh
modprobe virtio_gpu
modprobe vgem || { echo "Bail out! no vgem module"; exit 1; }
node=$(xe_render_node) || { echo "Bail out! no xe render node"; exit 1; }
exec /bin/prime_foreign "$node"
