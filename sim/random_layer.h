// Random layer cases for RTL regressions: one in ten a pixel embedding with arbitrary (learned)
// tables over images with many zero pixels; the others convolutions: shapes, strides, kernels, channel counts (including
// the 30-channel embedding output and counts that are not multiples of 64), residual on or off,
// every output kind, and thresholds in every mode, calibrated on the case's own values so that all
// four levels occur. Expected outputs come from the reference kernels. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string>

#include "models/network.h"
#include "models/tensor.h"
#include "sim/hw_config.h"
#include "sim/drivers/layer_mode.h"

namespace ernsim {

struct RandomLayerCase {
  uint64_t seed = 0;
  std::string description;
  Layer layer;
  ActTensor input;
  IntTensor residual;
  LayerOutputs expected;

  LayerCase view() const;
};

RandomLayerCase make_random_layer(uint64_t seed, const HwConfig& config);

}  // namespace ernsim
