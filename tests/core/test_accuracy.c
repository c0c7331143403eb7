/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The issue's accuracy targets on a small fixed suite of simulated
 * sessions (bench_accuracy runs the full 60+ per mode): rep counts, hold,
 * excursion and angle errors, fault precision and recall, recognition.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "accuracy.h"
#include "hipform/sim.h"

#define SUITE_N 9

static void check_mode(enum hf_acc_mode mode, double angle_mae_max)
{
	struct hf_acc_score s = {0};

	for (int i = 0; i < SUITE_N; i++)
		assert_int_equal(hf_acc_run_session(i, mode, &s, stdout), 0);
	hf_acc_print(stdout, mode == HF_ACC_GIVEN ? "exercise given" : "recognised", &s);
	assert_true(s.truth_sets >= SUITE_N);
	assert_true(hf_acc_count_exact_rate(&s) >= 0.99);
	assert_true(s.count_max_abs_err <= 1);
	assert_true(hf_acc_hold_mae(&s) <= 0.05);
	assert_true(hf_acc_excursion_mae(&s) <= 0.3);
	assert_true(hf_acc_angle_mae(&s) <= angle_mae_max);
	assert_true(hf_acc_recognition_rate(&s) >= 0.99);
	assert_int_equal(s.extra_sets, 0);
	for (int f = 0; f < HF_FAULT_COUNT; f++) {
		assert_true(hf_acc_precision(&s.fault[f]) >= 0.98);
		assert_true(hf_acc_recall(&s.fault[f]) >= 0.98);
	}
}

static void test_exercise_given_without_calibration(void **state)
{
	(void)state;
	check_mode(HF_ACC_GIVEN, 1.0);
}

static void test_recognition_with_calibration(void **state)
{
	(void)state;
	check_mode(HF_ACC_RECOGNISE, 0.5);
}

/*
 * The wide-range sessions (bench_accuracy mode 3) are no target, but the
 * analyser must not fall apart on them: a regression that let one set
 * swallow the rest (11 reps read as 2) would fail here.  12 sessions, 33
 * sets; measured 97 % exact, max error 1.
 */
static void test_wide_ranges_hold_together(void **state)
{
	struct hf_acc_score s = {0};

	(void)state;
	for (int i = 0; i < 12; i++)
		assert_int_equal(hf_acc_run_session(i, HF_ACC_WIDE, &s, stdout), 0);
	hf_acc_print(stdout, "wide ranges", &s);
	assert_true(s.truth_sets >= 30);
	assert_true(hf_acc_count_exact_rate(&s) >= 0.9);
	assert_true(s.count_max_abs_err <= 3);
	assert_true(s.extra_sets <= 1);
	assert_true(hf_acc_hold_mae(&s) <= 0.05);
	assert_true(hf_acc_excursion_mae(&s) <= 0.3);
}

/*
 * The held-out suite (bench_accuracy modes 7 and 8) is measured, not
 * asserted here (it is what the analyser must learn to pass), but its
 * machinery must hold: every session renders, has its two sets or more
 * by the truth, is decoded and scored, and the calibrated mode tries a
 * calibration for each.
 */
static void test_heldout_suite_runs(void **state)
{
	struct hf_acc_score g = {0}, c = {0};

	(void)state;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(hf_acc_run_session(i, HF_ACC_HELDOUT_GIVEN, &g, NULL), 0);
		assert_int_equal(hf_acc_run_session(i, HF_ACC_HELDOUT_RECOGNISE, &c, NULL), 0);
	}
	hf_acc_print(stdout, "held-out (not asserted)", &g);
	assert_int_equal(g.sessions, 4);
	assert_int_equal(c.sessions, 4);
	assert_true(g.truth_sets >= 8 && c.truth_sets == g.truth_sets);
	assert_int_equal(c.calib_tried, 4);
	assert_int_equal(g.calib_tried, 0);
}

