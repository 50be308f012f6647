#include "models/npy.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "models/error.h"

namespace ernsim {
namespace {

namespace fs = std::filesystem;

// Files written by numpy 1.24.2 (np.save, or np.lib.format.write_array for versions 2.0 and 3.0),
// embedded byte for byte so that the tests do not need Python.
// np.arange(6, dtype=np.uint8).reshape(2, 3)
const std::string kNumpyUint8_2x3("\223NUMPY\001\000v\000"
                                  "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }"
                                  "                                                          \n"
                                  "\000\001\002\003\004\005",
                                  134);
// np.array([-1, 0, 2147483647], dtype="<i4")
const std::string kNumpyInt32_3("\223NUMPY\001\000v\000"
                                "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"
                                "                                                            \n"
                                "\377\377\377\377\000\000\000\000\377\377\377\177",
                                140);
// np.array([[1.5, -2.0], [0.25, 1e30]], dtype="<f4")
const std::string kNumpyFloat32_2x2("\223NUMPY\001\000v\000"
                                    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
                                    "                                                          \n"
                                    "\000\000\300?\000\000\000\300\000\000\200>\312\362Iq",
                                    144);
// np.array(-5, dtype="<i8")
const std::string kNumpyInt64Scalar("\223NUMPY\001\000v\000"
                                    "{'descr': '<i8', 'fortran_order': False, 'shape': (), }"
                                    "                                                              \n"
                                    "\373\377\377\377\377\377\377\377",
                                    136);
// np.zeros((0, 3), dtype="<f8")
const std::string kNumpyFloat64_0x3("\223NUMPY\001\000v\000"
                                    "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }"
                                    "                                                          \n",
                                    128);
// np.array([3.25, -0.5], dtype="<f8").reshape(1, 1, 1, 2)
const std::string kNumpyFloat64_1x1x1x2("\223NUMPY\001\000v\000"
                                        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 2), }"
                                        "                                                    \n"
                                        "\000\000\000\000\000\000\n@\000\000\000\000\000\000\340\277",
                                        144);
// np.arange(4, dtype=np.uint8).reshape(1, 2, 2), format version 2.0
const std::string kNumpyUint8V2("\223NUMPY\002\000t\000\000\000"
                                "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2), }"
                                "                                                     \n"
                                "\000\001\002\003",
                                132);
// np.array([7, -7], dtype="<i4"), format version 3.0
const std::string kNumpyInt32V3("\223NUMPY\003\000t\000\000\000"
                                "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }"
                                "                                                          \n"
                                "\007\000\000\000\371\377\377\377",
                                136);
// np.asfortranarray(np.arange(6, dtype=np.uint8).reshape(2, 3))
const std::string kNumpyFortranUint8("\223NUMPY\001\000v\000"
                                     "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }"
                                     "                                                           \n"
                                     "\000\003\001\004\002\005",
                                     134);
// np.array([1, 2], dtype=">i4")
const std::string kNumpyBigEndianInt32("\223NUMPY\001\000v\000"
                                       "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }"
                                       "                                                            \n"
                                       "\000\000\000\001\000\000\000\002",
                                       136);
// np.array([1 + 2j], dtype="<c8")
const std::string kNumpyComplex64("\223NUMPY\001\000v\000"
                                  "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"
                                  "                                                            \n"
                                  "\000\000\200?\000\000\000@",
                                  136);
// np.array([True, False])
const std::string kNumpyBool("\223NUMPY\001\000v\000"
                             "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }"
                             "                                                            \n"
                             "\001\000",
                             130);
// np.array([-1, 1], dtype="i1")
const std::string kNumpyInt8("\223NUMPY\001\000v\000"
                             "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }"
                             "                                                            \n"
                             "\377\001",
                             130);

