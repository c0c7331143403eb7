#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The accelerometer a session taught, kept for the next one
# (daemon/hipformd/accel_memory.c).  A simulated MPU-6050 specimen (zero-g
# offsets of tens of mg) is calibrated with `hipform calibrate` from its
# own procedure (mounting, no six-face part).  Session 1, the six faces of
# the same specimen held still in turn, ends by SIGTERM: its fit is kept
# in <state_dir>/session-accel, within 8 mg and 0.5 % of the specimen's
# true offsets and scales.  Session 2, with the same calibration, starts
# with it (the log says so); session 3, with a calibration whose text
# differs, does not; a damaged file is reported and ignored; and with
# [analysis] session_accel = false a session neither uses nor writes one.
. "$(dirname "$0")/lib.sh" "$@"

"$HIPFORM" simulate --scenario calibration --sensor MPU-6050 --seed 3 -o cal.csv \
	--truth cal.json >/dev/null || fail "hipform simulate (calibration)"
"$HIPFORM" simulate --scenario six_face --sensor MPU-6050 --seed 3 -o faces.csv >/dev/null ||
	fail "hipform simulate (six faces)"
"$HIPFORM" calibrate cal.csv -o my.cal > calibrate.log 2>&1 || fail "hipform calibrate: $(cat calibrate.log)"
grep -q '^\[mounting\]' my.cal || fail "the calibration has no [mounting]"

# newest_recording: the recording of the last session
newest_recording() { ls -t st/recordings/*.csv 2>/dev/null | head -1; }
# recorded_to T: the newest recording reaches t = T s (flushed every 5 s)
recorded_to() {
	local rec
	rec=$(newest_recording)
	[ -n "$rec" ] && awk -v got="$(last_t "$rec")" -v want="$1" \
		'BEGIN { exit !(got != "" && got + 0 >= want - 0.0005) }'
}

# session FILE CAL CONF: one session through the pty (configuration file
# CONF), ended by SIGTERM once the daemon has recorded FILE's last sample
session() {
	local file=$1 cal=$2 conf=$3 want
	want=$(last_t "$file")
	feed "$file" 10 --delay 1 --hold 60
	mkdir -p st
	"$HIPFORMD" --foreground --config "$conf" --device "$WORK/pty" --socket st/s.sock \
		--state-dir st --format csv --rate 100 --calibration "$WORK/$cal" \
		--log-level info >> st.log 2>&1 &
	PIDS="$PIDS $!"
	DAEMON_PID=$!
	for _ in $(seq 1200); do
		grep -q done feed.log && recorded_to "$want" && break
		sleep 0.1
	done
	grep -q done feed.log || fail "the feed of $file did not finish"
	recorded_to "$want" || fail "the daemon did not record $file to its end ($want s)"
	kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || fail "hipformd exit status ($file)"
	kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null
	sleep 1.1 # the next session's id (its start time without a database) differs
}

session faces.csv my.cal /dev/null
[ -f st/session-accel ] || fail "session 1 kept no fit: $(grep -i accel st.log)"
grep -q 'accelerometer fitted over' st.log || fail "session 1 did not say it fitted the accelerometer"
cp st/session-accel kept.fit
# the fit against the specimen's truth: offset = bias, scale = 1 / (1 + scale error)
truth=$(tr -d ' \n' < cal.json)
bias=$(echo "$truth" | sed -E 's/.*"acc_bias_g":\[([^]]*)\].*/\1/' | tr ',' ' ')
serr=$(echo "$truth" | sed -E 's/.*"acc_scale_err":\[([^]]*)\].*/\1/' | tr ',' ' ')
awk -v bias="$bias" -v serr="$serr" '
	$1 == "offset_g" { for (i = 1; i <= 3; i++) off[i] = $(i + 2) }
	$1 == "scale" { for (i = 1; i <= 3; i++) sc[i] = $(i + 2) }
	END {
		split(bias, b, " "); split(serr, e, " "); bad = 0
		for (i = 1; i <= 3; i++) {
			ws = 1 / (1 + e[i]); do_ = off[i] - b[i]; ds = sc[i] - ws
			printf "axis %d: offset %+.1f mg (true %+.1f), scale %.4f (true %.4f)\n",
			       i, 1e3 * off[i], 1e3 * b[i], sc[i], ws
			if (do_ > 0.008 || do_ < -0.008 || ds > 0.005 || ds < -0.005) bad = 1
		}
		exit bad
	}' st/session-accel || fail "the kept fit is not the specimen's"
pass "session 1: the six faces' fit kept, within 8 mg and 0.5 % of the specimen's"

: > st.log
session cal.csv my.cal /dev/null
grep -q 'as an earlier session fitted them' st.log || fail "session 2 did not start with the kept fit"
grep -q "an earlier session's fit" "$(newest_recording)" ||
	fail "session 2's recording does not say which accelerometer fit it was analysed with"
pass "session 2, same calibration: starts with the kept fit, and its recording says so"

: > st.log
{ cat my.cal; printf '# clipped on again\n'; } > other.cal
session cal.csv other.cal /dev/null
grep -q 'as an earlier session fitted them' st.log && fail "session 3 took a fit made with another calibration"
pass "session 3, another calibration: learns afresh"

: > st.log
printf 'offset_g = 0.3 nonsense\n' > st/session-accel
session cal.csv my.cal /dev/null
grep -q 'not a session accelerometer fit; ignored' st.log || fail "a damaged fit file was not reported"
grep -q 'as an earlier session fitted them' st.log && fail "a damaged fit file was used"
pass "a damaged st/session-accel: said, ignored, the session goes on"

: > st.log
cp kept.fit st/session-accel
printf '[analysis]\nsession_accel = false\n' > off.conf
session cal.csv my.cal "$WORK/off.conf"
cmp -s kept.fit st/session-accel || fail "session_accel = false changed the kept fit"
grep -q 'as an earlier session fitted them' st.log && fail "session_accel = false used the kept fit"
grep -q 'accelerometer fitted over' st.log && fail "session_accel = false fitted the accelerometer"
pass "session 4, session_accel = false: the kept fit neither used nor rewritten"
