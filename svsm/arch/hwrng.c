/* SPDX-License-Identifier: MIT */
/* hwrng.c — see hwrng.h. */
#include "hwrng.h"

#include <stdbool.h>

#include "cpu.h"

struct hwrng_stats hwrng_stats;

static int have = -1; /* bit 0 RDRAND, bit 1 RDSEED; -1 not looked up */
static const char *last = "none";

static int features(void)
{
	if (have < 0) {
		uint32_t r[4];
		int h = 0;
		cpuid(1, 0, r);
		if (r[2] & (1u << 30))
			h |= 1;
		cpuid(0, 0, r);
		if (r[0] >= 7) {
			cpuid(7, 0, r);
			if (r[1] & (1u << 18))
				h |= 2;
		}
		have = h;
	}
	return have;
}

static bool rdseed64(uint64_t *v)
{
	unsigned char ok;
	__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static bool rdrand64(uint64_t *v)
{
	unsigned char ok;
	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static bool one_word(uint64_t *v, int h)
{
	if (h & 2) {
		for (unsigned i = 0; i < HWRNG_SEED_RETRIES; i++) {
			if (rdseed64(v)) {
				hwrng_stats.seed_words++;
				last = "RDSEED";
				return true;
			}
			hwrng_stats.seed_retries++;
			__asm__ volatile("pause");
		}
	}
	if (h & 1) {
		for (unsigned i = 0; i < HWRNG_RAND_RETRIES; i++) {
			if (rdrand64(v)) {
				hwrng_stats.rand_words++;
				last = "RDRAND";
				return true;
			}
			hwrng_stats.rand_retries++;
			__asm__ volatile("pause");
		}
	}
	return false;
}

int hwrng_seed(void *buf, size_t n)
{
	unsigned char *p = buf;
	int h = features();
	while (n) {
		uint64_t v;
		if (!one_word(&v, h)) {
			hwrng_stats.failures++;
			last = "none";
			return -1;
		}
		size_t k = n < 8 ? n : 8;
		for (size_t i = 0; i < k; i++)
			p[i] = (unsigned char)(v >> (8 * i));
		p += k;
		n -= k;
		v = 0;
	}
	return 0;
}

const char *hwrng_source(void)
{
	return last;
}
