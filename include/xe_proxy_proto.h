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

/* The wire is little-endian and so is every supported peer (x86-64, arm64). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtio-xe-proxy's wire protocol needs a little-endian machine"
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
 * @features: XE_PROXY_F_* extensions the host implements; the
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

/*
 * Protocol version and extension features, announced in
 * struct xe_proxy_capset_xe. A guest uses an extension only when its bit is
 * set; with features == 0 (the reference host) only ccmds 1-8 exist.
 */
#define XE_PROXY_PROTOCOL_VERSION	1

#define XE_PROXY_F_VM_BIND_EXT		0x01ULL /* XE_PROXY_CCMD_VM_BIND_EXT */
#define XE_PROXY_F_EXEC_EXT		0x02ULL /* XE_PROXY_CCMD_EXEC_EXT */
#define XE_PROXY_F_EXEC_QUEUE_EXT	0x04ULL /* EXEC_QUEUE_CREATE_EXT, GET_PROPERTY */
#define XE_PROXY_F_QUEUE_STATE		0x08ULL /* ban bitmap in shmem */
#define XE_PROXY_F_GEM_CREATE_EXT	0x10ULL /* VM-private BOs */
#define XE_PROXY_F_MADVISE		0x20ULL /* XE_PROXY_CCMD_MADVISE */
#define XE_PROXY_F_ENGINE_CYCLES	0x40ULL /* XE_PROXY_CCMD_DEVICE_QUERY_EXT */
#define XE_PROXY_F_FENCE_PUT		0x80ULL /* XE_PROXY_CCMD_FENCE_PUT */
#define XE_PROXY_F_EXEC_NO_BATCH	0x100ULL /* XE_PROXY_EXEC_FLAG_NO_BATCH */
#define XE_PROXY_F_USERPTR		0x200ULL /* MAP_USERPTR of guest-memory blobs */
#define XE_PROXY_F_QUEUE_SET_PROPERTY	0x400ULL /* EXEC_QUEUE_SET_PROPERTY */
#define XE_PROXY_F_EXEC_PARALLEL	0x800ULL /* XE_PROXY_EXEC_FLAG_PARALLEL */
#define XE_PROXY_F_VM_QUERY_ATTRS	0x1000ULL /* XE_PROXY_CCMD_VM_QUERY_ATTRS */
#define XE_PROXY_F_VM_GET_PROPERTY	0x2000ULL /* XE_PROXY_CCMD_VM_GET_PROPERTY */
#define XE_PROXY_F_BLOB_SLICE		0x4000ULL /* XE_PROXY_BLOB_SLICE() blob_ids */
#define XE_PROXY_F_ASYNC_EXEC		0x8000ULL /* XE_PROXY_EXEC_FLAG_ASYNC */
#define XE_PROXY_F_SCANOUT		0x10000ULL /* XE_PROXY_CCMD_SCANOUT */
#define XE_PROXY_F_GEM_CREATE_BLOB	0x20000ULL /* XE_PROXY_BLOB_CREATE() blob_ids */

/*
 * XE_PROXY_F_BLOB_SLICE: a RESOURCE_CREATE_BLOB (HOST3D) whose blob_id is
 * XE_PROXY_BLOB_SLICE(@blob_id, @pgoff) creates a resource for @size bytes
 * of the BO @blob_id, starting @pgoff units of XE_PROXY_BLOB_SLICE_UNIT
 * bytes into it, rather than for the BO itself. RESOURCE_MAP_BLOB of it
 * maps only that range, so a guest can map a BO larger than its
 * host-visible window piece by piece. A slice holds the BO until its
 * resource is unreffed, and counts as one BO against XE_PROXY_MAX_BOS (it
 * is one fd on the host) but not against XE_PROXY_MEM_LIMIT.
 */
#define XE_PROXY_BLOB_SLICE_FLAG	0x8000000000000000ULL
#define XE_PROXY_BLOB_SLICE_UNIT	4096ULL
#define XE_PROXY_BLOB_SLICE_PGOFF_MAX	((1ULL << 31) - 1)
#define XE_PROXY_BLOB_SLICE(blob_id, pgoff)				\
	(XE_PROXY_BLOB_SLICE_FLAG | ((__u64)(pgoff) << 32) | (__u32)(blob_id))

/*
 * XE_PROXY_F_GEM_CREATE_BLOB: a RESOURCE_CREATE_BLOB (HOST3D) whose blob_id
 * is XE_PROXY_BLOB_CREATE(@placement, @flags, @cpu_caching, @vm_id) creates
 * a BO of the resource's size with those GEM_CREATE arguments and makes it
 * the resource: GEM_CREATE_EXT and the blob resource of it in one virtio
 * command. The BO has no blob_id (the resource id stands in while it is
 * made, so it must not name a BO of the context then: EEXIST); the resource
 * holds it and its unref frees it, as in virglrenderer's drm contexts, so
 * no GEM_CLOSE follows; XE_PROXY_BLOB_SLICE() names it by the resource
 * id. Virtio's answer carries no errno: the host writes a struct
 * xe_proxy_ccmd_value_rsp (ret, and in value the size the driver made)
 * at the start of the context's response area, the slot of the
 * commands the guest waits for, whether or not it created the resource,
 * once it read the blob_id. The guest fills that slot with ones first
 * (keeping len), so a refusal before the host got that far still shows.
 * Fields: @vm_id in bits 0-31, @placement in 32-47, @flags in 48-53,
 * @cpu_caching in 54-55; bits 56-61 are zero; bit 62 is set and bit 63
 * (XE_PROXY_BLOB_SLICE_FLAG) clear. Arguments that do not fit are sent
 * with GEM_CREATE_EXT as before.
 */
