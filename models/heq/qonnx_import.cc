#include "models/heq/qonnx_import.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "models/error.h"
#include "models/heq/fold.h"
#include "models/onnx_file.h"

namespace ernsim::heq {

namespace {

using onnx::NodeProto;

bool is_qonnx_domain(const std::string& domain) {
  return domain == "qonnx.custom_op.general" || domain == "finn.custom_op.general";
}

// Weight codes with their real value per code (per output channel), from a weight Quant.
struct Weights {
  std::vector<int64_t> dims;  // of the float initializer
  std::vector<int> codes;     // in the initializer's order
  int min_code = 0, max_code = 0;
  std::vector<double> scale;  // one value, or one per output channel (dims[0])
};

// What an edge of the ONNX graph is in the integer network.
struct Value {
  enum class Kind {
    kFloatImage,  // the float graph input, before its Quant
    kMap,         // an integer activation map (image, binary, 2-bit): tensor
    kWeights,     // quantized weights
    kAcc,         // a conv's accumulator: layer
    kBatchNorm,   // the batch norm of a conv's accumulator: layer, bn
    kSkipSum,     // Add of two binary maps: tensor (x3), other (x1), gated
    kMean,        // GlobalAveragePool of a map: tensor
    kGateInput,   // mean - 0.5 of a binary map: tensor
    kGate,        // [mean > 0.5] per channel of a binary map: tensor
    kGated,       // gate * map: tensor (x1)
    kSum,         // per-channel integer sums: tensor
    kFlat,        // Flatten of a map or of sums: tensor
    kLogits,      // the classifier output (before or after its bias): tensor
  };
  explicit Value(Kind k = Kind::kMap) : kind(k) {}
  Kind kind;
  int tensor = -1;
  int other = -1;
  int layer = -1;
  bool gated = false;
  std::shared_ptr<const Weights> weights;
  std::shared_ptr<const std::vector<BatchNorm>> bn;
};

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kFloatImage: return "the float image input";
    case Value::Kind::kMap: return "an activation map";
    case Value::Kind::kWeights: return "quantized weights";
    case Value::Kind::kAcc: return "a convolution output";
    case Value::Kind::kBatchNorm: return "a BatchNormalization output";
    case Value::Kind::kSkipSum: return "a skip Add";
    case Value::Kind::kMean: return "a GlobalAveragePool output";
    case Value::Kind::kGateInput: return "a gate's mean - 0.5";
    case Value::Kind::kGate: return "a MUX gate";
    case Value::Kind::kGated: return "a gated map";
    case Value::Kind::kSum: return "per-channel sums";
    case Value::Kind::kFlat: return "a flattened tensor";
    case Value::Kind::kLogits: return "the classifier output";
  }
  return "?";
}

// Quant's attributes and constant inputs.
struct QuantParams {
  std::vector<double> scale;  // a scalar or per channel
  std::vector<int64_t> scale_dims;
  double zeropt = 0;
  int bits = 0;
  bool is_signed = false, narrow = false;
  std::string rounding = "ROUND";
  int min_int() const { return is_signed ? -(1 << (bits - 1)) + narrow : 0; }
  int max_int() const { return is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1 - narrow; }
};

double round_half_even(double x) { return x - std::remainder(x, 1.0); }

class Importer : public OnnxNodeReader {
 public:
  Importer(const onnx::ModelProto& model, std::string origin)
      : OnnxNodeReader(std::move(origin)), model_(model), builder_(network_name(origin_)) {}

  Network run();

