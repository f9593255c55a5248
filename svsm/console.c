/* SPDX-License-Identifier: MIT */
/* console.c — see console.h. */
#include "console.h"

#include <stdarg.h>

#include <stdatomic.h>

#include "arch/cpu.h"
#include "lib/fmt.h"
#include "percpu.h"

static uint16_t port;
static int enabled;
static enum log_level max_lvl = LOG_INFO;
static char early[4096];
static unsigned early_len;

/* One line at a time from any CPU. The owner may take it again (a fault while it prints
 * reaches the fatal dump on the same CPU), so the lock names its owner instead of being
 * a plain spinlock. */
static atomic_int owner = -1;

static int lock_line(void)
{
	struct percpu *p = this_cpu();
	int me = p ? (int)p->cpu_index : 0, free = -1;
	if (atomic_load(&owner) == me)
		return 0; /* already ours: the caller must not release it */
	while (!atomic_compare_exchange_weak(&owner, &free, me)) {
		free = -1;
		__asm__ volatile("pause");
	}
	return 1;
}

static void unlock_line(int taken)
{
	if (taken)
		atomic_store(&owner, -1);
}

static void hw_putc(char c)
{
	/* Bounded wait for the transmit holding register: QEMU's is always empty,
	 * and a console must not hang the core on a broken UART. */
	for (int i = 0; i < 100000 && !(inb((uint16_t)(port + 5)) & 0x20); i++)
		;
	outb(port, (uint8_t)c);
}

static void emit(const char *s)
{
	for (; *s; s++) {
		if (!enabled) {
			if (early_len < sizeof(early))
				early[early_len++] = *s;
			continue;
		}
		if (!port)
			continue;
		if (*s == '\n')
			hw_putc('\r');
		hw_putc(*s);
	}
}

void console_init(uint16_t p, enum log_level lvl)
{
	port = p;
	max_lvl = lvl;
}

void console_enable(void)
{
	enabled = 1;
	if (port) {
		outb((uint16_t)(port + 1), 0x00); /* no interrupts */
		outb((uint16_t)(port + 3), 0x80); /* DLAB */
		outb((uint16_t)(port + 0), 0x01); /* 115200 baud */
		outb((uint16_t)(port + 1), 0x00);
		outb((uint16_t)(port + 3), 0x03); /* 8N1 */
		outb((uint16_t)(port + 2), 0xC7); /* FIFO */
	}
	char buf[sizeof(early) + 1];
	for (unsigned i = 0; i < early_len; i++)
		buf[i] = early[i];
	buf[early_len] = 0;
	early_len = 0;
	emit(buf);
}

void console_write(const char *s)
{
	int t = lock_line();
	emit(s);
	unlock_line(t);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const tag[] = { "[ERR]  ", "[WARN] ", "[INFO] ", "[DBG]  " };
	if (lvl > max_lvl)
		return;
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	int t = lock_line();
	emit(tag[lvl]);
	emit(buf);
	emit("\n");
	unlock_line(t);
}
