// `ernsim regress` as CI uses it: shards that partition the suite, failures that fail the run with
// the command that reproduces them, JUnit and JSON reports that agree, timeouts, and kept failures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli_helpers.h"
#include "tests/fixtures.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> listed_items(const std::string& args) {
  const CommandResult r = run_ernsim("regress --list " + args);
  EXPECT_EQ(r.status, 0) << r.output;
  std::vector<std::string> ids;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) ids.push_back(line.substr(0, line.find(' ')));
  return ids;
}

TEST(Regress, ShardsPartitionTheSuite) {
  const std::vector<std::string> all = listed_items("--suite full");
  ASSERT_GT(all.size(), 100u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size()) << "item ids are unique";
  std::multiset<std::string> union_of_shards;
  for (int i = 1; i <= 3; ++i) {
    const std::vector<std::string> shard = listed_items("--suite full --shard " + std::to_string(i) + "/3");
    EXPECT_NEAR(static_cast<double>(shard.size()), all.size() / 3.0, 1.0);
    union_of_shards.insert(shard.begin(), shard.end());
  }
  EXPECT_EQ(union_of_shards, std::multiset<std::string>(all.begin(), all.end()));
}

TEST(Regress, TheFullSuiteHasTheRandomCasesItPromises) {
  std::ifstream in(std::string(ERNSIM_SOURCE_DIR) + "/tests/suites/full.json");
  const nlohmann::json suite = nlohmann::json::parse(in);
  int layers = 0, networks = 0;
  for (const auto& item : suite["items"]) {
    const int configs = static_cast<int>(item.value("configs", nlohmann::json::array()).size());
    if (item["kind"] == "random-layers") layers += item["count"].get<int>() * configs;
    if (item["kind"] == "random-networks") networks += item["count"].get<int>();
  }
  EXPECT_GE(layers, 2000);
  EXPECT_GE(networks, 100);
}

TEST(Regress, SeedAndCountChangeTheRandomItems) {
  const std::vector<std::string> base = listed_items("--suite smoke --count 2");
  const std::vector<std::string> shifted = listed_items("--suite smoke --count 2 --seed 1000");
  EXPECT_EQ(base.size(), shifted.size());
  EXPECT_NE(base, shifted);
  int networks = 0;
  for (const std::string& id : base) networks += id.rfind("random-networks/", 0) == 0;
  EXPECT_EQ(networks, 2);
}

class RegressRun : public ::testing::Test {
 protected:
  std::string suite(const nlohmann::json& items) {
    const std::string path = dir_.file("suite.json");
    std::ofstream(path) << nlohmann::json{{"items", items}}.dump();
    return path;
  }
  TempDir dir_;
};

