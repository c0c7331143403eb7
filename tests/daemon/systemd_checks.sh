#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Static checks of the systemd and udev files in systemd/ (no running
# systemd needed).  One check per call, so that CTest lists them apart:
#
#   systemd_checks.sh verify   WORKDIR UNIT.in HIPFORMD
#       `systemd-analyze verify` on the unit with ExecStart pointing at the
#       build tree's daemon.  verify reports many problems as warnings and
#       still exits 0, so any output on stderr fails the check.
#   systemd_checks.sh security WORKDIR UNIT.in HIPFORMD MAX
#       `systemd-analyze security --offline=true`: the overall exposure must
#       be at most MAX (the goal is 2.0); the figure is printed.
#   systemd_checks.sh sysusers WORKDIR SYSUSERS.conf TMPFILES.conf
#       systemd-sysusers and systemd-tmpfiles applied to a scratch root:
#       user and group hipform exist, hipform is in dialout, the
#       directories are made with owner hipform and mode 0750.
#   systemd_checks.sh udev     WORKDIR RULES CONF.example
#       `udevadm verify` where it exists (systemd >= 253); always a small
#       parser of the rule syntax (keys, operators, quoting, GOTO/LABEL
#       pairs) and a check that every default vid_pid of the example
#       configuration is matched for both the tty and the USB device node.
#   systemd_checks.sh conf     WORKDIR CONF.example HIPFORMD
#       The example configuration is complete and correct: every key that
#       `hipformd --help` lists is in it, and hipformd started with every
#       key of the example uncommented (at its documented default) logs no
#       unknown key and no invalid value, and keeps running.
#
# Exit status: 0 pass, 1 fail, 77 skipped (a tool is missing; says which).
set -u

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# The unit as configured, with ExecStart at the daemon of the build tree.
make_unit() {
	local unit_in=$1 daemon=$2 dir=$3
	mkdir -p "$dir"
	sed "s|@SBINDIR@/hipformd|$daemon|" "$unit_in" > "$dir/hipformd.service"
	grep -q '@[A-Z_]*@' "$dir/hipformd.service" && fail "unsubstituted @VAR@ in $unit_in"
	echo "$dir/hipformd.service"
}

check_verify() {
	local work=$1 unit_in=$2 daemon=$3 unit err
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	unit=$(make_unit "$unit_in" "$daemon" "$work/verify") || exit 1
	err=$(cd "$work/verify" && systemd-analyze verify "$unit" 2>&1 >/dev/null)
	local rc=$?
	if [ $rc -ne 0 ] || [ -n "$err" ]; then
		printf '%s\n' "$err"
		fail "systemd-analyze verify: exit $rc, stderr above must be empty"
	fi
	echo "PASS: systemd-analyze verify hipformd.service: no complaints"
}

check_security() {
	local work=$1 unit_in=$2 daemon=$3 max=$4 unit out level
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	unit=$(make_unit "$unit_in" "$daemon" "$work/security") || exit 1
	out=$(cd "$work/security" && systemd-analyze security --offline=true --no-pager "$unit" 2>&1)
	printf '%s\n' "$out" | grep -E '✗|Overall'
	level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	[ -n "$level" ] || fail "no 'Overall exposure level' in the output of systemd-analyze security"
	awk -v l="$level" -v m="$max" 'BEGIN { exit !(l + 0 <= m + 0) }' ||
		fail "exposure $level is above $max"
	echo "PASS: systemd-analyze security exposure $level (at most $max)"
}

