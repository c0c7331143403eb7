/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulator: physical consistency (gravity per posture, gyro that
 * integrates to the true orientation, accelerometer = gravity in a still
 * hold and not during a rise), ground truth against hand-specified sets
 * (hold times derived analytically from the minimum-jerk ramp), the
 * counting rules, fidgets, sensor presets, determinism, the session rules
 * of a random session, and the CSV / WitMotion / JSON writers.
 */
#include <json-c/json.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hipform/error.h"
#include "hipform/sim.h"
#include "sim_internal.h"

/* ---- helpers ---- */

static struct hf_sim_sensor ideal_sensor(double rate_hz, int identity_mount)
{
	struct hf_sim_sensor s;

	hf_sim_sensor_preset(&s, HF_SIM_GRADE_IDEAL, rate_hz, 77);
	if (identity_mount) {
		s.pelvis_to_sensor = hf_quat_identity();
		memset(s.lever_arm_m, 0, sizeof s.lever_arm_m);
	}
	return s;
}

static size_t index_at(const struct hf_sim_output *o, double t_s)
{
	double x = (t_s - o->samples[0].t_s) * o->sensor.rate_hz;

	if (x < 0)
		return 0;
	if (x > (double)(o->n - 1))
		return o->n - 1;
	return (size_t)llround(x);
}

/* Gravity (world up) in the sensor frame at sample i, from the truth. */
static void up_in_sensor(const struct hf_sim_output *o, size_t i, double up[3])
{
	const double z[3] = {0, 0, 1};
	struct hf_quat q_sw = hf_quat_mul(o->q_pelvis_to_world[i],
					  hf_quat_conj(o->sensor.pelvis_to_sensor));

	hf_quat_rotate_inv(q_sw, z, up);
}

static double vec_dist(const double a[3], const double b[3])
{
	double d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};

	return hf_vec_norm(d);
}

/* Minimum jerk 10u^3-15u^4+6u^5 reaches 0.1 at u10 (bisection, here). */
static double u10_analytic(void)
{
	double lo = 0, hi = 0.5;

	for (int i = 0; i < 80; i++) {
		double u = (lo + hi) / 2, s = u * u * u * (10 - 15 * u + 6 * u * u);
		if (s < 0.1)
			lo = u;
		else
			hi = u;
	}
	return lo;
}

/* A rep with no random extras (zeros would be drawn). */
static struct hf_sim_rep clean_rep(double exc, double rise, double hold, double lower)
{
	struct hf_sim_rep r = {
		.excursion_deg = exc, .rise_s = rise, .hold_s = hold, .lower_s = lower,
		.rest_after_s = 2.0, .hip_drop_deg = 1e-6, .obliquity_deg = 1e-6,
		.tremor_deg = 1e-6,
	};
	return r;
}

/* ---- physics ---- */

static void test_gravity_in_each_posture(void **state)
{
	static const struct {
		enum hf_posture p;
		double up_pelvis[3];
	} cases[] = {
		{HF_POSTURE_UPRIGHT, {0, 0, 1}},    {HF_POSTURE_SUPINE, {1, 0, 0}},
		{HF_POSTURE_PRONE, {-1, 0, 0}},     {HF_POSTURE_SIDE_RIGHT, {0, 1, 0}},
		{HF_POSTURE_SIDE_LEFT, {0, -1, 0}},
	};

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		for (int mount = 0; mount < 2; mount++) {
			struct hf_sim_sensor s = ideal_sensor(100, mount == 0);
			struct hf_sim *sim = hf_sim_new(&s, 10 + (unsigned)c);
			const struct hf_sim_output *o;
			double expect[3], up[3];

			assert_int_equal(hf_sim_stand(sim, 2.0), HF_OK);
			if (cases[c].p != HF_POSTURE_UPRIGHT)
				assert_int_equal(hf_sim_change_posture(sim, cases[c].p, 2.0), HF_OK);
			assert_int_equal(hf_sim_rest(sim, 6.0), HF_OK);
			assert_int_equal(hf_sim_render(sim, &o), HF_OK);
			/* the posture's pelvis axis, in the sensor frame */
			hf_quat_rotate(s.pelvis_to_sensor, cases[c].up_pelvis, expect);
			for (double t = o->samples[o->n - 1].t_s - 4.0; t < o->samples[o->n - 1].t_s - 1.0;
			     t += 0.37) {
				size_t i = index_at(o, t);
				const double *a = o->samples[i].acc_g;
				assert_int_equal(o->posture[i], cases[c].p);
				assert_float_equal(hf_vec_norm(a), 1.0, 1e-3);
				/* lying, the pelvis may rest up to 3 deg off level */
				assert_true(hf_vec_dot(a, expect) > cos(4.0 * HF_DEG2RAD));
				up_in_sensor(o, i, up);
				assert_true(vec_dist(a, up) < 1e-3);
			}
			hf_sim_free(sim);
		}
	}
}

static void build_hip_set(struct hf_sim *sim, int tremor)
{
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT, .reps = 6, .variation = 0.3,
				 .fault_rate = 0.3};
	struct hf_sim_rep reps[3] = {clean_rep(25, 1.4, 2.5, 1.6), clean_rep(30, 0.3, 2.5, 1.2),
				     clean_rep(20, 1.2, 3.0, 0.35)};

	assert_int_equal(hf_sim_stand(sim, 2.0), HF_OK);
	assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0), HF_OK);
	if (tremor)
		assert_int_equal(hf_sim_add_set(sim, &set), HF_OK);
	else
		assert_int_equal(hf_sim_add_set_reps(sim, &set, reps, 3), HF_OK);
	assert_int_equal(hf_sim_rest(sim, 3.0), HF_OK);
}

/* Integrate the ideal gyro (rotation vector of the mean rate per step). */
static void test_gyro_integrates_to_truth(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 3; seed++) {
		struct hf_sim_sensor s = ideal_sensor(seed == 1 ? 100 : 200, 0);
		struct hf_sim *sim = hf_sim_new(&s, seed);
		const struct hf_sim_output *o;
		struct hf_quat q, m = s.pelvis_to_sensor;
		size_t i0, i1;
		double worst = 0.0;

		build_hip_set(sim, 1);
		assert_int_equal(hf_sim_render(sim, &o), HF_OK);
		assert_int_equal(o->n_sets, 1);
		i0 = index_at(o, o->sets[0].start_s - 1.0);
		i1 = index_at(o, o->sets[0].end_s + 1.0);
		q = hf_quat_mul(o->q_pelvis_to_world[i0], hf_quat_conj(m));
		for (size_t i = i0; i < i1; i++) {
			double rv[3];
			struct hf_quat truth;
			for (int k = 0; k < 3; k++)
				rv[k] = 0.5 * (o->samples[i].gyro_dps[k] + o->samples[i + 1].gyro_dps[k]) *
					HF_DEG2RAD / s.rate_hz;
			q = hf_quat_normalize(hf_quat_mul(q, hf_quat_from_rotvec(rv)));
			truth = hf_quat_mul(o->q_pelvis_to_world[i + 1], hf_quat_conj(m));
			worst = fmax(worst, hf_quat_angle_rad(hf_quat_mul(hf_quat_conj(q), truth)) *
						    HF_RAD2DEG);
		}
		printf("seed %u, %.0f Hz, %zu s: worst integrated-gyro error %.4f deg\n", seed,
		       s.rate_hz, (i1 - i0) / (size_t)s.rate_hz, worst);
		assert_true(worst < 0.2);
		hf_sim_free(sim);
	}
}

