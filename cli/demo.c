/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform demo: the whole live path without hardware and without root.
 *
 * The simulator (include/hipform/sim.h) renders a short session -- a set
 * of hip lifts and a set of clam shells, a few of the reps with form
 * faults -- as the WitMotion byte stream a real sensor would send.  A
 * separate simulated recording of the calibration procedure (contract
 * section 6) with the same sensor gives a calibration file, as
 * `hipform calibrate` would, so the daemon recognises both exercises.
 *
 * Everything lives in a private directory (under $XDG_RUNTIME_DIR, else
 * $TMPDIR or /tmp): the daemon's socket, state (history, recording), log
 * and the calibration.  A pseudo-terminal pair stands in for the USB
 * serial port: hipformd reads the slave, the demo writes the bytes into
 * the master at the sensor's pace times --speed.  The demo watches through
 * the socket with the same rendering as `hipform watch`; when the stream
 * is played (or on Ctrl-C) it stops the daemon with SIGTERM, which closes
 * the set and sends the session summary, then removes the directory
 * (unless --keep).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "commands.h"
#include "hipform/calib.h"
#include "hipform/error.h"
#include "hipform/sim.h"
#include "options.h"

#define DEMO_RATE_HZ 100.0
#define DEMO_SEED 2024u
#define DEMO_TARGET_S 35.0      /* default speed plays the session in this long */
#define DEMO_TICK_MS 20
#define DEMO_DRAIN_S 5.0        /* after the last byte, wait at most this long */
#define DEMO_STOP_S 8.0         /* after SIGTERM, wait at most this long */

struct demo {
	/* options */
	double speed;
	bool keep, json;
	const char *daemon_opt;
	/* files */
	char dir[PATH_MAX - 64];
	char sock[108];
	char path[PATH_MAX];    /* scratch for building paths */
	/* the stream */
	unsigned char *bytes;
	size_t len, off, n_samples;
	double duration_s;
	/* the pseudo-terminal and the daemon */
	int master, slave;
	char pts[64];
	pid_t daemon;
	/* progress */
	struct timespec t0, fed_at, term_at;
	bool fed, term_sent;
	volatile sig_atomic_t interrupted;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform demo [--speed X] [--keep] [--json]\n"
		"\n"
		"See hipform work without a sensor and without root.  A simulated\n"
		"WitMotion sensor on a pseudo-terminal plays a short session -- a set of\n"
		"hip lifts and a set of clam shells, some reps with form faults (a short\n"
		"hold, a hip drop, the pelvis rolling back, a rushed rep) -- into a\n"
		"private hipformd, and the demo shows the live feedback exactly as\n"
		"'hipform watch' would, then the session summary.  It takes about %.0f s.\n"
		"\n"
		"  --speed X      play the session X times faster than real time\n"
		"                 (default: whatever makes it last about %.0f s)\n"
		"  --keep         keep the demo's directory: the daemon's history.db,\n"
		"                 the session's recording (contract CSV, try 'hipform\n"
		"                 analyze' on it), the calibration and the daemon's log\n"
		"  -j, --json     print the daemon's messages as JSON lines instead\n"
		"  --daemon PATH  the hipformd to run (default: next to this program,\n"
		"                 then in the build tree or ../sbin, then $PATH)\n"
		"  -h, --help     show this help\n"
		"\n"
		"Files go to a new directory under $XDG_RUNTIME_DIR (else $TMPDIR or\n"
		"/tmp), removed at the end unless --keep.  Ctrl-C stops the demo early.\n"
		"Exit status: 0 success, 1 the demo could not run (one line says why),\n"
		"2 usage error.\n",
		DEMO_TARGET_S, DEMO_TARGET_S);
}

