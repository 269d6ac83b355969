// SPDX-License-Identifier: MIT
/*
 * `make demo`, guest side: what a user-space driver sees on the xe node
 * that virtio_xe_proxy registers, and one store-dword batch run on the
 * host's GPU and read back through a mapped BO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#include "xe_ccmd.h"	/* test_store_dword_batch() */

static int fd;

static void *query(uint32_t type)
{
	struct drm_xe_device_query q = { .query = type };
	void *buf;

	if (ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q) || !(buf = calloc(1, q.size)))
		return NULL;
	q.data = (uintptr_t)buf;
	if (ioctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &q)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static const char *class_name(uint16_t c)
{
	static const char *const n[] = { "render", "copy", "video-decode",
					 "video-enhance", "compute", "vm-bind" };

	return c < 6 ? n[c] : "?";
}

int main(int argc, char **argv)
{
	char name[16] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	struct drm_xe_gem_create gc = { .size = 65536, .placement = 1,
					.cpu_caching = DRM_XE_GEM_CPU_CACHING_WB };
	struct drm_xe_engine_class_instance eci = { .engine_class = DRM_XE_ENGINE_CLASS_RENDER };
	struct drm_xe_exec_queue_create qc = { .width = 1, .num_placements = 1,
					       .instances = (uintptr_t)&eci };
	struct drm_syncobj_create sc = { 0 };
	struct drm_xe_vm_create vc = { 0 };
	struct drm_xe_gem_mmap_offset mo = { 0 };
	struct drm_xe_query_config *cfg;
	struct drm_xe_query_engines *eng;
	struct drm_xe_query_mem_regions *mr;
	uint32_t *map, i;

	fd = open(argc > 1 ? argv[1] : "/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, DRM_IOCTL_VERSION, &v)) {
		perror("xe_demo: open");
		return 1;
	}
	cfg = query(DRM_XE_DEVICE_QUERY_CONFIG);
	eng = query(DRM_XE_DEVICE_QUERY_ENGINES);
	mr = query(DRM_XE_DEVICE_QUERY_MEM_REGIONS);
	if (!cfg || !eng || !mr)
		return 1;
	printf("DRM driver \"%s\" %d.%d, device 8086:%04llx rev %llu, %llu-bit VA\n",
	       name, v.version_major, v.version_minor,
	       cfg->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] & 0xffff,
	       (cfg->info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] >> 16) & 0xff,
	       (unsigned long long)cfg->info[DRM_XE_QUERY_CONFIG_VA_BITS]);
	printf("engines:");
	for (i = 0; i < eng->num_engines; i++)
		printf(" %s%u(gt%u)", class_name(eng->engines[i].instance.engine_class),
		       eng->engines[i].instance.engine_instance,
		       eng->engines[i].instance.gt_id);
	printf("\nmemory: %u region(s), system memory %llu MiB\n",
	       mr->num_mem_regions,
	       (unsigned long long)(mr->mem_regions[0].total_size >> 20));

	if (ioctl(fd, DRM_IOCTL_XE_VM_CREATE, &vc) || ioctl(fd, DRM_IOCTL_XE_GEM_CREATE, &gc))
		return 1;
	qc.vm_id = vc.vm_id;
	mo.handle = gc.handle;
	if (ioctl(fd, DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc) ||
	    ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc) ||
	    ioctl(fd, DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo))
		return 1;
	map = mmap(NULL, gc.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	if (map == MAP_FAILED)
		return 1;
	{
		struct drm_xe_sync s = { .type = DRM_XE_SYNC_TYPE_SYNCOBJ,
					 .flags = DRM_XE_SYNC_FLAG_SIGNAL, .handle = sc.handle };
		struct drm_xe_vm_bind b = { .vm_id = vc.vm_id, .num_binds = 1,
			.bind = { .obj = gc.handle, .range = gc.size, .addr = 0x100000,
				  .op = DRM_XE_VM_BIND_OP_MAP, .pat_index = CCMD_PAT_WB },
			.num_syncs = 1, .syncs = (uintptr_t)&s };
		struct drm_xe_exec e = { .exec_queue_id = qc.exec_queue_id,
			.num_batch_buffer = 1, .address = 0x100000,
			.num_syncs = 1, .syncs = (uintptr_t)&s };
		struct drm_syncobj_wait w = { .handles = (uintptr_t)&sc.handle,
			.count_handles = 1, .timeout_nsec = INT64_MAX };

		test_store_dword_batch(map, 0x100000 + 0x800, 0xc0ffee);
		if (ioctl(fd, DRM_IOCTL_XE_VM_BIND, &b) || ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w) ||
		    ioctl(fd, DRM_IOCTL_XE_EXEC, &e) || ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w)) {
			perror("xe_demo: bind/exec");
			return 1;
		}
	}
	printf("store-dword batch on render0: the GPU wrote 0x%x, read back in the guest\n",
	       map[0x800 / 4]);
	return map[0x800 / 4] == 0xc0ffee ? 0 : 1;
}
