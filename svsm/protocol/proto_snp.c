/* SPDX-License-Identifier: MIT */
/* proto_snp.c — see proto_snp.h. */
#include "proto_snp.h"
#include "proto.h"
#include "proto_kmem.h"

#include "../arch/cpu.h"
#include "../arch/guest_access.h"
#include "../lib/string.h"
#include "../mm/mm.h"
#include "../percpu.h"
#include "../platform.h"
#include "../smp.h"
#include "../snp/guest_req.h"
#include "../snp/tlb.h"

#define HUGE (2ull << 20)

/* The platform keeps its own copy of guest memory: it never touches anything else,
 * whatever the caller asks. */
static bool in_ranges(const struct proto_snp *s, uint64_t gpa, uint64_t len)
{
	return proto_ranges_contain(s->base, s->size, s->n, gpa, len);
}

static uint64_t va_of(uint64_t gpa)
{
	return (uint64_t)(uintptr_t)phys_to_virt(gpa);
}

static enum rmp_result s_pvalidate(void *ctx, uint64_t gpa, bool huge, bool validate)
{
	/* The core only passes guest pages; an address outside them must not reach the
	 * instruction, whose operand the direct map may not even cover. */
	if (!in_ranges(ctx, gpa, huge ? HUGE : PAGE_SIZE))
		return RMP_FAIL_INPUT;
	return pvalidate(va_of(gpa), huge ? RMP_PAGE_2M : RMP_PAGE_4K, validate, 0);
}

static enum rmp_result s_rmpadjust(void *ctx, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms, bool vmsa)
{
	if (!in_ranges(ctx, gpa, huge ? HUGE : PAGE_SIZE) || vmpl < 1 || vmpl > 3)
		return RMP_FAIL_INPUT;
	return rmpadjust(va_of(gpa), huge ? RMP_PAGE_2M : RMP_PAGE_4K, rmpadjust_attrs(vmpl, perms, vmsa), 0);
}

/* Guest memory only through arch/guest_access.h: a page the hypervisor took behind our
 * back faults (#VC 0x404), the fault is recovered and the access reports false. */
static bool s_read(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
	return in_ranges(ctx, gpa, len) && guest_copy(dst, phys_to_virt(gpa), len) == 0;
}

static bool s_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	return in_ranges(ctx, gpa, len) && guest_copy(phys_to_virt(gpa), src, len) == 0;
}

static bool s_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	return in_ranges(ctx, gpa, len) && guest_zero(phys_to_virt(gpa), len) == 0;
}

static bool s_xchg8(void *ctx, uint64_t gpa, uint8_t v, uint8_t *old)
{
	if (!in_ranges(ctx, gpa, 1))
		return false;
	int r = guest_xchg8(phys_to_virt(gpa), v);
	if (r < 0)
		return false;
	*old = (uint8_t)r;
	return true;
}

static bool s_update64(void *ctx, uint64_t gpa, uint64_t clear, uint64_t set)
{
	if ((gpa & 7) || !in_ranges(ctx, gpa, 8))
		return false;
	uint64_t *p = phys_to_virt(gpa);
	return (!clear || guest_and64(p, ~clear) == 0) && (!set || guest_or64(p, set) == 0);
}

static int s_report(void *ctx, const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len)
{
	(void)ctx;
	return snp_report(data, out, cap, len);
}

/*
 * After the core took a permission away from the guest (RMPADJUST) or rescinded a
 * page: a TLB entry caches the RMP check made when it was filled, so an entry the
 * guest filled earlier could still allow the old access. The guest may map the page
 * at any virtual address, with any PCID, as a global page; the SVSM knows none of
 * them. So the flush is by ASID, not by address: INVLPGB with ASID valid and global
 * entries included, no VA and no PCID, drops every translation of this guest's ASID
 * on every processor. The guest's VMPLs all run under that one ASID (the ASID field
 * of EDX is ignored in a guest, the guest's own is used), so this covers the VMPL2
 * guest's entries — and the SVSM's own, which simply refill. TLBSYNC makes "on every
 * processor" true before we return: the caller's next step may hand the page on.
 *
 * Without INVLPGB there is no instruction that reaches other processors' TLBs: with
 * more than one vCPU the SVSM shoots them down itself (mm/shootdown.h through smp.h):
 * every other vCPU flushes its own TLB — from its #HV handler when the #HV IPI reached
 * it in the guest's VMPL, or at its next acknowledgement point when it runs the SVSM —
 * before this returns. That needs #HV IPIs (restricted injection); without them, and
 * with one vCPU, only this vCPU flushes (CR4.PGE toggled: global entries too), and the
 * launch warns when other vCPUs exist. That a full flush in VMPL0 also drops the
 * vCPU's lower-VMPL entries is the assumption COCONUT-SVSM's per-CPU flush makes too;
 * a processor with INVLPGB never takes this path.
 */
static void s_flush(void *ctx, uint64_t gpa, uint64_t len)
{
	struct proto_snp *s = ctx;
	(void)gpa;
	(void)len;
	atomic_fetch_add_explicit(&s->flushes, 1, memory_order_relaxed);
	if (s->invlpgb) {
		invlpgb(invlpgb_rax(INVLPGB_ASID | INVLPGB_GLOBAL, 0), invlpgb_ecx(0, false), invlpgb_edx(0, 0));
		tlbsync();
	} else if (smp_cpus_online() > 1 && platform_snp_has_ipi()) {
		smp_tlb_flush_all();
	} else {
		tlb_flush_local();
	}
}

/* One INVLPGB with a #UD fixup armed: true when it executed. */
static bool invlpgb_works(void)
{
	struct percpu *cpu = this_cpu();
	uint64_t rax = invlpgb_rax(INVLPGB_ASID | INVLPGB_GLOBAL, 0);
	cpu->expect.hit = 0;
	cpu->expect.vector = 6;
	__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"
			 "movq %%r11, %0\n\t"
			 ".byte 0x0F, 0x01, 0xFE\n\t"
			 ".byte 0x0F, 0x01, 0xFF\n"
			 "1:"
			 : "=m"(cpu->expect.fixup_rip)
			 : "a"(rax), "c"(0u), "d"(0u)
			 : "r11", "memory");
	cpu->expect.vector = -1;
	return !cpu->expect.hit;
}

int proto_snp_init(struct proto_snp *s, struct proto_platform *plat, const uint64_t *base, const uint64_t *size,
		   unsigned n)
{
	if (n > PROTO_MAX_RANGES)
		return -1;
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < n; i++) {
		if ((base[i] | size[i]) & (PAGE_SIZE - 1) || !size[i] || base[i] + size[i] < base[i])
			return -1;
		s->base[i] = base[i];
		s->size[i] = size[i];
	}
	s->n = n;
	uint32_t r[4];
	cpuid(0x80000008u, 0, r); /* served from the PSP-checked CPUID page by the #VC handler */
	s->invlpgb = invlpgb_supported(r[1]) && invlpgb_works();
	*plat = (struct proto_platform){ s, s_pvalidate, s_rmpadjust, s_read, s_write, s_zero, s_xchg8, s_update64,
					 s_report, proto_kmem_alloc, proto_kmem_free, proto_kmem_relax, s_flush, 0, 0 };
	return 0;
}

const char *proto_snp_flush_mode(const struct proto_snp *s)
{
	if (s->invlpgb)
		return "invlpgb";
	return smp_cpus_online() > 1 && platform_snp_has_ipi() ? "shootdown by #HV IPIs" : "local";
}
