# SPDX-License-Identifier: MIT
# Minimal KTAP v1 helpers for guest shell tests (busybox sh). Sourced.
ktap_n=0
ktap_pass=0
ktap_fail=0
ktap_skip=0

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_diag() {
	echo "# $*"
}

ktap_result() {
	ktap_n=$((ktap_n + 1))
	case $1 in
	ok) ktap_pass=$((ktap_pass + 1)); echo "ok $ktap_n $2" ;;
	fail) ktap_fail=$((ktap_fail + 1)); echo "not ok $ktap_n $2" ;;
	skip) ktap_skip=$((ktap_skip + 1)); echo "ok $ktap_n $2 # SKIP $3" ;;
	esac
}

# ktap_check NAME COMMAND...: one test case that passes when COMMAND does.
ktap_check() {
	local name=$1
	shift
	if "$@"; then
		ktap_result ok "$name"
	else
		ktap_result fail "$name"
	fi
}

ktap_finish() {
	echo "# totals: pass:$ktap_pass fail:$ktap_fail xfail:0 xpass:0 skip:$ktap_skip error:0"
	[ "$ktap_fail" = 0 ]
}

# Debian's static busybox runs its own applets before searching PATH, so
# route the module tools to kmod explicitly: kmod honours modprobe.d softdeps.
modprobe() { /sbin/modprobe "$@"; }
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
lsmod() { /sbin/lsmod "$@"; }
modinfo() { /sbin/modinfo "$@"; }

# The render node of virtio_xe_proxy's Intel function, or fail.
xe_render_node() {
	for r in /sys/class/drm/renderD*; do
		[ "$(cat "$r/device/vendor" 2>/dev/null)" = 0x8086 ] &&
			{ echo /dev/dri/$(basename "$r"); return 0; }
	done
	return 1
}
