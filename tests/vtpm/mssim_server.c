/* SPDX-License-Identifier: MIT */
/*
 * mssim_server.c — a TPM simulator server speaking the TCG/Microsoft
 * simulator's TCP protocol (the "MSSIM" protocol of tpm2-tss's mssim TCTI)
 * on 127.0.0.1, backed by the vTPM exactly as the SVSM runs it: the
 * configuration blob compiled from a manifest by igvmbuild's compiler,
 * manufacture, and every TPM command through the SVSM vTPM protocol entry
 * (proto_dispatch, SVSM_VTPM_CMD, the request in the host model's guest
 * memory) into the service and Debian's libtpms.a/libcrypto.a. So Debian's
 * tpm2-tools, through TPM2TOOLS_TCTI=mssim:host=127.0.0.1,port=N, drive the
 * same protocol layer and glue as a guest does.
 *
 *   vtpm-mssim --manifest FILE [--seed] [--port N] [--ek-public FILE]
 *
 * Ports: N for TPM commands, N+1 for platform commands (the TCTI's rule); with
 * no --port the first free pair from 23210 on. Prints "port N" once both
 * listen, then serves one client at a time until TPM_STOP or a signal.
 *
 * TPM port: u32 command (big endian): 8 TPM_SEND_COMMAND {u8 locality, u32
 * size, bytes} -> {u32 size, bytes, u32 0}; 15 REMOTE_HANDSHAKE {u32 version}
 * -> {u32 1, u32 flags, u32 0}; 20 SESSION_END closes; 21 STOP ends the
 * server; anything else -> u32 0. Platform port: 1 POWER_ON (a no-op when on),
 * 2 POWER_OFF (_TPM_Init at the next POWER_ON; NV kept), 11/12 NV on/off and
 * cancel on/off -> u32 0; 20, 21 as above.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../igvmbuild/build.h"
#include "../../svsm/vtpm/service.h"
#include "../svsm/proto_test_env.h"

#define BUF_GPA 0x10000ull

static struct vtpm_service svc;
static struct proto_core core;
static struct rmp_model *model;
static int powered = 1;

static void direct(void (*fn)(void *), void *arg)
{
	fn(arg);
}

static int full_read(int fd, void *p, size_t n)
{
	uint8_t *b = p;
	while (n) {
		ssize_t r = read(fd, b, n);
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int full_write(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t r = write(fd, b, n);
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int get32(int fd, uint32_t *v)
{
	uint32_t x;
	if (full_read(fd, &x, 4))
		return -1;
	*v = ntohl(x);
	return 0;
}

static int put32(int fd, uint32_t v)
{
	v = htonl(v);
	return full_write(fd, &v, 4);
}

/* One TPM command through the protocol entry, as a guest sends it. */
static uint32_t through_protocol(uint8_t locality, const uint8_t *cmd, uint32_t len, uint8_t *rsp)
{
	uint8_t req[4096] = { 0 };
	uint32_t c = 8;
	memcpy(req, &c, 4); /* little endian: the SVSM protocol's byte order */
	req[4] = locality;
	memcpy(req + 5, &len, 4);
	/* A command longer than the buffer holds is sent with its true size: the protocol refuses it. */
	memcpy(req + 9, cmd, len < sizeof(req) - 9 ? len : sizeof(req) - 9);
	rmp_sim_guest_write(&model->sim, PROTO_GUEST_VMPL, BUF_GPA, req, sizeof(req));
	struct proto_regs r = { (uint64_t)SVSM_VTPM_PROTOCOL << 32 | SVSM_VTPM_CMD, BUF_GPA, 0, 0 };
	proto_dispatch(&core, 0, &r);
	if (r.rax != SVSM_SUCCESS) {
		fprintf(stderr, "vtpm-mssim: SVSM_VTPM_CMD refused: 0x%lx\n", (unsigned long)r.rax);
		static const uint8_t fail[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x01 };
		memcpy(rsp, fail, sizeof(fail));
		return sizeof(fail);
	}
	const uint8_t *out = rmp_sim_map(&model->sim, BUF_GPA, 4096);
	uint32_t n;
	memcpy(&n, out, 4);
	if (n > 4092)
		n = 0;
	memcpy(rsp, out + 4, n);
	return n;
}

enum { KEEP, CLOSE, STOP };

