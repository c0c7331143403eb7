/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The foam-roll analyser (contract section 10): passes, posture, pass
 * period.  Motion in, events out, no I/O, nothing allocated per sample.
 *
 * The physics.  Lying face down (quads, hip flexors) or face up (low back)
 * on a roller, the person slides the body along its own long axis: the
 * pelvis translates 0.1-0.4 m along pelvis z, nearly horizontal, out and
 * back, 1.5-5 s per pass.  Two things reach a pelvis-worn IMU:
 *   1. The translation itself.  The specific force minus gravity along
 *      the body axis is the pelvis's acceleration along the body.  It is
 *      small (a 0.1 m pass in 5 s peaks at 0.09 m/s^2, 0.01 g; a 0.4 m
 *      pass in 1.5 s at 4 m/s^2) and a tilt error of 0.5 deg leaks
 *      0.009 g of gravity into it.
 *   2. Rocking.  The body is a beam between the forearms (or the feet) and
 *      the roller; as the roller's contact slides along the body the beam's
 *      angle changes, so the pelvis tilt rocks by a degree or a few with the
 *      pass.  The gyro sees this without gravity, but its size depends on
 *      the person's build and the roller, not on the excursion, and it can
 *      be next to nothing.
 * We count on cue 1, because a pass is defined as a translation and only
 * cue 1 measures one in metres, so that the thresholds are in metres and
 * metres per second whatever the period:
 *   - Gravity: our own estimate of up in the sensor frame (update_gravity():
 *     turned with the gyro, pulled to the accelerometer with a 5 s time
 *     constant, re-locked in 1 s after every turn).  The orientation
 *     filter's attitude is still converging for seconds after getting
 *     down or rolling over, and what that leaks is metres once integrated.
 *   - Velocity: the acceleration high-passed at 0.1 Hz (offsets, slow
 *     leaks) and integrated (leaky, 4 s), projected on the body axis.
 *   - Strokes: a stroke (half a pass, out or back) is a lobe of that
 *     velocity between two zero crossings, counted once |v| passes
 *     LOBE_HYST_MPS and judged when it ends: it must cover STROKE_MIN_M
 *     and peak at STROKE_MIN_MPS, and reach STROKE_FRACTION of the recent
 *     strokes' length and peak.  Strokes alternate: a lobe of the same
 *     sign as the last stroke continues it.  passes = strokes / 2, which
 *     needs no knowledge of which end is "out".
 *   - Zero velocity at each stroke's end: the body turns (or stops) there,
 *     so the velocity restarts from zero and the high-pass from the
 *     acceleration's 2 s mean.  Without this the filters' memory of the
 *     strokes before (the high-pass drifting back towards the mean
 *     position) distorts each stroke and leaves a slow lobe after the last.
 * Leaks at the pass frequency (the rocking, seen by the orientation with a
 * lag) change a stroke's measured length a little but add no stroke;
 * breathing (0.1-0.4 deg of tilt at 0.2-0.45 Hz, the same band) leaks
 * millimetres per second, below the thresholds.  Cue 2 serves as a guard:
 * turning faster than TURN_DPS (getting on or off the roller, rolling
 * over) resets the integrators and counts nothing for SETTLE_S, so
 * getting into position is not a pass.  (Using the rocking to confirm
 * strokes was tried and lost real strokes: its share per stroke is too
 * noisy against the lobe boundaries.)
 *
 * The live path above counts strokes as they end (the STATUS pass count)
 * and says when a set seems over, but its causal high-pass leads the
 * phase of a slow pass (at 0.17 Hz, a 6 s pass, by some 65 deg with the
 * leaky integrator): the velocity crosses zero 0.3 s to over 1 s before a
 * stroke ends, and the rest of that stroke counts as one of its own.
 *
 * The recount.  So the set's numbers come from a second look.  The
 * acceleration (own gravity removed, sensor frame) is kept in a ring of
 * RING_S at BIN_HZ (bin means; zero while turning or settling).  When the
 * live path thinks a set is over, the ring from PRE_S before its first
 * stroke (not before the last turn or the last set) is projected on the
 * body axis, high-passed forward and backward (zero phase) at
 * RECOUNT_HP_HZ, integrated, high-passed so again, and its lobes judged
 * by the same rules; a lobe under way at the end is judged as it stands.
 * The corner sits well below the slowest pass (0.17 Hz), so the filters'
 * ringing before and after a stroke stays below the stroke thresholds,
 * and high enough to take out drift over a minute.  If the recount finds
 * a stroke that ended less than REST_S ago (the live path missed it) the
 * set goes on; otherwise its strokes make the sets: a rest of REST_S
 * between two strokes ends one (so one live set can be two), and when
 * the posture changed, the recount ends where up left the set's by
 * LEVEL_DEG (getting up moves the pelvis along the body too).  The first
 * and last 0.4 s of a slow minimum-jerk stroke move it by less than a
 * millimetre and go unseen: a pass reads up to 0.2 s short, a pause
 * between slow passes up to 0.5 s long (test_passes).
 *
 * Rest and sets: a set is a run of strokes; it ends when REST_S (5 s) pass
 * from the end of its last stroke without a new one beginning, or at a
 * change of posture (world up in the sensor frame more than POSTURE_DEG
 * from the set's, or calibrated, another section 3 posture).  A set counts
 * when it has at least MIN_PASSES passes (a stray stroke or two from
 * shifting on the roller is no set: the project's choice).  start_s is the
 * start of its first stroke, end_s the end of its last whole pass.  A pass
 * lasts from the zero crossing of the velocity that starts its out stroke
 * to the one that ends its back stroke; pass_period_s is the median of
 * these durations.
 *
 * Frames.  Calibrated: the body axis is pelvis z from the mounting, and
 * posture is face down (pelvis -x up) or face up (+x up) by section 3; a
 * stretch in another posture counts no strokes.  Uncalibrated: the body
 * axis is the dominant direction, across world up, of the displacement
 * (the velocity integrated once more, high-passed again at 0.1 Hz; the
 * principal axis of its covariance, a plain mean over the first 20 s of
 * lying, then a moving one; filtered per sensor axis, which is linear,
 * and projected on the axis as it is known at each sample, its sign kept
 * continuous; learnt afresh when up moves to another plane, as from
 * standing to lying, but not when rolling over), and posture is null.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/kind.h"
#include "hipform/sample.h"
#include "hipform/summary.h"

#define HP_HZ 0.1             /* high-pass before and after integrating */
#define LEAK_TAU_S 4.0        /* leaky integrators (drift) */
#define STROKE_MIN_M 0.04     /* a stroke moves at least this (passes >= 0.1 m) */
#define STROKE_FRACTION 0.35  /* ... and this fraction of the recent strokes */
#define LOBE_HYST_MPS 0.01    /* the velocity changes sign past this */
#define DC_TAU_S 2.0          /* the acceleration's slow part (offset, leak) */
#define STROKE_MEMORY 4       /* strokes averaged for that */
#define STROKE_MIN_MPS 0.04   /* a stroke's peak speed at least (0.1 m in 2.5 s: 0.075) */
#define TURN_DPS 20.0         /* faster turning is no pass (getting on, off) */
#define POSTURE_DEG 35.0      /* up this far from the set's: another posture */
#define UP_TAU_S 0.5          /* world up, smoothed */
#define AXIS_TAU_S 20.0       /* memory of the body-axis covariance */
#define GRAV_TAU_S 5.0        /* own gravity estimate: pulled to the accelerometer */
#define GRAV_FAST_TAU_S 0.2   /* ... while turning and just after */
#define GRAV_FAST_S 1.0
#define SETTLE_S 1.0          /* after a turn, integrate this long before counting */
#define REST_S 5.0            /* a rest this long ends a set (section 10) */
#define MIN_PASSES 2
#define MAX_DUR 512           /* pass durations kept per set for the median */
#define POSTURE_COS 0.70710678118654752
#define BIN_HZ 25.0           /* the recount's ring: acceleration in bins */
#define RING_S 600.0          /* ... this long */
#define RING_N 15000          /* RING_S * BIN_HZ */
#define PRE_S 6.0             /* recount from this long before the first stroke */
#ifndef RECOUNT_HP_HZ
#define RECOUNT_HP_HZ 0.07
#endif
#define MAX_STROKES 1024      /* per recount */
#define LEVEL_DEG 10.0        /* up this far from the set's: getting up, rolling over */
#define LEVEL_COS 0.98480775301220806 /* cos(LEVEL_DEG) */

/* A stroke as the recount finds it: from the zero crossing of the
 * velocity that starts it to the one that ends it. */
struct stroke {
	double t0_s, t1_s;
};

/* The recent strokes' lengths and peak speeds, which a new one is
 * judged against. */
struct stroke_memory {
	double len_m[STROKE_MEMORY], peak_mps[STROKE_MEMORY];
	int n;
};

/* A biquad, direct form II transposed. */
struct biquad {
	double b0, b1, b2, a1, a2;
	double s1[3], s2[3];
};

struct passes {
	struct hf_kind_config cfg;
	hf_event_cb cb;
	void *user;
	double dt_s;
	double prev_t_s;
	bool have_prev;

	struct biquad hp_acc, hp_disp;
	double vel[3], disp[3];     /* leaky integrals, sensor frame, m/s and m */
	double up_s[3];             /* smoothed world up, sensor frame */
	bool have_up;
	double axis_s[3];           /* body axis, sensor frame */
	double cov[3][3];           /* uncalibrated: displacement covariance */
	double axis_age_s;          /* time it has been learnt */
	double axis_up_s[3];        /* up while it was learnt */
	double settle_until_s;      /* no strokes before this (after a turn) */
	bool settling;
	double grav_s[3];           /* own estimate of up, sensor frame */
	bool have_grav;

	/* lobes of the along-body velocity */
	bool lobe_active;           /* v has passed the hysteresis since the crossing */
	int lobe_sign;              /* 0 none, +1, -1 */
	double lobe_m, lobe_t0_s;   /* distance so far, start */
	double lobe_peak_mps;       /* largest |v| in it */
	double lobe_end_s;          /* first zero crossing after it, NAN before */
	int raw_sign;               /* sign of v, no hysteresis */
	double zero_s;              /* last zero crossing of v */
	double last_end_s;          /* end of the last stroke of the set */
	double a_dc[3];             /* the acceleration's slow part, m/s^2 */
	struct stroke_memory mem;   /* the recent strokes */
	int last_sign;              /* sign of the last counted stroke */


	/* the set */
	bool in_set;
	int strokes;
	double set_start_s;
	double set_up_s[3];
	enum hf_posture set_posture;  /* posture_of(set_up_s), fixed per set */
	double up_sum[3];
	double dur_s[MAX_DUR];      /* pass durations */
	int n_dur;

	struct hf_passes_summary sum;
	int sets_done;
	enum hf_posture posture_now;

	/* the recount (section "The recount" above) */
	struct biquad hp_bin;         /* high-pass at BIN_HZ, zero-phase use */
	float ring[RING_N][3];        /* along-body acceleration, sensor frame */
	int ring_head, ring_n;        /* oldest bin, bins held */
	double ring_t0_s;             /* start of the oldest bin */
	double bin_sum[3];
	int bin_count;
	double bin_t0_s;              /* start of the bin being filled */
	bool have_bin;
	double counted_to_s;          /* the last recount's sets end before this */
	double level_to_s;            /* last time up was within LEVEL_DEG of the set's */
	double calm_from_s;           /* the last turn's settling ended */
	double x[RING_N], v[RING_N];  /* recount work */
	struct stroke strokes_r[MAX_STROKES];
};

static const double UP[3] = {0.0, 0.0, 1.0};

/* ---- filters ---- */

/* Butterworth high-pass (Q = 1/sqrt 2) by the bilinear transform (R.
 * Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter
 * coefficients"). */
static void biquad_highpass(struct biquad *f, double fc_hz, double rate_hz)
{
	double w0 = 2.0 * HF_PI * fc_hz / rate_hz, c = cos(w0);
	double alpha = sin(w0) / (2.0 * 0.70710678118654752), a0 = 1.0 + alpha;

	memset(f, 0, sizeof *f);
	f->b0 = (1.0 + c) / 2.0 / a0;
	f->b1 = -(1.0 + c) / a0;
	f->b2 = (1.0 + c) / 2.0 / a0;
	f->a1 = -2.0 * c / a0;
	f->a2 = (1.0 - alpha) / a0;
}

static double biquad_step(struct biquad *f, int k, double x)
{
	double y = f->b0 * x + f->s1[k];

	f->s1[k] = f->b1 * x - f->a1 * y + f->s2[k];
	f->s2[k] = f->b2 * x - f->a2 * y;
	return y;
}

/* The state a constant input x has settled to (output 0). */
static void biquad_settle(struct biquad *f, int k, double x)
{
	f->s1[k] = -f->b0 * x;
	f->s2[k] = f->b2 * x;
}

/* ---- small helpers ---- */

static void emit_set(struct passes *p, double now_s, double start_s, double end_s, int passes);
static void close_set(struct passes *p, double now_s, bool take_lobe);

/* a and b more than deg apart, by the cosine (no acos on the sample path) */
static bool apart(const double a[3], const double b[3], double cos_deg)
{
	return hf_vec_dot(a, b) < cos_deg * (hf_vec_norm(a) * hf_vec_norm(b) + 1e-12);
}

/* Section 3 posture from world up in the sensor frame (calibrated). */
static enum hf_posture posture_of(const struct passes *p, const double up_s[3])
{
	double u[3];

	if (!p->cfg.has_mounting)
		return HF_POSTURE_UNKNOWN;
	hf_quat_rotate_inv(p->cfg.pelvis_to_sensor, up_s, u);
	hf_vec_normalize(u);
	if (u[0] <= -POSTURE_COS)
		return HF_POSTURE_PRONE;
	if (u[0] >= POSTURE_COS)
		return HF_POSTURE_SUPINE;
	return HF_POSTURE_COUNT; /* neither: no foam rolling */
}

static void reset_zigzag(struct passes *p)
{
	p->lobe_active = false;
	p->lobe_sign = 0;
	p->raw_sign = 0; /* the next crossing starts a lobe afresh */
	p->lobe_m = 0.0;
	p->lobe_peak_mps = 0.0;
	p->lobe_end_s = NAN;
	if (!p->in_set) {
		p->mem.n = 0;
		p->last_sign = 0;
	}
}

/* Forget the integrals, as if the present input had always been. */
static void reset_filters(struct passes *p, const double a_mps2[3])
{
	for (int k = 0; k < 3; k++) {
		biquad_settle(&p->hp_acc, k, a_mps2[k]);
		biquad_settle(&p->hp_disp, k, 0.0);
		p->vel[k] = p->disp[k] = 0.0;
	}
	reset_zigzag(p);
}

/* ---- the body axis ---- */

/* Uncalibrated: the principal axis, across up, of the displacement. */
static void update_axis(struct passes *p, const double d_s[3], double dt_s)
{
	double h[3], n[3], w, dot = hf_vec_dot(d_s, p->up_s);

	if (p->cfg.has_mounting)
		return;
	/* another horizontal plane (standing, sitting, on a side; not rolling
	 * over, which keeps it): learn afresh */
	if (fabs(hf_vec_dot(p->up_s, p->axis_up_s)) < POSTURE_COS) {
		memset(p->cov, 0, sizeof p->cov);
		p->axis_age_s = 0.0;
		memcpy(p->axis_up_s, p->up_s, sizeof p->axis_up_s);
	}
	/* a plain mean over the first AXIS_TAU_S, then a moving one */
	p->axis_age_s += dt_s;
	w = dt_s / fmin(AXIS_TAU_S, fmax(p->axis_age_s, 0.5));
	for (int k = 0; k < 3; k++)
		h[k] = d_s[k] - dot * p->up_s[k];
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 3; c++)
			p->cov[r][c] += w * (h[r] * h[c] - p->cov[r][c]);
	/* power-iteration steps follow the slow covariance */
	for (int it = 0; it < 3; it++) {
	for (int r = 0; r < 3; r++)
		n[r] = p->cov[r][0] * p->axis_s[0] + p->cov[r][1] * p->axis_s[1] +
		       p->cov[r][2] * p->axis_s[2];
	dot = hf_vec_dot(n, p->up_s);
	for (int k = 0; k < 3; k++)
		n[k] -= dot * p->up_s[k];
	if (hf_vec_normalize(n) < 1e-12)
		return;
	if (hf_vec_dot(n, p->axis_s) < 0.0)
		for (int k = 0; k < 3; k++)
			n[k] = -n[k];
	memcpy(p->axis_s, n, sizeof n);
	}
}

/* ---- strokes, passes, sets ---- */

static double stroke_threshold_m(const struct stroke_memory *m)
{
	double mean = 0.0;

	if (m->n == 0)
		return STROKE_MIN_M;
	for (int i = 0; i < m->n; i++)
		mean += m->len_m[i];
	return fmax(STROKE_MIN_M, STROKE_FRACTION * mean / m->n);
}

static double speed_threshold_mps(const struct stroke_memory *m)
{
	double mean = 0.0;

	for (int i = 0; i < m->n; i++)
		mean += m->peak_mps[i];
	return fmax(STROKE_MIN_MPS, m->n ? STROKE_FRACTION * mean / m->n : 0.0);
}

/* A lobe of this length and peak speed is a stroke. */
static bool is_stroke(const struct stroke_memory *m, double len_m, double peak_mps)
{
	return len_m >= stroke_threshold_m(m) && peak_mps >= speed_threshold_mps(m);
}

static void remember_stroke(struct stroke_memory *m, double len_m, double peak_mps)
{
	if (m->n == STROKE_MEMORY) {
		memmove(m->len_m, m->len_m + 1, (STROKE_MEMORY - 1) * sizeof *m->len_m);
		memmove(m->peak_mps, m->peak_mps + 1, (STROKE_MEMORY - 1) * sizeof *m->peak_mps);
		m->n--;
	}
	m->len_m[m->n] = len_m;
	m->peak_mps[m->n++] = peak_mps;
}

static void open_set(struct passes *p, double t0_s)
{
	p->in_set = true;
	p->strokes = 0;
	p->set_start_s = t0_s;
	memcpy(p->set_up_s, p->up_s, sizeof p->set_up_s);
	p->set_posture = posture_of(p, p->set_up_s);
	p->level_to_s = t0_s;
	memset(p->up_sum, 0, sizeof p->up_sum);
}

/*
 * A stroke has ended: the body is at a turning point (or stops), its
 * along-body velocity is zero.  Restart the velocity from zero and the
 * high-pass from the acceleration's slow part (what it had taken for
 * gravity leak and offsets), so the next stroke is measured without the
 * filters' memory of the last ones: the high-pass would otherwise return
 * slowly towards the mean position after the last stroke of a set, a lobe
 * as long as half a stroke.
 */
static void zero_velocity(struct passes *p)
{
	for (int k = 0; k < 3; k++) {
		biquad_settle(&p->hp_acc, k, p->a_dc[k]);
		p->vel[k] = 0.0;
	}
}

/* A lobe of one sign ended: a stroke if it went far and fast enough.  A
 * lobe of the same sign as the last stroke continues that stroke (the
 * velocity wavered about zero at a dwell).  Live, only the strokes are
 * counted (STATUS); the set's passes and their lengths come from the
 * recount. */
static void end_lobe(struct passes *p, double t_s)
{
	double len = fabs(p->lobe_m), end_s = isnan(p->lobe_end_s) ? t_s : p->lobe_end_s;
	double peak = p->lobe_peak_mps;

	if (p->lobe_sign == 0 || !is_stroke(&p->mem, len, peak))
		return;
	if (p->in_set && p->lobe_sign == p->last_sign) {
		p->last_end_s = end_s;
		zero_velocity(p);
		return;
	}
	if (!p->in_set)
		open_set(p, p->lobe_t0_s);
	remember_stroke(&p->mem, len, peak);
	p->last_end_s = end_s;
	zero_velocity(p);
	p->last_sign = p->lobe_sign;
	p->strokes++;
}

/* Velocity lobes: from one zero crossing of v to the next, counted as
 * movement once |v| has passed LOBE_HYST_MPS; each is judged the moment
 * it ends. */
static void lobe_step(struct passes *p, double v, double dt_s, double t_s)
{
	int raw = v > 0.0 ? 1 : v < 0.0 ? -1 : 0;

	if (raw != 0 && raw != p->raw_sign) {
		if (p->lobe_active) {
			p->lobe_end_s = t_s;
			end_lobe(p, t_s);
			p->lobe_active = false;
		}
		p->raw_sign = raw;
		p->zero_s = t_s;
		p->lobe_m = 0.0;
		p->lobe_peak_mps = 0.0;
	}
	p->lobe_m += v * dt_s;
	p->lobe_peak_mps = fmax(p->lobe_peak_mps, fabs(v));
	if (!p->lobe_active && fabs(v) > LOBE_HYST_MPS) {
		p->lobe_active = true;
		p->lobe_sign = raw;
		p->lobe_t0_s = p->zero_s;
		p->lobe_end_s = NAN;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_duration_s(const struct passes *p, double fallback_s)
{
	double d[MAX_DUR];
	int n = p->n_dur;

	if (n == 0)
		return fallback_s;
	memcpy(d, p->dur_s, (size_t)n * sizeof d[0]);
	qsort(d, (size_t)n, sizeof d[0], cmp_double);
	return n % 2 ? d[n / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2]);
}

/* ---- the recount ---- */

static void ring_push(struct passes *p, const double a[3])
{
	int i;

	if (p->ring_n == RING_N) {
		p->ring_head = (p->ring_head + 1) % RING_N;
		p->ring_n--;
		p->ring_t0_s += 1.0 / BIN_HZ;
	}
	i = (p->ring_head + p->ring_n) % RING_N;
	for (int k = 0; k < 3; k++)
		p->ring[i][k] = (float)a[k];
	p->ring_n++;
}

static void ring_restart(struct passes *p, double t_s)
{
	p->ring_n = 0;
	p->ring_head = 0;
	p->ring_t0_s = p->bin_t0_s = t_s;
	p->bin_count = 0;
	memset(p->bin_sum, 0, sizeof p->bin_sum);
	p->have_bin = true;
}

/* The acceleration (gravity removed, sensor frame, m/s^2) in bins of
 * 1/BIN_HZ, zero while nothing can count (turning, settling). */
static void ring_record(struct passes *p, double t_s, const double a_mps2[3], bool ok)
{
	const double bin_s = 1.0 / BIN_HZ;

	if (!p->have_bin || t_s - p->bin_t0_s > RING_S || t_s < p->bin_t0_s - bin_s)
		ring_restart(p, t_s);
	while (t_s >= p->bin_t0_s + bin_s) {
		double mean[3];
		for (int k = 0; k < 3; k++)
			mean[k] = p->bin_count ? p->bin_sum[k] / p->bin_count : 0.0;
		ring_push(p, mean);
		p->bin_t0_s += bin_s;
		p->bin_count = 0;
		memset(p->bin_sum, 0, sizeof p->bin_sum);
	}
	for (int k = 0; k < 3 && ok; k++)
		p->bin_sum[k] += a_mps2[k];
	p->bin_count++;
}

/* Forward, then backward: a zero-phase high-pass, the magnitude squared. */
static void zero_phase_highpass(struct biquad *f, double *x, int n)
{
	if (n <= 0)
		return;
	biquad_settle(f, 0, x[0]);
	for (int i = 0; i < n; i++)
		x[i] = biquad_step(f, 0, x[i]);
	biquad_settle(f, 0, x[n - 1]);
	for (int i = n - 1; i >= 0; i--)
		x[i] = biquad_step(f, 0, x[i]);
}

/* The along-body velocity from from_s to to_s (or the ring's end) into p->v: the
 * acceleration high-passed without phase, integrated, high-passed again.
 * Returns the bins; *t0_s is the first one's centre. */
static int recount_velocity(struct passes *p, double from_s, double to_s, double *t0_s)
{
	int first = (int)ceil((from_s - p->ring_t0_s) * BIN_HZ), n;
	int last = (int)floor((to_s - p->ring_t0_s) * BIN_HZ);
	double vel = 0.0;

	if (first < 0)
		first = 0;
	n = (last < p->ring_n ? last : p->ring_n) - first;
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		const float *a = p->ring[(p->ring_head + first + i) % RING_N];
		p->x[i] = a[0] * p->axis_s[0] + a[1] * p->axis_s[1] + a[2] * p->axis_s[2];
	}
	zero_phase_highpass(&p->hp_bin, p->x, n);
	for (int i = 0; i < n; i++) {
		vel += p->x[i] / BIN_HZ;
		p->v[i] = vel;
	}
	zero_phase_highpass(&p->hp_bin, p->v, n);
	*t0_s = p->ring_t0_s + (first + 0.5) / BIN_HZ;
	return n;
}

/* The recount's stroke finder: lobes of the velocity between zero
 * crossings, judged as the live path judges them. */
struct stroke_scan {
	struct stroke_memory mem;
	int last_sign, n;
};

static void scan_lobe(struct passes *p, struct stroke_scan *sc, int sign, double t0_s,
		      double t1_s, double len_m, double peak_mps)
{
	struct stroke *last = sc->n ? &p->strokes_r[sc->n - 1] : NULL;

	if (last && t0_s - last->t1_s >= REST_S) { /* a rest: a new set */
		sc->mem.n = 0;
		sc->last_sign = 0;
	}
	if (!is_stroke(&sc->mem, len_m, peak_mps))
		return;
	if (last && sign == sc->last_sign) {
		last->t1_s = t1_s; /* the velocity wavered about zero: one stroke */
		return;
	}
	if (sc->n == MAX_STROKES)
		return;
	remember_stroke(&sc->mem, len_m, peak_mps);
	sc->last_sign = sign;
	p->strokes_r[sc->n].t0_s = t0_s;
	p->strokes_r[sc->n++].t1_s = t1_s;
}

/* Strokes from from_s to to_s into p->strokes_r; a lobe under way at the
 * end is judged as it stands.  Returns their count. */
static int recount(struct passes *p, double from_s, double to_s)
{
	struct stroke_scan sc = {.n = 0};
	double t0 = 0.0, lobe_t0 = 0.0, zero_t, len = 0.0, peak = 0.0;
	int n = recount_velocity(p, from_s, to_s, &t0), raw_sign = 0, lobe_sign = 0;

	zero_t = t0;
	for (int i = 0; i <= n; i++) {
		double v = i < n ? p->v[i] : 0.0, t = t0 + i / BIN_HZ;
		int raw = i == n ? -raw_sign : v > 0.0 ? 1 : v < 0.0 ? -1 : 0;

		if (raw != 0 && raw != raw_sign) {
			if (lobe_sign)
				scan_lobe(p, &sc, lobe_sign, lobe_t0, t, fabs(len), peak);
			raw_sign = raw;
			zero_t = t;
			len = peak = 0.0;
			lobe_sign = 0;
		}
		len += v / BIN_HZ;
		peak = fmax(peak, fabs(v));
		if (!lobe_sign && fabs(v) > LOBE_HYST_MPS) {
			lobe_sign = raw;
			lobe_t0 = zero_t;
		}
	}
	return sc.n;
}

/* Strokes k..j-1 of the recount as a set, if they make MIN_PASSES. */
static void emit_strokes(struct passes *p, double now_s, int k, int j)
{
	const struct stroke *s = p->strokes_r + k;
	int passes = (j - k) / 2;

	if (passes < MIN_PASSES)
		return;
	p->n_dur = 0;
	for (int i = 0; i < passes && p->n_dur < MAX_DUR; i++)
		p->dur_s[p->n_dur++] = s[2 * i + 1].t1_s - s[2 * i].t0_s;
	emit_set(p, now_s, s[0].t0_s, s[2 * passes - 1].t1_s, passes);
}

/* The recount's strokes as sets: a rest of REST_S between two strokes
 * ends one. */
static void emit_recounted(struct passes *p, double now_s, int n)
{
	for (int k = 0, j; k < n; k = j) {
		for (j = k + 1; j < n && p->strokes_r[j].t0_s - p->strokes_r[j - 1].t1_s < REST_S; j++)
			;
		emit_strokes(p, now_s, k, j);
	}
}

/*
 * The live path thinks the set is over (REST_S without a stroke; final:
 * the posture changed or the input ended).  Count it again from the ring
 * and send what that finds; unless not final and the recount's last
 * stroke ended less than REST_S ago (the live path missed strokes): then
 * wait for REST_S after it.  The recount starts after the last turn (and
 * the last set) and, when final, ends where up began to leave the set's:
 * getting up or rolling over moves the pelvis along the body axis too.
 */
static void settle_set(struct passes *p, double now_s, bool final)
{
	int n = 0;

	if (p->in_set) {
		double from_s = fmax(fmax(p->set_start_s - PRE_S, p->counted_to_s), p->calm_from_s);
		n = recount(p, from_s, final ? p->level_to_s : now_s);
		if (!final && n > 0 && p->strokes_r[n - 1].t1_s > now_s - REST_S) {
			p->last_end_s = p->strokes_r[n - 1].t1_s;
			return;
		}
		emit_recounted(p, now_s, n);
		p->counted_to_s = now_s;
	}
	p->in_set = false;
	p->strokes = 0;
	p->last_sign = 0;
	p->mem.n = 0;
}

/* Close the set; take_lobe: the lobe under way is its last (the input
 * ends, the posture changes). */
static void close_set(struct passes *p, double now_s, bool take_lobe)
{
	if (take_lobe && p->lobe_active) {
		end_lobe(p, now_s);
		p->lobe_active = false;
	}
	settle_set(p, now_s, true);
}

static void emit_set(struct passes *p, double now_s, double start_s, double end_s, int passes)
{
	struct hf_set_summary set;
	struct hf_event ev;

	p->sum.passes = passes;
	p->sum.posture = posture_of(p, p->up_sum);
	if (p->sum.posture == HF_POSTURE_COUNT)
		return;
	p->sum.pass_period_s = median_duration_s(p, (end_s - start_s) / passes);
	memset(&set, 0, sizeof set);
	set.exercise = p->cfg.exercise;
	set.side = HF_SIDE_NONE;
	set.start_s = start_s;
	set.end_s = end_s;
	set.passes = &p->sum;
	memset(&ev, 0, sizeof ev);
	ev.type = HF_EVENT_SET;
	ev.t_s = now_s;
	ev.exercise = p->cfg.exercise;
	ev.side = HF_SIDE_NONE;
	ev.set_index = p->sets_done;
	ev.rep_index = -1;
	ev.fault = HF_FAULT_COUNT;
	ev.set = &set;
	if (p->cb)
		p->cb(&ev, p->user);
	p->sets_done++;
}

/* A lobe that began within REST_S of the last stroke, not judged yet,
 * may continue the set. */
static bool rest_pending(const struct passes *p)
{
	return p->lobe_active && p->lobe_sign != p->last_sign &&
	       p->lobe_t0_s < p->last_end_s + REST_S;
}

/* ---- gravity ---- */

/*
 * World up in the sensor frame, our own: turned with the gyro, pulled
 * towards the accelerometer's direction quickly (GRAV_FAST_TAU_S) while
 * the body turns and for GRAV_FAST_S after (lying still on the roller:
 * the accelerometer is gravity), slowly (GRAV_TAU_S) otherwise, so that
 * a pass's own acceleration barely moves it.  The orientation filter's
 * attitude, pulled at 0.5/s, is still converging for seconds after
 * getting down or rolling over, and what it leaks then is metres once
 * integrated twice.
 */
static void update_gravity(struct passes *p, const struct hf_motion *m, double dt_s)
{
	double w[3], c[3], f[3], tau;
	bool fast = m->t_s < p->settle_until_s - SETTLE_S + GRAV_FAST_S;

	memcpy(f, m->acc_g, sizeof f);
	if (hf_vec_normalize(f) <= 0.0)
		return;
	if (!p->have_grav) {
		memcpy(p->grav_s, f, sizeof f);
		p->have_grav = true;
		return;
	}
	for (int k = 0; k < 3; k++)
		w[k] = m->gyro_dps[k] * HF_DEG2RAD * dt_s;
	hf_vec_cross(p->grav_s, w, c); /* dg = -w x g = g x w */
	tau = fast ? GRAV_FAST_TAU_S : GRAV_TAU_S;
	for (int k = 0; k < 3; k++)
		p->grav_s[k] += c[k] + dt_s / (tau + dt_s) * (f[k] - p->grav_s[k]);
	hf_vec_normalize(p->grav_s);
}

/* ---- per sample ---- */

static void smooth_up(struct passes *p, struct hf_quat q, double dt_s)
{
	double u[3], w = dt_s / (UP_TAU_S + dt_s);

	hf_quat_rotate_inv(q, UP, u);
	if (!p->have_up) {
		memcpy(p->up_s, u, sizeof u);
		p->have_up = true;
		return;
	}
	for (int k = 0; k < 3; k++)
		p->up_s[k] += w * (u[k] - p->up_s[k]);
	hf_vec_normalize(p->up_s);
}

static double step_s(struct passes *p, double t_s)
{
	double d = p->have_prev ? t_s - p->prev_t_s : p->dt_s;

	p->prev_t_s = t_s;
	p->have_prev = true;
	return d > 0.0 && d < 3.0 * p->dt_s ? d : p->dt_s;
}

/* True when this moment can hold a pass: lying (calibrated), no big turn,
 * the set's posture. */
static bool can_count(struct passes *p, const struct hf_motion *m, double a[3])
{
	double rate2 = hf_vec_dot(m->gyro_dps, m->gyro_dps);
	enum hf_posture now = posture_of(p, p->up_s);

	p->posture_now = now == HF_POSTURE_COUNT ? HF_POSTURE_UNKNOWN : now;
	if (p->in_set && (apart(p->up_s, p->set_up_s, cos(POSTURE_DEG * HF_DEG2RAD)) ||
			  (p->cfg.has_mounting && now != p->set_posture)))
		close_set(p, m->t_s, true);
	if (rate2 > TURN_DPS * TURN_DPS || now == HF_POSTURE_COUNT) {
		reset_filters(p, a);
		p->settle_until_s = m->t_s + SETTLE_S;
		p->settling = true;
		return false;
	}
	if (m->t_s < p->settle_until_s)
		return false;
	if (p->settling) { /* gravity has re-locked: start from rest */
		reset_filters(p, a);
		p->calm_from_s = m->t_s;
	}
	p->settling = false;
	return true;
}

static void passes_update(void *self, const struct hf_motion *m)
{
	struct passes *p = self;
	double dt = step_s(p, m->t_s), a[3], d[3], v;
	bool ok;

	smooth_up(p, m->q_sensor_world, dt);
	update_gravity(p, m, dt);
	for (int k = 0; k < 3; k++)
		a[k] = (m->acc_g[k] - p->grav_s[k]) * HF_G_MPS2;
	ok = can_count(p, m, a);
	ring_record(p, m->t_s, a, ok);
	for (int k = 0; k < 3; k++) {
		double ak = biquad_step(&p->hp_acc, k, a[k]);
		p->a_dc[k] += dt / (DC_TAU_S + dt) * (a[k] - p->a_dc[k]);
		p->vel[k] += dt * (ak - p->vel[k] / LEAK_TAU_S);
		p->disp[k] += dt * (p->vel[k] - p->disp[k] / LEAK_TAU_S);
		d[k] = biquad_step(&p->hp_disp, k, p->disp[k]);
	}
	if (ok)
		update_axis(p, d, dt);
	v = hf_vec_dot(p->vel, p->axis_s);
	if (!ok)
		return;
	lobe_step(p, v, dt, m->t_s);
	if (p->in_set && m->t_s - p->last_end_s >= REST_S && !rest_pending(p))
		settle_set(p, m->t_s, false);
	if (p->in_set) {
		for (int k = 0; k < 3; k++)
			p->up_sum[k] += p->up_s[k];
		if (!apart(p->up_s, p->set_up_s, LEVEL_COS))
			p->level_to_s = m->t_s;
	}
}

/* ---- the interface ---- */

static void passes_destroy(void *self)
{
	free(self);
}

static void *passes_create(const struct hf_kind_config *cfg, hf_event_cb cb, void *user)
{
	struct passes *p;
	double rate = cfg && cfg->rate_hz > 0.0 ? cfg->rate_hz : 100.0;
	double z[3] = {0.0, 0.0, 1.0};

	if (!cfg || !hf_exercise_info(cfg->exercise) ||
	    hf_exercise_info(cfg->exercise)->kind != HF_KIND_PASSES)
		return NULL;
	p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->cfg = *cfg;
	p->cb = cb;
	p->user = user;
	p->dt_s = 1.0 / rate;
	biquad_highpass(&p->hp_acc, HP_HZ, rate);
	biquad_highpass(&p->hp_disp, HP_HZ, rate);
	biquad_highpass(&p->hp_bin, RECOUNT_HP_HZ, BIN_HZ);
	p->counted_to_s = p->calm_from_s = -INFINITY;
	if (cfg->has_mounting)
		hf_quat_rotate(cfg->pelvis_to_sensor, z, p->axis_s);
	else
		p->axis_s[0] = 1.0; /* replaced by the first movements */
	reset_zigzag(p);
	return p;
}

static void passes_close(void *self)
{
	struct passes *p = self;

	close_set(p, p->prev_t_s, true);
	reset_zigzag(p);
}

static void passes_live(const void *self, struct hf_live *out)
{
	const struct passes *p = self;
	bool in = p->in_set && p->strokes / 2 >= 1;

	out->in_set = in;
	out->exercise = in ? p->cfg.exercise : HF_EX_NONE;
	out->side = HF_SIDE_NONE;
	out->posture = p->posture_now;
	out->hold_s = 0.0;
	out->hold_target_s = 0.0;
	out->rep_count = 0;
	out->passes = in ? p->strokes / 2 : 0;
	out->set_count = p->sets_done;
	memset(&out->angles, 0, sizeof out->angles);
}

const struct hf_kind_ops hf_kind_passes_ops = {
	.kind = HF_KIND_PASSES,
	.create = passes_create,
	.destroy = passes_destroy,
	.update = passes_update,
	.interrupt = passes_close,
	.finish = passes_close,
	.live = passes_live,
};
