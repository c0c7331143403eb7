#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The client commands (hipform status, watch, summary, history) against a
# fake hipformd: socat listens on a Unix socket in WORKDIR and answers every
# connection with canned protocol messages (docs/protocol.md), then closes.
# Checks what a person and a script see: JSON copied through unchanged,
# reps with their faults in plain words (a fault announced live by FAULT
# is not repeated under the rep, one that was not is), set and session
# summaries, the history table, the one-line connection error and exit
# statuses (0, 1 for a daemon error or no daemon, 2 for usage), and that
# watch ends cleanly on SIGINT.
#
#   client_test.sh WORKDIR HIPFORM
# Exit status: 0 pass, 1 fail, 77 skipped (no socat).
set -u
W=$(realpath -m "$1") HIPFORM=$2
command -v socat >/dev/null || { echo "SKIPPED: socat is not installed"; exit 77; }
rm -rf "$W" && mkdir -p "$W" || exit 1
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null' EXIT
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# expect_in FILE REGEX WHAT
expect_in() { grep -Eq -- "$2" "$1" && pass "$3" || { fail "$3: no /$2/ in:"; sed 's/^/    /' "$1"; }; }

VERSION='{"class":"VERSION","v":1,"release":"0.1.0","contract":2}'
DEVICE='{"class":"DEVICE","v":1,"path":"/dev/ttyUSB0","driver":"serial","protocol":"witmotion","rate_hz":100.0,"state":"connected","vid_pid":"1a86:7523"}'
STATUS='{"class":"STATUS","v":1,"t_s":31.2,"device":"connected","session":42,"posture":"supine","still":false,"in_set":true,"exercise":"hip_lift","side":null,"tilt_deg":-21.5,"obliquity_deg":1.25,"rotation_deg":-3.5,"excursion_deg":21.5,"hold_s":1.2,"hold_target_s":2.0,"rep_count":1,"set_count":0}'
REP1='{"start_s":20.0,"peak_s":21.4,"end_s":24.0,"excursion_deg":22.3,"hold_s":1.2,"rise_s":1.1,"lower_s":1.3,"tilt_deg":-22.3,"obliquity_deg":1.0,"rotation_deg":3.1,"faults":["short_hold","hip_drop"]}'
REP2='{"start_s":26.0,"peak_s":27.2,"end_s":31.0,"excursion_deg":24.0,"hold_s":2.4,"rise_s":1.0,"lower_s":1.2,"tilt_deg":-24.0,"obliquity_deg":0.5,"rotation_deg":-1.0,"faults":[]}'
SET_BODY='"exercise":"hip_lift","kind":"reps","side":null,"start_s":20.0,"end_s":31.0,"rep_count":2,"reps":['"$REP1,$REP2"']'
SESSION='{"class":"SESSION","v":1,"id":42,"start":"2026-05-20T18:02:11Z","end":"2026-05-20T18:14:41Z","recording":"/var/lib/hipform/recordings/42.csv","contract":2,"input":{"format":"witmotion","samples":75000,"rate_hz":100.0,"bad_lines":0,"bad_packets":0,"gaps":0},"calibrated":true,"sets":[{'"$SET_BODY"'}]}'
HISTORY='{"class":"HISTORY","v":1,"sessions":[{"id":42,"start":"2026-05-20T18:02:11Z","end":"2026-05-20T18:14:41Z","sets":1,"reps":2,"faults":2,"recording":"/var/lib/hipform/recordings/42.csv"},{"id":43,"start":"2026-05-21T07:00:00Z","end":null,"sets":0,"reps":0,"faults":0,"recording":"/var/lib/hipform/recordings/43.csv"}]}'

