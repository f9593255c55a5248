/* SPDX-License-Identifier: MIT */
/*
 * <igvm/measure.h> — expected measurements and attestation report checks for
 * AMD SEV-SNP, in libigvm beside the microsoft/igvm API of <igvm/igvm.h>.
 * Full documentation: libigvm(3), section MEASUREMENT API.
 *
 * What it offers, for attestation servers written in C, C++, Go (cgo),
 * Python (ctypes), ...:
 *   - the launch digest an IGVM file gives (SEV-SNP, SEV-ES, SEV), from
 *     memory or from a path, with the loader model, compatibility mask and
 *     number of hashing threads chosen by the caller;
 *   - the launch digest of a direct OVMF boot, with sev-snp-measure's
 *     parameters;
 *   - Intel TDX: the MRTD an IGVM file gives (the microsoft/igvm crate's
 *     model) and the MRTD of a direct TDVF launch, in either page order;
 *   - ID block and ID authentication structure construction (deterministic
 *     ECDSA P-384);
 *   - attestation report parsing and the whole offline verification: AMD
 *     certificate chain to a built-in root, VCEK/VLEK bound to the report,
 *     CRL, and policy checks, each reported by name.
 * The igvmmeasure command is built on these functions; its options and this
 * API's option names are the same.
 *
 * Conventions
 *   - Every function that can fail returns an IgvmResult: 0, or one of the
 *     negative codes of <igvm/igvm.h> or below. When err is not NULL it gets
 *     the input concerned (a path, "report", an option), a stable rule name
 *     for malformed input, the byte offset, and a one-line message.
 *   - Structures passed in start with struct_size, set it to sizeof: later
 *     versions add fields at the end and read only what the caller has.
 *   - Nothing here keeps global state; objects (IgvmReportVerifier,
 *     IgvmReportResult) belong to one thread at a time.
 *   - Symbols carry the version node IGVM_MEASURE_0.1 (libigvm.map); the TDX
 *     functions IGVM_MEASURE_0.2 (igvmbuild 0.2.0 and later: check
 *     IGVM_MEASURE_API_VERSION >= 2 at build time).
 */
#ifndef IGVM_MEASURE_H
#define IGVM_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "igvm.h"

#define IGVM_MEASURE_API_VERSION 2

/* Result codes of this API besides those of <igvm/igvm.h> (IGVMAPI_INVALID_PARAMETER
 * for bad arguments and option values, IGVMAPI_INVALID_FILE for malformed input). */
#define IGVM_MEASURE_IO_ERROR (-1001)       /* a file could not be read */
#define IGVM_MEASURE_INTERNAL_ERROR (-1002) /* out of memory, libcrypto or thread failure */
#define IGVM_MEASURE_CHECK_FAILED (-1003)   /* a rule the caller asked for (QEMU/KVM rules) is broken */

typedef struct IgvmMeasureError {
	char input[256];   /* the file, option or input concerned; "" if none */
	char rule[64];     /* stable rule name for malformed input ("measure.page-limit", "cert.der-truncated"); "" if none */
	uint64_t offset;   /* byte offset in input the rule concerns */
	char message[320]; /* one line, without input, rule or offset */
} IgvmMeasureError;

/* ---- launch digests of IGVM files ------------------------------------------------------------ */

#define IGVM_MEASURE_SEV_SNP 0u
#define IGVM_MEASURE_SEV 1u
#define IGVM_MEASURE_SEV_ES 2u

/* How the loader treats pages without data (SEV-SNP): QEMU/KVM measures them as zero-filled
 * NORMAL pages; a native-zero loader uses SNP ZERO pages. */
#define IGVM_MEASURE_LOADER_QEMU_KVM 0u
#define IGVM_MEASURE_LOADER_NATIVE_ZERO 1u

/* Flags. CHECK_KVM: refuse (IGVM_MEASURE_CHECK_FAILED) a file QEMU/KVM would not launch with
 * this digest. MAPPED: data is a read-only MAP_PRIVATE mapping of a file, so pages may be
 * dropped from memory once hashed (never set it for heap memory). */
#define IGVM_MEASURE_FLAG_CHECK_KVM (1u << 0)
#define IGVM_MEASURE_FLAG_MAPPED (1u << 1)

