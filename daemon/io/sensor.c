/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sensor's life cycle in the event loop.
 *
 *   SEARCHING --open--> HUNTING --packets decode--> STREAMING
 *       ^                  |                            |
 *       +----- gone -------+---------- gone ------------+
 *
 * SEARCHING: a timer (retry_s) tries the configured source: a path, the
 * first USB serial adapter with a listed VID:PID ("auto"), or a USB bulk
 * endpoint.  A libusb hotplug arrival of a listed device brings the next
 * try forward (the tty node appears a moment after the USB device).
 *
 * HUNTING (serial, baud "auto"): the right speed is the one at which the
 * decoder sees good packets.  Each candidate gets a window; its bytes are
 * fed to a probe decoder and kept, and on success they are handed on, so
 * nothing that arrived at the winning speed is lost.  A pty or a fixed
 * baud skips this.
 *
 * STREAMING: bytes go to the data callback as they arrive.  A read of 0
 * bytes with POLLHUP, EIO, or a failed bulk transfer means the device is
 * gone: close, report, search again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipform/decoder.h"
#include "hipform/error.h"
#include "hipform/log.h"
#include "sensor.h"
#include "usb.h"

#define HUNT_WINDOW_US 1000000ULL
#define HUNT_BUF 8192
#define HUNT_MIN_SAMPLES 3
#define HOTPLUG_DELAY_US 300000ULL

static const int hunt_bauds[] = {9600, 115200, 230400, 460800};
#define N_HUNT_BAUDS (int)(sizeof hunt_bauds / sizeof hunt_bauds[0])

enum sensor_state { SEARCHING, HUNTING, STREAMING, STOPPED };

struct hfd_sensor {
	sd_event *ev;
	struct hfd_config cfg;
	struct hfd_sensor_cb cb;
	void *user;
	enum sensor_state state;
	struct hfd_port port;
	struct hfd_sensor_info info;
	sd_event_source *io, *retry, *hunt_timer;
	struct hfd_usb *usb;
	bool usb_streaming;
	/* hunting */
	int hunt_idx, hunt_tries;
	int good_baud;
	struct hf_decoder probe;
	uint8_t hunt_buf[HUNT_BUF];
	size_t hunt_len;
	bool not_found_logged;
};

static void start_search(struct hfd_sensor *s, uint64_t delay_us);

static uint64_t now_us(const struct hfd_sensor *s)
{
	uint64_t t = 0;

	sd_event_now(s->ev, CLOCK_MONOTONIC, &t);
	return t;
}

static void lose_device(struct hfd_sensor *s, const char *why)
{
	bool was_streaming = s->state == STREAMING;

	sd_event_source_disable_unref(s->io);
	s->io = NULL;
	sd_event_source_disable_unref(s->hunt_timer);
	s->hunt_timer = NULL;
	hfd_port_close(&s->port);
	if (s->usb_streaming)
		hfd_usb_bulk_close(s->usb);
	s->usb_streaming = false;
	s->state = SEARCHING;
	hf_notice("sensor %s: %s", s->info.path, why);
	if (was_streaming && s->cb.disconnected)
		s->cb.disconnected(s->user, why);
	start_search(s, (uint64_t)(s->cfg.retry_s * 1e6));
}

static void go_streaming(struct hfd_sensor *s)
{
	s->state = STREAMING;
	s->info.baud = s->port.fd >= 0 && s->port.driver != HFD_DRIVER_PTY ? s->port.baud : 0;
	s->good_baud = s->port.baud;
	if (s->cfg.setup && s->port.fd >= 0)
		hfd_port_witmotion_setup(&s->port, s->cfg.setup_rate_hz, s->cfg.setup_content);
	if (s->info.baud)
		hf_notice("sensor connected: %s (%s, %d baud)", s->info.path,
			  hfd_driver_name(s->info.driver), s->info.baud);
	else
		hf_notice("sensor connected: %s (%s)", s->info.path,
			  hfd_driver_name(s->info.driver));
	if (s->cb.connected)
		s->cb.connected(s->user, &s->info);
}

