/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exercises, sides, postures, reps, sets and form faults: the vocabulary of
 * contract sections 3-5, shared by the analyser, the simulator's ground
 * truth, the reports and the daemon.
 *
 * Each exercise is one row of a const table (hf_exercise_info()); adding an
 * exercise is adding a row and its enum value.
 */
#ifndef HIPFORM_EXERCISE_H
#define HIPFORM_EXERCISE_H

#include <stdbool.h>
#include <stdint.h>

enum hf_exercise {
	HF_EX_NONE = -1,
	HF_EX_HIP_LIFT = 0,
	HF_EX_CLAM_SHELL,
	HF_EX_PLANK_FRONT,        /* holds (contract section 9) */
	HF_EX_PLANK_SIDE,
	HF_EX_PLANK_BACK,
	HF_EX_HIP_FLEXOR_STRETCH,
	HF_EX_SIDE_WALK,          /* steps (section 10) */
	HF_EX_FOAM_ROLL,          /* passes (section 10) */
	HF_EX_WALK,       /* gait (contract section 11) */
	HF_EX_RUN,
	HF_EX_COUNT
};

enum hf_side {
	HF_SIDE_NONE = 0, /* JSON null */
	HF_SIDE_LEFT,
	HF_SIDE_RIGHT,
};

/* Body posture, from the direction of world up in the pelvis frame. */
enum hf_posture {
	HF_POSTURE_UNKNOWN = 0,
	HF_POSTURE_UPRIGHT,    /* up ~ +z_pelvis */
	HF_POSTURE_SUPINE,     /* on the back: up ~ +x_pelvis */
	HF_POSTURE_PRONE,      /* on the front: up ~ -x_pelvis */
	HF_POSTURE_SIDE_RIGHT, /* lying on the right side: up ~ +y_pelvis */
	HF_POSTURE_SIDE_LEFT,  /* lying on the left side: up ~ -y_pelvis */
	HF_POSTURE_COUNT
};

/* A plank's least elevation at its baseline (contract section 9). */
#define HF_PLANK_MIN_ELEVATION_DEG 5.0

enum hf_fault {
	HF_FAULT_SHORT_HOLD = 0,
	HF_FAULT_SHALLOW,
	HF_FAULT_HIP_DROP,
	HF_FAULT_PELVIS_ROLLBACK,
	HF_FAULT_RUSHED,
	HF_FAULT_SAG,           /* holds (section 5) */
	HF_FAULT_PIKE,
	HF_FAULT_ANTERIOR_TILT,
	HF_FAULT_PELVIC_DROP,   /* side-walk cycles */
	HF_FAULT_COUNT
};

#define HF_FAULT_BIT(f) (1u << (f))

/* What is measured on an exercise (contract section 3): each kind is one
 * analyser behind the same interface. */
enum hf_kind {
	HF_KIND_REPS = 0, /* section 4: reps, holds at the top, sets */
	HF_KIND_HOLD,     /* section 9: planks, stretches */
	HF_KIND_STEPS,    /* section 10: side-walk cycles */
	HF_KIND_PASSES,   /* section 10: foam-roll passes */
	HF_KIND_GAIT,     /* section 11: walking and running */
	HF_KIND_COUNT
};

/* "reps", "hold", "steps", "passes", "gait" */
const char *hf_kind_name(enum hf_kind k);

/* Which pelvic angle, with which sign, is the primary excursion e(t). */
enum hf_axis { HF_AXIS_TILT = 0, HF_AXIS_OBLIQUITY, HF_AXIS_ROTATION };

struct hf_exercise_info {
	enum hf_exercise id;
	const char *name;            /* contract name, e.g. "hip_lift" */
	const char *title;           /* for people, e.g. "Hip lift" */
	enum hf_kind kind;           /* which analyser measures it */
	bool sided;                  /* side names the working leg */
	enum hf_axis axis;           /* angle that carries e(t) */
	double sign_left;            /* e = sign * angle, left side or unsided */
	double sign_right;           /* e = sign * angle, right side */
	uint32_t faults;             /* HF_FAULT_BIT()s this exercise reports */
	/* posture the exercise is done in, per side (unsided: [0]) */
	enum hf_posture posture_left, posture_right;
};

