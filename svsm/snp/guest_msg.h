/* SPDX-License-Identifier: MIT */
/*
 * guest_msg.h — SNP guest messages (SEV-SNP Firmware ABI, "SNP_GUEST_REQUEST"
 * and "Guest Messages"): the AES-256-GCM protected channel between the guest
 * and the PSP, keyed with a VMPCK from the secrets page, and the one message
 * pair the SVSM uses, MSG_REPORT_REQ / MSG_REPORT_RSP. Portable C, no
 * hardware access: the transport (shared pages + GHCB exit) is a callback, so
 * everything here is unit-tested and fuzzed on the host.
 *
 * A message is one 4 KiB page: a 0x60-byte header, then msg_sz bytes of
 * encrypted payload. IV = msg_seqno (little-endian, 8 bytes) || 0^32;
 * AAD = header bytes 0x30..0x5F (algo .. end); the 16-byte tag goes into the
 * first half of the 32-byte AUTHTAG field.
 *
 * Sequence numbers: the PSP keeps one counter per VMPCK, accepts a request
 * only at exactly its next number, answers with that number + 1, and only
 * advances after a complete exchange. The channel sends last + 1, requires
 * the response to carry last + 2, and advances by 2 once the response has
 * authenticated. Numbers stay below 2^32 - 1 (GHCB v2 stores them in 32 bits).
 *
 * Fail closed: once a request may have reached the PSP, the only safe ways
 * on are a verified response (the number is consumed on both sides) or never
 * using the key again. Sending a different message under the same number
 * would reuse a GCM IV — XOR of two plaintexts revealed and, from two tags,
 * the GHASH key, i.e. forgeries; skipping the number instead leaves the PSP
 * waiting for the old one and refusing everything. So every failure between
 * sealing a request and authenticating its response disables the channel and
 * wipes the key (what Linux's sev-guest driver does). Failures after the
 * response authenticated (PSP status, sizes) leave the channel usable.
 *
 * Not thread-safe: the caller serialises (svsm/snp/guest_req.c holds a lock).
 * Layouts are little-endian like the ABI; the code runs on x86-64 only.
 */
#ifndef SVSM_SNP_GUEST_MSG_H
#define SVSM_SNP_GUEST_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/aes_gcm.h"

#define SNP_MSG_PAGE_SIZE 4096u
#define SNP_MSG_HDR_SIZE 0x60u
#define SNP_MSG_MAX_PAYLOAD (SNP_MSG_PAGE_SIZE - SNP_MSG_HDR_SIZE)
#define SNP_MSG_AAD_OFFSET 0x30u
#define SNP_MSG_AAD_SIZE (SNP_MSG_HDR_SIZE - SNP_MSG_AAD_OFFSET)
#define SNP_MSG_HDR_VERSION 1u
#define SNP_AEAD_AES_256_GCM 1u

#define SNP_MSG_REPORT_REQ 5u
#define SNP_MSG_REPORT_RSP 6u
#define SNP_MSG_REPORT_VERSION 1u

/* Secrets page (ABI "Secrets Page Format"): VMPCK0..3 at 0x20 + 32 * n. */
#define SNP_SECRETS_VMPCK_OFFSET(n) (0x20u + 32u * (n))
#define SNP_VMPCK_SIZE 32u

/* ATTESTATION_REPORT: REPORT_DATA at 0x50; 0x4A0 bytes as firmware returns it today. */
#define SNP_REPORT_DATA_OFFSET 0x50u
#define SNP_REPORT_SIZE 0x4A0u

/* GHCB SNP Guest Request: SW_EXITINFO2 = VMM error << 32 | firmware error. */
#define SNP_GUEST_VMM_ERR(x) ((uint64_t)(x) << 32)
#define SNP_GUEST_VMM_ERR_INVALID_LEN 1u
#define SNP_GUEST_VMM_ERR_BUSY 2u
#define SNP_MSG_BUSY_RETRIES 64u

