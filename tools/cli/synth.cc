// `ernsim synth`: Yosys on the accelerator RTL (tools/synth.py) beside the resource model's
// estimate, with the error.
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "sim/device.h"
#include "sim/estimators/resource_model.h"
#include "sim/process.h"
#include "sim/progress.h"
#include "sim/reports/report.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

namespace {

constexpr const char* kUsage =
    "usage: ernsim synth [--config HW] [--device DEV] [--modules] [--report R.json] [--keep-log LOG]\n\n"
    "Synthesizes the accelerator RTL (ern_accel) for a configuration with Yosys (synth_xilinx -flatten\n"
    "-noiopad -noclkbuf, through tools/synth.py) and prints the measured LUT, FF, BRAM18, URAM and DSP\n"
    "beside the resource model's estimate (`ernsim estimate`), with the error, and each module's logic\n"
    "depth: its deepest register-to-register path in LUT levels and carry cells and the clock that\n"
    "implies on UltraScale+ -1 (an estimate: tools/logic_depth.py). --modules keeps the main modules\n"
    "apart and compares each. --device synthesizes for the device's family (UltraScale+: -family xcup\n"
    "-uram) and says whether the design fits it (exit status 1 when not). Takes minutes of CPU: about\n"
    "4 for `small`; `default` took over 78 without finishing on a 2-core machine (run it in the\n"
    "background).";

std::string error_percent(double estimate, double measured) {
  if (measured == 0) return estimate == 0 ? "0.0%" : "n/a";
  return fmt::format("{:+.1f}%", 100.0 * (estimate - measured) / measured);
}

void print_row(const std::string& what, const Resources& est, const Resources& got) {
  fmt::print(
      "{:<22} {:>9.0f} {:>9.0f} {:>7} {:>8.0f} {:>8.0f} {:>7} {:>7.0f} {:>7.0f} {:>5.0f} {:>5.0f} {:>4.0f} {:>4.0f}\n",
      what, est.lut, got.lut, error_percent(est.lut, got.lut), est.ff, got.ff, error_percent(est.ff, got.ff),
      est.bram18, got.bram18, est.uram, got.uram, est.dsp, got.dsp);
}

// Each module's deepest path (tools/logic_depth.py) as a table; returns it for the report.
nlohmann::json print_depths(const nlohmann::json& depth) {
  if (!depth.is_object() || !depth.contains("modules")) return nullptr;
  fmt::print("\nlogic depth (deepest register-to-register path; clock estimated for UltraScale+ -1):\n");
  fmt::print("{:<18} {:>6} {:>6} {:>8} {:>8} {:>6}  {}\n", "module", "LUTs", "carry", "ns", "MHz", "chain", "path");
  for (const auto& [module, d] : depth["modules"].items()) {
    fmt::print("{:<18} {:>6} {:>6} {:>8.2f} {:>8} {:>6}  {} -> {}\n", module, d.value("lut_levels", 0),
               d.value("carry_cells", 0), d.value("delay_ns", 0.0),
               d["implied_mhz"].is_number() ? fmt::format("{:.0f}", d["implied_mhz"].get<double>()) : "-",
               d.value("max_carry_chain", 0), d["from"].is_string() ? d["from"].get<std::string>() : "-",
               d["to"].is_string() ? d["to"].get<std::string>() : "-");
  }
  // The design runs at its slowest module's clock.
  std::string slowest;
  double worst_ns = 0;
  for (const auto& [module, d] : depth["modules"].items()) {
    if (d.value("delay_ns", 0.0) > worst_ns) {
      worst_ns = d.value("delay_ns", 0.0);
      slowest = module;
    }
  }
  if (worst_ns > 0) fmt::print("implied clock: {:.0f} MHz (set by {})\n", 1000.0 / worst_ns, slowest);
  fmt::print("method: {}\n", depth.value("method", ""));
  return depth;
}

}  // namespace

