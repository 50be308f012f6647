#include "models/zoo.h"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "models/closest_name.h"
#include "models/error.h"
#include "models/kernels/packed.h"
#include "models/kernels/packed_kernels.h"
#include "models/kernels/pixel_embedding.h"

namespace ernsim {

namespace {

// ERN's pixel embedding: k = 10 thermometer channels per colour.
constexpr int kEmbeddingChannels = 10;
constexpr int kColours = 3;
constexpr int kStemWidth = 64;
constexpr int kBottleneckExpansion = 4;
// Power-of-2 weight scaling of every conv that feeds a residual add: alpha = 1 / p.
constexpr double kPower2Scale = 1.0 / 32;
// Output scales of the 2-bit activation: post-scaled (s2 = 2/3) or integer (s2 = 1).
constexpr double kPostScaled = 2.0 / 3;
constexpr double kInteger = 1.0;
constexpr int kMaxSize = 8192;

// Calibration: at most this many stream values per channel are looked at; channels with fewer
// (small feature maps) or with fewer than 4 distinct values use the whole layer's values instead.
constexpr int kMaxChannelSamples = 256;
constexpr int kMinChannelSamples = 32;
constexpr int kMaxPooledSamples = 8192;

// splitmix64: derives independent engine seeds from (seed, purpose, index).
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
uint64_t derive_seed(uint64_t seed, uint64_t purpose, uint64_t index) { return mix(mix(mix(seed) ^ purpose) ^ index); }
constexpr uint64_t kWeightsPurpose = 0x77656967687473ull;  // "weights"
constexpr uint64_t kCalibPurpose = 0x63616c6962ull;        // "calib"
constexpr uint64_t kImagesPurpose = 0x696d61676573ull;     // "images"
constexpr uint64_t kStructurePurpose = 0x737472756374ull;  // "struct"

// A uniform double in [0, 1) from the top 53 bits of one engine output (exact, portable).
double unit_double(std::mt19937_64& engine) { return static_cast<double>(engine() >> 11) * 0x1p-53; }
// A value in [0, n); the modulo bias (< 2^-50 for the small n used here) does not matter.
int below(std::mt19937_64& engine, int n) { return static_cast<int>(engine() % static_cast<uint64_t>(n)); }

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One convolution of the zoo structure, in execution (= ONNX export) order.
struct ConvSpec {
  std::string name;
  int in_channels = 0;
  int out_channels = 0;
  int kernel = 1;
  int stride = 1;
  int in_size = 0;       // input height = width
  bool power2 = false;   // power-of-2 weight scaling (1/32) instead of channel-wise mean scaling
  int input = -1;        // spec whose activation this conv reads; -1: the pixel embedding
  int residual = -1;     // spec whose stream is added to the accumulator; -1: none
  double act_scale = 0;  // > 0: the stream goes through BN + 2-bit activation with this out scale
  bool classifier = false;