#define XE_PROXY_BLOB_CREATE_FLAG	0x4000000000000000ULL
#define XE_PROXY_BLOB_CREATE_RESERVED	0x3f00000000000000ULL
#define XE_PROXY_BLOB_CREATE_PLACEMENT_MAX	0xffffU
#define XE_PROXY_BLOB_CREATE_FLAGS_MAX	0x3fU
#define XE_PROXY_BLOB_CREATE_CACHING_MAX	0x3U
#define XE_PROXY_BLOB_CREATE(placement, flags, cpu_caching, vm_id)	\
	(XE_PROXY_BLOB_CREATE_FLAG | ((__u64)(cpu_caching) << 54) |	\
	 ((__u64)(flags) << 48) | ((__u64)(placement) << 32) | (__u32)(vm_id))
#define XE_PROXY_BLOB_CREATE_VM_ID(blob_id)	((__u32)(blob_id))
#define XE_PROXY_BLOB_CREATE_PLACEMENT(blob_id)	((__u32)((blob_id) >> 32) & 0xffffU)
#define XE_PROXY_BLOB_CREATE_FLAGS(blob_id)	((__u32)((blob_id) >> 48) & 0x3fU)
#define XE_PROXY_BLOB_CREATE_CACHING(blob_id)	((__u16)((blob_id) >> 54) & 0x3U)

/*
 * ccmd numbers. 1-8 are the public reference's, with its layouts; the rest
 * are extensions, announced by the XE_PROXY_F_* bit XE_PROXY_CCMD_TABLE
 * names. 0 is a no-op.
 */
enum xe_proxy_ccmd {
	XE_PROXY_CCMD_NOP			= 0,
	XE_PROXY_CCMD_DEVICE_QUERY		= 1,
	XE_PROXY_CCMD_GEM_CREATE		= 2,
	XE_PROXY_CCMD_VM_CREATE			= 3,
	XE_PROXY_CCMD_VM_DESTROY		= 4,
	XE_PROXY_CCMD_VM_BIND			= 5,
	XE_PROXY_CCMD_EXEC_QUEUE_CREATE		= 6,
	XE_PROXY_CCMD_EXEC_QUEUE_DESTROY	= 7,
	XE_PROXY_CCMD_EXEC			= 8,
	/* extensions */
	XE_PROXY_CCMD_VM_BIND_EXT		= 32,
	XE_PROXY_CCMD_EXEC_EXT			= 33,
	XE_PROXY_CCMD_EXEC_QUEUE_CREATE_EXT	= 34,
	XE_PROXY_CCMD_EXEC_QUEUE_GET_PROPERTY	= 35,
	XE_PROXY_CCMD_GEM_CREATE_EXT		= 36,
	XE_PROXY_CCMD_MADVISE			= 37,
	XE_PROXY_CCMD_DEVICE_QUERY_EXT		= 38,
	XE_PROXY_CCMD_FENCE_PUT			= 39,
	XE_PROXY_CCMD_GEM_CLOSE			= 40,
	XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY	= 41,
	XE_PROXY_CCMD_VM_QUERY_ATTRS		= 42,
	XE_PROXY_CCMD_VM_GET_PROPERTY		= 43,
	XE_PROXY_CCMD_SCANOUT			= 44,
};

/*
 * Transport (virglrenderer's vdrm convention, src/drm_hw.h): the guest sends
 * a stream of ccmds in one SUBMIT_3D; each starts with struct
 * xe_proxy_ccmd_req and is @len bytes long (a multiple of 8). Commands with a
 * response have it written at @rsp_off in the context's shared-memory blob
 * (blob_id 0), starting with struct xe_proxy_ccmd_rsp. After each command
 * the host stores its @seqno in xe_proxy_shmem.seqno.
 */

/**
 * struct xe_proxy_ccmd_req - header of every guest->host command
 * @cmd: enum xe_proxy_ccmd
 * @len: size of the command including this header, multiple of 8
 * @seqno: guest sequence number, echoed in xe_proxy_shmem.seqno
 * @rsp_off: offset of the response in the shmem response area
 */
struct xe_proxy_ccmd_req {
	__le32 cmd;
	__le32 len;
	__le32 seqno;
	__le32 rsp_off;
};

/**
 * struct xe_proxy_ccmd_rsp - header of every host->guest response
 * @len: size of the response the host wrote
 */
struct xe_proxy_ccmd_rsp {
	__le32 len;
};

/* Ban bitmap in shmem (XE_PROXY_F_QUEUE_STATE): one bit per exec queue id. */
#define XE_PROXY_BAN_BITMAP_BITS	4096

/**
 * struct xe_proxy_shmem - start of the shared-memory blob (blob_id 0)
 * @seqno: seqno of the last command the host processed
 * @rsp_mem_offset: offset of the response area, set by the host
 * @banned_exec_queue_mask: reference layout: bit N set when exec queue N
 *	(N < 64) was banned
 * @ban_bitmap: XE_PROXY_F_QUEUE_STATE: bit N set when exec queue N was
 *	banned, for N < XE_PROXY_BAN_BITMAP_BITS; higher ids are queried with
 *	EXEC_QUEUE_GET_PROPERTY
 * @device_lost: 0, or the errno every call on the context's host device
 *	now fails with: ENODEV once the host GPU was unbound or unplugged,
 *	ECANCELED once xe wedged it. Set once, never cleared: a new context
 *	opens the device anew.
 * @pad: zero
 *
 * The first three fields are the reference's layout; the host sets
 * @rsp_mem_offset past the fields it knows, so a guest tests for a field
 * with offsetof(field) < rsp_mem_offset.
 */
struct xe_proxy_shmem {
	__le32 seqno;
	__le32 rsp_mem_offset;
	__le64 banned_exec_queue_mask;
	__le64 ban_bitmap[XE_PROXY_BAN_BITMAP_BITS / 64];
	__le32 device_lost;
	__le32 pad;
};

/* --- base ccmds 1-8 (reference layouts) --------------------------------- */

/**
 * struct xe_proxy_ccmd_device_query_req - DRM_IOCTL_XE_DEVICE_QUERY
 * @hdr: header
 * @query: DRM_XE_DEVICE_QUERY_*
 * @size: 0 to ask for the size, else the payload size the guest expects
 *
 * Response: struct xe_proxy_ccmd_device_query_rsp followed by @size bytes.
 */
