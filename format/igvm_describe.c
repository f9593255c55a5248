/* SPDX-License-Identifier: MIT */
/*
 * igvm_describe.c — name tables for IGVM numbers (contract in igvm_describe.h).
 *
 * Facts from ../shared/spec/igvm-format.md §3 and §6 (restated from the IGVM
 * definitions and the AMD SEV-SNP ABI), in our own words.
 */
#include "igvm_describe.h"

#include <stdio.h>
#include <string.h>

#include "../common/cleanup.h"

/* ---- bit fields ------------------------------------------------------------------ */

#define FLAG(n, bit, t) { n, bit, 1, false, t }
#define NUM(n, shift, width, t) { n, shift, width, false, t }

static const struct igvm_bitfield snp_policy[] = {
	NUM("ABI_MINOR", 0, 8, "minimum SNP firmware ABI minor version"),
	NUM("ABI_MAJOR", 8, 8, "minimum SNP firmware ABI major version"),
	FLAG("SMT", 16, "simultaneous multithreading allowed"),
	{ "RESERVED_MBO", 17, 1, true, "reserved, must be one" },
	FLAG("MIGRATE_MA", 18, "association with a migration agent allowed"),
	FLAG("DEBUG", 19, "debugging allowed"),
	FLAG("SINGLE_SOCKET", 20, "guest may run on one socket only"),
};

static const struct igvm_bitfield tdx_policy[] = {
	FLAG("DEBUG_ALLOWED", 0, "debugging allowed"),
	FLAG("SEPT_VE_DISABLE", 1, "EPT violations are not converted to #VE"),
	FLAG("MIGRATABLE", 2, "the TD may be migrated"),
};

static const struct igvm_bitfield sev_features[] = {
	FLAG("SNP", 0, "the guest is an SEV-SNP guest"),
	FLAG("VTOM", 1, "virtual top of memory enabled"),
	FLAG("REFLECT_VC", 2, "#VC exceptions are reflected to the hypervisor"),
	FLAG("RESTRICTED_INJECTION", 3, "restricted interrupt injection"),
	FLAG("ALTERNATE_INJECTION", 4, "alternate interrupt injection"),
	FLAG("DEBUG_SWAP", 5, "debug registers are swapped on world switch"),
	FLAG("PREVENT_HOST_IBS", 6, "host IBS use is prevented"),
	FLAG("BTB_ISOLATION", 7, "branch target buffer isolation"),
	FLAG("VMPL_SSS", 8, "VMPL supervisor shadow stack"),
	FLAG("SECURE_TSC", 9, "secure TSC"),
	FLAG("VMSA_REG_PROT", 14, "VMSA register protection"),
	FLAG("SMT_PROTECTION", 15, "SMT protection"),
};

static const struct igvm_bitfield page_flags[] = {
	FLAG("IS_2MB_PAGE", 0, "a 2 MiB page (the reference reads 4 KiB of data)"),
	FLAG("UNMEASURED", 1, "imported private but not measured"),
	FLAG("SHARED", 2, "imported host-visible, not measured"),
};

static const struct igvm_bitfield required_memory_flags[] = {
	FLAG("VTL2_PROTECTABLE", 0, "the memory may be protected by VTL2"),
};

static const struct igvm_bitfield reloc_flags[] = {
	FLAG("IS_VTL2", 0, "the region belongs to VTL2"),
	FLAG("APPLY_RIP", 1, "adjust RIP/PC when relocated"),
	FLAG("APPLY_GDTR", 2, "adjust GDTR when relocated"),
};

static const struct igvm_bitfield cca_attr[] = {
	FLAG("DEBUG", 0, "realm debugging"),
	FLAG("MEC", 1, "shared memory encryption context"),
};

static const struct igvm_bitfield env_info[] = {
	FLAG("MEMORY_IS_SHARED", 0, "memory starts out shared (unassigned)"),
};

static const struct igvm_bitfield event_inject[] = {
	NUM("VECTOR", 0, 8, "vector"),
	NUM("TYPE", 8, 3, "event type"),
	FLAG("DELIVER_ERROR_CODE", 11, "push an error code"),
	FLAG("VALID", 31, "the event is valid"),
	NUM("ERROR_CODE", 32, 32, "error code"),
};

