/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Gait accuracy and speed on simulated walks and runs (sim/gait.c), with
 * a tuning seed set and a held-out one:
 *
 *     bench_gait [N_PER_SET]
 *     bench_gait --write csv|witmotion walk|run SEED FILE
 *
 * The second form writes one simulated bout as a recording (100 Hz) and
 * prints its truth (steps, run, cadence, pelvic drop left and right,
 * contact time: nan for walks) on stdout, for the CLI and daemon tests.
 *
 * Each seed draws a walk or a run (half each), a sensor (MEMS grade at
 * 100 or 200 Hz, any mounting) and its gait; `--exercise walk` or `run`
 * as drawn, no calibration.  Reported against the truth of the model:
 * steps (sum of |ours - truth| over the sum of truth), walk/run right
 * (the "classified" field on the bout), pelvic drop MAE per foot and of
 * the left-right difference, vertical oscillation MAE, contact time MAE
 * (runs), and the throughput of the analyser's gait path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipform/analyzer.h"
#include "hipform/sim.h"
#include "kind_bench.h"

struct got {
	int sets, steps;
	struct hf_gait_summary g;
};

struct acc {
	int bouts, class_ok, steps_truth, steps_err, drop_n, vo_n, ct_n;
	double drop_l, drop_r, drop_diff, vo, ct;
	double samples, cpu_s;
	/* the same bouts calibrated: [0] the true mounting, [1] the
	 * procedure done with the bout's sensor (kind_bench.h) */
	int cal_n[2], cal_refused;
	double cal_tilt[2], cal_drop[2];
};

static void on_event(const struct hf_event *ev, void *user)
{
	struct got *got = user;

	if (ev->type != HF_EVENT_SET || !ev->set->gait)
		return;
	got->sets++;
	got->steps += ev->set->gait->steps;
	if (got->sets == 1)
		got->g = *ev->set->gait; /* the bout; contacts not kept */
}

static double cpu_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The bout again calibrated (k: 0 the true mounting, 1 the procedure
 * with the bout's sensor): tilt and drop. */
static void run_calibrated(const struct hf_sim_gait_output *out,
			   const struct hf_sim_sensor *sensor, enum hf_exercise ex, unsigned seed,
			   int k, struct acc *a)
{
	struct hf_analyzer_config cfg;
	struct hf_analyzer *an;
	struct got got = {0};

	hf_analyzer_config_default(&cfg);
	cfg.exercise = ex;
	cfg.rate_hz = sensor->rate_hz;
	if (k == 0) {
		cfg.calib.has_mounting = true;
		cfg.calib.pelvis_to_sensor = sensor->pelvis_to_sensor;
	} else if (!hf_bench_procedure_calibration(sensor, seed * 7919u + 17u, &cfg.calib)) {
		a->cal_refused++;
		return;
	}
	an = hf_analyzer_new(&cfg, on_event, &got);
	for (size_t i = 0; i < out->n; i++)
		hf_analyzer_update(an, &out->samples[i]);
	hf_analyzer_finish(an);
	hf_analyzer_free(an);
	if (got.sets < 1 || !isfinite(got.g.tilt_deg))
		return;
	a->cal_n[k]++;
	a->cal_tilt[k] += fabs(got.g.tilt_deg - out->truth.tilt_deg);
	a->cal_drop[k] += 0.5 * (fabs(got.g.pelvic_drop_deg[0] - out->truth.pelvic_drop_deg[0]) +
			      fabs(got.g.pelvic_drop_deg[1] - out->truth.pelvic_drop_deg[1]));
}

static void run_seed(unsigned seed, struct acc *a, int verbose)
{
	static struct hf_sim_gait_output out;
	struct hf_sim_sensor sensor;
	struct hf_sim_gait p = {.run = (int)(seed % 2)};
	struct hf_analyzer_config cfg;
	struct hf_analyzer *an;
	struct got got = {0};
	double t0;

	hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_MEMS, seed % 3 ? 100.0 : 200.0, seed);
	if (hf_sim_gait_render(&p, &sensor, seed, &out) != 0) {
		fprintf(stderr, "seed %u: render failed\n", seed);
		return;
	}
	hf_analyzer_config_default(&cfg);
	cfg.exercise = p.run ? HF_EX_RUN : HF_EX_WALK;
	cfg.rate_hz = sensor.rate_hz;
	an = hf_analyzer_new(&cfg, on_event, &got);
	t0 = cpu_now_s();
	for (size_t i = 0; i < out.n; i++)
		hf_analyzer_update(an, &out.samples[i]);
	hf_analyzer_finish(an);
	a->cpu_s += cpu_now_s() - t0;
	a->samples += (double)out.n;
	hf_analyzer_free(an);

	a->bouts++;
	a->steps_truth += out.truth.steps;
	a->steps_err += abs(got.steps - out.truth.steps);
	if (got.sets >= 1) {
		const struct hf_gait_summary *g = &got.g;
		const struct hf_sim_gait_truth *t = &out.truth;
		a->class_ok += g->run == t->run;
		if (isfinite(g->pelvic_drop_deg[0]) && isfinite(g->pelvic_drop_deg[1])) {
			a->drop_l += fabs(g->pelvic_drop_deg[0] - t->pelvic_drop_deg[0]);
			a->drop_r += fabs(g->pelvic_drop_deg[1] - t->pelvic_drop_deg[1]);
			a->drop_diff += fabs((g->pelvic_drop_deg[0] - g->pelvic_drop_deg[1]) -
					     (t->pelvic_drop_deg[0] - t->pelvic_drop_deg[1]));
			a->drop_n++;
		}
		if (isfinite(g->vertical_oscillation_cm)) {
			a->vo += fabs(g->vertical_oscillation_cm - t->vertical_oscillation_cm);
			a->vo_n++;
		}
		if (t->run && isfinite(g->contact_time_s[0]) && isfinite(g->contact_time_s[1])) {
			double ct = 0.5 * (g->contact_time_s[0] + g->contact_time_s[1]);
			a->ct += fabs(ct - t->contact_time_s);
			a->ct_n++;
		}
		if (verbose)
			printf("  seed %3u %s %5.1f Hz: steps %3d/%3d sets %d class %s drop %4.1f/%4.1f (true %4.1f/%4.1f) vo %4.1f (%4.1f) ct %5.3f (%5.3f)\n",
			       seed, t->run ? "run " : "walk", sensor.rate_hz, got.steps, t->steps,
			       got.sets, g->run ? "run" : "walk", g->pelvic_drop_deg[0],
			       g->pelvic_drop_deg[1], t->pelvic_drop_deg[0], t->pelvic_drop_deg[1],
			       g->vertical_oscillation_cm, t->vertical_oscillation_cm,
			       0.5 * (g->contact_time_s[0] + g->contact_time_s[1]),
			       t->contact_time_s);
	} else if (verbose) {
		printf("  seed %3u: no bout found (%d true steps)\n", seed, out.truth.steps);
	}
	for (int k = 0; k < 2; k++)
		run_calibrated(&out, &sensor, cfg.exercise, seed, k, a);
	hf_sim_gait_output_free(&out);
}

