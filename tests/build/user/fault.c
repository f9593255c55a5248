/* SPDX-License-Identifier: MIT */
/*
 * fault.c — one program, many faults: what it does is chosen by the name it runs under
 * (argv[0] ends in "-KIND"), so the ring-3 boot test (tests/cli/t0620-user.sh) builds it once
 * and packs it under several names. Every kind but "alloc" must be ended by the SVSM
 * with the fault logged; "alloc" allocates until malloc fails and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int forever = 1;

static int depth(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	return forever ? depth(n + 1) + pad[0] : 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	const char *kind = strrchr(argv[0], '-');
	kind = kind ? kind + 1 : "";
	printf("fault test: %s\n", kind);
	fflush(stdout);
	if (!strcmp(kind, "null"))
		return *(volatile int *)0;
	if (!strcmp(kind, "kwrite"))
		*(volatile long *)0xFFFFFFFF80000000ull = 1;
	if (!strcmp(kind, "xstack")) {
		volatile unsigned char code[16] = { 0xC3 }; /* ret */
		((void (*)(void))(unsigned long)code)();
	}
	if (!strcmp(kind, "gp"))
		__asm__ volatile("hlt");
	if (!strcmp(kind, "ud"))
		__asm__ volatile("ud2");
	if (!strcmp(kind, "div")) {
		volatile int z = 0;
		int q;
		__asm__ volatile("cltd; idivl %1" : "=a"(q) : "r"(z), "a"(1) : "rdx");
		return q;
	}
	if (!strcmp(kind, "stack"))
		return depth(0);
	if (!strcmp(kind, "alloc")) {
		unsigned long total = 0;
		for (;;) {
			char *p = malloc(1 << 20);
			if (!p)
				break;
			memset(p, 1, 1 << 20);
			total++;
		}
		printf("malloc failed after %lu MiB\n", total);
		return 0;
	}
	printf("not reached\n");
	return 99;
}
