/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The activity layer (include/hipform/activity.h).
 *
 * Per sample, from the orientation and the specific force:
 *   - posture: world up in the calibrated pelvis frame, classified as in
 *     contract section 3 (within 45 deg to take a posture, kept until
 *     60 deg off, a new one must last POSTURE_HOLD_S);
 *   - elevation: epsilon = asin(z_P . up) in degrees;
 *   - steadiness: the pelvis has stayed within STEADY_DEG of an anchor
 *     orientation for STEADY_S (the quiet of a hold; breathing and tremor
 *     are far smaller);
 *   - steps: the vertical specific force, its slow mean removed, peaks
 *     once per step; STEPS_MIN peaks 0.25-1.5 s apart in a row are
 *     periodic vertical movement (walking, running);
 *   - travel: the pelvis acceleration's power per pelvis axis; lateral
 *     power dominant upright is side walking, power along the body axis
 *     dominant lying is foam rolling (track_travel()).
 * The table rows[] maps (posture, elevation range, signature) to an
 * exercise and side.  While a posture lasts, a row whose signature holds
 * opens its candidate once: the kind analyser of the row's exercise, from
 * the registry, fed a replay of the ring from lead_s before the signature
 * began (never before the posture did).  The candidate stays open to the
 * end of the posture, so a second plank in the same posture is its too;
 * then its analyser is interrupted (a break in its input: it closes what
 * is open) and its sets pass out.  Each row's analyser is created once,
 * in hf_activity_new(), and serves every candidate of its row: nothing is
 * allocated while samples flow.  A row whose kind has no analyser
 * registered (hf_kind_ops_get() NULL; none today) is skipped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/activity.h"
#include "hipform/error.h"

#define RING_S 60.0            /* replay reaches back this far at most */
#define POSTURE_HOLD_S 1.0     /* a new posture must last this long */
#define STEADY_DEG 4.0         /* a hold stays this close to its anchor */
#define STEADY_S 2.0           /* ... this long */
#define STEP_MEAN_TAU_S 1.0    /* slow mean of the vertical force */
#define STEP_PEAK_G 0.08       /* a step's peak above that mean */
#define STEP_REFRACTORY_S 0.25 /* no two steps closer */
#define STEP_MAX_GAP_S 1.5     /* farther apart: not one run of steps */
#define STEPS_MIN 4            /* a run of steps this long is gait */
#define MAX_WINDOWS 8          /* recent sets remembered for covers() */
#define MAX_STRETCHES 64       /* recent steady stretches remembered */
#define ELEV_SLACK_DEG 2.0     /* a hold's baseline below its row's bound */
#define LIN_MEAN_TAU_S 1.5     /* slow mean of the pelvis acceleration */
#define LIN_POW_TAU_S 2.0      /* its power, per pelvis axis */
#define SIDE_POW_G 0.02        /* side walk: lateral rms at least */
#define SIDE_RATIO 1.0         /* ... and over fore-aft + vertical power */
#define ALONG_POW_G 0.004      /* foam roll: body-axis rms at least */
#define ALONG_RATIO 1.0        /* ... and over the other two axes' power */
#define TRAVEL_HOLD_S 2.0      /* a travel signature must last this long */
#define SHARE_MIN 0.5          /* of a set's time with its signature */
#define SIDE_WALK_MIN_CYCLES 6 /* fewer: shuffling aside between blocks */
#define RISE_MIN_DEG 10.0      /* a rise into a plank, from the hips low */
#define RISE_LOOKBACK_S 8.0    /* ... within this long before it is steady */
#define TRAVEL_LOG_S 900       /* travel remembered per second this long */
#define TRAVEL_LOG_MAX_T_S 1e15 /* sample times beyond this are not filed */
#define HOLD_ELEV_AT_S 2.0     /* a hold's elevation: this long after its start */
#define BACK_TO_BACK_S 1.0     /* a hold this soon after a plank goes on from it */

enum signature {
	SIG_STEADY = 0,  /* holding still in the posture */
	SIG_STEPS,       /* periodic vertical movement */
	SIG_SIDEWAYS,    /* periodic sideways travel: side walk */
	SIG_ALONG_BODY,  /* periodic travel along the body axis: foam roll */
};

struct row {
	enum hf_exercise ex;
	enum hf_side side;          /* given to the kind analyser */
	enum hf_posture posture;
	double elev_lo_deg, elev_hi_deg;
	/* holds: below this the posture is also a rest (lying on the back
	 * with the knees bent): such a hold is no plank where reps were done
	 * in the same posture (hf_activity_reps_seen()) */
	double clear_deg;
	enum signature sig;
	double lead_s;              /* replay from this long before the signature */
	/* holds: entered by a rise (entered_by_rise()), a hold from this
	 * elevation up is the row's too (a low plank); NAN: never (on the
	 * back a hip lift is a rise of the hips held at its top) */
	double rise_lo_deg;
};

/*
 * The recognition table.  A plank's elevation is +8..+35 deg, lying flat
 * |elevation| <~ 10 (section 3): the two overlap.  Face down nothing
 * else rests that high (clear_deg: no rule beyond the slack).  Lying on
 * the back with the knees bent (between hip lifts) the pelvis rests at up
 * to +7 deg or so, so a back hold below +10 (clear_deg) is a plank only
 * where no reps were done in that posture.  Lying on a side between clam
 * shells the pelvis is level, but a calibration from the procedure alone
 * reads it at up to +8 deg (the mounting's error and the accelerometer's
 * zero-g offsets, which the procedure cannot see: bench_accuracy mode 8,
 * an MPU-9250 50 mg off), so where clam shells were done a side hold
 * below +12 is a plank only if the hips rose into it (hold_is_lying()).
 * The hold analyser checks its own baseline (section 9: >= +5); a hold
 * it reports with its baseline more than ELEV_SLACK_DEG below the row's
 * bound is lying in the posture of a plank, not one (candidate_event()).
 * Walk rows catch runs too: the gait analyser classifies each bout.
 */
