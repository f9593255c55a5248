/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_guest_msg.c — svsm/snp/guest_msg against a model of the PSP
 * written here, independently, from the SEV-SNP ABI's byte offsets and with
 * OpenSSL's AES-256-GCM: it checks every field of each request, decrypts it
 * with the VMPCK, and answers MSG_REPORT_RSP with a report whose REPORT_DATA
 * (offset 0x50) is the request's. Between the two sits a test transport that
 * plays the hostile hypervisor: busy, failing, replaying, or rewriting the
 * response (with or without re-sealing it, so that each check is seen to
 * work on its own and not only through the tag).
 */
#include <openssl/evp.h>
#include <stdlib.h>

#include "../unit/tap.h"

#include "../../svsm/snp/guest_msg.h"

#define PAGE 4096u

static uint64_t rd(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void wr(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ---- the PSP ------------------------------------------------------------------------------------- */

/* One AES-256-GCM operation with a 12-byte IV; decrypt returns 0 when the tag verifies. */
static int gcm(int enc, const uint8_t key[32], const uint8_t iv[12], const uint8_t *aad, int aad_len,
	       const uint8_t *in, int len, uint8_t *out, uint8_t tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok = c && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv, enc) == 1 &&
		    EVP_CipherUpdate(c, NULL, &n, aad, aad_len) == 1 && (len == 0 || EVP_CipherUpdate(c, out, &n, in, len) == 1);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
	if (ok)
		ok = EVP_CipherFinal_ex(c, out + len, &n) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* The fields of the response the PSP is about to seal; a test may change any of them first. */
struct rsp_fields {
	uint64_t seqno;
	uint8_t algo, hdr_version, type, version, vmpck;
	uint16_t hdr_sz, msg_sz;
	uint32_t status, report_size;
};

struct psp {
	uint8_t vmpck[32];
	uint64_t last;            /* last sequence number used on this VMPCK */
	unsigned requests;        /* requests accepted */
	unsigned refused;         /* requests refused (malformed or out of sequence) */
	uint8_t last_data[64];    /* REPORT_DATA of the last accepted request */
	void (*tweak)(struct rsp_fields *f);
};

#define FW_ERR_INVALID_PARAM 0x16u /* SEV firmware status INVALID_PARAM */

/* Processes a request page; returns SW_EXITINFO2 as the hypervisor would pass it on. */
static uint64_t psp_guest_request(struct psp *p, const uint8_t *req, uint8_t *resp)
{
	uint64_t seqno = rd(req + 0x20, 8);
	unsigned msg_sz = (unsigned)rd(req + 0x36, 2);
	int bad = req[0x30] != 1 || req[0x31] != 1 || rd(req + 0x32, 2) != 0x60 || req[0x34] != 5 || req[0x35] != 1 ||
		  req[0x3C] != 0 || msg_sz != 0x60 || seqno != p->last + 1 || !all_zero(req + 0x10, 16) ||
		  !all_zero(req + 0x28, 8) || !all_zero(req + 0x38, 4) || !all_zero(req + 0x3D, 35) ||
		  !all_zero(req + 0x60 + msg_sz, PAGE - 0x60 - msg_sz);
	uint8_t iv[12] = { 0 }, pt[0x60], tag[16];
	wr(iv, seqno, 8);
	memcpy(tag, req, 16);
	if (!bad)
		bad = gcm(0, p->vmpck, iv, req + 0x30, 0x30, req + 0x60, 0x60, pt, tag) != 0;
	if (!bad) /* VMPL 0, KEY_SEL 0, reserved zero */
		bad = rd(pt + 0x40, 4) != 0 || rd(pt + 0x44, 4) != 0 || !all_zero(pt + 0x48, 24);
	if (bad) {
		p->refused++;
		return FW_ERR_INVALID_PARAM;
	}
	p->requests++;
	memcpy(p->last_data, pt, 64);

	uint8_t payload[PAGE - 0x60];
	memset(payload, 0, sizeof(payload));
	uint8_t *report = payload + 0x20;
	wr(report + 0x00, 2, 4);              /* VERSION */
	wr(report + 0x30, 0, 4);              /* VMPL */
	wr(report + 0x34, 1, 4);              /* SIGNATURE_ALGO: ECDSA P-384 */
	memcpy(report + 0x50, pt, 64);        /* REPORT_DATA */
	for (unsigned i = 0x90; i < 0x4A0; i++)
		report[i] = (uint8_t)(i * 7 + seqno);
	struct rsp_fields f = { seqno + 1, 1, 1, 6, 1, 0, 0x60, 0x20 + 0x4A0, 0, 0x4A0 };
	if (p->tweak)
		p->tweak(&f);
	wr(payload + 0, f.status, 4);
	wr(payload + 4, f.report_size, 4);

	memset(resp, 0, PAGE);
	wr(resp + 0x20, f.seqno, 8);
	resp[0x30] = f.algo;
	resp[0x31] = f.hdr_version;
	wr(resp + 0x32, f.hdr_sz, 2);
	resp[0x34] = f.type;
	resp[0x35] = f.version;
	wr(resp + 0x36, f.msg_sz, 2);
	resp[0x3C] = f.vmpck;
	unsigned n = f.msg_sz <= PAGE - 0x60 ? f.msg_sz : 0; /* an impossible size: sealed over nothing */
	wr(iv, f.seqno, 8);
	if (gcm(1, p->vmpck, iv, resp + 0x30, 0x30, payload, (int)n, resp + 0x60, resp))
		abort();
	p->last = seqno + 1;
	return 0;
}

/* ---- the hypervisor in between ------------------------------------------------------------------- */

struct hv {
	struct psp *psp;
	unsigned calls, backoffs;
	unsigned busy;          /* answer BUSY this many times before passing requests on */
	int fail_exit;          /* 1: the exit fails before the PSP, 2: after the PSP answered */
	uint64_t info2;         /* nonzero: return this instead of forwarding */
	int replay;             /* answer with the response saved from the previous exchange */
	void (*mangle)(uint8_t *resp);
	uint8_t saved[PAGE];
	uint8_t first_req[PAGE];
	int req_changed;        /* a retry carried different bytes */
};

static int hv_xfer(void *ctx, const uint8_t req[PAGE], uint8_t resp[PAGE], uint64_t *info2)
{
	struct hv *h = ctx;
	if (h->calls++ == 0)
		memcpy(h->first_req, req, PAGE);
	else if (memcmp(h->first_req, req, PAGE))
		h->req_changed = 1;
	memset(resp, 0xEE, PAGE); /* whatever the shared page held */
	if (h->fail_exit == 1)
		return -1;
	if (h->busy) {
		h->busy--;
		*info2 = SNP_GUEST_VMM_ERR(SNP_GUEST_VMM_ERR_BUSY);
		return 0;
	}
	if (h->info2) {
		*info2 = h->info2;
		return 0;
	}
	uint8_t fresh[PAGE];
	*info2 = psp_guest_request(h->psp, req, fresh);
	if (h->fail_exit == 2)
		return -1;
	if (h->replay)
		memcpy(resp, h->saved, PAGE);
	else
		memcpy(resp, fresh, PAGE);
	memcpy(h->saved, fresh, PAGE);
	if (h->mangle)
		h->mangle(resp);
	return 0;
}

static void hv_backoff(void *ctx, unsigned attempt)
{
	(void)attempt;
	((struct hv *)ctx)->backoffs++;
}

/* ---- fixtures ------------------------------------------------------------------------------------ */

static const uint8_t KEY[32] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB,
				 0xCC, 0xDD, 0xEE, 0xFF, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD,
				 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10, 0x0F };

struct env {
	struct snp_msg_chan ch;
	struct psp psp;
	struct hv hv;
	struct snp_msg_transport t;
	struct snp_msg_bufs bufs;
	uint8_t data[64];
	uint8_t out[PAGE];
	uint32_t len;
};

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));
	if (!e || snp_msg_init(&e->ch, KEY, 0) != SNP_MSG_OK)
		abort();
	memcpy(e->psp.vmpck, KEY, 32);
	e->hv.psp = &e->psp;
	e->t.ctx = &e->hv;
	e->t.xfer = hv_xfer;
	e->t.backoff = hv_backoff;
	for (unsigned i = 0; i < 64; i++)
		e->data[i] = (uint8_t)(0xA0 ^ i);
	return e;
}

