/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the per-kind benchmarks (bench_kinds, bench_steps, bench_passes)
 * share: running a simulated session through the analyser with the
 * exercise given, with or without a calibration a little off the truth,
 * and small scoring helpers.
 */
#ifndef HIPFORM_BENCH_KIND_BENCH_H
#define HIPFORM_BENCH_KIND_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include "hipform/analyzer.h"

/* calibrated: the mounting is the true one turned by 1.5 deg about an
 * axis drawn from seed, as a calibration procedure would leave it. */
struct hf_bench_run {
	enum hf_exercise exercise;
	enum hf_side side;
	double rate_hz;
	bool calibrated;
	struct hf_quat true_pelvis_to_sensor;
	unsigned seed;
};

/* The samples through a new analyser; events to cb.  Exits on refusal. */
void hf_bench_analyse(const struct hf_bench_run *run, const struct hf_sample *samples, size_t n,
		      hf_event_cb cb, void *user);
/* Seconds [a0, a1] and [b0, b1] share (negative: the gap between). */
double hf_bench_overlap_s(double a0, double a1, double b0, double b1);
/* a / b, NAN when b is 0. */
double hf_bench_ratio(int a, int b);

/* A true figure this near a fault's threshold decides nothing about the
 * fault: within the measuring error (bench_accuracy for rep faults,
 * bench_kinds for hold faults). */
#define HF_BENCH_NEAR_DEG 0.5
#define HF_BENCH_NEAR_S 0.1

#endif
