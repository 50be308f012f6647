// Images as the CLI and tests exchange them: uint8 N x C x H x W .npy files.
#pragma once

#include <string>
#include <vector>

#include "models/tensor.h"

namespace ernsim {

// Reads the images of a uint8 N x channels x H x W .npy file; height and width are checked when
// not -1. Errors name the file and what was expected.
std::vector<ActTensor> read_images(const std::string& path, int channels, int height = -1, int width = -1);

}  // namespace ernsim
