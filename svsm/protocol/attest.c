/* SPDX-License-Identifier: MIT */
/*
 * attest.c — the attestation protocol (protocol 1): ATTEST_SERVICES (call 0)
 * and ATTEST_SINGLE_SERVICE (call 1).
 *
 * Sources: SVSM spec 58019 rev. 1.00 chapter 7, Tables 11 and 13 (layout as
 * COCONUT's attest.rs and the AMD SVSM cite them; the call rules as restated
 * in the 2025 SVSM_ATTEST_SINGLE_SERVICE_EX proposal, a strict superset of
 * SINGLE_SERVICE), Linux arch/x86/include/asm/sev.h (struct svsm_attest_call)
 * and drivers/virt/coco/sev-guest (how the guest reads the outputs).
 *
 * RCX = gPA of the operation structure, 8-byte aligned, not crossing a 4 KiB
 * page (INVALID_PARAMETER). Its layout (little endian):
 *   0x00 u64 report buffer gPA (4 KiB aligned)   0x08 u32 size, 0x0C u32 MBZ
 *   0x10 u64 nonce gPA                           0x18 u16 size, 0x1A 6 reserved
 *   0x20 u64 manifest buffer gPA (4 KiB aligned) 0x28 u32 size, 0x2C u32 MBZ
 *   0x30 u64 certificate buffer gPA (4 KiB aligned when its size is not 0)
 *                                                0x38 u32 size, 0x3C u32 MBZ
 * SINGLE_SERVICE adds 0x40 GUID[16], 0x50 u32 manifest version, 0x54 u32 MBZ
 * (88 bytes). Linux declares the sizes as u32 (struct svsm_loc_entry): the
 * same bytes for any nonce size it sends. A non-zero MBZ field, a misaligned
 * buffer, an unknown service GUID or a manifest version other than 0 is
 * INVALID_PARAMETER; a buffer in SVSM memory (or otherwise not accessible
 * guest memory) is INVALID_ADDRESS. The 6 reserved bytes after the nonce size
 * are not marked MBZ and are ignored.
 *
 * Nonce: any size from 1 byte that does not cross a 4 KiB page (else
 * INVALID_PARAMETER). The spec text sets no size; COCONUT (and our reference
 * notes) require exactly 64, the AMD SVSM does not; Linux always sends 64.
 *
 * The services manifest: GUID 63849ebb-3d92-4670-a1ff-58f9c94b87bb, u32 total
 * size, u32 count, count x {GUID, u32 offset, u32 size}, then the services'
 * data; for a single service it is that service's data. REPORT_DATA of the
 * VMPL0 report = SHA-512(nonce || manifest).
 *
 * Outputs and order of checks: a manifest larger than its buffer returns
 * INVALID_PARAMETER with RCX = manifest size, before any report is requested
 * (a report costs a PSP round trip and a VMPCK0 sequence number). A failed
 * report request is 0x80001000 (SVSM_ERR_ATTEST_FAIL_SNP). A report larger
 * than its buffer returns INVALID_PARAMETER with RCX = manifest size, RDX =
 * certificate size, R8 = report size. On success the report and the manifest
 * are copied and RCX, RDX, R8 are the three sizes. On any other error the
 * registers are left as they were (Linux presets RDX and R8 to -1 and only
 * takes a register that changed as a size).
 *
 * Certificates: the report hook is a plain SNP_GUEST_REQUEST, which returns
 * none, so RDX is always 0 and the certificate buffer is never written. The
 * spec makes the buffer optional and the certificate data whatever the
 * hypervisor supplies; COCONUT does the same, and Linux treats RDX = 0 as "no
 * auxblob".
 */
#include "proto.h"

#include "../lib/sha512.h"
#include "../lib/string.h"

#define OP_SIZE 64u
#define OP_SINGLE_SIZE 88u
#define MANIFEST_MAX 4096u
#define REPORT_MAX 4096u
#define NONCE_MAX 4096u

static const uint8_t manifest_guid[16] = { 0xbb, 0x9e, 0x84, 0x63, 0x92, 0x3d, 0x70, 0x46,
					   0xa1, 0xff, 0x58, 0xf9, 0xc9, 0x4b, 0x87, 0xbb };

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Builds the manifest into m (MANIFEST_MAX bytes); returns its size or 0 if it does not fit. */
static uint32_t build_manifest(const struct proto_core *c, int single, uint8_t *m)
{
	if (single >= 0) {
		const struct proto_service *s = &c->svc[single];
		if (s->len > MANIFEST_MAX)
			return 0;
		memcpy(m, s->data, s->len);
		return s->len;
	}
	uint32_t off = 24 + 24 * c->nsvc;
	memcpy(m, manifest_guid, 16);
	wr32(m + 20, c->nsvc);
	for (unsigned i = 0; i < c->nsvc; i++) {
		const struct proto_service *s = &c->svc[i];
		if (s->len > MANIFEST_MAX - off)
			return 0;
		memcpy(m + 24 + 24 * i, s->guid, 16);
		wr32(m + 24 + 24 * i + 16, off);
		wr32(m + 24 + 24 * i + 20, s->len);
		memcpy(m + off, s->data, s->len);
		off += s->len;
	}
	wr32(m + 16, off);
	return off;
}

