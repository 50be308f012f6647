// Random layer cases for RTL regressions: one in ten a pixel embedding with arbitrary (learned)
// tables over images with many zero pixels; the others convolutions: shapes, strides, kernels, channel counts
// (including the 30-channel embedding output and counts that are not multiples of 64), residual on or off, every output
// kind, and thresholds in every mode, calibrated on the case's own values so that all four levels occur. Expected
// outputs come from the reference kernels. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string>

#include "models/layer_case.h"
#include "models/network.h"
#include "models/tensor.h"

namespace ernsim {

// What of the engine a random layer must fit (the hardware configuration's, sim/hw_config.h).
struct RandomLayerBounds {
  int pe_out = 0;                               // output channels per group: channel counts around its multiples
  int max_in_blocks = 0;                        // input channels in blocks of 64
  int stream_width = 0;                         // residual values stay within it
  int embed_colours = 0, embed_per_colour = 0;  // the pixel embedding's shape
};

struct RandomLayerCase {
  uint64_t seed = 0;
  std::string description;
  Layer layer;
  ActTensor input;
  IntTensor residual;
  LayerOutputs expected;

  LayerCase view() const;
};

RandomLayerCase make_random_layer(uint64_t seed, const RandomLayerBounds& bounds);

}  // namespace ernsim
