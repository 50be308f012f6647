#include "sim/regress/baseline.h"

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "models/error.h"
#include "models/input_file.h"

namespace ernsim {

namespace {

constexpr uintmax_t kMaxBaselineBytes = uintmax_t{16} << 20;

struct BaselineItem {
  uint64_t total_cycles = 0;
  std::vector<LayerCycles> layers;
};

uint64_t cycles_field(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j.at(key).is_number_unsigned()) fail("{}: \"{}\" must be a cycle count", where, key);
  return j.at(key).get<uint64_t>();
}

std::map<std::string, BaselineItem> baseline_items(const nlohmann::json& baseline, const std::string& path) {
  std::map<std::string, BaselineItem> items;
  for (const auto& [id, entry] : baseline.at("items").items()) {
    const std::string where = fmt::format("{}: item {}", path, id);
    if (!entry.is_object() || !entry.contains("layers") || !entry.at("layers").is_array()) {
      fail("{}: expected {{\"total_cycles\": N, \"layers\": [...]}}", where);
    }
    BaselineItem item;
    item.total_cycles = cycles_field(entry, "total_cycles", where);
    for (const nlohmann::json& l : entry.at("layers")) {
      if (!l.is_object() || !l.contains("index") || !l.at("index").is_number_unsigned() || !l.contains("name") ||
          !l.at("name").is_string()) {
        fail("{}: a layer needs \"index\", \"name\" and \"cycles\"", where);
      }
      item.layers.push_back(
          {l.at("index").get<int>(), l.at("name").get<std::string>(), cycles_field(l, "cycles", where)});
    }
    items[id] = std::move(item);
  }
  return items;
}

std::string change_text(uint64_t before, uint64_t after) {
  const double delta = static_cast<double>(after) - static_cast<double>(before);
  return before ? fmt::format("{:+.0f} ({:+.2f}%)", delta, 100.0 * delta / static_cast<double>(before))
                : fmt::format("{:+.0f}", delta);
}

bool beyond(uint64_t before, uint64_t after, double tolerance_percent) {
  const double delta = std::fabs(static_cast<double>(after) - static_cast<double>(before));
  return delta > tolerance_percent / 100.0 * static_cast<double>(before);
}

}  // namespace

bool has_baseline_cycles(const Item& item) { return item.kind == "fixture" || item.kind == "zoo"; }

nlohmann::json read_baseline(const std::string& path, bool may_be_absent) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) {
    if (may_be_absent) return {{"tolerance_percent", 0}, {"items", nlohmann::json::object()}};
    fail("--baseline {}: no such file (--update-baseline creates it)", path);
  }
  nlohmann::json baseline;
  try {
    baseline = nlohmann::json::parse(read_text_file(path, "--baseline", kMaxBaselineBytes));
  } catch (const nlohmann::json::exception& e) {
    fail("--baseline {}: not valid JSON ({})", path, e.what());
  }
  if (!baseline.is_object() || !baseline.contains("items") || !baseline.at("items").is_object()) {
    fail("--baseline {}: expected an object with \"tolerance_percent\" and \"items\"", path);
  }
  if (!baseline.contains("tolerance_percent") || !baseline.at("tolerance_percent").is_number() ||
      !(baseline.at("tolerance_percent").get<double>() >= 0) || baseline.at("tolerance_percent").get<double>() > 100) {
    fail("--baseline {}: \"tolerance_percent\" must be a number from 0 to 100", path);
  }
  baseline_items(baseline, path);  // checks every entry now, before a long run
  return baseline;
}

