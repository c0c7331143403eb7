/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform report: one self-contained HTML page with plots (report_html.h),
 * for a recording, for a session of hipformd's history, or for the last
 * weeks of it.
 *
 * A recording is analysed exactly as `hipform analyze` does it (so the
 * page shows the same sets, reps and faults as `analyze --json`), and
 * while it runs the live view of the analyser (hf_analyzer_live()) is
 * sampled every TRACE_PERIOD_S of input time to draw e(t).  A session
 * comes from the daemon (SUMMARY); the weeks view asks for the HISTORY and
 * then each session's SUMMARY.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "commands.h"
#include "hipform/analyzer.h"
#include "hipform/program.h"
#include "hipform/report.h"
#include "options.h"
#include "report_html.h"

#define STASH_N 64              /* samples held until the CSV rate is known */
#define TRACE_PERIOD_S 0.05     /* e(t) sampled at 20 Hz of input time */
#define TRACE_MIN_CAP 4096
#define REPLY_TIMEOUT_MS 10000
#define HISTORY_MAX 1000        /* the daemon's own cap (docs/protocol.md) */
#define WEEKS_MAX 520

enum { OPT_SOCKET = 1000, OPT_SESSION, OPT_WEEKS, OPT_PROGRAM, OPT_RAW_ACCEL };

struct report_opts {
	const char *file, *output, *calibration, *program, *socket, *session;
	enum hf_exercise exercise;
	enum hf_side side;
	enum hf_format format;
	double rate_hz;
	int weeks;
	bool raw_accel;          /* --no-session-accel */
	struct hf_thresholds th;
};

struct trace_buf {
	float *t_s, *e_deg;
	size_t n, cap;
	double next_t_s;
	bool failed;
};

struct report_run {
	const struct report_opts *o;
	struct hf_analyzer_config cfg;
	struct hf_analyzer *an;
	struct hf_decoder *d;
	struct hf_report report;
	struct trace_buf trace;
	struct hf_sample stash[STASH_N];
	int n_stash;
	uint64_t breaks_seen;    /* d->breaks already acted on */
	bool failed;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform report FILE [--exercise NAME] [--side left|right]\n"
		"                      [--calibration CALFILE] [--no-session-accel]\n"
		"                      [--format csv|witmotion]\n"
		"                      [--rate HZ] [--program PROGRAM] [--threshold KEY=VAL]...\n"
		"                      -o REPORT.html\n"
		"       hipform report --session ID [--socket PATH] -o REPORT.html\n"
		"       hipform report --weeks N [--socket PATH] -o REPORT.html\n"
		"\n"
		"Write a report as one HTML page with plots: self-contained (inline SVG and\n"
		"CSS, no script, nothing fetched from the network), so it opens from a USB\n"
		"stick in any browser, reads at phone width and prints cleanly.\n"
		"\n"
		"For a recording (contract CSV or raw WitMotion capture, analysed exactly as\n"
		"'hipform analyze' does it, with the same options) and for a session of\n"
		"hipformd's history, each set gets:\n"
		"  - the excursion e(t) over time with the rep boundaries, the band each\n"
		"    rep was held in (90 to 100 %% of its peak), the hold target (2 s)\n"
		"    drawn from the first instant at 90 %%, and a lettered mark for each\n"
		"    form fault on the rep that has it (a key is at the end);\n"
		"  - per rep, bars of the excursion and of the hold against their targets,\n"
		"    and the same figures as a table;\n"
		"  - for holds (planks, stretches), the range of the elevation change\n"
		"    against the +-5 deg band; for walks and runs, pelvic drop and step time\n"
		"    per foot; for side walks, the obliquity range per cycle.\n"
		"The weeks view shows the sessions per day, program compliance, reps and\n"
		"mean hold per exercise, faults per 100 reps and, for runs, pelvic drop per\n"
		"side.\n"
		"\n"
		"  -o, --output FILE    the HTML file to write ('-': standard output); required\n"
		"  --exercise NAME      every set is NAME (see 'hipform analyze --help')\n"
		"  --side left|right    the working leg, for sided exercises\n"
		"  --calibration FILE   a file from 'hipform calibrate'; without --exercise\n"
		"                       it is needed to recognise the exercises; without\n"
		"                       its six-face part the accelerometer is fitted over\n"
		"                       FILE's still postures first, as 'hipform analyze' does\n"
		"  --no-session-accel   use the accelerometer as it reads: no such fit\n"
		"  --format FORMAT      csv or witmotion (default: detected from the content)\n"
		"  --rate HZ            sample rate; required for raw WitMotion captures\n"
		"  --program PROGRAM    match the sets to a program (docs/programs.md; 'default':\n"
		"                       the shipped glute activation program) and draw the\n"
		"                       blocks done, partly done and missed\n"
		"  --threshold KEY=VAL  set one threshold, as for 'hipform analyze'\n"
		"  --session ID         a session of hipformd's history ('hipform history'\n"
		"                       lists them); with --exercise or --calibration, its\n"
		"                       recording is analysed again for the e(t) trace\n"
		"  --weeks N            the last N weeks of hipformd's history (1 to %d)\n"
		"  --socket PATH        hipformd's socket (default $HIPFORM_SOCKET, else\n"
		"                       " HF_CLIENT_DEFAULT_SOCKET ")\n"
		"  -h, --help           show this help\n"
		"\n"
		"Examples:\n"
		"  hipform simulate --scenario demo -o demo.csv\n"
		"  hipform calibrate demo.csv -o demo.ini\n"
		"  hipform report demo.csv --calibration demo.ini -o report.html\n"
		"  hipform report --weeks 4 -o month.html\n"
		"\n"
		"Exit status: 0 success, 1 input that cannot be analysed, hipformd cannot be\n"
		"reached or the report cannot be written (one line on stderr says why),\n"
		"2 usage error.\n", WEEKS_MAX);
}

