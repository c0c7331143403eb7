#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Hostile and broken input to `hipform analyze` (issue 9, items 5 and 8):
# impossible time steps, a directory for a file, an endless stream that
# never frames, a file where almost nothing is usable.  Each must end with
# a one-line error naming the cause and exit 1, never run forever.
#   cli_input_test.sh HIPFORM_BINARY WORKDIR
set -u
hipform=$1
work=$2
mkdir -p "$work"
pass=0 fail=0
header=t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps

# name expected_status stderr_regex command...: status, one line, the cause
check() {
	local name=$1 want=$2 needle=$3; shift 3
	timeout 60 "$@" >"$work/out" 2>"$work/err"
	local got=$? lines
	lines=$(wc -l <"$work/err")
	if [ "$got" -ne "$want" ]; then
		echo "FAIL $name: exit $got, want $want; stderr: $(cat "$work/err")"
		fail=$((fail + 1))
	elif [ -n "$needle" ] && { [ "$lines" -ne 1 ] || ! grep -Eq -- "$needle" "$work/err"; }; then
		echo "FAIL $name: want one line matching '$needle', got: $(cat "$work/err")"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

rows() { # first_index count step_s: still rows
	awk -v a="$1" -v n="$2" -v s="$3" 'BEGIN { for (i = a; i < a + n; i++) printf "%.17g,0,0,1,0,0,0\n", i * s }'
}

# item 5: time steps that break arithmetic
{ echo "$header"; echo "0,0,0,1,0,0,0"; echo "1e-300,0,0,1,0,0,0"; echo "2e-300,0,0,1,0,0,0"; } >"$work/tiny_steps.csv"
check "steps of 1e-300 s" 1 "sample rate of 1e\+300 Hz" \
	"$hipform" analyze "$work/tiny_steps.csv" --exercise hip_lift
{ echo "$header"; echo "0,0,0,1,0,0,0"; echo "1e15,0,0,1,0,0,0"; echo "2e15,0,0,1,0,0,0"; } >"$work/huge_steps.csv"
check "steps of 1e15 s" 1 "sample rate of 1e-15 Hz" \
	"$hipform" analyze "$work/huge_steps.csv" --exercise hip_lift
{ echo "$header"; rows 0 40 0.0001; } >"$work/fastest.csv"
check "an estimated 10 kHz is the limit" 0 "" "$hipform" analyze "$work/fastest.csv" --exercise hip_lift
{ echo "$header"; rows 0 40 0.00005; } >"$work/too_fast.csv"
check "an estimated 20 kHz is not" 1 "sample rate of 20000 Hz, not one from 1 to 10000 Hz" \
	"$hipform" analyze "$work/too_fast.csv" --exercise hip_lift --json
# a jump to 1e15 after the rate is known is a gap, not a broken rate
{ echo "$header"; rows 0 300 0.01; echo "1e15,0,0,1,0,0,0"; echo "1e15,0,0,1,0,0,0"; } >"$work/jump.csv"
check "a jump to 1e15 is a gap" 0 "" "$hipform" analyze "$work/jump.csv" --exercise hip_lift --json
if tr -d ' \n' <"$work/out" | grep -q '"gaps":1'; then pass=$((pass + 1)); else
	echo "FAIL jump counted as one gap: $(cat "$work/out")"; fail=$((fail + 1)); fi
check "--rate below 1 Hz" 2 "--rate: '0.5' is not a sample rate from 1 to 10000 Hz" \
	"$hipform" analyze "$work/jump.csv" --exercise hip_lift --rate 0.5
check "--rate 1e300" 2 "--rate: '1e300' is not" \
	"$hipform" analyze "$work/jump.csv" --exercise hip_lift --rate 1e300
check "--rate nan" 2 "--rate: 'nan' is not" \
	"$hipform" analyze "$work/jump.csv" --exercise hip_lift --rate nan
check "--rate given wins over broken steps" 0 "" \
	"$hipform" analyze "$work/tiny_steps.csv" --exercise hip_lift --rate 100

# item 8: a directory for the configuration
check "--config DIR" 1 "cannot read configuration .*: Is a directory" \
	"$hipform" analyze "$work/jump.csv" --exercise hip_lift --config "$work"

# item 8: an endless stream of zeros as WitMotion gives up with a word
check "witmotion from /dev/zero" 1 "not one WitMotion packet in its first 16 MiB" \
	"$hipform" analyze /dev/zero --format witmotion --rate 100 --exercise hip_lift

# item 8: 2999 of 3000 lines rejected
{ echo "$header"; echo "0,0,0,1,0,0,0"; for i in $(seq 1 2999); do echo "$i,zero,0,1,0,0,0"; done; } >"$work/almost_none.csv"
check "2999 of 3000 lines bad" 1 "almost nothing was usable: 1 good of 3000 records \(2999 bad lines" \
	"$hipform" analyze "$work/almost_none.csv" --exercise hip_lift
# ... while a few bad lines among many are counted, not fatal
{ echo "$header"; rows 0 300 0.01; echo "3.1,zero,0,1,0,0,0"; echo "3.2,0x1p3,0,1,0,0,0"; } >"$work/some_bad.csv"
check "2 of 302 lines bad" 0 "" "$hipform" analyze "$work/some_bad.csv" --exercise hip_lift --json
if tr -d ' \n' <"$work/out" | grep -q '"bad_lines":2'; then pass=$((pass + 1)); else
	echo "FAIL two bad lines counted: $(cat "$work/out")"; fail=$((fail + 1)); fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
