/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One analyser per exercise kind (contract section 3), behind one
 * interface: motion in, events out, no I/O.
 *
 * The front end (include/hipform/analyzer.h) applies the calibration and
 * runs the orientation filter once per sample; every kind analyser then
 * sees the same struct hf_motion and reports through the same event
 * callback (HF_EVENT_SET with a kind-specific summary, HF_EVENT_FAULT,
 * HF_EVENT_HOLD_START, ...).  The rep analyser (core/kinds/rep_sets.c) is
 * one of them; it alone also tells the front end when a movement is under
 * way (moving()), so that the gyro bias is not learned from it.  A new exercise of an existing
 * kind is one row of the exercise table (core/exercise/exercise.c); a new
 * kind is one more struct hf_kind_ops in core/kinds/ and one line in
 * hf_kind_ops_get().
 *
 * Frames: q_sensor_world rotates sensor-frame vectors into the world frame
 * (z up); the pelvis frame is q_sensor_world * pelvis_to_sensor, with
 * pelvis_to_sensor from the calibration (has_mounting) or, uncalibrated,
 * inferred by the kind analyser from gravity at rest and its own movement
 * (contract section 6).
 */
#ifndef HIPFORM_KIND_H
#define HIPFORM_KIND_H

#include <stdbool.h>

#include "hipform/analyzer.h"
#include "hipform/calib.h"
#include "hipform/exercise.h"
#include "hipform/rotation.h"

/* What every kind analyser is given per sample. */
struct hf_motion {
	double t_s;
	struct hf_quat q_sensor_world; /* orientation filter output */
	double acc_g[3];               /* calibrated specific force, sensor frame */
	double gyro_dps[3];            /* calibrated, bias removed, sensor frame */
	bool still;                    /* the filter's stillness flag */
	double bias_still_s;           /* still time the gyro bias was learned from */
};

struct hf_kind_config {
	/* of the kind's own table rows; HF_EX_NONE for the rep kind: hip
	 * lift or clam shell recognised per set (needs has_mounting) */
	enum hf_exercise exercise;
	enum hf_side side;             /* given side, HF_SIDE_NONE if unknown */
	bool has_mounting;             /* pelvis_to_sensor is calibrated */
	struct hf_quat pelvis_to_sensor; /* identity when !has_mounting */
	struct hf_thresholds thresholds;
	double rate_hz;                /* nominal rate, sizes buffers */
};

struct hf_kind_ops {
	enum hf_kind kind;
	/* NULL on bad config or no memory; events go to cb(ev, user). */
	void *(*create)(const struct hf_kind_config *cfg, hf_event_cb cb, void *user);
	void (*destroy)(void *self);
	void (*update)(void *self, const struct hf_motion *m);
	/* A break in the input: close what is open now. */
	void (*interrupt)(void *self);
	/* End of input: close what is open. */
	void (*finish)(void *self);
	/* Fill the kind's part of the live view (in_set, hold_s, ...). */
	void (*live)(const void *self, struct hf_live *out);
	/* NULL, or true while a movement is under way: the front end then
	 * keeps the gyro bias as it is for the next sample. */
	bool (*moving)(const void *self);
};

/* The analyser of a kind; NULL for kinds not built in. */
const struct hf_kind_ops *hf_kind_ops_get(enum hf_kind kind);

/* The built-in kinds (core/kinds/). */
extern const struct hf_kind_ops hf_kind_reps_ops;   /* section 4 */
extern const struct hf_kind_ops hf_kind_hold_ops;   /* section 9 */
extern const struct hf_kind_ops hf_kind_steps_ops;  /* section 10, side walks */
extern const struct hf_kind_ops hf_kind_passes_ops; /* section 10, foam rolling */
extern const struct hf_kind_ops hf_kind_gait_ops;   /* section 11 */

#endif
