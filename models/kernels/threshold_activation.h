// Batch norm + 2-bit activation as three integer thresholds per channel (ern-semantics.md 2.3).
#pragma once

#include <vector>

#include "models/quantizer.h"
#include "models/tensor.h"

namespace ernsim {

// out[c, y, x] = quantizers[c].apply(v[c, y, x])
ActTensor threshold_activation(const IntTensor& v, const std::vector<Quantizer>& quantizers);

}  // namespace ernsim
