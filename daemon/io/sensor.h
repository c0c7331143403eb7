/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sensor: finds, opens, probes and watches the configured byte source
 * (serial port by path or VID:PID, pty, USB bulk endpoint) and re-finds it
 * after it vanishes.  Reports connect, bytes and disconnect.
 */
#ifndef HIPFORMD_SENSOR_H
#define HIPFORMD_SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "../config/config.h"
#include "port.h"

struct hfd_sensor_info {
	enum hfd_driver driver;
	char path[HFD_PATH_MAX];
	bool has_vid_pid;
	uint16_t vid, pid;
	int baud;            /* 0 when not a serial line */
};

struct hfd_sensor_cb {
	void (*connected)(void *user, const struct hfd_sensor_info *info);
	void (*data)(void *user, const uint8_t *buf, size_t len);
	void (*disconnected)(void *user, const char *why);
};

struct hfd_sensor;

/* cfg is copied.  HF_OK or HF_ERR_NOMEM. Starts looking at once. */
int hfd_sensor_new(struct hfd_sensor **out, sd_event *ev, const struct hfd_config *cfg,
		   const struct hfd_sensor_cb *cb, void *user);
/* New settings (SIGHUP): reconnects when a [device] setting changed. */
void hfd_sensor_reconfigure(struct hfd_sensor *s, const struct hfd_config *cfg);
bool hfd_sensor_connected(const struct hfd_sensor *s);
/* Close the device now (no disconnected callback) and stop looking. */
void hfd_sensor_stop(struct hfd_sensor *s);
void hfd_sensor_free(struct hfd_sensor *s);

#endif
