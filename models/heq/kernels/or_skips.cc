#include "models/heq/kernels/or_skips.h"

namespace ernsim::heq {

ActTensor or_skip(const ActTensor& a, const ActTensor& b) {
  ActTensor y(a.channels(), a.height(), a.width());
  for (size_t i = 0; i < y.size(); ++i) y.data()[i] = a.data()[i] | b.data()[i];
  return y;
}

ActTensor mux_or_skip(const ActTensor& x3, const ActTensor& x1, ActTensor& gate) {
  const int pixels = x1.height() * x1.width();
  gate = ActTensor(x1.channels(), 1, 1);
  for (int c = 0; c < x1.channels(); ++c) {
    int ones = 0;
    for (int y = 0; y < x1.height(); ++y) {
      for (int x = 0; x < x1.width(); ++x) ones += x1.at(c, y, x);
    }
    gate.at(c, 0, 0) = 2 * ones > pixels;
  }
  ActTensor out(x3.channels(), x3.height(), x3.width());
  for (int c = 0; c < x3.channels(); ++c) {
    for (int y = 0; y < x3.height(); ++y) {
      for (int x = 0; x < x3.width(); ++x) out.at(c, y, x) = x3.at(c, y, x) | (gate.at(c, 0, 0) & x1.at(c, y, x));
    }
  }
  return out;
}

}  // namespace ernsim::heq
