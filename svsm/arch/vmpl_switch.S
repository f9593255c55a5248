/* SPDX-License-Identifier: MIT */
/*
 * vmpl_switch.S — the Run VMPL request with the restricted-injection check
 * in front of it (snp/hv_doorbell.h; the same sequence as COCONUT-SVSM's
 * switch_to_vmpl_unsafe, written anew).
 *
 * int snp_run_vmpl_window(struct hv_doorbell *db, unsigned vmpl)
 *   RDI  the vCPU's #HV doorbell, or NULL without restricted injection
 *   ESI  the VMPL to run
 *   1    the VMPL ran and the hypervisor answered 0x017 with error 0
 *   0    cancelled: NoFurtherSignal was set, or an #HV arrived between the
 *        check and the request (the #HV handler moved RIP to
 *        hv_window_cancel); no request was made
 *   -1   the hypervisor refused (any other answer in the GHCB MSR)
 *
 * [hv_window_start, hv_window_end) holds everything from the conditional
 * jump that acts on the check up to and including the VMGEXIT: an #HV
 * delivered with RIP in there means "an event arrived after the check", and
 * the request must not be made. An #HV after the VMGEXIT (RIP =
 * hv_window_end) arrives when VMPL0 runs again and is taken before the next
 * request. The check itself reads the doorbell's first u16 (bit 15).
 * Run VMPL is the MSR protocol's request 0x016 with the VMPL in bits 39:32
 * (EDX), answer 0x017 with the error in bits 63:32.
 */
	.text
	.globl snp_run_vmpl_window
snp_run_vmpl_window:
	testq %rdi, %rdi
	jz 1f
	testw $0x8000, (%rdi)
	.globl hv_window_start
hv_window_start:
	jnz hv_window_cancel
1:	movl $0x16, %eax
	movl %esi, %edx
	movl $0xC0010130, %ecx
	wrmsr
	rep; vmmcall
	.globl hv_window_end
hv_window_end:
	rdmsr
	andl $0xFFF, %eax
	cmpl $0x17, %eax
	jne 2f
	testl %edx, %edx
	jne 2f
	movl $1, %eax
	ret
2:	movl $-1, %eax
	ret

	.globl hv_window_cancel
hv_window_cancel:
	xorl %eax, %eax
	ret

/*
 * void snp_idle_halt(const uint64_t *wake)
 *   HLT unless *wake is non-zero, for a vCPU with nothing to run (its
 *   request loop, guest_launch.c). [hv_idle_start, hv_idle_end) is the same
 *   kind of window: an #HV from the check on (the IPI that says *wake
 *   changed) moves RIP to hv_idle_end, past the HLT, so a wake-up between
 *   the check and the HLT is not lost; one that arrives in the HLT ends it.
 */
	.globl snp_idle_halt
snp_idle_halt:
	cmpq $0, (%rdi)
	.globl hv_idle_start
hv_idle_start:
	jnz 1f
	hlt
	.globl hv_idle_end
hv_idle_end:
1:	ret
