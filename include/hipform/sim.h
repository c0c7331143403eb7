/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A physically modelled simulator of a pelvis-worn IMU (library hipform_sim).
 *
 * A session is a program of segments appended in time order (standing, the
 * calibration procedure of contract section 6, getting down to the mat,
 * sets of exercises with holds, faults and fidgets, rests, walking).  The
 * simulator turns it into a true pelvis trajectory (orientation and
 * position, smooth), then into what a sensor mounted on the pelvis at any
 * orientation and lever arm would measure: specific force including linear
 * and centripetal acceleration, angular rate, with bias, bias drift, noise,
 * scale error and quantisation, at the chosen rate.
 *
 * Ground truth (reps, holds, angles, faults per set) is computed from the
 * true trajectory with the contract's definitions (sections 1, 3, 4, 5),
 * independently of the analyser.
 *
 * Frames: q_pelvis_to_world[i] is the true R(t) of contract section 1;
 * sensor.pelvis_to_sensor rotates pelvis-frame vectors into the sensor frame.
 */
#ifndef HIPFORM_SIM_H
#define HIPFORM_SIM_H

#include <stddef.h>
#include <stdio.h>

#include "hipform/exercise.h"
#include "hipform/summary.h"
#include "hipform/rotation.h"
#include "hipform/sample.h"

enum hf_sim_grade {
	HF_SIM_GRADE_IDEAL = 0, /* no noise, no bias, no quantisation */
	HF_SIM_GRADE_GOOD,      /* calibrated industrial IMU */
	HF_SIM_GRADE_MEMS,      /* cheap MEMS: several deg/s gyro bias */
};

struct hf_sim_sensor {
	double rate_hz;                 /* 50..200 typical */
	double t0_s;                    /* time of the first sample */
	struct hf_quat pelvis_to_sensor;/* mounting */
	double lever_arm_m[3];          /* sensor position, pelvis frame */
	double gyro_bias_dps[3];        /* at t0 */
	double gyro_bias_walk_dps;      /* random walk, deg/s per sqrt(s) */
	double gyro_noise_dps;          /* white noise sigma per sample */
	double gyro_scale_err[3];       /* fractional */
	double acc_bias_g[3];
	double acc_scale_err[3];        /* fractional */
	double acc_noise_g;             /* white noise sigma per sample */
	double acc_lsb_g;               /* quantisation step, 0 = none */
	double gyro_lsb_dps;            /* quantisation step, 0 = none */
	/* Drawn from a datasheet profile (hf_sim_sensor_from_part); zero in
	 * the grade presets, where they change nothing. */
	double acc_cross[3][3];         /* off-diagonal cross-axis coupling */
	double gyro_cross[3][3];        /* (diagonal unused: scale_err) */
	double acc_temp_coef_g_per_c[3];      /* zero-g level drift */
	double gyro_temp_coef_dps_per_c[3];   /* zero-rate level drift */
	double warmup_c;                /* temperature rise over the session */
	double warmup_tau_s;            /* its time constant (> 0 if warmup_c) */
	int part;                       /* enum hf_sim_part + 1, 0 = a grade */
};

/*
 * IMU parts people clip on a belt, with figures from their datasheets
 * (sim/parts.c cites each).  A figure the datasheet does not give is 0.
 */
enum hf_sim_part {
	HF_SIM_PART_MPU6050 = 0,
	HF_SIM_PART_MPU6500,
	HF_SIM_PART_MPU9250,     /* WitMotion WT901 boards */
	HF_SIM_PART_ICM42688P,
	HF_SIM_PART_BMI160,
	HF_SIM_PART_BMI270,
	HF_SIM_PART_LSM6DSO,
	HF_SIM_PART_LSM6DS3,
	HF_SIM_PART_COUNT
};

struct hf_sim_part_profile {
	const char *name;
	double acc_noise_ug_rthz;        /* noise density */
	double gyro_noise_dps_rthz;
	double acc_offset_mg[3];         /* zero-g offset tolerance, +- per axis */
	double acc_scale_tol;            /* sensitivity tolerance, +- fraction */
	double acc_cross_axis;           /* cross-axis sensitivity, +- fraction */
	double acc_offset_temp_mg_per_c; /* zero-g level change vs temperature */
	double gyro_offset_dps;          /* zero-rate offset tolerance, +- */
	double gyro_scale_tol;
	double gyro_cross_axis;
	double gyro_offset_temp_dps_per_c;
	double gyro_bias_instability_dph;/* in-run bias stability, deg/h */
	double acc_lsb_g, gyro_lsb_dps;  /* at the range the simulator uses */
};

