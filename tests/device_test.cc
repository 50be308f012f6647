// FPGA devices (devices/*.json) are checked as strictly as configurations, their budgets are the
// data sheets', and `estimate`, `synth`, `sweep` and `config check` take them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "sim/device.h"
#include "tests/cli_helpers.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

nlohmann::json kv260_json() {
  std::ifstream in(std::string(ERNSIM_SOURCE_DIR) + "/devices/kv260.json");
  return nlohmann::json::parse(in);
}

std::string error_of(const nlohmann::json& j) {
  try {
    device_from_json(j, "d.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Device, BudgetsAreTheDataSheets) {
  const Device kv260 = load_device("kv260");
  EXPECT_EQ(kv260.family, DeviceFamily::kUltraScalePlus);
  EXPECT_EQ(kv260.budget.lut, 117120);
  EXPECT_EQ(kv260.budget.ff, 234240);
  EXPECT_EQ(kv260.budget.bram18, 288);  // 144 RAMB36
  EXPECT_EQ(kv260.budget.uram, 64);
  EXPECT_EQ(kv260.budget.dsp, 1248);
  const Device z7020 = load_device("xc7z020");
  EXPECT_EQ(z7020.family, DeviceFamily::kSeries7);
  EXPECT_EQ(z7020.budget.lut, 53200);
  EXPECT_EQ(z7020.budget.ff, 106400);
  EXPECT_EQ(z7020.budget.bram18, 280);  // 140 RAMB36
  EXPECT_EQ(z7020.budget.uram, 0);
  EXPECT_EQ(z7020.budget.dsp, 220);
  EXPECT_THAT(device_names(), ::testing::IsSupersetOf({"kv260", "xc7z020"}));
}

TEST(Device, SchemaIsStrict) {
  nlohmann::json j = kv260_json();
  EXPECT_EQ(error_of(j), "(accepted)");
  j["resource"] = j["resources"];
  EXPECT_THAT(error_of(j), HasSubstr("unknown key \"resource\" (did you mean 'resources'?)"));
  j = kv260_json();
  j["resources"]["lutt"] = 5;
  EXPECT_THAT(error_of(j), HasSubstr("unknown key \"resources.lutt\" (did you mean 'lut'?)"));
  j = kv260_json();
  j["resources"]["bram18"] = "288";
  EXPECT_THAT(error_of(j), HasSubstr("resources.bram18"));
  j = kv260_json();
  j["resources"]["ff"] = -1;
  EXPECT_THAT(error_of(j), HasSubstr("resources.ff -1: expected an integer from 1 to 10000000"));
  j = kv260_json();
  j["resources"]["dsp"] = 1e12;
  EXPECT_THAT(error_of(j), HasSubstr("resources.dsp"));
  j = kv260_json();
  j["resources"].erase("uram");
  EXPECT_THAT(error_of(j), HasSubstr("resources.uram is missing"));
  j = kv260_json();
  j["family"] = "xcu";
  EXPECT_THAT(error_of(j), HasSubstr("family \"xcu\" is not one of xc7 (7-series), xcup (UltraScale+)"));
  j = kv260_json();
  j["family"] = "xc7";  // 7-series has no UltraRAM
  EXPECT_THAT(error_of(j), HasSubstr("resources.uram = 64 but family xc7 (7-series) has no UltraRAM"));
  j = kv260_json();
  j.erase("part");
  EXPECT_THAT(error_of(j), HasSubstr("needs a string \"part\""));
  EXPECT_THROW(load_device("kv26"), Error);
  try {
    load_device("kv26");
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("unknown device 'kv26' (did you mean 'kv260'?)"));
  }
}

TEST(Device, UseCountsAndPercentagesSayWhatIsOver) {
  const Device z7020 = load_device("xc7z020");
  Resources used;
  used.lut = 26600;
  used.ff = 1000;
  used.bram18 = 281;
  const std::vector<ResourceUse> use = device_use(used, z7020);
  ASSERT_EQ(use.size(), 5u);
  EXPECT_EQ(use[0].resource, "LUT");
  EXPECT_DOUBLE_EQ(use[0].percent(), 50.0);
  EXPECT_TRUE(use[0].fits());
  EXPECT_FALSE(use[2].fits());  // 281 of 280 BRAM18
  EXPECT_FALSE(fits(use));
  const std::string table = device_use_table(use, z7020, "a note");
  EXPECT_THAT(table, HasSubstr("does NOT fit xc7z020: BRAM18 over the device"));
  EXPECT_THAT(table, HasSubstr("50.0%"));
  EXPECT_THAT(table, HasSubstr("(a note)\n"));
  EXPECT_THAT(device_use_table(use, z7020), ::testing::EndsWith("BRAM18 over the device\n"));
  used.bram18 = 280;
  EXPECT_TRUE(fits(device_use(used, z7020)));
  used.uram = 1;  // no URAM on a Zynq-7020
  EXPECT_FALSE(fits(device_use(used, z7020)));
}

TEST(DeviceCli, EstimateSaysWhetherTheConfigurationFits) {
  TempDir dir;
  const CommandResult small = run_ernsim(
      "estimate --model zoo:ERNs18 --size 64 --quiet --config small --device kv260 --report " + dir.file("r.json"));
  ASSERT_EQ(small.status, 0) << small.output;
  EXPECT_THAT(small.output, HasSubstr("on device kv260 (XCK26, xcup)"));
  EXPECT_THAT(small.output, HasSubstr("fits kv260"));
  EXPECT_THAT(small.output, HasSubstr("the 7-series fit scaled by each module's UltraScale+ ratio"));
  const nlohmann::json j = nlohmann::json::parse(slurp(dir.file("r.json")));
  EXPECT_EQ(j["device"]["fits"], true);
  EXPECT_EQ(j["device"]["resources"].size(), 5u);
  EXPECT_EQ(j["device"]["resources"][0]["used"], j["lut"]);
  // `default` needs far more block RAM than a Zynq-7020 has: exit status 1, as a failed check.
  const CommandResult big =
      run_ernsim("estimate --model zoo:ERNs18 --size 64 --quiet --config default --device xc7z020");
  EXPECT_EQ(big.status, 1) << big.output;
  EXPECT_THAT(big.output, HasSubstr("does NOT fit xc7z020"));
  EXPECT_THAT(big.output, HasSubstr("BRAM18"));
  expect_error("estimate --model zoo:ERNs18 --size 64 --device kv26", "unknown device 'kv26' (did you mean 'kv260'?)");
}

TEST(DeviceCli, ConfigCheckValidatesDevices) {
  TempDir dir;
  const CommandResult ok = run_ernsim("config check --device kv260");
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_THAT(ok.output, HasSubstr("valid device 'kv260' (XCK26, family xcup)"));
  nlohmann::json j = kv260_json();
  j["resources"]["uramm"] = 1;
  std::ofstream(dir.file("bad.json")) << j.dump();
  expect_error("config check " + dir.file("bad.json"), "unknown key \"resources.uramm\" (did you mean 'uram'?)");
  const CommandResult file = run_ernsim("config check " + std::string(ERNSIM_SOURCE_DIR) + "/devices/xc7z020.json");
  EXPECT_EQ(file.status, 0) << file.output;
  EXPECT_THAT(file.output, HasSubstr("valid device 'xc7z020'"));
}

}  // namespace
}  // namespace ernsim
