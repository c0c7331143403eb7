/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform analyze (contract section 7): decode a recording, run the same
 * online analyser the daemon runs, print the section 8 summary.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "hipform/analyzer.h"
#include "hipform/kind.h"
#include "hipform/program.h"
#include "hipform/report.h"
#include "options.h"

#define STASH_N 64 /* samples held until the CSV rate is known */
#define MIN_USABLE 100 /* 1 good record in this many, or the input is unusable */

struct analyze_opts {
	const char *file;
	const char *calibration;
	const char *config;
	const char *program;
	enum hf_exercise exercise;
	enum hf_side side;
	enum hf_format format;
	double rate_hz;
	bool json, events;
	bool raw_accel;          /* --no-session-accel */
	struct hf_thresholds th;
};

struct analyze_run {
	const struct analyze_opts *o;
	struct hf_analyzer_config cfg;
	struct hf_analyzer *an;
	struct hf_decoder *d;
	struct hf_report report;
	struct hf_program *prog;     /* --program, or NULL */
	struct hf_sample stash[STASH_N];
	int n_stash;
	uint64_t breaks_seen;    /* d->breaks already acted on */
	bool failed;
	bool bad_rate;           /* the rate estimated from the file is none */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform analyze FILE [--exercise NAME] [--side left|right]\n"
		"                        [--calibration CALFILE] [--no-session-accel]\n"
		"                        [--program FILE|default]\n"
		"                        [--format csv|witmotion]\n"
		"                        [--rate HZ] [--json] [--events] [--config FILE]\n"
		"                        [--threshold KEY=VALUE]...\n"
		"\n"
		"Analyse a recording (contract CSV or a raw WitMotion capture; '-' reads\n"
		"standard input): count reps, time holds, measure pelvic tilt, obliquity and\n"
		"rotation at each rep's peak, and report form faults.  With --exercise walk\n"
		"or run: steps, cadence and pelvic drop per side of each walking or running bout.\n"
		"With --exercise side_walk: cycles (a step out and a step after it), their\n"
		"cadence, the direction of travel, and the obliquity range of each cycle.\n"
		"\n"
		"  --exercise NAME      every set is NAME: hip_lift, clam_shell (reps),\n"
		"                       plank_front, plank_side, plank_back,\n"
		"                       hip_flexor_stretch (holds: each hold is a set),\n"
		"                       side_walk (cycles; its side, the direction of\n"
		"                       travel, is measured: no --side), foam_roll\n"
		"                       (passes), walk, run (gait); without it,\n"
		"                       --calibration is needed and each set's exercise and\n"
		"                       side are recognised: hip lifts and clam shells (each\n"
		"                       side) from their reps, planks front, side (the side\n"
		"                       facing the floor) and back from a still hold at +8 deg\n"
		"                       of elevation or more (on the back +10 where hip lifts\n"
		"                       were done, on a side +12 where clam shells were),\n"
		"                       side walks from sideways travel, foam rolling from\n"
		"                       travel along the body lying down, walks and runs\n"
		"                       from steps; a walk only from 40 steps, so walking\n"
		"                       between exercises is no set; 99 %% of the sets of\n"
		"                       simulated whole programs right, none between\n"
		"                       blocks (README, Measured).  Not recognised:\n"
		"                       hip_flexor_stretch\n"
		"  --side left|right    clam_shell: the working (top) leg; plank_side: the\n"
		"                       side facing the floor; hip_flexor_stretch: the\n"
		"                       kneeling leg\n"
		"  --calibration FILE   a file from 'hipform calibrate'; without its six-face\n"
		"                       part, the accelerometer's offsets and scales are\n"
		"                       fitted over FILE's still postures first (each reads\n"
		"                       1 g), which FILE is read twice for (not from '-')\n"
		"  --no-session-accel   use the accelerometer as it reads: no such fit\n"
		"  --program FILE       match the sets to a program (docs/programs.md;\n"
		"                       'default': the shipped glute activation program) and\n"
		"                       report the blocks done, partly done and missed; its\n"
		"                       hold target sets the short_hold threshold of holds\n"
		"  --format FORMAT      csv or witmotion (default: detected from the content)\n"
		"  --rate HZ            sample rate, 1 to 10000; required for raw WitMotion captures\n"
		"  --json               print the contract JSON summary\n"
		"  --events             print every analyser event as a JSON line, as it happens\n"
		"  --config FILE        INI file whose [analysis] section sets thresholds\n"
		"  --threshold KEY=VAL  set one threshold (repeatable); keys:\n"
		"                       ");
	for (const char *const *k = hf_thresholds_keys(); *k; k++)
		fprintf(f, "%s%s", *k, k[1] ? ", " : "\n");
	fprintf(f,
		"\n"
		"Exit status: 0 success, 1 input that cannot be analysed, 2 usage error.\n");
}

