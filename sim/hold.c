/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Simulated hold sessions (planks and the hip flexor stretch, contract
 * section 9), with ground truth by the contract's rules on the true
 * trajectory.
 *
 * The person: stands, gets down to the mat (or, for the stretch, stays
 * up), and does 1-3 holds.  Before each plank the hips are low (kneeling
 * or lying on forearms, elevation 15-35 deg below the plank's, with small
 * shifts of weight); the hips rise into the plank by turning about the
 * pelvis axis about which they later sag (pelvis y in front and back
 * planks, x in side planks), pivoting at the feet 0.9-1.1 m away, so the
 * pelvis also moves (the sensor feels it).  In position the pelvis
 * settles with a small overshoot, breathes (0.2-0.45 Hz, 0.1-0.4 deg of
 * elevation, 0.08-0.2 deg of tilt standing), drifts down slowly with fatigue, and may have episodes:
 * sag and pike (the hips sink or hitch 2-9 deg, for 0.5-7 s), a hip drop
 * (rotation 2-9 deg), a brief excursion (a knee touches down, 12-20 deg
 * for 0.4-2.6 s), each entered and left with minimum-jerk ramps.
 * Physiological tremor (6-12 Hz, all axes) grows from 0.01 deg to
 * 0.03-0.12 deg RMS with fatigue (at 10 Hz, 2-8 deg/s of angular rate).  After the hold the hips lower again and
 * the person rests 4-12 s, shifting now and then.  The stretch: standing,
 * the step into a half-kneeling lunge turns and tips the pelvis (12-20
 * deg) before it settles at a tilt of -12..+12 deg against standing;
 * back up to standing between sides.
 *
 * The sensor is any struct hf_sim_sensor (mounting, lever arm, bias, noise,
 * scale, quantisation): gyro and specific force come from central
 * differences of the true pose, as in render.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/report.h"
#include "sim_internal.h"

#define MAX_BUMPS 96
#define STAND_S 3.0
#define DOWN_S 3.0
#define FEET_LEVER_M 1.0
#define TREMOR_COMPONENTS 3
#define TRUTH_STEP_S 0.25
#define HOLD_EDGE_S 0.5   /* breathing and tremor fade in and out over this */
#define TRUTH_QUIET_S 2.0
#define TRUTH_QUIET_DEG 3.0
#define HOLD_EDGE_MOVE_S 0.5 /* near_hold_rule(): an end moved further flipped */

/* A minimum-jerk up, a stay, a minimum-jerk down (fall_s 0: a step). */
struct bump {
	double t0_s, rise_s, stay_s, fall_s, amp;
};

enum channel { CH_ELEV = 0, CH_ROT, CH_OBL, CH_YAW, CH_MAT, CH_COUNT };

struct hold_plan {
	double t_in_s, t_out_s;  /* in position from..to (program time) */
};

struct model {
	enum hf_exercise ex;
	enum hf_side side;
	struct hf_quat lying;    /* pelvis to world in the exercise posture, elevation 0 */
	double lying_rv[3];      /* ... as a rotation vector (the way down to it) */
	double heading_rad;
	double elev_pre_deg;     /* planks: hips low */
	double breath_hz, breath_deg, breath_phase;
	double tremor_hz[TREMOR_COMPONENTS], tremor_phase[TREMOR_COMPONENTS][3];
	struct bump b[CH_COUNT][MAX_BUMPS];
	int nb[CH_COUNT];
	struct hold_plan holds[HF_SIM_MAX_HOLDS];
	double tremor_max_deg[HF_SIM_MAX_HOLDS];
	int n_holds;
	double t_end_s;
	bool upright;            /* the stretch */
};

static double bump_at(const struct bump *b, double t)
{
	double up = b->rise_s > 0.0 ? hf_sim_minjerk((t - b->t0_s) / b->rise_s)
				    : (t >= b->t0_s ? 1.0 : 0.0);
	double t1 = b->t0_s + b->rise_s + b->stay_s;
	double down = b->fall_s > 0.0 ? hf_sim_minjerk((t - t1) / b->fall_s) : 0.0;

	return b->amp * (up - down);
}

static double channel(const struct model *m, enum channel c, double t)
{
	double v = 0.0;

	for (int i = 0; i < m->nb[c]; i++)
		v += bump_at(&m->b[c][i], t);
	return v;
}

static void add_bump(struct model *m, enum channel c, double t0, double rise,
		     double stay, double fall, double amp)
{
	if (m->nb[c] < MAX_BUMPS)
		m->b[c][m->nb[c]++] = (struct bump){t0, rise, stay, fall, amp};
}

