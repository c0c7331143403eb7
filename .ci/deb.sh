#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI, after the test suite: the Debian package.  Builds the .deb from a
# copy of the tree (the clone stays clean), checks it with lintian (no
# errors), installs it, checks the installed unit with
# `systemd-analyze verify` (stderr must be empty), runs the test suite
# against the installed /usr/bin/hipform and /usr/sbin/hipformd, then
# removes it (state and conffile kept) and purges it (both gone).
#   .ci/deb.sh [BUILD_DIR]     (default build; needs root)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$build/deb
fail() { echo "deb.sh: FAIL: $*" >&2; exit 1; }

echo "== build the package in $work"
rm -rf "$work" && mkdir -p "$work/src"
if command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		tar --null -T - -cf - | tar -xf - -C "$work/src"
else
	tar --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$work/src"
fi
(cd "$work/src" && dpkg-buildpackage -us -uc -b >../build.log 2>&1) ||
	{ tail -40 "$work/build.log"; fail "dpkg-buildpackage"; }
deb=$(ls "$work"/hipform_*.deb)
dpkg-deb --info "$deb" | sed -n '/Package:/,/Depends:/p'
dpkg-deb --contents "$deb" | awk '{print $NF}'

echo "== lintian"
lintian --fail-on error --allow-root "$deb" || fail "lintian reports errors"

echo "== install"
apt-get install -y -qq "./$deb" >/dev/null
getent passwd hipform >/dev/null || fail "no user hipform after install"
id -nG hipform | grep -qw dialout || fail "hipform is not in dialout"
[ -d /var/lib/hipform ] || fail "no /var/lib/hipform after install"
[ "$(stat -c %U:%a /var/lib/hipform)" = hipform:750 ] || fail "/var/lib/hipform: $(stat -c %U:%a /var/lib/hipform)"
dpkg-query --control-show hipform conffiles | grep -qx '/etc/hipform/hipformd.conf' ||
	fail "/etc/hipform/hipformd.conf is not a conffile"
[ -L /etc/systemd/system/multi-user.target.wants/hipformd.service ] ||
	fail "hipformd.service is not enabled"
for f in /usr/share/man/man1/hipform.1.gz /usr/share/man/man8/hipformd.8.gz \
	 /usr/share/man/man5/hipformd.conf.5.gz /lib/udev/rules.d/60-hipform.rules \
	 /usr/lib/sysusers.d/hipform.conf /usr/lib/tmpfiles.d/hipform.conf \
	 /usr/share/doc/hipform/formats.md; do
	[ -e "$f" ] || fail "$f is not installed"
done
/usr/sbin/hipformd --version

echo "== systemd-analyze verify"
err=$(cd / && systemd-analyze verify /lib/systemd/system/hipformd.service 2>&1 >/dev/null) ||
	{ printf '%s\n' "$err"; fail "systemd-analyze verify failed"; }
[ -z "$err" ] || { printf '%s\n' "$err"; fail "systemd-analyze verify: stderr not empty"; }

echo "== the test suite against the installed programs"
cmake -S . -B "$build" -DHF_TEST_BIN_HIPFORM=/usr/bin/hipform \
	-DHF_TEST_BIN_HIPFORMD=/usr/sbin/hipformd >/dev/null
rc=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" || rc=$?
cmake -S . -B "$build" -DHF_TEST_BIN_HIPFORM= -DHF_TEST_BIN_HIPFORMD= >/dev/null
[ $rc -eq 0 ] || fail "tests against the installed package"

echo "== remove keeps the state, purge deletes it"
install -d -o hipform -g hipform -m 0750 /var/lib/hipform/recordings
echo "t_s" > /var/lib/hipform/recordings/ci-marker.csv
apt-get remove -y -qq hipform >/dev/null
[ ! -e /usr/sbin/hipformd ] || fail "hipformd still there after remove"
[ -e /var/lib/hipform/recordings/ci-marker.csv ] || fail "remove deleted the state"
[ -e /etc/hipform/hipformd.conf ] || fail "remove deleted the conffile"
apt-get purge -y -qq hipform >/dev/null
[ ! -e /var/lib/hipform ] || fail "purge left /var/lib/hipform"
[ ! -e /etc/hipform ] || fail "purge left /etc/hipform"
echo "deb.sh: PASS"
