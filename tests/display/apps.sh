#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of `make display-test` (tests/display/run), second boot:
# stock Debian display clients from the sid guest root on the xe card
# node. modetest must list the KMS objects the DRM core has (debugfs
# "state": the same ids and names); kmscube (GBM surfaces from iris,
# legacy page flips, then atomic commits with in- and out-fences, then
# legacy page flips of ARGB8888 surfaces) must
# show every frame it renders, counted by kmscube and by the DRM core's
# flip events; weston (DRM backend, pixman renderer)
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

ktap_plan 23
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

# 2. kmscube: iris renders into GBM surfaces (linear XRGB8888, kmscube's
# default modifier), each front buffer an xe BO made a framebuffer with
# ADDFB2. The simulator runs no 3D, so what the cube looks like is not
# checked; that each frame is shown is, by two counters: kmscube's own
# ("Rendered N frames", the first frame not counted) and the kernel's
# trace events. The legacy path waits for a page-flip event per frame:
# drm_vblank_event_delivered to a file (the core's internal commit events,
# e.g. SetCrtc's or fbcon's restore at exit, have none). The atomic path
# (-A) asks no event but an out-fence per commit (and gives an in-fence
# from EGL): dma_fence_signaled on the CRTC's timeline. And each frame
# was handed to the host: a RESOURCE_FLUSH at least (the module's debugfs
# round_trips). stdin is a FIFO nobody writes, as kmscube stops on input.
KMSCUBE_FRAMES=150
trace=/sys/kernel/tracing
[ -e $trace/trace ] || mount -t tracefs tracefs $trace
mkfifo /tmp/kmscube.in
exec 4<>/tmp/kmscube.in
# kmscube prints its EGL and GLES facts, then its frame count; anything
# else (Mesa warnings, "failed ...", "Modifiers failed!") is an error
kmscube_output_clean() {
	[ ! -s /tmp/kmscube.err ] &&
		! grep -Ev '^(Using display 0x[0-9a-f]+ with EGL version [0-9.]+|=+|EGL information:|OpenGL ES 2\.x information:|  [a-z ]+: ".*"|Rendered [0-9]+ frames in [0-9.]+ sec \([0-9.]+ fps\))$' \
			/tmp/kmscube.out
}
shown() { grep -c "$1:" $trace/trace; }
flushes() {
	awk '$1 == "virtio" && $2 == "RESOURCE_FLUSH" { print $3 }' \
		"/sys/kernel/debug/dri/$minor/round_trips"
}
all_shown() { [ "$(shown "$1")" -ge "$KMSCUBE_FRAMES" ]; }
kmscube_frames_shown() {
	rendered=$(sed -n 's/^Rendered \([0-9]*\) frames in .*/\1/p' /tmp/kmscube.out | tail -1)
	ktap_diag "kmscube $1: rendered ${rendered:-?} (+1 first), $2 $(shown "$2")"
	[ "${rendered:-0}" = $((KMSCUBE_FRAMES - 1)) ] && [ "$(shown "$2")" = "$KMSCUBE_FRAMES" ]
}
# argb8888: the legacy path with GBM surfaces in ARGB8888 (-f AR24)
for mode in legacy atomic argb8888; do
	if [ $mode = legacy ]; then
		opt="" event=drm/drm_vblank_event_delivered filter='file != 0'
	elif [ $mode = argb8888 ]; then
		opt="-f AR24" event=drm/drm_vblank_event_delivered filter='file != 0'
	else
		opt=-A event=dma_fence/dma_fence_signaled filter='timeline ~ "CRTC:*"'
	fi
	dmesg_before=$(dmesg | wc -l) flushes_before=$(flushes)
	echo "$filter" >$trace/events/$event/filter
	echo >$trace/trace
	echo 1 >$trace/events/$event/enable
	# bounded, so a lost flip fails this case, not the whole boot
	timeout 180 kmscube $opt -D "$card" -c $KMSCUBE_FRAMES <&4 \
		>/tmp/kmscube.out 2>/tmp/kmscube.err
	rc=$?
	# the last commit may still be on its way to the screen
	wait_for 100 all_shown "${event#*/}"
	echo 0 >$trace/events/$event/enable
	echo 0 >$trace/events/$event/filter
	flushed=$(($(flushes) - flushes_before))
	grep -Ev '^(  [a-z ]+: ".*"|=+)$' /tmp/kmscube.out | sed "s/^/# kmscube $mode: /"
	sed "s/^/# kmscube $mode stderr: /" /tmp/kmscube.err
	dmesg | tail -n +$((dmesg_before + 1)) | sed "s/^/# kmscube $mode dmesg: /"
	ktap_check kmscube_${mode}_exits_0 [ "$rc" = 0 ]
	ktap_check kmscube_${mode}_no_error_output kmscube_output_clean
	ktap_check kmscube_${mode}_${KMSCUBE_FRAMES}_frames_shown \
		kmscube_frames_shown $mode "${event#*/}"
	ktap_diag "kmscube $mode: $flushed RESOURCE_FLUSH"
	ktap_check kmscube_${mode}_frames_flushed_to_host [ "$flushed" -ge "$KMSCUBE_FRAMES" ]
done
exec 4<&-

# 3. weston, DRM backend, pixman renderer, on the card: the desktop shell
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

# 4. PCI hot-unplug with weston running: weston's file gets ENODEV, it
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
