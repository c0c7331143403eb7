/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The history database.
 *
 * The problem: the daemon can be killed at any instant (kill -9, power
 * loss) and the disk can fill, yet the history must stay consistent and
 * the daemon must keep serving.  SQLite in WAL mode gives atomic commits;
 * each finished set (its row, its reps, their faults) is one transaction,
 * so a kill leaves either the whole set or none of it.  synchronous=NORMAL
 * is durable enough in WAL (a power cut may lose the last commits, never
 * consistency).  Every error is logged with what was being written and
 * returned; the caller logs and goes on.  The page cache is kept to
 * 512 KiB (SQLite's default is 2 MiB): a set is a few pages, and the soak
 * benchmark (bench/soak_daemon.sh) showed the default cache as RSS that
 * grew with the database for days.
 *
 * Schema version in PRAGMA user_version; migrations are a list of SQL
 * scripts, script i taking the schema from version i to i+1.  Version 2
 * added the program compliance of a session (columns that stay NULL for
 * sessions without a program, and for every session stored before).
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/log.h"
#include "hipform/report.h"
#include "store.h"

static const char *const migrations[HFD_SCHEMA_VERSION] = {
	/* 0 -> 1 */
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  start TEXT NOT NULL, end TEXT, device TEXT, recording TEXT,"
	"  input_json TEXT, calibrated INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE sets ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
	"  set_index INTEGER NOT NULL, exercise TEXT NOT NULL, side TEXT,"
	"  start_s REAL NOT NULL, end_s REAL NOT NULL, rep_count INTEGER NOT NULL,"
	"  rep_period_s REAL, json TEXT NOT NULL,"
	"  UNIQUE (session_id, set_index));"
	"CREATE TABLE reps ("
	"  id INTEGER PRIMARY KEY,"
	"  set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,"
	"  rep INTEGER NOT NULL, start_s REAL, peak_s REAL, end_s REAL,"
	"  excursion_deg REAL, hold_s REAL, rise_s REAL, lower_s REAL,"
	"  tilt_deg REAL, obliquity_deg REAL, rotation_deg REAL);"
	"CREATE TABLE faults ("
	"  id INTEGER PRIMARY KEY,"
	"  rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,"
	"  code TEXT NOT NULL);"
	"CREATE INDEX sets_session ON sets(session_id);"
	"CREATE INDEX reps_set ON reps(set_id);"
	"CREATE INDEX faults_rep ON faults(rep_id);",
	/* 1 -> 2: the program compliance of a session */
	"ALTER TABLE sessions ADD COLUMN program_name TEXT;"
	"ALTER TABLE sessions ADD COLUMN program_blocks INTEGER;"
	"ALTER TABLE sessions ADD COLUMN program_blocks_done INTEGER;"
	"ALTER TABLE sessions ADD COLUMN program_blocks_partly INTEGER;"
	"ALTER TABLE sessions ADD COLUMN program_complete INTEGER;"
	"ALTER TABLE sessions ADD COLUMN compliance_json TEXT;",
};

enum stmt_id {
	ST_SESSION_BEGIN, ST_SESSION_RECORDING, ST_SESSION_END, ST_SESSION_INPUT, ST_SET, ST_REP, ST_FAULT,
	ST_SESSION_PROGRAM, ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_SESSION_BEGIN] = "INSERT INTO sessions (start, device) VALUES (?, ?)",
	[ST_SESSION_RECORDING] = "UPDATE sessions SET recording = ? WHERE id = ?",
	[ST_SESSION_END] = "UPDATE sessions SET end = ? WHERE id = ?",
	[ST_SESSION_INPUT] = "UPDATE sessions SET input_json = ?, calibrated = ? WHERE id = ?",
	[ST_SET] = "INSERT INTO sets (session_id, set_index, exercise, side, start_s, end_s,"
		   " rep_count, rep_period_s, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_REP] = "INSERT INTO reps (set_id, rep, start_s, peak_s, end_s, excursion_deg,"
		   " hold_s, rise_s, lower_s, tilt_deg, obliquity_deg, rotation_deg)"
		   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_FAULT] = "INSERT INTO faults (rep_id, code) VALUES (?, ?)",
	[ST_SESSION_PROGRAM] = "UPDATE sessions SET program_name = ?, program_blocks = ?,"
			       " program_blocks_done = ?, program_blocks_partly = ?,"
			       " program_complete = ?, compliance_json = ? WHERE id = ?",
};

