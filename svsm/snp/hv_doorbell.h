/* SPDX-License-Identifier: MIT */
/*
 * hv_doorbell.h — restricted injection: the #HV doorbell page and the
 * hand-over to the guest VMPL that must not lose an event (AMD GHCB
 * specification 56421, "Restricted Injection" and "#HV doorbell page"; as
 * the KVM side implements it in Melody Wang's restricted-injection patches,
 * carried by COCONUT-SVSM's KVM and the KVM planes series, and as
 * COCONUT-SVSM's kernel/src/sev/hv_doorbell.rs and switch_to_vmpl use it).
 *
 * With SEV_FEATURES bit 3 (SEV_STATUS bit 5) the hypervisor can inject
 * nothing into the SVSM's VMPL0 but #HV (vector 28). What it wants to
 * deliver it writes into a shared page the SVSM registered for the vCPU:
 *
 *   byte 0   pending interrupt vector (0: none)
 *   byte 1   bit 0 NMI pending, bit 1 #MC pending, bits 6:2 reserved,
 *            bit 7 NoFurtherSignal (bit 15 of the first u16)
 *   byte 2   bit 0 no EOI required for the pending vector
 *   byte 3   events pending for a lower VMPL (the SVSM does not use it)
 *   4..63    reserved; per-VMPL interrupt state from offset 64 (unused)
 *
 * KVM's __sev_snp_inject() writes the vector (or sets NMI, #MC) and, only
 * when NoFurtherSignal is clear, sets it and injects one #HV; while the
 * vector byte is non-zero it holds back further interrupts
 * (sev_snp_blocked). So NoFurtherSignal set means "there is something the
 * SVSM has not taken yet, and no further #HV will say so".
 *
 * Registration (per vCPU, the page shared): NAE event 0x8000_0014,
 * SW_EXITINFO1 = 1 (SET), SW_EXITINFO2 = the page's GPA; KVM answers
 * SW_EXITINFO1 = 0 with SW_EXITINFO2 = the registered GPA (SET falls through
 * to QUERY), or SW_EXITINFO1 = 2 (unaligned / invalid GPA: error 5; mainline
 * KVM, which has no handler: invalid event 6).
 *
 * What the SVSM does with each event (it runs with IF = 0 and enables no
 * interrupt source, no APIC, no timer):
 *   #MC       fatal: the caller ends the guest with a GHCB termination
 *             request (set 0, code 0) — no machine check is recoverable here;
 *   NMI       taken and counted: nothing in the SVSM raises or handles one;
 *   vector    taken and discarded, counted (a vector below 32 is not an
 *             interrupt vector at all: counted as bad) — except the SVSM's
 *             own IPI vector (snp/ap.h), which the SVSM's vCPUs send each
 *             other with #HV IPIs and whose only work (a TLB shootdown
 *             acknowledgement) the #HV handler already did. That one, and only
 *             that one, the caller EOIs through the x2APIC (eoi_vector) unless
 *             no-EOI-required was set: left in service it would hold back the
 *             next IPI. Any other vector gets no EOI: it came from VMPL0's
 *             own (host-emulated) APIC, in which the SVSM enabled nothing;
 *             leaving it in service only holds back further vectors of the
 *             same or lower priority for VMPL0. The no-EOI-required bit is
 *             taken with the vector (cleared atomically, as COCONUT's
 *             no_eoi_required() does) and counted. The firmware's interrupts do not come this way: its
 *             VMSA uses neither restricted nor alternate injection
 *             (guest_vmsa_features), so the host injects them into VMPL2
 *             directly;
 *   reserved bits, per-VMPL byte: ignored (reserved bits counted).
 * Events are taken in one atomic exchange of the first u16 with 0, which
 * also clears NoFurtherSignal: from then on the next event gets its own #HV.
 *
 * When they are taken — the #HV handler does not process anything (it may
 * interrupt a GHCB exchange, a console write, a spinlock): as in COCONUT
 * with interrupts disabled, it only postpones, except in the window between
 * the last NoFurtherSignal check and the Run VMPL request (vmpl_switch.S):
 * an #HV there moves RIP to the window's cancel exit, so the request is not
 * made with an event pending that nothing would signal again. The request
 * loop takes the events before every Run VMPL (hvdb_run_vmpl), and runs the
 * guest only when the switch was not cancelled. The #HV handler uses no IST
 * stack: every #HV arrives in ring 0 on a good stack, and a hostile
 * hypervisor that injects #HV into the #HV handler would corrupt a shared
 * IST stack, where the ordinary stack just nests.
 *
 * Portable (host-tested against a model of KVM's side); the register and
 * switch code that needs SNP is platform_snp.c and arch/vmpl_switch.S.
 */
