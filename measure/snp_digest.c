/* SPDX-License-Identifier: MIT */
#include "snp_digest.h"

#include <pthread.h>
#include <string.h>

#include "../common/digest.h"

void snp_ld_init(struct snp_ld *s, const uint8_t *seed)
{
	if (seed)
		memcpy(s->ld, seed, SNP_LD_LEN);
	else
		memset(s->ld, 0, SNP_LD_LEN);
}

int snp_ld_extend(struct snp_ld *s, enum snp_page_type type, uint64_t gpa, const uint8_t *contents)
{
	struct snp_page_info pi;
	memset(&pi, 0, sizeof(pi));
	memcpy(pi.digest_cur, s->ld, SNP_LD_LEN);
	if (contents)
		memcpy(pi.contents, contents, SNP_LD_LEN);
	pi.length = sizeof(pi);
	pi.page_type = (uint8_t)type;
	pi.gpa = gpa;
	return ib_sha384(&pi, sizeof(pi), s->ld);
}

int snp_ld_extend_page(struct snp_ld *s, enum snp_page_type type, uint64_t gpa, const uint8_t page[4096])
{
	uint8_t h[SNP_LD_LEN];
	if (ib_sha384(page, 4096, h))
		return -1;
	return snp_ld_extend(s, type, gpa, h);
}

static uint8_t zero_hash[SNP_LD_LEN];
static pthread_once_t zero_once = PTHREAD_ONCE_INIT;

static void zero_init(void)
{
	static const uint8_t zero[4096];
	ib_sha384(zero, sizeof(zero), zero_hash);
}

const uint8_t *snp_zero_page_hash(void)
{
	pthread_once(&zero_once, zero_init);
	return zero_hash;
}
