// Binary convolution (ern-semantics.md 2.2), the reference kernel:
//   acc[o, y, x] = sum over (i, ky, kx) of b[o, i, ky, kx] * q[i, y*stride + ky - pad, x*stride + kx - pad]
// with b in {-1, +1}, q in {0..3} and zero padding. |acc| <= 3 * kernel^2 * in_channels, which is
// 55,296 for the largest ERN layer (3x3 over 2048 channels), so int32 is ample.
#pragma once

#include "models/tensor.h"
#include "models/weights.h"

namespace ernsim {

struct ConvParams {
  int stride = 1;
  int pad = 0;
};

IntTensor binary_conv_reference(const ActTensor& input, const BinaryWeights& weights, const ConvParams& params);

}  // namespace ernsim
