#include "models/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "models/error.h"
#include "models/kernels/pixel_embedding.h"
#include "models/onnx_file.h"

namespace ernsim {

namespace {

using onnx::NodeProto;
using onnx::TensorProto;

using Constant = OnnxConstant;

// The ONNX opsets whose BatchNormalization, Conv, Add, Flatten, GlobalAveragePool and Constant
// mean what the importer reads (opset 7 gave Add numpy broadcasting and BatchNormalization its
// inference form), and the version of the official exporter's custom domain.
constexpr int64_t kMinOnnxOpset = 7;
constexpr int64_t kMaxOnnxOpset = 21;
constexpr int64_t kLmVersion = 2;

// Binary weights with their per-output-channel scale, produced by a weight quantizer node.
struct QuantizedWeights {
  BinaryWeights signs;
  std::vector<double> alpha;
};

struct BatchNorm {
  int layer;
  std::vector<double> gamma, beta, mean, var;
  double eps;
};

// What a value (an edge of the ONNX graph) is in the integer network.
struct Value {
  enum class Kind { kImage, kAct, kWeights, kStream, kBatchNorm, kClassSum } kind;
  int tensor = -1;  // kImage, kAct, kClassSum
  int layer = -1;   // kStream: the conv layer whose acc (+ residual) this is
  std::shared_ptr<const QuantizedWeights> weights;
  std::shared_ptr<const BatchNorm> batchnorm;
};

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kImage: return "the input image";
    case Value::Kind::kAct: return "a 2-bit activation";
    case Value::Kind::kWeights: return "quantized weights";
    case Value::Kind::kStream: return "a convolution or Add output";
    case Value::Kind::kBatchNorm: return "a BatchNormalization output";
    case Value::Kind::kClassSum: return "a pooled classifier output";
  }
  return "?";
}

std::string shape_string(const std::vector<int64_t>& dims) { return onnx_shape_string(dims); }

// A readable layer name from an exporter path such as "/backbone/layer1/layer1.0/conv1/Conv":
// "layer1.0.conv1".
std::string layer_name(const NodeProto& node) {
  std::string path = !node.name().empty() ? node.name() : node.output_size() ? node.output(0) : "unnamed";
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '/');) {
    if (!part.empty()) parts.push_back(part);
  }
  if (parts.size() > 1) parts.pop_back();  // the op itself
  std::vector<std::string> kept;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "backbone" && parts.size() > 1) continue;
    // "layer1/layer1.0" says the same thing twice.
    if (i + 1 < parts.size() && parts[i + 1].rfind(parts[i] + ".", 0) == 0) continue;
    kept.push_back(parts[i]);
  }
  std::string name;
  for (const std::string& part : kept) name += (name.empty() ? "" : ".") + part;
  return name.empty() ? path : name;
}

class Importer : public OnnxNodeReader {
 public:
  Importer(const onnx::ModelProto& model, std::string origin)
      : OnnxNodeReader(std::move(origin)), model_(model), builder_(network_name(origin_)) {}

  Network run();

 private:
  bool is_value(const std::string& name) const override { return values_.count(name) > 0; }
  const Value& value(const NodeProto& node, int input, Value::Kind kind) const;
  void expect_inputs(const NodeProto& node, int min_count, int max_count) const;
  void define(const NodeProto& node, Value value);
  void check_opsets();

  void import_input();
  void import_node(const NodeProto& node);
  void pixel_embedding(const NodeProto& node);
  void pixel_embedding_lut(const NodeProto& node);
  void weight_quantizer(const NodeProto& node, bool power_of_two);
  void conv(const NodeProto& node);
  void batchnorm(const NodeProto& node);
  void activation(const NodeProto& node);
  void add(const NodeProto& node);
  void global_average_pool(const NodeProto& node);
  void flatten(const NodeProto& node);

  const onnx::ModelProto& model_;
  NetworkBuilder builder_;
  std::map<std::string, Value> values_;
  int64_t onnx_opset_ = -1;
  int64_t lm_version_ = -1;
};

void Importer::expect_inputs(const NodeProto& node, int min_count, int max_count) const {
  if (node.input_size() < min_count || node.input_size() > max_count) {
    if (min_count == max_count) node_fail(node, "expected {} inputs, got {}", min_count, node.input_size());
    node_fail(node, "expected {} to {} inputs, got {}", min_count, max_count, node.input_size());
  }
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty()) node_fail(node, "input {} is empty", i);
  }
  if (node.output_size() < 1 || node.output(0).empty()) node_fail(node, "has no output");
  if (node.output_size() > 1) node_fail(node, "expected one output, got {}", node.output_size());
}