static int report(struct env *e, uint32_t cap)
{
	e->data[0]++; /* a new nonce each time */
	memset(e->out, 0xCC, sizeof(e->out));
	e->len = 0xDEAD;
	return snp_msg_report(&e->ch, &e->t, &e->bufs, e->data, e->out, cap, &e->len);
}

/* The channel is disabled with its key schedule wiped, and nothing more reaches the hypervisor. */
static int is_dead(struct env *e)
{
	static const struct aes_gcm zero;
	unsigned calls = e->hv.calls;
	e->hv.mangle = NULL;
	e->hv.replay = 0;
	e->hv.fail_exit = 0;
	e->hv.info2 = 0;
	e->psp.tweak = NULL;
	return !snp_msg_usable(&e->ch) && !memcmp(&e->ch.gcm, &zero, sizeof(zero)) &&
	       report(e, PAGE) == SNP_MSG_E_DISABLED && e->hv.calls == calls;
}

/* The channel still works: the next exchange succeeds, in step with the PSP. */
static int still_works(struct env *e)
{
	e->hv.mangle = NULL;
	e->hv.replay = 0;
	e->psp.tweak = NULL;
	return snp_msg_usable(&e->ch) && report(e, PAGE) == SNP_MSG_OK && e->ch.seqno == e->psp.last;
}

