// SPDX-License-Identifier: MIT
/*
 * Device identity and DEVICE_QUERY, after xe_query.c (Linux 7.2): every
 * query answers size 0 with its size and otherwise wants that exact size.
 *
 * Identity facts and where they come from:
 *  - PCI ids: include/drm/intel/pciids.h INTEL_LNL_IDS (0x6420, 0x64a0,
 *    0x64b0) and INTEL_PTL_IDS (0xb080...).
 *  - IP versions: xe_pci.c graphics_ips[] ("Xe2_LPG" 20.04, "Xe3_LPG" 30.00)
 *    and media_ips[] ("Xe2_LPM" 20.00, "Xe3_LPM" 30.00); LNL and PTL carry a
 *    separate media GT (lnl_desc/ptl_desc .max_gt_per_tile = 2).
 *  - Engines: XE2_GFX_FEATURES .hw_engine_mask (RCS0, BCS0, BCS8, CCS0-3)
 *    minus fused-off instances; the media GT's VCS/VECS per media_xelpmp.
 *    Which instances a given part fuses off is not public: we expose RCS0,
 *    BCS0, CCS0 and VCS0, VCS1, VECS0, the set Mesa and iHD are known to use.
 *  - Topology: Intel Arc 140V (LNL) has 8 Xe2 cores with 8 SIMD16 vector
 *    engines each (Intel's product brief); PTL's Arc B390 has 12 Xe3 cores.
 *  - Xe2 PAT table: xe_pat.c xe2_pat_table[], coherency per index.
 *  - The GT reference clock is 19.2 MHz on these parts (xe_gt_clock.c reads
 *    it from RPM_CONFIG0); revision ids are our assumption (B0 stepping: 4).
 *  - Discrete: 0xe20b is Battlemage G21, Intel Arc B580 (pciids.h
 *    INTEL_BMG_G21_IDS, xe_pci.c bmg_desc: DGFX_FEATURES, va_bits 48,
 *    max_gt_per_tile 2, no XE_VRAM_FLAGS_NEED64K so 4 KiB VRAM pages);
 *    graphics "Xe2_HPG" 20.01 and media "Xe2_HPM" 13.01 (graphics_ips[],
 *    media_ips[]). Intel's product page gives the B580 20 Xe2 cores (160
 *    vector engines, 8 per core) and 12 GB of GDDR6; the simulated VRAM is
 *    smaller by default (sim_vram.c) so out-of-memory tests stay fast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

static const struct sim_engine xe2_engines[] = {
	{ DRM_XE_ENGINE_CLASS_RENDER, 0, 0 },
	{ DRM_XE_ENGINE_CLASS_COPY, 0, 0 },
	{ DRM_XE_ENGINE_CLASS_COMPUTE, 0, 0 },
	{ DRM_XE_ENGINE_CLASS_VIDEO_DECODE, 0, 1 },
	{ DRM_XE_ENGINE_CLASS_VIDEO_DECODE, 1, 1 },
	{ DRM_XE_ENGINE_CLASS_VIDEO_ENHANCE, 0, 1 },
};

/* xe_pat.c xe2_pat_table[] coherency; 16..19 are reserved (0) */
static const uint8_t xe2_pat_coh[32] = {
	1, 2, 3, 1, 2, 2, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 1, 1, 2, 3, 1, 1, 2, 3, 1, 1, 2, 3,
};

static const struct sim_device_info devices[] = {
	{
		.name = "Lunar Lake (Intel Arc 140V)",
		.devid = 0x64a0, .revid = 0x04,
		.graphics_ver = 20, .graphics_rel = 4,
		.media_ver = 20, .media_rel = 0,
		.va_bits = 48,
		.num_dss = 8, .eus_per_dss = 8,
		.l3_bank_mask = 0xff,
		.reference_clock = 19200000,
		.has_media_gt = true,
		.num_engines = SIM_ARRAY_SIZE(xe2_engines),
		.engines = xe2_engines,
		.pat_entries = 32,
		.pat_coh = xe2_pat_coh,
	},
	{
		.name = "Panther Lake (Intel Arc B390)",
		.devid = 0xb080, .revid = 0x04,
		.graphics_ver = 30, .graphics_rel = 0,
		.media_ver = 30, .media_rel = 0,
		.va_bits = 48,
		.num_dss = 12, .eus_per_dss = 8,
		.l3_bank_mask = 0xfff,
		.reference_clock = 19200000,
		.has_media_gt = true,
		.num_engines = SIM_ARRAY_SIZE(xe2_engines),
		.engines = xe2_engines,
		.pat_entries = 32,
		.pat_coh = xe2_pat_coh,
	},
	{
		.name = "Battlemage (Intel Arc B580)",
		.devid = 0xe20b, .revid = 0x04,
		.graphics_ver = 20, .graphics_rel = 1,
		.media_ver = 13, .media_rel = 1,
		.va_bits = 48,
		.num_dss = 20, .eus_per_dss = 8,
		.l3_bank_mask = 0xfffff,	/* assumed: a bank per Xe core */
		.reference_clock = 19200000,
		.has_media_gt = true,
		.num_engines = SIM_ARRAY_SIZE(xe2_engines),
		.engines = xe2_engines,
		.pat_entries = 32,
		.pat_coh = xe2_pat_coh,
		.dgfx = true,
		.no_pxp = true,
	},
};

