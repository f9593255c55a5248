#!/bin/sh
# SPDX-License-Identifier: MIT
# t0510-igvmmeasure-report.sh — `igvmmeasure report`: decoding, the checks
# (--expect-*, --igvm, --vcek), one line per mismatch, exit codes, hostile
# reports. The chain, CRLs and the other inputs: t0520.
#
# Reports are built by the report unit test's --make mode (fields at the ABI
# offsets, signed over bytes 0x000-0x29F with a VCEK key of a chain generated
# here by the openssl CLI, tests/cli/snp_chain.sh, given as --trusted-roots
# since its ARK is not AMD's). Independent
# expectation: a report made for the serializer file's measurement 5987C91C…
# (spec igvm-format.md §10.2) passes --igvm on that file. The signature
# check against OpenSSL-CLI signatures and a real Milan report are in
# tests/measure/test_report.c.
# Environment: B, IGVMMEASURE, FIXTUREGEN, REPORTGEN.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/cli/snp_chain.sh"
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
FIXTUREGEN=${FIXTUREGEN:-$B/san/tests/test_measure_igvm_digest}
REPORTGEN=${REPORTGEN:-$B/san/tests/test_measure_report}
M=$IGVMMEASURE
G=$REPORTGEN
T=$T_TMP

SERIALIZER=5987C91C61F0C2E8D7A6942CA46B56BA651572B8947956533D84C88CB7D98AAF7F638461E0D3E64A7110D769597540CD