// Builds a .npy file around a hand-written header dict, padded the way numpy pads it, so that
// tests can vary the dict alone.
std::string npy_file(const std::string& dict, const std::string& data, int major_version = 1) {
  const size_t prefix_size = major_version == 1 ? 10 : 12;
  const size_t unpadded = dict.size() + 1;
  const size_t header_length = unpadded + 64 - (prefix_size + unpadded) % 64;
  std::string file("\x93NUMPY", 6);
  file += static_cast<char>(major_version);
  file += '\0';
  for (size_t i = 0; i < prefix_size - 8; ++i) {
    file += static_cast<char>((header_length >> (8 * i)) & 0xff);
  }
  return file + dict + std::string(header_length - unpadded, ' ') + "\n" + data;
}

const std::string kSixBytes("\000\001\002\003\004\005", 6);

std::string uint8_2x3_file(const std::string& dict) { return npy_file(dict, kSixBytes); }

// Test suite fixture: a fresh temporary directory per test.
class Npy : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(testing::TempDir()) / "npy_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write_file(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }

  std::string read_file(const std::string& file_path) const {
    std::ifstream in(file_path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // Writes `bytes` and checks that reading them fails with a one-line message that names the
  // file and contains `phrase`.
  void expect_read_error(const std::string& bytes, const std::string& phrase) {
    const std::string file_path = write_file("bad.npy", bytes);
    expect_error([&] { read_npy(file_path); }, file_path, phrase);
  }

  static void expect_error(const std::function<void()>& action, const std::string& file_path,
                           const std::string& phrase) {
    try {
      action();
    } catch (const Error& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.rfind(file_path + ": ", 0), 0u) << message;
      EXPECT_NE(message.find(phrase), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      return;
    }
    ADD_FAILURE() << "expected an ernsim::Error containing \"" << phrase << "\"";
  }

  fs::path dir_;
};

std::vector<uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

TEST_F(Npy, ShapeStringFollowsNumpyRepr) {
  EXPECT_EQ(shape_string({}), "()");
  EXPECT_EQ(shape_string({5}), "(5,)");
  EXPECT_EQ(shape_string({2, 3}), "(2, 3)");
  EXPECT_EQ(shape_string({2, 3, 32, 32}), "(2, 3, 32, 32)");
}

TEST_F(Npy, ElementCount) {
  NpyArray array;
  EXPECT_EQ(array.element_count(), 1);  // rank 0 holds one scalar
  array.shape = {2, 3, 4};
  EXPECT_EQ(array.element_count(), 24);
  array.shape = {std::numeric_limits<int64_t>::max(), 0, std::numeric_limits<int64_t>::max()};
  EXPECT_EQ(array.element_count(), 0);
}

TEST_F(Npy, RoundTripsEveryTypeAtRanks0To4) {
  const std::vector<std::vector<int64_t>> shapes = {{}, {5}, {2, 3}, {2, 1, 3}, {1, 2, 3, 2}};
  for (NpyType type : {NpyType::kUint8, NpyType::kInt32, NpyType::kFloat32, NpyType::kInt64, NpyType::kFloat64}) {
    for (const std::vector<int64_t>& shape : shapes) {
      SCOPED_TRACE(std::string(npy_type_name(type)) + " " + shape_string(shape));
      int64_t count = 1;
      for (int64_t dim : shape) count *= dim;
      // Arbitrary bytes, which for floats include NaN and infinity patterns: all must survive.
      std::vector<uint8_t> data(static_cast<size_t>(count) * npy_item_size(type));
      for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 37 + 11);
      const std::string file_path = path("round_trip.npy");
      write_npy(file_path, type, shape, data.data());

      const NpyArray array = read_npy(file_path);
      EXPECT_EQ(array.type, type);
      EXPECT_EQ(array.shape, shape);
      EXPECT_EQ(array.element_count(), count);
      EXPECT_EQ(array.bytes, data);
      const uintmax_t file_size = fs::file_size(file_path);
      EXPECT_EQ((file_size - data.size()) % 64, 0u) << "data must start 64-byte aligned";
      EXPECT_EQ(read_file(file_path)[6], '\1') << "short headers use format version 1.0";
    }
  }
}

