# loaders/loaders.mk — the stage-2 loader and the QEMU reset stub (freestanding, x86-64).
# Included by the top-level Makefile. Uses only $(CC) (gcc or clang) and binutils' objcopy.
#
#   $(B)/loaders/stage2.bin     flat binary, linked at LAUNCH_STAGE2_BASE
#   $(B)/loaders/resetstub.bin  64 KiB ROM for `igvmbuild run` (embedded into igvmbuild)

OBJCOPY ?= objcopy

# Flags shared by every freestanding part (svsm/svsm.mk adds to them). No glibc
# header is visible: -nostdinc, then only the compiler's own freestanding headers.
GUEST_CFLAGS := -std=c11 -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
                -fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
                -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-common \
                -O2 -g -ffile-prefix-map=$(CURDIR)=. $(WARNINGS)
GUEST_LDFLAGS := -nostdlib -static -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

LDR_OBJ := $(B)/loaders/obj
STAGE2_SRC := loaders/stage2.S loaders/stage2.c svsm/snp/pvalidate.c svsm/snp/ghcb_msr.c
STAGE2_OBJS := $(patsubst %,$(LDR_OBJ)/%.o,$(STAGE2_SRC))

$(LDR_OBJ)/%.c.o: %.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(GUEST_CFLAGS) -mcmodel=small -MMD -MP -c $< -o $@

$(LDR_OBJ)/%.S.o: %.S
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/loaders/stage2.elf: $(STAGE2_OBJS) loaders/stage2.ld
	$(quiet) LD $@
	$(Q)$(CC) $(GUEST_LDFLAGS) -Wl,-T,loaders/stage2.ld -o $@ $(STAGE2_OBJS)

$(B)/loaders/stage2.bin: $(B)/loaders/stage2.elf
	$(quiet) OBJCOPY $@
	$(Q)$(OBJCOPY) -O binary $< $@

$(LDR_OBJ)/resetstub.o: loaders/resetstub.S loaders/resetstub.h
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) -m32 -ffreestanding -nostdinc -c $< -o $@

$(B)/loaders/resetstub.bin: $(LDR_OBJ)/resetstub.o loaders/resetstub.ld
	$(quiet) LD $(B)/loaders/resetstub.elf
	$(Q)$(CC) -m32 $(GUEST_LDFLAGS) -Wl,-T,loaders/resetstub.ld -o $(B)/loaders/resetstub.elf $<
	$(quiet) OBJCOPY $@
	$(Q)$(OBJCOPY) -O binary -j .rom $(B)/loaders/resetstub.elf $@
	@test "$$(wc -c < $@)" -eq 65536 || { echo "resetstub.bin is not 64 KiB" >&2; rm -f $@; exit 1; }

ALL_TARGETS += $(B)/loaders/stage2.bin $(B)/loaders/resetstub.bin
CHECK_DEPS  += $(B)/loaders/stage2.bin

# `igvmbuild run` embeds the ROM (igvmbuild/run_stub.c, .incbin).
$(REL_OBJ)/igvmbuild/run_stub.o $(SAN_OBJ)/igvmbuild/run_stub.o: CPPFLAGS += -DRESETSTUB_BIN='"$(B)/loaders/resetstub.bin"'
$(REL_OBJ)/igvmbuild/run_stub.o $(SAN_OBJ)/igvmbuild/run_stub.o: $(B)/loaders/resetstub.bin
