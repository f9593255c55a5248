/* SPDX-License-Identifier: MIT */
/*
 * dump_format.h — the text of microsoft/igvm's sample program dump_igvm, made
 * with the public IGVM C API only (<igvm/igvm.h>).
 *
 * Contract: for any file, igvmdump_print() writes to `out` byte for byte what
 * dump_igvm prints on stdout for it with `--hex hex_limit` (UINT32_MAX: the
 * default, whole blobs), so the two programs can be diffed. That includes its
 * known defects, kept on purpose: every FileOffset is 00000000 (the C API
 * quirk), PAGE_DATA's data_type is not shown, the SNP ID block prints 32 bytes
 * of `ld` and then the first 16 bytes of `ld` again as FamilyId and ImageId,
 * DEVICE_TREE, VBS_MEASUREMENT, CCA_POLICY and CoRIM headers print no fields,
 * and the last three are named "Unknown type".
 *
 * Returns 0 after a complete dump; 1 when the API refused the file or a
 * header (the "Failed to parse IGVM file. Error code: N" or "Invalid header
 * (N)" line has then been printed, as dump_igvm does). Used by igvm-dump(1);
 * `igvmbuild inspect --format=dump-igvm` can link it the same way.
 */
#ifndef LIBIGVM_DUMP_FORMAT_H
#define LIBIGVM_DUMP_FORMAT_H

#include <stdint.h>
#include <stdio.h>

int igvmdump_print(FILE *out, const uint8_t *file, uint32_t len, uint32_t hex_limit);

#endif /* LIBIGVM_DUMP_FORMAT_H */
