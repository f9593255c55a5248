/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_usys.c — host tests of the ring-3 system-call layer (svsm/user/usys.c) on a
 * simulated process (usys_sim.h): the argument checks of every call — bad fds, pointers
 * outside the user range, wrapping lengths, unmapped and read-only user pages, unknown
 * flags — with Linux's errno for each, and the memory bookkeeping: brk, mmap placement,
 * munmap splitting, mprotect, W^X, the page budget. The same calls in a real guest are
 * tests/cli/t0620-user.sh's.
 */
#include "../unit/tap.h"

#include "usys_sim.h"

#define KADDR 0xFFFFFFFF80000000ull

static struct sim S;

static long call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
	long r = usys_call(&S.u, nr, a);
	const char *bad = sim_check(&S);
	if (bad)
		ok(0, "bookkeeping after call %lu: %s", (unsigned long)nr, bad);
	return r;
}
#define C(nr, ...) call(nr, __VA_ARGS__, 0, 0, 0, 0, 0)
#define CALL(nr, a, b, c, d, e, f, ...) call(nr, a, b, c, d, e, f)
#define SC(...) CALL(__VA_ARGS__, 0, 0, 0, 0, 0, 0)

/* A user page with `s` in it; returns its address. */
static uint64_t ustr(const char *s)
{
	long va = SC(USYS_mmap, 0, 4096, USYS_PROT_R | USYS_PROT_W, 0x22, -1, 0);
	sim_copy_out(&S, (uint64_t)va, s, strlen(s) + 1);
	return (uint64_t)va;
}

