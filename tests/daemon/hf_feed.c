/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hf_feed: a pretend WitMotion sensor on a pseudo-terminal, for the
 * daemon's process-level tests and benchmark.
 *
 *   hf_feed --link PATH --rate HZ [--speed X] [--delay S] [--hold S]
 *           [--unplug-at N --unplug-for S] FILE
 *
 * Opens a pty, points the symlink PATH at its slave (so the daemon can be
 * told --device PATH), waits --delay seconds, then writes FILE's packet
 * groups (the packets of one sample, contract section 2) one every
 * 1/(HZ*X) seconds.  Before it closes the pty (an unplug, the end) it waits
 * until the daemon has read every byte written.  A contract CSV file (one that does not start with a
 * WitMotion packet) is played a data line at a time, its header and
 * comment lines going out with the data line after them.  --unplug-at N closes the pty after N groups (the
 * daemon sees a hangup), waits --unplug-for seconds and opens a new pty
 * under the same link (a replug).  After the file it keeps the pty open
 * --hold seconds (default 1).  Prints "ready" on stdout once the link is
 * there and "done" when all bytes are written.  Killed by SIGTERM, SIGINT
 * or SIGHUP it removes the link.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct feed {
	const char *link, *file;
	double rate_hz, speed, delay_s, hold_s, unplug_for_s;
	long unplug_at;
	int master, slave;
	uint8_t *buf;
	size_t len;
};

/*
 * Killed (a test's `kill $FEED_PID`, its cleanup), the link must not stay:
 * it would name a pty number the kernel gives the next test's hf_feed, and
 * a daemon still retrying this path would read part of that test's stream
 * (daemon_robust restarts one on a killed feed's link; in a parallel run
 * daemon_holds then lost seconds of a plank).  unlink() and _exit() are
 * async-signal-safe.
 */
static const char *live_link;
static char live_tmp[512]; /* the link's name while it is made */

static void on_term(int sig)
{
	if (live_link)
		unlink(live_link);
	if (live_tmp[0])
		unlink(live_tmp);
	signal(sig, SIG_DFL);
	raise(sig); /* die of it: the parent sees the signal */
}

static void unlink_on_term(const char *link)
{
	struct sigaction sa = {.sa_handler = on_term};

	live_link = link;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int open_pty(struct feed *f)
{
	char name[256];
	struct termios t;
	char tmp[512];

	if (openpty(&f->master, &f->slave, name, NULL, NULL) != 0) {
		perror("openpty");
		return -1;
	}
	tcgetattr(f->slave, &t);
	cfmakeraw(&t);
	tcsetattr(f->slave, TCSANOW, &t);
	snprintf(tmp, sizeof tmp, "%s.tmp", f->link);
	unlink(tmp);
	memcpy(live_tmp, tmp, sizeof live_tmp);
	if (symlink(name, tmp) != 0 || rename(tmp, f->link) != 0) {
		perror("symlink");
		return -1;
	}
	live_tmp[0] = '\0';
	return 0;
}

/*
 * Wait until the daemon has read what was written: bytes still queued in
 * the pty when it closes are thrown away, so a daemon that runs behind (a
 * loaded machine, a sanitizer build) would lose the end of the recording,
 * and a test would wait for a set that never comes.  TIOCINQ counts only
 * the line discipline's buffer; the kernel moves what waits beyond it (in
 * the tty's flip buffers, which hold hundreds of kB) in later, from a
 * worker, so an empty buffer for a moment means nothing: it must stay
 * empty DRAIN_QUIET_S.  At most DRAIN_MAX_S in all.
 */
#define DRAIN_STEP_US 10000
#define DRAIN_QUIET_S 1.0
#define DRAIN_MAX_S 120.0

static void drain(const struct feed *f)
{
	int quiet = 0, quiet_needed = (int)(DRAIN_QUIET_S * 1e6 / DRAIN_STEP_US);

	for (int i = 0; i < (int)(DRAIN_MAX_S * 1e6 / DRAIN_STEP_US) && quiet < quiet_needed; i++) {
		int in_slave = 0, out_master = 0;
		if (ioctl(f->slave, TIOCINQ, &in_slave) != 0 ||
		    ioctl(f->master, TIOCOUTQ, &out_master) != 0)
			return;
		quiet = in_slave == 0 && out_master == 0 ? quiet + 1 : 0;
		usleep(DRAIN_STEP_US);
	}
}

/* The link goes first: a daemon retrying the path in the moment between
 * close and unlink would open whatever pty next takes this number (in a
 * parallel test run, another test's), and the two daemons would each read
 * part of that stream. */
static void close_pty(struct feed *f)
{
	drain(f);
	unlink(f->link);
	close(f->slave);
	close(f->master);
}

static int load(struct feed *f)
{
	FILE *in = fopen(f->file, "rb");
	long n;

	if (!in || fseek(in, 0, SEEK_END) != 0 || (n = ftell(in)) < 0) {
		perror(f->file);
		return -1;
	}
	rewind(in);
	f->buf = malloc((size_t)n + 1);
	f->len = f->buf ? fread(f->buf, 1, (size_t)n, in) : 0;
	fclose(in);
	return f->buf ? 0 : -1;
}

/* End of the line that starts at off (after its newline). */
static size_t line_end(const struct feed *f, size_t off)
{
	const uint8_t *nl = memchr(f->buf + off, '\n', f->len - off);

	return nl ? (size_t)(nl - f->buf) + 1 : f->len;
}

/* CSV: the next data line with the header or comment lines before it. */
static size_t csv_group_len(const struct feed *f, size_t off)
{
	size_t end = off;

	while (end < f->len) {
		bool text = f->buf[end] == '#' || f->buf[end] == 't';
		end = line_end(f, end);
		if (!text)
			break;
	}
	return end - off;
}

/* Length of the packet group at off: packets of rising type. */
static size_t group_len(const struct feed *f, size_t off)
{
	size_t end = off;
	int last = -1;

	if (f->len > 0 && f->buf[0] != 0x55)
		return csv_group_len(f, off);

	while (end + 11 <= f->len && f->buf[end] == 0x55 && f->buf[end + 1] > last) {
		last = f->buf[end + 1];
		end += 11;
	}
	return end > off ? end - off : (off < f->len ? 1 : 0);
}

static void sleep_until(const struct timespec *t)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
}

