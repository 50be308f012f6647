// `ernsim estimate`, `ernsim sweep` and `ernsim synth` as users call them: the report's promised
// keys and their consistency, the estimate equal to the RTL run of the same program, and a sweep
// whose CSV and plot cover every point.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli_helpers.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

TEST(EstimateCli, ReportHasThePromisedKeysAndTheyAgree) {
  TempDir dir;
  const CommandResult r =
      run_ernsim("estimate --model zoo:ERNs101 --clock-mhz 250 --report " + dir.file("r.json"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = nlohmann::json::parse(slurp(dir.file("r.json")));
  for (const char* key : {"total_cycles", "fps", "lut", "ff", "bram18", "dsp", "layers", "latency_ms", "resources"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  const double cycles = j["total_cycles"].get<double>();
  EXPECT_NEAR(j["fps"].get<double>(), 250e6 / cycles, 1e-6 * j["fps"].get<double>());
  EXPECT_EQ(j["dsp"].get<double>(), 0);
  EXPECT_GT(j["lut"].get<double>(), 10000);
  EXPECT_GT(j["bram18"].get<double>(), 0);
  ASSERT_EQ(j["layers"].size(), 109u);  // ERNs101: the embedding and 108 convolutions (`ernsim zoo`)
  double layer_cycles = 0;
  for (const auto& l : j["layers"]) {
    EXPECT_FALSE(l["name"].get<std::string>().empty());
    layer_cycles += l["cycles"].get<double>();
  }
  // Layers overlap in the job pipeline, so their cycles add up to about the total, never far above.
  EXPECT_LE(layer_cycles, cycles * 1.05);
  EXPECT_GE(layer_cycles, cycles * 0.5);
  EXPECT_THAT(r.output, HasSubstr("FPS"));
}

TEST(EstimateCli, EqualsTheRtlRunOfTheSameProgram) {
  TempDir dir;
  const std::string args = " --model random:21 --config small --max-rows 2 --mem-bytes-per-cycle 8 --mem-latency 40";
  const CommandResult run = run_ernsim("run" + args + " --report " + dir.file("run.json"));
  ASSERT_EQ(run.status, 0) << run.output;
  const CommandResult est = run_ernsim("estimate" + args + " --report " + dir.file("est.json"));
  ASSERT_EQ(est.status, 0) << est.output;
  const nlohmann::json rtl = nlohmann::json::parse(slurp(dir.file("run.json")));
  const nlohmann::json e = nlohmann::json::parse(slurp(dir.file("est.json")));
  EXPECT_NEAR(e["total_cycles"].get<double>(), rtl["total_cycles"].get<double>(),
              0.005 * rtl["total_cycles"].get<double>());
  ASSERT_EQ(e["layers"].size(), rtl["layers"].size());
  for (size_t i = 0; i < rtl["layers"].size(); ++i) {
    EXPECT_NEAR(e["layers"][i]["cycles"].get<double>(), rtl["layers"][i]["cycles"].get<double>(),
                0.01 * rtl["layers"][i]["cycles"].get<double>())
        << rtl["layers"][i]["name"];
  }
}

TEST(SweepCli, WritesEveryPointAndAPlot) {
  TempDir dir;
  const CommandResult r = run_ernsim("sweep --model zoo:ERNs18 --size 64 --pe-out 8,32 --pe-pix 1,2 --bandwidth 16,64 "
                                     "--csv " + dir.file("s.csv") + " --svg " + dir.file("s.svg"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::istringstream csv(slurp(dir.file("s.csv")));
  std::string header;
  std::getline(csv, header);
  EXPECT_THAT(header, HasSubstr("fps"));
  EXPECT_THAT(header, HasSubstr("lut"));
  std::vector<std::string> rows;
  for (std::string line; std::getline(csv, line);) rows.push_back(line);
  EXPECT_EQ(rows.size(), 8u);
  const std::string svg = slurp(dir.file("s.svg"));
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("</svg>"));
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n') > 10, true);
}

TEST(SynthCli, RejectsABadConfigurationBeforeRunningYosys) {
  expect_error("synth --config nosuch", "unknown hardware configuration 'nosuch'");
}

}  // namespace
}  // namespace ernsim
