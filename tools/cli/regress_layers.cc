// `ernsim regress-layers`: random layer configurations on the RTL layer engine, each checked bit
// for bit against the reference kernels; failing seeds are printed so that each can be rerun alone.
#include <fmt/core.h>

#include "models/error.h"
#include "sim/random_layer.h"
#include "sim/sc_engine.h"
#include "sim/scoreboard.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

int run_regress_layers(int argc, char** argv) {
  po::options_description options("regress-layers options");
  add_engine_options(options);
  options.add_options()
      ("count", po::value<int>()->default_value(100), "number of random layers")
      ("seed", po::value<uint64_t>()->default_value(1), "seed of the first layer; layer i uses seed + i")
      ("verbose,v", po::bool_switch(), "print every case, not only failures");
  po::variables_map vm;
  if (!parse_command(argc, argv,
                     "usage: ernsim regress-layers [--count N] [--seed S] [--config HW] [--verbose]\n\n"
                     "Random layer configurations (shapes, strides, kernels, channel counts, thresholds in every\n"
                     "mode, residual on and off) on the RTL layer engine, checked against the reference kernels.\n"
                     "Each failing seed is printed with the command that reruns it alone.",
                     options, vm)) {
    return 0;
  }
  const int count = vm["count"].as<int>();
  if (count < 1) fail("--count {}: expected at least 1", count);
  const uint64_t seed = vm["seed"].as<uint64_t>();
  const bool verbose = vm["verbose"].as<bool>();
  const HwConfig config = load_hw_config(vm["config"].as<std::string>());

  std::vector<uint64_t> failing;
  uint64_t cycles = 0;
  run_sc_engine(config, sim_options(vm), [&](EnginePort& port) {
    check_engine_config(port, config);
    for (int i = 0; i < count; ++i) {
      const RandomLayerCase c = make_random_layer(seed + static_cast<uint64_t>(i), config);
      const LayerCase lc = c.view();
      LayerRunStats stats;
      const LayerOutputs got = run_layer(port, config, lc, stats);
      Scoreboard scoreboard;
      if (c.layer.out_act >= 0) scoreboard.compare(lc.name, "act", c.expected.act, got.act);
      if (c.layer.out_int >= 0) scoreboard.compare(lc.name, "stream", c.expected.stream, got.stream);
      if (c.layer.out_sum >= 0) scoreboard.compare(lc.name, "sums", c.expected.sums, got.sums);
      if (stats.overflows) scoreboard.add_error(fmt::format("{} stream values overflowed", stats.overflows));
      if (stats.tile_error) scoreboard.add_error("the engine read outside its input tile");
      if (stats.cycles != stats.predicted_cycles) {
        scoreboard.add_error(fmt::format("{} cycles, the timing model says {}", stats.cycles, stats.predicted_cycles));
      }
      cycles += stats.cycles;
      if (!scoreboard.passed()) {
        failing.push_back(c.seed);
        fmt::print("FAIL seed {}: {}\n{}  rerun: ernsim regress-layers --count 1 --seed {} --config {}\n", c.seed,
                   c.description, scoreboard.report(), c.seed, config.name);
      } else if (verbose) {
        fmt::print("pass seed {}: {}, {} cycles in {} jobs\n", c.seed, c.description, stats.cycles, stats.jobs);
      }
      std::fflush(stdout);
    }
  });
  fmt::print("{} random layers on configuration {}: {} passed, {} failed ({} engine cycles)\n", count, config.name,
             count - static_cast<int>(failing.size()), failing.size(), cycles);
  if (!failing.empty()) {
    std::string seeds;
    for (uint64_t s : failing) seeds += fmt::format("{}{}", seeds.empty() ? "" : " ", s);
    fmt::print(stderr, "ernsim regress-layers: FAILED seeds: {}\n", seeds);
    return 1;
  }
  return 0;
}

}  // namespace ernsim::cli
