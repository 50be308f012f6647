#include "models/heq/kernels/logic_ops.h"

#include <algorithm>

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
