// SPDX-License-Identifier: MIT
/*
 * Two processes sharing a buffer, for `make workloads`: the parent fills
 * a Vulkan buffer on the GPU (vkCmdFillBuffer), exports its memory as a
 * dma-buf and passes the fd over a socket; the child, with a Vulkan
 * device of its own, imports the dma-buf, copies it into a buffer of its
 * own on the GPU and reads that on the CPU, and also maps the imported
 * memory directly. The simulated device runs no 3D/compute pipeline ANV may
 * use for the fill or copy, so the values are printed, not checked; every
 * call must succeed in both processes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vulkan/vulkan.h>

#define SIZE		(64 * 1024)
#define VALUE		0x5eed0001u
#define TIMEOUT_NS	(60ull * 1000 * 1000 * 1000)

struct vk {
	const char *who;
	VkInstance inst;
	VkPhysicalDevice phys;
	VkDevice dev;
	VkQueue queue;
	uint32_t family;
	VkCommandPool pool;
	PFN_vkGetMemoryFdKHR get_fd;
	PFN_vkGetMemoryFdPropertiesKHR fd_props;
};

#define CHECK(v, what, expr) do { \
		VkResult r_ = (expr); \
		if (r_ != VK_SUCCESS) { \
			fprintf(stderr, "%s: %s: VkResult %d\n", (v)->who, (what), r_); \
			return 1; \
		} \
	} while (0)

static int vk_init(struct vk *v)
{
	const char *exts[] = { VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME,
			       VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME };
	VkApplicationInfo app = { .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
		.apiVersion = VK_API_VERSION_1_2 };
	VkInstanceCreateInfo ici = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
		.pApplicationInfo = &app };
	VkPhysicalDevice devs[8];
	VkQueueFamilyProperties fam[16];
	uint32_t n = 8, i;
	float prio = 1.0f;

	CHECK(v, "vkCreateInstance", vkCreateInstance(&ici, NULL, &v->inst));
	vkEnumeratePhysicalDevices(v->inst, &n, devs);
	for (i = 0; i < n && !v->phys; i++) {
		VkPhysicalDeviceProperties p;

		vkGetPhysicalDeviceProperties(devs[i], &p);
		if (p.vendorID == 0x8086)
			v->phys = devs[i];
	}
	if (!v->phys) {
		fprintf(stderr, "%s: no Intel physical device\n", v->who);
		return 1;
	}
	n = 16;
	vkGetPhysicalDeviceQueueFamilyProperties(v->phys, &n, fam);
	for (v->family = 0; v->family < n; v->family++)
		if (fam[v->family].queueFlags & VK_QUEUE_COMPUTE_BIT)
			break;
	VkDeviceQueueCreateInfo qci = { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
		.queueFamilyIndex = v->family, .queueCount = 1, .pQueuePriorities = &prio };
	VkDeviceCreateInfo dci = { .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
		.queueCreateInfoCount = 1, .pQueueCreateInfos = &qci,
		.enabledExtensionCount = 2, .ppEnabledExtensionNames = exts };
	CHECK(v, "vkCreateDevice", vkCreateDevice(v->phys, &dci, NULL, &v->dev));
	vkGetDeviceQueue(v->dev, v->family, 0, &v->queue);
	VkCommandPoolCreateInfo pci = { .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.queueFamilyIndex = v->family };
	CHECK(v, "vkCreateCommandPool", vkCreateCommandPool(v->dev, &pci, NULL, &v->pool));
	v->get_fd = (PFN_vkGetMemoryFdKHR)vkGetDeviceProcAddr(v->dev, "vkGetMemoryFdKHR");
	v->fd_props = (PFN_vkGetMemoryFdPropertiesKHR)
		vkGetDeviceProcAddr(v->dev, "vkGetMemoryFdPropertiesKHR");
	return 0;
}

static void vk_fini(struct vk *v)
{
	vkDestroyCommandPool(v->dev, v->pool, NULL);
	vkDestroyDevice(v->dev, NULL);
	vkDestroyInstance(v->inst, NULL);
}

/* A buffer of SIZE and its memory: exported or imported as a dma-buf when
 * @external, else plain; host-visible memory when the type bits allow. */
