#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Foam rolling through the pty path: a simulated foam-roll session (sim/
# foamroll.c) fed as a WitMotion sensor to hipformd with --exercise
# foam_roll.  A watcher sees a SET of kind passes for every set of the
# truth, each with its passes within one of the truth's (bench_passes
# measures how often they are exact), and STATUS counting the passes of
# an open set.  The truth comes from the simulator (hipform simulate
# --truth).
. "$(dirname "$0")/lib.sh" "$@"

"$HIPFORM" simulate --scenario foam_roll --sensor MPU-9250 --format witmotion --rate 100 \
	--seed 5 -o roll.wit --truth roll.json >/dev/null || fail "hipform simulate"
n_true=$(grep -c '"kind":"passes"' roll.json)
[ "$n_true" -ge 2 ] || fail "seed 5 should simulate 2 or more sets, not $n_true"
feed roll.wit 10
daemon st --exercise foam_roll
"$CLIENT" --socket st/s.sock --send '{"class":"WATCH","enable":true}' --until "SET:$n_true" \
	--timeout 90 > watch.out || fail "no SET number $n_true within 90 s"
grep -q '"class":"STATUS".*"in_set":true.*"exercise":"foam_roll".*"passes":[1-9]' watch.out ||
	fail "no STATUS of an open foam-roll set counting passes"
truth=$(grep '"passes":' roll.json | grep -o '[0-9]*' | tr '\n' ' ')
got=$(grep '"class":"SET"' watch.out | grep -o '"passes":[0-9]*' | grep -o '[0-9]*' | tr '\n' ' ')
read -r -a t <<< "$truth"
read -r -a g <<< "$got"
[ "${#g[@]}" = "${#t[@]}" ] || fail "${#g[@]} SETs ($got), the truth has ${#t[@]} ($truth)"
for i in "${!t[@]}"; do
	d=$(( g[i] - t[i] ))
	[ "${d#-}" -le 1 ] || fail "set $((i + 1)): ${g[i]} passes, the truth ${t[i]}"
done
grep -q '"class":"SET".*"kind":"passes".*"pass_period_s":[0-9]' watch.out ||
	fail "SET without pass_period_s"
pass "foam roll: $n_true SETs of kind passes (passes $got, truth $truth), live passes"
