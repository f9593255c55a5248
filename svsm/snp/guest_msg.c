/* SPDX-License-Identifier: MIT */
/* guest_msg.c — see guest_msg.h. */
#include "guest_msg.h"

#include "../lib/string.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ABI layouts are read as host structures");

static void make_iv(uint64_t seqno, uint8_t iv[AES_GCM_IV_SIZE])
{
	for (unsigned i = 0; i < 8; i++)
		iv[i] = (uint8_t)(seqno >> (8 * i));
	iv[8] = iv[9] = iv[10] = iv[11] = 0;
}

int snp_msg_init(struct snp_msg_chan *ch, const uint8_t vmpck[SNP_VMPCK_SIZE], uint8_t vmpck_id)
{
	static const uint8_t zero[SNP_VMPCK_SIZE];
	memset(ch, 0, sizeof(*ch));
	/* An all-zero VMPCK is how a key is marked unusable; encrypting with it would be pointless. */
	if (crypto_equal(vmpck, zero, SNP_VMPCK_SIZE))
		return SNP_MSG_E_KEY;
	aes_gcm_init(&ch->gcm, vmpck);
	ch->vmpck_id = vmpck_id;
	ch->usable = true;
	return SNP_MSG_OK;
}

bool snp_msg_usable(const struct snp_msg_chan *ch)
{
	return ch->usable;
}

void snp_msg_disable(struct snp_msg_chan *ch)
{
	aes_gcm_wipe(&ch->gcm);
	ch->usable = false;
	ch->pending = false;
}

void snp_msg_abort(struct snp_msg_chan *ch)
{
	if (ch->pending)
		snp_msg_disable(ch);
}

int snp_msg_seal(struct snp_msg_chan *ch, uint8_t type, uint8_t version, const void *payload, size_t len,
		 uint8_t msg[SNP_MSG_PAGE_SIZE])
{
	if (!ch->usable)
		return SNP_MSG_E_DISABLED;
	if (ch->pending)
		return SNP_MSG_E_STATE; /* that request's number is still in flight */
	if (len > SNP_MSG_MAX_PAYLOAD)
		return SNP_MSG_E_ARG;
	if (ch->seqno + 1 >= UINT32_MAX)
		return SNP_MSG_E_SEQNO_END;

	struct snp_msg_hdr h;
	memset(&h, 0, sizeof(h));
	h.msg_seqno = ch->seqno + 1;
	h.algo = SNP_AEAD_AES_256_GCM;
	h.hdr_version = SNP_MSG_HDR_VERSION;
	h.hdr_sz = SNP_MSG_HDR_SIZE;
	h.msg_type = type;
	h.msg_version = version;
	h.msg_sz = (uint16_t)len;
	h.msg_vmpck = ch->vmpck_id;
	memset(msg, 0, SNP_MSG_PAGE_SIZE);
	memcpy(msg, &h, sizeof(h));

	uint8_t iv[AES_GCM_IV_SIZE];
	make_iv(h.msg_seqno, iv);
	if (aes_gcm_encrypt(&ch->gcm, iv, sizeof(iv), msg + SNP_MSG_AAD_OFFSET, SNP_MSG_AAD_SIZE, payload, len,
			    msg + SNP_MSG_HDR_SIZE, msg) != AES_GCM_OK)
		return SNP_MSG_E_ARG;
	ch->pending = true;
	ch->pending_type = type;
	ch->pending_version = version;
	return SNP_MSG_OK;
}

/* Everything about the response header that can be checked before the tag. */
static int check_header(const struct snp_msg_chan *ch, const struct snp_msg_hdr *h)
{
	if (h->hdr_version != SNP_MSG_HDR_VERSION)
		return SNP_MSG_E_HDR_VERSION;
	if (h->hdr_sz != SNP_MSG_HDR_SIZE)
		return SNP_MSG_E_HDR_SIZE;
	if (h->algo != SNP_AEAD_AES_256_GCM)
		return SNP_MSG_E_ALGO;
	if (h->msg_type != (uint8_t)(ch->pending_type + 1))
		return SNP_MSG_E_TYPE;
	if (h->msg_version != ch->pending_version)
		return SNP_MSG_E_MSG_VERSION;
	if (h->msg_vmpck != ch->vmpck_id)
		return SNP_MSG_E_VMPCK;
	if (h->msg_seqno != ch->seqno + 2)
		return SNP_MSG_E_SEQNO;
	if (h->msg_sz > SNP_MSG_MAX_PAYLOAD)
		return SNP_MSG_E_MSG_SIZE;
	return SNP_MSG_OK;
}

int snp_msg_open(struct snp_msg_chan *ch, uint8_t msg[SNP_MSG_PAGE_SIZE], size_t *len)
{
	if (!ch->usable)
		return SNP_MSG_E_DISABLED;
	if (!ch->pending)
		return SNP_MSG_E_STATE;
	struct snp_msg_hdr h;
	memcpy(&h, msg, sizeof(h));
	int rc = check_header(ch, &h);
	if (rc == SNP_MSG_OK) {
		uint8_t iv[AES_GCM_IV_SIZE];
		make_iv(h.msg_seqno, iv);
		if (aes_gcm_decrypt(&ch->gcm, iv, sizeof(iv), msg + SNP_MSG_AAD_OFFSET, SNP_MSG_AAD_SIZE,
				    msg + SNP_MSG_HDR_SIZE, h.msg_sz, h.authtag, msg + SNP_MSG_HDR_SIZE) != AES_GCM_OK)
			rc = SNP_MSG_E_TAG;
	}
	if (rc != SNP_MSG_OK) {
		/* The PSP may have consumed the number: see the header for why the key must go. */
		snp_msg_disable(ch);
		return rc;
	}
	ch->pending = false;
	ch->seqno += 2;
	*len = h.msg_sz;
	return SNP_MSG_OK;
}

