/* SPDX-License-Identifier: MIT */
/*
 * igfs.c — see igfs.h. Reads through byte copies: the image need not be
 * aligned (a fuzzer's buffer is not), and no field is read twice in a way
 * that could disagree with its check (the image is read-only after the
 * builder, but a reader should not depend on it).
 */
#include "igfs.h"

#include "../lib/string.h"

static void get_entry(const struct igfs *fs, uint32_t i, struct igfs_entry *e)
{
	memcpy(e, fs->base + sizeof(struct igfs_header) + (uint64_t)i * sizeof(*e), sizeof(*e));
}

static const char *str_at(const struct igfs *fs, uint64_t off)
{
	return (const char *)fs->base + fs->strings_off + off;
}

static bool in_area(uint64_t off, uint64_t len, uint64_t area)
{
	return off <= area && len <= area - off;
}

/* Bytewise, a prefix first: the order the builder sorts by. */
static int name_cmp(const char *a, uint64_t alen, const char *b, uint64_t blen)
{
	uint64_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int check_header(struct igfs *fs, const struct igfs_header *h, uint64_t size)
{
	if (h->magic != IGFS_MAGIC)
		return IGFS_E_MAGIC;
	if (h->version != IGFS_VERSION)
		return IGFS_E_VERSION;
	if (h->header_size != sizeof(struct igfs_header) || h->entry_size != sizeof(struct igfs_entry) || h->flags ||
	    h->reserved[0] || h->reserved[1])
		return IGFS_E_LAYOUT;
	if (h->entry_count == 0 || h->entry_count > IGFS_MAX_ENTRIES)
		return IGFS_E_ENTRIES;
	if (h->image_size > size)
		return IGFS_E_TRUNCATED;
	if (h->image_size != size || size > IGFS_MAX_IMAGE)
		return IGFS_E_LAYOUT;
	uint64_t strings = sizeof(*h) + (uint64_t)h->entry_count * sizeof(struct igfs_entry);
	if (h->strings_offset != strings || strings + h->strings_size > h->data_offset)
		return IGFS_E_LAYOUT;
	if (h->data_offset % IGFS_PAGE || h->data_size % IGFS_PAGE || h->data_offset > size ||
	    h->data_size != size - h->data_offset)
		return IGFS_E_LAYOUT;
	fs->count = h->entry_count;
	fs->strings_off = h->strings_offset;
	fs->strings_size = h->strings_size;
	fs->data_off = h->data_offset;
	fs->data_size = h->data_size;
	return IGFS_OK;
}

/* Everything about one entry that needs no other entry. */
static int check_entry(struct igfs *fs, uint32_t i, const struct igfs_entry *e)
{
	if (e->reserved)
		return IGFS_E_LAYOUT;
	uint16_t type = e->mode & IGFS_S_IFMT;
	if ((e->mode & ~(IGFS_S_IFMT | IGFS_S_PERM)) ||
	    (type != IGFS_S_IFDIR && type != IGFS_S_IFREG && type != IGFS_S_IFLNK))
		return IGFS_E_MODE;
	if (i == 0) {
		if (type != IGFS_S_IFDIR || e->parent != 0)
			return IGFS_E_TREE;
		if (e->name_len || e->name_offset)
			return IGFS_E_NAME;
	} else {
		if (e->name_len == 0 || e->name_len > IGFS_NAME_MAX || !in_area(e->name_offset, e->name_len, fs->strings_size))
			return IGFS_E_NAME;
		const char *n = str_at(fs, e->name_offset);
		for (uint32_t k = 0; k < e->name_len; k++)
			if (n[k] == '/' || n[k] == 0)
				return IGFS_E_NAME;
		if (n[0] == '.' && (e->name_len == 1 || (e->name_len == 2 && n[1] == '.')))
			return IGFS_E_NAME;
		if (e->parent >= i)
			return IGFS_E_TREE;
	}
	switch (type) {
	case IGFS_S_IFDIR:
		fs->dirs++;
		if (e->size == 0 ? e->offset != 0 : (e->offset <= i || !in_area(e->offset, e->size, fs->count)))
			return IGFS_E_TREE;
		break;
	case IGFS_S_IFREG:
		fs->files++;
		fs->file_bytes += e->size;
		if (e->offset % IGFS_PAGE || !in_area(e->offset, e->size, fs->data_size) || (e->size == 0 && e->offset))
			return IGFS_E_EXTENT;
		break;
	default:
		fs->symlinks++;
		if (e->size == 0 || e->size > IGFS_PATH_MAX || !in_area(e->offset, e->size, fs->strings_size))
			return IGFS_E_LINK;
		for (uint64_t k = 0; k < e->size; k++)
			if (str_at(fs, e->offset)[k] == 0)
				return IGFS_E_LINK;
		break;
	}
	return IGFS_OK;
}

int igfs_init(struct igfs *fs, const void *image, uint64_t size)
{
	struct igfs_header h;
	memset(fs, 0, sizeof(*fs));
	fs->bad_entry = UINT32_MAX;
	if (!image || size < sizeof(h))
		return IGFS_E_TRUNCATED;
	memcpy(&h, image, sizeof(h));
	fs->base = image;
	fs->size = size;
	int rc = check_header(fs, &h, size);
	if (rc)
		return rc;

	struct igfs_entry e, c, prev;
	memset(&prev, 0, sizeof(prev));
	for (uint32_t i = 0; i < fs->count; i++) {
		get_entry(fs, i, &e);
		if ((rc = check_entry(fs, i, &e))) {
			fs->bad_entry = i;
			return rc;
		}
	}
	/* The child blocks tile [1, count) in directory order, each child names its block's owner. */
	uint64_t next = 1;
	for (uint32_t i = 0; i < fs->count; i++) {
		get_entry(fs, i, &e);
		if (!igfs_is_dir(e.mode) || e.size == 0)
			continue;
		if (e.offset != next) {
			fs->bad_entry = i;
			return IGFS_E_TREE;
		}
		for (uint64_t j = e.offset; j < e.offset + e.size; j++) {
			get_entry(fs, (uint32_t)j, &c);
			if (c.parent != i) {
				fs->bad_entry = (uint32_t)j;
				return IGFS_E_TREE;
			}
			if (j > e.offset && name_cmp(str_at(fs, prev.name_offset), prev.name_len, str_at(fs, c.name_offset),
						     c.name_len) >= 0) {
				fs->bad_entry = (uint32_t)j;
				return IGFS_E_ORDER;
			}
			prev = c;
		}
		next = e.offset + e.size;
	}
	if (next != fs->count) {
		fs->bad_entry = (uint32_t)next;
		return IGFS_E_TREE;
	}
	fs->bad_entry = UINT32_MAX;
	return IGFS_OK;
}

const char *igfs_strerror(int err)
{
	switch (err) {
	case IGFS_OK: return "ok";
	case IGFS_E_TRUNCATED: return "igfs.truncated: the image is shorter than its header says";
	case IGFS_E_MAGIC: return "igfs.magic: not an IGFS image";
	case IGFS_E_VERSION: return "igfs.version: unknown version";
	case IGFS_E_LAYOUT: return "igfs.layout: header, table or area bounds, or a reserved field";
	case IGFS_E_ENTRIES: return "igfs.entries: no entries, or more than the limit";
	case IGFS_E_NAME: return "igfs.name: a bad name";
	case IGFS_E_MODE: return "igfs.mode: not a directory, regular file or symlink";
	case IGFS_E_TREE: return "igfs.tree: directory blocks or parent links do not form the tree";
	case IGFS_E_ORDER: return "igfs.order: a directory's names are unsorted or repeated";
	case IGFS_E_EXTENT: return "igfs.extent: file data outside the data area or unaligned";
	case IGFS_E_LINK: return "igfs.link: a bad symlink target";
	case IGFS_E_NOENT: return "no such file or directory";
	case IGFS_E_NOTDIR: return "not a directory";
	case IGFS_E_ISDIR: return "is a directory";
	case IGFS_E_LOOP: return "too many levels of symbolic links";
	case IGFS_E_NAMETOOLONG: return "name too long";
	case IGFS_E_INVAL: return "invalid argument";
	}
	return "unknown error";
}

static int get(const struct igfs *fs, uint32_t ino, struct igfs_entry *e)
{
	if (!fs->base || ino >= fs->count)
		return IGFS_E_INVAL;
	get_entry(fs, ino, e);
	return IGFS_OK;
}

/* Binary search of dir's children for a name. */
static int find_child(const struct igfs *fs, const struct igfs_entry *dir, const char *name, uint64_t len,
		      uint32_t *out)
{
	uint64_t lo = dir->offset, hi = dir->offset + dir->size;
	struct igfs_entry c;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		get_entry(fs, (uint32_t)mid, &c);
		int r = name_cmp(name, len, str_at(fs, c.name_offset), c.name_len);
		if (r == 0) {
			*out = (uint32_t)mid;
			return IGFS_OK;
		}
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return IGFS_E_NOENT;
}

struct pathseg {
	const char *p;
	uint64_t len;
};

static void skip_slashes(struct pathseg *s)
{
	while (s->len && s->p[0] == '/') {
		s->p++;
		s->len--;
	}
}

int igfs_lookup(const struct igfs *fs, const char *path, uint64_t len, bool follow_last, uint32_t *ino)
{
	if (!fs->base)
		return IGFS_E_INVAL;
	if (len == 0)
		return IGFS_E_NOENT;
	if (len > IGFS_PATH_MAX)
		return IGFS_E_NAMETOOLONG;
	/* Pending path text, innermost symlink target on top. */
	struct pathseg st[IGFS_MAX_SYMLINKS + 1];
	int top = 0;
	unsigned links = 0;
	st[0] = (struct pathseg){ path, len };
	uint32_t cur = 0;
	struct igfs_entry e, c;
	get_entry(fs, 0, &e);
	while (top >= 0) {
		struct pathseg *s = &st[top];
		skip_slashes(s);
		if (!s->len) {
			top--;
			continue;
		}
		uint64_t n = 0;
		while (n < s->len && s->p[n] != '/')
			n++;
		const char *name = s->p;
		s->p += n;
		s->len -= n;
		/* The last component when nothing but slashes follows, here and below. */
		bool slash = s->len != 0, last = true;
		for (int k = top; k >= 0 && last; k--) {
			struct pathseg t = st[k];
			bool had = t.len != 0;
			skip_slashes(&t);
			if (t.len)
				last = false;
			else if (had && k != top)
				slash = true;
		}
		if (n > IGFS_NAME_MAX)
			return IGFS_E_NAMETOOLONG;
		if (!igfs_is_dir(e.mode))
			return IGFS_E_NOTDIR;
		if (n == 1 && name[0] == '.')
			continue;
		if (n == 2 && name[0] == '.' && name[1] == '.') {
			cur = e.parent;
			get_entry(fs, cur, &e);
			continue;
		}
		uint32_t child;
		int rc = find_child(fs, &e, name, n, &child);
		if (rc)
			return rc;
		get_entry(fs, child, &c);
		if (igfs_is_lnk(c.mode) && (!last || follow_last || slash)) {
			if (++links > IGFS_MAX_SYMLINKS)
				return IGFS_E_LOOP;
			const char *t = str_at(fs, c.offset);
			if (t[0] == '/') {
				cur = 0;
				get_entry(fs, 0, &e);
			}
			st[++top] = (struct pathseg){ t, c.size };
			continue;
		}
		cur = child;
		e = c;
		if (last && slash && !igfs_is_dir(e.mode))
			return IGFS_E_NOTDIR;
	}
	*ino = cur;
	return IGFS_OK;
}

int igfs_stat(const struct igfs *fs, uint32_t ino, struct igfs_stat *st)
{
	struct igfs_entry e;
	int rc = get(fs, ino, &e);
	if (rc)
		return rc;
	st->ino = ino;
	st->mode = e.mode;
	st->parent = e.parent;
	st->size = e.size;
	return IGFS_OK;
}

int igfs_file_data(const struct igfs *fs, uint32_t ino, const uint8_t **data, uint64_t *size)
{
	struct igfs_entry e;
	int rc = get(fs, ino, &e);
	if (rc)
		return rc;
	if (igfs_is_dir(e.mode))
		return IGFS_E_ISDIR;
	if (!igfs_is_reg(e.mode))
		return IGFS_E_INVAL;
	*data = e.size ? fs->base + fs->data_off + e.offset : NULL;
	*size = e.size;
	return IGFS_OK;
}

int igfs_read(const struct igfs *fs, uint32_t ino, uint64_t off, void *buf, uint64_t len, uint64_t *done)
{
	const uint8_t *d;
	uint64_t size;
	int rc = igfs_file_data(fs, ino, &d, &size);
	if (rc)
		return rc;
	*done = 0;
	if (off >= size)
		return IGFS_OK;
	uint64_t n = size - off < len ? size - off : len;
	if (n)
		memcpy(buf, d + off, n);
	*done = n;
	return IGFS_OK;
}

int igfs_readdir(const struct igfs *fs, uint32_t dir, uint64_t index, uint32_t *child)
{
	struct igfs_entry e;
	int rc = get(fs, dir, &e);
	if (rc)
		return rc;
	if (!igfs_is_dir(e.mode))
		return IGFS_E_NOTDIR;
	if (index >= e.size)
		return IGFS_E_NOENT;
	*child = (uint32_t)(e.offset + index);
	return IGFS_OK;
}

int igfs_name(const struct igfs *fs, uint32_t ino, const char **name, uint32_t *len)
{
	struct igfs_entry e;
	int rc = get(fs, ino, &e);
	if (rc)
		return rc;
	*name = str_at(fs, e.name_offset);
	*len = e.name_len;
	return IGFS_OK;
}

int igfs_readlink(const struct igfs *fs, uint32_t ino, const char **target, uint32_t *len)
{
	struct igfs_entry e;
	int rc = get(fs, ino, &e);
	if (rc)
		return rc;
	if (!igfs_is_lnk(e.mode))
		return IGFS_E_INVAL;
	*target = str_at(fs, e.offset);
	*len = (uint32_t)e.size;
	return IGFS_OK;
}

int igfs_path(const struct igfs *fs, uint32_t ino, char *buf, uint64_t bufsize)
{
	struct igfs_entry e;
	int rc = get(fs, ino, &e);
	if (rc)
		return rc;
	if (bufsize < 2)
		return IGFS_E_NAMETOOLONG;
	if (ino == 0) {
		buf[0] = '/';
		buf[1] = 0;
		return IGFS_OK;
	}
	/* Names from the leaf up, written right to left; parents have smaller indices, so this ends. */
	uint64_t pos = bufsize - 1;
	buf[pos] = 0;
	while (ino != 0) {
		if (pos < (uint64_t)e.name_len + 1)
			return IGFS_E_NAMETOOLONG;
		pos -= e.name_len;
		memcpy(buf + pos, str_at(fs, e.name_offset), e.name_len);
		buf[--pos] = '/';
		ino = e.parent;
		get_entry(fs, ino, &e);
	}
	memmove(buf, buf + pos, bufsize - pos);
	return IGFS_OK;
}