 private:
  bool is_value(const std::string& name) const override { return values_.count(name) > 0; }
  // A layer name: the node's name without the op ("/block1/conv_a/Conv" -> "block1.conv_a").
  std::string layer_name(const NodeProto& node) const {
    // A fuzzed node may have neither a name nor an output (as in the ERN importer).
    std::string path = !node.name().empty() ? node.name() : node.output_size() ? node.output(0) : "unnamed";
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
      const size_t slash = std::min(path.find('/', start), path.size());
      if (slash > start) parts.push_back(path.substr(start, slash - start));
      start = slash + 1;
    }
    if (parts.size() > 1) parts.pop_back();
    std::string name;
    for (const std::string& p : parts) name += (name.empty() ? "" : ".") + p;
    return name.empty() ? path : name;
  }
  void expect_io(const NodeProto& node, int inputs_min, int inputs_max) const;
  const Value& value(const NodeProto& node, int input) const;
  const Value& value(const NodeProto& node, int input, Value::Kind kind) const;
  void define(const NodeProto& node, Value v);
  Value map_value(int tensor) const;

  void import_input();
  void import_node(const NodeProto& node);
  QuantParams quant_params(const NodeProto& node) const;
  void quant(const NodeProto& node);
  void bipolar_quant(const NodeProto& node);
  void weight_codes(const NodeProto& node, const OnnxConstant& w, const QuantParams& q);
  void activation_quant(const NodeProto& node, const QuantParams& q);
  void conv(const NodeProto& node);
  void batchnorm(const NodeProto& node);
  void add(const NodeProto& node);
  void sub(const NodeProto& node);
  void mul(const NodeProto& node);
  void clip(const NodeProto& node);
  void max_pool(const NodeProto& node);
  void global_average_pool(const NodeProto& node);
  void reduce_sum(const NodeProto& node);
  void flatten(const NodeProto& node);
  void fully_connected(const NodeProto& node, bool gemm);

  const onnx::ModelProto& model_;
  NetworkBuilder builder_;
  std::map<std::string, Value> values_;
  int image_h_ = 0, image_w_ = 0;
  int fc_layer_ = -1;
  std::vector<double> fc_bias_;
};

void Importer::expect_io(const NodeProto& node, int inputs_min, int inputs_max) const {
  if (node.input_size() < inputs_min || node.input_size() > inputs_max) {
    node_fail(node, "expected {} to {} inputs, got {}", inputs_min, inputs_max, node.input_size());
  }
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty()) node_fail(node, "input {} is empty", i);
  }
  if (node.output_size() != 1 || node.output(0).empty()) node_fail(node, "expected exactly one output");
}

const Value& Importer::value(const NodeProto& node, int input) const {
  auto it = values_.find(node.input(input));
  if (it != values_.end()) return it->second;
  if (constants_.count(node.input(input)))
    node_fail(node, "input {} is a constant, expected a computed value", node.input(input));
  node_fail(node, "input {} is not defined (missing initializer, or nodes out of order?)", node.input(input));
}

const Value& Importer::value(const NodeProto& node, int input, Value::Kind kind) const {
  const Value& v = value(node, input);
  if (v.kind != kind)
    node_fail(node, "input {} is {}, expected {}", node.input(input), kind_name(v.kind), kind_name(kind));
  return v;
}

void Importer::define(const NodeProto& node, Value v) {
  if (values_.count(node.output(0)) || constants_.count(node.output(0))) {
    node_fail(node, "output {} is defined twice", node.output(0));
  }
  values_[node.output(0)] = std::move(v);
}

Value Importer::map_value(int tensor) const {
  Value v{Value::Kind::kMap};
  v.tensor = tensor;
  return v;
}

void Importer::import_input() {
  const onnx::ValueInfoProto* image = &image_input(model_.graph());
  const auto& type = image->type().tensor_type();
  if (type.elem_type() != onnx::TensorProto::FLOAT) {
    fail("{}: input {} must be float32 pixels 0..255 (element type {})", origin_, image->name(), type.elem_type());
  }
  const auto& dims = type.shape().dim();
  if (dims.size() != 4) fail("{}: input {} must be N x C x H x W", origin_, image->name());
  int64_t chw[3];
  for (int i = 1; i < 4; ++i) {
    if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0 || dims[i].dim_value() > 8192) {
      fail("{}: input {} dimension {} must be a fixed size in 1..8192", origin_, image->name(), i);
    }
    chw[i - 1] = dims[i].dim_value();
  }
  if (chw[0] > 4096) fail("{}: input {} has {} channels (at most 4096)", origin_, image->name(), chw[0]);
  const int tensor = builder_.add_image(static_cast<int>(chw[0]), static_cast<int>(chw[1]), static_cast<int>(chw[2]));
  Value v{Value::Kind::kFloatImage};
  v.tensor = tensor;
  values_[image->name()] = v;
}

