#include "models/kernels/class_sum.h"

namespace ernsim {

IntTensor class_sum(const IntTensor& acc) {
  IntTensor sums(acc.channels(), 1, 1);
  for (int k = 0; k < acc.channels(); ++k) {
    int32_t sum = 0;
    for (int y = 0; y < acc.height(); ++y) {
      for (int x = 0; x < acc.width(); ++x) sum += acc.at(k, y, x);
    }
    sums.at(k, 0, 0) = sum;
  }
  return sums;
}

std::vector<float> class_logits(const IntTensor& sums, const std::vector<double>& scale) {
  std::vector<float> logits(sums.channels());
  for (int k = 0; k < sums.channels(); ++k) {
    logits[k] = static_cast<float>(scale[k] * sums.at(k, 0, 0));
  }
  return logits;
}

}  // namespace ernsim
