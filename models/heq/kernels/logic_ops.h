// The operators of HEQ networks that only move bits (heq-semantics.md section 2): thresholds,
// OR and MUX-OR skips, the 2x2 max pool and the global sum. Plain loops that read like the math;
// they are memory-bound, so the packed path uses them too.
#pragma once

#include <vector>

#include "models/quantizer.h"
#include "models/tensor.h"

namespace ernsim::heq {

// out[c, y, x] = apply_thresholds(thresholds[c], levels, acc[c, y, x]); levels 1 (binary) or 3.
ActTensor level_thresholds(const IntTensor& acc, const std::vector<Quantizer>& thresholds, int levels);

// y = a | b on binary maps of equal shape (the paper's H(x1 + x2)).
ActTensor or_skip(const ActTensor& a, const ActTensor& b);

// gate[c] = [2 * popcount over pixels of x1[c] > pixels] (thresholded global average pooling);
// y = x3 | (gate & x1). Returns y; `gate` receives the C x 1 x 1 gate bits.
ActTensor mux_or_skip(const ActTensor& x3, const ActTensor& x1, ActTensor& gate);

// 2x2, stride 2 maximum (even sizes); on binary maps an OR.
ActTensor max_pool_2x2(const ActTensor& input);

// s[c] = sum over pixels of a[c], as C x 1 x 1.
IntTensor global_sum(const ActTensor& input);

}  // namespace ernsim::heq