static const struct igvm_bitfield v_intr_cntrl[] = {
	NUM("TPR", 0, 8, "virtual task priority"),
	FLAG("IRQ", 8, "virtual interrupt pending"),
	FLAG("GIF", 9, "virtual global interrupt flag"),
	FLAG("SHADOW", 10, "interrupt shadow"),
	NUM("PRIORITY", 16, 4, "virtual interrupt priority"),
	FLAG("IGNORE_TPR", 20, "ignore the virtual TPR"),
	NUM("VECTOR", 32, 8, "virtual interrupt vector"),
	FLAG("GUEST_BUSY", 63, "the VMSA is in use"),
};

#define BITS(var, n, table) const struct igvm_bits var = { n, table, ARRAY_SIZE(table) }

BITS(igvm_snp_policy_bits, "SNP guest policy", snp_policy);
BITS(igvm_tdx_policy_bits, "TDX guest policy", tdx_policy);
BITS(igvm_sev_features_bits, "SEV features", sev_features);
BITS(igvm_page_flags_bits, "page data flags", page_flags);
BITS(igvm_required_memory_bits, "required memory flags", required_memory_flags);
BITS(igvm_reloc_flags_bits, "relocation flags", reloc_flags);
BITS(igvm_cca_attr_bits, "CCA realm attributes", cca_attr);
BITS(igvm_env_info_bits, "environment information", env_info);
BITS(igvm_event_inject_bits, "event injection", event_inject);
BITS(igvm_v_intr_cntrl_bits, "virtual interrupt control", v_intr_cntrl);

static uint64_t field_mask(const struct igvm_bitfield *f)
{
	uint64_t m = f->width >= 64 ? ~0ull : (1ull << f->width) - 1;
	return m << f->shift;
}

uint64_t igvm_bits_unknown(const struct igvm_bits *d, uint64_t v)
{
	for (size_t i = 0; i < d->count; i++)
		v &= ~field_mask(&d->fields[i]);
	return v;
}

size_t igvm_bits_flag_names(const struct igvm_bits *d, uint64_t v, const char **names, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < d->count; i++) {
		const struct igvm_bitfield *f = &d->fields[i];
		if (f->width != 1 || !igvm_bitfield_get(f, v))
			continue;
		if (n < max)
			names[n] = f->name;
		n++;
	}
	return n;
}

const struct igvm_bitfield *igvm_bits_missing_mbo(const struct igvm_bits *d, uint64_t v)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->fields[i].must_be_one && !igvm_bitfield_get(&d->fields[i], v))
			return &d->fields[i];
	return NULL;
}

/* ---- layouts ------------------------------------------------------------------- */

#define MEMBER_SIZE(T, f) sizeof(((T *)0)->f)
#define REG(T, f, kind, bits) { #f, offsetof(T, f), MEMBER_SIZE(T, f), kind, bits }

#define VSEG(f) REG(struct igvm_sev_vmsa, f, IGVM_REG_SEGMENT, NULL)
#define V64(f) REG(struct igvm_sev_vmsa, f, IGVM_REG_U64, NULL)
#define V32(f) REG(struct igvm_sev_vmsa, f, IGVM_REG_U32, NULL)
#define V16(f) REG(struct igvm_sev_vmsa, f, IGVM_REG_U16, NULL)
#define V8(f) REG(struct igvm_sev_vmsa, f, IGVM_REG_U8, NULL)
#define VBITS(f, bits) REG(struct igvm_sev_vmsa, f, IGVM_REG_U64, bits)
#define VBYTES(f) REG(struct igvm_sev_vmsa, f, IGVM_REG_BYTES, NULL)
/* One element of a register file stored as a byte array in the VMSA. */
#define VELEM(name, array, i, size) \
	{ name, offsetof(struct igvm_sev_vmsa, array) + (i) * (size), size, IGVM_REG_BYTES, NULL }
#define X87(i) VELEM("x87_st" #i, fpreg_x87, i, 10)
#define XMM(i) VELEM("xmm" #i, fpreg_xmm, i, 16)
#define YMM(i) VELEM("ymm" #i "_high", fpreg_ymm, i, 16)

