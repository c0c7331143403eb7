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
#include <stdlib.h>
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


/* ---- sensor profiles (issue 8 class 1): every clean procedure accepted ---- */

/*
 * A sensor as people clip it on: an uncalibrated MPU-6050 class part
 * (datasheet: accelerometer sensitivity tolerance +-3 % per axis, zero-g
 * offsets of tens of mg, 400 ug/sqrt(Hz) noise; gyro zero-rate offsets of
 * several deg/s; gyro sensitivity +-3 %), whose errors add up to reading
 * 0.93-0.94 g or 1.06 g at rest, at 50-200 Hz, mounted anywhere.
 */
enum mount { MOUNT_RANDOM, MOUNT_UPRIGHT, MOUNT_UPSIDE_DOWN, MOUNT_SIDEWAYS,
	     MOUNT_BELT_SIDE };

struct sensor_profile {
	const char *name;
	double rate_hz;
	double rest_g;             /* what |a| reads standing still */
	double acc_scale_spread;   /* per axis, +- fraction */
	double acc_offset_g;       /* per axis, +- */
	double acc_noise_ug_rthz;  /* noise density, ug/sqrt(Hz) */
	double gyro_bias_dps;      /* per axis magnitude, random sign */
	double gyro_scale_spread;  /* per axis, +- fraction */
	enum mount mount;
};

static const struct sensor_profile profiles[] = {
	{"0.94 g, 100 Hz, upright", 100, 0.94, 0.03, 0.04, 400, 4.0, 0.03, MOUNT_UPRIGHT},
	{"0.93 g, 50 Hz, random", 50, 0.93, 0.03, 0.05, 400, 6.0, 0.03, MOUNT_RANDOM},
	{"0.94 g, 200 Hz, upside down", 200, 0.94, 0.03, 0.03, 400, 3.0, 0.03, MOUNT_UPSIDE_DOWN},
	{"0.94 g, 100 Hz, sideways", 100, 0.94, 0.03, 0.05, 400, 5.0, 0.03, MOUNT_SIDEWAYS},
	{"1.06 g, 100 Hz, random", 100, 1.06, 0.03, 0.05, 400, 4.0, 0.03, MOUNT_RANDOM},
	{"1.06 g, 200 Hz, belt side", 200, 1.06, 0.03, 0.04, 400, 2.0, 0.03, MOUNT_BELT_SIDE},
	{"1.06 g, 50 Hz, upside down", 50, 1.06, 0.03, 0.05, 400, 8.0, 0.03, MOUNT_UPSIDE_DOWN},
	{"1.00 g, offsets 80 mg, 100 Hz", 100, 1.00, 0.03, 0.08, 400, 5.0, 0.03, MOUNT_RANDOM},
	{"0.97 g, noisy 1000 ug, 200 Hz", 200, 0.97, 0.03, 0.05, 1000, 5.0, 0.03, MOUNT_SIDEWAYS},
	{"1.03 g, 150 Hz, belt side", 150, 1.03, 0.03, 0.05, 400, 10.0, 0.03, MOUNT_BELT_SIDE},
	{"ideal, 100 Hz, random", 100, 1.00, 0.0, 0.0, 0, 0.0, 0.0, MOUNT_RANDOM},
	{"0.94 g, 75 Hz, random", 75, 0.94, 0.03, 0.05, 400, 5.0, 0.03, MOUNT_RANDOM},
};

/* splitmix64: the test's own draws, independent of the simulator's. */
static double draw(uint64_t *st, double lo, double hi)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return lo + (hi - lo) * (double)(z >> 11) / 9007199254740992.0;
}

static struct hf_quat mounting_of(enum mount m, struct hf_quat random_q)
{
	static const double x[3] = {1, 0, 0}, y[3] = {0, 1, 0}, z[3] = {0, 0, 1};

