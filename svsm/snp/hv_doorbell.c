/* SPDX-License-Identifier: MIT */
/* hv_doorbell.c — see hv_doorbell.h. */
#include "hv_doorbell.h"

void ghcb_set_hvdb_register(struct ghcb *g, uint64_t gpa)
{
	ghcb_set_exit(g, SVM_EXIT_HV_DOORBELL_PAGE, HVDB_SET, gpa);
}

bool hvdb_register_ok(const struct ghcb *g, uint64_t gpa)
{
	return ghcb_exit_status(g) == 0 && ghcb_get(g, GHCB_OFF_EXIT_INFO2) == gpa;
}

enum hvdb_verdict hvdb_process(struct hv_doorbell *db, struct hvdb_stats *st)
{
	/* One exchange: what is pending now is ours, and NoFurtherSignal is clear again, so
	 * whatever the hypervisor writes after this point comes with an #HV of its own. */
	uint16_t ev = __atomic_exchange_n(&db->events, 0, __ATOMIC_ACQ_REL);
	st->eoi_vector = 0;
	if (!ev)
		return HVDB_CONTINUE;
	if (ev & HVDB_EV_NO_FURTHER_SIGNAL)
		st->signals++;
	if (ev & HVDB_EV_RESERVED)
		st->reserved++;
	if (ev & HVDB_EV_NMI)
		st->nmis++;
	uint8_t vec = (uint8_t)(ev & HVDB_EV_VECTOR);
	if (vec) {
		uint8_t noeoi = __atomic_fetch_and(&db->no_eoi_required, (uint8_t)~HVDB_NO_EOI_REQUIRED, __ATOMIC_ACQ_REL);
		if (vec < 32)
			st->bad_vectors++;
		else
			st->vectors++;
		if (!(noeoi & HVDB_NO_EOI_REQUIRED)) {
			st->eoi_owed++;
			st->eoi_vector = vec;
		}
		st->last_vector = vec;
	}
	return (ev & HVDB_EV_MC) ? HVDB_MACHINE_CHECK : HVDB_CONTINUE;
}

uint64_t hvdb_trap_rip(uint64_t rip, const struct hvdb_window *w)
{
	return rip >= w->start && rip < w->end ? w->cancel : rip;
}

enum hvdb_run hvdb_run_vmpl(struct hv_doorbell *db, struct hvdb_stats *st, unsigned vmpl, hvdb_switch_fn sw,
			    void *ctx)
{
	if (db && hvdb_process(db, st) == HVDB_MACHINE_CHECK)
		return HVDB_MC;
	int r = sw(ctx, db, vmpl);
	if (r > 0)
		return HVDB_RAN;
	if (r == 0) {
		st->cancels++;
		return HVDB_CANCELLED;
	}
	return HVDB_REFUSED;
}