TEST_F(Npy, RoundTripsEmptyArrays) {
  const std::string file_path = path("empty.npy");
  write_npy(file_path, NpyType::kFloat32, {0, 3}, nullptr);
  const NpyArray array = read_npy(file_path);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{0, 3}));
  EXPECT_TRUE(array.bytes.empty());
}

TEST_F(Npy, ValuesConvertsToTheElementType) {
  const std::vector<float> floats = {-0.0f, std::numeric_limits<float>::infinity(),
                                     std::numeric_limits<float>::denorm_min(), 1.5f};
  write_npy(path("f.npy"), NpyType::kFloat32, {4}, floats.data());
  const std::vector<float> read_floats = read_npy(path("f.npy")).values<float>();
  ASSERT_EQ(read_floats.size(), floats.size());
  EXPECT_EQ(std::memcmp(read_floats.data(), floats.data(), sizeof(float) * floats.size()), 0);

  const std::vector<int64_t> longs = {std::numeric_limits<int64_t>::min(), -1, 0, std::numeric_limits<int64_t>::max()};
  write_npy(path("q.npy"), NpyType::kInt64, {2, 2}, longs.data());
  EXPECT_EQ(read_npy(path("q.npy")).values<int64_t>(), longs);
}

TEST_F(Npy, ReadsFilesWrittenByNumpy) {
  NpyArray array = read_npy(write_file("u8.npy", kNumpyUint8_2x3));
  EXPECT_EQ(array.type, NpyType::kUint8);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(array.values<uint8_t>(), (std::vector<uint8_t>{0, 1, 2, 3, 4, 5}));

  array = read_npy(write_file("i4.npy", kNumpyInt32_3));
  EXPECT_EQ(array.type, NpyType::kInt32);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(array.values<int32_t>(), (std::vector<int32_t>{-1, 0, 2147483647}));

  array = read_npy(write_file("f4.npy", kNumpyFloat32_2x2));
  EXPECT_EQ(array.type, NpyType::kFloat32);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(array.values<float>(), (std::vector<float>{1.5f, -2.0f, 0.25f, 1e30f}));

  array = read_npy(write_file("i8.npy", kNumpyInt64Scalar));
  EXPECT_EQ(array.type, NpyType::kInt64);
  EXPECT_TRUE(array.shape.empty());
  EXPECT_EQ(array.values<int64_t>(), (std::vector<int64_t>{-5}));

  array = read_npy(write_file("f8_empty.npy", kNumpyFloat64_0x3));
  EXPECT_EQ(array.type, NpyType::kFloat64);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(array.element_count(), 0);
  EXPECT_TRUE(array.bytes.empty());

  array = read_npy(write_file("f8.npy", kNumpyFloat64_1x1x1x2));
  EXPECT_EQ(array.type, NpyType::kFloat64);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_EQ(array.values<double>(), (std::vector<double>{3.25, -0.5}));
}

TEST_F(Npy, ReadsFormatVersions2And3) {
  NpyArray array = read_npy(write_file("v2.npy", kNumpyUint8V2));
  EXPECT_EQ(array.type, NpyType::kUint8);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{1, 2, 2}));
  EXPECT_EQ(array.values<uint8_t>(), (std::vector<uint8_t>{0, 1, 2, 3}));

  array = read_npy(write_file("v3.npy", kNumpyInt32V3));
  EXPECT_EQ(array.type, NpyType::kInt32);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(array.values<int32_t>(), (std::vector<int32_t>{7, -7}));
}

