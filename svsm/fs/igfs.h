/* SPDX-License-Identifier: MIT */
/*
 * igfs.h — reader of the packed filesystem (format/igfs.h) the builder puts in
 * the SVSM's measured pages.
 *
 * Portable, freestanding C (no allocation, no libc beyond memcpy/memcmp): the
 * SVSM runs it on the image in its kernel region, the host runs the same file
 * in unit tests, the fuzzer and `igvmbuild inspect`.
 *
 * igfs_init() validates the whole image once (every header field, every entry,
 * the tree shape, every extent and link target bound) and fails with a named
 * rule and the entry it found broken; after it succeeds, every other call is
 * bounded by construction and needs no further checks of the image. Inodes
 * are entry indices (0 is the root). Nothing here writes to the image, so one
 * validated `struct igfs` may be read by several CPUs at once.
 *
 * The calls the ring-3 system-call layer needs: igfs_lookup() (open by path,
 * following symlinks), igfs_stat() (type, mode, size), igfs_read() or
 * igfs_file_data() (read; the latter hands out a pointer into the image for
 * copy_to_user or page mapping: file data is page aligned in the image),
 * igfs_readdir() (list), igfs_readlink(), igfs_path().
 */
#ifndef SVSM_FS_IGFS_H
#define SVSM_FS_IGFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../format/igfs.h"

enum igfs_err {
	IGFS_OK = 0,
	/* image rules (igfs_init) */
	IGFS_E_TRUNCATED = -1, /* shorter than its header, or than its image_size */
	IGFS_E_MAGIC = -2,
	IGFS_E_VERSION = -3,
	IGFS_E_LAYOUT = -4,  /* header/entry size, flags, reserved fields, table or area bounds */
	IGFS_E_ENTRIES = -5, /* entry_count 0 or above IGFS_MAX_ENTRIES */
	IGFS_E_NAME = -6,    /* empty, too long, '/', NUL, ".", "..", outside the string table */
	IGFS_E_MODE = -7,    /* not a directory, regular file or symlink, or bits beyond 0777 */
	IGFS_E_TREE = -8,    /* child blocks out of order or bounds, parent links wrong, root wrong */
	IGFS_E_ORDER = -9,   /* a directory's children unsorted or a name twice */
	IGFS_E_EXTENT = -10, /* file data outside the data area or not page aligned */
	IGFS_E_LINK = -11,   /* symlink target empty, too long, with NUL, outside the string table */
	/* lookups */
	IGFS_E_NOENT = -12,
	IGFS_E_NOTDIR = -13,
	IGFS_E_ISDIR = -14,
	IGFS_E_LOOP = -15,        /* more than IGFS_MAX_SYMLINKS links in one lookup */
	IGFS_E_NAMETOOLONG = -16, /* a path, a name or an output buffer too long or short */
	IGFS_E_INVAL = -17,       /* inode out of range, or the wrong type for the call */
};

struct igfs {
	const uint8_t *base;
	uint64_t size;
	uint32_t count;
	uint64_t strings_off, strings_size;
	uint64_t data_off, data_size;
	/* summary, for logs */
	uint32_t dirs, files, symlinks;
	uint64_t file_bytes;
	/* after a failed igfs_init: the entry that broke the rule, or UINT32_MAX for the header */
	uint32_t bad_entry;
};

struct igfs_stat {
	uint32_t ino;
	uint16_t mode;   /* IGFS_S_IF* | permissions */
	uint32_t parent; /* ino of the directory holding it (the root's is 0) */
	uint64_t size;   /* file: bytes; directory: entries; symlink: target length */
};

/* Validates `size` bytes at `image` (which must stay mapped and unchanged while *fs is used). */
int igfs_init(struct igfs *fs, const void *image, uint64_t size);
const char *igfs_strerror(int err);

/*
 * Resolves `path` (len bytes, no terminator needed; at most IGFS_PATH_MAX) from the
 * root: "/" or nothing before the first name, empty and "." components skipped,
 * ".." to the parent (the root's is itself). Symlinks are followed on the way and,
 * when follow_last (or the path ends in '/'), at the end too. A path ending in '/'
 * must name a directory.
 */
int igfs_lookup(const struct igfs *fs, const char *path, uint64_t len, bool follow_last, uint32_t *ino);
int igfs_stat(const struct igfs *fs, uint32_t ino, struct igfs_stat *st);
static inline bool igfs_is_dir(uint16_t mode) { return (mode & IGFS_S_IFMT) == IGFS_S_IFDIR; }
static inline bool igfs_is_reg(uint16_t mode) { return (mode & IGFS_S_IFMT) == IGFS_S_IFREG; }
static inline bool igfs_is_lnk(uint16_t mode) { return (mode & IGFS_S_IFMT) == IGFS_S_IFLNK; }

/* Copies up to len bytes from offset off of a regular file; *done = bytes copied (0 at or past the end). */
int igfs_read(const struct igfs *fs, uint32_t ino, uint64_t off, void *buf, uint64_t len, uint64_t *done);
/* The file's bytes in the image (page aligned; NULL for an empty file). */
int igfs_file_data(const struct igfs *fs, uint32_t ino, const uint8_t **data, uint64_t *size);
/* The index-th entry of directory `dir` (sorted by name); IGFS_E_NOENT past the last. */
int igfs_readdir(const struct igfs *fs, uint32_t dir, uint64_t index, uint32_t *child);
/* An entry's own name (the root's is empty); not NUL-terminated. */
int igfs_name(const struct igfs *fs, uint32_t ino, const char **name, uint32_t *len);
int igfs_readlink(const struct igfs *fs, uint32_t ino, const char **target, uint32_t *len);
/* The full path ("/", "/bin/init") into buf, NUL-terminated; IGFS_E_NAMETOOLONG when it does not fit. */
int igfs_path(const struct igfs *fs, uint32_t ino, char *buf, uint64_t bufsize);

#endif
