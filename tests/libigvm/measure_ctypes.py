#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# measure_ctypes.py — libigvm's <igvm/measure.h> from Python's ctypes (Debian
# python3, no other module), the way an attestation server in Python would
# use it. Run by tests/cli/t0710-libigvm-measure.sh against the installed
# library; prints TAP.
#
#   measure_ctypes.py LIBIGVM.so IGVM DIGEST REPORT VCEK OVMF OVMF_DIGEST IDKEY ID_BLOCK_B64 ID_AUTH_B64
#                     [TDX_IGVM TDX_MRTD TDVF TDVF_SINGLE TDVF_TWO]
#
# The TDX arguments (IGVM_MEASURE_0.2) are the CLI's -p tdx MRTD of TDX_IGVM
# and igvmmeasure tdvf's MRTDs of TDVF in both orders.
# DIGEST, OVMF_DIGEST and the ID block come from the igvmmeasure CLI (whose
# own tests hold them to upstream vectors): the library must give the same.
# OVMF may be "-" (no firmware installed): those checks are skipped.
import base64
import ctypes
import json
import sys

lib_path, igvm, want_digest, report, vcek, ovmf, want_ovmf, idkey, id_block_b64, id_auth_b64 = sys.argv[1:11]
tdx_args = sys.argv[11:16]

n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, what))
    sys.stdout.flush()


class Error(ctypes.Structure):
    _fields_ = [("input", ctypes.c_char * 256), ("rule", ctypes.c_char * 64),
                ("offset", ctypes.c_uint64), ("message", ctypes.c_char * 320)]


RUN_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_uint32)


class Options(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("platform", ctypes.c_uint32), ("loader", ctypes.c_uint32),
                ("compatibility_mask", ctypes.c_uint32), ("threads", ctypes.c_uint32), ("flags", ctypes.c_uint32),
                ("run_fn", RUN_FN), ("run_ctx", ctypes.c_void_p)]


class Details(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("digest_len", ctypes.c_uint32),
                ("digest", ctypes.c_uint8 * 48), ("pages", ctypes.c_uint64 * 8),
                ("hashed_pages", ctypes.c_uint64), ("shared_pages_skipped", ctypes.c_uint64),
                ("threads", ctypes.c_uint32), ("compatibility_mask", ctypes.c_uint32)]


class OvmfOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("mode", ctypes.c_uint32), ("vcpus", ctypes.c_uint32),
                ("vmm", ctypes.c_uint32), ("vcpu_type", ctypes.c_char_p), ("vcpu_sig", ctypes.c_uint64),
                ("guest_features", ctypes.c_uint64), ("kernel", ctypes.c_void_p), ("kernel_len", ctypes.c_uint64),
                ("initrd", ctypes.c_void_p), ("initrd_len", ctypes.c_uint64), ("append", ctypes.c_char_p),
                ("svsm", ctypes.c_void_p), ("svsm_len", ctypes.c_uint64), ("vars_size", ctypes.c_uint64),
                ("ovmf_hash", ctypes.c_void_p)]


class IdBlockParams(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("guest_svn", ctypes.c_uint32), ("ld", ctypes.c_uint8 * 48),
                ("family_id", ctypes.c_uint8 * 16), ("image_id", ctypes.c_uint8 * 16), ("policy", ctypes.c_uint64)]


class TdxDetails(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("compatibility_mask", ctypes.c_uint32),
                ("mrtd", ctypes.c_uint8 * 48), ("page_adds", ctypes.c_uint64), ("mr_extends", ctypes.c_uint64),
                ("hashed_pages", ctypes.c_uint64), ("shared_pages_skipped", ctypes.c_uint64),
                ("large_pages", ctypes.c_uint64)]


ok(ctypes.sizeof(Error) == 648 and ctypes.sizeof(Details) == 144 and ctypes.sizeof(IdBlockParams) == 96 and
   ctypes.sizeof(TdxDetails) == 96, "structure sizes as the C header pins them")

lib = ctypes.CDLL(lib_path)
u8p = ctypes.POINTER(ctypes.c_uint8)
lib.igvm_measure_launch_digest.argtypes = [ctypes.c_char_p, ctypes.c_uint64, ctypes.POINTER(Options),
                                           ctypes.POINTER(Details), ctypes.POINTER(Error)]
lib.igvm_measure_launch_digest.restype = ctypes.c_int32
lib.igvm_measure_launch_digest_path.argtypes = [ctypes.c_char_p, ctypes.POINTER(Options), ctypes.POINTER(Details),
                                                ctypes.POINTER(Error)]
