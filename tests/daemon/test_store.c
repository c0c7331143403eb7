/* SPDX-License-Identifier: BSD-2-Clause */
/* The history database: schema, a set in one transaction, reading back. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "../../daemon/store/recording.h"
#include "../../daemon/store/store.h"
#include "hipform/error.h"
#include "hipform/report.h"

static const char *tmp_path(const char *name)
{
	static char path[512];
	const char *dir = getenv("TMPDIR");

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	return path;
}

static void remove_db(const char *path)
{
	char p[600];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static void make_set(struct hf_set_summary *s, struct hf_rep reps[2])
{
	memset(reps, 0, 2 * sizeof reps[0]);
	reps[0] = (struct hf_rep){.start_s = 10, .peak_s = 11.5, .end_s = 14, .excursion_deg = 22,
				  .hold_s = 2.5, .rise_s = 1, .lower_s = 1, .tilt_deg = -22};
	reps[1] = (struct hf_rep){.start_s = 16, .peak_s = 17.2, .end_s = 19, .excursion_deg = 12,
				  .hold_s = 1.2, .rise_s = 0.4, .lower_s = 1,
				  .faults = HF_FAULT_BIT(HF_FAULT_SHORT_HOLD) |
					    HF_FAULT_BIT(HF_FAULT_SHALLOW) |
					    HF_FAULT_BIT(HF_FAULT_RUSHED)};
	*s = (struct hf_set_summary){.exercise = HF_EX_HIP_LIFT, .start_s = 10, .end_s = 19,
				     .rep_count = 2, .reps = reps};
}

static void test_roundtrip(void **state)
{
	const char *path = tmp_path("hfd_store_test.db");
	struct hfd_store *s;
	struct hf_set_summary set;
	struct hf_rep reps[2];
	int64_t id = 0;
	json_object *j, *sets, *hist, *row, *v;

	remove_db(path);
	assert_int_equal(hfd_store_open(&s, path), HF_OK);
	assert_int_equal(hfd_store_latest(s), 0);
	assert_int_equal(hfd_store_session_begin(s, 1700000000, "/dev/ttyUSB0", &id), HF_OK);
	assert_true(id > 0);
	assert_int_equal(hfd_store_session_recording(s, id, "/x/1.csv"), HF_OK);
	make_set(&set, reps);
	j = hf_json_set(&set);
	assert_int_equal(hfd_store_set(s, id, 0, &set, j), HF_OK);
	/* the same index again violates UNIQUE: refused, nothing half-written */
	assert_int_not_equal(hfd_store_set(s, id, 0, &set, j), HF_OK);
	json_object_put(j);
	assert_int_equal(hfd_store_session_end(s, id, 1700000600), HF_OK);
	hfd_store_close(s);

	assert_int_equal(hfd_store_open(&s, path), HF_OK);
	assert_int_equal(hfd_store_latest(s), id);
	j = hfd_store_session_json(s, id);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "sets", &sets));
	assert_int_equal(json_object_array_length(sets), 1);
	assert_true(json_object_object_get_ex(j, "end", &v));
	assert_string_equal(json_object_get_string(v), "2023-11-14T22:23:20Z");
	json_object_put(j);
	hist = hfd_store_history(s, 10);
	assert_int_equal(json_object_array_length(hist), 1);
	row = json_object_array_get_idx(hist, 0);
	assert_true(json_object_object_get_ex(row, "reps", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_true(json_object_object_get_ex(row, "faults", &v));
	assert_int_equal(json_object_get_int(v), 3);
	assert_true(json_object_object_get_ex(row, "recording", &v));
	assert_string_equal(json_object_get_string(v), "/x/1.csv");
	json_object_put(hist);
	assert_null(hfd_store_session_json(s, id + 1));
	hfd_store_close(s);
	remove_db(path);
}

/* A walk and a run in one session: the history's gait figures are the
 * step-weighted means over its gait sets (contract section 11 fields). */
static void test_history_gait(void **state)
{
	const char *path = tmp_path("hfd_store_gait.db");
	struct hfd_store *s;
	struct hf_contact c[2] = {{1.0, HF_SIDE_LEFT}, {1.5, HF_SIDE_RIGHT}};
	struct hf_gait_summary walk = {
		.steps = 100, .cadence_spm = 110, .n_contacts = 2, .contacts = c,
		.step_time_s = {0.55, 0.55}, .pelvic_drop_deg = {4.0, 6.0},
		.contact_time_s = {NAN, NAN}, .tilt_deg = NAN,
	}, run = walk;
	struct hf_set_summary set = {.exercise = HF_EX_WALK, .start_s = 1, .end_s = 60, .gait = &walk};
	int64_t id = 0;
	json_object *j, *hist, *g, *v, *lr;

	(void)state;
	run.run = true;
	run.steps = 300;
	run.cadence_spm = 170;
	run.pelvic_drop_deg[0] = 8.0;
	run.pelvic_drop_deg[1] = 6.0;
	run.contact_time_s[0] = 0.25;
	run.contact_time_s[1] = 0.23;
	remove_db(path);
	assert_int_equal(hfd_store_open(&s, path), HF_OK);
	assert_int_equal(hfd_store_session_begin(s, 1700000000, "/dev/ttyUSB0", &id), HF_OK);
	j = hf_json_set(&set);
	assert_int_equal(hfd_store_set(s, id, 0, &set, j), HF_OK);
	json_object_put(j);
	set.exercise = HF_EX_RUN;
	set.gait = &run;
	j = hf_json_set(&set);
	assert_int_equal(hfd_store_set(s, id, 1, &set, j), HF_OK);
	json_object_put(j);
	hist = hfd_store_history(s, 10);
	assert_true(json_object_object_get_ex(json_object_array_get_idx(hist, 0), "gait", &g));
	assert_non_null(g);
	assert_true(json_object_object_get_ex(g, "steps", &v));
	assert_int_equal(json_object_get_int(v), 400);
	assert_true(json_object_object_get_ex(g, "cadence_spm", &v));
	assert_float_equal(json_object_get_double(v), (100 * 110 + 300 * 170) / 400.0, 1e-3);
	assert_true(json_object_object_get_ex(g, "pelvic_drop_deg", &lr));
	assert_true(json_object_object_get_ex(lr, "left", &v));
	assert_float_equal(json_object_get_double(v), (100 * 4.0 + 300 * 8.0) / 400.0, 1e-3);
	/* contact time: the run's alone (a walk has none) */
	assert_true(json_object_object_get_ex(g, "contact_time_s", &lr));
	assert_true(json_object_object_get_ex(lr, "right", &v));
	assert_float_equal(json_object_get_double(v), 0.23, 1e-3);
	json_object_put(hist);
	hfd_store_close(s);
	remove_db(path);
}

static void test_recording_round(void **state)
{
	struct hf_sample in = {.t_s = 12.345678912345, .acc_g = {1.0 / 2048.0 * 1234, -0.9999999999, 0},
			       .gyro_dps = {2000.0 / 32768.0 * 77, 0, -1e-12}}, out;
	char line[200];

	hfd_recording_round(&in, &out);
	/* what is analysed prints to the same text and parses back to itself */
	snprintf(line, sizeof line, "%.9g", out.acc_g[0]);
	assert_true(strtod(line, NULL) == out.acc_g[0]);
	assert_true(out.t_s != in.t_s); /* it was rounded */
	assert_true(out.t_s - in.t_s < 1e-6 && in.t_s - out.t_s < 1e-6);
}

/* Schema 1, as hipformd wrote it before the program columns. */
static const char v1_schema[] =
	"CREATE TABLE sessions (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  start TEXT NOT NULL, end TEXT, device TEXT, recording TEXT,"
	"  input_json TEXT, calibrated INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE sets (id INTEGER PRIMARY KEY,"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
	"  set_index INTEGER NOT NULL, exercise TEXT NOT NULL, side TEXT,"
	"  start_s REAL NOT NULL, end_s REAL NOT NULL, rep_count INTEGER NOT NULL,"
	"  rep_period_s REAL, json TEXT NOT NULL, UNIQUE (session_id, set_index));"
	"CREATE TABLE reps (id INTEGER PRIMARY KEY,"
	"  set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,"
	"  rep INTEGER NOT NULL, start_s REAL, peak_s REAL, end_s REAL,"
	"  excursion_deg REAL, hold_s REAL, rise_s REAL, lower_s REAL,"
	"  tilt_deg REAL, obliquity_deg REAL, rotation_deg REAL);"
	"CREATE TABLE faults (id INTEGER PRIMARY KEY,"
	"  rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE, code TEXT NOT NULL);"
	"INSERT INTO sessions (start, end) VALUES ('2026-11-02T07:00:00Z', '2026-11-02T07:30:00Z');"
	"INSERT INTO sets (session_id, set_index, exercise, start_s, end_s, rep_count, json)"
	"  VALUES (1, 0, 'hip_lift', 10, 19, 2, '{\"exercise\":\"hip_lift\",\"kind\":\"reps\"}');"
	"PRAGMA user_version = 1;";

static int db_user_version(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static json_object *history_member(json_object *hist, int i, const char *key)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(json_object_array_get_idx(hist, i), key, &v));
	return v;
}