  int out_size() const { return conv_out_size(in_size, kernel, stride, (kernel - 1) / 2); }
};

struct Plan {
  std::vector<ConvSpec> convs;
  int blocks = 0;
};

void check_size(const ZooModel& model, int size, int num_classes) {
  if (size <= 0 || size % 32 != 0 || size > kMaxSize) {
    fail("model {}: input size {} is not supported (must be a positive multiple of 32, at most {})", model.name, size,
         kMaxSize);
  }
  if (num_classes <= 0) fail("model {}: number of classes {} must be positive", model.name, num_classes);
}

// The structure of ern-semantics.md section 3, as the official library exports it.
Plan make_plan(const ZooModel& model, int size, int num_classes) {
  check_size(model, size, num_classes);
  Plan plan;
  std::vector<ConvSpec>& convs = plan.convs;
  auto add = [&](ConvSpec spec) {
    convs.push_back(std::move(spec));
    return static_cast<int>(convs.size()) - 1;
  };
  auto conv = [](std::string name, int input, int in_channels, int out_channels, int kernel, int stride, int in_size,
                 bool power2) {
    ConvSpec s;
    s.name = std::move(name);
    s.input = input;
    s.in_channels = in_channels;
    s.out_channels = out_channels;
    s.kernel = kernel;
    s.stride = stride;
    s.in_size = in_size;
    s.power2 = power2;
    return s;
  };

  // Stem: three post-scaled 3x3 convs, then a 1x1 whose stream feeds the first block's BN.
  int x = add(conv("conv1", -1, kColours * kEmbeddingChannels, kStemWidth, 3, 2, size, false));
  convs[x].act_scale = kPostScaled;
  x = add(conv("conv2", x, kStemWidth, kStemWidth, 3, 1, convs[x].out_size(), false));
  convs[x].act_scale = kPostScaled;
  x = add(conv("downsample.conv_downsample", x, kStemWidth, kStemWidth, 3, 2, convs[x].out_size(), false));
  convs[x].act_scale = kPostScaled;
  x = add(conv("conv1_2", x, kStemWidth, kStemWidth, 1, 1, convs[x].out_size(), false));

  // x: the spec whose stream is the block input (thresholded by the block's first BN + act).
  int channels = kStemWidth;
  int spatial = convs[x].out_size();
  const std::array<int, 4> widths = {64, 128, 256, model.last_width};
  for (int stage = 0; stage < 4; ++stage) {
    const int width = widths[stage];
    const int out_channels = model.bottleneck ? width * kBottleneckExpansion : width;
    for (int b = 0; b < model.blocks[stage]; ++b) {
      const std::string prefix = "layer" + std::to_string(stage + 1) + "." + std::to_string(b) + ".";
      const bool projection = b == 0;  // the first block of every stage, stage 1 included
      const int stride = (b == 0 && stage > 0) ? 2 : 1;
      // act0 (basic) / act1 (bottleneck): integer when a projection reads it.
      convs[x].act_scale = projection ? kInteger : kPostScaled;
      const int proj =
          projection ? add(conv(prefix + "downsample", x, channels, out_channels, 1, stride, spatial, true)) : -1;
      int last;
      if (!model.bottleneck) {
        const int c1 = add(conv(prefix + "conv1", x, channels, width, 3, stride, spatial, false));
        convs[c1].act_scale = kInteger;
        last = add(conv(prefix + "conv2", c1, width, width, 3, 1, convs[c1].out_size(), true));
      } else {
        const int c1 = add(conv(prefix + "conv1", x, channels, width, 1, 1, spatial, false));
        convs[c1].act_scale = kPostScaled;
        const int c2 = add(conv(prefix + "conv2", c1, width, width, 3, stride, spatial, false));
        convs[c2].act_scale = kInteger;
        last = add(conv(prefix + "conv3", c2, width, out_channels, 1, 1, convs[c2].out_size(), true));
      }
      convs[last].residual = projection ? proj : x;
      x = last;
      channels = out_channels;
      spatial = convs[last].out_size();
      ++plan.blocks;
    }
  }
  // Final BN + act (post-scaled), then the classifier.
  convs[x].act_scale = kPostScaled;
  const int cls = add(conv("conv", x, channels, num_classes, 1, 1, spatial, false));
  convs[cls].classifier = true;
  return plan;
}

BinaryWeights random_weights(const ConvSpec& spec, std::mt19937_64& engine) {
  BinaryWeights w(spec.out_channels, spec.in_channels, spec.kernel);
  const int k = spec.kernel;
  // One engine output per (output channel, tap, block of 64 input channels); bit i is the sign of
  // input channel 64 * block + i, unused lanes stay 0.
  for (int o = 0; o < spec.out_channels; ++o) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx) {
        for (int block = 0; block < w.in_blocks(); ++block) {
          const int lanes = std::min(kLanes, spec.in_channels - block * kLanes);
          uint64_t bits = engine();
          if (lanes < kLanes) bits &= (uint64_t{1} << lanes) - 1;
          // The words start all -1 (0 bits): set only the +1 weights, lowest lane first.
          for (; bits != 0; bits &= bits - 1) {
            w.set_sign(o, block * kLanes + __builtin_ctzll(bits), ky, kx, +1);
          }
        }
      }
    }
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// Threshold calibration.

struct Distribution {
  std::vector<int32_t> sorted;    // sampled stream values, ascending
  std::vector<int32_t> distinct;  // the distinct values among them, ascending
};

Distribution make_distribution(std::vector<int32_t> values) {
  Distribution d;
  std::sort(values.begin(), values.end());
  d.sorted = std::move(values);
  d.distinct = d.sorted;
  d.distinct.erase(std::unique(d.distinct.begin(), d.distinct.end()), d.distinct.end());
  return d;
}

// Index into d.distinct of the value at quantile permille/1000 of the sampled values.
int quantile_index(const Distribution& d, int permille) {
  const size_t n = d.sorted.size();
  const size_t i = static_cast<size_t>(permille) * (n - 1) / 1000;
  return static_cast<int>(std::lower_bound(d.distinct.begin(), d.distinct.end(), d.sorted[i]) - d.distinct.begin());
}

// Thresholds at jittered quantiles, kept strictly inside the observed range so that each of the
// four levels is taken by at least one observed value (when there are 4 distinct values).
// Shares of the threshold modes, in percent of the channels.
struct ModeMix {
  int constant = 2;
  int decreasing = 20;
};

Quantizer calibrated_quantizer(const Distribution& d, std::mt19937_64& engine, int64_t bound, const ModeMix& mix) {
  // Always the same number of draws per channel, whatever the branch.
  const int mode_draw = below(engine, 100);
  const int level = below(engine, 4);
  int jitter[3];
  for (int& j : jitter) j = below(engine, 121) - 60;  // +-6 percentage points

  Quantizer q;
  if (mode_draw < mix.constant) {
    q.mode = ActMode::kConstant;
    q.level = static_cast<uint8_t>(level);
    return q;
  }
  const int u = static_cast<int>(d.distinct.size());
  const int32_t limit = static_cast<int32_t>(bound + 1);
  auto value = [&](int index) { return std::clamp(d.distinct[std::clamp(index, 0, u - 1)], -limit, limit); };
  if (mode_draw < mix.constant + mix.decreasing) {
    // Decreasing: q = #{m : v <= T_m}, T1 >= T2 >= T3; about 30% of the values above T1 (level 0)
    // and 20% at or below T3 (level 3), as for the increasing mode.
    q.mode = ActMode::kDecreasing;
    int c = quantile_index(d, 200 + jitter[0]);
    int b = quantile_index(d, 450 + jitter[1]);
    int a = quantile_index(d, 700 + jitter[2]);
    if (u >= 4) {
      c = std::clamp(c, 0, u - 4);
      b = std::clamp(b, c + 1, u - 3);
      a = std::clamp(a, b + 1, u - 2);
    }
    q.threshold = {value(a), value(b), value(c)};
  } else {
    // Increasing: q = #{m : v >= T_m}, T1 <= T2 <= T3.
    q.mode = ActMode::kIncreasing;
    int a = quantile_index(d, 300 + jitter[0]);
    int b = quantile_index(d, 550 + jitter[1]);
    int c = quantile_index(d, 800 + jitter[2]);
    if (u >= 4) {
      a = std::clamp(a, 1, u - 3);
      b = std::clamp(b, a + 1, u - 2);
      c = std::clamp(c, b + 1, u - 1);
    }
    q.threshold = {value(a), value(b), value(c)};
  }
  // Fewer than 4 distinct values: keep the thresholds monotone (best effort).
  if (q.mode == ActMode::kIncreasing) {
    q.threshold[1] = std::max(q.threshold[1], q.threshold[0]);
    q.threshold[2] = std::max(q.threshold[2], q.threshold[1]);
  } else {
    q.threshold[1] = std::min(q.threshold[1], q.threshold[0]);
    q.threshold[2] = std::min(q.threshold[2], q.threshold[1]);
  }
  return q;
}

std::vector<Quantizer> calibrate_layer(const std::vector<IntTensor>& streams, int64_t bound, std::mt19937_64& engine,
                                       const ModeMix& mix) {
  const int channels = streams.front().channels();
  size_t pixels = 0;
  for (const IntTensor& s : streams) pixels += static_cast<size_t>(s.height()) * s.width();
  // Every step-th pixel in raster order over all images; a step coprime with the width walks
  // through all columns instead of sampling one of them.
  const size_t width = static_cast<size_t>(streams.front().width());
  size_t step = (pixels + kMaxChannelSamples - 1) / kMaxChannelSamples;
  while (step > 1 && std::gcd(step, width) != 1) ++step;
  // samples[c * per_channel + i]: the i-th sampled pixel of channel c.
  std::vector<int32_t> samples;
  size_t per_channel = 0;
  {
    std::vector<const int32_t*> picked;
    size_t index = 0;
    for (const IntTensor& s : streams) {
      const size_t n = static_cast<size_t>(s.height()) * s.width();
      for (size_t p = 0; p < n; ++p, ++index) {
        if (index % step == 0) picked.push_back(s.data().data() + p * channels);
      }
    }
    per_channel = picked.size();
    samples.resize(per_channel * channels);
    for (size_t i = 0; i < per_channel; ++i) {
      for (int c = 0; c < channels; ++c) samples[c * per_channel + i] = picked[i][c];
    }
  }
  // The whole layer's values, for channels with too few samples or values.
  Distribution pooled;
  auto pooled_distribution = [&]() -> const Distribution& {
    if (pooled.sorted.empty()) {
      const size_t pool_step = (samples.size() + kMaxPooledSamples - 1) / kMaxPooledSamples;
      std::vector<int32_t> values;
      for (size_t i = 0; i < samples.size(); i += pool_step) values.push_back(samples[i]);
      pooled = make_distribution(std::move(values));
    }
    return pooled;
  };
  std::vector<Quantizer> quantizers(channels);
  for (int c = 0; c < channels; ++c) {
    if (per_channel >= static_cast<size_t>(kMinChannelSamples)) {
      const Distribution d = make_distribution(
          std::vector<int32_t>(samples.begin() + c * per_channel, samples.begin() + (c + 1) * per_channel));
      if (d.distinct.size() >= 4) {
        quantizers[c] = calibrated_quantizer(d, engine, bound, mix);
        continue;
      }
    }
    quantizers[c] = calibrated_quantizer(pooled_distribution(), engine, bound, mix);
  }
  return quantizers;
}

// Runs the packed golden computation on the calibration images layer by layer, choosing each
// activation's thresholds from the stream values it sees before applying them.
void calibrate(Network& net, const std::vector<ActTensor>& images, uint64_t seed, const ModeMix& mix) {
  const size_t n_tensors = net.tensors.size();
  // Free every tensor after its last reader.
  std::vector<int> last_use(n_tensors, -1);
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer& layer = net.layers[l];
    last_use[layer.input] = static_cast<int>(l);
    if (layer.residual >= 0) last_use[layer.residual] = static_cast<int>(l);
  }
  struct State {
    std::vector<PackedAct> packed;
    std::vector<IntTensor> ints;
  };
  std::vector<State> states(images.size());
  for (State& s : states) {
    s.packed.resize(n_tensors);
    s.ints.resize(n_tensors);
  }
  for (size_t l = 0; l < net.layers.size(); ++l) {
    Layer& layer = net.layers[l];
    if (layer.kind == LayerKind::kPixelEmbedding) {
      for (size_t i = 0; i < images.size(); ++i) {
        states[i].packed[layer.out_act] = pixel_embedding_packed(images[i], layer.source_channel, layer.table);
      }
    } else if (layer.out_act >= 0 || layer.out_int >= 0) {  // the classifier needs no calibration
      std::vector<IntTensor> streams;
      for (State& s : states) {
        streams.push_back(binary_conv_packed(s.packed[layer.input], layer.weights, {layer.stride, layer.pad}));
        if (layer.residual >= 0) add_residual_in_place(streams.back(), s.ints[layer.residual]);
      }
      if (layer.out_act >= 0) {
        std::mt19937_64 engine(derive_seed(seed, kCalibPurpose, l));
        int64_t bound = net.accumulator_bound(layer);
        if (layer.residual >= 0) bound += net.tensor(layer.residual).bound;
        layer.quantizers = calibrate_layer(streams, bound, engine, mix);
        for (size_t i = 0; i < images.size(); ++i) {
          states[i].packed[layer.out_act] = threshold_activation_packed(streams[i], layer.quantizers);
        }
      }
      if (layer.out_int >= 0) {
        for (size_t i = 0; i < images.size(); ++i) states[i].ints[layer.out_int] = std::move(streams[i]);
      }
    }
    for (size_t id = 0; id < n_tensors; ++id) {
      if (last_use[id] == static_cast<int>(l)) {
        for (State& s : states) {
          s.packed[id] = PackedAct();
          s.ints[id] = IntTensor();
        }
      }
    }
  }
}

}  // namespace

