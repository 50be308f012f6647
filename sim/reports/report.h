// The reports of the commands: one JSON writer for run, estimate, layers, regress and synth, so
// that every report carries the same provenance first, names the same things the same way and
// writes counts as integers; the per-layer CSV of run and estimate from the same layer fields.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/drivers/program_mode.h"
#include "sim/drivers/scoreboard.h"
#include "sim/hw_config.h"

namespace ernsim {

// The whole command line, recorded by main() for the reports' provenance.
void set_invocation(int argc, char** argv);
const std::vector<std::string>& invocation();

// What every JSON report carries first, under "provenance": the report schema version, ernsim's
// version and git commit, the command line, the configuration's digest (hw_config_digest; null
// without a configuration) and the UTC time it was written.
constexpr int kReportSchemaVersion = 2;
nlohmann::json provenance(const HwConfig* config);

// One extra per-layer column: its name and a value per layer (counts: integers).
using LayerColumn = std::pair<std::string, std::vector<int64_t>>;

// CSV, one row per layer: index, name, jobs, cycles, compute and stall cycles, bytes, MACs,
// utilization, then `extra` columns.
std::string layer_csv(const std::vector<LayerRunReport>& layers, const std::vector<LayerColumn>& extra = {});

// A whole network's time at a clock: the same numbers in the printed summary and the report.
struct Throughput {
  uint64_t total_cycles = 0;
  int64_t macs = 0;
  double clock_mhz = 0, latency_ms = 0, fps = 0;
  double utilization = 0;  // MACs / (cycles x peak MACs per cycle)

  // "total: N cycles, U% PE utilization; at F MHz (assumed): L ms latency, R FPS"
  std::string summary() const;
};
Throughput throughput(const HwConfig& config, const std::vector<LayerRunReport>& layers, uint64_t total_cycles,
                      double clock_mhz);

// A JSON report: provenance first, then what the command adds, written atomically (or to standard
// output for "-", models/output_file.h).
class JsonReport {
 public:
  // `config`: the configuration the report is of (null when none is, as for a regression).
  explicit JsonReport(const HwConfig* config);

  nlohmann::json& operator[](const char* key) { return json_[key]; }
  void update(const nlohmann::json& fields) { json_.update(fields); }

  // "model", "config" and "input_size".
  void add_model(const Network& net, const HwConfig& config);
  // "total_cycles", "clock_mhz", "latency_ms", "fps", "macs", "utilization", "macs_per_cycle", "memory".
  void add_throughput(const Throughput& t, const HwConfig& config);
  // "passed", "mismatches", "errors" and "first_mismatches".
  void add_scoreboard(const Scoreboard& scoreboard);
  // "layers": per layer the fields of layer_csv and `extra`.
  void add_layers(const std::vector<LayerRunReport>& layers, const std::vector<LayerColumn>& extra = {});

  // Writes the report to `path`, or fails naming `option` and the path.
  void write(const std::string& path, const std::string& option = "--report") const;

 private:
  nlohmann::json json_;
};

}  // namespace ernsim
