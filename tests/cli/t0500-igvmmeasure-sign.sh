#!/bin/sh
# SPDX-License-Identifier: MIT
# t0500-igvmmeasure-sign.sh — `igvmmeasure FILE sign`, `id-block` and
# `verify-id-block`: outputs, determinism, refusals, exit codes, nothing
# written on failure.
#
# Independent expectations: the serializer file's SEV-SNP digest 5987C91C…
# (spec igvm-format.md §10.2, from the microsoft/igvm crate) must be the LD
# of the ID block `sign` adds, and the file must still measure to it; the
# id_key_hash that `id-block` prints is recomputed here with the openssl CLI
# and od from the key's public point (SHA-384 over CURVE=2, QX and QY
# little-endian in 72 bytes each, zero-padded to 0x404 bytes). Golden vectors
# of snp-create-id-block itself are in tests/measure/test_id_block.c.
#
# Keys are made with the openssl CLI at run time; IGVM files come from the
# digest test's fixture mode (as in t0300) and test_igvm_sign's (version 2).
# Environment: B, IGVMMEASURE, FIXTUREGEN, SIGNGEN (see the defaults below).
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/cli/lib.sh"
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
FIXTUREGEN=${FIXTUREGEN:-$B/san/tests/test_measure_igvm_digest}
SIGNGEN=${SIGNGEN:-$B/san/tests/test_measure_igvm_sign}
M=$IGVMMEASURE
T=$T_TMP

SERIALIZER=5987C91C61F0C2E8D7A6942CA46B56BA651572B8947956533D84C88CB7D98AAF7F638461E0D3E64A7110D769597540CD

