/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rep segmentation (include/hipform/reps.h): contract section 4 measured
 * on a ring of recent points.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/reps.h"

#define DEFAULT_DETECT_FRACTION 0.5 /* of rep_min_deg */
/* start_level(): a candidate rose from a rest by this much (of rep_min_deg) */
#define REBASE_RISE_FRACTION 0.5

int hf_reps_init(struct hf_reps *r, const struct hf_reps_config *cfg)
{
	memset(r, 0, sizeof *r);
	if (!cfg || cfg->history < 16 || cfg->max_reps < 1)
		return HF_ERR_ARG;
	r->cfg = *cfg;
	r->low_since_floor = INFINITY;
	r->cand_start_peak = UINT64_MAX;
	if (r->cfg.detect_deg <= 0.0)
		r->cfg.detect_deg = DEFAULT_DETECT_FRACTION * cfg->th.rep_min_deg;
	r->hist = calloc(cfg->history, sizeof *r->hist);
	r->reps = calloc((size_t)cfg->max_reps, sizeof *r->reps);
	r->clean_peaks = calloc((size_t)cfg->max_reps, sizeof *r->clean_peaks);
	if (!r->hist || !r->reps || !r->clean_peaks) {
		hf_reps_free(r);
		return HF_ERR_NOMEM;
	}
	return HF_OK;
}

void hf_reps_free(struct hf_reps *r)
{
	free(r->hist);
	free(r->reps);
	free(r->clean_peaks);
	r->hist = NULL;
	r->reps = NULL;
	r->clean_peaks = NULL;
}

static void reps_changed(struct hf_reps *r);

void hf_reps_reset(struct hf_reps *r, double t_s)
{
	r->n = 0;
	r->rescan = 0;
	r->floor = 0;
	r->low_since_floor = INFINITY;
	r->cand_start_peak = UINT64_MAX;
	r->active = false;
	r->n_reps = 0;
	r->last_end_s = t_s;
	reps_changed(r);
}

static const struct hf_reps_point *pt(const struct hf_reps *r, uint64_t i)
{
	return &r->hist[i % r->cfg.history];
}

static uint64_t oldest(const struct hf_reps *r)
{
	return r->n > r->cfg.history ? r->n - r->cfg.history : 0;
}

/* Time at which the segment i-1 -> i crosses level (linear). */
static double cross_time(const struct hf_reps *r, uint64_t i, double level)
{
	const struct hf_reps_point *a = pt(r, i - 1), *b = pt(r, i);
	double de = b->e_deg - a->e_deg, u;

	if (de == 0.0)
		return b->t_s;
	u = (level - a->e_deg) / de;
	if (u < 0.0)
		u = 0.0;
	if (u > 1.0)
		u = 1.0;
	return a->t_s + u * (b->t_s - a->t_s);
}

/* Median of the peaks of reps without pelvis_rollback (all if none). */
static double median_peak(const struct hf_rep *reps, int n)
{
	double v[512];
	int k = 0;
	const uint32_t rb = HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK);

	for (int pass = 0; pass < 2 && k == 0; pass++) {
		for (int i = 0; i < n && k < 511; i++)
			if (pass == 1 || !(reps[i].faults & rb))
				v[k++] = reps[i].excursion_deg;
	}
	if (k == 0)
		return 0.0;
	for (int i = 1; i < k; i++) /* insertion sort: k is small */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

static uint64_t search_floor(const struct hf_reps *r)
{
	uint64_t o = oldest(r);
	return r->floor > o ? r->floor : o;
}

