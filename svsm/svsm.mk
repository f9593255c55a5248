# svsm/svsm.mk — the SVSM core (freestanding, higher half) and its host unit tests.
# Included by the top-level Makefile after loaders/loaders.mk (GUEST_CFLAGS comes from there).
#
#   $(B)/svsm/svsm.elf             the core
#   $(B)/svsm/test/svsm-fault.elf  test build that faults after its self-tests (-DSVSM_TEST_FAULT)
#   $(B)/svsm/test/svsm-hang.elf   test build that hangs (-DSVSM_TEST_HANG)
#   $(B)/san/tests/test_svsm_*     host unit tests of the portable parts (SNP logic, mm, vTPM blob)
#   $(B)/san/tools/mknativeimage   test image generator (tests/tools/mknativeimage.c)

SVSM_OBJ := $(B)/svsm/obj
SVSM_COMMON_SRC := svsm/arch/head.S svsm/arch/guest_access.S svsm/arch/vmpl_switch.S svsm/arch/gdt.c svsm/arch/idt.c svsm/console.c svsm/percpu.c \
                   svsm/platform.c svsm/platform_native.c svsm/platform_snp.c svsm/selftest.c \
                   svsm/vtpm_cfg.c svsm/lib/string.c svsm/lib/fmt.c \
                   svsm/mm/mm.c svsm/mm/memmap.c svsm/mm/palloc.c svsm/mm/heap.c svsm/mm/pgtable.c \
                   svsm/snp/pvalidate.c svsm/snp/ghcb_msr.c svsm/snp/ghcb.c svsm/snp/psc.c \
                   svsm/snp/cpuid_page.c svsm/snp/vc.c svsm/snp/hv_caps.c
# SMP (issue 15): bring-up, per-platform start, the AP entry, local APIC, TSC, TLB shootdown.
SVSM_COMMON_SRC += svsm/smp.c svsm/smp_native.c svsm/smp_snp.c svsm/arch/ap_boot.S svsm/arch/lapic.c \
                   svsm/arch/tsc.c svsm/mm/shootdown.c
# The protocol (issue 6): portable files, compiled freestanding here and hosted below.
PROTO_SRC := svsm/protocol/valstate.c svsm/protocol/registry.c svsm/protocol/core.c \
             svsm/protocol/attest.c svsm/protocol/dispatch.c svsm/protocol/rmp_sim.c svsm/lib/sha512.c \
             svsm/protocol/proto_check.c svsm/protocol/proto_stress.c svsm/protocol/vtpm.c
SVSM_COMMON_SRC += $(PROTO_SRC) svsm/protocol/proto_native.c svsm/protocol/proto_selftest.c svsm/protocol/proto_kmem.c
# SNP guest requests (VMPL0 attestation reports): AES-GCM and the message layer are portable.
SNP_GREQ_SRC := svsm/lib/aes_gcm.c svsm/snp/guest_msg.c
SVSM_COMMON_SRC += $(SNP_GREQ_SRC) svsm/snp/guest_req.c
# Request loop, guest VMSA / secrets page / Run VMPL / INVLPGB encodings (portable), and the SNP binding.
REQLOOP_SRC := svsm/protocol/reqloop.c svsm/snp/guest_vmsa.c svsm/snp/secrets_page.c svsm/snp/run_vmpl.c \
               svsm/snp/tlb.c svsm/snp/hv_doorbell.c svsm/snp/ap.c svsm/protocol/vcpu_run.c
SVSM_COMMON_SRC += $(REQLOOP_SRC) svsm/protocol/proto_snp.c svsm/guest_launch.c
# The packed filesystem's reader and the ring-3 ELF loader (issue 13): portable, hosted below too.
USER_SRC := svsm/fs/igfs.c svsm/user/elf_load.c svsm/user/usys.c
SVSM_COMMON_SRC += $(USER_SRC) svsm/fs/rootfs.c svsm/user/process.c svsm/arch/user_entry.S
# The vTPM (issue 11): the core's side here; the archives link into its ring-3 process, vtpmd.
include svsm/vtpm/vtpm.mk
SVSM_COMMON_OBJS := $(patsubst %,$(SVSM_OBJ)/%.o,$(SVSM_COMMON_SRC))
SVSM_CFLAGS := $(GUEST_CFLAGS) -mcmodel=kernel -DSVSM_VERSION='"$(VERSION)"'

$(SVSM_OBJ)/%.c.o: %.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -MMD -MP -c $< -o $@

$(SVSM_OBJ)/%.S.o: %.S
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -MMD -MP -c $< -o $@

$(SVSM_OBJ)/main.o: svsm/main.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -MMD -MP -c $< -o $@
$(SVSM_OBJ)/main-fault.o: svsm/main.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -DSVSM_TEST_FAULT -MMD -MP -c $< -o $@
$(SVSM_OBJ)/main-hang.o: svsm/main.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -DSVSM_TEST_HANG -MMD -MP -c $< -o $@