struct xe_proxy_ccmd_device_query_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 query;
	__le32 size;
};

/**
 * struct xe_proxy_ccmd_device_query_rsp - result of a device query
 * @hdr: header
 * @pad: zero
 * @ret: 0 or a positive errno
 * @size: the size the host driver reported
 * @payload: the query data
 */
struct xe_proxy_ccmd_device_query_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 pad;
	__le32 ret;
	__le32 size;
	__u8 payload[];
};

/**
 * struct xe_proxy_ccmd_gem_create_req - DRM_IOCTL_XE_GEM_CREATE
 * @hdr: header
 * @size: BO size
 * @placement: DRM_XE_GEM_CREATE placement mask
 * @flags: DRM_XE_GEM_CREATE_FLAG_*
 * @vm_id: ignored by the base protocol (use GEM_CREATE_EXT)
 * @blob_id: guest-chosen id; a later RESOURCE_CREATE_BLOB with this
 *	blob_id gives the BO a virtio-gpu resource
 * @cpu_caching: DRM_XE_GEM_CPU_CACHING_*
 * @pad: zero
 *
 * No response in the base protocol: an error shows as a failing
 * RESOURCE_CREATE_BLOB.
 */
struct xe_proxy_ccmd_gem_create_req {
	struct xe_proxy_ccmd_req hdr;
	__le64 size;
	__le32 placement;
	__le32 flags;
	__le32 vm_id;
	__le32 blob_id;
	__le16 cpu_caching;
	__le16 pad[3];
};

/**
 * struct xe_proxy_ccmd_vm_create_req - DRM_IOCTL_XE_VM_CREATE
 * @hdr: header
 * @flags: DRM_XE_VM_CREATE_FLAG_*
 * @pad: zero
 */
struct xe_proxy_ccmd_vm_create_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 flags;
	__le32 pad;
};

/**
 * struct xe_proxy_ccmd_vm_create_rsp - result of VM_CREATE
 * @hdr: header
 * @pad: zero
 * @ret: 0 or a positive errno
 * @vm_id: the new VM
 */
struct xe_proxy_ccmd_vm_create_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 pad;
	__le32 ret;
	__le32 vm_id;
};

/**
 * struct xe_proxy_ccmd_vm_destroy_req - DRM_IOCTL_XE_VM_DESTROY (no response)
 * @hdr: header
 * @vm_id: the VM
 * @pad: zero
 */
struct xe_proxy_ccmd_vm_destroy_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 vm_id;
	__le32 pad;
};

/**
 * struct xe_proxy_ccmd_vm_bind_op - one bind operation (base layout)
 * @res_id: virtio-gpu resource of the BO (MAP), 0 for none
 * @pat_index: PAT index
 * @pad: zero
 * @obj_offset: offset in the BO
 * @range: size of the range
 * @addr: GPU virtual address
 * @op: DRM_XE_VM_BIND_OP_* (MAP_USERPTR is refused)
 * @flags: DRM_XE_VM_BIND_FLAG_* (CPU_ADDR_MIRROR is refused)
 */
struct xe_proxy_ccmd_vm_bind_op {
	__le32 res_id;
	__le16 pat_index;
	__le16 pad;
	__le64 obj_offset;
	__le64 range;
	__le64 addr;
	__le32 op;
	__le32 flags;
};

/**
 * struct xe_proxy_ccmd_vm_bind_req - DRM_IOCTL_XE_VM_BIND, synchronous
 * @hdr: header
 * @vm_id: the VM
 * @num_binds: number of struct xe_proxy_ccmd_vm_bind_op that follow
 * @payload: the ops
 *
 * Response: struct xe_proxy_ccmd_vm_bind_rsp once the bind completed.
 */
struct xe_proxy_ccmd_vm_bind_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 vm_id;
	__le32 num_binds;
	__u8 payload[];
};

/**
 * struct xe_proxy_ccmd_vm_bind_rsp - result of a bind
 * @hdr: header
 * @pad: zero
 * @ret: 0 or a positive errno
 * @pad2: zero
 */
struct xe_proxy_ccmd_vm_bind_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 pad;
	__le32 ret;
	__le32 pad2;
};

/**
 * struct xe_proxy_engine_class_instance - struct drm_xe_engine_class_instance
 * @engine_class: DRM_XE_ENGINE_CLASS_*
 * @engine_instance: instance
 * @gt_id: GT
 * @pad: zero
 */
struct xe_proxy_engine_class_instance {
	__le16 engine_class;
	__le16 engine_instance;
	__le16 gt_id;
	__le16 pad;
};

/**
 * struct xe_proxy_ccmd_exec_queue_create_req - DRM_IOCTL_XE_EXEC_QUEUE_CREATE
 * @hdr: header
 * @vm_id: the VM
 * @flags: DRM_XE_EXEC_QUEUE_*
 * @width: submission width
 * @num_placements: placements per width
 * @pad: zero
 * @payload: width * num_placements struct xe_proxy_engine_class_instance
 */
struct xe_proxy_ccmd_exec_queue_create_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 vm_id;
	__le32 flags;
	__le16 width;
	__le16 num_placements;
	__le32 pad;
	__u8 payload[];
};

/**
 * struct xe_proxy_ccmd_exec_queue_create_rsp - result of EXEC_QUEUE_CREATE
 * @hdr: header
 * @pad: zero
 * @ret: 0 or a positive errno
 * @exec_queue_id: the new queue; its work retires on ring exec_queue_id + 1
 *	in the base protocol
 */
struct xe_proxy_ccmd_exec_queue_create_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 pad;
	__le32 ret;
	__le32 exec_queue_id;
};

/**
 * struct xe_proxy_ccmd_exec_queue_destroy_req - EXEC_QUEUE_DESTROY (no response)
 * @hdr: header
 * @exec_queue_id: the queue
 * @pad: zero
 */
struct xe_proxy_ccmd_exec_queue_destroy_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 exec_queue_id;
	__le32 pad;
};

