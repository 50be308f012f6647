#include "models/heq/zoo.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <random>

#include <fmt/format.h>

#include "models/error.h"
#include "models/heq/kernels/bitplane_conv.h"
#include "models/heq/kernels/global_sum.h"
#include "models/heq/kernels/level_thresholds.h"
#include "models/heq/kernels/max_pool.h"
#include "models/heq/kernels/or_skips.h"
#include "models/heq/step_size.h"
#include "models/zoo.h"

namespace ernsim::heq {

namespace {

constexpr int kClasses = 10;
constexpr int kColours = 3;
constexpr int kMaxSize = 2048;
// Width F of VGG-11 / ORNet-11 / MUXORNet-11.
constexpr int kWidth = 64;
// Calibration looks at this many accumulator values per channel at most.
constexpr size_t kMaxSamples = 4096;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A uniform double in [0, 1) from the top 53 bits of one engine output (exact, portable).
double unit_double(std::mt19937_64& engine) { return static_cast<double>(engine() >> 11) * 0x1p-53; }

// One conv of the plan.
struct ConvSpec {
  int in = 0, out = 0;
};

std::vector<std::vector<ConvSpec>> vgg_small_stages() {
  return {{{3, 128}, {128, 128}}, {{128, 256}, {256, 256}}, {{256, 512}, {512, 512}}};
}

// VGG-11 family: stem, three blocks of three convs, head.
std::vector<std::vector<ConvSpec>> vgg11_blocks() {
  std::vector<std::vector<ConvSpec>> blocks;
  int in = kWidth;
  for (int width : {kWidth, 2 * kWidth, 4 * kWidth}) {
    blocks.push_back({{in, width}, {width, width}, {width, width}});
    in = width;
  }
  return blocks;
}

// Builds the zoo network while running the calibration images through it.
class CalibratingBuilder {
 public:
  CalibratingBuilder(const std::string& name, int size, uint64_t seed)
      : builder_(name), seed_(seed), images_(ernsim::zoo_images(2, size, seed ^ 0xca11b4a7e)) {
    image_ = builder_.add_image(kColours, size, size);
    for (const ActTensor& image : images_) maps_[image_].push_back(image);
  }

  int image() const { return image_; }

  // A 3x3 conv with seeded proxy weights quantized by eq. 1 with the HEQ step of eq. 3, and
  // thresholds at seeded quantiles of its accumulator on the calibration images. `gate_mix`:
  // channels alternate between mostly 0 and mostly 1 (so that MUX gates are mixed).
  int conv(const std::string& name, int input, ConvSpec spec, int levels, TensorKind out, bool gate_mix = false) {
    std::mt19937_64 engine(seed_ * 0x9E3779B97F4A7C15ull + ++convs_);
    const int h = (levels - 1) / 2;
    std::vector<double> proxy(static_cast<size_t>(spec.out) * spec.in * 9);
    for (double& w : proxy) w = unit_double(engine) + unit_double(engine) + unit_double(engine) - 1.5;
    const double s = heq_step_size(proxy, levels);
    CodeWeights weights(spec.out, spec.in, 3, -h, h);
    size_t i = 0;
    for (int o = 0; o < spec.out; ++o) {
      for (int c = 0; c < spec.in; ++c) {
        for (int t = 0; t < 9; ++t) weights.set_code(o, c, t / 3, t % 3, weight_code(proxy[i++], s, levels));
      }
    }
    const int layer = builder_.add_conv(name, input, weights, std::vector<double>(spec.out, 2.0 / (levels - 1)));
    std::vector<IntTensor> accs;
    for (const ActTensor& a : maps_.at(input)) {
      accs.push_back(multilevel_conv_packed(pack_planes(a, bits_of(builder_.tensor(input).kind)), weights, 1));
    }
    const int act_levels = out == TensorKind::kBinary ? 1 : 3;
    std::vector<Quantizer> thresholds(spec.out);
    for (int o = 0; o < spec.out; ++o) thresholds[o] = calibrate(accs, o, act_levels, gate_mix, engine);
    const int id = builder_.add_activation(layer, out, thresholds);
    for (const IntTensor& acc : accs) maps_[id].push_back(level_thresholds(acc, thresholds, act_levels));
    return id;
  }

