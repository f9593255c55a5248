#!/bin/sh
# SPDX-License-Identifier: MIT
# t0260-user-elf.sh — the ring-3 ELF loader (svsm/user/elf_load.c) against real programs
# built now with Debian's musl-gcc (musl-tools): tests/build/user/probe.c as a static
# ET_EXEC and as a static PIE. The plan (tests/tools/uelfrun plan) must say what readelf
# says — entry, program headers, every PT_LOAD's addresses, sizes and flags, PT_TLS, every
# R_X86_64_RELATIVE relocation — and the programs must run from the plan and the initial
# stack (uelfrun run): arguments, environment, auxiliary vector, TLS, malloc and, for the
# PIE, its own relocation. Dynamically linked programs and an executable stack are refused.
#
# Environment: B (build dir, default build), CC (for crtbeginS.o), MUSL_GCC (default musl-gcc).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
UELFRUN=$B/san/tools/uelfrun
MUSL_GCC=${MUSL_GCC:-musl-gcc}
CC=${CC:-cc}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
expect() { if [ "$2" -eq 0 ]; then ok "$1"; else notok "$1"; fi; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0260.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

if [ ! -x "$UELFRUN" ]; then
	notok "missing $UELFRUN (make check-build)"
	echo "1..$n"
	exit 1
fi
if ! command -v "$MUSL_GCC" >/dev/null 2>&1 || ! command -v readelf >/dev/null 2>&1; then
	skip "musl-gcc or readelf not installed (apt-get install musl-tools binutils)"
	echo "1..$n"
	exit 0
fi

# ---- the programs ----------------------------------------------------------------------------------
P=$SRC/tests/build/user/probe.c
"$MUSL_GCC" -static -O2 -o "$T/exec" "$P" 2>"$T/cc.err"; expect "musl-gcc -static builds the probe" $?
# Debian's musl-gcc specs know no -static-pie: link musl's rcrt1.o (which relocates the
# program from AT_PHDR and PT_DYNAMIC) as a static PIE by hand.
L=/usr/lib/x86_64-linux-musl
"$MUSL_GCC" -fPIE -static-pie -nostartfiles -O2 "$L/rcrt1.o" "$L/crti.o" "$("$CC" -print-file-name=crtbeginS.o)" "$P" \
	"$("$CC" -print-file-name=crtendS.o)" "$L/crtn.o" -Wl,-static -Wl,-pie -Wl,--no-dynamic-linker -Wl,-z,text \
	-o "$T/pie" 2>>"$T/cc.err"
expect "musl-gcc links the probe as a static PIE" $?
readelf -hW "$T/pie" | grep -q 'DYN (Position-Independent Executable' && ! readelf -lW "$T/pie" | grep -q INTERP
expect "the PIE is ET_DYN without PT_INTERP" $?

# compare FILE BASE: the plan against readelf
compare() {
	"$UELFRUN" plan "$1" "$2" >"$T/plan" 2>"$T/plan.err" || { cat "$T/plan.err"; return 1; }
	readelf -hlrW "$1" >"$T/readelf" || return 1
	python3 - "$T/plan" "$T/readelf" <<'PY'
import re, sys
plan = open(sys.argv[1]).read().splitlines()
re_ = open(sys.argv[2]).read()
P = {l.split()[0]: l.split()[1:] for l in plan if l.split()[0] in ("type", "bias", "entry", "phdr", "tls", "relocs", "span")}
bias = int(P["bias"][0], 16)
def fail(msg):
    print("#   " + msg); sys.exit(1)
typ = re.search(r"Type:\s+(\w+)", re_).group(1)
if typ != P["type"][0]: fail("type %s vs %s" % (typ, P["type"][0]))
entry = int(re.search(r"Entry point address:\s+(0x[0-9a-f]+)", re_).group(1), 16)
if entry + bias != int(P["entry"][0], 16): fail("entry")
phoff = int(re.search(r"Start of program headers:\s+(\d+)", re_).group(1))
phnum = int(re.search(r"Number of program headers:\s+(\d+)", re_).group(1))
if int(P["phdr"][4]) != phnum or int(P["phdr"][2]) != 56: fail("phnum/phent")
loads = re.findall(r"^\s+LOAD\s+(0x\w+) (0x\w+) 0x\w+ (0x\w+) (0x\w+) (.{3}) (0x\w+)", re_, re.M)
segs = [l.split()[1:] for l in plan if l.startswith("segment ")]
if len(loads) != len(segs): fail("%d PT_LOAD vs %d segments" % (len(loads), len(segs)))
phdr_ok = False
for (off, va, fsz, msz, flg, al), s in zip(loads, segs):
    off, va, fsz, msz = (int(x, 16) for x in (off, va, fsz, msz))
    vaddr, size, data, foff, fsize = (int(s[i], 16) for i in (0, 1, 3, 5, 6))
    prot = s[8]
    want = ("r" if "R" in flg else "-") + ("w" if "W" in flg else "-") + ("x" if "E" in flg else "-")
    if data != va + bias or foff != off or fsize != fsz or vaddr != (va & ~0xfff) + bias: fail("segment at %x" % va)
    if size != ((va + msz + 0xfff) & ~0xfff) - (va & ~0xfff) or prot != want: fail("segment size/prot at %x" % va)
    if off <= phoff and phoff + 56 * phnum <= off + fsz:
        phdr_ok = int(P["phdr"][0], 16) == va + (phoff - off) + bias
if not phdr_ok: fail("AT_PHDR")
tls = re.search(r"^\s+TLS\s+0x\w+ (0x\w+) 0x\w+ (0x\w+) (0x\w+) .{3} (0x\w+)", re_, re.M)
if tls:
    va, fsz, msz, al = (int(x, 16) for x in tls.groups())
    if [int(x, 16) for x in P["tls"]] != [va + bias, fsz, msz, al]: fail("PT_TLS")
rel = re.findall(r"^([0-9a-f]{16})\s+[0-9a-f]+ R_X86_64_RELATIVE\s+([0-9a-f]+)", re_, re.M)
got = [tuple(int(x, 16) for x in l.split()[1:]) for l in plan if l.startswith("reloc ")]
if len(rel) != int(P["relocs"][0]) or [(int(o, 16) + bias, int(a, 16) + bias) for o, a in rel] != got:
    fail("relocations: readelf %d, plan %s" % (len(rel), P["relocs"][0]))
if "R_X86_64_" in re_.replace("R_X86_64_RELATIVE", ""): fail("other relocation types")
print("#   %s: %d segments, %d relocations" % (typ, len(segs), len(rel)))
PY
}
compare "$T/exec" 0x40000000; expect "ET_EXEC: the plan says what readelf says (entry, AT_PHDR, PT_LOADs, PT_TLS)" $?
compare "$T/pie" 0x40000000; expect "static PIE at 0x40000000: the plan says what readelf says, relocations biased" $?
compare "$T/pie" 0x7f000000; expect "static PIE at 0x7f000000: the same with another bias" $?
[ "$(grep -c '^reloc ' "$T/plan")" -gt 0 ]; expect "the static PIE has relative relocations to check" $?

# ---- run them from the plan ----------------------------------------------------------------------
# runs NAME FILE [--base N]: runs with two arguments and two environment strings
runs() {
	name=$1 file=$2
	shift 2
	"$UELFRUN" run "$@" --env HOME=/ --env TERM=dumb "$file" /init one "two words" >"$T/$name.out" 2>"$T/$name.err"
	"$UELFRUN" plan "$file" "${2:-0x40000000}" >"$T/$name.plan"
	grep -qx "exit 3" "$T/$name.out"; expect "$name: runs from the plan and exits 3" $?
	grep -qx "argc 3" "$T/$name.out" && grep -qx "argv\[0\] /init" "$T/$name.out" &&
		grep -qx "argv\[2\] two words" "$T/$name.out"
	expect "$name: argc and argv" $?
	grep -qx "env HOME=/" "$T/$name.out" && grep -qx "env TERM=dumb" "$T/$name.out" && [ "$(grep -c '^env ' "$T/$name.out")" = 2 ]
	expect "$name: envp" $?
	entry=$(sed -n 's/^entry //p' "$T/$name.plan")
	phdr=$(sed -n 's/^phdr \(0x[0-9a-f]*\) .*/\1/p' "$T/$name.plan")
	phnum=$(sed -n 's/^phdr .* phnum \([0-9]*\)$/\1/p' "$T/$name.plan")
	grep -qx "AT_ENTRY $entry" "$T/$name.out" && grep -qx "AT_PHDR $phdr" "$T/$name.out" &&
		grep -qx "AT_PHNUM $(printf '0x%x' "$phnum")" "$T/$name.out" && grep -qx "AT_PHENT 0x38" "$T/$name.out"
	expect "$name: AT_ENTRY, AT_PHDR, AT_PHNUM, AT_PHENT as planned" $?
	grep -qx "AT_PAGESZ 0x1000" "$T/$name.out" && grep -qx "AT_SECURE 0x0" "$T/$name.out" &&
		grep -qx "AT_BASE 0x0" "$T/$name.out" && grep -qx "AT_CLKTCK 0x64" "$T/$name.out" &&
		grep -qx "AT_PLATFORM x86_64" "$T/$name.out" && grep -qx "AT_EXECFN $file" "$T/$name.out" &&
		grep -qx "AT_RANDOM a0a1..af" "$T/$name.out"
	expect "$name: AT_PAGESZ, AT_SECURE, AT_BASE, AT_CLKTCK, AT_PLATFORM, AT_EXECFN, AT_RANDOM" $?
	grep -qx "PT_LOAD seen through AT_PHDR $(grep -c '^segment ' "$T/$name.plan")" "$T/$name.out"
	expect "$name: the program reads its program headers through AT_PHDR" $?
	grep -qx "tls 42 7" "$T/$name.out"; expect "$name: thread-local variables (PT_TLS found by musl)" $?
	grep -qx "malloc 3" "$T/$name.out"; expect "$name: malloc, small and 1 MiB" $?
	grep -qx "relocated 42" "$T/$name.out"; expect "$name: a function pointer in data works" $?
	[ ! -s "$T/$name.err" ] || { echo "# stderr:"; sed 's/^/#   /' "$T/$name.err" | head -5; }
}
runs exec "$T/exec"
runs pie "$T/pie" --base 0x40000000
runs pie-high "$T/pie" --base 0x7f000000

# ---- refused programs ----------------------------------------------------------------------------
# refused DESC PATTERN FILE
refused() {
	if "$UELFRUN" plan "$3" >/dev/null 2>"$T/err"; then
		notok "refuses $1 (accepted)"
	else
		grep -q -- "$2" "$T/err"; expect "refuses $1 ($(head -1 "$T/err" | sed 's/.*: elf\./elf./'))" $?
	fi
}
"$MUSL_GCC" -O2 -o "$T/dyn" "$P" 2>/dev/null
refused "a dynamically linked musl program" "elf.interp" "$T/dyn"
"$MUSL_GCC" -static -O2 -Wl,-z,execstack -o "$T/xstack" "$P" 2>/dev/null
refused "a program that asks for an executable stack" "elf.stack" "$T/xstack"
"$MUSL_GCC" -c -O2 -o "$T/obj.o" "$P" 2>/dev/null
refused "a relocatable object" "elf.type" "$T/obj.o"
head -c 100 "$T/exec" >"$T/short"
refused "a truncated program" "elf.phdrs" "$T/short"
python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[4] = 1; open(sys.argv[2], "wb").write(b)' "$T/exec" "$T/class32"
refused "a program whose header says ELFCLASS32" "elf.ident" "$T/class32"

echo "1..$n"
[ $fails -eq 0 ]
