/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Walking and running (contract section 11) from a sensor on the pelvis.
 *
 * The problem.  One sensor on the lower back sees the trunk ride on the
 * legs: each initial contact (IC) loads the pelvis upwards, the pelvis
 * turns and tips with every stride, and in a run it flies.  From that we
 * want the contacts, which foot made each, and per-foot figures, online
 * (the daemon shows cadence while the person walks), with nothing
 * allocated per sample.
 *
 * The method, stage by stage, each on a ring of recent samples:
 *
 * 1. Vertical specific force a_v (g) and the yaw rate about world up,
 *    from the orientation filter (world up in the sensor frame; this is
 *    Moe-Nilssen's 1998 tilt correction done with the attitude).
 * 2. Steps: a_v smoothed with a Gaussian (sigma 50 ms) peaks once per step
 *    during the loading after each contact (the CoM's upward acceleration
 *    is largest in double support, Zijlstra & Hof 2003).  A peak is a step
 *    when it is the largest within +-0.2 s, high enough and prominent
 *    enough.
 * 3. The contact itself, walking: the steepest rise of a_v smoothed with
 *    sigma 20 ms in the 0.2 s before that peak, the heel-strike loading.
 *    (McCamley et al. 2012 take the IC at the minimum of the Gaussian-
 *    wavelet derivative of the integrated vertical acceleration, i.e. of
 *    the smoothed acceleration itself, which comes just before this rise.
 *    On the real lower-back recordings, bench/gait_mobgap.c, that minimum
 *    (on the same sigma 20 ms smoothing) matched 0.28 of the INDIP
 *    contacts within 60 ms and 0.31 of the optical ones, the steepest
 *    rise 0.63 and 0.71, the point midway 0.45 and 0.53, the upward
 *    crossing of 1 g 0.49 and 0.55.)
 *    Running: the step has a flight phase (specific force near 0 g, free
 *    fall) before the peak; the contact is where the force rises out of it
 *    and toe-off where it falls back, both extrapolated to zero force with
 *    the half-sine model of the vertical ground reaction force (Blickhan
 *    1989; Morin et al. 2005).
 * 4. The foot, from the sign of the yaw rate at the contact (McCamley et
 *    al. 2012, the "vertical angular velocity" rule used by Mobilise-D):
 *    the pelvis is still turning with the swinging leg as it lands, so at
 *    a left contact it turns clockwise seen from above.  Neighbouring
 *    steps vote too (steps alternate), but not across an interval longer
 *    than 1.5 step times, where a step may have been missed and the
 *    alternation is unknown.  Needs no forward direction.
 * 5. The pelvis frame.  Calibrated: the mounting.  Uncalibrated: up is the
 *    mean of world up in the sensor frame while walking; forward is the
 *    horizontal direction in which the acceleration varies most (the
 *    fore-aft acceleration of gait exceeds the sideways one, Zijlstra &
 *    Hof 2003); left = up x forward.  The sign of that axis pair is
 *    settled physically, not by the obliquity we are about to measure:
 *    in the frontal plane the trunk is an inverted pendulum over the
 *    stance foot (MacKinnon & Winter 1993), so during a left stance the
 *    CoM, medial to the foot, is accelerated to the right.  With the feet
 *    from step 4, the mean lateral acceleration early in left steps minus
 *    that in right steps is negative when "left" is left; otherwise the
 *    axis is turned round (and forward with it).
 * 6. Per step (from its IC to the next): obliquity rise and fall against
 *    its value at the contact (pelvic drop, section 11), the obliquity
 *    range, the vertical displacement by integrating a_v twice with the
 *    drift removed per step (step periodicity: zero mean velocity and
 *    acceleration over the step, the inverted-pendulum bounce of
 *    Zijlstra & Hof 2003), the flight phase and toe-off.  Per stride, the
 *    rotation range from the integrated yaw rate with the stride's mean
 *    turning removed.
 * 7. Bouts: consecutive contacts less than 2 s apart, while upright; at
 *    least 4 of them make a set, closed 2 s after the last contact.
 *
 * Obliquity is taken from world up in the pelvis frame, asin(u_y), against
 * the mean over walking: this is the section 1 obliquity against the
 * bout's mean orientation with the heading taken locally, so a turn does
 * not mix tilt into obliquity.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"
#include "hipform/kind.h"

#define RING_S 8.0             /* seconds of samples kept */
#define MAX_STEPS 16384        /* per bout; a longer bout is split */
#define FINE_SIGMA_S 0.02      /* contact timing */
#define COARSE_SIGMA_S 0.05
#define YAW_SIGMA_S 0.04
#define YAW_HP_HALF_S 0.6      /* moving mean removed: turning, drift */
#define PEAK_HALF_S 0.2
#define PEAK_MIN_G 0.02
#define PEAK_PROMINENCE_G 0.05
#define REFINE_S 0.2           /* contact at most this long before the peak */
#define FLIGHT_G 0.3           /* specific force below this: airborne */
#define FLIGHT_MIN_S 0.03      /* for at least this long */
#define FLIGHT_LOOK_S 0.35     /* flight searched this long before a peak */
#define PAUSE_S 2.0            /* contract section 11 */
#define MIN_BOUT_STEPS 4
#define UPRIGHT_DEG 45.0       /* contract section 3 */
#define FRAME_TAU_S 20.0       /* memory of the frame estimate */
#define LIVE_STEPS 10          /* live cadence over the last steps */

struct gsample {
	double t_s;
	double acc_g[3];        /* specific force, sensor frame */
	double up_s[3];         /* world up, sensor frame */
	double av_g;            /* vertical specific force - 1 g */
	double yaw_dps;         /* rate about world up */
	double yaw_deg;         /* its integral */
	double fine_g, coarse_g, yaw_hp_dps; /* filtered, valid after delays */
};

struct frame {
	bool calibrated;
	double up_mean[3];      /* EWMA of up_s while walking (uncalibrated) */
	double cov[3][3];       /* EWMA of horizontal linear acceleration */
	double fwd[3];          /* sensor frame */
	double lat[3];          /* sensor frame, "left" up to lat_sign */
	double upp[3];          /* pelvis z, sensor frame */
	double lat_evidence;    /* sum of (left - right) lateral acceleration */
	double lat_sign;        /* +1: lat is left */
	bool have;
};

struct gait {
	struct hf_kind_config cfg;
	hf_event_cb cb;
	void *user;
	double rate_hz;

	struct gsample *ring;
	size_t cap;
	uint64_t n;             /* samples pushed */
	double *w_fine, *w_coarse, *w_yaw;
	int l_fine, l_coarse, l_yaw, h_yaw, k_peak, k_prom, k_refine;
	double yaw_sum;         /* raw yaw over the HP window */
	double lag_s;           /* a contact is seen this long after it */

	struct frame fr;

	/* the open bout */
	struct hf_gait_step *steps;
	int n_steps;
	bool announced;         /* SET_START sent */
	double last_peak_s;
	int set_index, sets_done;

	struct hf_contact *contacts;
	struct hf_gait_summary sum;
};

/* ---- ring ---- */

static struct gsample *at(const struct gait *g, uint64_t i)
{
	return &g->ring[i % g->cap];
}

static double *gaussian(double sigma_samples, int *half)
{
	int l = (int)ceil(3.0 * sigma_samples);
	double *w = calloc((size_t)(2 * l + 1), sizeof *w), sum = 0.0;

	if (!w)
		return NULL;
	for (int k = -l; k <= l; k++) {
		w[k + l] = exp(-0.5 * (k / sigma_samples) * (k / sigma_samples));
		sum += w[k + l];
	}
	for (int k = 0; k <= 2 * l; k++)
		w[k] /= sum;
	*half = l;
	return w;
}

/* Weighted sum of field `off` (a double in struct gsample) around centre. */
static double fir(const struct gait *g, uint64_t centre, const double *w, int l,
		  size_t off)
{
	double s = 0.0;

	for (int k = -l; k <= l; k++) {
		const struct gsample *x = at(g, centre + (uint64_t)(int64_t)k);
		s += w[k + l] * *(const double *)((const char *)x + off);
	}
	return s;
}

/* ---- frame ---- */

static void frame_init(struct frame *f, const struct hf_kind_config *cfg)
{
	memset(f, 0, sizeof *f);
	f->lat_sign = 1.0;
	if (!cfg->has_mounting)
		return;
	f->calibrated = true;
	f->have = true;
	hf_quat_rotate(cfg->pelvis_to_sensor, (const double[3]){1, 0, 0}, f->fwd);
	hf_quat_rotate(cfg->pelvis_to_sensor, (const double[3]){0, 1, 0}, f->lat);
	hf_quat_rotate(cfg->pelvis_to_sensor, (const double[3]){0, 0, 1}, f->upp);
}

/* One walking sample into the uncalibrated frame's averages. */
static void frame_learn(struct frame *f, const struct gsample *x, double alpha)
{
	double lin[3];

	if (f->calibrated)
		return;
	if (!f->have) {
		memcpy(f->up_mean, x->up_s, sizeof f->up_mean);
		f->have = true;
	}
	for (int i = 0; i < 3; i++) {
		f->up_mean[i] += alpha * (x->up_s[i] - f->up_mean[i]);
		lin[i] = x->acc_g[i] - x->up_s[i];
	}
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			f->cov[i][j] += alpha * (lin[i] * lin[j] - f->cov[i][j]);
}

/* Principal horizontal direction of cov, continuous with the last one. */
static void frame_solve(struct frame *f)
{
	double up[3], v[3], m[3][3], h[3][3];

	if (f->calibrated || !f->have)
		return;
	memcpy(up, f->up_mean, sizeof up);
	if (hf_vec_normalize(up) <= 0.0)
		return;
	/* h = P cov P with P the projection on the horizontal plane */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			m[i][j] = (i == j) - up[i] * up[j];
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			double s = 0.0;
			for (int k = 0; k < 3; k++)
				for (int l = 0; l < 3; l++)
					s += m[i][k] * f->cov[k][l] * m[l][j];
			h[i][j] = s;
		}
	/* power iteration from the last estimate (or a horizontal guess) */
	if (hf_vec_norm(f->fwd) > 0.5) {
		memcpy(v, f->fwd, sizeof v);
	} else {
		double e[3] = {up[1], up[2], up[0]}; /* not parallel to up */
		hf_vec_cross(up, e, v);
	}
	for (int it = 0; it < 30; it++) {
		double nv[3] = {0, 0, 0};
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++)
				nv[i] += h[i][j] * v[j];
		if (hf_vec_normalize(nv) <= 0.0)
			return;
		memcpy(v, nv, sizeof v);
	}
	if (hf_vec_dot(v, f->fwd) < 0.0)
		for (int i = 0; i < 3; i++)
			v[i] = -v[i];
	memcpy(f->fwd, v, sizeof v);
	hf_vec_cross(up, v, f->lat);
	hf_vec_normalize(f->lat);
	memcpy(f->upp, up, sizeof up);
}

