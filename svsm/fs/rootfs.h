/* SPDX-License-Identifier: MIT */
/*
 * rootfs.h — the packed filesystem of this boot (format/igfs.h), which the
 * builder put in the kernel region after the image (format/launch_info.h) and
 * mm_init() mapped read-only. rootfs_init() validates it once at boot and logs
 * what it holds; rootfs() then hands the checked filesystem to its readers
 * (the ring-3 loader and system calls), or NULL when the image has none or it
 * is broken.
 */
#ifndef SVSM_FS_ROOTFS_H
#define SVSM_FS_ROOTFS_H

#include <stdint.h>

#include "igfs.h"

/* Returns 0 (also when there is no filesystem) or the igfs error that made it unusable. */
int rootfs_init(uint64_t gpa, uint64_t size);
const struct igfs *rootfs(void);
/* Kernel virtual address of the filesystem's first byte (for self-tests of its mapping). */
const void *rootfs_base(void);

#endif
