#include "models/kernels/packed_kernels.h"

#include <immintrin.h>

#include <algorithm>
#include <cassert>

#include "models/error.h"
#include "models/network.h"

namespace ernsim {

namespace {

inline int popcount(uint64_t x) { return __builtin_popcountll(x); }

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

// The taps of output pixel (y, x) that fall inside the input (padding contributes zero), and the
// sum of their activation weights.
int gather_taps(const PackedAct& input, const std::vector<int32_t>& ones, int kernel, const ConvParams& params, int y,
                int x, Tap* taps, int32_t& correction) {
  int n = 0;
  correction = 0;
  for (int ky = 0; ky < kernel; ++ky) {
    const int iy = y * params.stride + ky - params.pad;
    if (iy < 0 || iy >= input.height()) continue;
    for (int kx = 0; kx < kernel; ++kx) {
      const int ix = x * params.stride + kx - params.pad;
      if (ix < 0 || ix >= input.width()) continue;
      taps[n++] = {ky * kernel + kx, input.pixel(iy, ix)};
      correction += ones[static_cast<size_t>(iy) * input.width() + ix];
    }
  }
  return n;
}

// Portable path: 8 output channels at a time so that each activation word is loaded once for 8.
__attribute__((target("popcnt"))) void conv_scalar(const PackedAct& input, const BinaryWeights& weights,
                                                   const ConvParams& params, IntTensor& acc) {
  constexpr int kGroup = 8;
  const int blocks = weights.in_blocks();
  const int out_channels = weights.out_channels();
  const std::vector<int32_t> ones = activation_weights(input);
  Tap taps[9];
  for (int o0 = 0; o0 < out_channels; o0 += kGroup) {
    const int group = std::min(kGroup, out_channels - o0);
    for (int y = 0; y < acc.height(); ++y) {
      for (int x = 0; x < acc.width(); ++x) {
        int32_t correction;
        const int n_taps = gather_taps(input, ones, weights.kernel(), params, y, x, taps, correction);
        int32_t s[kGroup] = {};
        for (int t = 0; t < n_taps; ++t) {
          const uint64_t* a = taps[t].words;
          for (int g = 0; g < group; ++g) {
            const uint64_t* w = weights.tap_words(o0 + g, taps[t].index);
            for (int b = 0; b < blocks; ++b) s[g] += popcount(a[2 * b] & w[b]) + 2 * popcount(a[2 * b + 1] & w[b]);
          }
        }
        int32_t* out = acc.pixel(y, x) + o0;
        for (int g = 0; g < group; ++g) out[g] = 2 * s[g] - correction;
      }
    }
  }
}

// GCC 12 warns inside its own avx512fintrin.h (the undefined upper half of a conversion).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// AVX-512 path: one vector holds the weight words of 8 output channels; the activation words are
// broadcast, ANDed and counted with VPOPCNTQ, 4 vectors (32 channels) per broadcast.
constexpr int kLanesPerVector = 8;
constexpr int kVectorsPerPass = 4;

// Weights re-laid as [group of 8 channels][tap][block][channel in group], zero for missing channels.
std::vector<uint64_t> interleave_weights(const BinaryWeights& w) {
  const int groups = (w.out_channels() + kLanesPerVector - 1) / kLanesPerVector;
  std::vector<uint64_t> out(static_cast<size_t>(groups) * w.taps() * w.in_blocks() * kLanesPerVector, 0);
  for (int o = 0; o < w.out_channels(); ++o) {
    for (int t = 0; t < w.taps(); ++t) {
      for (int b = 0; b < w.in_blocks(); ++b) {
        const size_t entry = (static_cast<size_t>(o / kLanesPerVector) * w.taps() + t) * w.in_blocks() + b;
        out[entry * kLanesPerVector + o % kLanesPerVector] = w.word(o, t, b);
      }
    }
  }
  return out;
}

__attribute__((target("avx512f,avx512vpopcntdq"))) void conv_avx512(const PackedAct& input,
                                                                    const BinaryWeights& weights,
                                                                    const ConvParams& params, IntTensor& acc) {
  const int blocks = weights.in_blocks();
  const int taps_total = weights.taps();
  const int out_channels = weights.out_channels();
  const int groups = (out_channels + kLanesPerVector - 1) / kLanesPerVector;
  const std::vector<uint64_t> wt = interleave_weights(weights);
  const std::vector<int32_t> ones = activation_weights(input);
  const size_t group_stride = static_cast<size_t>(taps_total) * blocks * kLanesPerVector;
  Tap taps[9];
  for (int g0 = 0; g0 < groups; g0 += kVectorsPerPass) {
    const int n_vec = std::min(kVectorsPerPass, groups - g0);
    for (int y = 0; y < acc.height(); ++y) {
      for (int x = 0; x < acc.width(); ++x) {
        int32_t correction;
        const int n_taps = gather_taps(input, ones, weights.kernel(), params, y, x, taps, correction);
        __m512i s[kVectorsPerPass] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                                      _mm512_setzero_si512()};
        for (int t = 0; t < n_taps; ++t) {
          const uint64_t* a = taps[t].words;
          const uint64_t* w = &wt[(static_cast<size_t>(g0) * taps_total + taps[t].index) * blocks * kLanesPerVector];
          for (int b = 0; b < blocks; ++b) {
            const __m512i q0 = _mm512_set1_epi64(static_cast<long long>(a[2 * b]));
            const __m512i q1 = _mm512_set1_epi64(static_cast<long long>(a[2 * b + 1]));
            for (int v = 0; v < n_vec; ++v) {
              const __m512i wv = _mm512_loadu_si512(w + v * group_stride + b * kLanesPerVector);
              const __m512i p0 = _mm512_popcnt_epi64(_mm512_and_si512(q0, wv));
              const __m512i p1 = _mm512_popcnt_epi64(_mm512_and_si512(q1, wv));
              s[v] = _mm512_add_epi64(s[v], _mm512_add_epi64(p0, _mm512_slli_epi64(p1, 1)));
            }
          }
        }
        int32_t* out = acc.pixel(y, x);
        const __m512i corr = _mm512_set1_epi64(correction);
        for (int v = 0; v < n_vec; ++v) {
          const __m512i r = _mm512_sub_epi64(_mm512_slli_epi64(s[v], 1), corr);
          alignas(32) int32_t lanes[kLanesPerVector];
          _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), _mm512_cvtepi64_epi32(r));
          const int o0 = (g0 + v) * kLanesPerVector;
          const int valid = std::min(kLanesPerVector, out_channels - o0);
          std::copy(lanes, lanes + valid, out + o0);
        }
      }
    }
  }
}

