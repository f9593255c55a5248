/* SPDX-License-Identifier: MIT */
/*
 * What QEMU/KVM would change in a VMSA before measuring it (measure/kvm_vmsa.c).
 *
 * Golden inputs from sources other than this code:
 *   - sev-snp-measure's VMSAs for QEMU, ec2 and gce (measure/snp_vmsa.c builds
 *     them; their bytes are pinned by upstream's digests in test_ovmf_digest and
 *     test_ovmf_vmsa, and those digests match what real SNP hosts report):
 *     they must pass every rule, CR4 0x40 and EFER 0x1000 included;
 *   - COCONUT-SVSM's igvmbuilder start context (svsm-reference §1.8): CR0 0x31,
 *     CR4 0x40 ("CR4.MCE"), EFER 0x1800, flat segments 0xC9B/0xA93, PAT
 *     0x0007040600070406, XCR0 1, sev_features 0x29: passes, with the one
 *     warning that stock QEMU/KVM refuse restricted injection;
 *   - the builder's own VMSA before issue 17 (CR4 0) fails kvm.vmsa-cr4-mce.
 * Then every rule is broken once on its own, to show each can fail, with the
 * field and offset it must name.
 */
#include "ovmf_testlib.h"

#include "../../measure/kvm_vmsa.h"
#include "../../measure/snp_vmsa.h"

static struct kvm_vmsa_finding f[KVM_VMSA_MAX_FINDINGS];

static size_t check(const struct igvm_sev_vmsa *v, bool snp)
{
	return kvm_vmsa_check((const uint8_t *)v, snp, f, KVM_VMSA_MAX_FINDINGS);
}

static size_t errors(size_t n)
{
	size_t e = 0;
	for (size_t i = 0; i < n && i < KVM_VMSA_MAX_FINDINGS; i++)
		e += !f[i].warning;
	return e;
}

static void sel(struct igvm_sev_selector *s, uint16_t sl, uint16_t attr)
{
	s->selector = sl;
	s->attrib = attr;
	s->limit = 0xFFFFFFFFu;
	s->base = 0;
}

/* COCONUT-SVSM igvmbuilder's SNP start context for a 32-bit boot loader. */
static void coconut(struct igvm_sev_vmsa *v)
{
	memset(v, 0, sizeof(*v));
	sel(&v->cs, 0x08, 0xC9B);
	sel(&v->ds, 0x10, 0xA93);
	sel(&v->es, 0x10, 0xA93);
	sel(&v->fs, 0x10, 0xA93);
	sel(&v->gs, 0x10, 0xA93);
	sel(&v->ss, 0x10, 0xA93);
	v->cr0 = 0x31;
	v->cr3 = 0x9000;
	v->cr4 = 0x40;
	v->efer = 0x1800;
	v->rflags = 2;
	v->rip = 0x10002;
	v->rsp = 0x8F000;
	v->rax = 1;
	v->pat = 0x0007040600070406ull;
	v->xcr0 = 1;
	v->sev_features = 0x29;
}

/* One rule broken: exactly one error, with this rule, field and offset. */
static void one(const struct igvm_sev_vmsa *v, bool snp, const char *rule, const char *field, size_t off,
		const char *what)
{
	size_t n = check(v, snp);
	size_t e = errors(n);
	bool found = false;
	for (size_t i = 0; i < n && i < KVM_VMSA_MAX_FINDINGS; i++)
		if (!f[i].warning && !strcmp(f[i].rule, rule) && !strcmp(f[i].field, field) && f[i].offset == off)
			found = true;
	ok(e == 1 && found, "%s: %s (%s at 0x%zx)%s%s", what, rule, field, off, e == 1 ? "" : " — errors: ",
	   e == 1 ? "" : (n ? f[0].rule : "none"));
}