/* 0..1 inside holds (with ramps at the ends), for breathing and tremor. */
static int hold_index(const struct model *m, double t)
{
	for (int k = 0; k < m->n_holds; k++)
		if (t >= m->holds[k].t_in_s - HOLD_EDGE_S && t <= m->holds[k].t_out_s + HOLD_EDGE_S)
			return k;
	return -1;
}

/* Posture axes of the exercise (section 3) with pelvis z horizontal. */
static struct hf_quat posture_frame(enum hf_exercise ex, enum hf_side side)
{
	double m[3][3] = {{0}};
	enum hf_posture p = side == HF_SIDE_LEFT ? hf_exercise_info(ex)->posture_left
						  : hf_exercise_info(ex)->posture_right;

	/* columns: pelvis x, y, z in the world; z along world +x */
	m[0][2] = 1.0;
	switch (p) {
	case HF_POSTURE_PRONE:      m[2][0] = -1.0; m[1][1] = 1.0; break;
	case HF_POSTURE_SUPINE:     m[2][0] = 1.0; m[1][1] = -1.0; break;
	case HF_POSTURE_SIDE_RIGHT: m[1][0] = 1.0; m[2][1] = 1.0; break;
	case HF_POSTURE_SIDE_LEFT:  m[1][0] = -1.0; m[2][1] = -1.0; break;
	default: /* upright */
		memset(m, 0, sizeof m);
		m[0][0] = m[1][1] = m[2][2] = 1.0;
	}
	return hf_quat_from_matrix(m);
}

/* Pelvis axis (pelvis frame) about which a positive angle raises z. */
static void rise_axis(const struct model *m, double ax[3])
{
	double z[3] = {0, 0, 1}, up_p[3], t[3] = {0, 0, 1};

	/* the rise turns z towards world up: axis = z x up (pelvis frame) */
	hf_quat_rotate_inv(m->lying, t, up_p);
	hf_vec_cross(z, up_p, ax);
	if (hf_vec_normalize(ax) == 0.0) {
		ax[0] = 0.0;
		ax[1] = 1.0;
		ax[2] = 0.0;
	}
}

static struct hf_quat axis_angle_deg(const double ax[3], double deg)
{
	return hf_quat_from_axis_angle(ax, deg * HF_DEG2RAD);
}

/*
 * The pose a fraction u of the way from `from` to `to`, turning the way
 * nearest to rv_ref (a rotation vector in from's frame).  Lying on the back
 * is half a turn from standing, so the shortest way, which hf_quat_slerp()
 * takes, switches sides as the pose wavers about it: the pelvis would jump.
 */
static struct hf_quat turn_toward(struct hf_quat from, struct hf_quat to, double u,
				  const double rv_ref[3])
{
	double rv[3], other[3], angle_rad, d_rv = 0.0, d_other = 0.0;

	hf_quat_to_rotvec(hf_quat_mul(hf_quat_conj(from), to), rv);
	angle_rad = hf_vec_norm(rv);
	for (int i = 0; i < 3; i++) {
		/* the same turn the other way round: 2 pi - angle about -axis */
		other[i] = angle_rad > 1e-9 ? rv[i] * (1.0 - 2.0 * HF_PI / angle_rad) : rv[i];
		d_rv += (rv[i] - rv_ref[i]) * (rv[i] - rv_ref[i]);
		d_other += (other[i] - rv_ref[i]) * (other[i] - rv_ref[i]);
	}
	for (int i = 0; i < 3; i++)
		rv[i] = u * (d_other < d_rv ? other[i] : rv[i]);
	return hf_quat_normalize(hf_quat_mul(from, hf_quat_from_rotvec(rv)));
}

