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
 * clam set, an odd first rep.  Both modes, two seeds each: every set
 * found with its exact count, nothing extra, every calibration accepted,
 * the angles at the peaks within the issue's targets.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exercise_given_without_calibration),
		cmocka_unit_test(test_recognition_with_calibration),
		cmocka_unit_test(test_wide_ranges_hold_together),
		cmocka_unit_test(test_heldout_suite_runs),
		cmocka_unit_test(test_settled_rest_first_rep),
		cmocka_unit_test(test_issue8_scenarios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
