// Simulation speed of the same RTL in a plain C++ Verilator harness (see bench/engine_bench_layer.h).
#include "Vern_accel_cc_default.h"
#include "bench/engine_bench_layer.h"
#include "sim/testbench/cc_harness.h"

int main(int argc, char** argv) {
  try {
    return ernsim::run_engine_bench("plain C++", argc, argv, [](const ernsim::HwConfig&, const auto& body) {
      ernsim::CcEngine<Vern_accel_cc_default> engine;
      body(engine);
    });
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
}
