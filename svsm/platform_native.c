/* SPDX-License-Identifier: MIT */
/* platform_native.c — an ordinary VM: port I/O and MSRs just work, memory needs no validation. */
#include "platform.h"
#include "smp.h"

static void native_init(const struct launch_info *li)
{
	(void)li;
}

static uint64_t native_pte_mask(void)
{
	return 0;
}

static const char *native_describe(void)
{
	return "native (no memory encryption)";
}

const struct platform platform_native = {
	.name = "native",
	.type = LAUNCH_PLATFORM_NATIVE,
	.init = native_init,
	.pte_private_mask = native_pte_mask,
	.handle_vc = 0,
	.describe = native_describe,
	.smp = &smp_native_ops,
};