/* ---- hunting for the speed ---- */

static void hunt_try(struct hfd_sensor *s)
{
	int baud = hunt_bauds[s->hunt_idx];
	bool change = baud != s->port.baud;

	if (change && hfd_port_set_baud(&s->port, baud) != HF_OK) {
		lose_device(s, "cannot set the speed");
		return;
	}
	if (change)
		hfd_port_flush_input(&s->port); /* bytes at the old speed are garbage */
	hf_decoder_init(&s->probe, s->cfg.format, s->cfg.rate_hz);
	s->hunt_len = 0;
	hf_debug("%s: listening at %d baud", s->port.path, baud);
	sd_event_source_set_time(s->hunt_timer, now_us(s) + HUNT_WINDOW_US);
	sd_event_source_set_enabled(s->hunt_timer, SD_EVENT_ONESHOT);
}

static int on_hunt_timer(sd_event_source *src, uint64_t usec, void *user)
{
	struct hfd_sensor *s = user;

	s->hunt_idx = (s->hunt_idx + 1) % N_HUNT_BAUDS;
	if (s->hunt_idx == 0 && ++s->hunt_tries == 1)
		hf_notice("%s: no sensor data at any speed yet; still listening",
			  s->port.path);
	hunt_try(s);
	return 0;
}

static bool probe_good(const struct hf_decoder *d)
{
	const struct hf_decoder_stats *st = &d->stats;

	return st->samples >= HUNT_MIN_SAMPLES &&
	       st->bad_packets * 4 <= st->packets && st->bad_lines * 4 <= st->samples;
}

static void hunt_feed(struct hfd_sensor *s, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	struct hf_sample sample;

	if (s->hunt_len + len <= HUNT_BUF) {
		memcpy(s->hunt_buf + s->hunt_len, buf, len);
		s->hunt_len += len;
	}
	while (off < len) {
		size_t used = 0;
		if (hf_decoder_feed(&s->probe, buf + off, len - off, &used, &sample) < 0 ||
		    used == 0)
			break;
		off += used;
	}
	if (!probe_good(&s->probe))
		return;
	sd_event_source_set_enabled(s->hunt_timer, SD_EVENT_OFF);
	go_streaming(s);
	if (s->state == STREAMING && s->cb.data)
		s->cb.data(s->user, s->hunt_buf, s->hunt_len);
}

static int start_hunt(struct hfd_sensor *s)
{
	int r = sd_event_add_time(s->ev, &s->hunt_timer, CLOCK_MONOTONIC, 0, 10000,
				  on_hunt_timer, s);

	if (r < 0)
		return HF_ERR_NOMEM;
	s->state = HUNTING;
	s->hunt_tries = 0;
	s->hunt_idx = 0;
	for (int i = 0; i < N_HUNT_BAUDS; i++)
		if (hunt_bauds[i] == s->good_baud)
			s->hunt_idx = i;
	hunt_try(s);
	return HF_OK;
}

/* ---- reading ---- */

static int on_readable(sd_event_source *src, int fd, uint32_t revents, void *user)
{
	struct hfd_sensor *s = user;
	uint8_t buf[4096];

	for (int i = 0; i < 8 && (s->state == STREAMING || s->state == HUNTING); i++) {
		ssize_t n = hfd_port_read(&s->port, buf, sizeof buf);
		if (n < 0) {
			lose_device(s, "device gone");
			return 0;
		}
		if (n == 0)
			break;
		if (s->state == HUNTING)
			hunt_feed(s, buf, (size_t)n);
		else if (s->cb.data)
			s->cb.data(s->user, buf, (size_t)n);
		if ((size_t)n < sizeof buf)
			break;
	}
	return 0;
}

/* ---- searching ---- */

