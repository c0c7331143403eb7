/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contract section 11 on hand-built signals: cadence from contacts, the
 * sign of the pelvic drop per foot, a 2 s pause splitting a bout.  The
 * streaming tests drive the gait kind analyser directly with motion whose
 * contacts, feet and obliquity are known by construction.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/kinds/gait_internal.h"
#include "hipform/kind.h"

#define RATE_HZ 100.0
#define MAX_SETS 8

struct sets {
	int n;
	struct hf_gait_summary g[MAX_SETS];
	struct hf_contact c[MAX_SETS][64];
	double start_s[MAX_SETS], end_s[MAX_SETS];
};

static void on_event(const struct hf_event *ev, void *user)
{
	struct sets *s = user;

	if (ev->type != HF_EVENT_SET || s->n >= MAX_SETS)
		return;
	s->g[s->n] = *ev->set->gait;
	memcpy(s->c[s->n], ev->set->gait->contacts,
	       (size_t)(ev->set->gait->n_contacts < 64 ? ev->set->gait->n_contacts : 64) *
		       sizeof s->c[0][0]);
	s->start_s[s->n] = ev->set->start_s;
	s->end_s[s->n] = ev->set->end_s;
	s->n++;
}

/* A walk of hand-built contacts: times t_k, left on even k. */
struct walk {
	const double *t_s;
	int n;
	double drop_left_deg, drop_right_deg;
};

/* Index of the last contact at or before t, -1 if none. */
static int contact_before(const struct walk *w, double t)
{
	int k = -1;

	for (int i = 0; i < w->n && w->t_s[i] <= t; i++)
		k = i;
	return k;
}

/*
 * At t: a loading pulse after each contact (fast rise, 0.5 g), the yaw
 * rate turning clockwise (negative) at left contacts, and the obliquity:
 * after a left contact the right side drops (obliquity rises by
 * drop_left), after a right contact the mirror image.
 */
static void motion_at(const struct walk *w, double t, struct hf_motion *m)
{
	int k = contact_before(w, t);
	double up_g = 1.0, yaw_dps = 0.0, obl_deg = 0.0;

	if (k >= 0 && k + 1 < w->n) {
		double tau = t - w->t_s[k], T = w->t_s[k + 1] - w->t_s[k], phase = tau / T;
		double sign = k % 2 == 0 ? -1.0 : 1.0;
		up_g += 0.5 * (tau / 0.03) * exp(1.0 - tau / 0.03) - 0.12;
		yaw_dps = sign * 20.0 * cos(HF_PI * phase);
		obl_deg = (k % 2 == 0 ? w->drop_left_deg : -w->drop_right_deg) *
			  sin(HF_PI * phase) * sin(HF_PI * phase);
	}
	memset(m, 0, sizeof *m);
	m->t_s = t;
	/* sensor = pelvis frame; obliquity is a rotation about x */
	m->q_sensor_world = hf_quat_from_axis_angle((const double[3]){1, 0, 0},
						    obl_deg * HF_DEG2RAD);
	hf_quat_rotate_inv(m->q_sensor_world, (const double[3]){0, 0, up_g}, m->acc_g);
	m->gyro_dps[2] = yaw_dps;
}

/* Lying on the back (sensor x up) until this time, when not 0. */
static double lying_until_s;

static void run_walk_cfg(const struct walk *w, double end_s, bool calibrated,
			 struct sets *out)
{
	const struct hf_kind_ops *ops = hf_kind_ops_get(HF_KIND_GAIT);
	struct hf_kind_config cfg = {
		.exercise = HF_EX_WALK, .side = HF_SIDE_NONE, .has_mounting = calibrated,
		.pelvis_to_sensor = hf_quat_identity(), .rate_hz = RATE_HZ,
	};
	void *g;

