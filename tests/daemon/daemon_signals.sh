#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# SIGTERM mid-set: the set is closed, the SESSION written, the recording and
# the database consistent (and the recording re-analyses to the same sets).
# kill -9 mid-set: the database passes integrity_check and the recording is
# readable by `hipform analyze` up to the kill.
. "$(dirname "$0")/lib.sh" "$@"

simulate hl.wit 13

# mid_set FILE: a STATUS says a set is in progress with at least 2 reps
mid_set() { grep '"class":"STATUS"' "$1" | grep -Eq '"in_set":true.*"rep_count":([2-9]|[1-9][0-9])'; }

# --- SIGTERM in the middle of the first set
feed hl.wit 4 --delay 0.5
daemon term
client_bg term.out --socket term/s.sock --send '{"class":"WATCH"}' --until SESSION:1 --timeout 90
WATCH=$CLIENT_PID
for _ in $(seq 600); do mid_set term.out && break; sleep 0.1; done
mid_set term.out || fail "no set with 2 reps in progress"
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || fail "hipformd exited $? after SIGTERM"
wait "$WATCH" || fail "the watcher got no SESSION"
grep '"class":"SET"' term.out | tail -1 | grep -Eq '"rep_count":([2-9]|[1-9][0-9])' \
	|| fail "SIGTERM did not close the open set (with its reps)"
grep '"class":"SESSION"' term.out | grep -q '"end":"' || fail "SESSION has no end"
"$DBCHECK" term/history.db --sessions-ended 1 --min-sets 1 || fail "database after SIGTERM"
rec=term/recordings/1.csv
"$HIPFORM" analyze "$rec" --exercise hip_lift --json > term_analyze.json \
	|| fail "hipform analyze of the recording"
"$JSONCMP" term_analyze.json term.out || fail "re-analysis differs from the daemon's SESSION"
pass "SIGTERM mid-set: set closed, SESSION written, database and recording consistent"
kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null

# --- kill -9 in the middle of the first set
feed hl.wit 4 --delay 0.5
daemon kill
client_bg kill.out --socket kill/s.sock --send '{"class":"WATCH"}' --timeout 90
for _ in $(seq 600); do mid_set kill.out && break; sleep 0.1; done
mid_set kill.out || fail "no set with 2 reps in progress"
rep_t=$(grep '"class":"REP"' kill.out | tail -1 | sed 's/.*"emitted_t_s":\([0-9.]*\).*/\1/')
sleep 1.5 # the recording is flushed at least once a second
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
"$DBCHECK" kill/history.db || fail "database after kill -9"
rec=kill/recordings/1.csv
t=$(last_t "$rec")
awk -v t="$t" -v r="$rep_t" 'BEGIN { exit !(t >= r) }' \
	|| fail "recording ends at $t, before the REP emitted at $rep_t"
"$HIPFORM" analyze "$rec" --exercise hip_lift --json > kill_analyze.json \
	|| fail "hipform analyze cannot read the recording after kill -9"
grep -q '"rep_count": *[1-9]' kill_analyze.json || fail "the re-analysis found no reps"
pass "kill -9 mid-set: database intact, recording readable up to t=$t (REP at $rep_t)"
