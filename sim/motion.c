/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The true pelvis trajectory: pose (orientation, position) at any program
 * time from the segment list (see sim_internal.h).  Every profile is C2
 * (minimum-jerk ramps, sinusoids under minimum-jerk envelopes), so the
 * simulated accelerometer may take second differences of the position.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "sim_internal.h"

double hf_sim_minjerk(double u)
{
	if (u <= 0.0)
		return 0.0;
	if (u >= 1.0)
		return 1.0;
	return u * u * u * (10.0 + u * (-15.0 + 6.0 * u));
}

/* Integral of the minimum-jerk ramp from 0 to u (u in [0, 1]). */
static double minjerk_integral(double u)
{
	double u4 = u * u * u * u;

	return u4 * (2.5 + u * (-3.0 + u));
}

double hf_sim_minjerk_u10(void)
{
	double lo = 0.0, hi = 0.5;

	for (int i = 0; i < 60; i++) {
		double mid = 0.5 * (lo + hi);
		if (hf_sim_minjerk(mid) < 0.1)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

/* 1 inside [0, dur], ramping in and out over ramp_s, C2 at both ends. */
static double envelope(double t, double dur, double ramp_s)
{
	if (ramp_s <= 0.0)
		return t >= 0.0 && t <= dur ? 1.0 : 0.0;
	return hf_sim_minjerk(t / ramp_s) * hf_sim_minjerk((dur - t) / ramp_s);
}

static void oscillation(const struct hf_seg *s, double t, double env, double a[3])
{
	for (int k = 0; k < 3; k++)
		a[k] += env * s->osc_deg[k] *
			sin(2.0 * HF_PI * s->osc_hz * t + s->osc_phase[k]);
}

/* Shape of a BUMP: 0 -> 1 (rise), 1 (hold), 1 -> 0 (lower). */
static double bump_shape(const struct hf_seg *s, double t)
{
	if (t < s->rise_s)
		return hf_sim_minjerk(t / s->rise_s);
	t -= s->rise_s;
	if (t < s->hold_s)
		return 1.0;
	t -= s->hold_s;
	return 1.0 - hf_sim_minjerk(t / s->lower_s);
}

/* R = Rbase * Q(a), p = pbase + Rbase * (Q - I) * pivot. */
static void compose(const struct hf_seg *s, struct hf_quat base, const double pbase[3],
		    const double a_deg[3], struct hf_sim_pose *pose)
{
	struct hf_angles ang = {a_deg[0], a_deg[1], a_deg[2]};
	struct hf_quat q = hf_quat_from_angles(&ang);
	double d[3], w[3];

	pose->q = hf_quat_mul(base, q);
	hf_quat_rotate(q, s->pivot_m, d);
	for (int k = 0; k < 3; k++)
		d[k] -= s->pivot_m[k];
	hf_quat_rotate(base, d, w);
	for (int k = 0; k < 3; k++)
		pose->p_m[k] = pbase[k] + w[k];
}

static void pose_still(const struct hf_seg *s, double t, struct hf_sim_pose *pose)
{
	double dur = s->t1_s - s->t0_s, a[3] = {0, 0, 0};
	double ramp = fmin(0.5, dur / 4.0);

	oscillation(s, t, envelope(t, dur, ramp), a);
	compose(s, s->q0, s->p0_m, a, pose);
}

static void pose_bump(const struct hf_seg *s, double t, struct hf_sim_pose *pose)
{
	double sh = bump_shape(s, t), a[3];

	for (int k = 0; k < 3; k++)
		a[k] = s->peak_deg[k] * sh;
	if (s->hold_s > 0.0)
		oscillation(s, t, envelope(t - s->rise_s, s->hold_s,
					   fmin(0.3, s->hold_s / 3.0)), a);
	compose(s, s->q0, s->p0_m, a, pose);
}

static void pose_posture(const struct hf_seg *s, double t, struct hf_sim_pose *pose)
{
	double u = hf_sim_minjerk(t / (s->t1_s - s->t0_s));

	pose->q = hf_quat_slerp(s->q0, s->q1, u);
	for (int k = 0; k < 3; k++)
		pose->p_m[k] = s->p0_m[k] + (s->p1_m[k] - s->p0_m[k]) * u;
	pose->posture = u < 0.5 ? s->posture : s->posture_to;
}

/* Distance walked by time t: speed times the integral of the envelope. */
static double walk_distance(const struct hf_seg *s, double t)
{
	double dur = s->t1_s - s->t0_s, r = s->ramp_s;

	if (t <= r)
		return s->speed_mps * r * minjerk_integral(t / r);
	if (t <= dur - r)
		return s->speed_mps * (0.5 * r + (t - r));
	return s->speed_mps * ((dur - r) - r * minjerk_integral((dur - t) / r));
}

static void pose_walk(const struct hf_seg *s, double t, struct hf_sim_pose *pose)
{
	double dur = s->t1_s - s->t0_s, env = envelope(t, dur, s->ramp_s);
	double step_hz = s->osc_hz, a[3], p[3], left[3];
	const double up[3] = {0, 0, 1};
	double dist = walk_distance(s, t);
	double bounce = s->bounce_m * env * sin(2.0 * HF_PI * step_hz * t + s->osc_phase[0]);
	double sway = s->sway_m * env * sin(HF_PI * step_hz * t + s->osc_phase[1]);

	/* tilt at the step frequency, obliquity and rotation at the stride */
	a[0] = env * s->osc_deg[0] * sin(2.0 * HF_PI * step_hz * t + s->osc_phase[0]);
	a[1] = env * s->osc_deg[1] * sin(HF_PI * step_hz * t + s->osc_phase[1]);
	a[2] = env * s->osc_deg[2] * sin(HF_PI * step_hz * t + s->osc_phase[2]);
	hf_vec_cross(up, s->fwd, left);
	for (int k = 0; k < 3; k++)
		p[k] = s->p0_m[k] + s->fwd[k] * dist + up[k] * bounce + left[k] * sway;
	compose(s, s->q0, p, a, pose);
}

typedef void (*pose_fn)(const struct hf_seg *s, double t, struct hf_sim_pose *pose);
static const pose_fn pose_fns[] = {
	[HF_SEG_STILL] = pose_still,
	[HF_SEG_BUMP] = pose_bump,
	[HF_SEG_POSTURE] = pose_posture,
	[HF_SEG_WALK] = pose_walk,
};

static int find_segment(const struct hf_sim *sim, double t_s)
{
	int lo = 0, hi = sim->n_segs - 1;

	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (sim->segs[mid].t0_s <= t_s)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static bool breathing_on(const struct hf_sim *sim)
{
	return sim->breath_deg[0] != 0.0 || sim->breath_deg[1] != 0.0 ||
	       sim->breath_deg[2] != 0.0;
}

/* Segment i is lying and keeps its posture (rests, reps, shifts). */
static bool lying_seg(const struct hf_sim *sim, int i)
{
	const struct hf_seg *s;

	if (i < 0 || i >= sim->n_segs)
		return false;
	s = &sim->segs[i];
	return s->kind != HF_SEG_WALK && s->posture == s->posture_to &&
	       s->posture != HF_POSTURE_UPRIGHT && s->posture != HF_POSTURE_UNKNOWN;
}

/* Breathing weight in segment i at t into it: 1 inside a run of lying
 * segments, minimum-jerk ramps of up to 1 s where the run begins or ends
 * (C2, so the accelerometer may difference it). */
static double breathing_weight(const struct hf_sim *sim, int i, double t)
{
	const struct hf_seg *s = &sim->segs[i];
	double dur = s->t1_s - s->t0_s, w = 1.0;
	bool in = !lying_seg(sim, i - 1), out = !lying_seg(sim, i + 1);
	double ramp = fmin(1.0, dur / (in && out ? 2.0 : 1.0));

	if (!lying_seg(sim, i))
		return 0.0;
	if (ramp <= 0.0)
		return 0.0;
	if (in)
		w *= hf_sim_minjerk(t / ramp);
	if (out)
		w *= hf_sim_minjerk((dur - t) / ramp);
	return w;
}

static void add_breathing(const struct hf_sim *sim, int i, double t_s, double t,
			  struct hf_sim_pose *pose)
{
	double w = breathing_weight(sim, i, t), x;
	struct hf_angles a;

	if (w == 0.0)
		return;
	x = w * sin(2.0 * HF_PI * sim->breath_hz * t_s + sim->breath_phase);
	a.tilt_deg = sim->breath_deg[0] * x;
	a.obliquity_deg = sim->breath_deg[1] * x;
	a.rotation_deg = sim->breath_deg[2] * x;
	pose->q = hf_quat_mul(pose->q, hf_quat_from_angles(&a));
}

void hf_sim_pose_at(const struct hf_sim *sim, double t_s, struct hf_sim_pose *pose)
{
	const struct hf_seg *s;
	struct hf_seg quiet;
	double t;
	int i;

	if (sim->n_segs == 0) {
		pose->q = sim->q_end;
		for (int k = 0; k < 3; k++)
			pose->p_m[k] = sim->p_end_m[k];
		pose->posture = sim->posture;
		return;
	}
	i = find_segment(sim, t_s);
	s = &sim->segs[i];
	t = fmax(0.0, fmin(t_s, s->t1_s) - s->t0_s);
	pose->posture = s->posture;
	if (breathing_on(sim) && s->kind == HF_SEG_STILL && lying_seg(sim, i)) {
		/* the session's breathing replaces the rest's own */
		quiet = *s;
		memset(quiet.osc_deg, 0, sizeof quiet.osc_deg);
		s = &quiet;
	}
	pose_fns[s->kind](s, t, pose);
	if (breathing_on(sim))
		add_breathing(sim, i, s->t0_s + t, t, pose);
}

double hf_sim_duration_s(const struct hf_sim *sim)
{
	return sim->t_end_s;
}