/* The true pose: pelvis to world and pelvis position. */
static void pose(const struct model *m, double t, struct hf_quat *q, double p_m[3])
{
	static const double X[3] = {1, 0, 0}, Z[3] = {0, 0, 1};
	double elev = channel(m, CH_ELEV, t), rot = channel(m, CH_ROT, t);
	double obl = channel(m, CH_OBL, t), mat = channel(m, CH_MAT, t);
	double yaw = channel(m, CH_YAW, t), ax[3], z[3];
	int k = hold_index(m, t);
	struct hf_quat head = hf_quat_from_axis_angle(Z, m->heading_rad + yaw * HF_DEG2RAD);
	struct hf_quat local, ex, stand, tr;

	if (k >= 0) {
		double t_in = m->holds[k].t_in_s, t_out = m->holds[k].t_out_s;
		double life = (t - t_in) / (t_out - t_in);
		/* breathing and tremor fade in and out over HOLD_EDGE_S
		 * around the hold, so the pose stays smooth (no jump of the
		 * second derivative the accelerometer would read as a spike) */
		double w = t < t_in  ? hf_sim_minjerk((t - t_in + HOLD_EDGE_S) / HOLD_EDGE_S)
			 : t > t_out ? hf_sim_minjerk((t_out + HOLD_EDGE_S - t) / HOLD_EDGE_S)
				     : 1.0;
		double amp = w * (0.01 + (m->tremor_max_deg[k] - 0.01) *
					     fmin(fmax(life, 0.0), 1.0));
		double rv[3] = {0, 0, 0};
		for (int c = 0; c < TREMOR_COMPONENTS; c++)
			for (int a = 0; a < 3; a++)
				rv[a] += amp / sqrt(TREMOR_COMPONENTS * 1.5) * HF_DEG2RAD *
					 sin(2 * HF_PI * m->tremor_hz[c] * t + m->tremor_phase[c][a]);
		elev += w * m->breath_deg * sin(2 * HF_PI * m->breath_hz * t + m->breath_phase);
		tr = hf_quat_from_rotvec(rv);
	} else {
		tr = hf_quat_identity();
	}
	if (m->upright) {
		struct hf_angles a = {.tilt_deg = elev, .obliquity_deg = obl, .rotation_deg = rot};
		local = hf_quat_from_angles(&a);
		*q = hf_quat_normalize(hf_quat_mul(hf_quat_mul(head, local), tr));
		p_m[0] = p_m[1] = 0.0;
		p_m[2] = 0.95 - 0.45 * fmin(fmax(mat, 0.0), 1.0); /* down into the lunge */
		return;
	}
	rise_axis(m, ax);
	local = hf_quat_mul(axis_angle_deg(ax, m->elev_pre_deg + elev),
			    axis_angle_deg(Z, rot));
	ex = hf_quat_mul(hf_quat_mul(head, m->lying), hf_quat_mul(local, tr));
	stand = hf_quat_mul(head, axis_angle_deg(X, 0.0));
	*q = turn_toward(stand, ex, fmin(fmax(mat, 0.0), 1.0), m->lying_rv);
	/* the pelvis turns about the feet, FEET_LEVER_M behind it along -z */
	hf_quat_rotate(*q, Z, z);
	for (int i = 0; i < 3; i++)
		p_m[i] = FEET_LEVER_M * z[i];
	p_m[2] += 0.95 * (1.0 - fmin(fmax(mat, 0.0), 1.0));
}

/* ---- the program ---- */

static double U(struct hf_rng *r, double lo, double hi)
{
	return hf_rng_uniform(r, lo, hi);
}

/*
 * The random draws below are one per statement: the order of two draws in
 * one argument list or product is the compiler's (C11 6.5p3), and a seed
 * must give the same session whatever compiles it.  The order kept is the
 * one gcc used, so its sessions did not change.
 */

/* A brief dip of the hips by 12-20 deg. */
static void dip(struct model *m, struct hf_rng *r, double ts)
{
	double depth = U(r, 12.0, 20.0);
	double stay = U(r, 0.0, 2.0);

	add_bump(m, CH_ELEV, ts, 0.3, stay, 0.3, -depth);
}

/* Episodes inside a plank hold [t0, t1]. */
static void plank_episodes(struct model *m, struct hf_rng *r, double t0, double t1)
{
	double d = t1 - t0;

	/* settle: a small overshoot after the rise */
	add_bump(m, CH_ELEV, t0, 0.2, 0.0, 0.6, U(r, -1.5, 1.5));
	/* fatigue drift: down to -3 deg over the hold */
	add_bump(m, CH_ELEV, t0 + 1.0, d - 2.0, 0.0, 0.0, -U(r, 0.0, 3.0));
	for (int e = 0; e < 3; e++) {
		double kind = U(r, 0.0, 1.0), a = U(r, 2.0, 9.0);
		double rise = U(r, 0.5, 3.0), stay = U(r, 0.3, 7.0), fall = U(r, 0.5, 2.0);
		double ts = U(r, t0 + 1.0, t1 - rise - stay - fall - 1.0);
		if (ts < t0 + 1.0)
			continue;
		if (kind < 0.35)
			add_bump(m, CH_ELEV, ts, rise, stay, fall, -a);          /* sag */
		else if (kind < 0.55 && m->ex != HF_EX_PLANK_SIDE)
			add_bump(m, CH_ELEV, ts, rise, stay, fall, a);           /* pike */
		else if (kind < 0.8)
			add_bump(m, CH_ROT, ts, rise, stay, fall, hf_rng_sign(r) * a); /* hip drop */
		else if (kind < 0.9)
			dip(m, r, ts);
	}
}

