/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Simulated mini-band side walks (contract section 10), with ground truth
 * by the contract's rules on the true trajectory.
 *
 * The person stands in a side-walk stance (upright, knees soft: the pelvis
 * tipped -3..+8 deg against upright standing) and walks sideways in sets
 * of 8-20 cycles, the direction changing between sets (a short stop and
 * back the other way, or a rest of 4-12 s, sometimes turning round on the
 * spot during it).  Per cycle the pelvis travels D (0.2-0.5 m) sideways:
 * the lead step carries it a share f (0.4-0.6) of D, the trail step the
 * rest, each a minimum-jerk displacement (smooth velocity, zero at both
 * ends), the two steps taking 0.28-0.38 of the cycle each with up to
 * 0.08 of it between them; the rest of the cycle the pelvis stands.
 * Cadence 20-50 cycles/min, jittered +-8 % per cycle; now and then a
 * pause of 0.5-1.2 s before a cycle.  The pelvis dips towards the swing
 * side: by a1 during the lead step (the leading side goes down) and a2
 * during the trail step (the trailing side), a sin^2 bump each, a1 + a2
 * the cycle's drawn range r (0.35-0.65 of it in the lead): r in 1.5-5.4
 * deg, or 6.6-10 deg in a share of cycles (pelvic_drop); no true range
 * comes within 0.3 deg of 6 (the session is redrawn if one does).  The
 * pelvis also bobs down 0.5-2 cm as the stance widens and back up as it
 * closes, turns 0.5-2.5 deg and tips +-1.5 deg per step, and breathes.
 * Standing, it sways 3-8 mm at 0.1-0.3 Hz.
 *
 * The sensor is any struct hf_sim_sensor (datasheet profiles of
 * sim/parts.c, mountings anywhere on a belt): gyro and specific force
 * from central differences of the true pose, with the sensor's scale,
 * offset, cross-axis, temperature, bias walk, noise and quantisation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/report.h"
#include "sim_internal.h"

#define MAX_SEGS 1024          /* steps and turns */
#define FAULT_MARGIN_DEG 0.3
#define MAX_REDRAWS 20

/* One minimum-jerk movement: displacement (world) and angle bumps. */
struct seg {
	double t0_s, dur_s;
	double disp_m[3];      /* world, minimum jerk */
	double obl_deg, rot_deg, tilt_deg; /* sin^2 bumps (pelvis angles) */
	double yaw_deg;        /* minimum-jerk turn (heading) */
};

struct plan_cycle {
	double t_lead_s, t_trail_end_s;
	int dir;               /* +1 left, -1 right */
};

struct model {
	double heading_rad, stance_tilt_deg;
	double sway_m[2], sway_hz[2], sway_phase[2];
	double breath_deg, breath_hz, breath_phase;
	struct seg seg[MAX_SEGS];
	int n_seg;
	struct plan_cycle cyc[HF_SIM_SIDEWALK_MAX_SETS * HF_SIM_SIDEWALK_MAX_CYCLES];
	int n_cyc;
	double t_end_s;
};

static double U(struct hf_rng *r, double lo, double hi)
{
	return hf_rng_uniform(r, lo, hi);
}

static double bump(double u)
{
	double s;

	if (u <= 0.0 || u >= 1.0)
		return 0.0;
	s = sin(HF_PI * u);
	return s * s;
}

static struct seg *new_seg(struct model *m, double t0, double dur)
{
	struct seg *s;

	if (m->n_seg >= MAX_SEGS)
		return NULL;
	s = &m->seg[m->n_seg++];
	memset(s, 0, sizeof *s);
	s->t0_s = t0;
	s->dur_s = dur;
	return s;
}

/* ---- the pose ---- */