QuantParams Importer::quant_params(const NodeProto& node) const {
  expect_io(node, 4, 4);
  check_attributes(node, {"signed", "narrow", "rounding_mode"});
  QuantParams q;
  const OnnxConstant& scale = constant(node, 1);
  q.scale = scale.values;
  q.scale_dims = scale.dims;
  if (q.scale.empty()) node_fail(node, "scale is empty");
  for (double s : q.scale) {
    if (!(s > 0)) node_fail(node, "scale {} must be positive", s);
  }
  const OnnxConstant& zeropt = constant(node, 2);
  if (zeropt.values.size() != 1) node_fail(node, "only a scalar zero point is supported");
  q.zeropt = zeropt.values[0];
  const double bits = scalar(node, 3);
  if (bits != std::floor(bits) || bits < 1 || bits > 8) node_fail(node, "bit width {} is not supported (1 to 8)", bits);
  q.bits = static_cast<int>(bits);
  q.is_signed = int_attribute(node, "signed", 1) != 0;
  q.narrow = int_attribute(node, "narrow", 0) != 0;
  if (const auto* a = typed_attribute(node, "rounding_mode", onnx::AttributeProto::STRING)) q.rounding = a->s();
  if (q.rounding != "ROUND" && q.rounding != "CEIL" && q.rounding != "FLOOR") {
    node_fail(node, "rounding mode {} is not supported (ROUND, CEIL or FLOOR)", q.rounding);
  }
  if (q.min_int() > q.max_int()) node_fail(node, "empty integer range");
  return q;
}

void Importer::quant(const NodeProto& node) {
  const QuantParams q = quant_params(node);
  if (const OnnxConstant* w = find_constant(node, 0)) return weight_codes(node, *w, q);
  activation_quant(node, q);
}

void Importer::weight_codes(const NodeProto& node, const OnnxConstant& w, const QuantParams& q) {
  if (q.zeropt != 0) node_fail(node, "a non-zero zero point ({}) on weights is not supported", q.zeropt);
  if (!q.is_signed) node_fail(node, "weights must be quantized signed");
  if (q.rounding != "ROUND") node_fail(node, "weights must be rounded with ROUND, not {}", q.rounding);
  if (q.max_int() > 3 || q.min_int() < -4)
    node_fail(node, "{}-bit weights are not supported (at most 3 bits: n <= 7 levels)", q.bits);
  if (w.dims.size() != 4 && w.dims.size() != 2)
    node_fail(node, "weights of shape {} (expected 4-D conv or 2-D FC)", onnx_shape_string(w.dims));
  const int64_t out = w.dims[0];
  const bool per_channel = q.scale.size() > 1;
  if (per_channel && (static_cast<int64_t>(q.scale.size()) != out || w.dims.size() != 4 ||
                      q.scale_dims != std::vector<int64_t>{out, 1, 1, 1})) {
    node_fail(node, "scale of shape {}: only a scalar or a per-output-channel (O, 1, 1, 1) scale is supported",
              onnx_shape_string(q.scale_dims));
  }
  auto weights = std::make_shared<Weights>();
  weights->dims = w.dims;
  weights->min_code = q.min_int();
  weights->max_code = q.max_int();
  weights->scale = q.scale;
  const size_t per_out = w.values.size() / static_cast<size_t>(std::max<int64_t>(out, 1));
  weights->codes.resize(w.values.size());
  for (size_t i = 0; i < w.values.size(); ++i) {
    const double s = q.scale[per_channel ? i / per_out : 0];
    const double x = std::clamp(w.values[i] / s, double(q.min_int()), double(q.max_int()));
    weights->codes[i] = static_cast<int>(round_half_even(x));
  }
  Value v{Value::Kind::kWeights};
  v.weights = std::move(weights);
  define(node, v);
}

void Importer::bipolar_quant(const NodeProto& node) {
  expect_io(node, 2, 2);
  check_attributes(node, {});
  const OnnxConstant* w = find_constant(node, 0);
  if (!w) node_fail(node, "only constant weights can be binarized (activations are unsigned here)");
  if (w->dims.size() != 4 && w->dims.size() != 2)
    node_fail(node, "weights of shape {} (expected 4-D conv or 2-D FC)", onnx_shape_string(w->dims));
  const double s = scalar(node, 1);
  if (!(s > 0)) node_fail(node, "scale {} must be positive", s);
  auto weights = std::make_shared<Weights>();
  weights->dims = w->dims;
  weights->min_code = -1;
  weights->max_code = 1;
  weights->scale = {s};
  for (double x : w->values) weights->codes.push_back(x >= 0 ? 1 : -1);  // BipolarQuant: sign(0) = +1
  Value v{Value::Kind::kWeights};
  v.weights = std::move(weights);
  define(node, v);
}