static const struct row rows[] = {
	{.ex = HF_EX_PLANK_FRONT, .posture = HF_POSTURE_PRONE, .elev_lo_deg = 8.0,
	 .elev_hi_deg = 50.0, .clear_deg = 6.0, .sig = SIG_STEADY, .lead_s = 10.0,
	 .rise_lo_deg = HF_PLANK_MIN_ELEVATION_DEG},
	{.ex = HF_EX_PLANK_BACK, .posture = HF_POSTURE_SUPINE, .elev_lo_deg = 8.0,
	 .elev_hi_deg = 50.0, .clear_deg = 10.0, .sig = SIG_STEADY, .lead_s = 10.0,
	 .rise_lo_deg = NAN},
	{.ex = HF_EX_PLANK_SIDE, .side = HF_SIDE_RIGHT, .posture = HF_POSTURE_SIDE_RIGHT,
	 .elev_lo_deg = 8.0, .elev_hi_deg = 50.0, .clear_deg = 12.0, .sig = SIG_STEADY,
	 .lead_s = 10.0, .rise_lo_deg = HF_PLANK_MIN_ELEVATION_DEG},
	{.ex = HF_EX_PLANK_SIDE, .side = HF_SIDE_LEFT, .posture = HF_POSTURE_SIDE_LEFT,
	 .elev_lo_deg = 8.0, .elev_hi_deg = 50.0, .clear_deg = 12.0, .sig = SIG_STEADY,
	 .lead_s = 10.0, .rise_lo_deg = HF_PLANK_MIN_ELEVATION_DEG},
	{.ex = HF_EX_WALK, .posture = HF_POSTURE_UPRIGHT, .elev_lo_deg = -90.0,
	 .elev_hi_deg = 90.0, .clear_deg = -90.0, .sig = SIG_STEPS, .lead_s = 8.0,
	 .rise_lo_deg = NAN},
	/* Travel (track_travel()): sideways upright, along the body lying.
	 * A gait set mostly sideways is the side walk's, not a walk. */
	{.ex = HF_EX_SIDE_WALK, .posture = HF_POSTURE_UPRIGHT, .elev_lo_deg = -90.0,
	 .elev_hi_deg = 90.0, .clear_deg = -90.0, .sig = SIG_SIDEWAYS, .lead_s = 8.0,
	 .rise_lo_deg = NAN},
	{.ex = HF_EX_FOAM_ROLL, .posture = HF_POSTURE_PRONE, .elev_lo_deg = -15.0,
	 .elev_hi_deg = 15.0, .clear_deg = -15.0, .sig = SIG_ALONG_BODY, .lead_s = 10.0,
	 .rise_lo_deg = NAN},
	{.ex = HF_EX_FOAM_ROLL, .posture = HF_POSTURE_SUPINE, .elev_lo_deg = -15.0,
	 .elev_hi_deg = 15.0, .clear_deg = -15.0, .sig = SIG_ALONG_BODY, .lead_s = 10.0,
	 .rise_lo_deg = NAN},
	/* hip_flexor_stretch: only where a program places it (section 7);
	 * programs do not reach the analyser yet. */
};

#define N_ROWS (sizeof rows / sizeof rows[0])

/* Time with one kind of travel since the start (total_s), as it stood at
 * each whole second of the last TRAVEL_LOG_S: a set of any length, or one
 * that closes long after it ended, asks how much of it had it. */
struct travel_log {
	double total_s;
	double at_s[TRAVEL_LOG_S];
	int64_t sec;               /* the last whole second recorded */
	bool have;
};

enum { TRAVEL_LOG_SIDEWAYS = 0, TRAVEL_LOG_ALONG = 1 };

struct candidate {
	struct hf_activity *act;
	const struct row *row;
	const struct hf_kind_ops *ops;  /* NULL: the row's kind is not built in */
	void *self;                     /* the row's analyser */
	bool announced;             /* gait: SET_START sent */
	bool live_out;              /* live events of the open set went out */
	double set_start_s;         /* its SET_START, NAN outside a set */
	bool start_pending;         /* that SET_START was held back: start */
	struct hf_event start;
	/* a hold's verdicts at its end (short_hold, anterior_tilt): they go
	 * out with its SET once it is kept, not before a SET_DROPPED */
	struct hf_event verdicts[2];
	int n_verdicts;
	/* holds: the elevation 2 s into the open hold (in its baseline), NAN
	 * outside one: whether it is a rest where reps were done is judged on
	 * it, not on where the pelvis is when a rep set asks (covers()) */
	double hold_elev_deg;
	double kept_end_s;          /* the end of the last hold kept, or NAN */
};

struct window {
	double start_s, end_s;
	/* a hold in the elevations a rest shares with a plank (below its
	 * row's clear_deg) */
	bool low;
};

struct hf_activity {
	struct hf_activity_config cfg;
	hf_event_cb cb;
	void *user;

	struct hf_motion *ring;
	unsigned char *travel;      /* per ring sample: TRAVEL_* bits */
	size_t cap;
	uint64_t n;

	/* posture */
	enum hf_posture posture, posture_cand;
	double posture_cand_since_s, posture_since_s;
	double elev_deg;
	bool opened[N_ROWS];        /* in this posture */
	double reps_seen_s;         /* the rep analyser first saw a set in it then (NAN: not) */

	/* steadiness */
	double anchor_up_p[3];
	double cos_steady;         /* cos(STEADY_DEG) */
	double steady_since_s;
	bool have_anchor;

	/* steps */
	double av_mean_g, av_prev_g, av_prev2_g;
	bool have_av;
	double last_peak_s, run_start_s;
	int run_steps;

