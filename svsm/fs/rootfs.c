/* SPDX-License-Identifier: MIT */
/* rootfs.c — see rootfs.h. */
#include "rootfs.h"

#include "../console.h"
#include "../mm/mm.h"

static struct igfs fs;
static int usable;

int rootfs_init(uint64_t gpa, uint64_t size)
{
	usable = 0;
	if (!size) {
		pr_info("fs: no packed filesystem");
		return 0;
	}
	int rc = igfs_init(&fs, phys_to_virt(gpa), size);
	if (rc) {
		if (fs.bad_entry != UINT32_MAX)
			pr_err("fs: the packed filesystem at 0x%lx is invalid: %s (entry %u); nothing will run from it",
			       (unsigned long)gpa, igfs_strerror(rc), fs.bad_entry);
		else
			pr_err("fs: the packed filesystem at 0x%lx is invalid: %s; nothing will run from it",
			       (unsigned long)gpa, igfs_strerror(rc));
		return rc;
	}
	usable = 1;
	pr_info("fs: packed filesystem at 0x%lx-0x%lx: %u entries (%u directories, %u files, %u symlinks), %lu bytes of "
		"file data", (unsigned long)gpa, (unsigned long)(gpa + size - 1), fs.count, fs.dirs, fs.files,
		fs.symlinks, (unsigned long)fs.file_bytes);
	uint32_t ino;
	struct igfs_stat st;
	if (igfs_lookup(&fs, "/init", 5, true, &ino) || igfs_stat(&fs, ino, &st))
		pr_info("fs: no /init");
	else if (igfs_is_reg(st.mode))
		pr_info("fs: /init: %lu bytes%s", (unsigned long)st.size, (st.mode & 0100) ? ", executable" : "");
	else
		pr_warn("fs: /init is not a regular file");
	return 0;
}

const struct igfs *rootfs(void)
{
	return usable ? &fs : NULL;
}

const void *rootfs_base(void)
{
	return usable ? fs.base : NULL;
}
