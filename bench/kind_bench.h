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
#include <stdio.h>

#include "hipform/analyzer.h"
#include "hipform/calib.h"

struct hf_sim_sensor;

/* calibrated: with the calibration hf_calib_estimate() makes of the
 * procedure of contract section 6 done with the same sensor (its
 * offsets, noise and mounting), as `hipform calibrate` would; refused,
 * the run goes uncalibrated and is counted (hf_bench_calibrations()). */
struct hf_bench_run {
	enum hf_exercise exercise;
	enum hf_side side;
	double rate_hz;
	bool calibrated;
	const struct hf_sim_sensor *sensor;
	unsigned seed;
};

/* The samples through a new analyser; events to cb.  Exits on refusal. */
void hf_bench_analyse(const struct hf_bench_run *run, const struct hf_sample *samples, size_t n,
		      hf_event_cb cb, void *user);
/*
 * The calibration procedure (stand, three hip hinges, stand) done with
 * sensor (its offsets, noise and mounting; seed draws the movement and
 * the noise), estimated into out as `hipform calibrate` would: its
 * mounting carries the sensor's own errors (the accelerometer's offsets
 * tilt the standing "up" it reads), as a user's calibration file does.
 * false: refused.
 */
bool hf_bench_procedure_calibration(const struct hf_sim_sensor *sensor, unsigned seed,
				    struct hf_calib *out);
/* How many calibrations hf_bench_analyse() made and how many were refused
 * (their runs went uncalibrated), one line on stdout. */
void hf_bench_print_calibrations(void);

/* The command line the kind benches share:
 *   PROG [SESSIONS] [-v] [--tuning|--held-out] [--session S]
 * (--session only where session is not NULL; it stays -1 without).
 * False, with usage on stderr, on a bad line. */
struct hf_bench_args {
	int sessions;
	FILE *verbose;          /* stdout with -v, else NULL */
	bool tuning, held_out;  /* which seed sets to run */
};
bool hf_bench_parse_args(int argc, char **argv, const char *prog, int default_sessions,
			 struct hf_bench_args *a, long *session);
/* Seconds [a0, a1] and [b0, b1] share (negative: the gap between). */
double hf_bench_overlap_s(double a0, double a1, double b0, double b1);
/* a / b, NAN when b is 0. */
double hf_bench_ratio(int a, int b);
/* Make dir for a --dump (its parent must exist); 0, or -1 with the
 * reason on stderr after prog's name. */
int hf_bench_make_dump_dir(const char *prog, const char *dir);

/* A true figure this near a fault's threshold decides nothing about the
 * fault: within the measuring error (bench_accuracy for rep faults,
 * bench_kinds for hold faults). */
#define HF_BENCH_NEAR_DEG 0.5
#define HF_BENCH_NEAR_S 0.1

/*
 * As bench_accuracy does for the rep faults: a true hold whose deciding
 * figure lies within the measuring error of fault f's threshold
 * (HF_BENCH_NEAR_DEG, HF_BENCH_NEAR_S) decides nothing about f.  Only
 * the deciding figures the true summary t holds are looked at: sag and
 * pike by the extreme elevation change and the total time past 5 deg
 * (one episode's run, for most), hip_drop by the largest rotation,
 * anterior_tilt by the mean tilt, short_hold by hold_s.  near_faults
 * (the simulator's, sim.h) adds the faults whose rule the simulator found
 * a coin toss on the true trajectory: sag, pike and hip_drop by their
 * runs, every fault where the hold's own bounds are.
 */
bool hf_bench_hold_fault_near(enum hf_fault f, const struct hf_hold_summary *t,
			      uint32_t near_faults);

#endif
