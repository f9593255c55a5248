/* SPDX-License-Identifier: MIT */
/* secrets_page.c — see secrets_page.h. */
#include "secrets_page.h"

static void put(uint8_t *p, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

void secrets_page_for_guest(uint8_t out[SECRETS_PAGE_SIZE], const uint8_t in[SECRETS_PAGE_SIZE],
			    const struct secrets_svsm_info *info)
{
	for (unsigned i = 0; i < SECRETS_PAGE_SIZE; i++)
		out[i] = in[i];
	for (unsigned n = 0; n < info->guest_vmpl && n < 4; n++)
		for (unsigned i = 0; i < SECRETS_VMPCK_SIZE; i++)
			out[SECRETS_VMPCK(n) + i] = 0;
	put(out, SECRETS_SVSM_BASE, info->base, 8);
	put(out, SECRETS_SVSM_SIZE, info->size, 8);
	put(out, SECRETS_SVSM_CAA, info->caa, 8);
	put(out, SECRETS_SVSM_MAX_VERSION, info->max_version, 4);
	put(out, SECRETS_SVSM_GUEST_VMPL, info->guest_vmpl, 1);
}