/* The profile of a part, NULL for an unknown one. */
const struct hf_sim_part_profile *hf_sim_part_profile(enum hf_sim_part part);
/* The part named name (as in its profile, case-insensitive), or -1. */
int hf_sim_part_lookup(const char *name);

/*
 * Fill s with one specimen of a part at a rate: per-axis scale error,
 * zero-g and zero-rate offsets, cross-axis coupling and temperature
 * coefficients drawn uniformly within the datasheet's tolerances from
 * seed; a warm-up of 0-8 degC over minutes (the sensor on a body); white
 * noise of the datasheet's density over the Nyquist band (sigma = density
 * * sqrt(rate / 2)); a bias random walk from its bias instability; the
 * part's quantisation.  The mounting is drawn as by
 * hf_sim_sensor_belt_mounting().  At rest, |acc| of such a sensor reads
 * 1 g give or take the scale and offset tolerances (0.9-1.1 g for an
 * MPU-6050).
 */
void hf_sim_sensor_from_part(struct hf_sim_sensor *s, enum hf_sim_part part,
			     double rate_hz, unsigned seed);

/*
 * A mounting anywhere on a belt: the sensor lies flat on the belt at any
 * angle round the waist (front, hip, back), its face out or in, upright,
 * upside down or sideways on the belt, tipped up to 12 deg out of the
 * belt's plane and turned up to 12 deg in it; the lever arm is the
 * waist's half-width (0.12-0.18 m) out along the belt's normal.
 */
void hf_sim_sensor_belt_mounting(struct hf_sim_sensor *s, unsigned seed);

/*
 * Fill s for a grade at a rate with a random mounting (any orientation)
 * and lever arm (up to 0.15 m) drawn from seed.
 */
void hf_sim_sensor_preset(struct hf_sim_sensor *s, enum hf_sim_grade grade,
			  double rate_hz, unsigned seed);

/* Per-rep movement; zeros mean "draw a sensible value". */
struct hf_sim_rep {
	double excursion_deg;  /* peak of e(t), > 0 */
	double rise_s, hold_s, lower_s, rest_after_s;
	double hip_drop_deg;   /* peak |rotation| reached during a hip lift */
	int hip_drop_side;     /* its sign: +1 or -1 (a weak side), 0 drawn */
	double obliquity_deg;  /* off-axis wobble at the peak */
	double tremor_deg;     /* small oscillation while holding */
};

struct hf_sim_set {
	enum hf_exercise exercise;
	enum hf_side side;       /* working leg for clam_shell */
	int reps;                /* number of reps (max HF_SIM_MAX_REPS) */
	struct hf_sim_rep rep;   /* template for every rep */
	double variation;        /* 0..1 random spread around the template */
	double fault_rate;       /* 0..1: chance a rep gets a random fault */
	int fidgets;             /* small movements that are not reps */
};

#define HF_SIM_MAX_REPS 40
#define HF_SIM_MAX_SETS 16

struct hf_sim;

struct hf_sim *hf_sim_new(const struct hf_sim_sensor *sensor, unsigned seed);
void hf_sim_free(struct hf_sim *sim);

/* Program segments, appended in time order.  Return HF_OK or hf_err. */
int hf_sim_stand(struct hf_sim *sim, double duration_s);
int hf_sim_walk(struct hf_sim *sim, double duration_s, double cadence_spm);
/* Contract section 6: stand >= 3 s, three hip hinges of 20-45 deg, stand. */
int hf_sim_calibration_procedure(struct hf_sim *sim);
/*
 * Contract section 6's six-face recording of the sensor (sim/six_face.c):
 * off the body, 3 s still on each face (+x, -x, +y, -y, +z, -z up) of a
 * table tilted up to 2 deg, turned over in 2 s between faces.  out holds
 * exactly hf_sim_six_face_samples(sensor) samples.  HF_OK or hf_err.
 */
size_t hf_sim_six_face_samples(const struct hf_sim_sensor *sensor);
int hf_sim_six_face(const struct hf_sim_sensor *sensor, uint64_t seed, struct hf_sample *out,
		    size_t n);
