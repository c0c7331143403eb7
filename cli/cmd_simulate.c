/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform simulate: write a simulated recording (contract CSV or a raw
 * WitMotion capture) of a pelvis-worn IMU and, optionally, its ground
 * truth as contract section 8 JSON.  The scenarios are programs of the
 * simulator (include/hipform/sim.h); a seed gives the same bytes always.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "hipform/error.h"
#include "hipform/sim.h"
#include "options.h"

enum scenario { SC_RANDOM = 0, SC_DEMO, SC_CALIBRATION, SC_HIP_LIFT, SC_CLAM_SHELL,
		SC_PLANK, SC_PLANK_SIDE, SC_PLANK_BACK, SC_HIP_FLEXOR_STRETCH, SC_FOAM_ROLL,
		SC_SIDE_WALK, SC_PROGRAM, SC_SIX_FACE, SC_COUNT };

static const char *const scenario_names[SC_COUNT] = {
	[SC_RANDOM] = "random",
	[SC_DEMO] = "demo",
	[SC_CALIBRATION] = "calibration",
	[SC_HIP_LIFT] = "hip_lift",
	[SC_CLAM_SHELL] = "clam_shell",
	[SC_PLANK] = "plank",
	[SC_PLANK_SIDE] = "plank_side",
	[SC_PLANK_BACK] = "plank_back",
	[SC_HIP_FLEXOR_STRETCH] = "hip_flexor_stretch",
	[SC_FOAM_ROLL] = "foam_roll",
	[SC_SIDE_WALK] = "side_walk",
	[SC_PROGRAM] = "program",
	[SC_SIX_FACE] = "six_face",
};

/* Hold scenarios (sim/hold.c): their exercise, HF_EX_NONE for the others. */
static enum hf_exercise hold_exercise(enum scenario sc)
{
	switch (sc) {
	case SC_PLANK: return HF_EX_PLANK_FRONT;
	case SC_PLANK_SIDE: return HF_EX_PLANK_SIDE;
	case SC_PLANK_BACK: return HF_EX_PLANK_BACK;
	case SC_HIP_FLEXOR_STRETCH: return HF_EX_HIP_FLEXOR_STRETCH;
	default: return HF_EX_NONE;
	}
}

static const char *const grade_names[] = {
	[HF_SIM_GRADE_IDEAL] = "ideal",
	[HF_SIM_GRADE_GOOD] = "good",
	[HF_SIM_GRADE_MEMS] = "mems",
};