static const struct sim_device_info *device_by_id(unsigned long id)
{
	for (size_t i = 0; i < SIM_ARRAY_SIZE(devices); i++)
		if (devices[i].devid == id)
			return &devices[i];
	return NULL;
}

/*
 * XE_SIM_DEVICE=0x64a0 (default), any devid of the table above, or a
 * comma-separated list of them for a machine with several devices
 * (e.g. 0x64a0,0xb080): device i gets card<i> and renderD<128 + i>.
 */
void sim_device_select(void)
{
	const char *env = getenv("XE_SIM_DEVICE");
	const char *p = env && *env ? env : "0x64a0";
	struct sysinfo si;

	while (*p && sim.num_gpus < SIM_MAX_GPUS) {
		char *end;
		unsigned long id = strtoul(p, &end, 16);
		const struct sim_device_info *info = device_by_id(id);
		struct sim_gpu *gpu = &sim.gpus[sim.num_gpus];

		if (end == p || !info) {
			info = &devices[0];
			fprintf(stderr, "xe-sim: unknown device in XE_SIM_DEVICE=%s, using %#x\n",
				env, info->devid);
		}
		gpu->info = info;
		gpu->index = sim.num_gpus++;
		p = end + strcspn(end, ",");
		p += *p == ',';
	}
	if (*p)
		fprintf(stderr, "xe-sim: XE_SIM_DEVICE=%s: only the first %d devices are used\n",
			env, SIM_MAX_GPUS);
	if (!sim.num_gpus) {
		sim.gpus[0].info = &devices[0];
		sim.num_gpus = 1;
	}
	sim_gpu_enter(&sim.gpus[0]);
	/* xe_ttm_sys_mgr.c: the GTT manager gets half of system memory */
	if (sysinfo(&si) == 0)
		sim.sysmem_size = ((uint64_t)si.totalram * si.mem_unit / 2) & ~(SIM_PAGE_SIZE - 1);
	else
		sim.sysmem_size = 4ull << 30;
	for (uint32_t i = 0; i < sim.num_gpus; i++)
		sim_vram_init(&sim.gpus[i]);
}

/* For libxe_sim_udev.so (sim_udev.c): the devices' PCI ids, in order. */
__attribute__((visibility("default"))) int xe_sim_pci_ids(uint16_t *ids, int max)
{
	int n = 0;

	for (uint32_t i = 0; i < sim.num_gpus && n < max; i++)
		ids[n++] = sim.gpus[i].info->devid;
	return n;
}

/* drm_minor_alloc(): card minors count from 0, render minors from 128. */
struct sim_gpu *sim_gpu_of_minor(uint32_t minor)
{
	uint32_t index = minor >= 128 ? minor - 128 : minor;

	return index < sim.num_gpus ? &sim.gpus[index] : NULL;
}

uint16_t sim_pat_coh(uint16_t pat_index)
{
	return pat_index < sim.dev->pat_entries ? sim.dev->pat_coh[pat_index] : 0;
}

static uint32_t num_gts(void)
{
	return sim.dev->has_media_gt ? 2 : 1;
}

bool sim_gt_valid(uint16_t gt)
{
	return gt < num_gts();
}

bool sim_engine_valid(uint16_t cls, uint16_t inst, uint16_t gt)
{
	for (uint32_t i = 0; i < sim.dev->num_engines; i++) {
		const struct sim_engine *e = &sim.dev->engines[i];

		if (e->engine_class == cls && e->instance == inst && e->gt_id == gt)
			return true;
	}
	return false;
}