static void test_acc_is_gravity_in_still_hold_only(void **state)
{
	struct hf_sim_sensor s = ideal_sensor(200, 0);
	struct hf_sim *sim = hf_sim_new(&s, 5);
	const struct hf_sim_output *o;
	double rise_dev = 0.0, hold_dev = 0.0, up[3];
	const struct hf_rep *r;
	struct hf_angles a;

	(void)state;
	build_hip_set(sim, 0);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	assert_int_equal(o->n_sets, 1);
	r = &o->sets[0].reps[0]; /* 25 deg, rise 1.4 s, hold 2.5 s */
	/* the plateau: well inside the measured hold (90 % to 90 %) */
	for (size_t i = index_at(o, r->start_s + r->rise_s + 0.5);
	     i < index_at(o, r->end_s - r->lower_s - 0.5); i++) {
		up_in_sensor(o, i, up);
		hold_dev = fmax(hold_dev, vec_dist(o->samples[i].acc_g, up));
	}
	for (size_t i = index_at(o, r->start_s); i < index_at(o, r->start_s + r->rise_s); i++) {
		up_in_sensor(o, i, up);
		rise_dev = fmax(rise_dev, vec_dist(o->samples[i].acc_g, up));
	}
	hf_angles_from_quat(hf_quat_mul(hf_quat_conj(o->q_pelvis_to_world[index_at(o, r->start_s - 1)]),
					o->q_pelvis_to_world[index_at(o, r->start_s + r->rise_s + 1.0)]), &a);
	printf("hold: |acc - g| <= %.2g g; rise: up to %.3f g; tilt in hold %.2f deg\n",
	       hold_dev, rise_dev, a.tilt_deg);
	assert_true(hold_dev < 2e-4);
	assert_true(rise_dev > 0.02); /* the pelvis swings about the shoulders */
	assert_float_equal(a.tilt_deg, -25.0, 0.3);
	hf_sim_free(sim);
}

/* ---- truth ---- */

static void test_truth_hand_specified_set(void **state)
{
	const double rise = 1.5, hold = 2.5, lower = 1.5, u10 = u10_analytic();
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT};
	struct hf_sim_rep reps[5];
	struct hf_sim_sensor s = ideal_sensor(100, 0);
	struct hf_sim *sim = hf_sim_new(&s, 8);
	const struct hf_sim_output *o;

	(void)state;
	for (int i = 0; i < 5; i++)
		reps[i] = clean_rep(25.0, rise, hold, lower);
	assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0), HF_OK);
	assert_int_equal(hf_sim_add_set_reps(sim, &set, reps, 5), HF_OK);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	assert_int_equal(o->n_sets, 1);
	assert_int_equal(o->sets[0].exercise, HF_EX_HIP_LIFT);
	assert_int_equal(o->sets[0].rep_count, 5);
	printf("u10 = %.5f: expected hold %.3f s, rise %.3f s\n", u10,
	       hold + u10 * (rise + lower), (1 - 2 * u10) * rise);
	for (int i = 0; i < 5; i++) {
		const struct hf_rep *r = &o->sets[0].reps[i];
		/* 90 % of a minimum-jerk ramp is reached at 1 - u10 of it */
		assert_float_equal(r->hold_s, hold + u10 * (rise + lower), 0.02);
		assert_float_equal(r->rise_s, (1 - 2 * u10) * rise, 0.02);
		assert_float_equal(r->lower_s, (1 - 2 * u10) * lower, 0.02);
		assert_float_equal(r->excursion_deg, 25.0, 0.3);
		assert_float_equal(r->tilt_deg, -r->excursion_deg, 1e-9);
		/* from 10 % up to 10 % down */
		assert_float_equal(r->end_s - r->start_s, (1 - u10) * (rise + lower) + hold, 0.03);
		assert_true(r->max_abs_rotation_deg < 0.5);
		assert_int_equal(r->faults, 0);
		if (i > 0)
			assert_true(r->start_s > o->sets[0].reps[i - 1].end_s);
	}
	assert_float_equal(o->sets[0].start_s, o->sets[0].reps[0].start_s, 1e-12);
	assert_float_equal(o->sets[0].end_s, o->sets[0].reps[4].end_s, 1e-12);
	hf_sim_free(sim);
}

static void test_truth_counting_rules(void **state)
{
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT};
	struct hf_sim_rep reps[7] = {
		clean_rep(25, 1.4, 2.5, 1.4),
		clean_rep(12, 1.4, 2.5, 1.4),    /* shallow, still a rep */
		clean_rep(0.6, 0.8, 0.5, 0.8),   /* under 1 deg: fidget */
		clean_rep(25, 1.4, 1.0, 1.4),    /* short hold */
		clean_rep(3, 0.6, 0.3, 0.6),     /* 12 % of the median: fidget */
		clean_rep(20, 0.15, 0.05, 0.15), /* 0.3 s: fidget */
		clean_rep(24, 0.3, 2.5, 1.4),    /* rushed */
	};
	static const double expect[4] = {25, 12, 25, 24};
	static const uint32_t faults[4] = {0, HF_FAULT_BIT(HF_FAULT_SHALLOW),
					   HF_FAULT_BIT(HF_FAULT_SHORT_HOLD),
					   HF_FAULT_BIT(HF_FAULT_RUSHED)};
	struct hf_sim_sensor s = ideal_sensor(100, 0);
	struct hf_sim *sim = hf_sim_new(&s, 9);
	const struct hf_sim_output *o;

	(void)state;
	/* the fidgets between the short hold and the rushed rep rest briefly:
	 * 8 s from one rep to the next would end the set (next test) */
	reps[4].rest_after_s = reps[5].rest_after_s = 0.5;
	assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0), HF_OK);
	assert_int_equal(hf_sim_add_set_reps(sim, &set, reps, 7), HF_OK);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	assert_int_equal(o->n_sets, 1);
	assert_int_equal(o->sets[0].rep_count, 4);
	for (int i = 0; i < 4; i++) {
		assert_float_equal(o->sets[0].reps[i].excursion_deg, expect[i], 0.3);
		assert_int_equal(o->sets[0].reps[i].faults, faults[i]);
	}
	/* every movement is clear of the rule by 0.3 deg or 0.3 s or more */
	assert_false(o->sets[0].near_rep_rule);
	hf_sim_free(sim);
}

/*
 * A set whose count an error of 0.2 deg or 0.1 s could change is flagged
 * for the benches: a movement just over the 1.0 deg floor, one just under
 * it, a rep that lasts 0.65 s.  The count itself follows the rule.
 */
static void test_truth_flags_coin_tosses(void **state)
{
	static const struct {
		double peak_deg, rise_s, hold_s;
		int reps;
	} odd[] = {
		{1.1, 0.8, 0.5, 4},   /* just counts */
		{0.9, 0.8, 0.5, 3},   /* just does not */
		{20, 0.3, 0.2, 4},    /* 0.64 s from start to end */
	};

	(void)state;
	for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
		struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT};
		struct hf_sim_rep reps[4] = {
			clean_rep(4, 1.0, 2.0, 1.0),
			clean_rep(odd[k].peak_deg, odd[k].rise_s, odd[k].hold_s, odd[k].rise_s),
			clean_rep(4, 1.0, 2.0, 1.0),
			clean_rep(4, 1.0, 2.0, 1.0),
		};
		struct hf_sim_sensor s = ideal_sensor(100, 0);
		struct hf_sim *sim = hf_sim_new(&s, 10);
		const struct hf_sim_output *o;

		assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0), HF_OK);
		assert_int_equal(hf_sim_add_set_reps(sim, &set, reps, 4), HF_OK);
		assert_int_equal(hf_sim_render(sim, &o), HF_OK);
		assert_int_equal(o->n_sets, 1);
		assert_int_equal(o->sets[0].rep_count, odd[k].reps);
		assert_true(o->sets[0].near_rep_rule);
		hf_sim_free(sim);
	}
}

