/* SPDX-License-Identifier: MIT */
/*
 * igvm_describe.h — tables that turn IGVM numbers into names.
 *
 * Used by `igvmbuild inspect` and by any tool that explains a file to a human:
 * the bits of a guest policy, of sev_features and of header flags; the named
 * fields of the SEV-ES/SNP VMSA, of the native x64 and CCA VP contexts; VBS
 * register names; and small enumerations (memory-map entry types, ID-block
 * algorithms, ...). Offsets are taken with offsetof() on the structures of
 * igvm_defs.h, so the tables cannot drift from the layouts.
 *
 * Nothing here allocates. Decoders take raw bytes and copy before reading, so
 * the input needs no alignment.
 */
#ifndef IGVM_FORMAT_DESCRIBE_H
#define IGVM_FORMAT_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igvm_defs.h"

/* ---- bit fields ----------------------------------------------------------------- */

/* One field of a bit-field word: a flag (width 1) or a small number. */
struct igvm_bitfield {
	const char *name;
	uint8_t shift;
	uint8_t width;
	bool must_be_one; /* a reserved flag that must be set (SNP policy bit 17) */
	const char *text;
};

struct igvm_bits {
	const char *name; /* what the word is, e.g. "SNP guest policy" */
	const struct igvm_bitfield *fields;
	size_t count;
};

extern const struct igvm_bits igvm_snp_policy_bits;       /* GUEST_POLICY on SEV-SNP (and SEV, SEV-ES) */
extern const struct igvm_bits igvm_tdx_policy_bits;       /* GUEST_POLICY on TDX */
extern const struct igvm_bits igvm_sev_features_bits;     /* VMSA sev_features (§6) */
extern const struct igvm_bits igvm_page_flags_bits;       /* PAGE_DATA flags */
extern const struct igvm_bits igvm_required_memory_bits;  /* REQUIRED_MEMORY flags */
extern const struct igvm_bits igvm_reloc_flags_bits;      /* RELOCATABLE_REGION flags */
extern const struct igvm_bits igvm_cca_attr_bits;         /* CCA_POLICY attribute words */
extern const struct igvm_bits igvm_env_info_bits;         /* ENVIRONMENT_INFO value */
extern const struct igvm_bits igvm_event_inject_bits;     /* VMSA event_inject */
extern const struct igvm_bits igvm_v_intr_cntrl_bits;     /* VMSA v_intr_cntrl */

/* Value of field f in word v. */
static inline uint64_t igvm_bitfield_get(const struct igvm_bitfield *f, uint64_t v)
{
	uint64_t m = f->width >= 64 ? ~0ull : (1ull << f->width) - 1;
	return (v >> f->shift) & m;
}

/* Bits of v that no field of d covers (the reserved bits that are set). */
uint64_t igvm_bits_unknown(const struct igvm_bits *d, uint64_t v);

/*
 * Names of the one-bit fields of d that are set in v, in bit order, into
 * names[0..max). Returns how many are set (may exceed max; only max stored).
 */
size_t igvm_bits_flag_names(const struct igvm_bits *d, uint64_t v, const char **names, size_t max);

/* The first must-be-one flag of d that is clear in v, or NULL. */
const struct igvm_bitfield *igvm_bits_missing_mbo(const struct igvm_bits *d, uint64_t v);

/* ---- register and context layouts ---------------------------------------------- */

enum igvm_reg_kind {
	IGVM_REG_SEGMENT, /* struct igvm_sev_selector: selector, attrib, limit, base */
	IGVM_REG_U64,
	IGVM_REG_U32,
	IGVM_REG_U16,
	IGVM_REG_U8,
	IGVM_REG_BYTES,   /* an opaque register of `size` bytes, a little-endian number (x87, xmm) */
};

struct igvm_reg {
	const char *name;
	uint16_t offset;
	uint16_t size;
	enum igvm_reg_kind kind;
	const struct igvm_bits *bits; /* bit names of the value, or NULL */
};

struct igvm_layout {
	const char *name;
	const struct igvm_reg *regs;
	size_t count;
	size_t size; /* bytes the layout describes */
};

/* Every named field of the 4096-byte VMSA, in offset order (§6). */
extern const struct igvm_layout igvm_vmsa_layout;
/* Its reserved ranges and the padding to 4096 (kind IGVM_REG_BYTES). */
extern const struct igvm_layout igvm_vmsa_reserved_layout;
/* IgvmNativeVpContextX64 (232 bytes, §3.3), including its reserved words. */
extern const struct igvm_layout igvm_native_x64_layout;
/* IgvmVpContextAArch64Cca (80 bytes, §3.3). */
extern const struct igvm_layout igvm_cca_context_layout;

