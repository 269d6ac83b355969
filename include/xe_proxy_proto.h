/* SPDX-License-Identifier: MIT */
/*
 * virtio-xe-proxy wire protocol, shared by the guest module (driver/) and the
 * host library (host/).
 *
 * Rules: every struct is little-endian, 8-byte aligned and padded explicitly;
 * no host pointer ever crosses the wire.
 *
 * The capset layout follows virglrenderer's struct virgl_renderer_capset_drm
 * (src/drm_hw.h) with the XE union member of the public reference
 * implementation (cmspam/xe-native-context-enablement, virglrenderer patch),
 * so either side interoperates with that reference.
 */
#ifndef XE_PROXY_PROTO_H
#define XE_PROXY_PROTO_H

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/types.h>
#define XE_PROXY_STATIC_ASSERT(e, msg) static_assert(e, msg)
#else
#include <assert.h>
#include <linux/types.h>
#define XE_PROXY_STATIC_ASSERT(e, msg) static_assert(e, msg)
#endif

/* VIRTIO_GPU_CAPSET_DRM in include/uapi/linux/virtio_gpu.h */
#define XE_PROXY_CAPSET_DRM		6

/* virglrenderer src/drm_hw.h context types; XE is the reference's value. */
#define XE_PROXY_DRM_CONTEXT_MSM	1
#define XE_PROXY_DRM_CONTEXT_AMDGPU	2
#define XE_PROXY_DRM_CONTEXT_I915	3
#define XE_PROXY_DRM_CONTEXT_ASAHI	4
#define XE_PROXY_DRM_CONTEXT_PANFROST	5
#define XE_PROXY_DRM_CONTEXT_XE		6

/**
 * struct xe_proxy_capset_xe - XE member of the DRM capset union
 * @pci_bus: host PCI bus of the GPU
 * @pci_dev: host PCI device (slot) number
 * @pci_func: host PCI function number
 * @pci_revision_id: PCI revision of the host GPU
 * @pci_domain: host PCI domain
 * @pci_device_id: PCI device id of the host GPU (vendor is always 0x8086)
 * @features: XE_PROXY_FEATURE_* extensions the host implements; the
 *	reference host leaves this zero, which means "base ccmds 1-8 only"
 * @protocol_version: XE_PROXY_PROTOCOL_VERSION of the host, 0 on the
 *	reference host
 * @pad: reserved, zero
 *
 * The first six fields are the reference's layout.
 */
struct xe_proxy_capset_xe {
	__le32 pci_bus;
	__le32 pci_dev;
	__le32 pci_func;
	__le32 pci_revision_id;
	__le32 pci_domain;
	__le32 pci_device_id;
	__le64 features;
	__le32 protocol_version;
	__le32 pad;
};

/**
 * struct xe_proxy_capset_drm - payload of capset XE_PROXY_CAPSET_DRM
 * @wire_format_version: version of the base ccmd wire format (1)
 * @version_major: DRM driver version of the host device (major)
 * @version_minor: DRM driver version of the host device (minor)
 * @version_patchlevel: DRM driver version of the host device (patchlevel)
 * @context_type: XE_PROXY_DRM_CONTEXT_*; this driver serves only XE
 * @pad: reserved, zero
 * @u: per-context-type data
 * @u.xe: the XE member
 *
 * virglrenderer's union is larger (its msm and amdgpu members set the size,
 * which depends on its build options), so a peer must accept any capset of
 * at least XE_PROXY_CAPSET_MIN_SIZE bytes and read fields past the end of
 * what the host sent as zero.
 */
struct xe_proxy_capset_drm {
	__le32 wire_format_version;
	__le32 version_major;
	__le32 version_minor;
	__le32 version_patchlevel;
	__le32 context_type;
	__le32 pad;
	union {
		struct xe_proxy_capset_xe xe;
	} u;
};

/* Up to and including pci_device_id: what the reference host fills in. */
#define XE_PROXY_CAPSET_MIN_SIZE	48

XE_PROXY_STATIC_ASSERT(sizeof(struct xe_proxy_capset_xe) == 40,
		       "XE capset member layout");
XE_PROXY_STATIC_ASSERT(sizeof(struct xe_proxy_capset_drm) == 64,
		       "DRM capset layout");

#endif /* XE_PROXY_PROTO_H */