check_sysusers() {
	local work=$1 sysusers=$2 tmpfiles=$3 root uid gid
	command -v systemd-sysusers >/dev/null || skip "systemd-sysusers is not installed"
	command -v systemd-tmpfiles >/dev/null || skip "systemd-tmpfiles is not installed"
	root="$work/sysusers-root"
	rm -rf "$root" && mkdir -p "$root/etc" || fail "cannot make $root"
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
	printf 'root:x:0:\ndialout:x:20:\n' > "$root/etc/group"
	systemd-sysusers --root="$root" "$(realpath "$sysusers")" || fail "systemd-sysusers failed"
	uid=$(awk -F: '$1 == "hipform" { print $3 }' "$root/etc/passwd")
	gid=$(awk -F: '$1 == "hipform" { print $3 }' "$root/etc/group")
	[ -n "$uid" ] && [ "$uid" != 0 ] || fail "no user hipform (or it is root)"
	[ -n "$gid" ] || fail "no group hipform"
	awk -F: -v g="$gid" '$1 == "hipform" && $4 == g { ok = 1 } END { exit !ok }' \
		"$root/etc/passwd" || fail "user hipform's primary group is not hipform"
	grep -Eq '^dialout:[^:]*:[^:]*:(.*,)?hipform(,|$)' "$root/etc/group" ||
		fail "hipform is not a member of dialout"
	systemd-tmpfiles --root="$root" --create "$(realpath "$tmpfiles")" || fail "systemd-tmpfiles failed"
	for d in var/lib/hipform run/hipform; do
		[ "$(stat -c '%u:%g %a' "$root/$d")" = "$uid:$gid 750" ] ||
			fail "/$d is $(stat -c '%u:%g %a' "$root/$d"), want $uid:$gid 750"
	done
	echo "PASS: sysusers made hipform ($uid:$gid, in dialout); tmpfiles made its directories"
}

