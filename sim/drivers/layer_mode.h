// Runs one layer of an integer network on the layer engine: plans it into jobs that fit the
// configured buffers (tiles of output rows x ranges of output-channel groups), fills the buffers
// through the host port, runs every job and reads the outputs back into tensors for the
// scoreboard. The buffer layouts are documented in docs/rtl.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "job_descriptor.h"
#include "models/network.h"
#include "models/tensor.h"
#include "sim/testbench/engine_port.h"
#include "sim/hw_config.h"

namespace ernsim {

// A layer with its inputs: the network's layer and the golden input tensors (or, for random
// regressions, made-up ones). Which outputs are produced follows the layer (out_act, out_int,
// out_sum >= 0).
struct LayerCase {
  std::string name;
  const Layer* layer = nullptr;
  const ActTensor* input = nullptr;     // 2-bit activations, or the image of the pixel embedding
  const IntTensor* residual = nullptr;  // the stream added when layer->residual >= 0
};

struct LayerOutputs {
  ActTensor act;     // out_act (and the embedding's output)
  IntTensor stream;  // out_int
  IntTensor sums;    // out_sum, C x 1 x 1
};

struct LayerRunStats {
  uint64_t cycles = 0;            // compute: the jobs, start to done
  uint64_t predicted_cycles = 0;  // the same from the timing model (docs/rtl.md)
  uint64_t port_cycles = 0;       // filling and reading the buffers
  int jobs = 0;
  uint64_t overflows = 0;         // stream values that did not fit the stream width
  bool tile_error = false;
};

// The jobs of a layer, in the order they run. Throws Error when even one output row of one
// channel group does not fit the buffers.
struct JobPlan {
  JobDescriptor desc;
  int out_y0 = 0, out_rows = 0;  // output rows of the job
  int og0 = 0, og_count = 0;     // output-channel groups of the job
  int in_y0 = 0, in_rows = 0;    // input rows it needs in the buffer
  int blocks = 0;                // 64-lane output blocks its channel groups touch
  bool read_sums = false;        // the last row tile of its channels: the class sums are complete
};
// What a job may use of each buffer (entries): the whole buffers for layer-by-layer runs, half of
// each for programs, whose neighbouring jobs alternate halves. max_rows caps the output rows of a
// job (0: no cap), so that a layer splits into several jobs whose loads and stores overlap.
struct TileBudget {
  int act = 0, wgt = 0, thr = 0, str = 0, out = 0, sum = 0, img = 0;
  int max_rows = 0;
};
TileBudget full_budget(const HwConfig& config);
TileBudget half_budget(const HwConfig& config);

std::vector<JobPlan> plan_layer(const HwConfig& config, const LayerCase& layer_case, const TileBudget& budget);

// Encodings of buffer entries, shared by the layer-by-layer driver and the program compiler.
// Thresholds of output-channel group og: channels past the layer's get a constant 0, so that the
// lanes they fill in 64-lane words read as zero activations.
std::vector<uint64_t> threshold_entry(const HwConfig& config, const std::vector<Quantizer>& quantizers, int og);
// The weight entry of group og at tap t and input block b: one 64-bit word per channel.
std::vector<uint64_t> weight_entry(const HwConfig& config, const BinaryWeights& weights, int og, int tap, int block);

LayerOutputs run_layer(EnginePort& port, const HwConfig& config, const LayerCase& layer_case,
                       LayerRunStats& stats);

// The timing model of the engine: cycles of a job from the start pulse to the done pulse.
uint64_t predicted_job_cycles(const JobDescriptor& desc);

// Reads the engine's capability words and throws Error unless they match the configuration.
void check_engine_config(EnginePort& port, const HwConfig& config);

}  // namespace ernsim
