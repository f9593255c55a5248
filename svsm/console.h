/* SPDX-License-Identifier: MIT */
/*
 * console.h — log output on the debug serial port (16550 at the port the
 * launch information names) with log levels.
 *
 * The console writes with OUT instructions on every platform: natively they
 * reach the port; in an SNP guest they raise #VC and the #VC handler turns
 * them into GHCB I/O exits. Until the platform says port I/O works
 * (console_enable()) — on SNP, until the GHCB is registered — messages are
 * kept in a buffer and written out at that point.
 */
#ifndef SVSM_CONSOLE_H
#define SVSM_CONSOLE_H

#include <stdint.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void console_init(uint16_t port, enum log_level max_level);
void console_enable(void);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Unbuffered raw line, for the exception path: goes out even at LOG_ERR filters. */
void console_write(const char *s);

#define pr_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