/* Obliquity (+ lat side up) of a sample, degrees, with the current frame. */
static double obliquity_deg(const struct frame *f, const struct gsample *x)
{
	double u_lat = hf_vec_dot(x->up_s, f->lat), u_up = hf_vec_dot(x->up_s, f->upp);

	return atan2(u_lat, u_up) * HF_RAD2DEG;
}

static double tilt_deg(const struct frame *f, const struct gsample *x)
{
	double u_fwd = hf_vec_dot(x->up_s, f->fwd);

	if (!f->calibrated)
		return NAN;
	return asin(fmax(-1.0, fmin(1.0, -u_fwd))) * HF_RAD2DEG;
}

static bool upright(const struct gait *g, const struct gsample *x)
{
	const double *ref = g->fr.calibrated ? g->fr.upp : g->fr.up_mean;

	if (!g->fr.have)
		return true;
	return hf_vec_dot(x->up_s, ref) / fmax(hf_vec_norm(ref), 1e-9) >
	       cos(UPRIGHT_DEG * HF_DEG2RAD);
}

/* ---- events ---- */

static void fill_yaw_scores(struct gait *g);

static void emit(struct gait *g, enum hf_event_type type, double t_s,
		 const struct hf_set_summary *set)
{
	struct hf_event ev = {
		.type = type, .t_s = t_s, .exercise = g->cfg.exercise,
		.side = HF_SIDE_NONE, .set_index = g->set_index, .rep_index = -1,
		.set = set,
	};

	if (g->cb)
		g->cb(&ev, g->user);
}

