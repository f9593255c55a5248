/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_fwwalk.c — the firmware's validation of guest memory, walked over
 * the memory map QEMU reports, through the SVSM's protocol core (issue 17 §4).
 *
 * OVMF at VMPL2 validates memory only through SVSM_CORE_PVALIDATE and ends the
 * guest on any result but success (edk2 OvmfPkg/Library/AmdSvsmLib
 * SvsmPvalidate → SnpTerminate), retrying a 2 MiB entry as 512 × 4 KiB only on
 * FAIL_SIZEMISMATCH. So the SVSM's layout is right only if every call of this
 * walk succeeds. The walk, as edk2 2025.02 (the pinned Debian 13 OVMF) does it:
 *
 *   QEMU q35 e820: RAM [0, low) and [4 GiB, 4 GiB + high), low = 2 GiB when
 *     the VM has 2.75 GiB or more, else all of it (hw/i386/pc_q35.c); the
 *     IGVM REQUIRED_MEMORY for the SVSM region is in no entry
 *     (backends/igvm.c);
 *   SEC validates [PcdOvmfSecValidatedStart 0x820000, SecValidatedEnd)
 *     (OvmfPkg/Sec/AmdSev.c SecValidateSystemRam); the end depends on the
 *     build's FV sizes, so several plausible ends are walked;
 *   PEI validates its system-memory HOBs below 4 GiB, [0, 640 KiB) and
 *     [1 MiB, top of low RAM), skipping [0x800000, 0x820000) and the SEC range
 *     (PlatformInitLib MemDetect.c, PlatformPei AmdSev.c,
 *     PeiSnpSystemRamValidate.c);
 *   RAM above 4 GiB is accepted later, through the same call;
 *   each range goes as 2 MiB entries where aligned and at least 2 MiB is
 *     left, else 4 KiB, at most 510 entries a call (SnpPageStateChangeInternal.c,
 *     AmdSvsmLib.c).
 * The SVSM's state at firmware entry is what guest_launch.c leaves: the
 * firmware image validated at launch, the metadata's SEC_MEM, SECRETS, CPUID
 * and CAA pages validated (the pinned OVMF's: SEC_MEM 0x800000+0x9000,
 * 0x80A000+0x3000, 0x810000+0x10000; SECRETS 0x80D000; CPUID 0x80E000; CAA
 * 0x80F000), every launch page rescinded, the SVSM region outside guest memory.
 *
 * The platform under the core is a sparse model (a validated bit per page, the
 * hypervisor's RMP entry size) so gigabytes of guest memory cost kilobytes; it
 * counts any instruction on the SVSM's region and any double validation.
 */
#include "../unit/tap.h"

#include <stdlib.h>

#include "../../format/launch_info.h"
#include "../../svsm/mm/memmap.h"
#include "../../svsm/protocol/proto.h"

#define PG 4096ull
#define HUGE_SZ (2ull << 20)
#define GIB (1ull << 30)
#define FOUR_GIB (4ull << 30)

#define FW_SIZE (4ull << 20)
#define FW_GPA (FOUR_GIB - FW_SIZE)
#define CAA_GPA 0x80F000ull
#define EDK2_BATCH 510u

struct sparse {
	uint64_t top;   /* pages [0, top) are modelled */
	uint8_t *valid; /* one bit per 4 KiB page */
	bool rmp_4k;    /* the hypervisor backs guest memory with 4 KiB RMP entries only */
	uint64_t svsm_base, svsm_size;
	unsigned long svsm_touch, double_validate;
	uint8_t caa[4096]; /* the only guest page the core reads and writes here */
};

static bool bit(const struct sparse *s, uint64_t gpa)
{
	uint64_t p = gpa / PG;
	return (s->valid[p / 8] >> (p % 8)) & 1;
}

static void setbit(struct sparse *s, uint64_t gpa, bool v)
{
	uint64_t p = gpa / PG;
	if (v)
		s->valid[p / 8] |= (uint8_t)(1u << (p % 8));
	else
		s->valid[p / 8] &= (uint8_t)~(1u << (p % 8));
}

static enum rmp_result m_pvalidate(void *ctx, uint64_t gpa, bool huge, bool validate)
{
	struct sparse *s = ctx;
	uint64_t len = huge ? HUGE_SZ : PG;
	if (gpa < s->svsm_base + s->svsm_size && s->svsm_base < gpa + len) {
		s->svsm_touch++;
		return RMP_FAIL_INPUT;
	}
	if (gpa % len || gpa + len > s->top)
		return RMP_FAIL_INPUT;
	unsigned n = 0;
	for (uint64_t a = gpa; a < gpa + len; a += PG)
		n += bit(s, a) == validate;
	if (huge && (s->rmp_4k || (n && n != 512)))
		return RMP_FAIL_SIZEMISMATCH;
	if (n == len / PG) {
		if (validate)
			s->double_validate++;
		return RMP_UNCHANGED;
	}
	for (uint64_t a = gpa; a < gpa + len; a += PG)
		setbit(s, a, validate);
	return RMP_OK;
}

static enum rmp_result m_rmpadjust(void *ctx, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms, bool vmsa)
{
	struct sparse *s = ctx;
	(void)vmpl, (void)perms, (void)vmsa;
	if (gpa + (huge ? HUGE_SZ : PG) > s->top)
		return RMP_FAIL_INPUT;
	return bit(s, gpa) ? RMP_OK : RMP_FAIL_INPUT;
}

static uint8_t *caa_at(struct sparse *s, uint64_t gpa, uint64_t len)
{
	return gpa >= CAA_GPA && len <= PG && gpa + len <= CAA_GPA + PG ? s->caa + (gpa - CAA_GPA) : NULL;
}

static bool m_read(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
	uint8_t *p = caa_at(ctx, gpa, len);
	if (p)
		memcpy(dst, p, len);
	return p != NULL;
}

static bool m_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	uint8_t *p = caa_at(ctx, gpa, len);
	if (p)
		memcpy(p, src, len);
	return p != NULL;
}

