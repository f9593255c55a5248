/* SPDX-License-Identifier: MIT */
/*
 * tdx_mrtd.h — the Intel TDX build-time measurement MRTD: one SHA-384 over
 * the records the TDX module hashes while the VMM builds the TD, finalized
 * once by TDH.MR.FINALIZE (no chaining, unlike SEV-SNP's launch digest).
 *
 * Records, every one a whole number of SHA-384 (SHA-512) blocks:
 *   TDH.MEM.PAGE.ADD  128 bytes: "MEM.PAGE.ADD" NUL-padded to 16 bytes, the
 *                     page's GPA (u64 little-endian) at byte 16, zeros to 128.
 *   TDH.MR.EXTEND     384 bytes: "MR.EXTEND" NUL-padded to 16 bytes, the
 *                     chunk's GPA at byte 16, zeros to 128, then the 256
 *                     bytes of the chunk.
 * A page added and measured is one PAGE.ADD record followed by 16 MR.EXTEND
 * records for gpa + 0, 256, ..., 3840. Both the IGVM path (igvm_digest.c,
 * the microsoft/igvm crate's model) and the direct TDVF path (tdvf.c) feed
 * their operations through this one implementation.
 *
 * Because the records form a single hash stream in the loader's order, the
 * MRTD cannot be computed in parallel: a page's records can only be hashed
 * once every record before them has been. Callers stream page data through
 * it; nothing here holds more than one page.
 *
 * OpenSSL is used through EVP directly with one reused context, as in
 * igvm_digest.c: this is the hot loop of every TDX measurement.
 */
#ifndef IB_TDX_MRTD_H
#define IB_TDX_MRTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TDX_MRTD_LEN 48
#define TDX_PAGE_SIZE 4096u
#define TDX_CHUNK_SIZE 256u
#define TDX_CHUNKS_PER_PAGE (TDX_PAGE_SIZE / TDX_CHUNK_SIZE)
#define TDX_RECORD_HDR_LEN 128u                                  /* PAGE.ADD record, MR.EXTEND header */
#define TDX_EXTEND_RECORD_LEN (TDX_RECORD_HDR_LEN + TDX_CHUNK_SIZE) /* 384 */

/* One operation as the loader performs it, for -v: a PAGE.ADD of the page at gpa, or the 16
 * MR.EXTENDs of it (zero: the page is 4 KiB of zeros, as for IGVM pages without data). */
enum tdx_op_kind { TDX_OP_PAGE_ADD = 0, TDX_OP_MR_EXTEND = 1 };
struct tdx_op {
	enum tdx_op_kind kind;
	uint64_t gpa;
	bool zero;
};
typedef void (*tdx_op_fn)(void *ctx, const struct tdx_op *op);

struct evp_md_ctx_st;

struct tdx_mrtd {
	struct evp_md_ctx_st *ctx;
	uint64_t page_adds; /* PAGE.ADD records hashed */
	uint64_t extends;   /* MR.EXTEND records hashed */
};

/* 0, or -1 when libcrypto failed (nothing to free then). */
int tdx_mrtd_init(struct tdx_mrtd *m);
void tdx_mrtd_free(struct tdx_mrtd *m);

/* The 128-byte PAGE.ADD record, and the 128-byte header of an MR.EXTEND record. */
void tdx_mrtd_page_add_record(uint64_t gpa, uint8_t rec[TDX_RECORD_HDR_LEN]);
void tdx_mrtd_extend_header(uint64_t gpa, uint8_t rec[TDX_RECORD_HDR_LEN]);

/* Hash one PAGE.ADD record. 0, or -1 when libcrypto failed. */
int tdx_mrtd_page_add(struct tdx_mrtd *m, uint64_t gpa);
/* Hash the 16 MR.EXTEND records of the page at gpa; page NULL means 4096 zero bytes. */
int tdx_mrtd_extend_page(struct tdx_mrtd *m, uint64_t gpa, const uint8_t *page);
/* The MRTD; the context is finished (free it, do not hash more). */
int tdx_mrtd_final(struct tdx_mrtd *m, uint8_t out[TDX_MRTD_LEN]);

#endif
