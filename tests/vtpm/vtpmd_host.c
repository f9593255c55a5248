/* SPDX-License-Identifier: MIT */
/*
 * vtpmd_host.c (test_vtpmd_host) — runs the real vtpmd binaries the core will start
 * ($B/svsm/vtpmd.elf, $B/svsm/test/vtpmd-seed.elf) on this Linux host, with this
 * program in the core's place on the channel (svsm/vtpm/chan.h).
 *
 * How: fork, PTRACE_TRACEME, exec; the child stops at every system call
 * (PTRACE_SYSCALL). Linux runs every call for real (write, mmap, getrandom,
 * arch_prctl, ...: the subset the core implements) except VTPM_CHAN_SYSCALL,
 * which is emulated here: at its entry the reply is read out of the child
 * (process_vm_readv) and the call is cancelled (orig_rax = -1, so Linux runs
 * nothing); at its exit the next request is written into the child's buffer
 * (process_vm_writev) and RAX set to its length. Every reply goes through the
 * core's own checks (vtpm_chan_check_reply / _identity).
 *
 * What: the first call says "ready"; unknown ops and EXECUTE before START are
 * error replies; START refuses the test seed in production and manufactures from
 * templates/vtpm-default.xml; TPM commands (Startup, GetRandom, CreatePrimary of
 * the EK) through EXECUTE; HASH against known digests; VERIFY of a signature made
 * here by OpenSSL (and of a broken one); RESET; RESTORE of the saved identity and
 * state into a fresh process, which derives the same EK; in production the test
 * command codes reach the TPM (TPM_RC_COMMAND_CODE); in vtpmd-seed.elf the fault
 * code kills the process with SIGSEGV and the hang code keeps it running.
 *
 * Where ptrace is not allowed (containers, seccomp), every check is reported as
 * skipped with the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../unit/tap.h"

#include "../../igvmbuild/build.h"
#include "../../svsm/vtpm/chan.h"
#include "../../svsm/vtpm/cmds.h"
#include "../../svsm/vtpm/ek.h"
#include "../../svsm/vtpm/tpm.h"

#define HDR sizeof(struct vtpm_chan_hdr)

struct proc {
	pid_t pid;
	bool alive;
	int status;          /* waitpid status once it ended */
	uint64_t req_addr, req_cap;
};

static uint8_t msg[VTPM_CHAN_MAX], rsp[VTPM_CHAN_MAX];
static size_t rsp_len;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* waitpid with a deadline: 0, or -1 when it passed (or waitpid failed). */
static int wait_child(pid_t pid, int *st, unsigned timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	for (;;) {
		pid_t r = waitpid(pid, st, WNOHANG | __WALL);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= end)
			return -1;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
}

static void proc_kill(struct proc *p)
{
	if (!p->alive)
		return;
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &p->status, __WALL);
	p->alive = false;
}

/* 0: running, stopped after exec; 1: ptrace refused (why says so); -1: failed (why). */
static int proc_start(struct proc *p, const char *path, char *why, size_t whylen)
{
	int fds[2];
	memset(p, 0, sizeof(*p));
	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		int e[2] = { 0, 0 };
		close(fds[0]);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL)) {
			e[1] = errno;
		} else {
			char *argv[] = { (char *)path, NULL }, *envp[] = { NULL };
			execve(path, argv, envp);
			e[0] = 1, e[1] = errno;
		}
		if (write(fds[1], e, sizeof(e)) != (ssize_t)sizeof(e))
			_exit(126);
		_exit(127);
	}
	close(fds[1]);
	int e[2];
	ssize_t n = read(fds[0], e, sizeof(e));
	close(fds[0]);
	p->pid = pid;
	p->alive = true;
	if (n == (ssize_t)sizeof(e)) {
		waitpid(pid, &p->status, __WALL);
		p->alive = false;
		snprintf(why, whylen, "%s: %s", e[0] ? path : "ptrace(PTRACE_TRACEME)", strerror(e[1]));
		return e[0] ? -1 : 1;
	}
	int st;
	if (wait_child(pid, &st, 10000) || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
		snprintf(why, whylen, "%s did not stop after exec", path);
		proc_kill(p);
		return -1;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))) {
		snprintf(why, whylen, "ptrace(PTRACE_SETOPTIONS): %s", strerror(errno));
		proc_kill(p);
		return errno == EPERM ? 1 : -1;
	}
	return 0;
}

