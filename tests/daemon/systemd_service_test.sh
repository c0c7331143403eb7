#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# hipformd.service under a real systemd (../shared/testing-without-hardware.md):
#
#   systemd_service_test.sh WORKDIR UNIT.in SYSUSERS.conf TMPFILES.conf HIPFORMD HIPFORM
#
# A systemd runs as PID 1 of new PID, mount and UTS namespaces, booted into
# a test target that pulls in only journald.  Before it starts, the mount
# namespace gets private tmpfs on /tmp, /run, /var/lib and /var/log and a
# private copy of /etc, so nothing of the host changes (that systemd would
# otherwise empty the shared /tmp at boot).  Into the copy go the unit (as
# `cmake --install` puts it, ExecStart at a copy of the build tree's
# daemon), the sysusers.d and tmpfiles.d files; systemd-sysusers makes the
# user there.  A drop-in points the daemon at a pseudo-terminal that socat
# feeds with a still WitMotion stream (100 Hz), exercise hip_lift.
#
# Checked: the unit starts and reports ready (Type=notify: is-active);
# its main process runs as user hipform, not root; the socket has mode
# 0660 and group hipform; `hipform watch --json` run as an unprivileged
# member of group hipform gets VERSION and STATUS messages through it, and
# their sample time advances (bytes flow through the device ACL),
# while a user outside the group is refused with one clear line; reload
# (SIGHUP) keeps it running; `systemctl stop` ends it cleanly (result
# success, exit status 0) and the journal has the daemon's own last words;
# with [server] group = dialout the socket gets group dialout (chown()
# passes the system call filter).
# Then the namespace's systemd powers off.
#
# Every file lives in WORKDIR (inside the build tree), never in /tmp.
# Exit status: 0 pass, 1 fail, 77 skipped (not root, no systemd, ...).
set -u

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; dump_logs; exit 1; }
step() { echo "-- $*"; }

