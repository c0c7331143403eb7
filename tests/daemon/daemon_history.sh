#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# History across weeks (issues 10 and 11): a history.db of schema 1 (an
# older hipformd) holding two runs from November is migrated; then three
# sessions through the pty path: hip lifts with a program the simulated
# sets fulfil, a simulated run, hip lifts with a longer program, and the
# same killed (-9) after its first set.  HISTORY
# and `hipform history` show each session's compliance as the program's
# prescription and the simulator's truth (hipform simulate --truth) say it
# must be; `hipform history --runs` shows the runs' figures near the gait
# simulator's truth (bench_gait --write), whether the program was done
# that day and in the 7 days up to it, and the means per ISO week.
#   daemon_history.sh WORK <lib.sh arguments> BENCH_GAIT
. "$(dirname "$0")/lib.sh" "$@"
BENCH_GAIT=$8
export TZ=UTC

# sql DB QUERY: one value (sqlite3's JSON functions read the JSON files)
sql() { sqlite3 -batch -noheader "$1" "$2" || fail "sqlite3: $2"; }
# near A B TOL: |A - B| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(d <= t && d >= -t) }'; }

# run_bout NAME SEED: a simulated run recording, its analysis, its truth
run_bout() {
	read -r steps kind cad dl dr ct <<< "$("$BENCH_GAIT" --write witmotion run "$2" "$1.bin")" ||
		fail "bench_gait --write"
	[ "$kind" = run ] || fail "seed $2 is not a run"
	echo "$steps $cad $dl $dr $ct" > "$1.truth"
}

# ---- the old database: schema 1, two runs in the first week of November ----
mkdir -p st
run_bout nov02 11
run_bout nov05 12
for b in nov02 nov05; do
	"$HIPFORM" analyze "$b.bin" --exercise run --rate 100 --json > "$b.json" || fail "analyze $b"
done
set_json() { sql :memory: "SELECT json_extract(readfile('$1.json'), '\$.sets[0]')"; }
sqlite3 -batch st/history.db <<SQL || fail "creating the schema 1 database"
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  start TEXT NOT NULL, end TEXT, device TEXT, recording TEXT,
  input_json TEXT, calibrated INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sets (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  set_index INTEGER NOT NULL, exercise TEXT NOT NULL, side TEXT,
  start_s REAL NOT NULL, end_s REAL NOT NULL, rep_count INTEGER NOT NULL,
  rep_period_s REAL, json TEXT NOT NULL,
  UNIQUE (session_id, set_index));
CREATE TABLE reps (
  id INTEGER PRIMARY KEY,
  set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
  rep INTEGER NOT NULL, start_s REAL, peak_s REAL, end_s REAL,
  excursion_deg REAL, hold_s REAL, rise_s REAL, lower_s REAL,
  tilt_deg REAL, obliquity_deg REAL, rotation_deg REAL);
CREATE TABLE faults (
  id INTEGER PRIMARY KEY,
  rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
  code TEXT NOT NULL);
CREATE INDEX sets_session ON sets(session_id);
CREATE INDEX reps_set ON reps(set_id);
CREATE INDEX faults_rep ON faults(rep_id);
INSERT INTO sessions (start, end, device) VALUES
  ('2026-11-02T07:00:00Z', '2026-11-02T07:01:00Z', '/dev/ttyUSB0'),
  ('2026-11-05T18:30:00Z', '2026-11-05T18:31:00Z', '/dev/ttyUSB0');
INSERT INTO sets (session_id, set_index, exercise, start_s, end_s, rep_count, json) VALUES
  (1, 0, 'run', 0, 30, 0, '$(set_json nov02)'),
  (2, 0, 'run', 0, 30, 0, '$(set_json nov05)');
PRAGMA user_version = 1;
SQL

# ---- the sessions ----
"$HIPFORM" simulate --scenario hip_lift --format witmotion --rate 100 --seed 21 \
	-o hl.wit --truth hl.json > /dev/null || fail "hipform simulate"
n_sets=$(sql :memory: "SELECT json_array_length(readfile('hl.json'), '\$.sets')")
lo=$(sql :memory: "SELECT min(json_extract(value, '\$.rep_count')) FROM json_each(readfile('hl.json'), '\$.sets')")
hi=$(sql :memory: "SELECT max(json_extract(value, '\$.rep_count')) FROM json_each(readfile('hl.json'), '\$.sets')")
[ "$n_sets" -ge 2 ] || fail "seed 21 should simulate 2 sets, not $n_sets"
# the truth fulfils this program: its sets, each with reps in range
cat > full.ini <<INI
[program]
name = Lifts
[Hip lifts]
exercise = hip_lift
sets = $n_sets
reps = $lo-$hi
INI
# ... and one block of three of this one
cat > long.ini <<INI
[program]
name = Long
[Hip lifts]
exercise = hip_lift
sets = $n_sets
reps = $lo-$hi
[Clam shells]
exercise = clam_shell
side = both
sets = 2
reps = 10-12
[Front plank]
exercise = plank_front
hold_s = 30
INI
run_bout today 7

