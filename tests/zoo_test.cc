// The model zoo: the five ERNs have the paper's weight sizes and operation counts, the structure of
// the official export (checked layer by layer against the ERNs18-0.75x fixture), calibrated
// thresholds under which every 2-bit level occurs, and everything is deterministic for a seed.
#include "models/zoo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include "models/error.h"
#include "models/golden.h"
#include "models/onnx_import.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

double mib(int64_t bits) { return static_cast<double>(bits) / 8 / (1 << 20); }

const Layer& layer_named(const Network& net, const std::string& name) {
  for (const Layer& l : net.layers) {
    if (l.name == name) return l;
  }
  ADD_FAILURE() << "no layer " << name;
  static const Layer none;
  return none;
}

TEST(Zoo, ListsTheFiveModelsOfThePaper) {
  const std::vector<ZooModel>& models = zoo_models();
  ASSERT_EQ(models.size(), 5u);
  const char* names[] = {"ERNs18-0.75x", "ERNs18", "ERNs34", "ERNs50", "ERNs101"};
  for (size_t i = 0; i < models.size(); ++i) {
    EXPECT_EQ(models[i].name, names[i]);
    EXPECT_EQ(&find_zoo_model(names[i]), &models[i]);
  }
  EXPECT_EQ(find_zoo_model("erns50").name, "ERNs50");
  EXPECT_EQ(find_zoo_model("ERNS101").name, "ERNs101");
  EXPECT_EQ(find_zoo_model("ERNs18x075").name, "ERNs18-0.75x");
  EXPECT_EQ(find_zoo_model("erns18-0.75X").name, "ERNs18-0.75x");
  EXPECT_EQ(models[0].last_width, 384);
  EXPECT_FALSE(models[2].bottleneck);
  EXPECT_TRUE(models[4].bottleneck);
  EXPECT_EQ(models[4].blocks, (std::array<int, 4>{3, 4, 23, 3}));
}

TEST(Zoo, WeightSizesMatchThePaper) {
  for (const ZooModel& m : zoo_models()) {
    const ZooStats s = zoo_stats(m, 256);
    const double size = mib(s.weight_bits);
    std::printf("%-13s %.4f MiB (paper %.2f), %d convs, %d blocks\n", m.name.c_str(), size, m.paper_weight_mib,
                s.conv_layers, s.blocks);
    EXPECT_EQ(std::lround(size * 100), std::lround(m.paper_weight_mib * 100)) << m.name;
    // Weights do not depend on the input size.
    EXPECT_EQ(zoo_stats(m, 64).weight_bits, s.weight_bits) << m.name;
  }
  // Stem, two convs per block, a projection per stage, classifier.
  EXPECT_EQ(zoo_stats(find_zoo_model("ERNs18"), 256).conv_layers, 4 + 8 * 2 + 4 + 1);
  EXPECT_EQ(zoo_stats(find_zoo_model("ERNs101"), 256).blocks, 33);
}

TEST(Zoo, StatsMatchTheBuiltNetwork) {
  for (const char* name : {"ERNs18-0.75x", "ERNs50"}) {
    const ZooModel& m = find_zoo_model(name);
    const ZooStats s = zoo_stats(m, 64);
    const Network net = build_zoo_network(m, 64);
    EXPECT_EQ(s.weight_bits, net.weight_bits()) << name;
    EXPECT_EQ(s.macs, net.macs()) << name;
    EXPECT_EQ(s.conv_layers, static_cast<int>(net.layers.size()) - 1) << name;
    int residual_adds = 0;
    for (const Layer& l : net.layers) residual_adds += l.residual >= 0;
    EXPECT_EQ(s.blocks, residual_adds) << name;
    EXPECT_EQ(net.num_classes(), 1000);
    EXPECT_EQ(net.input_height(), 64);
    const ZooStats ten = zoo_stats(m, 64, 10);
    EXPECT_EQ(s.weight_bits - ten.weight_bits, int64_t{990} * net.tensor(net.layers.back().input).channels);
  }
}

