// The HEQ golden model (heq-semantics.md): reference kernels on hand-computed cases, threshold
// folding against a direct float64 evaluation, eq. 3's step size, the packed (bit-plane) path
// against the reference on random shapes and whole zoo networks, and the zoo's structure.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "models/error.h"
#include "models/heq/fold.h"
#include "models/heq/golden.h"
#include "models/heq/kernels/bitplane_conv.h"
#include "models/heq/kernels/global_sum.h"
#include "models/heq/kernels/level_thresholds.h"
#include "models/heq/kernels/max_pool.h"
#include "models/heq/kernels/multilevel_conv.h"
#include "models/heq/kernels/or_skips.h"
#include "models/heq/step_size.h"
#include "models/heq/zoo.h"
#include "models/zoo.h"

namespace ernsim::heq {
namespace {

ActTensor random_act(std::mt19937_64& rng, int c, int h, int w, int max) {
  ActTensor t(c, h, w);
  for (uint8_t& v : t.data()) v = static_cast<uint8_t>(rng() % (max + 1));
  return t;
}

CodeWeights random_codes(std::mt19937_64& rng, int out, int in, int k, int lo, int hi, bool skip_zero) {
  CodeWeights w(out, in, k, lo, hi);
  for (int o = 0; o < out; ++o) {
    for (int i = 0; i < in; ++i) {
      for (int t = 0; t < k * k; ++t) {
        int code = lo + static_cast<int>(rng() % (hi - lo + 1));
        if (skip_zero && code == 0) code = hi;
        w.set_code(o, i, t / k, t % k, code);
      }
    }
  }
  return w;
}

TEST(HeqConv, ReferenceMatchesHandComputedCase) {
  // One input channel, 2x2 image, 3x3 kernel with codes -3..3: the centre output sums a
  // zero-padded neighbourhood.
  ActTensor a(1, 2, 2);
  a.at(0, 0, 0) = 1;
  a.at(0, 0, 1) = 2;
  a.at(0, 1, 0) = 3;
  a.at(0, 1, 1) = 255;
  CodeWeights w(1, 1, 3, -3, 3);
  w.set_code(0, 0, 1, 1, 3);   // centre
  w.set_code(0, 0, 1, 2, -2);  // right
  w.set_code(0, 0, 2, 2, 1);   // below right
  const IntTensor acc = multilevel_conv_reference(a, w, 1);
  EXPECT_EQ(acc.at(0, 0, 0), 3 * 1 - 2 * 2 + 1 * 255);
  EXPECT_EQ(acc.at(0, 0, 1), 3 * 2);
  EXPECT_EQ(acc.at(0, 1, 0), 3 * 3 - 2 * 255);
  EXPECT_EQ(acc.at(0, 1, 1), 3 * 255);
}

TEST(HeqConv, PackedEqualsReferenceOnRandomShapes) {
  std::mt19937_64 rng(10);
  struct Codes {
    int lo, hi;
    bool skip_zero;
  };
  const Codes codes[] = {{-1, 1, false}, {-2, 2, false}, {-3, 3, false}, {-1, 1, true}, {-1, 0, false}};
  const int bits_of_input[] = {1, 2, 8};
  for (int trial = 0; trial < 600; ++trial) {
    const Codes c = codes[trial % 5];
    const int bits = bits_of_input[(trial / 5) % 3];
    const int k = trial % 4 == 0 ? 1 : 3;
    const int in = 1 + static_cast<int>(rng() % 150), out = 1 + static_cast<int>(rng() % 9);
    const int h = 1 + static_cast<int>(rng() % 7), w = 1 + static_cast<int>(rng() % 7);
    const ActTensor a = random_act(rng, in, h, w, (1 << bits) - 1);
    const CodeWeights weights = random_codes(rng, out, in, k, c.lo, c.hi, c.skip_zero);
    const IntTensor ref = multilevel_conv_reference(a, weights, (k - 1) / 2);
    ASSERT_EQ(multilevel_conv_packed(pack_planes(a, bits), weights, (k - 1) / 2), ref)
        << "trial " << trial << ": " << in << "->" << out << " k" << k << " " << h << "x" << w << " bits " << bits;
  }
}

TEST(HeqFc, PackedEqualsReferenceOnRandomShapes) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    const int in = 1 + static_cast<int>(rng() % 700), out = 1 + static_cast<int>(rng() % 12);
    const int bits = 1 + static_cast<int>(rng() % 12);
    std::vector<int32_t> x(in);
    for (int32_t& v : x) v = static_cast<int32_t>(rng() % (1u << bits));
    const int h = 1 + static_cast<int>(trial % 3);
    const CodeWeights weights = random_codes(rng, out, in, 1, -h, h, false);
    ASSERT_EQ(fully_connected_packed(pack_planes(x, bits), weights), fully_connected_reference(x, weights))
        << "trial " << trial;
  }
}

