/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Recognition without a given exercise (contract section 7) through the
 * front end (hf_analyzer with HF_EX_NONE and a calibration): short
 * simulated sessions (sim/hold.c, sim/gait.c) with an exact sensor at a
 * random mounting, calibrated with that mounting, so that what is tested
 * is the activity layer (core/activity/activity.c) and not the
 * calibration.  Without the layer the front end finds no plank and no
 * walk at all.
 */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hipform/activity.h"
#include "hipform/analyzer.h"
#include "hipform/calib.h"
#include "hipform/sim.h"
#include "synth.h"

#define RATE_HZ 100.0
#define MAX_SETS 40

struct seen {
	int sets;
	enum hf_exercise ex[MAX_SETS];
	enum hf_side side[MAX_SETS];
	double start_s[MAX_SETS], end_s[MAX_SETS], hold_s[MAX_SETS];
	int steps[MAX_SETS], set_index[MAX_SETS], reps[MAX_SETS];
	enum hf_posture posture[MAX_SETS]; /* passes sets */
	void *user;                        /* a sample_fn's own state */
};

static void on_event(const struct hf_event *ev, void *user)
{
	struct seen *s = user;

	if (ev->type != HF_EVENT_SET || s->sets == MAX_SETS)
		return;
	s->ex[s->sets] = ev->set->exercise;
	s->side[s->sets] = ev->set->side;
	s->start_s[s->sets] = ev->set->start_s;
	s->end_s[s->sets] = ev->set->end_s;
	s->hold_s[s->sets] = ev->set->hold ? ev->set->hold->hold_s : NAN;
	s->steps[s->sets] = ev->set->gait ? ev->set->gait->steps : 0;
	s->reps[s->sets] = ev->set->rep_count;
	s->set_index[s->sets] = ev->set_index;
	s->posture[s->sets] = ev->set->passes ? ev->set->passes->posture : HF_POSTURE_UNKNOWN;
	s->sets++;
}

static void sensor(struct hf_sim_sensor *s, unsigned seed)
{
	hf_sim_sensor_preset(s, HF_SIM_GRADE_IDEAL, RATE_HZ, seed);
}

/* Recognition with the mounting as the calibration (the gyroscope exact
 * or not), x[0..n) through it, its events into cb. */
static void recognise(double rate_hz, struct hf_quat mounting, bool exact_gyro,
		      const struct hf_sample *x, size_t n, hf_event_cb cb, void *user)
{
	struct hf_analyzer_config cfg;
	struct hf_analyzer *a;

	hf_analyzer_config_default(&cfg);
	cfg.rate_hz = rate_hz;
	cfg.calib.has_mounting = true;
	cfg.calib.has_sensor = exact_gyro;
	cfg.calib.pelvis_to_sensor = mounting;
	a = hf_analyzer_new(&cfg, cb, user);
	assert_non_null(a);
	for (size_t i = 0; i < n; i++)
		hf_analyzer_update(a, &x[i]);
	hf_analyzer_finish(a);
	hf_analyzer_free(a);
}

/* Recognition with the true mounting as the calibration. */
static void analyse(const struct hf_sim_sensor *sen, const struct hf_sample *x, size_t n,
		    struct seen *s)
{
	memset(s, 0, sizeof *s);
	recognise(sen->rate_hz, sen->pelvis_to_sensor, sen->gyro_noise_dps == 0.0, x, n,
		  on_event, s);
}

/* Every truth hold is reported once, as ex and side, hold_s within 1 s. */
static void check_holds(enum hf_exercise ex, enum hf_side side, unsigned seed)
{
	struct hf_sim_sensor sen;
	struct hf_sim_hold_session h;
	struct seen s;

	sensor(&sen, seed);
	assert_int_equal(hf_sim_hold_session(&sen, ex, side, seed, &h), 0);
	assert_true(h.n_holds >= 1);
	analyse(&sen, h.samples, h.n, &s);
	assert_int_equal(s.sets, h.n_holds);
	for (int k = 0; k < s.sets; k++) {
		assert_int_equal(s.ex[k], ex);
		assert_int_equal(s.side[k], side);
		assert_true(fabs(s.hold_s[k] - h.holds[k].sum.hold_s) < 1.0);
		assert_int_equal(s.set_index[k], k);
	}
	hf_sim_hold_session_free(&h);
}

static void front_plank_recognised(void **state)
{
	(void)state;
	check_holds(HF_EX_PLANK_FRONT, HF_SIDE_NONE, 11);
	check_holds(HF_EX_PLANK_FRONT, HF_SIDE_NONE, 12);
}

/* The side is the side facing the floor (contract section 3). */
static void side_plank_gives_its_side(void **state)
{
	(void)state;
	check_holds(HF_EX_PLANK_SIDE, HF_SIDE_LEFT, 21);
	check_holds(HF_EX_PLANK_SIDE, HF_SIDE_RIGHT, 22);
}

static void back_plank_recognised(void **state)
{
	(void)state;
	check_holds(HF_EX_PLANK_BACK, HF_SIDE_NONE, 31);
}