/* Physically settled sign of the lateral axis (file comment, 5). */
static void settle_lat_sign(struct gait *g)
{
	for (int k = 0; k < g->n_steps; k++) {
		const struct hf_gait_step *s = &g->steps[k];
		if (!s->measured || !isfinite(s->lat_acc_g))
			continue;
		g->fr.lat_evidence += s->foot == HF_SIDE_LEFT ? s->lat_acc_g : -s->lat_acc_g;
	}
	if (!g->fr.calibrated)
		g->fr.lat_sign = g->fr.lat_evidence <= 0.0 ? 1.0 : -1.0;
}

static void close_bout(struct gait *g, double t_s)
{
	struct hf_set_summary set;

	fill_yaw_scores(g);
	if (g->n_steps >= MIN_BOUT_STEPS) {
		hf_gait_assign_feet(g->steps, g->n_steps);
		settle_lat_sign(g);
		hf_gait_summarise(g->steps, g->n_steps, g->fr.lat_sign, &g->sum, g->contacts);
		memset(&set, 0, sizeof set);
		set.exercise = g->cfg.exercise;
		set.side = HF_SIDE_NONE;
		set.start_s = g->steps[0].t_s;
		set.end_s = g->steps[g->n_steps - 1].t_s;
		set.gait = &g->sum;
		if (!g->announced)
			emit(g, HF_EVENT_SET_START, t_s, NULL);
		emit(g, HF_EVENT_SET, t_s, &set);
		g->set_index++;
		g->sets_done++;
	}
	g->n_steps = 0;
	g->announced = false;
}

