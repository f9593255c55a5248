#!/bin/sh
# SPDX-License-Identifier: MIT
# t0520-igvmmeasure-verify.sh — `igvmmeasure report`'s whole offline
# verification from the command line: AMD's chain (built-in roots), the
# inputs (--certs DIR as snpguest writes it, --cert-table, --vcek, PEM and
# DER), the VCEK/VLEK bound to the report, CRLs, the exit codes that tell the
# failure classes apart (1 bad input, 8 not authentic, 9 revoked, 5 policy),
# one stderr line per failed check, --json.
#
# Real material (tests/data/snp/README): two Milan reports with their VCEKs
# (virtee/sev, go-sev-guest), a Turin VCEK, AMD KDS's CRLs. The built-in ARK
# and ASK are written out by test_measure_snp_verify --dump-roots to be given
# back explicitly. Hostile material is generated here (tests/cli/snp_chain.sh):
# our own RSA-PSS chain with AMD's names and extensions, then one thing wrong
# at a time.
# Environment: B, IGVMMEASURE, REPORTGEN, VERIFYGEN.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/cli/snp_chain.sh"
case $B in /*) ;; *) B=$SRC/$B ;; esac
M=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
G=${REPORTGEN:-$B/san/tests/test_measure_report}
V=${VERIFYGEN:-$B/san/tests/test_measure_snp_verify}
T=$T_TMP
DATA=$SRC/tests/data/snp

is() { if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1"; echo "#   got:  '$2'"; echo "#   want: '$3'"; fi; }
status() {
	_d=$1 _w=$2
	shift 2
	t_run "$@"
	is "$_d (exit $_w)" "$T_RC" "$_w"
	[ "$T_RC" = "$_w" ] || t_diag "$T_ERR"
}
err_has() { if grep -q -- "$2" "$T_ERR"; then t_ok "$1"; else t_not_ok "$1"; t_diag "$T_ERR"; fi; }
out_has() { if grep -q -- "$2" "$T_OUT"; then t_ok "$1"; else t_not_ok "$1"; t_diag "$T_OUT"; fi; }

for tool in "$M" "$G" "$V"; do
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

# ---- real material ------------------------------------------------------------------------------------------
R=$T/real
mkdir -p "$R/roots"
"$V" --dump-roots "$R/roots"
"$G" --unhex "$DATA/milan-virtee.report.hex" "$R/virtee.bin"
"$G" --unhex "$DATA/milan-gsg.report.hex" "$R/gsg.bin"
openssl x509 -in "$DATA/milan-virtee.vcek.pem" -outform DER -out "$R/virtee.vcek.der"
openssl x509 -in "$R/roots/ask-milan.pem" -outform DER -out "$R/ask.der"
openssl x509 -in "$R/roots/ark-milan.pem" -outform DER -out "$R/ark.der"
openssl crl -in "$DATA/crl-milan.pem" -outform DER -out "$R/crl-milan.der"
is "the real reports are 1184 bytes" "$(wc -c <"$R/virtee.bin" | tr -d ' ') $(wc -c <"$R/gsg.bin" | tr -d ' ')" "1184 1184"

status "virtee/sev's Milan report with its VCEK (PEM)" 0 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem"
for c in product ark ask vcek chain signature vcek.tcb vcek.hwid vcek.product; do
	out_has "... $c OK" "^  $c  *OK"
done
out_has "... the verdict" "^Verdict: authentic; revocation not checked; no policy checks"
is "... nothing on stderr" "$(cat "$T_ERR")" ""
status "go-sev-guest's Milan report with its VCEK" 0 "$M" report "$R/gsg.bin" --vcek "$DATA/milan-gsg.vcek.pem"

# --certs DIR, as `snpguest fetch` writes it
mkdir -p "$T/d1" "$T/d2" "$T/d3" "$T/d4"
cp "$DATA/milan-virtee.vcek.pem" "$T/d1/vcek.pem"
cp "$R/roots/ask-milan.pem" "$T/d1/ask.pem"
cp "$R/roots/ark-milan.pem" "$T/d1/ark.pem"
status "--certs DIR with vcek.pem, ask.pem, ark.pem (AMD's own)" 0 "$M" report "$R/virtee.bin" --certs "$T/d1"
out_has "... the ARK given is the built-in one" "^  ark  *OK.*the ARK given is that certificate"
cp "$R/virtee.vcek.der" "$T/d2/vcek.der"
cp "$R/ask.der" "$T/d2/ask.der"
cp "$R/ark.der" "$T/d2/ark.der"
status "--certs DIR in DER" 0 "$M" report "$R/virtee.bin" --certs "$T/d2"
cp "$T/d1/vcek.pem" "$T/d3/vcek.pem"
cp "$R/roots/ark-genoa.pem" "$T/d3/ark.pem"
status "--certs DIR whose ark.pem is Genoa's ARK" 8 "$M" report "$R/virtee.bin" --certs "$T/d3"
err_has "... ark failed: not the trusted root" "virtee.bin: ark failed: the ARK given (.*ark.pem, CN=ARK-Genoa) is not AMD's trusted CN=ARK-Milan"
cp "$T/d1/vcek.pem" "$T/d4/vcek.pem"
cp "$R/roots/ask-genoa.pem" "$T/d4/ask.pem"
status "--certs DIR whose ask.pem is Genoa's ASK" 8 "$M" report "$R/virtee.bin" --certs "$T/d4"
err_has "... ask failed: not issued by ARK-Milan" "ask failed: CN=SEV-Genoa.*is not issued by CN=ARK-Milan"
cp "$R/virtee.vcek.der" "$T/d1/vcek.der"
status "--certs DIR with both vcek.pem and vcek.der" 2 "$M" report "$R/virtee.bin" --certs "$T/d1"
rm "$T/d1/vcek.der"
status "--certs on an empty directory" 2 "$M" report "$R/virtee.bin" --certs "$T/d1/../d2/.."
status "--certs on a missing directory" 3 "$M" report "$R/virtee.bin" --certs "$T/none"

# --cert-table: the SNP_GET_EXT_REPORT certificate table
"$V" --cert-table "$T/table.bin" vcek="$R/virtee.vcek.der" ask="$R/ask.der" ark="$R/ark.der"
status "--cert-table with the VCEK, ASK and ARK" 0 "$M" report "$R/virtee.bin" --cert-table "$T/table.bin"
out_has "... the VCEK came from the table" "^  vcek  *OK.*table.bin (vcek entry)"
"$V" --cert-table "$T/noterm.bin" vcek="$R/virtee.vcek.der" noterm
status "a table without its terminating entry" 1 "$M" report "$R/virtee.bin" --cert-table "$T/noterm.bin"
err_has "... cert-table.truncated with the offset" "noterm.bin: offset 0x18: cert-table.truncated: "
"$V" --cert-table "$T/range.bin" vcek="$R/virtee.vcek.der" range
status "a table entry running past the end" 1 "$M" report "$R/virtee.bin" --cert-table "$T/range.bin"
err_has "... cert-table.range" "range.bin: offset 0x10: cert-table.range: "
head -c 1000 "$R/virtee.vcek.der" >"$T/short.der"
"$V" --cert-table "$T/tshort.bin" vcek="$T/short.der"
status "a table whose VCEK is truncated DER" 1 "$M" report "$R/virtee.bin" --cert-table "$T/tshort.bin"
err_has "... cert.der-truncated at its offset in the table" "tshort.bin: offset 0x418: cert.der-truncated: the vcek entry"

# The VCEK bound to the report
status "another part's (genuine) VCEK" 8 "$M" report "$R/gsg.bin" --vcek "$DATA/milan-virtee.vcek.pem"
err_has "... signature failed" "gsg.bin: signature failed: "
err_has "... vcek.tcb failed" "gsg.bin: vcek.tcb failed: REPORTED_TCB 0x4405000000000002, the certificate is for 0x7308000000000003"
err_has "... vcek.hwid failed" "gsg.bin: vcek.hwid failed: CHIP_ID 3AC3FE21"
cp "$R/virtee.bin" "$T/tampered.bin"
printf '\001' | dd of="$T/tampered.bin" bs=1 seek=$((0x90)) conv=notrunc 2>/dev/null
status "one changed measurement byte" 8 "$M" report "$T/tampered.bin" --vcek "$DATA/milan-virtee.vcek.pem"
is "... one stderr line: the signature" "$(t_lines "$T_ERR")" 1
status "a Turin VCEK on a Milan report (--product Turin)" 8 "$M" report "$R/virtee.bin" --vcek "$DATA/turin-virtee.vcek.pem" --product Turin
out_has "... the Turin VCEK itself verifies under Turin's built-in ASK" "^  vcek  *OK"
out_has "... its FMC SPL is read" "^  vcek.tcb  *FAIL.*FMC 0, boot loader 0, TEE 0, SNP 0, microcode 9"
status "--product Genoa on a Milan VCEK" 8 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem" --product Genoa
err_has "... vcek failed: not issued by Genoa's ASK" "vcek failed: .*is not issued by CN=SEV-Genoa"

# CRLs, as KDS serves them (DER)
status "AMD's Milan CRL (DER) on 2026-09-01" 0 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem" --crl "$R/crl-milan.der" --at 2026-09-01
out_has "... crl OK" "^  crl  *OK"
out_has "... revocation OK" "^  revocation  *OK.*the ASK (serial 010001) is not listed"
status "the same CRL today (it expired on 2026-10-04)" 9 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem" --crl "$R/crl-milan.der"
err_has "... crl failed: expired" "crl failed: .*crl-milan.der: the CRL expired before"
status "Genoa's CRL on a Milan chain" 9 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem" --crl "$DATA/crl-genoa.pem" --at 2026-09-01
err_has "... issued by another ARK" "the CRL is issued by CN=ARK-Genoa, not by CN=ARK-Milan"
head -c 500 "$R/crl-milan.der" >"$T/crl-short.der"
status "a truncated CRL" 1 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem" --crl "$T/crl-short.der"
err_has "... crl.der-truncated" "crl-short.der: offset 0x1f4: crl.der-truncated: "
status "--at not a time" 2 "$M" report "$R/virtee.bin" --at tomorrow

# Policy on a real report, and the order of exit codes
status "policy met (measurement, TCB, firmware, no debug)" 0 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem" \
	--expect-measurement 7A1E5C266C0108DBC9BB94FA926951320940915D0AAFB42464BD88B579EA158D3E1A0DC39B2C60BD95B9C480CD81841F \
	--min-tcb bl=3,tee=0,snp=8,ucode=115 --min-version 1.52 --min-build 4 --require-no-debug --expect-vmpl 0
out_has "... verdict" "^Verdict: authentic; revocation not checked; policy met"
status "--min-tcb snp=9 on an authentic report" 5 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem" --min-tcb snp=9
err_has "... tcb mismatch, component named" "virtee.bin: tcb mismatch: REPORTED_TCB 0x7308000000000003: SNP 8 < 9"
status "policy fails and the CRL is stale: revocation wins" 9 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-virtee.vcek.pem" --crl "$R/crl-milan.der" --min-build 9
status "policy fails, CRL stale, wrong VCEK: authenticity wins" 8 "$M" report "$R/virtee.bin" --vcek "$DATA/milan-gsg.vcek.pem" --crl "$R/crl-milan.der" --min-build 9
status "a policy check without any certificate" 0 "$M" report "$R/virtee.bin" --require-no-debug
err_has "... warns that nothing was authenticated" "warning: .*virtee.bin: not authenticated"
out_has "... and says so in the verdict" "^Verdict: NOT AUTHENTICATED"

if t_have_python; then
	"$M" report "$R/virtee.bin" --json --vcek "$DATA/milan-virtee.vcek.pem" --crl "$R/crl-milan.der" --at 2026-09-01 --min-tcb snp=9 >"$T/v.json" 2>/dev/null
	py=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c={x["check"]:(x["class"],x["status"]) for x in d["checks"]}; print(d["authenticated"], d["product"], d["crl_checked"], d["exit_code"], d["ok"], c["signature"], c["revocation"], c["tcb"])' "$T/v.json" 2>&1)
	is "--json: authenticated, product, each check with class and status, exit code" "$py" \
		"True Milan True 5 False ('authenticity', 'pass') ('revocation', 'pass') ('policy', 'fail')"
else
	t_skip "python3 not installed: --json not parsed"
fi

# ---- a generated chain: our own keys, AMD's names and extensions ------------------------------------------------------
C=$T/chain
mkdir -p "$C"
if snp_chain "$C"; then
	t_ok "openssl CLI makes an RSA-PSS ARK, ASK, ASVK and P-384 VCEK, VLEK with KDS extensions"
else
	t_not_ok "openssl CLI makes the test chain"
	t_done
	exit 1
fi
"$G" --make "$T/g.bin" key="$C/vcek.key"
mkdir -p "$T/g"
cp "$C/vcek.pem" "$C/ask.pem" "$T/g/"
TR="--trusted-roots $C/ark.pem"
status "the generated chain with --trusted-roots" 0 "$M" report "$T/g.bin" --certs "$T/g" $TR
out_has "... roots named" "^  ark  *OK.*from --trusted-roots"
status "... without --trusted-roots: AMD's ARK did not sign this ASK" 8 "$M" report "$T/g.bin" --certs "$T/g"
err_has "... ask failed" "g.bin: ask failed: CN=SEV-Milan.*is not issued by CN=ARK-Milan"
status "... giving its ARK does not make it AMD's" 8 "$M" report "$T/g.bin" --certs "$T/g" --ark "$C/ark.pem"
err_has "... ark failed" "ark failed: the ARK given (.*ark.pem, CN=ARK-Milan) is not AMD's trusted CN=ARK-Milan"
status "--at before the certificates" 8 "$M" report "$T/g.bin" --certs "$T/g" $TR --at 2000-01-01
err_has "... not valid yet" "is not valid yet at 2000-01-01T00:00:00Z"
status "--at after them (2040)" 8 "$M" report "$T/g.bin" --certs "$T/g" $TR --at 2040-01-01
err_has "... expired" "expired before 2040-01-01T00:00:00Z"
# The ASK's signature profile
for v in "pkcs1|-sha384|signature algorithm sha384WithRSAEncryption" \
	"sha256|-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256 -sha256|a hash other than SHA-384" \
	"salt32|-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha384 -sha384|a 32-byte salt"; do
	name=${v%%|*}
	rest=${v#*|}
	opts=${rest%%|*}
	want=${rest#*|}
	mkdir -p "$T/$name"
	cp "$C/ask.key" "$C/$name.key"
	# shellcheck disable=SC2086
	snp_cert "$C" "$name" SEV-Milan ark 0x010001 ask 3650 $opts
	cp "$C/$name.pem" "$T/$name/ask.pem"
	cp "$C/vcek.pem" "$T/$name/vcek.pem"
	status "an ASK signed with $name" 8 "$M" report "$T/g.bin" --certs "$T/$name" $TR
	err_has "... ask failed: $want" "ask failed: .*$want"
done
snp_key "$C" noca rsa && snp_cert "$C" noca SEV-Milan ark 0x010001 ask_noca && snp_key "$C" v2 p384 &&
	snp_cert "$C" v2 SEV-VCEK noca 0 vcek
status "an ASK that is not a CA" 8 "$M" report "$T/g.bin" --vcek "$C/v2.pem" --ask "$C/noca.pem" $TR
err_has "... the VCEK's link fails" "failed: .*CN=SEV-VCEK"
cp "$C/vcek.key" "$C/direct.key"
snp_cert "$C" direct SEV-VCEK ark 0 vcek
status "a VCEK signed by the ARK itself (wrong issuer)" 8 "$M" report "$T/g.bin" --vcek "$C/direct.pem" --ask "$C/ask.pem" $TR --product Milan
err_has "... not issued by the ASK" "vcek failed: .*CN=SEV-VCEK (issuer CN=ARK-Milan) is not issued by CN=SEV-Milan"
# The VCEK's extensions against the report
snp_vcek_ext "$C" tcb8 Milan-B0 2 0 8 98 "$SNP_CHIP"
snp_vcek_ext "$C" hwid Milan-B0 2 0 7 98 "$(printf 'C2%.0s' $(seq 64))"
snp_vcek_ext "$C" nohwid Milan-B0 2 0 7 98 ""
snp_vcek_ext "$C" genoa Genoa-B0 2 0 7 98 "$SNP_CHIP"
snp_vcek_ext "$C" shorthw Milan-B0 2 0 7 98 "C1C1"
for x in "tcb8:vcek.tcb failed: REPORTED_TCB 0x6207000000000002, the certificate is for 0x6208000000000002" \
	"hwid:vcek.hwid failed: CHIP_ID C1C1" "nohwid:vcek.hwid failed: the VCEK has no hwID" \
	"genoa:vcek.product failed: the certificate is for \"Genoa-B0\"" "shorthw:vcek.tcb failed: .*(hwID) holds 2 bytes"; do
	sec=${x%%:*}
	cp "$C/vcek.key" "$C/$sec.key"
	snp_cert "$C" "$sec" SEV-VCEK ask 0 "$sec"
	status "a VCEK with $sec" 8 "$M" report "$T/g.bin" --vcek "$C/$sec.pem" --ask "$C/ask.pem" $TR
	err_has "... ${x#*:}" "${x#*:}"
done
"$G" --make "$T/masked.bin" key="$C/vcek.key" chip="$(printf '%0128d' 0)"
status "CHIP_ID all zero (MASK_CHIP_ID)" 0 "$M" report "$T/masked.bin" --vcek "$C/vcek.pem" --ask "$C/ask.pem" $TR
out_has "... vcek.hwid skipped, saying why" "^  vcek.hwid  *SKIP.*MASK_CHIP_ID"
snp_key "$C" p256 p256 && snp_cert "$C" p256 SEV-VCEK ask 0 vcek
status "a VCEK with a P-256 key" 8 "$M" report "$T/g.bin" --vcek "$C/p256.pem" --ask "$C/ask.pem" $TR
err_has "... named by curve" "vcek failed: .*P-256"
# VLEK
"$G" --make "$T/vl.bin" key="$C/vlek.key" signing_key=1
mkdir -p "$T/vl"
cp "$C/vlek.pem" "$C/asvk.pem" "$T/vl/"
status "a VLEK-signed report, --certs with vlek.pem and asvk.pem" 0 "$M" report "$T/vl.bin" --certs "$T/vl" $TR
for c in asvk vlek vlek.tcb vlek.product; do
	out_has "... $c OK" "^  $c  *OK"
done
status "... --signing-key vcek refuses it" 5 "$M" report "$T/vl.bin" --certs "$T/vl" $TR --signing-key vcek
status "the VLEK report with only the VCEK" 8 "$M" report "$T/vl.bin" --certs "$T/g" $TR
err_has "... vlek failed" "vlek failed: the report is signed with the VLEK (SIGNING_KEY 1), but only a VCEK was given"
"$V" --cert-table "$T/vtable.bin" vlek="$(openssl x509 -in "$C/vlek.pem" -outform DER -out "$T/vlek.der" && echo "$T/vlek.der")" \
	ask="$(openssl x509 -in "$C/asvk.pem" -outform DER -out "$T/asvk.der" && echo "$T/asvk.der")"
status "a certificate table carrying the VLEK and, in the ASK slot, the ASVK" 0 "$M" report "$T/vl.bin" --cert-table "$T/vtable.bin" $TR
# Revocation with our own ARK
snp_crl "$C" crl-none && snp_crl "$C" crl-ask "$C/ask.pem"
status "a CRL of the ARK listing nothing" 0 "$M" report "$T/g.bin" --certs "$T/g" $TR --crl "$C/crl-none.pem"
status "a CRL of the ARK listing the ASK" 9 "$M" report "$T/g.bin" --certs "$T/g" $TR --crl "$C/crl-ask.pem"
err_has "... revocation failed, serial and date named" "revocation failed: CN=SEV-Milan (serial 010001) is revoked since"
mkdir -p "$T/other"
snp_chain_init "$T/other" && snp_key "$T/other" ark rsa && snp_cert "$T/other" ark ARK-Milan self 0x010000 ark &&
	snp_crl "$T/other" crl "$C/ask.pem"
status "a CRL with the ARK's name but another key" 9 "$M" report "$T/g.bin" --certs "$T/g" $TR --crl "$T/other/crl.pem"
err_has "... its signature does not verify" "crl failed: .*the CRL's signature does not verify with CN=ARK-Milan's key"
# Hostile files
openssl x509 -in "$C/vcek.pem" -outform DER -out "$T/v.der"
head -c 300 "$T/v.der" >"$T/v300.der"
status "a VCEK cut to 300 bytes" 1 "$M" report "$T/g.bin" --vcek "$T/v300.der"
err_has "... cert.der-truncated at 0x12c" "v300.der: offset 0x12c: cert.der-truncated: "
is "... in one line" "$(t_lines "$T_ERR")" 1
{ cat "$T/v.der"; printf 'x'; } >"$T/vplus.der"
status "a VCEK with a trailing byte" 1 "$M" report "$T/g.bin" --vcek "$T/vplus.der"
err_has "... cert.der-trailing" "vplus.der: offset 0x.*: cert.der-trailing: "
cat "$C/vcek.pem" "$C/ask.pem" >"$T/two.pem"
status "two certificates in the VCEK file" 1 "$M" report "$T/g.bin" --vcek "$T/two.pem"
err_has "... cert.pem-count" "two.pem: offset 0x0: cert.pem-count: "
status "a key where the VCEK belongs" 1 "$M" report "$T/g.bin" --vcek "$C/vcek.key"
err_has "... cert.pem" "vcek.key: offset 0x0: cert.pem: "
printf 'not a certificate\n' >"$T/roots.pem"
status "--trusted-roots without a certificate" 1 "$M" report "$T/g.bin" --trusted-roots "$T/roots.pem"

t_done
