#include "models/onnx_file.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include "models/error.h"
#include "models/input_file.h"

namespace ernsim {

std::string read_onnx_file(const std::string& path) { return read_input_file(path, "ONNX model", kMaxOnnxBytes); }

onnx::ModelProto parse_onnx_model(const std::string& bytes, const std::string& origin) {
  onnx::ModelProto model;
  if (bytes.empty()) fail("{}: empty file, not an ONNX model", origin);
  if (!model.ParseFromString(bytes)) fail("{}: not a valid ONNX model (protobuf parse failed)", origin);
  if (!model.has_graph()) fail("{}: not an ONNX model (no graph)", origin);
  return model;
}

std::string onnx_shape_string(const std::vector<int64_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

OnnxConstant read_onnx_tensor(const onnx::TensorProto& t, const std::string& origin, const std::string& what) {
  using onnx::TensorProto;
  OnnxConstant c;
  c.data_type = t.data_type();
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || d > (int64_t{1} << 31)) fail("{}: {}: bad tensor dimension {}", origin, what, d);
    c.dims.push_back(d);
    count *= d;
    if (count > (int64_t{1} << 31)) fail("{}: {}: tensor too large", origin, what);
  }
  if (t.data_location() == TensorProto::EXTERNAL) {
    fail("{}: {}: external tensor data is not supported", origin, what);
  }
  const bool raw = t.has_raw_data();
  auto check_count = [&](int64_t have) {
    if (have != count) {
      fail("{}: {}: tensor {} holds {} values, its shape {} needs {}", origin, what, t.name(), have,
           onnx_shape_string(c.dims), count);
    }
  };
  auto from_raw = [&](auto sample) {
    using T = decltype(sample);
    check_count(static_cast<int64_t>(t.raw_data().size() / sizeof(T)));
    if (t.raw_data().size() % sizeof(T) != 0) fail("{}: {}: truncated raw tensor data", origin, what);
    c.values.resize(count);
    for (int64_t i = 0; i < count; ++i) {
      T v;
      std::memcpy(&v, t.raw_data().data() + i * sizeof(T), sizeof(T));
      c.values[i] = static_cast<double>(v);
    }
  };
  switch (t.data_type()) {
    case TensorProto::FLOAT:
      if (raw) {
        from_raw(float{});
      } else {
        check_count(t.float_data_size());
        c.values.assign(t.float_data().begin(), t.float_data().end());
      }
      break;
    case TensorProto::DOUBLE:
      if (raw) {
        from_raw(double{});
      } else {
        check_count(t.double_data_size());
        c.values.assign(t.double_data().begin(), t.double_data().end());
      }
      break;
    case TensorProto::INT32:
      if (raw) {
        from_raw(int32_t{});
      } else {
        check_count(t.int32_data_size());
        c.values.assign(t.int32_data().begin(), t.int32_data().end());
      }
      break;
    case TensorProto::INT64:
      if (raw) {
        from_raw(int64_t{});
      } else {
        check_count(t.int64_data_size());
        c.values.assign(t.int64_data().begin(), t.int64_data().end());
      }
      break;
    default: fail("{}: {}: tensor {} has unsupported data type {}", origin, what, t.name(), t.data_type());
  }
  for (double v : c.values) {
    if (!std::isfinite(v)) fail("{}: {}: tensor {} holds a non-finite value", origin, what, t.name());
  }
  return c;
}

std::string OnnxNodeReader::network_name(const std::string& origin) {
  std::string base = origin.substr(origin.find_last_of('/') + 1);
  const size_t dot = base.rfind(".onnx");
  return dot == std::string::npos ? base : base.substr(0, dot);
}

std::string OnnxNodeReader::node_label(const onnx::NodeProto& node) const {
  const std::string name = !node.name().empty() ? node.name() : node.output_size() ? node.output(0) : "(unnamed)";
  return fmt::format("node {} ({})", name, node.op_type());
}

const onnx::AttributeProto* OnnxNodeReader::attribute(const onnx::NodeProto& node, const std::string& name) const {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

void OnnxNodeReader::check_attributes(const onnx::NodeProto& node, const std::set<std::string>& known) const {
  for (const auto& a : node.attribute()) {
    if (!known.count(a.name())) node_fail(node, "unsupported attribute {}", a.name());
  }
}

namespace {

const char* attribute_type_name(int type) {
  switch (type) {
    case onnx::AttributeProto::FLOAT: return "FLOAT";
    case onnx::AttributeProto::INT: return "INT";
    case onnx::AttributeProto::STRING: return "STRING";
    case onnx::AttributeProto::TENSOR: return "TENSOR";
    case onnx::AttributeProto::FLOATS: return "FLOATS";
    case onnx::AttributeProto::INTS: return "INTS";
    case onnx::AttributeProto::STRINGS: return "STRINGS";
    default: return "another type";
  }
}

}  // namespace

const onnx::AttributeProto* OnnxNodeReader::typed_attribute(const onnx::NodeProto& node, const std::string& name,
                                                            onnx::AttributeProto::AttributeType type) const {
  const onnx::AttributeProto* a = attribute(node, name);
  if (a && a->type() != type) {
    node_fail(node, "attribute {} must be {}, is {}", name, attribute_type_name(type), attribute_type_name(a->type()));
  }
  return a;
}

int64_t OnnxNodeReader::int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback) const {
  const onnx::AttributeProto* a = typed_attribute(node, name, onnx::AttributeProto::INT);
  return a ? a->i() : fallback;
}

