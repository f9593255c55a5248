/* SPDX-License-Identifier: MIT */
/*
 * build.h — internal interfaces of `igvmbuild build` (igvmbuild/build_*.c).
 *
 * The build runs as a pipeline of small modules, each with one job:
 *
 *   build_xml.c       safe libxml2 loading + validation against an embedded XSD
 *   build_template.c  template XML -> struct build_config (then CLI overrides)
 *   build_vtpm.c      vTPM manifest XML -> vTPM configuration blob (format/vtpm_config.h)
 *   build_elf.c       kernel ELF (libelf) -> list of loadable segments
 *   build_ovmf.c      OVMF image -> placement and metadata (measure/ovmf.h parser)
 *   build_layout.c    guest-physical layout: kernel region, page tables, launch info
 *   build_vp.c        BSP initial context: SNP VMSA, native VP context
 *   build_tdx.c       the TDX part: the TDVF launch from the firmware's TDX metadata
 *   build_image.c     the IGVM model: headers and directives in KVM's order
 *   cmd_build.c       command line, digest, JSON summary, atomic output
 *
 * Error contract: every function that can fail prints exactly one line with
 * ib_err() naming the file and the line/offset/element and the rule broken,
 * and returns an enum ib_exit code (common/status.h); 0 means success.
 * Nothing here writes files: only cmd_build.c does, atomically, at the end.
 */
#ifndef IGVMBUILD_BUILD_H
#define IGVMBUILD_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/version.h"
#include "../format/igvm.h"

#define BUILD_PAGE 4096u
#define BUILD_4G 0x100000000ull

/* Largest input files we accept (read whole, checked before allocating). */
#define BUILD_MAX_XML   (1u << 20)          /* templates and manifests */
#define BUILD_MAX_ELF   (64u << 20)
#define BUILD_MAX_FW    (64u << 20)
#define BUILD_MAX_STAGE2 (4u << 20)
#define BUILD_MAX_NVFILE (64u << 10)

/* Compatibility-mask bits, as in the reference builder (svsm-reference §1.2). */
#define BUILD_MASK_SNP    (1u << 0)
#define BUILD_MASK_NATIVE (1u << 1)
#define BUILD_MASK_TDX    (1u << 2)

/* TDX guest policy (IGVM TdxPolicy): the bits that exist, and the default (QEMU's tdx-guest
 * default attributes: SEPT #VE disabled, which Linux guests require). */
#define BUILD_TDX_POLICY_KNOWN (TDX_POLICY_DEBUG_ALLOWED | TDX_POLICY_SEPT_VE_DISABLE | TDX_POLICY_MIGRATABLE)
#define BUILD_TDX_POLICY_DEFAULT TDX_POLICY_SEPT_VE_DISABLE

enum build_hv { BUILD_HV_QEMU = 0 };
enum build_fw_placement { BUILD_FW_END_AT_4G = 0, BUILD_FW_NONE = 1 };
enum build_measure_model { BUILD_MEASURE_QEMU_KVM = 0 };

/* SEV features always set for the SVSM's VMSA (svsm-reference §1.8). */
#define BUILD_SEV_FEATURES_REQUIRED (SEV_FEAT_SNP)
#define BUILD_SEV_FEATURES_DEFAULT  (SEV_FEAT_SNP | SEV_FEAT_RESTRICTED_INJECTION | SEV_FEAT_DEBUG_SWAP)

/* A value and where it came from, for error messages ("t.xml:12" or "--policy"). */
struct build_origin {
	const char *file; /* NULL: the command line */
	int line;
};

struct build_input {
	char *path;               /* resolved (template-relative paths made absolute-ish) */
	struct build_origin from;
};

struct build_config {
	char *template_path;
	bool snp, native, tdx;
	enum build_hv hypervisor;
	uint64_t policy;
	uint64_t tdx_policy;
	uint64_t sev_features;
	uint16_t serial_port;
	uint16_t debug_exit_port; /* 0 = no isa-debug-exit device */
	uint64_t stage2_base;
	uint64_t kernel_base;
	uint64_t kernel_size;
	enum build_fw_placement fw_placement;
	enum build_measure_model model;