const std::vector<ZooModel>& zoo_models() {
  static const std::vector<ZooModel> models = {
      {"ERNs18-0.75x", false, {2, 2, 2, 2}, 384, 0.98, 298.5, 63.6, 6.52},
      {"ERNs18", false, {2, 2, 2, 2}, 512, 1.40, 277.8, 65.3, 6.97},
      {"ERNs34", false, {3, 4, 6, 3}, 512, 2.61, 188.0, 70.0, 11.81},
      {"ERNs50", true, {3, 4, 6, 3}, 512, 3.05, 103.7, 72.5, 13.13},
      {"ERNs101", true, {3, 4, 23, 3}, 512, 5.31, 63.4, 73.8, 22.87},
  };
  return models;
}

const ZooModel& find_zoo_model(const std::string& name) {
  const std::string key = lower(name);
  for (const ZooModel& m : zoo_models()) {
    if (lower(m.name) == key) return m;
  }
  // The fixture's spelling of ERNs18-0.75x.
  if (key == "erns18x075") return zoo_models().front();
  std::string valid;
  std::vector<std::string> names;
  for (const ZooModel& m : zoo_models()) {
    valid += (valid.empty() ? "" : ", ") + m.name;
    names.push_back(m.name);
  }
  fail("unknown zoo model '{}'{} (valid: {}; ERNs18x075 also names ERNs18-0.75x)", name, did_you_mean(name, names),
       valid);
}