TEST(Zoo, OperationCountsMatchThePaper) {
  // The paper counts a 3x3 fourth stem conv; the official code (and the zoo) uses 1x1: 64 x 64
  // channels x 8 more taps on a 64 x 64 map at 256 x 256.
  const double stem_difference = 2.0 * 64 * 64 * 8 * 64 * 64;
  for (const ZooModel& m : zoo_models()) {
    const double ops = 2.0 * zoo_stats(m, 256).macs;
    std::printf("%-13s %.3f GMACs, %.3f GOPs at 256x256 (paper %.2f GOPs; %.2f with a 3x3 stem conv)\n", m.name.c_str(),
                ops / 2e9, ops / 1e9, m.paper_gops_256, (ops + stem_difference) / 1e9);
    EXPECT_LT(ops, m.paper_gops_256 * 1e9) << m.name;
    EXPECT_NEAR((ops + stem_difference) / 1e9, m.paper_gops_256, 0.02 * m.paper_gops_256) << m.name;
  }
  const double ops18 = 2.0 * zoo_stats(find_zoo_model("ERNs18"), 256).macs;
  EXPECT_GT(ops18, 6.4e9);
  EXPECT_LT(ops18, 7.0e9);
  // MACs scale with the number of pixels.
  EXPECT_EQ(zoo_stats(find_zoo_model("ERNs34"), 256).macs, 16 * zoo_stats(find_zoo_model("ERNs34"), 64).macs);
}

// The zoo builds exactly what the importer makes of the official export of ERNs18-0.75x: the same
// layers in the same order, the same tensors with the same shapes, kinds, bounds and scales
// (channel-wise weight scales aside, which are random here).
TEST(Zoo, HasTheStructureOfTheOfficialExport) {
  const std::string path = std::string(ERNSIM_SHARED_DIR) + "/fixtures/ern/ERNs18x075_64_s1.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "../shared/fixtures/ern is absent";
  const Network official = import_onnx(path);
  const Network zoo = build_zoo_network(find_zoo_model("ERNs18x075"), 64);
  ASSERT_EQ(zoo.layers.size(), official.layers.size());
  ASSERT_EQ(zoo.tensors.size(), official.tensors.size());
  EXPECT_EQ(zoo.input, official.input);
  EXPECT_EQ(zoo.output, official.output);
  for (size_t i = 0; i < zoo.layers.size(); ++i) {
    const Layer& a = zoo.layers[i];
    const Layer& b = official.layers[i];
    SCOPED_TRACE(b.name);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.input, b.input);
    EXPECT_EQ(a.source_channel, b.source_channel);
    EXPECT_EQ(a.table, b.table);
    EXPECT_EQ(a.stride, b.stride);
    EXPECT_EQ(a.pad, b.pad);
    EXPECT_EQ(a.weights.kernel(), b.weights.kernel());
    EXPECT_EQ(a.weights.in_channels(), b.weights.in_channels());
    EXPECT_EQ(a.weights.out_channels(), b.weights.out_channels());
    EXPECT_EQ(a.residual, b.residual);
    EXPECT_EQ(a.out_int, b.out_int);
    EXPECT_EQ(a.out_act, b.out_act);
    EXPECT_EQ(a.out_sum, b.out_sum);
    EXPECT_EQ(a.quantizers.size(), b.quantizers.size());
  }
  for (size_t id = 0; id < zoo.tensors.size(); ++id) {
    const TensorInfo& a = zoo.tensors[id];
    const TensorInfo& b = official.tensors[id];
    SCOPED_TRACE(b.name);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_TRUE(a.same_size(b.channels, b.height, b.width));
    EXPECT_EQ(a.bound, b.bound);
    EXPECT_EQ(a.producer, b.producer);
    // Activation (2/3 or 1) and residual stream (1/32) scales are fixed by the structure (the
    // export holds 2/3 as a float32).
    if (static_cast<int>(id) != zoo.output) {
      ASSERT_EQ(a.scale.size(), b.scale.size());
      double worst = 0;
      for (size_t c = 0; c < a.scale.size(); ++c) worst = std::max(worst, std::fabs(a.scale[c] / b.scale[c] - 1));
      EXPECT_LT(worst, 1e-7);
    }
  }
  EXPECT_EQ(zoo.weight_bits(), official.weight_bits());
  EXPECT_EQ(zoo.macs(), official.macs());
}