/*
 * Issue 8's five classes, each a scenario of the simulator (hipform
 * simulate --scenario NAME): an accelerometer at 0.94 g, a rest that
 * settles before the set, slow tiny clam shells, breathing through a long
 * clam set, an odd first rep; and bridges that drop the same hip on
 * every rep.  Both modes, two seeds each: every set found with its exact
 * count, nothing extra, every calibration accepted, the angles at the
 * peaks within the issue's targets, and every hip drop of the weak side
 * reported (without a calibration the frame comes from standing: the
 * reps' own axis turns with a drop made on every rep alike).
 */
static void test_issue8_scenarios(void **state)
{
	(void)state;
	for (int sc = 0; sc < HF_SIM_SC_COUNT; sc++) {
		for (int cal = 0; cal < 2; cal++) {
			struct hf_acc_score s = {0};
			char title[80];
			for (unsigned seed = 1; seed <= 2; seed++)
				assert_int_equal(hf_acc_run_scenario(sc, cal, seed, &s, stdout), 0);
			snprintf(title, sizeof title, "%s, %s",
				 hf_sim_scenario_name((enum hf_sim_scenario)sc),
				 cal ? "calibrated" : "exercise given");
			hf_acc_print(stdout, title, &s);
			assert_true(s.truth_sets >= 2);
			assert_int_equal(s.count_exact, s.truth_sets);
			assert_int_equal(s.extra_sets, 0);
			assert_int_equal(s.calib_refused, 0);
			assert_true(hf_acc_angle_mae(&s) <= (cal ? 0.5 : 1.0));
			if (sc == HF_SIM_SC_WEAK_SIDE_BRIDGES) {
				assert_true(s.fault[HF_FAULT_HIP_DROP].tp >= 18);
				assert_int_equal(s.fault[HF_FAULT_HIP_DROP].fn, 0);
				assert_int_equal(s.fault[HF_FAULT_HIP_DROP].fp, 0);
			}
		}
	}
}

/*
 * Two sessions of the belt suite (bench_accuracy modes 5 and 6, tuning
 * seeds) that each lost the first rep of a tiny clam set after the rest
 * settled: session 20 because the probe, started again from the settled
 * rest, was replayed only from the end of that rest and so never saw the
 * slow first rep rise from it; session 28 because the rest window, emptied
 * and refilled later, went on removing records it had never held (its
 * weight went negative and the rest read 66 deg away).  And session 34
 * (mode 5), whose next set's first rep rose as the gap rule closed the
 * set before: the probe started at that instant and saw the rep only from
 * halfway up.  And session 42 (mode 5), a one-rep set whose rep turned
 * the other way from a settle: the probe's candidate, open since the
 * settle, took the rep in and measured it from the old rest, where no
 * still baseline preceded it.  Every set exact.
 */
static void test_settled_rest_first_rep(void **state)
{
	struct hf_acc_score s = {0};

	(void)state;
	assert_int_equal(hf_acc_run_session(20, HF_ACC_BELT_GIVEN, &s, stdout), 0);
	assert_int_equal(hf_acc_run_session(28, HF_ACC_BELT_RECOGNISE, &s, stdout), 0);
	assert_int_equal(hf_acc_run_session(34, HF_ACC_BELT_GIVEN, &s, stdout), 0);
	assert_int_equal(hf_acc_run_session(42, HF_ACC_BELT_GIVEN, &s, stdout), 0);
	hf_acc_print(stdout, "settled rest, first rep", &s);
	assert_true(s.truth_sets >= 10);
	assert_int_equal(s.count_exact, s.truth_sets);
	assert_int_equal(s.extra_sets, 0);
}

/*
 * Two clam sets of the belt suite (sessions 52 and 53, tuning seeds), each
 * a minute and a half lying on the side breathing: the gyro bias about
 * the vertical, taught by rests no longer than a breath or two, was a few
 * hundredths of a deg/s off, and the tilt at the peak (the pelvis turning
 * on the mat) read 4 and 8.7 deg by the last rep where there was at most
 * 1.4.  The rests between reps show the drift; taken out, the largest
 * error of any angle at any peak is under 2 deg, in both modes.
 */
