#!/bin/sh
# SPDX-License-Identifier: MIT
# svsm-smp.sh — `make bench-svsm-smp`: the SVSM core's boot stress (svsm/protocol/proto_stress.h) for
# 20 s on every vCPU under QEMU/TCG (svsm-stress-long.elf), at 4 and 8 vCPUs (BENCH_SMP), printing the
# start-up line and the stress line of each boot. A benchmark, not a test: not part of `make check`.
# Environment: B (build dir), BENCH_SMP (default "4 8"), QEMU.
set -u
B=${B:-build}
IGVMBUILD=$B/bin/igvmbuild
T=$(mktemp -d "${TMPDIR:-/tmp}/svsm-smp.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
"$B/san/tools/mknativeimage" "$B/loaders/stage2.bin" "$B/svsm/test/svsm-stress-long.elf" "$T/long.igvm" || exit 1
rc=0
for c in ${BENCH_SMP:-4 8}; do
	"$IGVMBUILD" run --vcpus "$c" --memory 1G --timeout 300 --serial "$T/$c.log" --expect-ready "$T/long.igvm" ||
		rc=1
	grep -h "smp: .* CPUs online\|protocol stress on" "$T/$c.log" | sed 's/^\[[A-Z]*\] *//;s/^/bench-svsm-smp: /'
done
exit $rc
