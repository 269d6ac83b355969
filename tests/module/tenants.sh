#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of the two-tenant test: bind virtio_xe_proxy as users do, then
# one process fills the guest's BO memory (the host library's
# XE_PROXY_MEM_LIMIT, set small by tests/check) while another keeps working.
. /lib/ktap.sh
modprobe virtio_gpu
node=$(xe_render_node) || { echo "Bail out! no xe render node"; exit 1; }
exec /bin/tenants "$node"
