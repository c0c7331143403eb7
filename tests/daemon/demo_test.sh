#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `hipform demo` end to end, fast (--speed 50), as an unprivileged user
# would run it: simulator -> pseudo-terminal -> the build tree's hipformd ->
# socket -> the watch rendering.  Checks that the session summary holds
# what the demo promises (a hip-lift set with a short hold and a hip drop,
# a left clam-shell set with the pelvis rolling back and a rushed rep),
# that the plain output shows reps, sets and the session, that the private
# directory is removed (or kept with --keep, with the recording, the
# calibration and the log, and no daemon left running), and the exit
# statuses for a usage error and a daemon that cannot run.
#
#   demo_test.sh WORKDIR HIPFORM HIPFORMD
# Exit status: 0 pass, 1 fail.
set -u
W=$(realpath -m "$1") HIPFORM=$2 HIPFORMD=$3
rm -rf "$W" && mkdir -p "$W/xdg" || exit 1
export XDG_RUNTIME_DIR="$W/xdg"   # the demo's files go here, not to /tmp
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { if eval "$1"; then pass "$2"; else fail "$2"; fi; }

timeout 100 "$HIPFORM" demo --speed 50 --json --daemon "$HIPFORMD" > "$W/json" 2> "$W/err"
rc=$?
check '[ $rc = 0 ]' "demo --json exit status $rc"
session=$(grep '"class":"SESSION"' "$W/json")
check '[ -n "$session" ]' "a SESSION message"
# one line per set of the summary
printf '%s\n' "$session" | sed 's/"sets":\[//; s/},{"exercise"/}\n{"exercise"/g' | grep '"exercise"' > "$W/sets"
lift=$(grep '"exercise":"hip_lift"' "$W/sets")
clam=$(grep '"exercise":"clam_shell","kind":"reps","side":"left"' "$W/sets")
check '[ -n "$lift" ]' "a hip_lift set"
check '[ -n "$clam" ]' "a clam_shell set, left leg"
for f in short_hold hip_drop; do
	check 'grep -q "\"$f\"" <<< "$lift"' "hip lifts show $f"
done
for f in pelvis_rollback rushed; do
	check 'grep -q "\"$f\"" <<< "$clam"' "clam shells show $f"
done
check '[ "$(grep -c "\"class\":\"REP\"" "$W/json")" -ge 8 ]' "REP messages for every rep played"
check '[ -z "$(ls -A "$W/xdg")" ]' "the demo's directory is removed"

timeout 100 "$HIPFORM" demo --speed 50 --keep --daemon "$HIPFORMD" > "$W/text" 2> "$W/err"
rc=$?
check '[ $rc = 0 ]' "demo --keep exit status $rc"
check 'grep -q "^Rep 1: up" "$W/text"' "plain output: rep lines"
check 'grep -q "^Set 1 done: Hip lift" "$W/text"' "plain output: set summary"
check 'grep -q "^Session 1, " "$W/text"' "plain output: session summary"
dir=$(ls -d "$W"/xdg/hipform-demo.* 2>/dev/null | head -1)
check '[ -n "$dir" ] && [ -s "$dir/state/recordings/1.csv" ]' "--keep keeps the recording"
check '[ -s "$dir/calibration.ini" ] && grep -q "^\[mounting\]" "$dir/calibration.ini"' "--keep keeps the calibration"
check 'grep -q "stopped" "$dir/hipformd.log"' "the daemon logged its stop"
check '! pgrep -f "$dir/hipformd.sock" > /dev/null' "no daemon left running"

"$HIPFORM" demo --speed 0 > /dev/null 2>&1
rc=$?
check '[ $rc = 2 ]' "--speed 0 is a usage error ($rc)"
"$HIPFORM" demo --daemon "$W/no-such-hipformd" > /dev/null 2> "$W/err"
rc=$?
check '[ $rc = 1 ] && grep -q "^hipform: demo: no hipformd at $W/no-such-hipformd" "$W/err"' "no daemon: exit $rc, said why"
check '[ -z "$(ls -A "$W/xdg" | grep -v "^$(basename "$dir")$")" ]' "nothing left behind after a failure"
"$HIPFORM" demo --daemon /bin/false > /dev/null 2> "$W/err"
rc=$?
check '[ $rc = 1 ] && grep -q "^hipform: demo: hipformd stopped (exit status 1)" "$W/err"' "a daemon that dies: exit $rc, said why"

[ $failures = 0 ] && echo "PASS: hipform demo" || echo "FAIL: $failures checks"
[ $failures = 0 ]
