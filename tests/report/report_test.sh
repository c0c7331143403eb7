#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `hipform report` in a real browser.  A simulated demo session (the
# calibration procedure, hip lifts and clam shells with faults) is
# calibrated, analysed (--json) and reported; headless Chromium renders the
# page, and the DOM it built must hold every set, rep and fault mark of the
# analysis (hf_domcheck compares them with the analysis, no numbers are
# written here).  The page must be self-contained (no script, nothing to
# fetch).  A PNG screenshot is left in WORKDIR/report.png for people.
# Then --session against a fake hipformd (socat) with hold and gait sets,
# whose section 8 blocks must be drawn, and usage errors.
#
#   report_test.sh WORKDIR HIPFORM HF_DOMCHECK
# Exit status: 0 pass, 1 fail.
set -u
W=$(realpath -m "$1") HIPFORM=$2 DOMCHECK=$3
rm -rf "$W" && mkdir -p "$W" || exit 1
cd "$W" || exit 1
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null' EXIT
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { if eval "$1"; then pass "$2"; else fail "$2"; fi; }

# chromium as root (CI) needs --no-sandbox, and a container's small /dev/shm
# --disable-dev-shm-usage; its profile stays in WORKDIR.
browser() {
	HOME="$W" timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
		--user-data-dir="$W/profile" --no-first-run "$@" 2>> "$W/chromium.log"
}

"$HIPFORM" simulate --scenario demo --seed 2024 -o demo.csv > /dev/null || fail "simulate"
"$HIPFORM" calibrate demo.csv -o cal.ini > /dev/null || fail "calibrate"
"$HIPFORM" analyze demo.csv --calibration cal.ini --json > analysis.json || fail "analyze"
"$HIPFORM" report demo.csv --calibration cal.ini -o report.html
rc=$?
check '[ $rc = 0 ] && [ -s report.html ]' "report exit status $rc, page written"
check '! grep -qi "<script" report.html' "no script"
check '! grep -Eqi "(src|href)=\"?(https?:)?//" report.html' "nothing fetched from the network"
check 'grep -q "<svg" report.html && grep -q "<style>" report.html' "inline SVG and CSS"

browser --dump-dom "file://$W/report.html" > dom.html
check '[ -s dom.html ]' "chromium --dump-dom"
if "$DOMCHECK" --trace analysis.json dom.html > domcheck.txt; then
	pass "the DOM has every set, rep and fault mark of the analysis: $(tail -1 domcheck.txt)"
else
	fail "DOM against the analysis:"; sed 's/^/    /' domcheck.txt
fi
check '[ "$(grep -o "class=\"fault-mark\"" dom.html | wc -l)" -gt 0 ]' "the demo has fault marks"
check 'grep -q "class=\"hold-target\"" dom.html && grep -q "class=\"hold-band\"" dom.html' "hold band and hold target drawn"
check 'grep -q "excursion e (°)" dom.html && grep -q "time in the recording (s)" dom.html' "axes with units"

browser --window-size=800,1300 --screenshot="$W/report.png" "file://$W/report.html" > /dev/null
check '[ "$(head -c 8 report.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a ]' "PNG screenshot in $W/report.png"
browser --window-size=380,1800 --screenshot="$W/report-phone.png" "file://$W/report.html" > /dev/null
check '[ -s report-phone.png ]' "phone-width screenshot"

