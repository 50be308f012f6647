// ONNX import: the fixtures exported by the official library reproduce its logits, and a small
// ERN graph written here (in the exporter's form) imports, while each broken variant of it is
// rejected with a message naming the node and the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <random>

#include "models/error.h"
#include "models/golden.h"
#include "models/npy.h"
#include "models/onnx_import.h"
#include "tests/fixtures.h"
#include "tests/onnx_graph_writer.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------------------------------------
// The fixtures.

class Fixture : public ::testing::TestWithParam<const char*> {};

TEST_P(Fixture, ReproducesTheLibraryLogits) {
  const std::string base = fixture_path(GetParam());
  if (base.empty()) GTEST_SKIP() << "../shared/fixtures/ern is absent";
  const Network net = import_onnx(base + ".onnx");
  const std::vector<ActTensor> images = fixture_images(base + ".input.npy");
  const NpyArray expected = read_npy(base + ".output.npy");
  const std::vector<float> ref = expected.values<float>();
  const int classes = static_cast<int>(expected.shape[1]);
  ASSERT_EQ(static_cast<int64_t>(images.size()), expected.shape[0]);
  ASSERT_EQ(net.num_classes(), classes);
  for (KernelPath path : {KernelPath::kReference, KernelPath::kPacked}) {
    double max_err = 0, max_abs = 0;
    for (size_t i = 0; i < images.size(); ++i) {
      GoldenOptions options;
      options.path = path;
      const GoldenResult r = run_golden(net, images[i], options);
      const float* want = &ref[i * classes];
      for (int k = 0; k < classes; ++k) {
        max_err = std::max(max_err, std::fabs(static_cast<double>(r.logits[k]) - want[k]));
        max_abs = std::max(max_abs, std::fabs(static_cast<double>(want[k])));
      }
      EXPECT_EQ(top1(r.logits), static_cast<int>(std::max_element(want, want + classes) - want))
          << "image " << i << " " << to_string(path);
    }
    EXPECT_LT(max_err / max_abs, 1e-5) << to_string(path);
    RecordProperty(std::string("relative_error_") + to_string(path), std::to_string(max_err / max_abs));
  }
}

INSTANTIATE_TEST_SUITE_P(Ern, Fixture, ::testing::ValuesIn(kFixtureNames));

TEST(FixtureStructure, MiniBasicHasTheExpectedLayers) {
  const std::string base = fixture_path("mini_basic_32_s3");
  if (base.empty()) GTEST_SKIP() << "../shared/fixtures/ern is absent";
  const Network net = import_onnx(base + ".onnx");
  // Embedding, 4 stem convs, 4 blocks of (projection, conv1, conv2), classifier.
  ASSERT_EQ(net.layers.size(), 1u + 4 + 4 * 3 + 1);
  EXPECT_EQ(net.layers[0].kind, LayerKind::kPixelEmbedding);
  EXPECT_EQ(net.layers[1].name, "conv1");
  EXPECT_EQ(net.layers[4].name, "conv1_2");
  EXPECT_EQ(net.layers[5].name, "layer1.0.downsample");
  EXPECT_EQ(net.layers[7].name, "layer1.0.conv2");
  // conv2 adds the projection's stream and quantizes the sum for the next block.
  const Layer& conv2 = net.layers[7];
  EXPECT_EQ(conv2.residual, net.layers[5].out_int);
  EXPECT_GE(conv2.out_act, 0);
  // The residual stream is in units of 1/32 and its scale equals both operands'.
  EXPECT_DOUBLE_EQ(net.tensor(net.layers[5].out_int).scale[0], 1.0 / 32);
  int decreasing = 0, total = 0;
  for (const Layer& l : net.layers) {
    for (const Quantizer& q : l.quantizers) {
      decreasing += q.mode == ActMode::kDecreasing;
      ++total;
    }
  }
  // About 20% of the fixture's gammas are negative.
  EXPECT_GT(decreasing, total / 10);
  EXPECT_LT(decreasing, total / 3);
}

std::string import_error(const std::function<void(GraphWriter&)>& mutate) {
  GraphWriter g;
  g.build_ern();
  mutate(g);
  try {
    import_onnx_bytes(g.bytes(), "test.onnx");
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    EXPECT_THAT(message, HasSubstr("test.onnx"));
    return message;
  }
  ADD_FAILURE() << "the import did not fail";
  return "";
}

TEST(OnnxImport, SmallErnGraphImportsAndRuns) {
  GraphWriter g;
  g.build_ern();
  const Network net = import_onnx_bytes(g.bytes(), "small.onnx");
  ASSERT_EQ(net.layers.size(), 6u);  // embedding, stem, projection, conv1, conv2, classifier
  EXPECT_EQ(net.num_classes(), 10);
  const Layer& conv2 = net.layers[4];
  EXPECT_EQ(conv2.name, "block.conv2");
  EXPECT_EQ(conv2.residual, net.layers[2].out_int);
  ActTensor image(3, 16, 16);
  for (size_t i = 0; i < image.size(); ++i) image.data()[i] = static_cast<uint8_t>(i * 37);
  GoldenOptions reference;
  reference.path = KernelPath::kReference;
  EXPECT_EQ(run_golden(net, image).class_sums, run_golden(net, image, reference).class_sums);
}

