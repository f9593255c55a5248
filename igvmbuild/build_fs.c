/* SPDX-License-Identifier: MIT */
/*
 * build_fs.c — a directory tree or a cpio newc archive -> the packed
 * filesystem image the SVSM reads (format/igfs.h).
 *
 * Both inputs become one flat list of entries with normalised paths, which is
 * then sorted, checked and laid out the same way, so a tree and an archive of
 * it pack to the same bytes:
 *
 *   paths     relative to the root, no leading "/": an archive's leading "./"
 *             is dropped ("." is the root); an absolute name, an empty, "." or
 *             ".." component, a name over IGFS_NAME_MAX or a path over
 *             IGFS_PATH_MAX is refused; missing parent directories are made;
 *   order     every directory's entries sorted bytewise, breadth first
 *             (format/igfs.h), so directory-read order and archive order do
 *             not matter; a path listed twice is refused;
 *   metadata  none kept but the type and, for files, whether the owner may
 *             execute it (0755, else 0644); directories 0755, symlinks 0777;
 *             owners, times, setuid/setgid/sticky bits are dropped;
 *   types     directories, regular files, symlinks; device nodes, FIFOs and
 *             sockets are refused;
 *   symlinks  kept as links, never followed on the host; each must resolve
 *             inside the filesystem (absolute targets from its root) without
 *             climbing above the root, dangling or looping (IGFS_MAX_SYMLINKS);
 *   hard links  archive members with the same inode (nlink > 1) share one copy
 *             of the data, which at most one member may carry (GNU cpio puts
 *             it on the last); in a tree, a file whose link count is larger
 *             than the names it has in the tree has a name outside it and is
 *             refused (it could be anything on the host: /etc/shadow);
 *   limits    IGFS_MAX_ENTRIES entries, IGFS_MAX_IMAGE bytes of image.
 *
 * Why no libarchive: it is not a dependency of this project, cpio newc is a
 * fixed 110-byte ASCII header that a bounds-checked reader parses in a page of
 * code, and the rules above (what to refuse, and how to say so) are ours
 * whichever library reads the bytes. The SVSM never sees cpio: it reads the
 * IGFS image through svsm/fs/igfs.c, which this file runs on its own output
 * before handing it on.
 *
 * Every refusal is one line naming the input, the entry (and for an archive
 * the byte offset of its header) and the rule, as "fs.RULE".
 */
#define _GNU_SOURCE
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/status.h"
#include "../svsm/fs/igfs.h"

#define NONE UINT32_MAX

struct blob {
	const uint8_t *data; /* size bytes, or NULL when size is 0 */
	uint64_t size;
	uint64_t off; /* in the data area, once placed */
	bool placed;
};

struct rec {
	char *path;      /* normalised: "" is the root, "a/b" below it */
	const char *name; /* last component, inside path */
	uint32_t name_len;
	uint16_t mode;   /* IGFS_S_IF* | normalised permissions */
	uint32_t blob;   /* regular files: index in blobs, NONE when empty */
	char *target;    /* symlinks */
	uint32_t target_len;
	/* where it came from, for messages */
	uint64_t where;  /* archive: header offset; tree: order read */
	/* archive hard links */
	uint64_t ino, dev;
	uint32_t nlink;
	/* tree */
	uint32_t parent, first_kid, last_kid, next_sib, nkids;
	uint32_t index, first_index; /* final entry index; directories: their first child's */
};

struct packer {
	const char *input; /* the path the user named */
	bool archive;
	struct rec *r;
	uint32_t n, cap;
	struct blob *b;
	uint32_t nb, capb;
	uint8_t **owned; /* file contents read from a tree */
	size_t nowned, capowned;
	uint64_t data_bytes; /* page-rounded file bytes so far */
	uint32_t *order;     /* final entry index -> rec */
	uint32_t root;
};

static void packer_free(struct packer *p)
{
	for (uint32_t i = 0; i < p->n; i++) {
		free(p->r[i].path);
		free(p->r[i].target);
	}
	for (size_t i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->r);
	free(p->b);
	free(p->order);
	memset(p, 0, sizeof(*p));
}

/* "INPUT: offset 0x..: entry 'x': " or "INPUT/x: " prefix, then the rule. */
__attribute__((format(printf, 3, 4))) static int refuse(const struct packer *p, const struct rec *r,
							const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Hostile names can be a kilobyte long: show their first 100 bytes. */
	const char *path = r && *r->path ? r->path : ".";
	int plen = (int)strlen(path) > 100 ? 100 : (int)strlen(path);
	const char *more = (int)strlen(path) > 100 ? "..." : "";
	if (!r)
		ib_err("%s: %s", p->input, msg);
	else if (p->archive)
		ib_err("%s: offset 0x%llx: entry '%.*s%s': %s", p->input, (unsigned long long)r->where, plen, path, more,
		       msg);
	else
		ib_err("%s/%.*s%s: %s", p->input, plen, path, more, msg);
	return IB_EXIT_INVALID;
}

