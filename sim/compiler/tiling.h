// Tiling: a layer as jobs that fit the configured buffers (tiles of output rows x ranges of
// output-channel groups, or tiles of rows of the pixel embedding), each with its job descriptor.
// The layer-mode driver tiles with the whole buffers, the program compiler with half of each.
#pragma once

#include <vector>

#include "job_descriptor.h"
#include "models/layer_case.h"
#include "sim/hw_config.h"

namespace ernsim {

// Shape of a conv layer case.
struct ConvShape {
  int in_c, in_h, in_w;
  int out_c, out_h, out_w;
  int k, stride, pad, taps, blocks;
  bool residual, write_act, write_stream, write_sum;
};
ConvShape conv_shape(const LayerCase& layer_case);

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

}  // namespace ernsim
