/* SPDX-License-Identifier: MIT */
/*
 * proto.h — the SVSM protocol service: calling area and request handling,
 * dispatcher, core protocol (0), attestation protocol (1), validation-state
 * tracking and the VMSA / calling-area registry.
 *
 * Source of the protocol numbers, calls and result codes: AMD "Secure VM
 * Service Module for SEV-SNP Guests" (pub. 58019), core and attestation
 * protocol chapters; PVALIDATE/RMPADJUST semantics: AMD64 APM vol. 3 and the
 * SEV-SNP ABI. Platform-independent: compiles freestanding (svsm.elf) and
 * hosted (unit tests, stress test, fuzzer); every platform operation goes
 * through struct proto_platform.
 *
 * ==== Calling convention ====
 * The guest (at PROTO_GUEST_VMPL) sets call_pending = 1 in its calling area,
 * loads RAX = protocol << 32 | call, arguments in RCX, RDX, R8, and asks the
 * hypervisor to run VMPL0. proto_handle_request() is what the request loop
 * runs when the guest's vCPU comes back: only a set call_pending (atomically
 * cleared, so a call is handled once) is a call; the result goes to RAX and
 * outputs to RCX/RDX/R8. A call_pending other than 0 or 1 is answered with
 * SVSM_ERR_INVALID_FORMAT without dispatching (spec Table 4). The step around
 * it — exit code, VMSA registers, EFER.SVME — is reqloop.h.
 *
 * ==== Guarantees (the reason this file exists) ====
 *  G1 no page is ever PVALIDATEd into the state it already has: the tracker
 *     is consulted and updated under the same lock as the instruction;
 *  G2 the tracker always equals the RMP's validated bit for guest memory,
 *     except for a page the hypervisor took behind the SVSM's back (its
 *     RMPUPDATE; the SVSM cannot see it): the tracker may still say
 *     "validated" there until a rescind through the SVSM finds out;
 *  G6 guest memory is only touched through the platform's accessors: a page
 *     taken behind the SVSM's back makes the call fail (INVALID_ADDRESS, or
 *     the hardware's code where an RMPADJUST meets it) with nothing changed,
 *     never kills the SVSM with #VC 0x404;
 *  G3 a page the guest gains access to is zeroed first (validation by the
 *     guest, WITHDRAW_MEM), so SVSM data never leaks;
 *  G4 a registered VMSA or calling area, a page pinned by a call in flight,
 *     a deposited page or anything outside guest memory is never validated,
 *     invalidated, deposited or made a VMSA/CA — checked for every 4 KiB page
 *     of a 2 MiB range, not only the first;
 *  G5 when any VMPL loses access to a page (RMPADJUST) or it is rescinded,
 *     plat->flush() covers it before the stripe lock is dropped and before the
 *     page is used otherwise (pooled, read as a VMSA, granted again), so no
 *     TLB still carries the old permissions.
 *
 * ==== Lock discipline ====
 *  L1 stripe locks: one spinlock per stripe of 2 MiB chunks (chunk index mod
 *     PROTO_STRIPES). Whoever reads or changes the validation state of a page,
 *     or executes PVALIDATE/RMPADJUST on it, holds its stripe lock from the
 *     state check to the state update ("check → instruction → update" is
 *     atomic against every other vCPU). A 4 KiB or 2 MiB entry lies in one
 *     chunk, so one lock covers it. Operations on two pages (CREATE_VCPU: VMSA
 *     + CA; REMAP_CA: new CA) take both stripes in ascending stripe order,
 *     once if equal. Nobody holds more than two.
 *  L2 registry lock (VMSAs, calling areas, pins): taken after stripe locks,
 *     never before; nothing is taken while it is held. Registration and
 *     removal happen with the stripe lock of the page held, so a check made
 *     under a stripe lock cannot be invalidated by a concurrent registration.
 *  L3 pool lock (deposited memory): innermost, only around push/pop.
 *  L4 the platform's own locks (the simulated RMP) are leaves.
 *  Calls and what they take:
 *    PVALIDATE    pin list page (L1 then L2), per entry L1 → L2 (check), unpin (L2)
 *    CREATE_VCPU  L1(VMSA), L1(CA) ascending → L2 (check, reserve slot); revoke,
 *                 flush, read the VMSA; L2 (release the slot on error); the
 *                 platform's vcpu_bind (no lock of ours is taken in it)
 *    DELETE_VCPU  L1(VMSA) → L2 (lookup); clear EFER.SVME, RMPADJUST; L2 (remove)
 *    request loop (reqloop.h) L1(VMSA) → L2 around its reads and its write-back,
 *                 nothing held while the call is dispatched
 *    REMAP_CA     L1(new CA) → L2 (check), clear its CALL_PENDING, L2 (switch)
 *    DEPOSIT_MEM  pin list; per entry L3 (reserve) ; L1 → L2 (check) ; L3 (push)
 *    WITHDRAW_MEM pin list; per run L3 (take) ; L1 → update ; then L3, L2 (MEM_AVAILABLE)
 *    ATTEST_*     pin each guest buffer page (L1 → L2) for the copy, unpin
 *    VTPM_CMD     pin the buffer's pages (L1 → L2); the TPM's own lock (a leaf,
 *                 vtpm/service.h) around the command; unpin
 *    QUERY_PROTOCOL, CONFIGURE_VTOM: none
 *  Pins make guest buffers the SVSM reads or writes stay validated for the
 *  duration of the call: an invalidation of a pinned page gets SVSM_ERR_BUSY.
 */