/* ---- tests --------------------------------------------------------------------------------------- */

static void round_trip(void)
{
	struct env *e = env_new();
	int rc = report(e, PAGE);
	is_u64(rc, SNP_MSG_OK, "round trip: a report comes back");
	is_u64(e->len, SNP_REPORT_SIZE, "round trip: report size 0x4A0");
	is_mem(e->out + SNP_REPORT_DATA_OFFSET, e->data, 64, "round trip: REPORT_DATA at 0x50 is ours");
	is_u64(rd(e->out, 4), 2, "round trip: out holds the report itself (VERSION at 0), not the wrapper");
	ok(e->out[SNP_REPORT_SIZE] == 0xCC, "round trip: nothing written past the report");
	is_u64(e->psp.requests, 1, "round trip: the PSP accepted exactly one request");
	is_u64(rd(e->hv.first_req + 0x20, 8), 1, "first request carries sequence number 1");
	is_u64(e->ch.seqno, 2, "after one exchange the counter is 2 (request 1, response 2)");
	is_mem(e->psp.last_data, e->data, 64, "the PSP decrypted our REPORT_DATA");

	unsigned bad = 0;
	for (unsigned i = 0; i < 20; i++) {
		e->hv.calls = 0;
		uint64_t before = e->ch.seqno;
		if (report(e, SNP_REPORT_SIZE) != SNP_MSG_OK || e->ch.seqno != before + 2 ||
		    rd(e->hv.first_req + 0x20, 8) != before + 1 || e->psp.last != e->ch.seqno ||
		    memcmp(e->out + 0x50, e->data, 64))
			bad++;
	}
	is_u64(bad, 0, "20 more exchanges: request = counter + 1, counter advances by 2, in step with the PSP");
	is_u64(e->psp.refused, 0, "the PSP model refused none of our requests (header, reserved bytes, payload)");
	free(e);
}

static void busy(void)
{
	struct env *e = env_new();
	e->hv.busy = 3;
	ok(report(e, PAGE) == SNP_MSG_OK && e->hv.calls == 4 && e->hv.backoffs == 3 && e->psp.requests == 1,
	   "busy three times, then answered: one report, backoff before each retry");
	ok(!e->hv.req_changed, "every retry carried the very same request bytes");
	ok(still_works(e), "the channel goes on after busy retries");
	free(e);

	e = env_new();
	e->hv.busy = 1000;
	is_u64(report(e, PAGE), SNP_MSG_E_BUSY, "busy forever: refused after the retries");
	is_u64(e->hv.calls, SNP_MSG_BUSY_RETRIES, "busy forever: exactly SNP_MSG_BUSY_RETRIES attempts");
	ok(is_dead(e), "busy forever: channel disabled (the hypervisor may have forwarded a copy)");
	free(e);
}

struct hv_case {
	const char *name;
	int fail_exit;
	uint64_t info2;
	int want;
};

