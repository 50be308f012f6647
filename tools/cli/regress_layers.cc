// `ernsim regress-layers`: random layer configurations on the RTL layer engine, each checked bit
// for bit against the reference kernels; failing seeds are printed so that each can be rerun alone.
#include <fmt/core.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/npy.h"
#include "models/random_layer_case.h"
#include "sim/drivers/layer_mode.h"
#include "sim/drivers/scoreboard.h"
#include "sim/reports/report.h"
#include "sim/testbench/sc_testbench.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

namespace {

// A case on disk: inputs (C x H x W), weights (O x I x k x k signs), thresholds, and the expected
// and actual outputs, for a look without ernsim.
void save_case(const std::string& dir, const RandomLayerCase& c, const LayerOutputs& got,
               const Scoreboard& scoreboard) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail("--save-case {}: cannot create the directory ({})", dir, ec.message());
  auto save_act = [&](const std::string& name, const ActTensor& t) {
    std::vector<uint8_t> flat(static_cast<size_t>(t.channels()) * t.height() * t.width());
    tensor_to_chw(t, flat.data());
    write_npy(dir + "/" + name, NpyType::kUint8, {t.channels(), t.height(), t.width()}, flat.data());
  };
  auto save_int = [&](const std::string& name, const IntTensor& t) {
    std::vector<int32_t> flat(static_cast<size_t>(t.channels()) * t.height() * t.width());
    tensor_to_chw(t, flat.data());
    write_npy(dir + "/" + name, NpyType::kInt32, {t.channels(), t.height(), t.width()}, flat.data());
  };
  const Layer& l = c.layer;
  save_act("input.npy", c.input);
  if (!l.is_conv()) {
    // A pixel embedding: its tables (channel x pixel value) instead of weights and thresholds.
    std::vector<uint8_t> levels;
    for (const auto& table : l.table) levels.insert(levels.end(), table.begin(), table.end());
    write_npy(dir + "/tables.npy", NpyType::kUint8, {static_cast<int>(l.table.size()), 256}, levels.data());
    save_act("expected_act.npy", c.expected.act);
    save_act("got_act.npy", got.act);
    write_text_file(
        dir + "/case.txt",
        fmt::format("seed {}: {}\n{}", c.seed, c.description, scoreboard.passed() ? "passed\n" : scoreboard.report()),
        "--save-case");
    return;
  }
  const BinaryWeights& w = l.weights;
  std::vector<int32_t> signs;
  for (int o = 0; o < w.out_channels(); ++o) {
    for (int i = 0; i < w.in_channels(); ++i) {
      for (int ky = 0; ky < w.kernel(); ++ky) {
        for (int kx = 0; kx < w.kernel(); ++kx) signs.push_back(w.sign(o, i, ky, kx));
      }
    }
  }
  write_npy(dir + "/weights.npy", NpyType::kInt32, {w.out_channels(), w.in_channels(), w.kernel(), w.kernel()},
            signs.data());
  if (l.residual >= 0) save_int("residual.npy", c.residual);
  nlohmann::json thresholds = nlohmann::json::array();
  for (const Quantizer& q : l.quantizers) {
    thresholds.push_back({{"mode", q.mode == ActMode::kIncreasing   ? "increasing"
                                   : q.mode == ActMode::kDecreasing ? "decreasing"
                                                                    : "constant"},
                          {"thresholds", q.threshold},
                          {"level", q.level}});
  }
  write_text_file(dir + "/thresholds.json", thresholds.dump(1) + "\n", "--save-case");
  if (l.out_act >= 0) {
    save_act("expected_act.npy", c.expected.act);
    save_act("got_act.npy", got.act);
  }
  if (l.out_int >= 0) {
    save_int("expected_stream.npy", c.expected.stream);
    save_int("got_stream.npy", got.stream);
  }
  if (l.out_sum >= 0) {
    save_int("expected_sums.npy", c.expected.sums);
    save_int("got_sums.npy", got.sums);
  }
  write_text_file(dir + "/case.txt",
                  fmt::format("seed {}: {} (stride {}, pad {})\n{}", c.seed, c.description, l.stride, l.pad,
                              scoreboard.passed() ? "passed\n" : scoreboard.report()),
                  "--save-case");
}

}  // namespace

int run_regress_layers(int argc, char** argv) {
  po::options_description options("regress-layers options");
  add_engine_options(options);
  // clang-format off
  options.add_options()
      ("count", po::value<std::string>()->default_value("100"), with_range("number of random layers", kCountRange).c_str())
      ("seed", po::value<std::string>()->default_value("1"),
       with_range("seed of the first layer; layer i uses seed + i", kSeedRange).c_str())
      ("verbose,v", po::bool_switch(), "print every case, not only failures")
      ("report", po::value<std::string>(), "write a JSON report of every case")
      ("save-case", po::value<std::string>(), "write each case's inputs, expected and actual outputs into DIR/seed-S");
  // clang-format on
  po::variables_map vm;
  if (!parse_command(argc, argv,
                     "usage: ernsim regress-layers [--count N] [--seed S] [--config HW] [--verbose]\n"
                     "                             [--report R.json] [--save-case DIR] [--trace FILE]\n\n"
                     "Random layer configurations (shapes, strides, kernels, channel counts, thresholds in every\n"
                     "mode, residual on and off) on the RTL layer engine, checked against the reference kernels.\n"
                     "Each failing seed is printed with the command that reruns it alone.",
                     options, vm)) {
    return 0;
  }
  const int count = static_cast<int>(uint_option(vm, "count", kCountRange));
  const uint64_t seed = uint_option(vm, "seed", kSeedRange);
  if (seed > UINT64_MAX - static_cast<uint64_t>(count)) fail("--seed {}: seed + --count passes 2^64 - 1", seed);
  const bool verbose = vm["verbose"].as<bool>();
  const HwConfig config = load_hw_config(vm["config"].as<std::string>());
  if (vm.count("report")) check_output_path(vm["report"].as<std::string>(), "--report");
  if (vm.count("save-case")) check_output_dir(vm["save-case"].as<std::string>(), "--save-case");

  std::vector<uint64_t> failing;
  nlohmann::json cases = nlohmann::json::array();
  uint64_t cycles = 0;
  run_sc_engine(config, sim_options(vm), [&](EnginePort& port) {
    check_engine_config(port, config);
    for (int i = 0; i < count; ++i) {
      const RandomLayerCase c = make_random_layer(seed + static_cast<uint64_t>(i), config.random_layer_bounds());
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
      cases.push_back({{"seed", c.seed},
                       {"description", c.description},
                       {"passed", scoreboard.passed()},
                       {"mismatches", scoreboard.mismatches()},
                       {"errors", scoreboard.errors()},
                       {"cycles", stats.cycles},
                       {"predicted_cycles", stats.predicted_cycles},
                       {"jobs", stats.jobs}});
      if (vm.count("save-case")) {
        save_case(fmt::format("{}/seed-{}", vm["save-case"].as<std::string>(), c.seed), c, got, scoreboard);
      }
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
  if (vm.count("report")) {
    JsonReport report(&config);
    report.update(
        {{"config", config.name}, {"count", count}, {"seed", seed}, {"failed", failing.size()}, {"cases", cases}});
    report.write(vm["report"].as<std::string>());
  }
  if (!failing.empty()) {
    std::string seeds;
    for (uint64_t s : failing) seeds += fmt::format("{}{}", seeds.empty() ? "" : " ", s);
    fmt::print(stderr, "ernsim regress-layers: FAILED seeds: {}\n", seeds);
    return kExitFailed;
  }
  return 0;
}

}  // namespace ernsim::cli