/* SNP page types in IgvmMeasureDetails.pages[] and run callbacks. */
#define IGVM_MEASURE_PAGE_NORMAL 1u
#define IGVM_MEASURE_PAGE_VMSA 2u
#define IGVM_MEASURE_PAGE_ZERO 3u
#define IGVM_MEASURE_PAGE_UNMEASURED 4u
#define IGVM_MEASURE_PAGE_SECRETS 5u
#define IGVM_MEASURE_PAGE_CPUID 6u

/* Called for each run of measured pages of one type at contiguous addresses, in order. */
typedef void (*IgvmMeasureRunFn)(void *ctx, uint64_t gpa, uint64_t pages, uint32_t page_type);

typedef struct IgvmMeasureOptions {
	uint32_t struct_size;        /* sizeof(IgvmMeasureOptions) */
	uint32_t platform;           /* IGVM_MEASURE_SEV_SNP, _SEV or _SEV_ES */
	uint32_t loader;             /* IGVM_MEASURE_LOADER_* */
	uint32_t compatibility_mask; /* 0: the mask of the file's platform header for `platform` */
	uint32_t threads;            /* hashing threads, the caller's included; 0 = one per online CPU */
	uint32_t flags;              /* IGVM_MEASURE_FLAG_* */
	IgvmMeasureRunFn run_fn;     /* optional */
	void *run_ctx;
} IgvmMeasureOptions;

typedef struct IgvmMeasureDetails {
	uint32_t struct_size;          /* sizeof(IgvmMeasureDetails) */
	uint32_t digest_len;           /* 48 (SEV-SNP, SHA-384) or 32 (SEV, SEV-ES, SHA-256) */
	uint8_t digest[48];
	uint64_t pages[8];             /* PAGE_INFO entries by IGVM_MEASURE_PAGE_* */
	uint64_t hashed_pages;         /* 4 KiB pages whose contents were hashed */
	uint64_t shared_pages_skipped; /* shared pages left out (QEMU would measure them) */
	uint32_t threads;              /* hashing threads used */
	uint32_t compatibility_mask;   /* the mask measured */
} IgvmMeasureDetails;

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The launch digest of the IGVM file in data[0..len). opts may be NULL
 * (SEV-SNP, QEMU/KVM, every CPU). The digest goes to details->digest.
 */
IgvmResult igvm_measure_launch_digest(const uint8_t *data, uint64_t len, const IgvmMeasureOptions *opts,
				      IgvmMeasureDetails *details, IgvmMeasureError *err);

/* The same for a file: headers are mapped, page data read with pread(), so memory stays flat. */
IgvmResult igvm_measure_launch_digest_path(const char *path, const IgvmMeasureOptions *opts,
					   IgvmMeasureDetails *details, IgvmMeasureError *err);

/* ---- direct OVMF boots (sev-snp-measure) -------------------------------------------------------- */

#define IGVM_OVMF_MODE_SEV 0u
#define IGVM_OVMF_MODE_SEV_ES 1u
#define IGVM_OVMF_MODE_SNP 2u
#define IGVM_OVMF_MODE_SNP_OVMF_HASH 3u /* only the firmware pages: the seed --snp-ovmf-hash takes */
#define IGVM_OVMF_MODE_SNP_SVSM 4u

#define IGVM_OVMF_VMM_QEMU 0u
#define IGVM_OVMF_VMM_EC2 1u
#define IGVM_OVMF_VMM_GCE 2u

typedef struct IgvmOvmfOptions {
	uint32_t struct_size;    /* sizeof(IgvmOvmfOptions) */
	uint32_t mode;           /* IGVM_OVMF_MODE_* */
	uint32_t vcpus;          /* SEV-ES and SNP modes: at least 1 */
	uint32_t vmm;            /* IGVM_OVMF_VMM_* */
	const char *vcpu_type;   /* QEMU CPU model ("EPYC-v4"), or NULL to use vcpu_sig */
	uint64_t vcpu_sig;       /* CPUID Fn0000_0001_EAX */
	uint64_t guest_features; /* SNP: SEV_FEATURES of the VMSAs (sev-snp-measure's default is 0x1) */
	const uint8_t *kernel;   /* optional, with initrd and append: the SEV hashes table */
	uint64_t kernel_len;
	const uint8_t *initrd;
	uint64_t initrd_len;
	const char *append;
	const uint8_t *svsm;     /* SNP_SVSM: the SVSM image, and the size of OVMF's variable store */
	uint64_t svsm_len;
	uint64_t vars_size;
	const uint8_t *ovmf_hash; /* SNP: 48-byte seed instead of hashing the firmware pages, or NULL */
} IgvmOvmfOptions;

