#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of `make display-test` (tests/display/run): the fbdev console
# on the xe card node, the KMS client display_kms, then unbind/bind and a
# PCI hot-unplug with the console on screen. Every picture is checked by
# the host (capture.py), which answers on /dev/ttyS2.
. /lib/ktap.sh
exec 3</dev/ttyS2
stty -F /dev/ttyS2 raw -echo

# capture NAME ARGS...: the host's verdict on what QEMU shows
capture() {
	echo "# CAPTURE $*"
	read -r verdict <&3
	[ "$verdict" = ok ] || ktap_diag "host: $verdict"
	[ "$verdict" = ok ]
}

# console_shows: QEMU shows the console pixel for pixel, i.e. the capture
# is /dev/fb0 (XRGB8888, its md5sum). Remembers the sum in $fbsum.
fbsum=""
console_shows() {
	local fb=/sys/class/graphics/fb0 w h stride
	[ -e $fb/virtual_size ] || return 1
	w=$(cut -d, -f1 $fb/virtual_size)
	h=$(cut -d, -f2 $fb/virtual_size)
	stride=$(cat $fb/stride)
	[ "$stride" = $((w * 4)) ] || { ktap_diag "fb0 stride $stride, width $w"; return 1; }
	fbsum=$(head -c $((stride * h)) /dev/fb0 | md5sum | cut -d' ' -f1)
	capture console "$w" "$h" "$fbsum"
}

# write_console N: N lines on tty1, the console
write_console() {
	local i=0
	printf '\033[2J\033[Hvirtio-xe-proxy display-test: the console\n' >/dev/tty1
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		echo "line $i: written to /dev/tty1 by the display test" >/dev/tty1
	done
}

# console_checks WHEN: the console is on screen, and changes with tty1
console_checks() {
	local first
	write_console 1
	ktap_check "console_visible_$1" console_shows
	first=$fbsum
	write_console 20
	ktap_check "console_changes_$1" eval 'console_shows && [ "$fbsum" != "$first" ]'
}

# wait_fb: /proc/fb lists a framebuffer (the fbdev emulation registered)
wait_fb() {
	local i=0
	while [ -z "$(cat /proc/fb)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q . /proc/fb
}

ktap_plan 4
modprobe virtio_gpu
card=""
for c in /sys/class/drm/card[0-9]*; do
	[ "$(cat "$c/device/vendor" 2>/dev/null)" = 0x8086 ] &&
		card=/dev/dri/$(basename "$c")
done
ktap_check xe_card_node [ -n "$card" ]
ktap_diag "$card; /proc/fb: $(cat /proc/fb)"
ktap_check fbdev_registered grep -q . /proc/fb
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
console_checks at_boot
ktap_finish
rc=$?

[ -n "$card" ] || exit 1
/bin/display_kms "$card" 3 || rc=1

# Unbind and bind again, then PCI hot-unplug and rescan, each with the
# console on screen: no WARN (the harness checks), and the console back.
ktap_n=0 ktap_pass=0 ktap_fail=0 ktap_skip=0
ktap_plan 8
vdev="" pcidev=""
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device" 2>/dev/null)" = 0x0010 ] &&
		vdev=$(basename "$d") pcidev=$(readlink -f "$d/..")
done
echo "$vdev" >/sys/bus/virtio/drivers/virtio_xe_proxy/unbind
ktap_check unbind_drops_fbdev [ -z "$(cat /proc/fb)" ]
echo "$vdev" >/sys/bus/virtio/drivers/virtio_xe_proxy/bind
ktap_check bind_registers_fbdev wait_fb
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
console_checks after_rebind
echo 1 >"$pcidev/remove"
ktap_check pci_remove_drops_fbdev [ -z "$(cat /proc/fb)" ]
echo 1 >/sys/bus/pci/rescan
ktap_check rescan_registers_fbdev wait_fb
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
console_checks after_replug
ktap_finish || rc=1
exit $rc
