/* SPDX-License-Identifier: MIT */
/* vc.c — see vc.h. */
#include "vc.h"

#include "../arch/idt.h"
#include "cpuid_page.h"
#include "ghcb.h"

int vc_decode(const uint8_t *code, size_t avail, struct vc_insn *out)
{
	size_t i = 0;
	bool opsize16 = false;
	/* Prefixes that do not change these instructions' meaning beyond operand size. */
	while (i < avail && i < 4) {
		if (code[i] == 0x66)
			opsize16 = true;
		else if ((code[i] & 0xF0) != 0x40) /* REX: no effect on IN/OUT, CPUID or MSRs */
			break;
		i++;
	}
	if (i >= avail)
		return -1;
	uint8_t op = code[i++];
	out->port_in_dx = false;
	out->imm_port = 0;
	out->size = 0;
	switch (op) {
	case 0xE4: case 0xE5: case 0xE6: case 0xE7:
		if (i >= avail)
			return -1;
		out->imm_port = code[i++];
		out->kind = (op & 2) ? VC_INSN_OUT : VC_INSN_IN;
		out->size = (op & 1) ? (opsize16 ? 2 : 4) : 1;
		break;
	case 0xEC: case 0xED: case 0xEE: case 0xEF:
		out->port_in_dx = true;
		out->kind = (op & 2) ? VC_INSN_OUT : VC_INSN_IN;
		out->size = (op & 1) ? (opsize16 ? 2 : 4) : 1;
		break;
	case 0x0F:
		if (i >= avail)
			return -1;
		switch (code[i++]) {
		case 0xA2: out->kind = VC_INSN_CPUID; break;
		case 0x32: out->kind = VC_INSN_RDMSR; break;
		case 0x30: out->kind = VC_INSN_WRMSR; break;
		default: return -1;
		}
		if (opsize16)
			return -1;
		break;
	default:
		return -1;
	}
	out->len = (unsigned)i;
	return 0;
}

uint64_t vc_insn_exit_code(const struct vc_insn *in)
{
	switch (in->kind) {
	case VC_INSN_IN:
	case VC_INSN_OUT:
		return SVM_EXIT_IOIO;
	case VC_INSN_CPUID:
		return SVM_EXIT_CPUID;
	case VC_INSN_RDMSR:
	case VC_INSN_WRMSR:
		return SVM_EXIT_MSR;
	}
	return 0;
}

uint64_t vc_ioio_info(const struct vc_insn *in, uint16_t port)
{
	uint64_t info = (uint64_t)port << 16;
	if (in->kind == VC_INSN_IN)
		info |= 1;                  /* TYPE: in */
	info |= (uint64_t)in->size << 4; /* SZ8 bit 4, SZ16 bit 5, SZ32 bit 6 */
	info |= 1ull << 9;              /* A64: 64-bit address size */
	return info;
}

static uint64_t size_mask(unsigned size)
{
	return size == 4 ? 0xFFFFFFFFull : size == 2 ? 0xFFFFull : 0xFFull;
}

/* CPUID from the CPUID page (ring 0 or 3). */
static void cpuid_answer(struct trap_frame *f, const struct vc_insn *in, const struct snp_cpuid_page *cpuid)
{
	uint32_t r[4];
	(void)snp_cpuid_lookup(cpuid, (uint32_t)f->rax, (uint32_t)f->rcx, 1, r);
	/* Neither the core nor a process has CR4.OSXSAVE or CR4.PKE (user/process.h): both read 0. */
	snp_cpuid_postprocess((uint32_t)f->rax, (uint32_t)f->rcx, 0, r);
	f->rax = r[0];
	f->rbx = r[1];
	f->rcx = r[2];
	f->rdx = r[3];
	f->rip += in->len;
}

bool vc_handle_user(struct trap_frame *f, const uint8_t *insn, size_t n, const struct snp_cpuid_page *cpuid)
{
	struct vc_insn in;
	/* CPUID only: a program has no I/O ports (IOPL 0), MSRs (#GP first) or MMIO. */
	if (vc_decode(insn, n, &in) || vc_insn_exit_code(&in) != f->error_code || in.kind != VC_INSN_CPUID)
		return false;
	cpuid_answer(f, &in, cpuid);
	return true;
}

bool vc_handle(struct trap_frame *f, struct ghcb *g, uint64_t ghcb_gpa, const struct snp_cpuid_page *cpuid)
{
	struct vc_insn in;
	/* Kernel code only: RIP points into our own mapped text. */
	if (vc_decode((const uint8_t *)(uintptr_t)f->rip, 15, &in) || vc_insn_exit_code(&in) != f->error_code)
		return false;

	if (in.kind == VC_INSN_CPUID) {
		cpuid_answer(f, &in, cpuid);
		return true;
	}
	if (!g)
		return false;
	ghcb_reset(g);
	if (in.kind == VC_INSN_IN || in.kind == VC_INSN_OUT) {
		uint16_t port = in.port_in_dx ? (uint16_t)f->rdx : in.imm_port;
		if (in.kind == VC_INSN_OUT)
			ghcb_set(g, GHCB_OFF_RAX, f->rax & size_mask(in.size));
		ghcb_set_exit(g, SVM_EXIT_IOIO, vc_ioio_info(&in, port), 0);
		ghcb_vmgexit(ghcb_gpa);
		if (ghcb_exit_status(g))
			return false;
		if (in.kind == VC_INSN_IN) {
			if (!ghcb_valid(g, GHCB_OFF_RAX))
				return false;
			uint64_t v = ghcb_get(g, GHCB_OFF_RAX) & size_mask(in.size);
			/* A 32-bit IN zero-extends into RAX; 8/16-bit ones merge. */
			f->rax = in.size == 4 ? v : (f->rax & ~size_mask(in.size)) | v;
		}
	} else {
		ghcb_set(g, GHCB_OFF_RCX, f->rcx & 0xFFFFFFFFull);
		if (in.kind == VC_INSN_WRMSR) {
			ghcb_set(g, GHCB_OFF_RAX, f->rax & 0xFFFFFFFFull);
			ghcb_set(g, GHCB_OFF_RDX, f->rdx & 0xFFFFFFFFull);
		}
		ghcb_set_exit(g, SVM_EXIT_MSR, in.kind == VC_INSN_WRMSR, 0);
		ghcb_vmgexit(ghcb_gpa);
		if (ghcb_exit_status(g))
			return false;
		if (in.kind == VC_INSN_RDMSR) {
			if (!ghcb_valid(g, GHCB_OFF_RAX) || !ghcb_valid(g, GHCB_OFF_RDX))
				return false;
			f->rax = ghcb_get(g, GHCB_OFF_RAX) & 0xFFFFFFFFull;
			f->rdx = ghcb_get(g, GHCB_OFF_RDX) & 0xFFFFFFFFull;
		}
	}
	f->rip += in.len;
	return true;
}