ZooStats zoo_stats(const ZooModel& model, int size, int num_classes) {
  const Plan plan = make_plan(model, size, num_classes);
  ZooStats stats{0, 0, 0, plan.blocks};
  for (const ConvSpec& c : plan.convs) {
    const int64_t weights = int64_t{c.out_channels} * c.in_channels * c.kernel * c.kernel;
    stats.weight_bits += weights;
    stats.macs += weights * c.out_size() * c.out_size();
    ++stats.conv_layers;
  }
  return stats;
}

namespace {

// ERN's thermometer tables: k = 10 channels per colour.
std::vector<std::array<uint8_t, 256>> thermometer_tables() {
  std::vector<std::array<uint8_t, 256>> tables;
  for (int colour = 0; colour < kColours; ++colour) {
    for (int j = 0; j < kEmbeddingChannels; ++j) {
      tables.push_back(
          thermometer_table(thermometer_weight(kEmbeddingChannels), thermometer_bias(kEmbeddingChannels, j)));
    }
  }
  return tables;
}

std::vector<int> embedding_sources() {
  std::vector<int> source;
  for (int colour = 0; colour < kColours; ++colour) source.insert(source.end(), kEmbeddingChannels, colour);
  return source;
}

// The network of a plan: seeded weights, the given embedding tables (ERN's thermometer by
// default), thresholds calibrated on two zoo_images of its size.
Network build_network(const std::string& name, const Plan& plan, int size, uint64_t seed, const ModeMix& mix,
                      ZooDetail detail = ZooDetail::kCalibrated,
                      std::vector<std::array<uint8_t, 256>> tables = thermometer_tables()) {
  NetworkBuilder builder(name);
  const int image = builder.add_image(kColours, size, size);
  const int embedded = builder.add_pixel_embedding("pixel_embedding", image, embedding_sources(), std::move(tables));

  const std::vector<ConvSpec>& convs = plan.convs;
  std::vector<int> layer_of(convs.size(), -1);
  std::vector<int> act_of(convs.size(), -1);
  // A spec's activation is added when its first reader is, which reproduces the importer's
  // tensor order (BN + act nodes come right before the convs that read them).
  auto activation = [&](int spec) {
    if (spec < 0) return embedded;
    if (act_of[spec] < 0) {
      // Placeholder thresholds; calibrate() replaces them before the network is returned.
      std::vector<Quantizer> placeholder(convs[spec].out_channels);
      act_of[spec] = builder.add_activation(layer_of[spec], std::move(placeholder), convs[spec].act_scale);
    }
    return act_of[spec];
  };
  int output = -1;
  for (size_t i = 0; i < convs.size(); ++i) {
    const ConvSpec& c = convs[i];
    std::mt19937_64 engine(derive_seed(seed, kWeightsPurpose, i));
    BinaryWeights weights = detail == ZooDetail::kCalibrated ? random_weights(c, engine)
                                                             : BinaryWeights(c.out_channels, c.in_channels, c.kernel);
    std::vector<double> alpha(c.out_channels, kPower2Scale);
    if (!c.power2) {
      // Channel-wise mean scaling: a seeded positive alpha in [0.5, 1.5) x 1e-2.
      for (double& a : alpha) a = (0.5 + unit_double(engine)) * 1e-2;
    }
    const int input = activation(c.input);
    layer_of[i] = builder.add_conv(c.name, input, std::move(weights), c.stride, (c.kernel - 1) / 2, alpha);
    if (c.residual >= 0) builder.add_residual(layer_of[i], layer_of[c.residual]);
    if (c.classifier) output = builder.add_class_sum(layer_of[i]);
  }
  Network net = builder.finish(output);
  if (detail == ZooDetail::kStructure) return net;

  // Calibrated on a gradient and a noise image of their own seed (the two kinds of zoo_images).
  calibrate(net, zoo_images(2, size, derive_seed(seed, kCalibPurpose, ~uint64_t{0})), seed, mix);
  net.validate();
  return net;
}

}  // namespace

