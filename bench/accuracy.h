/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Accuracy scoring of the analyser against simulator ground truth, shared
 * by bench_accuracy (the 60+ session suite) and the accuracy test (a small
 * fixed suite).
 */
#ifndef HF_BENCH_ACCURACY_H
#define HF_BENCH_ACCURACY_H

#include <stdbool.h>
#include <stdio.h>

#include "hipform/calib.h"
#include "hipform/exercise.h"
#include "hipform/sim.h"

enum hf_acc_mode {
	HF_ACC_GIVEN = 0,    /* exercise (and side) given, no calibration */
	HF_ACC_RECOGNISE,    /* calibration from a procedure, recognition */
	HF_ACC_WIDE,         /* exercise given, reps drawn from wide ranges */
	HF_ACC_WIDE_RECOGNISE, /* the same sessions, calibration, recognition */
	/* The held-out generator with the tuning suite's own sessions and
	 * seeds: what the analyser may be shaped on. */
	HF_ACC_BELT_GIVEN,
	HF_ACC_BELT_RECOGNISE,
	/* The held-out suite: sessions the analyser was never shaped on,
	 * other seeds, wider ranges, datasheet sensors on a belt, breathing,
	 * settling rests, slow tiny clam shells, odd first reps. */
	HF_ACC_HELDOUT_GIVEN,     /* exercise given, no calibration */
	HF_ACC_HELDOUT_RECOGNISE, /* the same sessions, calibration, recognition */
	HF_ACC_MODES
};

/* The modes of the tuning suite (the analyser's own) come first. */
#define HF_ACC_TUNING_MODES HF_ACC_HELDOUT_GIVEN

struct hf_acc_fault_counts {
	long tp, fp, fn, ignored;
};

/* Sets by what makes them hard (a set may be in several). */
enum hf_acc_class {
	HF_ACC_CLS_ACC_OFF = 0, /* the accelerometer reads > 4 % off 1 g at rest */
	HF_ACC_CLS_TINY,        /* clam shells of median peak < 2.5 deg */
	HF_ACC_CLS_ODD_FIRST,   /* first rep < 60 % of the median peak */
	HF_ACC_CLS_GAP_EDGE,    /* a rest within 0.2 s of the 8 s set gap */
	HF_ACC_CLS_RULE_EDGE,   /* a movement within 0.2 deg / 0.1 s of the rep rule */
	HF_ACC_CLS_PLAIN,       /* none of these */
	HF_ACC_CLASSES
};

struct hf_acc_score {
	long sessions, truth_sets, matched_sets, extra_sets;
	long count_exact, count_abs_err_sum, count_max_abs_err;
	long count_max_abs_err_off_edge; /* sets not at_gap_edge() */
	long off_edges_sets, off_edges_exact; /* neither edge class */
	long count_max_abs_err_off_edges;
	long reps_matched;
	double hold_abs_sum, exc_abs_sum, angle_abs_sum; /* angle: 3 per rep */
	double angle_abs_max;             /* largest error of one angle */
	double start_err_sum, end_err_sum, exc_err_sum; /* found - true, signed */
	long ex_side_correct;
	struct hf_acc_fault_counts fault[HF_FAULT_COUNT];
	long bad_lines, bad_packets;
	long calib_tried, calib_refused; /* procedures given to hipform calibrate */
	long accel_fitted;               /* sessions whose accelerometer fit was adopted */
	long refused_sets;               /* truth sets of refused sessions (missed) */
	long class_sets[HF_ACC_CLASSES], class_exact[HF_ACC_CLASSES];
	/* live REP events: sample time sent - the rep's end (a rep is sent
	 * once it has ended; the first reps of a set once the set opens) */
	long live_reps, live_reps_late; /* late: more than HF_ACC_LATE_S */
	long live_reps_resent;          /* sent again (a set split at its close) */
	double live_delay_sum_s, live_delay_max_s;
};

#define HF_ACC_LATE_S 2.0

/* One simulated session of suite index i (deterministic) in a mode;
 * adds to *score.  verbose prints per-set lines to f (NULL: quiet). */
int hf_acc_run_session(int i, enum hf_acc_mode mode, struct hf_acc_score *score,
		       FILE *verbose);

/* Also write each session run from now on (recording, truth, calibration)
 * into dir; NULL stops it. */
void hf_acc_set_dump_dir(const char *dir);

/* Calibrated modes: also give hipform the specimen's six-face recording
 * (contract section 6, sim/six_face.c) before its procedure. */
void hf_acc_set_six_face(bool on);
/* Calibrated modes: fit the accelerometer over each session's still
 * postures first, as `hipform analyze --calibration` does (on unless
 * turned off, `--no-session-accel`). */
void hf_acc_set_session_accel(bool on);

/* How far from the true up the accelerometer of specimen s, corrected by
 * c's offsets and scales, reads it at rest: mean and largest angle over
 * the 26 directions of a cube's faces, edges and corners (its offsets,
 * scales and cross-axis coupling; no noise, no warm-up). */
void hf_acc_up_error_deg(const struct hf_sim_sensor *s, const struct hf_calib *c,
			 double *mean_deg, double *max_deg);
/* As `hipform calibrate` on procedure[0..n) of the sensor (and, with
 * with_six_face, its six-face recording first, `--six-face`): 0, or -1
 * with a reason in err. */
int hf_acc_calibrate(const struct hf_sim_sensor *sensor, unsigned seed,
		     const struct hf_sample *procedure, size_t n, bool with_six_face,
		     struct hf_calib *c, char *err, size_t errlen);

void hf_acc_print(FILE *f, const char *title, const struct hf_acc_score *s);

/* Issue 8's named scenario sc (enum hf_sim_scenario) at seed, analysed
 * with the exercise given (calibrated = 0) or with a calibration from its
 * own procedure and recognition (1); adds to *score. */
int hf_acc_run_scenario(int sc, int calibrated, unsigned seed, struct hf_acc_score *score,
			FILE *verbose);

/* Derived figures. */
double hf_acc_count_exact_rate(const struct hf_acc_score *s);
double hf_acc_count_mean_abs_err(const struct hf_acc_score *s);
double hf_acc_hold_mae(const struct hf_acc_score *s);
double hf_acc_excursion_mae(const struct hf_acc_score *s);
double hf_acc_angle_mae(const struct hf_acc_score *s);
double hf_acc_recognition_rate(const struct hf_acc_score *s);
double hf_acc_precision(const struct hf_acc_fault_counts *c);
double hf_acc_recall(const struct hf_acc_fault_counts *c);

#endif