static void test_console_and_pointers(void)
{
	sim_init(&S, 256);
	uint64_t buf = ustr("hello, world\n");
	is_u64(SC(USYS_write, 1, buf, 13), 13, "write to stdout");
	ok(!strcmp(S.out, "hello, world\n"), "the console got the bytes");
	is_u64(SC(USYS_write, 2, buf, 0), 0, "write of nothing");
	is_u64(SC(USYS_write, 1, 0, 0), 0, "write of nothing from NULL");
	is_u64(SC(USYS_write, 1, 0, 1), -USYS_EFAULT, "write from NULL");
	is_u64(SC(USYS_write, 1, 0x20000, 8), -USYS_EFAULT, "write from an unmapped user page");
	is_u64(SC(USYS_write, 1, KADDR, 8), -USYS_EFAULT, "write from a kernel address");
	is_u64(SC(USYS_write, 1, 0x8000000000000000ull, 8), -USYS_EFAULT, "write from a non-canonical address");
	is_u64(SC(USYS_write, 1, USYS_USER_TOP - 4, 8), -USYS_EFAULT, "write across the user top");
	is_u64(SC(USYS_write, 1, buf, ~0ull), -USYS_EFAULT, "write with a length that wraps");
	is_u64(SC(USYS_write, 1, buf, 8192), 4096, "write running into an unmapped page: short");
	is_u64(SC(USYS_write, 3, buf, 1), -USYS_EBADF, "write to a closed fd");
	is_u64(SC(USYS_write, 0xFFFFFFFFull, buf, 1), -USYS_EBADF, "write to fd -1");
	is_u64(SC(USYS_write, 0x100000001ull, buf, 1), 1, "fd from the low 32 bits (1), as Linux");
	is_u64(SC(USYS_read, 0, buf, 10), 0, "stdin reads end of file");
	/* writev */
	uint64_t iov = ustr(""), v[4] = { buf, 5, buf + 7, 6 };
	sim_copy_out(&S, iov, v, sizeof(v));
	S.out_len = 0;
	is_u64(SC(USYS_writev, 1, iov, 2), 11, "writev of two vectors");
	ok(!strcmp(S.out, "helloworld\n"), "writev's bytes in order");
	is_u64(SC(USYS_writev, 1, iov, 1025), -USYS_EINVAL, "writev with more than 1024 vectors");
	is_u64(SC(USYS_writev, 1, iov, 0xFFFFFFFFull), -USYS_EINVAL, "writev with -1 vectors");
	is_u64(SC(USYS_writev, 1, KADDR, 1), -USYS_EFAULT, "writev with a kernel vector");
	uint64_t bad[2] = { KADDR, 4 };
	sim_copy_out(&S, iov, bad, sizeof(bad));
	is_u64(SC(USYS_writev, 1, iov, 1), -USYS_EFAULT, "writev of a kernel buffer");
	uint64_t neg[4] = { buf, 2, buf, 0x8000000000000000ull };
	sim_copy_out(&S, iov, neg, sizeof(neg));
	is_u64(SC(USYS_writev, 1, iov, 2), -USYS_EINVAL, "writev with a negative length");
	uint64_t huge[4] = { buf, 2, buf, 0x7FFFFFFFFFFFFFFFull };
	sim_copy_out(&S, iov, huge, sizeof(huge));
	is_u64(SC(USYS_writev, 1, iov, 2), 4098, "writev whose lengths pass MAX_RW: capped, short at the unmapped page");
	is_u64(SC(USYS_writev, 1, iov, 0), 0, "writev of nothing");
	/* randomness, time, TLS */
	is_u64(SC(USYS_getrandom, buf, 16, 0), 16, "getrandom");
	is_u64(SC(USYS_getrandom, buf, 16, 8), -USYS_EINVAL, "getrandom with an unknown flag");
	is_u64(SC(USYS_getrandom, KADDR, 16, 0), -USYS_EFAULT, "getrandom into a kernel address");
	is_u64(SC(USYS_getrandom, 0x400000, 16, 0), -USYS_EFAULT, "getrandom into read-only text");
	is_u64(SC(USYS_clock_gettime, 1, buf), 0, "clock_gettime");
	uint64_t ts[2];
	sim_copy_in(&S, ts, buf, 16);
	ok(ts[1] < 1000000000u && ts[0] == 1, "a timespec: seconds and nanoseconds below 10^9");
	is_u64(SC(USYS_clock_gettime, 12, buf), -USYS_EINVAL, "clock_gettime of an unknown clock");
	is_u64(SC(USYS_clock_gettime, 0, KADDR), -USYS_EFAULT, "clock_gettime into a kernel address");
	is_u64(SC(USYS_arch_prctl, 0x1002, 0x7000), 0, "ARCH_SET_FS");
	is_u64(S.fs_base, 0x7000, "FS base set");
	is_u64(SC(USYS_arch_prctl, 0x1002, KADDR), -USYS_EPERM, "ARCH_SET_FS to a kernel address");
	is_u64(SC(USYS_arch_prctl, 0x1002, USYS_USER_TOP), -USYS_EPERM, "ARCH_SET_FS at the user top");
	is_u64(SC(USYS_arch_prctl, 0x1003, buf), 0, "ARCH_GET_FS");
	is_u64(SC(USYS_arch_prctl, 0x1003, 0x400000), -USYS_EFAULT, "ARCH_GET_FS into read-only text");
	is_u64(SC(USYS_arch_prctl, 0x1001, 0), -USYS_EINVAL, "ARCH_SET_GS");
	is_u64(SC(USYS_set_tid_address, buf), 1, "set_tid_address returns the tid");
	/* signals */
	is_u64(SC(USYS_rt_sigaction, 2, buf, buf, 8), 0, "rt_sigaction");
	is_u64(SC(USYS_rt_sigaction, 9, buf, 0, 8), -USYS_EINVAL, "rt_sigaction SIGKILL");
	is_u64(SC(USYS_rt_sigaction, 65, 0, 0, 8), -USYS_EINVAL, "rt_sigaction signal 65");
	is_u64(SC(USYS_rt_sigaction, 2, 0, 0, 16), -USYS_EINVAL, "rt_sigaction sigsetsize 16");
	is_u64(SC(USYS_rt_sigaction, 2, KADDR, 0, 8), -USYS_EFAULT, "rt_sigaction from a kernel address");
	is_u64(SC(USYS_rt_sigaction, 2, 0, KADDR, 8), -USYS_EFAULT, "rt_sigaction into a kernel address");
	is_u64(SC(USYS_rt_sigprocmask, 0, buf, buf, 8), 0, "rt_sigprocmask");
	is_u64(SC(USYS_rt_sigprocmask, 3, buf, 0, 8), -USYS_EINVAL, "rt_sigprocmask how 3");
	is_u64(SC(USYS_rt_sigprocmask, 3, 0, 0, 8), 0, "rt_sigprocmask how ignored without a set");
	is_u64(SC(USYS_rt_sigprocmask, 0, 0, 0x400000, 8), -USYS_EFAULT, "rt_sigprocmask into read-only text");
	is_u64(SC(USYS_ioctl, 1, 0x5413, buf), -USYS_ENOTTY, "ioctl TIOCGWINSZ: not a terminal");
	is_u64(SC(USYS_ioctl, 7, 0x5413, buf), -USYS_EBADF, "ioctl on a closed fd");
	is_u64(SC(57 /* fork */, 0), -USYS_ENOSYS, "fork is not supported");
	is_u64(SC(~0ull, 0), -USYS_ENOSYS, "number 2^64-1");
	ok(!usys_known(57) && usys_known(USYS_getrandom), "usys_known");
	is_u64(SC(USYS_exit_group, 0x1234), 0, "exit_group");
	ok(S.u.exited && S.u.status == 0x34, "exit status: the low 8 bits");
	sim_free(&S);
}