int run_synth(int argc, char** argv) {
  po::options_description options("synth options");
  // clang-format off
  options.add_options()
      ("config", po::value<std::string>()->default_value("default"),
       "hardware configuration: a name in configs/ or a JSON file")
      ("device", po::value<std::string>(), "FPGA device: a name in devices/ or a JSON file; says whether it fits")
      ("modules", "compare the main modules one by one (kept apart in synthesis)")
      ("report", po::value<std::string>(), "write a JSON report")
      ("keep-log", po::value<std::string>(), "write the Yosys log here")
      ("quiet,q", po::bool_switch(), "print no progress");
  // clang-format on
  po::variables_map vm;
  if (!parse_command(argc, argv, kUsage, options, vm)) return 0;
  for (const char* path : {"report", "keep-log"}) {
    if (vm.count(path)) check_output_path(vm[path].as<std::string>(), std::string("--") + path);
  }
  const HwConfig config = load_hw_config(vm["config"].as<std::string>());
  std::optional<Device> device;
  if (vm.count("device")) device = load_device(vm["device"].as<std::string>());
  const DeviceFamily family = device ? device->family : DeviceFamily::kSeries7;
  const ResourceEstimate estimate = estimate_resources(config, family);
  const bool per_module = vm.count("modules") > 0;

  const std::string script = std::string(ERNSIM_SOURCE_DIR) + "/tools/synth.py";
  const std::filesystem::path json_path =
      std::filesystem::temp_directory_path() / fmt::format("ernsim_synth_{}.json", getpid());
  std::vector<std::string> args = {"python3",   script,   "--config",         config.path, "--top",
                                   "ern_accel", "--json", json_path.string(), "--family",  family_name(family),
                                   "--depth"};
  if (per_module) args.push_back("--modules");
  if (vm.count("keep-log")) {
    args.push_back("--keep-log");
    args.push_back(vm["keep-log"].as<std::string>());
  }
  fmt::print("synthesizing ern_accel for configuration {} ({}) with Yosys (minutes)...\n", config.name,
             family_name(family));
  std::fflush(stdout);
  // One synthesis: the bar says that it runs, then how long it took.
  Progress progress(1, !vm["quiet"].as<bool>());
  progress.update(0, " syntheses");
  const int status = run_program(args);
  progress.update(1, " syntheses");
  progress.finish();
  nlohmann::json measured;
  {
    std::ifstream in(json_path);
    if (in) measured = nlohmann::json::parse(in, nullptr, false);
  }
  std::error_code ec;
  std::filesystem::remove(json_path, ec);
  if (measured.is_discarded() || measured.is_null()) {
    fail("synthesis of configuration {} failed (tools/synth.py exit status {})", config.name, status);
  }

  const Resources got = resources_from_json(measured);
  fmt::print("\n{:<22} {:>9} {:>9} {:>7} {:>8} {:>8} {:>7} {:>7} {:>7} {:>5} {:>5} {:>4} {:>4}\n", "", "LUT est",
             "LUT Yosys", "error", "FF est", "FF Yosys", "error", "BRAM e", "BRAM Y", "URAMe", "URAMY", "DSPe", "DSPY");
  JsonReport report(&config);
  report["config"] = config.name;
  report["yosys_seconds"] = measured.value("yosys_seconds", 0.0);
  report["family"] = family_name(family);
  if (per_module) {
    report["modules"] = nlohmann::json::array();
    for (const ModuleResources& m : estimate.modules) {
      if (m.module == "flattening") continue;
      const auto it = measured["modules"].find(m.module);
      if (it == measured["modules"].end()) continue;
      const Resources g = resources_from_json(*it);
      print_row(m.module, m.total(), g);
      report["modules"].push_back(
          {{"module", m.module}, {"estimate", resource_counts_json(m.total())}, {"yosys", resource_counts_json(g)}});
    }
    Resources kept_estimate;
    for (const ModuleResources& m : estimate.modules) {
      if (m.module != "flattening") kept_estimate += m.total();
    }
    print_row("all (modules kept)", kept_estimate, got);
  } else {
    print_row("ern_accel (flattened)", estimate.total, got);
  }
  report["estimate"] = resource_counts_json(estimate.total);
  report["yosys"] = resource_counts_json(got);
  report["lut_error_percent"] = got.lut ? 100.0 * (estimate.total.lut - got.lut) / got.lut : 0.0;
  report["ff_error_percent"] = got.ff ? 100.0 * (estimate.total.ff - got.ff) / got.ff : 0.0;
  fmt::print("\nYosys took {:.0f} s; the estimate is calibrated on {} ({})\n", measured.value("yosys_seconds", 0.0),
             resource_calibration().path, resource_calibration().yosys);
  report["depth"] = print_depths(measured.value("depth", nlohmann::json()));
  std::vector<ResourceUse> use;
  if (device) {
    use = device_use(got, *device);
    fmt::print("\nYosys's counts {}", device_use_table(use, *device));
    report["device"] = device_use_json(use, *device);
  }
  if (vm.count("report")) report.write(vm["report"].as<std::string>());
  if (got.dsp != 0) {
    fmt::print(stderr, "ernsim synth: {} DSP blocks: the design must not need multipliers\n", got.dsp);
    return kExitFailed;
  }
  if (device && !fits(use)) return kExitFailed;
  return status == 0 ? kExitSuccess : kExitFailed;
}

}  // namespace ernsim::cli
