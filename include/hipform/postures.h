/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The quiet postures of a session, in the sensor frame: where world up
 * pointed, as seen by the sensor, each time the pelvis stayed quiet for a
 * while.  The sensor does not move on the belt, so postures stay
 * comparable over the whole session.
 *
 * Without a calibration this is how an analyser finds standing: the
 * pelvis z axis is world up when standing (contract section 6), so a quiet
 * posture far enough from an exercise's own (lying on the back, on a side,
 * in a plank) gives the pelvis z axis that the exercise alone cannot.
 * Which remembered posture is standing is the analyser's call (it knows
 * the exercise's posture); this module only remembers.
 *
 * A posture's up is the mean specific force over the still samples of
 * its stretch so far, taken when the stretch is remembered: at rest the
 * accelerometer reads up whatever the orientation filter has yet to
 * converge to (at the start of a session, it is still learning the gyro
 * bias).
 *
 * Fixed size, no allocation: one struct per analyser.
 */
#ifndef HIPFORM_POSTURES_H
#define HIPFORM_POSTURES_H

#include <stdbool.h>

#include "hipform/rotation.h"

#define HF_POSTURES_MAX 8
/* A stretch stays quiet while the pelvis is within this angle of where it
 * began, ... */
#define HF_POSTURES_QUIET_DEG 4.0
/* ... and is remembered once it has been quiet this long. */
#define HF_POSTURES_QUIET_S 1.5
/* Postures whose ups are within this angle are one posture. */
#define HF_POSTURES_SAME_DEG 20.0

struct hf_posture_seen {
	double up_s[3];   /* world up in the sensor frame, unit */
	double last_s;    /* when it was last seen quiet */
	bool used;
};

struct hf_postures {
	struct hf_posture_seen seen[HF_POSTURES_MAX];
	struct hf_quat anchor_q; /* sensor to world where the quiet stretch began */
	double anchor_t_s;
	bool have_anchor;
	bool remembered;         /* the current stretch is in seen[] */
	double acc_sum_g[3];     /* specific force summed over the stretch's */
	long n_acc;              /* ... still samples */
};

void hf_postures_init(struct hf_postures *p);

/*
 * One sample: orientation (sensor to world) at t_s, and the specific
 * force acc_g (sensor frame, g) with the filter's stillness flag.  acc_g
 * may be NULL: the posture's up is then the orientation's.
 */
void hf_postures_update(struct hf_postures *p, struct hf_quat q_sensor_world,
			const double acc_g[3], bool still, double t_s);

/* Remember a posture (world up in the sensor frame) seen quiet at t_s:
 * the slot of the same posture, else a free one, else the oldest. */
void hf_postures_remember(struct hf_postures *p, const double up_s[3], double t_s);

#endif