static int parse_number_opt(const char *opt, const char *arg, double lo, double hi, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	if (*end || end == arg || !(*v >= lo && *v <= hi)) {
		hf_cli_error("%s: '%s' is not a number from %g to %g", opt, arg, lo, hi);
		return HF_EXIT_USAGE;
	}
	return HF_EXIT_OK;
}

static int parse_enum_opt(const char *opt, const char *arg, int value, int none, int *out)
{
	if (value == none) {
		hf_cli_error("%s: unknown value '%s'", opt, arg);
		return HF_EXIT_USAGE;
	}
	*out = value;
	return HF_EXIT_OK;
}

static int parse_one(int c, struct report_opts *o)
{
	double v;
	int e, r = HF_EXIT_OK;

	switch (c) {
	case 'o': o->output = optarg; break;
	case 'c': o->calibration = optarg; break;
	case OPT_PROGRAM: o->program = optarg; break;
	case OPT_SOCKET: o->socket = optarg; break;
	case OPT_SESSION: o->session = optarg; break;
	case OPT_RAW_ACCEL: o->raw_accel = true; break;
	case 'e':
		if ((r = parse_enum_opt("--exercise", optarg, hf_exercise_from_name(optarg), HF_EX_NONE, &e)) == 0)
			o->exercise = (enum hf_exercise)e;
		break;
	case 's':
		if ((r = parse_enum_opt("--side", optarg, hf_side_from_name(optarg), HF_SIDE_NONE, &e)) == 0)
			o->side = (enum hf_side)e;
		break;
	case 'f':
		if ((r = parse_enum_opt("--format", optarg, hf_format_from_name(optarg), HF_FORMAT_UNKNOWN, &e)) == 0)
			o->format = (enum hf_format)e;
		break;
	case 'r': r = parse_number_opt("--rate", optarg, 1.0, 10000.0, &o->rate_hz); break;
	case OPT_WEEKS:
		if ((r = parse_number_opt("--weeks", optarg, 1, WEEKS_MAX, &v)) == 0 && v != (int)v) {
			hf_cli_error("--weeks: '%s' is not a whole number", optarg);
			r = HF_EXIT_USAGE;
		}
		o->weeks = (int)v;
		break;
	case 't': r = hf_cli_threshold_arg(&o->th, optarg); break;
	default: r = HF_EXIT_USAGE;
	}
	return r;
}

/* HF_EXIT_OK, HF_EXIT_USAGE, or -1 after --help. */
static int parse_args(int argc, char **argv, struct report_opts *o)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"exercise", required_argument, NULL, 'e'},
		{"side", required_argument, NULL, 's'},
		{"calibration", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'f'},
		{"rate", required_argument, NULL, 'r'},
		{"program", required_argument, NULL, OPT_PROGRAM},
		{"threshold", required_argument, NULL, 't'},
		{"no-session-accel", no_argument, NULL, OPT_RAW_ACCEL},
		{"session", required_argument, NULL, OPT_SESSION},
		{"weeks", required_argument, NULL, OPT_WEEKS},
		{"socket", required_argument, NULL, OPT_SOCKET},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == '?' || parse_one(c, o) != HF_EXIT_OK) {
			if (c == '?')
				fprintf(stderr, "Try 'hipform report --help'.\n");
			return HF_EXIT_USAGE;
		}
	}
	if (optind < argc)
		o->file = argv[optind++];
	if (optind < argc) {
		hf_cli_error("report: unexpected argument '%s' (try 'hipform report --help')", argv[optind]);
		return HF_EXIT_USAGE;
	}
	return HF_EXIT_OK;
}

