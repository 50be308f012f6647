#include "models/kernels/residual_add.h"

#include <cassert>

namespace ernsim {

IntTensor residual_add(const IntTensor& a, const IntTensor& b) {
  assert(a.same_shape(b.channels(), b.height(), b.width()));
  IntTensor out(a.channels(), a.height(), a.width());
  for (int c = 0; c < a.channels(); ++c) {
    for (int y = 0; y < a.height(); ++y) {
      for (int x = 0; x < a.width(); ++x) out.at(c, y, x) = a.at(c, y, x) + b.at(c, y, x);
    }
  }
  return out;
}

}  // namespace ernsim
