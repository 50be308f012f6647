// Batch norm + binary or 2-bit activation as integer thresholds per channel (heq-semantics.md 2).
#pragma once

#include <vector>

#include "models/quantizer.h"
#include "models/tensor.h"

namespace ernsim::heq {

// out[c, y, x] = apply_thresholds(thresholds[c], levels, acc[c, y, x]); levels 1 (binary) or 3.
ActTensor level_thresholds(const IntTensor& acc, const std::vector<Quantizer>& thresholds, int levels);

}  // namespace ernsim::heq
