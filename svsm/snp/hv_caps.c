/* SPDX-License-Identifier: MIT */
/* hv_caps.c — see hv_caps.h. */
#include "hv_caps.h"

#include "ghcb.h" /* GHCB_PROTOCOL_VERSION */
#include "ghcb_msr.h"

enum hv_caps_result hv_caps_negotiate(hv_call_fn call, void *ctx, unsigned cbit, uint64_t need,
				      struct hv_caps *caps)
{
	caps->min_version = caps->max_version = 0;
	caps->cbit = 0;
	caps->features = caps->missing = 0;

	uint64_t v = call(ctx, GHCB_MSR_SEV_INFO_REQ);
	if (!ghcb_msr_sev_info(v, &caps->min_version, &caps->max_version, &caps->cbit))
		return HV_CAPS_NO_SEV_INFO;
	if (caps->min_version > caps->max_version || caps->min_version > GHCB_PROTOCOL_VERSION ||
	    caps->max_version < GHCB_PROTOCOL_VERSION)
		return HV_CAPS_VERSION;
	if (caps->cbit != cbit)
		return HV_CAPS_CBIT;

	v = call(ctx, GHCB_MSR_HV_FEATURES_REQ);
	if (!ghcb_msr_hv_features(v, &caps->features))
		return HV_CAPS_NO_FEATURES;
	caps->missing = need & ~caps->features;
	return caps->missing ? HV_CAPS_MISSING : HV_CAPS_OK;
}

unsigned hv_caps_term_reason(enum hv_caps_result r)
{
	switch (r) {
	case HV_CAPS_NO_SEV_INFO:
	case HV_CAPS_VERSION:
	case HV_CAPS_CBIT:
		return GHCB_TERM_PROTOCOL;
	case HV_CAPS_NO_FEATURES:
	case HV_CAPS_MISSING:
		return GHCB_TERM_FEATURE;
	case HV_CAPS_OK:
	default:
		return GHCB_TERM_GENERAL;
	}
}

const char *hv_caps_result_name(enum hv_caps_result r)
{
	static const char *const names[] = {
		[HV_CAPS_OK] = "ok",
		[HV_CAPS_NO_SEV_INFO] = "no SEV_INFO response",
		[HV_CAPS_VERSION] = "GHCB protocol version 2 not supported",
		[HV_CAPS_CBIT] = "C-bit position differs from the CPUID page",
		[HV_CAPS_NO_FEATURES] = "no HV_FEATURES response",
		[HV_CAPS_MISSING] = "required hypervisor feature missing",
	};
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}