  int or_skip(const std::string& name, int a, int b) {
    const int id = builder_.add_or(name, a, b);
    for (size_t n = 0; n < images_.size(); ++n) maps_[id].push_back(heq::or_skip(maps_[a][n], maps_[b][n]));
    return id;
  }

  int mux_or(const std::string& name, int x3, int x1) {
    const int id = builder_.add_mux_or(name, x3, x1);
    ActTensor gate;
    for (size_t n = 0; n < images_.size(); ++n) maps_[id].push_back(mux_or_skip(maps_[x3][n], maps_[x1][n], gate));
    return id;
  }

  int pool(const std::string& name, int input) {
    const int id = builder_.add_max_pool(name, input);
    for (const ActTensor& a : maps_.at(input)) maps_[id].push_back(max_pool_2x2(a));
    return id;
  }

  // The ternary classifier with its own HEQ step; code scale 1, no bias.
  Network fc(const std::string& name, int input) {
    std::mt19937_64 engine(seed_ * 0x9E3779B97F4A7C15ull + ++convs_);
    const int fan_in = static_cast<int>(builder_.tensor(input).elements());
    std::vector<double> proxy(static_cast<size_t>(kClasses) * fan_in);
    for (double& w : proxy) w = unit_double(engine) + unit_double(engine) + unit_double(engine) - 1.5;
    const double s = heq_step_size(proxy, 3);
    CodeWeights weights(kClasses, fan_in, 1, -1, 1);
    for (int k = 0; k < kClasses; ++k) {
      for (int j = 0; j < fan_in; ++j) weights.set_code(k, j, 0, 0, weight_code(proxy[size_t(k) * fan_in + j], s, 3));
    }
    const int out =
        builder_.add_fc(name, input, weights, std::vector<double>(kClasses, 1.0), std::vector<double>(kClasses, 0.0));
    return builder_.finish(out);
  }

  NetworkBuilder& builder() { return builder_; }

 private:
  // Thresholds of channel o at seeded quantiles of its accumulator values, strictly inside their
  // range so that every level occurs; a fifth of the 2-bit channels use the decreasing mode.
  Quantizer calibrate(const std::vector<IntTensor>& accs, int o, int levels, bool gate_mix, std::mt19937_64& engine) {
    std::vector<int32_t> values;
    for (const IntTensor& acc : accs) {
      const size_t pixels = static_cast<size_t>(acc.height()) * acc.width();
      const size_t stride = std::max<size_t>(1, pixels * accs.size() / kMaxSamples);
      for (size_t p = 0; p < pixels; p += stride) values.push_back(acc.data()[p * acc.channels() + o]);
    }
    std::sort(values.begin(), values.end());
    auto at = [&](double q) {
      const size_t i = std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())));
      // Strictly above the minimum: the lowest level occurs too.
      return std::max(values[i], values.front() + 1);
    };
    Quantizer q;
    const double jitter = 0.2 * unit_double(engine) - 0.1;
    if (levels == 1) {
      const double share = gate_mix ? (o % 2 ? 0.25 : 0.75) : 0.5 + jitter;
      q.mode = ActMode::kIncreasing;
      q.threshold.fill(at(share));
      return q;
    }
    const bool decreasing = engine() % 5 == 0;
    for (int m = 0; m < 3; ++m) {
      const double p = (m + 1) * 0.25 + jitter / 2;
      q.threshold[m] = decreasing ? at(1 - p) - 1 : at(p);
    }
    q.mode = decreasing ? ActMode::kDecreasing : ActMode::kIncreasing;
    return q;
  }

  NetworkBuilder builder_;
  uint64_t seed_;
  std::vector<ActTensor> images_;
  int image_ = -1;
  int convs_ = 0;
  std::map<int, std::vector<ActTensor>> maps_;  // calibration activations by tensor id
};

}  // namespace