struct snp_msg_hdr {
	uint8_t authtag[32];   /* 0x00: AES-GCM uses the first 16 bytes */
	uint64_t msg_seqno;    /* 0x20 */
	uint8_t rsvd1[8];      /* 0x28 */
	uint8_t algo;          /* 0x30: first AAD byte */
	uint8_t hdr_version;   /* 0x31 */
	uint16_t hdr_sz;       /* 0x32 */
	uint8_t msg_type;      /* 0x34 */
	uint8_t msg_version;   /* 0x35 */
	uint16_t msg_sz;       /* 0x36: payload bytes */
	uint32_t rsvd2;        /* 0x38 */
	uint8_t msg_vmpck;     /* 0x3C */
	uint8_t rsvd3[35];     /* 0x3D */
};
_Static_assert(sizeof(struct snp_msg_hdr) == SNP_MSG_HDR_SIZE, "message header is 0x60 bytes");
_Static_assert(offsetof(struct snp_msg_hdr, msg_seqno) == 0x20, "MSG_SEQNO at 0x20");
_Static_assert(offsetof(struct snp_msg_hdr, algo) == SNP_MSG_AAD_OFFSET, "AAD starts at ALGO, 0x30");
_Static_assert(offsetof(struct snp_msg_hdr, hdr_sz) == 0x32, "HDR_SIZE at 0x32");
_Static_assert(offsetof(struct snp_msg_hdr, msg_type) == 0x34, "MSG_TYPE at 0x34");
_Static_assert(offsetof(struct snp_msg_hdr, msg_sz) == 0x36, "MSG_SIZE at 0x36");
_Static_assert(offsetof(struct snp_msg_hdr, msg_vmpck) == 0x3C, "MSG_VMPCK at 0x3C");

/* MSG_REPORT_REQ payload. */
struct snp_report_req {
	uint8_t report_data[64]; /* 0x00 */
	uint32_t vmpl;           /* 0x40: VMPL written into the report, ≥ the requester's */
	uint32_t key_sel;        /* 0x44: bits 1:0 KEY_SEL (0: VLEK if installed, else VCEK) */
	uint8_t rsvd[24];        /* 0x48: zero */
};
_Static_assert(sizeof(struct snp_report_req) == 0x60, "MSG_REPORT_REQ is 0x60 bytes");
_Static_assert(offsetof(struct snp_report_req, vmpl) == 0x40, "VMPL at 0x40");
_Static_assert(offsetof(struct snp_report_req, key_sel) == 0x44, "KEY_SEL at 0x44");

/* MSG_REPORT_RSP payload: this header, then report_size bytes of ATTESTATION_REPORT. */
struct snp_report_rsp {
	uint32_t status;      /* 0x00: 0 success, 0x16 invalid parameters, 0x27 invalid key selection */
	uint32_t report_size; /* 0x04 */
	uint8_t rsvd[24];     /* 0x08 */
};
_Static_assert(sizeof(struct snp_report_rsp) == 0x20, "the report follows at 0x20");

enum snp_msg_err {
	SNP_MSG_OK = 0,
	/* Nothing was sent; the channel is as it was. */
	SNP_MSG_E_DISABLED = -1,   /* no key: never set up, or wiped after a failure */
	SNP_MSG_E_KEY = -2,        /* the VMPCK is all zeros (absent or wiped by an earlier owner) */
	SNP_MSG_E_ARG = -3,        /* payload larger than a page can carry */
	SNP_MSG_E_STATE = -4,      /* seal with a request outstanding, or open without one */
	SNP_MSG_E_SEQNO_END = -5,  /* sequence numbers exhausted */
	/* The exchange failed before the response authenticated: the channel is now disabled. */
	SNP_MSG_E_TRANSPORT = -10, /* the GHCB exit itself failed */
	SNP_MSG_E_BUSY = -11,      /* the hypervisor stayed busy through every retry */
	SNP_MSG_E_VMM = -12,       /* other hypervisor error (SW_EXITINFO2[63:32]) */
	SNP_MSG_E_FIRMWARE = -13,  /* firmware error (SW_EXITINFO2[31:0]) */
	SNP_MSG_E_HDR_VERSION = -14,
	SNP_MSG_E_HDR_SIZE = -15,
	SNP_MSG_E_ALGO = -16,
	SNP_MSG_E_TYPE = -17,      /* not the request's type + 1 */
	SNP_MSG_E_MSG_VERSION = -18,
	SNP_MSG_E_VMPCK = -19,     /* answered under another VMPCK id */
	SNP_MSG_E_SEQNO = -20,     /* not request + 1: replayed, reordered or forged */
	SNP_MSG_E_MSG_SIZE = -21,  /* payload does not fit the page */
	SNP_MSG_E_TAG = -22,       /* authentication failed */
	/* Authenticated response the caller cannot use: the channel stays usable. */
	SNP_MSG_E_SHORT = -30,     /* payload smaller than MSG_REPORT_RSP's header */
	SNP_MSG_E_STATUS = -31,    /* the PSP refused the request */
	SNP_MSG_E_REPORT_SIZE = -32, /* report_size beyond the payload */
	SNP_MSG_E_TOO_SMALL = -33, /* report larger than the caller's buffer */
};

