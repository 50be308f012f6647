#include "sim/regress/summary.h"

#include <fmt/core.h>

#include <map>

#include "sim/regress/baseline.h"

namespace ernsim {

ItemCounts count_items(const std::vector<Item>& items) {
  ItemCounts c;
  for (const Item& i : items) {
    c.passed += i.status == Status::kPassed;
    c.failed += i.status == Status::kFailed;
    c.skipped += i.status == Status::kSkipped;
  }
  return c;
}

std::string summary_table(const std::vector<Item>& items) {
  std::string text;
  struct Row {
    int items = 0, passed = 0, failed = 0, skipped = 0, cases = 0;
    double seconds = 0;
  };
  std::map<std::pair<std::string, std::string>, Row> rows;
  for (const Item& i : items) {
    Row& row = rows[{i.kind, i.config}];
    ++row.items;
    row.passed += i.status == Status::kPassed;
    row.failed += i.status == Status::kFailed;
    row.skipped += i.status == Status::kSkipped;
    row.cases += i.kind == "random-layers" ? i.count : 1;
    row.seconds += i.seconds;
  }
  text += fmt::format("\n{:<16} {:<9} {:>6} {:>6} {:>7} {:>6} {:>6} {:>10}\n", "kind", "config", "items", "cases",
                      "passed", "failed", "skip", "cpu time");
  for (const auto& [key, row] : rows) {
    text += fmt::format("{:<16} {:<9} {:>6} {:>6} {:>7} {:>6} {:>6} {:>9.1f}s\n", key.first, key.second, row.items,
                        row.cases, row.passed, row.failed, row.skipped, row.seconds);
  }
  return text;
}

std::string skips_and_failures(const std::vector<Item>& items) {
  std::string text;
  std::map<std::string, int> skip_reasons;
  for (const Item& i : items) {
    if (i.status == Status::kSkipped) ++skip_reasons[i.skip_reason];
  }
  for (const auto& [reason, n] : skip_reasons) text += fmt::format("skipped {} item(s): {}\n", n, reason);
  if (count_items(items).failed) {
    text += fmt::format("\nfailures, each with the command that reproduces it:\n");
    for (const Item& i : items) {
      for (const Failure& f : i.failures) text += fmt::format("  {}: {}\n    {}\n", i.id, f.what, f.repro);
    }
  }
  return text;
}

nlohmann::json items_json(const std::vector<Item>& items) {
  nlohmann::json items_list = nlohmann::json::array();
  for (const Item& i : items) {
    nlohmann::json fj = nlohmann::json::array();
    for (const Failure& f : i.failures) {
      fj.push_back({{"kind", failure_kind_name(f.kind)}, {"what", f.what}, {"reproduce", f.repro}});
    }
    items_list.push_back({{"id", i.id},
                          {"kind", i.kind},
                          {"config", i.config},
                          {"command", command_line(i.args)},
                          {"status", status_name(i.status)},
                          {"seconds", i.seconds},
                          {"cases", i.kind == "random-layers" ? i.count : 1},
                          {"skip_reason", i.skip_reason},
                          {"failures", fj}});
    if (has_baseline_cycles(i) && i.status == Status::kPassed) {
      nlohmann::json layers = nlohmann::json::array();
      for (const LayerCycles& l : i.layer_cycles)
        layers.push_back({{"index", l.index}, {"name", l.name}, {"cycles", l.cycles}});
      items_list.back()["total_cycles"] = i.total_cycles;
      items_list.back()["layers"] = layers;
    }
  }
  return items_list;
}

}  // namespace ernsim
