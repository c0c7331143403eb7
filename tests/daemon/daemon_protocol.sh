#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The socket protocol: malformed requests get ERROR and the connection stays
# usable; a client that stops reading is dropped while the others keep
# receiving; 20 clients at once all get the SET; SUMMARY and HISTORY.
. "$(dirname "$0")/lib.sh" "$@"

simulate hl.wit 12
feed hl.wit 6 --delay 3
daemon st
S=st/s.sock

# Malformed requests, then a good one on the same connection.
long=$(head -c 5000 /dev/zero | tr '\0' 'x')
"$CLIENT" --socket $S --send 'this is not json' --send '{"class":42}' --send '[1,2]' \
	--send '{"class":"NOPE"}' --send '{"class":"WATCH","enable":"yes"}' --send "$long" \
	--send '{"class":"SUMMARY","session":"abc"}' --send '{"class":"POLL"}' \
	--until STATUS --timeout 10 > malformed.out || fail "no STATUS after malformed requests"
[ "$(count ERROR malformed.out)" = 7 ] || fail "expected 7 ERROR replies, got $(count ERROR malformed.out)"
head -1 malformed.out | grep -q '"class":"VERSION","v":1' || fail "no VERSION greeting"
pass "7 malformed requests answered with ERROR, then POLL answered with STATUS"

# A client that stops reading (it asks for a lot and reads nothing) ...
client_bg stall.out --socket $S --send '{"class":"WATCH"}' --send '{"class":"POLL"}' \
	--repeat 20000 --stall 4
STALL_PID=$CLIENT_PID
# ... while 20 clients watch at once.
W=""
for i in $(seq 20); do
	client_bg watch$i.out --socket $S --send '{"class":"WATCH"}' --until SET:1 --timeout 90
	W="$W $CLIENT_PID"
done
for p in $W; do wait "$p" || fail "a watcher did not get its SET (exit $?)"; done
for i in $(seq 20); do
	[ "$(count SET watch$i.out)" = 1 ] || fail "client $i has no SET"
done
pass "20 clients at once all got the SET"
wait "$STALL_PID"
grep -q dropped stall.out || fail "the client that stopped reading was not dropped"
grep -q "not reading" st.log || fail "the daemon did not log the drop"
pass "a client that stopped reading was dropped; the others kept receiving"

"$CLIENT" --socket $S --send '{"class":"SUMMARY"}' --until SESSION --timeout 5 > summary.out \
	|| fail "no SESSION for SUMMARY"
grep '"class":"SESSION"' summary.out | grep -q '"sets":\[{' || fail "SESSION without sets"
"$CLIENT" --socket $S --send '{"class":"HISTORY","limit":5}' --until HISTORY --timeout 5 \
	> history.out || fail "no HISTORY"
grep -q '"sessions":\[{"id":1,' history.out || fail "HISTORY lacks session 1"
"$CLIENT" --socket $S --send '{"class":"DEVICES"}' --until DEVICE --timeout 5 > dev.out \
	|| fail "no DEVICE"
pass "SUMMARY, HISTORY and DEVICES answered"
