#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Soak benchmark, not a test (issue 9): a simulated week of hipformd.
#
#   cmake --build build --target bench_soak
#   bench/soak_daemon.sh WORKDIR HIPFORMD HIPFORM HF_FEED HF_CLIENT HF_JSONCMP HF_DBCHECK
#
# Seven "days", each one session of about an hour of 200 Hz WitMotion
# samples (SOAK_FILES simulated hip-lift recordings of 166 s, different
# seeds, back to back) fed through a pty at SOAK_SPEED times real time,
# with a replug (unplug for 0.5 s, the session resumes) halfway through
# every day; between days the sensor goes away and the session ends.
# Beside it, client churn: a new client every 0.1 s asking POLL, SUMMARY,
# HISTORY or watching for a second, and one watcher for the whole week.
# As root, the state directory is a tmpfs in a private mount namespace and
# on day 4 the disk fills up for 3 s (the recording then has a marked gap).
#
# Prints: the daemon's RSS, open fds and database size over time and per
# day (peak while the session runs, lowest between sessions; the peak's
# anonymous part, which is what the daemon allocates, is printed for day 1
# and the worst later day: they should be close, issue 9); then, per
# session, the sets announced (SET
# messages), stored (history) and whether `hipform analyze` of the
# recording gives the stored sets exactly (hf_jsoncmp).
# Environment: SOAK_DAYS (7), SOAK_FILES (22: 61 min a day), SOAK_SPEED
# (120), SOAK_FAULT_DAY (4; 0 for none).
if [ -z "${HF_IN_MOUNT_NS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
	[ "${SOAK_FAULT_DAY:-4}" != 0 ]; then
	HF_IN_MOUNT_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../tests/daemon/lib.sh" "$@"

rate=200
days=${SOAK_DAYS:-7}
files=${SOAK_FILES:-22}
speed=${SOAK_SPEED:-120}
fault_day=${SOAK_FAULT_DAY:-4}
[ -n "${HF_IN_MOUNT_NS:-}" ] || fault_day=0

echo "simulating $files recordings of hip lifts at $rate Hz"
for i in $(seq "$files"); do
	"$HIPFORM" simulate --scenario hip_lift --format witmotion --rate $rate --seed $((100 + i)) \
		-o "sim$i.wit" >/dev/null || fail "hipform simulate"
done
mkdir -p st
if [ "$fault_day" != 0 ]; then
	mount -t tmpfs -o size=2g,mode=0755 tmpfs "$WORK/st" || fail "cannot mount a tmpfs"
fi
printf '[storage]\nresume_s = 2\n' > soak.conf

# the day's input: the recordings from the day's number on, round robin;
# prints the sample groups of the first half (where the replug goes)
make_day() {
	local d=$1 half=0 k i
	: > day.wit
	for k in $(seq 0 $((files - 1))); do
		i=$(( (d + k) % files + 1 ))
		cat "sim$i.wit" >> day.wit
		[ "$k" -lt $((files / 2)) ] && half=$((half + $(stat -c %s "sim$i.wit") / 33))
	done
	echo "$half"
}

monitor() {
	local t0 now
	t0=$(date +%s.%N)
	local rss
	while kill -0 "$DAEMON_PID" 2>/dev/null; do
		now=$(date +%s.%N)
		rss=$(awk '/VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null)
		[ -n "$rss" ] || break
		echo "$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }')" \
			"$rss" \
			"$(ls "/proc/$DAEMON_PID/fd" 2>/dev/null | wc -l)" \
			"$(stat -c %s st/history.db st/history.db-wal 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')" \
			"$(cat day.now 2>/dev/null)" \
			"$(awk '/RssAnon/ { a = $2 } /RssFile/ { f = $2 } END { print a + 0, f + 0 }' "/proc/$DAEMON_PID/status")" \
			>> monitor.txt
		sleep 2
	done
}

churn() {
	local i=0
	while [ -e churn.on ]; do
		case $((i % 4)) in
		0) "$CLIENT" --socket st/s.sock --send '{"class":"POLL"}' --until STATUS --timeout 5 ;;
		1) "$CLIENT" --socket st/s.sock --send '{"class":"SUMMARY"}' --until SESSION --timeout 5 ;;
		2) "$CLIENT" --socket st/s.sock --send '{"class":"HISTORY","limit":50}' --until HISTORY --timeout 5 ;;
		3) "$CLIENT" --socket st/s.sock --send '{"class":"WATCH"}' --timeout 1 ;;
		esac > /dev/null 2>&1
		i=$((i + 1))
		sleep 0.1
	done
	echo "$i" > churn.count
}

disk_fault() {
	local used
	sleep "$1"
	used=$(df --output=used -k st | tail -1)
	mount -o remount,size=$((used + 2048))k "$WORK/st" || { echo "disk fault: cannot remount"; return; }
	dd if=/dev/zero of=st/filler bs=64k 2>/dev/null
	echo "disk fault: $(df --output=avail -k st | tail -1) KiB left for 3 s"
	sleep 3
	rm -f st/filler
	mount -o remount,size=2g "$WORK/st"
}

