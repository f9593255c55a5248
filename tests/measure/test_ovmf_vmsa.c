/* SPDX-License-Identifier: MIT */
/*
 * VMSA synthesis per VMM, CPU signatures and the kernel hashes table.
 *
 * The expected VMSA pages are written byte by byte at the offsets of the
 * VMSA layout (AMD APM vol. 2 table B-4, Linux struct sev_es_save_area), not
 * through struct igvm_sev_vmsa, so a wrong field offset or a stray non-zero
 * byte shows. CPU signatures come from sev-snp-measure's tests
 * (tests/test_vcpu_types.py, tests/test_cli.py) and the QEMU model table.
 */
#include "ovmf_testlib.h"

#include "../../common/digest.h"
#include "../../measure/sev_hashes.h"
#include "../../measure/snp_vmsa.h"

static void w16(uint8_t *p, size_t off, uint16_t v) { put16(p, off, v); }
static void w32(uint8_t *p, size_t off, uint32_t v) { put32(p, off, v); }
static void w64(uint8_t *p, size_t off, uint64_t v)
{
	put32(p, off, (uint32_t)v);
	put32(p, off + 4, (uint32_t)(v >> 32));
}

static void wseg(uint8_t *p, size_t off, uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	w16(p, off, sel);
	w16(p, off + 2, attrib);
	w32(p, off + 4, limit);
	w64(p, off + 8, base);
}

struct regs {
	uint16_t cs_attrib, ss_attrib, tr_attrib;
	uint64_t rdx, pat;
	uint32_t mxcsr;
	uint16_t fcw;
};

/* The reset-state page: every VMM writes these, at these offsets; all else is zero. */
static void ref_page(uint8_t p[4096], const struct regs *r, uint32_t eip, uint64_t features)
{
	memset(p, 0, 4096);
	wseg(p, 0x00, 0, 0x93, 0xffff, 0);                          /* es */
	wseg(p, 0x10, 0xf000, r->cs_attrib, 0xffff, eip & 0xffff0000); /* cs */
	wseg(p, 0x20, 0, r->ss_attrib, 0xffff, 0);                  /* ss */
	wseg(p, 0x30, 0, 0x93, 0xffff, 0);                          /* ds */
	wseg(p, 0x40, 0, 0x93, 0xffff, 0);                          /* fs */
	wseg(p, 0x50, 0, 0x93, 0xffff, 0);                          /* gs */
	wseg(p, 0x60, 0, 0, 0xffff, 0);                             /* gdtr */
	wseg(p, 0x70, 0, 0x82, 0xffff, 0);                          /* ldtr */
	wseg(p, 0x80, 0, 0, 0xffff, 0);                             /* idtr */
	wseg(p, 0x90, 0, r->tr_attrib, 0xffff, 0);                  /* tr */
	w64(p, 0xd0, 0x1000);                                       /* efer */
	w64(p, 0x148, 0x40);                                        /* cr4 */
	w64(p, 0x158, 0x10);                                        /* cr0 */
	w64(p, 0x160, 0x400);                                       /* dr7 */
	w64(p, 0x168, 0xffff0ff0);                                  /* dr6 */
	w64(p, 0x170, 2);                                           /* rflags */
	w64(p, 0x178, eip & 0xffff);                                /* rip */
	w64(p, 0x268, r->pat);                                      /* g_pat */
	w64(p, 0x310, r->rdx);                                      /* rdx */
	w64(p, 0x3b0, features);                                    /* sev_features */
	w64(p, 0x3e8, 1);                                           /* xcr0 */
	w32(p, 0x408, r->mxcsr);                                    /* mxcsr */
	w16(p, 0x410, r->fcw);                                      /* x87 fcw */
}

static void check(enum snp_vmm vmm, uint32_t eip, const struct regs *r, const char *what)
{
	uint8_t want[4096];
	struct igvm_sev_vmsa v;
	ref_page(want, r, eip, 0x21);
	snp_vmsa_build(&v, vmm, eip, 0x21, 0x800f12);
	is_mem(&v, want, sizeof(want), "%s VMSA matches the layout byte for byte", what);
}

