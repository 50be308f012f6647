// The packed fast path of the golden model: binary convolution on bit planes with AND + popcount,
// 64 input channels per step, as the PE computes it (ern-semantics.md 2.2):
//   acc = sum over taps and blocks of  2 * (pc(q0 & w) + 2 pc(q1 & w)) - (pc(q0) + 2 pc(q1))
// where w are the weight sign bits (1 for +1). Tested equal to the reference kernels.
#pragma once

#include <vector>

#include "models/kernels/binary_conv.h"
#include "models/kernels/packed.h"
#include "models/quantizer.h"
#include "models/tensor.h"
#include "models/weights.h"

namespace ernsim {

IntTensor binary_conv_packed(const PackedAct& input, const BinaryWeights& weights,
                             const ConvParams& params);

// pack(threshold_activation(v, quantizers)) in one pass.
PackedAct threshold_activation_packed(const IntTensor& v, const std::vector<Quantizer>& quantizers);

// acc += residual, element by element.
void add_residual_in_place(IntTensor& acc, const IntTensor& residual);

// Which implementation binary_conv_packed uses on this CPU ("avx512" or "scalar").
const char* packed_conv_isa();

}  // namespace ernsim