static int open_serial(struct hfd_sensor *s)
{
	char path[HFD_PATH_MAX];
	uint16_t vid = 0, pid = 0;
	bool is_auto = strcmp(s->cfg.device, "auto") == 0;
	int r;

	if (is_auto) {
		r = hfd_port_find(s->cfg.vid_pid, s->cfg.n_vid_pid, path, sizeof path, &vid, &pid);
		if (r != HF_OK)
			return r;
	} else {
		snprintf(path, sizeof path, "%s", s->cfg.device);
	}
	r = hfd_port_open(&s->port, path, s->cfg.baud ? s->cfg.baud :
				 (s->good_baud ? s->good_baud : hunt_bauds[0]));
	if (r != HF_OK)
		return r;
	s->info = (struct hfd_sensor_info){.driver = s->port.driver};
	snprintf(s->info.path, sizeof s->info.path, "%s", s->port.path);
	s->info.has_vid_pid = s->port.has_vid_pid || is_auto;
	s->info.vid = s->port.has_vid_pid ? s->port.vid : vid;
	s->info.pid = s->port.has_vid_pid ? s->port.pid : pid;
	return HF_OK;
}

static int watch_port(struct hfd_sensor *s)
{
	int r = sd_event_add_io(s->ev, &s->io, s->port.fd, EPOLLIN, on_readable, s);

	if (r < 0) {
		hfd_port_close(&s->port);
		return HF_ERR_NOMEM;
	}
	if (s->cfg.baud == 0 && s->port.driver == HFD_DRIVER_SERIAL)
		return start_hunt(s);
	go_streaming(s);
	return HF_OK;
}

static int open_usb(struct hfd_sensor *s)
{
	char name[64];
	int r = hfd_usb_bulk_open(s->usb, s->cfg.usb, s->cfg.usb_interface,
				  s->cfg.usb_endpoint, name, sizeof name);

	if (r != HF_OK)
		return r;
	s->usb_streaming = true;
	s->info = (struct hfd_sensor_info){.driver = HFD_DRIVER_USB, .has_vid_pid = true,
					   .vid = s->cfg.usb.vid, .pid = s->cfg.usb.pid};
	snprintf(s->info.path, sizeof s->info.path, "%s", name);
	go_streaming(s);
	return HF_OK;
}

static bool usb_configured(const struct hfd_sensor *s)
{
	return s->cfg.usb.vid != 0 || s->cfg.usb.pid != 0;
}

static void try_open(struct hfd_sensor *s)
{
	int r = usb_configured(s) && s->usb ? open_usb(s) : HF_ERR_NODEV;

	if (r != HF_OK && (!usb_configured(s) || strcmp(s->cfg.device, "auto") != 0)) {
		r = open_serial(s);
		if (r == HF_OK)
			r = watch_port(s);
	}
	if (r == HF_OK) {
		s->not_found_logged = false;
		return;
	}
	if (!s->not_found_logged)
		hf_notice("no sensor at %s yet (%s); looking every %g s", s->cfg.device,
			  r == HF_ERR_SYS ? strerror(errno) : "not found", s->cfg.retry_s);
	s->not_found_logged = true;
	start_search(s, (uint64_t)(s->cfg.retry_s * 1e6));
}

static int on_retry(sd_event_source *src, uint64_t usec, void *user)
{
	struct hfd_sensor *s = user;

	if (s->state == SEARCHING)
		try_open(s);
	return 0;
}

static void start_search(struct hfd_sensor *s, uint64_t delay_us)
{
	s->state = SEARCHING;
	if (!s->retry &&
	    sd_event_add_time(s->ev, &s->retry, CLOCK_MONOTONIC, 0, 50000, on_retry, s) < 0) {
		hf_err_log("cannot arm the sensor retry timer");
		return;
	}
	sd_event_source_set_time(s->retry, now_us(s) + delay_us);
	sd_event_source_set_enabled(s->retry, SD_EVENT_ONESHOT);
}

/* ---- hotplug ---- */

static void on_usb_arrived(void *user, uint16_t vid, uint16_t pid)
{
	struct hfd_sensor *s = user;

	if (s->state == SEARCHING)
		start_search(s, HOTPLUG_DELAY_US);
}