// The bottleneck structure of section 3 (no bottleneck fixture of full width exists).
TEST(Zoo, BottleneckBlocksFollowTheOfficialStructure) {
  const Network net = build_zoo_network(find_zoo_model("ERNs50"), 32);
  const Layer& proj = layer_named(net, "layer2.0.downsample");
  const Layer& c1 = layer_named(net, "layer2.0.conv1");
  const Layer& c2 = layer_named(net, "layer2.0.conv2");
  const Layer& c3 = layer_named(net, "layer2.0.conv3");
  const Layer& prev = layer_named(net, "layer1.2.conv3");
  // Projection before conv1, both reading the integer act1 of the previous block's output.
  EXPECT_LT(&proj, &c1);
  EXPECT_EQ(proj.input, prev.out_act);
  EXPECT_EQ(c1.input, prev.out_act);
  EXPECT_EQ(net.tensor(prev.out_act).scale[0], 1.0);
  EXPECT_EQ(proj.weights.kernel(), 1);
  EXPECT_EQ(proj.stride, 2);
  EXPECT_EQ(proj.weights.out_channels(), 512);
  // conv1 1x1 (post-scaled act2), conv2 3x3 with the stride (integer act3), conv3 1x1 adds proj.
  EXPECT_EQ(c1.weights.kernel(), 1);
  EXPECT_EQ(c1.stride, 1);
  EXPECT_NEAR(net.tensor(c1.out_act).scale[0], 2.0 / 3, 1e-15);
  EXPECT_EQ(c2.weights.kernel(), 3);
  EXPECT_EQ(c2.stride, 2);
  EXPECT_EQ(net.tensor(c2.out_act).scale[0], 1.0);
  EXPECT_EQ(c3.weights.out_channels(), 512);
  EXPECT_EQ(c3.residual, proj.out_int);
  // Power-of-2 scaling on both Add operands.
  EXPECT_EQ(net.tensor(proj.out_int).scale, std::vector<double>(512, 1.0 / 32));
  // Without a projection: post-scaled act1, the identity is the previous block's stream.
  const Layer& next = layer_named(net, "layer2.1.conv3");
  EXPECT_NEAR(net.tensor(c3.out_act).scale[0], 2.0 / 3, 1e-15);
  EXPECT_EQ(next.residual, c3.out_int);
  EXPECT_EQ(net.tensor(c3.out_int).scale, std::vector<double>(512, 1.0 / 32));
  // The stem's 1x1 conv feeds the first block's (integer) act1 directly; the last block's
  // output goes through the final post-scaled act into the classifier.
  const Layer& stem = layer_named(net, "conv1_2");
  EXPECT_EQ(stem.weights.kernel(), 1);
  EXPECT_EQ(layer_named(net, "layer1.0.downsample").input, stem.out_act);
  EXPECT_EQ(net.tensor(stem.out_act).scale[0], 1.0);
  const Layer& classifier = net.layers.back();
  EXPECT_EQ(classifier.name, "conv");
  EXPECT_EQ(classifier.input, layer_named(net, "layer4.2.conv3").out_act);
  EXPECT_NEAR(net.tensor(classifier.input).scale[0], 2.0 / 3, 1e-15);
  EXPECT_EQ(net.tensor(classifier.input).channels, 2048);
}

