/* SPDX-License-Identifier: MIT */
/*
 * usys.c — see usys.h. Every argument is a hostile 64-bit value: ints are taken
 * from their low 32 bits as Linux does, lengths are checked for wrapping before
 * any sum, and user memory is reached only through ops->copy_in/copy_out in
 * bounded chunks through small kernel buffers.
 */
#include "usys.h"

#include "../fs/igfs.h"
#include "../lib/string.h"

#define CHUNK 256u
#define MAX_RW 0x7FFFF000ull /* Linux's MAX_RW_COUNT: longer reads and writes are short */
#define PATH_MAX_USER 4096u  /* bytes a path argument may take, NUL included */
#define AT_FDCWD (-100)
#define O_ACCMODE 3u
#define O_CREAT 0100u
#define O_TRUNC 01000u
#define O_DIRECTORY 0200000u
#define O_NOFOLLOW 0400000u
#define AT_SYMLINK_NOFOLLOW 0x100u
#define AT_NO_AUTOMOUNT 0x800u
#define AT_EMPTY_PATH 0x1000u
#define MAP_PRIVATE 0x02u
#define MAP_ANONYMOUS 0x20u
/* Flags a private anonymous mapping may carry that change nothing here. */
#define MAP_IGNORED (0x0100u /* GROWSDOWN */ | 0x0800u /* DENYWRITE */ | 0x1000u /* EXECUTABLE */ | \
		     0x4000u /* NORESERVE */ | 0x8000u /* POPULATE */ | 0x20000u /* STACK */)

static uint64_t page_up(uint64_t v)
{
	return (v + USYS_PAGE - 1) & ~(USYS_PAGE - 1);
}

bool usys_range_ok(uint64_t addr, uint64_t len)
{
	if (!len)
		return true;
	return addr >= USYS_USER_LO && addr < USYS_USER_TOP && len <= USYS_USER_TOP - addr;
}

void usys_init(struct usys *u, const struct usys_ops *ops, void *ctx, const struct igfs *fs, uint64_t max_pages)
{
	memset(u, 0, sizeof(*u));
	u->ops = ops;
	u->ctx = ctx;
	u->fs = fs;
	u->max_pages = max_pages;
	for (unsigned i = 0; i < 3; i++) {
		u->fd[i].used = true;
		u->fd[i].console = true;
	}
}

static long map_counted(struct usys *u, uint64_t va, uint64_t len, uint32_t prot)
{
	uint64_t n = len / USYS_PAGE;
	if (n > u->max_pages - u->pages)
		return -USYS_ENOMEM;
	if (u->ops->map(u->ctx, va, len, prot))
		return -USYS_ENOMEM;
	u->pages += n;
	return 0;
}

static void unmap_counted(struct usys *u, uint64_t va, uint64_t len)
{
	u->ops->unmap(u->ctx, va, len);
	u->pages -= len / USYS_PAGE;
}

long usys_map_fixed(struct usys *u, uint64_t va, uint64_t len, uint32_t prot)
{
	if ((va | len) % USYS_PAGE || !len || !usys_range_ok(va, len))
		return -USYS_EINVAL;
	return map_counted(u, va, len, prot);
}

void usys_set_brk(struct usys *u, uint64_t brk)
{
	u->brk_lo = u->brk = brk;
}

bool usys_known(uint64_t nr)
{
	switch (nr) {
	case USYS_read: case USYS_write: case USYS_open: case USYS_close: case USYS_stat: case USYS_fstat:
	case USYS_lstat: case USYS_lseek: case USYS_mmap: case USYS_mprotect: case USYS_munmap: case USYS_brk:
	case USYS_rt_sigaction: case USYS_rt_sigprocmask: case USYS_ioctl: case USYS_writev: case USYS_getpid:
	case USYS_exit: case USYS_arch_prctl: case USYS_gettid: case USYS_set_tid_address:
	case USYS_clock_gettime: case USYS_exit_group: case USYS_openat: case USYS_newfstatat: case USYS_getrandom:
		return true;
	default:
		return false;
	}
}

/* ---- files ---------------------------------------------------------------------------------- */