SVSM_LINK = $(CC) $(GUEST_LDFLAGS) -Wl,-T,svsm/svsm.ld -Wl,-z,max-page-size=4096 -o $@

$(B)/svsm/svsm.elf: $(SVSM_COMMON_OBJS) $(SVSM_OBJ)/main.o svsm/svsm.ld
	$(quiet) LD $@
	$(Q)$(SVSM_LINK) -Wl,-Map=$(B)/svsm/svsm.map $(SVSM_COMMON_OBJS) $(SVSM_OBJ)/main.o
$(B)/svsm/test/svsm-fault.elf: $(SVSM_COMMON_OBJS) $(SVSM_OBJ)/main-fault.o svsm/svsm.ld
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(SVSM_LINK) $(SVSM_COMMON_OBJS) $(SVSM_OBJ)/main-fault.o
$(B)/svsm/test/svsm-hang.elf: $(SVSM_COMMON_OBJS) $(SVSM_OBJ)/main-hang.o svsm/svsm.ld
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(SVSM_LINK) $(SVSM_COMMON_OBJS) $(SVSM_OBJ)/main-hang.o

# Test builds of issue 15, each one object compiled differently (VARIANT_OBJ replaces BASE_OBJ):
#   svsm-skipsipi.elf  the STARTUP IPIs of CPU index 1 are never sent: it must be reported
#                      offline and the boot go on (smp_native.c)
#   svsm-nolock.elf    PVALIDATE without its stripe lock: the boot stress must find violations
#                      (protocol/core.c), and runs long enough to (selftest.c)
#   svsm-stress-long.elf  the boot stress for 20 s, for make bench-svsm-smp
svsm_variant_objs = $(filter-out $(addprefix $(SVSM_OBJ)/,$(1)),$(SVSM_COMMON_OBJS)) $(2)
$(SVSM_OBJ)/variant/skipsipi/%.o: %
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -DSVSM_TEST_SKIP_SIPI=1 -MMD -MP -c $< -o $@
$(SVSM_OBJ)/variant/nolock/%.o: %
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -DSVSM_TEST_NO_PVALIDATE_LOCK -DSVSM_STRESS_MS=1000 -MMD -MP -c $< -o $@
$(SVSM_OBJ)/variant/long/%.o: %
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -DSVSM_STRESS_MS=20000 -MMD -MP -c $< -o $@
SKIPSIPI_OBJS := $(call svsm_variant_objs,svsm/smp_native.c.o,$(SVSM_OBJ)/variant/skipsipi/svsm/smp_native.c.o)
NOLOCK_OBJS := $(call svsm_variant_objs,svsm/protocol/core.c.o svsm/selftest.c.o,\
	$(SVSM_OBJ)/variant/nolock/svsm/protocol/core.c.o $(SVSM_OBJ)/variant/nolock/svsm/selftest.c.o)
LONG_OBJS := $(call svsm_variant_objs,svsm/selftest.c.o,$(SVSM_OBJ)/variant/long/svsm/selftest.c.o)
#   svsm-usertest.elf  after /init, every program in /test of the packed filesystem (user/process.c)
$(SVSM_OBJ)/variant/usertest/%.o: %
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -DSVSM_TEST_USER_DIR='"/test"' -MMD -MP -c $< -o $@
USERTEST_OBJS := $(call svsm_variant_objs,svsm/user/process.c.o,$(SVSM_OBJ)/variant/usertest/svsm/user/process.c.o)
$(B)/svsm/test/svsm-usertest.elf: $(USERTEST_OBJS) $(SVSM_OBJ)/main.o svsm/svsm.ld
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(SVSM_LINK) $(USERTEST_OBJS) $(SVSM_OBJ)/main.o
$(B)/svsm/test/svsm-skipsipi.elf: $(SKIPSIPI_OBJS) $(SVSM_OBJ)/main.o svsm/svsm.ld
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(SVSM_LINK) $(SKIPSIPI_OBJS) $(SVSM_OBJ)/main.o
$(B)/svsm/test/svsm-nolock.elf: $(NOLOCK_OBJS) $(SVSM_OBJ)/main.o svsm/svsm.ld
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(SVSM_LINK) $(NOLOCK_OBJS) $(SVSM_OBJ)/main.o
$(B)/svsm/test/svsm-stress-long.elf: $(LONG_OBJS) $(SVSM_OBJ)/main.o svsm/svsm.ld
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(SVSM_LINK) $(LONG_OBJS) $(SVSM_OBJ)/main.o

# ---- host unit tests of the portable parts (same sources, hosted, sanitized) ----
SVSM_HOST_SRC := svsm/snp/pvalidate.c svsm/snp/ghcb_msr.c svsm/snp/ghcb.c svsm/snp/psc.c \
                 svsm/snp/cpuid_page.c svsm/snp/vc.c svsm/snp/hv_caps.c svsm/mm/memmap.c svsm/mm/palloc.c \
                 svsm/mm/heap.c svsm/mm/pgtable.c svsm/lib/fmt.c svsm/vtpm_cfg.c
