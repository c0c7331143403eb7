/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hold analyser (contract section 9): planks and the hip flexor
 * stretch.  Motion in, events out, no I/O, nothing allocated per sample.
 *
 * The problem: a hold's baseline is the mean orientation 1.0-3.0 s after
 * its start, and its start is the first instant from which the pelvis
 * stays within 10 deg of that baseline, so each is defined by the other.
 * The analyser keeps the last RING_S seconds of orientations and works
 * the circle out by a fixed point:
 *   1. SEARCH: an anchor orientation is kept while the pelvis stays within
 *      ANCHOR_DEG of it; after QUIET_S of that, the mean over the quiet
 *      stretch is a first baseline B.
 *   2. The start is found by scanning back from the baseline window for
 *      the last sample outside the cone of B (the first instant from which
 *      the pelvis stays inside); B is then re-taken over start+1..start+3 s
 *      and the scan repeated (BASELINE_ITER times; it settles at once, as
 *      a moved start moves the window by a fraction of a second).
 *   3. HOLDING: every sample is tested against the cone.  Leaving it starts
 *      an excursion; coming back within hold_return_s continues the hold,
 *      staying out hold_return_s ends it at the last instant inside.
 * A hold of at least hold_min_s is announced (HF_EVENT_HOLD_START) the
 * moment the pelvis has stayed that long; it becomes a set when it ends.
 *
 * The figures are taken over the core (the hold without its first and
 * last 1.0 s).  A sample is known to be in the core once the pelvis has
 * been inside the cone 1.0 s later, so the core statistics run on a cursor
 * that lags the input by a second; the live fault rules run on a cursor
 * without the lag, so that FAULT goes out the moment the rule is true
 * (best knowledge: the set's faults are those of the core).
 *
 * Pelvis frame: calibrated, from the mounting.  Uncalibrated, when the
 * session has had a quiet posture that can be standing (hipform/postures.h,
 * standing_z()), pelvis z is standing's up, as in the calibration, and the
 * plank's elevation rule applies as calibrated (frame_from_standing()).
 * Otherwise the frame is
 * built at the baseline from two facts: gravity (the exercise's posture
 * says which pelvis axis is up: -x face down, +x face up, +-y on a side,
 * +z upright; the elevation at the baseline is taken as 0, so
 * elevation_deg is null) and the axis of getting into position (the last
 * ENTRY_S before the start: the hips rise into a plank by turning about
 * the axis about which they sag, pelvis y in front and back planks, x in
 * side planks).  Its sign is that of a rise (getting into a plank raises
 * the elevation).  Uncalibrated, a hold therefore needs a clear entry (at
 * least ENTRY_MIN_DEG of turning about a horizontal axis in the ENTRY_S
 * before it), and holds after the first must match its posture and rise
 * (infer_frame()).  docs/holds.md explains this.
 */
#include <kissfft/kiss_fftr.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/kind.h"
#include "hipform/postures.h"
#include "hipform/summary.h"

#define RING_S 40.0
#define ANCHOR_DEG 4.0        /* a quiet stretch stays this close to its anchor */
#define QUIET_S 2.0           /* ... this long to propose a hold */
#define BASE_FROM_S 1.0       /* baseline window after the start */
#define BASE_TO_S 3.0
#define FAST_TURN_DPS 30.0    /* settled(): a turn this fast is no stillness */
#define FAST_TURN_SPAN_S 0.1  /* ... measured over this span */
#define SETTLE_MAX_DEG 5.0    /* the filter's up corrected by at most */
#define CORE_EDGE_S 1.0       /* the core leaves out this much at each end */
#define BASELINE_ITER 3
#define ENTRY_S 1.5           /* getting into position, before the start */
#define ENTRY_MIN_DEG 12.0   /* the hips rise into a plank by 15 deg or more */
#define POSTURE_COS 0.70710678118654752 /* within 45 deg */
#define STAND_MIN_COS 0.64278760968653933 /* cos 50 deg: standing is this far from a plank's up */
#define STAND_MAX_COS -0.5    /* cos 120 deg: ... and no further (lying the other way up is) */
#define STAND_SAG_COS 0.5     /* pelvis z is within 30 deg of normal to the sag axis */
#define UPRIGHT_DEG 45.0      /* elevation above this is upright, no plank */
#define TREMOR_WINDOW_S 2.56
#define TREMOR_LO_HZ 3.0
#define TREMOR_HI_HZ 15.0
#define TREMOR_MIN_DEG 0.02   /* below this the band holds only noise */

enum state { SEARCH = 0, HOLDING };

struct rec {
	double t_s;
	struct hf_quat q;   /* sensor to world */
	float acc_g[3];     /* specific force, sensor frame */
};

/* A rule that must hold for a time in a row. */
struct run {
	bool on, hit;
	double from_s;
	double extreme;
};

/* What is derived from one sample against the baseline. */
struct derived {
	double de_deg;        /* elevation change, NAN without a frame */
	double rot_deg;       /* rotation, NAN without a frame */
	double tilt_deg;      /* against standing, NAN uncalibrated */
	double rv_deg[3];     /* rotation vector from the baseline, sensor frame */
};

struct tremor {
	kiss_fftr_cfg cfg;
	size_t n;             /* FFT length: factors 2, 3, 5 only */
	size_t fill;
	float *buf[3];
	kiss_fft_scalar *in;
	kiss_fft_cpx *out;
	double *window;
	double window_ms;     /* mean square of the window */
	double *power;        /* summed over components and windows */
	int windows;
};

struct hold {
	struct hf_kind_config cfg;
	const struct hf_exercise_info *info;
	hf_event_cb cb;
	void *user;
	double dt_s;

	struct rec *ring;
	size_t cap;
	uint64_t n;            /* samples seen */
	uint64_t not_before;   /* first index a new hold may use */

	enum state state;
	uint64_t anchor;
	double retry_s;        /* SEARCH: no new proposal before this */
	/* SEARCH: a proposed start whose baseline window was not complete
	 * when the pelvis moved on (an excursion early in a hold) */
	bool pending;
	uint64_t pending_start;

	/* the current hold */
	uint64_t start_i;
	double start_s, last_in_s, out_s;
	bool out, announced;
	struct hf_quat base_q;      /* sensor to world at the baseline */
	struct hf_quat p2s;         /* pelvis to sensor (calibrated or inferred) */
	bool have_frame;
	double base_elev_deg;
	/* uncalibrated: the first hold's up and rise axis, sensor frame */
	bool have_ref;
	double ref_up_s[3], ref_rise_s[3], cand_up_s[3], cand_rise_s[3];
	/* uncalibrated: quiet postures, one of which may be standing */
	struct hf_postures postures;
	enum hf_side side;
	uint64_t live_i, commit_i;
	double live_prev_s, commit_prev_s;
	struct run live_sag, live_pike, live_drop;
	struct run core_sag, core_pike, core_drop;
	double min_de, max_de, sag_s, pike_s, max_rot, tilt_sum, tilt_n;
	struct tremor tr;

	struct hf_hold_summary sum;
	int sets_done;
	bool ended;            /* a hold ended at the sample just stepped */
	uint64_t proposed_i;   /* where the current hold was proposed */
	/* the last start too short to be a hold, and the first sample after
	 * it where the pelvis had left its cone; scan_floor: while a start
	 * is searched for again past it, no start before this */
	bool have_short;
	uint64_t short_start_i, short_out_i, scan_floor;
	struct hf_live live;
};

/* ---- small helpers ---- */

static const double UP[3] = {0.0, 0.0, 1.0};

static struct rec *rec_at(const struct hold *h, uint64_t i)
{
	return &h->ring[i % h->cap];
}

/* The oldest record still in the ring. */
static uint64_t ring_low(const struct hold *h)
{
	return h->n > h->cap ? h->n - h->cap : 0;
}

/* The oldest record a new hold may use. */
static uint64_t oldest(const struct hold *h)
{
	uint64_t lo = ring_low(h);

	lo = lo > h->not_before ? lo : h->not_before;
	return lo > h->scan_floor ? lo : h->scan_floor;
}

static double cone_deg(struct hf_quat base, struct hf_quat q)
{
	return hf_quat_angle_rad(hf_quat_mul(hf_quat_conj(base), q)) * HF_RAD2DEG;
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* Elevation of pelvis z above the horizontal, deg. */
static double elevation_deg(const struct hold *h, struct hf_quat q_sw)
{
	double z[3] = {0.0, 0.0, 1.0};

	hf_quat_rotate(hf_quat_mul(q_sw, h->p2s), z, z);
	return asin(clampd(z[2], -1.0, 1.0)) * HF_RAD2DEG;
}

/* Contract section 9: u = world up in the pelvis frame, tilt = asin(-u_x). */
static double tilt_vs_standing_deg(const struct hold *h, struct hf_quat q_sw)
{
	double u[3];

	hf_quat_rotate_inv(hf_quat_mul(q_sw, h->p2s), UP, u);
	return asin(clampd(-u[0], -1.0, 1.0)) * HF_RAD2DEG;
}

static void derive(const struct hold *h, struct hf_quat q, struct derived *d)
{
	struct hf_quat rel = hf_quat_mul(hf_quat_conj(h->base_q), q);
	double rv[3];

	hf_quat_to_rotvec(rel, rv);
	for (int k = 0; k < 3; k++)
		d->rv_deg[k] = rv[k] * HF_RAD2DEG;
	d->de_deg = d->rot_deg = d->tilt_deg = NAN;
	if (h->have_frame) {
		struct hf_angles a;
		struct hf_quat base_p = hf_quat_mul(h->base_q, h->p2s);
		struct hf_quat now_p = hf_quat_mul(q, h->p2s);

		hf_angles_from_quat(hf_quat_mul(hf_quat_conj(base_p), now_p), &a);
		d->rot_deg = a.rotation_deg;
		d->de_deg = elevation_deg(h, q) - h->base_elev_deg;
	}
	if (h->cfg.has_mounting)
		d->tilt_deg = tilt_vs_standing_deg(h, q);
}

static void emit(struct hold *h, enum hf_event_type type, double t_s,
		 enum hf_fault f, double value, const struct hf_set_summary *set)
{
	struct hf_event ev = {
		.type = type,
		.t_s = t_s,
		.exercise = h->cfg.exercise,
		.side = h->side,
		.set_index = h->sets_done,
		.rep_index = -1,
		.fault = f,
		.value = value,
		.set = set,
	};

	if (h->cb)
		h->cb(&ev, h->user);
}

static bool has_fault(const struct hold *h, enum hf_fault f)
{
	return (h->info->faults & HF_FAULT_BIT(f)) != 0;
}

/* One step of a rule that must hold need_s in a row; true the first time
 * it has.  extreme keeps the run's most negative (sign < 0) or largest
 * value. */
static bool run_step(struct run *r, bool cond, double t_s, double dt_s,
		     double need_s, double value, double sign)
{
	if (!cond) {
		r->on = false;
		return false;
	}
	if (!r->on) {
		r->on = true;
		r->from_s = t_s;
		r->extreme = value;
	}
	if (sign * value > sign * r->extreme)
		r->extreme = value;
	if (r->hit || t_s - r->from_s + dt_s < need_s - 1e-9)
		return false;
	r->hit = true;
	return true;
}

/* ---- tremor (3-15 Hz) on kissfft ---- */

static size_t fast_length(size_t n)
{
	for (;; n++) {
		size_t m = n;
		while (m % 2 == 0)
			m /= 2;
		while (m % 3 == 0)
			m /= 3;
		while (m % 5 == 0)
			m /= 5;
		if (m == 1)
			return n;
	}
}

static void tremor_free(struct tremor *t)
{
	kiss_fftr_free(t->cfg);
	for (int k = 0; k < 3; k++)
		free(t->buf[k]);
	free(t->in);
	free(t->out);
	free(t->window);
	free(t->power);
}

static int tremor_init(struct tremor *t, double rate_hz)
{
	/* kiss_fftr needs an even length */
	size_t n = 2 * fast_length((size_t)ceil(TREMOR_WINDOW_S * rate_hz / 2.0));

	t->n = n;
	t->cfg = kiss_fftr_alloc((int)n, 0, NULL, NULL);
	for (int k = 0; k < 3; k++)
		t->buf[k] = calloc(n, sizeof *t->buf[k]);
	t->in = calloc(n, sizeof *t->in);
	t->out = calloc(n / 2 + 1, sizeof *t->out);
	t->window = calloc(n, sizeof *t->window);
	t->power = calloc(n / 2 + 1, sizeof *t->power);
	if (!t->cfg || !t->buf[0] || !t->buf[1] || !t->buf[2] || !t->in ||
	    !t->out || !t->window || !t->power)
		return -1;
	t->window_ms = 0.0;
	for (size_t i = 0; i < n; i++) {
		t->window[i] = 0.5 - 0.5 * cos(2.0 * HF_PI * (double)i / (double)n);
		t->window_ms += t->window[i] * t->window[i] / (double)n;
	}
	return 0;
}

static void tremor_reset(struct tremor *t)
{
	t->fill = 0;
	t->windows = 0;
	memset(t->power, 0, (t->n / 2 + 1) * sizeof *t->power);
}

/* Linear trend out, Hann window on, power spectrum added. */
static void tremor_window(struct tremor *t, const float *x)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = (double)t->n, a, b;

	for (size_t i = 0; i < t->n; i++) {
		sx += (double)i;
		sy += x[i];
		sxx += (double)i * i;
		sxy += (double)i * x[i];
	}
	b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	a = (sy - b * sx) / n;
	for (size_t i = 0; i < t->n; i++)
		t->in[i] = (kiss_fft_scalar)((x[i] - (a + b * (double)i)) * t->window[i]);
	kiss_fftr(t->cfg, t->in, t->out);
	for (size_t k = 0; k <= t->n / 2; k++)
		t->power[k] += (double)t->out[k].r * t->out[k].r +
			       (double)t->out[k].i * t->out[k].i;
}

static void tremor_add(struct tremor *t, const double rv_deg[3])
{
	for (int k = 0; k < 3; k++)
		t->buf[k][t->fill] = (float)rv_deg[k];
	if (++t->fill < t->n)
		return;
	for (int k = 0; k < 3; k++)
		tremor_window(t, t->buf[k]);
	t->windows++;
	t->fill = 0;
}

/* Dominant frequency and RMS (Parseval, window power corrected). */
static void tremor_get(const struct tremor *t, double rate_hz, double *hz, double *deg)
{
	double df = rate_hz / (double)t->n, sum = 0.0, best = 0.0;
	size_t lo = (size_t)ceil(TREMOR_LO_HZ / df), hi = (size_t)floor(TREMOR_HI_HZ / df);
	size_t best_k = 0;

	*hz = *deg = NAN;
	if (t->windows == 0)
		return;
	for (size_t k = lo; k <= hi && k < t->n / 2; k++) {
		sum += t->power[k];
		if (t->power[k] > best) {
			best = t->power[k];
			best_k = k;
		}
	}
	*deg = sqrt(2.0 * sum / ((double)t->n * (double)t->n * t->window_ms *
				 (double)t->windows));
	*hz = *deg >= TREMOR_MIN_DEG && best_k ? (double)best_k * df : NAN;
}

/* ---- the pelvis frame at the baseline ---- */

/* The exercise's posture for a side (unsided: either). */
static enum hf_posture exercise_posture(const struct hold *h, enum hf_side side)
{
	return side == HF_SIDE_LEFT ? h->info->posture_left : h->info->posture_right;
}

/* Pelvis axis that is up in a posture (section 3), pelvis frame. */
static void posture_up_axis(enum hf_posture p, double ax[3])
{
	ax[0] = ax[1] = ax[2] = 0.0;
	switch (p) {
	case HF_POSTURE_SUPINE: ax[0] = 1.0; break;
	case HF_POSTURE_PRONE: ax[0] = -1.0; break;
	case HF_POSTURE_SIDE_RIGHT: ax[1] = 1.0; break;
	case HF_POSTURE_SIDE_LEFT: ax[1] = -1.0; break;
	default: ax[2] = 1.0; break;
	}
}

/* Columns: pelvis x, y, z in the sensor frame -> pelvis_to_sensor. */
static struct hf_quat frame_from_axes(const double x[3], const double y[3], const double z[3])
{
	double m[3][3];

	for (int r = 0; r < 3; r++) {
		m[r][0] = x[r];
		m[r][1] = y[r];
		m[r][2] = z[r];
	}
	return hf_quat_normalize(hf_quat_from_matrix(m));
}

/* Pelvis frame from up (sensor frame) and the sag axis (unit, horizontal). */
static struct hf_quat build_frame(const struct hold *h, const double up_s[3],
				  const double sag_s[3])
{
	double ax[3], x[3], y[3], z[3];

	posture_up_axis(exercise_posture(h, h->side), ax);
	if (ax[0] != 0.0) {           /* front, back: up is +-x, sag about y */
		for (int k = 0; k < 3; k++) {
			x[k] = ax[0] * up_s[k];
			y[k] = sag_s[k];
		}
		hf_vec_cross(x, y, z);
	} else if (ax[1] != 0.0) {    /* sides: up is +-y, sag about x */
		for (int k = 0; k < 3; k++) {
			y[k] = ax[1] * up_s[k];
			x[k] = sag_s[k];
		}
		hf_vec_cross(x, y, z);
	} else {                      /* upright: up is z */
		for (int k = 0; k < 3; k++) {
			z[k] = up_s[k];
			x[k] = sag_s[k];
		}
		hf_vec_cross(z, x, y);
	}
	return frame_from_axes(x, y, z);
}

static uint64_t index_at(const struct hold *h, uint64_t from, double t_s)
{
	while (from + 1 < h->n && rec_at(h, from)->t_s < t_s)
		from++;
	return from;
}

/*
 * Pelvis z (sensor frame) from the last quiet posture that can be
 * standing for a plank whose baseline has world up up_s: at least
 * 50 deg from it (STAND_MIN_COS; a plank rises at most 35 deg, so standing is 55
 * deg or more away; kneeling or lying before it is closer) and at most
 * 120 deg (STAND_MAX_COS; not lying the other way up).  When the sag
 * axis is known from the entry, one normal to it is preferred (lying on a
 * side between front planks is not standing).  False: none.
 */
static bool standing_z(const struct hold *h, const double up_s[3], const double *sag_s,
		       double z_s[3])
{
	const struct hf_posture_seen *best = NULL, *far = NULL;

	for (int k = 0; k < HF_POSTURES_MAX; k++) {
		const struct hf_posture_seen *p = &h->postures.seen[k];
		double c = hf_vec_dot(p->up_s, up_s);
		/* standing is 90 deg - elevation from a plank's up (and from
		 * lying before it, elevation -30..+5); lying on the back or the
		 * other side is further than 120 deg */
		if (!p->used || c > STAND_MIN_COS || c < STAND_MAX_COS)
			continue;
		if (!far || p->last_s > far->last_s)
			far = p;
		if (sag_s && fabs(hf_vec_dot(p->up_s, sag_s)) > STAND_SAG_COS)
			continue;
		if (!best || p->last_s > best->last_s)
			best = p;
	}
	if (!best)
		best = far;
	if (best)
		memcpy(z_s, best->up_s, sizeof best->up_s);
	return best != NULL;
}

/*
 * Uncalibrated, with standing known: pelvis z is standing's up, so a
 * plank's elevation is the angle of z above the horizontal (section 3) and
 * the calibrated rule applies: at least +5 deg, and not upright.  The axis
 * the exercise's posture puts up (x face down or up, y on a side) is the
 * part of world up normal to z, the third axis completes the frame.  The
 * frame is then the pelvis's (as far as the person stood as at a
 * calibration), so rotation and elevation change are measured about the
 * true axes, not about axes tilted by the plank's elevation.
 */
static bool frame_from_standing(struct hold *h, const double up_s[3], const double z_s[3])
{
	double dot = hf_vec_dot(up_s, z_s);
	double elev_deg = asin(clampd(dot, -1.0, 1.0)) * HF_RAD2DEG;
	double ax[3], lying[3], x[3], y[3], z[3];

	if (elev_deg < HF_PLANK_MIN_ELEVATION_DEG || elev_deg > UPRIGHT_DEG)
		return false;
	for (int k = 0; k < 3; k++) {
		z[k] = z_s[k];
		lying[k] = up_s[k] - dot * z_s[k];
	}
	if (hf_vec_normalize(lying) < 1e-6)
		return false;
	posture_up_axis(exercise_posture(h, h->side), ax);
	if (ax[0] != 0.0) {           /* front, back: +-x is up */
		for (int k = 0; k < 3; k++)
			x[k] = ax[0] * lying[k];
		hf_vec_cross(z, x, y);
	} else if (ax[1] != 0.0) {    /* sides: +-y is up */
		for (int k = 0; k < 3; k++)
			y[k] = ax[1] * lying[k];
		hf_vec_cross(y, z, x);
	} else {
		return false;         /* no plank is upright */
	}
	h->p2s = frame_from_axes(x, y, z);
	hf_vec_cross(z, up_s, h->cand_rise_s); /* a rise turns z towards up */
	hf_vec_normalize(h->cand_rise_s);
	h->base_elev_deg = elevation_deg(h, h->base_q);
	return true;
}

/*
 * Uncalibrated: the frame from gravity and the axis of getting in.  Later
 * holds must be in the first hold's posture (up within 45 deg of its, in
 * the sensor frame).  With a standing posture seen, the frame comes from
 * standing (frame_from_standing).  Otherwise the first hold's entry is
 * taken as a rise and later holds must be entered by a rise about the same
 * axis, so that lying down to rest, kneeling or standing between holds are
 * not holds.  False: not a hold.
 */
static bool infer_frame(struct hold *h)
{
	double up_s[3], rv[3], z_s[3], dot, norm;
	uint64_t pre = index_at(h, oldest(h), h->start_s - ENTRY_S);
	struct hf_quat q_pre = rec_at(h, pre)->q;
	bool entered;

	hf_quat_rotate_inv(h->base_q, UP, up_s);
	hf_quat_to_rotvec(hf_quat_mul(hf_quat_conj(q_pre), h->base_q), rv);
	dot = hf_vec_dot(rv, up_s);
	for (int k = 0; k < 3; k++)
		rv[k] -= dot * up_s[k];
	norm = hf_vec_normalize(rv);
	entered = norm * HF_RAD2DEG >= ENTRY_MIN_DEG;
	if (h->have_ref && hf_vec_dot(up_s, h->ref_up_s) < POSTURE_COS)
		return false; /* not the first hold's posture (sitting back on the elbows) */
	memcpy(h->cand_up_s, up_s, sizeof h->cand_up_s);
	if (standing_z(h, up_s, entered ? rv : NULL, z_s))
		return frame_from_standing(h, up_s, z_s);
	if (!entered || (h->have_ref && hf_vec_dot(rv, h->ref_rise_s) <= 0.0))
		return false;
	memcpy(h->cand_rise_s, rv, sizeof h->cand_rise_s);
	h->p2s = build_frame(h, up_s, rv);
	h->base_elev_deg = 0.0;
	if (elevation_deg(h, q_pre) > 0.0) { /* the entry is a rise */
		for (int k = 0; k < 3; k++)
			rv[k] = -rv[k];
		h->p2s = build_frame(h, up_s, rv);
	}
	return true;
}

/* Calibrated: the posture at the baseline (section 3) must be the
 * exercise's, and a plank's elevation at least 5 deg. */
static bool posture_ok(struct hold *h)
{
	static const enum hf_side sides[2] = {HF_SIDE_LEFT, HF_SIDE_RIGHT};
	double u[3], ax[3];

	hf_quat_rotate_inv(hf_quat_mul(h->base_q, h->p2s), UP, u);
	for (int s = 0; s < 2; s++) {
		if (h->info->sided && h->cfg.side != HF_SIDE_NONE && sides[s] != h->cfg.side)
			continue;
		posture_up_axis(exercise_posture(h, sides[s]), ax);
		if (hf_vec_dot(u, ax) < POSTURE_COS)
			continue;
		if (h->info->id == HF_EX_PLANK_SIDE && h->cfg.side == HF_SIDE_NONE)
			h->side = sides[s]; /* the side facing the floor */
		return h->info->id == HF_EX_HIP_FLEXOR_STRETCH ||
		       h->base_elev_deg >= HF_PLANK_MIN_ELEVATION_DEG;
	}
	return false;
}

/* ---- finding a hold ---- */

static struct hf_quat mean_q(const struct hold *h, uint64_t from, uint64_t to)
{
	struct hf_quat_mean m;

	hf_quat_mean_reset(&m);
	for (uint64_t i = from; i <= to; i++)
		hf_quat_mean_add(&m, rec_at(h, i)->q, 1.0);
	return hf_quat_mean_get(&m);
}

/* No turn faster than FAST_TURN_DPS over [from, to] (the filter's
 * convergence and a sag are slower, a dip is faster), each sample against
 * the one FAST_TURN_SPAN_S before it (not its neighbour: timestamps that
 * jitter would make noise a fast turn). */
static bool still_over(const struct hold *h, uint64_t from, uint64_t to)
{
	uint64_t j = from;

	for (uint64_t i = from + 1; i <= to; i++) {
		const struct rec *r = rec_at(h, i);
		double dt;
		while (j + 1 < i && r->t_s - rec_at(h, j + 1)->t_s >= FAST_TURN_SPAN_S)
			j++;
		dt = r->t_s - rec_at(h, j)->t_s;
		if (dt >= FAST_TURN_SPAN_S && cone_deg(rec_at(h, j)->q, r->q) > FAST_TURN_DPS * dt)
			return false;
	}
	return true;
}

/*
 * The baseline b as the orientation filter will have it once settled.
 * Getting into position turns the sensor, and the accelerometer's zero-g
 * offsets make the "up" it reads a degree or two off the true one, by a
 * different amount in every posture: the filter, which integrated the
 * gyro through the move, then converges to the new posture's reading
 * over a few seconds (its gain, core/motion/ahrs.c), which is just when
 * the baseline window (1-3 s into the hold) lies.  Taken from the filter
 * there, the baseline is off by part of that, and every elevation change
 * of the hold with it (a side plank's 4.25 s of sag read 2.2 s,
 * bench_recognition -v).  Over the window the pelvis is still, so the mean
 * specific force is gravity as this sensor reads it: b is turned about a
 * horizontal axis to match it (not heading, which gravity does not see).
 * More than SETTLE_MAX_DEG apart, the mean is not gravity and b stays.
 * So does b when the window holds a fast turn (a dip early in the hold):
 * then the window is no one posture, its mean specific force no posture's
 * gravity, and the filter is converging after the turn.  Turning b onto
 * it moved every elevation change of tuning session 1829 of bench_kinds
 * by 1.5 deg (a pike read where the truth has none).
 */
static struct hf_quat settled(const struct hold *h, struct hf_quat b, uint64_t from,
			      uint64_t to)
{
	const double z[3] = {0.0, 0.0, 1.0};
	double acc_s[3] = {0.0, 0.0, 0.0}, up_w[3];

	for (uint64_t i = from; i <= to; i++)
		for (int k = 0; k < 3; k++)
			acc_s[k] += rec_at(h, i)->acc_g[k];
	if (hf_vec_normalize(acc_s) < 1e-6 || !still_over(h, from, to))
		return b;
	hf_quat_rotate(b, acc_s, up_w);
	if (acos(clampd(up_w[2], -1.0, 1.0)) * HF_RAD2DEG > SETTLE_MAX_DEG)
		return b;
	return hf_quat_normalize(hf_quat_mul(hf_quat_between(up_w, z), b));
}

/* The first index from which the pelvis stays in the cone of b up to from. */
static uint64_t scan_back(const struct hold *h, struct hf_quat b, uint64_t from)
{
	uint64_t lo = oldest(h), i = from;

	while (i > lo && cone_deg(b, rec_at(h, i - 1)->q) <= h->cfg.thresholds.hold_cone_deg)
		i--;
	return i;
}

static void reset_hold(struct hold *h)
{
	h->out = h->announced = false;
	memset(&h->live_sag, 0, sizeof h->live_sag);
	h->live_pike = h->live_drop = h->core_sag = h->core_pike = h->core_drop = h->live_sag;
	h->min_de = INFINITY;
	h->max_de = -INFINITY;
	h->sag_s = h->pike_s = h->max_rot = h->tilt_sum = h->tilt_n = 0.0;
	tremor_reset(&h->tr);
	h->side = h->cfg.side;
	h->p2s = h->cfg.pelvis_to_sensor;
	h->have_frame = h->cfg.has_mounting;
}

/* Baseline and start by the fixed point of the file comment, from a first
 * guess of the start; false while the baseline window is not complete yet
 * (then retry_s and pending_start say when and from where to go on). */
static bool settle_from(struct hold *h, uint64_t start, uint64_t now)
{
	struct hf_quat b = rec_at(h, start)->q;

	for (int it = 0; it < BASELINE_ITER; it++) {
		double t0 = rec_at(h, start)->t_s;
		uint64_t w0 = index_at(h, start, t0 + BASE_FROM_S);
		uint64_t w1 = index_at(h, w0, t0 + BASE_TO_S);
		if (rec_at(h, now)->t_s < t0 + BASE_TO_S) {
			h->retry_s = t0 + BASE_TO_S;
			h->pending_start = start;
			return false;
		}
		b = mean_q(h, w0, w1);
		start = scan_back(h, b, w0);
	}
	h->base_q = settled(h, b, index_at(h, start, rec_at(h, start)->t_s + BASE_FROM_S),
			    index_at(h, start, rec_at(h, start)->t_s + BASE_TO_S));
	h->start_i = start;
	h->start_s = rec_at(h, start)->t_s;
	return true;
}

/* The first guess from the quiet stretch since the anchor. */
static bool settle_baseline(struct hold *h, uint64_t now)
{
	struct hf_quat b = mean_q(h, h->anchor, now);

	return settle_from(h, scan_back(h, b, h->anchor), now);
}

static void holding_step(struct hold *h, uint64_t i);

/* Whether the baseline settled just now is a hold's (posture, frame). */
static bool hold_here(struct hold *h)
{
	reset_hold(h);
	if (h->cfg.has_mounting) {
		h->base_elev_deg = elevation_deg(h, h->base_q);
		return posture_ok(h);
	}
	if (h->info->id == HF_EX_HIP_FLEXOR_STRETCH) {
		h->have_frame = false; /* stillness only: tilt needs standing */
		return true;
	}
	return h->have_frame = infer_frame(h);
}

/*
 * The start and baseline from the quiet stretch since the anchor, or
 * (pending) from the start proposed before the pelvis moved on.  A start
 * that was found too short before gives the same baseline and the same
 * end again (a dip out of the cone for hold_return_s, then back: the
 * search from after the dip settles back onto it): then the start is
 * searched for from where that one left its cone (tuning seed 15 of
 * bench_recognition lost 17 s of a back plank so).
 */
static bool settle_start(struct hold *h, uint64_t now, bool pending)
{
	bool ok = pending ? settle_from(h, h->pending_start, now) : settle_baseline(h, now);

	if (!ok || !h->have_short || h->start_i != h->short_start_i || h->short_out_i > now)
		return ok;
	h->scan_floor = h->short_out_i;
	if (pending && h->pending_start < h->scan_floor)
		h->pending_start = h->scan_floor;
	ok = pending ? settle_from(h, h->pending_start, now) : settle_baseline(h, now);
	h->scan_floor = 0;
	return ok;
}

/* A hold from the quiet stretch since the anchor, or (pending) from the
 * start proposed before the pelvis moved on. */
static void try_start(struct hold *h, uint64_t now, bool pending)
{
	if (!settle_start(h, now, pending)) {
		h->pending = pending;
		return;
	}
	if (!hold_here(h)) {
		if (!pending)
			h->anchor = now;
		h->retry_s = 0.0;
		return;
	}
	h->state = HOLDING;
	h->proposed_i = now;
	h->pending = false;
	h->retry_s = 0.0;
	h->last_in_s = h->start_s;
	h->live_i = h->commit_i = index_at(h, h->start_i, h->start_s + CORE_EDGE_S);
	h->live_prev_s = h->commit_prev_s = rec_at(h, h->live_i)->t_s - h->dt_s;
	for (uint64_t i = h->start_i; i <= now && h->state == HOLDING; i++)
		holding_step(h, i);
}

static void search_step(struct hold *h, uint64_t i)
{
	const struct rec *r = rec_at(h, i);

	if (h->pending && r->t_s >= h->retry_s) {
		h->pending = false;
		if (h->pending_start >= oldest(h))
			try_start(h, i, true);
		if (h->state == HOLDING)
			return;
	}
	if (h->anchor < oldest(h) ||
	    cone_deg(rec_at(h, h->anchor)->q, r->q) > ANCHOR_DEG) {
		/* a start proposed but waiting for its baseline window stays
		 * proposed: an excursion early in a hold does not end it */
		h->pending = h->pending || h->retry_s > 0.0;
		if (!h->pending)
			h->retry_s = 0.0;
		h->anchor = i;
		return;
	}
	if (!h->pending && r->t_s - rec_at(h, h->anchor)->t_s >= QUIET_S && r->t_s >= h->retry_s)
		try_start(h, i, false);
}

/* ---- during a hold ---- */

static double step_s(const struct hold *h, double t_s, double prev_s)
{
	double d = t_s - prev_s;

	return d > 0.0 && d < 3.0 * h->dt_s ? d : h->dt_s;
}

static void live_fault(struct hold *h, struct run *r, enum hf_fault f, bool cond,
		       double t_s, double dt_s, double value, double sign)
{
	if (!has_fault(h, f))
		return;
	if (run_step(r, cond, t_s, dt_s, h->cfg.thresholds.hold_fault_s, value, sign))
		emit(h, HF_EVENT_FAULT, rec_at(h, h->n - 1)->t_s, f, r->extreme, NULL);
}

/* The live rules, from start + 1 s on, without waiting for the core, on
 * the samples inside the cone (outside it the hold may be ending; a run
 * pauses there and goes on if the pelvis comes back). */
static void live_advance(struct hold *h, uint64_t upto)
{
	const struct hf_thresholds *th = &h->cfg.thresholds;

	for (; h->live_i <= upto; h->live_i++) {
		const struct rec *r = rec_at(h, h->live_i);
		double dt = step_s(h, r->t_s, h->live_prev_s);
		struct derived d;

		h->live_prev_s = r->t_s;
		/* outside the cone the hold may be ending: the rules wait */
		if (cone_deg(h->base_q, r->q) > th->hold_cone_deg)
			continue;
		derive(h, r->q, &d);
		live_fault(h, &h->live_sag, HF_FAULT_SAG, d.de_deg <= -th->elevation_change_deg,
			   r->t_s, dt, d.de_deg, -1.0);
		live_fault(h, &h->live_pike, HF_FAULT_PIKE, d.de_deg >= th->elevation_change_deg,
			   r->t_s, dt, d.de_deg, 1.0);
		live_fault(h, &h->live_drop, HF_FAULT_HIP_DROP, fabs(d.rot_deg) > th->hip_drop_deg,
			   r->t_s, dt, fabs(d.rot_deg), 1.0);
	}
}

static void commit_one(struct hold *h, const struct rec *r)
{
	const struct hf_thresholds *th = &h->cfg.thresholds;
	double dt = step_s(h, r->t_s, h->commit_prev_s), need = th->hold_fault_s;
	struct derived d;

	h->commit_prev_s = r->t_s;
	derive(h, r->q, &d);
	tremor_add(&h->tr, d.rv_deg);
	if (isfinite(d.tilt_deg)) {
		h->tilt_sum += d.tilt_deg;
		h->tilt_n += 1.0;
	}
	if (!isfinite(d.de_deg))
		return;
	h->min_de = fmin(h->min_de, d.de_deg);
	h->max_de = fmax(h->max_de, d.de_deg);
	h->max_rot = fmax(h->max_rot, fabs(d.rot_deg));
	h->sag_s += d.de_deg <= -th->elevation_change_deg ? dt : 0.0;
	h->pike_s += d.de_deg >= th->elevation_change_deg ? dt : 0.0;
	run_step(&h->core_sag, d.de_deg <= -th->elevation_change_deg, r->t_s, dt, need, 0, 1);
	run_step(&h->core_pike, d.de_deg >= th->elevation_change_deg, r->t_s, dt, need, 0, 1);
	run_step(&h->core_drop, fabs(d.rot_deg) > th->hip_drop_deg, r->t_s, dt, need, 0, 1);
}

/* The core: samples at least CORE_EDGE_S before the last one inside. */
static void commit_advance(struct hold *h, uint64_t upto)
{
	for (; h->commit_i <= upto; h->commit_i++) {
		const struct rec *r = rec_at(h, h->commit_i);
		if (r->t_s > h->last_in_s - CORE_EDGE_S + 1e-9)
			break;
		commit_one(h, r);
	}
}

static uint32_t core_faults(const struct hold *h)
{
	uint32_t f = 0;

	if (h->sum.hold_s < h->cfg.thresholds.hold_short_s)
		f |= HF_FAULT_BIT(HF_FAULT_SHORT_HOLD);
	if (h->core_sag.hit)
		f |= HF_FAULT_BIT(HF_FAULT_SAG);
	if (h->core_pike.hit)
		f |= HF_FAULT_BIT(HF_FAULT_PIKE);
	if (h->core_drop.hit)
		f |= HF_FAULT_BIT(HF_FAULT_HIP_DROP);
	if (isfinite(h->sum.tilt_deg) && h->sum.tilt_deg > h->cfg.thresholds.anterior_tilt_deg)
		f |= HF_FAULT_BIT(HF_FAULT_ANTERIOR_TILT);
	return f & h->info->faults;
}

static void fill_summary(struct hold *h, double end_s)
{
	struct hf_hold_summary *s = &h->sum;
	bool figures = h->have_frame && isfinite(h->min_de);

	s->start_s = h->start_s;
	s->end_s = end_s;
	s->hold_s = end_s - h->start_s;
	s->elevation_deg = h->cfg.has_mounting ? h->base_elev_deg : NAN;
	s->min_elevation_change_deg = figures ? h->min_de : NAN;
	s->max_elevation_change_deg = figures ? h->max_de : NAN;
	s->sag_s = figures ? h->sag_s : NAN;
	s->pike_s = figures ? h->pike_s : NAN;
	s->max_abs_rotation_deg = figures ? h->max_rot : NAN;
	s->tilt_deg = h->tilt_n > 0.0 ? h->tilt_sum / h->tilt_n : NAN;
	tremor_get(&h->tr, 1.0 / h->dt_s, &s->tremor_hz, &s->tremor_deg);
	s->faults = core_faults(h);
}

/* The hold ended at last_in_s: a set when long enough. */
static void end_hold(struct hold *h, double now_s)
{
	struct hf_set_summary set;
	uint64_t last = h->n - 1;

	h->state = SEARCH;
	h->ended = true;
	h->pending = false;
	h->retry_s = 0.0;
	if (h->last_in_s - h->start_s < h->cfg.thresholds.hold_min_s) {
		/* no hold: a real one may start within it, searched for from
		 * after where this one was proposed */
		h->anchor = h->proposed_i + 1 < last ? h->proposed_i + 1 : last;
		h->have_short = true;
		h->short_start_i = h->start_i;
		h->short_out_i = index_at(h, h->start_i, h->last_in_s) + 1;
		return;
	}
	/* a hold longer than the ring: its start has been overwritten */
	h->not_before = index_at(h, h->start_i > ring_low(h) ? h->start_i : ring_low(h),
				 h->last_in_s) + 1;
	h->anchor = h->not_before < last ? h->not_before : last;
	commit_advance(h, last);
	fill_summary(h, h->last_in_s);
	if (h->sum.faults & HF_FAULT_BIT(HF_FAULT_SHORT_HOLD))
		emit(h, HF_EVENT_FAULT, now_s, HF_FAULT_SHORT_HOLD, h->sum.hold_s, NULL);
	if (h->sum.faults & HF_FAULT_BIT(HF_FAULT_ANTERIOR_TILT))
		emit(h, HF_EVENT_FAULT, now_s, HF_FAULT_ANTERIOR_TILT, h->sum.tilt_deg, NULL);
	memset(&set, 0, sizeof set);
	set.exercise = h->cfg.exercise;
	set.side = h->side;
	set.start_s = h->sum.start_s;
	set.end_s = h->sum.end_s;
	set.hold = &h->sum;
	emit(h, HF_EVENT_SET, now_s, HF_FAULT_COUNT, 0.0, &set);
	h->sets_done++;
}

static void holding_step(struct hold *h, uint64_t i)
{
	const struct rec *r = rec_at(h, i);
	const struct hf_thresholds *th = &h->cfg.thresholds;

	if (cone_deg(h->base_q, r->q) <= th->hold_cone_deg) {
		h->last_in_s = r->t_s;
		h->out = false;
	} else if (!h->out) {
		h->out = true;
		h->out_s = r->t_s;
	}
	if (h->out && r->t_s - h->out_s >= th->hold_return_s) {
		end_hold(h, r->t_s);
		return;
	}
	if (!h->announced && h->last_in_s - h->start_s >= th->hold_min_s) {
		h->announced = true;
		if (!h->cfg.has_mounting && !h->have_ref) {
			h->have_ref = true;
			memcpy(h->ref_up_s, h->cand_up_s, sizeof h->ref_up_s);
			memcpy(h->ref_rise_s, h->cand_rise_s, sizeof h->ref_rise_s);
		}
		emit(h, HF_EVENT_HOLD_START, r->t_s, HF_FAULT_COUNT, h->start_s, NULL);
	}
	if (h->announced)
		live_advance(h, i);
	commit_advance(h, i);
}

/* ---- the interface ---- */

static void hold_destroy(void *self)
{
	struct hold *h = self;

	if (!h)
		return;
	tremor_free(&h->tr);
	free(h->ring);
	free(h);
}

static void *hold_create(const struct hf_kind_config *cfg, hf_event_cb cb, void *user)
{
	struct hold *h;
	double rate = cfg && cfg->rate_hz > 0.0 ? cfg->rate_hz : 100.0;

	if (!cfg || !hf_exercise_info(cfg->exercise) ||
	    hf_exercise_info(cfg->exercise)->kind != HF_KIND_HOLD)
		return NULL;
	h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->cfg = *cfg;
	h->info = hf_exercise_info(cfg->exercise);
	h->cb = cb;
	h->user = user;
	h->dt_s = 1.0 / rate;
	hf_postures_init(&h->postures);
	h->cap = (size_t)(RING_S * rate * 1.25) + 16;
	h->ring = calloc(h->cap, sizeof *h->ring);
	if (!h->ring || tremor_init(&h->tr, rate) != 0) {
		hold_destroy(h);
		return NULL;
	}
	reset_hold(h);
	return h;
}

/*
 * Samples from..now through the state machine.  When a hold ends (the
 * pelvis out of its cone for hold_return_s), the next may have begun the
 * moment the pelvis left it (section 9: a hold starts at the first instant
 * from which the pelvis stays within its own cone; a slow drift of more
 * than 10 deg within a plank makes two holds back to back), so the
 * samples since the last one inside, which were tested only against the
 * old hold, are searched again.  Each end moves not_before past the
 * ended hold's start, so this ends.
 */
static void step_from(struct hold *h, uint64_t from, uint64_t now)
{
	uint64_t j = from;

	while (j <= now) {
		h->ended = false;
		if (h->state == HOLDING)
			holding_step(h, j);
		else
			search_step(h, j);
		j = h->ended ? h->anchor + 1 : j + 1;
	}
}

static void hold_update(void *self, const struct hf_motion *m)
{
	struct hold *h = self;
	uint64_t i = h->n;

	if (i > 0 && m->t_s < rec_at(h, i - 1)->t_s)
		return;
	rec_at(h, i)->t_s = m->t_s;
	rec_at(h, i)->q = m->q_sensor_world;
	for (int k = 0; k < 3; k++)
		rec_at(h, i)->acc_g[k] = (float)m->acc_g[k];
	h->n++;
	if (!h->cfg.has_mounting)
		hf_postures_update(&h->postures, m->q_sensor_world, m->acc_g, m->still,
				   m->t_s);
	step_from(h, i, i);
	h->live.t_s = m->t_s;
	h->live.still = m->still;
}

static void hold_close(struct hold *h)
{
	if (h->state == HOLDING && h->n > 0)
		end_hold(h, rec_at(h, h->n - 1)->t_s);
	h->state = SEARCH;
	h->not_before = h->n;
	h->anchor = h->n;
}

static void hold_interrupt(void *self)
{
	hold_close(self);
}

static void hold_finish(void *self)
{
	hold_close(self);
}

static void hold_live(const void *self, struct hf_live *out)
{
	const struct hold *h = self;
	bool in = h->state == HOLDING && h->announced;

	out->in_set = in;
	out->exercise = in ? h->cfg.exercise : HF_EX_NONE;
	out->side = in ? h->side : HF_SIDE_NONE;
	out->hold_s = in ? h->last_in_s - h->start_s : 0.0;
	out->hold_target_s = h->cfg.thresholds.hold_short_s;
	out->rep_count = 0;
	out->set_count = h->sets_done;
	memset(&out->angles, 0, sizeof out->angles);
	if (in && h->have_frame && h->n > 0) {
		struct hf_quat base_p = hf_quat_mul(h->base_q, h->p2s);
		struct hf_quat now_p = hf_quat_mul(rec_at(h, h->n - 1)->q, h->p2s);
		hf_angles_from_quat(hf_quat_mul(hf_quat_conj(base_p), now_p), &out->angles);
	}
}

const struct hf_kind_ops hf_kind_hold_ops = {
	.kind = HF_KIND_HOLD,
	.create = hold_create,
	.destroy = hold_destroy,
	.update = hold_update,
	.interrupt = hold_interrupt,
	.finish = hold_finish,
	.live = hold_live,
};
