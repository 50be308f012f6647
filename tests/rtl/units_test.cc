// Unit tests of single RTL modules, Verilated as plain C++, against the golden kernels: the PE
// against the reference binary convolution, the post-processing against the threshold activation
// and residual add (every mode, and the stream-width check), and the pixel embedding against the
// reference table lookup.
#include <gtest/gtest.h>

#include <random>

#include "Vern_pe.h"
#include "Vern_pixel_embed.h"
#include "Vern_postproc.h"
#include "models/kernels/binary_conv.h"
#include "models/kernels/pixel_embedding.h"
#include "models/kernels/residual_add.h"
#include "models/kernels/threshold_activation.h"
#include "models/network.h"
#include "tests/rtl/unit_clock.h"

namespace ernsim {
namespace {

template <std::size_t N>
void clear(VlWide<N>& wide) {
  for (std::size_t i = 0; i < N; ++i) wide[i] = 0;
}

// A 64-lane pixel of 2-bit activations and 64 weight signs as one 1x1 "layer" of the golden kernel.
struct Step {
  ActTensor act{64, 1, 1};
  BinaryWeights weights{1, 64, 1};
  uint64_t plane0 = 0, plane1 = 0, signs = 0;
};

Step random_step(std::mt19937_64& rng) {
  Step s;
  for (int i = 0; i < 64; ++i) {
    const uint8_t q = static_cast<uint8_t>(rng() & 3);
    s.act.at(i, 0, 0) = q;
    s.plane0 |= uint64_t{q & 1u} << i;
    s.plane1 |= static_cast<uint64_t>(q >> 1) << i;
    const bool plus = rng() & 1;
    s.weights.set_sign(0, i, 0, 0, plus ? 1 : -1);
    s.signs |= uint64_t{plus} << i;
  }
  return s;
}

TEST(RtlPe, AccumulatesTheGoldenDotProduct) {
  Vern_pe pe;
  reset(pe);
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 300; ++trial) {
    // A sum over 1..20 steps, as over the taps and input blocks of one output.
    const int steps = 1 + static_cast<int>(rng() % 20);
    int32_t expected = 0;
    uint32_t ones = 0;
    for (int k = 0; k < steps; ++k) {
      const Step s = random_step(rng);
      expected += binary_conv_reference(s.act, s.weights, {1, 0}).at(0, 0, 0);
      pe.step_i = 1;
      pe.first_i = k == 0;
      pe.act0_i = s.plane0;
      pe.act1_i = s.plane1;
      pe.weight_i = s.signs;
      pe.ones_i = ones;  // the previous step's term: stage 2 lags one cycle
      tick(pe);
      ones = static_cast<uint32_t>(__builtin_popcountll(s.plane0) + 2 * __builtin_popcountll(s.plane1));
    }
    pe.step_i = 0;
    pe.ones_i = ones;
    tick(pe);
    const int32_t got = static_cast<int32_t>(pe.acc_o << 15) >> 15;  // 17-bit two's complement
    ASSERT_EQ(got, expected) << "trial " << trial << " with " << steps << " steps";
  }
}

TEST(RtlPe, HoldsItsSumWithoutSteps) {
  Vern_pe pe;
  reset(pe);
  std::mt19937_64 rng(2);
  const Step s = random_step(rng);
  pe.step_i = 1;
  pe.first_i = 1;
  pe.act0_i = s.plane0;
  pe.act1_i = s.plane1;
  pe.weight_i = s.signs;
  tick(pe);
  pe.step_i = 0;
  pe.ones_i = static_cast<uint32_t>(__builtin_popcountll(s.plane0) + 2 * __builtin_popcountll(s.plane1));
  tick(pe);
  const uint32_t sum = pe.acc_o;
  for (int i = 0; i < 5; ++i) tick(pe);
  EXPECT_EQ(pe.acc_o, sum);
}

// ern_postproc with PeOut = 4, PePix = 2, AccW = 17, StreamW = 16 (tests/rtl/CMakeLists.txt).
constexpr int kPeOut = 4, kPePix = 2, kLanes = kPeOut * kPePix;
constexpr int kAccW = 17, kStreamW = 16, kValueW = 18, kThrW = 19, kEntryW = 2 + 3 * kThrW;

void set_bits(uint32_t* words, int lsb, int width, uint64_t value) {
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    if ((value >> i) & 1) {
      words[bit / 32] |= 1u << (bit % 32);
    } else {
      words[bit / 32] &= ~(1u << (bit % 32));
    }
  }
}

