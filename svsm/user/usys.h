/* SPDX-License-Identifier: MIT */
/*
 * usys.h — the ring-3 system-call layer's portable half: Linux x86-64 numbers and
 * semantics for the subset static musl programs need, every argument checked here
 * before anything is touched, and the process's memory bookkeeping (break, anonymous
 * mappings, the page budget).
 *
 * Nothing here touches a page table or user memory: the kernel binding
 * (user/process.c) supplies `struct usys_ops` — copies in and out of user memory
 * that fail instead of faulting, page mapping, console output, randomness, time —
 * and the host tests (tests/svsm/test_svsm_usys.c) and the fuzzer
 * (tests/fuzz/fuzz_user_syscall.c) supply simulated ones. A user address range is
 * handed to copy_in/copy_out only after usys checked it lies inside
 * [USYS_USER_LO, USYS_USER_TOP) without wrapping; whether it is mapped is the
 * copy's business (a failed copy is -EFAULT, never a fault of the kernel).
 *
 * Calls: read, write, open, close, stat, fstat, lstat, lseek, mmap, mprotect,
 * munmap, brk, rt_sigaction, rt_sigprocmask, ioctl, writev, getpid, exit,
 * arch_prctl, gettid, set_tid_address, clock_gettime, exit_group, openat,
 * newfstatat, getrandom; anything else is -ENOSYS. Files come from the packed
 * filesystem (read-only); fds 0..2 are the console (0 reads end of file, 1 and 2
 * write). Memory: anonymous private mappings only, placed top-down in
 * [USYS_MMAP_LO, USYS_MMAP_HI); the break grows from the image's end up to
 * USYS_BRK_MAX bytes; every mapped page counts against max_pages (the image and
 * the stack too), and a call that would pass it is -ENOMEM. Pages are mapped
 * (zeroed) when asked for, never on fault. W^X: a mapping or mprotect asking for
 * write and execute together is -EACCES.
 *
 * A channel for service processes (the vTPM, issue 13 part 4) is meant to be one
 * more call here — receive a request into a user buffer, send the answer back —
 * over the same copy_in/copy_out; the dispatcher keeps no state but `struct usys`.
 */
#ifndef SVSM_USER_USYS_H
#define SVSM_USER_USYS_H

#include <stdbool.h>
#include <stdint.h>

struct igfs;

/* The lower half a process may use. Page 0 and the first 64 KiB stay unmapped. */
#define USYS_USER_LO   0x10000ull
#define USYS_USER_TOP  0x7FFF00000000ull /* first address no user pointer may reach */
#define USYS_PIE_BASE  0x40000000ull     /* where a static PIE's lowest page goes */
#define USYS_IMAGE_MAX (64ull << 20)     /* bytes the program's segments may span */
#define USYS_MMAP_LO   0x100000000000ull
#define USYS_MMAP_HI   0x7F0000000000ull
#define USYS_BRK_MAX   (1ull << 30)      /* bytes the break may grow past the image */
#define USYS_STACK_TOP  USYS_USER_TOP
#define USYS_STACK_SIZE (256ull << 10)   /* mapped at start; the page below stays unmapped */
#define USYS_MAX_VMAS  64u               /* anonymous mappings, after splits */
#define USYS_MAX_FDS   16u
#define USYS_PAGE      4096ull

/* errno values (Linux x86-64). */
#define USYS_EPERM 1
#define USYS_ENOENT 2
#define USYS_EIO 5
#define USYS_EBADF 9
#define USYS_EAGAIN 11
#define USYS_ENOMEM 12
#define USYS_EACCES 13
#define USYS_EFAULT 14
#define USYS_ENOTDIR 20
#define USYS_EISDIR 21
#define USYS_EINVAL 22
#define USYS_EMFILE 24
#define USYS_ENOTTY 25
#define USYS_ESPIPE 29
#define USYS_EROFS 30
#define USYS_ENAMETOOLONG 36
#define USYS_ENOSYS 38
#define USYS_ELOOP 40
#define USYS_ENODEV 19

