/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipformd on the real libserialport path, under umockdev (run through
 * umockdev-wrapper):
 *
 *   test_hfd_umockdev WORKDIR HIPFORMD HIPFORM HF_CLIENT HF_JSONCMP
 *
 * A CH340 USB-serial adapter (1a86:7523) with /dev/ttyUSB0 is described in
 * a umockdev testbed (with the sysfs "device" link umockdev does not make,
 * and an ioctl handler answering the modem-line requests libserialport
 * sends); hipformd runs with --device auto and must find it by VID:PID.
 * The test writes a simulated WitMotion stream into the device, unplugs it
 * in the middle of a set (the set must be closed and nothing recorded
 * lost), plugs it back (the same session must resume), and stops the
 * daemon with SIGTERM.  Finally the recording must hold every sample that
 * was written, and `hipform analyze` of it must be readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <umockdev.h>
#include <unistd.h>

/* The adapter, plugged in as USB device 1-N with /dev/ttyUSB<N-1>: the
 * replug comes back under a new name, as it does when the old node is
 * still held open (umockdev cannot re-create a removed pty node anyway). */
#define USB_FMT "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%d"
#define IF_FMT USB_FMT "/1-%d:1.0"
#define SER_FMT IF_FMT "/ttyUSB%d"
#define TTY_FMT SER_FMT "/tty/ttyUSB%d"
#define SPEED 8.0 /* samples are written 8 times faster than real time */

static char *device_description(int n)
{
	return g_strdup_printf(
		"P: /devices/pci0000:00/0000:00:14.0/usb1/1-%d\n"
		"E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
		"A: idVendor=1a86\nA: idProduct=7523\nA: busnum=1\nA: devnum=%d\n"
		"A: serial=0001\nA: product=USB Serial\nA: manufacturer=QinHeng\n"
		"\n"
		"P: /devices/pci0000:00/0000:00:14.0/usb1/1-%d/1-%d:1.0\n"
		"E: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\nE: DRIVER=ch341\n"
		"A: bInterfaceNumber=00\nA: bInterfaceClass=ff\n"
		"\n"
		"P: /devices/pci0000:00/0000:00:14.0/usb1/1-%d/1-%d:1.0/ttyUSB%d\n"
		"E: SUBSYSTEM=usb-serial\nE: DRIVER=ch341-uart\n"
		"\n"
		"P: /devices/pci0000:00/0000:00:14.0/usb1/1-%d/1-%d:1.0/ttyUSB%d/tty/ttyUSB%d\n"
		"N: ttyUSB%d\nE: SUBSYSTEM=tty\nE: DEVNAME=/dev/ttyUSB%d\nA: dev=188:%d\n",
		n, n + 1, n, n, n, n, n - 1, n, n, n - 1, n - 1, n - 1, n - 1, n - 1);
}

struct t {
	const char *work, *hipformd, *hipform, *client, *jsoncmp;
	UMockdevTestbed *tb;
	UMockdevIoctlBase *ioctl;
	GPid daemon, watcher;
	int dev_fd;
	int plug_n;           /* the current USB port number, 1-N */
	guint8 *bytes;
	gsize len, off;
	long groups_written;
	char watch_path[512];
};

static void die(struct t *t, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void die(struct t *t, const char *fmt, ...)
{
	va_list ap;
	char *log;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	if (g_file_get_contents("daemon.log", &log, NULL, NULL)) {
		size_t n = strlen(log);
		printf("--- daemon.log (tail)\n%s\n", log + (n > 3000 ? n - 3000 : 0));
	}
	if (t->daemon)
		kill(t->daemon, SIGKILL);
	if (t->watcher)
		kill(t->watcher, SIGKILL);
	exit(1);
}

/* ---- the device ---- */

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer user)
{
	gulong req = umockdev_ioctl_client_get_request(client);
	GError *err = NULL;

	if (req == TIOCMGET) {
		UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(int), &err);
		if (d)
			*(int *)d->data = TIOCM_DTR | TIOCM_RTS | TIOCM_CTS | TIOCM_DSR;
		umockdev_ioctl_client_complete(client, d ? 0 : -1, d ? 0 : EFAULT);
		g_clear_error(&err);
		return TRUE;
	}
	if (req == TIOCMSET || req == TIOCMBIS || req == TIOCMBIC) {
		umockdev_ioctl_client_complete(client, 0, 0);
		return TRUE;
	}
	int e = 0;
	int r = umockdev_ioctl_client_execute(client, &e, &err);
	g_clear_error(&err);
	umockdev_ioctl_client_complete(client, r, e);
	return TRUE;
}

