/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The analysis front end (include/hipform/analyzer.h): the calibration
 * and the orientation filter, once per sample, then the kind analyser of
 * the exercise (include/hipform/kind.h, core/kinds/): the rep analyser for
 * hip lifts and clam shells, the hold, steps, passes or gait analyser for
 * the others.  Every kind sees the same struct hf_motion.
 *
 * Recognition (no exercise given, a calibration): the rep analyser
 * recognises hip lifts and clam shells by posture, and the activity layer
 * (include/hipform/activity.h) runs the other kinds alongside; the two
 * streams of events are merged here, with set_index counted over both,
 * and a rep set that the activity layer explains (getting into a plank,
 * rocking on the roller) is held back or dropped.
 *
 * The gyro bias is learned from every sample the kind analyser does not
 * call a movement (hf_kind_ops.moving).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/activity.h"
#include "hipform/ahrs.h"
#include "hipform/analyzer.h"
#include "hipform/kind.h"

#define DEFAULT_RATE_HZ 200.0
/* Recognition (rep_event()): no rep set within RECOG_HOLD_MARGIN_S of a
 * hold, nor one of fewer than RECOG_MIN_REPS within RECOG_FEW_MARGIN_S. */
#define RECOG_MIN_REPS 3
#define RECOG_HOLD_MARGIN_S 3.0
#define RECOG_FEW_MARGIN_S 15.0

struct hf_analyzer {
	struct hf_analyzer_config cfg;
	hf_event_cb cb;
	void *user;
	struct hf_ahrs ahrs;
	double last_t_s;        /* of the latest sample taken, -inf before */
	struct hf_live live;    /* the front end's part: t_s, still */

	/* the exercise's kind analyser (recognition: the rep analyser) */
	const struct hf_kind_ops *kind_ops;
	void *kind;

	/* recognition: the activity layer runs the other kinds alongside
	 * (include/hipform/activity.h); both streams of events are merged
	 * into out_cb with set_index counted over the session */
	struct hf_activity *activity;
	hf_event_cb out_cb;
	void *out_user;
	int merged_sets;        /* SET events passed out */
	/* recognition, the rep set under way: its start (SET_START), NAN
	 * outside a set; the set_index its live events went out with, -1
	 * while none did */
	double rep_set_start_s;
	int rep_live_index;
	bool rep_held;              /* the set is held back: not in the live view */
	bool rep_start_pending;     /* its SET_START was held back: rep_start */
	struct hf_event rep_start;
	int act_live_index[HF_EX_COUNT]; /* the same per exercise of the layer */
};

/* ---------------------------------------------------------------- */

void hf_analyzer_config_default(struct hf_analyzer_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->exercise = HF_EX_NONE;
	cfg->side = HF_SIDE_NONE;
	hf_calib_identity(&cfg->calib);
	cfg->thresholds = hf_thresholds_default;
	cfg->rate_hz = 0.0;
}

static const char *const event_names[HF_EVENT_COUNT] = {
	[HF_EVENT_SET_START] = "SET_START", [HF_EVENT_REP_START] = "REP_START",
	[HF_EVENT_HOLD_REACHED] = "HOLD",   [HF_EVENT_FAULT] = "FAULT",
	[HF_EVENT_REP] = "REP",             [HF_EVENT_SET] = "SET",
	[HF_EVENT_HOLD_START] = "HOLD_START", [HF_EVENT_SET_DROPPED] = "SET_DROPPED",
};

const char *hf_event_type_name(enum hf_event_type t)
{
	return t >= 0 && t < HF_EVENT_COUNT ? event_names[t] : "UNKNOWN";
}

/* ---------------------------------------------------------------- */

