#include "models/npy.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>

#include "models/error.h"
#include "models/input_file.h"
#include "models/output_file.h"

namespace ernsim {
namespace {

constexpr std::string_view kMagic("\x93NUMPY", 6);
// numpy aligns the start of the data to this many bytes so that files can be memory-mapped.
constexpr size_t kDataAlignment = 64;
// numpy leaves room for the first dimension to grow to this many digits, so a header can be
// rewritten in place while appending; we write the same spaces to produce identical files.
constexpr int64_t kGrowthAxisMaxDigits = 21;
// A real header is a few hundred bytes; refusing larger ones keeps a corrupt length field from
// making us allocate and parse gigabytes.
constexpr uint32_t kMaxHeaderLength = 1 << 20;

std::string errno_text(int error) { return std::strerror(error); }

// Renders header bytes for an error message: on one line, printable, and not too long.
std::string quote_for_message(std::string_view text) {
  // The padding after the dict is noise.
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
  constexpr size_t kMaxShown = 120;
  std::string quoted = "\"";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      quoted += "\\n";
    } else if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      quoted += static_cast<char>(c);
    } else {
      quoted += fmt::format("\\x{:02x}", c);
    }
  }
  if (text.size() > kMaxShown) quoted += "...";
  return quoted + "\"";
}

// Total bytes of an array of `shape`, or nullopt if that does not fit in an int64 (and so in any
// file). Dimensions must be non-negative.
std::optional<int64_t> checked_byte_count(const std::vector<int64_t>& shape, size_t item_size) {
  for (int64_t dim : shape) {
    if (dim == 0) return 0;  // empty whatever the other dimensions are
  }
  int64_t bytes = static_cast<int64_t>(item_size);
  for (int64_t dim : shape) {
    if (bytes > std::numeric_limits<int64_t>::max() / dim) return std::nullopt;
    bytes *= dim;
  }
  return bytes;
}

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// A strict parser for the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// It accepts what Python's literal_eval would for such a dict (keys in any order, either quote
// style, any whitespace, optional trailing commas) and nothing more.
class HeaderParser {
 public:
  HeaderParser(const std::string& path, std::string_view text) : path_(path), text_(text) {}

  NpyHeader parse() {
    NpyHeader header;
    bool has_descr = false;
    bool has_fortran_order = false;
    bool has_shape = false;
    skip_space();
    expect('{', "'{' opening the header dict");
    skip_space();
    while (!at('}')) {
      const size_t key_position = position_;
      const std::string key = parse_string("a quoted key or '}'");
      skip_space();
      expect(':', "':' after the key");
      skip_space();
      if (key == "descr") {
        mark_seen(has_descr, key, key_position);
        header.descr = parse_descr();
      } else if (key == "fortran_order") {
        mark_seen(has_fortran_order, key, key_position);
        header.fortran_order = parse_bool();
      } else if (key == "shape") {
        mark_seen(has_shape, key, key_position);
        header.shape = parse_shape();
      } else {
        malformed(fmt::format("unexpected key '{}'", key), key_position);
      }
      skip_space();
      if (!at(',')) break;
      ++position_;
      skip_space();
    }
    expect('}', "',' or '}' after a value");
    skip_space();
    if (position_ != text_.size()) malformed("unexpected text after the dict", position_);
    if (!has_descr) missing_key("descr");
    if (!has_fortran_order) missing_key("fortran_order");
    if (!has_shape) missing_key("shape");
    return header;
  }

 private:
  [[noreturn]] void malformed(const std::string& problem, size_t position) const {
    fail("{}: malformed .npy header: {} at offset {} of {}", path_, problem, position, quote_for_message(text_));
  }
  [[noreturn]] void missing_key(const char* key) const {
    fail("{}: malformed .npy header: no '{}' key in {}", path_, key, quote_for_message(text_));
  }
  void mark_seen(bool& seen, const std::string& key, size_t position) const {
    if (seen) malformed(fmt::format("duplicate key '{}'", key), position);
    seen = true;
  }

