#include "models/quantizer.h"

#include <algorithm>
#include <cmath>

#include "models/error.h"

namespace ernsim {

const char* to_string(ActMode mode) {
  switch (mode) {
    case ActMode::kIncreasing: return "increasing";
    case ActMode::kDecreasing: return "decreasing";
    case ActMode::kConstant: return "constant";
  }
  return "?";
}

Quantizer fold_batchnorm(const BatchNormAct& bn, double c, int64_t bound) {
  if (!(c > 0) || !(bn.scale1 > 0) || !(bn.var + bn.eps > 0)) {
    fail("batch norm folding needs a positive input scale, activation scale and variance");
  }
  Quantizer q;
  if (bn.gamma == 0) {
    q.mode = ActMode::kConstant;
    // z is the constant beta; q >= m exactly when beta >= t_m.
    for (int m = 1; m <= 3; ++m) {
      const double t = (m - 0.5 - bn.beta1) / bn.scale1;
      q.level += bn.beta >= t;
    }
    return q;
  }
  q.mode = bn.gamma > 0 ? ActMode::kIncreasing : ActMode::kDecreasing;
  const double std_dev = std::sqrt(bn.var + bn.eps);
  const double limit = static_cast<double>(bound) + 1;
  for (int m = 1; m <= 3; ++m) {
    // q >= m  <=>  z >= t_m  <=>  c*v >= x_m (gamma > 0), c*v <= x_m (gamma < 0).
    const double t = (m - 0.5 - bn.beta1) / bn.scale1;
    const double x = bn.mean + (t - bn.beta) * std_dev / bn.gamma;
    double v = bn.gamma > 0 ? std::ceil(x / c) : std::floor(x / c);
    if (std::isnan(v)) fail("batch norm folding produced NaN (non-finite parameters)");
    v = std::clamp(v, -limit, limit);
    q.threshold[m - 1] = static_cast<int32_t>(v);
  }
  return q;
}

}  // namespace ernsim
