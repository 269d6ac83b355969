// SPDX-License-Identifier: MIT
/*
 * Level Zero for `make workloads`: discover the GPU driver and device
 * through libze_loader and libze-intel-gpu, then submit one command list
 * (a memory fill and a copy back to host memory) on an asynchronous
 * queue and synchronize. The simulated device runs no compute or copy
 * kernels the runtime may use for the fill, so the copied bytes are
 * printed, not checked; every call must succeed.
 */
#include <level_zero/ze_api.h>
#include <stdio.h>
#include <string.h>

#define SIZE 65536

#define CHECK(what, r) do { \
		ze_result_t r_ = (r); \
		if (r_ != ZE_RESULT_SUCCESS) { \
			fprintf(stderr, "ze_run: %s: %#x\n", (what), (unsigned int)r_); \
			return 1; \
		} \
	} while (0)

int main(void)
{
	ze_driver_handle_t drv;
	ze_device_handle_t dev;
	ze_context_handle_t ctx;
	ze_command_queue_handle_t q;
	ze_command_list_handle_t cl;
	ze_device_properties_t props = { .stype = ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES };
	ze_context_desc_t cdesc = { .stype = ZE_STRUCTURE_TYPE_CONTEXT_DESC };
	ze_command_queue_desc_t qdesc = { .stype = ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC,
		.mode = ZE_COMMAND_QUEUE_MODE_ASYNCHRONOUS };
	ze_command_list_desc_t ldesc = { .stype = ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC };
	ze_device_mem_alloc_desc_t ddesc = { .stype = ZE_STRUCTURE_TYPE_DEVICE_MEM_ALLOC_DESC };
	ze_host_mem_alloc_desc_t hdesc = { .stype = ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC };
	uint32_t n = 1, pattern = 0x5a5a5a5a;
	void *dmem, *hmem;

	CHECK("zeInit", zeInit(ZE_INIT_FLAG_GPU_ONLY));
	CHECK("zeDriverGet", zeDriverGet(&n, &drv));
	n = 1;
	CHECK("zeDeviceGet", zeDeviceGet(drv, &n, &dev));
	CHECK("zeDeviceGetProperties", zeDeviceGetProperties(dev, &props));
	printf("device: %s (vendor %#x device %#x)\n", props.name, props.vendorId, props.deviceId);
	CHECK("zeContextCreate", zeContextCreate(drv, &cdesc, &ctx));
	CHECK("zeCommandQueueCreate", zeCommandQueueCreate(ctx, dev, &qdesc, &q));
	CHECK("zeCommandListCreate", zeCommandListCreate(ctx, dev, &ldesc, &cl));
	CHECK("zeMemAllocDevice", zeMemAllocDevice(ctx, &ddesc, SIZE, 64, dev, &dmem));
	CHECK("zeMemAllocHost", zeMemAllocHost(ctx, &hdesc, SIZE, 64, &hmem));
	memset(hmem, 0, SIZE);
	CHECK("zeCommandListAppendMemoryFill",
	      zeCommandListAppendMemoryFill(cl, dmem, &pattern, sizeof(pattern), SIZE,
					    NULL, 0, NULL));
	CHECK("zeCommandListAppendBarrier", zeCommandListAppendBarrier(cl, NULL, 0, NULL));
	CHECK("zeCommandListAppendMemoryCopy",
	      zeCommandListAppendMemoryCopy(cl, hmem, dmem, SIZE, NULL, 0, NULL));
	CHECK("zeCommandListClose", zeCommandListClose(cl));
	CHECK("zeCommandQueueExecuteCommandLists",
	      zeCommandQueueExecuteCommandLists(q, 1, &cl, NULL));
	CHECK("zeCommandQueueSynchronize", zeCommandQueueSynchronize(q, UINT64_MAX));
	/* not checked: the simulator may not have run the fill */
	printf("host[0] = %#x (%#x if the fill ran)\n", ((uint32_t *)hmem)[0], pattern);
	CHECK("zeMemFree device", zeMemFree(ctx, dmem));
	CHECK("zeMemFree host", zeMemFree(ctx, hmem));
	CHECK("zeCommandListDestroy", zeCommandListDestroy(cl));
	CHECK("zeCommandQueueDestroy", zeCommandQueueDestroy(q));
	CHECK("zeContextDestroy", zeContextDestroy(ctx));
	return 0;
}
