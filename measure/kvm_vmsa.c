/* SPDX-License-Identifier: MIT */
/* kvm_vmsa.c — see kvm_vmsa.h. */
#include "kvm_vmsa.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_MCE (1ull << 6)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_SVME (1ull << 12)
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_YMM (1ull << 2)

/*
 * The fields QEMU passes on to KVM (check_vmsa_supported's list); every other
 * byte of the page must be zero. Offsets of struct igvm_sev_vmsa (pinned in
 * format/igvm_defs.h).
 */
struct field {
	const char *name;
	uint16_t off, len;
	bool synced;
};

#define F(n, m, s) { n, offsetof(struct igvm_sev_vmsa, m), sizeof(((struct igvm_sev_vmsa *)0)->m), s }
static const struct field fields[] = {
	F("es", es, true), F("cs", cs, true), F("ss", ss, true), F("ds", ds, true), F("fs", fs, true),
	F("gs", gs, true), F("gdtr", gdtr, true), F("ldtr", ldtr, true), F("idtr", idtr, true), F("tr", tr, true),
	F("pl0_ssp", pl0_ssp, false), F("pl1_ssp", pl1_ssp, false), F("pl2_ssp", pl2_ssp, false),
	F("pl3_ssp", pl3_ssp, false), F("u_cet", u_cet, false), F("reserved 0x0c8", reserved_0c8, false),
	F("vmpl", vmpl, true), F("cpl", cpl, true), F("reserved 0x0cc", reserved_0cc, false), F("efer", efer, true),
	F("reserved 0x0d8", reserved_0d8, false), F("xss", xss, false), F("cr4", cr4, true), F("cr3", cr3, true),
	F("cr0", cr0, true), F("dr7", dr7, true), F("dr6", dr6, true), F("rflags", rflags, true), F("rip", rip, true),
	F("dr0", dr0, false), F("dr1", dr1, false), F("dr2", dr2, false), F("dr3", dr3, false),
	F("dr0_addr_mask", dr0_addr_mask, false), F("dr1_addr_mask", dr1_addr_mask, false),
	F("dr2_addr_mask", dr2_addr_mask, false), F("dr3_addr_mask", dr3_addr_mask, false),
	F("reserved 0x1c0", reserved_1c0, false), F("rsp", rsp, true), F("s_cet", s_cet, false), F("ssp", ssp, false),
	F("isst_addr", interrupt_ssp_table_addr, false), F("rax", rax, true), F("star", star, false),
	F("lstar", lstar, false), F("cstar", cstar, false), F("sfmask", sfmask, false),
	F("kernel_gs_base", kernel_gs_base, false), F("sysenter_cs", sysenter_cs, false),
	F("sysenter_esp", sysenter_esp, false), F("sysenter_eip", sysenter_eip, false), F("cr2", cr2, false),
	F("reserved 0x248", reserved_248, false), F("g_pat", pat, true), F("dbgctl", dbgctl, false),
	F("br_from", last_branch_from_ip, false), F("br_to", last_branch_to_ip, false),
	F("last_excp_from", last_excp_from_ip, false), F("last_excp_to", last_excp_to_ip, false),
	F("reserved 0x298", reserved_298, false), F("spec_ctrl", spec_ctrl, false),
	F("reserved 0x2e8 (pkru, tsc_aux, tsc_scale, tsc_offset)", reserved_2e8, false), F("rcx", rcx, true),
	F("rdx", rdx, true), F("rbx", rbx, true), F("reserved 0x320", reserved_320, false), F("rbp", rbp, true),
	F("rsi", rsi, true), F("rdi", rdi, true), F("r8", r8, true), F("r9", r9, true), F("r10", r10, true),
	F("r11", r11, true), F("r12", r12, true), F("r13", r13, true), F("r14", r14, true), F("r15", r15, true),
	F("reserved 0x380", reserved_380, false), F("guest_exit_info_1", exit_info1, false),
	F("guest_exit_info_2", exit_info2, false), F("guest_exit_int_info", exit_int_info, false),
	F("guest_nrip", next_rip, false), F("sev_features", sev_features, true), F("vintr_ctrl", v_intr_cntrl, false),
	F("guest_exit_code", guest_error_code, false), F("virtual_tom", virtual_tom, false), F("tlb_id", tlb_id, false),
	F("pcpu_id", pcpu_id, false), F("event_inj", event_inject, false), F("xcr0", xcr0, true),
	F("xsave valid bitmap", xsave_valid_bitmap, false), F("x87_dp", x87dp, false), F("mxcsr", mxcsr, true),
	F("x87_ftw", x87_ftw, false), F("x87_fsw", x87_fsw, false), F("x87_fcw", x87_fcw, true),
	F("x87_fop", x87_op, false), F("x87_ds", x87_ds, false), F("x87_cs", x87_cs, false),
	F("x87_rip", x87_rip, false), F("x87 registers", fpreg_x87, false), F("xmm registers", fpreg_xmm, false),
	F("ymm registers", fpreg_ymm, false), F("bytes 0x670-0xfff", padding, false),
};
#undef F

