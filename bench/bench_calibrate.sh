#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Benchmark (prints figures, run by hand): time and peak memory of
# `hipform calibrate` on long recordings (issue 9 item 6).
#   bench_calibrate.sh HIPFORM WORKDIR [HIPFORM_TO_COMPARE]
# Recordings, made with the simulator:
#   1k     the procedure at 1000 Hz padded with standing to 20,000 samples
#   100k   the same times divided by 100 (a rate of 100 kHz: refused)
#   41MB   the procedure at 200 Hz, then sessions to 41 MB of CSV
# Needs GNU time (/usr/bin/time, Debian package "time").
set -eu
hipform=$1
work=$2
mkdir -p "$work"
cd "$work"

"$hipform" simulate --scenario calibration --rate 1000 --seed 3 -o p1000.csv
awk -F, 'BEGIN { OFS = "," } /^#/ { next } /^t_s/ { print; next }
	{ n++; print; t = $1; last[n % 1700] = $0 }
	END { for (i = 1; n + i <= 20000; i++) { split(last[(n + i) % 1700], f, ",");
	      f[1] = sprintf("%.6f", t + i * 0.001); print f[1] "," f[2] "," f[3] "," f[4] "," f[5] "," f[6] "," f[7] } }' \
	p1000.csv | head -n 20001 >r1k.csv
awk -F, 'BEGIN { OFS = "," } /^t_s/ { print; next } { $1 = sprintf("%.9f", $1 / 100); print }' \
	r1k.csv >r100k.csv
"$hipform" simulate --scenario calibration --rate 200 --seed 3 -o p200.csv
"$hipform" simulate --scenario random --rate 200 --seed 5 -o s200.csv
awk -F, 'BEGIN { OFS = ","; limit = 41000000 }
	FNR == 1 { file++ } /^#/ { next } /^t_s/ { if (file == 1) print; next }
	file == 1 { print; bytes += length($0) + 1; t_end = $1; next }
	{ row[++n] = $0 }
	END { if (n == 0) exit 1
	      t0 = row[1]; sub(/,.*/, "", t0); base = t_end + 0.005
	      while (bytes < limit) {
		for (i = 1; i <= n && bytes < limit; i++) { split(row[i], f, ",")
		  line = sprintf("%.3f", base + f[1] - t0) "," f[2] "," f[3] "," f[4] "," f[5] "," f[6] "," f[7]
		  print line; bytes += length(line) + 1 }
		split(row[n], f, ","); base += f[1] - t0 + 0.005 } }' p200.csv s200.csv >r41mb.csv

run() { # binary recording
	/usr/bin/time -f '%e %M' -o time.txt "$1" calibrate "$2" -o out.cal >/dev/null 2>err.txt || true
	read -r wall_s rss_kb < <(tail -n 1 time.txt) || true
	printf '%-40s %-10s %8s samples %6.2f s %8d KiB  %s\n' "$1" "$2" \
		"$(($(grep -vc '^[#t]' "$2")))" "$wall_s" "$rss_kb" \
		"$(grep -v '^Command' err.txt | head -n 1)"
}

printf '%-40s %-10s %16s %8s %12s  %s\n' binary recording size wall "max RSS" error
for bin in "$hipform" "${3:-}"; do
	[ -n "$bin" ] || continue
	for r in r1k.csv r100k.csv r41mb.csv; do run "$bin" "$r"; done
done
echo "r41mb.csv: $(wc -c <r41mb.csv) bytes"