	switch (m) {
	case MOUNT_UPRIGHT: /* a small tilt as worn */
		return hf_quat_from_axis_angle(y, 8.0 * HF_DEG2RAD);
	case MOUNT_UPSIDE_DOWN: /* pelvis z is sensor -z */
		return hf_quat_mul(hf_quat_from_axis_angle(x, HF_PI),
				   hf_quat_from_axis_angle(z, 0.3));
	case MOUNT_SIDEWAYS: /* pelvis z is sensor x */
		return hf_quat_mul(hf_quat_from_axis_angle(y, HF_PI / 2),
				   hf_quat_from_axis_angle(z, -0.2));
	case MOUNT_BELT_SIDE: /* on the hip: sensor z along pelvis y */
		return hf_quat_from_axis_angle(x, -HF_PI / 2);
	default:
		return random_q;
	}
}

/*
 * The common-mode scale that makes the accelerometer read p->rest_g at
 * rest (standing, up = u in sensor coordinates) given its per-axis scale
 * errors s and offsets b: the root alpha > 0 of |alpha v + b| = rest_g,
 * v = diag(1 + s) u.
 */
static double common_scale(const double u[3], const double s[3], const double b[3],
			   double rest_g)
{
	double v[3], vv, vb, bb;

	for (int k = 0; k < 3; k++)
		v[k] = u[k] * (1.0 + s[k]);
	vv = hf_vec_dot(v, v);
	vb = hf_vec_dot(v, b);
	bb = hf_vec_dot(b, b);
	return (-vb + sqrt(vb * vb - vv * (bb - rest_g * rest_g))) / vv;
}

static void apply_profile(struct hf_sim_sensor *s, const struct sensor_profile *p,
			  unsigned seed)
{
	static const double z_p[3] = {0, 0, 1};
	uint64_t st = 0x5eed0000ULL + seed;
	double up[3], alpha;

	hf_sim_sensor_preset(s, p->acc_noise_ug_rthz > 0 ? HF_SIM_GRADE_MEMS : HF_SIM_GRADE_IDEAL,
			     p->rate_hz, seed);
	s->pelvis_to_sensor = mounting_of(p->mount, s->pelvis_to_sensor);
	for (int k = 0; k < 3; k++) {
		s->acc_scale_err[k] = draw(&st, -p->acc_scale_spread, p->acc_scale_spread);
		s->acc_bias_g[k] = draw(&st, -p->acc_offset_g, p->acc_offset_g);
		s->gyro_bias_dps[k] = p->gyro_bias_dps * (draw(&st, 0, 1) < 0.5 ? -1 : 1) *
				      draw(&st, 0.5, 1.0);
		s->gyro_scale_err[k] = draw(&st, -p->gyro_scale_spread, p->gyro_scale_spread);
	}
	hf_quat_rotate(s->pelvis_to_sensor, z_p, up);
	alpha = common_scale(up, s->acc_scale_err, s->acc_bias_g, p->rest_g);
	for (int k = 0; k < 3; k++)
		s->acc_scale_err[k] = alpha * (1.0 + s->acc_scale_err[k]) - 1.0;
	/* white noise of the density over the Nyquist band */
	s->acc_noise_g = p->acc_noise_ug_rthz * 1e-6 * sqrt(p->rate_hz / 2.0);
}

/* Angle between v and the sensor's per-axis distortion of it. */
static double distortion_deg(const double v[3], const double scale_err[3],
			     const double offset[3])
{
	double w[3], u[3];

	memcpy(u, v, sizeof u);
	hf_vec_normalize(u);
	for (int k = 0; k < 3; k++)
		w[k] = u[k] * (1.0 + scale_err[k]) + (offset ? offset[k] : 0.0);
	hf_vec_normalize(w);
	return acos(fmin(1.0, hf_vec_dot(u, w))) * HF_RAD2DEG;
}