static int check_args(const struct report_opts *o)
{
	const struct hf_exercise_info *e = hf_exercise_info(o->exercise);
	int sources = !!o->file + !!o->session + (o->weeks > 0);

	if (sources != 1) {
		hf_cli_error("report needs exactly one of FILE, --session ID and --weeks N (try 'hipform report --help')");
		return HF_EXIT_USAGE;
	}
	if (!o->output) {
		hf_cli_error("report needs -o REPORT.html");
		return HF_EXIT_USAGE;
	}
	if (o->file && o->exercise == HF_EX_NONE && !o->calibration) {
		hf_cli_error("report FILE without --exercise needs --calibration (to recognise exercises)");
		return HF_EXIT_USAGE;
	}
	/* a side walk's side is measured: the direction of travel */
	if (e && e->sided && e->kind != HF_KIND_STEPS && o->side == HF_SIDE_NONE) {
		hf_cli_error("--exercise %s needs --side left|right (the working leg)", e->name);
		return HF_EXIT_USAGE;
	}
	if (o->format == HF_FORMAT_WITMOTION && o->rate_hz <= 0.0) {
		hf_cli_error("--rate HZ is required for raw WitMotion captures");
		return HF_EXIT_USAGE;
	}
	return HF_EXIT_OK;
}

/* ---- a recording ---- */

static void trace_push(struct trace_buf *tb, double t_s, double e_deg)
{
	if (tb->n == tb->cap) {
		size_t cap = tb->cap ? 2 * tb->cap : TRACE_MIN_CAP;
		float *t = realloc(tb->t_s, cap * sizeof *t);
		float *e = t ? realloc(tb->e_deg, cap * sizeof *e) : NULL;

		if (t)
			tb->t_s = t;
		if (!t || !e) {
			tb->failed = true;
			return;
		}
		tb->e_deg = e;
		tb->cap = cap;
	}
	tb->t_s[tb->n] = (float)t_s;
	tb->e_deg[tb->n] = (float)e_deg;
	tb->n++;
}

static void on_event(const struct hf_event *ev, void *user)
{
	struct report_run *run = user;

	if (ev->type == HF_EVENT_SET && hf_report_add_set(&run->report, ev->set) != 0)
		run->failed = true;
}

static void feed(struct report_run *run, const struct hf_sample *s)
{
	struct hf_live live;

	hf_analyzer_update(run->an, s);
	if (s->t_s < run->trace.next_t_s)
		return;
	hf_analyzer_live(run->an, &live);
	trace_push(&run->trace, live.t_s, live.excursion_deg);
	run->trace.next_t_s = s->t_s + TRACE_PERIOD_S;
	run->failed |= run->trace.failed;
}

static void start_analyzer(struct report_run *run)
{
	run->cfg.rate_hz = run->d->rate_hz;
	run->an = hf_analyzer_new(&run->cfg, on_event, run);
	if (!run->an) {
		run->failed = true;
		return;
	}
	for (int i = 0; i < run->n_stash; i++)
		feed(run, &run->stash[i]);
	run->n_stash = 0;
}

static void on_sample(const struct hf_sample *s, void *user)
{
	struct report_run *run = user;

	if (run->failed)
		return;
	/* a "# sensor lost" before s: as hipformd did live */
	hf_cli_take_breaks(run->d, &run->breaks_seen, run->an);
	if (!run->an && run->n_stash < STASH_N) {
		run->stash[run->n_stash++] = *s;
		if (run->n_stash == STASH_N)
			start_analyzer(run);
		return;
	}
	if (run->an)
		feed(run, s);
}

