/* SPDX-License-Identifier: MIT */
/* idt.c — see idt.h. */
#include "idt.h"

#include <stdarg.h>

#include "../console.h"
#include "../lib/fmt.h"
#include "../percpu.h"
#include "../platform.h"
#include "../smp.h"
#include "cpu.h"
#include "gdt.h"
#include "guest_access.h"
#include "../user/process.h"

extern const uint64_t exc_stub_table[32], irq_stub_ipi, irq_stub_timer, irq_stub_spurious;

struct __attribute__((packed)) idt_entry {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_entry) == 16, "IDT entry is 16 bytes");

static struct idt_entry idt[256]; /* gates 0-31 and the three vectors of idt.h; the rest not present */

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
	"#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

const char *exception_name(unsigned v)
{
	return v < 32 ? names[v] : "interrupt";
}

static void gate(unsigned v, uint64_t a)
{
	idt[v].off0 = (uint16_t)a;
	idt[v].sel = SEL_CODE64;
	/* IST1 where the current stack cannot be trusted. Not for #HV (28): it arrives in
	 * ring 0 on a good stack, and may nest (snp/hv_doorbell.h). */
	idt[v].ist = (v == 2 || v == 8 || v == 18) ? 1 : 0;
	idt[v].type = 0x8E; /* present, DPL 0, 64-bit interrupt gate */
	idt[v].off1 = (uint16_t)(a >> 16);
	idt[v].off2 = (uint32_t)(a >> 32);
	idt[v].reserved = 0;
}

void idt_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

void idt_init(void)
{
	for (unsigned v = 0; v < 32; v++)
		gate(v, exc_stub_table[v]);
	gate(IDT_IPI_VECTOR, irq_stub_ipi);
	gate(IDT_TIMER_VECTOR, irq_stub_timer);
	gate(IDT_SPURIOUS_VECTOR, irq_stub_spurious);
	idt_load();
}

static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void line(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf);
}

void fatal_frame(const struct trap_frame *f, const char *why)
{
	unsigned v = (unsigned)f->vector & 255;
	/* SNP before the GHCB, or a fault inside #VC handling: a port write would #VC again. */
	if (!platform_can_print())
		platform_exit(PLATFORM_EXIT_CRASH);
	struct percpu *cpu = this_cpu();
	line("\n*** EXCEPTION %s (vector %u) on CPU %u, error code 0x%lx: %s\n", v < 32 ? names[v] : "interrupt", v,
	     cpu ? cpu->cpu_index : 0, (unsigned long)f->error_code, why);
	line("faulting address: RIP=%016lx", (unsigned long)f->rip);
	if (v == 14)
		line(" CR2=%016lx", (unsigned long)read_cr2());
	line("\n");
	line("RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n", (unsigned long)f->rax,
	     (unsigned long)f->rbx, (unsigned long)f->rcx, (unsigned long)f->rdx);
	line("RSI=%016lx RDI=%016lx RBP=%016lx RSP=%016lx\n", (unsigned long)f->rsi,
	     (unsigned long)f->rdi, (unsigned long)f->rbp, (unsigned long)f->rsp);
	line("R8 =%016lx R9 =%016lx R10=%016lx R11=%016lx\n", (unsigned long)f->r8,
	     (unsigned long)f->r9, (unsigned long)f->r10, (unsigned long)f->r11);
	line("R12=%016lx R13=%016lx R14=%016lx R15=%016lx\n", (unsigned long)f->r12,
	     (unsigned long)f->r13, (unsigned long)f->r14, (unsigned long)f->r15);
	line("RFLAGS=%016lx CS=%04lx SS=%04lx CR0=%016lx CR3=%016lx CR4=%016lx\n",
	     (unsigned long)f->rflags, (unsigned long)f->cs, (unsigned long)f->ss,
	     (unsigned long)read_cr0(), (unsigned long)read_cr3(), (unsigned long)read_cr4());
	line("*** halted\n");
	platform_exit(PLATFORM_EXIT_CRASH);
}

/*
 * The instructions allowed to fault: a fault whose RIP lies in [begin, end) resumes at
 * `resume`, which returns -1 to the accessor's caller (Linux's exception table, with a
 * range per accessor family). Guest memory may raise #VC as well as #PF (guest_access.h);
 * user memory only #PF (user/process.h).
 */
static const struct {
	const char *begin, *end, *resume;
	bool guest; /* #VC too, and counted in the per-CPU guest_fault record */
} fault_ranges[] = {
	{ guest_access_begin, guest_access_end, guest_access_fault, true },
	{ user_access_begin, user_access_end, user_access_fault, false },
};

static bool access_fixup(struct trap_frame *f)
{
	for (size_t i = 0; i < sizeof(fault_ranges) / sizeof(fault_ranges[0]); i++) {
		bool guest = fault_ranges[i].guest;
		if (f->rip < (uint64_t)(uintptr_t)fault_ranges[i].begin ||
		    f->rip >= (uint64_t)(uintptr_t)fault_ranges[i].end ||
		    (f->vector != 14 && !(guest && f->vector == 29)))
			continue;
		struct percpu *cpu = this_cpu();
		if (guest && cpu) {
			cpu->guest_fault.count++;
			cpu->guest_fault.last_vector = (unsigned)f->vector;
			cpu->guest_fault.last_error = f->error_code;
		}
		f->rip = (uint64_t)(uintptr_t)fault_ranges[i].resume;
		return true;
	}
	return false;
}

void exception_dispatch(struct trap_frame *f)
{
	/* Ring 3: interrupts and what the platform handles go back to the program; a fault
	 * ends that program, never the core (user/process.h). */
	if ((f->cs & 3) == 3) {
		user_trap(f);
		return;
	}
	/* Before everything else: the #VC handler would take a guest access it cannot
	 * decode for a fatal error. */
	if (access_fixup(f))
		return;
	struct percpu *cpu = this_cpu();
	if (cpu && cpu->expect.vector == (int)f->vector) {
		cpu->expect.vector = -1;
		cpu->expect.hit = 1;
		cpu->expect.error_code = f->error_code;
		cpu->expect.cr2 = f->vector == 14 ? read_cr2() : 0;
		f->rip = cpu->expect.fixup_rip;
		return;
	}
	if (f->vector == IDT_IPI_VECTOR) {
		smp_ipi_interrupt();
		return;
	}
	if (f->vector == IDT_SPURIOUS_VECTOR)
		return; /* no EOI for a spurious interrupt */
	if (f->vector == IDT_TIMER_VECTOR) {
		user_watchdog_stale();
		return;
	}
	if (f->vector == 29 && platform_handle_vc(f))
		return;
	if (f->vector == 28 && platform_handle_hv(f))
		return;
	fatal_frame(f, f->vector == 29 ? "unhandled #VC" : "unexpected exception");
}