/* Copies len bytes between the SVSM and pinned guest memory; a page the SVSM cannot
 * access (the hypervisor took it) is INVALID_ADDRESS. */
static uint32_t guest_copy(struct proto_core *c, uint64_t gpa, void *buf, uint32_t len, bool to_guest)
{
	uint32_t rc = proto_pin(c, gpa, len);
	if (rc != SVSM_SUCCESS)
		return rc;
	bool ok = to_guest ? proto_write(c, gpa, buf, len) : proto_read(c, gpa, buf, len);
	proto_unpin(c, gpa, len);
	return ok ? SVSM_SUCCESS : SVSM_ERR_INVALID_ADDRESS;
}

static bool page_crossing(uint64_t gpa, uint64_t len)
{
	return (gpa & 0xFFF) + len > 4096;
}

uint32_t proto_attest_call(struct proto_core *c, uint32_t call, struct proto_regs *r)
{
	if (call != SVSM_ATTEST_SERVICES && call != SVSM_ATTEST_SINGLE_SERVICE)
		return SVSM_ERR_UNSUPPORTED_CALL;
	uint8_t op[OP_SINGLE_SIZE];
	uint32_t opsz = call == SVSM_ATTEST_SERVICES ? OP_SIZE : OP_SINGLE_SIZE;
	if ((r->rcx & 7) || page_crossing(r->rcx, opsz))
		return SVSM_ERR_INVALID_PARAMETER;
	uint32_t rc = guest_copy(c, r->rcx, op, opsz, false); /* one copy: no TOCTOU on the fields */
	if (rc != SVSM_SUCCESS)
		return rc;
	uint64_t report_gpa = rd64(op + 0x00), nonce_gpa = rd64(op + 0x10), manifest_gpa = rd64(op + 0x20);
	uint64_t cert_gpa = rd64(op + 0x30);
	uint32_t report_size = rd32(op + 0x08), manifest_size = rd32(op + 0x28), cert_size = rd32(op + 0x38);
	uint16_t nonce_size;
	memcpy(&nonce_size, op + 0x18, 2);
	if (rd32(op + 0x0C) || rd32(op + 0x2C) || rd32(op + 0x3C))
		return SVSM_ERR_INVALID_PARAMETER;
	if ((report_gpa | manifest_gpa) & 0xFFF || (cert_size && (cert_gpa & 0xFFF)))
		return SVSM_ERR_INVALID_PARAMETER;
	int single = -1;
	if (call == SVSM_ATTEST_SINGLE_SERVICE) {
		if (rd32(op + 0x50) != 0 || rd32(op + 0x54) != 0)
			return SVSM_ERR_INVALID_PARAMETER; /* only manifest version 0 exists; MBZ */
		for (unsigned i = 0; i < c->nsvc && single < 0; i++)
			if (!memcmp(c->svc[i].guid, op + 0x40, 16))
				single = (int)i;
		if (single < 0)
			return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!nonce_size || page_crossing(nonce_gpa, nonce_size))
		return SVSM_ERR_INVALID_PARAMETER;

	const struct proto_platform *p = c->plat;
	uint8_t *m = p->alloc(p->ctx, MANIFEST_MAX), *rep = p->alloc(p->ctx, REPORT_MAX);
	uint8_t *nonce = p->alloc(p->ctx, NONCE_MAX), data[SHA512_DIGEST_SIZE];
	uint32_t msize = 0, rsize = 0;
	if (!m || !rep || !nonce) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	msize = build_manifest(c, single, m);
	if (!msize && (single < 0 || c->svc[single].len)) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	if (manifest_size < msize) {
		r->rcx = msize;
		rc = SVSM_ERR_INVALID_PARAMETER;
		goto out;
	}
	rc = guest_copy(c, nonce_gpa, nonce, nonce_size, false);
	if (rc != SVSM_SUCCESS)
		goto out;
	struct sha512_ctx h;
	sha512_init(&h);
	sha512_update(&h, nonce, nonce_size);
	sha512_update(&h, m, msize);
	sha512_final(&h, data);
	if (p->report(p->ctx, data, rep, REPORT_MAX, &rsize) || !rsize || rsize > REPORT_MAX) {
		rc = SVSM_ERR_ATTEST_FAIL_SNP;
		goto out;
	}
	if (report_size < rsize) {
		r->rcx = msize;
		r->rdx = 0;
		r->r8 = rsize;
		rc = SVSM_ERR_INVALID_PARAMETER;
		goto out;
	}
	rc = guest_copy(c, report_gpa, rep, rsize, true);
	if (rc == SVSM_SUCCESS && msize)
		rc = guest_copy(c, manifest_gpa, m, msize, true);
	if (rc == SVSM_SUCCESS) {
		r->rcx = msize;
		r->rdx = 0;
		r->r8 = rsize;
	}
out:
	if (m)
		p->free(p->ctx, m, MANIFEST_MAX);
	if (rep)
		p->free(p->ctx, rep, REPORT_MAX);
	if (nonce)
		p->free(p->ctx, nonce, NONCE_MAX);
	return rc;
}