static void test_heading_drift_of_long_clam_sets(void **state)
{
	(void)state;
	for (int mode = HF_ACC_BELT_GIVEN; mode <= HF_ACC_BELT_RECOGNISE; mode++) {
		struct hf_acc_score s = {0};
		assert_int_equal(hf_acc_run_session(52, (enum hf_acc_mode)mode, &s, NULL), 0);
		assert_int_equal(hf_acc_run_session(53, (enum hf_acc_mode)mode, &s, NULL), 0);
		hf_acc_print(stdout, mode == HF_ACC_BELT_GIVEN ? "long clam sets, exercise given"
							       : "long clam sets, calibrated", &s);
		assert_int_equal(s.count_exact, s.truth_sets);
		assert_true(s.angle_abs_max < 2.0);
	}
}

/* Session `session` of mode `mode` alone: n_sets truth sets, every one
 * counted exactly, none extra.  The score is left in *s. */
static void expect_all_exact(int session, enum hf_acc_mode mode, int n_sets, const char *title,
			     struct hf_acc_score *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(hf_acc_run_session(session, mode, s, NULL), 0);
	hf_acc_print(stdout, title, s);
	assert_int_equal(s->truth_sets, n_sets);
	assert_int_equal(s->count_exact, n_sets);
	assert_int_equal(s->extra_sets, 0);
}

/* Session S of the belt suite in both its modes (exercise given;
 * calibrated and recognised): every set exact, none extra. */
static void expect_belt_exact(int session, int n_sets, const char *title)
{
	struct hf_acc_score s;

	for (int mode = HF_ACC_BELT_GIVEN; mode <= HF_ACC_BELT_RECOGNISE; mode++)
		expect_all_exact(session, (enum hf_acc_mode)mode, n_sets, title, &s);
}

/*
 * Session 79 of the belt suite (tuning seeds, calibrated): clam shells of
 * 1.7-3.1 deg on an LSM6DS3 warming 2.9 degC.  Its gyro bias about the
 * vertical drifts after the calibration, and the calibrated rotation axis
 * is a few degrees off the mat, so the heading drift reached the clam
 * shell's rotation: the rests read 0.3-0.4 deg by the seventh rep, above
 * 10 % of its 2.4 deg peak, two reps were read as one and the set split
 * (12 read as 7 + 2).  The drift the rests show is now taken out live,
 * and at the close out of every rep's excursion too: its excursion MAE
 * is 0.059 deg (0.086 with the excursion as measured live).
 */
static void test_heading_drift_taken_out_live(void **state)
{
	struct hf_acc_score s;

	(void)state;
	expect_all_exact(79, HF_ACC_BELT_RECOGNISE, 2, "heading drift taken out live", &s);
	assert_true(hf_acc_excursion_mae(&s) < 0.07);
}

/*
 * Session 136 of the belt suite (tuning seeds): a set of 14 bridges of
 * 30-40 deg whose first rep rose slowly.  The pelvis stopped being still
 * 0.51 s before the rep's start (10 % of its peak), more than the 0.5 s a
 * baseline could end before it, so the set had "no still baseline" and
 * its first three reps were lost (14 read as 11, both modes).  A rise
 * begins a third of its rise_s before its start; the baseline may now end
 * that long before.
 */
static void test_slow_first_rise_has_a_baseline(void **state)
{
	(void)state;
	expect_belt_exact(136, 2, "slow first rise");
}

/*
 * Session 84 of the belt suite (tuning seeds, exercise given): a 1.65 deg
 * clam shell 0.8 s after a 3.6 deg one.  The rest between them read
 * 0.2 deg, above 10 % of the small rep's peak, so the rep never "rose
 * from rest" and was dropped, and the set of 15 split into 10 + 4 at the
 * gap it left.  A rep now starts and ends at 10 % of its rise from the
 * rest it left (core/exercise/reps.c, start_level()).
 */
