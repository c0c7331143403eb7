/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libusb in the event loop.
 *
 * The problem: libusb wants to be driven (libusb_handle_events*) and the
 * daemon has one thread and one sd-event loop that must never spin.
 * libusb exposes the fds it waits on (its event pipe, the usbdevfs fds of
 * open devices, and on Linux a timerfd for transfer timeouts, so
 * libusb_pollfds_handle_timeouts() is true and no timer of ours is needed);
 * we add each as an sd-event I/O source, follow additions and removals
 * through the pollfd notifiers, and call libusb_handle_events_timeout with
 * a zero timeout whenever one is ready.  Hotplug and transfer callbacks
 * then run inside that call, on our thread.
 *
 * Bulk source: N transfers are kept in flight on the IN endpoint and
 * resubmitted as they complete.  Closing cancels them; each frees itself
 * in its callback and the last one out releases the interface and closes
 * the handle (deferred to the loop, outside libusb's own callback).
 */
#include <errno.h>
#include <libusb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/log.h"
#include "usb.h"

#define N_XFER 4
#define XFER_BYTES 1024
#define MAX_POLLFDS 32

struct pollfd_src {
	int fd;
	sd_event_source *src;
};

struct hfd_usb {
	sd_event *ev;
	libusb_context *ctx;
	struct hfd_vid_pid watch[HFD_MAX_VID_PID + 1];
	int n_watch;
	struct hfd_usb_cb cb;
	void *user;
	libusb_hotplug_callback_handle hotplug;
	bool have_hotplug;
	struct pollfd_src fds[MAX_POLLFDS];
	/* the bulk source */
	libusb_device_handle *handle;
	int iface;
	struct libusb_transfer *xfer[N_XFER];
	int in_flight;
	bool closing;
	sd_event_source *close_defer;
};

static void usb_log(libusb_context *ctx, enum libusb_log_level level, const char *str)
{
	char buf[512];
	size_t n;

	snprintf(buf, sizeof buf, "%s", str);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	hf_log(level <= LIBUSB_LOG_LEVEL_ERROR ? HF_LOG_WARNING : HF_LOG_DEBUG,
	       "libusb: %s", buf);
}

/* ---- the fds ---- */

static int on_usb_fd(sd_event_source *s, int fd, uint32_t revents, void *user)
{
	struct hfd_usb *u = user;
	struct timeval zero = {0, 0};

	libusb_handle_events_timeout_completed(u->ctx, &zero, NULL);
	return 0;
}

static uint32_t epoll_events(short events)
{
	return (events & POLLIN ? EPOLLIN : 0) | (events & POLLOUT ? EPOLLOUT : 0);
}

static void add_fd(int fd, short events, void *user)
{
	struct hfd_usb *u = user;

	for (int i = 0; i < MAX_POLLFDS; i++) {
		if (u->fds[i].src)
			continue;
		if (sd_event_add_io(u->ev, &u->fds[i].src, fd, epoll_events(events),
				    on_usb_fd, u) < 0) {
			hf_err_log("libusb fd %d: cannot watch it", fd);
			return;
		}
		u->fds[i].fd = fd;
		return;
	}
	hf_err_log("libusb: more than %d fds", MAX_POLLFDS);
}

static void remove_fd(int fd, void *user)
{
	struct hfd_usb *u = user;

	for (int i = 0; i < MAX_POLLFDS; i++) {
		if (u->fds[i].src && u->fds[i].fd == fd) {
			sd_event_source_disable_unref(u->fds[i].src);
			u->fds[i].src = NULL;
		}
	}
}

static void add_existing_fds(struct hfd_usb *u)
{
	const struct libusb_pollfd **list = libusb_get_pollfds(u->ctx);

	for (int i = 0; list && list[i]; i++)
		add_fd(list[i]->fd, list[i]->events, u);
	libusb_free_pollfds(list);
}

/* ---- hotplug ---- */

static bool watched(const struct hfd_usb *u, uint16_t vid, uint16_t pid)
{
	for (int i = 0; i < u->n_watch; i++)
		if (u->watch[i].vid == vid && u->watch[i].pid == pid)
			return true;
	return false;
}

static int on_hotplug(libusb_context *ctx, libusb_device *dev,
		      libusb_hotplug_event event, void *user)
{
	struct hfd_usb *u = user;
	struct libusb_device_descriptor d;

	if (libusb_get_device_descriptor(dev, &d) != 0 ||
	    !watched(u, d.idVendor, d.idProduct))
		return 0;
	hf_info("usb %04x:%04x %s (bus %d device %d)", d.idVendor, d.idProduct,
		event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? "arrived" : "left",
		libusb_get_bus_number(dev), libusb_get_device_address(dev));
	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED && u->cb.arrived)
		u->cb.arrived(u->user, d.idVendor, d.idProduct);
	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT && u->cb.left)
		u->cb.left(u->user, d.idVendor, d.idProduct);
	return 0;
}