static void pose(const struct model *m, double t, struct hf_quat *q, double p[3])
{
	static const double Z[3] = {0, 0, 1};
	struct hf_angles a = {.tilt_deg = m->stance_tilt_deg, .obliquity_deg = 0.0,
			      .rotation_deg = 0.0};
	double yaw = 0.0;

	p[0] = p[1] = 0.0;
	p[2] = 0.95;
	for (int i = 0; i < m->n_seg; i++) {
		const struct seg *s = &m->seg[i];
		double u = (t - s->t0_s) / s->dur_s, mj = hf_sim_minjerk(u), b = bump(u);
		for (int k = 0; k < 3; k++)
			p[k] += s->disp_m[k] * mj;
		yaw += s->yaw_deg * mj;
		a.obliquity_deg += s->obl_deg * b;
		a.rotation_deg += s->rot_deg * b;
		a.tilt_deg += s->tilt_deg * b;
	}
	for (int k = 0; k < 2; k++)
		p[k] += m->sway_m[k] * sin(2.0 * HF_PI * m->sway_hz[k] * t + m->sway_phase[k]);
	a.tilt_deg += m->breath_deg * sin(2.0 * HF_PI * m->breath_hz * t + m->breath_phase);
	*q = hf_quat_normalize(hf_quat_mul(
		hf_quat_from_axis_angle(Z, m->heading_rad + yaw * HF_DEG2RAD),
		hf_quat_from_angles(&a)));
}

/* ---- the program ---- */

/* Heading (rad) once every turn before t is done. */
static double heading_at(const struct model *m, double t)
{
	double yaw = 0.0;

	for (int i = 0; i < m->n_seg; i++)
		if (m->seg[i].t0_s < t)
			yaw += m->seg[i].yaw_deg;
	return m->heading_rad + yaw * HF_DEG2RAD;
}

static double cycle_range(const struct hf_sim_sidewalk *p, struct hf_rng *r)
{
	if (U(r, 0.0, 1.0) < p->fault_share)
		return U(r, 6.0 + 2.0 * FAULT_MARGIN_DEG, 10.0);
	return U(r, 1.5, 6.0 - 2.0 * FAULT_MARGIN_DEG);
}

/* One cycle from t going dir; the time it ends (next cycle's start). */
static double add_cycle(struct model *m, const struct hf_sim_sidewalk *p, struct hf_rng *r,
			double t, int dir, double cadence)
{
	double tc = 60.0 / cadence * U(r, 0.92, 1.08), d = U(r, p->cycle_m[0], p->cycle_m[1]);
	double f = U(r, 0.4, 0.6), tl = tc * U(r, 0.28, 0.38), p1 = tc * U(r, 0.0, 0.08);
	double tt = tc * U(r, 0.28, 0.38), range = cycle_range(p, r), w = U(r, 0.35, 0.65);
	double h = U(r, 0.005, 0.02), psi = heading_at(m, t), y[2];
	struct seg *lead = new_seg(m, t, tl), *trail = new_seg(m, t + tl + p1, tt);
	struct plan_cycle *c = &m->cyc[m->n_cyc];

	if (!lead || !trail || m->n_cyc >= (int)(sizeof m->cyc / sizeof m->cyc[0]))
		return t + tc;
	/* pelvis y in the world (+ = the person's left) */
	y[0] = -sin(psi);
	y[1] = cos(psi);
	for (int k = 0; k < 2; k++) {
		lead->disp_m[k] = dir * f * d * y[k];
		trail->disp_m[k] = dir * (1.0 - f) * d * y[k];
	}
	lead->disp_m[2] = -h;
	trail->disp_m[2] = h;
	lead->obl_deg = -dir * range * w;         /* the leading side dips */
	trail->obl_deg = dir * range * (1.0 - w); /* then the trailing side */
	lead->rot_deg = U(r, 0.5, 2.5) * hf_rng_sign(r);
	trail->rot_deg = -lead->rot_deg * U(r, 0.6, 1.0);
	lead->tilt_deg = U(r, -1.5, 1.5);
	trail->tilt_deg = U(r, -1.5, 1.5);
	c->t_lead_s = t;
	c->t_trail_end_s = t + tl + p1 + tt;
	c->dir = dir;
	m->n_cyc++;
	return t + tc;
}

