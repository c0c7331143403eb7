#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Issue 9, the daemon's side:
#  1. a session too long for the 256 KiB client buffer (400 sets) is read
#     whole by `hipform summary`; a client that stops reading its long
#     reply is dropped, and the daemon goes on serving others;
#  2. a session a kill -9 left open is ended at the next start, at its
#     recording's last sample, and the log says so;
#  3. the socket path: a regular file there is left alone (error), a live
#     socket means another daemon (error, the first keeps serving), a
#     stale one is replaced;
#  7. a noisy sensor (1 MB of undecodable bytes) gives a few journal lines
#     with a count, not one line per read;
#  (soak) a replug outside a set changes nothing the re-analysis of the
#     recording would not also see; a replug in a set closes the set live,
#     and `hipform analyze` of the recording closes it at the same sample;
#  8. all max_clients slots taken: a new client takes the longest idle
#     watcher's slot (which is told why); with no idle client it gets one
#     ERROR line instead of a silent close.
. "$(dirname "$0")/lib.sh" "$@"

simulate hl.wit 21

# wait_log FILE PATTERN [TENTHS]: until the daemon's log has the pattern
wait_log() {
	for _ in $(seq "${3:-100}"); do grep -q "$2" "$1" && return 0; sleep 0.1; done
	return 1
}

# --- 2. kill -9 mid-session, then a restart ends the session
feed hl.wit 8 --delay 0.5
daemon crash
client_bg crash.out --socket crash/s.sock --send '{"class":"WATCH"}' --until SET:1 --timeout 90
wait "$CLIENT_PID" || fail "no SET before the crash"
sleep 1.5 # the recording is flushed every second
kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null
[ -S crash/s.sock ] || fail "kill -9 left no socket behind (nothing stale to test)"
[ "$(sqlite3 crash/history.db 'SELECT count(*) FROM sessions WHERE end IS NULL')" = 1 ] \
	|| fail "the crashed session should have no end before the restart"
t=$(last_t crash/recordings/1.csv)
mv crash.log crash-1.log
daemon crash
wait_log crash.log "session 1 was left open" || fail "the restart did not end the open session"
got=$(sqlite3 crash/history.db "SELECT strftime('%s', end) - strftime('%s', start) FROM sessions WHERE id = 1")
want=$(awk -v t="$t" 'BEGIN { printf "%d", (t == int(t)) ? t : int(t) + 1 }')
[ "$got" = "$want" ] || fail "session 1 ends $got s after its start, want $want (last sample t=$t)"
[ "$(sqlite3 crash/history.db 'SELECT count(*) FROM sessions WHERE end IS NULL')" = 0 ] \
	|| fail "a session is still running after the restart"
grep "left open" crash.log
pass "2. a session left open by kill -9 is ended at the restart, at its last sample (+$got s)"

# --- 3. the socket path
# stale: the socket the kill -9 left was replaced by the restart above
grep -q "removed the stale socket" crash.log || fail "the stale socket was not reported"
# live: a second daemon on the same socket must not take it
mkdir -p second
"$HIPFORMD" --foreground --config /dev/null --device "$WORK/pty" --socket crash/s.sock \
	--state-dir second --format witmotion --rate 100 > second.log 2>&1
rc=$?
cat second.log
[ "$rc" = 1 ] || fail "a second daemon on a live socket exited $rc, want 1"
grep -q "another hipformd is already listening on" second.log || fail "no clear error for the live socket"
"$CLIENT" --socket crash/s.sock --send '{"class":"POLL"}' --until STATUS --timeout 5 > poll.out \
	|| fail "the first daemon no longer answers on its socket"
# the same state directory: a second daemon must not touch its history
"$HIPFORMD" --foreground --config /dev/null --device "$WORK/pty" --socket second/s.sock \
	--state-dir crash --format witmotion --rate 100 > second2.log 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q "another hipformd is using the state directory" second2.log \
	|| fail "a second daemon on the same state directory exited $rc: $(cat second2.log)"
# a regular file: never deleted
echo "precious" > notasocket
"$HIPFORMD" --foreground --config /dev/null --device "$WORK/pty" --socket "$WORK/notasocket" \
	--state-dir second --format witmotion --rate 100 > third.log 2>&1
