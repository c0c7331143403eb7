/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Building a session program (include/hipform/sim.h): standing, walking,
 * the calibration procedure, posture changes, rests and exercise sets are
 * appended as segments (sim_internal.h).  All randomness comes from the
 * simulator's seeded PRNG, so a seed always gives the same program.
 *
 * Rep parameters in struct hf_sim_rep are movement phases: rise_s and
 * lower_s are the minimum-jerk ramp durations and hold_s the plateau.  The
 * contract's measured quantities follow from them: with u10 the fraction
 * of a ramp below 10 % (0.2466), measured rise = (1 - 2 u10) rise_s and
 * measured hold = hold_s + u10 (rise_s + lower_s).  Random variation never
 * moves a rep across a fault threshold; faults come from fault_rate.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "sim_internal.h"

#define LEAD_IN_S 3.0         /* still before a set's first rep */
#define SET_SPACING_S 9.0     /* last rep of a set to the next set's first */
#define HIP_PIVOT_M 0.40      /* shoulders to pelvis */
#define CLAM_PIVOT_M 0.12     /* mat contact to pelvis centre */
#define HINGE_PIVOT_M 0.08    /* hip joints to pelvis centre */

/* Pelvis axis that points up in each posture (contract 1, exercise.h). */
static const double posture_up[HF_POSTURE_COUNT][3] = {
	[HF_POSTURE_UPRIGHT] = {0, 0, 1},
	[HF_POSTURE_SUPINE] = {1, 0, 0},
	[HF_POSTURE_PRONE] = {-1, 0, 0},
	[HF_POSTURE_SIDE_RIGHT] = {0, 1, 0},
	[HF_POSTURE_SIDE_LEFT] = {0, -1, 0},
};
static const double posture_height_m[HF_POSTURE_COUNT] = {
	[HF_POSTURE_UPRIGHT] = 1.0,
	[HF_POSTURE_SUPINE] = 0.15,
	[HF_POSTURE_PRONE] = 0.15,
	[HF_POSTURE_SIDE_RIGHT] = 0.2,
	[HF_POSTURE_SIDE_LEFT] = 0.2,
};
/* Breathing (tilt, obliquity, rotation), small on the exercise's axis. */
static const double posture_breath_deg[HF_POSTURE_COUNT][3] = {
	[HF_POSTURE_UPRIGHT] = {0.15, 0.08, 0.08},
	[HF_POSTURE_SUPINE] = {0.04, 0.12, 0.12},
	[HF_POSTURE_PRONE] = {0.04, 0.12, 0.12},
	[HF_POSTURE_SIDE_RIGHT] = {0.15, 0.1, 0.04},
	[HF_POSTURE_SIDE_LEFT] = {0.15, 0.1, 0.04},
};

static bool valid_posture(enum hf_posture p)
{
	return p > HF_POSTURE_UNKNOWN && p < HF_POSTURE_COUNT;
}

static bool valid_duration(double d)
{
	return isfinite(d) && d > 0.0 && d < 1e6;
}

/* ---- life cycle ---- */

struct hf_sim *hf_sim_new(const struct hf_sim_sensor *sensor, unsigned seed)
{
	struct hf_sim *sim;
	const double z[3] = {0, 0, 1};

	if (!sensor || !(sensor->rate_hz > 0.0 && sensor->rate_hz <= 10000.0))
		return NULL;
	sim = calloc(1, sizeof *sim);
	if (!sim)
		return NULL;
	sim->sensor = *sensor;
	sim->seed = seed;
	hf_rng_seed(&sim->rng, 0x5eedULL * 1000003ULL + seed);
	sim->heading_rad = hf_rng_uniform(&sim->rng, -HF_PI, HF_PI);
	sim->q_end = hf_quat_from_axis_angle(z, sim->heading_rad);
	sim->p_end_m[2] = posture_height_m[HF_POSTURE_UPRIGHT];
	sim->posture = HF_POSTURE_UPRIGHT;
	sim->last_set_move_end_s = -1e9;
	return sim;
}

void hf_sim_free(struct hf_sim *sim)
{
	if (!sim)
		return;
	free(sim->segs);
	free(sim->out.samples);
	free(sim->out.q_pelvis_to_world);
	free(sim->out.posture);
	free(sim->g_q);
	free(sim->g_e);
	free(sim->g_rot);
	free(sim);
}

/* ---- segments ---- */

/* A new segment of dur_s at the end, starting (and ending) at the end
 * state; NULL without memory.  The pointer is valid until the next push. */
