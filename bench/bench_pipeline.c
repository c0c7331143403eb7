/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Throughput of the processing stages on one core, on a simulated session
 * (MEMS grade, 200 Hz, about 10 minutes, repeated to a few million samples):
 *   - calibration + orientation (hf_calib_apply + hf_ahrs_update)
 *   - the whole analysis path from bytes: WitMotion decode -> analyser -> events
 *     (a hip-lift session)
 *   - the analyser per exercise kind (issue 10: at least 1 M samples/s each),
 *     on each kind's own simulated session at 200 Hz, exercise given, and
 *     a whole simulated program recognised with its calibration
 * Prints samples per second of CPU time.  A benchmark, not a test.
 *
 * Usage: bench_pipeline [STAGE]  (orientation, decode, reps, hold, steps,
 * passes, gait or program: that stage alone, e.g. under perf)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipform/ahrs.h"
#include "hipform/analyzer.h"
#include "hipform/calib.h"
#include "hipform/decoder.h"
#include "hipform/sim.h"

#define ROUND_SAMPLES 1000000 /* one timed round */
#define ROUNDS 5               /* the best and the median are printed */

static const char *only_stage; /* NULL: every stage */

static bool wanted(const char *stage)
{
	return !only_stage || strcmp(only_stage, stage) == 0;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void count_event(const struct hf_event *ev, void *user)
{
	(void)ev;
	(*(long *)user)++;
}

static int by_rate(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * One stage's session through its pass function (which returns the samples
 * it processed, 0 on failure) in ROUNDS rounds of at least ROUND_SAMPLES,
 * each timed on its own.  On a shared machine other load only ever slows
 * a round, so the best round is the stage's own speed and the median
 * shows the spread.
 */
static void measure(const char *title, size_t (*pass)(void *), void *ctx, const long *events)
{
	double rate_msps[ROUNDS];
	size_t total = 0;

	for (int r = 0; r < ROUNDS; r++) {
		size_t n = 0;
		double t0 = cpu_s();

		while (n < ROUND_SAMPLES) {
			size_t k = pass(ctx);
			if (k == 0) {
				fprintf(stderr, "bench_pipeline: %s failed\n", title);
				exit(1);
			}
			n += k;
		}
		rate_msps[r] = n / (cpu_s() - t0) / 1e6;
		total += n;
	}
	qsort(rate_msps, ROUNDS, sizeof rate_msps[0], by_rate);
	printf("  %-27s %5.2f M samples/s best, %5.2f median (%d rounds, %zu samples",
	       title, rate_msps[ROUNDS - 1], rate_msps[ROUNDS / 2], ROUNDS, total);
	if (events)
		printf(", %ld events", *events);
	printf(")\n");
}

struct orientation_pass {
	const struct hf_sim_output *o;
	struct hf_calib calib;
	struct hf_ahrs ahrs;
	double t_offset_s;
};

static size_t orientation_pass(void *ctx)
{
	struct orientation_pass *p = ctx;

	for (size_t i = 0; i < p->o->n; i++) {
		struct hf_sample s = p->o->samples[i];
		s.t_s += p->t_offset_s; /* keep time increasing */
		hf_calib_apply(&p->calib, &s, &s);
		hf_ahrs_update(&p->ahrs, &s);
	}
	p->t_offset_s += 1e4;
	return p->o->n;
}

static void bench_orientation(const struct hf_sim_output *o)
{
	struct orientation_pass p = {.o = o};

	hf_calib_identity(&p.calib);
	hf_ahrs_init(&p.ahrs, NULL);
	measure("calibration + orientation", orientation_pass, &p, NULL);
}

struct decode_pass {
	const uint8_t *bytes;
	size_t len;
	struct hf_analyzer_config cfg;
	long events;
};

static size_t decode_pass(void *ctx)
{
	struct decode_pass *p = ctx;
	struct hf_decoder d;
	struct hf_analyzer *an = hf_analyzer_new(&p->cfg, count_event, &p->events);
	size_t off = 0;

	if (!an)
		return 0;
	hf_decoder_init(&d, HF_FORMAT_WITMOTION, p->cfg.rate_hz);
	while (off < p->len) {
		struct hf_sample s;
		size_t used;
		int r = hf_decoder_feed(&d, p->bytes + off, p->len - off, &used, &s);
		off += used;
		if (r == 1)
			hf_analyzer_update(an, &s);
		else if (r < 0)
			break;
	}
	hf_analyzer_finish(an);
	hf_analyzer_free(an);
	return d.stats.samples;
}

static void bench_decode(const struct hf_sim_output *o)
{
	char *bytes = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&bytes, &len);
	struct decode_pass p = {0};

	if (!f || hf_sim_write_witmotion(o, f) != 0) {
		fprintf(stderr, "bench_pipeline: cannot encode\n");
		exit(1);
	}
	fclose(f);
	p.bytes = (const uint8_t *)bytes;
	p.len = len;
	hf_analyzer_config_default(&p.cfg);
	p.cfg.exercise = HF_EX_HIP_LIFT;
	p.cfg.rate_hz = o->sensor.rate_hz;
	measure("decode + analysis (bytes)", decode_pass, &p, &p.events);
	free(bytes);
}

struct kind_pass {
	struct hf_analyzer_config cfg;
	const struct hf_sample *samples;
	size_t n;
	long events;
};