static void walk(double duration_s, int run, unsigned seed, struct seen *s, int *truth_steps)
{
	struct hf_sim_sensor sen;
	struct hf_sim_gait p = {.run = run, .duration_s = duration_s, .cadence_spm = run ? 170 : 110};
	struct hf_sim_gait_output g;

	sensor(&sen, seed);
	assert_int_equal(hf_sim_gait_render(&p, &sen, seed, &g), 0);
	*truth_steps = g.truth.steps;
	analyse(&sen, g.samples, g.n, s);
	hf_sim_gait_output_free(&g);
}

/*
 * Walking between blocks (10 s, about 18 steps) is no set; a walking bout
 * of a minute is one walk set, and a run is a run however short.
 */
static void short_walk_no_set_long_walk_one(void **state)
{
	struct seen s;
	int steps;

	(void)state;
	walk(10.0, 0, 41, &s, &steps);
	assert_true(steps >= 10 && steps < HF_ACTIVITY_WALK_MIN_STEPS);
	assert_int_equal(s.sets, 0);

	walk(60.0, 0, 42, &s, &steps);
	assert_int_equal(s.sets, 1);
	assert_int_equal(s.ex[0], HF_EX_WALK);
	assert_true(abs(s.steps[0] - steps) <= 2);

	walk(12.0, 1, 43, &s, &steps);
	assert_int_equal(s.sets, 1);
	assert_int_equal(s.ex[0], HF_EX_RUN);
}

/* A guard, not a regression test: standing still (breathing, a sensor
 * with noise) must give nothing with the layer in. */
static void standing_still_gives_nothing(void **state)
{
	struct hf_sim_sensor sen;
	struct hf_sim *sim;
	const struct hf_sim_output *out;
	struct seen s;

	(void)state;
	hf_sim_sensor_preset(&sen, HF_SIM_GRADE_GOOD, RATE_HZ, 51);
	sim = hf_sim_new(&sen, 51);
	assert_non_null(sim);
	assert_int_equal(hf_sim_stand(sim, 90.0), 0);
	assert_int_equal(hf_sim_render(sim, &out), 0);
	analyse(&sen, out->samples, out->n, &s);
	assert_int_equal(s.sets, 0);
	hf_sim_free(sim);
}

static double overlap_s(double a0, double a1, double b0, double b1)
{
	return fmax(0.0, fmin(a1, b1) - fmax(a0, b0));
}

/* Reported set k covers more than half of the truth interval. */
static bool covers_half(const struct seen *s, int k, double start_s, double end_s)
{
	return overlap_s(s->start_s[k], s->end_s[k], start_s, end_s) > 0.5 * (end_s - start_s);
}

/*
 * Side walks (sim/sidewalk.c), no exercise given: each truth set is one
 * side_walk set with the direction of travel as its side, and the steps
 * are no walk.
 */
static void check_side_walks(unsigned seed)
{
	struct hf_sim_sensor sen;
	struct hf_sim_sidewalk_session sw;
	struct seen s;

	sensor(&sen, seed);
	assert_int_equal(hf_sim_sidewalk_session(NULL, &sen, seed, &sw), 0);
	assert_true(sw.n_sets >= 1);
	analyse(&sen, sw.samples, sw.n, &s);
	for (int k = 0; k < s.sets; k++)
		assert_int_equal(s.ex[k], HF_EX_SIDE_WALK);
	assert_int_equal(s.sets, sw.n_sets);
	for (int i = 0; i < sw.n_sets; i++) {
		assert_true(covers_half(&s, i, sw.sets[i].start_s, sw.sets[i].end_s));
		assert_int_equal(s.side[i], sw.sets[i].side);
	}
	hf_sim_sidewalk_session_free(&sw);
}

static void side_walk_recognised(void **state)
{
	(void)state;
	check_side_walks(61);
	check_side_walks(62);
}

/* Foam rolling (sim/foamroll.c): foam_roll sets with their posture. */
static void check_foam_roll(unsigned seed)
{
	struct hf_sim_sensor sen;
	struct hf_sim_foamroll_session fr;
	struct seen s;

	sensor(&sen, seed);
	assert_int_equal(hf_sim_foamroll_session(&sen, seed, 0, &fr), 0);
	assert_true(fr.n_sets >= 1);
	analyse(&sen, fr.samples, fr.n, &s);
	for (int k = 0; k < s.sets; k++)
		assert_int_equal(s.ex[k], HF_EX_FOAM_ROLL);
	assert_int_equal(s.sets, fr.n_sets);
	for (int i = 0; i < fr.n_sets; i++) {
		assert_true(covers_half(&s, i, fr.sets[i].start_s, fr.sets[i].end_s));
		assert_int_equal(s.posture[i], fr.sets[i].sum.posture);
	}
	hf_sim_foamroll_session_free(&fr);
}

static void foam_roll_recognised(void **state)
{
	(void)state;
	check_foam_roll(71);
	check_foam_roll(72);
}

/* A whole program of seed on part, calibrated from its own procedure
 * and recognised, its events into cb; the session into *ss (to free). */
typedef void (*sample_fn)(const struct hf_analyzer *a, const struct hf_sim_session *ss,
			  void *user);

/* Fit the accelerometer over the session's still postures first, as
 * `hipform analyze --calibration` does (calibration/session_accel.c)? */
