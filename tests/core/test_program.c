/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Programs (contract section 12): the file format, the shipped program,
 * matching in order, and the compliance of a program on a recorded
 * (simulated) session against the simulator's ground truth.
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

#include "hipform/analyzer.h"
#include "hipform/error.h"
#include "hipform/program.h"
#include "hipform/report.h"
#include "hipform/sim.h"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_shipped_program_parses(void **state)
{
	char *text = read_file(HF_SOURCE_DIR "/programs/glute-activation.ini");
	struct hf_program p;
	char err[200];

	(void)state;
	assert_int_equal(hf_program_parse(&p, text, err, sizeof err), HF_OK);
	assert_string_equal(p.name, "Glute activation");
	assert_int_equal(p.n_blocks, 9);
	assert_int_equal(p.blocks[0].exercise, HF_EX_FOAM_ROLL);
	assert_int_equal(p.blocks[0].posture, HF_POSTURE_PRONE);
	assert_int_equal(p.blocks[3].exercise, HF_EX_HIP_LIFT);
	assert_true(p.blocks[3].reps.lo == 10.0 && p.blocks[3].reps.hi == 12.0);
	assert_true(p.blocks[3].sets.lo == 2.0 && p.blocks[3].hold_s == 2.0);
	assert_int_equal(p.blocks[4].side, HF_PROGRAM_SIDE_BOTH);
	assert_true(hf_program_hold_target_s(&p, HF_EX_PLANK_FRONT) == 30.0);
	free(text);
}

static void test_bad_files_say_where(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{"[a]\nexercise = hip_lift\nreps = ten\n", "line 3: not a number or range like 10-12"},
		{"[a]\nexercise = squat\n", "line 2: unknown exercise"},
		{"[a]\nexercise = hip_lift\nreps = 10\nweight = 3\n", "line 4: unknown key"},
		{"[a]\nexercise = hip_lift\n", "[a]: reps missing"},
		{"[a]\nexercise = clam_shell\nreps = 10\n", "[a]: the exercise needs side = left, right or both"},
		{"[a]\nexercise = hip_lift\nreps = 12-10\n", "line 3: not a number or range like 10-12"},
		{"[program]\nname = x\n", "no blocks"},
	};
	struct hf_program p;
	char err[200];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(hf_program_parse(&p, cases[i].text, err, sizeof err), HF_ERR_FORMAT);
		assert_string_equal(err, cases[i].err);
	}
}

/* A report of hand-made sets. */
static void add_reps_set(struct hf_report *r, enum hf_exercise ex, enum hf_side side,
			 double t, int reps, double hold_s)
{
	struct hf_rep rr[20];
	struct hf_set_summary s = {.exercise = ex, .side = side, .start_s = t, .end_s = t + 30,
				   .rep_count = reps, .reps = rr};

	for (int i = 0; i < reps; i++)
		rr[i] = (struct hf_rep){.hold_s = hold_s};
	assert_int_equal(hf_report_add_set(r, &s), HF_OK);
}

static void add_hold_set(struct hf_report *r, enum hf_exercise ex, enum hf_side side,
			 double t, double hold_s)
{
	struct hf_hold_summary h = {.start_s = t, .end_s = t + hold_s, .hold_s = hold_s};
	struct hf_set_summary s = {.exercise = ex, .side = side, .start_s = t,
				   .end_s = t + hold_s, .hold = &h};

	assert_int_equal(hf_report_add_set(r, &s), HF_OK);
}

static const char program_text[] =
	"[program]\nname = test\n"
	"[Stretch]\nexercise = hip_flexor_stretch\nside = both\nhold_s = 30\n"
	"[Hip lifts]\nexercise = hip_lift\nsets = 2\nreps = 10-12\nhold_s = 2\n"
	"[Clams]\nexercise = clam_shell\nside = both\nreps = 10-12\nhold_s = 2\n"
	"[Front plank]\nexercise = plank_front\nhold_s = 30\n"
	"[Back plank]\nexercise = plank_back\nhold_s = 30\n";

/* In order: the stretch is done on one side only (partly), the hip lifts
 * twice well (done), one clam set is short of its holds (partly), the
 * back plank is done before... nothing: the front plank is missed, and a
 * hip lift set after the planks is not taken by the hip lift block. */
