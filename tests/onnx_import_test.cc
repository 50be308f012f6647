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

// ---------------------------------------------------------------------------------------------
// A small ERN graph in the exporter's form, and variants of it.

class GraphWriter {
 public:
  GraphWriter() {
    model_.set_ir_version(6);
    auto* opset = model_.add_opset_import();
    opset->set_version(11);
    auto* lm = model_.add_opset_import();
    lm->set_domain("lm");
    lm->set_version(2);
    graph_ = model_.mutable_graph();
    auto* in = graph_->add_input();
    in->set_name("image");
    auto* type = in->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::UINT8);
    for (int d : {1, 3, 16, 16}) type->mutable_shape()->add_dim()->set_dim_value(d);
  }

  std::string initializer(const std::string& name, std::vector<int64_t> dims, std::vector<float> values) {
    auto* t = graph_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float v : values) t->add_float_data(v);
    return name;
  }

  std::string random_initializer(const std::string& name, std::vector<int64_t> dims) {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    std::vector<float> v(n);
    for (float& x : v) x = static_cast<float>(uni_(rng_));
    return initializer(name, dims, v);
  }

  std::string constant(const std::string& name, float value, bool is_int = false) {
    auto* node = add("Constant", "", {}, name);
    auto* a = node->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    auto* t = a->mutable_t();
    if (is_int) {
      t->set_data_type(onnx::TensorProto::INT32);
      t->add_int32_data(static_cast<int32_t>(value));
    } else {
      t->set_data_type(onnx::TensorProto::FLOAT);
      t->add_dims(1);
      t->add_float_data(value);
    }
    return name;
  }

  onnx::NodeProto* add(const std::string& op, const std::string& domain,
                       const std::vector<std::string>& inputs, const std::string& output) {
    auto* node = graph_->add_node();
    node->set_op_type(op);
    node->set_domain(domain);
    node->set_name("/" + output + "/" + op);
    for (const auto& i : inputs) node->add_input(i);
    node->add_output(output);
    return node;
  }

  static void ints(onnx::NodeProto* node, const std::string& name, std::vector<int64_t> values) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values) a->add_ints(v);
  }
  static void int_attr(onnx::NodeProto* node, const std::string& name, int64_t value) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }

  // A weight quantizer and a conv; returns the conv's output.
  std::string conv(const std::string& name, const std::string& input, int in_ch, int out_ch, int k,
                   int stride, bool power_of_two) {
    const std::string w = random_initializer(name + ".weight", {out_ch, in_ch, k, k});
    std::string q;
    if (power_of_two) {
      const std::string p = constant(name + ".p", 32, true);
      q = add("BinaryPower2ScalingQuantizer", "lm", {w, p}, name + ".wq")->output(0);
    } else {
      q = add("BinaryChannelWiseMeanScalingQuantizer", "lm", {w}, name + ".wq")->output(0);
    }
    auto* c = add("Conv", "", {input, q}, name);
    ints(c, "kernel_shape", {k, k});
    ints(c, "strides", {stride, stride});
    const int pad = k / 2;
    ints(c, "pads", {pad, pad, pad, pad});
    ints(c, "dilations", {1, 1});
    int_attr(c, "group", 1);
    return name;
  }

  // BatchNormalization + LinearMidTreadHalfV2; returns the activation.
  std::string bn_act(const std::string& name, const std::string& input, int ch, bool integer) {
    std::vector<float> gamma(ch), beta(ch), mean(ch), var(ch);
    for (int c = 0; c < ch; ++c) {
      gamma[c] = static_cast<float>(c % 5 == 0 ? -0.5 - uni_(rng_) : 0.5 + uni_(rng_));
      beta[c] = static_cast<float>(uni_(rng_));
      mean[c] = static_cast<float>(uni_(rng_));
      var[c] = static_cast<float>(1 + uni_(rng_) * 0.5);
    }
    auto* bn = add("BatchNormalization", "",
                   {input, initializer(name + ".gamma", {ch}, gamma), initializer(name + ".beta", {ch}, beta),
                    initializer(name + ".mean", {ch}, mean), initializer(name + ".var", {ch}, var)},
                   name + ".bn");
    auto* eps = bn->add_attribute();
    eps->set_name("epsilon");
    eps->set_type(onnx::AttributeProto::FLOAT);
    eps->set_f(1e-5f);
    return add("LinearMidTreadHalfV2", "lm",
               {bn->output(0), constant(name + ".min", 0, true), constant(name + ".max", 3, true),
                constant(name + ".s1", 1.5f), constant(name + ".s2", integer ? 1.0f : 2.0f / 3),
                constant(name + ".b1", 0), constant(name + ".b2", 0)},
               name)
        ->output(0);
  }

  // Embedding -> stem conv -> one basic block with projection -> classifier.
  void build_ern() {
    std::vector<float> w(30), b(30);
    for (int j = 0; j < 30; ++j) {
      w[j] = 0.0125f;
      b[j] = (j % 10 + 1) * 0.1f - 1 + 1e-4f;
    }
    auto* pe = add("PixelEmbeddingV3", "lm",
                   {"image", initializer("pe.w", {1, 3, 10, 1, 1}, w), initializer("pe.b", {1, 3, 10, 1, 1}, b)},
                   "pixel_embedding");
    int_attr(pe, "k", 2);
    int_attr(pe, "max_val", 255);
    ints(pe, "out_channels_list", {10, 10, 10});
    const std::string stem = conv("stem", "pixel_embedding", 30, 64, 3, 2, false);
    const std::string a0 = bn_act("block.act0", stem, 64, true);
    const std::string proj = conv("block.downsample", a0, 64, 64, 1, 1, true);
    const std::string c1 = conv("block.conv1", a0, 64, 64, 3, 1, false);
    const std::string a1 = bn_act("block.act1", c1, 64, true);
    const std::string c2 = conv("block.conv2", a1, 64, 64, 3, 1, true);
    add("Add", "", {c2, proj}, "block.add");
    const std::string last = bn_act("last_act", "block.add", 64, false);
    const std::string cls = conv("classifier", last, 64, 10, 1, 1, false);
    add("GlobalAveragePool", "", {cls}, "pool");
    auto* flat = add("Flatten", "", {"pool"}, "logits");
    int_attr(flat, "axis", 1);
    graph_->add_output()->set_name("logits");
  }

  onnx::NodeProto* node(const std::string& output) {
    for (auto& n : *graph_->mutable_node()) {
      if (n.output(0) == output) return &n;
    }
    ADD_FAILURE() << "no node " << output;
    return nullptr;
  }
  onnx::AttributeProto* attr(const std::string& output, const std::string& name) {
    for (auto& a : *node(output)->mutable_attribute()) {
      if (a.name() == name) return &a;
    }
    ADD_FAILURE() << "no attribute " << name;
    return nullptr;
  }
  onnx::GraphProto& graph() { return *graph_; }
  std::string bytes() const { return model_.SerializeAsString(); }

 private:
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  std::mt19937_64 rng_{11};
  std::uniform_real_distribution<double> uni_{-1, 1};
};

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
  EXPECT_THAT(import_error([](GraphWriter& g) {
                g.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(
                    onnx::TensorProto::FLOAT);
              }),
              HasSubstr("input image must be uint8 pixels"));
  EXPECT_THAT(import_error([](GraphWriter& g) { g.graph().mutable_output(0)->set_name("block.add"); }),
              HasSubstr("graph output block.add is not a pooled classifier"));
}

}  // namespace
}  // namespace ernsim
