// The layer of the engine benchmark: a 3x3, 256 -> 256 channel conv on a 16 x 16 map (stride 1,
// 2-bit output), repeated, driven through an EnginePort by the same driver either harness uses.
#pragma once

#include <fmt/core.h>

#include <cstdlib>
#include <ctime>
#include <functional>
#include <random>

#include "models/kernels/binary_conv.h"
#include "models/kernels/threshold_activation.h"
#include "sim/drivers/layer_mode.h"
#include "sim/hw_config.h"

namespace ernsim {

// CPU seconds of this process (the simulation is one thread): its own speed, however many other
// processes share the machine.
inline double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

inline int run_engine_bench(
    const char* harness, int argc, char** argv,
    const std::function<void(const HwConfig&, const std::function<void(EnginePort&)>&)>& simulate) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 10;
  const HwConfig config = load_hw_config("default");
  std::mt19937_64 rng(42);
  Layer layer;
  layer.kind = LayerKind::kConv;
  layer.stride = 1;
  layer.pad = 1;
  layer.weights = BinaryWeights(256, 256, 3);
  for (int o = 0; o < 256; ++o) {
    for (int i = 0; i < 256; ++i) {
      for (int t = 0; t < 9; ++t) layer.weights.set_sign(o, i, t / 3, t % 3, (rng() & 1) ? 1 : -1);
    }
  }
  layer.out_act = 0;
  layer.quantizers.assign(256, Quantizer{ActMode::kIncreasing, {-30, 0, 30}, 0});
  ActTensor input(256, 16, 16);
  for (auto& v : input.data()) v = static_cast<uint8_t>(rng() & 3);
  const ActTensor expected =
      threshold_activation(binary_conv_reference(input, layer.weights, {1, 1}), layer.quantizers);

  uint64_t compute_cycles = 0, total_cycles = 0;
  double compute_seconds = 0;
  bool exact = true;
  const double start = cpu_seconds();
  simulate(config, [&](EnginePort& port) {
    const uint64_t first = port.cycle();
    for (int r = 0; r < repeats; ++r) {
      LayerRunStats stats;
      // Time the jobs alone as well: the driver's own work between them is not the simulator's.
      const double t0 = cpu_seconds();
      const LayerOutputs out = run_layer(port, config, {"bench", &layer, &input, nullptr}, stats);
      compute_seconds += (cpu_seconds() - t0) * static_cast<double>(stats.cycles) /
                         static_cast<double>(stats.cycles + stats.port_cycles);
      compute_cycles += stats.cycles;
      exact &= out.act == expected;
    }
    total_cycles = port.cycle() - first;
  });
  const double seconds = cpu_seconds() - start;
  if (!exact) {
    fmt::print(stderr, "error: the engine's output differs from the reference\n");
    return 1;
  }
  fmt::print("{} harness, configuration {}: {} x 3x3 256->256 on 16x16: {} cycles ({} compute) in {:.3f} CPU s: "
             "{:.0f} cycles/s\n",
             harness, config.name, repeats, total_cycles, compute_cycles, seconds,
             static_cast<double>(total_cycles) / seconds);
  return 0;
}

}  // namespace ernsim