/* Weight shifts while resting: turns of up to max_deg every 1-3 s. */
static void rest_shifts(struct model *m, struct hf_rng *r, double t0, double t1,
			double max_deg)
{
	for (double t = t0 + U(r, 0.5, 2.0); t < t1 - 1.5; t += U(r, 1.0, 3.0)) {
		double turn = U(r, -max_deg, max_deg);
		double stay = U(r, 0.0, 1.0);
		add_bump(m, CH_ROT, t, 0.5, stay, 0.5, turn);
		add_bump(m, CH_YAW, t, 0.6, 0.0, 0.0, U(r, -0.75, 0.75) * max_deg);
	}
}

/* Stepping about while standing: turns of 12-20 deg every 0.8-2 s. */
static void stepping(struct model *m, struct hf_rng *r, double t0, double t1)
{
	for (double t = t0 + U(r, 0.2, 0.8); t < t1 - 1.0; t += U(r, 0.8, 2.0)) {
		double sign = hf_rng_sign(r);
		double turn = sign * U(r, 12.0, 20.0);
		add_bump(m, CH_YAW, t, 0.4, U(r, 0.1, 0.5), 0.4, turn);
	}
}

static double plank_program(struct model *m, struct hf_rng *r, double t)
{
	double elev0 = U(r, 8.0, 35.0);

	/* kneeling or lying between planks: the hips low, elevation <= 2 */
	double low = U(r, -12.0, 2.0);
	m->elev_pre_deg = fmin(elev0 - U(r, 15.0, 35.0), low);
	add_bump(m, CH_MAT, STAND_S, DOWN_S, 1e6, 0.0, 1.0);
	t = STAND_S + DOWN_S;
	for (int k = 0; k < m->n_holds; k++) {
		double pre = U(r, 1.0, 4.0), in_s = U(r, 0.6, 1.5), out_s = U(r, 0.6, 1.2);
		double d = U(r, 0.0, 1.0) < 0.1 ? U(r, 2.5, 4.5) : U(r, 8.0, 65.0);
		double rest = U(r, 4.0, 12.0);
		rest_shifts(m, r, t, t + pre, 8.0);
		t += pre;
		add_bump(m, CH_ELEV, t, in_s, d, out_s, elev0 - m->elev_pre_deg);
		m->holds[k].t_in_s = t + in_s;
		m->holds[k].t_out_s = t + in_s + d;
		m->tremor_max_deg[k] = U(r, 0.03, 0.12);
		if (d > 6.0)
			plank_episodes(m, r, t + in_s, t + in_s + d);
		t += in_s + d + out_s;
		rest_shifts(m, r, t, t + rest, 8.0);
		t += rest;
	}
	add_bump(m, CH_MAT, t, DOWN_S, 0.0, 0.0, -1.0);
	return t + DOWN_S + STAND_S;
}

static double stretch_program(struct model *m, struct hf_rng *r, double t)
{
	/* stepping to the mat, not standing still */
	stepping(m, r, 0.0, STAND_S + 0.5);
	t = STAND_S;
	for (int k = 0; k < m->n_holds; k++) {
		double in_s = U(r, 1.0, 2.0), d = U(r, 8.0, 50.0), out_s = U(r, 1.0, 2.0);
		double tilt = U(r, -12.0, 12.0), sgn = hf_rng_sign(r);
		add_bump(m, CH_MAT, t, in_s, d, out_s, 1.0);
		add_bump(m, CH_ELEV, t, in_s, d, out_s, tilt);
		add_bump(m, CH_ELEV, t, in_s * 0.5, 0.0, in_s * 0.5, U(r, 12.0, 20.0));
		add_bump(m, CH_ROT, t, in_s * 0.5, 0.0, in_s * 0.5, sgn * U(r, 12.0, 20.0));
		add_bump(m, CH_ELEV, t + in_s + d, out_s * 0.5, 0.0, out_s * 0.5, U(r, 12.0, 20.0));
		add_bump(m, CH_ROT, t + in_s + d, out_s * 0.5, 0.0, out_s * 0.5, -sgn * U(r, 12.0, 20.0));
		m->holds[k].t_in_s = t + in_s;
		m->holds[k].t_out_s = t + in_s + d;
		m->tremor_max_deg[k] = U(r, 0.02, 0.08);
		add_bump(m, CH_ELEV, t + in_s + 1.0, d - 2.0, 0.0, 0.0, U(r, -2.0, 2.0));
		t += in_s + d + out_s;
		double rest = U(r, 4.0, 10.0);
		stepping(m, r, t, t + rest);
		/* turning round to change legs */
		add_bump(m, CH_YAW, t + 0.5, rest - 1.0, 0.0, 0.0, hf_rng_sign(r) * U(r, 25.0, 60.0));
		t += rest;
	}
	return t + STAND_S;
}