TEST(Zoo, QuantizersAreCalibratedAndWellFormed) {
  const Network net = build_zoo_network(find_zoo_model("ERNs34"), 64, 3);
  int counts[3] = {0, 0, 0};
  for (const Layer& l : net.layers) {
    if (!l.is_conv() || l.out_act < 0) continue;
    SCOPED_TRACE(l.name);
    int64_t bound = net.accumulator_bound(l);
    if (l.residual >= 0) bound += net.tensor(l.residual).bound;
    int constant = 0;
    for (const Quantizer& q : l.quantizers) {
      ++counts[static_cast<int>(q.mode)];
      constant += q.mode == ActMode::kConstant;
      if (q.mode == ActMode::kConstant) {
        EXPECT_LE(q.level, 3);
        continue;
      }
      for (int32_t t : q.threshold) {
        EXPECT_LE(std::abs(int64_t{t}), bound + 1);
      }
      if (q.mode == ActMode::kIncreasing) {
        EXPECT_TRUE(q.threshold[0] <= q.threshold[1] && q.threshold[1] <= q.threshold[2]);
      } else {
        EXPECT_TRUE(q.threshold[0] >= q.threshold[1] && q.threshold[1] >= q.threshold[2]);
      }
    }
    EXPECT_LT(constant, static_cast<int>(l.quantizers.size()) / 4);  // no placeholder left
  }
  const double total = counts[0] + counts[1] + counts[2];
  EXPECT_NEAR(counts[1] / total, 0.20, 0.03);  // decreasing
  EXPECT_NEAR(counts[2] / total, 0.02, 0.01);  // constant
}

// Every activation tensor of every model sees at least 3 of the 4 levels on the synthetic images
// (and the network all 4), and the logits differ.
TEST(Zoo, EveryActivationLevelOccurs) {
  const std::vector<ActTensor> images = zoo_images(2, 32, 11);
  for (const ZooModel& m : zoo_models()) {
    SCOPED_TRACE(m.name);
    const Network net = build_zoo_network(m, 32);
    std::set<uint8_t> network_levels;
    for (const ActTensor& image : images) {
      const GoldenResult r = run_golden(net, image);
      for (size_t id = 0; id < net.tensors.size(); ++id) {
        const TensorInfo& t = net.tensors[id];
        if (t.kind != TensorKind::kAct || t.producer == 0) continue;  // not the pixel embedding
        const std::set<uint8_t> levels(r.act[id].data().begin(), r.act[id].data().end());
        EXPECT_GE(levels.size(), 3u) << t.name;
        network_levels.insert(levels.begin(), levels.end());
      }
      EXPECT_GT(std::set<float>(r.logits.begin(), r.logits.end()).size(), 1u);
    }
    EXPECT_EQ(network_levels, (std::set<uint8_t>{0, 1, 2, 3}));
  }
}

TEST(Zoo, ReferenceAndPackedPathsAgree) {
  const Network net = build_zoo_network(find_zoo_model("ERNs18-0.75x"), 32, 5);
  for (const ActTensor& image : zoo_images(2, 32, 5)) {
    GoldenOptions options;
    options.path = KernelPath::kReference;
    const GoldenResult ref = run_golden(net, image, options);
    options.path = KernelPath::kPacked;
    const GoldenResult packed = run_golden(net, image, options);
    EXPECT_EQ(ref.class_sums, packed.class_sums);
    EXPECT_EQ(ref.logits, packed.logits);
    for (size_t id = 0; id < net.tensors.size(); ++id) {
      EXPECT_EQ(ref.act[id], packed.act[id]) << net.tensors[id].name;
      EXPECT_EQ(ref.ints[id], packed.ints[id]) << net.tensors[id].name;
    }
  }
}

