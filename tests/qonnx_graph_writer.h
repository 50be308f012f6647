// Small HEQ and CNV-style graphs in the QONNX form of heq-semantics.md section 4, written with the
// ONNX protobuf API on top of the ERN GraphWriter, and the handles to break them: the QONNX import
// tests, the bad-input tests and the fuzzers' seeds use them.
#pragma once

#include <string>
#include <vector>

#include "tests/onnx_graph_writer.h"

namespace ernsim {

class QonnxGraphWriter : public GraphWriter {
 public:
  enum class Variant {
    kMuxOr,       // ternary weights, binary activations, MUX-OR block, GlobalAveragePool * H*W, MatMul + Add
    kOrBipolar,   // BipolarQuant binary weights, OR block, ReduceSum, Gemm (transB) with a bias
    kVggSmallW5,  // n = 5 (3-bit Quant + Clip), 2-bit activations, pool, Flatten of the map, MatMul
  };

  // An 8x8 input, `width` channels wide.
  explicit QonnxGraphWriter(Variant variant, int width = 4) {
    auto* in = graph().mutable_input(0);
    in->set_name("global_in");
    in->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = in->mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->mutable_dim(2)->set_dim_value(8);
    shape->mutable_dim(3)->set_dim_value(8);
    std::string x = quant("input_quant", "global_in", 1.0f, 8, false, false, "ROUND");
    if (variant == Variant::kVggSmallW5) {
      x = conv_bn_act("conv1", x, 3, width, 5, false, true);
      x = conv_bn_act("conv2", x, width, width, 5, false, true);
      x = pool("pool", x);
      x = add("Flatten", "", {x}, "flatten")->output(0);
      fc("fc", x, width * 16, false, false);
      return;
    }
    const bool bipolar = variant == Variant::kOrBipolar;
    x = conv_bn_act("stem", x, 3, width, 3, bipolar, false);
    const std::string x1 = conv_bn_act("block.conv_a", x, width, width, 3, bipolar, false);
    std::string x3 = conv_bn_act("block.conv_c", conv_bn_act("block.conv_b", x1, width, width, 3, bipolar, false),
                                 width, width, 3, bipolar, false);
    if (bipolar) {
      x3 = quant("block.or", add("Add", "", {x3, x1}, "block.or_add")->output(0), 1.0f, 1, false, false, "CEIL");
    } else {
      const std::string mean = add("GlobalAveragePool", "", {x1}, "block.gate_mean")->output(0);
      const std::string half = initializer("block.half", {}, {0.5f});
      const std::string g =
          quant("block.gate", add("Sub", "", {mean, half}, "block.gate_sub")->output(0), 1.0f, 1, false, false, "CEIL");
      const std::string gated = add("Mul", "", {g, x1}, "block.gated")->output(0);
      x3 = quant("block.mux", add("Add", "", {x3, gated}, "block.mux_add")->output(0), 1.0f, 1, false, false, "CEIL");
    }
    x = pool("block.pool", x3);
    x = conv_bn_act("head", x, width, 2 * width, 3, bipolar, false);
    if (bipolar) {
      const std::string axes = "sum.axes";
      auto* t = graph().add_initializer();
      t->set_name(axes);
      t->set_data_type(onnx::TensorProto::INT64);
      t->add_dims(2);
      t->add_int64_data(2);
      t->add_int64_data(3);
      x = add("ReduceSum", "", {x, axes}, "sum")->output(0);
    } else {
      x = add("GlobalAveragePool", "", {x}, "sum_mean")->output(0);
      x = add("Mul", "", {x, initializer("sum.pixels", {}, {16.0f})}, "sum")->output(0);
    }
    x = add("Flatten", "", {x}, "flatten")->output(0);
    fc("fc", x, 2 * width, bipolar, bipolar);
  }

