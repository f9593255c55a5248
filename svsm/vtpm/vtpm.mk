# svsm/vtpm/vtpm.mk — the vTPM: a ring-3 process of the SVSM core (vtpmd) linking Debian's libtpms.a
# and libcrypto.a unchanged, the small C library they need (svsm/vtpm/libc/), the glue, the core's
# side of the channel, and the host builds and tests.
# Included by svsm/svsm.mk (before SVSM_COMMON_OBJS is computed: rules here list SVSM_COMMON_SRC objects).
#
#   $(B)/svsm/svsm.elf                    embeds vtpmd.elf (svsm/vtpm_image.S); links no archive
#   $(B)/svsm/test/svsm-vtpm-seed.elf     test build: embeds vtpmd-seed.elf; fault/hang/restart tests
#   $(B)/svsm/vtpmd.elf                   the vTPM process (vtpmd.c; channel chan.h); links $(VTPM_ARCHIVES)
#   $(B)/svsm/test/vtpmd-seed.elf         its test build: fixed seed, fault/hang command codes
#   $(B)/san/tests/test_vtpmd_host        both run on the host under ptrace (vtpm-host.mk)
#   $(B)/san/tests/test_svsm_vtpm         host unit tests: protocol error paths, glue, C library
#   $(B)/tests/vtpm-mssim                 MSSIM TCP server over the same protocol code (tpm2-tools test)
#   $(B)/tests/vtpm-golden                the EK Debian's libtpms0 (pkg-config libtpms) derives
#   $(B)/tests/vtpm-bench                 `make bench-vtpm`

# The archives: where the compiler finds them (Debian: /usr/lib/<triplet>/), packages libtpms-dev
# and libssl-dev (.ci/packages). Override LIBTPMS_A / LIBCRYPTO_A to link others.
LIBTPMS_A   ?= $(shell $(CC) -print-file-name=libtpms.a)
LIBCRYPTO_A ?= $(shell $(CC) -print-file-name=libcrypto.a)
VTPM_ARCHIVES := $(LIBTPMS_A) $(LIBCRYPTO_A)
VTPM_DEB_LIBTPMS := $(shell dpkg-query -W -f='$${Version}' libtpms-dev 2>/dev/null)
VTPM_DEB_LIBSSL  := $(shell dpkg-query -W -f='$${Version}' libssl-dev 2>/dev/null)
VTPM_ARCHIVES_DESC := libtpms.a from libtpms-dev $(or $(VTPM_DEB_LIBTPMS),(version unknown)), libcrypto.a from libssl-dev $(or $(VTPM_DEB_LIBSSL),(version unknown))
VTPM_LINK_NOTE = @printf '  %-8s %s\n' VTPM "$(VTPM_ARCHIVES_DESC)"

ifeq ($(wildcard $(LIBTPMS_A)),)
$(LIBTPMS_A):
	@echo "libtpms.a not found: install libtpms-dev (see .ci/packages) or set LIBTPMS_A" >&2; exit 1
endif
ifeq ($(wildcard $(LIBCRYPTO_A)),)
$(LIBCRYPTO_A):
	@echo "libcrypto.a not found: install libssl-dev (see .ci/packages) or set LIBCRYPTO_A" >&2; exit 1
endif

VTPM_LIBC_SRC := $(addprefix svsm/vtpm/libc/,string.c malloc.c format.c stdio.c fortify.c process.c time.c \
                   pthread.c stubs.c setjmp.S)
# Portable glue: the process's, also compiled for the host tests.
VTPM_GLUE_SRC := $(addprefix svsm/vtpm/,tpm2.c ek.c cmds.c tpm.c manufacture.c service.c selftest.c crypto.c)

# The core's side links no archive code: TPM 2.0 marshalling (tpm2.c, cmds.c), the EK template
# (ek.c), the boot self-test driven through the channel (selftest.c, chan.c), the proxy that
# starts, feeds and restarts vtpmd (vtpm_proxy.c), and vtpmd's image (vtpm_image.S).
VTPM_CORE_SRC := $(addprefix svsm/vtpm/,tpm2.c ek.c cmds.c selftest.c chan.c) svsm/arch/hwrng.c
SVSM_COMMON_SRC += $(VTPM_CORE_SRC) svsm/vtpm_proxy.c svsm/vtpm_image.S
$(SVSM_OBJ)/svsm/vtpm_image.S.o: SVSM_CFLAGS += -DVTPMD_ELF='"$(B)/svsm/vtpmd.img"'
$(SVSM_OBJ)/svsm/vtpm_image.S.o: $(B)/svsm/vtpmd.img
# The embedded copy has no symbol table (a megabyte nobody in the guest reads); vtpmd.elf keeps it.
$(B)/svsm/vtpmd.img: $(B)/svsm/vtpmd.elf
	$(quiet) STRIP $@
	$(Q)$(OBJCOPY) --strip-all $< $@
$(B)/svsm/test/vtpmd-seed.img: $(B)/svsm/test/vtpmd-seed.elf
	$(quiet) STRIP $@
	$(Q)$(OBJCOPY) --strip-all $< $@

