// The global sum of an activation map (heq-semantics.md 2): 0..144 per channel on a 12x12 binary map.
#pragma once

#include "models/tensor.h"

namespace ernsim::heq {

// s[c] = sum over pixels of a[c], as C x 1 x 1.
IntTensor global_sum(const ActTensor& input);

}  // namespace ernsim::heq
