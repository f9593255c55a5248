#!/bin/sh
# SPDX-License-Identifier: MIT
# t0250-filesystem.sh — `igvmbuild build --filesystem`: a directory tree and cpio newc
# archives (written by Debian's cpio, and by tests/build/mkcpio.py for what cpio would
# never write) packed for the SVSM; the same bytes whatever the order, owners, times and
# SOURCE_DATE_EPOCH; a new digest for any changed file byte; `inspect` listing the
# entries in text and JSON; every hostile input refused with one line naming the entry
# and the rule, exit 1, and no output file.
#
# Environment: B (build dir, default build), IGVMBUILD (default the sanitized binary).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
expect() { if [ "$2" -eq 0 ]; then ok "$1"; else notok "$1"; fi; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0250.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

for f in "$IGVMBUILD" "$B/svsm/svsm.elf" "$B/loaders/stage2.bin"; do
	if [ ! -e "$f" ]; then
		notok "missing $f (make check-build)"
		echo "1..$n"
		exit 1
	fi
done

# SNP and native, no firmware: the SNP launch digest covers every filesystem page.
cat >"$T/t.xml" <<XML
<?xml version="1.0"?>
<igvmbuild-template version="1">
  <platforms><platform>snp</platform><platform>native</platform></platforms>
  <hypervisor>qemu</hypervisor>
  <layout>
    <stage2 base="0x10000"/>
    <kernel-region base="0x8000000000" size="0x1000000"/>
    <firmware placement="none"/>
  </layout>
  <inputs>
    <kernel>$B/svsm/svsm.elf</kernel>
    <stage2>$B/loaders/stage2.bin</stage2>
    <filesystem>root</filesystem>
  </inputs>
</igvmbuild-template>
XML
digest_of() { sed -n 's/^SNP launch digest: //p' "$1"; }
# build NAME ARGS...: builds $T/NAME.igvm, leaves its digest in $T/NAME.d
build() {
	name=$1
	shift
	"$IGVMBUILD" build -t "$T/t.xml" -o "$T/$name.igvm" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	digest_of "$T/$name.out" >"$T/$name.d"
	return $rc
}
same() { cmp -s "$T/$1.igvm" "$T/$2.igvm"; }

# ---- a tree: files, an executable, an empty file and directory, symlinks, a hard link --------
R=$T/root
mkdir -p "$R/bin" "$R/etc/empty" "$R/usr/lib"
printf '#!/bin/sh\necho hi\n' >"$R/bin/init"
chmod 755 "$R/bin/init"
printf 'hello\n' >"$R/etc/motd"
: >"$R/etc/zero"
head -c 9000 /dev/urandom >"$R/usr/lib/blob"
ln -s ../etc/motd "$R/bin/motd"
ln -s /usr/lib "$R/lib"
ln "$R/etc/motd" "$R/etc/motd.hard"

build tree; expect "builds with the template's <filesystem> (a directory tree)" $?
case $(cat "$T/tree.d") in
????????????????????????????????????????????????????????????????????????????????????????????????) ok "prints the SNP launch digest" ;;
*) notok "prints the SNP launch digest ($(head -1 "$T/tree.err"))" ;;
esac
"$IGVMBUILD" inspect --check "$T/tree.igvm" 2>/dev/null; expect "the image passes inspect --check" $?

# inspect lists every entry
"$IGVMBUILD" inspect "$T/tree.igvm" >"$T/insp.txt" 2>"$T/insp.err"; expect "inspect exits 0" $?
grep -q '^  entries: 13$' "$T/insp.txt"; expect "inspect: 13 entries (6 directories with the root, 5 files, 2 symlinks)" $?
grep -q '^    /bin/init: type=file mode=0755 size=18 sha256=' "$T/insp.txt"; expect "inspect: an executable file" $?
grep -q '^    /etc/zero: type=file mode=0644 size=0 ' "$T/insp.txt"; expect "inspect: an empty file" $?
grep -q '^    /bin/motd: type=symlink mode=0777 target=../etc/motd$' "$T/insp.txt"; expect "inspect: a symlink" $?
grep -q '^    /etc/empty: type=directory mode=0755 entries=0$' "$T/insp.txt"; expect "inspect: an empty directory" $?
"$IGVMBUILD" inspect --json "$T/tree.igvm" >"$T/insp.json" 2>/dev/null
python3 - "$T/insp.json" "$R" <<'PY'
import hashlib, json, os, sys
d = json.load(open(sys.argv[1]))["filesystem"]
root = sys.argv[2]
assert d["valid"] and d["entries"] == 13 and d["files"] == 5 and d["symlinks"] == 2, d
paths = [e["path"] for e in d["list"]]
assert sorted(paths) == sorted(["/"] + ["/" + os.path.relpath(os.path.join(dp, x), root)
        for dp, dn, fn in os.walk(root) for x in dn + fn]), paths