struct simulate_opts {
	const char *output, *truth;
	bool witmotion;
	double rate_hz;
	enum hf_sim_grade grade;
	unsigned seed;
	enum scenario scenario;
	int named;            /* enum hf_sim_scenario, -1 = none */
	int part;             /* enum hf_sim_part, -1 = use the grade */
	bool calibration;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform simulate [-o FILE] [--truth FILE.json] [--format csv|witmotion]\n"
		"                        [--rate HZ] [--grade ideal|good|mems] [--seed N]\n"
		"                        [--sensor PART]\n"
		"                        [--scenario random|demo|calibration|hip_lift|clam_shell|\n"
		"                                    cheap_accel|settling_rest|slow_tiny_clams|\n"
		"                                    breathing_clams|odd_first_rep|\n"
		"                                    weak_side_bridges|plank|\n"
		"                                    plank_side|plank_back|hip_flexor_stretch|\n"
		"                                    foam_roll|side_walk|program|six_face]\n"
		"                        [--calibration-procedure]\n"
		"\n"
		"Simulate a session with a motion sensor worn on the pelvis and write what\n"
		"the sensor would report.  The pelvis follows a smooth, physically modelled\n"
		"path (standing, walking, getting down to the mat, hip lifts and clam shells\n"
		"with holds, faults and fidgets, rests); the sensor sits at a random\n"
		"orientation and lever arm and measures angular rate and specific force with\n"
		"the bias, drift, noise, scale error and quantisation of its grade.  The\n"
		"ground truth (sets, reps, holds, angles and faults by the contract's rules,\n"
		"plus the true mounting and gyro bias) can be written alongside.\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE     write the recording to FILE (default: standard output)\n"
		"  --truth FILE          write the ground truth to FILE as contract JSON, with\n"
		"                        a \"truth\" object holding the mounting (pelvis_to_sensor\n"
		"                        quaternion w, x, y, z), lever arm and sensor errors\n"
		"  --format FORMAT       csv (contract CSV, the default) or witmotion (raw\n"
		"                        0x51/0x52/0x53 packets; read it back with --rate)\n"
		"  --rate HZ             sample rate, 10 to 1000 (default 100)\n"
		"  --grade GRADE         ideal (exact), good (calibrated industrial IMU) or\n"
		"                        mems (cheap sensor: 2-5 deg/s gyro bias; the default)\n"
		"  --sensor PART         a specimen of a real part drawn within its datasheet's\n"
		"                        tolerances, worn anywhere on a belt (instead of\n"
		"                        --grade): MPU-6050, MPU-6500, MPU-9250, ICM-42688-P,\n"
		"                        BMI160, BMI270, LSM6DSO or LSM6DS3\n"
		"  --seed N              random seed (default 1); equal seeds, equal output\n"
		"  --scenario NAME       what the wearer does (default random):\n"
		"                          random       stand, walk, get down, 1-4 sets of hip\n"
		"                                       lifts or clam shells, get up\n"
		"                          demo         calibration procedure, 6 hip lifts with\n"
		"                                       two faults, 6 clam shells (left) with a\n"
		"                                       pelvis rollback; about two minutes\n"
		"                          calibration  the calibration procedure only\n"
		"                          hip_lift     two sets of hip lifts\n"
		"                          clam_shell   a set of clam shells on each side\n"
		"                        issue 8's classes, an exact sensor unless the sensor\n"
		"                        is the point (--grade is ignored; analyse them with\n"
		"                        'hipform analyze --exercise clam_shell --side left',\n"
		"                        or hip_lift):\n"
		"                          cheap_accel      accelerometer reading 0.94 g at\n"
		"                                           rest, MPU-6050 noise, 8 clam shells\n"
		"                          settling_rest    2 x 6 clam shells of 2-3 deg, the\n"
		"                                           pelvis settling 1.3-1.5 deg 12-17 s\n"
		"                                           before each\n"
		"                          slow_tiny_clams  8 clam shells of 1.6-1.8 deg, 1.5 s\n"
		"                                           rises\n"
		"                          breathing_clams  14 clam shells, breathing 0.3 deg\n"
		"                          odd_first_rep    9 hip lifts, the first small (8 deg)\n"
		"                                           and oblique\n"
		"                          weak_side_bridges 10 hip lifts, each dropping\n"
		"                                           the same hip 6-8 deg\n"
		"                          plank, plank_side, plank_back, hip_flexor_stretch\n"
		"                                       1-3 holds (front plank; side plank on the\n"
		"                                       right; back plank; stretch kneeling on the\n"
		"                                       left) with sag, pike, hip drops and tremor;\n"
		"                                       truth times are the CSV's\n"
		"                          foam_roll    get onto a roller face down or face up,\n"
		"                                       2-4 sets of 8-20 passes along the body\n"
		"                                       (0.1-0.4 m, 1.5-5 s), pauses, rests, rolling\n"
		"                                       over; analyse with --exercise foam_roll\n"
		"                          side_walk    3 sets of 8-20 side-walk cycles (0.2-0.5 m\n"
		"                                       a cycle, 20-50 a minute), the direction\n"
		"                                       changing between sets, some cycles with\n"
		"                                       pelvic_drop; truth times are the CSV's\n"
		"                          program      the whole program: the calibration\n"
		"                                       procedure, foam rolling face down and\n"
		"                                       up, hip lifts, clam shells each side,\n"
		"                                       side walks each way, planks front, side\n"
		"                                       (right, left) and back, a walk\n"
		"                                       (sometimes a run), with\n"
		"                                       walking and standing between the blocks\n"
		"                                       (truth \"between\"); calibrate on the\n"
		"                                       first truth.calibration_end_s seconds\n"
		"                          six_face     the sensor alone, 3 s still on each\n"
		"                                       of its six faces, for 'hipform\n"
		"                                       calibrate --six-face' (csv, no truth;\n"
		"                                       give the --sensor and --seed of the\n"
		"                                       session it calibrates)\n"
		"  --calibration-procedure\n"
		"                        start with the calibration procedure (stand still,\n"
		"                        three hip hinges, stand still) for 'hipform calibrate'\n"
		"  -h, --help            show this help\n"
		"\n"
		"Examples:\n"
		"  hipform simulate --scenario demo -o demo.csv --truth demo.json\n"
		"  hipform simulate --format witmotion --rate 200 -o raw.bin --truth raw.json\n"
		"  hipform analyze raw.bin --rate 200 --exercise hip_lift\n"
		"\n"
		"Times in the truth are on the recording's own axis (t_s of the CSV; sample\n"
		"index / rate for a raw capture).\n"
		"\n"
		"Exit status: 0 success, 1 the output cannot be written, 2 usage error.\n");
}