static void test_golden(void)
{
	struct igvm_sev_vmsa v;
	static const enum snp_vmm vmms[] = { SNP_VMM_QEMU, SNP_VMM_EC2, SNP_VMM_GCE };
	for (size_t i = 0; i < 3; i++)
		for (int ap = 0; ap < 2; ap++) {
			snp_vmsa_build(&v, vmms[i], ap ? 0x80b004 : SNP_VMSA_BSP_EIP, 0x21, 0x800f12);
			size_t n = check(&v, true);
			ok(n == 0, "sev-snp-measure's %s %s VMSA (CR4 0x40, EFER 0x1000) passes every rule%s%s",
			   snp_vmm_name(vmms[i]), ap ? "AP" : "BSP", n ? ": " : "", n ? f[0].rule : "");
		}
	snp_vmsa_build_svsm(&v, 0xffb7c000ull + 0x10, 0x800f12);
	ok(check(&v, true) == 0, "sev-snp-measure's snp:svsm VMSA (CR0 0x11) passes every rule");
	snp_vmsa_build(&v, SNP_VMM_QEMU, SNP_VMSA_BSP_EIP, 0, 0x800f12);
	ok(check(&v, false) == 0, "sev-snp-measure's SEV-ES VMSA (features 0) passes as SEV-ES");

	coconut(&v);
	size_t n = check(&v, true);
	ok(n == 1 && f[0].warning && !strcmp(f[0].rule, "kvm.sev-features-host") && f[0].offset == 0x3B0,
	   "COCONUT's start context passes, warning only that stock QEMU/KVM refuse restricted injection");
	v.sev_features = SEV_FEAT_SNP | SEV_FEAT_DEBUG_SWAP | SEV_FEAT_SECURE_TSC;
	ok(check(&v, true) == 0, "SNP|DebugSwap|SecureTSC: no warning (mainline KVM's set)");

	/* The builder's VMSA before the fix: CR4 0. */
	coconut(&v);
	v.cr4 = 0;
	one(&v, true, "kvm.vmsa-cr4-mce", "cr4", 0x148, "CR4 0 (igvmbuild's VMSA before issue 17)");
	ok(strstr(f[0].detail, "measures 0x40") != NULL, "... and says the host measures 0x40: %s", f[0].detail);
}

static void test_each_rule(void)
{
	struct igvm_sev_vmsa v;
#define BREAK(stmt, snp, rule, field, off, what) \
	do {                                     \
		coconut(&v);                     \
		v.sev_features = 0x21;           \
		stmt;                            \
		one(&v, snp, rule, field, off, what); \
	} while (0)
	BREAK(v.efer = 0x800, true, "kvm.vmsa-efer-svme", "efer", 0xD0, "EFER without SVME");
	BREAK((v.efer = 0x1900, v.cr0 = 0x80000031), true, "kvm.vmsa-efer-lma", "efer", 0xD0, "LME+PG without LMA");
	BREAK(v.cr0 = 0x21, true, "kvm.vmsa-cr0", "cr0", 0x158, "CR0 without ET");
	BREAK(v.cr0 = 0x60000031, true, "kvm.vmsa-cr0", "cr0", 0x158, "CR0 with CD|NW");
	BREAK(v.cr0 = 0x100000031ull, true, "kvm.vmsa-cr0", "cr0", 0x158, "CR0 with bit 32");
	BREAK(v.cr0 = 0x80000030, true, "kvm.vmsa-cr0", "cr0", 0x158, "CR0 with PG but not PE");
	BREAK(v.rflags = 0, true, "kvm.vmsa-rflags", "rflags", 0x170, "RFLAGS 0");
	BREAK(v.dr7 = 0x401, true, "kvm.vmsa-dr7", "dr7", 0x160, "DR7 0x401");
	BREAK(v.dr6 = 0x1FFFF0FF0ull, true, "kvm.vmsa-dr6", "dr6", 0x168, "DR6 bit 32");
	BREAK(v.xcr0 = 0, true, "kvm.vmsa-xcr0", "xcr0", 0x3E8, "XCR0 0");
	BREAK(v.xcr0 = 5, true, "kvm.vmsa-xcr0", "xcr0", 0x3E8, "XCR0 YMM without SSE");
	BREAK(v.cpl = 3, true, "kvm.vmsa-cpl", "cpl", 0xCB, "CPL 3");
	BREAK(v.ss.attrib = 0xAF3, true, "kvm.vmsa-cpl", "cpl", 0xCB, "SS.DPL 3");
	BREAK(v.vmpl = 2, true, "kvm.vmsa-vmpl", "vmpl", 0xCA, "VMPL 2");
	BREAK(v.fs.attrib = 0xCA93, true, "kvm.vmsa-segment", "fs", 0x42, "FS attributes 0xCA93");
	BREAK(v.tr.base = 0x1000, true, "kvm.vmsa-tr-base", "tr", 0x98, "TR base != LDTR base");
	BREAK(v.gdtr.limit = 0x10000, true, "kvm.vmsa-dtable", "gdtr", 0x60, "GDTR limit 0x10000");
	BREAK(v.idtr.attrib = 0x82, true, "kvm.vmsa-dtable", "idtr", 0x80, "IDTR attributes");
	BREAK(v.pat = 0x0007040600070403ull, true, "kvm.vmsa-pat", "g_pat", 0x268, "PAT byte 3");
	BREAK(v.mxcsr = 0x11F80, true, "kvm.vmsa-mxcsr", "mxcsr", 0x408, "MXCSR bit 16");
	BREAK(v.sev_features = 0x20, true, "kvm.vmsa-features", "sev_features", 0x3B0, "SNP guest without the SNP bit");
	BREAK(v.sev_features = 0x21, false, "kvm.vmsa-features", "sev_features", 0x3B0, "SEV-ES guest with the SNP bit");
	BREAK(v.xss = 1, true, "kvm.vmsa-field", "xss", 0x140, "XSS");
	BREAK(v.cr2 = 1, true, "kvm.vmsa-field", "cr2", 0x240, "CR2");
	BREAK(v.virtual_tom = 1ull << 40, true, "kvm.vmsa-field", "virtual_tom", 0x3C8, "virtual TOM");
	BREAK(v.star = 1, true, "kvm.vmsa-field", "star", 0x200, "STAR");
	BREAK(v.fpreg_xmm[5] = 1, true, "kvm.vmsa-field", "xmm registers", 0x470, "an XMM register");
	BREAK(v.reserved_2e8[0] = 1, true, "kvm.vmsa-field", "reserved 0x2e8 (pkru, tsc_aux, tsc_scale, tsc_offset)",
	      0x2E8, "PKRU");
	BREAK(v.padding[0x1000 - 0x670 - 1] = 1, true, "kvm.vmsa-field", "bytes 0x670-0xfff", 0x670,
	      "the last byte of the page");
#undef BREAK
}

