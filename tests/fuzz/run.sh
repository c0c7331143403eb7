#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Run every libFuzzer target of a HF_LIBFUZZER=ON build for a bounded time,
# under ASan and UBSan (the build carries both; undefined behaviour aborts).
#
#   tests/fuzz/run.sh [BUILD_DIR [SECONDS_PER_TARGET [TARGET...]]]
#
# BUILD_DIR defaults to build-fuzz, made with
#   CC=clang-14 cmake -S . -B build-fuzz -DHF_LIBFUZZER=ON
#   cmake --build build-fuzz --target fuzzers
# Each target starts from its committed corpus (tests/fuzz/corpus/TARGET,
# read only) and grows a scratch corpus in BUILD_DIR/fuzz-work/TARGET.
# A crash, leak, UB report, timeout or broken rule stops that target: its
# input is left in BUILD_DIR/fuzz-work/TARGET/artifacts/, and the script
# says how to make it a regression input (the ctest fuzz_TARGET_replay
# replays the corpus directory).  Exit status 1 when any target failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build-fuzz}
secs=${2:-40}
shift $(($# > 2 ? 2 : $#))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decoder calib config requests)
failed=0

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for t in "${targets[@]}"; do
	bin="$build/tests/fuzz/fuzz_$t"
	work="$build/fuzz-work/$t"
	if [ ! -x "$bin" ]; then
		echo "fuzz $t: no $bin (configure with -DHF_LIBFUZZER=ON and build the target fuzzers)" >&2
		failed=1
		continue
	fi
	mkdir -p "$work/corpus" "$work/artifacts"
	dict=()
	[ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
	echo "== fuzz $t for ${secs} s"
	# TMPDIR: the request target puts its socket there
	TMPDIR="$work" "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=8192 -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix="$work/artifacts/" "$work/corpus" "$here/corpus/$t" \
		>"$work/log" 2>&1
	rc=$?
	grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+ *DONE" "$work/log"
	echo "   corpus: $(ls "$here/corpus/$t" | wc -l) committed, $(ls "$work/corpus" | wc -l) new"
	if [ "$rc" -ne 0 ]; then
		failed=1
		echo "FUZZ $t FAILED (exit $rc); the report:"
		grep -E -m1 -A30 "ERROR: |runtime error|broken:|deadly signal|timeout" "$work/log"
		for a in "$work"/artifacts/*; do
			[ -e "$a" ] || continue
			echo "   input: $a"
			echo "   make it a regression input: cp '$a' $here/corpus/$t/regression-$(basename "$a" | cut -c1-20)"
		done
	fi
done
exit "$failed"
