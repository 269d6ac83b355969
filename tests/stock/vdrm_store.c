// SPDX-License-Identifier: MIT
/*
 * Guest user-space program that speaks the virtio-xe-proxy protocol over
 * the stock virtio_gpu driver's ioctls, the way the public reference's
 * patched Mesa does (CONTEXT_INIT on the DRM capset, RESOURCE_CREATE_BLOB,
 * EXECBUFFER with ring fences): it creates a VM and a BO, binds it, runs a
 * batch that stores a dword and reads the dword back through the mapped BO.
 *
 * Prints KTAP. Built statically (no libdrm needed) by tests/Makefile.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ktap.h"
#include "vdrm.h"

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/dri/renderD128";
	struct xe_proxy_capset_drm cap = { 0 };
	struct drm_virtgpu_get_caps gc = {
		.cap_set_id = XE_PROXY_CAPSET_DRM,
		.addr = (uintptr_t)&cap,
		.size = sizeof(cap),
	};
	struct drm_virtgpu_context_set_param params[] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, XE_PROXY_CAPSET_DRM },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, NUM_RINGS },
	};
	struct drm_virtgpu_context_init ci = {
		.num_params = 2,
		.ctx_set_params = (uintptr_t)params,
	};
	uint64_t regions[256];
	uint32_t shmem_res, bo_res, placement = 0, vm, queue, ring, i;
	uint32_t *bo;
	bool ok;

	ktap_header(9);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", node, strerror(errno));
		return 1;
	}

	ok = ioctl_retry(DRM_IOCTL_VIRTGPU_GET_CAPS, &gc) == 0;
	ktap_diag("capset 6: wire %u drm %u.%u context_type %u pci 8086:%04x rev %u at %04x:%02x:%02x.%u protocol %u features 0x%llx",
		  cap.wire_format_version, cap.version_major, cap.version_minor,
		  cap.context_type, cap.u.xe.pci_device_id,
		  cap.u.xe.pci_revision_id, cap.u.xe.pci_domain,
		  cap.u.xe.pci_bus, cap.u.xe.pci_dev, cap.u.xe.pci_func,
		  cap.u.xe.protocol_version,
		  (unsigned long long)cap.u.xe.features);
	ktap_test(ok && cap.context_type == XE_PROXY_DRM_CONTEXT_XE,
		  "capset_drm_context_type_is_xe");

	ok = ioctl_retry(DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &ci) == 0;
	shmem = ok ? blob_map(0, SHMEM_SIZE, &shmem_res) : NULL;
	if (!ktap_test(shmem != NULL, "context_init_and_shmem")) {
		printf("Bail out! no context: %s\n", strerror(errno));
		return ktap_finish();
	}

	ok = query(DRM_XE_DEVICE_QUERY_MEM_REGIONS, regions, sizeof(regions)) > 0;
	if (ok) {
		struct drm_xe_query_mem_regions *mr = (void *)regions;

		for (i = 0; i < mr->num_mem_regions; i++)
			if (mr->mem_regions[i].mem_class ==
			    DRM_XE_MEM_REGION_CLASS_SYSMEM)
				placement |= 1u << mr->mem_regions[i].instance;
	}
	ktap_test(ok && placement, "query_mem_regions");

	ccmd_gem_create_ext(&s, BO_SIZE, placement, 0, 0, 1,
			    DRM_XE_GEM_CPU_CACHING_WB, 0);
	ok = submit_wait(0) == 0 &&
	     !((struct xe_proxy_ccmd_value_rsp *)rsp(0))->ret;
	bo = ok ? blob_map(1, BO_SIZE, &bo_res) : NULL;
	ktap_test(bo != NULL, "gem_create_and_map_bo");
	if (!bo)
		return ktap_finish();
	memset(bo, 0, BO_SIZE);

	ccmd_vm_create(&s, 0, 0);
	ok = submit_wait(0) == 0;
	vm = ((struct xe_proxy_ccmd_vm_create_rsp *)rsp(0))->vm_id;
	ktap_test(ok && vm && !((struct xe_proxy_ccmd_vm_create_rsp *)rsp(0))->ret,
		  "vm_create");

	ccmd_exec_queue_create(&s, vm, DRM_XE_ENGINE_CLASS_RENDER, 0, 0);
	ok = submit_wait(0) == 0;
	queue = ((struct xe_proxy_ccmd_exec_queue_create_rsp *)rsp(0))->exec_queue_id;
	ktap_test(ok && queue, "exec_queue_create");

	ccmd_vm_bind(&s, vm, DRM_XE_VM_BIND_OP_MAP, 0, bo_res, 0, 0x100000,
		     BO_SIZE, 0);
	ok = submit_wait(0) == 0 &&
	     !((struct xe_proxy_ccmd_vm_bind_rsp *)rsp(0))->ret;
	ktap_test(ok, "vm_bind");

	/* Batch at the start of the BO, target dword at +0x800. */
	test_store_dword_batch(bo, 0x100000 + 0x800, 0xc0ffee);
	ring = queue < NUM_RINGS - 1 ? queue + 1 : 1 + queue % (NUM_RINGS - 1);
	ccmd_exec(&s, queue, 0x100000, 0);
	ok = submit_wait(ring) == 0 &&
	     !((struct xe_proxy_ccmd_exec_rsp *)rsp(0))->ret;
	ktap_test(ok, "exec_and_ring_fence");

	ktap_diag("dword written by the GPU, read in the guest: 0x%x",
		  bo[0x800 / 4]);
	ktap_test(bo[0x800 / 4] == 0xc0ffee, "store_dword_read_back");
	return ktap_finish();
}