static void test_matching_in_order(void **state)
{
	struct hf_program p;
	struct hf_report r;
	struct hf_compliance c;
	char err[200];

	(void)state;
	assert_int_equal(hf_program_parse(&p, program_text, err, sizeof err), HF_OK);
	hf_report_init(&r);
	add_hold_set(&r, HF_EX_HIP_FLEXOR_STRETCH, HF_SIDE_LEFT, 0, 35);
	add_reps_set(&r, HF_EX_HIP_LIFT, HF_SIDE_NONE, 60, 11, 2.3);
	add_reps_set(&r, HF_EX_HIP_LIFT, HF_SIDE_NONE, 120, 12, 2.1);
	add_reps_set(&r, HF_EX_CLAM_SHELL, HF_SIDE_LEFT, 180, 10, 2.2);
	add_reps_set(&r, HF_EX_CLAM_SHELL, HF_SIDE_RIGHT, 240, 10, 1.4);
	add_hold_set(&r, HF_EX_PLANK_BACK, HF_SIDE_NONE, 300, 41);
	add_reps_set(&r, HF_EX_HIP_LIFT, HF_SIDE_NONE, 400, 11, 2.3);
	hf_program_comply(&p, &r, &c);
	assert_int_equal(c.n_blocks, 5);
	assert_int_equal(c.blocks[0].status, HF_BLOCK_PARTLY);
	assert_int_equal(c.blocks[1].status, HF_BLOCK_DONE);
	assert_int_equal(c.blocks[1].n_sets, 2);
	assert_int_equal(c.blocks[2].status, HF_BLOCK_PARTLY);
	assert_false(c.blocks[2].set_ok[1]);
	assert_int_equal(c.blocks[3].status, HF_BLOCK_MISSED);
	assert_int_equal(c.blocks[4].status, HF_BLOCK_DONE);
	assert_int_equal(c.unmatched_sets, 1);
	hf_report_free(&r);
}

static void on_event(const struct hf_event *ev, void *user)
{
	if (ev->type == HF_EVENT_SET)
		assert_int_equal(hf_report_add_set(user, ev->set), HF_OK);
}

/*
 * A recorded session: a simulated front plank session, analysed as the
 * daemon and `hipform analyze` do, against a program of hip lifts, a
 * front plank of 30 s and a back plank.  What compliance must say comes
 * from the simulator's truth: the plank block is done when a true hold
 * lasted 30 s or more; the others are missed.
 */
static void test_compliance_of_a_recorded_session(void **state)
{
	char err[200];
	struct hf_program p;
	struct hf_compliance c;

	(void)state;
	assert_int_equal(hf_program_parse(&p, program_text, err, sizeof err), HF_OK);
	for (unsigned seed = 1; seed <= 4; seed++) {
		struct hf_sim_sensor sensor;
		struct hf_sim_hold_session s;
		struct hf_analyzer_config cfg;
		struct hf_analyzer *a;
		struct hf_report r;
		bool long_enough = false;

		hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_GOOD, 100.0, seed);
		assert_int_equal(hf_sim_hold_session(&sensor, HF_EX_PLANK_FRONT, HF_SIDE_NONE,
						     seed, &s), HF_OK);
		for (int k = 0; k < s.n_holds; k++)
			long_enough |= s.holds[k].sum.hold_s >= 30.0;
		hf_analyzer_config_default(&cfg);
		cfg.exercise = HF_EX_PLANK_FRONT;
		cfg.rate_hz = 100.0;
		cfg.calib.has_mounting = true;
		cfg.calib.pelvis_to_sensor = sensor.pelvis_to_sensor;
		hf_report_init(&r);
		a = hf_analyzer_new(&cfg, on_event, &r);
		assert_non_null(a);
		for (size_t i = 0; i < s.n; i++)
			hf_analyzer_update(a, &s.samples[i]);
		hf_analyzer_finish(a);
		hf_analyzer_free(a);
		hf_program_comply(&p, &r, &c);
		assert_int_equal(c.blocks[0].status, HF_BLOCK_MISSED);
		assert_int_equal(c.blocks[1].status, HF_BLOCK_MISSED);
		assert_int_equal(c.blocks[3].n_sets, s.n_holds);
		assert_int_equal(c.blocks[3].status,
				 long_enough ? HF_BLOCK_DONE : HF_BLOCK_PARTLY);
		assert_int_equal(c.blocks[4].status, HF_BLOCK_MISSED);
		hf_report_free(&r);
		hf_sim_hold_session_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_program_parses),
		cmocka_unit_test(test_bad_files_say_where),
		cmocka_unit_test(test_matching_in_order),
		cmocka_unit_test(test_compliance_of_a_recorded_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
