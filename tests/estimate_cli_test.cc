// `ernsim estimate`, `ernsim sweep` and `ernsim synth` as users call them: the report's promised
// keys and their consistency, the estimate equal to the RTL run of the same program, and a sweep
// whose CSV and plot cover every point.
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

TEST(EstimateCli, ReportHasThePromisedKeysAndTheyAgree) {
  TempDir dir;
  const CommandResult r = run_ernsim("estimate --model zoo:ERNs101 --clock-mhz 250 --report " + dir.file("r.json"));
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
  // The default configuration's 64 output channels lie beyond the calibration's 8 to 32.
  EXPECT_THAT(j["resource_extrapolation"].get<std::string>(), HasSubstr("(calibrated "));
  EXPECT_THAT(r.output, HasSubstr("the logic estimate extrapolates the resource model's calibration: "));
}

TEST(EstimateCli, SaysNothingOfExtrapolationInsideTheCalibration) {
  TempDir dir;
  const CommandResult r = run_ernsim("estimate --size 32 --config " + std::string(ERNSIM_CONFIG_DIR) +
                                     "/calibration/cal-b.json --report " + dir.file("r.json"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(slurp(dir.file("r.json")))["resource_extrapolation"], "");
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("extrapolates")));
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
                                     "--csv " +
                                     dir.file("s.csv") + " --svg " + dir.file("s.svg"));
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

struct SvgBox {
  double x, y, w, h;
};

// The label boxes (class "label-box") and extrapolation rings (class "extrapolated", centres) of a
// sweep plot.
std::vector<SvgBox> svg_label_boxes(const std::string& svg) {
  std::vector<SvgBox> boxes;
  const std::regex rect(
      R"re(<rect class="label-box" x="([-0-9.]+)" y="([-0-9.]+)" width="([0-9.]+)" height="([0-9.]+)")re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), rect), end; it != end; ++it) {
    boxes.push_back({std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3]), std::stod((*it)[4])});
  }
  return boxes;
}

// A dense sweep: many Pareto points close together, several beyond the calibration (PePix 16,
// 64 x 8 PEs), on the KV260's budget.
TEST(SweepCli, LabelsNeverOverlapAndExtrapolatedPointsAreMarked) {
  TempDir dir;
  const CommandResult r = run_ernsim("sweep --model zoo:ERNs18 --size 64 --pe-out 8,16,32,64 --pe-pix 1,2,4,8,16 "
                                     "--bandwidth 8,16,32,64 --device kv260 --quiet --csv " +
                                     dir.file("s.csv") + " --svg " + dir.file("s.svg"));
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string svg = slurp(dir.file("s.svg"));
  const std::vector<SvgBox> boxes = svg_label_boxes(svg);
  ASSERT_GE(boxes.size(), 5u) << "the Pareto front is labelled";
  for (size_t i = 0; i < boxes.size(); ++i) {
    for (size_t k = i + 1; k < boxes.size(); ++k) {
      const SvgBox& a = boxes[i];
      const SvgBox& b = boxes[k];
      const bool overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      EXPECT_FALSE(overlap) << "labels " << i << " and " << k << " overlap";
    }
  }
  // Every point whose resource estimate extrapolates is ringed, and only those.
  std::istringstream csv(slurp(dir.file("s.csv")));
  std::string header;
  std::getline(csv, header);
  ASSERT_THAT(header, HasSubstr("extrapolated,fits_device"));
  int extrapolated = 0, fits_device = 0, over_device = 0;
  for (std::string line; std::getline(csv, line);) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string v; std::getline(fields, v, ',');) f.push_back(v);
    ASSERT_GE(f.size(), 17u) << line;
    if (f[4] != "1") continue;  // the model does not fit the configuration: not plotted
    extrapolated += f[15] == "1";
    fits_device += f[16] == "1";
    over_device += f[16] == "0";
    if (f[0] == "64" && f[1] == "16") EXPECT_EQ(f[15], "1") << "1,024 PEs are far beyond the calibration";
    if (f[0] == "16" && f[1] == "2") EXPECT_EQ(f[15], "0") << "32 PEs are within the calibration";
  }
  EXPECT_GT(extrapolated, 0);
  const std::regex ring(R"(<circle class="extrapolated")");
  EXPECT_EQ(std::distance(std::sregex_iterator(svg.begin(), svg.end(), ring), std::sregex_iterator()), extrapolated);
  EXPECT_THAT(svg, HasSubstr("LUTs extrapolated"));  // the legend
  // The device: its budget drawn, the configurations over it faded, both kinds present here.
  EXPECT_GT(fits_device, 0);
  EXPECT_GT(over_device, 0);
  EXPECT_THAT(svg, HasSubstr("class=\"device-budget\""));
  const std::regex faded(R"(class="over-device")");
  EXPECT_EQ(std::distance(std::sregex_iterator(svg.begin(), svg.end(), faded), std::sregex_iterator()), over_device);
}

TEST(SynthCli, RejectsABadConfigurationBeforeRunningYosys) {
  expect_error("synth --config nosuch", "unknown hardware configuration 'nosuch'");
}

}  // namespace
}  // namespace ernsim
