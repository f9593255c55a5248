/* SPDX-License-Identifier: MIT */
/*
 * cmd_ovmf.c — `igvmmeasure ovmf`: the launch digest of a guest that boots
 * OVMF directly (no IGVM), with virtee/sev-snp-measure's options and output.
 *
 * This file is the command line only: it parses options in sev-snp-measure's
 * spelling and order of checks, reads the files, and prints. The measurement
 * is ovmf_measure.c, the firmware parser ovmf.c.
 *
 * Where sev-snp-measure is merely strict about spelling, this accepts more
 * (mode, VMM, CPU and output-format names in any letter case). Where it
 * crashes or silently misreads, this refuses with a usage error (exit 2):
 * negative numbers, --vcpu-family without --vcpu-model/--vcpu-stepping, a
 * malformed --snp-ovmf-hash. Firmware that breaks a layout rule is refused
 * with exit 1 and one line: "FILE: offset 0x..: RULE: DETAIL".
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "cmds.h"
#include "id_block.h"
#include "jsonw.h"
#include "ovmf_measure.h"

/* Firmware images must fit below 4 GiB; real ones are a few MiB. */
#define FIRMWARE_MAX_SIZE (256ull << 20)
/* Kernels and initrds are hashed whole, never parsed. */
#define BLOB_MAX_SIZE (4ull << 30)
/* KVM's largest KVM_MAX_VCPUS; also bounds the SEV-ES hash input and the VMSA files. */
#define VCPUS_MAX 4096u

struct ovmf_opts {
	enum ovmf_mode mode;
	bool have_mode;
	bool have_vcpus;
	uint32_t vcpus;
	bool have_type, have_sig, have_family, have_model, have_stepping;
	uint32_t type_sig;
	uint64_t sig, family, model, stepping;
	enum snp_vmm vmm;
	const char *ovmf, *kernel, *initrd, *append;
	uint64_t guest_features;
	bool base64;
	const char *seed_hex;
	bool dump_vmsa;
	const char *svsm, *vars_file;
	bool have_vars_size;
	uint64_t vars_size;
	bool json, verbose;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: igvmmeasure ovmf --mode sev|seves|snp|snp:ovmf-hash|snp:svsm --ovmf FILE\n"
		"                        [--vcpus N] [--vcpu-type TYPE | --vcpu-sig VALUE |\n"
		"                         --vcpu-family F --vcpu-model M --vcpu-stepping S]\n"
		"                        [--vmm-type QEMU|ec2|gce] [--kernel FILE [--initrd FILE] [--append CMDLINE]]\n"
		"                        [--guest-features VALUE] [--snp-ovmf-hash HEX] [--dump-vmsa]\n"
		"                        [--svsm FILE (--vars-size N | --vars-file FILE)]\n"
		"                        [--output-format hex|base64] [--json] [-v]\n"
		"CPU types:");
	for (size_t i = 0; snp_cpu_type_name(i); i++)
		fprintf(out, " %s", snp_cpu_type_name(i));
	fprintf(out, "\nSee igvmmeasure(1).\n");
}

static const struct {
	const char *name;
	enum ovmf_mode mode;
	const char *label; /* sev-snp-measure's SevMode name, for --verbose */
} modes[] = {
	{ "sev", OVMF_MODE_SEV, "SEV" },
	{ "seves", OVMF_MODE_SEV_ES, "SEV_ES" },
	{ "sev-es", OVMF_MODE_SEV_ES, "SEV_ES" },
	{ "snp", OVMF_MODE_SNP, "SEV_SNP" },
	{ "sev-snp", OVMF_MODE_SNP, "SEV_SNP" },
	{ "snp:ovmf-hash", OVMF_MODE_SNP_OVMF_HASH, "SEV_SNP" },
	{ "snp:svsm", OVMF_MODE_SNP_SVSM, "SEV_SNP_SVSM" },
};

static const char *mode_name(enum ovmf_mode m)
{
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (modes[i].mode == m)
			return modes[i].name;
	return "?";
}

