// libFuzzer target: the .npy reader on arbitrary file contents. Rejection with an ernsim::Error is
// expected; a crash, sanitizer report, hang or runaway allocation is a bug. The reader works on
// files, so each input is written to a private file first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "models/error.h"
#include "models/npy.h"

namespace {

const std::string& input_path() {
  static const std::string path = "/tmp/ernsim-fuzz-npy-" + std::to_string(getpid()) + ".npy";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::FILE* file = std::fopen(input_path().c_str(), "wb");
  if (!file) __builtin_trap();
  if (size && std::fwrite(data, 1, size, file) != size) __builtin_trap();
  std::fclose(file);
  try {
    const ernsim::NpyArray array = ernsim::read_npy(input_path());
    // What the reader promises: the data is exactly the shape's size.
    if (static_cast<int64_t>(array.bytes.size()) !=
        array.element_count() * static_cast<int64_t>(ernsim::npy_item_size(array.type))) {
      __builtin_trap();
    }
    ernsim::read_npy_checked(input_path(), ernsim::NpyType::kUint8, {-1, 3, -1, -1},
                             "images must be uint8 N x 3 x H x W");
  } catch (const ernsim::Error&) {
  }
  return 0;
}