struct hfd_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	char path[512];
};

void hfd_iso8601(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int fail(struct hfd_store *s, const char *what)
{
	hf_err_log("history %s: %s: %s (history not updated; analysis goes on)",
		   s->path, what, sqlite3_errmsg(s->db));
	return HF_ERR_SYS;
}

static int exec(struct hfd_store *s, const char *sql, const char *what)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? HF_OK : fail(s, what);
}

static int user_version(struct hfd_store *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct hfd_store *s)
{
	int v = user_version(s);
	char sql[64];

	if (v < 0)
		return fail(s, "reading the schema version");
	if (v > HFD_SCHEMA_VERSION) {
		hf_err_log("history %s has schema %d, newer than this hipformd (%d)",
			   s->path, v, HFD_SCHEMA_VERSION);
		return HF_ERR_FORMAT;
	}
	for (; v < HFD_SCHEMA_VERSION; v++) {
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (exec(s, "BEGIN IMMEDIATE", "migrating") != HF_OK)
			return HF_ERR_SYS;
		if (exec(s, migrations[v], "migrating") != HF_OK ||
		    exec(s, sql, "migrating") != HF_OK) {
			exec(s, "ROLLBACK", "rolling back");
			return HF_ERR_SYS;
		}
		if (exec(s, "COMMIT", "migrating") != HF_OK)
			return HF_ERR_SYS;
	}
	return HF_OK;
}

static int setup(struct hfd_store *s)
{
	int r;

	sqlite3_busy_timeout(s->db, 2000);
	r = exec(s, "PRAGMA journal_mode = WAL", "enabling WAL");
	if (r == HF_OK)
		r = exec(s, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
			 " PRAGMA cache_size = -512", "setting pragmas");
	if (r == HF_OK)
		r = migrate(s);
	for (int i = 0; r == HF_OK && i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &s->st[i], NULL) != SQLITE_OK)
			r = fail(s, "preparing statements");
	return r;
}

int hfd_store_open(struct hfd_store **out, const char *path)
{
	struct hfd_store *s = calloc(1, sizeof *s);
	int r;

	*out = NULL;
	if (!s)
		return HF_ERR_NOMEM;
	snprintf(s->path, sizeof s->path, "%s", path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		r = fail(s, "opening");
		hfd_store_close(s);
		return r;
	}
	r = setup(s);
	if (r != HF_OK) {
		hfd_store_close(s);
		return r;
	}
	*out = s;
	return HF_OK;
}