static long fs_errno(int e)
{
	switch (e) {
	case IGFS_E_NOENT: return -USYS_ENOENT;
	case IGFS_E_NOTDIR: return -USYS_ENOTDIR;
	case IGFS_E_ISDIR: return -USYS_EISDIR;
	case IGFS_E_LOOP: return -USYS_ELOOP;
	case IGFS_E_NAMETOOLONG: return -USYS_ENAMETOOLONG;
	default: return -USYS_EIO;
	}
}

static struct usys_fd *get_fd(struct usys *u, uint64_t arg)
{
	int fd = (int)(uint32_t)arg;
	if (fd < 0 || (unsigned)fd >= USYS_MAX_FDS || !u->fd[fd].used)
		return 0;
	return &u->fd[fd];
}

/* A NUL-terminated path from user memory into buf (PATH_MAX_USER bytes): its length or -errno. */
static long get_path(struct usys *u, uint64_t addr, char *buf)
{
	uint64_t got = 0;
	while (got < PATH_MAX_USER) {
		uint64_t at = addr + got;
		/* Up to the end of this page: the string may end before the next one is mapped. */
		uint64_t n = USYS_PAGE - at % USYS_PAGE;
		if (n > PATH_MAX_USER - got)
			n = PATH_MAX_USER - got;
		if (at < addr || !usys_range_ok(at, n) || u->ops->copy_in(u->ctx, buf + got, at, n))
			return -USYS_EFAULT;
		for (uint64_t i = 0; i < n; i++)
			if (!buf[got + i])
				return (long)(got + i);
		got += n;
	}
	return -USYS_ENAMETOOLONG;
}

/* Resolves a user path relative to dirfd (AT_FDCWD: the root, the only working directory). */
static long resolve(struct usys *u, int dirfd, uint64_t upath, bool follow, bool empty_ok, uint32_t *ino)
{
	static char path[PATH_MAX_USER], full[2 * IGFS_PATH_MAX + 2];
	long len = get_path(u, upath, path);
	if (len < 0)
		return len;
	if (len == 0 && empty_ok) {
		if (dirfd == AT_FDCWD) {
			*ino = 0;
			return 0;
		}
		struct usys_fd *f = get_fd(u, (uint64_t)(uint32_t)dirfd);
		if (!f)
			return -USYS_EBADF;
		if (f->console)
			return -USYS_ENOENT; /* not in the filesystem: fstat answers for it */
		*ino = f->ino;
		return 0;
	}
	if (len == 0)
		return -USYS_ENOENT;
	if (!u->fs)
		return -USYS_ENOENT;
	if ((uint64_t)len > IGFS_PATH_MAX)
		return -USYS_ENAMETOOLONG;
	const char *p = path;
	uint64_t plen = (uint64_t)len;
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		struct usys_fd *f = get_fd(u, (uint64_t)(uint32_t)dirfd);
		if (!f)
			return -USYS_EBADF;
		struct igfs_stat st;
		if (f->console || igfs_stat(u->fs, f->ino, &st) || !igfs_is_dir(st.mode))
			return -USYS_ENOTDIR;
		int rc = igfs_path(u->fs, f->ino, full, IGFS_PATH_MAX + 1);
		if (rc)
			return fs_errno(rc);
		uint64_t dl = strlen(full);
		full[dl] = '/';
		memcpy(full + dl + 1, path, plen);
		p = full;
		plen += dl + 1;
		if (plen > IGFS_PATH_MAX)
			return -USYS_ENAMETOOLONG;
	}
	int rc = igfs_lookup(u->fs, p, plen, follow, ino);
	return rc ? fs_errno(rc) : 0;
}

