# igvmbuild build: extra flags, libraries, measure/ modules, schema embedding,
# unit tests, fuzz sources and the default image. Included by the top-level Makefile.

BUILD_XML_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
BUILD_XML_LIBS   := $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null || echo -lxml2)
BUILD_ELF_LIBS   := $(shell $(PKG_CONFIG) --libs libelf 2>/dev/null || echo -lelf)
BASE_CFLAGS += $(BUILD_XML_CFLAGS)
HOST_LIBS   += $(BUILD_XML_LIBS) $(BUILD_ELF_LIBS)

# measure/ modules the builder calls (the same code igvmmeasure runs).
IGVMBUILD_EXTRA_SRC := measure/ovmf.c measure/igvm_digest.c measure/kvm_vmsa.c measure/snp_digest.c measure/ecdsa.c measure/id_block.c \
                       measure/tdx_mrtd.c measure/tdvf.c
# The SVSM's reader of the packed filesystem (portable C): the builder checks its own output with it
# and `inspect` lists a filesystem with it, so both see exactly what the SVSM will.
IGVMBUILD_EXTRA_SRC += svsm/fs/igfs.c
# inspect decodes the vTPM configuration blob with the SVSM's own reader.
IGVMBUILD_EXTRA_SRC += svsm/vtpm_cfg.c

# The builder's modules without the verb (for unit tests and fuzzers).
BUILD_LIB_SRC := $(filter-out igvmbuild/cmd_build.c,$(wildcard igvmbuild/build_*.c))

# build_xml.c embeds the schemas with .incbin: rebuild it when they change.
$(REL_OBJ)/igvmbuild/build_xml.o $(SAN_OBJ)/igvmbuild/build_xml.o: \
	templates/igvmbuild-template.xsd templates/vtpm-manifest.xsd

# Installed templates are the default for `igvmbuild build` without -t. cmd_build.o is rebuilt when
# the directory changes (`make install PREFIX=/usr` after a plain `make`), through a stamp file that
# is rewritten only when its contents differ.
IGVMBUILD_DATADIR ?= $(DATADIR)/igvmbuild
$(REL_OBJ)/igvmbuild/cmd_build.o $(SAN_OBJ)/igvmbuild/cmd_build.o: \
	CPPFLAGS += -DIGVMBUILD_DATADIR='"$(IGVMBUILD_DATADIR)"'
$(REL_OBJ)/igvmbuild/cmd_build.o $(SAN_OBJ)/igvmbuild/cmd_build.o: $(B)/gen/datadir.stamp
$(B)/gen/datadir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(IGVMBUILD_DATADIR)' | cmp -s - $@ 2>/dev/null || echo '$(IGVMBUILD_DATADIR)' > $@
.PHONY: FORCE
FORCE:

# Unit tests tests/unit/test_build_*.c link the builder's modules too
# (a shorter stem than the generic $(B)/san/tests/% rule, so this one wins).
$(B)/san/tests/test_build_%: $(SAN_OBJ)/tests/unit/test_build_%.o $(call san_objs,$(BUILD_LIB_SRC) $(IGVMBUILD_EXTRA_SRC)) $(B)/san/lib/libhost.a
	@mkdir -p $(@D)
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

# Fuzz harnesses (tests/fuzz/fuzz_template.c, ...) call the builder's parsers.
FUZZ_EXTRA_SRC += $(BUILD_LIB_SRC)

# Installed templates. In the tree, qemu-snp.xml and qemu-native.xml name the build directory's SVSM
# core and stage 2 (../build/...) and the firmware that `make` unpacks (qemu-tdx.xml the firmware only); installed, they name the
# installed guest binaries in IGVMBUILD_GUESTDIR and the firmware IGVMBUILD_FIRMWARE (by default the
# path of Debian's and Ubuntu's `ovmf` package; Debian 13's is SVSM-capable, Debian 12's is not:
# give `--firmware` or install the pinned one with the installed firmware/fetch.sh). Nothing else in
# the templates changes, so an installed template builds the same image as the tree's given the same
# inputs.
IGVMBUILD_FIRMWARE ?= /usr/share/ovmf/OVMF.fd
TEMPLATE_INSTALL_SED := \
	-e 's|>\.\./build/svsm/svsm\.elf<|>$(IGVMBUILD_GUESTDIR)/svsm.elf<|' \
	-e 's|>\.\./build/loaders/stage2\.bin<|>$(IGVMBUILD_GUESTDIR)/stage2.bin<|' \
	-e 's|>\.\./build/firmware/OVMF-svsm\.fd<|>$(IGVMBUILD_FIRMWARE)<|' \
	-e 's|<!-- the pinned SVSM-capable OVMF (firmware/ovmf-svsm.pin), unpacked by `make` -->|<!-- an SVSM-capable OVMF (edk2 2025.02 or later); see $(IGVMBUILD_DATADIR)/firmware/README.md -->|'