static void report(const char *name, const struct acc *a)
{
	printf("%s: %d bouts\n", name, a->bouts);
	printf("  steps error          %6.2f %%   (target <= 1 %%)\n",
	       100.0 * a->steps_err / (double)a->steps_truth);
	printf("  walk/run right       %6.1f %%   (target >= 98 %%)\n",
	       100.0 * a->class_ok / (double)a->bouts);
	printf("  pelvic drop MAE      %6.2f / %.2f deg left/right (target <= 1.0)\n",
	       a->drop_l / a->drop_n, a->drop_r / a->drop_n);
	printf("  drop L-R diff MAE    %6.2f deg  (target <= 0.7)\n", a->drop_diff / a->drop_n);
	printf("  vertical osc. MAE    %6.2f cm   (target <= 1)\n", a->vo / a->vo_n);
	printf("  contact time MAE     %6.1f ms   (target <= 25, %d runs)\n",
	       1000.0 * a->ct / a->ct_n, a->ct_n);
	printf("  throughput           %6.2f M samples/s (analyser front end + gait, one core)\n",
	       a->samples / a->cpu_s / 1e6);
	printf("  calibrated (true mounting): tilt MAE %.2f deg, drop MAE %.2f deg (%d bouts)\n",
	       a->cal_tilt[0] / a->cal_n[0], a->cal_drop[0] / a->cal_n[0], a->cal_n[0]);
	printf("  calibrated (the procedure with the bout's sensor): tilt MAE %.2f deg, drop MAE "
	       "%.2f deg (%d bouts, %d calibrations refused)\n", a->cal_tilt[1] / a->cal_n[1],
	       a->cal_drop[1] / a->cal_n[1], a->cal_n[1], a->cal_refused);
}

/* bench_gait --write FORMAT KIND SEED FILE */
static int write_recording(char **argv)
{
	static struct hf_sim_gait_output out;
	struct hf_sim_gait p = {.run = strcmp(argv[3], "run") == 0, .duration_s = 30.0};
	struct hf_sim_output o;
	struct hf_sim_sensor sensor;
	unsigned seed = (unsigned)atoi(argv[4]);
	FILE *f;
	int r;

	hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_MEMS, 100.0, seed);
	if (hf_sim_gait_render(&p, &sensor, seed, &out) != 0)
		return 1;
	memset(&o, 0, sizeof o);
	o.n = out.n;
	o.samples = out.samples;
	o.sensor = sensor;
	o.q_pelvis_to_world = calloc(out.n, sizeof *o.q_pelvis_to_world);
	f = fopen(argv[5], "wb");
	if (!f || !o.q_pelvis_to_world) {
		perror(argv[5]);
		return 1;
	}
	for (size_t i = 0; i < out.n; i++)
		o.q_pelvis_to_world[i] = hf_quat_identity();
	r = strcmp(argv[2], "csv") == 0 ? hf_sim_write_csv(&o, f) : hf_sim_write_witmotion(&o, f);
	fclose(f);
	printf("%d %s %.1f %.2f %.2f %.3f\n", out.truth.steps, out.truth.run ? "run" : "walk",
	       out.truth.cadence_spm, out.truth.pelvic_drop_deg[0], out.truth.pelvic_drop_deg[1],
	       out.truth.contact_time_s);
	free(o.q_pelvis_to_world);
	hf_sim_gait_output_free(&out);
	return r == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20;
	int verbose = getenv("HF_BENCH_VERBOSE") != NULL;
	struct acc tune = {0}, held = {0};

	if (argc == 6 && strcmp(argv[1], "--write") == 0)
		return write_recording(argv);
	if (n < 1)
		n = 20;
	for (int i = 0; i < n; i++)
		run_seed(1u + (unsigned)i, &tune, verbose);
	for (int i = 0; i < n; i++)
		run_seed(1001u + (unsigned)i, &held, verbose);
	report("tuning seeds 1..", &tune);
	report("held-out seeds 1001..", &held);
	return 0;
}
