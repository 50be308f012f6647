// NumPy .npy files: the exchange format for images, weights and reference outputs shared with the
// Python tooling. Only what ernsim needs is supported: C-order, little-endian arrays of uint8,
// int32, float32, int64 and float64, in format versions 1.0, 2.0 and 3.0. Anything else, and any
// corrupt or truncated file, is reported as an ernsim::Error naming the file.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ernsim {

enum class NpyType { kUint8, kInt32, kFloat32, kInt64, kFloat64 };

// "uint8", "int32", "float32", "int64", "float64".
const char* npy_type_name(NpyType type);
// The descr numpy writes for the type: '|u1', '<i4', '<f4', '<i8', '<f8'.
const char* npy_descr(NpyType type);
size_t npy_item_size(NpyType type);

// The C++ element type of each NpyType, for NpyArray::values().
template <typename T>
struct NpyTypeOf;
template <>
struct NpyTypeOf<uint8_t> {
  static constexpr NpyType value = NpyType::kUint8;
};
template <>
struct NpyTypeOf<int32_t> {
  static constexpr NpyType value = NpyType::kInt32;
};
template <>
struct NpyTypeOf<float> {
  static constexpr NpyType value = NpyType::kFloat32;
};
template <>
struct NpyTypeOf<int64_t> {
  static constexpr NpyType value = NpyType::kInt64;
};
template <>
struct NpyTypeOf<double> {
  static constexpr NpyType value = NpyType::kFloat64;
};

// numpy's repr of a shape: "(2, 3, 32, 32)", "(5,)" for rank 1, "()" for rank 0.
std::string shape_string(const std::vector<int64_t>& shape);

struct NpyArray {
  NpyType type = NpyType::kUint8;
  std::vector<int64_t> shape;  // C order
  std::vector<uint8_t> bytes;  // raw little-endian element data, C order

  int64_t element_count() const;

  // The elements as T, which must be the array's type. Copies, since `bytes` is not guaranteed to
  // be aligned for T.
  template <typename T>
  std::vector<T> values() const {
    assert(NpyTypeOf<T>::value == type);
    std::vector<T> result(bytes.size() / sizeof(T));
    if (!result.empty()) std::memcpy(result.data(), bytes.data(), result.size() * sizeof(T));
    return result;
  }
};

// Reads a whole .npy file. Accepts the dtypes above as numpy writes them ('|u1', '<i4', ...) and
// the equivalent spellings of uint8 ('u1', '<u1', 'B'); rejects Fortran order, big-endian data,
// other dtypes and malformed or truncated files.
NpyArray read_npy(const std::string& path);

// Reads a .npy file and checks its type and shape: `expected_shape` gives the rank, and each entry
// is a required dimension or -1 for "any". On mismatch the error reads
// "<path>: <what>, got <type> of shape <shape>", so `what` states the requirement, e.g.
// "images must be uint8 N x 3 x H x W".
NpyArray read_npy_checked(const std::string& path, NpyType type, const std::vector<int64_t>& expected_shape,
                          const std::string& what);

// Writes `data` (element_count(shape) elements of `type`, little-endian, C order) as `path`,
// byte-for-byte as numpy.save would, with write_output_file (models/output_file.h): "-", symlinks and
// special files as it describes, and a failed write leaves no partial file behind.
void write_npy(const std::string& path, NpyType type, const std::vector<int64_t>& shape, const void* data);

}  // namespace ernsim
