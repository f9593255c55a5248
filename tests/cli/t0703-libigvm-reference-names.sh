#!/bin/sh
# SPDX-License-Identifier: MIT
# t0703-libigvm-reference-names.sh — libigvm-dev is a drop-in for the headers of microsoft/igvm's C API:
# a program that uses every public name of those generated headers (libigvm/reference-names.txt,
# listed from the crate's source) compiles with -Werror -pedantic against ours, in C11 with $CC,
# links against libigvm and checks every value; the names the generated header picks up from the
# crate's SNP measurement code are there with their values.
#
# Environment: B (build dir, default build), CC.
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
CC=${CC:-cc}
LIST=$SRC/libigvm/reference-names.txt
LIB=$B/san/lib/libigvm.a

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
finish() { echo "1..$n"; [ $fails -eq 0 ]; exit $?; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0703.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

names=$(grep -cv '^[[:space:]]*\(#\|$\)' "$LIST")
if sh "$SRC/tests/libigvm/refnames.sh" "$LIST" "$T/refnames.c"; then
	ok "refnames.sh writes a program using all $names names of the list"
else
	notok "refnames.sh failed"
	finish
fi

for want in IGVM_VHT_OPTIONAL_BIT SHA256 SHA384 SHA512 LFA_DISALLOW LFA_ALLOW NORMAL VMSA UNMEASURED SECRETS CPUID \
	igvm_new_from_binary IgvmResult; do
	grep -q "^[a-z]* $want\\b" "$LIST" || missing="${missing-} $want"
done
if [ -z "${missing-}" ]; then
	ok "the list has the names the issue found missing (IGVM_VHT_OPTIONAL_BIT, CCA values, SNP page types)"
else
	notok "the list lacks:$missing"
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
# shellcheck disable=SC2086
if "$CC" -std=c11 -Wall -Wextra -Werror -pedantic $SAN -I"$SRC/libigvm/include" -o "$T/refnames" \
	"$T/refnames.c" "$LIB" -lz -lcrypto -pthread 2>"$T/cc.err"; then
	ok "the program compiles with $CC -std=c11 -Wall -Wextra -Werror -pedantic against <igvm/igvm.h> and links"
else
	notok "compile against our headers: $(grep -m3 error "$T/cc.err" | tr '\n' ' ')"
	finish
fi
out=$("$T/refnames" 2>&1)
if [ "$out" = "$names names" ]; then
	ok "every value and size matches the reference ($out)"
else
	notok "value check: $out"
fi

# Each value the issue names, checked again from the preprocessor's point of view.
cat >"$T/values.c" <<'C'
#include <igvm/igvm.h>
#if IGVM_VHT_OPTIONAL_BIT != 0x80000000u || NORMAL != 1 || VMSA != 2 || UNMEASURED != 4 || SECRETS != 5 || CPUID != 6
#error wrong value
#endif
_Static_assert(SHA256 == 0 && SHA512 == 1 && SHA384 == 2 && LFA_DISALLOW == 0 && LFA_ALLOW == 1, "CCA values");
_Static_assert((IGVM_VHT_SNP_ID_BLOCK | IGVM_VHT_OPTIONAL_BIT) == 0x8000030Bu, "optional bit is bit 31");
int main(void) { return 0; }
C
if "$CC" -std=c11 -Wall -Wextra -Werror -I"$SRC/libigvm/include" -o "$T/values" "$T/values.c" 2>"$T/cc2.err"; then
	ok "IGVM_VHT_OPTIONAL_BIT, CCA hash/LFA values and SNP page types have the reference values"
else
	notok "values: $(grep -m2 error "$T/cc2.err" | tr '\n' ' ')"
fi
finish
