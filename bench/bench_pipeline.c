/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Throughput of the processing stages on one core, on a simulated session
 * (MEMS grade, 200 Hz, about 10 minutes, repeated to a few million samples):
 *   - calibration + orientation (hf_calib_apply + hf_ahrs_update)
 *   - the whole analysis path from bytes: WitMotion decode -> analyser -> events
 *   - the analyser per exercise kind (issue 10: at least 1 M samples/s each),
 *     on each kind's own simulated session at 200 Hz, exercise given, and
 *     a whole simulated program recognised with its calibration
 * Prints samples per second of CPU time.  A benchmark, not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipform/ahrs.h"
#include "hipform/analyzer.h"
#include "hipform/calib.h"
#include "hipform/decoder.h"
#include "hipform/sim.h"

#define TARGET_SAMPLES 4000000

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

static void bench_orientation(const struct hf_sim_output *o)
{
	struct hf_calib c;
	struct hf_ahrs a;
	size_t total = 0;
	double t0, dt, sink = 0.0;

	hf_calib_identity(&c);
	hf_ahrs_init(&a, NULL);
	t0 = cpu_s();
	while (total < TARGET_SAMPLES) {
		for (size_t i = 0; i < o->n; i++) {
			struct hf_sample s = o->samples[i];
			s.t_s += (double)(total / o->n) * 1e4; /* keep time increasing */
			hf_calib_apply(&c, &s, &s);
			hf_ahrs_update(&a, &s);
		}
		total += o->n;
		sink += a.q.w;
	}
	dt = cpu_s() - t0;
	printf("calibration + orientation: %.2f M samples/s (%zu samples, %.2f s CPU)%s\n",
	       total / dt / 1e6, total, dt, sink == 12345.0 ? " " : "");
}

static void bench_analysis(const struct hf_sim_output *o)
{
	char *bytes = NULL;
	size_t len = 0, total = 0;
	FILE *f = open_memstream(&bytes, &len);
	struct hf_analyzer_config cfg;
	long events = 0;
	double t0, dt;

	if (!f || hf_sim_write_witmotion(o, f) != 0) {
		fprintf(stderr, "bench_pipeline: cannot encode\n");
		exit(1);
	}
	fclose(f);
	hf_analyzer_config_default(&cfg);
	cfg.exercise = HF_EX_HIP_LIFT;
	cfg.rate_hz = o->sensor.rate_hz;
	t0 = cpu_s();
	while (total < TARGET_SAMPLES) {
		struct hf_decoder d;
		struct hf_analyzer *an = hf_analyzer_new(&cfg, count_event, &events);
		size_t off = 0;

		hf_decoder_init(&d, HF_FORMAT_WITMOTION, o->sensor.rate_hz);
		while (off < len) {
			struct hf_sample s;
			size_t used;
			int r = hf_decoder_feed(&d, (const uint8_t *)bytes + off, len - off, &used, &s);
			off += used;
			if (r == 1)
				hf_analyzer_update(an, &s);
			else if (r < 0)
				break;
		}
		hf_analyzer_finish(an);
		hf_analyzer_free(an);
		total += d.stats.samples;
	}
	dt = cpu_s() - t0;
	printf("decode + analysis (WitMotion bytes -> events): %.2f M samples/s (%zu samples, %ld events, %.2f s CPU)\n",
	       total / dt / 1e6, total, events, dt);
	free(bytes);
}

/* Samples through the analyser of exercise ex (HF_EX_NONE: recognised,
 * with mounting as the calibration), repeated to TARGET_SAMPLES. */
