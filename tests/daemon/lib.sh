# SPDX-License-Identifier: BSD-2-Clause
# Shared by the hipformd process-level tests.  Usage in a test:
#   . "$(dirname "$0")/lib.sh" "$@"
# Arguments: WORKDIR HIPFORMD HIPFORM HF_FEED HF_CLIENT HF_JSONCMP HF_DBCHECK
# Every process a test starts is recorded and killed (by its PID) on exit.
set -u
WORK=$1 HIPFORMD=$2 HIPFORM=$3 FEED=$4 CLIENT=$5 JSONCMP=$6 DBCHECK=$7
PIDS=""
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
export TMPDIR="$WORK"
cd "$WORK" || exit 1

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }
pass() { echo "PASS: $*"; }

# simulate NAME SEED: a WitMotion stream of two sets of hip lifts at 100 Hz
simulate() {
	"$HIPFORM" simulate --scenario hip_lift --format witmotion --rate 100 \
		--seed "$2" -o "$1" >/dev/null || fail "hipform simulate"
}

# feed FILE SPEED [more hf_feed options]: a pretend sensor at ./pty
feed() {
	local file=$1 speed=$2; shift 2
	"$FEED" --link "$WORK/pty" --rate 100 --speed "$speed" "$@" "$file" > feed.log 2>&1 &
	PIDS="$PIDS $!"
	FEED_PID=$!
	for _ in $(seq 50); do [ -L "$WORK/pty" ] && return 0; sleep 0.1; done
	fail "hf_feed did not create the pty"
}

# daemon STATE [more options]: hipformd on ./pty, socket STATE/s.sock
daemon() {
	local state=$1; shift
	mkdir -p "$state"
	"$HIPFORMD" --foreground --config /dev/null --device "$WORK/pty" --socket "$state/s.sock" \
		--state-dir "$state" --format witmotion --rate 100 --exercise hip_lift \
		--log-level info "$@" > "$state.log" 2>&1 &
	PIDS="$PIDS $!"
	DAEMON_PID=$!
	for _ in $(seq 50); do [ -S "$state/s.sock" ] && return 0; sleep 0.1; done
	fail "hipformd did not open its socket"
}

# client OUT [hf_client options]: in the background
client_bg() {
	local out=$1; shift
	"$CLIENT" "$@" > "$out" 2>&1 &
	PIDS="$PIDS $!"
	CLIENT_PID=$!
}

count() { grep -c "\"class\":\"$1\"" "$2"; }

# last_t FILE: t_s of the last complete line of a recording
last_t() { grep -v '^#' "$1" | awk -F, 'NF==7 {t=$1} END {print t}'; }