static void build_model(struct model *m, enum hf_exercise ex, enum hf_side side,
			struct hf_rng *r)
{
	memset(m, 0, sizeof *m);
	m->ex = ex;
	m->side = side;
	m->upright = ex == HF_EX_HIP_FLEXOR_STRETCH;
	m->lying = posture_frame(ex, side);
	hf_quat_to_rotvec(m->lying, m->lying_rv);
	m->heading_rad = U(r, -HF_PI, HF_PI);
	m->breath_hz = U(r, 0.2, 0.45);
	m->breath_deg = m->upright ? U(r, 0.08, 0.2) : U(r, 0.1, 0.4);
	m->breath_phase = U(r, 0.0, 2 * HF_PI);
	for (int c = 0; c < TREMOR_COMPONENTS; c++) {
		m->tremor_hz[c] = U(r, 6.0, 12.0);
		for (int a = 0; a < 3; a++)
			m->tremor_phase[c][a] = U(r, 0.0, 2 * HF_PI);
	}
	m->n_holds = 1 + (int)U(r, 0.0, 3.0);
	m->t_end_s = m->upright ? stretch_program(m, r, 0.0) : plank_program(m, r, 0.0);
}

/* ---- the sensor ---- */

/* The model's pose, as the sensor model (sim/sensor_model.c) wants it. */
static void model_pose(const void *m, double t_s, struct hf_quat *q, double p_m[3])
{
	pose(m, t_s, q, p_m);
}

/* ---- ground truth, contract section 9 on the true trajectory ---- */

static double angle_deg(struct hf_quat a, struct hf_quat b)
{
	return hf_quat_angle_rad(hf_quat_mul(hf_quat_conj(a), b)) * HF_RAD2DEG;
}

static size_t at_time(const struct hf_sim_hold_session *o, double t)
{
	double i = ceil((t - o->t0_s) * o->rate_hz - 1e-9);

	return i < 0 ? 0 : i >= (double)o->n ? o->n - 1 : (size_t)i;
}

static struct hf_quat mean_between(const struct hf_sim_hold_session *o, size_t a, size_t b)
{
	struct hf_quat_mean m;

	hf_quat_mean_reset(&m);
	for (size_t i = a; i <= b; i++)
		hf_quat_mean_add(&m, o->q_pelvis_to_world[i], 1.0);
	return hf_quat_mean_get(&m);
}

static double elev_of(struct hf_quat q)
{
	double z[3] = {0, 0, 1};

	hf_quat_rotate(q, z, z);
	return asin(fmax(-1.0, fmin(1.0, z[2]))) * HF_RAD2DEG;
}

/* The two limits of section 9 that bound a hold. */
struct hold_rule {
	double cone_deg;  /* the pelvis stays within this of the baseline */
	double return_s;  /* ... or comes back within this */
};

/* The hold around the planned one, by rule; false if none. */
static bool truth_bounds(const struct hf_sim_hold_session *o, double t_in, size_t lo,
			 const struct hold_rule *rule, struct hf_quat *base, size_t *s_i,
			 size_t *e_i)
{
	const double cone = rule->cone_deg;
	size_t start = at_time(o, t_in), i, last_in, out_from = 0;
	bool out = false;

	*base = mean_between(o, start, at_time(o, t_in + TRUTH_QUIET_S));
	for (i = start; i > lo && angle_deg(*base, o->q_pelvis_to_world[i - 1]) <= cone; i--)
		;
	start = i;
	for (int it = 0; it < 4; it++) {
		double ts = o->samples[start].t_s;
		size_t w0 = at_time(o, ts + 1.0), w1 = at_time(o, ts + 3.0);
		*base = mean_between(o, w0, w1);
		for (i = w0; i > lo && angle_deg(*base, o->q_pelvis_to_world[i - 1]) <= cone; i--)
			;
		start = i;
	}
	last_in = start;
	for (i = start; i < o->n; i++) {
		if (angle_deg(*base, o->q_pelvis_to_world[i]) <= cone) {
			last_in = i;
			out = false;
		} else if (!out) {
			out = true;
			out_from = i;
		}
		if (out && o->samples[i].t_s - o->samples[out_from].t_s >= rule->return_s)
			break;
	}
	*s_i = start;
	*e_i = last_in;
	return o->samples[last_in].t_s - o->samples[start].t_s >= hf_thresholds_default.hold_min_s;
}

