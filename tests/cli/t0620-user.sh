#!/bin/sh
# SPDX-License-Identifier: MIT
# t0620-user.sh — ring 3 in the SVSM (issue 13), two native QEMU boots with packed
# filesystems of programs built now with Debian's musl-gcc (tests/build/user/):
#
#   1. the core as shipped, /init = hello.c (static ET_EXEC: printf, malloc, a thread-local
#      variable): its output in the log as "/init> ...", its exit status, SVSM core ready;
#   2. the test build svsm-usertest.elf (runs every program of /test after /init):
#      /init = syscalls.c, every supported system call checked ("PASS"/"FAIL" lines,
#      bad pointers -EFAULT), then hello.c as a static PIE, then fault.c under one name
#      per fault — null dereference, write to a kernel address, execute from the stack,
#      #GP, #UD, divide error, stack overflow — each ended and logged with its vector,
#      RIP and CR2, and an unbounded allocation ending in a failed malloc; every page
#      given back; then SVSM core ready.
# Plus: the core has no x87/SSE instruction (process.h: the program's vector state
# stays live while the core runs).
#
# Environment: B (build dir, default build), IGVMBUILD (default the sanitized binary),
# QEMU (default qemu-system-x86_64), MUSL_GCC (default musl-gcc), CC (for crtbeginS.o).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
QEMU=${QEMU:-qemu-system-x86_64}
MUSL_GCC=${MUSL_GCC:-musl-gcc}
CC=${CC:-cc}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
expect() { if [ "$2" -eq 0 ]; then ok "$1"; else notok "$1"; fi; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0620.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

for f in "$IGVMBUILD" "$B/svsm/svsm.elf" "$B/svsm/test/svsm-usertest.elf" "$B/loaders/stage2.bin"; do
	if [ ! -e "$f" ]; then
		notok "missing $f (make check-build)"
		echo "1..$n"
		exit 1
	fi
done

# The core never touches the vector registers (compiled -mgeneral-regs-only), and links no archive
# code: the vTPM (Debian's libtpms.a and libcrypto.a) is a ring-3 process whose image is data in the
# core (objdump -d disassembles only the executable sections).
if command -v objdump >/dev/null 2>&1; then
	! objdump -d "$B/svsm/svsm.elf" | grep -q '%[xyz]mm\|%st\b\|\bf[a-z]*\s.*%st'
	expect "the core has no x87/SSE/AVX instruction (a program's vector state survives its system calls)" $?
fi

if ! command -v "$QEMU" >/dev/null 2>&1; then
	skip "$QEMU not installed (apt-get install --no-install-recommends qemu-system-x86)"
	echo "1..$n"
	exit 0
fi
if ! command -v "$MUSL_GCC" >/dev/null 2>&1; then
	skip "musl-gcc not installed (apt-get install musl-tools)"
	echo "1..$n"
	exit 0
fi

U=$SRC/tests/build/user
L=/usr/lib/x86_64-linux-musl
for p in hello syscalls fault; do
	"$MUSL_GCC" -static -O2 -o "$T/$p" "$U/$p.c" 2>"$T/cc.err" || { cat "$T/cc.err"; notok "musl-gcc builds $p.c"; }
done
"$MUSL_GCC" -fPIE -static-pie -nostartfiles -O2 "$L/rcrt1.o" "$L/crti.o" "$("$CC" -print-file-name=crtbeginS.o)" \
	"$U/hello.c" "$("$CC" -print-file-name=crtendS.o)" "$L/crtn.o" -Wl,-static -Wl,-pie -Wl,--no-dynamic-linker \
	-Wl,-z,text -o "$T/hello-pie" 2>>"$T/cc.err"
expect "musl-gcc builds the test programs (ET_EXEC, and hello.c as a static PIE)" $?

# run NAME KERNEL FSDIR: builds and boots, leaves $T/NAME.log
run() {
	(cd "$SRC" && "$IGVMBUILD" build --template templates/qemu-native.xml -o "$T/$1.igvm" --kernel "$2" \
		--stage2 "$B/loaders/stage2.bin" --filesystem "$3" >"$T/$1.build" 2>&1)
	expect "$1: igvmbuild build --filesystem" $?
	"$IGVMBUILD" run --memory 256M --timeout 120 --serial "$T/$1.log" --expect-ready "$T/$1.igvm" \
		>"$T/$1.out" 2>"$T/$1.err"
	rc=$?
	expect "$1: boots to SVSM core ready, exit 0 (got $rc)" $rc
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/$1.out" "$T/$1.err" | head -20
}
has() { grep -q -- "$2" "$T/$1.log"; }

# ---- 1. /init = hello ------------------------------------------------------------------------------
mkdir -p "$T/fs1/etc"
cp "$T/hello" "$T/fs1/init"
printf 'hello\n' >"$T/fs1/etc/motd"
run hello "$B/svsm/svsm.elf" "$T/fs1"
has hello "user: SYSCALL/SYSRET, NX, SMEP on, SMAP on"; expect "hello: SMEP and SMAP on (QEMU -cpu max)" $?
has hello "user: starting /init (static executable"; expect "hello: /init started" $?
has hello "/init> hello from ring 3: argc 1 argv\[0\] /init, malloc works, tls 42"
expect "hello: printf, argv, malloc and a thread-local variable work in ring 3" $?
has hello "user: /init exited with status 7"; expect "hello: its exit status is logged" $?
! has hello "not given back"; expect "hello: every page given back" $?
awk '/user: \/init exited/ { e = NR } /SVSM core ready/ { r = NR } END { exit !(e && r > e) }' "$T/hello.log"
expect "hello: SVSM core ready after /init" $?

# ---- 2. the syscall test, the PIE, the faults ----------------------------------------------------
mkdir -p "$T/fs2/etc" "$T/fs2/bin" "$T/fs2/test"
cp "$T/syscalls" "$T/fs2/init"
printf 'hello\n' >"$T/fs2/etc/motd"
ln -s ../etc/motd "$T/fs2/bin/motd"
cp "$T/hello-pie" "$T/fs2/test/00-hello-pie"
KINDS="null kwrite xstack gp ud div stack alloc"
i=10
for k in $KINDS; do
	cp "$T/fault" "$T/fs2/test/$i-fault-$k"
	i=$((i + 1))
done
run tests "$B/svsm/test/svsm-usertest.elf" "$T/fs2"
grep '/init> \(PASS\|FAIL\)' "$T/tests.log" | sed 's/^.*\/init> /#   /' | grep FAIL
npass=$(grep -c '/init> PASS' "$T/tests.log")
[ "$npass" -ge 100 ] && ! has tests '/init> FAIL'
expect "syscalls: every supported call checked, $npass PASS lines, no FAIL" $?
has tests "/init> syscalls: $npass passed, 0 failed"; expect "syscalls: its summary agrees" $?
has tests "user: /init exited with status 0"; expect "syscalls: exits 0" $?
grep '/init> getpid round trip' "$T/tests.log" | sed 's/^.*> /# /'
has tests "user: starting /test/00-hello-pie (static PIE, entry 0x4"; expect "static PIE loaded at 0x40000000" $?
has tests "/test/00-hello-pie> hello from ring 3: argc 1 argv\[0\] /test/00-hello-pie, malloc works, tls 42"
expect "static PIE: printf, malloc, TLS" $?
has tests "user: /test/00-hello-pie exited with status 7"; expect "static PIE: exit status 7" $?
# killed KIND VECTOR-PATTERN DESC
killed() {
	f=$(ls "$T/fs2/test" | grep -- "-fault-$1\$")
	has tests "/test/$f> fault test: $1" && has tests "user: /test/$f killed: $2"
	expect "$3: ended and logged ($(grep "user: /test/$f killed" "$T/tests.log" | sed 's/.*killed: //' | cut -c1-90))" $?
}
killed null "#PF page fault (vector 14) at RIP=0x4[0-9a-f]* CR2=0x0 error code 0x4 " "null dereference"
killed kwrite "#PF page fault (vector 14) at RIP=0x4[0-9a-f]* CR2=0xffffffff80000000 error code 0x7" \
	"write to a kernel address (present, not user)"
killed xstack "#PF page fault (vector 14) at RIP=0x7ffe[0-9a-f]* CR2=0x7ffe[0-9a-f]* error code 0x15" \
	"execute from the stack (NX)"
killed gp "#GP general protection (vector 13)" "HLT in ring 3 (#GP)"
killed ud "#UD invalid opcode (vector 6)" "UD2 (#UD)"
killed div "#DE divide error (vector 0)" "divide by zero (#DE)"
killed stack "#PF page fault (vector 14) at RIP=0x4[0-9a-f]* CR2=0x7ffefffbf[0-9a-f]* error code 0x6" "stack overflow into the guard page"
f=$(ls "$T/fs2/test" | grep -- "-fault-alloc\$")
has tests "/test/$f> malloc failed after [0-9]* MiB" && has tests "user: /test/$f exited with status 0"
expect "unbounded allocation: malloc fails (brk and mmap -ENOMEM), the program exits ($(grep "/test/$f> malloc" "$T/tests.log" | sed 's/.*> //'))" $?
! has tests "not given back"; expect "every process gives back every page" $?
[ "$(grep -c 'user: starting /' "$T/tests.log")" -eq $((2 + $(echo $KINDS | wc -w))) ]
expect "every program of /test ran" $?
has tests "SVSM core ready"; expect "tests: SVSM core ready after all of them" $?

echo "1..$n"
[ $fails -eq 0 ]
