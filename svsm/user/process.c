/* SPDX-License-Identifier: MIT */
/* process.c — see process.h. */
#include "process.h"

#include "../arch/cpu.h"
#include "../arch/gdt.h"
#include "../arch/idt.h"
#include "../arch/tsc.h"
#include "../console.h"
#include "../fs/rootfs.h"
#include "../lib/string.h"
#include "../mm/mm.h"
#include "../percpu.h"
#include "elf_load.h"
#include "usys.h"

#define MSR_STAR           0xC0000081u
#define MSR_LSTAR          0xC0000082u
#define MSR_FMASK          0xC0000084u
#define MSR_KERNEL_GS_BASE 0xC0000102u
#define EFER_SCE           1u
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_WP (1ull << 16)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_SMEP       (1ull << 20)
#define CR4_SMAP       (1ull << 21)
/* RFLAGS a program may set and keep across a system call: CF PF AF ZF SF TF DF OF AC ID. */
#define RFLAGS_USER 0x240DD5ull
#define STACK_BUILD 16384u /* bytes of the stack top built by uelf_stack */

struct user_kctx {
	uint64_t rsp;
};

long user_enter(const struct trap_frame *f, struct user_kctx *ctx);
__attribute__((noreturn)) void user_leave(struct user_kctx *ctx, long value);
int user_copy(void *dst, const void *src, uint64_t n);
extern void syscall_entry(void);

uint8_t user_smap_on; /* read by the entry code: STAC/CLAC only where they exist */
static int cpu_ready, has_smep, has_rdrand, has_rdseed;

struct fxarea {
	uint16_t fcw, fsw;
	uint8_t ftw, r0;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t rest[480];
} __attribute__((aligned(16)));
_Static_assert(sizeof(struct fxarea) == 512, "FXSAVE area");

/* The reset state a program starts from: x87 control word 0x37F, MXCSR 0x1F80 (all masked). */
static const struct fxarea fx_clean = { .fcw = 0x37F, .mxcsr = 0x1F80 };

struct uproc {
	const char *name;
	struct pgt pgt;
	struct usys sys;
	struct user_kctx kctx;
	struct fxarea fx; /* the vector state when it ended (kept for a process that would resume) */
	char line[160];
	unsigned line_len;
	unsigned enosys_logged;
};

static struct uproc proc; /* the one process (process.h: one at a time, boot CPU) */
static struct uproc *current;
static struct uelf_plan plan;
static uint8_t stack_build[STACK_BUILD];

void user_cpu_init(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	uint32_t max = r[0];
	cpuid(1, 0, r);
	has_rdrand = (r[2] >> 30) & 1;
	if (max >= 7) {
		cpuid(7, 0, r);
		has_smep = (r[1] >> 7) & 1;
		user_smap_on = (uint8_t)((r[1] >> 20) & 1);
		has_rdseed = (r[1] >> 18) & 1;
	}
	__asm__ volatile("mov %0, %%cr0" : : "r"((read_cr0() | CR0_MP | CR0_WP) & ~(CR0_EM | CR0_TS)) : "memory");
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (has_smep)
		cr4 |= CR4_SMEP;
	if (user_smap_on)
		cr4 |= CR4_SMAP;
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL: CS = 0x08, SS = 0x10; SYSRET: SS = 0x30|3, CS = 0x38|3 (gdt.h). */
	wrmsr(MSR_STAR, ((uint64_t)(SEL_UCODE32 | 3) << 48) | ((uint64_t)SEL_CODE64 << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_FMASK, 0x47700); /* TF, IF, DF, IOPL, NT, AC */
	cpu_ready = 1;
	pr_info("user: SYSCALL/SYSRET, NX, SMEP %s, SMAP %s, FXSAVE state per process, RDRAND %s, %u pages per process",
		has_smep ? "on" : "absent", user_smap_on ? "on" : "absent", has_rdrand ? "yes" : "no",
		USER_MAX_PAGES);
}

/* ---- memory ---------------------------------------------------------------------------------- */

static uint64_t pte_flags(uint32_t prot)
{
	if (!(prot & (USYS_PROT_R | USYS_PROT_W | USYS_PROT_X)))
		return PTE_NX; /* PROT_NONE: a supervisor page, read-only */
	return PTE_U | ((prot & USYS_PROT_W) ? PTE_W : 0) | ((prot & USYS_PROT_X) ? 0 : PTE_NX);
}

static void unmap_pages(struct uproc *p, uint64_t va, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa;
		if (!pgt_translate(&p->pgt, va + off, &pa, 0))
			continue;
		pgt_unmap(&p->pgt, va + off, PAGE_SIZE);
		invlpg(va + off);
		free_page(pa & ~(PAGE_SIZE - 1));
	}
}

