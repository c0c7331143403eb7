#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# MQTT: a real mosquitto broker on a loopback port, hipformd on a pretend
# sensor (four sets of hip lifts) publishing to it, mosquitto_sub
# subscribed to <prefix>/+/{rep,set,fault,session} with a persistent
# session, and a socket watcher.  Mid-session the broker is stopped until
# the daemon has closed a set, then started again.  Every REP, SET, FAULT
# and SESSION the socket showed must arrive once, in the same order, with
# the same JSON; the sets of the gap arrive after the restart; message ids
# only grow.
. "$(dirname "$0")/lib.sh" "$@"

MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$MOSQUITTO" ] && command -v mosquitto_sub >/dev/null ||
	{ echo "SKIPPED: mosquitto and mosquitto_sub are needed (Debian: mosquitto, mosquitto-clients)"; exit 77; }

# wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds
wait_for() {
	local t=$1 what=$2; shift 2
	for _ in $(seq $((t * 10))); do "$@" && return 0; sleep 0.1; done
	fail "timed out ($t s) waiting for $what"
}
at_least() { [ "$(grep -c -- "$2" "$3" 2>/dev/null)" -ge "$1" ]; }

broker_start() {
	"$MOSQUITTO" -c "$WORK/mq.conf" >> "$WORK/mq.log" 2>&1 &
	MQ_PID=$!
	PIDS="$PIDS $MQ_PID"
	wait_for 10 "the broker to listen" at_least "$1" "listen socket on port $PORT" "$WORK/mq.log"
}
broker_stop() { kill "$MQ_PID"; wait "$MQ_PID" 2>/dev/null; }

# A port of our own: try a few, the broker says when one is taken.
for try in 1 2 3 4 5; do
	PORT=$((20000 + (RANDOM * 7 + $$) % 40000))
	mkdir -p "$WORK/mq"
	# user: as root, mosquitto would switch to user mosquitto and could not
	# write its persistence file here
	printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/mq/\nlog_dest stderr\nuser %s\n' \
		"$PORT" "$WORK" "$(id -un)" > "$WORK/mq.conf"
	: > "$WORK/mq.log"
	"$MOSQUITTO" -c "$WORK/mq.conf" >> "$WORK/mq.log" 2>&1 &
	MQ_PID=$!
	PIDS="$PIDS $MQ_PID"
	for _ in $(seq 50); do
		grep -q "listen socket on port $PORT" "$WORK/mq.log" && break 2
		kill -0 "$MQ_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$MQ_PID" 2>/dev/null
	[ "$try" = 5 ] && fail "no broker could listen"
done

# the subscriber: persistent session (-c), so it gets what the broker
# queued for it across the restart; -R skips retained copies on resubscribe
mosquitto_sub -V 5 -c -i hipform-test -q 1 -p "$PORT" -R -F '%t|%P|%p' \
	-t 'hipform/+/rep' -t 'hipform/+/set' -t 'hipform/+/fault' -t 'hipform/+/session' \
	> sub.out 2> sub.log &
SUB_PID=$!
PIDS="$PIDS $SUB_PID"
wait_for 10 "the subscriber" at_least 1 "as hipform-test" "$WORK/mq.log"

simulate a.wit 11
simulate b.wit 12
cat a.wit b.wit > s.wit
feed s.wit 10 --delay 0.5
daemon st --mqtt "127.0.0.1:$PORT"
client_bg watch.out --socket st/s.sock --send '{"class":"WATCH","enable":true}' \
	--until SESSION:1 --timeout 180

wait_for 60 "the first SET through the broker" at_least 1 '/set|' sub.out
broker_stop
sets_down=$(count SET watch.out)
wait_for 60 "a SET while the broker is down" at_least $((sets_down + 1)) '"class":"SET"' watch.out
sleep 1
sets_up=$(count SET watch.out)
broker_start 2
wait_for 120 "four SETs" at_least 4 '"class":"SET"' watch.out
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || fail "hipformd exited with $?"
wait "$CLIENT_PID"
wait_for 15 "the SESSION through the broker" at_least 1 '/session|' sub.out
sleep 0.5
kill "$SUB_PID"

grep -E '"class":"(REP|SET|FAULT|SESSION)"' watch.out > socket.json
cut -d'|' -f3- sub.out > mqtt.json
diff socket.json mqtt.json > diff.out ||
	{ head -c 3000 diff.out; fail "MQTT differs from the socket (diff.out: < socket, > mqtt)"; }
n=$(wc -l < socket.json)
# topic = <prefix>/<id>/<class in lower case>
awk -F'|' '{ split($1, t, "/"); c = $3; sub(/^\{"class":"/, "", c); sub(/".*/, "", c);
	if (t[1] != "hipform" || t[3] != tolower(c)) { print "topic " $1 " for " c; bad = 1 } }
	END { exit bad }' sub.out || fail "wrong topics"
# message ids: present and strictly increasing
awk -F'|' '{ if ($2 !~ /^msg_id:[0-9]+$/) { print "no msg_id: " $2; exit 1 }
	id = substr($2, 8) + 0; if (NR > 1 && id <= last) { print "msg_id " id " after " last; exit 1 } last = id }' \
	sub.out || fail "message ids"
grep -q "mqtt: connected, [1-9][0-9]* messages waiting" st.log || fail "no backlog published after the restart"
grep -q "Error" mq.log && fail "the broker logged an error (its persistence keeps the subscriber's session)"
[ "$sets_up" -gt "$sets_down" ] || fail "no set closed while the broker was down"
pass "MQTT: $n messages (REP, SET, FAULT, SESSION) once, in order, same JSON as the socket;" \
	"$((sets_up - sets_down)) set(s) closed while the broker was down arrived after its restart"