/* ---- per step ---- */

/* Ring index of time t_s, searching back from newest. */
static uint64_t index_of(const struct gait *g, double t_s, uint64_t newest)
{
	uint64_t oldest = g->n > g->cap ? g->n - g->cap : 0, i = newest;

	while (i > oldest && at(g, i - 1)->t_s >= t_s)
		i--;
	return i;
}

/* Peak-to-peak vertical displacement over [i0, i1), cm (file comment, 6). */
static double vertical_oscillation_cm(const struct gait *g, uint64_t i0, uint64_t i1)
{
	double a_mean = 0.0, v = 0.0, v_mean = 0.0, d = 0.0, lo = 0.0, hi = 0.0, dt;
	size_t n = (size_t)(i1 - i0);

	if (n < 4)
		return NAN;
	dt = (at(g, i1 - 1)->t_s - at(g, i0)->t_s) / (double)(n - 1);
	for (uint64_t i = i0; i < i1; i++)
		a_mean += at(g, i)->av_g;
	a_mean /= (double)n;
	for (uint64_t i = i0; i < i1; i++) {
		v += (at(g, i)->av_g - a_mean) * HF_G_MPS2 * dt;
		v_mean += v;
	}
	v_mean /= (double)n;
	v = 0.0;
	for (uint64_t i = i0; i < i1; i++) {
		v += (at(g, i)->av_g - a_mean) * HF_G_MPS2 * dt;
		d += (v - v_mean) * dt;
		lo = fmin(lo, d);
		hi = fmax(hi, d);
	}
	return (hi - lo) * 100.0;
}

