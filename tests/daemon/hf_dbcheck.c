/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hf_dbcheck: open a hipformd history database as a reader would after a
 * crash and check it.
 *
 *   hf_dbcheck DB [--sessions-ended N] [--min-sets N]
 *
 * Runs PRAGMA integrity_check and foreign_key_check, checks that every
 * set's rep_count equals its rep rows, prints "sessions S ended E sets T
 * reps R faults F", and fails (exit 1) on any problem or when fewer than
 * the required sessions are ended / sets are stored.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int text_is(sqlite3 *db, const char *sql, const char *want)
{
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		ok = t && strcmp((const char *)t, want) == 0;
		if (!ok)
			fprintf(stderr, "%s: %s\n", sql, t ? (const char *)t : "(null)");
	} else {
		ok = want == NULL; /* no rows: foreign_key_check found nothing */
	}
	sqlite3_finalize(st);
	return ok;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	long long ended_min = 0, sets_min = 0;
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: hf_dbcheck DB [--sessions-ended N] [--min-sets N]\n");
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--sessions-ended"))
			ended_min = atoll(argv[i + 1]);
		else if (!strcmp(argv[i], "--min-sets"))
			sets_min = atoll(argv[i + 1]);
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	bad += !text_is(db, "PRAGMA integrity_check", "ok");
	bad += !text_is(db, "PRAGMA foreign_key_check", NULL);
	bad += scalar(db, "SELECT count(*) FROM sets s WHERE s.rep_count !="
		      " (SELECT count(*) FROM reps r WHERE r.set_id = s.id)") != 0;
	long long sessions = scalar(db, "SELECT count(*) FROM sessions");
	long long ended = scalar(db, "SELECT count(*) FROM sessions WHERE end IS NOT NULL");
	long long sets = scalar(db, "SELECT count(*) FROM sets");
	printf("sessions %lld ended %lld sets %lld reps %lld faults %lld version %lld\n",
	       sessions, ended, sets, scalar(db, "SELECT count(*) FROM reps"),
	       scalar(db, "SELECT count(*) FROM faults"), scalar(db, "PRAGMA user_version"));
	if (ended < ended_min || sets < sets_min) {
		fprintf(stderr, "want at least %lld ended sessions and %lld sets\n", ended_min,
			sets_min);
		bad++;
	}
	sqlite3_close(db);
	if (bad)
		printf("database check FAILED\n");
	return bad ? 1 : 0;
}
