// `ernsim zoo`: the built-in model zoo, computed from the structure (no weights are built).
#include <fmt/core.h>

#include "models/heq/zoo.h"
#include "models/zoo.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

int run_zoo(int argc, char** argv) {
  po::options_description options("zoo options");
  // clang-format off
  options.add_options()("size", po::value<std::string>()->default_value(std::to_string(kDefaultZooSize)),
                        with_range("input size, a multiple of 32", kSizeRange).c_str());
  // clang-format on
  po::variables_map vm;
  if (!parse_command(argc, argv,
                     "usage: ernsim zoo [--size N]\n\nThe ERN and HEQ models that `--model zoo:NAME` builds "
                     "(seeded random weights, calibrated thresholds).",
                     options, vm)) {
    return 0;
  }
  const int size = static_cast<int>(uint_option(vm, "size", kSizeRange));
  fmt::print("ERN model zoo at {}x{} (1000 classes, k = 10 pixel embedding)\n\n", size, size);
  fmt::print("{:<13} {:<10} {:<9} {:>6} {:>12} {:>9} {:>11} {:>6} {:>10} {:>10}\n", "model", "block", "blocks", "convs",
             "weights MiB", "paper MiB", "GMAC", "GOPs", "paper FPS", "paper top1");
  for (const ZooModel& m : zoo_models()) {
    const ZooStats s = zoo_stats(m, size);
    fmt::print("{:<13} {:<10} {:<9} {:>6} {:>12.2f} {:>9.2f} {:>11.3f} {:>6.2f} {:>10.1f} {:>10.1f}\n", m.name,
               m.bottleneck ? "bottleneck" : "basic",
               fmt::format("{},{},{},{}", m.blocks[0], m.blocks[1], m.blocks[2], m.blocks[3]), s.conv_layers,
               s.weight_bits / 8.0 / (1 << 20), m.paper_weight_mib, s.macs / 1e9, 2.0 * s.macs / 1e9, m.paper_fps_256,
               m.paper_top1);
  }
  fmt::print("\nGOPs count a MAC as 2 operations. The paper's FPS are on a Xilinx KV260 at 256x256.\n");
  fmt::print("\nHEQ model zoo (heq-semantics.md; 10 classes; at their datasets' size unless --size is given)\n\n");
  fmt::print("{:<13} {:<9} {:>6} {:>7} {:>6} {:>12} {:>12} {:>10}\n", "model", "data", "input", "weights", "act",
             "conv params", "paper", "paper top1");
  for (const heq::ZooModel& m : heq::zoo_models()) {
    const bool cifar = m.family == heq::ZooFamily::kVggSmall;
    fmt::print("{:<13} {:<9} {:>6} {:>7} {:>6} {:>12} {:>12} {:>10.2f}\n", m.name, cifar ? "CIFAR-10" : "STL-10",
               fmt::format("{}x{}", m.default_size, m.default_size), fmt::format("n={}", m.levels),
               cifar ? "2-bit" : "binary", heq::zoo_conv_params(m), m.paper_conv_params, m.paper_top1);
  }
  fmt::print("\nConv parameters exclude the FC layer, as the paper counts them. Weights are seeded proxies\n"
             "quantized with the HEQ step (eq. 3); no trained weights exist, accuracy is not claimed.\n");
  return 0;
}

}  // namespace ernsim::cli