/* Samples as contract CSV with a "# title" line first. */
int hf_sim_write_samples_csv(FILE *f, const char *title, const struct hf_sample *x, size_t n);
/* Move to a posture (getting down to the mat, turning, standing up). */
int hf_sim_change_posture(struct hf_sim *sim, enum hf_posture to, double duration_s);
/* Stay in the current posture, quiet but for breathing. */
int hf_sim_rest(struct hf_sim *sim, double duration_s);
/*
 * The resting pelvis settles: it turns by angle_deg about a horizontal
 * axis of random azimuth over duration_s (minimum jerk) and stays there
 * (people shift on the mat).  The posture does not change.
 */
int hf_sim_shift(struct hf_sim *sim, double angle_deg, double duration_s);
/* The same about one of the pelvis's own axes (section 1 angles: tilt about
 * y, obliquity about x, rotation about z), positive as the angle. */
int hf_sim_shift_about(struct hf_sim *sim, enum hf_axis axis, double angle_deg,
		       double duration_s);
/*
 * Breathing while lying, for the whole program (rests, reps, shifts):
 * the pelvis rocks by amplitude_deg (peak, mostly in tilt) at
 * breaths_per_min, fading in and out over 1 s where lying begins and
 * ends.  It replaces the rests' own faint breathing while lying.  0
 * turns it off (the default).  Call before hf_sim_render().
 */
int hf_sim_breathing(struct hf_sim *sim, double amplitude_deg, double breaths_per_min);
/* A set in the current posture (call hf_sim_change_posture() first), with
 * at least 2.5 s still before its first rep. */
int hf_sim_add_set(struct hf_sim *sim, const struct hf_sim_set *set);
/* A set whose reps are given one by one (n of them, at most
 * HF_SIM_MAX_REPS): zero fields of a rep are drawn as for a template;
 * set->reps, set->rep, variation and fault_rate are ignored, set->fidgets
 * is honoured.  Same posture and lead-in rules as hf_sim_add_set(). */
int hf_sim_add_set_reps(struct hf_sim *sim, const struct hf_sim_set *set,
			const struct hf_sim_rep *reps, int n);
/* A random session: optional calibration procedure, getting down, 1-4 sets
 * of hip lifts and clam shells with rests and fidgets, getting up. */
int hf_sim_random_session(struct hf_sim *sim, int with_calibration_procedure);

/*
 * Named scenarios of issue 8, each one failure class with a noise-free
 * sensor where the sensor is not the point (sim/scenarios.c):
 *   cheap_accel      accelerometer reading 0.94 g at rest, clam shells
 *   settling_rest    two clam-shell sets, the resting pelvis settling by
 *                    1-1.5 deg 10-20 s before each
 *   slow_tiny_clams  8 clam shells of 1.6-1.8 deg with 1.5 s rises
 *   breathing_clams  14 clam shells lying on the side, breathing 0.3 deg
 *   odd_first_rep    9 hip lifts, the first small and oblique
 *   weak_side_bridges 10 hip lifts, every one dropping the same hip 6-8 deg
 */
enum hf_sim_scenario {
	HF_SIM_SC_CHEAP_ACCEL = 0,
	HF_SIM_SC_SETTLING_REST,
	HF_SIM_SC_SLOW_TINY_CLAMS,
	HF_SIM_SC_BREATHING_CLAMS,
	HF_SIM_SC_ODD_FIRST_REP,
	HF_SIM_SC_WEAK_SIDE_BRIDGES,
	HF_SIM_SC_COUNT
};

/* The scenario called name, or -1. */
int hf_sim_scenario_lookup(const char *name);
const char *hf_sim_scenario_name(enum hf_sim_scenario sc);
/* The scenario's sensor at a rate (its mounting drawn from seed). */
void hf_sim_scenario_sensor(enum hf_sim_scenario sc, double rate_hz, unsigned seed,
			    struct hf_sim_sensor *s);
/* Append the scenario's program (standing first, optionally the
 * calibration procedure, then the sets, then standing up). */
int hf_sim_scenario_build(struct hf_sim *sim, enum hf_sim_scenario sc,
			  int with_calibration_procedure);
/* The exercise and side of its sets (every set has the same). */
void hf_sim_scenario_exercise(enum hf_sim_scenario sc, enum hf_exercise *ex,
			      enum hf_side *side);

/* Ground truth of one set, contract definitions on the true trajectory. */
/* Each rep's peak and ends are measured to about this (excursion MAE
 * 0.2 deg; each 10 % instant 0.05-0.1 s). */
#define HF_SIM_RULE_EDGE_DEG 0.2
#define HF_SIM_RULE_EDGE_S 0.1