	/* travel: pelvis acceleration power per axis (g^2) */
	double lin_mean_g[3], lin_pow_g2[3];
	bool have_lin;
	double side_since_s, along_since_s; /* NAN: not now */
	/* per travel kind (TRAVEL_LOG_SIDEWAYS, TRAVEL_LOG_ALONG): time
	 * with it since the start, as it stood at each whole second of the
	 * last TRAVEL_LOG_S, for spans the ring no longer holds (log_share()) */
	struct travel_log logs[2];

	struct candidate rowc[N_ROWS];  /* one per row, made at set-up */
	struct candidate *open[N_ROWS]; /* those open in this posture */
	int n_open;

	struct window windows[MAX_WINDOWS];
	int n_windows;
	/* steady stretches of STEADY_S or more: the least elevation in the
	 * RISE_LOOKBACK_S before each (low_before()), the last MAX_STRETCHES
	 * (a long plank's shifts start new ones; its first must outlast them) */
	struct stretch {
		double since_s, low_deg;
	} stretches[MAX_STRETCHES];
	int n_stretches;
	int sets_done;
};

/* ---- signals ---- */

static struct hf_motion *at(const struct hf_activity *act, uint64_t i)
{
	return &act->ring[i % act->cap];
}

/* World up in the sensor frame: computed once per sample, used by all. */
static void world_up_in_sensor(const struct hf_motion *m, double up_s[3])
{
	const double z[3] = {0.0, 0.0, 1.0};

	hf_quat_rotate_inv(m->q_sensor_world, z, up_s);
}

/* Elevation of the ring's motion m, as in hf_activity_update(). */
static double elevation_of(const struct hf_activity *act, const struct hf_motion *m)
{
	double up_s[3], up_p[3];

	world_up_in_sensor(m, up_s);
	hf_quat_rotate_inv(act->cfg.pelvis_to_sensor, up_s, up_p);
	return asin(fmax(-1.0, fmin(1.0, up_p[2]))) * HF_RAD2DEG;
}

/* Elevation at the first sample at or after t_s still in the ring (the
 * latest if none). */
static double elevation_at(const struct hf_activity *act, double t_s)
{
	uint64_t i = act->n, lo = act->n > act->cap ? act->n - act->cap : 0;

	if (i == 0)
		return NAN;
	while (i - 1 > lo && at(act, i - 2)->t_s >= t_s)
		i--;
	return elevation_of(act, at(act, i - 1));
}

/*
 * The least elevation in the RISE_LOOKBACK_S before since_s, in the same
 * posture (+90 when there is none).  A plank is entered by a rise: the
 * hips lift off the mat, RISE_MIN_DEG or more; lying down on a side or
 * face down is not, and neither is lying still.  So a plank this low
 * (5..8 deg) is told from lying flat (contract section 3: |elevation| up
 * to about 10 deg).
 */
static double low_before(const struct hf_activity *act, double since_s)
{
	uint64_t i = act->n, lo = act->n > act->cap ? act->n - act->cap : 0;
	double from_s = fmax(since_s - RISE_LOOKBACK_S, act->posture_since_s), low_deg = 90.0;

	while (i > lo && at(act, i - 1)->t_s > since_s)
		i--;
	for (; i > lo && at(act, i - 1)->t_s >= from_s; i--)
		low_deg = fmin(low_deg, elevation_of(act, at(act, i - 1)));
	return low_deg;
}

/* Once a steady stretch has lasted STEADY_S: remember what came before it. */
static void judge_stretch(struct hf_activity *act, double t_s)
{
	struct stretch *last = act->n_stretches ?
		&act->stretches[(act->n_stretches - 1) % MAX_STRETCHES] : NULL;

	if (t_s - act->steady_since_s < STEADY_S || (last && last->since_s == act->steady_since_s))
		return;
	act->stretches[act->n_stretches % MAX_STRETCHES] =
		(struct stretch){act->steady_since_s, low_before(act, act->steady_since_s)};
	act->n_stretches++;
}

/* The remembered stretch that began nearest to t_s (within 5 s), NULL. */
static const struct stretch *stretch_near(const struct hf_activity *act, double t_s)
{
	const struct stretch *best = NULL;
	int n = act->n_stretches < MAX_STRETCHES ? act->n_stretches : MAX_STRETCHES;

	for (int k = 0; k < n; k++) {
		const struct stretch *st = &act->stretches[k];
		if (fabs(st->since_s - t_s) <= 5.0 &&
		    (!best || fabs(st->since_s - t_s) < fabs(best->since_s - t_s)))
			best = st;
	}
	return best;
}

/* Did the pelvis rise into the stretch that began near since_s, to
 * elev_deg? */
static bool entered_by_rise(const struct hf_activity *act, double since_s, double elev_deg)
{
	const struct stretch *st = stretch_near(act, since_s);

	return st && st->low_deg <= elev_deg - RISE_MIN_DEG;
}

/* The least elevation at which row r takes a hold in the current steady
 * stretch: a low plank's where the pelvis rose into it. */
static double hold_floor_deg(const struct hf_activity *act, const struct row *r)
{
	if (act->elev_deg >= r->rise_lo_deg && act->elev_deg < r->elev_lo_deg &&
	    entered_by_rise(act, act->steady_since_s, act->elev_deg))
		return r->rise_lo_deg;
	return r->elev_lo_deg;
}

static void track_steady(struct hf_activity *act, const double up_p[3], double t_s)
{
	/* more than STEADY_DEG from the anchor, by the cosine: no acos per sample */
	if (!act->have_anchor || hf_vec_dot(up_p, act->anchor_up_p) < act->cos_steady) {
		memcpy(act->anchor_up_p, up_p, sizeof act->anchor_up_p);
		act->steady_since_s = t_s;
		act->have_anchor = true;
	}
}