static int parse_opts(struct demo *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{"speed", required_argument, NULL, 's'},
		{"keep", no_argument, NULL, 'k'},
		{"json", no_argument, NULL, 'j'},
		{"daemon", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	char *end;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			d->speed = strtod(optarg, &end);
			if (end == optarg || *end || !(d->speed >= 0.1 && d->speed <= 1000.0)) {
				hf_cli_error("demo: --speed wants a number from 0.1 to 1000, not '%s'", optarg);
				return HF_EXIT_USAGE;
			}
			break;
		case 'k': d->keep = true; break;
		case 'j': d->json = true; break;
		case 'd': d->daemon_opt = optarg; break;
		case 'h': usage(stdout); return HF_EXIT_OK;
		default:
			hf_cli_error("demo: unknown or incomplete option '%s' (try 'hipform demo --help')",
				     argv[optind - 1]);
			return HF_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		hf_cli_error("demo: unexpected argument '%s'", argv[optind]);
		return HF_EXIT_USAGE;
	}
	return -1;
}

/* Status lines of the demo itself: stderr with --json, else stdout. */
static FILE *say_to(const struct demo *d)
{
	return d->json ? stderr : stdout;
}

/* ---- the simulated session ---- */

/* A set of hip lifts then a set of clam shells (left leg), with faults. */
static int demo_program(struct hf_sim *sim)
{
	static const struct hf_sim_rep lifts[] = {
		{.excursion_deg = 0.0},  /* clean: zeros are drawn sensibly */
		{.hold_s = 0.6},         /* short_hold */
		{.hip_drop_deg = 8.0},   /* hip_drop: one side sinks */
		{.excursion_deg = 0.0},
	};
	static const struct hf_sim_rep clams[] = {
		{.excursion_deg = 0.0},
		{.excursion_deg = 15.0},            /* pelvis_rollback */
		{.rise_s = 0.5, .lower_s = 0.5},    /* rushed */
		{.excursion_deg = 0.0},
	};
	const struct hf_sim_set lift_set = {.exercise = HF_EX_HIP_LIFT, .side = HF_SIDE_NONE};
	const struct hf_sim_set clam_set = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_LEFT};
	int r = hf_sim_stand(sim, 2.0);

	if (r == HF_OK) r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0);
	if (r == HF_OK) r = hf_sim_add_set_reps(sim, &lift_set, lifts, 4);
	if (r == HF_OK) r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 2.5);
	if (r == HF_OK) r = hf_sim_add_set_reps(sim, &clam_set, clams, 4);
	if (r == HF_OK) r = hf_sim_change_posture(sim, HF_POSTURE_UPRIGHT, 3.0);
	if (r == HF_OK) r = hf_sim_stand(sim, 2.0);
	return r;
}

static void demo_sensor(struct hf_sim_sensor *s)
{
	hf_sim_sensor_preset(s, HF_SIM_GRADE_GOOD, DEMO_RATE_HZ, DEMO_SEED);
}

/* Render the program as WitMotion bytes into d->bytes. */
static int render_stream(struct demo *d)
{
	struct hf_sim_sensor sensor;
	const struct hf_sim_output *out;
	struct hf_sim *sim;
	FILE *f = NULL;
	char *buf = NULL;
	int r = HF_ERR_NOMEM;

	demo_sensor(&sensor);
	sim = hf_sim_new(&sensor, DEMO_SEED);
	if (!sim)
		goto out;
	if ((r = demo_program(sim)) != HF_OK || (r = hf_sim_render(sim, &out)) != HF_OK)
		goto out;
	f = open_memstream(&buf, &d->len);
	if (!f || (r = hf_sim_write_witmotion(out, f)) != HF_OK || fclose(f) != 0) {
		r = r != HF_OK ? r : HF_ERR_SYS;
		goto out;
	}
	f = NULL;
	d->bytes = (unsigned char *)buf;
	d->n_samples = out->n;
	d->duration_s = (double)out->n / sensor.rate_hz;
out:
	if (f)
		fclose(f);
	hf_sim_free(sim);
	if (r != HF_OK && !d->bytes)
		free(buf);
	if (r != HF_OK)
		hf_cli_error("demo: cannot simulate the session: %s", hf_strerror(r));
	return r == HF_OK ? 0 : -1;
}

/* The calibration the wearer would make first: the section 6 procedure
 * with the same sensor, estimated as `hipform calibrate` does. */
