/* SPDX-License-Identifier: MIT */
/*
 * vmpl_switch.h — the Run VMPL request behind the #HV doorbell check
 * (vmpl_switch.S; the contract and the window are described there and in
 * snp/hv_doorbell.h).
 */
#ifndef SVSM_ARCH_VMPL_SWITCH_H
#define SVSM_ARCH_VMPL_SWITCH_H

struct hv_doorbell;

/* 1 ran, 0 cancelled (nothing sent), -1 refused. db NULL: no check. */
int snp_run_vmpl_window(struct hv_doorbell *db, unsigned vmpl);

extern const char hv_window_start[], hv_window_end[], hv_window_cancel[];

/* HLT unless *wake is set, the #HV window around it (vmpl_switch.S). */
void snp_idle_halt(const uint64_t *wake);
extern const char hv_idle_start[], hv_idle_end[];

#endif