  bool at(char c) const { return position_ < text_.size() && text_[position_] == c; }
  bool at_digit() const { return position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9'; }
  bool at_identifier_char() const {
    return position_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[position_])) || text_[position_] == '_');
  }
  void skip_space() {
    while (position_ < text_.size() &&
           std::string_view(" \t\n\r\f\v").find(text_[position_]) != std::string_view::npos) {
      ++position_;
    }
  }
  void expect(char c, const char* what) {
    if (!at(c)) malformed(fmt::format("expected {}", what), position_);
    ++position_;
  }

  std::string parse_string(const char* what) {
    if (!at('\'') && !at('"')) malformed(fmt::format("expected {}", what), position_);
    const size_t start = position_;
    const char quote = text_[position_++];
    std::string value;
    while (!at(quote)) {
      if (position_ >= text_.size() || at('\n')) malformed("unterminated string", start);
      // No descr or key we accept needs escapes; rejecting them keeps the parser trivial.
      if (at('\\')) malformed("escape sequences are not supported", position_);
      value += text_[position_++];
    }
    ++position_;
    return value;
  }

  std::string parse_descr() {
    if (at('[')) {
      fail("{}: unsupported dtype: structured arrays (descr is a list) are not supported", path_);
    }
    return parse_string("a quoted dtype string for 'descr'");
  }

  bool parse_bool() {
    const size_t start = position_;
    // Take the whole identifier, so that "Falsey" is not read as False.
    while (at_identifier_char()) ++position_;
    const std::string_view word = text_.substr(start, position_ - start);
    if (word == "True") return true;
    if (word == "False") return false;
    malformed("expected True or False for 'fortran_order'", start);
  }

  std::vector<int64_t> parse_shape() {
    const size_t start = position_;
    expect('(', "a tuple such as (2, 3) for 'shape'");
    std::vector<int64_t> shape;
    skip_space();
    while (!at(')')) {
      shape.push_back(parse_dimension());
      skip_space();
      if (at(')')) {
        // In Python "(5)" is the integer 5; a 1-tuple needs its comma.
        if (shape.size() == 1) malformed("shape (n) is not a tuple, expected (n,)", start);
        break;
      }
      expect(',', "',' or ')' in the shape");
      skip_space();
    }
    ++position_;
    return shape;
  }

  int64_t parse_dimension() {
    const size_t start = position_;
    if (at('-')) {
      ++position_;
      if (!at_digit()) malformed("expected a dimension in the shape", start);
      while (at_digit()) ++position_;
      fail("{}: invalid .npy header: negative dimension {} in the shape", path_,
           text_.substr(start, position_ - start));
    }
    if (!at_digit()) malformed("expected a dimension in the shape", start);
    // Python rejects leading zeros such as "007".
    if (at('0') && position_ + 1 < text_.size() && text_[position_ + 1] >= '0' && text_[position_ + 1] <= '9') {
      malformed("leading zero in a dimension", start);
    }
    while (at_digit()) ++position_;
    const std::string_view digits = text_.substr(start, position_ - start);
    int64_t value = 0;
    for (char c : digits) {
      const int digit = c - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
        fail("{}: invalid .npy header: dimension {} in the shape is too large", path_, digits);
      }
      value = value * 10 + digit;
    }
    return value;
  }

  const std::string& path_;
  std::string_view text_;
  size_t position_ = 0;
};

// Maps a descr to one of our types, accepting the spellings numpy and other writers use for them.
NpyType parse_descr_type(const std::string& path, const std::string& descr) {
  constexpr const char* kSupported = "supported: uint8 '|u1', int32 '<i4', float32 '<f4', int64 '<i8', float64 '<f8'";
  // 'B' is numpy's character code for uint8.
  if (descr == "B") return NpyType::kUint8;
  const char byte_order = descr.empty() ? '\0' : descr[0];
  const bool has_byte_order = std::string_view("<>|=").find(byte_order) != std::string_view::npos;
  const std::string kind_and_size = has_byte_order ? descr.substr(1) : descr;

  std::optional<NpyType> type;
  for (NpyType candidate : {NpyType::kUint8, NpyType::kInt32, NpyType::kFloat32, NpyType::kInt64, NpyType::kFloat64}) {
    if (kind_and_size == npy_descr(candidate) + 1) type = candidate;
  }
  if (!type) fail("{}: unsupported dtype '{}' ({})", path, descr, kSupported);
  // Byte order is meaningless for single bytes, so any marker is fine there.
  if (npy_item_size(*type) == 1) return *type;
  if (byte_order == '>') {
    fail("{}: dtype '{}' is big-endian; only little-endian data is supported (save with "
         "arr.astype('<{}'))",
         path, descr, kind_and_size);
  }
  if (byte_order != '<') {
    fail("{}: dtype '{}' does not state its byte order; expected little-endian '<{}'", path, descr, kind_and_size);
  }
  return *type;
}