/* A step is a peak of the vertical force above its slow mean. */
static void track_steps(struct hf_activity *act, const struct hf_motion *m,
			const double up_s[3], double dt_s)
{
	double av = hf_vec_dot(m->acc_g, up_s), k;

	if (!act->have_av) {
		act->av_mean_g = act->av_prev_g = act->av_prev2_g = av;
		act->have_av = true;
		return;
	}
	k = fmin(1.0, dt_s / STEP_MEAN_TAU_S);
	act->av_mean_g += k * (av - act->av_mean_g);
	av -= act->av_mean_g;
	if (act->av_prev_g > STEP_PEAK_G && act->av_prev_g >= act->av_prev2_g &&
	    act->av_prev_g > av && m->t_s - act->last_peak_s >= STEP_REFRACTORY_S) {
		if (m->t_s - act->last_peak_s > STEP_MAX_GAP_S || act->run_steps == 0) {
			act->run_steps = 0;
			act->run_start_s = m->t_s;
		}
		act->run_steps++;
		act->last_peak_s = m->t_s;
	}
	if (act->run_steps > 0 && m->t_s - act->last_peak_s > STEP_MAX_GAP_S)
		act->run_steps = 0;
	act->av_prev2_g = act->av_prev_g;
	act->av_prev_g = av;
}

#define TRAVEL_SIDEWAYS 1u
#define TRAVEL_ALONG 2u

/*
 * Travel: the pelvis acceleration (specific force less gravity, pelvis
 * frame), its slow mean removed (a high pass near 0.1 Hz, so cycles of
 * up to about 6 s pass), its power per axis over LIN_POW_TAU_S.  Upright,
 * sideways travel (side walk) is lateral power (pelvis y) above
 * SIDE_POW_G rms that outweighs fore-aft and vertical power together:
 * walking forward puts most of its power in the vertical and fore-aft
 * axes, a side step in the lateral one.  Lying, travel along the body
 * (foam rolling) is power along pelvis z that outweighs the other two
 * axes: lifting the hips or shifting moves the pelvis up and turns it.
 * The period is left to the kind analysers (steps: humps of the lateral
 * velocity; passes: strokes of 1.5-6 s); this only says which to open.
 */
static unsigned track_travel(struct hf_activity *act, const struct hf_motion *m,
			     const double up_s[3], double dt_s)
{
	double a_s[3], a_p[3], km, kp, other;
	unsigned bits = 0;

	for (int i = 0; i < 3; i++)
		a_s[i] = m->acc_g[i] - up_s[i];
	hf_quat_rotate_inv(act->cfg.pelvis_to_sensor, a_s, a_p);
	if (!act->have_lin) {
		memcpy(act->lin_mean_g, a_p, sizeof act->lin_mean_g);
		memset(act->lin_pow_g2, 0, sizeof act->lin_pow_g2);
		act->have_lin = true;
	}
	km = fmin(1.0, dt_s / LIN_MEAN_TAU_S);
	kp = fmin(1.0, dt_s / LIN_POW_TAU_S);
	for (int i = 0; i < 3; i++) {
		double d = a_p[i] - act->lin_mean_g[i];
		act->lin_mean_g[i] += km * d;
		act->lin_pow_g2[i] += kp * (d * d - act->lin_pow_g2[i]);
	}
	if (act->posture == HF_POSTURE_UPRIGHT) {
		other = act->lin_pow_g2[0] + act->lin_pow_g2[2];
		if (act->lin_pow_g2[1] > SIDE_POW_G * SIDE_POW_G &&
		    act->lin_pow_g2[1] > SIDE_RATIO * other)
			bits |= TRAVEL_SIDEWAYS;
	}
	if (act->posture == HF_POSTURE_PRONE || act->posture == HF_POSTURE_SUPINE) {
		other = act->lin_pow_g2[0] + act->lin_pow_g2[1];
		if (act->lin_pow_g2[2] > ALONG_POW_G * ALONG_POW_G &&
		    act->lin_pow_g2[2] > ALONG_RATIO * other)
			bits |= TRAVEL_ALONG;
	}
	if (!(bits & TRAVEL_SIDEWAYS))
		act->side_since_s = NAN;
	else if (isnan(act->side_since_s))
		act->side_since_s = m->t_s;
	if (!(bits & TRAVEL_ALONG))
		act->along_since_s = NAN;
	else if (isnan(act->along_since_s))
		act->along_since_s = m->t_s;
	return bits;
}

/* The slot of whole second sec in a log's at_s[] (sec may be negative). */
static size_t log_slot(int64_t sec)
{
	int64_t k = sec % TRAVEL_LOG_S;

	return (size_t)(k < 0 ? k + TRAVEL_LOG_S : k);
}

/* File this sample under its whole second; on: it has the log's travel. */
static void log_record(struct travel_log *log, bool on, double t_s, double dt_s)
{
	int64_t sec;

	if (!(fabs(t_s) < TRAVEL_LOG_MAX_T_S))
		return; /* no whole second to file it under: not counted */
	sec = (int64_t)floor(t_s);
	if (!log->have) {
		log->have = true;
		log->sec = sec;
		log->at_s[log_slot(sec)] = 0.0;
	}
	if (t_s - (double)log->sec > TRAVEL_LOG_S)
		log->sec = sec - TRAVEL_LOG_S; /* a gap: the rest is gone */
	while (log->sec < sec) {
		log->sec++;
		log->at_s[log_slot(log->sec)] = log->total_s;
	}
	if (on)
		log->total_s += fmin(dt_s, 1.0); /* a gap is not travel */
}

/* total_s as it stood at t_s (to the whole second before it; the oldest
 * second kept when t_s is older; now when t_s is not yet past). */
