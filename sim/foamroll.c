/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Simulated foam-roll sessions (contract section 10) with ground truth by
 * the contract's rules on the true movement.
 *
 * The person stands, gets down onto the roller (3-4 s, the pelvis turning
 * from upright to lying face down or face up and sinking from 0.95 m to
 * 0.2-0.3 m), settles, and does 2-4 sets of 8-20 passes.  A pass slides the
 * body along its own long axis (pelvis z, horizontal) out by D and back,
 * each half a minimum-jerk movement (Flash & Hogan 1985), sometimes with a
 * short dwell at the far end; D is 0.1-0.4 m (a set's own size, +-20 % per
 * pass), the duration 1.5-5.8 s (the set's own pace, +-15 % per pass).  The
 * body rests on the forearms (or the feet) and the roller, a beam whose
 * angle changes as the roller's contact slides along it, so the pelvis
 * tilt rocks with the displacement (2-8 deg per metre) and the pelvis rises
 * or sinks a little (up to 8 cm per metre); the pelvis also wobbles in
 * obliquity and rotation by up to a degree per pass.  Inside a set the
 * person sometimes pauses 1-3 s (not a rest); between sets rests 5.1-15 s
 * with weight shifts, and sometimes rolls over (face down to face up or
 * back, 2.5-3.5 s about the body axis, moving sideways).  Breathing rocks
 * the pelvis throughout lying (0.1-0.4 deg of tilt, 0.2-0.45 Hz, 1-2 mm up
 * and down).  At the end the person gets up and stands.  The "wide" draw
 * (held-out benchmark) stretches the pace to 1.3-6 s, the pauses to 3.5 s
 * and the rests to 5.6-25 s.
 *
 * The sensor is any struct hf_sim_sensor (a datasheet profile of
 * sim/parts.c, mounted anywhere on the belt): angular rate and specific
 * force by central differences of the true pose at the sensor's lever arm,
 * then scale, cross-axis, offset, temperature drift, noise, bias walk and
 * quantisation as in render.c.
 *
 * Truth (section 10): every planned pass is a pass (its excursion is
 * 0.1-0.4 m); passes follow each other in a set unless the time from the
 * end of one to the start of the next is 5 s or more or the posture
 * (section 3, from the true pelvis axes) differs; pass_period_s is the
 * median of the true pass durations; a set runs from its first pass's
 * start to its last pass's end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/report.h"
#include "sim_internal.h"

#define STAND_S 3.0
#define MAX_PASSES 256
#define MAX_KEYS 32
#define MAX_SHIFTS 128
#define REST_RULE_S 5.0

/* One pass as planned: out for out_s, dwell, back for out_s. */
struct pass {
	double t0_s, out_s, dwell_s, d_m;
	double tilt_per_m, obl_deg, rot_deg;
	enum hf_posture posture;
};

/* A base pose to move to (minimum jerk) over [t0, t0 + dur]. */
struct key {
	double t0_s, dur_s;
	struct hf_quat q;
	double p_m[3];
};

/* A weight shift while resting: a bump in obliquity or rotation. */
struct shift {
	double t0_s, dur_s, obl_deg, rot_deg;
};

struct model {
	double heading_rad;
	double out_sign;           /* +1: out towards the head */
	double rise_per_m;         /* pelvis height change per metre of pass */
	double breath_hz, breath_deg, breath_phase;
	struct key keys[MAX_KEYS];
	int n_keys;
	struct hf_quat q0;
	double p0_m[3];
	struct pass passes[MAX_PASSES];
	int n_passes;
	struct shift shifts[MAX_SHIFTS];
	int n_shifts;
	double lying_from_s, lying_to_s;
	double t_end_s;
};

static double U(struct hf_rng *r, double lo, double hi)
{
	return hf_rng_uniform(r, lo, hi);
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* Pelvis to world: standing, or lying prone/supine, pelvis z along heading. */
static struct hf_quat posture_q(enum hf_posture p, double heading_rad)
{
	double c = cos(heading_rad), s = sin(heading_rad), m[3][3] = {{0}};

	/* columns: pelvis x, y, z in the world */
	if (p == HF_POSTURE_PRONE) {
		m[2][0] = -1.0;
		m[0][1] = -s; m[1][1] = c;
		m[0][2] = c;  m[1][2] = s;
	} else if (p == HF_POSTURE_SUPINE) {
		m[2][0] = 1.0;
		m[0][1] = s;  m[1][1] = -c;
		m[0][2] = c;  m[1][2] = s;
	} else {
		m[0][0] = c;  m[1][0] = s;
		m[0][1] = -s; m[1][1] = c;
		m[2][2] = 1.0;
	}
	return hf_quat_normalize(hf_quat_from_matrix(m));
}

static void add_key(struct model *m, double t0, double dur, struct hf_quat q,
		    double x, double y, double z)
{
	if (m->n_keys < MAX_KEYS)
		m->keys[m->n_keys++] = (struct key){t0, dur, q, {x, y, z}};
}

/* The base pose at t: the keys applied in order. */
static void base_pose(const struct model *m, double t, struct hf_quat *q, double p[3])
{
	*q = m->q0;
	memcpy(p, m->p0_m, 3 * sizeof *p);
	for (int i = 0; i < m->n_keys; i++) {
		const struct key *k = &m->keys[i];
		double u;
		if (t <= k->t0_s)
			break;
		u = hf_sim_minjerk((t - k->t0_s) / k->dur_s);
		*q = hf_quat_slerp(*q, k->q, u);
		for (int j = 0; j < 3; j++)
			p[j] += u * (k->p_m[j] - p[j]);
	}
}

/* Displacement along the body (m) and the pass's wobble at t. */
static double pass_disp(const struct pass *ps, double t, double *shape)
{
	double t1 = ps->t0_s + ps->out_s, t2 = t1 + ps->dwell_s;
	double u;

	if (t <= ps->t0_s || t >= t2 + ps->out_s)
		u = 0.0;
	else if (t < t1)
		u = hf_sim_minjerk((t - ps->t0_s) / ps->out_s);
	else if (t < t2)
		u = 1.0;
	else
		u = 1.0 - hf_sim_minjerk((t - t2) / ps->out_s);
	*shape = u;
	return ps->d_m * u;
}

static void pose(const struct model *m, double t, struct hf_quat *q, double p[3])
{
	static const double Z[3] = {0, 0, 1};
	struct hf_quat base;
	struct hf_angles a = {0};
	double d = 0.0, body[3], lying;

	base_pose(m, t, &base, p);
	for (int i = 0; i < m->n_passes; i++) {
		const struct pass *ps = &m->passes[i];
		double shape, di;
		if (t < ps->t0_s - 0.1 || t > ps->t0_s + 2 * ps->out_s + ps->dwell_s + 0.1)
			continue;
		di = pass_disp(ps, t, &shape);
		d += di;
		a.tilt_deg += ps->tilt_per_m * di;
		a.obliquity_deg += ps->obl_deg * sin(HF_PI * shape);
		a.rotation_deg += ps->rot_deg * sin(HF_PI * shape);
	}
	for (int i = 0; i < m->n_shifts; i++) {
		const struct shift *s = &m->shifts[i];
		double u = (t - s->t0_s) / s->dur_s;
		if (u <= 0.0 || u >= 1.0)
			continue;
		u = hf_sim_minjerk(u < 0.5 ? 2.0 * u : 2.0 - 2.0 * u);
		a.obliquity_deg += s->obl_deg * u;
		a.rotation_deg += s->rot_deg * u;
	}
	/* breathing while lying, faded in and out over 1 s */
	lying = clampd(fmin(t - m->lying_from_s, m->lying_to_s - t), 0.0, 1.0);
	a.tilt_deg += lying * m->breath_deg * sin(2 * HF_PI * m->breath_hz * t + m->breath_phase);
	*q = hf_quat_normalize(hf_quat_mul(base, hf_quat_from_angles(&a)));
	hf_quat_rotate(base, Z, body);
	body[2] = 0.0;
	hf_vec_normalize(body);
	for (int k = 0; k < 3; k++)
		p[k] += m->out_sign * d * body[k];
	p[2] += m->rise_per_m * d +
		lying * 0.0015 * sin(2 * HF_PI * m->breath_hz * t + m->breath_phase + 0.5);
}

/* ---- the program ---- */

/* A set of passes from t in posture p; returns the end time. */
static double plan_set(struct model *m, struct hf_rng *r, double t, enum hf_posture p, bool wide)
{
	int n = 8 + (int)U(r, 0.0, 13.0);
	double d0 = U(r, 0.1, 0.4), period0 = wide ? U(r, 1.3, 6.0) : U(r, 1.5, 5.8);
	double tilt = hf_rng_sign(r) * U(r, 2.0, 8.0);

	for (int i = 0; i < n && m->n_passes < MAX_PASSES; i++) {
		struct pass *ps = &m->passes[m->n_passes++];
		double period = period0 * U(r, 0.85, 1.15);
		ps->t0_s = t;
		ps->d_m = clampd(d0 * U(r, 0.8, 1.2), 0.1, 0.4);
		ps->dwell_s = U(r, 0.0, 1.0) < 0.3 ? U(r, 0.05, 0.3) : 0.0;
		ps->out_s = (period - ps->dwell_s) / 2.0;
		ps->tilt_per_m = tilt * U(r, 0.9, 1.1);
		ps->obl_deg = U(r, -1.0, 1.0);
		ps->rot_deg = U(r, -1.0, 1.0);
		ps->posture = p;
		t += period;
		if (i + 1 < n && U(r, 0.0, 1.0) < 0.1)
			t += U(r, 1.0, wide ? 3.5 : 3.0); /* a pause, not a rest */
	}
	return t;
}

static void plan_shifts(struct model *m, struct hf_rng *r, double t0, double t1)
{
	for (double t = t0 + U(r, 0.5, 2.0); t < t1 - 2.0 && m->n_shifts < MAX_SHIFTS;
	     t += U(r, 2.0, 5.0))
		m->shifts[m->n_shifts++] = (struct shift){t, U(r, 0.8, 1.6), U(r, -3.0, 3.0),
							  U(r, -3.0, 3.0)};
}

static void build_model(struct model *m, struct hf_rng *r, bool wide)
{
	enum hf_posture p = U(r, 0.0, 1.0) < 0.5 ? HF_POSTURE_PRONE : HF_POSTURE_SUPINE;
	int sets = 2 + (int)U(r, 0.0, 3.0);
	double t, h, side = 0.0;

	memset(m, 0, sizeof *m);
	m->heading_rad = U(r, -HF_PI, HF_PI);
	m->out_sign = hf_rng_sign(r);
	m->rise_per_m = U(r, -0.08, 0.08);
	m->breath_hz = U(r, 0.2, 0.45);
	m->breath_deg = U(r, 0.1, 0.4);
	m->breath_phase = U(r, 0.0, 2 * HF_PI);
	m->q0 = posture_q(HF_POSTURE_UPRIGHT, m->heading_rad);
	m->p0_m[2] = 0.95;
	h = U(r, 0.2, 0.3);
	t = STAND_S;
	add_key(m, t, U(r, 3.0, 4.0), posture_q(p, m->heading_rad), 0.0, 0.0, h);
	t = m->keys[0].t0_s + m->keys[0].dur_s;
	m->lying_from_s = t;
	t += U(r, 2.0, 4.0);
	for (int s = 0; s < sets; s++) {
		double rest = wide ? U(r, 5.6, 25.0) : U(r, 5.1, 15.0);
		t = plan_set(m, r, t, p, wide);
		if (s + 1 < sets && U(r, 0.0, 1.0) < 0.4) {
			/* roll over within the rest */
			double before = U(r, 3.0, 5.0), dur = U(r, 2.5, 3.5);
			plan_shifts(m, r, t, t + before);
			p = p == HF_POSTURE_PRONE ? HF_POSTURE_SUPINE : HF_POSTURE_PRONE;
			side += U(r, 0.2, 0.4);
			add_key(m, t + before, dur, posture_q(p, m->heading_rad),
				-sin(m->heading_rad) * side, cos(m->heading_rad) * side, h);
			t += before + dur;
			rest = U(r, 3.0, 6.0);
		}
		if (s + 1 < sets) {
			plan_shifts(m, r, t, t + rest);
			t += rest;
		} else {
			t += U(r, 2.0, 4.0);
		}
	}
	m->lying_to_s = t;
	add_key(m, t, U(r, 3.0, 4.0), posture_q(HF_POSTURE_UPRIGHT, m->heading_rad),
		-sin(m->heading_rad) * side, cos(m->heading_rad) * side, 0.95);
	m->t_end_s = t + 4.0 + STAND_S;
}

/* ---- the sensor ---- */

/* The model's pose, as the sensor model (sim/sensor_model.c) wants it. */
static void model_pose(const void *m, double t_s, struct hf_quat *q, double p_m[3])
{
	pose(m, t_s, q, p_m);
}

/* ---- truth ---- */

/* Section 3 posture of the true pelvis at t (lying: prone or supine). */
static enum hf_posture true_posture(const struct model *m, double t)
{
	struct hf_quat q;
	double p[3], x[3] = {1, 0, 0};

	pose(m, t, &q, p);
	hf_quat_rotate(q, x, x);
	return x[2] <= -0.70710678 ? HF_POSTURE_PRONE
	     : x[2] >= 0.70710678 ? HF_POSTURE_SUPINE : HF_POSTURE_UNKNOWN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void finish_truth_set(struct hf_sim_foamroll_set_truth *s, double *dur, int n)
{
	qsort(dur, (size_t)n, sizeof *dur, cmp_double);
	s->sum.passes = n;
	s->sum.pass_period_s = n % 2 ? dur[n / 2] : 0.5 * (dur[n / 2 - 1] + dur[n / 2]);
}

static void compute_truth(struct hf_sim_foamroll_session *o, const struct model *m)
{
	double dur[MAX_PASSES], prev_end = -INFINITY;
	enum hf_posture prev_p = HF_POSTURE_COUNT;
	int n = 0;

	o->n_sets = 0;
	for (int i = 0; i < m->n_passes; i++) {
		const struct pass *ps = &m->passes[i];
		double end = ps->t0_s + 2.0 * ps->out_s + ps->dwell_s;
		enum hf_posture p = true_posture(m, ps->t0_s);
		struct hf_sim_foamroll_set_truth *s;
		if (o->n_sets == 0 || ps->t0_s - prev_end >= REST_RULE_S || p != prev_p) {
			if (o->n_sets > 0)
				finish_truth_set(&o->sets[o->n_sets - 1], dur, n);
			if (o->n_sets == HF_SIM_FOAMROLL_MAX_SETS)
				return;
			s = &o->sets[o->n_sets++];
			s->start_s = o->t0_s + ps->t0_s;
			s->sum.posture = p;
			n = 0;
		}
		s = &o->sets[o->n_sets - 1];
		s->end_s = o->t0_s + end;
		dur[n++] = end - ps->t0_s;
		prev_end = end;
		prev_p = p;
	}
	if (o->n_sets > 0)
		finish_truth_set(&o->sets[o->n_sets - 1], dur, n);
}

/* ---- the interface ---- */

int hf_sim_foamroll_session(const struct hf_sim_sensor *sensor, unsigned seed, int wide,
			    struct hf_sim_foamroll_session *out)
{
	struct model *m;
	struct hf_rng r;

	memset(out, 0, sizeof *out);
	if (!sensor || !(sensor->rate_hz > 0.0))
		return HF_ERR_ARG;
	m = calloc(1, sizeof *m);
	if (!m)
		return HF_ERR_NOMEM;
	hf_rng_seed(&r, 0x666f616dULL ^ ((uint64_t)seed << 21) ^ (uint64_t)wide);
	build_model(m, &r, wide != 0);
	out->sensor = *sensor;
	out->rate_hz = sensor->rate_hz;
	out->t0_s = sensor->t0_s;
	if (hf_sim_render_new(model_pose, m, sensor, 0x726f6c6cULL ^ ((uint64_t)seed << 23) ^ seed,
			      m->t_end_s, &out->n, &out->samples, &out->q_pelvis_to_world) != HF_OK) {
		free(m);
		return HF_ERR_NOMEM;
	}
	compute_truth(out, m);
	free(m);
	return HF_OK;
}

void hf_sim_foamroll_session_free(struct hf_sim_foamroll_session *s)
{
	free(s->samples);
	free(s->q_pelvis_to_world);
	s->samples = NULL;
	s->q_pelvis_to_world = NULL;
	s->n = 0;
}

int hf_sim_foamroll_write_csv(const struct hf_sim_foamroll_session *s, FILE *f)
{
	char title[120];

	snprintf(title, sizeof title, "hipform simulated foam_roll session, %d set(s)",
		 s->n_sets);
	return hf_sim_write_samples_csv(f, title, s->samples, s->n);
}

int hf_sim_foamroll_write_truth_json(const struct hf_sim_foamroll_session *s, FILE *f)
{
	json_object *o = json_object_new_object(), *sets = json_object_new_array();
	json_object *truth = json_object_new_object(), *mount = json_object_new_array();
	const struct hf_quat *q = &s->sensor.pelvis_to_sensor;

	json_object_object_add(o, "contract", json_object_new_int(HF_CONTRACT_VERSION));
	json_object_object_add(o, "calibrated", json_object_new_boolean(false));
	for (int i = 0; i < s->n_sets; i++) {
		json_object *set = json_object_new_object();
		json_object_object_add(set, "exercise", json_object_new_string("foam_roll"));
		json_object_object_add(set, "kind", json_object_new_string("passes"));
		json_object_object_add(set, "side", NULL);
		json_object_object_add(set, "start_s", json_object_new_double(s->sets[i].start_s));
		json_object_object_add(set, "end_s", json_object_new_double(s->sets[i].end_s));
		hf_json_passes(set, &s->sets[i].sum);
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