/* The GT timestamp counter: CLOCK_MONOTONIC_RAW at the reference clock. */
uint64_t sim_gpu_timestamp(void)
{
	struct timespec ts;
	unsigned __int128 ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	ns = (unsigned __int128)ts.tv_sec * 1000000000u + ts.tv_nsec;
	return (uint64_t)(ns * sim.dev->reference_clock / 1000000000u);
}

/* ---- query payloads ---- */

static int reply(struct drm_xe_device_query *q, const void *buf, size_t size)
{
	if (!q->size) {
		q->size = size;
		return 0;
	}
	if (q->size != size)
		return SIM_ERR(-EINVAL, "query %u size %u, want %zu", q->query,
			       q->size, size);
	return sim_copy_to_user(q->data, buf, size);
}

static int query_engines(struct drm_xe_device_query *q)
{
	size_t size = sizeof(struct drm_xe_query_engines) +
		      sim.dev->num_engines * sizeof(struct drm_xe_engine);
	struct drm_xe_query_engines *e = calloc(1, size);
	int err;

	if (!e)
		return -ENOMEM;
	e->num_engines = sim.dev->num_engines;
	for (uint32_t i = 0; i < e->num_engines; i++) {
		e->engines[i].instance.engine_class = sim.dev->engines[i].engine_class;
		e->engines[i].instance.engine_instance = sim.dev->engines[i].instance;
		e->engines[i].instance.gt_id = sim.dev->engines[i].gt_id;
	}
	err = reply(q, e, size);
	free(e);
	return err;
}

static int query_mem_regions(const struct sim_gpu *gpu, struct drm_xe_device_query *q)
{
	struct {
		struct drm_xe_query_mem_regions h;
		struct drm_xe_mem_region r[2];
	} m;
	uint32_t n = sim.dev->dgfx ? 2 : 1;

	memset(&m, 0, sizeof(m));
	m.h.num_mem_regions = n;
	m.r[0].mem_class = DRM_XE_MEM_REGION_CLASS_SYSMEM;
	m.r[0].instance = 0;
	m.r[0].min_page_size = SIM_PAGE_SIZE;
	m.r[0].total_size = sim.sysmem_size;
	m.r[0].used = gpu->mem_used - gpu->vram_used;
	if (sim.dev->dgfx) {
		/* the instance is the bit of the GEM_CREATE placement mask */
		m.r[1].mem_class = DRM_XE_MEM_REGION_CLASS_VRAM;
		m.r[1].instance = 1;
		m.r[1].min_page_size = SIM_PAGE_SIZE;
		m.r[1].total_size = gpu->vram_size;
		m.r[1].used = gpu->vram_used;
		m.r[1].cpu_visible_size = gpu->vram_visible_size;
		m.r[1].cpu_visible_used = gpu->vram_visible_used;
	}
	return reply(q, &m, sizeof(m.h) + n * sizeof(m.r[0]));
}

static int query_config(struct drm_xe_device_query *q)
{
	struct {
		struct drm_xe_query_config h;
		uint64_t info[DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY + 1];
	} c;

	memset(&c, 0, sizeof(c));
	c.h.num_params = DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY + 1;
	c.info[DRM_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] =
		sim.dev->devid | (uint32_t)sim.dev->revid << 16;
	c.info[DRM_XE_QUERY_CONFIG_FLAGS] = DRM_XE_QUERY_CONFIG_FLAG_HAS_CPU_ADDR_MIRROR |
		DRM_XE_QUERY_CONFIG_FLAG_HAS_LOW_LATENCY |
		DRM_XE_QUERY_CONFIG_FLAG_HAS_DISABLE_STATE_CACHE_PERF_FIX |
		DRM_XE_QUERY_CONFIG_FLAG_HAS_PURGING_SUPPORT;
	if (sim.dev->dgfx)
		c.info[DRM_XE_QUERY_CONFIG_FLAGS] |= DRM_XE_QUERY_CONFIG_FLAG_HAS_VRAM;
	if (sim.dev->graphics_ver >= 20)
		c.info[DRM_XE_QUERY_CONFIG_FLAGS] |= DRM_XE_QUERY_CONFIG_FLAG_HAS_NO_COMPRESSION_HINT;
	c.info[DRM_XE_QUERY_CONFIG_MIN_ALIGNMENT] = SIM_PAGE_SIZE;
	c.info[DRM_XE_QUERY_CONFIG_VA_BITS] = sim.dev->va_bits;
	c.info[DRM_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY] = geteuid() == 0 ? 2 : 1;
	return reply(q, &c, sizeof(c));
}