const Value& Importer::value(const NodeProto& node, int input, Value::Kind kind) const {
  const std::string& name = node.input(input);
  auto it = values_.find(name);
  if (it == values_.end()) {
    if (constants_.count(name)) node_fail(node, "input {} is a constant, expected {}", name, kind_name(kind));
    node_fail(node, "input {} is not defined (missing initializer, or nodes out of order?)", name);
  }
  if (it->second.kind != kind) {
    node_fail(node, "input {} is {}, expected {}", name, kind_name(it->second.kind), kind_name(kind));
  }
  return it->second;
}

void Importer::check_opsets() {
  for (const auto& opset : model_.opset_import()) {
    int64_t* version = opset.domain().empty() || opset.domain() == "ai.onnx" ? &onnx_opset_
                       : opset.domain() == "lm"                              ? &lm_version_
                                                                             : nullptr;
    if (!version) continue;  // a domain no node uses is harmless; a node in it is refused as unsupported
    if (*version >= 0) fail("{}: opset_import names domain \"{}\" twice", origin_, opset.domain());
    *version = opset.version();
  }
  if (onnx_opset_ < 0) fail("{}: opset_import has no version of the ONNX domain", origin_);
  if (onnx_opset_ < kMinOnnxOpset || onnx_opset_ > kMaxOnnxOpset) {
    fail("{}: ONNX opset {} is not supported ({} to {}; the official exporter writes 11)", origin_, onnx_opset_,
         kMinOnnxOpset, kMaxOnnxOpset);
  }
}

void Importer::define(const NodeProto& node, Value value) {
  if (node.output_size() != 1) node_fail(node, "expected one output, got {}", node.output_size());
  if (values_.count(node.output(0)) || constants_.count(node.output(0))) {
    node_fail(node, "output {} is defined twice", node.output(0));
  }
  values_[node.output(0)] = std::move(value);
}

void Importer::import_input() {
  const onnx::ValueInfoProto* image = &image_input(model_.graph());
  const auto& type = image->type().tensor_type();
  if (type.elem_type() != TensorProto::UINT8) {
    fail("{}: input {} must be uint8 pixels (element type {})", origin_, image->name(), type.elem_type());
  }
  const auto& dims = type.shape().dim();
  if (dims.size() != 4) fail("{}: input {} must be N x 3 x H x W", origin_, image->name());
  std::vector<int64_t> chw;
  for (int i = 1; i < 4; ++i) {
    if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0) {
      fail("{}: input {} dimension {} must be a fixed positive size", origin_, image->name(), i);
    }
    if (dims[i].dim_value() > 8192) {
      fail("{}: input {} dimension {} is {}, more than the supported 8192", origin_, image->name(), i,
           dims[i].dim_value());
    }
    chw.push_back(dims[i].dim_value());
  }
  if (chw[0] != 3) {
    fail("{}: input {} has {} colour channels; ERN images are N x 3 x H x W", origin_, image->name(), chw[0]);
  }
  const int tensor = builder_.add_image(static_cast<int>(chw[0]), static_cast<int>(chw[1]), static_cast<int>(chw[2]));
  Value v;
  v.kind = Value::Kind::kImage;
  v.tensor = tensor;
  values_[image->name()] = v;
}