/* digest gets *digest_len (48 for SNP modes, 32 for SEV and SEV-ES) bytes. */
IgvmResult igvm_measure_ovmf(const uint8_t *ovmf, uint64_t len, const IgvmOvmfOptions *opts, uint8_t digest[48],
			     uint32_t *digest_len, IgvmMeasureError *err);

/* ---- Intel TDX (IGVM_MEASURE_0.2) ---------------------------------------------------------------- */

/* Page orders of a direct TDVF launch: per page PAGE.ADD then its 16 MR.EXTENDs (Linux KVM with QEMU,
 * td-shim's calculator); or per section every PAGE.ADD then every MR.EXTEND (dstack-mr's choice for QEMU 8.x). */
#define IGVM_TDVF_ORDER_SINGLE_PASS 0u
#define IGVM_TDVF_ORDER_TWO_PASS 1u

typedef struct IgvmTdxDetails {
	uint32_t struct_size;          /* sizeof(IgvmTdxDetails) */
	uint32_t compatibility_mask;   /* the mask measured */
	uint8_t mrtd[48];
	uint64_t page_adds;            /* TDH.MEM.PAGE.ADD records */
	uint64_t mr_extends;           /* TDH.MR.EXTEND records (16 per measured page) */
	uint64_t hashed_pages;         /* pages whose file data was read (the others are extended as zeros or not at all) */
	uint64_t shared_pages_skipped; /* shared pages, not added to the TD */
	uint64_t large_pages;          /* is_2mb_page headers measured as one 4 KiB page, as the crate does */
} IgvmTdxDetails;

/*
 * The MRTD of the IGVM file in data[0..len) for its TDX platform, in the
 * microsoft/igvm crate's model (igvmmeasure(1), -p tdx). compatibility_mask
 * 0 = the TDX platform header's. The MRTD goes to details->mrtd.
 */
IgvmResult igvm_measure_tdx_mrtd(const uint8_t *data, uint64_t len, uint32_t compatibility_mask,
				 IgvmTdxDetails *details, IgvmMeasureError *err);
IgvmResult igvm_measure_tdx_mrtd_path(const char *path, uint32_t compatibility_mask, IgvmTdxDetails *details,
				      IgvmMeasureError *err);

/* The MRTD of a TD the VMM builds directly from a TDVF firmware's TDX metadata (igvmmeasure tdvf). */
IgvmResult igvm_measure_tdvf(const uint8_t *firmware, uint64_t len, uint32_t order, uint8_t mrtd[48],
			     IgvmMeasureError *err);

/* ---- ID blocks ------------------------------------------------------------------------------------ */

typedef struct IgvmIdBlockParams {
	uint32_t struct_size; /* sizeof(IgvmIdBlockParams) */
	uint32_t guest_svn;
	uint8_t ld[48];       /* the expected launch digest */
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint64_t policy;      /* the guest policy (snp-create-id-block's default is 0x30000) */
} IgvmIdBlockParams;

/*
 * The 96-byte ID block and the 4096-byte ID authentication structure of
 * SNP_LAUNCH_FINISH, signed with the P-384 ID key (PEM, private) and, when
 * author_key_pem is not NULL, the author key. Deterministic (RFC 6979).
 */
IgvmResult igvm_measure_id_block(const IgvmIdBlockParams *params, const char *id_key_pem, uint64_t id_key_len,
				 const char *author_key_pem, uint64_t author_key_len, uint8_t id_block[96],
				 uint8_t id_auth[4096], IgvmMeasureError *err);

/* ---- attestation reports ------------------------------------------------------------------------------- */