/* A flight phase: specific force under FLIGHT_G long enough. */
static bool has_flight(const struct gait *g, uint64_t i0, uint64_t i1)
{
	double run_s = 0.0, t_prev = at(g, i0)->t_s;

	for (uint64_t i = i0; i < i1; i++) {
		const struct gsample *x = at(g, i);
		run_s = x->fine_g + 1.0 < FLIGHT_G ? run_s + (x->t_s - t_prev) : 0.0;
		t_prev = x->t_s;
		if (run_s >= FLIGHT_MIN_S)
			return true;
	}
	return false;
}

/* Range of the yaw angle over a stride with its linear trend removed. */
static double rotation_range_deg(const struct gait *g, uint64_t i0, uint64_t i2)
{
	const struct gsample *a = at(g, i0), *b = at(g, i2);
	double lo = 0.0, hi = 0.0, span = b->t_s - a->t_s;

	if (span <= 0.0)
		return NAN;
	for (uint64_t i = i0; i <= i2; i++) {
		const struct gsample *x = at(g, i);
		double r = x->yaw_deg - a->yaw_deg -
			   (b->yaw_deg - a->yaw_deg) * (x->t_s - a->t_s) / span;
		lo = fmin(lo, r);
		hi = fmax(hi, r);
	}
	return hi - lo;
}

/* Step k ends at step k + 1's contact: measure it (file comment, 6). */
static void measure_step(struct gait *g, int k, uint64_t newest)
{
	struct hf_gait_step *s = &g->steps[k];
	uint64_t i0 = index_of(g, s->t_s, newest), i1 = index_of(g, g->steps[k + 1].t_s, newest);
	uint64_t half = i0 + (i1 - i0) / 2;
	double o0, lat = 0.0, tilt = 0.0;

	if (i1 <= i0 + 2)
		return;
	frame_solve(&g->fr);
	o0 = obliquity_deg(&g->fr, at(g, i0));
	s->rise_deg = s->fall_deg = 0.0;
	s->obl_min_deg = s->obl_max_deg = o0;
	for (uint64_t i = i0; i < i1; i++) {
		const struct gsample *x = at(g, i);
		double o = obliquity_deg(&g->fr, x);
		s->rise_deg = fmax(s->rise_deg, o - o0);
		s->fall_deg = fmax(s->fall_deg, o0 - o);
		s->obl_min_deg = fmin(s->obl_min_deg, o);
		s->obl_max_deg = fmax(s->obl_max_deg, o);
		tilt += tilt_deg(&g->fr, x);
		if (i < half) {
			double lin[3];
			for (int j = 0; j < 3; j++)
				lin[j] = x->acc_g[j] - x->up_s[j];
			lat += hf_vec_dot(lin, g->fr.lat);
		}
	}
	s->lat_acc_g = half > i0 ? lat / (double)(half - i0) : NAN;
	s->tilt_deg = tilt / (double)(i1 - i0);
	s->vo_cm = vertical_oscillation_cm(g, i0, i1);
	s->flight = has_flight(g, i0, i1);
	s->rotation_range_deg = NAN;
	s->measured = true;
	if (k >= 1 && (k - 1) % 2 == 0 && g->steps[k - 1].measured)
		g->steps[k - 1].rotation_range_deg =
			rotation_range_deg(g, index_of(g, g->steps[k - 1].t_s, newest), i1);
}

/* ---- contacts ---- */

/* The yaw vote of each contact once its high-passed yaw rate exists. */
static void fill_yaw_scores(struct gait *g)
{
	uint64_t ready = g->n - 1 - (uint64_t)g->h_yaw, oldest = g->n > g->cap ? g->n - g->cap : 0;

	if (g->n <= (uint64_t)g->h_yaw + 1)
		return;
	for (int k = g->n_steps - 1; k >= 0 && isnan(g->steps[k].yaw_score_dps); k--) {
		uint64_t i = index_of(g, g->steps[k].t_s, g->n - 1);
		if (i > ready)
			continue;
		if (i >= oldest)
			g->steps[k].yaw_score_dps = at(g, i)->yaw_hp_dps;
	}
}