static size_t kind_pass(void *ctx)
{
	struct kind_pass *p = ctx;
	struct hf_analyzer *an = hf_analyzer_new(&p->cfg, count_event, &p->events);

	if (!an)
		return 0;
	for (size_t i = 0; i < p->n; i++)
		hf_analyzer_update(an, &p->samples[i]);
	hf_analyzer_finish(an);
	hf_analyzer_free(an);
	return p->n;
}

/* Samples through the analyser of exercise ex (HF_EX_NONE: recognised,
 * with mounting as the calibration). */
static void bench_kind(const char *title, enum hf_exercise ex, enum hf_side side,
		       const struct hf_quat *mounting, const struct hf_sample *samples, size_t n,
		       double rate_hz)
{
	struct kind_pass p = {.samples = samples, .n = n};

	if (n == 0) {
		printf("  %-27s (empty session: skipped)\n", title);
		return;
	}

	hf_analyzer_config_default(&p.cfg);
	p.cfg.exercise = ex;
	p.cfg.side = side;
	p.cfg.rate_hz = rate_hz;
	if (mounting) {
		p.cfg.calib.has_mounting = true;
		p.cfg.calib.pelvis_to_sensor = *mounting;
	}
	measure(title, kind_pass, &p, &p.events);
}

static void bench_kinds(const struct hf_sim_sensor *sensor, const struct hf_sim_output *reps)
{
	struct hf_sim_hold_session hold;
	struct hf_sim_sidewalk_session walk_aside;
	struct hf_sim_foamroll_session roll;
	struct hf_sim_gait gait = {.run = 1};
	struct hf_sim_gait_output run;
	struct hf_sim_session program;

	if (!only_stage || (strcmp(only_stage, "orientation") != 0 && strcmp(only_stage, "decode") != 0))
		printf("analysis per kind (samples -> events; exercise given but the last):\n");
	if (wanted("reps"))
		bench_kind("reps (hip_lift)", HF_EX_HIP_LIFT, HF_SIDE_NONE, NULL, reps->samples,
			   reps->n, sensor->rate_hz);
	if (wanted("hold") &&
	    hf_sim_hold_session(sensor, HF_EX_PLANK_FRONT, HF_SIDE_NONE, 7, &hold) == 0) {
		bench_kind("hold (plank_front)", HF_EX_PLANK_FRONT, HF_SIDE_NONE, NULL, hold.samples,
			   hold.n, sensor->rate_hz);
		hf_sim_hold_session_free(&hold);
	}
	if (wanted("steps") && hf_sim_sidewalk_session(NULL, sensor, 7, &walk_aside) == 0) {
		bench_kind("steps (side_walk)", HF_EX_SIDE_WALK, HF_SIDE_NONE, NULL, walk_aside.samples,
			   walk_aside.n, sensor->rate_hz);
		hf_sim_sidewalk_session_free(&walk_aside);
	}
	if (wanted("passes") && hf_sim_foamroll_session(sensor, 7, 0, &roll) == 0) {
		bench_kind("passes (foam_roll)", HF_EX_FOAM_ROLL, HF_SIDE_NONE, NULL, roll.samples,
			   roll.n, sensor->rate_hz);
		hf_sim_foamroll_session_free(&roll);
	}
	if (wanted("gait") && hf_sim_gait_render(&gait, sensor, 7, &run) == 0) {
		bench_kind("gait (run)", HF_EX_RUN, HF_SIDE_NONE, NULL, run.samples, run.n,
			   sensor->rate_hz);
		hf_sim_gait_output_free(&run);
	}
	if (wanted("program") && hf_sim_program_session(sensor, 7, 0, &program) == 0) {
		/* recognition: the activity layer and every row's analyser */
		bench_kind("whole program, recognised", HF_EX_NONE, HF_SIDE_NONE,
			   &program.sensor.pelvis_to_sensor, program.samples, program.n,
			   program.sensor.rate_hz);
		hf_sim_session_free(&program);
	}
}

int main(int argc, char **argv)
{
	static const char *const stages[] = {"orientation", "decode", "reps", "hold",
					     "steps", "passes", "gait", "program"};
	struct hf_sim_sensor sensor;
	const struct hf_sim_output *o;
	struct hf_sim *sim;
	bool known = argc < 2;

	for (size_t i = 0; argc == 2 && i < sizeof stages / sizeof stages[0]; i++)
		known |= strcmp(argv[1], stages[i]) == 0;
	if (argc > 2 || !known) {
		fprintf(stderr, "usage: bench_pipeline [orientation|decode|reps|hold|steps|"
				"passes|gait|program]\n");
		return 2;
	}
	only_stage = argc == 2 ? argv[1] : NULL;
	hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_MEMS, 200.0, 7);
	sim = hf_sim_new(&sensor, 7);
	if (!sim || hf_sim_random_session(sim, 1) != 0 || hf_sim_render(sim, &o) != 0) {
		fprintf(stderr, "bench_pipeline: cannot simulate\n");
		return 1;
	}
	printf("session: %zu samples at %.0f Hz (%.0f s)\n", o->n, sensor.rate_hz,
	       o->n / sensor.rate_hz);
	printf("one core, CPU time:\n");
	if (wanted("orientation"))
		bench_orientation(o);
	if (wanted("decode"))
		bench_decode(o);
	bench_kinds(&sensor, o);
	hf_sim_free(sim);
	return 0;
}