/*
 * A run of "cond for at least min_s in a row" (sag, pike, hip_drop),
 * judged at the thresholds and, for the benches' classes, with the level
 * HF_SIM_HOLD_EDGE_DEG and the time HF_SIM_HOLD_EDGE_S easier and harder:
 * where those two disagree, the fault is a coin toss.
 */
enum { RUN_AT, RUN_EASIER, RUN_HARDER, RUN_VARIANTS };

struct fault_runs {
	double from_s[RUN_VARIANTS];
	bool hit[RUN_VARIANTS];
};

static void runs_reset(struct fault_runs *r)
{
	for (int k = 0; k < RUN_VARIANTS; k++) {
		r->from_s[k] = NAN;
		r->hit[k] = false;
	}
}

/* over_deg: how far the figure is past the fault's level (positive: past). */
static void runs_step(struct fault_runs *r, double over_deg, double t, double dt)
{
	static const double shift[RUN_VARIANTS] = {0.0, 1.0, -1.0};
	const double min_s = hf_thresholds_default.hold_fault_s;

	for (int k = 0; k < RUN_VARIANTS; k++) {
		double need_s = min_s - shift[k] * HF_SIM_HOLD_EDGE_S;
		if (over_deg + shift[k] * HF_SIM_HOLD_EDGE_DEG < 0.0) {
			r->from_s[k] = NAN;
			continue;
		}
		if (isnan(r->from_s[k]))
			r->from_s[k] = t;
		if (t - r->from_s[k] + dt >= need_s - 1e-9)
			r->hit[k] = true;
	}
}

static uint32_t runs_fault(const struct fault_runs *r, enum hf_fault f, uint32_t *near)
{
	if (r->hit[RUN_EASIER] != r->hit[RUN_HARDER])
		*near |= HF_FAULT_BIT(f);
	return r->hit[RUN_AT] ? HF_FAULT_BIT(f) : 0;
}

/* near: the faults that hang on a coin toss (fault_runs). */
static void truth_core(const struct hf_sim_hold_session *o, struct hf_quat base,
		       size_t s_i, size_t e_i, struct hf_hold_summary *h, uint32_t *near)
{
	const struct hf_thresholds *th = &hf_thresholds_default;
	double dt = 1.0 / o->rate_hz, e0 = elev_of(base), tilt = 0.0, n = 0.0;
	struct fault_runs sag, pike, drop;

	runs_reset(&sag);
	runs_reset(&pike);
	runs_reset(&drop);

	h->start_s = o->samples[s_i].t_s;
	h->end_s = o->samples[e_i].t_s;
	h->hold_s = h->end_s - h->start_s;
	h->elevation_deg = e0;
	h->min_elevation_change_deg = INFINITY;
	h->max_elevation_change_deg = -INFINITY;
	h->sag_s = h->pike_s = h->max_abs_rotation_deg = 0.0;
	for (size_t i = s_i; i <= e_i; i++) {
		double t = o->samples[i].t_s, de, u[3], up[3] = {0, 0, 1};
		struct hf_angles a;
		if (t < h->start_s + 1.0 - 1e-9 || t > h->end_s - 1.0 + 1e-9)
			continue;
		de = elev_of(o->q_pelvis_to_world[i]) - e0;
		hf_angles_from_quat(hf_quat_mul(hf_quat_conj(base), o->q_pelvis_to_world[i]), &a);
		hf_quat_rotate_inv(o->q_pelvis_to_world[i], up, u);
		tilt += asin(fmax(-1.0, fmin(1.0, -u[0]))) * HF_RAD2DEG;
		n += 1.0;
		h->min_elevation_change_deg = fmin(h->min_elevation_change_deg, de);
		h->max_elevation_change_deg = fmax(h->max_elevation_change_deg, de);
		h->max_abs_rotation_deg = fmax(h->max_abs_rotation_deg, fabs(a.rotation_deg));
		h->sag_s += de <= -th->elevation_change_deg ? dt : 0.0;
		h->pike_s += de >= th->elevation_change_deg ? dt : 0.0;
		runs_step(&sag, -de - th->elevation_change_deg, t, dt);
		runs_step(&pike, de - th->elevation_change_deg, t, dt);
		runs_step(&drop, fabs(a.rotation_deg) - th->hip_drop_deg, t, dt);
	}
	h->tilt_deg = n > 0.0 ? tilt / n : NAN;
	h->tremor_hz = h->tremor_deg = NAN;
	h->faults = 0;
	if (h->hold_s < th->hold_short_s)
		h->faults |= HF_FAULT_BIT(HF_FAULT_SHORT_HOLD);
	h->faults |= runs_fault(&sag, HF_FAULT_SAG, near);
	h->faults |= runs_fault(&pike, HF_FAULT_PIKE, near);
	h->faults |= runs_fault(&drop, HF_FAULT_HIP_DROP, near);
	if (h->tilt_deg > th->anterior_tilt_deg)
		h->faults |= HF_FAULT_BIT(HF_FAULT_ANTERIOR_TILT);
	h->faults &= hf_exercise_info(o->exercise)->faults;
}