void Importer::pixel_embedding(const NodeProto& node) {
  expect_inputs(node, 3, 3);
  check_attributes(node, {"k", "max_val", "out_channels_list"});
  const Value& image = value(node, 0, Value::Kind::kImage);
  const Constant& weight = real_constant(node, 1);
  const Constant& bias = real_constant(node, 2);
  const TensorInfo& in = builder_.tensor(image.tensor);
  if (!attribute(node, "k")) node_fail(node, "attribute k (output bits) is missing");
  if (int_attribute(node, "k", 0) != 2) node_fail(node, "only 2-bit outputs (k = 2) are supported");
  if (int_attribute(node, "max_val", 255) != 255) node_fail(node, "only 8-bit pixels (max_val = 255) are supported");
  if (weight.dims.size() != 5 || weight.dims[0] != 1 || weight.dims[1] != in.channels || weight.dims[3] != 1 ||
      weight.dims[4] != 1) {
    node_fail(node, "weight has shape {}, expected (1, {}, k, 1, 1)", shape_string(weight.dims), in.channels);
  }
  if (bias.dims != weight.dims) {
    node_fail(node, "bias shape {} differs from weight shape {}", shape_string(bias.dims), shape_string(weight.dims));
  }
  const int per_colour = static_cast<int>(weight.dims[2]);
  const std::vector<int64_t> channels_list =
      ints_attribute(node, "out_channels_list", std::vector<int64_t>(in.channels, per_colour));
  if (channels_list != std::vector<int64_t>(in.channels, per_colour)) {
    node_fail(node, "out_channels_list must give {} channels for each of the {} colours", per_colour, in.channels);
  }
  std::vector<int> source;
  std::vector<std::array<uint8_t, 256>> tables;
  for (int colour = 0; colour < in.channels; ++colour) {
    for (int j = 0; j < per_colour; ++j) {
      const size_t i = static_cast<size_t>(colour) * per_colour + j;
      source.push_back(colour);
      tables.push_back(thermometer_table(static_cast<float>(weight.values[i]), static_cast<float>(bias.values[i])));
    }
  }
  Value v;
  v.kind = Value::Kind::kAct;
  v.tensor = builder_.add_pixel_embedding(layer_name(node), image.tensor, std::move(source), std::move(tables));
  define(node, v);
}

// A learned lookup table (the Pixel Embedding paper): table[colour, j, value] is the 2-bit level
// of output channel colour * k + j for pixel value `value`, any level for any value.
void Importer::pixel_embedding_lut(const NodeProto& node) {
  expect_inputs(node, 2, 2);
  check_attributes(node, {});
  const Value& image = value(node, 0, Value::Kind::kImage);
  const Constant& table = constant(node, 1);
  const TensorInfo& in = builder_.tensor(image.tensor);
  if (table.dims.size() != 3 || table.dims[0] != in.channels || table.dims[1] < 1 || table.dims[1] > 64 ||
      table.dims[2] != 256) {
    node_fail(node, "table has shape {}, expected ({}, k, 256) with k in 1..64", shape_string(table.dims), in.channels);
  }
  const int per_colour = static_cast<int>(table.dims[1]);
  std::vector<int> source;
  std::vector<std::array<uint8_t, 256>> tables;
  for (int colour = 0; colour < in.channels; ++colour) {
    for (int j = 0; j < per_colour; ++j) {
      source.push_back(colour);
      std::array<uint8_t, 256>& levels = tables.emplace_back();
      for (int x = 0; x < 256; ++x) {
        const double q = table.values[(static_cast<size_t>(colour) * per_colour + j) * 256 + x];
        if (!(q == 0 || q == 1 || q == 2 || q == 3)) {
          node_fail(node, "table entry ({}, {}, {}) is {}, expected a 2-bit level 0, 1, 2 or 3", colour, j, x, q);
        }
        levels[static_cast<size_t>(x)] = static_cast<uint8_t>(q);
      }
    }
  }
  Value v;
  v.kind = Value::Kind::kAct;
  v.tensor = builder_.add_pixel_embedding(layer_name(node), image.tensor, std::move(source), std::move(tables));
  define(node, v);
}

void Importer::weight_quantizer(const NodeProto& node, bool power_of_two) {
  expect_inputs(node, power_of_two ? 2 : 1, power_of_two ? 2 : 1);
  check_attributes(node, {});
  const Constant& w = real_constant(node, 0);
  if (w.dims.size() != 4 || w.dims[2] != w.dims[3] || w.dims[0] <= 0 || w.dims[1] <= 0) {
    node_fail(node, "weight has shape {}, expected (out, in, k, k)", shape_string(w.dims));
  }
  const int out = static_cast<int>(w.dims[0]), in = static_cast<int>(w.dims[1]);
  const int k = static_cast<int>(w.dims[2]);
  auto q = std::make_shared<QuantizedWeights>();
  q->signs = BinaryWeights(out, in, k);
  q->alpha.resize(out);
  double p = 0;
  if (power_of_two) {
    p = scalar(node, 1);  // the exporter writes an integer
    if (!(p > 0)) node_fail(node, "scaling constant p = {} must be positive", p);
  }
  for (int o = 0; o < out; ++o) {
    double sum_abs = 0;
    for (int i = 0; i < in; ++i) {
      for (int ky = 0; ky < k; ++ky) {
        for (int kx = 0; kx < k; ++kx) {
          const double x = w.values[((static_cast<size_t>(o) * in + i) * k + ky) * k + kx];
          q->signs.set_sign(o, i, ky, kx, x >= 0 ? +1 : -1);  // sign(0) = +1
          sum_abs += std::fabs(x);
        }
      }
    }
    // Channel-wise mean scaling: alpha_o = mean |W_o|; power-of-2 scaling: alpha = 1 / p.
    q->alpha[o] = power_of_two ? 1.0 / p : sum_abs / (static_cast<double>(in) * k * k);
    if (!(q->alpha[o] > 0)) node_fail(node, "output channel {} has all-zero weights (scale 0)", o);
  }
  Value v;
  v.kind = Value::Kind::kWeights;
  v.weights = std::move(q);
  define(node, v);
}

