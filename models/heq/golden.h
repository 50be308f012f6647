// The HEQ golden model: runs an integer HEQ network on one image with the reference kernels or the
// packed fast path, keeping every tensor so that the RTL can be compared layer by layer.
#pragma once

#include <utility>
#include <vector>

#include "models/golden.h"
#include "models/heq/network.h"
#include "models/tensor.h"

namespace ernsim::heq {

struct GoldenResult {
  // By tensor id: act[id] for maps (image, binary, 2-bit, gates), ints[id] for kInt tensors.
  std::vector<ActTensor> act;
  std::vector<IntTensor> ints;
  std::vector<int32_t> class_sums;
  // logit[k] = scale[k] * sum[k] + bias[k] in float64, rounded once to float32.
  std::vector<float> logits;
  // By layer: [min, max] of a conv's or the FC's accumulator on this image; {0, 0} for the others.
  std::vector<std::pair<int32_t, int32_t>> acc_range;
};

// options.keep_tensors false drops every map once no later layer reads it.
GoldenResult run_golden(const Network& net, const ActTensor& image, const GoldenOptions& options = {});

}  // namespace ernsim::heq
