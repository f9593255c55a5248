/* SPDX-License-Identifier: MIT */
/*
 * bench.c — `make bench-vtpm`, the host half: the vTPM service (the same glue
 * as the SVSM, Debian's libtpms.a and libcrypto.a linked statically, -O2, no
 * sanitizers) manufactured from a manifest with hardware entropy, then timed:
 * TPM2_CreatePrimary of the EK from templates L-1 (RSA-2048) and L-2 (ECC
 * P-256) in the endorsement hierarchy (each followed by FlushContext, not
 * timed), and TPM2_Quote of one PCR with an ECDSA P-256 AK. Each command is
 * run N times (default 20); prints the median and the minimum in ms.
 *
 *   vtpm-bench MANIFEST [N]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../igvmbuild/build.h"
#include "../../svsm/vtpm/cmds.h"
#include "../../svsm/vtpm/ek.h"
#include "../../svsm/vtpm/service.h"

static struct vtpm_service svc;

static void direct(void (*fn)(void *), void *arg)
{
	fn(arg);
}

static uint32_t exec(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap)
{
	return vtpm_service_execute(ctx, cmd, len, rsp, cap);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("bench-vtpm: %-36s median %7.2f ms, min %7.2f ms (%d runs)\n", what, t[n / 2], t[0], n);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: vtpm-bench MANIFEST [N]\n");
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 20;
	if (n < 1 || n > 1000)
		n = 20;
	uint8_t *blob = NULL;
	size_t len = 0;
	char err[256];
	if (build_vtpm_compile(argv[1], &blob, &len))
		return 1;
	double t0 = now_ms();
	if (vtpm_service_start(&svc, direct, VTPM_RAND_HARDWARE, blob, len, err, sizeof(err))) {
		fprintf(stderr, "vtpm-bench: %s\n", err);
		return 1;
	}
	printf("bench-vtpm: %-36s %7.2f ms (%s)\n", "manufacture from the manifest", now_ms() - t0, argv[1]);
	const struct vtpm_io io = { exec, &svc };
	if (vtpm_cmd_startup(&io)) {
		fprintf(stderr, "vtpm-bench: Startup failed\n");
		return 1;
	}
	double *t = calloc((size_t)n, sizeof(*t));
	uint8_t tmpl[512], pub[1024];
	uint32_t h, plen;
	static const struct {
		uint16_t tmpl;
		const char *name;
	} eks[] = { { VTPM_EK_TEMPLATE_L1, "EK CreatePrimary RSA-2048 (L-1)" },
		    { VTPM_EK_TEMPLATE_L2, "EK CreatePrimary ECC P-256 (L-2)" } };
	int rc = 0;
	for (unsigned k = 0; t && k < 2; k++) {
		uint32_t tl = vtpm_ek_template(eks[k].tmpl, tmpl, sizeof(tmpl));
		for (int i = 0; i < n; i++) {
			double a = now_ms();
			uint32_t r = vtpm_cmd_create_primary(&io, TPM_RH_ENDORSEMENT, tmpl, tl, &h, pub, sizeof(pub), &plen);
			t[i] = now_ms() - a;
			if (r || vtpm_cmd_flush(&io, h)) {
				fprintf(stderr, "vtpm-bench: CreatePrimary: 0x%x\n", r);
				rc = 1;
				break;
			}
		}
		if (!rc)
			report(eks[k].name, t, n);
	}
	uint32_t tl = vtpm_ak_template(tmpl, sizeof(tmpl));
	uint8_t nonce[32] = { 1 }, quoted[1024], r[66], s[66];
	uint32_t qlen;
	uint16_t rl, sl;
	if (t && !rc && !vtpm_cmd_create_primary(&io, TPM_RH_ENDORSEMENT, tmpl, tl, &h, pub, sizeof(pub), &plen)) {
		for (int i = 0; i < n && !rc; i++) {
			double a = now_ms();
			uint32_t q = vtpm_cmd_quote(&io, h, nonce, sizeof(nonce), TPM_ALG_SHA256, 0, quoted, sizeof(quoted),
						    &qlen, r, &rl, s, &sl);
			t[i] = now_ms() - a;
			if (q) {
				fprintf(stderr, "vtpm-bench: Quote: 0x%x\n", q);
				rc = 1;
			}
		}
		vtpm_cmd_flush(&io, h);
		if (!rc)
			report("Quote (ECDSA P-256 AK, one PCR)", t, n);
	} else {
		rc = 1;
	}
	free(t);
	free(blob);
	vtpm_service_stop(&svc);
	return rc;
}