TEST_F(Npy, WritesTheSameBytesAsNumpy) {
  for (const std::string* numpy_file : {&kNumpyUint8_2x3, &kNumpyInt32_3, &kNumpyFloat32_2x2, &kNumpyInt64Scalar,
                                        &kNumpyFloat64_0x3, &kNumpyFloat64_1x1x1x2}) {
    const NpyArray array = read_npy(write_file("numpy.npy", *numpy_file));
    SCOPED_TRACE(std::string(npy_type_name(array.type)) + " " + shape_string(array.shape));
    write_npy(path("ours.npy"), array.type, array.shape, array.bytes.data());
    EXPECT_EQ(read_file(path("ours.npy")), *numpy_file);
  }
}

TEST_F(Npy, WritesVersion2WhenTheHeaderExceeds64KiB) {
  // Each dimension adds "1, " to the header, so this needs more than the 65535 bytes that
  // format 1.0's 2-byte length field allows.
  const std::vector<int64_t> shape(22000, 1);
  const int32_t value = 42;
  const std::string file_path = path("long_header.npy");
  write_npy(file_path, NpyType::kInt32, shape, &value);
  const std::string bytes = read_file(file_path);
  EXPECT_EQ(bytes[6], '\2');
  EXPECT_EQ((bytes.size() - sizeof(value)) % 64, 0u);
  const NpyArray array = read_npy(file_path);
  EXPECT_EQ(array.shape, shape);
  EXPECT_EQ(array.values<int32_t>(), (std::vector<int32_t>{42}));
}

TEST_F(Npy, AcceptsAnyValidSpellingOfTheHeaderDict) {
  const std::vector<std::string> dicts = {
      "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }",
      "{'shape': (2, 3), 'fortran_order': False, 'descr': '|u1'}",
      "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (2,3,)}",
      "  {\n\t'descr' :'|u1' ,\n'fortran_order':False,'shape':( 2 , 3 ) , }  ",
      "{'descr': '<u1', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': 'u1', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '=u1', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': 'B', 'fortran_order': False, 'shape': (2, 3)}",
  };
  for (const std::string& dict : dicts) {
    SCOPED_TRACE(dict);
    const NpyArray array = read_npy(write_file("variant.npy", uint8_2x3_file(dict)));
    EXPECT_EQ(array.type, NpyType::kUint8);
    EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(array.bytes, bytes_of(kSixBytes));
  }
}

TEST_F(Npy, RejectsAMissingFile) {
  const std::string file_path = path("no_such.npy");
  expect_error([&] { read_npy(file_path); }, file_path, "cannot open .npy file: No such file or directory");
}

TEST_F(Npy, RejectsADirectory) {
  expect_error([&] { read_npy(dir_.string()); }, dir_.string(), "not a regular file");
}

TEST_F(Npy, RejectsBadMagic) {
  std::string bytes = kNumpyUint8_2x3;
  bytes[5] = 'X';
  expect_read_error(bytes, "not a .npy file (bad magic");
  expect_read_error("hello", "not a .npy file (bad magic");
  expect_read_error("PK\3\4 a zip file, perhaps an .npz", "not a .npy file (bad magic");
}

TEST_F(Npy, RejectsATruncatedHeader) {
  expect_read_error("", "truncated header: the file is only 0 bytes");
  expect_read_error(kNumpyUint8_2x3.substr(0, 4), "truncated header");
  expect_read_error(kNumpyUint8_2x3.substr(0, 9), "truncated header: the file is only 9 bytes");
  expect_read_error(kNumpyUint8V2.substr(0, 11), "truncated header: the file is only 11 bytes");
  expect_read_error(kNumpyUint8_2x3.substr(0, 50), "truncated header: it declares 118 bytes but the file has only 40");
}

TEST_F(Npy, RejectsAHugeHeaderLengthWithoutAllocating) {
  std::string bytes = kNumpyUint8V2;
  bytes.replace(8, 4, "\xff\xff\xff\xff");
  expect_read_error(bytes, "truncated header: it declares 4294967295 bytes");
}