static void test_vmsas(void)
{
	const uint64_t pat = 0x0007040600070406ull;
	struct regs qemu = { 0x9b, 0x93, 0x8b, 0x800f12, pat, 0x1f80, 0x37f };
	check(SNP_VMM_QEMU, SNP_VMSA_BSP_EIP, &qemu, "QEMU BSP");
	check(SNP_VMM_QEMU, 0x80b004, &qemu, "QEMU AP (eip 0x80b004: cs.base 0x800000, rip 0xb004)");
	/* ec2's RDX is 0x600 since sev-snp-measure 4a02bf0 (April 2026); its
	 * test_snp_ec2_* vectors (test_ovmf_digest) pin it. */
	struct regs ec2_bsp = { 0x9a, 0x92, 0x83, 0x600, pat, 0, 0 };
	struct regs ec2_ap = { 0x9b, 0x92, 0x83, 0x600, pat, 0, 0 };
	check(SNP_VMM_EC2, SNP_VMSA_BSP_EIP, &ec2_bsp, "ec2 BSP");
	check(SNP_VMM_EC2, 0x808004, &ec2_ap, "ec2 AP");
	struct regs gce = { 0x9b, 0x93, 0x8b, 0x600, 0x70106, 0, 0 };
	check(SNP_VMM_GCE, SNP_VMSA_BSP_EIP, &gce, "gce BSP");
	check(SNP_VMM_GCE, 0x80b004, &gce, "gce AP");

	/* The SVSM VMSA: flat 32-bit segments, cr0.PE, rip = entry, mxcsr set, fcw 0, features 1. */
	uint8_t want[4096];
	ref_page(want, &qemu, 0, 1);
	wseg(want, 0x00, 0x10, 0xc93, 0xffffffff, 0);
	wseg(want, 0x10, 0x8, 0xc9b, 0xffffffff, 0);
	wseg(want, 0x20, 0x10, 0xc93, 0xffffffff, 0);
	wseg(want, 0x30, 0x10, 0xc93, 0xffffffff, 0);
	wseg(want, 0x40, 0x10, 0xc93, 0xffffffff, 0);
	w64(want, 0x158, 0x11);
	w64(want, 0x178, 0xffb7c000ull + 0x10);
	w16(want, 0x410, 0);
	struct igvm_sev_vmsa v;
	snp_vmsa_build_svsm(&v, 0xffb7c000ull + 0x10, 0x800f12);
	is_mem(&v, want, sizeof(want), "SVSM VMSA matches the layout byte for byte");
}

static void test_cpu_sigs(void)
{
	ok(snp_cpu_sig(14, 1, 2) == 0x0e12, "cpu_sig(14, 1, 2) = 0xe12 (test_cpu_sig_with_low_family)");
	ok(snp_cpu_sig(23, 1, 2) == 0x800f12, "cpu_sig(23, 1, 2) = 0x800f12 (test_cpu_sig_with_high_family)");
	uint32_t milan = 0;
	ok(snp_cpu_sig_by_name("EPYC-Milan", &milan) && milan == snp_cpu_sig(25, 1, 1) && milan == 0xa00f11,
	     "EPYC-Milan = cpu_sig(25, 1, 1) = 0xa00f11 (test_get_vcpu_sig_from_type/_from_family)");
	static const struct {
		const char *name;
		uint32_t sig;
	} table[] = {
		{ "EPYC", 0x800f12 },        { "EPYC-v1", 0x800f12 },      { "EPYC-v2", 0x800f12 },
		{ "EPYC-v3", 0x800f12 },     { "EPYC-v4", 0x800f12 },      { "EPYC-IBPB", 0x800f12 },
		{ "EPYC-Rome", 0x830f10 },   { "EPYC-Rome-v1", 0x830f10 }, { "EPYC-Rome-v2", 0x830f10 },
		{ "EPYC-Rome-v3", 0x830f10 }, { "EPYC-Milan-v1", 0xa00f11 }, { "EPYC-Milan-v2", 0xa00f11 },
		{ "EPYC-Genoa", 0xa10f10 },  { "EPYC-Genoa-v1", 0xa10f10 }, { "EPYC-Turin", 0xb00f00 },
	};
	bool all = true;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		uint32_t s = 0;
		all &= snp_cpu_sig_by_name(table[i].name, &s) && s == table[i].sig;
	}
	ok(all, "every QEMU EPYC model has its signature");
	uint32_t s;
	ok(snp_cpu_sig_by_name("epyc-genoa", &s) && s == 0xa10f10, "model names match in any case");
	ok(!snp_cpu_sig_by_name("EPYC-v99", &s) && !snp_cpu_sig_by_name("", &s), "unknown models are refused");
	ok(snp_cpu_sig(0xf + 0x100, 0x1ff, 0x1f) == 0x0f0fff, "out-of-range fields are masked as upstream does");
	enum snp_vmm m;
	ok(snp_vmm_parse("QEMU", &m) && m == SNP_VMM_QEMU && snp_vmm_parse("qemu", &m) && m == SNP_VMM_QEMU &&
		     snp_vmm_parse("EC2", &m) && m == SNP_VMM_EC2 && snp_vmm_parse("gce", &m) && m == SNP_VMM_GCE &&
		     !snp_vmm_parse("kvm", &m),
	     "VMM names in any case");
}