/*
 * Runs the child until it enters the channel call: its reply lands in rsp/rsp_len
 * and the child waits, stopped at the call's exit, for proc_send. 1: there; 0: the
 * process ended (p->status); -1: still running after timeout_ms, or a ptrace error.
 */
static int proc_next(struct proc *p, unsigned timeout_ms)
{
	int sig = 0;
	bool in_call = false;
	uint64_t end = now_ms() + timeout_ms;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, p->pid, NULL, (void *)(long)sig))
			return -1;
		sig = 0;
		int st;
		uint64_t t = now_ms();
		if (wait_child(p->pid, &st, t >= end ? 0 : (unsigned)(end - t)))
			return -1;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			p->status = st;
			p->alive = false;
			return 0;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			sig = WSTOPSIG(st); /* a signal for the child: delivered */
			continue;
		}
		in_call = !in_call;
		if (!in_call)
			continue;
		struct user_regs_struct r;
		if (ptrace(PTRACE_GETREGS, p->pid, NULL, &r))
			return -1;
		if (r.orig_rax != VTPM_CHAN_SYSCALL)
			continue;
		if (r.rsi > sizeof(rsp)) {
			diag("reply of %llu bytes", (unsigned long long)r.rsi);
			return -1;
		}
		struct iovec local = { rsp, r.rsi }, remote = { (void *)r.rdi, r.rsi };
		if (r.rsi && process_vm_readv(p->pid, &local, 1, &remote, 1, 0) != (ssize_t)r.rsi)
			return -1;
		rsp_len = r.rsi;
		p->req_addr = r.rdx;
		p->req_cap = r.r10;
		r.orig_rax = (unsigned long long)-1; /* Linux runs nothing */
		if (ptrace(PTRACE_SETREGS, p->pid, NULL, &r) || ptrace(PTRACE_SYSCALL, p->pid, NULL, NULL) ||
		    wait_child(p->pid, &st, 10000) || !WIFSTOPPED(st) || WSTOPSIG(st) != (SIGTRAP | 0x80))
			return -1;
		return 1;
	}
}

/* The next request (msg, n bytes) into the waiting child: 0 or -1. */
static int proc_send(struct proc *p, size_t n)
{
	struct user_regs_struct r;
	struct iovec local = { msg, n }, remote = { (void *)p->req_addr, n };
	if (n > p->req_cap || process_vm_writev(p->pid, &local, 1, &remote, 1, 0) != (ssize_t)n ||
	    ptrace(PTRACE_GETREGS, p->pid, NULL, &r))
		return -1;
	r.rax = n;
	return ptrace(PTRACE_SETREGS, p->pid, NULL, &r) ? -1 : 0;
}

/* One request; the reply (checked like the core does) in rsp. Returns its status, or -1
 * for no valid reply. */
static long transact(struct proc *p, uint32_t op, uint32_t arg, const void *payload, size_t len, unsigned timeout_ms)
{
	struct vtpm_chan_hdr h;
	char err[128];
	vtpm_chan_hdr_init(&h, op, arg, (uint32_t)len);
	memcpy(msg, &h, HDR);
	if (len)
		memcpy(msg + HDR, payload, len);
	if (proc_send(p, HDR + len) || proc_next(p, timeout_ms) != 1)
		return -1;
	if (vtpm_chan_check_reply(rsp, rsp_len, op, err, sizeof(err))) {
		diag("reply to op %u: %s", op, err);
		return -1;
	}
	memcpy(&h, rsp, HDR);
	if (h.status)
		diag("op %u: error reply \"%.*s\"", op, (int)h.len, (const char *)rsp + HDR);
	return h.status;
}

