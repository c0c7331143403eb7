/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Side walks (contract section 10): cycles of a sideways step of the
 * leading leg and the following step of the trailing leg, with the
 * obliquity range of each cycle and pelvic_drop above 6 deg.  Motion in,
 * events out, no I/O, nothing allocated per sample.
 *
 * The method, on a ring of recent samples:
 *
 * 1. Orientation.  The front end's filter pulls its attitude towards the
 *    accelerometer, and in a side walk the accelerometer also feels the
 *    sideways acceleration (0.05-0.5 g), which tips the attitude about the
 *    pelvis x axis: the very obliquity we measure.  So the analyser keeps
 *    its own attitude, the gyro integrated and pulled towards the filter's
 *    only slowly (ATT_TAU_S): what the filter gets wrong within a step
 *    averages out, what it gets right over seconds (tilt from gravity)
 *    stays.  While the filter finds the sensor still, up follows the
 *    accelerometer quickly instead (ATT_STILL_TAU_S), which removes the
 *    tilt error that turning round on the spot leaves (gyro scale and
 *    cross-axis errors over 180 deg).
 * 2. Sideways acceleration a_lat: the specific force with gravity
 *    removed, projected on the horizontal plane (sensor frame) and on the
 *    lateral axis L.  Calibrated, L is pelvis y.  Uncalibrated, L is the
 *    horizontal direction in which the acceleration varies most (the
 *    principal axis of its covariance; sideways steps dominate it), its
 *    sign kept continuous, so that the direction of travel is known up to
 *    one sign for the whole session.
 * 3. Sideways velocity u: a_lat integrated, zeroed whenever the pelvis
 *    rests (velocity_step(): a_lat steady for REST_S, or the filter's
 *    stillness; the a_lat read there is the residual gravity leak and is
 *    subtracted) and after turning on the spot until the next rest.
 *    Between rests the drift is removed step by step: within a set the
 *    pelvis moves one way only and stops (or nearly) between steps, so
 *    the lowest velocity (in the direction of travel) since the last step
 *    is a zero-velocity point.
 * 4. Steps: humps of the velocity above that trough, at least V_MIN_MPS
 *    high.  A step starts where its acceleration lobe begins (the last
 *    instant before the peak with the acceleration at most 10 % of the
 *    lobe's largest) and ends where its deceleration lobe has died down.
 * 5. Sets: consecutive steps one way.  A rest and steps the other way
 *    (a change of direction), 3 s or more from the end of a step to the
 *    start of the next, or leaving upright posture end a set.  Steps
 *    2k and 2k+1 of a set are cycle k (a set starts with a lead step);
 *    a cycle runs from its lead step's start to the next lead step's
 *    start, the last one to its trail step's end.  A set needs
 *    MIN_CYCLES cycles (a step aside and back is no set).  The given
 *    side (cfg.side) is not used: the direction is measured.
 * 6. Per cycle, obliquity (contract section 1) against the set baseline,
 *    the mean attitude over the 2 s before the first cycle, in the pelvis
 *    frame: calibrated from the mounting; uncalibrated z = up at the
 *    baseline and y = L (so `side` is null, the obliquity's sign is that
 *    of L, and its range does not depend on it).
 * docs/sidewalk.md has the limits; bench/bench_steps.c the accuracy.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/kind.h"
#include "hipform/summary.h"

#define RING_S 20.0           /* a cycle, 3 s without a step and the lags fit */
#define MAX_CYCLES 256        /* per set; a longer set is split */
#define MIN_CYCLES 2
#define ATT_TAU_S 3.0         /* own attitude follows the filter's this slowly */
#define ATT_STILL_TAU_S 0.3   /* at rest, up follows the accelerometer this fast */
#define ATT_INIT_S 3.0        /* ... and copies it this long at the start */
#define SMOOTH_SIGMA_S 0.04   /* a_lat smoothing */
#define COV_TAU_S 30.0        /* memory of the lateral-axis estimate */
#define REST_G 0.01           /* |a_lat| under this ... */
#define REST_S 0.35           /* ... this long: resting */
#define BIAS_TAU_S 0.25       /* a_lat mean at rest */
#define BIAS_MOVING_TAU_S 8.0 /* ... and while stepping */
#define TURN_DPS 30.0         /* turning on the spot, not side-stepping */
#define REST_YAW_DPS 10.0     /* no rest while turning faster than this */
#define MAX_STEP_S 3.0        /* a velocity hump longer than this is drift */
#define V_ON_MPS 0.04         /* a step candidate rises this far */
#define V_MIN_MPS 0.06        /* a step's peak at least */
#define FALL_FRACTION 0.3     /* a step is over below this of its peak */
#define LOBE_FRACTION 0.1     /* start / end of an acceleration lobe */
#define GAP_S 3.0             /* contract section 10 */
#define GAP_WAIT_S 0.8        /* a step that started by then is seen by now */
#define BASELINE_S 2.0
#define UPRIGHT_COS 0.70710678118654752

struct srec {
	double t_s;
	struct hf_quat q;      /* own attitude, sensor to world */
	double up_s[3];        /* world up, sensor frame */
	double ah_g[3];        /* horizontal linear acceleration, sensor frame */
	double a_lat_g;        /* smoothed, along L (set at the cursor) */
	double u_mps;          /* sideways velocity (set at the cursor) */
	double yaw_dps;        /* turning rate about the vertical */
	bool still;            /* the filter's stillness flag */
};

struct step {
	int sign;
	uint64_t start_i, peak_i;
	double start_s, peak_s; /* peak_s: the ring may lose peak_i before the set ends */
};

enum hump_state { H_IDLE = 0, H_IN };

struct steps {
	struct hf_kind_config cfg;
	hf_event_cb cb;
	void *user;
	double rate_hz, dt_s;

	struct srec *ring;
	size_t cap;
	uint64_t n, cur;       /* pushed; next index the cursor processes */
	double *w;             /* Gaussian taps */
	int l;                 /* half length */

	struct hf_quat q;      /* own attitude */
	double t0_s, last_t_s;
	double cov[3][3];      /* uncalibrated: horizontal acceleration */
	double lat_s[3];       /* L, sensor frame */
	double pz_s[3];        /* pelvis z, sensor frame (calibrated) */
	bool have_lat;

	/* velocity and steps */
	double bias_g, u_mps, rest_from_s;
	bool resting, need_rest;
	int sign;              /* direction since the last rest, 0 unknown */
	double trough;         /* lowest sign * u since the last step */
	double u_ref;          /* direction unknown: u moved from here */
	uint64_t trough_i;
	enum hump_state hs;
	double base_u, peak_w;
	uint64_t peak_i, hump_from_i;
	double hump_t0_s;      /* its trough: the last zero-velocity point */

	/* the open set */
	bool open, announced;
	int set_sign;
	struct step last, prev_lead;
	int n_steps;
	struct hf_quat base_q, p2s;
	double base_up_s[3];
	int n_cycles;
	struct hf_cycle *cycles;
	int faults_sent;
	enum hf_side side;
	int sets_done;

	struct hf_steps_summary sum;
};

/* ---- ring ---- */

static struct srec *at(const struct steps *s, uint64_t i)
{
	return &s->ring[i % s->cap];
}

static uint64_t oldest(const struct steps *s)
{
	return s->n > s->cap ? s->n - s->cap : 0;
}

static uint64_t index_at(const struct steps *s, double t_s)
{
	uint64_t lo = oldest(s), i = s->n ? s->n - 1 : 0;

	while (i > lo && at(s, i - 1)->t_s >= t_s)
		i--;
	return i;
}

/* ---- events ---- */

static void emit(struct steps *s, enum hf_event_type type, double t_s, enum hf_fault f,
		 double value, const struct hf_set_summary *set)
{
	struct hf_event ev = {
		.type = type, .t_s = t_s, .exercise = s->cfg.exercise, .side = s->side,
		.set_index = s->sets_done, .rep_index = -1, .fault = f, .value = value,
		.set = set,
	};

	if (s->cb)
		s->cb(&ev, s->user);
}

static double now_s(const struct steps *s)
{
	return s->n ? at(s, s->n - 1)->t_s : 0.0;
}

/* ---- attitude and the lateral axis ---- */

static void attitude_step(struct steps *s, const struct hf_motion *m)
{
	double dt = m->t_s - s->last_t_s, rv[3], u;

	if (s->n == 0 || m->t_s - s->t0_s < ATT_INIT_S || !(dt > 0.0) || dt > 1.0) {
		if (s->n == 0)
			s->t0_s = m->t_s;
		s->q = m->q_sensor_world;
		return;
	}
	for (int k = 0; k < 3; k++)
		rv[k] = m->gyro_dps[k] * HF_DEG2RAD * dt;
	s->q = hf_quat_normalize(hf_quat_mul(s->q, hf_quat_from_rotvec(rv)));
	if (m->still) {
		/* at rest the accelerometer is gravity alone: up goes to it
		 * quickly (Mahony's correction term, our own gain), which
		 * removes what turning on the spot left of a tilt error */
		double up_q[3], up_m[3], e[3];
		static const double Z[3] = {0.0, 0.0, 1.0};
		memcpy(up_m, m->acc_g, sizeof up_m);
		if (hf_vec_normalize(up_m) <= 0.0)
			return;
		hf_quat_rotate_inv(s->q, Z, up_q);
		hf_vec_cross(up_m, up_q, e);
		for (int k = 0; k < 3; k++)
			rv[k] = e[k] * dt / ATT_STILL_TAU_S;
		s->q = hf_quat_normalize(hf_quat_mul(s->q, hf_quat_from_rotvec(rv)));
		return;
	}
	u = dt / (ATT_TAU_S + dt);
	s->q = hf_quat_normalize(hf_quat_slerp(s->q, m->q_sensor_world, u));
}

static void lateral_from_mounting(struct steps *s)
{
	static const double Y[3] = {0.0, 1.0, 0.0}, Z[3] = {0.0, 0.0, 1.0};

	hf_quat_rotate(s->cfg.pelvis_to_sensor, Y, s->lat_s);
	hf_quat_rotate(s->cfg.pelvis_to_sensor, Z, s->pz_s);
	s->have_lat = true;
}

/* Uncalibrated: the principal axis of cov, continuous with the last one. */
static void lateral_learn(struct steps *s, const double ah[3])
{
	double alpha = s->dt_s / COV_TAU_S, v[3], nv[3];

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			s->cov[i][j] += alpha * (ah[i] * ah[j] - s->cov[i][j]);
	if (s->have_lat) {
		memcpy(v, s->lat_s, sizeof v);
	} else {
		/* start from the largest column */
		int best = 0;
		for (int k = 1; k < 3; k++)
			if (s->cov[k][k] > s->cov[best][best])
				best = k;
		for (int k = 0; k < 3; k++)
			v[k] = s->cov[k][best];
	}
	for (int it = 0; it < 3; it++) {
		for (int i = 0; i < 3; i++)
			nv[i] = s->cov[i][0] * v[0] + s->cov[i][1] * v[1] + s->cov[i][2] * v[2];
		if (hf_vec_normalize(nv) <= 0.0)
			return;
		memcpy(v, nv, sizeof v);
	}
	if (s->have_lat && hf_vec_dot(v, s->lat_s) < 0.0)
		for (int k = 0; k < 3; k++)
			v[k] = -v[k];
	memcpy(s->lat_s, v, sizeof v);
	s->have_lat = true;
}

/* ---- steps and cycles ---- */

/* The start of the step peaking at p: where its acceleration lobe begins. */
static uint64_t lobe_start(const struct steps *s, uint64_t p, uint64_t lo, int sign)
{
	double top = 0.0;
	uint64_t i = p;

	if (lo < oldest(s))
		lo = oldest(s);
	if (i < lo)
		return lo;
	while (i > lo) {
		double a = sign * at(s, i)->a_lat_g;
		top = fmax(top, a);
		if (top > 0.0 && a <= LOBE_FRACTION * top && i < p)
			break;
		i--;
	}
	return i;
}

/* The end of the step peaking at p: its deceleration lobe has died down. */
static uint64_t lobe_end(const struct steps *s, uint64_t p, uint64_t hi, int sign)
{
	double low = 0.0;
	uint64_t i = p < oldest(s) ? oldest(s) : p;

	for (; i < hi; i++) {
		double a = sign * at(s, i)->a_lat_g;
		low = fmin(low, a);
		if (low < 0.0 && a >= LOBE_FRACTION * low && a > low)
			break;
	}
	return i;
}

static struct hf_quat mean_q(const struct steps *s, uint64_t from, uint64_t to)
{
	struct hf_quat_mean m;

	hf_quat_mean_reset(&m);
	for (uint64_t i = from; i <= to; i++)
		hf_quat_mean_add(&m, at(s, i)->q, 1.0);
	return hf_quat_mean_get(&m);
}

/* Pelvis frame from up and L (sensor frame): z = up, y = L, x = y x z. */
static struct hf_quat frame_from_up_lat(const double up[3], const double lat[3])
{
	double x[3], y[3], z[3], d, m[3][3];

	memcpy(z, up, sizeof z);
	hf_vec_normalize(z);
	d = hf_vec_dot(lat, z);
	for (int k = 0; k < 3; k++)
		y[k] = lat[k] - d * z[k];
	hf_vec_normalize(y);
	hf_vec_cross(y, z, x);
	for (int r = 0; r < 3; r++) {
		m[r][0] = x[r];
		m[r][1] = y[r];
		m[r][2] = z[r];
	}
	return hf_quat_normalize(hf_quat_from_matrix(m));
}

static void open_set(struct steps *s, const struct step *first)
{
	double t0 = first->start_s;
	uint64_t w0 = index_at(s, t0 - BASELINE_S), w1 = first->start_i;
	double up[3] = {0, 0, 0};

	if (w1 > w0)
		w1--;
	s->open = true;
	s->announced = false;
	s->set_sign = first->sign;
	s->n_steps = 0;
	s->n_cycles = 0;
	s->faults_sent = 0;
	s->base_q = mean_q(s, w0, w1);
	for (uint64_t i = w0; i <= w1; i++)
		for (int k = 0; k < 3; k++)
			up[k] += at(s, i)->up_s[k];
	hf_vec_normalize(up);
	memcpy(s->base_up_s, up, sizeof up);
	if (s->cfg.has_mounting) {
		s->p2s = s->cfg.pelvis_to_sensor;
		s->side = first->sign > 0 ? HF_SIDE_LEFT : HF_SIDE_RIGHT;
	} else {
		s->p2s = frame_from_up_lat(up, s->lat_s);
		s->side = HF_SIDE_NONE;
	}
}

static double obliquity_range_deg(const struct steps *s, uint64_t from, uint64_t to)
{
	struct hf_quat base_p_inv = hf_quat_conj(hf_quat_mul(s->base_q, s->p2s));
	double lo = INFINITY, hi = -INFINITY;

	for (uint64_t i = from; i <= to; i++) {
		struct hf_angles a;
		struct hf_quat now_p = hf_quat_mul(at(s, i)->q, s->p2s);
		hf_angles_from_quat(hf_quat_mul(base_p_inv, now_p), &a);
		lo = fmin(lo, a.obliquity_deg);
		hi = fmax(hi, a.obliquity_deg);
	}
	return hi >= lo ? hi - lo : NAN;
}

static void send_faults(struct steps *s)
{
	for (; s->faults_sent < s->n_cycles; s->faults_sent++) {
		const struct hf_cycle *c = &s->cycles[s->faults_sent];
		if (c->faults & HF_FAULT_BIT(HF_FAULT_PELVIC_DROP))
			emit(s, HF_EVENT_FAULT, now_s(s), HF_FAULT_PELVIC_DROP,
			     c->obliquity_range_deg, NULL);
	}
}

/* The cycle from lead step `lead` to end_i (exclusive end index end_i). */
static void add_cycle(struct steps *s, const struct step *lead, uint64_t end_i, double end_s)
{
	struct hf_cycle *c;
	uint64_t from = lead->start_i < oldest(s) ? oldest(s) : lead->start_i;

	if (s->n_cycles >= MAX_CYCLES)
		return;
	c = &s->cycles[s->n_cycles++];
	c->start_s = lead->start_s;
	c->end_s = end_s;
	c->obliquity_range_deg = obliquity_range_deg(s, from, end_i > from ? end_i : from);
	c->faults = c->obliquity_range_deg > s->cfg.thresholds.pelvic_drop_deg
			    ? HF_FAULT_BIT(HF_FAULT_PELVIC_DROP) : 0;
	if (s->announced)
		send_faults(s);
}

static void close_set(struct steps *s)
{
	struct hf_set_summary set;

	if (!s->open)
		return;
	s->open = false;
	/* the last cycle: to its trail step's end */
	if (s->n_steps >= 2 && s->n_steps % 2 == 0) {
		uint64_t e = lobe_end(s, s->last.peak_i, s->cur ? s->cur - 1 : 0, s->last.sign);
		add_cycle(s, &s->prev_lead, e, at(s, e)->t_s);
	}
	if (s->n_cycles < MIN_CYCLES)
		return;
	s->sum.steps = s->n_cycles;
	s->sum.n_cycles = s->n_cycles;
	s->sum.cycles = s->cycles;
	s->sum.cadence_cpm = s->n_cycles >= 2 && s->cycles[s->n_cycles - 1].start_s > s->cycles[0].start_s
		? 60.0 * (s->n_cycles - 1) /
		  (s->cycles[s->n_cycles - 1].start_s - s->cycles[0].start_s)
		: NAN;
	if (!s->announced) {
		emit(s, HF_EVENT_SET_START, now_s(s), HF_FAULT_COUNT, 0.0, NULL);
		s->announced = true;
	}
	send_faults(s);
	memset(&set, 0, sizeof set);
	set.exercise = s->cfg.exercise;
	set.side = s->side;
	set.start_s = s->cycles[0].start_s;
	set.end_s = s->cycles[s->n_cycles - 1].end_s;
	set.steps = &s->sum;
	emit(s, HF_EVENT_SET, now_s(s), HF_FAULT_COUNT, 0.0, &set);
	s->sets_done++;
	s->announced = false;
}

static bool upright_now(const struct steps *s, const struct srec *r)
{
	if (s->cfg.has_mounting)
		return hf_vec_dot(s->pz_s, r->up_s) >= UPRIGHT_COS;
	return !s->open || hf_vec_dot(s->base_up_s, r->up_s) >= UPRIGHT_COS;
}

static void add_step(struct steps *s, const struct step *st)
{
	if (s->open) {
		uint64_t e = lobe_end(s, s->last.peak_i, st->start_i, s->last.sign);
		double gap = st->start_s - at(s, e)->t_s;
		if (st->sign != s->set_sign || gap >= GAP_S ||
		    s->n_steps >= 2 * MAX_CYCLES)
			close_set(s);
	}
	if (!s->open)
		open_set(s, st);
	if (s->n_steps % 2 == 0) {
		if (s->n_steps >= 2)
			add_cycle(s, &s->prev_lead, st->start_i > 0 ? st->start_i - 1 : 0,
				  st->start_s);
		s->prev_lead = *st;
	}
	s->last = *st;
	s->n_steps++;
	if (!s->announced && s->n_steps >= 2 * MIN_CYCLES) {
		s->announced = true;
		emit(s, HF_EVENT_SET_START, now_s(s), HF_FAULT_COUNT, 0.0, NULL);
		send_faults(s);
	}
}

/* A hump that is no step: its direction says nothing of the next one. */
static void forget_sign(struct steps *s)
{
	s->sign = 0;
	s->u_ref = at(s, s->cur - 1)->u_mps;
	s->trough_i = s->cur - 1;
}

/* A velocity hump ended: a step if high enough. */
static void hump_done(struct steps *s)
{
	struct step st;
	uint64_t lo = s->hump_from_i;

	if (s->peak_w < V_MIN_MPS) {
		forget_sign(s);
		return;
	}
	if (lo < oldest(s))
		lo = oldest(s);
	st.sign = s->sign;
	st.peak_i = s->peak_i;
	st.start_i = lobe_start(s, s->peak_i, lo, s->sign);
	st.start_s = at(s, st.start_i)->t_s;
	st.peak_s = at(s, st.peak_i)->t_s;
	if (!upright_now(s, at(s, st.peak_i))) {
		close_set(s);
		return;
	}
	add_step(s, &st);
}

/* ---- the cursor: smoothing, velocity, humps, set timing ---- */

static double smooth_lat(const struct steps *s, uint64_t c)
{
	double sum = 0.0, wsum = 0.0;
	uint64_t lo = oldest(s), hi = s->n - 1;

	for (int k = -s->l; k <= s->l; k++) {
		int64_t j = (int64_t)c + k;
		if (j < (int64_t)lo || j > (int64_t)hi)
			continue;
		sum += s->w[k + s->l] * hf_vec_dot(at(s, (uint64_t)j)->ah_g, s->lat_s);
		wsum += s->w[k + s->l];
	}
	return wsum > 0.0 ? sum / wsum : 0.0;
}

/* How long a_lat has stayed within a 2 REST_G band up to c (looking back
 * at most REST_S, and not before rest_from_s). */
static double steady_for_s(const struct steps *s, uint64_t c)
{
	double lo = at(s, c)->a_lat_g, hi = lo, t0 = at(s, c)->t_s;
	uint64_t i = c, first = oldest(s);

	while (i > first) {
		const struct srec *p = at(s, i - 1);
		if (t0 - p->t_s > REST_S || p->t_s < s->rest_from_s)
			break;
		lo = fmin(lo, p->a_lat_g);
		hi = fmax(hi, p->a_lat_g);
		if (hi - lo > 2.0 * REST_G)
			break;
		i--;
	}
	return t0 - at(s, i)->t_s + s->dt_s;
}

/* Back to "not moving": velocity zero, direction unknown. */
static void zero_velocity(struct steps *s, uint64_t c)
{
	s->u_mps = 0.0;
	s->u_ref = 0.0;
	s->sign = 0;
	s->trough = 0.0;
	s->trough_i = c;
	s->hs = H_IDLE;
}

/*
 * Resting: the filter finds the sensor still, or a_lat steady (within a
 * band 2 REST_G wide) for REST_S, not turning, and not in the middle of
 * a step (a slow step's acceleration can be as flat
 * round its peak velocity);
 * a steady a_lat is the gravity leak of the attitude's small error, and
 * is subtracted while moving.  Turning on the spot (the pelvis turning
 * about the vertical faster than TURN_DPS: side steps barely turn it)
 * swings the lever arm round, which no side step does: it zeroes the
 * velocity too.  So does a "step" longer than MAX_STEP_S (drift).
 */
static void velocity_step(struct steps *s, uint64_t c, double dt)
{
	struct srec *r = at(s, c);
	double a = r->a_lat_g;

	/* resting needs REST_S of steady a_lat, none of it in a step or a turn */
	if (s->hs == H_IN || fabs(r->yaw_dps) > REST_YAW_DPS)
		s->rest_from_s = NAN;
	else if (isnan(s->rest_from_s))
		s->rest_from_s = r->t_s;
	s->resting = !isnan(s->rest_from_s) && steady_for_s(s, c) >= REST_S;
	s->resting = s->resting ||
		     (r->still && s->hs == H_IDLE && fabs(r->yaw_dps) <= REST_YAW_DPS);
	/* the leak: what a_lat reads at rest; while moving, its slow mean
	 * (steps accelerate and brake: their own mean is zero) */
	s->bias_g += (a - s->bias_g) * dt / ((s->resting ? BIAS_TAU_S : BIAS_MOVING_TAU_S) + dt);
	if (fabs(r->yaw_dps) > TURN_DPS)
		s->need_rest = true; /* turned on the spot: stand, then step */
	else if (s->resting)
		s->need_rest = false;
	if (s->resting || s->need_rest ||
	    (s->hs == H_IN && r->t_s - s->hump_t0_s > MAX_STEP_S))
		zero_velocity(s, c);
	else
		s->u_mps += (a - s->bias_g) * HF_G_MPS2 * dt;
	r->u_mps = s->u_mps;
}

static void hump_step(struct steps *s, uint64_t c)
{
	double u = at(s, c)->u_mps, w;

	if (s->hs == H_IDLE) {
		if (s->sign == 0) {
			if (fabs(u - s->u_ref) < V_ON_MPS)
				return;
			s->sign = u > s->u_ref ? 1 : -1;
			s->trough = s->sign * s->u_ref;
		} else if (s->sign * u < s->trough) {
			s->trough = s->sign * u;
			s->trough_i = c;
			return;
		}
		if (s->sign * u - s->trough < V_ON_MPS)
			return;
		s->hs = H_IN;
		s->hump_t0_s = s->trough_i >= oldest(s) ? at(s, s->trough_i)->t_s : -INFINITY;
		s->base_u = s->trough;
		s->peak_w = s->sign * u - s->base_u;
		s->peak_i = c;
		/* the step began after the trough (not long before it shows) */
		s->hump_from_i = s->trough_i + (uint64_t)(MAX_STEP_S * s->rate_hz) < c
					 ? c - (uint64_t)(MAX_STEP_S * s->rate_hz) : s->trough_i;
		return;
	}
	w = s->sign * u - s->base_u;
	if (w > s->peak_w) {
		s->peak_w = w;
		s->peak_i = c;
	}
	if (w >= FALL_FRACTION * s->peak_w)
		return;
	s->hs = H_IDLE;
	hump_done(s);
	s->trough = s->sign * u;
	s->trough_i = c;
}

static void set_timing(struct steps *s, const struct srec *r)
{
	double est_end;

	if (!s->open)
		return;
	if (!upright_now(s, r)) {
		close_set(s);
		return;
	}
	if (s->hs != H_IDLE)
		return;
	est_end = 2.0 * s->last.peak_s - s->last.start_s;
	if (r->t_s - est_end >= GAP_S + GAP_WAIT_S)
		close_set(s);
}

static void cursor_step(struct steps *s)
{
	uint64_t c = s->cur++;
	struct srec *r = at(s, c);
	double dt = c > 0 ? r->t_s - at(s, c - 1)->t_s : 0.0;

	if (!(dt > 0.0) || dt > 1.0)
		dt = 0.0;
	r->a_lat_g = s->have_lat ? smooth_lat(s, c) : 0.0;
	velocity_step(s, c, dt);
	hump_step(s, c);
	set_timing(s, r);
}

/* ---- the interface ---- */

static void steps_update(void *self, const struct hf_motion *m)
{
	struct steps *s = self;
	struct srec *r;
	double lin[3], d;
	static const double Z[3] = {0.0, 0.0, 1.0};

	if (s->n > 0 && m->t_s < at(s, s->n - 1)->t_s)
		return;
	if (s->n >= s->cap && s->cur <= s->n - s->cap)
		s->cur = s->n - s->cap + 1; /* cannot happen at a sane lag */
	attitude_step(s, m);
	s->last_t_s = m->t_s;
	r = at(s, s->n);
	r->t_s = m->t_s;
	r->q = s->q;
	hf_quat_rotate_inv(s->q, Z, r->up_s);
	for (int k = 0; k < 3; k++)
		lin[k] = m->acc_g[k] - r->up_s[k];
	d = hf_vec_dot(lin, r->up_s);
	for (int k = 0; k < 3; k++)
		r->ah_g[k] = lin[k] - d * r->up_s[k];
	r->a_lat_g = r->u_mps = 0.0;
	r->yaw_dps = hf_vec_dot(m->gyro_dps, r->up_s);
	r->still = m->still;
	s->n++;
	if (!s->cfg.has_mounting)
		lateral_learn(s, r->ah_g);
	while (s->cur + (uint64_t)s->l < s->n)
		cursor_step(s);
}

static void flush(struct steps *s)
{
	while (s->cur < s->n)
		cursor_step(s);
	if (s->hs == H_IN) {
		s->hs = H_IDLE;
		hump_done(s);
	}
	close_set(s);
	s->sign = 0;
	s->u_mps = 0.0;
	s->trough = 0.0;
}

/* A break in the input and its end close the same way. */
static void steps_close(void *self)
{
	flush(self);
}

static void steps_destroy(void *self)
{
	struct steps *s = self;

	if (!s)
		return;
	free(s->ring);
	free(s->w);
	free(s->cycles);
	free(s);
}

static double *gaussian_taps(double sigma, int *half)
{
	int l = (int)ceil(3.0 * sigma);
	double *w = calloc((size_t)(2 * l + 1), sizeof *w);

	if (!w)
		return NULL;
	for (int k = -l; k <= l; k++)
		w[k + l] = sigma > 0.0 ? exp(-0.5 * (k / sigma) * (k / sigma)) : 1.0;
	*half = l;
	return w;
}

static void *steps_create(const struct hf_kind_config *cfg, hf_event_cb cb, void *user)
{
	struct steps *s;

	if (!cfg || !(cfg->rate_hz > 0.0) || !hf_exercise_info(cfg->exercise) ||
	    hf_exercise_info(cfg->exercise)->kind != HF_KIND_STEPS)
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->cb = cb;
	s->user = user;
	s->rate_hz = cfg->rate_hz;
	s->dt_s = 1.0 / cfg->rate_hz;
	s->cap = (size_t)(RING_S * cfg->rate_hz) + 64;
	s->ring = calloc(s->cap, sizeof *s->ring);
	s->cycles = calloc(MAX_CYCLES, sizeof *s->cycles);
	s->w = gaussian_taps(SMOOTH_SIGMA_S * cfg->rate_hz, &s->l);
	if (!s->ring || !s->cycles || !s->w) {
		steps_destroy(s);
		return NULL;
	}
	s->q = hf_quat_identity();
	s->rest_from_s = NAN;
	if (cfg->has_mounting)
		lateral_from_mounting(s);
	return s;
}

static void steps_live(const void *self, struct hf_live *out)
{
	const struct steps *s = self;
	bool in = s->open && s->announced;

	out->posture = HF_POSTURE_UNKNOWN;
	out->in_set = in;
	out->exercise = in ? s->cfg.exercise : HF_EX_NONE;
	out->side = in ? s->side : HF_SIDE_NONE;
	out->steps = in ? s->n_steps / 2 : 0;
	out->cadence_spm = 0.0;
	out->rep_count = 0;
	out->hold_s = 0.0;
	out->hold_target_s = 0.0;
	out->set_count = s->sets_done;
	memset(&out->angles, 0, sizeof out->angles);
	if (in && s->n > 0) {
		struct hf_quat base_p = hf_quat_mul(s->base_q, s->p2s);
		struct hf_quat now_p = hf_quat_mul(at(s, s->n - 1)->q, s->p2s);
		hf_angles_from_quat(hf_quat_mul(hf_quat_conj(base_p), now_p), &out->angles);
	}
}

const struct hf_kind_ops hf_kind_steps_ops = {
	.kind = HF_KIND_STEPS,
	.create = steps_create,
	.destroy = steps_destroy,
	.update = steps_update,
	.interrupt = steps_close,
	.finish = steps_close,
	.live = steps_live,
};