# Parse the rule file; prints problems, exits 1 when there are any.
udev_lint() {
	awk '
	BEGIN {
		split("ACTION DEVPATH KERNEL KERNELS SUBSYSTEM SUBSYSTEMS DRIVER DRIVERS ATTRS TAGS TEST PROGRAM RESULT CONST", m, " ")
		for (i in m) matchonly[m[i]] = 1
		split("OWNER GROUP MODE SECLABEL RUN LABEL GOTO OPTIONS IMPORT", a, " ")
		for (i in a) assignonly[a[i]] = 1
		split("NAME SYMLINK ATTR SYSCTL ENV TAG", b, " ")
		for (i in b) both[b[i]] = 1
	}
	function bad(msg) { printf("%s:%d: %s\n", FILENAME, lineno, msg); errors++ }
	/^[ \t]*(#|$)/ { next }
	{
		lineno = FNR; line = $0
		while (line ~ /\\$/) { sub(/\\$/, "", line); getline more; line = line more }
		while (line != "") {
			if (!match(line, /^[ \t]*[A-Z_]+(\{[^}]*\})?[ \t]*(==|!=|\+=|-=|:=|=)[ \t]*"[^"]*"[ \t]*/)) {
				bad("cannot parse: " line); break
			}
			tok = substr(line, 1, RLENGTH); line = substr(line, RLENGTH + 1)
			key = tok; sub(/^[ \t]*/, "", key); sub(/[{ \t=!+:-].*/, "", key)
			op = tok; sub(/^[^=!+:-]*/, "", op); sub(/".*/, "", op); gsub(/[ \t]/, "", op)
			val = tok; sub(/^[^"]*"/, "", val); sub(/".*/, "", val)
			if (!(key in matchonly) && !(key in assignonly) && !(key in both)) bad("unknown key " key)
			if ((key in matchonly) && op != "==" && op != "!=") bad(key " takes == or !=, not " op)
			if ((key in assignonly) && (op == "==" || op == "!=")) bad(key " is an assignment, not " op)
			if ((key == "LABEL" || key == "GOTO") && op != "=") bad(key " takes =")
			if (key == "MODE" && val !~ /^0[0-7][0-7][0-7]$/) bad("MODE is not octal: " val)
			if (key == "GOTO") gotos[val] = lineno
			if (key == "LABEL") { if (val in labels) bad("LABEL " val " twice"); labels[val] = lineno }
			if (key == "GOTO" && (val in labels)) bad("GOTO " val " jumps backwards")
			if (line ~ /^,/) { line = substr(line, 2); if (line ~ /^[ \t]*$/) bad("trailing comma") }
			else if (line !~ /^[ \t]*$/) { bad("missing comma before: " line); break }
			else line = ""
		}
	}
	END {
		for (g in gotos) if (!(g in labels)) { printf("GOTO %s (line %d) has no LABEL\n", g, gotos[g]); errors++ }
		exit errors > 0
	}' "$1"
}

check_udev() {
	local work=$1 rules=$2 conf=$3 ids id vid pid
	if command -v udevadm >/dev/null && udevadm verify --help >/dev/null 2>&1; then
		udevadm verify --resolve-names=never "$rules" || fail "udevadm verify"
		echo "udevadm verify: ok"
	else
		echo "note: no 'udevadm verify' here (systemd < 253 or no udev): own parser only"
	fi
	udev_lint "$rules" || fail "rule syntax"
	ids=$(sed -n 's/^#*[ \t]*vid_pid[ \t]*=[ \t]*//p' "$conf" | tr ',' ' ')
	[ -n "$ids" ] || fail "no vid_pid line in $conf"
	for id in $ids; do
		vid=${id%%:*} pid=${id##*:}
		grep -Eq "ATTRS\{idVendor\}==\"$vid\", ATTRS\{idProduct\}==\"$pid\"" "$rules" ||
			fail "$id: no tty match (ATTRS) in $rules"
		grep -Eq "ATTR\{idVendor\}==\"$vid\", ATTR\{idProduct\}==\"$pid\"" "$rules" ||
			fail "$id: no USB device match (ATTR) in $rules"
	done
	grep -q 'ENV{SYSTEMD_WANTS}+="hipformd.service"' "$rules" || fail "the rule does not want hipformd.service"
	grep -q 'TAG+="systemd"' "$rules" || fail "the rule does not tag for systemd"
	echo "PASS: udev rule parses; matches $ids for tty and USB device"
}

check_conf() {
	local work=$1 conf=$2 daemon=$3 keys key pid rc
	# keys of the help's "Configuration keys" block: "      path   = auto"
	keys=$("$daemon" --help | sed -n '/^Configuration keys/,/^$/p' |
		sed -n 's/^ *\([a-z_]*\) *=.*/\1/p')
	[ -n "$keys" ] || fail "no configuration keys in hipformd --help"
	for key in $keys; do
		grep -Eq "^#$key =" "$conf" || fail "key $key of hipformd --help is not in $conf"
	done
	mkdir -p "$work/conf/state" && rm -f "$work/conf/hipformd.sock"
	sed -n 's/^#\([a-z_]* =\)/\1/p; /^\[/p' "$conf" > "$work/conf/all-keys.conf"
	[ "$(grep -c ' = ' "$work/conf/all-keys.conf")" -ge 30 ] || fail "too few keys in $conf"
	"$daemon" --foreground --config "$work/conf/all-keys.conf" --device "$work/conf/no-such-device" \
		--socket "$work/conf/hipformd.sock" --state-dir "$work/conf/state" \
		--log-level info > "$work/conf/log" 2>&1 &
	pid=$!
	sleep 1.5
	kill -0 $pid 2>/dev/null || { cat "$work/conf/log"; fail "hipformd exited with the example keys"; }
	kill -TERM $pid; wait $pid; rc=$?
	if grep -Eiq 'unknown|invalid' "$work/conf/log"; then
		grep -Ei 'unknown|invalid' "$work/conf/log"; fail "hipformd rejects keys of $conf"
	fi
	echo "PASS: $conf has all $(echo $keys | wc -w) keys of hipformd --help;" \
		"$(grep -c ' = ' "$work/conf/all-keys.conf") keys load cleanly (daemon exit $rc after SIGTERM)"
}

[ $# -ge 2 ] || { echo "usage: $0 verify|security|sysusers|udev|conf WORKDIR ARGS..." >&2; exit 2; }
what=$1 work=$(realpath -m "$2")
shift 2
mkdir -p "$work" || fail "cannot make $work"
case $what in
verify) check_verify "$work" "$@" ;;
security) check_security "$work" "$@" ;;
sysusers) check_sysusers "$work" "$@" ;;
udev) check_udev "$work" "$@" ;;
conf) check_conf "$work" "$@" ;;
*) echo "unknown check $what" >&2; exit 2 ;;
esac
