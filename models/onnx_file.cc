#include "models/onnx_file.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/error.h"

namespace ernsim {

std::string read_onnx_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail("{}: is a directory, not an ONNX model", path);
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) fail("{}: not a regular file", path);
  // Exported models are tens of MB at most; a file beyond this is not a model to read into memory.
  constexpr uintmax_t kMaxModelBytes = uintmax_t{2} << 30;
  const uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxModelBytes) fail("{}: {} bytes is too large for an ONNX model (limit 2 GiB)", path, size);
  std::ifstream file(path, std::ios::binary);
  if (!file) fail("{}: cannot open ONNX model ({})", path, std::strerror(errno));
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (file.bad()) fail("{}: cannot read ONNX model", path);
  return bytes.str();
}

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
    default:
      fail("{}: {}: tensor {} has unsupported data type {}", origin, what, t.name(), t.data_type());
  }
  for (double v : c.values) {
    if (!std::isfinite(v)) fail("{}: {}: tensor {} holds a non-finite value", origin, what, t.name());
  }
  return c;
}

}  // namespace ernsim