static uint64_t last_tsc;

/* struct vtpm_io over the channel's EXECUTE. */
static uint32_t chan_exec(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *out, uint32_t cap)
{
	if (transact(ctx, VTPM_CHAN_EXECUTE, 0, cmd, len, 60000) != 0 || rsp_len - HDR > cap)
		return 0;
	struct vtpm_chan_hdr h;
	memcpy(&h, rsp, HDR);
	last_tsc = h.tsc;
	memcpy(out, rsp + HDR, rsp_len - HDR);
	return (uint32_t)(rsp_len - HDR);
}

static int start_or_fail(struct proc *p, const char *path, const char *what)
{
	char why[256];
	int rc = proc_start(p, path, why, sizeof(why));
	if (rc) {
		ok(0, "%s starts under ptrace: %s", what, why);
		return -1;
	}
	if (!ok(proc_next(p, 10000) == 1 && rsp_len == 0, "%s: first channel call says ready (no reply)", what)) {
		proc_kill(p);
		return -1;
	}
	return 0;
}

static uint32_t ek_primary(struct proc *p, uint16_t tmpl_id, uint8_t *pub, uint32_t cap, uint32_t *plen)
{
	struct vtpm_io io = { chan_exec, p };
	uint8_t tmpl[512];
	uint32_t tlen = vtpm_ek_template(tmpl_id, tmpl, sizeof(tmpl)), handle = 0;
	uint32_t rc = vtpm_cmd_create_primary(&io, TPM_RH_ENDORSEMENT, tmpl, tlen, &handle, pub, cap, plen);
	if (!rc)
		rc = vtpm_cmd_flush(&io, handle);
	return rc;
}

/* A P-256 key, a signature over digest by OpenSSL: the VERIFY request. */
static bool make_signature(struct vtpm_chan_ecdsa *e)
{
	bool good = false;
	memset(e, 0, sizeof(*e));
	for (int i = 0; i < 32; i++)
		e->digest[i] = (uint8_t)(i * 7 + 1);
	EVP_PKEY *key = EVP_EC_gen("P-256");
	EVP_PKEY_CTX *c = key ? EVP_PKEY_CTX_new(key, NULL) : NULL;
	unsigned char der[128];
	size_t dl = sizeof(der), pl = 0;
	ECDSA_SIG *sig = NULL;
	if (c && EVP_PKEY_sign_init(c) > 0 && EVP_PKEY_sign(c, der, &dl, e->digest, 32) > 0 &&
	    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, e->point, sizeof(e->point), &pl) && pl == 65) {
		const unsigned char *dp = der;
		sig = d2i_ECDSA_SIG(NULL, &dp, (long)dl);
		if (sig && BN_bn2binpad(ECDSA_SIG_get0_r(sig), e->r, 32) == 32 &&
		    BN_bn2binpad(ECDSA_SIG_get0_s(sig), e->s, 32) == 32)
			good = true;
	}
	ECDSA_SIG_free(sig);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(key);
	return good;
}

