// SPDX-License-Identifier: MIT
/*
 * A device that goes away mid-run, as after a host GPU unbind or a wedged
 * device, and comes back as after a rebind.
 *
 * XE_SIM_LOST_FILE   the devices are lost while this file exists, and come
 *                    back when it is removed (checked at each ioctl and open)
 * XE_SIM_LOST_AFTER  the devices are lost after this many device ioctls,
 *                    for good
 * XE_SIM_LOST_MODE   unplug (default) or wedged
 *
 * What the kernel does, and so the simulator:
 * - unplug: drm_dev_unplug() at unbind; every ioctl of a file of the device
 *   fails in drm_ioctl_kernel() with -ENODEV (drm_ioctl.c,
 *   drm_dev_is_unplugged()), and an open of its minor does too
 *   (drm_drv.c, drm_minor_acquire()).
 * - wedged: xe_device_declare_wedged(); xe_drm_ioctl() (xe_device.c) fails
 *   every ioctl with -ECANCELED before drm_ioctl() runs; opens still work.
 * - In both, the jobs still queued never run: they are cancelled, their
 *   fences signal with -ECANCELED, as for a killed queue (sim_exec.c).
 *   Fds the files handed out (dma-bufs, sync files) stay valid; closing a
 *   file still releases what it held.
 * - Recovery is a rebind: a new drm_device. Files opened before it belong
 *   to the old one and keep failing with -ENODEV; files opened after it
 *   work on a fresh device. Here: a generation per device, bumped at the
 *   rebind (a file of a wedged device keeps -ECANCELED until then).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static const char *lost_file;
static uint64_t lost_after, ioctls;
static bool wedged_mode, configured, enabled;

static void lost_configure(void)
{
	const char *mode = getenv("XE_SIM_LOST_MODE");
	const char *after = getenv("XE_SIM_LOST_AFTER");

	configured = true;
	lost_file = getenv("XE_SIM_LOST_FILE");
	if (lost_file && !*lost_file)
		lost_file = NULL;
	lost_after = after ? strtoull(after, NULL, 0) : 0;
	wedged_mode = mode && !strcmp(mode, "wedged");
	enabled = lost_file || lost_after;
}

/* Whether the devices are lost now; notes a loss or a recovery. */
static void lost_update(struct sim_gpu *gpu, bool counts)
{
	bool now;

	if (!configured)
		lost_configure();
	if (!enabled)
		return;
	if (counts)
		ioctls++;
	now = (lost_after && ioctls > lost_after) ||
	      (lost_file && !access(lost_file, F_OK));
	if (now && !gpu->lost) {
		gpu->lost = true;
		if (sim.debug)
			sim_log_err(0, __func__, "device %u lost (%s)", gpu->index,
				    wedged_mode ? "wedged" : "unplugged");
		sim_exec_cancel_gpu(gpu);
	} else if (!now && gpu->lost) {
		/* rebound: a new device; old files stay on the old one */
		gpu->lost = false;
		gpu->generation++;
	}
}

/**
 * sim_lost_ioctl() - whether an ioctl of @f fails for a lost device
 * @f: the file
 *
 * Called with sim.lock held, before the ioctl runs.
 *
 * Return: 0, -ENODEV (unplugged, or a file of a device since rebound) or
 * -ECANCELED (wedged).
 */
int sim_lost_ioctl(struct sim_file *f)
{
	lost_update(f->gpu, true);
	if (!enabled)
		return 0;
	if (f->gpu->lost && wedged_mode && f->generation == f->gpu->generation)
		return -ECANCELED;
	if (f->gpu->lost || f->generation != f->gpu->generation)
		return -ENODEV;
	return 0;
}

/**
 * sim_lost_open() - whether an open of @gpu's minor fails
 * @gpu: the device
 *
 * Called with sim.lock held.
 *
 * Return: 0 or -ENODEV (unplugged).
 */
int sim_lost_open(struct sim_gpu *gpu)
{
	lost_update(gpu, false);
	return gpu->lost && !wedged_mode ? -ENODEV : 0;
}
