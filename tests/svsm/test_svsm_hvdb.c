/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_hvdb.c — restricted injection (svsm/snp/hv_doorbell.c) against a
 * model of the hypervisor side as the restricted-injection patches for KVM
 * implement it (Melody Wang et al., carried by COCONUT-SVSM's KVM and the KVM
 * planes series, arch/x86/kvm/svm/sev.c):
 *
 *   register   sev_snp_hv_doorbell_page(): SET of an aligned, mappable GPA
 *              answers SW_EXITINFO1 = 0, SW_EXITINFO2 = the GPA (falls through
 *              to QUERY); an unaligned or invalid GPA SW_EXITINFO1 = 2 with
 *              SW_EXITINFO2 = 5 (invalid input); mainline KVM, which has no
 *              handler, rejects the event in sev_es_validate_vmgexit (2, 6);
 *   inject     __sev_snp_inject(): writes the vector (interrupt), or sets the
 *              NMI or #MC bit, then prepare_hv_injection(): only when
 *              NoFurtherSignal is clear, set it and inject one #HV;
 *   blocked    sev_snp_blocked(): no interrupt while the vector byte is set.
 *
 * The hand-over to the guest VMPL is run on a model of the processor that
 * executes arch/vmpl_switch.S instruction by instruction (test NoFurtherSignal,
 * jnz cancel [window start], wrmsr, vmgexit [window end]) and delivers a
 * pending #HV before any of them through the real hvdb_trap_rip(); the
 * hypervisor posts an event at every point in turn. An event must never be
 * lost: when the guest VMPL runs, nothing may sit in the doorbell unsignalled.
 * Then hostile doorbells: any content, signals without events, a doorbell
 * that never stops signalling.
 */
#include <string.h>

#include "../unit/tap.h"

#include "../../svsm/snp/hv_doorbell.h"

/* ---- the hypervisor (KVM with the restricted-injection patches) ---- */

enum kind { K_IRQ, K_NMI, K_MC };

struct kvm {
	struct hv_doorbell *db; /* the registered page (NULL: none) */
	bool hv_pending;        /* an #HV is queued for VMPL0 */
	unsigned injected;      /* #HV injections made */
};

static bool kvm_blocked(const struct kvm *k)
{
	return !k->db || (k->db->events & HVDB_EV_VECTOR) != 0;
}

/* __sev_snp_inject() + prepare_hv_injection(). Returns false when the event was held back. */
static bool kvm_inject(struct kvm *k, enum kind kind, uint8_t vector)
{
	if (kind == K_IRQ && kvm_blocked(k))
		return false;
	if (!k->db)
		return false;
	if (kind == K_IRQ)
		k->db->events = (uint16_t)((k->db->events & ~HVDB_EV_VECTOR) | vector);
	else
		k->db->events |= kind == K_NMI ? HVDB_EV_NMI : HVDB_EV_MC;
	if (!(k->db->events & HVDB_EV_NO_FURTHER_SIGNAL)) {
		k->db->events |= HVDB_EV_NO_FURTHER_SIGNAL;
		k->hv_pending = true;
		k->injected++;
	}
	return true;
}

/* sev_snp_hv_doorbell_page(), SET, as the GHCB exchange leaves it. */
static void kvm_register(struct ghcb *g, bool has_handler, bool mappable)
{
	uint64_t gpa = ghcb_get(g, GHCB_OFF_EXIT_INFO2);
	if (!has_handler) {
		ghcb_set(g, GHCB_OFF_EXIT_INFO1, 2);
		ghcb_set(g, GHCB_OFF_EXIT_INFO2, 6);
	} else if ((gpa & 0xFFF) || !mappable) {
		ghcb_set(g, GHCB_OFF_EXIT_INFO1, 2);
		ghcb_set(g, GHCB_OFF_EXIT_INFO2, 5);
	} else {
		ghcb_set(g, GHCB_OFF_EXIT_INFO1, 0);
		ghcb_set(g, GHCB_OFF_EXIT_INFO2, gpa);
	}
}

/* ---- the processor running arch/vmpl_switch.S ---- */

enum { P_TEST, P_JNZ, P_WRMSR, P_VMGEXIT, P_END, P_CANCEL, P_NSTEPS };
static const struct hvdb_window window = { P_JNZ, P_END, P_CANCEL }; /* as the labels lie */

struct cpu {
	struct kvm *k;
	int post_at;          /* the point before which the hypervisor posts (-1: never) */
	enum kind kind;
	bool posted;
	bool lost;            /* the VMPL ran with an event sitting in the doorbell */
	bool ran;
	unsigned hv_taken;    /* #HV delivered to the SVSM */
	bool refuse;          /* the hypervisor answers Run VMPL with an error */
	bool no_handler;      /* control: an #HV does not move RIP (no window handling) */
};

