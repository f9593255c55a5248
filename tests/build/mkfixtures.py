#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates the inputs of the `igvmbuild build` tests into OUTDIR.

  mkfixtures.py OUTDIR KERNEL_ELF [PIE_ELF]

KERNEL_ELF is tests/build/kernel.S assembled and linked by the test (the host
toolchain); from it this script derives the broken kernels. It also writes a
synthetic OVMF image (footer GUID table + SEV metadata, the layout
measure/ovmf.h documents) with good and lying variants, a stage 2, vTPM
manifests and hostile XML. Everything is deterministic.
"""
import os
import struct
import sys
import uuid

out, kernel = sys.argv[1], sys.argv[2]
pie = sys.argv[3] if len(sys.argv) > 3 else None


def w(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def g(s):
    return uuid.UUID(s).bytes_le


FOOTER = g("96b582de-1fb2-45f7-baea-a366c55a082d")
RESET = g("00f771de-1a7e-4fcb-890e-68c77e2fb44e")
META = g("dc886566-984a-4798-a75e-5585a7bf67cc")


def ovmf(size=0x40000, sections=None, meta_off_from_end=None, hdr_version=1, extra_entries=b""):
    """A firmware image: pattern bytes, ASEV metadata at 0x1000, footer table at the end."""
    if sections is None:
        sections = [(0x800000, 0x9000, 1), (0x809000, 0x1000, 4), (0x80D000, 0x1000, 2),
                    (0x80E000, 0x1000, 3), (0x80F000, 0x11000, 1), (0x820000, 0x1000, 0x10)]
    img = bytearray((i * 7 + 3) & 0xFF for i in range(size))
    meta = struct.pack("<4sIII", b"ASEV", 16 + 12 * len(sections), hdr_version, len(sections))
    for s in sections:
        meta += struct.pack("<III", *s)
    img[0x1000:0x1000 + len(meta)] = meta
    mo = size - 0x1000 if meta_off_from_end is None else meta_off_from_end
    entries = extra_entries
    entries += struct.pack("<I", 0xFFFFF004) + struct.pack("<H", 4 + 18) + RESET
    entries += struct.pack("<I", mo) + struct.pack("<H", 4 + 18) + META
    table = entries + struct.pack("<H", len(entries) + 18) + FOOTER
    end = size - 32
    img[end - len(table):end] = table
    return bytes(img)


w("ovmf.fd", ovmf())
w("ovmf-nometa.fd", bytes(0x20000))
# Metadata that claims a section over the SVSM's launch pages (the launch information at 0x20000).
w("ovmf-overlap.fd", ovmf(sections=[(0x20000, 0x1000, 1)]))
# Metadata offset that points before the start of the file.
w("ovmf-lie.fd", ovmf(meta_off_from_end=0x50000))
# Wrong metadata version.
w("ovmf-version.fd", ovmf(hdr_version=7))
# Overlapping sections.
w("ovmf-sections.fd", ovmf(sections=[(0x800000, 0x2000, 1), (0x801000, 0x1000, 2)]))
# No SVSM_CAA / SECRETS / CPUID section: edk2 without AmdSvsmLib cannot run under the SVSM.
w("ovmf-nocaa.fd", ovmf(sections=[(0x800000, 0x9000, 1), (0x80D000, 0x1000, 2), (0x80E000, 0x1000, 3)]))
w("ovmf-nosecrets.fd", ovmf(sections=[(0x800000, 0x9000, 1), (0x809000, 0x1000, 4), (0x80E000, 0x1000, 3)]))
w("ovmf-nocpuid.fd", ovmf(sections=[(0x800000, 0x9000, 1), (0x809000, 0x1000, 4), (0x80D000, 0x1000, 2)]))
# Size that is not a page multiple.
w("ovmf-odd.fd", ovmf()[:-100])
# Firmware so large it reaches down into the kernel region (4 GiB - 0x1000000 ... no: 1 GiB limit);
# a 1 GiB + 4 KiB image is too big to generate cheaply, so the size rule is tested with --firmware of
# an odd size above and the region rule with ovmf-overlap.

w("stage2.bin", bytes((0xF4 if i % 3 == 0 else 0x90) for i in range(300)))
w("stage2-big.bin", bytes(0x10001))

elf = bytearray(open(kernel, "rb").read())
phoff, = struct.unpack_from("<Q", elf, 0x20)
phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)


def ph(i):
    return phoff + i * phentsize


def variant(name, fn):
    b = bytearray(elf)
    fn(b)
    w(name, bytes(b))


loads = [i for i in range(phnum) if struct.unpack_from("<I", elf, ph(i))[0] == 1]
a, b2 = loads[0], loads[1]
variant("kernel-machine.elf", lambda b: struct.pack_into("<H", b, 0x12, 3))
variant("kernel-type.elf", lambda b: struct.pack_into("<H", b, 0x10, 3))
variant("kernel-unaligned.elf", lambda b: struct.pack_into("<Q", b, ph(b2) + 0x10,
                                                           struct.unpack_from("<Q", b, ph(b2) + 0x10)[0] + 0x10))
variant("kernel-overlap.elf", lambda b: struct.pack_into("<Q", b, ph(b2) + 0x10,
                                                         struct.unpack_from("<Q", b, ph(a) + 0x10)[0]))
variant("kernel-region.elf", lambda b: [struct.pack_into("<Q", b, ph(i) + 0x10, 0x400000 + 0x1000 * n)
                                        for n, i in enumerate(loads)] and
        struct.pack_into("<Q", b, 0x18, 0x400000))
variant("kernel-class.elf", lambda b: b.__setitem__(4, 1))
variant("kernel-trunc.elf", lambda b: [struct.pack_into("<Q", b, ph(a) + off, 0x10000000) for off in (0x20, 0x28)])
w("kernel-short.elf", bytes(elf[:40]))
w("not-elf.bin", b"\x7fELG" + bytes(100))
if pie:
    p = bytearray(open(pie, "rb").read())
    struct.pack_into("<H", p, 0x10, 2)  # claim ET_EXEC, keep the .rela.dyn
    w("kernel-reloc.elf", bytes(p))

# vTPM manifests
w("nv-cert.der", bytes(range(256)) * 3)
w("vtpm-full.xml", b"""<?xml version="1.0"?>
<vtpm-manifest version="1">
  <pcr-banks><bank>sha1</bank><bank>sha256</bank><bank>sha384</bank></pcr-banks>
  <endorsement-key algorithm="ecc-nist-p384" template="H-3" persistent="true"/>
  <manufacturer id="TST" vendor="test vendor" firmware-version="0x0102030405060708"/>
  <persistence mode="ephemeral"/>
  <nv-indices>
    <nv-index handle="0x01c0000a" size="1024">
      <attributes>ppwrite ppread ownerread authread no-da platformcreate</attributes>
      <contents-file>nv-cert.der</contents-file>
    </nv-index>
    <nv-index handle="0x01500000" size="8" type="counter">
      <attributes>authwrite authread</attributes>
    </nv-index>
    <nv-index handle="0x01500001" size="16" write-lock="true">
      <attributes>ownerwrite ownerread</attributes>
      <contents-hex>00 11 22 33 44 55 66 77</contents-hex>
    </nv-index>
  </nv-indices>
