// Access to ../shared/fixtures/ern for tests; tests skip (visibly) when it is absent.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/images.h"

namespace ernsim {

inline const char* const kFixtureNames[] = {"mini_basic_32_s3", "mini_bottleneck_32_s2", "ERNs18x075_64_s1"};

inline std::string shared_dir() { return ERNSIM_SHARED_DIR; }

// The path of a fixture without extension, or "" when the shared folder is absent.
inline std::string fixture_path(const std::string& name) {
  const std::string base = shared_dir() + "/fixtures/ern/" + name;
  return std::filesystem::exists(base + ".onnx") ? base : "";
}

// The images of a fixture's .input.npy.
inline std::vector<ActTensor> fixture_images(const std::string& path) { return read_images(path, 3); }

}  // namespace ernsim
