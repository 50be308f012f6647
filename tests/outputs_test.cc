// Honest exits and safe outputs, as a script meets them: distinct exit statuses, stray arguments
// refused, --version, and every output path kind ("-", symlinks, devices, FIFOs, files that cannot
// be written, long names) written where asked and nowhere else, with no partial result after a failure.
#include <fcntl.h>
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli_helpers.h"

namespace ernsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A quick command with a JSON report: the estimate of a small zoo model.
const std::string kEstimate = "estimate --model zoo:ERNs18-0.75x --size 32 --config small --report ";

void expect_estimate_report(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text);  // throws (fails the test) unless it is JSON only
  EXPECT_EQ(j["config"], "small");
  EXPECT_GT(j["total_cycles"].get<int64_t>(), 0);
}

TEST(ExitStatus, UsageErrorsAreStatusTwo) {
  expect_error("estimate model.onnx", "unexpected argument 'model.onnx'");
  expect_error("estimate --model zoo:ERNs18 extra", "unexpected argument 'extra'");
  expect_error("info --bogus", "unrecognised option '--bogus'");
  expect_error("frobnicate", "unknown command");
  expect_error("--version now", "--version takes no arguments");
}

TEST(ExitStatus, AFailedCheckIsStatusOneAndLeavesNoLogits) {
  // A network whose residual stream outgrows the configuration's 16 bits: the run fails its check.
  // (A watchdog shorter than the memory latency, which once stood in for a hang, is now refused as
  // a usage error before the run.)
  TempDir dir;
  const CommandResult r = run_ernsim("run --model overflow:7 --config small --output " + dir.file("logits.npy"));
  EXPECT_EQ(r.status, kStatusFailed) << r.output;
  EXPECT_THAT(r.errors, HasSubstr("do not fit the configured 16-bit stream"));
  EXPECT_FALSE(fs::exists(dir.file("logits.npy"))) << "a failed run wrote its logits";
}

TEST(ExitStatus, VersionNamesTheBuildAndItsTools) {
  const CommandResult r = run_ernsim("--version");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.printed, ::testing::MatchesRegex("ernsim [0-9]+\\.[0-9]+\\.[0-9]+ \\(git [^)]+\\)\n"
                                                 "Verilator [0-9.]+\nSystemC [0-9].*\n(Yosys .*|not found)\n"));
}

TEST(Outputs, DashIsStandardOutputAndNothingElseGoesThere) {
  TempDir dir;
  const CommandResult r = run_ernsim(kEstimate + "-");
  ASSERT_EQ(r.status, 0) << r.output;
  expect_estimate_report(r.printed);
  EXPECT_THAT(r.errors, HasSubstr("total:"));  // the table went to standard error
  EXPECT_FALSE(fs::exists("-"));
  expect_error("regress --suite smoke --junit - --report -", "only one output can go to standard output");
  expect_error("run --trace - --model zoo:ERNs18-0.75x --size 32", "--trace -: a waveform needs a file name");
}

TEST(Outputs, ASymlinkIsWrittenThroughAndKept) {
  TempDir dir;
  std::ofstream(dir.file("target.json")) << "old";
  fs::create_symlink("target.json", dir.file("link.json"));
  ASSERT_EQ(run_ernsim(kEstimate + dir.file("link.json")).status, 0);
  EXPECT_TRUE(fs::is_symlink(dir.file("link.json")));
  expect_estimate_report(slurp(dir.file("target.json")));
  // A dangling link creates its target; a chain of links ends at the file.
  fs::create_symlink("new.json", dir.file("dangling.json"));
  fs::create_symlink("dangling.json", dir.file("chain.json"));
  ASSERT_EQ(run_ernsim(kEstimate + dir.file("chain.json")).status, 0);
  EXPECT_TRUE(fs::is_symlink(dir.file("chain.json")));
  EXPECT_TRUE(fs::is_symlink(dir.file("dangling.json")));
  expect_estimate_report(slurp(dir.file("new.json")));
}

TEST(Outputs, DevicesAreWrittenNotReplaced) {
  ASSERT_EQ(run_ernsim(kEstimate + "/dev/null").status, 0);
  struct stat st;
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null was replaced";
  // /dev/stdout is a symlink into /proc: written through the link, both kept (root could replace them).
  const CommandResult r = run_ernsim(kEstimate + "/dev/stdout");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.printed, HasSubstr("\"total_cycles\""));
  EXPECT_TRUE(fs::is_symlink("/dev/stdout"));
  // A device that fails every write: the error is an error.
  expect_error(kEstimate + "/dev/full", "/dev/full: cannot write: No space left on device");
}

