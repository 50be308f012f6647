// The integer residual stream add (ern-semantics.md 2.4): both operands are in units of the shared
// constant scale (1/32 in ERN), so the add is plain integer addition. The network's worst-case
// bounds guarantee the sum fits in int32 (Network::validate).
#pragma once

#include "models/tensor.h"

namespace ernsim {

// out[c, y, x] = a[c, y, x] + b[c, y, x]
IntTensor residual_add(const IntTensor& a, const IntTensor& b);

}  // namespace ernsim