TEST_F(Npy, RejectsUnsupportedFormatVersions) {
  std::string bytes = kNumpyUint8_2x3;
  bytes[6] = '\4';
  expect_read_error(bytes, "unsupported .npy format version 4.0");
  bytes[6] = '\1';
  bytes[7] = '\1';
  expect_read_error(bytes, "unsupported .npy format version 1.1");
}

TEST_F(Npy, RejectsTruncatedData) {
  expect_read_error(kNumpyFloat32_2x2.substr(0, kNumpyFloat32_2x2.size() - 1),
                    "truncated data: float32 of shape (2, 2) needs 16 bytes but the file has "
                    "only 15");
  expect_read_error(kNumpyInt64Scalar.substr(0, 128), "truncated data");
}

TEST_F(Npy, RejectsTrailingData) {
  expect_read_error(kNumpyUint8_2x3 + "x", "1 unexpected trailing bytes after the data");
}

TEST_F(Npy, RejectsAHugeDeclaredShapeWithoutAllocating) {
  expect_read_error(uint8_2x3_file("{'descr': '|u1', 'fortran_order': False, 'shape': (1000000000, 1000000)}"),
                    "truncated data: uint8 of shape (1000000000, 1000000) needs 1000000000000000 bytes");
  expect_read_error(uint8_2x3_file("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}"),
                    "shape (4294967296, 4294967296) is too large");
  expect_read_error(uint8_2x3_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2305843009213693952,)}"),
                    "shape (2305843009213693952,) is too large");
  expect_read_error(uint8_2x3_file("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999,)}"),
                    "dimension 99999999999999999999 in the shape is too large");
}

TEST_F(Npy, RejectsNegativeDimensions) {
  expect_read_error(uint8_2x3_file("{'descr': '|u1', 'fortran_order': False, 'shape': (-1, 6)}"),
                    "negative dimension -1");
}

TEST_F(Npy, RejectsFortranOrder) { expect_read_error(kNumpyFortranUint8, "fortran_order is True"); }

TEST_F(Npy, RejectsBigEndian) { expect_read_error(kNumpyBigEndianInt32, "dtype '>i4' is big-endian"); }

TEST_F(Npy, RejectsUnsupportedDtypes) {
  expect_read_error(kNumpyComplex64, "unsupported dtype '<c8'");
  expect_read_error(kNumpyBool, "unsupported dtype '|b1'");
  expect_read_error(kNumpyInt8, "unsupported dtype '|i1'");
  expect_read_error(uint8_2x3_file("{'descr': '|O', 'fortran_order': False, 'shape': (6,)}"), "unsupported dtype '|O'");
  expect_read_error(uint8_2x3_file("{'descr': 'b', 'fortran_order': False, 'shape': (6,)}"), "unsupported dtype 'b'");
  expect_read_error(uint8_2x3_file("{'descr': [('a', '|u1')], 'fortran_order': False, 'shape': (6,)}"),
                    "unsupported dtype: structured arrays");
  // Multi-byte data must say it is little-endian.
  expect_read_error(uint8_2x3_file("{'descr': 'i4', 'fortran_order': False, 'shape': ()}"),
                    "dtype 'i4' does not state its byte order");
  expect_read_error(uint8_2x3_file("{'descr': '|f4', 'fortran_order': False, 'shape': ()}"),
                    "dtype '|f4' does not state its byte order");
}