static double add_set(struct model *m, const struct hf_sim_sidewalk *p, struct hf_rng *r,
		      double t, int dir)
{
	int n = p->cycles[0] + (int)U(r, 0.0, p->cycles[1] - p->cycles[0] + 1.0);
	double cadence = U(r, p->cadence_cpm[0], p->cadence_cpm[1]);

	if (n > HF_SIM_SIDEWALK_MAX_CYCLES)
		n = HF_SIM_SIDEWALK_MAX_CYCLES;
	for (int j = 0; j < n; j++) {
		if (j > 0 && U(r, 0.0, 1.0) < 0.08) {
			/* a pause; the gap from the trail step stays under 2.6 s */
			double gap = t - m->cyc[m->n_cyc - 1].t_trail_end_s;
			t += fmax(0.0, fmin(U(r, 0.5, 1.2), 2.6 - gap));
		}
		t = add_cycle(m, p, r, t, dir, cadence);
	}
	return t;
}

static void build_model(struct model *m, const struct hf_sim_sidewalk *p, struct hf_rng *r)
{
	int dir = hf_rng_sign(r) > 0 ? 1 : -1;
	double t;

	memset(m, 0, sizeof *m);
	m->heading_rad = U(r, -HF_PI, HF_PI);
	m->stance_tilt_deg = U(r, -3.0, 8.0);
	for (int k = 0; k < 2; k++) {
		m->sway_m[k] = U(r, 0.003, 0.008);
		m->sway_hz[k] = U(r, 0.1, 0.3);
		m->sway_phase[k] = U(r, 0.0, 2.0 * HF_PI);
	}
	m->breath_deg = U(r, 0.08, 0.2);
	m->breath_hz = U(r, 0.2, 0.4);
	m->breath_phase = U(r, 0.0, 2.0 * HF_PI);
	t = U(r, 3.0, 6.0);
	for (int k = 0; k < p->sets; k++) {
		int next = U(r, 0.0, 1.0) < 0.8 ? -dir : dir;
		double end;
		t = add_set(m, p, r, t, dir);
		end = m->cyc[m->n_cyc - 1].t_trail_end_s;
		if (next != dir && U(r, 0.0, 1.0) < 0.4) {
			t = end + U(r, 0.8, 2.0);   /* a stop and back the other way */
		} else {
			t = end + U(r, 4.0, 12.0);  /* a rest, >= 3.3 s without a step */
			if (U(r, 0.0, 1.0) < 0.3) { /* turning round on the spot */
				struct seg *turn = new_seg(m, end + 1.0, U(r, 2.0, 3.0));
				if (turn)
					turn->yaw_deg = hf_rng_sign(r) * U(r, 160.0, 200.0);
				t = fmax(t, end + 6.5);
			}
		}
		dir = next;
	}
	m->t_end_s = t + 3.0;
}

/* ---- the sensor ---- */

/* The model's pose, as the sensor model (sim/sensor_model.c) wants it. */
static void model_pose(const void *m, double t_s, struct hf_quat *q, double p_m[3])
{
	pose(m, t_s, q, p_m);
}

/* ---- ground truth, contract section 10 on the true trajectory ---- */

static size_t at_time(const struct hf_sim_sidewalk_session *o, double t_prog)
{
	double i = ceil(t_prog * o->rate_hz - 1e-9);

	return i < 0 ? 0 : i >= (double)o->n ? o->n - 1 : (size_t)i;
}

/* Obliquity range over samples [a, b) against base (pelvis to world). */
static double truth_range(const struct hf_sim_sidewalk_session *o, struct hf_quat base,
			  size_t a, size_t b)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t i = a; i < b; i++) {
		struct hf_angles ang;
		hf_angles_from_quat(hf_quat_mul(hf_quat_conj(base), o->q_pelvis_to_world[i]), &ang);
		lo = fmin(lo, ang.obliquity_deg);
		hi = fmax(hi, ang.obliquity_deg);
	}
	return hi >= lo ? hi - lo : NAN;
}