static int oom(void)
{
	ib_err("out of memory while packing the filesystem");
	return IB_EXIT_INTERNAL;
}

static uint64_t page_up(uint64_t v)
{
	return (v + IGFS_PAGE - 1) / IGFS_PAGE * IGFS_PAGE;
}

static struct rec *add_rec(struct packer *p)
{
	if (p->n == p->cap) {
		uint32_t nc = p->cap ? p->cap * 2 : 64;
		struct rec *q = realloc(p->r, (size_t)nc * sizeof(*q));
		if (!q)
			return NULL;
		p->r = q;
		p->cap = nc;
	}
	struct rec *r = &p->r[p->n++];
	memset(r, 0, sizeof(*r));
	r->blob = NONE;
	r->parent = r->first_kid = r->last_kid = r->next_sib = NONE;
	return r;
}

static uint32_t add_blob(struct packer *p, const uint8_t *data, uint64_t size)
{
	if (p->nb == p->capb) {
		uint32_t nc = p->capb ? p->capb * 2 : 64;
		struct blob *q = realloc(p->b, (size_t)nc * sizeof(*q));
		if (!q)
			return NONE;
		p->b = q;
		p->capb = nc;
	}
	p->b[p->nb] = (struct blob){ data, size, 0, false };
	return p->nb++;
}

static void set_name(struct rec *r)
{
	const char *s = strrchr(r->path, '/');
	r->name = s ? s + 1 : r->path;
	r->name_len = (uint32_t)strlen(r->name);
}

/* Checks a normalised path (no leading "/", "" = root) component by component. */
static int check_path(const struct packer *p, const struct rec *r)
{
	const char *s = r->path;
	size_t len = strlen(s);
	if (len + 1 > IGFS_PATH_MAX)
		return refuse(p, r, "fs.path-too-long: the path is %zu bytes, more than %u", len + 1, IGFS_PATH_MAX);
	if (!len)
		return 0;
	for (const char *c = s;;) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n == 0)
			return refuse(p, r, "fs.path: an empty path component");
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return refuse(p, r, "fs.path-traversal: a '..' component");
		if (n == 1 && c[0] == '.')
			return refuse(p, r, "fs.path: a '.' component");
		if (n > IGFS_NAME_MAX)
			return refuse(p, r, "fs.name-too-long: a component of %zu bytes, more than %u", n, IGFS_NAME_MAX);
		if (!e)
			break;
		c = e + 1;
	}
	return 0;
}

static uint16_t file_mode(uint32_t st_mode)
{
	return (uint16_t)(IGFS_S_IFREG | ((st_mode & 0100) ? 0755 : 0644));
}

/* Page-rounded file bytes so far, against the image limit. */
static int account(struct packer *p, const struct rec *r, uint64_t size)
{
	if (size > IGFS_MAX_IMAGE || page_up(size) > IGFS_MAX_IMAGE - p->data_bytes)
		return refuse(p, r, "fs.size-limit: %llu bytes of file data take the filesystem past its %llu-byte limit",
			      (unsigned long long)size, (unsigned long long)IGFS_MAX_IMAGE);
	p->data_bytes += page_up(size);
	return 0;
}

/* ---- cpio newc ("070701") and its checksummed variant ("070702") ------------------------------ */

#define CPIO_HDR 110u

static bool hex8(const uint8_t *s, uint32_t *v)
{
	uint32_t x = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

static const char *const cpio_fields[13] = { "ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
					     "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check" };
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_SIZE, F_DEVMAJ, F_DEVMIN, F_RDEVMAJ, F_RDEVMIN,
       F_NAMESIZE, F_CHECK };

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ull;
}