Network build_zoo_network(const ZooModel& model, int size, uint64_t seed, int num_classes, ZooDetail detail) {
  return build_network(model.name, make_plan(model, size, num_classes), size, seed, ModeMix{}, detail);
}

RandomNetwork make_random_network(uint64_t seed) {
  std::mt19937_64 engine(derive_seed(seed, kStructurePurpose, 0));
  auto chance = [&](int percent) { return below(engine, 100) < percent; };
  auto pick = [&](std::initializer_list<int> values) {
    return *(values.begin() + below(engine, static_cast<int>(values.size())));
  };

  RandomNetwork r;
  r.size = 8 + below(engine, 33);
  Plan plan;
  std::vector<ConvSpec>& convs = plan.convs;
  auto add = [&](const std::string& name, int input, int in_channels, int out_channels, int kernel, int stride,
                 int in_size, bool power2) {
    ConvSpec c;
    c.name = name;
    c.input = input;
    c.in_channels = in_channels;
    c.out_channels = out_channels;
    c.kernel = kernel;
    c.stride = stride;
    c.in_size = in_size;
    c.power2 = power2;
    convs.push_back(c);
    return static_cast<int>(convs.size()) - 1;
  };
  std::string stem;
  // Stem: a 3x3 conv on the embedding, then up to two more.
  int channels = pick({8, 16, 24, 32, 40, 64, 80});
  int x = add("stem0", -1, kColours * kEmbeddingChannels, channels, 3, chance(70) ? 2 : 1, r.size, false);
  stem += fmt::format("stem {}x{}/s{} {}", 3, 3, convs[x].stride, channels);
  for (int i = 1, extra = below(engine, 3); i <= extra; ++i) {
    convs[x].act_scale = kPostScaled;
    const int k = chance(60) ? 3 : 1;
    const int stride = k == 3 && convs[x].out_size() >= 4 && chance(30) ? 2 : 1;
    const int out = pick({8, 16, 32, 48, 64});
    x = add(fmt::format("stem{}", i), x, channels, out, k, stride, convs[x].out_size(), false);
    channels = out;
    stem += fmt::format(", {}x{}/s{} {}", k, k, stride, out);
  }
  int spatial = convs[x].out_size();
  std::string stages;
  const int n_stages = 1 + below(engine, 3);
  for (int stage = 0; stage < n_stages; ++stage) {
    const bool bottleneck = chance(30);
    const int width = pick({8, 16, 24, 32, 40, 48, 64, 72, 96, 128});
    const int out_channels = bottleneck ? width * kBottleneckExpansion : width;
    const int blocks = 1 + below(engine, 3);
    const int first_stride = spatial >= 4 && (stage > 0 || chance(30)) ? 2 : 1;
    stages += fmt::format("{}{}x{}{}{}", stages.empty() ? "" : ", ", blocks, bottleneck ? "bottleneck " : "basic ",
                          width, first_stride == 2 ? "/s2" : "");
    for (int b = 0; b < blocks; ++b) {
      const std::string prefix = fmt::format("layer{}.{}.", stage + 1, b);
      const int stride = b == 0 ? first_stride : 1;
      // A projection when the shape changes, and sometimes when it does not.
      const bool projection = stride != 1 || channels != out_channels || (b == 0 && chance(50));
      convs[x].act_scale = projection ? kInteger : kPostScaled;
      const int proj =
          projection ? add(prefix + "downsample", x, channels, out_channels, 1, stride, spatial, true) : -1;
      int last;
      if (!bottleneck) {
        const int c1 = add(prefix + "conv1", x, channels, width, 3, stride, spatial, false);
        convs[c1].act_scale = kInteger;
        last = add(prefix + "conv2", c1, width, width, 3, 1, convs[c1].out_size(), true);
      } else {
        const int c1 = add(prefix + "conv1", x, channels, width, 1, 1, spatial, false);
        convs[c1].act_scale = kPostScaled;
        const int c2 = add(prefix + "conv2", c1, width, width, 3, stride, spatial, false);
        convs[c2].act_scale = kInteger;
        last = add(prefix + "conv3", c2, width, out_channels, 1, 1, convs[c2].out_size(), true);
      }
      convs[last].residual = projection ? proj : x;
      x = last;
      channels = out_channels;
      spatial = convs[last].out_size();
      ++plan.blocks;
    }
  }
  convs[x].act_scale = kPostScaled;
  const int classes = 1 + below(engine, 24);
  const int cls = add("conv", x, channels, classes, 1, 1, spatial, false);
  convs[cls].classifier = true;

  ModeMix mix;
  mix.constant = 8;
  mix.decreasing = 25;
  // Half the networks embed with learned tables (the Pixel Embedding paper's form): arbitrary
  // levels, pixel value 0 included, so the zero pairs at the stem's edges differ from embedded pixels.
  const bool learned = chance(50);
  r.net =
      build_network(fmt::format("random#{}", seed), plan, r.size, seed, mix, ZooDetail::kCalibrated,
                    learned ? random_embedding_tables(derive_seed(seed, kStructurePurpose, 1)) : thermometer_tables());
  r.description = fmt::format("{}x{} input; {} embedding; {}; stages {}; {} classes; {} layers", r.size, r.size,
                              learned ? "learned" : "thermometer", stem, stages, classes, r.net.layers.size());
  return r;
}

