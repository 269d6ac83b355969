// SPDX-License-Identifier: MIT
/*
 * libxe_sim_udev: the udev view of the simulated devices, for programs that
 * find their GPUs by scanning udev (IGT's lib/igt_device_scan.c: the
 * "pci:vendor=intel,card=all" filters of its multi-GPU tests). Loaded with
 * LD_PRELOAD after libxe_sim.so, whose devices it lists; it replaces libudev
 * for the whole process, so only test programs load it (QEMU uses udev).
 *
 * Each simulated device i is a PCI function bound to xe with two DRM
 * children, card<i> and renderD<128 + i>, with the properties and sysfs
 * attributes udev gives a real one (drivers/base, drivers/pci/pci-driver.c
 * pci_uevent(), drivers/gpu/drm/drm_sysfs.c). Enumeration supports the
 * subsystem and property matches IGT uses; a monitor is never available.
 */
#include <fnmatch.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#define UDEV_EXPORT __attribute__((visibility("default")))
#define MAX_GPUS	4
#define MAX_ENTRIES	16
#define DRM_MAJOR	226

/* libxe_sim.so: the PCI device ids of the simulated devices, in order */
int xe_sim_pci_ids(uint16_t *ids, int max) __attribute__((weak));

struct udev_list_entry {
	struct udev_list_entry *next;
	char *name, *value;
};

struct udev {
	int refcount;
};

struct udev_device {
	int refcount;
	struct udev *udev;
	char *syspath, *sysname, *subsystem, *devnode;
	dev_t devnum;
	struct udev_device *parent;	/* cached, as libudev does */
	struct udev_list_entry *props, *attrs;
};

struct udev_enumerate {
	int refcount;
	struct udev *udev;
	char *subsystem;		/* NULL: any */
	char *prop_name, *prop_glob;	/* NULL: any */
	struct udev_list_entry *list;
};

static void list_free(struct udev_list_entry *e)
{
	while (e) {
		struct udev_list_entry *n = e->next;

		free(e->name);
		free(e->value);
		free(e);
		e = n;
	}
}

/* Append @name=@value to the list at @head; false when out of memory. */
static bool list_add(struct udev_list_entry **head, const char *name,
		     const char *value)
{
	struct udev_list_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return false;
	e->name = strdup(name);
	e->value = value ? strdup(value) : NULL;
	if (!e->name || (value && !e->value)) {
		list_free(e);
		return false;
	}
	while (*head)
		head = &(*head)->next;
	*head = e;
	return true;
}

static const char *list_find(const struct udev_list_entry *e, const char *name)
{
	for (; e; e = e->next)
		if (!strcmp(e->name, name))
			return e->value;
	return NULL;
}

/* The simulated devices: their number, and the PCI id of device @i. */
static int gpus(uint16_t ids[MAX_GPUS])
{
	int n = xe_sim_pci_ids ? xe_sim_pci_ids(ids, MAX_GPUS) : 0;

	return n < 0 ? 0 : n > MAX_GPUS ? MAX_GPUS : n;
}

/*
 * Where device @i sits: an integrated part is 0000:00:02.0 on every Intel
 * platform; further devices get a bus of their own, as a discrete card.
 */
static void pci_slot(int i, char *buf, size_t len)
{
	if (i == 0)
		snprintf(buf, len, "0000:00:02.0");
	else
		snprintf(buf, len, "0000:%02x:00.0", 2 + i);
}

static void pci_syspath(int i, char *buf, size_t len)
{
	char slot[16];

	pci_slot(i, slot, sizeof(slot));
	snprintf(buf, len, "/sys/devices/pci0000:00/%s", slot);
}

static struct udev_device *device_alloc(struct udev *udev, const char *syspath,
					const char *subsystem)
{
	struct udev_device *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->refcount = 1;
	d->udev = udev;
	d->syspath = strdup(syspath);
	d->subsystem = strdup(subsystem);
	d->sysname = d->syspath ? strdup(strrchr(d->syspath, '/') + 1) : NULL;
	if (!d->syspath || !d->subsystem || !d->sysname) {
		free(d->syspath);
		free(d->subsystem);
		free(d->sysname);
		free(d);
		return NULL;
	}
	udev->refcount++;
	return d;
}

UDEV_EXPORT struct udev_device *udev_device_unref(struct udev_device *d);