/* Before the instruction at rip: the hypervisor may post, and a queued #HV is delivered. */
static unsigned before(struct cpu *c, unsigned rip)
{
	if (!c->posted && c->post_at == (int)rip) {
		c->posted = true;
		kvm_inject(c->k, c->kind, 0x41);
	}
	if (c->k->hv_pending) {
		c->k->hv_pending = false;
		c->hv_taken++;
		if (!c->no_handler)
			rip = (unsigned)hvdb_trap_rip(rip, &window);
	}
	return rip;
}

static int model_switch(void *ctx, struct hv_doorbell *db, unsigned vmpl)
{
	struct cpu *c = ctx;
	(void)vmpl;
	bool nfs = false;
	for (unsigned rip = P_TEST;;) {
		rip = before(c, rip);
		switch (rip) {
		case P_TEST:
			nfs = db && (db->events & HVDB_EV_NO_FURTHER_SIGNAL);
			rip = db ? P_JNZ : P_WRMSR;
			break;
		case P_JNZ:
			rip = nfs ? P_CANCEL : P_WRMSR;
			break;
		case P_WRMSR:
			rip = P_VMGEXIT;
			break;
		case P_VMGEXIT:
			/* The guest runs now. Whatever is in the doorbell stays unseen until the next
			 * signal, and NoFurtherSignal set means there will be none. */
			if (c->k->db && c->k->db->events)
				c->lost = true;
			c->ran = true;
			rip = P_END;
			break;
		case P_END:
			return c->refuse ? -1 : 1;
		case P_CANCEL:
			return 0;
		default:
			return -1;
		}
	}
}

/* The same without the doorbell check: how the loop ran before restricted injection was handled. */
static int unchecked_switch(void *ctx, struct hv_doorbell *db, unsigned vmpl)
{
	(void)db;
	return model_switch(ctx, NULL, vmpl);
}

/* The request loop until the guest runs (or a #MC ends it). */
static enum hvdb_run loop(struct cpu *c, struct hv_doorbell *db, struct hvdb_stats *st, hvdb_switch_fn sw,
			  unsigned *rounds)
{
	enum hvdb_run r = HVDB_CANCELLED;
	for (*rounds = 0; *rounds < 8 && r == HVDB_CANCELLED; (*rounds)++) {
		if (c->k->hv_pending && *rounds) { /* outside the window: the handler only postpones */
			c->k->hv_pending = false;
			c->hv_taken++;
		}
		r = hvdb_run_vmpl(db, st, 2, sw, c);
	}
	return r;
}

static const char *const point_name[] = { "before the check", "at the jnz (window start)", "at the wrmsr",
					  "at the VMGEXIT", "after the VMGEXIT" };
static const char *const kind_name[] = { "interrupt", "NMI", "#MC" };

/* Every point × every kind: posted before the loop's processing (point -1) or inside the switch. */
static void test_no_event_lost(void)
{
	for (int at = -1; at <= P_END; at++)
		for (int kind = K_IRQ; kind <= K_MC; kind++) {
			static struct hv_doorbell db;
			memset(&db, 0, sizeof(db));
			struct kvm k = { &db, false, 0 };
			struct cpu c = { &k, at, (enum kind)kind, false, false, false, 0, false, false };
			struct hvdb_stats st = { 0 };
			if (at < 0) {
				c.posted = true;
				kvm_inject(&k, (enum kind)kind, 0x41);
			}
			unsigned rounds;
			enum hvdb_run r = loop(&c, &db, &st, model_switch, &rounds);
			const char *where = at < 0 ? "while the SVSM works" : point_name[at];
			bool before_run = at < P_END;
			if (kind == K_MC && before_run) {
				ok(r == HVDB_MC && !c.ran, "#MC posted %s: the guest does not run, the loop ends", where);
				continue;
			}
			ok(r == HVDB_RAN && !c.lost && rounds <= 2,
			   "%s posted %s: the guest runs with nothing unsignalled (%u round%s)", kind_name[kind], where,
			   rounds, rounds == 1 ? "" : "s");
			if (at == P_JNZ || at == P_WRMSR || at == P_VMGEXIT)
				ok(st.cancels == 1 && c.hv_taken == 1, "… the #HV in the window cancelled the request");
			if (at == P_END)
				ok((db.events & HVDB_EV_NO_FURTHER_SIGNAL) && c.hv_taken == 1,
				   "… after the VMGEXIT: its #HV is postponed, the event left for the next hand-over");
			if (at == P_END && kind == K_MC)
				ok(hvdb_run_vmpl(&db, &st, 2, model_switch, &c) == HVDB_MC,
				   "… and the #MC ends the guest at that next hand-over");
		}
}

