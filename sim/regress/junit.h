// The JUnit XML of a regression run, for CI.
#pragma once

#include <string>
#include <vector>

#include "sim/regress/item.h"

namespace ernsim {

// One <testsuite> named `run_name` (a shard's is SUITE.shardIofN, so that merged shards stay apart);
// test cases are classed by suite, kind and configuration (smoke.random-layers.small). JUnit's
// failures are wrong answers (mismatch, timeout), its errors items that could not answer (crash,
// error); each carries its commands to reproduce and the end of its output.
std::string junit_xml(const std::string& suite_name, const std::string& run_name, const std::vector<Item>& items,
                      double seconds);

}  // namespace ernsim
