// The resource model: LUT, FF, BRAM18 and DSP of the accelerator (rtl/ern_accel.sv) for a
// hardware configuration, per module, without running synthesis.
//   - Memories (the engine's buffers and tables, the controller's counters) follow the block-RAM
//     and LUT-RAM mapping rule of Yosys's synth_xilinx (ram_cost), which the test suite checks
//     against Yosys on a grid of geometries.
//   - Logic: per module, a linear function of a few quantities of the configuration that set its
//     size (PEs, accumulator and stream widths, memory port width, pixels), whose coefficients are
//     fitted by least squares to Yosys runs of the real RTL at the calibration configurations
//     (configs/calibration/yosys.json, written by tools/calibrate_resources.py). A last term,
//     fitted the same way, is what flattening the whole design removes across module boundaries.
// The test suite checks the estimate against Yosys on configurations not used for fitting.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/hw_config.h"

namespace ernsim {

struct Resources {
  double lut = 0, ff = 0, bram18 = 0, dsp = 0;
  double uram = 0;  // URAM288 (UltraScale+ only)
  Resources& operator+=(const Resources& o) {
    lut += o.lut;
    ff += o.ff;
    bram18 += o.bram18;
    dsp += o.dsp;
    uram += o.uram;
    return *this;
  }
};

// The device families whose memory mapping the model follows (devices/*.json "family"): Yosys's
// synth_xilinx default (7-series: block RAM and LUT-RAM), and UltraScale+ with UltraRAM
// (`synth_xilinx -family xcup -uram`), where large memories may go to URAM288.
enum class DeviceFamily { kSeries7, kUltraScalePlus };

// LUT, FF, BRAM18, URAM and DSP as integer counts (reports write counts as integers).
nlohmann::json resource_counts_json(const Resources& r);

struct ModuleResources {
  std::string module;  // RTL module, or "flattening"
  std::string description;
  Resources memory;  // its memories by the mapping rule
  Resources logic;   // the fitted part
  // resource -> the quantities its logic is fitted on ("one", "pe", ...; resource_model.cc)
  std::map<std::string, std::vector<std::string>> terms;
  // On UltraScale+: "lut" and "ff" -> the factor the fitted (7-series) logic was scaled by.
  std::map<std::string, double> family_scale;
  Resources total() const {
    Resources r = memory;
    r += logic;
    return r;
  }
};

struct ResourceEstimate {
  std::vector<ModuleResources> modules;
  Resources total;  // rounded to whole cells
  // "LUT 77,572, FF 1,234, BRAM18 280, DSP 0", and URAM when there is any
  std::string summary() const;
  nlohmann::json to_json() const;
};

// The logic is calibrated on 7-series synthesis (both families have 6-input LUTs; see
// docs/estimators.md); the memories follow the family's mapping rule.
ResourceEstimate estimate_resources(const HwConfig& config, DeviceFamily family = DeviceFamily::kSeries7);

// Why the logic estimate of a configuration extrapolates the calibration: the first quantity a
// module's logic is fitted on ("pe", "mem_bits", ...) whose value lies outside the range the
// calibration configurations span, as "pe = 512 (calibrated 8 to 64)"; "" within the range.
std::string resource_extrapolation(const HwConfig& config);

// Counts {"lut", "ff", "bram18", "dsp"} (and "uram" when present) as tools/synth.py and the
// calibration write them.
Resources resources_from_json(const nlohmann::json& j);

// One RAM of Width x Depth with SliceW-bit write slices (rtl/ern_ram.sv) as synth_xilinx maps
// it: block RAM for deep memories (RAMB36 counted as two RAMB18), LUT-RAM for shallow ones and, on
// UltraScale+, URAM288 where Yosys's memory_libmap finds it cheaper than block RAM.
Resources ram_cost(int width, int depth, int slice, DeviceFamily family = DeviceFamily::kSeries7);

// The memories of the accelerator for a configuration.
struct RamInstance {
  std::string module;  // ern_layer_engine or ern_controller
  std::string name;
  int count = 1;
  int width = 0, depth = 0, slice = 64;
};
std::vector<RamInstance> accelerator_rams(const HwConfig& config);

// The columns of x (candidate quantities at each calibration point, at most three of them) whose
// least-squares fit predicts each point of y best from the others: the smallest sum of squared
// leave-one-out errors; between equals, the fewest terms, then the earliest candidates. `what`
// names the fit in errors. The calibration chooses each module's terms with it.
struct TermChoice {
  std::vector<size_t> columns;
  double loo_rms = 0;  // root mean square of the leave-one-out errors
};
TermChoice choose_terms(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                        const std::string& what);

// The calibration data (configs/calibration/yosys.json), loaded once. Throws Error naming the file
// when it is missing or malformed.
struct CalibrationEntry {
  std::string name;
  std::string role;  // "calibration" or "validation"
  HwConfig config;
  Resources whole;               // the flattened design
  std::string whole_rtl_digest;  // the RTL it was measured on (tools/synth.py rtl_digest)
  // Calibration entries: per module (own cells) as measured on its own at the current RTL, and as
  // it was at the RTL of the whole-design run (the flattening term is whole minus their sum).
  std::map<std::string, Resources> modules;
  std::map<std::string, Resources> modules_at_whole;
  // Each module synthesized for UltraScale+ (-family xcup -uram), and the 7-series counts of the
  // same RTL that it is compared with (the pair may be of an older RTL than `modules`).
  std::map<std::string, Resources> modules_xcup, modules_xcup_xc7;
};
struct ResourceCalibration {
  std::string path;
  std::string yosys;
  std::vector<CalibrationEntry> entries;
  struct Ram {
    int width, depth, slice;
    Resources measured;
  };
  std::vector<Ram> rams;       // synth_xilinx (7-series)
  std::vector<Ram> rams_xcup;  // synth_xilinx -family xcup -uram
  // A module's logic for one resource: the terms chosen by leave-one-out (resource_model.cc) and
  // their coefficients fitted to every calibration configuration.
  struct Term {
    std::string feature;  // "one", "pe", "mem_bits", ...
    double coefficient;
  };
  struct FittedLogic {
    std::vector<Term> terms;
  };
  std::map<std::string, std::map<std::string, FittedLogic>> logic;  // module -> resource -> fit
  // UltraScale+: module -> "lut"/"ff" -> its logic there over its 7-series logic, summed over the
  // calibration configurations (the flattening term: all modules together). Empty without
  // UltraScale+ measurements.
  std::map<std::string, std::map<std::string, double>> family_scale;
  // Whole-design UltraScale+ runs the scaled estimate is checked against (never fitted to).
  struct WholeRun {
    std::string name;
    HwConfig config;
    Resources whole;
  };
  std::vector<WholeRun> ultrascale_validation;
};
const ResourceCalibration& resource_calibration();

// The modules of the model in the order they are reported.
const std::vector<std::string>& resource_modules();

}  // namespace ernsim
