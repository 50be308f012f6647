// Hardware configurations are checked strictly (unknown keys, types, ranges; the closest valid key
// suggested), `ernsim config check` validates one, and `run` finds the compiled RTL by parameters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "models/closest_name.h"
#include "models/error.h"
#include "sim/hw_config.h"
#include "tests/cli_helpers.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

nlohmann::json small_config() {
  std::ifstream in(std::string(ERNSIM_SOURCE_DIR) + "/configs/small.json");
  return nlohmann::json::parse(in);
}

std::string error_of(const nlohmann::json& j) {
  try {
    hw_config_from_json(j, "c.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ClosestName, SuggestsOnlyLikelyTypos) {
  EXPECT_EQ(closest_name("smal", {"default", "small", "wide"}), "small");
  EXPECT_EQ(closest_name("BYTES_PER_CYLE", {"bytes_per_cycle", "latency_cycles"}), "bytes_per_cycle");
  EXPECT_EQ(closest_name("frobnicate", {"default", "small", "wide"}), "");
  EXPECT_EQ(did_you_mean("wid", {"wide"}), " (did you mean 'wide'?)");
  EXPECT_EQ(did_you_mean("x", {}), "");
}

TEST(ConfigSchema, UnknownKeysAreErrorsWithTheClosestValidKey) {
  nlohmann::json c = small_config();
  c["memory"]["bytes_per_cyle"] = 64;  // the misspelling once silently meant the default
  EXPECT_THAT(error_of(c),
              HasSubstr("c.json: unknown key \"memory.bytes_per_cyle\" (did you mean 'bytes_per_cycle'?)"));
  c = small_config();
  c["rtl"]["PeOuts"] = 16;
  EXPECT_THAT(error_of(c), HasSubstr("unknown key \"rtl.PeOuts\" (did you mean 'PeOut'?)"));
  c = small_config();
  c["memroy"] = c["memory"];
  EXPECT_THAT(error_of(c), HasSubstr("unknown key \"memroy\" (did you mean 'memory'?)"));
  c = small_config();
  c["description"] = 7;
  EXPECT_THAT(error_of(c), HasSubstr("\"description\" must be a string"));
  c = small_config();
  c["rtl"]["MaxReads"] = 65;
  EXPECT_THAT(error_of(c), HasSubstr("rtl.MaxReads = 65 is outside 1..64"));
  EXPECT_EQ(error_of(small_config()), "(accepted)");
}

TEST(ConfigCheck, ValidatesAFileAndSaysWhetherItsRtlIsCompiled) {
  TempDir dir;
  CommandResult r = run_ernsim("config check small");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("valid configuration 'small'"));
  EXPECT_THAT(r.output, HasSubstr("compiled in as 'small'"));
  nlohmann::json c = small_config();
  c["rtl"]["PeOut"] = 32;
  std::ofstream(dir.file("big.json")) << c.dump();
  r = run_ernsim("config check " + dir.file("big.json"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("RTL: not compiled in"));
  c["memory"]["latency"] = 3;
  std::ofstream(dir.file("typo.json")) << c.dump();
  expect_error("config check " + dir.file("typo.json"),
               "unknown key \"memory.latency\" (did you mean 'latency_cycles'?)");
  expect_error("config check", "which configuration?");
  expect_error("config verify small", "expected `ernsim config check FILE`");
  expect_error("config check small extra", "too many positional options");
}

TEST(ConfigCheck, CompiledRtlIsFoundByItsParametersNotItsName) {
  TempDir dir;
  // Another name, the parameters of small: runs on small's RTL.
  nlohmann::json c = small_config();
  c["name"] = "my-accelerator";
  std::ofstream(dir.file("mine.json")) << c.dump();
  const CommandResult r = run_ernsim("run --model zoo:ERNs18-0.75x --size 32 --config " + dir.file("mine.json"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASSED"));
  // The name of a compiled configuration with other parameters: refused with the difference.
  c = small_config();
  c["rtl"]["MemBytes"] = 64;
  std::ofstream(dir.file("small.json")) << c.dump();
  expect_error("run --model zoo:ERNs18-0.75x --size 32 --config " + dir.file("small.json"),
               "configuration small: no RTL compiled into this ernsim has its parameters (closest: small, where "
               "MemBytes = 32 there, 64 here)");
}

}  // namespace
}  // namespace ernsim