static int query_gt_list(struct drm_xe_device_query *q)
{
	struct {
		struct drm_xe_query_gt_list h;
		struct drm_xe_gt gt[2];
	} g;
	size_t size = sizeof(g.h) + num_gts() * sizeof(g.gt[0]);

	memset(&g, 0, sizeof(g));
	g.h.num_gt = num_gts();
	for (uint32_t i = 0; i < num_gts(); i++) {
		g.gt[i].type = i ? DRM_XE_QUERY_GT_TYPE_MEDIA : DRM_XE_QUERY_GT_TYPE_MAIN;
		g.gt[i].tile_id = 0;
		g.gt[i].gt_id = i;
		g.gt[i].reference_clock = sim.dev->reference_clock;
		/* xe_query.c: a discrete tile's VRAM is near, the rest far */
		g.gt[i].near_mem_regions = sim.dev->dgfx ? 0x2 : 0x1;
		g.gt[i].far_mem_regions = sim_mem_region_mask() ^
					  g.gt[i].near_mem_regions;
		g.gt[i].ip_ver_major = i ? sim.dev->media_ver : sim.dev->graphics_ver;
		g.gt[i].ip_ver_minor = i ? sim.dev->media_rel : sim.dev->graphics_rel;
		g.gt[i].ip_ver_rev = sim.dev->revid;
	}
	return reply(q, &g, size);
}

/*
 * The GuC hwconfig table: (key, length in dwords, value...) triples, keys
 * from the GuC's enum (IGT lib/intel_hwconfig_types.h, Mesa
 * intel_hwconfig.c). Topology and engine counts match the queries above;
 * 8 threads per EU and 128 KiB SLM per Xe core are Xe2's public figures.
 */
static int query_hwconfig(struct drm_xe_device_query *q)
{
	uint32_t blob[] = {
		1, 1, 1,			/* MAX_SLICES_SUPPORTED */
		2, 1, sim.dev->num_dss,		/* MAX_DUAL_SUBSLICES_SUPPORTED */
		3, 1, sim.dev->eus_per_dss,	/* MAX_NUM_EU_PER_DSS */
		15, 1, 8,			/* NUM_THREADS_PER_EU */
		23, 1, 1,			/* MAX_RCS */
		24, 1, 1,			/* MAX_CCS */
		25, 1, 2,			/* MAX_VCS */
		26, 1, 1,			/* MAX_VECS */
		27, 1, 1,			/* MAX_COPY_CS */
		65, 1, 128,			/* SLM_SIZE_PER_DSS (KiB) */
		70, 1, sim.dev->num_dss,	/* MAX_SUBSLICE */
		71, 1, sim.dev->eus_per_dss,	/* MAX_EU_PER_SUBSLICE */
		73, 1, 128,			/* SLM_SIZE_PER_SS_IN_KB */
	};

	return reply(q, blob, sizeof(blob));
}

/* One GT's masks in xe_query.c query_gt_topology() order and sizes. */
static size_t topo_gt(uint8_t *p, uint16_t gt, bool media)
{
	struct drm_xe_query_topology_mask t = { .gt_id = gt };
	uint8_t dss[16] = { 0 }, l3[8] = { 0 }, eu[8] = { 0 };
	size_t off = 0;

	if (!media) {
		for (uint32_t i = 0; i < sim.dev->num_dss; i++)
			dss[i / 8] |= 1u << (i % 8);
		memcpy(l3, &sim.dev->l3_bank_mask, sizeof(l3));
		for (uint32_t i = 0; i < sim.dev->eus_per_dss; i++)
			eu[i / 8] |= 1u << (i % 8);
	}
#define PUT(type_, mask_) do { \
		t.type = (type_); \
		t.num_bytes = sizeof(mask_); \
		if (p) { \
			memcpy(p + off, &t, sizeof(t)); \
			memcpy(p + off + sizeof(t), (mask_), sizeof(mask_)); \
		} \
		off += sizeof(t) + sizeof(mask_); \
	} while (0)
	PUT(DRM_XE_TOPO_DSS_GEOMETRY, dss);
	PUT(DRM_XE_TOPO_DSS_COMPUTE, dss);
	/* xe_gt_topology_report_l3(): not for media GTs from Xe3 on */
	if (!(media && sim.dev->media_ver >= 30))
		PUT(DRM_XE_TOPO_L3_BANK, l3);
	PUT(sim.dev->graphics_ver >= 20 ? DRM_XE_TOPO_SIMD16_EU_PER_DSS :
	    DRM_XE_TOPO_EU_PER_DSS, eu);
