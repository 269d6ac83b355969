// SPDX-License-Identifier: MIT
/*
 * Mesa's first real submission through the guest driver: on the Intel
 * physical device, fill a host-visible buffer with vkCmdFillBuffer, submit it
 * with a fence and wait for the fence, then tear everything down.
 *
 * Prints KTAP. The simulated host runs command-streamer commands only, not
 * the 3D/compute pipelines ANV may use for the fill, so the buffer's contents
 * are reported as a diagnostic and not asserted; submission, the fence and
 * teardown are.
 *
 *   vk_fill [iterations]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

#define FILL_SIZE	(64 * 1024)
#define FILL_VALUE	0xc0ffee01u
#define FENCE_TIMEOUT_NS (60ull * 1000 * 1000 * 1000)

static int test_no;
static int failures;

static void result(int ok, const char *name, VkResult r)
{
	test_no++;
	if (ok) {
		printf("ok %d %s\n", test_no, name);
	} else {
		failures++;
		printf("not ok %d %s # VkResult %d\n", test_no, name, r);
	}
	fflush(stdout);
}

/* Records a result; returns non-zero when the step failed. */
static int check(VkResult r, const char *name)
{
	result(r == VK_SUCCESS, name, r);
	return r != VK_SUCCESS;
}

struct ctx {
	VkInstance instance;
	VkPhysicalDevice phys;
	VkDevice device;
	VkQueue queue;
	uint32_t family;
	VkBuffer buffer;
	VkDeviceMemory memory;
	VkCommandPool pool;
	VkCommandBuffer cmd;
	VkFence fence;
};

static int pick_intel(struct ctx *c)
{
	VkPhysicalDevice devs[8];
	uint32_t n = 8, i;
	VkResult r;

	r = vkEnumeratePhysicalDevices(c->instance, &n, devs);
	if (r != VK_SUCCESS && r != VK_INCOMPLETE)
		return check(r, "enumerate_physical_devices");
	for (i = 0; i < n; i++) {
		VkPhysicalDeviceDriverProperties drv = {
			.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
		};
		VkPhysicalDeviceProperties2 p = {
			.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
			.pNext = &drv,
		};

		vkGetPhysicalDeviceProperties2(devs[i], &p);
		printf("# device %u: %s vendor 0x%04x device 0x%04x driver %s (id %d)\n",
		       i, p.properties.deviceName, p.properties.vendorID,
		       p.properties.deviceID, drv.driverName, drv.driverID);
		if (p.properties.vendorID == 0x8086 &&
		    drv.driverID == VK_DRIVER_ID_INTEL_OPEN_SOURCE_MESA) {
			c->phys = devs[i];
			break;
		}
	}
	result(c->phys != VK_NULL_HANDLE, "anv_physical_device", VK_SUCCESS);
	return c->phys == VK_NULL_HANDLE;
}

static int create_device(struct ctx *c)
{
	VkQueueFamilyProperties fam[16];
	uint32_t n = 16, i;
	float prio = 1.0f;

	vkGetPhysicalDeviceQueueFamilyProperties(c->phys, &n, fam);
	c->family = UINT32_MAX;
	for (i = 0; i < n; i++) {
		if (fam[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
			c->family = i;
			break;
		}
	}
	result(c->family != UINT32_MAX, "compute_queue_family", VK_SUCCESS);
	if (c->family == UINT32_MAX)
		return 1;
	printf("# queue family %u flags 0x%x\n", c->family, fam[c->family].queueFlags);

	VkDeviceQueueCreateInfo qci = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
		.queueFamilyIndex = c->family,
		.queueCount = 1,
		.pQueuePriorities = &prio,
	};
	VkDeviceCreateInfo dci = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
		.queueCreateInfoCount = 1,
		.pQueueCreateInfos = &qci,
	};
	if (check(vkCreateDevice(c->phys, &dci, NULL, &c->device), "create_device"))
		return 1;
	vkGetDeviceQueue(c->device, c->family, 0, &c->queue);
	return 0;
}

static int create_buffer(struct ctx *c)
{
	VkPhysicalDeviceMemoryProperties mp;
	VkMemoryRequirements req;
	uint32_t type = UINT32_MAX, i;
	const VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
					   VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
	VkBufferCreateInfo bci = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.size = FILL_SIZE,
		.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};

	if (check(vkCreateBuffer(c->device, &bci, NULL, &c->buffer), "create_buffer"))
		return 1;
	vkGetBufferMemoryRequirements(c->device, c->buffer, &req);
	vkGetPhysicalDeviceMemoryProperties(c->phys, &mp);
	for (i = 0; i < mp.memoryTypeCount; i++) {
		if ((req.memoryTypeBits & (1u << i)) &&
		    (mp.memoryTypes[i].propertyFlags & want) == want) {
			type = i;
			break;
		}
	}
	result(type != UINT32_MAX, "host_visible_memory_type", VK_SUCCESS);
	if (type == UINT32_MAX)
		return 1;

	VkMemoryAllocateInfo mai = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.allocationSize = req.size,
		.memoryTypeIndex = type,
	};
	if (check(vkAllocateMemory(c->device, &mai, NULL, &c->memory), "allocate_memory"))
		return 1;
	return check(vkBindBufferMemory(c->device, c->buffer, c->memory, 0),
		     "bind_buffer_memory");
}