static const struct igvm_reg vmsa_regs[] = {
	VSEG(es), VSEG(cs), VSEG(ss), VSEG(ds), VSEG(fs), VSEG(gs),
	VSEG(gdtr), VSEG(ldtr), VSEG(idtr), VSEG(tr),
	V64(pl0_ssp), V64(pl1_ssp), V64(pl2_ssp), V64(pl3_ssp), V64(u_cet),
	V8(vmpl), V8(cpl),
	V64(efer),
	V64(xss), V64(cr4), V64(cr3), V64(cr0), V64(dr7), V64(dr6), V64(rflags), V64(rip),
	V64(dr0), V64(dr1), V64(dr2), V64(dr3),
	V64(dr0_addr_mask), V64(dr1_addr_mask), V64(dr2_addr_mask), V64(dr3_addr_mask),
	V64(rsp), V64(s_cet), V64(ssp), V64(interrupt_ssp_table_addr), V64(rax),
	V64(star), V64(lstar), V64(cstar), V64(sfmask), V64(kernel_gs_base),
	V64(sysenter_cs), V64(sysenter_esp), V64(sysenter_eip), V64(cr2),
	V64(pat), V64(dbgctl), V64(last_branch_from_ip), V64(last_branch_to_ip),
	V64(last_excp_from_ip), V64(last_excp_to_ip),
	V64(spec_ctrl),
	V64(rcx), V64(rdx), V64(rbx), V64(rbp), V64(rsi), V64(rdi),
	V64(r8), V64(r9), V64(r10), V64(r11), V64(r12), V64(r13), V64(r14), V64(r15),
	V64(exit_info1), V64(exit_info2), V64(exit_int_info), V64(next_rip),
	VBITS(sev_features, &igvm_sev_features_bits),
	VBITS(v_intr_cntrl, &igvm_v_intr_cntrl_bits),
	V64(guest_error_code), V64(virtual_tom), V64(tlb_id), V64(pcpu_id),
	VBITS(event_inject, &igvm_event_inject_bits),
	V64(xcr0),
	VBYTES(xsave_valid_bitmap),
	V64(x87dp), V32(mxcsr), V16(x87_ftw), V16(x87_fsw), V16(x87_fcw), V16(x87_op), V16(x87_ds),
	V16(x87_cs), V64(x87_rip),
	X87(0), X87(1), X87(2), X87(3), X87(4), X87(5), X87(6), X87(7),
	XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15),
	YMM(0), YMM(1), YMM(2), YMM(3), YMM(4), YMM(5), YMM(6), YMM(7),
	YMM(8), YMM(9), YMM(10), YMM(11), YMM(12), YMM(13), YMM(14), YMM(15),
};

static const struct igvm_reg vmsa_reserved[] = {
	VBYTES(reserved_0c8), VBYTES(reserved_0cc), VBYTES(reserved_0d8), VBYTES(reserved_1c0),
	VBYTES(reserved_248), VBYTES(reserved_298), VBYTES(reserved_2e8), VBYTES(reserved_320),
	VBYTES(reserved_380), VBYTES(padding),
};

#define N64(f) REG(struct igvm_native_vp_context_x64, f, IGVM_REG_U64, NULL)
#define N32(f) REG(struct igvm_native_vp_context_x64, f, IGVM_REG_U32, NULL)
#define N16(f) REG(struct igvm_native_vp_context_x64, f, IGVM_REG_U16, NULL)

static const struct igvm_reg native_regs[] = {
	N64(rax), N64(rcx), N64(rdx), N64(rbx), N64(rsp), N64(rbp), N64(rsi), N64(rdi),
	N64(r8), N64(r9), N64(r10), N64(r11), N64(r12), N64(r13), N64(r14), N64(r15),
	N64(rip), N64(rflags),
	N64(idtr_base), N16(idtr_limit),
	REG(struct igvm_native_vp_context_x64, reserved, IGVM_REG_BYTES, NULL),
	N16(gdtr_limit), N64(gdtr_base),
	N16(code_selector), N16(code_attributes), N32(code_base), N32(code_limit),
	N16(data_selector), N16(data_attributes), N32(data_base), N32(data_limit),
	N64(gs_base), N64(cr0), N64(cr3), N64(cr4), N64(efer),
};

#define CCA_X(i) { "x" #i, offsetof(struct igvm_cca_vp_context, x) + (i) * 8, 8, IGVM_REG_U64, NULL }

static const struct igvm_reg cca_regs[] = {
	CCA_X(0), CCA_X(1), CCA_X(2), CCA_X(3), CCA_X(4), CCA_X(5), CCA_X(6), CCA_X(7),
	REG(struct igvm_cca_vp_context, pc, IGVM_REG_U64, NULL),
	REG(struct igvm_cca_vp_context, flags, IGVM_REG_U64, NULL),
};

