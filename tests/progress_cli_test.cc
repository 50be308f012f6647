// Progress on standard error (sim/progress.h) as `run` and `sweep` show it: when standard
// error is not a terminal, at most a line per tenth of the work, counting up to the total; nothing
// with --quiet.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli_helpers.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

// The counts of the progress lines ("[###...] 3/10 layers  2s elapsed, ETA 5s"), in order; fails
// the test on any other line.
std::vector<size_t> progress_counts(const std::string& errors, const std::string& unit, size_t total) {
  const std::regex line_form("\\[#*\\.*\\] (\\d+)/(\\d+) " + unit + "  \\d+(s|m\\d\\ds|h\\d\\dm) elapsed, ETA .+");
  std::vector<size_t> counts;
  std::istringstream in(errors);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    EXPECT_TRUE(std::regex_match(line, m, line_form)) << line;
    if (m.empty()) continue;
    EXPECT_EQ(std::stoul(m[2]), total) << line;
    counts.push_back(std::stoul(m[1]));
  }
  return counts;
}

void expect_bounded_progress(const std::vector<size_t>& counts, size_t total) {
  ASSERT_FALSE(counts.empty());
  EXPECT_LE(counts.size(), 10u);
  EXPECT_EQ(counts.back(), total);
  // A line per tenth: each count is in a later tenth than the one before.
  for (size_t i = 1; i < counts.size(); ++i) EXPECT_GT(counts[i] * 10 / total, counts[i - 1] * 10 / total) << i;
}

TEST(ProgressCli, RunCountsLayersOfEveryImageALinePerTenth) {
  TempDir dir;
  const std::string args = "run --model zoo:ERNs18-0.75x --size 32 --config small --images 2 --report ";
  const CommandResult r = run_ernsim(args + dir.file("r.json"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream report(dir.file("r.json"));
  const size_t total = 2 * nlohmann::json::parse(report)["layers"].size();
  ASSERT_GT(total, 20u);  // enough layers for the tenths to bound the lines
  expect_bounded_progress(progress_counts(r.errors, "layers", total), total);
  EXPECT_THAT(r.printed, ::testing::Not(HasSubstr("elapsed, ETA")));  // progress never mixes into the results

  const CommandResult quiet = run_ernsim(args + dir.file("q.json") + " --quiet");
  ASSERT_EQ(quiet.status, 0) << quiet.output;
  EXPECT_EQ(quiet.errors, "");
}

TEST(ProgressCli, SweepCountsConfigurations) {
  TempDir dir;
  const std::string args =
      "sweep --model zoo:ERNs18 --size 64 --pe-out 8,16,32,64 --pe-pix 1,2 --bandwidth 16,64 --csv " +
      dir.file("s.csv") + " --svg " + dir.file("s.svg");
  const CommandResult r = run_ernsim(args);
  ASSERT_EQ(r.status, 0) << r.output;
  expect_bounded_progress(progress_counts(r.errors, "configurations", 16), 16);

  const CommandResult quiet = run_ernsim(args + " --quiet");
  ASSERT_EQ(quiet.status, 0) << quiet.output;
  EXPECT_EQ(quiet.errors, "");
}

}  // namespace
}  // namespace ernsim