static int cpio_member(struct packer *p, const uint8_t *a, size_t len, uint64_t off, uint64_t *next, bool *trailer)
{
	char where[64];
	snprintf(where, sizeof(where), "offset 0x%llx", (unsigned long long)off);
	const uint8_t *h = a + off;
	bool crc = len - off >= 6 && !memcmp(h, "070702", 6);
	if (len - off >= 6 && memcmp(h, "070701", 6) && !crc) {
		char shown[13];
		for (int i = 0; i < 6; i++)
			snprintf(shown + 2 * i, 3, "%02x", h[i]);
		ib_err("%s: %s: fs.cpio-magic: bytes %s are not a cpio newc header (\"070701\" or \"070702\")", p->input,
		       where, shown);
		return IB_EXIT_INVALID;
	}
	if (len - off < CPIO_HDR) {
		ib_err("%s: %s: fs.cpio-truncated: %zu bytes left, a header takes %u", p->input, where,
		       (size_t)(len - off), CPIO_HDR);
		return IB_EXIT_INVALID;
	}
	uint32_t f[13];
	for (int i = 0; i < 13; i++)
		if (!hex8(h + 6 + 8 * i, &f[i])) {
			ib_err("%s: %s: fs.cpio-header: field %s is not 8 hexadecimal digits", p->input, where,
			       cpio_fields[i]);
			return IB_EXIT_INVALID;
		}
	uint64_t name_off = off + CPIO_HDR;
	if (f[F_NAMESIZE] < 2 || f[F_NAMESIZE] > 4096) {
		ib_err("%s: %s: fs.cpio-name: namesize %u is outside 2..4096", p->input, where, f[F_NAMESIZE]);
		return IB_EXIT_INVALID;
	}
	if (len - name_off < f[F_NAMESIZE]) {
		ib_err("%s: %s: fs.cpio-truncated: the %u-byte name runs past the end", p->input, where, f[F_NAMESIZE]);
		return IB_EXIT_INVALID;
	}
	const char *name = (const char *)a + name_off;
	if (name[f[F_NAMESIZE] - 1] != 0 || memchr(name, 0, f[F_NAMESIZE] - 1)) {
		ib_err("%s: %s: fs.cpio-name: the name is not %u bytes ending in its only NUL", p->input, where,
		       f[F_NAMESIZE]);
		return IB_EXIT_INVALID;
	}
	uint64_t data_off = align4(name_off + f[F_NAMESIZE]);
	uint64_t size = f[F_SIZE];
	if (data_off > len || size > len - data_off) {
		ib_err("%s: %s: entry '%s': fs.cpio-truncated: %llu bytes of data run past the end", p->input, where, name,
		       (unsigned long long)size);
		return IB_EXIT_INVALID;
	}
	const uint8_t *data = a + data_off;
	uint64_t end = data_off + size;
	*next = align4(end) <= len ? align4(end) : len;
	if (!strcmp(name, "TRAILER!!!")) {
		*trailer = true;
		return 0;
	}
	/* GNU cpio sums regular files only (a symlink's check is 0); Linux checks none. */
	if (crc && (f[F_MODE] & IGFS_S_IFMT) == IGFS_S_IFREG) {
		uint32_t sum = 0;
		for (uint64_t i = 0; i < size; i++)
			sum += data[i];
		if (sum != f[F_CHECK]) {
			ib_err("%s: %s: entry '%s': fs.cpio-checksum: the data sums to 0x%08x, the header says 0x%08x",
			       p->input, where, name, sum, f[F_CHECK]);
			return IB_EXIT_INVALID;
		}
	}

	if (p->n >= IGFS_MAX_ENTRIES) {
		ib_err("%s: %s: fs.too-many-entries: more than %u entries", p->input, where, IGFS_MAX_ENTRIES);
		return IB_EXIT_INVALID;
	}
	struct rec *r = add_rec(p);
	if (!r)
		return oom();
	r->where = off;
	if (name[0] == '/') {
		r->path = strdup(name);
		if (!r->path)
			return oom();
		return refuse(p, r, "fs.absolute-path: archive names are relative to the root");
	}
	const char *s = name;
	while (s[0] == '.' && s[1] == '/')
		s += 2;
	if (!strcmp(s, "."))
		s += 1;
	r->path = strdup(s);
	if (!r->path)
		return oom();
	set_name(r);
	int rc = check_path(p, r);
	if (rc)
		return rc;

	uint32_t type = f[F_MODE] & IGFS_S_IFMT;
	r->ino = f[F_INO];
	r->dev = (uint64_t)f[F_DEVMAJ] << 32 | f[F_DEVMIN];
	r->nlink = f[F_NLINK];
	switch (type) {
	case IGFS_S_IFDIR:
		if (size)
			return refuse(p, r, "fs.cpio-size: a directory with %llu bytes of data", (unsigned long long)size);
		r->mode = IGFS_S_IFDIR | 0755;
		break;
	case IGFS_S_IFREG:
		if ((rc = account(p, r, size)))
			return rc;
		r->mode = file_mode(f[F_MODE]);
		if (size && (r->blob = add_blob(p, data, size)) == NONE)
			return oom();
		break;
	case IGFS_S_IFLNK:
		if (size == 0 || size > IGFS_PATH_MAX || memchr(data, 0, size))
			return refuse(p, r, "fs.symlink-target: a target of %llu bytes (1..%u, no NUL)",
				      (unsigned long long)size, IGFS_PATH_MAX);
		r->mode = IGFS_S_IFLNK | 0777;
		r->target = strndup((const char *)data, size);
		if (!r->target)
			return oom();
		r->target_len = (uint32_t)size;
		break;
	case 0020000:
	case 0060000:
		return refuse(p, r, "fs.device-node: %s device %u:%u", type == 0020000 ? "a character" : "a block",
			      f[F_RDEVMAJ], f[F_RDEVMIN]);
	case 0010000:
		return refuse(p, r, "fs.special-file: a FIFO");
	case 0140000:
		return refuse(p, r, "fs.special-file: a socket");
	default:
		return refuse(p, r, "fs.special-file: unknown file type 0%o", type);
	}
	return 0;
}

