// Packed 2-bit activations: per pixel and per block of 64 channels, two 64-bit bit planes
// (plane b holds bit b of each channel's value), the layout of the accelerator's activation memory.
// Lanes past the last channel are zero, so they add nothing to any dot product.
#pragma once

#include <cstdint>
#include <vector>

#include "models/tensor.h"
#include "models/weights.h"

namespace ernsim {

class PackedAct {
 public:
  PackedAct() = default;
  PackedAct(int channels, int height, int width)
      : channels_(channels),
        height_(height),
        width_(width),
        blocks_(blocks_for(channels)),
        words_(static_cast<size_t>(height) * width * blocks_ * 2, 0) {}

  int channels() const { return channels_; }
  int height() const { return height_; }
  int width() const { return width_; }
  int blocks() const { return blocks_; }

  // The 2 * blocks() words of pixel (y, x): block j's planes at [2j] (bit 0) and [2j + 1] (bit 1).
  uint64_t* pixel(int y, int x) { return &words_[(static_cast<size_t>(y) * width_ + x) * blocks_ * 2]; }
  const uint64_t* pixel(int y, int x) const { return &words_[(static_cast<size_t>(y) * width_ + x) * blocks_ * 2]; }
  const std::vector<uint64_t>& words() const { return words_; }

  friend bool operator==(const PackedAct& a, const PackedAct& b) {
    return a.channels_ == b.channels_ && a.height_ == b.height_ && a.width_ == b.width_ && a.words_ == b.words_;
  }

 private:
  int channels_ = 0;
  int height_ = 0;
  int width_ = 0;
  int blocks_ = 0;
  std::vector<uint64_t> words_;
};

PackedAct pack(const ActTensor& act);
ActTensor unpack(const PackedAct& packed);

}  // namespace ernsim
