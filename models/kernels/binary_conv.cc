#include "models/kernels/binary_conv.h"

#include "models/network.h"

namespace ernsim {

IntTensor binary_conv_reference(const ActTensor& input, const BinaryWeights& weights, const ConvParams& params) {
  const int k = weights.kernel();
  const int out_h = conv_out_size(input.height(), k, params.stride, params.pad);
  const int out_w = conv_out_size(input.width(), k, params.stride, params.pad);
  IntTensor acc(weights.out_channels(), out_h, out_w);
  for (int o = 0; o < weights.out_channels(); ++o) {
    for (int y = 0; y < out_h; ++y) {
      for (int x = 0; x < out_w; ++x) {
        int32_t sum = 0;
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) {
            const int iy = y * params.stride + ky - params.pad;
            const int ix = x * params.stride + kx - params.pad;
            if (iy < 0 || iy >= input.height() || ix < 0 || ix >= input.width()) continue;
            for (int i = 0; i < weights.in_channels(); ++i) {
              sum += weights.sign(o, i, ky, kx) * input.at(i, iy, ix);
            }
          }
        }
        acc.at(o, y, x) = sum;
      }
    }
  }
  return acc;
}

}  // namespace ernsim