uint64_t get_bits(const uint32_t* words, int lsb, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= uint64_t{(words[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1u} << i;
  return v;
}

int64_t sext(uint64_t v, int width) {
  return static_cast<int64_t>((v ^ (uint64_t{1} << (width - 1))) - (uint64_t{1} << (width - 1)));
}

TEST(RtlPostproc, QuantizesEveryModeLikeTheGoldenKernel) {
  Vern_postproc pp;
  reset(pp);
  std::mt19937_64 rng(3);
  int modes_seen[3] = {0, 0, 0};
  for (int trial = 0; trial < 2000; ++trial) {
    // Channel o's thresholds and mode; lane (o, p) values acc and residual.
    std::vector<Quantizer> quantizers(kPeOut);
    clear(pp.thr_i);
    uint32_t* thr = pp.thr_i.data();
    for (int o = 0; o < kPeOut; ++o) {
      Quantizer& q = quantizers[o];
      q.mode = static_cast<ActMode>(rng() % 3);
      ++modes_seen[static_cast<int>(q.mode)];
      int32_t t[3];
      for (int& x : t) x = static_cast<int32_t>(rng() % 401) - 200;
      std::sort(t, t + 3);
      if (q.mode == ActMode::kDecreasing) std::reverse(t, t + 3);
      q.threshold = {t[0], t[1], t[2]};
      q.level = static_cast<uint8_t>(rng() & 3);
      set_bits(thr, o * kEntryW, 2, static_cast<uint64_t>(q.mode));
      for (int m = 0; m < 3; ++m) {
        const int64_t value = q.mode == ActMode::kConstant ? (m == 0 ? q.level : 0) : q.threshold[m];
        set_bits(thr, o * kEntryW + 2 + m * kThrW, kThrW, static_cast<uint64_t>(value));
      }
    }
    const bool add = rng() & 1;
    IntTensor acc(kPeOut, 1, kPePix), res(kPeOut, 1, kPePix);
    clear(pp.acc_i);
    clear(pp.residual_i);
    uint32_t* acc_words = pp.acc_i.data();
    uint32_t* res_words = pp.residual_i.data();
    for (int o = 0; o < kPeOut; ++o) {
      for (int p = 0; p < kPePix; ++p) {
        const int l = o * kPePix + p;
        // Mostly near the thresholds; sometimes large, so that the stream overflows 16 bits.
        const bool big = rng() % 8 == 0;
        acc.at(o, 0, p) = big ? static_cast<int32_t>(rng() % 100001) - 50000 : static_cast<int32_t>(rng() % 301) - 150;
        res.at(o, 0, p) = big ? static_cast<int32_t>(rng() % 65536) - 32768 : static_cast<int32_t>(rng() % 101) - 50;
        set_bits(acc_words, l * kAccW, kAccW, static_cast<uint64_t>(acc.at(o, 0, p)));
        set_bits(res_words, l * kStreamW, kStreamW, static_cast<uint64_t>(res.at(o, 0, p)));
      }
    }
    pp.add_residual_i = add;
    pp.valid_i = 1;
    tick(pp);
    pp.valid_i = 0;
    tick(pp);
    ASSERT_TRUE(pp.valid_o);
    const IntTensor v = add ? residual_add(acc, res) : acc;
    const ActTensor expected = threshold_activation(v, quantizers);
    for (int o = 0; o < kPeOut; ++o) {
      for (int p = 0; p < kPePix; ++p) {
        const int l = o * kPePix + p;
        ASSERT_EQ((pp.q_o >> (2 * l)) & 3u, expected.at(o, 0, p))
            << "trial " << trial << " lane " << l << " v " << v.at(o, 0, p) << " mode "
            << to_string(quantizers[o].mode);
        const int64_t value = v.at(o, 0, p);
        const bool fits = value >= -(1 << (kStreamW - 1)) && value < (1 << (kStreamW - 1));
        ASSERT_EQ(((pp.overflow_o >> l) & 1u) != 0, !fits) << "trial " << trial << " v " << value;
        if (fits) {
          ASSERT_EQ(sext(get_bits(pp.stream_o.data(), l * kStreamW, kStreamW), kStreamW), value);
        }
      }
    }
  }
  EXPECT_GT(modes_seen[0], 1000);
  EXPECT_GT(modes_seen[1], 1000);
  EXPECT_GT(modes_seen[2], 1000);
}

TEST(RtlPixelEmbed, MatchesTheGoldenThermometerEncoding) {
  Vern_pixel_embed pe;
  reset(pe);
  // ERN's k = 10 thermometer tables, and as a learned table a random one.
  for (bool learned : {false, true}) {
    std::mt19937_64 rng(learned ? 5 : 4);
    std::vector<std::array<uint8_t, 256>> tables(30);
    std::vector<int> source(30);
    for (int c = 0; c < 30; ++c) {
      source[c] = c / 10;
      if (learned) {
        for (auto& q : tables[c]) q = static_cast<uint8_t>(rng() & 3);
      } else {
        tables[c] = thermometer_table(thermometer_weight(10), thermometer_bias(10, c % 10));
      }
    }
    for (int colour = 0; colour < 3; ++colour) {
      for (int value = 0; value < 256; ++value) {
        uint32_t entry = 0;
        for (int j = 0; j < 10; ++j) entry |= uint32_t{tables[colour * 10 + j][value]} << (2 * j);
        pe.tbl_we_i = 1;
        pe.tbl_colour_i = static_cast<uint32_t>(colour);
        pe.tbl_value_i = static_cast<uint32_t>(value);
        pe.tbl_wdata_i = entry;
        tick(pe);
      }
    }
    pe.tbl_we_i = 0;
    ActTensor image(3, 1, 512);
    for (int x = 0; x < 512; ++x) {
      for (int c = 0; c < 3; ++c) image.at(c, 0, x) = static_cast<uint8_t>(x < 256 ? (x + 85 * c) % 256 : rng());
    }
    const ActTensor expected = pixel_embedding(image, source, tables);
    for (int x = 0; x < 512; ++x) {
      pe.pix_valid_i = 1;
      pe.pix_i = image.at(0, 0, x) | (image.at(1, 0, x) << 8) | (image.at(2, 0, x) << 16);
      tick(pe);
      ASSERT_TRUE(pe.valid_o);
      for (int c = 0; c < 64; ++c) {
        const uint32_t q = static_cast<uint32_t>(((pe.act0_o >> c) & 1) | (((pe.act1_o >> c) & 1) << 1));
        ASSERT_EQ(q, c < 30 ? expected.at(c, 0, x) : 0u)
            << "x " << x << " channel " << c << (learned ? " learned" : "");
      }
    }
  }
}

}  // namespace
}  // namespace ernsim