/*
 * A clam shell of 9.9 deg is just under pelvis_rollback: with it, the
 * clean reps' median is 5.5 deg and a 1.15 deg movement is a fidget; read
 * as 10.1 deg it leaves the movement its own median, and a rep.  That set
 * is flagged; without the small movement, nothing hangs on the 9.9 deg
 * rep and it is not.
 */
static void test_truth_flags_rollback_that_decides(void **state)
{
	(void)state;
	for (int with_small = 0; with_small < 2; with_small++) {
		struct hf_sim_set set = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_LEFT};
		struct hf_sim_rep reps[4] = {
			clean_rep(9.9, 1.0, 2.0, 1.0),
			clean_rep(13, 1.0, 2.0, 1.0),
			clean_rep(13, 1.0, 2.0, 1.0),
			clean_rep(1.15, 0.8, 0.5, 0.8),
		};
		struct hf_sim_sensor s = ideal_sensor(100, 0);
		struct hf_sim *sim = hf_sim_new(&s, 11);
		const struct hf_sim_output *o;
		int n = with_small ? 4 : 3;

		assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0), HF_OK);
		assert_int_equal(hf_sim_add_set_reps(sim, &set, reps, n), HF_OK);
		assert_int_equal(hf_sim_render(sim, &o), HF_OK);
		assert_int_equal(o->n_sets, 1);
		assert_int_equal(o->sets[0].rep_count, 3);
		assert_true(o->sets[0].near_rep_rule == (with_small != 0));
		hf_sim_free(sim);
	}
}

/* Section 4: 8 s or more from one rep's end to the next rep's start ends
 * a set, even inside one programmed set and with a fidget in the gap. */
static void test_truth_gap_ends_set(void **state)
{
	static const double rests_s[] = {5.0, 9.0};
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT};
	struct hf_sim_sensor s = ideal_sensor(100, 0);

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct hf_sim_rep reps[5] = {
			clean_rep(25, 1.4, 2.5, 1.4), clean_rep(26, 1.4, 2.5, 1.4),
			clean_rep(0.6, 0.8, 0.5, 0.8), /* a fidget in the gap */
			clean_rep(24, 1.4, 2.5, 1.4), clean_rep(25, 1.4, 2.5, 1.4),
		};
		struct hf_sim *sim = hf_sim_new(&s, 11);
		const struct hf_sim_output *o;
		double gap_s;

		reps[1].rest_after_s = rests_s[k] / 2.0;
		reps[2].rest_after_s = rests_s[k] / 2.0;
		assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0), HF_OK);
		assert_int_equal(hf_sim_add_set_reps(sim, &set, reps, 5), HF_OK);
		assert_int_equal(hf_sim_render(sim, &o), HF_OK);
		if (k == 0) {
			assert_int_equal(o->n_sets, 1);
			assert_int_equal(o->sets[0].rep_count, 4);
			gap_s = o->sets[0].reps[2].start_s - o->sets[0].reps[1].end_s;
			assert_true(gap_s < 8.0);
		} else {
			assert_int_equal(o->n_sets, 2);
			assert_int_equal(o->sets[0].rep_count, 2);
			assert_int_equal(o->sets[1].rep_count, 2);
			gap_s = o->sets[1].reps[0].start_s - o->sets[0].reps[1].end_s;
			assert_true(gap_s >= 8.0);
			/* the second set has its own baseline: its reps read as
			 * the first set's do */
			assert_float_equal(o->sets[1].reps[0].excursion_deg, 24.0, 0.3);
		}
		hf_sim_free(sim);
	}
}

/*
 * A small movement less than 8 s after a set's last rep belongs to that
 * set, where it is a fidget (under 25 % of its median); so the gap that
 * ends the set runs to the next rep after it, and the movement does not
 * open the next set even though it is a quarter of that set's median.
 */
static void test_truth_fidget_before_gap_stays_fidget(void **state)
{
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT};
	struct hf_sim_rep reps[4] = {
		clean_rep(30, 1.4, 2.5, 1.4), clean_rep(30, 1.4, 2.5, 1.4),
		clean_rep(4, 0.6, 0.3, 0.6), /* 13 % of 30, 42 % of 9.5 */
		clean_rep(15, 1.4, 2.5, 1.4),
	};
	struct hf_sim_sensor s = ideal_sensor(100, 0);
	struct hf_sim *sim = hf_sim_new(&s, 12);
	const struct hf_sim_output *o;

	(void)state;
	reps[1].rest_after_s = 4.0;
	reps[2].rest_after_s = 3.5;
	assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0), HF_OK);
	assert_int_equal(hf_sim_add_set_reps(sim, &set, reps, 4), HF_OK);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	assert_int_equal(o->n_sets, 2);
	assert_int_equal(o->sets[0].rep_count, 2);
	assert_int_equal(o->sets[1].rep_count, 1);
	assert_float_equal(o->sets[1].reps[0].excursion_deg, 15.0, 0.3);
	assert_true(o->sets[1].reps[0].start_s - o->sets[0].reps[1].end_s >= 8.0);
	hf_sim_free(sim);
}

/* The movements of program set k that are fidgets (white box). */
static int fidget_windows(const struct hf_sim *sim, double w[][2], int max)
{
	int n = 0;

	for (int i = 0; i < sim->n_segs && n < max; i++)
		if (sim->segs[i].move == HF_MOVE_FIDGET) {
			w[n][0] = sim->segs[i].t0_s + sim->sensor.t0_s;
			w[n][1] = sim->segs[i].t1_s + sim->sensor.t0_s;
			n++;
		}
	return n;
}

/* e(t) of a clam shell (left) from the true orientation vs a reference. */
static double e_at(const struct hf_sim_output *o, size_t i, struct hf_quat ref)
{
	struct hf_angles a;

	hf_angles_from_quat(hf_quat_mul(hf_quat_conj(ref), o->q_pelvis_to_world[i]), &a);
	return a.rotation_deg;
}

static void test_fidgets_are_not_reps(void **state)
{
	int seen = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 8; seed++) {
		struct hf_sim_set set = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_LEFT,
					 .reps = 8, .variation = 0.2, .fidgets = 3};
		struct hf_sim_sensor s = ideal_sensor(200, 0);
		struct hf_sim *sim = hf_sim_new(&s, seed);
		const struct hf_sim_output *o;
		double w[8][2], median;
		struct hf_quat ref;
		int nf;

		assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0), HF_OK);
		assert_int_equal(hf_sim_add_set(sim, &set), HF_OK);
		assert_int_equal(hf_sim_render(sim, &o), HF_OK);
		assert_int_equal(o->n_sets, 1);
		assert_int_equal(o->sets[0].rep_count, 8);
		nf = fidget_windows(sim, w, 8);
		assert_int_equal(nf, 3);
		ref = o->q_pelvis_to_world[index_at(o, o->sets[0].start_s - 1.0)];
		median = o->sets[0].reps[3].excursion_deg; /* about: no faults here */
		for (int f = 0; f < nf; f++) {
			size_t a = index_at(o, w[f][0]), b = index_at(o, w[f][1]), p = a;
			double peak, t_in = 0.0;
			for (size_t i = a; i <= b; i++)
				if (e_at(o, i, ref) > e_at(o, p, ref))
					p = i;
			peak = e_at(o, p, ref);
			for (size_t i = a; i <= b; i++)
				if (e_at(o, i, ref) > 0.1 * peak)
					t_in += 1.0 / s.rate_hz;
			printf("seed %u fidget %d: peak %.2f deg (median rep %.1f), %.2f s above 10 %%\n",
			       seed, f, peak, median, t_in);
			assert_true(peak > 0.2); /* it is there */
			assert_true(peak < 1.0 || peak < 0.2 * median || t_in < 0.5);
			for (int k = 0; k < o->sets[0].rep_count; k++) {
				const struct hf_rep *r = &o->sets[0].reps[k];
				assert_false(r->peak_s >= w[f][0] && r->peak_s <= w[f][1]);
			}
			seen++;
		}
		hf_sim_free(sim);
	}
	assert_int_equal(seen, 24);
}

