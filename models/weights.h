// Binary convolution weights as sign bits, the layout both the packed golden path and the
// accelerator's weight memory use: for output channel o and kernel tap (ky, kx), one 64-bit word
// per block of 64 input channels; bit i of block j is set when the weight of input channel
// 64*j + i is +1 (sign(0) = +1). Unused lanes of the last block are 0.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ernsim {

constexpr int kLanes = 64;

inline int blocks_for(int channels) { return (channels + kLanes - 1) / kLanes; }

class BinaryWeights {
 public:
  BinaryWeights() = default;
  BinaryWeights(int out_channels, int in_channels, int kernel)
      : out_channels_(out_channels),
        in_channels_(in_channels),
        kernel_(kernel),
        in_blocks_(blocks_for(in_channels)),
        bits_(static_cast<size_t>(out_channels) * kernel * kernel * in_blocks_, 0) {}

  int out_channels() const { return out_channels_; }
  int in_channels() const { return in_channels_; }
  int kernel() const { return kernel_; }
  int taps() const { return kernel_ * kernel_; }
  int in_blocks() const { return in_blocks_; }
  int64_t count() const { return int64_t{out_channels_} * in_channels_ * kernel_ * kernel_; }

  // The weight b[o][i][ky][kx] in {-1, +1}.
  int sign(int o, int i, int ky, int kx) const {
    return (word(o, ky * kernel_ + kx, i / kLanes) >> (i % kLanes)) & 1 ? +1 : -1;
  }
  void set_sign(int o, int i, int ky, int kx, int sign) {
    uint64_t& w = bits_[index(o, ky * kernel_ + kx, i / kLanes)];
    const uint64_t bit = uint64_t{1} << (i % kLanes);
    w = sign >= 0 ? (w | bit) : (w & ~bit);
  }

  // The in_blocks() words of output channel o at tap t = ky * kernel + kx.
  const uint64_t* tap_words(int o, int tap) const { return &bits_[index(o, tap, 0)]; }
  uint64_t word(int o, int tap, int block) const { return bits_[index(o, tap, block)]; }
  const std::vector<uint64_t>& bits() const { return bits_; }

  friend bool operator==(const BinaryWeights& a, const BinaryWeights& b) {
    return a.out_channels_ == b.out_channels_ && a.in_channels_ == b.in_channels_ && a.kernel_ == b.kernel_ &&
           a.bits_ == b.bits_;
  }

 private:
  size_t index(int o, int tap, int block) const {
    assert(o >= 0 && o < out_channels_ && tap >= 0 && tap < taps() && block >= 0 && block < in_blocks_);
    return (static_cast<size_t>(o) * taps() + tap) * in_blocks_ + block;
  }

  int out_channels_ = 0;
  int in_channels_ = 0;
  int kernel_ = 0;
  int in_blocks_ = 0;
  std::vector<uint64_t> bits_;
};

}  // namespace ernsim