#undef PUT
	return off;
}

static int query_topology(struct drm_xe_device_query *q)
{
	size_t size = 0;
	uint8_t *buf;
	int err;

	for (uint32_t gt = 0; gt < num_gts(); gt++)
		size += topo_gt(NULL, gt, gt > 0);
	buf = calloc(1, size);
	if (!buf)
		return -ENOMEM;
	size = 0;
	for (uint32_t gt = 0; gt < num_gts(); gt++)
		size += topo_gt(buf + size, gt, gt > 0);
	err = reply(q, buf, size);
	free(buf);
	return err;
}

static int query_engine_cycles(struct drm_xe_device_query *q)
{
	struct drm_xe_query_engine_cycles c;
	struct timespec a, b;
	int err;

	if (!q->size) {
		q->size = sizeof(c);
		return 0;
	}
	if (q->size != sizeof(c))
		return SIM_ERR(-EINVAL, "size %u", q->size);
	err = sim_copy_from_user(&c, q->data, sizeof(c));
	if (err)
		return err;
	switch (c.clockid) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		break;
	default:
		return SIM_ERR(-EINVAL, "clockid %d", c.clockid);
	}
	if (!sim_gt_valid(c.eci.gt_id) ||
	    !sim_engine_valid(c.eci.engine_class, c.eci.engine_instance, c.eci.gt_id))
		return SIM_ERR(-EINVAL, "engine %u:%u gt %u", c.eci.engine_class,
			       c.eci.engine_instance, c.eci.gt_id);
	clock_gettime(c.clockid, &a);
	c.engine_cycles = sim_gpu_timestamp();
	clock_gettime(c.clockid, &b);
	c.cpu_timestamp = (uint64_t)a.tv_sec * 1000000000 + a.tv_nsec;
	c.cpu_delta = ((uint64_t)b.tv_sec * 1000000000 + b.tv_nsec) - c.cpu_timestamp;
	c.width = sim.dev->graphics_ver >= 20 ? 64 : 36;
	return sim_copy_to_user(q->data, &c, sizeof(c));
}

static int query_uc_fw_version(struct drm_xe_device_query *q)
{
	struct drm_xe_query_uc_fw_version v;
	int err;

	if (!q->size) {
		q->size = sizeof(v);
		return 0;
	}
	if (q->size != sizeof(v))
		return SIM_ERR(-EINVAL, "size %u", q->size);
	err = sim_copy_from_user(&v, q->data, sizeof(v));
	if (err)
		return err;
	if (v.pad || v.pad2 || v.reserved)
		return SIM_ERR(-EINVAL, "pad/reserved");
	/* versions of the firmware a 7.2 kernel loads (xe_uc_fw.c tables) */
	switch (v.uc_type) {
	case XE_QUERY_UC_TYPE_GUC_SUBMISSION:
		v.major_ver = 1;
		v.minor_ver = 14;
		v.patch_ver = 0;
		break;
	case XE_QUERY_UC_TYPE_HUC:
		/* HuC authentication needs the GSC: report it as not running */
		return SIM_ERR(-ENODEV, "HuC not running");
	default:
		return SIM_ERR(-EINVAL, "uc_type %u", v.uc_type);
	}
	v.branch_ver = 0;
	return sim_copy_to_user(q->data, &v, sizeof(v));
}

