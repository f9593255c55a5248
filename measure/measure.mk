# igvmmeasure: the measurement tool. Included by the top-level Makefile.
# It links the format library and libcrypto only (no json-c, libxml2 or libelf),
# so distributions can package it small for attestation servers.

MEASURE_LIB_SRC := common/buf.c common/status.c common/fileio.c common/digest.c common/version.c \
                   format/igvm_read.c format/igvm_write.c format/igvm_model.c format/igvm_rules.c
# The verbs call libigvm's measurement API (<igvm/measure.h>), compiled in from the same sources.
MEASURE_SRC := measure/main.c measure/snp_digest.c $(sort $(filter-out measure/main.c measure/snp_digest.c,$(wildcard measure/*.c))) \
               libigvm/measure_api.c libigvm/measure_bridge.c
MEASURE_LIBS := -lz -lcrypto -lpthread

ALL_TARGETS += $(B)/bin/igvmmeasure
CHECK_DEPS  += $(B)/san/bin/igvmmeasure
INSTALL_TARGETS += install-igvmmeasure

$(B)/bin/igvmmeasure: $(call rel_objs,$(MEASURE_SRC) $(MEASURE_LIB_SRC))
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(MEASURE_LIBS)

$(B)/san/bin/igvmmeasure: $(call san_objs,$(MEASURE_SRC) $(MEASURE_LIB_SRC))
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(MEASURE_LIBS)

.PHONY: install-igvmmeasure
install-igvmmeasure: $(B)/bin/igvmmeasure
	$(INSTALL) -d $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 0755 $(B)/bin/igvmmeasure $(DESTDIR)$(BINDIR)/igvmmeasure

# Unit tests of the measurement code: tests/measure/test_*.c, linked with every
# measure/*.c except main.c, built sanitized and run by `make check`.
MEASURE_TEST_SRC := $(filter-out measure/main.c,$(MEASURE_SRC))
MEASURE_TESTS := $(patsubst tests/measure/test_%.c,test_measure_%,$(wildcard tests/measure/test_*.c))
CHECK_DEPS += $(addprefix $(B)/san/tests/,$(MEASURE_TESTS))

$(B)/san/tests/test_measure_%: $(SAN_OBJ)/tests/measure/test_%.o $(call san_objs,$(MEASURE_TEST_SRC) $(MEASURE_LIB_SRC))
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(MEASURE_LIBS)

# Fuzz harnesses may call measurement parsers too.
FUZZ_EXTRA_SRC += $(MEASURE_TEST_SRC)

# `make bench`: igvmmeasure's speed and peak memory on two generated >= 100 MB
# SNP images (our layout and COCONUT igvmbuilder's), against `openssl speed -multi`
# measured in the same run (bench/run-bench.sh). A benchmark, not a
# test: it is not part of `make check`.
BENCH_PAGES ?= 25600
BENCH_JOBS ?= 0

.PHONY: bench
bench: bench-svsm $(B)/bin/igvmmeasure $(B)/bench/mkbigigvm
	@B="$(B)" BENCH_PAGES="$(BENCH_PAGES)" BENCH_JOBS="$(BENCH_JOBS)" sh bench/run-bench.sh

$(B)/bench/mkbigigvm: $(call rel_objs,bench/mkbigigvm.c $(MEASURE_LIB_SRC))
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lz -lcrypto
