#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# MQTT with a user name and password: a mosquitto broker that admits only
# user hipform.  With a wrong password hipformd is refused, says so once,
# and the analysis goes on (a watcher gets its SETs); started again with
# the right password (same state directory, no sensor), it publishes the
# sets the broker refused, from the outbox in history.db, and is online.
. "$(dirname "$0")/lib.sh" "$@"

MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$MOSQUITTO" ] && command -v mosquitto_sub >/dev/null && command -v mosquitto_passwd >/dev/null ||
	{ echo "SKIPPED: mosquitto, mosquitto_sub and mosquitto_passwd are needed"; exit 77; }

wait_for() {
	local t=$1 what=$2; shift 2
	for _ in $(seq $((t * 10))); do "$@" && return 0; sleep 0.1; done
	fail "timed out ($t s) waiting for $what"
}
at_least() { [ "$(grep -c -- "$2" "$3" 2>/dev/null)" -ge "$1" ]; }

mosquitto_passwd -b -c pw.txt hipform 's3cret pass' || fail "mosquitto_passwd"
chmod 600 pw.txt
for try in 1 2 3 4 5; do
	PORT=$((20000 + (RANDOM * 7 + $$) % 40000))
	printf 'listener %d 127.0.0.1\nallow_anonymous false\npassword_file %s/pw.txt\nlog_dest stderr\nuser %s\n' \
		"$PORT" "$WORK" "$(id -un)" > mq.conf
	: > mq.log
	"$MOSQUITTO" -c mq.conf >> mq.log 2>&1 &
	MQ_PID=$!
	PIDS="$PIDS $MQ_PID"
	for _ in $(seq 50); do
		grep -q "listen socket on port $PORT" mq.log && break 2
		kill -0 "$MQ_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$MQ_PID" 2>/dev/null
	[ "$try" = 5 ] && fail "no broker could listen"
done

conf() { # PASSWORD
	printf '[mqtt]\nhost = 127.0.0.1\nport = %d\nusername = hipform\npassword = %s\nsensor_id = auth-test\n' \
		"$PORT" "$1" > "$WORK/mqtt.conf"
}

# 1. wrong password: refused, analysis unaffected
conf wrong
simulate hl.wit 11
feed hl.wit 10 --delay 0.5
daemon st --config "$WORK/mqtt.conf"
"$CLIENT" --socket st/s.sock --send '{"class":"WATCH"}' --until SET:2 --timeout 90 > watch.out ||
	fail "the analysis stalled: no two SETs on the socket with the broker refusing"
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || fail "hipformd exited with $?"
grep -q "mqtt: broker refused the connection: .*(trying again)" st.log || fail "the refusal is not logged"
[ "$(grep -c "broker refused" st.log)" = 1 ] || fail "the refusal is logged more than once"

# 2. right password: the outbox goes out
conf 's3cret pass'
mosquitto_sub -p "$PORT" -u hipform -P 's3cret pass' -t 'hipform/auth-test/set' -C 2 -W 30 \
	> sets.out 2> sub.log &
SUB_PID=$!
PIDS="$PIDS $SUB_PID"
wait_for 10 "the subscriber" at_least 1 "New client connected.*u'hipform'" mq.log
daemon st --config "$WORK/mqtt.conf" --device "$WORK/no-sensor"
wait "$SUB_PID" || fail "the refused sets did not arrive ($(cat sub.log))"
grep '"class":"SET"' watch.out > socket_sets.json
diff socket_sets.json sets.out || fail "the sets differ from the socket's"
mosquitto_sub -p "$PORT" -u hipform -P 's3cret pass' -t 'hipform/auth-test/availability' -C 1 -W 10 \
	> avail.out || fail "no availability"
[ "$(cat avail.out)" = online ] || fail "availability is '$(cat avail.out)'"
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"
mosquitto_sub -p "$PORT" -u hipform -P 's3cret pass' -t 'hipform/auth-test/availability' -C 1 -W 10 \
	> avail.out || fail "no availability after the stop"
[ "$(cat avail.out)" = offline ] || fail "availability after the stop is '$(cat avail.out)'"
pass "MQTT with a password: refused once and analysis went on; with the right one the $(wc -l < sets.out) refused sets arrived, online, then offline"
