/* SPDX-License-Identifier: MIT */
/*
 * fileio.h — reading inputs whole, and writing outputs atomically.
 *
 * ib_read_file() refuses files larger than max_size before allocating, so a
 * hostile size cannot exhaust memory. ib_write_file_atomic() writes to a
 * temporary file in the destination directory, fsyncs it and renames it over
 * the destination: readers see the old file or the whole new one, never a
 * partial one, and a failure leaves nothing behind.
 *
 * Both return 0 on success or a negative errno; they print nothing, so the
 * caller names the file in its one-line message.
 */
#ifndef IB_FILEIO_H
#define IB_FILEIO_H

#include <stddef.h>
#include <stdint.h>

/* -EFBIG when the file is larger than max_size. *data is NUL-terminated (not counted in *len). */
int ib_read_file(const char *path, uint64_t max_size, uint8_t **data, size_t *len);
int ib_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode);

#endif