static bool fit_session_accel;

static void recognise_program(enum hf_sim_part part, unsigned seed, hf_event_cb cb, void *user,
			      sample_fn each, struct hf_sim_session *ss)
{
	struct hf_sim_sensor sen;
	struct hf_analyzer_config cfg;
	struct hf_analyzer *a;
	char err[200];

	hf_sim_sensor_from_part(&sen, part, RATE_HZ, seed);
	assert_int_equal(hf_sim_program_session(&sen, seed, 0, ss), 0);
	hf_analyzer_config_default(&cfg);
	cfg.rate_hz = RATE_HZ;
	assert_int_equal(hf_calib_estimate(&cfg.calib, ss->samples, ss->n_calibration, NULL, err,
					   sizeof err), 0);
	if (fit_session_accel)
		assert_true(hf_calib_fit_session_accel(&cfg.calib, ss->samples, ss->n, NULL));
	a = hf_analyzer_new(&cfg, cb, user);
	assert_non_null(a);
	for (size_t i = 0; i < ss->n; i++) {
		hf_analyzer_update(a, &ss->samples[i]);
		if (each)
			each(a, ss, user);
	}
	hf_analyzer_finish(a);
	hf_analyzer_free(a);
}

/*
 * A whole program (sim/session.c), calibrated from its own procedure:
 * every truth set is reported over its time with its exercise and side,
 * and nothing starts in the walking and standing between blocks.
 */
static void whole_program(void **state)
{
	struct hf_sim_session ss;
	struct seen s;

	(void)state;
	memset(&s, 0, sizeof s);
	recognise_program(HF_SIM_PART_ICM42688P, 3, on_event, &s, NULL, &ss);
	assert_true(ss.n_sets >= 10);
	for (int i = 0; i < ss.n_sets; i++) {
		int found = 0;
		for (int k = 0; k < s.sets; k++)
			if (overlap_s(s.start_s[k], s.end_s[k], ss.sets[i].start_s, ss.sets[i].end_s) >
			    0.5 * (ss.sets[i].end_s - ss.sets[i].start_s) &&
			    s.ex[k] == ss.sets[i].exercise && s.side[k] == ss.sets[i].side)
				found++;
		assert_int_equal(found, 1);
	}
	for (int k = 0; k < s.sets; k++)
		for (int b = 0; b < ss.n_between; b++)
			assert_false(s.start_s[k] >= ss.between[b].start_s &&
				     s.start_s[k] < ss.between[b].end_s);
	assert_int_equal(s.sets, ss.n_sets);
	hf_sim_session_free(&ss);
}

/*
 * Tuning seed 2 of bench_recognition (an MPU-9250 specimen, calibrated
 * from its own procedure): in the first right clam-shell set (2.7-3.6 deg
 * reps) the third rep rolls the pelvis back 18.6 deg.  After it the
 * estimate came to rest 0.3-0.45 deg from the set's baseline, the next
 * 2.7 deg rep never came back to 10 % of its peak, its candidate expired
 * after 20 s and the set of 9 was read as 3 + 5.  A rep whose reading comes
 * to rest short of 10 % of its peak now ends at that rest (rep_sets.c,
 * rep_at_rest(); reps.c, hf_reps_end_at_rest()): every rep set of the
 * session is one set with its true count.
 */
static void rollback_then_small_clams_one_set(void **state)
{
	struct hf_sim_session ss;
	struct seen s;
	int rep_sets = 0;

	(void)state;
	memset(&s, 0, sizeof s);
	recognise_program(HF_SIM_PART_MPU9250, 2, on_event, &s, NULL, &ss);
	for (int i = 0; i < ss.n_sets; i++) {
		int found = 0, reps = -1;
		if (hf_exercise_info(ss.sets[i].exercise)->kind != HF_KIND_REPS)
			continue;
		rep_sets++;
		for (int k = 0; k < s.sets; k++)
			if (overlap_s(s.start_s[k], s.end_s[k], ss.sets[i].start_s,
				      ss.sets[i].end_s) > 0.0) {
				found++;
				reps = s.reps[k];
			}
		printf("truth %s %.1f-%.1f s: %d reps, read as %d set(s), %d reps\n",
		       hf_exercise_info(ss.sets[i].exercise)->name, ss.sets[i].start_s,
		       ss.sets[i].end_s, ss.sets[i].reps, found, reps);
		assert_int_equal(found, 1);
		assert_int_equal(reps, ss.sets[i].reps);
	}
	assert_int_equal(rep_sets, 6);
	hf_sim_session_free(&ss);
}

/*
 * Tuning seed 162 of bench_recognition (an MPU-9250 specimen, calibrated
 * from its own procedure): face down on the roller, on the forearms, the
 * pelvis stays within 10 deg of one orientation for minutes while the body
 * slides along its axis, at an elevation read as a plank's.  Three foam-roll
 * sets and the rests between were also read as one front plank of 230 s,
 * and the bench matched the truth sets to it.  A plank is still: a hold
 * that travels along the body for most of its time is rolling
 * (activity.c, along_share()).  Every foam-roll set is read as foam
 * rolling, and no hold overlaps one.
 */
