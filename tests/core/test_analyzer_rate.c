/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hf_analyzer_new() sizes its buffers from the nominal rate: a rate no
 * sensor has (issue 9 item 5: 1e300 Hz from steps of 1e-300 s, 1e-15 Hz
 * from steps of 1e15 s, inf, nan) is refused, not converted to a size.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hipform/analyzer.h"

static void on_event(const struct hf_event *ev, void *user)
{
	(void)ev;
	(void)user;
}

static struct hf_analyzer *make(double rate_hz)
{
	struct hf_analyzer_config cfg;

	hf_analyzer_config_default(&cfg);
	cfg.exercise = HF_EX_HIP_LIFT;
	cfg.rate_hz = rate_hz;
	return hf_analyzer_new(&cfg, on_event, NULL);
}

static void test_impossible_rates(void **state)
{
	static const double bad_hz[] = {1e300, 1e-15, 0.5, 10000.5, INFINITY, NAN, -100.0, 1e19};

	for (size_t i = 0; i < sizeof bad_hz / sizeof bad_hz[0]; i++)
		assert_null(make(bad_hz[i]));
}

static void test_possible_rates(void **state)
{
	static const double good_hz[] = {0.0 /* default */, HF_RATE_MIN_HZ, 50.0, 200.0, 1000.0};

	for (size_t i = 0; i < sizeof good_hz / sizeof good_hz[0]; i++) {
		struct hf_analyzer *a = make(good_hz[i]);
		struct hf_sample s = {.acc_g = {0, 0, 1}};

		assert_non_null(a);
		for (int k = 0; k < 100; k++) {
			s.t_s = k / (good_hz[i] > 0.0 ? good_hz[i] : 200.0);
			hf_analyzer_update(a, &s);
		}
		hf_analyzer_finish(a);
		hf_analyzer_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_impossible_rates),
		cmocka_unit_test(test_possible_rates),
	};
	return cmocka_run_group_tests_name("analyzer_rate", tests, NULL, NULL);
}