std::vector<std::array<uint8_t, 256>> random_embedding_tables(uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::vector<std::array<uint8_t, 256>> tables(kColours * kEmbeddingChannels);
  for (auto& table : tables) {
    // A smooth table (a random walk over the pixel values, as a trained one tends to be) or noise.
    const bool smooth = below(engine, 2) == 0;
    int level = below(engine, 4);
    for (auto& q : table) {
      if (smooth) {
        if (below(engine, 16) == 0) level = std::clamp(level + (below(engine, 2) ? 1 : -1), 0, 3);
        q = static_cast<uint8_t>(level);
      } else {
        q = static_cast<uint8_t>(below(engine, 4));
      }
    }
  }
  // Pixel value 0 maps to a non-zero level in at least one channel of every colour.
  for (int colour = 0; colour < kColours; ++colour) {
    tables[static_cast<size_t>(colour * kEmbeddingChannels + below(engine, kEmbeddingChannels))][0] =
        static_cast<uint8_t>(1 + below(engine, 3));
  }
  return tables;
}

OverflowNetwork make_overflow_network(uint64_t seed) {
  std::mt19937_64 engine(derive_seed(seed, kStructurePurpose, 2));
  OverflowNetwork r;
  // At most 8 pixels wide: three rows of 2,048 channels then fit half of the small configuration's
  // activation buffer.
  r.size = 5 + below(engine, 4);
  const int wide_channels = below(engine, 2) ? 2048 : 1792;
  const int flip_percent = below(engine, 6);
  NetworkBuilder b(fmt::format("overflow#{}", seed));
  const int image = b.add_image(kColours, r.size, r.size);
  const int embedded = b.add_pixel_embedding("pixel_embedding", image, embedding_sources(),
                                             random_embedding_tables(derive_seed(seed, kStructurePurpose, 3)));
  auto signs = [&](int out, int in, int kernel, int minus_percent) {
    BinaryWeights w(out, in, kernel);
    for (int o = 0; o < out; ++o) {
      for (int i = 0; i < in; ++i) {
        for (int t = 0; t < kernel * kernel; ++t) {
          w.set_sign(o, i, t / kernel, t % kernel, below(engine, 100) < minus_percent ? -1 : 1);
        }
      }
    }
    return w;
  };
  // The projection's small stream is the residual of the big conv.
  const int proj =
      b.add_conv("projection", embedded, signs(64, 30, 1, 50), 1, 0, std::vector<double>(64, kPower2Scale));
  // Every channel of the wide activation is level 3, so the big conv's sums approach 27 x 3 x C.
  const int wide = b.add_conv("wide", embedded, signs(wide_channels, 30, 1, 50), 1, 0,
                              std::vector<double>(static_cast<size_t>(wide_channels), 0.01));
  const int wide_act = b.add_activation(
      wide, std::vector<Quantizer>(static_cast<size_t>(wide_channels), Quantizer{ActMode::kConstant, {}, 3}), kInteger);
  const int big = b.add_conv("big", wide_act, signs(64, wide_channels, 3, flip_percent), 1, 1,
                             std::vector<double>(64, kPower2Scale));
  b.add_residual(big, proj);
  const int act = b.add_activation(
      big, std::vector<Quantizer>(64, Quantizer{ActMode::kIncreasing, {0, 20000, 40000}, 0}), kPostScaled);
  b.add_int_output(big);
  const int cls = b.add_conv("classifier", act, signs(10, 64, 1, 50), 1, 0, std::vector<double>(10, 0.01));
  r.net = b.finish(b.add_class_sum(cls));
  r.net.validate();
  r.description = fmt::format("{}x{} input; a 3x3 conv over {} channels of level 3 ({}% of its weights -1) whose "
                              "stream outgrows 16 bits",
                              r.size, r.size, wide_channels, flip_percent);
  return r;
}

