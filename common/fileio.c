/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "fileio.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ib_read_file(const char *path, uint64_t max_size, uint8_t **data, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;

	/* Read in chunks rather than trusting st_size: pipes and /proc report 0. */
	size_t cap = S_ISREG(st.st_mode) && (uint64_t)st.st_size <= max_size ? (size_t)st.st_size + 1 : 65536;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_size)
		return -EFBIG;
	_cleanup_free_ uint8_t *p = malloc(cap);
	if (!p)
		return -ENOMEM;
	size_t n = 0;
	for (;;) {
		if (n + 1 >= cap) {
			if ((uint64_t)cap > max_size + 1)
				return -EFBIG;
			size_t ncap = cap * 2;
			uint8_t *q = realloc(p, ncap);
			if (!q)
				return -ENOMEM;
			p = q;
			cap = ncap;
		}
		ssize_t r = read(fd, p + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if ((uint64_t)n > max_size)
			return -EFBIG;
	}
	p[n] = 0;
	*data = TAKE_PTR(p);
	*len = n;
	return 0;
}

int ib_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
	_cleanup_free_ char *dircopy = strdup(path);
	if (!dircopy)
		return -ENOMEM;
	const char *dir = dirname(dircopy);
	_cleanup_free_ char *tmp = NULL;
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, "igvmbuild-tmp") < 0)
		return -ENOMEM;

	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = 0;
	const uint8_t *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	/* mkostemp() creates 0600; give the file the mode a plain creat() would. */
	mode_t um = umask(0);
	umask(um);
	if (fchmod(fd, (mode_t)mode & ~um) < 0 || fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}