/* The PCI function of device @i. */
static struct udev_device *pci_device(struct udev *udev, int i, uint16_t id)
{
	char path[96], slot[16], buf[64];
	struct udev_device *d;
	bool ok = true;

	pci_syspath(i, path, sizeof(path));
	pci_slot(i, slot, sizeof(slot));
	d = device_alloc(udev, path, "pci");
	if (!d)
		return NULL;
	ok &= list_add(&d->props, "DEVPATH", path + strlen("/sys"));
	ok &= list_add(&d->props, "SUBSYSTEM", "pci");
	ok &= list_add(&d->props, "DRIVER", "xe");
	ok &= list_add(&d->props, "PCI_CLASS", "30000");	/* VGA controller */
	snprintf(buf, sizeof(buf), "8086:%04X", id);
	ok &= list_add(&d->props, "PCI_ID", buf);
	ok &= list_add(&d->props, "PCI_SUBSYS_ID", buf);
	ok &= list_add(&d->props, "PCI_SLOT_NAME", slot);
	snprintf(buf, sizeof(buf), "pci:v00008086d%08Xsv00008086sd%08Xbc03sc00i00",
		 id, id);
	ok &= list_add(&d->props, "MODALIAS", buf);
	ok &= list_add(&d->attrs, "vendor", "0x8086");
	snprintf(buf, sizeof(buf), "0x%04x", id);
	ok &= list_add(&d->attrs, "device", buf);
	ok &= list_add(&d->attrs, "class", "0x030000");
	ok &= list_add(&d->attrs, "driver", "xe");
	if (!ok)
		return udev_device_unref(d);
	return d;
}

/* DRM minor @minor of device @i: card<i> or renderD<128 + i>. */
static struct udev_device *drm_device(struct udev *udev, int i, unsigned int minor)
{
	char path[128], name[16], buf[48];
	struct udev_device *d;
	bool ok = true;

	pci_syspath(i, path, sizeof(path));
	snprintf(name, sizeof(name), minor >= 128 ? "renderD%u" : "card%u", minor);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/drm/%s", name);
	d = device_alloc(udev, path, "drm");
	if (!d)
		return NULL;
	d->devnum = makedev(DRM_MAJOR, minor);
	snprintf(buf, sizeof(buf), "/dev/dri/%s", name);
	d->devnode = strdup(buf);
	ok &= d->devnode != NULL;
	ok &= list_add(&d->props, "DEVPATH", path + strlen("/sys"));
	ok &= list_add(&d->props, "SUBSYSTEM", "drm");
	ok &= list_add(&d->props, "DEVNAME", buf);
	ok &= list_add(&d->props, "DEVTYPE", "drm_minor");
	snprintf(buf, sizeof(buf), "%u", DRM_MAJOR);
	ok &= list_add(&d->props, "MAJOR", buf);
	snprintf(buf, sizeof(buf), "%u", minor);
	ok &= list_add(&d->props, "MINOR", buf);
	snprintf(buf, sizeof(buf), "%u:%u", DRM_MAJOR, minor);
	ok &= list_add(&d->attrs, "dev", buf);
	if (!ok)
		return udev_device_unref(d);
	return d;
}

/* ---- struct udev ---- */

UDEV_EXPORT struct udev *udev_new(void)
{
	struct udev *u = calloc(1, sizeof(*u));

	if (u)
		u->refcount = 1;
	return u;
}

UDEV_EXPORT struct udev *udev_ref(struct udev *u)
{
	if (u)
		u->refcount++;
	return u;
}

UDEV_EXPORT struct udev *udev_unref(struct udev *u)
{
	if (u && !--u->refcount)
		free(u);
	return NULL;
}

/* ---- list entries ---- */

UDEV_EXPORT struct udev_list_entry *udev_list_entry_get_next(struct udev_list_entry *e)
{
	return e ? e->next : NULL;
}

UDEV_EXPORT const char *udev_list_entry_get_name(struct udev_list_entry *e)
{
	return e ? e->name : NULL;
}

UDEV_EXPORT const char *udev_list_entry_get_value(struct udev_list_entry *e)
{
	return e ? e->value : NULL;
}

/* ---- devices ---- */

