#include "sim/hw_config.h"

#include <algorithm>
#include <filesystem>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include "models/checked_number.h"
#include "models/closest_name.h"
#include "models/error.h"
#include "models/input_file.h"

namespace ernsim {

namespace {

bool is_power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

}  // namespace

int HwConfig::acc_width() const { return acc_w(max_in_blocks); }

std::vector<std::string> json_names_in(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string named_json_path(const std::string& name_or_path, const std::string& dir, const std::string& what) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".json");
  if (is_path) return name_or_path;
  const std::string path = dir + "/" + name_or_path + ".json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    const std::vector<std::string> names = json_names_in(dir);
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    fail("unknown {} '{}'{} (known: {})", what, name_or_path, did_you_mean(name_or_path, names), known);
  }
  return path;
}

std::vector<std::string> hw_config_names() { return json_names_in(ERNSIM_CONFIG_DIR); }

HwConfig load_hw_config(const std::string& name_or_path) {
  const std::string path = named_json_path(name_or_path, ERNSIM_CONFIG_DIR, "hardware configuration");
  const nlohmann::json j = parse_json_file(path, "hardware configuration");
  HwConfig c = hw_config_from_json(j, path);
  c.path = path;
  return c;
}

namespace {

// The schema of a configuration file: its keys (docs/accelerator.md lists them with their meaning).
// RTL parameters with their ranges, and the HwConfig field each sets.
struct RtlParameter {
  const char* key;
  int64_t lo, hi;
  int HwConfig::*field;
};
const RtlParameter kRtlParameters[] = {
    {"PeOut", 8, 64, &HwConfig::pe_out},
    {"PePix", 1, 64, &HwConfig::pe_pix},
    {"StreamW", 2, 31, &HwConfig::stream_width},
    {"MaxInBlocks", 1, 255, &HwConfig::max_in_blocks},
    {"ActDepth", 2, 1 << 24, &HwConfig::act_depth},
    {"WgtDepth", 2, 1 << 24, &HwConfig::wgt_depth},
    {"ThrDepth", 2, 1 << 24, &HwConfig::thr_depth},
    {"StrDepth", 2, 1 << 24, &HwConfig::str_depth},
    {"OutDepth", 2, 1 << 24, &HwConfig::out_depth},
    {"SumDepth", 2, 1 << 24, &HwConfig::sum_depth},
    {"ImgDepth", 2, 1 << 24, &HwConfig::img_depth},
    {"EmbColours", 1, 8, &HwConfig::embed_colours},
    {"EmbPerColour", 1, 32, &HwConfig::embed_per_colour},
    {"MemBytes", 8, 256, &HwConfig::mem_bytes},
    {"MaxBurst", 1, 256, &HwConfig::max_burst},
    {"MaxReads", 1, 64, &HwConfig::max_reads},
    {"MaxLayers", 2, 1 << 16, &HwConfig::max_layers},
};
const std::vector<std::string> kTopKeys = {"name", "description", "rtl", "memory"};
const std::vector<std::string> kMemoryKeys = {"bytes_per_cycle", "latency_cycles"};

}  // namespace

void check_json_keys(const nlohmann::json& object, const std::vector<std::string>& keys, const std::string& prefix,
                     const std::string& path) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string valid;
      for (const std::string& k : keys) valid += (valid.empty() ? "" : ", ") + k;
      fail("{}: unknown key \"{}{}\"{} (valid: {})", path, prefix, key, did_you_mean(key, keys), valid);
    }
  }
}

std::string hw_config_digest(const HwConfig& config) {
  const nlohmann::json canonical = {
      {"rtl", config.rtl},
      {"memory",
       {{"bytes_per_cycle", config.memory.bytes_per_cycle}, {"latency_cycles", config.memory.latency_cycles}}}};
  const std::string text = canonical.dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::vector<std::string> hw_config_rtl_keys() {
  std::vector<std::string> keys;
  for (const RtlParameter& p : kRtlParameters) keys.push_back(p.key);
  return keys;
}

HwConfig hw_config_from_json(const nlohmann::json& j, const std::string& path) {
  HwConfig c;
  if (!j.is_object()) fail("{}: a configuration is a JSON object", path);
  check_json_keys(j, kTopKeys, "", path);
  if (!j.contains("name") || !j["name"].is_string()) fail("{}: needs a string \"name\"", path);
  c.name = j["name"].get<std::string>();
  if (j.contains("description")) {
    if (!j["description"].is_string()) fail("{}: \"description\" must be a string", path);
    c.description = j["description"].get<std::string>();
  }
  if (!j.contains("rtl") || !j["rtl"].is_object()) fail("{}: needs an object \"rtl\" of RTL parameters", path);
  check_json_keys(j["rtl"], hw_config_rtl_keys(), "rtl.", path);
  for (const auto& [key, value] : j["rtl"].items()) {
    if (!value.is_number_integer()) fail("{}: rtl.{} must be an integer", path, key);
    c.rtl[key] = value.get<int64_t>();
  }
  for (const RtlParameter& p : kRtlParameters) {
    auto it = c.rtl.find(p.key);
    if (it == c.rtl.end()) fail("{}: rtl.{} is missing", path, p.key);
    if (it->second < p.lo || it->second > p.hi)
      fail("{}: rtl.{} = {} is outside {}..{}", path, p.key, it->second, p.lo, p.hi);
    c.*p.field = static_cast<int>(it->second);
  }
  if (!is_power_of_two(c.mem_bytes)) fail("{}: rtl.MemBytes = {} must be a power of two", path, c.mem_bytes);
  if (!is_power_of_two(c.max_burst)) fail("{}: rtl.MaxBurst = {} must be a power of two", path, c.max_burst);
  if (j.contains("memory")) {
    const auto& m = j["memory"];
    if (!m.is_object()) fail("{}: \"memory\" must be an object", path);
    check_json_keys(m, kMemoryKeys, "memory.", path);
    if (m.contains("bytes_per_cycle")) {
      c.memory.bytes_per_cycle =
          json_real(m["bytes_per_cycle"], path + ": memory.bytes_per_cycle", kMinBytesPerCycle, kMaxBytesPerCycle);
    }
    if (m.contains("latency_cycles")) {
      c.memory.latency_cycles =
          static_cast<uint32_t>(json_uint(m["latency_cycles"], path + ": memory.latency_cycles", 0, kMaxLatencyCycles));
    }
  }
  if (!is_power_of_two(c.pe_pix)) fail("{}: rtl.PePix = {} must be a power of two", path, c.pe_pix);
  if (hw_spec::kLanes % c.pe_out != 0) fail("{}: rtl.PeOut = {} must divide 64", path, c.pe_out);
  if (c.embed_colours * c.embed_per_colour > hw_spec::kLanes) {
    fail("{}: {} embedding channels do not fit 64 lanes", path, c.embed_colours * c.embed_per_colour);
  }
  return c;
}

}  // namespace ernsim
