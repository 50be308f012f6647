#include "models/random_layer_case.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "models/kernels/binary_conv.h"
#include "models/kernels/class_sum.h"
#include "models/kernels/pixel_embedding.h"
#include "models/kernels/residual_add.h"
#include "models/kernels/threshold_activation.h"

namespace ernsim {

namespace {

// Uniform integers from the engine's raw output: reproducible on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  int range(int lo, int hi) { return lo + static_cast<int>(engine_() % static_cast<uint64_t>(hi - lo + 1)); }
  bool chance(int percent) { return range(0, 99) < percent; }
  uint64_t bits() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace

LayerCase RandomLayerCase::view() const {
  LayerCase lc;
  lc.name = fmt::format("random#{}", seed);
  lc.layer = &layer;
  lc.input = &input;
  if (layer.residual >= 0) lc.residual = &residual;
  return lc;
}

namespace {

// A pixel embedding with arbitrary (learned) tables: any level for any pixel value, 0 included.
RandomLayerCase make_random_embedding(uint64_t seed, const RandomLayerBounds& bounds) {
  Rng rng(seed * 0x9e3779b97f4a7c15ULL + 3);
  RandomLayerCase c;
  c.seed = seed;
  Layer& l = c.layer;
  l.kind = LayerKind::kPixelEmbedding;
  const int channels = bounds.embed_colours * bounds.embed_per_colour;
  for (int ch = 0; ch < channels; ++ch) l.source_channel.push_back(ch / bounds.embed_per_colour);
  l.table.resize(static_cast<size_t>(channels));
  for (auto& table : l.table) {
    for (auto& q : table) q = static_cast<uint8_t>(rng.bits() & 3);
  }
  l.input = 0;
  l.out_act = 2;
  const bool large = rng.chance(15);
  const int h = large ? rng.range(24, 48) : rng.range(1, 14);
  const int w = large ? rng.range(24, 48) : rng.range(1, 14);
  c.input = ActTensor(bounds.embed_colours, h, w);
  // Often dark images: pixel value 0, whose levels the tables make non-zero, at many places.
  const int zeros = rng.range(0, 60);
  for (auto& v : c.input.data()) v = rng.range(0, 99) < zeros ? 0 : static_cast<uint8_t>(rng.bits());
  c.expected.act = pixel_embedding(c.input, l.source_channel, l.table);
  c.description = fmt::format("embedding {} colours -> {} ch {}x{}, learned table, {}% zero pixels",
                              bounds.embed_colours, channels, h, w, zeros);
  return c;
}

}  // namespace

RandomLayerCase make_random_layer(uint64_t seed, const RandomLayerBounds& bounds) {
  // One case in ten is a pixel embedding; the others are convolutions (their own draws, so that a
  // seed's convolution stays the same whatever the embedding cases do).
  if (Rng(seed * 0x9e3779b97f4a7c15ULL + 2).chance(10)) return make_random_embedding(seed, bounds);
  Rng rng(seed * 0x9e3779b97f4a7c15ULL + 1);
  RandomLayerCase c;
  c.seed = seed;
  Layer& l = c.layer;
  l.kind = LayerKind::kConv;
  const int k = rng.chance(60) ? 3 : 1;
  l.stride = rng.chance(35) ? 2 : 1;
  l.pad = k / 2;

  // Input channels: the embedding's 30, ERN's multiples of 64, or any count.
  const int max_blocks = std::min(bounds.max_in_blocks, rng.chance(10) ? 8 : 4);
  int in_c;
  switch (rng.range(0, 3)) {
    case 0: in_c = 30; break;
    case 1: in_c = 64 * rng.range(1, max_blocks); break;
    case 2: in_c = rng.range(1, 64 * max_blocks); break;
    default: in_c = 64; break;
  }
  int out_c;
  switch (rng.range(0, 2)) {
    case 0: out_c = bounds.pe_out * rng.range(1, 3); break;
    case 1: out_c = 64 * rng.range(1, 2); break;
    default: out_c = rng.range(1, 3 * bounds.pe_out + 5); break;
  }
  // Mostly small maps; some large enough to need several row tiles.
  const bool large = rng.chance(8);
  const int h = large ? rng.range(24, 48) : rng.range(1, 14);
  const int w = large ? rng.range(24, 48) : rng.range(1, 14);

  c.input = ActTensor(in_c, h, w);
  const int density = rng.range(1, 4);
  for (auto& v : c.input.data()) v = rng.range(1, 4) <= density ? static_cast<uint8_t>(rng.bits() & 3) : 0;
  l.weights = BinaryWeights(out_c, in_c, k);
  for (int o = 0; o < out_c; ++o) {
    for (int i = 0; i < in_c; ++i) {
      for (int ky = 0; ky < k; ++ky) {
        for (int kx = 0; kx < k; ++kx) l.weights.set_sign(o, i, ky, kx, (rng.bits() & 1) ? 1 : -1);
      }
    }
  }

  // Outputs: tensor ids only need to say "present" here.
  const bool sum = rng.chance(15);
  const bool residual = !sum && rng.chance(40);
  bool act = rng.chance(80);
  const bool stream = !sum && rng.chance(40);
  if (!act && !stream && !sum) act = true;
  l.input = 0;
  l.residual = residual ? 1 : -1;
  l.out_act = act ? 2 : -1;
  l.out_int = stream ? 3 : -1;
  l.out_sum = sum ? 4 : -1;

  const IntTensor acc = binary_conv_reference(c.input, l.weights, {l.stride, l.pad});
  const int64_t acc_bound = int64_t{3} * k * k * in_c;
  IntTensor v = acc;
  if (residual) {
    // Keep acc + residual inside the stream width when the stream is written.
    const int64_t stream_max = (int64_t{1} << (bounds.stream_width - 1)) - 1;
    const int limit = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(stream_max - acc_bound, 3000)));
    c.residual = IntTensor(out_c, acc.height(), acc.width());
    for (auto& x : c.residual.data()) x = rng.range(-limit, limit);
    v = residual_add(acc, c.residual);
  }

