/* SPDX-License-Identifier: MIT */
/*
 * process.h — ring-3 programs from the packed filesystem: the kernel half of issue 13.
 *
 * One process at a time, on the boot CPU, run to completion: no scheduler, no timer,
 * interrupts off in ring 3 as in the kernel. A process has its own PML4 whose upper half
 * is the core's (entries 256..511 copied when it is made: the core adds no top-level
 * entry while a process lives) and whose lower half holds only its pages: the ELF
 * segments (elf_load.h plan, file bytes copied from the read-only image), a 256 KiB stack
 * with an unmapped page below it, the break and anonymous mappings (usys.h), at most
 * USER_MAX_PAGES pages in all, and never the last USER_POOL_RESERVE pages of the core's
 * pool. User pages are U, NX unless executable, never W and X; PROT_NONE pages are
 * supervisor pages (the program faults on them).
 *
 * The CPU (user_cpu_init, boot CPU): SYSCALL/SYSRET (STAR, LSTAR, FMASK clearing IF, TF,
 * DF, AC, NT), SMEP and SMAP when CPUID has them, CR0.WP (a system call cannot write a
 * read-only user page), FXSAVE/FXRSTOR enabled (CR4.OSFXSR, OSXMMEXCPT). The core is
 * compiled with -mgeneral-regs-only, so nothing it runs during a system call touches the
 * x87/SSE state: a process's vector registers stay live in the CPU while it runs; they
 * are saved into its area when it ends and a clean state loaded, so the next program
 * starts from the reset state and sees nothing of the last one.
 *
 * A fault in ring 3 (any exception whose saved CS has RPL 3) ends the process and logs
 * the vector, RIP, CR2 and error code; the core goes on. Program output on fds 1 and 2
 * is logged line by line as "NAME> text" (control bytes shown as '.'); the core's own
 * lines are "user: NAME ...".
 */
#ifndef SVSM_USER_PROCESS_H
#define SVSM_USER_PROCESS_H

#include <stdint.h>

#define USER_MAX_PAGES     4096u /* 16 MiB per process: image, stack, break, mappings */
#define USER_POOL_RESERVE  512u  /* pages of the pool a process never takes (2 MiB) */

struct trap_frame;

/* The results of user_run beyond exit statuses 0..255. */
#define USER_RUN_KILLED   (-1) /* a fault in ring 3 (logged) */
#define USER_RUN_NOLOAD   (-2) /* not found, not a program the loader takes, no memory (logged) */

/* Boot CPU, once, before the first user_run. */
void user_cpu_init(void);
/* Runs the program at `path` in the packed filesystem to its end: exit status or USER_RUN_*. */
int user_run(const char *path);
/* Native boot, after the self-tests: /init when the filesystem has one (and, in the test build
 * SVSM_TEST_USER_DIR, every regular file of that directory after it, in name order). */
void user_run_init(void);

/* The entry code's and the exception path's ways in (arch/user_entry.S, arch/idt.c). */
void user_syscall(struct trap_frame *f);
__attribute__((noreturn)) void user_fault(const struct trap_frame *f);
/* user_copy's range: a #PF inside it resumes at user_access_fault (-1), arch/idt.c. */
extern const char user_access_begin[], user_access_end[], user_access_fault[];
extern uint8_t user_smap_on;

#endif