static long do_openat(struct usys *u, int dirfd, uint64_t upath, uint64_t flags64)
{
	uint32_t flags = (uint32_t)flags64, ino;
	long rc = resolve(u, dirfd, upath, !(flags & O_NOFOLLOW), false, &ino);
	if (rc == -USYS_ENOENT && (flags & O_CREAT))
		return -USYS_EROFS;
	if (rc)
		return rc;
	struct igfs_stat st;
	if (igfs_stat(u->fs, ino, &st))
		return -USYS_EIO;
	if (igfs_is_lnk(st.mode))
		return -USYS_ELOOP; /* O_NOFOLLOW on a symlink */
	if ((flags & O_DIRECTORY) && !igfs_is_dir(st.mode))
		return -USYS_ENOTDIR;
	if ((flags & O_ACCMODE) || (flags & O_TRUNC))
		return igfs_is_dir(st.mode) ? -USYS_EISDIR : -USYS_EROFS;
	for (unsigned i = 0; i < USYS_MAX_FDS; i++)
		if (!u->fd[i].used) {
			u->fd[i] = (struct usys_fd){ .used = true, .ino = ino };
			return (long)i;
		}
	return -USYS_EMFILE;
}

static long do_read(struct usys *u, uint64_t fdn, uint64_t buf, uint64_t n)
{
	struct usys_fd *f = get_fd(u, fdn);
	if (!f)
		return -USYS_EBADF;
	/* As Linux: the whole range checked first, then the count capped. */
	if (!usys_range_ok(buf, n))
		return -USYS_EFAULT;
	if (n > MAX_RW)
		n = MAX_RW;
	if (f->console)
		return 0; /* no input: end of file */
	struct igfs_stat st;
	if (igfs_stat(u->fs, f->ino, &st))
		return -USYS_EIO;
	if (igfs_is_dir(st.mode))
		return -USYS_EISDIR;
	uint8_t k[CHUNK];
	uint64_t done = 0;
	while (done < n) {
		uint64_t want = n - done < CHUNK ? n - done : CHUNK, got;
		if (igfs_read(u->fs, f->ino, f->off, k, want, &got))
			return done ? (long)done : -USYS_EIO;
		if (!got)
			break;
		if (u->ops->copy_out(u->ctx, buf + done, k, got))
			return done ? (long)done : -USYS_EFAULT;
		done += got;
		f->off += got;
	}
	return (long)done;
}

/* n bytes at buf to the console: the bytes written (short after a fault) or -EFAULT. */
static long console_out(struct usys *u, int fd, uint64_t buf, uint64_t n)
{
	char k[CHUNK];
	uint64_t done = 0;
	while (done < n) {
		uint64_t c = n - done < CHUNK ? n - done : CHUNK;
		if (u->ops->copy_in(u->ctx, k, buf + done, c))
			return done ? (long)done : -USYS_EFAULT;
		u->ops->console(u->ctx, fd, k, c);
		done += c;
	}
	return (long)done;
}

static long do_write(struct usys *u, uint64_t fdn, uint64_t buf, uint64_t n)
{
	struct usys_fd *f = get_fd(u, fdn);
	if (!f || !f->console)
		return -USYS_EBADF; /* files are read-only */
	if (!usys_range_ok(buf, n))
		return -USYS_EFAULT;
	if (n > MAX_RW)
		n = MAX_RW;
	return console_out(u, (int)(uint32_t)fdn, buf, n);
}

static long do_writev(struct usys *u, uint64_t fdn, uint64_t iov, uint64_t cnt64)
{
	struct usys_fd *f = get_fd(u, fdn);
	if (!f || !f->console)
		return -USYS_EBADF;
	int cnt = (int)(uint32_t)cnt64;
	if (cnt < 0 || cnt > 1024)
		return -USYS_EINVAL;
	if (!usys_range_ok(iov, (uint64_t)cnt * 16))
		return -USYS_EFAULT;
	/* First every vector, as Linux's import_iovec: a negative length is -EINVAL, the total
	 * is capped at MAX_RW by shortening the vector that passes it, each range checked. */
	uint64_t total = 0;
	for (int i = 0; i < cnt; i++) {
		uint64_t v[2];
		if (u->ops->copy_in(u->ctx, v, iov + (uint64_t)i * 16, 16))
			return -USYS_EFAULT;
		if ((int64_t)v[1] < 0)
			return -USYS_EINVAL;
		if (v[1] > MAX_RW - total)
			v[1] = MAX_RW - total;
		if (!usys_range_ok(v[0], v[1]))
			return -USYS_EFAULT;
		total += v[1];
	}
	uint64_t done = 0;
	for (int i = 0; i < cnt && done < MAX_RW; i++) {
		uint64_t v[2];
		if (u->ops->copy_in(u->ctx, v, iov + (uint64_t)i * 16, 16))
			return done ? (long)done : -USYS_EFAULT;
		/* Re-checked: the program may have changed the vector since (another thread one day). */
		if (v[1] > MAX_RW - done)
			v[1] = MAX_RW - done;
		if (!usys_range_ok(v[0], v[1]))
			return done ? (long)done : -USYS_EFAULT;
		long w = console_out(u, (int)(uint32_t)fdn, v[0], v[1]);
		if (w < 0)
			return done ? (long)done : w;
		done += (uint64_t)w;
		if ((uint64_t)w < v[1])
			break;
	}
	return (long)done;
}

