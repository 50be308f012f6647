// Simulation speed of the layer engine in the SystemC testbench (see bench/engine_bench_layer.h).
#include "bench/engine_bench_layer.h"
#include "sim/testbench/sc_testbench.h"

int main(int argc, char** argv) {
  try {
    return ernsim::run_engine_bench("SystemC", argc, argv, [](const ernsim::HwConfig& config, const auto& body) {
      ernsim::run_sc_engine(config, {}, body);
    });
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
}
