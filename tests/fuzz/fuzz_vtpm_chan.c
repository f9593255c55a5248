/* SPDX-License-Identifier: MIT */
/*
 * fuzz_vtpm_chan.c — libFuzzer harness for the core's checks of the vTPM process's
 * replies (svsm/vtpm/chan.c). Input: one byte choosing the operation the core asked
 * for, then the reply's bytes. A reply the checks pass is re-checked against the rules
 * the core relies on: its length field matches, an error message is printable and
 * bounded, a START identity's EK and state sizes lie inside the payload.
 */
#include <stdlib.h>
#include <string.h>

#include "../../svsm/vtpm/chan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > VTPM_CHAN_MAX + 1)
		return 0;
	uint32_t op = data[0] % 7u;
	const uint8_t *r = data + 1;
	size_t n = size - 1;
	char err[64];
	if (vtpm_chan_check_reply(r, n, op, err, sizeof(err)))
		return 0;
	struct vtpm_chan_hdr h;
	memcpy(&h, r, sizeof(h));
	if (h.op != op || h.len != n - sizeof(h))
		abort();
	if (h.status) {
		if (h.len > VTPM_CHAN_ERRMSG_MAX)
			abort();
		for (uint32_t i = 0; i < h.len; i++)
			if (r[sizeof(h) + i] < 0x20 || r[sizeof(h) + i] > 0x7E)
				abort();
		return 0;
	}
	if (vtpm_chan_check_identity(r + sizeof(h), h.len, err, sizeof(err)))
		return 0;
	struct vtpm_chan_identity id;
	memcpy(&id, r + sizeof(h), sizeof(id));
	if (!id.ek_public_len || id.ek_public_len > sizeof(id.ek_public) || !id.state_len ||
	    (uint64_t)sizeof(id) + id.state_len != h.len || !memchr(id.openssl_version, 0, sizeof(id.openssl_version)))
		abort();
	return 0;
}