static void test_hashes(void)
{
	struct sev_hashes h;
	uint8_t want[32];
	/* Well-known values: SHA-256("") and SHA-256 of one NUL byte. */
	static const char *empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	static const char *nul = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
	sev_hashes_compute(&h, NULL, 0, NULL, 0, NULL);
	unhex(empty, want, 32);
	ok(!memcmp(h.kernel, want, 32) && !memcmp(h.initrd, want, 32), "empty kernel, absent initrd: SHA-256(\"\")");
	unhex(nul, want, 32);
	ok(!memcmp(h.cmdline, want, 32), "absent command line hashes one NUL byte");
	sev_hashes_compute(&h, NULL, 0, NULL, 0, "");
	ok(!memcmp(h.cmdline, want, 32), "empty command line hashes one NUL byte");

	sev_hashes_compute(&h, (const uint8_t *)"FAKEKERNEL", 10, (const uint8_t *)"FAKEINITRD", 10,
			   "console=ttyS0 loglevel=7");
	ib_sha256("console=ttyS0 loglevel=7", 25, want); /* 24 characters plus the NUL */
	ok(!memcmp(h.cmdline, want, 32), "the command line is hashed with its terminating NUL");
	ib_sha256("FAKEKERNEL", 10, want);
	ok(!memcmp(h.kernel, want, 32), "the kernel is hashed as raw bytes");

	uint8_t t[SEV_HASHES_TABLE_PADDED_LEN];
	sev_hashes_table(&h, t);
	char hex[33];
	tohex(t, 16, hex);
	ok(!strcmp(hex, "06d63894224fc94cb479a793d411fd21"), "table GUID 9438d606-… in EFI order: %s", hex);
	ok(t[16] == 168 && t[17] == 0, "table length 168, not the padded 176");
	static const char *guids[3] = { "d82dd09720bd944caa78e7714d36ab2a", "31f7ba442f3ad74b9af141e29169781d",
					"3794e74dd2ab7f42b835d5b172d2045b" };
	const uint8_t *hashes[3] = { h.cmdline, h.initrd, h.kernel };
	bool good = true;
	for (int i = 0; i < 3; i++) {
		const uint8_t *e = t + 18 + 50 * i;
		tohex(e, 16, hex);
		good &= !strcmp(hex, guids[i]) && e[16] == 50 && e[17] == 0 && !memcmp(e + 18, hashes[i], 32);
	}
	ok(good, "entries cmdline, initrd, kernel: GUID, length 50, SHA-256");
	bool pad = true;
	for (int i = 168; i < 176; i++)
		pad &= t[i] == 0;
	ok(pad, "8 zero bytes of padding to 176");

	uint8_t page[4096];
	ok(sev_hashes_page(&h, 0xc00, page) == 0 && !memcmp(page + 0xc00, t, 176) && page[0xbff] == 0 &&
		     page[0xc00 + 176] == 0,
	     "the SNP page carries the table at the hash table's page offset");
	ok(sev_hashes_page(&h, 4096 - 176, page) == 0 && sev_hashes_page(&h, 4096 - 175, page) == -1,
	     "a table that would run off the page is refused");
}

int main(void)
{
	test_vmsas();
	test_cpu_sigs();
	test_hashes();
	return tap_done();
}
