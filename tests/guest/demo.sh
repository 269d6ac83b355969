#!/bin/sh
# SPDX-License-Identifier: MIT
# `make demo` guest side: load the module the way a user does (modprobe of
# virtio_gpu with the shipped softdep) and show what it decided and why.
. /lib/ktap.sh
echo "guest kernel: $(uname -r)"
modprobe virtio_gpu
echo "loaded modules: $(lsmod | awk 'NR > 1 {print $1}' | tr '\n' ' ')"
echo "virtio-gpu host capsets (as virtio_gpu read them):"
dmesg | grep -E '\[drm\] (features|cap set|number of cap sets)' | sed 's/^\[[^]]*\] /  /'
echo "virtio_xe_proxy said:"
dmesg | grep 'virtio_xe_proxy virtio' | sed 's/^\[[^]]*\] /  /'
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0010 ] || continue
	echo "$(basename "$d") (virtio-gpu) is bound to: $(basename "$(readlink "$d/driver")")"
done
ls /dev/dri