/* The device at @syspath, or NULL (errno ENODEV) when there is none. */
UDEV_EXPORT struct udev_device *udev_device_new_from_syspath(struct udev *udev,
							     const char *syspath)
{
	uint16_t ids[MAX_GPUS];
	int n = gpus(ids);

	for (int i = 0; udev && syspath && i < n; i++) {
		char path[96];
		size_t len;

		pci_syspath(i, path, sizeof(path));
		len = strlen(path);
		if (!strcmp(syspath, path))
			return pci_device(udev, i, ids[i]);
		if (strncmp(syspath, path, len))
			continue;
		snprintf(path, sizeof(path), "/drm/card%d", i);
		if (!strcmp(syspath + len, path))
			return drm_device(udev, i, i);
		snprintf(path, sizeof(path), "/drm/renderD%d", 128 + i);
		if (!strcmp(syspath + len, path))
			return drm_device(udev, i, 128 + i);
	}
	return NULL;
}

UDEV_EXPORT struct udev_device *udev_device_ref(struct udev_device *d)
{
	if (d)
		d->refcount++;
	return d;
}

UDEV_EXPORT struct udev_device *udev_device_unref(struct udev_device *d)
{
	if (!d || --d->refcount)
		return NULL;
	udev_device_unref(d->parent);
	list_free(d->props);
	list_free(d->attrs);
	free(d->syspath);
	free(d->sysname);
	free(d->subsystem);
	free(d->devnode);
	udev_unref(d->udev);
	free(d);
	return NULL;
}

UDEV_EXPORT struct udev *udev_device_get_udev(struct udev_device *d)
{
	return d ? d->udev : NULL;
}

/* A DRM node's parent is its PCI function, which has none we model. */
UDEV_EXPORT struct udev_device *udev_device_get_parent(struct udev_device *d)
{
	const char *end;
	char path[128];

	if (!d || strcmp(d->subsystem, "drm"))
		return NULL;
	if (!d->parent) {
		end = strstr(d->syspath, "/drm/");
		if (!end || end - d->syspath >= (ptrdiff_t)sizeof(path))
			return NULL;
		memcpy(path, d->syspath, end - d->syspath);
		path[end - d->syspath] = '\0';
		d->parent = udev_device_new_from_syspath(d->udev, path);
	}
	return d->parent;
}

UDEV_EXPORT struct udev_device *
udev_device_get_parent_with_subsystem_devtype(struct udev_device *d,
					      const char *subsystem,
					      const char *devtype)
{
	struct udev_device *p = udev_device_get_parent(d);

	/* a PCI function has no devtype */
	if (!p || (subsystem && strcmp(p->subsystem, subsystem)) || devtype)
		return NULL;
	return p;
}

UDEV_EXPORT const char *udev_device_get_syspath(struct udev_device *d)
{
	return d ? d->syspath : NULL;
}

UDEV_EXPORT const char *udev_device_get_sysname(struct udev_device *d)
{
	return d ? d->sysname : NULL;
}

UDEV_EXPORT const char *udev_device_get_subsystem(struct udev_device *d)
{
	return d ? d->subsystem : NULL;
}

UDEV_EXPORT const char *udev_device_get_devnode(struct udev_device *d)
{
	return d ? d->devnode : NULL;
}

UDEV_EXPORT dev_t udev_device_get_devnum(struct udev_device *d)
{
	return d ? d->devnum : makedev(0, 0);
}

UDEV_EXPORT const char *udev_device_get_devtype(struct udev_device *d)
{
	return d ? list_find(d->props, "DEVTYPE") : NULL;
}

UDEV_EXPORT const char *udev_device_get_driver(struct udev_device *d)
{
	return d ? list_find(d->props, "DRIVER") : NULL;
}

UDEV_EXPORT struct udev_list_entry *
udev_device_get_properties_list_entry(struct udev_device *d)
{
	return d ? d->props : NULL;
}

UDEV_EXPORT const char *udev_device_get_property_value(struct udev_device *d,
						       const char *key)
{
	return d && key ? list_find(d->props, key) : NULL;
}

UDEV_EXPORT struct udev_list_entry *
udev_device_get_sysattr_list_entry(struct udev_device *d)
{
	return d ? d->attrs : NULL;
}

UDEV_EXPORT const char *udev_device_get_sysattr_value(struct udev_device *d,
						      const char *attr)
{
	return d && attr ? list_find(d->attrs, attr) : NULL;
}

/* ---- enumeration ---- */