static int estimate_calibration(struct hf_calib *cal)
{
	struct hf_sim_sensor sensor;
	const struct hf_sim_output *out;
	struct hf_calib_report rep;
	struct hf_sim *sim;
	char err[200] = "";
	int r = HF_ERR_NOMEM;

	demo_sensor(&sensor);
	sim = hf_sim_new(&sensor, DEMO_SEED + 1);
	if (sim && (r = hf_sim_stand(sim, 1.0)) == HF_OK &&
	    (r = hf_sim_calibration_procedure(sim)) == HF_OK &&
	    (r = hf_sim_render(sim, &out)) == HF_OK)
		r = hf_calib_estimate(cal, out->samples, out->n, &rep, err, sizeof err);
	hf_sim_free(sim);
	if (r != HF_OK)
		hf_cli_error("demo: cannot calibrate the simulated sensor: %s",
			     *err ? err : hf_strerror(r));
	return r == HF_OK ? 0 : -1;
}

static int write_calibration(struct demo *d)
{
	struct hf_calib cal;
	char text[2048];
	FILE *f;
	int n;

	if (estimate_calibration(&cal) < 0)
		return -1;
	n = hf_calib_format(&cal, text, sizeof text);
	snprintf(d->path, sizeof d->path, "%s/calibration.ini", d->dir);
	f = n > 0 && (size_t)n < sizeof text ? fopen(d->path, "we") : NULL;
	if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
		hf_cli_error("demo: cannot write %s: %s", d->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- files, pseudo-terminal, daemon ---- */

static int make_dir(struct demo *d)
{
	const char *bases[] = {getenv("XDG_RUNTIME_DIR"), getenv("TMPDIR"), "/tmp"};

	for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		if (!bases[i] || !*bases[i] || access(bases[i], W_OK | X_OK) != 0)
			continue;
		if ((size_t)snprintf(d->dir, sizeof d->dir, "%s/hipform-demo.XXXXXX", bases[i]) >=
		    sizeof d->dir)
			continue;
		if (!mkdtemp(d->dir))
			continue;
		if ((size_t)snprintf(d->sock, sizeof d->sock, "%s/hipformd.sock", d->dir) <
		    sizeof d->sock)
			return 0;
		rmdir(d->dir);   /* socket path too long here: try the next place */
	}
	d->dir[0] = '\0';
	hf_cli_error("demo: cannot make a private directory under $XDG_RUNTIME_DIR, $TMPDIR or /tmp");
	return -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int open_pty(struct demo *d)
{
	struct termios tio;
	const char *name;

	d->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (d->master < 0 || grantpt(d->master) < 0 || unlockpt(d->master) < 0 ||
	    !(name = ptsname(d->master)))
		goto fail;
	snprintf(d->pts, sizeof d->pts, "%s", name);
	/* raw before the daemon opens it: no echo, no CR/LF changes to the
	 * bytes written meanwhile; held open so the master never sees a hangup */
	d->slave = open(d->pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (d->slave < 0 || tcgetattr(d->slave, &tio) < 0)
		goto fail;
	cfmakeraw(&tio);
	if (tcsetattr(d->slave, TCSANOW, &tio) < 0 ||
	    fcntl(d->master, F_SETFL, fcntl(d->master, F_GETFL) | O_NONBLOCK) < 0)
		goto fail;
	return 0;
fail:
	hf_cli_error("demo: cannot open a pseudo-terminal: %s", strerror(errno));
	return -1;
}

static bool executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* hipformd next to this program, in the build tree, in ../sbin, else PATH. */
static const char *find_daemon(const struct demo *d, char *buf, size_t len)
{
	static const char *const rel[] = {"hipformd", "daemon/hipformd/hipformd", "../sbin/hipformd"};
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (d->daemon_opt)
		return d->daemon_opt;
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++)
			if ((size_t)snprintf(buf, len, "%s/%s", self, rel[i]) < len && executable(buf))
				return buf;
	}
	return "hipformd";   /* execvp searches PATH */
}

static void exec_daemon(struct demo *d, const char *daemon)
{
	char state[PATH_MAX], conf[PATH_MAX], cal[PATH_MAX], log[PATH_MAX];
	int fd;

	snprintf(state, sizeof state, "%s/state", d->dir);
	snprintf(conf, sizeof conf, "%s/hipformd.conf", d->dir);
	snprintf(cal, sizeof cal, "%s/calibration.ini", d->dir);
	snprintf(log, sizeof log, "%s/hipformd.log", d->dir);
	setpgid(0, 0);   /* Ctrl-C is the demo's to handle, not the daemon's */
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	unsetenv("LISTEN_FDS");
	execlp(daemon, daemon, "--foreground", "--config", conf, "--device", d->pts,
	       "--format", "witmotion", "--rate", "100", "--socket", d->sock,
	       "--state-dir", state, "--calibration", cal, (char *)NULL);
	fprintf(stderr, "hipform demo: cannot run %s: %s\n", daemon, strerror(errno));
	_exit(127);
}

static int start_daemon(struct demo *d)
{
	char buf[PATH_MAX];
	const char *daemon = find_daemon(d, buf, sizeof buf);
	FILE *f;

	if (strchr(daemon, '/') && !executable(daemon)) {
		hf_cli_error("demo: no hipformd at %s (build it, or give --daemon PATH)", daemon);
		return -1;
	}

	snprintf(d->path, sizeof d->path, "%s/state", d->dir);
	if (mkdir(d->path, 0700) < 0)
		goto fail;
	snprintf(d->path, sizeof d->path, "%s/hipformd.conf", d->dir);
	f = fopen(d->path, "we");   /* empty: the demo's settings are options */
	if (!f || fprintf(f, "# hipform demo: everything is set on the command line\n") < 0 ||
	    fclose(f) != 0)
		goto fail;
	fflush(NULL);
	d->daemon = fork();
	if (d->daemon < 0)
		goto fail;
	if (d->daemon == 0)
		exec_daemon(d, daemon);
	return 0;
fail:
	hf_cli_error("demo: cannot start hipformd: %s", strerror(errno));
	return -1;
}

/* The daemon died: say so with the end of its log. */
static void daemon_died(struct demo *d, int status)
{
	char line[512];
	FILE *f;

	d->daemon = 0;
	d->keep = true;
	snprintf(d->path, sizeof d->path, "%s/hipformd.log", d->dir);
	hf_cli_error("demo: hipformd stopped (%s %d); its log is %s",
		     WIFEXITED(status) ? "exit status" : "signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), d->path);
	f = fopen(d->path, "re");
	while (f && fgets(line, sizeof line, f))
		fprintf(stderr, "  %s", line);
	if (f)
		fclose(f);
}

static bool daemon_alive(struct demo *d)
{
	int status;

	if (d->daemon <= 0)
		return false;
	if (waitpid(d->daemon, &status, WNOHANG) == d->daemon) {
		daemon_died(d, status);
		return false;
	}
	return true;
}

/* Wait until the daemon's socket answers (10 s at most). */
static int connect_daemon(struct demo *d, struct hf_conn *c)
{
	for (int i = 0; i < 500; i++) {
		if (!daemon_alive(d))
			return -1;
		if (hf_conn_open(c, d->sock, true) == 0)
			return 0;
		usleep(20000);
	}
	hf_cli_error("demo: hipformd did not open its socket %s within 10 s", d->sock);
	return -1;
}

static void stop_daemon(struct demo *d)
{
	int status;

	if (d->daemon <= 0)
		return;
	kill(d->daemon, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(d->daemon, &status, WNOHANG) == d->daemon) {
			d->daemon = 0;
			return;
		}
		usleep(10000);
	}
	kill(d->daemon, SIGKILL);
	waitpid(d->daemon, &status, 0);
	d->daemon = 0;
}

/* ---- playing the stream while watching ---- */

static double since_s(const struct timespec *a)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

/* Write what is due by now into the master; true once all is written. */
static bool feed(struct demo *d)
{
	double due_samples = floor(since_s(&d->t0) * d->speed * DEMO_RATE_HZ) + 1.0;
	size_t due = due_samples >= (double)d->n_samples ? d->len
		   : (size_t)((double)d->len * due_samples / (double)d->n_samples);

	while (d->off < due) {
		ssize_t w = write(d->master, d->bytes + d->off, due - d->off);

		if (w <= 0)
			break;   /* EAGAIN: the daemon is behind, try at the next tick */
		d->off += (size_t)w;
	}
	return d->off == d->len;
}

static void send_term(struct demo *d, const char *why)
{
	if (d->term_sent || d->daemon <= 0)
		return;
	if (why)
		fprintf(say_to(d), "\n%s\n", why);
	kill(d->daemon, SIGTERM);   /* closes the set, sends SESSION, exits */
	d->term_sent = true;
	clock_gettime(CLOCK_MONOTONIC, &d->term_at);
}

static int demo_tick(struct hf_conn *c, struct hf_view *v, void *user)
{
	struct demo *d = user;

	(void)c;
	if (d->term_sent)
		return since_s(&d->term_at) > DEMO_STOP_S ? HF_EXIT_INPUT : 0;
	if (!daemon_alive(d))
		return HF_EXIT_INPUT;
	if (d->interrupted) {
		hf_view_break(v);
		send_term(d, "Stopping early: the summary of what was played so far.");
		return 0;
	}
	if (!d->fed && feed(d)) {
		d->fed = true;
		clock_gettime(CLOCK_MONOTONIC, &d->fed_at);
	}
	/* played: once the daemon has analysed the last sample, end it */
	if (d->fed && (v->status_t_s >= d->duration_s - 0.2 || since_s(&d->fed_at) > DEMO_DRAIN_S)) {
		hf_view_break(v);
		send_term(d, NULL);
	}
	return 0;
}

static void banner(const struct demo *d)
{
	FILE *f = say_to(d);

	fprintf(f, "hipform demo: a simulated WitMotion sensor (%.0f Hz) on %s feeds a private\n"
		   "hipformd (socket %s).\n", DEMO_RATE_HZ, d->pts, d->sock);
	fprintf(f, "Playing %.0f s of exercise at %.1fx: 4 hip lifts on your back (one held too\n"
		   "short, one with a hip drop), then 4 clam shells with the left leg (one with\n"
		   "the pelvis rolling back, one rushed).\n\n", d->duration_s, d->speed);
	fflush(f);
}

static int play(struct demo *d)
{
	struct hf_watch_hooks hooks = {.tick_ms = DEMO_TICK_MS, .tick = demo_tick, .user = d};
	struct hf_conn c;
	struct hf_view v;
	int rc;

	if (connect_daemon(d, &c) < 0)
		return HF_EXIT_INPUT;
	hf_view_init(&v, stdout, d->json);
	banner(d);
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	rc = hf_watch_run(&c, &v, &hooks);
	hf_conn_close(&c);
	if (rc == HF_EXIT_OK && v.sessions == 0) {
		hf_cli_error("demo: hipformd ended without a session summary (see %s/hipformd.log)",
			     d->dir);
		d->keep = true;
		rc = HF_EXIT_INPUT;
	}
	return rc;
}

static void cleanup(struct demo *d)
{
	stop_daemon(d);
	if (d->master >= 0)
		close(d->master);
	if (d->slave >= 0)
		close(d->slave);
	free(d->bytes);
	if (!d->dir[0])
		return;
	if (d->keep)
		fprintf(say_to(d), "\nThe demo's files are in %s: state/history.db, state/recordings/\n"
			"(try 'hipform analyze --calibration %s/calibration.ini' on a recording),\n"
			"hipformd.log.\n", d->dir, d->dir);
	else
		nftw(d->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int hf_cmd_demo(int argc, char **argv)
{
	struct demo d = {.master = -1, .slave = -1};
	int rc = parse_opts(&d, argc, argv);

	if (rc >= 0)
		return rc;
	hf_client_catch_signals(&d.interrupted);
	rc = HF_EXIT_INPUT;
	if (render_stream(&d) < 0 || make_dir(&d) < 0 || write_calibration(&d) < 0 ||
	    open_pty(&d) < 0 || start_daemon(&d) < 0)
		goto out;
	if (d.speed <= 0.0)
		d.speed = fmax(1.0, d.duration_s / DEMO_TARGET_S);
	rc = play(&d);
out:
	cleanup(&d);
	return rc;
}