/* TDX reset-page contexts: the registers by name, padding and the static GDT as bytes. */
#define TDX_CTX(T)                                                                                         \
	REG(T, data_selector, IGVM_REG_U16, NULL), REG(T, static_gdt_limit, IGVM_REG_U16, NULL),             \
		REG(T, static_gdt_base, IGVM_REG_U32, NULL), REG(T, task_selector, IGVM_REG_U16, NULL),      \
		REG(T, idtr_limit, IGVM_REG_U16, NULL), REG(T, idtr_base, IGVM_REG_U64, NULL),               \
		REG(T, initial_rip, IGVM_REG_U64, NULL), REG(T, code_selector, IGVM_REG_U16, NULL),          \
		REG(T, padding_2, IGVM_REG_BYTES, NULL), REG(T, gdtr_limit, IGVM_REG_U16, NULL),             \
		REG(T, gdtr_base, IGVM_REG_U64, NULL), REG(T, rsp, IGVM_REG_U64, NULL),                      \
		REG(T, rbp, IGVM_REG_U64, NULL), REG(T, rsi, IGVM_REG_U64, NULL), REG(T, r8, IGVM_REG_U64, NULL), \
		REG(T, r9, IGVM_REG_U64, NULL), REG(T, r10, IGVM_REG_U64, NULL), REG(T, r11, IGVM_REG_U64, NULL), \
		REG(T, cr0, IGVM_REG_U64, NULL), REG(T, cr3, IGVM_REG_U64, NULL), REG(T, cr4, IGVM_REG_U64, NULL), \
		REG(T, transition_cr3, IGVM_REG_U32, NULL), REG(T, padding_3, IGVM_REG_U32, NULL),           \
		REG(T, static_gdt, IGVM_REG_BYTES, NULL)

static const struct igvm_reg tdx_openvmm_regs[] = {
	REG(struct igvm_tdx_openvmm_context, mailbox_command, IGVM_REG_U16, NULL),
	REG(struct igvm_tdx_openvmm_context, mailbox_reserved, IGVM_REG_U16, NULL),
	REG(struct igvm_tdx_openvmm_context, mailbox_apic_id, IGVM_REG_U32, NULL),
	REG(struct igvm_tdx_openvmm_context, mailbox_wakeup_vector, IGVM_REG_U64, NULL),
	REG(struct igvm_tdx_openvmm_context, padding_1, IGVM_REG_U32, NULL),
	TDX_CTX(struct igvm_tdx_openvmm_context),
};

static const struct igvm_reg tdx_openvmm_v1_regs[] = {
	REG(struct igvm_tdx_openvmm_v1_context, start_gate, IGVM_REG_U32, NULL),
	TDX_CTX(struct igvm_tdx_openvmm_v1_context),
};

static const struct igvm_reg tdx_coconut_regs[] = {
	REG(struct igvm_tdx_coconut_context, vp_index, IGVM_REG_U32, NULL),
	REG(struct igvm_tdx_coconut_context, rip, IGVM_REG_U32, NULL),
	REG(struct igvm_tdx_coconut_context, rsp, IGVM_REG_U32, NULL),
	REG(struct igvm_tdx_coconut_context, ap_entry, IGVM_REG_U32, NULL),
};

