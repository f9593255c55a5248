/* SPDX-License-Identifier: MIT */
/*
 * status.h — the one table of process exit codes shared by every binary.
 *
 * Every command maps its failure to exactly one of these, and the man pages
 * document the same numbers. They are part of the command-line contract:
 * scripts test them, so never renumber.
 */
#ifndef IB_STATUS_H
#define IB_STATUS_H

enum ib_exit {
	IB_EXIT_OK = 0,       /* success; for --check: the input is valid */
	IB_EXIT_INVALID = 1,  /* an input broke a format rule (file, offset, rule named on stderr) */
	IB_EXIT_USAGE = 2,    /* bad command line */
	IB_EXIT_IO = 3,       /* a file could not be read or written */
	IB_EXIT_INTERNAL = 4, /* out of memory, or a library failed */
	IB_EXIT_MISMATCH = 5, /* inputs are well-formed but a check failed: digest or ID block
	                         mismatch, bad ID block signature, KVM rule; `igvmmeasure report`:
	                         a policy check (a report field not as expected);
	                         `igvmbuild run`: the guest reported a failure (self-test) */
	IB_EXIT_GUEST_CRASH = 6, /* `igvmbuild run`: the guest crashed (fatal exception reported by the
	                            guest, triple fault / reset, or QEMU died) */
	IB_EXIT_GUEST_HANG = 7,  /* `igvmbuild run`: the guest did not finish within --timeout */
	IB_EXIT_NOT_AUTHENTIC = 8, /* `igvmmeasure report`: the report is not proven to come from an AMD
	                              part: signature, certificate chain, or VCEK/VLEK bound to another
	                              TCB or chip */
	IB_EXIT_REVOKED = 9,       /* `igvmmeasure report`: a certificate of the chain is revoked, or
	                              the CRL given cannot be trusted or is not current */
};

/* Printed by every tool before a message: "<prog>: ". Set once in main(). */
extern const char *ib_progname;

/* One-line diagnostics on stderr, prefixed with the program name. */
void ib_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ib_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
