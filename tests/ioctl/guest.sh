#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of `make vm-test`: load virtio_xe_proxy the way users do
# (modprobe virtio_gpu pulls it in first through the softdep), check it took
# the device, then run the xe ioctl suite on its render node (the cases
# named in the arguments, all without).
. /lib/ktap.sh
modprobe virtio_gpu
node=""
for d in /sys/class/drm/renderD*; do
	[ -e "$d/device/vendor" ] || continue
	if [ "$(cat "$d/device/vendor")" = 0x8086 ]; then
		node=/dev/dri/$(basename "$d")
		break
	fi
done
if [ -z "$node" ]; then
	echo "Bail out! no xe render node (virtio_xe_proxy did not bind)"
	dmesg | grep -i -e virtio_xe_proxy -e virtio-pci | tail -20 | sed 's/^/# /'
	exit 1
fi
echo "# xe render node: $node ($(cat /sys/class/drm/$(basename $node)/device/device))"
exec /bin/xe_ioctl_test --device "$node" "$@"
