/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers of the per-kind benchmarks (kind_bench.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hipform/rotation.h"
#include "kind_bench.h"

#define CALIBRATION_ERROR_DEG 1.5

static struct hf_quat small_turn(unsigned seed, double deg)
{
	double ax[3] = {sin(seed * 1.7), cos(seed * 2.3), sin(seed * 0.9 + 1.0)};

	hf_vec_normalize(ax);
	return hf_quat_from_axis_angle(ax, deg * HF_DEG2RAD);
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
	if (run->calibrated) {
		cfg.calib.has_mounting = true;
		cfg.calib.pelvis_to_sensor = hf_quat_mul(
			run->true_pelvis_to_sensor, small_turn(run->seed, CALIBRATION_ERROR_DEG));
	}
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
