/* SPDX-License-Identifier: MIT */
/*
 * platform.h — the one interface behind which the core runs on two platforms:
 * native (an ordinary VM; how the core is boot-tested under QEMU) and SNP
 * (VMPL0 in an SEV-SNP guest). Chosen once, from the platform type stage 2
 * passes in RSI.
 */
#ifndef SVSM_PLATFORM_H
#define SVSM_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "../format/launch_info.h"

struct trap_frame;
struct smp_ops;

enum platform_exit_code {
	PLATFORM_EXIT_SUCCESS = 0x10, /* QEMU isa-debug-exit: process exit (0x10 << 1) | 1 = 33 */
	PLATFORM_EXIT_FAILURE = 0x11, /* a self-test failed: 35 */
	PLATFORM_EXIT_CRASH = 0x12,   /* fatal exception or panic: 37 */
};

struct platform {
	const char *name;
	uint32_t type;                        /* LAUNCH_PLATFORM_* */
	/* After paging is the core's own: GHCB, #VC; then console output may flow. */
	void (*init)(const struct launch_info *li);
	/* Bits every page-table entry for private memory carries (the C-bit). */
	uint64_t (*pte_private_mask)(void);
	/* Make pages of the core's page pool usable for a fresh mapping. */
	bool (*handle_vc)(struct trap_frame *f);
	/* A #VC from ring 3: the instruction's first n readable bytes in insn. */
	bool (*handle_vc_user)(struct trap_frame *f, const uint8_t *insn, unsigned n);
	/* #HV (restricted injection): true when handled (snp/hv_doorbell.h); NULL: never expected. */
	bool (*handle_hv)(struct trap_frame *f);
	const char *(*describe)(void);
	/* Console output reaches the host now (SNP: only with a GHCB, outside #VC handling). */
	bool (*can_print)(void);
	/* Ends the run when the platform has its own way (SNP: GHCB termination); NULL: exit port / halt. */
	void (*terminate)(enum platform_exit_code code); /* does not return */
	/* How application processors start and talk (smp.h). */
	const struct smp_ops *smp;
};

extern const struct platform platform_native;
extern const struct platform platform_snp;
extern const struct platform *platform;

/* SNP only, after mm_init(): registers the GHCB (and, with restricted injection, the #HV
 * doorbell) and lets console output flow. */
void platform_snp_late_init(const struct launch_info *li);
/* SNP only: takes pending #HV events, then runs vmpl on this vCPU: SNP_RAN when the VMPL ran
 * (its VMSA has a new exit to look at), SNP_CANCELLED when an event cancelled the hand-over
 * (call again), SNP_REFUSED when the host refused (its VMSA for that VMPL is gone). A #MC
 * ends the guest (GHCB termination). */
enum snp_run_result { SNP_RAN, SNP_CANCELLED, SNP_REFUSED };
enum snp_run_result platform_snp_run_vmpl(unsigned vmpl);
/* SNP, a vCPU with nothing to run: takes pending #HV events, then HLT unless *wake is set; an
 * #HV (an IPI) ends the wait, also one that comes between the check and the HLT. */
void platform_snp_idle(const uint64_t *wake);
/* SNP: GHCB page and #HV doorbell for cpu, from the pool, shared (boot CPU) ... */
struct percpu;
void platform_snp_prepare_cpu(struct percpu *cpu);
/* ... registered by the vCPU itself. NULL, or why not. */
const char *platform_snp_register_cpu(struct percpu *cpu);
/* SNP: a pool page made shared (GHCB, doorbell, host-written buffers); *pa its GPA. */
void *platform_snp_shared_page(uint64_t *pa);
/* SNP: a zeroed pool page for a VMSA, never 2 MiB aligned; 0 if none. */
uint64_t platform_snp_vmsa_page(void);
/* SNP: #HV IPIs exist (restricted injection) ... */
bool platform_snp_has_ipi(void);
/* ... and one to target's VMPL0 (snp/ap.h); nothing without restricted injection. */
void platform_snp_send_ipi(struct percpu *target);
/* SNP: the host's GHCB feature bits (hv_caps.h). */
uint64_t platform_snp_host_features(void);

void platform_select(uint32_t type, const struct launch_info *li);
bool platform_handle_vc(struct trap_frame *f);
bool platform_handle_vc_user(struct trap_frame *f, const uint8_t *insn, unsigned n);
bool platform_handle_hv(struct trap_frame *f);
/* True when console output can reach the host (see struct platform.can_print). */
bool platform_can_print(void);
/*
 * Ends the run. Native: QEMU's isa-debug-exit when the launch information says it is
 * there, else halt. SNP: a GHCB termination request (hv_caps.h: set 0, code 0), never
 * a halt the host cannot tell from a hang.
 */
__attribute__((noreturn)) void platform_exit(enum platform_exit_code code);

#endif