TEST(Outputs, AFifoIsWrittenDirectly) {
  TempDir dir;
  const std::string fifo = dir.file("report.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = slurp(fifo); });
  const CommandResult r = run_ernsim(kEstimate + fifo);
  reader.join();
  ASSERT_EQ(r.status, 0) << r.output;
  expect_estimate_report(received);
  struct stat st;
  ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
}

TEST(Outputs, AFailedWriteLeavesThePreviousFileIntact) {
  TempDir dir;
  const std::string report = dir.file("report.json");
  std::ofstream(report) << "previous";
  // A file-size limit makes every write past 100 bytes fail (EFBIG), as a full disk would.
  const CommandResult r = run_ernsim_under("prlimit --fsize=100", kEstimate + report);
  EXPECT_EQ(r.status, kStatusUsage) << r.output;
  EXPECT_THAT(r.errors, HasSubstr("--report " + report + ": cannot write: File too large"));
  EXPECT_EQ(slurp(report), "previous");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1)
      << "a temporary file was left";
}

TEST(Outputs, AFailedDumpTakesBackItsFiles) {
  // The images (6 KB) fit the limit, the pixel embedding (62 KB) does not.
  TempDir dir;
  const CommandResult r =
      run_ernsim_under("prlimit --fsize=40000",
                       "infer --model zoo:ERNs18-0.75x --size 32 --images 2 --dump-layers " + dir.file("layers"));
  EXPECT_EQ(r.status, kStatusUsage) << r.output;
  EXPECT_THAT(r.errors, HasSubstr("File too large"));
  EXPECT_FALSE(fs::exists(dir.file("layers"))) << "partial --dump-layers files were left";
}

TEST(Outputs, ATraceThatRecordsNothingIsAnError) {
  TempDir dir;
  // --quiet: the run's progress lines come before the error, which is found once the run has ended.
  expect_error("run --model zoo:ERNs18-0.75x --size 32 --config small --quiet --trace " + dir.file("t.fst") +
                   " --trace-window 900000000: --output " + dir.file("logits.npy"),
               "--trace " + dir.file("t.fst") + ": nothing was recorded");
  EXPECT_FALSE(fs::exists(dir.file("logits.npy")));
}

TEST(Outputs, LongestLegalNameIsAccepted) {
  TempDir dir;
  const std::string name = dir.file(std::string(250, 'r') + ".json");  // 255 characters, NAME_MAX
  ASSERT_EQ(run_ernsim(kEstimate + name).status, 0);
  expect_estimate_report(slurp(name));
  expect_error(kEstimate + dir.file(std::string(256, 'r')), "File name too long");
}

TEST(Outputs, ADirectoryIsNotAnOutput) {
  TempDir dir;
  expect_error(kEstimate + dir.path(), "is a directory");
}

// What root may do anyway, an unprivileged user may not: the permission checks are ernsim's own.
using UnprivilegedOutputs = AsNobodyTest;

