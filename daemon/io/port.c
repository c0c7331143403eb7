/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Serial sensor ports.
 *
 * The problem: the sensor is a USB-serial adapter (CH340, CP210x, FTDI)
 * whose node name changes from plug to plug, or a pseudo-terminal (the
 * demo, socat bridges).  libserialport handles the first well, including
 * finding the port by USB VID:PID through sysfs, but refuses the second:
 * a pty has no /sys/class/tty entry and answers TIOCMGET with ENOTTY.  So
 * we try libserialport first and fall back to plain termios (raw mode,
 * 8N1, no flow control) for any tty it refuses.  Either way the result is
 * one non-blocking fd for the event loop.
 *
 * A vanished device is not an error to libserialport: reads return 0 and
 * poll shows POLLHUP.  hfd_port_read() turns "nothing read and POLLHUP"
 * and EIO/ENXIO/ENODEV into -1 ("gone") so the caller can tell.
 */
#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "hipform/error.h"
#include "hipform/log.h"
#include "port.h"

static const char *const driver_names[] = {
	[HFD_DRIVER_SERIAL] = "serial",
	[HFD_DRIVER_PTY] = "pty",
	[HFD_DRIVER_USB] = "usb",
	[HFD_DRIVER_FILE] = "file",
};

const char *hfd_driver_name(enum hfd_driver d)
{
	return (unsigned)d < sizeof driver_names / sizeof driver_names[0] ?
		driver_names[d] : "unknown";
}

static void sp_debug(const char *format, ...)
{
	char buf[512];
	size_t n;
	va_list ap;

	va_start(ap, format);
	vsnprintf(buf, sizeof buf, format, ap);
	va_end(ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	hf_debug("libserialport: %s", buf);
}

void hfd_port_route_logs(void)
{
	sp_set_debug_handler(sp_debug);
}

static bool vid_pid_listed(const struct hfd_vid_pid *list, int n, int vid, int pid)
{
	for (int i = 0; i < n; i++)
		if (list[i].vid == vid && list[i].pid == pid)
			return true;
	return false;
}

int hfd_port_find(const struct hfd_vid_pid *list, int n, char *path, size_t len,
		  uint16_t *vid, uint16_t *pid)
{
	struct sp_port **ports;
	int r = HF_ERR_NODEV;

	if (sp_list_ports(&ports) != SP_OK)
		return HF_ERR_NODEV;
	for (int i = 0; ports[i] && r != HF_OK; i++) {
		int v, p;
		if (sp_get_port_transport(ports[i]) != SP_TRANSPORT_USB ||
		    sp_get_port_usb_vid_pid(ports[i], &v, &p) != SP_OK ||
		    !vid_pid_listed(list, n, v, p))
			continue;
		snprintf(path, len, "%s", sp_get_port_name(ports[i]));
		*vid = (uint16_t)v;
		*pid = (uint16_t)p;
		r = HF_OK;
	}
	sp_free_port_list(ports);
	return r;
}

static void port_reset(struct hfd_port *p)
{
	memset(p, 0, sizeof *p);
	p->fd = -1;
}

static int open_libserialport(struct hfd_port *p, const char *path, int baud)
{
	struct sp_port *sp;
	int fd;

	if (sp_get_port_by_name(path, &sp) != SP_OK)
		return HF_ERR_NODEV;
	if (sp_open(sp, SP_MODE_READ_WRITE) != SP_OK) {
		sp_free_port(sp);
		return HF_ERR_NODEV;
	}
	if (sp_set_baudrate(sp, baud) != SP_OK || sp_set_bits(sp, 8) != SP_OK ||
	    sp_set_parity(sp, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(sp, 1) != SP_OK ||
	    sp_set_flowcontrol(sp, SP_FLOWCONTROL_NONE) != SP_OK ||
	    sp_get_port_handle(sp, &fd) != SP_OK) {
		hf_warn("%s: cannot configure through libserialport: %s", path,
			sp_last_error_message());
		sp_close(sp);
		sp_free_port(sp);
		return HF_ERR_SYS;
	}
	p->sp = sp;
	p->fd = fd;
	p->driver = HFD_DRIVER_SERIAL;
	if (sp_get_port_transport(sp) == SP_TRANSPORT_USB) {
		int v, pid;
		if (sp_get_port_usb_vid_pid(sp, &v, &pid) == SP_OK) {
			p->has_vid_pid = true;
			p->vid = (uint16_t)v;
			p->pid = (uint16_t)pid;
		}
	}
	return HF_OK;
}

static speed_t speed_of(int baud)
{
	static const struct { int baud; speed_t speed; } speeds[] = {
		{9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600},
		{115200, B115200}, {230400, B230400}, {460800, B460800},
		{921600, B921600},
	};

	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
		if (speeds[i].baud == baud)
			return speeds[i].speed;
	return B115200;
}

static int termios_configure(int fd, int baud)
{
	struct termios t;

	if (tcgetattr(fd, &t) != 0)
		return HF_ERR_SYS;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, speed_of(baud));
	cfsetospeed(&t, speed_of(baud));
	return tcsetattr(fd, TCSANOW, &t) == 0 ? HF_OK : HF_ERR_SYS;
}

static int open_termios(struct hfd_port *p, const char *path, int baud)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT || errno == ENXIO || errno == ENODEV ?
			HF_ERR_NODEV : HF_ERR_SYS;
	if (!isatty(fd) || termios_configure(fd, baud) != HF_OK) {
		int e = isatty(fd) ? errno : ENOTTY;
		close(fd);
		errno = e;
		return HF_ERR_SYS;
	}
	p->fd = fd;
	p->driver = HFD_DRIVER_PTY;
	return HF_OK;
}

