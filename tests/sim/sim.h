/* SPDX-License-Identifier: MIT */
/*
 * libxe_sim: a simulated xe kernel driver, loaded with LD_PRELOAD.
 *
 * Opening the configured device paths returns a simulator fd; ioctl, mmap,
 * close, dup, fcntl and stat on it are answered here, following the real
 * drivers/gpu/drm/xe (Linux 7.2) and drivers/gpu/drm/drm_*.c. Each file says
 * which source it follows.
 *
 * Locking: one process-wide mutex, sim.lock, protects every object below.
 * sim.cond is broadcast whenever a fence signals or memory the GPU wrote may
 * have changed, so every wait in the simulator is a wait on sim.cond, with a
 * CLOCK_MONOTONIC deadline when it is timed (sim_cond_init()). The
 * execution worker (sim_exec.c) takes the same lock.
 */
#ifndef XE_SIM_H
#define XE_SIM_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <drm/drm.h>
#include <drm/xe_drm.h>

#define SIM_PAGE_SIZE	4096ull
#define SIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A list head, as in the kernel, because the objects mirror the driver's. */
struct sim_list {
	struct sim_list *next, *prev;
};

#define sim_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define sim_list_for_each_safe(pos, n, head) \
	for (pos = (head)->next, n = pos->next; pos != (head); \
	     pos = n, n = pos->next)

void sim_list_init(struct sim_list *l);
void sim_list_add_tail(struct sim_list *n, struct sim_list *head);
void sim_list_del(struct sim_list *n);
bool sim_list_empty(const struct sim_list *l);

/* An id table: small integer ids to pointers, as xarray/idr in the driver. */
struct sim_idr {
	void **slot;
	uint32_t size;
	uint32_t first;	/* lowest id handed out */
};

int sim_idr_alloc(struct sim_idr *idr, void *p, uint32_t *id);
void *sim_idr_find(const struct sim_idr *idr, uint32_t id);
void *sim_idr_remove(struct sim_idr *idr, uint32_t id);
void sim_idr_free(struct sim_idr *idr);

/* ---- fences (sim_fence.c), modelled on struct dma_fence ---- */

struct sim_fence {
	int refcount;
	bool signalled;
	int error;		/* set before signalling, e.g. -ECANCELED */
	uint64_t seqno;		/* chain point when used on a timeline */
	struct sim_list cbs;	/* sim_fence_cb waiting for this fence */
};

struct sim_fence_cb {
	struct sim_list link;
	void (*func)(struct sim_fence_cb *cb);
};

struct sim_fence *sim_fence_create(void);
struct sim_fence *sim_fence_signalled(void);
struct sim_fence *sim_fence_get(struct sim_fence *f);
void sim_fence_put(struct sim_fence *f);
void sim_fence_signal(struct sim_fence *f, int error);
void sim_fence_add_cb(struct sim_fence *f, struct sim_fence_cb *cb);
void sim_fence_remove_cb(struct sim_fence *f, struct sim_fence_cb *cb);
struct sim_fence *sim_fence_all(struct sim_fence **in, unsigned int n);

/* ---- syncobjs and sync_files (sim_syncobj.c), per drm_syncobj.c ---- */

struct sim_point {
	uint64_t value;
	struct sim_fence *fence;
};

struct sim_syncobj {
	int refcount;
	/* Binary payload, or the newest point of a timeline. */
	struct sim_fence *fence;
	/* Timeline points in ascending order; empty for binary use. */
	struct sim_point *points;
	uint32_t num_points, cap_points;
};

struct sim_syncobj *sim_syncobj_new(void);
void sim_syncobj_put(struct sim_syncobj *s);
struct sim_fence *sim_syncobj_fence(struct sim_syncobj *s, uint64_t point);
int sim_syncobj_add_point(struct sim_syncobj *s, uint64_t point,
			  struct sim_fence *f);
void sim_syncobj_replace(struct sim_syncobj *s, struct sim_fence *f);

/* ---- device, files and objects ---- */

