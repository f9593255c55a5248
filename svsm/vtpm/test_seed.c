/* SPDX-License-Identifier: MIT */
/* test_seed.c — see test_seed.h. Uses libcrypto's SHA256 (the archive in the SVSM). */
#include "test_seed.h"

#include "ext_api.h"

void *memcpy(void *dst, const void *src, size_t n);

static uint64_t block;
static unsigned char cur[32];
static unsigned used = 32;

void vtpm_test_seed_reset(void)
{
	block = 0;
	used = 32;
}

int vtpm_test_seed_bytes(unsigned char *buf, int num)
{
	static const char seed[] = VTPM_TEST_SEED_TEXT;
	for (int i = 0; i < num; i++) {
		if (used == 32) {
			unsigned char in[sizeof(seed) - 1 + 8];
			memcpy(in, seed, sizeof(seed) - 1);
			for (int k = 0; k < 8; k++)
				in[sizeof(seed) - 1 + k] = (unsigned char)(block >> (56 - 8 * k));
			SHA256(in, sizeof(in), cur);
			block++;
			used = 0;
		}
		buf[i] = cur[used++];
	}
	return 1;
}
