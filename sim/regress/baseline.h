// Cycle baselines of `ernsim regress --baseline FILE`: the total and per-layer RTL cycles of each
// fixture and zoo item, committed (tests/baselines/), so that a change that makes a network slower
// (or faster) shows up as a failure, or in the diff of the commit that updates the file on purpose.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/regress/item.h"

namespace ernsim {

// Whether an item of this kind has its cycles in a baseline (fixtures and zoo models; random items
// change with every seed shift).
bool has_baseline_cycles(const Item& item);

// The baseline in `path`, checked; an absent file is an empty baseline (tolerance 0) when
// `may_be_absent` (for --update-baseline).
nlohmann::json read_baseline(const std::string& path, bool may_be_absent);

// Compares the cycles of the items that passed with the baseline and prints a table of the items
// that moved (before, after, change). Unless `updating`, an item that moved beyond the file's
// tolerance, or that is not in the file, fails with the item's command to reproduce it.
// Returns how many items are beyond the tolerance or new.
int check_baseline(const nlohmann::json& baseline, const std::string& path, std::vector<Item>& items, bool updating);

// The baseline with the cycles of the items that passed: the file's text, one layer a line.
std::string updated_baseline(const nlohmann::json& baseline, const std::vector<Item>& items);

}  // namespace ernsim
