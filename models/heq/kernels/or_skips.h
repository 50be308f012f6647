// The logic-gated skips of HEQ blocks (heq-semantics.md 2): OR and MUX-OR on binary maps.
#pragma once

#include "models/tensor.h"

namespace ernsim::heq {

// y = a | b on binary maps of equal shape (the paper's H(x1 + x2)).
ActTensor or_skip(const ActTensor& a, const ActTensor& b);

// gate[c] = [2 * popcount over pixels of x1[c] > pixels] (thresholded global average pooling);
// y = x3 | (gate & x1). Returns y; `gate` receives the C x 1 x 1 gate bits.
ActTensor mux_or_skip(const ActTensor& x3, const ActTensor& x1, ActTensor& gate);

}  // namespace ernsim::heq