TEST_F(UnprivilegedOutputs, AReadOnlyFileIsNotReplaced) {
  const std::string report = dir_.file("readonly.json");
  std::ofstream(report) << "previous";
  fs::permissions(report, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const CommandResult r = run_ernsim_as_nobody(kEstimate + report);
  EXPECT_EQ(r.status, kStatusUsage) << r.output;
  EXPECT_THAT(r.errors, HasSubstr(report + ": cannot write: Permission denied"));
  EXPECT_EQ(slurp(report), "previous");
}

TEST_F(UnprivilegedOutputs, AnUnwritableDirectoryIsAnErrorWithTheFileIntact) {
  const std::string sub = dir_.file("locked");
  fs::create_directory(sub);
  std::ofstream(sub + "/report.json") << "previous";
  fs::permissions(sub + "/report.json", fs::perms::all);
  fs::permissions(sub, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec);
  const CommandResult r = run_ernsim_as_nobody(kEstimate + sub + "/report.json");
  EXPECT_EQ(r.status, kStatusUsage) << r.output;
  EXPECT_THAT(r.errors, HasSubstr("cannot create a temporary file in " + sub + ": Permission denied"));
  EXPECT_EQ(slurp(sub + "/report.json"), "previous");
  // The same as root succeeds, and keeps the file's permissions.
  ASSERT_EQ(run_ernsim(kEstimate + sub + "/report.json").status, 0);
  expect_estimate_report(slurp(sub + "/report.json"));
  EXPECT_EQ(fs::status(sub + "/report.json").permissions(), fs::perms::all);
}

// Every kind of output into a directory nobody may not write: an error naming the output and the
// reason, found before the work where the writer would fail silently (the FST trace), and nothing
// left behind.
TEST_F(UnprivilegedOutputs, EveryOutputInAnUnwritableDirectoryIsAnError) {
  const std::string locked = dir_.file("locked");
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
  const std::string infer = "infer --model zoo:ERNs18-0.75x --size 32 ";
  const std::string estimate = "estimate --model zoo:ERNs18-0.75x --size 32 --config small --quiet ";
  const std::string run = "run --model zoo:ERNs18-0.75x --size 32 --config small --quiet ";
  const std::string denied = ": Permission denied";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {infer + "--output " + locked + "/l.npy",
       locked + "/l.npy: cannot create a temporary file in " + locked + denied},
      {infer + "--dump-layers " + locked + "/dump",
       "--dump-layers " + locked + "/dump: cannot create the directory (Permission denied)"},
      {estimate + "--csv " + locked + "/l.csv",
       "--csv " + locked + "/l.csv: cannot create a temporary file in " + locked + denied},
      {estimate + "--plot " + locked + "/l.svg",
       "--plot " + locked + "/l.svg: cannot create a temporary file in " + locked + denied},
      {"sweep --model zoo:ERNs18 --size 32 --pe-out 8 --quiet --svg " + dir_.file("s.svg") + " --csv " + locked +
           "/s.csv",
       "--csv " + locked + "/s.csv: cannot create a temporary file in " + locked + denied},
      {run + "--trace " + locked + "/t.fst --trace-layer 2",
       "--trace " + locked + "/t.fst: cannot create a file in " + locked + denied},
      {run + "--trace " + locked + "/t.vcd --trace-layer 2",
       "--trace " + locked + "/t.vcd: cannot create a file in " + locked + denied},
  };
  for (const auto& [args, message] : cases) expect_error_under(kAsNobody, args, message);
  EXPECT_TRUE(fs::is_empty(locked));
  EXPECT_FALSE(fs::exists(dir_.file("s.svg"))) << "a failed sweep left its other output";
}

}  // namespace
}  // namespace ernsim