TEST_F(Npy, RejectsMalformedHeaderDicts) {
  const std::vector<std::string> dicts = {
      "",
      "'descr': '|u1', 'fortran_order': False, 'shape': (6,)",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (6,), ",
      "{'descr' '|u1', 'fortran_order': False, 'shape': (6,)}",
      "{descr: '|u1', 'fortran_order': False, 'shape': (6,)}",
      "{'descr': '|u1',, 'fortran_order': False, 'shape': (6,)}",
      "{'descr': '|u1' 'fortran_order': False, 'shape': (6,)}",
      "{'descr': '|u1, 'fortran_order': False, 'shape': (6,)}",
      "{'descr': \"|u1', 'fortran_order': False, 'shape': (6,)}",
      "{'descr': '|u\\x31', 'fortran_order': False, 'shape': (6,)}",
      "{'descr': |u1, 'fortran_order': False, 'shape': (6,)}",
      "{'descr': '|u1', 'fortran_order': false, 'shape': (6,)}",
      "{'descr': '|u1', 'fortran_order': Falsey, 'shape': (6,)}",
      "{'descr': '|u1', 'fortran_order': 0, 'shape': (6,)}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (6)}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': [6]}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': 6}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (6,,)}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (,)}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (2 3)}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (06,)}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (6.0,)}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (-,)}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (6,)",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (6,)} x",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (6,)}}",
      std::string("{'descr': '|u1', 'fortran_order': False, 'shape': (6,)}\0", 56),
      "{'descr': '|u1', 'fortran_order': False}",
      "{'descr': '|u1', 'shape': (6,)}",
      "{'fortran_order': False, 'shape': (6,)}",
      "{}",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (6,), 'extra': 1}",
      "{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (6,)}",
  };
  for (const std::string& dict : dicts) {
    SCOPED_TRACE(dict);
    expect_read_error(uint8_2x3_file(dict), "malformed .npy header");
  }
}

TEST_F(Npy, MalformedHeaderMessagesSayWhatIsWrong) {
  expect_read_error(uint8_2x3_file("{'descr': '|u1', 'fortran_order': False, 'shape': (6,), 'extra': 1}"),
                    "unexpected key 'extra'");
  expect_read_error(uint8_2x3_file("{'descr': '|u1', 'fortran_order': False}"), "no 'shape' key");
  expect_read_error(uint8_2x3_file("{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (6,)}"),
                    "duplicate key 'descr'");
  expect_read_error(uint8_2x3_file("{'descr': '|u1', 'fortran_order': False, 'shape': (6)}"),
                    "shape (n) is not a tuple");
  // The message quotes the header without its padding, and escapes newlines to stay one line.
  expect_read_error(uint8_2x3_file("{'descr': '|u1', 'fortran_order': nope, 'shape': (6,)}"),
                    "expected True or False for 'fortran_order' at offset 34 of "
                    "\"{'descr': '|u1', 'fortran_order': nope, 'shape': (6,)}\"");
  expect_read_error(uint8_2x3_file("{'descr': '|u1',\n'fortran_order': False\n'shape': (6,)}"),
                    "expected ',' or '}' after a value at offset 40 of "
                    "\"{'descr': '|u1',\\n'fortran_order': False\\n'shape': (6,)}\"");
}

TEST_F(Npy, CorruptFilesRaiseErrorsAndNeverCrash) {
  // Every truncation and many single-byte corruptions of real files: each must either read or
  // raise ernsim::Error (run under AddressSanitizer to also catch out-of-bounds reads).
  const std::string file_path = path("corrupt.npy");
  for (const std::string* original : {&kNumpyUint8_2x3, &kNumpyFloat64_1x1x1x2, &kNumpyUint8V2}) {
    std::vector<std::string> variants;
    for (size_t length = 0; length < original->size(); ++length) {
      variants.push_back(original->substr(0, length));
    }
    for (size_t i = 0; i < original->size(); ++i) {
      for (const char replacement : {'\0', '\xff', '(', ',', '9'}) {
        std::string corrupt = *original;
        corrupt[i] = replacement;
        variants.push_back(corrupt);
      }
    }
    for (const std::string& variant : variants) {
      write_file("corrupt.npy", variant);
      try {
        read_npy(file_path);
      } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();
      }
    }
  }
}

TEST_F(Npy, CheckedReadAcceptsMatchingTypeAndShape) {
  const std::vector<uint8_t> pixels(2 * 3 * 4 * 5, 7);
  write_npy(path("IMAGES.npy"), NpyType::kUint8, {2, 3, 4, 5}, pixels.data());
  const NpyArray array =
      read_npy_checked(path("IMAGES.npy"), NpyType::kUint8, {-1, 3, -1, -1}, "images must be uint8 N x 3 x H x W");
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(array.bytes, pixels);
}