[ $# -eq 6 ] || { echo "usage: $0 WORKDIR UNIT.in SYSUSERS.conf TMPFILES.conf HIPFORMD HIPFORM" >&2; exit 2; }
W=$(realpath -m "$1") UNIT_IN=$2 SYSUSERS=$3 TMPFILES=$4 HIPFORMD=$5 HIPFORM=$6

SYSTEMD=/lib/systemd/systemd
[ -x "$SYSTEMD" ] || skip "no $SYSTEMD on this machine: cannot run a real systemd"
[ "$(id -u)" = 0 ] || skip "needs root (namespaces and a system manager)"
for tool in unshare nsenter socat setpriv timeout systemd-sysusers; do
	command -v $tool >/dev/null || skip "$tool is not installed"
done
[ -x "$HIPFORMD" ] || { echo "FAIL: no daemon at $HIPFORMD"; exit 1; }
[ -x "$HIPFORM" ] || { echo "FAIL: no hipform command at $HIPFORM"; exit 1; }

TEST_DIR=/run/hipform-test      # inside the namespace only (private /run)
SOCK=/run/hipform/hipformd.sock
NS_PID= TIMEOUT_PID= FEED_PID= SOCAT_PID=

# Run a command inside the namespace (its PID and mount namespaces).
ns() { nsenter -t "$NS_PID" -p -m -- "$@"; }

dump_logs() {
	[ -n "$NS_PID" ] || return 0
	echo "---- journal of hipformd.service ----"
	ns journalctl -u hipformd.service --no-pager -o short-monotonic 2>&1 | tail -40
	echo "---- systemctl status ----"
	ns systemctl status hipformd.service --no-pager 2>&1 | tail -15
}

cleanup() {
	[ -n "$SOCAT_PID" ] && kill "$SOCAT_PID" 2>/dev/null
	[ -n "$FEED_PID" ] && kill "$FEED_PID" 2>/dev/null
	if [ -n "$TIMEOUT_PID" ] && kill -0 "$TIMEOUT_PID" 2>/dev/null; then
		[ -n "$NS_PID" ] && kill -9 "$NS_PID" 2>/dev/null   # ends the whole PID namespace
		wait "$TIMEOUT_PID" 2>/dev/null
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$W/etc"
}
trap cleanup EXIT

# A still sensor lying flat: acceleration (0, 0, 1 g) and zero rate, as
# WitMotion 0x51 and 0x52 packets (contract section 2): 1 g = 2048 counts,
# checksum = low byte of the sum of the first ten bytes.
feeder() {
	local acc='\x55\x51\x00\x00\x00\x00\x00\x08\x00\x00\xae'
	local gyro='\x55\x52\x00\x00\x00\x00\x00\x00\x00\x00\xa7'
	local ten="" i
	for i in 1 2 3 4 5 6 7 8 9 10; do ten="$ten$acc$gyro"; done
	while :; do printf "$ten" || exit 0; sleep 0.1; done
}

prepare_tree() {
	step "preparing $W"
	rm -rf "$W" && mkdir -p "$W/bin" || fail "cannot make $W"
	cp -a /etc "$W/etc" || fail "cannot copy /etc"
	install -m 0755 "$HIPFORMD" "$HIPFORM" "$W/bin/" || fail "cannot copy the programs"
	sed "s|@SBINDIR@/hipformd|$TEST_DIR/hipformd|" "$UNIT_IN" > "$W/etc/systemd/system/hipformd.service"
	mkdir -p "$W/etc/sysusers.d" "$W/etc/tmpfiles.d" "$W/etc/systemd/system/hipformd.service.d"
	if [ -n "${ASAN_OPTIONS:-}" ]; then # a sanitizer build: its options go to the unit too
		printf '[Service]\nEnvironment=ASAN_OPTIONS=%s\n' "$ASAN_OPTIONS" \
			> "$W/etc/systemd/system/hipformd.service.d/sanitizer.conf"
	fi
	cp "$SYSUSERS" "$W/etc/sysusers.d/hipform.conf"
	cp "$TMPFILES" "$W/etc/tmpfiles.d/hipform.conf"
	cat > "$W/etc/systemd/system/hipform-test.target" <<-EOF
	[Unit]
	Description=hipform service test
	Wants=systemd-journald.socket systemd-journald.service
	EOF
	cat > "$W/init.sh" <<-EOF
	#!/bin/sh
	# PID 1 of the test namespaces: private mounts, then systemd.
	set -e
	for d in /tmp /run /var/lib /var/log; do mount -t tmpfs -o mode=755 tmpfs \$d; done
	chmod 1777 /tmp
	mount --bind "$W/etc" /etc
	mkdir -p $TEST_DIR && cp "$W/bin/hipformd" "$W/bin/hipform" $TEST_DIR/
	systemd-sysusers
	export container=hipform-test
	exec $SYSTEMD --system --unit=hipform-test.target --show-status=no
	EOF
	chmod +x "$W/init.sh"
}

start_feeder() {
	step "feeding a pseudo-terminal with a still WitMotion stream"
	mkfifo "$W/feed.fifo" || fail "cannot make a FIFO"
	feeder > "$W/feed.fifo" &
	FEED_PID=$!
	socat -u OPEN:"$W/feed.fifo" "PTY,link=$W/sensor,rawer,perm=0666" &
	SOCAT_PID=$!
	for _ in $(seq 50); do [ -e "$W/sensor" ] && break; sleep 0.1; done
	PTS=$(readlink -f "$W/sensor")
	[ -c "$PTS" ] || fail "socat made no pseudo-terminal"
	cat > "$W/etc/systemd/system/hipformd.service.d/test.conf" <<-EOF
	[Service]
	ExecStart=
	ExecStart=$TEST_DIR/hipformd --foreground --device $PTS --format witmotion --rate 100 --exercise hip_lift
	EOF
	echo "sensor at $PTS"
}

boot() {
	step "booting systemd in new PID, mount and UTS namespaces"
	timeout -k 5 120 unshare -p -f -m -u --mount-proc --kill-child "$W/init.sh" > "$W/systemd.log" 2>&1 &
	TIMEOUT_PID=$!
	local unshare_pid state
	for _ in $(seq 300); do
		unshare_pid=$(pgrep -P "$TIMEOUT_PID" | head -1)
		[ -n "$unshare_pid" ] && NS_PID=$(pgrep -P "$unshare_pid" | head -1)
		if [ -n "$NS_PID" ] && [ "$(cat /proc/$NS_PID/comm 2>/dev/null)" = systemd ]; then
			state=$(ns systemctl is-system-running 2>/dev/null)
			case $state in running|degraded) break ;; esac
		fi
		sleep 0.1
	done
	[ -n "$NS_PID" ] || { cat "$W/systemd.log"; fail "systemd did not start"; }
	echo "systemd is PID $NS_PID here, state ${state:-unknown}"
}

check_started() {
	step "systemctl start hipformd.service"
	ns timeout 30 systemctl start hipformd.service || fail "systemctl start failed"
	[ "$(ns systemctl is-active hipformd.service)" = active ] || fail "not active after start"
	echo "active (ready: Type=notify)"
}

