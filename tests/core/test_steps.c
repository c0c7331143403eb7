/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The side-walk rules of contract section 10 on hand-built walks fed
 * straight into the steps kind (core/kinds/steps.c): the pelvis stands,
 * then steps sideways (a lead step and a trail step per cycle, each a
 * minimum-jerk move, the pelvis dipping towards the swing side), 100 Hz,
 * no noise.  Orientation, angular rate and specific force are exact;
 * calibrated runs have the sensor frame = pelvis frame, uncalibrated ones
 * a sensor turned every which way on the pelvis.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hipform/error.h"
#include "hipform/kind.h"
#include "hipform/program.h"
#include "hipform/report.h"
#include "hipform/summary.h"

#define RATE_HZ 100.0
#define MAX_SETS 8
#define MAX_CYC 32
#define MAX_PLAN 128

struct seen {
	int sets, faults;
	struct hf_steps_summary sum[MAX_SETS];
	struct hf_cycle cyc[MAX_SETS][MAX_CYC];
	enum hf_side side[MAX_SETS];
	double start_s[MAX_SETS], end_s[MAX_SETS];
	double said_s[MAX_SETS]; /* when the SET went out */
};

static void on_event(const struct hf_event *ev, void *user)
{
	struct seen *s = user;

	if (ev->type == HF_EVENT_SET && s->sets < MAX_SETS)
		s->said_s[s->sets] = ev->t_s;

	if (ev->type == HF_EVENT_FAULT && ev->fault == HF_FAULT_PELVIC_DROP)
		s->faults++;
	if (ev->type != HF_EVENT_SET || s->sets >= MAX_SETS)
		return;
	assert_non_null(ev->set->steps);
	s->sum[s->sets] = *ev->set->steps;
	assert_true(ev->set->steps->n_cycles <= MAX_CYC);
	memcpy(s->cyc[s->sets], ev->set->steps->cycles,
	       (size_t)ev->set->steps->n_cycles * sizeof s->cyc[0][0]);
	s->side[s->sets] = ev->set->side;
	s->start_s[s->sets] = ev->set->start_s;
	s->end_s[s->sets] = ev->set->end_s;
	s->sets++;
}

/* One cycle of the plan: its lead step starts at t_s, direction +1 left. */
struct cycle_plan {
	double t_s;
	int dir;
	double range_deg;
};

struct walk {
	int n;
	struct cycle_plan c[MAX_PLAN];
	double end_s;
};

#define LEAD_S 0.6
#define PAUSE_S 0.1
#define TRAIL_S 0.6
#define STEP_M 0.15          /* per step: 0.3 m a cycle */

static double minjerk(double u)
{
	if (u <= 0.0)
		return 0.0;
	if (u >= 1.0)
		return 1.0;
	return u * u * u * (10.0 - 15.0 * u + 6.0 * u * u);
}

static double dip(double u)
{
	return u <= 0.0 || u >= 1.0 ? 0.0 : sin(HF_PI * u) * sin(HF_PI * u);
}

/* Sideways position (m, + left) and obliquity (deg) at t. */
static void pelvis_at(const struct walk *w, double t, double *y_m, double *obl_deg)
{
	*y_m = *obl_deg = 0.0;
	for (int k = 0; k < w->n; k++) {
		const struct cycle_plan *c = &w->c[k];
		double ul = (t - c->t_s) / LEAD_S, ut = (t - c->t_s - LEAD_S - PAUSE_S) / TRAIL_S;
		*y_m += c->dir * STEP_M * (minjerk(ul) + minjerk(ut));
		/* the leading side dips in the lead step, the trailing side in
		 * the trail step: half the range each */
		*obl_deg += c->dir * 0.5 * c->range_deg * (dip(ut) - dip(ul));
	}
}

static struct hf_quat pelvis_q(const struct walk *w, double t)
{
	struct hf_angles a = {0};
	double y;

	pelvis_at(w, t, &y, &a.obliquity_deg);
	return hf_quat_from_angles(&a);
}

/* Append n cycles going dir from t0, every period_s; returns the time the
 * last trail step ends. */
static double add_cycles(struct walk *w, double t0, int n, int dir, double period_s,
			 const double *ranges)
{
	for (int k = 0; k < n && w->n < MAX_PLAN; k++) {
		struct cycle_plan *c = &w->c[w->n++];
		c->t_s = t0 + k * period_s;
		c->dir = dir;
		c->range_deg = ranges ? ranges[k] : 3.0;
	}
	return t0 + (n - 1) * period_s + LEAD_S + PAUSE_S + TRAIL_S;
}

