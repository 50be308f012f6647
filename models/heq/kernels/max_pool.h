// 2x2 max pool, stride 2 (heq-semantics.md 2), on binary or 2-bit maps of even size.
#pragma once

#include "models/tensor.h"

namespace ernsim::heq {

// out[c, y, x] = max of the 2x2 window at (2y, 2x); on binary maps an OR.
ActTensor max_pool_2x2(const ActTensor& input);

}  // namespace ernsim::heq
