#!/bin/sh
# SPDX-License-Identifier: MIT
# t0660-vtpm.sh — the vTPM on the host, driven by real TPM software:
#
#  1. golden EK: with the fixed test seed (test builds only, svsm/vtpm/test_seed.h)
#     the EK our glue manufactures through Debian's libtpms.a/libcrypto.a
#     (vtpm-mssim --seed --ek-public) equals the one Debian's libtpms0 shared
#     library derives from the same entropy (vtpm-golden, pkg-config libtpms),
#     for templates L-1 (RSA-2048) and L-2 (ECC P-256);
#  2. tpm2-tools against vtpm-mssim (the MSSIM TCP protocol on 127.0.0.1, every
#     TPM command through the SVSM vTPM protocol entry): tpm2_startup,
#     tpm2_getrandom, tpm2_createek, tpm2_pcrextend + tpm2_pcrread (value checked),
#     tpm2_createak under the EK, tpm2_quote + tpm2_checkquote, tpm2_nvread of an
#     index the manifest provisioned, the manifest's manufacturer in
#     tpm2_getcap properties-fixed, the EK tpm2_createek gets equal to the one the
#     service published (what the attestation manifest carries).
#
# Environment: B (build dir). Skips what needs absent software, with the reason.
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
MSSIM=$B/san/tools/vtpm-mssim
GOLDEN=$B/san/tools/vtpm-golden
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export ASAN_OPTIONS

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
expect() { if [ "$2" -eq 0 ]; then ok "$1"; else notok "$1"; fi; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0660.XXXXXX")
SRV_PID=
stop_server() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=
	fi
}
trap 'stop_server; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

for f in "$MSSIM" "$GOLDEN"; do
	if [ ! -x "$f" ]; then
		notok "missing $f (make check-build)"
		echo "1..$n"
		exit 1
	fi
done

# start_server NAME ARGS...: vtpm-mssim in the background; sets PORT, or returns 1.
start_server() {
	name=$1
	shift
	"$MSSIM" "$@" >"$T/$name.port" 2>"$T/$name.log" &
	SRV_PID=$!
	i=0
	while [ $i -lt 200 ]; do
		PORT=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$T/$name.port")
		[ -n "$PORT" ] && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	sed 's/^/#   /' "$T/$name.log"
	stop_server
	return 1
}

manifest() { # manifest FILE ALG TEMPLATE [NV-XML]
	cat >"$1" <<EOF
<vtpm-manifest version="1">
  <pcr-banks><bank>sha256</bank><bank>sha384</bank></pcr-banks>
  <endorsement-key algorithm="$2" template="$3"/>
  <manufacturer id="TST1" vendor="t0660 vTPM" firmware-version="0x0000000200000003"/>
  <persistence mode="ephemeral"/>
${4:-}
</vtpm-manifest>
EOF
}

