#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `hipform analyze --exercise walk|run` on simulated bouts written as a
# WitMotion raw capture (--rate) and as CSV: one set, the given exercise,
# the flight-phase classification, steps and cadence near the truth.
#   gait_cli_test.sh HIPFORM BENCH_GAIT WORKDIR
set -eu
HIPFORM=$1
BENCH=$2
WORK=$3
mkdir -p "$WORK"
fail() { echo "FAIL: $*"; exit 1; }

# field NAME FILE: the first value of "NAME": in a JSON file
field() { grep -o "\"$1\":[^,}]*" "$2" | head -1 | sed 's/^[^:]*://; s/"//g'; }

check() { # format kind exercise seed
	ext=$([ "$1" = witmotion ] && echo bin || echo csv)
	rec="$WORK/$2_$4.$ext"
	set -- "$@" $("$BENCH" --write "$1" "$2" "$4" "$rec")
	truth_steps=$5 truth_kind=$6 truth_cad=$7
	out="$WORK/$2_$4.json"
	"$HIPFORM" analyze "$rec" --exercise "$3" --rate 100 --json > "$out" ||
		fail "analyze $rec"
	[ "$(grep -c '"kind":"gait"' "$out")" -eq 1 ] || fail "$rec: not one gait set"
	[ "$(field exercise "$out")" = "$3" ] || fail "$rec: exercise is not the given $3"
	[ "$(field classified "$out")" = "$truth_kind" ] || fail "$rec: classified $(field classified "$out"), truth $truth_kind"
	steps=$(field steps "$out")
	d=$((steps - truth_steps))
	[ "${d#-}" -le 1 ] || fail "$rec: $steps steps, truth $truth_steps"
	cad=$(field cadence_spm "$out")
	awk -v a="$cad" -v b="$truth_cad" 'BEGIN { d = a - b; exit !(d < 2 && d > -2) }' ||
		fail "$rec: cadence $cad, truth $truth_cad"
	echo "ok: $rec ($3): $steps steps (truth $truth_steps), $truth_kind, cadence $cad ($truth_cad)"
}

check witmotion run run 7
check csv walk walk 8
# the given exercise wins (contract section 7); the classification says what it was
check csv walk run 9
check witmotion run walk 10
echo PASS
