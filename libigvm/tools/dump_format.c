/* SPDX-License-Identifier: MIT */
/*
 * dump_format.c — dump_igvm's output through the public API (contract in
 * dump_format.h; the layout rules are restated in shared spec §9.2).
 *
 * Only <igvm/igvm.h> is used, as a third-party program would: this file is
 * also a test that the public header is enough to write a real consumer.
 * Header records are copied into local structures before use, so nothing
 * depends on the alignment of a buffer.
 */
#include "dump_format.h"

#include <inttypes.h>
#include <string.h>

#include <igvm/igvm.h>

static const char *const section_name[] = { "platform", "initialization", "directive" };

static const char *type_text(uint32_t type)
{
	switch (type & 0x7fffffffu) {
	case IGVM_VHT_SUPPORTED_PLATFORM: return "IGVM_VHT_SUPPORTED_PLATFORM";
	case IGVM_VHT_GUEST_POLICY: return "IGVM_VHT_GUEST_POLICY";
	case IGVM_VHT_RELOCATABLE_REGION: return "IGVM_VHT_RELOCATABLE_REGION";
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION: return "IGVM_VHT_PAGE_TABLE_RELOCATION_REGION";
	case IGVM_VHT_PARAMETER_AREA: return "IGVM_VHT_PARAMETER_AREA";
	case IGVM_VHT_PAGE_DATA: return "IGVM_VHT_PAGE_DATA";
	case IGVM_VHT_PARAMETER_INSERT: return "IGVM_VHT_PARAMETER_INSERT";
	case IGVM_VHT_VP_CONTEXT: return "IGVM_VHT_VP_CONTEXT";
	case IGVM_VHT_REQUIRED_MEMORY: return "IGVM_VHT_REQUIRED_MEMORY";
	case IGVM_VHT_VP_COUNT_PARAMETER: return "IGVM_VHT_VP_COUNT_PARAMETER";
	case IGVM_VHT_SRAT: return "IGVM_VHT_SRAT";
	case IGVM_VHT_MADT: return "IGVM_VHT_MADT";
	case IGVM_VHT_MMIO_RANGES: return "IGVM_VHT_MMIO_RANGES";
	case IGVM_VHT_SNP_ID_BLOCK: return "IGVM_VHT_SNP_ID_BLOCK";
	case IGVM_VHT_MEMORY_MAP: return "IGVM_VHT_MEMORY_MAP";
	case IGVM_VHT_ERROR_RANGE: return "IGVM_VHT_ERROR_RANGE";
	case IGVM_VHT_COMMAND_LINE: return "IGVM_VHT_COMMAND_LINE";
	case IGVM_VHT_SLIT: return "IGVM_VHT_SLIT";
	case IGVM_VHT_PPTT: return "IGVM_VHT_PPTT";
	case IGVM_VHT_VBS_MEASUREMENT: return "IGVM_VHT_VBS_MEASUREMENT";
	case IGVM_VHT_DEVICE_TREE: return "IGVM_VHT_DEVICE_TREE";
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER: return "IGVM_VHT_ENVIRONMENT_INFO_PARAMETER";
	/* CCA_POLICY and the CoRIM types are missing from dump_igvm's table too. */
	default: return "Unknown type";
	}
}

/* Rows of `columns` bytes: "| ADDR | hex... | ascii |"; a short last row is padded with blanks. */
static void hexdump(FILE *out, const uint8_t *data, size_t size, size_t columns)
{
	size_t rows = (size + columns - 1) / columns;
	for (size_t row = 0; row < rows; row++) {
		fprintf(out, "| %08zX | ", row * columns);
		for (size_t col = 0; col < columns; col++) {
			size_t i = row * columns + col;
			if (i < size)
				fprintf(out, "%02X ", data[i]);
			else
				fputs("   ", out);
		}
		fputs("| ", out);
		for (size_t col = 0; col < columns; col++) {
			size_t i = row * columns + col;
			if (i >= size)
				fputc(' ', out);
			else
				fputc(data[i] >= 32 && data[i] < 127 ? data[i] : '.', out);
		}
		fputs(" |\n", out);
	}
}

/* Every structure a record can hold, so one copy serves all of them. */
union body {
	IGVM_VHS_SUPPORTED_PLATFORM platform;
	IGVM_VHS_GUEST_POLICY policy;
	IGVM_VHS_RELOCATABLE_REGION reloc;
	IGVM_VHS_PAGE_TABLE_RELOCATION pt_reloc;
	IGVM_VHS_PARAMETER_AREA area;
	IGVM_VHS_PAGE_DATA page;
	IGVM_VHS_PARAMETER_INSERT insert;
	IGVM_VHS_VP_CONTEXT vp;
	IGVM_VHS_REQUIRED_MEMORY mem;
	IGVM_VHS_PARAMETER param;
	IGVM_VHS_SNP_ID_BLOCK id;
	IGVM_VHS_ERROR_RANGE err;
	IGVM_VHS_VBS_MEASUREMENT vbs;
};