static int read_cpio(struct packer *p, const uint8_t *a, size_t len)
{
	uint64_t off = 0;
	bool any = false;
	for (;;) {
		bool trailer = false;
		uint64_t next;
		int rc = cpio_member(p, a, len, off, &next, &trailer);
		if (rc)
			return rc;
		off = next;
		if (!trailer) {
			if (off >= len) {
				ib_err("%s: offset 0x%llx: fs.cpio-truncated: the archive ends without its TRAILER!!! entry",
				       p->input, (unsigned long long)off);
				return IB_EXIT_INVALID;
			}
			continue;
		}
		any = true;
		/* After a trailer: zero padding (GNU cpio fills the last 512-byte block), then the end
		 * or another archive starting on a 4-byte boundary, as Linux's initramfs reader takes. */
		while (off < len && a[off] == 0)
			off++;
		if (off == len)
			break;
		if (off % 4) {
			ib_err("%s: offset 0x%llx: fs.cpio-padding: data after the trailer's padding is not 4-byte aligned",
			       p->input, (unsigned long long)off);
			return IB_EXIT_INVALID;
		}
	}
	(void)any;
	return 0;
}

/* Archive members with one inode: the data lives in one of them; the others share it. */
static int cmp_link(const void *x, const void *y, void *ctx)
{
	const struct rec *r = ctx;
	const struct rec *a = &r[*(const uint32_t *)x], *b = &r[*(const uint32_t *)y];
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return a->where < b->where ? -1 : a->where > b->where;
}

static int join_hard_links(struct packer *p)
{
	_cleanup_free_ uint32_t *idx = malloc((size_t)(p->n ? p->n : 1) * sizeof(*idx));
	if (!idx)
		return oom();
	uint32_t m = 0;
	for (uint32_t i = 0; i < p->n; i++)
		if ((p->r[i].mode & IGFS_S_IFMT) == IGFS_S_IFREG && p->r[i].nlink > 1)
			idx[m++] = i;
	qsort_r(idx, m, sizeof(*idx), cmp_link, p->r);
	for (uint32_t i = 0; i < m;) {
		uint32_t j = i, with = NONE;
		for (; j < m && p->r[idx[j]].dev == p->r[idx[i]].dev && p->r[idx[j]].ino == p->r[idx[i]].ino; j++) {
			if (p->r[idx[j]].blob == NONE)
				continue;
			if (with != NONE)
				return refuse(p, &p->r[idx[j]],
					      "fs.hardlink: inode %llu already has its data in '%s'; a hard link's data "
					      "goes in one member", (unsigned long long)p->r[idx[j]].ino, p->r[with].path);
			with = idx[j];
		}
		for (uint32_t k = i; k < j; k++)
			p->r[idx[k]].blob = with == NONE ? NONE : p->r[with].blob;
		i = j;
	}
	return 0;
}

/* ---- a directory tree -------------------------------------------------------------------------- */

struct inode_seen {
	dev_t dev;
	ino_t ino;
	nlink_t nlink, seen;
	uint32_t rec;
};

struct walk {
	struct inode_seen *in;
	size_t n, cap;
	uint64_t order;
};

static char *join(const char *dir, const char *name)
{
	char *s;
	if (asprintf(&s, "%s%s%s", dir, *dir ? "/" : "", name) < 0)
		return NULL;
	return s;
}

static int read_fd(int fd, uint8_t *buf, uint64_t size, uint64_t *got)
{
	uint64_t n = 0;
	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n > (1u << 30) ? (1u << 30) : (size_t)(size - n));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		n += (uint64_t)r;
	}
	*got = n;
	return 0;
}

static int walk_dir(struct packer *p, struct walk *w, int dfd, const char *rel);

