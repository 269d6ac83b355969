#!/bin/sh
# SPDX-License-Identifier: MIT
# `make workloads`, guest side, in the Debian sid guest root: load the
# module built for this kernel (tests/vm/run put it in /usr/src), then run
# the named applications of /usr/src/workloads-apps (tests/workloads/apps)
# one after the other, each after `wl_mark NODE N` so the host can cut the
# simulator's trace per application (tests/workloads/trace-split).
#
#   guest.sh APP...
#
# Per application: "# wl APP exit RC", its error output as
# "# wl-stderr APP: LINE" lines and its own figure, where it prints one, as
# "# wl-figure APP: ...".
. /lib/ktap.sh
export XDG_RUNTIME_DIR=/tmp HOME=/tmp
echo "KTAP version 1"

# the module after what it needs from the root's kernel modules (no
# depmod: over 9p under TCG it takes half a minute)
ko=/usr/src/virtio_xe_proxy.ko
# shellcheck disable=SC2046 # a list of module names
modprobe -a $(modinfo -F depends "$ko" | tr , ' ')
insmod "$ko"
node=""
for r in /sys/class/drm/renderD*; do
	[ "$(cat "$r/device/vendor" 2>/dev/null)" = 0x8086 ] && node=/dev/dri/$(basename "$r")
done
ktap_check "virtio_xe_proxy_bound" [ -n "$node" ]
[ -n "$node" ] || { ktap_finish; exit 1; }
# errors and warnings the driver logs from here on are failures
driver_errors() { dmesg -l err,warn 2>/dev/null | grep -c virtio_xe_proxy; }
errs0=$(driver_errors)
export WL_NODE="$node" WL_BIN=/usr/local/bin

n=0
for app in "$@"; do
	cmd=$(awk -F'|' -v a="$app" '{ n = $1; gsub(/[ \t]/, "", n) } n == a { sub(/^[ \t]*/, "", $3); print $3; exit }' \
		/usr/src/workloads-apps)
	wl_mark "$node" "$n" || ktap_diag "wl_mark $n failed"
	dir=$(mktemp -d)
	t0=$(date +%s)
	(cd "$dir" && timeout -k 10 600 sh -c "$cmd") >"/tmp/wl-$app.out" 2>"/tmp/wl-$app.err"
	rc=$?
	ktap_diag "wl $app exit $rc"
	ktap_diag "wl-time $app $(($(date +%s) - t0))s"
	head -40 "/tmp/wl-$app.err" | sed "s/^/# wl-stderr $app: /"
	# the application's own figure, where it prints one (vkmark's and
	# glmark2's score, ffmpeg-decode's fps)
	grep -hE 'Score:|decode fps:' "/tmp/wl-$app.out" | tr -s ' =' ' ' | sed "s/^/# wl-figure $app:/"
	n=$((n + 1))
done
errs=$(driver_errors)
[ "$errs" = "$errs0" ] || dmesg -l err,warn | grep virtio_xe_proxy | tail -10 | sed 's/^/# dmesg: /'
ktap_check "no_driver_errors_in_dmesg" [ "$errs" = "$errs0" ]
ktap_finish
