/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers of the per-kind benchmarks (kind_bench.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "hipform/calib.h"
#include "hipform/error.h"
#include "hipform/sim.h"
#include "kind_bench.h"

static int calibrations_made, calibrations_refused;

bool hf_bench_procedure_calibration(const struct hf_sim_sensor *sensor, unsigned seed,
				    struct hf_calib *out)
{
	struct hf_sim *sim = hf_sim_new(sensor, seed);
	const struct hf_sim_output *o;
	char err[200];
	bool ok;

	if (!sim)
		return false;
	ok = hf_sim_calibration_procedure(sim) == HF_OK && hf_sim_render(sim, &o) == HF_OK &&
	     hf_calib_estimate(out, o->samples, o->n, NULL, err, sizeof err) == 0;
	hf_sim_free(sim);
	return ok;
}

static bool calibrate(const struct hf_bench_run *run, struct hf_calib *out)
{
	bool ok = hf_bench_procedure_calibration(run->sensor, run->seed * 7919u + 17u, out);

	calibrations_made++;
	calibrations_refused += !ok;
	return ok;
}

void hf_bench_print_calibrations(void)
{
	printf("Calibrations (the procedure with each session's sensor, estimated): %d made, "
	       "%d refused\n", calibrations_made, calibrations_refused);
}

void hf_bench_analyse(const struct hf_bench_run *run, const struct hf_sample *samples, size_t n,
		      hf_event_cb cb, void *user)
{
	struct hf_analyzer_config cfg;
	struct hf_analyzer *a;

	hf_analyzer_config_default(&cfg);
	cfg.exercise = run->exercise;
	cfg.side = run->side;
	cfg.rate_hz = run->rate_hz;
	if (run->calibrated && !calibrate(run, &cfg.calib))
		hf_calib_identity(&cfg.calib);
	a = hf_analyzer_new(&cfg, cb, user);
	if (!a) {
		fprintf(stderr, "bench: the analyser refused the configuration\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		hf_analyzer_update(a, &samples[i]);
	hf_analyzer_finish(a);
	hf_analyzer_free(a);
}

double hf_bench_overlap_s(double a0, double a1, double b0, double b1)
{
	return fmin(a1, b1) - fmax(a0, b0);
}

double hf_bench_ratio(int a, int b)
{
	return b > 0 ? (double)a / b : NAN;
}

int hf_bench_make_dump_dir(const char *prog, const char *dir)
{
	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "%s: %s: %s\n", prog, dir, strerror(errno));
	return -1;
}

bool hf_bench_hold_fault_near(enum hf_fault f, const struct hf_hold_summary *t,
			      uint32_t near_faults)
{
	const struct hf_thresholds *th = &hf_thresholds_default;

	if (near_faults & HF_FAULT_BIT(f))
		return true;

	switch (f) {
	case HF_FAULT_SHORT_HOLD:
		return fabs(t->hold_s - th->hold_short_s) < HF_BENCH_NEAR_S;
	case HF_FAULT_SAG:
		return fabs(t->min_elevation_change_deg + th->elevation_change_deg) <
			       HF_BENCH_NEAR_DEG ||
		       (t->sag_s > 0.0 && fabs(t->sag_s - th->hold_fault_s) < HF_BENCH_NEAR_S);
	case HF_FAULT_PIKE:
		return fabs(t->max_elevation_change_deg - th->elevation_change_deg) <
			       HF_BENCH_NEAR_DEG ||
		       (t->pike_s > 0.0 && fabs(t->pike_s - th->hold_fault_s) < HF_BENCH_NEAR_S);
	case HF_FAULT_HIP_DROP:
		return fabs(t->max_abs_rotation_deg - th->hip_drop_deg) < HF_BENCH_NEAR_DEG;
	case HF_FAULT_ANTERIOR_TILT:
		return fabs(t->tilt_deg - th->anterior_tilt_deg) < HF_BENCH_NEAR_DEG;
	default:
		return false;
	}
}

bool hf_bench_parse_args(int argc, char **argv, const char *prog, int default_sessions,
			 struct hf_bench_args *a, long *session)
{
	a->sessions = default_sessions;
	a->verbose = NULL;
	a->tuning = a->held_out = true;
	if (session)
		*session = -1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			a->verbose = stdout;
		else if (strcmp(argv[i], "--tuning") == 0)
			a->held_out = false;
		else if (strcmp(argv[i], "--held-out") == 0)
			a->tuning = false;
		else if (session && strcmp(argv[i], "--session") == 0 && i + 1 < argc)
			*session = atol(argv[++i]);
		else
			a->sessions = atoi(argv[i]);
	}
	if (a->sessions >= 1)
		return true;
	fprintf(stderr, "usage: %s [SESSIONS] [-v] [--tuning|--held-out]%s\n", prog,
		session ? " [--session S]" : "");
	return false;
}
