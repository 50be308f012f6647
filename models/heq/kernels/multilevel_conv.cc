#include "models/heq/kernels/multilevel_conv.h"

namespace ernsim::heq {

IntTensor multilevel_conv_reference(const ActTensor& input, const CodeWeights& weights, int pad) {
  const int k = weights.kernel();
  const int out_h = input.height() + 2 * pad - k + 1;
  const int out_w = input.width() + 2 * pad - k + 1;
  IntTensor acc(weights.out_channels(), out_h, out_w);
  for (int o = 0; o < weights.out_channels(); ++o) {
    for (int y = 0; y < out_h; ++y) {
      for (int x = 0; x < out_w; ++x) {
        int32_t sum = 0;
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) {
            const int iy = y + ky - pad;
            const int ix = x + kx - pad;
            if (iy < 0 || iy >= input.height() || ix < 0 || ix >= input.width()) continue;
            for (int i = 0; i < weights.in_channels(); ++i) {
              sum += weights.code(o, i, ky, kx) * input.at(i, iy, ix);
            }
          }
        }
        acc.at(o, y, x) = sum;
      }
    }
  }
  return acc;
}

IntTensor fully_connected_reference(const std::vector<int32_t>& flat_chw, const CodeWeights& weights) {
  IntTensor sums(weights.out_channels(), 1, 1);
  for (int k = 0; k < weights.out_channels(); ++k) {
    int32_t sum = 0;
    for (int j = 0; j < weights.in_channels(); ++j) sum += weights.code(k, j, 0, 0) * flat_chw.at(j);
    sums.at(k, 0, 0) = sum;
  }
  return sums;
}

}  // namespace ernsim::heq