cat > "$W/live.ndjson" <<EOF
$VERSION
$DEVICE
$STATUS
{"class":"REP_START","v":1,"session":42,"set":0,"rep":1,"t_s":20.0}
{"class":"FAULT","v":1,"session":42,"set":0,"rep":1,"t_s":21.0,"code":"hip_drop","value":7.4,"message":"the left side of the pelvis sank 7 deg"}
{"class":"REP","v":1,"session":42,"set":0,"rep":1,${REP1#\{}
{"class":"HOLD","v":1,"session":42,"set":0,"rep":2,"t_s":28.0,"hold_s":2.0}
{"class":"REP","v":1,"session":42,"set":0,"rep":2,${REP2#\{}
{"class":"SET","v":1,"session":42,"set":0,$SET_BODY}
$SESSION
EOF
printf '%s\n%s\n%s\n' "$VERSION" "$DEVICE" "$STATUS" > "$W/status.ndjson"
printf '%s\n%s\n' "$VERSION" "$SESSION" > "$W/summary.ndjson"
printf '%s\n%s\n' "$VERSION" '{"class":"ERROR","v":1,"message":"no session 7"}' > "$W/error.ndjson"
printf '%s\n%s\n' "$VERSION" "$HISTORY" > "$W/history.ndjson"

# serve FILE [SECONDS]: every connection gets FILE, then stays open SECONDS.
serve() {
	[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null && wait $SERVER_PID 2>/dev/null
	rm -f "$W/sock"
	socat UNIX-LISTEN:"$W/sock",fork SYSTEM:"cat '$1'; sleep ${2:-0.5}" 2>/dev/null &
	SERVER_PID=$!
	for _ in $(seq 50); do [ -S "$W/sock" ] && sleep 0.2 && return; sleep 0.1; done
	echo "FAIL: socat did not listen"; exit 1
}
run() { timeout 10 "$HIPFORM" "$@" > "$W/out" 2> "$W/err"; echo $? > "$W/rc"; }
rc_is() { [ "$(cat "$W/rc")" = "$1" ] && pass "$2: exit $1" || { fail "$2: exit $(cat "$W/rc"), want $1"; cat "$W/err"; }; }

serve "$W/live.ndjson"
run watch --json --socket "$W/sock"
rc_is 0 "watch --json until the daemon closes"
cmp -s "$W/out" "$W/live.ndjson" && pass "watch --json copies every message unchanged" ||
	{ fail "watch --json output differs"; diff "$W/live.ndjson" "$W/out"; }

HIPFORM_SOCKET="$W/sock" run watch
rc_is 0 "watch (plain, socket from HIPFORM_SOCKET)"
expect_in "$W/out" "^Sensor connected.*/dev/ttyUSB0" "device line"
expect_in "$W/out" "^Hip lift \| e 21.5.* \| hold \[######----\] 1.2/2.0 s \| reps 1 \| tilt -21.5.* obliq \+1.2.* rot -3.5" "live status as a plain line"
expect_in "$W/out" "! the left side of the pelvis sank 7 deg" "live fault"
expect_in "$W/out" "^Rep 1: up 22.3.* in 1.1 s, held 1.2 s, down in 1.3 s$" "rep 1 line"
expect_in "$W/out" "^  ! held 1.2 s on rep 1: hold the top for a full 2 s" "short_hold advice after the rep"
[ "$(grep -c 'one side sank\|pelvis sank' "$W/out")" = 2 ] &&
	pass "hip_drop announced live is not repeated after the rep (only in the session summary)" ||
	fail "hip_drop advice count"
expect_in "$W/out" "^Rep 2: .* - good$" "clean rep 2"
expect_in "$W/out" "^Set 1 done: Hip lift, 2 reps, 1 clean, mean hold 1.8 s; faults: 1 short hold, 1 hip drop" "set summary"
expect_in "$W/out" "^Session 42, 2026-05-20T18:02:11Z to 2026-05-20T18:14:41Z" "session header"
expect_in "$W/out" "rep  excursion" "session table as in analyze"
expect_in "$W/out" "1 of 2 reps clean" "session clean count"

serve "$W/status.ndjson"
run status --socket "$W/sock"
rc_is 0 "status"
expect_in "$W/out" "^hipformd 0.1.0 \(protocol 1, contract 2\)" "status version"
expect_in "$W/out" "^Sensor: +/dev/ttyUSB0, connected \(serial, witmotion, 100.0 Hz, USB 1a86:7523\)" "status sensor"
expect_in "$W/out" "^Session: +42, 0 sets finished" "status session"
run status --json --socket "$W/sock"
cmp -s "$W/out" "$W/status.ndjson" && pass "status --json" || { fail "status --json"; cat "$W/out"; }

serve "$W/summary.ndjson"
run summary 42 --json --socket "$W/sock"
rc_is 0 "summary 42 --json"
[ "$(cat "$W/out")" = "$SESSION" ] && pass "summary --json prints the SESSION" || fail "summary --json"
serve "$W/error.ndjson"
run summary 7 --socket "$W/sock"
rc_is 1 "summary of an unknown session"
expect_in "$W/err" "^hipform: hipformd: no session 7$" "daemon's error in one line"

serve "$W/history.ndjson"
run history --limit 5 --socket "$W/sock"
rc_is 0 "history"
expect_in "$W/out" "^ +42  2026-05-20 18:02:11Z +12 min +1 +2 +2  -$" "history row (no program: -)"
expect_in "$W/out" "^ +43  .* running " "running session"

# history with programs and runs (issues 10, 11): the 7 days of the run on
# 20 May are 14-20 May (program complete on 14 and 18: 2); that day's
# session had the program but not complete.  The run on 13 May: complete
# that day (session 10), and 1 of 7-13 May.  ISO weeks: 13-14 May in W20,
# 18-20 May in W21.  TZ=UTC: dates are local.
P_DONE='{"name":"P","complete":true,"blocks":3,"blocks_complete":3,"blocks_partly":0,"blocks_missed":0}'
P_PART='{"name":"P","complete":false,"blocks":3,"blocks_complete":1,"blocks_partly":1,"blocks_missed":1}'
bout() { echo "{\"exercise\":\"run\",\"start_s\":5.0,\"end_s\":65.0,\"steps\":$1,\"cadence_spm\":$2,\"pelvic_drop_deg\":{\"left\":$3,\"right\":$4},\"contact_time_s\":{\"left\":$5,\"right\":$6}}"; }
ses() { echo "{\"id\":$1,\"start\":\"$2\",\"end\":null,\"sets\":1,\"reps\":0,\"faults\":0,\"recording\":null,\"gait\":null,\"program\":$3,\"bouts\":[$4]}"; }
printf '%s\n{"class":"HISTORY","v":1,"sessions":[%s,%s,%s,%s,%s]}\n' "$VERSION" \
	"$(ses 13 2026-05-20T07:00:00Z "$P_PART" "$(bout 170 171.0 5.0 6.0 0.250 0.260)")" \
	"$(ses 12 2026-05-18T18:00:00Z "$P_DONE" "")" \
	"$(ses 11 2026-05-14T18:00:00Z "$P_DONE" "")" \
	"$(ses 10 2026-05-13T18:00:00Z "$P_DONE" "")" \
	"$(ses 9 2026-05-13T07:00:00Z null "$(bout 150 160.0 7.0 3.0 0.280 0.300),$(bout 100 150.0 6.0 4.0 null 0.320)")" \
	> "$W/runs.ndjson"
serve "$W/runs.ndjson"
TZ=UTC run history --socket "$W/sock"
expect_in "$W/out" "^ +13  2026-05-20 07:00:00Z .* 1/3 blocks$" "history: N/M blocks"
expect_in "$W/out" "^ +12  .* complete$" "history: program complete"
expect_in "$W/out" "^ +9  .* -$" "history: no program"
TZ=UTC run history --runs --socket "$W/sock"
rc_is 0 "history --runs"
expect_in "$W/out" "^2026-05-13  run +150 +160 +7.0/3.0 +280/300  done +1/7$" "--runs: 13 May, first bout"
expect_in "$W/out" "^2026-05-13  run +100 +150 +6.0/4.0 +-/320  done +1/7$" "--runs: 13 May, second bout, no left contact time"
expect_in "$W/out" "^2026-05-20  run +170 +171 +5.0/6.0 +250/260  no +2/7$" "--runs: 20 May"
expect_in "$W/out" "^2026-W20  run +2 +155 +6.5/3.5 +280/310  2/7$" "--runs: week 20 means"
expect_in "$W/out" "^2026-W21  run +1 +171 +5.0/6.0 +250/260  1/7$" "--runs: week 21"
# five sessions listed with --limit 5: the listing may be cut before 7 May
TZ=UTC run history --runs --limit 5 --socket "$W/sock"
expect_in "$W/out" "^2026-05-13  run +150 .* done +\?$" "--runs: 7 days unknown past the listing"
expect_in "$W/out" "^2026-05-20  run .* no +2/7$" "--runs: 7 days within the listing"
TZ=UTC run history --runs --json --socket "$W/sock"
expect_in "$W/out" '"date":"2026-05-20","week":"2026-W21","exercise":"run","steps":170,"cadence_spm":171.0,.*"program_that_day":false,"program_days_7":2' "--runs --json: bout"
expect_in "$W/out" '"week":"2026-W20","exercise":"run","bouts":2,"cadence_spm":155.0,"pelvic_drop_deg":\{"left":6.50,"right":3.50\},"contact_time_s":\{"left":0.280,"right":0.310\},"program_days":2' "--runs --json: week"

# watch must end on SIGINT while the daemon stays silent
serve "$W/status.ndjson" 30
"$HIPFORM" watch --socket "$W/sock" > "$W/out" 2> "$W/err" &
pid=$!
sleep 1
kill -INT $pid
for _ in $(seq 30); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
	fail "watch ignores SIGINT"; kill $pid
else
	wait $pid; rc=$?
	[ $rc = 0 ] && pass "watch ends on SIGINT with exit 0" || fail "watch exit $rc after SIGINT"
fi

kill $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=
rm -f "$W/sock"
run status --socket "$W/sock"
rc_is 1 "no daemon"
expect_in "$W/err" "^hipform: cannot connect to hipformd at $W/sock: No such file or directory \(is the service running\? systemctl status hipformd\)$" "connection error line"
[ "$(wc -l < "$W/err")" = 1 ] && pass "one line" || fail "more than one line on stderr"

run watch --bogus
rc_is 2 "unknown option"
run history --limit 0
rc_is 2 "bad --limit"
run summary 1 2
rc_is 2 "two sessions"
run watch --help
rc_is 0 "watch --help"
expect_in "$W/out" "--socket PATH" "help names --socket"

[ $failures = 0 ] && echo "PASS: client commands" || echo "FAIL: $failures checks"
[ $failures = 0 ]