static void test_files(void)
{
	sim_init(&S, 256);
	uint64_t motd = ustr("/etc/motd"), buf = ustr(""), st = ustr("");
	long fd = SC(USYS_open, motd, 0);
	is_u64(fd, 3, "open: the lowest free fd");
	is_u64(SC(USYS_read, fd, buf, 100), 6, "read");
	is_u64(SC(USYS_read, fd, buf, 100), 0, "read at the end");
	is_u64(SC(USYS_lseek, fd, 0, 0), 0, "lseek");
	is_u64(SC(USYS_read, fd, KADDR, 100), -USYS_EFAULT, "read into a kernel address");
	is_u64(SC(USYS_read, fd, 0x400000, 100), -USYS_EFAULT, "read into read-only text");
	is_u64(SC(USYS_lseek, fd, 0, 0), 0, "(offset back to 0)");
	/* motd's page is the highest mapping: the page above it is unmapped. */
	is_u64(SC(USYS_read, fd, motd + 4093, 100), -USYS_EFAULT, "read across into an unmapped page");
	is_u64(SC(USYS_lseek, fd, 0, 1), 0, "a failed read moves no offset");
	is_u64(SC(USYS_lseek, fd, 3, 0), 3, "lseek SEEK_SET");
	is_u64(SC(USYS_lseek, fd, (uint64_t)-1, 1), 2, "lseek SEEK_CUR -1");
	is_u64(SC(USYS_lseek, fd, (uint64_t)-7, 2), -USYS_EINVAL, "lseek before the start");
	is_u64(SC(USYS_lseek, fd, 0x7FFFFFFFFFFFFFFFull, 1), -USYS_EINVAL, "lseek past INT64_MAX");
	is_u64(SC(USYS_lseek, fd, 0, 3), -USYS_EINVAL, "lseek whence 3");
	is_u64(SC(USYS_lseek, 1, 0, 0), -USYS_ESPIPE, "lseek on the console");
	is_u64(SC(USYS_fstat, fd, st), 0, "fstat");
	uint32_t mode;
	int64_t size;
	sim_copy_in(&S, &mode, st + 24, 4);
	sim_copy_in(&S, &size, st + 48, 8);
	ok(mode == (IGFS_S_IFREG | 0644) && size == 6, "fstat: mode and size");
	is_u64(SC(USYS_fstat, fd, KADDR), -USYS_EFAULT, "fstat into a kernel address");
	is_u64(SC(USYS_fstat, fd, motd + 4000), -USYS_EFAULT, "fstat across into an unmapped page");
	is_u64(SC(USYS_write, fd, buf, 1), -USYS_EBADF, "write to a file: read-only");
	is_u64(SC(USYS_close, fd), 0, "close");
	is_u64(SC(USYS_close, fd), -USYS_EBADF, "close twice");
	is_u64(SC(USYS_close, 16, 0), -USYS_EBADF, "close fd 16");
	is_u64(SC(USYS_open, motd, 1), -USYS_EROFS, "open for writing");
	is_u64(SC(USYS_open, motd, 01000), -USYS_EROFS, "open with O_TRUNC");
	is_u64(SC(USYS_open, ustr("/new"), 0100), -USYS_EROFS, "O_CREAT of a new file");
	is_u64(SC(USYS_open, ustr("/new"), 0), -USYS_ENOENT, "a missing file");
	is_u64(SC(USYS_open, ustr(""), 0), -USYS_ENOENT, "an empty path");
	is_u64(SC(USYS_open, 0, 0), -USYS_EFAULT, "a NULL path");
	is_u64(SC(USYS_open, KADDR, 0), -USYS_EFAULT, "a kernel path");
	is_u64(SC(USYS_open, ustr("/etc/motd/x"), 0), -USYS_ENOTDIR, "a file as a directory");
	is_u64(SC(USYS_open, motd, 0200000), -USYS_ENOTDIR, "O_DIRECTORY on a file");
	is_u64(SC(USYS_open, ustr("/lnk"), 0400000), -USYS_ELOOP, "O_NOFOLLOW on a symlink");
	is_u64(SC(USYS_open, ustr("/etc"), 1), -USYS_EISDIR, "a directory for writing");
	/* a path with no NUL before an unmapped page, and one longer than PATH_MAX */
	long two = SC(USYS_mmap, 0, 8192, USYS_PROT_R | USYS_PROT_W, 0x22, -1, 0);
	char as[4096];
	memset(as, 'a', sizeof(as));
	sim_copy_out(&S, (uint64_t)two, as, sizeof(as));
	is_u64(SC(USYS_munmap, two + 4096, 4096), 0, "(unmap the page after)");
	is_u64(SC(USYS_open, (uint64_t)two + 100, 0), -USYS_EFAULT, "a path running into an unmapped page");
	long three = SC(USYS_mmap, 0, 8192, USYS_PROT_R | USYS_PROT_W, 0x22, -1, 0);
	sim_copy_out(&S, (uint64_t)three, as, sizeof(as));
	sim_copy_out(&S, (uint64_t)three + 4096, as, sizeof(as));
	is_u64(SC(USYS_open, (uint64_t)three, 0), -USYS_ENAMETOOLONG, "a path without NUL in 4096 bytes");
	sim_copy_out(&S, (uint64_t)three + 1500, "", 1);
	is_u64(SC(USYS_open, (uint64_t)three, 0), -USYS_ENAMETOOLONG, "a path longer than the filesystem's 1024");
	/* relative paths, directory fds, stat family */
	long dfd = SC(USYS_openat, (uint64_t)-100, ustr("etc"), 0200000);
	is_u64(dfd, 3, "openat a directory relative to /");
	is_u64(SC(USYS_read, dfd, buf, 1), -USYS_EISDIR, "read a directory");
	long f2 = SC(USYS_openat, dfd, ustr("motd"), 0);
	is_u64(f2, 4, "openat relative to a directory fd");
	is_u64(SC(USYS_openat, f2, ustr("x"), 0), -USYS_ENOTDIR, "openat relative to a file fd");
	is_u64(SC(USYS_openat, 1, ustr("x"), 0), -USYS_ENOTDIR, "openat relative to the console");
	is_u64(SC(USYS_openat, 9, ustr("x"), 0), -USYS_EBADF, "openat relative to a closed fd");
	is_u64(SC(USYS_openat, 9, motd, 0), 5, "an absolute path ignores dirfd");
	is_u64(SC(USYS_stat, ustr("/lnk"), st), 0, "stat follows a symlink");
	sim_copy_in(&S, &mode, st + 24, 4);
	is_u64(mode, IGFS_S_IFREG | 0644, "stat: the file");
	is_u64(SC(USYS_lstat, ustr("/lnk"), st), 0, "lstat");
	sim_copy_in(&S, &mode, st + 24, 4);
	is_u64(mode, IGFS_S_IFLNK | 0777, "lstat: the link");
	is_u64(SC(USYS_newfstatat, dfd, ustr(""), st, 0x1000), 0, "newfstatat AT_EMPTY_PATH");
	sim_copy_in(&S, &mode, st + 24, 4);
	is_u64(mode, IGFS_S_IFDIR | 0755, "newfstatat: the directory itself");
	is_u64(SC(USYS_newfstatat, 1, ustr(""), st, 0x1000), 0, "newfstatat AT_EMPTY_PATH of the console");
	is_u64(SC(USYS_newfstatat, dfd, ustr(""), st, 0), -USYS_ENOENT, "an empty path without AT_EMPTY_PATH");
	is_u64(SC(USYS_newfstatat, dfd, ustr("motd"), st, 1), -USYS_EINVAL, "newfstatat unknown flag");
	for (int i = 0; i < 16; i++)
		SC(USYS_open, motd, 0);
	is_u64(SC(USYS_open, motd, 0), -USYS_EMFILE, "16 fds at most");
	sim_free(&S);
}

