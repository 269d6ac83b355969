#!/bin/sh
# SPDX-License-Identifier: MIT
# `make guest-userspace`, guest side, in the Debian sid guest root: install
# the module with DKMS from the repo's dkms.conf, let the softdep bind it,
# then run stock Mesa (ANV, iris), intel-media-driver and IGT on the node.
. /lib/ktap.sh
abi=$(uname -r)
echo "KTAP version 1"

t0=$(date +%s)
dkms add -m virtio-xe-proxy -v 0.1.0 >/tmp/dkms.log 2>&1
dkms install -m virtio-xe-proxy -v 0.1.0 -k "$abi" >>/tmp/dkms.log 2>&1
rc=$?
ktap_diag "dkms install took $(($(date +%s) - t0))s"
[ $rc = 0 ] || sed 's/^/# /' /tmp/dkms.log | tail -20
ktap_check "dkms_install" [ $rc = 0 ]
ktap_check "dkms_installed_softdep" test -f /etc/modprobe.d/virtio_xe_proxy.conf

modprobe virtio_gpu
node=""
for r in /sys/class/drm/renderD*; do
	[ "$(cat "$r/device/vendor" 2>/dev/null)" = 0x8086 ] && node=/dev/dri/$(basename "$r")
done
ktap_check "softdep_binds_virtio_xe_proxy" [ -n "$node" ]
[ -n "$node" ] || { ktap_finish; exit 1; }

vulkaninfo --summary >/tmp/vk.txt 2>&1
sed 's/^/# vulkaninfo: /' /tmp/vk.txt | grep -E 'deviceName|driverID|driverName|vendorID|deviceID|apiVersion|deviceType|ERROR|error' | head -20
ktap_check "vulkaninfo_lists_anv" grep -q 'DRIVER_ID_INTEL_OPEN_SOURCE_MESA' /tmp/vk.txt

eglinfo -B -p surfaceless >/tmp/egl.txt 2>&1
sed 's/^/# eglinfo: /' /tmp/egl.txt | grep -iE 'renderer|vendor|version string|error' | head -10
ktap_check "eglinfo_renderer_is_iris" grep -qiE 'OpenGL.*renderer.*(Intel|iris)' /tmp/egl.txt

LIBVA_DRIVER_NAME=iHD vainfo --display drm --device "$node" >/tmp/va.txt 2>&1
sed 's/^/# vainfo: /' /tmp/va.txt | head -25
ktap_check "vainfo_ihd_profiles" grep -q 'VAProfile' /tmp/va.txt
ktap_finish