echo 0 > day.now
t_start=$(date +%s)
for d in $(seq "$days"); do
	echo "$d" > day.now
	half=$(make_day "$d")
	"$FEED" --link "$WORK/pty" --rate $rate --speed "$speed" --delay 0.3 --hold 0.3 \
		--unplug-at "$half" --unplug-for 0.5 day.wit > feed.log 2>&1 &
	FEED_PID=$!
	PIDS="$PIDS $FEED_PID"
	for _ in $(seq 50); do [ -L "$WORK/pty" ] && break; sleep 0.1; done
	if [ "$d" = 1 ]; then
		daemon st --rate $rate --config "$WORK/soak.conf" --log-level notice
		client_bg watch.out --socket st/s.sock --send '{"class":"WATCH"}' --timeout 100000
		WATCH_PID=$CLIENT_PID
		touch churn.on
		churn & PIDS="$PIDS $!"; CHURN_PID=$!
		monitor & PIDS="$PIDS $!"
	fi
	FAULT_PID=
	[ "$d" = "$fault_day" ] && { disk_fault 8 & FAULT_PID=$!; }
	wait "$FEED_PID"
	for _ in $(seq 100); do
		[ "$(grep -c 'session [0-9]* ended' st.log)" -ge "$d" ] && break
		sleep 0.1
	done
	[ "$(grep -c 'session [0-9]* ended' st.log)" -ge "$d" ] || fail "day $d: the session did not end"
	[ -n "$FAULT_PID" ] && wait "$FAULT_PID"
	echo "day $d done after $(( $(date +%s) - t_start )) s: $(tail -1 monitor.txt)"
done
rm -f churn.on day.wit
wait "$CHURN_PID"
sleep 2

# every set of every session: announced, stored, equal on re-analysis
n_sessions=$(sqlite3 st/history.db 'SELECT count(*) FROM sessions')
all_ok=1 total_sets=0 total_stored=0 missing=0 unequal=0
: > sessions.txt
for s in $(seq "$n_sessions"); do
	announced=$(grep '"class":"SET"' watch.out | grep "\"session\":$s," |
		sed 's/.*"set":\([0-9]*\).*/\1/' | sort -u | wc -l)
	stored=$(sqlite3 st/history.db "SELECT count(*) FROM sets WHERE session_id = $s")
	rec=$(sqlite3 st/history.db "SELECT recording FROM sessions WHERE id = $s")
	gap=$(grep -c '^# recording gap' "$rec")
	"$HIPFORM" summary "$s" --json --socket st/s.sock > "stored$s.json" || fail "hipform summary $s"
	"$HIPFORM" analyze "$rec" --exercise hip_lift --json > "re$s.json" 2>/dev/null || fail "hipform analyze $rec"
	if "$JSONCMP" "re$s.json" "stored$s.json" > "cmp$s.txt" 2>&1; then eq=equal; else eq=DIFFERENT; fi
	total_sets=$((total_sets + announced)) total_stored=$((total_stored + stored))
	[ "$stored" = "$announced" ] || missing=$((missing + announced - stored))
	[ "$eq" = equal ] || unequal=$((unequal + 1))
	note=
	if [ "$gap" -gt 0 ]; then
		first=$(sed -n 's/^sets\[\([0-9]*\)\].*/\1/p' "cmp$s.txt" | sort -n | head -1)
		note=" (recording has $gap marked gap: $(grep -m1 '^# recording gap' "$rec" | cut -c3-);"
		note="$note sets before set ${first:-?} equal)"
	fi
	printf "  session %d: %3d sets announced, %3d in the history, re-analysis %s%s\n" \
		"$s" "$announced" "$stored" "$eq" "$note" >> sessions.txt
done
"$DBCHECK" st/history.db > dbcheck.txt 2>&1 || all_ok=0
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"
kill "$WATCH_PID" 2>/dev/null

echo
echo "hipformd soak: $days days x $files recordings (~$((files * 166 / 60)) min of $rate Hz each), fed at ${speed}x,"
echo "a replug every day, $(cat churn.count) churning clients, disk fault on day $fault_day (0: none)"
echo "wall time $(( $(date +%s) - t_start )) s"
echo
echo "per day: RSS peak while its session runs, lowest RSS (between sessions), fds, database (db + wal):"
awk 'NF == 7 && $2 > 0 { d = $5; if ($2 > pk[d]) pk[d] = $2; if (lo[d] == "" || $2 < lo[d]) lo[d] = $2
	if ($3 > fd[d]) fd[d] = $3; db[d] = $4; if (d > n) n = d
	if ($6 > an[d]) an[d] = $6; if ($7 > fi[d]) fi[d] = $7 }
	END { for (d = 1; d <= n; d++)
		printf "  day %d: RSS peak %6d kB (anonymous %6d, files %5d), lowest %6d kB, fds at most %3d, db %8d bytes\n", d, pk[d], an[d], fi[d], lo[d], fd[d], db[d]
	      for (d = 2; d <= n; d++) { if (pk[d] > mx) mx = pk[d]; if (an[d] > amx) amx = an[d] }
	      printf "RSS peak: day 1 %d kB, days 2-%d at most %d kB\n", pk[1], n, mx
	      printf "anonymous RSS peak: day 1 %d kB, days 2-%d at most %d kB\n", an[1], n, amx }' monitor.txt
echo "RSS over time (s, kB), every 10th sample:"
awk 'NF == 7 && NR % 10 == 1 { printf "  %s:%s", $1, $2 } END { print "" }' monitor.txt | fold -s -w 100
echo "database: $(cat dbcheck.txt)"
echo "recordings: $(du -sk st/recordings | cut -f1) kB"
cat sessions.txt
echo "sets: $total_sets announced, $total_stored in the history, $missing missing; $unequal sessions whose re-analysis differs"
grep -E "write failed|writing again|stored late|not in the history|no transaction" st.log | sed 's/^/  log: /'
[ "$all_ok" = 1 ] || echo "DATABASE CHECK FAILED"
