#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tdvf_mrtd_ref.py FIRMWARE single-pass|two-pass — an independent MRTD of a
direct TDVF launch, for tests/cli/t0310-tdx.sh.

Written from the documented layouts alone, sharing nothing with measure/tdvf.c:
the OVMF footer GUID table (96b582de-1fb2-45f7-baea-a366c55a082d, 32 bytes
before the end of the file, entries walked backwards), the TDX metadata entry
e47a6535-984a-4798-865e-4685a7bf8ec2 holding the distance from the end of the
file to the "TDVF" descriptor (edk2 OvmfPkg/ResetVector/X64/IntelTdxMetadata.asm),
32-byte sections {DataOffset u32, RawDataSize u32, MemoryAddress u64,
MemoryDataSize u64, Type u32, Attributes u32}, and the TDX module's records:
MEM.PAGE.ADD (128 bytes) for every page of a section without PAGE_AUG (bit 1),
MR.EXTEND (128-byte header + 256 data bytes) for every 256 bytes of a section
with MR_EXTEND (bit 0), the data read from the file at DataOffset. single-pass
interleaves per page (Linux KVM, td-shim); two-pass adds a section's pages then
extends them (dstack-mr's TwoPass). Python's hashlib computes SHA-384.
"""
import hashlib
import struct
import sys
import uuid

FOOTER = uuid.UUID("96b582de-1fb2-45f7-baea-a366c55a082d").bytes_le
TDX_METADATA = uuid.UUID("e47a6535-984a-4798-865e-4685a7bf8ec2").bytes_le


def descriptor_offset(fw):
    end = len(fw) - 32
    if fw[end - 16:end] != FOOTER:
        sys.exit("no footer GUID table")
    (table_len,) = struct.unpack_from("<H", fw, end - 18)
    start = end - table_len
    end -= 18
    while end > start:
        (size,) = struct.unpack_from("<H", fw, end - 18)
        if fw[end - 16:end] == TDX_METADATA:
            (from_end,) = struct.unpack_from("<I", fw, end - size)
            return len(fw) - from_end
        end -= size
    sys.exit("no TDX metadata entry")


def mrtd(fw, two_pass):
    d = descriptor_offset(fw)
    sig, _length, version, count = struct.unpack_from("<4sIII", fw, d)
    if sig != b"TDVF" or version != 1:
        sys.exit("not a TDVF descriptor")
    h = hashlib.sha384()

    def page_add(gpa):
        h.update(b"MEM.PAGE.ADD" + bytes(4) + struct.pack("<Q", gpa) + bytes(104))

    def extend(gpa, data_off):
        for c in range(0, 4096, 256):
            h.update(b"MR.EXTEND" + bytes(7) + struct.pack("<Q", gpa + c) + bytes(104))
            h.update(fw[data_off + c:data_off + c + 256])

    for i in range(count):
        data_off, _raw, gpa, mem, _type, attr = struct.unpack_from("<IIQQII", fw, d + 16 + 32 * i)
        if attr & 2:
            continue
        pages = range(mem // 4096)
        if two_pass:
            for p in pages:
                page_add(gpa + 4096 * p)
            if attr & 1:
                for p in pages:
                    extend(gpa + 4096 * p, data_off + 4096 * p)
        else:
            for p in pages:
                page_add(gpa + 4096 * p)
                if attr & 1:
                    extend(gpa + 4096 * p, data_off + 4096 * p)
    return h.hexdigest().upper()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("single-pass", "two-pass"):
        sys.exit("usage: tdvf_mrtd_ref.py FIRMWARE single-pass|two-pass")
    with open(sys.argv[1], "rb") as f:
        print(mrtd(f.read(), sys.argv[2] == "two-pass"))
