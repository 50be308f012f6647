// Convolution with multi-level weight codes (heq-semantics.md section 2), the reference kernel:
//   acc[o, y, x] = sum over (i, ky, kx) of k[o, i, ky, kx] * a[i, y + ky - pad, x + kx - pad]
// with codes k in [-3, 3] (or binary), activations a of 1, 2 or 8 bits and zero padding, stride 1.
// |acc| <= 3 * 255 * 9 * in_channels, far inside int32 for any channel count the network allows.
#pragma once

#include "models/heq/network.h"
#include "models/tensor.h"

namespace ernsim::heq {

IntTensor multilevel_conv_reference(const ActTensor& input, const CodeWeights& weights, int pad);

// The classifier: sum[k] = sum_j K[k, j] * in[j] over the input flattened in C, H, W order (as ONNX
// Flatten does); `input` is an activation map or (after a global sum) C x 1 x 1 integers.
IntTensor fully_connected_reference(const std::vector<int32_t>& flat_chw, const CodeWeights& weights);
template <typename T>
std::vector<int32_t> flatten_chw(const Tensor<T>& t) {
  std::vector<int32_t> flat(t.size());
  tensor_to_chw(t, flat.data());
  return flat;
}

}  // namespace ernsim::heq
