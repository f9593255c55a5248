#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-bench.sh — `make bench`: how fast, and in how much memory, igvmmeasure
# computes the SNP launch digest of a large IGVM file. Not a test: numbers
# depend on the machine, so `make check` never runs it.
#
# Environment: B (build dir, default build), BENCH_PAGES (default 25600 =
# 100 MiB of page data), BENCH_JOBS (hashing threads, 0 = one per CPU),
# BENCH_ROUNDS (default 3).
#
# The bar: page data hashed at >= 85% of what `openssl speed -evp sha384`
# reaches on 4 KiB blocks on one core, times the workers (min(cores, jobs)),
# and a peak resident set <= 32 MiB. Peak RSS and time come from igvmmeasure's
# own --stats line (VmHWM from /proc/self/status and a monotonic clock), so
# the script needs no GNU time; when /usr/bin/time is there it is used as a
# second opinion. Each round runs openssl speed and then igvmmeasure three
# times; the best of each counts, so both are measured under the same
# conditions on a machine other work shares. The load average is printed
# because a busy machine lowers the ratio. Exit status 1 when the bar is
# missed.
set -eu

B=${B:-build}
pages=${BENCH_PAGES:-25600}
jobs=${BENCH_JOBS:-0}
rounds=${BENCH_ROUNDS:-3}
tool=$B/bin/igvmmeasure
gen=$B/bench/mkbigigvm
img=$B/bench/big-$pages.igvm

if [ ! -f "$img" ] || [ "$gen" -nt "$img" ]; then
	echo "bench: generating $img ($pages pages)"
	"$gen" "$img" "$pages"
fi
size=$(wc -c <"$img")

cores=$(getconf _NPROCESSORS_ONLN)
if [ "$jobs" -eq 0 ] || [ "$jobs" -gt "$cores" ]; then workers=$cores; else workers=$jobs; fi
load=$(cut -d' ' -f1-3 /proc/loadavg)

# max A B: the larger of two decimal numbers.
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 > a + 0) ? b : a }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
field() { echo "$1" | sed "s/.*$2=\([0-9.]*\).*/\1/"; }

# Per-core SHA-384 throughput at 4 KiB in bytes per second, from the
# machine-readable line "+F:<n>:sha384:<bytes per second>" (OpenSSL 3.0).
speed() { openssl speed -mr "$@" -evp sha384 -bytes 4096 -seconds 3 2>/dev/null | awk -F: '/^\+F:/ { s += $4 } END { print s }'; }

"$tool" "$img" measure -b -j "$jobs" >/dev/null # bring the file into the page cache
per_core="" multi="" best="" peak=0
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	echo "bench: round $r/$rounds: openssl speed -evp sha384 -bytes 4096 -seconds 3, then igvmmeasure x3"
	per_core=$(max "$per_core" "$(speed)")
	i=0
	while [ "$i" -lt 3 ]; do
		i=$((i + 1))
		stats=$("$tool" "$img" measure -b -j "$jobs" --stats 2>&1 >/dev/null | grep 'stats:')
		best=$(min "$best" "$(field "$stats" seconds)")
		peak=$(max "$peak" "$(field "$stats" peak_rss_kib)")
		hashed=$(field "$stats" hashed_bytes)
		npages=$(field "$stats" ' pages')
		used=$(field "$stats" workers)
	done
done
[ -n "$per_core" ] && [ "$per_core" != 0 ] || { echo "bench: could not read openssl speed's result" >&2; exit 2; }
# For context: what this machine gives `workers` processes hashing at once.
multi=$(speed -elapsed -multi "$workers")

gnu_rss=""
if /usr/bin/time -v true >/dev/null 2>&1; then
	gnu_rss=$(/usr/bin/time -v "$tool" "$img" measure -b -j "$jobs" 2>&1 >/dev/null |
		awk -F': ' '/Maximum resident set size/ { print $2 }')
fi

awk -v size="$size" -v pages="$npages" -v hashed="$hashed" -v secs="$best" -v per_core="$per_core" \
	-v workers="$workers" -v used="$used" -v cores="$cores" -v rss="$peak" -v gnu_rss="$gnu_rss" \
	-v multi="$multi" -v load="$load" '
BEGIN {
	mbs = hashed / secs / 1e6
	limit = per_core * workers / 1e6
	ratio = mbs / limit
	printf "load average:   %s (other work on the machine lowers the ratio)\n", load
	printf "image:          %.1f MB, %d measured pages\n", size / 1e6, pages
	printf "workers:        %d hashing threads (%d cores)\n", used, cores
	printf "time:           %.4f s (best run)\n", secs
	printf "pages/s:        %.0f\n", pages / secs
	printf "MB/s:           %.1f (page data hashed)\n", mbs
	printf "openssl limit:  %.1f MB/s = %.1f MB/s per core x %d\n", limit, per_core / 1e6, workers
	printf "ratio:          %.1f%% of the limit (bar: 85%%)\n", ratio * 100
	if (multi > 0)
		printf "for context:    openssl speed -elapsed -multi %d: %.1f MB/s together (%.1f%% of that)\n",
			workers, multi / 1e6, mbs * 1e6 / multi * 100
	printf "peak RSS:       %.1f MiB (VmHWM; bar: 32 MiB)\n", rss / 1024
	if (gnu_rss != "")
		printf "GNU time:       %.1f MiB maximum resident set\n", gnu_rss / 1024
	pass = ratio >= 0.85 && rss <= 32768
	printf "result:         %s\n", pass ? "PASS" : "FAIL"
	exit pass ? 0 : 1
}'
