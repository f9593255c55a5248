/* SPDX-License-Identifier: MIT */
/*
 * fuzz_vtpm_manifest.c — libFuzzer harness for the vTPM manifest compiler
 * (igvmbuild/build_vtpm.c): XML loading, schema validation, value checks and
 * blob layout. A compiled blob is re-checked against the reader contract of
 * format/vtpm_config.h, so a layout bug aborts the run.
 */
#include <stdlib.h>
#include <string.h>

#include "../../format/vtpm_config.h"
#include "../../igvmbuild/build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	/* contents-file paths resolve against this non-existent directory, so nothing is read. */
	if (build_vtpm_compile_mem("/nonexistent/fuzz/manifest.xml", data, size, &blob, &len) == 0) {
		struct vtpm_config_header h;
		if (len < sizeof(h) || len > VTPM_CONFIG_MAX_SIZE)
			abort();
		memcpy(&h, blob, sizeof(h));
		if (h.magic != VTPM_CONFIG_MAGIC || h.total_size != len || h.nv_count > VTPM_CONFIG_MAX_NV ||
		    (uint64_t)h.nv_table_offset + (uint64_t)h.nv_count * h.nv_entry_size > len)
			abort();
		for (uint32_t i = 0; i < h.nv_count; i++) {
			struct vtpm_config_nv_index e;
			memcpy(&e, blob + h.nv_table_offset + i * sizeof(e), sizeof(e));
			if ((uint64_t)e.data_offset + e.data_len > len || e.data_len > e.size)
				abort();
		}
	}
	free(blob);
	return 0;
}
