/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calibration: the file format (round trip, validation naming the line)
 * and the estimation from simulated recordings of the contract section 6
 * procedure with random mountings (mounting recovered within 2 deg).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hipform/calib.h"
#include "hipform/error.h"
#include "hipform/sim.h"

static void test_format_parse_round_trip(void **state)
{
	struct hf_calib c, back;
	double axis[3] = {1, 2, 3};
	char text[1024], err[200];

	(void)state;
	hf_calib_identity(&c);
	c.gyro_bias_dps[0] = 1.25;
	c.gyro_bias_dps[2] = -3.5;
	c.acc_scale[1] = 1.01;
	hf_vec_normalize(axis);
	c.pelvis_to_sensor = hf_quat_from_axis_angle(axis, 1.0);
	c.has_mounting = true;
	assert_true(hf_calib_format(&c, text, sizeof text) > 0);
	assert_int_equal(hf_calib_parse(&back, text, err, sizeof err), HF_OK);
	assert_true(back.has_mounting);
	assert_float_equal(back.gyro_bias_dps[0], 1.25, 1e-6);
	assert_float_equal(back.gyro_bias_dps[2], -3.5, 1e-6);
	assert_float_equal(back.acc_scale[1], 1.01, 1e-6);
	assert_float_equal(back.pelvis_to_sensor.x, c.pelvis_to_sensor.x, 1e-7);
}

static void expect_error(const char *text, const char *needle)
{
	struct hf_calib c;
	char err[200] = "";

	assert_int_equal(hf_calib_parse(&c, text, err, sizeof err), HF_ERR_FORMAT);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
	assert_false(c.has_mounting); /* identity fallback, nothing half-loaded */
}

static void test_bad_files_name_the_line(void **state)
{
	(void)state;
	expect_error("[sensor]\ngyro_bias_dps = 1 2\n", "line 2");
	expect_error("[sensor]\ngyro_bias_dps = 1 2 3\n[mounting]\npelvis_to_sensor = 1 1 0 0\n",
		     "line 4: pelvis_to_sensor is not a unit quaternion");
	expect_error("[sensor]\nacc_scale = 1 0 1\n", "out of range");
	expect_error("[sensor]\ncolour = blue\n", "line 2: unknown key 'colour' in [sensor]");
	expect_error("[mounting]\npelvis_to_sensor = 1 0 0 0\n[extra]\nx = 1\n", "line 4: unknown section [extra]");
	expect_error("# nothing here\n", "no [sensor] or [mounting]");
	expect_error("[sensor\n", "line 1");
}

static double quat_angle_deg(struct hf_quat a, struct hf_quat b)
{
	return hf_quat_angle_rad(hf_quat_mul(hf_quat_conj(a), b)) * HF_RAD2DEG;
}

static void test_mounting_recovered(void **state)
{
	static const double rates[] = {50, 100, 200};
	double worst = 0.0;

	(void)state;
	for (unsigned seed = 1; seed <= 12; seed++) {
		struct hf_sim_sensor sensor;
		const struct hf_sim_output *o;
		struct hf_calib c;
		struct hf_calib_report rep;
		char err[200];
		struct hf_sim *sim;
		double e;

		hf_sim_sensor_preset(&sensor, seed % 3 ? HF_SIM_GRADE_MEMS : HF_SIM_GRADE_GOOD,
				     rates[seed % 3], seed);
		sim = hf_sim_new(&sensor, seed);
		assert_non_null(sim);
		assert_int_equal(hf_sim_calibration_procedure(sim), 0);
		assert_int_equal(hf_sim_render(sim, &o), 0);
		if (hf_calib_estimate(&c, o->samples, o->n, &rep, err, sizeof err) != HF_OK)
			fail_msg("seed %u: %s", seed, err);
		e = quat_angle_deg(c.pelvis_to_sensor, o->sensor.pelvis_to_sensor);
		printf("seed %u (%.0f Hz): mounting error %.2f deg, hinges %d, bias error %.3f deg/s\n",
		       seed, sensor.rate_hz, e, rep.hinges,
		       fabs(c.gyro_bias_dps[0] - o->sensor.gyro_bias_dps[0]));
		assert_int_equal(rep.hinges, 3);
		assert_true(e < 2.0);
		if (e > worst)
			worst = e;
		hf_sim_free(sim);
	}
	printf("worst mounting error %.2f deg\n", worst);
}

/* Render sim's program, expect hf_calib_estimate() to refuse it with an
 * error that contains why. */
static void assert_refused(struct hf_sim *sim, const char *why)
{
	const struct hf_sim_output *o;
	struct hf_calib c;
	char err[200] = "";

	assert_int_equal(hf_sim_render(sim, &o), 0);
	assert_int_equal(hf_calib_estimate(&c, o->samples, o->n, NULL, err, sizeof err),
			 HF_ERR_FORMAT);
	printf("refused: %s\n", err);
	assert_non_null(strstr(err, why));
	hf_sim_free(sim);
}

static struct hf_sim *good_sensor_sim(unsigned seed)
{
	struct hf_sim_sensor sensor;

	hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_GOOD, 100, seed);
	return hf_sim_new(&sensor, seed);
}

static void test_recording_without_procedure_is_refused(void **state)
{
	struct hf_sim *sim = good_sensor_sim(3);

	(void)state;
	hf_sim_stand(sim, 10.0);
	assert_refused(sim, "hinge");
}

/* The procedure at the start of a longer recording (the session that
 * follows it on the same file): the mounting comes from the procedure. */
static void test_procedure_then_session(void **state)
{
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT, .reps = 6,
				 .variation = 0.3, .fault_rate = 0.3};
	struct hf_sim_sensor sensor;
	const struct hf_sim_output *o;
	struct hf_calib c;
	char err[200];
	struct hf_sim *sim;
	double e;

	(void)state;
	hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_MEMS, 100, 21);
	sim = hf_sim_new(&sensor, 21);
	assert_int_equal(hf_sim_calibration_procedure(sim), 0);
	assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0), 0);
	assert_int_equal(hf_sim_rest(sim, 4.0), 0);
	assert_int_equal(hf_sim_add_set(sim, &set), 0);
	assert_int_equal(hf_sim_rest(sim, 6.0), 0);
	assert_int_equal(hf_sim_render(sim, &o), 0);
	if (hf_calib_estimate(&c, o->samples, o->n, NULL, err, sizeof err) != HF_OK)
		fail_msg("%s", err);
	e = quat_angle_deg(c.pelvis_to_sensor, o->sensor.pelvis_to_sensor);
	printf("procedure then a set lying down: mounting error %.2f deg\n", e);
	assert_true(e < 2.0);
	hf_sim_free(sim);
}

/* Standing, then lying down still: two still periods 90 deg apart are
 * not the procedure, and say so rather than return a mounting. */
static void test_standing_then_lying_is_refused(void **state)
{
	struct hf_sim *sim = good_sensor_sim(4);

	(void)state;
	hf_sim_stand(sim, 5.0);
	hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0);
	hf_sim_rest(sim, 5.0);
	assert_refused(sim, "differ by");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_bad_files_name_the_line),
		cmocka_unit_test(test_mounting_recovered),
		cmocka_unit_test(test_recording_without_procedure_is_refused),
		cmocka_unit_test(test_procedure_then_session),
		cmocka_unit_test(test_standing_then_lying_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
