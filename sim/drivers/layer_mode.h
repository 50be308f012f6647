// The layer-mode driver: runs one layer of an integer network on the layer engine through its
// debug port: tiles it into jobs with the whole buffers (sim/compiler/tiling.h), fills the buffers,
// runs every job and reads the outputs back into tensors for the scoreboard. The buffer layouts are
// documented in docs/rtl.md.
#pragma once

#include <cstdint>

#include "models/layer_case.h"
#include "sim/hw_config.h"
#include "sim/testbench/engine_port.h"

namespace ernsim {

struct LayerRunStats {
  uint64_t cycles = 0;            // compute: the jobs, start to done
  uint64_t predicted_cycles = 0;  // the same from the timing model (docs/rtl.md)
  uint64_t port_cycles = 0;       // filling and reading the buffers
  int jobs = 0;
  uint64_t overflows = 0;  // stream values that did not fit the stream width
  bool tile_error = false;
};

LayerOutputs run_layer(EnginePort& port, const HwConfig& config, const LayerCase& layer_case, LayerRunStats& stats);

// Reads the engine's capability words and throws Error unless they match the configuration.
void check_engine_config(EnginePort& port, const HwConfig& config);

}  // namespace ernsim
