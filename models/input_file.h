// Reading the files a user names (models, images, configurations, suites): one way for all of them,
// so that none can hang on a FIFO, swallow a device or a directory, or grow without bound.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ernsim {

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

// Sane maxima of the formats ernsim reads: a bigger file is refused before it is read.
constexpr uint64_t kMaxOnnxBytes = uint64_t{2} << 30;   // exported ERNs are tens of MB; protobuf's limit
constexpr uint64_t kMaxNpyBytes = uint64_t{4} << 30;    // 10,000 images of 256 x 256 x 3 are 2 GB
constexpr uint64_t kMaxJsonBytes = uint64_t{16} << 20;  // configurations, suites, reports: kilobytes

// Opens `path` for reading: refuses (Error naming the path, the kind of file and `what` it should
// be) anything but a regular file of at most `max_bytes`. The open itself does not block, so a
// FIFO is refused instead of waiting for a writer. `size` receives the file's size.
FilePtr open_input_file(const std::string& path, const std::string& what, uint64_t max_bytes, uint64_t* size);

// The whole file, under the same rules; never more than the size it had when opened.
std::string read_input_file(const std::string& path, const std::string& what, uint64_t max_bytes);

// The whole of regular file `path` of at most `max_bytes`, or fails naming the command's `option`
// and the path.
std::string read_text_file(const std::string& path, const std::string& option, uint64_t max_bytes);

// A JSON file (at most kMaxJsonBytes) parsed; Error naming the path when it is not valid JSON.
nlohmann::json parse_json_file(const std::string& path, const std::string& what);

}  // namespace ernsim