static long do_lseek(struct usys *u, uint64_t fdn, uint64_t off, uint64_t whence)
{
	struct usys_fd *f = get_fd(u, fdn);
	if (!f)
		return -USYS_EBADF;
	if (f->console)
		return -USYS_ESPIPE;
	struct igfs_stat st;
	if (igfs_stat(u->fs, f->ino, &st))
		return -USYS_EIO;
	int64_t base;
	switch ((uint32_t)whence) {
	case 0: base = 0; break;
	case 1: base = (int64_t)f->off; break;
	case 2: base = igfs_is_dir(st.mode) ? 0 : (int64_t)st.size; break;
	default: return -USYS_EINVAL;
	}
	int64_t d = (int64_t)off;
	if ((d > 0 && base > INT64_MAX - d) || base + d < 0)
		return -USYS_EINVAL;
	f->off = (uint64_t)(base + d);
	return (long)f->off;
}

/* struct stat as Linux x86-64 lays it out (144 bytes). */
struct kstat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t times[6];
	int64_t unused[3];
};
_Static_assert(sizeof(struct kstat) == 144, "struct stat of Linux x86-64");

static long put_stat(struct usys *u, bool console, uint32_t ino, uint64_t ust)
{
	struct kstat k;
	memset(&k, 0, sizeof(k));
	k.blksize = 4096;
	if (console) {
		k.dev = 5;
		k.mode = 0020620; /* a character device, as a serial console is */
		k.rdev = 0x440;   /* 4:64, ttyS0 */
		k.nlink = 1;
	} else {
		struct igfs_stat st;
		if (igfs_stat(u->fs, ino, &st))
			return -USYS_EIO;
		k.dev = 1;
		k.ino = (uint64_t)ino + 1;
		k.mode = st.mode;
		k.nlink = igfs_is_dir(st.mode) ? 2 : 1;
		k.size = igfs_is_dir(st.mode) ? 4096 : (int64_t)st.size;
		k.blocks = (k.size + 511) / 512;
	}
	if (!usys_range_ok(ust, sizeof(k)) || u->ops->copy_out(u->ctx, ust, &k, sizeof(k)))
		return -USYS_EFAULT;
	return 0;
}

static long do_fstatat(struct usys *u, int dirfd, uint64_t upath, uint64_t ust, uint64_t flags64)
{
	uint32_t flags = (uint32_t)flags64, ino;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -USYS_EINVAL;
	long rc = resolve(u, dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) != 0, &ino);
	if (rc == -USYS_ENOENT && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		struct usys_fd *f = get_fd(u, (uint64_t)(uint32_t)dirfd);
		if (f && f->console) {
			char c;
			/* an empty path naming a console fd */
			if (!u->ops->copy_in(u->ctx, &c, upath, 1) && !c)
				return put_stat(u, true, 0, ust);
		}
	}
	if (rc)
		return rc;
	return put_stat(u, false, ino, ust);
}

/* ---- memory --------------------------------------------------------------------------------- */

static bool vma_full(const struct usys *u, unsigned need)
{
	return u->nvma + need > USYS_MAX_VMAS;
}