/* ---- datasheet parts, belt mountings, people ---- */

/* Every part has its datasheet's figures; a specimen stays inside them;
 * white noise grows with sqrt(rate); an MPU-6050 at rest reads |acc|
 * well off 1 g in some specimens (its +-3 % and +-80 mg) and never
 * outside what the tolerances allow. */
static void test_part_profiles(void **state)
{
	int below = 0, above = 0;

	(void)state;
	assert_null(hf_sim_part_profile(HF_SIM_PART_COUNT));
	assert_int_equal(hf_sim_part_lookup("mpu-9250"), HF_SIM_PART_MPU9250);
	assert_int_equal(hf_sim_part_lookup("MPU-1"), -1);
	for (int p = 0; p < HF_SIM_PART_COUNT; p++) {
		const struct hf_sim_part_profile *pr = hf_sim_part_profile((enum hf_sim_part)p);
		struct hf_sim_sensor a, b;
		assert_non_null(pr->name);
		assert_true(pr->acc_noise_ug_rthz >= 50 && pr->acc_noise_ug_rthz <= 500);
		assert_true(pr->gyro_noise_dps_rthz >= 0.002 && pr->gyro_noise_dps_rthz <= 0.02);
		assert_true(pr->gyro_offset_dps > 0 && pr->acc_offset_mg[2] > 0);
		hf_sim_sensor_from_part(&a, (enum hf_sim_part)p, 50, 9);
		hf_sim_sensor_from_part(&b, (enum hf_sim_part)p, 200, 9);
		assert_float_equal(b.acc_noise_g / a.acc_noise_g, 2.0, 1e-9);
		assert_float_equal(b.gyro_noise_dps / a.gyro_noise_dps, 2.0, 1e-9);
		assert_float_equal(a.acc_noise_g, pr->acc_noise_ug_rthz * 1e-6 * 5.0, 1e-12);
		assert_int_equal(a.part, p + 1);
		for (int k = 0; k < 3; k++) {
			assert_true(fabs(a.gyro_bias_dps[k]) <= pr->gyro_offset_dps);
			assert_true(fabs(a.acc_bias_g[k]) <= pr->acc_offset_mg[k] * 1e-3);
			assert_true(fabs(a.gyro_temp_coef_dps_per_c[k]) <=
				    pr->gyro_offset_temp_dps_per_c);
		}
		assert_true(a.warmup_c >= 0.0 && a.warmup_c <= 8.0 && a.warmup_tau_s >= 200.0);
	}
	for (unsigned seed = 1; seed <= 60; seed++) {
		struct hf_sim_sensor s;
		struct hf_sim *sim;
		const struct hf_sim_output *o;
		double m = 0.0;
		hf_sim_sensor_from_part(&s, HF_SIM_PART_MPU6050, 50, seed);
		s.acc_noise_g = s.gyro_noise_dps = 0.0;
		sim = hf_sim_new(&s, seed);
		assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 2.0), HF_OK);
		assert_int_equal(hf_sim_rest(sim, 4.0), HF_OK);
		assert_int_equal(hf_sim_render(sim, &o), HF_OK);
		for (size_t i = o->n - 50; i < o->n; i++)
			m += hf_vec_norm(o->samples[i].acc_g) / 50.0;
		assert_true(m > 0.87 && m < 1.13);
		below += m < 0.96;
		above += m > 1.04;
		hf_sim_free(sim);
	}
	assert_true(below > 0 && above > 0);
}

/* A warming sensor's zero-rate level moves by its coefficient times the
 * temperature rise: the same session rendered with and without the
 * coefficients differs by exactly that. */
static void test_part_warms_up(void **state)
{
	struct hf_sim_sensor s, cold;
	struct hf_sim *sim, *sim0;
	const struct hf_sim_output *o, *o0;
	double rise;
	size_t n;

	(void)state;
	hf_sim_sensor_from_part(&s, HF_SIM_PART_MPU6050, 20, 5);
	s.acc_noise_g = s.gyro_noise_dps = s.gyro_bias_walk_dps = 0.0;
	s.gyro_lsb_dps = s.acc_lsb_g = 0.0;
	s.warmup_c = 6.0;
	s.warmup_tau_s = 200.0;
	cold = s;
	memset(cold.gyro_temp_coef_dps_per_c, 0, sizeof cold.gyro_temp_coef_dps_per_c);
	memset(cold.acc_temp_coef_g_per_c, 0, sizeof cold.acc_temp_coef_g_per_c);
	sim = hf_sim_new(&s, 5);
	sim0 = hf_sim_new(&cold, 5);
	assert_int_equal(hf_sim_stand(sim, 600.0), HF_OK);
	assert_int_equal(hf_sim_stand(sim0, 600.0), HF_OK);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	assert_int_equal(hf_sim_render(sim0, &o0), HF_OK);
	n = o->n - 1;
	rise = 6.0 * (1.0 - exp(-o->samples[n].t_s / 200.0));
	for (int k = 0; k < 3; k++) {
		assert_float_equal(o->samples[0].gyro_dps[k], o0->samples[0].gyro_dps[k], 1e-9);
		assert_float_equal(o->samples[n].gyro_dps[k] - o0->samples[n].gyro_dps[k],
				   s.gyro_temp_coef_dps_per_c[k] * rise, 1e-6);
		assert_float_equal(o->samples[n].acc_g[k] - o0->samples[n].acc_g[k],
				   s.acc_temp_coef_g_per_c[k] * rise, 1e-6);
	}
	assert_true(fabs(s.gyro_temp_coef_dps_per_c[0] * rise) > 0.01);
	hf_sim_free(sim);
	hf_sim_free(sim0);
}

/* On a belt: the sensor's face is within ~17 deg of horizontal (its z
 * along the belt's normal), the lever arm is the waist's half-width, and
 * over seeds the sensor sits upright, upside down and sideways, front and
 * back, face out and in. */