# -- a session from a fake hipformd, with hold and gait sets --
REP='{"start_s":3.0,"peak_s":4.0,"end_s":7.0,"excursion_deg":22.0,"hold_s":1.5,"rise_s":1.0,"lower_s":1.0,"tilt_deg":-22.0,"obliquity_deg":0.5,"rotation_deg":6.0,"faults":["short_hold","hip_drop"]}'
HOLD='{"exercise":"plank_front","kind":"hold","side":null,"start_s":20.0,"end_s":60.0,"hold":{"start_s":20.0,"end_s":60.0,"hold_s":40.0,"elevation_deg":12.0,"min_elevation_change_deg":-7.5,"max_elevation_change_deg":1.2,"sag_s":6.0,"pike_s":0.0,"max_abs_rotation_deg":2.0,"tilt_deg":null,"tremor_hz":6.1,"tremor_deg":0.3,"faults":["sag"]}}'
RUN='{"exercise":"run","kind":"gait","side":null,"start_s":70.0,"end_s":130.0,"steps":160,"cadence_spm":162.0,"contacts":[],"step_time_s":{"left":0.37,"right":0.38},"pelvic_drop_deg":{"left":4.2,"right":6.8},"obliquity_range_deg":9.0,"rotation_range_deg":12.0,"vertical_oscillation_cm":8.1,"contact_time_s":{"left":0.25,"right":0.26},"tilt_deg":null}'
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
SESSION='{"class":"SESSION","v":1,"id":7,"start":"'$NOW'","end":"'$NOW'","recording":null,"contract":2,"input":{"format":"csv","samples":13000,"rate_hz":100.0,"bad_lines":0,"bad_packets":0,"gaps":0},"calibrated":false,"sets":[{"exercise":"hip_lift","kind":"reps","side":null,"start_s":3.0,"end_s":7.0,"rep_count":1,"reps":['"$REP"']},'"$HOLD,$RUN"']}'
printf '%s\n' "$SESSION" | sed 's/^{"class":"SESSION","v":1,/{/' > session.json
HISTORY='{"class":"HISTORY","v":1,"sessions":[{"id":7,"start":"'$NOW'","end":"'$NOW'","sets":3,"reps":1,"faults":2,"recording":null},{"id":3,"start":"2020-01-01T10:00:00Z","end":"2020-01-01T10:10:00Z","sets":1,"reps":6,"faults":0,"recording":null}]}'
# every connection gets all three; the client skips what it did not ask for
printf '%s\n%s\n%s\n' '{"class":"VERSION","v":1,"release":"0.1.0","contract":2}' "$HISTORY" "$SESSION" > serve.ndjson
if command -v socat > /dev/null; then
	socat UNIX-LISTEN:"$W/sock",fork SYSTEM:"cat '$W/serve.ndjson'; sleep 0.5" 2> /dev/null &
	SERVER_PID=$!
	for _ in $(seq 50); do [ -S "$W/sock" ] && break; sleep 0.1; done
	"$HIPFORM" report --session 7 --socket "$W/sock" -o session.html
	rc=$?
	check '[ $rc = 0 ]' "report --session exit status $rc"
	browser --dump-dom "file://$W/session.html" > session-dom.html
	if "$DOMCHECK" session.json session-dom.html > domcheck2.txt; then
		pass "session page: $(tail -1 domcheck2.txt)"
	else
		fail "session DOM:"; sed 's/^/    /' domcheck2.txt
	fi
	check 'grep -q "class=\"plot plot-hold\"" session-dom.html && grep -q "class=\"band\"" session-dom.html' "hold set: elevation change against the band"
	check 'grep -q "class=\"plot plot-gait-drop\"" session-dom.html' "run: pelvic drop per foot"
	browser --window-size=800,1600 --screenshot="$W/session.png" "file://$W/session.html" > /dev/null
	"$HIPFORM" report --weeks 2 --socket "$W/sock" -o weeks.html
	rc=$?
	check '[ $rc = 0 ]' "report --weeks exit status $rc"
	browser --dump-dom "file://$W/weeks.html" > weeks-dom.html
	check '[ "$(grep -o "class=\"bar day\"" weeks-dom.html | wc -l)" = 1 ]' "weeks: one day with a session (the old one is left out)"
	check 'grep -q "<rect class=\"bar\" data-exercise=\"hip_lift\"" weeks-dom.html' "weeks: bars per exercise"
	check '[ "$(grep -c "<tr class=\"run\">" weeks-dom.html)" = 1 ]' "weeks: pelvic drop of the run"
	browser --window-size=800,1400 --screenshot="$W/weeks.png" "file://$W/weeks.html" > /dev/null
else
	fail "socat is not installed (needed for the --session check)"
fi

# --program: the page's compliance table has the blocks of analyze's, each
# complete or not as analyze says
"$HIPFORM" analyze demo.csv --calibration cal.ini --program default --json > prog.json
"$HIPFORM" report demo.csv --calibration cal.ini --program default -o program.html
rc=$?
sed -n '/<table class="compliance">/,/<\/table>/p' program.html > prog_table.html
json_yes=$(grep -o '"complete": *true' prog.json | wc -l)
json_no=$(grep -o '"complete": *false' prog.json | wc -l)
html_yes=$(grep -c '<td>yes</td></tr>' prog_table.html)
html_no=$(grep -c '<td>no</td></tr>' prog_table.html)
check '[ $rc = 0 ] && [ $((json_yes + json_no)) -gt 0 ] && [ "$html_yes" = "$json_yes" ] && [ "$html_no" = "$json_no" ]' \
	"--program: $html_yes complete and $html_no not, as analyze says ($json_yes, $json_no)"

"$HIPFORM" report demo.csv --calibration cal.ini > /dev/null 2> err.txt
check '[ $? = 2 ] && grep -q "^hipform: report needs -o" err.txt' "no -o: usage error"
"$HIPFORM" report demo.csv --weeks 2 -o x.html > /dev/null 2> err.txt
check '[ $? = 2 ] && [ "$(wc -l < err.txt)" = 1 ]' "FILE and --weeks: usage error, one line"
"$HIPFORM" report "$W/missing.csv" --exercise hip_lift -o x.html > /dev/null 2> err.txt
check '[ $? = 1 ] && [ "$(wc -l < err.txt)" = 1 ]' "missing file: exit 1, one line"
"$HIPFORM" report --session 7 --socket "$W/nosock" -o x.html > /dev/null 2> err.txt
check '[ $? = 1 ] && grep -q "cannot connect" err.txt' "no daemon: exit 1, said why"
"$HIPFORM" report --help | grep -q "^Usage: hipform report FILE" && pass "--help" || fail "--help"

[ $failures = 0 ] && echo "PASS: hipform report" || echo "FAIL: $failures checks"
[ $failures = 0 ]
