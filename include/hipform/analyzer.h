/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The online exercise analyser (contract sections 3-5): samples in, events
 * out, no I/O.  The same code serves `hipform analyze` and the daemon, so a
 * daemon's SET equals the offline analysis of the same recording.
 *
 * Feed raw samples in time order with hf_analyzer_update(); the analyser
 * applies the calibration, runs the orientation filter, tracks the set
 * baseline, segments reps on the primary excursion e(t), times holds,
 * checks faults and closes sets, calling the event callback as soon as
 * each event is certain.  hf_analyzer_finish() closes an open set at the
 * end of the input.  SET is final; the live events before it (REP_START,
 * HOLD_REACHED, FAULT, REP) are the best knowledge of their moment: a
 * candidate can still be rejected, and the gap rule (contract section 4)
 * can move the last reps of a set into the next one, which then reports
 * them again (docs/protocol.md, SET).
 *
 * Events point into the analyser's own storage and are valid only during
 * the callback.  Nothing is allocated per sample: buffers are sized at
 * hf_analyzer_new() from the nominal rate.
 */
#ifndef HIPFORM_ANALYZER_H
#define HIPFORM_ANALYZER_H

#include <stdbool.h>
#include <stdint.h>

#include "hipform/calib.h"
#include "hipform/exercise.h"
#include "hipform/rotation.h"
#include "hipform/sample.h"
#include "hipform/summary.h"

struct hf_analyzer_config {
	/* HF_EX_NONE: recognise exercise and side per set (needs a
	 * calibration with mounting).  Otherwise the exercise of every set. */
	enum hf_exercise exercise;
	enum hf_side side;          /* for sided exercises given above */
	struct hf_calib calib;      /* hf_calib_identity() when none */
	struct hf_thresholds thresholds;
	double rate_hz;             /* nominal rate, sizes the buffers */
};

/*
 * The sample rates hf_analyzer_new() accepts (0 means its default): any
 * other rate is no sensor's, and would size buffers of no size or of an
 * impossible one (below about 0.3 Hz the segmenters' 40 s look-back holds
 * fewer than the 16 records they need).  `--rate` and a rate estimated
 * from a file are checked against the same bounds.
 */
#define HF_RATE_MIN_HZ 1.0
#define HF_RATE_MAX_HZ 10000.0

void hf_analyzer_config_default(struct hf_analyzer_config *cfg);

enum hf_event_type {
	HF_EVENT_SET_START = 0, /* a set's first rep has started */
	HF_EVENT_REP_START,     /* a movement that may be a rep has started */
	HF_EVENT_HOLD_REACHED,  /* the current rep has been held hold_target_s */
	HF_EVENT_FAULT,         /* a fault rule became true */
	HF_EVENT_REP,           /* a rep finished: event.rep is complete */
	HF_EVENT_SET,           /* a set finished: event.set is final */
	HF_EVENT_HOLD_START,    /* a hold of a hold exercise (section 9) started */
	/* Recognition only: the live events sent under set_index were no set
	 * after all (reps getting into a plank, a hold that was lying on the
	 * mat); forget them.  The next SET has this set_index again.
	 * event.set, when not NULL, is what was dropped. */
	HF_EVENT_SET_DROPPED,
	HF_EVENT_COUNT
};

/* "SET_START", "REP_START", ... */
const char *hf_event_type_name(enum hf_event_type t);

struct hf_set_summary {
	enum hf_exercise exercise;
	enum hf_side side;
	double start_s, end_s;
	int rep_count;
	const struct hf_rep *reps;  /* rep_count of them */
	double rep_period_s;        /* dominant rep period (spectral), 0 if n/a */
	double hold_tremor_hz;      /* dominant tremor in holds, 0 if n/a */
	double hold_tremor_deg;     /* its RMS amplitude */
	/* The kind's own figures (contract section 8), exactly one of them
	 * non-NULL for a set of that kind; all NULL for HF_KIND_REPS. */
	const struct hf_hold_summary *hold;
	const struct hf_steps_summary *steps;
	const struct hf_passes_summary *passes;
	const struct hf_gait_summary *gait;
};

struct hf_event {
	enum hf_event_type type;
	double t_s;                 /* sample time at which it became certain */
	enum hf_exercise exercise;
	enum hf_side side;
	int set_index;              /* 0-based, in this analyser's life */
	int rep_index;              /* 0-based within the set, -1 if none */
	const struct hf_rep *rep;   /* HF_EVENT_REP */
	enum hf_fault fault;        /* HF_EVENT_FAULT */
	double value;               /* FAULT: the measured value (deg or s) */
	const struct hf_set_summary *set; /* HF_EVENT_SET */
};

typedef void (*hf_event_cb)(const struct hf_event *ev, void *user);

/* What a live display wants, a few times a second. */
struct hf_live {
	double t_s;
	enum hf_posture posture;     /* HF_POSTURE_UNKNOWN when uncalibrated */
	bool still;
	bool in_set;
	enum hf_exercise exercise;   /* of the current set, HF_EX_NONE */
	enum hf_side side;
	struct hf_angles angles;     /* against the set baseline (or the
				      * latest still orientation) */
	double excursion_deg;        /* e(t) */
	double hold_s;               /* time e has stayed >= 90 % of the peak */
	int rep_count;               /* in the current set */
	int set_count;               /* sets finished */
	double hold_target_s;        /* what hold_s counts up to, 0 if n/a */
	double cadence_spm;          /* gait: steps per minute, 0 if n/a */
	int steps;                   /* gait steps or side-walk cycles so far */
	int passes;                  /* foam-roll passes in the current set */
};

struct hf_analyzer;

/* NULL on bad config or no memory. */
struct hf_analyzer *hf_analyzer_new(const struct hf_analyzer_config *cfg,
				    hf_event_cb cb, void *user);
void hf_analyzer_free(struct hf_analyzer *a);
/* One raw sample from the decoder. */
void hf_analyzer_update(struct hf_analyzer *a, const struct hf_sample *raw);
/* A break in the input (sensor unplugged): close any open set now. */
void hf_analyzer_interrupt(struct hf_analyzer *a);
/* End of input: close any open set. */
void hf_analyzer_finish(struct hf_analyzer *a);
void hf_analyzer_live(const struct hf_analyzer *a, struct hf_live *out);

#endif