static struct hf_seg *push(struct hf_sim *sim, enum hf_seg_kind kind, double dur_s)
{
	struct hf_seg *s;

	if (sim->n_segs == sim->cap_segs) {
		int cap = sim->cap_segs ? 2 * sim->cap_segs : 64;
		void *p = realloc(sim->segs, (size_t)cap * sizeof *sim->segs);
		if (!p)
			return NULL;
		sim->segs = p;
		sim->cap_segs = cap;
	}
	s = &sim->segs[sim->n_segs++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->set = -1;
	s->t0_s = sim->t_end_s;
	s->t1_s = sim->t_end_s + dur_s;
	s->q0 = s->q1 = sim->q_end;
	memcpy(s->p0_m, sim->p_end_m, sizeof s->p0_m);
	memcpy(s->p1_m, sim->p_end_m, sizeof s->p1_m);
	s->posture = s->posture_to = sim->posture;
	sim->t_end_s = s->t1_s;
	return s;
}

/* Move the end state to the end of segment s. */
static void settle(struct hf_sim *sim, const struct hf_seg *s)
{
	sim->q_end = s->q1;
	memcpy(sim->p_end_m, s->p1_m, sizeof sim->p_end_m);
	sim->posture = s->posture_to;
}

static void random_phases(struct hf_sim *sim, struct hf_seg *s)
{
	for (int k = 0; k < 3; k++)
		s->osc_phase[k] = hf_rng_uniform(&sim->rng, 0.0, 2.0 * HF_PI);
}

static int push_still(struct hf_sim *sim, double dur_s, int set)
{
	struct hf_seg *s = push(sim, HF_SEG_STILL, dur_s);

	if (!s)
		return HF_ERR_NOMEM;
	s->set = set;
	s->osc_hz = hf_rng_uniform(&sim->rng, 0.2, 0.3);
	for (int k = 0; k < 3; k++)
		s->osc_deg[k] = posture_breath_deg[sim->posture][k] *
				hf_rng_uniform(&sim->rng, 0.7, 1.3);
	random_phases(sim, s);
	return HF_OK;
}

int hf_sim_stand(struct hf_sim *sim, double duration_s)
{
	if (!sim || !valid_duration(duration_s) || sim->posture != HF_POSTURE_UPRIGHT)
		return HF_ERR_ARG;
	return push_still(sim, duration_s, -1);
}

int hf_sim_rest(struct hf_sim *sim, double duration_s)
{
	if (!sim || !valid_duration(duration_s))
		return HF_ERR_ARG;
	return push_still(sim, duration_s, -1);
}

int hf_sim_shift(struct hf_sim *sim, double angle_deg, double duration_s)
{
	struct hf_seg *s;
	double az, axis[3];

	if (!sim || !valid_duration(duration_s) || !(fabs(angle_deg) <= 30.0))
		return HF_ERR_ARG;
	az = hf_rng_uniform(&sim->rng, -HF_PI, HF_PI);
	axis[0] = cos(az);
	axis[1] = sin(az);
	axis[2] = 0.0;
	s = push(sim, HF_SEG_POSTURE, duration_s);
	if (!s)
		return HF_ERR_NOMEM;
	s->q1 = hf_quat_normalize(hf_quat_mul(
		hf_quat_from_axis_angle(axis, angle_deg * HF_DEG2RAD), s->q0));
	settle(sim, s);
	return HF_OK;
}

int hf_sim_shift_about(struct hf_sim *sim, enum hf_axis axis, double angle_deg,
		       double duration_s)
{
	double v[3] = {axis == HF_AXIS_OBLIQUITY, axis == HF_AXIS_TILT, axis == HF_AXIS_ROTATION};
	struct hf_seg *s;

	if (!sim || !valid_duration(duration_s) || !(fabs(angle_deg) <= 30.0) ||
	    hf_vec_norm(v) == 0.0)
		return HF_ERR_ARG;
	s = push(sim, HF_SEG_POSTURE, duration_s);
	if (!s)
		return HF_ERR_NOMEM;
	s->q1 = hf_quat_normalize(hf_quat_mul(
		s->q0, hf_quat_from_axis_angle(v, angle_deg * HF_DEG2RAD)));
	settle(sim, s);
	return HF_OK;
}

/*
 * Breathing rocks the pelvis mostly in the sagittal plane (tilt), a
 * little in the others; the direction is drawn around that.
 */
int hf_sim_breathing(struct hf_sim *sim, double amplitude_deg, double breaths_per_min)
{
	double d[3], n;

	if (!sim || !(amplitude_deg >= 0.0 && amplitude_deg <= 5.0) ||
	    !(breaths_per_min >= 4.0 && breaths_per_min <= 40.0))
		return HF_ERR_ARG;
	d[0] = 1.0;
	d[1] = hf_rng_uniform(&sim->rng, -0.4, 0.4);
	d[2] = hf_rng_uniform(&sim->rng, -0.4, 0.4);
	n = hf_vec_norm(d);
	for (int k = 0; k < 3; k++)
		sim->breath_deg[k] = amplitude_deg * d[k] / n;
	sim->breath_hz = breaths_per_min / 60.0;
	sim->breath_phase = hf_rng_uniform(&sim->rng, 0.0, 2.0 * HF_PI);
	return HF_OK;
}

/* Horizontal unit vector of the pelvis' forward (or, if vertical, its head). */
static void horizontal_forward(struct hf_quat q, double fwd[3])
{
	const double x[3] = {1, 0, 0}, z[3] = {0, 0, 1};
	double v[3];

	hf_quat_rotate(q, x, fwd);
	fwd[2] = 0.0;
	if (hf_vec_norm(fwd) < 0.3) {
		hf_quat_rotate(q, z, v);
		fwd[0] = v[0];
		fwd[1] = v[1];
	}
	if (hf_vec_normalize(fwd) <= 0.0)
		fwd[0] = 1.0;
}

int hf_sim_walk(struct hf_sim *sim, double duration_s, double cadence_spm)
{
	struct hf_seg *s;

	if (!sim || !valid_duration(duration_s) || sim->posture != HF_POSTURE_UPRIGHT ||
	    !(cadence_spm >= 0.0 && cadence_spm < 250.0))
		return HF_ERR_ARG;
	if (cadence_spm == 0.0)
		cadence_spm = hf_rng_uniform(&sim->rng, 100.0, 120.0);
	s = push(sim, HF_SEG_WALK, duration_s);
	if (!s)
		return HF_ERR_NOMEM;
	s->osc_hz = cadence_spm / 60.0; /* steps per second */
	s->osc_deg[0] = hf_rng_uniform(&sim->rng, 2.5, 3.5);
	s->osc_deg[1] = hf_rng_uniform(&sim->rng, 3.5, 4.5);
	s->osc_deg[2] = hf_rng_uniform(&sim->rng, 4.0, 6.0);
	random_phases(sim, s);
	s->speed_mps = hf_rng_uniform(&sim->rng, 0.6, 0.75) * s->osc_hz;
	s->ramp_s = fmin(1.0, duration_s / 2.5);
	s->bounce_m = hf_rng_uniform(&sim->rng, 0.015, 0.03);
	s->sway_m = hf_rng_uniform(&sim->rng, 0.01, 0.025);
	horizontal_forward(s->q0, s->fwd);
	for (int k = 0; k < 3; k++)
		s->p1_m[k] = s->p0_m[k] + s->fwd[k] * s->speed_mps * (duration_s - s->ramp_s);
	settle(sim, s);
	return HF_OK;
}

/*
 * The orientation of posture `to` nearest the current one: turn the pelvis
 * axis that must point up onto world up by the shortest arc, then turn the
 * heading a little and, lying down, let the pelvis rest up to 3 deg off
 * level (upright stays exactly level: standing defines the pelvis frame).
 */
static struct hf_quat posture_target(struct hf_sim *sim, enum hf_posture to)
{
	const double z[3] = {0, 0, 1};
	double w[3], axis[3];
	struct hf_quat q;