  const int64_t bound = acc_bound + (residual ? 3000 : 0);
  int modes[3] = {0, 0, 0};
  if (act) {
    l.quantizers.resize(out_c);
    std::vector<int32_t> values;
    for (int o = 0; o < out_c; ++o) {
      values.clear();
      for (int y = 0; y < v.height(); ++y) {
        for (int x = 0; x < v.width(); ++x) values.push_back(v.at(o, y, x));
      }
      std::sort(values.begin(), values.end());
      Quantizer& q = l.quantizers[o];
      const int mode = rng.range(0, 99);
      q.mode = mode < 60 ? ActMode::kIncreasing : mode < 85 ? ActMode::kDecreasing : ActMode::kConstant;
      ++modes[static_cast<int>(q.mode)];
      if (q.mode == ActMode::kConstant) {
        q.level = static_cast<uint8_t>(rng.range(0, 3));
        continue;
      }
      int32_t t[3];
      for (int m = 0; m < 3; ++m) {
        // Thresholds among the observed values (with +/-1 jitter), sometimes beyond every value.
        if (rng.chance(4)) {
          t[m] = static_cast<int32_t>(rng.chance(50) ? bound + 1 : -(bound + 1));
        } else {
          t[m] = values[static_cast<size_t>(rng.range(0, static_cast<int>(values.size()) - 1))] + rng.range(-1, 1);
        }
      }
      std::sort(t, t + 3);
      if (q.mode == ActMode::kDecreasing) std::reverse(t, t + 3);
      q.threshold = {t[0], t[1], t[2]};
    }
  }

  if (act) c.expected.act = threshold_activation(v, l.quantizers);
  if (stream) c.expected.stream = v;
  if (sum) c.expected.sums = class_sum(acc);
  c.description =
      fmt::format("{}x{}/s{} {}->{} ch {}x{}{}{}{}{}{} (modes inc/dec/const {}/{}/{})", k, k, l.stride, in_c, out_c, h,
                  w, residual ? " +residual" : "", act ? " act" : "", stream ? " stream" : "", sum ? " sums" : "",
                  large ? " large" : "", modes[0], modes[1], modes[2]);
  return c;
}

}  // namespace ernsim