/*
 * The level a candidate starts and ends at: start_fraction of its peak
 * (contract section 4), unless e has stayed above that level all the way
 * back to the search floor (the previous rep's end, or the set's
 * baseline) while rising from its lowest point since the floor by at
 * least REBASE_RISE_FRACTION of rep_min_deg.  That is a rest that reads a
 * little above zero: a rest between reps carries the measuring error of
 * the orientation (tenths of a degree, a tenth of a small clam shell's
 * peak), the true e there is near zero, and the rep begins where e leaves
 * the rest and ends where it comes back: the level is then taken from the
 * rest, minimum + start_fraction x (peak - minimum).  So a rep after a
 * rest read high is not lost (the contract would start it at the floor),
 * and a twitch on the slow tail of a big rep stays as short as it is.
 * A candidate that never rose from its lowest point since the floor (the
 * falling tail of the previous rep) keeps the contract's level and finds
 * no start: no movement, no rep.
 */
static double start_level(const struct hf_reps *r)
{
	const struct hf_thresholds *th = &r->cfg.th;
	double plain = th->start_fraction * r->peak_e, low = r->low_at_peak;

	if (low > plain && r->peak_e - low >= REBASE_RISE_FRACTION * th->rep_min_deg)
		return low + th->start_fraction * (r->peak_e - low);
	return plain;
}

/* Start instant: last crossing of level before the peak; *found is false
 * when e stays above it back to the search floor (see start_level()). */
static double find_start(const struct hf_reps *r, double level, uint64_t *after,
			 bool *found)
{
	uint64_t lo = search_floor(r);

	for (uint64_t j = r->peak; j > lo; j--) {
		if (pt(r, j - 1)->e_deg <= level) {
			*after = j;
			*found = true;
			return cross_time(r, j, level);
		}
	}
	*after = lo;
	*found = false;
	return pt(r, lo)->t_s;
}

static void measure_hold(const struct hf_reps *r, uint64_t from, uint64_t end,
			 double level, double *first_s, double *last_s)
{
	uint64_t k = from;

	while (k < r->peak && pt(r, k)->e_deg < level)
		k++;
	*first_s = k > from ? cross_time(r, k, level) : pt(r, k)->t_s;
	k = end - 1;
	while (k > r->peak && pt(r, k)->e_deg < level)
		k--;
	/* the fall below level happens between k and k+1 */
	*last_s = cross_time(r, k + 1, level);
	if (*last_s < pt(r, k)->t_s)
		*last_s = pt(r, k)->t_s;
}

static double max_abs_rotation(const struct hf_reps *r, uint64_t from, uint64_t end)
{
	double m = 0.0;

	for (uint64_t k = from; k <= end && k < r->n; k++)
		m = fmax(m, fabs(pt(r, k)->rotation_deg));
	return m;
}

static double max_posture_dev(const struct hf_reps *r, uint64_t from, uint64_t end)
{
	double m = 0.0;

	for (uint64_t k = from; k <= end && k < r->n; k++)
		m = fmax(m, pt(r, k)->posture_dev_deg);
	return m;
}

/* What measure() finds besides the rep. */
struct candidate_shape {
	bool rose_from_rest;    /* a start instant exists */
	double max_posture_dev_deg;
};

/* Measure the candidate that closed at point `end`, where e fell to
 * end_level, into *rep. */
static void measure(const struct hf_reps *r, uint64_t end, double end_level, struct hf_rep *rep,
		    struct candidate_shape *shape)
{
	const struct hf_thresholds *th = &r->cfg.th;
	const struct hf_reps_point *p = pt(r, r->peak);
	double lo_level = start_level(r);
	double hi_level = th->hold_fraction * r->peak_e;
	double h1, h2;
	uint64_t after;

	memset(rep, 0, sizeof *rep);
	rep->peak_s = p->t_s;
	rep->excursion_deg = r->peak_e;
	rep->tilt_deg = p->tilt_deg;
	rep->obliquity_deg = p->obliquity_deg;
	rep->rotation_deg = p->rotation_deg;
	rep->start_s = find_start(r, lo_level, &after, &shape->rose_from_rest);
	rep->end_s = cross_time(r, end, end_level);
	measure_hold(r, after, end, hi_level, &h1, &h2);
	rep->hold_s = h2 - h1;
	rep->rise_s = h1 - rep->start_s;
	rep->lower_s = rep->end_s - h2;
	rep->max_abs_rotation_deg = max_abs_rotation(r, after > 0 ? after - 1 : 0, end);
	rep->faults = hf_rep_faults(rep, r->cfg.exercise, th);
	shape->max_posture_dev_deg = max_posture_dev(r, after > 0 ? after - 1 : 0, end);
}

