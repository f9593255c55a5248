// SPDX-License-Identifier: MIT
//
// measure_consumer.cc — a C++ program using <igvm/measure.h> the way an
// attestation server written in C++ would, built against the installed
// library by tests/cli/t0710-libigvm-measure.sh. It prints one line per
// result so the script can compare with igvmmeasure's output:
//
//   measure_consumer digest IGVM [THREADS]       "DIGEST pages=N threads=N"
//   measure_consumer runs IGVM                   one "0xGPA 0xBYTES" line per run (igvmmeasure -v's numbers)
//   measure_consumer report REPORT [OPTION VALUE]...   "verdict=V authenticated=A", then
//                                                "NAME CLASS STATUS" per check
//   measure_consumer bad                         error paths, "name=result rule" lines
//   measure_consumer tdx IGVM                    "MRTD page_adds=N mr_extends=N mask=0xM" (from memory and path)
//   measure_consumer tdvf FIRMWARE ORDER         the MRTD of a direct TDVF launch, ORDER 0 or 1
//   measure_consumer tdxbad                      the TDX functions' error paths
//
// Options with no value are given as OPTION -.
#include <igvm/measure.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace {

static_assert(sizeof(IgvmMeasureError) == 648, "IgvmMeasureError layout");
static_assert(sizeof(IgvmMeasureDetails) == 144, "IgvmMeasureDetails layout");
static_assert(sizeof(IgvmTdxDetails) == 96, "IgvmTdxDetails layout");
static_assert(IGVM_MEASURE_API_VERSION >= 2, "the TDX functions (IGVM_MEASURE_0.2)");

struct VerifierDeleter {
	void operator()(IgvmReportVerifier *v) const { igvm_report_verifier_free(v); }
};
struct ResultDeleter {
	void operator()(IgvmReportResult *r) const { igvm_report_result_free(r); }
};
using Verifier = std::unique_ptr<IgvmReportVerifier, VerifierDeleter>;
using Result = std::unique_ptr<IgvmReportResult, ResultDeleter>;