static void test_belt_mounting(void **state)
{
	const double up[3] = {0, 0, 1};
	int x_up = 0, x_down = 0, x_side = 0, back = 0, front = 0, face_in = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 200; seed++) {
		struct hf_sim_sensor s;
		double zs[3] = {0, 0, 1}, xs[3] = {1, 0, 0}, z[3], x[3], horiz;
		hf_sim_sensor_belt_mounting(&s, seed);
		hf_quat_rotate_inv(s.pelvis_to_sensor, zs, z); /* sensor z in pelvis */
		hf_quat_rotate_inv(s.pelvis_to_sensor, xs, x);
		assert_true(fabs(hf_vec_dot(z, up)) < sin(18.0 * HF_DEG2RAD));
		horiz = hypot(s.lever_arm_m[0], s.lever_arm_m[1]);
		assert_true(horiz >= 0.12 && horiz <= 0.18);
		x_up += x[2] > 0.9;
		x_down += x[2] < -0.9;
		x_side += fabs(x[2]) < 0.3;
		back += s.lever_arm_m[0] < -0.1;
		front += s.lever_arm_m[0] > 0.1;
		face_in += hf_vec_dot(z, s.lever_arm_m) < 0.0;
	}
	assert_true(x_up > 20 && x_down > 20 && x_side > 40);
	assert_true(back > 20 && front > 20 && face_in > 50 && face_in < 150);
}

/* A shift turns the resting pelvis by its angle about a horizontal axis
 * and it stays there. */
static void test_shift_settles(void **state)
{
	struct hf_sim_sensor s = ideal_sensor(100, 1);
	struct hf_sim *sim = hf_sim_new(&s, 3);
	const struct hf_sim_output *o;
	struct hf_quat a, b, d;
	double rv[3];

	(void)state;
	assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 2.0), HF_OK);
	assert_int_equal(hf_sim_rest(sim, 3.0), HF_OK);
	assert_int_equal(hf_sim_shift(sim, 1.3, 2.0), HF_OK);
	assert_int_equal(hf_sim_rest(sim, 3.0), HF_OK);
	assert_int_equal(hf_sim_shift(sim, 40.0, 2.0), HF_ERR_ARG);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	assert_int_equal(o->posture[index_at(o, 6.0)], HF_POSTURE_SIDE_RIGHT);
	a = o->q_pelvis_to_world[index_at(o, 4.9)];
	b = o->q_pelvis_to_world[index_at(o, 8.5)];
	d = hf_quat_mul(b, hf_quat_conj(a)); /* world frame turn */
	hf_quat_to_rotvec(d, rv);
	/* the rests' own breathing is <= 0.2 deg */
	assert_float_equal(hf_vec_norm(rv) * HF_RAD2DEG, 1.3, 0.25);
	assert_true(fabs(rv[2]) < 0.2 * hf_vec_norm(rv));
	hf_sim_free(sim);
}

/* Breathing while lying: the pelvis rocks by the amplitude at the rate,
 * through rests and reps; none standing; the truth still counts reps. */
static void test_breathing_while_lying(void **state)
{
	struct hf_sim_sensor s = ideal_sensor(100, 1);
	struct hf_sim *sim = hf_sim_new(&s, 8);
	const struct hf_sim_output *o;
	struct hf_sim_set set = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_LEFT};
	struct hf_sim_rep reps[4];
	double max_dev = 0.0, max_stand = 0.0;
	int crossings = 0;
	double prev = 0.0;
	struct hf_quat ref;

	(void)state;
	for (int i = 0; i < 4; i++)
		reps[i] = clean_rep(4.0, 1.5, 2.5, 1.5);
	assert_int_equal(hf_sim_breathing(sim, 0.3, 15.0), HF_OK);
	assert_int_equal(hf_sim_breathing(sim, -1.0, 15.0), HF_ERR_ARG);
	assert_int_equal(hf_sim_stand(sim, 5.0), HF_OK);
	assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 2.0), HF_OK);
	assert_int_equal(hf_sim_rest(sim, 40.0), HF_OK);
	assert_int_equal(hf_sim_add_set_reps(sim, &set, reps, 4), HF_OK);
	assert_int_equal(hf_sim_rest(sim, 3.0), HF_OK);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	/* standing: only the faint old breathing (<= 0.2 deg) */
	ref = o->q_pelvis_to_world[index_at(o, 2.5)];
	for (size_t i = index_at(o, 0.5); i < index_at(o, 4.5); i++)
		max_stand = fmax(max_stand, hf_quat_angle_rad(hf_quat_mul(
			hf_quat_conj(ref), o->q_pelvis_to_world[i])) * HF_RAD2DEG);
	assert_true(max_stand < 0.45);
	/* lying, 10-45 s: 0.3 deg about the mean, 15 breaths a minute */
	ref = o->q_pelvis_to_world[index_at(o, 10.0)];
	{
		struct hf_quat_mean m;
		hf_quat_mean_reset(&m);
		for (size_t i = index_at(o, 10.0); i < index_at(o, 46.0); i++)
			hf_quat_mean_add(&m, o->q_pelvis_to_world[i], 1.0);
		ref = hf_quat_mean_get(&m);
	}
	for (size_t i = index_at(o, 10.0); i < index_at(o, 46.0); i++) {
		double rv[3], x;
		hf_quat_to_rotvec(hf_quat_mul(hf_quat_conj(ref), o->q_pelvis_to_world[i]), rv);
		x = hf_vec_norm(rv) * HF_RAD2DEG;
		max_dev = fmax(max_dev, x);
		x = rv[0] + rv[1] + rv[2];
		crossings += i > index_at(o, 10.0) && (x > 0) != (prev > 0);
		prev = x;
	}
	assert_float_equal(max_dev, 0.3, 0.06);
	assert_in_range(crossings, 16, 20); /* 36 s at 0.25 Hz: 18 */
	assert_int_equal(o->n_sets, 1);
	assert_int_equal(o->sets[0].rep_count, 4);
	for (int i = 0; i < 4; i++)
		assert_float_equal(o->sets[0].reps[i].excursion_deg, 4.0, 0.45);
	hf_sim_free(sim);
}

/* A hold's breathing and tremor fade in and out with it: on a noise-free
 * sensor (lever arm included), a hold session reads at most 4 g and 130
 * deg/s (a quick hip drop; tremor turns the pelvis about the feet).  They
 * once switched on within a sample: 280 to 9,000 g. */
/*
 * The hold faults the truth calls a coin toss (near_faults): pike judged
 * with the level 0.5 deg easier and harder.  Near needs the easier level
 * reached (largest elevation change 4.5 deg or more); a pike that is not
 * near held at the harder level (5.5 deg or more).  Both kinds occur over
 * these seeds, so neither check is empty.
 */
static void test_hold_truth_flags_coin_tosses(void **state)
{
	const uint32_t pike = HF_FAULT_BIT(HF_FAULT_PIKE);
	struct hf_sim_sensor s = ideal_sensor(100, 0);
	int near = 0, clear_pikes = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 40; seed++) {
		struct hf_sim_hold_session h;

		assert_int_equal(hf_sim_hold_session(&s, HF_EX_PLANK_FRONT, HF_SIDE_NONE, seed, &h),
				 HF_OK);
		for (int k = 0; k < h.n_holds; k++) {
			const struct hf_sim_hold_truth *t = &h.holds[k];
			if (t->near_faults == ~0u)
				continue; /* the bounds themselves: every fault */
			if (t->near_faults & pike) {
				near++;
				assert_true(t->sum.max_elevation_change_deg >= 4.5 - 1e-9);
			} else if (t->sum.faults & pike) {
				clear_pikes++;
				assert_true(t->sum.max_elevation_change_deg >= 5.5 - 1e-9);
			}
		}
		hf_sim_hold_session_free(&h);
	}
	printf("pikes near their rule %d, clear of it %d\n", near, clear_pikes);
	assert_true(near > 0);
	assert_true(clear_pikes > 0);
}

