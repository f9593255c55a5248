#!/bin/sh
# SPDX-License-Identifier: MIT
# vtpm.sh — `make bench-vtpm`: the vTPM's numbers (issue 11).
#   1. host: EK CreatePrimary RSA-2048 (L-1) and ECC P-256 (L-2), TPM2_Quote, through the same
#      glue and archives as the SVSM ($B/tests/vtpm-bench, -O2);
#   2. guest: the time from SVSM entry to "vTPM ready" under QEMU/TCG (the core's own TSC clock),
#      for the production core (RDSEED) and the fixed-seed test core, L-1, 1 vCPU, BENCH_VTPM_BOOTS
#      boots each (default 3), and the wall time of the whole boot;
#      and the cost of one TPM command across the ring-3 channel (the core's own line);
#   3. the bytes the vTPM adds to svsm.elf, from the link map: the core's half (svsm/vtpm/ shared
#      code, vtpm_proxy.c, the protocol's vtpm.c, arch/hwrng.c) and vtpmd's embedded image
#      (vtpm_image.S, read-only data); then vtpmd.elf's own segments (libtpms.a, libcrypto.a,
#      the C library and the glue).
# A benchmark, not a test: not part of `make check`. Environment: B (build dir), BENCH_VTPM_RUNS.
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-vtpm.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
rc=0

"$B/tests/vtpm-bench" "$SRC/templates/vtpm-default.xml" "${BENCH_VTPM_RUNS:-20}" || rc=1

for elf in svsm/svsm.elf svsm/test/svsm-vtpm-seed.elf; do
	(cd "$SRC" && "$B/bin/igvmbuild" build --template templates/qemu-native.xml -o "$T/b.igvm" \
		--kernel "$B/$elf" --stage2 "$B/loaders/stage2.bin" --vtpm-manifest templates/vtpm-default.xml) \
		>"$T/build.out" 2>&1 || { cat "$T/build.out"; rc=1; continue; }
	i=0
	while [ $i -lt "${BENCH_VTPM_BOOTS:-3}" ]; do
		i=$((i + 1))
		"$B/bin/igvmbuild" run --memory 512M --timeout 120 --serial "$T/b.log" --expect-ready "$T/b.igvm" \
			>"$T/run.out" 2>&1 || { cat "$T/run.out"; rc=1; }
		wall=$(sed -n 's/.*pass after \([0-9.]*\) s.*/\1/p' "$T/run.out")
		sed -n 's/.*vtpm: timing: \(.*\)/\1/p' "$T/b.log" | tr -d '\r' |
			sed "s|^|bench-vtpm: TCG boot $i, $(basename "$elf"): |;s|\$|; whole boot ${wall:-?} s wall|"
		sed -n 's/.*vtpm: cost per TPM command \(.*\)/\1/p' "$T/b.log" | tr -d '\r' |
			sed "s|^|bench-vtpm: TCG boot $i, $(basename "$elf"): cost per TPM command |"
	done
done

MAP=$B/svsm/svsm.map
if [ -f "$MAP" ]; then
	awk '
	/^Linker script and memory map/ { on = 1; next }
	!on { next }
	function hex(h,   i, v) { # mawk has no strtonum
		v = 0
		h = tolower(substr(h, 3))
		for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	function add(sec, size, file) {
		if (file !~ /\/svsm\/vtpm\/|vtpm_proxy|vtpm_image|arch\/hwrng|protocol\/vtpm\.c/) return
		k = sec ~ /^\.text/ ? "text" : sec ~ /^\.(rodata|data\.rel\.ro|got)/ ? "rodata" : \
		    sec ~ /^\.data/ ? "data" : sec ~ /^(\.bss|COMMON)/ ? "bss" : ""
		if (k == "") return
		n[k] += hex(size)
		w = file ~ /vtpm_image/ ? "vtpmd-image" : "core-half"
		by[w, k] += hex(size)
	}
	/^ [.A-Z][^ ]*$/ { pending = $1; next }
	pending != "" && /^                0x/ { add(pending, $2, $3); pending = ""; next }
	/^ [.A-Z][^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($1, $3, $4) }
	{ pending = "" }
	END {
		printf "bench-vtpm: svsm.elf bytes the vTPM adds: .text %d, .rodata/.got %d, .data %d, .bss %d\n", \
			n["text"], n["rodata"], n["data"], n["bss"]
		split("core-half vtpmd-image", ws, " ")
		for (i = 1; i <= 2; i++)
			printf "bench-vtpm:   %-12s .text %8d  .rodata %8d  .data %7d  .bss %7d\n", ws[i], \
				by[ws[i], "text"], by[ws[i], "rodata"], by[ws[i], "data"], by[ws[i], "bss"]
	}' "$MAP"
	size "$B/svsm/svsm.elf" "$B/svsm/vtpmd.elf" | sed 's/^/bench-vtpm: size: /'
else
	echo "bench-vtpm: $MAP missing (relink svsm.elf)"
	rc=1
fi
exit $rc
