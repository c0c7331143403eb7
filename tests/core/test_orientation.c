/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Orientation and pelvic angles against simulator ground truth: through
 * sets of hip lifts and clam shells measured by a cheap MEMS sensor
 * (several deg/s of gyro bias, noise, quantisation, random mounting), the
 * filter's pelvic angles relative to a still moment before each set track
 * the true ones.  The mounting is the true one here: this test isolates
 * the filter.
 *
 * Two of the three angles of each posture are observable from gravity (in
 * a hip lift, lying on the back: tilt and rotation; in a clam shell, on the
 * side: obliquity and rotation); they carry e(t) and hip_drop.  The third
 * turns about world vertical (obliquity on the back, tilt on the side):
 * without a magnetometer only the gyro sees it, and the simulator's MEMS
 * bias random walk (0.01 deg/s per sqrt(s)) makes it drift unless the bias
 * is learned again in the pauses between reps.
 *
 * Asserted over 24 sets (12 sessions): the RMS error of the observable
 * angles and, separately, of the angle about vertical, over all samples of
 * all sets, is under 1.5 deg (the foundation issue's figure); no single
 * set exceeds 1.5 deg on the observable angles or 3 deg about vertical
 * (a one-minute set whose pauses all fall on a breath can drift that far).
 * HF_ORIENT_SESSIONS=N runs N sessions instead of 12, for a wider look.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hipform/ahrs.h"
#include "hipform/sim.h"

static void build_program(struct hf_sim *sim)
{
	struct hf_sim_set hip = {.exercise = HF_EX_HIP_LIFT, .reps = 10,
				 .variation = 0.3, .fault_rate = 0.3};
	struct hf_sim_set clam = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_LEFT,
				  .reps = 10, .variation = 0.3, .fault_rate = 0.3};

	hf_sim_stand(sim, 4.0);
	hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0);
	hf_sim_rest(sim, 4.0);
	hf_sim_add_set(sim, &hip);
	hf_sim_rest(sim, 10.0);
	hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0);
	hf_sim_rest(sim, 4.0);
	hf_sim_add_set(sim, &clam);
	hf_sim_rest(sim, 3.0);
}

static size_t index_at(const struct hf_sim_output *o, double t_s)
{
	size_t i = 0;

	while (i + 1 < o->n && o->samples[i].t_s < t_s)
		i++;
	return i;
}

/* Index (0 tilt, 1 obliquity, 2 rotation) of the pelvis axis nearest to
 * world vertical at pelvis orientation q: the angle gravity cannot see. */
static int vertical_axis(struct hf_quat q)
{
	static const double axes[3][3] = {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}};
	double best = -1.0;
	int k = 0;

	for (int i = 0; i < 3; i++) {
		double v[3];
		hf_quat_rotate(q, axes[i], v);
		if (fabs(v[2]) > best) {
			best = fabs(v[2]);
			k = i;
		}
	}
	return k;
}

/* Per-angle RMS errors over [start, end] of one truth set; returns the
 * index of the angle about world vertical. */
static int set_rms_deg(const struct hf_sim_output *o, const struct hf_quat *est,
		       const struct hf_sim_truth_set *ts, double rms[3])
{
	size_t b = index_at(o, ts->start_s - 1.0), lo = index_at(o, ts->start_s),
	       hi = index_at(o, ts->end_s);
	struct hf_quat m = o->sensor.pelvis_to_sensor;
	struct hf_quat base_est = hf_quat_mul(est[b], m), base_true = o->q_pelvis_to_world[b];
	double sum[3] = {0, 0, 0};

	for (size_t i = lo; i <= hi; i++) {
		struct hf_angles ae, at;
		hf_angles_from_quat(hf_quat_mul(hf_quat_conj(base_est), hf_quat_mul(est[i], m)), &ae);
		hf_angles_from_quat(hf_quat_mul(hf_quat_conj(base_true), o->q_pelvis_to_world[i]), &at);
		sum[0] += pow(ae.tilt_deg - at.tilt_deg, 2);
		sum[1] += pow(ae.obliquity_deg - at.obliquity_deg, 2);
		sum[2] += pow(ae.rotation_deg - at.rotation_deg, 2);
	}
	for (int k = 0; k < 3; k++)
		rms[k] = sqrt(sum[k] / (double)(hi - lo + 1));
	return vertical_axis(base_true);
}

static void test_angles_track_truth(void **state)
{
	static const double rates[] = {50, 100, 200};
	const char *env = getenv("HF_ORIENT_SESSIONS");
	unsigned sessions = env && atoi(env) > 0 ? (unsigned)atoi(env) : 12;
	double sq_seen = 0.0, sq_vert = 0.0;
	int n_sets = 0;

	(void)state;
	for (unsigned seed = 1; seed <= sessions; seed++) {
		struct hf_sim_sensor sensor;
		const struct hf_sim_output *o;
		struct hf_ahrs a;
		struct hf_sim *sim;
		struct hf_quat *est;

		hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_MEMS, rates[seed % 3], 100 + seed);
		sim = hf_sim_new(&sensor, 100 + seed);
		build_program(sim);
		assert_int_equal(hf_sim_render(sim, &o), 0);
		assert_true(o->n_sets == 2);
		est = calloc(o->n, sizeof *est);
		assert_non_null(est);
		hf_ahrs_init(&a, NULL);
		for (size_t i = 0; i < o->n; i++) {
			hf_ahrs_update(&a, &o->samples[i]);
			est[i] = hf_ahrs_quat(&a);
		}
		for (int k = 0; k < o->n_sets; k++) {
			double rms[3], seen = 0.0;
			int v = set_rms_deg(o, est, &o->sets[k], rms);
			for (int j = 0; j < 3; j++)
				seen += j == v ? 0.0 : rms[j] * rms[j] / 2.0;
			sq_seen += seen;
			sq_vert += rms[v] * rms[v];
			n_sets++;
			seen = sqrt(seen);
			printf("seed %2u %3.0f Hz |bias| %.1f deg/s, set %d (%-10s): RMS tilt %.2f, "
			       "obliquity %.2f, rotation %.2f deg; gravity-observable %.2f, "
			       "about vertical %.2f\n",
			       seed, sensor.rate_hz, hf_vec_norm(sensor.gyro_bias_dps), k,
			       hf_exercise_info(o->sets[k].exercise)->name, rms[0], rms[1],
			       rms[2], seen, rms[v]);
			assert_true(seen < 1.5);
			assert_true(rms[v] < 3.0);
		}
		free(est);
		hf_sim_free(sim);
	}
	/* sets are of similar length: the mean of the per-set mean squares is
	 * the RMS over all their samples to within a few percent */
	printf("all %d sets: RMS gravity-observable %.2f deg, about vertical %.2f deg\n",
	       n_sets, sqrt(sq_seen / n_sets), sqrt(sq_vert / n_sets));
	/* (the observable angles are held to 1.5 deg in every set above) */
	assert_true(sqrt(sq_vert / n_sets) < 1.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_angles_track_truth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