static void register_hotplug(struct hfd_usb *u)
{
	int r;

	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		hf_info("libusb: no hotplug here; lost sensors are found by retrying");
		return;
	}
	r = libusb_hotplug_register_callback(u->ctx,
		LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
		0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
		LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug, u, &u->hotplug);
	if (r != LIBUSB_SUCCESS)
		hf_warn("libusb hotplug: %s", libusb_strerror(r));
	else
		u->have_hotplug = true;
}

int hfd_usb_new(struct hfd_usb **out, sd_event *ev, const struct hfd_vid_pid *watch,
		int n, const struct hfd_usb_cb *cb, void *user)
{
	struct hfd_usb *u = calloc(1, sizeof *u);
	int r;

	*out = NULL;
	if (!u)
		return HF_ERR_NOMEM;
	u->ev = ev;
	u->n_watch = n < HFD_MAX_VID_PID + 1 ? n : HFD_MAX_VID_PID + 1;
	memcpy(u->watch, watch, (size_t)u->n_watch * sizeof *watch);
	u->cb = *cb;
	u->user = user;
	libusb_set_log_cb(NULL, usb_log, LIBUSB_LOG_CB_GLOBAL);
	r = libusb_init(&u->ctx);
	if (r != LIBUSB_SUCCESS) {
		hf_info("libusb unavailable (%s): no USB hotplug or bulk source",
			libusb_strerror(r));
		free(u);
		return HF_ERR_NODEV;
	}
	libusb_set_option(u->ctx, LIBUSB_OPTION_LOG_LEVEL,
			  hf_log_get_level() >= HF_LOG_DEBUG ? LIBUSB_LOG_LEVEL_INFO :
							       LIBUSB_LOG_LEVEL_WARNING);
	libusb_set_pollfd_notifiers(u->ctx, add_fd, remove_fd, u);
	add_existing_fds(u);
	register_hotplug(u);
	*out = u;
	return HF_OK;
}

/* ---- bulk source ---- */

static void finish_close(struct hfd_usb *u)
{
	if (!u->handle)
		return;
	libusb_release_interface(u->handle, u->iface);
	libusb_close(u->handle);
	u->handle = NULL;
	u->closing = false;
}

static int on_close_defer(sd_event_source *s, void *user)
{
	struct hfd_usb *u = user;

	sd_event_source_disable_unref(u->close_defer);
	u->close_defer = NULL;
	if (u->in_flight == 0)
		finish_close(u);
	return 0;
}

static void schedule_close(struct hfd_usb *u)
{
	if (u->close_defer || sd_event_add_defer(u->ev, &u->close_defer,
						 on_close_defer, u) >= 0)
		return;
	finish_close(u); /* cannot defer: close now */
}

static void retire(struct hfd_usb *u, struct libusb_transfer *t)
{
	for (int i = 0; i < N_XFER; i++)
		if (u->xfer[i] == t)
			u->xfer[i] = NULL;
	free(t->buffer);
	t->buffer = NULL;
	libusb_free_transfer(t);
	u->in_flight--;
	if (u->in_flight == 0 && u->closing)
		schedule_close(u);
}

static void on_transfer(struct libusb_transfer *t)
{
	struct hfd_usb *u = t->user_data;
	bool ok = t->status == LIBUSB_TRANSFER_COMPLETED ||
		  t->status == LIBUSB_TRANSFER_TIMED_OUT;

	if (ok && !u->closing && t->actual_length > 0 && u->cb.data)
		u->cb.data(u->user, t->buffer, (size_t)t->actual_length);
	if (ok && !u->closing && libusb_submit_transfer(t) == LIBUSB_SUCCESS)
		return;
	if (!u->closing) {
		hf_notice("usb bulk source: %s", t->status == LIBUSB_TRANSFER_NO_DEVICE ?
			  "device gone" : libusb_error_name((int)t->status));
		hfd_usb_bulk_close(u);
		if (u->cb.gone)
			u->cb.gone(u->user);
	}
	retire(u, t);
}

