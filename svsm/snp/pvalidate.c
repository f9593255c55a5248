/* SPDX-License-Identifier: MIT */
/* pvalidate.c — PVALIDATE / RMPADJUST wrappers and their result mapping (see pvalidate.h). */
#include "pvalidate.h"

enum rmp_result pvalidate_result(uint32_t eax, bool cf)
{
	switch (eax) {
	case 0:
		return cf ? RMP_UNCHANGED : RMP_OK;
	case 1:
		return RMP_FAIL_INPUT;
	case 6:
		return RMP_FAIL_SIZEMISMATCH;
	default:
		return RMP_FAIL_UNKNOWN;
	}
}

enum rmp_result rmpadjust_result(uint32_t eax)
{
	switch (eax) {
	case 0:
		return RMP_OK;
	case 1:
		return RMP_FAIL_INPUT;
	case 2:
		return RMP_FAIL_PERMISSION;
	case 3:
		return RMP_FAIL_INUSE;
	case 6:
		return RMP_FAIL_SIZEMISMATCH;
	default:
		return RMP_FAIL_UNKNOWN;
	}
}

const char *rmp_result_name(enum rmp_result r)
{
	switch (r) {
	case RMP_OK: return "ok";
	case RMP_UNCHANGED: return "unchanged";
	case RMP_FAIL_INPUT: return "fail-input";
	case RMP_FAIL_PERMISSION: return "fail-permission";
	case RMP_FAIL_SIZEMISMATCH: return "fail-size-mismatch";
	case RMP_FAIL_INUSE: return "fail-inuse";
	case RMP_FAIL_UNKNOWN: break;
	}
	return "fail-unknown";
}

uint64_t rmpadjust_attrs(unsigned vmpl, unsigned perms, bool vmsa)
{
	return (uint64_t)(vmpl & 0xFFu) | ((uint64_t)(perms & 0xFFu) << 8) | ((uint64_t)vmsa << 16);
}

enum rmp_result pvalidate(uint64_t va, unsigned size, bool validate, uint32_t *raw)
{
	uint32_t eax;
	uint8_t cf;
	/* Encoded as bytes: binutils 2.40 knows the mnemonic, older assemblers and clang 14 may not. */
	__asm__ volatile(".byte 0xF2, 0x0F, 0x01, 0xFF\n\tsetc %1"
			 : "=a"(eax), "=qm"(cf)
			 : "a"(va), "c"((uint64_t)size), "d"((uint64_t)validate)
			 : "memory", "cc");
	if (raw)
		*raw = eax;
	return pvalidate_result(eax, cf != 0);
}

enum rmp_result rmpadjust(uint64_t va, unsigned size, uint64_t attrs, uint32_t *raw)
{
	uint32_t eax;
	__asm__ volatile(".byte 0xF3, 0x0F, 0x01, 0xFE"
			 : "=a"(eax)
			 : "a"(va), "c"((uint64_t)size), "d"(attrs)
			 : "memory", "cc");
	if (raw)
		*raw = eax;
	return rmpadjust_result(eax);
}
