#!/bin/sh
# SPDX-License-Identifier: MIT
# `make guest-userspace`, guest side, in the Debian sid guest root: install
# the virtio-xe-proxy-dkms package with apt (its postinst runs `dkms
# install`), let the package's softdep bind the module, then run stock Mesa
# (ANV, iris), intel-media-driver and IGT on the node; remove the package.
#
#   userspace.sh [IGT_BINARY...]
#
# IGT's per-subtest results go out as "# igt BINARY SUBTEST RESULT" lines;
# the host side (tests/userspace/run) compares them with host-direct.
. /lib/ktap.sh
abi=$(uname -r)
export XDG_RUNTIME_DIR=/tmp
echo "KTAP version 1"

# The package as a user installs it; tests/vm/run put it in /usr/src. The
# guest has no network: dkms and the kernel's headers are in the guest root.
t0=$(date +%s)
deb=$(cd /usr/src && ls virtio-xe-proxy-dkms_*_all.deb 2>/dev/null | head -1)
(cd /usr/src && DEBIAN_FRONTEND=noninteractive \
	apt install -y --no-install-recommends "./$deb") >/tmp/apt-install.log 2>&1
rc=$?
ktap_diag "apt install ./$deb (runs dkms install) took $(($(date +%s) - t0))s"
[ $rc = 0 ] || sed 's/^/# /' /tmp/apt-install.log | tail -30
ktap_check "apt_install_dkms_package" [ -n "$deb" -a $rc = 0 ]
ver=$(dpkg-query -W -f '${Version}' virtio-xe-proxy-dkms 2>/dev/null)
dkms status -m virtio-xe-proxy -v "$ver" -k "$abi" >/tmp/dkms-status.txt 2>&1
sed 's/^/# dkms status: /' /tmp/dkms-status.txt
ktap_check "dkms_status_installed" grep -q ': installed' /tmp/dkms-status.txt
ktap_check "dkms_module_in_updates" test -f "/lib/modules/$abi/updates/dkms/virtio_xe_proxy.ko" -o \
	-f "/lib/modules/$abi/updates/dkms/virtio_xe_proxy.ko.xz" -o \
	-f "/lib/modules/$abi/updates/dkms/virtio_xe_proxy.ko.zst"
# The package ships the softdep; nothing is written to /etc.
ktap_check "package_softdep" test -f /usr/lib/modprobe.d/virtio_xe_proxy.conf
ktap_check "package_no_softdep_in_etc" test ! -e /etc/modprobe.d/virtio_xe_proxy.conf

# Loading virtio_gpu alone must pull ours in first through the softdep.
modprobe virtio_gpu
node=""
for r in /sys/class/drm/renderD*; do
	[ "$(cat "$r/device/vendor" 2>/dev/null)" = 0x8086 ] && node=/dev/dri/$(basename "$r")
done
ktap_check "softdep_binds_virtio_xe_proxy" [ -n "$node" ]
ktap_check "module_loaded_from_dkms" sh -c \
	'grep -q "^virtio_xe_proxy " /proc/modules && /sbin/modinfo -n virtio_xe_proxy | grep -q /updates/dkms/'
[ -n "$node" ] || { ktap_finish; exit 1; }
ktap_diag "node $node: $(cat "/sys/class/drm/$(basename "$node")/device/uevent" | tr '\n' ' ')"

# errors the driver logs from here on are failures
driver_errors() { dmesg -l err,warn 2>/dev/null | grep -c virtio_xe_proxy; }
errs0=$(driver_errors)

vulkaninfo --summary >/tmp/vk.txt 2>&1
sed 's/^/# vulkaninfo: /' /tmp/vk.txt | grep -E 'deviceName|driverID|driverName|vendorID|deviceID|apiVersion|deviceType|ERROR|error' | head -20
ktap_check "vulkaninfo_lists_anv" grep -q 'driverID *= *DRIVER_ID_INTEL_OPEN_SOURCE_MESA' /tmp/vk.txt
ktap_check "vulkaninfo_intel_vendor" grep -q 'vendorID *= *0x8086' /tmp/vk.txt
did=$(cat "/sys/class/drm/$(basename "$node")/device/device")
ktap_check "vulkaninfo_device_id_$did" grep -q "deviceID *= *$did" /tmp/vk.txt