/*
 * Half-sine GRF (Morin et al. 2005): crossing the level theta of a
 * half-sine of peak F and duration Tc happens asin(theta/F)/pi * Tc from
 * either end; returns that extension for a measured crossing interval.
 */
static double half_sine_extension_s(double interval_s, double peak_g)
{
	double frac;

	if (peak_g <= FLIGHT_G)
		return 0.0;
	frac = asin(FLIGHT_G / peak_g) / HF_PI;
	return interval_s * frac / (1.0 - 2.0 * frac);
}

/* Running: contact and toe-off around peak p, out of and into flight. */
static bool flight_contact(const struct gait *g, uint64_t p, uint64_t lo, double *ic_s,
			   double *to_s)
{
	uint64_t up = p, down = p, newest_fine = g->n - 1 - (uint64_t)g->l_fine;
	double peak = 0.0, ext;

	while (up > lo && at(g, up - 1)->fine_g + 1.0 >= FLIGHT_G)
		up--;
	if (up == lo || !has_flight(g, lo, up))
		return false; /* no flight before this contact */
	while (down < newest_fine && at(g, down + 1)->fine_g + 1.0 >= FLIGHT_G)
		down++;
	if (down == newest_fine)
		return false;
	for (uint64_t i = up; i <= down; i++)
		peak = fmax(peak, at(g, i)->fine_g + 1.0);
	ext = half_sine_extension_s(at(g, down)->t_s - at(g, up)->t_s, peak);
	*ic_s = at(g, up)->t_s - ext;
	*to_s = at(g, down)->t_s + ext;
	return true;
}

/* Walking: the steepest rise of the fine signal before peak p. */
static double loading_contact_s(const struct gait *g, uint64_t p)
{
	uint64_t lo = p > (uint64_t)g->k_refine + 1 ? p - (uint64_t)g->k_refine : 1;
	double best = -INFINITY;
	uint64_t arg = p;

	for (uint64_t i = lo; i <= p; i++) {
		double slope = at(g, i + 1)->fine_g - at(g, i - 1)->fine_g;
		if (slope > best) {
			best = slope;
			arg = i;
		}
	}
	return at(g, arg)->t_s;
}

static void add_contact(struct gait *g, uint64_t p, double ic_s, double to_s)
{
	struct hf_gait_step *s;

	if (g->n_steps > 0 && ic_s - g->steps[g->n_steps - 1].t_s >= PAUSE_S)
		close_bout(g, at(g, p)->t_s);
	if (g->n_steps > 0 && ic_s <= g->steps[g->n_steps - 1].t_s)
		return;
	if (g->n_steps == MAX_STEPS)
		close_bout(g, at(g, p)->t_s);
	s = &g->steps[g->n_steps];
	memset(s, 0, sizeof *s);
	s->t_s = ic_s;
	s->toe_off_s = to_s;
	s->yaw_score_dps = NAN;
	g->n_steps++;
	fill_yaw_scores(g);
	if (g->n_steps >= 2)
		measure_step(g, g->n_steps - 2, g->n - 1);
	if (g->n_steps == MIN_BOUT_STEPS && !g->announced) {
		emit(g, HF_EVENT_SET_START, at(g, g->n - 1)->t_s, NULL);
		g->announced = true;
	}
}

/* Is p the largest coarse peak within +-k_peak, high and prominent? */
static bool is_step_peak(const struct gait *g, uint64_t p)
{
	double c = at(g, p)->coarse_g, lowest = c;

	if (c < PEAK_MIN_G)
		return false;
	for (int k = 1; k <= g->k_peak; k++) {
		if (at(g, p - (uint64_t)k)->coarse_g >= c || at(g, p + (uint64_t)k)->coarse_g > c)
			return false;
	}
	for (int k = 1; k <= g->k_prom; k++)
		lowest = fmin(lowest, at(g, p - (uint64_t)k)->coarse_g);
	return c - lowest >= PEAK_PROMINENCE_G;
}