	hf_quat_rotate(sim->q_end, posture_up[to], w);
	q = hf_quat_mul(hf_quat_between(w, z), sim->q_end);
	q = hf_quat_mul(hf_quat_from_axis_angle(z, hf_rng_uniform(&sim->rng, -0.35, 0.35)), q);
	if (to != HF_POSTURE_UPRIGHT) {
		double az = hf_rng_uniform(&sim->rng, -HF_PI, HF_PI);
		axis[0] = cos(az);
		axis[1] = sin(az);
		axis[2] = 0.0;
		q = hf_quat_mul(hf_quat_from_axis_angle(
					axis, hf_rng_uniform(&sim->rng, 0.0, 3.0) * HF_DEG2RAD), q);
	}
	return hf_quat_normalize(q);
}

int hf_sim_change_posture(struct hf_sim *sim, enum hf_posture to, double duration_s)
{
	struct hf_seg *s;
	struct hf_quat q1;
	double fwd[3], shift;

	if (!sim || !valid_posture(to) || !valid_duration(duration_s))
		return HF_ERR_ARG;
	q1 = posture_target(sim, to);
	horizontal_forward(sim->q_end, fwd);
	shift = (to == HF_POSTURE_UPRIGHT) != (sim->posture == HF_POSTURE_UPRIGHT) ?
		hf_rng_uniform(&sim->rng, 0.3, 0.5) : hf_rng_uniform(&sim->rng, 0.0, 0.1);
	s = push(sim, HF_SEG_POSTURE, duration_s);
	if (!s)
		return HF_ERR_NOMEM;
	s->q1 = q1;
	s->posture_to = to;
	for (int k = 0; k < 2; k++)
		s->p1_m[k] = s->p0_m[k] + fwd[k] * shift;
	s->p1_m[2] = posture_height_m[to];
	settle(sim, s);
	return HF_OK;
}

/* ---- the calibration procedure (contract section 6) ---- */

static int push_hinge(struct hf_sim *sim)
{
	double dur = hf_rng_uniform(&sim->rng, 1.5, 2.5);
	struct hf_seg *s = push(sim, HF_SEG_BUMP, dur);

	if (!s)
		return HF_ERR_NOMEM;
	s->move = HF_MOVE_HINGE;
	s->hold_s = hf_rng_uniform(&sim->rng, 0.1, 0.3);
	s->rise_s = s->lower_s = (dur - s->hold_s) / 2.0;
	s->peak_deg[0] = hf_rng_uniform(&sim->rng, 25.0, 40.0);
	s->peak_deg[1] = hf_rng_uniform(&sim->rng, -0.3, 0.3);
	s->peak_deg[2] = hf_rng_uniform(&sim->rng, -0.3, 0.3);
	s->pivot_m[2] = HINGE_PIVOT_M;
	return HF_OK;
}

int hf_sim_calibration_procedure(struct hf_sim *sim)
{
	int r;

	if (!sim || sim->posture != HF_POSTURE_UPRIGHT)
		return HF_ERR_ARG;
	r = push_still(sim, hf_rng_uniform(&sim->rng, 4.0, 5.0), -1);
	for (int i = 0; i < 3 && r == HF_OK; i++) {
		r = push_hinge(sim);
		if (r == HF_OK && i < 2)
			r = push_still(sim, hf_rng_uniform(&sim->rng, 0.6, 1.2), -1);
	}
	if (r == HF_OK)
		r = push_still(sim, hf_rng_uniform(&sim->rng, 4.0, 5.0), -1);
	return r;
}

/* ---- reps ---- */

static double measured_hold(const struct hf_sim_rep *r)
{
	return r->hold_s + hf_sim_minjerk_u10() * (r->rise_s + r->lower_s);
}

static double measured_ramp(double ramp_s)
{
	return (1.0 - 2.0 * hf_sim_minjerk_u10()) * ramp_s;
}

/* The phase hold that measures hold_s given the ramps (at least 0.05 s). */
static void set_measured_hold(struct hf_sim_rep *r, double hold_s)
{
	r->hold_s = fmax(0.05, hold_s - hf_sim_minjerk_u10() * (r->rise_s + r->lower_s));
}

static void fill_defaults(struct hf_sim *sim, enum hf_exercise ex, struct hf_sim_rep *r)
{
	struct hf_rng *g = &sim->rng;

	if (r->excursion_deg <= 0.0)
		r->excursion_deg = ex == HF_EX_HIP_LIFT ? hf_rng_uniform(g, 20.0, 32.0)
							: hf_rng_uniform(g, 3.0, 7.0);
	if (r->rise_s <= 0.0)
		r->rise_s = hf_rng_uniform(g, 1.2, 1.8);
	if (r->lower_s <= 0.0)
		r->lower_s = hf_rng_uniform(g, 1.2, 1.8);
	if (r->hold_s <= 0.0)
		set_measured_hold(r, hf_rng_uniform(g, 2.4, 3.2));
	if (r->rest_after_s <= 0.0)
		r->rest_after_s = hf_rng_uniform(g, 0.8, 2.5);
	if (r->hip_drop_deg == 0.0)
		r->hip_drop_deg = hf_rng_uniform(g, 0.3, 2.0);
	if (r->obliquity_deg == 0.0)
		r->obliquity_deg = hf_rng_uniform(g, -1.5, 1.5);
	if (r->tremor_deg <= 0.0)
		r->tremor_deg = hf_rng_uniform(g, 0.2, 0.5);
}

/* x scaled by 1 + variation * U(-0.5, 0.5). */
static double vary(struct hf_sim *sim, double x, double variation)
{
	return x * (1.0 + variation * hf_rng_uniform(&sim->rng, -0.5, 0.5));
}

/* Keep x on the side of threshold where ref lies, margin away from it. */
static double same_side(double x, double ref, double threshold, double margin)
{
	return ref >= threshold ? fmax(x, threshold + margin) : fmin(x, threshold - margin);
}

static void vary_rep(struct hf_sim *sim, enum hf_exercise ex, const struct hf_sim_rep *tpl,
		     double variation, struct hf_sim_rep *r)
{
	const struct hf_thresholds *th = &hf_thresholds_default;
	const double k = measured_ramp(1.0);

	*r = *tpl;
	r->excursion_deg = vary(sim, tpl->excursion_deg, variation);
	if (ex == HF_EX_HIP_LIFT)
		r->excursion_deg = same_side(r->excursion_deg, tpl->excursion_deg,
					     th->shallow_deg, 2.0);
	else
		r->excursion_deg = same_side(r->excursion_deg, tpl->excursion_deg,
					     th->rollback_deg, 1.5);
	r->excursion_deg = fmax(r->excursion_deg, 1.5);
	r->rise_s = same_side(vary(sim, tpl->rise_s, variation) * k, tpl->rise_s * k,
			      th->rushed_s, 0.1) / k;
	r->lower_s = same_side(vary(sim, tpl->lower_s, variation) * k, tpl->lower_s * k,
			       th->rushed_s, 0.1) / k;
	r->hold_s = vary(sim, tpl->hold_s, variation);
	set_measured_hold(r, same_side(measured_hold(r), measured_hold(tpl),
				       th->hold_target_s, 0.3));
	r->rest_after_s = fmax(0.5, vary(sim, tpl->rest_after_s, variation));
}

/* Faults of contract section 5 a rep may be given. */
static const enum hf_fault hip_faults[] = {HF_FAULT_SHORT_HOLD, HF_FAULT_SHALLOW,
					   HF_FAULT_HIP_DROP, HF_FAULT_RUSHED};
static const enum hf_fault clam_faults[] = {HF_FAULT_SHORT_HOLD, HF_FAULT_PELVIS_ROLLBACK,
					    HF_FAULT_RUSHED};

static void give_fault(struct hf_sim *sim, enum hf_exercise ex, struct hf_sim_rep *r)
{
	struct hf_rng *g = &sim->rng;
	const enum hf_fault *list = ex == HF_EX_HIP_LIFT ? hip_faults : clam_faults;
	int n = ex == HF_EX_HIP_LIFT ? 4 : 3;
	enum hf_fault f = list[hf_rng_next(g) % (uint64_t)n];
	double hold = measured_hold(r);

	switch (f) {
	case HF_FAULT_SHORT_HOLD:
		set_measured_hold(r, hf_rng_uniform(g, 0.8, 1.6));
		break;
	case HF_FAULT_SHALLOW:
		/* shallow, yet clear of the 25 %-of-median rep rule: a 7 deg
		 * bridge among 30 deg ones would be a coin toss between rep
		 * and fidget (and so between one set and two) */
		r->excursion_deg = hf_rng_uniform(g, fmax(7.0, 0.4 * r->excursion_deg), 13.0);
		break;
	case HF_FAULT_HIP_DROP:
		r->hip_drop_deg = hf_rng_uniform(g, 6.0, 10.0);
		break;
	case HF_FAULT_PELVIS_ROLLBACK:
		r->excursion_deg = hf_rng_uniform(g, 12.0, 22.0);
		break;
	default: /* rushed: the rise, the lowering or both */
		if (hf_rng_next(g) % 3 != 1)
			r->rise_s = hf_rng_uniform(g, 0.25, 0.45);
		if (hf_rng_next(g) % 3 != 0)
			r->lower_s = hf_rng_uniform(g, 0.25, 0.45);
		set_measured_hold(r, hold); /* the hold stays what it measured */
		break;
	}
}

static const double *exercise_pivot(enum hf_exercise ex, enum hf_side side)
{
	static const double hip[3] = {0, 0, -HIP_PIVOT_M};
	static const double clam_left[3] = {0, CLAM_PIVOT_M, 0};
	static const double clam_right[3] = {0, -CLAM_PIVOT_M, 0};

	if (ex == HF_EX_HIP_LIFT)
		return hip;
	return side == HF_SIDE_RIGHT ? clam_right : clam_left;
}

/* One movement of a set: the primary axis carries sign * peak_deg. */
static struct hf_seg *push_move(struct hf_sim *sim, int set, enum hf_exercise ex,
				enum hf_side side, double rise_s, double hold_s, double lower_s)
{
	struct hf_seg *s = push(sim, HF_SEG_BUMP, rise_s + hold_s + lower_s);