# The fixed-seed test build: the proxy with its test paths (a fault, a hang, the restart budget)
# and vtpmd-seed.elf (the fixed entropy stream, svsm/vtpm/test_seed.h; the test command codes).
VTPM_SEED_OBJS := $(SVSM_OBJ)/seed/vtpm_proxy.o $(SVSM_OBJ)/seed/vtpm_image.o
$(SVSM_OBJ)/seed/vtpm_proxy.o: svsm/vtpm_proxy.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -DVTPM_TEST_SEED -MMD -MP -c $< -o $@
$(SVSM_OBJ)/seed/vtpm_image.o: svsm/vtpm_image.S $(B)/svsm/test/vtpmd-seed.img
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(SVSM_CFLAGS) -DVTPMD_ELF='"$(B)/svsm/test/vtpmd-seed.img"' -MMD -MP -c $< -o $@
# Computed from SVSM_COMMON_SRC, complete by now: SVSM_COMMON_OBJS does not exist yet when make
# reads this rule's prerequisites, and an empty list there let the link outrun its objects.
VTPM_SEED_BASE := $(patsubst %,$(SVSM_OBJ)/%.o,$(filter-out svsm/vtpm_proxy.c svsm/vtpm_image.S,$(SVSM_COMMON_SRC)))
$(B)/svsm/test/svsm-vtpm-seed.elf: $(VTPM_SEED_BASE) $(VTPM_SEED_OBJS) $(SVSM_OBJ)/main.o svsm/svsm.ld
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(SVSM_LINK) $(VTPM_SEED_BASE) $(VTPM_SEED_OBJS) $(SVSM_OBJ)/main.o
CHECK_DEPS += $(B)/svsm/test/svsm-vtpm-seed.elf

# ---- vtpmd: the vTPM as a ring-3 process of the core (svsm/vtpm/vtpmd.c, channel chan.h) ----
#   $(B)/svsm/vtpmd.elf              production: entropy from getrandom (the core's hardware source)
#   $(B)/svsm/test/vtpmd-seed.elf    test build: the fixed seed and the test command codes (chan.h)
# A static non-PIE ET_EXEC (default linker script, entry _start in crt0.S) from the glue, the C
# library with sys_user.c as its platform (Linux system calls, the subset svsm/user/usys.h serves),
# and the archives. Compiled with the guest flags but the small code model (user addresses), in
# objects of their own (uobj/, uobj-seed/), apart from the kernel's. Each function and object in a
# section of its own, and unused ones dropped at link time: service.c's vtpm_service_attach (the
# protocol core's hook, which the process does not have) goes, and nothing pulls the protocol in.
VTPMD_SRC := $(VTPM_LIBC_SRC) $(addprefix svsm/vtpm/,tpm2.c ek.c cmds.c tpm.c manufacture.c service.c crypto.c \
               chan.c sys_user.c vtpmd.c crt0.S) \
             svsm/vtpm_cfg.c svsm/lib/string.c svsm/lib/fmt.c svsm/mm/heap.c
VTPMD_SEED_SRC := $(VTPMD_SRC) svsm/vtpm/test_seed.c
VTPMD_OBJS := $(patsubst %,$(B)/svsm/uobj/%.o,$(VTPMD_SRC))
VTPMD_SEED_OBJS := $(patsubst %,$(B)/svsm/uobj-seed/%.o,$(VTPMD_SEED_SRC))
VTPMD_CFLAGS = $(GUEST_CFLAGS) -mcmodel=small -ffunction-sections -fdata-sections \
               -DLIBC_RELEASE='"$(VERSION)"' -DSVSM_VERSION='"$(VERSION)"'
VTPMD_LINK = $(CC) $(GUEST_LDFLAGS) -Wl,--gc-sections -Wl,-e,_start -Wl,-z,max-page-size=4096 -o $@
# -static without -static-pie links a fixed-address ET_EXEC with both compilers (clang warns about
# -no-pie next to -static, so it is checked instead of asked for). The process starts at _start
# with nothing run: no constructors, no TLS may be in the link.
VTPMD_CHECK = @if $(READELF) -SW $@ | grep -Eq ' \.(tdata|tbss|init_array|ctors|preinit_array) '; then \
	echo "$@: TLS or constructors in the link (vtpmd runs none)" >&2; rm -f $@; exit 1; fi; \
	if ! $(READELF) -hW $@ | grep -Eq 'Type: +EXEC'; then \
	echo "$@: not a static ET_EXEC" >&2; rm -f $@; exit 1; fi
READELF ?= readelf

$(B)/svsm/uobj/%.o: %
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(VTPMD_CFLAGS) -MMD -MP -c $< -o $@
$(B)/svsm/uobj-seed/%.o: %
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(VTPMD_CFLAGS) -DVTPM_TEST_SEED -MMD -MP -c $< -o $@

$(B)/svsm/vtpmd.elf: $(VTPMD_OBJS) $(VTPM_ARCHIVES)
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(VTPM_LINK_NOTE)
	$(Q)$(VTPMD_LINK) $(VTPMD_OBJS) $(VTPM_ARCHIVES)
	$(VTPMD_CHECK)
$(B)/svsm/test/vtpmd-seed.elf: $(VTPMD_SEED_OBJS) $(VTPM_ARCHIVES)
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(VTPMD_LINK) $(VTPMD_SEED_OBJS) $(VTPM_ARCHIVES)
	$(VTPMD_CHECK)
