// SPDX-License-Identifier: MIT
/*
 * A small OpenCL program for `make workloads`: on the first GPU device,
 * build a kernel from source, run it over a buffer, read the buffer back.
 * The simulated device runs no compute kernels, so the buffer's contents
 * are printed, not checked; every call must succeed.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>

#define N 4096

static const char *src =
	"kernel void fill(global uint *b, uint v)\n"
	"{ b[get_global_id(0)] = v + get_global_id(0); }\n";

#define CHECK(what, err) do { \
		if ((err) != CL_SUCCESS) { \
			fprintf(stderr, "cl_run: %s: error %d\n", (what), (int)(err)); \
			return 1; \
		} \
	} while (0)

int main(void)
{
	cl_platform_id platform;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_program prog;
	cl_kernel k;
	cl_mem buf;
	cl_uint v = 1000;
	cl_int err;
	size_t global = N;
	char name[256] = "";
	static cl_uint out[N];

	CHECK("clGetPlatformIDs", clGetPlatformIDs(1, &platform, NULL));
	CHECK("clGetDeviceIDs", clGetDeviceIDs(platform, CL_DEVICE_TYPE_GPU, 1, &dev, NULL));
	clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(name) - 1, name, NULL);
	printf("device: %s\n", name);
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CHECK("clCreateContext", err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CHECK("clCreateCommandQueueWithProperties", err);
	prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	CHECK("clCreateProgramWithSource", err);
	CHECK("clBuildProgram", clBuildProgram(prog, 1, &dev, "", NULL, NULL));
	k = clCreateKernel(prog, "fill", &err);
	CHECK("clCreateKernel", err);
	buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, sizeof(out), NULL, &err);
	CHECK("clCreateBuffer", err);
	CHECK("clSetKernelArg 0", clSetKernelArg(k, 0, sizeof(buf), &buf));
	CHECK("clSetKernelArg 1", clSetKernelArg(k, 1, sizeof(v), &v));
	CHECK("clEnqueueNDRangeKernel",
	      clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL, NULL));
	CHECK("clEnqueueReadBuffer",
	      clEnqueueReadBuffer(q, buf, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL));
	CHECK("clFinish", clFinish(q));
	/* not checked: the simulator does not run the kernel */
	printf("buffer[1] = %u (%u if the kernel ran)\n", out[1], v + 1);
	clReleaseMemObject(buf);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return 0;
}
