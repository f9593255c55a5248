/* SPDX-License-Identifier: MIT */
/*
 * syscalls.c — every system call the SVSM's ring 3 supports (svsm/user/usys.h), called raw
 * and checked against Linux semantics, one "PASS name" or "FAIL name: why" line each, and
 * bad pointers everywhere a call takes one (-EFAULT, never a fault). Needs /etc/motd =
 * "hello\n" and /bin/motd -> ../etc/motd in the packed filesystem (tests/cli/t0620-user.sh).
 * Ends with "syscalls: N passed, N failed" and the cycles one getpid round trip takes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;

/* The system call itself, not libc's syscall() (which turns -errno into -1 and errno). */
static long raw(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}
#define RAW(nr, a, b, c, d, e, f, ...) raw((long)(nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define syscall(...) RAW(__VA_ARGS__, 0, 0, 0, 0, 0, 0)

static void check(const char *name, int ok, long got)
{
	if (ok) {
		passed++;
		printf("PASS %s\n", name);
	} else {
		failed++;
		printf("FAIL %s: got %ld\n", name, got);
	}
	fflush(stdout);
}
#define EXPECT(name, call, want)                                   \
	do {                                                       \
		long r_ = (call);                                  \
		check(name, r_ == (long)(want), r_);               \
	} while (0)

#define KERNEL ((void *)0xFFFFFFFF80000000ull)
#define UNMAPPED ((void *)0x20000ull)
#define NONCANON ((void *)0x8000000000000000ull)

static __thread long tls_word = 5;