rc=$?
cat third.log
[ "$rc" = 1 ] || fail "hipformd on a regular file as socket exited $rc, want 1"
[ "$(cat notasocket 2>/dev/null)" = precious ] || fail "hipformd deleted the regular file at its socket path"
grep -q "is not a socket: not removing it" third.log || fail "no clear error for the regular file"
pass "3. socket path: stale replaced, live kept (second daemon exits 1), a regular file left alone"

# --- 1. a session of 400 sets: too long for the 256 KiB client buffer
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"
n0=$(sqlite3 crash/history.db 'SELECT count(*) FROM sets WHERE session_id = 1')
[ "$n0" -ge 1 ] || fail "session 1 has no set to copy"
sqlite3 crash/history.db "WITH RECURSIVE n(i) AS (SELECT $n0 UNION ALL SELECT i + 1 FROM n WHERE i < 399)
	INSERT INTO sets (session_id, set_index, exercise, side, start_s, end_s, rep_count, rep_period_s, json)
	SELECT 1, i, exercise, side, start_s, end_s, 0, rep_period_s, json FROM n, sets
	WHERE session_id = 1 AND set_index = 0" || fail "sqlite3"
daemon crash
"$HIPFORM" summary 1 --json --socket crash/s.sock > long.json 2> long.err
rc=$?
bytes=$(wc -c < long.json)
echo "summary --json: exit $rc, $bytes bytes"
cat long.err
[ "$rc" = 0 ] || fail "hipform summary of a 400-set session exited $rc"
[ "$bytes" -gt $((256 * 1024)) ] || fail "the summary ($bytes bytes) does not exceed the client buffer: no test"
n=$(sqlite3 crash/history.db 'SELECT count(*) FROM sets WHERE session_id = 1')
got=$(tr ',' '\n' < long.json | grep -c '"rep_period_s"')
[ "$got" = "$n" ] || fail "the summary has $got sets, the history $n"
"$HIPFORM" summary 1 --socket crash/s.sock > long.txt || fail "hipform summary (text) of the long session"
pass "1. hipform summary reads a session of $n sets ($bytes bytes)"
# a client that asks and then reads nothing is dropped, others are served
"$CLIENT" --socket crash/s.sock --send '{"class":"SUMMARY","session":1}' --stall 22 > stall.out
grep -q dropped stall.out || fail "a client that does not read its long reply was not dropped"
grep -q "not reading its reply" crash.log || fail "the log does not say why the client was dropped"
"$CLIENT" --socket crash/s.sock --send '{"class":"POLL"}' --until STATUS --timeout 5 > poll2.out \
	|| fail "the daemon does not answer after dropping a stalled client"
pass "1. a client that stops reading its long reply is dropped; the daemon serves on"
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"

# --- 7. a noisy sensor: 1 MB of bytes that decode as nothing
perl -e 'srand(7); print map { chr(int(rand(256))) } 1 .. 1000000' > noise.bin
socat -u OPEN:noise.bin "PTY,link=$WORK/npty,rawer" &
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -L "$WORK/npty" ] && break; sleep 0.1; done
mkdir -p noisy
"$HIPFORMD" --foreground --config /dev/null --device "$WORK/npty" --socket noisy/s.sock \
	--state-dir noisy --format auto --rate 100 --log-level info > noisy.log 2>&1 &
PIDS="$PIDS $!"
NOISY_PID=$!
wait_log noisy.log "more decoding errors" 150 || fail "no summary of the decoding errors within 15 s"
kill -TERM "$NOISY_PID"; wait "$NOISY_PID"
lines=$(grep -c "sensor data" noisy.log)
grep "sensor data" noisy.log
summarised=$(sed -n 's/.*sensor data: \([0-9]*\) more decoding errors.*/\1/p' noisy.log | awk '{ s += $1 } END { print s + 0 }')
[ "$lines" -le 4 ] || fail "$lines journal lines about undecodable bytes, want at most 4"
[ "$summarised" -ge 100 ] || fail "the summary counts $summarised errors, want the ~240 of 1 MB"
pass "7. 1 MB of noise: $lines log lines, $summarised errors counted in a summary"

# --- 8. all client slots taken
printf '[server]\nmax_clients = 3\n' > three.conf
feed hl.wit 1 --delay 0.5
daemon slots --config "$WORK/three.conf"
for i in 1 2 3; do
	client_bg "w$i.out" --socket slots/s.sock --send '{"class":"WATCH"}' --timeout 60
	eval "W$i=$CLIENT_PID"
	for _ in $(seq 50); do grep -q '"class":"STATUS"' "w$i.out" && break; sleep 0.1; done
	sleep 0.2