static int walk_entry(struct packer *p, struct walk *w, int dfd, const char *rel, const char *name)
{
	if (p->n >= IGFS_MAX_ENTRIES) {
		ib_err("%s: fs.too-many-entries: more than %u entries", p->input, IGFS_MAX_ENTRIES);
		return IB_EXIT_INVALID;
	}
	struct rec *r = add_rec(p);
	if (!r)
		return oom();
	r->where = w->order++;
	r->path = join(rel, name);
	if (!r->path)
		return oom();
	set_name(r);
	uint32_t ri = p->n - 1;
	int rc = check_path(p, r);
	if (rc)
		return rc;
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		ib_err("%s/%s: cannot stat: %s", p->input, r->path, strerror(errno));
		return IB_EXIT_IO;
	}
	if (S_ISDIR(st.st_mode)) {
		r->mode = IGFS_S_IFDIR | 0755;
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			ib_err("%s/%s: cannot open directory: %s", p->input, r->path, strerror(errno));
			return IB_EXIT_IO;
		}
		_cleanup_free_ char *path = strdup(r->path);
		if (!path) {
			close(sub);
			return oom();
		}
		return walk_dir(p, w, sub, path); /* closes sub; r may move */
	}
	if (S_ISLNK(st.st_mode)) {
		char buf[IGFS_PATH_MAX + 1];
		ssize_t n = readlinkat(dfd, name, buf, sizeof(buf));
		if (n < 0) {
			ib_err("%s/%s: cannot read the link: %s", p->input, r->path, strerror(errno));
			return IB_EXIT_IO;
		}
		if (n == 0 || (size_t)n > IGFS_PATH_MAX)
			return refuse(p, r, "fs.symlink-target: a target of %s bytes (1..%u)", n ? "more than 1024" : "0",
				      IGFS_PATH_MAX);
		r->mode = IGFS_S_IFLNK | 0777;
		r->target = strndup(buf, (size_t)n);
		if (!r->target)
			return oom();
		r->target_len = (uint32_t)n;
		return 0;
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return refuse(p, r, "fs.device-node: a %s device", S_ISCHR(st.st_mode) ? "character" : "block");
	if (!S_ISREG(st.st_mode))
		return refuse(p, r, "fs.special-file: a %s", S_ISFIFO(st.st_mode) ? "FIFO" : "socket or other special file");

	/* A regular file: opened without following links and without blocking (it could have
	 * been swapped for a FIFO since the stat), then checked to be the file we stat'ed. */
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat fst;
	if (fd < 0 || fstat(fd, &fst) < 0) {
		ib_err("%s/%s: cannot read: %s", p->input, r->path, strerror(errno));
		return IB_EXIT_IO;
	}
	if (!S_ISREG(fst.st_mode) || fst.st_ino != st.st_ino || fst.st_dev != st.st_dev) {
		ib_err("%s/%s: fs.changed: the file changed while it was being packed", p->input, r->path);
		return IB_EXIT_IO;
	}
	r->mode = file_mode(fst.st_mode);
	uint64_t size = (uint64_t)fst.st_size;
	if (fst.st_nlink > 1) {
		size_t k = 0;
		for (; k < w->n; k++)
			if (w->in[k].dev == fst.st_dev && w->in[k].ino == fst.st_ino)
				break;
		if (k == w->n) {
			if (w->n == w->cap) {
				size_t nc = w->cap ? w->cap * 2 : 16;
				struct inode_seen *q = realloc(w->in, nc * sizeof(*q));
				if (!q)
					return oom();
				w->in = q;
				w->cap = nc;
			}
			w->in[w->n++] = (struct inode_seen){ fst.st_dev, fst.st_ino, fst.st_nlink, 0, ri };
		}
		w->in[k].seen++;
		/* Names of one file share one copy of its data, as hard links in an archive do. */
		if (w->in[k].seen > 1) {
			p->r[ri].blob = p->r[w->in[k].rec].blob;
			return 0;
		}
	}
	if ((rc = account(p, &p->r[ri], size)))
		return rc;
	if (!size)
		return 0;
	if (p->nowned == p->capowned) {
		size_t nc = p->capowned ? p->capowned * 2 : 64;
		uint8_t **q = realloc(p->owned, nc * sizeof(*q));
		if (!q)
			return oom();
		p->owned = q;
		p->capowned = nc;
	}
	uint8_t *buf = malloc(size);
	if (!buf)
		return oom();
	p->owned[p->nowned++] = buf;
	uint64_t got = 0, extra = 0;
	uint8_t probe;
	int e = read_fd(fd, buf, size, &got);
	if (!e)
		e = read_fd(fd, &probe, 1, &extra);
	if (e) {
		ib_err("%s/%s: cannot read: %s", p->input, r->path, strerror(-e));
		return IB_EXIT_IO;
	}
	if (got != size || extra) {
		ib_err("%s/%s: fs.changed: the file changed while it was being packed", p->input, r->path);
		return IB_EXIT_IO;
	}
	if ((p->r[ri].blob = add_blob(p, buf, size)) == NONE)
		return oom();
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char ***names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((*names)[i]);
	free(*names);
}

/* Reads dfd's entries (sorted, so messages come in a stable order), closing dfd. */
static int walk_dir(struct packer *p, struct walk *w, int dfd, const char *rel)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		ib_err("%s/%s: cannot read directory: %s", p->input, rel, strerror(errno));
		return IB_EXIT_IO;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **q = realloc(names, nc * sizeof(*q));
			if (!q) {
				rc = oom();
				goto out;
			}
			names = q;
			cap = nc;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = oom();
			goto out;
		}
		n++;
		if (n > IGFS_MAX_ENTRIES) {
			ib_err("%s: fs.too-many-entries: more than %u entries", p->input, IGFS_MAX_ENTRIES);
			rc = IB_EXIT_INVALID;
			goto out;
		}
		errno = 0;
	}
	if (errno) {
		ib_err("%s/%s: cannot read directory: %s", p->input, rel, strerror(errno));
		rc = IB_EXIT_IO;
		goto out;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && !rc; i++)
		rc = walk_entry(p, w, dirfd(d), rel, names[i]);
