// Reading ONNX files, shared by the ERN importer (models/onnx_import.cc) and the QONNX importer
// (models/heq/qonnx_import.cc): the bounded file read, the protobuf parse, and constant tensors
// as float64 values with every size and value checked.
#pragma once

#include <onnx/onnx_pb.h>

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/error.h"

namespace ernsim {

// The bytes of a model file (models/input_file.h: a regular file of at most 2 GiB).
std::string read_onnx_file(const std::string& path);

// Parses a model; throws Error naming `origin` when the bytes are not an ONNX model with a graph.
onnx::ModelProto parse_onnx_model(const std::string& bytes, const std::string& origin);

// A constant tensor (initializer or Constant node) as float64 values.
struct OnnxConstant {
  std::vector<int64_t> dims;
  std::vector<double> values;
  int32_t data_type = 0;  // onnx::TensorProto::DataType
  bool floating() const { return data_type == onnx::TensorProto::FLOAT || data_type == onnx::TensorProto::DOUBLE; }
};

// Reads FLOAT, DOUBLE, INT32 and INT64 tensors (raw or typed data); throws Error prefixed by
// "origin: what: " on external data, a bad shape, a size mismatch or a non-finite value.
OnnxConstant read_onnx_tensor(const onnx::TensorProto& t, const std::string& origin, const std::string& what);

// "(2, 3)", "(4,)".
std::string onnx_shape_string(const std::vector<int64_t>& dims);

// What both importers do with nodes: name them in errors, check their attributes, and read their
// constant inputs (initializers and Constant nodes). An importer derives from it and says which
// names are computed values (its own value map).
class OnnxNodeReader {
 public:
  explicit OnnxNodeReader(std::string origin) : origin_(std::move(origin)) {}
  virtual ~OnnxNodeReader() = default;

 protected:
  // The network's name: the file name without directory and ".onnx".
  static std::string network_name(const std::string& origin);
  // "node NAME (OP)", named by its name, else its first output; a fuzzed node may have neither.
  std::string node_label(const onnx::NodeProto& node) const;
  template <typename... Args>
  [[noreturn]] void node_fail(const onnx::NodeProto& node, fmt::format_string<Args...> format, Args&&... args) const {
    fail("{}: {}: {}", origin_, node_label(node), fmt::format(format, std::forward<Args>(args)...));
  }
  virtual bool is_value(const std::string& name) const = 0;

  const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const std::string& name) const;
  void check_attributes(const onnx::NodeProto& node, const std::set<std::string>& known) const;
  // Typed attributes: one of another type than the ONNX operator defines is refused, never read as 0.
  const onnx::AttributeProto* typed_attribute(const onnx::NodeProto& node, const std::string& name,
                                              onnx::AttributeProto::AttributeType type) const;
  int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback) const;
  // A FLOAT attribute; a non-finite one is refused.
  double float_attribute(const onnx::NodeProto& node, const std::string& name, double fallback) const;
  std::vector<int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name,
                                      std::vector<int64_t> fallback) const;

  // Refuses a graph without nodes, sparse, unnamed or duplicate initializers (which of two a runtime
  // uses is undefined), reads every initializer as a constant and counts the readers of every name
  // (graph outputs included) into uses_.
  void start_graph(const onnx::GraphProto& graph);
  // The one graph input that is not an initializer (the image), as a tensor; anything else is refused.
  const onnx::ValueInfoProto& image_input(const onnx::GraphProto& graph) const;
  // A Constant node (a tensor value) as a constant.
  void constant_node(const onnx::NodeProto& node);
  const OnnxConstant* find_constant(const onnx::NodeProto& node, int input) const;
  const OnnxConstant& constant(const onnx::NodeProto& node, int input) const;
  // A constant that must hold real numbers (FLOAT or DOUBLE), as weights and scales do.
  const OnnxConstant& real_constant(const onnx::NodeProto& node, int input) const;
  double scalar(const onnx::NodeProto& node, int input) const;
  double real_scalar(const onnx::NodeProto& node, int input) const;

  std::string origin_;
  std::map<std::string, OnnxConstant> constants_;
  std::map<std::string, int> uses_;
};

}  // namespace ernsim
