/* SPDX-License-Identifier: MIT */
/*
 * tdx_mrtd.c — MRTD records (contract and layout in tdx_mrtd.h).
 */
#include "tdx_mrtd.h"

#include <string.h>

#include <openssl/evp.h>

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void record(const char *op, uint64_t gpa, uint8_t rec[TDX_RECORD_HDR_LEN])
{
	memset(rec, 0, TDX_RECORD_HDR_LEN);
	memcpy(rec, op, strlen(op)); /* at most 12 characters: the operation field is 16 bytes */
	put_u64(rec + 16, gpa);
}

void tdx_mrtd_page_add_record(uint64_t gpa, uint8_t rec[TDX_RECORD_HDR_LEN])
{
	record("MEM.PAGE.ADD", gpa, rec);
}

void tdx_mrtd_extend_header(uint64_t gpa, uint8_t rec[TDX_RECORD_HDR_LEN])
{
	record("MR.EXTEND", gpa, rec);
}

int tdx_mrtd_init(struct tdx_mrtd *m)
{
	memset(m, 0, sizeof(*m));
	m->ctx = EVP_MD_CTX_new();
	if (!m->ctx || EVP_DigestInit_ex(m->ctx, EVP_sha384(), NULL) != 1) {
		EVP_MD_CTX_free(m->ctx);
		m->ctx = NULL;
		return -1;
	}
	return 0;
}

void tdx_mrtd_free(struct tdx_mrtd *m)
{
	EVP_MD_CTX_free(m->ctx);
	m->ctx = NULL;
}

int tdx_mrtd_page_add(struct tdx_mrtd *m, uint64_t gpa)
{
	uint8_t rec[TDX_RECORD_HDR_LEN];
	tdx_mrtd_page_add_record(gpa, rec);
	if (EVP_DigestUpdate(m->ctx, rec, sizeof(rec)) != 1)
		return -1;
	m->page_adds++;
	return 0;
}

int tdx_mrtd_extend_page(struct tdx_mrtd *m, uint64_t gpa, const uint8_t *page)
{
	/* The 16 records of a page in one buffer: one update call instead of 32. */
	uint8_t buf[TDX_CHUNKS_PER_PAGE * TDX_EXTEND_RECORD_LEN];
	for (unsigned i = 0; i < TDX_CHUNKS_PER_PAGE; i++) {
		uint8_t *rec = buf + (size_t)i * TDX_EXTEND_RECORD_LEN;
		tdx_mrtd_extend_header(gpa + (uint64_t)i * TDX_CHUNK_SIZE, rec);
		if (page)
			memcpy(rec + TDX_RECORD_HDR_LEN, page + (size_t)i * TDX_CHUNK_SIZE, TDX_CHUNK_SIZE);
		else
			memset(rec + TDX_RECORD_HDR_LEN, 0, TDX_CHUNK_SIZE);
	}
	if (EVP_DigestUpdate(m->ctx, buf, sizeof(buf)) != 1)
		return -1;
	m->extends += TDX_CHUNKS_PER_PAGE;
	return 0;
}

int tdx_mrtd_final(struct tdx_mrtd *m, uint8_t out[TDX_MRTD_LEN])
{
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(m->ctx, out, &len) != 1 || len != TDX_MRTD_LEN)
		return -1;
	return 0;
}