static void test_small_rep_after_a_rest_read_high(void **state)
{
	struct hf_acc_score s;

	(void)state;
	expect_all_exact(84, HF_ACC_BELT_GIVEN, 2, "small rep after a rest read high", &s);
}

/*
 * Tuning session 258 of the belt suite (an MPU-9250 at 250 Hz): the
 * pelvis settles 1.3 deg, partly off the clam shell's axis, 15 s before
 * a set; the first clam shell (7.5 deg) rises from the settled rest.  On
 * the uncalibrated probe's unsigned e against the old rest it dipped to
 * 0.8 deg on the way up and to 0.6 on the way down, so the candidate
 * opened by the settle took settle and rep as one "rep" and came back only
 * as the rep passed the old rest; the set opened from the old rest and
 * lost its first two reps (6 read as 4).  The second probe, against the
 * settled rest, is by then bringing its rep back: the candidate is taken
 * back and the probe starts again from the settled rest (rep_sets.c,
 * settle_rep_coming_back()).
 */
static void test_settle_then_rep_from_it(void **state)
{
	struct hf_acc_score s;

	(void)state;
	expect_all_exact(258, HF_ACC_BELT_GIVEN, 3, "a settle, then a rep from the settled rest",
			 &s);
}

/*
 * Tuning session 65 of the belt suite (an MPU-6500 at 208 Hz, exercise
 * given): the pelvis settles 1.2 deg 17 s before a set of 1.9 deg clam
 * shells that turn the other way, so each rep's top lies 0.8 deg from the
 * old rest.  The first rep's rise took the probe's e back through the old
 * rest, its candidate (open since the settle) came back to 10 % of its
 * peak and the settle was taken for the set's first rep; the rest then
 * followed the body onto that rep's top, and the set, measured from there,
 * read 5 reps as 3.  Such a candidate is now checked: the second probe
 * finds the rep from the settled rest, and the body rests at the settled
 * rest after it, not at the old one (rep_sets.c, check_step()).  Session
 * 55 is the other side of that check: a first rep held 6.7 s, lowered to
 * the rest and followed 2 s later by a larger one, which a check that did
 * not wait to see where the body rests took for a settle (12 read as 8).
 */
static void test_settle_then_reps_the_other_way(void **state)
{
	struct hf_acc_score s;

	(void)state;
	expect_all_exact(65, HF_ACC_BELT_GIVEN, 2, "a settle, then reps turning the other way", &s);
	expect_all_exact(55, HF_ACC_BELT_GIVEN, 2, "a rep held 6.7 s, then a larger one", &s);
}

/*
 * Tuning session 689 of the belt suite (an MPU-6500 at 120 Hz): a set
 * of 1.4-1.9 deg clam shells begins 8.6 s after the last rep of the one
 * before, its first rep rising 2.34 s (10 -> 90 %).  A slow rise passes
 * for still, so the provisional rest must not follow it for
 * REST_FREEZE_MAX_S; but that time was counted from a clock last set
 * before the previous set opened (136 s; the rise began at 173 s), so
 * the rest followed at once and the first four reps read 0.4-1.2 deg
 * (8 read as 4).  The clock now starts again with each new provisional
 * rest (rep_sets.c, reset_provisional()).
 */
static void test_slow_tiny_clams_after_a_set(void **state)
{
	(void)state;
	expect_belt_exact(689, 3, "slow tiny clams after a set");
}

/*
 * Tuning session 1571 of the belt suite (an ICM-42688-P at 120 Hz): a set
 * of 15 hip lifts of 21-50 deg, the seventh 49.6 deg with a hip drop of
 * 9.7 deg.  Gravity turned by more than 50 deg from the rest, which the
 * set took for getting up (a change of posture): it closed in the middle
 * of that rep and lost it (15 read as 6 + 8).  The turn along the
 * exercise's own axis, in its own direction, is now the rep's, not a
 * change of posture, up to 75 deg (rep_sets.c, posture_dev_deg()).
 */