static const uint8_t sha256_abc[32] = { 0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
					0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
					0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
static const uint8_t sha1_abc[20] = { 0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
				      0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d };

static void cmd_with_code(uint8_t cmd[10], uint32_t cc)
{
	static const uint8_t head[6] = { 0x80, 0x01, 0, 0, 0, 10 };
	memcpy(cmd, head, 6);
	tpm2_put_be32(cmd + 6, cc);
}

static uint8_t *saved;      /* identity + state from START */
static size_t saved_len;

static void test_production(const char *path, const uint8_t *blob, size_t blen)
{
	struct proc p;
	if (start_or_fail(&p, path, "vtpmd.elf"))
		return;
	struct vtpm_io io = { chan_exec, &p };
	uint8_t r1[32], r2[32];

	ok(transact(&p, 99, 0, NULL, 0, 10000) > 0, "unknown op: error reply with a printable message");
	ok(transact(&p, VTPM_CHAN_EXECUTE, 0, "\x80\x01\0\0\0\x0c\0\0\x01\x44\0\0", 12, 10000) > 0,
	   "EXECUTE before START: error reply");
	ok(transact(&p, VTPM_CHAN_START, VTPM_RAND_TEST_SEED, blob, blen, 60000) > 0,
	   "production START refuses the fixed test seed");
	ok(transact(&p, VTPM_CHAN_START, 7, blob, blen, 60000) > 0, "START with an unknown entropy mode refused");

	uint64_t t0 = now_ms();
	long st = transact(&p, VTPM_CHAN_START, VTPM_RAND_HARDWARE, blob, blen, 120000);
	char err[128] = "";
	if (!ok(st == 0, "START manufactures from templates/vtpm-default.xml (%lu ms)", (unsigned long)(now_ms() - t0)))
		goto out;
	struct vtpm_chan_identity id;
	if (!ok(vtpm_chan_check_identity(rsp + HDR, rsp_len - HDR, err, sizeof(err)) == 0,
		"START reply passes the core's identity check%s%s", *err ? ": " : "", err))
		goto out;
	memcpy(&id, rsp + HDR, sizeof(id));
	ok(id.manufacturer == 0x49475642 && !memcmp(id.vendor, "igvmbuild vTPM", 15) &&
		   id.firmware_version == 0x0000000100000000ull && id.ek_template != 0,
	   "identity: manufacturer IGVB, vendor, firmware version of the manifest");
	ok(!strncmp(id.openssl_version, "OpenSSL 3", 9) && id.libtpms_version >= 0x000900,
	   "identity: %s, libtpms 0x%06x, ia32cap %08x:%08x:%08x:%08x", id.openssl_version, id.libtpms_version,
	   id.ia32cap[0], id.ia32cap[1], id.ia32cap[2], id.ia32cap[3]);
	ok((id.ia32cap[1] & (1u << 28)) == 0, "OPENSSL_ia32cap masked AVX (CPUID.1:ECX bit 28) as in the core");
	saved_len = rsp_len - HDR;
	saved = malloc(saved_len);
	memcpy(saved, rsp + HDR, saved_len);

	ok(vtpm_cmd_startup(&io) == 0, "EXECUTE TPM2_Startup(CLEAR)");
	ok(last_tsc > 0, "EXECUTE reports TSC cycles inside the TPM (%llu)", (unsigned long long)last_tsc);
	ok(vtpm_cmd_get_random(&io, 32, r1) == 0 && vtpm_cmd_get_random(&io, 32, r2) == 0 && memcmp(r1, r2, 32),
	   "EXECUTE TPM2_GetRandom twice: two different answers");
	uint8_t pub[1024];
	uint32_t plen = 0;
	ok(ek_primary(&p, id.ek_template, pub, sizeof(pub), &plen) == 0 && plen == id.ek_public_len &&
		   !memcmp(pub, id.ek_public, plen),
	   "CreatePrimary(EK) is the EK START reported");

	ok(transact(&p, VTPM_CHAN_HASH, TPM_ALG_SHA256, "abc", 3, 10000) == 0 && rsp_len == HDR + 32 &&
		   !memcmp(rsp + HDR, sha256_abc, 32),
	   "HASH SHA-256(\"abc\")");
	ok(transact(&p, VTPM_CHAN_HASH, TPM_ALG_SHA1, "abc", 3, 10000) == 0 && rsp_len == HDR + 20 &&
		   !memcmp(rsp + HDR, sha1_abc, 20),
	   "HASH SHA-1(\"abc\")");
	ok(transact(&p, VTPM_CHAN_HASH, TPM_ALG_SHA384, "abc", 3, 10000) == 0 && rsp_len == HDR + 48 &&
		   transact(&p, VTPM_CHAN_HASH, TPM_ALG_SHA512, "abc", 3, 10000) == 0 && rsp_len == HDR + 64,
	   "HASH SHA-384 and SHA-512: digest sizes");
	ok(transact(&p, VTPM_CHAN_HASH, 0x12, "abc", 3, 10000) > 0, "HASH with an unknown algorithm: error reply");

	struct vtpm_chan_ecdsa e;
	if (ok(make_signature(&e), "OpenSSL here signs a digest with a fresh P-256 key")) {
		ok(transact(&p, VTPM_CHAN_VERIFY, 0, &e, sizeof(e), 10000) == 0, "VERIFY: a good signature: status 0");
		e.digest[5] ^= 1;
		ok(transact(&p, VTPM_CHAN_VERIFY, 0, &e, sizeof(e), 10000) == 1, "VERIFY: another digest: status 1");
	}
	ok(transact(&p, VTPM_CHAN_VERIFY, 0, &e, sizeof(e) - 1, 10000) > 0, "VERIFY: a short payload: error reply");

	ok(transact(&p, VTPM_CHAN_RESET, 0, NULL, 0, 60000) == 0, "RESET");
	ok(vtpm_cmd_startup(&io) == 0, "TPM2_Startup after RESET (the TPM was powered on again)");

	uint8_t cmd[10];
	cmd_with_code(cmd, VTPM_TEST_CC_FAULT);
	uint8_t out[64];
	uint32_t n = chan_exec(&p, cmd, 10, out, sizeof(out));
	ok(n >= 10 && tpm2_be32(out + 6) == 0x143, "production: the test fault code reaches the TPM (TPM_RC_COMMAND_CODE)");
	cmd_with_code(cmd, VTPM_TEST_CC_HANG);
	n = chan_exec(&p, cmd, 10, out, sizeof(out));
	ok(n >= 10 && tpm2_be32(out + 6) == 0x143, "production: the test hang code reaches the TPM (TPM_RC_COMMAND_CODE)");
	ok(transact(&p, VTPM_CHAN_START, VTPM_RAND_HARDWARE, blob, blen / 2, 60000) > 0,
	   "START with a truncated blob: error reply");
	ok(transact(&p, VTPM_CHAN_EXECUTE, 0, "\x80\x01\0\0\0\x0c\0\0\x01\x44\0\0", 12, 10000) > 0,
	   "EXECUTE after a failed START: error reply (no TPM)");
out:
	proc_kill(&p);
}

static void test_restore(const char *path)
{
	struct proc p;
	if (!saved) {
		ok(0, "RESTORE: no state from START to restore");
		return;
	}
	if (start_or_fail(&p, path, "vtpmd.elf (restart)"))
		return;
	struct vtpm_io io = { chan_exec, &p };
	struct vtpm_chan_identity id;
	memcpy(&id, saved, sizeof(id));
	uint8_t bad[sizeof(id)];
	memcpy(bad, saved, sizeof(id));
	ok(transact(&p, VTPM_CHAN_RESTORE, VTPM_RAND_HARDWARE, bad, sizeof(bad), 10000) > 0,
	   "RESTORE without the state: error reply");
	ok(transact(&p, VTPM_CHAN_RESTORE, VTPM_RAND_HARDWARE, saved, saved_len, 60000) == 0 && rsp_len == HDR,
	   "RESTORE of START's identity and state into a fresh process");
	ok(vtpm_cmd_startup(&io) == 0, "restored TPM: TPM2_Startup(CLEAR)");
	uint8_t pub[1024], r1[16];
	uint32_t plen = 0;
	ok(ek_primary(&p, id.ek_template, pub, sizeof(pub), &plen) == 0 && plen == id.ek_public_len &&
		   !memcmp(pub, id.ek_public, plen),
	   "restored TPM: CreatePrimary(EK) gives the same EK (same endorsement seed)");
	ok(vtpm_cmd_get_random(&io, sizeof(r1), r1) == 0, "restored TPM: GetRandom");
	uint32_t props[5];
	ok(vtpm_cmd_get_props(&io, TPM_PT_MANUFACTURER, 5, props) == 0 && props[0] == id.manufacturer,
	   "restored TPM: the manifest's manufacturer in GetCapability");
	ok(transact(&p, VTPM_CHAN_RESET, 0, NULL, 0, 60000) == 0 && vtpm_cmd_startup(&io) == 0,
	   "restored TPM: RESET, then Startup");
	proc_kill(&p);
}

static void test_seed_codes(const char *path)
{
	struct proc p;
	uint8_t cmd[10];
	if (!saved)
		return;
	if (start_or_fail(&p, path, "vtpmd-seed.elf"))
		return;
	ok(transact(&p, VTPM_CHAN_RESTORE, VTPM_RAND_TEST_SEED, saved, saved_len, 60000) == 0,
	   "vtpmd-seed.elf: RESTORE with the fixed test seed");
	cmd_with_code(cmd, VTPM_TEST_CC_FAULT);
	memcpy(msg + HDR, cmd, 10);
	struct vtpm_chan_hdr h;
	vtpm_chan_hdr_init(&h, VTPM_CHAN_EXECUTE, 0, 10);
	memcpy(msg, &h, HDR);
	int r = proc_send(&p, HDR + 10) ? -1 : proc_next(&p, 10000);
	ok(r == 0 && WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGSEGV,
	   "vtpmd-seed.elf: the test fault code kills the process with SIGSEGV");
	proc_kill(&p);

	if (start_or_fail(&p, path, "vtpmd-seed.elf (second)"))
		return;
	ok(transact(&p, VTPM_CHAN_RESTORE, VTPM_RAND_TEST_SEED, saved, saved_len, 60000) == 0,
	   "vtpmd-seed.elf: RESTORE again");
	cmd_with_code(cmd, VTPM_TEST_CC_HANG);
	memcpy(msg + HDR, cmd, 10);
	memcpy(msg, &h, HDR);
	r = proc_send(&p, HDR + 10) ? -2 : proc_next(&p, 1000);
	ok(r == -1 && p.alive && kill(p.pid, 0) == 0,
	   "vtpmd-seed.elf: the test hang code keeps the process running (1 s, no reply)");
	proc_kill(&p);
	ok(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL, "vtpmd-seed.elf: the hung process killed");
}

int main(void)
{
	const char *b = getenv("B");
	char prod[512], seed[512], why[256];
	if (!b || !*b)
		b = "build";
	snprintf(prod, sizeof(prod), "%s/svsm/vtpmd.elf", b);
	snprintf(seed, sizeof(seed), "%s/svsm/test/vtpmd-seed.elf", b);
	if (!ok(access(prod, X_OK) == 0 && access(seed, X_OK) == 0, "%s and %s exist (make check builds them)", prod,
		seed))
		return tap_done();

	/* Is ptrace allowed here at all? */
	struct proc probe;
	int rc = proc_start(&probe, prod, why, sizeof(why));
	if (rc == 1) {
		char m[320];
		snprintf(m, sizeof(m), "ptrace is not available here (%s): vtpmd not run", why);
		tap_skip_(m);
		return tap_done();
	}
	if (rc == 0)
		proc_kill(&probe);

	uint8_t *blob = NULL;
	size_t blen = 0;
	if (!ok(build_vtpm_compile("templates/vtpm-default.xml", &blob, &blen) == 0, "templates/vtpm-default.xml compiles"))
		return tap_done();
	test_production(prod, blob, blen);
	test_restore(prod);
	test_seed_codes(seed);
	free(blob);
	free(saved);
	return tap_done();
}