struct sim_bo {
	int refcount;
	struct sim_gpu *gpu;	/* the device whose memory accounts for it */
	/*
	 * A BO imported from another device's dma-buf (xe_dma_buf.c
	 * xe_gem_prime_import() of a foreign object): the exporter's BO,
	 * whose dma-buf (memfd and reservation) it shares; NULL otherwise.
	 */
	struct sim_bo *exporter;
	int memfd;		/* the backing store, shared by mmap and dma-buf */
	uint64_t size;
	uint32_t placement;
	uint32_t flags;
	uint16_t cpu_caching;
	uint32_t vm_id;		/* non-zero for a VM-private BO */
	struct sim_vm *vm;	/* VM-private BOs only */
	uint64_t mmap_offset;	/* fake offset for mmap() on the device fd */
	void *map;		/* simulator's own mapping, for the GPU */
	ino_t ino;		/* identity for PRIME self-import */
	uint32_t flink_name;	/* GEM_FLINK name, 0 when none */
	/* its dma-buf's reservation: fences of IMPORT_SYNC_FILE */
	struct sim_resv_fence {
		struct sim_fence *fence;
		bool write;	/* DMA_RESV_USAGE_WRITE, else _READ */
	} *resv;
	uint32_t num_resv, cap_resv;
	/* where TTM placed it (sim_vram.c); the bytes stay in @memfd */
	uint8_t mem;		/* SIM_MEM_* */
	uint64_t vram_visible;	/* bytes of its VRAM in the CPU-visible part */
	uint64_t lru;		/* last validation, oldest evicted first */
};

#define SIM_MEM_NONE	0	/* DEFER_BACKING, not validated yet */
#define SIM_MEM_SYS	1	/* XE_PL_TT */
#define SIM_MEM_VRAM	2	/* XE_PL_VRAM0 */

struct sim_vma {
	uint64_t start, end;	/* GPU VA range, [start, end) */
	struct sim_bo *bo;	/* NULL for NULL bindings */
	uint64_t bo_offset;
	bool userptr;		/* bo_offset is then the host address */
	uint16_t pat_index;	/* attr.pat_index: the bind's, or MADVISE's */
	uint32_t atomic_access;	/* attr.atomic_access, DRM_XE_ATOMIC_* */
	bool readonly;
};

/* Mappings sorted by start, non-overlapping. */
struct sim_vma_list {
	struct sim_vma *vmas;
	uint32_t num_vmas, cap_vmas;
};

/*
 * Two views of one address space, as in the driver: @gpuva is the gpuvm
 * tree, updated when VM_BIND is called; @pt is what the GPU walks, updated
 * when the bind job runs after its in-fences.
 */
/* xe_vm.h MAX_FAULTS_SAVED_PER_VM */
#define SIM_MAX_FAULTS_PER_VM	50

struct sim_vm {
	int refcount;
	struct sim_gpu *gpu;
	uint32_t flags;
	bool closed;
	bool banned;		/* xe_vm_kill(): its rebind failed */
	bool rebind;		/* an LR VM lost a BO to eviction (preempted) */
	struct sim_vma_list gpuva;
	struct sim_vma_list pt;
	uint32_t num_exec_queues;	/* non-bind queues (EBUSY for LR) */
	struct sim_exec_queue *bindq;	/* the default bind queue (vm->q[0]) */
	struct sim_list link;		/* in the list of all VMs */
	uint32_t active_jobs;		/* exec jobs queued or running */
	struct sim_file *file;
	/* pending bind jobs by VA range (xe_range_fence.c, vm->rftree) */
	struct sim_range_fence {
		uint64_t start, end;	/* inclusive, as xe's [start, last] */
		struct sim_fence *fence;
	} *rfences;
	uint32_t num_rfences, cap_rfences;
	/* GPU faults seen, for VM_GET_PROPERTY_FAULTS (vm->faults.list) */
	struct xe_vm_fault faults[SIM_MAX_FAULTS_PER_VM];
	uint32_t num_faults;
};

struct sim_exec_queue {
	int refcount;
	struct sim_gpu *gpu;	/* its jobs run on this device (sim_gpu_enter) */
	struct sim_file *file;
	struct sim_vm *vm;
	uint16_t engine_class;
	uint16_t engine_instance;
	uint16_t gt_id;
	uint16_t width;
	bool bind;		/* a VM_BIND queue */
	bool banned;		/* reset_status(): a job hung or faulted */
	bool destroyed;
	uint32_t priority;
	uint32_t timeslice_us;
	struct sim_fence *last;	/* newest job's fence, for in-order completion */
	struct sim_list jobs;	/* queued sim_job, oldest first */
	struct sim_list group_link;	/* in its hw engine group's list */
	bool in_group;
	bool suspended;		/* its group runs dma-fence jobs: it waits */
};