/* QEMU's check_vmsa_supported list, written out by offset independently of the code under test. */
static bool synced(size_t o)
{
	static const struct {
		size_t lo, hi;
	} r[] = { { 0x000, 0x0A0 }, /* es..tr */ { 0x0CA, 0x0CC }, /* vmpl, cpl */ { 0x0D0, 0x0D8 }, /* efer */
		  { 0x148, 0x180 }, /* cr4 cr3 cr0 dr7 dr6 rflags rip */ { 0x1D8, 0x1E0 }, /* rsp */
		  { 0x1F8, 0x200 }, /* rax */ { 0x268, 0x270 }, /* g_pat */ { 0x308, 0x320 }, /* rcx rdx rbx */
		  { 0x328, 0x380 }, /* rbp rsi rdi r8-r15 */ { 0x3B0, 0x3B8 }, /* sev_features */
		  { 0x3E8, 0x3F0 }, /* xcr0 */ { 0x408, 0x40C }, /* mxcsr */ { 0x410, 0x412 } /* x87_fcw */ };
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (o >= r[i].lo && o < r[i].hi)
			return true;
	return false;
}

static void test_table_covers_page(void)
{
	/* Any byte outside the synced fields, set on its own, is an error naming it. */
	struct igvm_sev_vmsa v;
	unsigned missed = 0, bytes = 0;
	size_t first_missed = 0;
	for (size_t i = 0; i < 4096; i++) {
		if (synced(i))
			continue;
		bytes++;
		coconut(&v);
		v.sev_features = 0x21;
		((uint8_t *)&v)[i] = 0x5A;
		size_t n = check(&v, true);
		bool hit = false;
		for (size_t k = 0; k < n && k < KVM_VMSA_MAX_FINDINGS; k++)
			if (!f[k].warning && !strcmp(f[k].rule, "kvm.vmsa-field") && f[k].offset <= i)
				hit = true;
		if (!hit && !missed++)
			first_missed = i;
	}
	ok(missed == 0 && bytes == 4096 - 0xA0 - 2 - 8 - 0x38 - 8 - 8 - 8 - 0x18 - 0x58 - 8 - 8 - 4 - 2,
	   "each of the %u bytes outside the synced fields is caught on its own (missed %u, first 0x%zx)", bytes,
	   missed, first_missed);
}

int main(void)
{
	test_golden();
	test_each_rule();
	test_table_covers_page();
	return tap_done();
}
