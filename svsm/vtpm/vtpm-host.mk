# svsm/vtpm/vtpm-host.mk — the host builds of the vTPM (after igvmbuild/build.mk: they link the
# builder's manifest compiler). The same protocol layer and glue as the SVSM, the same two archives
# linked statically; test builds, so the fixed test seed is compiled in (-DVTPM_TEST_SEED).

# The archives instead of the system's libcrypto.so: one OpenSSL in the process.
VTPM_HOST_LIBS = $(VTPM_ARCHIVES) $(filter-out -lcrypto,$(HOST_LIBS))
VTPM_HOST_SRC := $(VTPM_GLUE_SRC) svsm/vtpm/test_seed.c tests/vtpm/host_plat.c tests/vtpm/ext_api_check.c
VTPM_HOST_OBJS := $(patsubst %.c,$(SAN_OBJ)/vtpm-host/%.o,$(VTPM_HOST_SRC))
VTPM_BUILDER_OBJS = $(call san_objs,$(BUILD_LIB_SRC) $(IGVMBUILD_EXTRA_SRC)) $(B)/san/lib/libhost.a

$(SAN_OBJ)/vtpm-host/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -DVTPM_TEST_SEED -MMD -MP -c $< -o $@

$(B)/san/tests/test_svsm_vtpm: $(SAN_OBJ)/tests/svsm/test_svsm_vtpm.o $(VTPM_HOST_OBJS) $(SVSM_HOST_OBJS) \
		$(VTPM_BUILDER_OBJS) $(VTPM_ARCHIVES)
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(VTPM_HOST_LIBS)

# The C library against glibc: its files compiled with -DLIBC_TEST (every name libc_test_*).
VTPM_LIBC_TEST_OBJS := $(patsubst svsm/vtpm/libc/%,$(SAN_OBJ)/vtpm-libc-test/%.o,$(VTPM_LIBC_SRC))
$(SAN_OBJ)/vtpm-libc-test/%.c.o: svsm/vtpm/libc/%.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -DLIBC_TEST -MMD -MP -c $< -o $@
$(SAN_OBJ)/vtpm-libc-test/%.S.o: svsm/vtpm/libc/%.S
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) -DLIBC_TEST -c $< -o $@
$(B)/san/tests/test_svsm_vtpm_libc: $(SAN_OBJ)/tests/svsm/test_svsm_vtpm_libc.o $(VTPM_LIBC_TEST_OBJS) \
		$(SAN_OBJ)/svsm/mm/heap.o
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ -lpthread

# The MSSIM server for tpm2-tools, and the golden EK from Debian's libtpms0 (shared library).
$(B)/san/tools/vtpm-mssim: $(SAN_OBJ)/tests/vtpm/mssim_server.o $(VTPM_HOST_OBJS) $(SVSM_HOST_OBJS) \
		$(VTPM_BUILDER_OBJS) $(VTPM_ARCHIVES)
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(VTPM_HOST_LIBS)

VTPM_GOLDEN_CFLAGS := $(shell $(PKG_CONFIG) --cflags libtpms 2>/dev/null)
VTPM_GOLDEN_LIBS := $(shell $(PKG_CONFIG) --libs libtpms 2>/dev/null || echo -ltpms) -lcrypto
$(SAN_OBJ)/tests/vtpm/golden_ek.o: CPPFLAGS += $(VTPM_GOLDEN_CFLAGS)
$(B)/san/tools/vtpm-golden: $(SAN_OBJ)/tests/vtpm/golden_ek.o $(SAN_OBJ)/vtpm-host/svsm/vtpm/test_seed.o
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(VTPM_GOLDEN_LIBS)

CHECK_DEPS += $(B)/san/tests/test_svsm_vtpm $(B)/san/tests/test_svsm_vtpm_libc $(B)/san/tools/vtpm-mssim \
              $(B)/san/tools/vtpm-golden

# The libFuzzer harness tests/fuzz/fuzz_vtpm.c (tests/fuzz/run-fuzz.sh): the glue with the test
# seed, the archives in place of the shared libcrypto.
FUZZ_VTPM_SRC := $(VTPM_GLUE_SRC) svsm/vtpm/test_seed.c tests/vtpm/host_plat.c svsm/vtpm_cfg.c svsm/lib/fmt.c
FUZZ_VTPM_LIBS = $(VTPM_HOST_LIBS)

# `make bench-vtpm` (bench/vtpm.sh): host timings of the glue over the archives (-O2, no
# sanitizers), the guest's entry-to-"vTPM ready" time under TCG, and the bytes the vTPM adds.
VTPM_BENCH_SRC := tests/vtpm/bench.c $(VTPM_GLUE_SRC) tests/vtpm/host_plat.c svsm/lib/fmt.c \
                  $(PROTO_SRC)
$(B)/tests/vtpm-bench: $(VTPM_BENCH_SRC) $(call rel_objs,$(BUILD_LIB_SRC) $(IGVMBUILD_EXTRA_SRC)) $(B)/lib/libhost.a \
		$(VTPM_ARCHIVES) svsm/vtpm/*.h
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(BASE_CFLAGS) -O2 -g -o $@ $(filter %.c %.o %.a,$^) $(VTPM_HOST_LIBS)
.PHONY: bench-vtpm
bench-vtpm: $(B)/tests/vtpm-bench $(B)/svsm/svsm.elf $(B)/svsm/test/svsm-vtpm-seed.elf $(B)/bin/igvmbuild \
            $(B)/loaders/stage2.bin
	@B="$(B)" sh bench/vtpm.sh
bench: bench-vtpm

# The real vtpmd binaries on this host, under ptrace, with the test in the core's place on the
# channel (tests/vtpm/vtpmd_host.c). The binaries are prerequisites only: the test finds them in $B.
VTPMD_HOST_TEST_OBJS = $(SAN_OBJ)/tests/vtpm/vtpmd_host.o \
                       $(call san_objs,svsm/vtpm/chan.c svsm/vtpm/cmds.c svsm/vtpm/ek.c svsm/vtpm/tpm2.c svsm/lib/fmt.c)
$(B)/san/tests/test_vtpmd_host: $(VTPMD_HOST_TEST_OBJS) $(VTPM_BUILDER_OBJS) $(B)/svsm/vtpmd.elf \
		$(B)/svsm/test/vtpmd-seed.elf
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(HOST_LIBS)
CHECK_DEPS += $(B)/san/tests/test_vtpmd_host