# is DESC GOT WANT
is() { if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1"; echo "#   got:  '$2'"; echo "#   want: '$3'"; fi; }
# status DESC WANT CMD...: exit status of CMD (stdout in $T_OUT, stderr in $T_ERR)
status() {
	_d=$1 _w=$2
	shift 2
	t_run "$@"
	is "$_d (exit $_w)" "$T_RC" "$_w"
}
# err_has DESC PATTERN: the last command's stderr matches
err_has() { if grep -q -- "$2" "$T_ERR"; then t_ok "$1"; else t_not_ok "$1"; t_diag "$T_ERR"; fi; }
absent() { if [ ! -e "$2" ]; then t_ok "$1"; else t_not_ok "$1"; fi; }

for tool in "$M" "$FIXTUREGEN" "$SIGNGEN"; do
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
mkdir -p "$FX"
if ! "$FIXTUREGEN" --fixtures "$FX" >/dev/null 2>&1 || ! "$SIGNGEN" --fixtures "$FX" >/dev/null 2>&1; then
	t_not_ok "generate fixtures"
	t_done
	exit 1
fi
K=$T/keys
mkdir -p "$K"
if openssl ecparam -name secp384r1 -genkey -noout -out "$K/id.pem" 2>/dev/null &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$K/author.pem" 2>/dev/null &&
	openssl ecparam -name secp384r1 -genkey -noout -out "$K/other.pem" 2>/dev/null &&
	openssl ec -in "$K/id.pem" -pubout -out "$K/id.pub" 2>/dev/null &&
	openssl ecparam -name prime256v1 -genkey -noout -out "$K/p256.pem" 2>/dev/null &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$K/rsa.pem" 2>/dev/null &&
	openssl genpkey -algorithm ED25519 -out "$K/ed25519.pem" 2>/dev/null; then
	t_ok "openssl CLI makes P-384 (SEC1 and PKCS#8), P-256, RSA and Ed25519 keys"
else
	t_not_ok "openssl CLI makes the test keys"
	t_done
	exit 1
fi
head -c 120 "$K/id.pem" >"$K/broken.pem"

# ---- sign ------------------------------------------------------------------------------------------
S=$T/signed.igvm
status "sign the serializer file" 0 "$M" "$FX/serializer.igvm" sign --output "$S" --id-key "$K/id.pem"
is "... prints COCONUT's line" "$(cat "$T_OUT")" "Successfully created signed file: $S"
is "the signed file still measures 5987C91C… (the ID block is not measured)" "$("$M" "$S" measure -b)" "$SERIALIZER"
status "measure checks the new ID block against the digest" 0 "$M" "$S" measure
status "verify-id-block --igvm accepts it" 0 "$M" verify-id-block --igvm "$S"
is "... its LD is 5987C91C…" "$(sed -n 's/^LD: *//p' "$T_OUT")" "$SERIALIZER"
is "... and it says OK" "$(tail -1 "$T_OUT")" "ID block: OK"
status "... holding the ID key (private key given)" 0 "$M" verify-id-block --igvm "$S" --id-key "$K/id.pem"
status "... or its public key" 0 "$M" verify-id-block --igvm "$S" --id-key "$K/id.pub"
status "... but not another key" 5 "$M" verify-id-block --igvm "$S" --id-key "$K/other.pem"
err_has "... naming ID_KEY" "ID_KEY is not the key in"
is "version 1 input: version 1 output" "$(od -An -tx1 -j4 -N4 "$S" | tr -d ' ')" "01000000"
status "sign a version 2 file" 0 "$M" "$FX/serializer-v2.igvm" sign --output "$T/v2.igvm" --id-key "$K/id.pem"
is "version 2 input: version 2 output (COCONUT would write 1)" "$(od -An -tx1 -j4 -N4 "$T/v2.igvm" | tr -d ' ')" "02000000"
is "... and it measures 5987C91C…" "$("$M" "$T/v2.igvm" measure -b)" "$SERIALIZER"
"$M" "$FX/serializer.igvm" sign --output "$T/again.igvm" --id-key "$K/id.pem" >/dev/null 2>&1
if cmp -s "$S" "$T/again.igvm"; then t_ok "signing twice gives byte-identical files (RFC 6979)"; else t_not_ok "signing twice gives byte-identical files (RFC 6979)"; fi

A=$T/author.igvm
status "--author-key, --family-id, --image-id, --svn" 0 "$M" "$FX/serializer.igvm" sign --output "$A" \
	--id-key "$K/id.pem" --author-key "$K/author.pem" --family-id 00112233445566778899aabbccddeeff \
	--image-id 0xFFEEDDCCBBAA99887766554433221100 --svn 7
status "... verifies with the author key" 0 "$M" verify-id-block --igvm "$A" --author-key "$K/author.pem"
is "... family ID (with its leading zero byte)" "$(sed -n 's/^Family ID: *//p' "$T_OUT")" 00112233445566778899AABBCCDDEEFF
is "... image ID" "$(sed -n 's/^Image ID: *//p' "$T_OUT")" FFEEDDCCBBAA99887766554433221100
is "... guest SVN" "$(sed -n 's/^Guest SVN: *//p' "$T_OUT")" 7
status "an ID block without author key does not pass --author-key" 5 "$M" verify-id-block --igvm "$S" --author-key "$K/author.pem"
status "-v prints the digest and key digests" 0 "$M" -v "$FX/serializer.igvm" sign --output "$T/v.igvm" --id-key "$K/id.pem"
is "... Launch Digest line" "$(sed -n 's/^Launch Digest: //p' "$T_OUT")" "$SERIALIZER"
if t_have_python; then
	"$M" --json "$FX/serializer.igvm" sign --output "$T/j.igvm" --id-key "$K/id.pem" --author-key "$K/author.pem" >"$T/j.json"
	py=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["digest"], d["policy"], d["format_version"], len(d["id_key_digest"]), len(d["author_key_digest"]), d["replaced"])' "$T/j.json" 2>&1)
	is "--json: digest, policy, version, key digests" "$py" "$SERIALIZER 0x30000 1 96 96 False"
else
	t_skip "python3 not installed: --json not parsed"
fi