int main(void)
{
	char buf[64];
	/* write, writev: the console, and bad fds and pointers */
	EXPECT("write to stdout", syscall(SYS_write, 1, "write ok\n", 9), 9);
	EXPECT("write to stderr", syscall(SYS_write, 2, "stderr ok\n", 10), 10);
	EXPECT("write of 0 bytes from NULL", syscall(SYS_write, 1, NULL, 0), 0);
	EXPECT("write from an unmapped page", syscall(SYS_write, 1, UNMAPPED, 8), -EFAULT);
	EXPECT("write from a kernel address", syscall(SYS_write, 1, KERNEL, 8), -EFAULT);
	EXPECT("write from a non-canonical address", syscall(SYS_write, 1, NONCANON, 8), -EFAULT);
	EXPECT("write with a wrapping length", syscall(SYS_write, 1, buf, -1L), -EFAULT);
	EXPECT("write to a bad fd", syscall(SYS_write, 9, "x", 1), -EBADF);
	EXPECT("write to fd -1", syscall(SYS_write, -1, "x", 1), -EBADF);
	struct iovec iov[2] = { { "writev ", 7 }, { "ok\n", 3 } };
	EXPECT("writev", syscall(SYS_writev, 1, iov, 2), 10);
	EXPECT("writev with a bad vector", syscall(SYS_writev, 1, KERNEL, 2), -EFAULT);
	struct iovec bad[1] = { { KERNEL, 4 } };
	EXPECT("writev with a bad buffer", syscall(SYS_writev, 1, bad, 1), -EFAULT);
	EXPECT("writev with too many vectors", syscall(SYS_writev, 1, iov, 1025), -EINVAL);
	/* files */
	long fd = syscall(SYS_open, "/etc/motd", O_RDONLY);
	check("open /etc/motd", fd >= 3, fd);
	EXPECT("read", syscall(SYS_read, fd, buf, sizeof(buf)), 6);
	check("read's bytes", !memcmp(buf, "hello\n", 6), 0);
	EXPECT("read at the end", syscall(SYS_read, fd, buf, sizeof(buf)), 0);
	EXPECT("lseek SEEK_SET", syscall(SYS_lseek, fd, 1, SEEK_SET), 1);
	EXPECT("lseek SEEK_CUR", syscall(SYS_lseek, fd, 2, SEEK_CUR), 3);
	EXPECT("lseek SEEK_END", syscall(SYS_lseek, fd, -1, SEEK_END), 5);
	EXPECT("lseek before the start", syscall(SYS_lseek, fd, -10, SEEK_SET), -EINVAL);
	EXPECT("lseek bad whence", syscall(SYS_lseek, fd, 0, 7), -EINVAL);
	EXPECT("lseek on the console", syscall(SYS_lseek, 1, 0, SEEK_SET), -ESPIPE);
	EXPECT("read into a kernel address", syscall(SYS_read, fd, KERNEL, 1), -EFAULT);
	EXPECT("read into read-only text", syscall(SYS_read, fd, (void *)main, 1), -EFAULT);
	struct stat st;
	EXPECT("fstat", syscall(SYS_fstat, fd, &st), 0);
	check("fstat: a regular file of 6 bytes", S_ISREG(st.st_mode) && st.st_size == 6, st.st_size);
	EXPECT("fstat into a kernel address", syscall(SYS_fstat, fd, KERNEL), -EFAULT);
	EXPECT("fstat of the console", syscall(SYS_fstat, 1, &st), 0);
	check("fstat: the console is a character device", S_ISCHR(st.st_mode), st.st_mode);
	EXPECT("ioctl TIOCGWINSZ", syscall(SYS_ioctl, 1, 0x5413, buf), -ENOTTY);
	EXPECT("ioctl on a bad fd", syscall(SYS_ioctl, 12, 0x5413, buf), -EBADF);
	EXPECT("close", syscall(SYS_close, fd), 0);
	EXPECT("close twice", syscall(SYS_close, fd), -EBADF);
	EXPECT("read a closed fd", syscall(SYS_read, fd, buf, 1), -EBADF);
	EXPECT("open a missing file", syscall(SYS_open, "/nope", O_RDONLY), -ENOENT);
	EXPECT("open for writing", syscall(SYS_open, "/etc/motd", O_WRONLY), -EROFS);
	EXPECT("open with O_CREAT", syscall(SYS_open, "/new", O_RDONLY | O_CREAT, 0644), -EROFS);
	EXPECT("open a file as a directory", syscall(SYS_open, "/etc/motd", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	EXPECT("open with a kernel path", syscall(SYS_open, KERNEL, O_RDONLY), -EFAULT);
	EXPECT("open with an unmapped path", syscall(SYS_open, UNMAPPED, O_RDONLY), -EFAULT);
	EXPECT("open with NULL", syscall(SYS_open, NULL, O_RDONLY), -EFAULT);
	EXPECT("open an empty path", syscall(SYS_open, "", O_RDONLY), -ENOENT);
	static char longpath[5000];
	memset(longpath, 'a', sizeof(longpath) - 1);
	EXPECT("open a path longer than PATH_MAX", syscall(SYS_open, longpath, O_RDONLY), -ENAMETOOLONG);
	fd = syscall(SYS_openat, AT_FDCWD, "bin/motd", O_RDONLY);
	check("openat through a symlink, relative to /", fd >= 3, fd);
	EXPECT("read through it", syscall(SYS_read, fd, buf, 5), 5);
	syscall(SYS_close, fd);
	long dfd = syscall(SYS_openat, AT_FDCWD, "/etc", O_RDONLY | O_DIRECTORY);
	check("openat a directory", dfd >= 3, dfd);
	EXPECT("read a directory", syscall(SYS_read, dfd, buf, 1), -EISDIR);
	fd = syscall(SYS_openat, dfd, "motd", O_RDONLY);
	check("openat relative to a directory fd", fd >= 3, fd);
	syscall(SYS_close, fd);
	EXPECT("openat O_NOFOLLOW on a symlink", syscall(SYS_openat, AT_FDCWD, "/bin/motd", O_RDONLY | O_NOFOLLOW), -ELOOP);
	EXPECT("stat", syscall(SYS_stat, "/bin/motd", &st), 0);
	check("stat follows the link", S_ISREG(st.st_mode), st.st_mode);
	EXPECT("lstat", syscall(SYS_lstat, "/bin/motd", &st), 0);
	check("lstat does not", S_ISLNK(st.st_mode), st.st_mode);
	EXPECT("newfstatat", syscall(SYS_newfstatat, dfd, "motd", &st, 0), 0);
	EXPECT("newfstatat AT_EMPTY_PATH", syscall(SYS_newfstatat, dfd, "", &st, AT_EMPTY_PATH), 0);
	check("  the directory itself", S_ISDIR(st.st_mode), st.st_mode);
	EXPECT("newfstatat bad flags", syscall(SYS_newfstatat, dfd, "motd", &st, 0x7), -EINVAL);
	syscall(SYS_close, dfd);
	/* memory */
	long b0 = syscall(SYS_brk, 0);
	check("brk(0)", b0 > 0, b0);
	EXPECT("brk grows", syscall(SYS_brk, b0 + 10000), b0 + 10000);
	((volatile char *)b0)[9999] = 1;
	EXPECT("brk shrinks", syscall(SYS_brk, b0 + 100), b0 + 100);
	EXPECT("brk far too high fails", syscall(SYS_brk, b0 + (1L << 40)), b0 + 100);
	EXPECT("brk below its start fails", syscall(SYS_brk, 0x1000), b0 + 100);
	char *m = (char *)syscall(SYS_mmap, 0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("mmap anonymous", (long)m > 0 && !((long)m & 4095), (long)m);
	check("mmap: zeroed", m[0] == 0 && m[3 * 4096 - 1] == 0, m[0]);
	m[4096] = 'x';
	EXPECT("mprotect read-only", syscall(SYS_mprotect, m, 4096, PROT_READ), 0);
	EXPECT("read into it now", syscall(SYS_read, 0, m, 1), 0); /* stdin: end of file, nothing written */
	long fd2 = syscall(SYS_open, "/etc/motd", O_RDONLY);
	EXPECT("read into a read-only mapping", syscall(SYS_read, fd2, m, 1), -EFAULT);
	syscall(SYS_close, fd2);
	EXPECT("mprotect write+exec", syscall(SYS_mprotect, m, 4096, PROT_WRITE | PROT_EXEC), -EACCES);
	EXPECT("mprotect unmapped", syscall(SYS_mprotect, (void *)0x200000000000, 4096, PROT_READ), -ENOMEM);
	EXPECT("munmap the middle page", syscall(SYS_munmap, m + 4096, 4096), 0);
	EXPECT("write from the hole", syscall(SYS_write, 1, m + 4096, 1), -EFAULT);
	EXPECT("munmap the rest", syscall(SYS_munmap, m, 3 * 4096), 0);
	EXPECT("mmap shared", syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0), -EINVAL);
	EXPECT("mmap a file", syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 3, 0), -ENODEV);
	EXPECT("mmap length 0", syscall(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
	EXPECT("mmap too much", syscall(SYS_mmap, 0, 1L << 40, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -ENOMEM);
	EXPECT("mmap write+exec", syscall(SYS_mmap, 0, 4096, 7, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EACCES);
	EXPECT("munmap unaligned", syscall(SYS_munmap, (void *)0x100000000001, 4096), -EINVAL);
	EXPECT("munmap the stack", syscall(SYS_munmap, buf, 4096), -EINVAL);
	/* TLS, ids */
	unsigned long fsbase = 0;
	EXPECT("arch_prctl ARCH_GET_FS", syscall(SYS_arch_prctl, 0x1003, &fsbase), 0);
	check("  FS is the thread pointer", fsbase && *(unsigned long *)fsbase == fsbase, (long)fsbase);
	check("  a thread-local variable", tls_word == 5, tls_word);
	EXPECT("arch_prctl ARCH_SET_FS to a kernel address", syscall(SYS_arch_prctl, 0x1002, KERNEL), -EPERM);
	EXPECT("arch_prctl ARCH_GET_FS into a kernel address", syscall(SYS_arch_prctl, 0x1003, KERNEL), -EFAULT);
	EXPECT("arch_prctl ARCH_SET_GS", syscall(SYS_arch_prctl, 0x1001, 0), -EINVAL);
	EXPECT("set_tid_address", syscall(SYS_set_tid_address, &tls_word), 1);
	EXPECT("gettid", syscall(SYS_gettid), 1);
	EXPECT("getpid", syscall(SYS_getpid), 1);
	/* randomness, time */
	unsigned char r1[64] = { 0 }, r2[64] = { 0 };
	EXPECT("getrandom", syscall(SYS_getrandom, r1, sizeof(r1), 0), 64);
	syscall(SYS_getrandom, r2, sizeof(r2), 0);
	check("  two draws differ", memcmp(r1, r2, sizeof(r1)) != 0, 0);
	EXPECT("getrandom into a kernel address", syscall(SYS_getrandom, KERNEL, 16, 0), -EFAULT);
	EXPECT("getrandom bad flags", syscall(SYS_getrandom, r1, 16, 0x100), -EINVAL);
	struct timespec t1, t2;
	EXPECT("clock_gettime MONOTONIC", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t1), 0);
	for (volatile int i = 0; i < 100000; i++)
		;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t2);
	check("  time goes forward", t2.tv_sec > t1.tv_sec || (t2.tv_sec == t1.tv_sec && t2.tv_nsec > t1.tv_nsec), t2.tv_nsec);
	check("  nanoseconds below 10^9", t1.tv_nsec >= 0 && t1.tv_nsec < 1000000000, t1.tv_nsec);
	EXPECT("clock_gettime bad clock", syscall(SYS_clock_gettime, 99, &t1), -EINVAL);
	EXPECT("clock_gettime into a kernel address", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KERNEL), -EFAULT);
	/* signals: accepted, never delivered */
	struct { void *h; unsigned long flags; void *restorer; unsigned long mask; } sa = { 0 }, old;
	EXPECT("rt_sigaction", syscall(SYS_rt_sigaction, SIGINT, &sa, &old, 8), 0);
	EXPECT("rt_sigaction SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, &sa, NULL, 8), -EINVAL);
	EXPECT("rt_sigaction bad sigsetsize", syscall(SYS_rt_sigaction, SIGINT, &sa, NULL, 4), -EINVAL);
	EXPECT("rt_sigaction from a kernel address", syscall(SYS_rt_sigaction, SIGINT, KERNEL, NULL, 8), -EFAULT);
	unsigned long set = ~0ul, oset;
	EXPECT("rt_sigprocmask", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, &oset, 8), 0);
	EXPECT("rt_sigprocmask bad how", syscall(SYS_rt_sigprocmask, 9, &set, NULL, 8), -EINVAL);
	EXPECT("rt_sigprocmask into a kernel address", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, KERNEL, 8), -EFAULT);
	/* anything else */
	EXPECT("an unsupported call (fork)", syscall(SYS_fork), -ENOSYS);
	EXPECT("a number past the table", syscall(100000), -ENOSYS);
	/* stdio on top */
	FILE *f = fopen("/etc/motd", "r");
	check("fopen/fgets", f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "hello\n"), 0);
	if (f)
		fclose(f);
	/* the round trip */
	unsigned long lo, hi, t0, n = 2000;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	t0 = hi << 32 | lo;
	for (unsigned long i = 0; i < n; i++)
		syscall(SYS_getpid);
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	printf("getpid round trip: %lu cycles\n", ((hi << 32 | lo) - t0) / n);
	printf("syscalls: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
	syscall(SYS_exit_group, failed ? 1 : 0);
	return 2;
}
