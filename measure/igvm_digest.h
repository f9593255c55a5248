/* SPDX-License-Identifier: MIT */
/*
 * igvm_digest.h — the launch digest an IGVM file gives on AMD SEV-SNP, SEV-ES
 * and SEV, and the MRTD it gives on Intel TDX, computed from a parsed file
 * while its page data is streamed.
 *
 * Contract
 *   igvm_digest_compute() takes a file already validated by igvm_parse() and
 *   the bytes it was parsed from (an fd read with pread(), or memory). It
 *   never holds more than a bounded number of pages in memory, whatever the
 *   file size: page data is read into fixed per-thread buffers. For SEV-SNP
 *   the 4 KiB page hashes are computed by `jobs` threads (the caller and
 *   jobs - 1 helpers) and the PAGE_INFO chain (snp_digest.h) is extended by
 *   the calling thread strictly in directive order, so the result does not
 *   depend on the number of threads. The file model is only read.
 *
 * Which pages make up the digest (SEV-SNP; reference: the crate's
 * generate_snp_measurement, spec §7.1, checked against QEMU's loader):
 *   PAGE_DATA NORMAL with data     NORMAL, SHA-384 of the 4 KiB page
 *   PAGE_DATA NORMAL without data  NORMAL with SHA-384 of a zero page (what
 *                                  QEMU/KVM does: its "ZERO" regions go
 *                                  through the same LAUNCH_UPDATE as data);
 *                                  native_zero: SNP ZERO pages (type 3)
 *   PAGE_DATA unmeasured           UNMEASURED
 *   PAGE_DATA SECRETS / CPUID_*    SECRETS / CPUID, whatever the flags
 *   PAGE_DATA shared               nothing (counted in shared_skipped)
 *   PAGE_DATA is_2mb_page          512 4 KiB pages of that kind at gpa,
 *                                  gpa+4K, ...; the file's 4 KiB of data (if
 *                                  any) is the first one, the rest are zero
 *                                  pages of a page that has data (NORMAL with
 *                                  the zero-page hash). This is what QEMU
 *                                  does: it maps 2 MiB, copies the 4 KiB and
 *                                  KVM measures the region 4 KiB at a time.
 *   PARAMETER_INSERT               one UNMEASURED page per 4 KiB of the area
 *   VP_CONTEXT of the platform     VMSA at the header's gpa, SHA-384 of the
 *                                  4096-byte VMSA
 *   GUEST_POLICY                   none, but one must exist for the platform
 *   anything else                  nothing
 * Where the reference measurers disagree, the loader (QEMU/KVM) decides:
 *   - PARAMETER_INSERT covers the whole area (crate, QEMU); COCONUT's
 *     igvmmeasure measures only its first page;
 *   - a VP_CONTEXT counts only for its own platform's mask (crate, QEMU);
 *     COCONUT measures every SNP VP context whatever its mask;
 *   - 2 MiB pages as above (QEMU/KVM); the crate reads and measures one
 *     4 KiB page, COCONUT expands data-less ones to 512 pages and asserts on
 *     one with data;
 *   - shared pages are the exception: skipped as the crate and the IGVM
 *     specification say, although QEMU ignores the flag and COCONUT
 *     measures them too. The caller warns, and --check-kvm refuses them.
 * Order is the file's, as in every reference; where QEMU/KVM would measure
 * in another order (VMSA not last, insert after pages) --check-kvm refuses.
 *
 * Intel TDX (the MRTD; reference: the crate's generate_tdx_measurement,
 * spec §7.2, records in tdx_mrtd.h), directives in file order, for the TDX
 * platform header's mask:
 *   PAGE_DATA with data            PAGE.ADD, then 16 MR.EXTEND of its 4 KiB
 *   PAGE_DATA without data         PAGE.ADD, then 16 MR.EXTEND of zeros (the
 *                                  crate extends a data-less page: "zero
 *                                  page" means contents, not a page type)
 *   PAGE_DATA unmeasured           PAGE.ADD only
 *   PAGE_DATA shared               nothing (counted in shared_skipped)
 *   PAGE_DATA is_2mb_page          one 4 KiB page at gpa, as the crate reads
 *                                  and measures it (counted in large_pages;
 *                                  a loader that adds 512 pages differs)
 *   PAGE_DATA data_type            ignored: SECRETS and CPUID are SNP kinds
 *   PARAMETER_INSERT               PAGE.ADD of every 4 KiB of the area, no
 *                                  extends (the loader writes the parameters
 *                                  before adding them, unmeasured)
 *   VP_CONTEXT                     nothing: a TD starts in the TDX module's
 *                                  architectural state (the parser refuses a
 *                                  VP_CONTEXT for TDX anyway)
 *   GUEST_POLICY                   not required, not hashed (TD attributes
 *                                  are reported apart from the MRTD)
 * This is the crate's model for every file the crate accepts; where loaders
 * could differ igvmmeasure(1) says so. QEMU's IGVM loader does not handle
 * TDX (spec §9.1); OpenVMM and COCONUT-SVSM write TDX IGVM files and the
 * crate is the reference measurer for them. The MRTD is
 * one hash stream, so it is computed by the calling thread alone, the page
 * data read with pread() as for SEV; jobs is ignored (workers = 1).
 *
 * SEV and SEV-ES (no reference besides COCONUT's igvmmeasure, whose rule is
 * followed): SHA-256 over, in directive order, the 4 KiB data of every
 * PAGE_DATA of the platform that has data (any data type, measured or not;
 * data-less pages and parameter inserts add nothing), and for SEV-ES the
 * 4096-byte VMSA of the platform's VP_CONTEXT. Shared pages are skipped and
 * 2 MiB pages expand as above, as for SEV-SNP. Where QEMU/KVM hashes
 * something else, igvm_digest_check_kvm() says so.
 *
 * Errors: the functions return an exit code from common/status.h; for
 * IB_EXIT_INVALID the error names a rule (a stable "measure.*" string), the
 * offset of the header concerned and the values involved.
 */