/* Analyse o->file (or `file`) into run->report and run->trace. */
static int analyse(struct report_run *run, const struct report_opts *o, const char *file)
{
	static struct hf_decoder d;
	int r;

	hf_analyzer_config_default(&run->cfg);
	if (o->calibration && (r = hf_cli_load_calibration(o->calibration, &run->cfg.calib)) != 0)
		return r;
	if (o->exercise == HF_EX_NONE && !run->cfg.calib.has_mounting) {
		hf_cli_error("%s has no [mounting]: give --exercise, or calibrate with the standing and hip-hinge procedure",
			     o->calibration);
		return HF_EXIT_INPUT;
	}
	/* FILE only: a --session recording is drawn as the daemon read it */
	if (o->calibration && o->file && !o->raw_accel)
		hf_cli_session_accel(o->file, o->format, o->rate_hz, &run->cfg.calib);
	run->cfg.exercise = o->exercise;
	run->cfg.side = o->side;
	run->cfg.thresholds = o->th;
	run->d = &d;
	hf_report_init(&run->report);
	r = hf_cli_decode_file(file, o->format, o->rate_hz, &d, on_sample, run);
	if (r != HF_EXIT_OK)
		return r;
	if (!run->an && !run->failed && run->n_stash > 0)
		start_analyzer(run);
	if (run->failed) {
		hf_cli_error("%s: analysis failed (out of memory)", file);
		return HF_EXIT_INPUT;
	}
	if (d.stats.samples == 0) {
		hf_cli_error("%s: no samples found (%llu bad lines, %llu bad packets)", file,
			     (unsigned long long)d.stats.bad_lines,
			     (unsigned long long)d.stats.bad_packets);
		return HF_EXIT_INPUT;
	}
	hf_cli_take_breaks(&d, &run->breaks_seen, run->an); /* one at the very end */
	hf_analyzer_finish(run->an);
	return HF_EXIT_OK;
}

static void run_free(struct report_run *run)
{
	hf_analyzer_free(run->an);
	hf_report_free(&run->report);
	free(run->trace.t_s);
	free(run->trace.e_deg);
}

/* ---- output ---- */

static int write_page(const char *path, int (*fn)(FILE *, const void *), const void *arg)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int rc;

	if (!f) {
		hf_cli_error("cannot write %s: %s", path, strerror(errno));
		return HF_EXIT_INPUT;
	}
	rc = fn(f, arg);
	if (f != stdout && fclose(f) != 0)
		rc = -1;
	else if (f == stdout && fflush(f) != 0)
		rc = -1;
	if (rc != 0) {
		hf_cli_error("cannot write %s: %s", path, strerror(errno));
		return HF_EXIT_INPUT;
	}
	return HF_EXIT_OK;
}

static int page_report(FILE *f, const void *arg)
{
	return hf_html_report(f, arg);
}

/* With --program, the summary's "compliance" (contract section 12). */
static int add_compliance(const struct report_opts *o, const struct report_run *run,
			  json_object *summary)
{
	struct hf_program *prog;
	struct hf_compliance comp;
	int r;

	if (!o->program)
		return HF_EXIT_OK;
	prog = malloc(sizeof *prog);
	if (!prog) {
		hf_cli_error("out of memory");
		return HF_EXIT_INPUT;
	}
	r = hf_cli_load_program(o->program, prog);
	if (r == HF_EXIT_OK) {
		hf_program_comply(prog, &run->report, &comp);
		json_object_object_add(summary, "compliance",
				       hf_json_compliance(prog, &run->report, &comp));
	}
	free(prog);
	return r;
}

static int report_file(const struct report_opts *o)
{
	struct report_run run = {.o = o};
	struct hf_html_doc doc = {.th = o->th};
	struct hf_input_info in;
	char sub[160];
	int r = analyse(&run, o, o->file);

	if (r == HF_EXIT_OK) {
		hf_input_info_from_decoder(&in, run.d);
		snprintf(sub, sizeof sub, "%llu samples at %.0f Hz (%s), %s", (unsigned long long)in.samples,
			 in.rate_hz, in.format ? in.format : "?",
			 run.cfg.calib.has_mounting ? "calibrated" : "uncalibrated");
		doc.title = o->file;
		doc.subtitle = sub;
		doc.summary = hf_json_report(&in, run.cfg.calib.has_mounting, &run.report);
		doc.trace = (struct hf_html_trace){run.trace.t_s, run.trace.e_deg, run.trace.n};
		r = add_compliance(o, &run, doc.summary);
		if (r == HF_EXIT_OK)
			r = write_page(o->output, page_report, &doc);
		json_object_put(doc.summary);
	}
	run_free(&run);
	return r;
}

/* ---- hipformd ---- */

/* Connect, read VERSION, send {class, key: val} (val consumed), wait for
 * reply.  The reply, or NULL having said why. */