static bool m_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx, (void)gpa, (void)len;
	return true; /* contents are not modelled */
}

static bool m_xchg8(void *ctx, uint64_t gpa, uint8_t v, uint8_t *old)
{
	uint8_t *p = caa_at(ctx, gpa, 1);
	if (p) {
		*old = *p;
		*p = v;
	}
	return p != NULL;
}

static bool m_update64(void *ctx, uint64_t gpa, uint64_t clear, uint64_t set)
{
	uint8_t *p = caa_at(ctx, gpa, 8);
	if (p) {
		uint64_t v;
		memcpy(&v, p, 8);
		v = (v & ~clear) | set;
		memcpy(p, &v, 8);
	}
	return p != NULL;
}

static int m_report(void *ctx, const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len)
{
	(void)ctx, (void)data, (void)out, (void)cap, (void)len;
	return -1;
}

static void *m_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return calloc(1, n);
}

static void m_free(void *ctx, void *p, size_t n)
{
	(void)ctx, (void)n;
	free(p);
}

static void m_nop(void *ctx)
{
	(void)ctx;
}

static void m_flush(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx, (void)gpa, (void)len;
}

/* QEMU q35's e820 for `mem` bytes of RAM. */
static void qemu_e820(uint64_t mem, struct memmap *m)
{
	uint64_t low = mem >= 0xB0000000ull ? 0x80000000ull : mem;
	memset(m, 0, sizeof(*m));
	m->r[m->count++] = (struct mem_range){ 0, low, MEMMAP_TYPE_RAM };
	if (mem > low)
		m->r[m->count++] = (struct mem_range){ FOUR_GIB, mem - low, MEMMAP_TYPE_RAM };
}

struct fw {
	struct proto_core c;
	struct proto_platform plat;
	struct sparse s;
	unsigned slot;
	uint32_t err;      /* first non-success result, 0 = none */
	uint64_t err_gpa;  /* its entry */
	unsigned long calls;
};

/* The SVSM's launch, as guest_launch.c: guest memory is RAM minus its region plus the firmware. */
static int launch(struct fw *f, uint64_t mem, uint64_t svsm_base, bool rmp_4k)
{
	memset(f, 0, sizeof(*f));
	struct memmap host, guest;
	qemu_e820(mem, &host);
	if (memmap_subtract(&host, svsm_base, LAUNCH_KERNEL_REGION_SIZE, &guest))
		return -1;
	uint64_t base[PROTO_MAX_RANGES], size[PROTO_MAX_RANGES];
	unsigned n = 0;
	for (unsigned i = 0; i < guest.count; i++) {
		base[n] = guest.r[i].base;
		size[n++] = guest.r[i].size;
	}
	base[n] = FW_GPA;
	size[n++] = FW_SIZE;
	uint64_t top = memmap_end(&host) > FOUR_GIB ? memmap_end(&host) : FOUR_GIB;
	f->s.top = top;
	f->s.valid = calloc(1, top / PG / 8 + 1);
	f->s.rmp_4k = rmp_4k;
	f->s.svsm_base = svsm_base;
	f->s.svsm_size = LAUNCH_KERNEL_REGION_SIZE;
	if (!f->s.valid)
		return -1;
	f->plat = (struct proto_platform){ &f->s, m_pvalidate, m_rmpadjust, m_read, m_write, m_zero, m_xchg8,
					   m_update64, m_report, m_alloc, m_free, m_nop, m_flush, NULL, NULL };
	if (proto_init(&f->c, &f->plat, base, size, n, 0x1))
		return -1;
	static const uint64_t given[][2] = { { FW_GPA, FW_SIZE },   { 0x800000, 0x9000 }, { 0x80A000, 0x3000 },
					     { 0x80D000, 0x1000 }, { 0x80E000, 0x1000 }, { CAA_GPA, 0x1000 },
					     { 0x810000, 0x10000 } };
	for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++) {
		for (uint64_t a = given[i][0]; a < given[i][0] + given[i][1]; a += PG)
			setbit(&f->s, a, true);
		if (proto_mark_validated(&f->c, given[i][0], given[i][1]))
			return -1;
	}
	int slot = proto_add_boot_vcpu(&f->c, svsm_base + 0x5000, CAA_GPA, 0);
	if (slot < 0)
		return -1;
	f->slot = (unsigned)slot;
	return 0;
}