static void hypervisor_errors(void)
{
	static const struct hv_case cases[] = {
		{ "GHCB exit fails before the PSP", 1, 0, SNP_MSG_E_TRANSPORT },
		{ "GHCB exit fails after the PSP answered", 2, 0, SNP_MSG_E_TRANSPORT },
		{ "firmware error in SW_EXITINFO2[31:0]", 0, FW_ERR_INVALID_PARAM, SNP_MSG_E_FIRMWARE },
		{ "VMM error INVALID_LEN (extended requests only)", 0, SNP_GUEST_VMM_ERR(1), SNP_MSG_E_VMM },
		{ "unknown VMM error", 0, SNP_GUEST_VMM_ERR(0x80000000u) | 5, SNP_MSG_E_VMM },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env *e = env_new();
		report(e, PAGE);
		e->hv.fail_exit = cases[i].fail_exit;
		e->hv.info2 = cases[i].info2;
		is_u64(report(e, PAGE), cases[i].want, "%s: refused", cases[i].name);
		ok(is_dead(e), "%s: channel disabled, key wiped", cases[i].name);
		free(e);
	}
}

/* Response rewrites the PSP itself seals (valid tag): each header check must stand on its own. */
static void t_seq_plus2(struct rsp_fields *f) { f->seqno += 2; }
static void t_seq_minus2(struct rsp_fields *f) { f->seqno -= 2; }
static void t_seq_hi(struct rsp_fields *f) { f->seqno |= 1ull << 32; }
static void t_type_req(struct rsp_fields *f) { f->type = 5; }
static void t_type_7(struct rsp_fields *f) { f->type = 7; }
static void t_version(struct rsp_fields *f) { f->version = 2; }
static void t_hdr_version(struct rsp_fields *f) { f->hdr_version = 2; }
static void t_hdr_sz_small(struct rsp_fields *f) { f->hdr_sz = 0x5F; }
static void t_hdr_sz_big(struct rsp_fields *f) { f->hdr_sz = 0x70; }
static void t_algo0(struct rsp_fields *f) { f->algo = 0; }
static void t_algo2(struct rsp_fields *f) { f->algo = 2; }
static void t_vmpck(struct rsp_fields *f) { f->vmpck = 1; }
static void t_msg_sz_max(struct rsp_fields *f) { f->msg_sz = 4001; }
static void t_msg_sz_ffff(struct rsp_fields *f) { f->msg_sz = 0xFFFF; }

/* Rewrites by the hypervisor after sealing (the tag no longer matches, or the bytes are replayed). */
static void m_tag(uint8_t *r) { r[5] ^= 0x10; }
static void m_ct(uint8_t *r) { r[0x60 + 0x50] ^= 1; }
static void m_ct_last(uint8_t *r) { r[0x60 + 0x4BF] ^= 0x80; }
static void m_aad_rsvd(uint8_t *r) { r[0x50] ^= 1; }
static void m_msg_sz_shrink(uint8_t *r) { wr(r + 0x36, 0x4A0, 2); }
static void m_msg_sz_big(uint8_t *r) { wr(r + 0x36, 0xFA1, 2); }
static void m_zero(uint8_t *r) { memset(r, 0, PAGE); }
static void m_seq(uint8_t *r) { r[0x20] += 2; }
static void m_hdr_sz(uint8_t *r) { r[0x32] = 0x40; }

struct bad_case {
	const char *name;
	void (*tweak)(struct rsp_fields *f);
	void (*mangle)(uint8_t *r);
	int replay;
	int want;
};