static json_object *ask(const char *socket_opt, const char *cls, const char *key,
			json_object *val, const char *reply)
{
	struct hf_conn c;
	json_object *ver, *req, *answer = NULL;

	if (hf_conn_open(&c, hf_client_socket_path(socket_opt), false) < 0) {
		json_object_put(val);
		return NULL;
	}
	ver = hf_conn_expect(&c, "VERSION", REPLY_TIMEOUT_MS);
	req = json_object_new_object();
	json_object_object_add(req, "class", json_object_new_string(cls));
	json_object_object_add(req, key, val);
	if (ver && hf_conn_send(&c, req) < 0)
		hf_cli_error("cannot send %s to hipformd: %s", cls, strerror(errno));
	else if (ver)
		answer = hf_conn_expect(&c, reply, REPLY_TIMEOUT_MS);
	json_object_put(req);
	json_object_put(ver);
	hf_conn_close(&c);
	return answer;
}

static json_object *session_id(const char *arg)
{
	char *end;
	long long v = strtoll(arg, &end, 10);

	return *end || end == arg ? json_object_new_string(arg) : json_object_new_int64(v);
}

static int report_session(const struct report_opts *o)
{
	struct report_run run = {.o = o};
	struct hf_html_doc doc = {.th = o->th};
	json_object *ses = ask(o->socket, "SUMMARY", "session", session_id(o->session), "SESSION");
	json_object *id, *rec;
	char title[96], sub[160];
	int r;

	if (!ses)
		return HF_EXIT_INPUT;
	id = json_object_object_get_ex(ses, "id", &id) ? id : NULL;
	rec = json_object_object_get_ex(ses, "recording", &rec) ? rec : NULL;
	snprintf(title, sizeof title, "Session %s", id ? json_object_get_string(id) : o->session);
	snprintf(sub, sizeof sub, "%s", rec ? json_object_get_string(rec) : "no recording");
	if (rec && (o->exercise != HF_EX_NONE || o->calibration) &&
	    analyse(&run, o, json_object_get_string(rec)) == HF_EXIT_OK)
		doc.trace = (struct hf_html_trace){run.trace.t_s, run.trace.e_deg, run.trace.n};
	doc.title = title;
	doc.subtitle = sub;
	doc.summary = ses;
	r = write_page(o->output, page_report, &doc);
	run_free(&run);
	json_object_put(ses);
	return r;
}

struct weeks_arg {
	json_object *sessions;
	int weeks;
	const struct hf_thresholds *th;
};

static int page_weeks(FILE *f, const void *arg)
{
	const struct weeks_arg *w = arg;

	return hf_html_weeks(f, w->sessions, w->weeks, time(NULL), w->th);
}

/* The SESSION of every history entry that started in the last `weeks`. */
static int collect_sessions(const struct report_opts *o, json_object *hist, json_object *out)
{
	json_object *arr = json_object_object_get_ex(hist, "sessions", &arr) ? arr : NULL;
	time_t since = time(NULL) - (time_t)o->weeks * 7 * 86400;
	size_t n = arr ? json_object_array_length(arr) : 0;

	for (size_t i = n; i-- > 0;) {  /* oldest first */
		json_object *h = json_object_array_get_idx(arr, i), *start, *id, *ses;
		struct tm tm = {0};

		if (!json_object_object_get_ex(h, "start", &start) ||
		    !strptime(json_object_get_string(start), "%Y-%m-%dT%H:%M:%S", &tm) ||
		    timegm(&tm) < since || !json_object_object_get_ex(h, "id", &id))
			continue;
		ses = ask(o->socket, "SUMMARY", "session", json_object_get(id), "SESSION");
		if (!ses)
			return HF_EXIT_INPUT;
		json_object_array_add(out, ses);
	}
	return HF_EXIT_OK;
}

static int report_weeks(const struct report_opts *o)
{
	json_object *hist = ask(o->socket, "HISTORY", "limit", json_object_new_int(HISTORY_MAX), "HISTORY");
	json_object *sessions = json_object_new_array();
	struct weeks_arg w = {sessions, o->weeks, &o->th};
	int r = hist ? collect_sessions(o, hist, sessions) : HF_EXIT_INPUT;

	if (r == HF_EXIT_OK)
		r = write_page(o->output, page_weeks, &w);
	json_object_put(hist);
	json_object_put(sessions);
	return r;
}

int hf_cmd_report(int argc, char **argv)
{
	struct report_opts o = {.exercise = HF_EX_NONE, .th = hf_thresholds_default};
	int r = parse_args(argc, argv, &o);

	if (r < 0)
		return HF_EXIT_OK;
	if (r != HF_EXIT_OK || (r = check_args(&o)) != HF_EXIT_OK)
		return r;
	if (o.file)
		return report_file(&o);
	if (o.session)
		return report_session(&o);
	return report_weeks(&o);
}