static void land(struct fw *f)
{
	proto_destroy(&f->c);
	free(f->s.valid);
}

/* One SVSM_CORE_PVALIDATE call with these entries, as AmdSvsmLib builds it in the CAA buffer. */
static uint32_t call(struct fw *f, const uint64_t *e, unsigned n, unsigned *next)
{
	struct proto_list_hdr h = { (uint16_t)n, 0, 0 };
	memcpy(f->s.caa + 8, &h, sizeof(h));
	memcpy(f->s.caa + 8 + sizeof(h), e, 8ull * n);
	struct proto_regs r = { ((uint64_t)SVSM_CORE_PROTOCOL << 32) | SVSM_CORE_PVALIDATE, CAA_GPA + 8, 0, 0 };
	proto_dispatch(&f->c, f->slot, &r);
	f->calls++;
	memcpy(&h, f->s.caa + 8, sizeof(h));
	*next = h.next;
	return (uint32_t)r.rax;
}

static void fail(struct fw *f, uint32_t rc, uint64_t entry)
{
	if (!f->err) {
		f->err = rc;
		f->err_gpa = entry & ~(PG - 1);
	}
}

/* A batch; a 2 MiB entry the SVSM answers with FAIL_SIZEMISMATCH is sent again as 4 KiB pages. */
static void batch(struct fw *f, const uint64_t *e, unsigned n)
{
	unsigned i = 0;
	while (i < n && !f->err) {
		unsigned next;
		uint32_t rc = call(f, e + i, n - i, &next);
		if (rc == SVSM_SUCCESS)
			return;
		unsigned at = i + next;
		if (rc != SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH || at >= n || !(e[at] & 1)) {
			fail(f, rc, e[at < n ? at : n - 1]);
			return;
		}
		uint64_t small[512];
		for (unsigned k = 0; k < 512; k++)
			small[k] = ((e[at] & ~(PG - 1)) + k * PG) | PVAL_VALIDATE;
		for (unsigned k = 0; k < 512 && !f->err; k += EDK2_BATCH)
			batch(f, small + k, 512 - k < EDK2_BATCH ? 512 - k : EDK2_BATCH);
		i = at + 1;
	}
}

/* InternalSetPageState(UseLargeEntry) of [start, end) to private, through the SVSM. */
static void validate_range(struct fw *f, uint64_t start, uint64_t end)
{
	uint64_t e[EDK2_BATCH];
	unsigned n = 0;
	for (uint64_t a = start; a < end && !f->err;) {
		bool big = !(a % HUGE_SZ) && end - a >= HUGE_SZ;
		e[n++] = a | PVAL_VALIDATE | (big ? 1u : 0u);
		a += big ? HUGE_SZ : PG;
		if (n == EDK2_BATCH || a >= end) {
			batch(f, e, n);
			n = 0;
		}
	}
}

/* [start, end) minus the skip ranges, in order (PeiSnpSystemRamValidate.c). */
static void validate_skipping(struct fw *f, uint64_t start, uint64_t end, uint64_t sec_end)
{
	const uint64_t skip[2][2] = { { 0x800000, 0x820000 }, { 0x820000, sec_end } };
	uint64_t a = start;
	for (int i = 0; i < 2 && a < end; i++) {
		if (skip[i][1] <= a || skip[i][0] >= end)
			continue;
		if (skip[i][0] > a)
			validate_range(f, a, skip[i][0]);
		a = skip[i][1] > a ? skip[i][1] : a;
	}
	if (a < end)
		validate_range(f, a, end);
}