UDEV_EXPORT struct udev_enumerate *udev_enumerate_new(struct udev *udev)
{
	struct udev_enumerate *e;

	if (!udev)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->refcount = 1;
	e->udev = udev_ref(udev);
	return e;
}

UDEV_EXPORT struct udev_enumerate *udev_enumerate_ref(struct udev_enumerate *e)
{
	if (e)
		e->refcount++;
	return e;
}

UDEV_EXPORT struct udev_enumerate *udev_enumerate_unref(struct udev_enumerate *e)
{
	if (!e || --e->refcount)
		return NULL;
	list_free(e->list);
	free(e->subsystem);
	free(e->prop_name);
	free(e->prop_glob);
	udev_unref(e->udev);
	free(e);
	return NULL;
}

/* One subsystem match (the last one given), as IGT needs no more. */
UDEV_EXPORT int udev_enumerate_add_match_subsystem(struct udev_enumerate *e,
						   const char *subsystem)
{
	char *s;

	if (!e || !subsystem)
		return -22;	/* -EINVAL, as libudev returns */
	s = strdup(subsystem);
	if (!s)
		return -12;
	free(e->subsystem);
	e->subsystem = s;
	return 0;
}

/* One property match: @value is a shell glob, as in libudev. */
UDEV_EXPORT int udev_enumerate_add_match_property(struct udev_enumerate *e,
						  const char *property,
						  const char *value)
{
	char *n, *v;

	if (!e || !property || !value)
		return -22;
	n = strdup(property);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return -12;
	}
	free(e->prop_name);
	free(e->prop_glob);
	e->prop_name = n;
	e->prop_glob = v;
	return 0;
}

static bool matches(const struct udev_enumerate *e, struct udev_device *d)
{
	const char *v;

	if (e->subsystem && strcmp(e->subsystem, d->subsystem))
		return false;
	if (!e->prop_name)
		return true;
	v = list_find(d->props, e->prop_name);
	return v && !fnmatch(e->prop_glob, v, 0);
}

static bool consider(struct udev_enumerate *e, struct udev_device *d)
{
	bool ok = true;

	if (!d)
		return false;
	if (matches(e, d))
		ok = list_add(&e->list, d->syspath, NULL);
	udev_device_unref(d);
	return ok;
}

UDEV_EXPORT int udev_enumerate_scan_devices(struct udev_enumerate *e)
{
	uint16_t ids[MAX_GPUS];
	int n = gpus(ids);

	if (!e)
		return -22;
	list_free(e->list);
	e->list = NULL;
	for (int i = 0; i < n; i++) {
		if (!consider(e, pci_device(e->udev, i, ids[i])) ||
		    !consider(e, drm_device(e->udev, i, i)) ||
		    !consider(e, drm_device(e->udev, i, 128 + i)))
			return -12;
	}
	return 0;
}

UDEV_EXPORT struct udev_list_entry *
udev_enumerate_get_list_entry(struct udev_enumerate *e)
{
	return e ? e->list : NULL;
}

/* ---- monitors: there are no uevents to watch ---- */

struct udev_monitor;

UDEV_EXPORT struct udev_monitor *udev_monitor_new_from_netlink(struct udev *udev,
							       const char *name)
{
	(void)udev;
	(void)name;
	return NULL;
}

UDEV_EXPORT struct udev_monitor *udev_monitor_unref(struct udev_monitor *m)
{
	(void)m;
	return NULL;
}

UDEV_EXPORT int udev_monitor_filter_add_match_subsystem_devtype(struct udev_monitor *m,
								const char *subsystem,
								const char *devtype)
{
	(void)m;
	(void)subsystem;
	(void)devtype;
	return -22;
}

UDEV_EXPORT int udev_monitor_filter_update(struct udev_monitor *m)
{
	(void)m;
	return -22;
}

UDEV_EXPORT int udev_monitor_enable_receiving(struct udev_monitor *m)
{
	(void)m;
	return -22;
}

UDEV_EXPORT int udev_monitor_get_fd(struct udev_monitor *m)
{
	(void)m;
	return -22;
}

UDEV_EXPORT struct udev *udev_monitor_get_udev(struct udev_monitor *m)
{
	(void)m;
	return NULL;
}

UDEV_EXPORT struct udev_device *udev_monitor_receive_device(struct udev_monitor *m)
{
	(void)m;
	return NULL;
}
