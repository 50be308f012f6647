// `ernsim config check FILE|NAME`: validates a hardware configuration against the schema and says
// what ernsim can do with it (run it on a compiled RTL, or only estimate it).
#include <fmt/core.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/input_file.h"
#include "sim/device.h"
#include "sim/estimators/resource_model.h"
#include "sim/hw_config.h"
#include "sim/testbench/sc_testbench.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

namespace {

constexpr const char* kUsage =
    "usage: ernsim config check FILE.json|NAME\n"
    "       ernsim config check --device FILE.json|NAME\n\n"
    "Checks a hardware configuration strictly: every key known (a misspelt one is named with the\n"
    "closest valid key), every value of its type and in its range (docs/accelerator.md). Prints the\n"
    "derived sizes and whether a compiled RTL has its parameters (then `ernsim run` can simulate it;\n"
    "`estimate` and `sweep` take any valid configuration). With --device (or a file with a \"part\"\n"
    "key) it checks an FPGA device (devices/, docs/estimators.md) the same way. Exit status 0 when\n"
    "valid, 2 when not.";

}  // namespace

int run_config(int argc, char** argv) {
  po::options_description options("config options");
  // clang-format off
  options.add_options()("action", po::value<std::string>(), "check")("file", po::value<std::string>(), "configuration")(
      "device", "check an FPGA device (a name in devices/ or a file) instead of a configuration");
  // clang-format on
  po::positional_options_description positional;
  positional.add("action", 1).add("file", 1);
  po::variables_map vm;
  if (!parse_command(argc, argv, kUsage, options, vm, &positional)) return kExitSuccess;
  if (!vm.count("action") || vm["action"].as<std::string>() != "check") {
    fail("expected `ernsim config check FILE` (see --help)");
  }
  if (!vm.count("file")) fail("config check: which configuration? (a file or a name in configs/)");
  const std::string file = vm["file"].as<std::string>();
  // A device file says so by its "part"; a device name needs --device (configs/ and devices/ may
  // share a name, such as kv260).
  bool is_device = vm.count("device") > 0;
  if (!is_device &&
      (file.find('/') != std::string::npos || (file.size() > 5 && file.substr(file.size() - 5) == ".json"))) {
    const nlohmann::json j = parse_json_file(file, "configuration or device");
    is_device = j.is_object() && j.contains("part");
  }
  if (is_device) {
    const Device d = load_device(file);
    fmt::print("{}: valid device '{}' ({}, family {})\n", d.path, d.name, d.part, family_name(d.family));
    fmt::print("  LUT {:.0f}, FF {:.0f}, BRAM18 {:.0f}, URAM {:.0f}, DSP {:.0f}\n", d.budget.lut, d.budget.ff,
               d.budget.bram18, d.budget.uram, d.budget.dsp);
    return kExitSuccess;
  }
  const HwConfig config = load_hw_config(vm["file"].as<std::string>());
  fmt::print("{}: valid configuration '{}'\n", config.path, config.name);
  fmt::print("  {} MACs/cycle ({} output channels x {} pixels x 64 lanes), memory port {} bytes, "
             "memory {} B/cycle after {} cycles\n",
             config.macs_per_cycle(), config.pe_out, config.pe_pix, config.mem_bytes, config.memory.bytes_per_cycle,
             config.memory.latency_cycles);
  fmt::print("  accumulator {} bits, stream {} bits, thresholds {} bits\n", config.acc_width(), config.stream_width,
             config.thr_width());
  fmt::print("  resources (estimate): {}\n", estimate_resources(config).summary());
  try {
    const CompiledEngine& engine = matching_engine(config);
    fmt::print("  RTL: compiled in as '{}': `ernsim run --config {}` simulates it\n", engine.name,
               vm["file"].as<std::string>());
  } catch (const Error& e) {
    fmt::print("  RTL: not compiled in; `ernsim estimate` and `sweep` take it, `run` needs a rebuild ({})\n", e.what());
  }
  return kExitSuccess;
}

}  // namespace ernsim::cli