	struct build_input kernel, stage2, firmware, vtpm_manifest, filesystem;

	bool id_block;
	struct build_input id_key, author_key;
	uint8_t family_id[16], image_id[16];
	uint32_t id_version, id_svn;

	struct build_origin policy_from, tdx_policy_from, layout_from;
	bool have_layout; /* <stage2> and <kernel-region> given (the SVSM platforms need them) */
};

void build_config_free(struct build_config *c);

/* ---- build_xml.c ---------------------------------------------------------- */

struct _xmlDoc;
struct _xmlNode;

enum build_schema { BUILD_SCHEMA_TEMPLATE, BUILD_SCHEMA_VTPM };

/*
 * Parses `len` bytes of `path` as XML with every dangerous feature off (no
 * network, no DTD, no entities, size limit) and validates it against the
 * embedded schema. On success *doc owns the tree (free with xmlFreeDoc).
 */
int build_xml_load(const char *path, const uint8_t *data, size_t len, enum build_schema schema,
		   struct _xmlDoc **doc);
/* Reads the file then build_xml_load(). */
int build_xml_load_file(const char *path, enum build_schema schema, struct _xmlDoc **doc);
/* The embedded schema text (for tests and `--print-schema`). */
const char *build_schema_text(enum build_schema schema);

/* Helpers over a validated tree (the schema already fixed the shapes). */
struct _xmlNode *build_xml_child(struct _xmlNode *n, const char *name);
struct _xmlNode *build_xml_next(struct _xmlNode *n, const char *name); /* next sibling element named */
char *build_xml_text(struct _xmlNode *n);                              /* trimmed, malloc'd */
char *build_xml_attr(struct _xmlNode *n, const char *name);            /* malloc'd or NULL */
int build_xml_line(struct _xmlNode *n);
/* "0x..." or decimal, full range checked; 0 or IB_EXIT_INVALID with a message. */
int build_parse_u64(const char *s, uint64_t max, uint64_t *out, const char *file, int line, const char *what);
int build_parse_hex_bytes(const char *s, uint8_t *out, size_t n, const char *file, int line, const char *what);

/* Joins base's directory with rel unless rel is absolute. malloc'd, NULL on OOM. */
char *build_path_relative(const char *base, const char *rel);

/* ---- build_template.c ----------------------------------------------------- */

int build_template_load(const char *path, struct build_config *cfg);
int build_template_load_mem(const char *path, const uint8_t *data, size_t len, struct build_config *cfg);
/* Cross-field checks after CLI overrides (platform/policy/layout). */
int build_config_check(const struct build_config *cfg);
/* "debug-swap" <-> SEV_FEAT_DEBUG_SWAP ("snp" is implicit, never a template name). */
int build_sev_feature_bit(const char *name, uint64_t *bit);
const char *build_sev_feature_name(uint64_t bit);

/* ---- build_vtpm.c --------------------------------------------------------- */

/* Compiles a manifest into a blob (format/vtpm_config.h); *blob malloc'd. */
int build_vtpm_compile(const char *path, uint8_t **blob, size_t *blob_len);
int build_vtpm_compile_mem(const char *path, const uint8_t *data, size_t len, uint8_t **blob, size_t *blob_len);

/* ---- build_elf.c ---------------------------------------------------------- */

struct build_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	const uint8_t *data; /* filesz bytes inside the ELF buffer */
	uint32_t flags;      /* PF_R/PF_W/PF_X */
};

struct build_elf {
	uint64_t entry;
	uint64_t vaddr_start; /* first segment, page aligned */
	uint64_t vaddr_end;   /* end of the last segment, page aligned up */
	struct build_segment *seg;
	size_t count;
};

/* Parses an x86-64 executable; buffer must outlive *out. */
/* The libxml2 and libelf the builder uses, for --version. */
struct ib_libversion build_xml_version(void);
struct ib_libversion build_elf_version(void);

int build_elf_load(const char *path, const uint8_t *data, size_t len, struct build_elf *out);
void build_elf_free(struct build_elf *e);

/* ---- build_fs.c ----------------------------------------------------------- */