static double log_total_at(const struct travel_log *log, double t_s)
{
	int64_t sec = (int64_t)floor(t_s);

	if (!log->have || sec > log->sec)
		return log->total_s;
	if (sec <= log->sec - TRAVEL_LOG_S)
		sec = log->sec - TRAVEL_LOG_S + 1;
	return log->at_s[log_slot(sec)];
}

/* The share of [start_s, end_s] with the log's travel, to the second, over
 * its last TRAVEL_LOG_S at most; 0 for spans under 2 s. */
static double log_share(const struct travel_log *log, double start_s, double end_s)
{
	double span_s = fmin(end_s - start_s, (double)TRAVEL_LOG_S);

	if (!(span_s >= 2.0))
		return 0.0;
	return fmin(1.0, (log_total_at(log, end_s) - log_total_at(log, end_s - span_s)) / span_s);
}

/* The share of [start_s, end_s] spent travelling along the body (foam
 * rolling): a plank is still (row_keeps()). */
static double along_share(const struct hf_activity *act, double start_s, double end_s)
{
	return log_share(&act->logs[TRAVEL_LOG_ALONG], start_s, end_s);
}

/*
 * The share of [start_s, end_s] with travel bit set: from the ring's
 * samples while it holds every sample so far or reaches back to start_s,
 * else to the second from the log, over the part of the span that has
 * samples (a caller may ask with a margin past now).  A foam-roll set can
 * close a minute or more after it ended (the passes analyser's recount
 * splits one live set in two at its end): its travel is long gone from
 * the ring (tuning seed 488 of bench_recognition, a face-up set of 42 s
 * dropped as "no travel").
 */
static double travel_share(const struct hf_activity *act, unsigned bit, double start_s,
			   double end_s)
{
	uint64_t lo = act->n > act->cap ? act->n - act->cap : 0;
	size_t in = 0, with = 0;

	if (act->n > act->cap && at(act, lo)->t_s > start_s)
		return log_share(&act->logs[bit == TRAVEL_SIDEWAYS ? TRAVEL_LOG_SIDEWAYS
								  : TRAVEL_LOG_ALONG],
				 start_s, fmin(end_s, at(act, act->n - 1)->t_s));
	for (uint64_t i = act->n; i > lo; i--) {
		const struct hf_motion *m = at(act, i - 1);
		if (m->t_s < start_s)
			break;
		if (m->t_s > end_s)
			continue;
		in++;
		with += (act->travel[(i - 1) % act->cap] & bit) != 0;
	}
	return in ? (double)with / (double)in : 0.0;
}

static bool travel_holds(double since_s, double t_s)
{
	return !isnan(since_s) && t_s - since_s >= TRAVEL_HOLD_S;
}

/* Does the row's movement signature hold now?  Its onset into *since_s. */
static bool sig_holds(const struct hf_activity *act, const struct row *r, double t_s,
		      double *since_s)
{
	switch (r->sig) {
	case SIG_STEADY:
		*since_s = act->steady_since_s;
		return t_s - act->steady_since_s >= STEADY_S;
	case SIG_STEPS:
		*since_s = act->run_start_s;
		return act->run_steps >= STEPS_MIN && !travel_holds(act->side_since_s, t_s);
	case SIG_SIDEWAYS:
		*since_s = act->side_since_s;
		return travel_holds(act->side_since_s, t_s);
	case SIG_ALONG_BODY:
		*since_s = act->along_since_s;
		return travel_holds(act->along_since_s, t_s);
	}
	return false;
}

/* ---- candidates ---- */

static void remember(struct hf_activity *act, double start_s, double end_s, bool low)
{
	struct window *w = &act->windows[act->sets_done % MAX_WINDOWS];

	w->start_s = start_s;
	w->end_s = end_s;
	w->low = low;
	if (act->n_windows < MAX_WINDOWS)
		act->n_windows++;
}

static void pass(struct hf_activity *act, const struct hf_event *ev)
{
	if (act->cb)
		act->cb(ev, act->user);
}

/*
 * The candidate's set is not one: if its live events went out (a hold
 * announced, a fault), say so, with the set_index they had.
 */
static void drop(struct candidate *c, const struct hf_event *out)
{
	struct hf_event ev = *out;

	if (!c->live_out)
		return;
	c->live_out = false;
	ev.type = HF_EVENT_SET_DROPPED;
	ev.rep_index = -1;
	pass(c->act, &ev);
}

static void gait_set(struct candidate *c, struct hf_event *out)
{
	struct hf_activity *act = c->act;
	struct hf_set_summary set = *out->set;
	const struct hf_gait_summary *g = set.gait;

	c->live_out = c->live_out || c->announced;
	if ((!g || (!g->run && g->steps < HF_ACTIVITY_WALK_MIN_STEPS)) ||
	    travel_share(act, TRAVEL_SIDEWAYS, set.start_s, set.end_s) >= SHARE_MIN) {
		/* walking between blocks; side steps, the side-walk row's */
		c->announced = false;
		drop(c, out);
		return;
	}
	if (g->run)
		set.exercise = HF_EX_RUN;
	c->live_out = false;
	out->exercise = set.exercise;
	out->set = &set;
	if (!c->announced) {
		struct hf_event st = *out;
		st.type = HF_EVENT_SET_START;
		st.set = NULL;
		pass(act, &st);
	}
	c->announced = false;
	pass(act, out);
	remember(act, set.start_s, set.end_s, false);
	act->sets_done++;
}

/* A hold's FAULT that is a verdict on the whole hold, given at its end. */
static bool is_verdict(const struct hf_event *ev)
{
	const struct hf_exercise_info *e = hf_exercise_info(ev->exercise);

	return ev->type == HF_EVENT_FAULT && !ev->rep && e && e->kind == HF_KIND_HOLD &&
	       (ev->fault == HF_FAULT_SHORT_HOLD || ev->fault == HF_FAULT_ANTERIOR_TILT);
}

