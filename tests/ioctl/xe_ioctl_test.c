// SPDX-License-Identifier: MIT
/*
 * The xe ioctl suite: kselftest-style cases of the xe uAPI, printed as KTAP.
 *
 * The same binary runs host-direct against the simulated xe driver and in a
 * guest through virtio_xe_proxy; `make vm-test` diffs the two result lists.
 * Every case checks good and bad input against the errnos of
 * drivers/gpu/drm/xe, on a fixture of its own (xe_ioctl.h): a fresh file on
 * the render node, and for most a VM, a queue and a bound BO. Diagnostics
 * (lines starting with '#') may differ between the runs; results may not.
 *
 * The cases live in tests/ioctl/xe_ioctl_*.c, one file per object:
 * xe_ioctl_device.c (version, caps, queries), xe_ioctl_gem.c (BOs, PRIME),
 * xe_ioctl_vm.c (VMs, exec queues, binds, memory attributes, faults,
 * userptr), xe_ioctl_exec.c (exec, syncs, user fences, bans, parallel
 * queues), xe_ioctl_file.c (what one file, process or user may see or do).
 *
 *   xe_ioctl_test [--device /dev/dri/renderD128] [--list] [CASE|GLOB...]
 */
#include <string.h>

#include "xe_ioctl.h"

int main(int argc, char **argv)
{
	int i, n = 1;

	kt_program_options =
		"  --device NODE  the xe render node (default /dev/dri/renderD128)\n";
	/* --device is ours; everything else is the harness's */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--device") && i + 1 < argc)
			xe_node = argv[++i];
		else if (!strncmp(argv[i], "--device=", 9))
			xe_node = argv[i] + 9;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return kt_main(n, argv);
}
