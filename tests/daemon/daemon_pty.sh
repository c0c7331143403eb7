#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The pty path: a pretend WitMotion sensor on a pseudo-terminal (which
# libserialport refuses, so termios is used); a watching client sees
# DEVICE, REP_START, REP and SET arrive as the reps happen.
. "$(dirname "$0")/lib.sh" "$@"

simulate hl.wit 11
feed hl.wit 8 --delay 0.5
daemon st
"$CLIENT" --socket st/s.sock --send '{"class":"WATCH","enable":true}' --until SET:1 \
	--timeout 60 > watch.out || fail "no SET within 60 s"
grep -q '"class":"DEVICE".*"driver":"pty".*"state":"connected"' watch.out || fail "no DEVICE connected"
[ "$(count REP_START watch.out)" -ge 1 ] || fail "no REP_START"
[ "$(count STATUS watch.out)" -ge 1 ] || fail "no STATUS"
reps=$(count REP watch.out)
set_reps=$(grep '"class":"SET"' watch.out | sed 's/.*"rep_count":\([0-9]*\).*/\1/')
[ "$reps" -ge 3 ] || fail "only $reps REP messages"
[ "$reps" = "$set_reps" ] || fail "$reps REP messages but the SET counts $set_reps"
grep -q '"class":"SET".*"exercise":"hip_lift"' watch.out || fail "SET is not hip_lift"
pass "pty: $reps REP messages then a SET of $set_reps reps"
