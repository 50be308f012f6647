#include "models/kernels/packed_conv.h"

#include <cassert>

#include "models/network.h"

namespace ernsim {

namespace {

inline int popcount(uint64_t x) { return __builtin_popcountll(x); }

// Output channels computed together, so each activation word loaded is used this many times.
constexpr int kChannelGroup = 8;

struct Tap {
  int index;              // ky * kernel + kx
  const uint64_t* words;  // the input pixel's 2 * blocks words
};

// The (pc(q0) + 2 pc(q1)) term of every input pixel: it does not depend on the output channel.
std::vector<int32_t> activation_weights(const PackedAct& input) {
  std::vector<int32_t> sums(static_cast<size_t>(input.height()) * input.width());
  for (int y = 0; y < input.height(); ++y) {
    for (int x = 0; x < input.width(); ++x) {
      const uint64_t* a = input.pixel(y, x);
      int32_t s = 0;
      for (int b = 0; b < input.blocks(); ++b) s += popcount(a[2 * b]) + 2 * popcount(a[2 * b + 1]);
      sums[static_cast<size_t>(y) * input.width() + x] = s;
    }
  }
  return sums;
}

}  // namespace

__attribute__((target("popcnt"))) IntTensor binary_conv_packed(const PackedAct& input,
                                                               const BinaryWeights& weights,
                                                               const ConvParams& params) {
  assert(input.channels() == weights.in_channels());
  const int k = weights.kernel();
  const int blocks = weights.in_blocks();
  const int out_channels = weights.out_channels();
  const int out_h = conv_out_size(input.height(), k, params.stride, params.pad);
  const int out_w = conv_out_size(input.width(), k, params.stride, params.pad);
  IntTensor acc(out_channels, out_h, out_w);
  const std::vector<int32_t> ones = activation_weights(input);

  Tap taps[9];
  for (int o0 = 0; o0 < out_channels; o0 += kChannelGroup) {
    const int group = std::min(kChannelGroup, out_channels - o0);
    for (int y = 0; y < out_h; ++y) {
      for (int x = 0; x < out_w; ++x) {
        int n_taps = 0;
        int32_t correction = 0;
        for (int ky = 0; ky < k; ++ky) {
          const int iy = y * params.stride + ky - params.pad;
          if (iy < 0 || iy >= input.height()) continue;
          for (int kx = 0; kx < k; ++kx) {
            const int ix = x * params.stride + kx - params.pad;
            if (ix < 0 || ix >= input.width()) continue;
            taps[n_taps++] = {ky * k + kx, input.pixel(iy, ix)};
            correction += ones[static_cast<size_t>(iy) * input.width() + ix];
          }
        }
        int32_t* out = acc.pixel(y, x) + o0;
        if (group == kChannelGroup) {
          int32_t s[kChannelGroup] = {};
          for (int t = 0; t < n_taps; ++t) {
            const uint64_t* a = taps[t].words;
            const uint64_t* w[kChannelGroup];
            for (int g = 0; g < kChannelGroup; ++g) w[g] = weights.tap_words(o0 + g, taps[t].index);
            for (int b = 0; b < blocks; ++b) {
              const uint64_t q0 = a[2 * b], q1 = a[2 * b + 1];
              for (int g = 0; g < kChannelGroup; ++g) {
                s[g] += popcount(q0 & w[g][b]) + 2 * popcount(q1 & w[g][b]);
              }
            }
          }
          for (int g = 0; g < kChannelGroup; ++g) out[g] = 2 * s[g] - correction;
        } else {
          for (int g = 0; g < group; ++g) {
            int32_t s = 0;
            for (int t = 0; t < n_taps; ++t) {
              const uint64_t* a = taps[t].words;
              const uint64_t* w = weights.tap_words(o0 + g, taps[t].index);
              for (int b = 0; b < blocks; ++b) {
                s += popcount(a[2 * b] & w[b]) + 2 * popcount(a[2 * b + 1] & w[b]);
              }
            }
            out[g] = 2 * s - correction;
          }
        }
      }
    }
  }
  return acc;
}

PackedAct threshold_activation_packed(const IntTensor& v, const std::vector<Quantizer>& quantizers) {
  PackedAct out(v.channels(), v.height(), v.width());
  for (int y = 0; y < v.height(); ++y) {
    for (int x = 0; x < v.width(); ++x) {
      const int32_t* in = v.pixel(y, x);
      uint64_t* words = out.pixel(y, x);
      for (int c = 0; c < v.channels(); ++c) {
        const uint64_t q = quantizers[c].apply(in[c]);
        words[2 * (c / kLanes)] |= (q & 1) << (c % kLanes);
        words[2 * (c / kLanes) + 1] |= (q >> 1) << (c % kLanes);
      }
    }
  }
  return out;
}

void add_residual_in_place(IntTensor& acc, const IntTensor& residual) {
  assert(acc.same_shape(residual.channels(), residual.height(), residual.width()));
  int32_t* a = acc.data().data();
  const int32_t* r = residual.data().data();
  for (size_t i = 0; i < acc.size(); ++i) a[i] += r[i];
}

const char* packed_conv_isa() { return "scalar"; }

}  // namespace ernsim