static void plug(struct t *t)
{
	GError *err = NULL;
	char *root = umockdev_testbed_get_root_dir(t->tb);
	int n = ++t->plug_n;
	char *desc = device_description(n);
	char *tty = g_strdup_printf(TTY_FMT, n, n, n - 1, n - 1);
	char *link = g_strdup_printf("%s%s/device", root, tty);
	char *node = g_strdup_printf("/dev/ttyUSB%d", n - 1);
	char *usb = g_strdup_printf(USB_FMT, n);
	char *target = g_strdup_printf("../../../ttyUSB%d", n - 1);

	if (!umockdev_testbed_add_from_string(t->tb, desc, &err))
		die(t, "add device: %s", err->message);
	unlink(link);
	if (symlink(target, link) != 0)
		die(t, "device link: %s", g_strerror(errno));
	g_free(target);
	if (!umockdev_testbed_attach_ioctl(t->tb, node, t->ioctl, &err))
		die(t, "attach ioctl: %s", err->message);
	t->dev_fd = umockdev_testbed_get_dev_fd(t->tb, node);
	if (t->dev_fd < 0)
		die(t, "no fd for %s", node);
	umockdev_testbed_uevent(t->tb, usb, "add");
	g_free(desc), g_free(tty), g_free(link), g_free(node), g_free(usb), g_free(root);
}

/*
 * umockdev 0.17 keeps its map entry for the old pty after the device is
 * removed; a replug that gets the same /dev/pts number then trips over it.
 */