static void test_memory(void)
{
	sim_init(&S, 64);
	is_u64(SC(USYS_brk, 0), 0x401000, "brk(0): the start");
	is_u64(SC(USYS_brk, 0x403001), 0x403001, "brk grows");
	is_u64(S.npages, 5, "three pages more");
	is_u64(SC(USYS_brk, 0x401800), 0x401800, "brk shrinks");
	is_u64(S.npages, 3, "two pages fewer");
	is_u64(SC(USYS_brk, 0x400000), 0x401800, "brk below its start: unchanged");
	is_u64(SC(USYS_brk, 0x401000 + USYS_BRK_MAX + 1), 0x401800, "brk past its limit: unchanged");
	is_u64(SC(USYS_brk, 0x401000 + 100 * 4096), 0x401800, "brk past the page budget: unchanged");
	S.map_fail = 1;
	is_u64(SC(USYS_brk, 0x409000), 0x401800, "brk when the pool is dry: unchanged");
	long a = SC(USYS_mmap, 0, 4096, 3, 0x22, -1, 0);
	is_u64(a, USYS_MMAP_HI - 4096, "mmap: top down");
	long b = SC(USYS_mmap, 0x1234000, 8192, 1, 0x22, -1, 0);
	is_u64(b, USYS_MMAP_HI - 3 * 4096, "mmap: the hint is not used");
	long c = SC(USYS_mmap, 0, 100, 3, 0x22 | 0x20000, (uint64_t)-1, 0);
	is_u64(c, USYS_MMAP_HI - 4 * 4096, "mmap rounds up; MAP_STACK ignored");
	is_u64(S.u.nvma, 3, "three mappings (different protections do not merge)");
	is_u64(SC(USYS_mmap, 0, 4096, 3, 0x21, -1, 0), -USYS_EINVAL, "MAP_SHARED");
	is_u64(SC(USYS_mmap, 0, 4096, 3, 0x32, -1, 0), -USYS_EINVAL, "MAP_FIXED");
	is_u64(SC(USYS_mmap, 0, 4096, 3, 0x02, 3, 0), -USYS_ENODEV, "a file mapping");
	is_u64(SC(USYS_mmap, 0, 0, 3, 0x22, -1, 0), -USYS_EINVAL, "length 0");
	is_u64(SC(USYS_mmap, 0, 4096, 3, 0x22, -1, 1), -USYS_EINVAL, "an unaligned offset");
	is_u64(SC(USYS_mmap, 0, 4096, 8, 0x22, -1, 0), -USYS_EINVAL, "an unknown protection bit");
	is_u64(SC(USYS_mmap, 0, 4096, 6, 0x22, -1, 0), -USYS_EACCES, "write and execute");
	is_u64(SC(USYS_mmap, 0, ~0ull, 3, 0x22, -1, 0), -USYS_ENOMEM, "length 2^64-1");
	is_u64(SC(USYS_mmap, 0, ~0ull - 4094, 3, 0x22, -1, 0), -USYS_ENOMEM, "a length that wraps when rounded");
	is_u64(SC(USYS_mmap, 0, 200 * 4096, 3, 0x22, -1, 0), -USYS_ENOMEM, "past the page budget");
	S.map_fail = 1;
	is_u64(SC(USYS_mmap, 0, 4096, 3, 0x22, -1, 0), -USYS_ENOMEM, "the pool dry");
	/* munmap splits */
	is_u64(SC(USYS_munmap, (uint64_t)b + 4096, 4096), 0, "munmap the top half of a mapping");
	is_u64(S.u.nvma, 3, "the mapping shrank");
	long d = SC(USYS_mmap, 0, 3 * 4096, 3, 0x22, -1, 0);
	is_u64(SC(USYS_munmap, (uint64_t)d + 4096, 4096), 0, "munmap the middle page");
	is_u64(S.u.nvma, 4, "split in two (it had merged with its neighbour)");
	is_u64(SC(USYS_write, 1, (uint64_t)d + 4096, 1), -USYS_EFAULT, "the hole faults");
	is_u64(SC(USYS_munmap, (uint64_t)d + 4096, 4096), 0, "munmap a hole again: fine");
	is_u64(SC(USYS_munmap, (uint64_t)d + 1, 4096), -USYS_EINVAL, "munmap unaligned");
	is_u64(SC(USYS_munmap, (uint64_t)d, 0), -USYS_EINVAL, "munmap length 0");
	is_u64(SC(USYS_munmap, 0x400000, 4096), -USYS_EINVAL, "munmap the image");
	is_u64(SC(USYS_munmap, USYS_MMAP_HI - 4096, 8192), -USYS_EINVAL, "munmap past the mapping area");
	is_u64(SC(USYS_munmap, USYS_MMAP_LO, USYS_MMAP_HI - USYS_MMAP_LO), 0, "munmap everything");
	is_u64(S.u.nvma, 0, "no mappings left");
	is_u64(S.npages, 3, "image, stack and the break left");
	/* mprotect */
	long e = SC(USYS_mmap, 0, 4 * 4096, 3, 0x22, -1, 0);
	is_u64(SC(USYS_mprotect, (uint64_t)e + 4096, 8192, 1), 0, "mprotect the middle read-only");
	is_u64(S.u.nvma, 3, "split in three");
	is_u64(SC(USYS_write, 1, (uint64_t)e + 4096, 1), 1, "still readable");
	is_u64(SC(USYS_getrandom, (uint64_t)e + 4096, 1, 0), -USYS_EFAULT, "no longer writable");
	is_u64(SC(USYS_mprotect, (uint64_t)e + 4096, 8192, 3), 0, "mprotect back");
	is_u64(S.u.nvma, 1, "merged again");
	is_u64(SC(USYS_mprotect, (uint64_t)e, 4096, 6), -USYS_EACCES, "mprotect write and execute");
	is_u64(SC(USYS_mprotect, (uint64_t)e, 4096, 5), 0, "mprotect read and execute");
	is_u64(SC(USYS_mprotect, (uint64_t)e, 4096, 0), 0, "mprotect PROT_NONE");
	is_u64(SC(USYS_write, 1, (uint64_t)e, 1), -USYS_EFAULT, "PROT_NONE: not even read");
	is_u64(SC(USYS_mprotect, (uint64_t)e + 1, 4096, 1), -USYS_EINVAL, "mprotect unaligned");
	is_u64(SC(USYS_mprotect, (uint64_t)e, 4096, 16), -USYS_EINVAL, "mprotect unknown bit");
	is_u64(SC(USYS_mprotect, (uint64_t)e - 4096, 8192, 1), -USYS_ENOMEM, "mprotect over a hole");
	is_u64(SC(USYS_mprotect, 0x400000, 4096, 7), -USYS_ENOMEM, "mprotect the image");
	is_u64(SC(USYS_mprotect, (uint64_t)e, 0, 1), 0, "mprotect of nothing");
	/* the mapping table fills: alternate protections so nothing merges */
	int full = 0;
	for (int i = 0; i < 80 && !full; i++)
		full = SC(USYS_mmap, 0, 4096, (i & 1) ? 1 : 3, 0x22, -1, 0) == -USYS_ENOMEM;
	ok(full && S.u.nvma <= USYS_MAX_VMAS, "a full table or budget is -ENOMEM");
	sim_free(&S);
}

int main(void)
{
	test_console_and_pointers();
	test_files();
	test_memory();
	return tap_done();
}
