#include "models/heq/fold.h"

#include <algorithm>
#include <cmath>

#include "models/error.h"

namespace ernsim::heq {

namespace {

// A level boundary: q >= m iff z > u (strict) or z >= u.
struct Boundary {
  double u;
  bool strict;
};
// In units of the activation step: binary z > 0; 2-bit z/step > 0.5, >= 1.5, > 2.5.
constexpr Boundary kBinary[] = {{0.0, true}};
constexpr Boundary kAct2[] = {{0.5, true}, {1.5, false}, {2.5, true}};

bool passes(double z, const Boundary& b) { return b.strict ? z > b.u : z >= b.u; }

}  // namespace

Quantizer fold_activation(const BatchNorm& bn, double c, int64_t bound, TensorKind kind, double act_scale) {
  if (!(c > 0) || !(bn.var + bn.eps > 0) || !(act_scale > 0)) {
    fail("batch norm folding needs a positive scale and variance");
  }
  if (!std::isfinite(bn.gamma) || !std::isfinite(bn.beta) || !std::isfinite(bn.mean)) {
    fail("batch norm folding needs finite parameters");
  }
  const bool binary = kind == TensorKind::kBinary;
  const Boundary* boundaries = binary ? kBinary : kAct2;
  const int levels = binary ? 1 : 3;
  Quantizer q;
  if (bn.gamma == 0) {
    q.mode = ActMode::kConstant;
    for (int m = 0; m < levels; ++m) q.level += passes(bn.beta / act_scale, boundaries[m]);
    return q;
  }
  q.mode = bn.gamma > 0 ? ActMode::kIncreasing : ActMode::kDecreasing;
  const double sd = std::sqrt(bn.var + bn.eps);
  const double limit = static_cast<double>(bound) + 1;
  for (int m = 0; m < 3; ++m) {
    const Boundary& b = boundaries[std::min(m, levels - 1)];
    // z vs u  <=>  acc vs t (the comparison flips with the sign of gamma).
    const double t = (bn.mean + (b.u * act_scale - bn.beta) * sd / bn.gamma) / c;
    double v;
    if (bn.gamma > 0) {
      v = b.strict ? std::floor(t) + 1 : std::ceil(t);  // acc >= v
    } else {
      v = b.strict ? std::ceil(t) - 1 : std::floor(t);  // acc <= v
    }
    if (std::isnan(v)) fail("batch norm folding produced NaN (non-finite parameters)");
    q.threshold[m] = static_cast<int32_t>(std::clamp(v, -limit, limit));
  }
  return q;
}

uint8_t float_activation(const BatchNorm& bn, double c, int32_t acc, TensorKind kind, double act_scale) {
  const double z = bn.gamma * (c * acc - bn.mean) / std::sqrt(bn.var + bn.eps) + bn.beta;
  if (kind == TensorKind::kBinary) return z > 0;
  return static_cast<uint8_t>(std::nearbyint(std::clamp(z / act_scale, 0.0, 3.0)));
}

}  // namespace ernsim::heq