static int tpm_port(int fd)
{
	uint32_t cmd;
	if (get32(fd, &cmd))
		return CLOSE;
	switch (cmd) {
	case 8: {
		uint8_t loc, in[4096], out[4096];
		uint32_t len;
		if (full_read(fd, &loc, 1) || get32(fd, &len) || len > sizeof(in) || full_read(fd, in, len))
			return CLOSE;
		uint32_t n = powered ? through_protocol(loc, in, len, out) : 0;
		if (put32(fd, n) || full_write(fd, out, n) || put32(fd, 0))
			return CLOSE;
		return KEEP;
	}
	case 15: {
		uint32_t v;
		if (get32(fd, &v) || put32(fd, 1) || put32(fd, powered ? 7 : 6) || put32(fd, 0))
			return CLOSE;
		return KEEP;
	}
	case 20: return CLOSE;
	case 21: return STOP;
	}
	return put32(fd, 0) ? CLOSE : KEEP;
}

static int platform_port(int fd)
{
	uint32_t cmd;
	if (get32(fd, &cmd))
		return CLOSE;
	if (cmd == 20)
		return CLOSE;
	if (cmd == 21)
		return STOP;
	if (cmd == 1 && !powered) {
		if (vtpm_service_power(&svc, true))
			fprintf(stderr, "vtpm-mssim: power on failed\n");
		powered = 1;
	} else if (cmd == 2 && powered) {
		vtpm_service_power(&svc, false);
		powered = 0;
	}
	return put32(fd, 0) ? CLOSE : KEEP;
}

static int listen_on(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void usage(void)
{
	fprintf(stderr, "usage: vtpm-mssim --manifest FILE [--seed] [--port N] [--ek-public FILE]\n");
}

int main(int argc, char **argv)
{
	const char *manifest = NULL, *ek_out = NULL;
	int port = 0, seed = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--manifest") && i + 1 < argc)
			manifest = argv[++i];
		else if (!strcmp(argv[i], "--ek-public") && i + 1 < argc)
			ek_out = argv[++i];
		else if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed"))
			seed = 1;
		else {
			usage();
			return 2;
		}
	}
	if (!manifest) {
		usage();
		return 2;
	}
	uint8_t *blob = NULL;
	size_t blen = 0;
	if (build_vtpm_compile(manifest, &blob, &blen))
		return 1;
	char err[256];
	if (vtpm_service_start(&svc, direct, seed ? VTPM_RAND_TEST_SEED : VTPM_RAND_HARDWARE, blob, blen, err,
			       sizeof(err))) {
		fprintf(stderr, "vtpm-mssim: %s\n", err);
		return 1;
	}
	if (env_setup(&model, &core) || vtpm_service_attach(&svc, &core)) {
		fprintf(stderr, "vtpm-mssim: protocol setup failed\n");
		return 1;
	}
	if (ek_out) {
		FILE *f = fopen(ek_out, "wb");
		if (!f || fwrite(svc.id.ek_public, 1, svc.id.ek_public_len, f) != svc.id.ek_public_len || fclose(f)) {
			fprintf(stderr, "vtpm-mssim: cannot write %s\n", ek_out);
			return 1;
		}
	}
	int lt = -1, lp = -1;
	for (int p = port ? port : 23210; p < (port ? port + 1 : 23400) && lt < 0; p += 2) {
		lt = listen_on((uint16_t)p);
		lp = lt >= 0 ? listen_on((uint16_t)(p + 1)) : -1;
		if (lt >= 0 && lp < 0) {
			close(lt);
			lt = -1;
		} else if (lt >= 0) {
			port = p;
		}
	}
	if (lt < 0) {
		fprintf(stderr, "vtpm-mssim: no free port pair\n");
		return 1;
	}
	printf("port %d\n", port);
	fflush(stdout);
	int ct = -1, cp = -1, state = KEEP;
	while (state != STOP) {
		struct pollfd p[4] = { { lt, POLLIN, 0 }, { lp, POLLIN, 0 }, { ct, POLLIN, 0 }, { cp, POLLIN, 0 } };
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			int fd = accept4(lt, NULL, NULL, SOCK_CLOEXEC);
			if (ct >= 0)
				close(ct);
			ct = fd;
		}
		if (p[1].revents & POLLIN) {
			int fd = accept4(lp, NULL, NULL, SOCK_CLOEXEC);
			if (cp >= 0)
				close(cp);
			cp = fd;
		}
		if (ct >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			state = tpm_port(ct);
			if (state == CLOSE) {
				close(ct);
				ct = -1;
			}
		}
		if (state != STOP && cp >= 0 && (p[3].revents & (POLLIN | POLLHUP | POLLERR))) {
			state = platform_port(cp);
			if (state == CLOSE) {
				close(cp);
				cp = -1;
			}
		}
	}
	fprintf(stderr, "vtpm-mssim: stopped after %lu TPM commands\n", (unsigned long)svc.commands);
	if (ct >= 0)
		close(ct);
	if (cp >= 0)
		close(cp);
	close(lt);
	close(lp);
	free(blob);
	proto_destroy(&core);
	rmp_model_free(model);
	vtpm_service_stop(&svc);
	return 0;
}