/* A SET_START held back goes out before its set's first event that does. */
static void pass_start(struct candidate *c)
{
	if (c->start_pending) {
		c->start.set_index = c->act->sets_done;
		pass(c->act, &c->start);
	}
	c->start_pending = false;
}

/* A hold found in a plank's posture that is lying on the mat: below the
 * row's elevations (and no low plank risen into), or a rest where reps
 * were done. */
static bool hold_is_lying(const struct candidate *c, const struct hf_hold_summary *h)
{
	const struct row *r = c->row;

	if (!isfinite(h->elevation_deg))
		return false;
	if (h->elevation_deg >= r->rise_lo_deg &&
	    entered_by_rise(c->act, h->start_s, h->elevation_deg))
		return false; /* a low plank, risen into */
	if (h->elevation_deg < r->elev_lo_deg - ELEV_SLACK_DEG)
		return true;
	if (h->start_s - c->kept_end_s <= BACK_TO_BACK_S)
		return false; /* a plank gone out of its cone: the hips never came down */
	return c->act->reps_seen_s <= h->end_s && h->elevation_deg < r->clear_deg;
}

/* Is the set of a candidate's (not gait) analyser one of its row's? */
static bool row_keeps(const struct candidate *c, const struct hf_set_summary *set)
{
	const struct hf_activity *act = c->act;
	const struct row *r = c->row;

	if ((r->sig == SIG_SIDEWAYS &&
	     travel_share(act, TRAVEL_SIDEWAYS, set->start_s, set->end_s) < SHARE_MIN) ||
	    (r->sig == SIG_ALONG_BODY &&
	     travel_share(act, TRAVEL_ALONG, set->start_s, set->end_s) < SHARE_MIN))
		return false; /* the kind analyser's cycles, not this row's travel */
	if (set->steps && set->steps->steps < SIDE_WALK_MIN_CYCLES)
		return false; /* a few steps aside, as between blocks */
	if (set->passes && set->passes->posture != r->posture)
		return false; /* the replay before the posture: the other row's */
	if (set->hold && along_share(act, set->start_s, set->end_s) >= SHARE_MIN)
		return false; /* rolling along the body on a roller: a plank is still */
	return !(set->hold && hold_is_lying(c, set->hold));
}

/*
 * May a travel row's live event go out at t_s?  Only once its set would be
 * kept if it closed now: travel of the row's kind for most of it (not a
 * walk forward), and a side walk's SIDE_WALK_MIN_CYCLES.  Holds: always
 * (a plank announces itself after hold_min_s; one that turns out to be
 * rolling on a roller is taken back, SET_DROPPED, when it closes).
 */
static bool live_as_it_stands(const struct candidate *c, double t_s)
{
	const struct hf_activity *act = c->act;
	struct hf_live lv;
	unsigned bit;

	if (c->row->sig != SIG_SIDEWAYS && c->row->sig != SIG_ALONG_BODY)
		return true;
	if (!isfinite(c->set_start_s))
		return false;
	bit = c->row->sig == SIG_SIDEWAYS ? TRAVEL_SIDEWAYS : TRAVEL_ALONG;
	if (travel_share(act, bit, c->set_start_s, t_s) < SHARE_MIN)
		return false;
	memset(&lv, 0, sizeof lv);
	c->ops->live(c->self, &lv);
	return c->row->sig != SIG_SIDEWAYS || lv.steps >= SIDE_WALK_MIN_CYCLES;
}

/* Events of a candidate's kind analyser, on their way out. */
static void candidate_event(const struct hf_event *ev, void *user)
{
	struct candidate *c = user;
	struct hf_activity *act = c->act;
	struct hf_event out = *ev;
	bool gait = c->ops->kind == HF_KIND_GAIT;

	out.set_index = act->sets_done;
	if (gait && ev->type == HF_EVENT_SET_START)
		return; /* announced once the bout is long enough */
	if (is_verdict(ev) && c->n_verdicts < 2) {
		c->verdicts[c->n_verdicts++] = out; /* no pointers in a hold's FAULT */
		return;
	}
	if (ev->type == HF_EVENT_HOLD_START)
		c->hold_elev_deg = elevation_at(act, ev->value + HOLD_ELEV_AT_S);
	if (ev->type != HF_EVENT_SET) {
		if (ev->type == HF_EVENT_SET_START)
			c->set_start_s = ev->t_s;
		if (!live_as_it_stands(c, ev->t_s)) {
			/* held back: its SET would be dropped now */
			if (ev->type == HF_EVENT_SET_START) {
				c->start = out; /* no pointers in a SET_START */
				c->start_pending = true;
			}
			return;
		}
		if (ev->type != HF_EVENT_SET_START)
			pass_start(c);
		c->start_pending = false;
		c->live_out = true;
		pass(act, &out);
		return;
	}
	c->set_start_s = NAN;
	c->hold_elev_deg = NAN;
	if (gait) {
		gait_set(c, &out);
		return;
	}
	if (!row_keeps(c, ev->set)) {
		c->start_pending = false;
		c->n_verdicts = 0;
		drop(c, &out);
		return;
	}
	pass_start(c);
	for (int k = 0; k < c->n_verdicts; k++)
		pass(act, &c->verdicts[k]);
	c->n_verdicts = 0;
	c->live_out = false;
	pass(act, &out);
	if (ev->set->hold)
		c->kept_end_s = ev->set->end_s;
	remember(act, ev->set->start_s, ev->set->end_s,
		 ev->set->hold && ev->set->hold->elevation_deg < c->row->clear_deg);
	act->sets_done++;
}

