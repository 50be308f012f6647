#include "models/heq/kernels/global_sum.h"

namespace ernsim::heq {

IntTensor global_sum(const ActTensor& input) {
  IntTensor s(input.channels(), 1, 1);
  for (int c = 0; c < input.channels(); ++c) {
    int32_t sum = 0;
    for (int y = 0; y < input.height(); ++y) {
      for (int x = 0; x < input.width(); ++x) sum += input.at(c, y, x);
    }
    s.at(c, 0, 0) = sum;
  }
  return s;
}

}  // namespace ernsim::heq
