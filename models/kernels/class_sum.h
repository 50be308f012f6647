// The classifier (ern-semantics.md 3): the accelerator delivers, per class k, the integer sum of
// the classifier conv's accumulator over all pixels; the host applies the one scale per class:
//   logit[k] = alpha_k * s_in * sum_k / (H * W).
#pragma once

#include <vector>

#include "models/tensor.h"

namespace ernsim {

// sum[k] = sum over (y, x) of acc[k, y, x], as a K x 1 x 1 tensor.
IntTensor class_sum(const IntTensor& acc);

// logit[k] = scale[k] * sum[k], in float64, rounded once to float32.
std::vector<float> class_logits(const IntTensor& sums, const std::vector<double>& scale);

}  // namespace ernsim
