#include "sim/regress/suite.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "models/checked_number.h"
#include "models/closest_name.h"
#include "models/error.h"
#include "models/zoo.h"
#include "sim/hw_config.h"
#include "sim/input_ranges.h"
#include "sim/testbench/sc_testbench.h"

namespace ernsim {

namespace {

template <typename T>
T field(const nlohmann::json& j, const char* key, const T& fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("{}: \"{}\" has the wrong type", where, key);
  }
}

std::vector<std::string> string_list(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto list = field<std::vector<std::string>>(j, key, {}, where);
  if (list.empty()) fail("{}: \"{}\" must be a non-empty list", where, key);
  return list;
}

// A random whole network's run: the network, configuration, tiling and memory all follow from its seed.
std::vector<std::string> random_network_args(uint64_t seed, const std::vector<std::string>& configs,
                                             std::string& config) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 17);
  config = configs[rng() % configs.size()];
  const int rows[] = {0, 1, 2, 3, 4, 8};
  const double bandwidths[] = {4, 8, 16, 32, 64, 128};
  const uint32_t latencies[] = {1, 8, 30, 100, 250};
  return {"run",
          "--model",
          fmt::format("random:{}", seed),
          "--seed",
          fmt::format("{}", seed),
          "--config",
          config,
          "--max-rows",
          fmt::format("{}", rows[rng() % 6]),
          "--mem-bytes-per-cycle",
          fmt::format("{}", bandwidths[rng() % 6]),
          "--mem-latency",
          fmt::format("{}", latencies[rng() % 5]),
          "--check-estimate"};
}

std::vector<std::string> suite_configs(const nlohmann::json& entry, const std::string& where) {
  const std::vector<std::string> configs = string_list(entry, "configs", where);
  for (const std::string& c : configs) check_config_name(c, where);
  return configs;
}

// The keys each kind of item takes: a misspelt key would otherwise silently mean its default.
void check_item_keys(const nlohmann::json& entry, const std::string& kind, const std::string& where) {
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"fixture", {"kind", "name", "configs"}},
      {"zoo", {"kind", "model", "size", "configs"}},
      {"random-layers", {"kind", "count", "batch", "seed", "configs"}},
      {"random-networks", {"kind", "count", "seed", "configs"}},
      {"stream-overflow", {"kind", "count", "seed", "configs"}},
  };
  const auto it = kKeys.find(kind);
  if (it == kKeys.end()) return;  // the unknown kind is reported by the caller
  for (const auto& [key, value] : entry.items()) {
    if (std::find(it->second.begin(), it->second.end(), key) == it->second.end()) {
      fail("{}: unknown key \"{}\" for a {} item{}", where, key, kind, did_you_mean(key, it->second));
    }
  }
}

// The fixtures in ../shared, when it is there.
std::vector<std::string> fixture_names(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = e.path().filename().string();
    if (file.size() > 5 && file.compare(file.size() - 5, 5, ".onnx") == 0)
      names.push_back(file.substr(0, file.size() - 5));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A random item's count: --count, else its "count" field.
int item_count(const nlohmann::json& entry, const SuiteOverrides& o, const std::string& where) {
  if (o.count) return o.count;
  if (!entry.contains("count")) fail("{}: a random item needs a \"count\"", where);
  return static_cast<int>(json_uint(entry["count"], where + ": \"count\"", kCountRange.lo, kCountRange.hi));
}

// A random item's first seed: its "seed" (default 1) shifted by --seed; its last seed must not wrap.
uint64_t item_seed(const nlohmann::json& entry, const SuiteOverrides& o, int count, const std::string& where) {
  const uint64_t seed =
      entry.contains("seed") ? json_uint(entry["seed"], where + ": \"seed\"", kSeedRange.lo, kSeedRange.hi) : 1;
  if (seed > UINT64_MAX - o.seed_shift || seed + o.seed_shift > UINT64_MAX - static_cast<uint64_t>(count)) {
    fail("{}: seed {} shifted by --seed {} with {} items passes 2^64 - 1", where, seed, o.seed_shift, count);
  }
  return seed + o.seed_shift;
}

bool config_selected(const SuiteOverrides& o, const std::string& config) {
  return o.configs.empty() || std::find(o.configs.begin(), o.configs.end(), config) != o.configs.end();
}

}  // namespace

void check_config_name(const std::string& config, const std::string& where) {
  const std::vector<std::string> names = hw_config_names();
  if (std::find(names.begin(), names.end(), config) == names.end()) {
    fail("{}: unknown configuration '{}'{}", where, config, did_you_mean(config, names));
  }
}