# ---- refusals: nothing written --------------------------------------------------------------------------
O=$T/out.igvm
status "a file already signed for SNP" 1 "$M" "$S" sign --output "$O" --id-key "$K/id.pem"
err_has "... names sign.id-block-exists at its offset" "signed.igvm: offset 0x[0-9a-f]*: sign.id-block-exists: "
absent "... and writes nothing" "$O"
status "--replace re-signs it" 0 "$M" "$S" sign --output "$O" --id-key "$K/other.pem" --replace
status "... with the new key" 0 "$M" verify-id-block --igvm "$O" --id-key "$K/other.pem"
is "... and the same size" "$(wc -c <"$O")" "$(wc -c <"$S")"
rm -f "$O"
status "the measure fixture with an ID block" 1 "$M" "$FX/idblock-good.igvm" sign --output "$O" --id-key "$K/id.pem"
status "a file without GUEST_POLICY" 1 "$M" "$FX/no-policy.igvm" sign --output "$O" --id-key "$K/id.pem"
err_has "... names sign.no-policy" "sign.no-policy: "
status "a file without an SEV-SNP platform" 1 "$M" -p sev-snp "$FX/sev-es.igvm" sign --output "$O" --id-key "$K/id.pem"
err_has "... names sign.platform" "sign.platform: "
status "-c refuses a file KVM cannot launch as measured" 5 "$M" -c "$FX/kvm-bad.igvm" sign --output "$O" --id-key "$K/id.pem"
err_has "... naming the KVM rule" "kvm.vmsa-"
status "-c signs a KVM-ready file" 0 "$M" -c "$FX/kvm-good.igvm" sign --output "$T/kvm.igvm" --id-key "$K/id.pem"
rm -f "$T/kvm.igvm"
status "-p sev-es is a usage error" 2 "$M" -p sev-es "$FX/serializer.igvm" sign --output "$O" --id-key "$K/id.pem"
status "no --output" 2 "$M" "$FX/serializer.igvm" sign --id-key "$K/id.pem"
status "no --id-key" 2 "$M" "$FX/serializer.igvm" sign --output "$O"
status "--version 2 (QEMU would rebuild the block with 1)" 2 "$M" "$FX/serializer.igvm" sign --output "$O" --id-key "$K/id.pem" --version 2
status "--family-id of 15 bytes" 2 "$M" "$FX/serializer.igvm" sign --output "$O" --id-key "$K/id.pem" --family-id 00112233445566778899aabbccddee
status "a P-256 key" 1 "$M" "$FX/serializer.igvm" sign --output "$O" --id-key "$K/p256.pem"
err_has "... named by curve" "p256.pem: .*P-256.*not supported"
status "an RSA key" 1 "$M" "$FX/serializer.igvm" sign --output "$O" --id-key "$K/rsa.pem"
err_has "... named by type" "rsa.pem: .*key type RSA"
status "an Ed25519 author key" 1 "$M" "$FX/serializer.igvm" sign --output "$O" --id-key "$K/id.pem" --author-key "$K/ed25519.pem"
err_has "... named by type" "ED25519"
status "a public key as ID key" 1 "$M" "$FX/serializer.igvm" sign --output "$O" --id-key "$K/id.pub"
status "broken PEM" 1 "$M" "$FX/serializer.igvm" sign --output "$O" --id-key "$K/broken.pem"
err_has "... one line naming the file" "broken.pem: broken PEM"
is "... exactly one line" "$(t_lines "$T_ERR")" 1
status "a missing key file" 3 "$M" "$FX/serializer.igvm" sign --output "$O" --id-key "$K/none.pem"
status "a missing IGVM file" 3 "$M" "$T/none.igvm" sign --output "$O" --id-key "$K/id.pem"
cp "$FX/serializer.igvm" "$T/corrupt.igvm"
printf 'X' | dd of="$T/corrupt.igvm" bs=1 seek=40 conv=notrunc 2>/dev/null
status "a corrupted IGVM file" 1 "$M" "$T/corrupt.igvm" sign --output "$O" --id-key "$K/id.pem"
err_has "... names offset and rule" "corrupt.igvm: offset 0x[0-9a-f]*: "
absent "none of the refused commands wrote the output" "$O"
echo keep >"$O"
"$M" "$FX/no-policy.igvm" sign --output "$O" --id-key "$K/id.pem" >/dev/null 2>&1
is "a failed sign leaves an existing output untouched" "$(cat "$O")" "keep"
status "an output in a missing directory" 3 "$M" "$FX/serializer.igvm" sign --output "$T/no/dir/x.igvm" --id-key "$K/id.pem"