/* Section 3 posture of the baseline and a plank's elevation >= 5. */
static bool truth_posture_ok(const struct hf_sim_hold_session *o, struct hf_quat base)
{
	if (o->exercise == HF_EX_HIP_FLEXOR_STRETCH)
		return true;
	return elev_of(base) >= 5.0;
}

/* The pelvis stays within TRUTH_QUIET_DEG of its orientation at t for
 * TRUTH_QUIET_S: a hold (the table's "stillness") may be found from here. */
static bool truly_quiet(const struct hf_sim_hold_session *o, double t)
{
	size_t a = at_time(o, t), b = at_time(o, t + TRUTH_QUIET_S);

	if (o->samples[b].t_s - o->samples[a].t_s < TRUTH_QUIET_S - 0.05)
		return false;
	for (size_t i = a; i <= b; i++)
		if (angle_deg(o->q_pelvis_to_world[a], o->q_pelvis_to_world[i]) > TRUTH_QUIET_DEG)
			return false;
	return true;
}

/*
 * Whether the hold found from t at [s_i, e_i] hangs on a coin toss: with
 * the cone HF_SIM_HOLD_EDGE_DEG wider or narrower and the time to come
 * back HF_SIM_HOLD_EDGE_S longer or shorter (an analyser's error of that
 * size), the hold is not found or an end moves by more than
 * HOLD_EDGE_MOVE_S: an excursion of 2.9 s beyond the cone, or one that
 * just grazes it.  For the benches' classes only.
 */
static bool near_hold_rule(const struct hf_sim_hold_session *o, double t, size_t lo,
			   size_t s_i, size_t e_i)
{
	const struct hf_thresholds *th = &hf_thresholds_default;
	const struct hold_rule varied[2] = {
		{th->hold_cone_deg + HF_SIM_HOLD_EDGE_DEG, th->hold_return_s + HF_SIM_HOLD_EDGE_S},
		{th->hold_cone_deg - HF_SIM_HOLD_EDGE_DEG, th->hold_return_s - HF_SIM_HOLD_EDGE_S},
	};

	for (int k = 0; k < 2; k++) {
		struct hf_quat base;
		size_t s, e;
		if (!truth_bounds(o, t, lo, &varied[k], &base, &s, &e) ||
		    fabs(o->samples[s].t_s - o->samples[s_i].t_s) > HOLD_EDGE_MOVE_S ||
		    fabs(o->samples[e].t_s - o->samples[e_i].t_s) > HOLD_EDGE_MOVE_S)
			return true;
	}
	return false;
}

/* Every hold by the rules, found from every quiet moment (TRUTH_STEP_S
 * apart), planned or not. */
static void compute_truth(struct hf_sim_hold_session *o, const struct model *m)
{
	const struct hold_rule rule = {hf_thresholds_default.hold_cone_deg,
				       hf_thresholds_default.hold_return_s};
	size_t lo = 0;

	o->n_holds = 0;
	for (double t = 0.0; t < m->t_end_s && o->n_holds < HF_SIM_MAX_HOLDS; t += TRUTH_STEP_S) {
		struct hf_quat base;
		size_t s_i, e_i;
		struct hf_sim_hold_truth *h = &o->holds[o->n_holds];
		int k = hold_index(m, t);

		if (at_time(o, t) < lo || !truly_quiet(o, t) ||
		    !truth_bounds(o, t, lo, &rule, &base, &s_i, &e_i) || !truth_posture_ok(o, base))
			continue;
		h->side = o->side;
		h->near_faults = near_hold_rule(o, t, lo, s_i, e_i) ? ~0u : 0u;
		truth_core(o, base, s_i, e_i, &h->sum, &h->near_faults);
		h->tremor_max_deg = k >= 0 ? m->tremor_max_deg[k] : 0.0;
		o->n_holds++;
		lo = e_i + 1;
		t = o->samples[e_i].t_s;
	}
}

