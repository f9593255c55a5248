#!/bin/sh
# SPDX-License-Identifier: MIT
# t0300-igvmmeasure-measure.sh — `igvmmeasure FILE measure`: COCONUT's output
# format, golden SNP digests from the crate's vectors, -b/-v/--json, the
# loader models, ID block checks, --check-kvm, SEV-ES, exit codes.
#
# The IGVM files come from the digest unit test in fixture mode
# ($B/san/tests/test_measure_igvm_digest --fixtures DIR), so no blobs are
# committed. Golden values: spec igvm-format.md §10.2 (verified against the
# microsoft/igvm crate): the serializer SNP file 5987C91C…, one data-less page
# 9D13634B…. The SEV-ES expectation is computed here with sha256sum over the
# raw page and VMSA bytes the generator also writes out.
#
# Environment: B (build dir, default build), IGVMMEASURE (binary; default the
# sanitized one), FIXTUREGEN (default the sanitized unit test).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
FIXTUREGEN=${FIXTUREGEN:-$B/san/tests/test_measure_igvm_digest}

SERIALIZER=5987C91C61F0C2E8D7A6942CA46B56BA651572B8947956533D84C88CB7D98AAF7F638461E0D3E64A7110D769597540CD
DATALESS=9D13634B6014BB21CF059B2DC694E7BFF01A8A7137041100CD2B695F3D10FB687267B97808B27F8F471D943BC6F53A20
BANNER=$(printf '%111s' '' | tr ' ' '=')

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
# is DESC GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1"; echo "#   got:  '$2'" >&2; echo "#   want: '$3'" >&2; fi; }
# status DESC WANT CMD... : the exit status of CMD is WANT; its stderr is kept in $T/err
status() {
	d=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	is "$d (exit $want)" "$?" "$want"
}
# grep_err DESC PATTERN : the last command's stderr matches
grep_err() { if grep -q -- "$2" "$T/err"; then ok "$1"; else notok "$1"; sed 's/^/#   /' "$T/err" >&2; fi; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0300.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

if [ ! -x "$IGVMMEASURE" ] || [ ! -x "$FIXTUREGEN" ]; then
	skip "igvmmeasure or the fixture generator not built"
	echo "1..$n"
	exit 0
fi
FX=$T/fx
mkdir -p "$FX"
if ! "$FIXTUREGEN" --fixtures "$FX" >/dev/null 2>"$T/gen.err"; then
	notok "generate fixtures: $(head -1 "$T/gen.err")"
	echo "1..$n"
	exit 1
fi
M=$IGVMMEASURE

# ---- default output: COCONUT's layout --------------------------------------------------------
"$M" "$FX/serializer.igvm" measure >"$T/out" 2>"$T/err"
is "serializer file: exit 0" "$?" 0
printf '\n%s\nigvmmeasure '"'"'%s'"'"'\nLaunch Digest: %s\n%s\n\n' "$BANNER" "$FX/serializer.igvm" "$SERIALIZER" \
	"$BANNER" >"$T/want"
if cmp -s "$T/out" "$T/want"; then ok "banner, file name and 'Launch Digest: 5987C91C…' exactly as COCONUT prints"; else
	notok "banner, file name and 'Launch Digest: 5987C91C…' exactly as COCONUT prints"; diff "$T/want" "$T/out" | sed 's/^/#   /' >&2; fi
is "nothing on stderr" "$(cat "$T/err")" ""

is "-b prints only the digest" "$("$M" "$FX/serializer.igvm" measure -b)" "$SERIALIZER"
is "--bare too" "$("$M" "$FX/serializer.igvm" measure --bare)" "$SERIALIZER"
is "one data-less page: 9D13634B… (QEMU/KVM model)" "$("$M" "$FX/dataless.igvm" measure -b)" "$DATALESS"
nz=$("$M" -n "$FX/dataless.igvm" measure -b)
if [ -n "$nz" ] && [ "$nz" != "$DATALESS" ]; then ok "-n (native zero pages) gives another digest"; else notok "-n (native zero pages) gives another digest"; fi
is "--native-zero changes nothing when every page has data" "$("$M" --native-zero "$FX/serializer.igvm" measure -b)" "$SERIALIZER"
is "-p sev-snp is the default" "$("$M" -p sev-snp "$FX/serializer.igvm" measure -b)" "$SERIALIZER"

# ---- -v: COCONUT's run lines ---------------------------------------------------------------------
"$M" -v "$FX/serializer.igvm" measure -b >"$T/out" 2>&1
printf 'gpa 0x0 len 0x2000 (Normal page)\n%s\n' "$SERIALIZER" >"$T/want"
if cmp -s "$T/out" "$T/want"; then ok "-v lists the coalesced run, then the digest"; else notok "-v lists the coalesced run, then the digest"; sed 's/^/#   /' "$T/out" >&2; fi
"$M" -v "$FX/kvm-good.igvm" measure -b >"$T/out" 2>&1
if grep -qx 'gpa 0x1000 len 0x1000 (Unmeasured page)' "$T/out" && grep -qx 'gpa 0x11000 len 0x1000 (Secrets page)' "$T/out" &&
	grep -qx 'gpa 0xfffffffff000 len 0x1000 (VMSA page)' "$T/out"; then ok "-v names unmeasured, secrets and VMSA runs"; else
	notok "-v names unmeasured, secrets and VMSA runs"; sed 's/^/#   /' "$T/out" >&2; fi

# ---- --json ----------------------------------------------------------------------------------------------
if command -v python3 >/dev/null 2>&1; then
	"$M" -v --json "$FX/serializer.igvm" measure >"$T/out" 2>"$T/err"
	is "--json: exit 0" "$?" 0
	py=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["platform"], d["loader_model"], d["digest"], d["pages"]["normal"], d["runs"][0]["gpa"], d["runs"][0]["pages"])' "$T/out" 2>&1)
	is "--json: platform, loader model, digest, page counts, runs" "$py" "sev-snp qemu-kvm $SERIALIZER 2 0x0 2"
	py=$("$M" -n "$FX/idblock-good.igvm" measure --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["loader_model"], d["id_block"]["matches"], d["id_block"]["ld"] == d["digest"])' 2>&1)
	is "--json: native-zero model and the ID block" "$py" "native-zero True True"
