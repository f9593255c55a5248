/* SPDX-License-Identifier: MIT */
#include "sev_hashes.h"

#include <string.h>

#include "../common/digest.h"

/* EFI byte order of the table's GUIDs (see the header for their textual form). */
static const uint8_t guid_table[16] = { 0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c,
					0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21 };
static const uint8_t guid_cmdline[16] = { 0xd8, 0x2d, 0xd0, 0x97, 0x20, 0xbd, 0x94, 0x4c,
					  0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a };
static const uint8_t guid_initrd[16] = { 0x31, 0xf7, 0xba, 0x44, 0x2f, 0x3a, 0xd7, 0x4b,
					 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d };
static const uint8_t guid_kernel[16] = { 0x37, 0x94, 0xe7, 0x4d, 0xd2, 0xab, 0x7f, 0x42,
					 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b };

int sev_hashes_compute(struct sev_hashes *h, const uint8_t *kernel, size_t kernel_len, const uint8_t *initrd,
		       size_t initrd_len, const char *cmdline)
{
	static const uint8_t nul = 0;
	if (ib_sha256(kernel_len ? kernel : &nul, kernel_len, h->kernel) ||
	    ib_sha256(initrd && initrd_len ? initrd : &nul, initrd ? initrd_len : 0, h->initrd))
		return -1;
	/* QEMU hashes the command line with its terminating NUL, which strlen()+1 covers. */
	const char *cl = cmdline ? cmdline : "";
	return ib_sha256(cl, strlen(cl) + 1, h->cmdline);
}

static uint8_t *put_entry(uint8_t *p, const uint8_t guid[16], uint16_t len)
{
	memcpy(p, guid, 16);
	p[16] = (uint8_t)len;
	p[17] = (uint8_t)(len >> 8);
	return p + 18;
}

void sev_hashes_table(const struct sev_hashes *h, uint8_t out[SEV_HASHES_TABLE_PADDED_LEN])
{
	memset(out, 0, SEV_HASHES_TABLE_PADDED_LEN);
	uint8_t *p = put_entry(out, guid_table, SEV_HASHES_TABLE_LEN);
	p = put_entry(p, guid_cmdline, SEV_HASHES_ENTRY_LEN);
	memcpy(p, h->cmdline, 32);
	p = put_entry(p + 32, guid_initrd, SEV_HASHES_ENTRY_LEN);
	memcpy(p, h->initrd, 32);
	p = put_entry(p + 32, guid_kernel, SEV_HASHES_ENTRY_LEN);
	memcpy(p, h->kernel, 32);
}

int sev_hashes_page(const struct sev_hashes *h, uint32_t offset_in_page, uint8_t page[4096])
{
	if (offset_in_page > 4096 - SEV_HASHES_TABLE_PADDED_LEN)
		return -1;
	memset(page, 0, 4096);
	sev_hashes_table(h, page + offset_in_page);
	return 0;
}