void Importer::activation_quant(const NodeProto& node, const QuantParams& q) {
  const Value& in = value(node, 0);
  if (q.scale.size() != 1) node_fail(node, "activations need a scalar scale");
  if (q.zeropt != 0) node_fail(node, "a non-zero zero point ({}) on activations is not supported", q.zeropt);
  if (q.is_signed) node_fail(node, "signed activations are not supported (the accelerator's maps are unsigned)");
  const double scale = q.scale[0];
  if (in.kind == Value::Kind::kFloatImage) {
    if (q.bits != 8 || q.narrow || scale != 1 || q.rounding != "ROUND") {
      node_fail(node, "the image quantizer must be 8-bit unsigned, scale 1, not narrow, ROUND");
    }
    image_h_ = builder_.tensor(in.tensor).height;
    image_w_ = builder_.tensor(in.tensor).width;
    return define(node, map_value(in.tensor));
  }
  const bool binary = q.bits == 1 && !q.narrow && scale == 1 && q.rounding == "CEIL";
  const bool act2 = q.bits == 2 && !q.narrow && q.rounding == "ROUND" && std::fabs(scale * 3 - 1) < 1e-6;
  if (in.kind == Value::Kind::kBatchNorm) {
    if (!binary && !act2) {
      node_fail(node, "after batch norm only the binary (1 bit, scale 1, CEIL) or 2-bit (scale 1/3, ROUND) "
                      "activation is supported");
    }
    if (uses_[node.input(0)] != 1) node_fail(node, "its batch norm output feeds other nodes too");
    const TensorKind kind = binary ? TensorKind::kBinary : TensorKind::kAct2;
    const std::vector<double>& c = builder_.acc_scale(in.layer);
    const int64_t bound = builder_.acc_bound(in.layer);
    std::vector<Quantizer> thresholds(c.size());
    for (size_t ch = 0; ch < c.size(); ++ch) {
      try {
        thresholds[ch] = fold_activation((*in.bn)[ch], c[ch], bound, kind, binary ? 1.0 : scale);
      } catch (const Error& e) {
        node_fail(node, "channel {}: {}", ch, e.what());
      }
    }
    return define(node,
                  map_value(builder_.add_activation(in.layer, kind, std::move(thresholds), binary ? 1.0 : scale)));
  }
  if (!binary) node_fail(node, "on {} only the binary CEIL quantizer (an OR gate) is supported", kind_name(in.kind));
  if (in.kind == Value::Kind::kSkipSum) {
    const std::string name = layer_name(node);
    return define(node, map_value(in.gated ? builder_.add_mux_or(name, in.tensor, in.other)
                                           : builder_.add_or(name, in.tensor, in.other)));
  }
  if (in.kind == Value::Kind::kGateInput) {
    Value v{Value::Kind::kGate};
    v.tensor = in.tensor;
    return define(node, v);
  }
  node_fail(node, "quantizes {}, which is not supported", kind_name(in.kind));
}

void Importer::conv(const NodeProto& node) {
  if (node.input_size() == 3) node_fail(node, "a bias is not supported");
  expect_io(node, 2, 2);
  check_attributes(node, {"group", "kernel_shape", "pads", "strides", "dilations", "auto_pad"});
  const Value& in = value(node, 0, Value::Kind::kMap);
  const Value& wv = value(node, 1, Value::Kind::kWeights);
  const Weights& w = *wv.weights;
  if (w.dims.size() != 4 || w.dims[2] != w.dims[3])
    node_fail(node, "weights of shape {} (expected (O, I, k, k))", onnx_shape_string(w.dims));
  const TensorInfo& x = builder_.tensor(in.tensor);
  const int k = static_cast<int>(w.dims[2]);
  if (int_attribute(node, "group", 1) != 1)
    node_fail(node, "group {} is not supported (only 1)", int_attribute(node, "group", 1));
  if (const auto* a = typed_attribute(node, "auto_pad", onnx::AttributeProto::STRING); a && a->s() != "NOTSET")
    node_fail(node, "auto_pad {} is not supported", a->s());
  if (ints_attribute(node, "dilations", {1, 1}) != std::vector<int64_t>{1, 1})
    node_fail(node, "dilated convolutions are not supported");
  if (ints_attribute(node, "kernel_shape", {k, k}) != std::vector<int64_t>{k, k})
    node_fail(node, "kernel_shape differs from the weight shape");
  if (k != 1 && k != 3) node_fail(node, "kernel {}x{} is not supported (1x1 or 3x3)", k, k);
  if (ints_attribute(node, "strides", {1, 1}) != std::vector<int64_t>{1, 1})
    node_fail(node, "only stride 1 is supported");
  const int pad = (k - 1) / 2;
  if (ints_attribute(node, "pads", {0, 0, 0, 0}) != std::vector<int64_t>(4, pad)) {
    node_fail(node, "pads must be {} on every side for a {}x{} kernel", pad, k, k);
  }
  if (w.dims[1] != x.channels)
    node_fail(node, "weights expect {} input channels, input {} has {}", w.dims[1], node.input(0), x.channels);
  if (w.dims[0] > 65536) node_fail(node, "{} output channels is too many", w.dims[0]);
  const int out = static_cast<int>(w.dims[0]);
  CodeWeights codes(out, x.channels, k, w.min_code, w.max_code);
  size_t i = 0;
  for (int o = 0; o < out; ++o) {
    for (int c = 0; c < x.channels; ++c) {
      for (int t = 0; t < k * k; ++t) codes.set_code(o, c, t / k, t % k, w.codes[i++]);
    }
  }
  std::vector<double> scale(out);
  for (int o = 0; o < out; ++o) scale[o] = w.scale[w.scale.size() > 1 ? o : 0];
  Value v{Value::Kind::kAcc};
  v.layer = builder_.add_conv(layer_name(node), in.tensor, std::move(codes), std::move(scale));
  if (builder_.acc_bound(v.layer) > (int64_t{1} << 30)) node_fail(node, "the accumulator bound exceeds 2^30");
  define(node, v);
}