static void truth_set(struct hf_sim_sidewalk_session *o, const struct model *m, int c0,
		      int c1, struct hf_sim_sidewalk_set *set)
{
	struct hf_quat_mean qm;
	size_t b0 = at_time(o, m->cyc[c0].t_lead_s - 2.0), b1 = at_time(o, m->cyc[c0].t_lead_s);
	struct hf_quat base;

	hf_quat_mean_reset(&qm);
	for (size_t i = b0; i < b1; i++)
		hf_quat_mean_add(&qm, o->q_pelvis_to_world[i], 1.0);
	base = hf_quat_mean_get(&qm);
	set->side = m->cyc[c0].dir > 0 ? HF_SIDE_LEFT : HF_SIDE_RIGHT;
	set->n_cycles = c1 - c0;
	for (int j = c0; j < c1; j++) {
		struct hf_cycle *c = &set->cycles[j - c0];
		bool last = j + 1 == c1;
		double end = last ? m->cyc[j].t_trail_end_s : m->cyc[j + 1].t_lead_s;
		c->start_s = o->t0_s + m->cyc[j].t_lead_s;
		c->end_s = o->t0_s + end;
		c->obliquity_range_deg = truth_range(o, base, at_time(o, m->cyc[j].t_lead_s),
						     at_time(o, end) + (last ? 1 : 0));
		c->faults = c->obliquity_range_deg > hf_thresholds_default.pelvic_drop_deg
				    ? HF_FAULT_BIT(HF_FAULT_PELVIC_DROP) : 0;
	}
	set->start_s = set->cycles[0].start_s;
	set->end_s = set->cycles[set->n_cycles - 1].end_s;
	set->cadence_cpm = set->n_cycles >= 2
		? 60.0 * (set->n_cycles - 1) /
		  (set->cycles[set->n_cycles - 1].start_s - set->cycles[0].start_s)
		: NAN;
}

/* Sets by the rules: a change of direction or 3 s from a trail step's end
 * to the next lead step's start ends one.  False if a range is within
 * FAULT_MARGIN_DEG of the threshold (ambiguous truth). */
static bool compute_truth(struct hf_sim_sidewalk_session *o, const struct model *m)
{
	int c0 = 0;

	o->n_sets = 0;
	for (int j = 1; j <= m->n_cyc && o->n_sets < HF_SIM_SIDEWALK_MAX_SETS; j++) {
		if (j < m->n_cyc && m->cyc[j].dir == m->cyc[j - 1].dir &&
		    m->cyc[j].t_lead_s - m->cyc[j - 1].t_trail_end_s < 3.0 &&
		    j - c0 < HF_SIM_SIDEWALK_MAX_CYCLES)
			continue;
		truth_set(o, m, c0, j, &o->sets[o->n_sets++]);
		c0 = j;
	}
	for (int k = 0; k < o->n_sets; k++)
		for (int j = 0; j < o->sets[k].n_cycles; j++)
			if (fabs(o->sets[k].cycles[j].obliquity_range_deg -
				 hf_thresholds_default.pelvic_drop_deg) < FAULT_MARGIN_DEG)
				return false;
	return true;
}

/* ---- the session ---- */

void hf_sim_sidewalk_defaults(struct hf_sim_sidewalk *p)
{
	memset(p, 0, sizeof *p);
	p->sets = 3;
	p->cycle_m[0] = 0.2;
	p->cycle_m[1] = 0.5;
	p->cadence_cpm[0] = 20.0;
	p->cadence_cpm[1] = 50.0;
	p->cycles[0] = 8;
	p->cycles[1] = 20;
	p->fault_share = 0.25;
}

