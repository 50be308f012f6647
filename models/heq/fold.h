// Batch norm + binary or 2-bit activation folded into integer thresholds on the accumulator
// (heq-semantics.md sections 1.3 and 2), in float64, at import. For the accumulator's real value
// c * acc and z = gamma * (c * acc - mean) / sqrt(var + eps) + beta:
//   binary  a = [z > 0]
//   2-bit   q = round_half_even(clip(3z, 0, 3)):  q >= 1 iff 3z > 0.5, q >= 2 iff 3z >= 1.5,
//           q >= 3 iff 3z > 2.5 (3z being z / act_scale)
// gamma > 0 gives increasing thresholds (acc >= T), gamma < 0 decreasing ones (acc <= T), gamma = 0
// a constant. Thresholds are clamped to [-(bound + 1), bound + 1] (bound: the worst-case |acc|),
// which changes no output and keeps them in int32.
#pragma once

#include <cstdint>

#include "models/heq/network.h"
#include "models/quantizer.h"

namespace ernsim::heq {

struct BatchNorm {
  double gamma, beta, mean, var, eps;
};

// kind: kBinary or kAct2. A 2-bit activation's step is `act_scale` (1/3, or the float32 the graph
// holds): q = round_half_even(clip(z / act_scale, 0, 3)). Throws Error on a non-positive scale or
// variance, or NaN.
Quantizer fold_activation(const BatchNorm& bn, double c, int64_t bound, TensorKind kind, double act_scale = 1.0 / 3);

// The float64 activation the thresholds stand for (the definition the tests compare against).
uint8_t float_activation(const BatchNorm& bn, double c, int32_t acc, TensorKind kind, double act_scale = 1.0 / 3);

}  // namespace ernsim::heq