const struct igvm_layout igvm_tdx_openvmm_layout = {
	"OpenVMM TdxTrampolineContext", tdx_openvmm_regs, ARRAY_SIZE(tdx_openvmm_regs),
	sizeof(struct igvm_tdx_openvmm_context)
};
const struct igvm_layout igvm_tdx_openvmm_v1_layout = {
	"OpenVMM TdxTrampolineContext (start gate)", tdx_openvmm_v1_regs, ARRAY_SIZE(tdx_openvmm_v1_regs),
	sizeof(struct igvm_tdx_openvmm_v1_context)
};
const struct igvm_layout igvm_tdx_coconut_layout = {
	"COCONUT-SVSM TdpStartContext", tdx_coconut_regs, ARRAY_SIZE(tdx_coconut_regs),
	sizeof(struct igvm_tdx_coconut_context)
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* OpenVMM: jmp rel32 at the reset vector lands right after the context; the static GDT descriptor
 * points into the page at the context's static_gdt. */
static bool openvmm_matches(const uint8_t *page, size_t ctx_len, size_t gdt_limit_off, size_t gdt_base_off,
			    size_t gdt_off)
{
	const uint8_t *rv = page + IGVM_TDX_RESET_VECTOR_OFFSET;
	uint32_t target = IGVM_TDX_RESET_VECTOR_OFFSET + 5 + rd32(rv + 1); /* mod 2^32, as the CPU computes it */
	return rv[0] == 0xE9 && target == ctx_len && rd16(page + gdt_limit_off) == 0xF &&
	       rd32(page + gdt_base_off) == (uint32_t)(IGVM_TDX_RESET_PAGE_GPA + gdt_off);
}

const struct igvm_layout *igvm_tdx_reset_context(const uint8_t *page, size_t len)
{
	if (!page || len < 4096)
		return NULL;
	if (openvmm_matches(page, sizeof(struct igvm_tdx_openvmm_context),
			    offsetof(struct igvm_tdx_openvmm_context, static_gdt_limit),
			    offsetof(struct igvm_tdx_openvmm_context, static_gdt_base),
			    offsetof(struct igvm_tdx_openvmm_context, static_gdt)))
		return &igvm_tdx_openvmm_layout;
	if (openvmm_matches(page, sizeof(struct igvm_tdx_openvmm_v1_context),
			    offsetof(struct igvm_tdx_openvmm_v1_context, static_gdt_limit),
			    offsetof(struct igvm_tdx_openvmm_v1_context, static_gdt_base),
			    offsetof(struct igvm_tdx_openvmm_v1_context, static_gdt)))
		return &igvm_tdx_openvmm_v1_layout;
	uint32_t rip = rd32(page + offsetof(struct igvm_tdx_coconut_context, rip));
	uint32_t ap = rd32(page + offsetof(struct igvm_tdx_coconut_context, ap_entry));
	if (rip != 0 && rip <= UINT32_MAX - 2 && ap == rip + 2)
		return &igvm_tdx_coconut_layout;
	return NULL;
}

uint64_t igvm_tdx_context_rip(const struct igvm_layout *l, const uint8_t *page)
{
	const struct igvm_reg *r = igvm_layout_find(l, l == &igvm_tdx_coconut_layout ? "rip" : "initial_rip");
	return r ? igvm_reg_u64(r, page) : 0;
}

const struct igvm_layout igvm_vmsa_layout = {
	"SEV VMSA", vmsa_regs, ARRAY_SIZE(vmsa_regs), sizeof(struct igvm_sev_vmsa)
};
const struct igvm_layout igvm_vmsa_reserved_layout = {
	"SEV VMSA reserved", vmsa_reserved, ARRAY_SIZE(vmsa_reserved), sizeof(struct igvm_sev_vmsa)
};
const struct igvm_layout igvm_native_x64_layout = {
	"native x64 context", native_regs, ARRAY_SIZE(native_regs), sizeof(struct igvm_native_vp_context_x64)
};
const struct igvm_layout igvm_cca_context_layout = {
	"CCA context", cca_regs, ARRAY_SIZE(cca_regs), sizeof(struct igvm_cca_vp_context)
};

uint64_t igvm_reg_u64(const struct igvm_reg *r, const uint8_t *base)
{
	uint64_t v = 0;
	size_t n = r->size < sizeof(v) ? r->size : sizeof(v);
	/* Little-endian host (igvm_defs.h insists): the low bytes come first. */
	memcpy(&v, base + r->offset, n);
	return v;
}

struct igvm_sev_selector igvm_reg_segment(const struct igvm_reg *r, const uint8_t *base)
{
	struct igvm_sev_selector s;
	memcpy(&s, base + r->offset, sizeof(s));
	return s;
}

bool igvm_reg_is_zero(const struct igvm_reg *r, const uint8_t *base)
{
	for (size_t i = 0; i < r->size; i++)
		if (base[r->offset + i])
			return false;
	return true;
}

void igvm_reg_hex(const struct igvm_reg *r, const uint8_t *base, char *out, size_t out_len)
{
	static const char digits[] = "0123456789abcdef";
	if (out_len < 2 * (size_t)r->size + 3) {
		if (out_len)
			out[0] = 0;
		return;
	}
	char *p = out;
	*p++ = '0';
	*p++ = 'x';
	for (size_t i = r->size; i-- > 0;) {
		uint8_t b = base[r->offset + i];
		*p++ = digits[b >> 4];
		*p++ = digits[b & 15];
	}
	*p = 0;
}

const struct igvm_reg *igvm_layout_find(const struct igvm_layout *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (!strcmp(l->regs[i].name, name))
			return &l->regs[i];
	return NULL;
}

bool igvm_vmsa_reserved_nonzero(const uint8_t *vmsa, size_t len, uint32_t *offset, const struct igvm_reg **field)
{
	uint32_t best = UINT32_MAX;
	const struct igvm_reg *best_field = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(vmsa_reserved); i++) {
		const struct igvm_reg *r = &vmsa_reserved[i];
		for (size_t j = 0; j < r->size; j++) {
			size_t off = (size_t)r->offset + j;
			if (off >= len)
				break;
			if (vmsa[off]) {
				if (off < best) {
					best = (uint32_t)off;
					best_field = r;
				}
				break;
			}
		}
	}
	if (!best_field)
		return false;
	if (offset)
		*offset = best;
	if (field)
		*field = best_field;
	return true;
}

