/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ground truth of each set, from the true trajectory on a 1 kHz grid with
 * the contract's rules (sections 1, 3, 4, 5), independently of the
 * analyser.
 *
 * The simulator knows which movements (reps and fidgets) a set holds; each
 * is a candidate whose peak is the maximum of e(t) over the movement.
 * From the peak: start = last instant before it with e <= 10 % of the peak
 * (searching back no further than the previous rep's end, or the start of
 * the still lead-in), end = first instant after it with e <= 10 %, hold =
 * first to last instant with e >= 90 %; instants are interpolated linearly
 * between grid points.  Candidates count as reps by the section 4 rule
 * (>= 1.0 deg, >= 0.6 s from start to end, >= 25 % of the median peak of
 * the reps without pelvis_rollback).  The baseline is the mean orientation
 * over the last 2.0 s before the first rep's start (or the still lead-in,
 * if shorter); since that start depends on the baseline, the two are
 * iterated to a fixed point (two or three rounds).  A rest of 8 s or more
 * between two reps of a programmed set splits it into two truth sets
 * (section 4), each measured on its own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "sim_internal.h"

#define GRID_HZ 1000.0
#define MAX_CANDS (2 * HF_SIM_MAX_REPS)
#define MAX_ROUNDS 5

struct grid {
	double t0_s;                 /* program time of point 0 */
	size_t n;
	const struct hf_quat *q;
	double *e, *rot;
};

struct cand {
	double w0_s, w1_s;           /* the movement, program time */
	struct hf_rep rep;
	bool counted;
	bool set_before; /* a fidget of the set before a gap (set_truth()) */
	double min_peak_deg; /* the peak section 4 asked of it, last judged */
};

static double grid_t(const struct grid *g, size_t j)
{
	return g->t0_s + (double)j / GRID_HZ;
}

static size_t grid_index(const struct grid *g, double t_s)
{
	double x = (t_s - g->t0_s) * GRID_HZ;

	if (x <= 0.0)
		return 0;
	if (x >= (double)(g->n - 1))
		return g->n - 1;
	return (size_t)floor(x + 0.5);
}

/* Instant where e crosses level between points j and j + 1. */
static double crossing(const struct grid *g, size_t j, double level)
{
	double a = g->e[j], b = g->e[j + 1];
	double u = b != a ? (level - a) / (b - a) : 0.0;

	return grid_t(g, j) + fmin(1.0, fmax(0.0, u)) / GRID_HZ;
}

static int ensure_grid(struct hf_sim *sim, size_t n)
{
	void *a, *b, *c;

	if (n <= sim->cap_grid)
		return HF_OK;
	a = realloc(sim->g_q, n * sizeof *sim->g_q);
	if (a)
		sim->g_q = a;
	b = realloc(sim->g_e, n * sizeof *sim->g_e);
	if (b)
		sim->g_e = b;
	c = realloc(sim->g_rot, n * sizeof *sim->g_rot);
	if (c)
		sim->g_rot = c;
	if (!a || !b || !c)
		return HF_ERR_NOMEM;
	sim->cap_grid = n;
	return HF_OK;
}

/* e(t) and rotation(t) against the mean orientation over [b0, b1]. */
static struct hf_quat baseline(struct grid *g, double b0_s, double b1_s,
			       enum hf_exercise ex, enum hf_side side)
{
	const struct hf_exercise_info *info = hf_exercise_info(ex);
	double sign = hf_exercise_sign(ex, side);
	struct hf_quat_mean m;
	struct hf_quat ref_inv;

	hf_quat_mean_reset(&m);
	for (size_t j = grid_index(g, b0_s); j <= grid_index(g, b1_s); j++)
		hf_quat_mean_add(&m, g->q[j], 1.0);
	ref_inv = hf_quat_conj(hf_quat_mean_get(&m));
	for (size_t j = 0; j < g->n; j++) {
		struct hf_angles a;
		double v[3];
		hf_angles_from_quat(hf_quat_mul(ref_inv, g->q[j]), &a);
		v[HF_AXIS_TILT] = a.tilt_deg;
		v[HF_AXIS_OBLIQUITY] = a.obliquity_deg;
		v[HF_AXIS_ROTATION] = a.rotation_deg;
		g->e[j] = sign * v[info->axis];
		g->rot[j] = a.rotation_deg;
	}
	return hf_quat_conj(ref_inv);
}

