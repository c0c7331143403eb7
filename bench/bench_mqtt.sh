#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Benchmark, not a test: hipformd publishing to a real mosquitto broker.
#   1. An hour of 200 Hz WitMotion data (simulated sessions of hip lifts
#      back to back) fed through a pty at 50x speed: the daemon's CPU
#      share and CPU seconds per hour of data, its peak RSS, the broker's,
#      whether every REP/SET/FAULT/SESSION arrived (against the socket),
#      the broker hop (socket arrival to mosquitto_sub arrival, wall time)
#      and the analysis delay (rep end to REP, sample time).
#   2. The same at real speed for BENCH_REAL_S seconds (default 120): the
#      CPU share a user would see, with MQTT and, as the baseline, without.
#   cmake --build build --target bench_mqtt     (BENCH_HOURS=1 BENCH_SPEED=50)
# Needs mosquitto, mosquitto_sub and perl (Time::HiRes, for timestamps).
. "$(dirname "$0")/../tests/daemon/lib.sh" "$@"

rate=200
speed=${BENCH_SPEED:-50}
hours=${BENCH_HOURS:-1}
real_s=${BENCH_REAL_S:-120}
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$MOSQUITTO" ] && command -v mosquitto_sub >/dev/null || fail "needs mosquitto and mosquitto_sub"

# ---- an hour of data ----
samples=0 seed=1
: > hour.wit
while [ "$samples" -lt $((hours * 3600 * rate)) ]; do
	"$HIPFORM" simulate --scenario hip_lift --format witmotion --rate $rate --seed $seed \
		-o part.wit --truth part.json >/dev/null || fail "hipform simulate"
	cat part.wit >> hour.wit
	n=$(grep -o '"samples": *[0-9]*' part.json | head -1 | grep -o '[0-9]*$')
	[ -n "$n" ] || fail "no sample count in the truth"
	samples=$((samples + n))
	seed=$((seed + 1))
done
echo "data: $((seed - 1)) simulated sessions, $samples samples at $rate Hz ($(awk -v s=$samples -v r=$rate 'BEGIN {printf "%.2f", s / r / 3600}') h), $(($(stat -c %s hour.wit) / 1024)) KiB"

PORT=$((20000 + (RANDOM * 7 + $$) % 40000))
printf 'listener %d 127.0.0.1\nallow_anonymous true\nlog_dest stderr\nmax_queued_messages 100000\nuser %s\n' "$PORT" "$(id -un)" > mq.conf
"$MOSQUITTO" -c mq.conf > mq.log 2>&1 &
MQ_PID=$!
PIDS="$PIDS $MQ_PID"
for _ in $(seq 50); do grep -q "listen socket on port $PORT" mq.log && break; sleep 0.1; done
grep -q "listen socket on port $PORT" mq.log || fail "mosquitto did not start"

stamp() { perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 } printf "%.6f|%s", time, $_'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# run NAME SPEED SECONDS(0: to the end of the data) [mqtt|none]
run() {
	local name=$1 sp=$2 secs=$3 mqtt=${4:-mqtt} t0 t1 c0 c1 kb
	mosquitto_sub -V 5 -q 1 -p "$PORT" -R -F '%U|%p' -t 'hipform/+/rep' -t 'hipform/+/set' \
		-t 'hipform/+/fault' -t 'hipform/+/session' > "$name.mqtt" 2>/dev/null &
	local sub=$!
	PIDS="$PIDS $sub"
	sleep 0.5
	"$FEED" --link "$WORK/pty" --rate $rate --speed "$sp" --delay 1 hour.wit > feed.log 2>&1 &
	local feed=$!
	PIDS="$PIDS $feed"
	for _ in $(seq 100); do [ -L "$WORK/pty" ] && break; sleep 0.1; done
	if [ "$mqtt" = mqtt ]; then
		daemon "$name" --rate $rate --mqtt "127.0.0.1:$PORT"
	else
		daemon "$name" --rate $rate
	fi
	(stdbuf -oL "$CLIENT" --socket "$name/s.sock" --send '{"class":"WATCH"}' --timeout 100000 | stamp > "$name.sock") &
	PIDS="$PIDS $!"
	[ "$secs" = 0 ] || sleep 5 # real speed: leave out the start
	t0=$(date +%s.%N) c0=$(ticks "$DAEMON_PID")
	if [ "$secs" = 0 ]; then wait "$feed"; sleep 2; else sleep "$secs"; fi
	t1=$(date +%s.%N) c1=$(ticks "$DAEMON_PID") kb=$(hwm "$DAEMON_PID")
	kill "$feed" 2>/dev/null
	kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"
	sleep 1
	kill "$sub"
	rm -f "$WORK/pty"
	awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v a="$t0" -v b="$t1" -v kb="$kb" \
	    -v sp="$sp" -v r=$rate -v m="$([ "$mqtt" = mqtt ] && echo "with MQTT" || echo "no MQTT")" 'BEGIN {
		printf "hipformd (%s), %d Hz at %gx speed, %.0f s of wall time (%.0f s of data)\n", m, r, sp, b - a, (b - a) * sp
		printf "  CPU share:        %.2f %% of one core (%.1f CPU s per hour of data)\n", 100 * c / hz / (b - a), c / hz / ((b - a) * sp) * 3600
		printf "  peak RSS:         %.1f MiB\n", kb / 1024 }'
}

report_messages() { # NAME
	local name=$1
	grep -E '"class":"(REP|SET|FAULT|SESSION)"' "$name.sock" > "$name.sock.ev"
	local ns nm
	ns=$(wc -l < "$name.sock.ev") nm=$(wc -l < "$name.mqtt")
	if diff <(cut -d'|' -f2- "$name.sock.ev") <(cut -d'|' -f2- "$name.mqtt") > /dev/null; then
		echo "  messages:         $nm through the broker, identical to the socket's $ns, in order"
	else
		echo "  messages:         MISMATCH: $ns on the socket, $nm through the broker"
	fi
	paste -d'|' <(cut -d'|' -f1 "$name.sock.ev") <(cut -d'|' -f1 "$name.mqtt") |
		awk -F'|' 'NF == 2 && $2 != "" { printf "%.3f\n", ($2 - $1) * 1000 }' | sort -n |
		awk '{ d[++n] = $1; s += $1 }
		END { if (!n) exit; p = int(n * 0.99 + 0.5); if (p < 1) p = 1
		      printf "  broker hop:       mean %.2f ms, median %.2f ms, p99 %.2f ms, max %.2f ms over %d messages (socket arrival to mosquitto_sub arrival, wall time)\n",
			s / n, d[int((n + 1) / 2)], d[p], d[n], n }'
	grep '"class":"REP",' "$name.mqtt" |
		sed 's/.*"end_s":\([0-9.]*\).*"emitted_t_s":\([0-9.]*\).*/\1 \2/' |
		awk '{d = $2 - $1; s += d; if (d > m) m = d; n++}
		END { if (n) printf "  analysis delay:   mean %.3f s, max %.3f s over %d reps (sample time, rep end to REP)\n", s / n, m, n }'
}

if [ "${BENCH_FAST:-1}" = 1 ]; then # BENCH_FAST=0: the real-speed runs only
	run fast "$speed" 0
	report_messages fast
	echo "  broker peak RSS:  $(awk '{printf "%.1f MiB", $1 / 1024}' <<< "$(hwm "$MQ_PID")")"
fi
if [ "$real_s" -gt 0 ]; then
	run real 1 "$real_s"
	report_messages real
	run base 1 "$real_s" none
fi