/**
 * struct xe_proxy_ccmd_exec_req - DRM_IOCTL_XE_EXEC
 * @hdr: header
 * @exec_queue_id: the queue
 * @num_batch_buffer: must be 1 (the host never reads a guest address list)
 * @pad: zero
 * @address: GPU address of the batch
 */
struct xe_proxy_ccmd_exec_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 exec_queue_id;
	__le16 num_batch_buffer;
	__le16 pad;
	__le64 address;
};

/**
 * struct xe_proxy_ccmd_exec_rsp - result of EXEC
 * @hdr: header
 * @ret: 0 or a positive errno (ECANCELED: the queue is banned)
 */
struct xe_proxy_ccmd_exec_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 ret;
};

/* --- extensions ------------------------------------------------------------ */

/*
 * Host fences (XE_PROXY_F_VM_BIND_EXT / EXEC_EXT): a submission may signal a
 * host fence named by a guest-chosen nonzero 64-bit id, and later
 * submissions of the same context may wait on it, so dependencies between the
 * guest's own fences never need a guest CPU wait. The host keeps a fence
 * until FENCE_PUT.
 */
#define XE_PROXY_SYNC_HOST_FENCE	0x100	/* type: wait on/signal @fence_id */
#define XE_PROXY_SYNC_USER_FENCE	0x2	/* DRM_XE_SYNC_TYPE_USER_FENCE */

#define XE_PROXY_SYNC_FLAG_SIGNAL	0x1

/**
 * struct xe_proxy_sync - one in- or out-sync of an extended submission
 * @type: XE_PROXY_SYNC_HOST_FENCE or XE_PROXY_SYNC_USER_FENCE
 * @flags: XE_PROXY_SYNC_FLAG_SIGNAL for an out-sync
 * @fence_id: HOST_FENCE: the host fence id
 * @addr: USER_FENCE: GPU address in the VM (exec) or, for binds, offset in
 *	the BO given by @res_id
 * @value: USER_FENCE: value written on completion
 * @res_id: USER_FENCE of a bind: resource holding the fence word
 * @pad: zero
 */
struct xe_proxy_sync {
	__le32 type;
	__le32 flags;
	__le64 fence_id;
	__le64 addr;
	__le64 value;
	__le32 res_id;
	__le32 pad;
};

/**
 * struct xe_proxy_vm_bind_op_ext - one bind operation, all of the uAPI
 * @res_id: resource of the BO for MAP; for MAP_USERPTR a guest-memory blob
 *	resource (VIRTIO_GPU_BLOB_MEM_GUEST) of the same context; 0 otherwise
 * @pat_index: PAT index
 * @pad: zero
 * @obj_offset: offset in the BO or the guest-memory resource
 * @range: size
 * @addr: GPU virtual address
 * @op: DRM_XE_VM_BIND_OP_*; MAP_USERPTR only with XE_PROXY_F_USERPTR, and
 *	then of guest pages the guest pinned in a guest-memory resource,
 *	never of an address: the host binds the resource's pieces, which are
 *	the guest's own RAM as mapped by the VMM
 * @flags: DRM_XE_VM_BIND_FLAG_* except CPU_ADDR_MIRROR
 * @prefetch_mem_region_instance: for PREFETCH
 * @pad2: zero
 */
struct xe_proxy_vm_bind_op_ext {
	__le32 res_id;
	__le16 pat_index;
	__le16 pad;
	__le64 obj_offset;
	__le64 range;
	__le64 addr;
	__le32 op;
	__le32 flags;
	__le32 prefetch_mem_region_instance;
	__le32 pad2;
};

/**
 * struct xe_proxy_ccmd_vm_bind_ext_req - asynchronous DRM_IOCTL_XE_VM_BIND
 * @hdr: header
 * @vm_id: the VM
 * @exec_queue_id: bind queue, 0 for the VM's default
 * @num_binds: ops that follow
 * @num_syncs: struct xe_proxy_sync that follow the ops
 * @ring_idx: ring whose guest fences wait for this bind
 * @flags: XE_PROXY_BIND_FLAG_* (zero on hosts without XE_PROXY_F_ASYNC_EXEC)
 * @payload: ops, then syncs
 *
 * The host never waits for the bind: it answers (struct
 * xe_proxy_ccmd_status_rsp) once the ioctl was accepted and signals the
 * out-syncs when the bind completes.
 */
struct xe_proxy_ccmd_vm_bind_ext_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 vm_id;
	__le32 exec_queue_id;
	__le32 num_binds;
	__le32 num_syncs;
	__le32 ring_idx;
	__le32 flags;
	__u8 payload[];
};

/*
 * XE_PROXY_F_ASYNC_EXEC: the guest does not wait for this bind's answer
 * (see XE_PROXY_EXEC_FLAG_ASYNC): if it fails, the host fences it would
 * have signalled count as signalled.
 */
#define XE_PROXY_BIND_FLAG_ASYNC	0x1

/**
 * struct xe_proxy_ccmd_exec_ext_req - DRM_IOCTL_XE_EXEC with syncs
 * @hdr: header
 * @exec_queue_id: the queue
 * @num_syncs: struct xe_proxy_sync that follow
 * @address: GPU address of the batch (one batch buffer); zero with
 *	XE_PROXY_EXEC_FLAG_NO_BATCH
 * @ring_idx: ring whose guest fences wait for this exec
 * @flags: XE_PROXY_EXEC_FLAG_*; zero means one batch buffer
 * @payload: the syncs, then with XE_PROXY_EXEC_FLAG_PARALLEL the batch
 *	addresses
 *
 * Response: struct xe_proxy_ccmd_exec_rsp.
 */
struct xe_proxy_ccmd_exec_ext_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 exec_queue_id;
	__le32 num_syncs;
	__le64 address;
	__le32 ring_idx;
	__le32 flags;
	__u8 payload[];
};

/*
 * XE_PROXY_F_EXEC_NO_BATCH: an exec with num_batch_buffer == 0. It runs
 * nothing; its out-syncs signal once the queue's earlier work and the
 * in-syncs are done (xe_exec.c). Vulkan drivers use it to wait for a queue
 * to go idle.
 */