struct hf_sim_truth_set {
	enum hf_exercise exercise;
	enum hf_side side;
	double start_s, end_s;
	int rep_count;
	struct hf_rep reps[HF_SIM_MAX_REPS];
	/* a movement of its programmed set lies within HF_SIM_RULE_EDGE_DEG
	 * or HF_SIM_RULE_EDGE_S of what section 4 asks of a rep (or a clam
	 * shell's rep within HF_SIM_RULE_EDGE_DEG of pelvis_rollback where
	 * that fault decides what counts, through the median), so an
	 * analyser's error of that size may change the count (benches'
	 * classes only) */
	bool near_rep_rule;
};

struct hf_sim_output {
	size_t n;                          /* samples */
	struct hf_sample *samples;         /* what the sensor reports */
	struct hf_quat *q_pelvis_to_world; /* true R(t) at each sample */
	enum hf_posture *posture;          /* true posture at each sample */
	int n_sets;
	struct hf_sim_truth_set sets[HF_SIM_MAX_SETS];
	struct hf_sim_sensor sensor;       /* the true sensor, mounting included */
};

/* Render the program.  out is owned by sim (valid until hf_sim_free()). */
int hf_sim_render(struct hf_sim *sim, const struct hf_sim_output **out);

/* Write the rendered samples as contract CSV (with a comment line). */
int hf_sim_write_csv(const struct hf_sim_output *out, FILE *f);
/* Write them as a WitMotion byte stream (0x51, 0x52, 0x53 per sample),
 * quantised as the protocol demands. */
int hf_sim_write_witmotion(const struct hf_sim_output *out, FILE *f);
/* Write the truth as contract section 8 JSON (plus a "truth" object with
 * the mounting). */
int hf_sim_write_truth_json(const struct hf_sim_output *out, FILE *f);

/* The same for a recording written in `format` ("csv" or "witmotion"):
 * the input block names it, and for "witmotion" times are sample index /
 * rate (contract section 8), i.e. sensor.t0_s is subtracted. */
int hf_sim_write_truth_json_format(const struct hf_sim_output *out,
				   const char *format, FILE *f);

/* ---- Holds (contract section 9), sim/hold.c ---- */

#define HF_SIM_MAX_HOLDS 8
/* The size of an analyser's error in a hold's cone angle and in the time
 * an excursion lasts (as the benches' near-threshold margins). */
#define HF_SIM_HOLD_EDGE_DEG 0.5
#define HF_SIM_HOLD_EDGE_S 0.1

struct hf_sim_hold_truth {
	struct hf_hold_summary sum;  /* section 9 on the true trajectory
				      * (tremor_hz/deg NAN: see tremor_max_deg) */
	enum hf_side side;
	double tremor_max_deg;       /* modelled tremor RMS at the hold's end */
	/* for the benches' classes only: the faults that an analyser's
	 * error of HF_SIM_HOLD_EDGE_DEG in a level or HF_SIM_HOLD_EDGE_S in a
	 * time could flip (sag, pike, hip_drop: "for 2 s in a row" judged
	 * both easier and harder); all of them where the hold's own bounds
	 * move or it vanishes with the cone that much wider or narrower and
	 * the time to come back that much longer or shorter */
	uint32_t near_faults;
};

struct hf_sim_hold_session {
	enum hf_exercise exercise;
	enum hf_side side;
	struct hf_sim_sensor sensor;       /* mounting included */
	double rate_hz, t0_s;
	size_t n;
	struct hf_sample *samples;         /* what the sensor reports */
	struct hf_quat *q_pelvis_to_world; /* true R(t) */
	int n_holds;
	struct hf_sim_hold_truth holds[HF_SIM_MAX_HOLDS];
};

/*
 * A session of one hold exercise drawn from seed: standing, getting into
 * position, 1-3 holds with sag, pike, hip drops, brief excursions, tremor
 * growing with fatigue and breathing, rests between them (sim/hold.c
 * describes the model).  plank_side without a side is done on the right.
 * HF_OK, HF_ERR_ARG (not a hold exercise) or HF_ERR_NOMEM.
 */
int hf_sim_hold_session(const struct hf_sim_sensor *sensor, enum hf_exercise ex,
			enum hf_side side, unsigned seed, struct hf_sim_hold_session *out);
void hf_sim_hold_session_free(struct hf_sim_hold_session *s);
/* Contract CSV of the samples. */
int hf_sim_hold_write_csv(const struct hf_sim_hold_session *s, FILE *f);
/* The truth as contract section 8 JSON (hold sets) plus the mounting. */
int hf_sim_hold_write_truth_json(const struct hf_sim_hold_session *s, FILE *f);
/* ---- Walking and running (sim/gait.c; contract section 11) ---- */