done
"$CLIENT" --socket slots/s.sock --send '{"class":"POLL"}' --until STATUS --timeout 5 > new.out \
	|| { cat new.out; fail "a new client was locked out by 3 watchers (max_clients 3)"; }
wait "$W1"; rc=$?
[ "$rc" = 3 ] || fail "the longest idle watcher was not dropped (hf_client exit $rc)"
grep '"class":"ERROR"' w1.out | grep -q "client slots are taken" \
	|| fail "the dropped watcher was not told why"
kill -0 "$W2" && kill -0 "$W3" || fail "the other watchers were dropped too"
pass "8. max_clients reached: the longest idle watcher made room for a new client"
kill "$W2" "$W3"; wait "$W2" "$W3" 2>/dev/null
# three connections busy with nothing for less than 10 s: no idle slot
sleep 0.5
for i in 1 2 3; do client_bg "b$i.out" --socket slots/s.sock --timeout 60; done
sleep 1
"$CLIENT" --socket slots/s.sock --timeout 5 > refused.out
rc=$?
cat refused.out
[ "$rc" = 3 ] && grep '"class":"ERROR"' refused.out | grep -q "too many clients" \
	|| fail "a refused client got no ERROR line (exit $rc)"
pass "8. no idle client to drop: the new client is told in one ERROR line"
kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"

# --- soak finding: a replug outside a set leaves the analysis as
# `hipform analyze` of the recording has it.  Seed 21's set 2 starts at
# 99.4 s: unplugged at 100 s for 0.5 s, in its first rep, which is only a
# candidate then (no set is open).  The previous daemon dropped the
# candidate on the unplug: 17 reps live, 18 in the re-analysis.
feed hl.wit 8 --delay 0.5 --unplug-at 10000 --unplug-for 0.5
daemon replug
client_bg replug.out --socket replug/s.sock --send '{"class":"WATCH"}' --until SET:2 --timeout 90
wait "$CLIENT_PID" || fail "no two SETs around the replug"
grep -q "session resumes" replug.log || fail "the replug did not resume the session"
sleep 1.5
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"
"$HIPFORM" analyze replug/recordings/1.csv --exercise hip_lift --json > replug_re.json \
	|| fail "hipform analyze of the replugged recording"
"$JSONCMP" --min-sets 2 replug_re.json replug.out \
	|| fail "after a replug outside a set the live sets differ from the re-analysis"
pass "a replug in a candidate rep outside a set: the live sets equal the re-analysis"

# --- issue 9: a replug in a set.  Seed 21's set 1 runs from 22.6 s to
# 88.3 s; unplugged at 50 s for 0.5 s, the daemon closes it there (SET) and
# the reps after the replug make a new set.  The recording marks the spot
# ("# sensor lost"), and its re-analysis must close the set there too: the
# same sets, starts, ends and reps as announced live.
feed hl.wit 8 --delay 0.5 --unplug-at 5000 --unplug-for 0.5
daemon replugset
client_bg replugset.out --socket replugset/s.sock --send '{"class":"WATCH"}' --timeout 120
wait "$FEED_PID" || fail "hf_feed of the replug in a set"
grep -q "session resumes" replugset.log || fail "the replug in a set did not resume the session"
sleep 1.5
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"
wait "$CLIENT_PID"
grep '"class":"SET"' replugset.out > replugset_live.out
rec=replugset/recordings/1.csv
sed -n 's/^# sensor lost (.*) at t=\([0-9.]*\) s$/\1/p' "$rec" | awk '$1 > 49.5 && $1 < 50.5 { ok = 1 } END { exit !ok }' \
	|| fail "the recording does not mark the loss at 50 s"
[ "$(wc -l < replugset_live.out)" -ge 3 ] \
	|| fail "the replug in set 1 did not close it live ($(wc -l < replugset_live.out) SETs)"
"$HIPFORM" analyze "$rec" --exercise hip_lift --json > replugset_re.json \
	|| fail "hipform analyze of the recording replugged in a set"
"$JSONCMP" --min-sets 3 replugset_re.json replugset_live.out \
	|| fail "after a replug in a set the live sets differ from the re-analysis"
pass "a replug in a set: the re-analysis closes the set where the daemon did ($(wc -l < replugset_live.out) sets)"
exit 0
