#include "sim/reports/report.h"

#include <fmt/core.h>

#include <ctime>

#include "models/output_file.h"
#include "models/version.h"
#include "sim/reports/escape.h"

namespace ernsim {

namespace {

std::vector<std::string> g_invocation;

// The fields of a layer in the CSV and the JSON report alike, in the CSV's order.
struct LayerField {
  const char* name;
  nlohmann::json (*value)(const LayerRunReport&);
};
const LayerField kLayerFields[] = {
    {"index", [](const LayerRunReport& l) { return nlohmann::json(l.index); }},
    {"name", [](const LayerRunReport& l) { return nlohmann::json(l.name); }},
    {"jobs", [](const LayerRunReport& l) { return nlohmann::json(l.jobs); }},
    {"cycles", [](const LayerRunReport& l) { return nlohmann::json(l.cycles); }},
    {"compute_cycles", [](const LayerRunReport& l) { return nlohmann::json(l.compute_cycles); }},
    {"load_stall_cycles", [](const LayerRunReport& l) { return nlohmann::json(l.load_stall_cycles); }},
    {"store_stall_cycles", [](const LayerRunReport& l) { return nlohmann::json(l.store_stall_cycles); }},
    {"bytes_read", [](const LayerRunReport& l) { return nlohmann::json(l.bytes_read); }},
    {"bytes_written", [](const LayerRunReport& l) { return nlohmann::json(l.bytes_written); }},
    {"macs", [](const LayerRunReport& l) { return nlohmann::json(l.macs); }},
    {"utilization", [](const LayerRunReport& l) { return nlohmann::json(l.utilization); }},
};

std::string csv_value(const nlohmann::json& v) {
  if (v.is_string()) return csv_field(v.get<std::string>());
  if (v.is_number_float()) return fmt::format("{:.6f}", v.get<double>());
  return v.dump();
}

}  // namespace

void set_invocation(int argc, char** argv) { g_invocation.assign(argv, argv + argc); }

const std::vector<std::string>& invocation() { return g_invocation; }

nlohmann::json provenance(const HwConfig* config) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char time[32];
  std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return {{"schema_version", kReportSchemaVersion},
          {"ernsim_version", kVersion},
          {"git_commit", kGitCommit},
          {"command_line", invocation()},
          {"config_digest", config ? nlohmann::json(hw_config_digest(*config)) : nlohmann::json(nullptr)},
          {"created_utc", time}};
}

std::string layer_csv(const std::vector<LayerRunReport>& layers, const std::vector<LayerColumn>& extra) {
  std::string csv;
  for (const LayerField& f : kLayerFields) csv += std::string(csv.empty() ? "" : ",") + f.name;
  for (const LayerColumn& c : extra) csv += "," + c.first;
  csv += "\n";
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string row;
    for (const LayerField& f : kLayerFields) row += (row.empty() ? "" : ",") + csv_value(f.value(layers[i]));
    for (const LayerColumn& c : extra) row += fmt::format(",{}", c.second.at(i));
    csv += row + "\n";
  }
  return csv;
}

std::string Throughput::summary() const {
  return fmt::format("total: {} cycles, {:.1f}% PE utilization; at {:.0f} MHz (assumed): {:.3f} ms latency, {:.1f} FPS",
                     total_cycles, 100 * utilization, clock_mhz, latency_ms, fps);
}

Throughput throughput(const HwConfig& config, const std::vector<LayerRunReport>& layers, uint64_t total_cycles,
                      double clock_mhz) {
  Throughput t;
  t.total_cycles = total_cycles;
  for (const LayerRunReport& l : layers) t.macs += l.macs;
  t.clock_mhz = clock_mhz;
  t.latency_ms = static_cast<double>(total_cycles) / (clock_mhz * 1e3);
  t.fps = 1e3 / t.latency_ms;
  t.utilization = config.utilization(t.macs, total_cycles);
  return t;
}

JsonReport::JsonReport(const HwConfig* config) { json_["provenance"] = provenance(config); }

void JsonReport::add_model(const Network& net, const HwConfig& config) {
  json_["model"] = net.name;
  json_["config"] = config.name;
  json_["input_size"] = {net.input_height(), net.input_width()};
}

void JsonReport::add_throughput(const Throughput& t, const HwConfig& config) {
  json_["total_cycles"] = t.total_cycles;
  json_["clock_mhz"] = t.clock_mhz;
  json_["latency_ms"] = t.latency_ms;
  json_["fps"] = t.fps;
  json_["macs"] = t.macs;
  json_["utilization"] = t.utilization;
  json_["macs_per_cycle"] = config.macs_per_cycle();
  json_["memory"] = {{"bytes_per_cycle", config.memory.bytes_per_cycle},
                     {"latency_cycles", config.memory.latency_cycles}};
}

void JsonReport::add_scoreboard(const Scoreboard& scoreboard) {
  json_["passed"] = scoreboard.passed();
  json_["mismatches"] = scoreboard.mismatches();
  json_["errors"] = scoreboard.errors();
  json_["first_mismatches"] = nlohmann::json::array();
  for (const Mismatch& m : scoreboard.first_mismatches()) {
    json_["first_mismatches"].push_back({{"layer", m.layer},
                                         {"tensor", m.tensor},
                                         {"channel", m.channel},
                                         {"y", m.y},
                                         {"x", m.x},
                                         {"expected", m.expected},
                                         {"got", m.got}});
  }
}

void JsonReport::add_layers(const std::vector<LayerRunReport>& layers, const std::vector<LayerColumn>& extra) {
  json_["layers"] = nlohmann::json::array();
  for (size_t i = 0; i < layers.size(); ++i) {
    nlohmann::json layer;
    for (const LayerField& f : kLayerFields) layer[f.name] = f.value(layers[i]);
    for (const LayerColumn& c : extra) layer[c.first] = c.second.at(i);
    json_["layers"].push_back(layer);
  }
}

void JsonReport::write(const std::string& path, const std::string& option) const {
  write_text_file(path, json_.dump(1) + "\n", option);
}

}  // namespace ernsim
