/* SPDX-License-Identifier: MIT */
/*
 * vtpm_image.S — vtpmd's ELF image (VTPMD_ELF, built by svsm/vtpm/vtpm.mk) inside the core's
 * read-only data: the vTPM program is measured with the core that runs it, and the two
 * always speak the same channel (svsm/vtpm/chan.h). The core never executes these bytes:
 * user/process.c copies them into a ring-3 process.
 */
	.section .rodata.vtpmd, "a"
	.balign 4096
	.globl vtpmd_image, vtpmd_image_end
vtpmd_image:
	.incbin VTPMD_ELF
vtpmd_image_end:
	.section .note.GNU-stack, "", @progbits