check_user() {
	step "the daemon's user"
	local pid uid want gid
	pid=$(ns systemctl show -p MainPID --value hipformd.service)
	[ -n "$pid" ] && [ "$pid" != 0 ] || fail "no main PID"
	uid=$(ns awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
	want=$(awk -F: '$1 == "hipform" { print $3 }' "$W/etc/passwd")
	[ -n "$want" ] || fail "systemd-sysusers made no user hipform"
	[ "$uid" = "$want" ] && [ "$uid" != 0 ] || fail "main process runs as uid $uid, want hipform ($want)"
	echo "main PID $pid runs as $(ns ps -o user= -p "$pid") (uid $uid)"
	MAIN_PID=$pid
	HF_GID=$(awk -F: '$1 == "hipform" { print $3 }' "$W/etc/group")
	gid=$(ns stat -c '%a %g %F' "$SOCK" 2>/dev/null) || fail "no socket at $SOCK"
	[ "$gid" = "660 $HF_GID socket" ] || fail "socket is '$gid', want '660 $HF_GID socket'"
	echo "socket $SOCK: mode 0660, group hipform"
}

check_watch() {
	step "hipform watch --json as an unprivileged member of group hipform"
	ns setpriv --reuid=65534 --regid="$HF_GID" --clear-groups -- \
		timeout 5 $TEST_DIR/hipform watch --json --socket "$SOCK" > "$W/watch.out" 2> "$W/watch.err"
	local rc=$? n_version n_status
	n_version=$(grep -c '"class":"VERSION"' "$W/watch.out")
	n_status=$(grep -c '"class":"STATUS"' "$W/watch.out")
	echo "watch: exit $rc (124: stopped by timeout), $n_version VERSION, $n_status STATUS messages"
	[ "$rc" = 124 ] || { cat "$W/watch.err"; fail "watch ended early"; }
	[ "$n_version" = 1 ] && [ "$n_status" -ge 1 ] || { head -5 "$W/watch.out" "$W/watch.err"; fail "watch got no live messages"; }
	# samples flow from the pseudo-terminal through the hardened unit:
	# the sample time of STATUS advances (100 samples are fed per second)
	t_s=$(sed -n 's/.*"class":"STATUS".*"t_s":\([0-9.]*\).*/\1/p' "$W/watch.out" | sort -g | tail -1)
	echo "newest STATUS: sample time $t_s s, $(grep '"class":"STATUS"' "$W/watch.out" | tail -1 | grep -o '"device":"[a-z]*"')"
	awk -v t="${t_s:-0}" 'BEGIN { exit !(t >= 1.0) }' || fail "no samples reached the analyser (t_s ${t_s:-none})"
	step "a user outside group hipform is refused"
	ns setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		$TEST_DIR/hipform status --socket "$SOCK" > /dev/null 2> "$W/refused.err"
	rc=$?
	cat "$W/refused.err"
	[ "$rc" = 1 ] && grep -q "cannot connect to hipformd" "$W/refused.err" || fail "exit $rc; want 1 and one clear line"
}

check_reload() {
	step "systemctl reload (SIGHUP)"
	ns timeout 15 systemctl reload hipformd.service || fail "reload failed"
	sleep 0.5
	[ "$(ns systemctl is-active hipformd.service)" = active ] || fail "not active after reload"
	[ "$(ns systemctl show -p MainPID --value hipformd.service)" = "$MAIN_PID" ] || fail "main PID changed on reload"
	echo "still active, same main PID"
}

check_stop() {
	step "systemctl stop"
	ns timeout 30 systemctl stop hipformd.service || fail "stop failed"
	local result status code
	result=$(ns systemctl show -p Result --value hipformd.service)
	status=$(ns systemctl show -p ExecMainStatus --value hipformd.service)
	code=$(ns systemctl show -p ExecMainCode --value hipformd.service)
	echo "result $result, main process exit status $status ($code)"
	[ "$result" = success ] && [ "$status" = 0 ] || fail "not a clean stop"
	ns journalctl -u hipformd.service --no-pager -o short-monotonic > "$W/journal-all.txt"
	ns journalctl -u hipformd.service _PID="$MAIN_PID" --no-pager -o cat > "$W/journal.txt"
	echo "daemon's last journal lines:"
	tail -3 "$W/journal.txt"
	grep -Eiq 'stop|shut|exit|terminat|bye' <(tail -3 "$W/journal.txt") ||
		fail "the journal has no shutdown message from the daemon"
}

# Issue 9: a configured socket group must be applied under the unit's
# system call filter (chown() of the socket; @privileged blocked it).
# dialout: the service's supplementary group, so no privilege is needed.
check_group() {
	step "[server] group = dialout: the socket gets that group"
	local gid got
	gid=$(awk -F: '$1 == "dialout" { print $3 }' "$W/etc/group")
	[ -n "$gid" ] || fail "no group dialout in the copied /etc/group"
	mkdir -p "$W/etc/hipform"
	printf '[server]\ngroup = dialout\n' > "$W/etc/hipform/hipformd.conf"
	ns timeout 30 systemctl start hipformd.service || fail "systemctl start failed"
	got=$(ns stat -c '%a %g' "$SOCK" 2>/dev/null)
	ns journalctl -u hipformd.service --no-pager -o cat | grep -i "cannot give" | tail -1
	ns timeout 30 systemctl stop hipformd.service
	rm -f "$W/etc/hipform/hipformd.conf"
	[ "$got" = "660 $gid" ] || fail "socket is '$got', want '660 $gid' (group dialout)"
	echo "socket $SOCK: mode 0660, group dialout"
}

poweroff_ns() {
	step "poweroff"
	ns systemctl start poweroff.target --job-mode=replace-irreversibly --no-block
	for _ in $(seq 200); do kill -0 "$TIMEOUT_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$TIMEOUT_PID" 2>/dev/null && fail "the namespace's systemd did not power off"
	wait "$TIMEOUT_PID"
	echo "powered off (exit $?)"
	TIMEOUT_PID= NS_PID=
}

prepare_tree
start_feeder
boot
check_started
check_user
check_watch
check_reload
check_stop
check_group
poweroff_ns
echo "PASS: hipformd.service under a real systemd"