out:
	free_names(&names, n);
	closedir(d);
	return rc;
}

static int read_tree(struct packer *p)
{
	int dfd = open(p->input, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ib_err("%s: cannot open directory: %s", p->input, strerror(errno));
		return IB_EXIT_IO;
	}
	struct walk w = { 0 };
	int rc = walk_dir(p, &w, dfd, "");
	for (size_t k = 0; k < w.n && !rc; k++)
		if (w.in[k].seen < w.in[k].nlink)
			rc = refuse(p, &p->r[w.in[k].rec],
				    "fs.hardlink-out-of-tree: the file has %lu links, %lu of them in the tree; its other "
				    "names lie outside it", (unsigned long)w.in[k].nlink, (unsigned long)w.in[k].seen);
	free(w.in);
	return rc;
}

/* ---- the tree: sort, parents, duplicates, breadth-first order ---------------------------------- */

/* Component-wise: '/' sorts before every other byte, so a directory's subtree follows it. */
static int path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca == '/')
			ca = 1;
		if (cb == '/')
			cb = 1;
		if (ca != cb || !ca)
			return (int)ca - (int)cb;
	}
}

static int cmp_rec(const void *x, const void *y, void *ctx)
{
	const struct rec *r = ctx;
	const struct rec *a = &r[*(const uint32_t *)x], *b = &r[*(const uint32_t *)y];
	int c = path_cmp(a->path, b->path);
	if (c)
		return c;
	return a->where < b->where ? -1 : a->where > b->where;
}

static void add_kid(struct packer *p, uint32_t dir, uint32_t kid)
{
	struct rec *d = &p->r[dir];
	p->r[kid].parent = dir;
	if (d->last_kid == NONE)
		d->first_kid = kid;
	else
		p->r[d->last_kid].next_sib = kid;
	d->last_kid = kid;
	d->nkids++;
}

static bool is_prefix_dir(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	return n == 0 || (!strncmp(dir, path, n) && path[n] == '/');
}

static int build_tree(struct packer *p)
{
	uint32_t n0 = p->n;
	_cleanup_free_ uint32_t *idx = malloc((size_t)(n0 ? n0 : 1) * sizeof(*idx));
	_cleanup_free_ uint32_t *stack = malloc(((size_t)IGFS_PATH_MAX + 2) * sizeof(*stack));
	if (!idx || !stack)
		return oom();
	for (uint32_t i = 0; i < n0; i++)
		idx[i] = i;
	qsort_r(idx, n0, sizeof(*idx), cmp_rec, p->r);
	for (uint32_t i = 1; i < n0; i++)
		if (!strcmp(p->r[idx[i]].path, p->r[idx[i - 1]].path)) {
			const struct rec *a = &p->r[idx[i - 1]];
			if (p->archive)
				return refuse(p, &p->r[idx[i]], "fs.duplicate: listed again (first at offset 0x%llx)",
					      (unsigned long long)a->where);
			return refuse(p, &p->r[idx[i]], "fs.duplicate: listed twice");
		}

	/* The root: an archive's "." entry, else made here. */
	uint32_t sp = 0;
	uint32_t start = 0;
	if (n0 && !*p->r[idx[0]].path) {
		p->root = idx[0];
		start = 1;
		if ((p->r[p->root].mode & IGFS_S_IFMT) != IGFS_S_IFDIR)
			return refuse(p, &p->r[p->root], "fs.not-a-directory: the root must be a directory");
	} else {
		struct rec *r = add_rec(p);
		if (!r || !(r->path = strdup("")))
			return oom();
		set_name(r);
		r->mode = IGFS_S_IFDIR | 0755;
		p->root = p->n - 1;
	}
	stack[sp++] = p->root;
	for (uint32_t i = start; i < n0; i++) {
		uint32_t ri = idx[i];
		while (sp > 1 && !is_prefix_dir(p->r[stack[sp - 1]].path, p->r[ri].path))
			sp--;
		/* Parents nobody listed, one component at a time. */
		for (;;) {
			const struct rec *top = &p->r[stack[sp - 1]];
			if ((top->mode & IGFS_S_IFMT) != IGFS_S_IFDIR)
				return refuse(p, &p->r[ri], "fs.not-a-directory: its parent '%s' is a %s", top->path,
					      (top->mode & IGFS_S_IFMT) == IGFS_S_IFLNK ? "symlink" : "file");
			size_t tl = strlen(top->path);
			const char *rest = p->r[ri].path + tl + (tl ? 1 : 0);
			const char *slash = strchr(rest, '/');
			if (!slash)
				break;
			if (p->n >= IGFS_MAX_ENTRIES)
				return refuse(p, &p->r[ri], "fs.too-many-entries: more than %u entries with the directories "
					      "it implies", IGFS_MAX_ENTRIES);
			char *dpath = strndup(p->r[ri].path, (size_t)(slash - p->r[ri].path));
			if (!dpath)
				return oom();
			uint32_t parent = stack[sp - 1];
			struct rec *d = add_rec(p);
			if (!d) {
				free(dpath);
				return oom();
			}
			d->path = dpath;
			set_name(d);
			d->mode = IGFS_S_IFDIR | 0755;
			d->where = p->r[ri].where;
			add_kid(p, parent, p->n - 1);
			stack[sp++] = p->n - 1;
		}
		add_kid(p, stack[sp - 1], ri);
		if (sp <= IGFS_PATH_MAX)
			stack[sp++] = ri;
	}

	/* Breadth first: each directory's children one block, blocks in directory order. */
	p->order = malloc((size_t)p->n * sizeof(*p->order));
	if (!p->order)
		return oom();
	uint32_t cnt = 0;
	p->order[cnt++] = p->root;
	p->r[p->root].index = 0;
	for (uint32_t k = 0; k < cnt; k++) {
		struct rec *d = &p->r[p->order[k]];
		d->first_index = d->nkids ? cnt : 0;
		for (uint32_t c = d->first_kid; c != NONE; c = p->r[c].next_sib) {
			p->r[c].index = cnt;
			p->order[cnt++] = c;
		}
	}
	if (cnt != p->n) {
		ib_err("%s: internal error: %u of %u entries reached from the root", p->input, cnt, p->n);
		return IB_EXIT_INTERNAL;
	}
	return 0;
}

