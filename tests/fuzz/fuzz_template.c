/* SPDX-License-Identifier: MIT */
/*
 * fuzz_template.c — libFuzzer harness for the template parser: safe libxml2
 * loading, schema validation and struct build_config extraction
 * (igvmbuild/build_xml.c, build_template.c), then the cross-field checks.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../igvmbuild/build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct build_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	if (build_template_load_mem("fuzz/template.xml", data, size, &cfg) == 0)
		(void)build_config_check(&cfg);
	build_config_free(&cfg);
	return 0;
}
