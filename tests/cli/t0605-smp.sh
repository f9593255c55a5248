#!/bin/sh
# SPDX-License-Identifier: MIT
# t0605-smp.sh — the SVSM core on every CPU (issue 15), booted under QEMU
# (TCG; QEMU runs one thread per vCPU where it can, MTTCG) through
# `igvmbuild run --vcpus`:
#   - -smp 1, 2, 4, 8 at two memory sizes: every CPU comes online ("smp: N of N
#     CPUs online" before "SVSM core ready"), each on its own per-CPU area,
#     GDT/TSS and stacks, and the protocol stress of the boot self-test runs on
#     all of them with no invariant violation;
#   - a test build that never sends the STARTUP IPIs of one AP: the boot still
#     reaches "SVSM core ready" with "smp: M-1 of M", the AP named;
#   - a test build without PVALIDATE's stripe lock: the stress on 4 CPUs reports
#     invariant violations and the boot fails; on 1 CPU (no race) it passes;
#   - an image from the real builder (templates/qemu-native.xml) on 4 CPUs.
# Prints the boot times (# lines) for the record.
#
# Environment: B (build dir), IGVMBUILD, QEMU, SMP_SIZES (default "1 2 4 8").
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
MKIMG=$B/san/tools/mknativeimage
QEMU=${QEMU:-qemu-system-x86_64}

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
expect() { if [ "$2" -eq 0 ]; then ok "$1"; else notok "$1"; fi; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0605.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

if ! command -v "$QEMU" >/dev/null 2>&1; then
	skip "$QEMU not installed"
	echo "1..$n"
	exit 0
fi
for f in "$IGVMBUILD" "$MKIMG" "$B/loaders/stage2.bin" "$B/svsm/svsm.elf" "$B/svsm/test/svsm-skipsipi.elf" \
	 "$B/svsm/test/svsm-nolock.elf"; do
	if [ ! -e "$f" ]; then
		notok "missing $f (make check-build)"
		echo "1..$n"
		exit 1
	fi
done

# run NAME IMAGE VCPUS MEM EXPECTED-EXIT: boots, checks the exit code, leaves $T/NAME.log
run() {
	"$IGVMBUILD" run --vcpus "$3" --memory "$4" --timeout 120 --serial "$T/$1.log" --expect-ready "$2" \
		>"$T/$1.out" 2>"$T/$1.err"
	rc=$?
	if [ "$rc" -eq "$5" ]; then
		ok "$1: igvmbuild run exits $5 ($(head -n1 "$T/$1.out" | sed 's/.*: //'))"
	else
		notok "$1: igvmbuild run exits $rc, expected $5"
		sed 's/^/#   /' "$T/$1.err" "$T/$1.out" >&2
	fi
	grep -h "smp: .* CPUs online\|protocol stress on" "$T/$1.log" | sed 's/^/#   /'
}
has() { grep -q -- "$2" "$T/$1.log"; }
# line NAME PATTERN: the first line number of PATTERN in the log (0: none)
line() { grep -n -- "$2" "$T/$1.log" | head -n1 | cut -d: -f1 | grep . || echo 0; }

"$MKIMG" "$B/loaders/stage2.bin" "$B/svsm/svsm.elf" "$T/native.igvm"; expect "generator builds the native image" $?

for mem in 256M 3G; do
	for c in ${SMP_SIZES:-1 2 4 8}; do
		name=smp$c-$mem
		run "$name" "$T/native.igvm" "$c" "$mem" 0
		has "$name" "smp: $c of $c CPUs online"; expect "$name: all $c CPUs online" $?
		s=$(line "$name" "smp: $c of $c CPUs online"); r=$(line "$name" "SVSM core ready")
		[ "$s" -gt 0 ] && [ "$r" -gt "$s" ]; expect "$name: the smp line comes before SVSM core ready" $?
		grep "selftest: every CPU ($c) on its own per-CPU area" "$T/$name.log" | grep -q ": ok"
		expect "$name: each CPU on its own per-CPU area, GDT/TSS, stacks; shared IDT and page tables" $?
		grep "selftest: protocol stress on $c CPUs" "$T/$name.log" | grep -q ", 0 invariant violations.*: ok"
		expect "$name: protocol stress on all $c CPUs, 0 invariant violations" $?
		! has "$name" "offline"; expect "$name: no CPU reported offline" $?
	done
done

# One AP never gets its STARTUP IPIs: reported, and the SVSM goes on without it.
"$MKIMG" "$B/loaders/stage2.bin" "$B/svsm/test/svsm-skipsipi.elf" "$T/skip.igvm"
run skip4 "$T/skip.igvm" 4 256M 0
has skip4 "smp: 3 of 4 CPUs online"; expect "skip-SIPI build: smp: 3 of 4 CPUs online" $?
has skip4 "smp: CPU 1 (APIC ID 1) is offline: it did not come up in time"; expect "skip-SIPI build: the silent AP is named" $?
has skip4 "SVSM core ready"; expect "skip-SIPI build: SVSM core ready" $?
grep "selftest: protocol stress on 3 CPUs" "$T/skip4.log" | grep -q ": ok"
expect "skip-SIPI build: the stress runs on the 3 CPUs that came up" $?

# PVALIDATE without its stripe lock: the stress on several CPUs must catch it.
"$MKIMG" "$B/loaders/stage2.bin" "$B/svsm/test/svsm-nolock.elf" "$T/nolock.igvm"
run nolock4 "$T/nolock.igvm" 4 256M 5
v=$(sed -n 's/.*protocol stress on 4 CPUs.*, \([0-9]*\) invariant violations.*FAILED.*/\1/p' "$T/nolock4.log")
[ "${v:-0}" -gt 0 ]; expect "lock removed, 4 CPUs: the stress reports ${v:-no} invariant violations" $?
has nolock4 "self-tests failed"; expect "lock removed, 4 CPUs: the boot self-test fails" $?
run nolock1 "$T/nolock.igvm" 1 256M 0
grep "selftest: protocol stress on 1 CPUs" "$T/nolock1.log" | grep -q ", 0 invariant violations.*: ok"
expect "lock removed, 1 CPU: no race, no violation (the failure above needs parallel CPUs)" $?

# The real builder lays the AP pages out too.
if (cd "$SRC" && "$IGVMBUILD" build --template templates/qemu-native.xml -o "$T/built.igvm" \
	--kernel "$B/svsm/svsm.elf" --stage2 "$B/loaders/stage2.bin" >"$T/build.out" 2>&1); then
	run built4 "$T/built.igvm" 4 512M 0
	has built4 "smp: 4 of 4 CPUs online"; expect "built image: 4 of 4 CPUs online" $?
else
	skip "igvmbuild build of templates/qemu-native.xml failed: $(tail -n1 "$T/build.out")"
fi

echo "1..$n"
