#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Holds through the pty path: a simulated front plank session (two holds,
# the second short of 30 s) fed as a WitMotion sensor to hipformd with
# --exercise plank_front and a program.  A watcher sees HOLD_START before
# each hold's SET, STATUS counting hold_s up to the 30 s target, the
# short_hold FAULT, and SUMMARY's compliance marks the plank block done and
# the others missed.  The truth comes from the simulator (hipform simulate
# --truth).
. "$(dirname "$0")/lib.sh" "$@"

"$HIPFORM" simulate --scenario plank --grade good --format witmotion --rate 100 \
	--seed 5 -o plank.wit --truth plank.json >/dev/null || fail "hipform simulate"
n_true=$(grep -c '"kind":"hold"' plank.json)
[ "$n_true" = 2 ] || fail "seed 5 should simulate 2 holds, not $n_true"
cat > program.ini <<'INI'
[program]
name = test
[Hip lifts]
exercise = hip_lift
reps = 10-12
[Front plank]
exercise = plank_front
hold_s = 30
[Back plank]
exercise = plank_back
hold_s = 30
INI
printf '[analysis]\nprogram = %s/program.ini\n' "$WORK" > hipformd.conf
feed plank.wit 8
daemon st --config "$WORK/hipformd.conf" --exercise plank_front
"$CLIENT" --socket st/s.sock --send '{"class":"WATCH","enable":true}' --until SET:2 \
	--timeout 60 > watch.out || fail "no second SET within 60 s"
"$CLIENT" --socket st/s.sock --send '{"class":"SUMMARY"}' --until SESSION \
	--timeout 10 > summary.out || fail "no SESSION"
[ "$(count HOLD_START watch.out)" = 2 ] || fail "$(count HOLD_START watch.out) HOLD_START, not 2"
first_hs=$(grep -n '"class":"HOLD_START"' watch.out | head -1 | cut -d: -f1)
first_set=$(grep -n '"class":"SET"' watch.out | head -1 | cut -d: -f1)
[ "$first_hs" -lt "$first_set" ] || fail "the first SET came before HOLD_START"
grep -q '"class":"STATUS".*"in_set":true.*"exercise":"plank_front".*"hold_target_s":30' watch.out ||
	fail "no STATUS of an open hold with its 30 s target"
grep -q '"class":"SET".*"kind":"hold".*"hold":{' watch.out || fail "SET without its hold block"
grep -q '"class":"FAULT".*"code":"short_hold"' watch.out || fail "no short_hold FAULT for the 20 s hold"
grep -q '"compliance":\[{"block":"Hip lifts".*"status":"missed"}.*"block":"Front plank".*"complete":true,"status":"done"}.*"block":"Back plank".*"status":"missed"}\]' \
	summary.out || fail "compliance is not: hip lifts missed, front plank done, back plank missed; SESSION: $(cat summary.out)"
pass "holds: 2 HOLD_START, live STATUS and short_hold, compliance done/missed"