/* SEC, PEI, then the acceptance of RAM above 4 GiB. */
static void walk(struct fw *f, uint64_t mem, uint64_t sec_end)
{
	struct memmap host;
	qemu_e820(mem, &host);
	uint64_t low_top = host.r[0].size;
	validate_range(f, 0x820000, sec_end);
	validate_skipping(f, 0, 0xA0000, sec_end);
	validate_skipping(f, 0x100000, low_top, sec_end);
	if (host.count > 1)
		validate_range(f, host.r[1].base, host.r[1].base + host.r[1].size);
}

static bool all_ram_valid(const struct fw *f, uint64_t mem)
{
	struct memmap host;
	qemu_e820(mem, &host);
	for (unsigned i = 0; i < host.count; i++)
		for (uint64_t a = host.r[i].base; a < host.r[i].base + host.r[i].size; a += PG) {
			/* The legacy hole, and the firmware's own launch range (its metadata pages,
			 * and the SEC GHCB page 0x809000 it keeps shared) are not walked. */
			bool hole = (a >= 0xA0000 && a < 0x100000) || (a >= 0x800000 && a < 0x820000);
			if (!hole && !bit(&f->s, a))
				return false;
		}
	return true;
}

int main(void)
{
	static const uint64_t mems[] = { 256ull << 20, 2ull << 30, 3ull << 30, 6ull << 30 };
	static const uint64_t sec_ends[] = { 0x900000, 0x1A10000, 0x2010000 };
	for (size_t m = 0; m < sizeof(mems) / sizeof(mems[0]); m++)
		for (int small = 0; small < 2; small++)
			for (size_t e = 0; e < sizeof(sec_ends) / sizeof(sec_ends[0]); e++) {
				if (small && (mems[m] > (3ull << 30) || e != 1))
					continue; /* 4 KiB RMP entries: a 4 KiB call per page, keep it short */
				struct fw f;
				if (launch(&f, mems[m], LAUNCH_KERNEL_REGION_GPA, small)) {
					ok(0, "launch model set up");
					continue;
				}
				struct memmap host;
				qemu_e820(mems[m], &host);
				walk(&f, mems[m], sec_ends[e]);
				ok(!memmap_ram_overlap(&host, LAUNCH_KERNEL_REGION_GPA, LAUNCH_KERNEL_REGION_SIZE) &&
					   f.err == 0 && f.s.svsm_touch == 0 && f.s.double_validate == 0 &&
					   all_ram_valid(&f, mems[m]),
				   "%llu MiB RAM, SEC up to 0x%llx, %s RMP entries, SVSM at 512 GiB: %lu calls, all succeed "
				   "(first error 0x%x at 0x%llx), every RAM page validated once, the SVSM never touched",
				   (unsigned long long)(mems[m] >> 20), (unsigned long long)sec_ends[e],
				   small ? "4 KiB" : "2 MiB", f.calls, f.err, (unsigned long long)f.err_gpa);
				land(&f);
			}

	/* The old layout: the SVSM at 16 MiB, inside RAM. The SVSM's own check refuses to
	 * start the firmware; had it started it, SEC or PEI would hit the region. */
	for (size_t m = 0; m < 2; m++) {
		struct memmap host;
		qemu_e820(mems[m], &host);
		const uint64_t old = 0x1000000;
		ok(memmap_ram_overlap(&host, old, LAUNCH_KERNEL_REGION_SIZE) != NULL,
		   "%llu MiB: the SVSM's boot check sees RAM over a region at 16 MiB",
		   (unsigned long long)(mems[m] >> 20));
		struct fw f;
		if (launch(&f, mems[m], old, false)) {
			ok(0, "launch model set up");
			continue;
		}
		walk(&f, mems[m], 0x1A10000);
		ok(f.err == SVSM_ERR_INVALID_ADDRESS && f.err_gpa >= old && f.err_gpa < old + LAUNCH_KERNEL_REGION_SIZE,
		   "%llu MiB, SVSM at 16 MiB: the firmware's walk fails with INVALID_ADDRESS at 0x%llx (0x%x), so edk2 "
		   "would end the guest", (unsigned long long)(mems[m] >> 20), (unsigned long long)f.err_gpa, f.err);
		land(&f);
	}

	/* And a firmware that validates a launch-validated page again would be stopped too:
	 * the walk's skip ranges matter (SEC_MEM lies in [0x800000, 0x820000)). */
	struct fw f;
	if (!launch(&f, 256ull << 20, LAUNCH_KERNEL_REGION_GPA, false)) {
		validate_range(&f, 0x800000, 0x801000);
		ok(f.err == SVSM_ERR_PVALIDATE_FAIL_UNCHANGED && f.s.double_validate == 0,
		   "validating a SEC_MEM page again is refused (0x%x), the instruction never runs twice", f.err);
		land(&f);
	}
	return tap_done();
}