static void test_hold_sessions_are_smooth(void **state)
{
	static const enum hf_exercise holds[] = {HF_EX_PLANK_FRONT, HF_EX_PLANK_SIDE,
						 HF_EX_PLANK_BACK, HF_EX_HIP_FLEXOR_STRETCH};
	struct hf_sim_sensor s = ideal_sensor(100, 0);

	(void)state;
	for (size_t e = 0; e < sizeof holds / sizeof holds[0]; e++)
		for (unsigned seed = 1; seed <= 12; seed++) {
			struct hf_sim_hold_session h;
			double max_acc_g = 0.0, max_gyro_dps = 0.0;

			assert_int_equal(hf_sim_hold_session(&s, holds[e], HF_SIDE_NONE,
							     seed, &h), HF_OK);
			for (size_t i = 0; i < h.n; i++) {
				max_acc_g = fmax(max_acc_g, hf_vec_norm(h.samples[i].acc_g));
				max_gyro_dps = fmax(max_gyro_dps,
						    hf_vec_norm(h.samples[i].gyro_dps));
			}
			hf_sim_hold_session_free(&h);
			if (max_acc_g >= 6.0 || max_gyro_dps >= 400.0)
				fail_msg("%s seed %u: %.1f g, %.0f deg/s",
					 hf_exercise_info(holds[e])->name, seed, max_acc_g,
					 max_gyro_dps);
		}
}

/* Issue 8's scenarios: each builds with and without the procedure, and
 * its truth is what its name says. */
static void test_issue8_scenarios(void **state)
{
	(void)state;
	assert_int_equal(hf_sim_scenario_lookup("yoga"), -1);
	for (int sc = 0; sc < HF_SIM_SC_COUNT; sc++)
		for (int cal = 0; cal <= 1; cal++) {
			struct hf_sim_sensor s;
			struct hf_sim *sim;
			const struct hf_sim_output *o;
			const struct hf_sim_truth_set *t;
			enum hf_exercise ex;
			enum hf_side side;
			int total = 0;

			assert_int_equal(hf_sim_scenario_lookup(hf_sim_scenario_name(sc)), sc);
			hf_sim_scenario_sensor((enum hf_sim_scenario)sc, 100, 4, &s);
			sim = hf_sim_new(&s, 4);
			assert_int_equal(hf_sim_scenario_build(sim, (enum hf_sim_scenario)sc, cal),
					 HF_OK);
			assert_int_equal(hf_sim_render(sim, &o), HF_OK);
			hf_sim_scenario_exercise((enum hf_sim_scenario)sc, &ex, &side);
			for (int k = 0; k < o->n_sets; k++) {
				assert_int_equal(o->sets[k].exercise, ex);
				assert_int_equal(o->sets[k].side, side);
				total += o->sets[k].rep_count;
			}
			t = &o->sets[0];
			switch (sc) {
			case HF_SIM_SC_CHEAP_ACCEL:
				assert_int_equal(total, 8);
				/* 0.94 g standing, noise aside */
				{
					double m = 0.0;
					for (size_t i = 10; i < 110; i++)
						m += hf_vec_norm(o->samples[i].acc_g) / 100.0;
					assert_float_equal(m, 0.94, 0.003);
				}
				break;
			case HF_SIM_SC_SETTLING_REST:
				assert_int_equal(o->n_sets, 2);
				assert_int_equal(o->sets[0].rep_count, 6);
				assert_int_equal(o->sets[1].rep_count, 6);
				break;
			case HF_SIM_SC_SLOW_TINY_CLAMS:
				assert_int_equal(total, 8);
				for (int i = 0; i < 8; i++) {
					assert_true(t->reps[i].excursion_deg > 1.5 &&
						    t->reps[i].excursion_deg < 1.85);
					assert_float_equal(t->reps[i].rise_s, 1.5, 0.1);
				}
				break;
			case HF_SIM_SC_BREATHING_CLAMS:
				assert_int_equal(total, 14);
				assert_float_equal(hf_vec_norm(sim->breath_deg), 0.3, 1e-9);
				break;
			case HF_SIM_SC_WEAK_SIDE_BRIDGES:
				assert_int_equal(total, 10);
				for (int i = 0; i < 10; i++) /* the same hip every time */
					assert_true(t->reps[i].rotation_deg > 5.5 &&
						    t->reps[i].max_abs_rotation_deg < 8.5);
				break;
			default:
				assert_int_equal(total, 9);
				assert_float_equal(t->reps[0].excursion_deg, 8.0, 0.5);
				assert_true(fabs(t->reps[0].obliquity_deg) > 2.5);
				for (int i = 1; i < 9; i++)
					assert_true(t->reps[i].excursion_deg > 20.0);
			}
			hf_sim_free(sim);
		}
}

/* ---- sensor ---- */

static void test_presets(void **state)
{
	double sum_w = 0.0;

	(void)state;
	for (unsigned seed = 1; seed <= 200; seed++) {
		struct hf_sim_sensor m, g, i;
		hf_sim_sensor_preset(&m, HF_SIM_GRADE_MEMS, 100, seed);
		hf_sim_sensor_preset(&g, HF_SIM_GRADE_GOOD, 100, seed);
		hf_sim_sensor_preset(&i, HF_SIM_GRADE_IDEAL, 100, seed);
		for (int k = 0; k < 3; k++) {
			assert_in_range((long)(fabs(m.gyro_bias_dps[k]) * 1000), 2000, 5000);
			assert_true(fabs(m.acc_bias_g[k]) <= 0.02);
			assert_true(fabs(m.gyro_scale_err[k]) <= 0.01 && fabs(m.acc_scale_err[k]) <= 0.01);
			assert_true(fabs(g.gyro_bias_dps[k]) <= 0.3);
			assert_true(i.gyro_bias_dps[k] == 0.0 && i.acc_bias_g[k] == 0.0);
		}
		assert_true(m.gyro_noise_dps >= 0.05 && m.gyro_noise_dps <= 0.1);
		assert_true(m.acc_noise_g >= 0.002 && m.acc_noise_g <= 0.004);
		assert_float_equal(m.gyro_lsb_dps, 2000.0 / 32768.0, 1e-12);
		assert_float_equal(m.acc_lsb_g, 16.0 / 32768.0, 1e-12);
		assert_true(i.gyro_noise_dps == 0.0 && i.acc_lsb_g == 0.0);
		assert_true(hf_vec_norm(m.lever_arm_m) <= 0.15);
		assert_float_equal(hf_quat_angle_rad(hf_quat_mul(hf_quat_conj(m.pelvis_to_sensor),
								 m.pelvis_to_sensor)), 0.0, 1e-9);
		sum_w += fabs(m.pelvis_to_sensor.w);
	}
	/* uniform rotations: w has density 2/pi sqrt(1 - w^2), so E|w| = 4 / (3 pi)
	 * = 0.42 (all-identity would give 1) */
	assert_float_equal(sum_w / 200.0, 4.0 / (3.0 * HF_PI), 0.06);
}

static void test_mems_bias_shows_in_still_gyro(void **state)
{
	struct hf_sim_sensor s;
	struct hf_sim *sim;
	const struct hf_sim_output *o;
	double mean[3] = {0, 0, 0};

	(void)state;
	hf_sim_sensor_preset(&s, HF_SIM_GRADE_MEMS, 100, 21);
	s.gyro_bias_walk_dps = 0.0;
	sim = hf_sim_new(&s, 21);
	assert_int_equal(hf_sim_stand(sim, 20.0), HF_OK);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	for (size_t i = 0; i < o->n; i++)
		for (int k = 0; k < 3; k++)
			mean[k] += o->samples[i].gyro_dps[k] / (double)o->n;
	for (int k = 0; k < 3; k++)
		assert_float_equal(mean[k], s.gyro_bias_dps[k], 0.05 + 0.01 * fabs(s.gyro_bias_dps[k]));
	hf_sim_free(sim);
}