is() { if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1"; echo "#   got:  '$2'"; echo "#   want: '$3'"; fi; }
status() {
	_d=$1 _w=$2
	shift 2
	t_run "$@"
	is "$_d (exit $_w)" "$T_RC" "$_w"
}
err_has() { if grep -q -- "$2" "$T_ERR"; then t_ok "$1"; else t_not_ok "$1"; t_diag "$T_ERR"; fi; }
out_has() { if grep -q -- "$2" "$T_OUT"; then t_ok "$1"; else t_not_ok "$1"; t_diag "$T_OUT"; fi; }

for tool in "$M" "$FIXTUREGEN" "$G"; do
	if [ ! -x "$tool" ]; then
		t_skip "$tool not built"
		t_done
		exit 0
	fi
done
if ! command -v openssl >/dev/null 2>&1; then
	t_skip "the openssl CLI is not installed"
	t_done
	exit 0
fi
FX=$T/fx
K=$T/keys
mkdir -p "$FX" "$K"
if ! "$FIXTUREGEN" --fixtures "$FX" >/dev/null 2>&1; then
	t_not_ok "generate IGVM fixtures"
	t_done
	exit 1
fi
mkdir -p "$K/chain"
if snp_chain "$K/chain" && cp "$K/chain/vcek.key" "$K/vcek.key" && cp "$K/chain/vcek.pem" "$K/vcek.pem" &&
	openssl x509 -in "$K/vcek.pem" -outform DER -out "$K/vcek.der" 2>/dev/null &&
	snp_key "$K/chain" other p384 && snp_cert "$K/chain" other SEV-VCEK ask 0 vcek &&
	snp_key "$K/chain" p256 p256 && snp_cert "$K/chain" p256 SEV-VCEK ask 0 vcek &&
	openssl ecparam -name secp384r1 -genkey -noout -out "$K/id.pem" 2>/dev/null &&
	openssl ec -in "$K/id.pem" -pubout -out "$K/id.pub" 2>/dev/null &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$K/author.pem" 2>/dev/null; then
	t_ok "openssl CLI makes a test chain (ARK, ASK, VCEK; another VCEK; a P-256 one) and ID keys"
else
	t_not_ok "openssl CLI makes the keys and certificates"
	t_done
	exit 1
fi
# The test chain's ASK and root: without them the VCEK does not lead to AMD's root (t0520).
CHAIN="--ask $K/chain/ask.pem --trusted-roots $K/chain/ark.pem"

R=$T/r2.bin
"$G" --make "$R" version=2 key="$K/vcek.key" measurement="$SERIALIZER" report_data="$(printf '%0128d' 7)"
is "a version 2 report of 1184 bytes" "$(wc -c <"$R" | tr -d ' ')" 1184

# ---- decoding ----------------------------------------------------------------------------------------------
status "report decodes it" 0 "$M" report "$R"
out_has "... version" "^Version: *2$"
out_has "... policy with its flags" "^Policy: *0x30000 (ABI 0.0; smt,reserved-mbo)$"
out_has "... measurement" "^Measurement: *$SERIALIZER$"
out_has "... signing key" "signing key VCEK"
if grep -q '^CPUID:' "$T_OUT"; then t_not_ok "... no CPUID line for version 2"; else t_ok "... no CPUID line for version 2"; fi
is "... and nothing on stderr" "$(cat "$T_ERR")" ""
"$G" --make "$T/r3.bin" version=3 key="$K/vcek.key" cpuid=19:01
status "a version 3 report" 0 "$M" report "$T/r3.bin"
out_has "... shows CPUID family, model, stepping" "^CPUID: *family 0x19, model 0x01, stepping 0x01$"
"$G" --make "$T/r5.bin" version=5 key="$K/vcek.key" cpuid=19:01
status "a version 5 report" 0 "$M" report "$T/r5.bin" --vcek "$K/vcek.pem" $CHAIN
out_has "... shows the mitigation vectors" "^Launch mitigation vector: *0x1111222233334444$"
"$G" --make "$T/r7.bin" version=7 key="$K/vcek.key" cpuid=19:01
status "a version 7 report (newer than known) still decodes and verifies" 0 "$M" report "$T/r7.bin" --vcek "$K/vcek.pem" $CHAIN
err_has "... with a warning saying so" "warning: .*version 7 is newer than the newest layout known here (5)"
"$G" --make "$T/r1.bin" version=1
status "a version 1 report" 1 "$M" report "$T/r1.bin"
err_has "... names report.version at offset 0" "r1.bin: offset 0x0: report.version: version 1 is not supported"

# ---- checks ------------------------------------------------------------------------------------------------
status "--vcek with the signing certificate (PEM)" 0 "$M" report "$R" --vcek "$K/vcek.pem" $CHAIN
out_has "... the check is listed" "^  signature  *OK"
status "--vcek with the certificate in DER" 0 "$M" report "$R" --vcek "$K/vcek.der" $CHAIN
status "--vcek with another VCEK of the same chain" 8 "$M" report "$R" --vcek "$K/chain/other.pem" $CHAIN
err_has "... names the signature" "r2.bin: signature failed: the signature over bytes 0x000-0x29f does not verify"
cp "$R" "$T/tampered.bin"
printf '\001' | dd of="$T/tampered.bin" bs=1 seek=$((0x90)) conv=notrunc 2>/dev/null
status "one changed measurement byte breaks the signature" 8 "$M" report "$T/tampered.bin" --vcek "$K/vcek.pem" $CHAIN
cp "$R" "$T/tampered.bin"
printf '\001' | dd of="$T/tampered.bin" bs=1 seek=$((0x2C0)) conv=notrunc 2>/dev/null
status "one changed byte of R too" 8 "$M" report "$T/tampered.bin" --vcek "$K/vcek.pem" $CHAIN
"$G" --make "$T/unsigned.bin" signing_key=7
status "an unsigned report (SIGNING_KEY none)" 8 "$M" report "$T/unsigned.bin" --vcek "$K/vcek.pem" $CHAIN
err_has "... said so" "not signed"
status "a P-256 VCEK" 8 "$M" report "$R" --vcek "$K/chain/p256.pem" $CHAIN
err_has "... named by curve" "r2.bin: vcek failed: .*p256.pem.*curve prime256v1 (P-256) is not supported"
status "a key file as certificate" 1 "$M" report "$R" --vcek "$K/vcek.key"
status "a missing certificate" 3 "$M" report "$R" --vcek "$K/none.pem"

status "--expect-measurement matching" 0 "$M" report "$R" --expect-measurement "$SERIALIZER"
status "--expect-measurement not matching" 5 "$M" report "$R" --expect-measurement "$(printf '%096d' 0)"
err_has "... names the field and both values" "measurement mismatch: report has $SERIALIZER, expected 0000"
status "--igvm: the serializer file's measurement and policy" 0 "$M" report "$R" --igvm "$FX/serializer.igvm"
out_has "... measurement checked" "^  measurement  *OK"
out_has "... policy checked" "^  policy  *OK"
status "--igvm with another file" 5 "$M" report "$R" --igvm "$FX/dataless.igvm"
err_has "... measurement mismatch" "measurement mismatch"
status "--expect-policy" 0 "$M" report "$R" --expect-policy 0x30000
status "--expect-policy not matching, and a wrong measurement: both named" 5 "$M" report "$R" --expect-policy 0x30001 \
	--expect-measurement "$(printf '%096d' 0)" --vcek "$K/vcek.pem" $CHAIN
is "... two lines on stderr, one per failed check" "$(t_lines "$T_ERR")" 2
err_has "... policy" "policy mismatch: report has 0x30000, expected 0x30001"
status "--expect-report-data" 0 "$M" report "$R" --expect-report-data "$(printf '%0128d' 7)"
status "--expect-host-data not matching" 5 "$M" report "$R" --expect-host-data "$(printf '%064d' 1)"

# ID key digests: the report carries SHA-384 of the key's ABI encoding.
"$G" --make "$T/rid.bin" idkey="$K/id.pem" authorkey="$K/author.pem"
status "--expect-id-key with the private key" 0 "$M" report "$T/rid.bin" --expect-id-key "$K/id.pem"
status "--expect-id-key with the public key" 0 "$M" report "$T/rid.bin" --expect-id-key "$K/id.pub"
status "--expect-author-key" 0 "$M" report "$T/rid.bin" --expect-author-key "$K/author.pem"
status "--expect-id-key with another key" 5 "$M" report "$T/rid.bin" --expect-id-key "$K/author.pem"
err_has "... id_key_digest mismatch" "id_key_digest mismatch"

# A signed IGVM file and the report its launch would give.
SIGNED=$T/signed.igvm
"$M" "$FX/serializer.igvm" sign --output "$SIGNED" --id-key "$K/id.pem" --author-key "$K/author.pem" \
	--family-id 00112233445566778899aabbccddeeff --image-id ffeeddccbbaa99887766554433221100 --svn 9 >/dev/null
"$G" --make "$T/rs.bin" key="$K/vcek.key" measurement="$SERIALIZER" idkey="$K/id.pem" authorkey="$K/author.pem" \
	family=00112233445566778899aabbccddeeff image=ffeeddccbbaa99887766554433221100 svn=9
status "--igvm on a signed file: measurement, policy and the ID block's fields" 0 "$M" report "$T/rs.bin" \
	--igvm "$SIGNED" --vcek "$K/vcek.pem" $CHAIN
for c in family_id image_id guest_svn id_key_digest author_key_en author_key_digest; do
	out_has "... $c checked" "^  $c  *OK"
done
"$G" --make "$T/rs2.bin" measurement="$SERIALIZER" idkey="$K/id.pem" authorkey="$K/author.pem" \
	family=00112233445566778899aabbccddeeff image=ffeeddccbbaa99887766554433221100 svn=8
status "... another guest SVN" 5 "$M" report "$T/rs2.bin" --igvm "$SIGNED"
err_has "... guest_svn mismatch" "guest_svn mismatch: report has 0x8, expected 0x9"
"$G" --make "$T/rs3.bin" measurement="$SERIALIZER" idkey="$K/id.pem" \
	family=00112233445566778899aabbccddeeff image=ffeeddccbbaa99887766554433221100 svn=9
status "... no author key in the report" 5 "$M" report "$T/rs3.bin" --igvm "$SIGNED"
err_has "... author_key_en mismatch" "author_key_en mismatch"

if t_have_python; then
	"$M" report "$T/rs.bin" --json --igvm "$SIGNED" --vcek "$K/vcek.pem" $CHAIN >"$T/r.json"
	py=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["report"]; print(d["ok"], r["version"], r["measurement"], r["policy"], r["guest_svn"], r["signing_key"], len(d["checks"]), all(c["ok"] for c in d["checks"]))' "$T/r.json" 2>&1)
	is "--json: report fields and checks (8 of the IGVM file, 9 of the chain, the CRL skipped)" "$py" "True 2 $SERIALIZER 0x30000 9 VCEK 18 True"
	"$M" --json report "$T/rs2.bin" --igvm "$SIGNED" >"$T/r2.json" 2>/dev/null
	py=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ok"], [c["check"] for c in d["checks"] if not c["ok"]])' "$T/r2.json" 2>&1)
	is "--json (global): ok false, the failed check named" "$py" "False ['guest_svn']"
else
	t_skip "python3 not installed: --json not parsed"
	t_skip "python3 not installed: --json not parsed"
fi

# ---- hostile and malformed input ----------------------------------------------------------------------------------
head -c 1000 "$R" >"$T/short.bin"
status "a truncated report" 1 "$M" report "$T/short.bin"
err_has "... names report.size" "short.bin: offset 0x3e8: report.size: truncated: 1000 bytes"
is "... in one line" "$(t_lines "$T_ERR")" 1
is "... and prints nothing" "$(cat "$T_OUT")" ""
{ cat "$R"; printf x; } >"$T/long.bin"
status "a report with one byte too many" 1 "$M" report "$T/long.bin"
err_has "... oversized" "report.size: oversized: 1185 bytes"
head -c 200000 /dev/zero >"$T/huge.bin"
status "a 200 KB file" 1 "$M" report "$T/huge.bin"
err_has "... refused before reading it whole" "report.size: oversized: more than"
: >"$T/empty.bin"
status "an empty file" 1 "$M" report "$T/empty.bin"
status "a missing file" 3 "$M" report "$T/none.bin"
status "a directory" 3 "$M" report "$T"
status "no report" 2 "$M" report
status "two reports" 2 "$M" report "$R" "$R"
status "--expect-measurement and --igvm together" 2 "$M" report "$R" --expect-measurement "$SERIALIZER" --igvm "$FX/serializer.igvm"
status "--expect-measurement of 47 bytes" 2 "$M" report "$R" --expect-measurement "$(printf '%094d' 0)"
status "--expect-policy not a number" 2 "$M" report "$R" --expect-policy bits

t_done
