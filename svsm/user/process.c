/* SPDX-License-Identifier: MIT */
/* process.c — see process.h. */
#include "process.h"

#include "../arch/cpu.h"
#include "../arch/gdt.h"
#include "../arch/hwrng.h"
#include "../arch/idt.h"
#include "../arch/lapic.h"
#include "../arch/tsc.h"
#include "../console.h"
#include "../fs/rootfs.h"
#include "../lib/string.h"
#include "../mm/mm.h"
#include "../percpu.h"
#include "../platform.h"
#include "../smp.h"
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
#define RFLAGS_IF   0x200ull
#define STACK_BUILD 16384u /* bytes of the stack top built by uelf_stack */

struct user_kctx {
	uint64_t rsp;
};

long user_enter(const struct trap_frame *f, struct user_kctx *ctx);
__attribute__((noreturn)) void user_leave(struct user_kctx *ctx, long value);
int user_copy(void *dst, const void *src, uint64_t n);
extern void syscall_entry(void);

uint8_t user_smap_on; /* read by the entry code: STAC/CLAC only where they exist */
static int has_smep, has_rdrand;

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
	struct fxarea fx; /* its vector state while it is not running */
	char line[160];
	unsigned line_len;
	unsigned enosys_logged;
	/* A service process (user_service_start): suspended in its serve call between requests. */
	bool service;
	struct trap_frame frame;   /* where it resumes: the serve call's return */
	uint64_t req_va, req_cap;  /* its request buffer, from that call */
	const void *req;           /* the request being handed over (kernel memory) */
	uint64_t req_len;
	void *reply;               /* where its reply goes (kernel memory), reply_cap bytes */
	uint64_t reply_cap, reply_len;
	uint64_t deadline;         /* TSC: the watchdog ends it after this; 0: no watchdog */
	unsigned budget_ms;
};

/* /init (and the test directory's programs), one at a time, and one service process. */
static struct uproc procs[2];
static struct uelf_plan plan;
static uint8_t stack_build[STACK_BUILD];
static bool watchdog_ok;
static uint64_t watchdog_hz;

static struct uproc *running(void)
{
	struct percpu *cpu = this_cpu();
	return cpu ? cpu->user_proc : NULL;
}

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
	struct percpu *cpu = this_cpu();
	if (cpu->cpu_index != 0) {
		if (watchdog_ok)
			lapic_timer_stop();
		return;
	}
	/* The watchdog: the native platform's local APIC timer. On SNP the core takes no
	 * interrupts (the hypervisor would choose when), so a hung service is not bounded. */
	if (platform->type == LAUNCH_PLATFORM_NATIVE && lapic_init()) {
		lapic_init_cpu();
		lapic_timer_stop();
		watchdog_hz = lapic_timer_hz();
		watchdog_ok = watchdog_hz != 0;
	}
	pr_info("user: SYSCALL/SYSRET, NX, SMEP %s, SMAP %s, FXSAVE state per process, RDRAND %s, %u pages per process, watchdog %s",
		has_smep ? "on" : "absent", user_smap_on ? "on" : "absent", has_rdrand ? "yes" : "no",
		USER_MAX_PAGES, watchdog_ok ? "local APIC timer" : "none (a hung service is not bounded)");
}