static uint32_t flags_u32(const void *flags)
{
	uint32_t v;
	memcpy(&v, flags, sizeof(v));
	return v;
}

static void print_record(FILE *out, const uint8_t *rec, size_t size)
{
	IGVM_VHS_VARIABLE_HEADER vh;
	union body b;
	memset(&vh, 0, sizeof(vh));
	memset(&b, 0, sizeof(b));
	memcpy(&vh, rec, size < sizeof(vh) ? size : sizeof(vh));
	if (size > sizeof(vh))
		memcpy(&b, rec + sizeof(vh), size - sizeof(vh) < sizeof(b) ? size - sizeof(vh) : sizeof(b));

	fprintf(out, "%s:\n", type_text(vh.typ));
	switch (vh.typ) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		fprintf(out, "  CompatibilityMask: %08X\n", b.platform.compatibility_mask);
		fprintf(out, "  HighestVtl: %02X\n", b.platform.highest_vtl);
		fprintf(out, "  PlatformType: %02X\n", b.platform.platform_type);
		fprintf(out, "  PlatformVersion: %04X\n", b.platform.platform_version);
		fprintf(out, "  SharedGPABoundary: %" PRIX64 "\n", b.platform.shared_gpa_boundary);
		break;
	case IGVM_VHT_GUEST_POLICY:
		fprintf(out, "  Policy: %016" PRIX64 "\n", b.policy.policy);
		fprintf(out, "  CompatibilityMask: %08X\n", b.policy.compatibility_mask);
		fprintf(out, "  Reserved: %08X\n", b.policy.reserved);
		break;
	case IGVM_VHT_RELOCATABLE_REGION:
		fprintf(out, "  CompatibilityMask: %08X\n", b.reloc.compatibility_mask);
		fprintf(out, "  VpIndex: %04X\n", b.reloc.vp_index);
		fprintf(out, "  VTL: %02X\n", b.reloc.vtl);
		fprintf(out, "  Flags: %02X\n", b.reloc.flags);
		fprintf(out, "  RelocationAlignment: %016" PRIX64 "\n", b.reloc.relocation_alignment);
		fprintf(out, "  RelocationRegionGPA: %016" PRIX64 "\n", b.reloc.relocation_region_gpa);
		fprintf(out, "  RelocationRegionSize: %016" PRIX64 "\n", b.reloc.relocation_region_size);
		fprintf(out, "  MinimumRelocationGPA: %016" PRIX64 "\n", b.reloc.minimum_relocation_gpa);
		fprintf(out, "  MaximumRelocationGPA: %016" PRIX64 "\n", b.reloc.maximum_relocation_gpa);
		break;
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		fprintf(out, "  CompatibilityMask: %08X\n", b.pt_reloc.compatibility_mask);
		fprintf(out, "  VpIndex: %04X\n", b.pt_reloc.vp_index);
		fprintf(out, "  VTL: %02X\n", b.pt_reloc.vtl);
		fprintf(out, "  Reserved: %02X\n", b.pt_reloc.reserved);
		fprintf(out, "  GPA: %016" PRIX64 "\n", b.pt_reloc.gpa);
		fprintf(out, "  Size: %016" PRIX64 "\n", b.pt_reloc.size);
		fprintf(out, "  UsedSize: %016" PRIX64 "\n", b.pt_reloc.used_size);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		fprintf(out, "  NumberOfBytes: %016" PRIX64 "\n", b.area.number_of_bytes);
		fprintf(out, "  ParameterAreaIndex: %08X\n", b.area.parameter_area_index);
		fprintf(out, "  FileOffset: %08X\n", b.area.file_offset);
		break;
	case IGVM_VHT_PAGE_DATA:
		fprintf(out, "  GPA: %016" PRIX64 "\n", b.page.gpa);
		fprintf(out, "  CompatibilityMask: %08X\n", b.page.compatibility_mask);
		fprintf(out, "  FileOffset: %08X\n", b.page.file_offset);
		fprintf(out, "  Flags: %08X\n", flags_u32(&b.page.flags));
		fprintf(out, "  Reserved: %08X\n", b.page.reserved);
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		fprintf(out, "  GPA: %016" PRIX64 "\n", b.insert.gpa);
		fprintf(out, "  CompatibilityMask: %08X\n", b.insert.compatibility_mask);
		fprintf(out, "  ParameterAreaIndex: %08X\n", b.insert.parameter_area_index);
		break;
	case IGVM_VHT_VP_CONTEXT:
		fprintf(out, "  GPA: %016" PRIX64 "\n", b.vp.gpa);
		fprintf(out, "  CompatibilityMask: %08X\n", b.vp.compatibility_mask);
		fprintf(out, "  FileOffset: %08X\n", b.vp.file_offset);
		fprintf(out, "  VPIndex: %04X\n", b.vp.vp_index);
		fprintf(out, "  Reserved: %04X\n", b.vp.reserved);
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		fprintf(out, "  GPA: %016" PRIX64 "\n", b.mem.gpa);
		fprintf(out, "  CompatibilityMask: %08X\n", b.mem.compatibility_mask);
		fprintf(out, "  NumberOfBytes: %08X\n", b.mem.number_of_bytes);
		fprintf(out, "  Flags: %08X\n", flags_u32(&b.mem.flags));
		fprintf(out, "  Reserved: %08X\n", b.mem.reserved);
		break;
	/* dump_igvm's list of parameter kinds has no DEVICE_TREE. */
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_SRAT:
	case IGVM_VHT_MADT:
	case IGVM_VHT_MMIO_RANGES:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_COMMAND_LINE:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
	case IGVM_VHT_SLIT:
	case IGVM_VHT_PPTT:
		fputs("  IGVM_VHS_PARAMETER:\n", out);
		fprintf(out, "    ParameterPageIndex: %08X\n", b.param.parameter_area_index);
		fprintf(out, "    ByteOffset: %08X\n", b.param.byte_offset);
		fputc('\n', out);
		break;
	case IGVM_VHT_SNP_ID_BLOCK:
		fprintf(out, "  CompatibilityMask: %08X\n", b.id.compatibility_mask);
		fprintf(out, "  AuthorKeyEnabled: %02X\n", b.id.author_key_enabled);
		fprintf(out, "  Reserved: %02X%02X%02X\n", b.id.reserved[0], b.id.reserved[1], b.id.reserved[2]);
		/* dump_igvm shows 32 bytes of ld, then ld again for both ids: kept for diffing. */
		fputs("  Ld:\n", out);
		hexdump(out, b.id.ld, 32, 16);
		fputs("  FamilyId:\n", out);
		hexdump(out, b.id.ld, 16, 16);
		fputs("  ImageId:\n", out);
		hexdump(out, b.id.ld, 16, 16);
		fprintf(out, "  Version: %08X\n", b.id.version);
		fprintf(out, "  GuestSvn: %08X\n", b.id.guest_svn);
		fprintf(out, "  IdKeyAlgorithm: %08X\n", b.id.id_key_algorithm);
		fprintf(out, "  AuthorKeyAlgorithm: %08X\n", b.id.author_key_algorithm);
		break;
	case IGVM_VHT_ERROR_RANGE:
		fprintf(out, "  GPA: %016" PRIX64 "\n", b.err.gpa);
		fprintf(out, "  CompatibilityMask: %08X\n", b.err.compatibility_mask);
		fprintf(out, "  SizeBytes: %08X\n", b.err.size_bytes);
		break;
	default:
		break;
	}
	fputc('\n', out);
}