// Reads exactly `size` bytes, reporting a short read as truncation of `what`.
void read_exactly(FILE* file, const std::string& path, void* buffer, size_t size, const char* what) {
  if (size == 0) return;
  if (std::fread(buffer, 1, size, file) == size) return;
  if (std::ferror(file)) fail("{}: cannot read {}: {}", path, what, errno_text(errno));
  fail("{}: truncated {}: the file ended early", path, what);
}

}  // namespace

const char* npy_type_name(NpyType type) {
  switch (type) {
    case NpyType::kUint8: return "uint8";
    case NpyType::kInt32: return "int32";
    case NpyType::kFloat32: return "float32";
    case NpyType::kInt64: return "int64";
    case NpyType::kFloat64: return "float64";
  }
  return "unknown";
}

const char* npy_descr(NpyType type) {
  switch (type) {
    case NpyType::kUint8: return "|u1";
    case NpyType::kInt32: return "<i4";
    case NpyType::kFloat32: return "<f4";
    case NpyType::kInt64: return "<i8";
    case NpyType::kFloat64: return "<f8";
  }
  return "?";
}

size_t npy_item_size(NpyType type) {
  switch (type) {
    case NpyType::kUint8: return 1;
    case NpyType::kInt32: return 4;
    case NpyType::kFloat32: return 4;
    case NpyType::kInt64: return 8;
    case NpyType::kFloat64: return 8;
  }
  return 0;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

int64_t NpyArray::element_count() const {
  // A zero dimension empties the array, and checking it first avoids overflowing on the others.
  for (int64_t dim : shape) {
    if (dim == 0) return 0;
  }
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

NpyArray read_npy(const std::string& path) {
  uint64_t file_size = 0;
  const FilePtr file = open_input_file(path, ".npy file", kMaxNpyBytes, &file_size);

  // The prefix is the magic, a major and minor version byte, and the header length: 2 bytes in
  // version 1.0, 4 bytes in 2.0 and 3.0.
  unsigned char prefix[12] = {};
  const size_t prefix_read = std::fread(prefix, 1, std::min<uint64_t>(file_size, 12), file.get());
  if (std::ferror(file.get())) fail("{}: cannot read: {}", path, errno_text(errno));
  const std::string_view magic_read(reinterpret_cast<const char*>(prefix), std::min(prefix_read, kMagic.size()));
  if (magic_read != kMagic.substr(0, magic_read.size())) {
    fail("{}: not a .npy file (bad magic bytes, expected \\x93NUMPY)", path);
  }
  if (prefix_read < 10) fail("{}: truncated header: the file is only {} bytes", path, prefix_read);
  const int major = prefix[6];
  const int minor = prefix[7];
  if (minor != 0 || major < 1 || major > 3) {
    fail("{}: unsupported .npy format version {}.{} (supported: 1.0, 2.0, 3.0)", path, major, minor);
  }
  const size_t prefix_size = major == 1 ? 10 : 12;
  if (prefix_read < prefix_size) {
    fail("{}: truncated header: the file is only {} bytes", path, prefix_read);
  }
  const uint32_t header_length = major == 1 ? uint32_t{prefix[8]} | uint32_t{prefix[9]} << 8
                                            : uint32_t{prefix[8]} | uint32_t{prefix[9]} << 8 |
                                                  uint32_t{prefix[10]} << 16 | uint32_t{prefix[11]} << 24;
  if (prefix_size + header_length > file_size) {
    fail("{}: truncated header: it declares {} bytes but the file has only {} after the prefix", path, header_length,
         file_size - prefix_size);
  }
  if (header_length > kMaxHeaderLength) {
    fail("{}: header length {} is implausibly large (limit {})", path, header_length, kMaxHeaderLength);
  }
  if (std::fseek(file.get(), static_cast<long>(prefix_size), SEEK_SET) != 0) {
    fail("{}: cannot seek: {}", path, errno_text(errno));
  }
  std::string header_text(header_length, '\0');
  read_exactly(file.get(), path, header_text.data(), header_length, "header");
  const NpyHeader header = HeaderParser(path, header_text).parse();

  NpyArray array;
  array.type = parse_descr_type(path, header.descr);
  if (header.fortran_order) {
    fail("{}: fortran_order is True; only C-order arrays are supported (save "
         "np.ascontiguousarray(arr))",
         path);
  }
  array.shape = header.shape;
  const std::optional<int64_t> data_size = checked_byte_count(array.shape, npy_item_size(array.type));
  if (!data_size) {
    fail("{}: invalid .npy header: shape {} is too large", path, shape_string(array.shape));
  }
  // Compare with what the file holds before allocating, so a corrupt shape cannot make us
  // allocate more than the file's size.
  const uint64_t data_available = file_size - prefix_size - header_length;
  const uint64_t data_needed = static_cast<uint64_t>(*data_size);
  if (data_available < data_needed) {
    fail("{}: truncated data: {} of shape {} needs {} bytes but the file has only {}", path, npy_type_name(array.type),
         shape_string(array.shape), data_needed, data_available);
  }
  if (data_available > data_needed) {
    fail("{}: {} unexpected trailing bytes after the data ({} of shape {} needs {} bytes)", path,
         data_available - data_needed, npy_type_name(array.type), shape_string(array.shape), data_needed);
  }
  array.bytes.resize(data_needed);
  read_exactly(file.get(), path, array.bytes.data(), array.bytes.size(), "data");
  return array;
}

NpyArray read_npy_checked(const std::string& path, NpyType type, const std::vector<int64_t>& expected_shape,
                          const std::string& what) {
  NpyArray array = read_npy(path);
  bool matches = array.type == type && array.shape.size() == expected_shape.size();
  for (size_t i = 0; matches && i < expected_shape.size(); ++i) {
    matches = expected_shape[i] == -1 || expected_shape[i] == array.shape[i];
  }
  if (!matches) {
    fail("{}: {}, got {} of shape {}", path, what, npy_type_name(array.type), shape_string(array.shape));
  }
  return array;
}

void write_npy(const std::string& path, NpyType type, const std::vector<int64_t>& shape, const void* data) {
  for (int64_t dim : shape) {
    if (dim < 0) fail("{}: cannot write shape {}: negative dimension", path, shape_string(shape));
  }
  const std::optional<int64_t> data_size = checked_byte_count(shape, npy_item_size(type));
  if (!data_size) fail("{}: cannot write shape {}: too many elements", path, shape_string(shape));
  const size_t data_bytes = static_cast<size_t>(*data_size);
  assert(data != nullptr || data_bytes == 0);

  // The same header numpy.save writes: sorted keys, Python reprs, growth room, and padding so
  // that the data starts at a multiple of kDataAlignment.
  std::string dict =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", npy_descr(type), shape_string(shape));
  if (!shape.empty()) {
    const int64_t digits = static_cast<int64_t>(std::to_string(shape[0]).size());
    dict.append(static_cast<size_t>(std::max<int64_t>(0, kGrowthAxisMaxDigits - digits)), ' ');
  }
  const auto padded_length = [&](size_t prefix_size) {
    const size_t unpadded = dict.size() + 1;  // + the closing newline
    // Like numpy, pads a full kDataAlignment when already aligned.
    return unpadded + kDataAlignment - (prefix_size + unpadded) % kDataAlignment;
  };
  const bool fits_version_1 = padded_length(10) <= std::numeric_limits<uint16_t>::max();
  const size_t prefix_size = fits_version_1 ? 10 : 12;
  const size_t header_length = padded_length(prefix_size);

  std::string header(kMagic);
  header += static_cast<char>(fits_version_1 ? 1 : 2);
  header += '\0';
  for (size_t i = 0; i < prefix_size - 8; ++i) {
    header += static_cast<char>((header_length >> (8 * i)) & 0xff);
  }
  header += dict;
  header.append(header_length - dict.size() - 1, ' ');
  header += '\n';

  write_output_file(path, {header, std::string_view(static_cast<const char*>(data), data_bytes)});
}

}  // namespace ernsim