TEST(HeqLogic, OrMuxOrPoolAndSum) {
  ActTensor x1(2, 2, 2), x3(2, 2, 2);
  // Channel 0 of x1 has 3 of 4 pixels set (gate on), channel 1 has 2 of 4 (not more than half: off).
  x1.at(0, 0, 0) = x1.at(0, 0, 1) = x1.at(0, 1, 0) = 1;
  x1.at(1, 0, 0) = x1.at(1, 1, 1) = 1;
  x3.at(0, 1, 1) = 1;
  x3.at(1, 0, 1) = 1;
  ActTensor gate;
  const ActTensor y = mux_or_skip(x3, x1, gate);
  EXPECT_EQ(gate.at(0, 0, 0), 1);
  EXPECT_EQ(gate.at(1, 0, 0), 0);
  for (int yy = 0; yy < 2; ++yy) {
    for (int xx = 0; xx < 2; ++xx) {
      EXPECT_EQ(y.at(0, yy, xx), 1);                 // x3 | x1
      EXPECT_EQ(y.at(1, yy, xx), x3.at(1, yy, xx));  // x3 only
    }
  }
  const ActTensor o = or_skip(x3, x1);
  EXPECT_EQ(o.at(1, 1, 1), 1);
  EXPECT_EQ(o.at(1, 1, 0), 0);
  ActTensor m(1, 2, 4);
  m.at(0, 0, 0) = 2;
  m.at(0, 1, 1) = 3;
  m.at(0, 1, 2) = 1;
  const ActTensor p = max_pool_2x2(m);
  ASSERT_TRUE(p.same_shape(1, 1, 2));
  EXPECT_EQ(p.at(0, 0, 0), 3);
  EXPECT_EQ(p.at(0, 0, 1), 1);
  EXPECT_EQ(global_sum(m).at(0, 0, 0), 6);
}

TEST(HeqFold, ThresholdsEqualFloatActivation) {
  std::mt19937_64 rng(12);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1p-53; };
  for (int trial = 0; trial < 400; ++trial) {
    BatchNorm bn;
    bn.gamma = trial % 10 == 0 ? 0.0 : uniform(-2, 2) * (trial % 7 == 0 ? 1e-4 : 1);
    bn.beta = uniform(-1.5, 1.5);
    bn.mean = uniform(-50, 50);
    bn.var = uniform(0.01, 400);
    bn.eps = 1e-5;
    const double c = uniform(0.01, 2);
    const int64_t bound = 600;
    for (TensorKind kind : {TensorKind::kBinary, TensorKind::kAct2}) {
      const Quantizer q = fold_activation(bn, c, bound, kind);
      const int levels = kind == TensorKind::kBinary ? 1 : 3;
      for (int32_t acc = -600; acc <= 600; ++acc) {
        ASSERT_EQ(apply_thresholds(q, levels, acc), float_activation(bn, c, acc, kind))
            << "trial " << trial << " acc " << acc << " kind " << to_string(kind);
      }
    }
  }
}

TEST(HeqFold, TiesFollowTheRoundingRules) {
  // c = 1, gamma = 1, var + eps = 1, beta = 0: z = acc - mean. With mean = -1/6 * ... use exact
  // binary ties: z = 0 at acc = mean gives a = 0 (H(x) = [x > 0]).
  const BatchNorm bn{1.0, 0.0, 4.0, 1.0, 0.0};
  const Quantizer b = fold_activation(bn, 1.0, 100, TensorKind::kBinary);
  EXPECT_EQ(apply_thresholds(b, 1, 4), 0);
  EXPECT_EQ(apply_thresholds(b, 1, 5), 1);
  // 2-bit with c = 1/6 and mean 0: 3z = acc / 2, so acc = 1, 3, 5 are the ties 0.5, 1.5, 2.5,
  // which round half to even to 0, 2, 2.
  const BatchNorm bn2{1.0, 0.0, 0.0, 1.0, 0.0};
  const Quantizer q = fold_activation(bn2, 1.0 / 6, 100, TensorKind::kAct2);
  const int expected[] = {0, 0, 1, 2, 2, 2, 3, 3};
  for (int acc = 0; acc < 8; ++acc) EXPECT_EQ(apply_thresholds(q, 3, acc), expected[acc]) << acc;
}