static void hostile_responses(void)
{
	static const struct bad_case cases[] = {
		{ "tag bit flipped", NULL, m_tag, 0, SNP_MSG_E_TAG },
		{ "ciphertext bit flipped (REPORT_DATA)", NULL, m_ct, 0, SNP_MSG_E_TAG },
		{ "ciphertext last byte flipped", NULL, m_ct_last, 0, SNP_MSG_E_TAG },
		{ "reserved header byte (in the AAD) changed", NULL, m_aad_rsvd, 0, SNP_MSG_E_TAG },
		{ "msg_sz shrunk (tag over the wrong length)", NULL, m_msg_sz_shrink, 0, SNP_MSG_E_TAG },
		{ "replay of the previous response", NULL, NULL, 1, SNP_MSG_E_SEQNO },
		{ "sequence number rewritten", NULL, m_seq, 0, SNP_MSG_E_SEQNO },
		{ "sealed: sequence number + 2", t_seq_plus2, NULL, 0, SNP_MSG_E_SEQNO },
		{ "sealed: sequence number - 2 (old)", t_seq_minus2, NULL, 0, SNP_MSG_E_SEQNO },
		{ "sealed: sequence number with bit 32 set", t_seq_hi, NULL, 0, SNP_MSG_E_SEQNO },
		{ "sealed: type = request type", t_type_req, NULL, 0, SNP_MSG_E_TYPE },
		{ "sealed: type 7", t_type_7, NULL, 0, SNP_MSG_E_TYPE },
		{ "sealed: message version 2", t_version, NULL, 0, SNP_MSG_E_MSG_VERSION },
		{ "sealed: header version 2", t_hdr_version, NULL, 0, SNP_MSG_E_HDR_VERSION },
		{ "sealed: header size 0x5F", t_hdr_sz_small, NULL, 0, SNP_MSG_E_HDR_SIZE },
		{ "sealed: header size 0x70", t_hdr_sz_big, NULL, 0, SNP_MSG_E_HDR_SIZE },
		{ "header size rewritten", NULL, m_hdr_sz, 0, SNP_MSG_E_HDR_SIZE },
		{ "sealed: algorithm 0", t_algo0, NULL, 0, SNP_MSG_E_ALGO },
		{ "sealed: algorithm 2", t_algo2, NULL, 0, SNP_MSG_E_ALGO },
		{ "sealed: VMPCK id 1", t_vmpck, NULL, 0, SNP_MSG_E_VMPCK },
		{ "sealed: msg_sz 4001 (past the page)", t_msg_sz_max, NULL, 0, SNP_MSG_E_MSG_SIZE },
		{ "sealed: msg_sz 0xFFFF", t_msg_sz_ffff, NULL, 0, SNP_MSG_E_MSG_SIZE },
		{ "msg_sz rewritten to 4001", NULL, m_msg_sz_big, 0, SNP_MSG_E_MSG_SIZE },
		{ "response page left zero", NULL, m_zero, 0, SNP_MSG_E_HDR_VERSION },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env *e = env_new();
		if (report(e, PAGE) != SNP_MSG_OK) /* one good exchange first: a response to replay */
			abort();
		e->psp.tweak = cases[i].tweak;
		e->hv.mangle = cases[i].mangle;
		e->hv.replay = cases[i].replay;
		int rc = report(e, PAGE);
		ok(rc == cases[i].want && e->len == 0xDEAD && e->out[0] == 0xCC && e->out[0x50] == 0xCC,
		   "%s: refused as %s, nothing returned", cases[i].name, snp_msg_strerror(cases[i].want));
		if (rc != cases[i].want)
			diag("got %d (%s)", rc, snp_msg_strerror(rc));
		ok(is_dead(e), "%s: channel disabled, key wiped", cases[i].name);
		free(e);
	}
}

/* Sealed responses whose payload the caller cannot use: refused, but the exchange completed. */
static void t_status(struct rsp_fields *f) { f->status = 0x16; }
static void t_size_past(struct rsp_fields *f) { f->report_size = 0x4A1; }
static void t_size_huge(struct rsp_fields *f) { f->report_size = 0xFFFFFFFFu; }
static void t_short(struct rsp_fields *f) { f->msg_sz = 0x1F; }
static void t_empty(struct rsp_fields *f) { f->msg_sz = 0; }
static void t_small_report(struct rsp_fields *f) { f->report_size = 0x20; }

struct payload_case {
	const char *name;
	void (*tweak)(struct rsp_fields *f);
	uint32_t cap;
	int want;
};