# session FILE PROGRAM EXERCISE: one session through the pty, ended by SIGTERM
session() {
	printf '[analysis]\nprogram = %s/%s\n' "$WORK" "$2" > hipformd.conf
	feed "$1" 25 --delay 0.5 --hold 30
	daemon st --config "$WORK/hipformd.conf" --exercise "$3"
	for _ in $(seq 600); do grep -q done feed.log && break; sleep 0.1; done
	grep -q done feed.log || fail "the feed of $1 did not finish"
	sleep 1
	kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || fail "hipformd exit status ($1)"
	kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null
}
session hl.wit full.ini hip_lift     # session 3
session today.bin full.ini run       # session 4
session hl.wit long.ini hip_lift     # session 5
# session 6: killed (-9) after its first set; the next start ends it, and its
# compliance is that of the one set stored: the hip lifts partly done
printf '[analysis]\nprogram = %s/long.ini\n' "$WORK" > hipformd.conf
feed hl.wit 25 --delay 0.5 --hold 30
daemon st --config "$WORK/hipformd.conf" --exercise hip_lift
"$CLIENT" --socket st/s.sock --send '{"class":"WATCH"}' --until SET:1 --timeout 60 > crash.out ||
	fail "session 6: no SET"
kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null

[ "$(sql st/history.db 'PRAGMA user_version')" = 2 ] || fail "history.db not migrated to schema 2"
"$DBCHECK" st/history.db --sessions-ended 5 > dbcheck.out || fail "hf_dbcheck: $(cat dbcheck.out)"

daemon st
"$CLIENT" --socket st/s.sock --send '{"class":"HISTORY"}' --until HISTORY --timeout 10 \
	> history.out || fail "no HISTORY"
"$CLIENT" --socket st/s.sock --send '{"class":"SUMMARY","session":3}' --until SESSION \
	--timeout 10 > stored3.out || fail "no stored SESSION 3"
"$HIPFORM" history --socket st/s.sock > history.txt || fail "hipform history"
"$HIPFORM" history --runs --socket st/s.sock > runs.txt || fail "hipform history --runs"
"$HIPFORM" history --runs --json --socket st/s.sock > runs.json || fail "hipform history --runs --json"
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"

# ---- HISTORY: the compliance the prescription and the truth give ----
grep '"class":"HISTORY"' history.out | tail -1 > h.json
hq() { sql :memory: "SELECT json_extract(value, '$2') FROM json_each(readfile('h.json'), '\$.sessions') WHERE json_extract(value, '\$.id') = $1"; }
[ "$(hq 6 '$.program')" = '{"name":"Long","complete":false,"blocks":3,"blocks_complete":0,"blocks_partly":1,"blocks_missed":2}' ] ||
	fail "session 6 (killed after 1 of $n_sets sets) program: $(hq 6 '$.program'), want the hip lifts partly done"
[ "$(hq 6 '$.end')" != "" ] || fail "session 6 was not ended at the next start"
[ "$(hq 5 '$.program')" = '{"name":"Long","complete":false,"blocks":3,"blocks_complete":1,"blocks_partly":0,"blocks_missed":2}' ] ||
	fail "session 5 program: $(hq 5 '$.program'), want 1 of 3 blocks (hip lifts done)"
[ "$(hq 4 '$.program')" = '{"name":"Lifts","complete":false,"blocks":1,"blocks_complete":0,"blocks_partly":0,"blocks_missed":1}' ] ||
	fail "session 4 (a run) program: $(hq 4 '$.program'), want the hip lifts missed"
[ "$(hq 3 '$.program')" = '{"name":"Lifts","complete":true,"blocks":1,"blocks_complete":1,"blocks_partly":0,"blocks_missed":0}' ] ||
	fail "session 3 program: $(hq 3 '$.program'), want complete"
for id in 1 2; do
	[ "$(sql :memory: "SELECT json_type(value, '\$.program') FROM json_each(readfile('h.json'), '\$.sessions') WHERE json_extract(value, '\$.id') = $id")" = null ] ||
		fail "old session $id: program is not null"
	[ "$(hq $id "\$.bouts[0].steps")" = "$(sql :memory: "SELECT json_extract(readfile('$( [ $id = 1 ] && echo nov02 || echo nov05).json'), '\$.sets[0].steps')")" ] ||
		fail "old session $id: its run's steps are not those stored"
done
grep -q '"compliance":\[{"block":"Hip lifts".*"complete":true,"status":"done"}\]' stored3.out ||
	fail "the stored SESSION 3 has not its compliance"
pass "HISTORY: complete, 1/3 and 0/1 blocks as prescribed, a killed session's partly; old sessions migrated with program null"

