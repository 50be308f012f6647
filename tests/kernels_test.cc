// The reference kernels against small hand-computed cases, threshold folding against a direct
// float64 evaluation of batch norm + activation, and the packed path against the reference.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/kernels/binary_conv.h"
#include "models/kernels/class_sum.h"
#include "models/kernels/packed.h"
#include "models/kernels/packed_kernels.h"
#include "models/kernels/pixel_embedding.h"
#include "models/kernels/residual_add.h"
#include "models/kernels/threshold_activation.h"
#include "models/quantizer.h"

namespace ernsim {
namespace {

ActTensor make_act(int c, int h, int w, std::initializer_list<int> chw_values) {
  ActTensor t(c, h, w);
  auto it = chw_values.begin();
  for (int ch = 0; ch < c; ++ch) {
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) t.at(ch, y, x) = static_cast<uint8_t>(*it++);
    }
  }
  return t;
}

TEST(PixelEmbedding, ThermometerTableMatchesClosedForm) {
  // ern-semantics.md 2.1: for k = 10, channel j reaches level m at x >= 9 + 8j + 80(m - 1).
  for (int j = 0; j < 10; ++j) {
    const auto table = thermometer_table(thermometer_weight(10), thermometer_bias(10, j));
    for (int x = 0; x < 256; ++x) {
      int expected = 0;
      for (int m = 1; m <= 3; ++m) expected += x >= 9 + 8 * j + 80 * (m - 1);
      ASSERT_EQ(table[x], expected) << "j=" << j << " x=" << x;
    }
  }
}

TEST(PixelEmbedding, LooksUpTheSourceChannel) {
  ActTensor image(2, 1, 2);
  image.at(0, 0, 0) = 10;
  image.at(0, 0, 1) = 200;
  image.at(1, 0, 0) = 255;
  image.at(1, 0, 1) = 0;
  std::array<uint8_t, 256> low{}, high{};
  for (int x = 0; x < 256; ++x) {
    low[x] = x < 100 ? 1 : 2;
    high[x] = x == 255 ? 3 : 0;
  }
  const ActTensor out = pixel_embedding(image, {0, 1, 0}, {low, high, high});
  ASSERT_TRUE(out.same_shape(3, 1, 2));
  EXPECT_EQ(out.at(0, 0, 0), 1);
  EXPECT_EQ(out.at(0, 0, 1), 2);
  EXPECT_EQ(out.at(1, 0, 0), 3);
  EXPECT_EQ(out.at(1, 0, 1), 0);
  EXPECT_EQ(out.at(2, 0, 0), 0);
  EXPECT_EQ(out.at(2, 0, 1), 0);
}

TEST(BinaryConv, OneByOneIsASignedChannelSum) {
  // Two input channels, one pixel: q = (3, 2); weights o0 = (+1, -1), o1 = (-1, -1).
  const ActTensor in = make_act(2, 1, 1, {3, 2});
  BinaryWeights w(2, 2, 1);
  w.set_sign(0, 0, 0, 0, +1);
  w.set_sign(0, 1, 0, 0, -1);
  w.set_sign(1, 0, 0, 0, -1);
  w.set_sign(1, 1, 0, 0, -1);
  const IntTensor acc = binary_conv_reference(in, w, {1, 0});
  EXPECT_EQ(acc.at(0, 0, 0), 3 - 2);
  EXPECT_EQ(acc.at(1, 0, 0), -3 - 2);
}

TEST(BinaryConv, ThreeByThreePadsWithZeros) {
  // One channel, 3x3 input 1..9 (mod 4), all weights +1 except the centre (-1).
  const ActTensor in = make_act(1, 3, 3, {1, 2, 3, 0, 1, 2, 3, 0, 1});
  BinaryWeights w(1, 1, 3);
  for (int ky = 0; ky < 3; ++ky) {
    for (int kx = 0; kx < 3; ++kx) w.set_sign(0, 0, ky, kx, ky == 1 && kx == 1 ? -1 : +1);
  }
  const IntTensor acc = binary_conv_reference(in, w, {1, 1});
  // Corner (0,0) sees the window rows -1..1, cols -1..1: in(0,0)=1 is the centre (-1); neighbours
  // in(0,1)=2, in(1,0)=0, in(1,1)=1.
  EXPECT_EQ(acc.at(0, 0, 0), -1 + 2 + 0 + 1);
  // Centre: sum of all minus twice the centre value.
  EXPECT_EQ(acc.at(0, 1, 1), (1 + 2 + 3 + 0 + 1 + 2 + 3 + 0 + 1) - 2 * 1);
  // Bottom-right corner (2,2): centre in(2,2)=1, neighbours in(1,1)=1, in(1,2)=2, in(2,1)=0.
  EXPECT_EQ(acc.at(0, 2, 2), -1 + 1 + 2 + 0);
}

