/* SPDX-License-Identifier: MIT */
/*
 * hello.c — the SVSM's /init in the ring-3 boot test (tests/cli/t0620-user.sh), built with
 * Debian's musl-gcc: printf through stdio, malloc, a thread-local variable; exits 7.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __thread int tls = 40;

int main(int argc, char **argv)
{
	char *p = malloc(1000);
	if (!p)
		return 1;
	strcpy(p, "malloc works");
	tls += 2;
	printf("hello from ring 3: argc %d argv[0] %s, %s, tls %d\n", argc, argv[0], p, tls);
	free(p);
	return 7;
}