#ifndef SVSM_PROTOCOL_PROTO_H
#define SVSM_PROTOCOL_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "proto_platform.h"
#include "spinlock.h"
#include "valstate.h"

/* Result codes (SVSM spec 58019 rev. 1.00, Table 4; the same values in Linux
 * arch/x86/include/asm/sev.h). 0x4000_0000 + n ("deposit n more pages") is never
 * returned: the core needs no memory beyond its own. */
#define SVSM_SUCCESS                       0x00000000u
#define SVSM_ERR_INCOMPLETE                0x80000000u
#define SVSM_ERR_UNSUPPORTED_PROTOCOL      0x80000001u
#define SVSM_ERR_UNSUPPORTED_CALL          0x80000002u
#define SVSM_ERR_INVALID_ADDRESS           0x80000003u
#define SVSM_ERR_INVALID_FORMAT            0x80000004u /* CALL_PENDING neither 0 nor 1 */
#define SVSM_ERR_INVALID_PARAMETER         0x80000005u
#define SVSM_ERR_INVALID_REQUEST           0x80000006u
#define SVSM_ERR_BUSY                      0x80000007u
/* Protocol-specific codes. Core: PVALIDATE / RMPADJUST failures are the base + EAX
 * (spec §6.2), CF = 1 is 0x80001010, any other outcome 0x80001011; RMPADJUST's
 * FAIL_INUSE (3) is 0x80001003 wherever it happens, which is also DELETE_VCPU's answer
 * for an executing VMSA (§6.4; AMD linux-svsm SVSM_ERR_PROTOCOL_FAIL_INUSE). Attestation: the SNP report request failed
 * (the base itself; the SINGLE_SERVICE_EX proposal for the spec, the AMD SVSM). */
#define SVSM_ERR_PROTOCOL_BASE             0x80001000u
#define SVSM_ERR_PVALIDATE_FAIL_INPUT      0x80001001u
#define SVSM_ERR_PVALIDATE_FAIL_PERMISSION 0x80001002u /* RMPADJUST while granting/revoking */
#define SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH 0x80001006u
#define SVSM_ERR_PVALIDATE_FAIL_UNCHANGED  0x80001010u
#define SVSM_ERR_PVALIDATE_FAIL_OTHER      0x80001011u
#define SVSM_ERR_CORE_FAIL_INUSE           0x80001003u /* RMPADJUST FAIL_INUSE (3), on every path */
#define SVSM_ERR_ATTEST_FAIL_SNP           0x80001000u

#define SVSM_CORE_PROTOCOL   0u
#define SVSM_ATTEST_PROTOCOL 1u
#define SVSM_VTPM_PROTOCOL   2u /* vtpm.c; only with a vTPM attached (proto_attach_vtpm) */

#define SVSM_CORE_REMAP_CA       0u
#define SVSM_CORE_PVALIDATE      1u
#define SVSM_CORE_CREATE_VCPU    2u
#define SVSM_CORE_DELETE_VCPU    3u
#define SVSM_CORE_DEPOSIT_MEM    4u
#define SVSM_CORE_WITHDRAW_MEM   5u
#define SVSM_CORE_QUERY_PROTOCOL 6u
#define SVSM_CORE_CONFIGURE_VTOM 7u

#define SVSM_ATTEST_SERVICES       0u
#define SVSM_ATTEST_SINGLE_SERVICE 1u

#define SVSM_VTPM_QUERY 0u
#define SVSM_VTPM_CMD   1u