TEST(BinaryConv, StrideTwoSamplesEveryOtherPixel) {
  const ActTensor in = make_act(1, 4, 4, {0, 1, 2, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 0, 3, 0});
  BinaryWeights w(1, 1, 1);
  w.set_sign(0, 0, 0, 0, -1);
  const IntTensor acc = binary_conv_reference(in, w, {2, 0});
  ASSERT_TRUE(acc.same_shape(1, 2, 2));
  EXPECT_EQ(acc.at(0, 0, 0), -0);
  EXPECT_EQ(acc.at(0, 0, 1), -2);
  EXPECT_EQ(acc.at(0, 1, 0), -2);
  EXPECT_EQ(acc.at(0, 1, 1), -2);
}

TEST(BinaryConv, ThirtyChannelsThreeByThreeStrideTwo) {
  // The first ERN conv: 30 channels, 3x3, stride 2, pad 1, on a 4x4 input -> 2x2.
  ActTensor in(30, 4, 4, 2);
  BinaryWeights w(1, 30, 3);
  for (int i = 0; i < 30; ++i) {
    for (int ky = 0; ky < 3; ++ky) {
      for (int kx = 0; kx < 3; ++kx) w.set_sign(0, i, ky, kx, i < 10 ? -1 : +1);
    }
  }
  const IntTensor acc = binary_conv_reference(in, w, {2, 1});
  // Output (0,0) sees input rows/cols -1..1: 4 valid taps; per tap 2 * (20 - 10).
  EXPECT_EQ(acc.at(0, 0, 0), 4 * 2 * 10);
  // Output (1,1) sees rows/cols 1..3: all 9 taps valid.
  EXPECT_EQ(acc.at(0, 1, 1), 9 * 2 * 10);
}

TEST(ThresholdActivation, ModesCountThresholdsCrossed) {
  Quantizer inc{ActMode::kIncreasing, {-2, 0, 5}, 0};
  Quantizer dec{ActMode::kDecreasing, {5, 0, -2}, 0};
  Quantizer con{ActMode::kConstant, {0, 0, 0}, 2};
  const int values[] = {-3, -2, -1, 0, 4, 5, 6};
  const int expect_inc[] = {0, 1, 1, 2, 2, 3, 3};
  const int expect_dec[] = {3, 3, 2, 2, 1, 1, 0};
  IntTensor v(3, 1, 7);
  for (int x = 0; x < 7; ++x) {
    for (int c = 0; c < 3; ++c) v.at(c, 0, x) = values[x];
  }
  const ActTensor q = threshold_activation(v, {inc, dec, con});
  for (int x = 0; x < 7; ++x) {
    EXPECT_EQ(q.at(0, 0, x), expect_inc[x]) << values[x];
    EXPECT_EQ(q.at(1, 0, x), expect_dec[x]) << values[x];
    EXPECT_EQ(q.at(2, 0, x), 2);
  }
}

// q = clamp(floor(z * 1.5 + 0.5), 0, 3) of z = BN(c * v), straight from the float graph.
int float_activation(const BatchNormAct& bn, double c, int v) {
  const double z = bn.gamma * (c * v - bn.mean) / std::sqrt(bn.var + bn.eps) + bn.beta;
  return static_cast<int>(std::clamp(std::floor(z * bn.scale1 + bn.beta1 + 0.5), 0.0, 3.0));
}