TEST_F(RegressRun, PassingItemsPassWithReports) {
  const std::string s =
      suite({{{"kind", "zoo"}, {"model", "ERNs18-0.75x"}, {"size", 32}, {"configs", {"small"}}},
             {{"kind", "random-layers"}, {"count", 6}, {"batch", 4}, {"seed", 7}, {"configs", {"small"}}},
             {{"kind", "random-networks"}, {"count", 2}, {"seed", 3}, {"configs", {"small"}}}});
  const CommandResult r = run_ernsim("regress --suite " + s + " --jobs 2 --junit " + dir_.file("j.xml") + " --report " +
                                     dir_.file("r.json"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("suite: 5 passed, 0 failed, 0 skipped of 5 items"));
  const nlohmann::json report = nlohmann::json::parse(slurp(dir_.file("r.json")));
  EXPECT_EQ(report["passed"], 5);
  int cases = 0;
  for (const auto& item : report["items"]) cases += item["cases"].get<int>();
  EXPECT_EQ(cases, 1 + 6 + 2);
  const std::string junit = slurp(dir_.file("j.xml"));
  EXPECT_THAT(junit, HasSubstr("<testsuite name=\"suite\" tests=\"5\" failures=\"0\""));
  EXPECT_THAT(junit, HasSubstr("name=\"7-10\""));
  EXPECT_THAT(junit, HasSubstr("name=\"11-12\""));
}

TEST_F(RegressRun, AFailureFailsTheRunAndSaysHowToReproduceIt) {
  // ERNs50's widest layer needs more input blocks than configuration wide has: the run errors.
  const std::string s = suite({{{"kind", "zoo"}, {"model", "ERNs50"}, {"size", 32}, {"configs", {"wide"}}},
                               {{"kind", "zoo"}, {"model", "ERNs18"}, {"size", 32}, {"configs", {"small"}}}});
  const CommandResult r = run_ernsim("regress --suite " + s + " --jobs 1 --junit " + dir_.file("j.xml") + " --report " +
                                     dir_.file("r.json") + " --keep-failing " + dir_.file("kept"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("suite: 1 passed, 1 failed"));
  EXPECT_THAT(r.output, HasSubstr("ernsim run --model zoo:ERNs50 --size 32 --config wide --check-estimate"));
  EXPECT_THAT(r.output, HasSubstr("exceed the engine's"));
  const std::string junit = slurp(dir_.file("j.xml"));
  // The item could not run (a model that does not fit the configuration: exit status 2): JUnit
  // counts it as an error, not as a wrong answer.
  EXPECT_THAT(junit, HasSubstr("failures=\"0\" errors=\"1\""));
  EXPECT_THAT(junit, HasSubstr("<error message=\"exit code 2: ernsim run: error: layer"));
  EXPECT_THAT(junit, HasSubstr("type=\"error\""));
  const nlohmann::json report = nlohmann::json::parse(slurp(dir_.file("r.json")));
  EXPECT_EQ(report["failed"], 1);
  EXPECT_EQ(report["items"][0]["status"], "failed");
  EXPECT_THAT(report["items"][0]["failures"][0]["reproduce"].get<std::string>(), HasSubstr("--config wide"));
  const std::string kept = dir_.file("kept/zoo_wide_ERNs50_32");
  EXPECT_THAT(slurp(kept + "/README.txt"), HasSubstr("reproduce: ernsim run --model zoo:ERNs50"));
  EXPECT_THAT(slurp(kept + "/output.txt"), HasSubstr("exceed the engine's"));
}

TEST_F(RegressRun, AnItemPastItsTimeoutIsKilledAndFailed) {
  const std::string s = suite({{{"kind", "zoo"}, {"model", "ERNs101"}, {"size", 256}, {"configs", {"small"}}}});
  const CommandResult r = run_ernsim("regress --suite " + s + " --timeout 1");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("timed out after 1 s"));
}

// A stream-overflow item passes only when its run fails with exactly the overflow error the golden
// model predicts (count and layer), and fails otherwise, here on a timeout and on a configuration
// whose wider stream does not overflow.
TEST_F(RegressRun, OverflowItemsPassOnlyOnTheirExactError) {
  const std::string s = suite({{{"kind", "stream-overflow"}, {"count", 2}, {"seed", 7}, {"configs", {"small"}}}});
  const CommandResult r = run_ernsim("regress --suite " + s + " --jobs 2 --report " + dir_.file("r.json"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("suite: 2 passed, 0 failed, 0 skipped of 2 items"));
  EXPECT_THAT(slurp(dir_.file("r.json")), HasSubstr("ernsim run --model overflow:8 --seed 8 --config small"));

  const CommandResult slow = run_ernsim("regress --suite " + s + " --timeout 0.001");
  EXPECT_EQ(slow.status, 1) << slow.output;
  EXPECT_THAT(slow.output, HasSubstr("expected exit code 1 with \"image 0: "));
  EXPECT_THAT(slow.output, HasSubstr("(first in layer 3, big)"));
  EXPECT_THAT(slow.output, HasSubstr("; got a timeout"));

  const std::string wide = suite({{{"kind", "stream-overflow"}, {"count", 1}, {"seed", 7}, {"configs", {"wide"}}}});
  const CommandResult w = run_ernsim("regress --suite " + wide);
  EXPECT_EQ(w.status, 1) << w.output;
  EXPECT_THAT(w.output, HasSubstr("predicts no overflow of the 18-bit stream of configuration wide"));
}

TEST_F(RegressRun, UnknownNamesFailWithTheClosestValidName) {
  // These once became silent skips, and the run passed.
  expect_error(
      "regress --suite " + suite({{{"kind", "zoo"}, {"model", "ERNs18"}, {"size", 32}, {"configs", {"smal"}}}}),
      "unknown configuration 'smal' (did you mean 'small'?)");
  expect_error(
      "regress --suite " + suite({{{"kind", "zoo"}, {"model", "ERNs81"}, {"size", 32}, {"configs", {"small"}}}}),
      "unknown zoo model 'ERNs81' (did you mean 'ERNs18'?)");
  expect_error(
      "regress --suite " + suite({{{"kind", "zoo"}, {"model", "ERNs18"}, {"sise", 32}, {"configs", {"small"}}}}),
      "unknown key \"sise\" for a zoo item (did you mean 'size'?)");
  expect_error("regress --configs smal", "--configs: unknown configuration 'smal' (did you mean 'small'?)");
  expect_error("regress --suite smok", "(did you mean 'smoke'?)");
  if (!fixture_path("mini_basic_32_s3").empty()) {
    expect_error(
        "regress --suite " + suite({{{"kind", "fixture"}, {"name", "mini_basic_32_s4"}, {"configs", {"small"}}}}),
        "unknown fixture 'mini_basic_32_s4'");
  }
}

TEST_F(RegressRun, JUnitIsWellFormedWhateverTheItemNames) {
  // A fixture named with a control character: XML 1.0 cannot hold it even as a character
  // reference, so it is written as a visible \xNN.
  const std::string shared = dir_.file("shared");
  std::filesystem::create_directories(shared + "/fixtures/ern");
  const std::string name = "bad\x01name";
  std::ofstream(shared + "/fixtures/ern/" + name + ".onnx") << "not a model";
  const CommandResult r =
      run_ernsim_under("env ERNSIM_SHARED_DIR=" + shared,
                       "regress --suite " + suite({{{"kind", "fixture"}, {"name", name}, {"configs", {"small"}}}}) +
                           " --junit " + dir_.file("j.xml"));
  EXPECT_EQ(r.status, kStatusFailed) << r.output;
  const std::string junit = slurp(dir_.file("j.xml"));
  EXPECT_THAT(junit, HasSubstr("name=\"bad\\x01name\""));
  EXPECT_THAT(junit, HasSubstr("errors=\"1\""));
  // Python's expat parser rejects any XML that is not well-formed.
  const CommandResult parsed = run_ernsim_under(
      "/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1]); print(\"well-formed\")' " +
          dir_.file("j.xml") + " #",
      "");
  EXPECT_THAT(parsed.output, HasSubstr("well-formed"));
}

TEST_F(RegressRun, ARunThatExecutesNothingFails) {
  const std::string s = suite({{{"kind", "zoo"}, {"model", "ERNs18"}, {"size", 32}, {"configs", {"small"}}}});
  expect_error("regress --suite " + s + " --configs wide",
               "suite suite executes nothing: no item of the suite matches");
  // Without ../shared, a suite of fixtures runs nothing: an error, not a pass.
  const CommandResult r = run_ernsim_under(
      "env ERNSIM_SHARED_DIR=" + dir_.file("no-shared"),
      "regress --suite " + suite({{{"kind", "fixture"}, {"name", "mini_basic_32_s3"}, {"configs", {"small"}}}}));
  EXPECT_EQ(r.status, kStatusUsage) << r.output;
  EXPECT_THAT(r.errors, HasSubstr("executes nothing: all 1 items are skipped: " + dir_.file("no-shared") +
                                  "/fixtures/ern holds no fixtures (../shared absent)"));
}

// Cycle baselines: the committed one matches the RTL; a layer moved by one cycle fails, naming the
// item and the layer, unless the file's tolerance covers it.
class RegressBaseline : public RegressRun {
 protected:
  // The committed smoke baseline with one layer of zoo/small/ERNs18@32 moved by `delta` cycles.
  std::string baseline_copy(int64_t delta, double tolerance_percent) {
    nlohmann::json b = nlohmann::json::parse(slurp(std::string(ERNSIM_SOURCE_DIR) + "/tests/baselines/smoke.json"));
    nlohmann::json& layer = b["items"]["zoo/small/ERNs18@32"]["layers"][5];
    layer["cycles"] = layer["cycles"].get<int64_t>() + delta;
    layer_name_ = layer["name"].get<std::string>();
    b["tolerance_percent"] = tolerance_percent;
    const std::string path = dir_.file("baseline.json");
    std::ofstream(path) << b.dump(1);
    return path;
  }
  std::string erns18_suite() {
    return suite({{{"kind", "zoo"}, {"model", "ERNs18"}, {"size", 32}, {"configs", {"small"}}}});
  }
  std::string layer_name_;
};

TEST_F(RegressBaseline, TheCommittedBaselineMatchesTheRtl) {
  const CommandResult r = run_ernsim("regress --suite " + erns18_suite() + " --baseline " + baseline_copy(0, 0));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("cycles: 1 fixture and zoo item(s) match the baseline"));
}

TEST_F(RegressBaseline, OneLayerMovedByOneCycleFailsNamingTheItemAndLayer) {
  const CommandResult r = run_ernsim("regress --suite " + erns18_suite() + " --baseline " + baseline_copy(1, 0) +
                                     " --report " + dir_.file("r.json"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("zoo/small/ERNs18@32"));
  EXPECT_THAT(r.output, HasSubstr("layer 5 (" + layer_name_ + ")"));
  EXPECT_THAT(r.output, HasSubstr("-1 (-"));  // the change: one cycle fewer than the edited baseline
  EXPECT_THAT(r.output, HasSubstr("FAIL"));
  EXPECT_THAT(r.output, HasSubstr("ernsim run --model zoo:ERNs18 --size 32 --config small --check-estimate"));
  const nlohmann::json report = nlohmann::json::parse(slurp(dir_.file("r.json")));
  EXPECT_EQ(report["failed"], 1);
  EXPECT_THAT(report["items"][0]["failures"][0]["what"].get<std::string>(),
              HasSubstr("beyond the baseline's tolerance"));
}

TEST_F(RegressBaseline, AMoveWithinTheToleranceIsShownButPasses) {
  const CommandResult r = run_ernsim("regress --suite " + erns18_suite() + " --baseline " + baseline_copy(1, 1));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("layer 5 (" + layer_name_ + ")"));
  EXPECT_THAT(r.output, Not(HasSubstr("FAIL")));
}

TEST_F(RegressBaseline, UpdateWritesTheCyclesAndANewItemFailsUntilThen) {
  const std::string path = dir_.file("new.json");
  expect_error("regress --suite " + erns18_suite() + " --baseline " + path, "no such file");
  CommandResult r;
  std::ofstream(path) << R"({"tolerance_percent": 0, "items": {}})";
  r = run_ernsim("regress --suite " + erns18_suite() + " --baseline " + path);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("not in the baseline"));
  r = run_ernsim("regress --suite " + erns18_suite() + " --baseline " + path + " --update-baseline");
  EXPECT_EQ(r.status, 0) << r.output;
  const nlohmann::json written = nlohmann::json::parse(slurp(path));
  const nlohmann::json committed =
      nlohmann::json::parse(slurp(std::string(ERNSIM_SOURCE_DIR) + "/tests/baselines/smoke.json"));
  EXPECT_EQ(written["items"]["zoo/small/ERNs18@32"], committed["items"]["zoo/small/ERNs18@32"]);
  r = run_ernsim("regress --suite " + erns18_suite() + " --baseline " + path);
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST_F(RegressBaseline, BadBaselinesAndOptionsAreRefusedBeforeRunning) {
  const std::string bad = dir_.file("bad.json");
  std::ofstream(bad) << R"({"tolerance_percent": -1, "items": {}})";
  expect_error("regress --suite " + erns18_suite() + " --baseline " + bad,
               "\"tolerance_percent\" must be a number from 0 to 100");
  expect_error("regress --suite " + erns18_suite() + " --baseline " + dir_.path(), "not a regular file");
  expect_error("regress --suite " + erns18_suite() + " --update-baseline", "--update-baseline: needs --baseline FILE");
}

// The merge of --slurm, without Slurm: one shard ran, the other left no report.
TEST_F(RegressRun, AMergeFailsTheItemsOfAShardWithoutAReportNamingIt) {
  const std::string s =
      suite({{{"kind", "zoo"}, {"model", "ERNs18-0.75x"}, {"size", 32}, {"configs", {"small"}}},
             {{"kind", "random-layers"}, {"count", 2}, {"batch", 1}, {"seed", 7}, {"configs", {"small"}}}});
  CommandResult r = run_ernsim("regress --suite " + s + " --shard 1/2 --report " + dir_.file("shard-1.json"));
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_ernsim("regress --suite " + s + " --merge-shards " + dir_.path() + " --shards 2 --junit " +
                 dir_.file("merged.xml") + " --report " + dir_.file("summary.json"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("suite: 2 passed, 1 failed"));
  EXPECT_THAT(r.output, HasSubstr("shard 2 of 2: it wrote no report"));
  EXPECT_THAT(r.output, HasSubstr("ernsim regress-layers --count 1 --seed 7 --config small"));
  const nlohmann::json summary = nlohmann::json::parse(slurp(dir_.file("summary.json")));
  EXPECT_EQ(summary["items"].size(), 3u);
  EXPECT_EQ(summary["items"][1]["id"], "random-layers/small/7-7");
  EXPECT_EQ(summary["items"][1]["status"], "failed");
  EXPECT_THAT(slurp(dir_.file("merged.xml")), HasSubstr("tests=\"3\" failures=\"0\" errors=\"1\""));
}

TEST(RegressSlurm, OptionsAreCheckedBeforeAnythingIsSubmitted) {
  const std::string base = "regress --suite smoke --slurm --slurm-dir /nonexistent/x ";
  expect_error(base + "--shards 0", "--shards 0: expected an integer from 1 to 1000");
  expect_error(base + "--shards 100000", "expected an integer from 1 to 1000");
  expect_error(base + "--time 1:99", "--time 1:99: out of range");
  expect_error(base + "--time 'x;rm'", "expected minutes");
  expect_error(base + "--time 0", "expected a positive limit");
  expect_error(base + "--partition 'a b'", "expected a partition name");
  expect_error(base + "--poll 0", "--poll 0: expected a number from 0.2 to 600");
  expect_error(base + "--shard 1/2", "excludes --shard");
  expect_error(base + "--time 2-12:30:00 --partition debug", "--slurm-dir /nonexistent/x");
  expect_error("regress --suite smoke --time 10", "--time: only with --slurm");
  expect_error("regress --suite smoke --shards 2", "--shards: only with --slurm or --merge-shards");
}

}  // namespace
}  // namespace ernsim