/* Measure one candidate: window [w0, w1], searches limited to [lo, hi]. */
static void measure(const struct grid *g, const struct cand *c, double lo_s, double hi_s,
		    struct hf_quat ref, enum hf_exercise ex, struct hf_rep *r)
{
	size_t jp = grid_index(g, c->w0_s), jlo = grid_index(g, lo_s), jhi = grid_index(g, hi_s);
	size_t js, je, j;
	double low, high, t_h0, t_h1;
	struct hf_angles a;

	for (j = jp; j <= grid_index(g, c->w1_s); j++)
		if (g->e[j] > g->e[jp])
			jp = j;
	memset(r, 0, sizeof *r);
	r->peak_s = grid_t(g, jp);
	r->excursion_deg = g->e[jp];
	if (r->excursion_deg <= 0.0) { /* no movement in the rep's sense */
		r->start_s = r->end_s = r->peak_s;
		return;
	}
	low = 0.1 * r->excursion_deg;
	high = 0.9 * r->excursion_deg;
	for (js = jp; js > jlo && g->e[js] > low; js--)
		;
	r->start_s = g->e[js] <= low ? crossing(g, js, low) : grid_t(g, js);
	for (je = jp; je < jhi && g->e[je] > low; je++)
		;
	r->end_s = g->e[je] <= low ? crossing(g, je - 1, low) : grid_t(g, je);
	for (j = js; j < jp && g->e[j] < high; j++)
		;
	t_h0 = j > 0 && g->e[j - 1] < high ? crossing(g, j - 1, high) : grid_t(g, j);
	for (j = je; j > jp && g->e[j] < high; j--)
		;
	t_h1 = j + 1 < g->n && g->e[j + 1] < high ? crossing(g, j, high) : grid_t(g, j);
	r->hold_s = t_h1 - t_h0;
	r->rise_s = t_h0 - r->start_s;
	r->lower_s = r->end_s - t_h1;
	hf_angles_from_quat(hf_quat_mul(hf_quat_conj(ref), g->q[jp]), &a);
	r->tilt_deg = a.tilt_deg;
	r->obliquity_deg = a.obliquity_deg;
	r->rotation_deg = a.rotation_deg;
	for (j = js; j <= je; j++)
		r->max_abs_rotation_deg = fmax(r->max_abs_rotation_deg, fabs(g->rot[j]));
	r->faults = hf_rep_faults(r, ex, &hf_thresholds_default);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Section 4: which candidates are reps. */
static void count_reps(struct cand *c, int n)
{
	const struct hf_thresholds *th = &hf_thresholds_default;
	double v[MAX_CANDS], median;
	bool ok[MAX_CANDS];
	int m = 0;

	for (int i = 0; i < n; i++) {
		ok[i] = !c[i].set_before && c[i].rep.excursion_deg >= th->rep_min_deg &&
			c[i].rep.end_s - c[i].rep.start_s >= th->rep_min_duration_s;
		if (ok[i] && !(c[i].rep.faults & HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK)))
			v[m++] = c[i].rep.excursion_deg;
	}
	if (m == 0)
		for (int i = 0; i < n; i++)
			if (ok[i])
				v[m++] = c[i].rep.excursion_deg;
	if (m == 0) {
		for (int i = 0; i < n; i++)
			c[i].counted = false;
		return;
	}
	qsort(v, (size_t)m, sizeof v[0], compare_double);
	median = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
	for (int i = 0; i < n; i++) {
		c[i].counted = ok[i] && c[i].rep.excursion_deg >= th->rep_min_fraction * median;
		if (!c[i].set_before)
			c[i].min_peak_deg = fmax(th->rep_min_deg, th->rep_min_fraction * median);
	}
}

/* Whether the movements counted among c[0..n) change when c[i]'s
 * pelvis_rollback is read the other way (it decides which reps the
 * median is taken over). */
static bool rollback_decides(const struct cand *c, int n, int i)
{
	struct cand as_is[MAX_CANDS], flipped[MAX_CANDS];

	memcpy(as_is, c, (size_t)n * sizeof *c);
	memcpy(flipped, c, (size_t)n * sizeof *c);
	flipped[i].rep.faults ^= HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK);
	count_reps(as_is, n);
	count_reps(flipped, n);
	for (int k = 0; k < n; k++)
		if (as_is[k].counted != flipped[k].counted)
			return true;
	return false;
}

