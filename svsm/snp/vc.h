/* SPDX-License-Identifier: MIT */
/*
 * vc.h — the #VC (VMM communication, vector 29) handler of an SNP guest.
 *
 * #VC gives only the exit code (as error code); the guest decodes the
 * faulting instruction itself. Supported: IN/OUT with imm8 or DX port, 8/16/32
 * bit (exit 0x7B, via the GHCB), RDMSR/WRMSR (0x7C, via the GHCB), CPUID
 * (0x72, answered from the CPUID page, no hypervisor involved). String I/O
 * and everything else is refused: the exception path then reports it.
 * Decoding and the IOIO exit-info encoding are portable and unit-tested.
 */
#ifndef SVSM_SNP_VC_H
#define SVSM_SNP_VC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../format/launch_info.h"

enum vc_insn_kind { VC_INSN_IN, VC_INSN_OUT, VC_INSN_CPUID, VC_INSN_RDMSR, VC_INSN_WRMSR };

struct vc_insn {
	enum vc_insn_kind kind;
	unsigned len;   /* bytes, to advance RIP */
	unsigned size;  /* I/O: 1, 2 or 4 bytes */
	bool port_in_dx;
	uint8_t imm_port;
};

/* 0, or -1 when the bytes are not an instruction this handler emulates. */
int vc_decode(const uint8_t *code, size_t avail, struct vc_insn *out);
/* The exit code the decoded instruction must have produced. */
uint64_t vc_insn_exit_code(const struct vc_insn *in);
/* SVM IOIO EXITINFO1: type, size, 64-bit address size, port. */
uint64_t vc_ioio_info(const struct vc_insn *in, uint16_t port);

struct trap_frame;
struct ghcb;
/* Emulates the instruction at f->rip; false if it cannot (the caller reports the fault). */
bool vc_handle(struct trap_frame *f, struct ghcb *g, uint64_t ghcb_gpa, const struct snp_cpuid_page *cpuid);
/* A #VC from ring 3: the instruction's n bytes (copied from user memory) in insn; only
 * CPUID is answered, anything else is false (the process ends). */
bool vc_handle_user(struct trap_frame *f, const uint8_t *insn, size_t n, const struct snp_cpuid_page *cpuid);

#endif