static void every_foam_roll_set_read_as_one(enum hf_sim_part part, unsigned seed)
{
	struct hf_sim_session ss;
	struct seen s;
	int rolls = 0;

	memset(&s, 0, sizeof s);
	recognise_program(part, seed, on_event, &s, NULL, &ss);
	for (int i = 0; i < ss.n_sets; i++) {
		int found = 0;
		if (ss.sets[i].exercise != HF_EX_FOAM_ROLL)
			continue;
		rolls++;
		for (int k = 0; k < s.sets; k++) {
			if (overlap_s(s.start_s[k], s.end_s[k], ss.sets[i].start_s,
				      ss.sets[i].end_s) <= 0.0)
				continue;
			assert_true(isnan(s.hold_s[k])); /* no hold over a foam-roll set */
			found += s.ex[k] == HF_EX_FOAM_ROLL;
		}
		assert_int_equal(found, 1);
	}
	assert_true(rolls >= 4);
	hf_sim_session_free(&ss);
}

static void foam_roll_is_no_plank(void **state)
{
	(void)state;
	every_foam_roll_set_read_as_one(HF_SIM_PART_MPU9250, 162);
}

/*
 * Tuning seed 488 of bench_recognition (an MPU-6050 specimen): two
 * face-up foam-roll sets 5.5 s apart were one set to the passes analyser
 * as they went, and its recount split them when the second ended, 75 s
 * after the first had.  By then the first set's travel along the body had
 * left the activity layer's 60 s ring, its share read 0, and the set was
 * dropped as "not this row's travel".  Older spans are now read from the
 * per-second travel log (activity.c, travel_share()).
 */
static void foam_roll_set_closing_late(void **state)
{
	(void)state;
	every_foam_roll_set_read_as_one(HF_SIM_PART_MPU6050, 488);
}

/*
 * Tuning seed 98 of bench_recognition (an MPU-9250 specimen 40, -52 and
 * -50 mg off, calibrated from its own procedure): two right side planks
 * at +10.7 and +7.9 deg of elevation read +3.5 and about +1 deg, lying on
 * the side by the contract's +5 deg, and were not reported.  Lying on a
 * side, the offset along pelvis z is all of the elevation's error.  With
 * the accelerometer fitted over the session's still postures
 * (calibration/session_accel.c) both are found as right side planks, their
 * hold_s within 1 s; without the fit they are not (the same session, the
 * same analysis).
 */
static int right_side_planks_found(const struct hf_sim_session *ss, const struct seen *s)
{
	int found = 0;

	for (int i = 0; i < ss->n_sets; i++) {
		if (ss->sets[i].exercise != HF_EX_PLANK_SIDE || ss->sets[i].side != HF_SIDE_RIGHT ||
		    ss->sets[i].hold.elevation_deg < 7.0)
			continue;
		for (int k = 0; k < s->sets; k++)
			if (s->ex[k] == HF_EX_PLANK_SIDE && s->side[k] == HF_SIDE_RIGHT &&
			    overlap_s(s->start_s[k], s->end_s[k], ss->sets[i].start_s,
				      ss->sets[i].end_s) > 0.5 * ss->sets[i].hold_s &&
			    fabs(s->hold_s[k] - ss->sets[i].hold_s) < 1.0)
				found++;
	}
	return found;
}

static void low_side_planks_with_fitted_accel(void **state)
{
	struct hf_sim_session ss;
	struct seen s;
	int low = 0;

	(void)state;
	memset(&s, 0, sizeof s);
	fit_session_accel = true;
	recognise_program(HF_SIM_PART_MPU9250, 98, on_event, &s, NULL, &ss);
	fit_session_accel = false;
	for (int i = 0; i < ss.n_sets; i++)
		low += ss.sets[i].exercise == HF_EX_PLANK_SIDE && ss.sets[i].side == HF_SIDE_RIGHT &&
		       ss.sets[i].hold.elevation_deg >= 7.0 && ss.sets[i].hold.elevation_deg < 11.0;
	assert_int_equal(low, 2);
	assert_int_equal(right_side_planks_found(&ss, &s), 2);
	hf_sim_session_free(&ss);

	memset(&s, 0, sizeof s);
	recognise_program(HF_SIM_PART_MPU9250, 98, on_event, &s, NULL, &ss);
	assert_int_equal(right_side_planks_found(&ss, &s), 0);
	hf_sim_session_free(&ss);
}

/* The largest |tilt| (against the set baseline) while still in
 * [from_s, to_s], from the analyser's live view. */
struct live_tilt {
	double from_s, to_s, max_abs_deg;
};

static void track_live_tilt(const struct hf_analyzer *a, const struct hf_sim_session *ss,
			    void *user)
{
	struct live_tilt *lt = ((struct seen *)user)->user;
	struct hf_live l;

	(void)ss;
	hf_analyzer_live(a, &l);
	if (l.in_set && l.still && l.t_s >= lt->from_s && l.t_s <= lt->to_s)
		lt->max_abs_deg = fmax(lt->max_abs_deg, fabs(l.angles.tilt_deg));
}

