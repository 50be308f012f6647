// The latency model: how many cycles the accelerator takes for a program, per layer and in total,
// without simulating the RTL. It runs the same program (sim/compiler/program.h) on the same configuration
// and models the same dataflow, at the level of control and memory traffic only:
//   - compute: each job takes the engine's closed-form time (predicted_job_cycles, docs/rtl.md);
//   - memory traffic: the DMA commands of each job, span by span and beat by beat, on the memory
//     of memory_port.h (the very timing the SystemC memory model uses): bursts, reads in flight,
//     latency, the shared bandwidth, and the DMAs' rate of one buffer entry per cycle;
//   - overlaps and control: the controller's load -> compute -> store pipeline, its hand-offs and
//     read-after-write waits, and the same per-layer performance counters the RTL keeps.
// No data moves, and stretches where only the engine works are skipped in one step, which is what
// makes it fast (docs/PERFORMANCE.md). Alongside, each layer gets the first-order bounds an
// architect reasons with: compute cycles and memory cycles at the configured bandwidth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/network.h"
#include "sim/compiler/program.h"
#include "sim/drivers/program_mode.h"
#include "sim/hw_config.h"

namespace ernsim {

struct LayerBounds {
  uint64_t compute_cycles = 0;  // the engine's cycles for the layer's jobs
  uint64_t memory_cycles = 0;   // the layer's bytes read and written at the configured bandwidth
};

struct LatencyEstimate {
  uint64_t total_cycles = 0;           // from start to done, as the accelerator's cycle register
  std::vector<LayerRunReport> layers;  // the performance counters of the RTL, per layer
  std::vector<LayerBounds> bounds;     // by layer
  uint64_t modelled_cycles = 0;        // cycles stepped one by one (the rest were skipped)
};

struct LatencyOptions {
  // Skip stretches where only the engine works (the result is the same; tests compare).
  bool skip_compute = true;
};

// Estimates the program's run on the configuration (its memory timing included).
LatencyEstimate estimate_latency(const Network& net, const Program& program, const HwConfig& config,
                                 const LatencyOptions& options = {});

}  // namespace ernsim
