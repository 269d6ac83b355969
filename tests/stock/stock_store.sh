#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest test of the host library alone: the stock virtio_gpu driver (our
# module kept out of the way) must see the DRM capset with context type XE,
# and /bin/vdrm_store speaks the ccmd protocol over virtio_gpu's own ioctls
# (CONTEXT_INIT, RESOURCE_CREATE_BLOB, EXECBUFFER) to store a dword with
# the simulated GPU and read it back.
rm -f /etc/modprobe.d/virtio_xe_proxy.conf
/sbin/modprobe virtio_gpu || { echo "Bail out! modprobe virtio_gpu failed"; exit 1; }
i=0
while [ ! -e /dev/dri/renderD128 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
exec /bin/vdrm_store /dev/dri/renderD128