/*
 * The same session: the left clam-shell set before that one ended on the
 * turn to the other side with a candidate open, and the closed set's
 * candidate kept telling the front end "moving" until the next set
 * opened, 35 s later, rests included: the gyro bias learned standing was
 * not corrected lying down, and in the right set the pelvis seemed to
 * turn on the mat (tilt, the turn about vertical lying on a side, -1.5
 * to -5.6 deg at the rests over 40 s).  A closed set's candidate no
 * longer counts (rep_sets.c, rep_sets_moving()).
 */
static void bias_learned_between_sets(void **state)
{
	struct hf_sim_session ss;
	struct live_tilt lt = {.from_s = 902.7, .to_s = 969.6};
	struct seen s;

	(void)state;
	memset(&s, 0, sizeof s);
	s.user = &lt;
	recognise_program(HF_SIM_PART_MPU9250, 2, on_event, &s, track_live_tilt, &ss);
	printf("largest |tilt| still in the right clam-shell set: %.2f deg\n", lt.max_abs_deg);
	assert_true(lt.max_abs_deg > 0.0);
	assert_true(lt.max_abs_deg < 2.5);
	hf_sim_session_free(&ss);
}

/* ---- a low plank: 5-8 deg, the elevations lying flat shares ---- */

/* Lying in a posture at low_deg of elevation, a rise (1 s) at 20 s into a
 * plank at plank_deg held hold_s, lowering, 15 s of rest; rise false:
 * lying at plank_deg throughout.  The elevation is turned by tilt on the
 * back, by obliquity on a side (about the axis a plank sags about). */
struct low_plank {
	bool supine;
	double low_deg, plank_deg, hold_s;
	bool rise;
	double after_deg;      /* lowered to this after the plank (0: low_deg) */
	int reps;              /* clam shells on the mat before the rise */
	int plank_reps;        /* ... and in the plank, 3 s after the rise */
	double sag_deg;        /* halfway through, the plank sags to this (0: none) */
	double sign;           /* the sign of the turn that raises the elevation */
};

/* Clam shells: from 5 s, one every 6 s (1 s opening, 2 s held, 1 s
 * closing), the pelvis turning 6 deg; 15 s of rest after the last. */
#define LOW_PLANK_REP_PERIOD_S 6.0

static double low_plank_rise_s(const struct low_plank *p)
{
	return p->reps ? 5.0 + p->reps * LOW_PLANK_REP_PERIOD_S + 15.0 : 20.0;
}

static double ramp(double t, double t0, double d)
{
	double u = fmin(1.0, fmax(0.0, (t - t0) / d));
	return u * u * (3.0 - 2.0 * u);
}

static void low_plank_angles(double t, void *user, struct hf_angles *out)
{
	const struct low_plank *p = user;
	double after = p->after_deg != 0.0 ? p->after_deg : p->low_deg;
	double rise_s = low_plank_rise_s(p);
	double down = ramp(t, rise_s + 1.0 + p->hold_s, 1.0);
	double plank = p->plank_deg + (p->sag_deg != 0.0 ?
		ramp(t, rise_s + 1.0 + 0.5 * p->hold_s, 1.0) * (p->sag_deg - p->plank_deg) : 0.0);
	double e = !p->rise ? p->plank_deg
			    : p->low_deg + ramp(t, rise_s, 1.0) * (plank - p->low_deg) +
				      down * (after - plank);
	double reps_t0 = 5.0, rep_t;
	int reps = p->reps;
	bool in_reps;

	if (t >= rise_s) {
		reps_t0 = rise_s + 3.0;
		reps = p->plank_reps;
	}
	rep_t = fmod(t - reps_t0, LOW_PLANK_REP_PERIOD_S);
	in_reps = t >= reps_t0 && t < reps_t0 + reps * LOW_PLANK_REP_PERIOD_S;

	*out = (struct hf_angles){0};
	if (p->supine)
		out->tilt_deg = p->sign * e;
	else
		out->obliquity_deg = p->sign * e;
	out->rotation_deg = 0.15 * sin(2 * HF_PI * 0.3 * t); /* breathing */
	if (in_reps)
		out->rotation_deg += 6.0 * (ramp(rep_t, 0.0, 1.0) - ramp(rep_t, 3.0, 1.0));
}

static double elevation_deg(struct hf_quat pelvis_to_world)
{
	const double z[3] = {0, 0, 1};
	double zw[3];

	hf_quat_rotate(pelvis_to_world, z, zw);
	return asin(zw[2]) * HF_RAD2DEG;
}

#define LOW_PLANK_MAX_N 15000

/* p recognised, its events into cb. */
static void low_plank_run(struct low_plank *p, hf_event_cb cb, void *user)
{
	static struct hf_sample x[LOW_PLANK_MAX_N];
	struct hf_quat rest = p->supine ? synth_supine() : synth_side_right_down();
	struct hf_quat mount = hf_quat_from_axis_angle((const double[3]){0.6, 0.0, 0.8}, 0.7);
	struct hf_angles a = {.tilt_deg = p->supine ? 10.0 : 0.0,
			      .obliquity_deg = p->supine ? 0.0 : 10.0};
	size_t n = (size_t)((p->rise ? low_plank_rise_s(p) + 1.0 + p->hold_s + 16.0 : 70.0) *
			    RATE_HZ);

	assert_true(n <= LOW_PLANK_MAX_N);
	p->sign = elevation_deg(hf_quat_mul(rest, hf_quat_from_angles(&a))) > 0.0 ? 1.0 : -1.0;
	synth_render(rest, mount, low_plank_angles, p, RATE_HZ, n, x);
	recognise(RATE_HZ, mount, true, x, n, cb, user);
}

