// QONNX import (heq-semantics.md section 4): the small HEQ / CNV-style graphs of
// tests/qonnx_graph_writer.h import into the expected integer layers and codes, run bit-exact on
// both kernel paths, and every malformed or unsupported variant is refused with one line naming
// the node. (Whole zoo models against a float executor: tests/heq/test_heq_tool.py.)
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "models/error.h"
#include "models/heq/golden.h"
#include "models/heq/qonnx_import.h"
#include "models/onnx_import.h"
#include "tests/qonnx_graph_writer.h"

namespace ernsim::heq {
namespace {

using Variant = QonnxGraphWriter::Variant;

std::string graph(Variant v, const std::function<void(QonnxGraphWriter&)>& mutate = {}) {
  QonnxGraphWriter g(v);
  if (mutate) mutate(g);
  return g.bytes();
}

std::vector<LayerKind> kinds(const Network& net) {
  std::vector<LayerKind> k;
  for (const Layer& l : net.layers) k.push_back(l.kind);
  return k;
}

ActTensor test_image(int seed) {
  ActTensor image(3, 8, 8);
  for (size_t i = 0; i < image.size(); ++i) image.data()[i] = static_cast<uint8_t>((i * 37 + seed * 101) % 256);
  return image;
}

void expect_paths_agree(const Network& net) {
  for (int seed = 0; seed < 3; ++seed) {
    GoldenOptions ref;
    ref.path = KernelPath::kReference;
    const GoldenResult a = run_golden(net, test_image(seed), ref);
    const GoldenResult b = run_golden(net, test_image(seed));
    for (size_t id = 0; id < net.tensors.size(); ++id) {
      EXPECT_EQ(a.act[id], b.act[id]) << net.tensors[id].name;
      EXPECT_EQ(a.ints[id], b.ints[id]) << net.tensors[id].name;
    }
    EXPECT_EQ(a.logits, b.logits);
  }
}

TEST(QonnxImport, MuxOrGraph) {
  const Network net = import_qonnx_bytes(graph(Variant::kMuxOr), "mux.onnx");
  using K = LayerKind;
  EXPECT_EQ(kinds(net), (std::vector<K>{K::kConv, K::kConv, K::kConv, K::kConv, K::kMuxOr, K::kMaxPool, K::kConv,
                                        K::kGlobalSum, K::kFc}));
  EXPECT_EQ(net.layers[1].name, "block.conv_a.conv");
  EXPECT_EQ(net.layers[0].weights.min_code(), -1);
  EXPECT_EQ(net.layers[0].weights.max_code(), 1);
  EXPECT_EQ(net.tensor(net.layers[4].gate).channels, 4);
  // The classifier's scale: code * (0.4 * 1 / 0.4) on integer sums; its bias from the Add.
  EXPECT_NEAR(net.tensor(net.output).scale[0], 1.0, 1e-6);
  EXPECT_NEAR(net.bias[9], 1.25, 1e-6);
  expect_paths_agree(net);
}

TEST(QonnxImport, BinaryWeightOrGraphWithGemm) {
  const Network net = import_qonnx_bytes(graph(Variant::kOrBipolar), "or.onnx");
  using K = LayerKind;
  EXPECT_EQ(kinds(net), (std::vector<K>{K::kConv, K::kConv, K::kConv, K::kConv, K::kOr, K::kMaxPool, K::kConv,
                                        K::kGlobalSum, K::kFc}));
  std::set<int> codes(net.layers[1].weights.codes().begin(), net.layers[1].weights.codes().end());
  EXPECT_EQ(codes, (std::set<int>{-1, 1}));  // BipolarQuant: never 0
  EXPECT_EQ(net.layers[1].weights.magnitude_planes(), 1);
  expect_paths_agree(net);
}

TEST(QonnxImport, QuinaryWeightsAndTwoBitActivations) {
  const Network net = import_qonnx_bytes(graph(Variant::kVggSmallW5), "w5.onnx");
  using K = LayerKind;
  EXPECT_EQ(kinds(net), (std::vector<K>{K::kConv, K::kConv, K::kMaxPool, K::kFc}));
  const CodeWeights& w = net.layers[1].weights;
  EXPECT_EQ(w.min_code(), -2);
  EXPECT_EQ(w.max_code(), 2);
  EXPECT_EQ(w.magnitude_planes(), 2);
  EXPECT_EQ(net.tensor(net.layers[0].output).kind, TensorKind::kAct2);
  EXPECT_NEAR(net.tensor(net.layers[0].output).scale[0], 1.0 / 3, 1e-7);
  EXPECT_EQ(net.layers[3].weights.in_channels(), 4 * 4 * 4);
  expect_paths_agree(net);
}

TEST(QonnxImport, TellsQonnxFromErnGraphs) {
  EXPECT_TRUE(is_qonnx_bytes(graph(Variant::kMuxOr)));
  GraphWriter ern;
  ern.build_ern(8);
  EXPECT_FALSE(is_qonnx_bytes(ern.bytes()));
  EXPECT_FALSE(is_qonnx_bytes("not a model"));
  // The ERN importer does not accept QONNX graphs: they need the HEQ importer.
  EXPECT_THROW(import_onnx_bytes(graph(Variant::kMuxOr), "mux.onnx"), Error);
}

struct BadCase {
  const char* what;
  Variant variant;
  std::function<void(QonnxGraphWriter&)> mutate;
  const char* message;
};

void set_float(QonnxGraphWriter& g, const std::string& name, float value) {
  for (auto& t : *g.graph().mutable_initializer()) {
    if (t.name() == name) t.set_float_data(0, value);
  }
}

TEST(QonnxImport, RefusesUnsupportedGraphsNamingTheNode) {
  const std::vector<BadCase> cases = {
      {"weight zero point", Variant::kMuxOr, [](QonnxGraphWriter& g) { set_float(g, "stem.wq.zeropt", 1); },
       "node /stem.wq/Quant (Quant): a non-zero zero point (1) on weights is not supported"},
      {"group conv", Variant::kMuxOr,
       [](QonnxGraphWriter& g) { GraphWriter::int_attr(g.node("block.conv_b.conv"), "group", 2); },
       "node /block.conv_b.conv/Conv (Conv): group 2 is not supported (only 1)"},
      {"3x3 pool", Variant::kMuxOr,
       [](QonnxGraphWriter& g) {
         g.attr("block.pool", "kernel_shape")->set_ints(0, 3);
         g.attr("block.pool", "kernel_shape")->set_ints(1, 3);
       },
       "node /block.pool/MaxPool (MaxPool): only 2x2 pools with stride 2 and no padding are supported"},
      {"stride 2", Variant::kMuxOr,
       [](QonnxGraphWriter& g) {
         g.attr("stem.conv", "strides")->set_ints(0, 2);
         g.attr("stem.conv", "strides")->set_ints(1, 2);
       },
       "node /stem.conv/Conv (Conv): only stride 1 is supported"},
      {"Relu", Variant::kMuxOr, [](QonnxGraphWriter& g) { g.node("block.gated")->set_op_type("Relu"); },
       "node /block.gated/Mul (Relu): unsupported operator Relu"},
      {"signed activation", Variant::kMuxOr, [](QonnxGraphWriter& g) { g.attr("stem", "signed")->set_i(1); },
       "node /stem/Quant (Quant): signed activations are not supported"},
      {"4-bit activation", Variant::kVggSmallW5, [](QonnxGraphWriter& g) { set_float(g, "conv1.bitwidth", 4); },
       "node /conv1/Quant (Quant): after batch norm only the binary"},
      {"gate threshold", Variant::kMuxOr, [](QonnxGraphWriter& g) { set_float(g, "block.half", 0.25f); },
       "node /block.gate_sub/Sub (Sub): a MUX gate subtracts 0.5, not 0.25"},
      {"gate on another map", Variant::kMuxOr,
       [](QonnxGraphWriter& g) { g.node("block.gated")->set_input(1, "block.conv_c"); },
       "node /block.gated/Mul (Mul): the gate must multiply the map it was pooled from"},
      {"conv bias", Variant::kMuxOr, [](QonnxGraphWriter& g) { g.node("head.conv")->add_input("head.gamma"); },
       "node /head.conv/Conv (Conv): a bias is not supported"},
      {"missing initializer", Variant::kMuxOr, [](QonnxGraphWriter& g) { g.node("head.bn")->set_input(2, "nothing"); },
       "node /head.bn/BatchNormalization (BatchNormalization): input nothing is not defined"},
      {"sum over channels", Variant::kOrBipolar,
       [](QonnxGraphWriter& g) {
         for (auto& t : *g.graph().mutable_initializer()) {
           if (t.name() == "sum.axes") t.set_int64_data(0, 1);
         }
       },
       "node /sum/ReduceSum (ReduceSum): only a sum over H and W (axes 2, 3) is supported"},
      {"image scale", Variant::kMuxOr, [](QonnxGraphWriter& g) { set_float(g, "input_quant.scale", 2); },
       "node /input_quant/Quant (Quant): the image quantizer must be 8-bit unsigned, scale 1"},
      {"uint8 input", Variant::kMuxOr,
       [](QonnxGraphWriter& g) {
         g.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::UINT8);
       },
       "input global_in must be float32 pixels 0..255"},
      {"odd pool", Variant::kVggSmallW5,
       [](QonnxGraphWriter& g) {
         g.graph()
             .mutable_input(0)
             ->mutable_type()
             ->mutable_tensor_type()
             ->mutable_shape()
             ->mutable_dim(2)
             ->set_dim_value(7);
       },
       "node /pool/MaxPool (MaxPool): pools a 7x8 map (odd sizes are not supported)"},
      {"4-bit weights", Variant::kMuxOr, [](QonnxGraphWriter& g) { set_float(g, "stem.wq.bitwidth", 4); },
       "node /stem.wq/Quant (Quant): 4-bit weights are not supported"},
      {"no classifier", Variant::kMuxOr,
       [](QonnxGraphWriter& g) {
         g.graph().mutable_output(0)->set_name("flatten");
         g.graph().mutable_node()->RemoveLast();
         g.graph().mutable_node()->RemoveLast();
         g.graph().mutable_node()->RemoveLast();
       },
       "graph output flatten is not a classifier"},
      {"negative scale", Variant::kMuxOr, [](QonnxGraphWriter& g) { set_float(g, "stem.mul", -1); },
       "node /stem.wscale/Mul (Mul): scale -1 must be positive"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    try {
      import_qonnx_bytes(graph(c.variant, c.mutate), "bad.onnx");
      ADD_FAILURE() << "imported";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(c.message), std::string::npos) << message;
      EXPECT_EQ(message.rfind("bad.onnx: ", 0), 0u) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace ernsim::heq
