/* SPDX-License-Identifier: MIT */
/*
 * cmds.h — igvmmeasure's verbs. Each lives in its own file and returns an
 * exit code from common/status.h.
 *
 * Grammar (COCONUT-SVSM igvmmeasure compatible, plus verbs of our own):
 *   igvmmeasure [GLOBAL...] FILE measure [-i] [-b] [--json] [-j N]
 *   igvmmeasure [GLOBAL...] FILE sign --output OUT --id-key PEM [...]
 *   igvmmeasure ovmf OPTIONS               (sev-snp-measure's options)
 *   igvmmeasure tdvf --firmware FILE [...] (TDX: the MRTD of a direct TDVF launch)
 *   igvmmeasure id-block OPTIONS
 *   igvmmeasure verify-id-block OPTIONS
 *   igvmmeasure report REPORT.bin [OPTIONS]
 * GLOBAL: -v/--verbose, -c/--check-kvm, -p/--platform sev|sev-es|sev-snp|tdx,
 *         -n/--native-zero, -j/--jobs N, --json
 */
#ifndef IB_MEASURE_CMDS_H
#define IB_MEASURE_CMDS_H

#include <stdbool.h>

enum measure_platform {
	MEASURE_SEV_SNP = 0,
	MEASURE_SEV = 1,
	MEASURE_SEV_ES = 2,
	MEASURE_TDX = 3,
};

struct measure_globals {
	bool verbose;
	bool check_kvm;
	bool native_zero;
	bool json;
	enum measure_platform platform;
	unsigned jobs; /* 0 = one per online CPU */
};

/* FILE verbs: file is the IGVM path given before the verb; argv[0] is the verb. */
int cmd_measure(const struct measure_globals *g, const char *file, int argc, char **argv);
int cmd_sign(const struct measure_globals *g, const char *file, int argc, char **argv);

/* Stand-alone verbs: argv[0] is the verb. */
int cmd_ovmf(const struct measure_globals *g, int argc, char **argv);
int cmd_tdvf(const struct measure_globals *g, int argc, char **argv);
int cmd_id_block(const struct measure_globals *g, int argc, char **argv);
int cmd_verify_id_block(const struct measure_globals *g, int argc, char **argv);
int cmd_report(const struct measure_globals *g, int argc, char **argv);

#endif
