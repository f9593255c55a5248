/* SPDX-License-Identifier: MIT */
/*
 * process.h — ring-3 programs from the packed filesystem: the kernel half of issue 13.
 *
 * Programs run one at a time per CPU, to completion or to their next serve call: no
 * scheduler, no preemption. /init (and the test directory's programs) runs once on the boot
 * CPU. A service process (the vTPM, svsm/vtpm_proxy.h) stays: it is suspended inside its
 * serve call between requests and runs, on whichever CPU asks (the caller serializes), only
 * until it replies; a watchdog (the native platform's local APIC timer, the only ring-3
 * interrupt besides the SMP IPI) bounds each run. A process has its own PML4 whose upper half
 * is the core's (entries 256..511 copied when it is made: the core adds no top-level
 * entry while a process lives) and whose lower half holds only its pages: the ELF
 * segments (elf_load.h plan, file bytes copied from the read-only image), a 256 KiB stack
 * with an unmapped page below it, the break and anonymous mappings (usys.h), at most
 * USER_MAX_PAGES pages in all, and never the last USER_POOL_RESERVE pages of the core's
 * pool. User pages are U, NX unless executable, never W and X; PROT_NONE pages are
 * supervisor pages (the program faults on them).
 *
 * The CPU (user_cpu_init, every CPU): SYSCALL/SYSRET (STAR, LSTAR, FMASK clearing IF, TF,
 * DF, AC, NT), SMEP and SMAP when CPUID has them, CR0.WP (a system call cannot write a
 * read-only user page), FXSAVE/FXRSTOR enabled (CR4.OSFXSR, OSXMMEXCPT). The core is
 * compiled with -mgeneral-regs-only, so nothing it runs during a system call touches the
 * x87/SSE state: a process's vector registers stay live in the CPU while it runs; they
 * are saved into its area when it ends and a clean state loaded, so the next program
 * starts from the reset state and sees nothing of the last one.
 *
 * A fault in ring 3 (any exception whose saved CS has RPL 3) ends the process and logs
 * the vector, RIP, CR2 and error code; the core goes on. Not faults: the IPI and watchdog
 * interrupts, and on SNP a #HV and a #VC for CPUID (answered from the CPUID page with the
 * instruction bytes read through the fault-recovering copy); any other #VC ends it. Program output on fds 1 and 2
 * is logged line by line as "NAME> text" (control bytes shown as '.'); the core's own
 * lines are "user: NAME ...".
 */
#ifndef SVSM_USER_PROCESS_H
#define SVSM_USER_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#define USER_MAX_PAGES     4096u /* 16 MiB per process: image, stack, break, mappings */
#define USER_POOL_RESERVE  512u  /* pages of the pool a process never takes (2 MiB) */

struct trap_frame;

/* The results of user_run and user_service_* beyond exit statuses 0..255. */
#define USER_RUN_KILLED   (-1) /* a fault in ring 3, or a broken serve call (logged) */
#define USER_RUN_NOLOAD   (-2) /* not found, not a program the loader takes, no memory (logged) */
#define USER_RUN_HUNG     (-3) /* the watchdog ended it (logged) */
#define USER_RUN_SERVED   (-4) /* internal: a service process made its serve call */

/* The system call only a service process may make (chan.h's VTPM_CHAN_SYSCALL):
 * serve(reply, reply_len, req, req_cap), see svsm/vtpm/chan.h. */
#define USER_SERVE_SYSCALL 0x5356u

/* Every CPU, before it runs a program (the boot CPU first: it also sets up the watchdog). */
void user_cpu_init(void);
/* Whether a hung process is ended (the watchdog exists on this platform). */
bool user_watchdog(void);
/* Runs the program at `path` in the packed filesystem to its end: exit status or USER_RUN_*. */
int user_run(const char *path);
/* The same for a program image in memory, named `name` in the logs. */
int user_run_image(const char *name, const void *data, uint64_t size);
/* Native boot, after the self-tests: /init when the filesystem has one (and, in the test build
 * SVSM_TEST_USER_DIR, every regular file of that directory after it, in name order). */
void user_run_init(void);

/*
 * Service processes (one at a time). user_service_start loads the image and runs it until
 * its first serve call (reply_len 0): the process, or NULL (logged). user_service_call
 * hands it a request of len bytes (copied into the buffer of its last serve call; longer
 * than that buffer ends it) and runs it on this CPU until it serves again: the reply's
 * length (its bytes in rsp, at most cap), or a USER_RUN_* (< 0) when it faulted, hung
 * past budget_ms (0: no bound), exited or broke the serve contract: then it is gone,
 * logged, its pages are back in the pool and *pp is NULL. The caller serializes calls.
 */
struct uproc;
struct uproc *user_service_start(const char *name, const void *elf, uint64_t size, unsigned budget_ms);
long user_service_call(struct uproc **pp, const void *req, uint64_t len, void *rsp, uint64_t cap,
		       unsigned budget_ms);
void user_service_stop(struct uproc **pp);

/* The entry code's and the exception path's ways in (arch/user_entry.S, arch/idt.c). */
void user_syscall(struct trap_frame *f);
void user_trap(struct trap_frame *f);
void user_watchdog_stale(void);
/* user_copy's range: a #PF inside it resumes at user_access_fault (-1), arch/idt.c. */
extern const char user_access_begin[], user_access_end[], user_access_fault[];
extern uint8_t user_smap_on;

#endif
