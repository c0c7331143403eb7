/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The activity layer (contract sections 3, 7): in a calibrated session
 * without a given exercise, what is going on, and which kind analysers
 * (include/hipform/kind.h) to run on it.
 *
 * Fed the same struct hf_motion per sample as a kind analyser, it tracks
 * the posture (section 3: upright, on the back, face down, on a side) and
 * the elevation of the pelvis, whether the pelvis holds steady, and
 * whether it moves periodically (steps).  A table of rows
 * (posture, elevation range, movement signature) -> (exercise, side)
 * decides which exercise is a candidate; a candidate's kind analyser is
 * opened from the registry (hf_kind_ops_get()) and fed a replay of the
 * buffered motion, so that it sees the start of its set.  It stays open
 * for as long as the posture lasts; when the posture changes it is
 * finished and its sets go out.  A candidate that finds no set reports
 * nothing.  Rep exercises (hip lifts, clam shells) are not its business:
 * the rep analyser recognises them itself, alongside.
 *
 * Walks: in recognition mode a walking bout is reported only when it is
 * long enough to be meant as exercise (HF_ACTIVITY_WALK_MIN_STEPS), so
 * the walking between blocks of a program gives no set; runs always.
 *
 * Events carry set_index counted over this layer's own sets.  Memory: the
 * replay ring and one kind analyser per table row are allocated at
 * hf_activity_new(); nothing while samples flow.
 */
#ifndef HIPFORM_ACTIVITY_H
#define HIPFORM_ACTIVITY_H

#include <stdbool.h>

#include "hipform/analyzer.h"
#include "hipform/kind.h"

/* A walking bout is an exercise set in recognition mode from this many
 * steps (about 20-25 s of walking): fewer is walking between blocks. */
#define HF_ACTIVITY_WALK_MIN_STEPS 40

struct hf_activity_config {
	struct hf_quat pelvis_to_sensor; /* from the calibration (required) */
	struct hf_thresholds thresholds;
	double rate_hz;                  /* nominal, sizes the replay ring */
};

struct hf_activity;

/* NULL on bad config or no memory. */
struct hf_activity *hf_activity_new(const struct hf_activity_config *cfg,
				    hf_event_cb cb, void *user);
void hf_activity_free(struct hf_activity *act);
void hf_activity_update(struct hf_activity *act, const struct hf_motion *m);
/* A break in the input / the end of it: finish the open candidates. */
void hf_activity_interrupt(struct hf_activity *act);
void hf_activity_finish(struct hf_activity *act);
/* When a candidate of this layer is in a set: its live view into out
 * (true), else out untouched (false). */
bool hf_activity_live(const struct hf_activity *act, struct hf_live *out);
/* Does [start_s, end_s] overlap a hold or bout this layer has reported
 * (the last few) or a hold it is in now?  The front end drops a rep set
 * found at a plank (a wobble of the hips is no clam shell).  Not by a
 * hold in the elevations a rest shares with a plank (lying on the back
 * with the knees bent) that ended as first_rep, the first of a set of
 * several reps, rose out of it: that was the rest the set began from,
 * reported as a plank as no rep had been seen yet (NULL: no such set). */
bool hf_activity_covers(const struct hf_activity *act, double start_s, double end_s,
			const struct hf_rep *first_rep);
/* The rep analyser has found a set of reps in the current posture (its
 * second rep, ended at t_s; getting out of a back plank looks like one hip
 * lift): a hold there in the elevations a rest shares with a plank (lying
 * on the back, +8..+10 deg; on a side, up to +12) that was still going at
 * t_s is a rest between sets.  Reps seen in a plank under way (its hips
 * wobbling) are none. */
void hf_activity_reps_seen(struct hf_activity *act, double t_s);

#endif
