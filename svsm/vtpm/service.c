/* SPDX-License-Identifier: MIT */
/* service.c — see service.h. */
#include "service.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *malloc(size_t n);
void free(void *p);

struct start_args {
	enum vtpm_rand_mode mode;
	const void *blob;
	size_t len;
	struct vtpm_identity *id;
	char *err;
	size_t errlen;
	int rc;
};

static bool tpm_initialized;

static void set_err(char *err, size_t errlen, const char *m)
{
	if (!errlen)
		return;
	size_t i = 0;
	for (; i + 1 < errlen && m[i]; i++)
		err[i] = m[i];
	err[i] = 0;
}

void vtpm_service_free_state(struct vtpm_identity *id)
{
	if (id->nv_state) {
		memset(id->nv_state, 0, id->nv_state_len); /* it holds the primary seeds */
		free(id->nv_state);
	}
	id->nv_state = NULL;
	id->nv_state_len = 0;
}

void vtpm_service_stop(struct vtpm_service *s)
{
	spin_lock(&s->lock, s->relax, NULL);
	s->ready = false;
	vtpm_tpm_power_off();
	vtpm_tpm_nv_clear();
	vtpm_service_free_state(&s->id);
	spin_unlock(&s->lock);
}

/* tpm init once per process, then the entropy source: 0 or -1 (the caller's generic message). */
static int tpm_prepare(enum vtpm_rand_mode mode)
{
	if (!tpm_initialized) {
		if (vtpm_tpm_init())
			return -1;
		tpm_initialized = true;
	}
	return vtpm_tpm_set_rand(mode);
}

static void do_start(void *a)
{
	struct start_args *s = a;
	if (tpm_prepare(s->mode)) {
		s->rc = -1;
		s->err[0] = 0;
		return;
	}
	/* A restart (host tests, the MSSIM server): the last manufactured state goes. */
	vtpm_service_free_state(s->id);
	s->rc = vtpm_manufacture(s->blob, s->len, s->id, s->err, s->errlen);
	if (!s->rc) {
		vtpm_tpm_set_identity(s->id->manufacturer, s->id->vendor);
		s->rc = vtpm_tpm_power_on();
	}
}

/* The service before its TPM exists: what start and restore both begin with. */
static void service_init(struct vtpm_service *s, vtpm_runner run)
{
	spin_init(&s->lock);
	s->run = run;
	s->ready = false;
	s->commands = 0;
	s->proto.execute = vtpm_service_execute;
	s->proto.ctx = s;
}

int vtpm_service_start(struct vtpm_service *s, vtpm_runner run, enum vtpm_rand_mode mode, const void *blob,
		       size_t len, char *err, size_t errlen)
{
	service_init(s, run);
	if (errlen)
		err[0] = 0;
	struct start_args a = { mode, blob, len, &s->id, err, errlen, -1 };
	spin_lock(&s->lock, s->relax, NULL);
	run(do_start, &a);
	spin_unlock(&s->lock);
	if (a.rc && errlen && !err[0])
		set_err(err, errlen, "OpenSSL or libtpms initialisation failed");
	s->ready = !a.rc;
	return a.rc;
}

struct restore_args {
	enum vtpm_rand_mode mode;
	const struct vtpm_identity *from;
	struct vtpm_identity *id;
	const char *why;
	int rc;
};

static void do_restore(void *a)
{
	struct restore_args *r = a;
	r->rc = -1;
	if (tpm_prepare(r->mode)) {
		r->why = "OpenSSL or libtpms initialisation failed";
		return;
	}
	vtpm_tpm_power_off();
	vtpm_tpm_nv_clear();
	vtpm_service_free_state(r->id);
	uint8_t *state = malloc(r->from->nv_state_len ? r->from->nv_state_len : 1);
	if (!state) {
		r->why = "no memory for the permanent state";
		return;
	}
	memcpy(state, r->from->nv_state, r->from->nv_state_len);
	*r->id = *r->from;
	r->id->nv_state = state; /* kept for vtpm_service_reset */
	if (vtpm_tpm_nv_restore(state, r->id->nv_state_len)) {
		r->why = "the permanent state was refused";
		return;
	}
	vtpm_tpm_set_identity(r->id->manufacturer, r->id->vendor);
	if (vtpm_tpm_power_on()) {
		r->why = "_TPM_Init on the restored state failed";
		return;
	}
	r->rc = 0;
}

int vtpm_service_restore(struct vtpm_service *s, vtpm_runner run, enum vtpm_rand_mode mode,
			 const struct vtpm_identity *id, char *err, size_t errlen)
{
	service_init(s, run);
	struct restore_args a = { mode, id, &s->id, NULL, -1 };
	if (!id->nv_state || !id->nv_state_len) {
		set_err(err, errlen, "no permanent state to restore");
		return -1;
	}
	spin_lock(&s->lock, s->relax, NULL);
	run(do_restore, &a);
	spin_unlock(&s->lock);
	if (a.rc)
		set_err(err, errlen, a.why ? a.why : "restore failed");
	s->ready = !a.rc;
	return a.rc;
}

struct power_args {
	struct vtpm_service *s;
	bool on, restore;
	int rc;
};

static void do_power(void *a)
{
	struct power_args *p = a;
	vtpm_tpm_power_off();
	p->rc = 0;
	if (p->restore)
		p->rc = vtpm_tpm_nv_restore(p->s->id.nv_state, p->s->id.nv_state_len);
	if (!p->rc && p->on)
		p->rc = vtpm_tpm_power_on();
}

int vtpm_service_reset(struct vtpm_service *s)
{
	struct power_args a = { s, true, true, -1 };
	spin_lock(&s->lock, s->relax, NULL);
	s->run(do_power, &a);
	spin_unlock(&s->lock);
	return a.rc;
}

int vtpm_service_power(struct vtpm_service *s, bool on)
{
	struct power_args a = { s, on, false, -1 };
	spin_lock(&s->lock, s->relax, NULL);
	s->run(do_power, &a);
	spin_unlock(&s->lock);
	return a.rc;
}

struct exec_args {
	const uint8_t *cmd;
	uint32_t len;
	uint8_t *rsp;
	uint32_t cap, rlen;
};

static void do_exec(void *a)
{
	struct exec_args *e = a;
	e->rlen = vtpm_tpm_execute(e->cmd, e->len, e->rsp, e->cap);
}

uint32_t vtpm_service_execute(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap)
{
	struct vtpm_service *s = ctx;
	struct exec_args a = { cmd, len, rsp, cap, 0 };
	if (cap < 10)
		return 0;
	spin_lock(&s->lock, s->relax, NULL);
	s->commands++;
	s->run(do_exec, &a);
	spin_unlock(&s->lock);
	return a.rlen;
}

int vtpm_service_attach(struct vtpm_service *s, struct proto_core *c)
{
	if (!s->ready)
		return -1;
	return proto_attach_vtpm(c, &s->proto, s->id.ek_public, s->id.ek_public_len);
}
