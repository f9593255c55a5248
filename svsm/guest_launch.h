/* SPDX-License-Identifier: MIT */
/*
 * guest_launch.h — SNP only: start the guest firmware (OVMF) at VMPL2 and
 * serve its SVSM calls, as the launch information describes it (fw_* fields
 * of format/launch_info.h).
 *
 * What the guest gets, and why exactly that:
 *   - guest memory for the protocol core = the RAM ranges of the host's map
 *     minus the SVSM's region (mm.guest_map), plus the firmware image when the
 *     map does not list it as RAM;
 *   - the firmware image: the IGVM file made it page data, so the launch
 *     validated it (at VMPL0, no access for VMPL2). It is recorded as
 *     validated and VMPL2 gets RWX. Nothing else of the guest's memory was
 *     validated by the launch;
 *   - the firmware's prevalidated ranges (SEC_MEM, KERNEL_HASHES), its CPUID,
 *     secrets and calling-area pages: no page directive covers them, so the
 *     core validates them (page-state change to private first when the
 *     environment information says memory starts shared), zeroes them, gives
 *     VMPL2 RWX and records them as validated. The CPUID page gets the
 *     PSP-checked CPUID table, the secrets page the SVSM's secrets page with
 *     the VMPCKs of VMPL0/1 wiped and the SVSM fields set (snp/secrets_page.h);
 *   - the SVSM's own launch pages in low memory (stage 2, launch information,
 *     CPUID and secrets pages, parameter pages, vTPM blob, boot stack) were
 *     validated by the launch but are guest RAM the firmware will validate
 *     itself through the SVSM: they are wiped where secret, rescinded, and
 *     stay "not validated" in the tracker — a double validation would fail
 *     the firmware. Before that, guest_launch_relocate() has moved the one
 *     the core keeps reading (the CPUID table) into its own memory;
 *   - the boot vCPU's VMPL2 VMSA: reset state (snp/guest_vmsa.h) in a page of
 *     the SVSM's pool that is not 2 MiB aligned (COCONUT-SVSM: some processors
 *     mishandle 2 MiB aligned VMSAs), made a VMSA with no VMPL2 access,
 *     registered with the core (with the firmware's calling area) and with the
 *     hypervisor (AP Creation, "create on INIT").
 * Then the loop: Run VMPL2, reqloop_step(), forever — one loop per vCPU. The
 * boot vCPU's loop starts with its VMSA; every other vCPU of the SVSM
 * (smp.h) runs guest_launch_ap(), which idles until the firmware's
 * SVSM_CORE_CREATE_VCPU for that vCPU's APIC ID (served on whichever vCPU
 * made the call) hands it the new VMSA, and from then on serves that
 * vCPU's calls on that vCPU. CREATE_VCPU for an APIC ID no vCPU of the
 * SVSM has is INVALID_PARAMETER. A VMSA deleted — by another vCPU's
 * DELETE_VCPU, or by its own, whose call then does not return — is dropped
 * and its vCPU idles again.
 */
#ifndef SVSM_GUEST_LAUNCH_H
#define SVSM_GUEST_LAUNCH_H

#include <stdint.h>

#include "../format/launch_info.h"

/* After mm_init, before platform_snp_late_init(run): copies the CPUID page into the pool
 * and points run->cpuid_page_gpa at the copy. 0 or -1 (pool exhausted). */
int guest_launch_relocate(struct launch_info *run);
/* Does not return once the firmware runs; -1 (logged) when it cannot be started. */
int guest_launch_snp(const struct launch_info *li, uint64_t li_gpa);
/* An application processor's request loop (smp_snp.c); does not return. */
struct percpu;
__attribute__((noreturn)) void guest_launch_ap(struct percpu *cpu);

#endif
