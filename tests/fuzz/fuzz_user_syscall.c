/* SPDX-License-Identifier: MIT */
/*
 * fuzz_user_syscall.c — libFuzzer harness for the ring-3 system-call layer
 * (svsm/user/usys.c) on the simulated process of tests/svsm/usys_sim.h. Each input is a
 * program: up to 64 system calls, each a number (mostly from the supported subset) and six
 * arguments drawn as small integers, pointers into mapped pages (strings, iovecs, buffers),
 * the page after a mapping, kernel and non-canonical addresses, or raw 64-bit values. After
 * every call the layer's bookkeeping must match the simulation (sim_check: pages counted =
 * pages mapped, within the budget, mappings sorted and disjoint with their protection),
 * every user range it hands to a copy must be inside the user range (the simulation aborts
 * otherwise), and an exit must stop the program.
 */
#include <stdlib.h>

#include "../svsm/usys_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t numbers[] = {
	USYS_read, USYS_write, USYS_open, USYS_close, USYS_stat, USYS_fstat, USYS_lstat, USYS_lseek,
	USYS_mmap, USYS_mprotect, USYS_munmap, USYS_brk, USYS_rt_sigaction, USYS_rt_sigprocmask, USYS_ioctl,
	USYS_writev, USYS_getpid, USYS_arch_prctl, USYS_gettid, USYS_set_tid_address, USYS_clock_gettime,
	USYS_openat, USYS_newfstatat, USYS_getrandom, USYS_exit_group,
};

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t byte(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t word(struct in *in)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | byte(in);
	return v;
}

static struct sim S;
static uint64_t strpage;

static uint64_t arg(struct in *in)
{
	uint8_t k = byte(in);
	switch (k & 7) {
	case 0:
		return (uint64_t)(int64_t)(int8_t)byte(in);
	case 1: /* into the strings page: "/etc/motd", "lnk", "etc", "", an iovec */
		return strpage + (byte(in) & 0x3F);
	case 2: { /* somewhere in a mapped page, maybe near its end */
		if (!S.npages)
			return 0;
		const struct sim_page *p = &S.page[byte(in) % S.npages];
		return p->va + ((uint64_t)byte(in) << 4);
	}
	case 3: /* just past a mapping */
		return S.u.nvma ? S.u.vma[byte(in) % S.u.nvma].hi - (byte(in) & 15) : USYS_MMAP_HI - 3;
	case 4:
		return (k & 8) ? 0xFFFFFFFF80000000ull : 0x8000000000000000ull;
	case 5:
		return (uint64_t)-100; /* AT_FDCWD */
	case 6:
		return (uint64_t)byte(in) << 12;
	default:
		return word(in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	if (sim_init(&S, 48 + byte(&in) % 200))
		abort();
	uint64_t a0[6] = { 0, 4096, USYS_PROT_R | USYS_PROT_W, 0x22, (uint64_t)-1, 0 };
	strpage = (uint64_t)usys_call(&S.u, USYS_mmap, a0);
	static const char strs[] = "/etc/motd\0lnk\0etc\0\0/lnk/\0..//etc/./motd";
	uint64_t iov[4] = { strpage, 9, strpage + 10, 3 };
	if (sim_copy_out(&S, strpage, strs, sizeof(strs)) || sim_copy_out(&S, strpage + 0x40, iov, sizeof(iov)))
		abort();
	for (int i = 0; i < 64 && in.n; i++) {
		uint8_t sel = byte(&in);
		uint64_t nr = sel < 240 ? numbers[sel % (sizeof(numbers) / sizeof(numbers[0]))] : word(&in) & 0x1FF;
		uint64_t a[6];
		for (int j = 0; j < 6; j++)
			a[j] = arg(&in);
		S.map_fail = (sel & 0x0F) == 0x0F;
		long r = usys_call(&S.u, nr, a);
		const char *bad = sim_check(&S);
		if (bad)
			abort();
		if (r < -4095 && nr != USYS_lseek && nr != USYS_brk && nr != USYS_mmap)
			abort(); /* an error outside errno's range */
		if (S.u.exited)
			break;
	}
	sim_free(&S);
	return 0;
}