static int lookup(const char *const *names, int n, const char *arg)
{
	for (int i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], arg) == 0)
			return i;
	return -1;
}

static int parse_number_args(int c, const char *arg, struct simulate_opts *o)
{
	char *end;

	errno = 0;
	if (c == 'r') {
		o->rate_hz = strtod(arg, &end);
		if (*end || end == arg || !(o->rate_hz >= 10.0 && o->rate_hz <= 1000.0)) {
			hf_cli_error("--rate: '%s' is not a rate from 10 to 1000 Hz", arg);
			return HF_EXIT_USAGE;
		}
		return HF_EXIT_OK;
	}
	unsigned long v = strtoul(arg, &end, 10);
	if (*end || end == arg || arg[0] == '-' || errno || v > 0xffffffffUL) {
		hf_cli_error("--seed: '%s' is not a number from 0 to 4294967295", arg);
		return HF_EXIT_USAGE;
	}
	o->seed = (unsigned)v;
	return HF_EXIT_OK;
}

static int parse_choice_arg(int c, const char *arg, struct simulate_opts *o)
{
	int v;

	switch (c) {
	case 'f':
		if (strcmp(arg, "csv") && strcmp(arg, "witmotion")) {
			hf_cli_error("--format: unknown value '%s' (csv or witmotion)", arg);
			return HF_EXIT_USAGE;
		}
		o->witmotion = strcmp(arg, "witmotion") == 0;
		return HF_EXIT_OK;
	case 'g':
		v = lookup(grade_names, 3, arg);
		if (v < 0) {
			hf_cli_error("--grade: unknown value '%s' (ideal, good or mems)", arg);
			return HF_EXIT_USAGE;
		}
		o->grade = (enum hf_sim_grade)v;
		return HF_EXIT_OK;
	default:
		v = lookup(scenario_names, SC_COUNT, arg);
		o->named = v < 0 ? hf_sim_scenario_lookup(arg) : -1;
		if (o->named >= 0)
			return HF_EXIT_OK;
		if (v < 0) {
			hf_cli_error("--scenario: unknown value '%s' (try 'hipform simulate --help')", arg);
			return HF_EXIT_USAGE;
		}
		o->scenario = (enum scenario)v;
		return HF_EXIT_OK;
	}
}

/* HF_EXIT_OK, HF_EXIT_USAGE, or -1 after --help. */
static int parse_args(int argc, char **argv, struct simulate_opts *o)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"truth", required_argument, NULL, 't'},
		{"format", required_argument, NULL, 'f'},
		{"rate", required_argument, NULL, 'r'},
		{"grade", required_argument, NULL, 'g'},
		{"seed", required_argument, NULL, 's'},
		{"scenario", required_argument, NULL, 'S'},
		{"sensor", required_argument, NULL, 'P'},
		{"calibration-procedure", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, r = HF_EXIT_OK;

	optind = 1;
	while (r == HF_EXIT_OK && (c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case 't': o->truth = optarg; break;
		case 'c': o->calibration = true; break;
		case 'P':
			o->part = hf_sim_part_lookup(optarg);
			if (o->part < 0) {
				hf_cli_error("--sensor: unknown part '%s' (try 'hipform simulate --help')",
					     optarg);
				r = HF_EXIT_USAGE;
			}
			break;
		case 'r':
		case 's': r = parse_number_args(c, optarg, o); break;
		case 'f':
		case 'g':
		case 'S': r = parse_choice_arg(c, optarg, o); break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return HF_EXIT_USAGE;
		}
	}
	if (r == HF_EXIT_OK && optind != argc) {
		hf_cli_error("simulate takes no FILE argument ('%s'); use -o FILE", argv[optind]);
		return HF_EXIT_USAGE;
	}
	return r;
}

