#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `hipform simulate`: usage errors exit 2, output is deterministic per seed,
# the CSV and WitMotion outputs have the contract's shape, the truth is JSON.
set -u
HIPFORM=$1
WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
fails=0
check() { # description, expected status, command...
	desc=$1 want=$2
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $desc: exit $got, wanted $want"; cat "$WORK/err"; fails=$((fails + 1))
	else
		echo "ok: $desc"
	fi
}
check "help" 0 "$HIPFORM" simulate --help
grep -q -- "--scenario" "$WORK/out" || { echo "FAIL: help lacks --scenario"; fails=$((fails + 1)); }
check "bad format" 2 "$HIPFORM" simulate --format xml
check "bad grade" 2 "$HIPFORM" simulate --grade perfect
check "bad rate" 2 "$HIPFORM" simulate --rate 5
check "bad seed" 2 "$HIPFORM" simulate --seed -3
check "bad scenario" 2 "$HIPFORM" simulate --scenario yoga
check "stray argument" 2 "$HIPFORM" simulate file.csv
check "unknown option" 2 "$HIPFORM" simulate --colour
check "unwritable output" 1 "$HIPFORM" simulate --scenario calibration -o "$WORK/no/such/dir/x.csv"
check "calibration to stdout" 0 "$HIPFORM" simulate --scenario calibration --seed 4
head -2 "$WORK/out" | tail -1 | grep -qx "t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps" ||
	{ echo "FAIL: CSV header"; fails=$((fails + 1)); }
cp "$WORK/out" "$WORK/a.csv"
check "same seed again" 0 "$HIPFORM" simulate --scenario calibration --seed 4 -o "$WORK/b.csv"
cmp -s "$WORK/a.csv" "$WORK/b.csv" || { echo "FAIL: not deterministic"; fails=$((fails + 1)); }
check "demo witmotion with truth" 0 "$HIPFORM" simulate --scenario demo --format witmotion \
	--rate 50 -o "$WORK/demo.bin" --truth "$WORK/demo.json"
size=$(wc -c <"$WORK/demo.bin")
[ $((size % 33)) -eq 0 ] && [ "$size" -gt 33000 ] ||
	{ echo "FAIL: witmotion size $size"; fails=$((fails + 1)); }
grep -q '"format": "witmotion"' "$WORK/demo.json" && grep -q '"rep_count": 6' "$WORK/demo.json" ||
	{ echo "FAIL: truth JSON"; fails=$((fails + 1)); }
check "bad sensor" 2 "$HIPFORM" simulate --sensor MPU-1
check "datasheet sensor" 0 "$HIPFORM" simulate --scenario calibration --sensor bmi270 --seed 4 \
	-o "$WORK/bmi.csv"
cmp -s "$WORK/bmi.csv" "$WORK/a.csv" && { echo "FAIL: --sensor changed nothing"; fails=$((fails + 1)); }
for sc in cheap_accel settling_rest slow_tiny_clams breathing_clams odd_first_rep \
	weak_side_bridges; do
	check "scenario $sc" 0 "$HIPFORM" simulate --scenario "$sc" --seed 2 -o "$WORK/$sc.csv" \
		--truth "$WORK/$sc.json"
	grep -q '"rep_count"' "$WORK/$sc.json" || { echo "FAIL: $sc truth"; fails=$((fails + 1)); }
done
[ "$fails" -eq 0 ]