int hf_sim_hold_session(const struct hf_sim_sensor *sensor, enum hf_exercise ex,
			enum hf_side side, unsigned seed, struct hf_sim_hold_session *out)
{
	struct model *m;
	struct hf_rng r;

	memset(out, 0, sizeof *out);
	if (!sensor || sensor->rate_hz <= 0.0 || !hf_exercise_info(ex) ||
	    hf_exercise_info(ex)->kind != HF_KIND_HOLD)
		return HF_ERR_ARG;
	if (ex == HF_EX_PLANK_SIDE && side == HF_SIDE_NONE)
		side = HF_SIDE_RIGHT;
	if (!hf_exercise_info(ex)->sided)
		side = HF_SIDE_NONE;
	m = calloc(1, sizeof *m);
	if (!m)
		return HF_ERR_NOMEM;
	hf_rng_seed(&r, 0x686f6c64ULL ^ ((uint64_t)seed << 20) ^ (uint64_t)ex);
	build_model(m, ex, side, &r);
	out->exercise = ex;
	out->side = side;
	out->sensor = *sensor;
	out->rate_hz = sensor->rate_hz;
	out->t0_s = sensor->t0_s;
	if (hf_sim_render_new(model_pose, m, sensor, 0x6e6f697365ULL ^ ((uint64_t)seed << 23) ^ seed,
			      m->t_end_s, &out->n, &out->samples, &out->q_pelvis_to_world) != HF_OK) {
		free(m);
		return HF_ERR_NOMEM;
	}
	compute_truth(out, m);
	free(m);
	return HF_OK;
}

void hf_sim_hold_session_free(struct hf_sim_hold_session *s)
{
	free(s->samples);
	free(s->q_pelvis_to_world);
	s->samples = NULL;
	s->q_pelvis_to_world = NULL;
	s->n = 0;
}

int hf_sim_hold_write_csv(const struct hf_sim_hold_session *s, FILE *f)
{
	const struct hf_exercise_info *e = hf_exercise_info(s->exercise);
	char title[120];

	snprintf(title, sizeof title, "hipform simulated %s session, %d hold(s)",
		 e ? e->name : "?", s->n_holds);
	return hf_sim_write_samples_csv(f, title, s->samples, s->n);
}

int hf_sim_hold_write_truth_json(const struct hf_sim_hold_session *s, FILE *f)
{
	const struct hf_exercise_info *e = hf_exercise_info(s->exercise);
	json_object *o = json_object_new_object(), *sets = json_object_new_array();
	json_object *truth = json_object_new_object(), *mount = json_object_new_array();
	const struct hf_quat *q = &s->sensor.pelvis_to_sensor;

	json_object_object_add(o, "contract", json_object_new_int(HF_CONTRACT_VERSION));
	json_object_object_add(o, "calibrated", json_object_new_boolean(false));
	for (int i = 0; i < s->n_holds; i++) {
		json_object *set = json_object_new_object();
		const struct hf_hold_summary *h = &s->holds[i].sum;
		json_object_object_add(set, "exercise", json_object_new_string(e->name));
		json_object_object_add(set, "kind", json_object_new_string("hold"));
		json_object_object_add(set, "side", hf_side_name(s->holds[i].side)
			? json_object_new_string(hf_side_name(s->holds[i].side)) : NULL);
		json_object_object_add(set, "start_s", json_object_new_double(h->start_s));
		json_object_object_add(set, "end_s", json_object_new_double(h->end_s));
		json_object_object_add(set, "hold", hf_json_hold(h));
		json_object_array_add(sets, set);
	}
	json_object_object_add(o, "sets", sets);
	json_object_array_add(mount, json_object_new_double(q->w));
	json_object_array_add(mount, json_object_new_double(q->x));
	json_object_array_add(mount, json_object_new_double(q->y));
	json_object_array_add(mount, json_object_new_double(q->z));
	json_object_object_add(truth, "pelvis_to_sensor", mount);
	json_object_object_add(o, "truth", truth);
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return ferror(f) ? HF_ERR_SYS : HF_OK;
}