static int op_map(void *ctx, uint64_t va, uint64_t len, uint32_t prot)
{
	struct uproc *p = ctx;
	/* Tables take a few pages more: keep the reserve whole (unlocked read: one CPU allocates). */
	if (mm.pool.nfree < USER_POOL_RESERVE || len / PAGE_SIZE > mm.pool.nfree - USER_POOL_RESERVE)
		return -1;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa = alloc_page();
		if (!pa || pgt_map(&p->pgt, va + off, pa, PAGE_SIZE, pte_flags(prot))) {
			if (pa)
				free_page(pa);
			unmap_pages(p, va, off);
			return -1;
		}
	}
	return 0;
}

static void op_unmap(void *ctx, uint64_t va, uint64_t len)
{
	unmap_pages(ctx, va, len);
}

static void op_protect(void *ctx, uint64_t va, uint64_t len, uint32_t prot)
{
	struct uproc *p = ctx;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa;
		if (pgt_translate(&p->pgt, va + off, &pa, 0)) {
			pgt_map(&p->pgt, va + off, pa & ~(PAGE_SIZE - 1), PAGE_SIZE, pte_flags(prot));
			invlpg(va + off);
		}
	}
}

/* Before the program runs: bytes into its pages through the direct map. */
static int poke(struct uproc *p, uint64_t va, const void *src, uint64_t n)
{
	const uint8_t *s = src;
	while (n) {
		uint64_t pa, c = PAGE_SIZE - va % PAGE_SIZE;
		if (c > n)
			c = n;
		if (!pgt_translate(&p->pgt, va, &pa, 0))
			return -1;
		memcpy(phys_to_virt(pa), s, c);
		va += c;
		s += c;
		n -= c;
	}
	return 0;
}

/* Frees every page of the lower half and its tables (the upper half is the core's). */
static void destroy(struct uproc *p)
{
	uint64_t *l4 = phys_to_virt(p->pgt.root);
	uint64_t mask = PTE_ADDR_MASK & ~p->pgt.enc;
	for (unsigned i = 0; i < 256; i++) {
		if (!(l4[i] & PTE_P))
			continue;
		uint64_t *l3 = phys_to_virt(l4[i] & mask);
		for (unsigned j = 0; j < 512; j++) {
			if (!(l3[j] & PTE_P))
				continue;
			uint64_t *l2 = phys_to_virt(l3[j] & mask);
			for (unsigned k = 0; k < 512; k++) {
				if (!(l2[k] & PTE_P))
					continue;
				uint64_t *l1 = phys_to_virt(l2[k] & mask);
				for (unsigned m = 0; m < 512; m++)
					if (l1[m] & PTE_P)
						free_page(l1[m] & mask);
				free_page(l2[k] & mask);
			}
			free_page(l3[j] & mask);
		}
		free_page(l4[i] & mask);
	}
	free_page(p->pgt.root);
	p->pgt.root = 0;
}

static uint64_t table_page(void *arg)
{
	(void)arg;
	return alloc_page();
}