int check_baseline(const nlohmann::json& baseline, const std::string& path, std::vector<Item>& items, bool updating) {
  const double tolerance = baseline.at("tolerance_percent").get<double>();
  const std::map<std::string, BaselineItem> known = baseline_items(baseline, path);
  struct Row {
    std::string item, what, before, after, change;
    bool beyond;
  };
  std::vector<Row> rows;
  int compared = 0, failing = 0;
  for (Item& item : items) {
    if (!has_baseline_cycles(item) || item.status != Status::kPassed) continue;
    ++compared;
    std::vector<std::string> reasons;
    const auto found = known.find(item.id);
    if (found == known.end()) {
      rows.push_back({item.id, "(new item)", "-", fmt::format("{}", item.total_cycles), "", true});
      reasons.push_back("not in the baseline");
    } else {
      const BaselineItem& before = found->second;
      const bool same_layers =
          before.layers.size() == item.layer_cycles.size() &&
          std::equal(before.layers.begin(), before.layers.end(), item.layer_cycles.begin(),
                     [](const LayerCycles& a, const LayerCycles& b) { return a.index == b.index && a.name == b.name; });
      if (!same_layers) {
        rows.push_back({item.id, "(layers)", fmt::format("{} layers", before.layers.size()),
                        fmt::format("{} layers", item.layer_cycles.size()), "", true});
        reasons.push_back(fmt::format("its layers changed ({} in the baseline, {} now)", before.layers.size(),
                                      item.layer_cycles.size()));
      } else {
        for (size_t l = 0; l < before.layers.size(); ++l) {
          const uint64_t b = before.layers[l].cycles, a = item.layer_cycles[l].cycles;
          if (a == b) continue;
          const std::string layer = fmt::format("layer {} ({})", before.layers[l].index, before.layers[l].name);
          rows.push_back(
              {item.id, layer, fmt::format("{}", b), fmt::format("{}", a), change_text(b, a), beyond(b, a, tolerance)});
          if (rows.back().beyond) reasons.push_back(fmt::format("{} {} -> {} cycles", layer, b, a));
        }
      }
      if (before.total_cycles != item.total_cycles) {
        rows.push_back({item.id, "total", fmt::format("{}", before.total_cycles), fmt::format("{}", item.total_cycles),
                        change_text(before.total_cycles, item.total_cycles),
                        beyond(before.total_cycles, item.total_cycles, tolerance)});
        if (rows.back().beyond) {
          reasons.push_back(fmt::format("total {} -> {} cycles", before.total_cycles, item.total_cycles));
        }
      }
    }
    if (reasons.empty() || updating) continue;
    ++failing;
    std::string what = fmt::format("cycles moved beyond the baseline's tolerance of {:g}%: ", tolerance);
    for (size_t r = 0; r < reasons.size(); ++r) what += (r ? "; " : "") + reasons[r];
    item.status = Status::kFailed;
    item.failures.push_back({FailureKind::kMismatch, what, command_line(item.args), item.args, 0});
  }
  if (rows.empty()) {
    fmt::print("\ncycles: {} fixture and zoo item(s) match the baseline {} (tolerance {:g}%)\n", compared, path,
               tolerance);
    return 0;
  }
  fmt::print("\ncycles against the baseline {} (tolerance {:g}%): {} change(s), {} item(s) {}\n", path, tolerance,
             rows.size(), failing, updating ? "failing before this update" : "beyond the tolerance or new");
  fmt::print("{:<36} {:<34} {:>12} {:>12} {:>18}\n", "item", "layer", "before", "after", "change");
  for (const Row& r : rows) {
    fmt::print("{:<36} {:<34} {:>12} {:>12} {:>18}{}\n", r.item, r.what, r.before, r.after, r.change,
               r.beyond && !updating ? "  FAIL" : "");
  }
  return failing;
}

std::string updated_baseline(const nlohmann::json& baseline, const std::vector<Item>& items) {
  std::map<std::string, std::string> entries;  // id -> its text
  auto entry_text = [](uint64_t total, const std::vector<LayerCycles>& layers) {
    std::string text = fmt::format("{{\"total_cycles\": {}, \"layers\": [", total);
    for (size_t l = 0; l < layers.size(); ++l) {
      text += fmt::format("{}\n      {{\"index\": {}, \"name\": {}, \"cycles\": {}}}", l ? "," : "", layers[l].index,
                          nlohmann::json(layers[l].name).dump(), layers[l].cycles);
    }
    return text + "]}";
  };
  for (const auto& [id, entry] : baseline_items(baseline, "baseline"))
    entries[id] = entry_text(entry.total_cycles, entry.layers);
  for (const Item& item : items) {
    if (has_baseline_cycles(item) && item.status == Status::kPassed) {
      entries[item.id] = entry_text(item.total_cycles, item.layer_cycles);
    }
  }
  const std::string description = baseline.value(
      "description", std::string("RTL cycles of the fixtures and zoo items of a regression suite (ernsim regress "
                                 "--baseline); rewritten by --update-baseline."));
  std::string text = fmt::format("{{\n  \"description\": {},\n  \"tolerance_percent\": {},\n  \"items\": {{",
                                 nlohmann::json(description).dump(), baseline.at("tolerance_percent").dump());
  bool first = true;
  for (const auto& [id, entry] : entries) {
    text += fmt::format("{}\n    {}: {}", first ? "" : ",", nlohmann::json(id).dump(), entry);
    first = false;
  }
  return text + "\n  }\n}\n";
}

}  // namespace ernsim