/* ---- scenarios ---- */

static int demo_hip_lifts(struct hf_sim *sim)
{
	static const struct hf_sim_rep reps[6] = {
		{.excursion_deg = 24, .rise_s = 1.3, .hold_s = 2.2, .lower_s = 1.3, .rest_after_s = 1.2},
		{.excursion_deg = 26, .rise_s = 1.4, .hold_s = 2.1, .lower_s = 1.3, .rest_after_s = 1.4},
		{.excursion_deg = 25, .rise_s = 1.3, .hold_s = 0.6, .lower_s = 1.2, .rest_after_s = 1.2},
		{.excursion_deg = 23, .rise_s = 1.2, .hold_s = 2.3, .lower_s = 1.4, .rest_after_s = 1.5},
		{.excursion_deg = 11, .rise_s = 1.2, .hold_s = 2.2, .lower_s = 1.2, .rest_after_s = 1.2},
		{.excursion_deg = 25, .rise_s = 1.3, .hold_s = 2.2, .lower_s = 1.3, .rest_after_s = 1.5},
	};
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT};

	return hf_sim_add_set_reps(sim, &set, reps, 6);
}

static int demo_clam_shells(struct hf_sim *sim)
{
	static const struct hf_sim_rep reps[6] = {
		{.excursion_deg = 5, .rise_s = 1.2, .hold_s = 2.2, .lower_s = 1.2, .rest_after_s = 1.0},
		{.excursion_deg = 6, .rise_s = 1.3, .hold_s = 2.1, .lower_s = 1.2, .rest_after_s = 1.2},
		{.excursion_deg = 5, .rise_s = 1.2, .hold_s = 2.3, .lower_s = 1.3, .rest_after_s = 1.0},
		{.excursion_deg = 16, .rise_s = 1.4, .hold_s = 2.2, .lower_s = 1.3, .rest_after_s = 1.3},
		{.excursion_deg = 5, .rise_s = 1.2, .hold_s = 2.2, .lower_s = 1.2, .rest_after_s = 1.0},
		{.excursion_deg = 6, .rise_s = 1.3, .hold_s = 2.2, .lower_s = 1.2, .rest_after_s = 1.2},
	};
	struct hf_sim_set set = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_LEFT, .fidgets = 1};

	return hf_sim_add_set_reps(sim, &set, reps, 6);
}

static int scenario_demo(struct hf_sim *sim)
{
	int r = hf_sim_stand(sim, 3.0);

	if (r == HF_OK)
		r = hf_sim_calibration_procedure(sim);
	if (r == HF_OK)
		r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0);
	if (r == HF_OK)
		r = demo_hip_lifts(sim);
	if (r == HF_OK)
		r = hf_sim_rest(sim, 3.0);
	if (r == HF_OK)
		r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 2.5);
	if (r == HF_OK)
		r = demo_clam_shells(sim);
	if (r == HF_OK)
		r = hf_sim_rest(sim, 2.0);
	if (r == HF_OK)
		r = hf_sim_change_posture(sim, HF_POSTURE_UPRIGHT, 3.0);
	if (r == HF_OK)
		r = hf_sim_stand(sim, 3.0);
	return r;
}