static int render(struct hf_sim_sidewalk_session *out, const struct model *m,
		  const struct hf_sim_sensor *sensor, unsigned seed)
{
	uint64_t noise_seed = 0x73776e6fULL ^ ((uint64_t)seed << 21) ^ seed;

	return hf_sim_render_new(model_pose, m, sensor, noise_seed, m->t_end_s, &out->n,
				 &out->samples, &out->q_pelvis_to_world);
}

int hf_sim_sidewalk_session(const struct hf_sim_sidewalk *params,
			    const struct hf_sim_sensor *sensor, unsigned seed,
			    struct hf_sim_sidewalk_session *out)
{
	struct hf_sim_sidewalk p;
	struct model *m;
	int rc = HF_ERR_ARG;

	memset(out, 0, sizeof *out);
	if (params)
		p = *params;
	else
		hf_sim_sidewalk_defaults(&p);
	if (!sensor || !(sensor->rate_hz > 0.0) || p.sets < 1 ||
	    p.sets > HF_SIM_SIDEWALK_MAX_SETS || p.cycles[0] < 1 || p.cycles[1] < p.cycles[0] ||
	    !(p.cycle_m[0] > 0.0) || p.cycle_m[1] < p.cycle_m[0] ||
	    !(p.cadence_cpm[0] > 0.0) || p.cadence_cpm[1] < p.cadence_cpm[0])
		return HF_ERR_ARG;
	m = malloc(sizeof *m);
	if (!m)
		return HF_ERR_NOMEM;
	out->sensor = *sensor;
	out->rate_hz = sensor->rate_hz;
	out->t0_s = sensor->t0_s;
	out->params = p;
	for (int attempt = 0; attempt < MAX_REDRAWS; attempt++) {
		struct hf_rng r;
		hf_rng_seed(&r, 0x7369646577ULL ^ ((uint64_t)seed << 17) ^ (uint64_t)attempt);
		build_model(m, &p, &r);
		hf_sim_sidewalk_session_free(out);
		rc = render(out, m, sensor, seed);
		if (rc != HF_OK)
			break;
		if (compute_truth(out, m))
			break;
		rc = HF_ERR_ARG; /* every draw ambiguous: cannot happen in practice */
	}
	free(m);
	if (rc != HF_OK)
		hf_sim_sidewalk_session_free(out);
	return rc;
}

void hf_sim_sidewalk_session_free(struct hf_sim_sidewalk_session *s)
{
	free(s->samples);
	free(s->q_pelvis_to_world);
	s->samples = NULL;
	s->q_pelvis_to_world = NULL;
	s->n = 0;
}

int hf_sim_sidewalk_write_csv(const struct hf_sim_sidewalk_session *s, FILE *f)
{
	char title[120];

	snprintf(title, sizeof title, "hipform simulated side_walk session, %d set(s)",
		 s->n_sets);
	return hf_sim_write_samples_csv(f, title, s->samples, s->n);
}

int hf_sim_sidewalk_write_truth_json(const struct hf_sim_sidewalk_session *s, FILE *f)
{
	json_object *o = json_object_new_object(), *sets = json_object_new_array();
	json_object *truth = json_object_new_object(), *mount = json_object_new_array();
	const struct hf_quat *q = &s->sensor.pelvis_to_sensor;

	json_object_object_add(o, "contract", json_object_new_int(HF_CONTRACT_VERSION));
	json_object_object_add(o, "calibrated", json_object_new_boolean(false));
	for (int i = 0; i < s->n_sets; i++) {
		const struct hf_sim_sidewalk_set *t = &s->sets[i];
		struct hf_steps_summary sum = {
			.steps = t->n_cycles, .cadence_cpm = t->cadence_cpm,
			.n_cycles = t->n_cycles, .cycles = t->cycles,
		};
		struct hf_set_summary set = {
			.exercise = HF_EX_SIDE_WALK, .side = t->side,
			.start_s = t->start_s, .end_s = t->end_s, .steps = &sum,
		};
		json_object_array_add(sets, hf_json_set(&set));
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