void Importer::batchnorm(const NodeProto& node) {
  expect_io(node, 5, 5);
  check_attributes(node, {"epsilon", "momentum", "spatial", "training_mode"});
  if (int_attribute(node, "training_mode", 0) != 0) node_fail(node, "training mode is not supported");
  const Value& in = value(node, 0, Value::Kind::kAcc);
  if (uses_[node.input(0)] != 1) node_fail(node, "the convolution output {} feeds other nodes too", node.input(0));
  const double eps = float_attribute(node, "epsilon", 1e-5);
  const size_t channels = builder_.acc_scale(in.layer).size();
  std::vector<const OnnxConstant*> params;
  for (int i = 1; i <= 4; ++i) {
    params.push_back(&constant(node, i));
    if (params.back()->values.size() != channels) {
      node_fail(node, "parameter {} has {} values for {} channels", node.input(i), params.back()->values.size(),
                channels);
    }
  }
  auto bn = std::make_shared<std::vector<BatchNorm>>();
  for (size_t c = 0; c < channels; ++c) {
    const BatchNorm b{params[0]->values[c], params[1]->values[c], params[2]->values[c], params[3]->values[c], eps};
    if (!(b.var + b.eps > 0)) node_fail(node, "variance + epsilon of channel {} is not positive", c);
    bn->push_back(b);
  }
  Value v{Value::Kind::kBatchNorm};
  v.layer = in.layer;
  v.bn = std::move(bn);
  define(node, v);
}

void Importer::add(const NodeProto& node) {
  expect_io(node, 2, 2);
  check_attributes(node, {});
  if (find_constant(node, 1)) {
    // The classifier's bias.
    const Value& in = value(node, 0, Value::Kind::kLogits);
    const OnnxConstant& b = constant(node, 1);
    const size_t classes = builder_.tensor(in.tensor).channels;
    if (b.values.size() != classes && b.values.size() != 1)
      node_fail(node, "bias has {} values for {} classes", b.values.size(), classes);
    for (size_t k = 0; k < classes; ++k) fc_bias_[k] += b.values[b.values.size() == 1 ? 0 : k];
    return define(node, in);
  }
  const Value& a = value(node, 0, Value::Kind::kMap);
  const Value& b = value(node, 1);
  Value v{Value::Kind::kSkipSum};
  v.tensor = a.tensor;
  if (b.kind == Value::Kind::kGated) {
    v.other = b.tensor;
    v.gated = true;
  } else if (b.kind == Value::Kind::kMap) {
    v.other = b.tensor;
  } else {
    node_fail(node, "input {} is {}, expected a binary map or a gated map", node.input(1), kind_name(b.kind));
  }
  const TensorInfo& x3 = builder_.tensor(v.tensor);
  const TensorInfo& x1 = builder_.tensor(v.other);
  if (x3.kind != TensorKind::kBinary || x1.kind != TensorKind::kBinary)
    node_fail(node, "skip Adds take binary maps only");
  if (!x3.same_size(x1)) node_fail(node, "operand shapes differ");
  if (uses_[node.output(0)] != 1) node_fail(node, "a skip sum must feed one binary Quant only");
  define(node, v);
}