struct out {
	struct kvm_vmsa_finding *f;
	size_t max, n;
};

__attribute__((format(printf, 6, 7))) static void add(struct out *o, bool warning, const char *rule,
						       const char *field, size_t off, const char *fmt, ...)
{
	if (o->n < o->max) {
		struct kvm_vmsa_finding *x = &o->f[o->n];
		x->rule = rule;
		x->field = field;
		x->offset = (uint32_t)off;
		x->warning = warning;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(x->detail, sizeof(x->detail), fmt, ap);
		va_end(ap);
	}
	o->n++;
}

#define OFF(m) offsetof(struct igvm_sev_vmsa, m)

static unsigned dpl(uint16_t attrib)
{
	return (attrib >> 5) & 3u;
}

static bool pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		unsigned t = (unsigned)(pat >> (8 * i)) & 0xFFu;
		if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
			return false;
	}
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

size_t kvm_vmsa_check(const uint8_t page[4096], bool snp, struct kvm_vmsa_finding *out, size_t max)
{
	struct igvm_sev_vmsa v;
	memcpy(&v, page, sizeof(v));
	struct out o = { out, max, 0 };

	/* Segments: only the low 12 attribute bits survive. */
	const struct {
		const char *name;
		const struct igvm_sev_selector *s;
		size_t off;
	} segs[] = { { "es", &v.es, OFF(es) }, { "cs", &v.cs, OFF(cs) }, { "ss", &v.ss, OFF(ss) },
		     { "ds", &v.ds, OFF(ds) }, { "fs", &v.fs, OFF(fs) }, { "gs", &v.gs, OFF(gs) },
		     { "ldtr", &v.ldtr, OFF(ldtr) }, { "tr", &v.tr, OFF(tr) } };
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		if (segs[i].s->attrib & 0xF000u)
			add(&o, false, "kvm.vmsa-segment", segs[i].name, segs[i].off + 2,
			    "%s attributes 0x%x: bits 15:12 are lost on the way to KVM (12-bit VMSA form)", segs[i].name,
			    segs[i].s->attrib);
	const struct {
		const char *name;
		const struct igvm_sev_selector *s;
		size_t off;
	} dt[] = { { "gdtr", &v.gdtr, OFF(gdtr) }, { "idtr", &v.idtr, OFF(idtr) } };
	for (size_t i = 0; i < 2; i++)
		if (dt[i].s->selector || dt[i].s->attrib || dt[i].s->limit > 0xFFFFu)
			add(&o, false, "kvm.vmsa-dtable", dt[i].name, dt[i].off,
			    "%s selector 0x%x, attributes 0x%x, limit 0x%x: QEMU passes only the base and a 16-bit "
			    "limit, KVM measures zeros for the rest",
			    dt[i].name, dt[i].s->selector, dt[i].s->attrib, dt[i].s->limit);
	if (v.tr.base != v.ldtr.base)
		add(&o, false, "kvm.vmsa-tr-base", "tr", OFF(tr) + 8,
		    "TR base 0x%llx differs from LDTR base 0x%llx: QEMU loads the TR base from the LDTR field, "
		    "so KVM measures 0x%llx",
		    (unsigned long long)v.tr.base, (unsigned long long)v.ldtr.base, (unsigned long long)v.ldtr.base);
	if (v.vmpl)
		add(&o, false, "kvm.vmsa-vmpl", "vmpl", OFF(vmpl),
		    "VMPL %u: QEMU refuses a VMSA for another VMPL than 0; KVM measures 0", v.vmpl);
	if (v.cpl || dpl(v.ss.attrib))
		add(&o, false, "kvm.vmsa-cpl", "cpl", OFF(cpl),
		    "CPL %u with SS.DPL %u: KVM derives CPL from SS.DPL and QEMU refuses a CPL field; both must be 0",
		    v.cpl, dpl(v.ss.attrib));

	if (!(v.efer & EFER_SVME))
		add(&o, false, "kvm.vmsa-efer-svme", "efer", OFF(efer),
		    "EFER 0x%llx lacks SVME (0x1000): KVM sets it, so it measures 0x%llx", (unsigned long long)v.efer,
		    (unsigned long long)(v.efer | EFER_SVME));
	if ((v.efer & EFER_LME) && (v.cr0 & CR0_PG) && !(v.efer & EFER_LMA))
		add(&o, false, "kvm.vmsa-efer-lma", "efer", OFF(efer),
		    "EFER 0x%llx has LME and CR0 has PG, but LMA is clear: KVM sets LMA (0x400)",
		    (unsigned long long)v.efer);
	if (!(v.cr4 & CR4_MCE))
		add(&o, false, "kvm.vmsa-cr4-mce", "cr4", OFF(cr4),
		    "CR4 0x%llx lacks MCE (0x40): KVM ORs the host's CR4.MCE into the VMSA it measures, so a host "
		    "measures 0x%llx",
		    (unsigned long long)v.cr4, (unsigned long long)(v.cr4 | CR4_MCE));
	if (!(v.cr0 & CR0_ET) || (v.cr0 & (CR0_CD | CR0_NW)) || (v.cr0 >> 32) || ((v.cr0 & CR0_PG) && !(v.cr0 & CR0_PE)))
		add(&o, false, "kvm.vmsa-cr0", "cr0", OFF(cr0),
		    "CR0 0x%llx: KVM measures ET set (QEMU sets it), CD and NW clear (KVM clears them), 32 bits, "
		    "and refuses PG without PE",
		    (unsigned long long)v.cr0);
	if (!(v.rflags & 2))
		add(&o, false, "kvm.vmsa-rflags", "rflags", OFF(rflags),
		    "RFLAGS 0x%llx lacks the fixed bit 1: KVM sets it", (unsigned long long)v.rflags);
	if (v.dr7 != 0 && v.dr7 != 0x400)
		add(&o, false, "kvm.vmsa-dr7", "dr7", OFF(dr7),
		    "DR7 0x%llx: KVM refuses to launch a VMSA whose DR7 is not 0 or 0x400", (unsigned long long)v.dr7);
	if (v.dr6 >> 32)
		add(&o, false, "kvm.vmsa-dr6", "dr6", OFF(dr6), "DR6 0x%llx: KVM_SET_DEBUGREGS refuses bits 63:32",
		    (unsigned long long)v.dr6);
	if (!(v.xcr0 & XCR0_X87) || ((v.xcr0 & XCR0_YMM) && !(v.xcr0 & XCR0_SSE)))
		add(&o, false, "kvm.vmsa-xcr0", "xcr0", OFF(xcr0),
		    "XCR0 0x%llx: KVM refuses an XCR0 without x87 (bit 0) or with YMM but not SSE",
		    (unsigned long long)v.xcr0);
	if (!pat_valid(v.pat))
		add(&o, false, "kvm.vmsa-pat", "g_pat", OFF(pat),
		    "G_PAT 0x%016llx holds a byte that is no memory type: the PAT write fails",
		    (unsigned long long)v.pat);
	if (v.mxcsr >> 16)
		add(&o, false, "kvm.vmsa-mxcsr", "mxcsr", OFF(mxcsr),
		    "MXCSR 0x%x: KVM_SET_XSAVE refuses bits 31:16", v.mxcsr);
	if (snp != !!(v.sev_features & SEV_FEAT_SNP))
		add(&o, false, "kvm.vmsa-features", "sev_features", OFF(sev_features),
		    "sev_features 0x%llx %s the SNP bit: QEMU refuses it for an %s guest",
		    (unsigned long long)v.sev_features, snp ? "lacks" : "has", snp ? "SEV-SNP" : "SEV-ES");

	/* Every field QEMU does not pass on must be zero. */
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!fields[i].synced && !all_zero(page + fields[i].off, fields[i].len))
			add(&o, false, "kvm.vmsa-field", fields[i].name, fields[i].off,
			    "%s (offset 0x%x) is not zero: QEMU does not pass it to KVM, which measures zeros there",
			    fields[i].name, fields[i].off);

	uint64_t extra = v.sev_features & ~KVM_MAINLINE_SEV_FEATURES;
	if (snp && extra)
		add(&o, true, "kvm.sev-features-host", "sev_features", OFF(sev_features),
		    "sev_features 0x%llx: bits 0x%llx are refused by mainline KVM and stock QEMU 10.x before launch; "
		    "the host needs COCONUT-SVSM's KVM and QEMU (or the KVM planes series)",
		    (unsigned long long)v.sev_features, (unsigned long long)extra);
	return o.n;
}
