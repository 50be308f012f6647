// The SystemC testbench of the layer engine: the Verilated RTL, a clock, and a driver thread that
// gives the C++ driver (layer_runner) an EnginePort. Tracing (FST, or VCD converted from FST) is
// compiled in and switched on at run time for a window of cycles; a watchdog turns a job that
// makes no progress for N cycles into an error naming the stuck state.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "sim/engine_port.h"
#include "sim/hw_config.h"

namespace ernsim {

struct SimOptions {
  std::string trace_path;  // .fst (default format) or .vcd; empty for no trace
  uint64_t trace_from = 0;  // first cycle traced
  uint64_t trace_to = std::numeric_limits<uint64_t>::max();  // cycle the trace stops at
  uint64_t watchdog_cycles = 100000;  // a job without progress for this long is an error
};

// Elaborates the SystemC testbench for the configuration's compiled RTL, runs `body` in its driver
// thread and returns when the body has finished; rethrows what the body threw. SystemC elaborates
// once per process, so this can be called once. Throws Error when the configuration's RTL is not
// compiled into this program.
void run_sc_engine(const HwConfig& config, const SimOptions& options, const std::function<void(EnginePort&)>& body);

// Configurations whose RTL this program contains.
std::vector<std::string> compiled_engine_configs();

// Parses "A:B" (cycles, B exclusive, either side may be empty) for --trace-window.
void parse_trace_window(const std::string& text, SimOptions& options);

}  // namespace ernsim
