#include "models/heq/kernels/max_pool.h"

#include <algorithm>

namespace ernsim::heq {

ActTensor max_pool_2x2(const ActTensor& input) {
  ActTensor out(input.channels(), input.height() / 2, input.width() / 2);
  for (int c = 0; c < out.channels(); ++c) {
    for (int y = 0; y < out.height(); ++y) {
      for (int x = 0; x < out.width(); ++x) {
        out.at(c, y, x) = std::max({input.at(c, 2 * y, 2 * x), input.at(c, 2 * y, 2 * x + 1),
                                    input.at(c, 2 * y + 1, 2 * x), input.at(c, 2 * y + 1, 2 * x + 1)});
      }
    }
  }
  return out;
}

}  // namespace ernsim::heq