static int make_buffer(struct vk *v, int external, int import_fd, uint32_t import_bits,
		       VkBuffer *buf, VkDeviceMemory *mem)
{
	VkExternalMemoryBufferCreateInfo ext = {
		.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
		.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT };
	VkBufferCreateInfo bci = { .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.pNext = external ? &ext : NULL, .size = SIZE,
		.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT };
	VkExportMemoryAllocateInfo exp = { .sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
		.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT };
	VkImportMemoryFdInfoKHR imp = { .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
		.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, .fd = import_fd };
	VkMemoryAllocateInfo mai = { .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO };
	VkPhysicalDeviceMemoryProperties mp;
	VkMemoryRequirements req;
	uint32_t i, type = UINT32_MAX;

	CHECK(v, "vkCreateBuffer", vkCreateBuffer(v->dev, &bci, NULL, buf));
	vkGetBufferMemoryRequirements(v->dev, *buf, &req);
	if (import_fd >= 0)
		req.memoryTypeBits &= import_bits;
	vkGetPhysicalDeviceMemoryProperties(v->phys, &mp);
	for (i = 0; i < mp.memoryTypeCount; i++) {
		if (!(req.memoryTypeBits & (1u << i)))
			continue;
		if (type == UINT32_MAX ||
		    (mp.memoryTypes[i].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
			type = i;
		if (mp.memoryTypes[i].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)
			break;
	}
	if (type == UINT32_MAX) {
		fprintf(stderr, "%s: no memory type\n", v->who);
		return 1;
	}
	mai.allocationSize = req.size;
	mai.memoryTypeIndex = type;
	if (import_fd >= 0)
		mai.pNext = &imp;
	else if (external)
		mai.pNext = &exp;
	CHECK(v, "vkAllocateMemory", vkAllocateMemory(v->dev, &mai, NULL, mem));
	CHECK(v, "vkBindBufferMemory", vkBindBufferMemory(v->dev, *buf, *mem, 0));
	return 0;
}

/* Record @fill (dst filled with VALUE) or a copy src -> dst, submit, wait. */
static int submit(struct vk *v, VkBuffer src, VkBuffer dst)
{
	VkCommandBufferAllocateInfo cai = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = v->pool, .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1 };
	VkCommandBufferBeginInfo bi = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT };
	VkFenceCreateInfo fci = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
	VkBufferCopy region = { .size = SIZE };
	VkCommandBuffer cmd;
	VkFence fence;

	CHECK(v, "vkAllocateCommandBuffers", vkAllocateCommandBuffers(v->dev, &cai, &cmd));
	CHECK(v, "vkBeginCommandBuffer", vkBeginCommandBuffer(cmd, &bi));
	if (src)
		vkCmdCopyBuffer(cmd, src, dst, 1, &region);
	else
		vkCmdFillBuffer(cmd, dst, 0, SIZE, VALUE);
	CHECK(v, "vkEndCommandBuffer", vkEndCommandBuffer(cmd));
	VkSubmitInfo si = { .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = 1, .pCommandBuffers = &cmd };
	CHECK(v, "vkCreateFence", vkCreateFence(v->dev, &fci, NULL, &fence));
	CHECK(v, "vkQueueSubmit", vkQueueSubmit(v->queue, 1, &si, fence));
	CHECK(v, "vkWaitForFences", vkWaitForFences(v->dev, 1, &fence, VK_TRUE, TIMEOUT_NS));
	vkDestroyFence(v->dev, fence, NULL);
	vkFreeCommandBuffers(v->dev, v->pool, 1, &cmd);
	return 0;
}

static uint32_t first_word(struct vk *v, VkDeviceMemory mem, int *err)
{
	void *p = NULL;
	uint32_t w = 0;
	VkResult r = vkMapMemory(v->dev, mem, 0, SIZE, 0, &p);

	if (r != VK_SUCCESS) {
		fprintf(stderr, "%s: vkMapMemory: VkResult %d\n", v->who, r);
		*err = 1;
		return 0;
	}
	w = *(volatile uint32_t *)p;
	vkUnmapMemory(v->dev, mem);
	return w;
}

static int send_fd(int sock, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
		.msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
		.msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int reader(int sock)
{
	struct vk v = { .who = "reader" };
	VkMemoryFdPropertiesKHR fp = { .sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR };
	VkBuffer in, copy;
	VkDeviceMemory in_mem, copy_mem;
	int fd, err = 0;
	uint32_t direct, copied;
	char done = 1;

	if (vk_init(&v))
		return 1;
	fd = recv_fd(sock);
	if (fd < 0) {
		fprintf(stderr, "reader: no dma-buf received\n");
		return 1;
	}
	CHECK(&v, "vkGetMemoryFdPropertiesKHR",
	      v.fd_props(v.dev, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, fd, &fp));
	/* the import owns fd from here on */
	if (make_buffer(&v, 1, fd, fp.memoryTypeBits, &in, &in_mem) ||
	    make_buffer(&v, 0, -1, 0, &copy, &copy_mem) || submit(&v, in, copy))
		return 1;
	direct = first_word(&v, in_mem, &err);
	copied = first_word(&v, copy_mem, &err);
	printf("reader: imported dma-buf word 0 = %#x, GPU copy of it = %#x (%#x if the fill ran)\n",
	       direct, copied, VALUE);
	vkDestroyBuffer(v.dev, copy, NULL);
	vkFreeMemory(v.dev, copy_mem, NULL);
	vkDestroyBuffer(v.dev, in, NULL);
	vkFreeMemory(v.dev, in_mem, NULL);
	vk_fini(&v);
	if (write(sock, &done, 1) != 1)
		return 1;
	return err;
}

static int writer(int sock)
{
	struct vk v = { .who = "writer" };
	VkMemoryGetFdInfoKHR gi = { .sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR,
		.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT };
	VkBuffer buf;
	VkDeviceMemory mem;
	int fd, err = 0;
	char done;

	if (vk_init(&v) || make_buffer(&v, 1, -1, 0, &buf, &mem) || submit(&v, 0, buf))
		return 1;
	gi.memory = mem;
	CHECK(&v, "vkGetMemoryFdKHR", v.get_fd(v.dev, &gi, &fd));
	printf("writer: filled and exported, word 0 = %#x\n", first_word(&v, mem, &err));
	if (send_fd(sock, fd)) {
		fprintf(stderr, "writer: sending the dma-buf failed\n");
		return 1;
	}
	close(fd);
	/* keep the memory alive until the reader is done */
	if (read(sock, &done, 1) != 1)
		err = 1;
	vkDestroyBuffer(v.dev, buf, NULL);
	vkFreeMemory(v.dev, mem, NULL);
	vk_fini(&v);
	return err;
}

int main(void)
{
	int sv[2], status, err;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		perror("socketpair");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		err = reader(sv[1]);
		fflush(stdout);
		_exit(err);
	}
	close(sv[1]);
	err = writer(sv[0]);
	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		err = 1;
	return err;
}
