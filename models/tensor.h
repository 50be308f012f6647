// Dense tensors of one image: C x H x W, stored pixel-major (HWC) so that a pixel's channels are
// contiguous, which is the order the packed kernels and the accelerator's memory layout use.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ernsim {

template <typename T>
class Tensor {
 public:
  Tensor() = default;
  Tensor(int channels, int height, int width, T fill = T{})
      : channels_(channels),
        height_(height),
        width_(width),
        data_(static_cast<size_t>(channels) * height * width, fill) {}

  int channels() const { return channels_; }
  int height() const { return height_; }
  int width() const { return width_; }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  T& at(int c, int y, int x) { return data_[index(c, y, x)]; }
  const T& at(int c, int y, int x) const { return data_[index(c, y, x)]; }
  T* pixel(int y, int x) { return &data_[index(0, y, x)]; }
  const T* pixel(int y, int x) const { return &data_[index(0, y, x)]; }

  std::vector<T>& data() { return data_; }
  const std::vector<T>& data() const { return data_; }

  bool same_shape(int channels, int height, int width) const {
    return channels_ == channels && height_ == height && width_ == width;
  }
  friend bool operator==(const Tensor& a, const Tensor& b) {
    return a.channels_ == b.channels_ && a.height_ == b.height_ && a.width_ == b.width_ && a.data_ == b.data_;
  }
  friend bool operator!=(const Tensor& a, const Tensor& b) { return !(a == b); }

 private:
  size_t index(int c, int y, int x) const {
    assert(c >= 0 && c < channels_ && y >= 0 && y < height_ && x >= 0 && x < width_);
    return (static_cast<size_t>(y) * width_ + x) * channels_ + c;
  }

  int channels_ = 0;
  int height_ = 0;
  int width_ = 0;
  std::vector<T> data_;
};

// Conversion from and to the C x H x W (channel-major) order of NumPy and ONNX.
template <typename T, typename Source>
Tensor<T> tensor_from_chw(const Source* chw, int channels, int height, int width) {
  Tensor<T> t(channels, height, width);
  for (int c = 0; c < channels; ++c) {
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) t.at(c, y, x) = static_cast<T>(*chw++);
    }
  }
  return t;
}

template <typename T, typename Dest>
void tensor_to_chw(const Tensor<T>& t, Dest* chw) {
  for (int c = 0; c < t.channels(); ++c) {
    for (int y = 0; y < t.height(); ++y) {
      for (int x = 0; x < t.width(); ++x) *chw++ = static_cast<Dest>(t.at(c, y, x));
    }
  }
}

// 2-bit activations (values 0..3) and 8-bit image pixels.
using ActTensor = Tensor<uint8_t>;
// Accumulators, the integer residual stream and classifier sums.
using IntTensor = Tensor<int32_t>;

}  // namespace ernsim