for e in d["list"]:
    p = os.path.join(root, e["path"][1:])
    if e["type"] == "file":
        assert e["sha256"] == hashlib.sha256(open(p, "rb").read()).hexdigest(), e
    if e["type"] == "symlink":
        assert e["target"] == os.readlink(p), e
PY
expect "inspect --json: every path, every file's SHA-256, every link target" $?
"$IGVMBUILD" build -t "$T/t.xml" -o "$T/j.igvm" --json >"$T/j.json" 2>/dev/null
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["filesystem"]["entries"] == 13 and d["inputs"]["filesystem"]["type"] == "directory"
assert int(d["layout"]["filesystem_gpa"], 16) > 0x8000000000 and int(d["layout"]["filesystem_size"], 16) % 4096 == 0
' "$T/j.json"
expect "build --json: the filesystem's entries, place and size" $?

# ---- the same tree as archives --------------------------------------------------------------------
if command -v cpio >/dev/null 2>&1; then
	(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$T/a.cpio"
	build newc --filesystem "$T/a.cpio"; expect "builds from a cpio newc archive (Debian's cpio)" $?
	same tree newc; expect "the archive packs to the same image as the tree" $?
	(cd "$R" && find . | LC_ALL=C sort -r | cpio -o -H newc --quiet) >"$T/r.cpio"
	build rev --filesystem "$T/r.cpio"; same tree rev; expect "members in another order: the same image" $?
	(cd "$R" && find . | cpio -o -H crc --quiet) >"$T/c.cpio"
	build crc --filesystem "$T/c.cpio"; same tree crc; expect "the checksummed variant (070702): the same image" $?
	(cd "$R" && find . -path ./usr -prune -o -print | cpio -o -H newc --quiet) >"$T/p1.cpio"
	(cd "$R" && find usr | cpio -o -H newc --quiet) >"$T/p2.cpio"
	cat "$T/p1.cpio" "$T/p2.cpio" >"$T/cat.cpio"
	build cat --filesystem "$T/cat.cpio"; same tree cat; expect "two concatenated archives (as an initramfs): the same image" $?
	"$IGVMBUILD" build -t "$T/t.xml" -o "$T/ja.igvm" --filesystem "$T/a.cpio" --json >"$T/ja.json" 2>/dev/null
	python3 -c '
import hashlib,json,sys
d=json.load(open(sys.argv[1]))["inputs"]["filesystem"]
assert d["sha256"] == hashlib.sha256(open(sys.argv[2],"rb").read()).hexdigest()' "$T/ja.json" "$T/a.cpio"
	expect "build --json: the archive's SHA-256 among the inputs" $?
else
	for i in 1 2 3 4 5 6; do skip "cpio not installed (apt-get install cpio)"; done
fi

# ---- deterministic: owners, times, modes beyond owner-execute, SOURCE_DATE_EPOCH ---------------
cp -a "$R" "$T/root2"
touch -h -d '2001-02-03 04:05:06' "$T/root2/etc/motd" "$T/root2/bin/motd" "$T/root2/usr"
chmod 600 "$T/root2/etc/motd"
chmod 700 "$T/root2/usr"
chmod 4755 "$T/root2/bin/init"
if [ "$(id -u)" = 0 ]; then chown -h 1234:5678 "$T/root2/etc/zero" "$T/root2/lib"; fi
build tree2 --filesystem "$T/root2"; same tree tree2
expect "other owners, times, permissions and a setuid bit: the same image" $?
SOURCE_DATE_EPOCH=1
export SOURCE_DATE_EPOCH
build sde; same tree sde; expect "SOURCE_DATE_EPOCH changes nothing (no times are stored)" $?
unset SOURCE_DATE_EPOCH
chmod 644 "$T/root2/bin/init"
build noexec --filesystem "$T/root2"
[ "$(cat "$T/noexec.d")" != "$(cat "$T/tree.d")" ]; expect "dropping a file's execute bit changes the digest" $?

# ---- any file byte changes the digest ------------------------------------------------------------
D0=$(cat "$T/tree.d")
changed=0
total=0
for pos in 0 1 4095 4096 8999; do
	cp -a "$R" "$T/flip"
	python3 -c '
import sys
p, pos = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[pos] ^= 1; open(p, "wb").write(b)' "$T/flip/usr/lib/blob" $pos
	build flip --filesystem "$T/flip"
	total=$((total + 1))
	d=$(cat "$T/flip.d")
	[ -n "$d" ] && [ "$d" != "$D0" ] && ! grep -qx "$d" "$T/seen" 2>/dev/null && changed=$((changed + 1))
	echo "$d" >>"$T/seen"
	rm -rf "$T/flip"
done
[ $changed = $total ]; expect "flipping one bit at byte 0, 1, 4095, 4096, 8999 of a file: $changed of $total distinct digests" $?
cp -a "$R" "$T/grow"
printf 'x' >>"$T/grow/etc/zero"
build grow --filesystem "$T/grow"; [ "$(cat "$T/grow.d")" != "$D0" ]; expect "one byte added to an empty file changes the digest" $?
mv "$T/grow/etc/motd" "$T/grow/etc/motE"
ln -sf ../etc/motE "$T/grow/bin/motd"
build ren --filesystem "$T/grow"; [ "$(cat "$T/ren.d")" != "$(cat "$T/grow.d")" ]; expect "a renamed file changes the digest" $?

# ---- template and command line ------------------------------------------------------------------
build nofs --no-filesystem
! "$IGVMBUILD" inspect "$T/nofs.igvm" 2>/dev/null | grep -q '^filesystem:'; expect "--no-filesystem: no filesystem in the image" $?
[ "$(cat "$T/nofs.d")" != "$D0" ]; expect "--no-filesystem: another digest" $?
"$IGVMBUILD" build -t "$T/t.xml" --filesystem "$T/root" --no-filesystem -o "$T/x.igvm" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$T/x.igvm" ]; expect "--filesystem with --no-filesystem is a usage error" $?

# ---- refusals: exit code, one line naming the entry and rule, no output --------------------------
O=$T/out
mkdir -p "$O"
# refuse DESC CODE PATTERN FS — building with --filesystem FS must fail with CODE and PATTERN, leave nothing
refuse() {
	rm -f "$O/bad.igvm"
	"$IGVMBUILD" build -t "$T/t.xml" --filesystem "$4" -o "$O/bad.igvm" >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -eq "$2" ] && grep -q -- "$3" "$T/err" && [ ! -e "$O/bad.igvm" ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
		! ls -A "$O" | grep -q .; then
		ok "refuses $1"
	else
		notok "refuses $1 (exit $rc, want $2; stderr: $(head -2 "$T/err" | cut -c1-200 | tr '\n' '|'))"
	fi
}
C=$T/cpio
python3 "$SRC/tests/build/mkcpio.py" "$C" || notok "mkcpio.py writes the hostile archives"
for good in good crc concat hardlink implied-dirs dot-slash; do
	rm -f "$O/g.igvm"
	"$IGVMBUILD" build -t "$T/t.xml" --filesystem "$C/$good.cpio" -o "$O/g.igvm" >/dev/null 2>"$T/err" &&
		"$IGVMBUILD" inspect --check "$O/g.igvm" 2>/dev/null
	expect "accepts the well-formed archive $good.cpio" $?
	rm -f "$O/g.igvm"
done
"$IGVMBUILD" build -t "$T/t.xml" --filesystem "$C/hardlink.cpio" -o "$T/hl.igvm" >/dev/null 2>&1
"$IGVMBUILD" inspect "$T/hl.igvm" 2>/dev/null | grep -q "^    /a: type=file mode=0644 size=6 " &&
	"$IGVMBUILD" inspect "$T/hl.igvm" 2>/dev/null | grep -q "^    /b: type=file mode=0644 size=6 "
expect "hard-linked members share the member's data (GNU cpio puts it on the last)" $?
"$IGVMBUILD" build -t "$T/t.xml" --filesystem "$C/implied-dirs.cpio" -o "$T/im.igvm" >/dev/null 2>&1
"$IGVMBUILD" inspect "$T/im.igvm" 2>/dev/null | grep -q "^    /usr/lib: type=directory mode=0755 entries=1$"
expect "parent directories nobody listed are made" $?

while read -r case rule; do
	refuse "$case.cpio ($rule)" 1 "$rule" "$C/$case.cpio"
done <<'EOF'
absolute fs.absolute-path
dotdot fs.path-traversal
dotdot-leading fs.path-traversal
dot fs.path:
empty-component fs.path:
trailing-slash fs.path:
duplicate fs.duplicate
duplicate-dir fs.duplicate
symlink-escape fs.symlink-escape
symlink-escape-abs fs.symlink-escape
symlink-dangling fs.symlink-dangling
symlink-through-file fs.symlink-dangling
symlink-loop fs.symlink-loop
symlink-deep fs.symlink-loop
symlink-empty fs.symlink-target
symlink-nul fs.symlink-target
under-symlink fs.not-a-directory
under-file fs.not-a-directory
root-file fs.not-a-directory
hardlink-twice fs.hardlink
chardev fs.device-node
blockdev fs.device-node
fifo fs.special-file
socket fs.special-file
unknown-type fs.special-file
dir-data fs.cpio-size
truncated-header fs.cpio-truncated
truncated-name fs.cpio-truncated
truncated-data fs.cpio-truncated
huge-size fs.cpio-truncated
no-trailer fs.cpio-truncated
empty fs.cpio-truncated
bad-magic fs.cpio-magic
binary fs.cpio-magic
gzip fs.cpio-magic
bad-hex fs.cpio-header
namesize-zero fs.cpio-name
namesize-huge fs.cpio-name
name-no-nul fs.cpio-name
name-inner-nul fs.cpio-name
name-too-long fs.name-too-long
path-too-long fs.path-too-long
crc-mismatch fs.cpio-checksum
padding fs.cpio-padding
too-many fs.too-many-entries
EOF
refuse "with a message naming the header's offset and the entry" 1 \
	"dotdot.cpio: offset 0x1e0: entry 'bin/../../x': fs.path-traversal: a '..' component$" "$C/dotdot.cpio"

# Trees
mk() { rm -rf "$T/bad"; mkdir -p "$T/bad/d"; printf 'x' >"$T/bad/d/f"; }
mk; ln -s ../../etc/passwd "$T/bad/d/up"
refuse "a tree's symlink out of the tree" 1 "bad/d/up: fs.symlink-escape" "$T/bad"
mk; ln -s /etc/passwd "$T/bad/d/pw"
refuse "a tree's absolute symlink to what the tree lacks" 1 "bad/d/pw: fs.symlink-dangling" "$T/bad"
mk; ln "$T/bad/d/f" "$T/outside"
refuse "a tree's hard link whose other name is outside it" 1 "bad/d/f: fs.hardlink-out-of-tree" "$T/bad"
rm -f "$T/outside"
mk; mkfifo "$T/bad/d/fifo"
refuse "a FIFO in a tree" 1 "bad/d/fifo: fs.special-file" "$T/bad"
mk
if mknod "$T/bad/d/null" c 1 3 2>/dev/null; then
	refuse "a device node in a tree" 1 "bad/d/null: fs.device-node" "$T/bad"
else
	skip "mknod needs root"
fi
mk; truncate -s 300M "$T/bad/d/huge"
refuse "a file that takes the filesystem past 256 MiB" 1 "bad/d/huge: fs.size-limit" "$T/bad"
mk; truncate -s 15M "$T/bad/d/big"
refuse "a filesystem that leaves the kernel region no page pool" 1 "make the kernel region larger" "$T/bad"
"$IGVMBUILD" build -t "$T/t.xml" --filesystem "$T/bad" --kernel-size 0x2000000 -o "$O/big.igvm" >/dev/null 2>&1
expect "the same filesystem fits a 32 MiB kernel region" $?
rm -f "$O/big.igvm"
mk; ln -s "$(python3 -c 'print("a" * 1030)')" "$T/bad/d/long"
refuse "a tree's symlink target over 1024 bytes" 1 "bad/d/long: fs.symlink-target" "$T/bad"
refuse "a filesystem path that does not exist" 3 "cannot read the filesystem" "$T/nonexistent"
printf 'just text\n' >"$T/text"
refuse "a file that is not an archive" 1 "fs.cpio-magic" "$T/text"

echo "1..$n"
[ $fails -eq 0 ]