/*
 * What no procedure can see: the accelerometer's own scale and offset
 * errors turn the gravity it reads at rest away from true up (only a
 * six-face recording measures them, contract section 6), and the gyro's
 * per-axis scale errors turn the hinge axis it reads.  The mounting can be
 * off by up to the sum of the two; the estimate may add EST_ERR_DEG for
 * noise, breathing, the hinges' off-axis wobble and lever arm.
 */
#define EST_ERR_DEG 1.0

static double unobservable_deg(const struct hf_sim_sensor *s, double *rest_g)
{
	static const double z_p[3] = {0, 0, 1}, y_p[3] = {0, 1, 0};
	double up[3], hinge[3], read[3];

	hf_quat_rotate(s->pelvis_to_sensor, z_p, up);
	hf_quat_rotate(s->pelvis_to_sensor, y_p, hinge);
	for (int k = 0; k < 3; k++)
		read[k] = up[k] * (1.0 + s->acc_scale_err[k]) + s->acc_bias_g[k];
	*rest_g = hf_vec_norm(read);
	return distortion_deg(up, s->acc_scale_err, s->acc_bias_g) +
	       distortion_deg(hinge, s->gyro_scale_err, NULL);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void test_sensor_profiles_accepted(void **state)
{
	enum { N = sizeof profiles / sizeof profiles[0], SEEDS = 3 };
	double errs[N * SEEDS], excess_worst = -1e9;
	int n = 0;

	(void)state;
	for (size_t i = 0; i < N; i++)
		for (unsigned seed = 1; seed <= SEEDS; seed++) {
			const struct sensor_profile *p = &profiles[i];
			struct hf_sim_sensor sensor;
			const struct hf_sim_output *o;
			struct hf_calib c;
			struct hf_calib_report rep;
			char err[200];
			struct hf_sim *sim;
			double e, budget, rest_g;

			apply_profile(&sensor, p, 100 * (unsigned)i + seed);
			sim = hf_sim_new(&sensor, 100 * (unsigned)i + seed);
			assert_non_null(sim);
			assert_int_equal(hf_sim_calibration_procedure(sim), 0);
			assert_int_equal(hf_sim_render(sim, &o), 0);
			if (hf_calib_estimate(&c, o->samples, o->n, &rep, err, sizeof err) != HF_OK)
				fail_msg("%s (seed %u): refused: %s", p->name, seed, err);
			e = quat_angle_deg(c.pelvis_to_sensor, o->sensor.pelvis_to_sensor);
			budget = unobservable_deg(&o->sensor, &rest_g);
			printf("%-32s seed %u: reads %.3f g at rest, mounting error %.2f deg "
			       "(unobservable %.2f), hinges %d\n",
			       p->name, seed, rest_g, e, budget, rep.hinges);
			assert_int_equal(rep.hinges, 3);
			/* the level is learned: noise and breathing only */
			assert_true(fabs(rep.rest_g - rest_g) < 0.005);
			for (int k = 0; k < 3; k++) /* bias walks 0.01 deg/s/sqrt(s) */
				assert_true(fabs(c.gyro_bias_dps[k] - o->sensor.gyro_bias_dps[k]) < 0.15);
			if (e > budget + EST_ERR_DEG)
				fail_msg("%s (seed %u): mounting error %.2f deg > %.2f + %.1f",
					 p->name, seed, e, budget, EST_ERR_DEG);
			excess_worst = fmax(excess_worst, e - budget);
			errs[n++] = e;
			hf_sim_free(sim);
		}
	qsort(errs, (size_t)n, sizeof errs[0], compare_double);
	printf("%d procedures: mounting error median %.2f deg, worst %.2f deg; "
	       "worst beyond the unobservable part %.2f deg\n",
	       n, errs[n / 2], errs[n - 1], excess_worst);
}

/* The six-face recording of a datasheet specimen, through the estimator. */
static int six_face_estimate(const struct hf_sim_sensor *sensor, unsigned seed,
			     struct hf_calib *c, char *err, size_t errlen, int skip_face)
{
	size_t n = hf_sim_six_face_samples(sensor);
	struct hf_sample *x = calloc(n, sizeof *x);
	struct hf_six_face e;
	const double period_s = 5.0; /* 3 s on a face, 2 s turning */
	int r;

	assert_non_null(x);
	assert_int_equal(hf_sim_six_face(sensor, seed, x, n), HF_OK);
	hf_six_face_init(&e);
	for (size_t i = 0; i < n; i++) {
		double t = x[i].t_s - sensor->t0_s;
		/* a sensor laid on faces and turned slowly: every sample
		 * possible (the first one once read 3074 g: the simulator's
		 * pose before t = 0 was a turn between faces) */
		assert_true(hf_vec_norm(x[i].acc_g) < 2.0);
		assert_true(hf_vec_norm(x[i].gyro_dps) < 300.0);
		if (skip_face >= 0 && t >= skip_face * period_s && t < skip_face * period_s + 3.0)
			continue; /* that face left out */
		hf_six_face_update(&e, &x[i]);
	}
	hf_calib_identity(c);
	r = hf_six_face_finish(&e, c, err, errlen);
	free(x);
	return r;
}

/*
 * Contract section 6's six-face recording: every datasheet part's specimen
 * (sim/parts.c: scale within +-3 %, offsets of tens of mg, cross-axis,
 * noise, warming) gives back its offsets within 5 mg and its scales within
 * 0.5 %; then, applied to the procedure's samples, the mounting error
 * loses the accelerometer's part of what no procedure can see.
 */
static void test_six_face_recovers_offset_and_scale(void **state)
{
	double worst_off_g = 0.0, worst_scale = 0.0, sum_before = 0.0, sum_after = 0.0;
	int n_runs = 0;

	(void)state;
	for (int part = 0; part < HF_SIM_PART_COUNT; part++)
		for (unsigned seed = 1; seed <= 3; seed++) {
			struct hf_sim_sensor sensor;
			struct hf_calib six, plain, fixed;
			const struct hf_sim_output *o;
			struct hf_calib_estimator est;
			struct hf_sim *sim;
			char err[200];

			hf_sim_sensor_from_part(&sensor, (enum hf_sim_part)part, 100.0,
						 1000 * (unsigned)part + seed);
			hf_sim_sensor_belt_mounting(&sensor, seed);
			if (six_face_estimate(&sensor, seed, &six, err, sizeof err, -1) != HF_OK)
				fail_msg("part %d seed %u: refused: %s", part, seed, err);
			for (int k = 0; k < 3; k++) {
				double off = fabs(six.acc_offset_g[k] - sensor.acc_bias_g[k]);
				double sc = fabs(six.acc_scale[k] * (1.0 + sensor.acc_scale_err[k]) - 1.0);
				worst_off_g = fmax(worst_off_g, off);
				worst_scale = fmax(worst_scale, sc);
			}
			sim = hf_sim_new(&sensor, seed);
			assert_non_null(sim);
			assert_int_equal(hf_sim_calibration_procedure(sim), 0);
			assert_int_equal(hf_sim_render(sim, &o), 0);
			assert_int_equal(hf_calib_estimate(&plain, o->samples, o->n, NULL, err,
							   sizeof err), HF_OK);
			hf_calib_estimator_init(&est);
			for (size_t i = 0; i < o->n; i++) {
				struct hf_sample s;
				hf_calib_apply(&six, &o->samples[i], &s);
				hf_calib_estimator_update(&est, &s);
			}
			assert_int_equal(hf_calib_estimator_finish(&est, &fixed, NULL, err,
								   sizeof err), HF_OK);
			sum_before += quat_angle_deg(plain.pelvis_to_sensor, o->sensor.pelvis_to_sensor);
			sum_after += quat_angle_deg(fixed.pelvis_to_sensor, o->sensor.pelvis_to_sensor);
			n_runs++;
			hf_sim_free(sim);
		}
	printf("six-face: %d specimens, offset error worst %.4f g, scale error worst %.4f; "
	       "mounting error mean %.2f deg without, %.2f deg with it\n",
	       n_runs, worst_off_g, worst_scale, sum_before / n_runs, sum_after / n_runs);
	assert_true(worst_off_g < 0.005);
	assert_true(worst_scale < 0.005);
	assert_true(sum_after < sum_before);
}

/* A face left out is refused, naming it. */
static void test_six_face_missing_face_refused(void **state)
{
	struct hf_sim_sensor sensor;
	struct hf_calib c;
	char err[200];

	(void)state;
	hf_sim_sensor_from_part(&sensor, (enum hf_sim_part)0, 100.0, 7);
	assert_int_equal(six_face_estimate(&sensor, 7, &c, err, sizeof err, 3), HF_ERR_FORMAT);
	assert_non_null(strstr(err, "-y up"));
	assert_false(c.has_sensor);
}

/* Walking up to the spot, standing a moment, then the procedure with a
 * 0.94 g sensor: the walk is no standing, the procedure is found. */
static void test_walk_then_procedure(void **state)
{
	struct hf_sim_sensor sensor;
	const struct hf_sim_output *o;
	struct hf_calib c;
	struct hf_calib_report rep;
	char err[200];
	struct hf_sim *sim;
	double e, budget, rest_g;

	(void)state;
	apply_profile(&sensor, &profiles[0], 901);
	sim = hf_sim_new(&sensor, 901);
	assert_int_equal(hf_sim_walk(sim, 6.0, 0.0), 0);
	assert_int_equal(hf_sim_stand(sim, 1.0), 0);
	assert_int_equal(hf_sim_calibration_procedure(sim), 0);
	assert_int_equal(hf_sim_walk(sim, 6.0, 0.0), 0);
	assert_int_equal(hf_sim_render(sim, &o), 0);
	if (hf_calib_estimate(&c, o->samples, o->n, &rep, err, sizeof err) != HF_OK)
		fail_msg("%s", err);
	e = quat_angle_deg(c.pelvis_to_sensor, o->sensor.pelvis_to_sensor);
	budget = unobservable_deg(&o->sensor, &rest_g);
	printf("walk, procedure, walk: mounting error %.2f deg (unobservable %.2f), hinges %d\n",
	       e, budget, rep.hinges);
	assert_int_equal(rep.hinges, 3);
	assert_true(e <= budget + EST_ERR_DEG);
	hf_sim_free(sim);
}

/*
 * People sway while they stand: the pelvis rocks about its y axis, here
 * by 1 deg at 0.5 Hz (3.1 deg/s peak) all through the recording.  Rocking
 * about the hinge axis commutes with the hinges, so it is applied to the
 * rendered samples exactly: gravity as the sensor reads it turns back by
 * the sway angle, and the gyro adds its rate.
 */
static void add_sway(struct hf_sample *s, size_t n, struct hf_quat pelvis_to_sensor,
		     double amp_deg, double freq_hz)
{
	static const double y_p[3] = {0, 1, 0};
	double axis[3];

	hf_quat_rotate(pelvis_to_sensor, y_p, axis);
	for (size_t i = 0; i < n; i++) {
		double ph = 2.0 * HF_PI * freq_hz * s[i].t_s, acc[3];
		double th_rad = amp_deg * HF_DEG2RAD * sin(ph);
		double rate_dps = amp_deg * 2.0 * HF_PI * freq_hz * cos(ph);

		hf_quat_rotate(hf_quat_from_axis_angle(axis, -th_rad), s[i].acc_g, acc);
		memcpy(s[i].acc_g, acc, sizeof acc);
		for (int k = 0; k < 3; k++)
			s[i].gyro_dps[k] += rate_dps * axis[k];
	}
}

static void test_swaying_stand_accepted(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 4; seed++) {
		struct hf_sim_sensor sensor;
		const struct hf_sim_output *o;
		struct hf_calib c;
		struct hf_calib_report rep;
		struct hf_sample *s;
		char err[200];
		struct hf_sim *sim;
		double e, budget, rest_g;

		apply_profile(&sensor, &profiles[seed], 700 + seed);
		sim = hf_sim_new(&sensor, 700 + seed);
		assert_int_equal(hf_sim_calibration_procedure(sim), 0);
		assert_int_equal(hf_sim_render(sim, &o), 0);
		s = malloc(o->n * sizeof *s);
		assert_non_null(s);
		memcpy(s, o->samples, o->n * sizeof *s);
		add_sway(s, o->n, o->sensor.pelvis_to_sensor, 1.0, 0.5);
		if (hf_calib_estimate(&c, s, o->n, &rep, err, sizeof err) != HF_OK)
			fail_msg("seed %u: %s", seed, err);
		e = quat_angle_deg(c.pelvis_to_sensor, o->sensor.pelvis_to_sensor);
		budget = unobservable_deg(&o->sensor, &rest_g);
		printf("swaying, %s: mounting error %.2f deg (unobservable %.2f), hinges %d\n",
		       profiles[seed].name, e, budget, rep.hinges);
		assert_int_equal(rep.hinges, 3);
		assert_true(e <= budget + EST_ERR_DEG);
		free(s);
		hf_sim_free(sim);
	}
}

