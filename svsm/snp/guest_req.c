/* SPDX-License-Identifier: MIT */
/* guest_req.c — see guest_req.h. The message logic is guest_msg.c; this is the transport. */
#include "guest_req.h"

#include <stdbool.h>

#include "../arch/cpu.h"
#include "../console.h"
#include "../lib/aes_gcm.h"
#include "../lib/string.h"
#include "../mm/mm.h"
#include "../percpu.h"
#include "../protocol/spinlock.h"
#include "ghcb.h"
#include "ghcb_msr.h"
#include "guest_msg.h"
#include "pvalidate.h"

#define SVM_EXIT_SNP_GUEST_REQUEST 0x80000011ull

struct shared_page {
	uint8_t *va;
	uint64_t gpa;
};

static struct spinlock greq_lock;
static struct snp_msg_chan chan;
static struct snp_msg_bufs bufs; /* private staging: the request for retries, the response snapshot */
static struct shared_page req_page, resp_page;
static uint64_t last_exitinfo2;
static bool ready;

/*
 * Same steps as the GHCB page (platform_snp.c). A page whose conversion failed
 * half way is not returned to the pool: it may no longer be validated, and the
 * next owner would fault on it.
 */
static int share_page(struct shared_page *p)
{
	uint64_t pa = alloc_page();
	if (!pa)
		return -1;
	uint64_t va = (uint64_t)(uintptr_t)phys_to_virt(pa);
	if (pvalidate(va, RMP_PAGE_4K, false, 0) != RMP_OK || ghcb_msr_psc(pa, PSC_OP_SHARED) != 0 ||
	    pgt_set_private(&mm.pgt, va, false) != PGT_OK)
		return -1;
	invlpg(va);
	memset((void *)(uintptr_t)va, 0, PAGE_SIZE);
	p->va = (uint8_t *)(uintptr_t)va;
	p->gpa = pa;
	return 0;
}

static int ghcb_xfer(void *ctx, const uint8_t req[SNP_MSG_PAGE_SIZE], uint8_t resp[SNP_MSG_PAGE_SIZE],
		     uint64_t *exitinfo2)
{
	(void)ctx;
	struct percpu *cpu = this_cpu();
	struct ghcb *g = cpu->ghcb;
	if (!g)
		return -1;
	memcpy(req_page.va, req, SNP_MSG_PAGE_SIZE);
	memset(resp_page.va, 0, SNP_MSG_PAGE_SIZE);
	/* No logging from here to the copy-out: console output goes through this same GHCB (#VC). */
	ghcb_reset(g);
	ghcb_set_exit(g, SVM_EXIT_SNP_GUEST_REQUEST, req_page.gpa, resp_page.gpa);
	ghcb_vmgexit(cpu->ghcb_gpa);
	int status = ghcb_exit_status(g);
	uint64_t info2 = ghcb_get(g, GHCB_OFF_EXIT_INFO2);
	/* One snapshot: the hypervisor can rewrite the shared page while we verify. */
	memcpy(resp, resp_page.va, SNP_MSG_PAGE_SIZE);
	last_exitinfo2 = info2;
	if (status != 0)
		return -1;
	*exitinfo2 = info2;
	return 0;
}

static void busy_backoff(void *ctx, unsigned attempt)
{
	(void)ctx;
	/* No timer here; PAUSE loops growing with the attempt give the host up to a few seconds. */
	for (unsigned long i = 0; i < 10000ul * (attempt + 1); i++)
		__asm__ volatile("pause" ::: "memory");
}

int snp_guest_req_setup(const void *secrets_page)
{
	if (ready)
		return 0;
	spin_init(&greq_lock);
	uint8_t key[SNP_VMPCK_SIZE];
	memcpy(key, (const uint8_t *)secrets_page + SNP_SECRETS_VMPCK_OFFSET(0), sizeof(key));
	int rc = snp_msg_init(&chan, key, 0);
	crypto_wipe(key, sizeof(key));
	if (rc != SNP_MSG_OK) {
		pr_err("SNP guest requests: %s", snp_msg_strerror(rc));
		return -1;
	}
	if (share_page(&req_page) || share_page(&resp_page)) {
		snp_msg_disable(&chan);
		pr_err("SNP guest requests: cannot set up the shared message pages");
		return -1;
	}
	ready = true;
	return 0;
}

int snp_report(const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len)
{
	static const struct snp_msg_transport transport = { 0, ghcb_xfer, busy_backoff };
	if (!ready)
		return -1;
	spin_lock(&greq_lock, 0, 0);
	int rc = snp_msg_report(&chan, &transport, &bufs, data, out, cap, len);
	bool usable = snp_msg_usable(&chan);
	uint64_t info2 = last_exitinfo2;
	spin_unlock(&greq_lock);
	if (rc == SNP_MSG_OK)
		return 0;
	if (rc == SNP_MSG_E_DISABLED)
		pr_debug("SNP attestation report: channel disabled");
	else
		pr_err("SNP attestation report: %s (%d, SW_EXITINFO2 0x%lx)%s", snp_msg_strerror(rc), rc,
		       (unsigned long)info2, usable ? "" : "; VMPCK0 wiped, attestation disabled");
	return -1;
}
