/* SPDX-License-Identifier: MIT */
/*
 * chan.h — the channel between the SVSM core and the vTPM process (vtpmd, ring 3):
 * one system call, messages of a fixed header and a payload, and the checks the core
 * makes of everything the process sends back. Shared by the core (svsm/vtpm_proxy.c),
 * the process (svsm/vtpm/vtpmd.c) and the host tests; portable C.
 *
 * The call (number VTPM_CHAN_SYSCALL, beyond Linux's numbers; only the vTPM process
 * may make it, any other program gets -ENOSYS):
 *
 *   long serve(const void *reply, uint64_t reply_len, void *req, uint64_t req_cap)
 *
 * hands the core the reply to the last request (reply_len 0 on the first call, which
 * says "ready for requests"), then waits for the next request, copies it into req and
 * returns its length (>= sizeof(struct vtpm_chan_hdr)), or -EFAULT / -EINVAL when the
 * reply or request buffers are unusable (then the core treats the process as broken).
 * The process is suspended inside the call between requests; it runs only while the
 * core waits for its reply, on whichever CPU sent the request, under the core's vTPM
 * lock. One request is outstanding at a time.
 *
 * Requests (core -> process): header, then `len` bytes of payload.
 *   START    arg = enum vtpm_rand_mode; payload: the vTPM configuration blob.
 *            Manufactures the TPM and powers it on. Reply: struct vtpm_chan_identity,
 *            then the manufactured permanent state (identity.state_len bytes), which the
 *            core keeps for restarts.
 *   RESTORE  arg = enum vtpm_rand_mode; payload: struct vtpm_chan_identity as START
 *            returned it, then its state. A restarted process takes the TPM back to the
 *            manufactured state (same seeds, same EK) and powers it on. Reply: no payload.
 *   EXECUTE  payload: a TPM command. Reply: the response (10 bytes at least), tsc = TSC
 *            cycles the process spent inside the TPM (the cost measurement).
 *   RESET    back to the manufactured state, powered on. Reply: no payload.
 *   HASH     arg = TPM_ALG_SHA1/SHA256/SHA384/SHA512; payload: data. Reply: the digest.
 *            (The boot self-test checks TPM results with OpenSSL, which lives here.)
 *   VERIFY   payload: struct vtpm_chan_ecdsa. Reply: status 0 when the ECDSA P-256
 *            signature verifies, 1 when not.
 * Replies (process -> core): header with the request's op, status 0 or an error, and a
 * payload; on error the payload is a message (printable ASCII, no terminator).
 */
#ifndef SVSM_VTPM_CHAN_H
#define SVSM_VTPM_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VTPM_CHAN_SYSCALL 0x5356u /* "SV" */

#define VTPM_CHAN_START   1u
#define VTPM_CHAN_RESTORE 2u
#define VTPM_CHAN_EXECUTE 3u
#define VTPM_CHAN_RESET   4u
#define VTPM_CHAN_HASH    5u
#define VTPM_CHAN_VERIFY  6u

/* Largest message either way, header included: the permanent state dominates. */
#define VTPM_CHAN_MAX (256u * 1024u)
#define VTPM_CHAN_ERRMSG_MAX 200u

/* Test builds of vtpmd only (-DVTPM_TEST_SEED): TPM command codes with the vendor bit
 * (29) that make the process fault (a write to address 0) or spin forever, so the
 * boot test can show what a guest sees when the vTPM breaks. Production builds pass
 * them to the TPM, which answers TPM_RC_COMMAND_CODE. */
#define VTPM_TEST_CC_FAULT 0x2000FFF0u
#define VTPM_TEST_CC_HANG  0x2000FFF1u

struct vtpm_chan_hdr {
	uint32_t op;
	uint32_t arg;    /* requests: per op; replies: 0 */
	uint32_t status; /* replies: 0 = done */
	uint32_t len;    /* payload bytes after the header */
	uint64_t tsc;    /* EXECUTE replies: cycles inside the TPM */
};
_Static_assert(sizeof(struct vtpm_chan_hdr) == 24, "channel header");

struct vtpm_chan_identity {
	uint16_t ek_template;
	uint16_t reserved0;
	uint32_t ek_public_len;  /* <= VTPM_EK_PUBLIC_MAX (manufacture.h) */
	uint32_t ek_persistent;
	uint32_t pcr_banks;
	uint32_t manufacturer;
	uint32_t nv_count;
	uint64_t firmware_version;
	char vendor[16];
	uint32_t libtpms_version;
	uint32_t ia32cap[4];     /* OpenSSL's capability vector after OPENSSL_ia32cap */
	uint32_t state_len;      /* bytes of permanent state after this struct */
	char openssl_version[64];/* NUL-terminated */
	uint8_t ek_public[1024];
};
_Static_assert(sizeof(struct vtpm_chan_identity) == 1160, "channel identity");

struct vtpm_chan_ecdsa {
	uint8_t point[65]; /* uncompressed P-256 public point */
	uint8_t digest[32];
	uint8_t r[32], s[32]; /* big-endian, left-padded */
	uint8_t reserved[3];
};
_Static_assert(sizeof(struct vtpm_chan_ecdsa) == 164, "channel ECDSA request");

/*
 * The core's checks of a reply (the process may be compromised: every length and
 * string is bounded here before the core uses it). buf/n: the bytes the process
 * handed over. Each returns 0, or -1 with the rule broken in err.
 *
 * vtpm_chan_check_reply: n >= header, header.len == n - header, op == the request's
 *   op, and for an error reply (status != 0) a printable message.
 * vtpm_chan_check_identity: a START reply's payload: the identity struct, ek_public_len
 *   in 1..1024, state_len == what follows and nonzero, openssl_version terminated and
 *   printable, vendor printable or NUL.
 */
int vtpm_chan_check_reply(const void *buf, size_t n, uint32_t op, char *err, size_t errlen);
int vtpm_chan_check_identity(const void *payload, size_t n, char *err, size_t errlen);
/* A request header for op with arg and a payload of len bytes. */
void vtpm_chan_hdr_init(struct vtpm_chan_hdr *h, uint32_t op, uint32_t arg, uint32_t len);

#endif
