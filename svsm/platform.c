/* SPDX-License-Identifier: MIT */
/* platform.c — platform selection and the exit path common to both platforms. */
#include "platform.h"

#include "arch/cpu.h"

const struct platform *platform = &platform_native;
static uint16_t exit_port;
static bool exit_ok;

void platform_select(uint32_t type, const struct launch_info *li)
{
	platform = type == LAUNCH_PLATFORM_SNP ? &platform_snp : &platform_native;
	exit_ok = (li->flags & LAUNCH_FLAG_DEBUG_EXIT) && li->debug_exit_port;
	exit_port = li->debug_exit_port;
}

bool platform_handle_vc(struct trap_frame *f)
{
	return platform->handle_vc && platform->handle_vc(f);
}

bool platform_handle_vc_user(struct trap_frame *f, const uint8_t *insn, unsigned n)
{
	return platform->handle_vc_user && platform->handle_vc_user(f, insn, n);
}

bool platform_handle_hv(struct trap_frame *f)
{
	return platform->handle_hv && platform->handle_hv(f);
}

bool platform_can_print(void)
{
	return !platform->can_print || platform->can_print();
}

void platform_exit(enum platform_exit_code code)
{
	if (platform->terminate)
		platform->terminate(code);
	if (exit_ok)
		outl(exit_port, (uint32_t)code);
	halt_forever();
}