	if (!s)
		return NULL;
	s->set = set;
	s->rise_s = rise_s;
	s->hold_s = hold_s;
	s->lower_s = lower_s;
	memcpy(s->pivot_m, exercise_pivot(ex, side), sizeof s->pivot_m);
	return s;
}

static int push_rep(struct hf_sim *sim, int set, enum hf_exercise ex, enum hf_side side,
		    const struct hf_sim_rep *r, double tremor_hz)
{
	const struct hf_exercise_info *info = hf_exercise_info(ex);
	struct hf_seg *s = push_move(sim, set, ex, side, r->rise_s, r->hold_s, r->lower_s);
	double exc = r->excursion_deg;

	if (!s)
		return HF_ERR_NOMEM;
	s->move = HF_MOVE_REP;
	if (info->axis == HF_AXIS_TILT) {
		s->peak_deg[1] = r->obliquity_deg;
		s->peak_deg[2] = hf_rng_sign(&sim->rng) * fabs(r->hip_drop_deg);
		if (r->hip_drop_side != 0) /* drawn above all the same: the rest of
					    * the session keeps its draws */
			s->peak_deg[2] = (r->hip_drop_side > 0 ? 1.0 : -1.0) *
					 fabs(r->hip_drop_deg);
	} else {
		s->peak_deg[0] = hf_rng_uniform(&sim->rng, -1.5, 1.5);
		s->peak_deg[1] = r->obliquity_deg;
	}
	s->peak_deg[info->axis] = hf_exercise_sign(ex, side) * exc;
	s->osc_hz = tremor_hz;
	for (int k = 0; k < 3; k++)
		s->osc_deg[k] = 0.6 * r->tremor_deg;
	/* little tremor on e(t): a hold is what e does, keep it readable */
	s->osc_deg[info->axis] = fmin(r->tremor_deg, 0.03 * exc);
	random_phases(sim, s);
	return push_still(sim, r->rest_after_s, set);
}

/*
 * A fidget: a movement the contract does not count as a rep.  Three kinds:
 * under 1 deg; 8-15 % of the set's median peak; or a twitch of 20-30 % of
 * it lasting under 0.5 s (under 0.4 s from its 10 % start to its end).
 */
static int push_fidget(struct hf_sim *sim, int set, enum hf_exercise ex, enum hf_side side,
		       double median_deg)
{
	struct hf_rng *g = &sim->rng;
	const struct hf_exercise_info *info = hf_exercise_info(ex);
	int kind = (int)(hf_rng_next(g) % 3);
	double amp, rise, hold, lower;
	struct hf_seg *s;

	if (kind == 0 || (kind == 1 && 0.15 * median_deg < 0.6)) {
		amp = hf_rng_uniform(g, 0.3, 0.6);
		rise = lower = hf_rng_uniform(g, 0.4, 0.7);
		hold = hf_rng_uniform(g, 0.0, 0.3);
	} else if (kind == 1) {
		amp = hf_rng_uniform(g, 0.08, 0.15) * median_deg;
		rise = lower = hf_rng_uniform(g, 0.5, 0.9);
		hold = hf_rng_uniform(g, 0.0, 0.5);
	} else {
		amp = hf_rng_uniform(g, 0.2, 0.3) * median_deg;
		rise = lower = hf_rng_uniform(g, 0.15, 0.24);
		hold = 0.0;
	}
	s = push_move(sim, set, ex, side, rise, hold, lower);
	if (!s)
		return HF_ERR_NOMEM;
	s->move = HF_MOVE_FIDGET;
	for (int k = 0; k < 3; k++)
		s->peak_deg[k] = hf_rng_uniform(g, -0.3, 0.3);
	s->peak_deg[info->axis] = hf_exercise_sign(ex, side) * amp;
	return push_still(sim, hf_rng_uniform(g, 0.8, 1.5), set);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median excursion of the reps that do not roll back (all if none). */
static double median_excursion(enum hf_exercise ex, const struct hf_sim_rep *reps, int n)
{
	double v[HF_SIM_MAX_REPS];
	int m = 0;

	for (int i = 0; i < n; i++)
		if (ex != HF_EX_CLAM_SHELL ||
		    reps[i].excursion_deg <= hf_thresholds_default.rollback_deg)
			v[m++] = reps[i].excursion_deg;
	if (m == 0)
		for (int i = 0; i < n; i++)
			v[m++] = reps[i].excursion_deg;
	qsort(v, (size_t)m, sizeof v[0], compare_double);
	return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

static int check_set(const struct hf_sim *sim, const struct hf_sim_set *set, int n)
{
	const struct hf_exercise_info *info;

	if (!sim || !set || n < 1 || n > HF_SIM_MAX_REPS || sim->n_sets >= HF_SIM_MAX_SETS)
		return HF_ERR_ARG;
	info = hf_exercise_info(set->exercise);
	if (!info || (info->sided && set->side != HF_SIDE_LEFT && set->side != HF_SIDE_RIGHT))
		return HF_ERR_ARG;
	if (sim->posture != (set->side == HF_SIDE_RIGHT && info->sided ? info->posture_right
									 : info->posture_left))
		return HF_ERR_ARG;
	if (set->fidgets < 0 || set->variation < 0.0 || set->variation > 1.0 ||
	    set->fault_rate < 0.0 || set->fault_rate > 1.0)
		return HF_ERR_ARG;
	return HF_OK;
}

/* Which gaps (after rep i) get a fidget. */
static void place_fidgets(struct hf_sim *sim, int n_reps, int fidgets, bool *after)
{
	memset(after, 0, (size_t)n_reps * sizeof *after);
	if (fidgets > n_reps)
		fidgets = n_reps;
	for (int f = 0; f < fidgets; f++) {
		int i = (int)(hf_rng_next(&sim->rng) % (uint64_t)n_reps);
		for (int tries = 0; after[i] && tries < n_reps; tries++)
			i = (i + 1) % n_reps;
		after[i] = true;
	}
}

static int push_set(struct hf_sim *sim, const struct hf_sim_set *set,
		    const struct hf_sim_rep *reps, int n)
{
	struct hf_sim_prog_set *ps = &sim->sets[sim->n_sets];
	enum hf_side side = hf_exercise_info(set->exercise)->sided ? set->side : HF_SIDE_NONE;
	double lead = fmax(LEAD_IN_S, SET_SPACING_S - (sim->t_end_s - sim->last_set_move_end_s));
	double tremor_hz = hf_rng_uniform(&sim->rng, 4.0, 10.0);
	double median = median_excursion(set->exercise, reps, n);
	bool fidget_after[HF_SIM_MAX_REPS];
	int r, idx = sim->n_sets;

	place_fidgets(sim, n, set->fidgets, fidget_after);
	ps->exercise = set->exercise;
	ps->side = side;
	ps->still_t0_s = sim->t_end_s;
	ps->seg_first = sim->n_segs;
	r = push_still(sim, lead, idx);
	for (int i = 0; i < n && r == HF_OK; i++) {
		r = push_rep(sim, idx, set->exercise, side, &reps[i], tremor_hz);
		sim->last_set_move_end_s = sim->segs[sim->n_segs - 2].t1_s;
		if (r == HF_OK && fidget_after[i])
			r = push_fidget(sim, idx, set->exercise, side, median);
	}
	if (r != HF_OK)
		return r;
	ps->seg_last = sim->n_segs - 1;
	sim->n_sets++;
	return HF_OK;
}

int hf_sim_add_set(struct hf_sim *sim, const struct hf_sim_set *set)
{
	struct hf_sim_rep tpl, reps[HF_SIM_MAX_REPS];
	bool draw_obl, draw_drop;
	int r = check_set(sim, set, set ? set->reps : 0);

	if (r != HF_OK)
		return r;
	tpl = set->rep;
	draw_obl = tpl.obliquity_deg == 0.0;
	draw_drop = tpl.hip_drop_deg == 0.0;
	fill_defaults(sim, set->exercise, &tpl);
	for (int i = 0; i < set->reps; i++) {
		vary_rep(sim, set->exercise, &tpl, set->variation, &reps[i]);
		if (draw_obl)
			reps[i].obliquity_deg = hf_rng_uniform(&sim->rng, -1.5, 1.5);
		if (draw_drop)
			reps[i].hip_drop_deg = hf_rng_uniform(&sim->rng, 0.3, 2.0);
		if (hf_rng_uniform(&sim->rng, 0.0, 1.0) < set->fault_rate)
			give_fault(sim, set->exercise, &reps[i]);
	}
	return push_set(sim, set, reps, set->reps);
}

int hf_sim_add_set_reps(struct hf_sim *sim, const struct hf_sim_set *set,
			const struct hf_sim_rep *reps, int n)
{
	struct hf_sim_rep filled[HF_SIM_MAX_REPS];
	int r = check_set(sim, set, n);

	if (r != HF_OK || !reps)
		return r != HF_OK ? r : HF_ERR_ARG;
	for (int i = 0; i < n; i++) {
		filled[i] = reps[i];
		fill_defaults(sim, set->exercise, &filled[i]);
	}
	return push_set(sim, set, filled, n);
}

/* ---- a random session ---- */

static const struct {
	enum hf_exercise ex;
	enum hf_side side;
	enum hf_posture posture;
} kinds[] = {
	{HF_EX_HIP_LIFT, HF_SIDE_NONE, HF_POSTURE_SUPINE},
	{HF_EX_CLAM_SHELL, HF_SIDE_LEFT, HF_POSTURE_SIDE_RIGHT},
	{HF_EX_CLAM_SHELL, HF_SIDE_RIGHT, HF_POSTURE_SIDE_LEFT},
};

/* Lying to lying goes over the back (never a half turn in one go). */
static int turn_to(struct hf_sim *sim, enum hf_posture to)
{
	struct hf_rng *g = &sim->rng;
	int r = HF_OK;

	if (sim->posture == to)
		return HF_OK;
	if (sim->posture != HF_POSTURE_SUPINE && sim->posture != HF_POSTURE_UPRIGHT &&
	    to != HF_POSTURE_SUPINE && to != HF_POSTURE_UPRIGHT)
		r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, hf_rng_uniform(g, 1.5, 2.5));
	if (r == HF_OK)
		r = hf_sim_change_posture(sim, to, hf_rng_uniform(g, 2.0, 3.5));
	return r;
}

static void random_template(struct hf_sim *sim, int kind, struct hf_sim_set *set)
{
	struct hf_rng *g = &sim->rng;

	memset(set, 0, sizeof *set);
	set->exercise = kinds[kind].ex;
	set->side = kinds[kind].side;
	set->reps = 6 + (int)(hf_rng_next(g) % 7);
	set->rep.excursion_deg = set->exercise == HF_EX_HIP_LIFT ? hf_rng_uniform(g, 20.0, 32.0)
								 : hf_rng_uniform(g, 3.0, 7.0);
	set->rep.rise_s = hf_rng_uniform(g, 1.2, 2.2);
	set->rep.lower_s = hf_rng_uniform(g, 1.2, 2.2);
	set->rep.hold_s = hf_rng_uniform(g, 1.8, 3.0);
	set->rep.rest_after_s = hf_rng_uniform(g, 0.8, 2.5);
	set->variation = hf_rng_uniform(g, 0.2, 0.4);
	set->fault_rate = 0.3;
	set->fidgets = (int)(hf_rng_next(g) % 3);
}

int hf_sim_random_session(struct hf_sim *sim, int with_calibration_procedure)
{
	struct hf_rng *g;
	int n_sets, r;

	if (!sim || sim->posture != HF_POSTURE_UPRIGHT)
		return HF_ERR_ARG;
	g = &sim->rng;
	r = hf_sim_stand(sim, hf_rng_uniform(g, 3.0, 5.0));
	if (r == HF_OK && with_calibration_procedure)
		r = hf_sim_calibration_procedure(sim);
	if (r == HF_OK)
		r = hf_sim_walk(sim, hf_rng_uniform(g, 4.0, 8.0), 0.0);
	if (r == HF_OK)
		r = hf_sim_stand(sim, hf_rng_uniform(g, 1.0, 2.0));
	n_sets = 1 + (int)(hf_rng_next(g) % 4);
	for (int k = 0; k < n_sets && r == HF_OK && sim->n_sets < HF_SIM_MAX_SETS; k++) {
		struct hf_sim_set set;
		int kind = (int)(hf_rng_next(g) % 3);

		random_template(sim, kind, &set);
		if (sim->posture == kinds[kind].posture) {
			r = hf_sim_rest(sim, hf_rng_uniform(g, 10.0, 30.0));
		} else {
			if (k > 0)
				r = hf_sim_rest(sim, hf_rng_uniform(g, 2.0, 5.0));
			if (r == HF_OK)
				r = turn_to(sim, kinds[kind].posture);
			if (r == HF_OK)
				r = hf_sim_rest(sim, hf_rng_uniform(g, 1.0, 4.0));
		}
		if (r == HF_OK)
			r = hf_sim_add_set(sim, &set);
	}
	if (r == HF_OK)
		r = hf_sim_rest(sim, hf_rng_uniform(g, 2.0, 5.0));
	if (r == HF_OK)
		r = turn_to(sim, HF_POSTURE_UPRIGHT);
	if (r == HF_OK)
		r = hf_sim_stand(sim, hf_rng_uniform(g, 3.0, 5.0));
	return r;
}