TEST(Zoo, IsDeterministicForASeed) {
  const ZooModel& m = find_zoo_model("ERNs50");
  const Network a = build_zoo_network(m, 32, 42);
  const Network b = build_zoo_network(m, 32, 42);
  const Network c = build_zoo_network(m, 32, 43);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  int differing_weights = 0, differing_quantizers = 0;
  for (size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_TRUE(a.layers[i].weights == b.layers[i].weights) << a.layers[i].name;
    EXPECT_EQ(a.layers[i].quantizers, b.layers[i].quantizers) << a.layers[i].name;
    differing_weights += !(a.layers[i].weights == c.layers[i].weights);
    differing_quantizers += a.layers[i].quantizers != c.layers[i].quantizers;
  }
  for (size_t id = 0; id < a.tensors.size(); ++id) EXPECT_EQ(a.tensors[id].scale, b.tensors[id].scale);
  EXPECT_EQ(differing_weights, static_cast<int>(a.layers.size()) - 1);  // all but the embedding
  int activations = 0;
  for (const Layer& l : a.layers) activations += l.is_conv() && l.out_act >= 0;
  EXPECT_EQ(differing_quantizers, activations);
  // Weights are balanced random signs (unused lanes of the 30-channel first conv stay 0).
  const BinaryWeights& w = layer_named(a, "layer3.0.conv2").weights;
  int64_t ones = 0;
  for (uint64_t word : w.bits()) ones += __builtin_popcountll(word);
  EXPECT_NEAR(static_cast<double>(ones) / w.count(), 0.5, 0.01);
  for (uint64_t word : layer_named(a, "conv1").weights.bits()) EXPECT_EQ(word >> 30, 0u);
}

uint64_t fnv1a(const void* data, size_t bytes, uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

// The zoo is the same on every platform and compiler (no implementation-defined distributions, no
// floating point in weights, images or thresholds): these fingerprints were taken once and only
// change when the generator is changed on purpose.
TEST(Zoo, FingerprintsArePinned) {
  const std::vector<ActTensor> images = zoo_images(2, 32, 1);
  uint64_t image_hash = fnv1a(images[0].data().data(), images[0].size());
  image_hash = fnv1a(images[1].data().data(), images[1].size(), image_hash);
  const Network net = build_zoo_network(find_zoo_model("ERNs18-0.75x"), 32, 1);
  uint64_t weight_hash = 0xcbf29ce484222325ull, quantizer_hash = 0xcbf29ce484222325ull;
  for (const Layer& l : net.layers) {
    weight_hash = fnv1a(l.weights.bits().data(), l.weights.bits().size() * 8, weight_hash);
    for (const Quantizer& q : l.quantizers) {
      const int32_t fields[5] = {static_cast<int32_t>(q.mode), q.threshold[0], q.threshold[1], q.threshold[2], q.level};
      quantizer_hash = fnv1a(fields, sizeof fields, quantizer_hash);
    }
  }
  const std::vector<int32_t> sums = run_golden(net, images[1]).class_sums;
  const uint64_t sum_hash = fnv1a(sums.data(), sums.size() * 4);
  std::printf("images %016llx weights %016llx quantizers %016llx class sums %016llx\n",
              static_cast<unsigned long long>(image_hash), static_cast<unsigned long long>(weight_hash),
              static_cast<unsigned long long>(quantizer_hash), static_cast<unsigned long long>(sum_hash));
  EXPECT_EQ(image_hash, 0x75b6e676969401b3ull);
  EXPECT_EQ(weight_hash, 0x60bbb40a68970786ull);
  EXPECT_EQ(quantizer_hash, 0xd19edf22f5292a03ull);
  EXPECT_EQ(sum_hash, 0x96b8a5ad9a5fc5a7ull);
}

TEST(Zoo, ImagesAreSeededGradientsAndNoise) {
  const std::vector<ActTensor> a = zoo_images(3, 64, 9);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a, zoo_images(3, 64, 9));
  EXPECT_NE(a, zoo_images(3, 64, 10));
  EXPECT_EQ(zoo_images(2, 64, 9), std::vector<ActTensor>(a.begin(), a.begin() + 2));
  for (const ActTensor& image : a) EXPECT_TRUE(image.same_shape(3, 64, 64));
  // Image 0: each colour a smooth ramp over the full range.
  for (int c = 0; c < 3; ++c) {
    int lo = 255, hi = 0, max_step = 0;
    for (int y = 0; y < 64; ++y) {
      for (int x = 0; x < 64; ++x) {
        const int v = a[0].at(c, y, x);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        if (x > 0) max_step = std::max(max_step, std::abs(v - a[0].at(c, y, x - 1)));
        if (y > 0) max_step = std::max(max_step, std::abs(v - a[0].at(c, y - 1, x)));
      }
    }
    EXPECT_EQ(lo, 0);
    EXPECT_EQ(hi, 255);
    EXPECT_LE(max_step, 10);
  }
  // The others: uniform noise (mean about 127.5, every value occurs).
  for (int n = 1; n < 3; ++n) {
    std::set<uint8_t> values(a[n].data().begin(), a[n].data().end());
    EXPECT_EQ(values.size(), 256u);
    double sum = 0;
    for (uint8_t v : a[n].data()) sum += v;
    EXPECT_NEAR(sum / a[n].size(), 127.5, 3);
  }
  EXPECT_TRUE(zoo_images(0, 32, 1).empty());
}