static void test_high_hip_lift_keeps_its_posture(void **state)
{
	(void)state;
	expect_belt_exact(1571, 2, "a 50 deg hip lift");
}

/*
 * Tuning sessions 2706 (an MPU-9250 at 60 Hz) and 2162 (an MPU-9250 at
 * 200 Hz) of the belt suite: the pelvis settles by about 1.5 deg before
 * a set of 2 deg clam shells whose first rep turns back past the old
 * rest.  The settle check asked that the second probe's rep top out away
 * from the old rest; it read that where the check began, with the rep
 * already on its way down (2706: 0.17 deg where its top was 0.9), and
 * where the rep is as large as the settle its top lies on the old rest
 * anyway (2162: 0.26 deg).  The settle was kept as a held rep and the
 * set lost its first reps (5 read as 1 and as 3).  Where the body rests
 * after the rep now decides alone (rep_sets.c, check_follow()).
 */
static void test_settle_equal_and_opposite_to_the_reps(void **state)
{
	(void)state;
	expect_belt_exact(2706, 2, "tiny clams after a settle");
	expect_belt_exact(2162, 2, "a settle as large as the reps");
}

/*
 * Tuning session 1576 of the belt suite, calibrated (an MPU-6050 whose
 * gyro is 16 deg/s off): the 24 s rest on the back before the first set
 * of hip lifts reads +7.6 deg of elevation, where a rest with the knees
 * bent and a low back plank look alike, and before any rep it was
 * reported as a back plank.  The set of 10 hip lifts that followed began
 * within 3 s of that "plank" and was dropped whole as getting out of it.
 * A set of several reps is no longer dropped for a hold in the
 * elevations a rest shares with a plank (activity.c,
 * hf_activity_covers()) when that hold ended as its first rep rose.
 */
static void test_rest_before_reps_is_no_plank(void **state)
{
	struct hf_acc_score s;

	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(hf_acc_run_session(1576, HF_ACC_BELT_RECOGNISE, &s, NULL), 0);
	hf_acc_print(stdout, "hip lifts after a rest read as a back plank", &s);
	assert_int_equal(s.truth_sets, 2);
	assert_int_equal(s.count_exact, 2);
}

/*
 * The rules of section 4 judge the peaks the set reports.  Calibrated,
 * the heading drift is taken out of a set's reps when it closes, which
 * moves their peaks; the 1.0 deg floor and the median were judged before
 * that, so a fidget over 1.0 deg live and reported at 0.96 deg counted,
 * and bridged two sets of clam shells 8.5 s apart (tuning session 1690 of
 * the wide-range suite, calibrated: 3 + 9 reps read as 13).
 */
static void test_rules_judge_the_reported_peaks(void **state)
{
	struct hf_acc_score s;

	(void)state;
	expect_all_exact(1690, HF_ACC_WIDE_RECOGNISE, 3,
			 "a fidget under 1.0 deg once the drift is out", &s);
}

/*
 * Uncalibrated, the probe measures from the rest it last saw.  The pelvis
 * settled 1.9 deg the other way and stayed 14 s, and the first hip lift
 * rose from there: through zero of the probe's unsigned e, so its start
 * came 10 % of the way up from the old rest, past the rise from the
 * settled one.  No still baseline lay within the rise's tolerance of that
 * start, the set did not open, and the next rep was lost with it
 * (tuning session 1326 of the belt suite, exercise given: 4 hip lifts
 * read as 2).  Such a rep now starts where the settle's "lowering" began.
 */
static void test_rep_rising_out_of_a_settle(void **state)
{
	(void)state;
	expect_belt_exact(1326, 2, "hip lifts out of a settle the other way");
}

