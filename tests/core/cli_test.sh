#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The command line of contract section 7: exit codes and one-line errors,
# malformed input counted and never fatal, JSON shape.
#   cli_test.sh HIPFORM_BINARY WORKDIR
set -u
hipform=$1
work=$2
mkdir -p "$work"
pass=0 fail=0

check() { # name expected_status command...
	local name=$1 want=$2; shift 2
	"$@" >"$work/out" 2>"$work/err"
	local got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL $name: exit $got, want $want; stderr: $(cat "$work/err")"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

one_line_stderr() { # name
	local n
	n=$(wc -l <"$work/err")
	if [ "$n" -ne 1 ]; then
		echo "FAIL $1: stderr has $n lines, want 1: $(cat "$work/err")"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

contains() { # name file needle
	if grep -Eq -- "$3" "$2"; then pass=$((pass + 1)); else
		echo "FAIL $1: '$3' not in $(cat "$2")"; fail=$((fail + 1)); fi
}

contains_json() { # name file needle (whitespace and newlines ignored)
	if tr -d ' \n' <"$2" | grep -Eq -- "$3"; then pass=$((pass + 1)); else
		echo "FAIL $1: '$3' not in $(cat "$2")"; fail=$((fail + 1)); fi
}

check "no arguments" 2 "$hipform"
check "unknown command" 2 "$hipform" frobnicate
check "help" 0 "$hipform" analyze --help
contains "help mentions --exercise" "$work/out" "--exercise"
check "analyze without file" 2 "$hipform" analyze --exercise hip_lift
check "analyze without exercise or calibration" 2 "$hipform" analyze x.csv
one_line_stderr "usage error is one line"
check "clam shell without side" 2 "$hipform" analyze x.csv --exercise clam_shell
check "unknown exercise" 2 "$hipform" analyze x.csv --exercise plank
check "bad rate" 2 "$hipform" analyze x.csv --exercise hip_lift --rate fast
check "witmotion without rate" 2 "$hipform" analyze x.bin --exercise hip_lift --format witmotion
check "bad threshold" 2 "$hipform" analyze x.csv --exercise hip_lift --threshold hold_target_s=-1
check "missing file" 1 "$hipform" analyze "$work/does-not-exist.csv" --exercise hip_lift
one_line_stderr "missing file is one line"
contains "missing file names it" "$work/err" "does-not-exist.csv"

printf 't_s,ax_g,ay_g,az_g,gx_dps\n0,0,0,1,0\n' >"$work/nocol.csv"
check "missing column" 1 "$hipform" analyze "$work/nocol.csv" --exercise hip_lift
one_line_stderr "missing column is one line"
contains "missing column named" "$work/err" "gy_dps"

{
	echo "# a still sensor with some bad lines"
	echo "t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps"
	for i in $(seq 0 299); do
		printf '%d.%02d,0,0,1,0,0,0\n' $((i / 100)) $((i % 100))
		[ "$i" -eq 50 ] && echo "0.5,zero,0,1,0,0,0"
		[ "$i" -eq 60 ] && echo "0.61,0,0,1"
		[ "$i" -eq 70 ] && echo "0.1,0,0,1,0,0,0"
	done
} >"$work/still.csv"
check "still recording analyses" 0 "$hipform" analyze "$work/still.csv" --exercise hip_lift --json
contains_json "bad lines counted" "$work/out" '"bad_lines":3'
contains_json "no sets" "$work/out" '"sets":\[\]'
contains_json "contract version" "$work/out" '"contract":2'

printf '[sensor]\ngyro_bias_dps = 1 2\n' >"$work/bad.cal"
check "bad calibration file" 1 "$hipform" analyze "$work/still.csv" --calibration "$work/bad.cal"
contains "bad calibration names line" "$work/err" "line 2"

# the whole flow on one recording: the demo session starts with the
# calibration procedure; calibrate from it, then recognise both sets
check "simulate demo" 0 "$hipform" simulate --scenario demo -o "$work/demo.csv" --truth "$work/demo.json"
check "calibrate from a whole session" 0 "$hipform" calibrate "$work/demo.csv" -o "$work/demo.cal"
check "analyze with it" 0 "$hipform" analyze "$work/demo.csv" --calibration "$work/demo.cal" --json
contains_json "hip lifts recognised" "$work/out" '"exercise":"hip_lift","kind":"reps","side":null,[^]]*"rep_count":6'
contains_json "clam shells recognised" "$work/out" '"exercise":"clam_shell","kind":"reps","side":"left",[^]]*"rep_count":6'

# side walks (contract section 10): cycles per set, no --side
check "simulate side_walk" 0 "$hipform" simulate --scenario side_walk --grade good --seed 4 -o "$work/sw.csv"
check "analyze side_walk" 0 "$hipform" analyze "$work/sw.csv" --exercise side_walk --json
contains_json "side-walk set with its cycles" "$work/out" '"exercise":"side_walk","kind":"steps","side":null,[^]]*"reps":\[\],"steps":14,"cadence_cpm":[0-9.]*,"cycles":\[{"start_s"'
check "side_walk takes no --side" 2 "$hipform" analyze "$work/sw.csv" --exercise side_walk --side left
one_line_stderr "side_walk --side"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