namespace ernsim {
namespace {

TEST(Reports, CarryProvenanceAndIntegerCounts) {
  TempDir dir;
  CommandResult r = run_ernsim(kEstimate + dir.file("a.json"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json a = nlohmann::json::parse(slurp(dir.file("a.json")));
  const nlohmann::json& p = a["provenance"];
  EXPECT_EQ(p["schema_version"], 2);
  EXPECT_THAT(p["ernsim_version"].get<std::string>(), ::testing::MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+"));
  EXPECT_FALSE(p["git_commit"].get<std::string>().empty());
  EXPECT_EQ(p["command_line"].back(), dir.file("a.json"));
  EXPECT_EQ(p["command_line"][1], "estimate");
  EXPECT_THAT(p["created_utc"].get<std::string>(), ::testing::MatchesRegex("20[0-9-]+T[0-9:]+Z"));
  EXPECT_THAT(p["config_digest"].get<std::string>(), ::testing::MatchesRegex("[0-9a-f]{64}"));
  for (const char* count : {"lut", "ff", "bram18", "dsp", "total_cycles", "jobs", "macs"}) {
    EXPECT_TRUE(a[count].is_number_integer()) << count << " = " << a[count];
  }
  EXPECT_TRUE(a["resources"][0]["lut"].is_number_integer());
  // The digest is of the parameters: another name, the same digest; another memory, another digest.
  nlohmann::json c = nlohmann::json::parse(slurp(std::string(ERNSIM_SOURCE_DIR) + "/configs/small.json"));
  c["name"] = "renamed";
  std::ofstream(dir.file("renamed.json")) << c.dump();
  c["memory"]["latency_cycles"] = 7;
  std::ofstream(dir.file("slow.json")) << c.dump();
  const std::string base = "estimate --model zoo:ERNs18-0.75x --size 32 --report - --config ";
  const nlohmann::json renamed = nlohmann::json::parse(run_ernsim(base + dir.file("renamed.json")).printed);
  const nlohmann::json slow = nlohmann::json::parse(run_ernsim(base + dir.file("slow.json")).printed);
  EXPECT_EQ(renamed["provenance"]["config_digest"], p["config_digest"]);
  EXPECT_NE(slow["provenance"]["config_digest"], p["config_digest"]);
}

}  // namespace
}  // namespace ernsim

namespace ernsim {
namespace {

std::vector<std::string> csv_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(LayerOutputs, EstimateWritesARowPerLayerAndAReadablePlot) {
  TempDir dir;
  const CommandResult r =
      run_ernsim("estimate --model zoo:ERNs101 --quiet --csv " + dir.file("l.csv") + " --plot " + dir.file("l.svg"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("total:"));
  EXPECT_THAT(r.output, Not(HasSubstr("MB wrtn")));  // --quiet: no per-layer table
  const std::vector<std::string> lines = csv_lines(slurp(dir.file("l.csv")));
  ASSERT_EQ(lines.size(), 1u + 109u);
  EXPECT_EQ(lines[0].rfind("index,name,jobs,cycles,compute_cycles,load_stall_cycles,store_stall_cycles,", 0), 0u);
  EXPECT_THAT(lines[0], HasSubstr(",compute_bound_cycles,memory_bound_cycles"));
  EXPECT_EQ(lines[2].rfind("1,conv1,", 0), 0u);
  // The plot: a bar segment per non-zero part, and layer labels at least 12 px apart (no overlap).
  const std::string svg = slurp(dir.file("l.svg"));
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("compute cycles</title>"));
  std::vector<double> label_x;
  for (size_t at = svg.find("transform=\"rotate(-60 "); at != std::string::npos;
       at = svg.find("transform=\"rotate(-60 ", at + 1)) {
    label_x.push_back(std::stod(svg.substr(at + 22)));
  }
  ASSERT_GE(label_x.size(), 20u);
  for (size_t i = 1; i < label_x.size(); ++i) EXPECT_GE(label_x[i] - label_x[i - 1], 12.0) << i;
}

TEST(LayerOutputs, RunWritesTheMeasuredLayers) {
  TempDir dir;
  const CommandResult r = run_ernsim("run --model zoo:ERNs18-0.75x --size 32 --config small --csv - --quiet");
  ASSERT_EQ(r.status, 0) << r.output;
  const std::vector<std::string> lines = csv_lines(r.printed);  // only the CSV on standard output
  ASSERT_EQ(lines.size(), 1u + 26u);
  EXPECT_THAT(lines[0], HasSubstr(",estimated_cycles,mismatches"));
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(lines[i].substr(lines[i].rfind(',')), ",0") << lines[i];
}

}  // namespace
}  // namespace ernsim

namespace ernsim {
namespace {

TEST(Reports, RunReportsEachLayersCyclesForTheWaveform) {
  TempDir dir;
  const CommandResult r =
      run_ernsim("run --model zoo:ERNs18-0.75x --size 32 --config small --quiet --report " + dir.file("r.json"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = nlohmann::json::parse(slurp(dir.file("r.json")));
  EXPECT_TRUE(j["passed"].get<bool>());
  uint64_t previous_start = 0;
  for (const nlohmann::json& l : j["layers"]) {
    const uint64_t start = l["start_cycle"], end = l["end_cycle"];
    EXPECT_LT(start, end) << l["name"];
    EXPECT_GE(start, previous_start) << l["name"];  // the compute stage takes the layers in order
    EXPECT_GE(end - start, l["compute_cycles"].get<uint64_t>() / 2) << l["name"];
    previous_start = start;
  }
  const uint64_t first = j["layers"].front()["start_cycle"], last = j["layers"].back()["end_cycle"];
  EXPECT_LE(last - first, j["total_cycles"].get<uint64_t>());
  // The window of a layer records a trace.
  const nlohmann::json& layer = j["layers"][5];
  const CommandResult t = run_ernsim(fmt::format("run --model zoo:ERNs18-0.75x --size 32 --config small --quiet "
                                                 "--trace {} --trace-window {}:{}",
                                                 dir.file("l5.fst"), layer["start_cycle"].get<uint64_t>(),
                                                 layer["end_cycle"].get<uint64_t>()));
  ASSERT_EQ(t.status, 0) << t.output;
  EXPECT_GT(fs::file_size(dir.file("l5.fst")), 0u);
}

}  // namespace
}  // namespace ernsim