# ---- id-block ---------------------------------------------------------------------------------------------
status "id-block --digest HEX" 0 "$M" id-block --digest "$SERIALIZER" --id-key "$K/id.pem" --author-key "$K/author.pem" \
	--id-block-out "$T/blk.bin" --id-auth-out "$T/auth.bin"
cp "$T_OUT" "$T/idblock.txt"
is "... three lines, snp-create-id-block's format" "$(t_lines "$T/idblock.txt")" 3
line1=$(sed -n 1p "$T/idblock.txt")
blk64=$(printf '%s' "$line1" | sed -n 's/^id-block=\([A-Za-z0-9+/=]*\),id-auth=\([A-Za-z0-9+/=]*\)$/\1/p')
auth64=$(printf '%s' "$line1" | sed -n 's/^id-block=\([A-Za-z0-9+/=]*\),id-auth=\([A-Za-z0-9+/=]*\)$/\2/p')
is "... id-block= is 96 bytes of base64" "${#blk64}" 128
is "... id-auth= is 4096 bytes of base64" "${#auth64}" 5464
is "... --id-block-out is the same 96 bytes" "$(openssl base64 -A -in "$T/blk.bin")" "$blk64"
is "... --id-auth-out is the same 4096 bytes" "$(openssl base64 -A -in "$T/auth.bin")" "$auth64"
is "... the ID block starts with the digest" "$(od -An -v -tx1 -N48 "$T/blk.bin" | tr -d ' \n' | tr a-f A-F)" "$SERIALIZER"
is "... default VERSION 1, SVN 0, POLICY 0x30000 (snp-create-id-block's)" \
	"$(od -An -v -tx1 -j80 -N16 "$T/blk.bin" | tr -d ' \n')" "01000000000000000000030000000000"

# The ID key digest, recomputed with the openssl CLI: SHA-384 of {2, LE Qx, LE Qy} padded to 0x404 bytes.
le72() { # FILE OFFSET: 48 bytes at OFFSET reversed, then 24 zero bytes, as printf %b octal escapes
	od -An -v -to1 -j "$2" -N 48 "$1" | tr -s ' \n' '\n' | grep . | tac | sed 's/^/\\0/' | tr -d '\n'
	printf '%024d' 0 | sed 's/0/\\0000/g'
}
openssl ec -in "$K/id.pem" -pubout -outform DER 2>/dev/null | tail -c 96 >"$T/xy.bin"
{ printf '\002\000\000\000'; printf '%b' "$(le72 "$T/xy.bin" 0)"; printf '%b' "$(le72 "$T/xy.bin" 48)"; head -c 880 /dev/zero; } >"$T/idkey.bin"
is "the 0x404-byte key encoding rebuilt in shell has the right size" "$(wc -c <"$T/idkey.bin" | tr -d ' ')" 1028
want=$(openssl dgst -sha384 -binary "$T/idkey.bin" | openssl base64 -A)
is "id_key_hash is SHA-384 of that encoding (computed by the openssl CLI)" "$(sed -n 's/^id_key_hash: //p' "$T/idblock.txt")" "$want"
is "... and the ID auth's ID_KEY at 0x240 is that encoding" "$(od -An -v -tx1 -j576 -N1028 "$T/auth.bin")" "$(od -An -v -tx1 "$T/idkey.bin")"
status "verify-id-block accepts the binary files" 0 "$M" verify-id-block --id-block "$T/blk.bin" --id-auth "$T/auth.bin" \
	--expect-digest "$SERIALIZER" --expect-policy 0x30000 --id-key "$K/id.pem" --author-key "$K/author.pem"