double OnnxNodeReader::float_attribute(const onnx::NodeProto& node, const std::string& name, double fallback) const {
  const onnx::AttributeProto* a = typed_attribute(node, name, onnx::AttributeProto::FLOAT);
  if (a && !std::isfinite(a->f())) node_fail(node, "attribute {} = {} is not finite", name, a->f());
  return a ? a->f() : fallback;
}

std::vector<int64_t> OnnxNodeReader::ints_attribute(const onnx::NodeProto& node, const std::string& name,
                                                    std::vector<int64_t> fallback) const {
  const onnx::AttributeProto* a = typed_attribute(node, name, onnx::AttributeProto::INTS);
  if (!a) return fallback;
  return {a->ints().begin(), a->ints().end()};
}

void OnnxNodeReader::start_graph(const onnx::GraphProto& graph) {
  if (graph.node_size() == 0) fail("{}: the ONNX model has no graph nodes", origin_);
  if (graph.sparse_initializer_size() > 0) fail("{}: sparse initializers are not supported", origin_);
  for (const auto& t : graph.initializer()) {
    if (t.name().empty()) fail("{}: an initializer has no name", origin_);
    if (constants_.count(t.name())) fail("{}: initializer {} is defined twice", origin_, t.name());
    constants_[t.name()] = read_onnx_tensor(t, origin_, fmt::format("initializer {}", t.name()));
  }
  for (const auto& node : graph.node()) {
    for (const auto& in : node.input()) ++uses_[in];
  }
  for (const auto& out : graph.output()) ++uses_[out.name()];
}

const onnx::ValueInfoProto& OnnxNodeReader::image_input(const onnx::GraphProto& graph) const {
  std::set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());
  const onnx::ValueInfoProto* image = nullptr;
  for (const auto& in : graph.input()) {
    if (initializers.count(in.name())) continue;
    if (image) fail("{}: more than one graph input ({} and {})", origin_, image->name(), in.name());
    image = &in;
  }
  if (!image) fail("{}: the graph has no image input", origin_);
  if (!image->type().has_tensor_type()) fail("{}: input {} is not a tensor", origin_, image->name());
  return *image;
}

void OnnxNodeReader::constant_node(const onnx::NodeProto& node) {
  check_attributes(node, {"value"});
  const auto* a = typed_attribute(node, "value", onnx::AttributeProto::TENSOR);
  if (!a || !a->has_t()) node_fail(node, "only tensor constants are supported");
  if (node.output_size() != 1 || node.output(0).empty()) node_fail(node, "expected one output");
  if (is_value(node.output(0)) || constants_.count(node.output(0))) {
    node_fail(node, "output {} is defined twice", node.output(0));
  }
  constants_[node.output(0)] = read_onnx_tensor(a->t(), origin_, node_label(node));
}

const OnnxConstant* OnnxNodeReader::find_constant(const onnx::NodeProto& node, int input) const {
  auto it = constants_.find(node.input(input));
  return it == constants_.end() ? nullptr : &it->second;
}

const OnnxConstant& OnnxNodeReader::constant(const onnx::NodeProto& node, int input) const {
  if (const OnnxConstant* c = find_constant(node, input)) return *c;
  const std::string& name = node.input(input);
  if (is_value(name)) node_fail(node, "input {} must be a constant (initializer)", name);
  node_fail(node, "input {} is not defined (missing initializer?)", name);
}

const OnnxConstant& OnnxNodeReader::real_constant(const onnx::NodeProto& node, int input) const {
  const OnnxConstant& c = constant(node, input);
  if (!c.floating()) {
    node_fail(node, "input {} must hold real numbers (FLOAT or DOUBLE), has data type {}", node.input(input),
              onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(c.data_type)));
  }
  return c;
}

double OnnxNodeReader::real_scalar(const onnx::NodeProto& node, int input) const {
  real_constant(node, input);
  return scalar(node, input);
}

double OnnxNodeReader::scalar(const onnx::NodeProto& node, int input) const {
  const OnnxConstant& c = constant(node, input);
  if (c.values.size() != 1) {
    node_fail(node, "input {} must be a scalar, has shape {}", node.input(input), onnx_shape_string(c.dims));
  }
  return c.values[0];
}

}  // namespace ernsim