#define XE_PROXY_EXEC_FLAG_NO_BATCH	0x1

/*
 * XE_PROXY_F_EXEC_PARALLEL: an exec on a parallel queue (width > 1). The
 * batch addresses, one per engine of the queue, follow the syncs in the
 * payload as __le64 values (the uAPI passes a pointer to such an array; the
 * host never reads guest pointers), and @address is zero.
 */
#define XE_PROXY_EXEC_FLAG_PARALLEL	0x2

/*
 * XE_PROXY_F_ASYNC_EXEC: the guest does not wait for this exec's answer.
 * It sends the exec in the fenced SUBMIT_3D whose ring fence retires it,
 * with its own response slot (hdr.rsp_off), and reads the slot once that
 * fence signalled. An exec that fails on the host then fails the way a
 * job that faulted does: the host bans the queue (the shmem ban bitmap,
 * XE_PROXY_F_QUEUE_STATE) and answers later execs on it with ECANCELED
 * without running them; host fences the exec would have signalled are
 * registered as signalled, so later work waiting for them still runs.
 * The response is output only: the host never reads it back.
 */
#define XE_PROXY_EXEC_FLAG_ASYNC	0x4
#define XE_PROXY_MAX_PARALLEL		16 /* XE_HW_ENGINE_MAX_INSTANCE */

/**
 * struct xe_proxy_exec_queue_property - a set_property extension
 * @property: DRM_XE_EXEC_QUEUE_SET_PROPERTY_*
 * @pad: zero
 * @value: its value
 */
struct xe_proxy_exec_queue_property {
	__le32 property;
	__le32 pad;
	__le64 value;
};

/**
 * struct xe_proxy_ccmd_exec_queue_create_ext_req - create with properties
 * @hdr: header
 * @vm_id: the VM
 * @flags: DRM_XE_EXEC_QUEUE_*
 * @width: submission width
 * @num_placements: placements per width
 * @num_properties: struct xe_proxy_exec_queue_property after the placements
 * @payload: placements, then properties
 *
 * Response: struct xe_proxy_ccmd_exec_queue_create_rsp.
 */
struct xe_proxy_ccmd_exec_queue_create_ext_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 vm_id;
	__le32 flags;
	__le16 width;
	__le16 num_placements;
	__le32 num_properties;
	__u8 payload[];
};

/**
 * struct xe_proxy_ccmd_exec_queue_get_property_req - GET_PROPERTY
 * @hdr: header
 * @exec_queue_id: the queue
 * @property: DRM_XE_EXEC_QUEUE_GET_PROPERTY_*
 */
struct xe_proxy_ccmd_exec_queue_get_property_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 exec_queue_id;
	__le32 property;
};

/**
 * struct xe_proxy_ccmd_exec_queue_set_property_req - EXEC_QUEUE_SET_PROPERTY
 *	of an existing queue (XE_PROXY_F_QUEUE_SET_PROPERTY)
 * @hdr: header
 * @exec_queue_id: the queue
 * @property: DRM_XE_EXEC_QUEUE_SET_PROPERTY_*
 * @value: the value (a plain number for every property the uAPI has)
 *
 * Response: struct xe_proxy_ccmd_status_rsp.
 */
struct xe_proxy_ccmd_exec_queue_set_property_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 exec_queue_id;
	__le32 property;
	__le64 value;
};

/**
 * struct xe_proxy_ccmd_value_rsp - a result with one value
 * @hdr: header
 * @ret: 0 or a positive errno
 * @value: the value
 */
struct xe_proxy_ccmd_value_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 ret;
	__le64 value;
};

/**
 * struct xe_proxy_ccmd_gem_create_ext_req - GEM_CREATE with vm_id
 * @hdr: header
 * @size: BO size
 * @placement: placement mask
 * @flags: DRM_XE_GEM_CREATE_FLAG_*
 * @vm_id: VM for a VM-private BO, or 0
 * @blob_id: as in the base command
 * @cpu_caching: DRM_XE_GEM_CPU_CACHING_*
 * @pad: zero
 *
 * Response: struct xe_proxy_ccmd_value_rsp with the BO's size.
 */
struct xe_proxy_ccmd_gem_create_ext_req {
	struct xe_proxy_ccmd_req hdr;
	__le64 size;
	__le32 placement;
	__le32 flags;
	__le32 vm_id;
	__le32 blob_id;
	__le16 cpu_caching;
	__le16 pad[3];
};

/**
 * struct xe_proxy_ccmd_gem_close_req - drop the host GEM handle of a blob_id
 * @hdr: header
 * @blob_id: the blob_id of GEM_CREATE
 * @pad: zero
 *
 * No response. Resources and bindings keep the BO alive.
 */
struct xe_proxy_ccmd_gem_close_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 blob_id;
	__le32 pad;
};

/**
 * struct xe_proxy_ccmd_madvise_req - DRM_IOCTL_XE_MADVISE
 * @hdr: header
 * @start: start of the range
 * @range: size of the range
 * @vm_id: the VM
 * @type: DRM_XE_MEM_RANGE_ATTR_* (preferred location with a devmem fd is
 *	refused: no fd crosses the wire)
 * @arg0: first union word of the attribute (e.g. atomic val, pat_index)
 * @arg1: second union word
 * @arg2: third union word
 */
struct xe_proxy_ccmd_madvise_req {
	struct xe_proxy_ccmd_req hdr;
	__le64 start;
	__le64 range;
	__le32 vm_id;
	__le32 type;
	__le32 arg0;
	__le32 arg1;
	__le64 arg2;
};

/**
 * struct xe_proxy_ccmd_status_rsp - a result with no value
 * @hdr: header
 * @ret: 0 or a positive errno
 */
struct xe_proxy_ccmd_status_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 ret;
};