static const char *mode_label(enum ovmf_mode m)
{
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (modes[i].mode == m)
			return modes[i].label;
	return "?";
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * A non-negative integer as Python's int(s) (auto_base false: decimal) or
 * int(s, 0) (auto_base true: 0x/0o/0b prefixes, and no leading zeros on a
 * non-zero decimal, which Python refuses rather than read as octal).
 */
static bool parse_uint(const char *s, bool auto_base, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	const char *p = s;
	if (auto_base && p[0] == '0' && p[1] && strchr("xXoObB", p[1])) {
		base = strchr("xX", p[1]) ? 16 : strchr("oO", p[1]) ? 8 : 2;
		p += 2;
	} else if (auto_base && p[0] == '0') {
		for (const char *q = p; *q; q++)
			if (*q != '0')
				return false;
	}
	if (!*p)
		return false;
	uint64_t v = 0;
	for (; *p; p++) {
		unsigned d = (unsigned)digit_value(*p);
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_seed(const char *s, uint8_t seed[SNP_LD_LEN])
{
	size_t n = 0;
	/* bytes.fromhex() also allows whitespace between the byte pairs. */
	for (const char *p = s; *p;) {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			p++;
			continue;
		}
		int hi = digit_value(p[0]), lo = p[1] ? digit_value(p[1]) : 99;
		if (hi > 15 || lo > 15 || n == SNP_LD_LEN)
			return false;
		seed[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	return n == SNP_LD_LEN;
}

enum {
	OPT_MODE = 0x100,
	OPT_VCPUS,
	OPT_VCPU_TYPE,
	OPT_VCPU_SIG,
	OPT_VCPU_FAMILY,
	OPT_VCPU_MODEL,
	OPT_VCPU_STEPPING,
	OPT_VMM_TYPE,
	OPT_OVMF,
	OPT_KERNEL,
	OPT_INITRD,
	OPT_APPEND,
	OPT_GUEST_FEATURES,
	OPT_OUTPUT_FORMAT,
	OPT_SNP_OVMF_HASH,
	OPT_DUMP_VMSA,
	OPT_SVSM,
	OPT_VARS_SIZE,
	OPT_VARS_FILE,
	OPT_JSON,
};

static int bad_value(const char *opt, const char *val, const char *expect)
{
	ib_err("ovmf: %s: '%s' is not %s", opt, val, expect);
	return IB_EXIT_USAGE;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(struct ovmf_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "vcpus", required_argument, NULL, OPT_VCPUS },
		{ "vcpu-type", required_argument, NULL, OPT_VCPU_TYPE },
		{ "vcpu-sig", required_argument, NULL, OPT_VCPU_SIG },
		{ "vcpu-family", required_argument, NULL, OPT_VCPU_FAMILY },
		{ "vcpu-model", required_argument, NULL, OPT_VCPU_MODEL },
		{ "vcpu-stepping", required_argument, NULL, OPT_VCPU_STEPPING },
		{ "vmm-type", required_argument, NULL, OPT_VMM_TYPE },
		{ "ovmf", required_argument, NULL, OPT_OVMF },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "guest-features", required_argument, NULL, OPT_GUEST_FEATURES },
		{ "output-format", required_argument, NULL, OPT_OUTPUT_FORMAT },
		{ "snp-ovmf-hash", required_argument, NULL, OPT_SNP_OVMF_HASH },
		{ "dump-vmsa", no_argument, NULL, OPT_DUMP_VMSA },
		{ "svsm", required_argument, NULL, OPT_SVSM },
		{ "vars-size", required_argument, NULL, OPT_VARS_SIZE },
		{ "vars-file", required_argument, NULL, OPT_VARS_FILE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_MODE: {
			size_t i = 0;
			while (i < ARRAY_SIZE(modes) && strcasecmp(optarg, modes[i].name))
				i++;
			if (i == ARRAY_SIZE(modes))
				return bad_value("--mode", optarg, "sev, seves, snp, snp:ovmf-hash or snp:svsm");
			o->mode = modes[i].mode;
			o->have_mode = true;
			break;
		}
		case OPT_VCPUS: {
			uint64_t v;
			if (!parse_uint(optarg, false, VCPUS_MAX, &v))
				return bad_value("--vcpus", optarg, "a vCPU count from 0 to 4096");
			o->vcpus = (uint32_t)v;
			o->have_vcpus = true;
			break;
		}
		case OPT_VCPU_TYPE:
			if (!snp_cpu_sig_by_name(optarg, &o->type_sig))
				return bad_value("--vcpu-type", optarg, "a known CPU type (see --help)");
			o->have_type = true;
			break;
		case OPT_VCPU_SIG:
			if (!parse_uint(optarg, true, UINT64_MAX, &o->sig))
				return bad_value("--vcpu-sig", optarg, "a non-negative integer (0x.. for hex)");
			o->have_sig = true;
			break;
		case OPT_VCPU_FAMILY:
		case OPT_VCPU_MODEL:
		case OPT_VCPU_STEPPING: {
			uint64_t *val = c == OPT_VCPU_FAMILY ? &o->family : c == OPT_VCPU_MODEL ? &o->model : &o->stepping;
			bool *have = c == OPT_VCPU_FAMILY  ? &o->have_family
				     : c == OPT_VCPU_MODEL ? &o->have_model
							   : &o->have_stepping;
			if (!parse_uint(optarg, false, UINT32_MAX, val))
				return bad_value("--vcpu-family/--vcpu-model/--vcpu-stepping", optarg,
						 "a non-negative decimal integer");
			*have = true;
			break;
		}
		case OPT_VMM_TYPE:
			if (!snp_vmm_parse(optarg, &o->vmm))
				return bad_value("--vmm-type", optarg, "QEMU, ec2 or gce");
			break;
		case OPT_OVMF:
			o->ovmf = optarg;
			break;
		case OPT_KERNEL:
			o->kernel = optarg;
			break;
		case OPT_INITRD:
			o->initrd = optarg;
			break;
		case OPT_APPEND:
			o->append = optarg;
			break;
		case OPT_GUEST_FEATURES:
			if (!parse_uint(optarg, true, UINT64_MAX, &o->guest_features))
				return bad_value("--guest-features", optarg, "a non-negative integer (0x.. for hex)");
			break;
		case OPT_OUTPUT_FORMAT:
			if (!strcasecmp(optarg, "hex"))
				o->base64 = false;
			else if (!strcasecmp(optarg, "base64"))
				o->base64 = true;
			else
				return bad_value("--output-format", optarg, "hex or base64");
			break;
		case OPT_SNP_OVMF_HASH:
			o->seed_hex = optarg;
			break;
		case OPT_DUMP_VMSA:
			o->dump_vmsa = true;
			break;
		case OPT_SVSM:
			o->svsm = optarg;
			break;
		case OPT_VARS_SIZE:
			if (!parse_uint(optarg, false, UINT32_MAX, &o->vars_size))
				return bad_value("--vars-size", optarg, "a size in bytes below 4 GiB");
			o->have_vars_size = true;
			break;
		case OPT_VARS_FILE:
			o->vars_file = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return IB_EXIT_OK;
		default:
			usage(stderr);
			return IB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ib_err("ovmf: unexpected argument '%s'", argv[optind]);
		return IB_EXIT_USAGE;
	}
	if (!o->have_mode || !o->ovmf) {
		ib_err("ovmf: --mode and --ovmf are required (see igvmmeasure ovmf --help)");
		return IB_EXIT_USAGE;
	}
	if (o->vars_file && o->have_vars_size) {
		ib_err("ovmf: --vars-size and --vars-file exclude each other");
		return IB_EXIT_USAGE;
	}
	return -1;
}

/* The checks sev-snp-measure makes before it reads a file, in its order. */
static int check_args(struct ovmf_opts *o)
{
	if (o->mode == OVMF_MODE_SNP_OVMF_HASH)
		return -1; /* upstream ignores every other option in this mode */
	/* As upstream, an empty --initrd/--append counts as absent; so does an empty --kernel later. */
	if (o->initrd && *o->initrd && !o->kernel) {
		ib_err("ovmf: --kernel required when using --initrd");
		return IB_EXIT_USAGE;
	}
	if (o->append && *o->append && !o->kernel) {
		ib_err("ovmf: --kernel required when using --append");
		return IB_EXIT_USAGE;
	}
	if (o->mode != OVMF_MODE_SEV && !o->have_vcpus) {
		ib_err("ovmf: missing --vcpus N in guest mode '%s'", mode_name(o->mode));
		return IB_EXIT_USAGE;
	}
	if (o->mode == OVMF_MODE_SEV) {
		o->sig = 0;
	} else if (o->have_family) {
		if (!o->have_model || !o->have_stepping) {
			ib_err("ovmf: --vcpu-family needs --vcpu-model and --vcpu-stepping");
			return IB_EXIT_USAGE;
		}
		o->sig = snp_cpu_sig(o->family, o->model, o->stepping);
	} else if (o->have_sig) {
		/* o->sig as given */
	} else if (o->have_type) {
		o->sig = o->type_sig;
	} else if (o->vmm == SNP_VMM_QEMU) {
		ib_err("ovmf: missing --vcpu-type or --vcpu-sig or --vcpu-family in guest mode '%s'",
		       mode_name(o->mode));
		return IB_EXIT_USAGE;
	}
	if (o->mode == OVMF_MODE_SNP_SVSM) {
		if (o->vmm != SNP_VMM_QEMU) {
			ib_err("ovmf: snp:svsm mode is only implemented for QEMU");
			return IB_EXIT_USAGE;
		}
		if (!o->svsm) {
			ib_err("ovmf: snp:svsm mode requires --svsm");
			return IB_EXIT_USAGE;
		}
		if (!o->vars_file && !o->have_vars_size) {
			ib_err("ovmf: snp:svsm mode requires --vars-size or --vars-file");
			return IB_EXIT_USAGE;
		}
	}
	if (o->dump_vmsa && o->mode == OVMF_MODE_SEV) {
		ib_err("ovmf: --dump-vmsa is not available in mode 'sev' (no VMSA is measured)");
		return IB_EXIT_USAGE;
	}
	if (o->seed_hex && *o->seed_hex && o->mode != OVMF_MODE_SNP) {
		ib_err("ovmf: --snp-ovmf-hash only works with --mode snp");
		return IB_EXIT_USAGE;
	}
	return -1;
}

/* Reads a whole input; prints one line and returns an exit code on failure, -1 on success. */
static int read_input(const char *path, uint64_t max, uint8_t **data, size_t *len)
{
	int r = ib_read_file(path, max, data, len);
	if (r == -EFBIG) {
		ib_err("%s: offset 0x%" PRIx64 ": file-size: larger than the %" PRIu64 " MiB this tool reads", path,
		       max, max >> 20);
		return IB_EXIT_INVALID;
	}
	if (r == -ENOMEM) {
		ib_err("%s: out of memory", path);
		return IB_EXIT_INTERNAL;
	}
	if (r) {
		ib_err("%s: cannot read: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}
	return -1;
}

static int invalid(const char *path, const struct ovmf_error *err)
{
	ib_err("%s: offset 0x%" PRIx64 ": %s: %s", path, err->offset, err->rule, err->detail);
	return IB_EXIT_INVALID;
}

static int parse_image(const char *path, const uint8_t *data, size_t len, uint64_t end, struct ovmf_image *img)
{
	struct ovmf_error err;
	int r = ovmf_parse(data, len, end, img, &err);
	if (r == -ENOMEM) {
		ib_err("%s: out of memory", path);
		return IB_EXIT_INTERNAL;
	}
	return r ? invalid(path, &err) : -1;
}

static int dump_vmsas(const struct ovmf_measure_args *a)
{
	struct igvm_sev_vmsa bsp, ap;
	struct ovmf_error err;
	const struct ovmf_image *bad;
	/* ovmf_measure() has already passed the same checks. */
	if (ovmf_build_vmsas(a, &bsp, &ap, &err, &bad))
		return IB_EXIT_INTERNAL;
	for (uint32_t i = 0; i < a->vcpus; i++) {
		char name[32];
		snprintf(name, sizeof(name), "vmsa%" PRIu32 ".bin", i);
		int r = ib_write_file_atomic(name, i == 0 ? &bsp : &ap, sizeof(bsp), 0644);
		if (r) {
			ib_err("%s: cannot write: %s", name, strerror(-r));
			return IB_EXIT_IO;
		}
	}
	return -1;
}

static void json_file(struct jsonw *w, const char *key, const char *path, size_t size,
		      const struct ovmf_image *img)
{
	jsonw_begin_object(w, key);
	jsonw_str(w, "path", path);
	jsonw_u64(w, "size", size);
	if (img)
		jsonw_hex(w, "gpa", img->gpa);
	jsonw_end_object(w);
}

struct inputs {
	const char *kernel_path, *initrd_path;
	size_t kernel_size, initrd_size;
	const struct ovmf_image *ovmf, *svsm;
	uint64_t vars_size;
};

static void print_result(const struct ovmf_opts *o, const struct measure_globals *g,
			 const struct ovmf_measure_args *a, const struct inputs *in, const uint8_t *digest)
{
	size_t n = ovmf_digest_len(o->mode);
	char text[2 * SNP_LD_LEN + 1];
	/* sev-snp-measure prints bytes.hex() (lower case) or standard padded base64. */
	if (o->base64)
		snp_b64_encode(digest, n, text);
	else
		ib_hex(digest, n, text);
	if (!(o->json || g->json)) {
		if ((o->verbose || g->verbose) && o->mode != OVMF_MODE_SNP_OVMF_HASH)
			printf("Calculated %s guest measurement: %s\n", mode_label(o->mode), text);
		else
			printf("%s\n", text);
		return;
	}
	struct jsonw w;
	jsonw_init(&w, stdout);
	jsonw_begin_object(&w, NULL);
	jsonw_str(&w, "mode", mode_name(o->mode));
	jsonw_str(&w, "digest", text);
	jsonw_str(&w, "output_format", o->base64 ? "base64" : "hex");
	if (o->mode != OVMF_MODE_SEV && o->mode != OVMF_MODE_SNP_OVMF_HASH) {
		jsonw_u64(&w, "vcpus", a->vcpus);
		jsonw_str(&w, "vmm_type", snp_vmm_name(a->vmm));
		jsonw_hex(&w, "vcpu_sig", a->vcpu_sig);
	}
	if (o->mode == OVMF_MODE_SNP) {
		jsonw_hex(&w, "guest_features", a->guest_features);
		jsonw_bool(&w, "seeded", a->seed != NULL);
	}
	bool placed = o->mode != OVMF_MODE_SEV && o->mode != OVMF_MODE_SEV_ES;
	json_file(&w, "ovmf", o->ovmf, in->ovmf->size, placed ? in->ovmf : NULL);
	if (in->kernel_path) {
		json_file(&w, "kernel", in->kernel_path, in->kernel_size, NULL);
		if (in->initrd_path)
			json_file(&w, "initrd", in->initrd_path, in->initrd_size, NULL);
		jsonw_u64(&w, "cmdline_bytes", o->append ? strlen(o->append) + 1 : 1);
	}
	if (in->svsm) {
		json_file(&w, "svsm", o->svsm, in->svsm->size, in->svsm);
		jsonw_u64(&w, "vars_size", in->vars_size);
	}
	if (o->dump_vmsa && o->mode != OVMF_MODE_SNP_OVMF_HASH)
		jsonw_u64(&w, "vmsa_files", a->vcpus);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

int cmd_ovmf(const struct measure_globals *g, int argc, char **argv)
{
	struct ovmf_opts o = { .mode = OVMF_MODE_SNP, .vmm = SNP_VMM_QEMU, .guest_features = 0x1 };
	int r = parse_args(&o, argc, argv);
	if (r >= 0)
		return r;
	if ((r = check_args(&o)) >= 0)
		return r;
	uint8_t seed[SNP_LD_LEN];
	bool seeded = o.mode == OVMF_MODE_SNP && o.seed_hex && *o.seed_hex;
	if (seeded && !parse_seed(o.seed_hex, seed)) {
		ib_err("ovmf: --snp-ovmf-hash: expected 96 hex digits (a 48-byte SHA-384 digest)");
		return IB_EXIT_USAGE;
	}

	_cleanup_free_ uint8_t *fw = NULL, *kernel = NULL, *initrd = NULL, *svsm = NULL;
	size_t fw_len = 0, kernel_len = 0, initrd_len = 0, svsm_len = 0;
	_cleanup_(ovmf_image_free) struct ovmf_image img = { 0 };
	_cleanup_(ovmf_image_free) struct ovmf_image svsm_img = { 0 };
	if ((r = read_input(o.ovmf, FIRMWARE_MAX_SIZE, &fw, &fw_len)) >= 0 ||
	    (r = parse_image(o.ovmf, fw, fw_len, OVMF_FOUR_GIB, &img)) >= 0)
		return r;

	struct inputs in = { .ovmf = &img };
	struct sev_hashes hashes;
	bool use_kernel = o.kernel && *o.kernel && o.mode != OVMF_MODE_SNP_SVSM && o.mode != OVMF_MODE_SNP_OVMF_HASH;
	if (use_kernel) {
		bool use_initrd = o.initrd && *o.initrd;
		if ((r = read_input(o.kernel, BLOB_MAX_SIZE, &kernel, &kernel_len)) >= 0 ||
		    (use_initrd && (r = read_input(o.initrd, BLOB_MAX_SIZE, &initrd, &initrd_len)) >= 0))
			return r;
		if (sev_hashes_compute(&hashes, kernel, kernel_len, use_initrd ? initrd : NULL, initrd_len,
				       o.append)) {
			ib_err("ovmf: SHA-256 failed");
			return IB_EXIT_INTERNAL;
		}
		in.kernel_path = o.kernel;
		in.kernel_size = kernel_len;
		in.initrd_path = use_initrd ? o.initrd : NULL;
		in.initrd_size = initrd_len;
	}

	if (o.mode == OVMF_MODE_SNP_SVSM) {
		uint64_t vars = o.vars_size;
		if (o.vars_file) {
			struct stat st;
			if (stat(o.vars_file, &st) < 0) {
				ib_err("%s: cannot stat: %s", o.vars_file, strerror(errno));
				return IB_EXIT_IO;
			}
			vars = (uint64_t)st.st_size; /* only the size matters: the store is not measured */
		}
		if (vars > img.gpa) {
			ib_err("ovmf: a %" PRIu64 "-byte variable store below the %zu-byte firmware leaves no room for "
			       "the SVSM below 4 GiB",
			       vars, img.size);
			return IB_EXIT_USAGE;
		}
		if ((r = read_input(o.svsm, FIRMWARE_MAX_SIZE, &svsm, &svsm_len)) >= 0 ||
		    (r = parse_image(o.svsm, svsm, svsm_len, img.gpa - vars, &svsm_img)) >= 0)
			return r;
		in.svsm = &svsm_img;
		in.vars_size = vars;
	}

	struct ovmf_measure_args a = {
		.mode = o.mode,
		.ovmf = &img,
		.svsm = in.svsm,
		.hashes = use_kernel ? &hashes : NULL,
		.vcpus = o.vcpus,
		.vcpu_sig = o.sig,
		.vmm = o.vmm,
		.guest_features = o.guest_features,
		.seed = seeded ? seed : NULL,
	};
	uint8_t digest[SNP_LD_LEN];
	struct ovmf_error err;
	const struct ovmf_image *bad = &img;
	r = ovmf_measure(&a, digest, &err, &bad);
	if (r == -EINVAL)
		return invalid(bad == &svsm_img ? o.svsm : o.ovmf, &err);
	if (r) {
		ib_err("ovmf: %s", r == -ENOMEM ? "out of memory"
				   : r == -EIO	 ? "the hash library failed"
						 : "internal error: unparsed firmware");
		return IB_EXIT_INTERNAL;
	}
	/* Files are written only once every input has passed every rule. */
	if (o.dump_vmsa && o.mode != OVMF_MODE_SNP_OVMF_HASH && (r = dump_vmsas(&a)) >= 0)
		return r;
	print_result(&o, g, &a, &in, digest);
	if (fflush(stdout) || ferror(stdout)) {
		ib_err("ovmf: cannot write the result: %s", strerror(errno));
		return IB_EXIT_IO;
	}
	return IB_EXIT_OK;
}
