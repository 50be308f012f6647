// What a regression run says at its end: counts, a table by kind and configuration, the skips with
// their reasons and every failure with its command; and the items as its JSON report lists them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/regress/item.h"

namespace ernsim {

struct ItemCounts {
  int passed = 0, failed = 0, skipped = 0;
};
ItemCounts count_items(const std::vector<Item>& items);

// Items, cases (random layers count one each), passed, failed, skipped and CPU time by kind and
// configuration, one line each under a header.
std::string summary_table(const std::vector<Item>& items);

// "skipped N item(s): REASON" per reason, then the failures, each with its command to reproduce it.
std::string skips_and_failures(const std::vector<Item>& items);

// The report's "items": id, kind, configuration, command, status, seconds, cases, skip reason and
// failures of each; the cycles of those a baseline keeps.
nlohmann::json items_json(const std::vector<Item>& items);

}  // namespace ernsim