/* The sets recognised in p, the last's exercise into *ex. */
static int low_plank_sets(struct low_plank *p, enum hf_exercise *ex)
{
	struct seen s;

	memset(&s, 0, sizeof s);
	low_plank_run(p, on_event, &s);
	*ex = s.sets ? s.ex[s.sets - 1] : HF_EX_NONE;
	return s.sets;
}

/*
 * A plank at +5.5 or +6 deg entered by a rise from the hips low is a
 * plank (section 9: at least 5 deg), also held 100 s (longer than the
 * activity layer's ring); lying still there, with no rise, is lying, and
 * so is a rise that ends below 5 deg.  On the back the rule is off: a
 * hip lift is such a rise.
 */
static void low_plank_by_its_rise(void **state)
{
	struct low_plank risen = {.low_deg = -15.0, .plank_deg = 6.0, .hold_s = 30.0, .rise = true};
	struct low_plank lower = {.low_deg = -15.0, .plank_deg = 5.5, .hold_s = 30.0, .rise = true};
	struct low_plank long_hold = {.low_deg = -15.0, .plank_deg = 5.5, .hold_s = 100.0,
				      .rise = true};
	struct low_plank lying = {.plank_deg = 6.0, .rise = false};
	struct low_plank too_low = {.low_deg = -15.0, .plank_deg = 3.5, .hold_s = 30.0,
				    .rise = true};
	struct low_plank back = {.supine = true, .low_deg = -10.0, .plank_deg = 6.0,
				 .hold_s = 30.0, .rise = true};
	struct low_plank back_high = {.supine = true, .low_deg = -5.0, .plank_deg = 15.0,
				      .hold_s = 30.0, .rise = true};
	enum hf_exercise ex;

	(void)state;
	assert_int_equal(low_plank_sets(&risen, &ex), 1);
	assert_int_equal(ex, HF_EX_PLANK_SIDE);
	assert_int_equal(low_plank_sets(&lower, &ex), 1);
	assert_int_equal(ex, HF_EX_PLANK_SIDE);
	assert_int_equal(low_plank_sets(&long_hold, &ex), 1);
	assert_int_equal(ex, HF_EX_PLANK_SIDE);
	assert_int_equal(low_plank_sets(&lying, &ex), 0);
	assert_int_equal(low_plank_sets(&too_low, &ex), 0);
	assert_int_equal(low_plank_sets(&back, &ex), 0);
	assert_int_equal(low_plank_sets(&back_high, &ex), 1); /* the synthesis is right */
	assert_int_equal(ex, HF_EX_PLANK_BACK);
}

/*
 * Clam shells on the side, a rest, then a rise into a side plank at +5.5
 * deg (below the +12 where reps make a rest no plank): the reps done in
 * that posture make its low rests no plank, but a plank risen into is
 * still one (tuning seed 5 of bench_recognition lost a side plank at +6
 * deg so).  Lying there after the reps without a rise is no plank, and
 * neither is lying that a calibration from the procedure alone reads at
 * +8 deg (bench_accuracy mode 8 read four clam sets of held-out sessions
 * so as side planks).
 */
static void low_plank_after_reps(void **state)
{
	struct low_plank risen = {.low_deg = -15.0, .plank_deg = 5.5, .hold_s = 30.0, .rise = true,
				  .reps = 6};
	struct low_plank lying = {.low_deg = 5.5, .plank_deg = 5.5, .hold_s = 30.0, .rise = true,
				  .reps = 6};
	struct low_plank lying_high = {.low_deg = 8.0, .plank_deg = 8.0, .hold_s = 30.0,
				       .rise = true, .reps = 6};
	enum hf_exercise ex;

	(void)state;
	assert_int_equal(low_plank_sets(&risen, &ex), 2);
	assert_int_equal(ex, HF_EX_PLANK_SIDE);
	assert_int_equal(low_plank_sets(&lying, &ex), 1);
	assert_int_equal(ex, HF_EX_CLAM_SHELL);
	assert_int_equal(low_plank_sets(&lying_high, &ex), 1);
	assert_int_equal(ex, HF_EX_CLAM_SHELL);
}

/* p recognised as exactly the n sets of exercises want, in order. */
static void expect_sets(struct low_plank *p, int n, const enum hf_exercise *want)
{
	struct seen s;

	memset(&s, 0, sizeof s);
	low_plank_run(p, on_event, &s);
	assert_int_equal(s.sets, n);
	for (int k = 0; k < n; k++)
		assert_int_equal(s.ex[k], want[k]);
}

/*
 * A side plank at +20 deg whose hips turn like clam shells three times,
 * then sags to +7 deg for its second half: the sag leaves the hold's cone,
 * so two holds (section 9), both planks.  The turns in the plank are no set
 * of reps that would make the sagged hold a rest between sets (tuning seed
 * 18 of bench_recognition lost the second hold so).
 */