lib.igvm_measure_launch_digest_path.restype = ctypes.c_int32
lib.igvm_measure_ovmf.argtypes = [ctypes.c_char_p, ctypes.c_uint64, ctypes.POINTER(OvmfOptions), u8p,
                                  ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(Error)]
lib.igvm_measure_ovmf.restype = ctypes.c_int32
lib.igvm_measure_id_block.argtypes = [ctypes.POINTER(IdBlockParams), ctypes.c_char_p, ctypes.c_uint64,
                                      ctypes.c_char_p, ctypes.c_uint64, u8p, u8p, ctypes.POINTER(Error)]
lib.igvm_measure_id_block.restype = ctypes.c_int32
lib.igvm_report_verifier_new.restype = ctypes.c_void_p
lib.igvm_report_verifier_free.argtypes = [ctypes.c_void_p]
lib.igvm_report_verifier_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(Error)]
lib.igvm_report_verifier_set.restype = ctypes.c_int32
lib.igvm_report_verifier_set_data.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint64,
                                              ctypes.POINTER(Error)]
lib.igvm_report_verifier_set_data.restype = ctypes.c_int32
lib.igvm_report_verify.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint64,
                                   ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(Error)]
lib.igvm_report_verify.restype = ctypes.c_int32
for f in ("igvm_report_result_verdict", "igvm_report_result_authenticated"):
    getattr(lib, f).argtypes = [ctypes.c_void_p]
    getattr(lib, f).restype = ctypes.c_int32
lib.igvm_report_result_check_count.argtypes = [ctypes.c_void_p]
lib.igvm_report_result_check_count.restype = ctypes.c_uint32
for f, t in (("igvm_report_result_check_name", ctypes.c_char_p), ("igvm_report_result_check_detail", ctypes.c_char_p),
             ("igvm_report_result_check_class", ctypes.c_int32), ("igvm_report_result_check_status", ctypes.c_int32)):
    getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    getattr(lib, f).restype = t
lib.igvm_report_result_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.igvm_report_result_json.restype = ctypes.c_void_p  # freed with igvm_measure_free
lib.igvm_report_result_free.argtypes = [ctypes.c_void_p]
lib.igvm_measure_free.argtypes = [ctypes.c_void_p]
lib.igvm_report_option_name.argtypes = [ctypes.c_uint32, ctypes.POINTER(ctypes.c_int32)]
lib.igvm_report_option_name.restype = ctypes.c_char_p
lib.igvm_measure_tdx_mrtd.argtypes = [ctypes.c_char_p, ctypes.c_uint64, ctypes.c_uint32, ctypes.POINTER(TdxDetails),
                                      ctypes.POINTER(Error)]
lib.igvm_measure_tdx_mrtd.restype = ctypes.c_int32
lib.igvm_measure_tdx_mrtd_path.argtypes = [ctypes.c_char_p, ctypes.c_uint32, ctypes.POINTER(TdxDetails),
                                           ctypes.POINTER(Error)]
lib.igvm_measure_tdx_mrtd_path.restype = ctypes.c_int32
lib.igvm_measure_tdvf.argtypes = [ctypes.c_char_p, ctypes.c_uint64, ctypes.c_uint32, u8p, ctypes.POINTER(Error)]
lib.igvm_measure_tdvf.restype = ctypes.c_int32

# ---- launch digests ----
data = open(igvm, "rb").read()
err = Error()
det = Details(struct_size=ctypes.sizeof(Details))
r = lib.igvm_measure_launch_digest(data, len(data), None, ctypes.byref(det), ctypes.byref(err))
ok(r == 0 and bytes(det.digest[:det.digest_len]).hex().upper() == want_digest,
   "igvm_measure_launch_digest from memory: the CLI's digest %s" % want_digest[:16])
runs = []
cb = RUN_FN(lambda ctx, gpa, pages, kind: runs.append((gpa, pages, kind)))
for threads in (1, 3):
    opts = Options(struct_size=ctypes.sizeof(Options), threads=threads, run_fn=cb)
    det = Details(struct_size=ctypes.sizeof(Details))
    r = lib.igvm_measure_launch_digest_path(igvm.encode(), ctypes.byref(opts), ctypes.byref(det), ctypes.byref(err))
    ok(r == 0 and bytes(det.digest[:48]).hex().upper() == want_digest and det.threads == threads,
       "... from its path with %d thread(s): the same digest" % threads)
