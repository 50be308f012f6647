// The SystemC testbench of the accelerator: the Verilated RTL, a clock, the memory model, and a
// driver thread that gives the C++ driver an EnginePort (the engine, layer by layer) and an
// AccelPort (registers and memory, whole programs). Tracing (FST, or VCD converted from FST) is
// compiled in and switched on at run time for a window of cycles; a watchdog turns a run that
// makes no progress for N cycles into an error naming the stuck state.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>

#include "sim/hw_config.h"
#include "sim/testbench/accel_port.h"
#include "sim/testbench/engine_port.h"
#include "sim/testbench/memory.h"

namespace ernsim {

struct SimOptions {
  std::string trace_path;                                    // .fst (default format) or .vcd; empty for no trace
  uint64_t trace_from = 0;                                   // first cycle traced
  uint64_t trace_to = std::numeric_limits<uint64_t>::max();  // cycle the trace stops at
  uint64_t watchdog_cycles = 100000;                         // a job without progress for this long is an error
  // A whole program running longer than this is an error too (0: no limit): a DMA or engine that
  // loops makes progress of a kind (beats, steps) and would never trip the watchdog alone.
  uint64_t program_cycle_limit = 0;
  int trace_layer = -1;      // trace while the first run of a program computes this layer (not a window)
  double clock_mhz = 100.0;  // the testbench clock, so that a trace's times are real times
  // Called when the compute stage of a program leaves a layer (progress; costs nothing otherwise).
  std::function<void()> on_layer_done;
};

// The clock period in picoseconds (the kernel's time resolution, which the Verilated models'
// 1 ps precision fixes): 1/clock_mhz to the nearest picosecond. Throws Error outside 1..100000 MHz.
uint64_t clock_period_ps(double clock_mhz);

// Both ways into the simulated accelerator.
class SimPorts : public EnginePort, public AccelPort {};

// Elaborates the SystemC testbench for the configuration's compiled RTL with `memory` behind the
// memory model (timing from the configuration), runs `body` in its driver thread and returns when
// the body has finished; rethrows what the body threw. SystemC elaborates once per process, so
// this can be called once. Throws Error when no compiled RTL has the configuration's parameters.
void run_sc_sim(const HwConfig& config, const SimOptions& options, Memory& memory,
                const std::function<void(SimPorts&)>& body);

// The same for layer-by-layer runs, which need no memory.
void run_sc_engine(const HwConfig& config, const SimOptions& options, const std::function<void(EnginePort&)>& body);

// Configurations whose RTL this program contains.
std::vector<std::string> compiled_engine_configs();

// A compiled RTL model: the configuration it was made from and its Verilog parameters.
struct CompiledEngine {
  std::string name;
  std::map<std::string, int64_t> rtl;
};
std::vector<CompiledEngine> compiled_engines();

// The compiled model whose RTL parameters are exactly the configuration's (its name may differ);
// throws Error naming the closest model's differing parameters when there is none.
const CompiledEngine& matching_engine(const HwConfig& config);

// Parses "A:B" (cycles, B exclusive, either side may be empty) for --trace-window.
void parse_trace_window(const std::string& text, SimOptions& options);

}  // namespace ernsim