#define PROTO_GUEST_VMPL 2u
#define PROTO_MAX_VCPUS  64u
#define PROTO_MAX_PINS   64u
#define PROTO_STRIPES    256u
#define PROTO_MAX_RANGES 16u
#define PROTO_MAX_SERVICES 4u
#define PROTO_POOL_MAX   1024u

/* PVALIDATE / DEPOSIT_MEM list (spec Tables 6, 7): header, then u64 entries, in one
 * page. WITHDRAW_MEM (Table 8) uses only `entries` (filled in by the SVSM) and then
 * 4 KiB page gPAs; its bytes 2..7 are unused. */
struct proto_list_hdr {
	uint16_t entries;
	uint16_t next;
	uint32_t reserved;
};
#define PVAL_SIZE_MASK  0x3ull    /* 0 = 4 KiB, 1 = 2 MiB */
#define PVAL_VALIDATE   (1ull << 2)
#define PVAL_IGNORE_CF  (1ull << 3)
#define PVAL_RSVD_MASK  0xFF0ull  /* bits 11:4 */
#define DEPOSIT_RSVD_MASK 0xFFCull /* bits 11:2 */

/* The calling area (8 bytes at the guest's CAA). */
struct proto_ca {
	uint8_t call_pending;
	uint8_t mem_available;
	uint8_t no_eoi_required;
	uint8_t reserved[5];
};

/* VMSA fields CREATE_VCPU checks. */
#define VMSA_OFF_VMPL         0x0CAu
#define VMSA_OFF_EFER         0x0D0u
#define VMSA_OFF_SEV_FEATURES 0x3B0u
#define EFER_SVME             (1ull << 12)

struct proto_regs {
	uint64_t rax, rcx, rdx, r8;
};

struct proto_vcpu_slot {
	uint64_t vmsa, caa;  /* GPAs */
	uint32_t apic_id;
	bool used;
	bool running;        /* a launch vCPU, executing outside the SVSM's control: DELETE_VCPU refuses (0x80001003) */
	uint32_t gen;        /* changes with every registration in this slot: (slot, gen) names one vCPU */
};

struct proto_pin {
	uint64_t page;
	uint32_t count;
};

struct proto_service {
	uint8_t guid[16];
	const uint8_t *data;
	uint32_t len;
};

/* The TPM behind the vTPM protocol (svsm/vtpm/service.h): runs one TPM command, cmd
 * (len bytes) -> a TPM response of 10..cap bytes in rsp, whose length it returns;
 * serializes itself. */
struct proto_vtpm {
	uint32_t (*execute)(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap);
	void *ctx;
};

struct proto_stats {
	_Atomic uint64_t calls, pvalidate_entries, refused_unchanged, refused_registered, refused_busy;
	_Atomic uint64_t guest_faults; /* guest-memory accesses that faulted (a page taken behind our back) */
	_Atomic uint64_t lost_pages;   /* deposited pages the hypervisor took: owned for good, out of the pool */
};

struct proto_core {
	const struct proto_platform *plat;
	uint64_t range_base[PROTO_MAX_RANGES], range_size[PROTO_MAX_RANGES];
	unsigned nranges;
	uint64_t sev_features;       /* what every new VMSA must carry */
	struct valstate vs;
	struct spinlock stripe[PROTO_STRIPES];
	struct spinlock reg_lock;    /* L2 */
	struct proto_vcpu_slot vcpu[PROTO_MAX_VCPUS];
	struct proto_pin pin[PROTO_MAX_PINS];
	struct spinlock pool_lock;   /* L3 */
	uint64_t pool[PROTO_POOL_MAX]; /* deposits not yet withdrawn: first page | (pages - 1) */
	unsigned pool_n, pool_reserved;
	struct proto_service svc[PROTO_MAX_SERVICES];
	unsigned nsvc;
	int startup_slot;            /* the first boot vCPU: never deleted, gets MEM_AVAILABLE */
	const struct proto_vtpm *vtpm; /* NULL: protocol 2 is unsupported */
	struct proto_stats st;
};

/* ---- setup (single-threaded) ---- */
/* Guest memory = the given ranges (page aligned); anything else is SVSM or MMIO. 0 or -1
 * (also when plat lacks an operation: all but relax are required, flush included). */
int proto_init(struct proto_core *c, const struct proto_platform *plat, const uint64_t *base,
	       const uint64_t *size, unsigned n, uint64_t sev_features);
