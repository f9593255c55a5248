/* SPDX-License-Identifier: MIT */
/* test_svsm_proto_sha512.c — svsm/lib/sha512 against the FIPS 180-4 / NIST example vectors. */
#include <stdlib.h>

#include "../unit/tap.h"

#include "../../svsm/lib/sha512.h"

static void hex(const char *h, uint8_t *out)
{
	for (int i = 0; i < 64; i++) {
		char b[3] = { h[2 * i], h[2 * i + 1], 0 };
		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
}

static void vec(const char *msg, size_t n, const char *want, const char *name)
{
	uint8_t got[64], w[64];
	hex(want, w);
	sha512(msg, n, got);
	is_mem(got, w, 64, "SHA-512 %s", name);
	/* Same through odd-sized updates: the buffering must not matter. */
	struct sha512_ctx c;
	sha512_init(&c);
	for (size_t i = 0; i < n; i += 7)
		sha512_update(&c, msg + i, n - i < 7 ? n - i : 7);
	sha512_final(&c, got);
	is_mem(got, w, 64, "SHA-512 %s, 7-byte updates", name);
}

int main(void)
{
	vec("abc", 3,
	    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", "\"abc\"");
	vec("", 0,
	    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
	    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", "empty string");
	const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	vec(m448, strlen(m448),
	    "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
	    "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445", "448-bit message");
	const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	vec(m896, strlen(m896),
	    "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
	    "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909", "896-bit message");
	char *mil = malloc(1000000);
	memset(mil, 'a', 1000000);
	vec(mil, 1000000,
	    "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
	    "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b", "one million 'a'");
	free(mil);
	return tap_done();
}