TEST_F(Npy, CheckedReadRejectsTheWrongType) {
  const std::vector<float> pixels(2 * 3 * 32 * 32);
  const std::string file_path = path("IMAGES.npy");
  write_npy(file_path, NpyType::kFloat32, {2, 3, 32, 32}, pixels.data());
  try {
    read_npy_checked(file_path, NpyType::kUint8, {-1, 3, -1, -1}, "images must be uint8 N x 3 x H x W");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), file_path + ": images must be uint8 N x 3 x H x W, got float32 of shape "
                                                     "(2, 3, 32, 32)");
  }
}

TEST_F(Npy, CheckedReadRejectsTheWrongRank) {
  const std::vector<uint8_t> pixels(3 * 32 * 32);
  const std::string file_path = path("IMAGES.npy");
  write_npy(file_path, NpyType::kUint8, {3, 32, 32}, pixels.data());
  expect_error(
      [&] {
        read_npy_checked(file_path, NpyType::kUint8, {-1, 3, -1, -1}, "images must be uint8 N x 3 x H x W");
      },
      file_path, "images must be uint8 N x 3 x H x W, got uint8 of shape (3, 32, 32)");
}

TEST_F(Npy, CheckedReadRejectsTheWrongDimension) {
  const std::vector<int32_t> labels(10);
  const std::string file_path = path("LABELS.npy");
  write_npy(file_path, NpyType::kInt32, {10, 1}, labels.data());
  expect_error([&] { read_npy_checked(file_path, NpyType::kInt32, {-1}, "labels must be int32 N"); }, file_path,
               "labels must be int32 N, got int32 of shape (10, 1)");
  expect_error(
      [&] {
        read_npy_checked(file_path, NpyType::kInt32, {10, 2}, "labels must be int32 10 x 2");
      },
      file_path, "labels must be int32 10 x 2, got int32 of shape (10, 1)");
}

TEST_F(Npy, WriteFailsWhenTheDirectoryIsMissing) {
  const std::string file_path = path("missing_dir/out.npy");
  const uint8_t value = 1;
  expect_error([&] { write_npy(file_path, NpyType::kUint8, {1}, &value); }, file_path, "No such file or directory");
  EXPECT_FALSE(fs::exists(path("missing_dir")));
}

TEST_F(Npy, WriteRejectsNegativeDimensionsWithoutCreatingAFile) {
  const std::string file_path = path("negative.npy");
  expect_error([&] { write_npy(file_path, NpyType::kUint8, {2, -1}, nullptr); }, file_path, "negative dimension");
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(Npy, WriteReplacesAnExistingFileAndLeavesNoTemporary) {
  const std::string file_path = write_file("out.npy", "old contents");
  const int64_t value = 9;
  write_npy(file_path, NpyType::kInt64, {}, &value);
  EXPECT_EQ(read_npy(file_path).values<int64_t>(), (std::vector<int64_t>{9}));
  EXPECT_FALSE(fs::exists(file_path + ".tmp"));
}

TEST_F(Npy, FailedWriteRemovesItsTemporaryFile) {
  // A directory where the file should go: refused, and no temporary file is left beside it.
  const std::string file_path = path("taken.npy");
  fs::create_directory(file_path);
  write_file("taken.npy/keep", "x");
  const uint8_t value = 1;
  expect_error([&] { write_npy(file_path, NpyType::kUint8, {1}, &value); }, file_path, "is a directory");
  for (const auto& e : fs::directory_iterator(fs::path(file_path).parent_path())) {
    EXPECT_EQ(e.path().filename().string().rfind(".ernsim-", 0), std::string::npos) << e.path();
  }
  EXPECT_TRUE(fs::is_directory(file_path));
}

}  // namespace
}  // namespace ernsim