/* Splits the mapping holding `at` strictly inside into two (one free slot needed). */
static void split_at(struct usys *u, uint64_t at)
{
	for (uint32_t i = 0; i < u->nvma; i++)
		if (u->vma[i].lo < at && at < u->vma[i].hi) {
			memmove(&u->vma[i + 1], &u->vma[i], (u->nvma - i) * sizeof(u->vma[0]));
			u->nvma++;
			u->vma[i].hi = at;
			u->vma[i + 1].lo = at;
			return;
		}
}

static void vma_remove(struct usys *u, uint32_t i)
{
	memmove(&u->vma[i], &u->vma[i + 1], (u->nvma - i - 1) * sizeof(u->vma[0]));
	u->nvma--;
}

/* Merges neighbours with the same protection, so many small mappings do not fill the table. */
static void vma_merge(struct usys *u)
{
	for (uint32_t i = 0; i + 1 < u->nvma;) {
		if (u->vma[i].hi == u->vma[i + 1].lo && u->vma[i].prot == u->vma[i + 1].prot) {
			u->vma[i].hi = u->vma[i + 1].hi;
			vma_remove(u, i + 1);
		} else {
			i++;
		}
	}
}

static long do_mmap(struct usys *u, const uint64_t a[6])
{
	uint64_t len = a[1];
	uint32_t prot = (uint32_t)a[2], flags = (uint32_t)a[3];
	if (!len || a[5] % USYS_PAGE || (prot & ~7u))
		return -USYS_EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -USYS_ENODEV; /* no file mappings: read the file instead */
	if ((flags & ~(MAP_PRIVATE | MAP_ANONYMOUS | MAP_IGNORED)) || !(flags & MAP_PRIVATE))
		return -USYS_EINVAL; /* shared, fixed and the rest are not supported */
	if ((prot & USYS_PROT_W) && (prot & USYS_PROT_X))
		return -USYS_EACCES;
	if (len > USYS_MMAP_HI - USYS_MMAP_LO)
		return -USYS_ENOMEM;
	len = page_up(len);
	if (vma_full(u, 1) || len / USYS_PAGE > u->max_pages - u->pages)
		return -USYS_ENOMEM;
	/* Top-down first fit; the address hint is only a hint and is not used. */
	uint64_t hi = USYS_MMAP_HI;
	uint32_t at = u->nvma;
	for (;;) {
		uint64_t lo = at ? u->vma[at - 1].hi : USYS_MMAP_LO;
		if (hi - lo >= len)
			break;
		if (!at)
			return -USYS_ENOMEM;
		hi = u->vma[--at].lo;
	}
	uint64_t va = hi - len;
	long rc = map_counted(u, va, len, prot);
	if (rc)
		return rc;
	memmove(&u->vma[at + 1], &u->vma[at], (u->nvma - at) * sizeof(u->vma[0]));
	u->vma[at] = (struct usys_vma){ va, hi, prot };
	u->nvma++;
	vma_merge(u);
	return (long)va;
}

/* [addr, addr + len) checked for munmap and mprotect: 0 or -EINVAL. */
static long anon_range(uint64_t addr, uint64_t *len)
{
	if (addr % USYS_PAGE || addr < USYS_MMAP_LO || addr >= USYS_MMAP_HI || *len > USYS_MMAP_HI - addr)
		return -USYS_EINVAL;
	*len = page_up(*len);
	return 0;
}

static long do_munmap(struct usys *u, uint64_t addr, uint64_t len)
{
	if (!len || anon_range(addr, &len))
		return -USYS_EINVAL;
	if (vma_full(u, 2))
		return -USYS_ENOMEM;
	uint64_t end = addr + len;
	split_at(u, addr);
	split_at(u, end);
	for (uint32_t i = 0; i < u->nvma;) {
		if (u->vma[i].lo >= addr && u->vma[i].hi <= end) {
			unmap_counted(u, u->vma[i].lo, u->vma[i].hi - u->vma[i].lo);
			vma_remove(u, i);
		} else {
			i++;
		}
	}
	vma_merge(u);
	return 0;
}

