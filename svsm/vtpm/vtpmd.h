/* SPDX-License-Identifier: MIT */
/*
 * vtpmd.h — the pieces of vtpmd (the vTPM as a ring-3 process, vtpmd.c) that its
 * platform file (sys_user.c) and its serve loop share. Internal to vtpmd.
 */
#ifndef SVSM_VTPM_VTPMD_H
#define SVSM_VTPM_VTPMD_H

/* A raw Linux x86-64 system call: the result, or -errno. */
long vtpmd_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
__attribute__((noreturn)) void vtpmd_exit(int status);
/* The serve loop, once TCB, heap and environment exist (sys_user.c's vtpmd_start).
 * Returns the exit status when the channel fails. */
int vtpmd_main(void);

#endif