ok(len(runs) > 0 and runs[:len(runs) // 2] == runs[len(runs) // 2:] and runs[0][2] in range(1, 7),
   "the run callback reports the same runs each time (%d runs)" % (len(runs) // 2))
# An SEV-SNP file measured as SEV: no such platform header, rule named.
opts = Options(struct_size=ctypes.sizeof(Options), platform=1)
r = lib.igvm_measure_launch_digest(data, len(data), ctypes.byref(opts), ctypes.byref(det), ctypes.byref(err))
ok(r == -3 and err.rule == b"measure.platform", "SEV on an SNP-only file: IGVMAPI_INVALID_FILE, measure.platform")
r = lib.igvm_measure_launch_digest(data[:100], 100, None, ctypes.byref(det), ctypes.byref(err))
ok(r == -3 and err.rule != b"", "a truncated file: a format rule (%s)" % err.rule.decode())
r = lib.igvm_measure_launch_digest_path(b"/nonexistent.igvm", None, ctypes.byref(det), ctypes.byref(err))
ok(r == -1001 and err.input == b"/nonexistent.igvm", "a missing file: IGVM_MEASURE_IO_ERROR naming it")

# ---- OVMF ----
if ovmf != "-":
    fw = open(ovmf, "rb").read()
    o = OvmfOptions(struct_size=ctypes.sizeof(OvmfOptions), mode=2, vcpus=2, vcpu_type=b"EPYC-v4", guest_features=1)
    out = (ctypes.c_uint8 * 48)()
    ln = ctypes.c_uint32()
    r = lib.igvm_measure_ovmf(fw, len(fw), ctypes.byref(o), out, ctypes.byref(ln), ctypes.byref(err))
    ok(r == 0 and ln.value == 48 and bytes(out).hex() == want_ovmf,
       "igvm_measure_ovmf (SNP, 2 vCPUs, EPYC-v4): the CLI's digest %s" % want_ovmf[:16])
    o.vcpu_type = b"Pentium"
    r = lib.igvm_measure_ovmf(fw, len(fw), ctypes.byref(o), out, ctypes.byref(ln), ctypes.byref(err))
    ok(r == -1 and err.input == b"vcpu_type", "an unknown CPU model: IGVMAPI_INVALID_PARAMETER")
else:
    ok(True, "# SKIP no OVMF firmware")
    ok(True, "# SKIP no OVMF firmware")

# ---- ID block ----
key = open(idkey, "rb").read()
p = IdBlockParams(struct_size=ctypes.sizeof(IdBlockParams), guest_svn=0, policy=0x30000)
ctypes.memmove(p.ld, bytes.fromhex(want_digest), 48)
blk = (ctypes.c_uint8 * 96)()
auth = (ctypes.c_uint8 * 4096)()
r = lib.igvm_measure_id_block(ctypes.byref(p), key, len(key), None, 0, blk, auth, ctypes.byref(err))
ok(r == 0 and bytes(blk) == base64.b64decode(id_block_b64) and bytes(auth) == base64.b64decode(id_auth_b64),
   "igvm_measure_id_block: byte for byte the CLI's id-block (deterministic ECDSA)")
r = lib.igvm_measure_id_block(ctypes.byref(p), b"not a key", 9, None, 0, blk, auth, ctypes.byref(err))
ok(r == -3 and err.input == b"id_key", "a key that is not one: IGVMAPI_INVALID_FILE naming id_key")

# ---- TDX (IGVM_MEASURE_0.2) ----
if len(tdx_args) == 5:
    tdx_igvm, want_mrtd, tdvf, want_single, want_two = tdx_args
    data = open(tdx_igvm, "rb").read()
    td = TdxDetails(struct_size=ctypes.sizeof(TdxDetails))
    r = lib.igvm_measure_tdx_mrtd(data, len(data), 0, ctypes.byref(td), ctypes.byref(err))
    ok(r == 0 and bytes(td.mrtd).hex().upper() == want_mrtd and td.mr_extends == 16 * td.hashed_pages,
       "igvm_measure_tdx_mrtd from memory: the CLI's MRTD %s" % want_mrtd[:16])
    tp = TdxDetails(struct_size=ctypes.sizeof(TdxDetails))
    r = lib.igvm_measure_tdx_mrtd_path(tdx_igvm.encode(), 0, ctypes.byref(tp), ctypes.byref(err))
    ok(r == 0 and bytes(tp.mrtd) == bytes(td.mrtd) and tp.compatibility_mask == td.compatibility_mask,
       "... from its path: the same MRTD, mask 0x%x" % tp.compatibility_mask)
    r = lib.igvm_measure_tdx_mrtd(data, len(data), 0x80, ctypes.byref(td), ctypes.byref(err))
    ok(r == -3 and err.rule == b"measure.mask", "a mask the TDX header does not own: measure.mask")
    snp = open(igvm, "rb").read()
    r = lib.igvm_measure_tdx_mrtd(snp, len(snp), 0, ctypes.byref(td), ctypes.byref(err))
    ok(r == -3 and err.rule == b"measure.platform", "an SNP-only file: measure.platform")
    fw = open(tdvf, "rb").read()
    out = (ctypes.c_uint8 * 48)()
    got = []
    for order in (0, 1):
        r = lib.igvm_measure_tdvf(fw, len(fw), order, out, ctypes.byref(err))
        got.append(bytes(out).hex().upper() if r == 0 else "error %d" % r)
    ok(got == [want_single, want_two], "igvm_measure_tdvf, both orders: the CLI's MRTDs")
    r = lib.igvm_measure_tdvf(fw[:4096], 4096, 0, out, ctypes.byref(err))
    ok(r == -3 and err.rule.startswith(b"tdvf.") and err.input == b"firmware",
       "a truncated firmware: a tdvf.* rule (%s)" % err.rule.decode())
    r = lib.igvm_measure_tdvf(fw, len(fw), 7, out, ctypes.byref(err))
    ok(r == -1 and err.input == b"order", "an unknown page order: IGVMAPI_INVALID_PARAMETER naming order")
else:
    for _ in range(7):
        ok(True, "# SKIP no TDX inputs given")

# ---- reports ----
names = []
i = 0
while True:
    takes = ctypes.c_int32()
    name = lib.igvm_report_option_name(i, ctypes.byref(takes))
    if not name:
        break
    names.append(name.decode())
    i += 1
ok("crl" in names and "min-tcb" in names and "require-no-debug" in names, "%d verifier options listed" % len(names))

v = lib.igvm_report_verifier_new()
rep = open(report, "rb").read()
cert = open(vcek, "rb").read()
ok(lib.igvm_report_verifier_set_data(v, b"vcek", cert, len(cert), ctypes.byref(err)) == 0, "a VCEK from memory")
ok(lib.igvm_report_verifier_set(v, b"min-tcb", b"snp=8", ctypes.byref(err)) == 0 and
   lib.igvm_report_verifier_set(v, b"require-no-debug", None, ctypes.byref(err)) == 0, "policy options by name")
res = ctypes.c_void_p()
r = lib.igvm_report_verify(v, rep, len(rep), ctypes.byref(res), ctypes.byref(err))
checks = {}
for k in range(lib.igvm_report_result_check_count(res)):
    checks[lib.igvm_report_result_check_name(res, k).decode()] = (lib.igvm_report_result_check_class(res, k),
                                                                   lib.igvm_report_result_check_status(res, k))
ok(r == 0 and lib.igvm_report_result_verdict(res) == 0 and lib.igvm_report_result_authenticated(res) == 1,
   "a real Milan report and its VCEK: verdict 0, authenticated")
ok(checks.get("signature") == (0, 0) and checks.get("vcek.tcb") == (0, 0) and checks.get("tcb") == (2, 0),
   "checks by name, class and status (signature, vcek.tcb, tcb)")
js = lib.igvm_report_result_json(res, b"report.bin")
doc = json.loads(ctypes.string_at(js).decode())
lib.igvm_measure_free(js)
ok(doc["file"] == "report.bin" and doc["product"] == "Milan" and doc["ok"] is True and
   doc["report"]["version"] == 2, "igvm_report_result_json: the document igvmmeasure prints")
lib.igvm_report_result_free(res)
ok(lib.igvm_report_verifier_set(v, b"min-tcb", b"snp=9", ctypes.byref(err)) == 0, "a stricter minimum TCB")
r = lib.igvm_report_verify(v, rep, len(rep), ctypes.byref(res), ctypes.byref(err))
ok(r == 0 and lib.igvm_report_result_verdict(res) == 5, "... the same report: verdict 5 (policy)")
lib.igvm_report_result_free(res)
bad = bytearray(rep)
bad[0x90] ^= 1
r = lib.igvm_report_verify(v, bytes(bad), len(bad), ctypes.byref(res), ctypes.byref(err))
ok(r == 0 and lib.igvm_report_result_verdict(res) == 8, "a changed measurement byte: verdict 8 (not authentic)")
lib.igvm_report_result_free(res)
r = lib.igvm_report_verify(v, rep[:1000], 1000, ctypes.byref(res), ctypes.byref(err))
ok(r == -3 and err.rule == b"report.size" and err.offset == 1000 and not res.value,
   "1000 bytes: IGVMAPI_INVALID_FILE, report.size at offset 1000, no result")
r = lib.igvm_report_verifier_set(v, b"min-tcb", b"fast", ctypes.byref(err))
ok(r == -1 and err.input == b"--min-tcb", "a malformed option value: IGVMAPI_INVALID_PARAMETER naming the option")
lib.igvm_report_verifier_free(v)

print("1..%d" % n)
sys.exit(1 if failed else 0)
