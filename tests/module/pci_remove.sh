#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest test: hot-unplug of the GPU's PCI function with the xe render node
# open and a BO mapped, then a re-plug. QEMU 11.1 refuses device_del for
# virtio-gpu-gl-pci ("does not support hotplugging"), so the unplug is
# driven from the guest through sysfs "remove", the call the ACPI hotplug
# driver makes when an eject arrives. The driver must let the device go,
# even while a process waits without end on a user fence (that wait ends
# with ENODEV), the open file must fail with ENODEV, unmap and close must work, a PCI
# rescan must bring the device back bound to us, and after close the
# module must unload: no reference leaked. The harness fails on any
# BUG/WARNING/Oops in the guest.
. /lib/ktap.sh
ktap_plan 8
modprobe virtio_gpu
node=$(xe_render_node)
pcidev=""
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device" 2>/dev/null)" = 0x0010 ] &&
		pcidev=$(readlink -f "$d/..")
done
ktap_diag "xe node $node on virtio PCI function ${pcidev##*/}"
ktap_check "xe_node_bound" test -n "$node" -a -e "$pcidev/remove"
[ -n "$node" ] || { ktap_finish; exit 1; }

mkfifo /tmp/go
/bin/hold_open "$node" </tmp/go >/tmp/hold.out 2>&1 &
pid=$!
exec 3>/tmp/go
while ! grep -q held /tmp/hold.out 2>/dev/null; do sleep 0.05; done
/bin/hold_open --ufence "$node" >/tmp/ufence.out 2>&1 &
upid=$!
i=0
while [ "$(cat /proc/$upid/wchan 2>/dev/null)" != wait_woken ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
ktap_diag "user fence waiter in $(cat /proc/$upid/wchan 2>/dev/null)"

echo 1 >"$pcidev/remove"
ktap_check "pci_function_removed" [ ! -e "$pcidev" ]
ktap_check "xe_node_gone" [ ! -e "$node" ]
wait $upid
urc=$?
ktap_diag "$(tail -1 /tmp/ufence.out)"
ktap_check "endless_user_fence_wait_ends_enodev" [ $urc = 0 ]

echo go >&3
exec 3>&-
wait $pid
rc=$?
ktap_diag "$(tail -1 /tmp/hold.out)"
ktap_check "open_file_enodev_then_closes" [ $rc = 0 ]

echo 1 >/sys/bus/pci/rescan
i=0
while ! xe_render_node >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
has_xe() { xe_render_node >/dev/null; }
ktap_check "rescan_binds_again" has_xe
ktap_check "device_query_after_replug" /bin/hold_open --query "$(xe_render_node)"
ktap_check "module_unloads_after_close" rmmod virtio_xe_proxy
ktap_finish
