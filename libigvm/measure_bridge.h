/* SPDX-License-Identifier: MIT */
/*
 * measure_bridge.h — the side of libigvm's measurement API that needs the
 * project's internal IGVM definitions (format/igvm_defs.h), which clash with
 * the public <igvm/igvm_defs.h>: measure_api.c sees the public header and
 * this one, measure_bridge.c sees the internal ones (the same split as
 * libigvm.c and view.c). Plain types only; functions return an exit code
 * from common/status.h and fill struct mb_error, which has the layout of the
 * public IgvmMeasureError (measure_api.c pins it).
 */
#ifndef IB_LIBIGVM_MEASURE_BRIDGE_H
#define IB_LIBIGVM_MEASURE_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mb_error {
	char input[256];
	char rule[64];
	uint64_t offset;
	char message[320];
};

int mb_fail(struct mb_error *e, int code, const char *input, const char *rule, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

struct mb_digest_opts {
	uint32_t platform, loader, mask, threads;
	bool check_kvm;
	void (*run_fn)(void *ctx, uint64_t gpa, uint64_t pages, uint32_t page_type);
	void *run_ctx;
};

struct mb_digest_out {
	uint32_t digest_len;
	uint8_t digest[48];
	uint64_t pages[8];
	uint64_t hashed_pages, shared_skipped;
	uint32_t threads, mask;
};

/*
 * The launch digest of the IGVM file whose bytes (headers at least) are at
 * mem[0..len): page data from mem (mapped: a file mapping whose pages may be
 * dropped) or, when fd >= 0, read from fd.
 */
int mb_launch_digest(const char *label, const uint8_t *mem, uint64_t len, int fd, bool mapped,
		     const struct mb_digest_opts *o, struct mb_digest_out *out, struct mb_error *e);

/* The TDX MRTD of an IGVM file (the crate's model), mem/fd as for mb_launch_digest; mask 0 = the TDX header's. */
struct mb_tdx_out {
	uint8_t mrtd[48];
	uint64_t page_adds, mr_extends, hashed_pages, shared_skipped, large_pages;
	uint32_t mask;
};

int mb_tdx_mrtd(const char *label, const uint8_t *mem, uint64_t len, int fd, uint32_t mask, struct mb_tdx_out *out,
		struct mb_error *e);

/* The MRTD of a direct TDVF launch; order 0 single-pass, 1 two-pass (measure/tdvf.h). */
int mb_tdvf(const uint8_t *fw, uint64_t len, uint32_t order, uint8_t mrtd[48], struct mb_error *e);

struct mb_ovmf_opts {
	uint32_t mode, vcpus, vmm;
	const char *vcpu_type;
	uint64_t vcpu_sig, guest_features;
	const uint8_t *kernel, *initrd, *svsm, *ovmf_hash;
	uint64_t kernel_len, initrd_len, svsm_len, vars_size;
	const char *append;
};

int mb_ovmf(const uint8_t *ovmf, uint64_t len, const struct mb_ovmf_opts *o, uint8_t digest[48], uint32_t *digest_len,
	    struct mb_error *e);

struct mb_id_params {
	uint32_t guest_svn;
	uint8_t ld[48], family_id[16], image_id[16];
	uint64_t policy;
};

int mb_id_block(const struct mb_id_params *p, const char *id_key_pem, uint64_t id_key_len, const char *author_key_pem,
		uint64_t author_key_len, uint8_t id_block[96], uint8_t id_auth[4096], struct mb_error *e);

#endif