static void forget_ptys(struct t *t)
{
	char *root = umockdev_testbed_get_root_dir(t->tb);
	char *dir = g_build_filename(root, "dev", ".ptymap", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		char *p = g_build_filename(dir, name, NULL);
		unlink(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_free(dir);
	g_free(root);
}

static void unplug(struct t *t)
{
	int n = t->plug_n;
	char *paths[] = {g_strdup_printf(TTY_FMT, n, n, n - 1, n - 1),
			 g_strdup_printf(SER_FMT, n, n, n - 1), g_strdup_printf(IF_FMT, n, n),
			 g_strdup_printf(USB_FMT, n)};
	char *node = g_strdup_printf("/dev/ttyUSB%d", n - 1);

	umockdev_testbed_uevent(t->tb, paths[0], "remove");
	umockdev_testbed_uevent(t->tb, paths[3], "remove");
	umockdev_testbed_detach_ioctl(t->tb, node, NULL);
	for (int i = 0; i < 4; i++) {
		umockdev_testbed_remove_device(t->tb, paths[i]);
		g_free(paths[i]);
	}
	close(t->dev_fd); /* the line hangs up, as a pulled adapter does */
	t->dev_fd = -1;
	forget_ptys(t);
	g_free(node);
}

/* ---- time and the loop ---- */

static void spin(double seconds)
{
	gint64 end = g_get_monotonic_time() + (gint64)(seconds * 1e6);

	while (g_get_monotonic_time() < end)
		if (!g_main_context_iteration(NULL, FALSE))
			g_usleep(1000);
}

static size_t group_len(const struct t *t, size_t off)
{
	size_t end = off;
	int last = -1;

	while (end + 11 <= t->len && t->bytes[end] == 0x55 && t->bytes[end + 1] > last) {
		last = t->bytes[end + 1];
		end += 11;
	}
	return end > off ? end - off : (off < t->len ? 1 : 0);
}

/* Write one packet group; FALSE at the end of the stream. */
static gboolean write_group(struct t *t)
{
	size_t n = group_len(t, t->off);

	if (n == 0)
		return FALSE;
	for (size_t done = 0; done < n;) {
		ssize_t w = write(t->dev_fd, t->bytes + t->off + done, n - done);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			die(t, "write to the device: %s", g_strerror(errno));
		if (w > 0)
			done += (size_t)w;
		else
			spin(0.001);
	}
	t->off += n;
	t->groups_written++;
	return TRUE;
}

static char *watch_text(struct t *t)
{
	char *s = NULL;

	g_file_get_contents(t->watch_path, &s, NULL, NULL);
	return s ? s : g_strdup("");
}

static gboolean watch_has(struct t *t, const char *pattern)
{
	char *s = watch_text(t);
	gboolean r = g_regex_match_simple(pattern, s, G_REGEX_MULTILINE, 0);

	g_free(s);
	return r;
}

/* Feed until cond matches in the watch output (or the stream ends). */
static void feed_until(struct t *t, const char *cond, double timeout_s)
{
	gint64 end = g_get_monotonic_time() + (gint64)(timeout_s * 1e6);
	int k = 0;

	while (g_get_monotonic_time() < end) {
		if (!write_group(t))
			die(t, "the stream ended before: %s", cond);
		spin(1.0 / (100.0 * SPEED));
		if (++k % 40 == 0 && watch_has(t, cond))
			return;
	}
	die(t, "timed out waiting for: %s", cond);
}

static void wait_for(struct t *t, const char *cond, double timeout_s)
{
	gint64 end = g_get_monotonic_time() + (gint64)(timeout_s * 1e6);

	while (g_get_monotonic_time() < end) {
		if (watch_has(t, cond))
			return;
		spin(0.05);
	}
	die(t, "timed out waiting for: %s", cond);
}

/* ---- processes ---- */

static GPid spawn(struct t *t, char **argv, const char *out)
{
	GError *err = NULL;
	GPid pid = 0; /* clang cannot see that die() does not return */
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || !g_spawn_async_with_fds(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
					      NULL, &pid, -1, fd, fd, &err))
		die(t, "spawn %s: %s", argv[0], err ? err->message : g_strerror(errno));
	close(fd);
	return pid;
}

static int wait_exit(struct t *t, GPid pid, double timeout_s)
{
	gint64 end = g_get_monotonic_time() + (gint64)(timeout_s * 1e6);
	int status;

	while (g_get_monotonic_time() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		spin(0.02);
	}
	die(t, "process %d did not exit", (int)pid);
	return -1;
}

static int run(struct t *t, char **argv, const char *out)
{
	return wait_exit(t, spawn(t, argv, out), 60);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* A state directory left by an earlier run would number this session 2, 3,
 * ... and leave an old recordings/1.csv to be checked: start afresh. */
static void remove_tree(const char *path)
{
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
		fprintf(stderr, "warning: cannot remove %s: %s\n", path, strerror(errno));
}

static long recorded_samples(struct t *t, const char *path)
{
	char *s = NULL, **lines;
	long n = 0;

	if (!g_file_get_contents(path, &s, NULL, NULL))
		die(t, "no recording %s", path);
	lines = g_strsplit(s, "\n", -1);
	for (char **l = lines; *l; l++)
		n += (*l)[0] && (*l)[0] != '#' && (*l)[0] != 't';
	g_strfreev(lines);
	g_free(s);
	return n;
}

int main(int argc, char **argv)
{
	struct t t = {.dev_fd = -1};
	char *sock, *state, *rate = "100";

	if (argc != 6) {
		fprintf(stderr, "usage: %s WORKDIR HIPFORMD HIPFORM HF_CLIENT HF_JSONCMP\n", argv[0]);
		return 2;
	}
	t.work = argv[1], t.hipformd = argv[2], t.hipform = argv[3], t.client = argv[4];
	t.jsoncmp = argv[5];
	g_mkdir_with_parents(t.work, 0755);
	if (chdir(t.work) != 0)
		return 1;
	g_setenv("TMPDIR", t.work, TRUE);
	t.tb = umockdev_testbed_new();
	if (!umockdev_in_mock_environment()) {
		printf("SKIP: not under umockdev-wrapper\n");
		return 77;
	}
	t.ioctl = umockdev_ioctl_base_new();
	g_signal_connect(t.ioctl, "handle-ioctl", G_CALLBACK(on_ioctl), NULL);
	plug(&t);

	char *sim[] = {(char *)t.hipform, "simulate", "--scenario", "hip_lift", "--format",
		       "witmotion", "--rate", rate, "--seed", "31", "-o", "hl.wit", NULL};
	if (run(&t, sim, "simulate.log") != 0 || !g_file_get_contents("hl.wit", (char **)&t.bytes,
								      &t.len, NULL))
		die(&t, "hipform simulate");

	sock = g_build_filename(t.work, "s.sock", NULL);
	state = g_build_filename(t.work, "st", NULL);
	remove_tree(state);
	char *dargv[] = {(char *)t.hipformd, "--foreground", "--config", "/dev/null", "--device",
			 "auto", "--socket", sock, "--state-dir", state, "--format", "witmotion",
			 "--rate", rate, "--exercise", "hip_lift", "--log-level", "info", NULL};
	t.daemon = spawn(&t, dargv, "daemon.log");
	snprintf(t.watch_path, sizeof t.watch_path, "%s/watch.out", t.work);
	char *wargv[] = {(char *)t.client, "--socket", sock, "--send", "{\"class\":\"WATCH\"}",
			 "--until", "SESSION:1", "--timeout", "150", NULL};
	t.watcher = spawn(&t, wargv, t.watch_path);

	/* found by VID:PID through libserialport */
	feed_until(&t, "\"class\":\"DEVICE\".*\"driver\":\"serial\".*\"state\":\"connected\","
		   "\"vid_pid\":\"1a86:7523\"", 20);
	printf("ok: found /dev/ttyUSB0 by 1a86:7523 through libserialport\n");
	/* mid-set: a set in progress with 2 reps */
	feed_until(&t, "\"class\":\"STATUS\".*\"in_set\":true.*\"rep_count\":[2-9]", 90);
	spin(0.5); /* let the daemon read what was written */
	unplug(&t);
	long before = t.groups_written;
	wait_for(&t, "\"class\":\"SET\".*\"set\":0,.*\"rep_count\":([2-9]|[1-9][0-9])", 10);
	wait_for(&t, "\"class\":\"DEVICE\".*\"state\":\"disconnected\"", 10);
	printf("ok: unplugged after %ld samples: set 0 closed, device disconnected\n", before);
	spin(1.5);
	plug(&t);
	feed_until(&t, "\"class\":\"REP\",\"v\":1,\"session\":1,\"set\":1", 90);
	if (watch_has(&t, "\"session\":2"))
		die(&t, "a second session started instead of resuming");
	printf("ok: replugged: session 1 resumed with set 1\n");
	spin(0.5);
	kill(t.daemon, SIGTERM);
	if (wait_exit(&t, t.daemon, 20) != 0)
		die(&t, "hipformd exit status after SIGTERM");
	t.daemon = 0;
	if (wait_exit(&t, t.watcher, 20) != 0)
		die(&t, "the watcher got no SESSION");
	t.watcher = 0;
	char *rec = g_build_filename(state, "recordings", "1.csv", NULL);
	long n = recorded_samples(&t, rec);
	if (n != t.groups_written)
		die(&t, "wrote %ld samples, the recording holds %ld", t.groups_written, n);
	printf("ok: all %ld samples written are in the recording\n", n);
	char *aargv[] = {(char *)t.hipform, "analyze", rec, "--exercise", "hip_lift", "--json", NULL};
	if (run(&t, aargv, "analyze.json") != 0)
		die(&t, "hipform analyze of the recording");
	printf("PASS\n");
	g_free(rec), g_free(state), g_free(sock), g_free(t.bytes);
	g_object_unref(t.ioctl);
	g_object_unref(t.tb);
	return 0;
}
