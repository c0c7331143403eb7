/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * History: sessions, sets, reps and faults in SQLite (WAL) under the state
 * directory.  Every failure is logged and reported as an hf_err; the
 * daemon carries on without history rather than stopping.
 */
#ifndef HIPFORMD_STORE_H
#define HIPFORMD_STORE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "hipform/analyzer.h"

#define HFD_SCHEMA_VERSION 2

struct hfd_store;

/* Open (creating and migrating) path.  HF_OK, HF_ERR_SYS, HF_ERR_FORMAT
 * (a database of a newer schema). */
int hfd_store_open(struct hfd_store **out, const char *path);
void hfd_store_close(struct hfd_store *s);

/* A new session row; *id is its number.  HF_OK or HF_ERR_SYS. */
int hfd_store_session_begin(struct hfd_store *s, time_t start, const char *device,
			    int64_t *id);
/* Where its recording is. */
int hfd_store_session_recording(struct hfd_store *s, int64_t session, const char *path);
/* The finished set (index within the session) with its reps and faults,
 * in one transaction.  set_json is the contract set object. */
int hfd_store_set(struct hfd_store *s, int64_t session, int index,
		  const struct hf_set_summary *set, json_object *set_json);
/* Input block and calibration flag of the session (kept current). */
int hfd_store_session_input(struct hfd_store *s, int64_t session, json_object *input,
			    bool calibrated);
/* A session's compliance with the configured program (contract section
 * 12), from the program matcher: kept current after every set and at the
 * end, so a session a crash left open has that of its stored sets. */
struct hfd_program_result {
	const char *name;          /* the program's name */
	int blocks;                /* blocks in the program */
	int blocks_done;           /* complete */
	int blocks_partly;         /* sets matched, not all as prescribed */
	bool complete;             /* every block complete */
	json_object *compliance;   /* the contract's "compliance" array (borrowed) */
};
int hfd_store_session_program(struct hfd_store *s, int64_t session,
			      const struct hfd_program_result *p);
/* Mark the end (0: reopen, the session resumed). */
int hfd_store_session_end(struct hfd_store *s, int64_t session, time_t end);

/* A session without an end: the daemon stopped without ending it. */
struct hfd_unended {
	int64_t id;
	time_t start;
	char recording[512]; /* "" when none */
};
/* Up to max sessions that have no end, oldest first; the count. */
int hfd_store_unended(struct hfd_store *s, struct hfd_unended *out, int max);

/* The latest session's id, or 0 when none. */
int64_t hfd_store_latest(struct hfd_store *s);
/*
 * The SESSION message body of a stored session: id, start, end,
 * recording, contract, input, calibrated, sets (and compliance when the
 * session had a program).  NULL when unknown.
 */
json_object *hfd_store_session_json(struct hfd_store *s, int64_t session);
/* HISTORY "sessions" array, newest first, at most limit. */
json_object *hfd_store_history(struct hfd_store *s, int limit);

/* ISO 8601 UTC ("2024-05-01T10:30:00Z"). */
void hfd_iso8601(time_t t, char *buf, size_t len);

#endif