int igvmdump_print(FILE *out, const uint8_t *file, uint32_t len, uint32_t hex_limit)
{
	IgvmHandle igvm = igvm_new_from_binary(file, len);
	if (igvm < 0) {
		fprintf(out, "Failed to parse IGVM file. Error code: %d\n", (int)igvm);
		return 1;
	}
	int rc = 0;
	for (uint32_t section = IGVM_HEADER_SECTION_PLATFORM; section <= IGVM_HEADER_SECTION_DIRECTIVE && !rc;
	     section++) {
		int32_t count = igvm_header_count(igvm, section);
		fprintf(out, "----------------------------------------------------------\n%s count = %d\n\n",
			section_name[section], (int)count);
		for (int32_t i = 0; i < count; i++) {
			/* dump_igvm tests the type as unsigned: only 0 (IGVM_INVALID) is skipped. */
			if ((uint32_t)igvm_get_header_type(igvm, section, (uint32_t)i) == 0)
				continue;
			IgvmHandle h = igvm_get_header(igvm, section, (uint32_t)i);
			if (h < 0) {
				fprintf(out, "Invalid header (%d)\n", (int)h);
				rc = 1;
				break;
			}
			int32_t size = igvm_get_buffer_size(igvm, h);
			const uint8_t *rec = igvm_get_buffer(igvm, h);
			if (rec && size > 0)
				print_record(out, rec, (size_t)size);
			igvm_free_buffer(igvm, h);

			IgvmHandle d = igvm_get_header_data(igvm, section, (uint32_t)i);
			if (d > 0) {
				uint32_t n = (uint32_t)igvm_get_buffer_size(igvm, d);
				fprintf(out, "Got %u bytes of file data:\n", n);
				hexdump(out, igvm_get_buffer(igvm, d), n > hex_limit ? hex_limit : n, 32);
				igvm_free_buffer(igvm, d);
			}
		}
	}
	igvm_free(igvm);
	return rc;
}
