/* SPDX-License-Identifier: MIT */
/*
 * fuzz_fs.c — libFuzzer harness for the packed filesystem, both ends:
 *
 *   first byte 0: the rest is a cpio archive for the builder's packer
 *                 (igvmbuild/build_fs.c); whatever it accepts must be an image
 *                 the SVSM's reader accepts, which is then walked as below;
 *   otherwise:    the rest is an IGFS image for the SVSM's reader (svsm/fs/igfs.c).
 *
 * The walk of an accepted image checks the reader's promises: every entry's
 * path looks up to that entry, file data lies inside the image and is page
 * aligned, directory listings are sorted, and lookups of every symlink target
 * (following links) end without a crash or a loop.
 */
#include <stdlib.h>
#include <string.h>

#include "../../igvmbuild/build.h"
#include "../../common/status.h"
#include "../../svsm/fs/igfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const uint8_t *img, size_t len)
{
	struct igfs fs;
	if (igfs_init(&fs, img, len))
		return;
	char path[IGFS_PATH_MAX + 1];
	volatile uint8_t sink = 0;
	for (uint32_t i = 0; i < fs.count; i++) {
		struct igfs_stat st;
		if (igfs_stat(&fs, i, &st))
			abort();
		uint32_t ino;
		if (!igfs_path(&fs, i, path, sizeof(path))) {
			int rc = igfs_lookup(&fs, path, strlen(path), false, &ino);
			if (rc == IGFS_OK && ino != i)
				abort();
			if (rc != IGFS_OK && rc != IGFS_E_NAMETOOLONG)
				abort();
		}
		if (igfs_is_reg(st.mode)) {
			const uint8_t *d;
			uint64_t n;
			if (igfs_file_data(&fs, i, &d, &n) || n != st.size)
				abort();
			if (n && (d < img || d + n > img + len || (size_t)(d - img) % IGFS_PAGE))
				abort();
			for (uint64_t k = 0; k < n; k++)
				sink ^= d[k];
			uint8_t buf[64];
			uint64_t done;
			if (igfs_read(&fs, i, n / 2, buf, sizeof(buf), &done) || done > sizeof(buf))
				abort();
		} else if (igfs_is_dir(st.mode)) {
			uint32_t prev = 0, c;
			for (uint64_t k = 0; !igfs_readdir(&fs, i, k, &c); k++) {
				if (c >= fs.count || c <= i || (k && c != prev + 1))
					abort();
				prev = c;
			}
		} else {
			const char *t;
			uint32_t n;
			if (igfs_readlink(&fs, i, &t, &n) || !n || n > IGFS_PATH_MAX)
				abort();
			(void)igfs_lookup(&fs, t, n, true, &ino);
		}
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] != 0) {
		/* The reader on raw bytes, from a copy: the image need not be aligned. */
		uint8_t *img = malloc(size - 1 ? size - 1 : 1);
		if (!img)
			return 0;
		memcpy(img, data + 1, size - 1);
		walk(img, size - 1);
		free(img);
		return 0;
	}
	struct build_fs out;
	int rc = build_fs_pack_cpio("fuzz.cpio", data + 1, size - 1, &out);
	if (rc == IB_EXIT_INTERNAL)
		abort(); /* the packer's output broke the reader's rules, or it ran out of memory */
	if (rc == 0) {
		struct igfs fs;
		if (igfs_init(&fs, out.image, out.len) || fs.count != out.entries)
			abort();
		walk(out.image, out.len);
	}
	build_fs_free(&out);
	return 0;
}