static void detect(struct gait *g)
{
	uint64_t delay = (uint64_t)(g->l_coarse + g->k_peak);
	uint64_t need = delay + (uint64_t)(g->k_prom + g->k_refine + g->l_coarse + 2);
	uint64_t p, lo;
	double ic_s, to_s = NAN;

	if (g->n < need)
		return;
	p = g->n - 1 - delay;
	if (!is_step_peak(g, p))
		return;
	if (!upright(g, at(g, p))) {
		if (g->fr.calibrated || g->n_steps > 0)
			return;
		/* uncalibrated, no bout open: the posture of a new bout is
		 * the one it starts in (the recording may start lying down) */
		memcpy(g->fr.up_mean, at(g, p)->up_s, sizeof g->fr.up_mean);
	}
	lo = p - (uint64_t)(FLIGHT_LOOK_S * g->rate_hz);
	if (!flight_contact(g, p, lo, &ic_s, &to_s)) {
		ic_s = loading_contact_s(g, p);
		to_s = NAN;
	}
	g->last_peak_s = at(g, p)->t_s;
	add_contact(g, p, ic_s, to_s);
}

/* ---- per sample ---- */

static void push(struct gait *g, const struct hf_motion *m)
{
	struct gsample *x = at(g, g->n), *prev = g->n ? at(g, g->n - 1) : NULL;
	double dt = prev ? m->t_s - prev->t_s : 0.0;

	x->t_s = m->t_s;
	hf_quat_rotate_inv(m->q_sensor_world, (const double[3]){0, 0, 1}, x->up_s);
	memcpy(x->acc_g, m->acc_g, sizeof x->acc_g);
	x->av_g = hf_vec_dot(m->acc_g, x->up_s) - 1.0;
	x->yaw_dps = hf_vec_dot(m->gyro_dps, x->up_s);
	x->yaw_deg = (prev ? prev->yaw_deg : 0.0) + x->yaw_dps * fmax(dt, 0.0);
	x->fine_g = x->coarse_g = x->yaw_hp_dps = 0.0;
	g->n++;
}

/* Fill the delayed filter outputs that became computable. */
static void filter(struct gait *g)
{
	uint64_t n = g->n;
	int h = g->h_yaw;

	g->yaw_sum += at(g, n - 1)->yaw_dps;
	if (n > (uint64_t)(2 * h + 1))
		g->yaw_sum -= at(g, n - 1 - (uint64_t)(2 * h + 1))->yaw_dps;
	if (n > (uint64_t)(2 * g->l_fine + 1))
		at(g, n - 1 - (uint64_t)g->l_fine)->fine_g =
			fir(g, n - 1 - (uint64_t)g->l_fine, g->w_fine, g->l_fine,
			    offsetof(struct gsample, av_g));
	if (n > (uint64_t)(2 * g->l_coarse + 1))
		at(g, n - 1 - (uint64_t)g->l_coarse)->coarse_g =
			fir(g, n - 1 - (uint64_t)g->l_coarse, g->w_coarse, g->l_coarse,
			    offsetof(struct gsample, av_g));
	if (n > (uint64_t)(2 * h + 1) && h >= g->l_yaw) {
		uint64_t c = n - 1 - (uint64_t)h;
		at(g, c)->yaw_hp_dps = fir(g, c, g->w_yaw, g->l_yaw,
					   offsetof(struct gsample, yaw_dps)) -
				       g->yaw_sum / (double)(2 * h + 1);
	}
}

static void gait_update(void *self, const struct hf_motion *m)
{
	struct gait *g = self;
	const struct gsample *x;

	if (g->n > 0 && m->t_s < at(g, g->n - 1)->t_s)
		return;
	push(g, m);
	filter(g);
	x = at(g, g->n - 1);
	if (g->n_steps > 0 && !upright(g, x))
		close_bout(g, x->t_s);
	if (g->n_steps > 0 && x->t_s - g->steps[g->n_steps - 1].t_s >= PAUSE_S + g->lag_s)
		close_bout(g, x->t_s);
	/* learn the frame while stepping (within 1 s of a step) */
	if (g->n_steps > 0 && x->t_s - g->steps[g->n_steps - 1].t_s < 1.0)
		frame_learn(&g->fr, x, 1.0 / (FRAME_TAU_S * g->rate_hz));
	else if (!g->fr.have && !g->fr.calibrated)
		frame_learn(&g->fr, x, 1.0);
	detect(g);
}