// A learned lookup table (PixelEmbeddingLUT) becomes the embedding's tables as given, pixel value
// 0's non-zero levels included, and the network runs like the thermometer one.
TEST(OnnxImport, LearnedEmbeddingTableImports) {
  GraphWriter g;
  g.build_ern(64, true);
  const Network net = import_onnx_bytes(g.bytes(), "lut.onnx");
  ASSERT_EQ(net.layers.size(), 6u);
  const Layer& embed = net.layers[0];
  ASSERT_EQ(embed.kind, LayerKind::kPixelEmbedding);
  ASSERT_EQ(embed.table.size(), 30u);
  int nonzero_at_zero = 0;
  for (int c = 0; c < 30; ++c) {
    EXPECT_EQ(embed.source_channel[static_cast<size_t>(c)], c / 10);
    for (int x = 0; x < 256; ++x) {
      ASSERT_EQ(embed.table[static_cast<size_t>(c)][static_cast<size_t>(x)],
                GraphWriter::learned_level(c / 10, c % 10, x))
          << "channel " << c << " value " << x;
    }
    nonzero_at_zero += embed.table[static_cast<size_t>(c)][0] != 0;
  }
  EXPECT_GT(nonzero_at_zero, 20);
  ActTensor image(3, 16, 16);
  for (size_t i = 0; i < image.size(); ++i) image.data()[i] = static_cast<uint8_t>(i % 3 == 0 ? 0 : i * 37);
  GoldenOptions reference;
  reference.path = KernelPath::kReference;
  const GoldenResult got = run_golden(net, image, reference);
  EXPECT_EQ(got.act[static_cast<size_t>(embed.out_act)].at(4, 0, 0), GraphWriter::learned_level(0, 4, 0));
  EXPECT_EQ(run_golden(net, image).class_sums, got.class_sums);
}

TEST(OnnxImport, RejectsABadLearnedEmbeddingTable) {
  auto lut_error = [](const std::function<void(onnx::TensorProto&)>& change) {
    GraphWriter g;
    g.build_ern(64, true);
    change(*g.graph().mutable_initializer(0));
    try {
      import_onnx_bytes(g.bytes(), "lut.onnx");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    ADD_FAILURE() << "the import did not fail";
    return std::string();
  };
  EXPECT_THAT(lut_error([](onnx::TensorProto& t) { t.set_int32_data(5, 4); }),
              HasSubstr("node /pixel_embedding/PixelEmbeddingLUT (PixelEmbeddingLUT): table entry (0, 0, 5) is 4, "
                        "expected a 2-bit level"));
  EXPECT_THAT(lut_error([](onnx::TensorProto& t) { t.set_int32_data(300, -1); }),
              HasSubstr("table entry (0, 1, 44) is -1"));
  EXPECT_THAT(lut_error([](onnx::TensorProto& t) {
                // (3, 20, 128): as many values, the wrong shape.
                t.set_dims(1, 20);
                t.set_dims(2, 128);
              }),
              HasSubstr("table has shape (3, 20, 128), expected (3, k, 256)"));
  EXPECT_THAT(lut_error([](onnx::TensorProto& t) {
                // A fractional level, as an unquantized float table would hold.
                std::vector<float> values(t.int32_data().begin(), t.int32_data().end());
                t.clear_int32_data();
                t.set_data_type(onnx::TensorProto::FLOAT);
                values[7] = 1.5f;
                for (float v : values) t.add_float_data(v);
              }),
              HasSubstr("table entry (0, 0, 7) is 1.5"));
  GraphWriter g;
  g.build_ern(64, true);
  GraphWriter::int_attr(g.node("pixel_embedding"), "k", 2);
  try {
    import_onnx_bytes(g.bytes(), "lut.onnx");
    ADD_FAILURE() << "an attribute of PixelEmbeddingLUT was accepted";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("PixelEmbeddingLUT"));
  }
}

// The BatchNormalization attributes of other opsets, at the values the importer supports, import
// into the same network as the exporter's opset 11.
TEST(OnnxImport, AcceptsTheAttributesOfOtherOpsets) {
  GraphWriter plain;
  plain.build_ern();
  ActTensor image(3, 16, 16);
  for (size_t i = 0; i < image.size(); ++i) image.data()[i] = static_cast<uint8_t>(i * 37);
  const std::vector<int32_t> expected = run_golden(import_onnx_bytes(plain.bytes(), "plain.onnx"), image).class_sums;
  for (const auto& [opset, attribute, value] : {std::tuple<int64_t, const char*, int64_t>{7, "spatial", 1},
                                                {8, "spatial", 1},
                                                {14, "training_mode", 0},
                                                {21, "", 0}}) {
    SCOPED_TRACE(opset);
    GraphWriter g;
    g.build_ern();
    g.set_opset("", opset);
    for (auto& node : *g.graph().mutable_node()) {
      if (node.op_type() == "BatchNormalization" && *attribute) GraphWriter::int_attr(&node, attribute, value);
    }
    EXPECT_EQ(run_golden(import_onnx_bytes(g.bytes(), "other_opset.onnx"), image).class_sums, expected);
  }
}

