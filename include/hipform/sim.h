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
};

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
/* Move to a posture (getting down to the mat, turning, standing up). */
int hf_sim_change_posture(struct hf_sim *sim, enum hf_posture to, double duration_s);
/* Stay in the current posture, quiet but for breathing. */
int hf_sim_rest(struct hf_sim *sim, double duration_s);
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

/* Ground truth of one set, contract definitions on the true trajectory. */
struct hf_sim_truth_set {
	enum hf_exercise exercise;
	enum hf_side side;
	double start_s, end_s;
	int rep_count;
	struct hf_rep reps[HF_SIM_MAX_REPS];
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

#endif