static void bench_kind(const char *title, enum hf_exercise ex, enum hf_side side,
		       const struct hf_quat *mounting, const struct hf_sample *samples, size_t n,
		       double rate_hz)
{
	struct hf_analyzer_config cfg;
	size_t total = 0;
	long events = 0;
	double t0, dt;

	hf_analyzer_config_default(&cfg);
	cfg.exercise = ex;
	cfg.side = side;
	cfg.rate_hz = rate_hz;
	if (mounting) {
		cfg.calib.has_mounting = true;
		cfg.calib.pelvis_to_sensor = *mounting;
	}
	t0 = cpu_s();
	while (n > 0 && total < TARGET_SAMPLES) {
		struct hf_analyzer *an = hf_analyzer_new(&cfg, count_event, &events);
		if (!an) {
			fprintf(stderr, "bench_pipeline: no analyser for %s\n", title);
			exit(1);
		}
		for (size_t i = 0; i < n; i++)
			hf_analyzer_update(an, &samples[i]);
		hf_analyzer_finish(an);
		hf_analyzer_free(an);
		total += n;
	}
	dt = cpu_s() - t0;
	printf("  %-22s %5.2f M samples/s (%zu samples, %ld events)\n", title,
	       total / dt / 1e6, total, events);
}

static void bench_kinds(const struct hf_sim_sensor *sensor, const struct hf_sim_output *reps)
{
	struct hf_sim_hold_session hold;
	struct hf_sim_sidewalk_session walk_aside;
	struct hf_sim_foamroll_session roll;
	struct hf_sim_gait gait = {.run = 1};
	struct hf_sim_gait_output run;
	struct hf_sim_session program;

	printf("analysis per kind (samples -> events, exercise given):\n");
	bench_kind("reps (hip_lift)", HF_EX_HIP_LIFT, HF_SIDE_NONE, NULL, reps->samples, reps->n,
		   sensor->rate_hz);
	if (hf_sim_hold_session(sensor, HF_EX_PLANK_FRONT, HF_SIDE_NONE, 7, &hold) == 0) {
		bench_kind("hold (plank_front)", HF_EX_PLANK_FRONT, HF_SIDE_NONE, NULL, hold.samples,
			   hold.n, sensor->rate_hz);
		hf_sim_hold_session_free(&hold);
	}
	if (hf_sim_sidewalk_session(NULL, sensor, 7, &walk_aside) == 0) {
		bench_kind("steps (side_walk)", HF_EX_SIDE_WALK, HF_SIDE_NONE, NULL, walk_aside.samples,
			   walk_aside.n, sensor->rate_hz);
		hf_sim_sidewalk_session_free(&walk_aside);
	}
	if (hf_sim_foamroll_session(sensor, 7, 0, &roll) == 0) {
		bench_kind("passes (foam_roll)", HF_EX_FOAM_ROLL, HF_SIDE_NONE, NULL, roll.samples,
			   roll.n, sensor->rate_hz);
		hf_sim_foamroll_session_free(&roll);
	}
	if (hf_sim_gait_render(&gait, sensor, 7, &run) == 0) {
		bench_kind("gait (run)", HF_EX_RUN, HF_SIDE_NONE, NULL, run.samples, run.n,
			   sensor->rate_hz);
		hf_sim_gait_output_free(&run);
	}
	if (hf_sim_program_session(sensor, 7, 0, &program) == 0) {
		/* recognition: the activity layer and every row's analyser */
		bench_kind("whole program, recognised", HF_EX_NONE, HF_SIDE_NONE,
			   &program.sensor.pelvis_to_sensor, program.samples, program.n,
			   program.sensor.rate_hz);
		hf_sim_session_free(&program);
	}
}

int main(void)
{
	struct hf_sim_sensor sensor;
	const struct hf_sim_output *o;
	struct hf_sim *sim;

	hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_MEMS, 200.0, 7);
	sim = hf_sim_new(&sensor, 7);
	if (!sim || hf_sim_random_session(sim, 1) != 0 || hf_sim_render(sim, &o) != 0) {
		fprintf(stderr, "bench_pipeline: cannot simulate\n");
		return 1;
	}
	printf("session: %zu samples at %.0f Hz (%.0f s)\n", o->n, sensor.rate_hz,
	       o->n / sensor.rate_hz);
	bench_orientation(o);
	bench_analysis(o);
	bench_kinds(&sensor, o);
	hf_sim_free(sim);
	return 0;
}
