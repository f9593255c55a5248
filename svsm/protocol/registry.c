/* SPDX-License-Identifier: MIT */
/*
 * registry.c — setup, guest-memory bounds, stripe locks, and the registry of
 * VMSAs, calling areas and pinned pages (lock order: proto.h).
 */
#include "proto.h"

#include "../lib/string.h"

#define PAGE 4096ull

void proto_lock(struct proto_core *c, struct spinlock *l)
{
	spin_lock(l, c->plat->relax, c->plat->ctx);
}

struct spinlock *proto_stripe_lock(struct proto_core *c, uint64_t gpa)
{
	return &c->stripe[(gpa >> 21) % PROTO_STRIPES];
}

bool proto_ranges_contain(const uint64_t *base, const uint64_t *size, unsigned n, uint64_t gpa, uint64_t len)
{
	if (!len || gpa + len < gpa)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (gpa >= base[i] && gpa + len <= base[i] + size[i])
			return true;
	return false;
}

bool proto_in_guest(const struct proto_core *c, uint64_t gpa, uint64_t len)
{
	return proto_ranges_contain(c->range_base, c->range_size, c->nranges, gpa, len);
}

int proto_init(struct proto_core *c, const struct proto_platform *plat, const uint64_t *base,
	       const uint64_t *size, unsigned n, uint64_t sev_features)
{
	memset(c, 0, sizeof(*c));
	c->plat = plat;
	c->sev_features = sev_features;
	c->startup_slot = -1;
	if (n > PROTO_MAX_RANGES)
		return -1;
	/* A missing flush would silently leave stale TLB entries (G5): refuse the platform. */
	if (!plat->pvalidate || !plat->rmpadjust || !plat->read || !plat->write || !plat->zero || !plat->xchg8 ||
	    !plat->update64 || !plat->report || !plat->alloc || !plat->free || !plat->flush)
		return -1;
	uint64_t limit = 0;
	for (unsigned i = 0; i < n; i++) {
		if ((base[i] | size[i]) & (PAGE - 1) || !size[i] || base[i] + size[i] < base[i])
			return -1;
		c->range_base[i] = base[i];
		c->range_size[i] = size[i];
		if (base[i] + size[i] > limit)
			limit = base[i] + size[i];
	}
	c->nranges = n;
	for (unsigned i = 0; i < PROTO_STRIPES; i++)
		spin_init(&c->stripe[i]);
	spin_init(&c->reg_lock);
	spin_init(&c->pool_lock);
	return vs_init(&c->vs, plat, limit);
}

void proto_destroy(struct proto_core *c)
{
	vs_destroy(&c->vs);
}

int proto_mark_validated(struct proto_core *c, uint64_t gpa, uint64_t len)
{
	if (!proto_in_guest(c, gpa, len) || (gpa | len) & (PAGE - 1))
		return -1;
	for (uint64_t a = gpa; a < gpa + len;) {
		uint64_t chunk_end = (a | 0x1FFFFFull) + 1, end = gpa + len < chunk_end ? gpa + len : chunk_end;
		if (vs_set_valid(&c->vs, a, (unsigned)((end - a) / PAGE), true))
			return -1;
		a = end;
	}
	return 0;
}

int proto_add_boot_vcpu(struct proto_core *c, uint64_t vmsa, uint64_t caa, uint32_t apic_id)
{
	for (unsigned i = 0; i < PROTO_MAX_VCPUS; i++) {
		if (c->vcpu[i].used)
			continue;
		c->vcpu[i] = (struct proto_vcpu_slot){ vmsa, caa, apic_id, true, true, c->vcpu[i].gen + 1 };
		if (c->startup_slot < 0)
			c->startup_slot = (int)i;
		return (int)i;
	}
	return -1;
}


bool proto_vcpu_get(struct proto_core *c, unsigned slot, uint64_t *vmsa, uint32_t *gen)
{
	if (slot >= PROTO_MAX_VCPUS)
		return false;
	proto_lock(c, &c->reg_lock);
	bool used = c->vcpu[slot].used;
	bool same = used && c->vcpu[slot].vmsa == *vmsa && c->vcpu[slot].gen == *gen;
	*vmsa = used ? c->vcpu[slot].vmsa : 0;
	*gen = c->vcpu[slot].gen;
	spin_unlock(&c->reg_lock);
	return same;
}

int proto_add_service(struct proto_core *c, const uint8_t guid[16], const uint8_t *data, uint32_t len)
{
	if (c->nsvc >= PROTO_MAX_SERVICES)
		return -1;
	struct proto_service *s = &c->svc[c->nsvc++];
	memcpy(s->guid, guid, 16);
	s->data = data;
	s->len = len;
	return 0;
}

int proto_find_vcpu(struct proto_core *c, uint64_t vmsa)
{
	int r = -1;
	proto_lock(c, &c->reg_lock);
	for (unsigned i = 0; i < PROTO_MAX_VCPUS && r < 0; i++)
		if (c->vcpu[i].used && c->vcpu[i].vmsa == vmsa)
			r = (int)i;
	spin_unlock(&c->reg_lock);
	return r;
}