static bool is_rep(const struct hf_reps *r, const struct hf_rep *rep,
		   const struct candidate_shape *shape)
{
	const struct hf_thresholds *th = &r->cfg.th;
	bool rollback = rep->faults & HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK);

	if (!shape->rose_from_rest)
		return false;
	if (r->cfg.max_posture_dev_deg > 0.0 &&
	    shape->max_posture_dev_deg > r->cfg.max_posture_dev_deg)
		return false;
	if (rep->excursion_deg < th->rep_min_deg)
		return false;
	if (rep->end_s - rep->start_s < th->rep_min_duration_s)
		return false;
	if (!rollback) /* its own peak among the clean reps' */
		return hf_reps_qualifies(r, rep->excursion_deg);
	return rep->excursion_deg >= th->rep_min_fraction * median_peak(r->reps, r->n_reps);
}

static void close_candidate(struct hf_reps *r, uint64_t end, double end_level,
			    struct hf_reps_step *st)
{
	struct hf_rep rep;
	struct candidate_shape shape;

	r->active = false;
	measure(r, end, end_level, &rep, &shape);
	if (!is_rep(r, &rep, &shape) || r->n_reps >= r->cfg.max_reps) {
		st->rejected = true;
		return;
	}
	st->new_faults |= rep.faults & ~r->live_faults;
	st->fault_value[HF_FAULT_SHORT_HOLD] = rep.hold_s;
	st->fault_value[HF_FAULT_SHALLOW] = rep.excursion_deg;
	st->fault_value[HF_FAULT_RUSHED] = fmin(rep.rise_s, rep.lower_s);
	st->fault_value[HF_FAULT_PELVIS_ROLLBACK] = rep.excursion_deg;
	st->fault_value[HF_FAULT_HIP_DROP] = rep.max_abs_rotation_deg;
	r->reps[r->n_reps] = rep;
	st->done = true;
	st->rep = &r->reps[r->n_reps];
	st->rep_index = r->n_reps;
	r->n_reps++;
	r->floor = end;
	r->low_since_floor = pt(r, end)->e_deg;
	r->last_end_s = rep.end_s;
	reps_changed(r);
}

static void open_candidate(struct hf_reps *r, uint64_t i)
{
	r->active = true;
	r->peak = i;
	r->peak_e = pt(r, i)->e_deg;
	r->low_at_peak = r->low_since_floor;
	r->open_e = r->peak_e;
	r->hold_first = i;
	r->started = false;
	r->hold_emitted = false;
	r->live_faults = 0;
	r->posture_changed = false;
}

/* Advance hold_first to the first point >= 90 % of the current peak. */
static void track_hold(struct hf_reps *r)
{
	double level = r->cfg.th.hold_fraction * r->peak_e;

	if (r->hold_first < oldest(r))
		r->hold_first = oldest(r); /* input faster than the rate it was sized for */
	while (r->hold_first < r->peak && pt(r, r->hold_first)->e_deg < level)
		r->hold_first++;
}

static void live_checks(struct hf_reps *r, const struct hf_reps_point *p,
			struct hf_reps_step *st)
{
	const struct hf_exercise_info *ex = hf_exercise_info(r->cfg.exercise);
	const struct hf_thresholds *th = &r->cfg.th;
	uint32_t allowed = ex ? ex->faults : 0, f = 0;

