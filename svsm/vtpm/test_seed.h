/* SPDX-License-Identifier: MIT */
/*
 * test_seed.h — the fixed entropy stream of test builds (never in a
 * production svsm.elf): block i = SHA-256(VTPM_TEST_SEED_TEXT || i as 8 big-endian
 * bytes), concatenated. The golden test (tests/vtpm/golden_ek.c) gives
 * Debian's libtpms0 the same stream, so both manufacture the same seeds and
 * must derive the same EK.
 */
#ifndef SVSM_VTPM_TEST_SEED_H
#define SVSM_VTPM_TEST_SEED_H

#define VTPM_TEST_SEED_TEXT "igvmbuild vTPM fixed test seed, not a secret"

/* RAND_METHOD bytes(): the next num bytes of the stream; always 1. */
int vtpm_test_seed_bytes(unsigned char *buf, int num);
void vtpm_test_seed_reset(void);

#endif
