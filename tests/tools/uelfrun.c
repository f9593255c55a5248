/* SPDX-License-Identifier: MIT */
/*
 * uelfrun.c — the ring-3 loader's plan and initial stack (svsm/user/elf_load.c)
 * on the host, for tests/cli/t0260-user-elf.sh:
 *
 *   uelfrun plan FILE [LOAD_BASE]
 *       prints the plan, one fact per line, for comparison with readelf;
 *   uelfrun run [--base N] [--env K=V]... FILE ARG0 [ARG...]
 *       loads FILE in a child process exactly as the plan says (each segment
 *       mapped zero-filled at its address, its file bytes copied, then its
 *       protection set), builds the initial stack with uelf_stack() in a
 *       mapped stack, and jumps to the entry with that RSP: a static musl
 *       program then runs on Linux as it will in ring 3. Prints the program's
 *       output (it inherits stdout) and "exit N" or "signal N".
 *
 * Nothing here is the SVSM's: the kernel half maps pages in its own page
 * tables. This only proves the plan and the stack are what real programs need.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../svsm/user/elf_load.h"

#define STACK_SIZE (1u << 20)
/* Below 2 GiB: the part of the address space ASan leaves to the program on x86-64. */
#define DEFAULT_BASE 0x40000000ull

static const struct uelf_limits limits = { 0x10000, 0x7FFF0000, 64u << 20 };

static uint8_t *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "uelfrun: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	uint8_t *p = malloc((size_t)st.st_size + 1);
	size_t n = 0;
	while (p && n < (size_t)st.st_size) {
		ssize_t r = read(fd, p + n, (size_t)st.st_size - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!p || n != (size_t)st.st_size) {
		fprintf(stderr, "uelfrun: %s: short read\n", path);
		exit(2);
	}
	*len = n;
	return p;
}

static int plan_of(const uint8_t *f, size_t len, uint64_t base, struct uelf_plan *p, const char *path)
{
	int rc = uelf_plan(f, len, &limits, base, p);
	if (rc) {
		if (p->bad_index != UINT32_MAX)
			fprintf(stderr, "uelfrun: %s: %s (index %u)\n", path, uelf_strerror(rc), p->bad_index);
		else
			fprintf(stderr, "uelfrun: %s: %s\n", path, uelf_strerror(rc));
	}
	return rc;
}

static int cmd_plan(const char *path, uint64_t base)
{
	size_t len;
	uint8_t *f = read_all(path, &len);
	struct uelf_plan p;
	if (plan_of(f, len, base, &p, path)) {
		free(f);
		return 1;
	}
	printf("type %s\n", p.type == ELF64_ET_DYN ? "DYN" : "EXEC");
	printf("bias 0x%llx\n", (unsigned long long)p.bias);
	printf("entry 0x%llx\n", (unsigned long long)p.entry);
	printf("phdr 0x%llx phent %u phnum %u\n", (unsigned long long)p.phdr, p.phent, p.phnum);
	printf("span 0x%llx 0x%llx brk 0x%llx\n", (unsigned long long)p.lo, (unsigned long long)p.hi,
	       (unsigned long long)p.brk);
	for (unsigned i = 0; i < p.nseg; i++) {
		const struct uelf_segment *s = &p.seg[i];
		printf("segment 0x%llx 0x%llx data 0x%llx file 0x%llx 0x%llx prot %c%c%c\n", (unsigned long long)s->vaddr,
		       (unsigned long long)s->size, (unsigned long long)s->data_vaddr, (unsigned long long)s->file_offset,
		       (unsigned long long)s->file_size, s->prot & UELF_PROT_R ? 'r' : '-', s->prot & UELF_PROT_W ? 'w' : '-',
		       s->prot & UELF_PROT_X ? 'x' : '-');
	}
	if (p.tls_memsz)
		printf("tls 0x%llx 0x%llx 0x%llx 0x%llx\n", (unsigned long long)p.tls_vaddr, (unsigned long long)p.tls_filesz,
		       (unsigned long long)p.tls_memsz, (unsigned long long)p.tls_align);
	printf("relocs %llu\n", (unsigned long long)p.rela_count);
	for (uint64_t i = 0; i < p.rela_count; i++) {
		uint64_t where, value;
		if (uelf_reloc(&p, f, len, i, &where, &value))
			return 1;
		printf("reloc 0x%llx 0x%llx\n", (unsigned long long)where, (unsigned long long)value);
	}
	free(f);
	return 0;
}