/*
 * Clam shells lying on the side, an MPU-6500 / MPU-9250 specimen whose
 * accelerometer offsets (datasheet +-60-80 mg) read the pelvis at +7-9 deg
 * of elevation there, where side planks begin: with the procedure alone
 * the sets were taken for side planks (tuning sessions 186 and 322 of the
 * belt suite, calibrated: 0 of 4 sets right); with the specimen's six-face
 * recording as well (contract section 6, `hipform calibrate --six-face`)
 * the offsets are taken out and every set is a clam-shell set, counted.
 */
static void test_six_face_keeps_clams_off_the_plank(void **state)
{
	struct hf_acc_score s = {0};

	(void)state;
	hf_acc_set_six_face(true);
	assert_int_equal(hf_acc_run_session(186, HF_ACC_BELT_RECOGNISE, &s, NULL), 0);
	assert_int_equal(hf_acc_run_session(322, HF_ACC_BELT_RECOGNISE, &s, NULL), 0);
	hf_acc_set_six_face(false);
	hf_acc_print(stdout, "clam shells with a six-face calibration", &s);
	assert_int_equal(s.truth_sets, 4);
	assert_int_equal(s.ex_side_correct, 4);
	assert_int_equal(s.count_exact, 4);
	assert_int_equal(s.extra_sets, 0);
}

/*
 * An uncalibrated bridge's frame takes pelvis z from the standing that
 * began the session.  Belt suite session 88 (MPU-6050 at 50 Hz, its gyro
 * 10 deg/s off per axis): where the orientation filter stood as the
 * standing began, still learning that bias, put z 7.5 deg off about
 * pelvis x, where the accelerometer's offsets alone put it 5 deg off;
 * every bridge's 22 deg of tilt then read 2.5 deg of rotation short, and
 * two hip drops of 6.8-7.0 deg went unreported.  Standing's up is now the
 * accelerometer's mean over the still standing (core/activity/postures.c).
 */
static void test_standing_up_from_the_accelerometer(void **state)
{
	struct hf_acc_score s = {0};
	const struct hf_acc_fault_counts *d = &s.fault[HF_FAULT_HIP_DROP];

	(void)state;
	assert_int_equal(hf_acc_run_session(88, HF_ACC_BELT_GIVEN, &s, stdout), 0);
	hf_acc_print(stdout, "bridges, standing from the accelerometer", &s);
	assert_int_equal(s.truth_sets, 2);
	assert_int_equal(s.count_exact, 2);
	assert_int_equal(d->tp, 5);
	assert_int_equal(d->fn, 0);
	assert_int_equal(d->fp, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exercise_given_without_calibration),
		cmocka_unit_test(test_recognition_with_calibration),
		cmocka_unit_test(test_wide_ranges_hold_together),
		cmocka_unit_test(test_heldout_suite_runs),
		cmocka_unit_test(test_settled_rest_first_rep),
		cmocka_unit_test(test_issue8_scenarios),
		cmocka_unit_test(test_heading_drift_of_long_clam_sets),
		cmocka_unit_test(test_heading_drift_taken_out_live),
		cmocka_unit_test(test_slow_first_rise_has_a_baseline),
		cmocka_unit_test(test_small_rep_after_a_rest_read_high),
		cmocka_unit_test(test_six_face_keeps_clams_off_the_plank),
		cmocka_unit_test(test_settle_then_rep_from_it),
		cmocka_unit_test(test_settle_then_reps_the_other_way),
		cmocka_unit_test(test_slow_tiny_clams_after_a_set),
		cmocka_unit_test(test_high_hip_lift_keeps_its_posture),
		cmocka_unit_test(test_rest_before_reps_is_no_plank),
		cmocka_unit_test(test_rules_judge_the_reported_peaks),
		cmocka_unit_test(test_rep_rising_out_of_a_settle),
		cmocka_unit_test(test_settle_equal_and_opposite_to_the_reps),
		cmocka_unit_test(test_standing_up_from_the_accelerometer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