void Importer::conv(const NodeProto& node) {
  if (node.input_size() == 3) node_fail(node, "a bias is not supported (ERN convolutions have none)");
  expect_inputs(node, 2, 2);
  check_attributes(node, {"group", "kernel_shape", "pads", "strides", "dilations", "auto_pad"});
  const Value& in = value(node, 0, Value::Kind::kAct);
  const Value& w = value(node, 1, Value::Kind::kWeights);
  const TensorInfo& x = builder_.tensor(in.tensor);
  const BinaryWeights& signs = w.weights->signs;
  const int k = signs.kernel();
  const int64_t group = int_attribute(node, "group", 1);
  if (group != 1) node_fail(node, "group {} is not supported (only 1)", group);
  if (const auto* a = typed_attribute(node, "auto_pad", onnx::AttributeProto::STRING); a && a->s() != "NOTSET") {
    node_fail(node, "auto_pad {} is not supported", a->s());
  }
  if (ints_attribute(node, "dilations", {1, 1}) != std::vector<int64_t>{1, 1}) {
    node_fail(node, "dilated convolutions are not supported");
  }
  if (ints_attribute(node, "kernel_shape", {k, k}) != std::vector<int64_t>{k, k}) {
    node_fail(node, "kernel_shape differs from the weight shape");
  }
  if (k != 1 && k != 3) node_fail(node, "kernel {}x{} is not supported (1x1 or 3x3)", k, k);
  const std::vector<int64_t> strides = ints_attribute(node, "strides", {1, 1});
  if (strides.size() != 2 || strides[0] != strides[1] || (strides[0] != 1 && strides[0] != 2)) {
    node_fail(node, "strides {} not supported (1 or 2, equal in both axes)", shape_string(strides));
  }
  const int pad = (k - 1) / 2;
  if (ints_attribute(node, "pads", {0, 0, 0, 0}) != std::vector<int64_t>(4, pad)) {
    node_fail(node, "pads must be {} on every side for a {}x{} kernel", pad, k, k);
  }
  if (signs.in_channels() != x.channels) {
    node_fail(node, "weights expect {} input channels, input {} has {}", signs.in_channels(), node.input(0),
              x.channels);
  }
  if (conv_out_size(x.height, k, static_cast<int>(strides[0]), pad) <= 0 ||
      conv_out_size(x.width, k, static_cast<int>(strides[0]), pad) <= 0) {
    node_fail(node, "input {}x{} is too small", x.height, x.width);
  }
  Value v;
  v.kind = Value::Kind::kStream;
  v.layer = builder_.add_conv(layer_name(node), in.tensor, signs, static_cast<int>(strides[0]), pad, w.weights->alpha);
  define(node, v);
}