/* ---- VBS registers ------------------------------------------------------------------ */

struct vbs_reg {
	uint32_t code;
	const char *name;
	enum igvm_vbs_reg_kind kind;
};

#define S(c, n) { c, n, IGVM_VBS_REG_SCALAR }
#define SEG(c, n) { c, n, IGVM_VBS_REG_SEGMENT }
#define TAB(c, n) { c, n, IGVM_VBS_REG_TABLE }

static const struct vbs_reg vbs_x64[] = {
	S(0x20004, "Rsp"), S(0x20005, "Rbp"), S(0x20006, "Rsi"),
	S(0x20008, "R8"), S(0x20009, "R9"), S(0x2000A, "R10"), S(0x2000B, "R11"), S(0x2000C, "R12"),
	S(0x20010, "Rip"), S(0x20011, "Rflags"),
	S(0x40000, "Cr0"), S(0x40002, "Cr3"), S(0x40003, "Cr4"),
	SEG(0x60000, "Es"), SEG(0x60001, "Cs"), SEG(0x60002, "Ss"), SEG(0x60003, "Ds"),
	SEG(0x60004, "Fs"), SEG(0x60005, "Gs"), SEG(0x60007, "Tr"),
	TAB(0x70000, "Idtr"), TAB(0x70001, "Gdtr"),
	S(0x80001, "Efer"), S(0x80004, "Pat"), S(0x8000E, "MtrrDefType"),
	S(0x80010, "MtrrPhysBase0"), S(0x80011, "MtrrPhysBase1"), S(0x80012, "MtrrPhysBase2"),
	S(0x80013, "MtrrPhysBase3"), S(0x80014, "MtrrPhysBase4"),
	S(0x80040, "MtrrPhysMask0"), S(0x80041, "MtrrPhysMask1"), S(0x80042, "MtrrPhysMask2"),
	S(0x80043, "MtrrPhysMask3"), S(0x80044, "MtrrPhysMask4"),
	S(0x80070, "MtrrFix64k00000"), S(0x80071, "MtrrFix16k80000"),
	S(0x80077, "MtrrFix4kE0000"), S(0x80078, "MtrrFix4kE8000"),
	S(0x80079, "MtrrFix4kF0000"), S(0x8007A, "MtrrFix4kF8000"),
};

static const struct vbs_reg vbs_aarch64[] = {
	S(0x20000, "X0"), S(0x20001, "X1"), S(0x20002, "X2"), S(0x20003, "X3"),
	S(0x20004, "X4"), S(0x20005, "X5"), S(0x20006, "X6"), S(0x20007, "X7"),
	S(0x20022, "XPc"), S(0x20023, "Cpsr"),
	S(0x40002, "SctlrEl1"), S(0x40005, "Ttbr0El1"), S(0x40006, "Ttbr1El1"), S(0x40007, "TcrEl1"),
	S(0x4000B, "MairEl1"), S(0x4000C, "VbarEl1"),
};

const char *igvm_vbs_register_name(uint32_t arch, uint32_t code, enum igvm_vbs_reg_kind *kind)
{
	const struct vbs_reg *t = arch == IGVM_ARCH_AARCH64 ? vbs_aarch64 : vbs_x64;
	size_t n = arch == IGVM_ARCH_AARCH64 ? ARRAY_SIZE(vbs_aarch64) : ARRAY_SIZE(vbs_x64);
	if (arch != IGVM_ARCH_X64 && arch != IGVM_ARCH_AARCH64)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (t[i].code == code) {
			if (kind)
				*kind = t[i].kind;
			return t[i].name;
		}
	}
	return NULL;
}