const std::vector<ZooModel>& zoo_models() {
  static const std::vector<ZooModel> models = {
      {"VGG-Small-W3", ZooFamily::kVggSmall, 3, 32, 4574592, 93.51},
      {"VGG-Small-W5", ZooFamily::kVggSmall, 5, 32, 4574592, 93.66},
      {"VGG-Small-W7", ZooFamily::kVggSmall, 7, 32, 4574592, 93.75},
      {"VGG-11", ZooFamily::kVgg11, 3, 96, 3135168, 83.34},
      {"ORNet-11", ZooFamily::kOrNet11, 3, 96, 3135168, 83.82},
      {"MUXORNet-11", ZooFamily::kMuxOrNet11, 3, 96, 3135168, 84.17},
  };
  return models;
}

const ZooModel* find_zoo_model(const std::string& name) {
  for (const ZooModel& m : zoo_models()) {
    if (lower(m.name) == lower(name)) return &m;
  }
  return nullptr;
}

int64_t zoo_conv_params(const ZooModel& model) {
  int64_t total = 0;
  auto add = [&](ConvSpec c) { total += int64_t{c.in} * c.out * 9; };
  if (model.family == ZooFamily::kVggSmall) {
    for (const auto& stage : vgg_small_stages()) std::for_each(stage.begin(), stage.end(), add);
    return total;
  }
  add({kColours, kWidth});
  for (const auto& block : vgg11_blocks()) std::for_each(block.begin(), block.end(), add);
  add({4 * kWidth, 8 * kWidth});
  return total;
}

Network build_zoo_network(const ZooModel& model, int size, uint64_t seed) {
  if (size < 8 || size > kMaxSize || size % 8 != 0) {
    fail("zoo model {}: size {} must be a multiple of 8 (three 2x2 pools) in 8..{}", model.name, size, kMaxSize);
  }
  CalibratingBuilder b(model.name, size, seed);
  int x = b.image();
  if (model.family == ZooFamily::kVggSmall) {
    int stage_index = 1;
    for (const auto& stage : vgg_small_stages()) {
      int conv_index = 0;
      for (ConvSpec c : stage) {
        x = b.conv(fmt::format("stage{}.conv{}", stage_index, ++conv_index), x, c, model.levels, TensorKind::kAct2);
      }
      x = b.pool(fmt::format("stage{}.pool", stage_index++), x);
    }
    return b.fc("fc", x);
  }
  x = b.conv("stem", x, {kColours, kWidth}, model.levels, TensorKind::kBinary);
  int block_index = 1;
  for (const auto& block : vgg11_blocks()) {
    const std::string prefix = fmt::format("block{}.", block_index++);
    const bool mux = model.family == ZooFamily::kMuxOrNet11;
    const int x1 = b.conv(prefix + "conv_a", x, block[0], model.levels, TensorKind::kBinary, mux);
    const int x2 = b.conv(prefix + "conv_b", x1, block[1], model.levels, TensorKind::kBinary);
    int y = b.conv(prefix + "conv_c", x2, block[2], model.levels, TensorKind::kBinary);
    if (model.family == ZooFamily::kOrNet11) y = b.or_skip(prefix + "or", y, x1);
    if (mux) y = b.mux_or(prefix + "mux_or", y, x1);
    x = b.pool(prefix + "pool", y);
  }
  x = b.conv("head", x, {4 * kWidth, 8 * kWidth}, model.levels, TensorKind::kBinary);
  const int sum = b.builder().add_global_sum("sum", x);
  return b.fc("fc", sum);
}

}  // namespace ernsim::heq
