#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `hipform watch --speak` on the demo session, heard through a WAV file.
# The demo scenario (calibration procedure, hip lifts and left clam shells
# with faults) is played by a pretend sensor (hf_feed) into the build
# tree's hipformd; watchers follow it with --speak-wav (the test mode of
# --speak).  hf_wavcount counts the utterances in what they synthesised:
#   --speak (all)    one per rep, one per fault of the SESSION, one per HOLD
#                    message (the hold target reached), none empty;
#   --speak=faults   one per fault of the SESSION.
# Nothing is hard-coded: the counts come from the SESSION the daemon sent.
# Also: a watcher that speaks gets the same messages as one that does not,
# no sound server is a one-line warning (exit 0), and option errors.
# The same session then serves `hipform report --session` against a real
# hipformd (restarted on the state directory): the page must hold every
# set, rep and fault of the SESSION, with the e(t) trace re-analysed from
# the session's recording (hf_domcheck --trace).
#
#   speak_test.sh WORKDIR HIPFORM HIPFORMD HF_FEED HF_WAVCOUNT HF_DOMCHECK
# Exit status: 0 pass, 1 fail.
set -u
W=$(realpath -m "$1") HIPFORM=$2 HIPFORMD=$3 FEED=$4 WAVCOUNT=$5 DOMCHECK=$6
rm -rf "$W" && mkdir -p "$W/state" || exit 1
cd "$W" || exit 1
export TMPDIR="$W"
PIDS=""
trap 'for p in $PIDS; do kill -9 $p 2>/dev/null; done' EXIT
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { if eval "$1"; then pass "$2"; else fail "$2"; fi; }
# no sound server and no ALSA device, whatever the machine has
export PULSE_SERVER="unix:$W/no-pulse" ALSA_CONFIG_PATH="$W/empty-alsa.conf"
: > "$W/empty-alsa.conf"

"$HIPFORM" simulate --scenario demo --seed 2024 --format witmotion --rate 100 -o demo.bin > /dev/null || fail "simulate"
"$HIPFORM" calibrate demo.bin --rate 100 -o cal.ini > /dev/null || fail "calibrate"

"$FEED" --link "$W/pty" --rate 100 --speed 20 --delay 3 demo.bin > feed.log 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -L "$W/pty" ] && break; sleep 0.1; done
"$HIPFORMD" --foreground --config /dev/null --device "$W/pty" --socket "$W/s.sock" \
	--state-dir "$W/state" --format witmotion --rate 100 --calibration cal.ini \
	--log-level info > hipformd.log 2>&1 &
DAEMON=$!
PIDS="$PIDS $DAEMON"
for _ in $(seq 50); do [ -S "$W/s.sock" ] && break; sleep 0.1; done
[ -S "$W/s.sock" ] || { echo "FAIL: hipformd did not open its socket"; cat hipformd.log; exit 1; }

watch_bg() { # OUT ERR OPTIONS...
	local o=$1 e=$2; shift 2
	timeout 120 "$HIPFORM" watch --json --socket "$W/s.sock" "$@" > "$o" 2> "$e" &
	WATCHERS="$WATCHERS $!"
	PIDS="$PIDS $!"
}
WATCHERS=""
watch_bg all.json all.err --speak --speak-wav all.wav
watch_bg faults.json faults.err --speak=faults --speak-wav faults.wav
watch_bg silent.json silent.err --speak
watch_bg plain.json plain.err

for _ in $(seq 600); do grep -q done feed.log && break; sleep 0.1; done
check 'grep -q done feed.log' "the demo was played"
sleep 2
kill -TERM $DAEMON
rcs=""
for p in $WATCHERS; do wait "$p"; rcs="$rcs $?"; done
check '[ "$rcs" = " 0 0 0 0" ]' "every watcher ended with exit status 0 ($rcs)"

session=$(grep '"class":"SESSION"' all.json)
reps=$(grep -o '"excursion_deg"' <<< "$session" | wc -l)
faults=$(grep -o '"faults":\[[^]]*\]' <<< "$session" | sed 's/"faults"://' | grep -o '"[a-z_]*"' | wc -l)
holds=$(grep '"class":"HOLD"' all.json | grep -o '"set":[0-9]*,"rep":[0-9]*' | sort -u | wc -l)
echo "session: $reps reps, $faults faults; $holds HOLD messages"
check '[ "$reps" -ge 10 ] && [ "$faults" -ge 2 ] && [ "$holds" -ge 1 ] && [ "$holds" -le "$reps" ]' \
	"the demo session has reps, faults and holds"

"$WAVCOUNT" all.wav > all.count
said=$(awk '$1 == "utterances" {print $2}' all.count)
check '[ "$said" = $((reps + faults + holds)) ]' \
	"--speak: $said utterances = $reps reps + $faults faults + $holds holds"
check '! awk '"'"'$1 == "utterance" && $3 < 0.15 {bad = 1} END {exit !bad}'"'"' all.count' \
	"--speak: no empty utterance (each at least 0.15 s of sound)"
"$WAVCOUNT" faults.wav > faults.count
said=$(awk '$1 == "utterances" {print $2}' faults.count)
check '[ "$said" = "$faults" ]' "--speak=faults: $said utterances = $faults faults"
# the events (STATUS comes by the clock, so watchers differ in those)
events() { grep -E '"class":"(REP_START|HOLD|FAULT|REP|SET|SESSION)"' "$1"; }
check 'cmp -s <(events all.json) <(events plain.json)' "a speaking watcher gets the same events as one that does not"
check '[ "$(wc -l < silent.err)" = 1 ] && grep -q "^hipform: warning: no sound output" silent.err' \
	"no sound server: one-line warning ($(head -c 120 silent.err))"
check 'cmp -s <(events silent.json) <(events plain.json)' "no sound server: watching goes on"
check '[ ! -s all.err ] && [ ! -s faults.err ]' "nothing on stderr in WAV mode"

# -- the session's report, from a hipformd restarted on the same history --
printf '%s\n' "$session" > session.json
"$HIPFORMD" --foreground --config /dev/null --device "$W/no-sensor" --socket "$W/s2.sock" \
	--state-dir "$W/state" --log-level info > hipformd2.log 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -S "$W/s2.sock" ] && break; sleep 0.1; done
id=$(grep -o '"id":[0-9]*' <<< "$session" | head -1 | cut -d: -f2)
"$HIPFORM" report --session "$id" --calibration cal.ini --socket "$W/s2.sock" -o session.html
check '[ $? = 0 ]' "report --session $id from hipformd"
if "$DOMCHECK" --trace session.json session.html > domcheck.txt; then
	pass "the session's page has every set, rep and fault, with e(t): $(tail -1 domcheck.txt)"
else
	fail "session page against the SESSION:"; sed 's/^/    /' domcheck.txt
fi

"$HIPFORM" watch --speak=loud --socket "$W/s.sock" > /dev/null 2> err.txt
check '[ $? = 2 ] && [ "$(wc -l < err.txt)" = 1 ]' "--speak=loud: usage error, one line"
"$HIPFORM" watch --speak --voice no-such-voice --socket "$W/s.sock" > /dev/null 2> err.txt
check '[ $? = 2 ] && grep -q "no voice" err.txt' "unknown --voice: usage error"
"$HIPFORM" watch --speak-wav x.wav --socket "$W/s.sock" > /dev/null 2> err.txt
check '[ $? = 2 ]' "--speak-wav without --speak: usage error"

[ $failures = 0 ] && echo "PASS: hipform watch --speak" || { echo "FAIL: $failures checks"; tail -5 hipformd.log; }
[ $failures = 0 ]