	/* past max_posture_dev_deg the candidate is a change of posture (a
	 * roll onto the side reads as a 79 deg "hip drop"): is_rep() will
	 * reject it, so it starts nothing and has no faults */
	if (r->cfg.max_posture_dev_deg > 0.0 && p->posture_dev_deg > r->cfg.max_posture_dev_deg)
		r->posture_changed = true;
	if (r->posture_changed)
		return;
	/* a candidate opened on the falling tail of the last rep has its peak
	 * at the opening point: it has not started anything yet */
	if (!r->started && r->peak_e >= th->rep_min_deg &&
	    r->peak_e >= r->open_e + 0.5 * th->rep_min_deg) {
		r->started = true;
		st->started = true;
	}
	if (!r->started)
		return;
	if (!r->hold_emitted && hf_reps_hold_s(r) >= th->hold_target_s) {
		r->hold_emitted = true;
		st->hold_reached = true;
	}
	/* live only while the bridge is higher than the pelvis has turned:
	 * rotation above e is a roll onto the side beginning, not a hip
	 * sinking while bridging (the rep's final faults use the whole rep) */
	if (fabs(p->rotation_deg) > th->hip_drop_deg && p->e_deg >= fabs(p->rotation_deg)) {
		f |= HF_FAULT_BIT(HF_FAULT_HIP_DROP);
		st->fault_value[HF_FAULT_HIP_DROP] = fabs(p->rotation_deg);
	}
	if (p->e_deg > th->rollback_deg) {
		f |= HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK);
		st->fault_value[HF_FAULT_PELVIS_ROLLBACK] = p->e_deg;
	}
	f &= allowed & ~r->live_faults;
	r->live_faults |= f;
	st->new_faults |= f;
}

/* Point i (in the history) through the candidate logic. */
static void step_point(struct hf_reps *r, uint64_t i, struct hf_reps_step *st)
{
	const struct hf_reps_point *p = pt(r, i);

	memset(st, 0, sizeof *st);
	r->low_since_floor = fmin(r->low_since_floor, p->e_deg);
	if (r->active && r->peak < oldest(r)) {
		r->active = false; /* ran out of history: not a rep */
		st->rejected = true;
	}
	if (!r->active) {
		if (p->e_deg > r->cfg.detect_deg)
			open_candidate(r, i);
		else
			return;
	}
	if (p->e_deg > r->peak_e) {
		r->peak = i;
		r->peak_e = p->e_deg;
		r->low_at_peak = r->low_since_floor;
	}
	track_hold(r);
	if (p->e_deg <= start_level(r)) {
		close_candidate(r, i, start_level(r), st);
		return;
	}
	live_checks(r, p, st);
}

void hf_reps_push(struct hf_reps *r, const struct hf_reps_point *p,
		  struct hf_reps_step *st)
{
	r->hist[r->n % r->cfg.history] = *p;
	r->n++;
	r->rescan = r->n;
	step_point(r, r->n - 1, st);
}

double hf_reps_candidate_start_s(struct hf_reps *r)
{
	uint64_t after;
	bool found;
	double t_s;

	if (!r->active)
		return NAN;
	/* the search runs back through the rise: once per peak (a peak's
	 * index names one candidate until the next reset), not per sample of
	 * a hold */
	if (r->cand_start_peak == r->peak)
		return r->cand_start_s;
	t_s = find_start(r, start_level(r), &after, &found);
	r->cand_start_peak = r->peak;
	r->cand_start_s = found ? t_s : NAN;
	return r->cand_start_s;
}

void hf_reps_drop_candidate(struct hf_reps *r)
{
	r->active = false;
}

void hf_reps_end_at_rest(struct hf_reps *r, double rest_e_deg, struct hf_reps_step *st)
{
	double level = rest_e_deg + r->cfg.th.start_fraction * (r->peak_e - rest_e_deg);
	uint64_t end = r->peak + 1;

	memset(st, 0, sizeof *st);
	if (!r->active || rest_e_deg >= r->peak_e || r->peak < oldest(r))
		return;
	while (end < r->n && pt(r, end)->e_deg > level)
		end++;
	if (end >= r->n)
		return;
	close_candidate(r, end, level, st);
	r->rescan = end + 1; /* the points since: hf_reps_rescan() */
}

