// Reading ONNX files, shared by the ERN importer (models/onnx_import.cc) and the QONNX importer
// (models/heq/qonnx_import.cc): the bounded file read, the protobuf parse, and constant tensors
// as float64 values with every size and value checked.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ernsim {

// The bytes of a model file; refuses directories, non-regular files and files over 2 GiB.
std::string read_onnx_file(const std::string& path);

// Parses a model; throws Error naming `origin` when the bytes are not an ONNX model with a graph.
onnx::ModelProto parse_onnx_model(const std::string& bytes, const std::string& origin);

// A constant tensor (initializer or Constant node) as float64 values.
struct OnnxConstant {
  std::vector<int64_t> dims;
  std::vector<double> values;
};

// Reads FLOAT, DOUBLE, INT32 and INT64 tensors (raw or typed data); throws Error prefixed by
// "origin: what: " on external data, a bad shape, a size mismatch or a non-finite value.
OnnxConstant read_onnx_tensor(const onnx::TensorProto& t, const std::string& origin, const std::string& what);

// "(2, 3)", "(4,)".
std::string onnx_shape_string(const std::vector<int64_t>& dims);

}  // namespace ernsim
