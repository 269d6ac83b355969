// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-xe-proxy: the virtual Intel PCI function the xe DRM device hangs
 * off, so user space (libdrm's drmGetDevice2(), Mesa, iHD, IGT) finds the
 * vendor, device and revision ids of the host GPU where it always looks.
 *
 * The module creates its own PCI root bus on a free domain (the way
 * drivers/pci/controller/vmd.c hosts a domain of its own) with one function
 * whose config space is emulated here: class 0x038000, no BARs, no
 * interrupt. driver_override keeps every other PCI driver (xe, i915) away
 * from it and binds it to this module's own PCI driver: a real Xe function
 * always has a bound driver, and user space such as IGT's device scan
 * (lib/igt_device_scan.c) asserts that it does.
 */
#include <linux/dma-mapping.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "vxp_drv.h"
#include "vxp_pci.h"

#ifndef CONFIG_X86
#error "virtio_xe_proxy creates its PCI domain through x86's struct pci_sysdata"
#endif

/**
 * struct vxp_pci - the emulated function and its bus
 * @sysdata: x86 PCI host data; carries the domain number
 * @bus: the root bus
 * @pdev: the function, devfn 0 on bus 0
 * @config: its config space (the standard 256-byte header)
 */
struct vxp_pci {
	struct pci_sysdata sysdata;
	struct pci_bus *bus;
	struct pci_dev *pdev;
	u8 config[PCI_CFG_SPACE_SIZE];
};

static struct vxp_pci *bus_to_vxp_pci(struct pci_bus *bus)
{
	return container_of(bus->sysdata, struct vxp_pci, sysdata);
}

static int vxp_pci_read(struct pci_bus *bus, unsigned int devfn, int where,
			int size, u32 *val)
{
	struct vxp_pci *vp = bus_to_vxp_pci(bus);

	if (bus->number || devfn || where < 0 || size > 4 ||
	    where + size > PCI_CFG_SPACE_SIZE) {
		*val = ~0U;
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	switch (size) {
	case 1:
		*val = vp->config[where];
		break;
	case 2:
		*val = get_unaligned_le16(&vp->config[where]);
		break;
	default:
		*val = get_unaligned_le32(&vp->config[where]);
		break;
	}
	return PCIBIOS_SUCCESSFUL;
}

/* Only the command register is writable; there is nothing behind it. */
static int vxp_pci_write(struct pci_bus *bus, unsigned int devfn, int where,
			 int size, u32 val)
{
	struct vxp_pci *vp = bus_to_vxp_pci(bus);

	if (bus->number || devfn || where < 0 || where + size > PCI_CFG_SPACE_SIZE)
		return PCIBIOS_DEVICE_NOT_FOUND;
	if (where == PCI_COMMAND && size == 2)
		put_unaligned_le16(val & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
				   &vp->config[PCI_COMMAND]);
	return PCIBIOS_SUCCESSFUL;
}

/*
 * Protects picking a free domain and creating a bus there, between our own
 * devices probing at once. pci_rescan_remove_lock is deliberately not taken: our probe and
 * remove run under it whenever the virtio-gpu function itself is rescanned
 * or hot-unplugged (sysfs "remove"/"rescan", ACPI hotplug), and taking it
 * again would deadlock. drivers/pci/controller/vmd.c, which also hosts a
 * root bus from a driver's probe and remove, does not take it either.
 */
static DEFINE_MUTEX(vxp_pci_create_lock);

static struct pci_ops vxp_pci_ops = {
	.read = vxp_pci_read,
	.write = vxp_pci_write,
};

/* Binds only functions on our own buses; there is nothing to set up. */
static int vxp_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	if (pdev->bus->ops != &vxp_pci_ops)
		return -ENODEV;
	return 0;
}

static void vxp_pci_remove(struct pci_dev *pdev)
{
}

static struct pci_driver vxp_pci_driver = {
	.name = KBUILD_MODNAME,
	.probe = vxp_pci_probe,
	.remove = vxp_pci_remove,
};

/**
 * vxp_pci_register() - register the PCI driver for our functions
 *
 * Called at module load, before any function exists.
 *
 * Return: 0 or a negative errno.
 */
int vxp_pci_register(void)
{
	return pci_register_driver(&vxp_pci_driver);
}

/**
 * vxp_pci_unregister() - unregister it, after every function is gone
 */
void vxp_pci_unregister(void)
{
	pci_unregister_driver(&vxp_pci_driver);
}

/* The highest domain at or below 0xffff that has no bus yet. */
static int vxp_pci_free_domain(void)
{
	struct pci_bus *bus = NULL;
	unsigned long *used;
	int domain;

	used = bitmap_zalloc(0x10000, GFP_KERNEL);
	if (!used)
		return -ENOMEM;
	while ((bus = pci_find_next_bus(bus)))
		if (pci_domain_nr(bus) >= 0 && pci_domain_nr(bus) <= 0xffff)
			set_bit(pci_domain_nr(bus), used);
	for (domain = 0xffff; domain > 0; domain--)
		if (!test_bit(domain, used))
			break;
	bitmap_free(used);
	return domain > 0 ? domain : -ENOSPC;
}

static void vxp_pci_fill_config(struct vxp_pci *vp, u16 device, u8 revision)
{
	u8 *c = vp->config;

	put_unaligned_le16(PCI_VENDOR_ID_INTEL, &c[PCI_VENDOR_ID]);
	put_unaligned_le16(device, &c[PCI_DEVICE_ID]);
	c[PCI_REVISION_ID] = revision;
	/* class 0x038000: display controller, "other" (no VGA, no 3D BAR) */
	c[PCI_CLASS_PROG] = 0x00;
	put_unaligned_le16(PCI_CLASS_DISPLAY_OTHER, &c[PCI_CLASS_DEVICE]);
	c[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_unaligned_le16(PCI_VENDOR_ID_INTEL, &c[PCI_SUBSYSTEM_VENDOR_ID]);
	put_unaligned_le16(device, &c[PCI_SUBSYSTEM_ID]);
	/* BARs, capabilities, interrupt line and pin stay zero. */
}

/*
 * pci_remove_root_bus() deletes the host bridge device but leaves the
 * reference pci_create_root_bus() returned with it to its creator.
 */
static void vxp_pci_remove_bus(struct pci_bus *bus)
{
	struct pci_host_bridge *bridge = to_pci_host_bridge(bus->bridge);

	pci_stop_root_bus(bus);
	pci_remove_root_bus(bus);
	pci_free_host_bridge(bridge);
}

/**
 * vxp_pci_create() - create the bus and the function for a device
 * @vxp: the device; its capset names the host GPU
 *
 * On success vxp->pci and vxp->pdev are set.
 *
 * Return: 0 or a negative errno.
 */
int vxp_pci_create(struct vxp_device *vxp)
{
	struct device *parent = &vxp->vdev->dev;
	struct resource busn = DEFINE_RES_NAMED(0, 1, "virtio-xe-proxy bus",
						IORESOURCE_BUS);
	struct vxp_pci *vp;
	struct pci_dev *pdev;
	LIST_HEAD(resources);
	int domain, ret;

	vp = kzalloc_obj(*vp, GFP_KERNEL);
	if (!vp)
		return -ENOMEM;
	vxp_pci_fill_config(vp, le32_to_cpu(vxp->capset.u.xe.pci_device_id),
			    le32_to_cpu(vxp->capset.u.xe.pci_revision_id));
	vp->sysdata.node = NUMA_NO_NODE;

	mutex_lock(&vxp_pci_create_lock);
	domain = vxp_pci_free_domain();
	if (domain < 0) {
		ret = domain;
		goto err_unlock;
	}
	vp->sysdata.domain = domain;
	pci_add_resource(&resources, &busn);
	vp->bus = pci_create_root_bus(parent, 0, &vxp_pci_ops, &vp->sysdata,
				      &resources);
	if (!vp->bus) {
		pci_free_resource_list(&resources);
		ret = -ENODEV;
		goto err_unlock;
	}
	pci_scan_child_bus(vp->bus);
	pdev = pci_get_slot(vp->bus, PCI_DEVFN(0, 0));
	if (!pdev) {
		ret = -ENODEV;
		goto err_bus;
	}
	/* Before the device is added, so no other PCI driver probes it. */
	ret = device_set_driver_override(&pdev->dev, vxp_pci_driver.name);
	if (ret) {
		pci_dev_put(pdev);
		goto err_bus;
	}
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret) {
		pci_dev_put(pdev);
		goto err_bus;
	}
	vp->pdev = pdev;
	pci_bus_add_devices(vp->bus);
	mutex_unlock(&vxp_pci_create_lock);

	vxp->pci = vp;
	vxp->pdev = pdev;
	pci_info(pdev, "virtual Intel GPU function for %s (host 8086:%04x rev %02x)\n",
		 dev_name(parent), le32_to_cpu(vxp->capset.u.xe.pci_device_id),
		 le32_to_cpu(vxp->capset.u.xe.pci_revision_id));
	return 0;

err_bus:
	vxp_pci_remove_bus(vp->bus);
err_unlock:
	mutex_unlock(&vxp_pci_create_lock);
	kfree(vp);
	return ret;
}

/**
 * vxp_pci_destroy() - remove the function and the bus
 * @vxp: the device
 */
void vxp_pci_destroy(struct vxp_device *vxp)
{
	struct vxp_pci *vp = vxp->pci;

	if (!vp)
		return;
	/* no pci_lock_rescan_remove(): see vxp_pci_create_lock */
	pci_dev_put(vp->pdev);
	vxp_pci_remove_bus(vp->bus);
	kfree(vp);
	vxp->pci = NULL;
	vxp->pdev = NULL;
}