/* ---- impossible sample times (issue 9 item 5) ---- */

/* A clean procedure whose times are rewritten by retime(i, t_s). */
static void assert_times_refused(double (*retime)(size_t i, double t_s, size_t n),
				 const char *why)
{
	struct hf_sim *sim = good_sensor_sim(7);
	const struct hf_sim_output *o;
	struct hf_sample *s;
	struct hf_calib c;
	char err[200] = "";

	assert_int_equal(hf_sim_calibration_procedure(sim), 0);
	assert_int_equal(hf_sim_render(sim, &o), 0);
	s = malloc(o->n * sizeof *s);
	assert_non_null(s);
	memcpy(s, o->samples, o->n * sizeof *s);
	assert_int_equal(hf_calib_estimate(&c, s, o->n, NULL, err, sizeof err), HF_OK);
	for (size_t i = 0; i < o->n; i++)
		s[i].t_s = retime(i, s[i].t_s, o->n);
	assert_int_equal(hf_calib_estimate(&c, s, o->n, NULL, err, sizeof err), HF_ERR_FORMAT);
	printf("refused: %s\n", err);
	if (!strstr(err, why))
		fail_msg("error '%s' lacks '%s'", err, why);
	assert_false(c.has_mounting);
	assert_null(strchr(err, '\n'));
	free(s);
	hf_sim_free(sim);
}

static double tiny_steps(size_t i, double t_s, size_t n)
{
	(void)t_s;
	(void)n;
	return (double)i * 1e-300; /* 0, 1e-300, 2e-300, ... */
}

static double jump_at_end(size_t i, double t_s, size_t n)
{
	return i + 1 == n ? 1e15 : t_s;
}

static double all_zero(size_t i, double t_s, size_t n)
{
	(void)i;
	(void)t_s;
	(void)n;
	return 0.0;
}

static void test_impossible_times_refused(void **state)
{
	(void)state;
	assert_times_refused(tiny_steps, "not a possible rate");
	assert_times_refused(jump_at_end, "time step of 1e+15 s");
	assert_times_refused(all_zero, "same time");
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
		cmocka_unit_test(test_sensor_profiles_accepted),
		cmocka_unit_test(test_walk_then_procedure),
		cmocka_unit_test(test_swaying_stand_accepted),
		cmocka_unit_test(test_impossible_times_refused),
		cmocka_unit_test(test_six_face_recovers_offset_and_scale),
		cmocka_unit_test(test_six_face_missing_face_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
