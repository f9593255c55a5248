/* SPDX-License-Identifier: MIT */
/*
 * hwrng.h — the CPU's random number instructions, the only entropy the SVSM
 * has: RDSEED (an entropy source, NIST SP 800-90B/C conditioned output) and
 * RDRAND (a DRBG the hardware reseeds from that source).
 *
 * Both may report "no data now" (CF = 0) under load; Intel's and AMD's
 * guidance is to retry: RDSEED up to HWRNG_SEED_RETRIES times with PAUSE in
 * between, RDRAND up to 10 times. hwrng_seed() uses RDSEED and, when the CPU
 * has none or it stays empty, falls back to RDRAND; a failure after all that
 * is reported, never papered over: callers stop (the vTPM does not start, the
 * stack canary is not set). Availability comes from CPUID (leaf 1 ECX bit 30
 * RDRAND, leaf 7 EBX bit 18 RDSEED), looked up once. Freestanding, no state but
 * the counters below; safe on any CPU at any time (no locks).
 */
#ifndef SVSM_ARCH_HWRNG_H
#define SVSM_ARCH_HWRNG_H

#include <stddef.h>
#include <stdint.h>

#define HWRNG_SEED_RETRIES 1024u
#define HWRNG_RAND_RETRIES 10u

struct hwrng_stats {
	uint64_t seed_words, rand_words, seed_retries, rand_retries, failures;
};

/* n bytes of entropy into buf: 0, or -1 when neither instruction delivered. */
int hwrng_seed(void *buf, size_t n);
/* Which source served the last call: "RDSEED", "RDRAND" or "none". */
const char *hwrng_source(void);
extern struct hwrng_stats hwrng_stats;

#endif