TEST(Zoo, RejectsBadSizesAndUnknownModels) {
  const ZooModel& m = find_zoo_model("ERNs18");
  for (int size : {0, -32, 48, 33, 100}) {
    try {
      build_zoo_network(m, size);
      ADD_FAILURE() << "size " << size << " accepted";
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), HasSubstr("multiple of 32")) << size;
      EXPECT_THAT(e.what(), HasSubstr("ERNs18")) << size;
    }
    EXPECT_THROW(zoo_stats(m, size), Error) << size;
  }
  EXPECT_THROW(build_zoo_network(m, 32, 1, 0), Error);
  try {
    find_zoo_model("ERNs152");
    ADD_FAILURE() << "ERNs152 accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("ERNs152"));
    for (const ZooModel& known : zoo_models()) EXPECT_THAT(e.what(), HasSubstr(known.name));
  }
  EXPECT_THROW(find_zoo_model(""), Error);
  EXPECT_THROW(zoo_images(-1, 32, 1), Error);
}

// Half the random networks embed with learned tables, which map pixel value 0 to a non-zero
// level in some channel of every colour (so that the paired stem's zero edges differ from pixel 0).
TEST(Zoo, RandomNetworksDrawLearnedEmbeddingTables) {
  const std::vector<std::array<uint8_t, 256>> thermometer =
      build_zoo_network(find_zoo_model("ERNs18"), 32).layers[0].table;
  int learned = 0;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    const RandomNetwork r = make_random_network(seed);
    const Layer& embed = r.net.layers[0];
    ASSERT_EQ(embed.kind, LayerKind::kPixelEmbedding);
    if (embed.table == thermometer) {
      EXPECT_THAT(r.description, HasSubstr("thermometer embedding"));
      continue;
    }
    ++learned;
    EXPECT_THAT(r.description, HasSubstr("learned embedding"));
    for (int colour = 0; colour < 3; ++colour) {
      int nonzero = 0;
      for (int j = 0; j < 10; ++j) nonzero += embed.table[static_cast<size_t>(colour * 10 + j)][0] != 0;
      EXPECT_GT(nonzero, 0) << "seed " << seed << " colour " << colour;
    }
  }
  EXPECT_GT(learned, 6);
  EXPECT_LT(learned, 18);
}

TEST(Zoo, OverflowNetworksOverflowInTheirBigLayerOnly) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const OverflowNetwork o = make_overflow_network(seed);
    const GoldenResult g = run_golden(o.net, zoo_images(1, o.size, seed).front());
    for (size_t l = 0; l < o.net.layers.size(); ++l) {
      const Layer& layer = o.net.layers[l];
      if (layer.out_int < 0) continue;
      int64_t outside = 0;
      for (int32_t v : g.ints[static_cast<size_t>(layer.out_int)].data()) outside += v < -32768 || v > 32767;
      if (layer.name == "big") {
        EXPECT_GT(outside, 0) << "seed " << seed;
      } else {
        EXPECT_EQ(outside, 0) << layer.name << ", seed " << seed;
      }
    }
  }
}

}  // namespace
}  // namespace ernsim