#pragma GCC diagnostic pop

PackedIsa best_isa() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq") ? PackedIsa::kAvx512
                                                                                        : PackedIsa::kScalar;
}

PackedIsa& selected_isa() {
  static PackedIsa isa = best_isa();
  return isa;
}

}  // namespace

const char* to_string(PackedIsa isa) { return isa == PackedIsa::kAvx512 ? "avx512" : "scalar"; }
PackedIsa packed_conv_isa() { return selected_isa(); }
bool packed_isa_supported(PackedIsa isa) { return isa == PackedIsa::kScalar || best_isa() == isa; }

void set_packed_conv_isa(PackedIsa isa) {
  if (!packed_isa_supported(isa)) fail("this CPU does not support the {} packed kernels", to_string(isa));
  selected_isa() = isa;
}

IntTensor binary_conv_packed(const PackedAct& input, const BinaryWeights& weights, const ConvParams& params) {
  assert(input.channels() == weights.in_channels());
  const int k = weights.kernel();
  IntTensor acc(weights.out_channels(), conv_out_size(input.height(), k, params.stride, params.pad),
                conv_out_size(input.width(), k, params.stride, params.pad));
  if (selected_isa() == PackedIsa::kAvx512) {
    conv_avx512(input, weights, params, acc);
  } else {
    conv_scalar(input, weights, params, acc);
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

PackedAct pixel_embedding_packed(const ActTensor& image, const std::vector<int>& source_channel,
                                 const std::vector<std::array<uint8_t, 256>>& table) {
  const int channels = static_cast<int>(table.size());
  const int blocks = blocks_for(channels);
  // For each image channel and pixel value, the bit-plane words it contributes: the embedding is
  // then 2 ORs per image channel and block instead of a lookup per output channel.
  std::vector<uint64_t> planes(static_cast<size_t>(image.channels()) * 256 * blocks * 2, 0);
  auto plane_words = [&](int src, int value) {
    return &planes[((static_cast<size_t>(src) * 256 + value) * blocks) * 2];
  };
  for (int c = 0; c < channels; ++c) {
    for (int value = 0; value < 256; ++value) {
      const uint64_t q = table[c][value];
      uint64_t* w = plane_words(source_channel[c], value);
      w[2 * (c / kLanes)] |= (q & 1) << (c % kLanes);
      w[2 * (c / kLanes) + 1] |= (q >> 1) << (c % kLanes);
    }
  }
  PackedAct out(channels, image.height(), image.width());
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const uint8_t* pixel = image.pixel(y, x);
      uint64_t* words = out.pixel(y, x);
      for (int src = 0; src < image.channels(); ++src) {
        const uint64_t* w = plane_words(src, pixel[src]);
        for (int i = 0; i < 2 * blocks; ++i) words[i] |= w[i];
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

}  // namespace ernsim
