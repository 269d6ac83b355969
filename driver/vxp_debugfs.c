// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: debugfs.
 *
 * round_trips counts the commands the guest sent to the host, by virtio
 * command type and by ccmd: each is an exit to the VMM, the cost a guest
 * ioctl pays beyond its own work. tests/bench divides them by ioctl counts.
 *
 * copies counts the bytes the host copies to show what the guest drew: the
 * TRANSFER_TO_HOST_2D rectangles of dumb buffers, cursors and xe BOs shown
 * through a 2D resource. The driver copies no pixels itself.
 */
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "vxp_debugfs.h"
#include "vxp_drm.h"
#include "vxp_drv.h"
#include "vxp_hostmem.h"

static const char *const vxp_vq_names[VXP_VQ_TRIP_SLOTS] = {
	[0x01] = "RESOURCE_CREATE_2D", [0x02] = "RESOURCE_UNREF",
	[0x03] = "SET_SCANOUT", [0x04] = "RESOURCE_FLUSH",
	[0x05] = "TRANSFER_TO_HOST_2D", [0x06] = "RESOURCE_ATTACH_BACKING",
	[0x07] = "RESOURCE_DETACH_BACKING", [0x08] = "GET_CAPSET_INFO",
	[0x09] = "GET_CAPSET", [0x0a] = "GET_EDID",
	[0x0b] = "RESOURCE_ASSIGN_UUID", [0x0c] = "RESOURCE_CREATE_BLOB",
	[0x0d] = "SET_SCANOUT_BLOB",
	[0x10] = "CTX_CREATE", [0x11] = "CTX_DESTROY",
	[0x12] = "CTX_ATTACH_RESOURCE", [0x13] = "CTX_DETACH_RESOURCE",
	[0x14] = "RESOURCE_CREATE_3D", [0x15] = "TRANSFER_TO_HOST_3D",
	[0x16] = "TRANSFER_FROM_HOST_3D", [0x17] = "SUBMIT_3D",
	[0x18] = "RESOURCE_MAP_BLOB", [0x19] = "RESOURCE_UNMAP_BLOB",
};

/* Names from the protocol's one ccmd table. */
static const struct xe_proxy_ccmd_desc vxp_ccmds[] = {
	XE_PROXY_CCMD_TABLE
};

static int vxp_round_trips_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vxp_device *vxp = to_vxp(entry->dev);
	int i;

	for (i = 0; i < VXP_VQ_TRIP_SLOTS; i++)
		if (vxp_vq_names[i])
			seq_printf(m, "virtio %s %lld\n", vxp_vq_names[i],
				   (long long)atomic64_read(&vxp->vq_trips[i]));
	static_assert(ARRAY_SIZE(vxp_ccmds) <= VXP_CCMD_SLOTS);
	for (i = 0; i < ARRAY_SIZE(vxp_ccmds); i++)
		if (vxp_ccmds[i].name)
			seq_printf(m, "ccmd %s %lld\n", vxp_ccmds[i].name,
				   (long long)atomic64_read(&vxp->ccmd_trips[i]));
	return 0;
}

static int vxp_copies_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vxp_device *vxp = to_vxp(entry->dev);

	seq_printf(m, "host_copy_bytes %lld\n",
		   (long long)atomic64_read(&vxp->copy_bytes));
	return 0;
}

static int vxp_hostmem_debugfs_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;

	vxp_hostmem_show(to_vxp(entry->dev), m);
	return 0;
}

/**
 * vxp_debugfs_init() - register the debugfs files (before drm_dev_register)
 * @vxp: the device
 */
void vxp_debugfs_init(struct vxp_device *vxp)
{
	drm_debugfs_add_file(vxp->drm, "round_trips", vxp_round_trips_show, NULL);
	drm_debugfs_add_file(vxp->drm, "hostmem", vxp_hostmem_debugfs_show, NULL);
	drm_debugfs_add_file(vxp->drm, "copies", vxp_copies_show, NULL);
}