/* A child of dir named (name, len), by binary search over its sorted block. */
static uint32_t find_kid(const struct packer *p, uint32_t dir, const char *name, size_t len)
{
	const struct rec *d = &p->r[dir];
	uint32_t lo = d->first_index, hi = d->first_index + d->nkids;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct rec *c = &p->r[p->order[mid]];
		size_t m = len < c->name_len ? len : c->name_len;
		int r = memcmp(name, c->name, m);
		if (!r)
			r = len < c->name_len ? -1 : len > c->name_len;
		if (!r)
			return p->order[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NONE;
}

/* Resolves a link's target strictly: inside the tree, existing, at most IGFS_MAX_SYMLINKS deep. */
static int resolve(const struct packer *p, const struct rec *link, uint32_t dir, const char *t, unsigned depth,
		   uint32_t *out)
{
	uint32_t cur = t[0] == '/' ? p->root : dir;
	for (const char *c = t; *c;) {
		while (*c == '/')
			c++;
		if (!*c)
			break;
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		const struct rec *cr = &p->r[cur];
		if ((cr->mode & IGFS_S_IFMT) != IGFS_S_IFDIR)
			return refuse(p, link, "fs.symlink-dangling: '%s' passes through '/%s', which is not a directory",
				      link->target, cr->path);
		bool dot = n == 1 && c[0] == '.';
		if (dot) {
			c += n;
			continue;
		}
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (cur == p->root)
				return refuse(p, link, "fs.symlink-escape: '%s' climbs above the root of the filesystem",
					      link->target);
			cur = cr->parent;
		} else {
			uint32_t k = find_kid(p, cur, c, n);
			if (k == NONE)
				return refuse(p, link, "fs.symlink-dangling: '%s' names nothing in the filesystem",
					      link->target);
			if ((p->r[k].mode & IGFS_S_IFMT) == IGFS_S_IFLNK) {
				if (depth + 1 > IGFS_MAX_SYMLINKS)
					return refuse(p, link, "fs.symlink-loop: '%s' goes through more than %u links",
						      link->target, IGFS_MAX_SYMLINKS);
				int rc = resolve(p, link, cur, p->r[k].target, depth + 1, &k);
				if (rc)
					return rc;
			}
			cur = k;
		}
		c += n;
	}
	*out = cur;
	return 0;
}