bool user_watchdog(void)
{
	return watchdog_ok;
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

/* getrandom and AT_RANDOM: RDSEED first, RDRAND after (arch/hwrng.h), as the vTPM's seeds need. */
static int op_random(void *ctx, void *buf, uint64_t n)
{
	(void)ctx;
	return hwrng_seed(buf, n);
}

static uint64_t op_clock_ns(void *ctx)
{
	(void)ctx;
	return tsc_to_ns(rdtsc());
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

/* Ends the running process: back to the kernel code that entered it, with rc. */
__attribute__((noreturn)) static void end(struct uproc *p, long rc)
{
	flush_line(p);
	user_leave(&p->kctx, rc);
}

/* The serve call of a service process (process.h): its reply to the kernel's buffer, then
 * suspended where the call returns, until the next request (user_service_call). */
__attribute__((noreturn)) static void serve(struct uproc *p, const struct trap_frame *f, const uint64_t a[6])
{
	uint64_t rep = a[0], rlen = a[1], req = a[2], rcap = a[3];
	const char *bad = NULL;
	if (!usys_range_ok(rep, rlen) || !usys_range_ok(req, rcap))
		bad = "a buffer outside user space";
	else if (p->reply ? (!rlen || rlen > p->reply_cap) : rlen != 0)
		bad = p->reply ? "a reply of no or too many bytes" : "a reply before any request";
	else if (rlen && user_copy(p->reply, (const void *)(uintptr_t)rep, rlen))
		bad = "a reply it cannot read";
	if (bad) {
		pr_err("user: %s killed: serve with %s", p->name, bad);
		end(p, USER_RUN_KILLED);
	}
	p->reply_len = rlen;
	p->req_va = req;
	p->req_cap = rcap;
	p->frame = *f;
	end(p, USER_RUN_SERVED);
}

void user_syscall(struct trap_frame *f)
{
	struct uproc *p = running();
	uint64_t nr = f->rax, a[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	/* SYSRET to a RIP that is not a user address faults in ring 0 on the program's stack
	 * (and a resumed service returns there too): end it first. */
	if (f->rip < USYS_USER_LO || f->rip >= USYS_USER_TOP) {
		pr_err("user: %s killed: return address 0x%lx outside user space", p->name, (unsigned long)f->rip);
		end(p, USER_RUN_KILLED);
	}
	f->rflags = (f->rflags & RFLAGS_USER) | 0x2 | (p->deadline ? RFLAGS_IF : 0);
	if (p->service && nr == USER_SERVE_SYSCALL)
		serve(p, f, a);
	long r = usys_call(&p->sys, nr, a);
	if (p->sys.exited)
		end(p, p->sys.status);
	if (r == -USYS_ENOSYS && !usys_known(nr) && p->enosys_logged < 8) {
		p->enosys_logged++;
		pr_info("user: %s: system call %lu is not supported (-ENOSYS)", p->name, (unsigned long)nr);
	}
	f->rax = (uint64_t)r;
}

/* #VC and #HV from ring 3 (SNP): what the platform handles goes back to the program. */
static bool platform_trap(struct trap_frame *f)
{
	if (f->vector == 29) {
		uint8_t insn[15];
		unsigned n = 0;
		/* The instruction's bytes through the fault-recovering copy (SMAP, and the page
		 * may be gone): as many as are readable. */
		while (n < sizeof(insn) && f->rip + n < USYS_USER_TOP &&
		       !user_copy(&insn[n], (const void *)(uintptr_t)(f->rip + n), 1))
			n++;
		return platform_handle_vc_user(f, insn, n);
	}
	return f->vector == 28 && platform_handle_hv(f);
}

void user_trap(struct trap_frame *f)
{
	struct uproc *p = running();
	unsigned v = (unsigned)f->vector & 255;
	if (!p) /* ring 3 with no process: cannot happen; the core's own fatal path says so */
		fatal_frame(f, "exception from ring 3 with no process");
	if (v == IDT_IPI_VECTOR) {
		smp_ipi_interrupt();
		return;
	}
	if (v == IDT_SPURIOUS_VECTOR)
		return;
	if (v == IDT_TIMER_VECTOR) {
		if (p->deadline && rdtsc() >= p->deadline) {
			lapic_eoi();
			pr_err("user: %s killed: no reply within %u ms (watchdog)", p->name, p->budget_ms);
			end(p, USER_RUN_HUNG);
		}
		lapic_eoi(); /* an early or stale tick: the deadline is re-armed on entry */
		return;
	}
	if (platform_trap(f))
		return;
	flush_line(p);
	pr_err("user: %s killed: %s (vector %u) at RIP=0x%lx CR2=0x%lx error code 0x%lx RSP=0x%lx", p->name,
	       exception_name(v), v, (unsigned long)f->rip, (unsigned long)(v == 14 ? read_cr2() : 0),
	       (unsigned long)f->error_code, (unsigned long)f->rsp);
	end(p, USER_RUN_KILLED);
}

void user_watchdog_stale(void)
{
	/* A tick that fired after the process it was armed for returned (IF = 0 in the core). */
	if (watchdog_ok)
		lapic_eoi();
}

/* The ELF image at (data, size) named `name` into p's pages, and its initial stack. */
static int load(struct uproc *p, const char *name, const uint8_t *data, uint64_t size, uint64_t *entry, uint64_t *sp)
{
	/* The break may grow USYS_BRK_MAX past the image without reaching the mappings. */
	static const struct uelf_limits lim = { USYS_USER_LO, USYS_MMAP_LO - USYS_BRK_MAX, USYS_IMAGE_MAX };
	int rc = uelf_plan(data, size, &lim, USYS_PIE_BASE, &plan);
	if (rc) {
		pr_err("user: %s: not a program: %s", name, uelf_strerror(rc));
		return -1;
	}
	for (uint32_t i = 0; i < plan.nseg; i++) {
		const struct uelf_segment *s = &plan.seg[i];
		uint32_t prot = ((s->prot & UELF_PROT_R) ? USYS_PROT_R : 0) | ((s->prot & UELF_PROT_W) ? USYS_PROT_W : 0) |
				((s->prot & UELF_PROT_X) ? USYS_PROT_X : 0);
		if (usys_map_fixed(&p->sys, s->vaddr, s->size, prot) ||
		    poke(p, s->data_vaddr, data + s->file_offset, s->file_size)) {
			pr_err("user: %s: no memory for its segments", name);
			return -1;
		}
	}
	usys_set_brk(&p->sys, plan.brk);
	if (usys_map_fixed(&p->sys, USYS_STACK_TOP - USYS_STACK_SIZE, USYS_STACK_SIZE, USYS_PROT_R | USYS_PROT_W)) {
		pr_err("user: %s: no memory for its stack", name);
		return -1;
	}
	static const char *const envp[] = { "HOME=/", "PATH=/bin" };
	const char *argv[] = { name };
	uint8_t rnd[16];
	uint32_t r[4];
	cpuid(1, 0, r);
	if (op_random(0, rnd, sizeof(rnd)))
		for (unsigned i = 0; i < sizeof(rnd); i++) /* no RDRAND: still distinct per boot */
			rnd[i] = (uint8_t)(rdtsc() >> (i % 8));
	struct uelf_stack_args args = {
		.argv = argv, .argc = 1, .envp = envp, .envc = 2, .execfn = name, .random = rnd,
		.hwcap = r[3], .clktck = 100,
	};
	memset(stack_build, 0, sizeof(stack_build));
	rc = uelf_stack(&plan, &args, stack_build, sizeof(stack_build), USYS_STACK_TOP, sp);
	if (rc || poke(p, USYS_STACK_TOP - sizeof(stack_build), stack_build, sizeof(stack_build))) {
		pr_err("user: %s: initial stack: %s", name, uelf_strerror(rc));
		return -1;
	}
	*entry = plan.entry;
	return 0;
}

/* A fresh process in p for the program at (data, size): 0 and its first frame, or -1 (logged,
 * p's pages given back). */
static int create(struct uproc *p, const char *name, const uint8_t *data, uint64_t size, struct trap_frame *f)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->fx = fx_clean;
	p->pgt = (struct pgt){ .enc = mm.pgt.enc, .alloc_table = table_page, .p2v = table_p2v };
	if (pgt_create(&p->pgt)) {
		pr_err("user: %s: no memory", name);
		return -1;
	}
	/* The core's upper half, shared: its tables below these entries are the same pages. */
	const uint64_t *kl4 = phys_to_virt(mm.pgt.root);
	uint64_t *l4 = phys_to_virt(p->pgt.root);
	for (unsigned i = 256; i < 512; i++)
		l4[i] = kl4[i];
	usys_init(&p->sys, &ops, p, rootfs(), USER_MAX_PAGES);
	uint64_t entry, sp;
	if (load(p, name, data, size, &entry, &sp)) {
		destroy(p);
		return -1;
	}
	memset(f, 0, sizeof(*f));
	f->rip = entry;
	f->rsp = sp;
	f->cs = USER_CS;
	f->ss = USER_SS;
	f->rflags = 0x2; /* IF clear unless a watchdog is armed (process.h) */
	pr_info("user: starting %s (%s, entry 0x%lx, %lu pages)", name,
		plan.type == ELF64_ET_DYN ? "static PIE" : "static executable", (unsigned long)entry,
		(unsigned long)p->sys.pages);
	return 0;
}

/* Runs p on this CPU from frame f until it serves, exits or is ended: the result. A pending
 * request is copied into its buffer first (with its page tables live). */
static long enter(struct uproc *p, struct trap_frame *f, unsigned budget_ms)
{
	struct percpu *cpu = this_cpu();
	__asm__ volatile("fxrstor64 %0" : : "m"(p->fx));
	wrmsr(MSR_FS_BASE, p->sys.fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, 0); /* the program's GS after SWAPGS */
	cpu->user_proc = p;
	write_cr3(p->pgt.root);
	long rc = 0;
	if (p->req && user_copy((void *)(uintptr_t)p->req_va, p->req, p->req_len)) {
		pr_err("user: %s killed: its request buffer cannot be written", p->name);
		rc = USER_RUN_KILLED;
	}
	p->req = NULL;
	p->deadline = 0;
	if (!rc) {
		if (budget_ms && watchdog_ok) {
			uint64_t ticks = watchdog_hz / 1000u * budget_ms;
			p->budget_ms = budget_ms;
			p->deadline = rdtsc() + (uint64_t)tsc_khz() * budget_ms;
			f->rflags |= RFLAGS_IF;
			lapic_timer_oneshot(IDT_TIMER_VECTOR, ticks > 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)ticks);
		} else {
			f->rflags &= ~RFLAGS_IF;
		}
		rc = user_enter(f, &p->kctx);
		if (p->deadline)
			lapic_timer_stop();
	}
	write_cr3(mm.pgt.root);
	cpu->user_proc = NULL;
	/* Its vector state into its area, then the reset state: the next program sees none of it. */
	__asm__ volatile("fxsave64 %0" : "=m"(p->fx));
	__asm__ volatile("fxrstor64 %0" : : "m"(fx_clean));
	wrmsr(MSR_FS_BASE, 0);
	return rc;
}

static void finish(struct uproc *p, uint64_t free_before)
{
	destroy(p);
	if (free_before && mm.pool.nfree != free_before)
		pr_warn("user: %s: %ld pages not given back", p->name, (long)(free_before - mm.pool.nfree));
	p->name = NULL;
}

int user_run_image(const char *name, const void *data, uint64_t size)
{
	struct uproc *p = &procs[0];
	uint64_t free_before = mm.pool.nfree;
	struct trap_frame f;
	if (create(p, name, data, size, &f))
		return USER_RUN_NOLOAD;
	uint64_t t0 = rdtsc();
	long rc = enter(p, &f, 0);
	uint64_t cycles = rdtsc() - t0;
	if (rc >= 0)
		pr_info("user: %s exited with status %ld (%lu system calls answered -ENOSYS, %lu Mcycles)", name, rc,
			(unsigned long)p->sys.enosys_count, (unsigned long)(cycles >> 20));
	finish(p, free_before);
	return (int)rc;
}

int user_run(const char *path)
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
		return USER_RUN_NOLOAD;
	}
	return user_run_image(path, data, size);
}