std::vector<Item> expand_suite(const nlohmann::json& suite, const std::string& path, const SuiteOverrides& o,
                               const std::string& fixture_dir) {
  if (!suite.is_object() || !suite.contains("items") || !suite["items"].is_array()) {
    fail("{}: expected an object with an \"items\" list", path);
  }
  for (const auto& [key, value] : suite.items()) {
    if (key != "items" && key != "description") {
      fail("{}: unknown key \"{}\"{}", path, key, did_you_mean(key, {"items", "description"}));
    }
  }
  const std::vector<std::string> fixtures = fixture_names(fixture_dir);
  const std::vector<std::string> compiled = compiled_engine_configs();
  std::vector<Item> items;
  auto add = [&](Item item) {
    if (items.size() >= kMaxSuiteItems) fail("{}: expands to more than {} items", path, kMaxSuiteItems);
    if (item.skip_reason.empty() && !item.config.empty() &&
        std::find(compiled.begin(), compiled.end(), item.config) == compiled.end()) {
      item.skip_reason = fmt::format("configuration {} is not compiled into this ernsim", item.config);
    }
    items.push_back(std::move(item));
  };
  int index = 0;
  for (const nlohmann::json& entry : suite["items"]) {
    const std::string where = fmt::format("{}: item {}", path, index++);
    if (!entry.is_object()) fail("{}: expected an object", where);
    const std::string kind = field<std::string>(entry, "kind", "", where);
    check_item_keys(entry, kind, where);
    if (kind == "fixture") {
      const std::string name = field<std::string>(entry, "name", "", where);
      if (name.empty()) fail("{}: a fixture needs a \"name\"", where);
      const std::string base = fixture_dir + "/" + name;
      // Without ../shared the fixtures are a visible skip; with it, a name that is not there is a typo.
      if (!fixtures.empty() && std::find(fixtures.begin(), fixtures.end(), name) == fixtures.end()) {
        fail("{}: unknown fixture '{}' in {}{}", where, name, fixture_dir, did_you_mean(name, fixtures));
      }
      for (const std::string& config : suite_configs(entry, where)) {
        if (!config_selected(o, config)) continue;
        Item item;
        item.id = fmt::format("fixture/{}/{}", config, name);
        item.kind = kind;
        item.config = config;
        item.args = {"run",      "--model", base + ".onnx",    "--input", base + ".input.npy",
                     "--config", config,    "--check-estimate"};
        if (!std::filesystem::exists(base + ".onnx")) {
          item.skip_reason = fmt::format("{} holds no fixtures (../shared absent)", fixture_dir);
        }
        add(std::move(item));
      }
    } else if (kind == "zoo") {
      const std::string model = field<std::string>(entry, "model", "", where);
      if (model.empty() || !entry.contains("size")) fail("{}: a zoo item needs \"model\" and \"size\"", where);
      const uint64_t size = json_uint(entry["size"], where + ": \"size\"", kSizeRange.lo, kSizeRange.hi);
      try {
        find_zoo_model(model);
      } catch (const Error& e) {
        fail("{}: {}", where, e.what());
      }
      for (const std::string& config : suite_configs(entry, where)) {
        if (!config_selected(o, config)) continue;
        Item item;
        item.id = fmt::format("zoo/{}/{}@{}", config, model, size);
        item.kind = kind;
        item.config = config;
        item.args = {"run",      "--model", "zoo:" + model,    "--size", std::to_string(size),
                     "--config", config,    "--check-estimate"};
        add(std::move(item));
      }
    } else if (kind == "random-layers") {
      const int count = item_count(entry, o, where);
      const int batch =
          entry.contains("batch")
              ? static_cast<int>(json_uint(entry["batch"], where + ": \"batch\"", kBatchRange.lo, kBatchRange.hi))
              : 50;
      const uint64_t seed = item_seed(entry, o, count, where);
      for (const std::string& config : suite_configs(entry, where)) {
        if (!config_selected(o, config)) continue;
        for (int first = 0; first < count; first += batch) {
          Item item;
          item.kind = kind;
          item.config = config;
          item.first_seed = seed + static_cast<uint64_t>(first);
          item.count = std::min(batch, count - first);
          item.id = fmt::format("random-layers/{}/{}-{}", config, item.first_seed, item.first_seed + item.count - 1);
          item.args = {
              "regress-layers", "--count", std::to_string(item.count), "--seed", std::to_string(item.first_seed),
              "--config",       config};
          add(std::move(item));
        }
      }
    } else if (kind == "random-networks") {
      const int count = item_count(entry, o, where);
      const uint64_t seed = item_seed(entry, o, count, where);
      std::vector<std::string> configs;
      for (const std::string& c : suite_configs(entry, where)) {
        if (config_selected(o, c)) configs.push_back(c);
      }
      if (configs.empty()) continue;
      for (int i = 0; i < count; ++i) {
        Item item;
        item.kind = kind;
        item.first_seed = seed + static_cast<uint64_t>(i);
        item.count = 1;
        item.args = random_network_args(item.first_seed, configs, item.config);
        item.id = fmt::format("random-networks/{}/{}", item.config, item.first_seed);
        add(std::move(item));
      }
    } else if (kind == "stream-overflow") {
      const int count = item_count(entry, o, where);
      const uint64_t seed = item_seed(entry, o, count, where);
      for (const std::string& config : suite_configs(entry, where)) {
        if (!config_selected(o, config)) continue;
        for (int i = 0; i < count; ++i) {
          Item item;
          item.kind = kind;
          item.config = config;
          item.first_seed = seed + static_cast<uint64_t>(i);
          item.count = 1;
          item.id = fmt::format("stream-overflow/{}/{}", config, item.first_seed);
          item.args = {"run",
                       "--model",
                       fmt::format("overflow:{}", item.first_seed),
                       "--seed",
                       std::to_string(item.first_seed),
                       "--config",
                       config,
                       "--check-estimate"};
          add(std::move(item));
        }
      }
    } else {
      fail("{}: unknown kind \"{}\" (expected fixture, zoo, random-layers, random-networks or stream-overflow)", where,
           kind);
    }
  }
  return items;
}

}  // namespace ernsim
