#include "sim/device.h"

#include <fmt/format.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "models/checked_number.h"
#include "models/closest_name.h"
#include "models/error.h"
#include "models/input_file.h"
#include "sim/hw_config.h"

namespace ernsim {

namespace {

// The schema of a device file (docs/estimators.md, "Devices").
const std::vector<std::string> kTopKeys = {"name", "description", "part", "family", "resources"};
const std::vector<std::string> kFamilies = {"xc7", "xcup"};
// The largest Xilinx parts have a few million LUTs; ten million bounds a typo, not a device.
constexpr uint64_t kMaxCount = 10'000'000;
const struct {
  const char* key;
  uint64_t lo;
  double Resources::*field;
} kResourceKeys[] = {
    {"lut", 1, &Resources::lut},   {"ff", 1, &Resources::ff},   {"bram18", 0, &Resources::bram18},
    {"uram", 0, &Resources::uram}, {"dsp", 0, &Resources::dsp},
};

std::string string_field(const nlohmann::json& j, const char* key, const std::string& path, bool required) {
  if (!j.contains(key)) {
    if (required) fail("{}: needs a string \"{}\"", path, key);
    return "";
  }
  if (!j[key].is_string()) fail("{}: \"{}\" must be a string", path, key);
  return j[key].get<std::string>();
}

}  // namespace

std::string family_name(DeviceFamily family) { return family == DeviceFamily::kUltraScalePlus ? "xcup" : "xc7"; }

std::vector<std::string> device_names() { return json_names_in(ERNSIM_DEVICE_DIR); }

Device load_device(const std::string& name_or_path) {
  const std::string path = named_json_path(name_or_path, ERNSIM_DEVICE_DIR, "device");
  Device d = device_from_json(parse_json_file(path, "device"), path);
  d.path = path;
  return d;
}

Device device_from_json(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) fail("{}: a device is a JSON object", path);
  check_json_keys(j, kTopKeys, "", path);
  Device d;
  d.name = string_field(j, "name", path, true);
  d.description = string_field(j, "description", path, false);
  d.part = string_field(j, "part", path, true);
  const std::string family = string_field(j, "family", path, true);
  if (family == "xcup") {
    d.family = DeviceFamily::kUltraScalePlus;
  } else if (family != "xc7") {
    fail("{}: family \"{}\" is not one of xc7 (7-series), xcup (UltraScale+){}", path, family,
         did_you_mean(family, kFamilies));
  }
  if (!j.contains("resources") || !j["resources"].is_object()) {
    fail("{}: needs an object \"resources\" (lut, ff, bram18, uram, dsp)", path);
  }
  const nlohmann::json& r = j["resources"];
  std::vector<std::string> keys;
  for (const auto& k : kResourceKeys) keys.push_back(k.key);
  check_json_keys(r, keys, "resources.", path);
  for (const auto& k : kResourceKeys) {
    if (!r.contains(k.key)) fail("{}: resources.{} is missing", path, k.key);
    d.budget.*k.field =
        static_cast<double>(json_uint(r[k.key], fmt::format("{}: resources.{}", path, k.key), k.lo, kMaxCount));
  }
  // 7-series fabric has no UltraRAM; a count there is a mistaken family or a mistaken count.
  if (d.family == DeviceFamily::kSeries7 && d.budget.uram != 0) {
    fail("{}: resources.uram = {} but family xc7 (7-series) has no UltraRAM", path, d.budget.uram);
  }
  return d;
}

double ResourceUse::percent() const {
  if (available == 0) return used == 0 ? 0.0 : INFINITY;
  return 100.0 * used / available;
}

std::vector<ResourceUse> device_use(const Resources& used, const Device& device) {
  const Resources& b = device.budget;
  return {{"LUT", used.lut, b.lut},
          {"FF", used.ff, b.ff},
          {"BRAM18", used.bram18, b.bram18},
          {"URAM", used.uram, b.uram},
          {"DSP", used.dsp, b.dsp}};
}

bool fits(const std::vector<ResourceUse>& use) {
  for (const ResourceUse& u : use) {
    if (!u.fits()) return false;
  }
  return true;
}

std::string device_use_table(const std::vector<ResourceUse>& use, const Device& device, const std::string& note) {
  std::string s = fmt::format("on device {} ({}, {}):\n", device.name, device.part, family_name(device.family));
  s += fmt::format("  {:<7} {:>10} {:>10} {:>8}\n", "", "used", "available", "use");
  for (const ResourceUse& u : use) {
    const std::string percent = std::isinf(u.percent()) ? "n/a" : fmt::format("{:.1f}%", u.percent());
    s += fmt::format("  {:<7} {:>10.0f} {:>10.0f} {:>8}{}\n", u.resource, u.used, u.available, percent,
                     u.fits() ? "" : "  over");
  }
  std::string over;
  for (const ResourceUse& u : use) {
    if (!u.fits()) over += (over.empty() ? "" : ", ") + u.resource;
  }
  s += over.empty() ? fmt::format("fits {}\n", device.name)
                    : fmt::format("does NOT fit {}: {} over the device\n", device.name, over);
  if (!note.empty()) s += "(" + note + ")\n";
  return s;
}

nlohmann::json device_use_json(const std::vector<ResourceUse>& use, const Device& device) {
  nlohmann::json resources = nlohmann::json::array();
  for (const ResourceUse& u : use) {
    resources.push_back({{"resource", u.resource},
                         {"used", std::llround(u.used)},
                         {"available", std::llround(u.available)},
                         {"percent", std::isinf(u.percent()) ? nlohmann::json(nullptr) : nlohmann::json(u.percent())},
                         {"fits", u.fits()}});
  }
  return {{"device", device.name},
          {"part", device.part},
          {"family", family_name(device.family)},
          {"fits", fits(use)},
          {"resources", resources}};
}

}  // namespace ernsim
