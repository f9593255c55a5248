# igvmbuild — top-level build.
#
#   make                  build the host tools into build/bin/
#   make check            build everything again with ASan+UBSan into build/san/ and run every test
#   make fuzz             run each libFuzzer harness for FUZZ_TIME seconds (needs clang)
#   make package-check    Debian packages (twice, reproducibility), lintian, autopkgtest, rpmbuild
#   make install          install binaries and man pages (PREFIX, DESTDIR, BINDIR, MANDIR)
#   make V=1 ...          print the full commands instead of one short line per file
#   make clean
#
# CC, CFLAGS, CPPFLAGS and LDFLAGS from the environment or command line are honoured;
# the warning flags below are always added, so the tree must stay warning-free.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
# The SVSM core and stage 2 (guest binaries, not host libraries), where the installed templates look.
IGVMBUILD_GUESTDIR ?= $(PREFIX)/lib/igvmbuild
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
DESTDIR ?=
INSTALL ?= install
PKG_CONFIG ?= pkg-config

CFLAGS  ?= -O2 -g
B       := build

VERSION := 0.2.0

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wundef -Wvla
BASE_CFLAGS := -std=gnu11 $(WARNINGS) -D_FILE_OFFSET_BITS=64 -DIGVMBUILD_VERSION='"$(VERSION)"' \
               $(shell $(PKG_CONFIG) --cflags json-c 2>/dev/null)
HOST_LIBS := -lz -lcrypto $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null || echo -ljson-c) -lpthread

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Build output: one short line per file made ("  CC      build/obj/common/buf.o"), as Linux and git
# do; `make V=1` prints the full commands instead. Recipes write `$(quiet) TAG $@` then `$(Q)command`.
V ?= 0
ifeq ($(V),1)
Q :=
quiet := @:
else
Q := @
quiet := @printf '  %-8s %s\n'
endif

# ---- sources -----------------------------------------------------------------------------------

COMMON_SRC := common/buf.c common/status.c common/fileio.c common/digest.c common/emit.c common/version.c
FORMAT_SRC := format/igvm_read.c format/igvm_write.c format/igvm_model.c format/igvm_rules.c \
              format/igvm_describe.c
LIB_SRC    := $(COMMON_SRC) $(FORMAT_SRC)