/* ---- service processes -------------------------------------------------------------------- */

/* The end of a service process that did not serve: its pages back, *pp cleared. */
static long service_gone(struct uproc **pp, long rc)
{
	struct uproc *p = *pp;
	if (rc >= 0)
		pr_err("user: %s exited with status %ld (a service must not exit)", p->name, rc);
	finish(p, 0);
	*pp = NULL;
	return rc >= 0 ? USER_RUN_KILLED : rc;
}

struct uproc *user_service_start(const char *name, const void *elf, uint64_t size, unsigned budget_ms)
{
	struct uproc *p = &procs[1];
	if (p->name) {
		pr_err("user: %s: the service slot is taken by %s", name, p->name);
		return NULL;
	}
	struct trap_frame f;
	if (create(p, name, elf, size, &f))
		return NULL;
	p->service = true;
	long rc = enter(p, &f, budget_ms);
	if (rc != USER_RUN_SERVED) {
		service_gone(&p, rc);
		return NULL;
	}
	return p;
}

long user_service_call(struct uproc **pp, const void *req, uint64_t len, void *rsp, uint64_t cap, unsigned budget_ms)
{
	struct uproc *p = *pp;
	if (!p)
		return USER_RUN_NOLOAD;
	if (len > p->req_cap) {
		pr_err("user: %s killed: a request of %lu bytes for a buffer of %lu", p->name, (unsigned long)len,
		       (unsigned long)p->req_cap);
		return service_gone(pp, USER_RUN_KILLED);
	}
	p->req = req;
	p->req_len = len;
	p->reply = rsp;
	p->reply_cap = cap;
	p->reply_len = 0;
	p->frame.rax = len;
	struct trap_frame f = p->frame;
	long rc = enter(p, &f, budget_ms);
	p->reply = NULL;
	if (rc != USER_RUN_SERVED)
		return service_gone(pp, rc);
	return (long)p->reply_len;
}

void user_service_stop(struct uproc **pp)
{
	if (*pp) {
		finish(*pp, 0);
		*pp = NULL;
	}
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