/* The packed filesystem (format/igfs.h) from a directory tree or a cpio newc archive. */
struct build_fs {
	uint8_t *image; /* IGFS image, a page multiple */
	size_t len;
	uint32_t entries, dirs, files, symlinks;
	uint64_t file_bytes;
	bool archive;
};

/* A directory tree, walked without following symlinks. */
int build_fs_pack_dir(const char *path, struct build_fs *out);
/* A cpio newc archive (one or several concatenated, as Linux's initramfs takes them). */
int build_fs_pack_cpio(const char *path, const uint8_t *data, size_t len, struct build_fs *out);
void build_fs_free(struct build_fs *fs);

#endif

/* ---- build_ovmf.c --------------------------------------------------------- */

struct launch_info;

/*
 * Parses OVMF (measure/ovmf.h), places it to end at 4 GiB, checks that it and
 * its metadata stay clear of the SVSM's regions, and records in *li what the
 * core needs (firmware range, CPUID/secrets/CAA pages, kernel hashes,
 * prevalidated ranges, AP reset address).
 */
int build_ovmf_place(const char *path, const uint8_t *data, size_t len, const struct build_config *cfg,
		     struct launch_info *li);

/* ---- build_image.c -------------------------------------------------------- */

struct build_blobs {
	const uint8_t *stage2;
	size_t stage2_len;
	const uint8_t *fw; /* NULL: no firmware */
	size_t fw_len;
	const uint8_t *vtpm; /* NULL: no vTPM configuration */
	size_t vtpm_len;
	const uint8_t *fs; /* NULL: no packed filesystem (format/igfs.h image, a page multiple) */
	size_t fs_len;
};

/*
 * Lays the image out and fills *f with every header in the order KVM needs
 * (directives sorted by GPA, the SNP VMSA last). *li receives the launch
 * information as written into the image. `idb` (may be NULL) adds an
 * SNP_ID_BLOCK directive. Borrowed buffers (elf, blobs) must outlive *f.
 */
struct tdvf_image;
int build_image_make(const struct build_config *cfg, const struct build_elf *elf, const struct build_blobs *b,
		     const struct igvm_vhs_snp_id_block *idb, const struct tdvf_image *tdx, struct igvm_file *f,
		     struct launch_info *li);

/* The SNP VMSA / native context the image starts the BSP with (build_vp.c). */
void build_vp_snp_vmsa(const struct build_config *cfg, const struct launch_info *li, struct igvm_sev_vmsa *v);
void build_vp_native(const struct launch_info *li, struct igvm_native_vp_context_x64 *n);

#define BUILD_VMSA_GPA 0xFFFFFFFFF000ull

/* ---- build_tdx.c ---------------------------------------------------------- */

/* Parses the firmware's TDX metadata (measure/tdvf.h); one line and an exit code on failure,
 * its warnings as warnings. */
int build_tdx_parse(const char *path, const uint8_t *fw, size_t len, struct tdvf_image *img);
/* The TDX platform header and GUEST_POLICY (sets *oom when out of memory). */
void build_tdx_platform(struct igvm_file *f, bool *oom);
void build_tdx_policy(const struct build_config *cfg, struct igvm_file *f, bool *oom);
/* The TDVF launch as PAGE_DATA directives for the TDX mask, in the metadata's order. */
int build_tdx_pages(const struct tdvf_image *img, struct igvm_file *f);
/* A TDX-only image: platform, policy, pages. */
int build_tdx_image(const struct build_config *cfg, const struct tdvf_image *img, struct igvm_file *f);

/* ---- build_idblock.c ------------------------------------------------------ */

/*
 * Signs an SNP ID block for digest `ld` with the config's keys (deterministic
 * ECDSA P-384, measure/ecdsa.h) and fills the IGVM SNP_ID_BLOCK body.
 * id_key_digest receives SHA-384 of the ID public key in SEV encoding (what
 * the attestation report's ID_KEY_DIGEST holds), author_key_digest likewise
 * (zero without an author key).
 */
int build_id_block(const struct build_config *cfg, const uint8_t ld[48], struct igvm_vhs_snp_id_block *out,
		   uint8_t id_key_digest[48], uint8_t author_key_digest[48]);