/* A schema 1 history keeps its sessions and takes program compliance. */
static void test_migrate_v1(void **state)
{
	const char *path = tmp_path("hfd_store_v1.db");
	struct hfd_program_result res = {.name = "Glute activation", .blocks = 9,
					 .blocks_done = 5, .blocks_partly = 1};
	struct hfd_store *s;
	sqlite3 *db;
	json_object *hist, *p, *v, *j;
	int64_t id = 0;

	remove_db(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(hfd_store_open(&s, path), HF_OK);
	assert_int_equal(db_user_version(path), HFD_SCHEMA_VERSION);
	hist = hfd_store_history(s, 10);
	assert_int_equal(json_object_array_length(hist), 1);
	assert_null(history_member(hist, 0, "program"));
	assert_int_equal(json_object_get_int(history_member(hist, 0, "sets")), 1);
	assert_int_equal(json_object_get_int(history_member(hist, 0, "reps")), 2);
	assert_int_equal(json_object_array_length(history_member(hist, 0, "bouts")), 0);
	json_object_put(hist);
	j = hfd_store_session_json(s, 1);
	assert_false(json_object_object_get_ex(j, "compliance", &v));
	json_object_put(j);

	/* a new session in the migrated database, with its program */
	assert_int_equal(hfd_store_session_begin(s, 1764000000, "/dev/ttyUSB0", &id), HF_OK);
	assert_int_equal(id, 2);
	res.compliance = json_tokener_parse("[{\"block\":\"Hip lifts\",\"complete\":true}]");
	assert_int_equal(hfd_store_session_program(s, id, &res), HF_OK);
	json_object_put(res.compliance);
	hfd_store_close(s);

	assert_int_equal(hfd_store_open(&s, path), HF_OK); /* already 2: nothing to do */
	hist = hfd_store_history(s, 10);
	p = history_member(hist, 0, "program");
	assert_non_null(p);
	assert_true(json_object_object_get_ex(p, "name", &v));
	assert_string_equal(json_object_get_string(v), "Glute activation");
	assert_true(json_object_object_get_ex(p, "complete", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(p, "blocks_complete", &v));
	assert_int_equal(json_object_get_int(v), 5);
	assert_true(json_object_object_get_ex(p, "blocks_missed", &v));
	assert_int_equal(json_object_get_int(v), 3);
	assert_null(history_member(hist, 1, "program"));
	json_object_put(hist);
	j = hfd_store_session_json(s, id);
	assert_true(json_object_object_get_ex(j, "compliance", &v));
	assert_int_equal(json_object_array_length(v), 1);
	json_object_put(j);
	hfd_store_close(s);

	/* a database of a newer schema is refused, untouched */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(hfd_store_open(&s, path), HF_ERR_FORMAT);
	assert_int_equal(db_user_version(path), 99);
	remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_history_gait),
		cmocka_unit_test(test_migrate_v1),
		cmocka_unit_test(test_recording_round),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