else
	skip "python3 not installed: --json not checked"
fi

# ---- ID blocks ----------------------------------------------------------------------------------------------
status "an ID block holding the right digest" 0 "$M" "$FX/idblock-good.igvm" measure -b
status "an ID block holding another digest" 5 "$M" "$FX/idblock-bad.igvm" measure -b
grep_err "... names the file and the rule" "idblock-bad.igvm: offset 0x[0-9a-f]*: id-block.ld-mismatch: the ID block expects 0000"
is "... and still prints the digest" "$(cat "$T/out")" "$SERIALIZER"
status "-i ignores the ID block" 0 "$M" "$FX/idblock-bad.igvm" measure -i -b
status "--ignore-idblock too" 0 "$M" "$FX/idblock-bad.igvm" measure --ignore-idblock

# ---- --check-kvm ---------------------------------------------------------------------------------------------
status "-c accepts a KVM-ready file" 0 "$M" -c "$FX/kvm-good.igvm" measure -b
grep_err "... with a DebugSwap warning" "warning: .*kvm.debug-swap"
status "--check-kvm refuses a file KVM cannot launch as measured" 5 "$M" --check-kvm "$FX/kvm-bad.igvm" measure
for rule in kvm.vmsa-count kvm.vmsa-gpa kvm.vmsa-last kvm.vmsa-cr0; do
	grep_err "... names $rule" "kvm-bad.igvm: offset 0x[0-9a-f]*: $rule: "
done
is "... and prints no digest" "$(cat "$T/out")" ""
status "without -c that file measures" 0 "$M" "$FX/kvm-bad.igvm" measure -b
status "-c refuses a VMSA with CR4 0 (KVM measures the host's CR4.MCE)" 5 "$M" -c "$FX/kvm-cr4.igvm" measure -b
grep_err "... naming kvm.vmsa-cr4-mce, the field and what KVM measures" \
	"kvm-cr4.igvm: offset 0x[0-9a-f]*: kvm.vmsa-cr4-mce: VMSA offset 0x148: CR4 0x0 lacks MCE (0x40).*measures 0x40"
