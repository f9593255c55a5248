/* SPDX-License-Identifier: MIT */
/*
 * igfs.h — the packed filesystem the SVSM reads ("IGFS"): the on-image layout
 * shared by the builder (igvmbuild/build_fs.c writes it from a directory tree
 * or a cpio newc archive) and the SVSM's reader (svsm/fs/igfs.c).
 *
 * Freestanding: only <stdint.h>; every layout is pinned with _Static_assert.
 * Everything is little-endian. A reader trusts nothing here beyond what
 * svsm/fs/igfs.c checks (it validates the whole image once, then serves
 * lookups from the checked tables).
 *
 * ---- Why a format of our own, not cpio ----
 *   cpio newc is a stream: finding a file means walking every header before it,
 *   each with eleven ASCII-hex fields to parse and re-check, and nothing in it
 *   says "these entries are sorted and unique". The packer does that parsing
 *   once, on the host, where a refusal is a one-line error; the image carries
 *   tables a freestanding reader checks in one pass and then searches by binary
 *   search, and file data starts on a page boundary so a later kernel can map
 *   read-only file pages (program text) instead of copying them.
 *
 * ---- Layout (offsets from the image start, which is page aligned in the guest) ----
 *
 *   0                header (struct igfs_header, 64 bytes)
 *   64               entry table: entry_count × struct igfs_entry (32 bytes)
 *   strings_offset   string table: names and symlink targets, no terminators
 *   data_offset      file data (page aligned), each file's bytes at a page-aligned
 *                    offset, zero padded to the next page; data_size bytes
 *   image_size       = data_offset + data_size, a page multiple
 *
 * ---- The tree ----
 *   Entry 0 is the root directory (empty name, parent 0). Every directory's
 *   children are contiguous in the entry table, sorted by name (bytewise, a
 *   prefix first), with no two equal: [first_child, first_child + child_count).
 *   The directories' child blocks follow one another in the order of the
 *   directories themselves (breadth first): the first directory's block starts
 *   at entry 1, each next block starts where the previous one ended, and the
 *   blocks together cover entries 1 .. entry_count-1 exactly once. A child's
 *   `parent` names its directory, which always has a smaller index. So the
 *   table is a tree by construction, with no cycles and no entry listed twice.
 *
 *   Names: 1..IGFS_NAME_MAX bytes, no '/', no NUL, not "." or "..". The full
 *   path of an entry ("/" + names joined by "/") is at most IGFS_PATH_MAX bytes
 *   (the builder enforces it; a reader that prints paths checks its buffer).
 *
 *   mode: the Linux st_mode value: type (IGFS_S_IFDIR, IGFS_S_IFREG,
 *   IGFS_S_IFLNK) | permission bits (0777 at most). The builder normalises
 *   them: directories 0755, files 0755 when the owner could execute the
 *   source, else 0644, symlinks 0777. No owners, no times: the format has no
 *   field for them, so the same input packs to the same bytes anywhere, at
 *   any time (SOURCE_DATE_EPOCH has nothing to clamp).
 *
 *   Directory: offset = index of its first child, size = number of children
 *     (offset is 0 when size is 0).
 *   Regular file: offset = byte offset of its data from data_offset, a page
 *     multiple; size = bytes. Empty files have offset 0. Several entries may
 *     share the same data (hard links in the archive).
 *   Symlink: offset = offset of the target in the string table, size = its
 *     length (1..IGFS_PATH_MAX, no NUL). Targets resolve inside this
 *     filesystem only: absolute ones from its root; ".." at the root stays
 *     there (a reader never leaves the image). The builder refuses a link
 *     that would climb above the root, that dangles or that loops.
 */
#ifndef IGVMBUILD_FORMAT_IGFS_H
#define IGVMBUILD_FORMAT_IGFS_H

#include <stdint.h>

#define IGFS_MAGIC   0x53464749u /* "IGFS" little-endian */
#define IGFS_VERSION 1u
#define IGFS_PAGE    4096u

#define IGFS_NAME_MAX       255u     /* bytes of one name */
#define IGFS_PATH_MAX       1024u    /* bytes of a full path or a symlink target */
#define IGFS_MAX_ENTRIES    65536u   /* root included */
#define IGFS_MAX_IMAGE      (256ull << 20) /* whole image, bytes */
#define IGFS_MAX_SYMLINKS   8u       /* links followed in one lookup (ELOOP past it) */

#define IGFS_S_IFMT   0170000u
#define IGFS_S_IFDIR  0040000u
#define IGFS_S_IFREG  0100000u
#define IGFS_S_IFLNK  0120000u
#define IGFS_S_PERM   0000777u

struct igfs_header {
	uint32_t magic;          /* 0x00 IGFS_MAGIC */
	uint16_t version;        /* 0x04 IGFS_VERSION */
	uint16_t header_size;    /* 0x06 sizeof(struct igfs_header) */
	uint32_t entry_count;    /* 0x08 1..IGFS_MAX_ENTRIES, root included */
	uint16_t entry_size;     /* 0x0C sizeof(struct igfs_entry) */
	uint16_t flags;          /* 0x0E zero */
	uint32_t strings_offset; /* 0x10 = header_size + entry_count * entry_size */
	uint32_t strings_size;   /* 0x14 bytes */
	uint64_t data_offset;    /* 0x18 page aligned, >= strings_offset + strings_size */
	uint64_t data_size;      /* 0x20 page multiple */
	uint64_t image_size;     /* 0x28 data_offset + data_size */
	uint64_t reserved[2];    /* 0x30 zero */
};

struct igfs_entry {
	uint32_t name_offset; /* 0x00 into the string table */
	uint16_t name_len;    /* 0x04 0 for the root only */
	uint16_t mode;        /* 0x06 IGFS_S_IF* | permission bits */
	uint32_t parent;      /* 0x08 index of the directory holding it; root: 0 */
	uint32_t reserved;    /* 0x0C zero */
	uint64_t offset;      /* 0x10 directory: first child; file: data offset; symlink: target offset */
	uint64_t size;        /* 0x18 directory: child count; file: bytes; symlink: target length */
};

_Static_assert(sizeof(struct igfs_header) == 64, "IGFS header is 64 bytes");
_Static_assert(__builtin_offsetof(struct igfs_header, entry_count) == 0x08, "");
_Static_assert(__builtin_offsetof(struct igfs_header, strings_offset) == 0x10, "");
_Static_assert(__builtin_offsetof(struct igfs_header, data_offset) == 0x18, "");
_Static_assert(__builtin_offsetof(struct igfs_header, image_size) == 0x28, "");
_Static_assert(__builtin_offsetof(struct igfs_header, reserved) == 0x30, "");
_Static_assert(sizeof(struct igfs_entry) == 32, "IGFS entry is 32 bytes");
_Static_assert(__builtin_offsetof(struct igfs_entry, parent) == 0x08, "");
_Static_assert(__builtin_offsetof(struct igfs_entry, offset) == 0x10, "");
_Static_assert(__builtin_offsetof(struct igfs_entry, size) == 0x18, "");
/* The largest entry table still has its offsets in 32 bits. */
_Static_assert(64ull + (uint64_t)IGFS_MAX_ENTRIES * 32u < (1ull << 32), "");

#endif /* IGVMBUILD_FORMAT_IGFS_H */
