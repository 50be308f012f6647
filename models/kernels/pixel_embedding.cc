#include "models/kernels/pixel_embedding.h"

#include <algorithm>
#include <cmath>

namespace ernsim {

ActTensor pixel_embedding(const ActTensor& image, const std::vector<int>& source_channel,
                          const std::vector<std::array<uint8_t, 256>>& table) {
  const int channels = static_cast<int>(table.size());
  ActTensor out(channels, image.height(), image.width());
  for (int c = 0; c < channels; ++c) {
    for (int y = 0; y < image.height(); ++y) {
      for (int x = 0; x < image.width(); ++x) {
        out.at(c, y, x) = table[c][image.at(source_channel[c], y, x)];
      }
    }
  }
  return out;
}

std::array<uint8_t, 256> thermometer_table(float weight, float bias) {
  std::array<uint8_t, 256> table{};
  for (int x = 0; x < 256; ++x) {
    // float32 throughout, as the official op evaluates it; the table makes the result exact.
    const float z = std::clamp(static_cast<float>(x) * weight - bias, 0.0f, 3.999999f);
    table[x] = static_cast<uint8_t>(std::floor(z));
  }
  return table;
}

namespace {
int thermometer_step(int k) { return std::max(1, 255 / (3 * k)); }
}  // namespace

float thermometer_weight(int k) { return 1.0f / static_cast<float>(thermometer_step(k) * k); }

float thermometer_bias(int k, int j) {
  const int step = thermometer_step(k);
  return static_cast<float>((j + 1) * step) / static_cast<float>(step * k) - 1.0f + 1e-4f;
}

}  // namespace ernsim
