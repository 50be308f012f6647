// Hardware configurations (configs/*.json): the one source of truth for the accelerator's sizes.
// The "rtl" section holds Verilog parameters by their RTL names; CMake passes them to Verilator,
// the Yosys script to synthesis, and this loader to the driver. The values the RTL derives from
// them are derived here the same way and checked against the engine's capability words at run time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hw_spec.h"  // the width formulas, from rtl/ern_hw_spec.json
#include "models/random_layer_case.h"
#include "sim/testbench/memory.h"

namespace ernsim {

struct HwConfig {
  std::string name;
  std::string description;
  std::string path;
  std::map<std::string, int64_t> rtl;  // every RTL parameter, as written

  int pe_out = 0;
  int pe_pix = 0;
  int stream_width = 0;
  int max_in_blocks = 0;
  int act_depth = 0;
  int wgt_depth = 0;
  int thr_depth = 0;
  int str_depth = 0;
  int out_depth = 0;
  int sum_depth = 0;
  int img_depth = 0;
  int embed_colours = 0;
  int embed_per_colour = 0;
  int mem_bytes = 0;    // memory port width (bytes per beat)
  int max_burst = 0;    // beats per burst
  int max_reads = 0;    // read bursts in flight
  int max_layers = 0;   // layers with performance counters
  MemoryTiming memory;  // the memory system behind the port (simulation only)

  int banks() const { return 2 * pe_pix; }
  int64_t macs_per_cycle() const { return int64_t{hw_spec::kLanes} * pe_out * pe_pix; }
  // PE utilization: `macs` over what the array could do in `cycles` (0 for no cycles).
  double utilization(int64_t macs, uint64_t cycles) const {
    return cycles ? static_cast<double>(macs) / (static_cast<double>(cycles) * static_cast<double>(macs_per_cycle()))
                  : 0;
  }
  // The widths by the formulas of rtl/ern_hw_spec.json (hw_spec.h).
  int acc_width() const;
  int value_width() const { return value_w(acc_width(), stream_width); }
  int thr_width() const { return thr_w(value_width()); }
  int thr_entry_bits() const { return thr_entry_w(thr_width()); }
  // What of this configuration the random layers of RTL regressions must fit.
  RandomLayerBounds random_layer_bounds() const {
    return {pe_out, max_in_blocks, stream_width, embed_colours, embed_per_colour};
  }
  // 64-bit words per buffer entry, as the host port addresses them.
  static int words(int bits) { return (bits + 63) / 64; }
  // Bytes of an entry in memory: a power of two (entry_log2 of rtl/ern_hw_spec.json).
  static int memory_entry_bytes(int bits) { return 1 << entry_log2(bits); }
  int weight_entry_bytes() const { return memory_entry_bytes(pe_out * hw_spec::kLanes); }
  int threshold_entry_bytes() const { return memory_entry_bytes(pe_out * thr_entry_bits()); }
  int stream_entry_bytes() const { return memory_entry_bytes(pe_out * stream_width); }
  int sum_entry_bytes() const { return memory_entry_bytes(pe_out * hw_spec::kSumW); }
};

// A configuration by name (configs/NAME.json) or by path to a JSON file. Throws Error naming the
// file and the problem (missing key, bad value, unknown name with the list of known ones).
HwConfig load_hw_config(const std::string& name_or_path);

// A configuration from its JSON (as in configs/*.json); `origin` names it in errors. Strict: an
// unknown key, a wrong type or a value out of range is an error naming the key (and the closest
// valid key for an unknown one).
HwConfig hw_config_from_json(const nlohmann::json& j, const std::string& origin);

// SHA-256 (hex) of what determines a configuration's results: its RTL parameters and memory system
// as canonical JSON (name and description excluded). Reports carry it as provenance.
std::string hw_config_digest(const HwConfig& config);

// The RTL parameters a configuration sets (every one, no other).
std::vector<std::string> hw_config_rtl_keys();

// Unknown keys of a JSON object are errors naming the key (with `prefix`, such as "rtl."), the
// closest valid key and the valid ones: a misspelt key would otherwise silently mean its default.
// Shared by the schemas of configurations and devices.
void check_json_keys(const nlohmann::json& object, const std::vector<std::string>& keys, const std::string& prefix,
                     const std::string& path);

// The names of the JSON files in `dir` (without .json), sorted.
std::vector<std::string> json_names_in(const std::string& dir);

// A file given by name (DIR/NAME.json) or by path (with a '/' or ending in .json). Throws Error for
// an unknown name, with the closest known one and the list of known ones ("unknown WHAT 'x' ...").
std::string named_json_path(const std::string& name_or_path, const std::string& dir, const std::string& what);

// Names of the configurations in configs/, sorted.
std::vector<std::string> hw_config_names();

}  // namespace ernsim