static void *table_p2v(void *arg, uint64_t pa)
{
	(void)arg;
	return phys_to_virt(pa);
}

/* ---- the rest of the system-call environment ------------------------------------------------- */

static int op_copy_in(void *ctx, void *dst, uint64_t uaddr, uint64_t n)
{
	(void)ctx;
	return user_copy(dst, (const void *)(uintptr_t)uaddr, n);
}

static int op_copy_out(void *ctx, uint64_t uaddr, const void *src, uint64_t n)
{
	(void)ctx;
	return user_copy((void *)(uintptr_t)uaddr, src, n);
}

static void flush_line(struct uproc *p)
{
	if (!p->line_len)
		return;
	p->line[p->line_len] = 0;
	pr_info("%s> %s", p->name, p->line);
	p->line_len = 0;
}

static void op_console(void *ctx, int fd, const char *buf, uint64_t n)
{
	struct uproc *p = ctx;
	(void)fd;
	for (uint64_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '\n') {
			if (!p->line_len)
				pr_info("%s>", p->name);
			flush_line(p);
			continue;
		}
		/* The serial log is read by tests and people: no escape sequences from a program. */
		p->line[p->line_len++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? c : '.';
		if (p->line_len == sizeof(p->line) - 1)
			flush_line(p);
	}
}

static int rand64(uint64_t *v)
{
	uint8_t ok;
	for (int i = 0; has_rdrand && i < 32; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return 0;
	}
	for (int i = 0; has_rdseed && i < 1024; i++) {
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return 0;
		__asm__ volatile("pause");
	}
	return -1;
}

static int op_random(void *ctx, void *buf, uint64_t n)
{
	(void)ctx;
	uint8_t *b = buf;
	while (n) {
		uint64_t v;
		if (rand64(&v))
			return -1;
		uint64_t c = n < 8 ? n : 8;
		memcpy(b, &v, c);
		b += c;
		n -= c;
	}
	return 0;
}

static uint64_t op_clock_ns(void *ctx)
{
	(void)ctx;
	uint64_t khz = tsc_khz() ? tsc_khz() : 1000000, t = rdtsc();
	/* No 128-bit division in the core: whole milliseconds, then the rest. */
	return t / khz * 1000000u + t % khz * 1000000u / khz;
}

static void op_set_fs(void *ctx, uint64_t base)
{
	(void)ctx;
	wrmsr(MSR_FS_BASE, base);
}

static const struct usys_ops ops = {
	.copy_in = op_copy_in, .copy_out = op_copy_out, .map = op_map, .unmap = op_unmap,
	.protect = op_protect, .console = op_console, .random = op_random, .clock_ns = op_clock_ns,
	.set_fs = op_set_fs,
};

/* ---- entry and exit ------------------------------------------------------------------------- */

