/* SPDX-License-Identifier: MIT */
/*
 * host_plat.c — the vTPM glue's platform hooks (svsm/vtpm/tpm.h) on the
 * host: entropy from getrandom(2), log lines to stderr. Linked into the host
 * builds of the vTPM (unit tests, the MSSIM test server, the fuzzer, the
 * benchmark), which run the same glue and protocol code as the SVSM against
 * the same two archives.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>

#include "../../svsm/vtpm/tpm.h"

int vtpm_plat_entropy(void *buf, uint32_t n)
{
	uint8_t *p = buf;
	while (n) {
		ssize_t r = getrandom(p, n, 0);
		if (r <= 0)
			return -1;
		p += r;
		n -= (uint32_t)r;
	}
	return 0;
}

void vtpm_plat_log(bool error, const char *msg)
{
	fprintf(stderr, "vtpm: %s%s\n", error ? "error: " : "", msg);
}