static int scenario_sets(struct hf_sim *sim, enum scenario sc, bool cal)
{
	struct hf_sim_set set = {.variation = 0.3, .fault_rate = 0.3, .fidgets = 1, .reps = 10};
	int r = hf_sim_stand(sim, 3.0);

	/* no walk here: without a calibration the analyser takes every set
	 * for the given exercise (contract section 7), and these scenarios
	 * are what `--exercise` is for; `random` walks */
	if (r == HF_OK && cal)
		r = hf_sim_calibration_procedure(sim);
	if (r == HF_OK)
		r = hf_sim_stand(sim, 2.0);
	if (sc == SC_HIP_LIFT) {
		set.exercise = HF_EX_HIP_LIFT;
		if (r == HF_OK)
			r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0);
		if (r == HF_OK)
			r = hf_sim_add_set(sim, &set);
		if (r == HF_OK)
			r = hf_sim_rest(sim, 15.0);
		set.reps = 8;
		if (r == HF_OK)
			r = hf_sim_add_set(sim, &set);
	} else {
		set.exercise = HF_EX_CLAM_SHELL;
		set.side = HF_SIDE_LEFT;
		if (r == HF_OK)
			r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0);
		if (r == HF_OK)
			r = hf_sim_add_set(sim, &set);
		if (r == HF_OK)
			r = hf_sim_rest(sim, 3.0);
		if (r == HF_OK)
			r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 2.0);
		if (r == HF_OK)
			r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_LEFT, 2.0);
		set.side = HF_SIDE_RIGHT;
		if (r == HF_OK)
			r = hf_sim_add_set(sim, &set);
	}
	if (r == HF_OK)
		r = hf_sim_rest(sim, 3.0);
	if (r == HF_OK)
		r = hf_sim_change_posture(sim, HF_POSTURE_UPRIGHT, 3.0);
	if (r == HF_OK)
		r = hf_sim_stand(sim, 3.0);
	return r;
}

static int build(struct hf_sim *sim, const struct simulate_opts *o)
{
	int r;

	if (o->named >= 0)
		return hf_sim_scenario_build(sim, (enum hf_sim_scenario)o->named, o->calibration);
	switch (o->scenario) {
	case SC_DEMO:
		return scenario_demo(sim);
	case SC_CALIBRATION:
		r = hf_sim_stand(sim, 1.0);
		return r == HF_OK ? hf_sim_calibration_procedure(sim) : r;
	case SC_HIP_LIFT:
	case SC_CLAM_SHELL:
		return scenario_sets(sim, o->scenario, o->calibration);
	default:
		return hf_sim_random_session(sim, o->calibration);
	}
}

/* Open path for writing ("-" or NULL: stdout); message on failure. */
static FILE *open_out(const char *path, bool binary)
{
	FILE *f;

	if (!path || strcmp(path, "-") == 0)
		return stdout;
	f = fopen(path, binary ? "wb" : "w");
	if (!f)
		hf_cli_error("cannot write %s: %s", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const char *path, int r)
{
	bool is_stdout = f == stdout;
	int c = is_stdout ? fflush(f) : fclose(f);

	if (c != 0 && r == HF_OK)
		r = HF_ERR_SYS;
	if (r != HF_OK)
		hf_cli_error("cannot write %s: %s", path && !is_stdout ? path : "standard output",
			     r == HF_ERR_SYS ? strerror(errno) : hf_strerror(r));
	return r;
}

static int write_outputs(const struct hf_sim_output *out, const struct simulate_opts *o)
{
	FILE *f = open_out(o->output, o->witmotion);
	int r;

	if (!f)
		return HF_EXIT_INPUT;
	r = o->witmotion ? hf_sim_write_witmotion(out, f) : hf_sim_write_csv(out, f);
	if (close_out(f, o->output, r) != HF_OK)
		return HF_EXIT_INPUT;
	if (!o->truth)
		return HF_EXIT_OK;
	f = open_out(o->truth, false);
	if (!f)
		return HF_EXIT_INPUT;
	r = hf_sim_write_truth_json_format(out, o->witmotion ? "witmotion" : "csv", f);
	return close_out(f, o->truth, r) == HF_OK ? HF_EXIT_OK : HF_EXIT_INPUT;
}

/*
 * A scenario with a simulator of its own (sim/hold.c, sim/foamroll.c,
 * sim/sidewalk.c): its samples for WitMotion bytes and its two writers.
 */
struct own_session {
	const void *session;
	struct hf_sim_output out;
	int (*write_csv)(const void *session, FILE *f);
	int (*write_truth)(const void *session, FILE *f);
};

#define OWN_OUTPUT(s) ((struct hf_sim_output){.n = (s).n, .samples = (s).samples, \
	.q_pelvis_to_world = (s).q_pelvis_to_world, .sensor = (s).sensor})

