/* SPDX-License-Identifier: MIT */
/*
 * fuzz_snp_guest_resp.c — arbitrary SNP guest response pages fed to the
 * response verifier (svsm/snp/guest_msg.c) after a real MSG_REPORT_REQ was
 * sealed. Input: u8 mode, u16 cap, u16 counter, then the response page
 * (zero-filled to 4 KiB). Mode bits:
 *   0  seal: encrypt the page's payload under the right key with the header as
 *      given, so a tag can be valid and the checks behind it are reached
 *   1  fix: set every header field but msg_sz to what the verifier expects
 *   2  go through snp_msg_report() and a transport instead of the verifier alone
 *   3-4 transport outcome: answered, busy then answered, firmware error, exit failure
 * Contract re-checked on every input: without the seal nothing is accepted
 * and the channel dies; an accepted report fits cap and the payload, came
 * with exactly the expected header and advanced the counter by 2; a refusal
 * after authentication keeps the channel and writes nothing; any other
 * refusal disables the channel and wipes the key.
 */
#include <stdlib.h>
#include <string.h>

#include "../../svsm/snp/guest_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t KEY[32] = { 7, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
				 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5 };

struct fz_transport {
	const uint8_t *page;
	unsigned busy;
	unsigned outcome;
};

static int fz_xfer(void *ctx, const uint8_t req[SNP_MSG_PAGE_SIZE], uint8_t resp[SNP_MSG_PAGE_SIZE],
		   uint64_t *exitinfo2)
{
	struct fz_transport *t = ctx;
	(void)req;
	if (t->outcome == 3)
		return -1;
	if (t->outcome == 2) {
		*exitinfo2 = 0x16;
		return 0;
	}
	if (t->busy) {
		t->busy--;
		*exitinfo2 = SNP_GUEST_VMM_ERR(SNP_GUEST_VMM_ERR_BUSY);
		return 0;
	}
	memcpy(resp, t->page, SNP_MSG_PAGE_SIZE);
	*exitinfo2 = 0;
	return 0;
}

static void seal(struct snp_msg_hdr *h, uint8_t *page)
{
	if (h->msg_sz > SNP_MSG_MAX_PAYLOAD)
		return;
	struct aes_gcm g;
	uint8_t iv[AES_GCM_IV_SIZE] = { 0 };
	memcpy(iv, &h->msg_seqno, 8);
	memcpy(page, h, sizeof(*h));
	aes_gcm_init(&g, KEY);
	if (aes_gcm_encrypt(&g, iv, sizeof(iv), page + SNP_MSG_AAD_OFFSET, SNP_MSG_AAD_SIZE, page + SNP_MSG_HDR_SIZE,
			    h->msg_sz, page + SNP_MSG_HDR_SIZE, page) != AES_GCM_OK)
		abort();
	aes_gcm_wipe(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snp_msg_chan ch;
	static struct snp_msg_bufs bufs;
	static uint8_t page[SNP_MSG_PAGE_SIZE], out[SNP_MSG_PAGE_SIZE + 1];
	static const struct aes_gcm zero_gcm;
	if (size < 5)
		return 0;
	unsigned mode = data[0];
	uint32_t cap = (uint32_t)(data[1] | data[2] << 8) % (SNP_MSG_PAGE_SIZE + 1);
	uint64_t counter = 2ull * (uint64_t)(data[3] | data[4] << 8);
	data += 5;
	size -= 5;
	memset(page, 0, sizeof(page));
	memcpy(page, data, size < sizeof(page) ? size : sizeof(page));

	if (snp_msg_init(&ch, KEY, 0) != SNP_MSG_OK)
		abort();
	ch.seqno = counter;
	uint8_t report_data[64];
	memset(report_data, 0x5A, sizeof(report_data));

	int sealed = mode & 1;
	struct snp_msg_hdr h;
	memcpy(&h, page, sizeof(h));
	if (mode & 2) {
		h.hdr_version = SNP_MSG_HDR_VERSION;
		h.hdr_sz = SNP_MSG_HDR_SIZE;
		h.algo = SNP_AEAD_AES_256_GCM;
		h.msg_type = SNP_MSG_REPORT_RSP;
		h.msg_version = SNP_MSG_REPORT_VERSION;
		h.msg_vmpck = 0;
		h.msg_seqno = counter + 2;
		memcpy(page, &h, sizeof(h));
	}
	if (sealed)
		seal(&h, page);
	struct snp_msg_hdr seen;
	memcpy(&seen, page, sizeof(seen));
	int header_right = seen.hdr_version == SNP_MSG_HDR_VERSION && seen.hdr_sz == SNP_MSG_HDR_SIZE &&
			   seen.algo == SNP_AEAD_AES_256_GCM && seen.msg_type == SNP_MSG_REPORT_RSP &&
			   seen.msg_version == SNP_MSG_REPORT_VERSION && seen.msg_vmpck == 0 &&
			   seen.msg_seqno == counter + 2 && seen.msg_sz <= SNP_MSG_MAX_PAYLOAD;

	memset(out, 0xA5, sizeof(out));
	uint32_t len = 0xFFFFFFFFu;
	int rc;
	unsigned outcome = (mode >> 3) & 3;
	if (mode & 4) {
		struct fz_transport t = { page, outcome == 1 ? 2u : 0u, outcome };
		struct snp_msg_transport tr = { &t, fz_xfer, NULL };
		rc = snp_msg_report(&ch, &tr, &bufs, report_data, out, cap, &len);
		if (outcome >= 2) {
			if ((rc != SNP_MSG_E_FIRMWARE && rc != SNP_MSG_E_TRANSPORT) || snp_msg_usable(&ch))
				abort();
			return 0;
		}
	} else {
		if (snp_msg_report_req(&ch, report_data, bufs.req) != SNP_MSG_OK)
			abort();
		rc = snp_msg_report_rsp(&ch, page, out, cap, &len);
	}

	if (rc == SNP_MSG_OK || rc <= SNP_MSG_E_SHORT) {
		/* Authenticated: only possible with the seal and exactly the expected header. */
		if (!sealed || !header_right || !snp_msg_usable(&ch) || ch.seqno != counter + 2 || ch.pending)
			abort();
		if (rc == SNP_MSG_OK) {
			if (len > cap || len > seen.msg_sz - sizeof(struct snp_report_rsp) || out[len] != 0xA5)
				abort();
		} else {
			if (rc < SNP_MSG_E_TOO_SMALL || len != 0xFFFFFFFFu || out[0] != 0xA5)
				abort();
		}
	} else {
		if (rc > SNP_MSG_E_TRANSPORT || rc < SNP_MSG_E_TAG || snp_msg_usable(&ch) ||
		    memcmp(&ch.gcm, &zero_gcm, sizeof(zero_gcm)) || len != 0xFFFFFFFFu || out[0] != 0xA5)
			abort();
		if (sealed && header_right)
			abort(); /* a correctly sealed, correctly addressed response must authenticate */
	}
	return 0;
}
