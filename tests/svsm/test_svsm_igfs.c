/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_igfs.c — host tests of the packed filesystem's reader (svsm/fs/igfs.c):
 * lookups (symlinks, "..", trailing slashes, loops, limits), reads, listing, and
 * one corrupted image per validation rule, each refused with its error and entry.
 *
 * The images are written here by a small writer that knows only format/igfs.h,
 * independently of the builder's packer (tests/cli/t0250-filesystem.sh covers that).
 */
#include "../unit/tap.h"

#include <stdlib.h>

#include "../../svsm/fs/igfs.h"

struct spec {
	const char *name;
	uint16_t mode;
	uint32_t parent;
	uint32_t first, nkids; /* directories */
	const char *content;   /* files: bytes (size = len, or `size` when set) ; symlinks: target */
	uint64_t size;
};

/*
 *   /            dir: bin etc etcl lnk loop
 *   /bin         dir: init sh
 *   /etc         dir: big motd
 *   /etcl -> etc, /lnk -> /etc/motd, /loop -> loop
 *   /bin/init    "hello"        /bin/sh -> init
 *   /etc/big     5000 bytes     /etc/motd "hi\n"
 */
static const struct spec tree[] = {
	{ "", IGFS_S_IFDIR | 0755, 0, 1, 5, NULL, 0 },
	{ "bin", IGFS_S_IFDIR | 0755, 0, 6, 2, NULL, 0 },
	{ "etc", IGFS_S_IFDIR | 0755, 0, 8, 2, NULL, 0 },
	{ "etcl", IGFS_S_IFLNK | 0777, 0, 0, 0, "etc", 0 },
	{ "lnk", IGFS_S_IFLNK | 0777, 0, 0, 0, "/etc/motd", 0 },
	{ "loop", IGFS_S_IFLNK | 0777, 0, 0, 0, "loop", 0 },
	{ "init", IGFS_S_IFREG | 0755, 1, 0, 0, "hello", 0 },
	{ "sh", IGFS_S_IFLNK | 0777, 1, 0, 0, "init", 0 },
	{ "big", IGFS_S_IFREG | 0644, 2, 0, 0, NULL, 5000 },
	{ "motd", IGFS_S_IFREG | 0644, 2, 0, 0, "hi\n", 0 },
};
#define NT (sizeof(tree) / sizeof(tree[0]))

static uint64_t up(uint64_t v)
{
	return (v + 4095) / 4096 * 4096;
}

/* Writes the spec as an image; *len receives its size. */
static uint8_t *write_image(const struct spec *s, uint32_t n, size_t *len)
{
	uint64_t strings = 0, data = 0;
	for (uint32_t i = 0; i < n; i++) {
		strings += strlen(s[i].name);
		if ((s[i].mode & IGFS_S_IFMT) == IGFS_S_IFLNK)
			strings += strlen(s[i].content);
		if ((s[i].mode & IGFS_S_IFMT) == IGFS_S_IFREG)
			data += up(s[i].size ? s[i].size : strlen(s[i].content));
	}
	uint64_t so = 64 + 32ull * n, doff = up(so + strings);
	*len = doff + data;
	uint8_t *img = calloc(1, *len);
	struct igfs_header h = { IGFS_MAGIC, IGFS_VERSION, 64, n, 32, 0, (uint32_t)so, (uint32_t)strings, doff, data,
				 doff + data, { 0, 0 } };
	memcpy(img, &h, sizeof(h));
	uint64_t sp = 0, dp = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct igfs_entry e = { (uint32_t)sp, (uint16_t)strlen(s[i].name), s[i].mode, s[i].parent, 0, 0, 0 };
		memcpy(img + so + sp, s[i].name, e.name_len);
		sp += e.name_len;
		switch (s[i].mode & IGFS_S_IFMT) {
		case IGFS_S_IFDIR:
			e.offset = s[i].first;
			e.size = s[i].nkids;
			break;
		case IGFS_S_IFREG:
			e.size = s[i].size ? s[i].size : strlen(s[i].content);
			e.offset = e.size ? dp : 0;
			for (uint64_t k = 0; k < e.size; k++)
				img[doff + dp + k] = s[i].content ? (uint8_t)s[i].content[k] : (uint8_t)(k * 7 + 1);
			dp += up(e.size);
			break;
		default:
			e.offset = sp;
			e.size = strlen(s[i].content);
			memcpy(img + so + sp, s[i].content, e.size);
			sp += e.size;
		}
		memcpy(img + 64 + 32ull * i, &e, sizeof(e));
	}
	return img;
}

