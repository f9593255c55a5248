#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mkcpio.py DIR — writes the hostile cpio archives tests/cli/t0250-filesystem.sh feeds
`igvmbuild build --filesystem`, one file per case (DIR/NAME.cpio), plus good.cpio, a
small well-formed archive the cases start from.

Debian's cpio cannot write most of these (it would not put ".." in a name, lie about a
size or forget the trailer), so the newc headers are written here, field by field, as
cpio(5) and Linux's Documentation/driver-api/early-userspace/buffer-format.rst describe
them: "070701", then 13 fields of 8 hexadecimal digits (ino, mode, uid, gid, nlink,
mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check), the name
with its NUL padded to 4 bytes from the header's start, the data padded to 4 bytes,
and a last member named "TRAILER!!!".
"""
import gzip
import os
import sys

S_IFDIR, S_IFREG, S_IFLNK = 0o040000, 0o100000, 0o120000
S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK = 0o020000, 0o060000, 0o010000, 0o140000


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def member(name, mode, data=b"", ino=1, nlink=1, magic=b"070701", check=None, namesize=None,
           filesize=None, rdev=(0, 0), raw_name=None, fields=None):
    if isinstance(name, str):
        name = name.encode()
    nm = raw_name if raw_name is not None else name + b"\0"
    f = [ino, mode, 0, 0, nlink, 0, len(data) if filesize is None else filesize, 0, 0, rdev[0], rdev[1],
         len(nm) if namesize is None else namesize,
         (sum(data) & 0xFFFFFFFF if magic == b"070702" else 0) if check is None else check]
    hdr = magic + b"".join(b"%08X" % v for v in f)
    if fields:  # raw replacement of whole 8-byte fields: {index: b"........"}
        for i, v in fields.items():
            hdr = hdr[:6 + 8 * i] + v + hdr[14 + 8 * i:]
    return pad4(hdr + nm) + pad4(data)


def trailer():
    return member("TRAILER!!!", 0)


def archive(*members, end=True):
    return b"".join(members) + (trailer() if end else b"")


def reg(name, data=b"x", **kw):
    return member(name, S_IFREG | 0o644, data, **kw)


def dirm(name, **kw):
    return member(name, S_IFDIR | 0o755, **kw)


def link(name, target, **kw):
    return member(name, S_IFLNK | 0o777, target.encode() if isinstance(target, str) else target, **kw)


GOOD = [dirm("."), dirm("bin"), reg("bin/init", b"#!init\n", ino=2), link("sh", "bin/init", ino=3)]


def cases():
    good = archive(*GOOD)
    yield "good", good
    yield "absolute", archive(*GOOD, reg("/etc/passwd", ino=9))
    yield "dotdot", archive(*GOOD, reg("bin/../../x", ino=9))
    yield "dotdot-leading", archive(*GOOD, reg("../x", ino=9))
    yield "dot", archive(*GOOD, reg("bin/./x", ino=9))
    yield "empty-component", archive(*GOOD, reg("bin//x", ino=9))
    yield "trailing-slash", archive(*GOOD, dirm("etc/", ino=9))
    yield "duplicate", archive(*GOOD, reg("bin/init", b"again", ino=9))
    yield "duplicate-dir", archive(*GOOD, dirm("bin", ino=9))
    yield "symlink-escape", archive(*GOOD, link("bin/up", "../../etc/passwd", ino=9))
    yield "symlink-escape-abs", archive(*GOOD, link("bin/up", "/../etc", ino=9))
    yield "symlink-dangling", archive(*GOOD, link("bin/pw", "/etc/passwd", ino=9))
    yield "symlink-loop", archive(*GOOD, link("a", "b", ino=9), link("b", "a", ino=10))
    yield "symlink-deep", archive(*GOOD, *[link("l%d" % i, "l%d" % (i + 1), ino=20 + i) for i in range(9)],
                                  reg("l9", ino=40))
    yield "symlink-through-file", archive(*GOOD, link("bin/x", "init/y", ino=9))
    yield "symlink-empty", archive(*GOOD, link("bin/e", b"", ino=9))
    yield "symlink-nul", archive(*GOOD, link("bin/e", b"in\0it", ino=9))
    yield "under-symlink", archive(*GOOD, reg("sh/x", ino=9))
    yield "under-file", archive(*GOOD, reg("bin/init/x", ino=9))
    yield "root-file", archive(reg(".", ino=9))
    yield "hardlink-twice", archive(*GOOD, reg("a", b"one", ino=7, nlink=2), reg("b", b"two", ino=7, nlink=2))
    yield "chardev", archive(*GOOD, member("null", S_IFCHR | 0o666, ino=9, rdev=(1, 3)))
    yield "blockdev", archive(*GOOD, member("sda", S_IFBLK | 0o660, ino=9, rdev=(8, 0)))
    yield "fifo", archive(*GOOD, member("pipe", S_IFIFO | 0o644, ino=9))
    yield "socket", archive(*GOOD, member("sock", S_IFSOCK | 0o644, ino=9))
    yield "unknown-type", archive(*GOOD, member("what", 0o170644, ino=9))
    yield "dir-data", archive(*GOOD, member("etc", S_IFDIR | 0o755, b"data", ino=9))
    yield "truncated-header", good[:50]
    yield "truncated-name", reg("a-rather-long-name")[:115]
    yield "truncated-data", archive(reg("a", b"x" * 100, ino=9), end=False)[:150]
    yield "huge-size", reg("a", b"x" * 8, filesize=0xFFFFFFFF, ino=9) + trailer()
    yield "no-trailer", archive(*GOOD, end=False)
    yield "bad-magic", archive(member("a", S_IFREG | 0o644, b"x", magic=b"070707"))
    yield "binary", bytes(range(256))
    yield "bad-hex", archive(reg("a", ino=9, fields={6: b"0000000G"}))
    yield "namesize-zero", archive(reg("a", ino=9, namesize=0))
    yield "namesize-huge", archive(reg("a", ino=9, namesize=0x10000))
    yield "name-no-nul", archive(reg("a", ino=9, raw_name=b"ab"))
    yield "name-inner-nul", archive(reg("a", ino=9, raw_name=b"a\0b\0"))
    yield "name-too-long", archive(reg("d/" + "n" * 256, ino=9))
    yield "path-too-long", archive(reg("/".join(["d" * 200] * 6), ino=9))
    yield "crc-mismatch", archive(member("a", S_IFREG | 0o644, b"abc", magic=b"070702", check=1))
    yield "padding", good + b"\0" * 3 + good
    yield "gzip", gzip.compress(good, mtime=0)
    yield "empty", b""
    # 65537 entries with the root: one too many
    many = [dirm(".")] + [reg("f%05d" % i, b"", ino=100 + i) for i in range(65536)]
    yield "too-many", archive(*many)
    # good variants the packer takes
    yield "crc", archive(member(".", S_IFDIR | 0o755, magic=b"070702"),
                         member("a", S_IFREG | 0o644, b"abc", magic=b"070702", ino=5))
    yield "concat", good + b"\0" * 508 + archive(reg("etc/motd", b"hi\n", ino=9))
    yield "hardlink", archive(*GOOD, reg("a", b"", ino=7, nlink=2), reg("b", b"shared", ino=7, nlink=2))
    yield "implied-dirs", archive(reg("usr/lib/x", b"x", ino=9))
    yield "dot-slash", archive(dirm("."), dirm("./a", ino=8), reg("./a/b", b"x", ino=9))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in cases():
        with open(os.path.join(out, name + ".cpio"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