const struct hf_exercise_info *hf_exercise_info(enum hf_exercise ex);
/* Lookup by contract name; HF_EX_NONE when unknown. */
enum hf_exercise hf_exercise_from_name(const char *name);
/* World up in the pelvis frame in posture p (contract section 3); p valid. */
const double *hf_posture_up(enum hf_posture p);
/* The posture of world up in the pelvis frame, up_p (unit): within 45 deg
 * of a posture's up takes it; the current one is kept until 60 deg off
 * (hysteresis).  HF_POSTURE_UNKNOWN between postures. */
enum hf_posture hf_posture_classify(const double up_p[3], enum hf_posture current);
/* The rep exercise and side done in a posture; HF_EX_NONE if none.
 * Exercises of other kinds (walk, run: also upright) are never returned. */
enum hf_exercise hf_exercise_for_posture(enum hf_posture p, enum hf_side *side);
/* e(t) sign for an exercise and side. */
double hf_exercise_sign(enum hf_exercise ex, enum hf_side side);

const char *hf_side_name(enum hf_side s);          /* "left", "right", NULL */
enum hf_side hf_side_from_name(const char *name);  /* HF_SIDE_NONE if unknown */
const char *hf_posture_name(enum hf_posture p);    /* "upright", "supine", ... */
const char *hf_fault_name(enum hf_fault f);        /* "short_hold", ... */
enum hf_fault hf_fault_from_name(const char *name);/* HF_FAULT_COUNT if unknown */

/* Thresholds of contract sections 4-5; every one configurable. */
struct hf_thresholds {
	double hold_target_s;       /* short_hold below this (2.0) */
	double shallow_deg;         /* hip_lift shallow below (15) */
	double hip_drop_deg;        /* |rotation| above (5) */
	double rollback_deg;        /* clam_shell excursion above (10) */
	double rushed_s;            /* rise_s or lower_s below (0.5) */
	double rep_min_deg;         /* a rep's peak at least (1.0) */
	double rep_min_fraction;    /* of the set's median peak (0.25) */
	double rep_min_duration_s;  /* start to end at least (0.6) */
	double set_gap_s;           /* rest that ends a set (8.0) */
	double baseline_s;          /* baseline window before a set (2.0) */
	double start_fraction;      /* rep start/end level (0.10) */
	double hold_fraction;       /* hold level (0.90) */
	/* holds (contract sections 5 and 9) */
	double hold_short_s;        /* short_hold below this (30) */
	double hold_cone_deg;       /* a hold stays within this of its baseline (10) */
	double hold_min_s;          /* a hold lasts at least (5) */
	double hold_return_s;       /* an excursion back within this does not end it (3) */
	double elevation_change_deg;/* sag at <= -this, pike at >= +this (5) */
	double hold_fault_s;        /* sag, pike, hip_drop last this long (2) */
	double anterior_tilt_deg;   /* mean tilt against standing above (5) */
	double pelvic_drop_deg;     /* side-walk cycle obliquity range above (6) */
};

extern const struct hf_thresholds hf_thresholds_default;

/*
 * Set one threshold by its configuration key (the struct field name, e.g.
 * "hold_target_s").  Returns HF_OK, or HF_ERR_ARG for an unknown key or a
 * value that is not a finite positive number.
 */
int hf_thresholds_set(struct hf_thresholds *t, const char *key, const char *value);
/* The keys, NULL-terminated, in struct order. */
const char *const *hf_thresholds_keys(void);

/* One rep as the contract (section 8) reports it.  Times in input time. */
struct hf_rep {
	double start_s, peak_s, end_s;
	double excursion_deg;   /* e at the peak */
	double hold_s, rise_s, lower_s;
	double tilt_deg, obliquity_deg, rotation_deg; /* at the peak */
	double max_abs_rotation_deg; /* over start..end, for hip_drop */
	uint32_t faults;        /* HF_FAULT_BIT()s */
};

/*
 * Evaluate the per-rep fault rules of contract section 5 for exercise ex.
 * Uses excursion_deg, hold_s, rise_s, lower_s and max_abs_rotation_deg.
 */
uint32_t hf_rep_faults(const struct hf_rep *r, enum hf_exercise ex,
		       const struct hf_thresholds *t);

#endif