TEST(FoldBatchnorm, AgreesWithFloatEvaluationForEveryGammaSign) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uni(-1, 1);
  const int bound = 600;
  int checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    BatchNormAct bn{};
    // Positive, negative, zero and tiny gammas; the tiny ones push thresholds past the bound.
    const double gammas[] = {0.7, -0.4, 0.0, 1e-9, -1e-9, 3.0};
    bn.gamma = trial < 6 ? gammas[trial] : uni(rng) * 2;
    bn.beta = uni(rng) * 2;
    bn.mean = uni(rng) * 5;
    bn.var = std::fabs(uni(rng)) * 4 + 0.01;
    bn.eps = 1e-5;
    bn.scale1 = 1.5;
    bn.beta1 = 0;
    const double c = (std::fabs(uni(rng)) + 0.01) / 32;
    const Quantizer q = fold_batchnorm(bn, c, bound);
    const ActMode expected_mode = bn.gamma > 0   ? ActMode::kIncreasing
                                  : bn.gamma < 0 ? ActMode::kDecreasing
                                                 : ActMode::kConstant;
    EXPECT_EQ(q.mode, expected_mode);
    for (int m = 0; m < 3; ++m) {
      EXPECT_LE(std::abs(q.threshold[m]), bound + 1);
    }
    for (int v = -bound; v <= bound; ++v) {
      ASSERT_EQ(q.apply(v), float_activation(bn, c, v)) << "gamma " << bn.gamma << " beta " << bn.beta << " v " << v;
      ++checked;
    }
  }
  EXPECT_GT(checked, 400 * 1000);
}

TEST(FoldBatchnorm, ZeroGammaGivesTheLevelOfBeta) {
  for (double beta : {-1.0, 0.2, 0.4, 0.9, 1.1, 1.6, 1.7, 5.0}) {
    const Quantizer q = fold_batchnorm({0.0, beta, 0.3, 1.0, 1e-5, 1.5, 0.0}, 1.0 / 32, 100);
    EXPECT_EQ(q.mode, ActMode::kConstant);
    EXPECT_EQ(q.level, std::clamp(static_cast<int>(std::floor(beta * 1.5 + 0.5)), 0, 3)) << beta;
  }
}

TEST(ResidualAdd, AddsElementwise) {
  IntTensor a(2, 1, 2), b(2, 1, 2);
  a.data() = {1, -2, 3, 40000};
  b.data() = {-1, -5, 7, 123};
  const IntTensor s = residual_add(a, b);
  EXPECT_EQ(s.data(), (std::vector<int32_t>{0, -7, 10, 40123}));
}

TEST(ClassSum, SumsPixelsAndScalesPerClass) {
  IntTensor acc(2, 2, 2);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 2; ++x) {
      acc.at(0, y, x) = y * 2 + x;      // 0+1+2+3
      acc.at(1, y, x) = -10 * (x + 1);  // -10-20-10-20
    }
  }
  const IntTensor sums = class_sum(acc);
  ASSERT_TRUE(sums.same_shape(2, 1, 1));
  EXPECT_EQ(sums.at(0, 0, 0), 6);
  EXPECT_EQ(sums.at(1, 0, 0), -60);
  const std::vector<float> logits = class_logits(sums, {0.5, 0.25});
  EXPECT_FLOAT_EQ(logits[0], 3.0f);
  EXPECT_FLOAT_EQ(logits[1], -15.0f);
}

TEST(Packed, PackUnpackRoundTrip) {
  std::mt19937_64 rng(3);
  for (int channels : {1, 30, 63, 64, 65, 128, 200}) {
    ActTensor a(channels, 3, 5);
    for (auto& v : a.data()) v = static_cast<uint8_t>(rng() & 3);
    const PackedAct p = pack(a);
    EXPECT_EQ(p.blocks(), (channels + 63) / 64);
    EXPECT_EQ(unpack(p), a);
    // Lanes past the last channel stay zero.
    const uint64_t* words = p.pixel(0, 0);
    if (channels % 64) {
      const uint64_t unused = ~uint64_t{0} << (channels % 64);
      EXPECT_EQ(words[2 * (p.blocks() - 1)] & unused, 0u);
      EXPECT_EQ(words[2 * (p.blocks() - 1) + 1] & unused, 0u);
    }
  }
}

struct RandomCase {
  int in_channels, out_channels, kernel, stride, height, width;
};