printf '%s\n' "$blk64" >"$T/blk.b64"
printf '%s\n' "$auth64" | fold -w 76 >"$T/auth.b64"
status "... and their base64 (folded)" 0 "$M" verify-id-block --id-block "$T/blk.b64" --id-auth "$T/auth.b64"
status "a wrong expected digest" 5 "$M" verify-id-block --id-block "$T/blk.bin" --id-auth "$T/auth.bin" --expect-digest "$(printf '%096d' 0)"
err_has "... named" "LD mismatch: the ID block holds 5987C91C"
status "a wrong expected policy" 5 "$M" verify-id-block --id-block "$T/blk.bin" --id-auth "$T/auth.bin" --expect-policy 0x30001
err_has "... named" "POLICY mismatch"
cp "$T/blk.bin" "$T/bad.bin"
printf '\377' | dd of="$T/bad.bin" bs=1 seek=90 conv=notrunc 2>/dev/null
status "a changed policy byte breaks ID_BLOCK_SIG" 5 "$M" verify-id-block --id-block "$T/bad.bin" --id-auth "$T/auth.bin"
err_has "... named" "ID_BLOCK_SIG does not verify with ID_KEY"
is "... one line" "$(t_lines "$T_ERR")" 1
cp "$T/auth.bin" "$T/bad.bin"
printf '\001' | dd of="$T/bad.bin" bs=1 seek=$((0x900)) conv=notrunc 2>/dev/null
status "a changed author key breaks ID_KEY_SIG" 5 "$M" verify-id-block --id-block "$T/blk.bin" --id-auth "$T/bad.bin"
head -c 95 "$T/blk.bin" >"$T/short.bin"
status "a 95-byte ID block" 1 "$M" verify-id-block --id-block "$T/short.bin" --id-auth "$T/auth.bin"
err_has "... named with the size" "short.bin: offset 0: 95 bytes"

meas64=$(head -c 48 "$T/blk.bin" | openssl base64 -A)
"$M" id-block --measurement "$meas64" --idkey "$K/id.pem" --authorkey "$K/author.pem" >"$T/m.txt" 2>&1
if cmp -s "$T/m.txt" "$T/idblock.txt"; then t_ok "--measurement BASE64 --idkey --authorkey (snp-create-id-block's options) gives the same, byte for byte"; else
	t_not_ok "--measurement BASE64 --idkey --authorkey gives the same"; t_diag "$T/m.txt"; fi
"$M" id-block --igvm "$FX/serializer.igvm" --id-key "$K/id.pem" --author-key "$K/author.pem" >"$T/i.txt" 2>&1
if cmp -s "$T/i.txt" "$T/idblock.txt"; then t_ok "--igvm FILE takes the digest and policy from the file"; else t_not_ok "--igvm FILE takes the digest and policy from the file"; t_diag "$T/i.txt"; fi
status "--igvm with a different --policy" 2 "$M" id-block --igvm "$FX/serializer.igvm" --policy 0x30001 --id-key "$K/id.pem"
status "no author key: two lines" 0 "$M" id-block --digest "$SERIALIZER" --id-key "$K/id.pem" --policy 0x1f0000 --svn 3
is "... no author_key line" "$(t_lines "$T_OUT")" 2
status "no digest" 2 "$M" id-block --id-key "$K/id.pem"
status "two digests" 2 "$M" id-block --digest "$SERIALIZER" --measurement "$meas64" --id-key "$K/id.pem"
status "bad base64" 2 "$M" id-block --measurement 'abc!' --id-key "$K/id.pem"
status "a P-256 ID key" 1 "$M" id-block --digest "$SERIALIZER" --id-key "$K/p256.pem"
rm -f "$T/o1.bin"
status "an unwritable second output" 3 "$M" id-block --digest "$SERIALIZER" --id-key "$K/id.pem" --id-block-out "$T/o1.bin" --id-auth-out "$T/no/dir/o2.bin"
absent "... removes the first one" "$T/o1.bin"
status "--version 2 is written with a warning" 0 "$M" id-block --digest "$SERIALIZER" --id-key "$K/id.pem" --version 2
err_has "... the warning" "warning: --version 2"
if t_have_python; then
	py=$("$M" id-block --json --digest "$SERIALIZER" --id-key "$K/id.pem" --family-id 0102030405060708090a0b0c0d0e0f10 |
		python3 -c 'import json,sys,base64; d=json.load(sys.stdin); print(len(base64.b64decode(d["id_block"])), len(base64.b64decode(d["id_auth"])), d["ld"], d["family_id"], d["policy"], "author_key_digest" in d)' 2>&1)
	is "--json: structures, digest, IDs, policy" "$py" "96 4096 $SERIALIZER 0102030405060708090A0B0C0D0E0F10 0x30000 False"
else
	t_skip "python3 not installed: --json not parsed"
fi

t_done
