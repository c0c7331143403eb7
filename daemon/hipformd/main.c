/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipformd: the live daemon.  One thread, one sd-event loop: the sensor's
 * fd (or libusb's), the client socket and its clients, signals, a 5 Hz
 * tick (STATUS to watchers, recording flushes, idle checks), the session
 * end timer and the systemd watchdog.
 *
 * This file holds the command line, configuration loading and reloading,
 * signals and the systemd notifications; session.c does the work.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "daemon.h"
#include "hipform/error.h"
#include "hipform/log.h"

#ifndef HF_VERSION
#define HF_VERSION "0.0.0"
#endif

#define TICK_US 200000ULL /* 5 Hz */
#define EXIT_USAGE 2

static void usage(FILE *f)
{
	fprintf(f,
"Usage: hipformd [OPTIONS]\n"
"\n"
"The hipform daemon: finds the pelvis-worn motion sensor, analyses hip lifts\n"
"and clam shells as they happen (reps, holds, pelvic tilt, obliquity and\n"
"rotation, form faults), tells clients on a Unix socket (see 'hipform watch')\n"
"and keeps a history of sessions with a raw recording of each.\n"
"\n"
"Options (each overrides the configuration file):\n"
"  --config FILE        configuration file (default " HFD_DEFAULT_CONFIG ";\n"
"                       missing is fine unless given here)\n"
"  --device PATH|auto   the sensor: a serial device or pseudo-terminal path, or\n"
"                       'auto' to find a USB serial adapter by VID:PID\n"
"  --socket PATH        client socket (default /run/hipform/hipformd.sock)\n"
"  --state-dir DIR      history.db and recordings/ (default /var/lib/hipform)\n"
"  --format FORMAT      witmotion, csv or auto (default auto: detected)\n"
"  --rate HZ            the sensor's sample rate (default 100)\n"
"  --baud N|auto        serial speed; auto hunts 9600..460800 (default auto)\n"
"  --calibration FILE   a file from 'hipform calibrate'\n"
"  --exercise NAME      every set is this exercise ('hipform analyze --help'\n"
"                       lists them); without it, a calibration is needed to\n"
"                       recognise hip lifts and clam shells\n"
"  --side left|right    the side, for sided exercises (clam_shell: the\n"
"                       working leg)\n"
"  --log-level LEVEL    err, warning, notice (default), info or debug\n"
"  --mqtt HOST[:PORT]   publish REP, SET, FAULT and SESSION to this MQTT broker\n"
"                       (the [mqtt] section has credentials, TLS, topics)\n"
"  --foreground         stay in the foreground (implied under systemd)\n"
"  --help               this text\n"
"  --version            the release and contract versions\n"
"\n"
"Signals:\n"
"  SIGTERM, SIGINT      finish the open set, write the session summary, flush\n"
"                       the recording and the history, exit\n"
"  SIGHUP               read the configuration again and log what changed\n"
"                       (device settings reconnect; analysis settings apply\n"
"                       from the next session; the socket needs a restart)\n"
"\n"
"Configuration keys (INI; man 5 hipformd.conf explains each):\n");
	hfd_config_print_keys(f);
	fprintf(f,
"\n"
"Files:\n"
"  <state-dir>/history.db             sessions, sets, reps, faults (SQLite)\n"
"  <state-dir>/recordings/<id>.csv    every sample of a session in the contract\n"
"                                     CSV: 'hipform analyze' reproduces its sets\n"
"\n"
"Under systemd (Type=notify) hipformd reports readiness and status, answers\n"
"the watchdog and logs to the journal with priorities.\n"
"Exit status: 0 after SIGTERM, 1 on a fatal error, 2 on a usage error.\n");
}

/* ---- options ---- */

struct option_row {
	const char *name;
	const char *section, *key; /* the config key it sets */
};

static const struct option_row option_rows[] = {
	{"device", "device", "path"},
	{"format", "device", "format"},
	{"rate", "device", "rate_hz"},
	{"baud", "device", "baud"},
	{"socket", "server", "socket"},
	{"state-dir", "storage", "state_dir"},
	{"calibration", "analysis", "calibration"},
	{"exercise", "analysis", "exercise"},
	{"side", "analysis", "side"},
	{"log-level", "log", "level"},
	{"mqtt", "mqtt", "host"},
};
#define N_OPTION_ROWS (int)(sizeof option_rows / sizeof option_rows[0])

struct cmdline {
	bool foreground;
};

static int add_override(struct hfd *d, int row, const char *value)
{
	if (d->n_overrides == (int)(sizeof d->overrides / sizeof d->overrides[0]))
		return -1;
	d->overrides[d->n_overrides].section = option_rows[row].section;
	d->overrides[d->n_overrides].key = option_rows[row].key;
	d->overrides[d->n_overrides].value = value;
	d->n_overrides++;
	return 0;
}

static int parse_args(int argc, char **argv, struct hfd *d, struct cmdline *cl)
{
	struct option longopts[N_OPTION_ROWS + 5];
	int c, idx = 0;

	for (int i = 0; i < N_OPTION_ROWS; i++)
		longopts[i] = (struct option){option_rows[i].name, required_argument, NULL, 1000 + i};
	longopts[N_OPTION_ROWS] = (struct option){"config", required_argument, NULL, 'c'};
	longopts[N_OPTION_ROWS + 1] = (struct option){"foreground", no_argument, NULL, 'f'};
	longopts[N_OPTION_ROWS + 2] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[N_OPTION_ROWS + 3] = (struct option){"version", no_argument, NULL, 'V'};
	longopts[N_OPTION_ROWS + 4] = (struct option){NULL, 0, NULL, 0};
	while ((c = getopt_long(argc, argv, "hc:f", longopts, &idx)) != -1) {
		if (c >= 1000 && c < 1000 + N_OPTION_ROWS) {
			if (add_override(d, c - 1000, optarg) != 0)
				return EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'c': d->config_path = optarg; d->config_required = true; break;
		case 'f': cl->foreground = true; break;
		case 'h': usage(stdout); return -1;
		case 'V':
			printf("hipformd %s (protocol %d, contract %d)\n", HF_VERSION,
			       HFD_PROTOCOL_VERSION, HF_CONTRACT_VERSION);
			return -1;
		default:
			fprintf(stderr, "Try 'hipformd --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hipformd: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- configuration ---- */

/* Defaults, the file, then the command line.  HF_OK or an error (logged). */
static int build_config(struct hfd *d, struct hfd_config *c)
{
	int r;

	hfd_config_default(c);
	r = hfd_config_load(c, d->config_path);
	if (r == HF_ERR_SYS && (errno != ENOENT || d->config_required)) {
		hf_err_log("cannot read %s: %s", d->config_path, strerror(errno));
		return r;
	}
	if (r == HF_ERR_SYS)
		hf_info("no %s: built-in defaults", d->config_path);
	else if (r != HF_OK)
		return r;
	for (int i = 0; i < d->n_overrides; i++)
		if (hfd_config_set(c, d->overrides[i].section, d->overrides[i].key,
				   d->overrides[i].value) != HF_OK)
			return HF_ERR_ARG;
	return hfd_config_check(c);
}

static void reload(struct hfd *d)
{
	struct hfd_config c;

	sd_notify(0, "RELOADING=1");
	hf_notice("SIGHUP: reading %s again", d->config_path);
	if (build_config(d, &c) != HF_OK) {
		hf_err_log("configuration not changed (fix the errors above and send SIGHUP again)");
		sd_notify(0, "READY=1");
		return;
	}
	if (hfd_config_log_changes(&d->cfg, &c) == 0)
		hf_notice("configuration unchanged");
	if (strcmp(c.socket, d->cfg.socket) != 0 || strcmp(c.state_dir, d->cfg.state_dir) != 0)
		hf_warn("socket and state_dir changes take effect at the next start");
	snprintf(c.socket, sizeof c.socket, "%s", d->cfg.socket);
	snprintf(c.state_dir, sizeof c.state_dir, "%s", d->cfg.state_dir);
	hf_log_set_level(c.log_level);
	d->cfg = c;
	hfd_sensor_reconfigure(d->sensor, &c);
	sd_notify(0, "READY=1");
}

/* ---- systemd ---- */

void hfd_notify_status(const struct hfd *d)
{
	char session[64] = "no session";

	if (d->sess.open)
		snprintf(session, sizeof session, "session %lld, %d sets", (long long)d->sess.id,
			 d->sess.report.n_sets);
	sd_notifyf(0, "STATUS=sensor %s%s%s; %s; %d clients",
		   d->dev_connected ? "connected: " : "not connected",
		   d->dev_connected ? d->dev.path : "", "", session,
		   hfd_server_clients(d->server));
}

/* ---- loop sources ---- */

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *user)
{
	struct hfd *d = user;

	if (si->ssi_signo == SIGHUP) {
		reload(d);
		return 0;
	}
	if (d->stopping)
		return 0;
	d->stopping = true;
	hf_notice("%s: finishing the session and stopping", strsignal((int)si->ssi_signo));
	sd_notify(0, "STOPPING=1");
	hfd_sensor_stop(d->sensor);
	hfd_session_end(d, "stopping");
	sd_event_exit(d->ev, 0);
	return 0;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *user)
{
	struct hfd *d = user;

	sd_event_source_set_time(s, usec + TICK_US);
	hfd_session_tick(d);
	hfd_mqtt_pump(d->mqtt);
	if (d->sess.open && hfd_server_watchers(d->server) > 0) {
		json_object *o = hfd_msg_status(d);
		hfd_server_broadcast_json(d->server, o);
		json_object_put(o);
	}
	return 0;
}

static int on_session_timeout(sd_event_source *s, uint64_t usec, void *user)
{
	struct hfd *d = user;

	if (!d->dev_connected)
		hfd_session_end(d, "sensor did not come back");
	return 0;
}

static int add_sources(struct hfd *d)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
	uint64_t now;
	sigset_t mask;

	sigemptyset(&mask);
	for (size_t i = 0; i < 3; i++)
		sigaddset(&mask, sigs[i]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < 3; i++)
		if (sd_event_add_signal(d->ev, NULL, sigs[i], on_signal, d) < 0)
			return HF_ERR_SYS;
	sd_event_now(d->ev, CLOCK_MONOTONIC, &now);
	if (sd_event_add_time(d->ev, &d->tick, CLOCK_MONOTONIC, now + TICK_US, 20000,
			      on_tick, d) < 0 ||
	    sd_event_add_time(d->ev, &d->session_end_timer, CLOCK_MONOTONIC, UINT64_MAX, 100000,
			      on_session_timeout, d) < 0)
		return HF_ERR_SYS;
	sd_event_source_set_enabled(d->tick, SD_EVENT_ON);
	sd_event_source_set_enabled(d->session_end_timer, SD_EVENT_OFF);
	sd_event_set_watchdog(d->ev, true);
	return HF_OK;
}

/* ---- start and stop ---- */

static void mkdir_p(const char *path)
{
	char buf[HFD_PATH_MAX];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	if (mkdir(buf, 0750) != 0 && errno != EEXIST)
		hf_err_log("cannot create %s: %s", buf, strerror(errno));
}

/*
 * One daemon per state directory: a second one would end the first one's
 * open session as left by a crash and write into its history.  The lock
 * (flock on <state-dir>/lock) goes with the process, also on kill -9.
 */
static int lock_state_dir(struct hfd *d)
{
	char path[HFD_PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof path, "%s/lock", d->cfg.state_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		hf_warn("cannot open %s: %s (not checking for another hipformd)", path,
			strerror(errno));
		return HF_OK;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		hf_err_log("another hipformd is using the state directory %s (%s)",
			   d->cfg.state_dir, strerror(errno));
		close(fd);
		return HF_ERR_SYS;
	}
	return HF_OK; /* fd stays open for the life of the process */
}

static void open_store(struct hfd *d)
{
	char path[HFD_PATH_MAX + 16];

	if (!d->cfg.database)
		return;
	snprintf(path, sizeof path, "%s/history.db", d->cfg.state_dir);
	if (hfd_store_open(&d->store, path) != HF_OK)
		hf_err_log("no history this run (%s could not be opened); live analysis "
			   "and recordings go on", path);
	else
		hfd_session_close_crashed(d);
}

static int start_mqtt(struct hfd *d)
{
	char path[HFD_PATH_MAX + 16];

	snprintf(path, sizeof path, "%s/history.db", d->cfg.state_dir);
	return hfd_mqtt_new(&d->mqtt, &d->cfg, d->store ? path : NULL);
}

static int start(struct hfd *d)
{
	static const struct hfd_server_cb server_cb = {hfd_on_client, hfd_on_request};
	static const struct hfd_sensor_cb sensor_cb = {hfd_session_on_connected,
						       hfd_session_on_data,
						       hfd_session_on_disconnected};

	if (sd_event_default(&d->ev) < 0 || add_sources(d) != HF_OK) {
		hf_err_log("cannot set up the event loop");
		return HF_ERR_SYS;
	}
	/* the socket first: a live one means another daemon, change nothing */
	if (hfd_server_new(&d->server, d->ev, d->cfg.socket, d->cfg.group,
			   d->cfg.max_clients, &server_cb, d) != HF_OK)
		return HF_ERR_SYS;
	mkdir_p(d->cfg.state_dir);
	if (lock_state_dir(d) != HF_OK)
		return HF_ERR_SYS;
	open_store(d);
	if (hfd_sensor_new(&d->sensor, d->ev, &d->cfg, &sensor_cb, d) != HF_OK)
		return HF_ERR_NOMEM;
	return start_mqtt(d);
}

static void stop(struct hfd *d)
{
	hfd_sensor_free(d->sensor);
	hfd_session_end(d, "stopping");
	hfd_mqtt_free(d->mqtt);
	hfd_server_free(d->server);
	hfd_store_close(d->store);
	sd_event_source_disable_unref(d->tick);
	sd_event_source_disable_unref(d->session_end_timer);
	sd_event_unref(d->ev);
}

static bool under_systemd(void)
{
	return getenv("NOTIFY_SOCKET") || getenv("INVOCATION_ID");
}

static int background(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return HF_ERR_SYS;
	if (pid > 0)
		_exit(0);
	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	return HF_OK;
}

/*
 * A session's large buffers (the analyser's record ring and the rep
 * history: 1.8 MB each at 200 Hz) must be fresh mmaps, given back whole at
 * the session's end.  glibc raises its mmap threshold to the size of every
 * mmapped block freed, so from the second session on they came from the
 * heap instead, and from the third the heap's peak was 1.6 MB higher (most
 * likely calloc() zeroing recycled, trimmed heap chunks, which touches the
 * pages of the history a set never reaches; a fresh mmap is known zero):
 * the in-session RSS step of the issue 9 soak.  Setting the threshold turns
 * that adjustment off (mallopt(3)); 128 KiB is glibc's default.
 */
static void fix_malloc_thresholds(void)
{
	if (!mallopt(M_MMAP_THRESHOLD, 128 * 1024))
		hf_warn("mallopt(M_MMAP_THRESHOLD) failed: memory may step up after two sessions");
}

int main(int argc, char **argv)
{
	static struct hfd d = {.config_path = HFD_DEFAULT_CONFIG};
	struct cmdline cl = {0};
	int r = parse_args(argc, argv, &d, &cl);

	if (r != 0)
		return r < 0 ? 0 : r;
	hf_log_set_ident("hipformd");
	fix_malloc_thresholds();
	if (getenv("JOURNAL_STREAM"))
		hf_log_set_journal_prefix(true);
	if (build_config(&d, &d.cfg) != HF_OK)
		return d.config_required || d.n_overrides ? EXIT_USAGE : 1;
	hf_log_set_level(d.cfg.log_level);
	if (!cl.foreground && !under_systemd() && background() != HF_OK) {
		hf_err_log("cannot go to the background: %s", strerror(errno));
		return 1;
	}
	r = start(&d);
	if (r == HF_OK) {
		hf_notice("hipformd %s ready", HF_VERSION);
		sd_notify(0, "READY=1");
		hfd_notify_status(&d);
		r = sd_event_loop(d.ev) < 0 ? HF_ERR_SYS : HF_OK;
	}
	stop(&d);
	hf_notice("stopped");
	return r == HF_OK ? 0 : 1;
}