/**
 * struct xe_proxy_ccmd_device_query_ext_req - query with input payload
 * @hdr: header
 * @query: DRM_XE_DEVICE_QUERY_*
 * @size: size of the query buffer
 * @in_size: bytes of input that follow (copied into the buffer before the
 *	ioctl, e.g. struct drm_xe_query_engine_cycles with eci and clockid)
 * @pad: zero
 * @payload: the input
 *
 * Response as for DEVICE_QUERY. ENGINE_CYCLES reports cpu_timestamp in the
 * host clock named by the guest's clockid.
 */
struct xe_proxy_ccmd_device_query_ext_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 query;
	__le32 size;
	__le32 in_size;
	__le32 pad;
	__u8 payload[];
};

/**
 * struct xe_proxy_ccmd_fence_put_req - release host fences
 * @hdr: header
 * @count: number of __le64 fence ids that follow
 * @pad: zero
 * @payload: the ids
 */
struct xe_proxy_ccmd_fence_put_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 count;
	__le32 pad;
	__u8 payload[];
};

/**
 * struct xe_proxy_ccmd_vm_query_attrs_req - DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS
 *	(XE_PROXY_F_VM_QUERY_ATTRS)
 * @hdr: header
 * @start: start of the GPU VA range
 * @range: its size
 * @vm_id: the VM
 * @max_ranges: how many ranges the response may carry, at most
 *	XE_PROXY_MAX_MEM_RANGES; 0 asks for the count only
 *
 * The host driver counts the mappings in the range, then fills the first
 * @max_ranges of them. A guest wanting more asks again from the end of the
 * last range it got.
 *
 * Response: struct xe_proxy_ccmd_vm_query_attrs_rsp.
 */
struct xe_proxy_ccmd_vm_query_attrs_req {
	struct xe_proxy_ccmd_req hdr;
	__le64 start;
	__le64 range;
	__le32 vm_id;
	__le32 max_ranges;
};

/**
 * struct xe_proxy_mem_range_attr - one mapping's memory attributes
 * @start: first GPU VA of the mapping
 * @end: end of the mapping (exclusive)
 * @devmem_fd: preferred location: DRM_XE_PREFERRED_LOC_DEFAULT_DEVICE or
 *	_SYSTEM (a host fd never crosses; the host refuses such madvises)
 * @migration_policy: DRM_XE_MIGRATE_*
 * @atomic: DRM_XE_ATOMIC_*
 * @pat_index: PAT index
 */
struct xe_proxy_mem_range_attr {
	__le64 start;
	__le64 end;
	__le32 devmem_fd;
	__le32 migration_policy;
	__le32 atomic;
	__le32 pat_index;
};

/**
 * struct xe_proxy_ccmd_vm_query_attrs_rsp - result of VM_QUERY_ATTRS
 * @hdr: header
 * @ret: 0 or a positive errno
 * @num_ranges: mappings the host driver found in the range
 * @count: ranges that follow (at most the request's max_ranges)
 * @ranges: the first @count of them, by address
 */
struct xe_proxy_ccmd_vm_query_attrs_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 ret;
	__le32 num_ranges;
	__le32 count;
	struct xe_proxy_mem_range_attr ranges[];
};

/**
 * struct xe_proxy_ccmd_vm_get_property_req - DRM_IOCTL_XE_VM_GET_PROPERTY
 *	(XE_PROXY_F_VM_GET_PROPERTY)
 * @hdr: header
 * @vm_id: the VM
 * @property: DRM_XE_VM_GET_PROPERTY_*; the host forwards FAULTS only
 * @size: 0 to ask for the size, else the bytes wanted, at most
 *	XE_PROXY_MAX_VM_PROPERTY_SIZE
 * @pad: zero
 *
 * Response: struct xe_proxy_ccmd_vm_get_property_rsp followed by @size
 * bytes of property data in the uAPI's layout (struct xe_vm_fault).
 */
struct xe_proxy_ccmd_vm_get_property_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 vm_id;
	__le32 property;
	__le32 size;
	__le32 pad;
};

/**
 * struct xe_proxy_ccmd_vm_get_property_rsp - result of VM_GET_PROPERTY
 * @hdr: header
 * @ret: 0 or a positive errno
 * @size: with a request size of 0, the size the host driver reported
 * @pad: zero
 * @payload: the data
 */
struct xe_proxy_ccmd_vm_get_property_rsp {
	struct xe_proxy_ccmd_rsp hdr;
	__le32 ret;
	__le32 size;
	__le32 pad;
	__u8 payload[];
};

/* How the host shows a BO (XE_PROXY_CCMD_SCANOUT's answer). */
#define XE_PROXY_SCANOUT_BLOB	1 /* SET_SCANOUT_BLOB of the BO's resource */
#define XE_PROXY_SCANOUT_COPY	2 /* @res_2d is filled from the BO */

/**
 * struct xe_proxy_ccmd_scanout_req - show a BO on a head
 *	(XE_PROXY_F_SCANOUT)
 * @hdr: header
 * @res_id: the BO's resource, one this context can name (its own BO or
 *	one attached to it)
 * @res_2d: 0 to ask how the BO can be shown; else a 2D resource
 *	(RESOURCE_CREATE_2D outside any context, the framebuffer's size, in
 *	B8G8R8X8, B8G8R8A8, R8G8B8X8 or R8G8B8A8) to fill from it
 * @offset: byte offset of the framebuffer's first pixel in the BO
 * @stride: bytes per line, a multiple of 4
 * @width: width in pixels (4 bytes each)
 * @height: lines
 * @pad: zero
 *
 * The framebuffer must lie in the BO: @offset + @stride * (@height - 1) +
 * @width * 4 <= the BO's size. With @res_2d 0 the answer's value is
 * XE_PROXY_SCANOUT_BLOB when QEMU can scan the BO's resource out as it is
 * (its dma-buf, SET_SCANOUT_BLOB), and the error EOPNOTSUPP when it
 * cannot. Then the guest creates @res_2d of @width x @height and sends
 * the command again: the host links the two (answer
 * XE_PROXY_SCANOUT_COPY) and each TRANSFER_TO_HOST_2D of @res_2d copies
 * the rectangle from the BO rather than from guest memory, until @res_2d
 * or the BO's resource is unreffed, or another link replaces it. A BO
 * the host can show as it is refuses a link (EINVAL): the host does not
 * read a real dma-buf on its own thread.
 *
 * Response: struct xe_proxy_ccmd_value_rsp.
 */
