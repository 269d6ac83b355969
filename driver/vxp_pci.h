/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-xe-proxy: the virtual Intel PCI function (vxp_pci.c).
 */
#ifndef VXP_PCI_H
#define VXP_PCI_H

struct vxp_device;

int vxp_pci_register(void);
void vxp_pci_unregister(void);
int vxp_pci_create(struct vxp_device *vxp);
void vxp_pci_destroy(struct vxp_device *vxp);

#endif /* VXP_PCI_H */
