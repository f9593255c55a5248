/* SPDX-License-Identifier: MIT */
/* chan.c — see chan.h. */
#include "chan.h"

#include "../lib/string.h"

/* A bounded copy of a constant message: chan.c links with nothing else of the core's (the
 * fuzzers and vtpmd take it alone), so no formatter. */
static int fail(char *err, size_t errlen, const char *why)
{
	size_t i = 0;
	if (!errlen)
		return -1;
	for (; why[i] && i + 1 < errlen; i++)
		err[i] = why[i];
	err[i] = 0;
	return -1;
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7E)
			return false;
	return true;
}

void vtpm_chan_hdr_init(struct vtpm_chan_hdr *h, uint32_t op, uint32_t arg, uint32_t len)
{
	memset(h, 0, sizeof(*h));
	h->op = op;
	h->arg = arg;
	h->len = len;
}

int vtpm_chan_check_reply(const void *buf, size_t n, uint32_t op, char *err, size_t errlen)
{
	struct vtpm_chan_hdr h;
	if (n < sizeof(h) || n > VTPM_CHAN_MAX)
		return fail(err, errlen, "reply size outside 24..VTPM_CHAN_MAX bytes");
	memcpy(&h, buf, sizeof(h));
	if (h.len != n - sizeof(h))
		return fail(err, errlen, "reply length field disagrees with its size");
	if (h.op != op)
		return fail(err, errlen, "reply to another operation");
	if (h.arg)
		return fail(err, errlen, "reply with a nonzero arg field");
	if (h.status && (h.len > VTPM_CHAN_ERRMSG_MAX || !printable((const char *)buf + sizeof(h), h.len)))
		return fail(err, errlen, "error reply with an unprintable or over-long message");
	return 0;
}

int vtpm_chan_check_identity(const void *payload, size_t n, char *err, size_t errlen)
{
	struct vtpm_chan_identity id;
	if (n < sizeof(id))
		return fail(err, errlen, "identity shorter than its struct");
	memcpy(&id, payload, sizeof(id));
	if (!id.ek_public_len || id.ek_public_len > sizeof(id.ek_public))
		return fail(err, errlen, "EK public size outside 1..1024");
	if (!id.state_len || id.state_len != n - sizeof(id))
		return fail(err, errlen, "state size disagrees with the payload");
	size_t v = 0;
	while (v < sizeof(id.openssl_version) && id.openssl_version[v])
		v++;
	if (v == sizeof(id.openssl_version) || !printable(id.openssl_version, v))
		return fail(err, errlen, "OpenSSL version string unterminated or unprintable");
	size_t m = 0;
	while (m < sizeof(id.vendor) && id.vendor[m])
		m++;
	if (!printable(id.vendor, m))
		return fail(err, errlen, "vendor string unprintable");
	for (; m < sizeof(id.vendor); m++)
		if (id.vendor[m])
			return fail(err, errlen, "vendor string with bytes after its terminator");
	return 0;
}