#ifndef IB_IGVM_DIGEST_H
#define IB_IGVM_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../format/igvm.h"
#include "tdx_mrtd.h"

#define IGVM_DIGEST_MAX_LEN 48
/* A file may describe at most this many measured 4 KiB pages (1 TiB of guest
 * memory): a hostile parameter area must not make us hash for hours. */
#define IGVM_DIGEST_MAX_PAGES (1ull << 28)
/* Worker threads are capped so -j cannot turn into unbounded memory. */
#define IGVM_DIGEST_MAX_JOBS 64u
/* The GPA at which KVM places (and measures) the boot VMSA. */
#define IGVM_KVM_VMSA_GPA 0xFFFFFFFFF000ull

enum igvm_digest_platform {
	IGVM_DIGEST_SEV_SNP = 0,
	IGVM_DIGEST_SEV = 1,
	IGVM_DIGEST_SEV_ES = 2,
	IGVM_DIGEST_TDX = 3,
};

/* Where page contents are read from: the file the model was parsed from. */
struct igvm_digest_source {
	int fd;              /* read with pread() when mem is NULL */
	const uint8_t *mem;  /* or the whole file in memory */
	size_t mem_len;
	/*
	 * mem is a read-only MAP_PRIVATE mapping of a file, never written: pages
	 * are hashed straight from it (no copy), and every few MiB the pages
	 * touched so far are dropped again with MADV_DONTNEED, so they do not
	 * pile up in the resident set. Never set this for heap memory, which
	 * MADV_DONTNEED would zero.
	 */
	bool mem_is_mapping;
};

struct igvm_digest_opts {
	enum igvm_digest_platform platform;
	bool native_zero;     /* SNP: data-less pages are SNP ZERO pages */
	unsigned jobs;        /* hashing threads; 0 = one per online CPU */
	const uint8_t *seed;  /* SNP: 48-byte starting digest, NULL = zeros */
	bool want_runs;       /* collect coalesced runs (for -v) */
	uint32_t mask;        /* compatibility mask to measure; 0 = the platform header's. Otherwise
	                         its bits must all belong to that header (measure.mask) */
	tdx_op_fn on_op;      /* TDX: called for every operation, in order (for -v); may be NULL */
	void *op_ctx;
};

/* A run of measured pages: contiguous GPAs of one page type. */
struct igvm_digest_run {
	uint64_t gpa;
	uint64_t pages;
	uint8_t type; /* enum snp_page_type */
};

struct igvm_digest_result {
	uint8_t digest[IGVM_DIGEST_MAX_LEN];
	size_t digest_len;       /* 48 (SNP, TDX) or 32 (SEV, SEV-ES) */
	uint64_t pages[8];       /* entries per enum snp_page_type; SEV/SEV-ES count
	                            hashed data pages as NORMAL, VMSAs as VMSA; TDX
	                            counts pages added and extended as NORMAL, pages
	                            added only as UNMEASURED */
	uint64_t large_pages;    /* TDX: is_2mb_page headers measured as one 4 KiB page */
	uint64_t hashed_pages;   /* 4 KiB pages whose contents were read and hashed */
	uint64_t repeated_pages; /* SNP: pages whose data the file stores once for an earlier page:
	                            its hash was reused, not recomputed */
	uint64_t shared_skipped; /* 4 KiB pages skipped because they are shared */
	unsigned workers;        /* hashing threads, the caller's included */
	struct igvm_digest_run *runs;
	size_t nruns, capruns;
};