/* Control: the plain Run VMPL request the loop made before (no NoFurtherSignal check, no
 * window) loses the event posted at each point it passes — the property above catches it. */
static void test_unchecked_loses(void)
{
	static const int points[] = { P_TEST, P_WRMSR, P_VMGEXIT };
	unsigned lost = 0;
	for (unsigned i = 0; i < 3; i++) {
		static struct hv_doorbell db;
		memset(&db, 0, sizeof(db));
		struct kvm k = { &db, false, 0 };
		struct cpu c = { &k, points[i], K_IRQ, false, false, false, 0, false, true };
		struct hvdb_stats st = { 0 };
		unsigned rounds;
		loop(&c, &db, &st, unchecked_switch, &rounds);
		lost += c.lost;
	}
	ok(lost == 3, "control: without the check and the window the event is lost at every point (%u of 3)", lost);
}

static void test_process(void)
{
	static struct hv_doorbell db;
	struct hvdb_stats st = { 0 };
	struct kvm k = { &db, false, 0 };
	memset(&db, 0, sizeof(db));
	ok(hvdb_process(&db, &st) == HVDB_CONTINUE && st.signals == 0, "empty doorbell: nothing to do");
	db.no_eoi_required = 1;
	ok(kvm_inject(&k, K_IRQ, 0x30) && !kvm_inject(&k, K_IRQ, 0x31), "KVM holds a second interrupt back while the vector is set");
	ok(hvdb_process(&db, &st) == HVDB_CONTINUE && db.events == 0 && st.vectors == 1 && st.last_vector == 0x30 &&
	   st.eoi_owed == 0 && db.no_eoi_required == 0 && st.signals == 1 && st.eoi_vector == 0,
	   "vector taken: doorbell cleared (NoFurtherSignal too), no-EOI-required taken with it: no EOI owed");
	ok(kvm_inject(&k, K_IRQ, 0x31) && k.injected == 2, "… the next interrupt comes with an #HV of its own");
	hvdb_process(&db, &st);
	ok(st.eoi_owed == 1 && st.eoi_vector == 0x31,
	   "a vector without no-EOI-required is owed an EOI: named, so the caller can EOI its own IPI vector");
	hvdb_process(&db, &st);
	is_u64(st.eoi_vector, 0, "… and a take with nothing pending owes none");
	kvm_inject(&k, K_NMI, 0);
	ok(hvdb_process(&db, &st) == HVDB_CONTINUE && st.nmis == 1 && db.events == 0, "NMI taken and ignored");
	kvm_inject(&k, K_MC, 0);
	is_u64(hvdb_process(&db, &st), HVDB_MACHINE_CHECK, "#MC: fatal");
	is_u64(db.events, 0, "… taken off the doorbell too");
	db.per_vmpl_events = 0x5A;
	db.events = 0x0041 | HVDB_EV_NMI;
	hvdb_process(&db, &st);
	is_u64(db.per_vmpl_events, 0x5A, "per-VMPL events byte left to the hypervisor");
}

/* Hostile doorbell contents: every value of the first u16 and of the no-EOI byte. */
static void test_hostile(void)
{
	static struct hv_doorbell db;
	unsigned bad = 0, mc = 0;
	for (uint32_t v = 0; v <= 0xFFFF; v++) {
		struct hvdb_stats st = { 0 };
		memset(&db, 0, sizeof(db));
		db.events = (uint16_t)v;
		db.no_eoi_required = (uint8_t)(v * 37);
		enum hvdb_verdict r = hvdb_process(&db, &st);
		bool want_mc = v & HVDB_EV_MC, vec = v & 0xFF;
		mc += r == HVDB_MACHINE_CHECK;
		if ((r == HVDB_MACHINE_CHECK) != want_mc || db.events != 0 ||
		    (vec && (db.no_eoi_required & 1)) || (!vec && db.no_eoi_required != (uint8_t)(v * 37)) ||
		    (vec && (v & 0xFF) < 32 && st.bad_vectors != 1) || (vec && (v & 0xFF) >= 32 && st.vectors != 1) ||
		    ((v & HVDB_EV_RESERVED) && st.reserved != 1))
			bad++;
	}
	ok(bad == 0 && mc == 0x8000, "all 65536 doorbell values: taken whole, #MC exactly when bit 9, vectors < 32 "
	   "counted as bad, reserved bits counted, no-EOI bit taken only with a vector");

	/* Signals without events, an #HV with NoFurtherSignal clear: harmless. */
	struct kvm k = { &db, false, 0 };
	struct cpu c = { &k, -1, K_IRQ, true, false, false, 0, false, false };
	struct hvdb_stats st = { 0 };
	memset(&db, 0, sizeof(db));
	db.events = HVDB_EV_NO_FURTHER_SIGNAL;
	k.hv_pending = true;
	unsigned rounds;
	ok(loop(&c, &db, &st, model_switch, &rounds) == HVDB_RAN && !c.lost && st.signals == 1,
	   "a signal with nothing pending: taken, the guest runs");
	/* A doorbell that is signalled again whenever it is taken: the guest never runs, the SVSM
	 * does not hang inside one step either (a denial of service the host could do anyway). */
	struct cpu g = { &k, P_TEST, K_NMI, false, false, false, 0, false, false };
	unsigned runs = 0;
	st.cancels = 0;
	for (int i = 0; i < 5; i++) {
		g.posted = false;
		memset(&db, 0, sizeof(db));
		if (hvdb_run_vmpl(&db, &st, 2, model_switch, &g) == HVDB_RAN)
			runs++;
	}
	ok(runs == 0 && st.cancels == 5,
	   "a doorbell signalled before every check: every request cancelled, each step returns");
	/* The hypervisor refuses Run VMPL. */
	struct cpu rc = { &k, -1, K_IRQ, true, false, false, 0, true, false };
	memset(&db, 0, sizeof(db));
	k.hv_pending = false;
	is_u64(hvdb_run_vmpl(&db, &st, 2, model_switch, &rc), HVDB_REFUSED, "Run VMPL refused: reported");
	/* No restricted injection: no doorbell, no check. */
	struct cpu nc = { &k, -1, K_IRQ, true, false, false, 0, false, false };
	is_u64(hvdb_run_vmpl(NULL, &st, 2, model_switch, &nc), HVDB_RAN, "without a doorbell the switch just runs");
}