/* Linux x86-64 system-call numbers of the subset. */
enum {
	USYS_read = 0, USYS_write = 1, USYS_open = 2, USYS_close = 3, USYS_stat = 4, USYS_fstat = 5,
	USYS_lstat = 6, USYS_lseek = 8, USYS_mmap = 9, USYS_mprotect = 10, USYS_munmap = 11, USYS_brk = 12,
	USYS_rt_sigaction = 13, USYS_rt_sigprocmask = 14, USYS_ioctl = 16, USYS_writev = 20, USYS_getpid = 39,
	USYS_exit = 60, USYS_arch_prctl = 158, USYS_gettid = 186, USYS_set_tid_address = 218,
	USYS_clock_gettime = 228, USYS_exit_group = 231, USYS_openat = 257, USYS_newfstatat = 262,
	USYS_getrandom = 318,
};

#define USYS_PROT_R 1u
#define USYS_PROT_W 2u
#define USYS_PROT_X 4u

struct usys_ops {
	/* 0, or -1 when some byte of the (range-checked) user range cannot be read / written. */
	int (*copy_in)(void *ctx, void *dst, uint64_t uaddr, uint64_t n);
	int (*copy_out)(void *ctx, uint64_t uaddr, const void *src, uint64_t n);
	/* Maps [va, va + len) zeroed with prot, all or nothing: 0 or -1 (no memory). */
	int (*map)(void *ctx, uint64_t va, uint64_t len, uint32_t prot);
	void (*unmap)(void *ctx, uint64_t va, uint64_t len); /* frees the pages */
	void (*protect)(void *ctx, uint64_t va, uint64_t len, uint32_t prot);
	void (*console)(void *ctx, int fd, const char *buf, uint64_t n);
	int (*random)(void *ctx, void *buf, uint64_t n); /* 0, or -1: no entropy */
	uint64_t (*clock_ns)(void *ctx);                  /* nanoseconds since boot */
	void (*set_fs)(void *ctx, uint64_t base);
};

struct usys_vma {
	uint64_t lo, hi; /* page aligned, lo < hi */
	uint32_t prot;
};

struct usys_fd {
	bool used, console;
	uint32_t ino;
	uint64_t off;
};

struct usys {
	const struct usys_ops *ops;
	void *ctx;
	const struct igfs *fs; /* NULL: no filesystem, open is -ENOENT */
	uint64_t max_pages, pages;
	uint64_t brk_lo, brk;  /* the break: start (page aligned) and current (any byte) */
	uint32_t nvma;
	struct usys_vma vma[USYS_MAX_VMAS]; /* sorted, disjoint */
	struct usys_fd fd[USYS_MAX_FDS];
	uint64_t fs_base, tid_address;
	bool exited;
	int status;            /* exit status (0..255) once exited */
	uint64_t enosys_count; /* calls answered -ENOSYS */
};

void usys_init(struct usys *u, const struct usys_ops *ops, void *ctx, const struct igfs *fs, uint64_t max_pages);
/* Maps a fixed part of the image or the stack (page aligned), counted against the budget: 0 or -ENOMEM. */
long usys_map_fixed(struct usys *u, uint64_t va, uint64_t len, uint32_t prot);
/* The break starts at brk (page aligned, past the image). */
void usys_set_brk(struct usys *u, uint64_t brk);
/* One system call: the return value for RAX (a negative errno on failure). After exit or
 * exit_group, u->exited is set and the caller must not return to the program. */
long usys_call(struct usys *u, uint64_t nr, const uint64_t a[6]);
/* Whether the subset has number nr (for logs of unknown calls). */
bool usys_known(uint64_t nr);
/* [addr, addr + len) lies inside the user range (len 0 is always fine). */
bool usys_range_ok(uint64_t addr, uint64_t len);

#endif
