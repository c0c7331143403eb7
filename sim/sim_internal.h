/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the simulator (library hipform_sim), shared by its modules
 * and its white-box tests; not a public interface.
 *
 * A program is an array of segments in time order.  Every segment starts
 * and ends at rest (zero velocity and acceleration, C2 joins), so the true
 * trajectory is smooth across segment boundaries:
 *   STILL   quiet in one posture, breathing with a C2 envelope;
 *   BUMP    angles rise (minimum jerk), hold (with tremor), lower; the
 *           pelvis turns about a pivot (shoulders, hip joint, mat contact);
 *   POSTURE slerp of the base orientation and a move of the base position;
 *   WALK    gait oscillations and bounce, forward motion at a cadence.
 * The pose at time t is R(t) = Rbase(t) * Q(angles(t)) (contract section 1
 * angles) and p(t) = pbase(t) + Rbase(t) * (Q - I) * pivot.
 */
#ifndef HIPFORM_SIM_INTERNAL_H
#define HIPFORM_SIM_INTERNAL_H

#include <stdint.h>

#include "hipform/sim.h"

/* xoshiro256** seeded with splitmix64 (D. Blackman, S. Vigna, 2018). */
struct hf_rng {
	uint64_t s[4];
};

void hf_rng_seed(struct hf_rng *r, uint64_t seed);
uint64_t hf_rng_next(struct hf_rng *r);
/* Uniform in [lo, hi). */
double hf_rng_uniform(struct hf_rng *r, double lo, double hi);
/* Standard normal (Box-Muller). */
double hf_rng_gauss(struct hf_rng *r);
/* -1 or +1. */
double hf_rng_sign(struct hf_rng *r);
/* Uniform random rotation (normalised 4-D Gaussian). */
struct hf_quat hf_rng_rotation(struct hf_rng *r);

enum hf_seg_kind { HF_SEG_STILL = 0, HF_SEG_BUMP, HF_SEG_POSTURE, HF_SEG_WALK };
enum hf_move_kind { HF_MOVE_NONE = 0, HF_MOVE_REP, HF_MOVE_FIDGET, HF_MOVE_HINGE };

struct hf_seg {
	enum hf_seg_kind kind;
	enum hf_move_kind move;
	int set;                  /* program set index, -1 outside sets */
	double t0_s, t1_s;        /* program time */
	struct hf_quat q0, q1;    /* base orientation at start and end */
	double p0_m[3], p1_m[3];  /* base position at start and end */
	enum hf_posture posture, posture_to;
	/* STILL: breathing; BUMP: tremor during the hold; WALK: amplitudes */
	double osc_deg[3];        /* tilt, obliquity, rotation */
	double osc_hz;
	double osc_phase[3];
	/* BUMP */
	double rise_s, hold_s, lower_s;
	double peak_deg[3];       /* tilt, obliquity, rotation at the top */
	double pivot_m[3];        /* pelvis origin minus pivot, pelvis frame */
	/* WALK */
	double speed_mps, ramp_s, bounce_m, sway_m;
	double fwd[3];            /* unit, horizontal */
};

/* What the truth needs to know of a set of the program. */
struct hf_sim_prog_set {
	enum hf_exercise exercise;
	enum hf_side side;
	double still_t0_s;        /* start of the still lead-in */
	int seg_first, seg_last;  /* inclusive */
};

struct hf_sim {
	struct hf_sim_sensor sensor;
	unsigned seed;
	struct hf_rng rng;
	double heading_rad;

	struct hf_seg *segs;
	int n_segs, cap_segs;
	struct hf_sim_prog_set sets[HF_SIM_MAX_SETS];
	int n_sets;

	/* state at the end of the program so far */
	double t_end_s;
	struct hf_quat q_end;
	double p_end_m[3];
	enum hf_posture posture;
	double last_set_move_end_s;
	/* breathing while lying (hf_sim_breathing), 0 = off */
	double breath_deg[3];     /* tilt, obliquity, rotation amplitudes */
	double breath_hz;
	double breath_phase;

	/* rendering */
	struct hf_sim_output out;
	size_t cap_out;
	/* truth grid buffers */
	struct hf_quat *g_q;
	double *g_e, *g_rot;
	size_t cap_grid;
};

struct hf_sim_pose {
	struct hf_quat q;        /* pelvis to world */
	double p_m[3];           /* pelvis origin, world */
	enum hf_posture posture; /* nominal */
};

/* Minimum-jerk ramp 10u^3 - 15u^4 + 6u^5, clamped to [0, 1]. */
double hf_sim_minjerk(double u);
/* u at which the minimum-jerk ramp reaches 0.10 (it reaches 0.90 at 1-u). */
double hf_sim_minjerk_u10(void);
/* The pose at program time t_s (clamped to the program). */
void hf_sim_pose_at(const struct hf_sim *sim, double t_s, struct hf_sim_pose *pose);
/* Program duration. */
double hf_sim_duration_s(const struct hf_sim *sim);
/* Ground truth of every set into sim->out (times in sample time). */
int hf_sim_compute_truth(struct hf_sim *sim);

/* ---- the sensor model (sensor_model.c), shared by every simulator ---- */

/* A body model's pose at t_s: pelvis to world, pelvis origin in the world. */
typedef void (*hf_sim_pose_fn)(const void *model, double t_s, struct hf_quat *q,
			       double p_m[3]);
/* The true rate and specific force at the sensor (its frame) for the
 * model at t_s, by central differences of its pose; *q_mid the pose. */
void hf_sim_true_sample(hf_sim_pose_fn pose, const void *model, const struct hf_sim_sensor *s,
			double t_s, struct hf_quat *q_mid, struct hf_sample *out);
/* The part's errors on a true sample t_s into the recording: scale, bias
 * (bias_dps, which the caller walks), cross-axis, warming, noise from g,
 * resolution. */
void hf_sim_sensor_errors(const struct hf_sim_sensor *s, const double bias_dps[3], double t_s,
			  struct hf_rng *g, struct hf_sample *out);
/* n samples of the model as the sensor reports them (t from 0 at the
 * sensor's rate, times from its t0_s), the gyro bias walking from its
 * start value, noise drawn from noise_seed; the true pose of each into
 * q_pelvis_to_world. */
void hf_sim_render_samples(hf_sim_pose_fn pose, const void *model, const struct hf_sim_sensor *s,
			   uint64_t noise_seed, size_t n, struct hf_sample *samples,
			   struct hf_quat *q_pelvis_to_world);

/* The same over [0, t_end_s] into arrays it allocates (*n samples; the
 * caller frees both).  HF_ERR_NOMEM frees what it got and leaves both
 * NULL and *n 0. */
int hf_sim_render_new(hf_sim_pose_fn pose, const void *model, const struct hf_sim_sensor *s,
		      uint64_t noise_seed, double t_end_s, size_t *n, struct hf_sample **samples,
		      struct hf_quat **q_pelvis_to_world);

#endif
