/* SPDX-License-Identifier: MIT */
/*
 * probe.c — a static program for the ring-3 loader's tests (tests/cli/t0260-user-elf.sh),
 * built at test time with Debian's musl-gcc, as ET_EXEC and as static PIE. It prints
 * what it was started with — arguments, environment, the auxiliary vector — and uses
 * what a program needs from the loader: thread-local variables (musl finds PT_TLS through
 * AT_PHDR), malloc (brk and mmap), function pointers in data (relative relocations in a
 * static PIE, applied by musl's rcrt1 from AT_PHDR and PT_DYNAMIC) and the stack
 * protector's canary (AT_RANDOM). It exits with 3.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static __thread int counter = 41;
static __thread char tbss[256];

static int twice(int v)
{
	return 2 * v;
}

static int (*const table[])(int) = { twice }; /* a pointer the static PIE must relocate */

int main(int argc, char **argv, char **envp)
{
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] %s\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		printf("env %s\n", *e);
	static const struct {
		const char *name;
		unsigned long type;
	} aux[] = { { "AT_PHDR", AT_PHDR }, { "AT_PHENT", AT_PHENT }, { "AT_PHNUM", AT_PHNUM },
		    { "AT_PAGESZ", AT_PAGESZ }, { "AT_BASE", AT_BASE }, { "AT_ENTRY", AT_ENTRY },
		    { "AT_UID", AT_UID }, { "AT_SECURE", AT_SECURE }, { "AT_CLKTCK", AT_CLKTCK } };
	for (size_t i = 0; i < sizeof(aux) / sizeof(aux[0]); i++)
		printf("%s 0x%lx\n", aux[i].name, getauxval(aux[i].type));
	printf("AT_EXECFN %s\n", (const char *)getauxval(AT_EXECFN));
	printf("AT_PLATFORM %s\n", (const char *)getauxval(AT_PLATFORM));
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	printf("AT_RANDOM %02x%02x..%02x\n", r[0], r[1], r[15]);
	/* The program headers AT_PHDR points at: the first PT_LOAD is readable there. */
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	int loads = 0;
	for (unsigned long i = 0; i < getauxval(AT_PHNUM); i++)
		loads += ph[i].p_type == PT_LOAD;
	printf("PT_LOAD seen through AT_PHDR %d\n", loads);
	counter++;
	tbss[255] = 7;
	printf("tls %d %d\n", counter, tbss[255] + tbss[0]);
	char *small = malloc(100), *big = malloc(1 << 20);
	if (!small || !big)
		return 1;
	memset(small, 1, 100);
	memset(big, 2, 1 << 20);
	printf("malloc %d\n", small[99] + big[(1 << 20) - 1]);
	free(big);
	free(small);
	printf("relocated %d\n", table[0](21));
	return 3;
}