/*
 * Whether a measurement error of the size any analyser makes could flip
 * the section 4 rule for movement c[i]: its peak within RULE_EDGE_DEG of
 * the peak the rule asks of it, or its duration within RULE_EDGE_S of the
 * 0.6 s minimum (with a peak that may pass), or a rep within
 * RULE_EDGE_DEG of the pelvis_rollback threshold where reading that fault
 * the other way changes what counts.  One flipped movement counts a
 * fidget or drops a rep, moves the median and can bridge a rest or open
 * one: a set whose count hangs on a coin toss.  For the benches' classes
 * only; the truth does not depend on it.
 */
static bool near_rep_rule(const struct cand *c, int n, int i, enum hf_exercise ex)
{
	const struct hf_thresholds *th = &hf_thresholds_default;
	double over_deg = c[i].rep.excursion_deg - c[i].min_peak_deg;
	double dur_s = c[i].rep.end_s - c[i].rep.start_s;
	bool rolls = hf_exercise_info(ex)->faults & HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK);

	if (c[i].min_peak_deg <= 0.0)
		return false;
	if (rolls && c[i].counted &&
	    fabs(c[i].rep.excursion_deg - th->rollback_deg) < HF_SIM_RULE_EDGE_DEG &&
	    rollback_decides(c, n, i))
		return true;
	if (fabs(over_deg) < HF_SIM_RULE_EDGE_DEG)
		return true;
	return over_deg > -HF_SIM_RULE_EDGE_DEG &&
	       fabs(dur_s - th->rep_min_duration_s) < HF_SIM_RULE_EDGE_S;
}

/* One round: measure, count, measure the reps again with rep limits. */
static void measure_all(const struct grid *g, struct cand *c, int n, double lead_s,
			struct hf_quat ref, enum hf_exercise ex)
{
	double prev_end = lead_s, g_end = grid_t(g, g->n - 1);

	for (int i = 0; i < n; i++) {
		measure(g, &c[i], prev_end, i + 1 < n ? c[i + 1].w0_s : g_end, ref, ex, &c[i].rep);
		prev_end = c[i].rep.end_s;
	}
	count_reps(c, n);
	prev_end = lead_s;
	for (int i = 0; i < n; i++) {
		int next = i + 1;
		if (!c[i].counted)
			continue;
		while (next < n && !c[next].counted)
			next++;
		measure(g, &c[i], prev_end, next < n ? c[next].w0_s : g_end, ref, ex, &c[i].rep);
		prev_end = c[i].rep.end_s;
	}
}

static int collect(const struct hf_sim *sim, const struct hf_sim_prog_set *ps, struct cand *c)
{
	int n = 0;

	for (int i = ps->seg_first; i <= ps->seg_last && n < MAX_CANDS; i++) {
		const struct hf_seg *s = &sim->segs[i];
		if (s->move != HF_MOVE_REP && s->move != HF_MOVE_FIDGET)
			continue;
		memset(&c[n], 0, sizeof c[n]);
		c[n].w0_s = s->t0_s;
		c[n].w1_s = s->t1_s;
		n++;
	}
	return n;
}

static void store(const struct hf_sim *sim, const struct hf_sim_prog_set *ps,
		  const struct cand *c, int n, struct hf_sim_truth_set *ts)
{
	double t0 = sim->sensor.t0_s;

	memset(ts, 0, sizeof *ts);
	ts->exercise = ps->exercise;
	ts->side = ps->side;
	for (int i = 0; i < n && ts->rep_count < HF_SIM_MAX_REPS; i++) {
		struct hf_rep *r;
		if (!c[i].counted)
			continue;
		r = &ts->reps[ts->rep_count++];
		*r = c[i].rep;
		r->start_s += t0;
		r->peak_s += t0;
		r->end_s += t0;
	}
	if (ts->rep_count > 0) {
		ts->start_s = ts->reps[0].start_s;
		ts->end_s = ts->reps[ts->rep_count - 1].end_s;
	}
}

/* The baseline and the reps of candidates c[0..n), which follow a still
 * lead-in from lead_s; the baseline depends on the first rep's start and
 * the other way round, so the two are iterated to a fixed point. */
static void truth_rounds(struct grid *g, struct cand *c, int n, double lead_s,
			 enum hf_exercise ex, enum hf_side side)
{
	double b1 = c[0].w0_s, b0;

