// The fused batch norm + 2-bit activation of one output channel (ern-semantics.md section 2.3):
// three integer thresholds on the integer input v and a mode.
//   increasing (gamma > 0): q = #{m : v >= T_m}
//   decreasing (gamma < 0): q = #{m : v <= T_m}
//   constant   (gamma = 0): q = level
#pragma once

#include <array>
#include <cstdint>

namespace ernsim {

enum class ActMode : uint8_t { kIncreasing = 0, kDecreasing = 1, kConstant = 2 };

const char* to_string(ActMode mode);

struct Quantizer {
  ActMode mode = ActMode::kConstant;
  std::array<int32_t, 3> threshold{};
  uint8_t level = 0;  // the output in constant mode

  uint8_t apply(int32_t v) const {
    switch (mode) {
      case ActMode::kIncreasing:
        return static_cast<uint8_t>((v >= threshold[0]) + (v >= threshold[1]) + (v >= threshold[2]));
      case ActMode::kDecreasing:
        return static_cast<uint8_t>((v <= threshold[0]) + (v <= threshold[1]) + (v <= threshold[2]));
      case ActMode::kConstant: break;
    }
    return level;
  }

  friend bool operator==(const Quantizer& a, const Quantizer& b) {
    return a.mode == b.mode && a.threshold == b.threshold && a.level == b.level;
  }
};

// The activation `q = clamp(floor(z * scale1 + beta1 + 0.5), 0, 3)` applied to the batch norm
// `z = gamma * (x - mean) / sqrt(var + eps) + beta` of `x = c * v`, folded into integer thresholds
// on v in float64. Thresholds are clamped to [-(bound + 1), bound + 1], where bound is the worst
// case |v|, so they fit the accumulator width and stay monotone.
struct BatchNormAct {
  double gamma, beta, mean, var, eps;
  double scale1, beta1;
};
Quantizer fold_batchnorm(const BatchNormAct& bn, double c, int64_t bound);

}  // namespace ernsim
