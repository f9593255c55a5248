/* SPDX-License-Identifier: MIT */
/*
 * TDX VP contexts in the reset page (format/igvm_describe.c,
 * igvm_tdx_reset_context): each layout is recognized from the page a builder
 * writes, and each property the recognizer relies on, broken alone, makes it
 * refuse. The pages are built here from the layouts of igvm_defs.h, which
 * restate OpenVMM's TdxTrampolineContext (loader_defs, both versions) and
 * COCONUT-SVSM's TdpStartContext; the offsets are pinned by build-time
 * asserts there.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../../format/igvm_describe.h"
#include "tap.h"

#define PAGE 4096u

/* An OpenVMM reset page for a context of ctx_len bytes whose static GDT sits at gdt_off. */
static void openvmm_page(uint8_t *p, size_t ctx_len, size_t limit_off, size_t base_off, size_t gdt_off)
{
	memset(p, 0xCC, PAGE);
	memset(p, 0, ctx_len);
	uint16_t limit = 0xF;
	uint32_t base = (uint32_t)(IGVM_TDX_RESET_PAGE_GPA + gdt_off);
	memcpy(p + limit_off, &limit, 2);
	memcpy(p + base_off, &base, 4);
	uint32_t rel = (uint32_t)ctx_len - (IGVM_TDX_RESET_VECTOR_OFFSET + 5);
	p[IGVM_TDX_RESET_VECTOR_OFFSET] = 0xE9;
	memcpy(p + IGVM_TDX_RESET_VECTOR_OFFSET + 1, &rel, 4);
}

static void new_layout(uint8_t *p)
{
	openvmm_page(p, sizeof(struct igvm_tdx_openvmm_context), offsetof(struct igvm_tdx_openvmm_context, static_gdt_limit),
		     offsetof(struct igvm_tdx_openvmm_context, static_gdt_base),
		     offsetof(struct igvm_tdx_openvmm_context, static_gdt));
	uint64_t rip = 0x123000;
	memcpy(p + offsetof(struct igvm_tdx_openvmm_context, initial_rip), &rip, 8);
}

static void old_layout(uint8_t *p)
{
	openvmm_page(p, sizeof(struct igvm_tdx_openvmm_v1_context),
		     offsetof(struct igvm_tdx_openvmm_v1_context, static_gdt_limit),
		     offsetof(struct igvm_tdx_openvmm_v1_context, static_gdt_base),
		     offsetof(struct igvm_tdx_openvmm_v1_context, static_gdt));
	uint64_t rip = 0x456000;
	memcpy(p + offsetof(struct igvm_tdx_openvmm_v1_context, initial_rip), &rip, 8);
}

static void coconut_page(uint8_t *p, uint32_t rip, uint32_t ap_entry)
{
	memset(p, 0x90, PAGE);
	struct igvm_tdx_coconut_context c = { 0, rip, 0x16000, ap_entry };
	memcpy(p, &c, sizeof(c));
}

int main(void)
{
	static uint8_t p[PAGE];
	const struct igvm_layout *l;

	new_layout(p);
	l = igvm_tdx_reset_context(p, PAGE);
	ok(l == &igvm_tdx_openvmm_layout, "OpenVMM context with the mailbox (168 bytes) recognized");
	is_u64(l ? igvm_tdx_context_rip(l, p) : 0, 0x123000, "... its initial_rip");
	ok(l && igvm_layout_find(l, "mailbox_wakeup_vector") && igvm_layout_find(l, "transition_cr3"),
	   "... registers by name, the mailbox included");
	ok(igvm_tdx_reset_context(p, PAGE - 1) == NULL, "... not from fewer than 4096 bytes");
	ok(igvm_tdx_reset_context(NULL, PAGE) == NULL, "... not from no data");
	p[IGVM_TDX_RESET_VECTOR_OFFSET] = 0xEB;
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "... not when the reset vector is no near jmp");
	new_layout(p);
	p[IGVM_TDX_RESET_VECTOR_OFFSET + 1]++;
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "... not when the jmp lands elsewhere");
	new_layout(p);
	p[offsetof(struct igvm_tdx_openvmm_context, static_gdt_base)] ^= 8;
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "... not when the static GDT is elsewhere");
	new_layout(p);
	p[offsetof(struct igvm_tdx_openvmm_context, static_gdt_limit)] = 0x17;
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "... not with another static GDT limit");

	old_layout(p);
	l = igvm_tdx_reset_context(p, PAGE);
	ok(l == &igvm_tdx_openvmm_v1_layout, "earlier OpenVMM context with a start gate (152 bytes) recognized");
	is_u64(l ? igvm_tdx_context_rip(l, p) : 0, 0x456000, "... its initial_rip");
	ok(l && igvm_layout_find(l, "start_gate") && !igvm_layout_find(l, "mailbox_command"), "... its own fields");

	coconut_page(p, 0x10002, 0x10004);
	l = igvm_tdx_reset_context(p, PAGE);
	ok(l == &igvm_tdx_coconut_layout, "COCONUT TdpStartContext recognized (ap_entry = rip + 2)");
	is_u64(l ? igvm_tdx_context_rip(l, p) : 0, 0x10002, "... its rip");
	coconut_page(p, 0x10002, 0x10006);
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "... not when ap_entry is not rip + 2");
	coconut_page(p, 0, 2);
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "... not with rip 0");
	coconut_page(p, 0xFFFFFFFFu, 1);
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "... not where rip + 2 would wrap");

	memset(p, 0, PAGE);
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "a zero page holds no context");
	memset(p, 0xF4, PAGE);
	ok(igvm_tdx_reset_context(p, PAGE) == NULL, "a page of HLT holds no context");
	return tap_done();
}
