# libigvm/libigvm.mk — libigvm, the IGVM C API of microsoft/igvm (igvm_c) written in C on the
# project's format library, plus igvm-dump and their tests. Included by the top-level Makefile.
#
# Built by `make` (ALL_TARGETS):
#   $(B)/lib/libigvm.so.$(LIBIGVM_VERSION)  shared library from -fPIC objects in $(B)/pic/obj; SONAME
#                                          libigvm.so.$(LIBIGVM_SOVERSION); exports only libigvm.map's symbols;
#                                          with the libigvm.so.$(LIBIGVM_SOVERSION) and libigvm.so links
#   $(B)/lib/libigvm.a                     static library: one relocatable object whose only global
#                                          symbols are the API (the format library inside is localized)
#   $(B)/bin/igvm-dump                     dump_igvm's output through the public API (igvm-dump(1))
# Built for `make check` (CHECK_DEPS), sanitized: $(B)/san/lib/libigvm.a, $(B)/san/bin/igvm-dump,
#   $(B)/san/tests/test_libigvm_* (run by tests/run-tests.sh), $(B)/san/tests/libigvm-qemu-walk, and, when
#   $(CC) has ThreadSanitizer, $(B)/tsan/tests/libigvm-threads (run by tests/cli/t0702-libigvm-tsan.sh).
# `make install` (INSTALL_TARGETS += install-libigvm) installs the libraries into LIBDIR, <igvm/igvm.h> and
#   <igvm/igvm_defs.h> into INCLUDEDIR, igvm.pc into PKGCONFIGDIR, igvm-dump, and man pages libigvm(3)
#   (with one stub page per function) and igvm-dump(1). `make uninstall-libigvm` removes them.

# The microsoft/igvm C API level implemented (the crate version; QEMU asks pkg-config for >= 0.3.0).
LIBIGVM_VERSION   := 0.4.0
LIBIGVM_SOVERSION := 0

LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
OBJCOPY      ?= objcopy