/* How this module and igvm_sign.h report a failure. */
struct igvm_digest_error {
	const char *rule;  /* "measure.…" or "sign.…" for IB_EXIT_INVALID, NULL otherwise */
	uint64_t offset;   /* file offset of the header concerned */
	char detail[256];
};

/* Fills e (rule, offset, printf-style detail) and returns code. */
int igvm_digest_fail(struct igvm_digest_error *e, int code, const char *rule, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "sev-snp", "sev", "sev-es", "tdx". */
const char *igvm_digest_platform_name(enum igvm_digest_platform p);
/* The IGVM platform type (IGVM_PLATFORM_SEV_SNP, ...). */
uint8_t igvm_digest_platform_type(enum igvm_digest_platform p);
/* The mask of the file's platform header for p; false if there is none. */
bool igvm_digest_platform_mask(const struct igvm_file *f, enum igvm_digest_platform p, uint32_t *mask);

/* COCONUT igvmmeasure's names ("Normal", "VMSA", ...) and JSON keys ("normal", ...). */
const char *igvm_digest_page_type_name(uint8_t type);
const char *igvm_digest_page_type_key(uint8_t type);

/*
 * Computes the digest. r is filled in (free it with igvm_digest_result_free,
 * also after a failure). Returns IB_EXIT_OK, IB_EXIT_INVALID (e->rule set),
 * IB_EXIT_IO (the file could not be read or changed size; e->detail) or
 * IB_EXIT_INTERNAL (out of memory, libcrypto or thread failure).
 */
int igvm_digest_compute(const struct igvm_file *f, const struct igvm_digest_source *src,
			const struct igvm_digest_opts *o, struct igvm_digest_result *r,
			struct igvm_digest_error *e);
void igvm_digest_result_free(struct igvm_digest_result *r);

/*
 * --check-kvm: would QEMU/KVM launch this file with exactly the digest we
 * compute? One finding per rule broken (the first offending header, with a
 * count), reported through `report`; warnings are reported too but not
 * counted. Returns the number of rules broken. Rules:
 *   kvm.vmsa-count        SEV-ES/SNP: exactly one VMSA for the platform (QEMU
 *                         sets only vCPU 0's state; KVM measures one VMSA per
 *                         vCPU it creates)
 *   kvm.vmsa-gpa          SNP: the VMSA's gpa is 0xFFFFFFFFF000 (fixed in KVM)
 *   kvm.vmsa-last         nothing measured follows the VMSA in the file: KVM
 *                         measures VMSAs at launch finish, after every page.
 *                         "Measured" = any directive that adds to the digest:
 *                         a non-shared PAGE_DATA (unmeasured, secrets and CPUID
 *                         pages included, they are PAGE_INFO entries) or, for
 *                         SNP, a PARAMETER_INSERT
 *   kvm.vmsa-cr0          the VMSA's CR0 is 0x30 or 0x31 (KVM overrides it)
 *   kvm.insert-after-page SNP: no PARAMETER_INSERT after a PAGE_DATA: QEMU
 *                         holds back the run of pages it is merging and sends
 *                         the insert to KVM first, so KVM measures them in a
 *                         different order than the file lists them
 *   kvm.shared-page       no shared PAGE_DATA: QEMU ignores the flag and
 *                         imports the page as private, measured memory
 *   kvm.id-block-count    SNP: at most one SNP_ID_BLOCK (QEMU refuses more)
 *   kvm.sev-data-less     SEV/SEV-ES: QEMU measures data-less pages as 4 KiB
 *                         of zeros; this digest (COCONUT's rule) leaves them out
 *   kvm.sev-unmeasured    SEV/SEV-ES: QEMU does not measure unmeasured pages;
 *                         this digest hashes their data
 *   kvm.sev-snp-page      SEV/SEV-ES: QEMU refuses SECRETS and CPUID pages
 * Warning: kvm.debug-swap, the VMSA's DebugSwap bit (sev_features bit 5),
 * whose effective value depends on how the host KVM creates the VM.
 */
struct igvm_kvm_finding {
	const char *rule;
	uint64_t offset;
	bool warning;
	char detail[256];
};
typedef void (*igvm_kvm_report_fn)(void *ctx, const struct igvm_kvm_finding *finding);

size_t igvm_digest_check_kvm(const struct igvm_file *f, enum igvm_digest_platform p, uint32_t mask,
			     igvm_kvm_report_fn report, void *ctx);

#endif