TEST(Packed, PixelEmbeddingEqualsReference) {
  std::mt19937_64 rng(5);
  ActTensor image(3, 7, 9);
  for (auto& v : image.data()) v = static_cast<uint8_t>(rng());
  std::vector<std::array<uint8_t, 256>> tables(70);
  std::vector<int> source(70);
  for (size_t c = 0; c < tables.size(); ++c) {
    source[c] = static_cast<int>(rng() % 3);
    for (auto& q : tables[c]) q = static_cast<uint8_t>(rng() & 3);
  }
  EXPECT_EQ(pixel_embedding_packed(image, source, tables), pack(pixel_embedding(image, source, tables)));
}

// Runs a test body once for every packed-kernel implementation this CPU supports.
class PackedIsaTest : public ::testing::TestWithParam<PackedIsa> {
 protected:
  void SetUp() override {
    if (!packed_isa_supported(GetParam())) GTEST_SKIP() << "this CPU lacks " << to_string(GetParam());
    saved_ = packed_conv_isa();
    set_packed_conv_isa(GetParam());
  }
  void TearDown() override { set_packed_conv_isa(saved_); }

 private:
  PackedIsa saved_ = PackedIsa::kScalar;
};

INSTANTIATE_TEST_SUITE_P(Isa, PackedIsaTest, ::testing::Values(PackedIsa::kScalar, PackedIsa::kAvx512),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// The packed path must equal the reference on any shape, including odd sizes, channel counts
// that are not multiples of 64, and inputs smaller than the kernel window.
TEST_P(PackedIsaTest, ConvAndActivationEqualReferenceOnRandomShapes) {
  std::mt19937_64 rng(2024);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  const int kCases = 1200;
  for (int n = 0; n < kCases; ++n) {
    RandomCase c;
    const int channel_choices[] = {1, 2, 30, 63, 64, 65, 100, 128, 192, 256};
    c.in_channels = n % 3 == 0 ? pick(1, 260) : channel_choices[rng() % 10];
    c.out_channels = pick(1, 40);
    c.kernel = rng() % 2 ? 3 : 1;
    c.stride = rng() % 2 ? 2 : 1;
    c.height = pick(1, 11);
    c.width = pick(1, 11);
    const int pad = c.kernel / 2;
    ActTensor in(c.in_channels, c.height, c.width);
    // Vary the activation statistics, from sparse to dense.
    const int density = pick(0, 3);
    for (auto& v : in.data()) v = static_cast<uint8_t>((rng() % 4 <= static_cast<unsigned>(density)) ? rng() & 3 : 0);
    BinaryWeights w(c.out_channels, c.in_channels, c.kernel);
    for (int o = 0; o < c.out_channels; ++o) {
      for (int i = 0; i < c.in_channels; ++i) {
        for (int ky = 0; ky < c.kernel; ++ky) {
          for (int kx = 0; kx < c.kernel; ++kx) w.set_sign(o, i, ky, kx, rng() & 1 ? 1 : -1);
        }
      }
    }
    const IntTensor expected = binary_conv_reference(in, w, {c.stride, pad});
    const IntTensor got = binary_conv_packed(pack(in), w, {c.stride, pad});
    ASSERT_EQ(got, expected) << "case " << n << ": " << c.in_channels << "->" << c.out_channels << " k" << c.kernel
                             << " s" << c.stride << " " << c.height << "x" << c.width;

    std::vector<Quantizer> quantizers(c.out_channels);
    for (auto& q : quantizers) {
      q.mode = static_cast<ActMode>(rng() % 3);
      int t[3] = {pick(-30, 30), pick(-30, 30), pick(-30, 30)};
      std::sort(t, t + 3);
      if (q.mode == ActMode::kDecreasing) std::reverse(t, t + 3);
      q.threshold = {t[0], t[1], t[2]};
      q.level = static_cast<uint8_t>(rng() & 3);
    }
    IntTensor residual(expected.channels(), expected.height(), expected.width());
    for (auto& v : residual.data()) v = pick(-20, 20);
    IntTensor stream = got;
    add_residual_in_place(stream, residual);
    ASSERT_EQ(stream, residual_add(expected, residual));
    ASSERT_EQ(threshold_activation_packed(stream, quantizers), pack(threshold_activation(stream, quantizers)))
        << "case " << n;
  }
}

}  // namespace
}  // namespace ernsim