IGVMBUILD_SRC := $(sort $(wildcard igvmbuild/*.c))

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
FUZZERS    := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

MANPAGES := $(wildcard man/*.1 man/*.5)


# ---- variants: rel (build/) and san (build/san/, ASan+UBSan) --------------------------------------

REL_OBJ := $(B)/obj
SAN_OBJ := $(B)/san/obj

rel_objs = $(patsubst %.c,$(REL_OBJ)/%.o,$(1))
san_objs = $(patsubst %.c,$(SAN_OBJ)/%.o,$(1))

# Sub-makefiles of the other components append to these:
#   ALL_TARGETS      built by `make`
#   CHECK_DEPS       built (sanitized) before `make check` runs the tests
#   INSTALL_TARGETS  phony targets run by `make install`
ALL_TARGETS     := $(B)/bin/igvmbuild
CHECK_DEPS      :=
FUZZ_EXTRA_SRC  :=
INSTALL_TARGETS :=
UNINSTALL_TARGETS :=
-include measure/measure.mk
-include libigvm/libigvm.mk
-include loaders/loaders.mk
-include svsm/svsm.mk
-include firmware/firmware.mk
-include igvmbuild/build.mk
-include svsm/vtpm/vtpm-host.mk

.PHONY: all check check-build fuzz fuzz-build install uninstall clean
# Keep every intermediate object: deleting them makes the next build redo the work, and
# make's "rm ..." would otherwise be the last line of `make check` instead of the summary.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(ALL_TARGETS)

$(REL_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(SAN_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(B)/lib/libhost.a: $(call rel_objs,$(LIB_SRC))
	@mkdir -p $(@D)
	$(quiet) AR $@
	$(Q)$(AR) rcs $@ $^

$(B)/san/lib/libhost.a: $(call san_objs,$(LIB_SRC))
	@mkdir -p $(@D)
	$(quiet) AR $@
	$(Q)$(AR) rcs $@ $^

$(B)/bin/igvmbuild: $(call rel_objs,$(IGVMBUILD_SRC) $(IGVMBUILD_EXTRA_SRC)) $(B)/lib/libhost.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

$(B)/san/bin/igvmbuild: $(call san_objs,$(IGVMBUILD_SRC) $(IGVMBUILD_EXTRA_SRC)) $(B)/san/lib/libhost.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

$(B)/san/tests/%: $(SAN_OBJ)/tests/unit/%.o $(B)/san/lib/libhost.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

$(B)/san/tools/mkfixtures: $(SAN_OBJ)/tests/tools/mkfixtures.o $(B)/san/lib/libhost.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

# ---- tests ---------------------------------------------------------------------------------------

check-build: $(B)/san/bin/igvmbuild $(B)/san/tools/mkfixtures $(addprefix $(B)/san/tests/,$(UNIT_TESTS)) $(CHECK_DEPS)

# The runner prints one TAP-style line per assertion and ends with "N passed, N failed[, N skipped]".
check: check-build
	@CC="$(CC)" FUZZ_RUNS=$(or $(FUZZ_RUNS),3000) B="$(B)" BASE_CFLAGS="$(BASE_CFLAGS)" \
	  FUZZ_VTPM_SRC="$(FUZZ_VTPM_SRC)" FUZZ_VTPM_LIBS="$(FUZZ_VTPM_LIBS)" \
	  HOST_LIBS="$(HOST_LIBS)" LIB_SRC="$(sort $(LIB_SRC) $(FUZZ_EXTRA_SRC))" FUZZERS="$(FUZZERS)" \
	  sh tests/run-tests.sh

# ---- distribution packaging: the slow checks (tests/pkg/package-check.sh) ----------------------------
# Debian packages built twice (reproducibility), lintian, autopkgtest, rpmbuild: about 10 minutes.
.PHONY: package-check distcheck
package-check distcheck:
	@B="$(B)" sh tests/pkg/package-check.sh

# ---- fuzzing (clang's libFuzzer) ------------------------------------------------------------------

FUZZ_TIME ?= 300
fuzz:
	@CC="$(CC)" B="$(B)" BASE_CFLAGS="$(BASE_CFLAGS)" HOST_LIBS="$(HOST_LIBS)" \
	  FUZZ_VTPM_SRC="$(FUZZ_VTPM_SRC)" FUZZ_VTPM_LIBS="$(FUZZ_VTPM_LIBS)" \
	  LIB_SRC="$(sort $(LIB_SRC) $(FUZZ_EXTRA_SRC))" FUZZERS="$(FUZZERS)" FUZZ_TIME=$(FUZZ_TIME) \
	  sh tests/fuzz/run-fuzz.sh long

# ---- install -------------------------------------------------------------------------------------

install: all $(INSTALL_TARGETS) install-guest install-completion
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	$(INSTALL) -m 0755 $(B)/bin/igvmbuild $(DESTDIR)$(BINDIR)/igvmbuild
	for m in $(filter %.1,$(MANPAGES)); do $(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man1/; done
	for m in $(filter %.5,$(MANPAGES)); do $(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/; done

# The guest binaries the installed default template uses (IGVMBUILD_GUESTDIR).
.PHONY: install-guest uninstall-guest install-completion uninstall-completion
install-guest: $(B)/svsm/svsm.elf $(B)/loaders/stage2.bin
	$(INSTALL) -d $(DESTDIR)$(IGVMBUILD_GUESTDIR)
	$(INSTALL) -m 0644 $(B)/svsm/svsm.elf $(B)/loaders/stage2.bin $(DESTDIR)$(IGVMBUILD_GUESTDIR)/
uninstall-guest:
	rm -f $(DESTDIR)$(IGVMBUILD_GUESTDIR)/svsm.elf $(DESTDIR)$(IGVMBUILD_GUESTDIR)/stage2.bin
	-rmdir $(DESTDIR)$(IGVMBUILD_GUESTDIR) 2>/dev/null

# Bash completion (completion/): loaded on demand by bash-completion from BASHCOMPDIR.
install-completion:
	$(INSTALL) -d $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0644 completion/igvmbuild.bash $(DESTDIR)$(BASHCOMPDIR)/igvmbuild
	$(INSTALL) -m 0644 completion/igvmmeasure.bash $(DESTDIR)$(BASHCOMPDIR)/igvmmeasure
uninstall-completion:
	rm -f $(DESTDIR)$(BASHCOMPDIR)/igvmbuild $(DESTDIR)$(BASHCOMPDIR)/igvmmeasure

uninstall: $(UNINSTALL_TARGETS) uninstall-guest uninstall-completion
	rm -f $(DESTDIR)$(BINDIR)/igvmbuild $(DESTDIR)$(BINDIR)/igvmmeasure
	for m in $(notdir $(filter %.1,$(MANPAGES))); do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	for m in $(notdir $(filter %.5,$(MANPAGES))); do rm -f $(DESTDIR)$(MANDIR)/man5/$$m; done

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
