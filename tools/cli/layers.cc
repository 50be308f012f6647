// `ernsim layers`: layers of a model, one at a time, on the Verilated layer engine in the SystemC
// testbench, each fed the golden input of that layer and checked bit for bit.
#include <fmt/core.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/golden.h"
#include "sim/drivers/golden_layers.h"
#include "sim/hw_config.h"
#include "sim/reports/report.h"
#include "sim/testbench/sc_testbench.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

namespace {

constexpr const char* kUsage =
    "usage: ernsim layers [--model FILE.onnx|zoo:NAME] [--size N] [--layer K | --all] [--config HW]\n"
    "                     [--input IMAGES.npy] [--image I] [--trace FILE.fst|FILE.vcd --trace-window A:B]\n"
    "                     [--report R.json] [--watchdog N]\n\n"
    "Runs layers of a model on the RTL layer engine (Verilated, in the SystemC testbench), each fed\n"
    "the golden input of that layer, and compares every output with the golden model. Prints a table\n"
    "(layer, shape, cycles, MACs, PE utilization, mismatches) and exits non-zero on any mismatch.";

}  // namespace

int run_layers(int argc, char** argv) {
  po::options_description options("layers options");
  add_model_options(options);
  add_engine_options(options);
  // clang-format off
  options.add_options()
      ("layer", po::value<std::string>(), "run only layer K (see `ernsim info`)")
      ("all", po::bool_switch(), "run every layer (the default)")
      ("input", po::value<std::string>(), "images, uint8 N x 3 x H x W .npy (default: synthetic)")
      ("image", po::value<std::string>()->default_value("0"), "which image of the input feeds the layers (0-based)")
      ("report", po::value<std::string>(), "write a JSON report");
  // clang-format on
  po::variables_map vm;
  if (!parse_command(argc, argv, kUsage, options, vm)) return 0;
  if (vm.count("layer") && vm["all"].as<bool>()) fail("--layer and --all exclude each other");
  if (vm.count("report")) check_output_path(vm["report"].as<std::string>(), "--report");
  const HwConfig config = load_hw_config(vm["config"].as<std::string>());
  const SimOptions sim = sim_options(vm);

  const Network net = load_model(vm);
  const std::vector<ActTensor> images = load_images(vm, net);
  const uint64_t image = uint_option(vm, "image", {0, kImagesRange.hi - 1});
  if (image >= images.size()) {
    fail("--image {}: the input has {} image(s)", image, images.size());
  }
  std::vector<int> layers;
  if (vm.count("layer")) {
    const int k = static_cast<int>(uint_option(vm, "layer", kLayerRange));
    if (k >= static_cast<int>(net.layers.size()))
      fail("--layer {}: {} has layers 0..{}", k, net.name, net.layers.size() - 1);
    layers.push_back(k);
  } else {
    for (int k = 0; k < static_cast<int>(net.layers.size()); ++k) layers.push_back(k);
  }
  const GoldenResult golden = run_golden(net, images[image]);

  fmt::print("{} on configuration {} ({} MACs/cycle), image {}\n\n", net.name, config.name, config.macs_per_cycle(),
             image);
  fmt::print("{:>3} {:<30} {:<24} {:<7} {:>10} {:>12} {:>6} {:>5} {:>10}\n", "#", "layer", "shape", "kernel", "cycles",
             "MACs", "util", "jobs", "mismatches");
  Scoreboard scoreboard;
  std::vector<LayerReport> reports;
  run_sc_engine(config, sim, [&](EnginePort& port) {
    check_engine_config(port, config);
    for (int k : layers) {
      const std::vector<LayerReport> r = run_network_layers(port, config, net, golden, {k}, scoreboard);
      const LayerReport& l = r.front();
      fmt::print("{:>3} {:<30} {:<24} {:<7} {:>10} {:>12} {:>5.1f}% {:>5} {:>10}\n", l.index, l.name, l.shape, l.kind,
                 l.stats.cycles, l.macs, 100 * l.utilization, l.stats.jobs, l.mismatches);
      std::fflush(stdout);
      reports.push_back(l);
    }
  });

  uint64_t cycles = 0, predicted = 0;
  int64_t macs = 0;
  for (const LayerReport& r : reports) {
    cycles += r.stats.cycles;
    predicted += r.stats.predicted_cycles;
    macs += r.macs;
  }
  const double utilization = config.utilization(macs, cycles);
  fmt::print("\ntotal: {} cycles (timing model: {}), {} MACs, {:.1f}% PE utilization, {} mismatches\n", cycles,
             predicted, macs, 100 * utilization, scoreboard.mismatches());
  if (!sim.trace_path.empty()) fmt::print("trace written to {}\n", sim.trace_path);

  if (vm.count("report")) {
    JsonReport j(&config);
    j.add_model(net, config);
    j["total_cycles"] = cycles;
    j["predicted_cycles"] = predicted;
    j["macs"] = macs;
    j["utilization"] = utilization;
    j.add_scoreboard(scoreboard);
    j["layers"] = nlohmann::json::array();
    for (const LayerReport& r : reports) {
      j["layers"].push_back({{"index", r.index},
                             {"name", r.name},
                             {"shape", r.shape},
                             {"kernel", r.kind},
                             {"cycles", r.stats.cycles},
                             {"predicted_cycles", r.stats.predicted_cycles},
                             {"port_cycles", r.stats.port_cycles},
                             {"jobs", r.stats.jobs},
                             {"macs", r.macs},
                             {"utilization", r.utilization},
                             {"mismatches", r.mismatches}});
    }
    j.write(vm["report"].as<std::string>());
  }
  if (!scoreboard.passed()) {
    fmt::print(stderr, "{}", scoreboard.report());
    fmt::print(stderr, "ernsim layers: FAILED: {} mismatches, {} errors\n", scoreboard.mismatches(),
               scoreboard.errors().size());
    return kExitFailed;
  }
  fmt::print("PASSED: every output bit-exact\n");
  return 0;
}

}  // namespace ernsim::cli