static void add_s(struct timespec *t, double s)
{
	long long ns = t->tv_nsec + (long long)(s * 1e9);

	t->tv_sec += (time_t)(ns / 1000000000LL);
	t->tv_nsec = (long)(ns % 1000000000LL);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int play(struct feed *f)
{
	struct timespec next;
	double period = 1.0 / (f->rate_hz * f->speed);
	long groups = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (size_t off = 0; off < f->len;) {
		size_t n = group_len(f, off);
		if (write_all(f->master, f->buf + off, n) != 0)
			return -1;
		off += n;
		if (++groups == f->unplug_at) {
			close_pty(f);
			fprintf(stdout, "unplugged %ld\n", groups);
			fflush(stdout);
			usleep((useconds_t)(f->unplug_for_s * 1e6));
			if (open_pty(f) != 0)
				return -1;
			fprintf(stdout, "replugged\n");
			fflush(stdout);
			clock_gettime(CLOCK_MONOTONIC, &next);
		}
		add_s(&next, period);
		sleep_until(&next);
	}
	return 0;
}

static int parse(int argc, char **argv, struct feed *f)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-') {
			f->file = a;
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--link")) f->link = v;
		else if (!strcmp(a, "--rate")) f->rate_hz = atof(v);
		else if (!strcmp(a, "--speed")) f->speed = atof(v);
		else if (!strcmp(a, "--delay")) f->delay_s = atof(v);
		else if (!strcmp(a, "--hold")) f->hold_s = atof(v);
		else if (!strcmp(a, "--unplug-at")) f->unplug_at = atol(v);
		else if (!strcmp(a, "--unplug-for")) f->unplug_for_s = atof(v);
		else return -1;
	}
	return f->link && f->file && f->rate_hz > 0 && f->speed > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct feed f = {.speed = 1.0, .hold_s = 1.0, .unplug_at = -1, .unplug_for_s = 1.0};

	if (parse(argc, argv, &f) != 0) {
		fprintf(stderr, "usage: hf_feed --link PATH --rate HZ [--speed X] [--delay S] "
			"[--hold S] [--unplug-at N --unplug-for S] FILE\n");
		return 2;
	}
	unlink_on_term(f.link);
	if (load(&f) != 0 || open_pty(&f) != 0) {
		free(f.buf);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	usleep((useconds_t)(f.delay_s * 1e6));
	if (play(&f) != 0) {
		perror("hf_feed: write");
		free(f.buf);
		return 1;
	}
	printf("done\n");
	fflush(stdout);
	usleep((useconds_t)(f.hold_s * 1e6));
	close_pty(&f);
	free(f.buf);
	return 0;
}