static void plank_sagged_after_wobbles(void **state)
{
	struct low_plank p = {.low_deg = -15.0, .plank_deg = 20.0, .sag_deg = 7.0,
			      .hold_s = 60.0, .rise = true, .plank_reps = 3};
	const enum hf_exercise want[] = {HF_EX_PLANK_SIDE, HF_EX_PLANK_SIDE};

	(void)state;
	expect_sets(&p, 2, want);
}

/*
 * Clam shells on the side, then a side plank at +20 deg in the same
 * posture that sags to +9 deg halfway: out of its cone, so a second hold
 * (section 9), below the +12 deg where reps make a rest no plank.  It
 * begins where the plank left its cone; the hips never came down to the
 * mat, so it is a plank too.
 */
static void plank_after_reps_sags_on(void **state)
{
	struct low_plank p = {.low_deg = -15.0, .plank_deg = 20.0, .sag_deg = 9.0,
			      .hold_s = 60.0, .rise = true, .reps = 6};
	const enum hf_exercise want[] = {HF_EX_CLAM_SHELL, HF_EX_PLANK_SIDE, HF_EX_PLANK_SIDE};

	(void)state;
	expect_sets(&p, 3, want);
}

/* ---- live events in recognition (SET_DROPPED) ---- */

#define MAX_LIVE 20000

struct live_ev {
	enum hf_event_type type;
	int set_index;
	enum hf_exercise ex;
	double t_s;
	int sets_before;            /* SET events passed out before it */
	enum hf_fault fault;
};

struct live_log {
	int n, sets;
	struct live_ev ev[MAX_LIVE];
	int reps_shown_in_travel;   /* samples whose live view showed reps */
};

static void on_live(const struct hf_event *ev, void *user)
{
	struct live_log *l = user;

	if (l->n == MAX_LIVE)
		return;
	l->ev[l->n++] = (struct live_ev){ev->type, ev->set_index,
					 ev->set ? ev->set->exercise : ev->exercise, ev->t_s,
					 l->sets, ev->fault};
	l->sets += ev->type == HF_EVENT_SET;
}

static bool is_live(enum hf_event_type t)
{
	return t == HF_EVENT_SET_START || t == HF_EVENT_REP || t == HF_EVENT_FAULT ||
	       t == HF_EVENT_HOLD_START || t == HF_EVENT_HOLD_REACHED;
}

static bool same_set_exercise(enum hf_exercise live, enum hf_exercise closing)
{
	return live == closing || (live == HF_EX_WALK && closing == HF_EX_RUN);
}

/*
 * Index i's live event is resolved: a later SET or SET_DROPPED of its
 * exercise carries its set_index.  The one exception, in docs/protocol.md:
 * another set closed while it was open (two candidates live at once), so
 * its SET has a later index.
 */
static bool resolved(const struct live_log *l, int i)
{
	const struct live_ev *e = &l->ev[i];

	for (int j = i + 1; j < l->n; j++) {
		const struct live_ev *c = &l->ev[j];
		if ((c->type != HF_EVENT_SET && c->type != HF_EVENT_SET_DROPPED) ||
		    !same_set_exercise(e->ex, c->ex))
			continue;
		if (c->set_index == e->set_index)
			return true;
		return c->type == HF_EVENT_SET && c->sets_before > e->sets_before;
	}
	return false;
}

static bool during(const struct hf_sim_session *ss, double t_s, bool (*kind)(enum hf_exercise))
{
	for (int k = 0; k < ss->n_sets; k++)
		if (kind(ss->sets[k].exercise) && t_s >= ss->sets[k].start_s &&
		    t_s <= ss->sets[k].end_s)
			return true;
	return false;
}

static bool travelling(enum hf_exercise ex)
{
	return ex == HF_EX_FOAM_ROLL || ex == HF_EX_SIDE_WALK || ex == HF_EX_WALK ||
	       ex == HF_EX_RUN;
}

static bool forward_gait(enum hf_exercise ex)
{
	return ex == HF_EX_WALK || ex == HF_EX_RUN;
}

/* Per sample: the live view (STATUS) shows no rep set in travel either. */
static void live_view_in_travel(const struct hf_analyzer *a, const struct hf_sim_session *ss,
				void *user)
{
	struct live_log *l = user;
	struct hf_live lv;

	hf_analyzer_live(a, &lv);
	if (lv.in_set && hf_exercise_info(lv.exercise)->kind == HF_KIND_REPS &&
	    during(ss, lv.t_s, travelling))
		l->reps_shown_in_travel++;
}

/* A hold's verdict (short_hold, anterior_tilt at its end) at i goes out
 * only with a SET that keeps the hold, never just before a take-back. */
static void check_verdict(const struct live_log *l, int i, unsigned seed)
{
	const struct live_ev *f = &l->ev[i];

	if (f->type != HF_EVENT_FAULT || hf_exercise_info(f->ex)->kind != HF_KIND_HOLD ||
	    (f->fault != HF_FAULT_SHORT_HOLD && f->fault != HF_FAULT_ANTERIOR_TILT))
		return;
	for (int j = i + 1; j < l->n; j++) {
		if (l->ev[j].ex != f->ex)
			continue;
		if (l->ev[j].type == HF_EVENT_SET_DROPPED)
			fail_msg("seed %u: %s of a hold at %.1f s, then the hold dropped", seed,
				 hf_fault_name(f->fault), f->t_s);
		if (l->ev[j].type == HF_EVENT_SET)
			return;
	}
}