/* One struct drm_file: what a dup()ed fd shares. */
struct sim_file {
	int refcount;
	struct sim_gpu *gpu;	/* the device of its minor */
	uint32_t minor;		/* 0 for card0, 128 for renderD128 */
	struct sim_idr handles;	/* GEM handle -> sim_bo */
	struct sim_idr vms;
	struct sim_idr queues;
	struct sim_idr syncobjs;
	uint32_t trace_id;	/* numbers this process's files in XE_SIM_TRACE */
	uint32_t generation;	/* its device's at open (sim_lost.c) */
};

/* Device identity, selected with XE_SIM_DEVICE (sim_device.c). */
struct sim_engine {
	uint16_t engine_class;
	uint16_t instance;
	uint16_t gt_id;
};

struct sim_device_info {
	const char *name;
	uint16_t devid;
	uint8_t revid;
	uint8_t graphics_ver, graphics_rel;
	uint8_t media_ver, media_rel;
	uint32_t va_bits;
	uint32_t num_dss;	/* Xe cores */
	uint32_t eus_per_dss;
	uint64_t l3_bank_mask;
	uint32_t reference_clock;
	bool has_media_gt;
	uint32_t num_engines;
	const struct sim_engine *engines;
	uint32_t pat_entries;
	const uint8_t *pat_coh;	/* coherency mode per PAT index, 0 reserved */
	bool dgfx;		/* discrete: one VRAM region (region 1) */
	bool no_pxp;		/* the desc has no .has_pxp */
};

/*
 * One simulated device, as one struct xe_device: its identity and what the
 * driver keeps per device. Device i has the minors card<i> and
 * renderD<128 + i> (drm_minor_alloc()).
 */
struct sim_gpu {
	const struct sim_device_info *info;
	uint32_t index;
	uint64_t mem_used;		/* system memory its BOs hold */
	struct sim_idr flink_names;	/* GEM_FLINK name -> sim_bo (drm_device) */
	/* discrete parts (sim_vram.c): VRAM0 and its CPU-visible (BAR) part */
	uint64_t vram_size, vram_visible_size;
	uint64_t vram_used, vram_visible_used;
	/* sim_lost.c: unplugged or wedged now; bumped at loss and rebind */
	bool lost;
	uint32_t generation;
};

#define SIM_MAX_GPUS	4

struct sim_state {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/*
	 * The identity of the device whose ioctl or job runs now. Everything
	 * runs under sim.lock, and each entry point that acts for a device
	 * sets it first (sim_gpu_enter): ioctl() on a device fd, and the
	 * execution worker before it steps a queue.
	 */
	const struct sim_device_info *dev;
	struct sim_gpu gpus[SIM_MAX_GPUS];	/* XE_SIM_DEVICE, in its order */
	uint32_t num_gpus;
	uint64_t sysmem_size;
	uint64_t lru_clock;	/* BO validations, for LRU eviction (sim_vram.c) */
	uint64_t next_mmap_offset;
	struct sim_bo **bos;	/* every live BO, for mmap offset/dma-buf lookups */
	uint32_t num_bos, cap_bos;
	int debug;
	uint32_t num_files;	/* drm_files opened by this process */
};

extern struct sim_state sim;

pid_t sim_self(void);

#define SIM_COH_NONE	1	/* xe_pat.h XE_COH_NONE */
#define SIM_COH_1WAY	2
#define SIM_COH_2WAY	3

