/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A serial sensor port: a real serial device through libserialport, found
 * by path or by USB VID:PID, or a tty that libserialport refuses (a
 * pseudo-terminal) through plain termios.  Either way the caller gets one
 * non-blocking file descriptor to poll and read.
 */
#ifndef HIPFORMD_PORT_H
#define HIPFORMD_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../config/config.h"

struct sp_port;

enum hfd_driver {
	HFD_DRIVER_SERIAL = 0, /* libserialport */
	HFD_DRIVER_PTY,        /* termios: a pseudo-terminal or other tty */
	HFD_DRIVER_USB,        /* libusb bulk endpoint */
	HFD_DRIVER_FILE,
};

const char *hfd_driver_name(enum hfd_driver d); /* "serial", "pty", ... */

struct hfd_port {
	int fd;                  /* -1 when closed */
	struct sp_port *sp;      /* NULL on the termios path */
	enum hfd_driver driver;
	char path[HFD_PATH_MAX];
	bool has_vid_pid;
	uint16_t vid, pid;
	int baud;
};

/* Route libserialport's debug output into hf_log (debug level). */
void hfd_port_route_logs(void);

/*
 * Find the first USB serial port whose VID:PID is in the list.  Fills
 * path, vid, pid.  HF_OK or HF_ERR_NODEV.
 */
int hfd_port_find(const struct hfd_vid_pid *list, int n, char *path, size_t len,
		  uint16_t *vid, uint16_t *pid);

/* Open path raw, 8N1, no flow control, at baud (any when a pty).
 * HF_OK, HF_ERR_NODEV (not there) or HF_ERR_SYS (errno kept). */
int hfd_port_open(struct hfd_port *p, const char *path, int baud);
/* Change the speed of an open port.  HF_OK or HF_ERR_SYS. */
int hfd_port_set_baud(struct hfd_port *p, int baud);
/* Drop bytes received and not read. */
void hfd_port_flush_input(struct hfd_port *p);
/* Read what is there: >0 bytes, 0 none now, -1 the device is gone. */
ssize_t hfd_port_read(struct hfd_port *p, uint8_t *buf, size_t len);
/* Write all of buf (short blocking wait for a small command). HF_OK/ERR. */
int hfd_port_write(struct hfd_port *p, const uint8_t *buf, size_t len);
void hfd_port_close(struct hfd_port *p);

/*
 * WitMotion setup: unlock, the rate register (0x03) when rate_hz > 0, the
 * content register (0x02) when content >= 0, then save.  HF_OK, HF_ERR_ARG
 * for a rate the sensor does not offer, or the write error.
 */
int hfd_port_witmotion_setup(struct hfd_port *p, double rate_hz, int content);

#endif