TEST(HeqStepSize, TernaryIsTheSumOfTheOuterCutPoints) {
  // Quantiles of 0..9 at 1/3 and 2/3 (linear interpolation): 3 and 6.
  std::vector<double> w;
  for (int i = 0; i < 10; ++i) w.push_back(i - 4.5);
  EXPECT_DOUBLE_EQ(heq_step_size(w, 3), std::fabs(3.0 - 4.5) + std::fabs(6.0 - 4.5));
  EXPECT_DOUBLE_EQ(twn_step_size(w), 2 * 0.7 * 2.5);
  EXPECT_EQ(weight_code(0.75, 1.5, 3), 0);    // 0.5 rounds to even 0
  EXPECT_EQ(weight_code(2.25, 1.5, 3), 1);    // 1.5 rounds to 2, clipped to 1
  EXPECT_EQ(weight_code(-3.75, 1.5, 5), -2);  // -2.5 rounds to -2
  EXPECT_THROW(heq_step_size(w, 4), Error);
}

TEST(HeqStepSize, HeqSharesAreCloserToUniformThanTwn) {
  // Gaussian-like weights (sum of uniforms), as in the paper's Fig. 1 and 3.
  std::mt19937_64 rng(13);
  std::vector<double> w(20000);
  for (double& x : w) {
    x = 0;
    for (int i = 0; i < 4; ++i) x += static_cast<double>(rng() >> 11) * 0x1p-53 - 0.5;
  }
  for (int n : {3, 5, 7}) {
    auto distance = [&](double s) {
      double d = 0;
      for (double share : code_shares(w, s, n)) d += std::fabs(share - 1.0 / n);
      return d;
    };
    EXPECT_LT(distance(heq_step_size(w, n)), distance(twn_step_size(w))) << "n = " << n;
  }
}

TEST(HeqZoo, ConvParameterCountsAreThePapers) {
  for (const ZooModel& m : zoo_models()) EXPECT_EQ(zoo_conv_params(m), m.paper_conv_params) << m.name;
  EXPECT_EQ(zoo_conv_params(*find_zoo_model("vgg-small-w3")), 4574592);
  EXPECT_EQ(zoo_conv_params(*find_zoo_model("MUXORNet-11")), 3135168);
  EXPECT_EQ(find_zoo_model("ERNs18"), nullptr);
}

TEST(HeqZoo, RejectsBadSizes) {
  EXPECT_THROW(build_zoo_network(zoo_models()[0], 20), Error);
  EXPECT_THROW(build_zoo_network(zoo_models()[0], 0), Error);
}

// Every zoo network: the paper's parameter count; packed and reference agree on every tensor;
// activations are mixed; MUX gates are mixed.
TEST(HeqZoo, PackedEqualsReferenceAndActivationsAreMixed) {
  for (const ZooModel& m : zoo_models()) {
    const int size = m.family == ZooFamily::kVggSmall ? 16 : 24;
    const Network net = build_zoo_network(m, size, 3);
    EXPECT_EQ(net.conv_params(), m.paper_conv_params) << m.name;
    EXPECT_EQ(net.num_classes(), 10);
    const std::vector<ActTensor> images = ernsim::zoo_images(2, size, 77);
    std::set<uint8_t> gate_values;
    for (const ActTensor& image : images) {
      GoldenOptions ref_options;
      ref_options.path = KernelPath::kReference;
      const GoldenResult ref = run_golden(net, image, ref_options);
      const GoldenResult packed = run_golden(net, image);
      for (size_t id = 0; id < net.tensors.size(); ++id) {
        ASSERT_EQ(ref.act[id], packed.act[id]) << m.name << " tensor " << net.tensors[id].name;
        ASSERT_EQ(ref.ints[id], packed.ints[id]) << m.name << " tensor " << net.tensors[id].name;
      }
      EXPECT_EQ(ref.logits, packed.logits);
      for (const Layer& l : net.layers) {
        if (l.kind == LayerKind::kMuxOr) {
          gate_values.insert(ref.act[l.gate].data().begin(), ref.act[l.gate].data().end());
        }
        if (l.kind != LayerKind::kConv) continue;
        const std::vector<uint8_t>& a = ref.act[l.output].data();
        const auto [lo, hi] = std::minmax_element(a.begin(), a.end());
        EXPECT_EQ(*lo, 0) << m.name << " " << l.name;
        EXPECT_EQ(*hi, l.thresholds.empty() ? 0 : (net.tensor(l.output).kind == TensorKind::kBinary ? 1 : 3))
            << m.name << " " << l.name;
      }
    }
    if (m.family == ZooFamily::kMuxOrNet11) EXPECT_EQ(gate_values, (std::set<uint8_t>{0, 1})) << m.name;
  }
}

}  // namespace
}  // namespace ernsim::heq