void Importer::sub(const NodeProto& node) {
  expect_io(node, 2, 2);
  check_attributes(node, {});
  const Value& in = value(node, 0, Value::Kind::kMean);
  if (scalar(node, 1) != 0.5) node_fail(node, "a MUX gate subtracts 0.5, not {}", scalar(node, 1));
  if (builder_.tensor(in.tensor).kind != TensorKind::kBinary) node_fail(node, "MUX gates pool binary maps only");
  Value v{Value::Kind::kGateInput};
  v.tensor = in.tensor;
  define(node, v);
}

void Importer::mul(const NodeProto& node) {
  expect_io(node, 2, 2);
  check_attributes(node, {});
  const Value& a = value(node, 0);
  if (a.kind == Value::Kind::kWeights || a.kind == Value::Kind::kMean) {
    const double s = scalar(node, 1);
    if (!(s > 0)) node_fail(node, "scale {} must be positive", s);
    if (a.kind == Value::Kind::kMean) {
      const TensorInfo& t = builder_.tensor(a.tensor);
      if (s != static_cast<double>(t.height) * t.width) {
        node_fail(node, "a global sum multiplies the mean by H*W = {}, not {}", t.height * t.width, s);
      }
      Value v{Value::Kind::kSum};
      v.tensor = builder_.add_global_sum(layer_name(node), a.tensor);
      return define(node, v);
    }
    auto w = std::make_shared<Weights>(*a.weights);
    for (double& x : w->scale) x *= s;
    Value v{Value::Kind::kWeights};
    v.weights = std::move(w);
    return define(node, v);
  }
  if (a.kind != Value::Kind::kGate)
    node_fail(node, "multiplies {}, expected quantized weights, a mean or a MUX gate", kind_name(a.kind));
  const Value& x1 = value(node, 1, Value::Kind::kMap);
  if (x1.tensor != a.tensor) node_fail(node, "the gate must multiply the map it was pooled from");
  Value v{Value::Kind::kGated};
  v.tensor = x1.tensor;
  define(node, v);
}

void Importer::clip(const NodeProto& node) {
  // n = 5: a 3-bit narrow Quant (codes -3..3) clipped to [-2s, 2s].
  expect_io(node, 3, 3);
  check_attributes(node, {});
  const Value& in = value(node, 0, Value::Kind::kWeights);
  const double lo = scalar(node, 1), hi = scalar(node, 2);
  auto w = std::make_shared<Weights>(*in.weights);
  if (w->scale.size() != 1) node_fail(node, "clipping per-channel scaled weights is not supported");
  const double s = w->scale[0];
  const double clo = lo / s, chi = hi / s;
  if (!std::isfinite(clo) || !std::isfinite(chi) || std::fabs(clo - std::round(clo)) > 1e-6 ||
      std::fabs(chi - std::round(chi)) > 1e-6 || std::round(clo) > 0 || std::round(chi) < 0) {
    node_fail(node, "clips to [{}, {}], not a whole number of weight steps ({}) around 0", lo, hi, s);
  }
  // Compared as doubles: a clip far outside the codes (fuzzing found -1e35) must not be cast to int.
  if (std::round(clo) > w->min_code) w->min_code = static_cast<int>(std::round(clo));
  if (std::round(chi) < w->max_code) w->max_code = static_cast<int>(std::round(chi));
  for (int& c : w->codes) c = std::clamp(c, w->min_code, w->max_code);
  Value v{Value::Kind::kWeights};
  v.weights = std::move(w);
  define(node, v);
}

