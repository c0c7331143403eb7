#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Benchmark, not a test: hipformd on a 200 Hz WitMotion stream fed at real
# speed through a pty.  Prints the daemon's CPU share (user + system time
# over wall time, from /proc), its peak RSS (VmHWM) and the delay from each
# rep's end to its REP message, in sample time (emitted_t_s - end_s).
#   cmake --build build --target bench_daemon      (BENCH_S=60 by default)
. "$(dirname "$0")/lib.sh" "$@"

rate=200
secs=${BENCH_S:-60}
"$HIPFORM" simulate --scenario hip_lift --format witmotion --rate $rate --seed 7 \
	-o hl.wit >/dev/null || fail "hipform simulate"
"$FEED" --link "$WORK/pty" --rate $rate --speed 1 hl.wit > feed.log 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -L "$WORK/pty" ] && break; sleep 0.1; done
daemon st --rate $rate
client_bg watch.out --socket st/s.sock --send '{"class":"WATCH"}' --timeout $((secs + 30))

ticks() { awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat"; }
hz=$(getconf CLK_TCK)
t0=$(date +%s.%N) c0=$(ticks)
sleep "$secs"
t1=$(date +%s.%N) c1=$(ticks)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON_PID/status")

awk -v c="$((c1 - c0))" -v hz="$hz" -v a="$t0" -v b="$t1" -v kb="$hwm" -v r=$rate 'BEGIN {
	printf "hipformd, %d Hz WitMotion stream at real speed for %.0f s\n", r, b - a
	printf "  CPU share:  %.2f %% of one core\n", 100 * c / hz / (b - a)
	printf "  peak RSS:   %.1f MiB\n", kb / 1024
}'
grep '"class":"REP",' watch.out |
	sed 's/.*"end_s":\([0-9.]*\).*"emitted_t_s":\([0-9.]*\).*/\1 \2/' |
	awk '{d = $2 - $1; s += d; if (d > m) m = d; n++}
	     END { if (n) printf "  REP delay:  mean %.3f s, max %.3f s over %d reps (sample time, rep end to REP)\n", s / n, m, n;
		   else print "  REP delay:  no REP in the window" }'