/*
 * One bout of walking or running with a physically modelled pelvis:
 * inverted-pendulum (walk) or spring-mass (run, half-sine vertical force,
 * flight phases) vertical motion, a heel-strike impact at each contact,
 * fore-aft surge, sideways sway over the stance foot, obliquity with a
 * contralateral drop per stance side, rotation and tilt per stride.
 * Zeros mean "draw a sensible value" (from the seed).
 */
struct hf_sim_gait {
	int run;                  /* 1: run, 0: walk */
	double cadence_spm;
	double duration_s;        /* of the bout */
	double stand_s;           /* standing still before and after */
	double vo_cm;             /* walk: peak-to-peak of the pendulum bounce */
	double contact_s;         /* run: ground contact per step */
	double drop_deg[2];       /* peak contralateral drop on left/right stance */
	double rotation_deg;      /* amplitude of the pelvis rotation */
	double impact_g;          /* heel-strike impact height */
};

#define HF_SIM_GAIT_MAX_STEPS 4096

/* Ground truth: contract section 11 on the true trajectory. */
struct hf_sim_gait_truth {
	int run;
	int steps;
	double t_contact_s[HF_SIM_GAIT_MAX_STEPS];
	enum hf_side foot[HF_SIM_GAIT_MAX_STEPS];
	double pelvic_drop_deg[2];    /* left, right */
	double vertical_oscillation_cm;
	double contact_time_s;        /* runs; NAN for walks */
	double cadence_spm;
	double tilt_deg;              /* mean over the bout, against upright */
};

struct hf_sim_gait_output {
	size_t n;
	struct hf_sample *samples;    /* malloc'd; hf_sim_gait_output_free() */
	struct hf_sim_gait params;    /* with the drawn values */
	struct hf_sim_gait_truth truth;
};

/* Render a bout with sensor (noise, bias, mounting) and seed. */
int hf_sim_gait_render(const struct hf_sim_gait *p, const struct hf_sim_sensor *sensor,
		       unsigned seed, struct hf_sim_gait_output *out);
void hf_sim_gait_output_free(struct hf_sim_gait_output *out);

/* ---- Foam rolling (sim/foamroll.c; contract section 10) ---- */

#define HF_SIM_FOAMROLL_MAX_SETS 16

struct hf_sim_foamroll_set_truth {
	double start_s, end_s;        /* first pass's start, last pass's end */
	struct hf_passes_summary sum; /* section 10 on the true movement */
};

struct hf_sim_foamroll_session {
	struct hf_sim_sensor sensor;       /* mounting included */
	double rate_hz, t0_s;
	size_t n;
	struct hf_sample *samples;         /* what the sensor reports */
	struct hf_quat *q_pelvis_to_world; /* true R(t) */
	int n_sets;
	struct hf_sim_foamroll_set_truth sets[HF_SIM_FOAMROLL_MAX_SETS];
};

/*
 * A foam-roll session drawn from seed: standing, getting down onto the
 * roller face down or face up, 2-4 sets of 8-20 passes (0.1-0.4 m along
 * the body, 1.5-5 s each, pauses of 1-3 s inside a set, rests of 6-15 s
 * between, sometimes rolling over), breathing, getting up (sim/foamroll.c
 * describes the model).  wide: the held-out ranges (1.3-6 s passes,
 * pauses to 3.5 s, rests 5.6-25 s).  HF_OK, HF_ERR_ARG or HF_ERR_NOMEM.
 */
int hf_sim_foamroll_session(const struct hf_sim_sensor *sensor, unsigned seed, int wide,
			    struct hf_sim_foamroll_session *out);
void hf_sim_foamroll_session_free(struct hf_sim_foamroll_session *s);
/* Contract CSV of the samples. */
int hf_sim_foamroll_write_csv(const struct hf_sim_foamroll_session *s, FILE *f);
/* The truth as contract section 8 JSON (passes sets) plus the mounting. */
int hf_sim_foamroll_write_truth_json(const struct hf_sim_foamroll_session *s, FILE *f);

/* ---- Side walks (sim/sidewalk.c; contract section 10) ---- */

#define HF_SIM_SIDEWALK_MAX_SETS 8
#define HF_SIM_SIDEWALK_MAX_CYCLES 32   /* per set */