static void payload_errors(void)
{
	static const struct payload_case cases[] = {
		{ "status 0x16 (invalid parameters)", t_status, PAGE, SNP_MSG_E_STATUS },
		{ "report_size one past the message", t_size_past, PAGE, SNP_MSG_E_REPORT_SIZE },
		{ "report_size 0xFFFFFFFF", t_size_huge, PAGE, SNP_MSG_E_REPORT_SIZE },
		{ "payload shorter than the response header", t_short, PAGE, SNP_MSG_E_SHORT },
		{ "empty payload", t_empty, PAGE, SNP_MSG_E_SHORT },
		{ "report larger than the caller's buffer", NULL, SNP_REPORT_SIZE - 1, SNP_MSG_E_TOO_SMALL },
		{ "caller's buffer empty", NULL, 0, SNP_MSG_E_TOO_SMALL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env *e = env_new();
		e->psp.tweak = cases[i].tweak;
		int rc = report(e, cases[i].cap);
		ok(rc == cases[i].want && e->len == 0xDEAD && e->out[0] == 0xCC, "%s: refused as %s, nothing returned",
		   cases[i].name, snp_msg_strerror(cases[i].want));
		ok(e->ch.seqno == 2 && still_works(e), "%s: counter advanced, channel still usable", cases[i].name);
		free(e);
	}
	struct env *e = env_new();
	e->psp.tweak = t_small_report;
	ok(report(e, 0x20) == SNP_MSG_OK && e->len == 0x20, "a report smaller than 0x4A0 that fits: accepted as sized");
	free(e);
	e = env_new();
	ok(report(e, SNP_REPORT_SIZE) == SNP_MSG_OK && e->len == SNP_REPORT_SIZE, "cap exactly the report size: accepted");
	free(e);
}

static void channel_rules(void)
{
	static const uint8_t zero[32];
	struct snp_msg_chan ch;
	is_u64(snp_msg_init(&ch, zero, 0), SNP_MSG_E_KEY, "an all-zero VMPCK is refused");
	ok(!snp_msg_usable(&ch), "...and leaves the channel unusable");

	struct env *e = env_new();
	uint8_t msg[PAGE];
	size_t n;
	is_u64(snp_msg_open(&e->ch, msg, &n), SNP_MSG_E_STATE, "open without an outstanding request is refused");
	ok(snp_msg_usable(&e->ch), "...without harm to the channel");
	is_u64(snp_msg_report_req(&e->ch, e->data, msg), SNP_MSG_OK, "seal a request");
	is_u64(snp_msg_report_req(&e->ch, e->data, e->bufs.req), SNP_MSG_E_STATE,
	       "a second request while one is outstanding is refused (same number, other plaintext)");
	snp_msg_abort(&e->ch);
	ok(!snp_msg_usable(&e->ch), "abandoning an outstanding request disables the channel");
	free(e);

	e = env_new();
	is_u64(snp_msg_seal(&e->ch, 5, 1, e->out, SNP_MSG_MAX_PAYLOAD + 1, msg), SNP_MSG_E_ARG,
	       "a payload larger than the page is refused");
	ok(snp_msg_usable(&e->ch) && !e->ch.pending, "...without harm to the channel");
	snp_msg_abort(&e->ch);
	ok(snp_msg_usable(&e->ch), "abort with nothing outstanding changes nothing");
	is_u64(snp_msg_seal(&e->ch, 3, 1, e->out, 32, msg), SNP_MSG_OK, "seal a KEY_REQ");
	is_u64(snp_msg_report_rsp(&e->ch, msg, e->out, PAGE, &e->len), SNP_MSG_E_STATE,
	       "reading a report as the answer to another request type is refused");
	free(e);

	/* The top of the sequence space: request numbers stay below 2^32 - 1. */
	e = env_new();
	e->ch.seqno = e->psp.last = 0xFFFFFFFCull;
	ok(report(e, PAGE) == SNP_MSG_OK && rd(e->hv.first_req + 0x20, 8) == 0xFFFFFFFDull &&
	   e->ch.seqno == 0xFFFFFFFEull, "last usable exchange: request 0xFFFFFFFD, response 0xFFFFFFFE");
	unsigned calls = e->hv.calls;
	is_u64(report(e, PAGE), SNP_MSG_E_SEQNO_END, "then sequence numbers are exhausted");
	ok(e->hv.calls == calls, "...and nothing was sent");
	free(e);

	e = env_new();
	struct snp_msg_chan other;
	uint8_t k2[32];
	memcpy(k2, KEY, 32);
	k2[0] ^= 1;
	snp_msg_init(&other, k2, 0);
	e->ch = other; /* the PSP holds KEY; we encrypt with another key */
	is_u64(report(e, PAGE), SNP_MSG_E_FIRMWARE, "a wrong VMPCK: the PSP refuses, the hypervisor reports it");
	ok(e->psp.refused == 1 && is_dead(e), "...and the channel is disabled");
	free(e);
}

int main(void)
{
	round_trip();
	busy();
	hypervisor_errors();
	hostile_responses();
	payload_errors();
	channel_rules();
	return tap_done();
}
