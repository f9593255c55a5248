#!/bin/sh
# SPDX-License-Identifier: MIT
# t0650-protocol-stress.sh — a short run of the SVSM protocol stress test
# ($B/tests/protocol-stress, tests/svsm/protocol_stress.c): vCPU threads racing
# PVALIDATE, CREATE/DELETE_VCPU, REMAP_CA, DEPOSIT/WITHDRAW and attestation on
# the RMP model; it must find no invariant violation (a page whose access was
# taken away and not flushed is one). Then the bench mode.
# Environment: B (build dir), PROTO_STRESS_SECONDS (default 3), PROTO_STRESS_THREADS (default 4).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
BIN=$B/tests/protocol-stress
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
if [ ! -x "$BIN" ]; then
	notok "missing $BIN (make check-build)"
	echo "1..$n"
	exit 1
fi
out=$("$BIN" --seconds "${PROTO_STRESS_SECONDS:-3}" --threads "${PROTO_STRESS_THREADS:-4}" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc -eq 0 ] && echo "$out" | grep -q ": 0 invariant violations"; then
	ok "protocol-stress: $(echo "$out" | sed -n 's/.*s, seed [0-9]*: \([0-9]*\) operations.*/\1/p' | head -n1) operations, 0 invariant violations"
else
	notok "protocol-stress exit $rc: $(echo "$out" | grep 'violations' | head -n1)"
fi
ops=$(echo "$out" | sed -n 's/.*: \([0-9]*\) operations.*/\1/p' | head -n1)
[ "${ops:-0}" -gt 100 ] && ok "protocol-stress ran a meaningful number of operations ($ops)" ||
	notok "protocol-stress ran too few operations (${ops:-?})"
# Access is taken away on every rescind, deposit and VMSA creation: the run must have flushed.
fl=$(echo "$out" | sed -n 's/.* \([0-9]*\) TLB flushes.*/\1/p' | head -n1)
[ "${fl:-0}" -gt 0 ] && ok "protocol-stress flushed TLBs after revoking access ($fl flushes, none missing)" ||
	notok "protocol-stress reported no TLB flushes (${fl:-?})"
"$BIN" --seconds 1 --threads 1 --seed 7 >/dev/null 2>&1; [ $? -eq 0 ] && ok "single vCPU run clean" || notok "single vCPU run"
"$BIN" --threads 0 >/dev/null 2>&1; [ $? -eq 2 ] && ok "bad --threads is a usage error" || notok "bad --threads accepted"
bench=$("$BIN" --bench 2>&1)
if echo "$bench" | grep -q "bytes per GiB" && echo "$bench" | grep -q "ns per 4 KiB PVALIDATE entry"; then
	ok "bench mode reports bytes per GiB and ns per entry"
	echo "$bench" | sed 's/^/# /'
else
	notok "bench mode: $bench"
fi
echo "1..$n"