void user_syscall(struct trap_frame *f)
{
	struct uproc *p = current;
	uint64_t nr = f->rax, a[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	long r = usys_call(&p->sys, nr, a);
	if (p->sys.exited) {
		flush_line(p);
		user_leave(&p->kctx, p->sys.status);
	}
	if (r == -USYS_ENOSYS && !usys_known(nr) && p->enosys_logged < 8) {
		p->enosys_logged++;
		pr_info("user: %s: system call %lu is not supported (-ENOSYS)", p->name, (unsigned long)nr);
	}
	f->rax = (uint64_t)r;
	/* SYSRET to a RIP that is not a user address faults in ring 0 on the program's stack: end it. */
	if (f->rip < USYS_USER_LO || f->rip >= USYS_USER_TOP) {
		flush_line(p);
		pr_err("user: %s killed: return address 0x%lx outside user space", p->name, (unsigned long)f->rip);
		user_leave(&p->kctx, USER_RUN_KILLED);
	}
	f->rflags = (f->rflags & RFLAGS_USER) | 0x2;
}

void user_fault(const struct trap_frame *f)
{
	struct uproc *p = current;
	unsigned v = (unsigned)f->vector & 255;
	if (!p) /* ring 3 with no process: cannot happen; the core's own fatal path says so */
		fatal_frame(f, "exception from ring 3 with no process");
	flush_line(p);
	pr_err("user: %s killed: %s (vector %u) at RIP=0x%lx CR2=0x%lx error code 0x%lx RSP=0x%lx", p->name,
	       exception_name(v), v, (unsigned long)f->rip, (unsigned long)(v == 14 ? read_cr2() : 0),
	       (unsigned long)f->error_code, (unsigned long)f->rsp);
	user_leave(&p->kctx, USER_RUN_KILLED);
}

static int load(struct uproc *p, const char *path, uint64_t *entry, uint64_t *sp)
{
	const struct igfs *fs = rootfs();
	uint32_t ino;
	struct igfs_stat st;
	const uint8_t *data;
	uint64_t size;
	int rc = fs ? igfs_lookup(fs, path, strlen(path), true, &ino) : IGFS_E_NOENT;
	if (!rc)
		rc = igfs_stat(fs, ino, &st);
	if (!rc && !igfs_is_reg(st.mode))
		rc = IGFS_E_INVAL;
	if (!rc)
		rc = igfs_file_data(fs, ino, &data, &size);
	if (rc) {
		pr_err("user: %s: %s", path, igfs_strerror(rc));
		return -1;
	}
	/* The break may grow USYS_BRK_MAX past the image without reaching the mappings. */
	static const struct uelf_limits lim = { USYS_USER_LO, USYS_MMAP_LO - USYS_BRK_MAX, USYS_IMAGE_MAX };
	rc = uelf_plan(data, size, &lim, USYS_PIE_BASE, &plan);
	if (rc) {
		pr_err("user: %s: not a program: %s", path, uelf_strerror(rc));
		return -1;
	}
	for (uint32_t i = 0; i < plan.nseg; i++) {
		const struct uelf_segment *s = &plan.seg[i];
		uint32_t prot = ((s->prot & UELF_PROT_R) ? USYS_PROT_R : 0) | ((s->prot & UELF_PROT_W) ? USYS_PROT_W : 0) |
				((s->prot & UELF_PROT_X) ? USYS_PROT_X : 0);
		if (usys_map_fixed(&p->sys, s->vaddr, s->size, prot) ||
		    poke(p, s->data_vaddr, data + s->file_offset, s->file_size)) {
			pr_err("user: %s: no memory for its segments", path);
			return -1;
		}
	}
	usys_set_brk(&p->sys, plan.brk);
	if (usys_map_fixed(&p->sys, USYS_STACK_TOP - USYS_STACK_SIZE, USYS_STACK_SIZE, USYS_PROT_R | USYS_PROT_W)) {
		pr_err("user: %s: no memory for its stack", path);
		return -1;
	}
	static const char *const envp[] = { "HOME=/", "PATH=/bin" };
	const char *argv[] = { path };
	uint8_t rnd[16];
	uint32_t r[4];
	cpuid(1, 0, r);
	if (op_random(0, rnd, sizeof(rnd)))
		for (unsigned i = 0; i < sizeof(rnd); i++) /* no RDRAND: still distinct per boot */
			rnd[i] = (uint8_t)(rdtsc() >> (i % 8));
	struct uelf_stack_args args = {
		.argv = argv, .argc = 1, .envp = envp, .envc = 2, .execfn = path, .random = rnd,
		.hwcap = r[3], .clktck = 100,
	};
	memset(stack_build, 0, sizeof(stack_build));
	rc = uelf_stack(&plan, &args, stack_build, sizeof(stack_build), USYS_STACK_TOP, sp);
	if (rc || poke(p, USYS_STACK_TOP - sizeof(stack_build), stack_build, sizeof(stack_build))) {
		pr_err("user: %s: initial stack: %s", path, uelf_strerror(rc));
		return -1;
	}
	*entry = plan.entry;
	return 0;
}

int user_run(const char *path)
{
	if (!cpu_ready)
		user_cpu_init();
	struct uproc *p = &proc;
	uint64_t free_before = mm.pool.nfree;
	memset(p, 0, sizeof(*p));
	p->name = path;
	p->pgt = (struct pgt){ .enc = mm.pgt.enc, .alloc_table = table_page, .p2v = table_p2v };
	if (pgt_create(&p->pgt)) {
		pr_err("user: %s: no memory", path);
		return USER_RUN_NOLOAD;
	}
	/* The core's upper half, shared: its tables below these entries are the same pages. */
	const uint64_t *kl4 = phys_to_virt(mm.pgt.root);
	uint64_t *l4 = phys_to_virt(p->pgt.root);
	for (unsigned i = 256; i < 512; i++)
		l4[i] = kl4[i];
	usys_init(&p->sys, &ops, p, rootfs(), USER_MAX_PAGES);

	uint64_t entry, sp;
	long rc;
	if (load(p, path, &entry, &sp)) {
		rc = USER_RUN_NOLOAD;
	} else {
		struct trap_frame f;
		memset(&f, 0, sizeof(f));
		f.rip = entry;
		f.rsp = sp;
		f.cs = USER_CS;
		f.ss = USER_SS;
		f.rflags = 0x2; /* IF clear: nothing preempts a program (process.h) */
		pr_info("user: starting %s (%s, entry 0x%lx, %lu pages)", path,
			plan.type == ELF64_ET_DYN ? "static PIE" : "static executable", (unsigned long)entry,
			(unsigned long)p->sys.pages);
		__asm__ volatile("fxrstor64 %0" : : "m"(fx_clean));
		wrmsr(MSR_FS_BASE, 0);
		wrmsr(MSR_KERNEL_GS_BASE, 0); /* the program's GS after SWAPGS */
		current = p;
		write_cr3(p->pgt.root);
		uint64_t t0 = rdtsc();
		rc = user_enter(&f, &p->kctx);
		uint64_t cycles = rdtsc() - t0;
		write_cr3(mm.pgt.root);
		current = 0;
		/* Its vector state into its area, then the reset state: the next program sees none of it. */
		__asm__ volatile("fxsave64 %0" : "=m"(p->fx));
		__asm__ volatile("fxrstor64 %0" : : "m"(fx_clean));
		wrmsr(MSR_FS_BASE, 0);
		if (rc >= 0)
			pr_info("user: %s exited with status %ld (%lu system calls answered -ENOSYS, %lu Mcycles)", path,
				rc, (unsigned long)p->sys.enosys_count, (unsigned long)(cycles >> 20));
	}
	destroy(p);
	if (mm.pool.nfree != free_before)
		pr_warn("user: %s: %ld pages not given back", path, (long)(free_before - mm.pool.nfree));
	return (int)rc;
}

void user_run_init(void)
{
	const struct igfs *fs = rootfs();
	uint32_t ino;
	if (!fs || igfs_lookup(fs, "/init", 5, true, &ino))
		return;
	user_run("/init");
#ifdef SVSM_TEST_USER_DIR
	/* Test build: every regular file of the directory, in name order, one after another. */
	static char path[IGFS_PATH_MAX + 1];
	const char *dir = SVSM_TEST_USER_DIR;
	uint32_t d, child;
	if (igfs_lookup(fs, dir, strlen(dir), true, &d))
		return;
	for (uint64_t i = 0; !igfs_readdir(fs, d, i, &child); i++) {
		struct igfs_stat st;
		if (igfs_stat(fs, child, &st) || !igfs_is_reg(st.mode) || igfs_path(fs, child, path, sizeof(path)))
			continue;
		user_run(path);
	}
#endif
}