void proto_destroy(struct proto_core *c);
/* Records pages validated before the core started (launch): tracker only. 0 or -1. */
int proto_mark_validated(struct proto_core *c, uint64_t gpa, uint64_t len);
/* Registers a vCPU that exists at launch (its VMSA is running); the first one is the
 * startup vCPU. Returns the slot or -1. */
int proto_add_boot_vcpu(struct proto_core *c, uint64_t vmsa, uint64_t caa, uint32_t apic_id);
int proto_add_service(struct proto_core *c, const uint8_t guid[16], const uint8_t *data, uint32_t len);
/* Serves the vTPM protocol with v and lists the vTPM service (ek_public: the EK's
 * TPMT_PUBLIC, kept by the caller) in the attestation manifest. 0 or -1. */
int proto_attach_vtpm(struct proto_core *c, const struct proto_vtpm *v, const uint8_t *ek_public, uint32_t len);

/* ---- requests (any number of vCPUs concurrently; each vCPU one call at a time) ---- */
/* The request loop's step for vCPU slot: if its calling area has call_pending set,
 * clears it, dispatches *r and returns true; false if there was no call. */
bool proto_handle_request(struct proto_core *c, unsigned slot, struct proto_regs *r);
/* The same for the vCPU registered in slot as generation gen only (the request loop's: a slot
 * emptied and filled again meanwhile holds another vCPU, whose calling area is not ours). */
bool proto_handle_request_gen(struct proto_core *c, unsigned slot, uint32_t gen, bool check_gen, struct proto_regs *r);
/* Dispatches one call (RAX = protocol << 32 | call) for vCPU slot; result in r->rax. */
void proto_dispatch(struct proto_core *c, unsigned slot, struct proto_regs *r);

/* ---- introspection, for tests and the self-test ---- */
/* Slot of the vCPU whose VMSA is at vmsa, or -1. */
int proto_find_vcpu(struct proto_core *c, uint64_t vmsa);
/* Whether slot still holds the vCPU (vmsa, gen) it held when it was looked up; *vmsa and *gen
 * receive what it holds now (false: nothing). */
bool proto_vcpu_get(struct proto_core *c, unsigned slot, uint64_t *vmsa, uint32_t *gen);
/* Caller holds the page's stripe lock (tests: or no call is in flight). */
bool proto_page_registered(struct proto_core *c, uint64_t page, bool *is_vmsa);
struct spinlock *proto_stripe_lock(struct proto_core *c, uint64_t gpa);
bool proto_in_guest(const struct proto_core *c, uint64_t gpa, uint64_t len);
/* [gpa, gpa+len) non-empty, not wrapping, inside one of the n ranges (base[i], size[i]). */
bool proto_ranges_contain(const uint64_t *base, const uint64_t *size, unsigned n, uint64_t gpa, uint64_t len);

/* Internals shared between the protocol files. */
void proto_lock(struct proto_core *c, struct spinlock *l);
uint32_t proto_core_call(struct proto_core *c, unsigned slot, uint32_t call, struct proto_regs *r);
uint32_t proto_attest_call(struct proto_core *c, uint32_t call, struct proto_regs *r);
uint32_t proto_vtpm_call(struct proto_core *c, uint32_t call, struct proto_regs *r);
/* Pins [gpa, gpa+len) (at most 8 pages) for the SVSM to read/write: each page must be
 * validated guest memory (as far as the tracker knows), not deposited, not a VMSA.
 * Returns SVSM_SUCCESS or an error; on success proto_unpin must follow. A pin keeps the
 * guest's own calls from invalidating the pages meanwhile; it cannot stop the hypervisor,
 * so every access still goes through the accessors below. */
uint32_t proto_pin(struct proto_core *c, uint64_t gpa, uint64_t len);
void proto_unpin(struct proto_core *c, uint64_t gpa, uint64_t len);
/* The platform's guest-memory accessors (proto_platform.h), counting faults in
 * st.guest_faults. false: the access faulted, the caller answers INVALID_ADDRESS (or, where
 * there is no call to answer, leaves things as they are). */
bool proto_read(struct proto_core *c, uint64_t gpa, void *dst, uint64_t len);
bool proto_write(struct proto_core *c, uint64_t gpa, const void *src, uint64_t len);
bool proto_zero(struct proto_core *c, uint64_t gpa, uint64_t len);
bool proto_xchg8(struct proto_core *c, uint64_t gpa, uint8_t v, uint8_t *old);
bool proto_update64(struct proto_core *c, uint64_t gpa, uint64_t clear, uint64_t set);

#endif