/* Log one line naming why an ioctl failed, like XE_IOCTL_DBG. */
#define SIM_ERR(err, fmt, ...) \
	sim_log_err((err), __func__, (fmt), ##__VA_ARGS__)
int sim_log_err(int err, const char *fn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sim_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads and writes of user memory that fail like copy_{from,to}_user. */
int sim_copy_from_user(void *dst, uint64_t uptr, size_t len);
int sim_copy_to_user(uint64_t uptr, const void *src, size_t len);

/* sim_trace.c: XE_SIM_TRACE */
void sim_trace_init(void);
void sim_trace_ioctl(struct sim_file *f, unsigned long cmd, const void *kdata, int err);
void sim_trace_dmabuf(unsigned long req, int err);

/* sim_device.c */
void sim_device_select(void);
struct sim_gpu *sim_gpu_of_minor(uint32_t minor);

static inline void sim_gpu_enter(const struct sim_gpu *gpu)
{
	sim.dev = gpu->info;
}
int sim_ioctl_query(struct sim_file *f, void *data);
uint16_t sim_pat_coh(uint16_t pat_index);
bool sim_engine_valid(uint16_t cls, uint16_t inst, uint16_t gt);
bool sim_gt_valid(uint16_t gt);
uint64_t sim_gpu_timestamp(void);

/* sim_vram.c: VRAM placement and eviction on discrete parts */
void sim_vram_init(struct sim_gpu *gpu);
uint32_t sim_mem_region_mask(void);
int sim_bo_validate(struct sim_bo *bo, struct sim_vm *validating,
		    struct sim_bo *const *locked, uint32_t num_locked);
void sim_bo_release_vram(struct sim_bo *bo);
bool sim_bo_cpu_accessible(const struct sim_bo *bo);
int sim_vm_validate(struct sim_vm *vm);
/* xe_bo.h XE_PCI_BARRIER_MMAP_OFFSET: 0x50 << XE_PTE_SHIFT */
#define SIM_PCI_BARRIER_MMAP_OFFSET	(0x50ull << 12)
void *sim_pci_barrier_mmap(const struct sim_gpu *gpu, void *addr, size_t len,
			   int prot, int flags);

/* sim_bo.c */
struct sim_bo *sim_bo_lookup(struct sim_file *f, uint32_t handle);
void sim_bo_put(struct sim_bo *bo);
struct sim_bo *sim_bo_by_offset(const struct sim_gpu *gpu, uint64_t offset,
			       uint64_t len);
int sim_ioctl_gem_create(struct sim_file *f, void *data);
int sim_ioctl_gem_mmap_offset(struct sim_file *f, void *data);
int sim_ioctl_gem_close(struct sim_file *f, void *data);
int sim_ioctl_prime_to_fd(struct sim_file *f, void *data);
int sim_ioctl_gem_flink(struct sim_file *f, void *data);
int sim_ioctl_gem_open(struct sim_file *f, void *data);
struct sim_bo *sim_bo_by_fd(int fd);
int sim_ioctl_prime_to_handle(struct sim_file *f, void *data);
void sim_file_release_bos(struct sim_file *f);

/* sim_dmabuf.c: the dma-buf ioctls and poll() of a BO's dma-buf fd */
int sim_dmabuf_ioctl(int fd, unsigned long req, void *arg);
short sim_dmabuf_poll(int fd, short events);
void sim_bo_resv_fini(struct sim_bo *bo);

/* sim_vm.c */
struct sim_vm *sim_vm_lookup(struct sim_file *f, uint32_t id);
void sim_vm_put(struct sim_vm *vm);
int sim_ioctl_vm_create(struct sim_file *f, void *data);
int sim_ioctl_vm_destroy(struct sim_file *f, void *data);
int sim_ioctl_vm_bind(struct sim_file *f, void *data);
int sim_ioctl_madvise(struct sim_file *f, void *data);
int sim_ioctl_vm_query_mem_range_attrs(struct sim_file *f, void *data);
int sim_ioctl_vm_get_property(struct sim_file *f, void *data);
void *sim_vm_translate(struct sim_vm *vm, uint64_t va, uint64_t len,
		       bool write);
void *sim_vm_translate_run(struct sim_vm *vm, uint64_t va, uint64_t len,
			   bool write, uint64_t *run);
bool sim_vm_access(struct sim_vm *vm, uint64_t va, void *buf, uint64_t len,
		   bool write, uint64_t *fault_va);
void sim_file_release_vms(struct sim_file *f);
void sim_vm_record_fault(struct sim_vm *vm, uint64_t va, uint8_t access);
void sim_userptr_invalidate(uint64_t start, uint64_t len);
bool sim_vm_has_bo(const struct sim_vm *vm, const struct sim_bo *bo);
void sim_vm_bo_evicted(const struct sim_bo *bo);
void sim_vm_rebind_worker(struct sim_vm *vm);

/* sim_sync.c: drm_xe_sync parsing shared by exec and bind (xe_sync.c) */
struct sim_sync {
	uint32_t type;
	bool signal;
	struct sim_syncobj *syncobj;
	uint64_t point;
	struct sim_fence *fence;	/* in-fence to wait on */
	uint64_t addr;			/* user fence address */
	uint64_t value;			/* user fence value */
};

#define SIM_SYNC_EXEC		(1u << 0)
#define SIM_SYNC_LR		(1u << 1)
#define SIM_SYNC_NO_UFENCE	(1u << 2)

int sim_syncs_parse(struct sim_file *f, uint64_t uptr, uint32_t num,
		    unsigned int flags, struct sim_sync **out);
void sim_syncs_signal(struct sim_sync *s, uint32_t num, struct sim_fence *f);
void sim_syncs_free(struct sim_sync *s, uint32_t num);

/* sim_syncobj.c ioctls */
int sim_ioctl_syncobj(struct sim_file *f, unsigned long req, void *data);
struct sim_syncobj *sim_syncobj_lookup(struct sim_file *f, uint32_t handle);
void sim_file_release_syncobjs(struct sim_file *f);
struct sim_sync_file;
int sim_sync_file_export(struct sim_fence *fence, int *fd);
struct sim_fence *sim_sync_file_fence(int fd);
void sim_sync_file_put(struct sim_sync_file *sf);
void sim_sync_file_get(struct sim_sync_file *sf);
int sim_sync_file_ioctl(int fd, unsigned long req, void *arg);

/* sim_exec.c */
struct sim_exec_queue *sim_queue_lookup(struct sim_file *f, uint32_t id);
int sim_ioctl_exec_queue_create(struct sim_file *f, void *data);
int sim_ioctl_exec_queue_destroy(struct sim_file *f, void *data);
int sim_ioctl_exec_queue_get_property(struct sim_file *f, void *data);
int sim_ioctl_exec_queue_set_property(struct sim_file *f, void *data);
int sim_ioctl_exec(struct sim_file *f, void *data);
int sim_ioctl_wait_user_fence(struct sim_file *f, void *data);
void sim_queue_put(struct sim_exec_queue *q);
void sim_file_release_queues(struct sim_file *f);
void sim_vm_kill(struct sim_vm *vm);
void sim_exec_cancel_gpu(struct sim_gpu *gpu);
/* sim_lost.c */
int sim_lost_ioctl(struct sim_file *f);
int sim_lost_open(struct sim_gpu *gpu);
/* A VM_BIND's ops, applied to the page tables when its job runs. */
struct sim_bind_work {
	struct sim_vm *vm;
	struct drm_xe_vm_bind_op *ops;
	struct sim_bo **bos;
	uint32_t num_ops;
	/* the page-table interval the job updates; rf_last < rf_start: none */
	uint64_t rf_start, rf_last;
};

void sim_bind_work_apply(struct sim_bind_work *w);
void sim_bind_work_free(struct sim_bind_work *w);
struct sim_fence *sim_bind_submit(struct sim_vm *vm, struct sim_exec_queue *q,
				  struct sim_sync *syncs, uint32_t num_syncs,
				  struct sim_bind_work *work);
void sim_worker_start(void);
void sim_worker_kick(void);

/* sim_engine_group.c: hw engine groups (xe_hw_engine_group.c) */
void sim_engine_group_add(struct sim_exec_queue *q);
void sim_engine_group_del(struct sim_exec_queue *q);
void sim_engine_group_exec(struct sim_exec_queue *q);
/* Resume the groups whose dma-fence jobs are done; true if one was. */
bool sim_engine_groups_resume(void);

/* sim_intercept.c: the fds the simulator answers for */
enum sim_fd_type {
	SIM_FD_NONE,
	SIM_FD_DEVICE,		/* a struct sim_file */
	SIM_FD_SYNC_FILE,	/* a struct sim_sync_file */
	SIM_FD_SYNCOBJ,		/* a struct sim_syncobj exported as an fd */
	SIM_FD_DMABUF,		/* a BO's dma-buf (a memfd); no reference held */
};

int sim_fd_install(int fd, enum sim_fd_type type, void *obj);
void *sim_fd_lookup(int fd, enum sim_fd_type type);
void sim_fd_release_obj(enum sim_fd_type type, void *obj);
void sim_fd_get_obj(enum sim_fd_type type, void *obj);
int sim_real_close(int fd);
int sim_new_fd(bool cloexec);
void *sim_real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off);
int sim_real_fstat_ino(int fd, ino_t *ino, dev_t *dev);
/* libc calls the simulator itself makes must not re-enter its wrappers */
struct stat;
int sim_real_fstat(int fd, struct stat *st);
int sim_real_fcntl(int fd, int cmd, int arg);
int sim_real_munmap(void *addr, size_t len);

/* sim_ioctl.c */
int sim_ioctl(struct sim_file *f, unsigned long req, void *arg);
struct sim_file *sim_file_new(struct sim_gpu *gpu, uint32_t minor);
void sim_file_put(struct sim_file *f);

#endif /* XE_SIM_H */