static void set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * One reader per sensor: a second opener (another hipformd, a terminal
 * program) would take part of the byte stream, and each would see a
 * sensor dropping samples.  TIOCEXCL (tty_ioctl(4)) refuses further opens
 * except by root (so it does not guard the tests, which run as root); a
 * port that cannot (some emulations) is used as it is.  hfd_port_close()
 * gives it up.
 */
static void take_exclusive(struct hfd_port *p)
{
	if (ioctl(p->fd, TIOCEXCL) != 0)
		hf_debug("%s: no exclusive use (%s)", p->path, strerror(errno));
}

int hfd_port_open(struct hfd_port *p, const char *path, int baud)
{
	int r;

	port_reset(p);
	snprintf(p->path, sizeof p->path, "%s", path);
	p->baud = baud > 0 ? baud : 115200;
	r = open_libserialport(p, path, p->baud);
	if (r != HF_OK)
		r = open_termios(p, path, p->baud);
	if (r != HF_OK)
		return r;
	set_nonblocking(p->fd);
	take_exclusive(p);
	hf_info("%s: opened through %s at %d baud", path,
		p->sp ? "libserialport" : "termios", p->baud);
	return HF_OK;
}

int hfd_port_set_baud(struct hfd_port *p, int baud)
{
	int r;

	if (p->fd < 0)
		return HF_ERR_ARG;
	r = p->sp ? (sp_set_baudrate(p->sp, baud) == SP_OK ? HF_OK : HF_ERR_SYS) :
		    termios_configure(p->fd, baud);
	if (r == HF_OK)
		p->baud = baud;
	return r;
}

void hfd_port_flush_input(struct hfd_port *p)
{
	if (p->sp)
		sp_flush(p->sp, SP_BUF_INPUT);
	else if (p->fd >= 0)
		tcflush(p->fd, TCIFLUSH);
}

static bool hung_up(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
}

ssize_t hfd_port_read(struct hfd_port *p, uint8_t *buf, size_t len)
{
	ssize_t n = read(p->fd, buf, len);

	if (n > 0)
		return n;
	/* raw mode with VMIN = VTIME = 0 reads 0 when nothing is there */
	if (n == 0 || errno == EAGAIN || errno == EINTR)
		return hung_up(p->fd) ? -1 : 0;
	hf_info("%s: read: %s", p->path, strerror(errno));
	return -1; /* EIO, ENODEV, ENXIO: gone */
}

int hfd_port_write(struct hfd_port *p, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	int spins = 0;

	while (off < len && spins < 100) {
		ssize_t n = write(p->fd, buf + off, len - off);
		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return HF_ERR_SYS;
		} else {
			struct pollfd pfd = {.fd = p->fd, .events = POLLOUT};
			poll(&pfd, 1, 10);
			spins++;
		}
	}
	return off == len ? HF_OK : HF_ERR_SYS;
}

void hfd_port_close(struct hfd_port *p)
{
	/* the flag outlives this fd while another holds the tty open (a
	 * pretend sensor's own end): give it up, or our next open is refused */
	if (p->fd >= 0)
		ioctl(p->fd, TIOCNXCL);
	if (p->sp) {
		sp_close(p->sp);
		sp_free_port(p->sp);
	} else if (p->fd >= 0) {
		close(p->fd);
	}
	p->sp = NULL;
	p->fd = -1;
}

/* WitMotion RRATE codes (register 0x03), from the WT901 manual. */
static int witmotion_rate_code(double rate_hz)
{
	static const struct { double hz; int code; } rates[] = {
		{0.2, 0x01}, {0.5, 0x02}, {1, 0x03}, {2, 0x04}, {5, 0x05},
		{10, 0x06}, {20, 0x07}, {50, 0x08}, {100, 0x09}, {125, 0x0a},
		{200, 0x0b},
	};

	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
		if (rate_hz > rates[i].hz * 0.99 && rate_hz < rates[i].hz * 1.01)
			return rates[i].code;
	return -1;
}

static int write_register(struct hfd_port *p, uint8_t reg, uint16_t value)
{
	const uint8_t cmd[5] = {0xff, 0xaa, reg, (uint8_t)(value & 0xff),
				(uint8_t)(value >> 8)};
	int r = hfd_port_write(p, cmd, sizeof cmd);

	usleep(20000); /* the sensor needs a moment between commands */
	return r;
}

int hfd_port_witmotion_setup(struct hfd_port *p, double rate_hz, int content)
{
	int code = rate_hz > 0.0 ? witmotion_rate_code(rate_hz) : -1;
	int r;

	if (rate_hz > 0.0 && code < 0) {
		hf_err_log("WitMotion setup: %g Hz is not a rate the sensor offers", rate_hz);
		return HF_ERR_ARG;
	}
	r = write_register(p, 0x69, 0xb588); /* unlock: FF AA 69 88 B5 */
	if (r == HF_OK && code >= 0)
		r = write_register(p, 0x03, (uint16_t)code);
	if (r == HF_OK && content >= 0)
		r = write_register(p, 0x02, (uint16_t)content);
	if (r == HF_OK)
		r = write_register(p, 0x00, 0x0000); /* save: FF AA 00 00 00 */
	if (r != HF_OK)
		hf_err_log("%s: WitMotion setup failed: %s", p->path, strerror(errno));
	else
		hf_notice("%s: WitMotion setup sent (rate %g Hz, content %d)", p->path,
			  rate_hz, content);
	return r;
}