struct snp_msg_chan {
	struct aes_gcm gcm;
	uint64_t seqno;       /* last number consumed (0: none); next request uses seqno + 1 */
	uint8_t vmpck_id;
	bool usable;
	bool pending;         /* a request was sealed and its response not yet opened */
	uint8_t pending_type, pending_version;
};

/* The two private pages an exchange works in (encrypted memory: the shared pages are copied). */
struct snp_msg_bufs {
	uint8_t req[SNP_MSG_PAGE_SIZE];
	uint8_t resp[SNP_MSG_PAGE_SIZE];
};

/*
 * How a sealed request reaches the PSP. xfer() puts the request page where the
 * hypervisor sees it, performs the SNP Guest Request exit and copies the
 * response page back into resp in one go (the verifier must see one snapshot).
 * Returns 0 when the exit completed, with *exitinfo2 = SW_EXITINFO2 (0 = the
 * firmware answered), or -1 when it did not. backoff (may be NULL) is called
 * before each retry of a busy exit.
 */
struct snp_msg_transport {
	void *ctx;
	int (*xfer)(void *ctx, const uint8_t req[SNP_MSG_PAGE_SIZE], uint8_t resp[SNP_MSG_PAGE_SIZE], uint64_t *exitinfo2);
	void (*backoff)(void *ctx, unsigned attempt);
};

/* Takes its own copy of the key (the caller wipes its copy). SNP_MSG_OK or SNP_MSG_E_KEY. */
int snp_msg_init(struct snp_msg_chan *ch, const uint8_t vmpck[SNP_VMPCK_SIZE], uint8_t vmpck_id);
bool snp_msg_usable(const struct snp_msg_chan *ch);
/* Wipes the key; every later call fails with SNP_MSG_E_DISABLED. */
void snp_msg_disable(struct snp_msg_chan *ch);
/* The request may have reached the PSP but its response will not be opened: disables. */
void snp_msg_abort(struct snp_msg_chan *ch);

/* Builds the encrypted request page (zeros past the payload) with sequence number seqno + 1. */
int snp_msg_seal(struct snp_msg_chan *ch, uint8_t type, uint8_t version, const void *payload, size_t len,
		 uint8_t msg[SNP_MSG_PAGE_SIZE]);
/*
 * Verifies the response to the outstanding request (private copy, decrypted in
 * place): header fields, sequence number, size, tag. On success the payload is
 * at msg + SNP_MSG_HDR_SIZE, *len bytes, and the counter has advanced by 2.
 */
int snp_msg_open(struct snp_msg_chan *ch, uint8_t msg[SNP_MSG_PAGE_SIZE], size_t *len);

/* MSG_REPORT_REQ for a VMPL0 report with the given REPORT_DATA. */
int snp_msg_report_req(struct snp_msg_chan *ch, const uint8_t data[64], uint8_t msg[SNP_MSG_PAGE_SIZE]);
/* Opens a MSG_REPORT_RSP and copies the report (only on success) to out; *len = its size. */
int snp_msg_report_rsp(struct snp_msg_chan *ch, uint8_t msg[SNP_MSG_PAGE_SIZE], uint8_t *out, uint32_t cap,
		       uint32_t *len);
/* Whole exchange: seal, send (retrying while the hypervisor is busy), verify, extract. */
int snp_msg_report(struct snp_msg_chan *ch, const struct snp_msg_transport *t, struct snp_msg_bufs *b,
		   const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len);

const char *snp_msg_strerror(int err);

#endif