# ---- hipform history: the program column ----
line() { grep -E "^ +$1 " history.txt; }
line 6 | grep -q ' 0/3 blocks$' || fail "history line of session 6: $(line 6)"
line 5 | grep -q ' 1/3 blocks$' || fail "history line of session 5: $(line 5)"
line 4 | grep -q ' 0/1 blocks$' || fail "history line of session 4: $(line 4)"
line 3 | grep -q ' complete$' || fail "history line of session 3: $(line 3)"
line 1 | grep -q ' -$' || fail "history line of session 1: $(line 1)"
pass "hipform history: program column"

# ---- hipform history --runs: figures against the gait truth ----
rq() { sql :memory: "SELECT json_extract(readfile('runs.json'), '$1')"; }
[ "$(rq '$.bouts')" != "" ] && [ "$(sql :memory: "SELECT json_array_length(readfile('runs.json'), '\$.bouts')")" = 3 ] ||
	fail "--runs --json: not 3 bouts: $(cat runs.json)"
i=0
for b in nov02 nov05 today; do
	read -r steps cad dl dr ct < "$b.truth"
	got_steps=$(rq "\$.bouts[$i].steps") got_cad=$(rq "\$.bouts[$i].cadence_spm")
	got_dl=$(rq "\$.bouts[$i].pelvic_drop_deg.left") got_dr=$(rq "\$.bouts[$i].pelvic_drop_deg.right")
	got_ct=$(rq "\$.bouts[$i].contact_time_s.left")
	near "$got_steps" "$steps" 1 || fail "$b: $got_steps steps, truth $steps"
	near "$got_cad" "$cad" 2 || fail "$b: cadence $got_cad, truth $cad"
	near "$got_dl" "$dl" 2 || fail "$b: pelvic drop left $got_dl, truth $dl"
	near "$got_dr" "$dr" 2 || fail "$b: pelvic drop right $got_dr, truth $dr"
	near "$got_ct" "$ct" 0.03 || fail "$b: contact time left $got_ct, truth $ct"
	echo "ok: $b: $got_steps steps ($steps), cadence $got_cad ($cad), drop $got_dl/$got_dr ($dl/$dr), contact $got_ct ($ct)"
	i=$((i + 1))
done
today=$(date -u +%Y-%m-%d) week=$(date -u +%G-W%V)
[ "$(rq '$.bouts[2].date')" = "$today" ] || fail "today's run is dated $(rq '$.bouts[2].date')"
# the hip lifts of session 3, the same day, fulfilled the program; November had none
[ "$(rq '$.bouts[2].program_that_day')" = 1 ] || fail "today's run: program_that_day is not true"
[ "$(rq '$.bouts[2].program_days_7')" = 1 ] || fail "today's run: not 1 program day of 7"
[ "$(sql :memory: "SELECT json_type(readfile('runs.json'), '\$.bouts[0].program_that_day')")" = null ] ||
	fail "2 November: a program that day, though there was none"
[ "$(rq '$.bouts[0].program_days_7')" = 0 ] || fail "2 November: program days not 0"
# 2 and 5 November are ISO week 45: its means are those of its two bouts
[ "$(rq '$.weeks[0].week')/$(rq '$.weeks[1].week')" = "2026-W45/$week" ] &&
	[ "$(sql :memory: "SELECT json_array_length(readfile('runs.json'), '\$.weeks')")" = 2 ] ||
	fail "weeks: $(rq '$.weeks')"
[ "$(rq '$.weeks[0].bouts')" = 2 ] || fail "week 45: $(rq '$.weeks[0].bouts') bouts, not 2"
# (to the decimals printed: 1 for cadence, 2 for degrees, 3 for seconds)
for f in cadence_spm:0.051 pelvic_drop_deg.left:0.0051 pelvic_drop_deg.right:0.0051 \
	contact_time_s.left:0.00051 contact_time_s.right:0.00051; do
	tol=${f#*:} f=${f%:*}
	mean=$(awk -v a="$(rq "\$.bouts[0].$f")" -v b="$(rq "\$.bouts[1].$f")" 'BEGIN { print (a + b) / 2 }')
	near "$(rq "\$.weeks[0].$f")" "$mean" "$tol" || fail "week 45: $f $(rq "\$.weeks[0].$f"), mean of its bouts $mean"
done
[ "$(rq '$.weeks[1].cadence_spm')" = "$(rq '$.bouts[2].cadence_spm')" ] || fail "this week's mean cadence"
[ "$(rq '$.weeks[1].program_days')" = 1 ] || fail "this week: program days not 1"
grep -E "^$today +run +[0-9]+ .* done +1/7$" runs.txt > /dev/null || fail "--runs text: today's line: $(cat runs.txt)"
grep -E "^2026-11-02 +run +[0-9]+ .* - +0/7$" runs.txt > /dev/null || fail "--runs text: 2 November: $(cat runs.txt)"
grep -E "^2026-W45 +run +2 .* 0/7$" runs.txt > /dev/null || fail "--runs text: week 45: $(cat runs.txt)"
pass "hipform history --runs: 3 runs near the truth, program that day and in 7 days, weekly means"