# ---- 1. golden EK ----------------------------------------------------------------------------
if "$GOLDEN" >"$T/golden" 2>"$T/golden.err"; then
	ok "Debian's libtpms0 derives the EKs from the test seed ($(tr '\n' ' ' <"$T/golden"))"
	for t in L-1:rsa-2048 L-2:ecc-nist-p256; do
		tmpl=${t%%:*} alg=${t#*:}
		want=$(sed -n "s/^$alg //p" "$T/golden")
		manifest "$T/$tmpl.xml" "$alg" "$tmpl"
		if start_server "seed-$tmpl" --manifest "$T/$tmpl.xml" --seed --ek-public "$T/$tmpl.ek"; then
			stop_server
			have=$(sha256sum "$T/$tmpl.ek" | cut -d' ' -f1)
			[ -n "$want" ] && [ "$have" = "$want" ]
			expect "golden $tmpl: our EK public (sha256 $have) is libtpms0's ($want)" $?
		else
			notok "golden $tmpl: vtpm-mssim --seed did not start"
		fi
	done
else
	notok "vtpm-golden failed"
	sed 's/^/#   /' "$T/golden.err"
fi

# ---- 2. tpm2-tools ---------------------------------------------------------------------------
missing=
for tool in tpm2_startup tpm2_getrandom tpm2_createek tpm2_pcrextend tpm2_pcrread tpm2_createak \
	    tpm2_quote tpm2_checkquote tpm2_nvread tpm2_flushcontext tpm2_readpublic tpm2_getcap; do
	command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	skip "tpm2-tools not installed (missing:$missing; apt-get install tpm2-tools)"
	echo "1..$n"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 not installed (it computes the expected PCR value)"
	echo "1..$n"
	exit 0
fi

NVDATA=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
manifest "$T/tools.xml" rsa-2048 L-1 "  <nv-indices>
    <nv-index handle=\"0x01500016\" size=\"32\"><attributes>ownerwrite ownerread authread no-da</attributes>
      <contents-hex>$NVDATA</contents-hex></nv-index>
  </nv-indices>"
if ! start_server tools --manifest "$T/tools.xml" --ek-public "$T/tools.ek"; then
	notok "vtpm-mssim did not start"
	echo "1..$n"
	exit 1
fi
ok "vtpm-mssim listens on 127.0.0.1:$PORT (manufactured from the manifest, hardware entropy)"
TPM2TOOLS_TCTI=mssim:host=127.0.0.1,port=$PORT
export TPM2TOOLS_TCTI

# tool DESC CMD...: runs a tpm2-tools command in $T, output in $T/out
tool() {
	desc=$1
	shift
	if (cd "$T" && "$@") >"$T/out" 2>&1; then
		ok "$desc"
		return 0
	fi
	notok "$desc"
	sed 's/^/#   /' "$T/out"
	return 1
}

tool "tpm2_startup -c" tpm2_startup -c
tool "tpm2_getrandom 32" tpm2_getrandom -o rnd 32 &&
	{ [ "$(wc -c <"$T/rnd")" -eq 32 ]; expect "tpm2_getrandom: 32 bytes" $?; }
tool "tpm2_getcap properties-fixed" tpm2_getcap properties-fixed &&
	{ grep -A2 TPM2_PT_MANUFACTURER "$T/out" | grep -q '"TST1"'; expect "TPM_PT_MANUFACTURER is the manifest's TST1" $?; }
tool "tpm2_createek (RSA, default template)" tpm2_createek -c ek.ctx -G rsa -u ek.pub
# ek.pub is a TPM2B_PUBLIC: the 2-byte size, then the TPMT_PUBLIC the service published.
tail -c +3 "$T/ek.pub" >"$T/ek.tpmt"
cmp -s "$T/ek.tpmt" "$T/tools.ek"
expect "the EK tpm2_createek gets is the one the vTPM published for the attestation manifest" $?
tool "tpm2_createak under the EK" tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa -u ak.pub -n ak.name
(cd "$T" && tpm2_flushcontext -t && tpm2_flushcontext -s) >/dev/null 2>&1
EXT=$(python3 -c 'print("ab" * 32)')
tool "tpm2_pcrextend 16:sha256" tpm2_pcrextend "16:sha256=$EXT"
WANT=$(python3 -c 'import hashlib; print(hashlib.sha256(bytes(32) + bytes.fromhex("ab" * 32)).hexdigest().upper())')
tool "tpm2_pcrread sha256:16" tpm2_pcrread sha256:16 &&
	{ grep -q "16: 0x$WANT" "$T/out"; expect "PCR 16 = SHA-256(0^32 || extend value)" $?; }
tool "tpm2_quote of sha256:0,16 with the AK" tpm2_quote -c ak.ctx -l sha256:0,16 -q c0ffee11 -m q.msg -s q.sig -o q.pcrs -g sha256
(cd "$T" && tpm2_flushcontext -t) >/dev/null 2>&1
tool "tpm2_readpublic of the AK as PEM" tpm2_readpublic -c ak.ctx -f pem -o ak.pem
tool "tpm2_checkquote: signature, nonce and PCR digest verify" \
	tpm2_checkquote -u ak.pem -m q.msg -s q.sig -f q.pcrs -g sha256 -q c0ffee11
if (cd "$T" && tpm2_checkquote -u ak.pem -m q.msg -s q.sig -f q.pcrs -g sha256 -q c0ffee12) >/dev/null 2>&1; then
	notok "tpm2_checkquote accepts a wrong nonce"
else
	ok "tpm2_checkquote refuses a wrong nonce"
fi
tool "tpm2_nvread of the provisioned index 0x01500016" tpm2_nvread 0x01500016 -C o -s 32 -o nv.bin &&
	{ [ "$(od -An -v -tx1 "$T/nv.bin" | tr -d ' \n')" = "$NVDATA" ]; expect "NV index holds the manifest's contents" $?; }
stop_server
if grep -q "SVSM_VTPM_CMD refused" "$T/tools.log"; then
	notok "the protocol refused a command tpm2-tools sent"
	sed 's/^/#   /' "$T/tools.log"
else
	ok "every command went through SVSM_VTPM_CMD without a refusal"
fi
echo "1..$n"