static void announce_bout(struct candidate *c, double t_s)
{
	struct hf_live lv;
	struct hf_event ev = {.type = HF_EVENT_SET_START, .rep_index = -1};

	if (c->announced || c->ops->kind != HF_KIND_GAIT)
		return;
	memset(&lv, 0, sizeof lv);
	c->ops->live(c->self, &lv);
	if (!lv.in_set || lv.steps < HF_ACTIVITY_WALK_MIN_STEPS)
		return;
	c->announced = true;
	ev.t_s = t_s;
	ev.exercise = HF_EX_WALK;
	ev.set_index = c->act->sets_done;
	pass(c->act, &ev);
}

/* The row's analyser, made once (NULL ops: its kind is not built in). */
static int make_row_analyser(struct hf_activity *act, size_t k)
{
	struct candidate *c = &act->rowc[k];
	const struct row *r = &rows[k];
	struct hf_kind_config kc = {
		.exercise = r->ex,
		.side = r->side,
		.has_mounting = true,
		.pelvis_to_sensor = act->cfg.pelvis_to_sensor,
		.thresholds = act->cfg.thresholds,
		.rate_hz = act->cfg.rate_hz,
	};

	c->act = act;
	c->row = r;
	c->set_start_s = NAN;
	c->hold_elev_deg = NAN;
	c->kept_end_s = NAN;
	c->ops = hf_kind_ops_get(hf_exercise_info(r->ex)->kind);
	if (!c->ops)
		return HF_OK;
	c->self = c->ops->create(&kc, candidate_event, c);
	return c->self ? HF_OK : HF_ERR_NOMEM;
}

/* Open row k's candidate: its analyser is fed the ring from from_s on
 * (it ignores what it has already seen). */
static void open_candidate(struct hf_activity *act, size_t k, double from_s)
{
	struct candidate *c = &act->rowc[k];
	uint64_t i = act->n, lo = act->n > act->cap ? act->n - act->cap : 0;

	c->announced = false;
	act->open[act->n_open++] = c;
	while (i > lo && at(act, i - 1)->t_s >= from_s)
		i--;
	for (; i < act->n; i++)
		c->ops->update(c->self, at(act, i));
	announce_bout(c, at(act, act->n - 1)->t_s);
}

/* The posture ended (or the input): the open candidates close what they
 * have open, and their sets go out. */
static void close_candidates(struct hf_activity *act, bool end_of_input)
{
	for (int k = 0; k < act->n_open; k++) {
		struct candidate *c = act->open[k];
		if (end_of_input)
			c->ops->finish(c->self);
		else
			c->ops->interrupt(c->self);
	}
	act->n_open = 0;
	memset(act->opened, 0, sizeof act->opened);
}

static void consider_rows(struct hf_activity *act, double t_s)
{
	for (size_t k = 0; k < N_ROWS; k++) {
		const struct row *r = &rows[k];
		double since_s;

		if (act->opened[k] || !act->rowc[k].ops || r->posture != act->posture ||
		    act->elev_deg > r->elev_hi_deg || !sig_holds(act, r, t_s, &since_s) ||
		    act->elev_deg < (r->sig == SIG_STEADY ? hold_floor_deg(act, r) : r->elev_lo_deg))
			continue;
		act->opened[k] = true;
		/* foam rolling: the passes analyser sees the roll into the
		 * posture, which its own guard (a turn) passes over */
		open_candidate(act, k, r->sig == SIG_ALONG_BODY
					       ? since_s - r->lead_s
					       : fmax(act->posture_since_s, since_s - r->lead_s));
	}
}

static void update_posture(struct hf_activity *act, const double up_p[3], double t_s)
{
	enum hf_posture p = hf_posture_classify(up_p, act->posture);

	if (p == act->posture) {
		act->posture_cand = p;
		return;
	}
	if (p != act->posture_cand) {
		act->posture_cand = p;
		act->posture_cand_since_s = t_s;
	}
	if (t_s - act->posture_cand_since_s < POSTURE_HOLD_S)
		return;
	close_candidates(act, false);
	act->reps_seen_s = NAN;
	act->posture = p;
	act->posture_since_s = act->posture_cand_since_s;
}

/* ---- interface ---- */

struct hf_activity *hf_activity_new(const struct hf_activity_config *cfg,
				    hf_event_cb cb, void *user)
{
	struct hf_activity *act;

	if (!cfg || !(cfg->rate_hz >= HF_RATE_MIN_HZ && cfg->rate_hz <= HF_RATE_MAX_HZ))
		return NULL;
	act = calloc(1, sizeof *act);
	if (!act)
		return NULL;
	act->cfg = *cfg;
	act->cos_steady = cos(STEADY_DEG * HF_DEG2RAD);
	act->cb = cb;
	act->user = user;
	act->reps_seen_s = NAN;
	act->cap = (size_t)(RING_S * cfg->rate_hz * 1.25) + 16;
	act->ring = calloc(act->cap, sizeof *act->ring);
	act->travel = calloc(act->cap, sizeof *act->travel);
	if (!act->ring || !act->travel)
		goto fail;
	for (size_t k = 0; k < N_ROWS; k++)
		if (make_row_analyser(act, k) != HF_OK)
			goto fail;
	act->posture = act->posture_cand = HF_POSTURE_UNKNOWN;
	act->last_peak_s = -INFINITY;
	act->side_since_s = act->along_since_s = NAN;
	return act;
fail:
	hf_activity_free(act);
	return NULL;
}

void hf_activity_free(struct hf_activity *act)
{
	if (!act)
		return;
	for (size_t k = 0; k < N_ROWS; k++)
		if (act->rowc[k].ops && act->rowc[k].self)
			act->rowc[k].ops->destroy(act->rowc[k].self);
	free(act->ring);
	free(act->travel);
	free(act);
}