static int parse_choice(const char *opt, const char *arg, int value, int none)
{
	if (value == none)
		hf_cli_error("%s: unknown value '%s'", opt, arg);
	return value;
}

static int parse_args(int argc, char **argv, struct analyze_opts *o)
{
	static const struct option longopts[] = {
		{"exercise", required_argument, NULL, 'e'},
		{"side", required_argument, NULL, 's'},
		{"calibration", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'f'},
		{"rate", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{"events", no_argument, NULL, 'E'},
		{"config", required_argument, NULL, 'C'},
		{"program", required_argument, NULL, 'P'},
		{"threshold", required_argument, NULL, 't'},
		{"no-session-accel", no_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->exercise = parse_choice("--exercise", optarg,
						   hf_exercise_from_name(optarg), HF_EX_NONE);
			if (o->exercise == HF_EX_NONE)
				return HF_EXIT_USAGE;
			break;
		case 's':
			o->side = parse_choice("--side", optarg, hf_side_from_name(optarg),
					       HF_SIDE_NONE);
			if (o->side == HF_SIDE_NONE)
				return HF_EXIT_USAGE;
			break;
		case 'c': o->calibration = optarg; break;
		case 'f':
			o->format = parse_choice("--format", optarg,
						 hf_format_from_name(optarg), HF_FORMAT_UNKNOWN);
			if (o->format == HF_FORMAT_UNKNOWN)
				return HF_EXIT_USAGE;
			break;
		case 'r':
			if (hf_cli_rate_arg(optarg, &o->rate_hz) != HF_EXIT_OK)
				return HF_EXIT_USAGE;
			break;
		case 'j': o->json = true; break;
		case 'E': o->events = true; break;
		case 'A': o->raw_accel = true; break;
		case 'C': o->config = optarg; break;
		case 'P': o->program = optarg; break;
		case 't':
			if (hf_cli_threshold_arg(&o->th, optarg) != HF_EXIT_OK)
				return HF_EXIT_USAGE;
			break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return HF_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		hf_cli_error("analyze needs exactly one FILE (try 'hipform analyze --help')");
		return HF_EXIT_USAGE;
	}
	o->file = argv[optind];
	return HF_EXIT_OK;
}

static int check_args(const struct analyze_opts *o)
{
	const struct hf_exercise_info *e = hf_exercise_info(o->exercise);

	if (o->exercise == HF_EX_NONE && !o->calibration) {
		hf_cli_error("analyze without --exercise needs --calibration (to recognise exercises)");
		return HF_EXIT_USAGE;
	}
	if (e && e->kind != HF_KIND_REPS && !hf_kind_ops_get(e->kind)) {
		hf_cli_error("--exercise %s: this version cannot analyse %s exercises yet",
			     e->name, hf_kind_name(e->kind));
		return HF_EXIT_INPUT;
	}
	/* a side walk's side is measured: the direction of travel */
	if (e && e->sided && e->kind != HF_KIND_STEPS && o->side == HF_SIDE_NONE) {
		hf_cli_error("--exercise %s needs --side left|right (the working leg)", e->name);
		return HF_EXIT_USAGE;
	}
	if (e && !e->sided && o->side != HF_SIDE_NONE) {
		hf_cli_error("--side does not apply to %s", e->name);
		return HF_EXIT_USAGE;
	}
	if (e && e->kind == HF_KIND_STEPS && o->side != HF_SIDE_NONE) {
		hf_cli_error("--side does not apply to %s: the direction of travel is measured",
			     e->name);
		return HF_EXIT_USAGE;
	}
	return HF_EXIT_OK;
}

static void print_event(const struct hf_event *ev)
{
	json_object *o = json_object_new_object();
	const struct hf_exercise_info *e = hf_exercise_info(ev->exercise);

	json_object_object_add(o, "event", json_object_new_string(hf_event_type_name(ev->type)));
	json_object_object_add(o, "t_s", json_object_new_double(ev->t_s));
	json_object_object_add(o, "set", json_object_new_int(ev->set_index));
	if (e)
		json_object_object_add(o, "exercise", json_object_new_string(e->name));
	if (ev->rep_index >= 0)
		json_object_object_add(o, "rep", json_object_new_int(ev->rep_index + 1));
	if (ev->type == HF_EVENT_FAULT) {
		json_object_object_add(o, "code", json_object_new_string(hf_fault_name(ev->fault)));
		json_object_object_add(o, "value", json_object_new_double(ev->value));
	}
	if (ev->rep)
		json_object_object_add(o, "rep_summary", hf_json_rep(ev->rep));
	if (ev->set)
		json_object_object_add(o, "set_summary", hf_json_set(ev->set));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void on_event(const struct hf_event *ev, void *user)
{
	struct analyze_run *run = user;

	if (run->o->events)
		print_event(ev);
	if (ev->type == HF_EVENT_SET && hf_report_add_set(&run->report, ev->set) != 0)
		run->failed = true;
}

static void start_analyzer(struct analyze_run *run)
{
	run->cfg.rate_hz = run->d->rate_hz;
	if (run->cfg.rate_hz > 0.0 && !hf_cli_rate_ok(run->cfg.rate_hz)) {
		run->bad_rate = true; /* checked as --rate is */
		run->failed = true;
		return;
	}
	run->an = hf_analyzer_new(&run->cfg, on_event, run);
	if (!run->an) {
		run->failed = true;
		return;
	}
	for (int i = 0; i < run->n_stash; i++)
		hf_analyzer_update(run->an, &run->stash[i]);
	run->n_stash = 0;
}

static void take_breaks(struct analyze_run *run)
{
	hf_cli_take_breaks(run->d, &run->breaks_seen, run->an);
}

static void on_sample(const struct hf_sample *s, void *user)
{
	struct analyze_run *run = user;

	if (run->failed)
		return;
	take_breaks(run); /* those counted before s came before it */
	if (!run->an && run->n_stash < STASH_N) {
		run->stash[run->n_stash++] = *s;
		if (run->n_stash == STASH_N)
			start_analyzer(run); /* replays the stash, s included */
		return;
	}
	if (run->an)
		hf_analyzer_update(run->an, s);
}

static int print_result(struct analyze_run *run)
{
	struct hf_input_info in;
	struct hf_compliance comp;
	json_object *doc;

	hf_input_info_from_decoder(&in, run->d);
	if (run->o->events)
		return HF_EXIT_OK;
	if (run->prog)
		hf_program_comply(run->prog, &run->report, &comp);
	if (!run->o->json) {
		hf_report_print_text(stdout, &in, run->cfg.calib.has_mounting, &run->report);
		if (run->prog)
			hf_compliance_print_text(stdout, run->prog, &run->report, &comp);
		return HF_EXIT_OK;
	}
	doc = hf_json_report(&in, run->cfg.calib.has_mounting, &run->report);
	if (run->prog)
		json_object_object_add(doc, "compliance",
				       hf_json_compliance(run->prog, &run->report, &comp));
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return HF_EXIT_OK;
}

/* Fewer than 1 in MIN_USABLE of the records (lines or packets) gave a
 * sample: whatever the file is, it is not a recording to report on. */
static bool almost_nothing_usable(const struct hf_decoder_stats *st)
{
	uint64_t bad = st->bad_lines + st->bad_packets;

	return bad > 0 && st->samples < (st->samples + bad) / MIN_USABLE;
}

static int run_analysis(const struct analyze_opts *o, struct analyze_run *run,
			struct hf_decoder *d)
{
	int r;

	r = hf_cli_decode_file(o->file, o->format, o->rate_hz, d, on_sample, run);
	if (r != HF_EXIT_OK)
		return r;
	if (!run->an && !run->failed && run->n_stash > 0)
		start_analyzer(run);
	if (run->bad_rate) {
		hf_cli_error("%s: its t_s steps give a sample rate of %g Hz, not one from %g to %g Hz: "
			     "the times are broken (give --rate HZ if only they are)",
			     o->file, run->cfg.rate_hz, HF_RATE_MIN_HZ, HF_RATE_MAX_HZ);
		return HF_EXIT_INPUT;
	}
	if (run->failed) {
		hf_cli_error("%s: analysis failed (out of memory)", o->file);
		return HF_EXIT_INPUT;
	}
	if (d->stats.samples == 0) {
		hf_cli_error("%s: no samples found (%llu bad lines, %llu bad packets)", o->file,
			     (unsigned long long)d->stats.bad_lines,
			     (unsigned long long)d->stats.bad_packets);
		return HF_EXIT_INPUT;
	}
	if (almost_nothing_usable(&d->stats)) {
		hf_cli_error("%s: almost nothing was usable: %llu good of %llu records "
			     "(%llu bad lines, %llu bad packets)",
			     o->file, (unsigned long long)d->stats.samples,
			     (unsigned long long)(d->stats.samples + d->stats.bad_lines +
						  d->stats.bad_packets),
			     (unsigned long long)d->stats.bad_lines,
			     (unsigned long long)d->stats.bad_packets);
		return HF_EXIT_INPUT;
	}
	take_breaks(run);
	hf_analyzer_finish(run->an);
	return print_result(run);
}

int hf_cmd_analyze(int argc, char **argv)
{
	struct analyze_opts o = {.exercise = HF_EX_NONE, .th = hf_thresholds_default};
	struct analyze_run run = {.o = &o};
	struct hf_decoder d;
	int r = parse_args(argc, argv, &o);

	if (r < 0)
		return HF_EXIT_OK;
	if (r != HF_EXIT_OK || (r = check_args(&o)) != HF_EXIT_OK)
		return r;
	if (o.format == HF_FORMAT_WITMOTION && o.rate_hz <= 0.0) {
		hf_cli_error("--rate HZ is required for raw WitMotion captures");
		return HF_EXIT_USAGE;
	}
	hf_analyzer_config_default(&run.cfg);
	if (o.config && (r = hf_cli_load_config(o.config, &o.th)) != HF_EXIT_OK)
		return r;
	/* command-line thresholds win over the file: parse them again */
	if (o.config) {
		struct analyze_opts again = o;
		parse_args(argc, argv, &again);
		o.th = again.th;
	}
	if (o.calibration && (r = hf_cli_load_calibration(o.calibration, &run.cfg.calib)) != HF_EXIT_OK)
		return r;
	if (o.exercise == HF_EX_NONE && !run.cfg.calib.has_mounting) {
		hf_cli_error("%s has no [mounting]: give --exercise, or calibrate with the standing and hip-hinge procedure",
			     o.calibration);
		return HF_EXIT_INPUT;
	}
	if (o.program) {
		run.prog = malloc(sizeof *run.prog);
		if (!run.prog || (r = hf_cli_load_program(o.program, run.prog)) != HF_EXIT_OK) {
			free(run.prog);
			return run.prog ? r : HF_EXIT_INPUT;
		}
		if (hf_program_hold_target_s(run.prog, o.exercise) > 0.0)
			o.th.hold_short_s = hf_program_hold_target_s(run.prog, o.exercise);
	}
	run.cfg.exercise = o.exercise;
	run.cfg.side = o.side;
	run.cfg.thresholds = o.th;
	run.d = &d;
	if (o.calibration && !o.raw_accel)
		hf_cli_session_accel(o.file, o.format, o.rate_hz, &run.cfg.calib);
	hf_report_init(&run.report);
	r = run_analysis(&o, &run, &d);
	hf_analyzer_free(run.an);
	hf_report_free(&run.report);
	free(run.prog);
	return r;
}