static int render_random(unsigned seed, enum hf_sim_grade grade, struct hf_sim **sim,
			 const struct hf_sim_output **o)
{
	struct hf_sim_sensor s;

	hf_sim_sensor_preset(&s, grade, 100, seed);
	*sim = hf_sim_new(&s, seed);
	if (!*sim || hf_sim_random_session(*sim, 1) != HF_OK)
		return -1;
	return hf_sim_render(*sim, o);
}

static void test_deterministic_per_seed(void **state)
{
	struct hf_sim *a, *b, *c;
	const struct hf_sim_output *oa, *ob, *oc;

	(void)state;
	assert_int_equal(render_random(42, HF_SIM_GRADE_MEMS, &a, &oa), 0);
	assert_int_equal(render_random(42, HF_SIM_GRADE_MEMS, &b, &ob), 0);
	assert_int_equal(render_random(43, HF_SIM_GRADE_MEMS, &c, &oc), 0);
	assert_int_equal(oa->n, ob->n);
	assert_memory_equal(oa->samples, ob->samples, oa->n * sizeof *oa->samples);
	assert_int_equal(oa->n_sets, ob->n_sets);
	assert_memory_equal(oa->sets, ob->sets, (size_t)oa->n_sets * sizeof oa->sets[0]);
	assert_true(oa->n != oc->n ||
		    memcmp(oa->samples, oc->samples, oa->n * sizeof *oa->samples) != 0);
	/* rendering again gives the same samples */
	assert_int_equal(hf_sim_render(a, &oa), 0);
	assert_memory_equal(oa->samples, ob->samples, oa->n * sizeof *oa->samples);
	hf_sim_free(a);
	hf_sim_free(b);
	hf_sim_free(c);
}

/* Sets of a random session: 1-4, 6-12 reps, >= 8 s apart, >= 2.5 s still
 * before each (the ideal gyro is quiet there), ~30 % of reps faulty. */
static void test_random_session_rules(void **state)
{
	int reps = 0, faulty = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 12; seed++) {
		struct hf_sim *sim;
		const struct hf_sim_output *o;

		assert_int_equal(render_random(seed, HF_SIM_GRADE_IDEAL, &sim, &o), 0);
		assert_in_range(o->n_sets, 1, 4);
		assert_int_equal(o->posture[0], HF_POSTURE_UPRIGHT);
		assert_int_equal(o->posture[o->n - 1], HF_POSTURE_UPRIGHT);
		for (int k = 0; k < o->n_sets; k++) {
			const struct hf_sim_truth_set *ts = &o->sets[k];
			const struct hf_exercise_info *e = hf_exercise_info(ts->exercise);
			size_t first_move = index_at(o, ts->start_s);
			enum hf_posture want = ts->side == HF_SIDE_RIGHT ? e->posture_right : e->posture_left;
			assert_in_range(ts->rep_count, 6, 12);
			if (k > 0)
				assert_true(ts->start_s - o->sets[k - 1].end_s >= 8.0);
			/* back from the 10 % start to where the movement begins */
			while (first_move > 0 && hf_vec_norm(o->samples[first_move].gyro_dps) > 1.0)
				first_move--;
			for (size_t i = index_at(o, o->samples[first_move].t_s - 2.5); i < first_move; i++) {
				assert_true(hf_vec_norm(o->samples[i].gyro_dps) < 2.0);
				assert_int_equal(o->posture[i], want);
			}
			for (int i = 0; i < ts->rep_count; i++) {
				reps++;
				faulty += ts->reps[i].faults != 0;
			}
		}
		hf_sim_free(sim);
	}
	printf("%d reps, %d with faults\n", reps, faulty);
	assert_true(faulty > reps / 6 && faulty < reps / 2);
}

static void test_calibration_hinges(void **state)
{
	struct hf_sim_sensor s = ideal_sensor(100, 0);
	struct hf_sim *sim = hf_sim_new(&s, 3);
	const struct hf_sim_output *o;
	int hinges = 0;
	bool down = false;
	double still_s = 0.0;

	(void)state;
	assert_int_equal(hf_sim_calibration_procedure(sim), HF_OK);
	assert_int_equal(hf_sim_render(sim, &o), HF_OK);
	assert_int_equal(o->n_sets, 0);
	for (size_t i = 0; i < o->n; i++) {
		struct hf_angles a;
		hf_angles_from_quat(hf_quat_mul(hf_quat_conj(o->q_pelvis_to_world[0]),
						o->q_pelvis_to_world[i]), &a);
		if (!down && a.tilt_deg > 20.0) {
			down = true;
			hinges++;
		} else if (down && a.tilt_deg < 2.0) {
			down = false;
		}
		assert_true(a.tilt_deg < 45.0);
		if (hinges == 0 && hf_vec_norm(o->samples[i].gyro_dps) < 1.0)
			still_s = (double)(i + 1) / s.rate_hz;
	}
	assert_int_equal(hinges, 3);
	assert_true(still_s >= 3.0);
	hf_sim_free(sim);
}

/* ---- writers ---- */

static void render_small(struct hf_sim **sim, const struct hf_sim_output **o)
{
	struct hf_sim_sensor s;
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT, .reps = 3};

	hf_sim_sensor_preset(&s, HF_SIM_GRADE_MEMS, 50, 4);
	s.t0_s = 100.0;
	*sim = hf_sim_new(&s, 4);
	assert_int_equal(hf_sim_change_posture(*sim, HF_POSTURE_SUPINE, 2.0), HF_OK);
	assert_int_equal(hf_sim_add_set(*sim, &set), HF_OK);
	assert_int_equal(hf_sim_render(*sim, o), HF_OK);
}

static void test_csv_writer(void **state)
{
	struct hf_sim *sim;
	const struct hf_sim_output *o;
	char *buf = NULL, *line, *save;
	size_t len = 0, rows = 0;
	FILE *f;

	(void)state;
	render_small(&sim, &o);
	f = open_memstream(&buf, &len);
	assert_int_equal(hf_sim_write_csv(o, f), HF_OK);
	fclose(f);
	line = strtok_r(buf, "\n", &save);
	assert_true(line[0] == '#');
	line = strtok_r(NULL, "\n", &save);
	assert_string_equal(line, "t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps");
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		double v[7];
		const struct hf_sample *s = &o->samples[rows];
		assert_int_equal(sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2],
					&v[3], &v[4], &v[5], &v[6]), 7);
		assert_float_equal(v[0], s->t_s, 1e-6);
		for (int k = 0; k < 3; k++) {
			assert_float_equal(v[1 + k], s->acc_g[k], 1e-6 * fabs(s->acc_g[k]) + 1e-12);
			assert_float_equal(v[4 + k], s->gyro_dps[k], 1e-6 * fabs(s->gyro_dps[k]) + 1e-12);
		}
		rows++;
	}
	assert_int_equal(rows, o->n);
	assert_float_equal(o->samples[0].t_s, 100.0, 1e-12);
	free(buf);
	hf_sim_free(sim);
}

static int16_t le16(const uint8_t *p)
{
	return (int16_t)(uint16_t)(p[0] | (p[1] << 8));
}