static long do_mprotect(struct usys *u, uint64_t addr, uint64_t len, uint64_t prot64)
{
	uint32_t prot = (uint32_t)prot64;
	if (prot64 & ~7ull)
		return -USYS_EINVAL;
	if (addr % USYS_PAGE)
		return -USYS_EINVAL;
	if (!len)
		return 0;
	if (anon_range(addr, &len))
		return -USYS_ENOMEM; /* only anonymous mappings may change */
	if ((prot & USYS_PROT_W) && (prot & USYS_PROT_X))
		return -USYS_EACCES;
	uint64_t end = addr + len, at = addr;
	/* The whole range must be mapped. */
	for (uint32_t i = 0; i < u->nvma && at < end; i++)
		if (u->vma[i].lo <= at && at < u->vma[i].hi)
			at = u->vma[i].hi;
	if (at < end)
		return -USYS_ENOMEM;
	if (vma_full(u, 2))
		return -USYS_ENOMEM;
	split_at(u, addr);
	split_at(u, end);
	for (uint32_t i = 0; i < u->nvma; i++)
		if (u->vma[i].lo >= addr && u->vma[i].hi <= end && u->vma[i].prot != prot) {
			u->vma[i].prot = prot;
			u->ops->protect(u->ctx, u->vma[i].lo, u->vma[i].hi - u->vma[i].lo, prot);
		}
	vma_merge(u);
	return 0;
}

static long do_brk(struct usys *u, uint64_t want)
{
	/* Linux: the new break on success, the old one on any failure (musl compares). */
	if (!u->brk_lo || want < u->brk_lo || want - u->brk_lo > USYS_BRK_MAX)
		return (long)u->brk;
	uint64_t old_end = page_up(u->brk), new_end = page_up(want);
	if (new_end > old_end) {
		if (map_counted(u, old_end, new_end - old_end, USYS_PROT_R | USYS_PROT_W))
			return (long)u->brk;
	} else if (new_end < old_end) {
		unmap_counted(u, new_end, old_end - new_end);
	}
	u->brk = want;
	return (long)want;
}

/* ---- the rest --------------------------------------------------------------------------------- */

static long put_zero(struct usys *u, uint64_t uaddr, uint64_t n)
{
	static const uint8_t z[32];
	if (!usys_range_ok(uaddr, n) || u->ops->copy_out(u->ctx, uaddr, z, n))
		return -USYS_EFAULT;
	return 0;
}

static long do_getrandom(struct usys *u, uint64_t buf, uint64_t n, uint64_t flags)
{
	if (flags & ~7ull) /* GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE */
		return -USYS_EINVAL;
	if (n > 33554431u) /* Linux's cap for one call */
		n = 33554431u;
	if (!usys_range_ok(buf, n))
		return -USYS_EFAULT;
	uint8_t k[CHUNK];
	uint64_t done = 0;
	while (done < n) {
		uint64_t c = n - done < CHUNK ? n - done : CHUNK;
		if (u->ops->random(u->ctx, k, c))
			return done ? (long)done : -USYS_EAGAIN;
		int rc = u->ops->copy_out(u->ctx, buf + done, k, c);
		memset(k, 0, sizeof(k));
		if (rc)
			return done ? (long)done : -USYS_EFAULT;
		done += c;
	}
	return (long)done;
}

static long do_clock_gettime(struct usys *u, uint64_t clk, uint64_t tp)
{
	switch ((uint32_t)clk) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		break; /* realtime counts from boot: there is no wall clock */
	default:
		return -USYS_EINVAL;
	}
	uint64_t ns = u->ops->clock_ns(u->ctx);
	uint64_t ts[2] = { ns / 1000000000u, ns % 1000000000u };
	if (!usys_range_ok(tp, sizeof(ts)) || u->ops->copy_out(u->ctx, tp, ts, sizeof(ts)))
		return -USYS_EFAULT;
	return 0;
}

