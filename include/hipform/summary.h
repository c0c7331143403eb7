/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a set of each kind reports (contract section 8) beyond the common
 * exercise, side, start and end.  Filled by the kind analysers
 * (include/hipform/kind.h), turned into JSON and words by
 * include/hipform/report.h.  A figure that cannot be had is NAN (JSON
 * null).  Times on the input's own time axis.
 */
#ifndef HIPFORM_SUMMARY_H
#define HIPFORM_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "hipform/exercise.h"

/* Section 9: planks and the hip flexor stretch. */
struct hf_hold_summary {
	double start_s, end_s, hold_s;
	double elevation_deg;                 /* epsilon at the hold baseline */
	double min_elevation_change_deg;      /* extremes of delta-epsilon (core) */
	double max_elevation_change_deg;
	double sag_s, pike_s;                 /* time with delta-eps <= -5 / >= +5 */
	double max_abs_rotation_deg;
	double tilt_deg;                      /* against standing; NAN uncalibrated */
	double tremor_hz, tremor_deg;         /* 3-15 Hz band */
	uint32_t faults;                      /* HF_FAULT_BIT()s */
};

/* Section 10: one side-walk cycle. */
struct hf_cycle {
	double start_s, end_s;
	double obliquity_range_deg;
	uint32_t faults;
};

struct hf_steps_summary {
	int steps;                            /* cycles */
	double cadence_cpm;
	int n_cycles;
	const struct hf_cycle *cycles;        /* n_cycles of them */
};

/* Section 10: foam rolling. */
struct hf_passes_summary {
	int passes;
	enum hf_posture posture;              /* PRONE, SUPINE, or UNKNOWN (null) */
	double pass_period_s;
};

/* Section 11: one initial contact. */
struct hf_contact {
	double t_s;
	enum hf_side foot;
};

struct hf_gait_summary {
	bool run;                             /* exercise run, else walk */
	int steps;
	double cadence_spm;
	int n_contacts;
	const struct hf_contact *contacts;    /* n_contacts of them */
	double step_time_s[2];                /* [0] left, [1] right */
	double pelvic_drop_deg[2];
	double contact_time_s[2];             /* NAN for walks */
	double obliquity_range_deg, rotation_range_deg;
	double vertical_oscillation_cm;
	double tilt_deg;                      /* NAN uncalibrated */
};

#endif