void hf_activity_update(struct hf_activity *act, const struct hf_motion *m)
{
	double up_s[3], up_p[3], dt_s;

	if (act->n > 0 && !(m->t_s >= at(act, act->n - 1)->t_s))
		return; /* time went backwards */
	dt_s = act->n > 0 ? m->t_s - at(act, act->n - 1)->t_s : 1.0 / act->cfg.rate_hz;
	*at(act, act->n) = *m;
	act->n++;
	world_up_in_sensor(m, up_s);
	hf_quat_rotate_inv(act->cfg.pelvis_to_sensor, up_s, up_p);
	act->elev_deg = asin(fmax(-1.0, fmin(1.0, up_p[2]))) * HF_RAD2DEG;
	update_posture(act, up_p, m->t_s);
	track_steady(act, up_p, m->t_s);
	judge_stretch(act, m->t_s);
	track_steps(act, m, up_s, dt_s);
	act->travel[(act->n - 1) % act->cap] = (unsigned char)track_travel(act, m, up_s, dt_s);
	log_record(&act->logs[TRAVEL_LOG_SIDEWAYS],
		   act->travel[(act->n - 1) % act->cap] & TRAVEL_SIDEWAYS, m->t_s, dt_s);
	log_record(&act->logs[TRAVEL_LOG_ALONG],
		   act->travel[(act->n - 1) % act->cap] & TRAVEL_ALONG, m->t_s, dt_s);
	for (int k = 0; k < act->n_open; k++) {
		act->open[k]->ops->update(act->open[k]->self, m);
		announce_bout(act->open[k], m->t_s);
	}
	if (act->posture != HF_POSTURE_UNKNOWN)
		consider_rows(act, m->t_s);
}

void hf_activity_interrupt(struct hf_activity *act)
{
	close_candidates(act, false);
	act->posture = act->posture_cand = HF_POSTURE_UNKNOWN;
	act->have_anchor = false;
	act->run_steps = 0;
	act->have_lin = false;
	act->side_since_s = act->along_since_s = NAN;
}

void hf_activity_finish(struct hf_activity *act)
{
	close_candidates(act, true);
}

bool hf_activity_live(const struct hf_activity *act, struct hf_live *out)
{
	for (int k = 0; k < act->n_open; k++) {
		const struct candidate *c = act->open[k];
		struct hf_live lv = *out;

		c->ops->live(c->self, &lv);
		if (!lv.in_set)
			continue;
		if (c->ops->kind == HF_KIND_GAIT && !c->announced)
			continue;
		if (!live_as_it_stands(c, lv.t_s))
			continue; /* held back (candidate_event()) */
		lv.set_count = out->set_count;
		*out = lv;
		return true;
	}
	return false;
}

static double overlap_s(double a0, double a1, double b0, double b1)
{
	return fmin(a1, b1) - fmax(a0, b0);
}

/* Where the hold a candidate's live view shows began, a second of getting
 * into it included; +INFINITY when it shows none. */
static double hold_span_from_s(const struct hf_activity *act, const struct hf_live *lv)
{
	return lv->in_set && act->n ? at(act, act->n - 1)->t_s - lv->hold_s - 1.0 : INFINITY;
}

bool hf_activity_covers(const struct hf_activity *act, double start_s, double end_s,
			const struct hf_rep *first_rep)
{
	for (int k = 0; k < act->n_windows; k++) {
		const struct window *w = &act->windows[k];
		if (w->low && first_rep && w->end_s >= first_rep->start_s &&
		    w->end_s <= first_rep->peak_s)
			continue; /* the rest a set of reps rose from */
		if (overlap_s(start_s, end_s, w->start_s, w->end_s) > 0.0)
			return true;
	}
	for (int k = 0; k < act->n_open; k++) {
		const struct candidate *c = act->open[k];
		struct hf_live lv;
		double now_s;

		memset(&lv, 0, sizeof lv);
		c->ops->live(c->self, &lv);
		now_s = act->n ? at(act, act->n - 1)->t_s : 0.0;
		if (c->row->sig == SIG_SIDEWAYS || c->row->sig == SIG_ALONG_BODY) {
			/* rocking on the roller, side steps: no reps */
			unsigned bit = c->row->sig == SIG_SIDEWAYS ? TRAVEL_SIDEWAYS : TRAVEL_ALONG;
			if (travel_share(act, bit, start_s, end_s) >= SHARE_MIN)
				return true;
			continue;
		}
		if (isfinite(act->reps_seen_s) && (lv.in_set && isfinite(c->hold_elev_deg) ?
				       c->hold_elev_deg : act->elev_deg) < c->row->clear_deg)
			continue; /* a rest between sets (or as it stands) */
		if (c->ops->kind != HF_KIND_HOLD)
			continue;
		if (overlap_s(start_s, end_s, hold_span_from_s(act, &lv), now_s) > 0.0)
			return true;
		/* a hold under way, not yet hold_min_s long */
		if (act->posture == c->row->posture && act->elev_deg >= hold_floor_deg(act, c->row) &&
		    now_s - act->steady_since_s >= STEADY_S &&
		    overlap_s(start_s, end_s, act->steady_since_s - 1.0, now_s) > 0.0)
			return true;
	}
	return false;
}

/* A plank under way at t_s: an open hold above its row's rest
 * elevations. */
static bool in_plank(const struct hf_activity *act, double t_s)
{
	for (int k = 0; k < act->n_open; k++) {
		const struct candidate *c = act->open[k];
		struct hf_live lv;

		if (c->ops->kind != HF_KIND_HOLD || !isfinite(c->hold_elev_deg) ||
		    c->hold_elev_deg < c->row->clear_deg)
			continue;
		memset(&lv, 0, sizeof lv);
		c->ops->live(c->self, &lv);
		if (t_s >= hold_span_from_s(act, &lv))
			return true;
	}
	return false;
}

void hf_activity_reps_seen(struct hf_activity *act, double t_s)
{
	if (in_plank(act, t_s))
		return; /* the hips wobbling in a plank: no set of reps */
	if (!isfinite(act->reps_seen_s))
		act->reps_seen_s = t_s;
}
