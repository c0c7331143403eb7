#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The daemon's sets equal `hipform analyze --json` of the session's
# recording, field by field: the live SET messages, the SESSION at the end
# and the SESSION served later from the history database.
. "$(dirname "$0")/lib.sh" "$@"

for seed in 21 22; do
	simulate hl$seed.wit $seed
	feed hl$seed.wit 25 --delay 0.5 --hold 30
	daemon st$seed
	client_bg live$seed.out --socket st$seed/s.sock --send '{"class":"WATCH"}' \
		--until SESSION:1 --timeout 120
	WATCH=$CLIENT_PID
	for _ in $(seq 600); do grep -q done feed.log && break; sleep 0.1; done
	grep -q done feed.log || fail "the feed did not finish"
	sleep 1
	kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || fail "hipformd exit status"
	wait "$WATCH" || fail "no SESSION"
	kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null
	"$HIPFORM" analyze st$seed/recordings/1.csv --exercise hip_lift --json > offline$seed.json \
		|| fail "hipform analyze"
	grep '"class":"SET"' live$seed.out > sets$seed.out
	"$JSONCMP" --min-sets 2 offline$seed.json sets$seed.out || fail "SET messages differ (seed $seed)"
	grep '"class":"SESSION"' live$seed.out > session$seed.out
	"$JSONCMP" --min-sets 2 offline$seed.json session$seed.out || fail "SESSION differs (seed $seed)"
	# served from the database by a new daemon
	daemon st$seed
	"$CLIENT" --socket st$seed/s.sock --send '{"class":"SUMMARY","session":1}' --until SESSION \
		--timeout 10 > stored$seed.out || fail "no stored SESSION"
	"$JSONCMP" --min-sets 2 offline$seed.json stored$seed.out || fail "stored SESSION differs"
	kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"
	pass "seed $seed: daemon sets equal hipform analyze of the recording"
done
