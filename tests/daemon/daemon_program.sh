#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A whole simulated program through the pty path (issue 10): hipform
# simulate --scenario program (the calibration procedure, foam rolling
# face down and face up, hip lifts, clam shells each side, side walks each
# way, planks front, side each side and back, a walk and sometimes a run,
# with walking and standing between the blocks) played as a CSV
# sensor to hipformd with a calibration (the simulator's true mounting), no
# exercise and the shipped program.  The watcher must see one SET per true
# set, in order, each with the true exercise and side, a HOLD_START before
# every plank, and nothing for the walking and standing between blocks;
# SUMMARY's compliance lists the program's nine blocks with those the
# simulator never did (the stretch, and any block with no true set) missed
# and those it did not missed.
. "$(dirname "$0")/lib.sh" "$@"

"$HIPFORM" simulate --scenario program --seed 4 -o prog.csv --truth prog.json >/dev/null ||
	fail "hipform simulate"
tr -d ' \n' < prog.json | grep -o '"exercise":"[a-z_]*","kind":"[a-z]*","side":[a-z"]*' |
	sed -E 's/"exercise":"([a-z_]*)","kind":"[a-z]*","side":"?([a-z]*)"?/\1 \2/' > truth.seq
n_true=$(wc -l < truth.seq)
[ "$n_true" -ge 10 ] || fail "seed 4 should simulate 10 sets or more, not $n_true"
n_planks=$(grep -c '^plank' truth.seq)
q=$(tr -d '\n ' < prog.json | sed -E 's/.*"pelvis_to_sensor":\[([^]]*)\].*/\1/' | tr ',' ' ')
printf '[mounting]\npelvis_to_sensor = %s\n' "$q" > prog.cal
printf '[analysis]\nprogram = default\n' > hipformd.conf
feed prog.csv 16
mkdir -p st
"$HIPFORMD" --foreground --config "$WORK/hipformd.conf" --device "$WORK/pty" \
	--socket st/s.sock --state-dir st --format csv --rate 100 \
	--calibration "$WORK/prog.cal" --log-level info > st.log 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -S st/s.sock ] && break; sleep 0.1; done
[ -S st/s.sock ] || fail "hipformd did not open its socket"
"$CLIENT" --socket st/s.sock --send '{"class":"WATCH","enable":true}' --until "SET:$n_true" \
	--timeout 240 > watch.out || fail "$(count SET watch.out) of $n_true SETs within 240 s"
sleep 3 # the rest of the recording: nothing more may come
"$CLIENT" --socket st/s.sock --send '{"class":"SUMMARY"}' --until SESSION \
	--timeout 10 > summary.out || fail "no SESSION"
grep '"class":"SET"' watch.out | grep -o '"exercise":"[a-z_]*"' | cut -d'"' -f4 > got.ex
grep '"class":"SET"' watch.out | sed -E 's/.*"side":"?([a-z]*)"?.*/\1/' > got.side
paste -d' ' got.ex got.side | sed 's/ *$/ /' > got.seq
sed 's/ *$/ /' truth.seq > truth.cmp
diff truth.cmp got.seq > seq.diff || fail "the SETs are not the true sets in order: $(tr '\n' ';' < seq.diff)"
[ "$(count HOLD_START watch.out)" = "$n_planks" ] ||
	fail "$(count HOLD_START watch.out) HOLD_START for $n_planks planks"
# a block's status: the first after its name (blocks are a few hundred bytes)
status_of() {
	grep -o "\"block\":\"$1\".\{0,600\}" summary.out | grep -o '"status":"[a-z_]*"' | head -1
}
# a block is done where the truth has a set of its exercise
done_blocks=() missed_blocks=("Hip flexor stretch")
for be in "Foam roll, face down:foam_roll" "Foam roll, face up:foam_roll" "Hip lifts:hip_lift" \
	"Clam shells:clam_shell" "Side walks:side_walk" "Front plank:plank_front" \
	"Side plank:plank_side" "Back plank:plank_back"; do
	if grep -q "^${be#*:} " truth.seq; then
		done_blocks+=("${be%%:*}")
	else
		missed_blocks+=("${be%%:*}")
	fi
done
for b in "${missed_blocks[@]}"; do
	[ "$(status_of "$b")" = '"status":"missed"' ] || fail "block '$b' (never done) reads $(status_of "$b")"
done
n_blocks=$(grep -o '"block":"' summary.out | wc -l)
[ "$n_blocks" = 9 ] || fail "$n_blocks compliance blocks, not the program's 9"
for b in "${done_blocks[@]}"; do
	st=$(status_of "$b")
	[ -n "$st" ] && [ "$st" != '"status":"missed"' ] || fail "block '$b' was done but reads $st"
done
pass "whole program: $n_true SETs in order with exercise and side, $n_planks HOLD_START, compliance of 9 blocks"