std::vector<ActTensor> zoo_images(int count, int size, uint64_t seed) {
  if (count < 0) fail("zoo images: count {} must not be negative", count);
  if (size <= 0 || size > kMaxSize) fail("zoo images: size {} must be in 1..{}", size, kMaxSize);
  std::mt19937_64 engine(derive_seed(seed, kImagesPurpose, 0));
  std::vector<ActTensor> images;
  for (int n = 0; n < count; ++n) {
    ActTensor image(kColours, size, size);
    if (n == 0) {
      // One linear ramp per colour along a seeded integer direction (a, b), over 0..255.
      for (int colour = 0; colour < kColours; ++colour) {
        int a = 0, b = 0;
        while (a == 0 && b == 0) {
          a = below(engine, 7) - 3;
          b = below(engine, 7) - 3;
        }
        const int64_t extent = int64_t{size - 1};
        const int64_t lo = std::min<int64_t>(0, a * extent) + std::min<int64_t>(0, b * extent);
        const int64_t hi = std::max<int64_t>(0, a * extent) + std::max<int64_t>(0, b * extent);
        for (int y = 0; y < size; ++y) {
          for (int x = 0; x < size; ++x) {
            const int64_t v = int64_t{a} * x + int64_t{b} * y - lo;
            image.at(colour, y, x) = static_cast<uint8_t>(hi > lo ? v * 255 / (hi - lo) : 128);
          }
        }
      }
    } else {
      // Uniform noise: 8 pixels per engine output, in memory order.
      std::vector<uint8_t>& data = image.data();
      for (size_t i = 0; i < data.size(); i += 8) {
        const uint64_t bits = engine();
        for (size_t j = 0; j < 8 && i + j < data.size(); ++j) data[i + j] = static_cast<uint8_t>(bits >> (8 * j));
      }
    }
    images.push_back(std::move(image));
  }
  return images;
}

}  // namespace ernsim