static uint32_t look(const struct igfs *fs, const char *p, bool follow, int *rc)
{
	uint32_t ino = UINT32_MAX;
	*rc = igfs_lookup(fs, p, strlen(p), follow, &ino);
	return ino;
}

static void test_lookups(void)
{
	size_t len;
	uint8_t *img = write_image(tree, NT, &len);
	struct igfs fs;
	int rc = igfs_init(&fs, img, len);
	is_u64(rc, IGFS_OK, "a well-formed image is accepted");
	ok(fs.count == NT && fs.dirs == 3 && fs.files == 3 && fs.symlinks == 4 && fs.file_bytes == 5008,
	   "counts: %u entries, %u dirs, %u files, %u links, %llu bytes", fs.count, fs.dirs, fs.files, fs.symlinks,
	   (unsigned long long)fs.file_bytes);

	static const struct {
		const char *path;
		bool follow;
		int rc;
		uint32_t ino;
	} cases[] = {
		{ "/", true, IGFS_OK, 0 },
		{ "/bin/init", true, IGFS_OK, 6 },
		{ "bin/init", true, IGFS_OK, 6 },
		{ "//bin///init", true, IGFS_OK, 6 },
		{ "/bin/./init", true, IGFS_OK, 6 },
		{ "/bin/../bin/init", true, IGFS_OK, 6 },
		{ "/../../bin/init", true, IGFS_OK, 6 },
		{ "/bin/", true, IGFS_OK, 1 },
		{ "/bin/sh", true, IGFS_OK, 6 },
		{ "/bin/sh", false, IGFS_OK, 7 },
		{ "/lnk", true, IGFS_OK, 9 },
		{ "/lnk", false, IGFS_OK, 4 },
		{ "/etcl/motd", false, IGFS_OK, 9 },
		{ "/etcl/", false, IGFS_OK, 2 },
		{ "/etcl/../bin/sh", true, IGFS_OK, 6 },
		{ "/bin/init/", true, IGFS_E_NOTDIR, 0 },
		{ "/bin/init/x", true, IGFS_E_NOTDIR, 0 },
		{ "/bin/init/.", true, IGFS_E_NOTDIR, 0 },
		{ "/lnk/", true, IGFS_E_NOTDIR, 0 },
		{ "/nope", true, IGFS_E_NOENT, 0 },
		{ "/bin/ini", true, IGFS_E_NOENT, 0 },
		{ "/bin/initx", true, IGFS_E_NOENT, 0 },
		{ "", true, IGFS_E_NOENT, 0 },
		{ "/loop", true, IGFS_E_LOOP, 0 },
		{ "/loop", false, IGFS_OK, 5 },
		{ "/loop/x", false, IGFS_E_LOOP, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t ino = look(&fs, cases[i].path, cases[i].follow, &rc);
		ok(rc == cases[i].rc && (rc || ino == cases[i].ino), "lookup '%s'%s: %s, entry %u", cases[i].path,
		   cases[i].follow ? "" : " (no follow)", igfs_strerror(rc), rc ? 0 : ino);
	}
	char name[300];
	memset(name, 'a', 256);
	name[0] = '/';
	name[257] = 0;
	name[256] = 'a';
	look(&fs, name, true, &rc);
	is_u64(rc, IGFS_E_NAMETOOLONG, "a 256-byte name is too long");
	char *longp = malloc(IGFS_PATH_MAX + 2);
	memset(longp, '/', IGFS_PATH_MAX + 1);
	longp[IGFS_PATH_MAX + 1] = 0;
	look(&fs, longp, true, &rc);
	is_u64(rc, IGFS_E_NAMETOOLONG, "a path over IGFS_PATH_MAX is too long");
	longp[IGFS_PATH_MAX] = 0;
	ok(look(&fs, longp, true, &rc) == 0 && rc == 0, "a path of IGFS_PATH_MAX slashes is the root");
	free(longp);

	/* reads */
	uint8_t buf[8192];
	uint64_t done = 99;
	ok(!igfs_read(&fs, 6, 0, buf, sizeof(buf), &done) && done == 5 && !memcmp(buf, "hello", 5), "read a whole file");
	ok(!igfs_read(&fs, 6, 3, buf, 1, &done) && done == 1 && buf[0] == 'l', "read one byte at an offset");
	ok(!igfs_read(&fs, 6, 5, buf, 10, &done) && done == 0, "read at the end gives 0 bytes");
	ok(!igfs_read(&fs, 6, UINT64_MAX, buf, 10, &done) && done == 0, "read far past the end gives 0 bytes");
	ok(!igfs_read(&fs, 8, 4090, buf, 100, &done) && done == 100 && buf[0] == (uint8_t)(4090 * 7 + 1) &&
		   buf[99] == (uint8_t)(4189 * 7 + 1), "read across a page boundary");
	is_u64(igfs_read(&fs, 1, 0, buf, 1, &done), IGFS_E_ISDIR, "read of a directory");
	is_u64(igfs_read(&fs, 7, 0, buf, 1, &done), IGFS_E_INVAL, "read of a symlink");
	is_u64(igfs_read(&fs, NT, 0, buf, 1, &done), IGFS_E_INVAL, "read of an entry past the table");
	const uint8_t *d;
	uint64_t n;
	ok(!igfs_file_data(&fs, 9, &d, &n) && n == 3 && d && ((uintptr_t)(d - img) % 4096) == 0,
	   "file data is page aligned in the image");

	/* listing, names, links, paths, stat */
	uint32_t c, nl;
	const char *s;
	ok(!igfs_readdir(&fs, 0, 0, &c) && c == 1 && !igfs_readdir(&fs, 0, 4, &c) && c == 5, "readdir of the root");
	is_u64(igfs_readdir(&fs, 0, 5, &c), IGFS_E_NOENT, "readdir past the last entry");
	is_u64(igfs_readdir(&fs, 6, 0, &c), IGFS_E_NOTDIR, "readdir of a file");
	ok(!igfs_name(&fs, 8, &s, &nl) && nl == 3 && !memcmp(s, "big", 3), "name of an entry");
	ok(!igfs_name(&fs, 0, &s, &nl) && nl == 0, "the root's name is empty");
	ok(!igfs_readlink(&fs, 4, &s, &nl) && nl == 9 && !memcmp(s, "/etc/motd", 9), "readlink");
	is_u64(igfs_readlink(&fs, 6, &s, &nl), IGFS_E_INVAL, "readlink of a file");
	char p[64];
	ok(!igfs_path(&fs, 9, p, sizeof(p)) && !strcmp(p, "/etc/motd"), "path of an entry (%s)", p);
	ok(!igfs_path(&fs, 0, p, sizeof(p)) && !strcmp(p, "/"), "path of the root");
	ok(!igfs_path(&fs, 9, p, 10) && !strcmp(p, "/etc/motd"), "path into a buffer of exactly its size");
	is_u64(igfs_path(&fs, 9, p, 9), IGFS_E_NAMETOOLONG, "path into a buffer one byte short");
	is_u64(igfs_path(&fs, 0, p, 1), IGFS_E_NAMETOOLONG, "root path into a 1-byte buffer");
	struct igfs_stat st;
	ok(!igfs_stat(&fs, 6, &st) && st.mode == (IGFS_S_IFREG | 0755) && st.size == 5 && st.parent == 1, "stat");
	is_u64(igfs_stat(&fs, NT, &st), IGFS_E_INVAL, "stat past the table");
	struct igfs none;
	memset(&none, 0, sizeof(none));
	is_u64(igfs_lookup(&none, "/", 1, true, &c), IGFS_E_INVAL, "lookup on an unmounted reader");
	free(img);
}

/* ---- one broken image per rule ------------------------------------------------------------------ */

static uint8_t *base_img;
static size_t base_len;

static void put(uint8_t *img, size_t off, uint64_t v, int width)
{
	memcpy(img + off, &v, (size_t)width); /* little-endian host */
}

#define HDR(field) offsetof(struct igfs_header, field), sizeof(((struct igfs_header *)0)->field)
#define ENT(i, field) (64 + 32 * (i) + offsetof(struct igfs_entry, field)), sizeof(((struct igfs_entry *)0)->field)

static void expect(const char *what, size_t off, int width, uint64_t v, int want, uint32_t entry)
{
	uint8_t *img = malloc(base_len);
	memcpy(img, base_img, base_len);
	put(img, off, v, width);
	struct igfs fs;
	int rc = igfs_init(&fs, img, base_len);
	ok(rc == want && fs.bad_entry == entry, "%s: %s (entry %d)", what, igfs_strerror(rc),
	   fs.bad_entry == UINT32_MAX ? -1 : (int)fs.bad_entry);
	free(img);
}

static void test_rules(void)
{
	base_img = write_image(tree, NT, &base_len);
	const uint32_t H = UINT32_MAX;
	struct igfs fs;
	is_u64(igfs_init(&fs, base_img, 63), IGFS_E_TRUNCATED, "shorter than the header");
	is_u64(igfs_init(&fs, NULL, 64), IGFS_E_TRUNCATED, "no image");
	is_u64(igfs_init(&fs, base_img, base_len - 4096), IGFS_E_TRUNCATED, "shorter than image_size");
	uint8_t *longer = calloc(1, base_len + 4096);
	memcpy(longer, base_img, base_len);
	is_u64(igfs_init(&fs, longer, base_len + 4096), IGFS_E_LAYOUT, "longer than image_size");
	free(longer);

	expect("magic", HDR(magic), 0x12345678, IGFS_E_MAGIC, H);
	expect("version 2", HDR(version), 2, IGFS_E_VERSION, H);
	expect("header_size", HDR(header_size), 128, IGFS_E_LAYOUT, H);
	expect("entry_size", HDR(entry_size), 40, IGFS_E_LAYOUT, H);
	expect("flags", HDR(flags), 1, IGFS_E_LAYOUT, H);
	expect("reserved header bytes", offsetof(struct igfs_header, reserved) + 8, 8, 1, IGFS_E_LAYOUT, H);
	expect("no entries", HDR(entry_count), 0, IGFS_E_ENTRIES, H);
	expect("more entries than the limit", HDR(entry_count), IGFS_MAX_ENTRIES + 1, IGFS_E_ENTRIES, H);
	expect("entry count that moves the string table", HDR(entry_count), NT - 1, IGFS_E_LAYOUT, H);
	expect("strings_offset", HDR(strings_offset), 64 + 32 * NT + 8, IGFS_E_LAYOUT, H);
	expect("strings running into the data", HDR(strings_size), 4096, IGFS_E_LAYOUT, H);
	expect("unaligned data_offset", HDR(data_offset), 4096 + 8, IGFS_E_LAYOUT, H);
	expect("data_size that does not reach the end", HDR(data_size), 4096, IGFS_E_LAYOUT, H);
	expect("image_size below the image", HDR(image_size), base_len - 4096, IGFS_E_LAYOUT, H);
	expect("image_size above the image", HDR(image_size), base_len + 4096, IGFS_E_TRUNCATED, H);

	expect("entry reserved field", ENT(6, reserved), 1, IGFS_E_LAYOUT, 6);
	expect("a character device", ENT(6, mode), 0020644, IGFS_E_MODE, 6);
	expect("a FIFO", ENT(6, mode), 0010644, IGFS_E_MODE, 6);
	expect("a setuid file", ENT(6, mode), IGFS_S_IFREG | 04755, IGFS_E_MODE, 6);
	expect("a root that is a file", ENT(0, mode), IGFS_S_IFREG | 0644, IGFS_E_TREE, 0);
	expect("a root with a parent", ENT(0, parent), 3, IGFS_E_TREE, 0);
	expect("a root with a name", ENT(0, name_len), 1, IGFS_E_NAME, 0);
	expect("an empty name", ENT(6, name_len), 0, IGFS_E_NAME, 6);
	expect("a name over IGFS_NAME_MAX", ENT(6, name_len), 256, IGFS_E_NAME, 6);
	expect("a name outside the string table", ENT(6, name_offset), 0xFFFFFF00u, IGFS_E_NAME, 6);
	{
		/* "bin" -> "b/n", "b\0n", ".", ".." */
		size_t so = 64 + 32 * NT;
		uint8_t save = base_img[so + 1];
		base_img[so + 1] = '/';
		expect("a name with '/'", ENT(0, reserved), 0, IGFS_E_NAME, 1);
		base_img[so + 1] = 0;
		expect("a name with NUL", ENT(0, reserved), 0, IGFS_E_NAME, 1);
		base_img[so + 1] = save;
		memcpy(base_img + so, ".", 1);
		expect("a name '.'", ENT(1, name_len), 1, IGFS_E_NAME, 1);
		memcpy(base_img + so, "..", 2);
		expect("a name '..'", ENT(1, name_len), 2, IGFS_E_NAME, 1);
		memcpy(base_img + so, "bin", 3);
	}
	expect("a parent that is not before its child", ENT(6, parent), 6, IGFS_E_TREE, 6);
	expect("a directory whose children come first", ENT(2, offset), 2, IGFS_E_TREE, 2);
	expect("a directory block past the table", ENT(2, size), 3, IGFS_E_TREE, 2);
	expect("an empty directory with a child offset", ENT(1, size), 0, IGFS_E_TREE, 1);
	expect("an unaligned file extent", ENT(9, offset), 4096 + 1, IGFS_E_EXTENT, 9);
	expect("a file extent past the data area", ENT(8, size), 3 * 4096 + 1, IGFS_E_EXTENT, 8);
	expect("a file extent that wraps", ENT(8, offset), 0xFFFFFFFFFFFFF000ull, IGFS_E_EXTENT, 8);
	expect("an empty file with an offset", ENT(9, size), 0, IGFS_E_EXTENT, 9);
	expect("an empty symlink target", ENT(7, size), 0, IGFS_E_LINK, 7);
	expect("a symlink target over IGFS_PATH_MAX", ENT(7, size), IGFS_PATH_MAX + 1, IGFS_E_LINK, 7);
	expect("a symlink target outside the string table", ENT(7, offset), 1u << 20, IGFS_E_LINK, 7);
	{
		struct igfs_entry e7;
		memcpy(&e7, base_img + 64 + 32 * 7, sizeof(e7));
		size_t at = 64 + 32 * NT + e7.offset + 1;
		uint8_t save = base_img[at];
		base_img[at] = 0;
		expect("a symlink target with NUL", ENT(0, reserved), 0, IGFS_E_LINK, 7);
		base_img[at] = save;
	}
	expect("a directory block that skips entries", ENT(1, offset), 7, IGFS_E_TREE, 1);
	expect("a child that names another parent", ENT(7, parent), 2, IGFS_E_TREE, 7);
	expect("entries no directory lists", ENT(2, size), 1, IGFS_E_TREE, 9);
	{
		/* swap the names of bin/init and bin/sh: unsorted */
		size_t a = 64 + 32 * 6, b = 64 + 32 * 7;
		uint8_t ea[8], eb[8];
		memcpy(ea, base_img + a, 8);
		memcpy(eb, base_img + b, 8);
		memcpy(base_img + a, eb, 6);
		memcpy(base_img + b, ea, 6);
		put(base_img, a + 6, IGFS_S_IFREG | 0755, 2);
		put(base_img, b + 6, IGFS_S_IFLNK | 0777, 2);
		expect("children out of order", ENT(0, reserved), 0, IGFS_E_ORDER, 7);
		memcpy(base_img + a, ea, 8);
		memcpy(base_img + b, eb, 8);
		/* etc/big and etc/motd both named "big": a name twice */
		uint8_t e8[8];
		memcpy(e8, base_img + 64 + 32 * 8, 8);
		memcpy(base_img + 64 + 32 * 9, e8, 6);
		expect("a name twice in one directory", ENT(0, reserved), 0, IGFS_E_ORDER, 9);
	}
	free(base_img);
}

static void test_strerror(void)
{
	int bad = 0;
	for (int e = IGFS_E_INVAL; e <= 0; e++)
		if (!strcmp(igfs_strerror(e), "unknown error"))
			bad++;
	ok(bad == 0 && !strcmp(igfs_strerror(5), "unknown error"), "every error has a message");
}

int main(void)
{
	test_lookups();
	test_rules();
	test_strerror();
	return tap_done();
}