/* The kind analyser of the exercise (recognition: the rep analyser). */
static bool open_kind(struct hf_analyzer *a, double rate_hz)
{
	const struct hf_analyzer_config *cfg = &a->cfg;
	enum hf_kind kind = cfg->exercise == HF_EX_NONE ? HF_KIND_REPS
							: hf_exercise_info(cfg->exercise)->kind;
	struct hf_kind_config kc = {
		.exercise = cfg->exercise,
		.side = cfg->side,
		.has_mounting = cfg->calib.has_mounting,
		.pelvis_to_sensor = cfg->calib.has_mounting ? cfg->calib.pelvis_to_sensor
							    : hf_quat_identity(),
		.thresholds = cfg->thresholds,
		.rate_hz = rate_hz,
	};

	a->kind_ops = hf_kind_ops_get(kind);
	if (!a->kind_ops)
		return false;
	a->kind = a->kind_ops->create(&kc, a->cb, a->user);
	return a->kind != NULL;
}

/* What a kind analyser is given, from a calibrated sample just filtered. */
static void motion_of(const struct hf_analyzer *a, const struct hf_sample *s,
		      struct hf_motion *m)
{
	m->t_s = s->t_s;
	m->q_sensor_world = hf_ahrs_quat(&a->ahrs);
	for (int i = 0; i < 3; i++) {
		m->acc_g[i] = s->acc_g[i];
		m->gyro_dps[i] = s->gyro_dps[i] - a->ahrs.bias_dps[i];
	}
	m->still = hf_ahrs_is_still(&a->ahrs);
	m->bias_still_s = a->ahrs.bias_weight_s;
}

/*
 * Recognition: one event of the rep analyser or the activity layer out,
 * its set_index the index of the next SET over both (a set's live events
 * carry the index its SET will have; sets of the two do not overlap in
 * time, a person does one exercise at a time).
 */
static void merge_event(struct hf_analyzer *a, const struct hf_event *ev)
{
	struct hf_event out = *ev;

	out.set_index = a->merged_sets;
	if (ev->type == HF_EVENT_SET)
		a->merged_sets++;
	if (a->out_cb)
		a->out_cb(&out, a->out_user);
}

/* Recognition: a live event of the rep set out, with the set's index. */
static void rep_send(struct hf_analyzer *a, const struct hf_event *ev)
{
	struct hf_event out = *ev;

	if (a->rep_live_index < 0)
		a->rep_live_index = a->merged_sets;
	out.set_index = a->rep_live_index;
	if (a->out_cb)
		a->out_cb(&out, a->out_user);
}

/* Recognition: the held SET_START goes out before its set's first event. */
static void rep_send_start(struct hf_analyzer *a)
{
	if (a->rep_start_pending)
		rep_send(a, &a->rep_start);
	a->rep_start_pending = false;
}

/*
 * Recognition: a live event of the rep analyser.  While the activity
 * layer covers the set as it stands (foam rolling, a plank, side steps:
 * rep_event() would drop it if it closed now), it is held back: a watcher
 * is not told of hip lifts on the roller, and the live view does not show
 * them.  A SET_START held back goes out before the first event that does
 * (or the SET); a set kept after all still comes whole in its SET.  The
 * events that go out carry the index of the first of them, so that a
 * SET_DROPPED names them.
 */
static void rep_live_event(struct hf_analyzer *a, const struct hf_event *ev)
{
	bool in_set = ev->type != HF_EVENT_REP_START || isfinite(a->rep_set_start_s);

	if (ev->type == HF_EVENT_SET_START)
		a->rep_set_start_s = ev->t_s;
	if (hf_activity_covers(a->activity, (in_set ? a->rep_set_start_s : ev->t_s) -
				RECOG_HOLD_MARGIN_S, ev->t_s, NULL)) {
		if (ev->type == HF_EVENT_SET_START) {
			a->rep_start = *ev; /* no pointers in a SET_START */
			a->rep_start_pending = true;
		}
		a->rep_held = in_set && a->rep_live_index < 0;
		return;
	}
	if (!in_set) {
		merge_event(a, ev); /* a movement that may be a rep: no set yet */
		return;
	}
	a->rep_held = false;
	if (ev->type != HF_EVENT_SET_START)
		rep_send_start(a);
	a->rep_start_pending = false;
	rep_send(a, ev);
}

