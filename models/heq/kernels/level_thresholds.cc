#include "models/heq/kernels/level_thresholds.h"

#include "models/heq/network.h"

namespace ernsim::heq {

ActTensor level_thresholds(const IntTensor& acc, const std::vector<Quantizer>& thresholds, int levels) {
  ActTensor out(acc.channels(), acc.height(), acc.width());
  for (int c = 0; c < acc.channels(); ++c) {
    for (int y = 0; y < acc.height(); ++y) {
      for (int x = 0; x < acc.width(); ++x) out.at(c, y, x) = apply_thresholds(thresholds[c], levels, acc.at(c, y, x));
    }
  }
  return out;
}

}  // namespace ernsim::heq