void hfd_store_close(struct hfd_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

/* Step a prepared statement once and reset it.  HF_OK or logged error. */
static int run(struct hfd_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? HF_OK : fail(s, what);
}

int hfd_store_session_begin(struct hfd_store *s, time_t start, const char *device,
			    int64_t *id)
{
	sqlite3_stmt *st = s->st[ST_SESSION_BEGIN];
	char iso[32];
	int r;

	hfd_iso8601(start, iso, sizeof iso);
	sqlite3_bind_text(st, 1, iso, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, device, -1, SQLITE_TRANSIENT);
	r = run(s, st, "starting a session");
	if (r == HF_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return r;
}

int hfd_store_session_recording(struct hfd_store *s, int64_t session, const char *path)
{
	sqlite3_stmt *st = s->st[ST_SESSION_RECORDING];

	sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, session);
	return run(s, st, "recording path");
}

int hfd_store_session_end(struct hfd_store *s, int64_t session, time_t end)
{
	sqlite3_stmt *st = s->st[ST_SESSION_END];
	char iso[32];

	if (end) {
		hfd_iso8601(end, iso, sizeof iso);
		sqlite3_bind_text(st, 1, iso, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(st, 1);
	}
	sqlite3_bind_int64(st, 2, session);
	return run(s, st, "ending a session");
}

int hfd_store_session_input(struct hfd_store *s, int64_t session, json_object *input,
			    bool calibrated)
{
	sqlite3_stmt *st = s->st[ST_SESSION_INPUT];

	sqlite3_bind_text(st, 1, json_object_to_json_string_ext(input, JSON_C_TO_STRING_PLAIN),
			  -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, calibrated);
	sqlite3_bind_int64(st, 3, session);
	return run(s, st, "updating a session");
}

int hfd_store_session_program(struct hfd_store *s, int64_t session,
			      const struct hfd_program_result *p)
{
	sqlite3_stmt *st = s->st[ST_SESSION_PROGRAM];

	if (p->name && p->name[0])
		sqlite3_bind_text(st, 1, p->name, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int(st, 2, p->blocks);
	sqlite3_bind_int(st, 3, p->blocks_done);
	sqlite3_bind_int(st, 4, p->blocks_partly);
	sqlite3_bind_int(st, 5, p->complete);
	if (p->compliance)
		sqlite3_bind_text(st, 6, json_object_to_json_string_ext(p->compliance,
									 JSON_C_TO_STRING_PLAIN),
				  -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int64(st, 7, session);
	return run(s, st, "writing a session's program compliance");
}

static int insert_rep(struct hfd_store *s, int64_t set_id, int number,
		      const struct hf_rep *rep)
{
	sqlite3_stmt *st = s->st[ST_REP];
	const double v[] = {rep->start_s, rep->peak_s, rep->end_s, rep->excursion_deg,
			    rep->hold_s, rep->rise_s, rep->lower_s, rep->tilt_deg,
			    rep->obliquity_deg, rep->rotation_deg};
	int64_t rep_id;

	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int(st, 2, number);
	for (int i = 0; i < 10; i++)
		sqlite3_bind_double(st, 3 + i, v[i]);
	if (run(s, st, "writing a rep") != HF_OK)
		return HF_ERR_SYS;
	rep_id = sqlite3_last_insert_rowid(s->db);
	for (int f = 0; f < HF_FAULT_COUNT; f++) {
		if (!(rep->faults & HF_FAULT_BIT(f)))
			continue;
		sqlite3_bind_int64(s->st[ST_FAULT], 1, rep_id);
		sqlite3_bind_text(s->st[ST_FAULT], 2, hf_fault_name((enum hf_fault)f), -1,
				  SQLITE_STATIC);
		if (run(s, s->st[ST_FAULT], "writing a fault") != HF_OK)
			return HF_ERR_SYS;
	}
	return HF_OK;
}

static int insert_set(struct hfd_store *s, int64_t session, int index,
		      const struct hf_set_summary *set, json_object *set_json)
{
	sqlite3_stmt *st = s->st[ST_SET];
	const struct hf_exercise_info *e = hf_exercise_info(set->exercise);
	const char *side = hf_side_name(set->side);
	int64_t set_id;

	sqlite3_bind_int64(st, 1, session);
	sqlite3_bind_int(st, 2, index);
	sqlite3_bind_text(st, 3, e ? e->name : "unknown", -1, SQLITE_STATIC);
	if (side)
		sqlite3_bind_text(st, 4, side, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_double(st, 5, set->start_s);
	sqlite3_bind_double(st, 6, set->end_s);
	sqlite3_bind_int(st, 7, set->rep_count);
	sqlite3_bind_double(st, 8, set->rep_period_s);
	sqlite3_bind_text(st, 9, json_object_to_json_string_ext(set_json, JSON_C_TO_STRING_PLAIN),
			  -1, SQLITE_TRANSIENT);
	if (run(s, st, "writing a set") != HF_OK)
		return HF_ERR_SYS;
	set_id = sqlite3_last_insert_rowid(s->db);
	for (int i = 0; i < set->rep_count; i++)
		if (insert_rep(s, set_id, i + 1, &set->reps[i]) != HF_OK)
			return HF_ERR_SYS;
	return HF_OK;
}

/* Undo a failed set, unless SQLite already did (it rolls back by itself
 * after some errors, SQLITE_FULL among them: a ROLLBACK then would only
 * add "no transaction is active" to the log). */
static void roll_back(struct hfd_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK", "rolling back a set");
}

int hfd_store_set(struct hfd_store *s, int64_t session, int index,
		  const struct hf_set_summary *set, json_object *set_json)
{
	if (exec(s, "BEGIN IMMEDIATE", "starting a set transaction") != HF_OK)
		return HF_ERR_SYS;
	if (insert_set(s, session, index, set, set_json) != HF_OK) {
		roll_back(s);
		return HF_ERR_SYS;
	}
	if (exec(s, "COMMIT", "committing a set") != HF_OK) {
		roll_back(s);
		return HF_ERR_SYS;
	}
	return HF_OK;
}

/* ---- reading ---- */

static time_t parse_iso8601(const char *text)
{
	struct tm tm = {0};
	const char *end = text ? strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;

	return end && !*end ? timegm(&tm) : 0;
}

int hfd_store_unended(struct hfd_store *s, struct hfd_unended *out, int max)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT id, start, recording FROM sessions"
			       " WHERE end IS NULL ORDER BY id LIMIT ?", -1, &st, NULL) != SQLITE_OK) {
		fail(s, "looking for sessions left open");
		return 0;
	}
	sqlite3_bind_int(st, 1, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *rec = sqlite3_column_text(st, 2);
		out[n].id = sqlite3_column_int64(st, 0);
		out[n].start = parse_iso8601((const char *)sqlite3_column_text(st, 1));
		snprintf(out[n].recording, sizeof out[n].recording, "%s",
			 rec ? (const char *)rec : "");
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

int64_t hfd_store_latest(struct hfd_store *s)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM sessions", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static json_object *text_or_null(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? json_object_new_string((const char *)t) : NULL;
}

static json_object *parsed_or_empty(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	json_object *o = t ? json_tokener_parse((const char *)t) : NULL;

	return o ? o : json_object_new_object();
}

static json_object *stored_sets(struct hfd_store *s, int64_t session)
{
	json_object *arr = json_object_new_array();
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "SELECT json FROM sets WHERE session_id = ?"
			       " ORDER BY set_index", -1, &st, NULL) != SQLITE_OK)
		return arr;
	sqlite3_bind_int64(st, 1, session);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_array_add(arr, parsed_or_empty(st, 0));
	sqlite3_finalize(st);
	return arr;
}

json_object *hfd_store_session_json(struct hfd_store *s, int64_t session)
{
	sqlite3_stmt *st;
	json_object *o = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT start, end, recording, input_json, calibrated,"
			       " compliance_json FROM sessions WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, session);
	if (sqlite3_step(st) == SQLITE_ROW) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(session));
		json_object_object_add(o, "start", text_or_null(st, 0));
		json_object_object_add(o, "end", text_or_null(st, 1));
		json_object_object_add(o, "recording", text_or_null(st, 2));
		json_object_object_add(o, "contract", json_object_new_int(HF_CONTRACT_VERSION));
		json_object_object_add(o, "input", parsed_or_empty(st, 3));
		json_object_object_add(o, "calibrated",
				       json_object_new_boolean(sqlite3_column_int(st, 4)));
		json_object_object_add(o, "sets", stored_sets(s, session));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			json_object_object_add(o, "compliance", parsed_or_empty(st, 5));
	}
	sqlite3_finalize(st);
	return o;
}

