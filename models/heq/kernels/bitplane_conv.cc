#include "models/heq/kernels/bitplane_conv.h"

namespace ernsim::heq {

namespace {

// Adds lane (channel) c's value v into the planes of one pixel.
void set_lanes(uint64_t* pixel, int bits, int c, uint32_t v) {
  uint64_t* block = pixel + static_cast<size_t>(c / kLanes) * bits;
  const uint64_t lane = uint64_t{1} << (c % kLanes);
  for (int b = 0; b < bits; ++b) {
    if ((v >> b) & 1) block[b] |= lane;
  }
}

// One 64-lane step: sum_b sum_j 2^(b+j) * (pc(a_b & pos_j) - pc(a_b & neg_j)). Bits and planes are
// compile-time constants for the common widths (the loops unroll), 0 for "read at run time".
template <int kBits, int kPlanes>
__attribute__((target("popcnt"))) inline int32_t step(const uint64_t* a, int bits, const uint64_t* w, int planes) {
  if constexpr (kBits > 0) bits = kBits;
  if constexpr (kPlanes > 0) planes = kPlanes;
  int32_t sum = 0;
  for (int j = 0; j < planes; ++j) {
    const uint64_t pos = w[2 * j], neg = w[2 * j + 1];
    for (int b = 0; b < bits; ++b) {
      const int32_t d = __builtin_popcountll(a[b] & pos) - __builtin_popcountll(a[b] & neg);
      sum += d * (int32_t{1} << (b + j));
    }
  }
  return sum;
}

template <int kBits, int kPlanes>
__attribute__((target("popcnt"))) void conv_planes(const BitPlanes& input, const SignMagnitudeWeights& w, int kernel,
                                                   int pad, IntTensor& acc) {
  const int bits = input.bits(), blocks = input.blocks(), planes = w.planes();
  for (int y = 0; y < acc.height(); ++y) {
    for (int x = 0; x < acc.width(); ++x) {
      int32_t* out = acc.pixel(y, x);
      for (int ky = 0; ky < kernel; ++ky) {
        const int iy = y + ky - pad;
        if (iy < 0 || iy >= input.height()) continue;
        for (int kx = 0; kx < kernel; ++kx) {
          const int ix = x + kx - pad;
          if (ix < 0 || ix >= input.width()) continue;
          const uint64_t* a = input.pixel(iy, ix);
          const int tap = ky * kernel + kx;
          for (int o = 0; o < acc.channels(); ++o) {
            const uint64_t* wo = w.words(o, tap, 0);
            int32_t sum = 0;
            for (int j = 0; j < blocks; ++j)
              sum += step<kBits, kPlanes>(a + j * bits, bits, wo + 2 * j * planes, planes);
            out[o] += sum;
          }
        }
      }
    }
  }
}

}  // namespace

BitPlanes pack_planes(const ActTensor& act, int bits) {
  BitPlanes p(act.channels(), act.height(), act.width(), bits);
  for (int y = 0; y < act.height(); ++y) {
    for (int x = 0; x < act.width(); ++x) {
      const uint8_t* v = act.pixel(y, x);
      for (int c = 0; c < act.channels(); ++c) set_lanes(p.pixel(y, x), bits, c, v[c]);
    }
  }
  return p;
}

BitPlanes pack_planes(const std::vector<int32_t>& values, int bits) {
  BitPlanes p(static_cast<int>(values.size()), 1, 1, bits);
  for (size_t c = 0; c < values.size(); ++c)
    set_lanes(p.pixel(0, 0), bits, static_cast<int>(c), static_cast<uint32_t>(values[c]));
  return p;
}

SignMagnitudeWeights::SignMagnitudeWeights(const CodeWeights& codes)
    : taps_(codes.taps()), blocks_(blocks_for(codes.in_channels())), planes_(codes.magnitude_planes()) {
  words_.assign(static_cast<size_t>(codes.out_channels()) * taps_ * blocks_ * 2 * planes_, 0);
  const int k = codes.kernel();
  for (int o = 0; o < codes.out_channels(); ++o) {
    for (int t = 0; t < taps_; ++t) {
      for (int i = 0; i < codes.in_channels(); ++i) {
        const int code = codes.code(o, i, t / k, t % k);
        const int magnitude = code < 0 ? -code : code;
        uint64_t* w = &words_[((static_cast<size_t>(o) * taps_ + t) * blocks_ + i / kLanes) * 2 * planes_];
        const uint64_t lane = uint64_t{1} << (i % kLanes);
        for (int j = 0; j < planes_; ++j) {
          if ((magnitude >> j) & 1) w[2 * j + (code < 0)] |= lane;
        }
      }
    }
  }
}

IntTensor multilevel_conv_packed(const BitPlanes& input, const CodeWeights& weights, int pad) {
  const int k = weights.kernel();
  IntTensor acc(weights.out_channels(), input.height() + 2 * pad - k + 1, input.width() + 2 * pad - k + 1);
  const SignMagnitudeWeights w(weights);
  const int bits = input.bits(), planes = w.planes();
  // The widths of HEQ networks: binary, 2-bit and 8-bit inputs; ternary (1 plane), n = 5, 7 (2).
  if (bits == 1 && planes == 1) {
    conv_planes<1, 1>(input, w, k, pad, acc);
  } else if (bits == 1 && planes == 2) {
    conv_planes<1, 2>(input, w, k, pad, acc);
  } else if (bits == 2 && planes == 1) {
    conv_planes<2, 1>(input, w, k, pad, acc);
  } else if (bits == 2 && planes == 2) {
    conv_planes<2, 2>(input, w, k, pad, acc);
  } else if (bits == 8 && planes == 1) {
    conv_planes<8, 1>(input, w, k, pad, acc);
  } else {
    conv_planes<0, 0>(input, w, k, pad, acc);
  }
  return acc;
}

__attribute__((target("popcnt"))) IntTensor fully_connected_packed(const BitPlanes& flat, const CodeWeights& weights) {
  const SignMagnitudeWeights w(weights);
  IntTensor sums(weights.out_channels(), 1, 1);
  const uint64_t* a = flat.pixel(0, 0);
  for (int o = 0; o < weights.out_channels(); ++o) {
    int32_t sum = 0;
    for (int j = 0; j < flat.blocks(); ++j)
      sum += step<0, 0>(a + j * flat.bits(), flat.bits(), w.words(o, 0, j), w.planes());
    sums.at(o, 0, 0) = sum;
  }
  return sums;
}

}  // namespace ernsim::heq