static bool moving(const struct walk *w, double t)
{
	for (int k = 0; k < w->n; k++)
		if (t > w->c[k].t_s - 0.3 && t < w->c[k].t_s + LEAD_S + PAUSE_S + TRAIL_S + 0.3)
			return true;
	return false;
}

/* The walk fed at RATE_HZ to an analyser told the input comes at
 * config_rate_hz. */
static void run_at(const struct walk *w, bool calibrated, double config_rate_hz,
		   struct seen *s)
{
	const double h = 1e-4;
	const double ax[3] = {0.3, -0.8, 0.52};
	struct hf_quat mount = calibrated ? hf_quat_identity()
					  : hf_quat_from_axis_angle(ax, 2.1); /* any way round */
	struct hf_kind_config cfg = {
		.exercise = HF_EX_SIDE_WALK,
		.side = HF_SIDE_NONE,
		.has_mounting = calibrated,
		.pelvis_to_sensor = calibrated ? mount : hf_quat_identity(),
		.thresholds = hf_thresholds_default,
		.rate_hz = config_rate_hz,
	};
	const struct hf_kind_ops *ops = hf_kind_ops_get(HF_KIND_STEPS);
	void *k;

	memset(s, 0, sizeof *s);
	assert_non_null(ops);
	k = ops->create(&cfg, on_event, s);
	assert_non_null(k);
	for (long i = 0; i <= (long)(w->end_s * RATE_HZ); i++) {
		struct hf_motion m = {.t_s = (double)i / RATE_HZ};
		struct hf_quat q = pelvis_q(w, m.t_s), q0 = pelvis_q(w, m.t_s - h),
			       q1 = pelvis_q(w, m.t_s + h);
		double y0, y1, y, o, rv[3], f_w[3], f_p[3], w_p[3];

		pelvis_at(w, m.t_s - h, &y0, &o);
		pelvis_at(w, m.t_s, &y, &o);
		pelvis_at(w, m.t_s + h, &y1, &o);
		/* the pelvis moves along world y (it faces world x) */
		f_w[0] = 0.0;
		f_w[1] = (y1 - 2.0 * y + y0) / (h * h) / HF_G_MPS2;
		f_w[2] = 1.0;
		hf_quat_rotate_inv(q, f_w, f_p);
		hf_quat_to_rotvec(hf_quat_mul(hf_quat_conj(q0), q1), rv);
		for (int j = 0; j < 3; j++)
			w_p[j] = rv[j] / (2.0 * h) * HF_RAD2DEG;
		hf_quat_rotate(mount, f_p, m.acc_g);
		hf_quat_rotate(mount, w_p, m.gyro_dps);
		m.q_sensor_world = hf_quat_mul(q, hf_quat_conj(mount));
		m.still = !moving(w, m.t_s);
		ops->update(k, &m);
	}
	ops->finish(k);
	ops->destroy(k);
}

static void run(const struct walk *w, bool calibrated, struct seen *s)
{
	run_at(w, calibrated, RATE_HZ, s);
}

/*
 * Samples six times faster than the rate the analyser was sized for (a
 * CSV given a wrong --rate): its ring holds a sixth of the time it
 * should, and the peak of the last step falls out of it before the set
 * ends.  The set must still end 3 s after the last step, as measured.
 * The end test once read that peak back from the ring, got a newer
 * sample, and kept the set open to the end of the input.
 */
static void test_input_faster_than_its_rate(void **state)
{
	struct walk w = {0};
	struct seen s;
	double last_end;

	(void)state;
	last_end = add_cycles(&w, 4.0, 10, +1, 2.0, NULL);
	w.end_s = last_end + 40.0;
	run_at(&w, true, RATE_HZ / 6.0, &s);
	assert_int_equal(s.sets, 1);
	assert_int_equal(s.sum[0].steps, 10);
	assert_true(s.said_s[0] < last_end + 10.0);
}

/* Ten clean cycles to the left, one every 2 s: ten, left, 30 a minute,
 * each starting where its lead step does. */