static json_object *real_or_null(sqlite3_stmt *st, int col)
{
	char text[32];
	double v;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	v = round(sqlite3_column_double(st, col) * 1000.0) / 1000.0;
	snprintf(text, sizeof text, "%.3f", v);
	return json_object_new_double_s(v, text);
}

static json_object *left_right(sqlite3_stmt *st, int col)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "left", real_or_null(st, col));
	json_object_object_add(o, "right", real_or_null(st, col + 1));
	return o;
}

/* Walking and running of a session (contract section 11), from the
 * stored set JSON: steps, and the figures averaged over its bouts,
 * weighted by their steps; null when the session had none. */
static json_object *history_gait(sqlite3_stmt *st, int col)
{
	json_object *o;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "steps", json_object_new_int(sqlite3_column_int(st, col)));
	json_object_object_add(o, "cadence_spm", real_or_null(st, col + 1));
	json_object_object_add(o, "pelvic_drop_deg", left_right(st, col + 2));
	json_object_object_add(o, "contact_time_s", left_right(st, col + 4));
	return o;
}

/* The session's program compliance (schema 2 columns), null when the
 * session had no program. */
static json_object *history_program(sqlite3_stmt *st, int col)
{
	json_object *o;
	int blocks, done, partly;

	if (sqlite3_column_type(st, col + 1) == SQLITE_NULL)
		return NULL;
	blocks = sqlite3_column_int(st, col + 1);
	done = sqlite3_column_int(st, col + 2);
	partly = sqlite3_column_int(st, col + 3);
	o = json_object_new_object();
	json_object_object_add(o, "name", text_or_null(st, col));
	json_object_object_add(o, "complete", json_object_new_boolean(sqlite3_column_int(st, col + 4)));
	json_object_object_add(o, "blocks", json_object_new_int(blocks));
	json_object_object_add(o, "blocks_complete", json_object_new_int(done));
	json_object_object_add(o, "blocks_partly", json_object_new_int(partly));
	json_object_object_add(o, "blocks_missed", json_object_new_int(blocks - done - partly));
	return o;
}

