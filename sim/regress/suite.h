// A regression suite (tests/suites/NAME.json) as the items `ernsim regress` runs: fixtures, zoo
// models, batches of random layers, random whole networks and networks whose run must fail with a
// stream overflow, each on its configurations, each item one ernsim command.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/regress/item.h"

namespace ernsim {

// What the command line changes of a suite.
struct SuiteOverrides {
  int count = 0;  // 0: the suite's counts
  uint64_t seed_shift = 0;
  std::vector<std::string> configs;  // empty: every configuration
};

// A configuration name in a suite or --configs: a name in configs/ (compiled in or not), else an error
// with the closest valid name. (One that exists but is not compiled in is a visible skip.)
void check_config_name(const std::string& config, const std::string& where);

// The items of `suite` (read from `path`, named in errors); fixtures are looked up in `fixture_dir`
// (a visible skip when it holds none). Fails naming the item, key or name that is wrong, with the
// closest valid one.
std::vector<Item> expand_suite(const nlohmann::json& suite, const std::string& path, const SuiteOverrides& overrides,
                               const std::string& fixture_dir);

}  // namespace ernsim
