// The packed fast path of the golden model: 2-bit activations as bit planes, binary convolution
// with AND + popcount, 64 input channels per step, as the PE computes it (ern-semantics.md 2.2):
//   acc = sum over taps and blocks of  2 * (pc(q0 & w) + 2 pc(q1 & w)) - (pc(q0) + 2 pc(q1))
// where w are the weight sign bits (1 for +1). Every function here equals its reference kernel
// (tests/kernels_test.cc); the reference kernels stay the definition.
#pragma once

#include <array>
#include <vector>

#include "models/kernels/binary_conv.h"
#include "models/kernels/packed.h"
#include "models/quantizer.h"
#include "models/tensor.h"
#include "models/weights.h"

namespace ernsim {

IntTensor binary_conv_packed(const PackedAct& input, const BinaryWeights& weights, const ConvParams& params);

// pack(threshold_activation(v, quantizers)) in one pass.
PackedAct threshold_activation_packed(const IntTensor& v, const std::vector<Quantizer>& quantizers);

// pack(pixel_embedding(image, source_channel, table)) in one pass.
PackedAct pixel_embedding_packed(const ActTensor& image, const std::vector<int>& source_channel,
                                 const std::vector<std::array<uint8_t, 256>>& table);

// acc += residual, element by element.
void add_residual_in_place(IntTensor& acc, const IntTensor& residual);

// The instruction set binary_conv_packed uses: the best this CPU supports unless overridden.
enum class PackedIsa { kScalar, kAvx512 };
const char* to_string(PackedIsa isa);
PackedIsa packed_conv_isa();
bool packed_isa_supported(PackedIsa isa);
// For tests and benchmarks: forces an implementation (which must be supported).
void set_packed_conv_isa(PackedIsa isa);

}  // namespace ernsim