bool hf_reps_rescan(struct hf_reps *r, struct hf_reps_step *st)
{
	memset(st, 0, sizeof *st);
	if (r->rescan >= r->n)
		return false;
	if (r->rescan < oldest(r))
		r->rescan = oldest(r);
	step_point(r, r->rescan++, st);
	return true;
}

/*
 * The peaks of the reps without pelvis_rollback, sorted: the median that
 * judges a small candidate (a small candidate has none) is theirs with the
 * candidate's own peak among them, as in is_rep() and the contract
 * (section 4: the median of the set's reps, the candidate one of them).
 * With no such rep yet the candidate is its own median, so only
 * rep_min_deg applies: a set that opens with a rolled-back clam shell
 * (14 deg) must not make its 3 deg reps fidgets.
 */
static void reps_changed(struct hf_reps *r)
{
	const uint32_t rb = HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK);
	int k = 0;

	for (int i = 0; i < r->n_reps; i++) {
		double v = r->reps[i].excursion_deg;
		int j;
		if (r->reps[i].faults & rb)
			continue;
		for (j = k++; j > 0 && r->clean_peaks[j - 1] > v; j--) /* insertion: k is small */
			r->clean_peaks[j] = r->clean_peaks[j - 1];
		r->clean_peaks[j] = v;
	}
	r->n_clean = k;
}

/* The j-th smallest (0-based) of the sorted clean peaks with x among them,
 * below_x of them smaller than x. */
static double nth_with(const struct hf_reps *r, int below_x, int j, double x)
{
	if (j < below_x)
		return r->clean_peaks[j];
	return j == below_x ? x : r->clean_peaks[j - 1];
}

bool hf_reps_qualifies(const struct hf_reps *r, double peak_deg)
{
	const struct hf_thresholds *th = &r->cfg.th;
	int below = 0, m = r->n_clean + 1;
	double median;

	if (peak_deg < th->rep_min_deg)
		return false;
	while (below < r->n_clean && r->clean_peaks[below] < peak_deg)
		below++;
	median = m % 2 ? nth_with(r, below, m / 2, peak_deg)
		       : 0.5 * (nth_with(r, below, m / 2 - 1, peak_deg) +
				nth_with(r, below, m / 2, peak_deg));
	return peak_deg >= th->rep_min_fraction * median;
}

void hf_reps_truncate(struct hf_reps *r, int n_reps, double last_end_s)
{
	if (n_reps < 0 || n_reps > r->n_reps)
		return;
	r->n_reps = n_reps;
	r->last_end_s = last_end_s;
	reps_changed(r);
}

double hf_reps_hold_s(const struct hf_reps *r)
{
	const struct hf_reps_point *last;

	if (!r->active || r->n == 0)
		return 0.0;
	last = pt(r, r->n - 1);
	if (last->e_deg < r->cfg.th.hold_fraction * r->peak_e)
		return 0.0;
	return last->t_s - pt(r, r->hold_first > oldest(r) ? r->hold_first : oldest(r))->t_s;
}

/* Keep the reps whose peak is at least min_deg. */
static void keep_peaks_from(struct hf_reps *r, double min_deg)
{
	int k = 0;

	for (int i = 0; i < r->n_reps; i++)
		if (r->reps[i].excursion_deg >= min_deg)
			r->reps[k++] = r->reps[i];
	r->n_reps = k;
}

int hf_reps_finalize(struct hf_reps *r)
{
	keep_peaks_from(r, r->cfg.th.rep_min_deg);
	keep_peaks_from(r, r->cfg.th.rep_min_fraction * median_peak(r->reps, r->n_reps));
	reps_changed(r);
	return r->n_reps;
}