static int check_links(const struct packer *p)
{
	for (uint32_t k = 0; k < p->n; k++) {
		const struct rec *r = &p->r[p->order[k]];
		uint32_t got;
		if ((r->mode & IGFS_S_IFMT) == IGFS_S_IFLNK) {
			int rc = resolve(p, r, r->parent, r->target, 1, &got);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* ---- the image --------------------------------------------------------------------------------- */

static int write_image(struct packer *p, struct build_fs *out)
{
	uint64_t strings = 0;
	for (uint32_t k = 0; k < p->n; k++)
		strings += p->r[p->order[k]].name_len + p->r[p->order[k]].target_len;
	uint64_t strings_off = sizeof(struct igfs_header) + (uint64_t)p->n * sizeof(struct igfs_entry);
	uint64_t data_off = page_up(strings_off + strings);
	uint64_t data = 0;
	for (uint32_t k = 0; k < p->n; k++) {
		struct rec *r = &p->r[p->order[k]];
		if (r->blob == NONE || p->b[r->blob].placed)
			continue;
		p->b[r->blob].off = data;
		p->b[r->blob].placed = true;
		data += page_up(p->b[r->blob].size);
	}
	if (strings > UINT32_MAX || data_off > IGFS_MAX_IMAGE || data > IGFS_MAX_IMAGE - data_off) {
		ib_err("%s: fs.size-limit: the packed filesystem would be %llu bytes, more than %llu", p->input,
		       (unsigned long long)(data_off + data), (unsigned long long)IGFS_MAX_IMAGE);
		return IB_EXIT_INVALID;
	}
	size_t len = (size_t)(data_off + data);
	uint8_t *img = calloc(1, len);
	if (!img)
		return oom();
	struct igfs_header h = {
		.magic = IGFS_MAGIC, .version = IGFS_VERSION, .header_size = sizeof(h), .entry_count = p->n,
		.entry_size = sizeof(struct igfs_entry), .strings_offset = (uint32_t)strings_off,
		.strings_size = (uint32_t)strings, .data_offset = data_off, .data_size = data, .image_size = len,
	};
	memcpy(img, &h, sizeof(h));
	uint64_t s = 0;
	for (uint32_t k = 0; k < p->n; k++) {
		const struct rec *r = &p->r[p->order[k]];
		struct igfs_entry e = { .name_offset = (uint32_t)s, .name_len = (uint16_t)r->name_len, .mode = r->mode,
					.parent = k ? p->r[r->parent].index : 0 };
		memcpy(img + strings_off + s, r->name, r->name_len);
		s += r->name_len;
		if (k == 0)
			e.name_offset = 0;
		switch (r->mode & IGFS_S_IFMT) {
		case IGFS_S_IFDIR:
			e.offset = r->first_index;
			e.size = r->nkids;
			break;
		case IGFS_S_IFREG:
			if (r->blob != NONE && p->b[r->blob].size) {
				e.offset = p->b[r->blob].off;
				e.size = p->b[r->blob].size;
				memcpy(img + data_off + e.offset, p->b[r->blob].data, e.size);
			}
			break;
		default:
			e.offset = s;
			e.size = r->target_len;
			memcpy(img + strings_off + s, r->target, r->target_len);
			s += r->target_len;
			break;
		}
		memcpy(img + sizeof(h) + (size_t)k * sizeof(e), &e, sizeof(e));
	}
	/* The SVSM's reader must take what we write: run it. */
	struct igfs fs;
	int rc = igfs_init(&fs, img, len);
	if (rc) {
		ib_err("%s: internal error: the packed filesystem breaks %s (entry %u)", p->input, igfs_strerror(rc),
		       fs.bad_entry);
		free(img);
		return IB_EXIT_INTERNAL;
	}
	out->image = img;
	out->len = len;
	out->entries = p->n;
	out->dirs = fs.dirs;
	out->files = fs.files;
	out->symlinks = fs.symlinks;
	out->file_bytes = fs.file_bytes;
	return 0;
}

static int pack(struct packer *p, struct build_fs *out)
{
	int rc;
	if ((p->archive && (rc = join_hard_links(p))) || (rc = build_tree(p)) || (rc = check_links(p)))
		return rc;
	return write_image(p, out);
}

void build_fs_free(struct build_fs *fs)
{
	free(fs->image);
	memset(fs, 0, sizeof(*fs));
}

int build_fs_pack_cpio(const char *path, const uint8_t *data, size_t len, struct build_fs *out)
{
	struct packer p = { .input = path, .archive = true };
	memset(out, 0, sizeof(*out));
	out->archive = true;
	if (len >= 2 && data[0] == 0x1F && data[1] == 0x8B) {
		ib_err("%s: fs.cpio-magic: a gzip-compressed archive; give it uncompressed (zcat)", path);
		return IB_EXIT_INVALID;
	}
	if (len > IGFS_MAX_IMAGE) {
		ib_err("%s: fs.size-limit: the archive is larger than %llu bytes", path, (unsigned long long)IGFS_MAX_IMAGE);
		return IB_EXIT_INVALID;
	}
	int rc = read_cpio(&p, data, len);
	if (!rc)
		rc = pack(&p, out);
	packer_free(&p);
	return rc;
}

int build_fs_pack_dir(const char *path, struct build_fs *out)
{
	struct packer p = { .input = path };
	memset(out, 0, sizeof(*out));
	int rc = read_tree(&p);
	if (!rc)
		rc = pack(&p, out);
	packer_free(&p);
	return rc;
}
