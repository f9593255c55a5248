/* SPDX-License-Identifier: MIT */
/*
 * libigvm-qemu-walk — prints what QEMU's IGVM loader would do with each file
 * (the trace of qemu_walk.h), through the public API. A debugging aid for the
 * test suite: `libigvm-qemu-walk FILE...`; exit 0 when every file loads.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../common/fileio.h"
#include "qemu_walk.h"

int main(int argc, char **argv)
{
	int rc = argc > 1 ? 0 : 2;
	if (argc < 2)
		fprintf(stderr, "usage: libigvm-qemu-walk FILE...\n");
	for (int i = 1; i < argc; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		if (ib_read_file(argv[i], UINT32_MAX, &data, &len)) {
			fprintf(stderr, "libigvm-qemu-walk: cannot read %s\n", argv[i]);
			rc = 3;
			continue;
		}
		printf("== %s\n", argv[i]);
		if (qw_run(data, (uint32_t)len, stdout) && !rc)
			rc = 1;
		free(data);
	}
	return rc;
}