</vtpm-manifest>
""")


def manifest(nv):
    return ("""<?xml version="1.0"?>
<vtpm-manifest version="1">
  <pcr-banks><bank>sha256</bank></pcr-banks>
  <endorsement-key algorithm="rsa-2048" template="L-1"/>
  <manufacturer id="TST" vendor="v" firmware-version="1"/>
  <persistence mode="ephemeral"/>
  <nv-indices>%s</nv-indices>
</vtpm-manifest>
""" % nv).encode()


w("vtpm-dup.xml", manifest("""
    <nv-index handle="0x01000001" size="8"><attributes>authwrite authread</attributes></nv-index>
    <nv-index handle="0x01000001" size="8"><attributes>authwrite authread</attributes></nv-index>"""))
w("vtpm-handle.xml", manifest("""
    <nv-index handle="0x81000001" size="8"><attributes>authwrite authread</attributes></nv-index>"""))
w("vtpm-toolong.xml", manifest("""
    <nv-index handle="0x01000001" size="4"><attributes>authwrite authread</attributes>
      <contents-hex>0011223344</contents-hex></nv-index>"""))
w("vtpm-noread.xml", manifest("""
    <nv-index handle="0x01000001" size="4"><attributes>authwrite</attributes></nv-index>"""))
w("vtpm-ekmismatch.xml", manifest("").replace(b'template="L-1"', b'template="H-3"'))
w("vtpm-badattr.xml", manifest("""
    <nv-index handle="0x01000001" size="4"><attributes>authwrite authread fly</attributes></nv-index>"""))

# Hostile XML
w("xxe.xml", b"""<?xml version="1.0"?>
<!DOCTYPE igvmbuild-template [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<igvmbuild-template version="1"><description>&xxe;</description></igvmbuild-template>
""")
laughs = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
for i in range(1, 10):
    prev = b"&lol%d;" % (i - 1) if i > 1 else b"&lol;"
    laughs += b' <!ENTITY lol%d "%s">\n' % (i, prev * 10)
laughs += b']>\n<vtpm-manifest version="1"><description>&lol9;</description></vtpm-manifest>\n'
w("laughs.xml", laughs)
w("notxml.xml", b"<igvmbuild-template version='1'><platforms>\n")
w("big.xml", b"<a>" + b" " * (1 << 20) + b"</a>")
