# SPDX-License-Identifier: GPL-2.0-only
#
# virtio-xe-proxy top-level Makefile.
#
#   make                 build virtio_xe_proxy.ko (KDIR=<kernel build dir>, or
#                        the cached sid guest kernel when this machine has none)
#   make modules-all     build the module for both cached guest kernels
#   make demo            boot a guest with the module and show what it does
#   make check           run every test; ends with "N passed, N failed, N skipped"
#   make check-quick     the tests that need no guest (build, checkpatch,
#                        packages, simulator, host library), in a few minutes
#   make check-full      make check with the whole IGT matrix (every binary of
#                        tests/sim/igt-run on every simulated device)
#   make sim             build the simulated xe driver (build/sim/libxe_sim.so)
#   make sim-igt         run IGT's xe tests against the simulator, host-direct,
#                        every binary on every simulated device
#   make host            build the drop-in build/host/libvirglrenderer.so.1
#                        (make -C host install [PREFIX=] [DESTDIR=] installs it,
#                        the qemu-xe-proxy wrapper and a libvirt snippet)
#   make vm-test         the xe ioctl suite host-direct vs. in a guest, diffed
#   make bench           exec throughput, latency, trips: virtio_xe_proxy vs. stock virtio_gpu
#   make guest-userspace stock Mesa (ANV, iris), iHD and IGT in a guest root,
#                        through our driver; IGT diffed against host-direct
#   make workloads       real applications (GL, Vulkan, VA-API, OpenCL, Level
#                        Zero) host-direct and in a guest, ioctl traces diffed
#   make hw-check        on a host with an Intel Xe GPU: the IGT list host-direct
#                        on the real driver and through a guest, diffed
#                        (exit 2 without one; README.md "Hardware check")
#   make fuzz-host       stateful libFuzzer (ASan+UBSan) over the host ABI, FUZZ_SECONDS=N
#   make fuzz-guest      the guest ioctl fuzzer on the debug kernel (KASAN,
#                        lockdep, kmemleak) with failslab, FUZZ_MINUTES=N,
#                        FUZZ_SEED=N to replay
#   make deb             Debian packages in build/deb/, built in the test root
#                        and lintian-checked: virtio-xe-proxy-dkms (guest) and
#                        virtio-xe-proxy-host (library, qemu-xe-proxy)
#   make setup           build/refresh the cached test root (tests/env/setup)
#   make clean
#
# The kernel build itself is driven by ./Kbuild.

KDIR ?= /lib/modules/$(shell uname -r)/build
TOP := $(CURDIR)
# The recipes source tests/env/common.sh, which is bash.
SHELL := /bin/bash

.PHONY: all module modules-all setup demo check check-quick check-full clean sim sim-igt fuzz-host fuzz-guest host shim-test vm-test bench guest-userspace workloads hw-check display-test deb

all: module

module:
	@if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C "$(KDIR)" M="$(TOP)" modules; \
	else \
		echo "make: no kernel build dir at $(KDIR); building for the cached sid guest kernel"; \
		tests/env/setup >/dev/null && tests/env/kbuild sid && \
		echo "module: build/sid/virtio_xe_proxy.ko"; \
	fi

modules-all: setup
	tests/env/kbuild sid
	tests/env/kbuild trixie

setup:
	tests/env/setup

# Everything under tests/ and host/ builds inside the test root, against its
# headers and libraries, never against this machine's.
sim: setup
	. tests/env/common.sh && xe_in_root $(MAKE) -C "$(TOP)/tests/sim"

sim-igt: sim
	tests/sim/igt-run

host: setup
	. tests/env/common.sh && xe_in_root $(MAKE) -C "$(TOP)/host"

shim-test: sim
	tests/shim/run

vm-test: sim host modules-all
	tests/ioctl/run

display-test: sim host modules-all
	tests/display/run

guest-userspace: sim host
	tests/userspace/run

workloads: sim host
	tests/env/kbuild sid
	tests/workloads/run

# Not applicable (exit 2) without an Xe GPU; builds what it needs itself.
hw-check:
	tests/hw/check

BENCH_ITERATIONS ?= 200
bench: sim host modules-all
	tests/bench/run sid $(BENCH_ITERATIONS)

FUZZ_SECONDS ?= 600
fuzz-host: sim
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run

FUZZ_MINUTES ?= 10
fuzz-guest: setup
	tests/fuzz-guest/run $$(($(FUZZ_MINUTES) * 60))

demo: setup
	tests/demo/run

# Built from debian/ with dpkg-buildpackage inside the test root.
deb: setup
	tests/env/deb

check:
	tests/check

check-quick:
	CHECK_QUICK=1 tests/check

check-full:
	CHECK_FULL=1 tests/check

clean:
	rm -rf build
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C "$(KDIR)" M="$(TOP)" clean; fi