	assert_non_null(ops);
	g = ops->create(&cfg, on_event, out);
	assert_non_null(g);
	memset(out, 0, sizeof *out);
	for (int i = 0; i / RATE_HZ < end_s; i++) {
		struct hf_motion m;
		motion_at(w, i / RATE_HZ, &m);
		if (i / RATE_HZ < lying_until_s) {
			m.q_sensor_world = hf_quat_from_axis_angle((const double[3]){0, 1, 0},
								   -HF_PI / 2.0);
			hf_quat_rotate_inv(m.q_sensor_world, (const double[3]){0, 0, 1}, m.acc_g);
		}
		ops->update(g, &m);
	}
	ops->finish(g);
	ops->destroy(g);
}

static void run_walk(const struct walk *w, double end_s, struct sets *out)
{
	run_walk_cfg(w, end_s, true, out);
}

static void test_cadence_from_contacts(void **state)
{
	const struct hf_contact c[] = {
		{1.0, HF_SIDE_LEFT}, {1.5, HF_SIDE_RIGHT}, {2.0, HF_SIDE_LEFT}, {2.6, HF_SIDE_RIGHT},
	};

	(void)state;
	/* 60 * (4 - 1) / (2.6 - 1.0) */
	assert_float_equal(hf_gait_cadence_spm(c, 4), 112.5, 1e-9);
	assert_true(isnan(hf_gait_cadence_spm(c, 1)));
}

/* The contract's definitions on steps: drop per foot and step time. */
static void test_summary_definitions(void **state)
{
	struct hf_gait_step s[5];
	struct hf_gait_summary g;
	struct hf_contact c[5];

	(void)state;
	memset(s, 0, sizeof s);
	for (int k = 0; k < 5; k++) {
		s[k].t_s = 10.0 + 0.5 * k + (k % 2 ? 0.05 : 0.0);
		s[k].foot = k % 2 ? HF_SIDE_RIGHT : HF_SIDE_LEFT;
		s[k].measured = k < 4;
		s[k].rise_deg = k % 2 ? 1.0 : 5.0; /* left: opposite side drops */
		s[k].fall_deg = k % 2 ? 3.0 : 0.5;
		s[k].vo_cm = 4.0;
		s[k].rotation_range_deg = NAN;
		s[k].tilt_deg = NAN;
	}
	hf_gait_summarise(s, 5, 1.0, &g, c);
	assert_int_equal(g.steps, 5);
	assert_false(g.run);
	assert_float_equal(g.pelvic_drop_deg[0], 5.0, 1e-9);
	assert_float_equal(g.pelvic_drop_deg[1], 3.0, 1e-9);
	/* left to right 0.55 s, right to left 0.45 s */
	assert_float_equal(g.step_time_s[0], 0.55, 1e-9);
	assert_float_equal(g.step_time_s[1], 0.45, 1e-9);
	assert_true(isnan(g.contact_time_s[0]));
	/* measured with the lateral axis the other way round */
	hf_gait_summarise(s, 5, -1.0, &g, c);
	assert_float_equal(g.pelvic_drop_deg[0], 0.5, 1e-9);
	assert_float_equal(g.pelvic_drop_deg[1], 1.0, 1e-9);
}

static void fill_times(double *t, int n, double t0, double step_s)
{
	for (int k = 0; k < n; k++)
		t[k] = t0 + k * step_s;
}