INSTALL_TARGETS += install-templates
.PHONY: install-templates uninstall-templates
install-templates:
	$(INSTALL) -d $(DESTDIR)$(IGVMBUILD_DATADIR)/templates $(DESTDIR)$(IGVMBUILD_DATADIR)/firmware
	$(INSTALL) -m 0644 templates/vtpm-default.xml templates/*.xsd $(DESTDIR)$(IGVMBUILD_DATADIR)/templates/
	for t in qemu-snp.xml qemu-native.xml qemu-tdx.xml; do \
	  sed $(TEMPLATE_INSTALL_SED) templates/$$t > $(DESTDIR)$(IGVMBUILD_DATADIR)/templates/$$t && \
	  chmod 0644 $(DESTDIR)$(IGVMBUILD_DATADIR)/templates/$$t || exit 1; \
	  ! grep -n '\.\./build/' $(DESTDIR)$(IGVMBUILD_DATADIR)/templates/$$t || exit 1; \
	done
	$(INSTALL) -m 0644 firmware/ovmf-svsm.pin firmware/README.md $(DESTDIR)$(IGVMBUILD_DATADIR)/firmware/
	$(INSTALL) -m 0755 firmware/fetch.sh $(DESTDIR)$(IGVMBUILD_DATADIR)/firmware/fetch.sh
uninstall-templates:
	rm -f $(addprefix $(DESTDIR)$(IGVMBUILD_DATADIR)/templates/,qemu-snp.xml qemu-native.xml qemu-tdx.xml \
	  vtpm-default.xml igvmbuild-template.xsd vtpm-manifest.xsd)
	rm -f $(addprefix $(DESTDIR)$(IGVMBUILD_DATADIR)/firmware/,ovmf-svsm.pin README.md fetch.sh)
	-rmdir $(DESTDIR)$(IGVMBUILD_DATADIR)/templates $(DESTDIR)$(IGVMBUILD_DATADIR)/firmware \
	  $(DESTDIR)$(IGVMBUILD_DATADIR) 2>/dev/null
UNINSTALL_TARGETS += uninstall-templates

# The default image, from the project's own SVSM core and stage 2, once the guest side's make rules
# exist. It needs the firmware, which firmware/fetch.sh downloads: DEFAULT_IMAGE=no leaves it out
# (distribution package builds do; they must not use the network), and so does IGVMBUILD_OFFLINE=1
# unless FIRMWARE names a file or the pinned package is given (IGVMBUILD_FIRMWARE_DEB).
DEFAULT_IMAGE ?= yes
ifneq ($(and $(wildcard loaders/loaders.mk),$(wildcard svsm/svsm.mk),$(filter yes,$(DEFAULT_IMAGE))),)
ALL_TARGETS += $(B)/images/svsm-qemu.igvm
$(B)/images/svsm-qemu.igvm: $(B)/bin/igvmbuild templates/qemu-snp.xml templates/vtpm-default.xml \
		$(B)/svsm/svsm.elf $(B)/loaders/stage2.bin $(FIRMWARE)
	@mkdir -p $(@D)
	$(quiet) IGVM $@
	$(Q)$(B)/bin/igvmbuild build --template templates/qemu-snp.xml --kernel $(B)/svsm/svsm.elf \
		--stage2 $(B)/loaders/stage2.bin --firmware $(FIRMWARE) \
		--reference-values $(B)/images/svsm-qemu.json -o $@
endif