TEST(OnnxImport, RejectsMalformedBytes) {
  std::string bytes(200, '\xff');
  try {
    import_onnx_bytes(bytes, "junk.onnx");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("junk.onnx: not a valid ONNX model"));
  }
  GraphWriter g;
  g.build_ern();
  const std::string whole = g.bytes();
  // Every truncation is rejected cleanly, never a crash.
  int rejected = 0;
  for (size_t n = 0; n < whole.size(); n += 97) {
    try {
      import_onnx_bytes(whole.substr(0, n), "cut.onnx");
    } catch (const Error& e) {
      ++rejected;
      EXPECT_THAT(std::string(e.what()), HasSubstr("cut.onnx"));
    }
  }
  EXPECT_EQ(rejected, static_cast<int>((whole.size() + 96) / 97));
}

TEST(OnnxImport, RejectsAMissingFile) {
  try {
    import_onnx("/nonexistent/model.onnx");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("/nonexistent/model.onnx: cannot open"));
  }
}

TEST(OnnxImport, RejectsAnUnknownOperator) {
  const std::string m = import_error([](GraphWriter& g) { g.node("block.add")->set_op_type("Mul"); });
  EXPECT_THAT(m, HasSubstr("node /block.add/Add (Mul): unsupported operator Mul"));
}

TEST(OnnxImport, RejectsANodeWithoutNameOrOutput) {
  // Found by fuzz_onnx: naming such a node in the error read past the end of its outputs.
  const std::string m = import_error([](GraphWriter& g) {
    auto* node = g.graph().add_node();
    node->set_op_type("Mul");
  });
  EXPECT_THAT(m, HasSubstr("node (unnamed) (Mul)"));
}

TEST(OnnxImport, RejectsGroupedConvolution) {
  const std::string m = import_error([](GraphWriter& g) { g.attr("block.conv1", "group")->set_i(2); });
  EXPECT_THAT(m, HasSubstr("(Conv): group 2 is not supported"));
}

TEST(OnnxImport, RejectsAnAddWithDifferentScales) {
  // A channel-wise projection has another scale than the power-of-2 conv2.
  const std::string m = import_error([](GraphWriter& g) {
    onnx::NodeProto* q = g.node("block.downsample.wq");
    q->set_op_type("BinaryChannelWiseMeanScalingQuantizer");
    q->mutable_input()->RemoveLast();
  });
  EXPECT_THAT(m, HasSubstr("(Add): operands have different scales"));
}

TEST(OnnxImport, RejectsAMissingInitializer) {
  const std::string m = import_error([](GraphWriter& g) {
    auto* inits = g.graph().mutable_initializer();
    for (int i = 0; i < inits->size(); ++i) {
      if (inits->Get(i).name() == "block.act1.gamma") {
        inits->DeleteSubrange(i, 1);
        break;
      }
    }
  });
  EXPECT_THAT(m, HasSubstr("input block.act1.gamma is not defined (missing initializer?)"));
}

TEST(OnnxImport, RejectsOtherUnsupportedForms) {
  EXPECT_THAT(import_error([](GraphWriter& g) { g.attr("block.conv1", "strides")->set_ints(0, 3); }),
              HasSubstr("strides (3, 1) not supported"));
  EXPECT_THAT(import_error([](GraphWriter& g) { g.attr("block.conv1", "pads")->set_ints(0, 0); }),
              HasSubstr("pads must be 1 on every side"));
  EXPECT_THAT(import_error([](GraphWriter& g) { g.node("block.conv1")->add_input("stem.weight"); }),
              HasSubstr("a bias is not supported"));
  EXPECT_THAT(import_error([](GraphWriter& g) {
                // A 4-bit activation.
                g.attr("block.act1.max", "value")->mutable_t()->set_int32_data(0, 15);
              }),
              HasSubstr("only 2-bit activations"));
  EXPECT_THAT(import_error([](GraphWriter& g) {
                // The activation reads the conv directly, with no batch norm in between.
                g.node("block.act1")->set_input(0, "block.conv1");
              }),
              HasSubstr("is a convolution or Add output, expected a BatchNormalization output"));
  EXPECT_THAT(
      import_error([](GraphWriter& g) {
        g.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
      }),
      HasSubstr("input image must be uint8 pixels"));
  EXPECT_THAT(import_error([](GraphWriter& g) { g.graph().mutable_output(0)->set_name("block.add"); }),
              HasSubstr("graph output block.add is not a pooled classifier"));
}

}  // namespace
}  // namespace ernsim
