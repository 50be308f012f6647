// Pixel embedding (ern-semantics.md 2.1): every output channel is a 256-entry table of 2-bit values
// indexed by one 8-bit colour channel of the image.
#pragma once

#include <array>
#include <vector>

#include "models/tensor.h"

namespace ernsim {

// out[c, y, x] = table[c][image[source_channel[c], y, x]]
ActTensor pixel_embedding(const ActTensor& image, const std::vector<int>& source_channel,
                          const std::vector<std::array<uint8_t, 256>>& table);

// The official PixelEmbeddingV3 evaluated in float32 for every pixel value:
// z = floor(clamp(x * weight - bias, 0, 3.999999)).
std::array<uint8_t, 256> thermometer_table(float weight, float bias);

// The standard thermometer encoding of ERN (k channels per colour, step = max(1, 255 // (3k))),
// giving the weight and bias of channel j.
float thermometer_weight(int k);
float thermometer_bias(int k, int j);

}  // namespace ernsim