static int query_oa_units(struct drm_xe_device_query *q)
{
	/* one OAG unit on the render GT and one OAM unit on the media GT */
	uint8_t buf[sizeof(struct drm_xe_query_oa_units) +
		    2 * sizeof(struct drm_xe_oa_unit) +
		    8 * sizeof(struct drm_xe_engine_class_instance)];
	struct drm_xe_query_oa_units *h = (void *)buf;
	uint8_t *p = (uint8_t *)h->oa_units;
	size_t size;

	memset(buf, 0, sizeof(buf));
	for (uint32_t gt = 0; gt < num_gts(); gt++) {
		struct drm_xe_oa_unit *u = (void *)p;
		uint32_t n = 0;

		u->oa_unit_id = gt;
		u->oa_unit_type = gt ? DRM_XE_OA_UNIT_TYPE_OAM : DRM_XE_OA_UNIT_TYPE_OAG;
		u->capabilities = DRM_XE_OA_CAPS_BASE | DRM_XE_OA_CAPS_SYNCS |
				  DRM_XE_OA_CAPS_OA_BUFFER_SIZE |
				  DRM_XE_OA_CAPS_WAIT_NUM_REPORTS |
				  DRM_XE_OA_CAPS_OAM | DRM_XE_OA_CAPS_OA_UNIT_GT_ID;
		u->oa_timestamp_freq = sim.dev->reference_clock;
		u->gt_id = gt;
		for (uint32_t i = 0; i < sim.dev->num_engines; i++) {
			if (sim.dev->engines[i].gt_id != gt)
				continue;
			u->eci[n].engine_class = sim.dev->engines[i].engine_class;
			u->eci[n].engine_instance = sim.dev->engines[i].instance;
			u->eci[n].gt_id = gt;
			n++;
		}
		u->num_engines = n;
		p += sizeof(*u) + n * sizeof(u->eci[0]);
		h->num_oa_units++;
	}
	size = p - buf;
	return reply(q, buf, size);
}

/*
 * LNL and PTL have PXP (lnl_desc .has_pxp), so the query exists. The
 * simulator has no GSC firmware, so PXP reports "not ready yet" (status 0),
 * which xe_pxp_get_readiness_status() returns before the GSC proxy is up.
 */
static int query_pxp_status(struct drm_xe_device_query *q)
{
	struct drm_xe_query_pxp_status p = {
		.status = 0,
		.supported_session_types = 1u << DRM_XE_PXP_TYPE_HWDRM,
	};

	if (!q->size) {
		q->size = sizeof(p);
		return 0;
	}
	/* bmg_desc has no .has_pxp: xe_pxp_get_readiness_status() -ENODEV */
	if (sim.dev->no_pxp && q->size == sizeof(p))
		return SIM_ERR(-ENODEV, "no PXP on this part");

	return reply(q, &p, sizeof(p));
}

static int query_eu_stall(struct drm_xe_device_query *q)
{
	/* xe_eu_stall.c: Xe2 record size 64 bytes, 512 KiB per Xe core */
	struct {
		struct drm_xe_query_eu_stall h;
		uint64_t rates[7];
	} e;

	memset(&e, 0, sizeof(e));
	e.h.capabilities = DRM_XE_EU_STALL_CAPS_BASE;
	e.h.record_size = 64;
	e.h.per_xecore_buf_size = 512 * 1024;
	e.h.num_sampling_rates = 7;
	for (int i = 0; i < 7; i++)
		e.rates[i] = 251 * (i + 1);
	return reply(q, &e, sizeof(e));
}

int sim_ioctl_query(struct sim_file *f, void *data)
{
	struct drm_xe_device_query *q = data;

	(void)f;
	if (q->extensions || q->reserved[0] || q->reserved[1])
		return SIM_ERR(-EINVAL, "extensions/reserved");
	switch (q->query) {
	case DRM_XE_DEVICE_QUERY_ENGINES: return query_engines(q);
	case DRM_XE_DEVICE_QUERY_MEM_REGIONS: return query_mem_regions(f->gpu, q);
	case DRM_XE_DEVICE_QUERY_CONFIG: return query_config(q);
	case DRM_XE_DEVICE_QUERY_GT_LIST: return query_gt_list(q);
	case DRM_XE_DEVICE_QUERY_HWCONFIG: return query_hwconfig(q);
	case DRM_XE_DEVICE_QUERY_GT_TOPOLOGY: return query_topology(q);
	case DRM_XE_DEVICE_QUERY_ENGINE_CYCLES: return query_engine_cycles(q);
	case DRM_XE_DEVICE_QUERY_UC_FW_VERSION: return query_uc_fw_version(q);
	case DRM_XE_DEVICE_QUERY_OA_UNITS: return query_oa_units(q);
	case DRM_XE_DEVICE_QUERY_PXP_STATUS: return query_pxp_status(q);
	case DRM_XE_DEVICE_QUERY_EU_STALL: return query_eu_stall(q);
	}
	return SIM_ERR(-EINVAL, "query %u", q->query);
}
