#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The man pages list the options the programs have, no more and no fewer.
#   man_options.sh MANDIR HIPFORM [HIPFORMD]
# For hipform(1): the commands of `hipform --help` against the man page's
# "## hipform CMD" subsections, and for each command (and the top level)
# the long options `--help` defines against those the man page defines.
# For hipformd(8): its options; for hipformd.conf(5): every [section] key
# of `hipformd --help` (thresholds expanded from `hipform analyze --help`).
# An option "defined" is the first --long of a line that starts one:
# "  -j, --json  text" in --help, "*-j*, *--json*" in the scdoc source.
set -euo pipefail
mandir=$1 hipform=$2 hipformd=${3:-}
fail=0

help_defs() { # stdin: --help text
	grep -E '^ {2,}(-[a-zA-Z], )?--[a-z0-9]' |
		sed -E 's/^ +(-[a-zA-Z], )?(--[a-z0-9-]+).*/\2/' | sort -u
}
man_defs() { # stdin: scdoc text
	grep -E '^\*(-[a-zA-Z]\*, \*)?--[a-z0-9]' |
		sed -E 's/^\*(-[a-zA-Z]\*, \*)?(--[a-z0-9-]+).*/\2/' | sort -u
}
section() { # file heading-regex: the lines under that heading up to the next
	awk -v h="$2" '$0 ~ "^#" { on = ($0 ~ h); next } on' "$1"
}
compare() { # what expected(--help) actual(man)
	if [ "$2" != "$3" ]; then
		echo "MISMATCH $1 (< --help, > man page):"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | grep '^[<>]' || true
		fail=1
	else
		echo "ok $1: $(printf '%s' "$2" | tr '\n' ' ')"
	fi
}

page=$mandir/hipform.1.scd
compare "hipform" "$("$hipform" --help | help_defs)" \
	"$(section "$page" '^# OPTIONS$' | man_defs)"
cmds=$("$hipform" --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}' | sort)
[ -n "$cmds" ] || { echo "no commands in 'hipform --help'"; exit 1; }
compare "hipform commands" "$cmds" \
	"$(sed -nE 's/^## hipform ([a-z]+)$/\1/p' "$page" | sort)"
for c in $cmds; do
	compare "hipform $c" "$("$hipform" "$c" --help | help_defs)" \
		"$(section "$page" "^## hipform $c\$" | man_defs)"
done

if [ -n "$hipformd" ]; then
	compare "hipformd" "$("$hipformd" --help | help_defs)" \
		"$(section "$mandir/hipformd.8.scd" '^# OPTIONS$' | man_defs)"
	thresholds=$("$hipform" analyze --help | grep -A1 'keys:$' | tail -1 | tr -d ' ' | tr ',' '\n')
	keys=$("$hipformd" --help | awk -v th="$thresholds" '
		/^Configuration keys/ {on = 1; next}
		on && /^$/ {on = 0}
		on && /^    \[/ {gsub(/[][ ]/, ""); sec = $0; next}
		on && /<threshold>/ {n = split(th, t, "\n"); for (i = 1; i <= n; i++) print sec "." t[i]; next}
		on {print sec "." $1}' | sort)
	[ -n "$keys" ] || { echo "no keys in 'hipformd --help'"; exit 1; }
	compare "hipformd.conf keys" "$keys" \
		"$(awk '/^# \[/ {gsub(/[][# ]/, ""); sec = $0; next} /^# / {sec = ""}
			sec != "" && /^\*[a-z_]+\* = / {k = $1; gsub(/\*/, "", k); print sec "." k}' \
			"$mandir/hipformd.conf.5.scd" | sort)"
fi
exit $fail