void Importer::batchnorm(const NodeProto& node) {
  expect_inputs(node, 5, 5);
  check_attributes(node, {"epsilon", "momentum", "spatial", "training_mode"});
  // spatial (per-channel statistics) exists before opset 9, training_mode from opset 14.
  if (attribute(node, "spatial") && onnx_opset_ >= 9) {
    node_fail(node, "attribute spatial does not exist in opset {}", onnx_opset_);
  }
  if (int_attribute(node, "spatial", 1) != 1) node_fail(node, "spatial = 0 (per-element statistics) is not supported");
  if (attribute(node, "training_mode") && onnx_opset_ < 14) {
    node_fail(node, "attribute training_mode does not exist in opset {}", onnx_opset_);
  }
  if (int_attribute(node, "training_mode", 0) != 0) node_fail(node, "training mode is not supported");
  float_attribute(node, "momentum", 0.9);  // training only, but it must be a valid FLOAT
  if (node.output_size() > 1) node_fail(node, "only the inference form (one output) is supported");
  const Value& in = value(node, 0, Value::Kind::kStream);
  auto bn = std::make_shared<BatchNorm>();
  bn->layer = in.layer;
  bn->eps = float_attribute(node, "epsilon", 1e-5);
  if (bn->eps < 0) node_fail(node, "epsilon = {} is negative", bn->eps);
  const int channels = static_cast<int>(builder_.stream_scale(in.layer).size());
  std::vector<double>* params[] = {&bn->gamma, &bn->beta, &bn->mean, &bn->var};
  for (int i = 0; i < 4; ++i) {
    const Constant& c = real_constant(node, i + 1);
    if (c.values.size() != static_cast<size_t>(channels)) {
      node_fail(node, "parameter {} has {} values for {} channels", node.input(i + 1), c.values.size(), channels);
    }
    *params[i] = c.values;
  }
  for (int ch = 0; ch < channels; ++ch) {
    if (!(bn->var[ch] + bn->eps > 0)) node_fail(node, "variance + epsilon of channel {} is not positive", ch);
  }
  Value v;
  v.kind = Value::Kind::kBatchNorm;
  v.batchnorm = std::move(bn);
  define(node, v);
}

void Importer::activation(const NodeProto& node) {
  expect_inputs(node, 7, 7);
  check_attributes(node, {});
  const Value& in = value(node, 0, Value::Kind::kBatchNorm);
  const BatchNorm& bn = *in.batchnorm;
  const double min = scalar(node, 1), max = scalar(node, 2);
  const double scale1 = real_scalar(node, 3), scale2 = real_scalar(node, 4);
  const double beta1 = real_scalar(node, 5), beta2 = real_scalar(node, 6);
  if (min != 0 || max != 3)
    node_fail(node, "only 2-bit activations (min 0, max 3) are supported, got [{}, {}]", min, max);
  if (!(scale1 > 0) || !(scale2 > 0)) node_fail(node, "scales must be positive (scale1 {}, scale2 {})", scale1, scale2);
  if (beta2 != 0) node_fail(node, "an output offset (beta2 = {}) is not supported", beta2);
  if (uses_[node.input(0)] != 1) node_fail(node, "its batch norm output feeds other nodes too");
  const std::vector<double>& c = builder_.stream_scale(bn.layer);
  const int64_t bound = builder_.stream_bound(bn.layer);
  std::vector<Quantizer> quantizers(c.size());
  for (size_t ch = 0; ch < c.size(); ++ch) {
    const BatchNormAct params{bn.gamma[ch], bn.beta[ch], bn.mean[ch], bn.var[ch], bn.eps, scale1, beta1};
    quantizers[ch] = fold_batchnorm(params, c[ch], bound);
  }
  if (builder_.layer(bn.layer).out_act >= 0) {
    node_fail(node, "layer {} already feeds another activation", builder_.layer(bn.layer).name);
  }
  Value v;
  v.kind = Value::Kind::kAct;
  v.tensor = builder_.add_activation(bn.layer, std::move(quantizers), scale2);
  define(node, v);
}

void Importer::add(const NodeProto& node) {
  expect_inputs(node, 2, 2);
  check_attributes(node, {});
  const Value& a = value(node, 0, Value::Kind::kStream);
  const Value& b = value(node, 1, Value::Kind::kStream);
  if (a.layer == b.layer) node_fail(node, "adds a value to itself");
  const std::vector<double>& sa = builder_.stream_scale(a.layer);
  const std::vector<double>& sb = builder_.stream_scale(b.layer);
  auto channels = [&](int layer) { return builder_.layer(layer).weights.out_channels(); };
  if (channels(a.layer) != channels(b.layer) || builder_.stream_height(a.layer) != builder_.stream_height(b.layer) ||
      builder_.stream_width(a.layer) != builder_.stream_width(b.layer)) {
    node_fail(node, "operand shapes differ ({}x{}x{} and {}x{}x{})", channels(a.layer), builder_.stream_height(a.layer),
              builder_.stream_width(a.layer), channels(b.layer), builder_.stream_height(b.layer),
              builder_.stream_width(b.layer));
  }
  for (size_t ch = 0; ch < sa.size(); ++ch) {
    // The integer stream adds plain integers: both operands must be in the same unit.
    if (std::fabs(sa[ch] - sb[ch]) > 1e-12 * std::max(std::fabs(sa[ch]), std::fabs(sb[ch]))) {
      node_fail(node,
                "operands have different scales ({} and {} in channel {}); an integer residual "
                "add needs the same scale on both",
                sa[ch], sb[ch], ch);
    }
  }
  // The later conv adds the earlier one's stream; its pre-add value must have no other reader.
  const bool a_later = a.layer > b.layer;
  const int later = a_later ? a.layer : b.layer;
  const int earlier = a_later ? b.layer : a.layer;
  const std::string& later_input = node.input(a_later ? 0 : 1);
  const Layer& fused = builder_.layer(later);
  if (uses_[later_input] != 1 || fused.residual >= 0 || !fused.outputs().empty()) {
    node_fail(node, "cannot fuse the add into {}: its value {} is also used elsewhere", fused.name, later_input);
  }
  builder_.add_residual(later, earlier);
  Value v;
  v.kind = Value::Kind::kStream;
  v.layer = later;
  define(node, v);
}