LIBIGVM_CORE_SRC := libigvm/libigvm.c libigvm/view.c libigvm/handles.c
LIBIGVM_SRC     := $(LIBIGVM_CORE_SRC) libigvm/measure_api.c libigvm/measure_bridge.c
# What libigvm takes from the tree: the format library (reader, and the writer igvm_sign.c uses), common/,
# and igvmmeasure's measurement modules for <igvm/measure.h> (not its command line: cmd_*.c, snp_cli.c,
# main.c). libcrypto for hashing, signatures and X.509; no json-c, libxml2 or libelf.
LIBIGVM_MEASURE_SRC := $(filter-out measure/main.c measure/cmd_%.c measure/snp_cli.c,$(wildcard measure/*.c))
LIBIGVM_DEP_SRC := format/igvm_read.c format/igvm_model.c format/igvm_rules.c format/igvm_write.c common/buf.c \
                   common/digest.c common/fileio.c $(LIBIGVM_MEASURE_SRC)
LIBIGVM_ALL_SRC := $(LIBIGVM_SRC) $(LIBIGVM_DEP_SRC)
LIBIGVM_LIBS    := -lz -lcrypto -pthread
LIBIGVM_FUNCS   := igvm_new_from_binary igvm_free igvm_header_count igvm_get_header_type igvm_get_header \
                   igvm_get_header_data igvm_get_buffer igvm_get_buffer_size igvm_free_buffer \
                   $(shell sed -n 's/^[[:space:]]*\(igvm_[a-z0-9_]*\);[[:space:]]*$$/\1/p' libigvm/libigvm.map | \
                     grep -E '^igvm_(measure|report)_')

LIBIGVM_DUMP_SRC := libigvm/tools/dump_format.c libigvm/tools/igvm-dump.c
LIBIGVM_TEST_LIB := tests/libigvm/fixtures.c tests/libigvm/qemu_walk.c tests/libigvm/oracle.c \
                    libigvm/tools/dump_format.c
LIBIGVM_TESTS    := $(patsubst tests/libigvm/%.c,%,$(wildcard tests/libigvm/test_libigvm_*.c))

LIBIGVM_SO      := $(B)/lib/libigvm.so.$(LIBIGVM_VERSION)
LIBIGVM_TSAN_OK := $(shell printf 'int main(void){return 0;}\n' | \
                     $(CC) -fsanitize=thread -x c - -o /dev/null >/dev/null 2>&1 && echo yes)

ALL_TARGETS += $(LIBIGVM_SO) $(B)/lib/libigvm.a $(B)/bin/igvm-dump
CHECK_DEPS  += $(B)/san/bin/igvm-dump $(B)/san/tests/libigvm-qemu-walk $(addprefix $(B)/san/tests/,$(LIBIGVM_TESTS))
ifeq ($(LIBIGVM_TSAN_OK),yes)
CHECK_DEPS  += $(B)/tsan/tests/libigvm-threads
endif
INSTALL_TARGETS += install-libigvm
# The libFuzzer harness tests/fuzz/fuzz_libigvm.c links the library's own sources with the others.
FUZZ_EXTRA_SRC  += $(LIBIGVM_SRC)

.PHONY: libigvm install-libigvm uninstall-libigvm
libigvm: $(LIBIGVM_SO) $(B)/lib/libigvm.a $(B)/bin/igvm-dump

# Everything that includes <igvm/...> as a consumer would.
LIBIGVM_PUBLIC_USERS := $(sort $(LIBIGVM_DUMP_SRC) $(LIBIGVM_TEST_LIB) $(wildcard tests/libigvm/*.c))
$(call rel_objs,$(LIBIGVM_PUBLIC_USERS)) $(call san_objs,$(LIBIGVM_PUBLIC_USERS)): BASE_CFLAGS += -Ilibigvm/include

# ---- shared library -------------------------------------------------------------------------------

LIBIGVM_PIC_OBJ  := $(B)/pic/obj
libigvm_pic_objs  = $(patsubst %.c,$(LIBIGVM_PIC_OBJ)/%.o,$(1))

$(LIBIGVM_PIC_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c $< -o $@

$(LIBIGVM_SO): $(call libigvm_pic_objs,$(LIBIGVM_ALL_SRC)) libigvm/libigvm.map
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libigvm.so.$(LIBIGVM_SOVERSION) \
	  -Wl,--version-script=libigvm/libigvm.map -Wl,-z,defs -Wl,-z,relro -Wl,-z,now \
	  -o $@ $(filter %.o,$^) $(LIBIGVM_LIBS)
	$(Q)ln -sf $(notdir $@) $(@D)/libigvm.so.$(LIBIGVM_SOVERSION)
	$(Q)ln -sf libigvm.so.$(LIBIGVM_SOVERSION) $(@D)/libigvm.so

# ---- static libraries -----------------------------------------------------------------------------

# $(call libigvm_archive,ARCHIVE,OBJECTS): link the objects into one relocatable object, keep only the
# API global (the list comes from libigvm.map), archive it. The partial link gets no CFLAGS: clang
# would pull sanitizer runtimes into it.
define libigvm_archive
	@mkdir -p $(dir $(1))
	$(quiet) AR $(1)
	$(Q)sed -n 's/^[[:space:]]*\(igvm_[a-z0-9_]*\);[[:space:]]*$$/\1/p' libigvm/libigvm.map > $(1).syms
	$(Q)$(CC) -nostdlib -r -o $(1).o $(2)
	$(Q)$(OBJCOPY) --keep-global-symbols=$(1).syms $(1).o
	$(Q)rm -f $(1)
	$(Q)$(AR) rcs $(1) $(1).o
	$(Q)rm -f $(1).o $(1).syms
endef

$(B)/lib/libigvm.a: $(call rel_objs,$(LIBIGVM_ALL_SRC)) libigvm/libigvm.map
	$(call libigvm_archive,$@,$(filter %.o,$^))

$(B)/san/lib/libigvm.a: $(call san_objs,$(LIBIGVM_ALL_SRC)) libigvm/libigvm.map
	$(call libigvm_archive,$@,$(filter %.o,$^))

# ---- igvm-dump --------------------------------------------------------------------------------------

# igvm-dump --version names the API level it implements.
$(call rel_objs,libigvm/tools/igvm-dump.c) $(call san_objs,libigvm/tools/igvm-dump.c): \
	CPPFLAGS += -DLIBIGVM_VERSION='"$(LIBIGVM_VERSION)"'

$(B)/bin/igvm-dump: $(call rel_objs,$(LIBIGVM_DUMP_SRC)) $(B)/lib/libigvm.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBIGVM_LIBS)

$(B)/san/bin/igvm-dump: $(call san_objs,$(LIBIGVM_DUMP_SRC)) $(B)/san/lib/libigvm.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LIBIGVM_LIBS)

# ---- tests ------------------------------------------------------------------------------------------

# The tests use only the public API against libigvm.a; libhost.a gives them the writer for fixtures.
LIBIGVM_TEST_BINS := $(addprefix $(B)/san/tests/,$(LIBIGVM_TESTS) libigvm-qemu-walk)
$(LIBIGVM_TEST_BINS): $(B)/san/tests/%: $(SAN_OBJ)/tests/libigvm/%.o $(call san_objs,$(LIBIGVM_TEST_LIB)) \
                      $(B)/san/lib/libigvm.a $(B)/san/lib/libhost.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

# The thread test again under ThreadSanitizer (cannot be combined with ASan), objects in $(B)/tsan/obj.
LIBIGVM_TSAN_OBJ  := $(B)/tsan/obj
libigvm_tsan_objs  = $(patsubst %.c,$(LIBIGVM_TSAN_OBJ)/%.o,$(1))
LIBIGVM_TSAN_SRC := tests/libigvm/test_libigvm_threads.c tests/libigvm/fixtures.c $(LIBIGVM_CORE_SRC) \
                    format/igvm_read.c format/igvm_model.c format/igvm_rules.c format/igvm_write.c common/buf.c

$(LIBIGVM_TSAN_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(BASE_CFLAGS) -Ilibigvm/include $(CPPFLAGS) $(CFLAGS) -fsanitize=thread -MMD -MP -c $< -o $@

$(B)/tsan/tests/libigvm-threads: $(call libigvm_tsan_objs,$(LIBIGVM_TSAN_SRC))
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) -fsanitize=thread $(LDFLAGS) -o $@ $^ $(LIBIGVM_LIBS)

# ---- install ----------------------------------------------------------------------------------------

install-libigvm: $(LIBIGVM_SO) $(B)/lib/libigvm.a $(B)/bin/igvm-dump
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/igvm $(DESTDIR)$(PKGCONFIGDIR) \
	  $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 0755 $(LIBIGVM_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libigvm.so.$(LIBIGVM_VERSION) $(DESTDIR)$(LIBDIR)/libigvm.so.$(LIBIGVM_SOVERSION)
	ln -sf libigvm.so.$(LIBIGVM_SOVERSION) $(DESTDIR)$(LIBDIR)/libigvm.so
	$(INSTALL) -m 0644 $(B)/lib/libigvm.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 0644 libigvm/include/igvm/igvm.h libigvm/include/igvm/igvm_defs.h libigvm/include/igvm/measure.h \
	  $(DESTDIR)$(INCLUDEDIR)/igvm/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(LIBIGVM_VERSION)|' libigvm/igvm.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/igvm.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/igvm.pc
	$(INSTALL) -m 0755 $(B)/bin/igvm-dump $(DESTDIR)$(BINDIR)/igvm-dump
	$(INSTALL) -m 0644 man/igvm-dump.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 man/libigvm.3 $(DESTDIR)$(MANDIR)/man3/
	for f in $(LIBIGVM_FUNCS); do printf '.so man3/libigvm.3\n' > $(DESTDIR)$(MANDIR)/man3/$$f.3; done

uninstall-libigvm:
	rm -f $(DESTDIR)$(LIBDIR)/libigvm.so.$(LIBIGVM_VERSION) $(DESTDIR)$(LIBDIR)/libigvm.so.$(LIBIGVM_SOVERSION) \
	  $(DESTDIR)$(LIBDIR)/libigvm.so $(DESTDIR)$(LIBDIR)/libigvm.a $(DESTDIR)$(PKGCONFIGDIR)/igvm.pc \
	  $(DESTDIR)$(INCLUDEDIR)/igvm/igvm.h $(DESTDIR)$(INCLUDEDIR)/igvm/igvm_defs.h $(DESTDIR)$(INCLUDEDIR)/igvm/measure.h \
	  $(DESTDIR)$(BINDIR)/igvm-dump $(DESTDIR)$(MANDIR)/man1/igvm-dump.1 $(DESTDIR)$(MANDIR)/man3/libigvm.3
	for f in $(LIBIGVM_FUNCS); do rm -f $(DESTDIR)$(MANDIR)/man3/$$f.3; done
	-rmdir $(DESTDIR)$(INCLUDEDIR)/igvm 2>/dev/null
UNINSTALL_TARGETS += uninstall-libigvm