static int write_own_session(const struct own_session *os, const struct simulate_opts *o)
{
	FILE *f = open_out(o->output, o->witmotion);
	int r;

	if (f && o->witmotion)
		r = hf_sim_write_witmotion(&os->out, f);
	else
		r = f ? os->write_csv(os->session, f) : HF_ERR_SYS;
	if (!f || close_out(f, o->output, r) != HF_OK)
		return HF_EXIT_INPUT;
	f = o->truth ? open_out(o->truth, false) : NULL;
	r = f ? os->write_truth(os->session, f) : HF_OK;
	if (o->truth && (!f || close_out(f, o->truth, r) != HF_OK))
		return HF_EXIT_INPUT;
	return HF_EXIT_OK;
}

static int simulation_failed(int r)
{
	hf_cli_error("simulate: %s", hf_strerror(r));
	return HF_EXIT_INPUT;
}

static int hold_csv(const void *s, FILE *f) { return hf_sim_hold_write_csv(s, f); }
static int hold_truth(const void *s, FILE *f) { return hf_sim_hold_write_truth_json(s, f); }
static int roll_csv(const void *s, FILE *f) { return hf_sim_foamroll_write_csv(s, f); }
static int roll_truth(const void *s, FILE *f) { return hf_sim_foamroll_write_truth_json(s, f); }
static int aside_csv(const void *s, FILE *f) { return hf_sim_sidewalk_write_csv(s, f); }
static int aside_truth(const void *s, FILE *f) { return hf_sim_sidewalk_write_truth_json(s, f); }

/* A hold scenario: its own simulator (sim/hold.c). */
static int simulate_holds(const struct hf_sim_sensor *sensor, const struct simulate_opts *o)
{
	enum hf_exercise ex = hold_exercise(o->scenario);
	enum hf_side side = ex == HF_EX_HIP_FLEXOR_STRETCH ? HF_SIDE_LEFT : HF_SIDE_RIGHT;
	struct hf_sim_hold_session s;
	int r = hf_sim_hold_session(sensor, ex, side, o->seed, &s);

	if (r != HF_OK)
		return simulation_failed(r);
	r = write_own_session(&(struct own_session){&s, OWN_OUTPUT(s), hold_csv, hold_truth}, o);
	hf_sim_hold_session_free(&s);
	return r;
}

/* The foam-roll scenario: its own simulator (sim/foamroll.c). */
static int simulate_foamroll(const struct hf_sim_sensor *sensor, const struct simulate_opts *o)
{
	struct hf_sim_foamroll_session s;
	int r = hf_sim_foamroll_session(sensor, o->seed, 0, &s);

	if (r != HF_OK)
		return simulation_failed(r);
	r = write_own_session(&(struct own_session){&s, OWN_OUTPUT(s), roll_csv, roll_truth}, o);
	hf_sim_foamroll_session_free(&s);
	return r;
}

/* The side-walk scenario: its own simulator (sim/sidewalk.c). */
static int simulate_side_walk(const struct hf_sim_sensor *sensor, const struct simulate_opts *o)
{
	struct hf_sim_sidewalk_session s;
	int r = hf_sim_sidewalk_session(NULL, sensor, o->seed, &s);

	if (r != HF_OK)
		return simulation_failed(r);
	r = write_own_session(&(struct own_session){&s, OWN_OUTPUT(s), aside_csv, aside_truth}, o);
	hf_sim_sidewalk_session_free(&s);
	return r;
}

/* The whole program (sim/session.c). */
/* The six-face recording of the sensor (sim/six_face.c): CSV, no truth
 * beyond the sensor's own errors. */
