#include "models/kernels/threshold_activation.h"

namespace ernsim {

ActTensor threshold_activation(const IntTensor& v, const std::vector<Quantizer>& quantizers) {
  ActTensor out(v.channels(), v.height(), v.width());
  for (int c = 0; c < v.channels(); ++c) {
    for (int y = 0; y < v.height(); ++y) {
      for (int x = 0; x < v.width(); ++x) out.at(c, y, x) = quantizers[c].apply(v.at(c, y, x));
    }
  }
  return out;
}

}  // namespace ernsim
