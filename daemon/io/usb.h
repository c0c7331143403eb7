/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libusb inside the sd-event loop: hotplug notices for known sensors and a
 * bulk-endpoint byte source for sensors that stream over a vendor
 * interface.  No thread of ours and no polling: libusb's fds are sources
 * of the loop (libusb_get_pollfds / libusb_set_pollfd_notifiers).
 */
#ifndef HIPFORMD_USB_H
#define HIPFORMD_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "../config/config.h"

struct hfd_usb_cb {
	/* A device with a watched VID:PID arrived or left (hotplug). */
	void (*arrived)(void *user, uint16_t vid, uint16_t pid);
	void (*left)(void *user, uint16_t vid, uint16_t pid);
	/* Bytes from the open bulk endpoint. */
	void (*data)(void *user, const uint8_t *buf, size_t len);
	/* The open bulk device is gone or failed; it has been closed. */
	void (*gone)(void *user);
};

struct hfd_usb;

/*
 * Start libusb in loop ev, watching the VID:PIDs in watch (n of them) for
 * hotplug.  HF_OK, or HF_ERR_NODEV when libusb cannot start here (no USB
 * at all: the daemon goes on without it), HF_ERR_NOMEM.
 */
int hfd_usb_new(struct hfd_usb **out, sd_event *ev, const struct hfd_vid_pid *watch,
		int n, const struct hfd_usb_cb *cb, void *user);
void hfd_usb_free(struct hfd_usb *u);

/*
 * Open the first device with vid:pid, claim interface iface and stream
 * bulk IN endpoint ep through async transfers.  Fills name ("usb:B-D").
 * HF_OK, HF_ERR_NODEV (none present), HF_ERR_SYS (open/claim failed).
 */
int hfd_usb_bulk_open(struct hfd_usb *u, struct hfd_vid_pid id, int iface, int ep,
		      char *name, size_t len);
/* Cancel the transfers and close (finished asynchronously). */
void hfd_usb_bulk_close(struct hfd_usb *u);
bool hfd_usb_bulk_is_open(const struct hfd_usb *u);

#endif