/* Streaming: contacts found, feet right, drop sign per foot right. */
static void test_drop_sign_per_foot(void **state)
{
	double t[20];
	struct walk w = {t, 20, 6.0, 2.0};
	struct sets s;

	(void)state;
	fill_times(t, 20, 2.0, 0.55);
	run_walk(&w, 20.0, &s);
	assert_int_equal(s.n, 1);
	/* the last contact starts no step of the model: 19 loaded contacts */
	assert_in_range(s.g[0].steps, 18, 20);
	for (int k = 0; k < s.g[0].n_contacts && k < 64; k++) {
		int i = (int)lround((s.c[0][k].t_s - 2.0) / 0.55);
		assert_true(fabs(s.c[0][k].t_s - t[i]) < 0.03);
		assert_int_equal(s.c[0][k].foot, i % 2 == 0 ? HF_SIDE_LEFT : HF_SIDE_RIGHT);
	}
	assert_float_equal(s.g[0].pelvic_drop_deg[0], 6.0, 0.5);
	assert_float_equal(s.g[0].pelvic_drop_deg[1], 2.0, 0.5);
	assert_float_equal(s.g[0].cadence_spm, 60.0 / 0.55, 1.0);
	/* and the mirror image */
	w.drop_left_deg = 1.5;
	w.drop_right_deg = 5.0;
	run_walk(&w, 20.0, &s);
	assert_int_equal(s.n, 1);
	assert_float_equal(s.g[0].pelvic_drop_deg[0], 1.5, 0.5);
	assert_float_equal(s.g[0].pelvic_drop_deg[1], 5.0, 0.5);
}

/* Two runs of contacts separated by `pause_s` from last to first. */
static int sets_after_pause(double pause_s)
{
	double t[24];
	struct walk w = {t, 24, 4.0, 4.0};
	struct sets s;

	fill_times(t, 12, 2.0, 0.5);
	fill_times(t + 12, 12, t[11] + pause_s, 0.5);
	run_walk(&w, t[23] + 4.0, &s);
	return s.n;
}

static void test_pause_splits_bout(void **state)
{
	(void)state;
	assert_int_equal(sets_after_pause(2.3), 2);
	assert_int_equal(sets_after_pause(1.6), 1);
}

/* Uncalibrated, a recording that starts lying down still finds the walk
 * (its posture is the one the bout starts in). */
/*
 * Feet alternate only across one step: with a step missed (a gap of two
 * step times) the neighbours beyond the gap must not vote with the wrong
 * parity.  Right foot = positive yaw score (gait_internal.h).
 */
static void test_feet_vote_not_across_missed_step(void **state)
{
	/* true feet L R L R (L missed at 2.0 s) R L R L */
	static const double t_s[] = {0.0, 0.5, 1.0, 1.5, 2.5, 3.0, 3.5, 4.0};
	static const double yaw_dps[] = {-10, 10, -10, 10, 1, -3, 3, -3};
	static const enum hf_side want[] = {HF_SIDE_LEFT, HF_SIDE_RIGHT, HF_SIDE_LEFT,
					    HF_SIDE_RIGHT, HF_SIDE_RIGHT, HF_SIDE_LEFT,
					    HF_SIDE_RIGHT, HF_SIDE_LEFT};
	struct hf_gait_step s[8];

	(void)state;
	memset(s, 0, sizeof s);
	for (int k = 0; k < 8; k++) {
		s[k].t_s = t_s[k];
		s[k].yaw_score_dps = yaw_dps[k];
	}
	hf_gait_assign_feet(s, 8);
	for (int k = 0; k < 8; k++)
		assert_int_equal(s[k].foot, want[k]);
}

static void test_uncalibrated_after_lying(void **state)
{
	double t[16];
	struct walk w = {t, 16, 4.0, 4.0};
	struct sets s;

	(void)state;
	fill_times(t, 16, 3.0, 0.5);
	lying_until_s = 2.0;
	run_walk_cfg(&w, 14.0, false, &s);
	lying_until_s = 0.0;
	assert_int_equal(s.n, 1);
	assert_in_range(s.g[0].steps, 14, 16);
	assert_float_equal(s.g[0].cadence_spm, 120.0, 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cadence_from_contacts),
		cmocka_unit_test(test_summary_definitions),
		cmocka_unit_test(test_drop_sign_per_foot),
		cmocka_unit_test(test_pause_splits_bout),
		cmocka_unit_test(test_uncalibrated_after_lying),
		cmocka_unit_test(test_feet_vote_not_across_missed_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