struct xe_proxy_ccmd_scanout_req {
	struct xe_proxy_ccmd_req hdr;
	__le32 res_id;
	__le32 res_2d;
	__le64 offset;
	__le32 stride;
	__le32 width;
	__le32 height;
	__le32 pad;
};

/**
 * struct xe_proxy_ccmd_desc - what XE_PROXY_CCMD_TABLE says of a ccmd
 * @name: its name, for logs and debugfs
 * @req_size: size of its request struct (the fixed part)
 * @rsp_size: size of its response struct, 0 when it has none
 * @feature: the XE_PROXY_F_* bit a host announces it with, 0 for the base
 *	protocol
 * @var_len: the request carries a payload after its fixed part
 *
 * Not on the wire: each side builds its own array from the table.
 */
struct xe_proxy_ccmd_desc {
	const char *name;
	__u32 req_size;
	__u32 rsp_size;
	__u64 feature;
	__u32 var_len;
};

#define XE_PROXY_CCMD_DESC(name_, req, rsp, feat, var)			\
	{								\
		.name = name_,						\
		.req_size = sizeof(struct req),				\
		.rsp_size = rsp,					\
		.feature = feat,					\
		.var_len = var,						\
	}

/*
 * XE_PROXY_CCMD_TABLE - every ccmd, described once: an initialiser for an
 * array of struct xe_proxy_ccmd_desc indexed by enum xe_proxy_ccmd. Where
 * @ret sits in each response is described in docs/protocol.md (byte 8 in
 * the reference's responses, byte 4 in every other).
 */
#define XE_PROXY_CCMD_TABLE						\
	[XE_PROXY_CCMD_NOP] =						\
		XE_PROXY_CCMD_DESC("NOP", xe_proxy_ccmd_req, 0, 0, 1),	\
	[XE_PROXY_CCMD_DEVICE_QUERY] =					\
		XE_PROXY_CCMD_DESC("DEVICE_QUERY", xe_proxy_ccmd_device_query_req, \
				   sizeof(struct xe_proxy_ccmd_device_query_rsp), 0, 0), \
	[XE_PROXY_CCMD_GEM_CREATE] =					\
		XE_PROXY_CCMD_DESC("GEM_CREATE", xe_proxy_ccmd_gem_create_req, 0, 0, 0), \
	[XE_PROXY_CCMD_VM_CREATE] =					\
		XE_PROXY_CCMD_DESC("VM_CREATE", xe_proxy_ccmd_vm_create_req, \
				   sizeof(struct xe_proxy_ccmd_vm_create_rsp), 0, 0), \
	[XE_PROXY_CCMD_VM_DESTROY] =					\
		XE_PROXY_CCMD_DESC("VM_DESTROY", xe_proxy_ccmd_vm_destroy_req, 0, 0, 0), \
	[XE_PROXY_CCMD_VM_BIND] =					\
		XE_PROXY_CCMD_DESC("VM_BIND", xe_proxy_ccmd_vm_bind_req,	\
				   sizeof(struct xe_proxy_ccmd_vm_bind_rsp), 0, 1), \
	[XE_PROXY_CCMD_EXEC_QUEUE_CREATE] =				\
		XE_PROXY_CCMD_DESC("EXEC_QUEUE_CREATE", xe_proxy_ccmd_exec_queue_create_req, \
				   sizeof(struct xe_proxy_ccmd_exec_queue_create_rsp), 0, 1), \
	[XE_PROXY_CCMD_EXEC_QUEUE_DESTROY] =				\
		XE_PROXY_CCMD_DESC("EXEC_QUEUE_DESTROY",		\
				   xe_proxy_ccmd_exec_queue_destroy_req, 0, 0, 0), \
	[XE_PROXY_CCMD_EXEC] =						\
		XE_PROXY_CCMD_DESC("EXEC", xe_proxy_ccmd_exec_req,	\
				   sizeof(struct xe_proxy_ccmd_exec_rsp), 0, 0), \
	[XE_PROXY_CCMD_VM_BIND_EXT] =					\
		XE_PROXY_CCMD_DESC("VM_BIND_EXT", xe_proxy_ccmd_vm_bind_ext_req, \
				   sizeof(struct xe_proxy_ccmd_status_rsp),	\
				   XE_PROXY_F_VM_BIND_EXT, 1),			\
	[XE_PROXY_CCMD_EXEC_EXT] =					\
		XE_PROXY_CCMD_DESC("EXEC_EXT", xe_proxy_ccmd_exec_ext_req, \
				   sizeof(struct xe_proxy_ccmd_exec_rsp),	\
				   XE_PROXY_F_EXEC_EXT, 1),			\
	[XE_PROXY_CCMD_EXEC_QUEUE_CREATE_EXT] =				\
		XE_PROXY_CCMD_DESC("EXEC_QUEUE_CREATE_EXT",		\
				   xe_proxy_ccmd_exec_queue_create_ext_req,	\
				   sizeof(struct xe_proxy_ccmd_exec_queue_create_rsp), \
				   XE_PROXY_F_EXEC_QUEUE_EXT, 1),		\
	[XE_PROXY_CCMD_EXEC_QUEUE_GET_PROPERTY] =			\
		XE_PROXY_CCMD_DESC("EXEC_QUEUE_GET_PROPERTY",		\
				   xe_proxy_ccmd_exec_queue_get_property_req,	\
				   sizeof(struct xe_proxy_ccmd_value_rsp),	\
				   XE_PROXY_F_EXEC_QUEUE_EXT, 0),		\
	[XE_PROXY_CCMD_GEM_CREATE_EXT] =				\
		XE_PROXY_CCMD_DESC("GEM_CREATE_EXT", xe_proxy_ccmd_gem_create_ext_req, \
				   sizeof(struct xe_proxy_ccmd_value_rsp),	\
				   XE_PROXY_F_GEM_CREATE_EXT, 0),		\
	[XE_PROXY_CCMD_MADVISE] =					\
		XE_PROXY_CCMD_DESC("MADVISE", xe_proxy_ccmd_madvise_req,	\
				   sizeof(struct xe_proxy_ccmd_status_rsp),	\
				   XE_PROXY_F_MADVISE, 0),			\
	[XE_PROXY_CCMD_DEVICE_QUERY_EXT] =				\
		XE_PROXY_CCMD_DESC("DEVICE_QUERY_EXT", xe_proxy_ccmd_device_query_ext_req, \
				   sizeof(struct xe_proxy_ccmd_device_query_rsp), \
				   XE_PROXY_F_ENGINE_CYCLES, 1),		\
	[XE_PROXY_CCMD_FENCE_PUT] =					\
		XE_PROXY_CCMD_DESC("FENCE_PUT", xe_proxy_ccmd_fence_put_req, 0, \
				   XE_PROXY_F_FENCE_PUT, 1),			\
	[XE_PROXY_CCMD_GEM_CLOSE] =					\
		XE_PROXY_CCMD_DESC("GEM_CLOSE", xe_proxy_ccmd_gem_close_req, 0, \
				   XE_PROXY_F_GEM_CREATE_EXT, 0),		\
	[XE_PROXY_CCMD_EXEC_QUEUE_SET_PROPERTY] =			\
		XE_PROXY_CCMD_DESC("EXEC_QUEUE_SET_PROPERTY",		\
				   xe_proxy_ccmd_exec_queue_set_property_req,	\
				   sizeof(struct xe_proxy_ccmd_status_rsp),	\
				   XE_PROXY_F_QUEUE_SET_PROPERTY, 0),		\
	[XE_PROXY_CCMD_VM_QUERY_ATTRS] =				\
		XE_PROXY_CCMD_DESC("VM_QUERY_ATTRS", xe_proxy_ccmd_vm_query_attrs_req, \
				   sizeof(struct xe_proxy_ccmd_vm_query_attrs_rsp), \
				   XE_PROXY_F_VM_QUERY_ATTRS, 0),		\
	[XE_PROXY_CCMD_VM_GET_PROPERTY] =				\
		XE_PROXY_CCMD_DESC("VM_GET_PROPERTY", xe_proxy_ccmd_vm_get_property_req, \
				   sizeof(struct xe_proxy_ccmd_vm_get_property_rsp), \
				   XE_PROXY_F_VM_GET_PROPERTY, 0),		\
	[XE_PROXY_CCMD_SCANOUT] =					\
		XE_PROXY_CCMD_DESC("SCANOUT", xe_proxy_ccmd_scanout_req,	\
				   sizeof(struct xe_proxy_ccmd_value_rsp),	\
				   XE_PROXY_F_SCANOUT, 0)