/* Verdicts (the exit codes of `igvmmeasure report`). */
#define IGVM_REPORT_OK 0
#define IGVM_REPORT_POLICY_FAILED 5 /* authentic (or not checked) but a policy check failed */
#define IGVM_REPORT_NOT_AUTHENTIC 8 /* signature, chain, or VCEK/VLEK not bound to this report */
#define IGVM_REPORT_REVOKED 9       /* a certificate is revoked, or the CRL is unusable */

/* Check classes and statuses. */
#define IGVM_REPORT_CLASS_AUTHENTICITY 0
#define IGVM_REPORT_CLASS_REVOCATION 1
#define IGVM_REPORT_CLASS_POLICY 2
#define IGVM_REPORT_CHECK_PASS 0
#define IGVM_REPORT_CHECK_FAIL 1
#define IGVM_REPORT_CHECK_SKIP 2

typedef struct IgvmReportVerifier IgvmReportVerifier;
typedef struct IgvmReportResult IgvmReportResult;

/* A verifier holds the inputs (certificates, CRL) and the policy. NULL when out of memory. */
IgvmReportVerifier *igvm_report_verifier_new(void);
void igvm_report_verifier_free(IgvmReportVerifier *verifier);

/*
 * Sets an option by the name `igvmmeasure report` uses for it, without the
 * dashes: "certs" (a directory), "cert-table", "vcek", "crl", "product",
 * "at", "expect-measurement", "igvm", "min-tcb", "require-no-debug", ...
 * (libigvm(3) lists them). Options without a value take NULL. Files are
 * read here.
 */
IgvmResult igvm_report_verifier_set(IgvmReportVerifier *verifier, const char *option, const char *value,
				    IgvmMeasureError *err);

/* An input from memory: "vcek", "vlek", "ask", "asvk", "ark" (DER or PEM), "cert-table",
 * "crl", "trusted-roots" (a PEM bundle) or "igvm" (an IGVM file). */
IgvmResult igvm_report_verifier_set_data(IgvmReportVerifier *verifier, const char *input, const uint8_t *data,
					 uint64_t len, IgvmMeasureError *err);

/* The option names, for building a command line or a form: NULL past the end. */
const char *igvm_report_option_name(uint32_t index, int32_t *takes_value);

/*
 * Verifies a report (1184 bytes). Returns 0 and a result when the report
 * could be checked, whatever the verdict; IGVMAPI_INVALID_FILE when it is
 * not a report (err names the rule and offset).
 */
IgvmResult igvm_report_verify(IgvmReportVerifier *verifier, const uint8_t *report, uint64_t len,
			      IgvmReportResult **result, IgvmMeasureError *err);

int32_t igvm_report_result_verdict(const IgvmReportResult *result);       /* IGVM_REPORT_* */
int32_t igvm_report_result_authenticated(const IgvmReportResult *result); /* 1 or 0 */
uint32_t igvm_report_result_check_count(const IgvmReportResult *result);
/* Check `index`: name ("signature", "vcek.tcb", "measurement"...), IGVM_REPORT_CLASS_*,
 * IGVM_REPORT_CHECK_*, and a one-line detail. NULL / -1 for an index out of range. */
const char *igvm_report_result_check_name(const IgvmReportResult *result, uint32_t index);
int32_t igvm_report_result_check_class(const IgvmReportResult *result, uint32_t index);
int32_t igvm_report_result_check_status(const IgvmReportResult *result, uint32_t index);
const char *igvm_report_result_check_detail(const IgvmReportResult *result, uint32_t index);
/* Findings about the report that are not checks (reserved bytes set, a newer version): NULL past the end. */
const char *igvm_report_result_warning(const IgvmReportResult *result, uint32_t index);
/* The report's fields and the checks as JSON or as text (what igvmmeasure prints); free with
 * igvm_measure_free(). file (may be NULL) is copied into the JSON as "file". */
char *igvm_report_result_json(const IgvmReportResult *result, const char *file);
char *igvm_report_result_text(const IgvmReportResult *result);
void igvm_report_result_free(IgvmReportResult *result);

/* Frees what this API returned as char *. */
void igvm_measure_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* IGVM_MEASURE_H */
