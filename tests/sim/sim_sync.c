// SPDX-License-Identifier: MIT
/*
 * struct drm_xe_sync parsing and signalling, after xe_sync.c
 * (xe_sync_entry_parse, xe_sync_entry_signal): syncobj, timeline syncobj
 * and user-fence entries for EXEC and VM_BIND.
 */
#include <stdlib.h>

#include "sim.h"

int sim_syncs_parse(struct sim_file *f, uint64_t uptr, uint32_t num,
		    unsigned int flags, struct sim_sync **out)
{
	struct drm_xe_sync in;
	struct sim_sync *s;
	uint32_t i;
	int err = 0;

	*out = NULL;
	if (!num)
		return 0;
	s = calloc(num, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < num; i++) {
		bool signal;

		err = sim_copy_from_user(&in, uptr + (uint64_t)i * sizeof(in), sizeof(in));
		if (err)
			break;
		if (in.flags & ~DRM_XE_SYNC_FLAG_SIGNAL || in.reserved[0] || in.reserved[1]) {
			err = SIM_ERR(-EINVAL, "sync %u flags/reserved", i);
			break;
		}
		signal = in.flags & DRM_XE_SYNC_FLAG_SIGNAL;
		s[i].type = in.type;
		s[i].signal = signal;
		switch (in.type) {
		case DRM_XE_SYNC_TYPE_SYNCOBJ:
		case DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ:
			if (flags & SIM_SYNC_LR && signal) {
				err = SIM_ERR(-EOPNOTSUPP, "syncobj signal on an LR VM");
				break;
			}
			if (in.addr >> 32) {
				err = SIM_ERR(-EINVAL, "sync %u addr high bits", i);
				break;
			}
			if (in.type == DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ &&
			    !in.timeline_value) {
				err = SIM_ERR(-EINVAL, "timeline point 0");
				break;
			}
			s[i].syncobj = sim_syncobj_lookup(f, in.handle);
			if (!s[i].syncobj) {
				err = SIM_ERR(-ENOENT, "no syncobj %u", in.handle);
				break;
			}
			s[i].syncobj->refcount++;
			s[i].point = in.type == DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ ?
				     in.timeline_value : 0;
			if (!signal) {
				s[i].fence = sim_syncobj_fence(s[i].syncobj, s[i].point);
				if (!s[i].fence)
					err = SIM_ERR(-EINVAL, "syncobj %u has no fence for point %llu",
						      in.handle, (unsigned long long)s[i].point);
			}
			break;
		case DRM_XE_SYNC_TYPE_USER_FENCE:
			if (flags & SIM_SYNC_NO_UFENCE || !signal) {
				err = SIM_ERR(-EOPNOTSUPP, "user fence not allowed here");
				break;
			}
			if (in.addr & 0x7) {
				err = SIM_ERR(-EINVAL, "user fence addr %#llx unaligned",
					      (unsigned long long)in.addr);
				break;
			}
			s[i].addr = in.addr;
			s[i].value = in.timeline_value;
			break;
		default:
			err = SIM_ERR(-EINVAL, "sync type %u", in.type);
			break;
		}
		if (err)
			break;
	}
	if (err) {
		sim_syncs_free(s, num);
		return err;
	}
	*out = s;
	return 0;
}

struct ufence_write {
	struct sim_fence_cb cb;
	uint64_t addr, value;
};

/* A bind's user fence is written by the CPU (user_fence_worker). */
static void ufence_cb(struct sim_fence_cb *cb)
{
	struct ufence_write *w = sim_container_of(cb, struct ufence_write, cb);

	if (sim_copy_to_user(w->addr, &w->value, sizeof(w->value)))
		sim_debug("user fence %#llx not writable", (unsigned long long)w->addr);
	free(w);
}

/*
 * Install @f in every signal entry. User fences are written when @f signals
 * unless the job writes them itself (exec: the ring's MI_STORE_DATA_IMM).
 */
void sim_syncs_signal(struct sim_sync *s, uint32_t num, struct sim_fence *f)
{
	for (uint32_t i = 0; i < num; i++) {
		if (!s[i].signal)
			continue;
		switch (s[i].type) {
		case DRM_XE_SYNC_TYPE_SYNCOBJ:
			sim_syncobj_replace(s[i].syncobj, f);
			break;
		case DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ:
			sim_syncobj_add_point(s[i].syncobj, s[i].point, f);
			break;
		case DRM_XE_SYNC_TYPE_USER_FENCE:
			if (s[i].addr) {
				struct ufence_write *w = calloc(1, sizeof(*w));

				if (!w)
					break;
				w->addr = s[i].addr;
				w->value = s[i].value;
				w->cb.func = ufence_cb;
				sim_fence_add_cb(f, &w->cb);
			}
			break;
		}
	}
}

void sim_syncs_free(struct sim_sync *s, uint32_t num)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < num; i++) {
		sim_syncobj_put(s[i].syncobj);
		sim_fence_put(s[i].fence);
	}
	free(s);
}