static void test_clean_walk_count(void **state)
{
	struct walk w = {0};
	struct seen s;

	(void)state;
	w.end_s = add_cycles(&w, 4.0, 10, +1, 2.0, NULL) + 5.0;
	run(&w, true, &s);
	assert_int_equal(s.sets, 1);
	assert_int_equal(s.sum[0].steps, 10);
	assert_int_equal(s.sum[0].n_cycles, 10);
	assert_int_equal(s.side[0], HF_SIDE_LEFT);
	assert_true(fabs(s.sum[0].cadence_cpm - 30.0) < 0.3);
	for (int k = 0; k < 10; k++) {
		assert_true(fabs(s.cyc[0][k].start_s - w.c[k].t_s) < 0.05);
		assert_true(fabs(s.cyc[0][k].obliquity_range_deg - 3.0) < 0.1);
		assert_int_equal(s.cyc[0][k].faults, 0);
	}
	/* the last cycle ends with its trail step */
	assert_true(fabs(s.cyc[0][9].end_s - (w.c[9].t_s + LEAD_S + PAUSE_S + TRAIL_S)) < 0.1);
	assert_int_equal(s.faults, 0);
}

/* Eight cycles left, a 1.2 s stop, eight cycles right: two sets with the
 * two sides (calibrated), two sets with no side (uncalibrated). */
static void test_direction_change_splits(void **state)
{
	struct walk w = {0};
	struct seen s;
	double t;

	(void)state;
	t = add_cycles(&w, 4.0, 8, +1, 2.0, NULL);
	w.end_s = add_cycles(&w, t + 1.2, 8, -1, 2.0, NULL) + 5.0;
	run(&w, true, &s);
	assert_int_equal(s.sets, 2);
	assert_int_equal(s.side[0], HF_SIDE_LEFT);
	assert_int_equal(s.side[1], HF_SIDE_RIGHT);
	assert_int_equal(s.sum[0].steps, 8);
	assert_int_equal(s.sum[1].steps, 8);
	assert_true(fabs(s.start_s[1] - (t + 1.2)) < 0.05);
	run(&w, false, &s);
	assert_int_equal(s.sets, 2);
	assert_int_equal(s.side[0], HF_SIDE_NONE);
	assert_int_equal(s.side[1], HF_SIDE_NONE);
	assert_int_equal(s.sum[0].steps, 8);
	assert_int_equal(s.sum[1].steps, 8);
}

/* A cycle whose obliquity spans 6.5 deg has pelvic_drop, one of 5.5 deg
 * has not; the fault goes out live once per faulty cycle. */
static void test_pelvic_drop_threshold(void **state)
{
	static const double ranges[6] = {6.5, 5.5, 6.5, 5.5, 6.5, 5.5};
	struct walk w = {0};
	struct seen s;

	(void)state;
	w.end_s = add_cycles(&w, 4.0, 6, -1, 2.0, ranges) + 5.0;
	for (int cal = 0; cal < 2; cal++) {
		run(&w, cal == 1, &s);
		assert_int_equal(s.sets, 1);
		assert_int_equal(s.sum[0].n_cycles, 6);
		for (int k = 0; k < 6; k++) {
			bool drop = s.cyc[0][k].faults & HF_FAULT_BIT(HF_FAULT_PELVIC_DROP);
			assert_true(fabs(s.cyc[0][k].obliquity_range_deg - ranges[k]) < 0.15);
			assert_int_equal(drop, ranges[k] > 6.0);
		}
		assert_int_equal(s.faults, 3);
	}
}

/* 3.2 s from a trail step's end to the next lead step ends the set; 2.7 s
 * does not. */
static void test_three_seconds_without_a_step(void **state)
{
	struct walk w = {0};
	struct seen s;
	double t;

	(void)state;
	t = add_cycles(&w, 4.0, 6, +1, 2.0, NULL);
	w.end_s = add_cycles(&w, t + 3.2, 6, +1, 2.0, NULL) + 5.0;
	run(&w, true, &s);
	assert_int_equal(s.sets, 2);
	assert_int_equal(s.sum[0].steps, 6);
	assert_int_equal(s.sum[1].steps, 6);
	assert_int_equal(s.side[1], HF_SIDE_LEFT);

	memset(&w, 0, sizeof w);
	t = add_cycles(&w, 4.0, 6, +1, 2.0, NULL);
	w.end_s = add_cycles(&w, t + 2.7, 6, +1, 2.0, NULL) + 5.0;
	run(&w, true, &s);
	assert_int_equal(s.sets, 1);
	assert_int_equal(s.sum[0].steps, 12);
}

static void collect(const struct hf_event *ev, void *user)
{
	if (ev->type == HF_EVENT_SET)
		assert_int_equal(hf_report_add_set(user, ev->set), HF_OK);
}

