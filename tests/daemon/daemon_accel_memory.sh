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

# session FILE CAL [more hipformd options]: one session through the pty,
# ended by SIGTERM once the feed is done
session() {
	local file=$1 cal=$2; shift 2
	feed "$file" 10 --delay 1 --hold 30
	mkdir -p st
	"$HIPFORMD" --foreground --config /dev/null --device "$WORK/pty" --socket st/s.sock \
		--state-dir st --format csv --rate 100 --calibration "$WORK/$cal" \
		--log-level info "$@" >> st.log 2>&1 &
	PIDS="$PIDS $!"
	DAEMON_PID=$!
	for _ in $(seq 600); do grep -q done feed.log && break; sleep 0.1; done
	grep -q done feed.log || fail "the feed of $file did not finish"
	sleep 1
	kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || fail "hipformd exit status ($file)"
	kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null
}

session faces.csv my.cal
[ -f st/session-accel ] || fail "session 1 kept no fit: $(grep -i accel st.log)"
grep -q 'accelerometer fitted over' st.log || fail "session 1 did not say it fitted the accelerometer"
# the fit against the specimen's truth: offset = bias, scale = 1 / (1 + scale error)
python3 - st/session-accel cal.json <<'PY' || fail "the kept fit is not the specimen's"
import json, sys
kept = {}
for line in open(sys.argv[1]):
    if '=' in line and not line.startswith('#'):
        k, v = line.split('=', 1)
        kept[k.strip()] = v.split()
truth = json.load(open(sys.argv[2]))['truth']
for i in range(3):
    off = float(kept['offset_g'][i]); sc = float(kept['scale'][i])
    want_off = truth['acc_bias_g'][i]; want_sc = 1.0 / (1.0 + truth['acc_scale_err'][i])
    print(f"axis {i}: offset {off*1e3:+.1f} mg (true {want_off*1e3:+.1f}), scale {sc:.4f} (true {want_sc:.4f})")
    if abs(off - want_off) > 0.008 or abs(sc - want_sc) > 0.005:
        sys.exit(1)
PY
pass "session 1: the six faces' fit kept, within 8 mg and 0.5 % of the specimen's"

: > st.log
session cal.csv my.cal
grep -q 'as an earlier session fitted them' st.log || fail "session 2 did not start with the kept fit"
pass "session 2, same calibration: starts with the kept fit"

: > st.log
{ cat my.cal; printf '# clipped on again\n'; } > other.cal
session cal.csv other.cal
grep -q 'as an earlier session fitted them' st.log && fail "session 3 took a fit made with another calibration"
pass "session 3, another calibration: learns afresh"

: > st.log
printf 'offset_g = 0.3 nonsense\n' > st/session-accel
session cal.csv my.cal
grep -q 'not a session accelerometer fit; ignored' st.log || fail "a damaged fit file was not reported"
grep -q 'as an earlier session fitted them' st.log && fail "a damaged fit file was used"
pass "a damaged st/session-accel: said, ignored, the session goes on"

: > st.log
rm -f st/session-accel
printf '[analysis]\nsession_accel = false\n' > off.conf
feed cal.csv 10 --delay 1 --hold 30
"$HIPFORMD" --foreground --config "$WORK/off.conf" --device "$WORK/pty" --socket st/s.sock \
	--state-dir st --format csv --rate 100 --calibration "$WORK/my.cal" \
	--log-level info >> st.log 2>&1 &
PIDS="$PIDS $!"
DAEMON_PID=$!
for _ in $(seq 600); do grep -q done feed.log && break; sleep 0.1; done
sleep 1
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || fail "hipformd exit status (session_accel off)"
[ -f st/session-accel ] && fail "session_accel = false wrote a fit"
grep -q 'accelerometer' st.log && fail "session_accel = false: $(grep accelerometer st.log)"
pass "session 4, session_accel = false: no fit used or kept"
