# SPDX-License-Identifier: MIT
# Shared paths and helpers of the test environment. Sourced, not run.

XE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XE_CACHE=${XE_PROXY_CACHE:-/var/cache/virtio-xe-proxy}
XE_ROOT=$XE_CACHE/sid-root

# The Debian mirror this machine's apt already uses (deb822 or one-line
# format), so no registry host is written down anywhere in the repo.
xe_mirror() {
	local uri
	uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources \
		2>/dev/null | tr ' ' '\n' | grep -v -e security -e '^$' | head -1)
	if [ -z "$uri" ]; then
		uri=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
	fi
	if [ -z "$uri" ]; then
		echo "no Debian mirror found in this machine's apt configuration" >&2
		return 1
	fi
	echo "$uri"
}

# Run a command inside the sid root, in a private mount namespace so no
# mount outlives it. The repository is visible at the same path as outside.
xe_in_root() {
	[ -x "$XE_ROOT/usr/bin/env" ] || {
		echo "test root missing: run tests/env/setup" >&2
		return 1
	}
	unshare --mount --propagation private -- /bin/sh -ec '
		root=$1 top=$2; shift 2
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mkdir -p "$root$top"
		mount --bind "$top" "$root$top"
		cd "$root$top"
		exec chroot "$root" /usr/bin/env -C "$top" \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 "$@"
	' xe_in_root "$XE_ROOT" "$XE_TOP" "$@"
}

# ABI name of a cached guest kernel: "sid", "trixie" or "debug".
xe_kernel_abi() {
	cat "$XE_CACHE/kernel-$1" 2>/dev/null || {
		echo "guest kernel '$1' not set up: run tests/env/setup" >&2
		return 1
	}
}

# Path (inside the root) of a cached guest kernel's image. sid's split
# packages keep it beside the modules, trixie's in /boot.
xe_kernel_image() {
	local abi
	abi=$(xe_kernel_abi "$1") || return 1
	for f in "/usr/lib/modules/$abi/vmlinuz" "/boot/vmlinuz-$abi"; do
		if [ -f "$XE_ROOT$f" ]; then
			echo "$f"
			return 0
		fi
	done
	echo "guest kernel '$1' has no image: run tests/env/setup" >&2
	return 1
}

# The host's real Xe render nodes, one /dev/dri/renderD* a line, in the
# order the host library looks for one (sysfs: the device's driver is xe).
xe_real_render_nodes() {
	local r
	for r in /sys/class/drm/renderD*; do
		[ "$(basename "$(readlink -f "$r/device/driver" 2>/dev/null)")" = xe ] &&
			echo "/dev/dri/$(basename "$r")"
	done
	return 0
}
