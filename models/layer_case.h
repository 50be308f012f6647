// A layer with its inputs and what it produces: the unit the layer-mode driver runs and the random
// layer generator makes.
#pragma once

#include <string>

#include "models/network.h"
#include "models/tensor.h"

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

}  // namespace ernsim