static void test_trap_rip(void)
{
	const struct hvdb_window w = { 0x1000, 0x1010, 0x2000 };
	ok(hvdb_trap_rip(0xFFF, &w) == 0xFFF && hvdb_trap_rip(0x1000, &w) == 0x2000 &&
	   hvdb_trap_rip(0x100F, &w) == 0x2000 && hvdb_trap_rip(0x1010, &w) == 0x1010 && hvdb_trap_rip(0x2000, &w) == 0x2000,
	   "#HV handler: only [start, end) goes to the cancel exit; the VMGEXIT's return address does not");
	/* The idle window (arch/vmpl_switch.S snp_idle_halt: cmp; [jnz; hlt); ret): its exit is its end. */
	const struct hvdb_window idle = { 0x3004, 0x3007, 0x3007 };
	ok(hvdb_trap_rip(0x3000, &idle) == 0x3000 && hvdb_trap_rip(0x3004, &idle) == 0x3007 &&
	   hvdb_trap_rip(0x3006, &idle) == 0x3007 && hvdb_trap_rip(0x3007, &idle) == 0x3007,
	   "idle: an #HV after the wake check (the IPI of a bind) skips the HLT; one before it lets the check see it");
}

static void test_register(void)
{
	struct ghcb g;
	memset(&g, 0xCC, sizeof(g));
	ghcb_reset(&g);
	ghcb_set_hvdb_register(&g, 0x7F000);
	ok(ghcb_get(&g, GHCB_OFF_EXIT_CODE) == 0x80000014ull && ghcb_get(&g, GHCB_OFF_EXIT_INFO1) == 1 &&
	   ghcb_get(&g, GHCB_OFF_EXIT_INFO2) == 0x7F000 && ghcb_valid(&g, GHCB_OFF_EXIT_INFO2),
	   "registration: NAE 0x8000_0014, SW_EXITINFO1 = 1 (SET), SW_EXITINFO2 = GPA");
	kvm_register(&g, true, true);
	ok(hvdb_register_ok(&g, 0x7F000), "KVM with the RI patches: accepted (info1 0, info2 = GPA)");
	ghcb_reset(&g);
	ghcb_set_hvdb_register(&g, 0x7F000);
	kvm_register(&g, false, true);
	ok(!hvdb_register_ok(&g, 0x7F000), "mainline KVM (no handler: invalid event): refused");
	ghcb_reset(&g);
	ghcb_set_hvdb_register(&g, 0x7F000);
	kvm_register(&g, true, false);
	ok(!hvdb_register_ok(&g, 0x7F000), "a GPA KVM cannot map: refused (invalid input)");
	ghcb_reset(&g);
	ghcb_set_hvdb_register(&g, 0x7F000);
	ghcb_set(&g, GHCB_OFF_EXIT_INFO1, 0);
	ghcb_set(&g, GHCB_OFF_EXIT_INFO2, 0x80000);
	ok(!hvdb_register_ok(&g, 0x7F000), "success naming another page: refused");
}

int main(void)
{
	test_register();
	test_trap_rip();
	test_process();
	test_no_event_lost();
	test_unchecked_loses();
	test_hostile();
	return tap_done();
}