static int record(struct ctx *c)
{
	VkCommandPoolCreateInfo pci = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.queueFamilyIndex = c->family,
	};
	VkCommandBufferAllocateInfo cai = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1,
	};
	VkCommandBufferBeginInfo begin = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
	};

	if (check(vkCreateCommandPool(c->device, &pci, NULL, &c->pool), "create_command_pool"))
		return 1;
	cai.commandPool = c->pool;
	if (check(vkAllocateCommandBuffers(c->device, &cai, &c->cmd),
		  "allocate_command_buffer"))
		return 1;
	if (check(vkBeginCommandBuffer(c->cmd, &begin), "begin_command_buffer"))
		return 1;
	vkCmdFillBuffer(c->cmd, c->buffer, 0, VK_WHOLE_SIZE, FILL_VALUE);
	return check(vkEndCommandBuffer(c->cmd), "end_command_buffer");
}

static int submit_and_wait(struct ctx *c, int iterations)
{
	VkFenceCreateInfo fci = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
	VkSubmitInfo si = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = 1,
		.pCommandBuffers = &c->cmd,
	};
	VkResult r = VK_SUCCESS, status = VK_SUCCESS;
	int i, submitted = 0, signalled = 0;

	if (check(vkCreateFence(c->device, &fci, NULL, &c->fence), "create_fence"))
		return 1;
	for (i = 0; i < iterations; i++) {
		r = vkQueueSubmit(c->queue, 1, &si, c->fence);
		if (r != VK_SUCCESS)
			break;
		submitted++;
		r = vkWaitForFences(c->device, 1, &c->fence, VK_TRUE, FENCE_TIMEOUT_NS);
		if (r != VK_SUCCESS)
			break;
		status = vkGetFenceStatus(c->device, c->fence);
		if (status != VK_SUCCESS) {
			r = status;
			break;
		}
		signalled++;
		r = vkResetFences(c->device, 1, &c->fence);
		if (r != VK_SUCCESS)
			break;
	}
	printf("# %d submissions, %d fences signalled\n", submitted, signalled);
	result(submitted == iterations, "queue_submit", r);
	result(signalled == iterations, "fence_signalled", r);
	return check(vkQueueWaitIdle(c->queue), "queue_wait_idle");
}

static void report_contents(struct ctx *c)
{
	uint32_t *p, i, match = 0;

	if (vkMapMemory(c->device, c->memory, 0, FILL_SIZE, 0, (void **)&p) != VK_SUCCESS) {
		printf("# map_memory failed\n");
		return;
	}
	for (i = 0; i < FILL_SIZE / 4; i++)
		match += p[i] == FILL_VALUE;
	printf("# buffer: %u of %u dwords hold 0x%08x (first 0x%08x); not asserted, the simulator runs no 3D/compute pipeline\n",
	       match, FILL_SIZE / 4, FILL_VALUE, p[0]);
	vkUnmapMemory(c->device, c->memory);
}

static void teardown(struct ctx *c)
{
	if (c->device) {
		if (c->fence)
			vkDestroyFence(c->device, c->fence, NULL);
		if (c->pool)
			vkDestroyCommandPool(c->device, c->pool, NULL);
		if (c->buffer)
			vkDestroyBuffer(c->device, c->buffer, NULL);
		if (c->memory)
			vkFreeMemory(c->device, c->memory, NULL);
		vkDestroyDevice(c->device, NULL);
	}
	if (c->instance)
		vkDestroyInstance(c->instance, NULL);
}

int main(int argc, char **argv)
{
	int iterations = argc > 1 ? atoi(argv[1]) : 4;
	struct ctx c = { 0 };
	VkApplicationInfo app = {
		.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
		.pApplicationName = "vk_fill",
		.apiVersion = VK_API_VERSION_1_2,
	};
	VkInstanceCreateInfo ici = {
		.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
		.pApplicationInfo = &app,
	};

	if (iterations < 1)
		iterations = 1;
	printf("KTAP version 1\n");
	if (!check(vkCreateInstance(&ici, NULL, &c.instance), "create_instance") &&
	    !pick_intel(&c) && !create_device(&c) && !create_buffer(&c) &&
	    !record(&c) && !submit_and_wait(&c, iterations))
		report_contents(&c);
	teardown(&c);
	result(1, "teardown", VK_SUCCESS);
	printf("# totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       test_no - failures, failures);
	return failures ? 1 : 0;
}
