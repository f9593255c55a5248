# igvmbuild build: extra flags, libraries, measure/ modules, schema embedding,
# unit tests, fuzz sources and the default image. Included by the top-level Makefile.

BUILD_XML_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
BUILD_XML_LIBS   := $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null || echo -lxml2)
BUILD_ELF_LIBS   := $(shell $(PKG_CONFIG) --libs libelf 2>/dev/null || echo -lelf)
BASE_CFLAGS += $(BUILD_XML_CFLAGS)
HOST_LIBS   += $(BUILD_XML_LIBS) $(BUILD_ELF_LIBS)

# measure/ modules the builder calls (the same code igvmmeasure runs).
IGVMBUILD_EXTRA_SRC := measure/ovmf.c measure/igvm_digest.c measure/kvm_vmsa.c measure/snp_digest.c measure/ecdsa.c measure/id_block.c

# The builder's modules without the verb (for unit tests and fuzzers).
BUILD_LIB_SRC := $(filter-out igvmbuild/cmd_build.c,$(wildcard igvmbuild/build_*.c))

# build_xml.c embeds the schemas with .incbin: rebuild it when they change.
$(REL_OBJ)/igvmbuild/build_xml.o $(SAN_OBJ)/igvmbuild/build_xml.o: \
	templates/igvmbuild-template.xsd templates/vtpm-manifest.xsd

# Installed templates are the default for `igvmbuild build` without -t.
IGVMBUILD_DATADIR ?= $(PREFIX)/share/igvmbuild
$(REL_OBJ)/igvmbuild/cmd_build.o $(SAN_OBJ)/igvmbuild/cmd_build.o: \
	CPPFLAGS += -DIGVMBUILD_DATADIR='"$(IGVMBUILD_DATADIR)"'

# Unit tests tests/unit/test_build_*.c link the builder's modules too
# (a shorter stem than the generic $(B)/san/tests/% rule, so this one wins).
$(B)/san/tests/test_build_%: $(SAN_OBJ)/tests/unit/test_build_%.o $(call san_objs,$(BUILD_LIB_SRC) $(IGVMBUILD_EXTRA_SRC)) $(B)/san/lib/libhost.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

# Fuzz harnesses (tests/fuzz/fuzz_template.c, ...) call the builder's parsers.
FUZZ_EXTRA_SRC += $(BUILD_LIB_SRC)

INSTALL_TARGETS += install-templates
.PHONY: install-templates
install-templates:
	$(INSTALL) -d $(DESTDIR)$(IGVMBUILD_DATADIR)/templates
	$(INSTALL) -m 0644 templates/*.xml templates/*.xsd $(DESTDIR)$(IGVMBUILD_DATADIR)/templates/

# The default image, from the project's own SVSM core and stage 2, once the
# guest side's make rules exist.
ifneq ($(and $(wildcard loaders/loaders.mk),$(wildcard svsm/svsm.mk)),)
ALL_TARGETS += $(B)/images/svsm-qemu.igvm
$(B)/images/svsm-qemu.igvm: $(B)/bin/igvmbuild templates/qemu-snp.xml templates/vtpm-default.xml \
		$(B)/svsm/svsm.elf $(B)/loaders/stage2.bin $(FIRMWARE)
	@mkdir -p $(@D)
	$(B)/bin/igvmbuild build --template templates/qemu-snp.xml --kernel $(B)/svsm/svsm.elf \
		--stage2 $(B)/loaders/stage2.bin --firmware $(FIRMWARE) \
		--reference-values $(B)/images/svsm-qemu.json -o $@
endif