std::vector<uint8_t> slurp(const char *path)
{
	std::ifstream f(path, std::ios::binary);
	return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string hex(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	std::string s;
	for (size_t i = 0; i < n; i++) {
		s += digits[p[i] >> 4];
		s += digits[p[i] & 15];
	}
	return s;
}

int fail(const char *what, IgvmResult r, const IgvmMeasureError &e)
{
	std::fprintf(stderr, "%s: %d %s %s: %s\n", what, r, e.input, e.rule, e.message);
	return 1;
}

int digest(const char *path, uint32_t threads)
{
	IgvmMeasureOptions o{};
	o.struct_size = sizeof(o);
	o.threads = threads;
	IgvmMeasureDetails d{};
	d.struct_size = sizeof(d);
	IgvmMeasureError e{};
	IgvmResult r = igvm_measure_launch_digest_path(path, &o, &d, &e);
	if (r != IGVMAPI_OK)
		return fail("digest", r, e);
	uint64_t pages = 0;
	for (uint64_t n : d.pages)
		pages += n;
	std::printf("%s pages=%llu threads=%u\n", hex(d.digest, d.digest_len).c_str(), (unsigned long long)pages,
		    d.threads);
	return 0;
}

int runs(const char *path)
{
	std::vector<uint8_t> data = slurp(path);
	IgvmMeasureOptions o{};
	o.struct_size = sizeof(o);
	o.run_fn = [](void *, uint64_t gpa, uint64_t pages, uint32_t) {
		std::printf("0x%llx 0x%llx\n", (unsigned long long)gpa, (unsigned long long)(pages * 4096));
	};
	IgvmMeasureDetails d{};
	d.struct_size = sizeof(d);
	IgvmMeasureError e{};
	IgvmResult r = igvm_measure_launch_digest(data.data(), data.size(), &o, &d, &e);
	return r == IGVMAPI_OK ? 0 : fail("runs", r, e);
}

int report(int argc, char **argv)
{
	Verifier v(igvm_report_verifier_new());
	IgvmMeasureError e{};
	for (int i = 3; i + 1 < argc; i += 2) {
		const char *value = std::string(argv[i + 1]) == "-" ? nullptr : argv[i + 1];
		IgvmResult r = igvm_report_verifier_set(v.get(), argv[i], value, &e);
		if (r != IGVMAPI_OK)
			return fail(argv[i], r, e);
	}
	std::vector<uint8_t> rep = slurp(argv[2]);
	IgvmReportResult *raw = nullptr;
	IgvmResult r = igvm_report_verify(v.get(), rep.data(), rep.size(), &raw, &e);
	if (r != IGVMAPI_OK)
		return fail("verify", r, e);
	Result res(raw);
	std::printf("verdict=%d authenticated=%d\n", igvm_report_result_verdict(res.get()),
		    igvm_report_result_authenticated(res.get()));
	for (uint32_t i = 0; i < igvm_report_result_check_count(res.get()); i++)
		std::printf("%s %d %d\n", igvm_report_result_check_name(res.get(), i),
			    igvm_report_result_check_class(res.get(), i), igvm_report_result_check_status(res.get(), i));
	return 0;
}

int bad()
{
	IgvmMeasureError e{};
	IgvmMeasureDetails d{};
	d.struct_size = sizeof(d);
	const uint8_t junk[16] = { 'I', 'G', 'V', 'M' };
	IgvmResult r = igvm_measure_launch_digest(junk, sizeof(junk), nullptr, &d, &e);
	std::printf("junk=%d %s\n", r, e.rule);
	r = igvm_measure_launch_digest_path("/nonexistent/x.igvm", nullptr, &d, &e);
	std::printf("missing=%d %s\n", r, e.input);
	r = igvm_measure_launch_digest(junk, sizeof(junk), nullptr, nullptr, &e);
	std::printf("nodetails=%d\n", r);
	Verifier v(igvm_report_verifier_new());
	r = igvm_report_verifier_set(v.get(), "no-such-option", "1", &e);
	std::printf("option=%d %s\n", r, e.input);
	IgvmReportResult *res = nullptr;
	r = igvm_report_verify(v.get(), junk, sizeof(junk), &res, &e);
	std::printf("report=%d %s %s\n", r, e.rule, res ? "result" : "null");
	int32_t takes = -1;
	const char *name = igvm_report_option_name(0, &takes);
	std::printf("option0=%s %d\n", name, takes);
	return 0;
}

int tdx(const char *path)
{
	std::vector<uint8_t> data = slurp(path);
	IgvmTdxDetails m{}, p{};
	m.struct_size = p.struct_size = sizeof(IgvmTdxDetails);
	IgvmMeasureError e{};
	IgvmResult r = igvm_measure_tdx_mrtd(data.data(), data.size(), 0, &m, &e);
	if (r != IGVMAPI_OK)
		return fail("tdx", r, e);
	r = igvm_measure_tdx_mrtd_path(path, 0, &p, &e);
	if (r != IGVMAPI_OK)
		return fail("tdx path", r, e);
	if (std::string(hex(m.mrtd, 48)) != hex(p.mrtd, 48) || m.page_adds != p.page_adds)
		return fail("tdx: memory and path differ", r, e);
	std::printf("%s page_adds=%llu mr_extends=%llu mask=0x%x\n", hex(m.mrtd, 48).c_str(),
		    (unsigned long long)m.page_adds, (unsigned long long)m.mr_extends, m.compatibility_mask);
	return 0;
}

int tdvf(const char *path, uint32_t order)
{
	std::vector<uint8_t> fw = slurp(path);
	uint8_t mrtd[48];
	IgvmMeasureError e{};
	IgvmResult r = igvm_measure_tdvf(fw.data(), fw.size(), order, mrtd, &e);
	if (r != IGVMAPI_OK)
		return fail("tdvf", r, e);
	std::printf("%s\n", hex(mrtd, 48).c_str());
	return 0;
}

int tdxbad()
{
	IgvmMeasureError e{};
	IgvmTdxDetails d{};
	d.struct_size = sizeof(d);
	const uint8_t junk[16] = { 'I', 'G', 'V', 'M' };
	IgvmResult r = igvm_measure_tdx_mrtd(junk, sizeof(junk), 0, &d, &e);
	std::printf("junk=%d %s\n", r, e.rule);
	d.struct_size = 8;
	r = igvm_measure_tdx_mrtd(junk, sizeof(junk), 0, &d, &e);
	std::printf("small=%d %s\n", r, e.input);
	uint8_t mrtd[48];
	r = igvm_measure_tdvf(junk, sizeof(junk), 2, mrtd, &e);
	std::printf("order=%d %s\n", r, e.input);
	r = igvm_measure_tdvf(junk, sizeof(junk), 0, mrtd, &e);
	std::printf("firmware=%d %s\n", r, e.rule);
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	std::string verb = argc > 1 ? argv[1] : "";
	if (verb == "digest" && argc >= 3)
		return digest(argv[2], argc > 3 ? (uint32_t)std::stoul(argv[3]) : 0);
	if (verb == "runs" && argc == 3)
		return runs(argv[2]);
	if (verb == "report" && argc >= 3)
		return report(argc, argv);
	if (verb == "bad")
		return bad();
	if (verb == "tdx" && argc == 3)
		return tdx(argv[2]);
	if (verb == "tdvf" && argc == 4)
		return tdvf(argv[2], (uint32_t)std::stoul(argv[3]));
	if (verb == "tdxbad")
		return tdxbad();
	std::fprintf(stderr, "usage: measure_consumer digest|runs|report|bad|tdx|tdvf|tdxbad ...\n");
	return 2;
}
