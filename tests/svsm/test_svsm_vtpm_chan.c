/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_vtpm_chan.c — host tests of the core's checks of what the vTPM process sends
 * back (svsm/vtpm/chan.c): a compromised or broken process must not get an over-long,
 * mislabelled or unterminated reply past them. The same replies from the real vtpmd are
 * tests/vtpm/vtpmd_host.c's and the boot tests'.
 */
#include "../unit/tap.h"

#include <string.h>

#include "../../svsm/vtpm/chan.h"

static uint8_t buf[VTPM_CHAN_MAX + 64];
static char err[128];

/* A reply for op with status and a payload of len bytes (filled with 'a'). */
static size_t reply(uint32_t op, uint32_t status, uint32_t len)
{
	struct vtpm_chan_hdr h;
	vtpm_chan_hdr_init(&h, op, 0, len);
	h.status = status;
	memcpy(buf, &h, sizeof(h));
	memset(buf + sizeof(h), 'a', len);
	return sizeof(h) + len;
}

static int check(size_t n, uint32_t op)
{
	err[0] = 0;
	return vtpm_chan_check_reply(buf, n, op, err, sizeof(err));
}

static void test_reply(void)
{
	is_u64(check(reply(VTPM_CHAN_EXECUTE, 0, 10), VTPM_CHAN_EXECUTE), 0, "a 10-byte EXECUTE reply passes");
	is_u64(check(reply(VTPM_CHAN_RESET, 0, 0), VTPM_CHAN_RESET), 0, "an empty RESET reply passes");
	is_u64(check(reply(VTPM_CHAN_EXECUTE, 0, 10), VTPM_CHAN_HASH), -1, "a reply to another operation is refused");
	ok(strstr(err, "another operation") != NULL, "and the reason says so (%s)", err);
	size_t n = reply(VTPM_CHAN_EXECUTE, 0, 10);
	is_u64(check(n - 1, VTPM_CHAN_EXECUTE), -1, "a reply shorter than its length field is refused");
	is_u64(check(n + 1, VTPM_CHAN_EXECUTE), -1, "a reply longer than its length field is refused");
	is_u64(check(sizeof(struct vtpm_chan_hdr) - 1, VTPM_CHAN_EXECUTE), -1, "a reply shorter than a header is refused");
	is_u64(check(0, VTPM_CHAN_EXECUTE), -1, "an empty reply is refused");
	n = reply(VTPM_CHAN_EXECUTE, 0, VTPM_CHAN_MAX - sizeof(struct vtpm_chan_hdr));
	is_u64(check(n, VTPM_CHAN_EXECUTE), 0, "a reply of VTPM_CHAN_MAX bytes passes");
	n = reply(VTPM_CHAN_EXECUTE, 0, VTPM_CHAN_MAX - sizeof(struct vtpm_chan_hdr) + 1);
	is_u64(check(n, VTPM_CHAN_EXECUTE), -1, "a reply past VTPM_CHAN_MAX is refused");
	n = reply(VTPM_CHAN_EXECUTE, 0, 4);
	((struct vtpm_chan_hdr *)(void *)buf)->arg = 1;
	is_u64(check(n, VTPM_CHAN_EXECUTE), -1, "a reply with a nonzero arg is refused");
	is_u64(check(reply(VTPM_CHAN_START, 7, 20), VTPM_CHAN_START), 0, "an error reply with a printable message passes");
	n = reply(VTPM_CHAN_START, 7, 20);
	buf[sizeof(struct vtpm_chan_hdr) + 3] = '\n';
	is_u64(check(n, VTPM_CHAN_START), -1, "an error message with a control byte is refused");
	is_u64(check(reply(VTPM_CHAN_START, 7, VTPM_CHAN_ERRMSG_MAX + 1), VTPM_CHAN_START), -1,
	       "an error message over VTPM_CHAN_ERRMSG_MAX is refused");
}

static struct vtpm_chan_identity id;

static size_t identity(uint32_t state_len)
{
	memset(&id, 0, sizeof(id));
	id.ek_public_len = 58;
	id.state_len = state_len;
	strcpy(id.openssl_version, "OpenSSL 3.0.17 1 Jul 2025");
	memcpy(id.vendor, "SVSM", 4);
	memcpy(buf, &id, sizeof(id));
	memset(buf + sizeof(id), 0x5A, state_len);
	return sizeof(id) + state_len;
}

static int check_id(size_t n)
{
	memcpy(buf, &id, sizeof(id));
	err[0] = 0;
	return vtpm_chan_check_identity(buf, n, err, sizeof(err));
}

static void test_identity(void)
{
	size_t n = identity(5000);
	is_u64(check_id(n), 0, "an identity with 5000 bytes of state passes");
	is_u64(check_id(n - 1), -1, "a state shorter than state_len is refused");
	is_u64(check_id(sizeof(id) - 1), -1, "a payload shorter than the identity is refused");
	n = identity(0);
	is_u64(check_id(n), -1, "an identity without state is refused");
	n = identity(100);
	id.ek_public_len = 0;
	is_u64(check_id(n), -1, "an empty EK public is refused");
	id.ek_public_len = 1025;
	is_u64(check_id(n), -1, "an EK public over 1024 bytes is refused");
	id.ek_public_len = 1024;
	is_u64(check_id(n), 0, "an EK public of 1024 bytes passes");
	memset(id.openssl_version, 'x', sizeof(id.openssl_version));
	is_u64(check_id(n), -1, "an unterminated OpenSSL version is refused");
	strcpy(id.openssl_version, "bad\x1b[2J");
	is_u64(check_id(n), -1, "an OpenSSL version with an escape sequence is refused");
	strcpy(id.openssl_version, "OpenSSL 3");
	memcpy(id.vendor, "SV\0M", 4);
	is_u64(check_id(n), -1, "a vendor string with bytes after its terminator is refused");
	memset(id.vendor, 0, sizeof(id.vendor));
	memset(id.vendor, 'V', sizeof(id.vendor));
	is_u64(check_id(n), 0, "a vendor of 16 printable bytes passes");
	id.vendor[3] = 7;
	is_u64(check_id(n), -1, "a vendor with a control byte is refused");
}

int main(void)
{
	test_reply();
	test_identity();
	return tap_done();
}
