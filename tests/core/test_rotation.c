/* SPDX-License-Identifier: BSD-2-Clause */
/* Rotation maths and the contract section 1 angle conventions. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hipform/rotation.h"

static void test_angles_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 2000; i++) {
		struct hf_angles in = {
			.tilt_deg = -170.0 + (i * 37 % 340),
			.obliquity_deg = -85.0 + (i * 53 % 170),
			.rotation_deg = -175.0 + (i * 71 % 350),
		}, out;
		hf_angles_from_quat(hf_quat_from_angles(&in), &out);
		assert_float_equal(out.tilt_deg, in.tilt_deg, 1e-9);
		assert_float_equal(out.obliquity_deg, in.obliquity_deg, 1e-9);
		assert_float_equal(out.rotation_deg, in.rotation_deg, 1e-9);
	}
}

/* Positive tilt: the top of the pelvis (z) tips forward (+x). */
static void test_sign_conventions(void **state)
{
	const double z[3] = {0, 0, 1}, y[3] = {0, 1, 0}, x[3] = {1, 0, 0};
	struct hf_angles tilt = {.tilt_deg = 10}, obl = {.obliquity_deg = 10},
			 rot = {.rotation_deg = 10};
	double v[3];

	(void)state;
	hf_quat_rotate(hf_quat_from_angles(&tilt), z, v);
	assert_true(v[0] > 0.17);  /* top moves anterior */
	hf_quat_rotate(hf_quat_from_angles(&obl), y, v);
	assert_true(v[2] > 0.17);  /* left side up */
	hf_quat_rotate(hf_quat_from_angles(&rot), x, v);
	assert_true(v[1] > 0.17);  /* front turns to the left */
}

static void test_intrinsic_order(void **state)
{
	/* Ry(a) Rx(b) Rz(c) as a product of single-axis rotations */
	const double ex[3] = {1, 0, 0}, ey[3] = {0, 1, 0}, ez[3] = {0, 0, 1};
	struct hf_angles a = {.tilt_deg = 30, .obliquity_deg = -20, .rotation_deg = 40};
	struct hf_quat q = hf_quat_mul(
		hf_quat_mul(hf_quat_from_axis_angle(ey, 30 * HF_DEG2RAD),
			    hf_quat_from_axis_angle(ex, -20 * HF_DEG2RAD)),
		hf_quat_from_axis_angle(ez, 40 * HF_DEG2RAD));
	struct hf_quat p = hf_quat_from_angles(&a);

	(void)state;
	assert_float_equal(fabs(q.w * p.w + q.x * p.x + q.y * p.y + q.z * p.z), 1.0, 1e-12);
}

static void test_matrix_round_trip(void **state)
{
	double axis[3] = {0.3, -0.5, 0.8}, m[3][3];
	struct hf_quat q, r;

	(void)state;
	hf_vec_normalize(axis);
	for (int i = 0; i < 360; i += 7) {
		q = hf_quat_from_axis_angle(axis, i * HF_DEG2RAD);
		hf_quat_to_matrix(q, m);
		r = hf_quat_from_matrix(m);
		assert_float_equal(fabs(q.w * r.w + q.x * r.x + q.y * r.y + q.z * r.z), 1.0, 1e-9);
	}
}

static void test_rotvec_and_mean(void **state)
{
	double rv[3] = {0.1, -0.2, 0.3}, back[3];
	struct hf_quat_mean m;
	struct hf_quat q = hf_quat_from_rotvec(rv), mean;

	(void)state;
	hf_quat_to_rotvec(q, back);
	for (int i = 0; i < 3; i++)
		assert_float_equal(back[i], rv[i], 1e-12);
	/* the mean of q and -q (one rotation) is q; symmetric spread averages out */
	hf_quat_mean_reset(&m);
	hf_quat_mean_add(&m, q, 1.0);
	hf_quat_mean_add(&m, (struct hf_quat){-q.w, -q.x, -q.y, -q.z}, 1.0);
	mean = hf_quat_mean_get(&m);
	assert_float_equal(fabs(mean.w * q.w + mean.x * q.x + mean.y * q.y + mean.z * q.z), 1.0, 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_angles_round_trip),
		cmocka_unit_test(test_sign_conventions),
		cmocka_unit_test(test_intrinsic_order),
		cmocka_unit_test(test_matrix_round_trip),
		cmocka_unit_test(test_rotvec_and_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