/* Recognition: the rep set is over, kept or not. */
static void rep_set_over(struct hf_analyzer *a)
{
	a->rep_live_index = -1;
	a->rep_set_start_s = NAN;
	a->rep_held = false;
	a->rep_start_pending = false;
}

/*
 * Recognition: the rep set ev closes is dropped (or closed without reps:
 * ev a SET_DROPPED of the rep analyser).  Its live events (reps, faults)
 * already went out under rep_live_index: say that they were no set, so
 * that a watcher takes back what it showed.
 */
static void drop_rep_set(struct hf_analyzer *a, const struct hf_event *ev)
{
	struct hf_event out = *ev;

	if (a->rep_live_index >= 0 && a->out_cb) {
		out.type = HF_EVENT_SET_DROPPED;
		out.set_index = a->rep_live_index;
		out.rep_index = -1;
		a->out_cb(&out, a->out_user);
	}
	rep_set_over(a);
}

/*
 * Recognition: a rep set within RECOG_HOLD_MARGIN_S of a hold the
 * activity layer found is getting into or out of the plank, or shifting
 * on the mat before it (a shift of weight looks like a clam shell); one of
 * fewer than RECOG_MIN_REPS reps, within RECOG_FEW_MARGIN_S.
 */
static void rep_event(const struct hf_event *ev, void *user)
{
	struct hf_analyzer *a = user;
	double margin_s;

	if (ev->type == HF_EVENT_REP && ev->rep_index >= 1)
		hf_activity_reps_seen(a->activity, ev->t_s); /* a second rep: a set of reps */
	if (ev->type == HF_EVENT_SET_DROPPED) {
		drop_rep_set(a, ev);
		return;
	}
	if (ev->type != HF_EVENT_SET) {
		rep_live_event(a, ev);
		return;
	}
	margin_s = ev->set->rep_count < RECOG_MIN_REPS ? RECOG_FEW_MARGIN_S : RECOG_HOLD_MARGIN_S;
	if (hf_activity_covers(a->activity, ev->set->start_s - margin_s, ev->set->end_s + margin_s,
			       ev->set->rep_count >= RECOG_MIN_REPS ? &ev->set->reps[0] : NULL)) {
		drop_rep_set(a, ev);
		return;
	}
	rep_send_start(a);
	merge_event(a, ev);
	rep_set_over(a);
}

/*
 * Recognition: an event of the activity layer.  A candidate's live events
 * carry the index of the first of them (per exercise: at most one
 * candidate of an exercise is open), so that its SET_DROPPED names them.
 */
static void activity_event(const struct hf_event *ev, void *user)
{
	struct hf_analyzer *a = user;
	enum hf_exercise ex = ev->set ? ev->set->exercise : ev->exercise;
	int *live = ex >= 0 && ex < HF_EX_COUNT ? &a->act_live_index[ex] : NULL;
	struct hf_event out = *ev;

	if (!live) {
		merge_event(a, ev);
		return;
	}
	if (ev->type == HF_EVENT_SET) {
		if (ex == HF_EX_RUN)
			a->act_live_index[HF_EX_WALK] = -1; /* a bout announced as a walk */
		*live = -1;
		merge_event(a, ev);
		return;
	}
	if (*live < 0 && ev->type == HF_EVENT_SET_DROPPED)
		return;
	if (*live < 0)
		*live = a->merged_sets;
	out.set_index = *live;
	if (ev->type == HF_EVENT_SET_DROPPED)
		*live = -1;
	if (a->out_cb)
		a->out_cb(&out, a->out_user);
}