#ifndef SVSM_SNP_HV_DOORBELL_H
#define SVSM_SNP_HV_DOORBELL_H

#include <stdbool.h>
#include <stdint.h>

#include "ghcb.h"

#define HV_VECTOR 28u

#define HVDB_EV_VECTOR            0x00FFu
#define HVDB_EV_NMI               0x0100u
#define HVDB_EV_MC                0x0200u
#define HVDB_EV_RESERVED          0x7C00u
#define HVDB_EV_NO_FURTHER_SIGNAL 0x8000u
#define HVDB_NO_EOI_REQUIRED    0x01u

#define SVM_EXIT_HV_DOORBELL_PAGE 0x80000014ull
#define HVDB_GET_PREFERRED 0u
#define HVDB_SET           1u
#define HVDB_QUERY         2u
#define HVDB_CLEAR         3u

struct hv_doorbell {
	uint16_t events;          /* vector | flags << 8; written by the hypervisor at any time */
	uint8_t no_eoi_required;
	uint8_t per_vmpl_events;
	uint8_t reserved[60];
	uint8_t per_vmpl[4096 - 64];
};
_Static_assert(sizeof(struct hv_doorbell) == 4096, "the doorbell is one page");

struct hvdb_stats {
	uint64_t signals;     /* takes that found NoFurtherSignal set */
	uint64_t vectors;     /* interrupt vectors taken and discarded */
	uint64_t bad_vectors; /* "vectors" below 32 */
	uint64_t eoi_owed;    /* vectors without no-EOI-required (no EOI sent, see above) */
	uint64_t nmis;
	uint64_t reserved;    /* takes with reserved bits set */
	uint64_t cancels;     /* Run VMPL requests cancelled by a signal */
	uint8_t last_vector;
	uint8_t eoi_vector;   /* the last take: the vector it owes an EOI for (0: none) */
};

/* Fills g (after ghcb_reset) for SET of the doorbell at gpa. */
void ghcb_set_hvdb_register(struct ghcb *g, uint64_t gpa);
/* After the VMGEXIT: the hypervisor took the page (status 0, SW_EXITINFO2 = gpa). */
bool hvdb_register_ok(const struct ghcb *g, uint64_t gpa);

enum hvdb_verdict { HVDB_CONTINUE, HVDB_MACHINE_CHECK };
/* Takes every pending event off db (atomically) and handles it as described above. */
enum hvdb_verdict hvdb_process(struct hv_doorbell *db, struct hvdb_stats *st);

/* The Run VMPL window (vmpl_switch.S): [start, end) and the cancel exit outside it. */
struct hvdb_window {
	uint64_t start, end, cancel;
};
/* The #HV handler's decision: the RIP the interrupted code resumes at. */
uint64_t hvdb_trap_rip(uint64_t rip, const struct hvdb_window *w);

enum hvdb_run { HVDB_RAN, HVDB_CANCELLED, HVDB_REFUSED, HVDB_MC };
/* The switch: checks NoFurtherSignal of db (when db is not NULL), then asks the hypervisor to
 * run vmpl. 1: the VMPL ran; 0: cancelled (signal seen or #HV in the window), nothing sent;
 * -1: the hypervisor refused the request. */
typedef int (*hvdb_switch_fn)(void *ctx, struct hv_doorbell *db, unsigned vmpl);
/* One step of the request loop's hand-over: take the events (a #MC ends here), then switch. */
enum hvdb_run hvdb_run_vmpl(struct hv_doorbell *db, struct hvdb_stats *st, unsigned vmpl, hvdb_switch_fn sw,
			    void *ctx);

#endif
