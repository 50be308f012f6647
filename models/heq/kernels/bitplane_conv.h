// The packed fast path of HEQ convolutions and the classifier (heq-semantics.md section 2): the
// activations as bit planes a = sum_b 2^b a_b and the weight codes in sign-magnitude planes
// k = (pos - neg) * sum_j 2^j m_j, one 64-lane step being
//   sum_b sum_j 2^(b+j) * (popcount(a_b & m_j & pos) - popcount(a_b & m_j & neg))
// (AND, popcount, shift, add), as a PE without multipliers computes it. Ternary codes have one
// magnitude plane, n = 5 and 7 two; an 8-bit image takes 8 activation planes. Every function
// equals its reference kernel (multilevel_conv.h) bit for bit (tests/heq_kernels_test.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "models/heq/network.h"
#include "models/tensor.h"
#include "models/weights.h"

namespace ernsim::heq {

// Activations of `bits` bits (1..31, non-negative): per pixel and per block of 64 channels, `bits`
// words; word b of block j holds bit b of channels 64j .. 64j + 63. Lanes past the last channel are 0.
class BitPlanes {
 public:
  BitPlanes() = default;
  BitPlanes(int channels, int height, int width, int bits)
      : channels_(channels),
        height_(height),
        width_(width),
        bits_(bits),
        blocks_(blocks_for(channels)),
        words_(static_cast<size_t>(height) * width * blocks_ * bits, 0) {}

  int channels() const { return channels_; }
  int height() const { return height_; }
  int width() const { return width_; }
  int bits() const { return bits_; }
  int blocks() const { return blocks_; }
  const uint64_t* pixel(int y, int x) const { return &words_[(static_cast<size_t>(y) * width_ + x) * blocks_ * bits_]; }
  uint64_t* pixel(int y, int x) { return &words_[(static_cast<size_t>(y) * width_ + x) * blocks_ * bits_]; }

 private:
  int channels_ = 0, height_ = 0, width_ = 0, bits_ = 0, blocks_ = 0;
  std::vector<uint64_t> words_;
};

BitPlanes pack_planes(const ActTensor& act, int bits);
// Values flattened to one pixel of values.size() channels.
BitPlanes pack_planes(const std::vector<int32_t>& values, int bits);

// The weight codes as sign-magnitude planes: for output channel o, tap t and input block j,
// `planes` pairs of words (m_p & pos, m_p & neg), p = 0 .. magnitude_planes() - 1.
class SignMagnitudeWeights {
 public:
  explicit SignMagnitudeWeights(const CodeWeights& codes);
  int planes() const { return planes_; }
  const uint64_t* words(int o, int tap, int block) const {
    return &words_[((static_cast<size_t>(o) * taps_ + tap) * blocks_ + block) * 2 * planes_];
  }

 private:
  int taps_ = 0, blocks_ = 0, planes_ = 0;
  std::vector<uint64_t> words_;
};

IntTensor multilevel_conv_packed(const BitPlanes& input, const CodeWeights& weights, int pad);
IntTensor fully_connected_packed(const BitPlanes& flat, const CodeWeights& weights);

}  // namespace ernsim::heq