static long do_arch_prctl(struct usys *u, uint64_t code, uint64_t addr)
{
	switch ((uint32_t)code) {
	case 0x1002: /* ARCH_SET_FS */
		if (addr >= USYS_USER_TOP)
			return -USYS_EPERM;
		u->fs_base = addr;
		u->ops->set_fs(u->ctx, addr);
		return 0;
	case 0x1003: /* ARCH_GET_FS */
		if (!usys_range_ok(addr, 8) || u->ops->copy_out(u->ctx, addr, &u->fs_base, 8))
			return -USYS_EFAULT;
		return 0;
	default:
		return -USYS_EINVAL; /* GS is the kernel's */
	}
}

static long do_sigaction(struct usys *u, const uint64_t a[6])
{
	int sig = (int)(uint32_t)a[0];
	if (a[3] != 8 || sig < 1 || sig > 64)
		return -USYS_EINVAL;
	if (a[1]) {
		uint8_t act[32];
		if (sig == 9 || sig == 19)
			return -USYS_EINVAL;
		if (!usys_range_ok(a[1], sizeof(act)) || u->ops->copy_in(u->ctx, act, a[1], sizeof(act)))
			return -USYS_EFAULT;
	}
	/* Nothing delivers signals: every action reads back as the default. */
	return a[2] ? put_zero(u, a[2], 32) : 0;
}

static long do_sigprocmask(struct usys *u, const uint64_t a[6])
{
	if (a[3] != 8)
		return -USYS_EINVAL;
	if (a[1]) {
		uint64_t set;
		if ((uint32_t)a[0] > 2)
			return -USYS_EINVAL;
		if (!usys_range_ok(a[1], 8) || u->ops->copy_in(u->ctx, &set, a[1], 8))
			return -USYS_EFAULT;
	}
	return a[2] ? put_zero(u, a[2], 8) : 0;
}

long usys_call(struct usys *u, uint64_t nr, const uint64_t a[6])
{
	switch (nr) {
	case USYS_read:
		return do_read(u, a[0], a[1], a[2]);
	case USYS_write:
		return do_write(u, a[0], a[1], a[2]);
	case USYS_writev:
		return do_writev(u, a[0], a[1], a[2]);
	case USYS_open:
		return do_openat(u, AT_FDCWD, a[0], a[1]);
	case USYS_openat:
		return do_openat(u, (int)(uint32_t)a[0], a[1], a[2]);
	case USYS_close: {
		struct usys_fd *f = get_fd(u, a[0]);
		if (!f)
			return -USYS_EBADF;
		f->used = false;
		return 0;
	}
	case USYS_lseek:
		return do_lseek(u, a[0], a[1], a[2]);
	case USYS_fstat: {
		struct usys_fd *f = get_fd(u, a[0]);
		return f ? put_stat(u, f->console, f->ino, a[1]) : -USYS_EBADF;
	}
	case USYS_stat:
		return do_fstatat(u, AT_FDCWD, a[0], a[1], 0);
	case USYS_lstat:
		return do_fstatat(u, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
	case USYS_newfstatat:
		return do_fstatat(u, (int)(uint32_t)a[0], a[1], a[2], a[3]);
	case USYS_ioctl:
		return get_fd(u, a[0]) ? -USYS_ENOTTY : -USYS_EBADF;
	case USYS_mmap:
		return do_mmap(u, a);
	case USYS_munmap:
		return do_munmap(u, a[0], a[1]);
	case USYS_mprotect:
		return do_mprotect(u, a[0], a[1], a[2]);
	case USYS_brk:
		return do_brk(u, a[0]);
	case USYS_rt_sigaction:
		return do_sigaction(u, a);
	case USYS_rt_sigprocmask:
		return do_sigprocmask(u, a);
	case USYS_getpid:
	case USYS_gettid:
		return 1;
	case USYS_set_tid_address:
		u->tid_address = a[0];
		return 1;
	case USYS_arch_prctl:
		return do_arch_prctl(u, a[0], a[1]);
	case USYS_clock_gettime:
		return do_clock_gettime(u, a[0], a[1]);
	case USYS_getrandom:
		return do_getrandom(u, a[0], a[1], a[2]);
	case USYS_exit:
	case USYS_exit_group:
		u->exited = true;
		u->status = (int)(a[0] & 0xFF);
		return 0;
	default:
		u->enosys_count++;
		return -USYS_ENOSYS;
	}
}
