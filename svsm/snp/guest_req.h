/* SPDX-License-Identifier: MIT */
/*
 * guest_req.h — SNP_GUEST_REQUEST from the SVSM to the PSP (GHCB
 * specification, "SNP Guest Request", NAE exit 0x8000_0011): VMPL0
 * attestation reports, protected with VMPCK0 by svsm/snp/guest_msg.c.
 *
 * SNP guests only. The request and response travel through two pages of the
 * core's pool that are made shared once at setup; everything the hypervisor
 * returns is copied into private memory before it is looked at. Calls from
 * several vCPUs are serialised by a spinlock, so sequence numbers never race.
 * After any failure that may have left the PSP's sequence number ahead of
 * ours, VMPCK0 is wiped and every later report fails (-1); the SVSM keeps
 * running.
 */
#ifndef SVSM_SNP_GUEST_REQ_H
#define SVSM_SNP_GUEST_REQ_H

#include <stdint.h>

/* Once, at SNP late init (after mm_init and the GHCB exist): copies VMPCK0 from the secrets page
 * (virtual address of the page) and allocates the two shared message pages. 0 or -1. */
int snp_guest_req_setup(const void *secrets_page);
/* A VMPL0 attestation report with REPORT_DATA = data: the report bytes (not the response wrapper)
 * into out (cap bytes), *len = report size. 0, or -1 on any failure (then nothing useful in out). */
int snp_report(const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len);

#endif
