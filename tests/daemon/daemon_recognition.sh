#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Recognition reaches the daemon (contract section 7): a simulated side
# plank session on the right (two holds) fed as a WitMotion sensor to
# hipformd with a calibration (the simulator's true mounting) and no
# exercise.  Each hold comes out as a SET of plank_side, side right (the
# side facing the floor), after its HOLD_START; nothing else is a set.
# Without the activity layer the daemon reports no plank at all.
. "$(dirname "$0")/lib.sh" "$@"

"$HIPFORM" simulate --scenario plank_side --grade good --format witmotion --rate 100 \
	--seed 5 -o ps.wit --truth ps.json >/dev/null || fail "hipform simulate"
n_true=$(grep -c '"kind":"hold"' ps.json)
[ "$n_true" = 2 ] || fail "seed 5 should simulate 2 holds, not $n_true"
q=$(tr -d '\n ' < ps.json | sed -E 's/.*"pelvis_to_sensor":\[([^]]*)\].*/\1/' | tr ',' ' ')
printf '[mounting]\npelvis_to_sensor = %s\n' "$q" > ps.cal
feed ps.wit 8
mkdir -p st
"$HIPFORMD" --foreground --config /dev/null --device "$WORK/pty" --socket st/s.sock \
	--state-dir st --format witmotion --rate 100 --calibration "$WORK/ps.cal" \
	--log-level info > st.log 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -S st/s.sock ] && break; sleep 0.1; done
[ -S st/s.sock ] || fail "hipformd did not open its socket"
"$CLIENT" --socket st/s.sock --send '{"class":"WATCH","enable":true}' --until SET:2 \
	--timeout 60 > watch.out || fail "no second SET within 60 s"
[ "$(count SET watch.out)" = 2 ] || fail "$(count SET watch.out) SETs, not 2"
[ "$(grep '"class":"SET"' watch.out | grep -c '"exercise":"plank_side".*"side":"right"')" = 2 ] ||
	fail "the SETs are not both plank_side, right: $(grep '"class":"SET"' watch.out | head -c 300)"
[ "$(count HOLD_START watch.out)" = 2 ] || fail "$(count HOLD_START watch.out) HOLD_START, not 2"
grep '"class":"SET"' watch.out | grep -q '"set":0' || fail "the first SET is not set 0"
grep '"class":"SET"' watch.out | grep -q '"set":1' || fail "the second SET is not set 1"
pass "recognition: 2 side planks on the right, no exercise given"