/* ---- lifecycle ---- */

static void gait_destroy(void *self)
{
	struct gait *g = self;

	if (!g)
		return;
	free(g->ring);
	free(g->w_fine);
	free(g->w_coarse);
	free(g->w_yaw);
	free(g->steps);
	free(g->contacts);
	free(g);
}

static void *gait_create(const struct hf_kind_config *cfg, hf_event_cb cb, void *user)
{
	struct gait *g;

	if (!cfg || !(cfg->rate_hz > 0.0) || hf_exercise_info(cfg->exercise) == NULL ||
	    hf_exercise_info(cfg->exercise)->kind != HF_KIND_GAIT)
		return NULL;
	g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->cfg = *cfg;
	g->cb = cb;
	g->user = user;
	g->rate_hz = cfg->rate_hz;
	g->cap = (size_t)(RING_S * cfg->rate_hz) + 64;
	g->ring = calloc(g->cap, sizeof *g->ring);
	g->steps = calloc(MAX_STEPS, sizeof *g->steps);
	g->contacts = calloc(MAX_STEPS, sizeof *g->contacts);
	g->w_fine = gaussian(FINE_SIGMA_S * cfg->rate_hz, &g->l_fine);
	g->w_coarse = gaussian(COARSE_SIGMA_S * cfg->rate_hz, &g->l_coarse);
	g->w_yaw = gaussian(YAW_SIGMA_S * cfg->rate_hz, &g->l_yaw);
	g->h_yaw = (int)ceil(YAW_HP_HALF_S * cfg->rate_hz);
	g->k_peak = (int)ceil(PEAK_HALF_S * cfg->rate_hz);
	g->k_prom = 2 * g->k_peak;
	g->k_refine = (int)ceil(REFINE_S * cfg->rate_hz);
	g->lag_s = (g->l_coarse + g->k_peak + 2) / cfg->rate_hz + 0.05;
	if (!g->ring || !g->steps || !g->contacts || !g->w_fine || !g->w_coarse ||
	    !g->w_yaw) {
		gait_destroy(g);
		return NULL;
	}
	frame_init(&g->fr, cfg);
	return g;
}

static void gait_interrupt(void *self)
{
	struct gait *g = self;

	close_bout(g, g->n ? at(g, g->n - 1)->t_s : 0.0);
}

static void gait_finish(void *self)
{
	gait_interrupt(self);
}

static void gait_live(const void *self, struct hf_live *out)
{
	const struct gait *g = self;
	int n = g->n_steps, from = n > LIVE_STEPS ? n - LIVE_STEPS : 0;

	out->posture = HF_POSTURE_UNKNOWN;
	out->in_set = n >= MIN_BOUT_STEPS;
	out->exercise = out->in_set ? g->cfg.exercise : HF_EX_NONE;
	out->side = HF_SIDE_NONE;
	out->steps = n;
	out->cadence_spm = 0.0;
	if (n - from >= 2 && g->steps[n - 1].t_s > g->steps[from].t_s)
		out->cadence_spm = 60.0 * (n - 1 - from) / (g->steps[n - 1].t_s - g->steps[from].t_s);
	out->set_count = g->sets_done;
	out->rep_count = 0;
	out->hold_target_s = 0.0;
}

const struct hf_kind_ops hf_kind_gait_ops = {
	.kind = HF_KIND_GAIT,
	.create = gait_create,
	.destroy = gait_destroy,
	.update = gait_update,
	.interrupt = gait_interrupt,
	.finish = gait_finish,
	.live = gait_live,
};