SVSM_HOST_SRC += $(PROTO_SRC) tests/svsm/rmp_model.c
SVSM_HOST_SRC += $(SNP_GREQ_SRC)
SVSM_HOST_SRC += $(REQLOOP_SRC) svsm/mm/shootdown.c
SVSM_HOST_SRC += $(USER_SRC) svsm/vtpm/chan.c
SVSM_HOST_OBJS := $(call san_objs,$(SVSM_HOST_SRC))
SVSM_TESTS := test_svsm_snp test_svsm_mm test_svsm_proto test_svsm_proto_sha512
SVSM_TESTS += test_svsm_reqloop test_svsm_hvcaps test_svsm_fwwalk test_svsm_hvdb
SVSM_TESTS += test_svsm_igfs test_svsm_elf test_svsm_shootdown test_svsm_snp_smp test_svsm_usys
SVSM_TESTS += test_svsm_vtpm_chan
# These two check against OpenSSL (an independent AES-GCM), hence -lcrypto.
SVSM_CRYPTO_TESTS := test_svsm_aes_gcm test_svsm_guest_msg
SVSM_TESTS += $(SVSM_CRYPTO_TESTS)
$(addprefix $(B)/san/tests/,$(SVSM_CRYPTO_TESTS)): $(B)/san/tests/%: $(SAN_OBJ)/tests/svsm/%.o $(SVSM_HOST_OBJS)
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ -lcrypto

$(B)/san/tests/test_svsm_%: $(SAN_OBJ)/tests/svsm/test_svsm_%.o $(SVSM_HOST_OBJS)
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^

# Protocol stress test: optimised, not sanitized (speed; TSan is opt-in with PROTO_STRESS_SAN).
PROTO_STRESS_SAN ?=
$(B)/tests/protocol-stress: tests/svsm/protocol_stress.c $(PROTO_SRC) tests/svsm/rmp_model.c svsm/protocol/*.h
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(BASE_CFLAGS) -O2 -g $(PROTO_STRESS_SAN) -o $@ tests/svsm/protocol_stress.c $(PROTO_SRC) \
	  tests/svsm/rmp_model.c -lpthread
CHECK_DEPS += $(B)/tests/protocol-stress
# Fuzz harness tests/fuzz/fuzz_svsm_protocol.c links these (no symbol clashes: proto_*, vs_*,
# rmp_sim_*, rmp_model_*, sha512*).
FUZZ_EXTRA_SRC += $(PROTO_SRC) tests/svsm/rmp_model.c
FUZZ_EXTRA_SRC += $(SNP_GREQ_SRC) # aes_gcm_*, crypto_*, snp_msg_*
FUZZ_EXTRA_SRC += $(USER_SRC) # igfs_*, uelf_*, usys_*
FUZZ_EXTRA_SRC += svsm/vtpm/chan.c # vtpm_chan_*

# `make bench-svsm`: tracking bytes per GiB and ns per PVALIDATE entry.
.PHONY: bench-svsm bench-svsm-smp
bench-svsm: $(B)/tests/protocol-stress
	@$(B)/tests/protocol-stress --bench
# `make bench-svsm-smp`: the in-guest protocol stress for 20 s on 4 and 8 vCPUs (bench/svsm-smp.sh).
bench-svsm-smp: $(B)/svsm/test/svsm-stress-long.elf $(B)/bin/igvmbuild $(B)/san/tools/mknativeimage \
                $(B)/loaders/stage2.bin
	@B="$(B)" sh bench/svsm-smp.sh
bench: bench-svsm-smp

$(B)/san/tools/mknativeimage: $(SAN_OBJ)/tests/tools/mknativeimage.o $(B)/san/lib/libhost.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

# The ring-3 loader's plan and stack run on the host against musl programs (tests/cli/t0260-user-elf.sh).
$(B)/san/tools/uelfrun: $(SAN_OBJ)/tests/tools/uelfrun.o $(call san_objs,svsm/user/elf_load.c)
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^

SVSM_TEST_ELFS := $(B)/svsm/test/svsm-fault.elf $(B)/svsm/test/svsm-hang.elf $(B)/svsm/test/svsm-skipsipi.elf \
                  $(B)/svsm/test/svsm-nolock.elf $(B)/svsm/test/svsm-usertest.elf
ALL_TARGETS += $(B)/svsm/svsm.elf
CHECK_DEPS  += $(B)/svsm/svsm.elf $(SVSM_TEST_ELFS) $(addprefix $(B)/san/tests/,$(SVSM_TESTS)) \
               $(B)/san/tools/mknativeimage $(B)/san/tools/uelfrun $(B)/loaders/resetstub.bin

.PHONY: guest
guest: $(B)/loaders/stage2.bin $(B)/loaders/resetstub.bin $(B)/svsm/svsm.elf $(SVSM_TEST_ELFS)
