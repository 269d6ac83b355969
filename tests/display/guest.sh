#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of `make display-test` (tests/display/run): the fbdev console
# on the xe card node, then the KMS client display_kms. Every picture is
# checked by the host (capture.py), which answers on /dev/ttyS2.
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

# The console: text written to tty1 must appear, and more text change it.
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
printf '\033[2J\033[Hvirtio-xe-proxy display-test: the console\n' >/dev/tty1
ktap_check console_visible capture console_a
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	echo "line $i: written to /dev/tty1 by the display test" >/dev/tty1
done
ktap_check console_changes capture console_b
ktap_finish
rc=$?

[ -n "$card" ] || exit 1
/bin/display_kms "$card" 3 || rc=1
exit $rc
