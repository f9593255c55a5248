# firmware/ — the SVSM-capable OVMF the default image uses, pinned by
# firmware/ovmf-svsm.pin (a Debian package version and its SHA-256) and
# unpacked into the build tree by firmware/fetch.sh. Nothing is installed.
#
#   make FIRMWARE=/path/to/OVMF.fd   builds the default image with another firmware
#   IGVMBUILD_FIRMWARE_DEB=/path/to/ovmf_<version>_all.deb make
#                                    uses a local copy of the pinned package (offline)

OVMF_SVSM := $(B)/firmware/OVMF-svsm.fd
FIRMWARE  ?= $(OVMF_SVSM)

$(OVMF_SVSM): firmware/ovmf-svsm.pin firmware/fetch.sh
	$(quiet) FIRMWARE $@
	$(Q)sh firmware/fetch.sh firmware/ovmf-svsm.pin $@

# `make check` tries to fetch it but goes on without it: the tests that need
# it say they are skipped and why.
.PHONY: firmware-try
firmware-try:
	@$(MAKE) --no-print-directory $(OVMF_SVSM) || \
	  echo "firmware: $(OVMF_SVSM) not available; tests that need it will be skipped"
CHECK_DEPS += firmware-try
