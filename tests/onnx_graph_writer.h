// A small ERN graph in the official exporter's ONNX form, written with the ONNX protobuf API, and
// the handles to make broken variants of it: the import tests and the fuzzers' seeds use it.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace ernsim {

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

  onnx::NodeProto* add(const std::string& op, const std::string& domain, const std::vector<std::string>& inputs,
                       const std::string& output) {
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
  std::string conv(const std::string& name, const std::string& input, int in_ch, int out_ch, int k, int stride,
                   bool power_of_two) {
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

  // The level of learned_table(): arbitrary, and non-zero for pixel value 0 in most channels.
  static int learned_level(int colour, int j, int value) { return (colour * 7 + j * 3 + 1 + value * 5 / 17) % 4; }

  // Embedding -> stem conv -> one basic block with projection -> classifier, `width` channels wide.
  // The embedding is ERN's thermometer (PixelEmbeddingV3) or, `learned`, a lookup table
  // (PixelEmbeddingLUT) of learned_level() as a (3, 10, 256) int32 initializer.
  void build_ern(int width = 64, bool learned = false) {
    if (learned) {
      auto* t = graph_->add_initializer();
      t->set_name("pe.table");
      t->set_data_type(onnx::TensorProto::INT32);
      for (int d : {3, 10, 256}) t->add_dims(d);
      for (int c = 0; c < 3; ++c) {
        for (int j = 0; j < 10; ++j) {
          for (int x = 0; x < 256; ++x) t->add_int32_data(learned_level(c, j, x));
        }
      }
      add("PixelEmbeddingLUT", "lm", {"image", "pe.table"}, "pixel_embedding");
    } else {
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
    }
    const std::string stem = conv("stem", "pixel_embedding", 30, width, 3, 2, false);
    const std::string a0 = bn_act("block.act0", stem, width, true);
    const std::string proj = conv("block.downsample", a0, width, width, 1, 1, true);
    const std::string c1 = conv("block.conv1", a0, width, width, 3, 1, false);
    const std::string a1 = bn_act("block.act1", c1, width, true);
    const std::string c2 = conv("block.conv2", a1, width, width, 3, 1, true);
    add("Add", "", {c2, proj}, "block.add");
    const std::string last = bn_act("last_act", "block.add", width, false);
    const std::string cls = conv("classifier", last, width, 10, 1, 1, false);
    add("GlobalAveragePool", "", {cls}, "pool");
    auto* flat = add("Flatten", "", {"pool"}, "logits");
    int_attr(flat, "axis", 1);
    graph_->add_output()->set_name("logits");
  }

  onnx::NodeProto* node(const std::string& output) {
    for (auto& n : *graph_->mutable_node()) {
      if (n.output(0) == output) return &n;
    }
    throw std::logic_error("GraphWriter: no node " + output);
  }
  onnx::AttributeProto* attr(const std::string& output, const std::string& name) {
    for (auto& a : *node(output)->mutable_attribute()) {
      if (a.name() == name) return &a;
    }
    throw std::logic_error("GraphWriter: no attribute " + name);
  }
  onnx::GraphProto& graph() { return *graph_; }
  // The version of `domain` ("" for ONNX's own) in opset_import.
  void set_opset(const std::string& domain, int64_t version) {
    for (auto& opset : *model_.mutable_opset_import()) {
      if (opset.domain() == domain) opset.set_version(version);
    }
  }
  std::string bytes() const { return model_.SerializeAsString(); }

 private:
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  std::mt19937_64 rng_{11};
  std::uniform_real_distribution<double> uni_{-1, 1};
};

}  // namespace ernsim