void Importer::max_pool(const NodeProto& node) {
  expect_io(node, 1, 1);
  check_attributes(node, {"kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "storage_order"});
  const Value& in = value(node, 0, Value::Kind::kMap);
  const TensorInfo& t = builder_.tensor(in.tensor);
  if (ints_attribute(node, "kernel_shape", {}) != std::vector<int64_t>{2, 2} ||
      ints_attribute(node, "strides", {1, 1}) != std::vector<int64_t>{2, 2} ||
      ints_attribute(node, "pads", {0, 0, 0, 0}) != std::vector<int64_t>{0, 0, 0, 0} ||
      ints_attribute(node, "dilations", {1, 1}) != std::vector<int64_t>{1, 1} ||
      int_attribute(node, "ceil_mode", 0) != 0 || int_attribute(node, "storage_order", 0) != 0) {
    node_fail(node, "only 2x2 pools with stride 2 and no padding are supported");
  }
  if (const auto* a = typed_attribute(node, "auto_pad", onnx::AttributeProto::STRING); a && a->s() != "NOTSET")
    node_fail(node, "auto_pad {} is not supported", a->s());
  if (t.kind == TensorKind::kImage) node_fail(node, "pooling the image is not supported");
  if (t.height % 2 || t.width % 2)
    node_fail(node, "pools a {}x{} map (odd sizes are not supported)", t.height, t.width);
  define(node, map_value(builder_.add_max_pool(layer_name(node), in.tensor)));
}

void Importer::global_average_pool(const NodeProto& node) {
  expect_io(node, 1, 1);
  check_attributes(node, {});
  const Value& in = value(node, 0, Value::Kind::kMap);
  if (builder_.tensor(in.tensor).kind == TensorKind::kImage) node_fail(node, "pooling the image is not supported");
  Value v{Value::Kind::kMean};
  v.tensor = in.tensor;
  define(node, v);
}

void Importer::reduce_sum(const NodeProto& node) {
  expect_io(node, 1, 2);
  check_attributes(node, {"axes", "keepdims", "noop_with_empty_axes"});
  const Value& in = value(node, 0, Value::Kind::kMap);
  std::vector<int64_t> axes = ints_attribute(node, "axes", {});
  if (node.input_size() == 2) {
    for (double a : constant(node, 1).values) axes.push_back(static_cast<int64_t>(a));
  }
  for (int64_t& a : axes) a = a < 0 ? a + 4 : a;
  std::sort(axes.begin(), axes.end());
  if (axes != std::vector<int64_t>{2, 3}) node_fail(node, "only a sum over H and W (axes 2, 3) is supported");
  if (builder_.tensor(in.tensor).kind == TensorKind::kImage) node_fail(node, "summing the image is not supported");
  Value v{Value::Kind::kSum};
  v.tensor = builder_.add_global_sum(layer_name(node), in.tensor);
  define(node, v);
}

void Importer::flatten(const NodeProto& node) {
  expect_io(node, 1, 1);
  check_attributes(node, {"axis"});
  if (int_attribute(node, "axis", 1) != 1) node_fail(node, "only axis 1 is supported");
  const Value& in = value(node, 0);
  if (in.kind != Value::Kind::kMap && in.kind != Value::Kind::kSum)
    node_fail(node, "flattens {}, expected a map or sums", kind_name(in.kind));
  if (builder_.tensor(in.tensor).kind == TensorKind::kImage) node_fail(node, "flattening the image is not supported");
  Value v{Value::Kind::kFlat};
  v.tensor = in.tensor;
  define(node, v);
}

void Importer::fully_connected(const NodeProto& node, bool gemm) {
  expect_io(node, 2, gemm ? 3 : 2);
  check_attributes(node, gemm ? std::set<std::string>{"alpha", "beta", "transA", "transB"} : std::set<std::string>{});
  if (fc_layer_ >= 0) node_fail(node, "only one classifier layer is supported");
  const Value& in = value(node, 0, Value::Kind::kFlat);
  const Value& wv = value(node, 1, Value::Kind::kWeights);
  const Weights& w = *wv.weights;
  if (w.dims.size() != 2) node_fail(node, "weights of shape {} (expected 2-D)", onnx_shape_string(w.dims));
  if (w.scale.size() != 1) node_fail(node, "only a scalar weight scale is supported on the classifier");
  bool trans_b = false;
  double alpha = 1, beta = 1;
  if (gemm) {
    if (int_attribute(node, "transA", 0) != 0) node_fail(node, "transA is not supported");
    trans_b = int_attribute(node, "transB", 0) != 0;
    alpha = float_attribute(node, "alpha", 1);
    beta = float_attribute(node, "beta", 1);
    if (!(alpha > 0)) node_fail(node, "alpha {} must be positive", alpha);
  }
  const int64_t fan_in = builder_.tensor(in.tensor).elements();
  const int64_t rows = trans_b ? w.dims[1] : w.dims[0];
  const int64_t classes = trans_b ? w.dims[0] : w.dims[1];
  if (rows != fan_in) node_fail(node, "weights expect {} inputs, the flattened input has {}", rows, fan_in);
  if (classes < 1 || classes > 100000) node_fail(node, "{} classes is not supported", classes);
  CodeWeights codes(static_cast<int>(classes), static_cast<int>(fan_in), 1, w.min_code, w.max_code);
  for (int64_t k = 0; k < classes; ++k) {
    for (int64_t j = 0; j < fan_in; ++j) {
      codes.set_code(static_cast<int>(k), static_cast<int>(j), 0, 0,
                     w.codes[trans_b ? k * fan_in + j : j * classes + k]);
    }
  }
  fc_bias_.assign(classes, 0.0);
  if (node.input_size() == 3) {
    const OnnxConstant& c = constant(node, 2);
    if (c.values.size() != static_cast<size_t>(classes) && c.values.size() != 1)
      node_fail(node, "bias has {} values for {} classes", c.values.size(), classes);
    for (int64_t k = 0; k < classes; ++k) fc_bias_[k] = beta * c.values[c.values.size() == 1 ? 0 : k];
  }
  Value v{Value::Kind::kLogits};
  v.tensor = builder_.add_fc(layer_name(node), in.tensor, std::move(codes),
                             std::vector<double>(classes, alpha * w.scale[0]), std::vector<double>(classes, 0.0));
  fc_layer_ = builder_.tensor(v.tensor).producer;
  define(node, v);
}

void Importer::import_node(const NodeProto& node) {
  const std::string& op = node.op_type();
  const std::string& domain = node.domain();
  if (is_qonnx_domain(domain)) {
    if (op == "Quant") return quant(node);
    if (op == "BipolarQuant") return bipolar_quant(node);
  } else if (domain.empty() || domain == "ai.onnx") {
    if (op == "Constant") return constant_node(node);
    if (op == "Conv") return conv(node);
    if (op == "BatchNormalization") return batchnorm(node);
    if (op == "Add") return add(node);
    if (op == "Sub") return sub(node);
    if (op == "Mul") return mul(node);
    if (op == "Clip") return clip(node);
    if (op == "MaxPool") return max_pool(node);
    if (op == "GlobalAveragePool") return global_average_pool(node);
    if (op == "ReduceSum") return reduce_sum(node);
    if (op == "Flatten") return flatten(node);
    if (op == "MatMul") return fully_connected(node, false);
    if (op == "Gemm") return fully_connected(node, true);
  }
  node_fail(node, "unsupported operator {}{}", domain.empty() ? "" : domain + "::", op);
}

Network Importer::run() {
  const onnx::GraphProto& graph = model_.graph();
  start_graph(graph);
  import_input();
  for (const auto& node : graph.node()) import_node(node);
  if (graph.output_size() != 1) fail("{}: expected one graph output, got {}", origin_, graph.output_size());
  auto it = values_.find(graph.output(0).name());
  if (it == values_.end() || it->second.kind != Value::Kind::kLogits) {
    fail("{}: graph output {} is not a classifier (MatMul or Gemm on a flattened map or sums)", origin_,
         graph.output(0).name());
  }
  for (const auto& [name, v] : values_) {
    if (uses_[name] == 0) fail("{}: value {} ({}) is never used", origin_, name, kind_name(v.kind));
    if (v.kind == Value::Kind::kAcc || v.kind == Value::Kind::kBatchNorm) {
      // A conv whose batch norm never reaches an activation Quant.
      const Layer& l = builder_.layer(v.layer);
      if (l.output < 0) fail("{}: convolution {} has no activation (BatchNormalization -> Quant)", origin_, l.name);
    }
  }
  for (int l = 0; l < builder_.num_layers(); ++l) {
    if (builder_.layer(l).kind == LayerKind::kConv && builder_.layer(l).output < 0) {
      fail("{}: convolution {} has no activation (BatchNormalization -> Quant)", origin_, builder_.layer(l).name);
    }
  }
  Network net = builder_.finish(it->second.tensor);
  net.bias = fc_bias_;
  net.validate();
  return net;
}

}  // namespace

Network import_qonnx_bytes(const std::string& bytes, const std::string& origin) {
  const onnx::ModelProto model = parse_onnx_model(bytes, origin);
  return Importer(model, origin).run();
}

Network import_qonnx(const std::string& path) { return import_qonnx_bytes(read_onnx_file(path), path); }

bool is_qonnx_bytes(const std::string& bytes) {
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes) || !model.has_graph()) return false;
  for (const auto& node : model.graph().node()) {
    if (is_qonnx_domain(node.domain())) return true;
  }
  return false;
}

bool is_qonnx_file(const std::string& path) {
  try {
    return is_qonnx_bytes(read_onnx_file(path));
  } catch (const Error&) {
    return false;
  }
}

}  // namespace ernsim::heq
