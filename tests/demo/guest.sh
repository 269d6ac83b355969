#!/bin/sh
# SPDX-License-Identifier: MIT
# `make demo` guest side: load the module the way a user does (modprobe of
# virtio_gpu with the shipped softdep), show what it decided and, when it
# bound, what the xe device looks like and one batch running on it.
. /lib/ktap.sh
echo "guest kernel: $(uname -r)"
modprobe virtio_gpu
echo "loaded modules: $(lsmod | awk 'NR > 1 {print $1}' | tr '\n' ' ')"
echo "virtio_xe_proxy said:"
dmesg | grep 'virtio_xe_proxy virtio' | sed 's/^\[[^]]*\] /  /'
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0010 ] || continue
	echo "$(basename "$d") (virtio-gpu) is bound to: $(basename "$(readlink "$d/driver")")"
done
for r in /sys/class/drm/renderD*; do
	[ "$(cat "$r/device/vendor" 2>/dev/null)" = 0x8086 ] || continue
	pci=$(basename "$(readlink "$r/device")")
	echo "xe node: /dev/dri/$(basename "$r") on PCI $pci" \
		"($(cat "$r/device/vendor"):$(cat "$r/device/device") class $(cat "$r/device/class"))"
	exec /bin/xe_demo "/dev/dri/$(basename "$r")"
done
ls /dev/dri