status "a shared page: measured without it, with a warning" 0 "$M" "$FX/shared.igvm" measure -b
is "... the digest of the file without the shared page" "$(cat "$T/out")" "$SERIALIZER"
grep_err "... and the warning says QEMU would measure it" "warning: .*shared page"
status "-c refuses the shared page" 5 "$M" -c "$FX/shared.igvm" measure -b
grep_err "... naming kvm.shared-page" "kvm.shared-page: "
# COCONUT's builder sets mask bits of platforms a file does not carry: a strict finding, not a digest matter.
status "mask bits of absent platforms (as COCONUT writes them)" 0 "$M" "$FX/extra-mask.igvm" measure -b
is "... keep standard error quiet, as COCONUT's tool does" "$(cat "$T/err")" ""
status "... and -v shows the finding" 0 "$M" -v "$FX/extra-mask.igvm" measure -b
grep_err "... warning.mask-no-platform" "warning: .*warning.mask-no-platform"

# ---- SEV-ES and SEV --------------------------------------------------------------------------------------
want=$(cat "$FX/sev-es.page" "$FX/sev-es.vmsa" | sha256sum | cut -d' ' -f1 | tr 'a-f' 'A-F')
is "-p sev-es: SHA-256 of the page data and the VMSA" "$("$M" -p sev-es "$FX/sev-es.igvm" measure -b)" "$want"
is "--platform sev-es prints a 64-digit digest" "$("$M" --platform sev-es "$FX/sev-es.igvm" measure -b | tr -d '\n' | wc -c)" 64
status "-p sev on a file without an SEV platform" 1 "$M" -p sev "$FX/serializer.igvm" measure
grep_err "... names measure.platform and what the file supports" "serializer.igvm: offset 0x18: measure.platform: .*supports: SEV_SNP"
status "-p sev-snp on the SEV-ES file" 1 "$M" "$FX/sev-es.igvm" measure
status "an SNP file without GUEST_POLICY" 1 "$M" "$FX/no-policy.igvm" measure
grep_err "... names measure.guest-policy" "no-policy.igvm: offset 0x18: measure.guest-policy: "

# ---- workers, inputs -----------------------------------------------------------------------------------
d1=$("$M" "$FX/mixed.igvm" measure -b -j 1)
d4=$("$M" -j 4 "$FX/mixed.igvm" measure -b)
d0=$("$M" "$FX/mixed.igvm" measure -b --jobs 0)
if [ -n "$d1" ] && [ "$d1" = "$d4" ] && [ "$d1" = "$d0" ]; then ok "-j 1, -j 4 and one worker per CPU agree"; else notok "-j 1, -j 4 and one worker per CPU agree"; fi
is "a pipe is read whole and gives the same digest" "$(cat "$FX/mixed.igvm" | "$M" /dev/stdin measure -b)" "$d1"
"$M" "$FX/mixed.igvm" measure -b --stats >/dev/null 2>"$T/err"
grep_err "--stats reports workers, pages, time and peak RSS" "stats: workers=[0-9]* pages=[0-9]* hashed_pages=[0-9]* hashed_bytes=[0-9]* repeated_pages=[0-9]* data_bytes=[0-9]* seconds=[0-9.]* peak_rss_kib=[0-9]*"

# ---- refused inputs and exit codes ---------------------------------------------------------------------
cp "$FX/serializer.igvm" "$T/corrupt.igvm"
printf 'X' | dd of="$T/corrupt.igvm" bs=1 seek=40 conv=notrunc 2>/dev/null
status "a header byte changed" 1 "$M" "$T/corrupt.igvm" measure
grep_err "... names the file, offset and checksum rule" "corrupt.igvm: offset 0x14: [a-z.-]*checksum"
: >"$T/empty.igvm"
status "an empty file" 1 "$M" "$T/empty.igvm" measure
status "a missing file" 3 "$M" "$T/nope.igvm" measure
grep_err "... names it" "nope.igvm: cannot open"
status "a directory" 3 "$M" "$T" measure
status "an unknown measure option" 2 "$M" "$FX/serializer.igvm" measure --frobnicate
status "an extra argument" 2 "$M" "$FX/serializer.igvm" measure extra
status "a bad -j" 2 "$M" "$FX/serializer.igvm" measure -j many
status "a bad platform" 2 "$M" -p tdx2 "$FX/serializer.igvm" measure
status "measure --help" 0 "$M" "$FX/serializer.igvm" measure --help

echo "1..$n"
[ "$fails" -eq 0 ]