static void on_usb_left(void *user, uint16_t vid, uint16_t pid)
{
	struct hfd_sensor *s = user;

	/* the fd reports the hangup itself; this only makes it prompt */
	if (s->port.fd >= 0 && s->info.has_vid_pid && s->info.vid == vid &&
	    s->info.pid == pid && hfd_port_read(&s->port, NULL, 0) < 0)
		lose_device(s, "unplugged");
}

static void on_usb_data(void *user, const uint8_t *buf, size_t len)
{
	struct hfd_sensor *s = user;

	if (s->state == STREAMING && s->usb_streaming && s->cb.data)
		s->cb.data(s->user, buf, len);
}

static void on_usb_gone(void *user)
{
	struct hfd_sensor *s = user;

	if (s->usb_streaming) {
		s->usb_streaming = false;
		lose_device(s, "usb device gone");
	}
}

static void start_usb(struct hfd_sensor *s)
{
	static const struct hfd_usb_cb cb = {on_usb_arrived, on_usb_left, on_usb_data,
					     on_usb_gone};
	struct hfd_vid_pid watch[HFD_MAX_VID_PID + 1];
	int n = s->cfg.n_vid_pid;

	memcpy(watch, s->cfg.vid_pid, (size_t)n * sizeof *watch);
	if (usb_configured(s))
		watch[n++] = s->cfg.usb;
	hfd_usb_new(&s->usb, s->ev, watch, n, &cb, s);
}

int hfd_sensor_new(struct hfd_sensor **out, sd_event *ev, const struct hfd_config *cfg,
		   const struct hfd_sensor_cb *cb, void *user)
{
	struct hfd_sensor *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s)
		return HF_ERR_NOMEM;
	s->ev = ev;
	s->cfg = *cfg;
	s->cb = *cb;
	s->user = user;
	s->port.fd = -1;
	snprintf(s->info.path, sizeof s->info.path, "%s", cfg->device);
	hfd_port_route_logs();
	start_usb(s);
	start_search(s, 0);
	*out = s;
	return HF_OK;
}

static bool device_settings_differ(const struct hfd_config *a, const struct hfd_config *b)
{
	return strcmp(a->device, b->device) != 0 || a->format != b->format ||
	       a->rate_hz != b->rate_hz || a->baud != b->baud ||
	       a->n_vid_pid != b->n_vid_pid ||
	       memcmp(a->vid_pid, b->vid_pid, sizeof a->vid_pid) != 0 ||
	       a->usb.vid != b->usb.vid || a->usb.pid != b->usb.pid ||
	       a->usb_interface != b->usb_interface || a->usb_endpoint != b->usb_endpoint ||
	       a->setup != b->setup || a->setup_rate_hz != b->setup_rate_hz ||
	       a->setup_content != b->setup_content;
}

void hfd_sensor_reconfigure(struct hfd_sensor *s, const struct hfd_config *cfg)
{
	bool differ = device_settings_differ(&s->cfg, cfg);

	s->cfg = *cfg;
	if (!differ || s->state == STOPPED)
		return;
	hf_notice("device settings changed: reconnecting");
	if (s->state == SEARCHING)
		start_search(s, 0);
	else
		lose_device(s, "reconfigured");
}

bool hfd_sensor_connected(const struct hfd_sensor *s)
{
	return s && s->state == STREAMING;
}

void hfd_sensor_stop(struct hfd_sensor *s)
{
	if (!s)
		return;
	sd_event_source_disable_unref(s->io);
	sd_event_source_disable_unref(s->hunt_timer);
	sd_event_source_disable_unref(s->retry);
	s->io = s->hunt_timer = s->retry = NULL;
	hfd_port_close(&s->port);
	if (s->usb_streaming)
		hfd_usb_bulk_close(s->usb);
	s->usb_streaming = false;
	s->state = STOPPED;
}

void hfd_sensor_free(struct hfd_sensor *s)
{
	if (!s)
		return;
	hfd_sensor_stop(s);
	hfd_usb_free(s->usb);
	free(s);
}