/* Analyse w into r (calibrated) through the report's copies. */
static void report_of(const struct walk *w, struct hf_report *r)
{
	const struct hf_kind_ops *ops = hf_kind_ops_get(HF_KIND_STEPS);
	struct hf_kind_config cfg = {
		.exercise = HF_EX_SIDE_WALK, .has_mounting = true,
		.pelvis_to_sensor = hf_quat_identity(), .thresholds = hf_thresholds_default,
		.rate_hz = RATE_HZ,
	};
	void *k = ops->create(&cfg, collect, r);

	assert_non_null(k);
	for (long i = 0; i <= (long)(w->end_s * RATE_HZ); i++) {
		const double h = 1e-4;
		struct hf_motion m = {.t_s = (double)i / RATE_HZ};
		struct hf_quat q = pelvis_q(w, m.t_s), q0 = pelvis_q(w, m.t_s - h),
			       q1 = pelvis_q(w, m.t_s + h);
		double y0, y, y1, o, f_w[3], rv[3];
		pelvis_at(w, m.t_s - h, &y0, &o);
		pelvis_at(w, m.t_s, &y, &o);
		pelvis_at(w, m.t_s + h, &y1, &o);
		f_w[0] = 0.0;
		f_w[1] = (y1 - 2.0 * y + y0) / (h * h) / HF_G_MPS2;
		f_w[2] = 1.0;
		hf_quat_rotate_inv(q, f_w, m.acc_g);
		hf_quat_to_rotvec(hf_quat_mul(hf_quat_conj(q0), q1), rv);
		for (int j = 0; j < 3; j++)
			m.gyro_dps[j] = rv[j] / (2.0 * h) * HF_RAD2DEG;
		m.q_sensor_world = q;
		m.still = !moving(w, m.t_s);
		ops->update(k, &m);
	}
	ops->finish(k);
	ops->destroy(k);
}

/* Program compliance (section 12) counts the cycles of side-walk sets and
 * matches their sides: 2 sets each way of 18-45 cycles; a block for one
 * side takes only that side's sets. */
static void comply(const char *text, const int *n, const int *dir, int sets,
		   struct hf_report *r, struct hf_compliance *c)
{
	struct hf_program p;
	struct walk w = {0};
	char err[160];
	double t = 4.0;

	assert_int_equal(hf_program_parse(&p, text, err, sizeof err), HF_OK);
	for (int k = 0; k < sets; k++)
		t = add_cycles(&w, t, n[k], dir[k], 1.6, NULL) + 1.5;
	w.end_s = t + 5.0;
	hf_report_init(r);
	report_of(&w, r);
	assert_int_equal(r->n_sets, sets);
	for (int k = 0; k < sets; k++) {
		const struct hf_steps_summary *st = r->sets[k].sum.steps;
		assert_int_equal(st->steps, n[k]);
		/* the report's own copy of the cycles */
		assert_true(st->cycles[n[k] - 1].end_s > st->cycles[0].start_s);
	}
	hf_program_comply(&p, r, c);
}

static void test_program_cycles_and_sides(void **state)
{
	static const char both[] = "[program]\nname = t\n[Side walks]\nexercise = side_walk\n"
				   "side = both\nsets = 2\ncycles = 18-45\n";
	static const char right[] = "[program]\nname = t\n[Right]\nexercise = side_walk\n"
				    "side = right\ncycles = 18-45\n";
	static const int dir[4] = {+1, -1, +1, -1};
	const int short_one[4] = {20, 20, 20, 17}, full[4] = {20, 20, 20, 19};
	struct hf_compliance c;
	struct hf_report r;

	(void)state;
	comply(both, short_one, dir, 4, &r, &c);
	assert_int_equal(c.blocks[0].n_sets, 4);
	assert_true(c.blocks[0].set_ok[0] && c.blocks[0].set_ok[1] && c.blocks[0].set_ok[2]);
	assert_false(c.blocks[0].set_ok[3]);  /* 17 cycles: short */
	assert_false(c.blocks[0].complete);   /* one right set as prescribed */
	hf_report_free(&r);
	comply(both, full, dir, 4, &r, &c);
	assert_true(c.blocks[0].complete);
	hf_report_free(&r);
	comply(right, full, dir, 2, &r, &c);
	assert_int_equal(c.unmatched_sets, 1); /* the left one */
	assert_int_equal(c.blocks[0].n_sets, 1);
	assert_int_equal(r.sets[c.blocks[0].sets[0]].sum.side, HF_SIDE_RIGHT);
	assert_true(c.blocks[0].complete);
	hf_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_walk_count),
		cmocka_unit_test(test_input_faster_than_its_rate),
		cmocka_unit_test(test_direction_change_splits),
		cmocka_unit_test(test_pelvic_drop_threshold),
		cmocka_unit_test(test_three_seconds_without_a_step),
		cmocka_unit_test(test_program_cycles_and_sides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