/* Recognition: the activity layer beside the rep analyser. */
static bool open_activity(struct hf_analyzer *a, double rate_hz)
{
	struct hf_activity_config ac = {
		.pelvis_to_sensor = a->cfg.calib.pelvis_to_sensor,
		.thresholds = a->cfg.thresholds,
		.rate_hz = rate_hz,
	};

	a->out_cb = a->cb;
	a->out_user = a->user;
	a->cb = rep_event;
	a->user = a;
	a->activity = hf_activity_new(&ac, activity_event, a);
	return a->activity != NULL;
}

struct hf_analyzer *hf_analyzer_new(const struct hf_analyzer_config *cfg,
				    hf_event_cb cb, void *user)
{
	struct hf_analyzer *a;
	double rate = cfg && cfg->rate_hz != 0.0 ? cfg->rate_hz : DEFAULT_RATE_HZ;

	if (!cfg || !(rate >= HF_RATE_MIN_HZ && rate <= HF_RATE_MAX_HZ))
		return NULL; /* buffers sized from rate would be empty or impossible */
	if (cfg->exercise == HF_EX_NONE && !cfg->calib.has_mounting)
		return NULL; /* recognition needs the mounting */
	if (cfg->exercise != HF_EX_NONE && !hf_exercise_info(cfg->exercise))
		return NULL;
	a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->cfg = *cfg;
	a->cb = cb;
	a->user = user;
	hf_ahrs_init(&a->ahrs, NULL);
	if (cfg->calib.has_sensor)
		hf_ahrs_set_bias(&a->ahrs, (const double[3]){0, 0, 0});
	a->last_t_s = -INFINITY;
	a->rep_live_index = -1;
	a->rep_set_start_s = NAN;
	for (int k = 0; k < HF_EX_COUNT; k++)
		a->act_live_index[k] = -1;
	if ((cfg->exercise == HF_EX_NONE && !open_activity(a, rate)) || !open_kind(a, rate)) {
		hf_analyzer_free(a);
		return NULL;
	}
	return a;
}

void hf_analyzer_free(struct hf_analyzer *a)
{
	if (!a)
		return;
	if (a->kind_ops && a->kind)
		a->kind_ops->destroy(a->kind);
	hf_activity_free(a->activity);
	free(a);
}

void hf_analyzer_update(struct hf_analyzer *a, const struct hf_sample *raw)
{
	struct hf_sample s;
	struct hf_motion m;
	bool moving = a->kind_ops->moving && a->kind_ops->moving(a->kind);

	if (raw->t_s < a->last_t_s)
		return; /* time went backwards: the decoder should not let this by */
	a->last_t_s = raw->t_s;
	hf_calib_apply(&a->cfg.calib, raw, &s);
	hf_ahrs_learn_bias(&a->ahrs, !moving);
	hf_ahrs_update(&a->ahrs, &s);
	motion_of(a, &s, &m);
	a->kind_ops->update(a->kind, &m);
	if (a->activity)
		hf_activity_update(a->activity, &m);
	a->live.t_s = m.t_s;
	a->live.still = m.still;
}

void hf_analyzer_interrupt(struct hf_analyzer *a)
{
	a->kind_ops->interrupt(a->kind);
	if (a->activity)
		hf_activity_interrupt(a->activity);
}

void hf_analyzer_finish(struct hf_analyzer *a)
{
	a->kind_ops->finish(a->kind);
	if (a->activity)
		hf_activity_finish(a->activity);
}

void hf_analyzer_live(const struct hf_analyzer *a, struct hf_live *out)
{
	*out = a->live;
	a->kind_ops->live(a->kind, out);
	if (!a->activity)
		return;
	if (a->rep_held) { /* a rep set the activity layer explains */
		out->in_set = false;
		out->exercise = HF_EX_NONE;
		out->side = HF_SIDE_NONE;
		out->hold_s = 0.0;
		out->rep_count = 0;
	}
	out->set_count = a->merged_sets;
	if (!out->in_set)
		hf_activity_live(a->activity, out);
}