/* ---- small enumerations --------------------------------------------------------------- */

static const char *pick(const char *const *names, size_t n, uint32_t v)
{
	return v < n ? names[v] : NULL;
}

const char *igvm_arch_name(uint32_t arch)
{
	static const char *const n[] = { "X64", "AARCH64" };
	return pick(n, ARRAY_SIZE(n), arch);
}

const char *igvm_snp_key_algorithm_name(uint32_t alg)
{
	static const char *const n[] = { "NONE", "ECDSA_P384_SHA384" };
	return pick(n, ARRAY_SIZE(n), alg);
}

const char *igvm_snp_curve_name(uint32_t curve)
{
	static const char *const n[] = { "NONE", NULL, "P384" };
	return pick(n, ARRAY_SIZE(n), curve);
}

const char *igvm_vbs_digest_algo_name(uint32_t alg)
{
	static const char *const n[] = { "INVALID", "SHA256" };
	return pick(n, ARRAY_SIZE(n), alg);
}

const char *igvm_vbs_signing_algo_name(uint32_t alg)
{
	static const char *const n[] = { "INVALID", "ECDSA_P384" };
	return pick(n, ARRAY_SIZE(n), alg);
}

const char *igvm_cca_hash_algorithm_name(uint8_t alg)
{
	static const char *const n[] = { "SHA256", "SHA512", "SHA384" };
	return pick(n, ARRAY_SIZE(n), alg);
}

const char *igvm_cca_lfa_policy_name(uint8_t policy)
{
	static const char *const n[] = { "LFA_DISALLOW", "LFA_ALLOW" };
	return pick(n, ARRAY_SIZE(n), policy);
}

const char *igvm_parameter_use_text(uint32_t type)
{
	switch (type) {
	case IGVM_VHT_VP_COUNT_PARAMETER:
		return "u32 number of virtual processors";
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		return "u32 environment flags (bit 0: memory starts shared)";
	case IGVM_VHT_MEMORY_MAP:
		return "array of 24-byte memory-map entries, ended by an empty entry";
	case IGVM_VHT_MMIO_RANGES:
		return "two MMIO ranges (32 bytes)";
	case IGVM_VHT_COMMAND_LINE:
		return "NUL-terminated command line";
	case IGVM_VHT_SRAT:
		return "ACPI SRAT table";
	case IGVM_VHT_MADT:
		return "ACPI MADT table";
	case IGVM_VHT_SLIT:
		return "ACPI SLIT table";
	case IGVM_VHT_PPTT:
		return "ACPI PPTT table";
	case IGVM_VHT_DEVICE_TREE:
		return "flattened device tree";
	default:
		return NULL;
	}
}

const struct igvm_enum_name igvm_memory_map_types[] = {
	{ IGVM_MEMORY_MAP_MEMORY, "MEMORY", "ordinary guest memory" },
	{ IGVM_MEMORY_MAP_PLATFORM_RESERVED, "PLATFORM_RESERVED", "reserved by the platform" },
	{ IGVM_MEMORY_MAP_PERSISTENT, "PERSISTENT", "persistent memory" },
	{ IGVM_MEMORY_MAP_VTL2_PROTECTABLE, "VTL2_PROTECTABLE", "memory VTL2 may protect" },
	{ IGVM_MEMORY_MAP_SPECIFIC_PURPOSE, "SPECIFIC_PURPOSE", "specific-purpose memory" },
	{ IGVM_MEMORY_MAP_HIDDEN, "HIDDEN", "hidden from the guest OS" },
};
const size_t igvm_memory_map_type_count = ARRAY_SIZE(igvm_memory_map_types);

const struct igvm_enum_name igvm_page_data_types[] = {
	{ IGVM_PAGE_DATA_NORMAL, "NORMAL", "ordinary page" },
	{ IGVM_PAGE_DATA_SECRETS, "SECRETS", "SEV-SNP secrets page" },
	{ IGVM_PAGE_DATA_CPUID_DATA, "CPUID_DATA", "SEV-SNP CPUID page" },
	{ IGVM_PAGE_DATA_CPUID_XF, "CPUID_XF", "SEV-SNP CPUID page (XF variant)" },
};
const size_t igvm_page_data_type_count = ARRAY_SIZE(igvm_page_data_types);