/* Registry lock held. */
static bool registered_locked(struct proto_core *c, uint64_t page, bool *is_vmsa)
{
	for (unsigned i = 0; i < PROTO_MAX_VCPUS; i++) {
		if (!c->vcpu[i].used)
			continue;
		if (c->vcpu[i].vmsa == page) {
			if (is_vmsa)
				*is_vmsa = true;
			return true;
		}
		if ((c->vcpu[i].caa & ~(PAGE - 1)) == page) {
			if (is_vmsa)
				*is_vmsa = false;
			return true;
		}
	}
	return false;
}

bool proto_page_registered(struct proto_core *c, uint64_t page, bool *is_vmsa)
{
	proto_lock(c, &c->reg_lock);
	bool r = registered_locked(c, page, is_vmsa);
	spin_unlock(&c->reg_lock);
	return r;
}

uint32_t proto_pin(struct proto_core *c, uint64_t gpa, uint64_t len)
{
	if (!len || !proto_in_guest(c, gpa, len))
		return SVSM_ERR_INVALID_ADDRESS;
	uint64_t first = gpa & ~(PAGE - 1), last = (gpa + len - 1) & ~(PAGE - 1);
	if ((last - first) / PAGE >= 8)
		return SVSM_ERR_INVALID_PARAMETER;
	uint32_t rc = SVSM_SUCCESS;
	uint64_t page;
	for (page = first; page <= last; page += PAGE) {
		struct spinlock *l = proto_stripe_lock(c, page);
		proto_lock(c, l);
		if (!vs_valid(&c->vs, page) || vs_owned(&c->vs, page)) {
			rc = SVSM_ERR_INVALID_ADDRESS;
		} else {
			proto_lock(c, &c->reg_lock);
			bool vmsa = false;
			if (registered_locked(c, page, &vmsa) && vmsa) {
				rc = SVSM_ERR_INVALID_ADDRESS;
			} else {
				unsigned i, freei = PROTO_MAX_PINS;
				for (i = 0; i < PROTO_MAX_PINS; i++) {
					if (c->pin[i].count && c->pin[i].page == page)
						break;
					if (!c->pin[i].count && freei == PROTO_MAX_PINS)
						freei = i;
				}
				if (i == PROTO_MAX_PINS) {
					if (freei == PROTO_MAX_PINS)
						rc = SVSM_ERR_BUSY;
					else
						c->pin[i = freei].page = page;
				}
				if (rc == SVSM_SUCCESS)
					c->pin[i].count++;
			}
			spin_unlock(&c->reg_lock);
		}
		spin_unlock(l);
		if (rc != SVSM_SUCCESS)
			break;
	}
	if (rc != SVSM_SUCCESS && page > first)
		proto_unpin(c, first, page - first);
	return rc;
}

static bool counted(struct proto_core *c, bool ok)
{
	if (!ok)
		atomic_fetch_add(&c->st.guest_faults, 1);
	return ok;
}

bool proto_read(struct proto_core *c, uint64_t gpa, void *dst, uint64_t len)
{
	return counted(c, c->plat->read(c->plat->ctx, gpa, dst, len));
}

bool proto_write(struct proto_core *c, uint64_t gpa, const void *src, uint64_t len)
{
	return counted(c, c->plat->write(c->plat->ctx, gpa, src, len));
}

bool proto_zero(struct proto_core *c, uint64_t gpa, uint64_t len)
{
	return counted(c, c->plat->zero(c->plat->ctx, gpa, len));
}

bool proto_xchg8(struct proto_core *c, uint64_t gpa, uint8_t v, uint8_t *old)
{
	return counted(c, c->plat->xchg8(c->plat->ctx, gpa, v, old));
}

bool proto_update64(struct proto_core *c, uint64_t gpa, uint64_t clear, uint64_t set)
{
	return counted(c, c->plat->update64(c->plat->ctx, gpa, clear, set));
}

void proto_unpin(struct proto_core *c, uint64_t gpa, uint64_t len)
{
	uint64_t first = gpa & ~(PAGE - 1), last = (gpa + len - 1) & ~(PAGE - 1);
	proto_lock(c, &c->reg_lock);
	for (uint64_t page = first; page <= last; page += PAGE)
		for (unsigned i = 0; i < PROTO_MAX_PINS; i++)
			if (c->pin[i].count && c->pin[i].page == page) {
				c->pin[i].count--;
				break;
			}
	spin_unlock(&c->reg_lock);
}

/* Registry lock held: 1 if any page of [gpa, gpa+len) is a VMSA or CA, 2 if pinned, 0 if free. */
int proto_conflict_locked(struct proto_core *c, uint64_t gpa, uint64_t len);
int proto_conflict_locked(struct proto_core *c, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < PROTO_MAX_VCPUS; i++) {
		if (!c->vcpu[i].used)
			continue;
		uint64_t v = c->vcpu[i].vmsa, a = c->vcpu[i].caa & ~(PAGE - 1);
		if ((v >= gpa && v < gpa + len) || (a >= gpa && a < gpa + len))
			return 1;
	}
	for (unsigned i = 0; i < PROTO_MAX_PINS; i++)
		if (c->pin[i].count && c->pin[i].page >= gpa && c->pin[i].page < gpa + len)
			return 2;
	return 0;
}
