#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of `make display-test` (tests/display/run), second boot:
# stock Debian display clients from the sid guest root on the xe card
# node. modetest must list the KMS objects the DRM core has (debugfs
# "state": the same ids and names); weston (DRM backend, pixman renderer)
# must show its desktop's background, pixel for pixel; then the PCI
# function is removed with weston running: weston lets go, the device
# comes back on a rescan, and the module unloads (no reference leaked).
# The harness fails on any WARN. The host checks each picture
# (capture.py) and answers on /dev/ttyS2.
# shellcheck source=tests/lib/ktap.sh
. /lib/ktap.sh
exec 3</dev/ttyS2
stty -F /dev/ttyS2 raw -echo

# weston's desktop background (weston.ini below), 0xRRGGBB; its panel off
BACKGROUND=3060c0

# capture NAME ARGS...: the host's verdict on what QEMU shows
capture() {
	echo "# CAPTURE $*"
	read -r verdict <&3
	[ "$verdict" = ok ] || ktap_diag "host: $verdict"
	[ "$verdict" = ok ]
}

# wait_for TENTHS COMMAND...: until COMMAND succeeds, at most TENTHS/10 s
wait_for() {
	wf_n=$1 wf_i=0
	shift
	until "$@"; do
		[ "$wf_i" -lt "$wf_n" ] || return 1
		sleep 0.1
		wf_i=$((wf_i + 1))
	done
}

ktap_plan 11
# the module from tests/vm/run's /src, after what it needs from the root's
# kernel modules (a depmod of the whole tree over 9p takes half a minute)
ko=/usr/src/virtio_xe_proxy.ko
# shellcheck disable=SC2046 # a list of module names
modprobe -a $(modinfo -F depends "$ko" | tr , ' ')
insmod "$ko"
card="" minor=""
for c in /sys/class/drm/card[0-9]*; do
	case $c in *-*) continue ;; esac
	[ "$(cat "$c/device/vendor" 2>/dev/null)" = 0x8086 ] &&
		card=/dev/dri/${c##*/} minor=${c##*/card}
done
ktap_check xe_card_node [ -n "$card" ]
[ -n "$card" ] || { ktap_finish; exit 1; }
ktap_diag "$card; $(weston --version 2>&1)"

# 1. modetest -c -p: the connectors, CRTCs and planes, as "KIND ID [NAME]"
# rows, must be exactly what the DRM core holds (debugfs dri/N/state).
# -M: the card whose DRM driver is "xe" (-D wants a bus id, not a path)
modetest -M xe -c -p >/tmp/modetest.out 2>&1
mt_rc=$?
[ "$mt_rc" = 0 ] || head -5 /tmp/modetest.out | sed 's/^/# modetest: /'
awk '/^Connectors:/ { k = "connector" } /^CRTCs:/ { k = "crtc" }
     /^Planes:/ { k = "plane" } /^(Encoders|Frame buffers):/ { k = "" }
     k != "" && /^[0-9]/ { print k, $1, (k == "connector" ? $4 : "") }' \
	/tmp/modetest.out | sed 's/ $//' | sort >/tmp/modetest.objs
state=/sys/kernel/debug/dri/$minor/state
sed -n 's/^\(plane\|crtc\|connector\)\[\([0-9]*\)\]: \(.*\)$/\1 \2 \3/p' "$state" |
	sed 's/^\(plane\|crtc\) \([0-9]*\) .*/\1 \2/' | sort >/tmp/state.objs
ktap_diag "modetest: $(tr '\n' ';' </tmp/modetest.objs)"
ktap_diag "debugfs:  $(tr '\n' ';' </tmp/state.objs)"
ktap_check modetest_runs [ "$mt_rc" = 0 ]
same_objects() { [ -s /tmp/state.objs ] && cmp -s /tmp/modetest.objs /tmp/state.objs; }
ktap_check modetest_lists_the_kms_objects same_objects
# the connector is connected, its name the one sysfs gives it, and the
# plane takes XRGB8888 (XR24)
conn=$(awk '/^connector /{ print $3; exit }' /tmp/state.objs)
connector_connected() {
	[ -e "/sys/class/drm/card$minor-$conn" ] &&
		grep -Eq "^[0-9]+[[:space:]]+[0-9]+[[:space:]]+connected[[:space:]]+${conn}[[:space:]]" /tmp/modetest.out
}
ktap_check modetest_connector_connected connector_connected
ktap_check modetest_plane_xrgb8888 grep -q '^  formats:.* XR24' /tmp/modetest.out
# the mode weston will pick: the connector's preferred one, listed first
mode=$(head -1 "/sys/class/drm/card$minor-$conn/modes")
w=${mode%x*} h=${mode#*x}
ktap_diag "$conn: preferred mode $mode"

# 2. weston, DRM backend, pixman renderer, on the card: the desktop shell
# paints its background and nothing else (no panel, no animation, no
# input devices so no cursor)
export XDG_RUNTIME_DIR=/tmp/xdg LIBSEAT_BACKEND=noop
mkdir -m 700 "$XDG_RUNTIME_DIR"
cat >/tmp/weston.ini <<EOF
[core]
idle-time=0
[shell]
background-color=0xff$BACKGROUND
panel-position=none
startup-animation=none
locking=false
EOF
weston --backend=drm --renderer=pixman --drm-device="${card##*/}" \
	--continue-without-input --config=/tmp/weston.ini --socket=wayland-xe \
	--log=/tmp/weston.log 2>/tmp/weston.err &
weston=$!
wait_for 600 test -S "$XDG_RUNTIME_DIR/wayland-xe"
ktap_check weston_starts kill -0 "$weston"
ktap_check weston_background_shown capture solid "$w" "$h" "$BACKGROUND"
grep -E 'DRM|pixman|Output|error|fail' /tmp/weston.log | head -12 | sed 's/^/# weston: /'

# 3. PCI hot-unplug with weston running: weston's file gets ENODEV, it
# exits on SIGTERM; a rescan binds again and the console comes back; the
# module unloads once nothing holds it
pcidev=""
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device" 2>/dev/null)" = 0x0010 ] && pcidev=$(readlink -f "$d/..")
done
echo 1 >"$pcidev/remove"
removed() { [ ! -e "$pcidev" ] && [ ! -e "$card" ]; }
ktap_check pci_remove_with_weston removed
kill -TERM "$weston" 2>/dev/null
gone() { ! kill -0 "$weston" 2>/dev/null; }
wait_for 300 gone || kill -KILL "$weston" 2>/dev/null
ktap_check weston_exits_after_unplug gone
wait "$weston" 2>/dev/null
ktap_diag "weston exit $?; $(tail -3 /tmp/weston.log | tr '\n' ' ')"
echo 1 >/sys/bus/pci/rescan
ktap_check rescan_registers_fbdev wait_for 100 grep -q . /proc/fb
# weston's files are closed: nothing may hold the module any more
ktap_check module_unloads_after_unplug rmmod virtio_xe_proxy
ktap_finish