eglinfo -B -p surfaceless >/tmp/egl.txt 2>&1
sed 's/^/# eglinfo: /' /tmp/egl.txt | grep -iE 'renderer|vendor|version string|error' | head -10
ktap_check "eglinfo_renderer_is_iris" grep -qE '^OpenGL .*renderer: Mesa Intel' /tmp/egl.txt
ktap_check "eglinfo_not_llvmpipe" sh -c '! grep -qi llvmpipe /tmp/egl.txt'

# libva maps the "xe" kernel driver to iHD by itself: no LIBVA_DRIVER_NAME.
vainfo --display drm --device "$node" >/tmp/va.txt 2>&1
sed 's/^/# vainfo: /' /tmp/va.txt | head -40
ktap_check "vainfo_opens_ihd" grep -q 'Driver version: Intel iHD' /tmp/va.txt
ktap_check "vainfo_lists_profiles" grep -q 'VAProfile' /tmp/va.txt

/usr/local/bin/vk_fill 8 >/tmp/vk_fill.txt 2>&1
vrc=$?
grep '^#' /tmp/vk_fill.txt | grep -v '^# totals'
grep -v -E '^#|^ok|^not ok|^KTAP' /tmp/vk_fill.txt | sed 's/^/# vk_fill: /' | head -20
sed -n -e 's/^ok [0-9]* \([a-z_0-9]*\).*/ok \1/p' \
	-e 's/^not ok [0-9]* \([a-z_0-9]*\).*/fail \1/p' /tmp/vk_fill.txt >/tmp/vk_fill.res
while read -r res name; do
	ktap_result "$res" "vk_fill_$name"
done </tmp/vk_fill.res
grep '^not ok' /tmp/vk_fill.txt | sed 's/^/# vk_fill: /'
ktap_check "vk_fill_exit_status" [ $vrc = 0 ]
errs=$(driver_errors)
[ "$errs" = "$errs0" ] || dmesg -l err,warn | grep virtio_xe_proxy | tail -10 | sed 's/^/# dmesg: /'
ktap_check "no_driver_errors_in_dmesg" [ "$errs" = "$errs0" ]

for b in "$@"; do
	t0=$(date +%s)
	timeout -k 10 900 "/usr/libexec/igt-gpu-tools/$b" >"/tmp/igt-$b.log" 2>&1
	rc=$?
	ktap_diag "igt $b exit $rc in $(($(date +%s) - t0))s"
	sed -n "s/^Subtest \([^:]*\): \([A-Z]*\).*/# igt $b \1 \2/p" "/tmp/igt-$b.log"
	# why each subtest failed, for the host's report
	awk -v b="$b" '/^Starting subtest: /{s=$3} /CRITICAL: (Test assertion|Failed assertion|error:|Last errno)/{print "# igt-log " b " " s ": " $0}' \
		"/tmp/igt-$b.log" | grep -v '^# igt-log [^ ]* multigpu-' | head -60
done

# Removing the package runs `dkms remove`: the module leaves /lib/modules.
DEBIAN_FRONTEND=noninteractive apt remove -y virtio-xe-proxy-dkms >/tmp/apt-remove.log 2>&1
rc=$?
[ $rc = 0 ] || sed 's/^/# /' /tmp/apt-remove.log | tail -20
ktap_check "apt_remove_dkms_package" [ $rc = 0 ]
dkms status >/tmp/dkms-status.txt 2>&1
ktap_check "apt_remove_ran_dkms_remove" sh -c \
	"! grep -q virtio-xe-proxy /tmp/dkms-status.txt && ! ls /lib/modules/$abi/updates/dkms/virtio_xe_proxy.ko* >/dev/null 2>&1"
ktap_finish
