/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the gait analyser (core/kinds/gait.c) that are pure
 * functions of a bout's steps: the section 11 figures.  Exposed to the
 * unit tests, which check the contract's definitions on hand-built steps.
 */
#ifndef HIPFORM_GAIT_INTERNAL_H
#define HIPFORM_GAIT_INTERNAL_H

#include <stdbool.h>

#include "hipform/summary.h"

/* What the analyser keeps of one step: from its initial contact to the
 * next contact (the last step of a bout has no end). */
struct hf_gait_step {
	double t_s;             /* initial contact */
	double yaw_score_dps;   /* high-passed yaw rate at contact (foot vote) */
	double lat_acc_g;       /* mean lateral acceleration, first half of step */
	bool measured;          /* the fields below are set (the step ended) */
	double rise_deg;        /* max(obliquity(t) - obliquity(contact)) */
	double fall_deg;        /* max(obliquity(contact) - obliquity(t)) */
	double obl_min_deg, obl_max_deg;
	double rotation_range_deg; /* of the stride this step begins; NAN if none */
	double vo_cm;           /* peak-to-peak vertical displacement */
	bool flight;            /* both feet off the ground during the step */
	double toe_off_s;       /* NAN when not found */
	double tilt_deg;        /* mean over the step; NAN uncalibrated */
	enum hf_side foot;
};

/* 60 * (n - 1) / (last - first); NAN for fewer than 2 contacts. */
double hf_gait_cadence_spm(const struct hf_contact *c, int n);

/*
 * Feet from the yaw votes: the pelvis still turns with the swinging leg
 * at its contact (McCamley et al. 2012), so a negative high-passed yaw
 * rate (clockwise seen from above) means the left foot.  Each step is
 * voted on by its neighbours too, assuming alternation (+-2 steps), but
 * not across an interval over 1.5 times the bout's median step time
 * (a missed step or a pause: the parity is unknown across it).
 */
void hf_gait_assign_feet(struct hf_gait_step *s, int n);

/*
 * The bout's figures (contract section 11) from its n steps, whose feet
 * are set; lat_sign = +1 when the obliquity the steps were measured with
 * is + left side up, -1 when it was the other way round.
 */
void hf_gait_summarise(const struct hf_gait_step *s, int n, double lat_sign,
		       struct hf_gait_summary *out, struct hf_contact *contacts);

#endif