/* A SET_DROPPED at i names live events sent before it under its index and
 * exercise, and is not said again for them. */
static void check_dropped(const struct live_log *l, int i, unsigned seed)
{
	const struct live_ev *d = &l->ev[i];
	bool named = false;

	for (int j = 0; j < i; j++)
		if (is_live(l->ev[j].type) && l->ev[j].set_index == d->set_index &&
		    same_set_exercise(l->ev[j].ex, d->ex))
			named = true;
	if (!named)
		fail_msg("seed %u: SET_DROPPED of set %d at %.1f s names nothing", seed,
			 d->set_index, d->t_s);
	for (int j = i + 1; j < l->n && l->ev[j].type != HF_EVENT_SET; j++) {
		const struct live_ev *e = &l->ev[j];
		if (e->set_index != d->set_index || !same_set_exercise(e->ex, d->ex))
			continue;
		if (is_live(e->type))
			break; /* a new set under the index */
		if (e->type == HF_EVENT_SET_DROPPED)
			fail_msg("seed %u: set %d dropped twice", seed, d->set_index);
	}
}

/*
 * Whole programs, recognised: every live event is resolved by its SET or
 * a SET_DROPPED; no rep is announced on the roller, in side steps or
 * walking (the rep analyser's sets there are dropped, so their live
 * events are held back), and no side walk while walking forward.
 */
static void live_events_resolved(void **state)
{
	static struct live_log l;
	int drops = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 6; seed++) {
		struct hf_sim_session ss;

		memset(&l, 0, sizeof l);
		recognise_program((enum hf_sim_part)(seed % 3), seed, on_live, &l,
				  live_view_in_travel, &ss);
		assert_true(l.n < MAX_LIVE);
		assert_int_equal(l.reps_shown_in_travel, 0);
		for (int i = 0; i < l.n; i++) {
			const struct live_ev *e = &l.ev[i];
			if (e->type == HF_EVENT_SET_DROPPED) {
				drops++;
				check_dropped(&l, i, seed);
			}
			check_verdict(&l, i, seed);
			if (!is_live(e->type))
				continue;
			if (!resolved(&l, i))
				fail_msg("seed %u: %s of set %d (exercise %d) at %.1f s never resolved",
					 seed, hf_event_type_name(e->type), e->set_index, e->ex, e->t_s);
			if (e->type == HF_EVENT_REP && during(&ss, e->t_s, travelling))
				fail_msg("seed %u: a rep announced at %.1f s, in travel", seed, e->t_s);
			if (e->ex == HF_EX_SIDE_WALK && during(&ss, e->t_s, forward_gait))
				fail_msg("seed %u: a side walk announced at %.1f s, walking", seed,
					 e->t_s);
		}
		hf_sim_session_free(&ss);
	}
	assert_true(drops > 0); /* the sessions do exercise the rule */
}

/*
 * A side plank at +20 deg, then the hips lowered only to +5.5 deg and
 * still there 15 s: that second "hold" is lying (no rise into it) and is
 * dropped; its short_hold verdict must not go out before the take-back.
 */
static void dropped_hold_keeps_its_verdicts(void **state)
{
	static struct live_log l;
	struct low_plank p = {.low_deg = -15.0, .plank_deg = 20.0, .hold_s = 40.0, .rise = true,
			      .after_deg = 5.5};
	int sets = 0, drops = 0;

	(void)state;
	memset(&l, 0, sizeof l);
	low_plank_run(&p, on_live, &l);
	for (int i = 0; i < l.n; i++) {
		sets += l.ev[i].type == HF_EVENT_SET;
		drops += l.ev[i].type == HF_EVENT_SET_DROPPED;
		check_verdict(&l, i, 0);
	}
	assert_int_equal(sets, 1);
	assert_int_equal(drops, 1); /* the lying hold was announced, then taken back */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(front_plank_recognised),
		cmocka_unit_test(side_plank_gives_its_side),
		cmocka_unit_test(back_plank_recognised),
		cmocka_unit_test(short_walk_no_set_long_walk_one),
		cmocka_unit_test(standing_still_gives_nothing),
		cmocka_unit_test(side_walk_recognised),
		cmocka_unit_test(foam_roll_recognised),
		cmocka_unit_test(whole_program),
		cmocka_unit_test(live_events_resolved),
		cmocka_unit_test(low_plank_by_its_rise),
		cmocka_unit_test(low_plank_after_reps),
		cmocka_unit_test(plank_sagged_after_wobbles),
		cmocka_unit_test(plank_after_reps_sags_on),
		cmocka_unit_test(dropped_hold_keeps_its_verdicts),
		cmocka_unit_test(rollback_then_small_clams_one_set),
		cmocka_unit_test(foam_roll_is_no_plank),
		cmocka_unit_test(foam_roll_set_closing_late),
		cmocka_unit_test(low_side_planks_with_fitted_accel),
		cmocka_unit_test(bias_learned_between_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