/* What to draw; hf_sim_sidewalk_defaults() fills the contract's ranges. */
struct hf_sim_sidewalk {
	int sets;                 /* 1..HF_SIM_SIDEWALK_MAX_SETS (3) */
	double cycle_m[2];        /* sideways travel per cycle (0.2-0.5 m) */
	double cadence_cpm[2];    /* per set (20-50 cycles/min) */
	int cycles[2];            /* per set (8-20) */
	double fault_share;       /* share of cycles with pelvic_drop (0.25) */
};

void hf_sim_sidewalk_defaults(struct hf_sim_sidewalk *p);

/* Ground truth of one set: contract section 10 on the true trajectory. */
struct hf_sim_sidewalk_set {
	enum hf_side side;        /* the direction of travel */
	double start_s, end_s;    /* input time (t0_s + program time) */
	double cadence_cpm;
	int n_cycles;
	struct hf_cycle cycles[HF_SIM_SIDEWALK_MAX_CYCLES];
};

struct hf_sim_sidewalk_session {
	struct hf_sim_sidewalk params;
	struct hf_sim_sensor sensor;       /* mounting included */
	double rate_hz, t0_s;
	size_t n;
	struct hf_sample *samples;         /* what the sensor reports */
	struct hf_quat *q_pelvis_to_world; /* true R(t) */
	int n_sets;
	struct hf_sim_sidewalk_set sets[HF_SIM_SIDEWALK_MAX_SETS];
};

/*
 * A session of side walks drawn from seed with params (NULL: the
 * defaults): sim/sidewalk.c describes the model.  No cycle's true
 * obliquity range is within 0.3 deg of the pelvic_drop threshold.
 * HF_OK, HF_ERR_ARG or HF_ERR_NOMEM.
 */
int hf_sim_sidewalk_session(const struct hf_sim_sidewalk *params,
			    const struct hf_sim_sensor *sensor, unsigned seed,
			    struct hf_sim_sidewalk_session *out);
void hf_sim_sidewalk_session_free(struct hf_sim_sidewalk_session *s);
int hf_sim_sidewalk_write_csv(const struct hf_sim_sidewalk_session *s, FILE *f);
/* The truth as contract section 8 JSON (steps sets) plus the mounting. */
int hf_sim_sidewalk_write_truth_json(const struct hf_sim_sidewalk_session *s, FILE *f);
/* ---- A whole program session (sim/session.c) ---- */

#define HF_SIM_SESSION_MAX_SETS 48
#define HF_SIM_SESSION_MAX_BETWEEN 16

/* One exercise set of the truth: reps (rep sets), hold_s (holds, else
 * NAN), steps (gait; side-walk cycles) or passes (foam roll). */
struct hf_sim_session_set {
	enum hf_exercise exercise;
	enum hf_side side;
	double start_s, end_s;
	int reps;
	double hold_s;
	struct hf_hold_summary hold; /* holds: the true summary (section 9), its
				      * times in the session's; else zeros */
	uint32_t near_faults;        /* holds: as hf_sim_hold_truth's */
	int steps;
	int passes;
};

struct hf_sim_session {
	struct hf_sim_sensor sensor;       /* mounting included */
	size_t n;
	struct hf_sample *samples;         /* malloc'd: hf_sim_session_free() */
	size_t n_calibration;              /* samples[0..n_calibration): the
					    * procedure of contract section 6 */
	int n_sets;
	struct hf_sim_session_set sets[HF_SIM_SESSION_MAX_SETS];
	int n_between;                     /* walking and standing between blocks */
	struct {
		double start_s, end_s;
	} between[HF_SIM_SESSION_MAX_BETWEEN];
};

/*
 * The whole glute activation program (contract section 12) on one
 * sensor, drawn from seed: the calibration procedure, then hip lifts,
 * clam shells each side, planks front, side (right, left) and back, a
 * walking bout and sometimes a run, with walking and standing between
 * the blocks (sim/session.c), foam rolling face down and face up first
 * and side walks each way after the clam shells.  wide: the wider ranges
 * of held-out benches.  HF_OK, HF_ERR_ARG or HF_ERR_NOMEM.
 */
int hf_sim_program_session(const struct hf_sim_sensor *sensor, unsigned seed, int wide,
			   struct hf_sim_session *out);
void hf_sim_session_free(struct hf_sim_session *s);
int hf_sim_session_write_csv(const struct hf_sim_session *s, FILE *f);
/* Contract-style JSON of the truth sets, plus "truth": mounting, the
 * between-block stretches and the end of the calibration procedure. */
int hf_sim_session_write_truth_json(const struct hf_sim_session *s, FILE *f);

#endif