/* Hard limits the host enforces (the guest checks them too). */
#define XE_PROXY_MAX_BINDS		512
#define XE_PROXY_MAX_SYNCS		64
/*
 * Pieces of one guest-memory resource: QEMU's virtio_gpu_create_mapping_iov()
 * takes at most 16384 entries (hw/display/virtio-gpu.c).
 */
#define XE_PROXY_MAX_GUEST_MEM_IOVS	16384
#define XE_PROXY_MAX_PLACEMENTS		64
#define XE_PROXY_MAX_PROPERTIES		16
#define XE_PROXY_MAX_QUERY_SIZE		0x100000u /* 1 MiB */
#define XE_PROXY_MAX_FENCE_PUT		1024
#define XE_PROXY_MAX_MEM_RANGES		256
/* xe keeps 50 faults of 48 bytes per VM (xe_vm.h MAX_FAULTS_SAVED_PER_VM) */
#define XE_PROXY_MAX_VM_PROPERTY_SIZE	4096

/*
 * Every wire struct is a multiple of 8 bytes; none has a member aligned to
 * more than 8, and -Wpadded builds of the host catch implicit padding.
 */
#define XE_PROXY_CHECK_WIRE(t)						\
	XE_PROXY_STATIC_ASSERT(sizeof(struct t) % 8 == 0,		\
			       #t " must be a multiple of 8 bytes")

XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_req);
XE_PROXY_CHECK_WIRE(xe_proxy_shmem);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_device_query_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_device_query_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_gem_create_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_create_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_create_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_destroy_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_bind_op);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_bind_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_bind_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_engine_class_instance);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_queue_create_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_queue_create_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_queue_destroy_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_sync);
XE_PROXY_CHECK_WIRE(xe_proxy_vm_bind_op_ext);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_bind_ext_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_ext_req);
XE_PROXY_CHECK_WIRE(xe_proxy_exec_queue_property);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_queue_create_ext_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_queue_get_property_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_exec_queue_set_property_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_value_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_gem_create_ext_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_gem_close_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_madvise_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_status_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_device_query_ext_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_fence_put_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_query_attrs_req);
XE_PROXY_CHECK_WIRE(xe_proxy_mem_range_attr);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_query_attrs_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_get_property_req);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_vm_get_property_rsp);
XE_PROXY_CHECK_WIRE(xe_proxy_ccmd_scanout_req);

/* Sizes fixed by the reference's layouts (xe_proxy_ccmd_req is 16 bytes). */
XE_PROXY_STATIC_ASSERT(sizeof(struct xe_proxy_ccmd_gem_create_req) == 48,
		       "reference GEM_CREATE layout");
XE_PROXY_STATIC_ASSERT(sizeof(struct xe_proxy_ccmd_vm_bind_op) == 40,
		       "reference VM_BIND op layout");
XE_PROXY_STATIC_ASSERT(sizeof(struct xe_proxy_ccmd_exec_req) == 32,
		       "reference EXEC layout");

#endif /* XE_PROXY_PROTO_H */
