/* SPDX-License-Identifier: MIT */
/*
 * attest.c — the attestation protocol (SVSM spec, "Attestation Protocol",
 * protocol 1): ATTEST_SERVICES (call 0) and ATTEST_SINGLE_SERVICE (call 1).
 *
 * RCX = GPA of the operation structure (64 bytes; 88 for a single service:
 * + service GUID and manifest version). The manifest of all services is
 *   GUID 63849ebb-3d92-4670-a1ff-58f9c94b87bb, u32 total size, u32 count,
 *   count x {GUID, u32 offset, u32 size}, then the services' data;
 * for a single service it is that service's data. REPORT_DATA of the VMPL0
 * report = SHA-512(nonce || manifest). Outputs: RCX = manifest size, RDX =
 * certificate size (0: certificates are not supplied), R8 = report size —
 * also when a buffer is too small (SVSM_ERR_INVALID_PARAMETER), so the guest
 * can retry with the right sizes.
 */
#include "proto.h"

#include "../lib/sha512.h"
#include "../lib/string.h"

#define OP_SIZE 64u
#define OP_SINGLE_SIZE 88u
#define MANIFEST_MAX 4096u
#define REPORT_MAX 4096u
#define NONCE_SIZE 64u

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

/* Copies len bytes between the SVSM and pinned guest memory. */
static uint32_t guest_copy(struct proto_core *c, uint64_t gpa, void *buf, uint32_t len, bool to_guest)
{
	void *g;
	uint32_t rc = proto_pin(c, gpa, len, to_guest, &g);
	if (rc != SVSM_SUCCESS)
		return rc;
	if (to_guest)
		memcpy(g, buf, len);
	else
		memcpy(buf, g, len);
	proto_unpin(c, gpa, len);
	return SVSM_SUCCESS;
}

uint32_t proto_attest_call(struct proto_core *c, uint32_t call, struct proto_regs *r)
{
	if (call != SVSM_ATTEST_SERVICES && call != SVSM_ATTEST_SINGLE_SERVICE)
		return SVSM_ERR_UNSUPPORTED_CALL;
	uint8_t op[OP_SINGLE_SIZE];
	uint32_t opsz = call == SVSM_ATTEST_SERVICES ? OP_SIZE : OP_SINGLE_SIZE;
	if (r->rcx & 7)
		return SVSM_ERR_INVALID_PARAMETER;
	uint32_t rc = guest_copy(c, r->rcx, op, opsz, false); /* one copy: no TOCTOU on the fields */
	if (rc != SVSM_SUCCESS)
		return rc;
	uint64_t report_gpa = rd64(op + 0), nonce_gpa = rd64(op + 16), manifest_gpa = rd64(op + 32);
	uint32_t report_size = rd32(op + 8), manifest_size = rd32(op + 40);
	uint16_t nonce_size;
	memcpy(&nonce_size, op + 24, 2);
	int single = -1;
	if (call == SVSM_ATTEST_SINGLE_SERVICE) {
		if (rd32(op + 80) != 0)
			return SVSM_ERR_INVALID_PARAMETER; /* only manifest version 0 exists */
		for (unsigned i = 0; i < c->nsvc && single < 0; i++)
			if (!memcmp(c->svc[i].guid, op + 64, 16))
				single = (int)i;
		if (single < 0)
			return SVSM_ERR_INVALID_PARAMETER;
	}
	if (nonce_size != NONCE_SIZE || ((nonce_gpa & 0xFFF) + nonce_size) > 4096)
		return SVSM_ERR_INVALID_PARAMETER;

	const struct proto_platform *p = c->plat;
	uint8_t *m = p->alloc(p->ctx, MANIFEST_MAX), *rep = p->alloc(p->ctx, REPORT_MAX);
	uint8_t nonce[NONCE_SIZE], data[SHA512_DIGEST_SIZE];
	uint32_t msize = 0, rsize = 0;
	if (!m || !rep) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	msize = build_manifest(c, single, m);
	if (!msize && (single < 0 || c->svc[single].len)) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	r->rcx = msize;
	r->rdx = 0;
	r->r8 = 0;
	rc = guest_copy(c, nonce_gpa, nonce, NONCE_SIZE, false);
	if (rc != SVSM_SUCCESS)
		goto out;
	struct sha512_ctx h;
	sha512_init(&h);
	sha512_update(&h, nonce, NONCE_SIZE);
	sha512_update(&h, m, msize);
	sha512_final(&h, data);
	if (p->report(p->ctx, data, rep, REPORT_MAX, &rsize) || rsize > REPORT_MAX) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto out;
	}
	r->r8 = rsize;
	if (manifest_size < msize || report_size < rsize) {
		rc = SVSM_ERR_INVALID_PARAMETER;
		goto out;
	}
	if (msize)
		rc = guest_copy(c, manifest_gpa, m, msize, true);
	if (rc == SVSM_SUCCESS)
		rc = guest_copy(c, report_gpa, rep, rsize, true);
out:
	if (m)
		p->free(p->ctx, m, MANIFEST_MAX);
	if (rep)
		p->free(p->ctx, rep, REPORT_MAX);
	return rc;
}