static int simulate_six_face(const struct hf_sim_sensor *sensor, const struct simulate_opts *o)
{
	size_t n = hf_sim_six_face_samples(sensor);
	struct hf_sample *x;
	FILE *f;
	int r;

	if (o->witmotion || o->truth) {
		hf_cli_error("--scenario six_face writes csv only, without --truth");
		return HF_EXIT_USAGE;
	}
	x = calloc(n, sizeof *x);
	if (!x)
		return simulation_failed(HF_ERR_NOMEM);
	r = hf_sim_six_face(sensor, o->seed, x, n);
	if (r != HF_OK) {
		free(x);
		return simulation_failed(r);
	}
	f = open_out(o->output, false);
	if (!f) {
		free(x);
		return HF_EXIT_INPUT;
	}
	r = hf_sim_write_samples_csv(f, "hipform six-face recording: 3 s on each face", x, n);
	free(x);
	return close_out(f, o->output, r) == HF_OK ? HF_EXIT_OK : HF_EXIT_INPUT;
}

static int program_csv(const void *s, FILE *f) { return hf_sim_session_write_csv(s, f); }
static int program_truth(const void *s, FILE *f) { return hf_sim_session_write_truth_json(s, f); }

static int simulate_program(const struct hf_sim_sensor *sensor, const struct simulate_opts *o)
{
	struct hf_sim_session s;
	int r;

	if (o->witmotion) {
		hf_cli_error("--scenario program writes csv only (no true angles for witmotion)");
		return HF_EXIT_USAGE;
	}
	r = hf_sim_program_session(sensor, o->seed, 0, &s);
	if (r != HF_OK)
		return simulation_failed(r);
	r = write_own_session(&(struct own_session){.session = &s, .write_csv = program_csv,
						    .write_truth = program_truth}, o);
	hf_sim_session_free(&s);
	return r;
}

int hf_cmd_simulate(int argc, char **argv)
{
	struct simulate_opts o = {.rate_hz = 100.0, .grade = HF_SIM_GRADE_MEMS, .seed = 1,
				  .named = -1, .part = -1};
	struct hf_sim_sensor sensor;
	const struct hf_sim_output *out;
	struct hf_sim *sim;
	int r = parse_args(argc, argv, &o);

	if (r != HF_EXIT_OK)
		return r < 0 ? HF_EXIT_OK : r;
	if (o.truth && o.output && strcmp(o.truth, o.output) == 0) {
		hf_cli_error("--truth and -o name the same file");
		return HF_EXIT_USAGE;
	}
	hf_sim_sensor_preset(&sensor, o.grade, o.rate_hz, o.seed);
	if (o.part >= 0)
		hf_sim_sensor_from_part(&sensor, (enum hf_sim_part)o.part, o.rate_hz, o.seed);
	if (o.named >= 0)
		hf_sim_scenario_sensor((enum hf_sim_scenario)o.named, o.rate_hz, o.seed, &sensor);
	if (hold_exercise(o.scenario) != HF_EX_NONE)
		return simulate_holds(&sensor, &o);
	if (o.scenario == SC_FOAM_ROLL)
		return simulate_foamroll(&sensor, &o);
	if (o.scenario == SC_SIDE_WALK && o.named < 0)
		return simulate_side_walk(&sensor, &o);
	if (o.scenario == SC_PROGRAM)
		return simulate_program(&sensor, &o);
	if (o.scenario == SC_SIX_FACE)
		return simulate_six_face(&sensor, &o);
	sim = hf_sim_new(&sensor, o.seed);
	if (!sim) {
		hf_cli_error("simulate: out of memory");
		return HF_EXIT_INPUT;
	}
	r = build(sim, &o);
	if (r == HF_OK)
		r = hf_sim_render(sim, &out);
	if (r != HF_OK) {
		hf_cli_error("simulate: %s", hf_strerror(r));
		hf_sim_free(sim);
		return HF_EXIT_INPUT;
	}
	r = write_outputs(out, &o);
	hf_sim_free(sim);
	return r;
}
