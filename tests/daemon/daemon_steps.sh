#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Side walks through the pty path: a simulated side-walk session (seed 4:
# three sets of 14, 8 and 11 cycles, right, left, right) fed as a
# WitMotion sensor to hipformd with --exercise side_walk (no --side: the
# direction is measured).  A watcher sees STATUS counting the cycles of an
# open set, a pelvic_drop FAULT, and three steps SETs with the truth's
# cycle counts (hipform simulate --truth); SUMMARY's compliance takes the
# sets into the side-walk block.
. "$(dirname "$0")/lib.sh" "$@"

"$HIPFORM" simulate --scenario side_walk --grade good --format witmotion --rate 100 \
	--seed 4 -o sw.wit --truth sw.json >/dev/null || fail "hipform simulate"
truth=$(grep -o '"steps":[0-9]*' sw.json | cut -d: -f2 | tr '\n' ' ')
[ "$truth" = "14 8 11 " ] || fail "seed 4 should simulate sets of 14 8 11 cycles, not $truth"
cat > program.ini <<'INI'
[program]
name = test
[Side walks]
exercise = side_walk
side = both
sets = 2
cycles = 8-20
INI
printf '[analysis]\nprogram = %s/program.ini\n' "$WORK" > hipformd.conf
feed sw.wit 8
daemon st --config "$WORK/hipformd.conf" --exercise side_walk
"$CLIENT" --socket st/s.sock --send '{"class":"WATCH","enable":true}' --until SET:3 \
	--timeout 90 > watch.out || fail "no third SET within 90 s"
"$CLIENT" --socket st/s.sock --send '{"class":"SUMMARY"}' --until SESSION \
	--timeout 10 > summary.out || fail "no SESSION"
found=$(grep '"class":"SET"' watch.out | grep -o '"steps":[0-9]*' | cut -d: -f2 | tr '\n' ' ')
[ "$found" = "$truth" ] || fail "SETs of $found cycles, the truth $truth"
grep -q '"class":"SET".*"kind":"steps".*"cycles":\[{"start_s"' watch.out || fail "SET without its cycles"
grep -q '"class":"STATUS".*"in_set":true.*"exercise":"side_walk".*"steps":[1-9]' watch.out ||
	fail "no STATUS of an open side-walk set counting its cycles"
grep -q '"class":"FAULT".*"code":"pelvic_drop"' watch.out || fail "no pelvic_drop FAULT"
grep -q '"compliance":\[{"block":"Side walks".*"complete":false,"status":"partly_done"}\]' summary.out ||
	fail "compliance: the side-walk block should be partly done (no sides uncalibrated)"
# the client prints the session as 'hipform analyze' does: cycles, not reps
"$HIPFORM" summary --socket st/s.sock > words.out 2>&1 || fail "hipform summary"
grep -q "Side walk, 14 cycles" words.out || fail "hipform summary does not print the cycles: $(head -5 words.out)"
grep -q "keep the pelvis level" words.out || fail "hipform summary has no pelvic_drop advice"
pass "side walks: SETs of $found cycles, live STATUS and pelvic_drop, compliance"