  std::string quant(const std::string& name, const std::string& x, float scale, int bits, bool is_signed, bool narrow,
                    const std::string& rounding) {
    auto* q = add("Quant", "qonnx.custom_op.general",
                  {x, initializer(name + ".scale", {}, {scale}), initializer(name + ".zeropt", {}, {0.0f}),
                   initializer(name + ".bitwidth", {}, {static_cast<float>(bits)})},
                  name);
    int_attr(q, "signed", is_signed);
    int_attr(q, "narrow", narrow);
    auto* a = q->add_attribute();
    a->set_name("rounding_mode");
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(rounding);
    return name;
  }

  // Float weights through Quant (n = 3: 2 bits; n = 5: 3 bits + Clip) or BipolarQuant, then a Mul.
  std::string weights(const std::string& name, std::vector<int64_t> dims, int levels, bool bipolar) {
    const std::string w = random_initializer(name + ".weight", dims);
    const float s = 0.4f;
    std::string q;
    if (bipolar) {
      q = add("BipolarQuant", "qonnx.custom_op.general", {w, initializer(name + ".bq_scale", {}, {s})}, name + ".wq")
              ->output(0);
    } else {
      q = quant(name + ".wq", w, s, levels == 3 ? 2 : 3, true, true, "ROUND");
      if (levels == 5) {
        q = add("Clip", "", {q, initializer(name + ".cmin", {}, {-2 * s}), initializer(name + ".cmax", {}, {2 * s})},
                name + ".clip")
                ->output(0);
      }
    }
    return add("Mul", "", {q, initializer(name + ".mul", {}, {levels == 3 ? 1 / s : 0.5f / s})}, name + ".wscale")
        ->output(0);
  }

  std::string conv_bn_act(const std::string& name, const std::string& x, int in_ch, int out_ch, int levels,
                          bool bipolar, bool two_bit) {
    auto* c = add("Conv", "", {x, weights(name, {out_ch, in_ch, 3, 3}, levels, bipolar)}, name + ".conv");
    ints(c, "kernel_shape", {3, 3});
    ints(c, "pads", {1, 1, 1, 1});
    ints(c, "strides", {1, 1});
    std::vector<float> gamma(out_ch), beta(out_ch), mean(out_ch), var(out_ch);
    for (int k = 0; k < out_ch; ++k) {
      gamma[k] = k % 4 == 3 ? -0.7f : 0.8f;
      beta[k] = 0.1f * static_cast<float>(k % 3);
      mean[k] = 0.37f * static_cast<float>(k % 5) - 0.5f;
      var[k] = 2.0f + static_cast<float>(k);
    }
    auto* bn =
        add("BatchNormalization", "",
            {c->output(0), initializer(name + ".gamma", {out_ch}, gamma), initializer(name + ".beta", {out_ch}, beta),
             initializer(name + ".mean", {out_ch}, mean), initializer(name + ".var", {out_ch}, var)},
            name + ".bn");
    return two_bit ? quant(name, bn->output(0), 1.0f / 3, 2, false, false, "ROUND")
                   : quant(name, bn->output(0), 1.0f, 1, false, false, "CEIL");
  }

  std::string pool(const std::string& name, const std::string& x) {
    auto* p = add("MaxPool", "", {x}, name);
    ints(p, "kernel_shape", {2, 2});
    ints(p, "strides", {2, 2});
    return name;
  }

  // The classifier, 10 classes: MatMul (in, 10) + Add bias, or Gemm with transB and a bias input.
  void fc(const std::string& name, const std::string& x, int in, bool bipolar, bool gemm) {
    std::string out;
    std::vector<float> bias(10);
    for (int k = 0; k < 10; ++k) bias[k] = 0.25f * static_cast<float>(k) - 1;
    if (gemm) {
      auto* g =
          add("Gemm", "", {x, weights(name, {10, in}, 3, bipolar), initializer(name + ".bias", {10}, bias)}, name);
      int_attr(g, "transB", 1);
      out = name;
    } else {
      const std::string mm = add("MatMul", "", {x, weights(name, {in, 10}, 3, bipolar)}, name + ".matmul")->output(0);
      out = add("Add", "", {mm, initializer(name + ".bias", {10}, bias)}, name)->output(0);
    }
    graph().add_output()->set_name(out);
  }
};

}  // namespace ernsim