	for (int round = 0; round < MAX_ROUNDS; round++) {
		struct hf_quat ref;
		int first = 0;

		b0 = fmax(lead_s, b1 - hf_thresholds_default.baseline_s);
		ref = baseline(g, b0, b1, ex, side);
		measure_all(g, c, n, lead_s, ref, ex);
		while (first < n && !c[first].counted)
			first++;
		if (first == n || fabs(c[first].rep.start_s - b1) < 0.5 / GRID_HZ)
			break;
		b1 = c[first].rep.start_s;
	}
}

/* Section 4: a rest of set_gap_s from one rep's end to the next rep's
 * start ends a set.  Returns the index of the first candidate after the
 * first such gap (the fidgets in the gap go with what follows, judged
 * with the set before: keep_gap_fidgets()), or n. */
static int split_at_gap(const struct cand *c, int n)
{
	int prev = -1;

	for (int i = 0; i < n; i++) {
		if (!c[i].counted)
			continue;
		if (prev >= 0 && c[i].rep.start_s - c[prev].rep.end_s >=
				 hf_thresholds_default.set_gap_s)
			return prev + 1;
		prev = i;
	}
	return n;
}

/*
 * The movements after the gap at c[k] that start less than set_gap_s after
 * the end of the last rep before it, c[k - 1]: they were judged with that
 * set (and found fidgets, or there would be no gap), so they stay fidgets
 * when the part after the gap is measured alone.  Counted there, a small
 * first movement 5 s after a set would open a set of its own, which by
 * section 4 it cannot: less than 8 s after a rep, it belongs to that rep's
 * set.
 */
static void keep_gap_fidgets(struct cand *c, int k, int n)
{
	double set_end_s = c[k - 1].rep.end_s;

	for (int i = k; i < n && !c[i].counted; i++)
		if (c[i].rep.start_s - set_end_s < hf_thresholds_default.set_gap_s)
			c[i].set_before = true;
}

/*
 * The truth sets of one programmed set: usually one, more when the
 * program rests 8 s or more between two reps.  Each part is measured on
 * its own (its own baseline before its first rep, its own median).
 */
static int set_truth(struct hf_sim *sim, const struct hf_sim_prog_set *ps)
{
	struct cand c[MAX_CANDS];
	int n = collect(sim, ps, c), lo = 0, first_set = sim->out.n_sets;
	double lead_s = ps->still_t0_s;
	bool edge = false;
	struct grid g;
	size_t n_grid;
	int r;

	if (n == 0)
		return HF_OK;
	g.t0_s = ps->still_t0_s;
	n_grid = (size_t)ceil((sim->segs[ps->seg_last].t1_s - g.t0_s) * GRID_HZ) + 1;
	r = ensure_grid(sim, n_grid);
	if (r != HF_OK)
		return r;
	g.n = n_grid;
	g.q = sim->g_q;
	g.e = sim->g_e;
	g.rot = sim->g_rot;
	for (size_t j = 0; j < g.n; j++) {
		struct hf_sim_pose p;
		hf_sim_pose_at(sim, grid_t(&g, j), &p);
		sim->g_q[j] = p.q;
	}
	while (lo < n && sim->out.n_sets < HF_SIM_MAX_SETS) {
		struct hf_sim_truth_set *ts = &sim->out.sets[sim->out.n_sets];
		int k;

		truth_rounds(&g, c + lo, n - lo, lead_s, ps->exercise, ps->side);
		k = split_at_gap(c + lo, n - lo);
		if (k < n - lo) { /* measure the part before the gap alone */
			keep_gap_fidgets(c + lo, k, n - lo);
			truth_rounds(&g, c + lo, k, lead_s, ps->exercise, ps->side);
		}
		store(sim, ps, c + lo, k, ts);
		if (ts->rep_count > 0)
			sim->out.n_sets++;
		lead_s = c[lo + k - 1].w1_s;
		lo += k;
	}
	for (int i = 0; i < n; i++)
		edge = edge || near_rep_rule(c, n, i, ps->exercise);
	for (int i = first_set; i < sim->out.n_sets; i++)
		sim->out.sets[i].near_rep_rule = edge;
	return HF_OK;
}

int hf_sim_compute_truth(struct hf_sim *sim)
{
	sim->out.n_sets = 0;
	for (int k = 0; k < sim->n_sets; k++) {
		int r = set_truth(sim, &sim->sets[k]);
		if (r != HF_OK)
			return r;
	}
	return HF_OK;
}