void Importer::global_average_pool(const NodeProto& node) {
  expect_inputs(node, 1, 1);
  check_attributes(node, {});
  const Value& in = value(node, 0, Value::Kind::kStream);
  const Layer& layer = builder_.layer(in.layer);
  if (layer.residual >= 0 || !layer.outputs().empty() || uses_[node.input(0)] != 1) {
    node_fail(node, "must pool the classifier conv's output directly");
  }
  Value v;
  v.kind = Value::Kind::kClassSum;
  v.tensor = builder_.add_class_sum(in.layer);
  define(node, v);
}

void Importer::flatten(const NodeProto& node) {
  expect_inputs(node, 1, 1);
  check_attributes(node, {"axis"});
  if (int_attribute(node, "axis", 1) != 1) node_fail(node, "only axis 1 is supported");
  Value v = value(node, 0, Value::Kind::kClassSum);
  define(node, v);
}

void Importer::import_node(const NodeProto& node) {
  const std::string& op = node.op_type();
  const std::string& domain = node.domain();
  if (domain.empty() || domain == "ai.onnx") {
    if (op == "Constant") return constant_node(node);
    if (op == "Conv") return conv(node);
    if (op == "BatchNormalization") return batchnorm(node);
    if (op == "Add") return add(node);
    if (op == "GlobalAveragePool") return global_average_pool(node);
    if (op == "Flatten") return flatten(node);
  } else if (domain == "lm") {
    if (lm_version_ != kLmVersion) {
      node_fail(node, "custom domain lm version {} is not supported (version {}, as the official exporter writes)",
                lm_version_ < 0 ? "(none in opset_import)" : std::to_string(lm_version_), kLmVersion);
    }
    if (op == "PixelEmbeddingV3") return pixel_embedding(node);
    if (op == "PixelEmbeddingLUT") return pixel_embedding_lut(node);
    if (op == "BinaryChannelWiseMeanScalingQuantizer") return weight_quantizer(node, false);
    if (op == "BinaryPower2ScalingQuantizer") return weight_quantizer(node, true);
    if (op == "LinearMidTreadHalfV2") return activation(node);
  }
  node_fail(node, "unsupported operator {}{}", domain.empty() ? "" : domain + "::", op);
}

Network Importer::run() {
  const onnx::GraphProto& graph = model_.graph();
  check_opsets();
  start_graph(graph);
  import_input();
  for (const auto& node : graph.node()) import_node(node);

  if (graph.output_size() != 1) fail("{}: expected one graph output, got {}", origin_, graph.output_size());
  auto it = values_.find(graph.output(0).name());
  if (it == values_.end() || it->second.kind != Value::Kind::kClassSum) {
    fail("{}: graph output {} is not a pooled classifier (Conv -> GlobalAveragePool -> Flatten)", origin_,
         graph.output(0).name());
  }
  for (int l = 0; l < builder_.num_layers(); ++l) {
    if (builder_.layer(l).outputs().empty()) {
      fail("{}: the output of layer {} is never used", origin_, builder_.layer(l).name);
    }
  }
  return builder_.finish(it->second.tensor);
}

}  // namespace

Network import_onnx_bytes(const std::string& bytes, const std::string& origin) {
  const onnx::ModelProto model = parse_onnx_model(bytes, origin);
  return Importer(model, origin).run();
}

Network import_onnx(const std::string& path) { return import_onnx_bytes(read_onnx_file(path), path); }

}  // namespace ernsim