__attribute__((noreturn)) static void child(const uint8_t *f, const struct uelf_plan *p, const char *path, char **argv,
					    uint32_t argc, char **envp, uint32_t envc)
{
	for (unsigned i = 0; i < p->nseg; i++) {
		const struct uelf_segment *s = &p->seg[i];
		void *m = mmap((void *)(uintptr_t)s->vaddr, s->size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (m != (void *)(uintptr_t)s->vaddr) {
			fprintf(stderr, "uelfrun: cannot map 0x%llx+0x%llx: %s\n", (unsigned long long)s->vaddr,
				(unsigned long long)s->size, strerror(errno));
			_exit(126);
		}
		memcpy((void *)(uintptr_t)s->data_vaddr, f + s->file_offset, s->file_size);
		int prot = (s->prot & UELF_PROT_R ? PROT_READ : 0) | (s->prot & UELF_PROT_W ? PROT_WRITE : 0) |
			   (s->prot & UELF_PROT_X ? PROT_EXEC : 0);
		if (mprotect(m, s->size, prot)) {
			perror("uelfrun: mprotect");
			_exit(126);
		}
	}
	uint8_t *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED) {
		perror("uelfrun: stack");
		_exit(126);
	}
	uint8_t rnd[16];
	for (int i = 0; i < 16; i++)
		rnd[i] = (uint8_t)(0xA0 + i);
	struct uelf_stack_args a = {
		.argv = (const char *const *)argv, .argc = argc, .envp = (const char *const *)envp, .envc = envc,
		.execfn = path, .random = rnd, .hwcap = getauxval(AT_HWCAP), .hwcap2 = getauxval(AT_HWCAP2),
		.clktck = 100, .uid = 0, .gid = 0, .secure = false,
	};
	uint64_t top = (uint64_t)(uintptr_t)stack + STACK_SIZE, sp;
	int rc = uelf_stack(p, &a, stack, STACK_SIZE, top, &sp);
	if (rc) {
		fprintf(stderr, "uelfrun: %s\n", uelf_strerror(rc));
		_exit(126);
	}
	fflush(NULL);
	/* Ring 3's entry, as the SysV ABI has it: RSP at argc, RDX = 0 (no exit handler to register);
	 * the program's _start clears RBP itself. Fixed registers, so that RDX is not one of them. */
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%edx, %%edx\n\t"
			 "jmp *%1"
			 :
			 : "S"(sp), "a"(p->entry)
			 : "rdx", "memory");
	__builtin_unreachable();
}

static int cmd_run(int argc, char **argv)
{
	uint64_t base = DEFAULT_BASE;
	char *envp[64];
	uint32_t envc = 0;
	int i = 0;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--base") && i + 1 < argc)
			base = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--env") && i + 1 < argc && envc < 64)
			envp[envc++] = argv[++i];
		else
			break;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: uelfrun run [--base N] [--env K=V]... FILE ARG0 [ARG...]\n");
		return 2;
	}
	const char *path = argv[i];
	size_t len;
	uint8_t *f = read_all(path, &len);
	struct uelf_plan p;
	if (plan_of(f, len, base, &p, path))
		return 1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("uelfrun: fork");
		return 2;
	}
	if (pid == 0)
		child(f, &p, path, argv + i + 1, (uint32_t)(argc - i - 1), envp, envc);
	int st;
	if (waitpid(pid, &st, 0) < 0) {
		perror("uelfrun: waitpid");
		return 2;
	}
	free(f);
	if (WIFEXITED(st))
		printf("exit %d\n", WEXITSTATUS(st));
	else
		printf("signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "plan"))
		return cmd_plan(argv[2], argc > 3 ? strtoull(argv[3], NULL, 0) : DEFAULT_BASE);
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	fprintf(stderr, "usage: uelfrun plan FILE [LOAD_BASE] | uelfrun run [--base N] [--env K=V]... FILE ARG0 [ARG...]\n");
	return 2;
}
