#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# hipform calibrate on the command line (contract sections 6 and 7, issue 8
# class 1, issue 9 items 5 and 6): a sensor that reads 0.93 g at rest is
# calibrated, and the mounting matches the simulator's truth; impossible
# sample times are one line on stderr and exit 1.
#   calibrate_cli_test.sh HIPFORM_BINARY WORKDIR
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

one_line_stderr() { # name needle
	local n
	n=$(wc -l <"$work/err")
	if [ "$n" -ne 1 ] || ! grep -Eq -- "$2" "$work/err"; then
		echo "FAIL $1: stderr has $n lines, want 1 with '$2': $(cat "$work/err")"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

contains() { # name file needle
	if grep -Eq -- "$3" "$2"; then pass=$((pass + 1)); else
		echo "FAIL $1: '$3' not in $(cat "$2")"; fail=$((fail + 1)); fi
}

# an ideal sensor whose accelerometer reads 0.93 g at rest
check "simulate procedure" 0 "$hipform" simulate --scenario calibration --grade ideal \
	--seed 4 -o "$work/proc.csv" --truth "$work/proc.json"
awk -F, 'BEGIN { OFS = "," } /^#/ || /^t_s/ { print; next }
	{ $2 *= 0.93; $3 *= 0.93; $4 *= 0.93; print }' "$work/proc.csv" >"$work/low.csv"
check "0.93 g at rest is calibrated" 0 "$hipform" calibrate "$work/low.csv" -o "$work/low.cal"
contains "level learned" "$work/out" "at rest: 0\.930 g"
contains "mounting written" "$work/low.cal" "^pelvis_to_sensor = "
# the mounting against the truth: angle = 2 acos(|q_est . q_true|)
angle=$(awk '/"pelvis_to_sensor"/ { on = 1 } on && /"[wxyz]":/ { gsub(/[",]/, ""); t[++n] = $2 }
	/^pelvis_to_sensor/ { e[1] = $3; e[2] = $4; e[3] = $5; e[4] = $6 }
	END { d = 0; for (i = 1; i <= 4; i++) d += t[i] * e[i]; if (d < 0) d = -d; if (d > 1) d = 1
	      printf "%.2f", 2 * atan2(sqrt(1 - d * d), d) * 57.29578 }' \
	"$work/proc.json" "$work/low.cal")
echo "mounting at 0.93 g: off by ${angle:-?} deg"
if [ -n "$angle" ] && awk -v a="$angle" 'BEGIN { exit !(a + 0 < 1.0) }'; then pass=$((pass + 1)); else
	echo "FAIL mounting at 0.93 g off by $angle deg (want < 1)"; fail=$((fail + 1)); fi

# t = 0, 1e-300, 2e-300, ...: a rate of 1e300 Hz
awk -F, 'BEGIN { OFS = "," } /^#/ || /^t_s/ { print; next }
	{ $1 = sprintf("%de-300", i++); print }' "$work/proc.csv" >"$work/tiny.csv"
check "tiny time steps" 1 "$hipform" calibrate "$work/tiny.csv" -o "$work/x.cal"
one_line_stderr "tiny time steps" "not a possible rate"
# a jump to 1e15 s at the end
{ cat "$work/proc.csv"; tail -n 1 "$work/proc.csv" | sed 's/^[^,]*,/1e15,/'; } >"$work/jump.csv"
check "jump to 1e15 s" 1 "$hipform" calibrate "$work/jump.csv" -o "$work/x.cal"
one_line_stderr "jump to 1e15 s" "time step of 1e\+15 s"
if [ ! -e "$work/x.cal" ]; then pass=$((pass + 1)); else
	echo "FAIL a refused calibration wrote a file"; fail=$((fail + 1)); fi

# six faces (contract section 6): the same MPU-6050 specimen's offsets
# come back, and a recording that is not one is refused naming a face
check "simulate six faces" 0 "$hipform" simulate --scenario six_face --sensor MPU-6050 \
	--seed 5 -o "$work/six.csv"
check "simulate its procedure" 0 "$hipform" simulate --scenario calibration \
	--sensor MPU-6050 --seed 5 -o "$work/proc6.csv" --truth "$work/proc6.json"
check "six-face calibration" 0 "$hipform" calibrate "$work/proc6.csv" \
	--six-face "$work/six.csv" -o "$work/six.cal"
contains "six-face offsets written" "$work/six.cal" "^acc_offset_g = "
# each offset within 5 mg of the specimen's (truth.acc_bias_g)
worst=$(awk '/"acc_bias_g"/ { on = 1; next } on && /\]/ { on = 0 }
	on { gsub(/[ ,]/, ""); t[++n] = $1 }
	/^acc_offset_g/ { e[1] = $3; e[2] = $4; e[3] = $5 }
	END { w = 0; for (i = 1; i <= 3; i++) { d = e[i] - t[i]; if (d < 0) d = -d; if (d > w) w = d }
	      if (n != 3) w = 99; printf "%.4f", w }' "$work/proc6.json" "$work/six.cal")
echo "six-face offsets: worst error ${worst:-?} g"
if [ -n "$worst" ] && awk -v w="$worst" 'BEGIN { exit !(w + 0 < 0.005) }'; then pass=$((pass + 1)); else
	echo "FAIL six-face offsets off by $worst g (want < 0.005)"; fail=$((fail + 1)); fi
check "procedure as six faces" 1 "$hipform" calibrate "$work/proc6.csv" \
	--six-face "$work/proc6.csv" -o "$work/y.cal"
one_line_stderr "procedure as six faces" "no still face [+-][xyz] up"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
