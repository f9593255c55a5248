/* SPDX-License-Identifier: MIT */
/*
 * vtpm.c — the vTPM protocol (protocol 2): SVSM_VTPM_QUERY (call 0) and
 * SVSM_VTPM_CMD (call 1), and the vTPM's entry in the attestation services
 * manifest.
 *
 * Sources: SVSM spec 58019 rev. 1.00 chapter 8 as the guests implement it —
 * Linux arch/x86/coco/sev/core.c (snp_svsm_vtpm_probe/_send_command) with
 * include/linux/svsm_vtpm.h (the buffer layouts), edk2 OvmfPkg's AmdSvsmLib
 * (AmdSvsmVtpmQuery/Cmd) and Tpm2DeviceLibSvsm — and COCONUT-SVSM's
 * kernel/src/protocols/vtpm.rs for the checks and their error codes.
 *
 * SVSM_VTPM_QUERY: RCX = bitmap of supported platform commands (bit n for the
 * TCG simulator's platform command n: only bit 8, TPM_SEND_COMMAND), RDX =
 * supported features (none: 0). Linux registers its tpm_svsm device only when
 * bit 8 is set.
 *
 * SVSM_VTPM_CMD: RCX = gPA of a 4096-byte buffer, not necessarily page aligned
 * (COCONUT reads one page's worth from any address; edk2 uses a static 4 KiB
 * array, Linux a kmalloc'd one), so it may span two pages and no more. Little
 * endian (the TCG simulator's network order is not used), packed:
 *   request   0x000 u32 platform command (8)   0x004 u8 locality (0)
 *             0x005 u32 inbuf_size (<= 4087)   0x009 inbuf: the TPM command
 *   response  0x000 u32 outbuf_size            0x004 outbuf: the TPM response
 * The TPM answers every TPM command, malformed ones included, with a TPM
 * response; libtpms's buffer is set to 4092 bytes, so a response always fits.
 *
 * Refusals, checked in this order before anything reaches the TPM (so a
 * refused request changes no TPM state, and nothing in guest memory):
 *   RCX = 0                                     INVALID_PARAMETER (COCONUT)
 *   buffer not entirely in guest memory, or in
 *   a page the guest has not validated, or a VMSA  INVALID_ADDRESS
 *   a page the hypervisor took (accessor fault)  INVALID_ADDRESS
 *   platform command other than 8, locality
 *   other than 0, inbuf_size > 4087             INVALID_PARAMETER (COCONUT)
 *   any other call number                       UNSUPPORTED_CALL
 * The request is copied out of guest memory once (no re-read after the
 * checks), the response written once. If the page is taken away between the
 * two, the call answers INVALID_ADDRESS and the response is lost, though the
 * command ran: a TPM whose response buffer vanished.
 */
#include "proto.h"

#include "../lib/string.h"

#define VTPM_BUF 4096u
#define VTPM_REQ_HDR 9u
#define VTPM_RSP_HDR 4u
#define VTPM_INBUF_MAX (VTPM_BUF - VTPM_REQ_HDR)  /* 4087 */
#define VTPM_OUTBUF_MAX (VTPM_BUF - VTPM_RSP_HDR) /* 4092 */
#define TPM_SEND_COMMAND 8u

/* c476f1eb-0123-45a5-9641-b4e7dde5bfe3, in the GUID byte order of the manifest. */
static const uint8_t vtpm_guid[16] = { 0xeb, 0xf1, 0x76, 0xc4, 0x23, 0x01, 0xa5, 0x45,
				       0x96, 0x41, 0xb4, 0xe7, 0xdd, 0xe5, 0xbf, 0xe3 };

int proto_attach_vtpm(struct proto_core *c, const struct proto_vtpm *v, const uint8_t *ek_public, uint32_t len)
{
	if (!v || !v->execute || !ek_public || !len || c->vtpm)
		return -1;
	if (proto_add_service(c, vtpm_guid, ek_public, len))
		return -1;
	c->vtpm = v;
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t send_command(struct proto_core *c, uint64_t gpa)
{
	const struct proto_platform *p = c->plat;
	uint8_t hdr[VTPM_REQ_HDR];
	if (!proto_read(c, gpa, hdr, sizeof(hdr)))
		return SVSM_ERR_INVALID_ADDRESS;
	uint32_t cmd = le32(hdr), size = le32(hdr + 5);
	if (cmd != TPM_SEND_COMMAND || hdr[4] != 0 || size > VTPM_INBUF_MAX)
		return SVSM_ERR_INVALID_PARAMETER;
	uint8_t *in = p->alloc(p->ctx, VTPM_BUF), *out = p->alloc(p->ctx, VTPM_BUF);
	uint32_t rc = SVSM_SUCCESS;
	if (!in || !out) {
		rc = SVSM_ERR_INVALID_REQUEST;
		goto done;
	}
	if (size && !proto_read(c, gpa + VTPM_REQ_HDR, in, size)) {
		rc = SVSM_ERR_INVALID_ADDRESS;
		goto done;
	}
	uint32_t rlen = c->vtpm->execute(c->vtpm->ctx, in, size, out + VTPM_RSP_HDR, VTPM_OUTBUF_MAX);
	if (rlen < 10 || rlen > VTPM_OUTBUF_MAX) {
		rc = SVSM_ERR_INVALID_REQUEST; /* the TPM side broke its contract */
		goto done;
	}
	out[0] = (uint8_t)rlen, out[1] = (uint8_t)(rlen >> 8), out[2] = (uint8_t)(rlen >> 16), out[3] = (uint8_t)(rlen >> 24);
	if (!proto_write(c, gpa, out, VTPM_RSP_HDR + rlen))
		rc = SVSM_ERR_INVALID_ADDRESS;
done:
	if (in) {
		memset(in, 0, VTPM_BUF);
		p->free(p->ctx, in, VTPM_BUF);
	}
	if (out) {
		memset(out, 0, VTPM_BUF);
		p->free(p->ctx, out, VTPM_BUF);
	}
	return rc;
}

uint32_t proto_vtpm_call(struct proto_core *c, uint32_t call, struct proto_regs *r)
{
	if (call == SVSM_VTPM_QUERY) {
		r->rcx = 1ull << TPM_SEND_COMMAND;
		r->rdx = 0;
		return SVSM_SUCCESS;
	}
	if (call != SVSM_VTPM_CMD)
		return SVSM_ERR_UNSUPPORTED_CALL;
	uint64_t gpa = r->rcx;
	if (!gpa)
		return SVSM_ERR_INVALID_PARAMETER;
	if (gpa > UINT64_MAX - VTPM_BUF || !proto_in_guest(c, gpa, VTPM_BUF))
		return SVSM_ERR_INVALID_ADDRESS;
	uint32_t rc = proto_pin(c, gpa, VTPM_BUF);
	if (rc != SVSM_SUCCESS)
		return rc;
	rc = send_command(c, gpa);
	proto_unpin(c, gpa, VTPM_BUF);
	return rc;
}