int snp_msg_report_req(struct snp_msg_chan *ch, const uint8_t data[64], uint8_t msg[SNP_MSG_PAGE_SIZE])
{
	struct snp_report_req r;
	memset(&r, 0, sizeof(r));
	memcpy(r.report_data, data, sizeof(r.report_data));
	r.vmpl = 0;
	r.key_sel = 0;
	return snp_msg_seal(ch, SNP_MSG_REPORT_REQ, SNP_MSG_REPORT_VERSION, &r, sizeof(r), msg);
}

int snp_msg_report_rsp(struct snp_msg_chan *ch, uint8_t msg[SNP_MSG_PAGE_SIZE], uint8_t *out, uint32_t cap,
		       uint32_t *len)
{
	if (ch->usable && ch->pending && ch->pending_type != SNP_MSG_REPORT_REQ)
		return SNP_MSG_E_STATE;
	size_t n;
	int rc = snp_msg_open(ch, msg, &n);
	if (rc != SNP_MSG_OK)
		return rc;
	const uint8_t *p = msg + SNP_MSG_HDR_SIZE;
	struct snp_report_rsp r;
	if (n < sizeof(r))
		return SNP_MSG_E_SHORT;
	memcpy(&r, p, sizeof(r));
	if (r.status != 0)
		return SNP_MSG_E_STATUS;
	if (r.report_size > n - sizeof(r))
		return SNP_MSG_E_REPORT_SIZE;
	if (r.report_size > cap)
		return SNP_MSG_E_TOO_SMALL;
	memcpy(out, p + sizeof(r), r.report_size);
	*len = r.report_size;
	return SNP_MSG_OK;
}

int snp_msg_report(struct snp_msg_chan *ch, const struct snp_msg_transport *t, struct snp_msg_bufs *b,
		   const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len)
{
	int rc = snp_msg_report_req(ch, data, b->req);
	if (rc != SNP_MSG_OK)
		return rc;
	for (unsigned attempt = 0;; attempt++) {
		uint64_t info2 = 0;
		if (t->xfer(t->ctx, b->req, b->resp, &info2) != 0) {
			snp_msg_abort(ch);
			return SNP_MSG_E_TRANSPORT;
		}
		if (info2 == 0)
			break;
		/*
		 * Busy: the hypervisor says it did not pass the request on. Sending the very same
		 * bytes again reuses nothing (same IV, same plaintext); if it lied and the PSP saw
		 * the first copy, the PSP refuses the second and we end up disabling below.
		 */
		if (info2 == SNP_GUEST_VMM_ERR(SNP_GUEST_VMM_ERR_BUSY) && attempt + 1 < SNP_MSG_BUSY_RETRIES) {
			if (t->backoff)
				t->backoff(t->ctx, attempt);
			continue;
		}
		snp_msg_abort(ch);
		if (info2 == SNP_GUEST_VMM_ERR(SNP_GUEST_VMM_ERR_BUSY))
			return SNP_MSG_E_BUSY;
		return (info2 >> 32) ? SNP_MSG_E_VMM : SNP_MSG_E_FIRMWARE;
	}
	return snp_msg_report_rsp(ch, b->resp, out, cap, len);
}

const char *snp_msg_strerror(int err)
{
	switch (err) {
	case SNP_MSG_OK: return "success";
	case SNP_MSG_E_DISABLED: return "channel disabled";
	case SNP_MSG_E_KEY: return "VMPCK is zero";
	case SNP_MSG_E_ARG: return "payload too large";
	case SNP_MSG_E_STATE: return "request/response out of order";
	case SNP_MSG_E_SEQNO_END: return "sequence numbers exhausted";
	case SNP_MSG_E_TRANSPORT: return "GHCB exit failed";
	case SNP_MSG_E_BUSY: return "hypervisor busy";
	case SNP_MSG_E_VMM: return "hypervisor error";
	case SNP_MSG_E_FIRMWARE: return "firmware error";
	case SNP_MSG_E_HDR_VERSION: return "bad header version";
	case SNP_MSG_E_HDR_SIZE: return "bad header size";
	case SNP_MSG_E_ALGO: return "bad algorithm";
	case SNP_MSG_E_TYPE: return "bad message type";
	case SNP_MSG_E_MSG_VERSION: return "bad message version";
	case SNP_MSG_E_VMPCK: return "bad VMPCK id";
	case SNP_MSG_E_SEQNO: return "bad sequence number";
	case SNP_MSG_E_MSG_SIZE: return "bad message size";
	case SNP_MSG_E_TAG: return "authentication failed";
	case SNP_MSG_E_SHORT: return "response too short";
	case SNP_MSG_E_STATUS: return "PSP refused the request";
	case SNP_MSG_E_REPORT_SIZE: return "report size beyond the message";
	case SNP_MSG_E_TOO_SMALL: return "report larger than the buffer";
	default: return "unknown error";
	}
}