static int submit_transfers(struct hfd_usb *u, int ep)
{
	for (int i = 0; i < N_XFER; i++) {
		struct libusb_transfer *t = libusb_alloc_transfer(0);
		uint8_t *buf = malloc(XFER_BYTES);
		if (!t || !buf) {
			libusb_free_transfer(t);
			free(buf);
			return HF_ERR_NOMEM;
		}
		libusb_fill_bulk_transfer(t, u->handle, (unsigned char)ep, buf, XFER_BYTES,
					  on_transfer, u, 0);
		if (libusb_submit_transfer(t) != LIBUSB_SUCCESS) {
			free(buf);
			libusb_free_transfer(t);
			return HF_ERR_SYS;
		}
		u->xfer[i] = t;
		u->in_flight++;
	}
	return HF_OK;
}

static libusb_device_handle *open_first(struct hfd_usb *u, struct hfd_vid_pid id,
					char *name, size_t len)
{
	libusb_device **list;
	libusb_device_handle *h = NULL;
	ssize_t n = libusb_get_device_list(u->ctx, &list);

	for (ssize_t i = 0; i < n && !h; i++) {
		struct libusb_device_descriptor d;
		if (libusb_get_device_descriptor(list[i], &d) != 0 ||
		    d.idVendor != id.vid || d.idProduct != id.pid)
			continue;
		if (libusb_open(list[i], &h) != LIBUSB_SUCCESS) {
			hf_warn("usb %04x:%04x: cannot open (permissions?)", id.vid, id.pid);
			h = NULL;
			continue;
		}
		snprintf(name, len, "usb:%03d-%03d", libusb_get_bus_number(list[i]),
			 libusb_get_device_address(list[i]));
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return h;
}

int hfd_usb_bulk_open(struct hfd_usb *u, struct hfd_vid_pid id, int iface, int ep,
		      char *name, size_t len)
{
	int r;

	if (!u || u->handle)
		return u && u->closing ? HF_ERR_NODEV : HF_ERR_ARG;
	u->handle = open_first(u, id, name, len);
	if (!u->handle)
		return HF_ERR_NODEV;
	libusb_set_auto_detach_kernel_driver(u->handle, 1);
	r = libusb_claim_interface(u->handle, iface);
	if (r != LIBUSB_SUCCESS) {
		hf_warn("%s: cannot claim interface %d: %s", name, iface, libusb_strerror(r));
		libusb_close(u->handle);
		u->handle = NULL;
		return HF_ERR_SYS;
	}
	u->iface = iface;
	u->closing = false;
	r = submit_transfers(u, ep);
	if (r != HF_OK) {
		hf_warn("%s: cannot start bulk transfers on endpoint 0x%02x", name, ep);
		hfd_usb_bulk_close(u);
	}
	return r;
}

void hfd_usb_bulk_close(struct hfd_usb *u)
{
	if (!u || !u->handle || u->closing)
		return;
	u->closing = true;
	for (int i = 0; i < N_XFER; i++)
		if (u->xfer[i])
			libusb_cancel_transfer(u->xfer[i]);
	if (u->in_flight == 0)
		schedule_close(u);
}

bool hfd_usb_bulk_is_open(const struct hfd_usb *u)
{
	return u && u->handle && !u->closing;
}

void hfd_usb_free(struct hfd_usb *u)
{
	struct timeval tv = {0, 100000};

	if (!u)
		return;
	hfd_usb_bulk_close(u);
	for (int i = 0; i < 10 && u->in_flight > 0; i++)
		libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
	if (u->in_flight == 0)
		finish_close(u);
	if (u->close_defer)
		sd_event_source_disable_unref(u->close_defer);
	if (u->have_hotplug)
		libusb_hotplug_deregister_callback(u->ctx, u->hotplug);
	libusb_set_pollfd_notifiers(u->ctx, NULL, NULL, NULL);
	for (int i = 0; i < MAX_POLLFDS; i++)
		if (u->fds[i].src)
			sd_event_source_disable_unref(u->fds[i].src);
	libusb_exit(u->ctx);
	free(u);
}