/* A member of a stored set's JSON, shared (null when absent). */
static json_object *member(json_object *set, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(set, key, &v) ? json_object_get(v) : NULL;
}

/* The session's walk and run sets (contract section 11 figures), oldest
 * first; st selects their JSON for one session. */
static json_object *history_bouts(sqlite3_stmt *st, int64_t session)
{
	static const char *const keys[] = {"exercise", "start_s", "end_s", "steps", "cadence_spm",
					   "pelvic_drop_deg", "contact_time_s"};
	json_object *arr = json_object_new_array();

	sqlite3_bind_int64(st, 1, session);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		json_object *set = t ? json_tokener_parse((const char *)t) : NULL, *o;
		if (!set)
			continue;
		o = json_object_new_object();
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			json_object_object_add(o, keys[i], member(set, keys[i]));
		json_object_array_add(arr, o);
		json_object_put(set);
	}
	sqlite3_reset(st);
	return arr;
}

static json_object *history_row(sqlite3_stmt *st)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(sqlite3_column_int64(st, 0)));
	json_object_object_add(o, "start", text_or_null(st, 1));
	json_object_object_add(o, "end", text_or_null(st, 2));
	json_object_object_add(o, "sets", json_object_new_int(sqlite3_column_int(st, 4)));
	json_object_object_add(o, "reps", json_object_new_int(sqlite3_column_int(st, 5)));
	json_object_object_add(o, "faults", json_object_new_int(sqlite3_column_int(st, 6)));
	json_object_object_add(o, "recording", text_or_null(st, 3));
	json_object_object_add(o, "gait", history_gait(st, 7));
	json_object_object_add(o, "program", history_program(st, 13));
	return o;
}

/* Step-weighted mean of a gait set's field over a session's gait sets. */
#define GAIT_MEAN(path) \
	" (SELECT sum(json_extract(t.json, '$.steps') * json_extract(t.json, '" path "'))" \
	"  / sum(CASE WHEN json_extract(t.json, '" path "') IS NOT NULL" \
	"        THEN json_extract(t.json, '$.steps') END) FROM sets t" \
	"  WHERE t.session_id = s.id AND json_extract(t.json, '$.kind') = 'gait')"

json_object *hfd_store_history(struct hfd_store *s, int limit)
{
	static const char sql[] =
		"SELECT s.id, s.start, s.end, s.recording,"
		" (SELECT count(*) FROM sets t WHERE t.session_id = s.id),"
		" (SELECT coalesce(sum(rep_count), 0) FROM sets t WHERE t.session_id = s.id),"
		" (SELECT count(*) FROM faults f JOIN reps r ON f.rep_id = r.id"
		"  JOIN sets t ON r.set_id = t.id WHERE t.session_id = s.id),"
		" (SELECT sum(json_extract(t.json, '$.steps')) FROM sets t"
		"  WHERE t.session_id = s.id AND json_extract(t.json, '$.kind') = 'gait'),"
		GAIT_MEAN("$.cadence_spm") ","
		GAIT_MEAN("$.pelvic_drop_deg.left") "," GAIT_MEAN("$.pelvic_drop_deg.right") ","
		GAIT_MEAN("$.contact_time_s.left") "," GAIT_MEAN("$.contact_time_s.right") ","
		" s.program_name, s.program_blocks, s.program_blocks_done,"
		" s.program_blocks_partly, s.program_complete"
		" FROM sessions s ORDER BY s.id DESC LIMIT ?";
	static const char bouts_sql[] =
		"SELECT json FROM sets WHERE session_id = ?"
		" AND json_extract(json, '$.kind') = 'gait' ORDER BY set_index";
	json_object *arr = json_object_new_array();
	sqlite3_stmt *st, *bt;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(s, "reading history");
		return arr;
	}
	if (sqlite3_prepare_v2(s->db, bouts_sql, -1, &bt, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		fail(s, "reading history");
		return arr;
	}
	sqlite3_bind_int(st, 1, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object *row = history_row(st);
		json_object_object_add(row, "bouts", history_bouts(bt, sqlite3_column_int64(st, 0)));
		json_object_array_add(arr, row);
	}
	sqlite3_finalize(bt);
	sqlite3_finalize(st);
	return arr;
}