static void test_witmotion_writer(void **state)
{
	struct hf_sim *sim;
	const struct hf_sim_output *o;
	struct hf_sim_output sat;
	struct hf_sample big = {0.0, {20.0, -20.0, 0.5}, {2500.0, -1.0, 0.0}};
	struct hf_quat q = hf_quat_identity();
	enum hf_posture p = HF_POSTURE_UPRIGHT;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	render_small(&sim, &o);
	f = open_memstream(&buf, &len);
	assert_int_equal(hf_sim_write_witmotion(o, f), HF_OK);
	fclose(f);
	assert_int_equal(len, 33 * o->n);
	for (size_t i = 0; i < o->n; i += 37) {
		const uint8_t *pk = (const uint8_t *)buf + 33 * i;
		for (int k = 0; k < 3; k++) {
			unsigned sum = 0;
			assert_int_equal(pk[11 * k], 0x55);
			assert_int_equal(pk[11 * k + 1], 0x51 + k);
			for (int j = 0; j < 10; j++)
				sum += pk[11 * k + j];
			assert_int_equal(pk[11 * k + 10], sum & 0xff);
		}
		for (int k = 0; k < 3; k++) {
			assert_float_equal(le16(pk + 2 + 2 * k) / 32768.0 * 16.0, o->samples[i].acc_g[k],
					   0.51 * 16.0 / 32768.0);
			assert_float_equal(le16(pk + 13 + 2 * k) / 32768.0 * 2000.0,
					   o->samples[i].gyro_dps[k], 0.51 * 2000.0 / 32768.0);
		}
	}
	free(buf);
	/* saturation at the int16 limits */
	memset(&sat, 0, sizeof sat);
	sat.n = 1;
	sat.samples = &big;
	sat.q_pelvis_to_world = &q;
	sat.posture = &p;
	sat.sensor.pelvis_to_sensor = hf_quat_identity();
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(hf_sim_write_witmotion(&sat, f), HF_OK);
	fclose(f);
	assert_int_equal(len, 33);
	assert_int_equal(le16((uint8_t *)buf + 2), 32767);
	assert_int_equal(le16((uint8_t *)buf + 4), -32768);
	assert_int_equal(le16((uint8_t *)buf + 6), 1024);  /* 0.5 g */
	assert_int_equal(le16((uint8_t *)buf + 13), 32767);
	assert_int_equal(le16((uint8_t *)buf + 15), -16);  /* -1 dps */
	free(buf);
	hf_sim_free(sim);
}

static void test_truth_json(void **state)
{
	struct hf_sim *sim;
	const struct hf_sim_output *o;
	json_object *doc, *v, *sets, *set, *reps, *rep, *truth;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	render_small(&sim, &o);
	assert_int_equal(o->n_sets, 1);
	for (int fmt = 0; fmt < 2; fmt++) {
		f = open_memstream(&buf, &len);
		assert_int_equal(hf_sim_write_truth_json_format(o, fmt ? "witmotion" : "csv", f), HF_OK);
		fclose(f);
		doc = json_tokener_parse(buf);
		assert_non_null(doc);
		assert_true(json_object_object_get_ex(doc, "contract", &v));
		assert_int_equal(json_object_get_int(v), 2);
		assert_true(json_object_object_get_ex(doc, "input", &v));
		assert_true(json_object_object_get_ex(v, "samples", &v));
		assert_int_equal(json_object_get_int64(v), (int64_t)o->n);
		assert_true(json_object_object_get_ex(doc, "calibrated", &v));
		assert_false(json_object_get_boolean(v));
		assert_true(json_object_object_get_ex(doc, "sets", &sets));
		assert_int_equal(json_object_array_length(sets), 1);
		set = json_object_array_get_idx(sets, 0);
		assert_true(json_object_object_get_ex(set, "rep_count", &v));
		assert_int_equal(json_object_get_int(v), o->sets[0].rep_count);
		assert_true(json_object_object_get_ex(set, "reps", &reps));
		rep = json_object_array_get_idx(reps, 0);
		assert_true(json_object_object_get_ex(rep, "peak_s", &v));
		/* witmotion times are sample index / rate: t0_s (100 s) taken off */
		assert_float_equal(json_object_get_double(v),
				   o->sets[0].reps[0].peak_s - (fmt ? 100.0 : 0.0), 0.002);
		assert_true(json_object_object_get_ex(doc, "truth", &truth));
		assert_true(json_object_object_get_ex(truth, "pelvis_to_sensor", &v));
		assert_true(json_object_object_get_ex(v, "w", &v));
		assert_float_equal(json_object_get_double(v), o->sensor.pelvis_to_sensor.w, 1e-12);
		json_object_put(doc);
		free(buf);
		buf = NULL;
	}
	hf_sim_free(sim);
}

static void test_bad_programs_refused(void **state)
{
	struct hf_sim_sensor s = ideal_sensor(100, 1);
	struct hf_sim *sim = hf_sim_new(&s, 1);
	struct hf_sim_set hip = {.exercise = HF_EX_HIP_LIFT, .reps = 5};
	struct hf_sim_set clam = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_NONE, .reps = 5};
	const struct hf_sim_output *o;

	(void)state;
	assert_int_equal(hf_sim_render(sim, &o), HF_ERR_ARG);    /* empty program */
	assert_int_equal(hf_sim_add_set(sim, &hip), HF_ERR_ARG);  /* standing */
	assert_int_equal(hf_sim_stand(sim, -1.0), HF_ERR_ARG);
	assert_int_equal(hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 2.0), HF_OK);
	assert_int_equal(hf_sim_add_set(sim, &clam), HF_ERR_ARG); /* no side */
	clam.side = HF_SIDE_RIGHT;
	assert_int_equal(hf_sim_add_set(sim, &clam), HF_ERR_ARG); /* wrong side down */
	clam.side = HF_SIDE_LEFT;
	clam.reps = HF_SIM_MAX_REPS + 1;
	assert_int_equal(hf_sim_add_set(sim, &clam), HF_ERR_ARG);
	assert_int_equal(hf_sim_walk(sim, 5.0, 100.0), HF_ERR_ARG); /* lying */
	assert_null(hf_sim_new(NULL, 1));
	hf_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gravity_in_each_posture),
		cmocka_unit_test(test_gyro_integrates_to_truth),
		cmocka_unit_test(test_acc_is_gravity_in_still_hold_only),
		cmocka_unit_test(test_truth_hand_specified_set),
		cmocka_unit_test(test_truth_counting_rules),
		cmocka_unit_test(test_truth_flags_coin_tosses),
		cmocka_unit_test(test_truth_flags_rollback_that_decides),
		cmocka_unit_test(test_truth_gap_ends_set),
		cmocka_unit_test(test_truth_fidget_before_gap_stays_fidget),
		cmocka_unit_test(test_fidgets_are_not_reps),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_mems_bias_shows_in_still_gyro),
		cmocka_unit_test(test_deterministic_per_seed),
		cmocka_unit_test(test_random_session_rules),
		cmocka_unit_test(test_calibration_hinges),
		cmocka_unit_test(test_csv_writer),
		cmocka_unit_test(test_witmotion_writer),
		cmocka_unit_test(test_truth_json),
		cmocka_unit_test(test_bad_programs_refused),
		cmocka_unit_test(test_part_profiles),
		cmocka_unit_test(test_part_warms_up),
		cmocka_unit_test(test_belt_mounting),
		cmocka_unit_test(test_shift_settles),
		cmocka_unit_test(test_breathing_while_lying),
		cmocka_unit_test(test_hold_sessions_are_smooth),
		cmocka_unit_test(test_hold_truth_flags_coin_tosses),
		cmocka_unit_test(test_issue8_scenarios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