/*
 * TDX VP contexts in the reset page (igvm_defs.h). igvm_tdx_reset_context()
 * names the layout of the 4 KiB page at GPA 0xFFFFF000 of a TDX platform, or
 * returns NULL when it is none of these (a plain reset page: the TD starts in
 * the architectural state, as edk2's TDVF does). Recognized only by
 * properties the builders guarantee:
 *   OpenVMM       the reset vector (offset 0xFF0) is a near jmp (E9 rel32) to
 *                 the first byte after the context, and static_gdt_base is
 *                 0xFFFFF000 plus the offset of static_gdt, with limit 0xF;
 *                 the layout with the mailbox (168 bytes) or the earlier one
 *                 with a start gate (152 bytes) by where those lead;
 *   COCONUT-SVSM  ap_entry == rip + 2 (the builder's rule), rip non-zero and
 *                 below 4 GiB, and neither OpenVMM layout.
 * len must be at least 4096 for a match.
 */
extern const struct igvm_layout igvm_tdx_openvmm_layout;    /* "OpenVMM TdxTrampolineContext" */
extern const struct igvm_layout igvm_tdx_openvmm_v1_layout; /* "OpenVMM TdxTrampolineContext (start gate)" */
extern const struct igvm_layout igvm_tdx_coconut_layout;    /* "COCONUT-SVSM TdpStartContext" */
const struct igvm_layout *igvm_tdx_reset_context(const uint8_t *page, size_t len);
/* The register a TDX context starts the vCPU at (initial_rip / rip), for summaries. */
uint64_t igvm_tdx_context_rip(const struct igvm_layout *l, const uint8_t *page);

/* The numeric value of a scalar register (kinds U8..U64) in raw layout bytes. */
uint64_t igvm_reg_u64(const struct igvm_reg *r, const uint8_t *base);
/* A segment register at r->offset (kind IGVM_REG_SEGMENT). */
struct igvm_sev_selector igvm_reg_segment(const struct igvm_reg *r, const uint8_t *base);
/* True when every byte of the register is zero. */
bool igvm_reg_is_zero(const struct igvm_reg *r, const uint8_t *base);
/*
 * Writes "0x" and the register as a little-endian number, most significant
 * digit first, 2*size digits, into out (at least 2*size+3 bytes).
 */
void igvm_reg_hex(const struct igvm_reg *r, const uint8_t *base, char *out, size_t out_len);
/* Looks a register up by name in a layout, or NULL. */
const struct igvm_reg *igvm_layout_find(const struct igvm_layout *l, const char *name);

/*
 * True when a reserved or padding byte of the VMSA page (len bytes, at least
 * 4096 are examined if present) is non-zero; *offset (may be NULL) receives the
 * offset of the first such byte and *field (may be NULL) its reserved range.
 */
bool igvm_vmsa_reserved_nonzero(const uint8_t *vmsa, size_t len, uint32_t *offset, const struct igvm_reg **field);

/* ---- VBS registers ------------------------------------------------------------------ */

enum igvm_vbs_reg_kind {
	IGVM_VBS_REG_SCALAR,  /* u64 in bytes 0..7 */
	IGVM_VBS_REG_TABLE,   /* GDTR/IDTR: limit u16 @6, base u64 @8 */
	IGVM_VBS_REG_SEGMENT, /* base u64 @0, limit u32 @8, selector u16 @12, attributes u16 @14 */
};

/* Name of a VBS register code ("Rip", "X0", ...) for an architecture, or NULL. */
const char *igvm_vbs_register_name(uint32_t arch, uint32_t code, enum igvm_vbs_reg_kind *kind);

/* ---- small enumerations --------------------------------------------------------------- */

const char *igvm_arch_name(uint32_t arch);                  /* "X64", "AARCH64" */
const char *igvm_snp_key_algorithm_name(uint32_t alg);      /* ID block id/author key algorithm */
const char *igvm_snp_curve_name(uint32_t curve);            /* ID block public key curve */
const char *igvm_vbs_digest_algo_name(uint32_t alg);        /* VBS_MEASUREMENT boot_digest_algo */
const char *igvm_vbs_signing_algo_name(uint32_t alg);       /* VBS_MEASUREMENT signing_algo */
const char *igvm_cca_hash_algorithm_name(uint8_t alg);      /* CCA_POLICY hash_algorithm */
const char *igvm_cca_lfa_policy_name(uint8_t policy);       /* CCA_POLICY lfa_policy */
/* What the loader writes for a parameter-use header type, or NULL for other types. */
const char *igvm_parameter_use_text(uint32_t type);

struct igvm_enum_name {
	uint32_t value;
	const char *name;
	const char *text;
};

/* Memory-map entry types with descriptions (names match igvm_memory_map_type_name()). */
extern const struct igvm_enum_name igvm_memory_map_types[];
extern const size_t igvm_memory_map_type_count;
/* Page-data types, with descriptions. */
extern const struct igvm_enum_name igvm_page_data_types[];
extern const size_t igvm_page_data_type_count;

#endif /* IGVM_FORMAT_DESCRIBE_H */
