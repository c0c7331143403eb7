/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rep segmentation on the primary excursion e(t) (contract section 4).
 *
 * Points (t, e, pelvic angles) are pushed one at a time.  A candidate
 * movement opens when e exceeds detect_deg, follows its running maximum
 * (the peak), and closes at the first point after the peak where
 * e <= 10 % of it (or, told by hf_reps_end_at_rest() that the reading came
 * to rest above that, 10 % of the way from the peak down to that rest).
 * Then the contract's instants are measured on the kept
 * history, with linear interpolation between points:
 *   start  last crossing of 10 % before the peak, searching back no
 *          further than the previous rep's end (or the set origin);
 *          where e rose from a rest that reads above 10 % of the peak
 *          (a measuring error), start and end are taken at 10 % of the
 *          rise from that rest (core/exercise/reps.c, start_level());
 *   hold   first to last instant at or above 90 % of the peak;
 *   rise   start to the first 90 % instant; lower: last 90 % instant to end.
 * A candidate is a rep when its peak is at least rep_min_deg and at least
 * rep_min_fraction of the median peak of the reps so far without
 * pelvis_rollback (itself included), and it lasts rep_min_duration_s;
 * and while it lasts the body stays in the set's posture.
 * hf_reps_finalize() applies the peak rules again over the whole set, on
 * the reps as finally measured.
 *
 * Storage is allocated once by hf_reps_init(): a ring of `history` points
 * and room for max_reps reps.
 */
#ifndef HIPFORM_REPS_H
#define HIPFORM_REPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hipform/exercise.h"

struct hf_reps_point {
	double t_s;
	double e_deg;
	double tilt_deg, obliquity_deg, rotation_deg;
	double posture_dev_deg; /* how far world up has moved from the set's */
};

struct hf_reps_config {
	enum hf_exercise exercise;
	struct hf_thresholds th;
	size_t history;     /* points kept for the search back */
	int max_reps;       /* per set */
	double detect_deg;  /* a candidate opens above this (0: default) */
	double max_posture_dev_deg; /* a candidate whose posture_dev_deg goes
				     * above this is a change of posture (getting
				     * up), not a rep; 0: no limit */
};

/* What one push produced. */
struct hf_reps_step {
	bool started;          /* the candidate reached rep_min_deg */
	bool hold_reached;     /* held hold_target_s */
	uint32_t new_faults;   /* live fault bits that just became true */
	double fault_value[HF_FAULT_COUNT];
	bool done;             /* a rep finished: see rep */
	const struct hf_rep *rep;
	int rep_index;         /* 0-based in the set */
	bool rejected;         /* a candidate closed as a fidget */
};

struct hf_reps {
	struct hf_reps_config cfg;
	struct hf_reps_point *hist;
	uint64_t n;            /* points pushed since reset */
	uint64_t rescan;       /* next point hf_reps_rescan() takes (n: none) */
	uint64_t floor;        /* search-back limit (index) */
	double low_since_floor; /* lowest e from the floor on */
	double low_at_peak;    /* ... up to the candidate's peak */
	/* hf_reps_candidate_start_s(), kept for the peak it was found for */
	uint64_t cand_start_peak;
	double cand_start_s;
	bool active;
	uint64_t peak;         /* index of the running maximum */
	double peak_e;
	double open_e;         /* e when the candidate opened */
	uint64_t hold_first;   /* first index at >= 90 % of peak_e */
	bool started, hold_emitted;
	bool posture_changed;  /* the candidate went past max_posture_dev_deg */
	uint32_t live_faults;
	struct hf_rep *reps;
	int n_reps;
	double last_end_s;     /* end of the last rep, or set origin */
	double *clean_peaks;   /* peaks of the reps without pelvis_rollback, sorted */
	int n_clean;
};

int hf_reps_init(struct hf_reps *r, const struct hf_reps_config *cfg);
void hf_reps_free(struct hf_reps *r);
/* Start a new set: forget reps and history; t_s is the set origin. */
void hf_reps_reset(struct hf_reps *r, double t_s);
/* Push one point; step describes what happened (valid until next push). */
void hf_reps_push(struct hf_reps *r, const struct hf_reps_point *p,
		  struct hf_reps_step *step);
/* Is a candidate movement in progress? */
static inline bool hf_reps_active(const struct hf_reps *r) { return r->active; }
/* e of the latest point pushed (0 before any). */
static inline double hf_reps_last_e_deg(const struct hf_reps *r)
{
	return r->n ? r->hist[(r->n - 1) % r->cfg.history].e_deg : 0.0;
}
/* Where the candidate in progress starts, as it stands (the start a rep
 * closing now would have); NAN when none is open or it rose from no rest. */
double hf_reps_candidate_start_s(struct hf_reps *r);
/*
 * Forget the candidate in progress without judging it: the caller knows it
 * is no movement (the body is still and the candidate is too small to be a
 * rep, i.e. the slow drift of the orientation estimate).  The history is
 * kept, so a rep that grows out of it later still finds its true start.
 */
void hf_reps_drop_candidate(struct hf_reps *r);
/*
 * The body has come to rest at rest_e_deg after the candidate's peak, above
 * the level the candidate would end at (the orientation estimate settled a
 * few tenths of a degree from the rest the rep rose from): end it where e
 * fell to start_fraction of the way from its peak down to that rest, and
 * judge it as a push would; *step says what happened.  The points pushed
 * since that end are then to be taken again, each by a call of
 * hf_reps_rescan() (true while there was one; *step as for a push), so
 * that a rep among them is found: loop until it returns false.
 */
void hf_reps_end_at_rest(struct hf_reps *r, double rest_e_deg, struct hf_reps_step *step);
bool hf_reps_rescan(struct hf_reps *r, struct hf_reps_step *step);
/* Whether a candidate peaking at peak_deg is big enough to be a rep now:
 * rep_min_deg, and rep_min_fraction of the median peak of the reps so far
 * without pelvis_rollback with this candidate among them (contract
 * section 4; its own median, so rep_min_deg alone, when every rep so far
 * has pelvis_rollback). */
bool hf_reps_qualifies(const struct hf_reps *r, double peak_deg);
/* Keep the first n_reps reps only; the last rep now ends at last_end_s. */
void hf_reps_truncate(struct hf_reps *r, int n_reps, double last_end_s);
/* Current hold time (s) of the candidate, 0 when not at >= 90 %. */
double hf_reps_hold_s(const struct hf_reps *r);
/* Apply the peak rules to the set's reps as they now stand: rep_min_deg,
 * then rep_min_fraction of the median; returns the number of reps kept. */
int hf_reps_finalize(struct hf_reps *r);

#endif
